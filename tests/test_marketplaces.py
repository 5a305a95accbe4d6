"""Every MWS marketplace with id, country code, endpoint and region."""

from __future__ import annotations

import pytest

from mws_async.errors import ConfigurationError
from mws_async.marketplaces import Marketplace, Region


@pytest.mark.parametrize(
    ("code", "marketplace_id", "host", "region"),
    [
        ("US", "ATVPDKIKX0DER", "mws.amazonservices.com", Region.NA),
        ("CA", "A2EUQ1WTGCTBG2", "mws.amazonservices.ca", Region.NA),
        ("MX", "A1AM78C64UM0Y8", "mws.amazonservices.com.mx", Region.NA),
        ("BR", "A2Q3Y263D00KWC", "mws.amazonservices.com", Region.NA),
        ("DE", "A1PA6795UKMFR9", "mws-eu.amazonservices.com", Region.EU),
        ("GB", "A1F83G8C2ARO7P", "mws-eu.amazonservices.com", Region.EU),
        ("IN", "A21TJRUUN4KGV", "mws.amazonservices.in", Region.EU),
        ("AE", "A2VIGQ35RCS4UG", "mws.amazonservices.ae", Region.EU),
        ("JP", "A1VC38T7YXB528", "mws.amazonservices.jp", Region.FE),
        ("AU", "A39IBJ37TRP1C6", "mws.amazonservices.com.au", Region.FE),
        ("SG", "A19VAU5U5O7RUS", "mws-fe.amazonservices.com", Region.FE),
    ],
)
def test_marketplace_facts(code: str, marketplace_id: str, host: str, region: Region) -> None:
    m = Marketplace.from_country_code(code)
    assert (m.marketplace_id, m.host, m.region) == (marketplace_id, host, region)
    assert Marketplace.from_id(marketplace_id) is m
    assert m.endpoint == f"https://{host}"


def test_all_twenty_two_marketplaces_have_unique_ids() -> None:
    ids = [m.marketplace_id for m in Marketplace]
    assert len(ids) == 22 == len(set(ids))


def test_uk_is_an_alias_of_gb() -> None:
    assert Marketplace.UK is Marketplace.GB
    assert Marketplace.from_country_code("uk") is Marketplace.GB


def test_resolve_accepts_member_code_or_id() -> None:
    assert Marketplace.resolve("de") is Marketplace.DE
    assert Marketplace.resolve("A1VC38T7YXB528") is Marketplace.JP
    assert Marketplace.resolve(Marketplace.FR) is Marketplace.FR


def test_unknown_lookups_are_clear_errors() -> None:
    with pytest.raises(ConfigurationError, match="unknown marketplace country code 'XX'"):
        Marketplace.from_country_code("XX")
    with pytest.raises(ConfigurationError, match="unknown MarketplaceId"):
        Marketplace.from_id("NOPE")


def test_flat_file_encodings() -> None:
    assert Marketplace.JP.flat_file_encoding == "shift_jis"
    assert Marketplace.US.flat_file_encoding == "windows-1252"
    assert Marketplace.CN.flat_file_encoding == "utf-8"


class _Hostile(str):
    def strip(self, chars: str | None = None) -> str:
        raise RuntimeError("a str subclass whose methods break")

    def upper(self) -> str:
        raise RuntimeError("a str subclass whose methods break")


@pytest.mark.parametrize(
    ("value", "expected"), [(_Hostile(" us "), Marketplace.US), (_Hostile("ATVPDKIKX0DER"), Marketplace.US)]
)
def test_a_str_subclass_with_broken_methods_is_read_as_the_string_it_holds(
    value: str, expected: Marketplace
) -> None:
    assert Marketplace.resolve(value) is expected


@pytest.mark.parametrize("value", [None, 12, b"US", object()])
def test_a_marketplace_that_is_not_a_string_is_a_configuration_error(value: object) -> None:
    with pytest.raises(ConfigurationError, match="not "):
        Marketplace.resolve(value)  # type: ignore[arg-type]
