"""MWSClient's engine (`call`, `send_with_body`): what a broken but 200 answer means for each kind of call,
and that a big answer is parsed without stalling the event loop."""

from __future__ import annotations

import asyncio
import threading
from typing import Any

import httpx
import pytest
from support import FIXTURES, serve_asgi

from mws_async import MWSClient, RetryPolicy, xml
from mws_async.credentials import Credentials
from mws_async.errors import ClientClosedError, OutcomeUnknownError, UnexpectedResponseError
from mws_async.operations import OFF_LOOP_BYTES
from mws_async.sandbox import Sandbox

CREDS = Credentials("AKIATESTKEY", "secret-key", "A1SELLERTEST")
REPORTS_NS = "http://mws.amazonaws.com/doc/2009-01-01/"
PRODUCTS_NS = "http://mws.amazonservices.com/schema/Products/2011-10-01"


def client_answering(*bodies: bytes) -> tuple[MWSClient, list[httpx.Request]]:
    """A client whose server answers 200 with ``bodies`` in turn (the last one from then on)."""
    seen: list[httpx.Request] = []
    queue = list(bodies)

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        body = queue.pop(0) if len(queue) > 1 else queue[0]
        return httpx.Response(200, content=body, headers={"x-mws-request-id": "rid"})

    http = httpx.AsyncClient(transport=httpx.MockTransport(handler))
    retry = RetryPolicy(initial_backoff=0.001, max_backoff=0.01)
    return MWSClient(CREDS, http_client=http, time_scale=1000.0, retry=retry), seen


async def test_an_empty_request_report_result_is_outcome_unknown_and_not_resent() -> None:
    body = (
        f'<RequestReportResponse xmlns="{REPORTS_NS}"><RequestReportResult/>'
        "<ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></RequestReportResponse>"
    ).encode()
    client, seen = client_answering(body)
    with pytest.raises(OutcomeUnknownError, match="GetReportRequestList"):
        await client.reports.request_report("_GET_MERCHANT_LISTINGS_DATA_")
    assert len(seen) == 1


async def test_an_empty_submit_feed_result_is_outcome_unknown_and_not_resent() -> None:
    body = (
        f'<SubmitFeedResponse xmlns="{REPORTS_NS}"><SubmitFeedResult/>'
        "<ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></SubmitFeedResponse>"
    ).encode()
    client, seen = client_answering(body)
    with pytest.raises(OutcomeUnknownError, match="GetFeedSubmissionList"):
        await client.feeds.submit_feed(b"sku\tprice\n", "_POST_FLAT_FILE_PRICEANDQUANTITYONLY_UPDATE_DATA_")
    assert len(seen) == 1


async def test_a_truncated_answer_to_submit_feed_is_outcome_unknown() -> None:
    client, seen = client_answering(b'<SubmitFeedResponse xmlns="x"><SubmitFeedResult><FeedSubmissionInfo>')
    with pytest.raises(OutcomeUnknownError, match="not resent"):
        await client.feeds.submit_feed(b"sku\tprice\n", "_POST_FLAT_FILE_PRICEANDQUANTITYONLY_UPDATE_DATA_")
    assert len(seen) == 1


async def test_a_truncated_answer_to_a_lookup_is_retried() -> None:
    whole = (
        f'<GetMatchingProductForIdResponse xmlns="{PRODUCTS_NS}">'
        '<GetMatchingProductForIdResult Id="9781933988665" IdType="ISBN" status="Success"><Products/>'
        "</GetMatchingProductForIdResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata>"
        "</GetMatchingProductForIdResponse>"
    ).encode()
    client, seen = client_answering(whole[:60], whole)
    results = await client.products.get_matching_product_for_id("ISBN", ["9781933988665"])
    assert [r.id for r in results] == ["9781933988665"]
    assert len(seen) == 2


async def test_a_one_id_call_whose_answer_has_no_result_element_is_an_error() -> None:
    body = (
        f'<GetMatchingProductForIdResponse xmlns="{PRODUCTS_NS}">'
        "<ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></GetMatchingProductForIdResponse>"
    ).encode()
    client, _ = client_answering(body)
    with pytest.raises(UnexpectedResponseError, match="no GetMatchingProductForIdResult"):
        await client.products.get_matching_product_for_id("ISBN", ["9781933988665"])


LMP_BODY = (FIXTURES / "Products" / "ListMatchingProducts__peddler__26.xml").read_bytes()


def _big_answer() -> bytes:
    start = LMP_BODY.index(b"<Product>")
    end = LMP_BODY.rindex(b"</Product>") + len(b"</Product>")
    products = LMP_BODY[start:end]
    return LMP_BODY[:start] + products * (OFF_LOOP_BYTES // len(products) + 2) + LMP_BODY[end:]


class BigAnswer:
    """ASGI app answering every request with one big ListMatchingProducts body."""

    def __init__(self, body: bytes) -> None:
        self.body = body

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        while (await receive()).get("more_body"):
            pass
        await send(
            {"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/xml")]}
        )
        await send({"type": "http.response.body", "body": self.body})


async def test_a_call_with_a_big_answer_lets_the_loop_run_while_it_is_parsed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    started = threading.Event()
    loop_ran = threading.Event()
    real = xml.parse
    waited: list[bool] = []

    def waits_for_the_loop(data: bytes, **kwargs: Any) -> dict[str, Any]:
        if len(data) > OFF_LOOP_BYTES:
            started.set()
            waited.append(loop_ran.wait(timeout=5))  # parsing on the loop could only time out here
        return real(data, **kwargs)

    monkeypatch.setattr(xml, "parse", waits_for_the_loop)

    async def tick() -> None:  # a loop task: it can only run if the loop is free
        await asyncio.to_thread(started.wait, 10)
        loop_ran.set()

    creds = Credentials("AKIAEXAMPLE", "secret", "A1SELLER")
    async with serve_asgi(BigAnswer(_big_answer())) as url, MWSClient(creds, base_url=url) as client:
        ticker = asyncio.create_task(tick())
        result = await client.products.list_matching_products("lantern")
        started.set()
        await ticker
    assert waited == [True]
    assert len(result.products) > 10


async def test_an_answer_of_the_wrong_shape_is_raised_at_once_not_retried() -> None:
    body = b"<SomethingElseResponse><Result/></SomethingElseResponse>"
    client, seen = client_answering(body)
    with pytest.raises(UnexpectedResponseError, match="expected <GetMatchingProductForIdResponse>"):
        await client.products.get_matching_product_for_id("ISBN", ["9781933988665"])
    assert len(seen) == 1


# -- a client that can no longer send: closed, or made in another event loop -------------------------------


async def test_a_client_used_after_its_async_with_block_is_refused_and_sends_nothing() -> None:
    async with Sandbox(seed=3) as sb:
        ids = sb.world.sample_ids("ISBN", 2)
        async with MWSClient(sb.credentials, base_url=sb.base_url) as client:
            await client.products.get_matching_product_for_id("ISBN", ids[:1])
        before = sb.request_log.count()
        with pytest.raises(ClientClosedError, match=r"this MWSClient is closed .*nothing was sent"):
            await client.products.get_matching_product_for_id("ISBN", ids[1:])
        again = MWSClient(sb.credentials, base_url=sb.base_url)
        await again.aclose()
        with pytest.raises(ClientClosedError, match="Make a new MWSClient"):
            await again.products.get_matching_product_for_id("ISBN", ids[1:])
        assert sb.request_log.count() == before


async def test_a_client_whose_given_http_client_was_closed_is_refused() -> None:
    async with Sandbox(seed=3) as sb:
        http = httpx.AsyncClient()
        await http.aclose()
        client = MWSClient(sb.credentials, base_url=sb.base_url, http_client=http)
        with pytest.raises(ClientClosedError, match="the http_client given to it was closed"):
            await client.products.get_matching_product_for_id("ISBN", sb.world.sample_ids("ISBN", 1))
        assert sb.request_log.count() == 0


def test_a_client_used_from_a_second_event_loop_is_refused_not_broken() -> None:
    ready = threading.Event()
    running: list[tuple[Sandbox, asyncio.AbstractEventLoop, asyncio.Event]] = []

    async def serve() -> None:  # the sandbox in a thread of its own, outliving both of the client's loops
        async with Sandbox(seed=3) as sb:
            stop = asyncio.Event()
            running.append((sb, asyncio.get_running_loop(), stop))
            ready.set()
            await stop.wait()

    server = threading.Thread(target=asyncio.run, args=(serve(),), daemon=True)
    server.start()
    assert ready.wait(30)
    sb, server_loop, stop = running[0]
    ids = sb.world.sample_ids("ISBN", 2)
    client = MWSClient(sb.credentials, base_url=sb.base_url)
    first_loop, second_loop = asyncio.new_event_loop(), asyncio.new_event_loop()
    try:
        first = first_loop.run_until_complete(client.products.get_matching_product_for_id("ISBN", ids[:1]))
        assert first[0].ok
        with pytest.raises(ClientClosedError, match="first ran in another event loop"):
            second_loop.run_until_complete(client.products.get_matching_product_for_id("ISBN", ids[1:]))
        first_loop.run_until_complete(client.aclose())  # closed where its connections live
    finally:
        first_loop.close()
        second_loop.close()
        server_loop.call_soon_threadsafe(stop.set)
        server.join(30)
    assert sb.request_log.count() == 1
