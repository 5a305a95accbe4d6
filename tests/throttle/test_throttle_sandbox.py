"""The throttler against the sandbox's MWS buckets on loopback (no timing assertions: benchmarks time it).

A job that owns its quota is never throttled; a second client on the same seller started midway causes
throttles that the retry path absorbs, so no error reaches either caller and no id is lost.
"""

from __future__ import annotations

import asyncio

from mws_async import MWSClient, RetryPolicy
from mws_async.bulk import BulkResult
from mws_async.sandbox import Sandbox

SCALE = 30.0
RETRY = RetryPolicy(initial_backoff=0.01, max_backoff=0.1)


async def run(
    client: MWSClient, ids: list[str], halfway: asyncio.Event | None = None
) -> list[BulkResult[object]]:
    results = []
    async for result in client.products.lookup_many(ids, "ISBN"):
        results.append(result)
        if halfway is not None and len(results) == len(ids) // 2:
            halfway.set()
    return results


async def test_a_job_that_owns_its_quota_is_never_throttled() -> None:
    async with (
        Sandbox(time_scale=SCALE) as sb,
        MWSClient(sb.credentials, base_url=sb.base_url, time_scale=SCALE, retry=RETRY) as client,
    ):
        ids = sb.world.sample_ids("ISBN", 600)
        results = await run(client, ids)
    assert len(results) == 600 and all(r.ok for r in results)
    assert sb.request_log.count("GetMatchingProductForId", status=503) == 0
    assert client.throttler.summary().throttled == 0
    assert sb.request_log.count("GetMatchingProductForId", processed=True) == 120


async def test_a_second_client_midway_causes_throttles_that_are_absorbed() -> None:
    async with Sandbox(time_scale=SCALE) as sb:
        first = MWSClient(sb.credentials, base_url=sb.base_url, time_scale=SCALE, retry=RETRY)
        second = MWSClient(sb.credentials, base_url=sb.base_url, time_scale=SCALE, retry=RETRY)
        ids = sb.world.sample_ids("ISBN", 900)
        async with first, second:
            halfway = asyncio.Event()
            job_one = asyncio.create_task(run(first, ids[:600], halfway))
            await halfway.wait()
            job_two = await run(second, ids[600:])
            job_one_results = await job_one
        throttled = first.throttler.summary().throttled + second.throttler.summary().throttled
    assert all(r.ok for r in job_one_results) and len(job_one_results) == 600
    assert all(r.ok for r in job_two) and len(job_two) == 300
    assert throttled > 0  # two unaware clients do collide ...
    assert throttled == sb.request_log.count(
        "GetMatchingProductForId", status=503
    )  # ... and all were absorbed
