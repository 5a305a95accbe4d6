"""The operation engine: arguments become wire parameters, every problem is reported before sending."""

from __future__ import annotations

import asyncio
import threading
import time
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import field_validator
from support import FIXTURES
from xml_documents import documents

from mws_async import xml
from mws_async.errors import ClientValidationError, MWSError, UnexpectedResponseError
from mws_async.models.base import MWSModel
from mws_async.operations import OFF_LOOP_BYTES, OFF_LOOP_PARSER, Operation, Param
from mws_async.sections.orders import GET_ORDER
from mws_async.sections.products import (
    GET_LOWEST_OFFER_LISTINGS_FOR_ASIN,
    GET_MATCHING_PRODUCT_FOR_ID,
    GET_MY_FEES_ESTIMATE,
    OPERATIONS,
)
from mws_async.sections.reports import GET_REPORT_REQUEST_COUNT
from mws_async.transport import MWSResponse, Section

US = "ATVPDKIKX0DER"


def test_lists_become_numbered_members_and_cost_is_their_length() -> None:
    params, items = GET_MATCHING_PRODUCT_FOR_ID.build(
        {"id_type": "ISBN", "ids": ["9781933988665", "0439708184"]}, default_marketplace=US
    )
    assert params == {
        "MarketplaceId": US,
        "IdType": "ISBN",
        "IdList.Id.1": "9781933988665",
        "IdList.Id.2": "0439708184",
    }
    assert items == 2


def test_list_limit_names_parameter_limit_and_advice() -> None:
    with pytest.raises(ClientValidationError) as info:
        GET_MATCHING_PRODUCT_FOR_ID.build(
            {"id_type": "ISBN", "ids": [str(i) for i in range(6)]}, default_marketplace=US
        )
    assert (
        "ids has 6 values; GetMatchingProductForId accepts at most 5 (IdList.Id.1..5); split the list"
        in str(info.value)
    )


def test_every_problem_is_reported_at_once() -> None:
    with pytest.raises(ClientValidationError) as info:
        GET_LOWEST_OFFER_LISTINGS_FOR_ASIN.build(
            {"asins": ["B00EXAMPLE", "bad asin", "tooshort"], "item_condition": "Mint", "exclude_me": "yes"},
            default_marketplace=US,
        )
    problems = info.value.problems
    assert len(problems) == 3
    assert "asins: invalid value(s) 'bad asin', 'tooshort'" in problems[0]
    assert "item_condition='Mint' is not one of Any, Club, Collectible, New, Refurbished, Used" in problems[1]
    assert "exclude_me='yes' must be a bool" in problems[2]


def test_enum_and_required_and_unknown_arguments() -> None:
    with pytest.raises(ClientValidationError) as info:
        GET_MATCHING_PRODUCT_FOR_ID.build({"id_type": "ISBN13", "idz": ["1"]}, default_marketplace=US)
    text = str(info.value)
    assert "unknown argument(s) idz" in text
    assert "id_type='ISBN13' is not one of ASIN, EAN, GCID, ISBN, JAN, SellerSKU, UPC" in text
    assert "ids is required" in text


def test_booleans_and_datetimes_and_naive_datetimes() -> None:
    op = Operation(
        Section("T", "/T/1", "1"),
        "Op",
        (
            Param("flag", "Flag", "bool"),
            Param("since", "CreatedAfter", "datetime"),
            Param("n", "N", "int", max_value=9),
        ),
    )
    params, _ = op.build({"flag": False, "since": datetime(2020, 1, 2, 3, 4, 5, 6000, tzinfo=UTC), "n": 3})
    assert params == {"Flag": "false", "CreatedAfter": "2020-01-02T03:04:05.006Z", "N": "3"}
    with pytest.raises(ClientValidationError, match="naive datetime") as info:
        op.build({"since": datetime(2020, 1, 1), "n": 10})
    assert "n=10 is outside None..9" in str(info.value)


def test_nested_structures_flatten_to_dotted_names() -> None:
    request = {
        "MarketplaceId": US,
        "IdType": "ASIN",
        "IdValue": "B00EXAMPLE",
        "IsAmazonFulfilled": True,
        "Identifier": "r1",
        "PriceToEstimateFees": {"ListingPrice": {"Amount": Decimal("30.00"), "CurrencyCode": "USD"}},
    }
    params, items = GET_MY_FEES_ESTIMATE.build({"requests": [request, request]})
    prefix = "FeesEstimateRequestList.FeesEstimateRequest"
    assert params[f"{prefix}.2.PriceToEstimateFees.ListingPrice.Amount"] == "30.00"
    assert params[f"{prefix}.1.IsAmazonFulfilled"] == "true"
    assert items == 2


def test_a_string_is_not_mistaken_for_a_list() -> None:
    with pytest.raises(ClientValidationError, match="ids must be a list, got str"):
        GET_MATCHING_PRODUCT_FOR_ID.build({"id_type": "ASIN", "ids": "B00EXAMPLE"}, default_marketplace=US)


def test_every_products_operation_is_in_the_table() -> None:
    assert set(OPERATIONS) == {
        "ListMatchingProducts",
        "GetMatchingProduct",
        "GetMatchingProductForId",
        "GetCompetitivePricingForSKU",
        "GetCompetitivePricingForASIN",
        "GetLowestOfferListingsForSKU",
        "GetLowestOfferListingsForASIN",
        "GetLowestPricedOffersForSKU",
        "GetLowestPricedOffersForASIN",
        "GetMyFeesEstimate",
        "GetMyPriceForSKU",
        "GetMyPriceForASIN",
        "GetProductCategoriesForSKU",
        "GetProductCategoriesForASIN",
        "GetServiceStatus",
    }


@given(
    ids=st.lists(st.text(min_size=1, max_size=15), max_size=8),
    id_type=st.sampled_from(["ASIN", "ISBN", "UPC", "EAN", "JAN", "GCID", "SellerSKU", "isbn", "X"]),
)
def test_random_ids_either_validate_or_raise_the_documented_error(ids: list[str], id_type: str) -> None:
    valid = 1 <= len(ids) <= 5 and id_type in {"ASIN", "ISBN", "UPC", "EAN", "JAN", "GCID", "SellerSKU"}
    if not valid:
        with pytest.raises(ClientValidationError) as info:
            GET_MATCHING_PRODUCT_FOR_ID.build({"id_type": id_type, "ids": ids}, default_marketplace=US)
        assert info.value.operation == "GetMatchingProductForId"
        assert info.value.problems
        return
    params, items = GET_MATCHING_PRODUCT_FOR_ID.build(
        {"id_type": id_type, "ids": ids}, default_marketplace=US
    )
    assert items == len(ids)
    assert [params[f"IdList.Id.{i}"] for i in range(1, len(ids) + 1)] == ids


# -- response validation failures are bounded (issue 14, point 3) ----------------------------------------

SEEN: list[int] = []


class _Counted(MWSModel):
    code: int

    @field_validator("code")
    @classmethod
    def _count(cls, value: int) -> int:
        SEEN.append(value)
        return value


class _Four(MWSModel):
    a: int
    b: int
    c: int
    d: int


class _Broken(MWSModel):
    a: str | None = None

    @field_validator("a")
    @classmethod
    def _explode(cls, value: str | None) -> str | None:
        raise TypeError("a bug in a validator")


SECTION = Section("T", "/T/1", "1")


def _response(body: bytes) -> MWSResponse:
    return MWSResponse(
        status_code=200,
        body=body,
        headers=httpx.Headers({"content-type": "text/xml"}),
        operation="Op",
        attempts=1,
        elapsed=0.0,
        request_id="rid-1",
    )


def test_validation_of_a_flood_of_bad_results_stops_at_the_first_bad_one() -> None:
    op = Operation(SECTION, "Op", result=_Counted, many=True)
    body = (
        b"<OpResponse><OpResult><Code>1</Code></OpResult><OpResult><Code>x</Code></OpResult>"
        + b"<OpResult><Code>2</Code></OpResult>" * 20_000
    )
    SEEN.clear()
    with pytest.raises(UnexpectedResponseError, match="does not match the Op model") as info:
        op.parse(_response(body + b"</OpResponse>"))
    assert SEEN == [1]
    assert info.value.request_id == "rid-1"


def test_a_validation_failure_names_the_first_three_errors() -> None:
    op = Operation(SECTION, "Op", result=_Four)
    body = b"<OpResponse><OpResult><A>x</A><B>x</B><C>x</C><D>x</D></OpResult></OpResponse>"
    with pytest.raises(UnexpectedResponseError) as info:
        op.parse(_response(body))
    message = str(info.value)
    assert "4 error(s)" in message
    assert "A: Input should be a valid integer" in message
    assert "C: Input should be a valid integer" in message
    assert "D:" not in message


def test_a_validator_that_breaks_is_an_unexpected_response_not_a_type_error() -> None:
    op = Operation(SECTION, "Op", result=_Broken)
    with pytest.raises(UnexpectedResponseError, match="TypeError: a bug in a validator"):
        op.parse(_response(b"<OpResponse><OpResult><A>x</A></OpResult></OpResponse>"))


# -- fuzzing: generated responses through Operation.parse (issue 14, regression net) ---------------------

FUZZED = [
    OPERATIONS["GetMatchingProductForId"],
    OPERATIONS["ListMatchingProducts"],
    OPERATIONS["GetProductCategoriesForASIN"],
    OPERATIONS["GetMyFeesEstimate"],
    OPERATIONS["GetLowestPricedOffersForASIN"],
    OPERATIONS["GetServiceStatus"],
    GET_ORDER,
    GET_REPORT_REQUEST_COUNT,
]


@st.composite
def _responses(draw: st.DrawFn) -> tuple[Operation, bytes]:
    op = draw(st.sampled_from(FUZZED))
    result = op.result_key or f"{op.action}Result"
    return op, draw(documents(root=f"{op.action}Response", result=result))


def _parsed(op: Operation, body: bytes, parser: str) -> object:
    reference = xml.current_parser()
    xml.set_parser(parser)
    try:
        return op.parse(_response(body))
    except MWSError as exc:
        return type(exc)
    finally:
        xml.set_parser(reference)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=_responses())
def test_generated_responses_give_a_result_or_a_typed_error_alike_with_both_backends(
    case: tuple[Operation, bytes],
) -> None:
    op, body = case
    outcomes = [_parsed(op, body, parser) for parser in xml.available_parsers()]
    assert all(outcome == outcomes[0] for outcome in outcomes), outcomes


# -- big bodies off the event loop (issue 14, point 3) ---------------------------------------------------

LMP = OPERATIONS["ListMatchingProducts"]
LMP_BODY = (FIXTURES / "Products" / "ListMatchingProducts__peddler__26.xml").read_bytes()


def _big_lmp_body(size: int) -> bytes:
    start = LMP_BODY.index(b"<Product>")
    end = LMP_BODY.rindex(b"</Product>") + len(b"</Product>")
    products = LMP_BODY[start:end]
    copies = size // len(products) + 1
    return LMP_BODY[:start] + products * copies + LMP_BODY[end:]


def _spy_on_parse(monkeypatch: pytest.MonkeyPatch) -> list[tuple[int, str | None]]:
    calls: list[tuple[int, str | None]] = []
    real = xml.parse

    def spy(data: bytes, **kwargs: Any) -> dict[str, Any]:
        calls.append((threading.get_ident(), kwargs.get("parser")))
        return real(data, **kwargs)

    monkeypatch.setattr(xml, "parse", spy)
    return calls


async def test_a_small_body_is_parsed_on_the_loop_with_the_current_backend(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls = _spy_on_parse(monkeypatch)
    result = await LMP.aparse(_response(LMP_BODY))
    assert result == LMP.parse(_response(LMP_BODY))
    assert calls[0] == (threading.get_ident(), None)


async def test_a_big_body_is_parsed_in_a_thread_with_the_pure_parser_and_reads_the_same(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    body = _big_lmp_body(OFF_LOOP_BYTES + 1)
    calls = _spy_on_parse(monkeypatch)
    result = await LMP.aparse(_response(body))
    assert calls[0][0] != threading.get_ident()
    assert calls[0][1] == OFF_LOOP_PARSER
    assert result == LMP.parse(_response(body), parser="xmltodict-rs")
    assert len(result.products) > 10


async def test_the_loop_keeps_running_while_a_big_body_is_parsed(monkeypatch: pytest.MonkeyPatch) -> None:
    loop_ran = threading.Event()
    real = xml.parse

    def waits_for_the_loop(data: bytes, **kwargs: Any) -> dict[str, Any]:
        loop_ran.wait(timeout=10)  # on the loop this could only time out
        return real(data, **kwargs)

    monkeypatch.setattr(xml, "parse", waits_for_the_loop)

    async def tick() -> None:
        await asyncio.sleep(0)
        loop_ran.set()

    ticker = asyncio.create_task(tick())
    result = await LMP.aparse(_response(_big_lmp_body(OFF_LOOP_BYTES + 1)))
    await ticker
    assert len(result.products) > 10
    assert loop_ran.is_set()


async def test_the_worker_thread_pauses_for_the_loop_while_parsing_and_validating(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    body = _big_lmp_body(OFF_LOOP_BYTES * 2)
    real_sleep = time.sleep
    pauses: list[int] = []

    def spy(seconds: float) -> None:
        pauses.append(threading.get_ident())
        real_sleep(seconds)

    monkeypatch.setattr(time, "sleep", spy)
    result = await LMP.aparse(_response(body))
    assert pauses
    assert threading.get_ident() not in pauses
    assert result == LMP.parse(_response(body))
