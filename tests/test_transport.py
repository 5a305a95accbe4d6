"""The transport: wire form, independent signature check, retries, outcome-unknown, clock skew, secrets."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import logging
import traceback
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from typing import Any
from urllib.parse import parse_qsl, quote, urlsplit

import httpx
import pytest
from support import serve_asgi

from mws_async.credentials import Credentials
from mws_async.errors import (
    ConfigurationError,
    InternalServerError,
    OutcomeUnknownError,
    RequestThrottledError,
    SignatureDoesNotMatchError,
    TransportError,
    UnexpectedResponseError,
)
from mws_async.retry import RetryPolicy
from mws_async.throttle import Throttler
from mws_async.transport import MWSRequest, RequestRecord, Section, Transport, validate_base_url

SECRET = "s3cr3t-KEY/with+chars="
TOKEN = "amzn.mws.11111111-2222-3333-4444-555555555555"
CREDS = Credentials("AKIATESTKEY", SECRET, "A1SELLERTEST", TOKEN)
PRODUCTS = Section("Products", "/Products/2011-10-01", "2011-10-01")
FEEDS = Section("Feeds", "/Feeds/2009-01-01", "2009-01-01", seller_param="Merchant")
UA = "mws-async-tests/1.0 (Language=Python/3.11)"
FAST = RetryPolicy(initial_backoff=0.001, max_backoff=0.01)

OK_BODY = (
    b'<?xml version="1.0"?><GetServiceStatusResponse xmlns="http://mws.amazonservices.com/schema/Products/2011-10-01">'
    b"<GetServiceStatusResult><Status>GREEN</Status></GetServiceStatusResult>"
    b"<ResponseMetadata><RequestId>rid-ok</RequestId></ResponseMetadata></GetServiceStatusResponse>"
)


def error_body(code: str, message: str, error_type: str = "Sender") -> bytes:
    return (
        f'<?xml version="1.0"?><ErrorResponse xmlns="http://mws.amazonservices.com/schema/Products/2011-10-01">'
        f"<Error><Type>{error_type}</Type><Code>{code}</Code><Message>{message}</Message></Error>"
        f"<RequestID>rid-{code}</RequestID></ErrorResponse>"
    ).encode()


def verify_signature(method: str, host: str, path: str, params: dict[str, str], secret: str) -> bool:
    """An independent SigV2 verifier (no mws_async code)."""
    algo = {"HmacSHA256": hashlib.sha256, "HmacSHA1": hashlib.sha1}[params["SignatureMethod"]]
    pairs = sorted((k, v) for k, v in params.items() if k != "Signature")
    query = "&".join(f"{quote(k, safe='-_.~')}={quote(v, safe='-_.~')}" for k, v in pairs)
    text = f"{method}\n{host.lower()}\n{path}\n{query}"
    expected = base64.b64encode(hmac.new(secret.encode(), text.encode(), algo).digest()).decode()
    return hmac.compare_digest(expected, params["Signature"])


def make_transport(handler: Callable[[httpx.Request], httpx.Response], **kwargs: Any) -> Transport:
    client = httpx.AsyncClient(transport=httpx.MockTransport(handler))
    kwargs.setdefault("retry", FAST)
    return Transport(
        kwargs.pop("credentials", CREDS),
        base_url=kwargs.pop("base_url", "https://mws.amazonservices.com"),
        throttler=kwargs.pop("throttler", Throttler(time_scale=1000.0)),
        user_agent=UA,
        http_client=client,
        **kwargs,
    )


def products_request(throttler: Throttler | None = None, **kwargs: Any) -> MWSRequest:
    spec = (throttler or Throttler()).spec("Products", "GetMatchingProductForId")
    params = {"MarketplaceId": "ATVPDKIKX0DER", "IdType": "ISBN", "IdList.Id.1": "9781933988665 é*"}
    return MWSRequest(PRODUCTS, "GetMatchingProductForId", params, quota=spec, cost=1, **kwargs)


async def test_wire_form_is_signed_and_verifiable_independently() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, content=OK_BODY, headers={"x-mws-request-id": "rid-ok"})

    transport = make_transport(handler)
    response = await transport.send(products_request())
    assert response.status_code == 200
    assert response.request_id == "rid-ok"
    (request,) = seen
    assert request.method == "POST"
    assert request.url.path == "/Products/2011-10-01"
    assert request.headers["content-type"].startswith("application/x-www-form-urlencoded")
    assert request.headers["user-agent"] == UA
    params = dict(parse_qsl(request.content.decode(), keep_blank_values=True))
    assert params["AWSAccessKeyId"] == "AKIATESTKEY"
    assert params["Action"] == "GetMatchingProductForId"
    assert params["SellerId"] == "A1SELLERTEST"
    assert params["MWSAuthToken"] == TOKEN
    assert params["SignatureMethod"] == "HmacSHA256"
    assert params["SignatureVersion"] == "2"
    assert params["Version"] == "2011-10-01"
    assert params["IdList.Id.1"] == "9781933988665 é*"
    stamp = datetime.fromisoformat(params["Timestamp"].replace("Z", "+00:00"))
    assert abs((stamp - datetime.now(UTC)).total_seconds()) < 5
    assert verify_signature("POST", "mws.amazonservices.com", "/Products/2011-10-01", params, SECRET)
    assert not verify_signature("POST", "mws.amazonservices.com", "/Products/2011-10-01", params, "wrong")


async def test_hmac_sha1_and_custom_port_host_line() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, content=OK_BODY)

    transport = make_transport(handler, base_url="https://mws.example.test:8443", signature_method="HmacSHA1")
    await transport.send(products_request())
    params = dict(parse_qsl(seen[0].content.decode()))
    assert params["SignatureMethod"] == "HmacSHA1"
    assert verify_signature("POST", "mws.example.test:8443", "/Products/2011-10-01", params, SECRET)


async def test_payload_operations_put_every_parameter_in_the_query_string() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, content=OK_BODY)

    body = b"sku\tprice\tquantity\nwidget\t\t0\n"
    md5 = base64.b64encode(hashlib.md5(body).digest()).decode()
    assert md5 == "iUI5qlSDSrZOHRgvj4amUQ=="  # the reference's verified example
    request = MWSRequest(
        FEEDS,
        "SubmitFeed",
        {"FeedType": "_POST_FLAT_FILE_INVLOADER_DATA_", "ContentMD5Value": md5},
        idempotent=False,
        body=body,
        content_type="text/tab-separated-values; charset=iso-8859-1",
    )
    await make_transport(handler).send(request)
    (sent,) = seen
    assert sent.content == body
    assert sent.headers["content-type"] == "text/tab-separated-values; charset=iso-8859-1"
    params = dict(parse_qsl(urlsplit(str(sent.url)).query))
    assert params["ContentMD5Value"] == md5
    assert params["Merchant"] == "A1SELLERTEST"
    assert "SellerId" not in params
    assert verify_signature("POST", "mws.amazonservices.com", "/Feeds/2009-01-01", params, SECRET)


@pytest.mark.parametrize("url", ["http://mws.amazonservices.com", "http://10.0.0.5:8080", "ftp://x"])
def test_https_is_required_except_loopback(url: str) -> None:
    with pytest.raises(ConfigurationError):
        validate_base_url(url)


@pytest.mark.parametrize("url", ["http://127.0.0.1:9000", "http://localhost:1", "http://[::1]:8000"])
def test_plain_http_is_fine_on_loopback(url: str) -> None:
    assert validate_base_url(url).scheme == "http"


# -- against a real loopback server -------------------------------------------------------------------


class ScriptedServer:
    """A raw ASGI app that answers from a script of (status, body) and records what it received."""

    def __init__(
        self, script: list[tuple[int, bytes, dict[str, str]] | Callable[[], Awaitable[None]]]
    ) -> None:
        self.script = list(script)
        self.received: list[dict[str, str]] = []

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        query = scope.get("query_string", b"").decode()
        self.received.append(dict(parse_qsl(query or body.decode("latin-1"))))
        step = self.script.pop(0) if self.script else (200, OK_BODY, {})
        if callable(step):
            await step()
            step = (200, OK_BODY, {})
        status, content, headers = step
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [(b"content-type", b"text/xml")]
                + [(k.encode(), v.encode()) for k, v in headers.items()],
            }
        )
        await send({"type": "http.response.body", "body": content})


async def test_throttled_twice_then_answered_succeeds_after_backoff() -> None:
    server = ScriptedServer([(503, error_body("RequestThrottled", "Request is throttled"), {})] * 2)
    records: list[RequestRecord] = []
    throttler = Throttler(time_scale=50.0)
    async with serve_asgi(server) as url:
        transport = Transport(
            CREDS, base_url=url, throttler=throttler, user_agent=UA, retry=FAST, on_request=records.append
        )
        started = asyncio.get_running_loop().time()
        response = await transport.send(products_request(throttler))
        elapsed = asyncio.get_running_loop().time() - started
        await transport.aclose()
    assert response.status_code == 200
    assert response.attempts == 3
    assert len(server.received) == 3
    # Each retry waited at least the restore time of its cost (1 item at 5 items/s, scaled x50 = 4 ms).
    assert elapsed >= 2 * (1 / 5) / 50
    assert [r.status_code for r in records] == [503, 503, 200]
    assert [r.error_code for r in records] == ["RequestThrottled", "RequestThrottled", None]
    stats = throttler.summary()
    assert stats.throttled == 2


async def test_throttle_retries_exhausted_raise_the_throttle_error() -> None:
    server = ScriptedServer([(503, error_body("RequestThrottled", "Request is throttled"), {})] * 10)
    throttler = Throttler(time_scale=1000.0)
    async with serve_asgi(server) as url:
        transport = Transport(
            CREDS,
            base_url=url,
            throttler=throttler,
            user_agent=UA,
            retry=RetryPolicy(max_throttle_retries=2, initial_backoff=0.001),
        )
        with pytest.raises(RequestThrottledError) as info:
            await transport.send(products_request(throttler))
        await transport.aclose()
    assert info.value.attempts == 3
    assert len(server.received) == 3


async def test_internal_error_is_retried_for_reads_only() -> None:
    server = ScriptedServer([(500, error_body("InternalError", "boom", "Receiver"), {})] * 10)
    async with serve_asgi(server) as url:
        transport = Transport(
            CREDS,
            base_url=url,
            throttler=Throttler(time_scale=1000.0),
            user_agent=UA,
            retry=RetryPolicy(max_attempts=3, initial_backoff=0.001),
        )
        with pytest.raises(InternalServerError) as info:
            await transport.send(products_request())
        assert info.value.attempts == 3
        assert len(server.received) == 3
        server.received.clear()
        request = MWSRequest(FEEDS, "SubmitFeed", {"FeedType": "X"}, idempotent=False, body=b"x")
        with pytest.raises(OutcomeUnknownError, match="not resent"):
            await transport.send(request)
        await transport.aclose()
    assert len(server.received) == 1


async def test_submit_feed_timing_out_after_the_body_was_sent_is_not_resent() -> None:
    async def stall() -> None:
        await asyncio.sleep(1.0)

    server = ScriptedServer([stall])
    async with serve_asgi(server) as url:
        transport = Transport(
            CREDS,
            base_url=url,
            throttler=Throttler(time_scale=1000.0),
            user_agent=UA,
            retry=FAST,
            timeout=0.3,
        )
        request = MWSRequest(FEEDS, "SubmitFeed", {"FeedType": "X"}, idempotent=False, body=b"feed-bytes")
        with pytest.raises(OutcomeUnknownError) as info:
            await transport.send(request)
        await transport.aclose()
    assert len(server.received) == 1
    assert "may or may not have processed" in str(info.value)


async def test_connection_refused_is_retried_even_for_submit_feed() -> None:
    attempts = 0

    def handler(request: httpx.Request) -> httpx.Response:
        nonlocal attempts
        attempts += 1
        if attempts < 3:
            raise httpx.ConnectError("refused", request=request)
        return httpx.Response(200, content=OK_BODY)

    request = MWSRequest(FEEDS, "SubmitFeed", {"FeedType": "X"}, idempotent=False, body=b"x")
    response = await make_transport(handler).send(request)
    assert response.attempts == 3


async def test_read_timeout_of_a_read_is_retried_then_surfaces_as_transport_error() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("slow", request=request)

    with pytest.raises(TransportError) as info:
        await make_transport(handler, retry=RetryPolicy(max_attempts=2, initial_backoff=0.001)).send(
            products_request()
        )
    assert not isinstance(info.value, OutcomeUnknownError)
    assert info.value.attempts == 2


async def test_html_proxy_page_is_retried_then_reported_with_what_arrived() -> None:
    page = b"<html><body><h1>502 Bad Gateway</h1></body></html>"
    server = ScriptedServer([(502, page, {"content-type": "text/html"})] * 2)
    async with serve_asgi(server) as url:
        transport = Transport(
            CREDS, base_url=url, throttler=Throttler(time_scale=1000.0), user_agent=UA, retry=FAST
        )
        response = await transport.send(products_request())
        assert response.attempts == 3
        server.script = [(502, page, {})] * 10
        transport.retry = RetryPolicy(max_attempts=2, initial_backoff=0.001)
        with pytest.raises(UnexpectedResponseError) as info:
            await transport.send(products_request())
        await transport.aclose()
    assert info.value.status_code == 502
    assert info.value.first_bytes.startswith(b"<html>")


async def test_retry_can_be_disabled() -> None:
    calls = 0

    def handler(request: httpx.Request) -> httpx.Response:
        nonlocal calls
        calls += 1
        return httpx.Response(503, content=error_body("ServiceUnavailable", "later", "Receiver"))

    with pytest.raises(Exception, match="ServiceUnavailable"):
        await make_transport(handler, retry=RetryPolicy.disabled()).send(products_request())
    assert calls == 1


async def test_clock_skew_is_corrected_from_the_server_date_and_warned_once(
    caplog: pytest.LogCaptureFixture,
) -> None:
    ahead = datetime.now(UTC) + timedelta(hours=2)
    stamps: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        stamps.append(dict(parse_qsl(request.content.decode()))["Timestamp"])
        return httpx.Response(200, content=OK_BODY, headers={"Date": format_datetime(ahead, usegmt=True)})

    transport = make_transport(handler)
    with caplog.at_level(logging.WARNING, logger="mws_async"):
        for _ in range(3):
            await transport.send(products_request())
    warnings = [r for r in caplog.records if "clock" in r.getMessage()]
    assert len(warnings) == 1
    second = datetime.fromisoformat(stamps[1].replace("Z", "+00:00"))
    assert abs((second - ahead).total_seconds()) < 10


async def test_rejected_timestamp_resyncs_and_retries_once() -> None:
    server_time = datetime.now(UTC) + timedelta(minutes=30)
    calls: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        stamp = dict(parse_qsl(request.content.decode()))["Timestamp"]
        calls.append(stamp)
        headers = {"x-mws-timestamp": server_time.strftime("%Y-%m-%dT%H:%M:%S.000Z")}
        sent = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
        if abs((sent - server_time).total_seconds()) > 15 * 60:
            msg = f"Timestamp {stamp} must be within 15 minutes of the server time"
            return httpx.Response(400, content=error_body("InvalidParameterValue", msg), headers={})
        return httpx.Response(200, content=OK_BODY, headers=headers)

    def with_date(request: httpx.Request) -> httpx.Response:
        response = handler(request)
        response.headers["Date"] = format_datetime(server_time, usegmt=True)
        return response

    transport = make_transport(with_date)
    response = await transport.send(products_request())
    assert response.status_code == 200
    assert len(calls) == 2


async def test_no_secret_reaches_logs_records_or_exception_text(caplog: pytest.LogCaptureFixture) -> None:
    records: list[RequestRecord] = []

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path.startswith("/Feeds"):
            raise httpx.ReadError("connection reset by peer", request=request)
        return httpx.Response(
            403,
            content=error_body(
                "SignatureDoesNotMatch",
                "The request signature we calculated does not match the signature you provided.",
            ),
        )

    transport = make_transport(handler, on_request=records.append)
    texts: list[str] = []
    with caplog.at_level(logging.DEBUG):
        logging.getLogger("httpx").info(
            "HTTP Request: POST https://x/Feeds?MWSAuthToken=%s&Signature=abc", TOKEN
        )
        with pytest.raises(SignatureDoesNotMatchError) as first:
            await transport.send(products_request())
        texts += [str(first.value), repr(first.value), "".join(traceback.format_exception(first.value))]
        feed = MWSRequest(FEEDS, "SubmitFeed", {"FeedType": "X"}, idempotent=False, body=b"x")
        with pytest.raises(OutcomeUnknownError) as second:
            await transport.send(feed)
        texts += [str(second.value), repr(second.value), "".join(traceback.format_exception(second.value))]
    texts += [r.getMessage() for r in caplog.records] + [str(r.__dict__) for r in caplog.records]
    texts += [str(r.as_dict()) for r in records] + [repr(transport.credentials), repr(transport)]
    joined = "\n".join(texts)
    assert records
    assert caplog.records
    assert SECRET not in joined
    assert TOKEN not in joined
    assert quote(SECRET, safe="") not in joined
    assert quote(TOKEN, safe="") not in joined
