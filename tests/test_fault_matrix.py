"""The fault matrix: every way a server or network fails, against every kind of operation, on a real
loopback sandbox. Each cell says what the caller gets (a result, or which typed error) and how many
times the sandbox processed the faulted request (from its request log): nothing lost, nothing sent twice.

Kinds of operation: an idempotent read (GetMatchingProductForId), a paginated read (ListOrders over four
pages, the fault on a ListOrdersByNextToken page) and a non-idempotent write (SubmitFeed). A read may be
processed twice (harmless); a write never is, and a write whose outcome the client cannot know raises
OutcomeUnknownError instead of being resent.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import pytest

from mws_async import MWSClient, RetryPolicy, errors
from mws_async.sandbox import Sandbox
from mws_async.sandbox.faults import Fault

SCALE = 1000.0
ORDERS = 200
PAGE = 50
FEED = b"sku\tprice\tquantity\nSKU-1\t10.00\t5\n"
FEED_TYPE = "_POST_FLAT_FILE_PRICEANDQUANTITYONLY_UPDATE_DATA_"


@dataclass(frozen=True)
class Cell:
    """What one fault does to one kind of operation: ``outcome`` is "ok" or an error class name."""

    outcome: str
    processed: int


@dataclass(frozen=True)
class Row:
    """One fault: how to inject it, and its cell per kind of operation (None: does not apply)."""

    fault: str
    inject: dict[str, Any] = field(default_factory=dict)
    read: Cell | None = None
    paginated: Cell | None = None
    write: Cell | None = None
    clock_offset: float = 0.0


OK1, OK2 = Cell("ok", 1), Cell("ok", 2)
UNKNOWN0, UNKNOWN1 = Cell("OutcomeUnknownError", 0), Cell("OutcomeUnknownError", 1)
TOO_LARGE = Cell("ResponseTooLargeError", 1)

MATRIX = [
    Row("reset before processing", {"kind": "ConnectionReset"}, OK1, OK1, UNKNOWN0),
    Row("reset after processing", {"kind": "ResetAfterProcessing"}, OK2, OK2, UNKNOWN1),
    Row("truncated 200", {"kind": "Truncated"}, OK1, OK1, UNKNOWN1),
    Row("HTML 502 from a proxy", {"kind": "HTML"}, OK1, OK1, UNKNOWN0),
    Row("503 RequestThrottled", {"kind": "RequestThrottled"}, OK1, OK1, OK1),
    Row("503 QuotaExceeded", {"kind": "QuotaExceeded"}, OK1, OK1, OK1),
    Row("503 ServiceUnavailable", {"kind": "ServiceUnavailable"}, OK1, OK1, OK1),
    Row(
        "503 InternalFailure",
        {"kind": "ErrorCode", "status": 503, "code": "InternalFailure"},
        OK1,
        OK1,
        UNKNOWN0,
    ),
    Row("503 without a code", {"kind": "ErrorCode", "status": 503, "code": ""}, OK1, OK1, UNKNOWN0),
    Row("500 InternalError", {"kind": "InternalError"}, OK1, OK1, UNKNOWN0),
    Row("500 after processing", {"kind": "ErrorAfterProcessing"}, OK2, OK2, UNKNOWN1),
    Row("slow drip", {"kind": "Drip", "seconds": 0.05}, OK2, OK2, UNKNOWN1),
    Row("huge body", {"kind": "Huge", "size": 0}, TOO_LARGE, TOO_LARGE, UNKNOWN1),
    Row(
        "repeated NextToken", {"kind": "RepeatToken", "times": 10}, None, Cell("PaginationLoopError", 1), None
    ),
    Row("server clock 20 min ahead", {}, OK1, OK1, OK1, clock_offset=1200.0),
    Row("absurd clock headers", {"kind": "BadClock"}, OK1, OK1, OK1),
]


@pytest.fixture
async def sandbox() -> AsyncIterator[Sandbox]:
    async with Sandbox(seed=0, time_scale=SCALE, catalog_size=10_000, order_count=ORDERS) as sb:
        yield sb


def client_for(sb: Sandbox) -> MWSClient:
    retry = RetryPolicy(initial_backoff=0.01, max_backoff=0.05, max_throttle_retries=5)
    return MWSClient(
        sb.credentials,
        base_url=sb.base_url,
        time_scale=SCALE,
        retry=retry,
        timeout=1.0,
        max_response_bytes=1024 * 1024,
    )


async def run_read(sb: Sandbox, client: MWSClient) -> str:
    ids = sb.world.sample_ids("ISBN", 1)
    results = await client.products.get_matching_product_for_id("ISBN", ids)
    assert [r.id for r in results] == ids and results[0].ok
    return "ok"


async def run_paginated(sb: Sandbox, client: MWSClient) -> str:
    orders = client.orders.list_orders(
        created_after=datetime(2020, 1, 1, tzinfo=UTC), max_results_per_page=PAGE
    )
    ids = [order.amazon_order_id async for order in orders]
    assert len(ids) == ORDERS == len(set(ids))  # every order exactly once
    return "ok"


async def run_write(sb: Sandbox, client: MWSClient) -> str:
    info = await client.feeds.submit_feed(FEED, FEED_TYPE)
    assert info.feed_submission_id
    return "ok"


RUNNERS = {"read": run_read, "paginated": run_paginated, "write": run_write}
TARGET = {"read": "GetMatchingProductForId", "paginated": "ListOrdersByNextToken", "write": "SubmitFeed"}
CASES = [
    pytest.param(row, kind, getattr(row, kind), id=f"{row.fault} x {kind}")
    for row in MATRIX
    for kind in RUNNERS
    if getattr(row, kind) is not None
]


def times_processed(sb: Sandbox, kind: str) -> int:
    """How many times the sandbox processed the request the fault was aimed at."""
    records = [r for r in sb.request_log if r.operation == TARGET[kind]]
    if kind != "paginated":
        return sum(r.processed for r in records)
    # The faulted page: the first ByNextToken request; count processings of that same token.
    token = records[0].params.get("NextToken")
    return sum(r.processed for r in records if r.params.get("NextToken") == token)


@pytest.mark.parametrize(("row", "kind", "expected"), CASES)
async def test_fault_matrix(sandbox: Sandbox, row: Row, kind: str, expected: Cell) -> None:
    if row.inject:
        sandbox.faults.schedule.append(Fault(operation=TARGET[kind], **row.inject))
    sandbox.faults.clock_offset = row.clock_offset
    async with client_for(sandbox) as client:
        try:
            outcome = await RUNNERS[kind](sandbox, client)
        except errors.MWSError as exc:
            outcome = type(exc).__name__
    assert (outcome, times_processed(sandbox, kind)) == (expected.outcome, expected.processed)
    if kind == "write":  # nothing a user submits is stored twice
        assert len(sandbox.request_log.filter(operation="SubmitFeed", processed=True)) <= 1
