"""LWA: the token flow, single-flight refresh at expiry, server-side expiry, refused refresh tokens."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable

import pytest
from spapi.spapi_support import ACCESS_TOKEN, ScriptedSPAPI, Served, assert_no_secret, nested, scripted_client
from support import free_port, serve_asgi

from mws_async.retry import RetryPolicy
from mws_async.sandbox.spapi import SPAPI_CLIENT_ID, SPAPISandboxApp
from mws_async.spapi import LWAError, SPAPIError
from mws_async.spapi.auth import MAX_TOKEN_LIFETIME, MIN_TOKEN_LIFETIME, LWACredentials
from mws_async.throttle import NoThrottle, Throttler


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


async def test_token_is_fetched_once_and_sent_as_header(served: Served) -> None:
    asin = served.app.world.sample_ids("ASIN", 1)[0]
    async with served.client() as client:
        for _ in range(3):
            await client.pricing.get_competitive_pricing(asins=[asin])
        assert client.auth.token_requests == 1
    assert served.app.token_requests == 1
    assert served.app.request_log.count("token", section="LWA", processed=True) == 1


async def test_200_concurrent_calls_at_expiry_make_one_token_request(
    make_app: Callable[..., SPAPISandboxApp],
) -> None:
    app = make_app(throttling=False, token_lifetime=120.0)
    clock = Clock()
    asin = app.world.sample_ids("ASIN", 1)[0]
    async with serve_asgi(app) as url:
        served = Served(app, url)
        async with served.client(clock=clock, throttle=Throttler(NoThrottle())) as client:
            await client.pricing.get_item_offers(asin, "New")
            assert app.token_requests == 1
            first = client.auth.current
            assert first is not None
            # 60 s early (at most half the lifetime): due at 1000 + 120 - 60.
            assert first.refresh_at == pytest.approx(1060.0) and first.expires_at == pytest.approx(1120.0)
            clock.now = 1061.0  # due for refresh, still valid on the server
            answers = await asyncio.gather(*(client.pricing.get_item_offers(asin, "New") for _ in range(200)))
            assert all(a.payload is not None for a in answers)
            assert app.token_requests == 2
            assert client.auth.token_requests == 2
            assert client.auth.current is not None and client.auth.current.value != first.value


async def test_server_side_expiry_refreshes_once_for_200_calls(
    make_app: Callable[..., SPAPISandboxApp],
) -> None:
    server_clock = Clock()
    app = make_app(throttling=False, clock=server_clock, token_lifetime=5.0)
    asin = app.world.sample_ids("ASIN", 1)[0]
    async with serve_asgi(app) as url, Served(app, url).client(throttle=Throttler(NoThrottle())) as client:
        await client.pricing.get_item_offers(asin, "New")
        server_clock.now += 10.0  # every issued token has expired on the server; the client does not know
        answers = await asyncio.gather(*(client.pricing.get_item_offers(asin, "New") for _ in range(200)))
        assert all(a.payload is not None for a in answers)
    assert app.token_requests == 2
    assert app.request_log.count("getItemOffers", status=401) >= 1
    assert app.request_log.count("getItemOffers", processed=True) == 201


async def test_refused_refresh_token_raises_lwa_error(served: Served) -> None:
    bad = LWACredentials(SPAPI_CLIENT_ID, served.app._client_secret, "Atzr|not-a-real-token-123")
    async with served.client(credentials=bad) as client:
        with pytest.raises(LWAError) as info:
            await client.pricing.get_item_offers("B000000001", "New")
    assert info.value.code == "invalid_grant" and info.value.status == 400
    assert "Atzr|not-a-real-token-123" not in str(info.value)
    wrong_secret = LWACredentials(SPAPI_CLIENT_ID, "wrong-secret-value", "Atzr|sandbox-refresh-token")
    async with served.client(credentials=wrong_secret) as client:
        with pytest.raises(LWAError) as info:
            await client.auth.token()
    assert info.value.code == "invalid_client" and info.value.status == 401
    assert served.app.request_log.count("getItemOffers") == 0


async def test_missing_or_invalid_token_is_403(served: Served) -> None:
    async with served.client() as client:
        response = await client._http.get(served.url + "/products/pricing/v0/items/B000000001/offers")
        assert response.status_code == 403
        assert response.json()["errors"][0] == {
            "code": "Unauthorized",
            "message": "Access to requested resource is denied.",
            "details": "The request has no x-amz-access-token header.",
        }
        response = await client._http.get(
            served.url + "/products/pricing/v0/items/B000000001/offers",
            headers={"x-amz-access-token": "Atza|x"},
        )
        assert response.status_code == 403
        # A token the server no longer knows: the client drops it, gets a fresh one, and retries once.
        asin = served.app.world.sample_ids("ASIN", 1)[0]
        await client.pricing.get_item_offers(asin, "New")
        served.app._tokens.clear()
        answer = await client.pricing.get_item_offers(asin, "New")
        assert answer.payload is not None and client.auth.token_requests == 2
        # Authorisation withdrawn: the refresh itself is refused.
        served.app._tokens.clear()
        served.app._refresh_tokens.clear()
        with pytest.raises(LWAError):
            await client.pricing.get_item_offers(asin, "New")
    assert served.app.request_log.count("getItemOffers", status=403) >= 2


# -- hostile token answers: typed errors, sane lifetimes, no secret reachable from any error --------------


@pytest.fixture
async def scripted() -> AsyncIterator[tuple[ScriptedSPAPI, str]]:
    app = ScriptedSPAPI()
    async with serve_asgi(app) as url:
        yield app, url


def token_answer(expires_in: str) -> str:
    return f'{{"access_token": "{ACCESS_TOKEN}", "token_type": "bearer", "expires_in": {expires_in}}}'


@pytest.mark.parametrize(
    "expires_in", ["NaN", "Infinity", "1e400", "-Infinity", "-5", "0", '"soon"', "true", "null"]
)
async def test_a_token_lifetime_that_is_not_a_positive_finite_number_is_refused(
    scripted: tuple[ScriptedSPAPI, str], expires_in: str
) -> None:
    app, url = scripted
    app.token_body = token_answer(expires_in)
    async with scripted_client(url, clock=Clock()) as client:
        with pytest.raises(LWAError, match="expires_in") as info:
            await client.auth.token()
    assert info.value.code == "InvalidTokenResponse"
    assert_no_secret(info.value)


@pytest.mark.parametrize(
    ("expires_in", "lifetime"),
    [("3600", 3600.0), ("1", MIN_TOKEN_LIFETIME), ("1e9", MAX_TOKEN_LIFETIME), ('"7200"', 7200.0)],
)
async def test_token_lifetimes_are_clamped_to_a_sane_range(
    scripted: tuple[ScriptedSPAPI, str], expires_in: str, lifetime: float
) -> None:
    app, url = scripted
    app.token_body = token_answer(expires_in)
    clock = Clock()
    async with scripted_client(url, clock=clock) as client:
        await client.auth.token()
        current = client.auth.current
        assert current is not None and current.expires_at == pytest.approx(1000.0 + lifetime)
        # Within its lifetime the token is reused: no refresh before every call, and one after expiry.
        for _ in range(3):
            await client.auth.token()
        assert app.token_requests == 1
        clock.now += lifetime
        await client.auth.token()
        assert app.token_requests == 2
    assert (MIN_TOKEN_LIFETIME, MAX_TOKEN_LIFETIME) == (60.0, 86400.0)


@pytest.mark.parametrize("status", [200, 400])
@pytest.mark.parametrize("depth", [100, 100_000])
async def test_a_deeply_nested_token_answer_is_a_typed_error(
    scripted: tuple[ScriptedSPAPI, str], status: int, depth: int
) -> None:
    app, url = scripted
    app.token_status = status
    app.token_body = nested(depth)
    async with scripted_client(url, retry=RetryPolicy.disabled()) as client:
        with pytest.raises(LWAError) as info:
            await client.auth.token()
    assert info.value.status == status
    if status == 200:
        assert "nested deeper than 64 levels" in str(info.value)
    assert not any(isinstance(e, RecursionError) for e in chain(info.value))


async def test_no_secret_is_reachable_from_token_exchange_errors(scripted: tuple[ScriptedSPAPI, str]) -> None:
    app, url = scripted
    errors: list[BaseException] = []
    # Refused (400 invalid_grant), malformed answers, and an endpoint nobody listens on (transport error).
    app.token_status, app.token_body = 400, '{"error": "invalid_grant", "error_description": "bad token"}'
    for body in ['{"error": "invalid_grant"}', f'{{"access_token": "{ACCESS_TOKEN}"', "[]"]:
        app.token_body = body
        async with scripted_client(url, retry=RetryPolicy.disabled()) as client:
            with pytest.raises(LWAError) as info:
                await client.auth.token()
            errors.append(info.value)
        app.token_status = 200
    async with scripted_client(url, token_url=f"http://127.0.0.1:{free_port()}/auth/o2/token") as client:
        with pytest.raises(SPAPIError) as transport:
            await client.pricing.get_item_offers("B000000001", "New")
        errors.append(transport.value)
    assert transport.value.attempts == 2
    for error in errors:
        assert_no_secret(error)
        assert error.__context__ is None and error.__cause__ is None


def chain(error: BaseException | None) -> list[BaseException]:
    out: list[BaseException] = []
    while error is not None and error not in out:
        out.append(error)
        error = error.__cause__ or error.__context__
    return out
