"""SP-API and LWA against hostile servers: every answer is bounded in time and in size."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from spapi.spapi_support import ScriptedSPAPI, assert_no_secret, scripted_client
from support import serve_asgi
from test_transport_edges import CHUNKED_HEAD, RawServer, raw_server

from mws_async import deadline
from mws_async.errors import ClientClosedError, ClientValidationError, DeadlineExceededError
from mws_async.retry import RetryPolicy
from mws_async.spapi import SPAPIClient
from mws_async.spapi.auth import LWACredentials
from mws_async.spapi.client import MIN_ANNOUNCED_RATE
from mws_async.spapi.errors import LWAError, SPAPIError

CREDS = LWACredentials("amzn1.application-oa2-client.t", "client-secret-value", "Atzr|refresh-token-value")
TOKEN = json.dumps({"access_token": "Atza|token", "token_type": "bearer", "expires_in": 3600}).encode()
ASIN = "B00000TEST"
OFFERS = json.dumps({"errors": [{"code": "NotFound", "message": "no offers"}]})  # a 200 GetOffersResponse


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


# -- a token endpoint or an answer that would break the client -----------------------------------------


@pytest.mark.parametrize("token", ["Atza|é-secret-token-9876", "Atza|a\r\nX-Evil: secret-token-9876"])
async def test_an_access_token_no_header_can_carry_is_a_typed_error_that_never_shows_it(token: str) -> None:
    app = ScriptedSPAPI()
    app.token_body = json.dumps({"access_token": token, "expires_in": 3600})
    async with serve_asgi(app) as url, scripted_client(url) as client:
        with pytest.raises(LWAError, match="characters an HTTP header cannot carry") as info:
            await client.pricing.get_item_offers(ASIN, "New")
    assert info.value.code == "InvalidTokenResponse"
    assert app.answers == 0  # nothing was sent with it
    assert_no_secret(info.value, token, "secret-token-9876")


@pytest.mark.parametrize("announced", ["1e-300", "0.000001", str(MIN_ANNOUNCED_RATE / 2)])
async def test_an_absurdly_slow_announced_rate_is_ignored(announced: str) -> None:
    app = ScriptedSPAPI()
    app.answer_body = OFFERS
    app.answer_headers = [(b"x-amzn-ratelimit-limit", announced.encode())]
    async with serve_asgi(app) as url, scripted_client(url, throttle=None, time_scale=100) as client:
        plan = client.spec_for("getItemOffers")
        for _ in range(3):  # past the burst of 1: a followed 1e-300 would park the later calls for ever
            await asyncio.wait_for(client.pricing.get_item_offers(ASIN, "New"), 10)
        assert client.spec_for("getItemOffers") == plan
    assert app.answers == 3


async def test_a_plausible_slow_announced_rate_is_followed() -> None:
    app = ScriptedSPAPI()
    app.answer_body = OFFERS
    app.answer_headers = [(b"x-amzn-ratelimit-limit", str(MIN_ANNOUNCED_RATE * 5).encode())]
    async with serve_asgi(app) as url, scripted_client(url, throttle=None) as client:
        await client.pricing.get_item_offers(ASIN, "New")
        assert client.spec_for("getItemOffers").restore_rate == pytest.approx(MIN_ANNOUNCED_RATE * 5)


async def test_a_token_that_does_not_come_ends_the_call_at_its_max_wait() -> None:
    app = ScriptedSPAPI()
    app.token_delay = 2.5  # longer than the 0.5 s budget; the server still stops soon after the test
    async with serve_asgi(app) as url, scripted_client(url, max_wait=0.5, timeout=10.0) as client:
        started = asyncio.get_running_loop().time()
        with pytest.raises(DeadlineExceededError, match="waiting for the LWA access token"):
            await asyncio.wait_for(client.pricing.get_item_offers(ASIN, "New"), 20)
        assert asyncio.get_running_loop().time() - started < 2.0  # not the token (2.5 s) nor 10 s timeout
    assert app.answers == 0


async def test_a_token_that_does_not_come_ends_the_call_at_its_deadline() -> None:
    app = ScriptedSPAPI()
    app.token_delay = 2.5  # longer than the 0.5 s budget; the server still stops soon after the test
    async with serve_asgi(app) as url, scripted_client(url, timeout=10.0) as client:
        started = asyncio.get_running_loop().time()
        with deadline(0.5), pytest.raises(DeadlineExceededError, match="waiting for the LWA access token"):
            await asyncio.wait_for(client.pricing.get_item_offers(ASIN, "New"), 20)
        assert asyncio.get_running_loop().time() - started < 2.0


async def test_a_huge_error_answer_gives_a_short_message_and_a_few_errors() -> None:
    app = ScriptedSPAPI()
    first = {"code": "C" * 1_000_000, "message": "M" * 4_000_000, "details": "D" * 1_000_000}
    app.answer_status = 400
    app.answer_body = json.dumps({"errors": [first] + [{"code": "X", "message": "y"}] * 100_000})
    async with serve_asgi(app) as url, scripted_client(url) as client:
        with pytest.raises(SPAPIError) as info:
            await client.pricing.get_item_offers(ASIN, "New")
    error = info.value
    assert len(str(error)) < 2_000
    assert error.code.startswith("CCC") and len(error.code) <= 100
    assert error.message.startswith("MMM") and len(error.message) <= 500
    assert len(error.errors) <= 20


# -- arguments a user can get wrong ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("call", "expected"),
    [
        (
            lambda client: client.call("getItemOfers", {}),
            r"unknown operation 'getItemOfers'; known: .*getItemOffers",
        ),
        (lambda client: client.call(5, {}), "unknown operation 5"),
        (lambda client: client.call("getItemOffers", None), "args must be a mapping, got NoneType"),
        (lambda client: client.pricing.get_item_offers_batch(None), "requests must be a list of 1-20"),
        (lambda client: client.pricing.get_item_offers_batch(5), "requests must be a list of 1-20"),
        (
            lambda client: client.pricing.get_listing_offers_batch(iter(lambda: {}, None)),
            "requests must be a list of 1-20 requests, got callable_iterator",
        ),
    ],
    ids=["misspelt", "not-a-name", "args-none", "batch-none", "batch-int", "batch-endless-iterator"],
)
async def test_wrong_call_arguments_are_client_validation_errors(call: Any, expected: str) -> None:
    app = ScriptedSPAPI()
    async with serve_asgi(app) as url, scripted_client(url) as client:
        with pytest.raises(ClientValidationError, match=expected):
            await asyncio.wait_for(call(client), 10)
    assert app.token_requests == app.answers == 0  # refused before anything was sent


async def test_a_client_used_after_aclose_is_refused_and_sends_nothing() -> None:
    app = ScriptedSPAPI()
    app.answer_body = OFFERS
    async with serve_asgi(app) as url:
        async with scripted_client(url) as client:
            await client.pricing.get_item_offers(ASIN, "New")
        with pytest.raises(ClientClosedError, match="this SPAPIClient is closed"):
            await client.pricing.get_item_offers(ASIN, "New")
    assert app.answers == 1
