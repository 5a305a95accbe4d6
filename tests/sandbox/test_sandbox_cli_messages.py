"""What the sandbox tells a person trying it: unknown report types, and ids it does not hold."""

from __future__ import annotations

import httpx
import pytest
from sandbox.sandbox_signer import call

from mws_async import MWSClient
from mws_async.errors import InvalidParameterError
from mws_async.sandbox import Sandbox
from mws_async.sections.reports import REPORT_TYPES
from mws_async.xml import parse, parse_error_response

P = "/Products/2011-10-01"
R = "/Reports/2009-01-01"
US = "ATVPDKIKX0DER"
REAL_ISBN = "9780306406157"  # a real book's ISBN-13 (valid check digit) that the synthetic catalog lacks


async def test_request_report_refuses_an_unknown_report_type(
    client: httpx.AsyncClient, sandbox: Sandbox
) -> None:
    response = await call(client, sandbox.credentials, R, "RequestReport", {"ReportType": "hello"})
    assert response.status_code == 400
    [error], _ = parse_error_response(response.content)
    assert error["Code"] == "InvalidParameterValue"
    assert "hello" in error["Message"] and "ReportType" in error["Message"]


async def test_manage_report_schedule_refuses_an_unknown_report_type(
    client: httpx.AsyncClient, sandbox: Sandbox
) -> None:
    params = {"ReportType": "_GET_NOTHING_", "Schedule": "_1_DAY_"}
    response = await call(client, sandbox.credentials, R, "ManageReportSchedule", params)
    assert response.status_code == 400
    assert "_GET_NOTHING_" in parse_error_response(response.content)[0][0]["Message"]


@pytest.mark.parametrize(
    "report_type",
    ["_GET_MERCHANT_LISTINGS_DATA_", "_GET_FLAT_FILE_ORDERS_DATA_", "_GET_SANDBOX_LARGE_REPORT_",
     "_GET_SANDBOX_NO_DATA_", "_GET_SANDBOX_CANCEL_"],
)  # fmt: skip
async def test_known_and_sandbox_report_types_are_accepted(
    client: httpx.AsyncClient, sandbox: Sandbox, report_type: str
) -> None:
    response = await call(client, sandbox.credentials, R, "RequestReport", {"ReportType": report_type})
    assert response.status_code == 200, response.text


async def test_the_client_sees_an_unknown_report_type_as_invalid_parameter(mws: MWSClient) -> None:
    with pytest.raises(InvalidParameterError, match="hello"):
        await mws.reports.request_report("hello")


def test_the_library_knows_the_documented_report_types() -> None:
    assert len(REPORT_TYPES) == len(set(REPORT_TYPES)) > 80
    assert {"_GET_MERCHANT_LISTINGS_DATA_", "_GET_FLAT_FILE_ORDERS_DATA_", "_GET_AFN_INVENTORY_DATA_"} <= set(
        REPORT_TYPES
    )
    assert all(t.startswith("_") and t.endswith("_") and t == t.upper() for t in REPORT_TYPES)


async def test_a_well_formed_id_missing_from_the_catalog_says_so(
    client: httpx.AsyncClient, sandbox: Sandbox
) -> None:
    assert sandbox.world.resolve("ISBN", REAL_ISBN) is None
    malformed = sandbox.world.invalid_id("ISBN", 1)  # wrong check digit
    params = {"MarketplaceId": US, "IdType": "ISBN", "IdList.Id.1": REAL_ISBN, "IdList.Id.2": malformed}
    response = await call(client, sandbox.credentials, P, "GetMatchingProductForId", params)
    assert response.status_code == 200
    document = parse(response.content, force_list={"GetMatchingProductForIdResult"})
    results = document["GetMatchingProductForIdResponse"]["GetMatchingProductForIdResult"]
    messages = {r["@Id"]: r["Error"]["Message"] for r in results}
    assert messages[REAL_ISBN].startswith(f"Invalid ISBN identifier {REAL_ISBN} for marketplace {US}")
    assert "not in the sandbox's catalog" in messages[REAL_ISBN]
    assert "mws-async sandbox ids" in messages[REAL_ISBN]
    assert messages[malformed] == f"Invalid ISBN identifier {malformed} for marketplace {US}"
