"""The main job at scale: 10,000 ISBNs with 5 % invalid ones and duplicates, one client owning the quota.

Checks what issue 7 promises of it and prints the figures: exactly one result per distinct input id, the
invalid ones answered without a request, zero throttled responses, and the time against the quota bound.
Runnable alone: ``python -m benchmarks.bulk_lookup [--ids 10000] [--time-scale 50]``.
"""

from __future__ import annotations

import argparse
import asyncio
import socket
import subprocess
import sys
import time

import httpx

from mws_async import MWSClient
from mws_async.sandbox import Sandbox, World


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def _wait_until_listening(url: str) -> None:
    async with httpx.AsyncClient() as http:
        for _ in range(200):
            try:
                await http.post(url + "/Products/2011-10-01")
                return
            except httpx.ConnectError:
                await asyncio.sleep(0.05)
    raise RuntimeError(f"the sandbox at {url} did not start")


async def run(ids: int, time_scale: float) -> None:
    # The sandbox runs in its own process (as in every benchmark), so its CPU does not slow the client's loop.
    world = World(0)
    valid = world.sample_ids("ISBN", ids)
    invalid = [world.invalid_id("ISBN", k) for k in range(ids // 20)]
    duplicates = valid[: ids // 20]
    stream = valid + invalid + duplicates
    distinct = len(set(stream))
    # `mws-async sandbox`, exactly as a user serves it, in its own process.
    port = _free_port()
    command = [
        sys.executable,
        "-m",
        "mws_async",
        "sandbox",
        "--port",
        str(port),
        "--time-scale",
        str(time_scale),
    ]
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # noqa: ASYNC220
    base_url = f"http://127.0.0.1:{port}"
    try:
        await _wait_until_listening(base_url)
        await asyncio.sleep(
            2.0
        )  # let the freshly started server finish warming up, as a live service would be
        async with MWSClient(Sandbox().credentials, base_url=base_url, time_scale=time_scale) as client:
            started = time.perf_counter()
            # Keep only what is checked (as the CLI writes rows out): holding 10,000 product models would
            # measure the garbage collector's pauses over a growing heap, not the client.
            results = [(r.id, r.status) async for r in client.products.lookup_many(stream, "ISBN")]
            elapsed = time.perf_counter() - started
            spec = client.throttler.spec("Products", "GetMatchingProductForId")
            summary = client.throttler.summary()
    finally:
        server.terminate()
        server.wait(timeout=10)
    # Every 503 RequestThrottled reaches the client's throttler (and is retried), so it counts them all.
    throttled, requests = summary.throttled, summary.requests
    by_status: dict[str, int] = {}
    for _, status in results:
        by_status[status] = by_status.get(status, 0) + 1
    one_each = len(results) == distinct == len({given for given, _ in results})
    bound = spec.bound(len(valid), time_scale)
    print(
        f"{len(stream):,} ids in, {distinct:,} distinct, {len(results):,} results "
        f"(one per distinct id: {one_each})"
    )
    print(f"statuses: {by_status}; invalid ids answered without a request: {by_status.get('Invalid', 0):,}")
    print(f"requests {requests:,}; throttled responses {throttled}")
    print(f"elapsed {elapsed:.2f} s vs quota bound {bound:.2f} s -> achieved/bound {elapsed / bound:.3f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--ids", type=int, default=10_000)
    parser.add_argument("--time-scale", type=float, default=50.0)
    args = parser.parse_args()
    asyncio.run(run(args.ids, args.time_scale))


if __name__ == "__main__":
    main()
