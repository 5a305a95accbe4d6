"""``SPAPIClient``: LWA auth, the shared throttler and retry engine, and ``client.pricing``.

>>> async with SPAPIClient(LWACredentials(client_id, secret, refresh_token)) as client:   # doctest: +SKIP
...     offers = await client.pricing.get_item_offers("B00V5DG6IQ", "New")

One generic executor (:meth:`SPAPIClient.call`) runs every operation of :data:`~mws_async.spapi.operations.
OPERATIONS`, with the structure of the MWS transport: inside a tenacity retry loop, every attempt first
takes its unit from the throttler (so every attempt spends quota, as SP-API counts it), then gets an access
token (cached; one shared refresh), then sends. A 429 marks the bucket empty through
:meth:`Throttler.throttled` and is retried after the bucket's restore time; 500/502/503/504 and transport
errors are retried with the policy's backoff (every Pricing v0 operation is a read); a 401/403 saying the
token expired drops the cached token and retries once. Buckets are keyed per (endpoint host, selling
partner, LWA client id, operation) and follow the usage plans (the reference's defaults,
:data:`~mws_async.spapi.operations.USAGE_PLANS`, or ``usage_plans=``). An ``x-amzn-RateLimit-Limit``
header that differs from the bucket's rate rebuilds that key's spec with the announced rate (the burst is
kept) and re-times the calls already waiting on the key to it (:meth:`Throttler.update_spec`), not only
later ones.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
import time
from collections.abc import AsyncIterable, AsyncIterator, Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from types import TracebackType
from typing import Any, Final, Literal, Self, TypeVar

import httpx
import tenacity
from pydantic import BaseModel, ValidationError

from mws_async import telemetry as _telemetry
from mws_async.bulk import BulkResult, BulkStats
from mws_async.credentials import Secret
from mws_async.deadlines import check_max_wait, deadline_end, remaining, start_attempt, within
from mws_async.errors import ClientValidationError, ConfigurationError, DeadlineExceededError
from mws_async.http import EXCHANGE_ERRORS, BodyTooLarge, LoopBound, fetch, make_http_client
from mws_async.marketplaces import Marketplace, Region
from mws_async.retry import RetryPolicy
from mws_async.settings import check_byte_limit, check_hook, check_instance, check_seconds
from mws_async.spapi import models as m
from mws_async.spapi.auth import DEFAULT_TOKEN_URL, LWAAuth, LWACredentials, decode_json, validate_endpoint
from mws_async.spapi.bulk import ItemOutcome, run_spapi_bulk
from mws_async.spapi.errors import (
    SPAPIAuthError,
    SPAPIError,
    SPAPIServerError,
    SPAPIThrottledError,
    capped_text,
    error_class_for_status,
)
from mws_async.spapi.operations import (
    BATCH_LIMIT,
    OPERATIONS,
    SECTION,
    PreparedRequest,
    SPAPIOperation,
    UsagePlan,
    spapi_quota_table,
)
from mws_async.throttle import QuotaSpec, ThrottleBackend, ThrottleKey, Throttler
from mws_async.useragent import check_user_agent, default_user_agent

__all__ = [
    "ENDPOINTS",
    "PricingSection",
    "SPAPIClient",
    "SPAPIRequestRecord",
    "SPAPIResponse",
    "endpoint_for",
]

logger = logging.getLogger("mws_async.spapi")
M = TypeVar("M", bound=BaseModel)

ENDPOINTS: Final[Mapping[Region, str]] = {
    Region.NA: "https://sellingpartnerapi-na.amazon.com",
    Region.EU: "https://sellingpartnerapi-eu.amazon.com",
    Region.FE: "https://sellingpartnerapi-fe.amazon.com",
}
"""SP-API regional endpoints (marketplace ids are the same as MWS's)."""
_RATE_HEADER: Final = "x-amzn-ratelimit-limit"
_REQUEST_ID: Final = "x-amzn-requestid"


def endpoint_for(marketplace: Marketplace | str) -> str:
    """The SP-API endpoint of a marketplace's region (NA, EU or FE)."""
    market = Marketplace.resolve(marketplace)
    try:
        return ENDPOINTS[market.region]
    except KeyError:
        raise ConfigurationError(
            f"SP-API has no endpoint for marketplace {market.name} ({market.region})"
        ) from None


@dataclass(frozen=True, slots=True)
class SPAPIResponse:
    """One 2xx answer: status, headers, raw body, and what the executor learnt from them."""

    status_code: int
    body: bytes
    headers: httpx.Headers
    operation: str
    attempts: int
    request_id: str | None
    rate_limit: float | None


@dataclass(frozen=True, slots=True)
class SPAPIRequestRecord:
    """What is kept of each attempt (never a token or a secret)."""

    operation: str
    selling_partner: str
    attempt: int
    status_code: int | None
    request_id: str | None
    rate_limit: float | None
    elapsed: float
    throttle_wait: float
    error_code: str | None = None


SPAPIRequestHook = Callable[[SPAPIRequestRecord], Awaitable[None] | None]


class _Retryable(Exception):
    def __init__(self, error: SPAPIError, kind: Literal["throttle", "error", "auth"]) -> None:
        super().__init__(str(error))
        self.error = error
        self.kind = kind


MIN_ANNOUNCED_RATE: Final = 0.001
"""The slowest ``x-amzn-RateLimit-Limit`` followed (requests/s; SP-API's slowest plans are about 0.005): a
lower one would park every later call for hours, so it is ignored and the usage plan's rate kept."""

MAX_ANNOUNCED_RATE: Final = 1e6
"""The fastest ``x-amzn-RateLimit-Limit`` followed (anything above is not a real usage plan)."""


def _parse_rate(value: str | None) -> float | None:
    if value is None:
        return None
    try:
        rate = float(value.strip())
    except ValueError:
        return None
    return rate if MIN_ANNOUNCED_RATE <= rate < MAX_ANNOUNCED_RATE else None


class SPAPIClient:
    """Asyncio SP-API client (Product Pricing v0). Use as ``async with SPAPIClient(...) as client``.

    Parameters:
        credentials: the LWA application and the selling partner's refresh token.
        marketplace: default marketplace (member, country code or MarketplaceId); its region's endpoint is
            used unless ``base_url`` is given.
        base_url: endpoint override (HTTPS, or plain HTTP on loopback such as the sandbox).
        token_url: LWA token endpoint override (default ``https://api.amazon.com/auth/o2/token``).
        http_client: an ``httpx.AsyncClient`` to use (not closed by the client).
        throttle: a :class:`Throttler` (e.g. shared with an ``MWSClient``), or a backend for a new one.
        time_scale: multiplies every restore rate (tests and benchmarks against a scaled sandbox).
        retry: a :class:`RetryPolicy`; ``RetryPolicy.disabled()`` turns retries off.
        timeout: seconds each attempt may take in all (connect, send, the whole answer), and the LWA token
            request likewise; retries are bounded by ``retry.max_retry_time``.
        max_response_bytes: the largest answer read (default 64 MiB); reading stops once it is passed.
        user_agent: the User-Agent header.
        clock: monotonic seconds for token expiry (inject to step time in tests).
        on_request: hook called with a :class:`SPAPIRequestRecord` after every attempt.
        usage_plans: your account's plans by operationId, e.g. ``{"getItemOffers": UsagePlan(10, 20)}``;
            operations not named keep the reference's (:data:`~mws_async.spapi.operations.USAGE_PLANS`).
        max_wait: the time budget (seconds) of each call made outside a :func:`mws_async.deadline` block,
            as on :class:`~mws_async.MWSClient`: a wait for quota that does not fit raises
            :class:`~mws_async.errors.DeadlineExceededError` at once; attempts and backoff are capped too.
    """

    def __init__(
        self,
        credentials: LWACredentials,
        *,
        marketplace: Marketplace | str = Marketplace.US,
        base_url: str | None = None,
        token_url: str | None = None,
        http_client: httpx.AsyncClient | None = None,
        throttle: Throttler | ThrottleBackend | None = None,
        time_scale: float = 1.0,
        retry: RetryPolicy | None = None,
        timeout: float = 30.0,
        user_agent: str | None = None,
        clock: Callable[[], float] = time.monotonic,
        on_request: SPAPIRequestHook | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        max_response_bytes: int = 64 * 1024 * 1024,
        usage_plans: Mapping[str, UsagePlan] | None = None,
        max_wait: float | None = None,
    ) -> None:
        self.max_wait = check_max_wait(max_wait)
        if not isinstance(credentials, LWACredentials):  # only the type is shown: it may be a secret
            raise ConfigurationError(f"credentials must be LWACredentials, got {type(credentials).__name__}")
        if usage_plans is not None and not isinstance(usage_plans, Mapping):
            raise ConfigurationError(
                "usage_plans must map operation names to UsagePlan, e.g. {'getItemOffers': UsagePlan(10, 20)}"
                f"; got {type(usage_plans).__name__}"
            )
        timeout = check_seconds(timeout, "timeout")
        self.credentials = credentials
        self.marketplace = Marketplace.resolve(marketplace)
        self.base_url = validate_endpoint(base_url or endpoint_for(self.marketplace))
        self._prefix = str(self.base_url).rstrip("/")
        self.quotas = spapi_quota_table(usage_plans)
        self.throttler = Throttler.for_client(throttle, quotas=self.quotas, time_scale=time_scale)
        self.retry = check_instance(retry, RetryPolicy, "retry") or RetryPolicy()
        self.user_agent = check_user_agent(user_agent) if user_agent is not None else default_user_agent()
        self.on_request = check_hook(on_request, "on_request")
        self._sleep = sleep
        self._own_http = http_client is None
        given = check_instance(http_client, httpx.AsyncClient, "http_client")
        self._http = given or make_http_client(timeout)
        self.timeout = timeout
        self.max_response_bytes = check_byte_limit(max_response_bytes, "max_response_bytes")
        self.auth = LWAAuth(
            credentials,
            self._http,
            token_url=token_url or DEFAULT_TOKEN_URL,
            clock=clock,
            retry=self.retry,
            sleep=sleep,
            timeout=timeout,
        )
        self._specs: dict[ThrottleKey, QuotaSpec] = {}
        self._bound = LoopBound("SPAPIClient")
        self.pricing = PricingSection(self)

    def __repr__(self) -> str:
        return (
            f"SPAPIClient(client_id={self.credentials.client_id!r}, "
            f"selling_partner={self.credentials.partner_key!r}, marketplace={self.marketplace.name}, "
            f"endpoint={self._prefix!r})"
        )

    # -- lifecycle -----------------------------------------------------------------------------------

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the HTTP pool (if the client created it) and, if it created it, the throttler; later calls
        raise :class:`~mws_async.errors.ClientClosedError`."""
        self._bound.close()
        if self._own_http:
            await self._http.aclose()
        await self.throttler.aclose()

    # -- throttling ----------------------------------------------------------------------------------

    @property
    def host(self) -> str:
        """The endpoint host (part of every throttle key)."""
        return self.base_url.host

    def throttle_key(self, operation: str) -> ThrottleKey:
        """The bucket key of ``operation``: (host, selling partner, LWA client id, ``SPAPI.operation``)."""
        spec = self.quotas.get_spec(SECTION, operation)
        return self.throttler.key(self.host, self.credentials.partner_key, self.credentials.client_id, spec)

    def spec_for(self, operation: str) -> QuotaSpec:
        """The spec in force for ``operation`` (the usage plan, or the rate the server announced)."""
        return self._specs.get(self.throttle_key(operation)) or self.quotas.get_spec(SECTION, operation)

    async def _observe_rate(self, key: ThrottleKey, operation: str, rate: float | None) -> None:
        """Follow a rate the server announced: the key's spec takes it (burst kept), and the calls already
        waiting on the key are re-timed to it at once (earlier or later), not only the next ones."""
        if rate is None:
            return
        current = self._specs.get(key) or self.quotas.get_spec(SECTION, operation)
        if abs(rate - current.restore_rate) <= 1e-9 * max(1.0, rate):
            return
        updated = current.replace(restore_amount=rate, restore_period=1.0)
        self._specs[key] = updated
        logger.info(
            "%s: x-amzn-RateLimit-Limit %g differs from %g; bucket rate updated",
            operation,
            rate,
            current.restore_rate,
        )
        await self.throttler.update_spec(key, updated)

    # -- the engine ----------------------------------------------------------------------------------

    async def call(self, operation: str | SPAPIOperation, args: Mapping[str, Any]) -> BaseModel:
        """Validate ``args``, send with throttling and retries, parse the 2xx body into the result model."""
        op = _operation(operation)
        if not isinstance(args, Mapping):
            raise ClientValidationError(op.name, [f"args must be a mapping, got {type(args).__name__}"])
        prepared = op.prepare(args, marketplace_id=self.marketplace.marketplace_id)
        response = await self.execute(op, prepared)
        return self.parse(op, response)

    def parse(self, op: SPAPIOperation, response: SPAPIResponse) -> BaseModel:
        """The result model of a 2xx answer, with ``request_id`` and ``rate_limit`` filled in.

        An answer that is not JSON, is nested deeper than 64 levels, or does not match the model is an
        :class:`SPAPIError` ``InvalidResponse`` (raised outside the decoder's ``except``: no chain)."""
        data, problem = decode_json(response.body, parse_float=Decimal)
        if problem is not None:
            problem = f"the answer is {problem}"
        else:
            try:
                model = op.result.model_validate(data)
            except (ValueError, TypeError, ValidationError) as exc:
                problem = f"the answer does not match {op.result.__name__}: {str(exc).splitlines()[0]}"
        if problem is not None:
            raise SPAPIError(
                response.status_code,
                "InvalidResponse",
                problem,
                request_id=response.request_id,
                operation=op.name,
                attempts=response.attempts,
            )
        if isinstance(model, m._Response):
            model.request_id = response.request_id
            model.rate_limit = response.rate_limit
        return model

    async def execute(self, op: SPAPIOperation, prepared: PreparedRequest) -> SPAPIResponse:
        """Send ``prepared`` through the throttler with retries; a 2xx answer or an :class:`SPAPIError`."""
        self._bound.check(self._http)  # closed, or another event loop: refused before any quota is taken
        with _telemetry.spapi_call(self, op, prepared):  # telemetry hook: a no-op unless configured
            return await self._execute(op, prepared)

    async def _execute(self, op: SPAPIOperation, prepared: PreparedRequest) -> SPAPIResponse:
        key = self.throttle_key(op.name)
        policy = self.retry
        counts = {"throttle": 0, "error": 0, "auth": 0}
        attempt = 0
        started = time.monotonic()
        end = deadline_end(self.max_wait)
        out_of_time: list[float] = []  # the backoff that did not fit before the deadline

        def stop(state: tenacity.RetryCallState) -> bool:
            exc = state.outcome.exception() if state.outcome else None
            if not isinstance(exc, _Retryable):
                return True
            if time.monotonic() - started > policy.max_retry_time:  # the call's total retry budget
                return True
            if end is not None and time.monotonic() + wait(state) > end:
                out_of_time.append(wait(state))
                return True
            if exc.kind == "throttle":
                return counts["throttle"] > policy.max_throttle_retries
            if exc.kind == "auth":
                return counts["auth"] > 1
            return counts["error"] >= policy.max_attempts

        def wait(state: tenacity.RetryCallState) -> float:
            exc = state.outcome.exception() if state.outcome else None
            if not isinstance(exc, _Retryable):  # stop() ends the loop for anything else
                return 0.0
            if exc.kind == "throttle":
                # The bucket gate holds the restore time; back off further (scaled) only on repeats.
                repeats = counts["throttle"] - 1
                return policy.backoff(repeats) / self.throttler.time_scale if repeats > 0 else 0.0
            if exc.kind == "auth":
                return 0.0
            return policy.backoff(counts["error"])

        retrying = tenacity.AsyncRetrying(
            stop=stop,
            wait=wait,
            retry=tenacity.retry_if_exception_type(_Retryable),
            sleep=self._sleep,
            reraise=True,
            before_sleep=lambda state: _telemetry.tenacity_retry(attempt, state),  # telemetry hook
        )
        final: SPAPIError | None = None
        try:
            async for try_ in retrying:
                with try_:
                    attempt += 1
                    left = start_attempt(op.name, end, attempt)
                    waited = await self.throttler.acquire(key, self.spec_for(op.name), 1.0, max_wait=left)
                    try:
                        return await self._attempt(op, prepared, key, attempt, waited, remaining(end))
                    except _Retryable as exc:
                        counts[exc.kind] += 1
                        if exc.kind == "throttle":
                            # Marks the bucket empty: the next acquire() waits out the restore time.
                            await self.throttler.throttled(key, self.spec_for(op.name), 1.0)
                        raise
        except _Retryable as last:
            final = last.error
        if final is None:  # pragma: no cover - the loop either returns or raises
            raise SPAPIError(
                None, "Unreachable", "the retry loop ended without an outcome", operation=op.name
            )
        final = final.with_attempts(attempt)
        if out_of_time:
            raise DeadlineExceededError(
                op.name,
                out_of_time[0],
                remaining(end) or 0.0,
                reason=f"retrying after {final.code} (attempt {attempt})",
            ) from final
        # Raised outside the except block: its chain holds no _Retryable, no httpx error, no request.
        raise final

    async def _attempt(
        self,
        op: SPAPIOperation,
        prepared: PreparedRequest,
        key: ThrottleKey,
        attempt: int,
        waited: float,
        time_left: float | None = None,
    ) -> SPAPIResponse:
        asked = time.perf_counter()
        token = await self._token(op.name, attempt, time_left)
        if time_left is not None:  # what the token took is no longer the attempt's
            time_left = max(0.0, time_left - (time.perf_counter() - asked))
        started = time.perf_counter()
        seconds, by_deadline = within(self.timeout, time_left)
        failure: str | None = None
        message = ""
        too_large: SPAPIError | None = None
        try:
            response, body = await self._send(prepared, token, seconds)
        except EXCHANGE_ERRORS as exc:
            failure, message = type(exc).__name__, f"request failed ({type(exc).__name__})"
        except TimeoutError:
            if by_deadline:  # cut short by the deadline: no time is left
                raise DeadlineExceededError(op.name, 0.0, seconds, reason=f"attempt {attempt}") from None
            failure = "Timeout"
            message = f"timed out after {self.timeout:g} s (the timeout bounds each whole attempt)"
        except BodyTooLarge as exc:
            too_large = SPAPIError(
                None,
                "ResponseTooLarge",
                f"the answer passed {exc.size} bytes, above the {exc.limit}-byte cap (max_response_bytes)",
                operation=op.name,
            )
        if too_large is not None:
            raise too_large  # not retried: the same request would get the same answer
        if failure is not None:
            # Outside the except block: the httpx error (its request carries the access token) is dropped.
            elapsed = time.perf_counter() - started
            await self._record(op.name, attempt, None, None, None, elapsed, waited, failure)
            err = SPAPIServerError(None, failure, message, operation=op.name)
            raise _Retryable(err, "error")
        elapsed = time.perf_counter() - started
        request_id = response.headers.get(_REQUEST_ID)
        rate = _parse_rate(response.headers.get(_RATE_HEADER))
        await self._observe_rate(key, op.name, rate)
        status = response.status_code
        if 200 <= status < 300:
            await self._record(op.name, attempt, status, request_id, rate, elapsed, waited, None)
            return SPAPIResponse(status, body, response.headers, op.name, attempt, request_id, rate)
        error = _error(op.name, status, body, request_id)
        await self._record(op.name, attempt, status, request_id, rate, elapsed, waited, error.code)
        if isinstance(error, SPAPIThrottledError):
            raise _Retryable(error, "throttle")
        if isinstance(error, SPAPIServerError):
            raise _Retryable(error, "error")
        if isinstance(error, SPAPIAuthError):
            self.auth.invalidate(token)
            raise _Retryable(error, "auth")
        raise error

    async def _token(self, operation: str, attempt: int, time_left: float | None) -> Secret:
        """The access token, waited for no longer than the call's deadline (a refresh is shared and goes on
        for the other callers; only this wait ends)."""
        if time_left is None:
            return await self.auth.token()
        try:
            async with asyncio.timeout(time_left):
                return await self.auth.token()
        except TimeoutError:
            pass
        raise DeadlineExceededError(
            operation, time_left, time_left, reason=f"waiting for the LWA access token (attempt {attempt})"
        )

    async def _send(
        self, prepared: PreparedRequest, token: Secret, seconds: float | None = None
    ) -> tuple[httpx.Response, bytes]:
        """Send one attempt and read its answer, bounded in time and size. The access token in clear is a
        local of this frame only (a raised error's traceback never includes it: failures surface from the
        caller)."""
        headers = {
            "x-amz-access-token": token.reveal(),
            "User-Agent": self.user_agent,
            "Accept": "application/json",
        }
        url = self._prefix + prepared.path
        request = self._http.build_request(
            prepared.method, url, params=prepared.query, json=prepared.body, headers=headers
        )
        limit = self.timeout if seconds is None else seconds
        return await fetch(self._http, request, within=limit, limit=self.max_response_bytes)

    async def _record(
        self,
        operation: str,
        attempt: int,
        status: int | None,
        request_id: str | None,
        rate: float | None,
        elapsed: float,
        waited: float,
        error_code: str | None,
    ) -> None:
        _telemetry.attempt(status, request_id, waited, error_code)  # telemetry hook (no-op unless configured)
        if self.on_request is None and not logger.isEnabledFor(logging.INFO):
            return
        record = SPAPIRequestRecord(
            operation,
            self.credentials.partner_key,
            attempt,
            status,
            request_id,
            rate,
            elapsed,
            waited,
            error_code,
        )
        logger.info(
            "SP-API %s status=%s request_id=%s attempt=%d error=%s",
            operation,
            status,
            request_id,
            attempt,
            error_code,
        )
        if self.on_request is not None:
            outcome = self.on_request(record)
            if inspect.isawaitable(outcome):
                await outcome


_ERRORS_KEPT: Final = 20
"""The most entries of an error answer's ``errors`` list kept on the exception (SP-API sends one or two)."""


def _error(operation: str, status: int, body: bytes, request_id: str | None) -> SPAPIError:
    cls = error_class_for_status(status)
    code, message, details = f"HTTP{status}", "unexpected response", None
    errors: list[dict[str, Any]] = []
    data, problem = decode_json(body) if body else (None, None)
    if problem is not None:
        deep = problem.startswith("nested")
        message = f"error body {problem}" if deep else f"non-JSON body starting {body[:80]!r}"
    if isinstance(data, dict) and isinstance(data.get("errors"), list) and data["errors"]:
        errors = [e for e in data["errors"][:_ERRORS_KEPT] if isinstance(e, dict)]
        first = errors[0] if errors else {}
        # Capped: the message travels into logs and str(error), whatever size the server sent.
        code = capped_text(first.get("code"), 100) or code
        message = capped_text(first.get("message"), 500) or message
        details = capped_text(first.get("details"), 500)
    return cls(
        status, code, message, details=details, request_id=request_id, operation=operation, errors=errors
    )


# --------------------------------------------------------------------------------------------- pricing


def _operation(operation: object) -> SPAPIOperation:
    """The operation named (an operationId such as ``"getItemOffers"``) or given."""
    if isinstance(operation, SPAPIOperation):
        return operation
    found = OPERATIONS.get(operation) if isinstance(operation, str) else None
    if found is None:
        raise ClientValidationError(
            "SP-API call",
            [f"unknown operation {operation!r}; known: {', '.join(sorted(OPERATIONS))}"],
        )
    return found


def _batch(operation: str, requests: object) -> list[Any]:
    """``requests`` (a sequence: it has a length, so an endless generator is never read into memory) as a
    list; the operation then checks its size (1-20) and items."""
    if not isinstance(requests, Sequence) or isinstance(requests, str | bytes):
        raise ClientValidationError(
            operation, [f"requests must be a list of 1-20 requests, got {type(requests).__name__}"]
        )
    return list(requests)


def _check(model: BaseModel, cls: type[M]) -> M:
    if not isinstance(model, cls):  # the operation table names the model; a mismatch is a bug here
        raise SPAPIError(None, "UnexpectedModel", f"expected {cls.__name__}, got {type(model).__name__}")
    return model


class PricingSection:
    """Product Pricing v0: the six operations, and bulk helpers streaming :class:`BulkResult`\\ s."""

    def __init__(self, client: SPAPIClient) -> None:
        self._client = client

    async def get_pricing(
        self,
        *,
        asins: Sequence[str] | None = None,
        skus: Sequence[str] | None = None,
        item_type: m.ItemType | None = None,
        marketplace_id: str | None = None,
        item_condition: m.ItemCondition | None = None,
        offer_type: m.OfferCustomerType | None = None,
    ) -> m.GetPricingResponse:
        """getPricing: the seller's own offers for up to 20 ASINs or SKUs (``item_type`` inferred)."""
        args = {
            "asins": asins,
            "skus": skus,
            "item_type": item_type or _infer_item_type(asins, skus),
            "marketplace_id": marketplace_id,
            "item_condition": item_condition,
            "offer_type": offer_type,
        }
        return _check(await self._client.call("getPricing", args), m.GetPricingResponse)

    async def get_competitive_pricing(
        self,
        *,
        asins: Sequence[str] | None = None,
        skus: Sequence[str] | None = None,
        item_type: m.ItemType | None = None,
        marketplace_id: str | None = None,
        customer_type: m.CustomerType | None = None,
    ) -> m.GetPricingResponse:
        """getCompetitivePricing: competitive prices for up to 20 ASINs or SKUs."""
        args = {
            "asins": asins,
            "skus": skus,
            "item_type": item_type or _infer_item_type(asins, skus),
            "marketplace_id": marketplace_id,
            "customer_type": customer_type,
        }
        return _check(await self._client.call("getCompetitivePricing", args), m.GetPricingResponse)

    async def get_listing_offers(
        self,
        seller_sku: str,
        item_condition: m.ItemCondition,
        *,
        marketplace_id: str | None = None,
        customer_type: m.CustomerType | None = None,
    ) -> m.GetOffersResponse:
        """getListingOffers: the lowest priced offers of one of the seller's SKUs."""
        args = {
            "seller_sku": seller_sku,
            "item_condition": item_condition,
            "marketplace_id": marketplace_id,
            "customer_type": customer_type,
        }
        return _check(await self._client.call("getListingOffers", args), m.GetOffersResponse)

    async def get_item_offers(
        self,
        asin: str,
        item_condition: m.ItemCondition,
        *,
        marketplace_id: str | None = None,
        customer_type: m.CustomerType | None = None,
    ) -> m.GetOffersResponse:
        """getItemOffers: the lowest priced offers of one ASIN."""
        args = {
            "asin": asin,
            "item_condition": item_condition,
            "marketplace_id": marketplace_id,
            "customer_type": customer_type,
        }
        return _check(await self._client.call("getItemOffers", args), m.GetOffersResponse)

    async def get_item_offers_batch(
        self, requests: Sequence[m.ItemOffersRequest | Mapping[str, Any]]
    ) -> m.GetItemOffersBatchResponse:
        """getItemOffersBatch: 1-20 getItemOffers calls in one request; one response per request.

        Build requests with :meth:`ItemOffersRequest.for_asin`, or pass their JSON form.
        """
        return _check(
            await self._client.call(
                "getItemOffersBatch", {"requests": _batch("getItemOffersBatch", requests)}
            ),
            m.GetItemOffersBatchResponse,
        )

    async def get_listing_offers_batch(
        self, requests: Sequence[m.ListingOffersRequest | Mapping[str, Any]]
    ) -> m.GetListingOffersBatchResponse:
        """getListingOffersBatch: 1-20 getListingOffers calls in one request."""
        return _check(
            await self._client.call(
                "getListingOffersBatch", {"requests": _batch("getListingOffersBatch", requests)}
            ),
            m.GetListingOffersBatchResponse,
        )

    # -- bulk ----------------------------------------------------------------------------------------

    def item_offers_many(
        self,
        asins: Iterable[str] | AsyncIterable[str],
        item_condition: m.ItemCondition = "New",
        *,
        customer_type: m.CustomerType | None = None,
        marketplace_id: str | None = None,
        ordered: bool = False,
        concurrency: int = 2,
        stats: BulkStats | None = None,
        item_retries: int = 5,
    ) -> AsyncIterator[BulkResult[m.GetOffersResult]]:
        """Offers for every distinct ASIN through getItemOffersBatch (20 per batch), streamed.

        One :class:`~mws_async.bulk.BulkResult` per distinct ASIN: ``Success`` (``result`` is the
        :class:`GetOffersResult`), ``ClientError`` (the batched call answered 4xx), ``Invalid`` (not an ASIN,
        never sent) or ``Failed`` (the batch failed after retries, or a batched call still answered
        429/5xx after ``item_retries`` re-batchings). Nothing is lost.
        """
        market = marketplace_id or self._client.marketplace.marketplace_id
        # Validate the fixed arguments once, before anything is sent.
        OPERATIONS["getItemOffers"].prepare(
            {"asin": "B000000000", "item_condition": item_condition, "customer_type": customer_type},
            marketplace_id=market,
        )

        async def fetch(values: list[str]) -> dict[str, ItemOutcome]:
            requests = [
                m.ItemOffersRequest.for_asin(v, market, item_condition, customer_type) for v in values
            ]
            answer = await self.get_item_offers_batch(requests)
            return _batch_outcomes(values, answer.responses or [])

        return run_spapi_bulk(
            asins,
            fetch,
            chunk_size=BATCH_LIMIT,
            id_type="ASIN",
            ordered=ordered,
            concurrency=concurrency,
            stats=stats,
            item_retries=item_retries,
            seller_id=self._client.credentials.selling_partner_id,
        )

    def competitive_pricing_many(
        self,
        asins: Iterable[str] | AsyncIterable[str],
        *,
        customer_type: m.CustomerType | None = None,
        marketplace_id: str | None = None,
        ordered: bool = False,
        concurrency: int = 2,
        stats: BulkStats | None = None,
    ) -> AsyncIterator[BulkResult[m.Price]]:
        """Competitive pricing for every distinct ASIN through getCompetitivePricing (20 per call), streamed.

        ``result`` is the per-ASIN :class:`Price` (``status`` ``Success``, or ``ClientError`` for an ASIN the
        marketplace does not know).
        """
        market = marketplace_id or self._client.marketplace.marketplace_id
        OPERATIONS["getCompetitivePricing"].prepare(
            {"asins": ["B000000000"], "item_type": "Asin", "customer_type": customer_type},
            marketplace_id=market,
        )

        async def fetch(values: list[str]) -> dict[str, ItemOutcome]:
            answer = await self.get_competitive_pricing(
                asins=values, item_type="Asin", marketplace_id=market, customer_type=customer_type
            )
            out: dict[str, ItemOutcome] = {}
            for price in answer.payload or []:
                if price.asin is None or price.asin in out:
                    continue
                if price.ok:
                    out[price.asin] = ItemOutcome("Success", price)
                else:
                    out[price.asin] = ItemOutcome(
                        "ClientError", price, "InvalidInput", f"status {price.status} for ASIN {price.asin}"
                    )
            return out

        return run_spapi_bulk(
            asins,
            fetch,
            chunk_size=BATCH_LIMIT,
            id_type="ASIN",
            ordered=ordered,
            concurrency=concurrency,
            stats=stats,
            item_retries=0,
            seller_id=self._client.credentials.selling_partner_id,
        )


def _infer_item_type(asins: Sequence[str] | None, skus: Sequence[str] | None) -> m.ItemType | None:
    if asins is not None and skus is None:
        return "Asin"
    if skus is not None and asins is None:
        return "Sku"
    return None


def _batch_outcomes(values: list[str], responses: Sequence[m.ItemOffersResponse]) -> dict[str, ItemOutcome]:
    out: dict[str, ItemOutcome] = {}
    by_position = len(responses) == len(values)
    for position, response in enumerate(responses):
        asin = response.asin or (values[position] if by_position else None)
        if asin is None or asin in out:
            continue
        code = response.status_code
        errors = response.body.errors or []
        first = errors[0] if errors else None
        if response.ok and response.body.payload is not None:
            out[asin] = ItemOutcome("Success", response.body.payload)
        elif response.ok:
            out[asin] = ItemOutcome(
                "ServerError", None, "MissingPayload", "the batch answer for this ASIN has no payload"
            )
        elif code is not None and (code == 429 or code >= 500):
            out[asin] = ItemOutcome(
                "ServerError",
                None,
                first.code if first else f"HTTP{code}",
                first.message if first else f"batched call answered HTTP {code}",
                retryable=True,
            )
        else:
            out[asin] = ItemOutcome(
                "ClientError",
                None,
                first.code if first else f"HTTP{code}",
                first.message if first else f"batched call answered HTTP {code}",
            )
    return out
