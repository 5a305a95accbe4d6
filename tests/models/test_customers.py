"""Customer Information response models against the Customer fixtures in ``Other/`` (PHP client mocks)."""

from __future__ import annotations

import csv
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from support import FIXTURES

from mws_async import xml
from mws_async.models.common import ServiceStatus
from mws_async.models.customers import (
    CUSTOMERS_FORCE_LIST,
    CUSTOMERS_RESULT_MODELS,
    GetCustomersForCustomerIdResult,
    ListCustomersResult,
)
from mws_async.models.lenient import result_of


def _action(path: Path) -> str:
    return path.name.split("__")[0]


def _customer_fixtures() -> list[Path]:
    """``Other/`` files of the Customer Information section: the customer operations, plus the
    GetServiceStatus responses that MANIFEST.tsv attributes to this section."""
    paths = {
        p
        for pattern in (
            "ListCustomers*.xml",
            "GetCustomersForCustomerId*.xml",
            "GetCustomersByCustomerId*.xml",
        )
        for p in (FIXTURES / "Other").glob(pattern)
    }
    with (FIXTURES / "MANIFEST.tsv").open(newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            file, notes = row["file"], row.get("notes") or ""
            if file.startswith("Other/GetServiceStatus") and (
                "MWSCustomerService" in notes or "/CustomerInformation/" in notes
            ):
                paths.add(FIXTURES / file)
    return sorted(paths)


_FIXTURES = _customer_fixtures()


def _load(name: str) -> Any:
    action = name.split("__")[0]
    doc = xml.parse((FIXTURES / "Other" / name).read_bytes(), force_list=CUSTOMERS_FORCE_LIST)
    model, _ = CUSTOMERS_RESULT_MODELS[action]
    return model.model_validate(result_of(doc, action))


def test_fixture_selection() -> None:
    assert {_action(p) for p in _FIXTURES} == {
        "ListCustomers",
        "ListCustomersByNextToken",
        "GetCustomersForCustomerId",
        "GetCustomersByCustomerId",
        "GetServiceStatus",
    }


@pytest.mark.parametrize("path", _FIXTURES, ids=lambda p: p.name)
def test_every_customer_fixture_parses(path: Path) -> None:
    action = _action(path)
    doc = xml.parse(path.read_bytes(), force_list=CUSTOMERS_FORCE_LIST)
    assert f"{action}Result" in doc[f"{action}Response"]
    model, _ = CUSTOMERS_RESULT_MODELS[action]
    assert isinstance(model.model_validate(result_of(doc, action)), model)


@pytest.mark.parametrize(
    "name", ["ListCustomers__amzphplib__1.xml", "ListCustomersByNextToken__amzphplib__1.xml"]
)
def test_list_customers(name: str) -> None:
    result = _load(name)
    assert isinstance(result, ListCustomersResult)
    assert result.next_token == "String"
    assert result.more_results_available is True
    assert result.has_more
    (customer,) = result.records
    assert customer.customer_id == "String"
    assert customer.email == "String"
    assert customer.primary_contact_info is not None
    assert customer.primary_contact_info.full_name == "String"
    assert customer.account_type == "String"
    (address,) = customer.shipping_address_list
    assert address.is_default_address is True
    assert address.country_code == "String"
    (domain,) = customer.associated_marketplaces
    assert domain.origin is True
    assert domain.associated_on == datetime(1969, 7, 21, 2, 56, 3, tzinfo=UTC)


def test_get_customers_for_customer_id() -> None:
    for name in ("GetCustomersForCustomerId__amzphplib__1.xml", "GetCustomersByCustomerId__amzphplib__1.xml"):
        result = _load(name)
        assert isinstance(result, GetCustomersForCustomerIdResult)
        assert [c.customer_id for c in result.records] == ["String"]


def test_realistic_page() -> None:
    body = b"""<ListCustomersResponse xmlns="http://mws.amazonservices.com/schema/CustomerInformation/2014-03-01">
<ListCustomersResult><CustomerList>
<Customer><CustomerId>C1</CustomerId><PrimaryContactInfo><Email>a@example.com</Email><FullName>Ann</FullName>
</PrimaryContactInfo><AssociatedMarketplaces><MarketplaceDomain><DomainName>shop.example.com</DomainName>
<Origin>true</Origin></MarketplaceDomain><MarketplaceDomain><DomainName>b.example.com</DomainName><Origin>false</Origin>
</MarketplaceDomain></AssociatedMarketplaces><Unknown>1</Unknown></Customer>
<Customer><CustomerId>C2</CustomerId></Customer>
</CustomerList><NextToken>T2</NextToken><MoreResultsAvailable>false</MoreResultsAvailable></ListCustomersResult>
</ListCustomersResponse>"""
    result = ListCustomersResult.model_validate(
        result_of(xml.parse(body, force_list=CUSTOMERS_FORCE_LIST), "ListCustomers")
    )
    assert [c.customer_id for c in result.records] == ["C1", "C2"]
    assert result.records[0].email == "a@example.com"
    assert [d.domain_name for d in result.records[0].associated_marketplaces] == [
        "shop.example.com",
        "b.example.com",
    ]
    assert result.records[1].email is None
    assert result.records[1].associated_marketplaces == []
    # MoreResultsAvailable=false: nothing more now, though the token may be used later for new customers.
    assert result.next_token == "T2"
    assert result.more_results_available is False
    assert not result.has_more


def test_service_status() -> None:
    status = _load("GetServiceStatus__peddler__4.xml")
    assert isinstance(status, ServiceStatus)
    assert status.status == "GREEN"
