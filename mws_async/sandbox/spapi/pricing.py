"""Pricing v0 JSON bodies derived from the sandbox :class:`~mws_async.sandbox.world.World`.

Every figure comes from the same world data, by the same rules, as the MWS sandbox's Products handlers
(:mod:`mws_async.sandbox.handlers.products`), so an ASIN is priced identically on both APIs:

- competitive pricing (getCompetitivePricing = GetCompetitivePricingForASIN/SKU): CompetitivePriceId 1 is the
  Buy Box offer (else the cheapest New), 2 the cheapest Used; offer listing counts are ``Any`` plus one per
  condition; the trade-in value when the product has one;
- offers (getItemOffers / getListingOffers = GetLowestPricedOffersForASIN/SKU): the offers in the requested
  condition, cheapest landed price first, counted and lowest-priced per fulfillment channel, the Buy Box
  price, the list price, at most 20 offer details; for a SKU the seller's own offer is the same one MWS flags
  ``MyOffer``;
- the seller's own price (getPricing = GetMyPriceForASIN/SKU): the same hash of (product, seller id) decides
  whether the seller has an offer and at what price.

Amounts are :class:`~decimal.Decimal` in the marketplace currency (``World.amount``); :func:`dumps` writes
them as JSON numbers of the same value (``12.30`` is written ``12.3``, as JSON numbers have no precision).
"""

from __future__ import annotations

import json
import zlib
from decimal import Decimal
from typing import Any, Final

from mws_async.sandbox.world import MarketInfo, Offer, Product, World

__all__ = [
    "competitive_pricing",
    "dumps",
    "money",
    "my_offers",
    "offers_payload",
    "price_type",
    "sales_rankings",
]

_BASE36: Final = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        # Amounts have at most a few decimals: a float's shortest repr is exactly the decimal text's value.
        return float(value)
    raise TypeError(f"cannot encode {type(value).__name__}")


def dumps(body: Any) -> bytes:
    """Compact JSON bytes; Decimal amounts become JSON numbers of the same value."""
    return json.dumps(body, separators=(",", ":"), default=_plain).encode()


def money(world: World, usd_cents: int, market: MarketInfo) -> dict[str, Any]:
    """``MoneyType``: an amount converted from USD cents into the marketplace currency."""
    return {"CurrencyCode": market.currency, "Amount": Decimal(world.amount(usd_cents, market))}


def price_type(world: World, market: MarketInfo, price: int, shipping: int) -> dict[str, Any]:
    """``PriceType``: landed (listing + shipping), listing and shipping."""
    return {
        "LandedPrice": money(world, price + shipping, market),
        "ListingPrice": money(world, price, market),
        "Shipping": money(world, shipping, market),
    }


def sales_rankings(product: Product) -> list[dict[str, Any]]:
    """``SalesRankList`` of a product."""
    return [{"ProductCategoryId": category, "Rank": rank} for category, rank in product.sales_ranks]


def competitive_pricing(world: World, product: Product, market: MarketInfo) -> dict[str, Any]:
    """``CompetitivePricingType`` (the rules of MWS GetCompetitivePricingFor*)."""
    offers = world.offers(product.index)
    new = next((o for o in offers if o.buybox), None) or next(
        (o for o in offers if o.condition == "New"), None
    )
    used = next((o for o in offers if o.condition == "Used"), None)
    prices = [
        {
            "CompetitivePriceId": str(number),
            "Price": price_type(world, market, offer.price, offer.shipping),
            "condition": offer.condition,
            "subcondition": offer.subcondition,
            "belongsToRequester": False,
        }
        for number, offer in ((1, new), (2, used))
        if offer is not None
    ]
    counts = {"Any": len(offers)}
    for offer in offers:
        counts[offer.condition] = counts.get(offer.condition, 0) + 1
    result: dict[str, Any] = {
        "CompetitivePrices": prices,
        "NumberOfOfferListings": [{"condition": cond, "Count": n} for cond, n in counts.items()],
    }
    if product.trade_in is not None:
        result["TradeInValue"] = money(world, product.trade_in, market)
    return result


def _seller_hash(seller_id: str) -> int:
    # The MWS sandbox's per-seller hash (crc32: str hashes are randomised per process).
    return zlib.crc32(seller_id.encode())


def my_offers(
    world: World, product: Product, market: MarketInfo, seller_id: str, condition: str | None
) -> list[dict[str, Any]]:
    """``OffersList``: the seller's own offer on the product, if any (the rules of MWS GetMyPriceFor*)."""
    seller = _seller_hash(seller_id)
    if product.kind == "parent" or world.h(product.index, seller) % 5 == 0:
        return []
    if condition not in (None, "", "New"):
        return []
    r = world.h(product.index, seller, 1)
    price = max(99, product.list_price * (75 + r % 30) // 100)
    fba = r % 2 == 0
    shipping = 0 if fba else 499
    return [
        {
            "BuyingPrice": price_type(world, market, price, shipping),
            "RegularPrice": money(world, price, market),
            "FulfillmentChannel": "AMAZON" if fba else "MERCHANT",
            "ItemCondition": "New",
            "ItemSubCondition": "New",
            "SellerSKU": product.sku,
        }
    ]


def _offer_seller_id(world: World, index: int, position: int) -> str:
    value = world.h(index, 14, position)
    chars = []
    for _ in range(13):
        value, digit = divmod(value, 36)
        chars.append(_BASE36[digit])
    return "A" + "".join(chars)


def _channel(offer: Offer) -> str:
    return "Amazon" if offer.fba else "Merchant"


def offers_payload(
    world: World,
    product: Product,
    market: MarketInfo,
    condition: str,
    *,
    sku: str | None = None,
    seller_id: str | None = None,
) -> dict[str, Any]:
    """``GetOffersResult`` for an ASIN (or, with ``sku`` and ``seller_id``, one of the seller's SKUs)."""
    offers = [o for o in world.offers(product.index) if o.condition == condition]
    identifier: dict[str, Any] = {"MarketplaceId": market.marketplace_id, "ItemCondition": condition}
    payload: dict[str, Any] = {"MarketplaceID": market.marketplace_id}
    if sku is not None:
        identifier["SellerSKU"] = sku
        payload["SKU"] = sku
    else:
        identifier["ASIN"] = product.asin
        payload["ASIN"] = product.asin
    payload.update({"ItemCondition": condition, "Identifier": identifier})
    if not offers:
        payload.update({"status": "NoBuyableOffers", "Summary": {"TotalOfferCount": 0}, "Offers": []})
        return payload
    low = condition.lower()
    counts: dict[str, int] = {}
    lowest: dict[str, Offer] = {}
    for offer in offers:
        channel = _channel(offer)
        counts[channel] = counts.get(channel, 0) + 1
        lowest.setdefault(channel, offer)
    summary: dict[str, Any] = {
        "TotalOfferCount": len(offers),
        "NumberOfOffers": [
            {"condition": low, "fulfillmentChannel": ch, "OfferCount": n} for ch, n in counts.items()
        ],
        "LowestPrices": [
            {"condition": low, "fulfillmentChannel": ch, **price_type(world, market, o.price, o.shipping)}
            for ch, o in lowest.items()
        ],
    }
    buybox = next((o for o in offers if o.buybox), None)
    if buybox is not None:
        summary["BuyBoxPrices"] = [
            {"condition": low, **price_type(world, market, buybox.price, buybox.shipping)}
        ]
    summary["ListPrice"] = money(world, product.list_price, market)
    summary["SalesRankings"] = sales_rankings(product)
    summary["BuyBoxEligibleOffers"] = [
        {"condition": low, "fulfillmentChannel": ch, "OfferCount": n} for ch, n in counts.items()
    ]
    mine = world.h(product.index, _seller_hash(seller_id)) % len(offers) if sku and seller_id else -1
    details = []
    for pos, o in enumerate(offers[:20]):
        detail: dict[str, Any] = {}
        if sku is not None:
            detail["MyOffer"] = pos == mine
        detail.update(
            {
                "SubCondition": o.subcondition.lower(),
                "SellerId": seller_id
                if pos == mine and seller_id
                else _offer_seller_id(world, product.index, pos),
                "SellerFeedbackRating": {
                    "SellerPositiveFeedbackRating": float(o.feedback_rating),
                    "FeedbackCount": o.feedback_count,
                },
                "ShippingTime": {
                    "minimumHours": o.ship_hours[0],
                    "maximumHours": o.ship_hours[1],
                    "availabilityType": "NOW",
                },
                "ListingPrice": money(world, o.price, market),
                "Shipping": money(world, o.shipping, market),
            }
        )
        if not o.fba:
            detail["ShipsFrom"] = {"State": "WA", "Country": "US"}
        detail.update(
            {
                "IsFulfilledByAmazon": o.fba,
                "PrimeInformation": {"IsPrime": o.fba, "IsNationalPrime": o.fba},
                "IsBuyBoxWinner": o.buybox,
                "IsFeaturedMerchant": o.featured,
            }
        )
        details.append(detail)
    payload.update({"status": "Success", "Summary": summary, "Offers": details})
    return payload
