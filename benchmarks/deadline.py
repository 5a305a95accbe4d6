"""How fast a deadline refuses: with the GetMatchingProductForId bucket empty, calls under ``deadline(0.5)``
must be refused at once (goal: well under 50 ms) with ``would_wait`` about the restore time (1 s for 5 ids),
and a call made after the restore must go through with 0 throttled responses (the refusals took nothing).

``python -m benchmarks.deadline [--refusals N]``
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time

from mws_async import DeadlineExceededError, MWSClient, deadline
from mws_async.sandbox import Sandbox

OPERATION = "GetMatchingProductForId"


async def measure(refusals: int) -> str:
    async with (
        Sandbox(catalog_size=2000, order_count=10) as sb,
        MWSClient(sb.credentials, base_url=sb.base_url) as client,
    ):
        ids = sb.world.sample_ids("ISBN", 25)
        for k in range(4):  # the 20-item burst
            await client.products.get_matching_product_for_id("ISBN", ids[5 * k : 5 * k + 5])
        took: list[float] = []
        would_wait: list[float] = []
        for _ in range(refusals):
            started = time.perf_counter()
            try:
                with deadline(0.5):
                    await client.products.get_matching_product_for_id("ISBN", ids[20:])
            except DeadlineExceededError as exc:
                took.append(time.perf_counter() - started)
                would_wait.append(exc.would_wait)
        await asyncio.sleep(max(would_wait))
        await client.products.get_matching_product_for_id("ISBN", ids[20:])
    return (
        f"{len(took)} of {refusals} refused: median {statistics.median(took) * 1000:.2f} ms, "
        f"max {max(took) * 1000:.2f} ms; would_wait {min(would_wait):.3f}-{max(would_wait):.3f} s; "
        f"after the restore: {sb.request_log.count(OPERATION, status=503)} throttled, "
        f"{sb.request_log.count(OPERATION, processed=True)} processed (4 burst + 1)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--refusals", type=int, default=50)
    args = parser.parse_args()
    print(asyncio.run(measure(args.refusals)))


if __name__ == "__main__":
    main()
