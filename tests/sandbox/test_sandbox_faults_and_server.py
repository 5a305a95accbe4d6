"""Fault injection, the request log, the real uvicorn server, interop with boto 2 and python-amazon-mws."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime

import httpx
import pytest
from sandbox.sandbox_signer import call
from support import requires_boto

from mws_async.errors import UnexpectedResponseError
from mws_async.sandbox import Fault, Faults, Sandbox
from mws_async.xml import parse, parse_error_response

P = "/Products/2011-10-01"
ORD = "/Orders/2013-09-01"
US = "ATVPDKIKX0DER"
DEC_1 = datetime(2025, 12, 1, tzinfo=UTC)


def for_id_params(sandbox: Sandbox) -> dict[str, str]:
    return {"MarketplaceId": US, "IdType": "ISBN", "IdList.Id.1": sandbox.world.sample_ids("ISBN", 1)[0]}


@pytest.mark.parametrize(
    ("kind", "status", "code", "type_"),
    [
        ("RequestThrottled", 503, "RequestThrottled", "Sender"),
        ("QuotaExceeded", 503, "QuotaExceeded", "Sender"),
        ("ServiceUnavailable", 503, "ServiceUnavailable", "Receiver"),
        ("InternalError", 500, "InternalError", "Receiver"),
    ],
)
async def test_error_faults(
    client: httpx.AsyncClient, sandbox: Sandbox, kind: str, status: int, code: str, type_: str
) -> None:
    sandbox.faults.schedule.append(Fault(kind, operation="GetMatchingProductForId", times=2))
    level = sandbox.buckets.level(
        sandbox.credentials.seller_id, sandbox.credentials.access_key, "Products", "GetMatchingProductForId"
    )
    for _ in range(2):
        response = await call(
            client, sandbox.credentials, P, "GetMatchingProductForId", for_id_params(sandbox)
        )
        errors, _ = parse_error_response(response.content)
        assert (response.status_code, errors[0]["Code"], errors[0]["Type"]) == (status, code, type_)
    other = await call(client, sandbox.credentials, P, "GetServiceStatus")
    assert other.status_code == 200  # the schedule names one operation
    assert (
        await call(client, sandbox.credentials, P, "GetMatchingProductForId", for_id_params(sandbox))
    ).status_code == 200
    log = sandbox.request_log
    assert log.count("GetMatchingProductForId", processed=False) == 2
    assert log.count("GetMatchingProductForId", processed=True) == 1
    assert [r.fault for r in log.filter("GetMatchingProductForId")] == [kind, kind, None]
    # Faulted calls consumed nothing: only the one processed call (1 item) left the bucket.
    after = sandbox.buckets.level(
        sandbox.credentials.seller_id, sandbox.credentials.access_key, "Products", "GetMatchingProductForId"
    )
    assert after == level - 1


async def test_html_and_truncated_faults(client: httpx.AsyncClient, sandbox: Sandbox) -> None:
    sandbox.faults.add("HTML", "GetServiceStatus")
    sandbox.faults.add("Truncated", "GetMatchingProductForId")
    html = await call(client, sandbox.credentials, P, "GetServiceStatus")
    assert html.status_code == 502
    assert html.headers["content-type"] == "text/html"
    assert b"502 Bad Gateway" in html.content
    cut = await call(client, sandbox.credentials, P, "GetMatchingProductForId", for_id_params(sandbox))
    assert cut.status_code == 200
    assert cut.content.startswith(b'<?xml version="1.0"?>')
    with pytest.raises(UnexpectedResponseError):
        parse(cut.content)
    assert sandbox.request_log.count(processed=False) == 2


async def test_next_token_fault_only_on_by_next_token(client: httpx.AsyncClient, sandbox: Sandbox) -> None:
    sandbox.faults.next_token_corrupted_rate = 1.0
    params = {"MarketplaceId.Id.1": US, "CreatedAfter": "2025-10-01T00:00:00Z", "MaxResultsPerPage": "1"}
    first = await call(client, sandbox.credentials, ORD, "ListOrders", params)
    assert first.status_code == 200
    token = first.text.split("<NextToken>")[1].split("<")[0]
    response = await call(client, sandbox.credentials, ORD, "ListOrdersByNextToken", {"NextToken": token})
    assert response.status_code == 400
    assert parse_error_response(response.content)[0][0]["Code"] == "NextTokenCorrupted"


async def test_random_faults_are_deterministic_under_a_seed(sandbox: Sandbox) -> None:
    async def outcomes(seed: int) -> list[int]:
        faults = Faults(seed=seed, throttle_rate=0.3, internal_error_rate=0.2)
        sb = Sandbox(seed=0, faults=faults, throttling=False, catalog_size=1000)
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=sb.app), base_url="http://h") as c:
            return [(await call(c, sb.credentials, P, "GetServiceStatus")).status_code for _ in range(30)]

    first, again, other = await outcomes(1), await outcomes(1), await outcomes(2)
    assert first == again
    assert first != other
    assert {200, 500, 503} <= set(first)


async def test_latency_fault(client: httpx.AsyncClient, sandbox: Sandbox) -> None:
    sandbox.faults.schedule.append(Fault("Latency", seconds=0.2))
    start = time.perf_counter()
    response = await call(client, sandbox.credentials, P, "GetServiceStatus")
    assert response.status_code == 200
    assert time.perf_counter() - start >= 0.2
    assert sandbox.request_log.last() is not None
    assert sandbox.request_log[-1].processed


def test_fault_validation() -> None:
    with pytest.raises(ValueError, match="unknown fault kind"):
        Fault("Gremlins")


async def test_request_log_is_bounded(clock: object) -> None:
    sb = Sandbox(request_log_size=3, catalog_size=1000, throttling=False)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=sb.app), base_url="http://h") as c:
        for _ in range(5):
            await call(c, sb.credentials, P, "GetServiceStatus")
    assert len(sb.request_log) == 3
    record = sb.request_log[0]
    assert (record.operation, record.section, record.status, record.processed) == (
        "GetServiceStatus",
        "Products",
        200,
        True,
    )
    assert "AWSAccessKeyId" not in record.params
    assert record.params["Action"] == "GetServiceStatus"


async def test_real_server_and_connection_reset() -> None:
    async with Sandbox(catalog_size=1000, order_count=100) as sb:
        assert sb.base_url.startswith("http://127.0.0.1:")
        async with httpx.AsyncClient(base_url=sb.base_url) as client:
            response = await call(client, sb.credentials, P, "GetServiceStatus")
            assert response.status_code == 200
            sb.faults.add("ConnectionReset", "GetServiceStatus")
            with pytest.raises((httpx.RemoteProtocolError, httpx.ReadError)):
                await call(client, sb.credentials, P, "GetServiceStatus")
            assert (await call(client, sb.credentials, P, "GetServiceStatus")).status_code == 200
        assert sb.request_log.count("GetServiceStatus", processed=False) == 1
    assert not sb.started


async def test_reset_through_asgi_transport(client: httpx.AsyncClient, sandbox: Sandbox) -> None:
    sandbox.faults.add("ConnectionReset")
    with pytest.raises(ConnectionResetError):
        await call(client, sandbox.credentials, P, "GetServiceStatus")


# boto 2 installs a meta-path importer (vendored six) that makes every later import warn, so it runs in a
# child process; the sandbox serves it from this test's event loop.
_BOTO_SCRIPT = """
import json, sys, warnings
warnings.simplefilter("ignore")
from boto.mws.connection import MWSConnection
from boto.mws.exception import ResponseError
port, key, secret, seller = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
isbns = sys.argv[5].split(",")
conn = MWSConnection(aws_access_key_id=key, aws_secret_access_key=secret, Merchant=seller,
                     host="127.0.0.1", port=port, is_secure=False)
try:
    result = conn.get_matching_product_for_id(MarketplaceId="ATVPDKIKX0DER", IdType="ISBN", IdList=isbns)
    asin = result.GetMatchingProductForIdResult[0].Products.Product[0].Identifiers.MarketplaceASIN.ASIN
    orders = conn.list_orders(MarketplaceId=["ATVPDKIKX0DER"], CreatedAfter="2025-12-01T00:00:00Z")
    print(json.dumps({"asin": asin, "orders": len(orders.ListOrdersResult.Orders.Order)}))
except ResponseError as error:
    print(json.dumps({"error": error.status, "body": str(error.body)}))
"""


async def _run_boto(sb: Sandbox, secret: str, isbns: list[str]) -> dict[str, object]:
    import json
    import sys

    port = sb.base_url.rsplit(":", 1)[1]
    creds = sb.credentials
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        _BOTO_SCRIPT,
        port,
        creds.access_key,
        secret,
        creds.seller_id,
        ",".join(isbns),
        stdout=asyncio.subprocess.PIPE,
    )
    out, _ = await proc.communicate()
    result: dict[str, object] = json.loads(out.decode().strip().splitlines()[-1])  # boto prints codes too
    return result


@requires_boto
async def test_boto_interop() -> None:
    async with Sandbox(catalog_size=10_000, order_count=200) as sb:
        isbns = sb.world.sample_ids("ISBN", 2)
        result = await _run_boto(sb, sb.credentials.secret_key.reveal(), isbns)
        assert result["asin"] == sb.world.product(sb.world.resolve("ISBN", isbns[0]) or 0).asin
        assert result["orders"] == min(100, len(sb.world.orders_created(DEC_1, sb.world.anchor)))
        tampered = await _run_boto(sb, "tampered-secret", isbns)
        assert tampered["error"] == 403
        assert "SignatureDoesNotMatch" in str(tampered["body"])
        # boto signs the bare host (no port) and sends Merchant, not SellerId; both are accepted.
        assert sb.request_log.count("GetMatchingProductForId", processed=True) == 1


async def test_python_amazon_mws_interop() -> None:
    import mws

    async with Sandbox(catalog_size=10_000, order_count=200) as sb:
        creds = sb.credentials
        domain = sb.base_url
        isbns = sb.world.sample_ids("ISBN", 2)

        def run(secret: str) -> tuple[str, int]:
            products = mws.Products(creds.access_key, secret, creds.seller_id, region="US", domain=domain)
            parsed = products.get_matching_product_for_id(US, "ISBN", isbns).parsed
            asin = parsed[0]["Products"]["Product"]["Identifiers"]["MarketplaceASIN"]["ASIN"]
            orders = mws.Orders(creds.access_key, secret, creds.seller_id, region="US", domain=domain)
            listed = orders.list_orders(marketplaceids=[US], created_after="2025-12-01T00:00:00Z").parsed
            return asin, len(listed["Orders"]["Order"])

        asin, count = await asyncio.to_thread(run, creds.secret_key.reveal())
        assert asin == sb.world.product(sb.world.resolve("ISBN", isbns[0]) or 0).asin
        assert count == min(100, len(sb.world.orders_created(DEC_1, sb.world.anchor)))
        with pytest.raises(mws.MWSError) as info:
            await asyncio.to_thread(run, "tampered-secret")
        assert "SignatureDoesNotMatch" in str(info.value)
