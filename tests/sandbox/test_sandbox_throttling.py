"""Throttling against the reference's model, with a stepped clock (never real sleeps)."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
import pytest
from sandbox.sandbox_signer import FakeClock, call

from mws_async.sandbox import Sandbox
from mws_async.throttle.quotas import QuotaTable
from mws_async.xml import parse_error_response

P = "/Products/2011-10-01"
ORD = "/Orders/2013-09-01"
US = "ATVPDKIKX0DER"


def ids_params(sandbox: Sandbox, n: int, start: int = 0) -> dict[str, str]:
    ids = sandbox.world.sample_ids("ISBN", n, start=start)
    return {"MarketplaceId": US, "IdType": "ISBN", **{f"IdList.Id.{i + 1}": v for i, v in enumerate(ids)}}


async def for_id(client: httpx.AsyncClient, sandbox: Sandbox, n: int) -> httpx.Response:
    return await call(client, sandbox.credentials, P, "GetMatchingProductForId", ids_params(sandbox, n))


def code(response: httpx.Response) -> str:
    return parse_error_response(response.content)[0][0]["Code"]


async def test_worked_example_table(client: httpx.AsyncClient, sandbox: Sandbox, clock: FakeClock) -> None:
    # Reference section 3: capacity 20 items, +5 items/s.
    for _ in range(4):
        assert (await for_id(client, sandbox, 5)).status_code == 200
    fifth = await for_id(client, sandbox, 5)
    assert fifth.status_code == 503
    assert code(fifth) == "RequestThrottled"
    errors, _ = parse_error_response(fifth.content)
    assert errors[0]["Type"] == "Sender"
    assert errors[0]["Message"] == "Request is throttled"
    clock.advance(1.0)
    assert (await for_id(client, sandbox, 5)).status_code == 200
    clock.advance(0.2)
    assert (await for_id(client, sandbox, 1)).status_code == 200
    clock.advance(0.2)
    assert (await for_id(client, sandbox, 5)).status_code == 503  # holds 1, needs 5
    clock.advance(0.79)
    assert (await for_id(client, sandbox, 5)).status_code == 503  # ~4.95 items
    clock.advance(0.02)
    assert (await for_id(client, sandbox, 5)).status_code == 200  # admissible at ~2.2 s
    assert sandbox.request_log.count("GetMatchingProductForId", processed=True) == 7
    assert sandbox.request_log.count("GetMatchingProductForId", error_code="RequestThrottled") == 3


async def test_per_request_operation(client: httpx.AsyncClient, sandbox: Sandbox, clock: FakeClock) -> None:
    params = {"MarketplaceId": US, "Query": "acme"}
    for _ in range(20):
        assert (await call(client, sandbox.credentials, P, "ListMatchingProducts", params)).status_code == 200
    assert (await call(client, sandbox.credentials, P, "ListMatchingProducts", params)).status_code == 503
    clock.advance(4.9)
    assert (await call(client, sandbox.credentials, P, "ListMatchingProducts", params)).status_code == 503
    clock.advance(0.1)
    assert (await call(client, sandbox.credentials, P, "ListMatchingProducts", params)).status_code == 200
    assert (await call(client, sandbox.credentials, P, "ListMatchingProducts", params)).status_code == 503


async def test_twins_share_a_bucket(client: httpx.AsyncClient, sandbox: Sandbox) -> None:
    asins = sandbox.world.sample_ids("ASIN", 20)
    skus = sandbox.world.sample_ids("SellerSKU", 1)
    asin_params = {"MarketplaceId": US, **{f"ASINList.ASIN.{i + 1}": a for i, a in enumerate(asins)}}
    r = await call(client, sandbox.credentials, P, "GetCompetitivePricingForASIN", asin_params)
    assert r.status_code == 200
    sku_params = {"MarketplaceId": US, "SellerSKUList.SellerSKU.1": skus[0]}
    r = await call(client, sandbox.credentials, P, "GetCompetitivePricingForSKU", sku_params)
    assert r.status_code == 503


async def test_list_orders_and_next_token_share_a_bucket(
    client: httpx.AsyncClient, sandbox: Sandbox, clock: FakeClock
) -> None:
    params = {"MarketplaceId.Id.1": US, "CreatedAfter": "2025-10-01T00:00:00Z", "MaxResultsPerPage": "1"}
    first = await call(client, sandbox.credentials, ORD, "ListOrders", params)
    assert first.status_code == 200
    token = first.text.split("<NextToken>")[1].split("</NextToken>")[0]
    for _ in range(5):
        r = await call(client, sandbox.credentials, ORD, "ListOrdersByNextToken", {"NextToken": token})
        assert r.status_code == 200
    assert (await call(client, sandbox.credentials, ORD, "ListOrders", params)).status_code == 503
    assert (
        await call(client, sandbox.credentials, ORD, "ListOrdersByNextToken", {"NextToken": token})
    ).status_code == 503
    clock.advance(60)
    assert (await call(client, sandbox.credentials, ORD, "ListOrders", params)).status_code == 200


async def test_buckets_are_per_seller(client: httpx.AsyncClient, sandbox: Sandbox) -> None:
    for _ in range(4):
        assert (await for_id(client, sandbox, 5)).status_code == 200
    assert (await for_id(client, sandbox, 5)).status_code == 503
    other = sandbox.credentials_for("A1OTHERSELLER99")
    response = await call(client, other, P, "GetMatchingProductForId", ids_params(sandbox, 5))
    assert response.status_code == 200


async def test_quota_headers(client: httpx.AsyncClient, sandbox: Sandbox) -> None:
    response = await for_id(client, sandbox, 2)
    assert response.headers["x-mws-quota-max"] == "18000.0"
    assert response.headers["x-mws-quota-remaining"] == "17999.0"
    resets = datetime.strptime(response.headers["x-mws-quota-resetsOn"], "%Y-%m-%dT%H:%M:%S.%fZ").replace(
        tzinfo=UTC
    )
    assert resets.second == 0
    assert resets.microsecond == 0
    assert 0 < (resets - datetime.now(UTC)).total_seconds() <= 3600
    assert (await for_id(client, sandbox, 2)).headers["x-mws-quota-remaining"] == "17998.0"
    orders = await call(client, sandbox.credentials, ORD, "GetServiceStatus")
    assert orders.status_code == 200
    assert "x-mws-quota-max" not in orders.headers
    get_order = await call(client, sandbox.credentials, ORD, "GetOrder",
                           {"AmazonOrderId.Id.1": sandbox.world.order_id(0)})  # fmt: skip
    assert get_order.status_code == 200
    assert "x-mws-quota-remaining" not in get_order.headers


async def test_hourly_quota_exceeded(clock: FakeClock) -> None:
    quotas = QuotaTable.default().override("Products", "GetMatchingProductForId", hourly=3)
    sandbox = Sandbox(clock=clock, quotas=quotas, catalog_size=1000)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=sandbox.app), base_url="http://h"
    ) as client:
        for _ in range(3):
            assert (await for_id(client, sandbox, 1)).status_code == 200
        refused = await for_id(client, sandbox, 1)
        assert refused.status_code == 503
        assert code(refused) == "QuotaExceeded"
        message = parse_error_response(refused.content)[0][0]["Message"]
        assert message.startswith(
            "You exceeded your quota of 3.0 requests per 1 hour for operation "
            "Products/2011-10-01/GetMatchingProductForId. Your quota will reset on "
        )
        assert refused.headers["x-mws-quota-remaining"] == "0.0"
        clock.advance(3600)
        assert (await for_id(client, sandbox, 1)).status_code == 200


async def test_time_scale(clock: FakeClock) -> None:
    sandbox = Sandbox(clock=clock, time_scale=10.0, catalog_size=1000)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=sandbox.app), base_url="http://h"
    ) as client:
        for _ in range(4):
            assert (await for_id(client, sandbox, 5)).status_code == 200
        assert (await for_id(client, sandbox, 5)).status_code == 503
        clock.advance(0.1)  # 0.1 s x 5 items/s x 10 = 5 items
        assert (await for_id(client, sandbox, 5)).status_code == 200
        headers = (await call(client, sandbox.credentials, P, "GetServiceStatus")).headers
        assert "x-mws-quota-max" not in headers


async def test_throttling_off(clock: FakeClock) -> None:
    sandbox = Sandbox(clock=clock, throttling=False, catalog_size=1000)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=sandbox.app), base_url="http://h"
    ) as client:
        for _ in range(10):
            assert (await for_id(client, sandbox, 5)).status_code == 200


@pytest.mark.parametrize(("n", "status"), [(5, 200), (6, 400)])
async def test_list_limit_checked_before_throttle(
    client: httpx.AsyncClient, sandbox: Sandbox, n: int, status: int
) -> None:
    response = await for_id(client, sandbox, n)
    assert response.status_code == status
    if status == 400:
        assert code(response) == "InvalidParameterValue"
        creds = sandbox.credentials
        assert (
            sandbox.buckets.level(creds.seller_id, creds.access_key, "Products", "GetMatchingProductForId")
            == 20
        )
