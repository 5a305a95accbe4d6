"""The errors a sync can meet, all :class:`~mws_async.errors.MWSError` subclasses.

::

    MWSError
    └── SyncError                   a sync could not run or go on
        ├── SyncLockedError         another sync holds the lease on this seller and dataset
        ├── SyncLeaseLostError      this sync's lease was taken over: it stopped without committing more
        ├── SyncStoreError          the database or its reports folder failed (message without password)
        └── SyncPlanError           nothing to start from (no --since on a first run, no orders yet)
"""

from __future__ import annotations

from datetime import datetime

from mws_async.errors import MWSError

__all__ = ["SyncError", "SyncLeaseLostError", "SyncLockedError", "SyncPlanError", "SyncStoreError"]


class SyncError(MWSError):
    """A sync could not run or go on."""


class SyncLockedError(SyncError):
    """Another sync holds the lease on this seller and dataset (``holder``, until ``expires_at``)."""

    def __init__(self, seller_id: str, dataset: str, holder: str, expires_at: datetime) -> None:
        self.seller_id, self.dataset, self.holder, self.expires_at = seller_id, dataset, holder, expires_at
        super().__init__(
            f"another sync of {dataset} for seller {seller_id} is running (lease held by {holder} until "
            f"{expires_at:%Y-%m-%d %H:%M:%S} UTC); let it finish, or if it is gone, wait until its lease "
            "expires and run again (a crashed sync on this machine is detected at once)"
        )


class SyncLeaseLostError(SyncError):
    """This sync's lease expired and another sync took it over: this one stopped; nothing of the page in
    flight was committed."""

    def __init__(self, seller_id: str, dataset: str) -> None:
        self.seller_id, self.dataset = seller_id, dataset
        super().__init__(
            f"the lease on {dataset} for seller {seller_id} was taken over by another sync (this one was "
            "stalled past its lease); stopped without committing the page in flight. Run again later: the "
            "store is consistent"
        )


class SyncStoreError(SyncError):
    """The database failed, cannot be reached or cannot hold a sync, or a report file could not be written
    to its reports folder; ``store`` is the database's URL (no password)."""

    def __init__(self, store: str, message: str) -> None:
        self.store = store
        super().__init__(f"database {store}: {message}")


class SyncPlanError(SyncError):
    """The sync has nothing to start from (a first run without ``since``, order items before orders)."""
