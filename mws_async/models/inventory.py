"""FulfillmentInventory API (``/FulfillmentInventory/2010-10-01``) response models.

Each operation's ``{Action}Result`` element validates into the model named in
:data:`INVENTORY_RESULT_MODELS`::

    doc = xml.parse(body, force_list=INVENTORY_FORCE_LIST)
    model, _ = INVENTORY_RESULT_MODELS[action]
    result = model.model_validate(result_of(doc, action))

Repeated elements here are named ``member`` (``InventorySupplyList/member``, ``SupplyDetail/member``).
Pagination is NextToken-only (ListInventorySupply -> ListInventorySupplyByNextToken).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Final

from pydantic import Field

from mws_async.models.base import MWSModel, wrapped
from mws_async.models.common import ServiceStatus
from mws_async.models.lenient import LenientDatetime, LenientInt

__all__ = [
    "INVENTORY_FORCE_LIST",
    "INVENTORY_RESULT_MODELS",
    "InventorySupply",
    "InventorySupplyDetail",
    "ListInventorySupplyResult",
    "ServiceStatus",
    "Timepoint",
]


class Timepoint(MWSModel):
    """``<EarliestAvailability>`` and the like.

    ``timepoint_type`` is ``Immediately``, ``DateTime`` (then ``date_time`` is set) or ``Unknown``.
    """

    timepoint_type: str | None = None
    date_time: LenientDatetime = None


class InventorySupplyDetail(MWSModel):
    """``<SupplyDetail><member>`` (``ResponseGroup=Detailed``): supply of one type (``InStock``…)."""

    quantity: LenientInt = None
    supply_type: str | None = None
    earliest_available_to_pick: Timepoint | None = None
    latest_available_to_pick: Timepoint | None = None


class InventorySupply(MWSModel):
    """``<InventorySupplyList><member>``: FBA supply of one SKU; natural id :attr:`seller_sku`."""

    seller_sku: str = Field(alias="SellerSKU")
    fn_sku: str | None = Field(default=None, alias="FNSKU")
    asin: str | None = Field(default=None, alias="ASIN")
    condition: str | None = None
    total_supply_quantity: LenientInt = None
    in_stock_supply_quantity: LenientInt = None
    earliest_availability: Timepoint | None = None
    supply_detail: Annotated[list[InventorySupplyDetail], wrapped("member")] = Field(default_factory=list)


class ListInventorySupplyResult(MWSModel):
    """``ListInventorySupply[ByNextToken]Result``; records: :attr:`inventory_supply_list`."""

    next_token: str | None = None
    marketplace_id: str | None = None
    inventory_supply_list: Annotated[list[InventorySupply], wrapped("member")] = Field(default_factory=list)

    @property
    def records(self) -> list[InventorySupply]:
        """The page's supply records."""
        return self.inventory_supply_list

    @property
    def has_more(self) -> bool:
        """NextToken pagination: another page exists exactly when ``next_token`` is present."""
        return self.next_token is not None


INVENTORY_FORCE_LIST: Final[frozenset[str]] = frozenset({"member"})
"""Element names that can repeat in FulfillmentInventory responses; pass to :func:`mws_async.xml.parse`."""

INVENTORY_RESULT_MODELS: Final[Mapping[str, tuple[type[MWSModel], bool]]] = {
    "ListInventorySupply": (ListInventorySupplyResult, False),
    "ListInventorySupplyByNextToken": (ListInventorySupplyResult, False),
    "GetServiceStatus": (ServiceStatus, False),
}
"""Action -> (model of its ``{Action}Result`` element, whether there is one element per requested id)."""
