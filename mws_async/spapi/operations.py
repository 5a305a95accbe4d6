"""Product Pricing v0 operations as data, their usage plans, and argument validation.

An :class:`SPAPIOperation` says everything about one call: its operationId, HTTP method, path template,
query / path / body parameters with their enums and list limits, its usage plan and its result model.
:meth:`SPAPIOperation.prepare` validates every argument before anything is sent and reports every problem
in one :class:`~mws_async.errors.ClientValidationError` naming the parameter, the limit and the values; the
client's one generic executor sends the :class:`PreparedRequest` it returns.

Usage plans (rate in requests per second, burst) are the default plans of the Product Pricing v0 reference
this project follows (its sandbox enforces the same table): getPricing 10/20, getCompetitivePricing 10/20,
getListingOffers 5/10, getItemOffers 5/10, getItemOffersBatch 0.5/1, getListingOffersBatch 0.5/1. An
account's plans may differ: pass ``usage_plans={"getItemOffers": UsagePlan(rate, burst)}`` to
:class:`~mws_async.spapi.SPAPIClient`, and a rate the server announces in ``x-amzn-RateLimit-Limit`` replaces
the plan's rate as soon as it is seen (the burst is kept). A plan maps onto the throttler's
:class:`~mws_async.throttle.QuotaSpec` as ``max_quota = burst``, ``restore_amount = rate``,
``restore_period = 1 s``, section ``"SPAPI"``.
"""

from __future__ import annotations

import enum
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final, Literal
from urllib.parse import quote

from pydantic import BaseModel

from mws_async.errors import ClientValidationError, ConfigurationError
from mws_async.identifiers import ID_SHAPES, describe
from mws_async.identifiers import check as check_id
from mws_async.spapi import models as m
from mws_async.throttle import QuotaSpec, QuotaTable

__all__ = [
    "CUSTOMER_TYPES",
    "ITEM_CONDITIONS",
    "ITEM_TYPES",
    "OFFER_TYPES",
    "OPERATIONS",
    "SECTION",
    "USAGE_PLANS",
    "PreparedRequest",
    "SPAPIOperation",
    "SPParam",
    "UsagePlan",
    "spapi_quota_table",
]

SECTION: Final = "SPAPI"
"""The QuotaSpec section of every SP-API operation."""
ITEM_CONDITIONS: Final = ("New", "Used", "Collectible", "Refurbished", "Club")
CUSTOMER_TYPES: Final = ("Consumer", "Business")
ITEM_TYPES: Final = ("Asin", "Sku")
OFFER_TYPES: Final = ("B2C", "B2B")
BATCH_LIMIT: Final = 20


@dataclass(frozen=True, slots=True)
class UsagePlan:
    """An SP-API usage plan: ``rate`` requests per second restored into a bucket of ``burst``."""

    rate: float
    burst: float

    def __post_init__(self) -> None:
        for name in ("rate", "burst"):
            value = getattr(self, name)
            valid = isinstance(value, int | float) and not isinstance(value, bool)
            if not valid or not 0 < value < math.inf:
                raise ConfigurationError(
                    f"a usage plan's {name} must be a positive number (requests per second, burst), "
                    f"got {value!r}"
                )

    def spec(self, operation: str) -> QuotaSpec:
        """The throttler spec: ``max_quota=burst``, ``restore_amount=rate``, ``restore_period=1.0``."""
        return QuotaSpec(SECTION, operation, self.burst, self.rate, 1.0)


USAGE_PLANS: Final[Mapping[str, UsagePlan]] = {
    "getPricing": UsagePlan(10.0, 20),
    "getCompetitivePricing": UsagePlan(10.0, 20),
    "getListingOffers": UsagePlan(5.0, 10),
    "getItemOffers": UsagePlan(5.0, 10),
    "getItemOffersBatch": UsagePlan(0.5, 1),
    "getListingOffersBatch": UsagePlan(0.5, 1),
}
"""Default usage plans of the Pricing v0 operations, from the reference (your account's may differ)."""


def spapi_quota_table(plans: Mapping[str, UsagePlan] | None = None) -> QuotaTable:
    """A :class:`QuotaTable` of the SP-API specs (``"SPAPI.getItemOffersBatch"``...).

    ``plans`` replaces the plans of the operations it names; the others keep :data:`USAGE_PLANS`. Naming an
    operation that is not one of them is a :class:`~mws_async.errors.ConfigurationError`.
    """
    given = dict(plans or {})
    unknown = sorted(name for name in given if name not in USAGE_PLANS)
    if unknown:
        raise ConfigurationError(
            f"usage plans given for unknown operation(s) {', '.join(map(repr, unknown))}; "
            f"known: {', '.join(USAGE_PLANS)}"
        )
    for name, plan in given.items():
        if not isinstance(plan, UsagePlan):
            raise ConfigurationError(
                f"the usage plan of {name} must be a UsagePlan(rate, burst), got {type(plan).__name__}"
            )
    specs = [plan.spec(name) for name, plan in {**USAGE_PLANS, **given}.items()]
    return QuotaTable({spec.name: spec for spec in specs})


ParamKind = Literal["str", "csv", "batch"]
Location = Literal["query", "path", "body"]


@dataclass(frozen=True, slots=True)
class SPParam:
    """One argument: Python ``name``, ``wire`` name, where it goes, enum ``choices``, list limits.

    ``id_type`` makes the values product ids, checked and normalized with the same rules as the MWS side
    (:func:`mws_async.identifiers.check`: ASINs uppercased, non-strings and malformed ids refused). Every
    other value is a string (or a str-valued enum member), never blank.
    """

    name: str
    wire: str
    location: Location = "query"
    kind: ParamKind = "str"
    required: bool = False
    choices: tuple[str, ...] | None = None
    max_items: int | None = None
    min_items: int = 0
    marketplace: bool = False
    id_type: str | None = None

    def render(self, value: Any, problems: list[str]) -> str | list[str] | None:
        """Validate ``value``; the wire text (or list of texts), or None after recording a problem."""
        if self.kind == "csv":
            return self._render_csv(value, problems)
        if isinstance(value, enum.Enum):
            value = value.value
        if self.id_type is not None:
            ids = self._ids([value], problems)
            return ids[0] if ids else None
        if not isinstance(value, str):
            problems.append(f"{self.wire}={describe(value)} must be a string, got {type(value).__name__}")
            return None
        text = str.strip(str.__str__(value))
        if not text:
            problems.append(f"{self.wire} is empty")
            return None
        if self.choices is not None and text not in self.choices:
            problems.append(f"{self.wire}={describe(text)} is not one of {', '.join(self.choices)}")
            return None
        if not _encodable(text):
            problems.append(f"{self.wire}={describe(text)} cannot be sent (not valid Unicode)")
            return None
        return text

    def _render_csv(self, value: Any, problems: list[str]) -> list[str] | None:
        if isinstance(value, str):
            values: list[Any] = [v.strip() for v in str.__str__(value).split(",")]
        elif isinstance(value, Sequence) and not isinstance(value, (bytes, bytearray)):
            values = list(value)
        else:
            problems.append(f"{self.wire} must be a list of strings, got {type(value).__name__}")
            return None
        if len(values) < self.min_items or (self.max_items is not None and len(values) > self.max_items):
            shown = ", ".join(describe(v, 20) for v in values[:3]) + (", ..." if len(values) > 3 else "")
            problems.append(
                f"{self.wire} takes {self.min_items}-{self.max_items} values, got {len(values)} ({shown})"
            )
            return None
        if self.id_type is not None:
            return self._ids(values, problems)
        texts = [str.strip(str.__str__(v)) if isinstance(v, str) else None for v in values]
        if any(not t or "," in t or not _encodable(t) for t in texts):
            problems.append(f"{self.wire} has empty, non-string or unsendable values")
            return None
        return [t for t in texts if t]

    def _ids(self, values: Sequence[Any], problems: list[str]) -> list[str] | None:
        id_type = self.id_type or ""
        checked = [check_id(v, id_type) for v in values]
        reasons = [c.reason for c in checked if c.reason is not None]
        # A comma inside an id would split it on the wire (ids are sent comma-separated).
        reasons += [f"{describe(c.given)} contains a comma" for c in checked if c.value and "," in c.value]
        if reasons:
            shape = ID_SHAPES.get(id_type, "")
            text = "; ".join(reasons)
            problems.append(f"{self.wire}: {text}" + (f" (expected {shape})" if shape not in text else ""))
            return None
        return [c.value for c in checked if c.value is not None]


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # lone surrogates: quoting the URL would fail later, untyped
        return False
    return True


@dataclass(frozen=True, slots=True)
class PreparedRequest:
    """A validated call, ready to send: method, path (path parameters filled in), query, JSON body."""

    operation: str
    method: Literal["GET", "POST"]
    path: str
    query: tuple[tuple[str, str], ...] = ()
    body: dict[str, Any] | None = None
    items: int = 1
    """How many items the call asks about (ids, or batched requests)."""


_MARKETPLACE = SPParam("marketplace_id", "MarketplaceId", required=True, marketplace=True)
_ITEM_CONDITION = SPParam("item_condition", "ItemCondition", choices=ITEM_CONDITIONS)
_CUSTOMER_TYPE = SPParam("customer_type", "CustomerType", choices=CUSTOMER_TYPES)


@dataclass(frozen=True, slots=True)
class SPAPIOperation:
    """One Pricing v0 operation (see the module docstring)."""

    name: str
    method: Literal["GET", "POST"]
    path: str
    params: tuple[SPParam, ...]
    result: type[BaseModel]
    batch_of: type[m.BatchRequest] | None = None
    """For batch operations, the model of one batched request (validated one by one)."""
    id_lists: tuple[str, ...] = field(default=())
    """``ItemType``-selected id lists (``Asins``/``Skus``): exactly the one ItemType names is required."""

    @property
    def plan(self) -> UsagePlan:
        """The default usage plan."""
        return USAGE_PLANS[self.name]

    @property
    def spec(self) -> QuotaSpec:
        """The default throttler spec."""
        return self.plan.spec(self.name)

    def prepare(self, args: Mapping[str, Any], *, marketplace_id: str | None = None) -> PreparedRequest:
        """Validate ``args`` (Python names) and build the request; every problem in one error."""
        problems: list[str] = []
        known = {p.name for p in self.params}
        unknown = sorted(k if isinstance(k, str) else describe(k) for k in args if k not in known)
        if unknown:
            problems.append(f"unknown argument(s) {', '.join(unknown)}; known: {', '.join(sorted(known))}")
        path = self.path
        query: list[tuple[str, str]] = []
        body: dict[str, Any] | None = None
        items = 1
        for param in self.params:
            value = args.get(param.name)
            if value is None and param.marketplace:
                value = marketplace_id
            if value is None:
                if param.required:
                    problems.append(f"{param.wire} is required")
                continue
            if param.kind == "batch":
                body, items = self._batch(param, value, problems)
                continue
            rendered = param.render(value, problems)
            if rendered is None:
                continue
            if param.location == "path":
                path = path.replace("{" + param.wire + "}", quote(str(rendered), safe=""))
            elif isinstance(rendered, list):
                query.append((param.wire, ",".join(rendered)))
                items = len(rendered)
            else:
                query.append((param.wire, rendered))
        if self.id_lists:
            self._check_item_type(args, problems)
        if problems:
            raise ClientValidationError(self.name, problems)
        return PreparedRequest(self.name, self.method, path, tuple(query), body, items)

    def _check_item_type(self, args: Mapping[str, Any], problems: list[str]) -> None:
        item_type = args.get("item_type")
        if isinstance(item_type, enum.Enum):
            item_type = item_type.value
        given = [name for name in self.id_lists if args.get(name) is not None]
        wanted = {"Asin": "asins", "Sku": "skus"}.get(item_type) if isinstance(item_type, str) else None
        if wanted is None:
            return  # the ItemType problem itself is already recorded
        wire = "Asins" if wanted == "asins" else "Skus"
        if wanted not in given:
            problems.append(f"ItemType={item_type} requires {wire} (1-{BATCH_LIMIT} values)")
        other = [g for g in given if g != wanted]
        if other:
            problems.append(
                f"ItemType={item_type} takes {wire} only, not {', '.join(o.capitalize() for o in other)}"
            )

    def _batch(self, param: SPParam, value: Any, problems: list[str]) -> tuple[dict[str, Any] | None, int]:
        batch_of = self.batch_of
        if batch_of is None:
            problems.append(f"{self.name} takes no batch of requests")
            return None, 0
        if isinstance(value, (str, bytes)) or not isinstance(value, Sequence):
            problems.append(f"{param.wire} must be a list of requests")
            return None, 0
        count = len(value)
        if not param.min_items <= count <= (param.max_items or count):
            problems.append(f"{param.wire} takes {param.min_items}-{param.max_items} requests, got {count}")
            return None, 0
        rendered: list[dict[str, Any]] = []
        for n, entry in enumerate(value, 1):
            try:
                model = entry if isinstance(entry, batch_of) else batch_of.model_validate(entry)
                wire = model.to_json_dict()
            except ValueError as exc:
                problems.append(f"{param.wire}[{n}]: {_first_error(exc)}")
                continue
            except Exception as exc:  # input pydantic cannot even inspect must still be a typed problem
                problems.append(f"{param.wire}[{n}]: could not be read ({type(exc).__name__})")
                continue
            bad = [
                f"{name}={wire.get(name)!r} is not one of {', '.join(choices)}"
                for name, choices in (("ItemCondition", ITEM_CONDITIONS), ("CustomerType", CUSTOMER_TYPES))
                if wire.get(name) is not None and wire[name] not in choices
            ]
            problems.extend(f"{param.wire}[{n}]: {b}" for b in bad)
            rendered.append(wire)
        return {param.wire: rendered}, count


def _first_error(exc: ValueError) -> str:
    errors = getattr(exc, "errors", None)
    if callable(errors):
        found = errors()
        if found:
            first = found[0]
            where = ".".join(str(p) for p in first.get("loc", ()))
            return f"{where}: {first.get('msg')} (got {describe(first.get('input'))})"
    return (str(exc).splitlines() or [type(exc).__name__])[0]


_ID_LIST_PARAMS: Final = (
    SPParam("asins", "Asins", kind="csv", min_items=1, max_items=BATCH_LIMIT, id_type="ASIN"),
    SPParam("skus", "Skus", kind="csv", min_items=1, max_items=BATCH_LIMIT, id_type="SellerSKU"),
    SPParam("item_type", "ItemType", required=True, choices=ITEM_TYPES),
)

OPERATIONS: Final[Mapping[str, SPAPIOperation]] = {
    op.name: op
    for op in (
        SPAPIOperation(
            "getPricing",
            "GET",
            "/products/pricing/v0/price",
            (
                _MARKETPLACE,
                *_ID_LIST_PARAMS,
                _ITEM_CONDITION,
                SPParam("offer_type", "OfferType", choices=OFFER_TYPES),
            ),
            m.GetPricingResponse,
            id_lists=("asins", "skus"),
        ),
        SPAPIOperation(
            "getCompetitivePricing",
            "GET",
            "/products/pricing/v0/competitivePrice",
            (_MARKETPLACE, *_ID_LIST_PARAMS, _CUSTOMER_TYPE),
            m.GetPricingResponse,
            id_lists=("asins", "skus"),
        ),
        SPAPIOperation(
            "getListingOffers",
            "GET",
            "/products/pricing/v0/listings/{SellerSKU}/offers",
            (
                SPParam("seller_sku", "SellerSKU", location="path", required=True, id_type="SellerSKU"),
                _MARKETPLACE,
                SPParam("item_condition", "ItemCondition", required=True, choices=ITEM_CONDITIONS),
                _CUSTOMER_TYPE,
            ),
            m.GetOffersResponse,
        ),
        SPAPIOperation(
            "getItemOffers",
            "GET",
            "/products/pricing/v0/items/{Asin}/offers",
            (
                SPParam("asin", "Asin", location="path", required=True, id_type="ASIN"),
                _MARKETPLACE,
                SPParam("item_condition", "ItemCondition", required=True, choices=ITEM_CONDITIONS),
                _CUSTOMER_TYPE,
            ),
            m.GetOffersResponse,
        ),
        SPAPIOperation(
            "getItemOffersBatch",
            "POST",
            "/batches/products/pricing/v0/itemOffers",
            (
                SPParam(
                    "requests",
                    "requests",
                    location="body",
                    kind="batch",
                    required=True,
                    min_items=1,
                    max_items=BATCH_LIMIT,
                ),
            ),
            m.GetItemOffersBatchResponse,
            batch_of=m.ItemOffersRequest,
        ),
        SPAPIOperation(
            "getListingOffersBatch",
            "POST",
            "/batches/products/pricing/v0/listingOffers",
            (
                SPParam(
                    "requests",
                    "requests",
                    location="body",
                    kind="batch",
                    required=True,
                    min_items=1,
                    max_items=BATCH_LIMIT,
                ),
            ),
            m.GetListingOffersBatchResponse,
            batch_of=m.ListingOffersRequest,
        ),
    )
}
"""The six Pricing v0 operations by operationId."""
