"""Finances in the sandbox: event groups and events derived from the world's orders, paging, validation."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import httpx
import pytest
from sandbox.sandbox_signer import call

from mws_async import MWSClient
from mws_async.errors import ClientValidationError
from mws_async.models.finances import ShipmentEvent
from mws_async.models.lenient import result_of
from mws_async.sandbox import Sandbox
from mws_async.xml import parse, parse_error_response

FIN = "/Finances/2015-05-01"


def _key(record: tuple[str, object]) -> str:
    kind, event = record
    return f"{kind}:{event.model_dump_json()}"  # type: ignore[attr-defined]


async def test_groups_and_their_events(mws: MWSClient, sandbox: Sandbox) -> None:
    world = sandbox.world
    after = world.anchor - timedelta(days=120)
    pages = [p async for p in mws.finances.list_financial_event_groups(after, max_results_per_page=2).pages()]
    groups = [g for p in pages for g in p.records]
    assert len(pages) > 2 and len(groups) == len({g.financial_event_group_id for g in groups}) == 7
    assert [g.processing_status for g in groups].count("Open") == 1
    closed = groups[0]
    assert closed.original_total is not None and closed.fund_transfer_status == "Succeeded"
    events = [e async for e in mws.finances.list_financial_events(
        financial_event_group_id=closed.financial_event_group_id, max_results_per_page=40)]  # fmt: skip
    assert len(events) == len({_key(e) for e in events}) > 40
    kinds = {k for k, _ in events}
    assert {"ShipmentEvent", "ServiceFeeEvent"} <= kinds
    assert closed.original_total.amount is not None


async def test_order_events_match_the_order(mws: MWSClient, sandbox: Sandbox) -> None:
    world = sandbox.world
    order = next(world.order(j) for j in range(world.order_count) if world.order(j).status == "Shipped")
    events = [e async for e in mws.finances.list_financial_events(amazon_order_id=order.amazon_order_id)]
    shipment = next(e for k, e in events if k == "ShipmentEvent")
    assert isinstance(shipment, ShipmentEvent) and shipment.amazon_order_id == order.amazon_order_id
    principal = sum(
        c.charge_amount.amount or 0
        for item in shipment.shipment_item_list
        for c in item.item_charge_list
        if c.charge_type == "Principal" and c.charge_amount is not None
    )
    assert principal == Decimal(sum(i.unit_price * i.shipped for i in order.items)) / 100


async def test_posted_range_paging_is_complete(client: httpx.AsyncClient, sandbox: Sandbox) -> None:
    world, creds = sandbox.world, sandbox.credentials
    params = {
        "PostedAfter": (world.anchor - timedelta(days=30)).isoformat(),
        "PostedBefore": (world.anchor - timedelta(days=20)).isoformat(),
        "MaxResultsPerPage": "25",
    }
    response = await call(client, creds, FIN, "ListFinancialEvents", params)
    seen: list[str] = []
    action = "ListFinancialEvents"
    while True:
        result = result_of(parse(response.content, force_list={"ShipmentEvent", "ServiceFeeEvent"}), action)
        events = result["FinancialEvents"]
        for name in ("ShipmentEventList", "RefundEventList", "ServiceFeeEventList"):
            items = events.get(name) or {}
            for event in (items.get("ShipmentEvent") or []) + (items.get("ServiceFeeEvent") or []):
                seen.append(f"{name}:{event.get('AmazonOrderId')}:{event['PostedDate']}")
        if not result.get("NextToken"):
            break
        action = "ListFinancialEventsByNextToken"
        response = await call(client, creds, FIN, action, {"NextToken": result["NextToken"]})
    assert len(seen) == len(set(seen)) > 25


async def test_validation(client: httpx.AsyncClient, sandbox: Sandbox, mws: MWSClient) -> None:
    creds = sandbox.credentials

    async def error(action: str, params: dict[str, str]) -> str:
        response = await call(client, creds, FIN, action, params)
        assert response.status_code == 400
        return str(parse_error_response(response.content)[0][0]["Code"])

    assert await error("ListFinancialEventGroups", {}) == "MissingParameter"
    assert await error("ListFinancialEvents", {}) == "MissingParameter"
    both = {"AmazonOrderId": "111-1111111-1111111", "PostedAfter": "2025-12-01T00:00:00Z"}
    assert await error("ListFinancialEvents", both) == "InvalidParameterValue"
    future = {"FinancialEventGroupStartedAfter": "2099-01-01T00:00:00Z"}
    assert await error("ListFinancialEventGroups", future) == "InvalidParameterValue"
    with pytest.raises(ClientValidationError):
        async for _ in mws.finances.list_financial_events():
            pass
    assert (await mws.finances.get_service_status()).status == "GREEN"
