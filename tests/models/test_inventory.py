"""FulfillmentInventory response models against every recorded Inventory fixture."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from support import FIXTURES, fixture_files

from mws_async import xml
from mws_async.models.common import ServiceStatus
from mws_async.models.inventory import (
    INVENTORY_FORCE_LIST,
    INVENTORY_RESULT_MODELS,
    ListInventorySupplyResult,
)
from mws_async.models.lenient import result_of


def _action(path: Path) -> str:
    return path.name.split("__")[0]


def _load(name: str) -> Any:
    action = name.split("__")[0]
    doc = xml.parse((FIXTURES / "Inventory" / name).read_bytes(), force_list=INVENTORY_FORCE_LIST)
    model, _ = INVENTORY_RESULT_MODELS[action]
    return model.model_validate(result_of(doc, action))


@pytest.mark.parametrize("path", fixture_files("Inventory"), ids=lambda p: p.name)
def test_every_inventory_fixture_parses(path: Path) -> None:
    action = _action(path)
    doc = xml.parse(path.read_bytes(), force_list=INVENTORY_FORCE_LIST)
    assert f"{action}Result" in doc[f"{action}Response"]
    model, _ = INVENTORY_RESULT_MODELS[action]
    assert isinstance(model.model_validate(result_of(doc, action)), model)


def test_doc_sample_quantities() -> None:
    result = _load("ListInventorySupply__mwsdocs__1.xml")
    assert isinstance(result, ListInventorySupplyResult)
    assert result.next_token is None
    assert not result.has_more
    first, second = result.records
    assert (first.seller_sku, first.fn_sku, first.asin) == ("SampleSKU1", "X0000000FM", "B00000K3CQ")
    assert first.condition == "NewItem"
    assert (first.total_supply_quantity, first.in_stock_supply_quantity) == (20, 15)
    assert first.earliest_availability is not None
    assert first.earliest_availability.timepoint_type == "Immediately"
    assert first.earliest_availability.date_time is None
    assert first.supply_detail == []
    assert (second.seller_sku, second.total_supply_quantity, second.in_stock_supply_quantity) == (
        "SampleSKU2",
        0,
        0,
    )
    assert second.earliest_availability is None


def test_recorded_empty_pages() -> None:
    result = _load("ListInventorySupply__peddler__5.xml")
    assert result.marketplace_id == "A1AM78C64UM0Y8"
    assert result.records == []
    assert result.next_token is None
    assert _load("ListInventorySupply__peddler__1.xml").marketplace_id is None


def test_php_mock_detailed_supply() -> None:
    result = _load("ListInventorySupplyByNextToken__amzphplib__1.xml")
    assert result.next_token == "String"
    assert result.has_more
    (supply,) = result.records
    assert supply.total_supply_quantity == 1
    (detail,) = supply.supply_detail
    assert detail.quantity == 1
    assert detail.supply_type == "String"
    assert detail.earliest_available_to_pick is not None
    assert detail.earliest_available_to_pick.date_time == datetime(1969, 7, 21, 2, 56, 3, tzinfo=UTC)


def test_service_status() -> None:
    status = _load("GetServiceStatus__peddler__1.xml")
    assert isinstance(status, ServiceStatus)
    assert status.status == "GREEN"


def test_unknown_elements_are_ignored_and_typed_ones_kept() -> None:
    body = (FIXTURES / "Inventory" / "ListInventorySupply__mwsdocs__1.xml").read_bytes()
    body = body.replace(b"<Condition>", b"<ReservedQuantity>3</ReservedQuantity><Condition>")
    doc = xml.parse(body, force_list=INVENTORY_FORCE_LIST)
    result = ListInventorySupplyResult.model_validate(result_of(doc, "ListInventorySupply"))
    assert [s.in_stock_supply_quantity for s in result.records] == [15, 0]
    assert result.records[1].condition == "UsedLikeNew"
