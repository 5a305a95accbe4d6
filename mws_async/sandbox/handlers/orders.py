"""Orders 2013-09-01: ListOrders (+ByNextToken), GetOrder, ListOrderItems (+ByNextToken), GetServiceStatus.

Validation follows the reference's ListOrders rules (section 6.3): exactly one of CreatedAfter and
LastUpdatedAfter; each ``...Before`` only with its ``...After``, later than it and no later than two
minutes before the request; OrderStatus Unshipped and PartiallyShipped together; MaxResultsPerPage 1-100.
The result echoes the cut-off actually used (``CreatedBefore`` / ``LastUpdatedBefore``, now - 2 min when
not given). Orders come in PurchaseDate (or LastUpdateDate) order; NextTokens are signed
(:mod:`mws_async.sandbox.tokens`). Pending orders omit buyer and charge fields, as MWS did.

Orders are shown as they are at the request's server time (:meth:`SellerOrders.order_at`): in a world
built with ``live_from`` they move on through their lifecycle (see :mod:`mws_async.sandbox.world`), each
change bumping LastUpdateDate to the server time of the change, so a LastUpdatedAfter listing sees a
changed order again. A listing is a snapshot: ListOrdersByNextToken pages show the state at the time of
the ListOrders request that started it (a live world's NextToken carries that time), so no order is
skipped or repeated when orders change between pages. The two-minute cut-off is two minutes of sandbox
time (divided by the time scale), so a fast sandbox lists a change within moments, as MWS did two minutes
after it.

Orders belong to the calling seller (:meth:`World.orders_for`). Another seller's AmazonOrderIds are
answered as MWS answered ids that are not yours: GetOrder leaves them out (an empty ``<Orders/>``, as in
recorded answers), ListOrderItems is 400 InvalidParameterValue ``Invalid AmazonOrderId: ...``.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any, Final

from mws_async.sandbox.auth import parse_timestamp
from mws_async.sandbox.handlers.common import list_values, marketplace, require, service_status
from mws_async.sandbox.registry import Registry, RequestContext, SectionSpec
from mws_async.sandbox.render import el, envelope, esc, invalid, iso_ms, iso_s, missing, money
from mws_async.sandbox.tokens import decode_token, encode_token
from mws_async.sandbox.world import Order, SellerOrders, World, known_market

__all__ = ["NS", "ORDERS", "register"]

NS: Final = "https://mws.amazonservices.com/Orders/2013-09-01"
ORDERS: Final = SectionSpec("Orders", "/Orders/2013-09-01", "2013-09-01", NS)
STATUSES: Final = (
    "PendingAvailability", "Pending", "Unshipped", "PartiallyShipped", "Shipped", "Canceled", "Unfulfillable",
)  # fmt: skip
CHANNELS: Final = ("AFN", "MFN")
PAYMENT_METHODS: Final = ("COD", "CVS", "Other")
_CUTOFF: Final = timedelta(minutes=2)


def _date(params: Mapping[str, str], name: str) -> datetime | None:
    value = params.get(name)
    if not value:
        return None
    moment = parse_timestamp(value)
    if moment is None:
        raise invalid(f"{value} is not a valid ISO 8601 value for {name}.")
    return moment


def _check_values(values: list[str], allowed: tuple[str, ...], name: str) -> None:
    for value in values:
        if value not in allowed:
            raise invalid(f"{value} is not a valid value for {name}; valid values are {', '.join(allowed)}.")


def _marketplaces(params: Mapping[str, str]) -> list[str]:
    ids = list_values(params, "MarketplaceId.Id")
    if not ids:
        raise missing("MarketplaceId.Id.1")
    if len(ids) > 50:
        raise invalid("There are more than 50 elements in MarketplaceId.")
    for marketplace_id in ids:
        marketplace(marketplace_id)
    return ids


def _list_orders(ctx: RequestContext) -> bytes:
    p = ctx.params
    mids = _marketplaces(p)
    created_after, updated_after = _date(p, "CreatedAfter"), _date(p, "LastUpdatedAfter")
    created_before, updated_before = _date(p, "CreatedBefore"), _date(p, "LastUpdatedBefore")
    if created_after and updated_after:
        raise invalid("Specify either CreatedAfter or LastUpdatedAfter, not both.")
    if created_after is None and updated_after is None:
        raise missing("CreatedAfter")
    if created_before and not created_after:
        raise invalid("CreatedBefore can only be specified with CreatedAfter.")
    if updated_before and not updated_after:
        raise invalid("LastUpdatedBefore can only be specified with LastUpdatedAfter.")
    latest = ctx.now - _CUTOFF / ctx.time_scale
    mode = "created" if created_after else "updated"
    after = created_after or updated_after
    if after is None:  # unreachable: one of the two was required above
        raise missing("CreatedAfter")
    before = (created_before if mode == "created" else updated_before) or latest
    label = "CreatedBefore" if mode == "created" else "LastUpdatedBefore"
    if before > latest:
        raise invalid(f"{label} must be no later than two minutes before the time the request was submitted.")
    if after >= before:
        raise invalid(
            f"{'CreatedAfter' if mode == 'created' else 'LastUpdatedAfter'} must be before {label}."
        )
    statuses = list_values(p, "OrderStatus.Status")
    _check_values(statuses, STATUSES, "OrderStatus")
    if ("Unshipped" in statuses) != ("PartiallyShipped" in statuses):
        raise invalid("OrderStatus Unshipped and PartiallyShipped must be specified together.")
    channels = list_values(p, "FulfillmentChannel.Channel")
    _check_values(channels, CHANNELS, "FulfillmentChannel")
    payments = list_values(p, "PaymentMethod.Method")
    _check_values(payments, PAYMENT_METHODS, "PaymentMethod")
    buyer_email = p.get("BuyerEmail") or ""
    if buyer_email and (statuses or channels or payments or updated_after or p.get("SellerOrderId")):
        raise invalid("BuyerEmail cannot be combined with OrderStatus, FulfillmentChannel, PaymentMethod, "
                      "LastUpdatedAfter, LastUpdatedBefore or SellerOrderId.")  # fmt: skip
    try:
        per_page = int(p.get("MaxResultsPerPage") or 100)
    except ValueError:
        raise invalid("MaxResultsPerPage must be an integer between 1 and 100.") from None
    if not 1 <= per_page <= 100:
        raise invalid("MaxResultsPerPage must be an integer between 1 and 100.")
    query = {
        "mode": mode,
        "after": after.timestamp(),
        "before": before.timestamp(),
        "m": mids,
        "s": statuses,
        "c": channels,
        "p": payments,
        "e": buyer_email,
        "n": per_page,
        "sid": p.get("SellerOrderId") or "",
    }
    if ctx.world.live_from is not None:  # orders change: every page shows the state at this time
        query["t"] = ctx.now.timestamp()
    return _orders_page(ctx, "ListOrders", query, 0)


def _list_orders_by_next_token(ctx: RequestContext) -> bytes:
    payload = decode_token(ctx.world.token_key, "orders", require(ctx.params, "NextToken"))
    return _orders_page(ctx, "ListOrdersByNextToken", payload["q"], int(payload["o"]))


def _matching_orders(
    book: SellerOrders, query: Mapping[str, Any], at: datetime, time_scale: float
) -> list[int]:
    anchor = book.world.anchor
    after = datetime.fromtimestamp(query["after"], tz=anchor.tzinfo)
    before = datetime.fromtimestamp(query["before"], tz=anchor.tzinfo)
    candidates = (
        book.orders_created(after, before)
        if query["mode"] == "created"
        else book.orders_updated(after, before, at=at, time_scale=time_scale)
    )
    marketplaces, statuses, channels, payments = (
        set(query["m"]),
        set(query["s"]),
        set(query["c"]),
        set(query["p"]),
    )
    out = []
    for j in candidates:
        order = book.order_at(j, at, time_scale)
        if order.marketplace_id not in marketplaces:
            continue
        if statuses and order.status not in statuses:
            continue
        if channels and order.channel not in channels:
            continue
        if payments and order.payment_method not in payments:
            continue
        if query["e"] and order.buyer_email != query["e"]:
            continue
        if query["sid"]:  # the sandbox's orders carry no SellerOrderId
            continue
        out.append(j)
    return out


def _orders_page(ctx: RequestContext, action: str, query: dict[str, Any], offset: int) -> bytes:
    world = ctx.world
    book = world.orders_for(ctx.seller_id)
    # A world that does not advance puts no time in its tokens (they stay as they always were).
    at = datetime.fromtimestamp(float(query.get("t", ctx.now.timestamp())), tz=world.anchor.tzinfo)
    matched = _matching_orders(book, query, at, ctx.time_scale)
    per_page = int(query["n"])
    page = matched[offset : offset + per_page]
    token = ""
    if offset + per_page < len(matched):
        token = el("NextToken", encode_token(world.token_key, "orders", {"q": query, "o": offset + per_page}))
    before = datetime.fromtimestamp(query["before"], tz=world.anchor.tzinfo)
    label = "CreatedBefore" if query["mode"] == "created" else "LastUpdatedBefore"
    orders = "".join(render_order(world, book.order_at(j, at, ctx.time_scale)) for j in page)
    body = (
        f"{token}{el(label, iso_s(before))}<Orders>{orders}</Orders>"
        if orders
        else f"{token}{el(label, iso_s(before))}<Orders/>"
    )
    return envelope(action, NS, body, ctx.request_id)


def _order_total(world: World, order: Order) -> int:
    return sum(i.unit_price * i.quantity + i.shipping + i.tax - i.promotion for i in order.items)


def render_order(world: World, order: Order) -> str:
    """One ``<Order>`` element (cached)."""

    def make() -> str:
        m = known_market(order.marketplace_id)
        pending = order.status in ("Pending", "PendingAvailability")
        shipped = sum(i.shipped for i in order.items)
        unshipped = sum(i.quantity - i.shipped for i in order.items) if order.status != "Canceled" else 0
        parts = [
            "<Order>",
            el("LatestShipDate", iso_s(order.purchase + timedelta(days=3))),
            el("OrderType", "StandardOrder"),
            el("PurchaseDate", iso_s(order.purchase)),
        ]
        if not pending:
            parts.append(el("BuyerEmail", order.buyer_email))
        parts += [
            el("AmazonOrderId", order.amazon_order_id),
            # Changes after the anchor carry milliseconds: at high time scales several fall in one second.
            el("LastUpdateDate", iso_ms(order.updated) if order.stage else iso_s(order.updated)),
            el("ShipServiceLevel", order.service_level),
            el("NumberOfItemsShipped", shipped),
            el("OrderStatus", order.status),
            el("SalesChannel", m.sales_channel),
            el("IsBusinessOrder", str(order.business).lower()),
            el("NumberOfItemsUnshipped", unshipped),
            "<PaymentMethodDetails><PaymentMethodDetail>Standard</PaymentMethodDetail></PaymentMethodDetails>",
        ]
        if not pending:
            parts += [
                el("BuyerName", order.buyer_name),
                money("OrderTotal", world.amount(_order_total(world, order), m), m.currency),
            ]
        parts += [
            el("IsPremiumOrder", str(order.premium).lower()),
            el("EarliestShipDate", iso_s(order.purchase + timedelta(days=1))),
            el("MarketplaceId", order.marketplace_id),
            el("FulfillmentChannel", order.channel),
        ]
        if not pending:
            parts += [
                el("PaymentMethod", order.payment_method),
                f"<ShippingAddress>{el('Name', order.buyer_name)}{el('AddressLine1', '410 Terry Ave N')}"
                f"{el('City', order.city)}{el('StateOrRegion', order.state)}"
                f"{el('PostalCode', order.postal_code)}"
                f"{el('CountryCode', m.country)}{el('AddressType', 'Residential')}</ShippingAddress>",
            ]
        parts += [
            el("IsPrime", str(order.prime).lower()),
            el("IsReplacementOrder", "false"),
            el(
                "ShipmentServiceLevelCategory",
                "Standard" if order.service_level.startswith("Std") else order.service_level,
            ),
            "</Order>",
        ]
        return "".join(parts)

    key: tuple[object, ...] = ("order", order.seller_id, order.index)
    if order.stage:
        key = (*key, order.stage, order.updated)
    return world.fragments.get(key, make)


def _render_item(world: World, order: Order, index: int) -> str:
    item = order.items[index]
    m = known_market(order.marketplace_id)
    product = world.product(item.product)
    c = m.currency
    promotion = (
        "<PromotionIds><PromotionId>SANDBOX-PROMO</PromotionId></PromotionIds>" if item.promotion else ""
    )
    return (
        f"<OrderItem>{el('ASIN', product.asin)}{el('SellerSKU', product.sku)}"
        f"{el('OrderItemId', item.order_item_id)}{el('Title', product.title)}"
        f"{el('QuantityOrdered', item.quantity)}{el('QuantityShipped', item.shipped)}"
        f"<ProductInfo><NumberOfItems>1</NumberOfItems></ProductInfo>"
        f"{money('ItemPrice', world.amount(item.unit_price * item.quantity, m), c)}"
        f"{money('ShippingPrice', world.amount(item.shipping, m), c)}"
        f"{money('ItemTax', world.amount(item.tax, m), c)}{money('ShippingTax', world.amount(0, m), c)}"
        f"{money('ShippingDiscount', world.amount(0, m), c)}"
        f"{money('PromotionDiscount', world.amount(item.promotion, m), c)}"
        f"{promotion}<IsGift>false</IsGift><ConditionId>New</ConditionId><ConditionSubtypeId>New</ConditionSubtypeId>"
        f"<IsTransparency>false</IsTransparency></OrderItem>"
    )


def _items_page(ctx: RequestContext, action: str, order_id: str, offset: int) -> bytes:
    world = ctx.world
    book = world.orders_for(ctx.seller_id)
    j = book.order_index(order_id)
    if j is None:  # malformed, unknown, or another seller's: MWS said the same for all three
        raise invalid(f"Invalid AmazonOrderId: {order_id}")
    order = book.order_at(j, ctx.now, ctx.time_scale)
    size = world.order_items_page_size
    indexes = range(offset, min(offset + size, len(order.items)))
    token = ""
    if offset + size < len(order.items):
        token = el("NextToken", encode_token(world.token_key, "items", {"id": order_id, "o": offset + size}))
    items = "".join(_render_item(world, order, k) for k in indexes)
    body = f"{token}{el('AmazonOrderId', order_id)}<OrderItems>{items}</OrderItems>"
    return envelope(action, NS, body, ctx.request_id)


def _list_order_items(ctx: RequestContext) -> bytes:
    order_id = require(ctx.params, "AmazonOrderId")
    return _items_page(ctx, "ListOrderItems", order_id, 0)


def _list_order_items_by_next_token(ctx: RequestContext) -> bytes:
    payload = decode_token(ctx.world.token_key, "items", require(ctx.params, "NextToken"))
    return _items_page(ctx, "ListOrderItemsByNextToken", str(payload["id"]), int(payload["o"]))


def _get_order_cost(params: Mapping[str, str]) -> int:
    ids = list_values(params, "AmazonOrderId.Id")
    if not ids:
        raise missing("AmazonOrderId.Id.1")
    if len(ids) > 50:
        raise invalid("There are more than 50 elements in AmazonOrderId.")
    return 1


def _get_order(ctx: RequestContext) -> bytes:
    world = ctx.world
    book = world.orders_for(ctx.seller_id)
    orders = []
    for order_id in list_values(ctx.params, "AmazonOrderId.Id"):
        parts = order_id.split("-")
        if [len(x) for x in parts] != [3, 7, 7] or not all(x.isdigit() for x in parts):
            raise invalid(f"Invalid AmazonOrderId: {esc(order_id)}")
        j = book.order_index(order_id)
        if j is not None:  # ids that are not the seller's are left out, as MWS did
            orders.append(render_order(world, book.order_at(j, ctx.now, ctx.time_scale)))
    body = f"<Orders>{''.join(orders)}</Orders>" if orders else "<Orders/>"
    return envelope("GetOrder", NS, body, ctx.request_id)


def register(registry: Registry) -> None:
    """Add the Orders section and its six operations."""
    section = registry.add_section(ORDERS)
    registry.add(section, "ListOrders", _list_orders)
    registry.add(section, "ListOrdersByNextToken", _list_orders_by_next_token)
    registry.add(section, "GetOrder", _get_order, _get_order_cost)
    registry.add(section, "ListOrderItems", _list_order_items)
    registry.add(section, "ListOrderItemsByNextToken", _list_order_items_by_next_token)
    registry.add(section, "GetServiceStatus", service_status)
