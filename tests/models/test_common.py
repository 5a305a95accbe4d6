"""Shared shapes: a money amount is a Decimal of a magnitude a price can have, whatever the server sends."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from pydantic import TypeAdapter, ValidationError
from support import FIXTURES, xml_response

from mws_async.errors import UnexpectedResponseError
from mws_async.models.common import MONEY_EXPONENT_LIMIT, Money, MoneyAmount
from mws_async.models.lenient import LenientMoney
from mws_async.sections import products as products_section

ABSURD = ["1e100000000", "1e-999999999", "0E-999999999", "1e21", "-1E+21", "1e-21", "1234567890123456789012"]
"""Amounts whose decimal exponent lies outside -20..20: no price looks like that."""
OUT_OF_BOUNDS = re.escape("a money amount's decimal exponent must lie within -20..20")


@pytest.mark.parametrize("text", ABSURD)
def test_an_amount_with_an_absurd_exponent_fails_validation(text: str) -> None:
    # Decimal("1e100000000") is small, but f"{amount:.2f}" would build a 100 MB string in user code.
    with pytest.raises(ValidationError, match=OUT_OF_BOUNDS):
        Money.model_validate({"Amount": text, "CurrencyCode": "USD"})
    with pytest.raises(ValidationError, match=OUT_OF_BOUNDS):
        TypeAdapter(MoneyAmount).validate_python(Decimal(text))


def test_amounts_up_to_exponent_20_parse_unchanged_and_stay_finite() -> None:
    for text in ("1e20", "999999999999999999999.99", "1E-20", "0", "0.00", "-12.99", "32.99"):
        money = Money.model_validate({"Amount": text, "CurrencyCode": "USD"})
        assert str(money.amount) == str(Decimal(text))
    assert Money.model_validate({"CurrencyCode": "USD"}).amount is None
    with pytest.raises(ValidationError, match="decimal exponent"):
        Money.model_validate({"Amount": f"1e{MONEY_EXPONENT_LIMIT + 1}"})
    for text in ("NaN", "Infinity", "-Infinity", "sNaN"):
        with pytest.raises(ValidationError, match="finite number"):
            Money.model_validate({"Amount": text})


def test_an_absurd_amount_in_a_response_is_an_unexpected_response() -> None:
    path = FIXTURES / "Products" / "GetLowestPricedOffersForASIN__mwsdocs__1.xml"
    body = path.read_bytes().replace(b"<Amount>32.99</Amount>", b"<Amount>1e100000000</Amount>", 1)
    operation = products_section.OPERATIONS["GetLowestPricedOffersForASIN"]
    with pytest.raises(UnexpectedResponseError, match=OUT_OF_BOUNDS):
        operation.parse(xml_response(body, "GetLowestPricedOffersForASIN"))
    # The untouched document parses: only the amount was refused.
    assert operation.parse(xml_response(path.read_bytes(), "GetLowestPricedOffersForASIN")) is not None


@pytest.mark.parametrize("text", ABSURD)
def test_an_absurd_lenient_amount_is_none_like_an_unparsable_one(text: str) -> None:
    # Orders and Finances amounts are lenient: a value that is no price is None, the currency kept.
    money = LenientMoney.model_validate({"CurrencyAmount": text, "CurrencyCode": "USD"})
    assert money.amount is None
    assert money.currency_code == "USD"
    assert LenientMoney.model_validate({"Amount": "12.99"}).amount == Decimal("12.99")
