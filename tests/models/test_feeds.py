"""Feeds response models and processing reports against every recorded Feeds fixture."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from support import FIXTURES, fixture_files

from mws_async import xml
from mws_async.models.feeds import (
    FEEDS_FORCE_LIST,
    FEEDS_RESULT_MODELS,
    CancelFeedSubmissionsResult,
    FeedProcessingStatus,
    GetFeedSubmissionCountResult,
    GetFeedSubmissionListResult,
    ProcessingReport,
    SubmitFeedResult,
    processing_report_from_text,
    processing_report_from_xml,
)
from mws_async.models.lenient import result_of


def _action(path: Path) -> str:
    return path.name.split("__")[0]


def _load(name: str) -> Any:
    path = FIXTURES / "Feeds" / name
    action = _action(path)
    doc = xml.parse(path.read_bytes(), force_list=FEEDS_FORCE_LIST)
    model, _ = FEEDS_RESULT_MODELS[action]
    return model.model_validate(result_of(doc, action))


def _report(name: str) -> ProcessingReport:
    return processing_report_from_xml(
        xml.parse((FIXTURES / "Feeds" / name).read_bytes(), force_list=FEEDS_FORCE_LIST)
    )


_ENVELOPED = [p for p in fixture_files("Feeds") if _action(p) != "GetFeedSubmissionResult"]
_REPORTS = [p for p in fixture_files("Feeds") if _action(p) == "GetFeedSubmissionResult"]


@pytest.mark.parametrize("path", _ENVELOPED, ids=lambda p: p.name)
def test_every_feeds_fixture_parses(path: Path) -> None:
    action = _action(path)
    doc = xml.parse(path.read_bytes(), force_list=FEEDS_FORCE_LIST)
    assert f"{action}Result" in doc[f"{action}Response"]
    model, _ = FEEDS_RESULT_MODELS[action]
    result = model.model_validate(result_of(doc, action))
    assert isinstance(result, model)


@pytest.mark.parametrize("path", _REPORTS, ids=lambda p: p.name)
def test_every_feed_submission_result_fixture(path: Path) -> None:
    doc = xml.parse(path.read_bytes(), force_list=FEEDS_FORCE_LIST)
    if "AmazonEnvelope" in doc:
        assert isinstance(processing_report_from_xml(doc), ProcessingReport)
    else:
        # The PHP client's wrapper mock: the live service returns the raw document, never this envelope.
        assert doc["GetFeedSubmissionResultResponse"]["GetFeedSubmissionResultResult"] is None
        with pytest.raises(ValueError, match="ProcessingReport"):
            processing_report_from_xml(doc)


def test_processing_report_with_an_error() -> None:
    report = _report("GetFeedSubmissionResult__pymws__1.xml")
    assert report.document_transaction_id == "4901340"
    assert report.status_code == "Complete"
    assert report.merchant_identifier == "MERCHANT_ID"
    assert report.processing_summary is not None
    summary = report.processing_summary
    assert (summary.messages_processed, summary.messages_successful) == (1, 0)
    assert (summary.messages_with_error, summary.messages_with_warning) == (1, 0)
    (result,) = report.results
    assert report.errors == [result]
    assert report.warnings == []
    assert result.message_id == "123456"
    assert result.result_code == "Error"
    assert result.result_message_code == "18028"
    assert result.result_description is not None
    assert result.result_description.startswith("The data you")
    assert result.additional_info is not None
    assert result.additional_info.amazon_order_id == "113-123456-123456"


def test_processing_report_skeleton_doc_sample() -> None:
    report = _report("GetFeedSubmissionResult__mwsdocs__1.xml")
    assert report.document_transaction_id == "4319742521"
    assert report.merchant_identifier == "T_M_GOOD_83835495"
    assert report.status_code is None
    assert report.processing_summary is None
    assert report.results == []


def test_processing_report_from_xml_accepts_any_force_list_and_bare_envelopes() -> None:
    body = (FIXTURES / "Feeds" / "GetFeedSubmissionResult__pymws__1.xml").read_bytes()
    plain = processing_report_from_xml(xml.parse(body))
    enveloped = processing_report_from_xml(xml.parse(body)["AmazonEnvelope"])
    assert plain == enveloped
    assert plain.results[0].result_message_code == "18028"


def test_processing_report_with_sku_results() -> None:
    body = b"""<?xml version="1.0"?>
<AmazonEnvelope><Header><DocumentVersion>1.02</DocumentVersion><MerchantIdentifier>M1</MerchantIdentifier></Header>
<MessageType>ProcessingReport</MessageType>
<Message><MessageID>1</MessageID><ProcessingReport>
<DocumentTransactionID>555</DocumentTransactionID><StatusCode>Complete</StatusCode>
<ProcessingSummary><MessagesProcessed>3</MessagesProcessed><MessagesSuccessful>1</MessagesSuccessful>
<MessagesWithError>1</MessagesWithError><MessagesWithWarning>1</MessagesWithWarning></ProcessingSummary>
<Result><MessageID>2</MessageID><ResultCode>Error</ResultCode><ResultMessageCode>8560</ResultMessageCode>
<ResultDescription>Missing attributes</ResultDescription>
<AdditionalInfo><SKU>SKU-2</SKU></AdditionalInfo></Result>
<Result><MessageID>3</MessageID><ResultCode>Warning</ResultCode><ResultMessageCode>99001</ResultMessageCode>
<AdditionalInfo><SKU>SKU-3</SKU></AdditionalInfo></Result>
</ProcessingReport></Message></AmazonEnvelope>"""
    report = processing_report_from_xml(xml.parse(body, force_list=FEEDS_FORCE_LIST))
    assert [r.additional_info.sku for r in report.results if r.additional_info] == ["SKU-2", "SKU-3"]
    assert [r.message_id for r in report.errors] == ["2"]
    assert [r.message_id for r in report.warnings] == ["3"]


def test_processing_report_from_flat_text() -> None:
    # Layout of the flat-file processing summary as documented (no recorded sample is in the fixtures).
    text = (
        "Feed Processing Summary:\n"
        "\tNumber of records processed\t\t2\n"
        "\tNumber of records successful\t\t1\n"
        "\n"
        "original-record-number\tsku\terror-code\terror-type\terror-message\n"
        "1\tSKU-1\t8560\tError\tSKU SKU-1, Missing Attributes product_type.\n"
    )
    report = processing_report_from_text(text)
    assert report.processing_summary is not None
    assert report.processing_summary.messages_processed == 2
    assert report.processing_summary.messages_successful == 1
    assert report.processing_summary.messages_with_error is None
    (result,) = report.errors
    assert result.message_id == "1"
    assert result.result_message_code == "8560"
    assert result.additional_info is not None
    assert result.additional_info.sku == "SKU-1"
    assert result.result_description == "SKU SKU-1, Missing Attributes product_type."


def test_submit_feed() -> None:
    result = _load("SubmitFeed__pymws__1.xml")
    assert isinstance(result, SubmitFeedResult)
    info = result.feed_submission_info
    assert info is not None
    assert info.feed_submission_id == "4901340"
    assert info.feed_type == "_POST_ORDER_ACKNOWLEDGEMENT_DATA_"
    assert info.feed_processing_status == FeedProcessingStatus.SUBMITTED
    assert info.submitted_date == datetime(2020, 8, 31, 21, 47, 42, tzinfo=UTC)
    recorded = _load("SubmitFeed__peddler__1.xml").feed_submission_info
    assert recorded is not None
    assert recorded.feed_submission_id == "173056016795"


def test_feed_submission_list() -> None:
    result = _load("GetFeedSubmissionList__peddler__1.xml")
    assert isinstance(result, GetFeedSubmissionListResult)
    assert result.has_next is True
    assert result.has_more
    assert result.next_token is not None
    assert result.next_token.startswith("f5+UNmS57ov2")
    assert len(result.records) == 10
    first = result.records[0]
    assert first.feed_submission_id == "75487016522"
    assert first.feed_processing_status == "_IN_PROGRESS_"
    assert not first.is_finished
    done = [r for r in result.records if r.feed_processing_status == FeedProcessingStatus.DONE]
    assert done
    assert done[0].completed_processing_date is not None
    assert done[0].is_finished
    doc_sample = _load("GetFeedSubmissionList__mwsdocs__1.xml")
    assert doc_sample.has_next is True
    assert doc_sample.records[0].feed_submission_id == "2291326430"


def test_counts_and_cancellations() -> None:
    count = _load("GetFeedSubmissionCount__peddler__2.xml")
    assert isinstance(count, GetFeedSubmissionCountResult)
    assert count.count == 55892
    assert _load("GetFeedSubmissionCount__peddler__6.xml").count == 0
    cancelled = _load("CancelFeedSubmissions__peddler__6.xml")
    assert isinstance(cancelled, CancelFeedSubmissionsResult)
    assert cancelled.count == 1
    (info,) = cancelled.records
    assert info.feed_submission_id == "50004018547"
    assert info.feed_processing_status == FeedProcessingStatus.CANCELLED
    assert info.submitted_date == datetime(2020, 10, 12, 11, 32, 53, tzinfo=UTC)


def test_php_mock_placeholders() -> None:
    result = _load("GetFeedSubmissionList__amzphplib__1.xml")
    info = result.records[0]
    assert info.feed_submission_id == "string"
    assert info.submitted_date is None  # "string"
    assert info.started_processing_date == datetime(2007, 10, 25, 23, 36, 28)  # naive: no offset given


def test_unknown_elements_are_ignored_and_typed_ones_kept() -> None:
    body = (FIXTURES / "Feeds" / "SubmitFeed__pymws__1.xml").read_bytes()
    body = body.replace(b"<FeedType>", b"<Shiny><New/></Shiny><FeedType>")
    result = SubmitFeedResult.model_validate(
        result_of(xml.parse(body, force_list=FEEDS_FORCE_LIST), "SubmitFeed")
    )
    assert result.feed_submission_info is not None
    assert result.feed_submission_info.feed_type == "_POST_ORDER_ACKNOWLEDGEMENT_DATA_"
