"""Many sellers: 10,000 sellers, each with its own buckets, in one client process: requests/s and CPU per
request compared with the same number of requests for one seller, and the memory the client keeps per idle
seller once their buckets are full again.

``python -m benchmarks.sellers [--sellers N] [--per-seller K] [--rounds R]`` (default 10,000 sellers × 1
call, 3 rounds: a few minutes). Internally ``python -m benchmarks.sellers worker '<json>'`` is one worker
process (``mode`` ``cpu`` or ``memory``).
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import secrets
import string
import sys
import time
import tracemalloc
from typing import Any

from benchmarks import _support as S
from benchmarks._support import Row, Section

#: Unscaled hourly window, seconds.
HOUR = 3600.0
#: Time scale of the memory run's sandbox: its hourly windows end 3.6 s after they open.
MEMORY_TIME_SCALE = 1000.0

METHOD = (
    "One MWSClient (default transport and parser), one worker process; sandbox in another process with "
    "buckets on at 50x. Each of S sellers ('A' + 13 random uppercase/digits) makes K GetMatchingProductForId "
    "calls of 5 ISBNs (K*5 <= the 20-item burst, so no waiting is needed), 20 in flight across sellers: "
    "S*K requests through S separate buckets. Reference: the same number of requests for one seller, "
    "throttling off on both sides, same process layout. Medians over rounds. Memory per idle seller: a "
    "separate worker under tracemalloc (sandbox and client at 1000x), after a warm-up, makes the same S*K "
    "calls (each seller's credentials and section dropped after its calls), waits until every bucket is "
    "full again, runs a full gc and divides the bytes still traced by S: 'before the sweep' is what the "
    "client holds while the hourly windows of the quota headers are open (up to an hour at real speed: "
    "state kept by design); 'after it' once they have ended and MemoryThrottle.evict_idle() has forgotten "
    "the idle buckets (what later acquisitions do by themselves), leaving the per-seller counters "
    "(Throttler stats_ttl, 1 h)."
)
_ALNUM = string.ascii_uppercase + string.digits


def _seller_ids(n: int) -> list[str]:
    return ["A" + "".join(secrets.choice(_ALNUM) for _ in range(13)) for _ in range(n)]


# -- the worker (its own process): CPU per call, or memory under tracemalloc ------------------------------


async def _calls(client: Any, spec: dict[str, Any]) -> None:
    """S sellers × K calls, 20 in flight; each seller's credentials and section are dropped after its calls.

    Seller ids are made here, not passed in (10,000 of them would not fit on a command line)."""
    from mws_async.sections.products import ProductsSection

    ids: list[str] = spec["ids"]
    per_seller = int(spec["per_seller"])
    fixed = spec.get("seller")
    n = int(spec["n_sellers"])
    sellers = (fixed if fixed else _seller_ids(1)[0] for _ in range(n))
    jobs = (seller for seller in sellers for _ in range(per_seller))

    async def worker() -> None:
        for seller in jobs:
            section = ProductsSection(client, S.mws_async_credentials(seller))
            results = await section.get_matching_product_for_id("ISBN", ids)
            if not results[0].ok:
                raise RuntimeError(results[0])

    await asyncio.gather(*(worker() for _ in range(int(spec["concurrency"]))))


async def _worker(spec: dict[str, Any]) -> dict[str, Any]:
    from mws_async import MWSClient
    from mws_async.sections.products import ProductsSection
    from mws_async.throttle import MemoryThrottle

    client = MWSClient(S.mws_async_credentials(), base_url=spec["base_url"], time_scale=spec["time_scale"])
    ids: list[str] = spec["ids"]
    n_sellers = int(spec["n_sellers"])
    n_calls = n_sellers * int(spec["per_seller"])
    try:
        # Warm up: imports, models, the HTTP connections (20 in flight), on a seller that is not counted.
        warm = ProductsSection(client, S.mws_async_credentials("AWARMUPSELLER0"))
        for _ in range(3):
            await asyncio.gather(*(warm.get_matching_product_for_id("ISBN", ids) for _ in range(4)))
        await asyncio.sleep(0.5)
        backend = client.throttler.backend
        if isinstance(backend, MemoryThrottle):
            backend.evict_idle()
        gc.collect()
        if spec["mode"] == "cpu":
            cpu0, t0 = time.process_time(), time.perf_counter()
            await _calls(client, spec)
            cpu, wall = time.process_time() - cpu0, time.perf_counter() - t0
            summary = client.throttler.summary()
            return {
                "n": n_calls,
                "cpu_ms": 1000 * cpu / n_calls,
                "rps": n_calls / wall,
                "buckets": summary.keys - 1,  # not the warm-up seller
                "throttled_client": summary.throttled + summary.quota_exceeded,
            }
        tracemalloc.start()
        base = tracemalloc.get_traced_memory()[0]
        await _calls(client, spec)
        # Every bucket is full again within ms at this scale; the hourly window the quota headers opened lasts
        # until the server's reset (up to 3600 s / time scale): until then the state is kept, by design.
        await asyncio.sleep(0.5)
        gc.collect()
        before = tracemalloc.get_traced_memory()[0] - base
        live_before = len(backend) if isinstance(backend, MemoryThrottle) else -1
        await asyncio.sleep(HOUR / float(spec["time_scale"]) + 0.5)  # past every window's reset
        if isinstance(backend, MemoryThrottle):
            backend.evict_idle()
        gc.collect()
        after = tracemalloc.get_traced_memory()[0] - base
        live_after = len(backend) if isinstance(backend, MemoryThrottle) else -1
        stats_keys = len(client.throttler.stats())
        tracemalloc.stop()
        return {
            "sellers": n_sellers,
            "bytes_before_sweep": before / n_sellers,
            "bytes_after_sweep": after / n_sellers,
            "live_buckets_before_sweep": live_before,
            "live_buckets_after_sweep": live_after,
            "stats_keys": stats_keys,
        }
    finally:
        await client.aclose()


def _run_worker(**spec: Any) -> dict[str, Any]:
    import os
    import subprocess

    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.sellers", "worker", json.dumps(spec)],
        cwd=S.REPO,
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "PYTHONWARNINGS": "ignore"},
        check=False,
    )
    lines = [line for line in done.stdout.strip().splitlines() if line.startswith("{")]
    if done.returncode != 0 or not lines:
        raise RuntimeError(f"sellers worker failed ({done.returncode}): {done.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(lines[-1])
    return result


# -- the benchmark ------------------------------------------------------------------------------------------


def _per_state(mem: dict[str, Any]) -> float:
    """Bytes one kept bucket state adds (the difference before/after the sweep, per bucket it forgot)."""
    forgotten = mem["live_buckets_before_sweep"] - mem["live_buckets_after_sweep"]
    gone = (mem["bytes_before_sweep"] - mem["bytes_after_sweep"]) * mem["sellers"]
    return gone / forgotten if forgotten > 0 else float("nan")


def run(n_sellers: int = 10_000, per_seller: int = 1, rounds: int = 3) -> Section:
    section = Section("sellers", METHOD)
    ids = S.sample_ids("ISBN", 5)
    many: dict[str, list[float]] = {}
    one: dict[str, list[float]] = {}
    with (
        S.sandbox_process(time_scale=50.0, throttling=True) as sb,
        S.sandbox_process(throttling=False) as free,
        S.sandbox_process(time_scale=MEMORY_TIME_SCALE, throttling=True) as fast,
    ):
        for _ in range(rounds):
            sb.reset()
            r = _run_worker(
                mode="cpu",
                base_url=sb.base_url,
                time_scale=50.0,
                n_sellers=n_sellers,
                per_seller=per_seller,
                ids=ids,
                concurrency=20,
            )
            r["throttled_server"] = sb.stats()["throttled"]
            for k, v in r.items():
                many.setdefault(k, []).append(v)
            r = _run_worker(
                mode="cpu",
                base_url=free.base_url,
                time_scale=10_000.0,
                n_sellers=1,
                seller=S.SANDBOX_SELLER_ID,
                per_seller=n_sellers * per_seller,
                ids=ids,
                concurrency=20,
            )
            for k, v in r.items():
                one.setdefault(k, []).append(v)
        mem = _run_worker(
            mode="memory",
            base_url=fast.base_url,
            time_scale=MEMORY_TIME_SCALE,
            n_sellers=n_sellers,
            per_seller=per_seller,
            ids=ids,
            concurrency=20,
        )
    m = {k: S.median(v) for k, v in many.items()}
    o = {k: S.median(v) for k, v in one.items()}
    section.raw = {"many": many, "one": one, "memory": mem}
    label = f"{n_sellers:,} sellers × {per_seller} call{'s' if per_seller > 1 else ''}"
    section.rows += [
        Row(
            "sellers",
            f"{label}: throughput",
            "mws-async",
            m["rps"],
            "req/s",
            S.ratio(m["rps"], o["rps"]),
            "1 seller, no throttling",
            f"{m['buckets']:.0f} buckets, throttled {m['throttled_server']:.0f}",
        ),
        Row(
            "sellers",
            f"{label}: CPU/request",
            "mws-async",
            m["cpu_ms"],
            "ms",
            S.ratio(m["cpu_ms"], o["cpu_ms"]),
            "1 seller, no throttling",
            f"1 seller: {o['cpu_ms']:.2f} ms, {o['rps']:.0f} req/s",
        ),
        Row(
            "sellers",
            f"{n_sellers:,} idle sellers: memory per idle seller",
            "mws-async",
            mem["bytes_before_sweep"],
            "B",
            None,
            "",
            f"before the sweep ({mem['live_buckets_before_sweep']} buckets live); after it "
            f"{mem['bytes_after_sweep']:.0f} B ({mem['live_buckets_after_sweep']} live); "
            f"a kept bucket state ~{_per_state(mem):.0f} B; counters kept for {mem['stats_keys']} keys",
        ),
    ]
    return section


def main() -> None:
    if len(sys.argv) > 2 and sys.argv[1] == "worker":
        S.dump(asyncio.run(_worker(json.loads(sys.argv[2]))))
        return
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sellers", type=int, default=10_000)
    parser.add_argument("--per-seller", type=int, default=1)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    started = time.perf_counter()
    S.run_main("sellers", lambda: run(args.sellers, args.per_seller, args.rounds))
    print(f"({time.perf_counter() - started:.0f} s)")


if __name__ == "__main__":
    main()
