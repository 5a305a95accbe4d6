"""Login with Amazon (LWA): refresh-token credentials, and access tokens cached and refreshed once.

SP-API calls carry an LWA access token in ``x-amz-access-token``. :class:`LWAAuth` gets one by POSTing
``grant_type=refresh_token&refresh_token=...&client_id=...&client_secret=...`` to the token endpoint, caches
it, and refreshes it ``refresh_margin`` seconds (default 60, at most half the token's lifetime) before it
expires. A refresh is single-flight: every caller that needs a token while a refresh is running awaits that
same refresh, so a thousand concurrent requests at expiry cause exactly one token request.

The client id is not a secret; the client secret, the refresh token and every access token are
:class:`~mws_async.credentials.Secret` values, so they never show in ``repr``, logs or exception messages.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import httpx

from mws_async.credentials import Secret
from mws_async.errors import ConfigurationError
from mws_async.retry import RetryPolicy
from mws_async.spapi.errors import LWAError, SPAPIError
from mws_async.transport import is_loopback

__all__ = ["DEFAULT_TOKEN_URL", "AccessToken", "LWAAuth", "LWACredentials", "validate_endpoint"]

DEFAULT_TOKEN_URL = "https://api.amazon.com/auth/o2/token"
logger = logging.getLogger("mws_async.spapi.auth")


def validate_endpoint(url: str, what: str = "endpoint") -> httpx.URL:
    """Parse an http(s) URL; HTTPS is required except for loopback hosts (the local sandbox)."""
    parsed = httpx.URL(url)
    if parsed.scheme not in ("http", "https") or not parsed.host:
        raise ConfigurationError(f"SP-API {what} {url!r} is not an http(s) URL")
    if parsed.scheme != "https" and not is_loopback(parsed.host):
        raise ConfigurationError(
            f"SP-API {what} {url!r} uses plain HTTP; HTTPS is required (plain HTTP is allowed only for "
            "loopback hosts such as the local sandbox)"
        )
    return parsed


@dataclass(frozen=True, slots=True, init=False, repr=False)
class LWACredentials:
    """An LWA application (client id + secret) and the selling partner's refresh token.

    ``selling_partner_id`` (the seller id that authorised the application) is optional; it names the
    selling partner in throttle keys. Without it a hash of the refresh token stands in (see
    :attr:`partner_key`).

    >>> LWACredentials("amzn1.application-oa2-client.x", "secret", "Atzr|token")
    LWACredentials(client_id='amzn1.application-oa2-client.x', client_secret=Secret('**********'), \
refresh_token=Secret('**********'), selling_partner_id=None)
    """

    client_id: str
    client_secret: Secret
    refresh_token: Secret
    selling_partner_id: str | None

    def __init__(
        self,
        client_id: str,
        client_secret: str | Secret,
        refresh_token: str | Secret,
        selling_partner_id: str | None = None,
    ) -> None:
        secret = client_secret if isinstance(client_secret, Secret) else Secret(client_secret)
        token = refresh_token if isinstance(refresh_token, Secret) else Secret(refresh_token)
        empty = [
            name
            for name, value in (
                ("client_id", bool(client_id)),
                ("client_secret", bool(secret)),
                ("refresh_token", bool(token)),
            )
            if not value
        ]
        if empty:
            raise ConfigurationError(f"LWACredentials: empty {', '.join(empty)}; all three are required")
        object.__setattr__(self, "client_id", client_id)
        object.__setattr__(self, "client_secret", secret)
        object.__setattr__(self, "refresh_token", token)
        object.__setattr__(self, "selling_partner_id", selling_partner_id or None)

    def __repr__(self) -> str:
        return (
            f"LWACredentials(client_id={self.client_id!r}, client_secret={self.client_secret!r}, "
            f"refresh_token={self.refresh_token!r}, selling_partner_id={self.selling_partner_id!r})"
        )

    __str__ = __repr__

    @property
    def partner_key(self) -> str:
        """The selling partner in throttle keys: ``selling_partner_id``, else ``rt#`` + a token hash."""
        if self.selling_partner_id:
            return self.selling_partner_id
        return "rt#" + hashlib.sha256(self.refresh_token.reveal().encode()).hexdigest()[:16]


@dataclass(frozen=True, slots=True)
class AccessToken:
    """An LWA access token and when (on the auth's monotonic clock) it stops being used."""

    value: Secret
    expires_at: float
    refresh_at: float


class LWAAuth:
    """Cached LWA access tokens with single-flight refresh.

    Args:
        credentials: the application and refresh token.
        http_client: the ``httpx.AsyncClient`` to POST with (shared with the SP-API client).
        token_url: the token endpoint (default ``https://api.amazon.com/auth/o2/token``; the sandbox serves
            one at ``/auth/o2/token``). HTTPS unless loopback.
        clock: monotonic seconds (inject to step time in tests).
        refresh_margin: refresh this many seconds before expiry (at most half the token lifetime).
        retry: backoff and attempts for token requests that fail with 5xx or a transport error.
        sleep: the sleep used between those attempts.
    """

    def __init__(
        self,
        credentials: LWACredentials,
        http_client: httpx.AsyncClient,
        *,
        token_url: str = DEFAULT_TOKEN_URL,
        clock: Callable[[], float] = time.monotonic,
        refresh_margin: float = 60.0,
        retry: RetryPolicy | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.credentials = credentials
        self.token_url = str(validate_endpoint(token_url, "token URL"))
        self.clock = clock
        self.refresh_margin = refresh_margin
        self.retry = retry or RetryPolicy()
        self.token_requests = 0
        """Token requests sent so far (each attempt counts)."""
        self._http = http_client
        self._sleep = sleep
        self._token: AccessToken | None = None
        self._refreshing: asyncio.Future[AccessToken] | None = None

    def __repr__(self) -> str:
        state = "valid" if self._token is not None and self.clock() < self._token.refresh_at else "none"
        return f"<LWAAuth client_id={self.credentials.client_id!r} token={state}>"

    @property
    def current(self) -> AccessToken | None:
        """The cached token, if any (it may be due for refresh)."""
        return self._token

    async def token(self) -> Secret:
        """A valid access token: the cached one, or the result of the (single, shared) refresh."""
        cached = self._token
        if cached is not None and self.clock() < cached.refresh_at:
            return cached.value
        return (await self._refresh()).value

    def invalidate(self, token: Secret | None = None) -> None:
        """Forget the cached token (only if it is ``token``, when given): the server rejected it."""
        if self._token is not None and (token is None or self._token.value == token):
            self._token = None

    async def _refresh(self) -> AccessToken:
        task = self._refreshing
        if task is None:
            # A task of its own: a caller being cancelled never cancels the refresh the others wait for.
            task = asyncio.ensure_future(self._run_refresh())
            task.add_done_callback(_retrieve)
            self._refreshing = task
        return await asyncio.shield(task)

    async def _run_refresh(self) -> AccessToken:
        try:
            token = await self._request_token()
            self._token = token
            return token
        finally:
            self._refreshing = None

    async def _request_token(self) -> AccessToken:
        creds = self.credentials
        form = {
            "grant_type": "refresh_token",
            "refresh_token": creds.refresh_token.reveal(),
            "client_id": creds.client_id,
            "client_secret": creds.client_secret.reveal(),
        }
        policy = self.retry
        attempt = 0
        while True:
            attempt += 1
            self.token_requests += 1
            sent = self.clock()
            try:
                response = await self._http.post(
                    self.token_url,
                    data=form,
                    headers={"Accept": "application/json"},
                )
                body = response.content
            except httpx.TransportError as exc:
                error: SPAPIError = SPAPIError(
                    None, type(exc).__name__, "LWA token request failed", operation="LWA token"
                )
                if attempt >= policy.max_attempts:
                    raise error.with_attempts(attempt) from None
                await self._sleep(policy.backoff(attempt))
                continue
            if response.status_code == 200:
                return self._parse(body, sent)
            error = _lwa_error(response.status_code, body)
            if response.status_code >= 500 and attempt < policy.max_attempts:
                logger.info("LWA token request failed with HTTP %d; retrying", response.status_code)
                await self._sleep(policy.backoff(attempt))
                continue
            raise error.with_attempts(attempt)

    def _parse(self, body: bytes, sent: float) -> AccessToken:
        try:
            data = json.loads(body)
            value = str(data["access_token"])
            lifetime = float(data.get("expires_in", 3600))
        except (ValueError, KeyError, TypeError):
            raise LWAError(200, "InvalidTokenResponse", "the LWA answer has no access_token") from None
        if not value or lifetime <= 0:
            raise LWAError(200, "InvalidTokenResponse", "the LWA answer has an empty or expired token")
        margin = min(self.refresh_margin, lifetime / 2)
        # Lifetime counts from when the request was sent: never later than the server's own clock.
        return AccessToken(Secret(value), sent + lifetime, sent + lifetime - margin)


def _lwa_error(status: int, body: bytes) -> LWAError:
    code, message = "HTTP" + str(status), "the LWA token endpoint refused the request"
    try:
        data = json.loads(body)
    except ValueError:
        data = None
    if isinstance(data, dict):
        code = str(data.get("error") or code)
        message = str(data.get("error_description") or message)
    return LWAError(status, code, message, operation="LWA token")


def _retrieve(task: asyncio.Future[AccessToken]) -> None:
    # Mark a failure as seen even if every waiter was cancelled (no "exception never retrieved" log).
    if not task.cancelled():
        task.exception()
