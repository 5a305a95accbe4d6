"""Pure token-bucket arithmetic: no clock, no asyncio. Every method takes ``now`` (seconds, monotonic).

:class:`TokenBucket` is aiolimiter's leaky bucket (``AsyncLimiter(capacity, capacity / rate)``) written
in GCRA form so that the in-memory backend can ask questions ``AsyncLimiter`` has no public API for:
*how long until ``cost`` units are free* (needed to wait for the burst and the hourly bucket together and
take from both at once), *drain it now* (503 RequestThrottled), *lower what is left*
(``x-mws-quota-remaining``) and *hold the refill* (the network safety margin below). With both margins at
zero its admissions are exactly aiolimiter's; ``tests/throttle/test_bucket.py`` checks that against a real
``AsyncLimiter`` on the same virtual clock.

State is two times instead of aiolimiter's ``(_level, _last_check)``:

- ``full_at`` (F): when the bucket is full again if nothing more is taken;
- ``hold_until`` (T0): refill of the current run of takes does not start before this.

The used amount (aiolimiter's ``_level``) at time ``t`` is ``level(t) = rate * max(0, F - max(t, T0))`` and
``available(t) = capacity - level(t)``; a bucket starts full (``F = -inf``), like aiolimiter's level 0.
"""

from __future__ import annotations

import math

__all__ = ["TokenBucket"]

#: Units treated as equal when comparing levels: float sums of many takes drift by ~1e-15 per step, and a
#: request admitted at ``available == cost - 1e-13`` must not wait another timer round for nothing.
EPSILON = 1e-9


class TokenBucket:
    """A bucket of ``capacity`` units refilling at ``rate`` units per second, starting full.

    ``hold``: when a take finds the bucket *full*, the refill of what it took only starts ``hold`` seconds
    later. MWS's bucket refills from the moment the *server* received a request. After a full bucket, the
    server's refill starts when the first request of the run arrives, which can be later than our admission
    by up to the network/event-loop latency. If we refilled from the admission time, the first request after
    the burst could reach a server whose refill started later, and be throttled. Holding the refill by the
    worst extra latency keeps our bucket never fuller than the server's. It costs ``hold`` seconds once per
    run that starts from a full bucket, never in the steady state (while a bucket is not full, when a take
    happens does not change the level: ``level = capacity - taken + rate * elapsed``).

    Formulas (``c`` = cost, ``Q`` = capacity, ``r`` = rate):

    - ``wait_time(c, t) = max(0, F - (Q - c) / r - t)`` when fewer than ``c`` units are free, else 0;
    - ``take(c, t)``: if the bucket is full, ``T0 = t + hold`` and ``F = T0 + c / r``;
      otherwise ``F += c / r``;
    - ``drain(t)``: ``F = max(F, t + Q / r)`` (empty now, refilling from now).
    """

    __slots__ = ("_full_at", "_hold_until", "capacity", "hold", "rate")

    capacity: float
    rate: float
    hold: float

    def __init__(self, capacity: float, rate: float, *, hold: float = 0.0) -> None:
        if capacity <= 0 or rate <= 0 or hold < 0:
            raise ValueError("capacity and rate must be positive, hold non-negative")
        self.capacity = capacity
        self.rate = rate
        self.hold = hold
        self._full_at = -math.inf
        self._hold_until = -math.inf

    def level(self, now: float) -> float:
        """Units in use at ``now`` (aiolimiter's ``_level``): 0 when full, ``capacity`` when empty."""
        return max(0.0, self.rate * (self._full_at - max(now, self._hold_until)))

    def available(self, now: float) -> float:
        """Units that could be taken at ``now``."""
        return self.capacity - self.level(now)

    def is_full(self, now: float) -> bool:
        """Nothing in use: the bucket would be recreated identical, so it can be forgotten."""
        return self.level(now) <= EPSILON

    def wait_time(self, cost: float, now: float) -> float:
        """Seconds from ``now`` until ``cost`` units are free (0 if they are); ValueError if > capacity."""
        if cost > self.capacity + EPSILON:
            raise ValueError(f"cost {cost:g} exceeds the capacity {self.capacity:g}")
        if self.available(now) + EPSILON >= cost:
            return 0.0
        # level(t) must fall to capacity - cost; the hold cannot be involved, because the bucket being short
        # now means F - max(now, T0) > (capacity - cost) / rate, so the answer lies after T0.
        return max(0.0, self._full_at - (self.capacity - cost) / self.rate - now)

    def take(self, cost: float, now: float) -> None:
        """Take ``cost`` units at ``now``; the caller has checked :meth:`wait_time` is 0."""
        if self.is_full(now):
            self._hold_until = now + self.hold
            self._full_at = self._hold_until + cost / self.rate
        else:
            self._full_at += cost / self.rate

    def drain(self, now: float) -> None:
        """Empty the bucket at ``now``: it refills from zero starting now (never makes it fuller)."""
        self._hold_until = min(self._hold_until, now)
        self._full_at = max(self._full_at, now + self.capacity / self.rate)

    def limit(self, available: float, now: float) -> None:
        """Lower what is free at ``now`` to at most ``available`` units (never raises it)."""
        available = min(max(available, 0.0), self.capacity)
        if self.available(now) > available:
            self._full_at = max(now, self._hold_until) + (self.capacity - available) / self.rate

    def fill(self) -> None:
        """Make the bucket full (a server-side quota reset)."""
        self._full_at = -math.inf
        self._hold_until = -math.inf

    def resized(self, capacity: float, rate: float, now: float) -> TokenBucket:
        """A bucket with another capacity / rate holding the same used amount (capped at the new capacity)."""
        bucket = TokenBucket(capacity, rate, hold=self.hold)
        used = min(self.level(now), capacity)
        if used > EPSILON:
            bucket._hold_until = self._hold_until
            bucket._full_at = max(now, self._hold_until) + used / rate
        return bucket

    def __repr__(self) -> str:
        return (
            f"<TokenBucket capacity={self.capacity:g} rate={self.rate:g}/s hold={self.hold:g}s "
            f"full_at={self._full_at:g} hold_until={self._hold_until:g}>"
        )
