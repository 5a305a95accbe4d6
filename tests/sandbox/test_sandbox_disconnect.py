"""A download the client abandons stops on the server: what the sandbox sends after the client has gone is
counted at the ASGI boundary, on a real uvicorn socket."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from sandbox.sandbox_signer import USER_AGENT, signed_params
from support import serve_asgi, wait_until

from mws_async import MWSClient
from mws_async.sandbox import Sandbox
from mws_async.sandbox.handlers.reports import LARGE_REPORT_TYPE

R = "/Reports/2009-01-01"
MiB = 1 << 20
REPORT_SIZE = 200 * MiB
GUARD = 20.0


class SendCounter:
    """ASGI wrapper counting the body bytes the app hands to the server, and how many requests are live."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.sent = 0
        self.live = 0

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        async def counted(message: Any) -> None:
            if message["type"] == "http.response.body":
                self.sent += len(message.get("body", b""))
            await send(message)

        self.live += 1
        try:
            await self.app(scope, receive, counted)
        finally:
            self.live -= 1


@pytest.fixture
async def served() -> AsyncIterator[tuple[Sandbox, SendCounter, str]]:
    sandbox = Sandbox(seed=0, time_scale=1000.0, catalog_size=1000, order_count=10)
    counter = SendCounter(sandbox.app)
    async with serve_asgi(counter) as url:
        yield sandbox, counter, url


async def large_report_id(sandbox: Sandbox, url: str, *, http: httpx.AsyncClient | None = None) -> str:
    async with MWSClient(sandbox.credentials, base_url=url, time_scale=1000.0, http_client=http) as client:
        info = await client.reports.request_report(LARGE_REPORT_TYPE, report_options=f"size={REPORT_SIZE}")
        while True:
            [request] = [
                r
                async for r in client.reports.get_report_request_list(
                    report_request_ids=[info.report_request_id]
                )
            ]
            if request.generated_report_id is not None:
                return request.generated_report_id
            await asyncio.sleep(0.02)


async def abandon_download(sandbox: Sandbox, url: str, report_id: str, keep: int) -> int:
    """Start GetReport, read ``keep`` bytes, drop the connection; returns the bytes read."""
    host = urlsplit(url).netloc
    form = signed_params(sandbox.credentials, R, "GetReport", {"ReportId": report_id}, host=host)
    headers = {"User-Agent": USER_AGENT}
    read = 0
    async with (
        httpx.AsyncClient(base_url=url) as http,
        http.stream("POST", R, data=form, headers=headers) as response,
    ):
        assert response.status_code == 200
        assert int(response.headers["content-length"]) == REPORT_SIZE
        async for chunk in response.aiter_raw():
            read += len(chunk)
            if read >= keep:
                break
    return read  # leaving the blocks closes the connection with most of the report unread


async def until_idle(counter: SendCounter) -> None:
    await wait_until(lambda: counter.live == 0, "the sandbox stopped streaming after the client left")


async def test_an_abandoned_report_download_stops_within_a_few_chunks_of_the_disconnect(
    served: tuple[Sandbox, SendCounter, str],
) -> None:
    sandbox, counter, url = served
    report_id = await large_report_id(sandbox, url)
    before = counter.sent
    read = await abandon_download(sandbox, url, report_id, keep=2 * MiB)
    at_disconnect = counter.sent - before
    await until_idle(counter)
    after_disconnect = counter.sent - before - at_disconnect
    assert read >= 2 * MiB
    # Socket buffers and the chunk in flight may hold a few MiB; the report is 200 MiB.
    assert at_disconnect + after_disconnect < 16 * MiB, (at_disconnect, after_disconnect)


async def test_five_abandoned_downloads_leave_no_socket_send_errors(
    served: tuple[Sandbox, SendCounter, str], caplog: pytest.LogCaptureFixture
) -> None:
    sandbox, counter, url = served
    report_id = await large_report_id(sandbox, url)
    before = counter.sent
    with caplog.at_level(logging.WARNING):
        for _ in range(5):
            await abandon_download(sandbox, url, report_id, keep=MiB)
            await until_idle(counter)
    assert counter.sent - before < 5 * 16 * MiB  # of 5 x 200 MiB
    assert not [r for r in caplog.records if "socket.send() raised exception" in r.getMessage()]


async def test_a_stream_into_a_dead_socket_still_lets_the_disconnect_through() -> None:
    # Once the client has gone, the server's send() returns at once (asyncio's transport drops the bytes and
    # logs "socket.send() raised exception"; it never pauses writing again), and the news that the
    # connection is lost arrives by a callback the loop runs later. A stream loop that never yields would
    # write the whole 200 MiB report (or forever, for an endless body) into the dead socket, one warning per
    # chunk: what made a test process grow to 20 GB of captured log records. This drives the ASGI app
    # with exactly such a send() and a disconnect that only a loop turn can deliver.
    sandbox = Sandbox(seed=0, time_scale=1000.0, catalog_size=1000, order_count=10)
    host = "127.0.0.1"
    http = httpx.AsyncClient(transport=httpx.ASGITransport(app=sandbox.app), base_url=f"http://{host}")
    async with http:
        report_id = await large_report_id(sandbox, f"http://{host}", http=http)
    form = signed_params(sandbox.credentials, R, "GetReport", {"ReportId": report_id}, host=host)
    body = httpx.QueryParams(form).__str__().encode()
    scope = {
        "type": "http",
        "method": "POST",
        "path": R,
        "query_string": b"",
        "scheme": "http",
        "client": (host, 50000),
        "server": (host, 80),
        "headers": [
            (b"host", host.encode()),
            (b"user-agent", USER_AGENT.encode()),
            (b"content-type", b"application/x-www-form-urlencoded; charset=utf-8"),
            (b"content-length", str(len(body)).encode()),
        ],
    }
    loop = asyncio.get_running_loop()
    lost = asyncio.Event()
    request_read = False
    sent_after_loss: list[int] = []

    async def receive() -> dict[str, Any]:
        nonlocal request_read
        if not request_read:
            request_read = True
            return {"type": "http.request", "body": body, "more_body": False}
        await lost.wait()
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:  # never suspends, like a write into a closed socket
        if message["type"] != "http.response.body" or not message.get("body"):
            return
        if not sent_after_loss:
            loop.call_soon(lost.set)  # the connection dies with the first chunk; the loop learns it later
        sent_after_loss.append(len(message["body"]))

    await asyncio.wait_for(sandbox.app(scope, receive, send), timeout=GUARD)
    assert sent_after_loss, "the report was not streamed at all"
    assert sum(sent_after_loss) < 16 * MiB, f"{sum(sent_after_loss):,} bytes written after the client left"
