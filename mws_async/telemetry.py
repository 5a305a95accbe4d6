"""OpenTelemetry spans and metrics for every MWS and SP-API call (optional extra ``otel``).

Install ``mws-async[otel]`` (``opentelemetry-api`` only) and configure the OpenTelemetry SDK as usual
(``trace.set_tracer_provider(...)``, ``metrics.set_meter_provider(...)``); or hand providers to
:func:`configure` without touching the global ones. Nothing else is needed: the transports call the hooks
below. Without the package, or with the package but no provider set, each call costs one check of a module
global (``benchmarks/telemetry.py`` measures it).

Spans: one ``CLIENT`` span per call (all its attempts and retries), current while the call runs, named
``MWS <Section>.<Operation>`` (``MWS Products.GetMatchingProductForId``) or ``SP-API <operationId>``
(``SP-API getItemOffers``). For a streamed download the span ends when the headers have arrived.

============================== ===========================================================================
attribute                      value
============================== ===========================================================================
``mws.api``                    ``"mws"`` or ``"sp-api"``
``mws.section``                ``Products``, ``Orders``, ... (``SPAPI`` for SP-API)
``mws.operation``              ``GetMatchingProductForId``, ``getItemOffers``, ...
``mws.marketplace_id``         the marketplace the call names (when it names one)
``mws.seller.hash``            SHA-256 hex of the SellerId / selling partner (never the id in clear)
``server.address``/``.port``   the endpoint
``http.request.method``        ``POST`` (MWS) or the operation's method (SP-API)
``http.response.status_code``  the last attempt's HTTP status
``mws.request_id``             the last attempt's ``x-mws-request-id`` / ``x-amzn-RequestId``
``mws.attempts``               attempts made (each one spends quota)
``mws.quota_wait``             seconds spent waiting in the throttle, over all attempts
``mws.throttled_responses``    503 RequestThrottled / QuotaExceeded (or 429) answers received
``error.type``                 the error code (``InvalidParameterValue``) or class, on failure
============================== ===========================================================================

Each retry is a span event ``retry`` with ``mws.retry.attempt`` (the attempt that failed),
``mws.retry.reason`` (its error code) and ``mws.retry.backoff`` (seconds slept before the next attempt;
a throttled attempt's restore time is waited in the throttle instead, ``mws.retry.restore_wait``). A failed
call records its exception (seller ids replaced by their hash, secret-bearing parameters redacted) and ends
with status ``ERROR``; a cancelled one has ``error.type = "CancelledError"``.

Metrics (meter ``mws_async``), with attributes ``mws.api``, ``mws.section``, ``mws.operation`` and
``mws.seller.hash``:

- ``mws.client.requests`` (counter): HTTP attempts sent, plus ``http.response.status_code`` or ``error.type``;
- ``mws.client.throttled`` (counter): throttled answers (503 RequestThrottled / QuotaExceeded, 429);
- ``mws.client.retries`` (counter): retries, plus ``mws.retry.reason``;
- ``mws.client.quota_wait`` (histogram, seconds): the throttle wait of every attempt;
- ``mws.client.bucket.available`` (observable gauge, quota units): units free now in the burst bucket of
  every key used within the throttler's ``stats_ttl`` (in-memory backend; a shared Redis bucket is not
  read), with ``mws.quota.group``, ``mws.seller.hash`` and ``server.address``. It is computed only when a
  reader collects.

No attribute ever holds a secret (secret key, MWSAuthToken, LWA secrets, tokens), an access key or a seller
id in clear.
"""

from __future__ import annotations

import asyncio
import functools
import hashlib
import os
import sys
import traceback
import weakref
from collections.abc import Callable, Iterable, Mapping
from contextvars import ContextVar, Token
from types import ModuleType, TracebackType
from typing import TYPE_CHECKING, Any, Final, Literal

from mws_async.logs import redact

if TYPE_CHECKING:
    from opentelemetry.context import Context
    from opentelemetry.metrics import CallbackOptions, MeterProvider, Observation
    from opentelemetry.trace import Span, TracerProvider

    from mws_async.throttle import QuotaSpec, ThrottleKey, Throttler

__all__ = ["configure", "enabled", "seller_hash"]

Api = Literal["mws", "sp-api"]

_THROTTLE_CODES: Final = frozenset({"RequestThrottled", "QuotaExceeded", "TooManyRequests"})
#: Histogram boundaries for quota waits (seconds): from a few ms (a burst) to the hour (an hourly reset).
_WAIT_BOUNDARIES: Final = (
    0.0,
    0.005,
    0.01,
    0.05,
    0.1,
    0.25,
    0.5,
    1.0,
    2.5,
    5.0,
    10.0,
    30.0,
    60.0,
    300.0,
    3600.0,
)
#: Keys watched by the bucket gauge beyond which the watch list is rebuilt from live keys.
_MAX_WATCHED: Final = 65536
_VERSION: Final = "0.1.0"


@functools.lru_cache(maxsize=4096)
def seller_hash(seller_id: str) -> str:
    """SHA-256 hex of a seller id (as :attr:`ThrottleKey.key_hash` hashes access keys): the id never appears
    in clear in a span or metric, and an operator who knows an id can find its series."""
    return hashlib.sha256(seller_id.encode()).hexdigest()


class _Instruments:
    """The tracer and metric instruments, made once the first provider is configured."""

    def __init__(self, tracer_provider: TracerProvider, meter_provider: MeterProvider) -> None:
        self.tracer = tracer_provider.get_tracer("mws_async", _VERSION)
        meter = meter_provider.get_meter("mws_async", _VERSION)
        self.requests = meter.create_counter(
            "mws.client.requests", unit="{request}", description="HTTP attempts sent to MWS / SP-API"
        )
        self.throttled = meter.create_counter(
            "mws.client.throttled",
            unit="{response}",
            description="Throttled answers (503 RequestThrottled / QuotaExceeded, HTTP 429)",
        )
        self.retries = meter.create_counter("mws.client.retries", unit="{retry}", description="Retries")
        self.quota_wait = meter.create_histogram(
            "mws.client.quota_wait",
            unit="s",
            description="Time each attempt waited in the client-side quota throttle",
            explicit_bucket_boundaries_advisory=_WAIT_BOUNDARIES,
        )
        self.bucket = meter.create_observable_gauge(
            "mws.client.bucket.available",
            callbacks=[_observe_buckets],
            unit="{unit}",
            description="Quota units free now in the burst bucket of each live throttle key",
        )


_otel_trace: ModuleType | None = None
_otel_metrics: ModuleType | None = None
_otel_context: ModuleType | None = None
_missing = False
_explicit: tuple[TracerProvider | None, MeterProvider | None] | None = None
_instruments: _Instruments | None = None
_CALL: ContextVar[_Call | None] = ContextVar("mws_async_telemetry_call", default=None)
# Bucket gauge: key -> (its throttler, the bucket capacity last seen). Written by calls, read (and pruned)
# by the metric reader, possibly from its own thread: only atomic dict operations are used.
_watched: dict[ThrottleKey, tuple[weakref.ref[Throttler], float]] = {}


def configure(
    tracer_provider: TracerProvider | None = None, meter_provider: MeterProvider | None = None
) -> None:
    """Use these providers instead of OpenTelemetry's global ones (``None``: the global one for that
    signal). Call :func:`configure` with no arguments to go back to the globals."""
    global _explicit, _instruments
    _explicit = (
        None if tracer_provider is None and meter_provider is None else (tracer_provider, meter_provider)
    )
    _instruments = None
    _watched.clear()


def _import() -> bool:
    """Import the OpenTelemetry API once and set up :func:`_configured`; False (for good) without it."""
    global _otel_trace, _otel_metrics, _otel_context, _missing, _configured
    if _missing:
        return False
    if _otel_trace is None:
        try:
            import opentelemetry.context as otel_context
            import opentelemetry.metrics as otel_metrics
            import opentelemetry.trace as otel_trace
        except ImportError:
            _missing = True
            return False
        _otel_trace, _otel_metrics, _otel_context = otel_trace, otel_metrics, otel_context
        _configured = _probe(otel_trace, sys.modules.get("opentelemetry.metrics._internal"))
    return True


def _probe(otel_trace: ModuleType, metrics_internal: ModuleType | None) -> Callable[[], bool]:
    """A check of whether a global tracer or meter provider is set, cheaper than ``get_*_provider()``.

    The API keeps each global provider in a private module global (set once, never unset); reading it is a
    dictionary lookup, where ``get_tracer_provider()`` also consults ``os.environ`` on every call. A
    provider named by an ``OTEL_PYTHON_*_PROVIDER`` variable (read once, here) counts as set. Should the
    private names ever go away, the check falls back to the public calls: correct, only slower.
    """
    if "OTEL_PYTHON_TRACER_PROVIDER" in os.environ or "OTEL_PYTHON_METER_PROVIDER" in os.environ:
        return lambda: True
    if hasattr(otel_trace, "_TRACER_PROVIDER") and hasattr(metrics_internal, "_METER_PROVIDER"):
        return lambda: (
            otel_trace._TRACER_PROVIDER is not None or metrics_internal._METER_PROVIDER is not None  # type: ignore[union-attr]
        )

    def public() -> bool:
        if _otel_trace is None or _otel_metrics is None:
            return False
        tracing = type(_otel_trace.get_tracer_provider()).__name__ != "ProxyTracerProvider"
        return tracing or type(_otel_metrics.get_meter_provider()).__name__ != "_ProxyMeterProvider"

    return public


def _never() -> bool:
    return False


_configured: Callable[[], bool] = _never


def _active() -> _Instruments | None:
    """The instruments when OpenTelemetry is configured, else None (the cheap check every call makes)."""
    global _instruments
    instruments = _instruments
    if instruments is not None:
        return instruments
    if _otel_trace is None and not _import():
        return None
    if _explicit is None and not _configured():
        return None
    if _otel_trace is None or _otel_metrics is None:
        return None
    tracer_provider, meter_provider = _explicit if _explicit is not None else (None, None)
    # One signal configured is enough: the other comes from the API's proxy provider, which turns real if
    # it is configured later.
    instruments = _Instruments(
        tracer_provider or _otel_trace.get_tracer_provider(),
        meter_provider or _otel_metrics.get_meter_provider(),
    )
    _instruments = instruments
    return instruments


def enabled() -> bool:
    """Whether calls are traced and measured now (the API is installed and a provider is configured)."""
    return _active() is not None


# -- the per-call object -------------------------------------------------------------------------------


class _Call:
    """One traced call: its span (current while the call runs) and what its attempts reported."""

    __slots__ = (
        "_context_token",
        "_token",
        "attempts",
        "attrs",
        "instruments",
        "quota_wait",
        "seller",
        "span",
        "throttled",
    )

    def __init__(
        self,
        instruments: _Instruments,
        api: Api,
        section: str,
        operation: str,
        *,
        seller_id: str,
        host: str,
        port: int | None,
        method: str,
        marketplace_id: str | None,
    ) -> None:
        self.instruments = instruments
        self.seller = seller_id
        hashed = seller_hash(seller_id)
        self.attrs: dict[str, str] = {
            "mws.api": api,
            "mws.section": section,
            "mws.operation": operation,
            "mws.seller.hash": hashed,
        }
        span_attrs: dict[str, Any] = {**self.attrs, "server.address": host, "http.request.method": method}
        if port is not None:
            span_attrs["server.port"] = port
        if marketplace_id:
            span_attrs["mws.marketplace_id"] = marketplace_id
        name = f"MWS {section}.{operation}" if api == "mws" else f"SP-API {operation}"
        kind = _otel_trace.SpanKind.CLIENT if _otel_trace is not None else None
        self.span: Span = instruments.tracer.start_span(name, kind=kind, attributes=span_attrs)  # type: ignore[arg-type]
        self.attempts = 0
        self.quota_wait = 0.0
        self.throttled = 0
        self._token: Token[_Call | None] | None = None
        self._context_token: Token[Context] | None = None

    def __enter__(self) -> _Call:
        self._token = _CALL.set(self)
        if _otel_context is not None and _otel_trace is not None:
            self._context_token = _otel_context.attach(_otel_trace.set_span_in_context(self.span))
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        try:
            span = self.span
            span.set_attribute("mws.attempts", self.attempts)
            span.set_attribute("mws.quota_wait", self.quota_wait)
            span.set_attribute("mws.throttled_responses", self.throttled)
            if isinstance(exc, asyncio.CancelledError):
                span.set_attribute("error.type", "CancelledError")
                self._status_error("cancelled")
            elif exc is not None:
                self._record_error(exc)
            span.end()
        finally:
            if self._context_token is not None and _otel_context is not None:
                _otel_context.detach(self._context_token)
            if self._token is not None:
                _CALL.reset(self._token)

    def _status_error(self, description: str) -> None:
        if _otel_trace is not None:
            self.span.set_status(_otel_trace.Status(_otel_trace.StatusCode.ERROR, description))

    def _scrub(self, text: str) -> str:
        """``text`` without the seller id in clear, nor values of secret-bearing parameters."""
        if self.seller:
            text = text.replace(self.seller, f"seller#{self.attrs['mws.seller.hash'][:8]}")
        return redact(text)

    def _record_error(self, exc: BaseException) -> None:
        code = getattr(exc, "code", None)
        self.span.set_attribute("error.type", code if isinstance(code, str) and code else type(exc).__name__)
        message = self._scrub(str(exc))
        stack = self._scrub("".join(traceback.format_exception(exc)))
        # record_exception would put str(exc) and the traceback in clear: pass the scrubbed texts instead.
        self.span.record_exception(
            exc, attributes={"exception.message": message, "exception.stacktrace": stack}, escaped=True
        )
        self._status_error(message[:500])

    def attempt(
        self, status: int | None, request_id: str | None, throttle_wait: float, error_code: str | None
    ) -> None:
        self.attempts += 1
        self.quota_wait += throttle_wait
        span = self.span
        ins = self.instruments
        attrs = self.attrs
        if status is not None:
            span.set_attribute("http.response.status_code", status)
            counted: Mapping[str, str | int] = {**attrs, "http.response.status_code": status}
        else:
            counted = {**attrs, "error.type": error_code or "TransportError"}
        if request_id:
            span.set_attribute("mws.request_id", request_id)
        ins.requests.add(1, counted)
        ins.quota_wait.record(throttle_wait, attrs)
        if status == 429 or (error_code is not None and error_code in _THROTTLE_CODES):
            self.throttled += 1
            ins.throttled.add(1, attrs)

    def retry(self, attempt: int, reason: str, backoff: float, restore_wait: float | None) -> None:
        event: dict[str, Any] = {
            "mws.retry.attempt": attempt,
            "mws.retry.reason": reason,
            "mws.retry.backoff": backoff,
        }
        if restore_wait:
            event["mws.retry.restore_wait"] = restore_wait
        self.span.add_event("retry", event)
        self.instruments.retries.add(1, {**self.attrs, "mws.retry.reason": reason})


class _NoCall:
    """What :func:`mws_call` / :func:`spapi_call` return when telemetry is off: a context manager that does
    nothing (one shared instance)."""

    __slots__ = ()

    def __enter__(self) -> None:
        return None

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        return None


_NO_CALL: Final = _NoCall()


def _watch(throttler: Throttler, key: ThrottleKey, spec: QuotaSpec) -> None:
    if len(_watched) >= _MAX_WATCHED:
        _prune()
    _watched[key] = (weakref.ref(throttler), spec.max_quota)


def _marketplace(params: Mapping[str, str]) -> str | None:
    for name in ("MarketplaceId", "MarketplaceId.Id.1", "MarketplaceIdList.Id.1", "Marketplace"):
        value = params.get(name)
        if value:
            return value
    return None


# -- the hooks the transports call -------------------------------------------------------------------


def mws_call(transport: Any, request: Any, credentials: Any) -> _Call | _NoCall:
    """A context manager around one MWS call (``Transport._run``): its span, or nothing when off."""
    instruments = _active()
    if instruments is None:
        return _NO_CALL
    creds = credentials or transport.credentials
    url = transport.base_url
    call = _Call(
        instruments,
        "mws",
        request.section.name,
        request.action,
        seller_id=creds.seller_id,
        host=url.host,
        port=url.port,
        method="POST",
        marketplace_id=_marketplace(request.params),
    )
    if request.quota is not None:
        _watch(transport.throttler, transport.throttle_key(request.quota, creds), request.quota)
    return call


def spapi_call(client: Any, op: Any, prepared: Any) -> _Call | _NoCall:
    """A context manager around one SP-API call (``SPAPIClient.execute``): its span, or nothing when off."""
    instruments = _active()
    if instruments is None:
        return _NO_CALL
    url = client.base_url
    call = _Call(
        instruments,
        "sp-api",
        "SPAPI",
        op.name,
        seller_id=client.credentials.partner_key,
        host=url.host,
        port=url.port,
        method=prepared.method,
        marketplace_id=dict(prepared.query).get("MarketplaceId") or client.marketplace.marketplace_id,
    )
    _watch(client.throttler, client.throttle_key(op.name), client.spec_for(op.name))
    return call


def attempt(status: int | None, request_id: str | None, throttle_wait: float, error_code: str | None) -> None:
    """Report one attempt of the current call: its HTTP status (None: no answer), request id, the seconds
    it waited in the throttle, and its error code (None: success)."""
    call = _CALL.get()
    if call is not None:
        call.attempt(status, request_id, throttle_wait, error_code)


def retry(attempt: int, reason: str, backoff: float, restore_wait: float | None = None) -> None:
    """Report that the current call retries after ``attempt`` failed with ``reason``, sleeping ``backoff``
    seconds first (and waiting ``restore_wait`` in the throttle, after a throttle)."""
    call = _CALL.get()
    if call is not None:
        call.retry(attempt, reason, backoff, restore_wait)


def tenacity_retry(attempt: int, state: Any) -> None:
    """:func:`retry` from a tenacity ``before_sleep`` callback (the reason: the error's ``code``)."""
    call = _CALL.get()
    if call is None:
        return
    exc = state.outcome.exception() if state.outcome is not None else None
    error = getattr(exc, "error", exc)
    code = getattr(error, "code", None)
    reason = code if isinstance(code, str) and code else type(error).__name__
    call.retry(attempt, reason, float(state.upcoming_sleep or 0.0), None)


# -- the bucket gauge ----------------------------------------------------------------------------------


def _prune() -> None:
    """Forget watched keys whose throttler is gone or that left its live stats (``stats_ttl``)."""
    live: dict[int, set[ThrottleKey]] = {}
    for key, (ref, _capacity) in list(_watched.items()):
        throttler = ref()
        if throttler is None:
            _watched.pop(key, None)
            continue
        keys = live.get(id(throttler))
        if keys is None:
            keys = live[id(throttler)] = set(throttler.stats())
        if key not in keys:
            _watched.pop(key, None)


def _observe_buckets(options: CallbackOptions) -> Iterable[Observation]:
    """The gauge callback (run by the metric reader): free units of every watched in-memory bucket."""
    if _otel_metrics is None:
        return []
    _prune()
    observations = []
    for key, (ref, capacity) in list(_watched.items()):
        throttler = ref()
        reader = getattr(throttler.backend, "available", None) if throttler is not None else None
        if reader is None:
            continue  # a backend that cannot say cheaply (Redis): not reported
        free = reader(key)
        level = capacity if free is None else max(0.0, min(capacity, free))
        observations.append(
            _otel_metrics.Observation(
                level,
                {
                    "mws.quota.group": key.group,
                    "mws.seller.hash": seller_hash(key.seller_id),
                    "server.address": key.host,
                },
            )
        )
    return observations
