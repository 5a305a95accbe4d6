"""The XML layer: response bytes -> plain dict, the one place that knows how XML is parsed.

- Namespace prefixes are stripped from element names (Products responses mix the section namespace and
  the ``default.xsd`` ``ns2:`` namespace); ``xmlns`` declarations are dropped; other attributes are kept
  with xmltodict's ``@`` prefix (``@status``, ``@Units``, ``@xml:lang``) and text beside attributes
  under ``#text``.
- Elements named in ``force_list`` are always lists, however many times they occur.
- Entities are refused outright: any ``<!DOCTYPE``/``<!ENTITY`` makes the body an
  :class:`~mws_async.errors.UnexpectedResponseError` (no billion-laughs expansion, no external fetches).
- Bodies above ``max_bytes`` are refused before parsing.
- Anything that is not well-formed XML raises :class:`~mws_async.errors.UnexpectedResponseError`,
  never a parser traceback.

The parser backend is pluggable (pure-Python ``xmltodict`` or the Rust ``xmltodict-rs`` with the same
output); :func:`set_parser` chooses, and the fixture parity test proves they agree. ``xmltodict-rs`` is a
dependency of a plain install wherever a wheel exists (CPython on the common platforms) and the default;
``xmltodict`` is the tested fallback, chosen by ``MWS_ASYNC_XML_PARSER=xmltodict`` or when the Rust
package cannot be imported. The variable is read on first use: a value naming no installed parser is a
:class:`~mws_async.errors.ConfigurationError` then, never an import-time traceback.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Collection
from typing import Any, Final
from xml.parsers.expat import ExpatError

import xmltodict

from mws_async.errors import ConfigurationError, UnexpectedResponseError

__all__ = [
    "DEFAULT_MAX_BYTES",
    "ErrorInfo",
    "available_parsers",
    "current_parser",
    "parse",
    "parse_error_response",
    "set_parser",
    "strip_namespaces",
]

DEFAULT_MAX_BYTES: Final = 64 * 1024 * 1024
_DTD = re.compile(rb"<!\s*(?:DOCTYPE|ENTITY)", re.IGNORECASE)

RawParser = Callable[[bytes, Collection[str]], Any]

# Namespaces are removed from the bytes before parsing, in C-speed passes instead of a Python walk over the
# result: xmlns declarations are cut out, and each declared prefix is dropped from tags ("<ns2:Title>" ->
# "<Title>"). Raw "<" cannot occur in text or attribute values of well-formed XML, so only tags change.
_DECL = re.compile(rb"""xmlns(?::([\w.\-]+))?\s*=\s*(?:"[^"]*"|'[^']*')""")
_SPACE = frozenset(b" \t\r\n")


def _xmltodict_parse(data: bytes, force_list: Collection[str]) -> Any:
    return xmltodict.parse(data, disable_entities=True, force_list=force_list or None)


_PARSERS: dict[str, RawParser] = {"xmltodict": _xmltodict_parse}
try:  # optional fast backend (extra "fast")
    import xmltodict_rs

    def _rs_parse(data: bytes, force_list: Collection[str]) -> Any:
        return xmltodict_rs.parse(data, force_list=force_list or None)

    _PARSERS["xmltodict-rs"] = _rs_parse
except ImportError:  # pragma: no cover - depends on the environment
    pass

_ENV: Final = "MWS_ASYNC_XML_PARSER"
KNOWN_PARSERS: Final = ("xmltodict-rs", "xmltodict")
"""Every backend name :func:`set_parser` and ``MWS_ASYNC_XML_PARSER`` accept (when installed)."""

# The chosen backend, resolved from the environment on first use: the Rust backend when installed (same
# output on every recorded fixture, several times faster), else the pure-Python one.
_current: list[str | None] = [None]


def available_parsers() -> list[str]:
    """Names of the installed parser backends."""
    return list(_PARSERS)


def _check_name(name: str, origin: str) -> str:
    if name not in _PARSERS:
        if name in KNOWN_PARSERS:
            raise ConfigurationError(
                f"{origin}{name!r}: the {name} package cannot be imported on this machine "
                f"(pip install {name}), or choose one of {', '.join(available_parsers())}"
            )
        raise ConfigurationError(
            f"{origin}{name!r} is not an XML parser; use one of {', '.join(available_parsers())}"
        )
    return name


def current_parser() -> str:
    """Name of the backend :func:`parse` uses (``MWS_ASYNC_XML_PARSER`` is read on the first call).

    Raises :class:`~mws_async.errors.ConfigurationError` when the variable names no installed parser.
    """
    name = _current[0]
    if name is None:
        wanted = os.environ.get(_ENV, "").strip()
        if wanted:
            name = _check_name(wanted.lower(), f"{_ENV}=")
        else:
            name = "xmltodict-rs" if "xmltodict-rs" in _PARSERS else "xmltodict"
        _current[0] = name
    return name


def set_parser(name: str) -> None:
    """Choose the parser backend (``"xmltodict"`` or ``"xmltodict-rs"``); a
    :class:`~mws_async.errors.ConfigurationError` names the installed ones otherwise."""
    _current[0] = _check_name(name, "XML parser ")


def strip_namespaces(data: bytes) -> bytes:
    """``data`` without ``xmlns`` declarations and without the declared prefixes on element names
    (``xml:lang`` and other attributes keep theirs)."""
    if b"xmlns" not in data:
        return data
    parts: list[bytes] = []
    prefixes: set[bytes] = set()
    last = 0
    for match in _DECL.finditer(data):
        start = match.start()
        if start == 0 or data[start - 1] not in _SPACE:
            continue  # "xmlns=" inside a longer name or in text: not a declaration
        parts.append(data[last:start])
        last = match.end()
        if match.group(1):
            prefixes.add(match.group(1))
    if parts:
        parts.append(data[last:])
        data = b"".join(parts)
    for prefix in prefixes:
        if prefix != b"xml":
            data = data.replace(b"<" + prefix + b":", b"<").replace(b"</" + prefix + b":", b"</")
    return data


def parse(
    data: bytes,
    *,
    force_list: Collection[str] = frozenset(),
    max_bytes: int = DEFAULT_MAX_BYTES,
    status_code: int | None = None,
    content_type: str | None = None,
    operation: str | None = None,
) -> dict[str, Any]:
    """Parse an MWS XML body into a dict ``{RootName: {...}}`` (see the module docstring for the rules)."""

    def unexpected(reason: str) -> UnexpectedResponseError:
        return UnexpectedResponseError(
            reason, status_code=status_code, content_type=content_type, first_bytes=data, operation=operation
        )

    if len(data) > max_bytes:
        raise unexpected(f"body of {len(data)} bytes exceeds the {max_bytes}-byte limit for XML responses")
    if not data.strip():
        raise unexpected("empty body where MWS XML was expected")
    if _DTD.search(data):
        raise unexpected("XML with a DOCTYPE or ENTITY declaration was refused (entities are never expanded)")
    backend = _PARSERS[_current[0] or current_parser()]
    try:
        raw = backend(strip_namespaces(data), force_list)
    except (ExpatError, ValueError) as exc:
        raise unexpected(f"body is not well-formed XML ({exc})") from None
    except Exception as exc:  # the Rust backend raises its own error types
        raise unexpected(f"body is not well-formed XML ({type(exc).__name__}: {exc})") from None
    if not isinstance(raw, dict) or len(raw) != 1:
        raise unexpected("XML document without a single root element")
    return raw


class ErrorInfo(dict[str, Any]):
    """One ``<Error>`` of an ErrorResponse: keys Type, Code, Message, Detail (strings or None)."""


_ERROR_LISTS: Final = frozenset({"Error"})


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, dict):
        text = value.get("#text")
        return text.strip() if isinstance(text, str) else None
    return str(value).strip()


def parse_error_response(
    data: bytes,
    *,
    status_code: int | None = None,
    content_type: str | None = None,
    operation: str | None = None,
) -> tuple[list[ErrorInfo], str | None]:
    """Parse an ``ErrorResponse`` body into its errors and RequestID (``RequestId`` also accepted).

    Raises :class:`UnexpectedResponseError` when the body is not an ErrorResponse.
    """
    doc = parse(
        data, force_list=_ERROR_LISTS, status_code=status_code, content_type=content_type, operation=operation
    )
    root_name, root = next(iter(doc.items()))
    if root_name != "ErrorResponse" or not isinstance(root, dict) or not root.get("Error"):
        raise UnexpectedResponseError(
            f"expected an ErrorResponse, got <{root_name}>",
            status_code=status_code,
            content_type=content_type,
            first_bytes=data,
            operation=operation,
        )
    errors: list[ErrorInfo] = []
    for item in root["Error"]:
        item = item if isinstance(item, dict) else {}
        detail = item.get("Detail")
        errors.append(
            ErrorInfo(
                Type=_text(item.get("Type")) or None,
                Code=_text(item.get("Code")) or "Unknown",
                Message=" ".join((_text(item.get("Message")) or "").split()),
                Detail=None
                if detail is None
                else (_text(detail) if not isinstance(detail, dict) else str(detail)),
            )
        )
    request_id = _text(root.get("RequestID")) or _text(root.get("RequestId"))
    return errors, request_id
