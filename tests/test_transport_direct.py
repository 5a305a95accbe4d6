"""The own HTTP client's short path (Transport._build / Transport._send): the same wire as httpx's client.

When mws-async creates the HTTP client itself, form POSTs are built from a prepared header list and sent
straight to the client's transport. These tests pin that nothing on the wire or around it changes: the
same headers in the same order as an httpx client sends, cookies kept and sent back, httpx's log line.
"""

from __future__ import annotations

import logging
from typing import Any

import pytest
from support import serve_asgi

from mws_async.credentials import Credentials
from mws_async.http import make_http_client
from mws_async.throttle import Throttler
from mws_async.transport import MWSRequest, Section, Transport

CREDS = Credentials("AKIATESTKEY", "secret-key", "A1SELLERTEST")
PRODUCTS = Section("Products", "/Products/2011-10-01", "2011-10-01")
OK_BODY = (
    b'<?xml version="1.0"?><GetServiceStatusResponse xmlns="http://mws.amazonservices.com/schema/Products/'
    b'2011-10-01"><GetServiceStatusResult><Status>GREEN</Status></GetServiceStatusResult>'
    b"</GetServiceStatusResponse>"
)
REQUEST = MWSRequest(PRODUCTS, "GetServiceStatus")


class Recorder:
    """An ASGI app answering 200 to everything and keeping each request's raw header list."""

    def __init__(self, set_cookie: str | None = None) -> None:
        self.headers: list[list[tuple[bytes, bytes]]] = []
        self.set_cookie = set_cookie

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        while (await receive()).get("more_body"):
            pass
        self.headers.append(list(scope["headers"]))
        headers = [(b"content-type", b"text/xml")]
        if self.set_cookie is not None:
            headers.append((b"set-cookie", self.set_cookie.encode()))
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": OK_BODY})


def _transport(base_url: str, **kwargs: Any) -> Transport:
    return Transport(
        CREDS,
        base_url=base_url,
        throttler=Throttler(enabled=False),
        user_agent="mws-async-tests/1.0",
        **kwargs,
    )


def _names(headers: list[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
    # Bodies differ by their Timestamp and Signature (whose percent-encoding varies in length), so
    # Content-Length is compared by position only.
    return [(name.lower(), b"" if name.lower() == b"content-length" else value) for name, value in headers]


async def test_the_own_client_sends_the_headers_an_httpx_client_sends_in_the_same_order() -> None:
    app = Recorder()
    async with serve_asgi(app) as base_url:
        own = _transport(base_url)
        http = make_http_client(60.0)
        injected = _transport(base_url, http_client=http)
        try:
            await own.send(REQUEST)
            await injected.send(REQUEST)
        finally:
            await own.aclose()
            await http.aclose()
    first, second = app.headers
    assert _names(first) == _names(second)
    assert (b"user-agent", b"mws-async-tests/1.0") in _names(first)
    assert (b"content-type", b"application/x-www-form-urlencoded; charset=utf-8") in _names(first)


async def test_a_cookie_the_server_sets_is_sent_back_by_the_own_client() -> None:
    app = Recorder(set_cookie="AWSALB=abc123; Path=/")
    async with serve_asgi(app) as base_url:
        own = _transport(base_url)
        try:
            await own.send(REQUEST)
            await own.send(REQUEST)
        finally:
            await own.aclose()
    assert not any(name.lower() == b"cookie" for name, _ in app.headers[0])
    assert (b"cookie", b"AWSALB=abc123") in _names(app.headers[1])


async def test_httpx_request_log_lines_still_appear_when_its_logger_is_on(
    caplog: pytest.LogCaptureFixture,
) -> None:
    app = Recorder()
    async with serve_asgi(app) as base_url:
        own = _transport(base_url)
        try:
            with caplog.at_level(logging.INFO, logger="httpx"):
                await own.send(REQUEST)
        finally:
            await own.aclose()
    assert any(r.name == "httpx" and "HTTP Request: POST" in r.getMessage() for r in caplog.records)
