"""The MWS quota table as data: one :class:`QuotaSpec` per (section, operation).

Facts come from the MWS developer guide's throttling tables (see ``shared/reference/mws-api.md``,
sections 2 and 3). A bucket holds at most ``max_quota`` units (requests, or items for Products
operations that restore per item), refills at ``restore_amount`` units every ``restore_period``
seconds, and starts full. ``hourly`` is a second cap counted in *requests* per hour.

Values the reference marks unconfirmed, and the choice made here:

- Products SKU/ASIN twins share the burst bucket (documented); whether they share the *hourly* quota
  is unconfirmed. They share one group here, so the hourly cap is shared too (the conservative choice).
- Finances base/ByNextToken pairs: sharing unconfirmed; modelled as separate buckets (no sharing
  sentence in the docs, identical figures).
- GetReportScheduleListByNextToken: quota unconfirmed (docs say it can never be called); modelled like
  the other Reports ByNextToken operations (30, 1 per 2 s, 1800/h).
- GetCustomersForCustomerId: sources conflict (15 & 1/12 s vs 50 & 1/3 s); the stricter one is used.
- Customer Information quotas come from client libraries only (boto and a third-party schema agree).

Users can override any spec: ``QuotaTable.default().override("Products", "GetMatchingProductForId",
max_quota=40)`` or pass ``quotas={"Products.GetMatchingProductForId": QuotaSpec(...)}`` to the client.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from mws_async.errors import ConfigurationError
from mws_async.settings import is_positive

__all__ = ["QuotaSpec", "QuotaTable", "Unit"]

Unit = Literal["request", "item"]


@dataclass(frozen=True, slots=True)
class QuotaSpec:
    """Throttling parameters of one operation (or of a group of operations sharing one bucket)."""

    section: str
    operation: str
    max_quota: float
    restore_amount: float
    restore_period: float
    hourly: int | None = None
    unit: Unit = "request"
    group: str = ""  # defaults to the operation name; twins that share a bucket name the same group

    def __post_init__(self) -> None:
        where = f"{self.section}.{self.operation}"
        if not all(isinstance(part, str) and part for part in (self.section, self.operation)):
            raise ConfigurationError(f"{where}: section and operation must be non-empty strings")
        # nan or inf would make every wait nan or endless, and a string a TypeError on the first call.
        bad = [
            name
            for name in ("max_quota", "restore_amount", "restore_period")
            if not is_positive(getattr(self, name))
        ]
        if bad:
            raise ConfigurationError(f"{where}: {', '.join(bad)} must be positive, finite numbers")
        if self.hourly is not None and not is_positive(self.hourly):
            raise ConfigurationError(f"{where}: hourly quota must be positive or None")
        if self.unit not in ("request", "item"):
            raise ConfigurationError(f"{where}: unit must be 'request' or 'item', got {self.unit!r}")
        if not isinstance(self.group, str):
            raise ConfigurationError(f"{where}: group must be a string, got {type(self.group).__name__}")
        if not self.group:
            object.__setattr__(self, "group", self.operation)

    @property
    def name(self) -> str:
        """``Section.Operation``."""
        return f"{self.section}.{self.operation}"

    @property
    def group_key(self) -> str:
        """``Section.Group``: the bucket identity within one seller/developer pair."""
        return f"{self.section}.{self.group}"

    @property
    def restore_rate(self) -> float:
        """Units restored per second (unscaled)."""
        return self.restore_amount / self.restore_period

    def restore_time(self, cost: float, time_scale: float = 1.0) -> float:
        """Seconds the bucket needs to restore ``cost`` units."""
        return cost / (self.restore_rate * time_scale)

    def bound(self, total_units: float, time_scale: float = 1.0) -> float:
        """Fastest time a full bucket allows for ``total_units``: ``max(0, units - burst) / rate``."""
        return max(0.0, total_units - self.max_quota) / (self.restore_rate * time_scale)

    def replace(self, **changes: Any) -> QuotaSpec:
        """A copy with some fields changed."""
        return dataclasses.replace(self, **changes)


def _spec(
    section: str,
    operation: str,
    max_quota: float,
    restore: tuple[float, float],
    hourly: int | None = None,
    unit: Unit = "request",
    group: str = "",
) -> QuotaSpec:
    return QuotaSpec(section, operation, max_quota, restore[0], restore[1], hourly, unit, group)


_SERVICE_STATUS = (2, (1, 300.0))
_S = 1.0
_MIN = 60.0

_DEFAULT: tuple[QuotaSpec, ...] = (
    # Products 2011-10-01 (per-item operations restore by items; hourly counts requests)
    _spec("Products", "ListMatchingProducts", 20, (1, 5 * _S), 720),
    _spec("Products", "GetMatchingProduct", 20, (2, _S), 7200, "item"),
    _spec("Products", "GetMatchingProductForId", 20, (5, _S), 18000, "item"),
    _spec("Products", "GetCompetitivePricingForSKU", 20, (10, _S), 36000, "item", "GetCompetitivePricing"),
    _spec("Products", "GetCompetitivePricingForASIN", 20, (10, _S), 36000, "item", "GetCompetitivePricing"),
    _spec("Products", "GetLowestOfferListingsForSKU", 20, (10, _S), 36000, "item", "GetLowestOfferListings"),
    _spec("Products", "GetLowestOfferListingsForASIN", 20, (10, _S), 36000, "item", "GetLowestOfferListings"),
    _spec("Products", "GetLowestPricedOffersForSKU", 10, (5, _S), 200, "item", "GetLowestPricedOffers"),
    _spec("Products", "GetLowestPricedOffersForASIN", 10, (5, _S), 200, "item", "GetLowestPricedOffers"),
    _spec("Products", "GetMyFeesEstimate", 20, (10, _S), 36000, "item"),
    _spec("Products", "GetMyPriceForSKU", 20, (10, _S), 36000, "item", "GetMyPrice"),
    _spec("Products", "GetMyPriceForASIN", 20, (10, _S), 36000, "item", "GetMyPrice"),
    _spec("Products", "GetProductCategoriesForSKU", 20, (1, 5 * _S), 720, "request", "GetProductCategories"),
    _spec("Products", "GetProductCategoriesForASIN", 20, (1, 5 * _S), 720, "request", "GetProductCategories"),
    _spec("Products", "GetServiceStatus", *_SERVICE_STATUS),
    # Orders 2013-09-01 (no hourly quotas)
    _spec("Orders", "ListOrders", 6, (1, _MIN), group="ListOrders"),
    _spec("Orders", "ListOrdersByNextToken", 6, (1, _MIN), group="ListOrders"),
    _spec("Orders", "GetOrder", 6, (1, _MIN)),
    _spec("Orders", "ListOrderItems", 30, (1, 2 * _S), group="ListOrderItems"),
    _spec("Orders", "ListOrderItemsByNextToken", 30, (1, 2 * _S), group="ListOrderItems"),
    _spec("Orders", "GetServiceStatus", *_SERVICE_STATUS),
    # Reports 2009-01-01 (ByNextToken operations have their own, larger buckets)
    _spec("Reports", "RequestReport", 15, (1, _MIN), 60),
    _spec("Reports", "GetReportRequestList", 10, (1, 45 * _S), 80),
    _spec("Reports", "GetReportRequestListByNextToken", 30, (1, 2 * _S), 1800),
    _spec("Reports", "GetReportRequestCount", 10, (1, 45 * _S), 80),
    _spec("Reports", "CancelReportRequests", 10, (1, 45 * _S), 80),
    _spec("Reports", "GetReportList", 10, (1, _MIN), 60),
    _spec("Reports", "GetReportListByNextToken", 30, (1, 2 * _S), 1800),
    _spec("Reports", "GetReportCount", 10, (1, 45 * _S), 80),
    _spec("Reports", "GetReport", 15, (1, _MIN), 60),
    _spec("Reports", "ManageReportSchedule", 10, (1, 45 * _S), 80),
    _spec("Reports", "GetReportScheduleList", 10, (1, 45 * _S), 80),
    _spec("Reports", "GetReportScheduleListByNextToken", 30, (1, 2 * _S), 1800),  # unconfirmed
    _spec("Reports", "GetReportScheduleCount", 10, (1, 45 * _S), 80),
    _spec("Reports", "UpdateReportAcknowledgements", 10, (1, 45 * _S), 80),
    # Feeds 2009-01-01
    _spec("Feeds", "SubmitFeed", 15, (1, 2 * _MIN), 30),
    _spec("Feeds", "GetFeedSubmissionList", 10, (1, 45 * _S), 80),
    _spec("Feeds", "GetFeedSubmissionListByNextToken", 30, (1, 2 * _S), 1800),
    _spec("Feeds", "GetFeedSubmissionCount", 10, (1, 45 * _S), 80),
    _spec("Feeds", "CancelFeedSubmissions", 10, (1, 45 * _S), 80),
    _spec("Feeds", "GetFeedSubmissionResult", 15, (1, _MIN), 60),
    # Sellers 2011-07-01
    _spec("Sellers", "ListMarketplaceParticipations", 15, (1, _MIN), group="ListMarketplaceParticipations"),
    _spec(
        "Sellers",
        "ListMarketplaceParticipationsByNextToken",
        15,
        (1, _MIN),
        group="ListMarketplaceParticipations",
    ),
    _spec("Sellers", "GetServiceStatus", *_SERVICE_STATUS),
    # Finances 2015-05-01 (sharing between base and ByNextToken unconfirmed: separate buckets)
    _spec("Finances", "ListFinancialEventGroups", 30, (1, 2 * _S), 1800),
    _spec("Finances", "ListFinancialEventGroupsByNextToken", 30, (1, 2 * _S), 1800),
    _spec("Finances", "ListFinancialEvents", 30, (1, 2 * _S), 1800),
    _spec("Finances", "ListFinancialEventsByNextToken", 30, (1, 2 * _S), 1800),
    _spec("Finances", "GetServiceStatus", *_SERVICE_STATUS),
    # FulfillmentInventory 2010-10-01
    _spec("FulfillmentInventory", "ListInventorySupply", 30, (2, _S), group="ListInventorySupply"),
    _spec("FulfillmentInventory", "ListInventorySupplyByNextToken", 30, (2, _S), group="ListInventorySupply"),
    _spec("FulfillmentInventory", "GetServiceStatus", *_SERVICE_STATUS),
    # CustomerInformation 2014-03-01 (figures from client libraries only)
    _spec("CustomerInformation", "ListCustomers", 15, (1, 12 * _S)),
    _spec("CustomerInformation", "ListCustomersByNextToken", 50, (1, 3 * _S)),
    _spec("CustomerInformation", "GetCustomersForCustomerId", 15, (1, 12 * _S)),  # stricter of two sources
    _spec("CustomerInformation", "GetServiceStatus", *_SERVICE_STATUS),
)


class QuotaTable(Mapping[str, QuotaSpec]):
    """Immutable mapping ``"Section.Operation"`` -> :class:`QuotaSpec`, with overrides."""

    __slots__ = ("_specs",)

    def __init__(self, specs: Mapping[str, QuotaSpec] | None = None) -> None:
        self._specs: dict[str, QuotaSpec] = (
            _checked(specs) if specs is not None else {s.name: s for s in _DEFAULT}
        )

    @classmethod
    def default(cls) -> QuotaTable:
        """The documented MWS quotas."""
        return cls()

    def __getitem__(self, name: str) -> QuotaSpec:
        try:
            return self._specs[name]
        except KeyError:
            raise KeyError(f"no quota spec for {name!r}; known: {', '.join(sorted(self._specs))}") from None

    def __iter__(self) -> Iterator[str]:
        return iter(self._specs)

    def __len__(self) -> int:
        return len(self._specs)

    def get_spec(self, section: str, operation: str) -> QuotaSpec:
        """The spec for ``section``/``operation``."""
        return self[f"{section}.{operation}"]

    def override(self, section: str, operation: str, **changes: Any) -> QuotaTable:
        """A new table with one spec changed, e.g. ``max_quota=40`` (your account's quota may differ).

        Changing a spec that shares a group changes only that operation; override its twin too if the
        whole group differs.
        """
        spec = self.get_spec(section, operation).replace(**changes)
        return QuotaTable({**self._specs, spec.name: spec})

    def with_specs(self, specs: Mapping[str, QuotaSpec]) -> QuotaTable:
        """A new table with whole specs replaced or added (keys ``"Section.Operation"``)."""
        return QuotaTable({**self._specs, **_checked(specs)})


def _checked(specs: Mapping[str, QuotaSpec]) -> dict[str, QuotaSpec]:
    """``specs`` as a dict, each entry checked: a ``"Section.Operation"`` key naming its :class:`QuotaSpec`.
    A bad entry is a ConfigurationError naming it (not an AttributeError on the first call)."""
    if not isinstance(specs, Mapping):
        raise ConfigurationError(
            "quotas must be a mapping of 'Section.Operation' to QuotaSpec, e.g. "
            f"{{'Orders.ListOrders': QuotaSpec(...)}}, got {type(specs).__name__}"
        )
    table: dict[str, QuotaSpec] = {}
    for name, spec in specs.items():
        if not isinstance(spec, QuotaSpec):
            raise ConfigurationError(
                f"quota override {name!r} must be a QuotaSpec, got {type(spec).__name__}"
            )
        if name != spec.name:
            raise ConfigurationError(f"quota override key {name!r} does not match its spec {spec.name!r}")
        table[name] = spec
    return table
