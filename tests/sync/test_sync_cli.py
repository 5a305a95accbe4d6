"""``mws-async sync``: a run on the embedded sandbox with its progress and summary, the dry-run plan, and
user mistakes as one line on stderr with the CLI's exit codes."""

from __future__ import annotations

import asyncio
import os
import socket
import sqlite3
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from cli.cli_support import error_lines, invoke

from mws_async.sync import open_store
from mws_async.sync.schema import SYNC_LEASE
from mws_async.sync.store import utcnow


@pytest.fixture(autouse=True)
def no_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.startswith(("MWS_", "LWA_", "SP_API_")):
            monkeypatch.delenv(name)
    monkeypatch.setenv("COLUMNS", "200")


def test_a_sync_on_the_sandbox_commits_the_orders_and_prints_a_summary(tmp_path: Path) -> None:
    db = tmp_path / "shop.sqlite"
    outcome = invoke(["sync", "orders", "--db", db, "--since", "2025-12-25", "--time-scale", "1000"])

    assert outcome.code == 0, outcome.stderr
    assert "records committed" in outcome.stderr and "quota wait" in outcome.stderr
    with sqlite3.connect(db) as conn:
        (count,) = conn.execute("SELECT count(*) FROM mws_orders").fetchone()
    assert count > 0
    plan = invoke(["sync", "orders", "--db", db, "--dry-run"])
    assert plan.code == 0
    assert "incremental from" in plan.stdout and f"{count:,} records" in plan.stdout


@pytest.mark.parametrize(
    ("args", "code", "words"),
    [
        (["sync", "customers"], 2, "'customers' is not a dataset; use one of orders, order-items"),
        (["sync", "orders", "--db", "mysql://u:hunter2@h/db"], 2, "--db: mysql://u:***@h/db: unsupported"),
        (["sync", "orders", "--since", "yesterday"], 2, "--since 'yesterday' is not an ISO date"),
        (["sync", "orders", "--seller", "nobody"], 2, "--seller 'nobody' is not a SellerId"),
        (["sync", "orders", "--time-scale", "1000"], 2, "was never synced into "),
    ],
)
def test_a_user_mistake_is_one_line_with_its_exit_code(
    args: list[str], code: int, words: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    outcome = invoke(args)
    assert outcome.code == code
    lines = error_lines(outcome)
    assert len(lines) == 1 and words in lines[0], outcome.stderr
    assert "Traceback" not in outcome.stderr and "hunter2" not in outcome.stderr


async def hold_lease(db: Path) -> None:
    async with await open_store(str(db)) as store, store.transaction() as conn:
        await conn.execute(
            sa.insert(SYNC_LEASE).values(
                seller_id="A2SANDBOXSELLER",
                dataset="orders",
                holder=f"{socket.gethostname()}:{os.getpid()}:busy",
                host=socket.gethostname(),
                pid=os.getpid(),
                acquired_at=utcnow(),
                expires_at=utcnow() + timedelta(minutes=10),
            )
        )


def test_a_held_lease_is_one_line_naming_the_holder(tmp_path: Path) -> None:
    db = tmp_path / "shop.sqlite"
    asyncio.run(hold_lease(db))

    outcome = invoke(["sync", "orders", "--db", db, "--since", "2025-12-25", "--time-scale", "1000", "-q"])

    assert outcome.code == 4
    lines = error_lines(outcome)
    assert len(lines) == 1, outcome.stderr
    assert (
        f"another sync of orders for seller A2SANDBOXSELLER is running (lease held by {socket.gethostname()}"
    )
    assert f":{os.getpid()}:busy" in lines[0]
