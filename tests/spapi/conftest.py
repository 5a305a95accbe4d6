"""Fixtures: an SP-API sandbox served on loopback, and clients for it."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest
from spapi.spapi_support import Served
from support import serve_asgi

from mws_async.sandbox.spapi import SPAPISandboxApp
from mws_async.sandbox.world import World


@pytest.fixture(scope="session")
def world() -> World:
    return World(7, catalog_size=100_000)


@pytest.fixture
def make_app(world: World) -> Callable[..., SPAPISandboxApp]:
    def make(**kwargs: Any) -> SPAPISandboxApp:
        return SPAPISandboxApp(world, **kwargs)

    return make


@pytest.fixture
async def served(make_app: Callable[..., SPAPISandboxApp]) -> AsyncIterator[Served]:
    """A sandbox at time scale 1000 (buckets on), served by uvicorn on 127.0.0.1."""
    app = make_app(time_scale=1000.0)
    async with serve_asgi(app) as url:
        yield Served(app, url)
