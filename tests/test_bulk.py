"""Bulk lookups: one result per distinct id, nothing lost under faults, bounded, ordered on request."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mws_async import ClientValidationError, MWSClient, MWSError, RetryPolicy
from mws_async.bulk import BulkResult, BulkStats, Chunk, Emit, stream_bulk
from mws_async.identifiers import EXAMPLE_IDS
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


# -- bad input never stops a run, never costs quota, never escapes untyped ----------------------------------


class Unprintable:
    def __str__(self) -> str:
        raise RuntimeError("no str")

    def __repr__(self) -> str:
        raise RuntimeError("no repr")


async def test_non_string_ids_become_invalid_results_and_the_run_continues() -> None:
    async with Sandbox(time_scale=SCALE) as sb, client_for(sb) as client:
        first, second = sb.world.sample_ids("ISBN", 2)
        odd: list[object] = [None, 123, b"9780306406157", Unprintable(), None]
        stats = BulkStats()
        results = await collect(
            client.products.lookup_many([first, *odd, second], "ISBN", ordered=True, stats=stats)  # type: ignore[list-item]
        )
    assert [r.id for r in results] == [
        first,
        "None",
        "123",
        "b'9780306406157'",
        "<Unprintable object>",
        second,
    ]
    assert results[0].ok and results[-1].ok
    invalid = results[1:-1]
    assert all(r.status == "Invalid" and r.error_code == "InvalidIdentifier" for r in invalid)
    assert invalid[0].error_message == "None is not a string id"
    assert invalid[1].error_message == "123 (int) is not a string id — pass ids as strings"
    assert stats.distinct == 6 and stats.duplicates == 1 and stats.invalid == 4
    assert sb.request_log.count("GetMatchingProductForId") == 1


async def test_a_lowercase_asin_is_sent_upper_case_and_reported_as_given() -> None:
    async with Sandbox(time_scale=SCALE) as sb, client_for(sb) as client:
        asin = next(a for a in sb.world.sample_ids("ASIN", 50) if a.startswith("B0"))  # not a book's ISBN
        (result,) = await collect(client.products.competitive_pricing_many([asin.lower(), asin], "asin"))  # type: ignore[arg-type]
        sent = [
            p for rec in sb.request_log.filter("GetCompetitivePricingForASIN") for p in rec.params.values()
        ]
    assert result.id == asin.lower() and result.sent == asin and result.ok
    assert asin in sent and asin.lower() not in sent


async def test_id_types_are_case_insensitive_in_the_bulk_helpers() -> None:
    async with Sandbox(time_scale=SCALE) as sb, client_for(sb) as client:
        isbn = sb.world.sample_ids("ISBN", 1)[0]
        sku = sb.world.sample_ids("SellerSKU", 1)[0]
        (by_isbn,) = await collect(client.products.lookup_many([isbn], "isbn"))  # type: ignore[arg-type]
        (by_sku,) = await collect(client.products.categories_many([sku], "sellersku"))  # type: ignore[arg-type]
    assert by_isbn.ok and by_sku.ok
    assert sb.request_log.filter("GetMatchingProductForId")[0].params["IdType"] == "ISBN"
    assert sb.request_log.count("GetProductCategoriesForSKU") == 1


def _untouched_input(read: list[int]) -> object:
    def ids() -> object:
        read.append(1)
        yield "9780306406157"

    return ids()


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda p, ids: p.lookup_many(ids, "ISBN13"), "ASIN, EAN, GCID, ISBN, JAN, SellerSKU, UPC"),
        (lambda p, ids: p.competitive_pricing_many(ids, "ISBN"), "ASIN, SellerSKU"),
        (lambda p, ids: p.categories_many(ids, "UPC"), "ASIN, SellerSKU"),
        (lambda p, ids: p.lookup_many(ids, "ISBN", concurrency=0), "concurrency"),
        (lambda p, ids: p.lookup_many(ids, "ISBN", concurrency=-3), "concurrency"),
        (lambda p, ids: p.lookup_many(ids, "ISBN", concurrency=2.5), "concurrency"),
        (lambda p, ids: p.lookup_many(ids, "ISBN", concurrency=True), "concurrency"),
        (lambda p, ids: p.my_price_many(ids, window=0), "window"),
        (lambda p, ids: p.my_price_many(ids, window=-1), "window"),
        (lambda p, ids: p.lowest_offer_listings_many(ids, item_condition="Mint"), "item_condition"),
        (lambda p, ids: p.lookup_many("9780306406157", "ISBN"), "not a single str"),
        (lambda p, ids: p.lookup_many(None, "ISBN"), "iterable"),
    ],
)
async def test_bad_arguments_are_refused_when_the_helper_is_called_before_reading_input(
    call: Any, message: str
) -> None:
    async with Sandbox(time_scale=SCALE) as sb, client_for(sb) as client:
        read: list[int] = []
        with pytest.raises(ClientValidationError, match=message):
            call(client.products, _untouched_input(read))
    assert read == [] and sb.request_log.count() == 0


async def test_stream_bulk_without_workers_is_refused_instead_of_hanging() -> None:
    with pytest.raises(ClientValidationError, match="at least one worker"):
        stream_bulk(["9780306406157"], id_type="ISBN", chunk_size=5, workers=[])


async def test_stream_bulk_refuses_a_non_positive_chunk_size_or_window() -> None:
    async def worker(chunk: Chunk, emit: Emit) -> None:  # pragma: no cover - never started
        pass

    with pytest.raises(ClientValidationError, match="chunk_size"):
        stream_bulk(["9780306406157"], id_type="ISBN", chunk_size=0, workers=[worker])
    with pytest.raises(ClientValidationError, match="window"):
        stream_bulk(["9780306406157"], id_type="ISBN", chunk_size=5, workers=[worker], window=0)


async def test_a_worker_that_raises_ends_the_stream_with_its_error_instead_of_hanging() -> None:
    calls: list[int] = []

    async def worker(chunk: Chunk, emit: Emit) -> None:
        calls.append(len(chunk))
        raise RuntimeError("worker broke")

    ids = ["9780306406157", "9780131103627", "9780262033848"]
    stream = stream_bulk(ids, id_type="ISBN", chunk_size=5, workers=[worker])

    async def drain() -> list[BulkResult[object]]:
        return [result async for result in stream]

    with pytest.raises(RuntimeError, match="worker broke"):
        await asyncio.wait_for(drain(), 5)
    assert calls == [3]


class StripRaises(str):
    __slots__ = ()

    def strip(self, chars: str | None = None) -> str:
        raise RuntimeError("no strip")


async def _echo(chunk: Chunk, emit: Emit) -> None:
    for index, typed, value in chunk:
        emit(BulkResult(typed, index, "Success", value, sent=value))


async def test_an_id_whose_strip_raises_still_yields_one_result() -> None:
    ids: list[object] = [StripRaises(" b00example "), "B00EXAMPLE", None]
    results = [r async for r in stream_bulk(ids, id_type="ASIN", chunk_size=2, workers=[_echo], ordered=True)]  # type: ignore[arg-type]
    assert [(r.id, r.status, r.sent) for r in results] == [
        ("b00example", "Success", "B00EXAMPLE"),
        ("None", "Invalid", None),
    ]


# Arbitrary Python values: none of them may stop a run or escape as anything but an MWSError.
_odd_values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.builds(pow, st.just(10), st.just(5000)),
    st.floats(),
    st.decimals(),
    st.binary(max_size=12),
    st.text(max_size=14),
    st.sampled_from(["9780306406157", "0306406152", "978-0-306-40615-7", "b00example", "", "  ", "SKU-1"]),
    st.datetimes(),
    st.builds(Unprintable),
    st.just(StripRaises(" 9780306406157 ")),
    st.lists(st.integers(), max_size=2),
    st.dictionaries(st.text(max_size=2), st.integers(), max_size=2),
)


@settings(max_examples=200, deadline=None)
@given(
    ids=st.lists(_odd_values, max_size=12),
    id_type=st.sampled_from(["ISBN", "isbn", "ASIN", "SellerSKU", "UPC"]),
)
def test_fuzzed_ids_always_give_one_result_per_distinct_input(ids: list[Any], id_type: str) -> None:
    async def run() -> list[BulkResult[Any]]:
        stats = BulkStats()
        out = [
            r
            async for r in stream_bulk(
                ids, id_type=id_type, chunk_size=3, workers=[_echo, _echo], stats=stats
            )
        ]
        assert stats.distinct == len(out) and stats.distinct + stats.duplicates == len(ids)
        return out

    results = asyncio.run(run())
    assert sorted(r.index for r in results) == list(range(len(results)))
    assert all(isinstance(r.id, str) for r in results)
    assert all(r.status == "Success" or (r.status == "Invalid" and r.error_message) for r in results)


_valid_ids = st.sampled_from([*sorted(EXAMPLE_IDS.values()), "b00example", "978-0-306-40615-7"])


@settings(max_examples=60, deadline=None)
@given(
    ids=st.lists(st.one_of(_valid_ids, _valid_ids, _odd_values), max_size=6),
    # Mostly id types the helpers take (in any case), sometimes anything at all.
    id_type=st.one_of(
        *[st.sampled_from(["asin", "SellerSKU", "ASIN", "sellersku", "ISBN", "upc"])] * 3, _odd_values
    ),
    helper=st.sampled_from(
        [
            "lookup_many",
            "competitive_pricing_many",
            "lowest_offer_listings_many",
            "my_price_many",
            "categories_many",
        ]
    ),
    extra=st.one_of(
        st.just({}),
        st.just({}),
        st.dictionaries(
            st.sampled_from(
                ["concurrency", "window", "ordered", "marketplace", "item_condition", "exclude_me"]
            ),
            _odd_values,
            max_size=2,
        ),
    ),
)
def test_fuzzed_bulk_helper_arguments_raise_only_mws_errors(
    ids: list[Any], id_type: Any, helper: str, extra: dict[str, Any]
) -> None:
    if helper not in ("lowest_offer_listings_many", "my_price_many"):
        extra.pop("item_condition", None)
    if helper != "lowest_offer_listings_many":
        extra.pop("exclude_me", None)
    sandbox = Sandbox(time_scale=SCALE, catalog_size=1000, order_count=10)

    async def run() -> None:
        # In-process: the sandbox app behind httpx's ASGI transport (no socket per example).
        http = httpx.AsyncClient(transport=httpx.ASGITransport(app=sandbox.app))
        async with MWSClient(
            sandbox.credentials, base_url="http://127.0.0.1", http_client=http, time_scale=SCALE, retry=FAST
        ) as client:
            try:
                results = getattr(client.products, helper)(ids, id_type, **extra)
                out = [r async for r in results]
            except MWSError:
                return
            assert len(out) <= len(ids)
            assert all(isinstance(r.id, str) for r in out)
        await http.aclose()

    asyncio.run(run())
