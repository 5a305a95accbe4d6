"""Fixtures for section tests: a real sandbox on 127.0.0.1 (uvicorn) and a client pointed at it."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from mws_async import MWSClient, RetryPolicy
from mws_async.sandbox import Sandbox

TIME_SCALE = 100.0


@pytest.fixture
async def sandbox() -> AsyncIterator[Sandbox]:
    async with Sandbox(seed=0, time_scale=TIME_SCALE, catalog_size=200_000, order_count=1500) as sb:
        yield sb


@pytest.fixture
async def mws(sandbox: Sandbox) -> AsyncIterator[MWSClient]:
    retry = RetryPolicy(initial_backoff=0.01, max_backoff=0.05)
    async with MWSClient(
        sandbox.credentials, base_url=sandbox.base_url, time_scale=TIME_SCALE, retry=retry
    ) as client:
        yield client
