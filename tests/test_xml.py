"""The XML layer: namespaces stripped, lists forced, attributes kept, entities refused, sizes capped."""

from __future__ import annotations

import asyncio
import contextlib
import threading
import time
from pathlib import Path
from typing import Any, cast
from xml.parsers.expat import ExpatError

import pytest
import xmltodict
from hypothesis import given, settings
from hypothesis import strategies as st
from support import FIXTURES
from xml_documents import documents, force_lists

from mws_async import xml
from mws_async.errors import ConfigurationError, MWSError, UnexpectedResponseError

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


# -- namespaces: only tags and attributes change (issue 14, point 17) ------------------------------------


def test_an_xmlns_lookalike_in_element_text_is_kept() -> None:
    body = b'<R xmlns="urn:y"><Title>Use the xmlns="urn:x" attribute</Title></R>'
    assert xml.parse(body) == {"R": {"Title": 'Use the xmlns="urn:x" attribute'}}


def test_a_prefixed_tag_inside_cdata_is_kept_verbatim() -> None:
    body = b'<R xmlns:ns2="urn:y"><ns2:T><![CDATA[see <ns2:Title> tag]]></ns2:T></R>'
    assert xml.parse(body) == {"R": {"T": "see <ns2:Title> tag"}}


def test_comments_and_processing_instructions_do_not_change_the_text() -> None:
    body = b'<R xmlns:ns2="urn:y"><!-- <ns2:A xmlns="u"> --><ns2:T>a <?pi <ns2:B> ?>b</ns2:T></R>'
    assert xml.parse(body) == {"R": {"T": "a b"}}


def test_an_xmlns_lookalike_inside_an_attribute_value_is_kept() -> None:
    body = b"""<R xmlns="urn:y"><T note=' xmlns="urn:x"' other="a > b xmlns:p='q'">t</T></R>"""
    assert xml.parse(body) == {
        "R": {"T": {"@note": ' xmlns="urn:x"', "@other": "a > b xmlns:p='q'", "#text": "t"}}
    }


def test_namespaced_attributes_lose_their_prefix_and_xml_lang_keeps_its_own() -> None:
    body = (
        b'<AmazonEnvelope xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        b'xsi:noNamespaceSchemaLocation="amzn-envelope.xsd"><ns2:A xmlns:ns2="urn:y" ns2:foo="1" '
        b'xml:lang="en-US">t</ns2:A></AmazonEnvelope>'
    )
    assert xml.parse(body) == {
        "AmazonEnvelope": {
            "@noNamespaceSchemaLocation": "amzn-envelope.xsd",
            "A": {"@foo": "1", "@xml:lang": "en-US", "#text": "t"},
        }
    }


def test_a_prefixed_attribute_whose_local_name_is_taken_keeps_its_prefix() -> None:
    body = b'<R xmlns:a="urn:a" xmlns:b="urn:b"><T a:x="1" x="2" b:y="3" a:y="4"/></R>'
    assert xml.parse(body) == {"R": {"T": {"@a:x": "1", "@x": "2", "@b:y": "3", "@a:y": "4"}}}


def test_text_that_looks_like_a_prefixed_attribute_is_kept() -> None:
    body = b'<R xmlns:ns2="urn:y"><ns2:T>see ns2:foo="1" here</ns2:T></R>'
    assert xml.parse(body) == {"R": {"T": 'see ns2:foo="1" here'}}


@pytest.mark.parametrize("path", sorted(FIXTURES.glob("*/*.xml")), ids=lambda p: p.name)
def test_the_byte_level_fast_path_and_the_careful_path_strip_alike(path: Path) -> None:
    body = path.read_bytes()
    assert xml._strip_careful(body) == xml.strip_namespaces(body)


# -- both backends agree on every input (issue 14, point 18) ---------------------------------------------


def _outcome(parser: str, body: bytes, **kwargs: Any) -> object:
    """What ``xml.parse`` gives with ``parser``: the document, or the class of the typed error."""
    reference = xml.current_parser()
    xml.set_parser(parser)
    try:
        return xml.parse(body, **kwargs)
    except MWSError as exc:
        return type(exc)
    finally:
        xml.set_parser(reference)


def _outcomes(body: bytes, **kwargs: Any) -> dict[str, object]:
    return {parser: _outcome(parser, body, **kwargs) for parser in xml.available_parsers()}


def test_both_backends_are_installed_for_the_parity_tests() -> None:
    assert set(xml.available_parsers()) == {"xmltodict", "xmltodict-rs"}


LATIN1 = '<?xml version="1.0" encoding="ISO-8859-1"?><R><T a="\xe9">caf\xe9</T></R>'
SJIS = '<?xml version="1.0" encoding="Shift_JIS"?><R><T>日本語のタイトル</T></R>'
UTF16 = '<?xml version="1.0" encoding="UTF-16"?><R><T>caf\xe9 日本</T></R>'

DECODED = [
    pytest.param(LATIN1.encode("latin-1"), {"R": {"T": {"@a": "é", "#text": "café"}}}, id="iso-8859-1"),
    pytest.param(
        LATIN1.replace("ISO-8859-1", "windows-1252").replace("\xe9", "\u20ac").encode("cp1252"),
        {"R": {"T": {"@a": "€", "#text": "caf€"}}},
        id="windows-1252",
    ),
    pytest.param(SJIS.encode("shift_jis"), {"R": {"T": "日本語のタイトル"}}, id="shift-jis"),
    pytest.param(UTF16.encode("utf-16"), {"R": {"T": "café 日本"}}, id="utf-16-bom"),
    pytest.param(UTF16.encode("utf-16-be"), {"R": {"T": "café 日本"}}, id="utf-16-be-no-bom"),
    pytest.param(UTF16.encode("utf-16-le"), {"R": {"T": "café 日本"}}, id="utf-16-le-no-bom"),
    pytest.param(
        UTF16.replace("UTF-16", "UTF-32").encode("utf-32"), {"R": {"T": "café 日本"}}, id="utf-32-bom"
    ),
    pytest.param("<R><T>café</T></R>".encode("utf-16"), {"R": {"T": "café"}}, id="utf-16-bom-no-declaration"),
    pytest.param(b"\xef\xbb\xbf<R><T>caf\xc3\xa9</T></R>", {"R": {"T": "café"}}, id="utf-8-bom"),
    pytest.param(b'<?xml version="1.0" encoding="utf8"?><R>\xc3\xa9</R>', {"R": "é"}, id="utf8-alias"),
    pytest.param(b'<?xml version="1.0" encoding="US-ASCII"?><R>a</R>', {"R": "a"}, id="ascii"),
]


@pytest.mark.parametrize(("body", "expected"), DECODED)
def test_bodies_in_other_encodings_read_the_same_with_both_backends(body: bytes, expected: object) -> None:
    assert _outcomes(body) == {parser: expected for parser in xml.available_parsers()}


REFUSED = [
    pytest.param(b"<R>a\x00b</R>", id="nul-byte"),
    pytest.param(b'<?xml version="1.0" encoding="x-bogus-99"?><R>a</R>', id="unknown-encoding"),
    pytest.param(b'<?xml version="1.0" encoding="zlib"?><R>a</R>', id="not-a-text-encoding"),
    pytest.param(b'<?xml version="1.0" encoding="US-ASCII"?><R>\xc3\xa9</R>', id="not-ascii"),
    pytest.param(b'<?xml version="1.0" encoding="Shift_JIS"?><R>\x81</R>', id="truncated-shift-jis"),
    pytest.param("<R>é</R>".encode("utf-16-le") + b"\x00", id="odd-length-utf-16"),
    pytest.param(b"<R>a\x01b</R>", id="control-character"),
    pytest.param(b"<R>a&#1;b</R>", id="control-character-reference"),
    pytest.param(b"<R>\xef\xbf\xbe</R>", id="non-character-fffe"),
    pytest.param(b"<R>a]]>b</R>", id="cdata-end-in-text"),
    pytest.param(b"text<R/>", id="text-before-the-root"),
    pytest.param(b"<R/>text", id="text-after-the-root"),
    pytest.param(b"<R/><R/>", id="two-roots"),
    pytest.param(b"<R/><S/>", id="two-different-roots"),
    pytest.param(b"<R>x</R><!-- c -->junk", id="junk-after-a-comment"),
    pytest.param(b"<1R/>", id="name-starting-with-a-digit"),
    pytest.param(b' <?xml version="1.0"?><R/>', id="declaration-not-at-the-start"),
    pytest.param(b"<?xml encoding='utf-8'?><R/>", id="declaration-without-version"),
    pytest.param(b"<?xml version='1.0' standalone='maybe'?><R/>", id="bad-standalone"),
    pytest.param(b"<R><?xml version='1.0'?></R>", id="declaration-inside"),
    pytest.param(b"<R>&#xD800;</R>", id="surrogate-reference"),
    pytest.param(b"<R>\xff</R>", id="invalid-utf-8"),
]


@pytest.mark.parametrize("body", REFUSED)
def test_bodies_either_backend_refuses_are_refused_by_both(body: bytes) -> None:
    assert _outcomes(body) == {parser: UnexpectedResponseError for parser in xml.available_parsers()}


SAME_VALUE = [
    pytest.param(b"<R>a\rb\r\nc</R>", {"R": "a\nb\nc"}, id="carriage-returns"),
    pytest.param(b"<R a='x\ny\tz'/>", {"R": {"@a": "x\ny\tz"}}, id="tab-and-lf-in-an-attribute-value"),
    pytest.param(b"<R a='x\r\ny'/>", {"R": {"@a": "x\ny"}}, id="crlf-in-an-attribute-value"),
    pytest.param(
        b"<R><A/>  <![CDATA[ x ]]>  </R>", {"R": {"A": None, "#text": "x"}}, id="cdata-beside-an-element"
    ),
    pytest.param(b"<R> a <B/> c </R>", {"R": {"B": None, "#text": "ac"}}, id="mixed-content"),
    pytest.param(
        b"<R><A>1</A> x <A>2</A> y </R>", {"R": {"A": ["1", "2"], "#text": "xy"}}, id="text-between-children"
    ),
    pytest.param("<R>\u3000a\xa0</R>".encode(), {"R": "\u3000a\xa0"}, id="non-ascii-spaces-around-text"),
    pytest.param("<R>\x85\u2028 </R>".encode(), {"R": None}, id="only-non-ascii-spaces"),
    pytest.param(
        "<R> \u3000 <B/>a</R>".encode(), {"R": {"B": None, "#text": "\u3000a"}}, id="non-ascii-space-node"
    ),
    pytest.param(b"<R>&#65;&#x42;</R>", {"R": "AB"}, id="character-references"),
    pytest.param(b"<R><?pi <x> ?>t</R>", {"R": "t"}, id="processing-instruction-with-gt"),
    pytest.param(b"<R>a<!-- c -->b</R>", {"R": "ab"}, id="comment"),
    pytest.param(b"<R a='>'>a > b</R>", {"R": {"@a": ">", "#text": "a > b"}}, id="gt-in-value-and-text"),
    pytest.param(b"<R:>1</R:>", {"R:": "1"}, id="colon-at-the-end-of-a-name"),
]


@pytest.mark.parametrize(("body", "expected"), SAME_VALUE)
def test_bodies_the_backends_used_to_read_differently_read_alike(body: bytes, expected: object) -> None:
    assert _outcomes(body) == {parser: expected for parser in xml.available_parsers()}


def test_a_doctype_in_a_utf_16_body_is_refused_too() -> None:
    body = '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE r [<!ENTITY x "y">]><r>&x;</r>'.encode("utf-16")
    with pytest.raises(UnexpectedResponseError, match="DOCTYPE or ENTITY"):
        xml.parse(body)


def test_an_unknown_encoding_is_named_in_the_error() -> None:
    with pytest.raises(UnexpectedResponseError, match="x-bogus-99"):
        xml.parse(b'<?xml version="1.0" encoding="x-bogus-99"?><R>a</R>')


# -- amplification bound (issue 14, point 3) ---------------------------------------------------------------


def test_a_body_with_more_tags_than_the_limit_is_refused_before_parsing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def refuse(data: bytes, force_list: object) -> object:
        raise AssertionError("the parser must not be reached")

    for name in xml.available_parsers():
        monkeypatch.setitem(xml._PARSERS, name, refuse)
    body = b"<R>" + b"<Product/>" * 2000 + b"</R>"
    with pytest.raises(UnexpectedResponseError, match=r"2,002 tags.*limit of 1,000 tags"):
        xml.parse(body, max_tags=1000)


def test_the_default_tag_limit_refuses_a_flood_of_empty_elements() -> None:
    body = b"<R>" + b"<Product/>" * (xml.DEFAULT_MAX_TAGS + 1) + b"</R>"
    with pytest.raises(UnexpectedResponseError, match="tags"):
        xml.parse(body)


def test_the_tag_limit_can_be_changed_for_the_process() -> None:
    body = b"<R>" + b"<A/>" * 10 + b"</R>"
    previous = xml.set_max_tags(5)
    try:
        with pytest.raises(UnexpectedResponseError, match="limit of 5 tags"):
            xml.parse(body)
    finally:
        xml.set_max_tags(previous)
    assert xml.parse(body) == {"R": {"A": [None] * 10}}


def test_a_deeply_nested_error_detail_is_summarised_not_a_recursion_error() -> None:
    body = (
        b"<ErrorResponse><Error><Type>Sender</Type><Code>X</Code><Message>m</Message><Detail>"
        + b"<A>" * 3000
        + b"x"
        + b"</A>" * 3000
        + b"</Detail></Error><RequestID>r</RequestID></ErrorResponse>"
    )
    errors, request_id = xml.parse_error_response(body)
    assert request_id == "r"
    assert errors[0]["Code"] == "X"
    assert "nested" in errors[0]["Detail"]
    assert len(errors[0]["Detail"]) < 1000


def test_a_shallow_error_detail_is_kept_as_text() -> None:
    body = (
        b"<ErrorResponse><Error><Type>Sender</Type><Code>X</Code><Message>m</Message>"
        b"<Detail><Why>because</Why></Detail></Error></ErrorResponse>"
    )
    errors, _ = xml.parse_error_response(body)
    assert errors[0]["Detail"] == "{'Why': 'because'}"


# -- fuzzing: generated documents (issue 14, regression net) ---------------------------------------------


@settings(max_examples=400, deadline=None)
@given(body=documents(), force_list=force_lists())
def test_generated_documents_read_the_same_with_both_backends(
    body: bytes, force_list: frozenset[str]
) -> None:
    outcomes = _outcomes(body, force_list=force_list)  # anything but an MWSError escapes and fails the test
    assert len(set(map(repr, outcomes.values()))) == 1, outcomes


@settings(max_examples=200, deadline=None)
@given(body=documents(root="ErrorResponse"))
def test_generated_error_responses_give_errors_or_a_typed_error_alike(body: bytes) -> None:
    outcomes: dict[str, object] = {}
    reference = xml.current_parser()
    for parser in xml.available_parsers():
        xml.set_parser(parser)
        try:
            outcomes[parser] = xml.parse_error_response(body, status_code=400)
        except MWSError as exc:
            outcomes[parser] = type(exc)
        finally:
            xml.set_parser(reference)
    assert len(set(map(repr, outcomes.values()))) == 1, outcomes


@settings(max_examples=300, deadline=None)
@given(body=documents())
def test_the_fast_and_careful_namespace_paths_give_the_same_document(body: bytes) -> None:
    def read(data: bytes) -> object:
        try:
            return xmltodict.parse(data, disable_entities=True)
        except (ExpatError, ValueError, LookupError):
            return "refused"

    assert read(xml.strip_namespaces(body)) == read(xml._strip_careful(body))


# -- pacing a worker thread for an event loop (issue 14, point 3) ----------------------------------------


def _fake_clock(monkeypatch: pytest.MonkeyPatch, step: float) -> list[float]:
    now = [0.0]

    def clock() -> float:
        now[0] += step
        return now[0]

    monkeypatch.setattr(time, "perf_counter", clock)
    return now


def test_pause_sleeps_only_in_a_paced_thread(monkeypatch: pytest.MonkeyPatch) -> None:
    slept: list[tuple[str, float]] = []
    monkeypatch.setattr(
        time, "sleep", lambda seconds: slept.append((threading.current_thread().name, seconds))
    )
    _fake_clock(monkeypatch, 0.002)  # every reading 2 ms later than the last: always time to pause
    for _ in range(5):
        xml.pause()
    assert slept == []

    def worker() -> None:
        with xml.paced():
            for _ in range(5):
                xml.pause()
        xml.pause()  # unmarked again

    thread = threading.Thread(target=worker, name="paced")
    thread.start()
    thread.join()
    assert slept == [("paced", 0.0001)] * 5


def test_a_paced_thread_pauses_between_pieces_and_reads_the_same(monkeypatch: pytest.MonkeyPatch) -> None:
    body = b"<R>" + b"<Item><Name>a &amp; b</Name><Text>  spaced text  </Text></Item>" * 2000 + b"</R>"
    expected = xml.parse(body, force_list={"Item"}, parser="xmltodict")
    slept: list[float] = []
    monkeypatch.setattr(time, "sleep", slept.append)
    _fake_clock(monkeypatch, 0.002)
    results: list[object] = []

    def worker() -> None:
        with xml.paced():
            results.append(xml.parse(body, force_list={"Item"}, parser="xmltodict"))

    thread = threading.Thread(target=worker)
    thread.start()
    thread.join()
    assert results == [expected]
    assert len(slept) >= len(body) // (16 * 1024)


# -- a paced thread gives an event loop its turn (issue 16: loop lag) -------------------------------------


def _spin(seconds: float) -> None:
    """Pure-Python work for ``seconds``: what a paced thread does between its stops."""
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        pass


async def test_a_paced_thread_stops_until_its_loop_has_run_what_was_ready() -> None:
    loop = asyncio.get_running_loop()
    order: list[str] = []

    def slow_callback() -> None:  # ready before the thread's stop; takes 10 ms on the loop
        time.sleep(0.01)
        order.append("loop ran its ready callback")

    def worker() -> None:
        with xml.paced(loop):
            loop.call_soon_threadsafe(slow_callback)
            _spin(0.002)  # the thread's turn is over
            xml.pause()
            order.append("thread went on")

    await asyncio.to_thread(worker)
    assert order == ["loop ran its ready callback", "thread went on"]


class _BusyLoop:
    """A loop that is never idle: it reaches each callback handed to it 40 ms later."""

    def __init__(self) -> None:
        self.turns = 0

    def is_running(self) -> bool:
        return True

    def call_soon_threadsafe(self, callback: Any) -> None:
        self.turns += 1
        threading.Timer(0.04, callback).start()


def test_a_loop_that_is_never_idle_slows_a_paced_thread_down_without_starving_it() -> None:
    busy = _BusyLoop()
    waited = [0.0]

    def worker() -> None:
        with xml.paced(cast("asyncio.AbstractEventLoop", busy)):
            end = time.perf_counter() + 0.6
            while time.perf_counter() < end:
                _spin(0.0002)
                before = time.perf_counter()
                xml.pause()
                waited[0] += time.perf_counter() - before

    thread = threading.Thread(target=worker)
    thread.start()
    thread.join()
    assert busy.turns >= 3  # it did stop for the loop
    # A turn lasts a quarter of the last wait: the thread works about a fifth of the time. With 1 ms turns
    # between 40 ms waits it would work 2.5 % of it.
    assert (0.6 - waited[0]) / 0.6 > 0.12


@pytest.mark.parametrize("state", ["closed", "not running"])
def test_a_paced_thread_whose_loop_does_not_run_sleeps_instead(
    state: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    loop = asyncio.new_event_loop()
    if state == "closed":
        loop.close()
    slept: list[float] = []
    real_sleep = time.sleep
    monkeypatch.setattr(time, "sleep", lambda seconds: (slept.append(seconds), real_sleep(seconds)))
    try:

        def worker() -> None:
            with xml.paced(loop):
                for _ in range(3):
                    _spin(0.0015)
                    xml.pause()

        thread = threading.Thread(target=worker)
        started = time.perf_counter()
        thread.start()
        thread.join()
        assert slept == [0.0001] * 3  # no wait for a turn nobody would give
        assert time.perf_counter() - started < 0.1
    finally:
        loop.close()


async def test_paced_on_the_loops_own_thread_does_not_wait_for_itself(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    loop = asyncio.get_running_loop()
    handed: list[Any] = []
    monkeypatch.setattr(loop, "call_soon_threadsafe", lambda *args: handed.append(args))
    slept: list[float] = []
    monkeypatch.setattr(time, "sleep", slept.append)
    with xml.paced(loop):
        _spin(0.0015)
        xml.pause()
    assert handed == []
    assert slept == [0.0001]


# -- whole-body scans in slices in a paced thread (issue 16: loop lag) ------------------------------------

_NS_ITEM = (
    b'<Products xmlns="urn:p" xmlns:ns2="urn:d"><Product><ns2:ItemAttributes xml:lang="en-US">'
    b"<ns2:Title>A title &amp; more</ns2:Title><ns2:Feature>one</ns2:Feature><ns2:Feature>two</ns2:Feature>"
    b"</ns2:ItemAttributes></Product></Products>"
)


def _big_namespaced_body(items: int = 4000) -> bytes:
    return b'<?xml version="1.0"?>\n<R xmlns="urn:r">' + _NS_ITEM * items + b"</R>"


def _paced_run(function: Any) -> Any:
    """``function()`` in a worker thread marked by :func:`xml.paced`; its result or its exception."""
    outcome: list[Any] = []

    def worker() -> None:
        with xml.paced():
            try:
                outcome.append(function())
            except Exception as exc:  # handed back to the test
                outcome.append(exc)

    thread = threading.Thread(target=worker)
    thread.start()
    thread.join()
    return outcome[0]


def test_a_paced_thread_scans_a_big_body_in_slices_that_start_at_a_tag(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    body = _big_namespaced_body()
    assert xml._cut(body, b"<") == [body]  # outside a paced thread: one piece, one scan
    monkeypatch.setattr(time, "sleep", lambda seconds: None)
    pieces = _paced_run(lambda: xml._cut(body, b"<"))
    assert len(pieces) >= len(body) // xml._SLICE
    assert b"".join(pieces) == body
    assert all(piece.startswith(b"<") for piece in pieces[1:])
    assert max(map(len, pieces)) < xml._SLICE + len(_NS_ITEM)


def test_a_big_namespaced_body_reads_the_same_in_a_paced_thread(monkeypatch: pytest.MonkeyPatch) -> None:
    body = _big_namespaced_body()
    expected = xml.parse(body, force_list={"Feature"}, parser="xmltodict")
    assert "ItemAttributes" in expected["R"]["Products"][0]["Product"]  # the prefix is gone
    monkeypatch.setattr(time, "sleep", lambda seconds: None)
    assert _paced_run(lambda: xml.parse(body, force_list={"Feature"}, parser="xmltodict")) == expected
    assert xml.strip_namespaces(body) == _paced_run(lambda: xml.strip_namespaces(body))


def test_a_doctype_deep_in_a_big_body_is_refused_in_a_paced_thread_too(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    body = _big_namespaced_body().replace(b"</R>", b'<!DOCTYPE x [<!ENTITY e "e">]></R>')
    monkeypatch.setattr(time, "sleep", lambda seconds: None)
    outcome = _paced_run(lambda: xml.parse(body, parser="xmltodict"))
    assert isinstance(outcome, UnexpectedResponseError)
    assert "DOCTYPE" in str(outcome)


def test_the_tag_limit_counts_every_slice_in_a_paced_thread(monkeypatch: pytest.MonkeyPatch) -> None:
    body = _big_namespaced_body()
    tags = body.count(b"<")
    monkeypatch.setattr(time, "sleep", lambda seconds: None)
    outcome = _paced_run(lambda: xml.parse(body, max_tags=tags - 1, parser="xmltodict"))
    assert isinstance(outcome, UnexpectedResponseError)
    assert f"{tags:,} tags" in str(outcome)
    assert isinstance(_paced_run(lambda: xml.parse(body, max_tags=tags, parser="xmltodict")), dict)


def test_non_ascii_spaces_at_text_edges_are_found_in_any_slice_when_paced(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    filler = "<A>plain text é</A>".encode() * 30000
    for edge in ("<B>\u3000x</B>", "<B>x\u3000</B>"):
        body = b"<R>" + filler + edge.encode() + filler + b"</R>"
        monkeypatch.setattr(time, "sleep", lambda seconds: None)
        assert _paced_run(lambda body=body: xml._space_at_text_edge(body)) is True
    assert _paced_run(lambda: xml._space_at_text_edge(b"<R>" + filler + b"</R>")) is False
