"""The same ASIN is priced identically by the MWS sandbox (MWSClient) and the SP-API sandbox."""

from __future__ import annotations

from decimal import Decimal

from spapi.spapi_support import Served
from support import serve_asgi

from mws_async import MWSClient
from mws_async.sandbox import Sandbox
from mws_async.sandbox.spapi import SPAPISandboxApp
from mws_async.sandbox.world import World

SEED = 11


def _amount(money: object) -> Decimal | None:
    value = getattr(money, "amount", None)
    return None if value is None else Decimal(value)


async def test_competitive_price_offers_and_my_price_agree() -> None:
    async with Sandbox(seed=SEED, time_scale=1000.0, catalog_size=50_000) as mws_sandbox:
        # A separate World with the same seed and size: the SP-API sandbox does not share state with MWS.
        app = SPAPISandboxApp(World(SEED, catalog_size=50_000), time_scale=1000.0)
        asins = mws_sandbox.world.sample_ids("ASIN", 20, start=300)
        async with (
            serve_asgi(app) as url,
            Served(app, url).client() as sp,
            MWSClient(
                mws_sandbox.credentials_for(app.default_selling_partner),
                base_url=mws_sandbox.base_url,
                time_scale=1000.0,
            ) as mws,
        ):
            mws_competitive = await mws.products.get_competitive_pricing_for_asin(asins)
            sp_competitive = await sp.pricing.get_competitive_pricing(asins=asins)
            compared = 0
            for old, new in zip(mws_competitive, sp_competitive.payload or [], strict=True):
                assert old.asin == new.asin and old.ok and new.ok
                assert old.product is not None and new.product is not None
                old_pricing, new_pricing = old.product.competitive_pricing, new.product.competitive_pricing
                assert old_pricing is not None and new_pricing is not None
                old_prices = {p.competitive_price_id: p for p in old_pricing.competitive_prices}
                new_prices = {p.competitive_price_id: p for p in new_pricing.competitive_prices}
                assert set(old_prices) == set(new_prices)
                for cid, price in new_prices.items():
                    before = old_prices[cid].price
                    assert before is not None
                    assert _amount(before.landed_price) == price.price.landed_price.amount  # type: ignore[union-attr]
                    assert _amount(before.listing_price) == price.price.listing_price.amount
                    compared += 1
                assert {c.condition: c.count for c in old_pricing.number_of_offer_listings} == {
                    c.condition: c.count for c in new_pricing.number_of_offer_listings
                }
                assert [r.rank for r in old.product.sales_rankings] == [
                    r.rank for r in new.product.sales_rankings or []
                ]
            assert compared >= 10

            offers_compared = 0
            for asin in asins[:8]:
                for condition in ("New", "Used"):
                    old_offers = await mws.products.get_lowest_priced_offers_for_asin(asin, condition)
                    new_offers = await sp.pricing.get_item_offers(asin, condition)
                    payload = new_offers.payload
                    assert payload is not None
                    assert old_offers.summary is not None
                    assert old_offers.summary.total_offer_count == payload.summary.total_offer_count
                    old_lowest = [_amount(p.landed_price) for p in old_offers.summary.lowest_prices]
                    new_lowest = [
                        p.landed_price.amount for p in payload.summary.lowest_prices or [] if p.landed_price
                    ]
                    assert old_lowest == new_lowest
                    assert [_amount(p.landed_price) for p in old_offers.summary.buy_box_prices] == [
                        p.landed_price.amount for p in payload.summary.buy_box_prices or []
                    ]
                    assert [_amount(o.listing_price) for o in old_offers.offers] == [
                        o.listing_price.amount for o in payload.offers
                    ]
                    assert [o.is_buy_box_winner for o in old_offers.offers] == [
                        o.is_buy_box_winner for o in payload.offers
                    ]
                    offers_compared += len(payload.offers)
            assert offers_compared > 20

            old_mine = await mws.products.get_my_price_for_asin(asins)
            new_mine = await sp.pricing.get_pricing(asins=asins)
            with_offer = 0
            for old, new in zip(old_mine, new_mine.payload or [], strict=True):
                assert old.product is not None and new.product is not None
                old_mine_prices = [
                    _amount(o.buying_price.landed_price) for o in old.product.offers if o.buying_price
                ]
                new_prices = [
                    o.buying_price.landed_price.amount
                    for o in new.product.offers or []
                    if o.buying_price.landed_price
                ]
                assert old_mine_prices == new_prices
                with_offer += bool(new_prices)
            assert with_offer > 0
