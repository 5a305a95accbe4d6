"""Deadlines on SP-API calls: the same rules as MWS (refused at once, nothing taken, would_wait)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import pytest
from spapi.spapi_support import Served
from support import serve_asgi

from mws_async import DeadlineExceededError, deadline
from mws_async.sandbox.spapi import SPAPISandboxApp
from mws_async.spapi.operations import USAGE_PLANS


async def test_an_empty_item_offers_bucket_refuses_at_once_taking_nothing(
    make_app: Callable[..., SPAPISandboxApp],
) -> None:
    app = make_app(time_scale=1.0)
    plan = USAGE_PLANS["getItemOffers"]
    asins = app.world.sample_ids("ASIN", int(plan.burst) + 1, start=500)
    async with serve_asgi(app) as url, Served(app, url).client() as client:
        await client.auth.token()
        await asyncio.gather(*(client.pricing.get_item_offers(a, "New") for a in asins[:-1]))  # the burst
        with pytest.raises(DeadlineExceededError) as caught, deadline(0.05):
            await client.pricing.get_item_offers(asins[-1], "New")
        assert caught.value.would_wait == pytest.approx(1 / plan.rate, rel=0.5)
        await asyncio.sleep(caught.value.would_wait)
        answer = await client.pricing.get_item_offers(asins[-1], "New")
    assert answer.payload is not None
    assert app.request_log.count("getItemOffers", processed=True) == len(asins)
    assert app.request_log.count("getItemOffers", status=429) == 0


async def test_max_wait_is_the_default_budget(make_app: Callable[..., SPAPISandboxApp]) -> None:
    app = make_app(time_scale=1.0)
    plan = USAGE_PLANS["getItemOffers"]
    asins = app.world.sample_ids("ASIN", int(plan.burst) + 1, start=700)
    async with serve_asgi(app) as url, Served(app, url).client() as spender:
        await spender.auth.token()
        await asyncio.gather(*(spender.pricing.get_item_offers(a, "New") for a in asins[:-1]))  # the burst
        # Another client on the same buckets whose every call has 50 ms: the next one would wait 200 ms.
        async with Served(app, url).client(max_wait=0.05, throttle=spender.throttler) as client:
            with pytest.raises(DeadlineExceededError):
                await client.pricing.get_item_offers(asins[-1], "New")
    assert app.request_log.count("getItemOffers", status=429) == 0
