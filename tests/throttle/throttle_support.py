"""Test helpers for the throttle: an event loop on virtual time, a fake wall clock, quick specs.

``VirtualTimeLoop`` is a real selector event loop whose ``time()`` is a counter. When nothing is ready,
instead of blocking in ``select(timeout)`` it jumps the counter to the next timer. Everything that uses
``loop.time()`` / ``call_at`` / ``asyncio.sleep`` (our backend, and aiolimiter) sees minutes pass in
microseconds, exactly, with no real sleeping. (aiolimiter's own tests patch ``loop.time`` similarly.)
"""

from __future__ import annotations

import asyncio
import math
import selectors
from collections.abc import Callable, Coroutine
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

from mws_async.throttle import MemoryThrottle, QuotaTable, Throttler

T = TypeVar("T")

START = 1000.0
HOST = "mws.amazonservices.com"
TABLE = QuotaTable.default()


class _JumpingSelector(selectors.DefaultSelector):
    def __init__(self) -> None:
        super().__init__()
        self.loop: VirtualTimeLoop | None = None

    def select(self, timeout: float | None = None) -> list[tuple[selectors.SelectorKey, int]]:
        ready: list[tuple[selectors.SelectorKey, int]] = super().select(0)
        assert self.loop is not None
        if self.loop.creep:
            # Real clocks always move a little between loop iterations; aiolimiter relies on that when its
            # wake-up time rounds to "now" (it re-arms the same timer until the clock has moved).
            self.loop.advance(0.0)
        if ready or timeout == 0:
            return ready
        if timeout is None:
            raise RuntimeError("virtual-time loop would block forever: nothing scheduled (deadlock)")
        self.loop.advance(timeout)
        return ready


class VirtualTimeLoop(asyncio.SelectorEventLoop):
    """An event loop whose clock only moves when every task waits on a timer."""

    def __init__(self, start: float = START, *, creep: bool = False) -> None:
        selector = _JumpingSelector()
        super().__init__(selector)
        selector.loop = self
        self._now = start
        self.creep = creep

    def time(self) -> float:
        return self._now

    def advance(self, seconds: float) -> None:
        # Always move by at least one ulp: a timer a hair ahead (float rounding in a limiter's wake-up time)
        # must not leave the clock stuck, or the loop would spin at one instant forever.
        self._now = max(self._now + max(0.0, seconds), math.nextafter(self._now, math.inf))


def run(main: Callable[[], Coroutine[Any, Any, T]], *, start: float = START, creep: bool = False) -> T:
    """Run ``main()`` on a fresh virtual-time loop and close it (``creep``: every iteration moves one ulp)."""
    loop = VirtualTimeLoop(start, creep=creep)
    try:
        return loop.run_until_complete(main())
    finally:
        loop.run_until_complete(loop.shutdown_asyncgens())
        loop.close()


def now() -> float:
    return asyncio.get_running_loop().time()


class FakeWall:
    """A wall clock tied to the virtual loop: ``base + (loop.time() - START)``."""

    def __init__(self, base: datetime | None = None) -> None:
        self.base = base or datetime(2018, 4, 27, 14, 47, 22, tzinfo=UTC)

    def __call__(self) -> datetime:
        try:
            elapsed = asyncio.get_running_loop().time() - START
        except RuntimeError:
            elapsed = 0.0
        return self.base + timedelta(seconds=elapsed)

    def at(self, seconds: float) -> datetime:
        """The wall time ``seconds`` after the loop's start."""
        return self.base + timedelta(seconds=seconds)


def exact_backend(**kwargs: Any) -> MemoryThrottle:
    """The documented arithmetic with no safety margins (admission times are exact)."""
    return MemoryThrottle(rate_margin=0.0, latency_margin=0.0, **kwargs)


def exact_throttler(*, quotas: QuotaTable | None = None, time_scale: float = 1.0, **kwargs: Any) -> Throttler:
    wall = kwargs.pop("wall_clock", None) or FakeWall()
    backend = exact_backend(wall_clock=wall, **kwargs)
    return Throttler(backend, quotas=quotas, time_scale=time_scale, wall_clock=wall)
