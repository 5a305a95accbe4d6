"""Reports in the sandbox: lifecycle over the stepped clock, lists and paging, schedules, acknowledgements,
GetReport documents (encoding, Content-MD5, streaming a large report with flat memory), faults, boto."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json
import sys
import tracemalloc
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from sandbox.sandbox_signer import FakeClock, call, signed_params
from support import requires_boto

from mws_async import MWSClient
from mws_async.errors import ContentMD5MismatchError, NextTokenCorruptedError
from mws_async.models.lenient import result_of
from mws_async.models.reports import REPORTS_FORCE_LIST, GetReportRequestListResult
from mws_async.sandbox import Fault, Sandbox
from mws_async.sandbox.handlers.reports import LARGE_REPORT_TYPE
from mws_async.sandbox.store import REPORT_HISTORY
from mws_async.xml import parse, parse_error_response

R = "/Reports/2009-01-01"


def doc(response: httpx.Response, action: str) -> Any:
    assert response.status_code == 200, response.text
    return result_of(parse(response.content, force_list=REPORTS_FORCE_LIST), action)


def code(response: httpx.Response) -> str:
    return str(parse_error_response(response.content)[0][0]["Code"])


async def test_lifecycle_over_stepped_clock_and_download(
    mws: MWSClient, sandbox: Sandbox, clock: FakeClock, tmp_path: Path
) -> None:
    info = await mws.reports.request_report("_GET_MERCHANT_LISTINGS_DATA_")
    assert info.report_processing_status == "_SUBMITTED_" and info.generated_report_id is None
    statuses = []
    for step in (0, 30, 30):
        clock.advance(step)
        [now] = [
            i async for i in mws.reports.get_report_request_list(report_request_ids=[info.report_request_id])
        ]
        statuses.append(now.report_processing_status)
    assert statuses == ["_SUBMITTED_", "_IN_PROGRESS_", "_DONE_"]
    assert now.generated_report_id and now.completed_date and now.started_processing_date
    result = await mws.reports.get_report(now.generated_report_id, tmp_path / "listings.txt")
    data = result.path.read_bytes()
    assert result.md5 == base64.b64encode(hashlib.md5(data).digest()).decode()
    assert result.content_type == "text/plain;charset=windows-1252"
    rows = [r async for r in mws.reports.iter_report_rows(now.generated_report_id)]
    state = sandbox.world.store.seller(sandbox.credentials.seller_id)
    assert [r["seller-sku"] for r in rows] == [sandbox.world.product(i).sku for i in state.listings]
    assert {r["asin1"] for r in rows} >= {sandbox.world.product(state.listings[0]).asin}
    # windows-1252 on the wire: "é" is one byte 0xE9, and rows decode back to it.
    assert "Très bon état – emballage d'origine".encode("cp1252") in data
    assert any(r["item-note"].startswith("Très") for r in rows)
    # The report is now listed, unacknowledged.
    reports = [r async for r in mws.reports.get_report_list(report_request_ids=[info.report_request_id])]
    assert [(r.report_id, r.acknowledged) for r in reports] == [(now.generated_report_id, False)]


@pytest.mark.parametrize(
    ("report_type", "final"),
    [("_GET_SANDBOX_NO_DATA_", "_DONE_NO_DATA_"), ("_GET_SANDBOX_CANCEL_", "_CANCELLED_")],
)
async def test_final_statuses(mws: MWSClient, clock: FakeClock, report_type: str, final: str) -> None:
    info = await mws.reports.request_report(report_type)
    clock.advance(61)
    [done] = [
        i async for i in mws.reports.get_report_request_list(report_request_ids=[info.report_request_id])
    ]
    assert done.report_processing_status == final and done.generated_report_id is None


async def test_orders_report_lists_the_world_orders(
    mws: MWSClient, sandbox: Sandbox, clock: FakeClock
) -> None:
    world = sandbox.world
    start, end = world.anchor - timedelta(days=10), world.anchor - timedelta(days=5)
    info = await mws.reports.request_report("_GET_FLAT_FILE_ORDERS_DATA_", start_date=start, end_date=end)
    clock.advance(60)
    [done] = [
        i async for i in mws.reports.get_report_request_list(report_request_ids=[info.report_request_id])
    ]
    assert done.generated_report_id is not None
    rows = [r async for r in mws.reports.iter_report_rows(done.generated_report_id)]
    expected = {world.order(j).amazon_order_id for j in world.orders_created(start, end)}
    assert expected and {r["order-id"] for r in rows} == expected


async def test_request_list_paging_is_complete(
    client: httpx.AsyncClient, sandbox: Sandbox, mws: MWSClient
) -> None:
    creds = sandbox.credentials
    first = await call(client, creds, R, "GetReportRequestList", {"MaxCount": "100"})
    page = GetReportRequestListResult.model_validate(doc(first, "GetReportRequestList"))
    ids = [i.report_request_id for i in page.records]
    assert page.has_next is True and len(ids) == 100
    # A request made meanwhile does not shift the pinned listing.
    await mws.reports.request_report("_GET_MERCHANT_LISTINGS_DATA_")
    token = page.next_token
    while token:
        response = await call(client, creds, R, "GetReportRequestListByNextToken", {"NextToken": token})
        page = GetReportRequestListResult.model_validate(doc(response, "GetReportRequestListByNextToken"))
        ids += [i.report_request_id for i in page.records]
        token = page.next_token if page.has_next else None
    assert len(ids) == len(set(ids)) == REPORT_HISTORY
    # Default MaxCount is 10; the real client's paginator sees history + the new request.
    default = await call(client, creds, R, "GetReportRequestList")
    assert len(doc(default, "GetReportRequestList")["ReportRequestInfo"]) == 10
    assert len([i async for i in mws.reports.get_report_request_list()]) == REPORT_HISTORY + 1
    assert await mws.reports.get_report_request_count() == REPORT_HISTORY + 1
    done = await mws.reports.get_report_request_count(statuses=["_DONE_"])
    listed = [i async for i in mws.reports.get_report_request_list(statuses=["_DONE_"], max_count=100)]
    assert done == len(listed) and {i.report_processing_status for i in listed} == {"_DONE_"}
    bad = await call(client, creds, R, "GetReportRequestList", {"MaxCount": "101"})
    assert (bad.status_code, code(bad)) == (400, "InvalidParameterValue")


async def test_report_list_acknowledgements_and_counts(mws: MWSClient) -> None:
    reports = [r async for r in mws.reports.get_report_list(max_count=100)]
    assert len(reports) == len({r.report_id for r in reports}) == await mws.reports.get_report_count()
    unacked = [r async for r in mws.reports.get_report_list(acknowledged=False, max_count=100)]
    assert 0 < len(unacked) < len(reports)
    assert await mws.reports.get_report_count(acknowledged=False) == len(unacked)
    ids = [r.report_id for r in unacked[:5]]
    result = await mws.reports.update_report_acknowledgements(ids, True)
    assert result.count == 5 and all(r.acknowledged for r in result.records)
    assert await mws.reports.get_report_count(acknowledged=False) == len(unacked) - 5
    types = {r.report_type for r in reports}
    assert await mws.reports.get_report_count(report_types=["_GET_MERCHANT_LISTINGS_DATA_"]) == sum(
        r.report_type == "_GET_MERCHANT_LISTINGS_DATA_" for r in reports
    )
    assert "_GET_FLAT_FILE_ORDERS_DATA_" in types


async def test_cancel_only_submitted(mws: MWSClient, clock: FakeClock) -> None:
    old = await mws.reports.request_report("_GET_MERCHANT_LISTINGS_DATA_")
    clock.advance(40)  # in progress now
    new = await mws.reports.request_report("_GET_MERCHANT_LISTINGS_DATA_")
    result = await mws.reports.cancel_report_requests(
        report_request_ids=[old.report_request_id, new.report_request_id]
    )
    assert result.count == 1 and [
        (i.report_request_id, i.report_processing_status) for i in result.records
    ] == [(new.report_request_id, "_CANCELLED_")]
    clock.advance(100)
    infos = {i.report_request_id: i async for i in mws.reports.get_report_request_list(
        report_request_ids=[old.report_request_id, new.report_request_id])}  # fmt: skip
    assert infos[old.report_request_id].report_processing_status == "_DONE_"
    assert infos[new.report_request_id].report_processing_status == "_CANCELLED_"


async def test_schedules(mws: MWSClient) -> None:
    assert await mws.reports.get_report_schedule_count() == 2
    result = await mws.reports.manage_report_schedule("_GET_AFN_INVENTORY_DATA_", "_1_DAY_")
    assert result.count == 1 and result.records[0].schedule == "_1_DAY_"
    schedules = {s.report_type: s.schedule async for s in mws.reports.get_report_schedule_list()}
    assert schedules["_GET_AFN_INVENTORY_DATA_"] == "_1_DAY_" and len(schedules) == 3
    await mws.reports.manage_report_schedule("_GET_AFN_INVENTORY_DATA_", "_NEVER_")
    assert await mws.reports.get_report_schedule_count(report_types=["_GET_AFN_INVENTORY_DATA_"]) == 0


async def _drive(app: Any, path: str, query: bytes) -> tuple[dict[str, str], int, str]:
    """Run one GET through the raw ASGI app, hashing the body as it streams (nothing is kept)."""
    md5, size, headers = hashlib.md5(), 0, {}
    sent = False

    async def receive() -> dict[str, Any]:
        nonlocal sent
        if sent:
            await asyncio.sleep(3600)
        sent = True
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        nonlocal size
        if message["type"] == "http.response.start":
            headers.update({k.decode(): v.decode() for k, v in message["headers"]})
        else:
            md5.update(message.get("body", b""))
            size += len(message.get("body", b""))

    scope = {
        "type": "http",
        "method": "GET",
        "path": path,
        "query_string": query,
        "headers": [(b"host", b"127.0.0.1:8000"), (b"user-agent", b"test/1.0 (Language=Python/3.11)")],
        "client": ("127.0.0.1", 5000),
        "server": ("127.0.0.1", 8000),
        "scheme": "http",
    }
    await app(scope, receive, send)
    return headers, size, base64.b64encode(md5.digest()).decode()


async def test_large_report_streams_with_flat_memory(
    mws: MWSClient, sandbox: Sandbox, clock: FakeClock
) -> None:
    from urllib.parse import urlencode

    size = 20 * 1024 * 1024 + 17
    info = await mws.reports.request_report(LARGE_REPORT_TYPE, report_options=f"size={size}")
    clock.advance(60)
    [done] = [
        i async for i in mws.reports.get_report_request_list(report_request_ids=[info.report_request_id])
    ]
    assert done.generated_report_id is not None
    params = signed_params(
        sandbox.credentials,
        R,
        "GetReport",
        {"ReportId": done.generated_report_id},
        host="127.0.0.1:8000",
        method="GET",
    )
    tracemalloc.start()
    try:
        headers, received, md5 = await _drive(sandbox.app, R, urlencode(params).encode())
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert received == size == int(headers["content-length"])
    assert headers["content-md5"] == md5
    assert peak < 3 * 1024 * 1024, peak  # two passes over 20 MB, never more than a few chunks held


async def test_md5_mismatch_fault(mws: MWSClient, sandbox: Sandbox, tmp_path: Path) -> None:
    report_id = (await anext(aiter(mws.reports.get_report_list()))).report_id
    sandbox.faults.add("md5_mismatch", "GetReport", times=1)  # alias of "MD5Mismatch"
    result = await mws.reports.get_report(report_id, tmp_path / "a.txt")  # one bad body, then a good one
    assert result.size > 0
    records = sandbox.request_log.filter("GetReport")
    assert [(r.fault, r.processed) for r in records] == [("MD5Mismatch", True), (None, True)]
    sandbox.faults.schedule.append(Fault("MD5Mismatch", times=2))  # applies only to GetReport-like calls
    with pytest.raises(ContentMD5MismatchError):
        await mws.reports.get_report(report_id, tmp_path / "b.txt")
    sandbox.faults.reset()
    sandbox.faults.md5_mismatch_rate = 1.0
    assert await mws.reports.get_report_count() > 0  # not a document: never corrupted


async def test_quota_headers_and_merchant(client: httpx.AsyncClient, sandbox: Sandbox) -> None:
    creds = sandbox.credentials
    response = await call(
        client, creds, R, "GetReportCount", {"Merchant": creds.seller_id}, drop=("SellerId",)
    )
    assert response.status_code == 200
    assert (
        response.headers["x-mws-quota-max"] == "80.0" and response.headers["x-mws-quota-remaining"] == "79.0"
    )
    assert sandbox.request_log.last("GetReportCount").seller_id == creds.seller_id  # type: ignore[union-attr]


async def test_next_token_corrupted(client: httpx.AsyncClient, sandbox: Sandbox, mws: MWSClient) -> None:
    creds = sandbox.credentials
    token = doc(await call(client, creds, R, "GetReportList"), "GetReportList")["NextToken"]
    tampered = await call(client, creds, R, "GetReportListByNextToken", {"NextToken": token[:-3] + "AAA"})
    assert (tampered.status_code, code(tampered)) == (400, "NextTokenCorrupted")
    sandbox.faults.add("NextTokenCorrupted", "GetReportListByNextToken")
    faulted = await call(client, creds, R, "GetReportListByNextToken", {"NextToken": token})
    assert code(faulted) == "NextTokenCorrupted"
    assert (await call(client, creds, R, "GetReportListByNextToken", {"NextToken": token})).status_code == 200
    # The real client restarts the listing and still yields every report once.
    sandbox.faults.add("NextTokenCorrupted", "GetReportListByNextToken")
    ids = [r.report_id async for r in mws.reports.get_report_list(max_count=50)]
    assert len(ids) == len(set(ids)) == await mws.reports.get_report_count()
    sandbox.faults.add("NextTokenCorrupted", "GetReportListByNextToken", times=10)
    with pytest.raises(NextTokenCorruptedError):
        async for _ in mws.reports.get_report_list(max_count=100):
            pass


async def test_root_path_dispatch(client: httpx.AsyncClient, sandbox: Sandbox) -> None:
    response = await call(client, sandbox.credentials, "/", "GetReportCount", version="2009-01-01")
    assert doc(response, "GetReportCount")["Count"]
    assert sandbox.request_log.last().section == "Reports"  # type: ignore[union-attr]
    unknown = await call(client, sandbox.credentials, "/", "ListOrders", version="2013-09-01")
    assert (unknown.status_code, code(unknown)) == (404, "InvalidAddress")


_BOTO_SCRIPT = """
import json, sys, warnings
warnings.simplefilter("ignore")
from boto.mws.connection import MWSConnection
port, key, secret, seller = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
conn = MWSConnection(aws_access_key_id=key, aws_secret_access_key=secret, Merchant=seller,
                     host="127.0.0.1", port=port, is_secure=False)
count = conn.get_report_count().GetReportCountResult.Count
listing = conn.get_report_request_list(MaxCount=5).GetReportRequestListResult
print(json.dumps({"count": int(count), "requests": len(listing.ReportRequestInfo)}))
"""


@requires_boto
async def test_boto_reports_interop() -> None:
    async with Sandbox(catalog_size=10_000, order_count=200) as sb:
        creds = sb.credentials
        proc = await asyncio.create_subprocess_exec(
            sys.executable,
            "-c",
            _BOTO_SCRIPT,
            sb.base_url.rsplit(":", 1)[1],
            creds.access_key,
            creds.secret_key.reveal(),
            creds.seller_id,
            stdout=asyncio.subprocess.PIPE,
        )
        out, _ = await proc.communicate()
        result = json.loads(out.decode().strip().splitlines()[-1])
        state = sb.world.store.seller(creds.seller_id)
        assert result == {"count": sum(r.report_id is not None for r in state.requests), "requests": 5}
        # boto posts to "/" with Merchant; both calls were dispatched to Reports by Action.
        assert sb.request_log.count("GetReportCount", section="Reports", processed=True) == 1
        assert sb.request_log.count("GetReportRequestList", section="Reports", processed=True) == 1


async def test_request_and_download_against_real_server(tmp_path: Path) -> None:
    async with Sandbox(time_scale=1000.0, catalog_size=10_000, order_count=200) as sb:
        async with MWSClient(sb.credentials, base_url=sb.base_url, time_scale=1000.0) as client:
            result = await asyncio.wait_for(
                client.reports.request_and_download(
                    "_GET_AFN_INVENTORY_DATA_", tmp_path / "inv.txt", initial_interval=15.0
                ),
                timeout=20,
            )
            assert result is not None and result.size > 0
            header = result.path.read_text(encoding="cp1252").splitlines()[0]
            assert header.startswith("seller-sku\tfulfillment-channel-sku\tasin")
            none = await client.reports.request_and_download(
                "_GET_X_NO_DATA_", tmp_path / "x", initial_interval=15.0
            )
            assert none is None
        assert sb.request_log.count("GetReport", processed=True) == 1


def test_report_dates_are_deterministic() -> None:
    a = Sandbox(seed=3, catalog_size=5000, order_count=100).world.store.seller("A2SANDBOXSELLER")
    b = Sandbox(seed=3, catalog_size=5000, order_count=100).world.store.seller("A2SANDBOXSELLER")
    assert [(r.request_id, r.report_type, r.submitted, r.final) for r in a.requests] == [
        (r.request_id, r.report_type, r.submitted, r.final) for r in b.requests
    ]
    assert all(r.submitted < datetime(2026, 1, 1, tzinfo=UTC) for r in a.requests)
