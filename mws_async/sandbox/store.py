"""Mutable per-seller state of the ingestion sections: report requests and reports, report schedules, feed
submissions, and customers.

A seller's state is created on first use and prepopulated deterministically from the world seed and the
seller id (same seed, same seller => the same history): ``REPORT_HISTORY`` finished report requests (most
``_DONE_`` with a report, some ``_DONE_NO_DATA_`` / ``_CANCELLED_``), ``FEED_HISTORY`` processed feed
submissions, two report schedules and ``CUSTOMER_COUNT`` customers. Everything dated lies before the
world's ``anchor``.

Live requests progress over the sandbox clock (``RequestContext.mono``, scaled by ``time_scale``):
``_SUBMITTED_`` for the first :data:`START_AFTER` scaled seconds, ``_IN_PROGRESS_`` until
:data:`DONE_AFTER`, then final. Customers can be added at run time (:meth:`Store.add_customers`); they
appear at the end of the seller's customer list, which is what ListCustomersByNextToken's
MoreResultsAvailable semantics need.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Final

from mws_async.sandbox.world import FIRST_NAMES, LAST_NAMES

if TYPE_CHECKING:
    from mws_async.sandbox.world import World

__all__ = [
    "CUSTOMER_COUNT",
    "DONE_AFTER",
    "FEED_HISTORY",
    "REPORT_HISTORY",
    "START_AFTER",
    "Customer",
    "FeedSubmission",
    "ReportRequest",
    "SellerState",
    "Store",
    "Supply",
    "supply",
]

START_AFTER: Final = 30.0
DONE_AFTER: Final = 60.0
REPORT_HISTORY: Final = 250
FEED_HISTORY: Final = 30
CUSTOMER_COUNT: Final = 120
LISTING_COUNT: Final = 180

HISTORY_REPORT_TYPES: Final = (
    "_GET_MERCHANT_LISTINGS_DATA_",
    "_GET_FLAT_FILE_ORDERS_DATA_",
    "_GET_AFN_INVENTORY_DATA_",
    "_GET_MERCHANT_LISTINGS_DATA_",
    "_GET_FLAT_FILE_ORDERS_DATA_",
    "_GET_V2_SETTLEMENT_REPORT_DATA_FLAT_FILE_",
)
HISTORY_FEED_TYPES: Final = (
    "_POST_FLAT_FILE_INVLOADER_DATA_",
    "_POST_PRODUCT_PRICING_DATA_",
    "_POST_INVENTORY_AVAILABILITY_DATA_",
)


def _status(mono: float | None, now_mono: float, time_scale: float, final: str) -> str:
    if mono is None:
        return final
    elapsed = (now_mono - mono) * time_scale
    if elapsed < START_AFTER:
        return "_SUBMITTED_"
    if elapsed < DONE_AFTER:
        return "_IN_PROGRESS_"
    return final


@dataclass(slots=True)
class ReportRequest:
    """One report request and (when it ends ``_DONE_``) its report, which shares its lifetime."""

    seq: int
    request_id: str
    report_type: str
    start: datetime
    end: datetime
    submitted: datetime
    mono: float | None  # sandbox clock at submission; None for history (finished long ago)
    time_scale: float
    final: str  # _DONE_ / _DONE_NO_DATA_ / _CANCELLED_
    report_id: str | None
    options: str = ""
    scheduled: bool = False
    cancelled_at: datetime | None = None
    acknowledged: bool = False
    acknowledged_date: datetime | None = None
    digest: tuple[int, str] | None = None  # (size, Content-MD5) once computed

    def status(self, now_mono: float) -> str:
        """Processing status at sandbox clock ``now_mono``."""
        if self.cancelled_at is not None:
            return "_CANCELLED_"
        return _status(self.mono, now_mono, self.time_scale, self.final)

    @property
    def started(self) -> datetime:
        """StartedProcessingDate."""
        return self.submitted + timedelta(seconds=START_AFTER / self.time_scale)

    @property
    def completed(self) -> datetime:
        """CompletedDate (and the report's AvailableDate)."""
        if self.cancelled_at is not None:
            return self.cancelled_at
        return self.submitted + timedelta(seconds=DONE_AFTER / self.time_scale)

    def has_report(self, now_mono: float) -> bool:
        """Whether a downloadable report exists now."""
        return self.report_id is not None and self.status(now_mono) == "_DONE_"


@dataclass(slots=True)
class FeedSubmission:
    """One feed submission and what the sandbox read from its body."""

    seq: int
    submission_id: str
    feed_type: str
    submitted: datetime
    mono: float | None
    time_scale: float
    body_size: int
    body_md5: str
    messages: int
    errors: int
    cancelled_at: datetime | None = None
    error_rows: tuple[tuple[int, str], ...] = ()  # (MessageID / record number, SKU) of failed records

    def status(self, now_mono: float) -> str:
        """FeedProcessingStatus at sandbox clock ``now_mono``."""
        if self.cancelled_at is not None:
            return "_CANCELLED_"
        return _status(self.mono, now_mono, self.time_scale, "_DONE_")

    @property
    def started(self) -> datetime:
        """StartedProcessingDate."""
        return self.submitted + timedelta(seconds=START_AFTER / self.time_scale)

    @property
    def completed(self) -> datetime:
        """CompletedProcessingDate."""
        return self.submitted + timedelta(seconds=DONE_AFTER / self.time_scale)


@dataclass(frozen=True, slots=True)
class Customer:
    """One Webstore customer."""

    seq: int
    customer_id: str
    full_name: str
    email: str
    account_type: str
    city: str
    state: str
    postal_code: str
    associated: datetime
    updated: datetime


@dataclass(slots=True)
class SellerState:
    """Everything the sandbox remembers for one seller."""

    seller_id: str
    salt: int
    requests: list[ReportRequest] = field(default_factory=list)
    schedules: dict[str, tuple[str, datetime]] = field(default_factory=dict)
    feeds: list[FeedSubmission] = field(default_factory=list)
    customers: list[Customer] = field(default_factory=list)
    customer_index: dict[str, int] = field(default_factory=dict)
    listings: list[int] = field(default_factory=list)

    def request_id(self, seq: int) -> str:
        """ReportRequestId of request ``seq`` (digits, seller-specific suffix, like MWS's)."""
        return f"{50_000 + seq}{self.salt:06d}"

    def report_id(self, seq: int) -> str:
        """ReportId (GeneratedReportId) of the report of request ``seq``."""
        return f"{70_000 + seq}{(self.salt * 7 + 3) % 10**6:06d}"

    def feed_id(self, seq: int) -> str:
        """FeedSubmissionId of submission ``seq``."""
        return f"{90_000 + seq}{(self.salt * 11 + 5) % 10**6:06d}"

    def find_request(self, request_id: str) -> ReportRequest | None:
        """The request with this id."""
        return next((r for r in self.requests if r.request_id == request_id), None)

    def find_report(self, report_id: str) -> ReportRequest | None:
        """The request whose report has this id."""
        return next((r for r in self.requests if r.report_id == report_id), None)

    def find_feed(self, submission_id: str) -> FeedSubmission | None:
        """The feed submission with this id."""
        return next((f for f in self.feeds if f.submission_id == submission_id), None)


class Store:
    """Per-seller mutable state of one world (see the module docstring)."""

    def __init__(self, world: World) -> None:
        self.world = world
        self._sellers: dict[str, SellerState] = {}

    def seller(self, seller_id: str) -> SellerState:
        """The seller's state (created and prepopulated on first use)."""
        state = self._sellers.get(seller_id)
        if state is None:
            state = self._sellers[seller_id] = self._populate(seller_id)
        return state

    def seller_key(self, seller_id: str) -> int:
        """A 64-bit number identifying the seller (for deterministic per-seller choices)."""
        return int.from_bytes(hashlib.sha256(seller_id.encode()).digest()[:8], "big")

    # --- history ----------------------------------------------------------------------------------
    def _populate(self, seller_id: str) -> SellerState:
        world = self.world
        key = self.seller_key(seller_id)
        state = SellerState(seller_id, key % 10**6)
        anchor = world.anchor
        # Listings: LISTING_COUNT non-parent products, spread over the catalog.
        stride = max(1, world.catalog_size // (LISTING_COUNT * 2))
        index = key % max(1, world.catalog_size)
        for _ in range(LISTING_COUNT * 20):
            if len(state.listings) >= LISTING_COUNT:
                break
            if world.kind(index) != "parent" and index not in state.listings:
                state.listings.append(index)
            index = (index + stride + world.h(key, index) % 7) % world.catalog_size
        # Reports: one request every ~8 hours, ending a day before the anchor.
        reports = world.report_history
        for seq in range(reports):
            r = world.h(key, 20, seq)
            submitted = anchor - timedelta(hours=8 * (reports - seq) + 24, seconds=r % 3600)
            roll = (r >> 12) % 100
            final = "_DONE_" if roll < 90 else ("_DONE_NO_DATA_" if roll < 96 else "_CANCELLED_")
            acknowledged = final == "_DONE_" and (r >> 20) % 3 == 0
            state.requests.append(
                ReportRequest(
                    seq=seq,
                    request_id=state.request_id(seq),
                    report_type=HISTORY_REPORT_TYPES[(r >> 24) % len(HISTORY_REPORT_TYPES)],
                    start=submitted - timedelta(days=30),
                    end=submitted,
                    submitted=submitted,
                    mono=None,
                    time_scale=1.0,
                    final=final,
                    report_id=state.report_id(seq) if final == "_DONE_" else None,
                    scheduled=(r >> 30) % 5 == 0,
                    acknowledged=acknowledged,
                    acknowledged_date=submitted + timedelta(hours=2) if acknowledged else None,
                )
            )
        state.schedules = {
            "_GET_FLAT_FILE_ORDERS_DATA_": ("_1_DAY_", anchor + timedelta(days=1)),
            "_GET_MERCHANT_LISTINGS_DATA_": ("_7_DAYS_", anchor + timedelta(days=3)),
        }
        feeds = world.feed_history
        for seq in range(feeds):
            r = world.h(key, 21, seq)
            submitted = anchor - timedelta(hours=12 * (feeds - seq) + 6, seconds=r % 3600)
            messages = 1 + r % 400
            state.feeds.append(
                FeedSubmission(
                    seq=seq,
                    submission_id=state.feed_id(seq),
                    feed_type=HISTORY_FEED_TYPES[(r >> 16) % len(HISTORY_FEED_TYPES)],
                    submitted=submitted,
                    mono=None,
                    time_scale=1.0,
                    body_size=messages * 40,
                    body_md5="",
                    messages=messages,
                    errors=(r >> 24) % 3 if messages > 3 else 0,
                )
            )
        since = anchor - timedelta(days=730)
        customers = world.customer_count
        for seq in range(customers):
            offset = seq * (730 * 86400 // max(1, customers)) + world.h(key, 22, seq) % 3600
            associated = since + timedelta(seconds=offset)
            self._append_customer(state, associated, history=True)
        return state

    def _append_customer(
        self, state: SellerState, associated: datetime, *, history: bool = False
    ) -> Customer:
        world = self.world
        seq = len(state.customers)
        r = world.h(self.seller_key(state.seller_id), 23, seq)
        alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
        value, chars = r, []
        for _ in range(13):
            value, digit = divmod(value, 36)
            chars.append(alphabet[digit])
        customer_id = "A" + "".join(chars)
        first, last = FIRST_NAMES[r % len(FIRST_NAMES)], LAST_NAMES[(r >> 8) % len(LAST_NAMES)]
        city, region, postal = _CITIES[(r >> 16) % len(_CITIES)]
        customer = Customer(
            seq=seq,
            customer_id=customer_id,
            full_name=f"{first} {last}",
            email=f"{first.lower()}.{last.lower()}.{seq}@example.com",
            account_type="Registered" if (r >> 24) % 4 else "Guest",
            city=city,
            state=region,
            postal_code=postal,
            associated=associated,
            updated=associated + timedelta(days=(r >> 32) % 30) if history else associated,
        )
        state.customers.append(customer)
        state.customer_index[customer_id] = seq
        return customer

    # --- run-time changes -------------------------------------------------------------------------
    def add_customers(self, seller_id: str, n: int, now: datetime | None = None) -> list[Customer]:
        """Register ``n`` new customers of the seller, associated at ``now`` (default: the real clock);
        ListCustomersByNextToken with the token of the last page returns them."""
        state = self.seller(seller_id)
        moment = (now or datetime.now(UTC)).astimezone(UTC)
        return [self._append_customer(state, moment) for _ in range(n)]


@dataclass(frozen=True, slots=True)
class Supply:
    """FBA supply of one of the seller's SKUs (FulfillmentInventory, inventory reports)."""

    index: int
    sku: str
    asin: str
    fnsku: str
    in_stock: int
    inbound: int
    changed: datetime
    condition: str

    @property
    def total(self) -> int:
        """TotalSupplyQuantity (in stock + inbound)."""
        return self.in_stock + self.inbound


def supply(world: World, state: SellerState, index: int) -> Supply:
    """The (deterministic) supply of listing ``index`` of the seller."""
    product = world.product(index)
    r = world.h(state.salt, 31, index)
    alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    value, chars = r >> 20, []
    for _ in range(7):
        value, digit = divmod(value, 36)
        chars.append(alphabet[digit])
    in_stock = 0 if r % 7 == 0 else r % 80
    return Supply(
        index=index,
        sku=product.sku,
        asin=product.asin,
        fnsku="X00" + "".join(chars),
        in_stock=in_stock,
        inbound=(r >> 8) % 20 if (r >> 13) % 3 == 0 else 0,
        changed=world.anchor - timedelta(days=(r >> 40) % 90, seconds=(r >> 14) % 86400),
        condition="NewItem" if (r >> 50) % 10 else "UsedLikeNew",
    )


_CITIES: Final = (
    ("Seattle", "WA", "98101"),
    ("Austin", "TX", "73301"),
    ("Denver", "CO", "80201"),
    ("Boston", "MA", "02108"),
    ("Chicago", "IL", "60601"),
)
