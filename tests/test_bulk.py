"""Bulk lookups: one result per distinct id, nothing lost under faults, bounded, ordered on request."""

from __future__ import annotations

from collections.abc import AsyncIterator

from mws_async import MWSClient, RetryPolicy
from mws_async.bulk import BulkResult, BulkStats
from mws_async.sandbox import Fault, Sandbox

SCALE = 200.0
FAST = RetryPolicy(initial_backoff=0.001, max_backoff=0.01)


def client_for(sb: Sandbox, retry: RetryPolicy = FAST) -> MWSClient:
    return MWSClient(sb.credentials, base_url=sb.base_url, time_scale=SCALE, retry=retry)


async def collect(results: AsyncIterator[BulkResult[object]]) -> list[BulkResult[object]]:
    return [r async for r in results]


async def test_one_result_per_distinct_id_invalid_ones_never_sent() -> None:
    async with Sandbox(time_scale=SCALE) as sb, client_for(sb) as client:
        valid = sb.world.sample_ids("ISBN", 60)
        bad = [isbn[:-1] + str((int(isbn[-1]) + 3) % 10) for isbn in valid[:4]]
        unknown = "9780000000002"  # well formed, no such product in the catalog's range? checked below
        ids = [*valid, *bad, *valid[:10], unknown, "not-an-isbn", ""]
        stats = BulkStats()
        results = await collect(client.products.lookup_many(ids, "ISBN", stats=stats))
    by_id = {r.id: r for r in results}
    assert len(results) == len(by_id) == len(set(ids))
    assert all(by_id[v].ok and by_id[v].result is not None for v in valid)
    assert all(by_id[b].status == "Invalid" and "check digit" in (by_id[b].error_message or "") for b in bad)
    assert by_id["not-an-isbn"].status == "Invalid" and by_id[""].status == "Invalid"
    assert by_id[unknown].status in ("ClientError", "Success")
    assert stats.duplicates == 10 and stats.distinct == len(set(ids)) and stats.invalid == 6
    sent = {
        p
        for rec in sb.request_log.filter("GetMatchingProductForId")
        for k, p in rec.params.items()
        if k.startswith("IdList.Id.")
    }
    assert sent.isdisjoint(bad) and "not-an-isbn" not in sent
    assert sb.request_log.count("GetMatchingProductForId", processed=True) == -(-(len(valid) + 1) // 5)


async def test_ordered_mode_yields_input_order_with_a_small_window() -> None:
    async with Sandbox(time_scale=SCALE) as sb, client_for(sb) as client:
        ids = sb.world.sample_ids("UPC", 300)
        results = await collect(
            client.products.lookup_many(ids, "UPC", ordered=True, window=12, concurrency=4)
        )
    assert [r.id for r in results] == ids
    assert [r.index for r in results] == list(range(300))


async def test_hyphenated_input_comes_back_as_given_and_is_sent_normalized() -> None:
    async with Sandbox(time_scale=SCALE) as sb, client_for(sb) as client:
        isbn = sb.world.sample_ids("ISBN", 1)[0]
        hyphenated = f"{isbn[:3]}-{isbn[3:5]}-{isbn[5:]}"
        (result,) = await collect(client.products.lookup_many([hyphenated, isbn], "ISBN"))
    assert result.id == hyphenated and result.sent == isbn and result.ok


async def test_async_iterable_input() -> None:
    async def stream(values: list[str]) -> AsyncIterator[str]:
        for value in values:
            yield value

    async with Sandbox(time_scale=SCALE) as sb, client_for(sb) as client:
        ids = sb.world.sample_ids("ASIN", 45)
        results = await collect(client.products.competitive_pricing_many(stream(ids), "ASIN"))
    assert sorted(r.id for r in results) == sorted(ids)
    assert sb.request_log.count("GetCompetitivePricingForASIN", processed=True) == 5  # 10 per request


async def test_nothing_is_lost_under_throttles_errors_and_resets() -> None:
    async with Sandbox(time_scale=SCALE) as sb, client_for(sb) as client:
        sb.faults.throttle_rate = 0.05
        sb.faults.service_unavailable_rate = 0.05
        sb.faults.internal_error_rate = 0.05
        sb.faults.reset_rate = 0.05
        ids = sb.world.sample_ids("EAN", 400)
        results = await collect(client.products.lookup_many(ids, "EAN"))
    assert sorted(r.id for r in results) == sorted(ids)
    assert sum(r.ok for r in results) >= 390  # retries absorb nearly every fault
    assert all(r.ok or r.status == "Failed" for r in results)
    faulted = [rec for rec in sb.request_log.filter("GetMatchingProductForId") if rec.fault]
    assert faulted, "the faults were injected"


async def test_a_chunk_that_keeps_failing_becomes_failed_results_for_its_ids() -> None:
    retry = RetryPolicy(max_attempts=2, initial_backoff=0.001)
    async with Sandbox(time_scale=SCALE) as sb, client_for(sb, retry=retry) as client:
        sb.faults.schedule.append(Fault("InternalError", operation="GetMatchingProductForId", times=2))
        ids = sb.world.sample_ids("ISBN", 10)
        results = await collect(client.products.lookup_many(ids, "ISBN", concurrency=1))
    failed = [r for r in results if r.status == "Failed"]
    assert len(results) == 10 and len(failed) == 5
    assert all(r.error_code == "InternalError" for r in failed)


async def test_several_sellers_share_the_work_on_their_own_buckets() -> None:
    async with Sandbox(time_scale=SCALE) as sb, client_for(sb) as client:
        sellers = [sb.credentials, sb.credentials_for("A1SECONDSELLER1")]
        ids = sb.world.sample_ids("ISBN", 200)
        results = await collect(client.products.lookup_many(ids, "ISBN", sellers=sellers))
    assert sorted(r.id for r in results) == sorted(ids)
    assert {r.seller_id for r in results} == {"A2SANDBOXSELLER", "A1SECONDSELLER1"}
    keys = [k for k in client.throttle_stats() if k.group == "Products.GetMatchingProductForId"]
    assert {k.seller_id for k in keys} == {"A2SANDBOXSELLER", "A1SECONDSELLER1"}
    # Every attempt spends quota (retries of throttled calls too); what MWS processed is exactly the ids.
    assert sum(client.throttle_stats()[k].items for k in keys) >= 200
    processed = sb.request_log.filter("GetMatchingProductForId", processed=True)
    assert sum(1 for rec in processed for name in rec.params if name.startswith("IdList.Id.")) == 200
    assert {rec.seller_id for rec in processed} == {"A2SANDBOXSELLER", "A1SECONDSELLER1"}


async def test_categories_many_sends_one_id_per_request() -> None:
    async with Sandbox(time_scale=SCALE) as sb, client_for(sb) as client:
        asins = sb.world.sample_ids("ASIN", 6)
        results = await collect(client.products.categories_many(asins))
    assert sorted(r.id for r in results) == sorted(asins)
    assert all(r.ok and r.result is not None for r in results)
    assert sb.request_log.count("GetProductCategoriesForASIN", processed=True) == 6


async def test_breaking_out_early_cancels_cleanly() -> None:
    async with Sandbox(time_scale=SCALE) as sb, client_for(sb) as client:
        ids = sb.world.sample_ids("ISBN", 500)
        seen = 0
        async for _ in client.products.lookup_many(ids, "ISBN"):
            seen += 1
            if seen == 7:
                break
    assert seen == 7
