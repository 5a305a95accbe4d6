"""The sandbox's deterministic synthetic world: a product catalog shared by every seller, and each
seller's own orders.

Nothing is precomputed for the catalog: product ``i`` is a pure function of ``(seed, i)``, and every
identifier encodes ``i`` (see :mod:`mws_async.sandbox.ids`), so a lookup is O(1) whatever the catalog
size. The catalog (products, offers) is public, as on Amazon: every seller sees the same one.

Orders belong to one seller (:meth:`World.orders_for`): a :class:`SellerOrders` is a pure function of
``(seed, SellerId)`` with the world's sizes (``order_count`` orders over ``order_days`` days before
``anchor``); another seller's AmazonOrderIds are unknown to it. The default sandbox seller
(:data:`DEFAULT_SELLER_ID`) has the orders the world has always had (``World.order(j)`` and friends
are its orders). Nothing is stored for a seller until it reads its orders; a seller's compact
LastUpdateDate index is built on first use, and only a bounded number of sellers are kept
(``seller_cache_size``; an evicted one is rebuilt, identical, when needed).

Orders have a lifecycle. At the ``anchor`` every order has its historic state (Shipped, Canceled,
Unfulfillable for most; the last two days' orders and a few older ones still Pending, Unshipped or
PartiallyShipped). A world built with ``live_from`` (a server time) resumes at its anchor then: the orders
still in progress move on, on the sandbox's clock scaled by its ``time_scale`` (world time after the anchor
= ``(server time - live_from) * time_scale``). Lifecycle timings, in world time after the anchor, per
order (drawn from its own hash, so deterministic per seed):

- ``Pending`` ends after 10 min to 4 h; one in ten is then ``Canceled`` (final). An AFN order stays
  ``Pending`` until Amazon ships it (2 h to 1 day later) and is then ``Shipped``; an MFN order becomes
  ``Unshipped``.
- ``Unshipped`` (MFN) is shipped 2 h to 1 day after it became Unshipped (a historic Unshipped order: 30 min
  to 36 h after the anchor); one in three orders with an item of quantity 2 or more is
  ``PartiallyShipped`` (half of each item shipped) at the midpoint first. A historic ``PartiallyShipped``
  order is ``Shipped`` 30 min to 24 h after the anchor.
- Consecutive changes of an order are at least 30 min apart; every order has settled within 37 h.

Each change bumps the order's LastUpdateDate to the server time of the change (millisecond precision, so
changes stay ordered at high time scales), which is what LastUpdatedAfter listings select on. The state
is a pure function of (order, server time): :meth:`SellerOrders.order_at`. A world without ``live_from``
(the default) never moves: its orders stay as at the anchor, so tests that compare a copy with a later
listing stay exact. Financial events and order reports describe the historic orders.

Layout of the index space: blocks of 16 indices; about one block in eight is a variation family (index
``16b`` is an Apparel parent, the next 2-6 its children, carrying Color and Size); every other index is
a standalone product, about 40 % of them books (ASIN = ISBN-10, EAN = ISBN-13 with 978). Non-books have
a ``B0`` ASIN, a UPC (``0`` prefix), an EAN (``50``), a JAN (``49``) and a GCID. Every product has a
SellerSKU ``SKU-{index:06d}-{letter}``.

Same seed, same anchor, same sizes => the same world, byte for byte.
"""

from __future__ import annotations

import bisect
import dataclasses
import hashlib
from array import array
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, ClassVar, Final, TypeVar

from mws_async.marketplaces import Marketplace
from mws_async.sandbox.ids import Codec

if TYPE_CHECKING:
    from mws_async.sandbox.store import Customer, Store

__all__ = [
    "DEFAULT_SELLER_ID",
    "ID_TYPES",
    "MarketInfo",
    "Offer",
    "Order",
    "OrderItem",
    "Product",
    "SellerOrders",
    "World",
    "market_info",
]

T = TypeVar("T")

ID_TYPES: Final = ("ASIN", "GCID", "SellerSKU", "UPC", "EAN", "ISBN", "JAN")
DEFAULT_SELLER_ID: Final = "A2SANDBOXSELLER"
"""The sandbox's default SellerId (``Sandbox().credentials``): its orders are the world's own orders."""
_MASK: Final = (1 << 64) - 1


def _mix(x: int) -> int:
    """splitmix64 finaliser: a fast, well-spread 64-bit hash step."""
    x = (x + 0x9E3779B97F4A7C15) & _MASK
    x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & _MASK
    x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & _MASK
    return x ^ (x >> 31)


# ------------------------------------------------------------------------------------------------------
# Marketplaces: currency, decimals, conversion from the USD base price, xml:lang, sales channel.
@dataclass(frozen=True, slots=True)
class MarketInfo:
    """Per-marketplace presentation facts."""

    marketplace_id: str
    country: str
    currency: str
    decimals: int
    fx_milli: int  # units of this currency per 1000 USD
    lang: str
    sales_channel: str
    language_name: str


_MARKETS: Final = {
    "US": ("USD", 2, 1000, "en-US", "Amazon.com", "english"),
    "CA": ("CAD", 2, 1350, "en-CA", "Amazon.ca", "english"),
    "MX": ("MXN", 2, 18000, "es-MX", "Amazon.com.mx", "spanish"),
    "BR": ("BRL", 2, 5000, "pt-BR", "Amazon.com.br", "portuguese"),
    "AE": ("AED", 2, 3670, "ar-AE", "Amazon.ae", "arabic"),
    "DE": ("EUR", 2, 920, "de-DE", "Amazon.de", "german"),
    "EG": ("EGP", 2, 30000, "ar-EG", "Amazon.eg", "arabic"),
    "ES": ("EUR", 2, 920, "es-ES", "Amazon.es", "spanish"),
    "FR": ("EUR", 2, 920, "fr-FR", "Amazon.fr", "french"),
    "BE": ("EUR", 2, 920, "fr-BE", "Amazon.com.be", "french"),
    "GB": ("GBP", 2, 790, "en-GB", "Amazon.co.uk", "english"),
    "IN": ("INR", 2, 75000, "en-IN", "Amazon.in", "english"),
    "IT": ("EUR", 2, 920, "it-IT", "Amazon.it", "italian"),
    "NL": ("EUR", 2, 920, "nl-NL", "Amazon.nl", "dutch"),
    "PL": ("PLN", 2, 4000, "pl-PL", "Amazon.pl", "polish"),
    "SA": ("SAR", 2, 3750, "ar-SA", "Amazon.sa", "arabic"),
    "SE": ("SEK", 2, 10500, "sv-SE", "Amazon.se", "swedish"),
    "TR": ("TRY", 2, 30000, "tr-TR", "Amazon.com.tr", "turkish"),
    "SG": ("SGD", 2, 1350, "en-SG", "Amazon.sg", "english"),
    "AU": ("AUD", 2, 1500, "en-AU", "Amazon.com.au", "english"),
    "JP": ("JPY", 0, 110000, "ja-JP", "Amazon.co.jp", "japanese"),
    "CN": ("CNY", 2, 7000, "zh-CN", "Amazon.cn", "chinese"),
}
_MARKET_INFO: Final = {
    m.marketplace_id: MarketInfo(m.marketplace_id, m.country_code, *_MARKETS[m.country_code])
    for m in Marketplace
    if m.name != "UK"
}


def market_info(marketplace_id: str) -> MarketInfo | None:
    """Presentation facts for a MarketplaceId, or None if MWS had no such marketplace."""
    return _MARKET_INFO.get(marketplace_id)


def known_market(marketplace_id: str) -> MarketInfo:
    """Presentation facts for a MarketplaceId the world itself produced (KeyError if there is none)."""
    info = _MARKET_INFO.get(marketplace_id)
    if info is None:
        raise KeyError(f"the sandbox world has no marketplace {marketplace_id!r}")
    return info


def format_amount(minor: int, decimals: int) -> str:
    """Minor units -> decimal string with the currency's number of decimals (``1234`` -> ``12.34``)."""
    if decimals == 0:
        return str(minor)
    sign = "-" if minor < 0 else ""
    whole, frac = divmod(abs(minor), 10**decimals)
    return f"{sign}{whole}.{frac:0{decimals}d}"


# ------------------------------------------------------------------------------------------------------
# Vocabulary. Titles put a noun chosen by ``index % len(NOUNS)`` and a brand chosen by
# ``(index // len(NOUNS)) % len(BRANDS)``: ListMatchingProducts can then enumerate matching indices
# arithmetically instead of scanning the catalog.
NOUNS: Final = (
    "Lantern", "Backpack", "Blender", "Headphones", "Notebook", "Kettle", "Drone", "Puzzle", "Skillet",
    "Charger", "Tent", "Keyboard", "Camera", "Speaker", "Watch", "Bicycle", "Helmet", "Thermos", "Router",
    "Monitor", "Toaster", "Jacket", "Sneakers", "Telescope", "Microscope", "Guitar", "Ukulele", "Easel",
    "Compass", "Hammock", "Scooter", "Projector",
)  # fmt: skip
BOOK_NOUNS: Final = (
    "Garden", "River", "Algorithm", "Empire", "Ocean", "Kitchen", "Mountain", "Detective", "Machine",
    "Dragon", "Island", "Galaxy", "Winter", "Harbor", "Library", "Forest", "Desert", "Castle", "Voyage",
    "Secret", "Orchard", "Lighthouse", "Compiler", "Market", "Symphony", "Storm", "Village", "Archive",
    "Frontier", "Mirror", "Clockwork", "Meadow",
)  # fmt: skip
BRANDS: Final = (
    "Acme", "Northwind", "Contoso", "Globex", "Initech", "Umbrella", "Stark", "Wayne", "Hooli", "Vandelay",
    "Soylent", "Tyrell", "Wonka", "Cyberdyne", "Gringotts", "Oceanic", "Aperture", "Massive", "Monarch",
    "Nakatomi",
)  # fmt: skip
PUBLISHERS: Final = (
    "Manning Publications", "Scholastic Paperbacks", "Penguin Books", "Vintage", "O'Reilly Media",
    "HarperCollins", "Random House", "Simon & Schuster", "Macmillan", "Hachette", "Bloomsbury", "Wiley",
    "Pearson", "Springer", "Tor Books", "Orbit", "Faber & Faber", "Little, Brown", "Knopf", "Del Rey",
)  # fmt: skip
ADJECTIVES: Final = (
    "Portable", "Classic", "Deluxe", "Compact", "Wireless", "Ultra", "Smart", "Rugged", "Silent", "Quick",
    "Lost", "Hidden", "Last", "Silver", "Broken", "Golden", "Quiet", "Endless",
)  # fmt: skip
FIRST_NAMES: Final = (
    "Ada",
    "Brian",
    "Chen",
    "Dana",
    "Elif",
    "Farid",
    "Grace",
    "Hiro",
    "Ines",
    "Jonas",
    "Kira",
    "Liam",
)
LAST_NAMES: Final = (
    "Marmanis",
    "Babenko",
    "Rowling",
    "Okafor",
    "Lindqvist",
    "Moreau",
    "Tanaka",
    "Novak",
    "Silva",
)
COLORS: Final = ("Black", "White", "Red", "Navy", "Heather Grey", "Forest Green", "Burgundy")
SIZES: Final = ("XS", "S", "M", "L", "XL", "XXL")

# (ProductGroup, ProductTypeName, Binding, rank category, browse path root->leaf [(id, name)...])
_GROUPS: Final = (
    ("Toy", "TOYS_AND_GAMES", "Toy", "toy_display_on_website",
     (("165793011", "Toys & Games"), ("166220011", "Puzzles"))),
    ("Kitchen", "KITCHEN", "Kitchen", "kitchen_display_on_website",
     (("1055398", "Home & Kitchen"), ("289913", "Small Appliances"))),
    ("CE", "CONSUMER_ELECTRONICS", "Electronics", "ce_display_on_website",
     (("172282", "Electronics"), ("667846011", "Accessories"))),
    ("Sports", "SPORTING_GOODS", "Sports", "sporting_goods_display_on_website",
     (("3375251", "Sports & Outdoors"), ("3400371", "Camping & Hiking"))),
    ("Home Improvement", "TOOLS", "Tools & Home Improvement", "hi_display_on_website",
     (("228013", "Tools & Home Improvement"), ("495266", "Lighting"))),
    ("Music", "ABIS_MUSIC", "Audio CD", "music_display_on_website", (("5174", "CDs & Vinyl"), ("37", "Pop"))),
)  # fmt: skip
_BOOK_CATEGORIES: Final = (
    (("283155", "Books"), ("1000", "Subjects"), ("3", "Business & Money")),
    (("283155", "Books"), ("1000", "Subjects"), ("4", "Children's Books")),
    (("283155", "Books"), ("1000", "Subjects"), ("5", "Computers & Technology")),
    (("283155", "Books"), ("1000", "Subjects"), ("25", "Science Fiction & Fantasy")),
    (("283155", "Books"), ("1000", "Subjects"), ("18", "Mystery, Thriller & Suspense")),
)
_APPAREL: Final = (
    "Apparel", "SHIRT", "Apparel", "apparel_display_on_website",
    (("7141123011", "Clothing, Shoes & Jewelry"), ("7147441011", "Men"), ("2476517011", "Shirts")),
)  # fmt: skip

_FEATURES: Final = ("Durable", "Lightweight", "Easy to clean", "Gift ready")
CONDITIONS: Final = ("New", "Used", "Collectible", "Refurbished")
USED_SUBCONDITIONS: Final = ("Mint", "VeryGood", "Good", "Acceptable")


@dataclass(frozen=True, slots=True)
class Product:
    """One catalog product (presentation-independent; prices in USD cents)."""

    index: int
    kind: str  # "book" | "standard" | "parent" | "child"
    asin: str
    sku: str
    title: str
    brand: str
    product_group: str
    product_type: str
    binding: str
    rank_category: str
    categories: tuple[tuple[str, str], ...]  # root -> leaf
    list_price: int
    authors: tuple[str, ...]
    creator: tuple[str, str] | None  # (role, name)
    publisher: str
    publication_date: str
    pages: int
    dims: tuple[int, int, int, int]  # height, length, width (1/100 in), weight (1/100 lb)
    package_dims: tuple[int, int, int, int]
    image: tuple[str, int, int]  # id, height, width
    features: tuple[str, ...]
    sales_ranks: tuple[tuple[str, int], ...]
    parent: int | None
    children: tuple[int, ...]
    color: str | None
    size: str | None
    trade_in: int | None  # USD cents
    model: str
    isbn13: str | None
    upc: str | None
    ean: str | None
    jan: str | None
    gcid: str | None


@dataclass(frozen=True, slots=True)
class Offer:
    """One marketplace offer on a product (USD cents)."""

    condition: str
    subcondition: str
    fba: bool
    price: int
    shipping: int
    feedback_rating: int  # percent
    feedback_count: int
    ship_hours: tuple[int, int]
    buybox: bool
    featured: bool
    domestic: bool


@dataclass(frozen=True, slots=True)
class OrderItem:
    """One order line."""

    order_item_id: str
    product: int
    quantity: int
    shipped: int
    unit_price: int  # USD cents
    shipping: int
    tax: int
    promotion: int


@dataclass(frozen=True, slots=True)
class Order:
    """One order (times are UTC)."""

    index: int
    amazon_order_id: str
    purchase: datetime
    updated: datetime
    status: str
    channel: str  # AFN | MFN
    marketplace_id: str
    items: tuple[OrderItem, ...]
    buyer_name: str
    buyer_email: str
    prime: bool
    business: bool
    premium: bool
    service_level: str
    payment_method: str
    city: str
    state: str
    postal_code: str
    seller_id: str = DEFAULT_SELLER_ID
    """The seller the order belongs to."""
    stage: int = 0
    """How many lifecycle changes the order has gone through since the world's anchor (0: historic)."""


class _LRU:
    """A tiny LRU for rendered XML fragments (OrderedDict; faster than lru_cache on unhashable-free keys)."""

    def __init__(self, maxsize: int) -> None:
        self.maxsize = maxsize
        self._data: OrderedDict[Hashable, object] = OrderedDict()

    def get(self, key: Hashable, make: Callable[[], T]) -> T:
        data = self._data
        try:
            value = data[key]
        except KeyError:
            value = data[key] = make()
            if len(data) > self.maxsize:
                data.popitem(last=False)
            return value
        data.move_to_end(key)
        return value  # type: ignore[return-value]

    def __len__(self) -> int:
        return len(self._data)


_LIVE_STATUSES: Final = frozenset({"Pending", "Unshipped", "PartiallyShipped"})
"""Historic statuses of orders still in progress at the anchor (they move on in a live world)."""
_MINUTE: Final = 60
_HOUR: Final = 3600
_EPOCH: Final = datetime(1970, 1, 1, tzinfo=UTC)
_MS: Final = timedelta(milliseconds=1)


def _ms(moment: datetime) -> int:
    """Epoch milliseconds of ``moment`` (exact integer arithmetic)."""
    return (moment - _EPOCH) // _MS


def _shipped(status: str, quantity: int) -> int:
    """Units of an item of ``quantity`` shipped in an order of ``status``."""
    if status == "Shipped":
        return quantity
    return quantity // 2 if status == "PartiallyShipped" else 0


_STATES: Final = (
    ("Seattle", "WA", "98101"), ("Austin", "TX", "73301"), ("Denver", "CO", "80201"),
    ("Boston", "MA", "02108"), ("Miami", "FL", "33101"), ("Portland", "OR", "97201"),
)  # fmt: skip


class World:
    """Deterministic catalog and orders for one seed.

    ``catalog_size`` products, and for every seller ``order_count`` orders spread over ``order_days``
    days before ``anchor`` (default 2026-01-01T00:00Z, fixed so worlds are identical whenever they are
    built). ``seller_cache_size`` bounds how many sellers' order indexes stay in memory besides the
    default seller's. ``live_from`` (a server time) makes the orders in progress at the anchor move on from
    then (see the module docstring).
    """

    default_seller: ClassVar[str] = DEFAULT_SELLER_ID
    """The SellerId whose orders are the world's own (:meth:`order`, :meth:`order_id`, ...)."""

    def __init__(
        self,
        seed: int = 0,
        *,
        catalog_size: int = 1_000_000,
        order_count: int = 5000,
        anchor: datetime | None = None,
        order_days: int = 90,
        order_marketplaces: tuple[str, ...] = ("ATVPDKIKX0DER",),
        order_items_page_size: int = 100,
        cache_size: int = 50_000,
        report_history: int = 250,
        feed_history: int = 30,
        customer_count: int = 120,
        seller_cache_size: int = 32,
        live_from: datetime | None = None,
    ) -> None:
        if not 0 < catalog_size <= 10**9:
            raise ValueError("catalog_size must be in 1..1e9")
        if not 0 <= order_count <= 10**7:
            raise ValueError("order_count must be in 0..1e7")
        if seller_cache_size < 1:
            raise ValueError("seller_cache_size must be at least 1")
        self.seed = seed
        self.catalog_size = catalog_size
        self.order_count = order_count
        self.anchor = (anchor or datetime(2026, 1, 1, tzinfo=UTC)).astimezone(UTC)
        self.order_days = order_days
        self.order_marketplaces = order_marketplaces
        self.order_items_page_size = order_items_page_size
        self.report_history = report_history
        """Finished report requests each seller starts with (paging tests want thousands)."""
        self.feed_history = feed_history
        """Processed feed submissions each seller starts with."""
        self.customer_count = customer_count
        """Webstore customers each seller starts with."""
        self.live_from = live_from.astimezone(UTC) if live_from is not None else None
        """Server time at which the world resumes at its anchor and orders in progress move on (see the
        module docstring); None: the orders never change."""
        digest = hashlib.sha256(f"mws-async-sandbox-world:{seed}".encode()).digest()
        self._key = int.from_bytes(digest[:8], "big")
        self.token_key = digest[8:]
        self.codec = Codec(self._key)
        self.fragments = _LRU(cache_size)
        self._products = _LRU(cache_size)
        self._default_orders: SellerOrders | None = None
        self._seller_orders = _LRU(seller_cache_size)
        self._store: Store | None = None

    @property
    def order_span(self) -> tuple[datetime, datetime]:
        """(earliest, latest) PurchaseDate of the world's orders: ``order_days`` days up to ``anchor``."""
        return self.anchor - timedelta(days=self.order_days), self.anchor

    # --- per-seller state (reports, feeds, customers) ---------------------------------------------
    @property
    def store(self) -> Store:
        """Mutable per-seller state of the ingestion sections (see :mod:`mws_async.sandbox.store`)."""
        if self._store is None:
            from mws_async.sandbox.store import Store

            self._store = Store(self)
        return self._store

    def add_customers(self, seller_id: str, n: int, now: datetime | None = None) -> list[Customer]:
        """Add ``n`` customers to the seller's Webstore (associated ``now``, default the real clock); a
        ListCustomersByNextToken call with the token of the last page then returns them."""
        return self.store.add_customers(seller_id, n, now)

    # --- hashing ----------------------------------------------------------------------------------
    def h(self, *parts: int) -> int:
        """A 64-bit hash of the seed and ``parts``."""
        acc = self._key
        for part in parts:
            acc = _mix(acc ^ (part & _MASK))
        return acc

    # --- catalog structure ------------------------------------------------------------------------
    def _family(self, block: int) -> int:
        """Number of children of block ``block``'s variation family (0: not a family)."""
        value = self.h(block, 1)
        return 2 + value % 5 if value % 8 == 0 else 0

    def kind(self, index: int) -> str | None:
        """``book``/``standard``/``parent``/``child``, or None outside the catalog."""
        if not 0 <= index < self.catalog_size:
            return None
        block, offset = divmod(index, 16)
        children = self._family(block)
        if children:
            if offset == 0:
                return "parent"
            if offset <= children and block * 16 + offset < self.catalog_size:
                return "child"
        return "book" if self.h(index, 2) % 100 < 40 else "standard"

    def exists(self, index: int) -> bool:
        """Whether ``index`` is a catalog product."""
        return 0 <= index < self.catalog_size

    def product(self, index: int) -> Product:
        """Product ``index`` (cached); raises IndexError outside the catalog."""
        if not self.exists(index):
            raise IndexError(f"product {index} is outside the catalog of {self.catalog_size}")
        return self._products.get(index, lambda: self._make_product(index))

    def _make_product(self, i: int) -> Product:
        kind = self.kind(i)
        if kind is None:
            raise IndexError(f"product {i} is outside the catalog of {self.catalog_size}")
        r = [self.h(i, 100 + k) for k in range(16)]
        codec = self.codec
        noun_i = i % len(NOUNS)
        brand_i = (i // len(NOUNS)) % len(BRANDS)
        adjective = ADJECTIVES[r[0] % len(ADJECTIVES)]
        parent: int | None = None
        children: tuple[int, ...] = ()
        color = size = None
        isbn13 = upc = ean = jan = gcid = None
        authors: tuple[str, ...] = ()
        creator = None
        pages = 0
        trade_in = None
        categories: tuple[tuple[str, str], ...]
        if kind == "book":
            noun = BOOK_NOUNS[noun_i]
            publisher = PUBLISHERS[brand_i]
            title = f"The {adjective} {noun}"
            if r[1] % 3 == 0:
                title += f": A {NOUNS[r[2] % len(NOUNS)]} Story"
            brand = publisher
            group, ptype, rank_cat = "Book", "ABIS_BOOK", "book_display_on_website"
            binding = ("Paperback", "Hardcover", "Mass Market Paperback")[r[3] % 3]
            categories = _BOOK_CATEGORIES[r[4] % len(_BOOK_CATEGORIES)]
            authors = tuple(
                f"{LAST_NAMES[(r[5] >> (8 * k)) % len(LAST_NAMES)]}, "
                f"{FIRST_NAMES[(r[6] >> (8 * k)) % len(FIRST_NAMES)]}"
                for k in range(1 + r[7] % 3)
            )
            if r[8] % 4 == 0:
                creator = ("Illustrator", f"{LAST_NAMES[r[9] % len(LAST_NAMES)]}, {FIRST_NAMES[r[9] % 7]}")
            pages = 96 + r[10] % 900
            asin = codec.isbn10(i)
            isbn13 = codec.isbn13(i)
            if r[11] % 4 == 0:
                trade_in = 100 + r[11] % 1500
        else:
            if kind in ("parent", "child"):
                group, ptype, binding, rank_cat, categories = _APPAREL
                base = i - i % 16
                p_noun = NOUNS[base % len(NOUNS)]
                brand = BRANDS[(base // len(NOUNS)) % len(BRANDS)]
                title = f"{brand} Men's {ADJECTIVES[self.h(base, 100) % len(ADJECTIVES)]} {p_noun} Shirt"
                if kind == "parent":
                    children = tuple(
                        base + k for k in range(1, self._family(base // 16) + 1) if self.exists(base + k)
                    )
                else:
                    parent = base
                    offset = i - base
                    color = COLORS[(self.h(base, 3) + offset) % len(COLORS)]
                    size = SIZES[offset % len(SIZES)]
                    title = f"{title}, {color}, {size}"
            else:
                group, ptype, binding, rank_cat, categories = _GROUPS[r[1] % len(_GROUPS)]
                brand = BRANDS[brand_i]
                title = f"{brand} {adjective} {NOUNS[noun_i]}"
                if r[2] % 2:
                    title += f" {('Pro', 'Mini', 'Max', '2000', 'X', 'Lite')[r[3] % 6]}"
            publisher = brand
            asin = codec.asin_b0(i)
            upc, ean, jan, gcid = codec.upc(i), codec.ean(i), codec.jan(i), codec.gcid(i)
        list_price = self._list_price(r[12])
        dims = (50 + r[13] % 1200, 300 + r[13] % 1700, 200 + (r[13] >> 12) % 900, 10 + (r[13] >> 24) % 900)
        package_dims = (dims[0] + 20, dims[1] + 30, dims[2] + 20, dims[3] + 5)
        image = (self._image_id(r[14]), 75, 40 + r[14] % 36)
        features: tuple[str, ...] = ()
        if kind != "book":
            features = tuple(f"{_FEATURES[(r[15] >> k) % 4]} design" for k in range(r[15] % 3))
        sales_ranks: tuple[tuple[str, int], ...] = ()
        if kind != "parent":
            top = 1 + r[10] % 2_500_000
            sales_ranks = (
                (rank_cat, top),
                *tuple(
                    (categories[-1 - k][0], max(1, top // 10 ** (k + 2)))
                    for k in range(r[9] % 3)
                    if k < len(categories)
                ),
            )
        year = 1995 + r[5] % 30
        return Product(
            index=i,
            kind=kind,
            asin=asin,
            sku=codec.sku(i, chr(65 + self.h(i, 4) % 26)),
            title=title,
            brand=brand,
            product_group=group,
            product_type=ptype,
            binding=binding,
            rank_category=rank_cat,
            categories=categories,
            list_price=list_price,
            authors=authors,
            creator=creator,
            publisher=publisher,
            publication_date=f"{year}-{1 + r[6] % 12:02d}-{1 + r[7] % 28:02d}",
            pages=pages,
            dims=dims,
            package_dims=package_dims,
            image=image,
            features=features,
            sales_ranks=sales_ranks,
            parent=parent,
            children=children,
            color=color,
            size=size,
            trade_in=trade_in,
            model=f"{brand[:3].upper()}-{i % 100000:05d}",
            isbn13=isbn13,
            upc=upc,
            ean=ean,
            jan=jan,
            gcid=gcid,
        )

    def list_price(self, index: int) -> int:
        """List price of product ``index`` in USD cents: ``product(index).list_price`` without building it."""
        return self._list_price(self.h(index, 112))

    @staticmethod
    def _list_price(r: int) -> int:
        return (4 + r % 95) * 100 + 99

    @staticmethod
    def _image_id(value: int) -> str:
        alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
        chars = []
        for _ in range(11):
            value, digit = divmod(value, 62)
            chars.append(alphabet[digit])
        return "5" + "".join(chars[:10]) + "L"

    # --- identifiers ------------------------------------------------------------------------------
    def resolve(self, id_type: str, value: str) -> int | None:
        """The product index an identifier names, or None (malformed, bad check digit, not in catalog)."""
        codec = self.codec
        index: int | None = None
        book: bool | None = None  # which kind the identifier requires
        if id_type == "ASIN":
            decoded = codec.decode_asin(value)
            if decoded is not None:
                index, book = decoded
        elif id_type == "ISBN":
            compact = value.replace("-", "")
            if len(compact) == 10:
                index, book = codec.decode_isbn10(compact), True
            else:
                family = codec.decode_ean_family(compact)
                if family is not None and family[0] == "book":
                    index, book = family[1], True
        elif id_type in ("EAN", "JAN"):
            family = codec.decode_ean_family(value)
            if family is not None and family[0] in ("book", "ean", "jan"):
                if id_type == "JAN" and family[0] != "jan":
                    return None
                index, book = family[1], family[0] == "book"
        elif id_type == "UPC":
            index, book = codec.decode_upc(value), False
        elif id_type == "GCID":
            index, book = codec.decode_gcid(value), False
        elif id_type == "SellerSKU":
            decoded_sku = codec.decode_sku(value)
            if (
                decoded_sku is not None
                and self.exists(decoded_sku[0])
                and chr(65 + self.h(decoded_sku[0], 4) % 26) == decoded_sku[1]
            ):
                return decoded_sku[0]
            return None
        if index is None or not self.exists(index):
            return None
        if book is not None and (self.kind(index) == "book") != book:
            return None
        return index

    def id_of(self, index: int, id_type: str) -> str | None:
        """The identifier of type ``id_type`` of product ``index`` (None if it has none)."""
        p = self.product(index)
        return {
            "ASIN": p.asin,
            "SellerSKU": p.sku,
            "ISBN": p.isbn13,
            "ISBN13": p.isbn13,
            "ISBN10": p.asin if p.kind == "book" else None,
            "UPC": p.upc,
            "EAN": p.ean or p.isbn13,
            "JAN": p.jan,
            "GCID": p.gcid,
        }[id_type]

    def sample_ids(self, id_type: str, n: int, *, start: int = 0) -> list[str]:
        """``n`` existing identifiers of ``id_type`` (``ASIN``, ``SellerSKU``, ``ISBN`` = ISBN-13,
        ``ISBN10``, ``UPC``, ``EAN``, ``JAN``, ``GCID``) of products from index ``start`` on."""
        out: list[str] = []
        index = start
        while len(out) < n and index < self.catalog_size:
            value = self.id_of(index, id_type)
            if value is not None:
                out.append(value)
            index += 1
        if len(out) < n:
            raise ValueError(f"the catalog has fewer than {n} products with a {id_type} from index {start}")
        return out

    def invalid_id(self, id_type: str, k: int = 0) -> str:
        """A well-formed ``id_type`` identifier that names no product: the ``k``-th sample id with its
        check digit changed (ASIN: a ``B0`` ASIN encoding an index beyond the catalog)."""
        if id_type == "ASIN":
            return self.codec.asin_b0(self.catalog_size + k)
        # The k-th product *that has* such an identifier (sample_ids(start=k) would skip to the same one
        # for several k when the id type is sparse, e.g. ISBN), so distinct k give distinct ids.
        valid = self.sample_ids(id_type, k + 1)[k]
        last = valid[-1]
        if id_type == "SellerSKU":
            return valid[:-1] + ("A" if last != "A" else "B")
        if id_type == "GCID":
            return valid[:-1] + ("0" if last != "0" else "1")
        return valid[:-1] + ("0" if last != "0" else "1")

    # --- offers -----------------------------------------------------------------------------------
    def offers(self, index: int) -> tuple[Offer, ...]:
        """Every offer on the product (deterministic; 0-24 of them), cheapest landed price first."""
        return self._products.get(("offers", index), lambda: self._make_offers(index))

    def _make_offers(self, index: int) -> tuple[Offer, ...]:
        product = self.product(index)
        if product.kind == "parent":
            return ()
        count = self.h(index, 5) % 25
        out = []
        for k in range(count):
            r = self.h(index, 6, k)
            condition = "New" if r % 100 < 70 else ("Used" if r % 100 < 95 else CONDITIONS[2 + r % 2])
            sub = "New" if condition == "New" else USED_SUBCONDITIONS[(r >> 8) % 4]
            if condition in ("Collectible", "Refurbished"):
                sub = "Good" if condition == "Collectible" else "Refurbished"
            fba = (r >> 12) % 3 == 0
            factor = 60 + (r >> 16) % 50 if condition == "New" else 35 + (r >> 16) % 45
            price = max(99, product.list_price * factor // 100)
            shipping = 0 if fba or (r >> 24) % 3 == 0 else (399, 499, 599)[(r >> 26) % 3]
            out.append(
                Offer(
                    condition=condition,
                    subcondition=sub,
                    fba=fba,
                    price=price,
                    shipping=shipping,
                    feedback_rating=80 + (r >> 30) % 21,
                    feedback_count=(r >> 36) % 200_000,
                    ship_hours=(0, 0) if fba else (24, 48),
                    buybox=False,
                    featured=(r >> 44) % 2 == 0,
                    domestic=True,
                )
            )
        out.sort(key=lambda o: (o.price + o.shipping, o.condition, o.feedback_count))
        # The cheapest new offer from a featured seller wins the Buy Box.
        for pos, offer in enumerate(out):
            if offer.condition == "New" and offer.featured:
                out[pos] = dataclasses.replace(offer, buybox=True)
                break
        return tuple(out)

    # --- money ------------------------------------------------------------------------------------
    @staticmethod
    def to_minor(usd_cents: int, market: MarketInfo) -> int:
        """Convert USD cents to the marketplace currency's minor units (integer arithmetic)."""
        return int(usd_cents * market.fx_milli * 10**market.decimals // 100_000)

    def amount(self, usd_cents: int, market: MarketInfo) -> str:
        """Formatted amount in the marketplace currency."""
        return format_amount(self.to_minor(usd_cents, market), market.decimals)

    # --- search -----------------------------------------------------------------------------------
    def search(self, query: str, limit: int = 10, *, scan_limit: int = 20_000) -> list[int]:
        """Deterministic ListMatchingProducts search: identifiers match their product; otherwise every
        query word that is a known noun or brand must appear in the title or brand (unknown words are
        ignored, as a relevance search would). Results in index order, at most ``limit``."""
        words = [w.strip(".,;:!?\"'()").lower() for w in query.split()]
        words = [w for w in words if w]
        for id_type in ("ASIN", "ISBN", "UPC", "EAN", "JAN", "GCID", "SellerSKU"):
            if len(words) == 1:
                index = self.resolve(id_type, query.strip())
                if index is not None:
                    return [index]
        nouns = {w for w in words for n in NOUNS + BOOK_NOUNS if n.lower() == w}
        brand_words = {w for w in words for b in BRANDS + PUBLISHERS if w in b.lower().split()}
        wanted = nouns | brand_words
        if not wanted:
            return []
        if nouns:
            residues = sorted({k for k, n in enumerate(NOUNS) if n.lower() in nouns}
                              | {k for k, n in enumerate(BOOK_NOUNS) if n.lower() in nouns})  # fmt: skip
            step = len(NOUNS)
        else:
            residues = sorted(
                k * len(NOUNS) + n
                for k, b in enumerate(BRANDS)
                if any(w in b.lower().split() for w in brand_words)
                or any(w in PUBLISHERS[k].lower().split() for w in brand_words)
                for n in range(len(NOUNS))
            )
            step = len(NOUNS) * len(BRANDS)
        out: list[int] = []
        base = 0
        scanned = 0
        while base < self.catalog_size and len(out) < limit and scanned < scan_limit:
            for residue in residues:
                index = base + residue
                if index >= self.catalog_size:
                    break
                scanned += 1
                product = self.product(index)
                text = f"{product.title} {product.brand}".lower().replace(",", " ").split()
                if all(w in text for w in wanted):
                    out.append(index)
                    if len(out) >= limit:
                        break
            base += step
        return out

    # --- orders -----------------------------------------------------------------------------------
    def orders_for(self, seller_id: str) -> SellerOrders:
        """The orders of seller ``seller_id`` (the default seller's are the world's own orders)."""
        if seller_id == self.default_seller:
            if self._default_orders is None:
                # The key the world's orders always had, so the default seller's data never changes.
                self._default_orders = SellerOrders(self, seller_id, self._key)
            return self._default_orders
        return self._seller_orders.get(seller_id, lambda: self._new_seller_orders(seller_id))

    def _new_seller_orders(self, seller_id: str) -> SellerOrders:
        digest = hashlib.sha256(f"mws-async-sandbox-orders:{self.seed}:{seller_id}".encode()).digest()
        return SellerOrders(self, seller_id, int.from_bytes(digest[:8], "big"))

    @property
    def order_books_held(self) -> int:
        """How many sellers' orders are held in memory now (at most ``seller_cache_size`` + 1)."""
        return len(self._seller_orders) + (self._default_orders is not None)

    def order_id(self, j: int) -> str:
        """AmazonOrderId of the default seller's order ``j`` (see :meth:`SellerOrders.order_id`)."""
        return self.orders_for(self.default_seller).order_id(j)

    def order_index(self, amazon_order_id: str) -> int | None:
        """Index of the default seller's order with this id (None if the seller has no such order)."""
        return self.orders_for(self.default_seller).order_index(amazon_order_id)

    def orders_created(self, after: datetime, before: datetime) -> list[int]:
        """The default seller's order indexes with PurchaseDate in [after, before), in purchase order."""
        return self.orders_for(self.default_seller).orders_created(after, before)

    def orders_updated(self, after: datetime, before: datetime) -> list[int]:
        """The default seller's order indexes with LastUpdateDate in [after, before), in update order."""
        return self.orders_for(self.default_seller).orders_updated(after, before)

    def order(self, j: int) -> Order:
        """The default seller's order ``j`` (cached)."""
        return self.orders_for(self.default_seller).order(j)


class SellerOrders:
    """One seller's orders: ``world.order_count`` orders over ``world.order_span``, a pure function of the
    world seed and ``key`` (derived from the SellerId). Built by :meth:`World.orders_for`.

    The catalog is the world's. PurchaseDate grows with the order index, so a purchase-date range is found
    by bisection without any stored index; the LastUpdateDate index is built on the first update-date
    query and held in compact arrays. Orders are built on demand and cached in the world's bounded cache.
    """

    def __init__(self, world: World, seller_id: str, key: int) -> None:
        self.world = world
        self.seller_id = seller_id
        self.key = key
        """64-bit key of the seller's orders (the world's own key for the default seller)."""
        self._update_index: tuple[array[int], array[int]] | None = None
        self._live: array[int] | None = None  # indexes of the orders in progress at the anchor

    @property
    def order_count(self) -> int:
        """How many orders the seller has."""
        return self.world.order_count

    @property
    def order_span(self) -> tuple[datetime, datetime]:
        """(earliest, latest) PurchaseDate of the seller's orders (the world's order span)."""
        return self.world.order_span

    def h(self, *parts: int) -> int:
        """A 64-bit hash of the seller's key and ``parts`` (:meth:`World.h` for the default seller)."""
        acc = self.key
        for part in parts:
            acc = _mix(acc ^ (part & _MASK))
        return acc

    def order_id(self, j: int) -> str:
        """AmazonOrderId of order ``j``: ``3-7-7`` digits, the middle group encoding ``j``."""
        middle = (j * 3_333_331 + self.key % 10**7) % 10**7
        return f"{111 + self.h(j, 7) % 3:03d}-{middle:07d}-{self.h(j, 8) % 10**7:07d}"

    def order_index(self, amazon_order_id: str) -> int | None:
        """Inverse of :meth:`order_id` (None if the seller has no such order, e.g. another seller's)."""
        parts = amazon_order_id.split("-")
        if len(parts) != 3 or [len(p) for p in parts] != [3, 7, 7] or not all(p.isdigit() for p in parts):
            return None
        j = ((int(parts[1]) - self.key % 10**7) * pow(3_333_331, -1, 10**7)) % 10**7
        # The full id must match: another seller's id decodes to some j but not to the same id.
        if j >= self.order_count or self.order_id(j) != amazon_order_id:
            return None
        return j

    def _purchase_epoch(self, j: int) -> int:
        world = self.world
        start = int((world.anchor - timedelta(days=world.order_days)).timestamp())
        span = world.order_days * 86400
        slot = span / max(1, world.order_count)
        return start + int(j * slot + (self.h(j, 9) % 1000) / 1000 * slot)

    def _status(self, j: int, purchase: int) -> tuple[str, str, int]:
        """(status, channel, update epoch)."""
        r = self.h(j, 10)
        age = self.world.anchor.timestamp() - purchase
        channel = "AFN" if r % 5 < 2 else "MFN"
        roll = (r >> 8) % 100
        if age < 2 * 86400:
            status = (
                "Pending"
                if roll < 30
                else "Unshipped"
                if roll < 80
                else "PartiallyShipped"
                if roll < 85
                else "Shipped"
            )
        else:
            status = (
                "Shipped"
                if roll < 86
                else "Canceled"
                if roll < 97
                else "Unshipped"
                if roll < 99
                else "Unfulfillable"
            )
        if channel == "AFN" and status in ("Unshipped", "PartiallyShipped"):
            status = "Pending"
        delay = {"Pending": 60, "Canceled": 3600}.get(status, 86400) + (r >> 16) % 86400
        return status, channel, purchase + delay

    def _updates(self) -> tuple[array[int], array[int]]:
        """(js sorted by historic (update epoch, j), their update epochs), built once with the list of
        orders in progress at the anchor; arrays of 64-bit ints keep a seller's index small (16 bytes per
        order)."""
        if self._update_index is None:
            updated: array[int] = array("q")
            live: array[int] = array("q")
            for j in range(self.order_count):
                status, _, epoch = self._status(j, self._purchase_epoch(j))
                updated.append(epoch)
                if status in _LIVE_STATUSES:
                    live.append(j)
            by_update = sorted(range(self.order_count), key=lambda j: (updated[j], j))
            self._live = live
            self._update_index = (array("q", by_update), array("q", (updated[j] for j in by_update)))
        return self._update_index

    def _live_orders(self) -> array[int]:
        """Indexes of the orders in progress at the anchor (built with the update index)."""
        self._updates()
        return self._live if self._live is not None else array("q")

    def _max_quantity(self, j: int) -> int:
        """The largest item quantity of order ``j`` (as :meth:`_make_order` draws it)."""
        n_items = (1, 1, 1, 2, 2, 3, 4, 5)[self.h(j, 11) % 8]
        return max(1 + (self.h(j, 12, k) >> 20) % 3 for k in range(n_items))

    def schedule(self, j: int) -> tuple[tuple[int, str], ...]:
        """Order ``j``'s lifecycle after the anchor: (world seconds after the anchor, new status) per change,
        in time order; empty for an order that had settled at the anchor. Timings: module docstring."""
        status, channel, _ = self._status(j, self._purchase_epoch(j))
        if status not in _LIVE_STATUSES:
            return ()
        r = self.h(j, 13)
        if status == "PartiallyShipped":
            return ((30 * _MINUTE + (r >> 24) % (47 * 30 * _MINUTE), "Shipped"),)
        steps: list[tuple[int, str]] = []
        start = 0
        if status == "Pending":
            start = 10 * _MINUTE + r % (230 * _MINUTE)
            if (r >> 20) % 10 == 0:
                return ((start, "Canceled"),)
            ship = start + 2 * _HOUR + (r >> 24) % (22 * _HOUR)
            if channel == "AFN":  # Amazon ships it; the world shows AFN orders Pending until then
                return ((ship, "Shipped"),)
            steps.append((start, "Unshipped"))
        else:  # Unshipped at the anchor
            ship = 30 * _MINUTE + (r >> 24) % (71 * 30 * _MINUTE)
        if (r >> 56) % 3 == 0 and ship - start >= _HOUR and self._max_quantity(j) >= 2:
            steps.append(((start + ship) // 2, "PartiallyShipped"))
        steps.append((ship, "Shipped"))
        return tuple(steps)

    def _timeline(self, j: int, time_scale: float) -> list[tuple[int, str]]:
        """(server epoch milliseconds, new status) of each change of order ``j`` in a live world: world
        time after the anchor runs ``time_scale`` times faster than server time after ``live_from``. Each
        change is stamped after the previous LastUpdateDate, so LastUpdateDate grows with every change."""
        live_from = self.world.live_from
        if live_from is None:
            return []
        steps = self.schedule(j)
        if not steps:
            return []
        start = _ms(live_from)
        previous = self._status(j, self._purchase_epoch(j))[2] * 1000
        out = []
        for offset, status in steps:
            previous = max(start + int(offset * 1000 / time_scale), previous + 1)
            out.append((previous, status))
        return out

    def order_at(self, j: int, at: datetime, time_scale: float = 1.0) -> Order:
        """Order ``j`` as it is at server time ``at`` on a sandbox running at ``time_scale``: the historic
        order until its first change (and always, in a world without ``live_from``)."""
        order = self.order(j)
        timeline = self._timeline(j, time_scale)
        if not timeline:
            return order
        stage = bisect.bisect_right(timeline, _ms(at), key=lambda change: change[0])
        if stage == 0:
            return order
        when, status = timeline[stage - 1]
        return self.world._products.get(
            ("order", self.seller_id, j, stage, when), lambda: self._advanced(order, status, stage, when)
        )

    @staticmethod
    def _advanced(order: Order, status: str, stage: int, when: int) -> Order:
        items = tuple(dataclasses.replace(i, shipped=_shipped(status, i.quantity)) for i in order.items)
        updated = _EPOCH + when * _MS
        return dataclasses.replace(order, status=status, updated=updated, items=items, stage=stage)

    def settled_at(self, time_scale: float = 1.0) -> datetime | None:
        """Server time of the last change of any of the seller's orders on a sandbox running at
        ``time_scale`` (None in a world without ``live_from``, or without orders in progress)."""
        if self.world.live_from is None:
            return None
        last = max((self._timeline(j, time_scale)[-1][0] for j in self._live_orders()), default=None)
        return None if last is None else _EPOCH + last * _MS

    def orders_created(self, after: datetime, before: datetime) -> list[int]:
        """Order indexes with PurchaseDate in [after, before), in purchase order."""
        # Order j is bought within its own slot of the span, so purchase epochs never decrease with j.
        js, epoch = range(self.order_count), self._purchase_epoch
        lo = bisect.bisect_left(js, int(after.timestamp()), key=epoch)
        hi = bisect.bisect_left(js, int(before.timestamp()), lo, key=epoch)
        return list(range(lo, hi))

    def orders_updated(
        self, after: datetime, before: datetime, *, at: datetime | None = None, time_scale: float = 1.0
    ) -> list[int]:
        """Order indexes with LastUpdateDate in [after, before), in update order: historic dates, or the
        dates as they are at server time ``at`` (see :meth:`order_at`)."""
        by_update, keys = self._updates()
        lo = bisect.bisect_left(keys, int(after.timestamp()))
        hi = bisect.bisect_left(keys, int(before.timestamp()))
        if at is None or self.world.live_from is None:
            return list(by_update[lo:hi])
        now = _ms(at)
        moved: dict[int, int] = {}  # changed orders -> their LastUpdateDate now (epoch ms)
        for j in self._live_orders():
            timeline = self._timeline(j, time_scale)
            stage = bisect.bisect_right(timeline, now, key=lambda change: change[0])
            if stage:
                moved[j] = timeline[stage - 1][0]
        if not moved:
            return list(by_update[lo:hi])
        low, high = _ms(after), _ms(before)
        rows = [(keys[i] * 1000, by_update[i]) for i in range(lo, hi) if by_update[i] not in moved]
        rows += [(when, j) for j, when in moved.items() if low <= when < high]
        rows.sort()
        return [j for _, j in rows]

    def order(self, j: int) -> Order:
        """Order ``j`` (cached)."""
        if not 0 <= j < self.order_count:
            raise IndexError(f"order {j} does not exist")
        return self.world._products.get(("order", self.seller_id, j), lambda: self._make_order(j))

    def _make_order(self, j: int) -> Order:
        world = self.world
        purchase = self._purchase_epoch(j)
        status, channel, updated = self._status(j, purchase)
        r = self.h(j, 11)
        n_items = (1, 1, 1, 2, 2, 3, 4, 5)[r % 8]
        items = []
        for k in range(n_items):
            rk = self.h(j, 12, k)
            product = rk % world.catalog_size
            if world.kind(product) == "parent":
                product = (product + 1) % world.catalog_size
            quantity = 1 + (rk >> 20) % 3
            shipped = _shipped(status, quantity)
            # The list price alone: building the whole product is left to whoever renders the item.
            unit = world.list_price(product) * (70 + (rk >> 24) % 30) // 100
            items.append(
                OrderItem(
                    order_item_id=f"{(rk >> 32) % 10**14:014d}",
                    product=product,
                    quantity=quantity,
                    shipped=shipped,
                    unit_price=unit,
                    shipping=0 if channel == "AFN" else 499,
                    tax=unit * quantity * 8 // 100,
                    promotion=0 if (rk >> 40) % 5 else 100,
                )
            )
        city, state, postal = _STATES[(r >> 8) % len(_STATES)]
        first, last = FIRST_NAMES[(r >> 16) % len(FIRST_NAMES)], LAST_NAMES[(r >> 24) % len(LAST_NAMES)]
        order_id = self.order_id(j)
        return Order(
            index=j,
            amazon_order_id=order_id,
            purchase=datetime.fromtimestamp(purchase, UTC),
            updated=datetime.fromtimestamp(updated, UTC),
            status=status,
            channel=channel,
            marketplace_id=world.order_marketplaces[(r >> 32) % len(world.order_marketplaces)],
            items=tuple(items),
            buyer_name=f"{first} {last}",
            buyer_email=f"{order_id.replace('-', '')[-12:]}@marketplace.amazon.com",
            prime=channel == "AFN" and (r >> 40) % 2 == 0,
            business=(r >> 41) % 10 == 0,
            premium=(r >> 42) % 10 == 0,
            service_level=("Std US D2D Dom", "Expedited", "SecondDay", "NextDay")[(r >> 43) % 4],
            payment_method="Other" if (r >> 45) % 10 else "COD",
            city=city,
            state=state,
            postal_code=postal,
            seller_id=self.seller_id,
        )
