"""SP-API quota efficiency: wall time against the usage-plan bound, for a bulk job and for queued calls.

``python -m benchmarks.spapi_quota [--scenario all|batch|offers] [--asins N] [--offers N] [--time-scale X]
[--rounds R]``

The SP-API sandbox (:class:`mws_async.sandbox.spapi.SPAPISandboxApp`, buckets on, every rate scaled by X)
runs in a separate process; the client (same X, default usage plans) runs against it. Each round uses a fresh
selling partner, so both buckets start full. Figures are wall time / bound (1.00 = as fast as the plan
allows) and the 429s the sandbox sent; medians over rounds. Bound = ``QuotaSpec.bound(calls, X)`` =
``(calls - burst) / (rate * X)``.

- ``batch``: ``client.pricing.item_offers_many`` over N distinct ASINs (20 per getItemOffersBatch call)
  against the reference's plan (0.5 request/s, burst 1), which the client assumes too.
- ``offers``: N concurrent ``get_item_offers`` calls (default 40) against a server whose getItemOffers plan
  differs from the client's default (5/s, burst 10): 4x faster (20/s) and 2x slower (2.5/s), same burst. The
  client learns the server's rate from the first answer's ``x-amzn-RateLimit-Limit`` while most calls are
  already queued; the bound is the server plan's. Without re-timing the queued calls, the faster server's run
  takes the default plan's bound (4x the server's) and the slower one draws 429s.

Why the default time scale is 1 (real speed): a usage plan with burst 1 admits every call at a full bucket,
so the throttler's network-jitter hold (``MemoryThrottle``'s latency margin: 2 % of the 2 s refill, at least
30 ms) is paid on every batch call, not once per run. It is absolute time, so its share grows with the time
scale: 2 % at real speed, 7.5 % at 5x. Run ``--time-scale 5`` to see it.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import multiprocessing
import statistics
import sys
import time
from collections.abc import Iterator, Mapping
from typing import Any

US = "ATVPDKIKX0DER"
#: The server's getItemOffers plans of the ``offers`` scenario, as multiples of the client's default rate.
OFFERS_PLANS = (("4x faster", 4.0), ("2x slower", 0.5))


def _partner(n: int) -> tuple[str, str]:
    return f"A{n:013d}", f"Atzr|bench-{n}"


def _serve(
    port_queue: Any,
    throttled: Any,
    time_scale: float,
    partners: int,
    plans: Mapping[int, tuple[float, float]],
) -> None:
    from mws_async.sandbox.spapi import SPAPISandboxApp, serve_spapi
    from mws_async.sandbox.world import World

    async def main() -> None:
        app = SPAPISandboxApp(World(0), time_scale=time_scale)
        for n in range(partners):
            seller, token = _partner(n)
            app.add_selling_partner(seller, token)
            if n in plans:
                rate, burst = plans[n]
                app.set_usage_plan("getItemOffers", rate, burst, selling_partner_id=seller)
        async with serve_spapi(app) as url:
            port_queue.put(url)
            while True:
                await asyncio.sleep(0.1)
                throttled.value = app.request_log.count(status=429)  # 429s sent so far, for the parent

    asyncio.run(main())


@contextlib.contextmanager
def _sandbox(
    time_scale: float, partners: int, plans: Mapping[int, tuple[float, float]]
) -> Iterator[tuple[str, Any]]:
    ctx = multiprocessing.get_context("spawn")
    queue = ctx.Queue()
    throttled = ctx.Value("i", 0)
    proc = ctx.Process(target=_serve, args=(queue, throttled, time_scale, partners, dict(plans)), daemon=True)
    proc.start()
    try:
        yield str(queue.get(timeout=60)), throttled
    finally:
        proc.terminate()
        proc.join(10)


class _Counter:
    """429s the sandbox sent since the last :meth:`delta`."""

    def __init__(self, shared: Any) -> None:
        self.shared = shared
        self.before = 0

    def delta(self) -> int:
        time.sleep(0.3)  # the sandbox process refreshes the counter every 0.1 s
        now = int(self.shared.value)
        delta, self.before = now - self.before, now
        return delta


def _client(url: str, partner: int, time_scale: float) -> Any:
    from mws_async.sandbox.spapi import SPAPI_CLIENT_ID, SPAPI_CLIENT_SECRET
    from mws_async.spapi import LWACredentials, SPAPIClient

    seller, token = _partner(partner)
    creds = LWACredentials(SPAPI_CLIENT_ID, SPAPI_CLIENT_SECRET, token, seller)
    return SPAPIClient(creds, base_url=url, token_url=url + "/auth/o2/token", time_scale=time_scale)


async def _batch_job(url: str, partner: int, asins: list[str], time_scale: float) -> tuple[float, int, int]:
    async with _client(url, partner, time_scale) as c:
        await c.auth.token()  # the token request is not part of the quota measurement
        started = time.perf_counter()
        results = 0
        async for result in c.pricing.item_offers_many(asins):
            results += 1 if result.ok else 0
        wall = time.perf_counter() - started
        return wall, results, c.throttler.summary().requests


async def _offers_job(
    url: str, partner: int, asins: list[str], time_scale: float
) -> tuple[float, float, int, float]:
    """Wall time, time of the first answer, answers with a payload, and the rate the client ended on."""
    async with _client(url, partner, time_scale) as c:
        await c.auth.token()
        started = time.perf_counter()
        first: list[float] = []

        async def one(asin: str) -> bool:
            answer = await c.pricing.get_item_offers(asin, "New")
            first.append(time.perf_counter() - started)
            return answer.payload is not None

        ok = sum(await asyncio.gather(*(one(a) for a in asins)))
        wall = time.perf_counter() - started
        return wall, min(first), ok, c.spec_for("getItemOffers").restore_rate


def _batch(url: str, counter: _Counter, partners: range, n_asins: int, time_scale: float) -> float:
    from mws_async.sandbox.world import World
    from mws_async.spapi.operations import USAGE_PLANS

    asins = World(0).sample_ids("ASIN", n_asins, start=5000)
    spec = USAGE_PLANS["getItemOffersBatch"].spec("getItemOffersBatch")
    calls = -(-len(asins) // 20)
    bound = spec.bound(calls, time_scale)
    ratios: list[float] = []
    throttles: list[int] = []
    for n, partner in enumerate(partners):
        wall, ok, requests = asyncio.run(_batch_job(url, partner, asins, time_scale))
        ratios.append(wall / bound)
        throttles.append(counter.delta())
        print(
            f"batch round {n + 1}: {len(asins)} ASINs, {ok} results ok, {requests} calls, wall {wall:.2f} s, "
            f"bound {bound:.2f} s, achieved/bound {ratios[-1]:.4f}, 429s {throttles[-1]}"
        )
        if ok != len(asins):
            print(f"  {len(asins) - ok} ASINs without a Success result", file=sys.stderr)
    median = statistics.median(ratios)
    print(
        f"batch: median achieved/bound {median:.4f} ({(median - 1) * 100:+.2f} %), 429s {sum(throttles)}; "
        f"getItemOffersBatch plan {spec.restore_rate:g}/s burst {spec.max_quota:g}, {calls} calls, "
        f"time scale {time_scale:g}x"
    )
    return median


def _offers(
    url: str, counter: _Counter, partners: range, n_calls: int, time_scale: float, rate: float, label: str
) -> float:
    from mws_async.sandbox.world import World
    from mws_async.spapi.operations import USAGE_PLANS, UsagePlan

    default = USAGE_PLANS["getItemOffers"]
    server = UsagePlan(rate, default.burst).spec("getItemOffers")
    bound = server.bound(n_calls, time_scale)
    default_bound = default.spec("getItemOffers").bound(n_calls, time_scale)
    asins = World(0).sample_ids("ASIN", n_calls, start=9000)
    ratios: list[float] = []
    throttles: list[int] = []
    for n, partner in enumerate(partners):
        wall, first, ok, learned = asyncio.run(_offers_job(url, partner, asins, time_scale))
        ratios.append(wall / bound)
        throttles.append(counter.delta())
        print(
            f"offers {label} round {n + 1}: {n_calls} calls, {ok} ok, first answer at {first * 1000:.1f} ms, "
            f"wall {wall:.3f} s, server-plan bound {bound:.3f} s (default plan's {default_bound:.3f} s), "
            f"achieved/bound {ratios[-1]:.4f}, 429s {throttles[-1]}, client rate now {learned:g}/s"
        )
    median = statistics.median(ratios)
    print(
        f"offers {label}: median achieved/bound {median:.4f} ({(median - 1) * 100:+.2f} %), "
        f"429s {sum(throttles)}; server plan {server.restore_rate:g}/s burst {server.max_quota:g}, client "
        f"default {default.rate:g}/s burst {default.burst:g}, time scale {time_scale:g}x"
    )
    return median


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print one line per round plus the medians."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", choices=("all", "batch", "offers"), default="all")
    parser.add_argument("--asins", type=int, default=300, help="ASINs of the batch scenario")
    parser.add_argument("--offers", type=int, default=40, help="concurrent getItemOffers calls")
    parser.add_argument("--time-scale", type=float, default=1.0)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)

    from mws_async.spapi.operations import USAGE_PLANS

    rounds = args.rounds
    default = USAGE_PLANS["getItemOffers"]
    # Partners 0..R-1: batch; then R per offers plan, each with its getItemOffers plan set in the sandbox.
    plans: dict[int, tuple[float, float]] = {}
    offers_partners: list[range] = []
    for k, (_, factor) in enumerate(OFFERS_PLANS, 1):
        partners = range(k * rounds, (k + 1) * rounds)
        offers_partners.append(partners)
        plans.update({p: (default.rate * factor, default.burst) for p in partners})
    with _sandbox(args.time_scale, (len(OFFERS_PLANS) + 1) * rounds, plans) as (url, shared):
        counter = _Counter(shared)
        if args.scenario in ("all", "offers"):
            for (label, factor), partners in zip(OFFERS_PLANS, offers_partners, strict=True):
                _offers(url, counter, partners, args.offers, args.time_scale, default.rate * factor, label)
        if args.scenario in ("all", "batch"):
            _batch(url, counter, range(rounds), args.asins, args.time_scale)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
