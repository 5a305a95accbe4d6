"""Customer Information API (2014-03-01): ListCustomers (+ByNextToken, MoreResultsAvailable), lookups."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, Final, Literal

from mws_async.models.common import ServiceStatus
from mws_async.models.customers import (
    CUSTOMERS_FORCE_LIST,
    Customer,
    GetCustomersForCustomerIdResult,
    ListCustomersResult,
)
from mws_async.operations import Operation, Param
from mws_async.pagination import Paginator
from mws_async.sections.base import SectionClient, as_list, paginated, service_status
from mws_async.transport import Section

__all__ = ["CUSTOMERS", "CustomersSection"]

CUSTOMERS: Final = Section(
    "CustomerInformation",
    "/CustomerInformation/2014-03-01",
    "2014-03-01",
    "http://mws.amazonservices.com/schema/CustomerInformation/2014-03-01",
)
LIST_CUSTOMERS, LIST_CUSTOMERS_BY_NEXT_TOKEN = paginated(
    CUSTOMERS,
    "ListCustomers",
    (
        Param("marketplace_id", "MarketplaceId"),
        Param("date_range_type", "DateRangeType", choices=frozenset({"AssociatedDate", "LastUpdatedDate"})),
        Param("date_range_start", "DateRangeStart", "datetime"),
        Param("date_range_end", "DateRangeEnd", "datetime", after="date_range_start"),
    ),
    ListCustomersResult,
    mode="more_results",
    natural_id=lambda customer: customer.customer_id,
    force_list=CUSTOMERS_FORCE_LIST,
)
GET_CUSTOMERS_FOR_CUSTOMER_ID: Final[Operation[GetCustomersForCustomerIdResult]] = Operation(
    CUSTOMERS,
    "GetCustomersForCustomerId",
    (
        Param("customer_ids", "CustomerIdList.CustomerId", "list", required=True, max_items=20),
        Param("marketplace_id", "MarketplaceId"),
    ),
    GetCustomersForCustomerIdResult,
    force_list=CUSTOMERS_FORCE_LIST,
)
GET_SERVICE_STATUS: Final = service_status(CUSTOMERS)


class CustomersSection(SectionClient):
    """``client.customers``: Customer Information (Webstore sellers)."""

    def list_customers(
        self,
        *,
        marketplace_id: str | None = None,
        date_range_type: Literal["AssociatedDate", "LastUpdatedDate"] | None = None,
        date_range_start: datetime | None = None,
        date_range_end: datetime | None = None,
        next_token: str | None = None,
        follow: bool = False,
        poll_interval: float = 60.0,
    ) -> Paginator[Customer]:
        """ListCustomers (+ByNextToken). With ``follow=True`` the listing keeps polling ByNextToken every
        ``poll_interval`` seconds once no more results are available now (break out to stop)."""
        args: dict[str, Any] = {
            "marketplace_id": marketplace_id,
            "date_range_type": date_range_type,
            "date_range_start": date_range_start,
            "date_range_end": date_range_end,
        }
        return self._paginate(
            LIST_CUSTOMERS, next_token=next_token, follow=follow, poll_interval=poll_interval, **args
        )

    async def get_customers_for_customer_id(
        self, customer_ids: Sequence[str], *, marketplace_id: str | None = None
    ) -> list[Customer]:
        """GetCustomersForCustomerId: up to 20 customers by id."""
        result: GetCustomersForCustomerIdResult = await self._call(
            GET_CUSTOMERS_FOR_CUSTOMER_ID,
            customer_ids=as_list(customer_ids, GET_CUSTOMERS_FOR_CUSTOMER_ID, "customer_ids"),
            marketplace_id=marketplace_id,
        )
        return result.customer_list

    async def get_service_status(self) -> ServiceStatus:
        """GetServiceStatus of the Customer Information section."""
        return await self._call(GET_SERVICE_STATUS)
