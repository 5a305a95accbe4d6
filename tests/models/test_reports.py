"""Reports response models against every recorded Reports fixture, and concrete values from several."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from support import FIXTURES, fixture_files

from mws_async import xml
from mws_async.models.feeds import processing_report_from_xml
from mws_async.models.lenient import result_of
from mws_async.models.reports import (
    REPORTS_FORCE_LIST,
    REPORTS_RESULT_MODELS,
    CancelReportRequestsResult,
    GetReportCountResult,
    GetReportListResult,
    GetReportRequestListResult,
    GetReportScheduleListResult,
    ManageReportScheduleResult,
    ReportProcessingStatus,
    RequestReportResult,
    UpdateReportAcknowledgementsResult,
)


def _action(path: Path) -> str:
    return path.name.split("__")[0]


def _load(name: str) -> Any:
    path = FIXTURES / "Reports" / name
    action = _action(path)
    doc = xml.parse(path.read_bytes(), force_list=REPORTS_FORCE_LIST)
    model, _ = REPORTS_RESULT_MODELS[action]
    return model.model_validate(result_of(doc, action))


_ENVELOPED = [p for p in fixture_files("Reports") if _action(p) != "GetReport"]
_RAW = [p for p in fixture_files("Reports") if _action(p) == "GetReport"]


@pytest.mark.parametrize("path", _ENVELOPED, ids=lambda p: p.name)
def test_every_reports_fixture_parses(path: Path) -> None:
    action = _action(path)
    doc = xml.parse(path.read_bytes(), force_list=REPORTS_FORCE_LIST)
    assert f"{action}Result" in doc[f"{action}Response"]
    model, _ = REPORTS_RESULT_MODELS[action]
    result = model.model_validate(result_of(doc, action))
    assert isinstance(result, model)
    if hasattr(result, "records"):
        assert isinstance(result.records, list)


@pytest.mark.parametrize("path", _RAW, ids=lambda p: p.name)
def test_get_report_fixtures_are_raw_documents(path: Path) -> None:
    body = path.read_bytes()
    assert isinstance(body, bytes)
    assert body.lstrip().startswith(b"<?xml")
    assert b"GetReportResponse" in body or b"<AmazonEnvelope" in body
    assert "GetReport" not in REPORTS_RESULT_MODELS


def test_get_report_document_holds_an_order_acknowledgement_processing_report() -> None:
    body = (FIXTURES / "Reports" / "GetReport__peddler__1.xml").read_bytes()
    assert b"<MessageType>ProcessingReport</MessageType>" in body
    report = processing_report_from_xml(xml.parse(body))
    assert report.document_transaction_id == "216685016944"
    assert report.processing_report_type == "OrderAcknowledgement"
    # StatusCode / ProcessingSummary sit under <Summary MarketplaceName="All"> in this layout.
    assert report.status_code == "Complete"
    assert report.marketplace_name == "All"
    assert report.merchant_identifier == "M_FULHAMBOOK_7327352"
    assert report.processing_summary is not None
    assert report.processing_summary.messages_processed == 5
    assert report.processing_summary.messages_with_error == 0


def test_report_request_list_recorded() -> None:
    result = _load("GetReportRequestList__peddler__2.xml")
    assert isinstance(result, GetReportRequestListResult)
    assert result.has_next is True
    assert result.has_more
    assert result.next_token is not None
    assert result.next_token.startswith("DbqsFWHzsUX2")
    assert len(result.records) == 10
    first = result.records[0]
    assert first.report_request_id == "249252016944"
    assert first.report_processing_status == ReportProcessingStatus.DONE_NO_DATA
    assert first.generated_report_id is None
    assert first.is_finished


def test_report_request_list_last_page() -> None:
    result = _load("GetReportRequestList__peddler__6.xml")
    assert result.has_next is False
    assert result.next_token is None
    assert not result.has_more
    first = result.records[0]
    assert first.report_request_id == "50003018510"
    assert first.report_type == "_GET_V2_SETTLEMENT_REPORT_DATA_FLAT_FILE_"
    assert first.report_processing_status == "_DONE_"
    assert first.generated_report_id == "4411833474018510"
    assert first.completed_date == datetime(2020, 9, 5, 0, 48, 30, tzinfo=UTC)


def test_report_request_list_doc_sample_with_whitespace_around_a_date() -> None:
    result = _load("GetReportRequestList__mwsdocs__1.xml")
    info = result.records[0]
    assert info.report_request_id == "2291326454"
    assert info.scheduled is False
    assert info.started_processing_date == datetime(2011, 2, 17, 23, 44, 43, tzinfo=UTC)
    assert info.generated_report_id == "3538561173"


def test_request_report() -> None:
    result = _load("RequestReport__mwsdocs__1.xml")
    assert isinstance(result, RequestReportResult)
    assert result.report_request_info is not None
    assert result.report_request_info.report_request_id == "2291326454"
    assert result.report_request_info.report_processing_status == ReportProcessingStatus.SUBMITTED
    assert not result.report_request_info.is_finished


def test_report_list_and_counts() -> None:
    result = _load("GetReportList__peddler__2.xml")
    assert isinstance(result, GetReportListResult)
    assert result.has_next is True
    assert [(r.report_id, r.report_type) for r in result.records[:2]] == [
        ("55233367663", "FeedSummaryReport"),
        ("55232214973", "_GET_SELLER_FEEDBACK_DATA_"),
    ]
    assert result.records[0].acknowledged is False
    assert result.records[0].report_request_id == "55970016522"
    acknowledged = [r for r in result.records if r.acknowledged]
    assert acknowledged
    assert acknowledged[0].acknowledged_date == datetime(2015, 3, 28, 7, 44, 20, tzinfo=UTC)
    count = _load("GetReportCount__peddler__1.xml")
    assert isinstance(count, GetReportCountResult)
    assert count.count == 12807
    assert _load("GetReportRequestCount__mwsdocs__1.xml").count == 1276
    assert _load("GetReportScheduleCount__peddler__3.xml").count == 1


def test_schedules() -> None:
    result = _load("GetReportScheduleList__peddler__10.xml")
    assert isinstance(result, GetReportScheduleListResult)
    assert result.has_next is False
    (schedule,) = result.records
    assert schedule.report_type == "_GET_FLAT_FILE_ORDERS_DATA_"
    assert schedule.schedule == "_1_DAY_"
    assert schedule.scheduled_date == datetime(2018, 4, 27, 22, 29, 24, tzinfo=UTC)
    assert _load("GetReportScheduleList__peddler__12.xml").records == []
    managed = _load("ManageReportSchedule__amzphplib__1.xml")
    assert isinstance(managed, ManageReportScheduleResult)
    assert managed.count == 100
    assert managed.records[0].scheduled_date == datetime(2008, 9, 28, 18, 49, 45)


def test_php_mock_placeholders() -> None:
    cancelled = _load("CancelReportRequests__amzphplib__1.xml")
    assert isinstance(cancelled, CancelReportRequestsResult)
    assert cancelled.count == 100
    assert cancelled.records[0].report_request_id == "string"
    updated = _load("UpdateReportAcknowledgements__amzphplib__1.xml")
    assert isinstance(updated, UpdateReportAcknowledgementsResult)
    assert updated.count == 100
    assert updated.records[0].report_id == "string"
    listed = _load("GetReportListByNextToken__amzphplib__1.xml")
    assert listed.next_token == "string"
    assert listed.has_next is False


def test_unknown_elements_are_ignored_and_typed_ones_kept() -> None:
    body = (FIXTURES / "Reports" / "GetReportRequestList__mwsdocs__1.xml").read_bytes()
    body = body.replace(b"<Scheduled>", b"<NewFlag>yes</NewFlag><Scheduled>").replace(
        b"<HasNext>", b"<Extra><A>1</A></Extra><HasNext>"
    )
    result = GetReportRequestListResult.model_validate(
        result_of(xml.parse(body, force_list=REPORTS_FORCE_LIST), "GetReportRequestList")
    )
    assert result.has_next is True
    assert result.records[0].report_request_id == "2291326454"
    assert result.records[0].scheduled is False


def test_status_constants_are_strings() -> None:
    assert ReportProcessingStatus.DONE == "_DONE_"
    assert [s.value for s in ReportProcessingStatus] == [
        "_SUBMITTED_",
        "_IN_PROGRESS_",
        "_DONE_",
        "_DONE_NO_DATA_",
        "_CANCELLED_",
    ]
