"""Feeds API (``/Feeds/2009-01-01``) response models, and the feed processing report.

Each operation's ``{Action}Result`` element validates into the model named in :data:`FEEDS_RESULT_MODELS`::

    doc = xml.parse(body, force_list=FEEDS_FORCE_LIST)
    model, _ = FEEDS_RESULT_MODELS[action]
    result = model.model_validate(result_of(doc, action))

GetFeedSubmissionList paginates with ``HasNext`` + ``NextToken``. ``GetFeedSubmissionResult`` has no result
element: its body is the processing report itself, either XML (``AmazonEnvelope`` with
``MessageType=ProcessingReport``; parse it with :func:`processing_report_from_xml`) or, for flat-file feeds,
a tab-delimited text summary (:func:`processing_report_from_text`). Both give a :class:`ProcessingReport`.

Leniency: dates, counts and flags are typed; unparsable values (``string`` in the PHP mocks) become ``None``.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Annotated, Any, Final

from pydantic import ConfigDict, Field, model_validator

from mws_async.models.base import MWSModel, XmlList, as_list, check_extras
from mws_async.models.lenient import First, LenientBool, LenientDatetime, LenientInt

__all__ = [
    "FEEDS_FORCE_LIST",
    "FEEDS_RESULT_MODELS",
    "AdditionalInfo",
    "CancelFeedSubmissionsResult",
    "FeedProcessingStatus",
    "FeedSubmissionInfo",
    "GetFeedSubmissionCountResult",
    "GetFeedSubmissionListResult",
    "ProcessingReport",
    "ProcessingResult",
    "ProcessingSummary",
    "SubmitFeedResult",
    "processing_report_from_text",
    "processing_report_from_xml",
]


class FeedProcessingStatus(StrEnum):
    """Values of ``FeedProcessingStatus``; members compare equal to the plain strings."""

    SUBMITTED = "_SUBMITTED_"
    IN_PROGRESS = "_IN_PROGRESS_"
    DONE = "_DONE_"
    CANCELLED = "_CANCELLED_"
    AWAITING_ASYNCHRONOUS_REPLY = "_AWAITING_ASYNCHRONOUS_REPLY_"
    IN_SAFETY_NET = "_IN_SAFETY_NET_"
    UNCONFIRMED = "_UNCONFIRMED_"


class FeedSubmissionInfo(MWSModel):
    """``<FeedSubmissionInfo>``: one feed submission; natural id :attr:`feed_submission_id`.

    ``feed_processing_status`` stays a plain string; compare it with :class:`FeedProcessingStatus` members.
    """

    feed_submission_id: str
    feed_type: str | None = None
    submitted_date: LenientDatetime = None
    feed_processing_status: str | None = None
    started_processing_date: LenientDatetime = None
    completed_processing_date: LenientDatetime = None

    @property
    def is_finished(self) -> bool:
        """Whether processing ended (``_DONE_`` or ``_CANCELLED_``): the result can then be fetched."""
        return self.feed_processing_status in (FeedProcessingStatus.DONE, FeedProcessingStatus.CANCELLED)


# --------------------------------------------------------------------------------------------- results


class SubmitFeedResult(MWSModel):
    """``SubmitFeedResult``: the new submission (status ``_SUBMITTED_``)."""

    feed_submission_info: Annotated[FeedSubmissionInfo | None, First] = None


class GetFeedSubmissionListResult(MWSModel):
    """``GetFeedSubmissionList[ByNextToken]Result`` (HasNext); records: :attr:`feed_submission_info`."""

    next_token: str | None = None
    has_next: LenientBool = None
    feed_submission_info: XmlList[FeedSubmissionInfo] = Field(default_factory=list)

    @property
    def records(self) -> list[FeedSubmissionInfo]:
        """The page's submissions."""
        return self.feed_submission_info

    @property
    def has_more(self) -> bool:
        """``has_next``, or the presence of ``next_token`` when ``HasNext`` is missing or unparsable."""
        if self.has_next is not None:
            return self.has_next
        return self.next_token is not None


class GetFeedSubmissionCountResult(MWSModel):
    """``GetFeedSubmissionCountResult``: number of matching submissions."""

    count: LenientInt = None


class CancelFeedSubmissionsResult(MWSModel):
    """``CancelFeedSubmissionsResult``: how many were cancelled, and up to 100 of their infos."""

    count: LenientInt = None
    feed_submission_info: XmlList[FeedSubmissionInfo] = Field(default_factory=list)

    @property
    def records(self) -> list[FeedSubmissionInfo]:
        """The (cancelled) submissions."""
        return self.feed_submission_info


# ----------------------------------------------------------------------------------- processing report


class ProcessingSummary(MWSModel):
    """``<ProcessingSummary>``: message counts of a processed feed."""

    messages_processed: LenientInt = None
    messages_successful: LenientInt = None
    messages_with_error: LenientInt = None
    messages_with_warning: LenientInt = None


class AdditionalInfo(MWSModel):
    """``<AdditionalInfo>`` of a result: ``SKU`` or ``AmazonOrderID``; anything else kept as an extra."""

    model_config = ConfigDict(extra="allow")
    _bounded = model_validator(mode="after")(check_extras)

    sku: str | None = Field(default=None, alias="SKU")
    amazon_order_id: str | None = Field(default=None, alias="AmazonOrderID")


class ProcessingResult(MWSModel):
    """``<Result>``: an error or warning about one feed message (``message_id`` is the feed's MessageID)."""

    message_id: str | None = Field(default=None, alias="MessageID")
    result_code: str | None = None  # Error / Warning
    result_message_code: str | None = None
    result_description: str | None = None
    additional_info: Annotated[AdditionalInfo | None, First] = None


class ProcessingReport(MWSModel):
    """A feed processing report (GetFeedSubmissionResult body); natural id :attr:`document_transaction_id`
    (the feed submission id).

    ``StatusCode`` and ``ProcessingSummary`` are read directly under ``<ProcessingReport>`` (feeds) or under
    its ``<Summary>`` (the layout seen in a report document); ``merchant_identifier`` comes from the envelope
    header.
    """

    document_transaction_id: str | None = Field(default=None, alias="DocumentTransactionID")
    status_code: str | None = None
    processing_report_type: str | None = None
    marketplace_name: str | None = None
    merchant_identifier: str | None = None
    processing_summary: ProcessingSummary | None = None
    results: XmlList[ProcessingResult] = Field(default_factory=list, alias="Result")

    @model_validator(mode="before")
    @classmethod
    def _lift_summary(cls, data: Any) -> Any:
        if not isinstance(data, Mapping):
            return data
        summary = data.get("Summary")
        if isinstance(summary, list):
            summary = summary[0] if summary else None
        if not isinstance(summary, Mapping):
            return data
        merged = dict(data)
        for key in ("StatusCode", "ProcessingSummary"):
            if merged.get(key) is None and summary.get(key) is not None:
                merged[key] = summary[key]
        if merged.get("MarketplaceName") is None and summary.get("@MarketplaceName") is not None:
            merged["MarketplaceName"] = summary["@MarketplaceName"]
        return merged

    @property
    def errors(self) -> list[ProcessingResult]:
        """Results with ``ResultCode`` ``Error``."""
        return [r for r in self.results if r.result_code == "Error"]

    @property
    def warnings(self) -> list[ProcessingResult]:
        """Results with ``ResultCode`` ``Warning``."""
        return [r for r in self.results if r.result_code == "Warning"]


def processing_report_from_xml(doc: Mapping[str, Any]) -> ProcessingReport:
    """The :class:`ProcessingReport` of a parsed GetFeedSubmissionResult body.

    ``doc`` is :func:`mws_async.xml.parse` output (``{"AmazonEnvelope": {...}}``, any ``force_list``), the
    envelope itself, or a bare ``{"ProcessingReport": {...}}``. The first ``<Message>`` holding a
    ``<ProcessingReport>`` is used. Raises ``ValueError`` when the document holds no processing report.
    """
    root: Any = doc.get("AmazonEnvelope", doc) if isinstance(doc, Mapping) else None
    if not isinstance(root, Mapping):
        raise ValueError("not a processing report document")
    found = "ProcessingReport" in root
    report: Any = root.get("ProcessingReport")
    if not found:
        for message in as_list(root.get("Message")):
            if isinstance(message, Mapping) and "ProcessingReport" in message:
                found, report = True, message["ProcessingReport"]
                break
    if not found:
        raise ValueError("the document holds no <ProcessingReport>")
    if isinstance(report, list):
        report = report[0] if report else None
    data: dict[str, Any] = dict(report) if isinstance(report, Mapping) else {}
    header = root.get("Header")
    if isinstance(header, Mapping) and data.get("MerchantIdentifier") is None:
        data["MerchantIdentifier"] = header.get("MerchantIdentifier")
    return ProcessingReport.model_validate(data)


_TEXT_COUNTS: Final = {
    "number of records processed": "MessagesProcessed",
    "number of records successful": "MessagesSuccessful",
    "number of records with errors": "MessagesWithError",
    "number of records with warnings": "MessagesWithWarning",
}


def processing_report_from_text(text: str) -> ProcessingReport:
    """The :class:`ProcessingReport` of a flat-file feed's text summary.

    The documented layout is a ``Feed Processing Summary:`` block of ``Number of records …<TAB><TAB>n`` lines,
    then a tab-delimited table with the header ``original-record-number, sku, error-code, error-type,
    error-message``. Each table row becomes a :class:`ProcessingResult` (``message_id`` = original record
    number, ``result_code`` = error type, ``additional_info.sku`` = SKU). Unknown lines are ignored; counts
    not stated stay ``None``.
    """
    summary: dict[str, Any] = {}
    results: list[dict[str, Any]] = []
    header: list[str] | None = None
    for raw_line in text.splitlines():
        if not raw_line.strip():
            continue
        cells = [c.strip() for c in raw_line.split("\t")]
        if header is not None:
            row = dict(zip(header, cells, strict=False))
            results.append(
                {
                    "MessageID": row.get("original-record-number") or None,
                    "ResultCode": row.get("error-type") or None,
                    "ResultMessageCode": row.get("error-code") or None,
                    "ResultDescription": row.get("error-message") or None,
                    "AdditionalInfo": {"SKU": row["sku"]} if row.get("sku") else None,
                }
            )
            continue
        lowered = [c.lower() for c in cells]
        if "original-record-number" in lowered:
            header = lowered
            continue
        label = next((c for c in lowered if c), "")
        if label in _TEXT_COUNTS:
            value = next((c for c in reversed(cells) if c), None)
            summary[_TEXT_COUNTS[label]] = value
    return ProcessingReport.model_validate({"ProcessingSummary": summary or None, "Result": results})


# --------------------------------------------------------------------------------------------- tables

FEEDS_FORCE_LIST: Final[frozenset[str]] = frozenset({"FeedSubmissionInfo", "Result"})
"""Element names that can repeat in Feeds responses (``Result`` in processing reports); pass to
:func:`mws_async.xml.parse` as ``force_list``."""

FEEDS_RESULT_MODELS: Final[Mapping[str, tuple[type[MWSModel], bool]]] = {
    "SubmitFeed": (SubmitFeedResult, False),
    "GetFeedSubmissionList": (GetFeedSubmissionListResult, False),
    "GetFeedSubmissionListByNextToken": (GetFeedSubmissionListResult, False),
    "GetFeedSubmissionCount": (GetFeedSubmissionCountResult, False),
    "CancelFeedSubmissions": (CancelFeedSubmissionsResult, False),
}
"""Action -> (model of its ``{Action}Result`` element, whether there is one element per requested id).

``GetFeedSubmissionResult`` is absent: its body is the processing report (see
:func:`processing_report_from_xml` / :func:`processing_report_from_text`). Feeds has no GetServiceStatus.
"""
