"""Pure token-bucket arithmetic: no clock, no asyncio. Every method takes ``now`` (seconds, monotonic).

:class:`TokenBucket` is aiolimiter's leaky bucket (``AsyncLimiter(capacity, capacity / rate)``) written
in GCRA form so that the in-memory backend can ask questions ``AsyncLimiter`` has no public API for:
*how long until ``cost`` units are free* (needed to wait for the burst and the hourly bucket together and
take from both at once), *drain it now* (503 RequestThrottled), *lower what is left*
(``x-mws-quota-remaining``) and *date a take later* (the network safety margin below). With the margin at
zero its admissions are exactly aiolimiter's; ``tests/throttle/test_throttle_bucket.py`` checks that
against a real ``AsyncLimiter`` on the same virtual clock.

State is one time instead of aiolimiter's ``(_level, _last_check)``: ``full_at`` (F), when the bucket is
full again if nothing more is taken. The used amount (aiolimiter's ``_level``) at time ``t`` is
``level(t) = rate * max(0, F - t)``; ``available(t) = capacity - level(t)``. A bucket starts full
(``F = -inf``), like aiolimiter's level 0.
"""

from __future__ import annotations

import math

__all__ = ["EPSILON", "TokenBucket"]

#: Units treated as equal when comparing levels: float sums of many takes drift by ~1e-15 per step, and a
#: request admitted at ``available == cost - 1e-13`` must not wait another timer round for nothing.
EPSILON = 1e-9


class TokenBucket:
    """A bucket of ``capacity`` units refilling at ``rate`` units per second, starting full.

    Formulas (``c`` = cost, ``Q`` = capacity, ``r`` = rate, ``h`` = hold, ``t`` = now):

    - admit ``c`` at ``t`` iff ``Q - r * max(0, F - t) >= c``,
      i.e. ``wait_time = max(0, F - (Q - c) / r - t)``;
    - ``take(c, t)``: ``F = max(F, t + h) + c / r``  (aiolimiter: ``level = max(0, level - r * dt) + c``);
    - ``drain(t)``: ``F = max(F, t + Q / r)`` (empty now, refilling from now).

    ``hold`` (``h``) is the safety margin for network delay. MWS refills from the moment the *server*
    receives a request, which is up to ``h`` seconds after we admit it (``h`` = the spread of the delay
    between admission and arrival: connection set-up, event-loop lag, network jitter). The server's full
    time after our take is therefore at most ``max(F_server, t + h) + c / r``; taking the maximum at
    ``t + h`` keeps our ``F`` an upper bound of the server's, and the admission test (evaluated at ``t``,
    never later than the arrival) then never admits what the server would refuse, whatever the delays and
    their order, as long as they spread by at most ``h``. While the bucket is not within ``h`` of full,
    ``max(F, t + h) = F``: the margin costs nothing in the steady state, only ``h`` seconds of refill once per
    run that starts from a (nearly) full bucket.
    """

    __slots__ = ("_full_at", "capacity", "hold", "rate")

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

    def level(self, now: float) -> float:
        """Units in use at ``now`` (aiolimiter's ``_level``): 0 when full, ``capacity`` when empty.

        Right after a take on a nearly full bucket it can exceed ``capacity`` by up to ``rate * hold``.
        """
        return max(0.0, self.rate * (self._full_at - now))

    def available(self, now: float) -> float:
        """Units that could be taken at ``now`` (negative while a hold is being paid)."""
        return self.capacity - self.level(now)

    def is_full(self, now: float) -> bool:
        """Nothing in use: the bucket would be recreated identical, so it can be forgotten."""
        return self._full_at <= now

    def wait_time(self, cost: float, now: float) -> float:
        """Seconds from ``now`` until ``cost`` units are free (0 if they are); ValueError if > capacity."""
        if cost > self.capacity + EPSILON:
            raise ValueError(f"cost {cost:g} exceeds the capacity {self.capacity:g}")
        if self.available(now) + EPSILON >= cost:
            return 0.0
        return max(0.0, self._full_at - (self.capacity - cost) / self.rate - now)

    def forecast(self, cost: float, now: float) -> float:
        """Seconds from ``now`` until ``cost`` units could have been taken, in as many takes as needed
        (``cost`` may exceed the capacity: the units queued ahead of a request plus its own)."""
        if self.available(now) + EPSILON >= cost:
            return 0.0
        return max(0.0, self._full_at - (self.capacity - cost) / self.rate - now)

    def take(self, cost: float, now: float) -> None:
        """Take ``cost`` units at ``now``; the caller has checked :meth:`wait_time` is 0."""
        self._full_at = max(self._full_at, now + self.hold) + cost / self.rate

    def drain(self, now: float) -> None:
        """Empty the bucket at ``now``: it refills from zero starting now (never makes it fuller)."""
        self._full_at = max(self._full_at, now + self.capacity / self.rate)

    def limit(self, available: float, now: float) -> None:
        """Lower what is free at ``now`` to at most ``available`` units (never raises it)."""
        available = min(max(available, 0.0), self.capacity)
        self._full_at = max(self._full_at, now + (self.capacity - available) / self.rate)

    def fill(self) -> None:
        """Make the bucket full (a server-side quota reset)."""
        self._full_at = -math.inf

    def resized(self, capacity: float, rate: float, now: float) -> TokenBucket:
        """A bucket with another capacity / rate holding the same used amount (capped at the new capacity)."""
        bucket = TokenBucket(capacity, rate, hold=self.hold)
        used = min(self.level(now), capacity)
        if used > EPSILON:
            bucket._full_at = now + used / rate
        return bucket

    def __repr__(self) -> str:
        return (
            f"<TokenBucket capacity={self.capacity:g} rate={self.rate:g}/s hold={self.hold:g}s "
            f"full_at={self._full_at:g}>"
        )
