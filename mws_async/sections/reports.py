"""Reports API (2009-01-01): requests, lists, counts, schedules, acknowledgements, and streamed downloads.

``request_and_download`` runs the whole lifecycle: RequestReport, poll GetReportRequestList with growing
intervals (each poll goes through the throttler, so polling never exceeds the quota), then GetReport
streamed to a file with its Content-MD5 verified.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator, Iterable, Sequence
from datetime import datetime
from typing import Any, Final

from mws_async.errors import ClientValidationError, InvalidParameterError, ReportCancelledError
from mws_async.marketplaces import Marketplace
from mws_async.models.reports import (
    REPORTS_FORCE_LIST,
    CancelReportRequestsResult,
    GetReportCountResult,
    GetReportListResult,
    GetReportRequestCountResult,
    GetReportRequestListResult,
    GetReportScheduleCountResult,
    GetReportScheduleListResult,
    ManageReportScheduleResult,
    ReportInfo,
    ReportProcessingStatus,
    ReportRequestInfo,
    ReportSchedule,
    RequestReportResult,
    UpdateReportAcknowledgementsResult,
)
from mws_async.operations import Operation, Param
from mws_async.pagination import Paginator
from mws_async.sections.base import SectionClient, answered, as_list, paginated
from mws_async.settings import is_positive, shown
from mws_async.transfer import (
    DownloadResult,
    charset_of,
    check_download_path,
    download_to_path,
    iter_lines,
    iter_verified,
    read_chunks,
    spooled,
)
from mws_async.transport import Section

__all__ = ["REPORTS", "REPORT_STATUSES", "REPORT_TYPES", "ReportsSection"]

REPORTS: Final = Section(
    "Reports", "/Reports/2009-01-01", "2009-01-01", "http://mws.amazonaws.com/doc/2009-01-01/", "Merchant"
)
REPORT_STATUSES: Final = frozenset(s.value for s in ReportProcessingStatus)
REPORT_TYPES: Final = (
    "_FEE_DISCOUNTS_REPORT_", "_GET_AFN_INVENTORY_DATA_", "_GET_AFN_INVENTORY_DATA_BY_COUNTRY_",
    "_GET_AMAZON_FULFILLED_SHIPMENTS_DATA_", "_GET_CONVERGED_FLAT_FILE_ORDER_REPORT_DATA_",
    "_GET_CONVERGED_FLAT_FILE_PENDING_ORDERS_DATA_", "_GET_CONVERGED_FLAT_FILE_SOLD_LISTINGS_DATA_",
    "_GET_CSV_MFN_PRIME_RETURNS_REPORT_", "_GET_EASYSHIP_DOCUMENTS_", "_GET_EASYSHIP_PICKEDUP_",
    "_GET_EASYSHIP_WAITING_FOR_PICKUP_", "_GET_EXCESS_INVENTORY_DATA_",
    "_GET_FBA_ESTIMATED_FBA_FEES_TXT_DATA_", "_GET_FBA_FULFILLMENT_CURRENT_INVENTORY_DATA_",
    "_GET_FBA_FULFILLMENT_CUSTOMER_RETURNS_DATA_",
    "_GET_FBA_FULFILLMENT_CUSTOMER_SHIPMENT_PROMOTION_DATA_",
    "_GET_FBA_FULFILLMENT_CUSTOMER_SHIPMENT_REPLACEMENT_DATA_",
    "_GET_FBA_FULFILLMENT_CUSTOMER_SHIPMENT_SALES_DATA_", "_GET_FBA_FULFILLMENT_CUSTOMER_TAXES_DATA_",
    "_GET_FBA_FULFILLMENT_INBOUND_NONCOMPLIANCE_DATA_",
    "_GET_FBA_FULFILLMENT_INVENTORY_ADJUSTMENTS_DATA_", "_GET_FBA_FULFILLMENT_INVENTORY_HEALTH_DATA_",
    "_GET_FBA_FULFILLMENT_INVENTORY_RECEIPTS_DATA_", "_GET_FBA_FULFILLMENT_INVENTORY_SUMMARY_DATA_",
    "_GET_FBA_FULFILLMENT_LONGTERM_STORAGE_FEE_CHARGES_DATA_",
    "_GET_FBA_FULFILLMENT_MONTHLY_INVENTORY_DATA_", "_GET_FBA_FULFILLMENT_REMOVAL_ORDER_DETAIL_DATA_",
    "_GET_FBA_FULFILLMENT_REMOVAL_SHIPMENT_DETAIL_DATA_", "_GET_FBA_INVENTORY_AGED_DATA_",
    "_GET_FBA_MYI_ALL_INVENTORY_DATA_", "_GET_FBA_MYI_UNSUPPRESSED_INVENTORY_DATA_",
    "_GET_FBA_RECOMMENDED_REMOVAL_DATA_", "_GET_FBA_REIMBURSEMENTS_DATA_",
    "_GET_FBA_STORAGE_FEE_CHARGES_DATA_", "_GET_FBA_UNO_INVENTORY_DATA_",
    "_GET_FLAT_FILE_ACTIONABLE_ORDER_DATA_", "_GET_FLAT_FILE_ALL_ORDERS_DATA_BY_LAST_UPDATE_",
    "_GET_FLAT_FILE_ALL_ORDERS_DATA_BY_ORDER_DATE_",
    "_GET_FLAT_FILE_ARCHIVED_ORDERS_DATA_BY_ORDER_DATE_", "_GET_FLAT_FILE_GEO_OPPORTUNITIES_",
    "_GET_FLAT_FILE_MFN_SKU_RETURN_ATTRIBUTES_REPORT_",
    "_GET_FLAT_FILE_OFFAMAZONPAYMENTS_SANDBOX_SETTLEMENT_DATA_", "_GET_FLAT_FILE_OPEN_LISTINGS_DATA_",
    "_GET_FLAT_FILE_ORDERS_DATA_", "_GET_FLAT_FILE_ORDER_REPORT_DATA_",
    "_GET_FLAT_FILE_PENDING_ORDERS_DATA_", "_GET_FLAT_FILE_RETURNS_DATA_BY_RETURN_DATE_",
    "_GET_FLAT_FILE_SALES_TAX_DATA_", "_GET_FLAT_FILE_VAT_INVOICE_DATA_REPORT_",
    "_GET_GST_MTR_B2B_CUSTOM_", "_GET_GST_MTR_B2C_CUSTOM_", "_GET_MERCHANTS_LISTINGS_FYP_REPORT_",
    "_GET_MERCHANT_CANCELLED_LISTINGS_DATA_", "_GET_MERCHANT_LISTINGS_ALL_DATA_",
    "_GET_MERCHANT_LISTINGS_DATA_", "_GET_MERCHANT_LISTINGS_DATA_BACK_COMPAT_",
    "_GET_MERCHANT_LISTINGS_DATA_LITER_", "_GET_MERCHANT_LISTINGS_DATA_LITE_",
    "_GET_MERCHANT_LISTINGS_DEFECT_DATA_", "_GET_MERCHANT_LISTINGS_INACTIVE_DATA_",
    "_GET_MFN_PAN_EU_OFFER_STATUS_", "_GET_ORDERS_DATA_", "_GET_PAN_EU_OFFER_STATUS_",
    "_GET_PENDING_ORDERS_DATA_", "_GET_PRODUCT_EXCHANGE_DATA_", "_GET_REFERRAL_FEE_PREVIEW_REPORT_",
    "_GET_REMOTE_FULFILLMENT_ELIGIBILITY_", "_GET_RESERVED_INVENTORY_DATA_",
    "_GET_RESTOCK_INVENTORY_RECOMMENDATIONS_REPORT_", "_GET_SELLER_FEEDBACK_DATA_",
    "_GET_STRANDED_INVENTORY_LOADER_DATA_", "_GET_STRANDED_INVENTORY_UI_DATA_",
    "_GET_V1_SELLER_PERFORMANCE_REPORT_", "_GET_V2_SETTLEMENT_REPORT_DATA_FLAT_FILE_",
    "_GET_V2_SETTLEMENT_REPORT_DATA_FLAT_FILE_V2_", "_GET_V2_SETTLEMENT_REPORT_DATA_XML_",
    "_GET_VAT_TRANSACTION_DATA_", "_GET_XML_ALL_ORDERS_DATA_BY_LAST_UPDATE_",
    "_GET_XML_ALL_ORDERS_DATA_BY_ORDER_DATE_", "_GET_XML_BROWSE_TREE_DATA_",
    "_GET_XML_MFN_PRIME_RETURNS_REPORT_", "_GET_XML_MFN_SKU_RETURN_ATTRIBUTES_REPORT_",
    "_GET_XML_RETURNS_DATA_BY_RETURN_DATE_", "_GET_XML_VAT_INVOICE_DATA_REPORT_",
    "_MBOP_GAP_PRODUCTS_REPORT_", "_MBOP_RECOMMENDED_PRODUCTS_REPORT_", "_RFQD_BULK_DOWNLOAD_",
    "_SC_VAT_TAX_REPORT_",
)  # fmt: skip
"""Every ``ReportType`` value the MWS ReportType enumeration listed (RequestReport, ManageReportSchedule),
sorted; the command line refuses any other before sending."""
SCHEDULES: Final = frozenset(
    {
        "_15_MINUTES_", "_30_MINUTES_", "_1_HOUR_", "_2_HOURS_", "_4_HOURS_", "_8_HOURS_", "_12_HOURS_",
        "_1_DAY_", "_2_DAYS_", "_72_HOURS_", "_1_WEEK_", "_14_DAYS_", "_15_DAYS_", "_30_DAYS_", "_NEVER_",
    }
)  # fmt: skip

_TYPES = Param("report_types", "ReportTypeList.Type", "list")
_STATUSES = Param("statuses", "ReportProcessingStatusList.Status", "list", choices=REPORT_STATUSES)
_REQUEST_IDS = Param("report_request_ids", "ReportRequestIdList.Id", "list", max_items=100)
_MAX_COUNT = Param("max_count", "MaxCount", "int", min_value=1, max_value=100)

REQUEST_REPORT: Final[Operation[RequestReportResult]] = Operation(
    REPORTS,
    "RequestReport",
    (
        Param("report_type", "ReportType", required=True),
        Param("start_date", "StartDate", "datetime"),
        Param("end_date", "EndDate", "datetime", after="start_date"),
        Param("report_options", "ReportOptions"),
        Param("marketplace_ids", "MarketplaceIdList.Id", "list"),
    ),
    RequestReportResult,
    idempotent=False,
    force_list=REPORTS_FORCE_LIST,
)
GET_REPORT_REQUEST_LIST, GET_REPORT_REQUEST_LIST_BY_NEXT_TOKEN = paginated(
    REPORTS,
    "GetReportRequestList",
    (
        _REQUEST_IDS,
        _TYPES,
        _STATUSES,
        _MAX_COUNT,
        Param("requested_from", "RequestedFromDate", "datetime"),
        Param("requested_to", "RequestedToDate", "datetime", after="requested_from"),
    ),
    GetReportRequestListResult,
    mode="has_next",
    natural_id=lambda info: info.report_request_id,
    force_list=REPORTS_FORCE_LIST,
)
GET_REPORT_REQUEST_COUNT: Final[Operation[GetReportRequestCountResult]] = Operation(
    REPORTS,
    "GetReportRequestCount",
    (
        _TYPES,
        _STATUSES,
        Param("requested_from", "RequestedFromDate", "datetime"),
        Param("requested_to", "RequestedToDate", "datetime", after="requested_from"),
    ),
    GetReportRequestCountResult,
    force_list=REPORTS_FORCE_LIST,
)
CANCEL_REPORT_REQUESTS: Final[Operation[CancelReportRequestsResult]] = Operation(
    REPORTS,
    "CancelReportRequests",
    (
        _REQUEST_IDS,
        _TYPES,
        _STATUSES,
        Param("requested_from", "RequestedFromDate", "datetime"),
        Param("requested_to", "RequestedToDate", "datetime", after="requested_from"),
    ),
    CancelReportRequestsResult,
    idempotent=False,
    force_list=REPORTS_FORCE_LIST,
)
GET_REPORT_LIST, GET_REPORT_LIST_BY_NEXT_TOKEN = paginated(
    REPORTS,
    "GetReportList",
    (
        _MAX_COUNT,
        _TYPES,
        Param("acknowledged", "Acknowledged", "bool"),
        _REQUEST_IDS,
        Param("available_from", "AvailableFromDate", "datetime"),
        Param("available_to", "AvailableToDate", "datetime", after="available_from"),
    ),
    GetReportListResult,
    mode="has_next",
    natural_id=lambda info: info.report_id,
    force_list=REPORTS_FORCE_LIST,
)
GET_REPORT_COUNT: Final[Operation[GetReportCountResult]] = Operation(
    REPORTS,
    "GetReportCount",
    (
        _TYPES,
        Param("acknowledged", "Acknowledged", "bool"),
        Param("available_from", "AvailableFromDate", "datetime"),
        Param("available_to", "AvailableToDate", "datetime", after="available_from"),
    ),
    GetReportCountResult,
    force_list=REPORTS_FORCE_LIST,
)
GET_REPORT: Final[Operation[None]] = Operation(
    REPORTS, "GetReport", (Param("report_id", "ReportId", required=True),), raw=True
)
MANAGE_REPORT_SCHEDULE: Final[Operation[ManageReportScheduleResult]] = Operation(
    REPORTS,
    "ManageReportSchedule",
    (
        Param("report_type", "ReportType", required=True),
        Param("schedule", "Schedule", required=True, choices=SCHEDULES),
        Param("schedule_date", "ScheduleDate", "datetime"),
    ),
    ManageReportScheduleResult,
    force_list=REPORTS_FORCE_LIST,
)
GET_REPORT_SCHEDULE_LIST, GET_REPORT_SCHEDULE_LIST_BY_NEXT_TOKEN = paginated(
    REPORTS,
    "GetReportScheduleList",
    (_TYPES,),
    GetReportScheduleListResult,
    mode="has_next",
    natural_id=lambda schedule: schedule.report_type,
    force_list=REPORTS_FORCE_LIST,
)
GET_REPORT_SCHEDULE_COUNT: Final[Operation[GetReportScheduleCountResult]] = Operation(
    REPORTS, "GetReportScheduleCount", (_TYPES,), GetReportScheduleCountResult, force_list=REPORTS_FORCE_LIST
)
UPDATE_REPORT_ACKNOWLEDGEMENTS: Final[Operation[UpdateReportAcknowledgementsResult]] = Operation(
    REPORTS,
    "UpdateReportAcknowledgements",
    (
        Param("report_ids", "ReportIdList.Id", "list", required=True, max_items=100),
        Param("acknowledged", "Acknowledged", "bool"),
    ),
    UpdateReportAcknowledgementsResult,
    force_list=REPORTS_FORCE_LIST,
)


UNKNOWN_AFTER_POLLS: Final = 3
"""Consecutive polls that must miss a report request id before :meth:`ReportsSection.wait_for_report` calls
it unknown (MWS lists a request as soon as RequestReport answered, so one miss is no accident)."""


def _check_interval(value: object, name: str, operation: str) -> float:
    """A polling interval as positive, finite seconds (a bool or a numeric string is not one)."""
    if not is_positive(value):
        raise ClientValidationError(
            operation, [f"{name} must be a positive, finite number of seconds, got {shown(value)}"]
        )
    return float(value)


class ReportsSection(SectionClient):
    """``client.reports``: the Reports API."""

    async def request_report(
        self,
        report_type: str,
        *,
        start_date: datetime | None = None,
        end_date: datetime | None = None,
        report_options: str | None = None,
        marketplaces: Any = None,
    ) -> ReportRequestInfo:
        """RequestReport. Never resent after a failure that may have reached MWS (OutcomeUnknownError)."""
        result: RequestReportResult = await self._call(
            REQUEST_REPORT,
            report_type=report_type,
            start_date=start_date,
            end_date=end_date,
            report_options=report_options,
            marketplace_ids=self._marketplace_ids(marketplaces),
        )
        return answered(result.report_request_info, REQUEST_REPORT, "ReportRequestInfo")

    def get_report_request_list(
        self,
        *,
        report_request_ids: Iterable[str] | None = None,
        report_types: Iterable[str] | None = None,
        statuses: Iterable[str] | None = None,
        max_count: int | None = None,
        requested_from: datetime | None = None,
        requested_to: datetime | None = None,
        next_token: str | None = None,
    ) -> Paginator[ReportRequestInfo]:
        """GetReportRequestList (+ByNextToken, HasNext paging)."""
        return self._paginate(
            GET_REPORT_REQUEST_LIST,
            next_token=next_token,
            report_request_ids=as_list(report_request_ids, GET_REPORT_REQUEST_LIST, "report_request_ids"),
            report_types=as_list(report_types, GET_REPORT_REQUEST_LIST, "report_types"),
            statuses=as_list(statuses, GET_REPORT_REQUEST_LIST, "statuses"),
            max_count=max_count,
            requested_from=requested_from,
            requested_to=requested_to,
        )

    async def get_report_request_count(
        self,
        *,
        report_types: Iterable[str] | None = None,
        statuses: Iterable[str] | None = None,
        requested_from: datetime | None = None,
        requested_to: datetime | None = None,
    ) -> int:
        """GetReportRequestCount."""
        result: GetReportRequestCountResult = await self._call(
            GET_REPORT_REQUEST_COUNT,
            report_types=as_list(report_types, GET_REPORT_REQUEST_COUNT, "report_types"),
            statuses=as_list(statuses, GET_REPORT_REQUEST_COUNT, "statuses"),
            requested_from=requested_from,
            requested_to=requested_to,
        )
        return result.count or 0

    async def cancel_report_requests(
        self,
        *,
        report_request_ids: Iterable[str] | None = None,
        report_types: Iterable[str] | None = None,
        statuses: Iterable[str] | None = None,
        requested_from: datetime | None = None,
        requested_to: datetime | None = None,
    ) -> CancelReportRequestsResult:
        """CancelReportRequests (without filters it cancels every pending request, as MWS does)."""
        return await self._call(
            CANCEL_REPORT_REQUESTS,
            report_request_ids=as_list(report_request_ids, CANCEL_REPORT_REQUESTS, "report_request_ids"),
            report_types=as_list(report_types, CANCEL_REPORT_REQUESTS, "report_types"),
            statuses=as_list(statuses, CANCEL_REPORT_REQUESTS, "statuses"),
            requested_from=requested_from,
            requested_to=requested_to,
        )

    def get_report_list(
        self,
        *,
        max_count: int | None = None,
        report_types: Iterable[str] | None = None,
        acknowledged: bool | None = None,
        report_request_ids: Iterable[str] | None = None,
        available_from: datetime | None = None,
        available_to: datetime | None = None,
        next_token: str | None = None,
    ) -> Paginator[ReportInfo]:
        """GetReportList (+ByNextToken, HasNext paging)."""
        return self._paginate(
            GET_REPORT_LIST,
            next_token=next_token,
            max_count=max_count,
            report_types=as_list(report_types, GET_REPORT_LIST, "report_types"),
            acknowledged=acknowledged,
            report_request_ids=as_list(report_request_ids, GET_REPORT_LIST, "report_request_ids"),
            available_from=available_from,
            available_to=available_to,
        )

    async def get_report_count(
        self,
        *,
        report_types: Iterable[str] | None = None,
        acknowledged: bool | None = None,
        available_from: datetime | None = None,
        available_to: datetime | None = None,
    ) -> int:
        """GetReportCount."""
        result: GetReportCountResult = await self._call(
            GET_REPORT_COUNT,
            report_types=as_list(report_types, GET_REPORT_COUNT, "report_types"),
            acknowledged=acknowledged,
            available_from=available_from,
            available_to=available_to,
        )
        return result.count or 0

    async def get_report(self, report_id: str, path: str | os.PathLike[str]) -> DownloadResult:
        """GetReport streamed to ``path`` (memory stays flat), Content-MD5 verified; a mismatching body is
        downloaded once more, then :class:`~mws_async.errors.ContentMD5MismatchError` is raised.

        ``path`` is checked before anything is sent (a str or os.PathLike, in an existing folder, not a
        folder itself). A regular file is replaced atomically once verified; a character device or FIFO
        (``/dev/null``, a named pipe) is written directly, once, so a mismatch is raised after its bytes
        went out. A write failure (disk full, permission) is a
        :class:`~mws_async.errors.DownloadWriteError` naming ``path``."""
        return await download_to_path(
            self._opener(report_id),
            path,
            operation=GET_REPORT.action,
            write_timeout=self._client.transport.timeout,
        )

    async def iter_report(self, report_id: str) -> AsyncIterator[bytes]:
        """GetReport as verified byte chunks (spooled to a temporary file until the MD5 is checked)."""
        async for chunk in iter_verified(self._opener(report_id)):
            yield chunk

    async def iter_report_rows(
        self, report_id: str, *, encoding: str | None = None, marketplace: Marketplace | str | None = None
    ) -> AsyncIterator[dict[str, str]]:
        """A tab-separated flat-file report as dict rows keyed by its header row. The text encoding is the
        response's charset, else ``encoding``, else the marketplace's (windows-1252, Shift_JIS for JP)."""
        default = encoding or Marketplace.resolve(marketplace or self._client.marketplace).flat_file_encoding
        header: list[str] | None = None
        async with spooled(self._opener(report_id)) as download:
            charset = default if encoding is not None else charset_of(download.content_type, default)
            async for line in iter_lines(read_chunks(download.path), charset):
                cells = line.split("\t")
                if header is None:
                    header = cells
                elif line:
                    yield dict(zip(header, cells, strict=False))

    def _opener(self, report_id: str) -> Any:
        client, credentials = self._client, self._credentials
        return lambda: client.open_stream(GET_REPORT, {"report_id": report_id}, credentials=credentials)

    async def manage_report_schedule(
        self, report_type: str, schedule: str, *, schedule_date: datetime | None = None
    ) -> ManageReportScheduleResult:
        """ManageReportSchedule (``_NEVER_`` deletes a schedule)."""
        return await self._call(
            MANAGE_REPORT_SCHEDULE, report_type=report_type, schedule=schedule, schedule_date=schedule_date
        )

    def get_report_schedule_list(
        self, *, report_types: Iterable[str] | None = None, next_token: str | None = None
    ) -> Paginator[ReportSchedule]:
        """GetReportScheduleList (+ByNextToken)."""
        return self._paginate(
            GET_REPORT_SCHEDULE_LIST,
            next_token=next_token,
            report_types=as_list(report_types, GET_REPORT_SCHEDULE_LIST, "report_types"),
        )

    async def get_report_schedule_count(self, *, report_types: Iterable[str] | None = None) -> int:
        """GetReportScheduleCount."""
        result: GetReportScheduleCountResult = await self._call(
            GET_REPORT_SCHEDULE_COUNT,
            report_types=as_list(report_types, GET_REPORT_SCHEDULE_COUNT, "report_types"),
        )
        return result.count or 0

    async def update_report_acknowledgements(
        self, report_ids: Sequence[str], acknowledged: bool = True
    ) -> UpdateReportAcknowledgementsResult:
        """UpdateReportAcknowledgements for up to 100 reports."""
        return await self._call(
            UPDATE_REPORT_ACKNOWLEDGEMENTS,
            report_ids=as_list(report_ids, UPDATE_REPORT_ACKNOWLEDGEMENTS, "report_ids"),
            acknowledged=acknowledged,
        )

    async def wait_for_report(
        self,
        report_request_id: str,
        *,
        initial_interval: float = 15.0,
        max_interval: float = 120.0,
    ) -> ReportRequestInfo:
        """Poll GetReportRequestList until the request is ``_DONE_``, ``_DONE_NO_DATA_`` or ``_CANCELLED_``.

        Intervals grow ×1.5 from ``initial_interval`` to ``max_interval`` (divided by the client's time
        scale; both positive, finite seconds, else :class:`~mws_async.errors.ClientValidationError`); every
        poll goes through the GetReportRequestList bucket, so quota is respected. A request id the server
        does not list in :data:`UNKNOWN_AFTER_POLLS` consecutive polls raises
        :class:`~mws_async.errors.InvalidParameterError` (code ``InvalidReportRequestId``) instead of
        polling for ever. Bound the total wait for a known request with ``asyncio.timeout(...)`` around the
        call.
        """
        operation = GET_REPORT_REQUEST_LIST.action
        initial = _check_interval(initial_interval, "initial_interval", operation)
        longest = _check_interval(max_interval, "max_interval", operation)
        scale = self._client.throttler.time_scale
        interval = initial / scale
        misses = 0
        while True:
            listed = False
            async for info in self.get_report_request_list(report_request_ids=[report_request_id]):
                if info.report_request_id == report_request_id:
                    listed = True
                    if info.is_finished:
                        return info
            misses = 0 if listed else misses + 1
            if misses >= UNKNOWN_AFTER_POLLS:
                raise InvalidParameterError(
                    "InvalidReportRequestId",
                    f"report request id {shown(report_request_id)} is unknown to the server: "
                    f"GetReportRequestList did not list it in {misses} consecutive polls",
                    operation=operation,
                )
            await asyncio.sleep(interval)
            interval = min(interval * 1.5, longest / scale)

    async def request_and_download(
        self,
        report_type: str,
        path: str | os.PathLike[str],
        *,
        start_date: datetime | None = None,
        end_date: datetime | None = None,
        report_options: str | None = None,
        marketplaces: Any = None,
        initial_interval: float = 15.0,
        max_interval: float = 120.0,
    ) -> DownloadResult | None:
        """Request a report, wait for it, and stream it to ``path``. Returns None for ``_DONE_NO_DATA_``;
        raises :class:`~mws_async.errors.ReportCancelledError` for ``_CANCELLED_``. ``path`` and the
        intervals are checked before the report is requested."""
        check_download_path(path, REQUEST_REPORT.action)
        _check_interval(initial_interval, "initial_interval", REQUEST_REPORT.action)
        _check_interval(max_interval, "max_interval", REQUEST_REPORT.action)
        info = await self.request_report(
            report_type,
            start_date=start_date,
            end_date=end_date,
            report_options=report_options,
            marketplaces=marketplaces,
        )
        done = await self.wait_for_report(
            info.report_request_id,
            initial_interval=initial_interval,
            max_interval=max_interval,
        )
        status = done.report_processing_status
        if status == ReportProcessingStatus.CANCELLED:
            raise ReportCancelledError(done.report_request_id)
        if status == ReportProcessingStatus.DONE_NO_DATA:
            return None
        report_id = done.generated_report_id
        if report_id is None:
            async for report in self.get_report_list(report_request_ids=[done.report_request_id]):
                report_id = report.report_id
                break
        if report_id is None:
            raise ReportCancelledError(done.report_request_id)
        return await self.get_report(report_id, path)
