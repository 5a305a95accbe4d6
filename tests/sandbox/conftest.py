"""Fixtures for sandbox tests: an in-process client (ASGITransport) and a steppable clock."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from sandbox.sandbox_signer import FakeClock

from mws_async import MWSClient
from mws_async.sandbox import Sandbox


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def sandbox(clock: FakeClock) -> Sandbox:
    return Sandbox(seed=0, clock=clock, catalog_size=100_000, order_count=500)


@pytest.fixture
async def client(sandbox: Sandbox) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=sandbox.app)
    async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1:8000") as c:
        yield c


@pytest.fixture
async def mws(sandbox: Sandbox) -> AsyncIterator[MWSClient]:
    """The real client over the in-process sandbox (sandbox throttling off, so paging tests run fast)."""
    sandbox.buckets.enabled = False
    http = httpx.AsyncClient(transport=httpx.ASGITransport(app=sandbox.app), base_url="http://127.0.0.1")
    async with (
        http,
        MWSClient(
            sandbox.credentials, base_url="http://127.0.0.1", http_client=http, time_scale=10_000.0
        ) as client,
    ):
        yield client
