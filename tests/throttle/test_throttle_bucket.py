"""TokenBucket arithmetic, equivalence with aiolimiter, and the admission-schedule property."""

from __future__ import annotations

import asyncio
import itertools

import pytest
from aiolimiter import AsyncLimiter
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from throttle.throttle_support import HOST, exact_backend, now, run

from mws_async.throttle import MemoryThrottle, QuotaSpec, Throttler, TokenBucket


def test_bucket_starts_full_and_refills_linearly() -> None:
    bucket = TokenBucket(20, 5)
    assert bucket.available(0.0) == 20
    assert bucket.is_full(0.0)
    bucket.take(20, 0.0)
    assert bucket.available(0.0) == 0
    assert bucket.wait_time(5, 0.0) == pytest.approx(1.0)
    assert bucket.available(0.5) == pytest.approx(2.5)
    assert bucket.available(10.0) == 20  # capped
    with pytest.raises(ValueError, match="capacity"):
        bucket.wait_time(21, 0.0)


def test_hold_costs_only_near_full() -> None:
    bucket = TokenBucket(20, 5, hold=0.1)
    bucket.take(19, 0.0)  # dated at 0.1: F = 0.1 + 3.8
    assert bucket.available(0.0) == pytest.approx(0.5)  # the last unit waits for the hold
    assert bucket.wait_time(1, 0.0) == pytest.approx(0.1)
    bucket.take(1, 0.1)  # empty at 0.1: the refill of the run counts from 0.1, not 0.0
    assert bucket.wait_time(5, 0.1) == pytest.approx(1.0)
    bucket.take(5, 1.1)  # far from full: F += 1, no extra hold
    assert bucket.wait_time(5, 1.1) == pytest.approx(1.0)
    assert bucket.level(1.1) == pytest.approx(20)


def test_drain_limit_fill_resize() -> None:
    bucket = TokenBucket(10, 1)
    bucket.take(2, 0.0)
    bucket.drain(1.0)
    assert bucket.available(1.0) == pytest.approx(0.0)
    assert bucket.available(4.0) == pytest.approx(3.0)
    bucket.limit(1.0, 4.0)
    assert bucket.available(4.0) == pytest.approx(1.0)
    bucket.limit(5.0, 4.0)  # never raises
    assert bucket.available(4.0) == pytest.approx(1.0)
    bigger = bucket.resized(40, 4, 4.0)
    assert bigger.available(4.0) == pytest.approx(31.0)  # same 9 used
    assert bigger.available(5.0) == pytest.approx(35.0)
    bucket.fill()
    assert bucket.is_full(4.0)
    assert "TokenBucket" in repr(bucket)
    with pytest.raises(ValueError):
        TokenBucket(0, 1)


def _spec(capacity: float, rate: float) -> QuotaSpec:
    return QuotaSpec("Test", "Op", capacity, rate, 1.0, unit="item")


schedules = st.lists(
    st.tuples(st.floats(0.0, 3.0, allow_nan=False), st.integers(1, 20)),
    min_size=1,
    max_size=40,
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(schedule=schedules, capacity=st.sampled_from([10, 20]), rate=st.sampled_from([0.2, 2.0, 5.0, 10.0]))
def test_same_admissions_as_aiolimiter_for_one_waiter_at_a_time(
    schedule: list[tuple[float, int]], capacity: int, rate: float
) -> None:
    """With margins at zero and no concurrent waiters (no barging to differ on), we admit exactly when
    ``AsyncLimiter(capacity, capacity / rate)`` does."""
    costs = [(gap, min(cost, capacity)) for gap, cost in schedule]
    spec = _spec(capacity, rate)

    async def ours() -> list[float]:
        backend = exact_backend()
        key = Throttler().key(HOST, "S", "K", spec)
        times = []
        for gap, cost in costs:
            await asyncio.sleep(gap)
            await backend.acquire(key, spec, cost, 1.0)
            times.append(now())
        return times

    async def theirs() -> list[float]:
        limiter = AsyncLimiter(capacity, capacity / rate)
        times = []
        for gap, cost in costs:
            await asyncio.sleep(gap)
            await limiter.acquire(cost)
            times.append(now())
        return times

    assert run(ours) == pytest.approx(run(theirs, creep=True), abs=1e-6)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    arrivals=st.lists(
        st.tuples(st.floats(0.0, 10.0, allow_nan=False), st.integers(1, 20)), min_size=1, max_size=60
    ),
    exact=st.booleans(),
)
def test_admitted_schedule_never_exceeds_capacity_plus_rate_times_window(
    arrivals: list[tuple[float, int]], exact: bool
) -> None:
    """Concurrent waiters with random costs <= capacity: in every window ``[t_j, t_k]`` of admissions
    (in particular every window starting at 0) the admitted units are at most ``Q + r * (t_k - t_j)``;
    and each key serves its waiters in arrival order."""
    capacity, rate = 20.0, 5.0
    spec = _spec(capacity, rate)

    async def main() -> list[tuple[float, float, int]]:
        backend = exact_backend() if exact else MemoryThrottle()
        key = Throttler().key(HOST, "S", "K", spec)
        t0 = now()
        admitted: list[tuple[float, float, int]] = []

        arrived = 0

        async def one(at: float, cost: float) -> None:
            nonlocal arrived
            await asyncio.sleep(at)
            index, arrived = arrived, arrived + 1  # arrival order = order of calling acquire
            await backend.acquire(key, spec, cost, 1.0)
            admitted.append((now() - t0, cost, index))

        await asyncio.gather(*(one(at, float(cost)) for at, cost in arrivals))
        return admitted

    admitted = sorted(run(main))
    times = [t for t, _, _ in admitted]
    costs = [c for _, c, _ in admitted]
    for j in range(len(admitted)):
        window = 0.0
        for k in range(j, len(admitted)):
            window += costs[k]
            assert window <= capacity + rate * (times[k] - times[j]) + 1e-6
    # Window starting at 0, the property as stated.
    total = 0.0
    for t, cost in zip(times, costs, strict=True):
        total += cost
        assert total <= capacity + rate * t + 1e-6
    # FIFO: a later arrival is never admitted before an earlier one.
    by_arrival = sorted(admitted, key=lambda a: a[2])
    assert all(a[0] <= b[0] for a, b in itertools.pairwise(by_arrival))
