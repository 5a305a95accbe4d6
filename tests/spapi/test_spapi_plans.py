"""Usage plans: the reference's defaults, overrides, and an announced rate re-timing calls already queued.

The loopback runs use the SP-API sandbox with a plan of its own for the default selling partner; they check
counts (429s, requests, waits) and the throttler's recorded waits against the old rate's schedule, never
wall-clock durations (``benchmarks/spapi_quota.py`` measures those).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import pytest
from spapi.spapi_support import Served
from support import serve_asgi

from mws_async.errors import ConfigurationError
from mws_async.sandbox.spapi import SPAPISandboxApp
from mws_async.spapi import SPAPIClient, UsagePlan
from mws_async.spapi.auth import LWACredentials
from mws_async.spapi.operations import OPERATIONS, USAGE_PLANS, spapi_quota_table

#: The Product Pricing v0 reference's default usage plans: (rate per second, burst).
REFERENCE = {
    "getPricing": (10.0, 20.0),
    "getCompetitivePricing": (10.0, 20.0),
    "getListingOffers": (5.0, 10.0),
    "getItemOffers": (5.0, 10.0),
    "getItemOffersBatch": (0.5, 1.0),
    "getListingOffersBatch": (0.5, 1.0),
}


def test_default_usage_plans_are_the_references(make_app: Callable[..., SPAPISandboxApp]) -> None:
    assert {name: (plan.rate, plan.burst) for name, plan in USAGE_PLANS.items()} == REFERENCE
    for name, (rate, burst) in REFERENCE.items():
        spec = OPERATIONS[name].spec
        assert (spec.restore_rate, spec.max_quota, spec.name) == (rate, burst, f"SPAPI.{name}")
        assert spapi_quota_table()[f"SPAPI.{name}"] == spec
    # The sandbox enforces the same table; a plan given for one operation leaves the others alone.
    app = make_app()
    assert {name: (plan.rate, plan.burst) for name, plan in app.plans.items()} == REFERENCE
    app = make_app(usage_plans={"getItemOffers": UsagePlan(1.0, 2)})
    assert app.plans == {**USAGE_PLANS, "getItemOffers": UsagePlan(1.0, 2)}
    assert app.buckets.quotas["SPAPI.getItemOffers"].max_quota == 2
    with pytest.raises(ConfigurationError, match="getItemOffer'"):
        make_app(usage_plans={"getItemOffer": UsagePlan(1.0, 2)})


async def test_a_client_uses_the_reference_plans_unless_overridden() -> None:
    creds = LWACredentials("client", "secret", "Atzr|refresh")
    async with SPAPIClient(creds) as client:
        spec = client.spec_for("getItemOffers")
        assert (spec.restore_rate, spec.max_quota) == (5.0, 10.0)
    plans = {"getItemOffers": UsagePlan(1.0, 2)}
    async with SPAPIClient(creds, usage_plans=plans) as client:
        spec = client.spec_for("getItemOffers")
        assert (spec.restore_rate, spec.max_quota) == (1.0, 2.0)
        other = client.spec_for("getPricing")  # operations not named keep the reference's plan
        assert (other.restore_rate, other.max_quota) == (10.0, 20.0)
    with pytest.raises(ConfigurationError, match="getItemOffer"):
        SPAPIClient(creds, usage_plans={"getItemOffer": UsagePlan(1.0, 2)})
    with pytest.raises(ConfigurationError, match="getItemOffers must be a UsagePlan"):
        SPAPIClient(creds, usage_plans={"getItemOffers": (1.0, 2)})  # type: ignore[dict-item]


@pytest.mark.parametrize(
    ("rate", "burst"), [(0, 1), (-1, 1), (float("nan"), 1), (float("inf"), 1), (1, 0), ("5", 1), (True, 1)]
)
def test_a_usage_plan_needs_a_positive_rate_and_burst(rate: object, burst: object) -> None:
    with pytest.raises(ConfigurationError, match="must be a positive number"):
        UsagePlan(rate, burst)  # type: ignore[arg-type]


async def test_an_overridden_plan_is_the_one_the_calls_wait_on(
    make_app: Callable[..., SPAPISandboxApp],
) -> None:
    app = make_app(time_scale=1.0)
    asin = app.world.sample_ids("ASIN", 1)[0]
    waits = []
    async with serve_asgi(app) as url:
        # The reference's burst of 10 lets 4 calls at once through; a burst of 2 makes at least 2 wait.
        for plans in (None, {"getItemOffers": UsagePlan(5.0, 2)}):
            async with Served(app, url).client(usage_plans=plans) as client:
                await client.auth.token()
                await asyncio.gather(*(client.pricing.get_item_offers(asin, "New") for _ in range(4)))
                stats = client.throttler.stats()[client.throttle_key("getItemOffers")]
                assert stats.requests == 4
                waits.append(stats.waits)
    assert waits[0] == 0 and waits[1] >= 2
    assert app.request_log.count("getItemOffers", status=429) == 0


def _server_plan(rate_factor: float) -> UsagePlan:
    """The server's plan for getItemOffers: the client's default rate times ``rate_factor``, same burst."""
    default = USAGE_PLANS["getItemOffers"]
    return UsagePlan(default.rate * rate_factor, default.burst)


async def test_queued_calls_are_retimed_to_a_faster_announced_rate(
    make_app: Callable[..., SPAPISandboxApp],
) -> None:
    scale = 2.0
    app = make_app(time_scale=scale)
    plan = _server_plan(10.0)
    app.set_usage_plan("getItemOffers", plan.rate, plan.burst, selling_partner_id=app.default_selling_partner)
    asins = app.world.sample_ids("ASIN", 40, start=3000)
    default = USAGE_PLANS["getItemOffers"]
    # At the default rate the last of the 40 calls would wait this long; the first answer says 10x faster.
    old_schedule = (len(asins) - default.burst) / (default.rate * scale)
    async with serve_asgi(app) as url, Served(app, url).client() as client:
        await client.auth.token()
        answers = await asyncio.gather(*(client.pricing.get_item_offers(a, "New") for a in asins))
        stats = client.throttler.stats()[client.throttle_key("getItemOffers")]
        announced = client.spec_for("getItemOffers")
    assert all(a.payload is not None for a in answers)
    assert (announced.restore_rate, announced.max_quota) == (plan.rate, plan.burst)
    assert app.request_log.count("getItemOffers", status=429) == 0
    assert stats.requests == 40 and stats.waits >= 1
    # Calls already queued when the first answer came were re-timed, not left on the default rate.
    assert stats.max_wait < 0.5 * old_schedule


async def test_queued_calls_are_retimed_to_a_slower_announced_rate(
    make_app: Callable[..., SPAPISandboxApp],
) -> None:
    app = make_app(time_scale=1.0)
    plan = _server_plan(0.5)
    app.set_usage_plan("getItemOffers", plan.rate, plan.burst, selling_partner_id=app.default_selling_partner)
    count = int(plan.burst) + 2
    asins = app.world.sample_ids("ASIN", count, start=4000)
    async with serve_asgi(app) as url, Served(app, url).client() as client:
        await client.auth.token()
        # The burst goes at once; the 2 queued calls would go at the default rate, faster than the server's.
        answers = await asyncio.gather(*(client.pricing.get_item_offers(a, "New") for a in asins))
        stats = client.throttler.stats()[client.throttle_key("getItemOffers")]
    assert all(a.payload is not None for a in answers)
    # Left at the default plan (burst 10) all of them would go at once, past the server's burst: 429s.
    # (How many calls had to wait depends on how fast the answers come back: not asserted.)
    assert app.request_log.count("getItemOffers", status=429) == 0
    assert stats.throttled == 0 and stats.requests == count
