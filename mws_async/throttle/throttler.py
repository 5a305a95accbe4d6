"""The facade the transport calls: spec lookup, bucket keys, request cost, admission, 503 handling, stats."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Callable, Mapping
from datetime import UTC, datetime

from mws_async.errors import ConfigurationError, DeadlineExceededError, QuotaCostError
from mws_async.settings import check_time_scale, is_positive, shown
from mws_async.throttle.base import (
    HOUR,
    BoundedBackend,
    KeyStats,
    QuotaHeaders,
    SpecUpdatingBackend,
    ThrottleBackend,
    ThrottleKey,
    ThrottleSummary,
    WouldWait,
    seconds_until_reset,
)
from mws_async.throttle.memory import MemoryThrottle
from mws_async.throttle.quotas import QuotaSpec, QuotaTable

__all__ = ["Throttler"]

#: Pause after QuotaExceeded when neither the reset time nor an hourly figure is known (resets on minutes).
_UNKNOWN_RESET = 60.0


def _utcnow() -> datetime:
    return datetime.now(UTC)


class Throttler:
    """Per-(host, seller, developer, group) quota buckets in front of every attempt.

    Typical use by the transport, per attempt::

        spec = throttler.spec("Products", "GetMatchingProductForId")
        key = throttler.key(host, seller_id, access_key_id, spec)
        cost = throttler.cost(spec, len(ids))          # QuotaCostError if it can never fit
        waited = await throttler.acquire(key, spec, cost)
        ...send...
        await throttler.observe(key, spec, parse_quota_headers(response.headers))
        # when the server announces other numbers for the key (SP-API's x-amzn-RateLimit-Limit):
        await throttler.update_spec(key, new_spec)
        # on 503 RequestThrottled / QuotaExceeded:
        pause = await throttler.throttled(key, spec, cost, quota_exceeded=..., resets_on=...)

    Args:
        backend: where buckets live (a :class:`~mws_async.throttle.base.ThrottleBackend`); default a new
            :class:`~mws_async.throttle.memory.MemoryThrottle`.
        quotas: the quota table (a :class:`QuotaTable`); default :meth:`QuotaTable.default`.
        time_scale: multiplies every restore rate and divides the hourly window (a scaled sandbox): a
            number from 0.001 to 1e6 (see :func:`mws_async.settings.check_time_scale`).
        enabled: ``False`` admits everything at once (returns 0) but still counts requests.
        wall_clock: current UTC time, for ``resetsOn`` arithmetic (injectable for tests).
        stats_ttl: seconds (event-loop clock) after which the counters of a key that made no request are
            folded into :meth:`summary` and leave :meth:`stats` (between ``stats_ttl`` and twice that after
            its last request), so a process where many sellers come and go keeps bounded memory; a key
            that returns starts new counters. ``None`` keeps every key's counters for good. Default 1 hour.
    """

    quotas: QuotaTable
    time_scale: float
    enabled: bool
    backend: ThrottleBackend

    def __init__(
        self,
        backend: ThrottleBackend | None = None,
        *,
        quotas: QuotaTable | None = None,
        time_scale: float = 1.0,
        enabled: bool = True,
        wall_clock: Callable[[], datetime] | None = None,
        stats_ttl: float | None = 3600.0,
    ) -> None:
        time_scale = check_time_scale(time_scale)
        if stats_ttl is not None and not is_positive(stats_ttl, finite=False):
            raise ConfigurationError(
                f"stats_ttl must be a positive number of seconds or None, got {shown(stats_ttl)}"
            )
        if backend is not None and not isinstance(backend, ThrottleBackend):
            raise ConfigurationError(
                f"backend must be a ThrottleBackend (MemoryThrottle, RedisThrottle, NoThrottle) or None, got "
                f"{type(backend).__name__}"
            )
        if quotas is not None and not isinstance(quotas, QuotaTable):
            raise ConfigurationError(f"quotas must be a QuotaTable or None, got {type(quotas).__name__}")
        self._wall = wall_clock or _utcnow
        self.backend = backend if backend is not None else MemoryThrottle(wall_clock=self._wall)
        self.quotas = quotas if quotas is not None else QuotaTable.default()
        self.time_scale = time_scale
        self.enabled = enabled
        self.stats_ttl = stats_ttl
        # Two generations of per-key counters: keys used since the last rotation, and those used in the one
        # before. A rotation (every stats_ttl, checked on acquire) folds the older generation into _retired.
        self._stats: dict[ThrottleKey, KeyStats] = {}
        self._older: dict[ThrottleKey, KeyStats] = {}
        self._retired = KeyStats()
        self._retired_keys = 0
        self._rotate_at: float | None = None

    @classmethod
    def for_client(
        cls,
        throttle: Throttler | ThrottleBackend | None,
        *,
        quotas: QuotaTable | Mapping[str, QuotaSpec] | None = None,
        time_scale: float = 1.0,
    ) -> Throttler:
        """The throttler a client's ``throttle=``, ``quotas=`` and ``time_scale=`` settings describe.

        ``throttle`` is a :class:`Throttler` (used as it is: its own quotas and time scale apply), a
        :class:`~mws_async.throttle.base.ThrottleBackend` or ``None`` (a new in-memory one); ``quotas`` a
        :class:`QuotaTable`, a mapping ``{"Section.Operation": QuotaSpec}`` of overrides of the default
        table, or ``None``. Anything else is a :class:`~mws_async.errors.ConfigurationError` naming the
        setting, raised here rather than as an ``AttributeError`` on the first call.
        """
        # Checked even when a ready Throttler makes them unused, so a typo never passes silently.
        scale = check_time_scale(time_scale)
        if quotas is None or isinstance(quotas, QuotaTable):
            table = quotas
        elif isinstance(quotas, Mapping):
            table = QuotaTable.default().with_specs(quotas)
        else:
            raise ConfigurationError(
                "quotas must be a QuotaTable or a mapping of 'Section.Operation' to QuotaSpec, got "
                f"{type(quotas).__name__}"
            )
        if isinstance(throttle, Throttler):
            return throttle
        if throttle is not None and not isinstance(throttle, ThrottleBackend):
            raise ConfigurationError(
                "throttle must be a Throttler, a ThrottleBackend (MemoryThrottle, RedisThrottle, NoThrottle) "
                f"or None, got {type(throttle).__name__}"
            )
        return cls(throttle, quotas=table, time_scale=scale)

    def spec(self, section: str, operation: str) -> QuotaSpec:
        """The quota spec of ``section``/``operation`` (KeyError naming the known ones if absent)."""
        return self.quotas.get_spec(section, operation)

    def key(self, host: str, seller_id: str, access_key_id: str, spec: QuotaSpec) -> ThrottleKey:
        """The bucket key: operations of one ``spec.group_key`` share a bucket per seller/developer/host."""
        # Interned: every seller's key of a group shares one group string (thousands of sellers, one copy).
        return ThrottleKey(host, seller_id, access_key_id, sys.intern(spec.group_key))

    def cost(self, spec: QuotaSpec, items: int) -> float:
        """Units one request takes: 1 for ``unit == "request"``, ``max(1, items)`` for ``unit == "item"``.

        Raises :class:`~mws_async.errors.QuotaCostError` (naming the group, cost and capacity) when the cost
        exceeds ``spec.max_quota``: such a request could never be admitted, so it must be split.
        """
        if items < 0:
            raise ValueError(f"items must be >= 0, got {items!r}")
        # An item-counted request with no items still is a request: never let one through for free.
        cost = 1.0 if spec.unit == "request" else float(max(1, items))
        if cost > spec.max_quota:
            raise QuotaCostError(spec.group_key, cost, spec.max_quota)
        return cost

    async def acquire(
        self, key: ThrottleKey, spec: QuotaSpec, cost: float, *, max_wait: float | None = None
    ) -> float:
        """Wait for ``cost`` units (and one hourly request) on ``key``; return the seconds waited.

        Counts the request, its units and the wait in :meth:`stats`. Cancelling the call takes nothing.
        With ``max_wait`` (the time left before a deadline), a wait that would be longer raises
        :class:`~mws_async.errors.DeadlineExceededError` at once, carrying ``would_wait``, without taking
        anything (a backend that cannot tell in advance is cut off at ``max_wait``, also taking nothing).
        """
        if cost > spec.max_quota:
            raise QuotaCostError(spec.group_key, cost, spec.max_quota)
        if max_wait is None or not self.enabled:
            waited = await self.backend.acquire(key, spec, cost, self.time_scale) if self.enabled else 0.0
        else:
            waited = await self._acquire_within(key, spec, cost, max_wait)
        if self.stats_ttl is not None:
            now = asyncio.get_running_loop().time()
            if self._rotate_at is None:
                self._rotate_at = now + self.stats_ttl
            elif now >= self._rotate_at:
                self._rotate(now)
        stats = self._stat(key)
        stats.requests += 1
        stats.items += cost
        stats.record_wait(waited)
        return waited

    async def _acquire_within(self, key: ThrottleKey, spec: QuotaSpec, cost: float, max_wait: float) -> float:
        backend = self.backend
        would_wait: float | None = None
        try:
            if isinstance(backend, BoundedBackend):
                return await backend.acquire(key, spec, cost, self.time_scale, max_wait=max(0.0, max_wait))
            async with asyncio.timeout(max(0.0, max_wait)):
                return await backend.acquire(key, spec, cost, self.time_scale)
        except WouldWait as refusal:
            would_wait = refusal.seconds
        except TimeoutError:
            would_wait = max_wait  # at least this long: the backend could not say how much longer
        self._stat(key).deadline_refusals += 1
        raise DeadlineExceededError(spec.group_key, would_wait, max_wait)

    async def throttled(
        self,
        key: ThrottleKey,
        spec: QuotaSpec,
        cost: float,
        *,
        quota_exceeded: bool = False,
        resets_on: datetime | None = None,
    ) -> float:
        """Record a 503 and hold the key; return the least time to wait before retrying.

        - RequestThrottled: the bucket is marked empty now and every waiter on ``key`` pauses
          ``cost / (restore_rate * time_scale)`` seconds (the time the bucket needs to restore this request),
          which is returned. The next :meth:`acquire` waits it out.
        - QuotaExceeded: the hourly quota is at 0 until ``resets_on``; every waiter on ``key`` is held until
          then. Returns ``min(resets_on - now, 3600 / time_scale)``; without a (future) ``resets_on``, the
          time one hourly request restores: ``3600 / (hourly * time_scale)`` (or 60 s scaled if no hourly
          figure is known).
        """
        stats = self._stat(key)
        scale = self.time_scale
        if quota_exceeded:
            stats.quota_exceeded += 1
            if self.enabled:
                await self.backend.observe_hourly(
                    key, spec, QuotaHeaders(remaining=0.0, resets_on=resets_on), scale
                )
            if resets_on is not None:
                pause = seconds_until_reset(resets_on, self._wall(), scale)
                if pause > 0:
                    return pause
            return (HOUR / spec.hourly if spec.hourly else _UNKNOWN_RESET) / scale
        stats.throttled += 1
        pause = spec.restore_time(cost, scale)
        if self.enabled:
            await self.backend.mark_empty(key, spec, pause, scale)
        return pause

    async def observe(self, key: ThrottleKey, spec: QuotaSpec, headers: QuotaHeaders) -> None:
        """Feed a response's quota headers to the hourly model (no-op without any header)."""
        if not headers.present:
            return
        self._stat(key).last_headers = headers
        if self.enabled:
            await self.backend.observe_hourly(key, spec, headers, self.time_scale)

    async def update_spec(self, key: ThrottleKey, spec: QuotaSpec) -> None:
        """From now on ``key``'s bucket follows ``spec`` (e.g. the rate an ``x-amzn-RateLimit-Limit`` header
        announced): what is used is kept, and every request already waiting on ``key`` is re-timed to the new
        numbers (earlier or later, in arrival order), not only later ones. Pass ``spec`` to later
        :meth:`acquire` calls on ``key`` too. A backend without ``update_spec`` (see
        :class:`~mws_async.throttle.base.SpecUpdatingBackend`) picks the numbers up at the next acquire.
        """
        if self.enabled and isinstance(self.backend, SpecUpdatingBackend):
            await self.backend.update_spec(key, spec, self.time_scale)

    def stats(self) -> dict[ThrottleKey, KeyStats]:
        """Live counters per key used within ``stats_ttl`` (the :class:`KeyStats` objects keep updating)."""
        return {**self._older, **self._stats}

    def summary(self) -> ThrottleSummary:
        """Totals over all keys ever used (those folded after ``stats_ttl`` included): requests, items,
        throttled, quota_exceeded, waits, total_wait, max_wait, keys."""
        live = ThrottleSummary.of(self.stats())
        gone = self._retired
        return ThrottleSummary(
            requests=live.requests + gone.requests,
            items=live.items + gone.items,
            throttled=live.throttled + gone.throttled,
            quota_exceeded=live.quota_exceeded + gone.quota_exceeded,
            waits=live.waits + gone.waits,
            total_wait=live.total_wait + gone.total_wait,
            max_wait=max(live.max_wait, gone.max_wait),
            keys=live.keys + self._retired_keys,
        )

    async def aclose(self) -> None:
        """Close the backend."""
        await self.backend.aclose()

    def _stat(self, key: ThrottleKey) -> KeyStats:
        stats = self._stats.get(key)
        if stats is None:
            stats = self._older.pop(key, None)
            if stats is None:
                stats = KeyStats()
            self._stats[key] = stats
        return stats

    def _rotate(self, now: float) -> None:
        """Fold the counters of keys unused for a whole generation; the current generation becomes older."""
        gone = self._retired
        for stats in self._older.values():
            gone.requests += stats.requests
            gone.items += stats.items
            gone.throttled += stats.throttled
            gone.quota_exceeded += stats.quota_exceeded
            gone.waits += stats.waits
            gone.total_wait += stats.total_wait
            gone.max_wait = max(gone.max_wait, stats.max_wait)
        self._retired_keys += len(self._older)
        self._older, self._stats = self._stats, {}
        self._rotate_at = now + (self.stats_ttl or 0.0)

    def __repr__(self) -> str:
        state = "enabled" if self.enabled else "disabled"
        keys = len(self._stats) + len(self._older)
        return f"<Throttler {state} time_scale={self.time_scale:g} backend={self.backend!r} keys={keys}>"
