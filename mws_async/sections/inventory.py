"""FulfillmentInventory API (2010-10-01): ListInventorySupply (+ByNextToken), GetServiceStatus."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Final, Literal

from mws_async.models.common import ServiceStatus
from mws_async.models.inventory import INVENTORY_FORCE_LIST, InventorySupply, ListInventorySupplyResult
from mws_async.operations import Param
from mws_async.pagination import Paginator
from mws_async.sections.base import SectionClient, as_list, exactly_one, paginated, service_status
from mws_async.transport import Section

__all__ = ["INVENTORY", "InventorySection"]

INVENTORY: Final = Section(
    "FulfillmentInventory",
    "/FulfillmentInventory/2010-10-01",
    "2010-10-01",
    "http://mws.amazonaws.com/FulfillmentInventory/2010-10-01/",
)
LIST_INVENTORY_SUPPLY, LIST_INVENTORY_SUPPLY_BY_NEXT_TOKEN = paginated(
    INVENTORY,
    "ListInventorySupply",
    (
        Param("seller_skus", "SellerSkus.member", "list", max_items=50, id_type="SellerSKU"),
        Param("query_start", "QueryStartDateTime", "datetime"),
        Param("response_group", "ResponseGroup", choices=frozenset({"Basic", "Detailed"})),
        Param("marketplace_id", "MarketplaceId"),
    ),
    ListInventorySupplyResult,
    mode="next_token",
    natural_id=lambda supply: supply.seller_sku,
    force_list=INVENTORY_FORCE_LIST,
    checks=(exactly_one("seller_skus", "query_start"),),
)
GET_SERVICE_STATUS: Final = service_status(INVENTORY)


class InventorySection(SectionClient):
    """``client.inventory``: FBA inventory supply."""

    def list_inventory_supply(
        self,
        *,
        seller_skus: Iterable[str] | None = None,
        query_start: datetime | None = None,
        response_group: Literal["Basic", "Detailed"] | None = None,
        marketplace_id: str | None = None,
        next_token: str | None = None,
    ) -> Paginator[InventorySupply]:
        """ListInventorySupply (+ByNextToken): exactly one of ``seller_skus`` (≤50) or ``query_start``."""
        return self._paginate(
            LIST_INVENTORY_SUPPLY,
            next_token=next_token,
            seller_skus=as_list(seller_skus, LIST_INVENTORY_SUPPLY, "seller_skus"),
            query_start=query_start,
            response_group=response_group,
            marketplace_id=marketplace_id,
        )

    async def get_service_status(self) -> ServiceStatus:
        """GetServiceStatus of the FulfillmentInventory section."""
        return await self._call(GET_SERVICE_STATUS)
