"""Reports: bad arguments are refused before any request (and any quota) is spent; waiting for a report
request the server does not know ends."""

from __future__ import annotations

import asyncio
import math
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from mws_async import ClientValidationError, InvalidParameterError, MWSClient
from mws_async.sandbox import Sandbox
from mws_async.sections.reports import UNKNOWN_AFTER_POLLS

START, END = datetime(2021, 3, 1, tzinfo=UTC), datetime(2021, 2, 1, tzinfo=UTC)


@pytest.mark.parametrize("report_type", ["", "  "])
async def test_an_empty_report_type_is_refused(mws: MWSClient, sandbox: Sandbox, report_type: str) -> None:
    with pytest.raises(ClientValidationError, match="report_type is empty"):
        await mws.reports.request_report(report_type)
    assert sandbox.request_log.count() == 0


async def test_a_report_period_that_ends_before_it_starts_is_refused(
    mws: MWSClient, sandbox: Sandbox
) -> None:
    with pytest.raises(ClientValidationError) as info:
        await mws.reports.request_report("_GET_FLAT_FILE_OPEN_LISTINGS_DATA_", start_date=START, end_date=END)
    (problem,) = info.value.problems
    assert "start_date" in problem and "end_date" in problem
    assert sandbox.request_log.count() == 0


async def test_an_empty_report_id_is_refused(mws: MWSClient, sandbox: Sandbox, tmp_path: Path) -> None:
    with pytest.raises(ClientValidationError, match="report_id is empty"):
        await mws.reports.get_report("", tmp_path / "report.txt")
    with pytest.raises(ClientValidationError, match="report_ids: invalid value"):
        await mws.reports.update_report_acknowledgements(["123", " "])
    with pytest.raises(ClientValidationError, match="report_types: invalid value"):
        await mws.reports.get_report_request_count(report_types=[""])
    assert sandbox.request_log.count() == 0


async def test_a_filter_that_is_not_a_list_is_a_typed_error(mws: MWSClient, sandbox: Sandbox) -> None:
    def failing() -> Iterator[str]:
        yield "_GET_FLAT_FILE_OPEN_LISTINGS_DATA_"
        raise OSError("the ids file went away")

    with pytest.raises(ClientValidationError, match="report_types must be a list, got int"):
        await mws.reports.get_report_count(report_types=5)  # type: ignore[arg-type]
    with pytest.raises(ClientValidationError, match="report_types: the values could not be read"):
        mws.reports.get_report_list(report_types=failing())
    with pytest.raises(ClientValidationError, match="amazon_order_ids must be a list, got str"):
        await mws.orders.get_order("123-1234567-1234567")  # type: ignore[arg-type]
    assert sandbox.request_log.count() == 0


async def test_a_generator_filter_is_read_once_and_kept_for_later_pages(
    mws: MWSClient, sandbox: Sandbox
) -> None:
    types = (t for t in ["_GET_FLAT_FILE_OPEN_LISTINGS_DATA_"])
    listing = mws.reports.get_report_list(report_types=types)
    async for _ in listing:
        pass
    (record,) = sandbox.request_log.filter("GetReportList")
    assert record.params["ReportTypeList.Type.1"] == "_GET_FLAT_FILE_OPEN_LISTINGS_DATA_"


async def test_waiting_for_an_unknown_report_request_id_ends_with_a_typed_error(
    mws: MWSClient, sandbox: Sandbox
) -> None:
    async with asyncio.timeout(20):  # bounds the test; the call must end by itself long before
        with pytest.raises(
            InvalidParameterError, match="report request id '424242424242' is unknown"
        ) as info:
            await mws.reports.wait_for_report("424242424242", initial_interval=1.0)
    assert info.value.code == "InvalidReportRequestId"
    assert sandbox.request_log.count("GetReportRequestList") == UNKNOWN_AFTER_POLLS


@pytest.mark.parametrize("value", ["5", None, 0, -1.0, math.nan, math.inf, True])
@pytest.mark.parametrize("name", ["initial_interval", "max_interval"])
async def test_a_polling_interval_that_is_not_positive_finite_seconds_is_refused(
    mws: MWSClient, sandbox: Sandbox, tmp_path: Path, name: str, value: object
) -> None:
    expected = f"{name} must be a positive, finite number of seconds"
    kwargs: dict[str, Any] = {name: value}
    async with asyncio.timeout(20):
        with pytest.raises(ClientValidationError, match=f"GetReportRequestList: {expected}"):
            await mws.reports.wait_for_report("424242424242", **kwargs)
        with pytest.raises(ClientValidationError, match=f"RequestReport: {expected}"):
            await mws.reports.request_and_download(
                "_GET_FLAT_FILE_OPEN_LISTINGS_DATA_", tmp_path / "report.txt", **kwargs
            )
    assert sandbox.request_log.count() == 0  # neither a poll nor a RequestReport went out
