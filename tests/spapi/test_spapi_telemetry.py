"""OpenTelemetry spans and metrics of SP-API calls against the loopback SP-API sandbox (real SDK)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator

import pytest
from opentelemetry.trace import SpanKind, StatusCode
from otel_support import Otel, otel_providers
from spapi.spapi_support import Served

from mws_async.retry import RetryPolicy
from mws_async.spapi import SPAPIServerError


@pytest.fixture
def otel() -> Iterator[Otel]:
    yield from otel_providers()


async def test_a_throttled_call_is_one_span_with_a_retry_event_and_no_secret(
    served: Served, otel: Otel
) -> None:
    asin = served.app.world.sample_ids("ASIN", 1)[0]
    served.app.faults.add("RequestThrottled", "getItemOffers", times=1)
    creds = served.app.credentials()
    async with served.client(time_scale=1000.0) as client:
        answer = await client.pricing.get_item_offers(asin, "New")
        token = (await client.auth.token()).reveal()
    [span] = otel.finished()
    attrs = dict(span.attributes or {})
    assert span.name == "SP-API getItemOffers" and span.kind is SpanKind.CLIENT
    assert attrs["mws.api"] == "sp-api" and attrs["mws.operation"] == "getItemOffers"
    assert attrs["mws.attempts"] == 2 and attrs["mws.throttled_responses"] == 1
    assert attrs["http.response.status_code"] == 200 and attrs["mws.request_id"] == answer.request_id
    assert attrs["mws.marketplace_id"] == client.marketplace.marketplace_id
    assert attrs["mws.seller.hash"] == hashlib.sha256(creds.partner_key.encode()).hexdigest()
    [event] = span.events
    assert event.name == "retry" and dict(event.attributes or {})["mws.retry.attempt"] == 1
    metrics = otel.metrics()
    assert [value for _, value in metrics["mws.client.throttled"]] == [1]
    assert sum(value for _, value in metrics["mws.client.requests"]) == 2
    text = otel.exported_text()
    for secret in (creds.partner_key, creds.client_secret.reveal(), creds.refresh_token.reveal(), token):
        assert secret not in text


async def test_a_failing_call_records_its_error(served: Served, otel: Otel) -> None:
    served.app.faults.add("InternalError", "getItemOffers", times=10)
    retry = RetryPolicy(max_attempts=2, initial_backoff=0.001)
    async with served.client(time_scale=1000.0, retry=retry) as client:
        with pytest.raises(SPAPIServerError):
            await client.pricing.get_item_offers(served.app.world.sample_ids("ASIN", 1)[0], "New")
    [span] = otel.finished()
    attrs = dict(span.attributes or {})
    assert span.status.status_code is StatusCode.ERROR and attrs["error.type"] == "InternalFailure"
    assert [event.name for event in span.events] == ["retry", "exception"]
