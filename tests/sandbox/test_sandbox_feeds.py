"""Feeds in the sandbox: SubmitFeed's Content-MD5 rules, lifecycle, processing reports, lists, cancellation,
and the outcome-unknown path (a feed processed, then the connection dropped)."""

from __future__ import annotations

import base64
import hashlib
import re
from urllib.parse import urlencode, urlsplit

import httpx
import pytest
from sandbox.sandbox_signer import USER_AGENT, FakeClock, call, signed_params

from mws_async import MWSClient
from mws_async.errors import ContentMD5MismatchError, MWSResponseError, OutcomeUnknownError
from mws_async.models.feeds import FEEDS_FORCE_LIST
from mws_async.models.lenient import result_of
from mws_async.retry import RetryPolicy
from mws_async.sandbox import Sandbox
from mws_async.sandbox.handlers.feeds import count_messages
from mws_async.sandbox.store import FEED_HISTORY
from mws_async.xml import parse, parse_error_response

F = "/Feeds/2009-01-01"
FLAT = b"sku\tprice\tquantity\nwidget\t\t0\nSKU-1\t9.99\t3\n\t1.00\t1\n"
XML = (
    b'<?xml version="1.0"?><AmazonEnvelope><Header><DocumentVersion>1.01</DocumentVersion></Header>'
    b"<MessageType>Price</MessageType><Message><MessageID>1</MessageID></Message>"
    b"<Message><MessageID>2</MessageID></Message></AmazonEnvelope>"
)


def md5(data: bytes) -> str:
    return base64.b64encode(hashlib.md5(data).digest()).decode()


def code(response: httpx.Response) -> str:
    return str(parse_error_response(response.content)[0][0]["Code"])


async def submit(
    client: httpx.AsyncClient,
    sandbox: Sandbox,
    body: bytes,
    params: dict[str, str],
    headers: dict[str, str] | None = None,
) -> httpx.Response:
    """SubmitFeed as MWS wanted it: every parameter signed in the query string, the feed as the body."""
    host = urlsplit(str(client.base_url)).netloc
    query = signed_params(
        sandbox.credentials,
        F,
        "SubmitFeed",
        {"FeedType": "_POST_FLAT_FILE_INVLOADER_DATA_", **params},
        host=host,
    )
    return await client.post(
        f"{F}?{urlencode(query)}",
        content=body,
        headers={
            "User-Agent": USER_AGENT,
            "Content-Type": "text/tab-separated-values; charset=iso-8859-1",
            **(headers or {}),
        },
    )


async def test_content_md5_rules(client: httpx.AsyncClient, sandbox: Sandbox) -> None:
    assert md5(b"sku\tprice\tquantity\nwidget\t\t0\n") == "iUI5qlSDSrZOHRgvj4amUQ=="  # reference 1.6
    missing = await submit(client, sandbox, FLAT, {})
    assert (missing.status_code, code(missing)) == (400, "ContentMD5Missing")
    wrong = await submit(client, sandbox, FLAT, {"ContentMD5Value": md5(b"other")})
    assert (wrong.status_code, code(wrong)) == (400, "ContentMD5DoesNotMatch")
    legacy = await submit(client, sandbox, FLAT, {}, {"Content-MD5": md5(FLAT)})
    assert legacy.status_code == 200
    clash = await submit(client, sandbox, FLAT, {"ContentMD5Value": md5(FLAT)}, {"Content-MD5": md5(b"x")})
    assert (clash.status_code, code(clash)) == (400, "InvalidParameterValue")
    ok = await submit(client, sandbox, FLAT, {"ContentMD5Value": md5(FLAT)})
    info = result_of(parse(ok.content, force_list=FEEDS_FORCE_LIST), "SubmitFeed")["FeedSubmissionInfo"][0]
    assert info["FeedProcessingStatus"] == "_SUBMITTED_"
    records = sandbox.request_log.filter("SubmitFeed")
    assert [(r.processed, r.error_code) for r in records] == [
        (False, "ContentMD5Missing"),
        (False, "ContentMD5DoesNotMatch"),
        (True, None),
        (False, "InvalidParameterValue"),
        (True, None),
    ]
    assert all(r.body_size == len(FLAT) and r.body_md5 == md5(FLAT) for r in records)
    assert ok.headers["x-mws-quota-max"] == "30.0"


async def test_lifecycle_and_processing_report(mws: MWSClient, sandbox: Sandbox, clock: FakeClock) -> None:
    flat = await mws.feeds.submit_feed(FLAT, "_POST_FLAT_FILE_INVLOADER_DATA_")
    xml = await mws.feeds.submit_feed(XML, "_POST_PRODUCT_PRICING_DATA_")
    assert flat.feed_processing_status == xml.feed_processing_status == "_SUBMITTED_"
    with pytest.raises(MWSResponseError) as not_ready:
        await mws.feeds.get_feed_submission_result(flat.feed_submission_id)
    assert (not_ready.value.code, not_ready.value.status_code) == ("FeedProcessingResultNotReady", 404)
    clock.advance(30)
    [now] = [
        f async for f in mws.feeds.get_feed_submission_list(feed_submission_ids=[flat.feed_submission_id])
    ]
    assert now.feed_processing_status == "_IN_PROGRESS_" and now.started_processing_date is not None
    clock.advance(30)
    report = await mws.feeds.get_feed_submission_result(flat.feed_submission_id)
    assert report.document_transaction_id == flat.feed_submission_id
    assert report.processing_summary is not None
    summary = report.processing_summary
    assert (summary.messages_processed, summary.messages_successful, summary.messages_with_error) == (3, 2, 1)
    assert [r.message_id for r in report.errors] == ["3"]
    assert report.merchant_identifier == sandbox.credentials.seller_id
    xml_report = await mws.feeds.get_feed_submission_result(xml.feed_submission_id)
    assert xml_report.processing_summary is not None and xml_report.processing_summary.messages_processed == 2
    # Exactly one processed SubmitFeed carried each body.
    landed = [r.body_md5 for r in sandbox.request_log.filter("SubmitFeed", processed=True)]
    assert landed == [md5(FLAT), md5(XML)]


async def test_lists_counts_and_cancel(mws: MWSClient, clock: FakeClock) -> None:
    ids = [f.feed_submission_id async for f in mws.feeds.get_feed_submission_list(max_count=7)]
    assert len(ids) == len(set(ids)) == FEED_HISTORY
    started = await mws.feeds.submit_feed(FLAT, "_POST_FLAT_FILE_INVLOADER_DATA_")
    clock.advance(31)
    fresh = await mws.feeds.submit_feed(FLAT, "_POST_FLAT_FILE_INVLOADER_DATA_")
    assert await mws.feeds.get_feed_submission_count() == FEED_HISTORY + 2
    assert await mws.feeds.get_feed_submission_count(statuses=["_SUBMITTED_"]) == 1
    result = await mws.feeds.cancel_feed_submissions(
        feed_submission_ids=[started.feed_submission_id, fresh.feed_submission_id]
    )
    statuses = {i.feed_submission_id: i.feed_processing_status for i in result.records}
    assert statuses == {started.feed_submission_id: "_IN_PROGRESS_", fresh.feed_submission_id: "_CANCELLED_"}
    with pytest.raises(MWSResponseError) as cancelled:
        await mws.feeds.get_feed_submission_result(fresh.feed_submission_id)
    assert cancelled.value.code == "FeedCanceled"
    history = await mws.feeds.get_feed_submission_count(feed_types=["_POST_PRODUCT_PRICING_DATA_"])
    assert 0 < history < FEED_HISTORY


async def test_md5_fault_on_feed_result(mws: MWSClient, sandbox: Sandbox, tmp_path: object) -> None:
    feed_id = (await anext(aiter(mws.feeds.get_feed_submission_list()))).feed_submission_id
    sandbox.faults.add("MD5Mismatch", "GetFeedSubmissionResult", times=2)
    with pytest.raises(ContentMD5MismatchError):
        await mws.feeds.get_feed_submission_result(feed_id)
    assert (await mws.feeds.get_feed_submission_result(feed_id)).document_transaction_id == feed_id


async def test_list_next_token_corrupted(client: httpx.AsyncClient, sandbox: Sandbox) -> None:
    creds = sandbox.credentials
    first = await call(client, creds, F, "GetFeedSubmissionList")
    token = result_of(parse(first.content), "GetFeedSubmissionList")["NextToken"]
    sandbox.faults.add("NextTokenCorrupted")
    faulted = await call(client, creds, F, "GetFeedSubmissionListByNextToken", {"NextToken": token})
    assert (faulted.status_code, code(faulted)) == (400, "NextTokenCorrupted")
    again = await call(client, creds, F, "GetFeedSubmissionListByNextToken", {"NextToken": token})
    assert again.status_code == 200


async def test_outcome_unknown_after_processing() -> None:
    async with (
        Sandbox(catalog_size=10_000, order_count=100) as sb,
        MWSClient(sb.credentials, base_url=sb.base_url, retry=RetryPolicy(max_attempts=3)) as client,
    ):
        sb.faults.add("ResetAfterProcessing", "SubmitFeed")
        with pytest.raises(OutcomeUnknownError):
            await client.feeds.submit_feed(FLAT, "_POST_FLAT_FILE_INVLOADER_DATA_")
        # It landed exactly once (never resent), and the listing shows it.
        landed = sb.request_log.filter("SubmitFeed")
        assert [(r.processed, r.fault, r.body_md5) for r in landed] == [
            (True, "ResetAfterProcessing", md5(FLAT))
        ]
        newest = await anext(aiter(client.feeds.get_feed_submission_list(max_count=1)))
        assert newest.submitted_date is not None
        assert sb.world.store.seller(sb.credentials.seller_id).feeds[-1].body_md5 == md5(FLAT)
        # The plain reset drops the connection *without* processing.
        sb.faults.add("ConnectionReset", "SubmitFeed")
        with pytest.raises(OutcomeUnknownError):
            await client.feeds.submit_feed(XML, "_POST_PRODUCT_PRICING_DATA_")
        assert [(r.processed, r.fault) for r in sb.request_log.filter("SubmitFeed")][1:] == [
            (False, "ConnectionReset")
        ]
        assert len(sb.world.store.seller(sb.credentials.seller_id).feeds) == FEED_HISTORY + 1


@pytest.mark.parametrize("size", [1, 7, 8, 9, 10, 64, 4096])
@pytest.mark.parametrize(
    "body",
    [
        b'<?xml version="1.0"?><AmazonEnvelope>'
        + b"".join(b"<Message><MessageID>%d</MessageID></Message>\n" % n for n in range(40))
        + b"<Message attr='x'></Message></AmazonEnvelope>",
        b"sku\tprice\r\nA-1\t1.00\r\n\t2.00\r\n\r\nB-2\t3.00\rC-3\t4\n\tno sku\n",
        b"TemplateType=Offer\tVersion=1\nlabels\nsku\tprice\nA\t1\n\t2\nB\t3",
    ],
    ids=["xml", "flat", "template"],
)
def test_a_feed_read_in_chunks_counts_as_the_whole_body(body: bytes, size: int) -> None:
    chunks = [body[i : i + size] for i in range(0, len(body), size)]
    assert count_messages(iter(chunks)) == count_messages(body) == whole_body_count(body)


def whole_body_count(body: bytes) -> tuple[int, tuple[tuple[int, str], ...]]:
    """The rule on a body held whole: one message per <Message>, or per data line of a flat file (after
    one header line, or three for a TemplateType= template); a line with an empty first cell fails."""
    if body.lstrip().startswith(b"<"):
        return len(re.findall(rb"<Message[\s>]", body)), ()
    lines = [line for line in body.decode("latin-1").splitlines() if line.strip()]
    skip = 3 if lines[0].startswith("TemplateType=") else 1
    errors = tuple((n, "") for n, line in enumerate(lines[skip:], 1) if not line.split("\t")[0].strip())
    return len(lines) - skip, errors
