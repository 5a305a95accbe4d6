"""Orders move through their lifecycle on the sandbox's clock: forward only, each change bumping
LastUpdateDate, and ListOrders, GetOrder and ListOrderItems agree with the state at the server time."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest

from mws_async import MWSClient
from mws_async.sandbox import Sandbox, World
from mws_async.sandbox.world import DEFAULT_SELLER_ID, SellerOrders

SCALE = 1000.0
LIVE = ("Pending", "Unshipped", "PartiallyShipped")
RANK = {"Pending": 0, "Unshipped": 1, "PartiallyShipped": 2, "Shipped": 3, "Canceled": 3, "Unfulfillable": 3}
T0 = datetime(2026, 6, 1, tzinfo=UTC)


def live_world(live_from: datetime | None) -> World:
    """A small world with many orders in progress at its anchor (ten days of orders)."""
    return World(5, catalog_size=1000, order_count=400, order_days=10, live_from=live_from)


def book_of(world: World) -> SellerOrders:
    return world.orders_for(DEFAULT_SELLER_ID)


def test_an_order_observed_at_later_server_times_only_moves_forward() -> None:
    book = book_of(live_world(T0))
    moments = [T0 + timedelta(seconds=s) for s in (0, 1, 5, 20, 60, 130, 400)]
    moved = 0
    for j in range(book.order_count):
        seen = [book.order_at(j, moment, SCALE) for moment in moments]
        assert seen[0] == book.order(j)  # at the moment the world resumes: exactly the historic order
        for k in range(1, len(seen)):
            earlier, later = seen[k - 1], seen[k]
            assert RANK[later.status] >= RANK[earlier.status]
            assert later.stage >= earlier.stage
            if later.status != earlier.status:
                assert earlier.updated < later.updated <= moments[k]
        if seen[-1].status != seen[0].status:
            moved += 1
            assert seen[-1].status in ("Shipped", "Canceled")
            assert all(
                i.shipped == (i.quantity if seen[-1].status == "Shipped" else 0) for i in seen[-1].items
            )
    assert moved >= 20


def test_each_change_bumps_last_update_date_at_its_own_server_time() -> None:
    book = book_of(live_world(T0))
    live = [j for j in range(book.order_count) if book.schedule(j)]
    assert live and all(book.order(j).status in LIVE for j in live)
    for j in live:
        times = [T0 + timedelta(seconds=w / SCALE) for w, _ in book.schedule(j)]
        for k, when in enumerate(times):
            before, at = (
                book.order_at(j, when - timedelta(milliseconds=1), SCALE),
                book.order_at(j, when, SCALE),
            )
            assert at.stage == k + 1 and before.stage == k
            assert at.updated > before.updated
            assert abs((at.updated - when).total_seconds()) < 0.002


def test_a_world_without_live_from_and_settled_orders_never_change() -> None:
    frozen = book_of(live_world(None))
    assert frozen.settled_at(SCALE) is None
    later = T0 + timedelta(days=30)
    assert all(frozen.order_at(j, later, SCALE) == frozen.order(j) for j in range(frozen.order_count))
    book = book_of(live_world(T0))
    settled = [j for j in range(book.order_count) if not book.schedule(j)]
    assert settled and all(book.order(j).status not in LIVE for j in settled)
    assert all(book.order_at(j, later, SCALE) == book.order(j) for j in settled)
    # The historic orders are those of a world that does not advance.
    assert all(book.order(j) == frozen.order(j) for j in range(book.order_count))


def test_last_updated_after_queries_see_an_order_again_after_it_changed() -> None:
    book = book_of(live_world(T0))
    j = next(j for j in range(book.order_count) if book.schedule(j))
    first = book.schedule(j)[0][0] / SCALE
    old = book.order(j).updated
    change = T0 + timedelta(seconds=first)
    window = (change - timedelta(minutes=15), change + timedelta(minutes=15))
    assert j not in book.orders_updated(*window, at=change - timedelta(milliseconds=1), time_scale=SCALE)
    assert j in book.orders_updated(*window, at=change, time_scale=SCALE)
    # ... and no longer at its old LastUpdateDate.
    near_old = (old - timedelta(seconds=1), old + timedelta(seconds=1))
    assert j in book.orders_updated(*near_old, at=change - timedelta(milliseconds=1), time_scale=SCALE)
    assert j not in book.orders_updated(*near_old, at=change, time_scale=SCALE)
    settled_at = book.settled_at(SCALE)
    assert settled_at is not None and settled_at > change


@pytest.fixture
async def live_sandbox() -> AsyncIterator[Sandbox]:
    async with Sandbox(seed=5, time_scale=SCALE, world=live_world(datetime.now(UTC))) as sb:
        yield sb


async def test_get_order_list_orders_and_items_agree_with_the_state_at_the_server_time(
    live_sandbox: Sandbox,
) -> None:
    book = book_of(live_sandbox.world)
    live_ids = [book.order_id(j) for j in range(book.order_count) if book.schedule(j)]
    async with MWSClient(
        live_sandbox.credentials, base_url=live_sandbox.base_url, time_scale=SCALE
    ) as client:
        observed = datetime.now(UTC)  # server time (no clock offset yet), before the first look
        first = {o.amazon_order_id: o for o in await client.orders.get_order(live_ids[:50])}
        settled = book.settled_at(SCALE)
        assert settled is not None
        # Server time moves on (the server clock jumps ahead) until every order has settled.
        live_sandbox.faults.clock_offset = (settled - datetime.now(UTC)).total_seconds() + 1
        second = {o.amazon_order_id: o for o in await client.orders.get_order(live_ids[:50])}
        listed = {o.amazon_order_id: o async for o in client.orders.list_orders(last_updated_after=observed)}
        changed = [oid for oid in first if first[oid].order_status != second[oid].order_status]
        assert changed
        for oid, before in first.items():
            after = second[oid]
            assert before.order_status is not None and after.order_status in ("Shipped", "Canceled")
            assert RANK[after.order_status] >= RANK[before.order_status]
            assert after.last_update_date is not None and before.last_update_date is not None
            assert after.last_update_date >= before.last_update_date
        for oid in changed:
            assert second[oid].last_update_date > first[oid].last_update_date  # type: ignore[operator]
            assert oid in listed  # seen again by LastUpdatedAfter, with its new state
            assert listed[oid].order_status == second[oid].order_status
            assert listed[oid].last_update_date == second[oid].last_update_date
            items = [item async for item in client.orders.list_order_items(oid)]
            shipped = sum(i.quantity_shipped or 0 for i in items)
            ordered = sum(i.quantity_ordered or 0 for i in items)
            assert shipped == (ordered if second[oid].order_status == "Shipped" else 0)
            assert second[oid].number_of_items_shipped == shipped
        shipped_now = [
            o
            async for o in client.orders.list_orders(
                created_after=datetime(2025, 1, 1, tzinfo=UTC), order_statuses=["Shipped"]
            )
        ]
        assert {o.amazon_order_id for o in shipped_now} >= {
            oid for oid in changed if second[oid].order_status == "Shipped"
        }


def test_a_sandbox_with_live_orders_resumes_its_world_now_and_by_default_stays_still() -> None:
    before = datetime.now(UTC)
    live = Sandbox(catalog_size=100, order_count=50, live_orders=True).world.live_from
    assert live is not None and before <= live <= datetime.now(UTC)
    assert Sandbox(catalog_size=100, order_count=50).world.live_from is None
