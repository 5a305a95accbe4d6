"""Signature Version 2 as the MWS developer guide specifies it."""

from __future__ import annotations

import base64
import hashlib
import hmac
import string
from urllib.parse import quote, unquote

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mws_async.errors import ConfigurationError
from mws_async.signing import (
    canonical_query,
    format_timestamp,
    percent_encode,
    sign,
    signature,
    string_to_sign,
)

# The reference's self-computed vector (reference 1.3): MWSAuthToken, a wildcard, a tilde, a space and é.
MWS_VECTOR = {
    "AWSAccessKeyId": "AKIDEXAMPLE",
    "Action": "ListMatchingProducts",
    "MWSAuthToken": "amzn.mws.00000000-0000-0000-0000-000000000000",
    "MarketplaceId": "ATVPDKIKX0DER",
    "Query": "harry potter*~ é",
    "SellerId": "A1SELLEREXAMPLE",
    "SignatureMethod": "HmacSHA256",
    "SignatureVersion": "2",
    "Timestamp": "2020-01-01T00:00:00Z",
    "Version": "2011-10-01",
}
MWS_CANONICAL = (
    "AWSAccessKeyId=AKIDEXAMPLE&Action=ListMatchingProducts&MWSAuthToken=amzn.mws.00000000-0000-0000-0000-"
    "000000000000&MarketplaceId=ATVPDKIKX0DER&Query=harry%20potter%2A~%20%C3%A9&SellerId=A1SELLEREXAMPLE&"
    "SignatureMethod=HmacSHA256&SignatureVersion=2&Timestamp=2020-01-01T00%3A00%3A00Z&Version=2011-10-01"
)


def test_canonical_query_matches_the_reference_vector() -> None:
    assert canonical_query(MWS_VECTOR) == MWS_CANONICAL


def test_string_to_sign_has_four_lines_verb_lower_host_path_query() -> None:
    text = string_to_sign("post", "MWS.AmazonServices.com", "/Products/2011-10-01", MWS_VECTOR)
    assert text.split("\n") == ["POST", "mws.amazonservices.com", "/Products/2011-10-01", MWS_CANONICAL]
    assert not text.endswith("\n")


def test_signature_matches_the_reference_vector() -> None:
    sig = sign(
        MWS_VECTOR,
        secret_key="secret-key-example",
        host="mws.amazonservices.com",
        path="/Products/2011-10-01",
    )
    assert sig == "90Sh72JJQvFwyKZynXKBNndhwSbeOhRgvEMhoI2tBe4="


def test_published_aws_signature_version_2_example() -> None:
    # AWS General Reference, "Signature Version 2 signing process" (Elastic MapReduce DescribeJobFlows).
    params = {
        "AWSAccessKeyId": "AKIAIOSFODNN7EXAMPLE",
        "Action": "DescribeJobFlows",
        "SignatureMethod": "HmacSHA256",
        "SignatureVersion": "2",
        "Timestamp": "2011-10-03T15:19:30",
        "Version": "2009-03-31",
    }
    sig = sign(
        params,
        secret_key="wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        host="elasticmapreduce.amazonaws.com",
        path="/",
        method="GET",
    )
    assert sig == "i91nKc4PWAt0JJIdXwz9HxZCJDdiy6cf/Mj6vPxyYIs="


def test_hmac_sha1_is_supported_and_differs() -> None:
    params = {**MWS_VECTOR, "SignatureMethod": "HmacSHA1"}
    text = string_to_sign("POST", "mws.amazonservices.com", "/Products/2011-10-01", params)
    expected = base64.b64encode(hmac.new(b"k", text.encode(), hashlib.sha1).digest()).decode()
    assert (
        sign(params, secret_key="k", host="mws.amazonservices.com", path="/Products/2011-10-01") == expected
    )
    assert len(base64.b64decode(expected)) == 20


def test_unknown_signature_method_is_refused() -> None:
    with pytest.raises(ValueError, match="HmacMD5"):
        signature("k", "text", "HmacMD5")  # type: ignore[arg-type]


@pytest.mark.parametrize("method", ["HmacMD5", None, ["HmacSHA256"], b"HmacSHA256"])
def test_an_unsupported_signature_method_is_a_configuration_error_naming_the_supported_ones(
    method: object,
) -> None:
    with pytest.raises(ConfigurationError, match="SignatureMethod must be one of HmacSHA256, HmacSHA1"):
        signature("k", "text", method)  # type: ignore[arg-type]
    with pytest.raises(ConfigurationError, match="SignatureMethod must be one of HmacSHA256, HmacSHA1"):
        sign({"SignatureMethod": method}, secret_key="k", host="mws.amazonservices.com", path="/")  # type: ignore[dict-item]


def test_signature_parameter_is_never_signed() -> None:
    assert canonical_query({**MWS_VECTOR, "Signature": "abc"}) == MWS_CANONICAL


def test_names_sort_by_byte_order_uppercase_first() -> None:
    query = canonical_query({"Action": "x", "AWSAccessKeyId": "k", "MarketplaceId": "m", "MWSAuthToken": "t"})
    assert [pair.split("=")[0] for pair in query.split("&")] == [
        "AWSAccessKeyId",
        "Action",
        "MWSAuthToken",
        "MarketplaceId",
    ]


@pytest.mark.parametrize(
    ("raw", "encoded"),
    [
        (" ", "%20"),
        ("*", "%2A"),
        ("~", "~"),
        ("+", "%2B"),
        ("/", "%2F"),
        ("=", "%3D"),
        ("é", "%C3%A9"),
        ("日本", "%E6%97%A5%E6%9C%AC"),
        ("😀", "%F0%9F%98%80"),
        (string.ascii_letters + string.digits + "-_.~", string.ascii_letters + string.digits + "-_.~"),
    ],
)
def test_percent_encoding_follows_rfc_3986(raw: str, encoded: str) -> None:
    assert percent_encode(raw) == encoded


UNRESERVED = set(string.ascii_letters + string.digits + "-_.~")


@given(st.dictionaries(st.text(min_size=1), st.text(), max_size=8))
def test_canonical_query_round_trips_arbitrary_unicode(params: dict[str, str]) -> None:
    params.pop("Signature", None)
    query = canonical_query(params)
    pairs = [pair.split("=", 1) for pair in query.split("&")] if query else []
    decoded = {unquote(k): unquote(v) for k, v in pairs}
    assert decoded == params
    names = [unquote(k) for k, _ in pairs]
    assert names == sorted(names, key=lambda n: n.encode())
    for k, v in pairs:
        for token in (k, v):
            # Only unreserved characters and %XY escapes with uppercase hex survive encoding.
            i = 0
            while i < len(token):
                if token[i] == "%":
                    hexpair = token[i + 1 : i + 3]
                    assert hexpair == hexpair.upper()
                    assert len(hexpair) == 2
                    i += 3
                else:
                    assert token[i] in UNRESERVED
                    i += 1


@given(st.text())
def test_percent_encode_is_bytewise_utf8(value: str) -> None:
    encoded = percent_encode(value)
    assert unquote(encoded) == value
    assert "+" not in encoded
    assert " " not in encoded


def test_timestamps_are_iso_8601_utc_with_milliseconds() -> None:
    from datetime import datetime, timedelta, timezone

    moment = datetime(2013, 9, 5, 20, 12, 21, 687000, tzinfo=timezone(timedelta(hours=2)))
    assert format_timestamp(moment) == "2013-09-05T18:12:21.687Z"
    assert format_timestamp().endswith("Z")


@given(st.text())
def test_percent_encode_gives_exactly_what_urllib_quote_gives(value: str) -> None:
    # The fast paths (letters and digits as they are, ASCII by table) must not change a single byte.
    assert percent_encode(value) == quote(value, safe="-_.~")


@given(st.lists(st.text(min_size=1).filter(lambda n: n != "Signature"), min_size=2, max_size=6, unique=True))
def test_names_sort_by_their_utf8_bytes_whatever_the_script(names: list[str]) -> None:
    # (A parameter named "Signature" is left out of the canonical query by design, as tested above.)
    query = canonical_query({name: "v" for name in names})
    decoded = [unquote(pair.split("=", 1)[0]) for pair in query.split("&")]
    assert decoded == sorted(names, key=lambda n: n.encode())


def test_a_memoized_name_is_encoded_the_same_every_time() -> None:
    first = canonical_query({"Query/Name": "a b", "Id.1": "x"})
    assert canonical_query({"Query/Name": "a b", "Id.1": "x"}) == first == "Id.1=x&Query%2FName=a%20b"
