"""ErrorResponse bodies become typed errors; broken bodies become UnexpectedResponseError."""

from __future__ import annotations

import pickle

import pytest
from support import FIXTURES, fixture_files

from mws_async import errors as e
from mws_async.xml import parse_error_response


def _error_for(body: bytes, status: int) -> e.MWSResponseError:
    infos, request_id = parse_error_response(body, status_code=status)
    first = infos[0]
    cls = e.error_class_for(first["Code"], first["Message"], status)
    return cls(first["Code"], first["Message"], type=first["Type"], status_code=status, request_id=request_id)


def _body(code: str, message: str, error_type: str = "Sender", rid_tag: str = "RequestID") -> bytes:
    return (
        f'<?xml version="1.0"?><ErrorResponse xmlns="http://mws.amazonaws.com/doc/2009-01-01/"><Error>'
        f"<Type>{error_type}</Type><Code>{code}</Code><Message>{message}</Message><Detail/></Error>"
        f"<{rid_tag}>b3f7c1d2-0000-4000-8000-000000000001</{rid_tag}></ErrorResponse>"
    ).encode()


def test_recorded_request_throttled() -> None:
    err = _error_for((FIXTURES / "Errors/ListOrders__cpburnzpymws__1.xml").read_bytes(), 503)
    assert isinstance(err, e.RequestThrottledError)
    assert isinstance(err, e.ThrottledError)
    assert (err.code, err.message, err.type) == ("RequestThrottled", "Request is throttled", "Sender")
    assert err.request_id == "da90a758-492a-48bf-aae2-0f08e127e34b"
    assert "RequestThrottled (HTTP 503)" in str(err)


@pytest.mark.parametrize(
    ("code", "status", "cls"),
    [
        ("QuotaExceeded", 503, e.QuotaExceededError),
        ("ServiceUnavailable", 503, e.ServiceUnavailableError),
        ("InternalError", 500, e.InternalServerError),
        ("SignatureDoesNotMatch", 403, e.SignatureDoesNotMatchError),
        ("InvalidAccessKeyId", 403, e.InvalidAccessKeyIdError),
        ("AccessDenied", 401, e.AccessDeniedError),
        ("InvalidParameterValue", 400, e.InvalidParameterError),
        ("MissingParameter", 400, e.InvalidParameterError),
        ("RequestExpired", 400, e.RequestExpiredError),
        ("NextTokenCorrupted", 400, e.NextTokenCorruptedError),
        ("InvalidAddress", 404, e.InvalidAddressError),
        # Only the documented "not processed" codes may be resent after; anything else on a 5xx may have
        # been processed.
        ("SomethingNew", 503, e.InternalServerError),
        ("InternalFailure", 503, e.InternalServerError),
        ("SomethingNew", 429, e.RequestThrottledError),
        ("SomethingNew", 400, e.MWSResponseError),
    ],
)
def test_each_code_maps_to_its_class(code: str, status: int, cls: type[e.MWSResponseError]) -> None:
    err = _error_for(_body(code, "words"), status)
    assert type(err) is cls
    assert err.status_code == status
    assert err.request_id == "b3f7c1d2-0000-4000-8000-000000000001"


def test_clock_skew_folded_into_invalid_parameter_value_is_request_expired() -> None:
    msg = "Timestamp 2020-01-01T00:00:00Z must be within 15 minutes of the server time"
    assert type(_error_for(_body("InvalidParameterValue", msg), 400)) is e.RequestExpiredError
    assert type(_error_for(_body("InvalidParameterValue", "Invalid ASIN"), 400)) is e.InvalidParameterError


def test_request_id_spelled_either_way() -> None:
    err = _error_for(_body("AccessDenied", "no", rid_tag="RequestId"), 401)
    assert err.request_id == "b3f7c1d2-0000-4000-8000-000000000001"


@pytest.mark.parametrize("path", fixture_files("Errors"), ids=lambda p: p.name)
def test_every_recorded_error_fixture_parses(path: object) -> None:
    from pathlib import Path

    assert isinstance(path, Path)
    body = path.read_bytes()
    if b"<ErrorResponse" not in body:
        pytest.skip("a per-item error inside a 200 result, covered by the section tests")
    infos, _ = parse_error_response(body, status_code=400)
    assert infos
    assert all(info["Code"] for info in infos)


def test_malformed_doc_error_is_a_typed_error_not_a_parser_traceback() -> None:
    # The guide's example prints a raw "<EOF>" inside Message: not well-formed XML as published.
    body = (FIXTURES / "malformed/Errors/ErrorResponse__mwsdocs__1.xml").read_bytes()
    with pytest.raises(e.UnexpectedResponseError, match="not well-formed XML") as info:
        parse_error_response(body, status_code=400, content_type="text/xml")
    assert info.value.first_bytes.startswith(b"<ErrorResponse")


def test_whitespace_in_message_and_request_id_is_normalised() -> None:
    body = _body("InvalidParameterValue", "\n   spread over\n   lines  ").replace(
        b"b3f7c1d2-0000-4000-8000-000000000001", b"\n  rid-1 \n"
    )
    infos, request_id = parse_error_response(body, status_code=400)
    assert infos[0]["Message"] == "spread over lines"
    assert request_id == "rid-1"


def test_html_proxy_page_is_unexpected_response_with_what_arrived() -> None:
    body = (FIXTURES / "malformed/Errors/CreateInboundShipmentPlan__peddler__1.xml").read_bytes()
    with pytest.raises(e.UnexpectedResponseError) as info:
        parse_error_response(body, status_code=414, content_type="text/html")
    err = info.value
    assert err.status_code == 414
    assert err.content_type == "text/html"
    assert err.first_bytes.startswith(b"<!DOCTYPE HTML")
    assert "414" in str(err)
    assert "text/html" in str(err)
    assert "<!DOCTYPE HTML" in str(err)


@pytest.mark.parametrize("body", [b"", b"   ", b"<ErrorResponse><Error><Code>Req", b"\x00\xff garbage"])
def test_empty_and_truncated_bodies_are_unexpected_responses(body: bytes) -> None:
    with pytest.raises(e.UnexpectedResponseError):
        parse_error_response(body, status_code=503)


def test_errors_pickle_with_their_fields() -> None:
    err = e.QuotaExceededError(
        "QuotaExceeded", "used up", status_code=503, request_id="r", operation="SubmitFeed"
    )
    again = pickle.loads(pickle.dumps(err))
    assert type(again) is e.QuotaExceededError
    assert (again.code, again.request_id, again.operation, str(again)) == (
        "QuotaExceeded",
        "r",
        "SubmitFeed",
        str(err),
    )
    unexpected = pickle.loads(
        pickle.dumps(e.UnexpectedResponseError("bad", status_code=502, first_bytes=b"<h"))
    )
    assert unexpected.status_code == 502
    assert unexpected.first_bytes == b"<h"
