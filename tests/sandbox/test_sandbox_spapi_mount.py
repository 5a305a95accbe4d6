"""One sandbox serves MWS and SP-API from the same world: the same ASIN is priced the same on both."""

from __future__ import annotations

from mws_async import MWSClient
from mws_async.sandbox import Sandbox
from mws_async.spapi import SPAPIClient


async def test_mws_and_sp_api_agree_on_competitive_prices() -> None:
    async with Sandbox(time_scale=50) as sb:
        asins = sb.world.sample_ids("ASIN", 5)
        async with MWSClient(sb.credentials, base_url=sb.base_url, time_scale=50) as mws:
            mws_results = await mws.products.get_competitive_pricing_for_asin(asins)
        creds = sb.spapi.credentials()
        async with SPAPIClient(
            creds, base_url=sb.base_url, token_url=sb.base_url + "/auth/o2/token", time_scale=50
        ) as spapi:
            sp_results = {r.id: r async for r in spapi.pricing.competitive_pricing_many(asins)}
    assert set(sp_results) == set(asins)
    compared = 0
    for result in mws_results:
        mws_pricing = result.product.competitive_pricing if result.product else None
        sp = sp_results[result.id]
        sp_product = sp.result.product if sp.ok and sp.result is not None else None
        sp_pricing = sp_product.competitive_pricing if sp_product is not None else None
        if mws_pricing is None or not mws_pricing.competitive_prices:
            continue
        mws_price = mws_pricing.competitive_prices[0].price
        assert sp_pricing is not None and sp_pricing.competitive_prices
        sp_price = sp_pricing.competitive_prices[0].price
        assert mws_price is not None and sp_price is not None
        assert mws_price.landed_price is not None and sp_price.landed_price is not None
        assert mws_price.landed_price.amount == sp_price.landed_price.amount
        compared += 1
    assert compared >= 1
    assert sb.spapi.token_requests == 1
