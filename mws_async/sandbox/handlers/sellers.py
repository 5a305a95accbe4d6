"""Sellers 2011-07-01: ListMarketplaceParticipations (+ByNextToken), GetServiceStatus.

Every seller participates in the same eight marketplaces (US, CA, MX, DE, GB, FR, IT, ES), listed
:data:`PER_PAGE` per page (MWS answered in one page; small pages make the NextToken path testable). Each
page carries the participations and the matching marketplaces; ``HasSellerSuspendedListings`` is ``No``
except in one marketplace chosen by the seller id.
"""

from __future__ import annotations

from typing import Final

from mws_async.marketplaces import Marketplace
from mws_async.sandbox.handlers.common import require, service_status
from mws_async.sandbox.registry import Registry, RequestContext, SectionSpec
from mws_async.sandbox.render import el, envelope
from mws_async.sandbox.tokens import decode_token, encode_token
from mws_async.sandbox.world import known_market

__all__ = ["NS", "PARTICIPATIONS", "PER_PAGE", "SELLERS", "register"]

NS: Final = "https://mws.amazonservices.com/Sellers/2011-07-01"
SELLERS: Final = SectionSpec("Sellers", "/Sellers/2011-07-01", "2011-07-01", NS)
PARTICIPATIONS: Final = tuple(
    Marketplace.from_country_code(code).marketplace_id
    for code in ("US", "CA", "MX", "DE", "GB", "FR", "IT", "ES")
)
PER_PAGE: Final = 3


def _page(ctx: RequestContext, action: str, offset: int) -> bytes:
    ids = PARTICIPATIONS[offset : offset + PER_PAGE]
    suspended = PARTICIPATIONS[ctx.world.store.seller_key(ctx.seller_id) % len(PARTICIPATIONS)]
    participations, marketplaces = [], []
    for marketplace_id in ids:
        info = known_market(marketplace_id)
        participations.append(
            f"<Participation>{el('MarketplaceId', marketplace_id)}{el('SellerId', ctx.seller_id)}"
            f"{el('HasSellerSuspendedListings', 'Yes' if marketplace_id == suspended else 'No')}"
            "</Participation>"
        )
        marketplaces.append(
            f"<Marketplace>{el('MarketplaceId', marketplace_id)}{el('Name', info.sales_channel)}"
            f"{el('DefaultCountryCode', info.country)}{el('DefaultCurrencyCode', info.currency)}"
            f"{el('DefaultLanguageCode', info.lang.replace('-', '_'))}"
            f"{el('DomainName', 'www.' + info.sales_channel.lower())}</Marketplace>"
        )
    token = ""
    if offset + PER_PAGE < len(PARTICIPATIONS):
        token = el("NextToken", encode_token(ctx.world.token_key, "participations", {"o": offset + PER_PAGE}))
    body = (
        f"{token}<ListParticipations>{''.join(participations)}</ListParticipations>"
        f"<ListMarketplaces>{''.join(marketplaces)}</ListMarketplaces>"
    )
    return envelope(action, NS, body, ctx.request_id)


def _list(ctx: RequestContext) -> bytes:
    return _page(ctx, "ListMarketplaceParticipations", 0)


def _list_by_next_token(ctx: RequestContext) -> bytes:
    payload = decode_token(ctx.world.token_key, "participations", require(ctx.params, "NextToken"))
    return _page(ctx, "ListMarketplaceParticipationsByNextToken", int(payload["o"]))


def register(registry: Registry) -> None:
    """Add the Sellers section and its three operations."""
    section = registry.add_section(SELLERS)
    registry.add(section, "ListMarketplaceParticipations", _list)
    registry.add(section, "ListMarketplaceParticipationsByNextToken", _list_by_next_token)
    registry.add(section, "GetServiceStatus", service_status)
