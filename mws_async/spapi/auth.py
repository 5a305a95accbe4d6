"""Login with Amazon (LWA): refresh-token credentials, and access tokens cached and refreshed once.

SP-API calls carry an LWA access token in ``x-amz-access-token``. :class:`LWAAuth` gets one by POSTing
``grant_type=refresh_token&refresh_token=...&client_id=...&client_secret=...`` to the token endpoint, caches
it, and refreshes it ``refresh_margin`` seconds (default 60, at most half the token's lifetime) before it
expires. A refresh is single-flight: every caller that needs a token while a refresh is running awaits that
same refresh, so a thousand concurrent requests at expiry cause exactly one token request.

The client id is not a secret; the client secret, the refresh token and every access token are
:class:`~mws_async.credentials.Secret` values, so they never show in ``repr``, logs or exception messages.
Nor are they reachable from a raised exception: errors of the token exchange are raised outside the
``except`` block that saw the httpx error (whose request carries the form), so ``__cause__`` and
``__context__`` are empty, and the form itself lives only in the frame that sends it.

The token answer is checked: JSON nested deeper than :data:`MAX_JSON_DEPTH` levels, a missing
``access_token`` or an ``expires_in`` that is not a positive, finite number (``NaN``, ``1e400``, ``-5``,
``"soon"``) is an :class:`~mws_async.spapi.errors.LWAError` ``InvalidTokenResponse``. A valid lifetime is
clamped to :data:`MIN_TOKEN_LIFETIME` .. :data:`MAX_TOKEN_LIFETIME` (60 s .. 24 h; LWA issues 3600 s), so a
tiny one cannot make every call refresh, and a huge one cannot keep a token for ever (a token the server
expired sooner is dropped and refreshed once on its 401/403 anyway).
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import math
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import httpx

from mws_async.credentials import Secret
from mws_async.errors import ConfigurationError
from mws_async.http import EXCHANGE_ERRORS, BodyTooLarge, fetch, header_safe
from mws_async.retry import RetryPolicy
from mws_async.settings import parse_url, type_problem
from mws_async.spapi.errors import LWAError, SPAPIError, capped_text
from mws_async.transport import is_loopback

__all__ = [
    "DEFAULT_TOKEN_URL",
    "MAX_JSON_DEPTH",
    "MAX_TOKEN_LIFETIME",
    "MIN_TOKEN_LIFETIME",
    "AccessToken",
    "LWAAuth",
    "LWACredentials",
    "decode_json",
    "token_lifetime",
    "validate_endpoint",
]

DEFAULT_TOKEN_URL = "https://api.amazon.com/auth/o2/token"
logger = logging.getLogger("mws_async.spapi.auth")

MIN_TOKEN_LIFETIME = 60.0
"""Shortest access-token lifetime used (seconds): a smaller ``expires_in`` is raised to it."""
MAX_TOKEN_LIFETIME = 86400.0
"""Longest access-token lifetime used (seconds, 24 h): a larger ``expires_in`` is lowered to it."""
MAX_JSON_DEPTH = 64
"""Deepest nesting accepted in an SP-API or LWA JSON body (theirs are a handful of levels deep)."""
_MAX_TOKEN_ANSWER = 1024 * 1024
"""A token answer is a few hundred bytes; anything past this is refused as it is read."""


def decode_json(body: bytes, *, parse_float: Callable[[str], Any] | None = None) -> tuple[Any, str | None]:
    """Decode a JSON body whose nesting is at most :data:`MAX_JSON_DEPTH`.

    Returns ``(value, None)``, or ``(None, problem)`` with ``problem`` saying what is wrong ("nested deeper
    than 64 levels", "not JSON (...)"): the caller raises its own typed error, outside any ``except`` block.
    Never raises (no ``RecursionError``, however deep the body).
    """
    too_deep = f"nested deeper than {MAX_JSON_DEPTH} levels"
    problem: str | None = None
    try:
        value = json.loads(body, parse_float=parse_float)
    except RecursionError:
        problem = too_deep
    except ValueError as exc:  # JSONDecodeError, UnicodeDecodeError, an integer with too many digits
        problem = f"not JSON ({str(exc).splitlines()[0][:120]})"
    if problem is not None:
        return None, problem
    # A body with few brackets cannot nest deeply: only a bracket-rich one is walked.
    if body.count(b"[") + body.count(b"{") > MAX_JSON_DEPTH and _depth(value) > MAX_JSON_DEPTH:
        return None, too_deep
    return value, None


def _depth(value: Any) -> int:
    """Nesting depth of decoded JSON (iterative: no recursion; stops once past the bound)."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict):
            children: Any = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        deepest = max(deepest, level)
        if deepest > MAX_JSON_DEPTH:
            break
        stack.extend((child, level + 1) for child in children)
    return deepest


def token_lifetime(expires_in: object) -> float:
    """``expires_in`` of an LWA answer as seconds, clamped to :data:`MIN_TOKEN_LIFETIME` ..
    :data:`MAX_TOKEN_LIFETIME`.

    Raises :class:`~mws_async.spapi.errors.LWAError` ``InvalidTokenResponse`` unless it is a positive,
    finite number (a JSON number or a numeric string; ``true``, ``NaN``, ``Infinity``, ``1e400`` are not).
    """
    lifetime = _lifetime(expires_in)
    if lifetime is None:
        raise _bad_lifetime(expires_in)
    return lifetime


def _lifetime(expires_in: object) -> float | None:
    number: float | None = None
    if isinstance(expires_in, int) and not isinstance(expires_in, bool):
        number = float(max(-1, min(expires_in, 10**12)))  # float() of a 400-digit integer overflows
    elif isinstance(expires_in, float):
        number = expires_in
    elif isinstance(expires_in, str):
        try:
            number = float(expires_in.strip())
        except ValueError:
            number = None
    if number is None or not math.isfinite(number) or number <= 0:
        return None
    return min(max(number, MIN_TOKEN_LIFETIME), MAX_TOKEN_LIFETIME)


def _bad_lifetime(expires_in: object) -> LWAError:
    return LWAError(
        200,
        "InvalidTokenResponse",
        f"the LWA answer's expires_in {str(expires_in)[:40]!r} is not a positive, finite number of seconds; "
        "the token was not used",
        operation="LWA token",
    )


def validate_endpoint(url: str, what: str = "endpoint") -> httpx.URL:
    """Parse an http(s) URL; HTTPS is required except for loopback hosts (the local sandbox)."""
    parsed = parse_url(url, f"SP-API {what}")
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
        wrong = [
            problem
            for problem in (
                type_problem("client_id", client_id, (str,), "a str"),
                type_problem("client_secret", client_secret, (str, Secret), "a str"),
                type_problem("refresh_token", refresh_token, (str, Secret), "a str"),
                type_problem("selling_partner_id", selling_partner_id, (str, type(None)), "a str or None"),
            )
            if problem
        ]
        if wrong:
            raise ConfigurationError("LWACredentials: " + "; ".join(wrong))
        secret = client_secret if isinstance(client_secret, Secret) else Secret(client_secret)
        token = refresh_token if isinstance(refresh_token, Secret) else Secret(refresh_token)
        empty = [
            name
            for name, value in (
                ("client_id", bool(client_id.strip())),
                ("client_secret", bool(secret.reveal().strip())),
                ("refresh_token", bool(token.reveal().strip())),
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
        refresh_margin: refresh this many seconds before expiry (at most half the token lifetime; the
            lifetime is the answer's ``expires_in`` clamped to 60 s .. 24 h, see the module doc).
        retry: backoff and attempts for token requests that fail with 5xx or a transport error.
        sleep: the sleep used between those attempts.
        timeout: seconds each token request may take in all (connect, send, the whole answer).
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
        timeout: float = 30.0,
    ) -> None:
        self.credentials = credentials
        self.token_url = str(validate_endpoint(token_url, "token URL"))
        self.timeout = timeout
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
        policy = self.retry
        attempt = 0
        while True:
            attempt += 1
            self.token_requests += 1
            outcome, retryable = await self._exchange()
            if isinstance(outcome, AccessToken):
                return outcome
            if retryable and attempt < policy.max_attempts:
                await self._sleep(policy.backoff(attempt))
                continue
            # Raised here, never inside an except block: nothing reachable from it holds the form.
            raise outcome.with_attempts(attempt)

    async def _exchange(self) -> tuple[AccessToken | SPAPIError, bool]:
        """One token request: the token, or the error to raise and whether a retry may help.

        Never raises (except on cancellation). The form (secrets in clear), the answer (a token) and any
        httpx error (its request holds the form) stay in this frame, which is gone before the caller raises:
        no raised error's chain or traceback reaches them."""
        sent = self.clock()
        creds = self.credentials
        form = {
            "grant_type": "refresh_token",
            "refresh_token": creds.refresh_token.reveal(),
            "client_id": creds.client_id,
            "client_secret": creds.client_secret.reveal(),
        }
        request = self._http.build_request(
            "POST", self.token_url, data=form, headers={"Accept": "application/json"}
        )
        try:
            response, body = await fetch(self._http, request, within=self.timeout, limit=_MAX_TOKEN_ANSWER)
        except EXCHANGE_ERRORS as exc:
            return SPAPIError(
                None, type(exc).__name__, "LWA token request failed", operation="LWA token"
            ), True
        except TimeoutError:
            message = f"LWA token request timed out after {self.timeout:g} s"
            return SPAPIError(None, "Timeout", message, operation="LWA token"), True
        except BodyTooLarge as exc:
            message = f"the LWA answer passed {exc.size} bytes; a token answer is far smaller"
            return LWAError(None, "InvalidTokenResponse", message, operation="LWA token"), False
        status = response.status_code
        if status == 200:
            return self._parse(body, sent), False
        if status >= 500:
            logger.info("LWA token request failed with HTTP %d", status)
        return _lwa_error(status, body), status >= 500

    def _parse(self, body: bytes, sent: float) -> AccessToken | LWAError:
        """The token of a 200 answer, or the error to raise (returned, not raised: see :meth:`_exchange`)."""
        data, problem = decode_json(body)
        if problem is not None:
            return LWAError(
                200, "InvalidTokenResponse", f"the LWA answer is {problem}", operation="LWA token"
            )
        value = data.get("access_token") if isinstance(data, dict) else None
        if not isinstance(value, str) or not value:
            return LWAError(
                200, "InvalidTokenResponse", "the LWA answer has no access_token", operation="LWA token"
            )
        if not header_safe(value, spaces=False):  # sent as x-amz-access-token; never shown
            return LWAError(
                200,
                "InvalidTokenResponse",
                "the LWA answer's access_token has characters an HTTP header cannot carry (a token is "
                "printable ASCII without spaces)",
                operation="LWA token",
            )
        expires_in = data.get("expires_in", 3600)
        lifetime = _lifetime(expires_in)
        if lifetime is None:
            return _bad_lifetime(expires_in)
        margin = min(self.refresh_margin, lifetime / 2)
        # Lifetime counts from when the request was sent: never later than the server's own clock.
        return AccessToken(Secret(value), sent + lifetime, sent + lifetime - margin)


def _lwa_error(status: int, body: bytes) -> LWAError:
    code, message = "HTTP" + str(status), "the LWA token endpoint refused the request"
    data, problem = decode_json(body)
    if problem is not None:
        message += f" (its answer is {problem})"
    if isinstance(data, dict):
        code = capped_text(data.get("error"), 100) or code
        message = capped_text(data.get("error_description"), 500) or message
    return LWAError(status, code, message, operation="LWA token")


def _retrieve(task: asyncio.Future[AccessToken]) -> None:
    # Mark a failure as seen even if every waiter was cancelled (no "exception never retrieved" log).
    if not task.cancelled():
        task.exception()
