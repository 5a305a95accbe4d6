"""Orders API (2013-09-01): ListOrders, GetOrder, ListOrderItems (+ByNextToken), GetServiceStatus."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from enum import Enum
from typing import Any, Final

from mws_async.models.common import ServiceStatus
from mws_async.models.orders import (
    ORDERS_FORCE_LIST,
    GetOrderResult,
    ListOrderItemsResult,
    ListOrdersResult,
    Order,
)
from mws_async.models.orders import OrderItem as OrderItem
from mws_async.operations import Operation, Param, as_instant
from mws_async.pagination import Paginator
from mws_async.sections.base import (
    SectionClient,
    as_list,
    exactly_one,
    not_together,
    paginated,
    service_status,
)
from mws_async.transport import Section

__all__ = ["FULFILLMENT_CHANNELS", "ORDERS", "ORDER_STATUSES", "PAYMENT_METHODS", "OrdersSection"]

ORDERS: Final = Section(
    "Orders", "/Orders/2013-09-01", "2013-09-01", "https://mws.amazonservices.com/Orders/2013-09-01"
)

ORDER_STATUSES: Final = frozenset(
    {
        "PendingAvailability",
        "Pending",
        "Unshipped",
        "PartiallyShipped",
        "Shipped",
        "Canceled",
        "Unfulfillable",
    }
)
FULFILLMENT_CHANNELS: Final = frozenset({"AFN", "MFN"})
PAYMENT_METHODS: Final = frozenset({"COD", "CVS", "Other"})
ORDER_ID: Final = r"\d{3}-\d{7}-\d{7}"


def _unshipped_together(args: Mapping[str, Any]) -> list[str]:
    given = args.get("order_statuses")
    if not isinstance(given, list):  # absent, or not a list: that problem is reported on its own
        return []
    values = (s.value if isinstance(s, Enum) else s for s in given)
    statuses = {v for v in values if isinstance(v, str)}
    if ("Unshipped" in statuses) != ("PartiallyShipped" in statuses):
        return ["order_statuses: Unshipped and PartiallyShipped must be requested together"]
    return []


def _before_after(before: str, after: str) -> Any:
    def check(args: Mapping[str, Any]) -> list[str]:
        b, a = args.get(before), args.get(after)
        if b is not None and a is None:
            return [f"{before} requires {after}"]
        # Naive datetimes and non-dates are reported on their own; only comparable bounds are compared.
        end, start = as_instant(b), as_instant(a)
        if end is not None and start is not None and end <= start:
            return [f"{before} must be later than {after}"]
        return []

    return check


_EXCLUSIVE_WITH_BUYER = (
    "fulfillment_channels",
    "order_statuses",
    "payment_methods",
    "last_updated_after",
    "last_updated_before",
)

LIST_ORDERS, LIST_ORDERS_BY_NEXT_TOKEN = paginated(
    ORDERS,
    "ListOrders",
    (
        Param("marketplace_ids", "MarketplaceId.Id", "list", required=True, max_items=50, marketplace=True),
        Param("created_after", "CreatedAfter", "datetime"),
        Param("created_before", "CreatedBefore", "datetime"),
        Param("last_updated_after", "LastUpdatedAfter", "datetime"),
        Param("last_updated_before", "LastUpdatedBefore", "datetime"),
        Param("order_statuses", "OrderStatus.Status", "list", choices=ORDER_STATUSES, max_items=7),
        Param("fulfillment_channels", "FulfillmentChannel.Channel", "list", choices=FULFILLMENT_CHANNELS),
        Param("payment_methods", "PaymentMethod.Method", "list", choices=PAYMENT_METHODS),
        Param("buyer_email", "BuyerEmail"),
        Param("seller_order_id", "SellerOrderId"),
        Param("max_results_per_page", "MaxResultsPerPage", "int", min_value=1, max_value=100),
        Param("easy_ship_shipment_statuses", "EasyShipShipmentStatus.Status", "list"),
    ),
    ListOrdersResult,
    mode="next_token",
    natural_id=lambda order: order.amazon_order_id,
    force_list=ORDERS_FORCE_LIST,
    checks=(
        exactly_one("created_after", "last_updated_after"),
        _before_after("created_before", "created_after"),
        _before_after("last_updated_before", "last_updated_after"),
        _unshipped_together,
        not_together("buyer_email", "seller_order_id", *_EXCLUSIVE_WITH_BUYER),
        not_together("seller_order_id", *_EXCLUSIVE_WITH_BUYER),
    ),
)
GET_ORDER: Final[Operation[GetOrderResult]] = Operation(
    ORDERS,
    "GetOrder",
    (
        Param(
            "amazon_order_ids",
            "AmazonOrderId.Id",
            "list",
            required=True,
            max_items=50,
            pattern=ORDER_ID,
            describe="the 3-7-7 AmazonOrderId format",
        ),
    ),
    GetOrderResult,
    force_list=ORDERS_FORCE_LIST,
)
LIST_ORDER_ITEMS, LIST_ORDER_ITEMS_BY_NEXT_TOKEN = paginated(
    ORDERS,
    "ListOrderItems",
    (Param("amazon_order_id", "AmazonOrderId", required=True, pattern=ORDER_ID, describe="3-7-7 digits"),),
    ListOrderItemsResult,
    mode="next_token",
    natural_id=lambda item: item.order_item_id,
    force_list=ORDERS_FORCE_LIST,
)
GET_SERVICE_STATUS: Final = service_status(ORDERS)


class OrdersSection(SectionClient):
    """``client.orders``: the Orders API."""

    def list_orders(
        self,
        *,
        created_after: datetime | None = None,
        created_before: datetime | None = None,
        last_updated_after: datetime | None = None,
        last_updated_before: datetime | None = None,
        order_statuses: Iterable[str] | None = None,
        fulfillment_channels: Iterable[str] | None = None,
        payment_methods: Iterable[str] | None = None,
        buyer_email: str | None = None,
        seller_order_id: str | None = None,
        max_results_per_page: int | None = None,
        marketplaces: Any = None,
        next_token: str | None = None,
    ) -> Paginator[Order]:
        """ListOrders (+ListOrdersByNextToken): ``async for order in ...`` across pages; ``.pages()`` for
        pages with their ``next_token``; ``next_token=`` resumes a saved listing (pass the same filters so a
        corrupted token can be recovered). Exactly one of ``created_after`` / ``last_updated_after``."""
        return self._paginate(
            LIST_ORDERS,
            next_token=next_token,
            marketplace_ids=self._marketplace_ids(marketplaces),
            created_after=created_after,
            created_before=created_before,
            last_updated_after=last_updated_after,
            last_updated_before=last_updated_before,
            order_statuses=as_list(order_statuses, LIST_ORDERS, "order_statuses"),
            fulfillment_channels=as_list(fulfillment_channels, LIST_ORDERS, "fulfillment_channels"),
            payment_methods=as_list(payment_methods, LIST_ORDERS, "payment_methods"),
            buyer_email=buyer_email,
            seller_order_id=seller_order_id,
            max_results_per_page=max_results_per_page,
        )

    async def get_order(self, amazon_order_ids: Sequence[str]) -> list[Order]:
        """GetOrder: up to 50 orders by AmazonOrderId (unknown ids are absent from the result)."""
        result: GetOrderResult = await self._call(
            GET_ORDER, amazon_order_ids=as_list(amazon_order_ids, GET_ORDER, "amazon_order_ids")
        )
        return result.orders

    def list_order_items(
        self, amazon_order_id: str, *, next_token: str | None = None
    ) -> Paginator[OrderItem]:
        """ListOrderItems (+ByNextToken): the items of one order."""
        return self._paginate(LIST_ORDER_ITEMS, next_token=next_token, amazon_order_id=amazon_order_id)

    async def get_service_status(self) -> ServiceStatus:
        """GetServiceStatus of the Orders section."""
        return await self._call(GET_SERVICE_STATUS)
