"""Stores: URLs, typed errors without passwords, and the lease that keeps two syncs of one seller and
dataset apart (on both databases)."""

from __future__ import annotations

import asyncio
import os
import socket
import sys
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from sync.conftest import SINCE

from mws_async import MWSClient
from mws_async.errors import ConfigurationError, MWSError
from mws_async.sync import (
    Store,
    SyncLeaseLostError,
    SyncLockedError,
    SyncProgress,
    SyncStoreError,
    database_url,
    open_store,
    sync,
)
from mws_async.sync.schema import SYNC_LEASE
from mws_async.sync.store import utcnow


def test_a_path_is_a_sqlite_file_and_postgres_urls_use_asyncpg(tmp_path: Path) -> None:
    assert database_url(str(tmp_path / "a.sqlite")).drivername == "sqlite+aiosqlite"
    assert database_url("postgres://u:p@h/db").drivername == "postgresql+asyncpg"
    assert database_url("postgresql://u@h:5433/db").port == 5433


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("", "empty"),
        ("ftp://host/db", "unsupported database 'ftp'"),
        ("mysql://u:hunter2@h/db", "unsupported database 'mysql'"),
        ("sqlite://", "in-memory"),
        ("postgresql://u:p@h:notaport/db", "not a database URL"),
    ],
)
def test_a_url_that_is_no_store_is_a_configuration_error(url: str, words: str) -> None:
    with pytest.raises(ConfigurationError, match=words) as caught:
        database_url(url)
    assert "hunter2" not in str(caught.value)


async def test_an_unreachable_postgres_is_a_store_error_without_its_password() -> None:
    with pytest.raises(SyncStoreError, match=r"cannot connect|Connect|refused") as caught:
        await open_store("postgresql://sync:hunter2@127.0.0.1:1/nothing")
    text = str(caught.value)
    assert "hunter2" not in text and "***" in text
    assert caught.value.__cause__ is None and caught.value.__suppress_context__


async def test_a_sqlite_file_in_a_missing_folder_is_a_store_error(tmp_path: Path) -> None:
    with pytest.raises(SyncStoreError, match=r"the folder .*folder does not exist; create it"):
        await open_store(str(tmp_path / "no" / "such" / "folder" / "db.sqlite"))


async def test_a_second_sync_of_the_same_seller_and_dataset_is_refused_naming_the_holder(
    store: Store, client: MWSClient
) -> None:
    progress = SyncProgress("orders")
    first = asyncio.create_task(sync(client, store, "orders", since=SINCE, progress=progress))
    while progress.pages == 0:  # the first sync holds the lease and has committed a page
        await asyncio.sleep(0.01)
        assert not first.done()
    with pytest.raises(SyncLockedError) as caught:
        await sync(client, store, "orders", since=SINCE)
    assert isinstance(caught.value, MWSError)
    assert caught.value.holder.split(":")[1] == str(os.getpid())
    assert "another sync of orders for seller A2SANDBOXSELLER is running" in str(caught.value)
    assert "wait until its lease expires" in str(caught.value)
    await sync(client, store, "inventory", since=SINCE)  # another dataset: its own lease
    result = await first
    assert result.records == 600


async def test_a_lease_of_a_killed_process_on_this_machine_is_taken_over(
    store: Store, client: MWSClient
) -> None:
    dead = await asyncio.create_subprocess_exec(
        sys.executable, "-c", "import os; print(os.getpid())", stdout=asyncio.subprocess.PIPE
    )
    out, _ = await dead.communicate()  # exited and reaped: its pid names no process now
    pid = int(out)
    async with store.transaction() as conn:
        await conn.execute(
            sa.insert(SYNC_LEASE).values(
                seller_id=client.credentials.seller_id,
                dataset="orders",
                holder=f"{socket.gethostname()}:{pid}:dead",
                host=socket.gethostname(),
                pid=pid,
                acquired_at=utcnow(),
                expires_at=utcnow() + timedelta(hours=1),
            )
        )
    result = await sync(client, store, "orders", since=SINCE)
    assert result.records == 600


async def test_a_sync_whose_lease_was_taken_over_commits_nothing_more(
    store: Store, client: MWSClient
) -> None:
    await sync(client, store, "orders", since=SINCE, max_pages=1)
    lease = await store.acquire_lease(client.credentials.seller_id, "orders")
    async with store.transaction() as conn:  # another worker took it over after expiry
        await conn.execute(sa.update(SYNC_LEASE).values(holder="elsewhere:1:x", host="elsewhere"))
    with pytest.raises(SyncLeaseLostError, match="taken over"):
        async with store.transaction() as conn:
            await store.renew_lease(conn, lease)
    state = await store.load_state(client.credentials.seller_id, "orders")
    assert state.pages == 1
