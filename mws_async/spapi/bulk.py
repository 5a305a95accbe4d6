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

from collections.abc import AsyncIterable, AsyncIterator, Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from mws_async.bulk import (
    DEFAULT_WINDOW,
    BulkResult,
    BulkStats,
    Chunk,
    Emit,
    Status,
    check_settings,
    stream_bulk,
)
from mws_async.errors import ClientValidationError, MWSError
from mws_async.identifiers import describe
from mws_async.spapi.errors import SPAPIError

__all__ = ["DEFAULT_WINDOW", "Fetch", "ItemOutcome", "run_spapi_bulk"]


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


def run_spapi_bulk(
    ids: Iterable[Any] | AsyncIterable[Any],
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
    input order instead of completion order. The pipeline is :func:`mws_async.bulk.stream_bulk`'s, with its
    input rules: a non-string id is an ``Invalid`` result, and bad settings (``concurrency``,
    ``chunk_size`` or ``window`` not a positive int, ``item_retries`` not an int >= 0, an unknown
    ``id_type``) raise :class:`~mws_async.errors.ClientValidationError` here, before any id is read.
    """
    check_settings("bulk", concurrency=concurrency)
    if isinstance(item_retries, bool) or not isinstance(item_retries, int) or item_retries < 0:
        raise ClientValidationError("bulk", [f"item_retries={describe(item_retries)} must be an int >= 0"])
    stats = stats if stats is not None else BulkStats()

    def result(index: int, given: str, value: str, outcome: ItemOutcome, status: Status | None = None) -> Any:
        return BulkResult(
            given, index, status or outcome.status, outcome.result, outcome.error_code, outcome.error_message,
            seller_id, value,
        )  # fmt: skip

    async def work(chunk: Chunk, emit: Emit) -> None:
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
                    emit(result(index, given, value, failed))
                return
            again: Chunk = []
            for index, given, value in pending:
                outcome = outcomes.get(value)
                if outcome is None:
                    missing = ItemOutcome(
                        "Failed", None, "MissingResult", "no result for this id in the response"
                    )
                    emit(result(index, given, value, missing))
                elif outcome.retryable and round_ < item_retries:
                    again.append((index, given, value))
                elif outcome.retryable:
                    emit(result(index, given, value, outcome, "Failed"))
                else:
                    emit(result(index, given, value, outcome))
            if not again:
                return
            pending = again

    return stream_bulk(
        ids,
        id_type=id_type,
        chunk_size=chunk_size,
        workers=[work] * concurrency,
        ordered=ordered,
        window=window,
        stats=stats,
    )
