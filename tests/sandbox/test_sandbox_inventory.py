"""FulfillmentInventory in the sandbox: ListInventorySupply by SKUs or by date, paging, response groups."""

from __future__ import annotations

from datetime import timedelta

import httpx
from sandbox.sandbox_signer import call

from mws_async import MWSClient
from mws_async.sandbox import Sandbox
from mws_async.sandbox.store import supply
from mws_async.xml import parse_error_response

INV = "/FulfillmentInventory/2010-10-01"


async def test_by_date_pages_of_fifty(mws: MWSClient, sandbox: Sandbox) -> None:
    world = sandbox.world
    state = world.store.seller(sandbox.credentials.seller_id)
    since = world.anchor - timedelta(days=100)
    pages = [p async for p in mws.inventory.list_inventory_supply(query_start=since).pages()]
    skus = [s.seller_sku for p in pages for s in p.records]
    assert [len(p.records) for p in pages] == [50, 50, 50, 30]
    assert skus == [world.product(i).sku for i in state.listings] and len(set(skus)) == 180
    recent = world.anchor - timedelta(days=30)
    expected = sum(supply(world, state, i).changed >= recent for i in state.listings)
    assert len([s async for s in mws.inventory.list_inventory_supply(query_start=recent)]) == expected


async def test_by_skus_detailed(mws: MWSClient, sandbox: Sandbox) -> None:
    world = sandbox.world
    state = world.store.seller(sandbox.credentials.seller_id)
    listed = [world.product(i).sku for i in state.listings[:10]]
    records = [
        s
        async for s in mws.inventory.list_inventory_supply(
            seller_skus=[*listed, "NOT-MINE"], response_group="Detailed"
        )
    ]
    assert [r.seller_sku for r in records] == [*listed, "NOT-MINE"]
    for record, index in zip(records, state.listings[:10], strict=False):
        s = supply(world, state, index)
        assert (record.asin, record.fn_sku, record.total_supply_quantity) == (s.asin, s.fnsku, s.total)
        assert sum(d.quantity or 0 for d in record.supply_detail) == s.total
    assert records[-1].total_supply_quantity == 0
    assert (await mws.inventory.get_service_status()).status == "GREEN"


async def test_validation_and_token(client: httpx.AsyncClient, sandbox: Sandbox) -> None:
    creds = sandbox.credentials
    neither = await call(client, creds, INV, "ListInventorySupply")
    both = await call(
        client,
        creds,
        INV,
        "ListInventorySupply",
        {"SellerSkus.member.1": "A", "QueryStartDateTime": "2025-01-01"},
    )
    many = await call(
        client, creds, INV, "ListInventorySupply", {f"SellerSkus.member.{k}": "A" for k in range(1, 52)}
    )
    codes = [parse_error_response(r.content)[0][0]["Code"] for r in (neither, both, many)]
    assert codes == ["MissingParameter", "InvalidParameterValue", "InvalidParameterValue"]
    sandbox.faults.add("NextTokenCorrupted")
    bad = await call(client, creds, INV, "ListInventorySupplyByNextToken", {"NextToken": "x"})
    assert parse_error_response(bad.content)[0][0]["Code"] == "NextTokenCorrupted"
