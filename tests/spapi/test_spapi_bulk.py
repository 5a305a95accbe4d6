"""Bulk pricing (getItemOffersBatch, getCompetitivePricing): one result per distinct ASIN, none lost."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

from spapi.spapi_support import Served
from support import serve_asgi

from mws_async.bulk import BulkStats
from mws_async.retry import RetryPolicy
from mws_async.sandbox.spapi import SPAPISandboxApp

SCALE = 400.0  # getItemOffersBatch: 0.5/s x 400 = one batch every 5 ms (plus the throttler's hold)


async def test_few_thousand_asins_owning_the_quota(make_app: Callable[..., SPAPISandboxApp]) -> None:
    app = make_app(time_scale=SCALE)
    world = app.world
    asins = world.sample_ids("ASIN", 2000, start=20_000)
    unknown = [world.invalid_id("ASIN", k) for k in range(5)]
    given = [*asins, *asins[:300], *unknown, "not-an-asin", " " + asins[0].lower()]
    stats = BulkStats()
    async with serve_asgi(app) as url, Served(app, url).client() as client:
        results = [r async for r in client.pricing.item_offers_many(given, "New", stats=stats)]
        throttle = client.throttler.summary()
    by_id = Counter(r.id for r in results)
    # The lower-cased, space-padded ASIN is normalized (trimmed, uppercased): a duplicate of asins[0].
    assert len(results) == len(set(asins)) + len(unknown) + 1
    assert max(by_id.values()) == 1
    ok = {r.id: r for r in results if r.ok}
    assert set(ok) == set(asins)
    assert all(r.result is not None and r.result.asin == r.id for r in ok.values())
    assert {r.id for r in results if r.status == "ClientError"} == set(unknown)
    assert {r.id for r in results if r.status == "Invalid"} == {"not-an-asin"}
    assert stats.duplicates == 301 and stats.done == len(results) and stats.input_done
    # It owned the quota: the sandbox never answered 429, and every batch was a full (or the last) one.
    assert app.request_log.count(status=429) == 0
    assert throttle.throttled == 0
    calls = app.request_log.count("getItemOffersBatch", processed=True)
    assert calls == -(-(len(asins) + len(unknown)) // 20) == stats.requests


async def test_no_asin_lost_with_429s_and_500s_injected(make_app: Callable[..., SPAPISandboxApp]) -> None:
    app = make_app(time_scale=SCALE)
    app.faults.throttle_rate = 0.15
    app.faults.internal_error_rate = 0.05
    app.item_faults.throttle_rate = 0.1
    app.item_faults.service_unavailable_rate = 0.05
    asins = app.world.sample_ids("ASIN", 600, start=40_000)
    async with serve_asgi(app) as url, Served(app, url).client() as client:
        results = [r async for r in client.pricing.item_offers_many(asins, ordered=True, concurrency=3)]
        throttle = client.throttler.summary()
    assert [r.id for r in results] == asins  # ordered, one each
    assert all(r.ok for r in results), Counter((r.status, r.error_code) for r in results)
    log = app.request_log
    assert log.count("getItemOffersBatch", status=429) > 0 and log.count("getItemOffersBatch", status=500) > 0
    assert throttle.throttled == log.count("getItemOffersBatch", status=429)


async def test_failed_batches_become_error_results(served: Served) -> None:
    app = served.app
    asins = app.world.sample_ids("ASIN", 45, start=60_000)
    app.faults.add("InternalError", "getItemOffersBatch", times=2)  # the first batch fails twice
    app.item_faults.throttle_rate = 1.0  # and every batched call is throttled, forever
    async with served.client(retry=RetryPolicy(max_attempts=2, initial_backoff=0.001)) as client:
        results = [r async for r in client.pricing.item_offers_many(asins, concurrency=1, item_retries=2)]
    assert sorted(r.id for r in results) == sorted(asins)
    failed = Counter(r.error_code for r in results if r.status == "Failed")
    assert failed == {"InternalFailure": 20, "QuotaExceeded": 25}


async def test_competitive_pricing_many(served: Served) -> None:
    world = served.app.world
    asins = world.sample_ids("ASIN", 95, start=70_000)
    unknown = world.invalid_id("ASIN")
    async with served.client() as client:
        results = [r async for r in client.pricing.competitive_pricing_many([*asins, unknown], ordered=True)]
    assert [r.id for r in results] == [*asins, unknown]
    assert all(r.ok and r.result is not None and r.result.product is not None for r in results[:-1])
    assert results[-1].status == "ClientError"
    assert served.app.request_log.count("getCompetitivePricing", processed=True) == 5
