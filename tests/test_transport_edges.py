"""The transport at the edges: hostile servers, odd answers, what counts as "maybe processed".

Each test names the failure it guards against. Network behaviour is tested against real loopback
servers (a raw asyncio server where the bytes on the wire matter); classification against
``httpx.MockTransport``.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import subprocess
import sys
import textwrap
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_transport import CREDS, FEEDS, OK_BODY, TOKEN, UA, error_body, make_transport, products_request

from mws_async.errors import (
    ClockSkewError,
    InternalServerError,
    InvalidParameterError,
    MWSError,
    MWSResponseError,
    OutcomeUnknownError,
    RequestThrottledError,
    ResponseTooLargeError,
    ServiceUnavailableError,
    ThrottledError,
    TransportError,
    UnexpectedResponseError,
)
from mws_async.retry import RetryPolicy
from mws_async.throttle import Throttler
from mws_async.transport import MWSRequest, MWSResponse, Section, Transport

CHUNKED_HEAD = b"HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nTransfer-Encoding: chunked\r\n\r\n"
NO_RETRY = RetryPolicy(max_attempts=1, max_throttle_retries=0, clock_skew_retry=False)
TRANSPORTS = ["httpx", "aiohttp"]


def submit_feed() -> MWSRequest:
    return MWSRequest(FEEDS, "SubmitFeed", {"FeedType": "_POST_PRODUCT_DATA_"}, idempotent=False, body=b"f")


# -- a raw loopback HTTP server: full control over every byte and its timing -------------------------


@dataclass
class RawServer:
    """Answers every request with ``respond(writer)``; counts requests and bytes written."""

    respond: Callable[[asyncio.StreamWriter, RawServer], Any]
    requests: int = 0
    sent: int = 0
    tasks: set[asyncio.Task[None]] = field(default_factory=set)
    head: bytes = b""
    """The request line and headers of the latest request."""

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            head = self.head = await reader.readuntil(b"\r\n\r\n")
            length = 0
            for line in head.split(b"\r\n"):
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":", 1)[1])
            await reader.readexactly(length)
            self.requests += 1
            await self.respond(writer, self)
        except (ConnectionError, asyncio.IncompleteReadError, asyncio.CancelledError):
            pass  # the client went away, or the test is over
        finally:
            writer.close()

    async def write(self, writer: asyncio.StreamWriter, data: bytes) -> None:
        writer.write(data)
        await writer.drain()
        self.sent += len(data)


@asynccontextmanager
async def raw_server(
    respond: Callable[[asyncio.StreamWriter, RawServer], Any],
) -> AsyncIterator[tuple[str, RawServer]]:
    state = RawServer(respond)

    async def on_connect(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        if task is not None:
            state.tasks.add(task)  # type: ignore[arg-type]
        await state.handle(reader, writer)

    server = await asyncio.start_server(on_connect, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}", state
    finally:
        server.close()
        for task in state.tasks:
            task.cancel()
        await asyncio.gather(*state.tasks, return_exceptions=True)
        await server.wait_closed()


def loopback_transport(
    url: str, transport_name: str, monkeypatch: pytest.MonkeyPatch, **kwargs: Any
) -> Transport:
    monkeypatch.setenv("MWS_ASYNC_HTTP_TRANSPORT", transport_name)
    timeout = kwargs.pop("timeout", 60.0)
    return Transport(
        CREDS,
        base_url=url,
        throttler=Throttler(time_scale=1000.0),
        user_agent=UA,
        retry=kwargs.pop("retry", NO_RETRY),
        timeout=timeout,
        **kwargs,
    )


# -- 1. the timeout bounds the whole attempt -----------------------------------------------------------


@pytest.mark.parametrize("transport_name", TRANSPORTS)
async def test_a_server_that_drips_its_body_is_cut_off_at_the_timeout(
    transport_name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def drip(writer: asyncio.StreamWriter, server: RawServer) -> None:
        head = f"HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nContent-Length: {len(OK_BODY)}\r\n\r\n"
        await server.write(writer, head.encode())
        for byte in OK_BODY:  # one byte every 0.1 s: 30 s for the whole answer
            await server.write(writer, bytes([byte]))
            await asyncio.sleep(0.1)

    async with raw_server(drip) as (url, server):
        transport = loopback_transport(url, transport_name, monkeypatch, timeout=1.0)
        with pytest.raises(TransportError, match=r"timed out after 1(\.0)? s") as info:
            await asyncio.wait_for(transport.send(products_request()), 20)
        await transport.aclose()
    assert not isinstance(info.value, OutcomeUnknownError)  # a read: safe to retry, but retries are off
    assert server.sent < len(OK_BODY) // 2  # stopped long before the drip finished


async def test_a_dripping_answer_to_submit_feed_is_outcome_unknown(monkeypatch: pytest.MonkeyPatch) -> None:
    async def drip(writer: asyncio.StreamWriter, server: RawServer) -> None:
        await server.write(writer, b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n")
        while True:
            await server.write(writer, b" ")
            await asyncio.sleep(0.1)

    async with raw_server(drip) as (url, server):
        transport = loopback_transport(url, "aiohttp", monkeypatch, timeout=0.8, retry=RetryPolicy())
        with pytest.raises(OutcomeUnknownError, match="timed out"):
            await asyncio.wait_for(transport.send(submit_feed()), 20)
        await transport.aclose()
    assert server.requests == 1  # never resent


@pytest.mark.parametrize("transport_name", TRANSPORTS)
async def test_a_streamed_download_that_stalls_is_cut_off(
    transport_name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def drip(writer: asyncio.StreamWriter, server: RawServer) -> None:
        await server.write(writer, b"HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n")
        while True:
            await server.write(writer, b"x")
            await asyncio.sleep(0.05)

    request = MWSRequest(Section("Reports", "/", "2009-01-01"), "GetReport", {"ReportId": "1"})
    async with raw_server(drip) as (url, server):
        transport = loopback_transport(url, transport_name, monkeypatch, timeout=1.0)
        with pytest.raises(TransportError, match="stalled"):
            await asyncio.wait_for(read_all(transport, request), 20)
        await transport.aclose()
    assert server.sent < 200


async def read_all(transport: Transport, request: MWSRequest) -> int:
    size = 0
    async with transport.stream(request) as response:
        async for chunk in response.body_stream().aiter_bytes():
            size += len(chunk)
    return size


# -- 2. a body larger than the cap is refused while it is read ----------------------------------------


async def _endless(writer: asyncio.StreamWriter, server: RawServer) -> None:
    await server.write(writer, CHUNKED_HEAD)
    chunk = b"<Product/>" * 6553
    frame = f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n"
    while True:
        await server.write(writer, frame)


@pytest.mark.parametrize("transport_name", TRANSPORTS)
async def test_an_endless_body_stops_at_the_size_cap(
    transport_name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    cap = 2 * 1024 * 1024
    async with raw_server(_endless) as (url, server):
        transport = loopback_transport(url, transport_name, monkeypatch, max_response_bytes=cap)
        with pytest.raises(ResponseTooLargeError) as info:
            await asyncio.wait_for(transport.send(products_request()), 30)
        await transport.aclose()
    assert info.value.limit == cap
    assert info.value.size > cap
    assert "2097152-byte cap" in str(info.value)
    assert server.sent < 20 * cap  # socket buffers, not the whole endless stream


async def test_a_declared_length_above_the_cap_is_refused_before_reading(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    async def huge(writer: asyncio.StreamWriter, server: RawServer) -> None:
        await server.write(writer, b"HTTP/1.1 200 OK\r\nContent-Length: 500000000\r\n\r\n")
        await asyncio.sleep(5)

    async with raw_server(huge) as (url, _):
        transport = loopback_transport(url, "aiohttp", monkeypatch, max_response_bytes=1024)
        with pytest.raises(ResponseTooLargeError, match="500000000 bytes"):
            await asyncio.wait_for(transport.send(products_request()), 20)
        await transport.aclose()


async def test_a_huge_answer_to_submit_feed_is_outcome_unknown(monkeypatch: pytest.MonkeyPatch) -> None:
    async with raw_server(_endless) as (url, server):
        transport = loopback_transport(
            url, "aiohttp", monkeypatch, max_response_bytes=1024 * 1024, retry=RetryPolicy()
        )
        with pytest.raises(OutcomeUnknownError, match="cap"):
            await asyncio.wait_for(transport.send(submit_feed()), 30)
        await transport.aclose()
    assert server.requests == 1


_RSS_PROBE = textwrap.dedent(
    """
    import asyncio, json, resource, sys
    from mws_async.errors import ResponseTooLargeError
    from mws_async.throttle import Throttler
    from mws_async.transport import Transport
    from test_transport import CREDS, UA, products_request

    async def main() -> None:
        transport = Transport(
            CREDS, base_url=sys.argv[1], throttler=Throttler(time_scale=1000.0), user_agent=UA, timeout=120.0
        )
        await transport.send(products_request())  # warm up: imports, pools, first allocations
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        try:
            await transport.send(products_request())
            outcome = "no error"
        except ResponseTooLargeError as exc:
            outcome = type(exc).__name__
        after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        await transport.aclose()
        print(json.dumps({"outcome": outcome, "growth_kib": after - before}))

    asyncio.run(main())
    """
)


@pytest.mark.parametrize("transport_name", TRANSPORTS)
async def test_a_500_mb_answer_costs_far_less_than_100_mb_of_memory(transport_name: str) -> None:
    body_size = 500 * 1024 * 1024
    calls = 0

    async def big(writer: asyncio.StreamWriter, server: RawServer) -> None:
        nonlocal calls
        calls += 1
        if calls == 1:
            head = f"HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nContent-Length: {len(OK_BODY)}\r\n\r\n"
            await server.write(writer, head.encode() + OK_BODY)
            return
        await server.write(writer, CHUNKED_HEAD)
        chunk = b"<Product/>" * 104857
        frame = f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n"
        for _ in range(body_size // len(chunk)):
            await server.write(writer, frame)
        await server.write(writer, b"0\r\n\r\n")

    async with raw_server(big) as (url, _):
        here = os.path.dirname(__file__)
        env = {**os.environ, "MWS_ASYNC_HTTP_TRANSPORT": transport_name, "PYTHONPATH": here}
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-c", _RSS_PROBE, url, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env
        )
        out, err = await asyncio.wait_for(proc.communicate(), 120)
    assert proc.returncode == 0, err.decode()
    result = json.loads(out)
    assert result["outcome"] == "ResponseTooLargeError"
    assert result["growth_kib"] < 100 * 1024


# -- 4. clock headers never break the client -----------------------------------------------------------


def _answer_with(headers: dict[str, str]) -> Callable[[httpx.Request], httpx.Response]:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=OK_BODY, headers=headers)

    return handler


async def test_a_date_with_a_minus_zero_zone_is_read_as_utc() -> None:
    ahead = datetime.now(UTC) + timedelta(hours=2)
    date = ahead.strftime("%a, %d %b %Y %H:%M:%S -0000")
    transport = make_transport(_answer_with({"Date": date}))
    response = await transport.send(products_request())
    assert response.status_code == 200
    assert abs(transport.clock_offset - 7200) < 10


@pytest.mark.parametrize(
    "headers",
    [
        {"x-mws-timestamp": "9999-12-31T23:59:59.000Z"},
        {"Date": "Thu, 01 Jan 1970 00:00:00 GMT"},
        {"x-mws-timestamp": "0001-01-01T00:00:00Z"},
    ],
)
async def test_an_absurd_server_clock_is_not_adopted(
    headers: dict[str, str], caplog: pytest.LogCaptureFixture
) -> None:
    transport = make_transport(_answer_with(headers))
    with caplog.at_level(logging.WARNING, logger="mws_async"):
        for _ in range(3):
            response = await transport.send(products_request())
            assert response.status_code == 200
    assert transport.clock_offset == 0.0
    warnings = [r.getMessage() for r in caplog.records if "clock" in r.getMessage()]
    assert len(warnings) == 1
    assert "24 h" in warnings[0]


@pytest.mark.parametrize(
    "headers",
    [{"x-mws-timestamp": "yesterday"}, {"Date": "not a date"}, {"Date": "Mon, 99 Foo 2025 99:99:99 GMT"}],
)
async def test_an_unreadable_clock_header_is_ignored_with_one_warning(
    headers: dict[str, str], caplog: pytest.LogCaptureFixture
) -> None:
    transport = make_transport(_answer_with(headers))
    with caplog.at_level(logging.WARNING, logger="mws_async"):
        for _ in range(2):
            assert (await transport.send(products_request())).status_code == 200
    assert transport.clock_offset == 0.0
    assert len([r for r in caplog.records if "clock" in r.getMessage()]) == 1


async def test_a_rejected_timestamp_with_an_absurd_server_clock_is_a_clock_skew_error() -> None:
    calls = 0

    def handler(request: httpx.Request) -> httpx.Response:
        nonlocal calls
        calls += 1
        body = error_body("RequestExpired", "Request has expired. Timestamp date is 2026-11-30T10:00:00Z.")
        return httpx.Response(400, content=body, headers={"x-mws-timestamp": "9999-12-31T23:59:59Z"})

    transport = make_transport(handler)
    with pytest.raises(ClockSkewError, match="more than 24 h") as info:
        await transport.send(products_request())
    assert calls == 1
    assert transport.clock_offset == 0.0
    assert info.value.offset > 24 * 3600


# -- 6. what counts as "maybe processed" ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "content", "headers"),
    [
        (503, error_body("InternalFailure", "oops", "Receiver"), {}),
        (503, b"Service Unavailable", {"content-type": "text/plain"}),
        (500, error_body("InternalError", "oops", "Receiver"), {}),
        (502, b"<html><body>Bad Gateway</body></html>", {"content-type": "text/html"}),
        (504, b"", {}),
        (200, OK_BODY[: len(OK_BODY) // 2], {}),
        (200, b"", {}),
        (201, b"", {}),
    ],
)
async def test_submit_feed_is_sent_once_when_the_server_may_have_processed_it(
    status: int, content: bytes, headers: dict[str, str]
) -> None:
    calls = 0

    def handler(request: httpx.Request) -> httpx.Response:
        nonlocal calls
        calls += 1
        return httpx.Response(status, content=content, headers=headers)

    def parse(response: MWSResponse) -> Any:
        from mws_async import xml

        return xml.parse(response.body, status_code=response.status_code, operation="SubmitFeed")

    transport = make_transport(handler, retry=RetryPolicy(initial_backoff=0.001))
    with pytest.raises(OutcomeUnknownError, match="not resent"):
        await transport.send(submit_feed(), parse=parse)
    assert calls == 1


@pytest.mark.parametrize(
    "content",
    [
        error_body("RequestThrottled", "Request is throttled"),
        error_body("QuotaExceeded", "You exceeded your quota. Your quota will reset on 2020-01-01T00:00:00Z"),
        error_body("ServiceUnavailable", "later", "Receiver"),
    ],
)
async def test_submit_feed_is_resent_only_after_the_documented_not_processed_answers(content: bytes) -> None:
    calls = 0

    def handler(request: httpx.Request) -> httpx.Response:
        nonlocal calls
        calls += 1
        return httpx.Response(503 if calls == 1 else 200, content=content if calls == 1 else OK_BODY)

    transport = make_transport(handler, retry=RetryPolicy(initial_backoff=0.001))
    response = await transport.send(submit_feed())
    assert response.status_code == 200
    assert calls == 2


# -- 8. classification gaps ----------------------------------------------------------------------------


async def test_a_200_carrying_a_throttle_error_response_is_retried_like_a_503() -> None:
    bodies = [error_body("RequestThrottled", "Request is throttled"), OK_BODY]

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=bodies.pop(0))

    response = await make_transport(handler).send(products_request())
    assert response.body == OK_BODY
    assert response.attempts == 2


async def test_a_200_carrying_an_error_response_raises_the_typed_error_of_its_code() -> None:
    answer = error_body("InvalidParameterValue", "bad id")
    transport = make_transport(lambda r: httpx.Response(200, content=answer))
    with pytest.raises(InvalidParameterError, match="bad id") as info:
        await transport.send(products_request())
    assert info.value.status_code == 200


async def test_http_429_is_a_throttle() -> None:
    responses = [httpx.Response(429, content=b"Too Many Requests"), httpx.Response(200, content=OK_BODY)]
    transport = make_transport(lambda r: responses.pop(0))
    response = await transport.send(submit_feed())  # throttled: not processed, so even a write is resent
    assert response.attempts == 2
    policy = RetryPolicy(max_throttle_retries=1)
    always = make_transport(lambda r: httpx.Response(429, content=b""), retry=policy)
    with pytest.raises(RequestThrottledError) as info:
        await always.send(products_request())
    assert info.value.status_code == 429


async def test_a_truncated_answer_to_a_read_is_retried() -> None:
    bodies = [OK_BODY[:40], OK_BODY]

    def parse(response: MWSResponse) -> Any:
        from mws_async import xml

        return xml.parse(response.body, status_code=response.status_code)

    transport = make_transport(lambda r: httpx.Response(200, content=bodies.pop(0)))
    parsed = await transport.send(products_request(), parse=parse)
    assert parsed["GetServiceStatusResponse"]["GetServiceStatusResult"]["Status"] == "GREEN"
    assert bodies == []


async def test_a_redirect_names_its_target() -> None:
    transport = make_transport(
        lambda r: httpx.Response(302, headers={"location": "https://elsewhere.example/login"})
    )
    with pytest.raises(
        UnexpectedResponseError, match=r"redirect \(HTTP 302\) to 'https://elsewhere.example/login'"
    ):
        await transport.send(products_request())


# -- 11. retries honour the time scale and a total budget ---------------------------------------------


async def test_throttle_backoff_is_scaled_and_the_retry_time_is_bounded() -> None:
    calls = 0

    def handler(request: httpx.Request) -> httpx.Response:
        nonlocal calls
        calls += 1
        return httpx.Response(503, content=error_body("RequestThrottled", "Request is throttled"))

    sleeps: list[float] = []

    async def sleep(seconds: float) -> None:
        sleeps.append(seconds)
        await asyncio.sleep(seconds)

    policy = RetryPolicy(max_retry_time=1.0)
    transport = make_transport(handler, retry=policy, throttler=Throttler(time_scale=100.0), sleep=sleep)
    with pytest.raises(RequestThrottledError) as info:
        await transport.send(products_request())
    assert max(sleeps) <= policy.max_backoff / 100.0
    assert 1 < info.value.attempts < policy.max_throttle_retries + 1  # stopped by the budget, not the count
    assert info.value.attempts == calls
    assert "max_retry_time" in str(info.value)
    assert info.value.elapsed is not None


async def test_server_error_retries_stop_at_the_budget() -> None:
    calls = 0

    def handler(request: httpx.Request) -> httpx.Response:
        nonlocal calls
        calls += 1
        return httpx.Response(500, content=error_body("InternalError", "boom", "Receiver"))

    policy = RetryPolicy(max_attempts=10, initial_backoff=0.3, multiplier=1.0, jitter=0.0, max_retry_time=1.0)
    with pytest.raises(InternalServerError, match="max_retry_time") as info:
        await make_transport(handler, retry=policy).send(products_request())
    assert calls == info.value.attempts < 10


# -- 12. no request (and so no token) hangs off an exception ----------------------------------------------


def _reachable(exc: BaseException) -> list[object]:
    seen: list[object] = []
    stack: list[BaseException | None] = [exc]
    while stack:
        item = stack.pop()
        if item is None or any(item is s for s in seen):
            continue
        seen.append(item)
        seen.extend(vars(item).values())
        stack += [item.__cause__, item.__context__]
    return seen


@pytest.mark.parametrize("failure", ["reset", "timeout"])
async def test_exception_chains_hold_no_request_and_no_token(failure: str) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if failure == "reset":
            raise httpx.ReadError("connection reset by peer", request=request)
        raise httpx.ReadTimeout("slow", request=request)

    transport = make_transport(handler, retry=RetryPolicy(max_attempts=2, initial_backoff=0.001))
    for request in (submit_feed(), products_request()):
        with pytest.raises(MWSError) as info:
            await transport.send(request)
        reachable = _reachable(info.value)
        assert not [o for o in reachable if isinstance(o, (httpx.Request, httpx.Response, httpx.HTTPError))]
        assert TOKEN not in repr(reachable)


# -- the error classifier under arbitrary answers ------------------------------------------------------

_CODES = st.sampled_from(
    ["RequestThrottled", "QuotaExceeded", "ServiceUnavailable", "InternalError", "InvalidParameterValue",
     "SignatureDoesNotMatch", "AccessDenied", "NextTokenCorrupted", "RequestExpired", "Whatever", ""]
)  # fmt: skip
_TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40)
_HEADER_VALUE = st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=40)


@st.composite
def answers(draw: st.DrawFn) -> tuple[int, bytes, dict[str, str]]:
    status = draw(
        st.sampled_from([200, 201, 204, 301, 302, 400, 401, 403, 404, 429, 500, 502, 503, 504, 599])
    )
    code, message = draw(_CODES), draw(_TEXT)
    body = draw(
        st.one_of(
            st.binary(max_size=200),
            st.just(error_body(code, message.replace("<", "").replace("&", ""))),
            st.just(OK_BODY),
            st.just(OK_BODY[: draw(st.integers(0, len(OK_BODY)))]),
            st.builds(lambda t: f"<ErrorResponse><Error>{t}</Error></ErrorResponse>".encode(), _TEXT),
        )
    )
    names = ["x-mws-timestamp", "date", "x-mws-quota-max", "x-mws-quota-remaining", "x-mws-quota-resetsOn",
             "content-type", "location", "content-md5"]  # fmt: skip
    headers = draw(st.dictionaries(st.sampled_from(names), _HEADER_VALUE, max_size=4))
    return status, body, headers


@settings(max_examples=300, deadline=None)
@given(answer=answers(), write=st.booleans())
async def test_any_answer_is_a_response_or_a_typed_error(
    answer: tuple[int, bytes, dict[str, str]], write: bool
) -> None:
    status, body, headers = answer
    calls = 0

    def handler(request: httpx.Request) -> httpx.Response:
        nonlocal calls
        calls += 1
        return httpx.Response(status, content=body, headers=headers)

    def parse(response: MWSResponse) -> Any:
        from mws_async import xml

        return xml.parse(response.body, status_code=response.status_code)

    transport = make_transport(handler, retry=RetryPolicy.disabled())
    outcome: MWSError | None = None
    try:
        await transport.send(submit_feed() if write else products_request(), parse=parse)
    except MWSError as exc:  # anything else fails the test
        outcome = exc
    assert calls == 1
    if write and outcome is not None and (status >= 500 or 200 <= status < 300):
        # Only a documented "not processed" answer (or a rejection with its own code, on a 2xx) may be
        # anything but OutcomeUnknownError: every other failure may have followed processing.
        not_processed = (ThrottledError, ServiceUnavailableError)
        allowed = not_processed if status >= 500 else (*not_processed, MWSResponseError)
        assert isinstance(outcome, (OutcomeUnknownError, *allowed)), repr(outcome)
    if isinstance(outcome, ServiceUnavailableError):  # resent after: only what MWS documents as such
        assert outcome.code == "ServiceUnavailable"
    if isinstance(outcome, ThrottledError):
        assert outcome.code in ("RequestThrottled", "QuotaExceeded") or outcome.status_code == 429


async def test_a_5xx_with_a_rejection_code_to_a_write_is_still_outcome_unknown() -> None:
    """Found by the fuzz above: a 500 whose body says RequestExpired is not a documented "not processed"."""
    calls = 0

    def handler(request: httpx.Request) -> httpx.Response:
        nonlocal calls
        calls += 1
        return httpx.Response(500, content=error_body("RequestExpired", "Request has expired"))

    with pytest.raises(OutcomeUnknownError):
        await make_transport(handler).send(submit_feed())
    assert calls == 1


@pytest.mark.parametrize("write", [False, True])
async def test_a_redirect_to_something_that_is_not_a_url_is_a_typed_error(write: bool) -> None:
    """Found by the fuzz above: httpx raises InvalidURL from inside send() for such a Location."""
    transport = make_transport(lambda r: httpx.Response(301, headers={"location": "A:0"}), retry=NO_RETRY)
    with pytest.raises(OutcomeUnknownError if write else TransportError, match="InvalidURL"):
        await transport.send(submit_feed() if write else products_request())
