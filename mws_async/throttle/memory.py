"""The in-memory throttle backend: one burst bucket (and one hourly bucket) per key, for one process.

Model (``shared/reference/mws-api.md`` 1.10 and 3), per key ``(host, SellerId, AWSAccessKeyId, group)``:

- burst bucket: capacity ``Q = max_quota`` units, refill ``r = restore_rate * time_scale`` units/s, starts
  full; a request takes ``cost`` units (1, or its item count for per-item Products operations). This is
  aiolimiter's ``AsyncLimiter(Q, Q / r)``;
- hourly bucket (when the spec has ``hourly = H``): ``AsyncLimiter(H, 3600 / time_scale)``, one unit per
  *request* whatever its item count;
- a "not before" gate set by :meth:`MemoryThrottle.mark_empty` (503 RequestThrottled);
- an hourly window learnt from ``x-mws-quota-remaining`` / ``-resetsOn``: at most ``remaining`` more requests
  until the reset time, then the hourly bucket is full again (the server resets its count).

Re-timing: only the task at the head of a key's queue sleeps on a timer (until the time its request is free);
the others wait on the key's lock and compute their own time when they reach the head. Whatever changes the
picture (:meth:`~MemoryThrottle.mark_empty`, :meth:`~MemoryThrottle.observe_hourly`,
:meth:`~MemoryThrottle.update_spec`, an acquire with other numbers for the key) wakes that sleeper, which
recomputes from the changed buckets: so every request already waiting follows the new numbers, earlier or
later, in arrival order.

aiolimiter semantics kept (``mjpieters/aiolimiter`` ``leakybucket.py``): level 0 means full, so a burst of
``Q`` is admitted at once; the level drains continuously at ``Q / period`` per second on the loop's monotonic
clock (``loop.time()``); a cost above the capacity is refused at once (here
:class:`~mws_async.errors.QuotaCostError`, before any waiting); fractional costs are fine; a cancelled waiter
takes nothing; one limiter state per event loop (a backend used from a new loop starts afresh, as aiolimiter
drops waiters of a closed loop).

aiolimiter semantics deliberately *not* kept, and why the arithmetic lives in :class:`TokenBucket`:

- barging (a newcomer takes free capacity ahead of waiters) and smallest-amount-first waking starve a
  20-item Products batch behind single-item calls. Here an ``asyncio.Lock`` per key (FIFO) orders waiters by
  arrival; a newcomer only skips the lock when nobody is queued on the key;
- ``AsyncLimiter`` has no public way to drain (503), to lower the level (quota headers), to say how long
  until capacity is free, or to date a take later. Taking burst and hourly units *at the same instant* needs
  the wait time of both; taking one, then waiting for the other, would date our debit earlier than the
  server's.

Safety margin (zero throttles under network delay), both applied per bucket:

- ``rate_margin`` (default 0.5 %): we restore at ``r * (1 - rate_margin)``. Slack grows with time, so float
  rounding, a server computing the same instant slightly differently, and clock-rate differences never
  make us one token ahead. Cost: ``rate_margin`` of the sustained run time;
- ``latency_margin`` (the bucket's *hold* ``h``): every take is dated as if it reached the server ``h``
  seconds after admission: ``F = max(F, t + h) + c / r`` (see :class:`TokenBucket`). MWS refills from the
  time it *receives* a request. After an idle, full bucket the server's refill starts when the first request
  of the burst arrives; if that one was slow (connection set-up, event-loop lag) and the next one fast, a
  client refilling from its own admission time is ahead and the first request after the burst is throttled.
  With ``h`` at least the spread of those delays, our bucket is never fuller than the server's, whatever
  the order of arrival. The default is ``min(0.25 s, Q / 2r, max(30 ms, 2 % of the full-refill time Q / r))``:
  real MWS latency jitter is a few hundred ms; on loopback new connections and event-loop lag still spread
  arrivals by tens of ms; above ``Q / 2r`` a hold would slow the steady state, so it is capped there.
  Cost: ``h`` once per run that starts from a (nearly) full bucket, nothing in the steady state; more for
  20-item batches on a 20-item bucket, where every batch starts from full;
- learning: when the server throttles anyway (``mark_empty``), the delay spread was larger than ``h`` (or
  someone else spends the quota): the hold doubles (from at least 2 ms, up to ``min(0.25 s, Q / 2r)``) for
  every key of the backend, since the spread is a property of the connection and event loop, not of a key.
  A throttle costs a drained bucket (up to ``Q / r``), a hold costs ``h`` once per run, so erring towards
  a larger hold is cheaper. A fixed ``latency_margin`` disables learning.

Together the overhead stays within 3 % of the bound ``max(0, units - Q) / r``
(``tests/throttle/test_margin.py`` simulates a server with random delays: zero throttles). With both
margins at zero, admissions match ``AsyncLimiter`` exactly (``tests/throttle/test_bucket.py``).

Memory: a key's state is forgotten once its buckets are full, it has no waiters, no gate and no hourly window
(a new state would be identical, so nothing is lost; a pending window or hourly use keeps it until the reset
or the refill). Sweeps are lazy, with no timer: when the number of keys doubles past ``sweep_threshold``, and
after every ``max(sweep_threshold, live keys)`` acquisitions (so a burst of sellers that then fall silent is
forgotten even if no new seller comes); each sweep visits every key once, so upkeep is amortised O(1) per
acquisition. An idle key's state is a few hundred bytes: its lock exists only while requests wait on it,
and keys with the same numbers share one parameter tuple.
"""

from __future__ import annotations

import asyncio
import math
from collections.abc import Callable
from datetime import UTC, datetime

from mws_async.errors import QuotaCostError
from mws_async.settings import check_time_scale
from mws_async.throttle.base import HOUR, QuotaHeaders, ThrottleKey, WouldWait, seconds_until_reset
from mws_async.throttle.bucket import EPSILON, TokenBucket
from mws_async.throttle.quotas import QuotaSpec

__all__ = [
    "DEFAULT_LATENCY_FRACTION",
    "DEFAULT_RATE_MARGIN",
    "MAX_LATENCY_MARGIN",
    "MIN_LATENCY_MARGIN",
    "MemoryThrottle",
    "NoThrottle",
]

#: Fraction by which the modelled restore rate is lower than the documented one.
DEFAULT_RATE_MARGIN = 0.005
#: Default refill hold after a full bucket, as a fraction of the full-refill time ``Q / r`` ...
DEFAULT_LATENCY_FRACTION = 0.02
#: ... but never more than this many seconds (real MWS latency jitter) ...
MAX_LATENCY_MARGIN = 0.25
#: ... and at least this many (new connections and event-loop lag spread arrivals by tens of ms even on
#: loopback), unless that would exceed half the full-refill time and slow the steady state down.
MIN_LATENCY_MARGIN = 0.03
#: Smallest hold after a throttle taught us the default was too small.
_MIN_LEARNED_HOLD = 0.002
#: Times closer than this count as equal: a timer may fire a hair early (asyncio's clock resolution).
_TIME_EPSILON = 1e-9
#: Without a reset time or an hourly model, a quota at 0 is retried after a minute (resets are on minutes).
_UNKNOWN_RESET = 60.0

_Params = tuple[float, float, int | None, float]
#: Distinct parameter tuples kept for sharing between keys (the table has ~100 groups).
_MAX_SHARED_PARAMS = 1024


def _utcnow() -> datetime:
    return datetime.now(UTC)


def _resolve(fut: asyncio.Future[None]) -> None:
    if not fut.done():
        fut.set_result(None)


class _KeyState:
    """Everything known about one key. Only the task holding ``lock`` (or the lock-free fast path) takes."""

    __slots__ = (
        "burst",
        "gate",
        "hold_epoch",
        "hourly",
        "lock",
        "params",
        "queued",
        "queued_cost",
        "wakeup",
        "window_end",
        "window_remaining",
        "window_resets_on",
    )

    def __init__(self, params: _Params, burst: TokenBucket, hourly: TokenBucket | None) -> None:
        self.params = params
        self.burst = burst
        self.hourly = hourly
        self.gate = -math.inf  # loop time before which nothing is admitted (mark_empty)
        self.hold_epoch = 0  # the backend's learnt-hold version this state's burst.hold reflects
        # FIFO across mixed sizes (no barging past a waiting big batch); made on the first wait and dropped
        # when nobody waits any more, so the many idle keys of many sellers carry none.
        self.lock: asyncio.Lock | None = None
        self.queued = 0  # tasks inside the slow path (holding or waiting for the lock)
        self.queued_cost = 0.0  # their burst units, for the wait a newcomer with a deadline would have
        self.wakeup: asyncio.Future[None] | None = None  # the lock holder's sleep, to re-check early
        self.window_end: float | None = None  # loop time of the server's hourly reset, when known
        self.window_remaining = 0.0  # requests the server still allows before window_end
        self.window_resets_on: datetime | None = None

    def expire(self, now: float) -> None:
        # Past the reset the server counts from its full hourly quota again.
        if self.window_end is not None and now >= self.window_end - _TIME_EPSILON:
            self.window_end = None
            self.window_resets_on = None
            if self.hourly is not None:
                self.hourly.fill()

    def wait_time(self, cost: float, now: float, requests: int = 1) -> float:
        """Seconds until ``cost`` burst units, ``requests`` hourly units and the gate all allow a take
        (several takes when ``cost`` or ``requests`` stand for the queue ahead plus one request)."""
        self.expire(now)
        burst = self.burst.wait_time(cost, now) if requests == 1 else self.burst.forecast(cost, now)
        wait = max(0.0, self.gate - now, burst)
        hourly = self.hourly.forecast(float(requests), now) if self.hourly is not None else 0.0
        if self.window_end is not None:
            until_reset = self.window_end - now
            # The hourly bucket is refilled at the reset, so it never needs to be waited for past it.
            hourly = min(hourly, until_reset)
            if self.window_remaining < requests - EPSILON:
                hourly = until_reset
        return max(wait, hourly)

    def take(self, cost: float, now: float) -> None:
        self.burst.take(cost, now)
        if self.hourly is not None:
            self.hourly.take(1.0, now)
        if self.window_end is not None:
            self.window_remaining -= 1.0

    def idle(self, now: float) -> bool:
        self.expire(now)
        return (
            self.queued == 0
            and self.gate <= now
            and self.window_end is None
            and self.burst.is_full(now)
            and (self.hourly is None or self.hourly.is_full(now))
        )

    def wake(self) -> None:
        if self.wakeup is not None:
            _resolve(self.wakeup)


class MemoryThrottle:
    """In-process :class:`~mws_async.throttle.base.ThrottleBackend`: FIFO per key, exact bucket arithmetic.

    Args:
        rate_margin: model the restore rate this fraction lower than documented (default 0.5 %).
        latency_margin: seconds a full bucket's refill is held after a take; ``None`` (default) means
            ``min(0.25, 0.02 * Q / r)`` per bucket. ``0`` and ``rate_margin=0`` reproduce the documented
            arithmetic exactly.
        sweep_threshold: key count that triggers forgetting idle keys (it doubles with the live keys); idle
            keys are also forgotten after every ``max(sweep_threshold, live keys)`` acquisitions.
        wall_clock: current UTC time, to turn ``x-mws-quota-resetsOn`` into a delay (injectable for tests).

    Waiting uses one timer per *key* being waited on (the lock holder's), never one per waiter; thousands of
    waiters on one key cost one timer and one lock queue.
    """

    def __init__(
        self,
        *,
        rate_margin: float = DEFAULT_RATE_MARGIN,
        latency_margin: float | None = None,
        sweep_threshold: int = 1024,
        wall_clock: Callable[[], datetime] | None = None,
    ) -> None:
        if not 0 <= rate_margin < 1:
            raise ValueError("rate_margin must be in [0, 1)")
        if latency_margin is not None and latency_margin < 0:
            raise ValueError("latency_margin must be >= 0")
        self.rate_margin = rate_margin
        self.latency_margin = latency_margin
        self.sweep_threshold = max(1, sweep_threshold)
        self._wall = wall_clock or _utcnow
        self._keys: dict[ThrottleKey, _KeyState] = {}
        self._sweep_at = self.sweep_threshold
        self._sweep_countdown = self.sweep_threshold  # acquisitions left before the next periodic sweep
        self._shared_params: dict[_Params, _Params] = {}  # one tuple per distinct numbers, not per key
        self._loop: asyncio.AbstractEventLoop | None = None
        self._learned_hold = 0.0  # largest hold a throttle taught us (only with latency_margin=None)
        self._hold_epoch = 0  # bumped when _learned_hold grows, so every key picks it up on its next take

    # -- the ThrottleBackend interface --------------------------------------------------------------------

    def bounded(self) -> bool:
        """``acquire`` takes ``max_wait`` (see :class:`~mws_async.throttle.base.BoundedBackend`)."""
        return True

    async def acquire(
        self,
        key: ThrottleKey,
        spec: QuotaSpec,
        cost: float,
        time_scale: float = 1.0,
        *,
        max_wait: float | None = None,
    ) -> float:
        """Wait until ``cost`` burst units and one hourly request are free, take both; return seconds waited.

        Raises :class:`~mws_async.errors.QuotaCostError` at once if ``cost > spec.max_quota``. Waiters on a
        key are served in arrival order. Cancelling a waiter takes nothing from the buckets. With
        ``max_wait``, a request whose wait (behind the requests queued before it) would be longer raises
        :class:`~mws_async.throttle.base.WouldWait` at once, taking nothing; so does a queued one whose turn
        moves past ``max_wait`` (a 503 closed the gate).
        """
        if not cost <= spec.max_quota + EPSILON:  # also refuses NaN
            raise QuotaCostError(spec.group_key, cost, spec.max_quota)
        if cost < 0:
            raise ValueError(f"cost must be >= 0, got {cost!r}")
        loop = self._bind()
        now = loop.time()
        self._sweep_countdown -= 1
        if self._sweep_countdown <= 0:
            self._sweep(now)
        state = self._state(key, spec, time_scale, now)
        # Fast path: nobody queued on this key and everything free now. No await, so nothing can interleave.
        if state.queued == 0 and state.wait_time(cost, now) <= _TIME_EPSILON:
            state.take(cost, now)
            return 0.0
        start = now
        if max_wait is not None:
            # Our turn comes after everything queued before us: their units, then ours.
            ahead = state.wait_time(state.queued_cost + cost, now, requests=state.queued + 1)
            if ahead > max_wait + _TIME_EPSILON:
                raise WouldWait(ahead)
        state.queued += 1
        state.queued_cost += cost
        if state.lock is None:
            state.lock = asyncio.Lock()
        try:
            async with state.lock:
                while True:
                    if cost > state.burst.capacity + EPSILON:
                        # New numbers for the key (update_spec) made the bucket smaller than this request.
                        raise QuotaCostError(spec.group_key, cost, state.burst.capacity)
                    now = loop.time()
                    wait = state.wait_time(cost, now)
                    if wait <= _TIME_EPSILON:
                        state.take(cost, now)
                        break
                    if max_wait is not None and now + wait > start + max_wait + _TIME_EPSILON:
                        raise WouldWait(now + wait - start)
                    # Sleep until the computed time, or until mark_empty / observe_hourly / update_spec (or an
                    # acquire with other numbers) change the picture: then recompute from the changed buckets.
                    await self._sleep(state, loop, now + wait)
        finally:
            state.queued -= 1
            state.queued_cost -= cost
            if state.queued == 0:
                state.lock = None  # nobody holds or awaits it (queued counts both)
                state.queued_cost = 0.0  # no float residue
        return loop.time() - start

    async def mark_empty(
        self, key: ThrottleKey, spec: QuotaSpec, pause: float, time_scale: float = 1.0
    ) -> None:
        """Empty the burst bucket now (its refill restarts from zero); hold every waiter ``pause`` seconds."""
        loop = self._bind()
        now = loop.time()
        state = self._state(key, spec, time_scale, now)
        state.burst.drain(now)
        state.gate = max(state.gate, now + max(0.0, pause))
        if self.latency_margin is None:
            # The server saw our requests closer together than our margin allowed for: widen it.
            learned = min(MAX_LATENCY_MARGIN, max(2.0 * state.burst.hold, _MIN_LEARNED_HOLD))
            if learned > self._learned_hold:
                self._learned_hold = learned
                self._hold_epoch += 1
        state.wake()

    async def observe_hourly(
        self, key: ThrottleKey, spec: QuotaSpec, headers: QuotaHeaders, time_scale: float = 1.0
    ) -> None:
        """Correct the hourly model from quota headers.

        - ``max``: the account's real hourly quota (often a multiple of the documented one): the hourly bucket
          is resized to it, keeping what is used;
        - ``remaining`` with ``resets_on``: at most ``min(remaining, local estimate)`` more requests until the
          reset (``seconds_until_reset``: bounded by ``3600 / time_scale``), then the hourly bucket is full.
          A later response in the same window can only lower it; a response for a *newer* window means the
          server reset. ``remaining == 0`` therefore holds every waiter until the reset;
        - ``remaining`` alone: the hourly bucket keeps at most ``remaining`` free.
        """
        loop = self._bind()
        now = loop.time()
        state = self._state(key, spec, time_scale, now)
        if headers.max is not None and headers.max >= 1:
            rate = self._hourly_rate(headers.max, time_scale)
            if state.hourly is None:
                state.hourly = TokenBucket(headers.max, rate)
            elif abs(state.hourly.capacity - headers.max) > EPSILON:
                state.hourly = state.hourly.resized(headers.max, rate, now)
        # Whatever changes below (or the hourly capacity above), the head waiter recomputes its time once
        # this call returns: waiters are re-timed to corrections in both directions.
        state.wake()
        remaining = headers.remaining
        if remaining is None:
            return
        resets_on = headers.resets_on
        delay = seconds_until_reset(resets_on, self._wall(), time_scale) if resets_on is not None else 0.0
        if resets_on is not None and delay <= 0:
            if remaining >= 1:
                return  # describes a window that is already over
            resets_on = None  # "none left" with a past reset (clock skew): treat the reset as unknown
        if resets_on is not None:
            state.expire(now)
            known = state.window_resets_on
            if known is not None and resets_on < known:
                return  # a late response from the previous window
            if known is not None and resets_on == known:
                state.window_remaining = min(state.window_remaining, remaining)
            else:
                if known is not None and state.hourly is not None:
                    state.hourly.fill()  # the server moved to a new window: its count was reset
                local = state.hourly.available(now) if state.hourly is not None else remaining
                state.window_remaining = min(remaining, local)
                state.window_end = now + delay
                state.window_resets_on = resets_on
        elif state.hourly is not None:
            state.hourly.limit(remaining, now)
        elif remaining < 1:
            state.gate = max(state.gate, now + _UNKNOWN_RESET / time_scale)

    async def update_spec(self, key: ThrottleKey, spec: QuotaSpec, time_scale: float = 1.0) -> None:
        """From now on ``key``'s buckets follow ``spec`` (e.g. a restore rate the server announced).

        What is used is kept (capped at the new capacity) and refills at the new rate; every request already
        waiting on ``key`` is re-timed to it, earlier or later, in arrival order.
        """
        loop = self._bind()
        # _state() resizes a state whose numbers differ, and wakes the head waiter to recompute its time.
        self._state(key, spec, time_scale, loop.time())

    async def aclose(self) -> None:
        """Forget every key. Tasks already waiting finish on the state they hold."""
        self._keys.clear()

    # -- introspection ------------------------------------------------------------------------------------

    def __len__(self) -> int:
        """Number of keys with state (idle keys are forgotten on sweeps)."""
        return len(self._keys)

    def evict_idle(self) -> int:
        """Forget every key whose buckets are full and that nobody waits on; return how many."""
        if self._loop is None or self._loop.is_closed():
            return 0
        before = len(self._keys)
        self._sweep(self._loop.time())
        return before - len(self._keys)

    def available(self, key: ThrottleKey) -> float | None:
        """Burst units free now on ``key`` (``None``: no state, i.e. full)."""
        state = self._keys.get(key)
        if state is None or self._loop is None:
            return None
        return state.burst.available(self._loop.time())

    def __repr__(self) -> str:
        return f"<MemoryThrottle keys={len(self._keys)} rate_margin={self.rate_margin:g}>"

    # -- internals ----------------------------------------------------------------------------------------

    def _bind(self) -> asyncio.AbstractEventLoop:
        loop = asyncio.get_running_loop()
        if loop is not self._loop:
            # States hold locks and futures of the old loop: start afresh (aiolimiter: one limiter per loop).
            self._keys.clear()
            self._sweep_at = self.sweep_threshold
            self._sweep_countdown = self.sweep_threshold
            self._loop = loop
        return loop

    def _hold(self, spec: QuotaSpec, time_scale: float) -> float:
        if self.latency_margin is not None:
            return self.latency_margin
        full_refill = spec.max_quota / (spec.restore_rate * time_scale)
        default = min(
            MAX_LATENCY_MARGIN,
            0.5 * full_refill,
            max(MIN_LATENCY_MARGIN, DEFAULT_LATENCY_FRACTION * full_refill),
        )
        return max(default, min(self._learned_hold, self._hold_cap(spec, time_scale)))

    @staticmethod
    def _hold_cap(spec: QuotaSpec, time_scale: float) -> float:
        # Past half the full-refill time a hold would slow the steady state of every later request.
        return min(MAX_LATENCY_MARGIN, 0.5 * spec.max_quota / (spec.restore_rate * time_scale))

    def _burst_rate(self, spec: QuotaSpec, time_scale: float) -> float:
        return spec.restore_rate * time_scale * (1.0 - self.rate_margin)

    def _hourly_rate(self, capacity: float, time_scale: float) -> float:
        return capacity / (HOUR / time_scale) * (1.0 - self.rate_margin)

    def _state(self, key: ThrottleKey, spec: QuotaSpec, time_scale: float, now: float) -> _KeyState:
        params: _Params = (spec.max_quota, spec.restore_rate, spec.hourly, time_scale)
        state = self._keys.get(key)
        if state is None:
            # Checked when numbers are new, not per request: 0, inf or nan would divide into inf or nan.
            check_time_scale(time_scale)
            if len(self._keys) >= self._sweep_at:
                self._sweep(now)
            hourly = (
                TokenBucket(spec.hourly, self._hourly_rate(spec.hourly, time_scale)) if spec.hourly else None
            )
            burst = TokenBucket(
                spec.max_quota, self._burst_rate(spec, time_scale), hold=self._hold(spec, time_scale)
            )
            shared = self._shared_params.get(params)
            if shared is None:
                if len(self._shared_params) >= _MAX_SHARED_PARAMS:
                    self._shared_params.clear()  # numbers announced per key could vary without end
                shared = self._shared_params[params] = params
            state = self._keys[key] = _KeyState(shared, burst, hourly)
            state.hold_epoch = self._hold_epoch
        if state.hold_epoch != self._hold_epoch:
            state.hold_epoch = self._hold_epoch
            state.burst.hold = max(state.burst.hold, self._hold(spec, time_scale))
        if state.params != params:
            check_time_scale(time_scale)
            # Same key, different numbers (an override of one twin, or a new time scale): keep what is used.
            state.params = self._shared_params.get(params, params)
            state.burst = state.burst.resized(spec.max_quota, self._burst_rate(spec, time_scale), now)
            state.burst.hold = max(state.burst.hold, self._hold(spec, time_scale))
            if spec.hourly is None:
                state.hourly = None
            else:
                rate = self._hourly_rate(spec.hourly, time_scale)
                state.hourly = (
                    state.hourly.resized(spec.hourly, rate, now)
                    if state.hourly is not None
                    else TokenBucket(spec.hourly, rate)
                )
            state.wake()
        return state

    def _sweep(self, now: float) -> None:
        for key in [k for k, s in self._keys.items() if s.idle(now)]:
            del self._keys[key]
        live = len(self._keys)
        self._sweep_at = max(self.sweep_threshold, 2 * live)
        self._sweep_countdown = max(self.sweep_threshold, live)

    @staticmethod
    async def _sleep(state: _KeyState, loop: asyncio.AbstractEventLoop, deadline: float) -> None:
        fut: asyncio.Future[None] = loop.create_future()
        state.wakeup = fut
        handle = loop.call_at(deadline, _resolve, fut)
        try:
            await fut
        finally:
            # Cancelled or woken early: never leave a timer behind.
            handle.cancel()
            if state.wakeup is fut:
                state.wakeup = None


class NoThrottle:
    """A backend that admits everything at once (CPU benchmarks, or a caller that throttles elsewhere)."""

    def bounded(self) -> bool:
        """Never waits, so any ``max_wait`` holds."""
        return True

    async def acquire(
        self,
        key: ThrottleKey,
        spec: QuotaSpec,
        cost: float,
        time_scale: float = 1.0,
        *,
        max_wait: float | None = None,
    ) -> float:
        """Admit at once; return 0."""
        return 0.0

    async def mark_empty(
        self, key: ThrottleKey, spec: QuotaSpec, pause: float, time_scale: float = 1.0
    ) -> None:
        """Ignored."""

    async def observe_hourly(
        self, key: ThrottleKey, spec: QuotaSpec, headers: QuotaHeaders, time_scale: float = 1.0
    ) -> None:
        """Ignored."""

    async def update_spec(self, key: ThrottleKey, spec: QuotaSpec, time_scale: float = 1.0) -> None:
        """Ignored."""

    async def aclose(self) -> None:
        """Nothing to release."""
