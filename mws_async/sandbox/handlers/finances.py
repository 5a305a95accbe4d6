"""Finances 2015-05-01: ListFinancialEventGroups / ListFinancialEvents (+ByNextToken), GetServiceStatus.

Financial data is derived from the calling seller's orders (:meth:`World.orders_for`), so every seller
has its own ledger (group ids, events, totals); the default sandbox seller's is the one it always had:

- event groups are 14-day settlement periods from ``anchor - order_days``; the one holding the anchor is
  ``Open``, earlier ones ``Closed`` with a successful fund transfer; a group's total is the net of its events;
- a ``ShipmentEvent`` per shipped or partially shipped order, posted at its last update: Principal, Tax and
  ShippingCharge charges, a Commission fee (15 %), an FBA fee per unit for AFN orders, promotions;
- a ``RefundEvent`` (same shape, adjustment lists) for about one shipped order in twelve, posted five days
  after the shipment;
- a ``ServiceFeeEvent`` (Subscription, 39.99 USD) one day after each group starts.

ListFinancialEvents takes exactly one of AmazonOrderId, FinancialEventGroupId, PostedAfter (+PostedBefore);
pages hold ``MaxResultsPerPage`` events (1-100, default 100) in posting order. AmazonOrderId is a filter:
another seller's order id (like any unknown one) matches no event; another seller's FinancialEventGroupId
is 400 InvalidParameterValue, like any unknown group id.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any, Final

from mws_async.sandbox.handlers.common import date_param, int_param, require, service_status
from mws_async.sandbox.registry import Registry, RequestContext, SectionSpec
from mws_async.sandbox.render import el, envelope, invalid, iso_s, missing
from mws_async.sandbox.tokens import decode_token, encode_token
from mws_async.sandbox.world import MarketInfo, Order, SellerOrders, World, known_market, market_info

__all__ = ["FINANCES", "NS", "register"]

NS: Final = "http://mws.amazonservices.com/Finances/2015-05-01"
FINANCES: Final = SectionSpec("Finances", "/Finances/2015-05-01", "2015-05-01", NS)
PERIOD: Final = timedelta(days=14)
REFUND_DELAY: Final = timedelta(days=5)
SUBSCRIPTION_FEE: Final = 3999
_CUTOFF: Final = timedelta(minutes=2)
_SHIPMENT, _REFUND, _FEE = 0, 1, 2


def _money(name: str, cents: int, m: MarketInfo, world: World) -> str:
    return (
        f"<{name}><CurrencyCode>{m.currency}</CurrencyCode>"
        f"<CurrencyAmount>{world.amount(cents, m)}</CurrencyAmount></{name}>"
    )


def _usd() -> MarketInfo:
    return known_market("ATVPDKIKX0DER")


# --- the ledger ---------------------------------------------------------------------------------------
def _groups(book: SellerOrders) -> list[tuple[str, datetime, datetime]]:
    """(FinancialEventGroupId, start, end) of every group of the seller, oldest first."""
    world = book.world

    def make() -> list[tuple[str, datetime, datetime]]:
        start = world.anchor - timedelta(days=world.order_days)
        out = []
        k = 0
        while start + PERIOD * k <= world.anchor:
            raw = book.h(k, 40).to_bytes(8, "big") + book.h(k, 41).to_bytes(8, "big")
            group_id = base64.urlsafe_b64encode(raw).decode().rstrip("=")
            out.append((group_id, start + PERIOD * k, start + PERIOD * (k + 1)))
            k += 1
        return out

    return world.fragments.get(("finance-groups", book.seller_id), make)


def _shipped(order: Order) -> bool:
    return order.status in ("Shipped", "PartiallyShipped")


def _refunded(book: SellerOrders, order: Order) -> bool:
    return _shipped(order) and book.h(order.index, 42) % 12 == 0


def _shipment_net(order: Order) -> int:
    net = 0
    for item in order.items:
        qty = item.shipped
        principal = item.unit_price * qty
        net += principal + item.tax * qty // max(1, item.quantity) + item.shipping - item.promotion
        net -= principal * 15 // 100 + (300 * qty if order.channel == "AFN" else 0)
    return net


def _refund_net(order: Order) -> int:
    return -sum(item.unit_price * item.shipped * 85 // 100 for item in order.items)


def _events(book: SellerOrders, low: datetime, high: datetime) -> list[tuple[int, int, int]]:
    """(posted epoch, kind, order index / group number) of events posted in [low, high), in posting order."""
    out: list[tuple[int, int, int]] = []
    for j in book.orders_updated(low, high):
        order = book.order(j)
        if _shipped(order):
            out.append((int(order.updated.timestamp()), _SHIPMENT, j))
    for j in book.orders_updated(low - REFUND_DELAY, high - REFUND_DELAY):
        order = book.order(j)
        if _refunded(book, order):
            out.append((int((order.updated + REFUND_DELAY).timestamp()), _REFUND, j))
    for k, (_, start, _end) in enumerate(_groups(book)):
        posted = start + timedelta(days=1)
        if low <= posted < high:
            out.append((int(posted.timestamp()), _FEE, k))
    out.sort()
    return out


def _order_events(book: SellerOrders, j: int) -> list[tuple[int, int, int]]:
    order = book.order(j)
    out = []
    if _shipped(order):
        out.append((int(order.updated.timestamp()), _SHIPMENT, j))
    if _refunded(book, order):
        out.append((int((order.updated + REFUND_DELAY).timestamp()), _REFUND, j))
    return out


def _group_total(book: SellerOrders, start: datetime, end: datetime) -> int:
    def make() -> int:
        total = 0
        for _, kind, key in _events(book, start, end):
            if kind == _SHIPMENT:
                total += _shipment_net(book.order(key))
            elif kind == _REFUND:
                total += _refund_net(book.order(key))
            else:
                total -= SUBSCRIPTION_FEE
        return total

    return book.world.fragments.get(("finance-total", book.seller_id, start.timestamp()), make)


# --- rendering ----------------------------------------------------------------------------------------
def _charge(kind: str, cents: int, m: MarketInfo, world: World) -> str:
    amount = _money("ChargeAmount", cents, m, world)
    return f"<ChargeComponent>{el('ChargeType', kind)}{amount}</ChargeComponent>"


def _fee(kind: str, cents: int, m: MarketInfo, world: World) -> str:
    return f"<FeeComponent>{el('FeeType', kind)}{_money('FeeAmount', cents, m, world)}</FeeComponent>"


def _render_shipment(book: SellerOrders, order: Order, refund: bool) -> str:
    world = book.world
    m = market_info(order.marketplace_id) or _usd()
    items = []
    for item in order.items:
        if not item.shipped:
            continue
        product = world.product(item.product)
        principal = item.unit_price * item.shipped
        if refund:
            adjustment_id = f"{book.h(order.index, 43, int(item.order_item_id)) % 10**14:014d}"
            items.append(
                f"<ShipmentItem>{el('SellerSKU', product.sku)}"
                f"{el('OrderAdjustmentItemId', adjustment_id)}"
                f"{el('QuantityShipped', item.shipped)}"
                f"<ItemChargeAdjustmentList>{_charge('Principal', -principal, m, world)}"
                "</ItemChargeAdjustmentList>"
                f"<ItemFeeAdjustmentList>{_fee('Commission', principal * 15 // 100, m, world)}"
                f"{_fee('RefundCommission', -(principal * 15 // 100) // 5, m, world)}"
                "</ItemFeeAdjustmentList>"
                "</ShipmentItem>"
            )
            continue
        tax = item.tax * item.shipped // max(1, item.quantity)
        fees = _fee("Commission", -(principal * 15 // 100), m, world)
        if order.channel == "AFN":
            fees += _fee("FBAPerUnitFulfillmentFee", -300 * item.shipped, m, world)
        promotions = ""
        if item.promotion:
            promotions = (
                f"<PromotionList><Promotion>{el('PromotionType', 'PromotionMetaDataDefinitionValue')}"
                f"{el('PromotionId', 'SANDBOX-PROMO')}{_money('PromotionAmount', -item.promotion, m, world)}"
                "</Promotion></PromotionList>"
            )
        items.append(
            f"<ShipmentItem>{el('SellerSKU', product.sku)}{el('OrderItemId', item.order_item_id)}"
            f"{el('QuantityShipped', item.shipped)}"
            f"<ItemChargeList>{_charge('Principal', principal, m, world)}{_charge('Tax', tax, m, world)}"
            f"{_charge('ShippingCharge', item.shipping, m, world)}</ItemChargeList>"
            f"<ItemFeeList>{fees}</ItemFeeList>{promotions}</ShipmentItem>"
        )
    posted = order.updated + (REFUND_DELAY if refund else timedelta(0))
    list_name = "ShipmentItemAdjustmentList" if refund else "ShipmentItemList"
    return (
        f"<ShipmentEvent>{el('AmazonOrderId', order.amazon_order_id)}"
        f"{el('MarketplaceName', m.sales_channel)}{el('PostedDate', iso_s(posted))}"
        f"<{list_name}>{''.join(items)}</{list_name}></ShipmentEvent>"
    )


def _render_fee(book: SellerOrders, k: int) -> str:
    world = book.world
    m = _usd()
    posted = _groups(book)[k][1] + timedelta(days=1)
    return (
        f"<ServiceFeeEvent>{el('FeeReason', 'SubscriptionFee')}"
        f"<FeeList>{_fee('Subscription', -SUBSCRIPTION_FEE, m, world)}</FeeList>"
        f"{el('FeeDescription', 'Professional selling plan')}{el('PostedDate', iso_s(posted))}"
        "</ServiceFeeEvent>"
    )


def _render_events(book: SellerOrders, events: list[tuple[int, int, int]]) -> str:
    shipments, refunds, fees = [], [], []
    for _, kind, key in events:
        if kind == _SHIPMENT:
            shipments.append(_render_shipment(book, book.order(key), False))
        elif kind == _REFUND:
            refunds.append(_render_shipment(book, book.order(key), True))
        else:
            fees.append(_render_fee(book, key))

    def wrap(name: str, items: list[str]) -> str:
        return f"<{name}>{''.join(items)}</{name}>" if items else f"<{name}/>"

    return (
        f"<FinancialEvents>{wrap('ShipmentEventList', shipments)}{wrap('RefundEventList', refunds)}"
        f"{wrap('ServiceFeeEventList', fees)}{wrap('AdjustmentEventList', [])}</FinancialEvents>"
    )


def _render_group(book: SellerOrders, group_id: str, start: datetime, end: datetime) -> str:
    world = book.world
    m = _usd()
    total = _group_total(book, start, end)
    closed = end <= world.anchor
    parts = [
        "<FinancialEventGroup>",
        el("FinancialEventGroupId", group_id),
        el("ProcessingStatus", "Closed" if closed else "Open"),
    ]
    if closed:
        parts += [
            el("FundTransferStatus", "Succeeded"),
            _money("OriginalTotal", total, m, world),
            _money("ConvertedTotal", total, m, world),
            el("FundTransferDate", iso_s(end + timedelta(days=1))),
            el("TraceId", f"{book.h(int(start.timestamp()), 44) % 10**16:016d}"),
            el("AccountTail", "042"),
        ]
    else:
        parts.append(_money("OriginalTotal", total, m, world))
    parts += [_money("BeginningBalance", 0, m, world), el("FinancialEventGroupStart", iso_s(start))]
    if closed:
        parts.append(el("FinancialEventGroupEnd", iso_s(end)))
    parts.append("</FinancialEventGroup>")
    return "".join(parts)


# --- operations ---------------------------------------------------------------------------------------
def _check_window(ctx: RequestContext, after_name: str, before_name: str) -> tuple[datetime, datetime | None]:
    after = date_param(ctx.params, after_name)
    before = date_param(ctx.params, before_name)
    latest = ctx.now - _CUTOFF
    if after is None:
        raise missing(after_name)
    if after > latest:
        raise invalid(f"{after_name} must be no later than two minutes before the request time.")
    if before is not None:
        if before > latest:
            raise invalid(f"{before_name} must be no later than two minutes before the request time.")
        if before <= after:
            raise invalid(f"{before_name} must be after {after_name}.")
    return after, before


def _groups_page(ctx: RequestContext, action: str, query: Mapping[str, Any], offset: int) -> bytes:
    world = ctx.world
    book = world.orders_for(ctx.seller_id)
    low = query["after"]
    high = query["before"]
    matched = [
        g for g in _groups(book) if g[1].timestamp() >= low and (high is None or g[1].timestamp() < high)
    ]
    n = int(query["n"])
    page = matched[offset : offset + n]
    token = ""
    if offset + n < len(matched):
        token = el("NextToken", encode_token(world.token_key, "fingroups", {"q": query, "o": offset + n}))
    groups = "".join(_render_group(book, *g) for g in page)
    body = f"{token}<FinancialEventGroupList>{groups}</FinancialEventGroupList>"
    return envelope(action, NS, body, ctx.request_id)


def _list_groups(ctx: RequestContext) -> bytes:
    after, before = _check_window(ctx, "FinancialEventGroupStartedAfter", "FinancialEventGroupStartedBefore")
    query = {
        "after": after.timestamp(),
        "before": before.timestamp() if before else None,
        "n": int_param(ctx.params, "MaxResultsPerPage", 100, 1, 100),
    }
    return _groups_page(ctx, "ListFinancialEventGroups", query, 0)


def _list_groups_by_next_token(ctx: RequestContext) -> bytes:
    payload = decode_token(ctx.world.token_key, "fingroups", require(ctx.params, "NextToken"))
    return _groups_page(ctx, "ListFinancialEventGroupsByNextToken", payload["q"], int(payload["o"]))


def _matching_events(book: SellerOrders, query: Mapping[str, Any]) -> list[tuple[int, int, int]]:
    if query["mode"] == "order":
        j = book.order_index(query["id"])  # None for another seller's order: no events
        return [] if j is None else _order_events(book, j)
    if query["mode"] == "group":
        _, start, end = _groups(book)[int(query["k"])]
        return _events(book, start, end)
    low = datetime.fromtimestamp(query["after"], UTC)
    high = datetime.fromtimestamp(query["before"], UTC)
    return _events(book, low, high)


def _events_page(ctx: RequestContext, action: str, query: Mapping[str, Any], offset: int) -> bytes:
    world = ctx.world
    book = world.orders_for(ctx.seller_id)
    matched = _matching_events(book, query)
    n = int(query["n"])
    token = ""
    if offset + n < len(matched):
        token = el("NextToken", encode_token(world.token_key, "finevents", {"q": query, "o": offset + n}))
    body = token + _render_events(book, matched[offset : offset + n])
    return envelope(action, NS, body, ctx.request_id)


def _list_events(ctx: RequestContext) -> bytes:
    p = ctx.params
    given = [name for name in ("AmazonOrderId", "FinancialEventGroupId", "PostedAfter") if p.get(name)]
    if not given:
        raise missing("PostedAfter")
    if len(given) > 1:
        raise invalid(
            f"Specify only one of AmazonOrderId, FinancialEventGroupId and PostedAfter, not {given}."
        )
    if p.get("PostedBefore") and not p.get("PostedAfter"):
        raise invalid("PostedBefore can only be specified with PostedAfter.")
    n = int_param(p, "MaxResultsPerPage", 100, 1, 100)
    query: dict[str, Any]
    if given[0] == "AmazonOrderId":
        query = {"mode": "order", "id": p["AmazonOrderId"], "n": n}
    elif given[0] == "FinancialEventGroupId":
        ids = [g[0] for g in _groups(ctx.world.orders_for(ctx.seller_id))]
        if p["FinancialEventGroupId"] not in ids:
            raise invalid(f"Invalid FinancialEventGroupId: {p['FinancialEventGroupId']}")
        query = {"mode": "group", "k": ids.index(p["FinancialEventGroupId"]), "n": n}
    else:
        after, before = _check_window(ctx, "PostedAfter", "PostedBefore")
        query = {
            "mode": "posted",
            "after": after.timestamp(),
            "before": (before or ctx.now - _CUTOFF).timestamp(),
            "n": n,
        }
    return _events_page(ctx, "ListFinancialEvents", query, 0)


def _list_events_by_next_token(ctx: RequestContext) -> bytes:
    payload = decode_token(ctx.world.token_key, "finevents", require(ctx.params, "NextToken"))
    return _events_page(ctx, "ListFinancialEventsByNextToken", payload["q"], int(payload["o"]))


def register(registry: Registry) -> None:
    """Add the Finances section and its five operations."""
    section = registry.add_section(FINANCES)
    registry.add(section, "ListFinancialEventGroups", _list_groups)
    registry.add(section, "ListFinancialEventGroupsByNextToken", _list_groups_by_next_token)
    registry.add(section, "ListFinancialEvents", _list_events)
    registry.add(section, "ListFinancialEventsByNextToken", _list_events_by_next_token)
    registry.add(section, "GetServiceStatus", service_status)
