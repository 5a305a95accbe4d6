"""Finances API (2015-05-01): financial event groups and events (+ByNextToken), GetServiceStatus."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Final

from mws_async.models.common import ServiceStatus
from mws_async.models.finances import (
    FINANCES_FORCE_LIST,
    FinancialEvent,
    FinancialEventGroup,
    ListFinancialEventGroupsResult,
    ListFinancialEventsResult,
)
from mws_async.operations import Param
from mws_async.pagination import Paginator
from mws_async.sections.base import SectionClient, exactly_one, paginated, service_status
from mws_async.transport import Section

__all__ = ["FINANCES", "FinancesSection"]

FINANCES: Final = Section(
    "Finances", "/Finances/2015-05-01", "2015-05-01", "http://mws.amazonservices.com/Finances/2015-05-01"
)
_PAGE = Param("max_results_per_page", "MaxResultsPerPage", "int", min_value=1, max_value=100)


def _event_key(record: tuple[str, FinancialEvent]) -> str:
    # Events carry no id of their own; their type plus full content identifies them within a listing.
    kind, event = record
    return f"{kind}:{event.model_dump_json()}"


LIST_FINANCIAL_EVENT_GROUPS, LIST_FINANCIAL_EVENT_GROUPS_BY_NEXT_TOKEN = paginated(
    FINANCES,
    "ListFinancialEventGroups",
    (
        Param("started_after", "FinancialEventGroupStartedAfter", "datetime", required=True),
        Param("started_before", "FinancialEventGroupStartedBefore", "datetime", after="started_after"),
        _PAGE,
    ),
    ListFinancialEventGroupsResult,
    mode="next_token",
    natural_id=lambda group: group.financial_event_group_id,
    force_list=FINANCES_FORCE_LIST,
)
LIST_FINANCIAL_EVENTS, LIST_FINANCIAL_EVENTS_BY_NEXT_TOKEN = paginated(
    FINANCES,
    "ListFinancialEvents",
    (
        Param("amazon_order_id", "AmazonOrderId"),
        Param("financial_event_group_id", "FinancialEventGroupId"),
        Param("posted_after", "PostedAfter", "datetime"),
        Param("posted_before", "PostedBefore", "datetime", after="posted_after"),
        _PAGE,
    ),
    ListFinancialEventsResult,
    mode="next_token",
    natural_id=_event_key,
    force_list=FINANCES_FORCE_LIST,
    checks=(exactly_one("amazon_order_id", "financial_event_group_id", "posted_after"),),
)
GET_SERVICE_STATUS: Final = service_status(FINANCES)


class FinancesSection(SectionClient):
    """``client.finances``: the Finances API."""

    def list_financial_event_groups(
        self,
        started_after: datetime,
        *,
        started_before: datetime | None = None,
        max_results_per_page: int | None = None,
        next_token: str | None = None,
    ) -> Paginator[FinancialEventGroup]:
        """ListFinancialEventGroups (+ByNextToken)."""
        return self._paginate(
            LIST_FINANCIAL_EVENT_GROUPS,
            next_token=next_token,
            started_after=started_after,
            started_before=started_before,
            max_results_per_page=max_results_per_page,
        )

    def list_financial_events(
        self,
        *,
        amazon_order_id: str | None = None,
        financial_event_group_id: str | None = None,
        posted_after: datetime | None = None,
        posted_before: datetime | None = None,
        max_results_per_page: int | None = None,
        next_token: str | None = None,
    ) -> Paginator[tuple[str, Any]]:
        """ListFinancialEvents (+ByNextToken): ``(event_type, event)`` pairs. Exactly one of
        ``amazon_order_id``, ``financial_event_group_id``, ``posted_after``."""
        return self._paginate(
            LIST_FINANCIAL_EVENTS,
            next_token=next_token,
            amazon_order_id=amazon_order_id,
            financial_event_group_id=financial_event_group_id,
            posted_after=posted_after,
            posted_before=posted_before,
            max_results_per_page=max_results_per_page,
        )

    async def get_service_status(self) -> ServiceStatus:
        """GetServiceStatus of the Finances section."""
        return await self._call(GET_SERVICE_STATUS)
