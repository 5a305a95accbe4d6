"""MemoryThrottle + Throttler on virtual time: documented arithmetic, groups, gates, hourly, cancellation."""

from __future__ import annotations

import asyncio
import warnings
from datetime import timedelta

import pytest
from throttle.throttle_support import HOST, TABLE, FakeWall, exact_backend, exact_throttler, now, run

from mws_async.errors import QuotaCostError
from mws_async.throttle import (
    KeyStats,
    MemoryThrottle,
    NoThrottle,
    QuotaHeaders,
    QuotaSpec,
    ThrottleBackend,
    ThrottleKey,
    Throttler,
    ThrottleSummary,
)


def approx(value: float) -> object:
    return pytest.approx(value, abs=1e-6)


async def admit(
    throttler: Throttler, spec: QuotaSpec, costs: list[float], *, seller: str = "S"
) -> list[float]:
    """Start one acquire per cost, in order, at the same instant; return admission times (relative)."""
    key = throttler.key(HOST, seller, "AKID", spec)
    t0 = now()

    async def one(cost: float) -> float:
        await throttler.acquire(key, spec, cost)
        return now() - t0

    return list(await asyncio.gather(*(one(c) for c in costs)))


# -- burst then restore -------------------------------------------------------------------------------------


def test_per_request_burst_then_one_per_five_seconds() -> None:
    async def main() -> list[float]:
        t = exact_throttler()
        return await admit(t, t.spec("Products", "ListMatchingProducts"), [1.0] * 23)

    times = run(main)
    assert times[:20] == [0.0] * 20
    assert times[20:] == [approx(5.0), approx(10.0), approx(15.0)]


def test_per_item_worked_example_of_the_reference() -> None:
    """mws-api.md section 3: GetMatchingProductForId, 20 items, +5 items/s."""

    async def main() -> tuple[list[float], float, float]:
        t = exact_throttler()
        spec = t.spec("Products", "GetMatchingProductForId")
        key = t.key(HOST, "S", "AKID", spec)
        t0 = now()
        # Four 5-Id calls drain the bucket; the fifth (throttled at the server at 0.0) is admitted at 1.0.
        first = await admit(t, spec, [t.cost(spec, 5)] * 5)
        await asyncio.sleep(1.2 - (now() - t0))
        await t.acquire(key, spec, t.cost(spec, 1))  # 1 -> 0 at 1.2
        single = now() - t0
        await asyncio.sleep(1.4 - (now() - t0))
        await t.acquire(key, spec, t.cost(spec, 5))  # 1 of 5 at 1.4: admissible at 2.2
        return first, single, now() - t0

    first, single, last = run(main)
    assert first == [0.0, 0.0, 0.0, 0.0, approx(1.0)]
    assert single == approx(1.2)
    assert last == approx(2.2)


def test_sustained_single_items_run_at_five_per_second() -> None:
    async def main() -> list[float]:
        t = exact_throttler()
        return await admit(t, t.spec("Products", "GetMatchingProductForId"), [1.0] * 30)

    times = run(main)
    assert times[19] == 0.0
    assert [round(x, 6) for x in times[20:]] == [round(0.2 * i, 6) for i in range(1, 11)]


def test_time_scale_multiplies_the_restore_rate() -> None:
    async def main() -> list[float]:
        t = exact_throttler(time_scale=10.0)
        return await admit(t, t.spec("Products", "ListMatchingProducts"), [1.0] * 22)

    times = run(main)
    assert times[20:] == [approx(0.5), approx(1.0)]


def test_default_margins_are_conservative_and_small() -> None:
    async def main() -> list[float]:
        t = Throttler(wall_clock=FakeWall())
        return await admit(t, t.spec("Products", "ListMatchingProducts"), [1.0] * 22)

    times = run(main)
    # hold = min(0.25 s, 2 % of 100 s) = 0.25 s; rate 0.5 % lower. Only the last unit of the burst waits
    # for the hold; the rest of the schedule is shifted by it once.
    assert times[:19] == [0.0] * 19
    assert times[19] == approx(0.25)
    assert times[20] == approx(0.25 + 5.0 / 0.995)
    assert times[21] == approx(0.25 + 10.0 / 0.995)


# -- fairness -----------------------------------------------------------------------------------------------


def test_fifo_a_big_batch_is_not_starved_by_later_small_calls() -> None:
    async def main() -> tuple[float, float]:
        t = exact_throttler()
        spec = t.spec("Products", "GetCompetitivePricingForASIN")  # 20 items, +10/s
        key = t.key(HOST, "S", "AKID", spec)
        await t.acquire(key, spec, 20.0)  # empty at 0
        t0 = now()
        big = asyncio.create_task(t.acquire(key, spec, 20.0))
        await asyncio.sleep(0.5)  # 5 items are free now, but the big batch came first
        await t.acquire(key, spec, 1.0)
        small_at = now() - t0
        await big
        return small_at, big.result()

    small_at, big_waited = run(main)
    assert big_waited == approx(2.0)
    assert small_at == approx(2.1)


# -- groups, overrides, cost --------------------------------------------------------------------------------


def test_sku_and_asin_twins_share_one_bucket() -> None:
    async def main() -> float:
        t = exact_throttler()
        sku = t.spec("Products", "GetCompetitivePricingForSKU")
        asin = t.spec("Products", "GetCompetitivePricingForASIN")
        assert t.key(HOST, "S", "AKID", sku) == t.key(HOST, "S", "AKID", asin)
        await t.acquire(t.key(HOST, "S", "AKID", sku), sku, 20.0)
        t0 = now()
        await t.acquire(t.key(HOST, "S", "AKID", asin), asin, 10.0)
        return now() - t0

    assert run(main) == approx(1.0)


def test_list_orders_and_by_next_token_share_one_bucket() -> None:
    async def main() -> list[float]:
        t = exact_throttler()
        base = t.spec("Orders", "ListOrders")
        follow = t.spec("Orders", "ListOrdersByNextToken")
        key = t.key(HOST, "S", "AKID", base)
        assert key == t.key(HOST, "S", "AKID", follow)
        t0 = now()
        times = []
        for spec in [base, follow] * 4:
            await t.acquire(key, spec, 1.0)
            times.append(now() - t0)
        return times

    assert run(main) == [0.0] * 6 + [approx(60.0), approx(120.0)]


def test_unshared_operations_and_sellers_have_separate_buckets() -> None:
    async def main() -> list[float]:
        t = exact_throttler()
        events = t.spec("Finances", "ListFinancialEvents")
        follow = t.spec("Finances", "ListFinancialEventsByNextToken")
        assert t.key(HOST, "S", "AKID", events) != t.key(HOST, "S", "AKID", follow)
        a = await admit(t, events, [1.0] * 30)
        b = await admit(t, follow, [1.0] * 30)
        c = await admit(t, events, [1.0] * 30, seller="OTHER")
        return a + b + c

    assert run(main) == [0.0] * 90


def test_override_changes_capacity() -> None:
    async def main() -> list[float]:
        quotas = TABLE.override("Products", "GetMatchingProductForId", max_quota=40)
        t = exact_throttler(quotas=quotas)
        return await admit(t, t.spec("Products", "GetMatchingProductForId"), [5.0] * 9)

    times = run(main)
    assert times[:8] == [0.0] * 8
    assert times[8] == approx(1.0)


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


def test_acquire_over_capacity_fails_at_once_even_when_others_wait() -> None:
    async def main() -> float:
        t = exact_throttler()
        spec = t.spec("Products", "GetLowestPricedOffersForASIN")  # 10 items
        key = t.key(HOST, "S", "AKID", spec)
        await t.acquire(key, spec, 10.0)
        waiter = asyncio.create_task(t.acquire(key, spec, 10.0))
        await asyncio.sleep(0)
        t0 = now()
        with pytest.raises(QuotaCostError, match=r"Products\.GetLowestPricedOffers"):
            await t.acquire(key, spec, 11.0)
        with pytest.raises(QuotaCostError):
            await t.backend.acquire(key, spec, 11.0, 1.0)
        elapsed = now() - t0
        await waiter
        return elapsed

    assert run(main) == 0.0


# -- hourly quota -------------------------------------------------------------------------------------------


def test_hourly_quota_caps_requests_not_items() -> None:
    async def main() -> list[float]:
        quotas = TABLE.override("Products", "GetMatchingProductForId", hourly=3)
        t = exact_throttler(quotas=quotas)
        # 1-item requests: the burst bucket would allow 20, the hourly quota allows 3, then 1 per 1200 s.
        return await admit(t, t.spec("Products", "GetMatchingProductForId"), [1.0] * 5)

    assert run(main) == [0.0, 0.0, 0.0, approx(1200.0), approx(2400.0)]


def test_hourly_quota_window_is_scaled() -> None:
    async def main() -> list[float]:
        quotas = TABLE.override("Products", "ListMatchingProducts", hourly=2)
        t = exact_throttler(quotas=quotas, time_scale=100.0)
        return await admit(t, t.spec("Products", "ListMatchingProducts"), [1.0] * 3)

    assert run(main) == [0.0, 0.0, approx(18.0)]


# -- 503 RequestThrottled: mark_empty -----------------------------------------------------------------------


def test_throttled_marks_empty_and_returns_the_restore_time() -> None:
    async def main() -> tuple[float, float, float]:
        t = exact_throttler()
        spec = t.spec("Products", "ListMatchingProducts")
        key = t.key(HOST, "S", "AKID", spec)
        await t.acquire(key, spec, 1.0)  # the bucket still holds 19 as far as we know
        pause = await t.throttled(key, spec, 1.0)
        t0 = now()
        await t.acquire(key, spec, 1.0)  # another request: empty at mark time, 1 unit after 5 s
        first = now() - t0
        await t.acquire(key, spec, 1.0)
        return pause, first, now() - t0

    pause, first, second = run(main)
    assert pause == approx(5.0)
    assert first == approx(5.0)
    assert second == approx(10.0)


def test_mark_empty_pauses_other_waiters_already_waiting() -> None:
    async def main() -> list[float]:
        backend = exact_backend()
        t = Throttler(backend)
        spec = t.spec("Products", "ListMatchingProducts")
        key = t.key(HOST, "S", "AKID", spec)
        await admit(t, spec, [1.0] * 20)  # empty at 0
        t0 = now()

        async def waiter() -> float:
            await t.acquire(key, spec, 1.0)
            return now() - t0

        tasks = [asyncio.create_task(waiter()) for _ in range(2)]  # would be admitted at 5 and 10
        await asyncio.sleep(1.0)
        await backend.mark_empty(key, spec, 10.0, 1.0)  # someone else was throttled at 1.0
        return [await task for task in tasks]

    # Gate until 11; by then the bucket drained at 1.0 holds 2 units: both pass at 11.
    assert run(main) == [approx(11.0), approx(11.0)]


def test_gate_on_one_key_leaves_other_keys_alone() -> None:
    async def main() -> float:
        t = exact_throttler()
        spec = t.spec("Products", "ListMatchingProducts")
        await t.throttled(t.key(HOST, "S", "AKID", spec), spec, 1.0)
        t0 = now()
        await t.acquire(t.key(HOST, "OTHER", "AKID", spec), spec, 1.0)
        return now() - t0

    assert run(main) == 0.0


# -- 503 QuotaExceeded and quota headers --------------------------------------------------------------------


def test_quota_exceeded_waits_until_resets_on() -> None:
    async def main() -> tuple[float, float]:
        wall = FakeWall()
        t = exact_throttler(wall_clock=wall)
        spec = t.spec("Products", "GetMatchingProductForId")
        key = t.key(HOST, "S", "AKID", spec)
        pause = await t.throttled(key, spec, 5.0, quota_exceeded=True, resets_on=wall.at(120.0))
        t0 = now()
        await t.acquire(key, spec, 5.0)
        return pause, now() - t0

    assert run(main) == (approx(120.0), approx(120.0))


def test_quota_exceeded_reset_is_bounded_by_the_scaled_hour() -> None:
    async def main() -> tuple[float, float]:
        wall = FakeWall()
        t = exact_throttler(wall_clock=wall, time_scale=100.0)
        spec = t.spec("Feeds", "SubmitFeed")
        key = t.key(HOST, "S", "AKID", spec)
        # An unscaled reset 50 minutes ahead: the scaled hour is 36 s, so it cannot be further than that.
        pause = await t.throttled(key, spec, 1.0, quota_exceeded=True, resets_on=wall.at(3000.0))
        t0 = now()
        await t.acquire(key, spec, 1.0)
        return pause, now() - t0

    assert run(main) == (approx(36.0), approx(36.0))


def test_quota_exceeded_without_reset_waits_one_hourly_restore() -> None:
    async def main() -> tuple[float, float]:
        t = exact_throttler()
        spec = t.spec("Products", "ListMatchingProducts")  # 720 per hour -> one per 5 s
        key = t.key(HOST, "S", "AKID", spec)
        pause = await t.throttled(key, spec, 1.0, quota_exceeded=True)
        t0 = now()
        await t.acquire(key, spec, 1.0)
        return pause, now() - t0

    assert run(main) == (approx(5.0), approx(5.0))


def test_observe_lowers_remaining_until_the_reset() -> None:
    async def main() -> list[float]:
        wall = FakeWall()
        t = exact_throttler(wall_clock=wall)
        spec = t.spec("Products", "GetMatchingProductForId")
        key = t.key(HOST, "S", "AKID", spec)
        await t.observe(key, spec, QuotaHeaders(max=18000.0, remaining=2.0, resets_on=wall.at(600.0)))
        times = await admit(t, spec, [1.0] * 4)
        assert t.stats()[key].last_headers == QuotaHeaders(18000.0, 2.0, wall.at(600.0))
        return times

    # Two left in this window; after the reset the hourly quota is whole again.
    assert run(main) == [0.0, 0.0, approx(600.0), approx(600.0)]


def test_observe_in_the_same_window_never_raises_remaining() -> None:
    async def main() -> list[float]:
        wall = FakeWall()
        t = exact_throttler(wall_clock=wall)
        spec = t.spec("Reports", "GetReportList")
        key = t.key(HOST, "S", "AKID", spec)
        reset = wall.at(300.0)
        await t.observe(key, spec, QuotaHeaders(60.0, 3.0, reset))
        await t.observe(key, spec, QuotaHeaders(60.0, 50.0, reset))  # late / reordered response
        return await admit(t, spec, [1.0] * 4)

    assert run(main) == [0.0, 0.0, 0.0, approx(300.0)]


def test_observe_remaining_above_the_local_estimate_is_not_trusted() -> None:
    async def main() -> list[float]:
        wall = FakeWall()
        quotas = TABLE.override("Products", "ListMatchingProducts", hourly=2)
        t = exact_throttler(wall_clock=wall, quotas=quotas)
        spec = t.spec("Products", "ListMatchingProducts")
        key = t.key(HOST, "S", "AKID", spec)
        await admit(t, spec, [1.0] * 2)  # hourly used up locally (next in 1800 s)
        await t.observe(key, spec, QuotaHeaders(2.0, 1.0, wall.at(600.0)))  # in-flight ones not yet counted
        return await admit(t, spec, [1.0])

    assert run(main) == [approx(600.0)]


def test_observe_max_adopts_the_accounts_real_hourly_quota() -> None:
    async def main() -> list[float]:
        quotas = TABLE.override("Products", "ListMatchingProducts", hourly=2)
        t = exact_throttler(quotas=quotas)
        spec = t.spec("Products", "ListMatchingProducts")
        await t.observe(t.key(HOST, "S", "AKID", spec), spec, QuotaHeaders(max=8.0))  # a x4 account
        return await admit(t, spec, [1.0] * 8)

    assert run(main) == [0.0] * 8


def test_observe_remaining_zero_with_a_past_reset_still_holds() -> None:
    async def main() -> list[float]:
        wall = FakeWall()
        t = exact_throttler(wall_clock=wall)
        spec = t.spec("Products", "ListMatchingProducts")
        key = t.key(HOST, "S", "AKID", spec)
        await t.observe(key, spec, QuotaHeaders(720.0, 0.0, wall.at(-5.0)))  # our clock runs ahead
        return await admit(t, spec, [1.0])

    assert run(main) == [approx(5.0)]


def test_observe_without_headers_and_stale_windows_are_ignored() -> None:
    async def main() -> list[float]:
        wall = FakeWall()
        t = exact_throttler(wall_clock=wall)
        spec = t.spec("Products", "ListMatchingProducts")
        key = t.key(HOST, "S", "AKID", spec)
        await t.observe(key, spec, QuotaHeaders())
        await t.observe(key, spec, QuotaHeaders(720.0, 5.0, wall.at(-60.0)))  # a window already over
        return await admit(t, spec, [1.0] * 20)

    assert run(main) == [0.0] * 20


def test_new_window_from_the_server_refills_the_hourly_quota() -> None:
    async def main() -> list[float]:
        wall = FakeWall()
        quotas = TABLE.override("Products", "ListMatchingProducts", hourly=3)
        t = exact_throttler(wall_clock=wall, quotas=quotas)
        spec = t.spec("Products", "ListMatchingProducts")
        key = t.key(HOST, "S", "AKID", spec)
        await t.observe(key, spec, QuotaHeaders(3.0, 0.0, wall.at(3000.0)))
        await asyncio.sleep(10.0)
        # The server's window actually reset (our view of its reset time was off): a newer window appears.
        await t.observe(key, spec, QuotaHeaders(3.0, 2.0, wall.at(3500.0)))
        return await admit(t, spec, [1.0] * 3)

    assert run(main) == [0.0, 0.0, approx(3490.0)]


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
        assert not state.lock.locked()
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


def test_stats_are_exact() -> None:
    async def main() -> tuple[dict[ThrottleKey, KeyStats], ThrottleSummary, ThrottleKey, ThrottleKey]:
        wall = FakeWall()
        t = exact_throttler(wall_clock=wall)
        items = t.spec("Products", "GetMatchingProductForId")
        orders = t.spec("Orders", "ListOrders")
        k_items = t.key(HOST, "S", "AKID", items)
        k_orders = t.key(HOST, "S", "AKID", orders)
        await admit(t, items, [5.0, 5.0, 5.0, 5.0, 5.0, 2.0])  # waits: 1.0 and 1.4 s
        await admit(t, orders, [1.0] * 7)  # one wait of 60 s
        await t.throttled(k_items, items, 5.0)
        await t.throttled(k_orders, orders, 1.0)
        await t.throttled(k_items, items, 5.0, quota_exceeded=True, resets_on=wall.at(10_000.0))
        return t.stats(), t.summary(), k_items, k_orders

    stats, summary, k_items, k_orders = run(main)
    a, b = stats[k_items], stats[k_orders]
    assert (a.requests, a.items, a.waits, a.throttled, a.quota_exceeded) == (6, 27.0, 2, 1, 1)
    assert a.total_wait == approx(2.4)
    assert a.max_wait == approx(1.4)
    assert (b.requests, b.items, b.waits, b.throttled, b.quota_exceeded) == (7, 7.0, 1, 1, 0)
    assert b.max_wait == approx(60.0)
    assert summary.requests == 13
    assert summary.items == 34.0
    assert summary.throttled == 2
    assert summary.quota_exceeded == 1
    assert summary.waits == 3
    assert summary.total_wait == approx(62.4)
    assert summary.max_wait == approx(60.0)
    assert summary.keys == 2


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
    assert learned == approx(0.12)  # doubled on each throttle: 60 ms, then 120 ms
    assert other == approx(0.12)
    assert cap == approx(0.2)


def test_a_fixed_latency_margin_does_not_learn() -> None:
    async def main() -> float:
        backend = exact_backend()
        t = Throttler(backend)
        spec = t.spec("Orders", "GetOrder")
        key = t.key(HOST, "S", "AKID", spec)
        await t.throttled(key, spec, 1.0)
        return backend._keys[key].burst.hold

    assert run(main) == 0.0
