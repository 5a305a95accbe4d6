"""Deadlines: a time budget for every MWS / SP-API call made inside a block.

>>> async with MWSClient(creds) as client:                       # doctest: +SKIP
...     with deadline(0.5):
...         await client.products.get_matching_product_for_id(["9780262033848"], "ISBN")

The budget lives in a context variable, so it crosses ``await``\\ s and reaches tasks created inside the
block (``asyncio.gather``, ``TaskGroup``, the bulk helpers). Nested deadlines keep the earlier end. A client's
``max_wait=`` is the budget of each call made outside any ``deadline`` block.

Within the budget: the throttle admits a request only if its wait for quota fits in what is left, and
otherwise raises :class:`~mws_async.errors.DeadlineExceededError` at once (nothing sent, no quota taken,
no sleep) with ``would_wait``; retry backoff and each attempt's HTTP timeout are capped by what is left; a
non-idempotent call that was sent when the time ran out raises
:class:`~mws_async.errors.OutcomeUnknownError`, as any interrupted write does.
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Final

from mws_async.errors import ClientValidationError, ConfigurationError, DeadlineExceededError
from mws_async.settings import is_positive, shown

__all__ = ["check_max_wait", "deadline", "deadline_end", "remaining", "start_attempt", "within"]

NO_TIME_LEFT: Final = 0.001
"""With less than this left before the deadline, an attempt is not started (it could only time out)."""

NO_LIMIT_BEYOND: Final = 1e9
"""A budget longer than this many seconds (about 31 years) is no limit, as ``math.inf`` is: a number too
large for a float (``10**400``) would otherwise be an OverflowError when the end is computed."""

_END: Final[ContextVar[float | None]] = ContextVar("mws_async_deadline_end", default=None)
"""``time.monotonic()`` value by which calls in this context must be done (None: no deadline)."""


def _budget(seconds: float) -> float:
    """A positive budget as a float: beyond :data:`NO_LIMIT_BEYOND`, ``math.inf`` (no limit)."""
    # Compared before converting: an int such as 10**400 compares with a float but cannot become one.
    return math.inf if seconds > NO_LIMIT_BEYOND else float(seconds)


def _check_seconds(name: str, seconds: float) -> float:
    if not is_positive(seconds, finite=False):
        raise ClientValidationError(name, [f"seconds must be a positive number, got {shown(seconds)}"])
    return _budget(seconds)


@contextmanager
def deadline(seconds: float) -> Iterator[float]:
    """Give every MWS / SP-API call inside the block at most ``seconds`` from now (``math.inf``, or any
    number above :data:`NO_LIMIT_BEYOND`: none). Anything but a positive number is a
    :class:`~mws_async.errors.ClientValidationError`.

    Yields the end as a ``time.monotonic()`` value. A deadline inside another keeps the earlier end.
    """
    seconds = _check_seconds("deadline", seconds)
    end = time.monotonic() + seconds if math.isfinite(seconds) else math.inf
    outer = _END.get()
    if outer is not None:
        end = min(end, outer)
    token = _END.set(end)
    try:
        yield end
    finally:
        _END.reset(token)


def deadline_end(max_wait: float | None = None) -> float | None:
    """The ``time.monotonic()`` end of a call starting now: the active :func:`deadline`, else ``max_wait``
    seconds from now (a client's default), else ``None``."""
    end = _END.get()
    if end is not None or max_wait is None:
        return end
    return time.monotonic() + max_wait


def remaining(end: float | None) -> float | None:
    """Seconds left until ``end`` (``None`` for no deadline; never negative)."""
    if end is None:
        return None
    return max(0.0, end - time.monotonic())


def check_max_wait(max_wait: float | None) -> float | None:
    """A client's ``max_wait=``: ``None`` or a positive number of seconds (else ConfigurationError), as a
    float; above :data:`NO_LIMIT_BEYOND`, ``math.inf`` (no limit)."""
    if max_wait is None:
        return None
    if not is_positive(max_wait, finite=False):
        raise ConfigurationError(f"max_wait must be a positive number of seconds or None: {shown(max_wait)}")
    return _budget(max_wait)


def start_attempt(operation: str, end: float | None, attempt: int) -> float | None:
    """The seconds left for attempt number ``attempt`` of a call ending at ``end``; raises
    :class:`~mws_async.errors.DeadlineExceededError` when too little is left to start it."""
    left = remaining(end)
    if left is not None and left <= NO_TIME_LEFT:
        raise DeadlineExceededError(operation, 0.0, left, reason=f"attempt {attempt}")
    return left


def within(timeout: float, time_left: float | None) -> tuple[float, bool]:
    """An attempt's time limit: ``timeout``, or less when the deadline is nearer; and whether the deadline
    is what sets it (a timeout then means the call is out of time, not that the server was slow)."""
    if time_left is not None and time_left < timeout:
        return time_left, True
    return timeout, False
