"""The default HTTP client (mws_async.http.make_http_client) against a real loopback sandbox.

Whichever transport is the default (httpx-aiohttp's AiohttpTransport when installed, httpx's own
otherwise), it must: serve a normal call, stream a response body in chunks, send an async-iterator
request body, never classify a reset after the request was sent as "not sent", and close without
warnings.
"""

from __future__ import annotations

import asyncio
import gc
import sys
import warnings
from collections.abc import AsyncIterator

import httpx
import pytest

from mws_async import Credentials, MWSClient
from mws_async.errors import ConfigurationError, OutcomeUnknownError
from mws_async.http import default_transport_name, make_http_client
from mws_async.sandbox import Sandbox
from mws_async.sandbox.handlers.reports import LARGE_REPORT_TYPE
from mws_async.sections.products import GET_SERVICE_STATUS
from mws_async.transport import _not_sent

try:
    import httpx_aiohttp
except ImportError:  # pragma: no cover - depends on the environment
    httpx_aiohttp = None


@pytest.fixture
async def sandbox() -> AsyncIterator[Sandbox]:
    sb = Sandbox(seed=0, catalog_size=10_000, order_count=100, throttling=False, time_scale=10_000.0)
    async with sb:
        yield sb


def _client(sb: Sandbox) -> MWSClient:
    return MWSClient(sb.credentials, base_url=sb.base_url, time_scale=10_000.0)


def test_default_transport_is_aiohttp_when_installed() -> None:
    client = make_http_client(5.0)
    expected = "aiohttp" if httpx_aiohttp is not None else "httpx"
    assert default_transport_name() == expected
    if expected == "aiohttp":
        assert isinstance(client._transport, httpx_aiohttp.AiohttpTransport)
        # Created lazily: no aiohttp session (which needs a running loop) until the first request.
        assert client._transport.client is None


def test_transport_override(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MWS_ASYNC_HTTP_TRANSPORT", "httpx")
    assert default_transport_name() == "httpx"
    assert isinstance(make_http_client(5.0)._transport, httpx.AsyncHTTPTransport)
    monkeypatch.setenv("MWS_ASYNC_HTTP_TRANSPORT", "bogus")
    with pytest.raises(ConfigurationError, match="MWS_ASYNC_HTTP_TRANSPORT='bogus' is not a transport; use"):
        default_transport_name()


def test_aiohttp_asked_for_but_missing_is_a_configuration_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "httpx_aiohttp", None)  # as on a machine without the package
    monkeypatch.delenv("MWS_ASYNC_HTTP_TRANSPORT", raising=False)
    assert default_transport_name() == "httpx"  # the fallback when it cannot be imported
    monkeypatch.setenv("MWS_ASYNC_HTTP_TRANSPORT", "aiohttp")
    with pytest.raises(ConfigurationError, match="httpx-aiohttp cannot be imported"):
        default_transport_name()
    with pytest.raises(ConfigurationError):
        MWSClient(Credentials("AKIAEXAMPLE", "secret", "A1SELLER"))


async def test_normal_call_and_clean_close(sandbox: Sandbox) -> None:
    isbns = sandbox.world.sample_ids("ISBN", 5)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        client = _client(sandbox)
        results = await client.products.get_matching_product_for_id("ISBN", isbns)
        assert [r.id for r in results] == isbns
        assert all(r.ok and r.products for r in results)
        await client.aclose()
        del client
        gc.collect()
    assert [str(w.message) for w in caught] == []


async def test_streamed_report_arrives_in_chunks(sandbox: Sandbox) -> None:
    size = 3 * 1024 * 1024 + 5
    async with _client(sandbox) as client:
        info = await client.reports.request_report(LARGE_REPORT_TYPE, report_options=f"size={size}")
        for _ in range(200):
            [done] = [
                i
                async for i in client.reports.get_report_request_list(
                    report_request_ids=[info.report_request_id]
                )
            ]
            if done.generated_report_id is not None:
                break
            await asyncio.sleep(0.02)
        assert done.generated_report_id is not None
        from mws_async.sections.reports import GET_REPORT

        chunks = 0
        received = 0
        async with client.open_stream(GET_REPORT, {"report_id": done.generated_report_id}) as response:
            assert response.stream is not None
            assert response.body == b""  # left unread
            async for chunk in response.stream.aiter_bytes():
                chunks += 1
                received += len(chunk)
                assert len(chunk) < size  # streamed, not buffered into one piece
        assert received == size
        assert chunks > 10


async def test_async_iterator_request_body(sandbox: Sandbox) -> None:
    parts = [b"sku\tprice\tquantity\n"] + [f"SKU-{i}\t9.99\t{i}\n".encode() for i in range(2000)]

    async def body() -> AsyncIterator[bytes]:
        for part in parts:
            yield part

    async with _client(sandbox) as client:
        info = await client.feeds.submit_feed(body(), "_POST_FLAT_FILE_INVLOADER_DATA_")
        assert info.feed_submission_id
    record = sandbox.request_log.last("SubmitFeed")
    assert record is not None and record.processed
    assert record.body_size == sum(len(p) for p in parts)


async def test_raw_streaming_and_iterator_body_on_default_client(sandbox: Sandbox) -> None:
    """The same two paths through the bare default client (no MWS semantics): chunked upload, and a
    response that can be read incrementally."""

    async def upload() -> AsyncIterator[bytes]:
        for _ in range(64):
            yield b"x" * 1024

    async with make_http_client(10.0) as http:
        request = http.build_request("POST", sandbox.base_url + "/", content=upload())
        response = await http.send(request, stream=True)
        try:
            assert 400 <= response.status_code < 500  # unsigned: rejected, but the body went through
            first = [chunk async for chunk in response.aiter_bytes()]
            assert b"ErrorResponse" in b"".join(first)
        finally:
            await response.aclose()


async def test_reset_after_sent_is_not_not_sent(sandbox: Sandbox) -> None:
    async with _client(sandbox) as client:
        await client.products.get_service_status()  # a pooled connection exists
        sandbox.faults.add("ConnectionReset", "GetServiceStatus")
        http = client.transport._http
        request = GET_SERVICE_STATUS.request({}, quota=None, cost=1)
        raw = client.transport._build(request, None)
        with pytest.raises(httpx.TransportError) as info:
            await http.send(raw)
        assert not _not_sent(info.value), (type(info.value), type(info.value.__cause__))


async def test_reset_after_processing_is_outcome_unknown(sandbox: Sandbox) -> None:
    async with _client(sandbox) as client:
        sandbox.faults.add("ResetAfterProcessing", "SubmitFeed")
        with pytest.raises(OutcomeUnknownError):
            await client.feeds.submit_feed(b"sku\tprice\n", "_POST_FLAT_FILE_INVLOADER_DATA_")
    assert sandbox.request_log.count("SubmitFeed", processed=True) == 1


async def test_refused_connection_is_not_sent() -> None:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    async with make_http_client(2.0) as http:
        with pytest.raises(httpx.TransportError) as info:
            await http.post(f"http://127.0.0.1:{port}/", content=b"x")
    assert _not_sent(info.value)


async def test_read_timeout_is_a_timeout(sandbox: Sandbox) -> None:
    sandbox.faults.add("Latency", "GetServiceStatus", seconds=2.0)
    async with MWSClient(
        sandbox.credentials, base_url=sandbox.base_url, timeout=0.3, time_scale=10_000.0
    ) as client:
        request = client.transport._build(GET_SERVICE_STATUS.request({}, quota=None, cost=1), None)
        with pytest.raises(httpx.TimeoutException) as info:
            await client.transport._http.send(request)
        assert not _not_sent(info.value)


async def test_pool_limit_is_honoured(sandbox: Sandbox) -> None:
    isbns = sandbox.world.sample_ids("ISBN", 5)
    http = make_http_client(10.0, max_connections=3)
    async with (
        http,
        MWSClient(
            sandbox.credentials, base_url=sandbox.base_url, http_client=http, time_scale=10_000.0
        ) as client,
    ):
        await asyncio.gather(*(client.products.get_matching_product_for_id("ISBN", isbns) for _ in range(30)))
        transport = http._transport
        if httpx_aiohttp is not None and isinstance(transport, httpx_aiohttp.AiohttpTransport):
            connector = transport.client.connector
            assert connector.limit == 3
            assert sum(len(v) for v in connector._conns.values()) <= 3
