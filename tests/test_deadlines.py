"""Deadlines: ``mws_async.deadline(seconds)`` and ``max_wait=`` give calls a time budget that the throttle,
the retries and the HTTP attempts all respect; a refusal takes no quota."""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import AsyncIterator, Iterator

import pytest
from redis_server import RedisServer

from mws_async import (
    ClientValidationError,
    ConfigurationError,
    DeadlineExceededError,
    InternalServerError,
    MWSClient,
    OutcomeUnknownError,
    deadline,
)
from mws_async.deadlines import check_max_wait, deadline_end, remaining
from mws_async.sandbox import Fault, Sandbox
from mws_async.throttle import QuotaSpec, ThrottleKey, Throttler
from mws_async.throttle.base import WouldWait
from mws_async.throttle.memory import MemoryThrottle

OP = "GetMatchingProductForId"
RESTORE = 1.0
"""Seconds GetMatchingProductForId needs to restore one call of 5 ids (5 items at 5 items/s), unscaled."""


@pytest.fixture
async def sandbox() -> AsyncIterator[Sandbox]:
    async with Sandbox(seed=0, catalog_size=2000, order_count=10) as sb:
        yield sb


def isbns(sandbox: Sandbox, n: int, start: int = 0) -> list[str]:
    return sandbox.world.sample_ids("ISBN", n, start=start)


async def empty_the_bucket(client: MWSClient, sandbox: Sandbox) -> None:
    """Four calls of 5 ids: the 20-item burst, all of it."""
    for k in range(4):
        await client.products.get_matching_product_for_id("ISBN", isbns(sandbox, 5, start=5 * k))


# --- the acceptance case, on the sandbox -------------------------------------------------------------


async def test_an_empty_bucket_refuses_at_once_and_the_refused_call_takes_no_quota(sandbox: Sandbox) -> None:
    async with MWSClient(sandbox.credentials, base_url=sandbox.base_url) as client:
        await empty_the_bucket(client, sandbox)
        started = time.monotonic()
        with pytest.raises(DeadlineExceededError) as caught, deadline(0.5):
            await client.products.get_matching_product_for_id("ISBN", isbns(sandbox, 5, start=20))
        refused_after = time.monotonic() - started
        error = caught.value
        assert RESTORE * 0.8 <= error.would_wait <= RESTORE * 1.5, error.would_wait
        assert 0.4 < error.budget <= 0.5
        assert "GetMatchingProductForId" in str(error) and "would_wait" in str(error)
        assert refused_after < 0.25  # refused before its budget ran, not after waiting it out
        await asyncio.sleep(error.would_wait)
        answer = await client.products.get_matching_product_for_id("ISBN", isbns(sandbox, 5, start=20))
        assert len(answer) == 5
        [stats] = [s for k, s in client.throttler.stats().items() if k.group.endswith(OP)]
    assert stats.deadline_refusals == 1 and stats.requests == 5
    assert sandbox.request_log.count(OP, processed=True) == 5  # the refused call never left
    assert sandbox.request_log.count(OP, status=503) == 0  # and took nothing: no throttle afterwards


async def test_a_wait_that_fits_in_the_deadline_is_waited(sandbox: Sandbox) -> None:
    async with MWSClient(sandbox.credentials, base_url=sandbox.base_url) as client:
        await empty_the_bucket(client, sandbox)
        with deadline(3.0):
            answer = await client.products.get_matching_product_for_id("ISBN", isbns(sandbox, 5, start=20))
    assert len(answer) == 5
    assert sandbox.request_log.count(OP, status=503) == 0


async def test_the_client_default_max_wait_is_the_budget_outside_a_deadline(sandbox: Sandbox) -> None:
    async with MWSClient(sandbox.credentials, base_url=sandbox.base_url, max_wait=0.3) as client:
        await empty_the_bucket(client, sandbox)
        with pytest.raises(DeadlineExceededError):
            await client.products.get_matching_product_for_id("ISBN", isbns(sandbox, 5, start=20))
        with deadline(5.0):  # an explicit deadline replaces the default
            assert len(await client.products.get_matching_product_for_id("ISBN", isbns(sandbox, 5))) == 5


async def test_the_deadline_reaches_tasks_created_inside_it(sandbox: Sandbox) -> None:
    async with MWSClient(sandbox.credentials, base_url=sandbox.base_url) as client:
        await empty_the_bucket(client, sandbox)
        with deadline(0.3):
            outcomes = await asyncio.gather(
                *(
                    client.products.get_matching_product_for_id("ISBN", isbns(sandbox, 5, start=5 * k))
                    for k in range(3)
                ),
                return_exceptions=True,
            )
    assert all(isinstance(o, DeadlineExceededError) for o in outcomes)
    assert sandbox.request_log.count(OP, processed=True) == 4


async def test_bulk_lookups_check_the_deadline_for_each_chunk(sandbox: Sandbox) -> None:
    async with MWSClient(sandbox.credentials, base_url=sandbox.base_url) as client:
        with deadline(0.3):
            results = [r async for r in client.products.lookup_many(isbns(sandbox, 40), "ISBN")]
    found = [r for r in results if r.status == "Success"]
    refused = [r for r in results if r.error_code == "DeadlineExceededError"]
    assert len(found) == 20 and len(refused) == 20  # the burst went out; the rest did not fit
    assert sandbox.request_log.count(OP, processed=True) == 4
    assert sandbox.request_log.count(OP, status=503) == 0


async def test_a_retry_that_would_pass_the_deadline_is_not_made(sandbox: Sandbox) -> None:
    sandbox.faults.schedule.append(Fault("InternalError", operation=OP))
    async with MWSClient(sandbox.credentials, base_url=sandbox.base_url) as client:
        with pytest.raises(DeadlineExceededError) as caught, deadline(0.2):
            await client.products.get_matching_product_for_id("ISBN", isbns(sandbox, 5))
    assert isinstance(caught.value.__cause__, InternalServerError)
    assert "retrying after InternalServerError" in str(caught.value)
    assert sandbox.request_log.count(OP) == 1


async def test_a_read_whose_answer_does_not_come_before_the_deadline_is_not_retried(sandbox: Sandbox) -> None:
    sandbox.faults.schedule.append(Fault("Latency", operation=OP, seconds=1.0))
    async with MWSClient(sandbox.credentials, base_url=sandbox.base_url) as client:
        with pytest.raises(DeadlineExceededError) as caught, deadline(0.3):
            await client.products.get_matching_product_for_id("ISBN", isbns(sandbox, 5))
    assert "attempt 1" in str(caught.value)
    assert sandbox.request_log.count(OP) <= 1  # one attempt, not a storm of near-zero ones


async def test_a_write_sent_when_the_deadline_passes_is_outcome_unknown(sandbox: Sandbox) -> None:
    sandbox.faults.schedule.append(Fault("Latency", operation="SubmitFeed", seconds=1.0))
    async with MWSClient(sandbox.credentials, base_url=sandbox.base_url) as client:
        with pytest.raises(OutcomeUnknownError), deadline(0.3):
            await client.feeds.submit_feed(b"sku\tprice\nA-1\t1.00\n", "_POST_FLAT_FILE_PRICEANDQUANTITYONLY")


# --- the context manager ------------------------------------------------------------------------------


def test_a_nested_deadline_keeps_the_earlier_end() -> None:
    with deadline(10.0) as outer:
        with deadline(60.0) as inner:
            assert inner == outer == deadline_end()
        with deadline(1.0) as tighter:
            assert tighter < outer
        assert deadline_end() == outer
    assert deadline_end() is None
    assert deadline_end(5.0) is not None  # a client default applies outside any block


@pytest.mark.parametrize("seconds", [0, -1, float("nan"), "1", True])
def test_a_deadline_must_be_a_positive_number(seconds: object) -> None:
    with pytest.raises(ClientValidationError, match="positive number"), deadline(seconds):  # type: ignore[arg-type]
        pass


def test_a_deadline_too_long_for_a_float_is_no_limit() -> None:
    with deadline(10**400) as end:
        assert end == math.inf
        assert remaining(deadline_end()) == math.inf


def test_a_client_max_wait_too_long_for_a_float_is_no_limit() -> None:
    max_wait = check_max_wait(10**400)  # what MWSClient and SPAPIClient do with max_wait=
    assert max_wait == math.inf
    assert deadline_end(max_wait) == math.inf


def test_a_negative_number_too_long_to_print_is_still_refused_by_name() -> None:
    too_long = -(10**5000)
    with (
        pytest.raises(ClientValidationError, match="positive number, got an int too large to show"),
        deadline(too_long),
    ):
        pass


def test_max_wait_must_be_positive() -> None:
    with pytest.raises(ConfigurationError, match="max_wait"):
        MWSClient(Sandbox().credentials, base_url="http://127.0.0.1:1", max_wait=0)


# --- the throttle, one layer down ---------------------------------------------------------------------

SPEC = QuotaSpec("Products", "GetMatchingProductForId", 20, 5.0, 1.0, unit="item")
KEY = ThrottleKey("h", "S", "A", "Products.GetMatchingProductForId")


async def test_memory_backend_refuses_taking_nothing_and_counts_the_queue_ahead() -> None:
    backend = MemoryThrottle(rate_margin=0, latency_margin=0)
    await backend.acquire(KEY, SPEC, 20.0)  # empty
    level = backend.available(KEY)
    with pytest.raises(WouldWait) as alone:
        await backend.acquire(KEY, SPEC, 5.0, max_wait=0.5)
    assert alone.value.seconds == pytest.approx(1.0, abs=0.01)
    assert backend.available(KEY) >= level  # nothing taken (it only refilled meanwhile)
    queued = asyncio.ensure_future(backend.acquire(KEY, SPEC, 10.0))  # 2 s of units ahead
    await asyncio.sleep(0)
    with pytest.raises(WouldWait) as behind:
        await backend.acquire(KEY, SPEC, 5.0, max_wait=2.5)
    assert behind.value.seconds == pytest.approx(3.0, abs=0.05)
    queued.cancel()


async def test_a_queued_request_leaves_when_a_503_pushes_its_turn_past_its_deadline() -> None:
    backend = MemoryThrottle(rate_margin=0, latency_margin=0)
    await backend.acquire(KEY, SPEC, 20.0)
    waiter = asyncio.ensure_future(backend.acquire(KEY, SPEC, 5.0, max_wait=1.5))
    await asyncio.sleep(0.05)
    await backend.mark_empty(KEY, SPEC, pause=3.0)  # the server said: nothing for 3 s
    with pytest.raises(WouldWait):
        await waiter


async def test_the_throttler_turns_a_refusal_into_deadline_exceeded_with_would_wait() -> None:
    throttler = Throttler(MemoryThrottle(rate_margin=0, latency_margin=0))
    await throttler.acquire(KEY, SPEC, 20.0)
    with pytest.raises(DeadlineExceededError) as caught:
        await throttler.acquire(KEY, SPEC, 5.0, max_wait=0.2)
    assert caught.value.would_wait == pytest.approx(1.0, abs=0.01)
    assert throttler.stats()[KEY].deadline_refusals == 1


class SlowBackend(MemoryThrottle):
    """A backend that cannot say in advance (no ``max_wait``): cut off by a timeout instead."""

    bounded = None  # type: ignore[assignment]


async def test_a_backend_without_max_wait_is_cut_off_at_the_deadline_taking_nothing() -> None:
    backend = SlowBackend(rate_margin=0, latency_margin=0)
    throttler = Throttler(backend)
    await throttler.acquire(KEY, SPEC, 20.0)
    level = backend.available(KEY)
    with pytest.raises(DeadlineExceededError) as caught:
        await throttler.acquire(KEY, SPEC, 5.0, max_wait=0.1)
    assert caught.value.would_wait >= 0.1
    assert backend.available(KEY) == pytest.approx(level, abs=0.6)  # refilled a little, took nothing


# --- the Redis backend ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def redis_server() -> Iterator[RedisServer]:
    with RedisServer() as server:
        yield server


async def test_redis_backend_refuses_at_once_taking_nothing(
    sandbox: Sandbox, redis_server: RedisServer
) -> None:
    from mws_async.throttle.redis import RedisThrottle

    backend = RedisThrottle(redis_server.url)
    async with MWSClient(sandbox.credentials, base_url=sandbox.base_url, throttle=backend) as client:
        await empty_the_bucket(client, sandbox)
        with pytest.raises(DeadlineExceededError) as caught, deadline(0.5):
            await client.products.get_matching_product_for_id("ISBN", isbns(sandbox, 5, start=20))
        assert RESTORE * 0.8 <= caught.value.would_wait <= RESTORE * 1.5
        await asyncio.sleep(caught.value.would_wait)
        assert len(await client.products.get_matching_product_for_id("ISBN", isbns(sandbox, 5))) == 5
    assert sandbox.request_log.count(OP, processed=True) == 5
    assert sandbox.request_log.count(OP, status=503) == 0
