"""Checks of the settings the clients take (``MWSClient``, ``SPAPIClient``, their transports).

A bad setting is a :class:`~mws_async.errors.ConfigurationError` naming it and what is expected, raised when
the client is made: not a ``TypeError`` on its first call, nor a timeout of ``nan`` seconds that fails every
attempt at once. Messages show a setting's type, never the value of anything that may hold a secret.
"""

from __future__ import annotations

import math
from typing import Final, TypeGuard, TypeVar

import httpx

from mws_async.errors import ConfigurationError

__all__ = [
    "MAX_TIME_SCALE",
    "MIN_TIME_SCALE",
    "check_byte_limit",
    "check_hook",
    "check_instance",
    "check_seconds",
    "check_time_scale",
    "is_number",
    "is_positive",
    "parse_url",
    "shown",
    "type_problem",
]

T = TypeVar("T")

MIN_TIME_SCALE: Final = 0.001
"""The slowest time scale a client takes (as the CLI's ``--time-scale``): below it a one-minute restore
would take over 16 hours, and ``1e-300`` would make the first wait for quota practically endless."""
MAX_TIME_SCALE: Final = 1e6
"""The fastest time scale a client takes: beyond it restore times fall under the clock's resolution."""


def shown(value: object) -> str:
    """``repr(value)`` for a message, cut to 60 characters (only for values that hold no secret)."""
    try:
        text = repr(value)
    except ValueError:  # an int past Python's digit limit (-10**5000) has no repr
        return f"an {type(value).__name__} too large to show"
    return text if len(text) <= 60 else text[:57] + "..."


def is_number(value: object) -> TypeGuard[int | float]:
    """An int or a float, not a bool (True is an int to Python, never a number a setting means)."""
    return isinstance(value, int | float) and not isinstance(value, bool)


def is_positive(value: object, *, finite: bool = True) -> TypeGuard[int | float]:
    """A positive number (:func:`is_number`), below ``math.inf`` unless ``finite=False``."""
    return is_number(value) and value > 0 and (not finite or value < math.inf)


def check_seconds(value: object, name: str) -> float:
    """``value`` as a positive, finite number of seconds (a bool is not a number here)."""
    if not is_positive(value):
        raise ConfigurationError(f"{name} must be a positive, finite number of seconds, got {shown(value)}")
    return float(value)


def check_time_scale(value: object, name: str = "time_scale") -> float:
    """``value`` as a time scale (a multiplier of every restore rate) from :data:`MIN_TIME_SCALE` to
    :data:`MAX_TIME_SCALE`, so every wait for quota stays bounded and no rate divides to zero or infinity."""
    if not is_number(value) or not MIN_TIME_SCALE <= value <= MAX_TIME_SCALE:
        raise ConfigurationError(
            f"{name} must be a number from {MIN_TIME_SCALE:g} to {MAX_TIME_SCALE:g} (1.0: real MWS speed), "
            f"got {shown(value)}"
        )
    return float(value)


def check_byte_limit(value: object, name: str) -> int:
    """``value`` as a positive whole number of bytes."""
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise ConfigurationError(f"{name} must be a positive whole number of bytes, got {shown(value)}")
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
        article = "an" if expected.__name__[:1] in "AEIOU" else "a"
        raise ConfigurationError(
            f"{name} must be {article} {expected.__name__} or None, got {type(value).__name__}"
        )
    return value


def type_problem(name: str, value: object, accepted: tuple[type, ...], expected: str) -> str | None:
    """``"<name> must be <expected>, got <type>"`` unless ``value`` is one of ``accepted``: only the type is
    named, as the value may be a secret given in the wrong place."""
    if isinstance(value, accepted):
        return None
    return f"{name} must be {expected}, got {type(value).__name__}"


def parse_url(value: object, what: str) -> httpx.URL:
    """``value`` (a string or ``httpx.URL``) parsed as a URL; anything else, or a string that is no URL
    (``"https://[::1"``), is a ConfigurationError saying ``what`` it was for."""
    if not isinstance(value, str | httpx.URL):
        raise ConfigurationError(f"{what} must be a URL string, got {type(value).__name__}")
    try:
        return httpx.URL(value)
    except httpx.InvalidURL as exc:
        raise ConfigurationError(f"{what} {shown(str(value))} is not a valid URL ({exc})") from None
