"""MWSClient's engine against a real loopback server: a big answer is parsed without stalling the loop."""

from __future__ import annotations

import asyncio
import threading
from typing import Any

import pytest
from support import FIXTURES, serve_asgi

from mws_async import MWSClient, xml
from mws_async.credentials import Credentials
from mws_async.operations import OFF_LOOP_BYTES

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
