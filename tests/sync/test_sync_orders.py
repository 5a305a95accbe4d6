"""Orders into both stores (SQLite file, real PostgreSQL): exactly the sandbox's orders, latest versions,
resumable from the checkpoint, idempotent."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from sync.conftest import SINCE

from mws_async import MWSClient
from mws_async.sync import Store, SyncPlanError, plan, sync
from mws_async.sync.schema import ORDERS, SYNC_STATE


async def listed(client: MWSClient) -> dict[str, tuple[str | None, object]]:
    """The full ListOrders listing of the range: id -> (status, LastUpdateDate)."""
    out = {}
    async for order in client.orders.list_orders(last_updated_after=SINCE):
        out[order.amazon_order_id] = (order.order_status, order.last_update_date)
    return out


async def stored(store: Store, seller_id: str) -> dict[str, tuple[str | None, object]]:
    async with store.transaction() as conn:
        rows = (
            await conn.execute(
                sa.select(ORDERS.c.amazon_order_id, ORDERS.c.order_status, ORDERS.c.last_update_date).where(
                    ORDERS.c.seller_id == seller_id
                )
            )
        ).all()
    return {row[0]: (row[1], row[2]) for row in rows}


async def test_a_first_sync_stores_exactly_the_listed_orders(store: Store, client: MWSClient) -> None:
    result = await sync(client, store, "orders", since=SINCE)

    expected = await listed(client)
    assert len(expected) == 600
    assert await stored(store, client.credentials.seller_id) == expected
    assert result.records == 600
    assert result.complete
    assert result.state.watermark is not None and result.state.next_token is None


async def test_a_sync_stopped_part_way_resumes_at_its_saved_next_token(
    store: Store, client: MWSClient
) -> None:
    first = await sync(client, store, "orders", since=SINCE, max_pages=2)
    assert not first.complete and first.state.next_token is not None
    assert first.records == 200

    second = await sync(client, store, "orders")  # no since: the checkpoint says where to go on

    assert second.resumed
    assert second.records == 400
    assert await stored(store, client.credentials.seller_id) == await listed(client)


async def test_a_rerun_starts_an_overlap_before_the_watermark_and_duplicates_nothing(
    store: Store, client: MWSClient
) -> None:
    first = await sync(client, store, "orders", since=SINCE)
    again = await sync(client, store, "orders", overlap=timedelta(days=800))

    assert again.records == 600  # the whole range again, through the overlap...
    assert await stored(store, client.credentials.seller_id) == await listed(client)  # ...stored once
    async with store.transaction() as conn:
        count = (await conn.execute(sa.select(sa.func.count()).select_from(ORDERS))).scalar_one()
        state = (await conn.execute(sa.select(SYNC_STATE.c.watermark))).scalar_one()
    assert count == 600
    assert first.state.watermark is not None and state >= first.state.watermark


async def test_a_first_sync_without_since_says_to_give_one(store: Store, client: MWSClient) -> None:
    with pytest.raises(SyncPlanError, match=r"--since DATE"):
        await sync(client, store, "orders")


async def test_the_plan_describes_first_resumed_and_incremental_runs(store: Store, client: MWSClient) -> None:
    seller = client.credentials.seller_id
    assert "first run, from 2025-09-01" in await plan(store, seller, "orders", since=SINCE)
    await sync(client, store, "orders", since=SINCE, max_pages=1)
    assert "resume the window" in await plan(store, seller, "orders")
    await sync(client, store, "orders")
    assert "incremental from" in await plan(store, seller, "orders")
