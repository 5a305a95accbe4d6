"""Checks of the settings the clients take (``MWSClient``, ``SPAPIClient``, their transports).

A bad setting is a :class:`~mws_async.errors.ConfigurationError` naming it and what is expected, raised when
the client is made: not a ``TypeError`` on its first call, nor a timeout of ``nan`` seconds that fails every
attempt at once. Messages show a setting's type, never the value of anything that may hold a secret.
"""

from __future__ import annotations

import math
from typing import TypeVar

import httpx

from mws_async.errors import ConfigurationError

__all__ = ["check_byte_limit", "check_hook", "check_instance", "check_seconds", "parse_url"]

T = TypeVar("T")


def _shown(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def check_seconds(value: object, name: str) -> float:
    """``value`` as a positive, finite number of seconds (a bool is not a number here)."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value < math.inf:
        raise ConfigurationError(f"{name} must be a positive, finite number of seconds, got {_shown(value)}")
    return float(value)


def check_byte_limit(value: object, name: str) -> int:
    """``value`` as a positive whole number of bytes."""
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise ConfigurationError(f"{name} must be a positive whole number of bytes, got {_shown(value)}")
    return value


def check_hook(value: T, name: str) -> T:
    """``value`` if it is ``None`` or callable (a hook called after each attempt)."""
    if value is not None and not callable(value):
        raise ConfigurationError(f"{name} must be a callable or None, got {type(value).__name__}")
    return value


def check_instance(value: object, expected: type[T], name: str) -> T | None:
    """``value`` if it is ``None`` or an instance of ``expected``; only the type of anything else is shown
    (credentials may have been passed in the wrong place)."""
    if value is not None and not isinstance(value, expected):
        raise ConfigurationError(f"{name} must be a {expected.__name__} or None, got {type(value).__name__}")
    return value


def parse_url(value: object, what: str) -> httpx.URL:
    """``value`` (a string or ``httpx.URL``) parsed as a URL; anything else, or a string that is no URL
    (``"https://[::1"``), is a ConfigurationError saying ``what`` it was for."""
    if not isinstance(value, str | httpx.URL):
        raise ConfigurationError(f"{what} must be a URL string, got {type(value).__name__}")
    try:
        return httpx.URL(value)
    except httpx.InvalidURL as exc:
        raise ConfigurationError(f"{what} {_shown(str(value))} is not a valid URL ({exc})") from None
