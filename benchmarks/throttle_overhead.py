"""CPU overhead of the throttle: microseconds per admission when no waiting is needed.

Run alone: ``python benchmarks/throttle_overhead.py [--n 200000]``. The quota is made so large that every
acquire is admitted at once, so this measures bookkeeping only (key lookup, bucket arithmetic, stats), not
waiting. Ratios against the disabled throttler in the same run are what to compare across machines.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from pathlib import Path

try:
    import mws_async  # noqa: F401
except ImportError:  # run from a checkout without installing
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from mws_async.throttle import MemoryThrottle, QuotaSpec, ThrottleKey, Throttler

HOST = "mws.amazonservices.com"
# Huge quota: never waits. Hourly set so the second bucket's arithmetic is included.
SPEC = QuotaSpec("Bench", "Op", 1e12, 1e12, 1.0, hourly=10**12, unit="item")


def keys(count: int) -> list[ThrottleKey]:
    throttler = Throttler()
    return [throttler.key(HOST, f"SELLER{i}", "AKID", SPEC) for i in range(count)]


async def sequential(throttler: Throttler, key_list: list[ThrottleKey], n: int) -> float:
    count = len(key_list)
    start = time.perf_counter()
    for i in range(n):
        await throttler.acquire(key_list[i % count], SPEC, 1.0)
    return (time.perf_counter() - start) / n * 1e6


async def backend_only(backend: MemoryThrottle, key_list: list[ThrottleKey], n: int) -> float:
    count = len(key_list)
    start = time.perf_counter()
    for i in range(n):
        await backend.acquire(key_list[i % count], SPEC, 1.0, 1.0)
    return (time.perf_counter() - start) / n * 1e6


async def concurrent(throttler: Throttler, key_list: list[ThrottleKey], n: int) -> float:
    per_task = max(1, n // (len(key_list) * 10))

    async def worker(key: ThrottleKey) -> None:
        for _ in range(per_task):
            await throttler.acquire(key, SPEC, 1.0)

    tasks = [key for key in key_list for _ in range(10)]
    start = time.perf_counter()
    await asyncio.gather(*(worker(key) for key in tasks))
    return (time.perf_counter() - start) / (per_task * len(tasks)) * 1e6


async def main(n: int) -> None:
    one, many = keys(1), keys(500)
    rows: list[tuple[str, float]] = []
    # Warm up (first-use allocation of key states, code paths).
    await sequential(Throttler(), many, 5000)
    rows.append(("Throttler(enabled=False), 1 key", await sequential(Throttler(enabled=False), one, n)))
    rows.append(("MemoryThrottle.acquire, 1 key", await backend_only(MemoryThrottle(), one, n)))
    rows.append(("Throttler.acquire, 1 key (uncontended)", await sequential(Throttler(), one, n)))
    rows.append(("Throttler.acquire, 500 keys round-robin", await sequential(Throttler(), many, n)))
    rows.append(("Throttler.acquire, 500 keys x 10 tasks", await concurrent(Throttler(), many, n)))
    base = rows[0][1]
    width = max(len(name) for name, _ in rows)
    print(f"{'case':<{width}}  us/acquire  x disabled")
    for name, micros in rows:
        print(f"{name:<{width}}  {micros:10.2f}  {micros / base:10.2f}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=200_000, help="acquires per case")
    asyncio.run(main(parser.parse_args().n))
