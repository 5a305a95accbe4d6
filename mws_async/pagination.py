"""Pagination: one async generator for the three MWS modes, driven by the operation spec.

``async for record in paginator`` yields records across pages; :meth:`Paginator.pages` yields
:class:`~mws_async.operations.Page` objects carrying their ``next_token`` so a job can checkpoint and
later resume with ``next_token=`` (the original arguments are still needed to recover from a corrupted
token). Each page request goes through the throttler of its own operation (the ByNextToken twin).

On ``NextTokenCorrupted`` the token is never repeated: the listing restarts from the originating
operation with the original arguments and skips records already yielded, keyed by their natural id
(AmazonOrderId, ReportId...). Nothing is lost and nothing is yielded twice.

A server that hands out a token this pass already used (the same token again, or a cycle A, B, A) would
make the listing endless: every token is remembered (per pass: a restart or a ``follow`` poll starts a new
one) and a repeat raises :class:`~mws_async.errors.PaginationLoopError` before the token is sent again.
Every page iteration yields to the event loop, so a transport that answers without suspending (a mock, a
cache) never starves other tasks.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import AsyncIterator, Mapping
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from mws_async.errors import ClientValidationError, NextTokenCorruptedError, PaginationLoopError
from mws_async.operations import Operation, Page, Pagination
from mws_async.settings import is_number, shown

if TYPE_CHECKING:
    from mws_async.client import MWSClient
    from mws_async.credentials import Credentials

__all__ = ["Paginator", "check_paging_arguments"]

R = TypeVar("R")


def check_paging_arguments(
    operation: str,
    *,
    follow: object = False,
    poll_interval: object = 60.0,
    max_polls: object = None,
    max_restarts: object = 3,
) -> None:
    """Raise :class:`~mws_async.errors.ClientValidationError` (for ``operation``) listing every paging
    argument that is not what :class:`Paginator` takes: ``follow`` a bool (``"no"`` would be truthy and
    follow); ``poll_interval`` a finite number of seconds >= 0 (``-1`` or ``nan`` would poll as fast as the
    quota allows unasked; ``0`` asks for that, as tests against a sandbox do); ``max_polls`` a whole number
    >= 0 or None; ``max_restarts`` a whole number >= 0."""
    problems = []
    if not isinstance(follow, bool):
        problems.append(f"follow must be True or False, got {shown(follow)}")
    # Compared with the largest float rather than math.inf: an int such as 10**400 is no float at all.
    if not is_number(poll_interval) or not 0 <= poll_interval <= sys.float_info.max:
        problems.append(f"poll_interval must be a finite number of seconds >= 0, got {shown(poll_interval)}")
    if max_polls is not None and not _count(max_polls):
        problems.append(f"max_polls must be a whole number >= 0 or None, got {shown(max_polls)}")
    if not _count(max_restarts):
        problems.append(f"max_restarts must be a whole number >= 0, got {shown(max_restarts)}")
    if problems:
        raise ClientValidationError(operation, problems)


def _count(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


class Paginator(Generic[R]):
    """Async iterator over the records of a paginated operation (see the module docstring).

    Parameters: ``follow`` (a bool) keeps polling a MoreResultsAvailable listing every ``poll_interval``
    seconds (a finite number >= 0) once no more results are available now (stop with ``max_polls`` or
    by breaking out of the loop); ``max_restarts`` bounds recoveries from corrupted tokens. Other values are
    a :class:`~mws_async.errors.ClientValidationError` raised here, before any request.
    """

    def __init__(
        self,
        client: MWSClient,
        operation: Operation[Any],
        args: Mapping[str, Any],
        *,
        next_token: str | None = None,
        credentials: Credentials | None = None,
        follow: bool = False,
        poll_interval: float = 60.0,
        max_polls: int | None = None,
        max_restarts: int = 3,
    ) -> None:
        if operation.pagination is None:
            raise ClientValidationError(
                operation.action, [f"{operation.action} does not paginate; call it directly"]
            )
        check_paging_arguments(
            operation.action,
            follow=follow,
            poll_interval=poll_interval,
            max_polls=max_polls,
            max_restarts=max_restarts,
        )
        self._client = client
        self._operation = operation
        self._pagination: Pagination = operation.pagination
        self._args = dict(args)
        self._start_token = next_token
        self._credentials = credentials
        self._follow = follow
        self._poll_interval = poll_interval
        self._max_polls = max_polls
        self._max_restarts = max_restarts
        self.next_token: str | None = next_token
        """The token of the next page not yet fetched (checkpoint this to resume)."""

    def __aiter__(self) -> AsyncIterator[R]:
        return self._records()

    async def _records(self) -> AsyncIterator[R]:
        async for page in self.pages():
            for record in page.records:
                yield record

    async def _fetch(self, token: str | None) -> Any:
        if token is None:
            return await self._client.call(self._operation, self._args, credentials=self._credentials)
        return await self._client.call(
            self._pagination.next_operation, {"next_token": token}, credentials=self._credentials
        )

    async def pages(self) -> AsyncIterator[Page]:
        """Yield each page (result, records, next_token, has_more).

        Raises :class:`~mws_async.errors.PaginationLoopError` when the server repeats a token of this pass.
        """
        pagination = self._pagination
        natural_id = pagination.natural_id
        seen: set[str] = set()
        token = self._start_token
        # Token -> the page whose answer gave it (0: the next_token this listing started from).
        tokens: dict[str, int] = {} if token is None else {token: 0}
        pages = 0
        restarts = 0
        skipping = False
        polls = 0
        while True:
            # A transport that answers without suspending must not starve the loop (one yield per page).
            await asyncio.sleep(0)
            try:
                result = await self._fetch(token)
            except NextTokenCorruptedError:
                if restarts >= self._max_restarts or natural_id is None:
                    raise
                # Never repeat a corrupted token: start over and skip what was already yielded.
                restarts += 1
                token = None
                tokens = {}  # the new pass hands out new tokens
                skipping = True
                continue
            pages += 1
            asked = self._operation.action if token is None else pagination.next_operation.action
            records = list(pagination.records(result))
            if natural_id is not None:
                fresh = []
                for record in records:
                    key = natural_id(record)
                    if key is None:
                        fresh.append(record)
                    elif key not in seen:
                        seen.add(key)
                        fresh.append(record)
                if skipping or len(fresh) != len(records):
                    records = fresh
            token = pagination.token(result)
            more = pagination.more_now(result)
            loop: PaginationLoopError | None = None
            if more and token is not None:
                first = tokens.get(token)
                if first is not None:
                    loop = PaginationLoopError(
                        asked, token, token_position=pages, first_position=first, pages=pages
                    )
                tokens[token] = pages
            self.next_token = token
            yield Page(
                result=result,
                records=records,
                next_token=token,
                has_more=more,
                request_id=getattr(result, "request_id", None),
            )
            if loop is not None:
                # This page's records were yielded; the repeated token is never sent.
                raise loop
            if more:
                continue
            if self._follow and pagination.mode == "more_results" and token is not None:
                polls += 1
                if self._max_polls is not None and polls > self._max_polls:
                    return
                await asyncio.sleep(self._poll_interval)
                # Polling resends the last token by design: a new pass starts from it.
                tokens = {token: pages}
                continue
            return
