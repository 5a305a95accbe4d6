"""SP-API quota efficiency: a bulk getItemOffersBatch job's wall time against its usage-plan bound.

``python -m benchmarks.spapi_quota [--asins N] [--time-scale X] [--rounds R]``

The SP-API sandbox (:class:`mws_async.sandbox.spapi.SPAPISandboxApp`, buckets on, every rate scaled by X)
runs in a separate process; the client (same X) runs ``client.pricing.item_offers_many`` over N distinct
ASINs (20 per getItemOffersBatch call, plan 0.1 request/s, burst 1). Each round uses a fresh selling partner,
so the bucket starts full. Bound = ``QuotaSpec.bound(calls, X)`` = ``(calls - burst) / (rate * X)``; the
figure is wall time / bound (1.00 = as fast as the usage plan allows) and the 429s the sandbox sent.
Medians over rounds.

Why the default time scale is low (5x: one call every 2 s): a usage plan with burst 1 admits every call at
a full bucket, so the throttler's network-jitter hold (``MemoryThrottle``'s latency margin, at least 30 ms)
is paid on every call, not once per run. It is absolute time, so its share grows with the time scale:
0.3 % of the 10 s interval at real speed, 1.5 % at 5x, 15 % at 50x. Run ``--time-scale 50`` to see it.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import multiprocessing
import statistics
import sys
import time
from collections.abc import Iterator
from typing import Any

US = "ATVPDKIKX0DER"


def _serve(port_queue: Any, throttled: Any, time_scale: float, partners: int) -> None:
    from mws_async.sandbox.spapi import SPAPISandboxApp, serve_spapi
    from mws_async.sandbox.world import World

    async def main() -> None:
        app = SPAPISandboxApp(World(0), time_scale=time_scale)
        for n in range(partners):
            app.add_selling_partner(f"A{n:013d}", f"Atzr|bench-{n}")
        async with serve_spapi(app) as url:
            port_queue.put(url)
            while True:
                await asyncio.sleep(0.1)
                throttled.value = app.request_log.count(status=429)  # 429s sent so far, for the parent

    asyncio.run(main())


@contextlib.contextmanager
def _sandbox(time_scale: float, partners: int) -> Iterator[tuple[str, Any]]:
    ctx = multiprocessing.get_context("spawn")
    queue = ctx.Queue()
    throttled = ctx.Value("i", 0)
    proc = ctx.Process(target=_serve, args=(queue, throttled, time_scale, partners), daemon=True)
    proc.start()
    try:
        yield str(queue.get(timeout=60)), throttled
    finally:
        proc.terminate()
        proc.join(10)


def _throttled(counter: Any) -> int:
    time.sleep(0.3)  # the sandbox process refreshes the counter every 0.1 s
    return int(counter.value)


async def _job(url: str, partner: int, asins: list[str], time_scale: float) -> tuple[float, int, int]:
    from mws_async.sandbox.spapi import SPAPI_CLIENT_ID, SPAPI_CLIENT_SECRET
    from mws_async.spapi import LWACredentials, SPAPIClient

    creds = LWACredentials(SPAPI_CLIENT_ID, SPAPI_CLIENT_SECRET, f"Atzr|bench-{partner}", f"A{partner:013d}")
    async with SPAPIClient(creds, base_url=url, token_url=url + "/auth/o2/token", time_scale=time_scale) as c:
        await c.auth.token()  # the token request is not part of the quota measurement
        started = time.perf_counter()
        results = 0
        async for result in c.pricing.item_offers_many(asins):
            results += 1 if result.ok else 0
        wall = time.perf_counter() - started
        return wall, results, c.throttler.summary().requests


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print one line per round plus the median."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--asins", type=int, default=1000)
    parser.add_argument("--time-scale", type=float, default=5.0)
    parser.add_argument("--rounds", type=int, default=1)
    args = parser.parse_args(argv)

    from mws_async.sandbox.world import World
    from mws_async.spapi.operations import USAGE_PLANS

    asins = World(0).sample_ids("ASIN", args.asins, start=5000)
    spec = USAGE_PLANS["getItemOffersBatch"].spec("getItemOffersBatch")
    calls = -(-len(asins) // 20)
    bound = spec.bound(calls, args.time_scale)
    ratios: list[float] = []
    throttles: list[int] = []
    with _sandbox(args.time_scale, args.rounds) as (url, counter):
        before = 0
        for n in range(args.rounds):
            wall, ok, requests = asyncio.run(_job(url, n, asins, args.time_scale))
            throttled = _throttled(counter)
            ratio = wall / bound
            ratios.append(ratio)
            throttles.append(throttled - before)
            before = throttled
            print(
                f"round {n + 1}: {len(asins)} ASINs, {ok} results ok, {requests} calls, wall {wall:.2f} s, "
                f"bound {bound:.2f} s, achieved/bound {ratio:.4f}, 429s {throttles[-1]}"
            )
            if ok != len(asins):
                print(f"  {len(asins) - ok} ASINs without a Success result", file=sys.stderr)
    print(
        f"median achieved/bound {statistics.median(ratios):.4f} "
        f"({(statistics.median(ratios) - 1) * 100:+.2f} %), 429s {sum(throttles)}; getItemOffersBatch plan "
        f"{spec.restore_rate:g}/s burst {spec.max_quota:g}, time scale {args.time_scale:g}x"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
