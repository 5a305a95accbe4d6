"""Sellers API (2011-07-01): ListMarketplaceParticipations (+ByNextToken), GetServiceStatus."""

from __future__ import annotations

from typing import Final

from mws_async.models.common import ServiceStatus
from mws_async.models.sellers import SELLERS_FORCE_LIST, ListMarketplaceParticipationsResult, Participation
from mws_async.pagination import Paginator
from mws_async.sections.base import SectionClient, paginated, service_status
from mws_async.transport import Section

__all__ = ["SELLERS", "SellersSection"]

SELLERS: Final = Section(
    "Sellers", "/Sellers/2011-07-01", "2011-07-01", "https://mws.amazonservices.com/Sellers/2011-07-01"
)
LIST_MARKETPLACE_PARTICIPATIONS, LIST_MARKETPLACE_PARTICIPATIONS_BY_NEXT_TOKEN = paginated(
    SELLERS,
    "ListMarketplaceParticipations",
    (),
    ListMarketplaceParticipationsResult,
    mode="next_token",
    natural_id=lambda participation: participation.marketplace_id,
    force_list=SELLERS_FORCE_LIST,
)
GET_SERVICE_STATUS: Final = service_status(SELLERS)


class SellersSection(SectionClient):
    """``client.sellers``: the Sellers API."""

    def list_marketplace_participations(self, *, next_token: str | None = None) -> Paginator[Participation]:
        """ListMarketplaceParticipations (+ByNextToken): the seller's participations; each page's result also
        carries the marketplaces (``page.result.marketplaces``)."""
        return self._paginate(LIST_MARKETPLACE_PARTICIPATIONS, next_token=next_token)

    async def get_service_status(self) -> ServiceStatus:
        """GetServiceStatus of the Sellers section."""
        return await self._call(GET_SERVICE_STATUS)
