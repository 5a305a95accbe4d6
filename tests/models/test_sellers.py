"""Sellers response models against every recorded Sellers fixture, and concrete values from several."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from support import FIXTURES, fixture_files

from mws_async import xml
from mws_async.models.common import ServiceStatus
from mws_async.models.lenient import result_of
from mws_async.models.sellers import (
    SELLERS_FORCE_LIST,
    SELLERS_RESULT_MODELS,
    GetAuthTokenResult,
    ListMarketplaceParticipationsResult,
)


def _action(path: Path) -> str:
    return path.name.split("__")[0]


def _doc(name: str) -> dict[str, Any]:
    return xml.parse((FIXTURES / "Sellers" / name).read_bytes(), force_list=SELLERS_FORCE_LIST)


def _load(name: str) -> Any:
    action = name.split("__")[0]
    model, _ = SELLERS_RESULT_MODELS[action]
    return model.model_validate(result_of(_doc(name), action))


@pytest.mark.parametrize("path", fixture_files("Sellers"), ids=lambda p: p.name)
def test_every_sellers_fixture_parses(path: Path) -> None:
    action = _action(path)
    doc = xml.parse(path.read_bytes(), force_list=SELLERS_FORCE_LIST)
    assert f"{action}Result" in doc[f"{action}Response"]
    model, _ = SELLERS_RESULT_MODELS[action]
    assert isinstance(model.model_validate(result_of(doc, action)), model)


def test_live_participations_with_next_token_outside_the_result() -> None:
    name = "ListMarketplaceParticipations__pastedlive__1.xml"
    doc = _doc(name)
    # The token sits beside the result element; validating the bare result element would lose it.
    bare = ListMarketplaceParticipationsResult.model_validate(
        doc["ListMarketplaceParticipationsResponse"]["ListMarketplaceParticipationsResult"]
    )
    assert bare.next_token is None
    result = _load(name)
    assert isinstance(result, ListMarketplaceParticipationsResult)
    assert result.next_token is not None
    assert result.next_token.startswith("uJ7azT3papiaJqJY")
    assert result.next_token.endswith("8cZ")
    assert result.has_more
    assert len(result.records) == 7
    assert len(result.marketplaces) == 7
    assert [p.marketplace_id for p in result.participations][:3] == [
        "A1AM78C64UM0Y8",
        "A1MQXOICRS2Z7M",
        "A2EUQ1WTGCTBG2",
    ]
    assert {p.seller_id for p in result.participations} == {"A1TVK9W4UM80AB"}
    assert all(p.has_seller_suspended_listings is False for p in result.participations)
    us = result.marketplace("ATVPDKIKX0DER")
    assert us is not None
    assert (us.name, us.default_country_code, us.default_currency_code) == ("Amazon.com", "US", "USD")
    assert (us.default_language_code, us.domain_name) == ("en_US", "www.amazon.com")
    mx = result.marketplace("A1AM78C64UM0Y8")
    assert mx is not None
    assert mx.default_currency_code == "MXN"
    assert result.marketplace("NOPE") is None


def test_php_mock_participations() -> None:
    result = _load("ListMarketplaceParticipationsByNextToken__amzphplib__1.xml")
    assert result.next_token == "String"
    (participation,) = result.participations
    assert participation.marketplace_id == "String"
    assert participation.has_seller_suspended_listings is None  # "String" is neither Yes nor No
    assert result.marketplaces[0].domain_name == "String"


def test_suspended_listings_yes_no() -> None:
    data = {
        "ListParticipations": {
            "Participation": [{"MarketplaceId": "M1", "HasSellerSuspendedListings": "Yes"}]
        }
    }
    result = ListMarketplaceParticipationsResult.model_validate(data)
    assert result.participations[0].has_seller_suspended_listings is True


def test_auth_token_and_status() -> None:
    token = _load("GetAuthToken__peddler__1.xml")
    assert isinstance(token, GetAuthTokenResult)
    assert (token.seller_id, token.mws_auth_token) == ("MERCHANT_ID", "MWS_AUTH_TOKEN")
    status = _load("GetServiceStatus__mwsdocs__1.xml")
    assert isinstance(status, ServiceStatus)
    assert status.status == "GREEN"


def test_unknown_elements_are_ignored_and_typed_ones_kept() -> None:
    body = (FIXTURES / "Sellers" / "ListMarketplaceParticipations__pastedlive__1.xml").read_bytes()
    body = body.replace(b"<SellerId>", b"<IsNewThing>true</IsNewThing><SellerId>", 1)
    body = body.replace(
        b"<ListMarketplaces>", b"<ListPrograms><Program>X</Program></ListPrograms><ListMarketplaces>"
    )
    doc = xml.parse(body, force_list=SELLERS_FORCE_LIST)
    result = ListMarketplaceParticipationsResult.model_validate(
        result_of(doc, "ListMarketplaceParticipations")
    )
    assert result.participations[0].seller_id == "A1TVK9W4UM80AB"
    assert len(result.marketplaces) == 7
