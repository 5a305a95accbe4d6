"""Ingestion: a durable, resumable copy of a seller's data into SQLite or PostgreSQL.

>>> async with MWSClient(creds) as client, await open_store("postgresql:///shop") as store:  # doctest: +SKIP
...     await sync(client, store, "orders", since=datetime(2025, 1, 1, tzinfo=UTC))
...     await sync(client, store, "order-items")

The guarantee: each page is committed in the same transaction as the checkpoint that covers it (watermark
and NextToken), rows are upserts on natural keys, and orders keep their latest version by LastUpdateDate,
so a sync killed at any instant and run again ends with every record exactly once. A lease per seller and
dataset keeps concurrent syncs (several workers on one PostgreSQL) from overlapping
(:class:`SyncLockedError` names the holder). Needs the ``sync`` extra: ``pip install 'mws-async[sync]'``.

Modules: :mod:`~mws_async.sync.schema` (tables), :mod:`~mws_async.sync.store` (stores, upserts, leases),
:mod:`~mws_async.sync.datasets` (one sync per dataset), :mod:`~mws_async.sync.runner` (:func:`sync`,
:func:`plan`).
"""

from __future__ import annotations

from mws_async.sync.datasets import DATASETS, DEFAULT_OVERLAP, SyncProgress
from mws_async.sync.errors import (
    SyncError,
    SyncLeaseLostError,
    SyncLockedError,
    SyncPlanError,
    SyncStoreError,
)
from mws_async.sync.runner import SyncResult, check_dataset, needs_since, plan, sync
from mws_async.sync.store import (
    DEFAULT_DB,
    Store,
    SyncState,
    check_reports_dir,
    database_url,
    open_store,
)

__all__ = [
    "DATASETS",
    "DEFAULT_DB",
    "DEFAULT_OVERLAP",
    "Store",
    "SyncError",
    "SyncLeaseLostError",
    "SyncLockedError",
    "SyncPlanError",
    "SyncProgress",
    "SyncResult",
    "SyncState",
    "SyncStoreError",
    "check_dataset",
    "check_reports_dir",
    "database_url",
    "needs_since",
    "open_store",
    "plan",
    "sync",
]
