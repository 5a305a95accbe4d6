"""Fixtures for the sync tests: a real PostgreSQL server (pgserver, one per test session, stopped at the
end) with a fresh database per test, a SQLite file per test, and a small loopback sandbox."""

from __future__ import annotations

import itertools
import os
import sys
import tempfile
import warnings
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import make_url

from mws_async import MWSClient
from mws_async.sandbox import Sandbox
from mws_async.sync import Store, open_store

SINCE = datetime(2025, 9, 1, tzinfo=UTC)
"""Before the first order of the sandbox's default world (its orders span the 90 days to 2026-01-01)."""
STORES = ("sqlite", "postgresql")
_numbers = itertools.count(1)


@pytest.fixture(scope="session")
def pg_server() -> Iterator[Any]:
    """A real PostgreSQL server from the pgserver package's binaries, in a temporary folder."""
    folder = tempfile.mkdtemp(prefix="mws-async-pg-")
    with warnings.catch_warnings():
        # pgserver asks platformdirs for a runtime folder on import, which warns without XDG_RUNTIME_DIR.
        warnings.simplefilter("ignore")
        try:
            import pgserver
        except ImportError:
            if sys.version_info >= (3, 13):  # no pgserver wheel for this interpreter (see pyproject.toml)
                os.rmdir(folder)
                pytest.skip("the PostgreSQL store tests need pgserver, which has no wheel for Python 3.13")
            raise
        server = pgserver.get_server(folder, cleanup_mode="delete")
    try:
        yield server
    finally:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            server.cleanup()


def new_pg_database(server: Any) -> str:
    """A fresh, empty database on ``server``; its URL."""
    name = f"sync_test_{os.getpid()}_{next(_numbers)}"
    server.psql(f"CREATE DATABASE {name};")
    return make_url(server.get_uri()).set(database=name).render_as_string(hide_password=False)


@pytest.fixture
def pg_url(pg_server: Any) -> str:
    return new_pg_database(pg_server)


@pytest.fixture(params=STORES)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh store of each kind: a SQLite file, and a database on the real PostgreSQL server."""
    if request.param == "sqlite":
        return str(tmp_path / "sync.sqlite")
    return new_pg_database(request.getfixturevalue("pg_server"))


@pytest.fixture
async def store(db_url: str, tmp_path: Path) -> AsyncIterator[Store]:
    async with await open_store(db_url, reports_dir=tmp_path / "reports") as opened:
        yield opened


@pytest.fixture
async def sandbox() -> AsyncIterator[Sandbox]:
    """A small world at a high time scale (ListOrders: one page a minute, scaled to ~17 a second)."""
    async with Sandbox(seed=3, time_scale=1000.0, catalog_size=2000, order_count=600) as sb:
        yield sb


@pytest.fixture
async def client(sandbox: Sandbox) -> AsyncIterator[MWSClient]:
    async with MWSClient(sandbox.credentials, base_url=sandbox.base_url, time_scale=1000.0) as mws:
        yield mws
