"""The transport: common parameters -> Signature Version 2 -> throttle -> HTTP -> classify -> retry.

One :class:`Transport` owns one pooled ``httpx.AsyncClient`` (injectable: tests pass a MockTransport or an
ASGITransport; benchmarks pass faster transports) and is shared by every section of a client. Every
attempt is re-signed with a fresh Timestamp and goes through the throttler again, so every attempt spends
quota exactly as MWS counts it.
"""

from __future__ import annotations

import asyncio
import email.utils
import inspect
import ipaddress
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

import httpx
import tenacity

from mws_async import xml
from mws_async.credentials import Credentials
from mws_async.errors import (
    ConfigurationError,
    InternalServerError,
    MWSError,
    MWSResponseError,
    OutcomeUnknownError,
    QuotaExceededError,
    RequestExpiredError,
    ServiceUnavailableError,
    ThrottledError,
    TransportError,
    UnexpectedResponseError,
    error_class_for,
)
from mws_async.http import make_http_client
from mws_async.logs import install_redaction
from mws_async.retry import RetryPolicy
from mws_async.signing import SignatureMethod, canonical_query, format_timestamp, percent_encode, signature
from mws_async.signing import string_to_sign as _string_to_sign
from mws_async.throttle import QuotaHeaders, QuotaSpec, ThrottleKey, Throttler, parse_quota_headers

__all__ = [
    "Body",
    "MWSRequest",
    "MWSResponse",
    "RequestHook",
    "RequestRecord",
    "Section",
    "Transport",
    "validate_base_url",
]

logger = logging.getLogger("mws_async.requests")
install_redaction()

Body = bytes | Callable[[], AsyncIterator[bytes]]
"""A request body: bytes, or a factory of async byte iterators (called again for each attempt)."""


@dataclass(frozen=True, slots=True)
class Section:
    """An MWS API section: where it lives and which seller parameter it takes."""

    name: str
    path: str
    version: str
    namespace: str = ""
    seller_param: Literal["SellerId", "Merchant"] = "SellerId"


@dataclass(frozen=True, slots=True)
class MWSRequest:
    """One operation call, before common parameters and signing."""

    section: Section
    action: str
    params: Mapping[str, str] = field(default_factory=dict)
    quota: QuotaSpec | None = None
    cost: float = 1.0
    idempotent: bool = True
    body: Body | None = None
    content_type: str | None = None


@dataclass(slots=True)
class MWSResponse:
    """What came back: status, body (unless streamed), and the MWS headers."""

    status_code: int
    body: bytes
    headers: httpx.Headers
    operation: str
    attempts: int
    elapsed: float
    request_id: str | None = None
    timestamp: str | None = None
    response_context: str | None = None
    quota: QuotaHeaders = field(default_factory=QuotaHeaders)
    stream: httpx.Response | None = field(default=None, repr=False)

    @property
    def content_type(self) -> str | None:
        """The response's Content-Type header."""
        value: str | None = self.headers.get("content-type")
        return value

    @property
    def content_md5(self) -> str | None:
        """The response's Content-MD5 header (reports and feed processing results)."""
        value: str | None = self.headers.get("content-md5")
        return value

    def body_stream(self) -> httpx.Response:
        """The unread body of a streamed response (:meth:`Transport.stream`)."""
        if self.stream is None:
            raise UnexpectedResponseError(
                "the response body was already read; open it with Transport.stream to read it in chunks",
                status_code=self.status_code,
                content_type=self.content_type,
                operation=self.operation,
                request_id=self.request_id,
            )
        return self.stream


@dataclass(frozen=True, slots=True)
class RequestRecord:
    """What mws-async keeps of each attempt (the MWS guide asks clients to keep RequestId and Timestamp).

    Never holds a secret key, auth token or signature.
    """

    operation: str
    section: str
    seller_id: str
    attempt: int
    status_code: int | None
    request_id: str | None
    timestamp: str | None
    quota: QuotaHeaders
    elapsed: float
    throttle_wait: float
    error_code: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "operation": self.operation,
            "section": self.section,
            "seller_id": self.seller_id,
            "attempt": self.attempt,
            "status_code": self.status_code,
            "request_id": self.request_id,
            "timestamp": self.timestamp,
            "quota_max": self.quota.max,
            "quota_remaining": self.quota.remaining,
            "quota_resets_on": self.quota.resets_on.isoformat() if self.quota.resets_on else None,
            "elapsed": round(self.elapsed, 6),
            "throttle_wait": round(self.throttle_wait, 6),
            "error_code": self.error_code,
        }


RequestHook = Callable[[RequestRecord], Awaitable[None] | None]

_LOOPBACK_NAMES = frozenset({"localhost", "localhost.localdomain"})


def is_loopback(host: str) -> bool:
    """Whether ``host`` is this machine (localhost, 127.0.0.0/8, ::1): plain HTTP is allowed there."""
    if host.lower() in _LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def validate_base_url(base_url: str) -> httpx.URL:
    """Parse an endpoint; HTTPS is required except for loopback hosts (the sandbox)."""
    url = httpx.URL(base_url)
    if url.scheme not in ("http", "https") or not url.host:
        raise ConfigurationError(f"endpoint {base_url!r} is not an http(s) URL")
    if url.scheme != "https" and not is_loopback(url.host):
        raise ConfigurationError(
            f"endpoint {base_url!r} uses plain HTTP; MWS requires HTTPS (plain HTTP is allowed only for "
            "loopback hosts such as the local sandbox)"
        )
    return url


class _Retryable(Exception):
    """Internal: wraps a failure the policy retries, with the minimum pause before the next attempt."""

    def __init__(self, error: MWSError, pause: float, kind: Literal["throttle", "error", "skew"]) -> None:
        super().__init__(str(error))
        self.error = error
        self.pause = pause
        self.kind = kind


# httpx failures that prove the request never left this machine: safe to resend anything.
_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout, httpx.UnsupportedProtocol)


# aiohttp exceptions raised only before anything was written (connecting, DNS, TLS, connect timeout).
_CONNECT_FAILURES = frozenset(
    {"ClientConnectorError", "ClientConnectorDNSError", "ClientConnectorSSLError", "ConnectionTimeoutError"}
)


def _not_sent(exc: httpx.TransportError) -> bool:
    """Whether the request certainly never reached the server.

    Transports that adapt another library may map its errors coarsely (httpx-aiohttp maps every
    ``aiohttp.ClientConnectionError``, including a server disconnect after the request was written, to
    ``ConnectTimeout``); then only the adapted library's own connect failure counts as "not sent".
    """
    if not isinstance(exc, _NOT_SENT):
        return False
    cause = exc.__cause__
    if cause is None or type(cause).__module__.startswith("httpcore"):
        return True
    return type(cause).__name__ in _CONNECT_FAILURES


class Transport:
    """Signs and sends MWS requests through the throttler, with retries.

    Parameters: ``credentials``; ``base_url`` (HTTPS endpoint or loopback); ``http_client`` (optional,
    not closed by :meth:`aclose` when injected); ``throttler``; ``retry`` policy; ``user_agent``;
    ``signature_method`` (HmacSHA256 or HmacSHA1); ``on_request`` hook; ``timeout`` in seconds.
    """

    def __init__(
        self,
        credentials: Credentials,
        *,
        base_url: str,
        throttler: Throttler,
        user_agent: str,
        http_client: httpx.AsyncClient | None = None,
        retry: RetryPolicy | None = None,
        signature_method: SignatureMethod = "HmacSHA256",
        on_request: RequestHook | None = None,
        timeout: float = 60.0,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.credentials = credentials
        self.base_url = validate_base_url(base_url)
        self.throttler = throttler
        self.retry = retry or RetryPolicy()
        self.user_agent = user_agent
        self.signature_method: SignatureMethod = signature_method
        self.on_request = on_request
        self._sleep = sleep
        self._own_client = http_client is None
        self._http = http_client or make_http_client(timeout)
        port = self.base_url.port
        self._host_line = self.base_url.host.lower() + (f":{port}" if port else "")
        self._prefix = str(self.base_url).rstrip("/")
        self._urls: dict[str, httpx.URL] = {}
        self.clock_offset = 0.0
        self._skew_warned = False

    # -- lifecycle -----------------------------------------------------------------------------------

    async def aclose(self) -> None:
        """Close the HTTP client if this transport created it."""
        if self._own_client:
            await self._http.aclose()

    @property
    def host(self) -> str:
        """The endpoint host (part of every throttle key)."""
        return self.base_url.host

    def throttle_key(self, spec: QuotaSpec, credentials: Credentials | None = None) -> ThrottleKey:
        creds = credentials or self.credentials
        return self.throttler.key(self.host, creds.seller_id, creds.access_key, spec)

    # -- building and signing ------------------------------------------------------------------------

    def now(self) -> datetime:
        """Current time corrected by the measured server clock offset."""
        return datetime.now(UTC) + timedelta(seconds=self.clock_offset)

    def signed_query(self, request: MWSRequest, credentials: Credentials | None = None) -> str:
        """Common parameters + operation parameters, signed: the form body (or URL query for SubmitFeed)."""
        creds = credentials or self.credentials
        params: dict[str, str] = dict(request.params)
        params["AWSAccessKeyId"] = creds.access_key
        params["Action"] = request.action
        params[request.section.seller_param] = creds.seller_id
        if creds.auth_token is not None:
            params["MWSAuthToken"] = creds.auth_token.reveal()
        params["SignatureMethod"] = self.signature_method
        params["SignatureVersion"] = "2"
        params["Timestamp"] = format_timestamp(self.now())
        params["Version"] = request.section.version
        query = canonical_query(params)
        text = f"POST\n{self._host_line}\n{request.section.path}\n{query}"
        sig = signature(creds.secret_key.reveal(), text, self.signature_method)
        return f"{query}&Signature={percent_encode(sig)}"

    def string_to_sign(self, request: MWSRequest, params: Mapping[str, str]) -> str:
        """The text signed for ``params`` on this endpoint (for diagnostics and tests)."""
        return _string_to_sign("POST", self._host_line, request.section.path, params)

    def _build(self, request: MWSRequest, credentials: Credentials | None) -> httpx.Request:
        signed = self.signed_query(request, credentials)
        url = self._urls.get(request.section.path)
        if url is None:  # parse each section's URL once, not on every request
            url = self._urls[request.section.path] = httpx.URL(self._prefix + request.section.path)
        headers = {"User-Agent": self.user_agent}
        if request.body is None:
            headers["Content-Type"] = "application/x-www-form-urlencoded; charset=utf-8"
            return self._http.build_request("POST", url, content=signed.encode("ascii"), headers=headers)
        # Operations with a payload (SubmitFeed): every parameter, Signature included, in the query string.
        headers["Content-Type"] = request.content_type or "application/octet-stream"
        body = request.body
        content: bytes | AsyncIterator[bytes] = body if isinstance(body, bytes) else body()
        return self._http.build_request(
            "POST", url.copy_with(query=signed.encode("ascii")), content=content, headers=headers
        )

    # -- sending -------------------------------------------------------------------------------------

    async def send(self, request: MWSRequest, *, credentials: Credentials | None = None) -> MWSResponse:
        """Send with throttling and retries; return a 200 response or raise a typed :class:`MWSError`."""
        return await self._run(request, credentials, stream=False)

    @asynccontextmanager
    async def stream(
        self, request: MWSRequest, *, credentials: Credentials | None = None
    ) -> AsyncIterator[MWSResponse]:
        """Like :meth:`send`, but a 200 body is left unread: iterate ``response.stream.aiter_bytes()``."""
        response = await self._run(request, credentials, stream=True)
        body = response.body_stream()
        try:
            yield response
        finally:
            await body.aclose()

    async def _run(
        self, request: MWSRequest, credentials: Credentials | None, *, stream: bool
    ) -> MWSResponse:
        creds = credentials or self.credentials
        spec = request.quota
        key = self.throttle_key(spec, creds) if spec is not None else None
        policy = self.retry
        counts = {"throttle": 0, "error": 0, "skew": 0}
        attempt = 0

        def give_up(exc: BaseException | None) -> bool:
            if not isinstance(exc, _Retryable):
                return True
            if exc.kind == "throttle":
                return counts["throttle"] > policy.max_throttle_retries
            if exc.kind == "skew":
                return counts["skew"] > 1 or not policy.clock_skew_retry
            return counts["error"] >= policy.max_attempts

        def delay(exc: BaseException | None) -> float:
            if not isinstance(exc, _Retryable):  # give_up() ends the loop for anything else
                return 0.0
            if exc.kind == "throttle":
                # The bucket gate holds the restore time; back off further only on repeats.
                return exc.pause + (policy.backoff(counts["throttle"] - 1) if counts["throttle"] > 1 else 0.0)
            if exc.kind == "skew":
                return 0.0
            return max(exc.pause, policy.backoff(counts["error"]))

        async def one_attempt() -> MWSResponse:
            nonlocal attempt
            attempt += 1
            throttle_wait = 0.0
            if spec is not None and key is not None:
                throttle_wait = await self.throttler.acquire(key, spec, request.cost)
            try:
                return await self._attempt(request, creds, attempt, throttle_wait, stream=stream)
            except _Retryable as exc:
                counts[exc.kind] += 1
                if exc.kind == "throttle" and spec is not None and key is not None:
                    err = exc.error
                    exceeded = isinstance(err, QuotaExceededError)
                    exc.pause = await self.throttler.throttled(
                        key,
                        spec,
                        request.cost,
                        quota_exceeded=exceeded,
                        resets_on=getattr(err, "resets_on", None),
                    )
                    if exceeded and exc.pause > policy.max_quota_wait:
                        raise err from None
                    # acquire() on the next attempt waits out the bucket; nothing more to sleep here.
                    exc.pause = 0.0
                raise

        try:
            # Most calls succeed at once: only a failure pays for building the tenacity machinery.
            try:
                return await one_attempt()
            except _Retryable as first:
                if give_up(first):
                    raise
                pause = delay(first)
                self._log_retry_now(request, attempt, first, pause)
                await self._sleep(pause)
            retrying = tenacity.AsyncRetrying(
                stop=lambda state: give_up(state.outcome.exception() if state.outcome else None),
                wait=lambda state: delay(state.outcome.exception() if state.outcome else None),
                retry=tenacity.retry_if_exception_type(_Retryable),
                sleep=self._sleep,
                reraise=True,
                before_sleep=lambda state: self._log_retry_now(
                    request,
                    attempt,
                    state.outcome.exception() if state.outcome else None,
                    state.upcoming_sleep,
                ),
            )
            async for try_ in retrying:
                with try_:
                    return await one_attempt()
        except _Retryable as final:
            err = final.error
            if isinstance(err, MWSResponseError):
                err.with_context(attempts=attempt)
            elif isinstance(err, TransportError):
                err.attempts = attempt
            raise err from None
        raise AssertionError("unreachable")  # pragma: no cover

    def _log_retry_now(
        self, request: MWSRequest, attempt: int, exc: BaseException | None, pause: float
    ) -> None:
        if isinstance(exc, _Retryable) and logger.isEnabledFor(logging.INFO):
            logger.info(
                "%s attempt %d failed (%s); retrying in %.3fs",
                request.action,
                attempt,
                type(exc.error).__name__,
                pause,
            )

    async def _attempt(
        self, request: MWSRequest, creds: Credentials, attempt: int, throttle_wait: float, *, stream: bool
    ) -> MWSResponse:
        http_request = self._build(request, creds)
        started = time.perf_counter()
        try:
            response = await self._http.send(http_request, stream=True)
        except httpx.TransportError as exc:
            elapsed = time.perf_counter() - started
            await self._record(request, creds, attempt, None, elapsed, throttle_wait, type(exc).__name__)
            raise self._transport_failure(request, exc, attempt) from None
        try:
            if response.status_code == 200 and stream:
                body = b""
            else:
                try:
                    body = await response.aread()
                except httpx.TransportError as exc:
                    raise self._transport_failure(request, exc, attempt) from None
                finally:
                    await response.aclose()
            elapsed = time.perf_counter() - started
            result = self._response(request, response, body, attempt, elapsed)
            self._observe_clock(response.headers)
            if request.quota is not None and result.quota.present:
                await self.throttler.observe(
                    self.throttle_key(request.quota, creds), request.quota, result.quota
                )
            if response.status_code == 200:
                await self._record(request, creds, attempt, result, elapsed, throttle_wait, None)
                if stream:
                    result.stream = response
                return result
            error = self._classify(request, result)
            await self._record(request, creds, attempt, result, elapsed, throttle_wait, _code(error))
            if isinstance(error, RequestExpiredError):
                self.resync_clock(response.headers)
            raise self._decide(request, error)
        except BaseException:
            if stream and response.status_code == 200:
                await response.aclose()
            raise

    def _response(
        self, request: MWSRequest, response: httpx.Response, body: bytes, attempt: int, elapsed: float
    ) -> MWSResponse:
        headers = response.headers
        return MWSResponse(
            status_code=response.status_code,
            body=body,
            headers=headers,
            operation=request.action,
            attempts=attempt,
            elapsed=elapsed,
            request_id=headers.get("x-mws-request-id"),
            timestamp=headers.get("x-mws-timestamp"),
            response_context=headers.get("x-mws-response-context"),
            quota=parse_quota_headers(headers)
            if "x-mws-quota-max" in headers or "x-mws-quota-remaining" in headers
            else QuotaHeaders(),
        )

    def _transport_failure(
        self, request: MWSRequest, exc: httpx.TransportError, attempt: int
    ) -> BaseException:
        # Never include the URL: for SubmitFeed it carries the signature and MWSAuthToken.
        reason = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
        if _not_sent(exc):
            err = TransportError(f"{request.action}: could not connect ({reason})", operation=request.action)
            return _Retryable(err, 0.0, "error")
        if request.idempotent:
            err = TransportError(f"{request.action}: request failed ({reason})", operation=request.action)
            return _Retryable(err, 0.0, "error")
        return OutcomeUnknownError(
            f"{request.action}: the connection failed after the request was sent ({reason}); MWS may or may "
            "not "
            "have processed it, so it was not resent. Check the matching list operation before retrying.",
            operation=request.action,
            attempts=attempt,
        )

    def _classify(self, request: MWSRequest, response: MWSResponse) -> MWSError:
        ctype = response.content_type
        try:
            errors, body_request_id = xml.parse_error_response(
                response.body, status_code=response.status_code, content_type=ctype, operation=request.action
            )
        except UnexpectedResponseError as exc:
            exc.request_id = response.request_id
            return exc
        first = errors[0]
        code = str(first["Code"])
        message = str(first.get("Message") or "")
        cls = error_class_for(code, message, response.status_code)
        error = cls(
            code,
            message,
            type=first.get("Type"),
            detail=first.get("Detail"),
            status_code=response.status_code,
            request_id=body_request_id or response.request_id,
            timestamp=_parse_time(response.timestamp) if response.timestamp else None,
            operation=request.action,
            attempts=response.attempts,
            resets_on=response.quota.resets_on if code == "QuotaExceeded" else None,
        )
        error.body = response.body
        return error

    def _decide(self, request: MWSRequest, error: MWSError) -> BaseException:
        """Wrap retryable failures in :class:`_Retryable`; return others to be raised as they are."""
        if isinstance(error, ThrottledError):
            if isinstance(error, QuotaExceededError) and error.resets_on is None:
                error.resets_on = _reset_from_message(error.message)
            return _Retryable(error, 0.0, "throttle")
        if isinstance(error, ServiceUnavailableError):
            return _Retryable(error, 0.0, "error")
        if isinstance(error, RequestExpiredError):
            return _Retryable(error, 0.0, "skew")
        if isinstance(error, InternalServerError) or (
            isinstance(error, UnexpectedResponseError) and error.retryable
        ):
            if request.idempotent:
                return _Retryable(error, 0.0, "error")
            # A 500 or a broken answer to SubmitFeed/RequestReport: processing may have happened.
            unknown = OutcomeUnknownError(
                f"{request.action}: MWS answered {error} — it may or may not have processed the request, so "
                "it was not resent. Check the matching list operation before retrying.",
                operation=request.action,
            )
            unknown.__cause__ = error
            return unknown
        return error

    # -- clock skew ----------------------------------------------------------------------------------

    def _observe_clock(self, headers: httpx.Headers) -> None:
        server = _server_time(headers)
        if server is None:
            return
        skew = (server - self.now()).total_seconds()
        if abs(skew) > 60.0:
            self.clock_offset += skew
            if not self._skew_warned:
                self._skew_warned = True
                logging.getLogger("mws_async").warning(
                    "local clock differs from the MWS server clock by %.1f s; "
                    "signing with the corrected time",
                    skew,
                )

    def resync_clock(self, headers: httpx.Headers) -> None:
        """Adopt the server's clock from a response's headers (after a rejected Timestamp)."""
        server = _server_time(headers)
        if server is not None:
            self.clock_offset += (server - self.now()).total_seconds()

    # -- records -------------------------------------------------------------------------------------

    async def _record(
        self,
        request: MWSRequest,
        creds: Credentials,
        attempt: int,
        response: MWSResponse | None,
        elapsed: float,
        throttle_wait: float,
        error_code: str | None,
    ) -> None:
        if self.on_request is None and not logger.isEnabledFor(logging.INFO):
            return
        record = RequestRecord(
            operation=request.action,
            section=request.section.name,
            seller_id=creds.seller_id,
            attempt=attempt,
            status_code=response.status_code if response is not None else None,
            request_id=response.request_id if response is not None else None,
            timestamp=response.timestamp if response is not None else None,
            quota=response.quota if response is not None else QuotaHeaders(),
            elapsed=elapsed,
            throttle_wait=throttle_wait,
            error_code=error_code,
        )
        if logger.isEnabledFor(logging.INFO):
            logger.info(
                "%s %s seller=%s status=%s request_id=%s attempt=%d",
                request.section.name,
                request.action,
                creds.seller_id,
                record.status_code,
                record.request_id,
                attempt,
                extra={"mws": record.as_dict()},
            )
        if self.on_request is not None:
            outcome = self.on_request(record)
            if inspect.isawaitable(outcome):
                await outcome


def _code(error: MWSError) -> str:
    return error.code if isinstance(error, MWSResponseError) else type(error).__name__


def _parse_time(value: str) -> datetime | None:
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _server_time(headers: httpx.Headers) -> datetime | None:
    stamp = headers.get("x-mws-timestamp")
    if stamp:
        parsed = _parse_time(stamp)
        if parsed is not None:
            return parsed
    date = headers.get("date")
    if date:
        try:
            return email.utils.parsedate_to_datetime(date)
        except (TypeError, ValueError):
            return None
    return None


def _reset_from_message(message: str) -> datetime | None:
    marker = "reset on "
    idx = message.find(marker)
    if idx < 0:
        return None
    return _parse_time(message[idx + len(marker) :].strip().rstrip("."))
