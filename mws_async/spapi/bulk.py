"""The SP-API bulk runner: many ids -> de-duplicated, chunked, throttled calls -> one result per distinct id.

Same semantics as :func:`mws_async.bulk.run_bulk` (and the same :class:`~mws_async.bulk.BulkResult` /
:class:`~mws_async.bulk.BulkStats` types): input consumed lazily, at most ``window`` distinct ids in flight or
buffered, invalid ids become ``Invalid`` results without a request, a chunk whose call fails after the
client's retries becomes ``Failed`` results for its ids, and the iterator never drops an id. What differs is
the seam: SP-API batch answers carry a status per item, so ``fetch`` returns an :class:`ItemOutcome` per id,
and items whose own status was retryable (429 or 5xx inside a getItemOffersBatch answer) are re-batched up to
``item_retries`` times before they are reported ``Failed``.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterable, AsyncIterator, Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Final

from mws_async.bulk import BulkResult, BulkStats, Status
from mws_async.errors import MWSError
from mws_async.identifiers import invalid_reason, normalize
from mws_async.spapi.errors import SPAPIError

__all__ = ["DEFAULT_WINDOW", "Fetch", "ItemOutcome", "run_spapi_bulk"]

DEFAULT_WINDOW: Final = 10_000
_END: Final = object()


@dataclass(frozen=True, slots=True)
class ItemOutcome:
    """What one call said about one id: status, per-id model, error, and whether re-asking may help."""

    status: Status
    result: Any = None
    error_code: str | None = None
    error_message: str | None = None
    retryable: bool = False


Fetch = Callable[[list[str]], Awaitable[Mapping[str, ItemOutcome]]]
"""Asks about a chunk of (normalized) ids; returns an outcome per id it has an answer for."""


async def _iterate(ids: Iterable[str] | AsyncIterable[str]) -> AsyncIterator[str]:
    if isinstance(ids, AsyncIterable):
        async for value in ids:
            yield value
    else:
        for value in ids:
            yield value


async def run_spapi_bulk(
    ids: Iterable[str] | AsyncIterable[str],
    fetch: Fetch,
    *,
    chunk_size: int,
    id_type: str = "ASIN",
    ordered: bool = False,
    concurrency: int = 2,
    window: int = DEFAULT_WINDOW,
    stats: BulkStats | None = None,
    item_retries: int = 5,
    seller_id: str | None = None,
) -> AsyncIterator[BulkResult[Any]]:
    """Yield one :class:`BulkResult` per distinct id of ``ids`` (see the module docstring).

    ``concurrency`` is the number of calls in flight (the throttler sets the pace); ``ordered`` yields in
    input order instead of completion order.
    """
    window = max(window, chunk_size * 2)
    stats = stats if stats is not None else BulkStats()
    results: asyncio.Queue[BulkResult[Any] | BaseException | object] = asyncio.Queue()
    chunks: asyncio.Queue[list[tuple[int, str, str]] | None] = asyncio.Queue(maxsize=max(2, concurrency))
    permits = asyncio.Semaphore(window)
    total: list[int | None] = [None]

    def emit(index: int, given: str, value: str, outcome: ItemOutcome, status: Status | None = None) -> None:
        results.put_nowait(
            BulkResult(
                given,
                index,
                status or outcome.status,
                outcome.result,
                outcome.error_code,
                outcome.error_message,
                seller_id,
                value,
            )
        )

    async def produce() -> None:
        seen: set[str] = set()
        pending: list[tuple[int, str, str]] = []
        index = 0
        try:
            async for raw in _iterate(ids):
                given = raw.strip()
                value = normalize(given, id_type)
                if value in seen:
                    stats.duplicates += 1
                    continue
                seen.add(value)
                if permits.locked() and pending:
                    await chunks.put(pending)
                    pending = []
                await permits.acquire()
                stats.distinct += 1
                reason = invalid_reason(value, id_type)
                if reason is not None:
                    results.put_nowait(BulkResult(given, index, "Invalid", None, "InvalidIdentifier", reason))
                else:
                    pending.append((index, given, value))
                    if len(pending) >= chunk_size:
                        await chunks.put(pending)
                        pending = []
                index += 1
            if pending:
                await chunks.put(pending)
        except Exception as exc:  # the input itself failed: surface it to the consumer
            results.put_nowait(exc)
            return
        stats.input_done = True
        total[0] = index
        results.put_nowait(_END)
        for _ in range(concurrency):
            await chunks.put(None)

    async def work() -> None:
        while (chunk := await chunks.get()) is not None:
            pending = chunk
            for round_ in range(item_retries + 1):
                stats.requests += 1
                try:
                    outcomes = await fetch([value for _, _, value in pending])
                except Exception as exc:  # after the client's retries; a bug must not lose ids either
                    code = exc.code if isinstance(exc, SPAPIError) else type(exc).__name__
                    failed = ItemOutcome(
                        "Failed", None, code, str(exc) if isinstance(exc, MWSError) else repr(exc)
                    )
                    for index, given, value in pending:
                        emit(index, given, value, failed)
                    break
                again: list[tuple[int, str, str]] = []
                for index, given, value in pending:
                    outcome = outcomes.get(value)
                    if outcome is None:
                        missing = ItemOutcome(
                            "Failed", None, "MissingResult", "no result for this id in the response"
                        )
                        emit(index, given, value, missing)
                    elif outcome.retryable and round_ < item_retries:
                        again.append((index, given, value))
                    elif outcome.retryable:
                        emit(index, given, value, outcome, "Failed")
                    else:
                        emit(index, given, value, outcome)
                if not again:
                    break
                pending = again

    tasks = [asyncio.create_task(produce(), name="spapi-bulk-producer")]
    tasks += [asyncio.create_task(work(), name=f"spapi-bulk-worker-{n}") for n in range(concurrency)]
    buffer: dict[int, BulkResult[Any]] = {}
    next_index = 0
    emitted = 0
    try:
        while total[0] is None or emitted < total[0]:
            item = await results.get()
            if item is _END:
                continue
            if isinstance(item, BaseException):
                raise item
            assert isinstance(item, BulkResult)
            stats.count(item.status)
            if not ordered:
                emitted += 1
                permits.release()
                yield item
                continue
            buffer[item.index] = item
            while next_index in buffer:
                ready = buffer.pop(next_index)
                next_index += 1
                emitted += 1
                permits.release()
                yield ready
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
