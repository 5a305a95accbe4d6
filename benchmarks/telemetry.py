"""CPU per call with OpenTelemetry absent, installed without a provider, and on (the SDK, in-memory export).

A sandbox runs in another process without throttling (its CPU is not counted); each measurement is a fresh
child process that makes ``--calls`` GetMatchingProductForId calls (one id each, ``--concurrency`` at a
time) after a warm-up, and reports its own CPU time (``time.process_time``) per call. Modes:

- ``absent``: the ``opentelemetry`` package cannot be imported (as without the ``otel`` extra);
- ``api``: the API is installed, no provider is configured (the default for users of the extra);
- ``sdk``: global SDK tracer and meter providers, spans to an ``InMemorySpanExporter`` through a
  ``SimpleSpanProcessor``, metrics to an ``InMemoryMetricReader`` (collected once at the end).

Rounds interleave the modes; the table gives each mode's median over the rounds.

    python -m benchmarks.telemetry [--rounds 3] [--calls 2000] [--concurrency 10]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import subprocess
import sys
import time
from typing import Any

MODES = ("absent", "api", "sdk")


def _setup(mode: str) -> Any:
    if mode == "absent":
        for name in (
            "opentelemetry",
            "opentelemetry.trace",
            "opentelemetry.metrics",
            "opentelemetry.context",
        ):
            sys.modules[name] = None  # type: ignore[assignment]
        return None
    if mode == "sdk":
        from opentelemetry import metrics, trace
        from opentelemetry.sdk.metrics import MeterProvider
        from opentelemetry.sdk.metrics.export import InMemoryMetricReader
        from opentelemetry.sdk.trace import TracerProvider
        from opentelemetry.sdk.trace.export import SimpleSpanProcessor
        from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

        provider = TracerProvider()
        provider.add_span_processor(SimpleSpanProcessor(InMemorySpanExporter()))
        trace.set_tracer_provider(provider)
        reader = InMemoryMetricReader()
        metrics.set_meter_provider(MeterProvider(metric_readers=[reader]))
        return reader
    return None


async def _child(mode: str, base_url: str, calls: int, concurrency: int) -> dict[str, Any]:
    reader = _setup(mode)
    from benchmarks._support import mws_async_credentials
    from mws_async import MWSClient, telemetry
    from mws_async.sandbox.world import World
    from mws_async.throttle import Throttler

    ids = World(0, catalog_size=10_000).sample_ids("ISBN", 50)
    async with MWSClient(
        mws_async_credentials(), base_url=base_url, throttle=Throttler(enabled=False)
    ) as client:

        async def worker(n: int) -> None:
            for i in range(n):
                await client.products.get_matching_product_for_id("ISBN", [ids[i % len(ids)]])

        await asyncio.gather(*(worker(20) for _ in range(concurrency)))  # warm-up
        started = time.process_time()
        await asyncio.gather(*(worker(calls // concurrency) for _ in range(concurrency)))
        cpu = time.process_time() - started
    points = 0
    if reader is not None:
        data = reader.get_metrics_data()
        points = sum(
            len(m.data.data_points) for r in data.resource_metrics for s in r.scope_metrics for m in s.metrics
        )
    done = (calls // concurrency) * concurrency
    return {"mode": mode, "enabled": telemetry.enabled(), "cpu_us": cpu / done * 1e6, "points": points}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--calls", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=10)
    parser.add_argument("--child", nargs=2, metavar=("MODE", "BASE_URL"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        result = asyncio.run(_child(args.child[0], args.child[1], args.calls, args.concurrency))
        print(json.dumps(result))
        return
    from benchmarks._support import sandbox_process

    results: dict[str, list[float]] = {mode: [] for mode in MODES}
    with sandbox_process(throttling=False, catalog_size=10_000, order_count=10) as sb:
        for _ in range(args.rounds):
            for mode in MODES:
                command = [sys.executable, "-m", "benchmarks.telemetry", "--child", mode, sb.base_url]
                command += ["--calls", str(args.calls), "--concurrency", str(args.concurrency)]
                out = subprocess.run(
                    command,
                    capture_output=True,
                    text=True,
                    check=True,
                )
                row = json.loads(out.stdout.strip().splitlines()[-1])
                if row["enabled"] != (mode == "sdk"):
                    raise SystemExit(f"mode {mode}: telemetry enabled={row['enabled']}")
                results[mode].append(row["cpu_us"])
    base = statistics.median(results["absent"])
    print(f"CPU per call, median of {args.rounds} interleaved rounds of {args.calls} calls:")
    for mode in MODES:
        med = statistics.median(results[mode])
        rounds = ", ".join(f"{v:.0f}" for v in results[mode])
        print(f"  {mode:<7} {med:8.1f} us  ({med / base - 1:+.1%} vs absent; rounds: {rounds})")


if __name__ == "__main__":
    main()
