"""The XML layer: namespaces stripped, lists forced, attributes kept, entities refused, sizes capped."""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from support import FIXTURES

from mws_async import xml
from mws_async.errors import ConfigurationError, UnexpectedResponseError

PRODUCT = (FIXTURES / "Products/GetMatchingProductForId__mwsdocs__2.xml").read_bytes()


def test_namespaces_stripped_attributes_kept() -> None:
    doc = xml.parse(PRODUCT, force_list={"GetMatchingProductForIdResult", "Product", "Author"})
    results = doc["GetMatchingProductForIdResponse"]["GetMatchingProductForIdResult"]
    assert [r["@status"] for r in results] == ["ClientError", "Success"]
    attrs = results[1]["Products"]["Product"][0]["AttributeSets"]["ItemAttributes"]
    assert attrs["@xml:lang"] == "en-US"
    assert attrs["Author"] == ["Marmanis, Haralambos", "Babenko, Dmitry"]
    assert attrs["ItemDimensions"]["Height"] == {"@Units": "inches", "#text": "9.25"}
    assert not any(k.startswith("@xmlns") for k in results[1]["Products"])


def test_force_list_makes_single_elements_lists() -> None:
    doc = xml.parse(b"<R><Item>1</Item></R>", force_list={"Item"})
    assert doc == {"R": {"Item": ["1"]}}
    assert xml.parse(b"<R><Item>1</Item></R>") == {"R": {"Item": "1"}}


def test_unknown_elements_pass_through() -> None:
    doc = xml.parse(b"<R><Known>1</Known><BrandNewThing a='1'>x</BrandNewThing></R>")
    assert doc["R"]["BrandNewThing"] == {"@a": "1", "#text": "x"}


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<lolz>&lol3;</lolz>"""


def test_billion_laughs_is_rejected_not_expanded() -> None:
    with pytest.raises(UnexpectedResponseError, match="DOCTYPE or ENTITY"):
        xml.parse(BILLION_LAUGHS)


def test_external_entity_is_rejected() -> None:
    body = b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><r>&x;</r>'
    with pytest.raises(UnexpectedResponseError):
        xml.parse(body)


def test_size_cap() -> None:
    with pytest.raises(UnexpectedResponseError, match="exceeds the 10-byte limit"):
        xml.parse(b"<R>0123456789</R>", max_bytes=10)


def test_malformed_reports_status_and_first_bytes() -> None:
    with pytest.raises(UnexpectedResponseError) as info:
        xml.parse(b"<R><A></R>", status_code=200, content_type="text/xml", operation="ListOrders")
    assert info.value.status_code == 200
    assert info.value.first_bytes == b"<R><A></R>"
    assert "ListOrders" in str(info.value)


@pytest.mark.parametrize("parser", xml.available_parsers())
def test_every_fixture_parses_identically_with_each_backend(parser: str) -> None:
    reference = xml.current_parser()
    mismatches = []
    for path in sorted(FIXTURES.glob("*/*.xml")):
        body = path.read_bytes()
        try:
            expected = xml.parse(body)
        except UnexpectedResponseError:
            expected = None
        xml.set_parser(parser)
        try:
            got = xml.parse(body)
        except UnexpectedResponseError:
            got = None
        finally:
            xml.set_parser(reference)
        if got != expected:
            mismatches.append(path.name)
    assert mismatches == []


def test_parser_from_the_environment_is_read_on_first_use(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(xml, "_current", [None])
    monkeypatch.setenv("MWS_ASYNC_XML_PARSER", "XMLtoDict")
    assert xml.current_parser() == "xmltodict"
    assert xml.parse(b"<R><A>1</A></R>") == {"R": {"A": "1"}}


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("lxml", "MWS_ASYNC_XML_PARSER='lxml' is not an XML parser; use one of"),
        ("xmltodict-rs", "the xmltodict-rs package cannot be imported"),
    ],
)
def test_a_bad_parser_setting_is_a_configuration_error_on_first_use(
    monkeypatch: pytest.MonkeyPatch, value: str, message: str
) -> None:
    monkeypatch.setattr(xml, "_current", [None])
    if value == "xmltodict-rs":  # as on a platform without its wheel
        monkeypatch.delitem(xml._PARSERS, "xmltodict-rs", raising=False)
    monkeypatch.setenv("MWS_ASYNC_XML_PARSER", value)
    with pytest.raises(ConfigurationError, match=message):
        xml.parse(b"<R/>")
    with pytest.raises(ConfigurationError, match=message):
        xml.current_parser()


def test_without_the_rust_parser_the_pure_one_is_the_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(xml, "_current", [None])
    monkeypatch.delenv("MWS_ASYNC_XML_PARSER", raising=False)
    monkeypatch.delitem(xml._PARSERS, "xmltodict-rs", raising=False)
    assert xml.current_parser() == "xmltodict"


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=300))
def test_arbitrary_bytes_never_raise_anything_but_typed_errors(data: bytes) -> None:
    with contextlib.suppress(UnexpectedResponseError):
        xml.parse(data)


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=200))
def test_arbitrary_text_in_an_element_round_trips_or_is_refused(text: str) -> None:
    from xml.sax.saxutils import escape

    try:
        doc = xml.parse(f"<R><T>{escape(text)}</T></R>".encode())
    except UnexpectedResponseError:
        return
    value = doc["R"]["T"]
    assert value is None or isinstance(value, str)
