"""Customer Information 2014-03-01: ListCustomers (+ByNextToken) with MoreResultsAvailable semantics,
GetCustomersForCustomerId, GetServiceStatus.

Each seller has :data:`~mws_async.sandbox.store.CUSTOMER_COUNT` customers, in association order, listed
:data:`PER_PAGE` per page. Every page carries a NextToken; ``MoreResultsAvailable`` says whether to call
ListCustomersByNextToken *now*. The last page says ``false`` and still has a token: called later, it returns
the customers added since (``Sandbox.add_customers`` / ``World.add_customers``), or an empty list and the
same position. DateRangeType (AssociatedDate, the default, or LastUpdatedDate) with DateRangeStart /
DateRangeEnd filters. GetCustomersForCustomerId takes ``CustomerIdList.CustomerId.N`` (the scratchpad's
``CustomerIdList.Id.N`` too), at most 20; unknown ids are left out.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from mws_async.sandbox.handlers.common import date_param, list_values, marketplace, require, service_status
from mws_async.sandbox.registry import Registry, RequestContext, SectionSpec
from mws_async.sandbox.render import el, envelope, invalid, iso_s, missing
from mws_async.sandbox.store import Customer, SellerState
from mws_async.sandbox.tokens import decode_token, encode_token

__all__ = ["CUSTOMERS", "NS", "PER_PAGE", "register"]

NS: Final = "http://mws.amazonservices.com/schema/CustomerInformation/2014-03-01"
CUSTOMERS: Final = SectionSpec("CustomerInformation", "/CustomerInformation/2014-03-01", "2014-03-01", NS)
PER_PAGE: Final = 50
DOMAIN: Final = "www.sandbox-webstore.com"


def render_customer(customer: Customer, seller_id: str) -> str:
    """One ``<Customer>``."""
    return (
        f"<Customer>{el('CustomerId', customer.customer_id)}<ShippingAddressList><ShippingAddress>"
        f"<IsDefaultAddress>true</IsDefaultAddress>{el('FullName', customer.full_name)}"
        f"{el('AddressLine1', '410 Terry Ave N')}{el('City', customer.city)}"
        f"{el('StateOrRegion', customer.state)}{el('PostalCode', customer.postal_code)}"
        f"<CountryCode>US</CountryCode></ShippingAddress></ShippingAddressList>"
        f"<PrimaryContactInfo>{el('Email', customer.email)}{el('FullName', customer.full_name)}"
        f"</PrimaryContactInfo>{el('AccountType', customer.account_type)}"
        f"<AssociatedMarketplaces><MarketplaceDomain>{el('DomainName', DOMAIN)}{el('SellerId', seller_id)}"
        f"<Origin>true</Origin>{el('AssociatedOn', iso_s(customer.associated))}"
        f"{el('LastUpdatedOn', iso_s(customer.updated))}</MarketplaceDomain></AssociatedMarketplaces>"
        "</Customer>"
    )


def _matching(state: SellerState, query: Mapping[str, Any]) -> list[Customer]:
    low, high = query["s"], query["e"]
    if low is None and high is None:
        return state.customers
    out = []
    for customer in state.customers:
        moment = (customer.updated if query["t"] == "LastUpdatedDate" else customer.associated).timestamp()
        if (low is None or moment >= low) and (high is None or moment <= high):
            out.append(customer)
    return out


def _page(ctx: RequestContext, action: str, query: dict[str, Any], offset: int) -> bytes:
    state = ctx.world.store.seller(ctx.seller_id)
    matched = _matching(state, query)
    page = matched[offset : offset + PER_PAGE]
    position = offset + len(page)
    more = position < len(matched)
    token = encode_token(ctx.world.token_key, "customers", {"q": query, "o": position})
    customers = "".join(render_customer(c, ctx.seller_id) for c in page)
    body = (
        (f"<CustomerList>{customers}</CustomerList>" if customers else "<CustomerList/>")
        + el("NextToken", token)
        + el("MoreResultsAvailable", str(more).lower())
    )
    return envelope(action, NS, body, ctx.request_id)


def _list_customers(ctx: RequestContext) -> bytes:
    p = ctx.params
    if p.get("MarketplaceId"):
        marketplace(p["MarketplaceId"])
    kind = p.get("DateRangeType") or "AssociatedDate"
    if kind not in ("AssociatedDate", "LastUpdatedDate"):
        raise invalid(f"{kind} is not a valid DateRangeType; use AssociatedDate or LastUpdatedDate.")
    start, end = date_param(p, "DateRangeStart"), date_param(p, "DateRangeEnd")
    if start and end and end < start:
        raise invalid("DateRangeEnd must be after DateRangeStart.")
    query = {
        "t": kind,
        "s": start.timestamp() if start else None,
        "e": end.timestamp() if end else None,
    }
    return _page(ctx, "ListCustomers", query, 0)


def _list_customers_by_next_token(ctx: RequestContext) -> bytes:
    payload = decode_token(ctx.world.token_key, "customers", require(ctx.params, "NextToken"))
    return _page(ctx, "ListCustomersByNextToken", payload["q"], int(payload["o"]))


def _get_customers_for_customer_id(ctx: RequestContext) -> bytes:
    ids = list_values(ctx.params, "CustomerIdList.CustomerId") or list_values(ctx.params, "CustomerIdList.Id")
    if not ids:
        raise missing("CustomerIdList.CustomerId.1")
    if len(ids) > 20:
        raise invalid("There are more than 20 elements in CustomerIdList.")
    if ctx.params.get("MarketplaceId"):
        marketplace(ctx.params["MarketplaceId"])
    state = ctx.world.store.seller(ctx.seller_id)
    found = [state.customers[state.customer_index[i]] for i in ids if i in state.customer_index]
    customers = "".join(render_customer(c, ctx.seller_id) for c in found)
    body = f"<CustomerList>{customers}</CustomerList>" if customers else "<CustomerList/>"
    return envelope("GetCustomersForCustomerId", NS, body, ctx.request_id)


def register(registry: Registry) -> None:
    """Add the Customer Information section and its four operations."""
    section = registry.add_section(CUSTOMERS)
    registry.add(section, "ListCustomers", _list_customers)
    registry.add(section, "ListCustomersByNextToken", _list_customers_by_next_token)
    registry.add(section, "GetCustomersForCustomerId", _get_customers_for_customer_id)
    registry.add(section, "GetServiceStatus", service_status)
