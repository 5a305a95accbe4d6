"""FulfillmentInventory 2010-10-01: ListInventorySupply (+ByNextToken), GetServiceStatus.

The seller's FBA supply is its listings (see :func:`mws_async.sandbox.store.supply`): in-stock and inbound
quantities, an FNSKU and a last-change time within 90 days before the world anchor. Exactly one of
``SellerSkus.member.N`` (≤50; one ``member`` per requested SKU, unknown SKUs with zero supply) and
``QueryStartDateTime`` (SKUs whose supply changed since then, :data:`PER_PAGE` per page, NextToken paging).
``ResponseGroup=Detailed`` adds ``SupplyDetail`` members (InStock and Inbound).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any, Final

from mws_async.sandbox.handlers.common import date_param, list_values, marketplace, require, service_status
from mws_async.sandbox.registry import Registry, RequestContext, SectionSpec
from mws_async.sandbox.render import el, envelope, invalid, iso_s, missing
from mws_async.sandbox.store import Supply, supply
from mws_async.sandbox.tokens import decode_token, encode_token

__all__ = ["INVENTORY", "NS", "PER_PAGE", "register"]

NS: Final = "http://mws.amazonaws.com/FulfillmentInventory/2010-10-01/"
INVENTORY: Final = SectionSpec("FulfillmentInventory", "/FulfillmentInventory/2010-10-01", "2010-10-01", NS)
PER_PAGE: Final = 50
_IMMEDIATELY: Final = "<TimepointType>Immediately</TimepointType>"


def _member(s: Supply, detailed: bool, arrival: str) -> str:
    inbound_at = f"<TimepointType>DateTime</TimepointType>{el('DateTime', arrival)}"
    details = ""
    if detailed:
        rows = []
        if s.in_stock:
            rows.append(
                f"<member>{el('Quantity', s.in_stock)}<SupplyType>InStock</SupplyType>"
                f"<EarliestAvailableToPick>{_IMMEDIATELY}</EarliestAvailableToPick>"
                f"<LatestAvailableToPick>{_IMMEDIATELY}</LatestAvailableToPick></member>"
            )
        if s.inbound:
            rows.append(
                f"<member>{el('Quantity', s.inbound)}<SupplyType>Inbound</SupplyType>"
                f"<EarliestAvailableToPick>{inbound_at}</EarliestAvailableToPick>"
                f"<LatestAvailableToPick>{inbound_at}</LatestAvailableToPick></member>"
            )
        details = f"<SupplyDetail>{''.join(rows)}</SupplyDetail>" if rows else "<SupplyDetail/>"
    else:
        details = "<SupplyDetail/>"
    earliest = ""
    if s.in_stock:
        earliest = f"<EarliestAvailability>{_IMMEDIATELY}</EarliestAvailability>"
    elif s.inbound:
        earliest = f"<EarliestAvailability>{inbound_at}</EarliestAvailability>"
    return (
        f"<member>{el('SellerSKU', s.sku)}{el('ASIN', s.asin)}{el('TotalSupplyQuantity', s.total)}"
        f"{el('FNSKU', s.fnsku)}{el('Condition', s.condition)}{details}"
        f"{el('InStockSupplyQuantity', s.in_stock)}{earliest}</member>"
    )


def _unknown(sku: str) -> str:
    return (
        f"<member>{el('SellerSKU', sku)}<TotalSupplyQuantity>0</TotalSupplyQuantity><SupplyDetail/>"
        "<InStockSupplyQuantity>0</InStockSupplyQuantity></member>"
    )


def _envelope(ctx: RequestContext, action: str, members: list[str], token: str, mid: str) -> bytes:
    marketplace_id = el("MarketplaceId", mid) if mid else ""
    body = f"{token}{marketplace_id}<InventorySupplyList>{''.join(members)}</InventorySupplyList>"
    return envelope(action, NS, body, ctx.request_id)


def _date_page(ctx: RequestContext, action: str, query: Mapping[str, Any], offset: int) -> bytes:
    world = ctx.world
    state = world.store.seller(ctx.seller_id)
    arrival = iso_s(world.anchor + timedelta(days=7))
    matched = [
        s
        for s in (supply(world, state, i) for i in state.listings)
        if s.changed.timestamp() >= query["start"]
    ]
    page = matched[offset : offset + PER_PAGE]
    token = ""
    if offset + PER_PAGE < len(matched):
        token = el(
            "NextToken", encode_token(world.token_key, "inventory", {"q": query, "o": offset + PER_PAGE})
        )
    members = [_member(s, query["d"], arrival) for s in page]
    return _envelope(ctx, action, members, token, query["m"])


def _list_inventory_supply(ctx: RequestContext) -> bytes:
    p = ctx.params
    skus = list_values(p, "SellerSkus.member")
    start = date_param(p, "QueryStartDateTime")
    if skus and start is not None:
        raise invalid("Specify either SellerSkus or QueryStartDateTime, not both.")
    if not skus and start is None:
        raise missing("QueryStartDateTime")
    if len(skus) > 50:
        raise invalid("There are more than 50 elements in SellerSkus.")
    group = p.get("ResponseGroup") or "Basic"
    if group not in ("Basic", "Detailed"):
        raise invalid(f"{group} is not a valid ResponseGroup; use Basic or Detailed.")
    mid = p.get("MarketplaceId") or ""
    if mid:
        marketplace(mid)
    detailed = group == "Detailed"
    if start is not None:
        query = {"start": start.timestamp(), "d": detailed, "m": mid}
        return _date_page(ctx, "ListInventorySupply", query, 0)
    world = ctx.world
    state = world.store.seller(ctx.seller_id)
    listed = set(state.listings)
    arrival = iso_s(world.anchor + timedelta(days=7))
    members = []
    for sku in skus:
        index = world.resolve("SellerSKU", sku)
        members.append(
            _member(supply(world, state, index), detailed, arrival)
            if index is not None and index in listed
            else _unknown(sku)
        )
    return _envelope(ctx, "ListInventorySupply", members, "", mid)


def _list_inventory_supply_by_next_token(ctx: RequestContext) -> bytes:
    payload = decode_token(ctx.world.token_key, "inventory", require(ctx.params, "NextToken"))
    return _date_page(ctx, "ListInventorySupplyByNextToken", payload["q"], int(payload["o"]))


def register(registry: Registry) -> None:
    """Add the FulfillmentInventory section and its three operations."""
    section = registry.add_section(INVENTORY)
    registry.add(section, "ListInventorySupply", _list_inventory_supply)
    registry.add(section, "ListInventorySupplyByNextToken", _list_inventory_supply_by_next_token)
    registry.add(section, "GetServiceStatus", service_status)
