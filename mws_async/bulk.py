"""Bulk lookups: many ids -> validated, de-duplicated, chunked, throttled, concurrent requests -> one result
per distinct id, streamed as they complete (or in input order).

Memory stays bounded for millions of ids: input is consumed lazily, at most ``window`` distinct ids are
in flight or buffered at once, and only the set of ids already seen (for de-duplication) grows with the
input. An id that fails validation (check digit, shape) becomes an ``Invalid`` result without a
request, and so does anything that is not a string (``None``, an int, bytes, any object: its result's
``id`` is the value's ``repr``, e.g. ``"None"`` or ``"123"``); a chunk that still fails after the
transport's retries becomes ``Failed`` results for its ids. The iterator never stops half-way and never
drops an id.

Settings are checked when a helper is called, before any id is read: an unknown id type (accepted in any
case otherwise), a ``concurrency``, ``window`` or ``chunk_size`` that is not a positive int, or ``ids``
that is a single string or not iterable at all raise :class:`~mws_async.errors.ClientValidationError`.
An exception raised by the caller's own id iterator propagates unchanged.

Several sellers (a list of credentials) work side by side on one shared queue of chunks, each through its
own throttle buckets, so their quotas add up.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterable, AsyncIterator, Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Final, Generic, Literal, TypeVar

from mws_async.errors import ClientValidationError, MWSResponseError
from mws_async.identifiers import EXAMPLE_IDS, check, describe, resolve_id_type
from mws_async.operations import Operation

if TYPE_CHECKING:
    from mws_async.client import MWSClient
    from mws_async.credentials import Credentials

__all__ = [
    "BulkResult",
    "BulkStats",
    "BulkTarget",
    "Chunk",
    "Emit",
    "Worker",
    "check_ids_input",
    "check_settings",
    "run_bulk",
    "stream_bulk",
]

T = TypeVar("T")
Status = Literal["Success", "ClientError", "ServerError", "Invalid", "Failed"]
DEFAULT_WINDOW: Final = 10_000
_END: Final = object()


@dataclass(frozen=True, slots=True)
class BulkResult(Generic[T]):
    """The outcome for one distinct input id.

    ``id`` is the input as given (whitespace trimmed), or for a non-string input its ``repr`` (``"None"``,
    ``"123"``); ``sent`` the normalized form sent to MWS (hyphens removed from ISBN/UPC/EAN/JAN, ASINs
    uppercased), None for an ``Invalid`` id. ``status`` is MWS's per-id status (``Success``, ``ClientError``,
    ``ServerError``), ``Invalid`` (rejected before sending) or ``Failed`` (its request failed after retries).
    ``result`` is the per-id model.
    """

    id: str
    index: int
    status: Status
    result: T | None = None
    error_code: str | None = None
    error_message: str | None = None
    seller_id: str | None = None
    sent: str | None = None

    @property
    def ok(self) -> bool:
        """MWS answered ``Success`` for this id."""
        return self.status == "Success"


@dataclass(slots=True)
class BulkStats:
    """Counters of a bulk run (read while it runs, e.g. for a progress display)."""

    distinct: int = 0
    duplicates: int = 0
    done: int = 0
    success: int = 0
    client_errors: int = 0
    server_errors: int = 0
    invalid: int = 0
    failed: int = 0
    requests: int = 0
    input_done: bool = False

    def count(self, status: str) -> None:
        self.done += 1
        if status == "Success":
            self.success += 1
        elif status == "ClientError":
            self.client_errors += 1
        elif status == "ServerError":
            self.server_errors += 1
        elif status == "Invalid":
            self.invalid += 1
        else:
            self.failed += 1


@dataclass(frozen=True, slots=True)
class BulkTarget:
    """How a bulk helper drives one operation: which argument takes the ids, how many per request,
    fixed arguments, and how to find the id of each per-id result."""

    operation: Operation[Any]
    id_param: str
    chunk_size: int
    id_type: str
    fixed: dict[str, Any] = field(default_factory=dict)
    result_id: Callable[[Any], str | None] | None = None
    """Id of one per-id result; None for single-id operations whose whole result belongs to the id."""


async def _iterate(ids: Iterable[Any] | AsyncIterable[Any]) -> AsyncIterator[Any]:
    if isinstance(ids, AsyncIterable):
        async for value in ids:
            yield value
    else:
        for value in ids:
            yield value


def check_settings(operation: str, **settings: object) -> None:
    """Each of ``settings`` (``concurrency=8``, ``window=...``) must be a positive int (not a bool), else a
    :class:`~mws_async.errors.ClientValidationError` for ``operation`` naming every bad one."""
    problems = [
        f"{name}={describe(value)} must be a positive int"
        for name, value in settings.items()
        if isinstance(value, bool) or not isinstance(value, int) or value <= 0
    ]
    if problems:
        raise ClientValidationError(operation, problems)


def check_ids_input(operation: str, ids: object) -> None:
    """``ids`` must be an iterable (or async iterable) of ids, not one string: checked before reading it."""
    if isinstance(ids, (str, bytes, bytearray)):
        raise ClientValidationError(
            operation,
            [f"ids must be an iterable of ids, not a single {type(ids).__name__}; wrap it in a list"],
        )
    if not isinstance(ids, (Iterable, AsyncIterable)):
        raise ClientValidationError(operation, [f"ids must be an iterable of ids, got {type(ids).__name__}"])


def _error_fields(item: Any) -> tuple[str | None, str | None]:
    error = getattr(item, "error", None)
    if error is None:
        return None, None
    return getattr(error, "code", None), getattr(error, "message", None)


def _status(item: Any) -> Status:
    status = getattr(item, "status", None)
    if status in ("Success", "ClientError", "ServerError"):
        return status  # type: ignore[no-any-return]
    # Statuses such as NoBuyableOffers are answers, not failures.
    return "Success" if getattr(item, "error", None) is None else "ClientError"


Chunk = list[tuple[int, str, str]]
"""A chunk of ``(index, id as given, normalized id)`` sent in one request."""
Emit = Callable[[BulkResult[Any]], None]
Worker = Callable[[Chunk, Emit], Awaitable[None]]
"""Processes one chunk and emits exactly one :class:`BulkResult` per id of it (never raises: an exception
from a worker ends the stream with that exception, as one from the ids' iterator does)."""


def stream_bulk(
    ids: Iterable[Any] | AsyncIterable[Any],
    *,
    id_type: str,
    chunk_size: int,
    workers: Sequence[Worker],
    ordered: bool = False,
    window: int = DEFAULT_WINDOW,
    stats: BulkStats | None = None,
) -> AsyncIterator[BulkResult[Any]]:
    """The pipeline every bulk helper shares: read ids lazily, de-duplicate, validate (``Invalid`` results
    without a request), chunk, hand chunks to ``workers`` (one task each), and yield one result per
    distinct id as they complete or, with ``ordered``, in input order. At most ``window`` distinct ids are
    in flight or buffered at once (never fewer than two chunks).

    Its settings are checked here, when it is called (see the module docstring); ``id_type`` may be given
    in any case. Any input value yields a result: a non-string is ``Invalid`` (its ``repr`` as ``id``, one
    result per distinct ``repr``).
    """
    canonical = resolve_id_type(id_type, "bulk")
    check_settings("bulk", chunk_size=chunk_size, window=window)
    check_ids_input("bulk", ids)
    if not workers:
        raise ClientValidationError("bulk", ["a bulk run needs at least one worker (concurrency >= 1)"])
    return _stream(
        ids,
        id_type=canonical,
        chunk_size=chunk_size,
        workers=list(workers),
        ordered=ordered,
        window=max(window, chunk_size * 2),
        stats=stats if stats is not None else BulkStats(),
    )


async def _stream(
    ids: Iterable[Any] | AsyncIterable[Any],
    *,
    id_type: str,
    chunk_size: int,
    workers: list[Worker],
    ordered: bool,
    window: int,
    stats: BulkStats,
) -> AsyncIterator[BulkResult[Any]]:
    results: asyncio.Queue[BulkResult[Any] | BaseException | object] = asyncio.Queue()
    chunks: asyncio.Queue[Chunk | None] = asyncio.Queue(maxsize=max(2, len(workers)))
    permits = asyncio.Semaphore(window)
    total: list[int | None] = [None]

    async def produce() -> None:
        seen: set[str] = set()
        seen_other: set[str] = set()  # non-string inputs, by repr: never confused with a string id
        pending: Chunk = []
        index = 0
        try:
            async for raw in _iterate(ids):
                checked = check(raw, id_type)
                if checked.value is None:
                    key, keys = checked.given, seen_other
                else:
                    key, keys = checked.value, seen
                if key in keys:
                    stats.duplicates += 1
                    continue
                keys.add(key)
                if permits.locked() and pending:
                    # Never sit on a partial chunk while waiting for room: its results are what frees room.
                    await chunks.put(pending)
                    pending = []
                await permits.acquire()
                stats.distinct += 1
                if checked.reason is not None or checked.value is None:
                    reason = checked.reason or "not an id"
                    results.put_nowait(
                        BulkResult(checked.given, index, "Invalid", None, "InvalidIdentifier", reason)
                    )
                else:
                    pending.append((index, checked.given, checked.value))
                    if len(pending) >= chunk_size:
                        await chunks.put(pending)
                        pending = []
                index += 1
            if pending:
                await chunks.put(pending)
        except Exception as exc:  # the caller's own input failed: surface it to the consumer unchanged
            results.put_nowait(exc)
            return
        stats.input_done = True
        total[0] = index
        results.put_nowait(_END)
        for _ in workers:
            await chunks.put(None)

    async def run_worker(worker: Worker) -> None:
        try:
            while (chunk := await chunks.get()) is not None:
                await worker(chunk, results.put_nowait)
        except Exception as exc:  # a worker broke its contract: the consumer sees why, instead of waiting
            results.put_nowait(exc)

    tasks = [asyncio.create_task(produce(), name="mws-bulk-producer")]
    tasks += [asyncio.create_task(run_worker(w), name=f"mws-bulk-worker-{n}") for n, w in enumerate(workers)]
    buffer: dict[int, BulkResult[Any]] = {}
    next_index = 0
    emitted = 0
    try:
        while total[0] is None or emitted < total[0]:
            item = await results.get()
            if isinstance(item, BaseException):
                raise item
            if not isinstance(item, BulkResult):  # _END: the total is known now
                continue
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


def run_bulk(
    client: MWSClient,
    target: BulkTarget,
    ids: Iterable[str] | AsyncIterable[str],
    *,
    credentials: Sequence[Credentials] | None = None,
    ordered: bool = False,
    concurrency: int = 8,
    window: int = DEFAULT_WINDOW,
    stats: BulkStats | None = None,
) -> AsyncIterator[BulkResult[Any]]:
    """Run ``target`` over ``ids`` and yield one :class:`BulkResult` per distinct id (see module docstring).

    ``concurrency`` is the number of requests in flight per seller (the throttler sets the pace; this only
    needs to cover latency); ``window`` bounds the distinct ids in flight or buffered.

    Everything but the ids is checked now, before any id is read: the settings, the id type, and the fixed
    arguments of ``target`` (built once with an example id), so a bad argument is one
    :class:`~mws_async.errors.ClientValidationError` here instead of a ``Failed`` result for every id.
    """
    action = target.operation.action
    check_settings(action, concurrency=concurrency, window=window, chunk_size=target.chunk_size)
    id_type = resolve_id_type(target.id_type, action)
    check_ids_input(action, ids)
    example = EXAMPLE_IDS[id_type]
    probe = {**target.fixed, target.id_param: example if target.result_id is None else [example]}
    target.operation.build(probe, default_marketplace=client.marketplace.marketplace_id)
    stats = stats if stats is not None else BulkStats()
    sellers: list[Credentials | None] = list(credentials) if credentials else [None]

    def worker_for(creds: Credentials | None) -> Worker:
        seller_id = (creds or client.credentials).seller_id

        async def work(chunk: Chunk, emit: Emit) -> None:
            values = [value for _, _, value in chunk]
            args = dict(target.fixed)
            args[target.id_param] = values[0] if target.result_id is None else values
            stats.requests += 1
            try:
                answer = await client.call(target.operation, args, credentials=creds)
            except Exception as exc:  # after retries; a bug or a model mismatch must not lose ids either
                code = exc.code if isinstance(exc, MWSResponseError) else type(exc).__name__
                for index, given, value in chunk:
                    emit(BulkResult(given, index, "Failed", None, code, str(exc), seller_id, value))
                return
            if target.result_id is None:
                (index, given, value) = chunk[0]
                emit(BulkResult(given, index, "Success", answer, None, None, seller_id, value))
                return
            by_id: dict[str, Any] = {}
            for item in answer:
                key = target.result_id(item)
                if key is not None:
                    by_id.setdefault(key, item)
            for index, given, value in chunk:
                item = by_id.get(value)
                if item is None:
                    missing = "no result for this id in the response"
                    emit(BulkResult(given, index, "Failed", None, "MissingResult", missing, seller_id, value))
                    continue
                error_code, message = _error_fields(item)
                emit(BulkResult(given, index, _status(item), item, error_code, message, seller_id, value))

        return work

    workers = [worker_for(creds) for creds in sellers for _ in range(concurrency)]
    return stream_bulk(
        ids,
        id_type=id_type,
        chunk_size=target.chunk_size,
        workers=workers,
        ordered=ordered,
        window=window,
        stats=stats,
    )
