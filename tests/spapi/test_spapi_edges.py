"""SP-API and LWA against hostile servers: every answer is bounded in time and in size."""

from __future__ import annotations

import asyncio
import json

import pytest
from spapi.spapi_support import ScriptedSPAPI, scripted_client
from support import serve_asgi
from test_transport_edges import CHUNKED_HEAD, RawServer, raw_server

from mws_async.retry import RetryPolicy
from mws_async.spapi import SPAPIClient
from mws_async.spapi.auth import LWACredentials
from mws_async.spapi.errors import SPAPIError

CREDS = LWACredentials("amzn1.application-oa2-client.t", "client-secret-value", "Atzr|refresh-token-value")
TOKEN = json.dumps({"access_token": "Atza|token", "token_type": "bearer", "expires_in": 3600}).encode()
ASIN = "B00000TEST"


async def answer(writer: asyncio.StreamWriter, server: RawServer, body: bytes) -> None:
    head = f"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
    await server.write(writer, head.encode() + body)


def client_for(url: str) -> SPAPIClient:
    return SPAPIClient(
        CREDS, base_url=url, token_url=url + "/auth/o2/token", retry=RetryPolicy.disabled(), timeout=1.0
    )


async def test_a_dripping_answer_is_cut_off_at_the_timeout() -> None:
    async def respond(writer: asyncio.StreamWriter, server: RawServer) -> None:
        if b"/auth/o2/token" in server.head:
            await answer(writer, server, TOKEN)
            return
        await server.write(writer, b"HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n")
        while True:
            await server.write(writer, b" ")
            await asyncio.sleep(0.1)

    async with raw_server(respond) as (url, server), client_for(url) as client:
        with pytest.raises(SPAPIError, match=r"timed out after 1 s") as info:
            await asyncio.wait_for(client.pricing.get_item_offers(ASIN, "New"), 20)
    assert info.value.code == "Timeout"
    assert server.sent < 1000


async def test_an_endless_answer_stops_at_the_size_cap() -> None:
    async def respond(writer: asyncio.StreamWriter, server: RawServer) -> None:
        if b"/auth/o2/token" in server.head:
            await answer(writer, server, TOKEN)
            return
        await server.write(writer, CHUNKED_HEAD)
        chunk = b"[" * 65536
        while True:
            await server.write(writer, f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")

    async with raw_server(respond) as (url, server):
        client = SPAPIClient(
            CREDS,
            base_url=url,
            token_url=url + "/auth/o2/token",
            retry=RetryPolicy.disabled(),
            max_response_bytes=1024 * 1024,
        )
        async with client:
            with pytest.raises(SPAPIError, match="1048576-byte cap") as info:
                await asyncio.wait_for(client.pricing.get_item_offers(ASIN, "New"), 30)
    assert info.value.code == "ResponseTooLarge"
    assert server.sent < 40 * 1024 * 1024


async def test_a_dripping_token_endpoint_is_cut_off_at_the_timeout() -> None:
    async def respond(writer: asyncio.StreamWriter, server: RawServer) -> None:
        await server.write(writer, b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n")
        while True:
            await server.write(writer, b" ")
            await asyncio.sleep(0.1)

    async with raw_server(respond) as (url, server), client_for(url) as client:
        with pytest.raises(SPAPIError, match="LWA token request timed out after 1 s"):
            await asyncio.wait_for(client.pricing.get_item_offers(ASIN, "New"), 20)
    assert server.requests == 1


async def test_server_error_retries_stop_at_the_retry_budget() -> None:
    app = ScriptedSPAPI()
    app.answer_status, app.answer_body = 500, '{"errors": [{"code": "InternalFailure", "message": "x"}]}'
    policy = RetryPolicy(max_attempts=50, initial_backoff=0.2, multiplier=1.0, jitter=0.0, max_retry_time=1.0)
    async with serve_asgi(app) as url, scripted_client(url, retry=policy) as client:
        with pytest.raises(SPAPIError) as info:
            await client.pricing.get_item_offers(ASIN, "New")
    assert 1 < info.value.attempts == app.answers < 50
