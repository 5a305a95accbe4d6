"""The datasets a sync copies, each by the API's own watermark.

=================  =======================================  ==============================================
dataset            listing                                  watermark and resume
=================  =======================================  ==============================================
orders             ListOrders by ``LastUpdatedAfter``       the ``LastUpdatedBefore`` MWS echoes; the next
                                                            window starts ``overlap`` before it (orders
                                                            change status after creation and show up late)
order-items        ListOrderItems per changed order         per order: ``items_synced_for`` = the order's
                                                            LastUpdateDate whose items are stored
financial-events   ListFinancialEvents by ``PostedAfter``   the window's ``PostedBefore`` (now - 3 min)
inventory          ListInventorySupply by                   the window's start time
                   ``QueryStartDateTime``
reports            GetReportList by ``AvailableFromDate``   the window's ``AvailableToDate``; each report
                                                            is downloaded once (Content-MD5 verified) and
                                                            its row points at the file
=================  =======================================  ==============================================

Every page is committed in one transaction with the checkpoint that covers it (the window and the
NextToken of the next page), and with the lease renewed: a crash at any instant leaves the store at a page
boundary, and the next run resumes from the saved NextToken (or restarts the window from its start when
the token is refused, skipping nothing: the rows are upserts on natural keys). Orders keep the latest
version by LastUpdateDate whatever order pages arrive in.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Final

import sqlalchemy as sa

from mws_async.errors import ClientValidationError, DownloadWriteError
from mws_async.sync.errors import SyncPlanError, SyncStoreError
from mws_async.sync.schema import FINANCIAL_EVENTS, INVENTORY_SUPPLY, ORDER_ITEMS, ORDERS, REPORTS
from mws_async.sync.store import Lease, Store, SyncState, utcnow

if TYPE_CHECKING:
    from mws_async.client import MWSClient
    from mws_async.operations import Page

__all__ = [
    "DATASETS",
    "DEFAULT_OVERLAP",
    "POSTED_CUTOFF",
    "SyncContext",
    "SyncProgress",
    "event_key",
    "order_row",
]

DEFAULT_OVERLAP: Final = timedelta(minutes=15)
"""How far before the last watermark the next window starts (late and changed records are caught)."""
POSTED_CUTOFF: Final = timedelta(minutes=3)
"""Financial events are listed up to this long before now (MWS: PostedBefore at most now - 2 min)."""
_EPOCH: Final = datetime(1970, 1, 1, tzinfo=UTC)
_ITEMS_BATCH: Final = 100


@dataclass
class SyncProgress:
    """What a sync has done so far (read by progress displays while it runs)."""

    dataset: str
    records: int = 0
    """Records committed by this run."""
    pages: int = 0
    """Pages (or orders, for order-items) committed by this run."""
    skipped: int = 0
    """Reports already in the store (not downloaded again)."""
    through: datetime | None = None
    """The latest record time committed."""
    resumed: bool = False
    """Whether the run continued a window a previous run had started."""
    started: float = field(default_factory=time.perf_counter)


@dataclass
class SyncContext:
    """Everything one dataset's sync needs."""

    client: MWSClient
    store: Store
    lease: Lease
    since: datetime | None
    overlap: timedelta
    progress: SyncProgress
    max_pages: int | None = None
    """Stop after this many pages (tests and benchmarks); the checkpoint makes the next run go on."""

    @property
    def seller_id(self) -> str:
        """The seller being copied."""
        return self.lease.seller_id

    async def commit(
        self, state: SyncState, writes: Sequence[Callable[[Any], Awaitable[None]]], records: int
    ) -> SyncState:
        """Run ``writes`` and save ``state`` (plus the counters) in one transaction with the lease renewed."""
        state = state.advanced(pages=state.pages + 1, records=state.records + records)
        async with self.store.transaction() as conn:
            await self.store.renew_lease(conn, self.lease)
            for write in writes:
                await write(conn)
            await self.store.save_state(conn, state)
        self.progress.pages += 1
        self.progress.records += records
        return state

    def out_of_pages(self) -> bool:
        """Whether ``max_pages`` is reached."""
        return self.max_pages is not None and self.progress.pages >= self.max_pages

    def start_point(self, state: SyncState, dataset: str) -> datetime:
        """Where a new window starts: the watermark less the overlap, else ``since`` on a first run."""
        if state.watermark is not None:
            return state.watermark - self.overlap
        if self.since is not None:
            return self.since
        raise SyncPlanError(
            f"{dataset} for seller {self.seller_id} was never synced into this database: give the date to "
            "start from (--since DATE, or since= in the library); later runs go on from the checkpoint"
        )


def _utc(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _latest(*values: datetime | None) -> datetime | None:
    present = [v for v in values if v is not None]
    return max(present) if present else None


def _dump(record: Any) -> dict[str, Any]:
    return record.model_dump(mode="json", exclude_none=True)  # type: ignore[no-any-return]


def _amount(money: Any) -> tuple[Decimal | None, str | None]:
    if money is None:
        return None, None
    return getattr(money, "amount", None), getattr(money, "currency_code", None)


# --------------------------------------------------------------------------------------------- orders


def order_row(seller_id: str, order: Any, now: datetime) -> dict[str, Any]:
    """An ``Order`` as a ``mws_orders`` row."""
    total, currency = _amount(order.order_total)
    return {
        "seller_id": seller_id,
        "amazon_order_id": order.amazon_order_id,
        "purchase_date": _utc(order.purchase_date),
        "last_update_date": _utc(order.last_update_date) or _utc(order.purchase_date) or _EPOCH,
        "order_status": order.order_status,
        "fulfillment_channel": order.fulfillment_channel,
        "marketplace_id": order.marketplace_id,
        "order_total": total,
        "currency": currency,
        "items_synced_for": None,
        "data": _dump(order),
        "synced_at": now,
    }


async def sync_orders(ctx: SyncContext) -> SyncState:
    """ListOrders by LastUpdatedAfter, one window per run (see the module docstring)."""
    store, seller = ctx.store, ctx.seller_id
    state = await store.load_state(seller, "orders")
    if state.in_window and state.next_token is not None:
        ctx.progress.resumed = True
        listing = ctx.client.orders.list_orders(
            last_updated_after=state.window_after,
            last_updated_before=state.window_before,
            next_token=state.next_token,
        )
    else:
        after = ctx.start_point(state, "orders")
        state = state.advanced(window_after=after, window_before=None, window_high=None, next_token=None)
        listing = ctx.client.orders.list_orders(last_updated_after=after)
    async for page in listing.pages():
        now = utcnow()
        rows = [order_row(seller, order, now) for order in page.records]
        high = _latest(state.window_high, *(row["last_update_date"] for row in rows))
        before = _utc(getattr(page.result, "last_updated_before", None)) or state.window_before
        if page.has_more and page.next_token is not None:
            new = state.advanced(window_before=before, window_high=high, next_token=page.next_token)
        else:
            # The window is done: everything updated before its cut-off is stored.
            new = state.advanced(
                watermark=_latest(before or high, state.watermark),
                window_after=None,
                window_before=None,
                window_high=None,
                next_token=None,
            )

        async def write(conn: Any, rows: list[dict[str, Any]] = rows) -> None:
            await store.upsert(conn, ORDERS, rows, newer="last_update_date", keep=("items_synced_for",))

        state = await ctx.commit(new, [write], len(rows))
        ctx.progress.through = _latest(ctx.progress.through, high)
        if ctx.out_of_pages():
            break
    return state


# --------------------------------------------------------------------------------------------- items


def item_row(seller_id: str, amazon_order_id: str, item: Any, now: datetime) -> dict[str, Any]:
    """An ``OrderItem`` as a ``mws_order_items`` row."""
    price, currency = _amount(item.item_price)
    return {
        "seller_id": seller_id,
        "amazon_order_id": amazon_order_id,
        "order_item_id": item.order_item_id,
        "seller_sku": item.seller_sku,
        "asin": item.asin,
        "quantity_ordered": item.quantity_ordered,
        "quantity_shipped": item.quantity_shipped,
        "item_price": price,
        "currency": currency,
        "data": _dump(item),
        "synced_at": now,
    }


async def sync_order_items(ctx: SyncContext) -> SyncState:
    """ListOrderItems for every stored order whose items are missing or older than the order's version.

    Each order's items are replaced and the order marked (``items_synced_for``) in one transaction."""
    store, seller = ctx.store, ctx.seller_id
    state = await store.load_state(seller, "order-items")
    async with store.transaction() as conn:
        stored = (
            await conn.execute(
                sa.select(sa.func.count()).select_from(ORDERS).where(ORDERS.c.seller_id == seller)
            )
        ).scalar_one()
    if not stored:
        raise SyncPlanError(
            f"no orders of seller {seller} are stored in this database yet: run the orders sync first "
            "(mws-async sync orders --since DATE); order items are copied for the stored orders"
        )
    pending = sa.or_(
        ORDERS.c.items_synced_for.is_(None), ORDERS.c.items_synced_for < ORDERS.c.last_update_date
    )
    while True:
        async with store.transaction() as conn:
            todo = (
                await conn.execute(
                    sa.select(ORDERS.c.amazon_order_id, ORDERS.c.last_update_date)
                    .where(ORDERS.c.seller_id == seller, pending)
                    .order_by(ORDERS.c.last_update_date, ORDERS.c.amazon_order_id)
                    .limit(_ITEMS_BATCH)
                )
            ).all()
        if not todo:
            return state
        for order_id, version in todo:
            items = [item async for item in ctx.client.orders.list_order_items(order_id)]
            now = utcnow()
            rows = [item_row(seller, order_id, item, now) for item in items]

            async def write(
                conn: Any, order_id: str = order_id, version: datetime = version, rows: Any = rows
            ) -> None:
                # Replace: an item dropped from the order must not linger.
                await conn.execute(
                    sa.delete(ORDER_ITEMS).where(
                        ORDER_ITEMS.c.seller_id == seller, ORDER_ITEMS.c.amazon_order_id == order_id
                    )
                )
                await store.upsert(conn, ORDER_ITEMS, rows)
                # The version read, not the latest: an order updated meanwhile is fetched again next time.
                await conn.execute(
                    sa.update(ORDERS)
                    .where(ORDERS.c.seller_id == seller, ORDERS.c.amazon_order_id == order_id)
                    .values(items_synced_for=version)
                )

            state = await ctx.commit(
                state.advanced(watermark=_latest(state.watermark, version)), [write], len(rows)
            )
            ctx.progress.through = _latest(ctx.progress.through, version)
            if ctx.out_of_pages():
                return state


# --------------------------------------------------------------------------------------------- finances


def event_key(event_type: str, event: Any) -> str:
    """A financial event's natural key: sha256 of its type and full content (events carry no id)."""
    return hashlib.sha256(f"{event_type}:{event.model_dump_json()}".encode()).hexdigest()


def event_row(seller_id: str, event_type: str, event: Any, now: datetime) -> dict[str, Any]:
    """A ``(type, event)`` pair as a ``mws_financial_events`` row."""
    return {
        "seller_id": seller_id,
        "event_key": event_key(event_type, event),
        "event_type": event_type,
        "posted_date": _utc(getattr(event, "posted_date", None)),
        "amazon_order_id": getattr(event, "amazon_order_id", None),
        "data": _dump(event),
        "synced_at": now,
    }


async def _windowed(
    ctx: SyncContext,
    dataset: str,
    open_listing: Callable[[datetime, datetime, str | None], Any],
    rows_of: Callable[[Page, datetime], tuple[list[dict[str, Any]], datetime | None]],
    table: sa.Table,
    *,
    cutoff: timedelta = timedelta(0),
) -> SyncState:
    """A window [after, before) chosen by this side (before = now - ``cutoff``), copied page by page."""
    store, seller = ctx.store, ctx.seller_id
    state = await store.load_state(seller, dataset)
    if state.in_window and state.window_after is not None and state.window_before is not None:
        ctx.progress.resumed = state.next_token is not None
        after, before, token = state.window_after, state.window_before, state.next_token
    else:
        after = ctx.start_point(state, dataset)
        before = ctx.client.transport.now() - cutoff
        token = None
        if before <= after:
            return state  # ran moments ago: nothing new can be listed yet
        state = state.advanced(window_after=after, window_before=before, window_high=None, next_token=None)
    async for page in open_listing(after, before, token).pages():
        rows, high = rows_of(page, utcnow())
        high = _latest(state.window_high, high)
        if page.has_more and page.next_token is not None:
            new = state.advanced(window_high=high, next_token=page.next_token)
        else:
            new = state.advanced(
                watermark=_latest(before, state.watermark),
                window_after=None,
                window_before=None,
                window_high=None,
                next_token=None,
            )

        async def write(conn: Any, rows: list[dict[str, Any]] = rows) -> None:
            await store.upsert(conn, table, rows)

        state = await ctx.commit(new, [write], len(rows))
        ctx.progress.through = _latest(ctx.progress.through, high)
        if ctx.out_of_pages():
            break
    return state


async def sync_financial_events(ctx: SyncContext) -> SyncState:
    """ListFinancialEvents by PostedAfter (window up to now - 3 min)."""
    seller = ctx.seller_id

    def rows_of(page: Page, now: datetime) -> tuple[list[dict[str, Any]], datetime | None]:
        rows = [event_row(seller, kind, event, now) for kind, event in page.records]
        return rows, _latest(*(row["posted_date"] for row in rows))

    def listing(after: datetime, before: datetime, token: str | None) -> Any:
        return ctx.client.finances.list_financial_events(
            posted_after=after, posted_before=before, next_token=token
        )

    return await _windowed(ctx, "financial-events", listing, rows_of, FINANCIAL_EVENTS, cutoff=POSTED_CUTOFF)


# --------------------------------------------------------------------------------------------- inventory


async def sync_inventory(ctx: SyncContext) -> SyncState:
    """ListInventorySupply by QueryStartDateTime: the latest supply of every SKU changed since."""
    seller = ctx.seller_id
    default_market = ctx.client.marketplace.marketplace_id

    def rows_of(page: Page, now: datetime) -> tuple[list[dict[str, Any]], datetime | None]:
        market = getattr(page.result, "marketplace_id", None) or default_market
        rows = [
            {
                "seller_id": seller,
                "marketplace_id": market,
                "seller_sku": supply.seller_sku,
                "asin": supply.asin,
                "fn_sku": supply.fn_sku,
                "condition": supply.condition,
                "total_supply_quantity": supply.total_supply_quantity,
                "in_stock_supply_quantity": supply.in_stock_supply_quantity,
                "data": _dump(supply),
                "synced_at": now,
            }
            for supply in page.records
        ]
        return rows, None

    def listing(after: datetime, before: datetime, token: str | None) -> Any:
        return ctx.client.inventory.list_inventory_supply(
            query_start=after, response_group="Detailed", next_token=token
        )

    return await _windowed(ctx, "inventory", listing, rows_of, INVENTORY_SUPPLY)


# --------------------------------------------------------------------------------------------- reports


async def sync_reports(ctx: SyncContext) -> SyncState:
    """GetReportList by AvailableFromDate; every report not stored yet is downloaded (Content-MD5 verified)
    to ``store.reports_dir/<seller>/<ReportId>`` and its row committed; a page's checkpoint follows its
    reports, so a rerun never downloads a stored report again."""
    store, seller = ctx.store, ctx.seller_id
    folder = store.reports_dir / seller
    state = await store.load_state(seller, "reports")
    if state.in_window and state.window_after is not None and state.window_before is not None:
        ctx.progress.resumed = state.next_token is not None
        after, before, token = state.window_after, state.window_before, state.next_token
    else:
        after = ctx.start_point(state, "reports")
        before = ctx.client.transport.now()
        token = None
        if before <= after:
            return state
        state = state.advanced(window_after=after, window_before=before, window_high=None, next_token=None)
    listing = ctx.client.reports.get_report_list(
        available_from=after, available_to=before, max_count=100, next_token=token
    )
    async for page in listing.pages():
        ids = [report.report_id for report in page.records]
        async with store.transaction() as conn:
            held = set(
                (
                    await conn.execute(
                        sa.select(REPORTS.c.report_id).where(
                            REPORTS.c.seller_id == seller, REPORTS.c.report_id.in_(ids)
                        )
                    )
                ).scalars()
            )
        rows: list[dict[str, Any]] = []
        for report in page.records:
            if report.report_id in held:
                ctx.progress.skipped += 1
                continue
            target = folder / f"{report.report_id}.report"
            try:
                folder.mkdir(parents=True, exist_ok=True)
                done = await ctx.client.reports.get_report(report.report_id, target)
            except (OSError, DownloadWriteError, ClientValidationError) as exc:
                # Disk full, or the folder changed since the check (a report's path now a folder, ...).
                reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
                raise SyncStoreError(
                    store.display,
                    f"cannot write report {report.report_id} to {target} ({reason}); free "
                    "space or fix the reports folder, then run again (stored reports are not downloaded "
                    "again)",
                ) from None
            row = {
                "seller_id": seller,
                "report_id": report.report_id,
                "report_type": report.report_type,
                "report_request_id": report.report_request_id,
                "available_date": _utc(report.available_date),
                "size": done.size,
                "md5": done.md5,
                "content_type": done.content_type,
                "path": str(done.path),
                "data": _dump(report),
                "synced_at": utcnow(),
            }
            rows.append(row)

            async def write_one(conn: Any, row: dict[str, Any] = row) -> None:
                await store.upsert(conn, REPORTS, [row])

            # Each report's row right after its download: a crash later in the page loses no download.
            async with store.transaction() as conn:
                await store.renew_lease(conn, ctx.lease)
                await write_one(conn)
        high = _latest(state.window_high, *(_utc(r.available_date) for r in page.records))
        if page.has_more and page.next_token is not None:
            new = state.advanced(window_high=high, next_token=page.next_token)
        else:
            new = state.advanced(
                watermark=_latest(before, state.watermark),
                window_after=None,
                window_before=None,
                window_high=None,
                next_token=None,
            )
        state = await ctx.commit(new, [], len(rows))
        ctx.progress.through = _latest(ctx.progress.through, high)
        if ctx.out_of_pages():
            break
    return state


DATASETS: Final[Mapping[str, Callable[[SyncContext], Awaitable[SyncState]]]] = {
    "orders": sync_orders,
    "order-items": sync_order_items,
    "financial-events": sync_financial_events,
    "inventory": sync_inventory,
    "reports": sync_reports,
}
"""Dataset name -> its sync."""
