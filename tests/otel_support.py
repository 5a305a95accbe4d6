"""The real OpenTelemetry SDK wired to :func:`mws_async.telemetry.configure`, with in-memory readers."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import InMemoryMetricReader
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from mws_async import telemetry


@dataclass
class Otel:
    """Finished spans and collected metrics of the calls made while the fixture is active."""

    spans: InMemorySpanExporter
    reader: InMemoryMetricReader

    def finished(self) -> list[ReadableSpan]:
        return list(self.spans.get_finished_spans())

    def metrics(self) -> dict[str, list[tuple[dict[str, Any], Any]]]:
        """Metric name -> [(attributes, value)]: a sum's or gauge's value, a histogram's (count, sum)."""
        found: dict[str, list[tuple[dict[str, Any], Any]]] = {}
        data = self.reader.get_metrics_data()
        for resource in data.resource_metrics if data else []:
            for scope in resource.scope_metrics:
                for metric in scope.metrics:
                    for point in metric.data.data_points:
                        value = (point.count, point.sum) if hasattr(point, "count") else point.value
                        found.setdefault(metric.name, []).append((dict(point.attributes or {}), value))
        return found

    def exported_text(self) -> str:
        """Every span and metric serialized as an exporter would see them."""
        data = self.reader.get_metrics_data()
        metrics = data.to_json() if data else ""
        return "\n".join([*(span.to_json() for span in self.finished()), metrics, json.dumps(self.metrics())])


def otel_providers() -> Iterator[Otel]:
    """For a fixture: SDK providers with in-memory readers, given to :func:`telemetry.configure`."""
    spans = InMemorySpanExporter()
    tracer_provider = TracerProvider()
    tracer_provider.add_span_processor(SimpleSpanProcessor(spans))
    reader = InMemoryMetricReader()
    meter_provider = MeterProvider(metric_readers=[reader])
    telemetry.configure(tracer_provider, meter_provider)
    try:
        yield Otel(spans, reader)
    finally:
        telemetry.configure()
        tracer_provider.shutdown()
        meter_provider.shutdown()
