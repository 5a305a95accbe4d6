"""The operation engine, answers side: parse and validate bounded in work, big bodies off the event loop,
and generated responses read alike by both XML backends."""

from __future__ import annotations

import asyncio
import threading
from functools import partial
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import field_validator
from support import FIXTURES, xml_response
from xml_documents import documents

from mws_async import xml
from mws_async.errors import MWSError, UnexpectedResponseError
from mws_async.models.base import MWSModel
from mws_async.operations import OFF_LOOP_BYTES, OFF_LOOP_PARSER, Operation
from mws_async.sections.orders import GET_ORDER
from mws_async.sections.products import (
    OPERATIONS,
)
from mws_async.sections.reports import GET_REPORT_REQUEST_COUNT
from mws_async.transport import Section

US = "ATVPDKIKX0DER"


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


_response = partial(xml_response, operation="Op", request_id="rid-1")
"""A 200 answer of the test operation."""


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


async def test_the_worker_thread_stops_for_the_loop_while_parsing_and_validating(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    body = _big_lmp_body(OFF_LOOP_BYTES * 2)
    running = asyncio.get_running_loop()
    real_wait = xml._wait_for_turn
    stops: list[tuple[int, bool]] = []

    def spy(loop: asyncio.AbstractEventLoop) -> bool:
        stops.append((threading.get_ident(), loop is running))
        return real_wait(loop)

    monkeypatch.setattr(xml, "_wait_for_turn", spy)
    result = await LMP.aparse(_response(body))
    assert stops
    assert all(thread != threading.get_ident() and this_loop for thread, this_loop in stops)
    assert result == LMP.parse(_response(body))


# -- lenient_lists: answers parsed without force_list where the models read either shape (issue 16) -------

LENIENT = sorted((op for op in OPERATIONS.values() if op.lenient_lists), key=lambda op: op.action)


def test_products_answers_are_parsed_without_force_list(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[object] = []
    real = xml.parse

    def spy(data: bytes, **kwargs: Any) -> Any:
        seen.append(kwargs.get("force_list"))
        return real(data, **kwargs)

    monkeypatch.setattr(xml, "parse", spy)
    body = (FIXTURES / "Products" / "GetMatchingProductForId__mwsdocs__1.xml").read_bytes()
    OPERATIONS["GetMatchingProductForId"].parse(_response(body))
    assert seen == [frozenset()]


@pytest.mark.parametrize("op", LENIENT, ids=lambda op: op.action)
@pytest.mark.parametrize("parser", ["xmltodict-rs", "xmltodict"])
def test_every_fixture_of_a_lenient_operation_gives_the_same_models_with_and_without_force_list(
    op: Operation, parser: str
) -> None:
    fixtures = sorted((FIXTURES / "Products").glob(f"{op.action}__*.xml"))
    for path in fixtures:
        body = path.read_bytes()
        response = _response(body)
        try:
            forced: object = op.validate(xml.parse(body, force_list=op.force_list, parser=parser), response)
        except MWSError as exc:
            forced = type(exc)
        try:
            lenient: object = op.parse(response, parser=parser)
        except MWSError as exc:
            lenient = type(exc)
        assert lenient == forced, path.name
