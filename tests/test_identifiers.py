"""Identifier rules: check digits, shapes, normalisation, and what happens to things that are not ids."""

from __future__ import annotations

import enum
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mws_async import identifiers
from mws_async.errors import ClientValidationError
from mws_async.identifiers import (
    EXAMPLE_IDS,
    ID_SHAPES,
    canonical_id_type,
    check,
    describe,
    invalid_reason,
    normalize,
    resolve_id_type,
)


class Unprintable:
    """An object whose ``str`` and ``repr`` both raise."""

    def __str__(self) -> str:
        raise RuntimeError("no str")

    def __repr__(self) -> str:
        raise RuntimeError("no repr")


class StripRaises(str):
    """A str subclass whose own ``strip`` raises."""

    __slots__ = ()

    def strip(self, chars: str | None = None) -> str:
        raise RuntimeError("no strip")


class Kind(enum.Enum):
    ISBN = "isbn"


def test_every_example_id_is_valid_for_its_type() -> None:
    assert set(EXAMPLE_IDS) == set(ID_SHAPES)
    for id_type, example in EXAMPLE_IDS.items():
        assert invalid_reason(normalize(example, id_type), id_type) is None, id_type


@pytest.mark.parametrize(
    ("value", "id_type", "fragment"),
    [
        ("9780306406158", "ISBN", "wrong check digit"),
        ("97803064061570000000", "ISBN", "is not an ISBN-10 or ISBN-13"),
        ("03600029145X", "UPC", "is not a 12-digit UPC"),
        ("036000291453", "UPC", "wrong check digit"),
        ("4006381333932", "EAN", "wrong check digit"),
        ("4006381333931", "JAN", "does not start with 45 or 49"),
        ("B00EXAMPLE!", "ASIN", "is not an ASIN"),
        ("xyz", "GCID", "is not a GCID"),
        ("s" * 41, "SellerSKU", "longer than 40 characters"),
        ("", "SellerSKU", "empty identifier"),
    ],
)
def test_malformed_ids_have_a_reason(value: str, id_type: str, fragment: str) -> None:
    reason = invalid_reason(normalize(value, id_type), id_type)
    assert reason is not None and fragment in reason


def test_a_lowercase_asin_is_normalised_to_upper_case() -> None:
    result = check(" b00example ", "ASIN")
    assert result.reason is None
    assert result.given == "b00example" and result.value == "B00EXAMPLE"


def test_the_message_quotes_the_id_as_the_user_typed_it() -> None:
    result = check("978-0-306-40615-8", "ISBN")
    assert result.value == "9780306406158"
    assert result.reason == "ISBN-13 '978-0-306-40615-8' has a wrong check digit"


@pytest.mark.parametrize(
    ("given_type", "canonical"),
    [("isbn", "ISBN"), ("sellersku", "SellerSKU"), (" Asin ", "ASIN"), ("gcid", "GCID"), (Kind.ISBN, "ISBN")],
)
def test_id_types_are_accepted_case_insensitively(given_type: object, canonical: str) -> None:
    assert canonical_id_type(given_type) == canonical
    assert resolve_id_type(given_type, "GetMatchingProductForId") == canonical


@pytest.mark.parametrize("bad_type", ["ISBN13", "", None, 3, b"ISBN"])
def test_an_unknown_id_type_is_a_validation_error_naming_the_valid_ones(bad_type: object) -> None:
    with pytest.raises(ClientValidationError) as info:
        resolve_id_type(bad_type, "GetMatchingProductForId")
    assert info.value.operation == "GetMatchingProductForId"
    assert "ASIN, EAN, GCID, ISBN, JAN, SellerSKU, UPC" in str(info.value)


def test_an_id_type_outside_the_allowed_ones_is_refused() -> None:
    with pytest.raises(ClientValidationError, match="ASIN, SellerSKU"):
        resolve_id_type("isbn", "GetCompetitivePricingForASIN", allowed=("ASIN", "SellerSKU"))
    assert resolve_id_type("asin", "X", allowed=("ASIN", "SellerSKU")) == "ASIN"


@pytest.mark.parametrize(
    ("value", "shown", "reason"),
    [
        (None, "None", "None is not a string id"),
        (123, "123", "123 (int) is not a string id — pass ids as strings"),
        (b"B00EXAMPLE", "b'B00EXAMPLE'", "b'B00EXAMPLE' (bytes) is not a string id — pass ids as strings"),
        (
            Decimal("1.5"),
            "Decimal('1.5')",
            "Decimal('1.5') (Decimal) is not a string id — pass ids as strings",
        ),
    ],
)
def test_non_string_ids_are_invalid_with_a_reason(value: object, shown: str, reason: str) -> None:
    result = check(value, "ISBN")
    assert (result.given, result.value, result.reason) == (shown, None, reason)


def test_an_object_whose_str_and_repr_raise_is_still_described() -> None:
    result = check(Unprintable(), "ASIN")
    assert result.value is None
    assert result.given == "<Unprintable object>"
    assert result.reason == "<Unprintable object> (Unprintable) is not a string id — pass ids as strings"


def test_a_str_subclass_whose_strip_raises_is_still_checked() -> None:
    result = check(StripRaises(" b00example "), "ASIN")
    assert result.reason is None and result.value == "B00EXAMPLE"


def test_a_sku_that_cannot_be_encoded_is_invalid() -> None:
    result = check("sku-\ud800", "SellerSKU")
    assert result.reason is not None and "cannot be sent" in result.reason


def test_describe_truncates_long_values() -> None:
    text = describe("x" * 10_000)
    assert len(text) <= 80 and text.endswith("...")
    assert describe(10**5000).startswith("<int")


values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(),
    st.decimals(),
    st.binary(max_size=20),
    st.text(max_size=50),
    st.builds(Unprintable),
    st.just(StripRaises("x")),
    st.builds(pow, st.just(10), st.just(5000)),
    st.lists(st.integers(), max_size=3),
)


@given(value=values, id_type=st.one_of(st.sampled_from(sorted(ID_SHAPES)), st.text(max_size=8), values))
def test_check_never_raises_and_always_gives_a_reason_or_a_value(value: Any, id_type: Any) -> None:
    result = check(value, id_type)
    assert isinstance(result.given, str)
    if result.reason is None:
        assert result.value is not None and canonical_id_type(id_type) is not None
    if not isinstance(value, str):
        assert result.value is None and result.reason


def _near_valid_ids() -> st.SearchStrategy[str]:
    """Strings close to real ids: valid examples with one character changed, digits with separators."""
    examples = sorted(EXAMPLE_IDS.values())
    mutated = st.builds(
        lambda base, at, char: base[: at % (len(base) + 1)] + char + base[at % (len(base) + 1) + 1 :],
        st.sampled_from(examples),
        st.integers(0, 20),
        st.sampled_from(list("0123456789Xx- \u0663\u00a0bZ")),
    )
    digits = st.text(alphabet="0123456789-X x\u0663", min_size=8, max_size=16)
    return st.one_of(st.sampled_from(examples), mutated, digits, st.text(max_size=16))


@given(value=_near_valid_ids(), id_type=st.sampled_from([*ID_SHAPES, "isbn", "Asin"]))
def test_the_shortcut_for_plain_ids_agrees_with_the_full_check(value: str, id_type: str) -> None:
    # check() answers the usual call (a plain str, a canonical type) without writing reasons; it must give
    # exactly what the full path gives, valid or not.
    assert check(value, id_type) == identifiers._check(value, id_type)
