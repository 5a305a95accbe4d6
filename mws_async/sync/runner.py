"""Running one dataset's sync: take the lease, keep it renewed, copy, give it back; and the dry-run plan.

>>> async with MWSClient(creds) as client, await open_store("shop.sqlite") as store:   # doctest: +SKIP
...     result = await sync(client, store, "orders", since=datetime(2025, 1, 1, tzinfo=UTC))
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from mws_async.errors import ConfigurationError
from mws_async.sync.datasets import DATASETS, DEFAULT_OVERLAP, SyncContext, SyncProgress
from mws_async.sync.errors import SyncError
from mws_async.sync.store import Lease, Store, SyncState, check_reports_dir

if TYPE_CHECKING:
    from mws_async.client import MWSClient

__all__ = ["SyncResult", "check_dataset", "needs_since", "plan", "sync"]

logger = logging.getLogger("mws_async.sync")


@dataclass(frozen=True, slots=True)
class SyncResult:
    """What one run did: records and pages committed, the checkpoint it left, whether it resumed a
    window an earlier run had started, and how long it took."""

    seller_id: str
    dataset: str
    records: int
    pages: int
    skipped: int
    resumed: bool
    state: SyncState
    elapsed: float

    @property
    def complete(self) -> bool:
        """Whether the run finished its window (False when stopped by ``max_pages``)."""
        return not self.state.in_window


def check_dataset(name: str) -> str:
    """``name`` if it is a dataset, else a :class:`~mws_async.errors.ConfigurationError` listing them."""
    if name not in DATASETS:
        raise ConfigurationError(f"unknown dataset {name!r}; the datasets are {', '.join(DATASETS)}")
    return name


def _since(since: datetime | None) -> datetime | None:
    if since is None:
        return None
    return since.replace(tzinfo=UTC) if since.tzinfo is None else since.astimezone(UTC)


async def _heartbeat(store: Store, lease: Lease, every: float) -> None:
    """Renew the lease while the sync waits on quota between commits (each commit renews it too)."""
    while True:
        await asyncio.sleep(every)
        try:
            async with store.transaction() as conn:
                await store.renew_lease(conn, lease)
        except SyncError as exc:  # the next commit raises it for real (and rolls back)
            logger.warning("sync lease renewal failed: %s", exc)
            return


async def sync(
    client: MWSClient,
    store: Store,
    dataset: str,
    *,
    since: datetime | None = None,
    overlap: timedelta = DEFAULT_OVERLAP,
    progress: SyncProgress | None = None,
    max_pages: int | None = None,
) -> SyncResult:
    """Copy ``dataset`` of the client's seller into ``store``, from its checkpoint (or from ``since`` on
    a first run) up to now; see :mod:`mws_async.sync.datasets`. Raises
    :class:`~mws_async.sync.errors.SyncLockedError` when another sync of the same seller and dataset runs,
    and :class:`~mws_async.errors.ConfigurationError` up front when reports could not be written to the
    store's reports folder.
    ``progress`` is updated as pages are committed; ``max_pages`` stops early (the next run goes on)."""
    check_dataset(dataset)
    if overlap < timedelta(0):
        raise ConfigurationError(f"overlap must not be negative, not {overlap}")
    seller_id = client.credentials.seller_id
    if dataset == "reports":  # before the lease and any request, not at the first download
        check_reports_dir(store.reports_dir / seller_id)
    progress = progress or SyncProgress(dataset)
    lease = await store.acquire_lease(seller_id, dataset)
    beat = asyncio.create_task(_heartbeat(store, lease, min(60.0, store.lease_seconds / 3)))
    started = time.perf_counter()
    try:
        context = SyncContext(client, store, lease, _since(since), overlap, progress, max_pages)
        state = await DATASETS[dataset](context)
    finally:
        beat.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await beat
        # Give the lease back; if the store is failing, the lease simply expires.
        with contextlib.suppress(SyncError):
            await store.release_lease(lease)
    return SyncResult(
        seller_id,
        dataset,
        progress.records,
        progress.pages,
        progress.skipped,
        progress.resumed,
        state,
        time.perf_counter() - started,
    )


async def needs_since(store: Store, seller_id: str, dataset: str) -> bool:
    """Whether a sync of ``dataset`` for ``seller_id`` has nothing to start from without ``since`` (it
    never ran into this store); order items start from the stored orders instead."""
    check_dataset(dataset)
    if dataset == "order-items":
        return False
    state = await store.load_state(seller_id, dataset)
    return state.watermark is None and not state.in_window


def _when(value: datetime | None) -> str:
    return f"{value:%Y-%m-%d %H:%M:%S} UTC" if value is not None else "-"


async def plan(
    store: Store,
    seller_id: str,
    dataset: str,
    *,
    since: datetime | None = None,
    overlap: timedelta = DEFAULT_OVERLAP,
) -> str:
    """What :func:`sync` would do now, in one or two sentences (no request is sent, nothing is written)."""
    check_dataset(dataset)
    state = await store.load_state(seller_id, dataset)
    where = f"{dataset} of seller {seller_id} into {store.display}"
    done = f" ({state.records:,} records in {state.pages:,} pages so far)" if state.pages else ""
    if dataset == "order-items":
        return (
            f"{where}: list the items of every stored order whose items are missing or older than the order"
            f"{done}."
        )
    if state.in_window and state.next_token is not None:
        return (
            f"{where}: resume the window from {_when(state.window_after)} at its saved NextToken{done}, "
            "then stop at the window's end."
        )
    if state.watermark is not None:
        start = state.watermark - overlap
        return (
            f"{where}: incremental from {_when(start)} (the watermark {_when(state.watermark)} less "
            f"{overlap.total_seconds() / 60:g} min of overlap) up to now{done}."
        )
    since = _since(since)
    if since is None:
        return f"{where}: never synced; give --since DATE to start."
    return f"{where}: first run, from {_when(since)} up to now."
