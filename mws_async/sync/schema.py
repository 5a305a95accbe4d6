"""The one schema of a sync store, for SQLite and PostgreSQL alike (SQLAlchemy Core).

Every record table is keyed by its natural key, prefixed with the SellerId (one store may hold several
sellers): ``orders`` by AmazonOrderId, ``order_items`` by (AmazonOrderId, OrderItemId),
``financial_events`` by a digest of the event's type and content (events have no id of their own),
``inventory_supply`` by (MarketplaceId, SellerSKU), ``reports`` by ReportId. Each row keeps the whole
record as JSON (``data``) beside the columns worth querying.

``sync_state`` holds one checkpoint per (seller, dataset): the watermark reached, and the position inside
the window being copied (its bounds and the NextToken of the next page). It is written in the same
transaction as the rows it covers. ``sync_lease`` holds the lease that keeps two syncs of one seller and
dataset apart.

Times are stored in UTC (:class:`UTCDateTime`): ``timestamptz`` on PostgreSQL, a naive UTC timestamp on
SQLite (which compares correctly as text), and always read back timezone-aware.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Final

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import Dialect

__all__ = [
    "FINANCIAL_EVENTS",
    "INVENTORY_SUPPLY",
    "METADATA",
    "ORDERS",
    "ORDER_ITEMS",
    "REPORTS",
    "SCHEMA_VERSION",
    "SYNC_LEASE",
    "SYNC_META",
    "SYNC_STATE",
    "UTCDateTime",
]

SCHEMA_VERSION: Final = 1
"""Bumped when a table changes; a store made by another version is refused with a clear message."""


class UTCDateTime(sa.TypeDecorator[datetime]):
    """A timezone-aware UTC datetime on every database (naive values are taken as UTC)."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """Store in UTC; SQLite gets the naive UTC value (it has no zones, and text order = time order)."""
        if value is None:
            return None
        value = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """Read back timezone-aware, in UTC."""
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


JSONData: Final[Any] = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
"""The whole record: JSON on SQLite, JSONB on PostgreSQL."""

METADATA: Final = sa.MetaData()

SYNC_META: Final = sa.Table(
    "mws_sync_meta",
    METADATA,
    sa.Column("key", sa.String(64), primary_key=True),
    sa.Column("value", sa.Text, nullable=False),
)

SYNC_STATE: Final = sa.Table(
    "mws_sync_state",
    METADATA,
    sa.Column("seller_id", sa.String(32), primary_key=True),
    sa.Column("dataset", sa.String(32), primary_key=True),
    sa.Column("watermark", UTCDateTime, comment="everything up to here is copied"),
    sa.Column("window_after", UTCDateTime, comment="the window being copied: lower bound sent"),
    sa.Column("window_before", UTCDateTime, comment="... its upper bound (echoed or chosen)"),
    sa.Column("window_high", UTCDateTime, comment="... the latest record time seen in it"),
    sa.Column("next_token", sa.Text, comment="NextToken of the next page of the window, if any"),
    sa.Column("pages", sa.BigInteger, nullable=False, default=0, comment="pages committed, all runs"),
    sa.Column("records", sa.BigInteger, nullable=False, default=0, comment="records committed, all runs"),
    sa.Column("updated_at", UTCDateTime, nullable=False),
)

SYNC_LEASE: Final = sa.Table(
    "mws_sync_lease",
    METADATA,
    sa.Column("seller_id", sa.String(32), primary_key=True),
    sa.Column("dataset", sa.String(32), primary_key=True),
    sa.Column("holder", sa.String(200), nullable=False, comment="host:pid:random of the holding sync"),
    sa.Column("host", sa.String(200), nullable=False),
    sa.Column("pid", sa.Integer, nullable=False),
    sa.Column("acquired_at", UTCDateTime, nullable=False),
    sa.Column("expires_at", UTCDateTime, nullable=False),
)

ORDERS: Final = sa.Table(
    "mws_orders",
    METADATA,
    sa.Column("seller_id", sa.String(32), primary_key=True),
    sa.Column("amazon_order_id", sa.String(32), primary_key=True),
    sa.Column("purchase_date", UTCDateTime),
    sa.Column("last_update_date", UTCDateTime, nullable=False),
    sa.Column("order_status", sa.String(32)),
    sa.Column("fulfillment_channel", sa.String(8)),
    sa.Column("marketplace_id", sa.String(32)),
    sa.Column("order_total", sa.Numeric(18, 4)),
    sa.Column("currency", sa.String(8)),
    sa.Column(
        "items_synced_for",
        UTCDateTime,
        comment="the LastUpdateDate whose items are in order_items (NULL: not copied yet)",
    ),
    sa.Column("data", JSONData, nullable=False),
    sa.Column("synced_at", UTCDateTime, nullable=False),
    sa.Index("mws_orders_updated", "seller_id", "last_update_date"),
)

ORDER_ITEMS: Final = sa.Table(
    "mws_order_items",
    METADATA,
    sa.Column("seller_id", sa.String(32), primary_key=True),
    sa.Column("amazon_order_id", sa.String(32), primary_key=True),
    sa.Column("order_item_id", sa.String(32), primary_key=True),
    sa.Column("seller_sku", sa.String(64)),
    sa.Column("asin", sa.String(16)),
    sa.Column("quantity_ordered", sa.Integer),
    sa.Column("quantity_shipped", sa.Integer),
    sa.Column("item_price", sa.Numeric(18, 4)),
    sa.Column("currency", sa.String(8)),
    sa.Column("data", JSONData, nullable=False),
    sa.Column("synced_at", UTCDateTime, nullable=False),
)

FINANCIAL_EVENTS: Final = sa.Table(
    "mws_financial_events",
    METADATA,
    sa.Column("seller_id", sa.String(32), primary_key=True),
    sa.Column("event_key", sa.String(64), primary_key=True, comment="sha256 of the type and content"),
    sa.Column("event_type", sa.String(64), nullable=False),
    sa.Column("posted_date", UTCDateTime),
    sa.Column("amazon_order_id", sa.String(32)),
    sa.Column("data", JSONData, nullable=False),
    sa.Column("synced_at", UTCDateTime, nullable=False),
    sa.Index("mws_financial_events_posted", "seller_id", "posted_date"),
)

INVENTORY_SUPPLY: Final = sa.Table(
    "mws_inventory_supply",
    METADATA,
    sa.Column("seller_id", sa.String(32), primary_key=True),
    sa.Column("marketplace_id", sa.String(32), primary_key=True),
    sa.Column("seller_sku", sa.String(64), primary_key=True),
    sa.Column("asin", sa.String(16)),
    sa.Column("fn_sku", sa.String(32)),
    sa.Column("condition", sa.String(32)),
    sa.Column("total_supply_quantity", sa.Integer),
    sa.Column("in_stock_supply_quantity", sa.Integer),
    sa.Column("data", JSONData, nullable=False),
    sa.Column("synced_at", UTCDateTime, nullable=False),
)

REPORTS: Final = sa.Table(
    "mws_reports",
    METADATA,
    sa.Column("seller_id", sa.String(32), primary_key=True),
    sa.Column("report_id", sa.String(32), primary_key=True),
    sa.Column("report_type", sa.String(100)),
    sa.Column("report_request_id", sa.String(32)),
    sa.Column("available_date", UTCDateTime),
    sa.Column("size", sa.BigInteger, nullable=False),
    sa.Column("md5", sa.String(32), nullable=False, comment="base64 Content-MD5, verified on download"),
    sa.Column("content_type", sa.String(200)),
    sa.Column("path", sa.Text, nullable=False, comment="where the document was written"),
    sa.Column("data", JSONData, nullable=False),
    sa.Column("synced_at", UTCDateTime, nullable=False),
)
