"""The throttle semantics every backend must reproduce, as one table of cases run against each backend.

Each :class:`Case` is an async scenario driven by a :class:`~mws_async.throttle.Throttler` that ``make``
builds (exact arithmetic: no safety margins, unless ``exact=False``) and the value it must return, with
times relative to the scenario's start on a virtual clock. ``tests/throttle/test_throttle_memory.py`` runs
the table against :class:`~mws_async.throttle.MemoryThrottle` on :class:`VirtualTimeLoop`;
``tests/throttle/test_throttle_redis.py`` runs it against :class:`~mws_async.throttle.RedisThrottle` and a
real ``redis-server``, where the Lua script takes the virtual time as its ``now`` override
(:class:`IOVirtualTimeLoop` freezes the virtual clock while a Redis command is in flight).
"""

from __future__ import annotations

import asyncio
import selectors
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol, TypeVar

import pytest
from throttle.throttle_support import HOST, START, TABLE, FakeWall, VirtualTimeLoop, now

from mws_async.errors import QuotaCostError
from mws_async.throttle import QuotaHeaders, QuotaSpec, QuotaTable, Throttler

T = TypeVar("T")


def approx(value: float) -> Any:
    return pytest.approx(value, abs=1e-6)


class Make(Protocol):
    """Builds a throttler on the backend under test (exact arithmetic unless ``exact=False``)."""

    def __call__(
        self,
        *,
        quotas: QuotaTable | None = None,
        time_scale: float = 1.0,
        wall_clock: Callable[[], datetime] | None = None,
        exact: bool = True,
    ) -> Throttler: ...


@dataclass(frozen=True)
class Case:
    """One scenario: ``run(make)`` must return ``expected`` (which may hold ``approx`` values)."""

    name: str
    run: Callable[[Make], Awaitable[object]]
    expected: object

    def __str__(self) -> str:
        return self.name


async def admit(
    throttler: Throttler, spec: QuotaSpec, costs: Sequence[float], *, seller: str = "S"
) -> list[float]:
    """Start one acquire per cost, in order, at the same instant; return admission times (relative)."""
    key = throttler.key(HOST, seller, "AKID", spec)
    t0 = now()

    async def one(cost: float) -> float:
        await throttler.acquire(key, spec, cost)
        return now() - t0

    return list(await asyncio.gather(*(one(c) for c in costs)))


# -- burst then restore -------------------------------------------------------------------------------------


async def _per_request_burst(make: Make) -> list[float]:
    t = make()
    return await admit(t, t.spec("Products", "ListMatchingProducts"), [1.0] * 23)


async def _per_item_worked_example(make: Make) -> tuple[list[float], float, float]:
    """mws-api.md section 3: GetMatchingProductForId, 20 items, +5 items/s."""
    t = make()
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


async def _sustained_single_items(make: Make) -> list[float]:
    t = make()
    times = await admit(t, t.spec("Products", "GetMatchingProductForId"), [1.0] * 30)
    return [round(x, 6) for x in times]


async def _time_scale(make: Make) -> list[float]:
    t = make(time_scale=10.0)
    return (await admit(t, t.spec("Products", "ListMatchingProducts"), [1.0] * 22))[20:]


async def _default_margins(make: Make) -> list[float]:
    t = make(wall_clock=FakeWall(), exact=False)
    return await admit(t, t.spec("Products", "ListMatchingProducts"), [1.0] * 22)


async def _fifo_big_batch(make: Make) -> tuple[float, float]:
    t = make()
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


# -- groups, overrides, cost --------------------------------------------------------------------------------


async def _sku_asin_twins(make: Make) -> float:
    t = make()
    sku = t.spec("Products", "GetCompetitivePricingForSKU")
    asin = t.spec("Products", "GetCompetitivePricingForASIN")
    assert t.key(HOST, "S", "AKID", sku) == t.key(HOST, "S", "AKID", asin)
    await t.acquire(t.key(HOST, "S", "AKID", sku), sku, 20.0)
    t0 = now()
    await t.acquire(t.key(HOST, "S", "AKID", asin), asin, 10.0)
    return now() - t0


async def _list_orders_group(make: Make) -> list[float]:
    t = make()
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


async def _separate_buckets(make: Make) -> list[float]:
    t = make()
    events = t.spec("Finances", "ListFinancialEvents")
    follow = t.spec("Finances", "ListFinancialEventsByNextToken")
    assert t.key(HOST, "S", "AKID", events) != t.key(HOST, "S", "AKID", follow)
    a = await admit(t, events, [1.0] * 30)
    b = await admit(t, follow, [1.0] * 30)
    c = await admit(t, events, [1.0] * 30, seller="OTHER")
    return a + b + c


async def _override_capacity(make: Make) -> list[float]:
    t = make(quotas=TABLE.override("Products", "GetMatchingProductForId", max_quota=40))
    return await admit(t, t.spec("Products", "GetMatchingProductForId"), [5.0] * 9)


async def _over_capacity(make: Make) -> float:
    t = make()
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


# -- hourly quota -------------------------------------------------------------------------------------------


async def _hourly_requests_not_items(make: Make) -> list[float]:
    t = make(quotas=TABLE.override("Products", "GetMatchingProductForId", hourly=3))
    # 1-item requests: the burst bucket would allow 20, the hourly quota allows 3, then 1 per 1200 s.
    return await admit(t, t.spec("Products", "GetMatchingProductForId"), [1.0] * 5)


async def _hourly_scaled(make: Make) -> list[float]:
    t = make(quotas=TABLE.override("Products", "ListMatchingProducts", hourly=2), time_scale=100.0)
    return await admit(t, t.spec("Products", "ListMatchingProducts"), [1.0] * 3)


# -- 503 RequestThrottled: mark_empty -----------------------------------------------------------------------


async def _throttled_marks_empty(make: Make) -> tuple[float, float, float]:
    t = make()
    spec = t.spec("Products", "ListMatchingProducts")
    key = t.key(HOST, "S", "AKID", spec)
    await t.acquire(key, spec, 1.0)  # the bucket still holds 19 as far as we know
    pause = await t.throttled(key, spec, 1.0)
    t0 = now()
    await t.acquire(key, spec, 1.0)  # another request: empty at mark time, 1 unit after 5 s
    first = now() - t0
    await t.acquire(key, spec, 1.0)
    return pause, first, now() - t0


async def _mark_empty_pauses_waiters(make: Make) -> list[float]:
    t = make()
    backend = t.backend
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


async def _gate_is_per_key(make: Make) -> float:
    t = make()
    spec = t.spec("Products", "ListMatchingProducts")
    await t.throttled(t.key(HOST, "S", "AKID", spec), spec, 1.0)
    t0 = now()
    await t.acquire(t.key(HOST, "OTHER", "AKID", spec), spec, 1.0)
    return now() - t0


# -- 503 QuotaExceeded and quota headers --------------------------------------------------------------------


async def _quota_exceeded_until_reset(make: Make) -> tuple[float, float]:
    wall = FakeWall()
    t = make(wall_clock=wall)
    spec = t.spec("Products", "GetMatchingProductForId")
    key = t.key(HOST, "S", "AKID", spec)
    pause = await t.throttled(key, spec, 5.0, quota_exceeded=True, resets_on=wall.at(120.0))
    t0 = now()
    await t.acquire(key, spec, 5.0)
    return pause, now() - t0


async def _quota_exceeded_scaled_hour(make: Make) -> tuple[float, float]:
    wall = FakeWall()
    t = make(wall_clock=wall, time_scale=100.0)
    spec = t.spec("Feeds", "SubmitFeed")
    key = t.key(HOST, "S", "AKID", spec)
    # An unscaled reset 50 minutes ahead: the scaled hour is 36 s, so it cannot be further than that.
    pause = await t.throttled(key, spec, 1.0, quota_exceeded=True, resets_on=wall.at(3000.0))
    t0 = now()
    await t.acquire(key, spec, 1.0)
    return pause, now() - t0


async def _quota_exceeded_no_reset(make: Make) -> tuple[float, float]:
    t = make()
    spec = t.spec("Products", "ListMatchingProducts")  # 720 per hour -> one per 5 s
    key = t.key(HOST, "S", "AKID", spec)
    pause = await t.throttled(key, spec, 1.0, quota_exceeded=True)
    t0 = now()
    await t.acquire(key, spec, 1.0)
    return pause, now() - t0


async def _headers_lower_remaining(make: Make) -> list[float]:
    wall = FakeWall()
    t = make(wall_clock=wall)
    spec = t.spec("Products", "GetMatchingProductForId")
    key = t.key(HOST, "S", "AKID", spec)
    await t.observe(key, spec, QuotaHeaders(max=18000.0, remaining=2.0, resets_on=wall.at(600.0)))
    times = await admit(t, spec, [1.0] * 4)
    assert t.stats()[key].last_headers == QuotaHeaders(18000.0, 2.0, wall.at(600.0))
    # Two left in this window; after the reset the hourly quota is whole again.
    return times


async def _headers_same_window_never_raise(make: Make) -> list[float]:
    wall = FakeWall()
    t = make(wall_clock=wall)
    spec = t.spec("Reports", "GetReportList")
    key = t.key(HOST, "S", "AKID", spec)
    reset = wall.at(300.0)
    await t.observe(key, spec, QuotaHeaders(60.0, 3.0, reset))
    await t.observe(key, spec, QuotaHeaders(60.0, 50.0, reset))  # late / reordered response
    return await admit(t, spec, [1.0] * 4)


async def _headers_above_local_estimate(make: Make) -> list[float]:
    wall = FakeWall()
    t = make(wall_clock=wall, quotas=TABLE.override("Products", "ListMatchingProducts", hourly=2))
    spec = t.spec("Products", "ListMatchingProducts")
    key = t.key(HOST, "S", "AKID", spec)
    await admit(t, spec, [1.0] * 2)  # hourly used up locally (next in 1800 s)
    await t.observe(key, spec, QuotaHeaders(2.0, 1.0, wall.at(600.0)))  # in-flight ones not yet counted
    return await admit(t, spec, [1.0])


async def _headers_max_adopted(make: Make) -> list[float]:
    t = make(quotas=TABLE.override("Products", "ListMatchingProducts", hourly=2))
    spec = t.spec("Products", "ListMatchingProducts")
    await t.observe(t.key(HOST, "S", "AKID", spec), spec, QuotaHeaders(max=8.0))  # a x4 account
    return await admit(t, spec, [1.0] * 8)


async def _headers_zero_past_reset(make: Make) -> list[float]:
    wall = FakeWall()
    t = make(wall_clock=wall)
    spec = t.spec("Products", "ListMatchingProducts")
    key = t.key(HOST, "S", "AKID", spec)
    await t.observe(key, spec, QuotaHeaders(720.0, 0.0, wall.at(-5.0)))  # our clock runs ahead
    return await admit(t, spec, [1.0])


async def _headers_absent_or_stale(make: Make) -> list[float]:
    wall = FakeWall()
    t = make(wall_clock=wall)
    spec = t.spec("Products", "ListMatchingProducts")
    key = t.key(HOST, "S", "AKID", spec)
    await t.observe(key, spec, QuotaHeaders())
    await t.observe(key, spec, QuotaHeaders(720.0, 5.0, wall.at(-60.0)))  # a window already over
    return await admit(t, spec, [1.0] * 20)


async def _headers_new_window(make: Make) -> list[float]:
    wall = FakeWall()
    t = make(wall_clock=wall, quotas=TABLE.override("Products", "ListMatchingProducts", hourly=3))
    spec = t.spec("Products", "ListMatchingProducts")
    key = t.key(HOST, "S", "AKID", spec)
    await t.observe(key, spec, QuotaHeaders(3.0, 0.0, wall.at(3000.0)))
    await asyncio.sleep(10.0)
    # The server's window actually reset (our view of its reset time was off): a newer window appears.
    await t.observe(key, spec, QuotaHeaders(3.0, 2.0, wall.at(3500.0)))
    return await admit(t, spec, [1.0] * 3)


# -- re-timing: new numbers for a key reach the requests already waiting on it ----------------------------

#: An SP-API-like plan: burst 10, 0.5 requests per second.
_PLAN = QuotaSpec("SPAPI", "getItemOffers", 10, 0.5, 1.0)


async def _retimed_waiters(make: Make, restore_amount: float) -> list[float]:
    """Five waiters queued on an empty bucket; at 1.0 the key's rate becomes ``restore_amount`` per second."""
    t = make()
    key = t.key(HOST, "S", "AKID", _PLAN)
    await admit(t, _PLAN, [1.0] * 10)  # empty at 0: at 0.5/s the waiters would pass at 2, 4, 6, 8, 10
    t0 = now()

    async def waiter() -> float:
        await t.acquire(key, _PLAN, 1.0)
        return now() - t0

    tasks = [asyncio.create_task(waiter()) for _ in range(5)]
    await asyncio.sleep(1.0)
    await t.update_spec(key, _PLAN.replace(restore_amount=restore_amount))
    return [await task for task in tasks]


async def _update_spec_faster(make: Make) -> list[float]:
    return await _retimed_waiters(make, 5.0)


async def _update_spec_slower(make: Make) -> list[float]:
    return await _retimed_waiters(make, 0.25)


async def _update_spec_keeps_fifo(make: Make) -> list[float]:
    """A 3-unit waiter queued before 1-unit ones still goes first after the rate changes."""
    t = make()
    key = t.key(HOST, "S", "AKID", _PLAN)
    await admit(t, _PLAN, [1.0] * 10)
    t0 = now()

    async def waiter(cost: float) -> float:
        await t.acquire(key, _PLAN, cost)
        return now() - t0

    tasks = [asyncio.create_task(waiter(c)) for c in (3.0, 1.0, 1.0)]
    await asyncio.sleep(1.0)
    await t.update_spec(key, _PLAN.replace(restore_amount=5.0))
    return [await task for task in tasks]


async def _update_spec_smaller_than_a_waiter(make: Make) -> tuple[str, float]:
    """A waiting request larger than the key's new capacity fails typed; the one behind it goes on."""
    t = make()
    key = t.key(HOST, "S", "AKID", _PLAN)
    await admit(t, _PLAN, [1.0] * 10)
    t0 = now()
    big = asyncio.create_task(t.acquire(key, _PLAN, 5.0))
    small = asyncio.create_task(t.acquire(key, _PLAN, 1.0))
    await asyncio.sleep(1.0)
    await t.update_spec(key, _PLAN.replace(max_quota=2.0, restore_amount=5.0))
    with pytest.raises(QuotaCostError) as info:
        await big
    await small
    return str(info.value.group), now() - t0


async def _hourly_max_retimes_waiters(make: Make) -> float:
    t = make(quotas=TABLE.override("Products", "ListMatchingProducts", hourly=2))
    spec = t.spec("Products", "ListMatchingProducts")
    key = t.key(HOST, "S", "AKID", spec)
    await admit(t, spec, [1.0] * 2)  # the hourly quota is used up: the next one would pass at 1800
    t0 = now()
    waiter = asyncio.create_task(t.acquire(key, spec, 1.0))
    await asyncio.sleep(10.0)
    await t.observe(key, spec, QuotaHeaders(max=8.0))  # a x4 account: 6 requests are free now
    await waiter
    return now() - t0


async def _hourly_new_window_retimes_waiters(make: Make) -> list[float]:
    wall = FakeWall()
    t = make(wall_clock=wall, quotas=TABLE.override("Products", "ListMatchingProducts", hourly=3))
    spec = t.spec("Products", "ListMatchingProducts")
    key = t.key(HOST, "S", "AKID", spec)
    await t.observe(key, spec, QuotaHeaders(3.0, 0.0, wall.at(3000.0)))  # none left until 3000
    t0 = now()

    async def waiter() -> float:
        await t.acquire(key, spec, 1.0)
        return now() - t0

    tasks = [asyncio.create_task(waiter()) for _ in range(3)]
    await asyncio.sleep(10.0)
    # Another caller's response: the server reset already (a newer window, 2 left): two pass now.
    await t.observe(key, spec, QuotaHeaders(3.0, 2.0, wall.at(3500.0)))
    return [await task for task in tasks]


# -- stats --------------------------------------------------------------------------------------------------


async def _stats_exact(make: Make) -> tuple[object, ...]:
    wall = FakeWall()
    t = make(wall_clock=wall)
    items = t.spec("Products", "GetMatchingProductForId")
    orders = t.spec("Orders", "ListOrders")
    k_items = t.key(HOST, "S", "AKID", items)
    k_orders = t.key(HOST, "S", "AKID", orders)
    await admit(t, items, [5.0, 5.0, 5.0, 5.0, 5.0, 2.0])  # waits: 1.0 and 1.4 s
    await admit(t, orders, [1.0] * 7)  # one wait of 60 s
    await t.throttled(k_items, items, 5.0)
    await t.throttled(k_orders, orders, 1.0)
    await t.throttled(k_items, items, 5.0, quota_exceeded=True, resets_on=wall.at(10_000.0))
    a, b, summary = t.stats()[k_items], t.stats()[k_orders], t.summary()
    return (
        (a.requests, a.items, a.waits, a.throttled, a.quota_exceeded, a.total_wait, a.max_wait),
        (b.requests, b.items, b.waits, b.throttled, b.quota_exceeded, b.max_wait),
        (summary.requests, summary.items, summary.throttled, summary.quota_exceeded, summary.waits),
        (summary.total_wait, summary.max_wait, summary.keys),
    )


CASES: tuple[Case, ...] = (
    Case(
        "per_request_burst_then_one_per_five_seconds",
        _per_request_burst,
        [0.0] * 20 + [approx(5.0), approx(10.0), approx(15.0)],
    ),
    Case(
        "per_item_worked_example_of_the_reference",
        _per_item_worked_example,
        ([0.0, 0.0, 0.0, 0.0, approx(1.0)], approx(1.2), approx(2.2)),
    ),
    Case(
        "sustained_single_items_run_at_five_per_second",
        _sustained_single_items,
        [0.0] * 20 + [round(0.2 * i, 6) for i in range(1, 11)],
    ),
    Case("time_scale_multiplies_the_restore_rate", _time_scale, [approx(0.5), approx(1.0)]),
    Case(
        # hold = min(0.25 s, 2 % of 100 s) = 0.25 s; rate 0.5 % lower. Only the last unit of the burst waits
        # for the hold; the rest of the schedule is shifted by it once.
        "default_margins_are_conservative_and_small",
        _default_margins,
        [0.0] * 19 + [approx(0.25), approx(0.25 + 5.0 / 0.995), approx(0.25 + 10.0 / 0.995)],
    ),
    Case("fifo_a_big_batch_is_not_starved_by_later_small_calls", _fifo_big_batch, (approx(2.1), approx(2.0))),
    Case("sku_and_asin_twins_share_one_bucket", _sku_asin_twins, approx(1.0)),
    Case(
        "list_orders_and_by_next_token_share_one_bucket",
        _list_orders_group,
        [0.0] * 6 + [approx(60.0), approx(120.0)],
    ),
    Case("unshared_operations_and_sellers_have_separate_buckets", _separate_buckets, [0.0] * 90),
    Case("override_changes_capacity", _override_capacity, [0.0] * 8 + [approx(1.0)]),
    Case("acquire_over_capacity_fails_at_once_even_when_others_wait", _over_capacity, 0.0),
    Case(
        "hourly_quota_caps_requests_not_items",
        _hourly_requests_not_items,
        [0.0, 0.0, 0.0, approx(1200.0), approx(2400.0)],
    ),
    Case("hourly_quota_window_is_scaled", _hourly_scaled, [0.0, 0.0, approx(18.0)]),
    Case(
        "throttled_marks_empty_and_returns_the_restore_time",
        _throttled_marks_empty,
        (approx(5.0), approx(5.0), approx(10.0)),
    ),
    # Gate until 11; by then the bucket drained at 1.0 holds 2 units: both pass at 11.
    Case("mark_empty_pauses_other_waiters_already_waiting", _mark_empty_pauses_waiters, [approx(11.0)] * 2),
    Case("gate_on_one_key_leaves_other_keys_alone", _gate_is_per_key, 0.0),
    Case("quota_exceeded_waits_until_resets_on", _quota_exceeded_until_reset, (approx(120.0), approx(120.0))),
    Case(
        "quota_exceeded_reset_is_bounded_by_the_scaled_hour",
        _quota_exceeded_scaled_hour,
        (approx(36.0), approx(36.0)),
    ),
    Case(
        "quota_exceeded_without_reset_waits_one_hourly_restore",
        _quota_exceeded_no_reset,
        (approx(5.0), approx(5.0)),
    ),
    Case(
        "observe_lowers_remaining_until_the_reset",
        _headers_lower_remaining,
        [0.0, 0.0, approx(600.0), approx(600.0)],
    ),
    Case(
        "observe_in_the_same_window_never_raises_remaining",
        _headers_same_window_never_raise,
        [0.0, 0.0, 0.0, approx(300.0)],
    ),
    Case(
        "observe_remaining_above_the_local_estimate_is_not_trusted",
        _headers_above_local_estimate,
        [approx(600.0)],
    ),
    Case("observe_max_adopts_the_accounts_real_hourly_quota", _headers_max_adopted, [0.0] * 8),
    Case("observe_remaining_zero_with_a_past_reset_still_holds", _headers_zero_past_reset, [approx(5.0)]),
    Case("observe_without_headers_and_stale_windows_are_ignored", _headers_absent_or_stale, [0.0] * 20),
    Case(
        "new_window_from_the_server_refills_the_hourly_quota",
        _headers_new_window,
        [0.0, 0.0, approx(3490.0)],
    ),
    # At 1.0 the bucket holds 9.5 used units; at 5/s one unit is free at 1.1, then one every 0.2 s.
    Case(
        "update_spec_retimes_queued_waiters_to_a_faster_rate",
        _update_spec_faster,
        [approx(1.1), approx(1.3), approx(1.5), approx(1.7), approx(1.9)],
    ),
    # ... and at 0.25/s one unit is free at 3.0 (not 2.0 as the old rate said), then one every 4 s.
    Case(
        "update_spec_retimes_queued_waiters_to_a_slower_rate",
        _update_spec_slower,
        [approx(3.0), approx(7.0), approx(11.0), approx(15.0), approx(19.0)],
    ),
    Case(
        "update_spec_keeps_the_waiters_in_arrival_order",
        _update_spec_keeps_fifo,
        [approx(1.5), approx(1.7), approx(1.9)],
    ),
    # At 1.0 the 2-unit bucket holds 2 used (capped): at 5/s one unit is free at 1.2.
    Case(
        "update_spec_to_a_smaller_bucket_refuses_a_waiter_that_no_longer_fits",
        _update_spec_smaller_than_a_waiter,
        ("SPAPI.getItemOffers", approx(1.2)),
    ),
    Case("hourly_max_from_headers_retimes_queued_waiters", _hourly_max_retimes_waiters, approx(10.0)),
    Case(
        "a_newer_hourly_window_retimes_waiters_held_until_the_reset",
        _hourly_new_window_retimes_waiters,
        [approx(10.0), approx(10.0), approx(3500.0)],
    ),
    Case(
        "stats_are_exact",
        _stats_exact,
        (
            (6, 27.0, 2, 1, 1, approx(2.4), approx(1.4)),
            (7, 7.0, 1, 1, 0, approx(60.0)),
            (13, 34.0, 2, 1, 3),
            (approx(62.4), approx(60.0), 2),
        ),
    ),
)


# -- a virtual-time loop that lets real I/O (Redis) complete in zero virtual time ---------------------------


class _IOSelector(selectors.DefaultSelector):
    def __init__(self) -> None:
        super().__init__()
        self.loop: IOVirtualTimeLoop | None = None

    def select(self, timeout: float | None = None) -> list[tuple[selectors.SelectorKey, int]]:
        ready: list[tuple[selectors.SelectorKey, int]] = super().select(0)
        assert self.loop is not None
        if ready or timeout == 0:
            return ready
        if self.loop.io_pending > 0:
            # A Redis command is in flight: wait for its answer in real time; virtual time stands still.
            return super().select(1.0)
        if timeout is None:
            raise RuntimeError("virtual-time loop would block forever: nothing scheduled (deadlock)")
        self.loop.advance(timeout)
        return ready


class IOVirtualTimeLoop(VirtualTimeLoop):
    """:class:`VirtualTimeLoop` whose clock stands still while ``io_pending > 0`` (real I/O in flight)."""

    def __init__(self, start: float = START) -> None:
        selector = _IOSelector()
        asyncio.SelectorEventLoop.__init__(self, selector)
        selector.loop = self
        self._now = start
        self.creep = False
        self.io_pending = 0


def run_io(main: Callable[[], Awaitable[T]], *, start: float = START) -> T:
    """Run ``main()`` on a fresh :class:`IOVirtualTimeLoop` and close it."""
    loop = IOVirtualTimeLoop(start)

    async def wrapper() -> T:
        return await main()

    try:
        return loop.run_until_complete(wrapper())
    finally:
        loop.run_until_complete(loop.shutdown_asyncgens())
        loop.close()
