"""Two unaware clients on one seller: the second starts midway through the first's bulk job.

Issue 3's second scenario: the collisions cause throttles, which the retry path absorbs (no error reaches
either caller), and the pair still finishes close to the bound the quota allows for their combined work.
Runnable alone: ``python -m benchmarks.throttle_pair [--time-scale 50] [--ids 1500] [--rounds 3]``.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time

from mws_async import MWSClient
from mws_async.sandbox import Sandbox


async def one_round(time_scale: float, ids: int, seller: str) -> dict[str, float]:
    async with Sandbox(time_scale=time_scale, catalog_size=1_000_000) as sb:
        creds = sb.credentials_for(seller)
        isbns = sb.world.sample_ids("ISBN", ids + ids // 2)
        first_ids, second_ids = isbns[:ids], isbns[ids:]
        halfway = asyncio.Event()
        errors = 0

        async def run(client: MWSClient, values: list[str], signal: bool) -> None:
            nonlocal errors
            done = 0
            async for result in client.products.lookup_many(values, "ISBN"):
                done += 1
                errors += not result.ok
                if signal and done == len(values) // 2:
                    halfway.set()

        async with (
            MWSClient(creds, base_url=sb.base_url, time_scale=time_scale) as first,
            MWSClient(creds, base_url=sb.base_url, time_scale=time_scale) as second,
        ):
            started = time.perf_counter()
            job = asyncio.create_task(run(first, first_ids, True))
            await halfway.wait()
            await run(second, second_ids, False)
            await job
            elapsed = time.perf_counter() - started
            throttled = first.throttler.summary().throttled + second.throttler.summary().throttled
        spec = first.throttler.spec("Products", "GetMatchingProductForId")
        bound = spec.bound(len(isbns), time_scale)
        served_503 = sb.request_log.count("GetMatchingProductForId", status=503)
    return {"elapsed": elapsed, "bound": bound, "ratio": elapsed / bound, "throttled": throttled,
            "served_503": served_503, "errors": errors}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--time-scale", type=float, default=50.0)
    parser.add_argument("--ids", type=int, default=1500, help="ids of the first job (the second gets half)")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    rounds = [
        asyncio.run(one_round(args.time_scale, args.ids, f"A{n:013d}")) for n in range(1, args.rounds + 1)
    ]
    for n, r in enumerate(rounds, 1):
        print(
            f"round {n}: {r['elapsed']:.2f} s vs bound {r['bound']:.2f} s -> {r['ratio']:.3f}; "
            f"{r['throttled']:.0f} throttled (absorbed), {r['errors']:.0f} errors reached callers"
        )
    print(
        f"median achieved/bound for the pair: {statistics.median(r['ratio'] for r in rounds):.3f} "
        f"(target <= 1.10); throttles absorbed: {sum(r['throttled'] for r in rounds):.0f}; "
        f"errors: {sum(r['errors'] for r in rounds):.0f}"
    )


if __name__ == "__main__":
    main()
