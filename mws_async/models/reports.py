"""Reports API (``/Reports/2009-01-01``) response models.

Each operation's ``{Action}Result`` element validates into the model named in :data:`REPORTS_RESULT_MODELS`::

    doc = xml.parse(body, force_list=REPORTS_FORCE_LIST)
    model, _ = REPORTS_RESULT_MODELS[action]
    result = model.model_validate(result_of(doc, action))

List operations paginate with ``HasNext`` + ``NextToken`` (call ``…ByNextToken`` while ``has_next`` is true;
``has_more`` falls back to the token's presence if ``HasNext`` is missing). ``GetReport`` has no result
model: its body is the raw report document (tab-delimited, XML or PDF), checked against ``Content-MD5``.

Lifecycle (reference 6.1): RequestReport -> :class:`ReportRequestInfo` with status ``_SUBMITTED_``; poll
GetReportRequestList until ``_DONE_`` / ``_DONE_NO_DATA_`` / ``_CANCELLED_``; a ``_DONE_`` request usually
carries ``generated_report_id``, otherwise find the :class:`ReportInfo` via GetReportList.

Leniency: dates, counts and flags are typed; unparsable values (``string`` in the PHP mocks) become ``None``.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Annotated, Final

from pydantic import Field

from mws_async.models.base import MWSModel, XmlList
from mws_async.models.lenient import First, LenientBool, LenientDatetime, LenientInt

__all__ = [
    "REPORTS_FORCE_LIST",
    "REPORTS_RESULT_MODELS",
    "CancelReportRequestsResult",
    "GetReportCountResult",
    "GetReportListResult",
    "GetReportRequestCountResult",
    "GetReportRequestListResult",
    "GetReportScheduleCountResult",
    "GetReportScheduleListResult",
    "ManageReportScheduleResult",
    "ReportInfo",
    "ReportProcessingStatus",
    "ReportRequestInfo",
    "ReportSchedule",
    "RequestReportResult",
    "UpdateReportAcknowledgementsResult",
]


class ReportProcessingStatus(StrEnum):
    """Values of ``ReportProcessingStatus``; members compare equal to the plain strings."""

    SUBMITTED = "_SUBMITTED_"
    IN_PROGRESS = "_IN_PROGRESS_"
    DONE = "_DONE_"
    DONE_NO_DATA = "_DONE_NO_DATA_"
    CANCELLED = "_CANCELLED_"


_FINAL_STATUSES: Final = frozenset(
    {ReportProcessingStatus.DONE, ReportProcessingStatus.DONE_NO_DATA, ReportProcessingStatus.CANCELLED}
)


class ReportRequestInfo(MWSModel):
    """``<ReportRequestInfo>``: one report request; natural id :attr:`report_request_id`.

    ``report_processing_status`` stays a plain string (unknown future values must not fail parsing); compare
    it with :class:`ReportProcessingStatus` members.
    """

    report_request_id: str
    report_type: str | None = None
    start_date: LenientDatetime = None
    end_date: LenientDatetime = None
    scheduled: LenientBool = None
    submitted_date: LenientDatetime = None
    report_processing_status: str | None = None
    generated_report_id: str | None = None
    started_processing_date: LenientDatetime = None
    completed_date: LenientDatetime = None

    @property
    def is_finished(self) -> bool:
        """Whether the request reached a final status (``_DONE_``, ``_DONE_NO_DATA_``, ``_CANCELLED_``)."""
        return self.report_processing_status in _FINAL_STATUSES


class ReportInfo(MWSModel):
    """``<ReportInfo>``: one generated report; natural id :attr:`report_id`."""

    report_id: str
    report_type: str | None = None
    report_request_id: str | None = None
    available_date: LenientDatetime = None
    acknowledged: LenientBool = None
    acknowledged_date: LenientDatetime = None


class ReportSchedule(MWSModel):
    """``<ReportSchedule>``: a scheduled report; natural id :attr:`report_type` (one schedule per type)."""

    report_type: str
    schedule: str | None = None  # _15_MINUTES_ ... _30_DAYS_, _NEVER_
    scheduled_date: LenientDatetime = None


# --------------------------------------------------------------------------------------------- results


class _HasNextPage(MWSModel):
    """HasNext pagination: ``next_token`` and ``has_next``."""

    next_token: str | None = None
    has_next: LenientBool = None

    @property
    def has_more(self) -> bool:
        """``has_next``, or the presence of ``next_token`` when ``HasNext`` is missing or unparsable."""
        if self.has_next is not None:
            return self.has_next
        return self.next_token is not None


class RequestReportResult(MWSModel):
    """``RequestReportResult``: the new request (status ``_SUBMITTED_``)."""

    report_request_info: Annotated[ReportRequestInfo | None, First] = None


class GetReportRequestListResult(_HasNextPage):
    """``GetReportRequestList[ByNextToken]Result``; records: :attr:`report_request_info`."""

    report_request_info: XmlList[ReportRequestInfo] = Field(default_factory=list)

    @property
    def records(self) -> list[ReportRequestInfo]:
        """The page's report requests."""
        return self.report_request_info


class _CountResult(MWSModel):
    """A ``<Count>`` result."""

    count: LenientInt = None


class GetReportRequestCountResult(_CountResult):
    """``GetReportRequestCountResult``: number of matching report requests."""


class CancelReportRequestsResult(_CountResult):
    """``CancelReportRequestsResult``: how many requests were cancelled, and their (now cancelled) infos."""

    report_request_info: XmlList[ReportRequestInfo] = Field(default_factory=list)

    @property
    def records(self) -> list[ReportRequestInfo]:
        """The cancelled requests."""
        return self.report_request_info


class GetReportListResult(_HasNextPage):
    """``GetReportList[ByNextToken]Result``; records: :attr:`report_info`."""

    report_info: XmlList[ReportInfo] = Field(default_factory=list)

    @property
    def records(self) -> list[ReportInfo]:
        """The page's reports."""
        return self.report_info


class GetReportCountResult(_CountResult):
    """``GetReportCountResult``: number of ``_DONE_`` reports (last 90 days) matching the filters."""


class ManageReportScheduleResult(_CountResult):
    """``ManageReportScheduleResult``: the created, changed or deleted schedules."""

    report_schedule: XmlList[ReportSchedule] = Field(default_factory=list)

    @property
    def records(self) -> list[ReportSchedule]:
        """The schedules."""
        return self.report_schedule


class GetReportScheduleListResult(_HasNextPage):
    """``GetReportScheduleList[ByNextToken]Result``; records: :attr:`report_schedule` (``HasNext`` is never
    true in practice: at most 100 schedules)."""

    report_schedule: XmlList[ReportSchedule] = Field(default_factory=list)

    @property
    def records(self) -> list[ReportSchedule]:
        """The page's schedules."""
        return self.report_schedule


class GetReportScheduleCountResult(_CountResult):
    """``GetReportScheduleCountResult``: number of schedules."""


class UpdateReportAcknowledgementsResult(_CountResult):
    """``UpdateReportAcknowledgementsResult``: the reports whose acknowledged flag was set."""

    report_info: XmlList[ReportInfo] = Field(default_factory=list)

    @property
    def records(self) -> list[ReportInfo]:
        """The updated reports."""
        return self.report_info


# --------------------------------------------------------------------------------------------- tables

REPORTS_FORCE_LIST: Final[frozenset[str]] = frozenset({"ReportRequestInfo", "ReportInfo", "ReportSchedule"})
"""Element names that can repeat in Reports responses; for :func:`mws_async.xml.parse` ``force_list``."""

REPORTS_RESULT_MODELS: Final[Mapping[str, tuple[type[MWSModel], bool]]] = {
    "RequestReport": (RequestReportResult, False),
    "GetReportRequestList": (GetReportRequestListResult, False),
    "GetReportRequestListByNextToken": (GetReportRequestListResult, False),
    "GetReportRequestCount": (GetReportRequestCountResult, False),
    "CancelReportRequests": (CancelReportRequestsResult, False),
    "GetReportList": (GetReportListResult, False),
    "GetReportListByNextToken": (GetReportListResult, False),
    "GetReportCount": (GetReportCountResult, False),
    "ManageReportSchedule": (ManageReportScheduleResult, False),
    "GetReportScheduleList": (GetReportScheduleListResult, False),
    "GetReportScheduleListByNextToken": (GetReportScheduleListResult, False),
    "GetReportScheduleCount": (GetReportScheduleCountResult, False),
    "UpdateReportAcknowledgements": (UpdateReportAcknowledgementsResult, False),
}
"""Action -> (model of its ``{Action}Result`` element, whether there is one element per requested id).

``GetReport`` is absent: its body is the report itself, not an MWS envelope. Reports has no GetServiceStatus.
"""
