"""OpenTelemetry spans and metrics of MWS calls, read with the real SDK's in-memory exporter and reader,
against the loopback sandbox (faults injected for throttles and errors)."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from collections.abc import AsyncIterator, Iterator

import pytest
from opentelemetry.trace import SpanKind, StatusCode
from otel_support import Otel, otel_providers

from mws_async import MWSClient, RetryPolicy, errors, telemetry
from mws_async.sandbox import Sandbox
from mws_async.sandbox.faults import Fault
from mws_async.throttle import QuotaTable, Throttler

SCALE = 1000.0
OPERATION = "GetMatchingProductForId"


@pytest.fixture
def otel() -> Iterator[Otel]:
    yield from otel_providers()


@pytest.fixture
async def sandbox() -> AsyncIterator[Sandbox]:
    async with Sandbox(seed=0, time_scale=SCALE, catalog_size=200, order_count=10) as sb:
        yield sb


def client_for(sb: Sandbox, **kwargs: object) -> MWSClient:
    retry = RetryPolicy(initial_backoff=0.001, max_backoff=0.01, max_attempts=2)
    return MWSClient(sb.credentials, base_url=sb.base_url, time_scale=SCALE, retry=retry, **kwargs)  # type: ignore[arg-type]


async def lookup(sb: Sandbox, client: MWSClient, n: int = 1) -> None:
    ids = sb.world.sample_ids("ISBN", n)
    results = await client.products.get_matching_product_for_id("ISBN", ids)
    assert [r.id for r in results] == ids


def sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


async def test_a_call_is_one_client_span_named_after_its_operation_with_its_attributes(
    sandbox: Sandbox, otel: Otel
) -> None:
    async with client_for(sandbox) as client:
        await lookup(sandbox, client)
    [span] = otel.finished()
    assert span.name == "MWS Products.GetMatchingProductForId" and span.kind is SpanKind.CLIENT
    attrs = dict(span.attributes or {})
    assert attrs["mws.api"] == "mws" and attrs["mws.section"] == "Products"
    assert attrs["mws.operation"] == OPERATION
    assert attrs["mws.marketplace_id"] == client.marketplace.marketplace_id
    assert attrs["http.response.status_code"] == 200 and attrs["mws.attempts"] == 1
    assert attrs["mws.request_id"] == sandbox.request_log[-1].request_id
    assert attrs["mws.seller.hash"] == sha(sandbox.credentials.seller_id)
    assert attrs["server.address"] == "127.0.0.1" and attrs["http.request.method"] == "POST"
    assert attrs["mws.quota_wait"] >= 0.0 and attrs["mws.throttled_responses"] == 0
    assert span.status.status_code is StatusCode.UNSET and not span.events


async def test_an_injected_request_throttled_is_a_retry_event_and_counted(
    sandbox: Sandbox, otel: Otel
) -> None:
    sandbox.faults.schedule.append(Fault(kind="RequestThrottled", operation=OPERATION))
    async with client_for(sandbox) as client:
        await lookup(sandbox, client)
    [span] = otel.finished()
    attrs = dict(span.attributes or {})
    assert attrs["mws.attempts"] == 2 and attrs["mws.throttled_responses"] == 1
    assert attrs["http.response.status_code"] == 200
    [event] = span.events
    event_attrs = dict(event.attributes or {})
    assert event.name == "retry" and event_attrs["mws.retry.attempt"] == 1
    assert event_attrs["mws.retry.reason"] == "RequestThrottled"
    assert event_attrs["mws.retry.backoff"] == 0.0 and event_attrs["mws.retry.restore_wait"] > 0.0

    metrics = otel.metrics()
    base = {
        "mws.api": "mws",
        "mws.section": "Products",
        "mws.operation": OPERATION,
        "mws.seller.hash": sha(sandbox.credentials.seller_id),
    }
    assert sorted(metrics["mws.client.requests"], key=str) == sorted(
        [({**base, "http.response.status_code": 503}, 1), ({**base, "http.response.status_code": 200}, 1)],
        key=str,
    )
    assert metrics["mws.client.throttled"] == [(base, 1)]
    assert metrics["mws.client.retries"] == [({**base, "mws.retry.reason": "RequestThrottled"}, 1)]
    [(wait_attrs, (count, total))] = metrics["mws.client.quota_wait"]
    assert wait_attrs == base and count == 2 and total == pytest.approx(attrs["mws.quota_wait"])


async def test_a_failing_call_records_its_error_and_ends_with_status_error(
    sandbox: Sandbox, otel: Otel
) -> None:
    sandbox.faults.schedule.append(
        Fault(kind="ErrorCode", operation=OPERATION, status=400, code="AccessDenied")
    )
    async with client_for(sandbox) as client:
        with pytest.raises(errors.MWSResponseError) as info:
            await lookup(sandbox, client)
    [span] = otel.finished()
    attrs = dict(span.attributes or {})
    assert span.status.status_code is StatusCode.ERROR
    assert attrs["error.type"] == "AccessDenied" and attrs["http.response.status_code"] == 400
    [event] = span.events
    event_attrs = dict(event.attributes or {})
    assert event.name == "exception" and event_attrs["exception.type"].endswith(type(info.value).__name__)
    assert "AccessDenied" in event_attrs["exception.message"]
    assert otel.metrics()["mws.client.requests"][0][0]["http.response.status_code"] == 400


async def test_no_secret_access_key_or_seller_id_in_any_exported_span_or_metric(
    sandbox: Sandbox, otel: Otel
) -> None:
    creds = sandbox.credentials
    sandbox.faults.schedule.append(Fault(kind="RequestThrottled", operation=OPERATION))
    sandbox.faults.schedule.append(Fault(kind="ServiceUnavailable", operation="GetOrder", times=5))
    async with client_for(sandbox) as client:
        await lookup(sandbox, client)
        with pytest.raises(errors.MWSError):
            await client.orders.get_order(["111-0000000-0000000"])
    text = otel.exported_text()
    assert "mws.seller.hash" in text and "exception" in text  # the search covers the interesting parts
    for secret in (creds.secret_key.reveal(), creds.access_key, creds.seller_id):
        assert secret not in text


async def test_the_error_text_shows_the_seller_hash_not_the_seller_id(sandbox: Sandbox, otel: Otel) -> None:
    creds = sandbox.credentials

    class Leaky(errors.MWSError):
        pass

    async def fail(*args: object, **kwargs: object) -> None:
        raise Leaky(f"seller {creds.seller_id} did something; AWSAccessKeyId={creds.access_key}")

    async with client_for(sandbox) as client:
        client.transport._attempt = fail  # type: ignore[method-assign]
        with pytest.raises(Leaky):
            await lookup(sandbox, client)
    [span] = otel.finished()
    text = span.to_json()
    assert "Leaky" in text and f"seller#{sha(creds.seller_id)[:8]}" in text
    assert creds.seller_id not in text and creds.access_key not in text


async def test_the_bucket_gauge_reports_the_free_units_of_each_live_key(sandbox: Sandbox, otel: Otel) -> None:
    # A bucket that does not refill during the test: 20 units, 5 taken by one call of 5 ids.
    quotas = QuotaTable.default().override("Products", OPERATION, restore_amount=1.0, restore_period=3600.0)
    throttler = Throttler(quotas=quotas, time_scale=1.0)
    async with client_for(sandbox, throttle=throttler) as client:
        await lookup(sandbox, client, 5)
        [(attrs, level)] = otel.metrics()["mws.client.bucket.available"]
    assert attrs == {
        "mws.quota.group": f"Products.{OPERATION}",
        "mws.seller.hash": sha(sandbox.credentials.seller_id),
        "server.address": "127.0.0.1",
    }
    assert level == pytest.approx(15.0, abs=0.01)


async def test_with_no_provider_configured_nothing_is_created(
    sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    import opentelemetry.trace

    made: list[str] = []
    monkeypatch.setattr(telemetry, "_Instruments", lambda *a: made.append("instruments"))
    original = opentelemetry.trace.ProxyTracerProvider.get_tracer
    monkeypatch.setattr(
        opentelemetry.trace.ProxyTracerProvider,
        "get_tracer",
        lambda self, *a, **k: made.append("tracer") or original(self, *a, **k),
    )
    telemetry.configure()
    assert opentelemetry.trace._TRACER_PROVIDER is None  # this process never sets a global provider
    async with client_for(sandbox) as client:
        await lookup(sandbox, client)
    assert made == [] and not telemetry.enabled()


async def test_without_the_package_calls_work_untraced(
    sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("opentelemetry", "opentelemetry.trace", "opentelemetry.metrics", "opentelemetry.context"):
        monkeypatch.setitem(sys.modules, name, None)  # import raises ImportError
    for name in ("_otel_trace", "_otel_metrics", "_otel_context", "_instruments"):
        monkeypatch.setattr(telemetry, name, None)
    monkeypatch.setattr(telemetry, "_missing", False)
    async with client_for(sandbox) as client:
        await lookup(sandbox, client)
        assert telemetry._missing and not telemetry.enabled()


def test_a_global_provider_set_after_import_is_picked_up_at_the_next_call() -> None:
    # A fresh process: the global providers can be set only once per process.
    code = """
from mws_async import telemetry
from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider
before = telemetry.enabled()
trace.set_tracer_provider(TracerProvider())
print(before, telemetry.enabled())
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60)
    assert out.stdout.split() == ["False", "True"]
