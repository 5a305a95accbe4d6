"""The crash test: a sync of a few thousand orders in a subprocess, killed with SIGKILL at 10 random
moments and run again until it finishes, ends with exactly the sandbox's orders: none lost, none twice,
each at its latest version."""

from __future__ import annotations

import asyncio
import random
import signal
import sys
from pathlib import Path

import sqlalchemy as sa
from sync.conftest import SINCE

from mws_async import MWSClient
from mws_async.sandbox import Sandbox
from mws_async.sync import open_store
from mws_async.sync.schema import ORDERS, SYNC_STATE

WORKER = Path(__file__).with_name("crash_worker.py")
ORDER_COUNT = 2000
TIME_SCALE = 600.0  # ListOrders: 6 pages at once, then 10 a second: the 20 pages take ~2 s
KILLS = 10


async def start_worker(base_url: str, db: Path) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable,
        str(WORKER),
        base_url,
        str(db),
        str(TIME_SCALE),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )


async def checkpoint(db: Path) -> tuple[int, str | None]:
    """(orders stored, saved NextToken) as a crash left them."""
    async with await open_store(str(db)) as store, store.transaction() as conn:
        count = (await conn.execute(sa.select(sa.func.count()).select_from(ORDERS))).scalar_one()
        token = (await conn.execute(sa.select(SYNC_STATE.c.next_token))).scalar_one_or_none()
    return count, token


async def test_a_sync_killed_ten_times_ends_with_exactly_the_sandboxs_orders(tmp_path: Path) -> None:
    db = tmp_path / "crash.sqlite"
    draw = random.Random(18)
    # Counted from the worker's "syncing" line (interpreter start and imports take a varying time).
    moments = [round(draw.uniform(0.0, 2.0), 2) for _ in range(KILLS)]
    async with Sandbox(seed=5, time_scale=TIME_SCALE, catalog_size=5000, order_count=ORDER_COUNT) as sandbox:
        mid_window = 0
        for moment in moments:
            worker = await start_worker(sandbox.base_url, db)
            assert worker.stdout is not None
            try:
                await asyncio.wait_for(worker.stdout.readline(), timeout=30)
                await asyncio.wait_for(worker.wait(), timeout=moment)
            except TimeoutError:
                worker.send_signal(signal.SIGKILL)
                await worker.wait()  # reaped: a killed holder's lease is then seen as gone at once
            if db.exists():
                count, token = await checkpoint(db)
                mid_window += token is not None and 0 < count < ORDER_COUNT
        for _ in range(5):
            worker = await start_worker(sandbox.base_url, db)
            out, errors = await asyncio.wait_for(worker.communicate(), timeout=60)
            assert worker.returncode == 0, errors.decode()
            if b"resumed=False" in out:  # a whole window ran in one go: the copy is complete
                break

        async with MWSClient(sandbox.credentials, base_url=sandbox.base_url, time_scale=TIME_SCALE) as client:
            expected = {
                order.amazon_order_id: (order.order_status, order.last_update_date)
                async for order in client.orders.list_orders(last_updated_after=SINCE)
            }

    async with await open_store(str(db)) as store, store.transaction() as conn:
        rows = (
            await conn.execute(
                sa.select(ORDERS.c.amazon_order_id, ORDERS.c.order_status, ORDERS.c.last_update_date)
            )
        ).all()
    got = {row[0]: (row[1], row[2]) for row in rows}
    assert len(rows) == len(got) == ORDER_COUNT  # none twice
    assert got == expected  # none lost, latest versions
    assert mid_window >= 1, f"no kill landed inside a window (moments {moments})"
