"""The MWS ``User-Agent`` header: ``AppName/AppVersion (Language=Python/3.x.y; Platform=...; k=v)``.

Escaping follows the MWS developer guide: a backslash becomes ``\\\\`` everywhere, ``/`` in the
application name ``\\/``, ``(`` in the version ``\\(``, ``=`` in an attribute name ``\\=``, and ``)`` and
``;`` in an attribute value ``\\)`` and ``\\;``. Whitespace runs are collapsed to one space and trimmed,
as the official clients do. The whole header may not exceed 500 characters.
"""

from __future__ import annotations

import platform
import re
from collections.abc import Mapping
from typing import Final

from mws_async.errors import ConfigurationError
from mws_async.http import header_safe

__all__ = ["MAX_USER_AGENT_LENGTH", "build_user_agent", "check_user_agent", "default_user_agent"]

MAX_USER_AGENT_LENGTH: Final = 500
_WS = re.compile(r"\s+")


def _clean(value: str) -> str:
    return _WS.sub(" ", value).strip()


def _escape(value: str, specials: str) -> str:
    out = _clean(value).replace("\\", "\\\\")
    for char in specials:
        out = out.replace(char, "\\" + char)
    return out


def build_user_agent(
    app_name: str,
    app_version: str,
    attributes: Mapping[str, str] | None = None,
    *,
    language: str | None = None,
    platform_name: str | None = None,
) -> str:
    """Build and validate a User-Agent header.

    ``Language`` (default ``Python/<running version>``) and ``Platform``
    (default ``<system>/<machine>/<release>``)
    come first, then ``attributes`` in the given order. Raises :class:`ConfigurationError` for an empty name
    or version, or a result longer than 500 characters (saying by how much).
    """
    if not _clean(app_name) or not _clean(app_version):
        raise ConfigurationError("User-Agent: application name and version must not be empty")
    attrs: dict[str, str] = {
        "Language": language or f"Python/{platform.python_version()}",
        "Platform": platform_name or f"{platform.system()}/{platform.machine()}/{platform.release()}",
    }
    for key, value in (attributes or {}).items():
        attrs[key] = value
    rendered = "; ".join(f"{_escape(k, '=')}={_escape(v, ');')}" for k, v in attrs.items())
    header = f"{_escape(app_name, '/')}/{_escape(app_version, '(')} ({rendered})"
    if len(header) > MAX_USER_AGENT_LENGTH:
        raise ConfigurationError(
            f"User-Agent is {len(header)} characters; MWS rejects more than {MAX_USER_AGENT_LENGTH}. "
            "Shorten the application name, version or attributes."
        )
    return check_user_agent(header)


def check_user_agent(value: object) -> str:
    """``value`` if it can be sent as a User-Agent header: a string of printable ASCII (a header cannot carry
    other characters), not blank, at most 500 characters; else a :class:`ConfigurationError`."""
    if not isinstance(value, str):
        raise ConfigurationError(f"user_agent must be a string, got {type(value).__name__}")
    if not value.strip():
        raise ConfigurationError("user_agent must not be empty")
    if not header_safe(value):
        bad = next(char for char in value if not header_safe(char))
        raise ConfigurationError(
            f"user_agent has {bad!r}, which an HTTP header cannot carry: use printable ASCII only "
            "(build_user_agent() escapes names and attributes for you)"
        )
    if len(value) > MAX_USER_AGENT_LENGTH:
        raise ConfigurationError(
            f"user_agent is {len(value)} characters; MWS rejects more than {MAX_USER_AGENT_LENGTH}"
        )
    return value


def default_user_agent() -> str:
    """The header mws-async sends unless told otherwise."""
    from mws_async import __version__

    return build_user_agent("mws-async", __version__)
