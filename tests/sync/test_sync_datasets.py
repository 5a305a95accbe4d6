"""Order items, financial events, inventory and reports into both stores; orders that change status
between runs end with their latest status."""

from __future__ import annotations

import asyncio
import base64
import hashlib
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from sync.conftest import SINCE

from mws_async import MWSClient
from mws_async.sandbox import Sandbox
from mws_async.sandbox.world import World
from mws_async.sync import Store, SyncPlanError, sync
from mws_async.sync.schema import FINANCIAL_EVENTS, INVENTORY_SUPPLY, ORDER_ITEMS, ORDERS, REPORTS


async def rows(store: Store, query: sa.Select[tuple[object, ...]]) -> list[sa.Row[tuple[object, ...]]]:
    async with store.transaction() as conn:
        return list((await conn.execute(query)).all())


async def test_order_items_are_copied_once_per_order_version(store: Store, client: MWSClient) -> None:
    with pytest.raises(SyncPlanError, match="run the orders sync first"):
        await sync(client, store, "order-items")
    await sync(client, store, "orders", since=datetime(2025, 12, 25, tzinfo=UTC))
    orders = await rows(store, sa.select(ORDERS.c.amazon_order_id))
    assert orders

    first = await sync(client, store, "order-items")
    again = await sync(client, store, "order-items")

    expected = set()
    for (order_id,) in orders:
        async for item in client.orders.list_order_items(str(order_id)):
            expected.add((order_id, item.order_item_id, item.quantity_ordered))
    got = await rows(
        store,
        sa.select(ORDER_ITEMS.c.amazon_order_id, ORDER_ITEMS.c.order_item_id, ORDER_ITEMS.c.quantity_ordered),
    )
    assert sorted(got) == sorted(expected)
    assert first.pages == len(orders) and again.pages == 0  # nothing changed: nothing fetched again
    assert (
        await rows(store, sa.select(ORDERS.c.amazon_order_id).where(ORDERS.c.items_synced_for.is_(None)))
        == []
    )


async def test_financial_events_are_stored_once_each_across_overlapping_runs(
    store: Store, client: MWSClient
) -> None:
    first = await sync(client, store, "financial-events", since=datetime(2025, 12, 1, tzinfo=UTC))
    assert first.records > 0
    listed = {
        (kind, event.model_dump_json())
        async for kind, event in client.finances.list_financial_events(
            posted_after=datetime(2025, 12, 1, tzinfo=UTC), posted_before=first.state.watermark
        )
    }
    again = await sync(client, store, "financial-events", since=SINCE)

    stored = await rows(store, sa.select(FINANCIAL_EVENTS.c.event_type, FINANCIAL_EVENTS.c.event_key))
    assert len(stored) == len(listed)
    assert {t for t, _ in stored} == {kind for kind, _ in listed}
    assert again.state.watermark is not None and first.state.watermark is not None
    assert again.state.watermark >= first.state.watermark


async def test_inventory_keeps_one_row_per_sku_with_its_latest_supply(
    store: Store, client: MWSClient
) -> None:
    await sync(client, store, "inventory", since=SINCE)
    listed = {
        supply.seller_sku: supply.total_supply_quantity
        async for supply in client.inventory.list_inventory_supply(query_start=SINCE)
    }
    await sync(client, store, "inventory", since=SINCE)

    got = await rows(
        store, sa.select(INVENTORY_SUPPLY.c.seller_sku, INVENTORY_SUPPLY.c.total_supply_quantity)
    )
    assert listed and dict(got) == listed  # type: ignore[arg-type]


async def test_each_report_is_downloaded_once_and_matches_its_md5(
    store: Store, client: MWSClient, sandbox: Sandbox
) -> None:
    since = datetime(2025, 12, 20, tzinfo=UTC)
    first = await sync(client, store, "reports", since=since)
    downloads = sum(1 for r in sandbox.request_log if r.operation == "GetReport")
    assert first.state.watermark is not None
    # An overlap back to the first start: the same reports are listed again.
    again = await sync(client, store, "reports", overlap=first.state.watermark - since)

    stored = await rows(store, sa.select(REPORTS.c.report_id, REPORTS.c.md5, REPORTS.c.size, REPORTS.c.path))
    assert first.records == len(stored) > 0
    assert again.records == 0 and again.skipped == len(stored)  # listed again, not downloaded again
    assert sum(1 for r in sandbox.request_log if r.operation == "GetReport") == downloads == len(stored)
    for _, md5, size, path in stored:
        body = await asyncio.to_thread(Path(str(path)).read_bytes)
        assert len(body) == size
        assert base64.b64encode(hashlib.md5(body).digest()).decode() == md5


# --------------------------------------------------------------------------------- status changes


@pytest.fixture
async def advancing() -> AsyncIterator[Sandbox]:
    """A sandbox whose world advances: orders still in progress at its anchor (ten days of orders, so
    many are) move on from now, on the sandbox's clock at 1000x."""
    world = World(7, catalog_size=2000, order_count=300, order_days=10, live_from=datetime.now(UTC))
    async with Sandbox(seed=7, time_scale=1000.0, world=world) as sb:
        yield sb


async def test_orders_that_change_status_between_runs_end_with_their_latest_status(
    store: Store, advancing: Sandbox
) -> None:
    async with MWSClient(advancing.credentials, base_url=advancing.base_url, time_scale=1000.0) as client:
        await sync(client, store, "orders", since=SINCE)
        before = dict(await rows(store, sa.select(ORDERS.c.amazon_order_id, ORDERS.c.order_status)))
        # Between the runs the world moves on until every order has settled (37 sandbox hours at most):
        # the server clock jumps ahead by those ~2 minutes instead of the test sleeping through them.
        settled = advancing.world.orders_for(client.credentials.seller_id).settled_at(1000.0)
        assert settled is not None
        advancing.faults.clock_offset = (settled - datetime.now(UTC)).total_seconds() + 1
        second = await sync(client, store, "orders")  # incremental: from the watermark less the overlap

        latest = {
            order.amazon_order_id: (order.order_status, order.last_update_date)
            async for order in client.orders.list_orders(last_updated_after=SINCE)
        }
    after = await rows(
        store, sa.select(ORDERS.c.amazon_order_id, ORDERS.c.order_status, ORDERS.c.last_update_date)
    )
    changed = {oid for oid, (status, _) in latest.items() if before[oid] != status}
    assert len(changed) >= 20  # the world did move on
    assert second.records < len(latest)  # an incremental run, not a full copy
    assert {row[0]: (row[1], row[2]) for row in after} == latest
