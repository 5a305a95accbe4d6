"""The client against the loopback SP-API sandbox: operations, validation, retries, rate-limit headers."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from decimal import Decimal

import pytest
from spapi.spapi_support import US, ScriptedSPAPI, Served, assert_no_secret, nested, scripted_client
from support import free_port, serve_asgi

from mws_async.errors import ClientValidationError, ConfigurationError
from mws_async.marketplaces import Marketplace
from mws_async.retry import RetryPolicy
from mws_async.spapi import SPAPIError, SPAPIServerError, SPAPIThrottledError, UsagePlan, endpoint_for
from mws_async.spapi.auth import LWACredentials
from mws_async.spapi.client import SPAPIClient
from mws_async.spapi.models import ItemOffersRequest


def test_regional_endpoints() -> None:
    assert endpoint_for(Marketplace.US) == "https://sellingpartnerapi-na.amazon.com"
    assert endpoint_for("CA") == "https://sellingpartnerapi-na.amazon.com"
    assert endpoint_for(Marketplace.DE) == "https://sellingpartnerapi-eu.amazon.com"
    assert endpoint_for("A21TJRUUN4KGV") == "https://sellingpartnerapi-eu.amazon.com"  # IN
    assert endpoint_for(Marketplace.JP) == "https://sellingpartnerapi-fe.amazon.com"
    with pytest.raises(ConfigurationError):
        endpoint_for(Marketplace.CN)


async def test_https_required_except_loopback() -> None:
    creds = LWACredentials("client", "secret", "Atzr|refresh")
    with pytest.raises(ConfigurationError, match="HTTPS"):
        SPAPIClient(creds, base_url="http://sellingpartnerapi-na.amazon.com")
    with pytest.raises(ConfigurationError, match="HTTPS"):
        SPAPIClient(creds, token_url="http://api.amazon.com/auth/o2/token")
    async with SPAPIClient(creds, base_url="http://127.0.0.1:1", token_url="http://localhost:1/t") as client:
        assert client.host == "127.0.0.1"
    async with SPAPIClient(creds, marketplace="DE") as client:
        assert client.host == "sellingpartnerapi-eu.amazon.com"


async def test_every_operation(served: Served) -> None:
    world = served.app.world
    asins = world.sample_ids("ASIN", 3)
    skus = world.sample_ids("SellerSKU", 2)
    async with served.client() as client:
        competitive = await client.pricing.get_competitive_pricing(asins=asins)
        assert [p.asin for p in competitive.payload or []] == asins
        assert competitive.request_id and competitive.rate_limit == 10.0
        mine = await client.pricing.get_pricing(skus=skus, item_condition="New", offer_type="B2C")
        assert [p.seller_sku for p in mine.payload or []] == skus
        offers = await client.pricing.get_item_offers(asins[0], "New", customer_type="Consumer")
        assert offers.payload is not None and offers.payload.asin == asins[0]
        assert offers.rate_limit == 5.0
        listing = await client.pricing.get_listing_offers(skus[0], "New")
        assert listing.payload is not None and listing.payload.sku == skus[0]
        assert listing.rate_limit == 5.0
        batch = await client.pricing.get_item_offers_batch(
            [ItemOffersRequest.for_asin(a, US) for a in [*asins, world.invalid_id("ASIN")]]
        )
        codes = [(r.status_code, r.asin) for r in batch.responses or []]
        assert codes == [*((200, a) for a in asins), (400, world.invalid_id("ASIN"))]
        assert batch.rate_limit == 0.5
        listing_batch = await client.pricing.get_listing_offers_batch(
            [
                {
                    "uri": f"/products/pricing/v0/listings/{s}/offers",
                    "method": "GET",
                    "MarketplaceId": US,
                    "ItemCondition": "Used",
                }
                for s in skus
            ]
        )
        assert [r.request.seller_sku for r in listing_batch.responses or [] if r.request] == skus
    log = served.app.request_log
    assert log.count(section="ProductPricing", processed=True) == 6
    assert log.count(section="LWA") == 1


@pytest.mark.parametrize(
    ("call", "fragment"),
    [
        ({"asins": ["B000000001"] * 21, "item_type": "Asin"}, "Asins takes 1-20 values, got 21"),
        ({"asins": ["B000000001"], "item_type": "Isbn"}, "ItemType='Isbn' is not one of Asin, Sku"),
        ({"asins": ["B000000001"], "item_type": "Asin", "item_condition": "Mint"}, "ItemCondition='Mint'"),
        ({"asins": ["B000000001"], "item_type": "Asin", "offer_type": "B2X"}, "OfferType='B2X' is not one"),
        ({"skus": ["S"], "item_type": "Asin"}, "ItemType=Asin requires Asins"),
        ({"asins": ["B000000001"], "skus": ["S"], "item_type": "Asin"}, "takes Asins only"),
    ],
)
async def test_get_pricing_validation_sends_nothing(
    served: Served, call: dict[str, object], fragment: str
) -> None:
    async with served.client() as client:
        with pytest.raises(ClientValidationError) as info:
            await client.pricing.get_pricing(**call)  # type: ignore[arg-type]
    assert fragment in str(info.value)
    assert info.value.operation == "getPricing"
    assert len(served.app.request_log) == 0  # not even a token request


async def test_enum_and_limit_validation_names_parameter_limit_and_values(served: Served) -> None:
    async with served.client() as client:
        with pytest.raises(
            ClientValidationError, match="CustomerType='Wholesale' is not one of Consumer, Business"
        ):
            await client.pricing.get_competitive_pricing(asins=["B000000001"], customer_type="Wholesale")  # type: ignore[arg-type]
        with pytest.raises(ClientValidationError, match="ItemCondition='Mint' is not one of New, Used"):
            await client.pricing.get_item_offers("B000000001", "Mint")  # type: ignore[arg-type]
        with pytest.raises(ClientValidationError, match="ItemCondition is required"):
            await client.pricing.get_listing_offers("SKU-1", None)  # type: ignore[arg-type]
        with pytest.raises(ClientValidationError, match="requests takes 1-20 requests, got 21"):
            await client.pricing.get_item_offers_batch([ItemOffersRequest.for_asin("B000000001", US)] * 21)
        with pytest.raises(ClientValidationError, match="requests takes 1-20 requests, got 0"):
            await client.pricing.get_item_offers_batch([])
        with pytest.raises(ClientValidationError, match=r"requests\[2\]: ItemCondition.*'Mint'"):
            await client.pricing.get_item_offers_batch(
                [
                    {
                        "uri": "/products/pricing/v0/items/B000000001/offers",
                        "method": "GET",
                        "MarketplaceId": US,
                        "ItemCondition": c,
                    }
                    for c in ("New", "Mint")
                ]
            )
        with pytest.raises(ClientValidationError, match="ItemCondition"):
            async for _ in client.pricing.item_offers_many(["B000000001"], "Mint"):  # type: ignore[arg-type]
                pass
    assert len(served.app.request_log) == 0


async def test_429_is_absorbed_and_marks_the_bucket(served: Served) -> None:
    asin = served.app.world.sample_ids("ASIN", 1)[0]
    served.app.faults.add("RequestThrottled", "getItemOffers", times=3)
    async with served.client(time_scale=1000.0) as client:
        answer = await client.pricing.get_item_offers(asin, "New")
        assert answer.payload is not None
        summary = client.throttler.summary()
    assert summary.throttled == 3 and summary.requests == 4  # every attempt spent quota
    log = served.app.request_log
    assert log.count("getItemOffers", status=429) == 3
    assert log.count("getItemOffers", processed=True) == 1


async def test_500_and_503_are_retried(served: Served) -> None:
    asins = served.app.world.sample_ids("ASIN", 2)
    served.app.faults.add("InternalError", "getCompetitivePricing", times=2)
    served.app.faults.add("ServiceUnavailable", "getCompetitivePricing", times=1)
    async with served.client(time_scale=1000.0) as client:
        answer = await client.pricing.get_competitive_pricing(asins=asins)
    assert [p.ok for p in answer.payload or []] == [True, True]
    log = served.app.request_log
    assert log.count("getCompetitivePricing", status=500) == 2
    assert log.count("getCompetitivePricing", status=503) == 1


async def test_errors_after_retries_and_client_errors(served: Served) -> None:
    world = served.app.world
    served.app.faults.add("InternalError", "getItemOffers", times=10)
    retry = RetryPolicy(max_attempts=3, initial_backoff=0.001)
    async with served.client(time_scale=1000.0, retry=retry) as client:
        with pytest.raises(SPAPIServerError) as info:
            await client.pricing.get_item_offers(world.sample_ids("ASIN", 1)[0], "New")
        assert info.value.code == "InternalFailure" and info.value.status == 500
        assert info.value.attempts == 3 and info.value.request_id
        served.app.faults.reset()
        with pytest.raises(SPAPIError) as bad:
            await client.pricing.get_item_offers(world.invalid_id("ASIN"), "New")
        assert bad.value.status == 400 and bad.value.code == "InvalidInput" and bad.value.attempts == 1
        served.app.faults.throttle_rate = 1.0
        with pytest.raises(SPAPIThrottledError):
            await SPAPIClient(
                served.app.credentials(),
                base_url=served.url,
                token_url=served.url + "/auth/o2/token",
                time_scale=1000.0,
                retry=RetryPolicy(max_throttle_retries=2, initial_backoff=0.001),
                http_client=client._http,
            ).pricing.get_item_offers(world.sample_ids("ASIN", 1)[0], "New")


async def test_rate_limit_header_rebuilds_the_bucket(served: Served) -> None:
    app = served.app
    asin = app.world.sample_ids("ASIN", 1)[0]
    app.set_usage_plan("getItemOffers", 20.0, selling_partner_id=app.default_selling_partner)
    # An account plan of 0.5/s, burst 1, which the server's answers correct to 20/s.
    plans = {"getItemOffers": UsagePlan(0.5, 1)}
    async with served.client(time_scale=1.0, usage_plans=plans) as client:
        assert client.spec_for("getItemOffers").restore_rate == 0.5
        first = await client.pricing.get_item_offers(asin, "New")
        assert first.rate_limit == 20.0
        spec = client.spec_for("getItemOffers")
        assert (spec.restore_rate, spec.max_quota, spec.section) == (20.0, 1, "SPAPI")
        # With the announced 20/s, further calls wait ~0.05 s each instead of the plan's 2 s.
        for _ in range(3):
            await client.pricing.get_item_offers(asin, "New")
        stats = client.throttler.stats()[client.throttle_key("getItemOffers")]
        assert stats.requests == 4 and stats.max_wait < 1.0
    assert app.request_log.count("getItemOffers", status=429) == 0
    assert app.request_log.count("getItemOffers", processed=True) == 4


async def test_throttle_keys_per_application_partner_and_operation(served: Served) -> None:
    other = served.app.add_selling_partner("A1OTHERSELLER00")
    async with served.client() as one, served.client(credentials=other) as two:
        k1, k2 = one.throttle_key("getItemOffers"), two.throttle_key("getItemOffers")
        assert k1 != k2
        assert k1.seller_id == served.app.default_selling_partner and k2.seller_id == "A1OTHERSELLER00"
        assert k1.access_key_id == served.app.client_id
        assert (
            k1.group == "SPAPI.getItemOffers" and one.throttle_key("getPricing").group == "SPAPI.getPricing"
        )
        answer = await two.pricing.get_competitive_pricing(asins=served.app.world.sample_ids("ASIN", 1))
        assert answer.payload and answer.payload[0].ok
    assert served.app.request_log.count("getCompetitivePricing", seller_id="A1OTHERSELLER00") == 1


async def test_unknown_path_and_wrong_method_are_404(served: Served) -> None:
    async with served.client() as client:
        token = (await client.auth.token()).reveal()
        response = await client._http.get(
            served.url + "/products/pricing/v0/nothing", headers={"x-amz-access-token": token}
        )
        assert response.status_code == 404 and response.json()["errors"][0]["code"] == "NotFound"
        assert response.headers["x-amzn-RequestId"]
        response = await client._http.post(
            served.url + "/products/pricing/v0/price", headers={"x-amz-access-token": token}
        )
        assert response.status_code == 404


async def test_amounts_are_decimals(served: Served) -> None:
    async with served.client() as client:
        answer = await client.pricing.get_item_offers(served.app.world.sample_ids("ASIN", 1)[0], "New")
    assert answer.payload is not None
    for offer in answer.payload.offers:
        assert isinstance(offer.listing_price.amount, Decimal)


# -- hostile answers: typed errors, never a RecursionError; no secret reachable from any error ------------


@pytest.fixture
async def scripted() -> AsyncIterator[tuple[ScriptedSPAPI, str]]:
    app = ScriptedSPAPI()
    async with serve_asgi(app) as url:
        yield app, url


def chain(error: BaseException | None) -> list[BaseException]:
    out: list[BaseException] = []
    while error is not None and error not in out:
        out.append(error)
        error = error.__cause__ or error.__context__
    return out


@pytest.mark.parametrize("status", [200, 400, 500])
@pytest.mark.parametrize("depth", [100, 100_000])
async def test_a_deeply_nested_answer_is_a_typed_error(
    scripted: tuple[ScriptedSPAPI, str], status: int, depth: int
) -> None:
    app, url = scripted
    app.answer_status, app.answer_body = status, nested(depth)
    async with scripted_client(url) as client:
        with pytest.raises(SPAPIError, match="nested deeper than 64 levels") as info:
            await client.pricing.get_item_offers("B000000001", "New")
    assert info.value.status == status
    assert isinstance(info.value, SPAPIServerError) == (status == 500)
    assert not any(isinstance(e, RecursionError) for e in chain(info.value))


async def test_an_answer_within_the_depth_bound_still_parses(scripted: tuple[ScriptedSPAPI, str]) -> None:
    app, url = scripted
    # Many brackets (so the depth is measured) but only three levels deep.
    app.answer_body = json.dumps({"errors": [{"code": f"C{i}", "message": "m"} for i in range(200)]})
    async with scripted_client(url) as client:
        answer = await client.pricing.get_item_offers("B000000001", "New")
    assert [e.code for e in answer.errors or []] == [f"C{i}" for i in range(200)]


async def test_no_secret_is_reachable_from_call_errors(scripted: tuple[ScriptedSPAPI, str]) -> None:
    app, url = scripted
    errors: list[BaseException] = []
    answers = [
        (400, '{"errors": [{"code": "InvalidInput", "message": "bad"}]}'),
        (500, '{"errors": [{"code": "InternalFailure", "message": "oops"}]}'),
        (403, '{"errors": [{"code": "Unauthorized", "message": "Access denied"}]}'),
        (200, "<html>not json</html>"),
        (200, '{"payload": 5}'),
    ]
    async with scripted_client(url) as client:
        for status, body in answers:
            app.answer_status, app.answer_body = status, body
            with pytest.raises(SPAPIError) as info:
                await client.pricing.get_item_offers("B000000001", "New")
            errors.append(info.value)
        # The token endpoint answers; the SP-API endpoint does not (the httpx error's request carries the
        # access token in its headers).
        offline = scripted_client(f"http://127.0.0.1:{free_port()}", token_url=url + "/auth/o2/token")
        async with offline:
            with pytest.raises(SPAPIServerError) as transport:
                await offline.pricing.get_item_offers("B000000001", "New")
            errors.append(transport.value)
    assert transport.value.attempts == 2
    for error in errors:
        assert_no_secret(error)
        assert error.__context__ is None and error.__cause__ is None
