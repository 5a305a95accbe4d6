"""MemoryThrottle + Throttler on virtual time: documented arithmetic, groups, gates, hourly, cancellation."""

from __future__ import annotations

import asyncio
import warnings
from collections.abc import Callable
from datetime import datetime, timedelta

import pytest
from throttle.throttle_cases import CASES, Case, admit
from throttle.throttle_support import HOST, FakeWall, exact_backend, exact_throttler, now, run

from mws_async.errors import QuotaCostError
from mws_async.throttle import (
    MemoryThrottle,
    NoThrottle,
    QuotaHeaders,
    QuotaTable,
    ThrottleBackend,
    Throttler,
    ThrottleSummary,
)


def approx(value: float) -> object:
    return pytest.approx(value, abs=1e-6)


def make_memory(
    *,
    quotas: QuotaTable | None = None,
    time_scale: float = 1.0,
    wall_clock: Callable[[], datetime] | None = None,
    exact: bool = True,
) -> Throttler:
    """The :class:`~throttle.throttle_cases.Make` of the in-memory backend."""
    if not exact:
        return Throttler(quotas=quotas, time_scale=time_scale, wall_clock=wall_clock)
    return exact_throttler(quotas=quotas, time_scale=time_scale, wall_clock=wall_clock)


# -- the shared case table (burst, per item, groups, hourly, gates, headers, scale, cost, stats) ------------


@pytest.mark.parametrize("case", CASES, ids=str)
def test_shared_case(case: Case) -> None:
    assert run(lambda: case.run(make_memory)) == case.expected


# -- cost ---------------------------------------------------------------------------------------------------


def test_cost_is_items_or_one_and_must_fit_the_bucket() -> None:
    t = Throttler()
    items = t.spec("Products", "GetMatchingProductForId")
    per_request = t.spec("Products", "ListMatchingProducts")
    assert t.cost(items, 5) == 5.0
    assert t.cost(items, 0) == 1.0
    assert t.cost(per_request, 10) == 1.0
    with pytest.raises(QuotaCostError) as info:
        t.cost(items, 21)
    message = str(info.value)
    assert "Products.GetMatchingProductForId" in message
    assert "21" in message
    assert "20" in message
    assert (info.value.group, info.value.cost, info.value.capacity) == (
        "Products.GetMatchingProductForId",
        21,
        20,
    )
    assert isinstance(info.value, ValueError)
    with pytest.raises(ValueError, match="items"):
        t.cost(items, -1)


# -- cancellation, scale, memory ----------------------------------------------------------------------------


@pytest.mark.parametrize("cancelled", [0, 1])
def test_cancelled_waiter_takes_nothing(cancelled: int) -> None:
    async def main() -> tuple[list[float | None], int]:
        backend = exact_backend()
        t = Throttler(backend)
        spec = t.spec("Products", "ListMatchingProducts")
        key = t.key(HOST, "S", "AKID", spec)
        await admit(t, spec, [1.0] * 20)
        t0 = now()

        async def waiter() -> float:
            await t.acquire(key, spec, 1.0)
            return now() - t0

        tasks = [asyncio.create_task(waiter()) for _ in range(3)]
        await asyncio.sleep(2.0)
        tasks[cancelled].cancel()  # 0: the lock holder (sleeping on a timer); 1: queued on the lock
        results: list[float | None] = []
        for task in tasks:
            try:
                results.append(await task)
            except asyncio.CancelledError:
                results.append(None)
        state = backend._keys[key]
        assert state.queued == 0
        assert state.wakeup is None
        assert state.lock is None  # dropped once nobody waits
        return results, len(asyncio.all_tasks())

    results, tasks_left = run(main)
    expected: list[float | None] = [approx(5.0), approx(10.0)]  # type: ignore[list-item]
    expected.insert(cancelled, None)
    assert results == expected
    assert tasks_left == 1  # only main()


def test_cancelling_a_big_waiter_lets_the_next_one_in_at_once() -> None:
    async def main() -> float:
        t = exact_throttler()
        spec = t.spec("Products", "GetCompetitivePricingForASIN")
        key = t.key(HOST, "S", "AKID", spec)
        await t.acquire(key, spec, 20.0)
        t0 = now()
        big = asyncio.create_task(t.acquire(key, spec, 20.0))
        small = asyncio.create_task(t.acquire(key, spec, 1.0))
        await asyncio.sleep(0.5)
        big.cancel()
        await small
        return now() - t0

    assert run(main) == approx(0.5)


def test_cancellation_leaves_no_timers() -> None:
    async def main() -> int:
        t = exact_throttler()
        spec = t.spec("Orders", "GetOrder")
        key = t.key(HOST, "S", "AKID", spec)
        await admit(t, spec, [1.0] * 6)
        tasks = [asyncio.create_task(t.acquire(key, spec, 1.0)) for _ in range(100)]
        await asyncio.sleep(1.0)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        loop = asyncio.get_running_loop()
        return len([h for h in loop._scheduled if not h.cancelled()])  # type: ignore[attr-defined]

    assert run(main) == 0


def test_many_waiters_over_many_keys_complete_with_bounded_state() -> None:
    async def main() -> tuple[float, int, int, int]:
        backend = exact_backend(sweep_threshold=64)
        t = Throttler(backend, time_scale=60.0)  # ListOrders: 6, then 1 per second
        spec = t.spec("Orders", "ListOrders")
        keys = [t.key(HOST, f"SELLER{i}", "AKID", spec) for i in range(500)]
        t0 = now()

        async def one(i: int) -> float:
            await t.acquire(keys[i % 500], spec, 1.0)
            return now() - t0

        times = await asyncio.gather(*(one(i) for i in range(5000)))
        live_after_run = len(backend)
        await asyncio.sleep(10.0)  # every bucket refills
        evicted = backend.evict_idle()
        return max(times), live_after_run, evicted, len(asyncio.all_tasks())

    last, live, evicted, tasks_left = run(main)
    assert last == approx(4.0)  # 10 per key: 6 at once, then 1, 2, 3, 4 s
    assert live == 500
    assert evicted == 500
    assert tasks_left == 1


def test_idle_keys_are_swept_so_memory_stays_bounded() -> None:
    async def main() -> int:
        backend = exact_backend(sweep_threshold=64)
        t = Throttler(backend, time_scale=60.0)
        spec = t.spec("Orders", "ListOrders")
        peak = 0
        for i in range(3000):
            await t.acquire(t.key(HOST, f"SELLER{i}", "AKID", spec), spec, 1.0)
            peak = max(peak, len(backend))
            await asyncio.sleep(0.1)  # each key is full again 1 s after its one request
        return peak

    assert run(main) <= 64 + 1


def test_backend_used_on_a_new_loop_starts_afresh() -> None:
    backend = exact_backend()
    t = Throttler(backend)
    spec = t.spec("Orders", "GetOrder")

    async def drain() -> list[float]:
        return await admit(t, spec, [1.0] * 7)

    assert run(drain)[6] == approx(60.0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert run(drain)[6] == approx(60.0)


# -- stats, disabled, protocol ------------------------------------------------------------------------------


def test_disabled_throttler_admits_at_once_but_counts() -> None:
    async def main() -> tuple[list[float], ThrottleSummary]:
        t = Throttler(enabled=False)
        spec = t.spec("Orders", "GetOrder")
        times = await admit(t, spec, [1.0] * 50)
        key = t.key(HOST, "S", "AKID", spec)
        assert await t.acquire(key, spec, 1.0) == 0.0
        return times, t.summary()

    times, summary = run(main)
    assert times == [0.0] * 50
    assert summary.requests == 51
    assert summary.waits == 0


def test_no_throttle_backend() -> None:
    async def main() -> list[float]:
        t = Throttler(NoThrottle())
        spec = t.spec("Orders", "GetOrder")
        await t.throttled(t.key(HOST, "S", "AKID", spec), spec, 1.0)
        await t.observe(t.key(HOST, "S", "AKID", spec), spec, QuotaHeaders(1.0, 0.0))
        times = await admit(t, spec, [1.0] * 20)
        await t.aclose()
        return times

    assert run(main) == [0.0] * 20


def test_backends_satisfy_the_protocol_and_throttler_defaults() -> None:
    assert isinstance(MemoryThrottle(), ThrottleBackend)
    assert isinstance(NoThrottle(), ThrottleBackend)
    t = Throttler()
    assert isinstance(t.backend, MemoryThrottle)
    assert t.time_scale == 1.0
    assert t.enabled is True
    assert t.quotas["Orders.ListOrders"].max_quota == 6
    assert "Throttler enabled" in repr(t)
    with pytest.raises(ValueError, match="time_scale"):
        Throttler(time_scale=0)
    with pytest.raises(KeyError, match=r"Products\.Nope"):
        t.spec("Products", "Nope")


def test_aclose_forgets_state() -> None:
    async def main() -> tuple[int, int]:
        backend = exact_backend()
        t = Throttler(backend)
        await admit(t, t.spec("Orders", "GetOrder"), [1.0])
        before = len(backend)
        await t.aclose()
        return before, len(backend)

    assert run(main) == (1, 0)


def test_fake_wall_clock_follows_virtual_time() -> None:
    wall = FakeWall()

    async def main() -> timedelta:
        start = wall()
        await asyncio.sleep(90.0)
        return wall() - start

    assert run(main) == timedelta(seconds=90)


def test_a_throttle_widens_the_latency_margin_of_every_key() -> None:
    async def main() -> tuple[float, float, float, float]:
        backend = MemoryThrottle()
        t = Throttler(backend, time_scale=20.0)
        spec = t.spec("Products", "GetMatchingProductForId")  # full refill 200 ms: default hold 30 ms
        first, other = t.key(HOST, "S", "AKID", spec), t.key(HOST, "OTHER", "AKID", spec)
        await admit(t, spec, [5.0])
        await admit(t, spec, [5.0], seller="OTHER")
        before = backend._keys[first].burst.hold
        await t.throttled(first, spec, 5.0)
        await t.throttled(first, spec, 5.0)
        await asyncio.sleep(1.0)
        await admit(t, spec, [5.0], seller="OTHER")
        return before, backend._keys[other].burst.hold, backend._learned_hold, backend._hold_cap(spec, 20.0)

    before, other, learned, cap = run(main)
    assert before == approx(0.03)
    assert learned == approx(0.12)  # doubled on each throttle: 60 ms, then 120 ms ...
    assert other == approx(0.1)  # ... applied up to half the full refill (200 ms)
    assert cap == approx(0.1)


def test_a_fixed_latency_margin_does_not_learn() -> None:
    async def main() -> float:
        backend = exact_backend()
        t = Throttler(backend)
        spec = t.spec("Orders", "GetOrder")
        key = t.key(HOST, "S", "AKID", spec)
        await t.throttled(key, spec, 1.0)
        return backend._keys[key].burst.hold

    assert run(main) == 0.0


# -- many sellers: idle buckets are forgotten, and only idle ones -------------------------------------------


def test_an_idle_bucket_is_forgotten_after_it_refills_even_when_no_new_seller_comes() -> None:
    async def main() -> tuple[int, int, bool]:
        backend = exact_backend(sweep_threshold=64)
        t = Throttler(backend, time_scale=60.0)
        spec = t.spec("Orders", "ListOrders")  # 6, then 1 per second at 60x
        for i in range(200):
            await t.acquire(t.key(HOST, f"SELLER{i}", "AKID", spec), spec, 1.0)
        live_after_burst = len(backend)
        await asyncio.sleep(1.0)  # every bucket is full again
        # Only sellers already known keep calling: the sweep must not wait for a new key to come.
        busy = t.key(HOST, "SELLER0", "AKID", spec)
        for _ in range(300):
            await t.acquire(busy, spec, 1.0)
        return live_after_burst, len(backend), busy in backend._keys

    live_after_burst, live_after_traffic, busy_kept = run(main)
    assert live_after_burst == 200
    assert live_after_traffic == 1
    assert busy_kept  # the seller still calling (its bucket is not full) keeps its state


def test_a_forgotten_bucket_behaves_exactly_as_a_fresh_one() -> None:
    async def main() -> tuple[list[float], list[float], int]:
        backend = exact_backend(sweep_threshold=1)
        t = Throttler(backend)
        spec = t.spec("Products", "ListMatchingProducts")  # 20, then 1 per 5 s
        await admit(t, spec, [1.0] * 20, seller="OLD")
        await asyncio.sleep(100.0)  # full again
        forgotten = backend.evict_idle()
        again = await admit(t, spec, [1.0] * 22, seller="OLD")
        fresh = await admit(t, spec, [1.0] * 22, seller="NEW")
        return again, fresh, forgotten

    again, fresh, forgotten = run(main)
    assert forgotten == 1
    assert again == fresh
    assert again[:20] == [0.0] * 20  # the whole burst at once
    assert again[20:] == [approx(5.0), approx(10.0)]


def test_buckets_with_waiters_hourly_use_or_an_hourly_window_are_kept() -> None:
    async def main() -> tuple[int, set[str], float, float]:
        backend = exact_backend(sweep_threshold=1, wall_clock=FakeWall())
        wall = FakeWall()
        t = Throttler(backend, wall_clock=wall)
        orders = t.spec("Orders", "GetOrder")  # 6, then 1 per minute
        products = t.spec("Products", "GetMatchingProductForId")  # 20 items, +5/s, 18000 requests an hour
        waited = t.key(HOST, "WAITED", "AKID", orders)
        hourly = t.key(HOST, "HOURLY", "AKID", products)
        window = t.key(HOST, "WINDOW", "AKID", orders)
        lists = t.spec("Products", "ListMatchingProducts")  # 20, then 1 per 5 s
        idle = t.key(HOST, "IDLE", "AKID", lists)
        await admit(t, orders, [1.0] * 6, seller="WAITED")
        waiter = asyncio.create_task(t.acquire(waited, orders, 1.0))  # waits 60 s for a token
        await t.acquire(hourly, products, 1.0)  # burst full again in 0.2 s, hourly bucket in 0.2 s too
        await t.acquire(window, orders, 1.0)
        # The server says: 0 left in this window, reset in 30 minutes. Nothing else tells us that.
        await t.observe(window, orders, QuotaHeaders(max=None, remaining=0.0, resets_on=wall.at(1800.0)))
        await t.acquire(idle, lists, 1.0)
        await asyncio.sleep(59.0)  # every burst bucket but WAITED's is full; WAITED still has its waiter
        evicted = backend.evict_idle()
        kept = {k.seller_id for k in backend._keys}
        await waiter
        t0 = now()
        await t.acquire(window, orders, 1.0)  # the window still holds it until the reset
        window_wait = now() - t0
        return evicted, kept, window_wait, 1800.0 - (t0 - 1000.0)

    evicted, kept, window_wait, until_reset = run(main)
    assert kept == {"WAITED", "WINDOW"}
    assert evicted == 2  # HOURLY (both its buckets full again) and IDLE
    assert window_wait == approx(until_reset)


def test_live_buckets_stay_bounded_while_ten_thousand_sellers_come_and_go() -> None:
    async def main() -> tuple[int, int]:
        backend = exact_backend()  # the default sweep threshold
        t = Throttler(backend, time_scale=60.0)
        spec = t.spec("Orders", "ListOrders")
        peak = 0
        for i in range(10_000):
            await t.acquire(t.key(HOST, f"SELLER{i}", "AKID", spec), spec, 1.0)
            peak = max(peak, len(backend))
            await asyncio.sleep(0.01)  # each key is full again 1 s (100 sellers) after its one request
        return peak, len(backend)

    peak, _ = run(main)
    assert peak <= backend_default_threshold() + 1


def backend_default_threshold() -> int:
    return MemoryThrottle().sweep_threshold


def test_keys_of_one_group_share_the_group_name() -> None:
    t = Throttler()
    spec = t.spec("Products", "GetMatchingProductForId")
    a = t.key(HOST, "SELLER1", "AKID", spec)
    b = t.key(HOST, "SELLER2", "AKID", spec)
    assert a.group == b.group == "Products.GetMatchingProductForId"
    assert a.group is b.group  # one string for 10,000 sellers' keys, not one each


def test_counters_of_sellers_gone_quiet_are_folded_into_the_summary() -> None:
    async def main() -> tuple[set[str], ThrottleSummary, int, int]:
        t = Throttler(exact_backend(), stats_ttl=100.0)
        spec = t.spec("Orders", "ListOrders")
        for i in range(50):
            await t.acquire(t.key(HOST, f"QUIET{i}", "AKID", spec), spec, 1.0)
        busy = t.key(HOST, "BUSY", "AKID", spec)
        for _ in range(4):  # the quiet ones make no call for 400 s, BUSY one every 100 s
            await asyncio.sleep(100.0)
            await t.acquire(busy, spec, 1.0)
        live = {k.seller_id for k in t.stats()}
        summary = t.summary()
        back = t.key(HOST, "QUIET0", "AKID", spec)
        await t.acquire(back, spec, 1.0)  # a quiet seller returns: counted afresh, totals stay exact
        return live, summary, t.stats()[back].requests, t.summary().requests

    live, summary, back_requests, total = run(main)
    assert live == {"BUSY"}
    assert (summary.requests, summary.items, summary.keys) == (54, 54.0, 51)
    assert back_requests == 1
    assert total == 55


def test_stats_are_kept_for_keys_used_within_the_ttl() -> None:
    async def main() -> set[str]:
        t = Throttler(exact_backend(), stats_ttl=100.0)
        spec = t.spec("Orders", "ListOrders")
        for i in range(10):
            await t.acquire(t.key(HOST, f"S{i}", "AKID", spec), spec, 1.0)
            await asyncio.sleep(19.0)  # S0 was last used 190 s ago, within two rotations of 100 s
        return {k.seller_id for k in t.stats()}

    assert run(main) >= {f"S{i}" for i in range(5, 10)}
