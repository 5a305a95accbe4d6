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
import urllib.request
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Final, Literal

import httpx
import tenacity

from mws_async import telemetry as _telemetry
from mws_async import xml
from mws_async.credentials import Credentials
from mws_async.deadlines import check_max_wait, deadline_end, remaining, start_attempt, within
from mws_async.errors import (
    ClockSkewError,
    ConfigurationError,
    DeadlineExceededError,
    InternalServerError,
    MWSError,
    MWSResponseError,
    OutcomeUnknownError,
    QuotaExceededError,
    RequestExpiredError,
    RequestThrottledError,
    ResponseTooLargeError,
    ServiceUnavailableError,
    ThrottledError,
    TransportError,
    UnexpectedResponseError,
    error_class_for,
)
from mws_async.http import (
    EXCHANGE_ERRORS,
    BodyTooLarge,
    LoopBound,
    make_http_client,
    make_http_transport,
    read_limited,
)
from mws_async.logs import install_redaction
from mws_async.retry import RetryPolicy
from mws_async.settings import (
    check_byte_limit,
    check_hook,
    check_instance,
    check_seconds,
    is_number,
    is_positive,
    parse_url,
)
from mws_async.signing import SignatureMethod, canonical_query, format_timestamp, percent_encode, signature
from mws_async.signing import string_to_sign as _string_to_sign
from mws_async.throttle import QuotaHeaders, QuotaSpec, ThrottleKey, Throttler, parse_quota_headers
from mws_async.useragent import check_user_agent

__all__ = [
    "MAX_CLOCK_SKEW",
    "Body",
    "BodyStream",
    "MWSRequest",
    "MWSResponse",
    "RequestHook",
    "RequestRecord",
    "Section",
    "Transport",
    "check_before_retrying",
    "validate_base_url",
]

logger = logging.getLogger("mws_async.requests")
_HTTPX_LOG = logging.getLogger("httpx")
_FORM: Final = "application/x-www-form-urlencoded; charset=utf-8"
install_redaction()

MAX_CLOCK_SKEW: Final = 24 * 3600.0
"""A server clock further than this from ours is never adopted (a proxy's or a broken server's)."""
_ERROR_BODY_LIMIT: Final = 1024 * 1024
"""Error answers are small; a larger non-2xx body is refused as it is read."""

Body = bytes | Callable[[], AsyncIterator[bytes]]
"""A request body: bytes, or a factory of async byte iterators (called again for each attempt)."""


_WHOLE_BODY_BYTES: Final = 1 << 20
"""Payloads up to this size are handed to the HTTP stack whole; bigger ones as 1 MiB slices."""


async def _slices(body: bytes) -> AsyncIterator[bytes]:
    """``body`` in 1 MiB slices."""
    view = memoryview(body)
    for start in range(0, len(body), _WHOLE_BODY_BYTES):
        yield view[start : start + _WHOLE_BODY_BYTES].tobytes()


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
    streamed: BodyStream | None = field(default=None, repr=False)

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

    def body_stream(self) -> BodyStream:
        """The unread body of a streamed response (:meth:`Transport.stream`), read within a time bound."""
        if self.streamed is None:
            raise UnexpectedResponseError(
                "the response body was already read; open it with Transport.stream to read it in chunks",
                status_code=self.status_code,
                content_type=self.content_type,
                operation=self.operation,
                request_id=self.request_id,
            )
        return self.streamed


class BodyStream:
    """The unread body of a streamed 200 answer (reports, feed processing results).

    Chunks must keep coming: the whole download may take ``timeout`` seconds plus one second per
    ``min_rate`` bytes received, so a server that drips a byte at a time is cut off, while a large report
    arriving at any reasonable speed is not. A stall or a broken connection is a :class:`TransportError`.
    """

    def __init__(self, response: httpx.Response, operation: str, *, timeout: float, min_rate: float) -> None:
        self._response = response
        self._operation = operation
        self._timeout = timeout
        self._min_rate = min_rate

    async def aiter_bytes(self, chunk_size: int | None = None) -> AsyncIterator[bytes]:
        """The body in chunks (decoded as httpx decodes content encodings)."""
        loop = asyncio.get_running_loop()
        started = loop.time()
        received = 0
        chunks = aiter(self._response.aiter_bytes(chunk_size))
        try:
            while True:
                failure: TransportError | None = None
                try:
                    async with asyncio.timeout_at(started + self._timeout + received / self._min_rate):
                        chunk = await anext(chunks)
                except StopAsyncIteration:
                    return
                except TimeoutError:
                    failure = TransportError(
                        f"{self._operation}: the download stalled: {received} bytes in "
                        f"{loop.time() - started:.1f} s (after {self._timeout:g} s it must average "
                        f"{self._min_rate:g} bytes/s)",
                        operation=self._operation,
                    )
                except EXCHANGE_ERRORS as exc:
                    failure = TransportError(
                        f"{self._operation}: the download failed after {received} bytes "
                        f"({type(exc).__name__}: {exc})",
                        operation=self._operation,
                    )
                if failure is not None:
                    raise failure  # outside the except clause: no link to httpx's exception
                received += len(chunk)
                yield chunk
        finally:
            close = getattr(chunks, "aclose", None)
            if close is not None:
                await close()

    async def aclose(self) -> None:
        """Close the response (and return its connection to the pool when it was read to the end)."""
        await self._response.aclose()


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
    url = parse_url(base_url, "endpoint")
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
        """Seconds to sleep before the next attempt."""
        self.kind = kind
        self.wait = 0.0
        """Seconds the next attempt will wait in the throttle (a throttled call's restore time)."""
        self.quota_wait = False
        self.budget_spent = False
        self.deadline_spent = False


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
    ``signature_method`` (HmacSHA256 or HmacSHA1); ``on_request`` hook.

    ``timeout`` (seconds) bounds each whole attempt: connecting, sending, and every byte of the answer,
    on whichever HTTP transport is underneath. Retries are separate attempts, bounded together by
    :attr:`RetryPolicy.max_retry_time`. A streamed download (:meth:`stream`) gets ``timeout`` for the
    headers and must then average ``min_download_rate`` bytes/s. ``max_response_bytes`` caps an answer
    read whole; reading stops as soon as it is passed (:class:`~mws_async.errors.ResponseTooLargeError`).

    Deadlines (:func:`mws_async.deadline`, or ``max_wait`` for calls outside one): the throttle admits a
    request only if its wait fits in the time left (else :class:`~mws_async.errors.DeadlineExceededError`
    at once, no quota taken); each attempt's timeout is the smaller of ``timeout`` and the time left; a
    retry whose backoff would pass the deadline is not made (``DeadlineExceededError`` from the last error).
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
        max_response_bytes: int = xml.DEFAULT_MAX_BYTES,
        min_download_rate: float = 16 * 1024,
        max_wait: float | None = None,
    ) -> None:
        if not isinstance(credentials, Credentials):  # only the type is shown: it may be a secret
            raise ConfigurationError(f"credentials must be a Credentials, got {type(credentials).__name__}")
        self.credentials = credentials
        self.base_url = validate_base_url(base_url)
        self.throttler = throttler
        self.retry = check_instance(retry, RetryPolicy, "retry") or RetryPolicy()
        self.user_agent = check_user_agent(user_agent)
        self.signature_method: SignatureMethod = signature_method
        self.on_request = check_hook(on_request, "on_request")
        self._sleep = sleep
        self.timeout = check_seconds(timeout, "timeout")
        self.max_response_bytes = check_byte_limit(max_response_bytes, "max_response_bytes")
        if not is_number(min_download_rate):
            raise ConfigurationError(f"min_download_rate must be a number, got {min_download_rate!r}")
        if not is_positive(min_download_rate):
            raise ConfigurationError(f"min_download_rate must be positive bytes/s, got {min_download_rate!r}")
        self.min_download_rate = min_download_rate
        self.max_wait = check_max_wait(max_wait)
        self._bound = LoopBound("MWSClient")
        self._own_client = http_client is None
        self._direct: httpx.AsyncBaseTransport | None = None
        if http_client is None:
            direct = make_http_transport()
            self._http = make_http_client(timeout, transport=direct)
            # The client is ours, without hooks, auth or redirects: requests go straight to its transport
            # (see _send), unless environment proxies mount other transports for some URLs.
            self._direct = None if urllib.request.getproxies() else direct
        else:
            self._http = http_client
        # What build_request would merge into every form POST: the client's headers, then ours.
        form_headers = httpx.Headers(self._http.headers)
        form_headers.update({"User-Agent": user_agent, "Content-Type": _FORM})
        self._form_headers = form_headers.raw
        self._extensions = {"timeout": self._http.timeout.as_dict()}
        self._cookies = False
        """Whether a server set a cookie in the own client (requests then carry it: built by httpx)."""
        port = self.base_url.port
        self._host_line = self.base_url.host.lower() + (f":{port}" if port else "")
        self._prefix = str(self.base_url).rstrip("/")
        self._urls: dict[str, httpx.URL] = {}
        self.clock_offset = 0.0
        self._clock_warned: set[str] = set()

    # -- lifecycle -----------------------------------------------------------------------------------

    async def aclose(self) -> None:
        """Close the HTTP client if this transport created it; later calls raise ClientClosedError."""
        self._bound.close()
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
        if request.body is None:
            form = signed.encode("ascii")
            if self._direct is not None and not self._cookies:
                # The same request build_request makes (headers in the same order, then Host and
                # Content-Length), without merging the client's headers, cookies and timeout each time.
                return httpx.Request(
                    "POST", url, content=form, headers=self._form_headers, extensions=self._extensions
                )
            headers = {"User-Agent": self.user_agent, "Content-Type": _FORM}
            return self._http.build_request("POST", url, content=form, headers=headers)
        headers = {"User-Agent": self.user_agent}
        # Operations with a payload (SubmitFeed): every parameter, Signature included, in the query string.
        headers["Content-Type"] = request.content_type or "application/octet-stream"
        body = request.body
        content: bytes | AsyncIterator[bytes] = body if isinstance(body, bytes) else body()
        if isinstance(body, bytes) and len(body) > _WHOLE_BODY_BYTES:
            # A big feed goes out in slices with its length announced (aiohttp would write it in one go,
            # holding the loop, and warns about it); the bytes are the same.
            headers["Content-Length"] = str(len(body))
            content = _slices(body)
        return self._http.build_request(
            "POST", url.copy_with(query=signed.encode("ascii")), content=content, headers=headers
        )

    # -- sending -------------------------------------------------------------------------------------

    async def send(
        self,
        request: MWSRequest,
        *,
        credentials: Credentials | None = None,
        parse: Callable[[MWSResponse], Any] | None = None,
    ) -> Any:
        """Send with throttling and retries; return a 200 response or raise a typed :class:`MWSError`.

        With ``parse`` (a function or coroutine function of the response), its result is returned instead,
        and a body it cannot read counts as a failed attempt: a truncated answer to a read is retried, and
        any unreadable answer to a non-idempotent call is an :class:`OutcomeUnknownError`.
        """
        return await self._run(request, credentials, stream=False, parse=parse)

    @asynccontextmanager
    async def stream(
        self, request: MWSRequest, *, credentials: Credentials | None = None
    ) -> AsyncIterator[MWSResponse]:
        """Like :meth:`send`, but a 200 body is left unread: iterate ``response.body_stream().aiter_bytes()``.

        ``timeout`` bounds the wait for the response headers; the body must then keep arriving at
        ``min_download_rate`` bytes per second on average (after a grace of ``timeout`` seconds), or the
        download stops with a :class:`TransportError`.
        """
        response: MWSResponse = await self._run(request, credentials, stream=True, parse=None)
        body = response.body_stream()
        try:
            yield response
        finally:
            await body.aclose()

    async def _run(
        self,
        request: MWSRequest,
        credentials: Credentials | None,
        *,
        stream: bool,
        parse: Callable[[MWSResponse], Any] | None,
    ) -> Any:
        self._bound.check(self._http)  # closed, or another event loop: refused before any quota is taken
        with _telemetry.mws_call(self, request, credentials):  # telemetry hook: a no-op unless configured
            try:
                return await self._run_attempts(request, credentials, stream=stream, parse=parse)
            except MWSError as exc:
                raise _detached(exc)  # noqa: B904 - re-raising the same error, cut loose from the exchange

    async def _run_attempts(
        self,
        request: MWSRequest,
        credentials: Credentials | None,
        *,
        stream: bool,
        parse: Callable[[MWSResponse], Any] | None,
    ) -> Any:
        creds = credentials or self.credentials
        spec = request.quota
        key = self.throttle_key(spec, creds) if spec is not None else None
        policy = self.retry
        scale = self.throttler.time_scale
        counts = {"throttle": 0, "error": 0, "skew": 0}
        attempt = 0
        started = time.monotonic()
        end = deadline_end(self.max_wait)

        def give_up(exc: BaseException | None) -> bool:
            if not isinstance(exc, _Retryable):
                return True
            if end is not None and time.monotonic() + exc.wait + exc.pause > end:
                exc.deadline_spent = True  # the next attempt could not start before the deadline
                return True
            if exc.kind == "throttle":
                over = counts["throttle"] > policy.max_throttle_retries
            elif exc.kind == "skew":
                over = counts["skew"] > 1 or not policy.clock_skew_retry
            else:
                over = counts["error"] >= policy.max_attempts
            if over:
                return True
            if exc.quota_wait:  # an hourly reset: bounded by max_quota_wait when it was taken
                return False
            if time.monotonic() - started + exc.wait + exc.pause > policy.max_retry_time:
                exc.budget_spent = True
                return True
            return False

        def delay(exc: BaseException | None) -> float:
            return exc.pause if isinstance(exc, _Retryable) else 0.0

        async def one_attempt() -> Any:
            nonlocal attempt
            attempt += 1
            throttle_wait = 0.0
            left = start_attempt(request.action, end, attempt)
            if spec is not None and key is not None:
                throttle_wait = await self.throttler.acquire(key, spec, request.cost, max_wait=left)
            try:
                response = await self._attempt(
                    request, creds, attempt, throttle_wait, stream=stream, time_left=remaining(end)
                )
                return response if parse is None else await self._parse(request, response, parse)
            except _Retryable as exc:
                counts[exc.kind] += 1
                if exc.kind == "throttle":
                    if spec is not None and key is not None:
                        err = exc.error
                        exceeded = isinstance(err, QuotaExceededError)
                        # acquire() on the next attempt waits this out in the bucket.
                        exc.wait = await self.throttler.throttled(
                            key,
                            spec,
                            request.cost,
                            quota_exceeded=exceeded,
                            resets_on=getattr(err, "resets_on", None),
                        )
                        if exceeded and exc.wait > policy.max_quota_wait:
                            raise err from None
                        exc.quota_wait = exceeded
                    # The bucket gate holds the restore time; back off further (scaled) only on repeats.
                    repeats = counts["throttle"] - 1
                    exc.pause = policy.backoff(repeats) / scale if repeats > 0 else 0.0
                elif exc.kind == "error":
                    exc.pause = max(exc.pause, policy.backoff(counts["error"]))
                raise

        failure: _Retryable
        try:
            # Most calls succeed at once: only a failure pays for building the tenacity machinery.
            try:
                return await one_attempt()
            except _Retryable as first:
                if give_up(first):
                    raise
                pause = first.pause
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
            failure = final
        err = failure.error
        if failure.deadline_spent:
            left = remaining(end) or 0.0
            raise DeadlineExceededError(
                request.action,
                failure.wait + failure.pause,
                left,
                reason=f"retrying after {type(err).__name__} (attempt {attempt})",
            ) from err
        note = (
            f"gave up: the next retry would pass the retry budget of {policy.max_retry_time:g} s "
            "(RetryPolicy.max_retry_time)"
            if failure.budget_spent
            else None
        )
        elapsed = time.monotonic() - started if attempt > 1 else None
        if isinstance(err, (MWSResponseError, TransportError)):
            err.with_context(attempts=attempt, elapsed=elapsed, note=note)
        raise err

    def _log_retry_now(
        self, request: MWSRequest, attempt: int, exc: BaseException | None, pause: float
    ) -> None:
        if isinstance(exc, _Retryable):  # telemetry hook: a retry event (no-op unless configured)
            _telemetry.retry(attempt, _code(exc.error), pause, exc.wait)
        if isinstance(exc, _Retryable) and logger.isEnabledFor(logging.INFO):
            logger.info(
                "%s attempt %d failed (%s); retrying in %.3fs",
                request.action,
                attempt,
                type(exc.error).__name__,
                pause,
            )

    async def _send(self, request: httpx.Request) -> httpx.Response:
        """``AsyncClient.send(request, stream=True)``; on the own client, straight to its transport.

        The own client has no event hooks or auth and follows no redirects, so what ``send`` adds there is
        bookkeeping: it is done here when it matters (a Set-Cookie is kept in the client's jar, and
        requests then carry it; an httpx error names its request), and httpx's own INFO log line is kept
        by taking its path while that logger is on.
        """
        direct = self._direct
        if direct is None or self._http.is_closed or _HTTPX_LOG.isEnabledFor(logging.INFO):
            return await self._http.send(request, stream=True)
        try:
            response = await direct.handle_async_request(request)
        except httpx.RequestError as exc:
            exc.request = request
            raise
        response.request = request
        if "set-cookie" in response.headers:
            self._http.cookies.extract_cookies(response)
            self._cookies = True
        return response

    async def _parse(
        self, request: MWSRequest, response: MWSResponse, parse: Callable[[MWSResponse], Any]
    ) -> Any:
        """``parse(response)``; a body that cannot be read is a failed attempt (see :meth:`send`)."""
        problem: UnexpectedResponseError
        try:
            parsed = parse(response)
            return await parsed if inspect.isawaitable(parsed) else parsed
        except UnexpectedResponseError as exc:
            problem = exc
        problem.request_id = problem.request_id or response.request_id
        if not request.idempotent:
            raise _outcome_unknown(request, problem, response.attempts)
        if problem.retryable:
            raise _Retryable(problem, 0.0, "error")
        raise problem

    async def _attempt(
        self,
        request: MWSRequest,
        creds: Credentials,
        attempt: int,
        throttle_wait: float,
        *,
        stream: bool,
        time_left: float | None = None,
    ) -> MWSResponse:
        built = self._build(request, creds)
        started = time.perf_counter()
        response: httpx.Response | None = None
        body = b""
        failure: BaseException | None = None
        keep_open = False
        try:
            seconds, by_deadline = within(self.timeout, time_left)
            async with asyncio.timeout(seconds):
                response = await self._send(built)
                keep_open = stream and response.status_code == 200
                if not keep_open:
                    limit = self.max_response_bytes if response.is_success else _ERROR_BODY_LIMIT
                    body = await read_limited(response, limit)
        except TimeoutError:
            cut = seconds if by_deadline else None
            failure = self._timed_out(request, attempt, reached=response is not None, deadline_left=cut)
        except EXCHANGE_ERRORS as exc:
            failure = self._transport_failure(request, exc, attempt)
        except BodyTooLarge as exc:
            failure = self._too_large(request, response, exc, attempt)
        finally:
            del built  # the signed request (token, signature) must not outlive the attempt in this frame
            if response is not None and not keep_open:
                await response.aclose()
        if failure is not None or response is None:
            elapsed = time.perf_counter() - started
            code = _code(failure.error) if isinstance(failure, _Retryable) else type(failure).__name__
            await self._record(request, creds, attempt, None, elapsed, throttle_wait, code)
            raise failure or TransportError(f"{request.action}: no response", operation=request.action)
        try:
            elapsed = time.perf_counter() - started
            result = self._response(request, response, body, attempt, elapsed)
            self._observe_clock(response.headers)
            if request.quota is not None and result.quota.present:
                await self.throttler.observe(
                    self.throttle_key(request.quota, creds), request.quota, result.quota
                )
            if response.status_code == 200 and not _is_error_document(body):
                await self._record(request, creds, attempt, result, elapsed, throttle_wait, None)
                if keep_open:
                    result.stream = response
                    result.streamed = BodyStream(
                        response, request.action, timeout=self.timeout, min_rate=self.min_download_rate
                    )
                return result
            error = self._classify(request, result)
            await self._record(request, creds, attempt, result, elapsed, throttle_wait, _code(error))
            if isinstance(error, RequestExpiredError):
                self.resync_clock(response.headers, operation=request.action)
        except BaseException:
            if keep_open:
                await response.aclose()
            raise
        raise self._decide(request, error)

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

    def _transport_failure(self, request: MWSRequest, exc: Exception, attempt: int) -> BaseException:
        # Never include the URL: for SubmitFeed it carries the signature and MWSAuthToken.
        reason = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
        if isinstance(exc, httpx.TransportError) and _not_sent(exc):
            err = TransportError(f"{request.action}: could not connect ({reason})", operation=request.action)
            return _Retryable(err, 0.0, "error")
        if request.idempotent:
            err = TransportError(f"{request.action}: request failed ({reason})", operation=request.action)
            return _Retryable(err, 0.0, "error")
        return OutcomeUnknownError(
            f"{request.action}: the connection failed after the request was sent ({reason}); MWS may or may "
            f"not have processed it, so it was not resent. {check_before_retrying(request.action)}",
            operation=request.action,
            attempts=attempt,
        )

    def _timed_out(
        self, request: MWSRequest, attempt: int, *, reached: bool, deadline_left: float | None = None
    ) -> BaseException:
        what = "the answer did not arrive in full" if reached else "no answer arrived"
        if deadline_left is not None:
            reason = f"the deadline passed during attempt {attempt} after {deadline_left:.3f} s ({what})"
            if request.idempotent:  # no time is left for another attempt
                return DeadlineExceededError(request.action, 0.0, deadline_left, reason=f"attempt {attempt}")
        else:
            reason = f"timed out after {self.timeout:g} s ({what}; the timeout bounds each whole attempt)"
        if request.idempotent:
            return _Retryable(
                TransportError(f"{request.action}: {reason}", operation=request.action), 0.0, "error"
            )
        return OutcomeUnknownError(
            f"{request.action}: {reason}; MWS may or may not have processed it, so it was not resent. "
            f"{check_before_retrying(request.action)}",
            operation=request.action,
            attempts=attempt,
        )

    def _too_large(
        self, request: MWSRequest, response: httpx.Response | None, exc: BodyTooLarge, attempt: int
    ) -> BaseException:
        status = response.status_code if response is not None else None
        error = ResponseTooLargeError(
            exc.size,
            exc.limit,
            declared=exc.declared,
            status_code=status,
            content_type=response.headers.get("content-type") if response is not None else None,
            operation=request.action,
            request_id=response.headers.get("x-mws-request-id") if response is not None else None,
        )
        if status is not None and not 200 <= status < 300:
            return self._decide(request, error)
        return error if request.idempotent else _outcome_unknown(request, error, attempt)

    def _classify(self, request: MWSRequest, response: MWSResponse) -> MWSError:
        ctype = response.content_type
        status = response.status_code
        if 300 <= status < 400:
            location = response.headers.get("location", "")[:200]
            return UnexpectedResponseError(
                f"redirect (HTTP {status}) to {location!r}; MWS endpoints do not redirect: check base_url",
                status_code=status,
                content_type=ctype,
                first_bytes=response.body,
                operation=request.action,
                request_id=response.request_id,
                transient=False,
            )
        try:
            errors, body_request_id = xml.parse_error_response(
                response.body, status_code=status, content_type=ctype, operation=request.action
            )
        except UnexpectedResponseError as exc:
            exc.request_id = response.request_id
            if status == 429:  # a throttle from a proxy or gateway, without MWS's body
                return RequestThrottledError(
                    "RequestThrottled",
                    "HTTP 429 Too Many Requests",
                    status_code=status,
                    request_id=response.request_id,
                    operation=request.action,
                    attempts=response.attempts,
                )
            return exc
        first = errors[0]
        code = str(first["Code"])
        message = str(first.get("Message") or "")
        cls = error_class_for(code, message, status)
        error = cls(
            code,
            message,
            type=first.get("Type"),
            detail=first.get("Detail"),
            status_code=status,
            request_id=body_request_id or response.request_id,
            timestamp=_parse_time(response.timestamp) if response.timestamp else None,
            operation=request.action,
            attempts=response.attempts,
            resets_on=response.quota.resets_on if code == "QuotaExceeded" else None,
        )
        error.body = response.body
        return error

    def _decide(self, request: MWSRequest, error: MWSError) -> BaseException:
        """Wrap retryable failures in :class:`_Retryable`; return others to be raised as they are.

        Only the answers MWS documents as "not processed" (throttles, ServiceUnavailable) are resent for a
        non-idempotent call; any other server failure may have followed processing.
        """
        if isinstance(error, ThrottledError):
            if isinstance(error, QuotaExceededError) and error.resets_on is None:
                error.resets_on = _reset_from_message(error.message)
            return _Retryable(error, 0.0, "throttle")
        if isinstance(error, ServiceUnavailableError):
            return _Retryable(error, 0.0, "error")
        status = getattr(error, "status_code", None) or 0
        if isinstance(error, RequestExpiredError) and status < 500:
            return _Retryable(error, 0.0, "skew")
        unreadable = isinstance(error, UnexpectedResponseError)
        # The server failed, or a 2xx could not be read: processing may have happened.
        maybe_processed = (
            status >= 500
            or isinstance(error, InternalServerError)
            or (unreadable and (status == 0 or 200 <= status < 300))
        )
        if not maybe_processed:
            return error  # a rejection (3xx, 4xx): not processed, and the same request would fail again
        if not request.idempotent:
            return _outcome_unknown(request, error, getattr(error, "attempts", 1))
        if isinstance(error, InternalServerError) or (
            isinstance(error, UnexpectedResponseError) and error.retryable
        ):
            return _Retryable(error, 0.0, "error")
        return error

    # -- clock skew ----------------------------------------------------------------------------------

    def _observe_clock(self, headers: httpx.Headers) -> None:
        """Follow the server's clock when it drifts by more than a minute; never adopt an absurd one."""
        reading = _server_time(headers)
        if reading is None:
            return
        server, header = reading
        if server is None:
            self._warn_clock_once("unreadable", f"ignoring an unreadable server clock header ({header})")
            return
        skew = (server - self.now()).total_seconds()
        if abs(skew) > MAX_CLOCK_SKEW:
            self._warn_clock_once(
                "absurd",
                f"ignoring the server clock ({header}): it differs from this machine's by more than 24 h",
            )
            return
        if abs(skew) > 60.0:
            self.clock_offset += skew
            self._warn_clock_once(
                "skew",
                f"local clock differs from the MWS server clock by {skew:.1f} s; "
                "signing with the corrected time",
            )

    def _warn_clock_once(self, kind: str, message: str) -> None:
        if kind not in self._clock_warned:
            self._clock_warned.add(kind)
            logging.getLogger("mws_async").warning("%s", message)

    def resync_clock(self, headers: httpx.Headers, *, operation: str | None = None) -> None:
        """Adopt the server's clock from a response's headers (after a rejected Timestamp).

        Raises :class:`~mws_async.errors.ClockSkewError` when it is more than 24 h from this machine's.
        """
        reading = _server_time(headers)
        if reading is None:
            return
        server, header = reading
        if server is None:
            return
        skew = (server - self.now()).total_seconds()
        if abs(skew) > MAX_CLOCK_SKEW:
            raise ClockSkewError(skew, header, operation=operation)
        self.clock_offset += skew

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
        # telemetry hook: the attempt on the call's span and metrics (a no-op unless configured)
        _telemetry.attempt(
            response.status_code if response is not None else None,
            response.request_id if response is not None else None,
            throttle_wait,
            error_code,
        )
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
    """An ISO 8601 time (``Z`` or an offset; naive means UTC), or None when it cannot be read."""
    try:
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except (ValueError, TypeError, OverflowError):
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _parse_http_date(value: str) -> datetime | None:
    """An RFC 7231 / RFC 2822 date, leniently (``-0000`` and missing zones mean UTC), or None."""
    try:
        parsed = email.utils.parsedate_to_datetime(value.strip())
    except (ValueError, TypeError, OverflowError, IndexError):
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _server_time(headers: httpx.Headers) -> tuple[datetime | None, str] | None:
    """The server's clock from ``x-mws-timestamp`` (preferred) or ``Date``, with the header it came from;
    ``(None, header)`` when present but unreadable, ``None`` when neither is present."""
    stamp = headers.get("x-mws-timestamp")
    date = headers.get("date")
    if stamp:
        parsed = _parse_time(stamp)
        if parsed is not None:
            return parsed, f"x-mws-timestamp: {stamp[:40]}"
    if date:
        parsed = _parse_http_date(date)
        if parsed is not None:
            return parsed, f"Date: {date[:40]}"
    if stamp or date:
        return None, f"x-mws-timestamp: {stamp[:40]}" if stamp else f"Date: {date[:40]}"
    return None


_CHECK_WITH: Final = {
    "SubmitFeed": "GetFeedSubmissionList",
    "CancelFeedSubmissions": "GetFeedSubmissionList",
    "RequestReport": "GetReportRequestList",
    "CancelReportRequests": "GetReportRequestList",
    "ManageReportSchedule": "GetReportScheduleList",
    "UpdateReportAcknowledgements": "GetReportList",
}


def check_before_retrying(action: str) -> str:
    """What to do after an :class:`OutcomeUnknownError` of ``action``: which listing shows the outcome."""
    listing = _CHECK_WITH.get(action, "the matching list operation")
    return f"Check {listing} before retrying."


def _outcome_unknown(request: MWSRequest, error: MWSError, attempts: int) -> OutcomeUnknownError:
    """A failure of a non-idempotent call after which MWS may have processed it (never resent)."""
    unknown = OutcomeUnknownError(
        f"{request.action}: MWS answered {error} — it may or may not have processed the request, so it was "
        f"not resent. {check_before_retrying(request.action)}",
        operation=request.action,
        attempts=attempts,
    )
    unknown.__cause__ = error
    return unknown


def _is_error_document(body: bytes) -> bool:
    """Whether a 200 body is an ``ErrorResponse`` (MWS sent some with status 200)."""
    return b"<ErrorResponse" in body[:512]


def _detached(error: MWSError) -> MWSError:
    """``error`` cut loose from the HTTP exchange before it reaches the caller.

    Exceptions raised while handling httpx's would keep them (and their request: URL, form body, so the
    MWSAuthToken and signature) in ``__context__``, and inner frames keep them as locals; only our own
    errors stay linked as causes, and the traceback restarts where the call was made.
    """
    node: BaseException | None = error
    seen: set[int] = set()
    while node is not None and id(node) not in seen:
        seen.add(id(node))
        node.__context__ = None
        node.__traceback__ = None
        cause = node.__cause__
        if cause is not None and not isinstance(cause, MWSError):
            node.__cause__ = None
            break
        node = cause
    return error


def _reset_from_message(message: str) -> datetime | None:
    marker = "reset on "
    idx = message.find(marker)
    if idx < 0:
        return None
    return _parse_time(message[idx + len(marker) :].strip().rstrip("."))
