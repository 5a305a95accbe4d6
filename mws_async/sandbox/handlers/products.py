"""Products 2011-10-01: all fifteen operations, rendered in the shapes real MWS responses have.

Per-item list operations (GetMatchingProduct, GetMatchingProductForId, GetCompetitivePricingFor*,
GetLowestOfferListingsFor*, GetMyPriceFor*) share one engine driven by :data:`LIST_OPERATIONS`: one
``{Action}Result`` per requested identifier with ``ASIN`` / ``SellerSKU`` / ``Id``+``IdType`` and
``status`` attributes; an unknown identifier is a ``ClientError`` result inside an HTTP 200, exactly as
MWS answered. SKU/ASIN twins differ only in the identifier kind. Product fragments that do not depend on
the caller (attributes, relationships, sales ranks, competitive pricing, lowest listings) are cached in
the world's LRU, since they are the expensive part of every response.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Final

from mws_async.identifiers import invalid_reason, normalize
from mws_async.sandbox.handlers.common import count_list, list_values, marketplace, require, service_status
from mws_async.sandbox.registry import CostFn, Registry, RequestContext, SectionSpec
from mws_async.sandbox.render import (
    SandboxError,
    envelope,
    esc,
    invalid,
    iso_ms,
    missing,
    money,
    multi_envelope,
)
from mws_async.sandbox.world import ID_TYPES, MarketInfo, Offer, Product, World

__all__ = ["LIST_OPERATIONS", "NS", "NS2", "PRODUCTS", "register"]

NS: Final = "http://mws.amazonservices.com/schema/Products/2011-10-01"
NS2: Final = NS + "/default.xsd"
PRODUCTS: Final = SectionSpec("Products", "/Products/2011-10-01", "2011-10-01", NS, quota_headers=True)
_PRODUCT_OPEN: Final = f'<Product xmlns="{NS}" xmlns:ns2="{NS2}">'
_PRODUCTS_OPEN: Final = f'<Products xmlns="{NS}" xmlns:ns2="{NS2}">'
_ITEM_CONDITIONS: Final = ("New", "Used", "Collectible", "Refurbished", "Club")
_FEEDBACK_BUCKETS: Final = (
    (98, "98-100%"),
    (95, "95-97%"),
    (90, "90-94%"),
    (80, "80-89%"),
    (0, "Just Launched"),
)


# --- fragments ------------------------------------------------------------------------------------------
def _dim(name: str, value: int, units: str) -> str:
    return f'<ns2:{name} Units="{units}">{value // 100}.{value % 100:02d}</ns2:{name}>'


def _dims(name: str, dims: tuple[int, int, int, int]) -> str:
    return (
        f"<ns2:{name}>{_dim('Height', dims[0], 'inches')}{_dim('Length', dims[1], 'inches')}"
        f"{_dim('Width', dims[2], 'inches')}{_dim('Weight', dims[3], 'pounds')}</ns2:{name}>"
    )


def _ns2(name: str, value: object) -> str:
    return f"<ns2:{name}>{esc(value)}</ns2:{name}>"


def _attribute_sets(world: World, p: Product, m: MarketInfo) -> str:
    parts: list[str] = [f'<AttributeSets><ns2:ItemAttributes xml:lang="{m.lang}">']
    add = parts.append
    book = p.kind == "book"
    if book:
        for author in p.authors:
            add(_ns2("Author", author))
    add(_ns2("Binding", p.binding))
    add(_ns2("Brand", p.brand))
    if p.color:
        add(_ns2("Color", p.color))
    if p.creator:
        add(f'<ns2:Creator Role="{esc(p.creator[0])}">{esc(p.creator[1])}</ns2:Creator>')
    if book:
        add(_ns2("Edition", 1 + p.index % 3))
    for feature in p.features:
        add(_ns2("Feature", feature))
    add(_dims("ItemDimensions", p.dims))
    if not book:
        add(_ns2("IsAdultProduct", "false"))
    elif p.trade_in is not None:
        add(_ns2("IsEligibleForTradeIn", "true"))
    add(_ns2("Label", p.publisher))
    if book:
        add("<ns2:Languages>")
        for kind in ("Unknown", "Original Language", "Published"):
            add(
                f"<ns2:Language><ns2:Name>{m.language_name}</ns2:Name><ns2:Type>{kind}</ns2:Type></ns2:Language>"
            )
        add("</ns2:Languages>")
    add(
        f"<ns2:ListPrice><ns2:Amount>{world.amount(p.list_price, m)}</ns2:Amount>"
        f"<ns2:CurrencyCode>{m.currency}</ns2:CurrencyCode></ns2:ListPrice>"
    )
    add(_ns2("Manufacturer", p.publisher))
    if not book:
        add(_ns2("Model", p.model))
    add(_ns2("NumberOfItems", 1))
    if book:
        add(_ns2("NumberOfPages", p.pages))
    add(_dims("PackageDimensions", p.package_dims))
    add(_ns2("PackageQuantity", 1))
    add(_ns2("PartNumber", p.isbn13 or p.model))
    add(_ns2("ProductGroup", p.product_group))
    add(_ns2("ProductTypeName", p.product_type))
    if book:
        add(_ns2("PublicationDate", p.publication_date))
    add(_ns2("Publisher", p.publisher))
    if p.size:
        add(_ns2("Size", p.size))
    image_id, height, width = p.image
    add(
        f"<ns2:SmallImage><ns2:URL>http://ecx.images-amazon.com/images/I/{image_id}._SL75_.jpg</ns2:URL>"
        f'<ns2:Height Units="pixels">{height}</ns2:Height><ns2:Width Units="pixels">{width}</ns2:Width>'
        "</ns2:SmallImage>"
    )
    add(_ns2("Studio", p.publisher))
    add(_ns2("Title", p.title))
    add("</ns2:ItemAttributes></AttributeSets>")
    return "".join(parts)


def _marketplace_asin(m: MarketInfo, asin: str) -> str:
    return (
        f"<MarketplaceASIN><MarketplaceId>{m.marketplace_id}</MarketplaceId>"
        f"<ASIN>{asin}</ASIN></MarketplaceASIN>"
    )


def _relationships(world: World, p: Product, m: MarketInfo) -> str:
    if p.parent is not None:
        parent = world.product(p.parent)
        return (
            f"<Relationships><VariationParent><Identifiers>{_marketplace_asin(m, parent.asin)}</Identifiers>"
            "</VariationParent></Relationships>"
        )
    if p.children:
        parts = ["<Relationships>"]
        for child_index in p.children:
            child = world.product(child_index)
            parts.append(
                f"<VariationChild><Identifiers>{_marketplace_asin(m, child.asin)}</Identifiers>"
                f"{_ns2('Color', child.color)}{_ns2('Size', child.size)}</VariationChild>"
            )
        parts.append("</Relationships>")
        return "".join(parts)
    return "<Relationships/>"


def _sales_rankings(p: Product) -> str:
    if not p.sales_ranks:
        return "<SalesRankings/>"
    ranks = "".join(
        f"<SalesRank><ProductCategoryId>{cat}</ProductCategoryId><Rank>{rank}</Rank></SalesRank>"
        for cat, rank in p.sales_ranks
    )
    return f"<SalesRankings>{ranks}</SalesRankings>"


def _identifiers(p: Product, m: MarketInfo, seller_id: str | None) -> str:
    sku = ""
    if seller_id is not None:
        sku = (
            f"<SKUIdentifier><MarketplaceId>{m.marketplace_id}</MarketplaceId><SellerId>{esc(seller_id)}</SellerId>"
            f"<SellerSKU>{esc(p.sku)}</SellerSKU></SKUIdentifier>"
        )
    return f"<Identifiers>{_marketplace_asin(m, p.asin)}{sku}</Identifiers>"


def _product_core(world: World, p: Product, m: MarketInfo) -> str:
    """AttributeSets + Relationships + SalesRankings (cached: the bulk of every catalog response)."""
    return world.fragments.get(
        ("core", p.index, m.marketplace_id),
        lambda: _attribute_sets(world, p, m) + _relationships(world, p, m) + _sales_rankings(p),
    )


def _price_inner(world: World, m: MarketInfo, price: int, shipping: int) -> str:
    c = m.currency
    return (
        f"{money('LandedPrice', world.amount(price + shipping, m), c)}"
        f"{money('ListingPrice', world.amount(price, m), c)}{money('Shipping', world.amount(shipping, m), c)}"
    )


def _price(world: World, m: MarketInfo, price: int, shipping: int, name: str = "Price") -> str:
    return f"<{name}>{_price_inner(world, m, price, shipping)}</{name}>"


def _competitive_pricing(world: World, p: Product, m: MarketInfo) -> str:
    def make() -> str:
        offers = world.offers(p.index)
        prices = []
        new = next((o for o in offers if o.buybox), None) or next(
            (o for o in offers if o.condition == "New"), None
        )
        used = next((o for o in offers if o.condition == "Used"), None)
        for number, offer in ((1, new), (2, used)):
            if offer is not None:
                prices.append(
                    f'<CompetitivePrice belongsToRequester="false" condition="{offer.condition}" '
                    f'subcondition="{offer.subcondition}"><CompetitivePriceId>{number}</CompetitivePriceId>'
                    f"{_price(world, m, offer.price, offer.shipping)}</CompetitivePrice>"
                )
        counts = {"Any": len(offers)}
        for offer in offers:
            counts[offer.condition] = counts.get(offer.condition, 0) + 1
        listing_counts = "".join(
            f'<OfferListingCount condition="{cond}">{n}</OfferListingCount>' for cond, n in counts.items()
        )
        trade_in = (
            money("TradeInValue", world.amount(p.trade_in, m), m.currency) if p.trade_in is not None else ""
        )
        competitive = (
            f"<CompetitivePrices>{''.join(prices)}</CompetitivePrices>" if prices else "<CompetitivePrices/>"
        )
        return (
            f"<CompetitivePricing>{competitive}<NumberOfOfferListings>{listing_counts}</NumberOfOfferListings>"
            f"{trade_in}</CompetitivePricing>"
        )

    return world.fragments.get(("competitive", p.index, m.marketplace_id), make)


def _feedback_bucket(rating: int) -> str:
    return next(label for floor, label in _FEEDBACK_BUCKETS if rating >= floor)


def _lowest_offer_listings(world: World, p: Product, m: MarketInfo, condition: str) -> str:
    def make() -> str:
        groups: dict[tuple[str, str, bool, str], list[Offer]] = {}
        for offer in world.offers(p.index):
            if condition not in ("Any", offer.condition):
                continue
            key = (offer.condition, offer.subcondition, offer.fba, _feedback_bucket(offer.feedback_rating))
            groups.setdefault(key, []).append(offer)
        listings = []
        for (cond, sub, fba, bucket), members in sorted(
            groups.items(), key=lambda kv: kv[1][0].price + kv[1][0].shipping
        )[:20]:
            best = members[0]
            landed = best.price + best.shipping
            multiple = sum(1 for o in members if o.price + o.shipping == landed) > 1
            listings.append(
                f"<LowestOfferListing><Qualifiers><ItemCondition>{cond}</ItemCondition>"
                f"<ItemSubcondition>{sub}</ItemSubcondition>"
                f"<FulfillmentChannel>{'Amazon' if fba else 'Merchant'}</FulfillmentChannel>"
                f"<ShipsDomestically>True</ShipsDomestically><ShippingTime><Max>0-2 days</Max></ShippingTime>"
                f"<SellerPositiveFeedbackRating>{bucket}</SellerPositiveFeedbackRating></Qualifiers>"
                f"<NumberOfOfferListingsConsidered>{len(members)}</NumberOfOfferListingsConsidered>"
                f"<SellerFeedbackCount>{best.feedback_count}</SellerFeedbackCount>"
                f"{_price(world, m, best.price, best.shipping)}"
                f"<MultipleOffersAtLowestPrice>{'True' if multiple else 'False'}"
                "</MultipleOffersAtLowestPrice>"
                "</LowestOfferListing>"
            )
        return (
            f"<LowestOfferListings>{''.join(listings)}</LowestOfferListings>"
            if listings
            else "<LowestOfferListings/>"
        )

    return world.fragments.get(("lowest", p.index, m.marketplace_id, condition), make)


def _seller_hash(seller_id: str) -> int:
    # crc32, not hash(): str hashes are randomised per process and the world must be reproducible.
    return zlib.crc32(seller_id.encode())


def _my_offers(world: World, p: Product, m: MarketInfo, seller_id: str, condition: str | None) -> str:
    if p.kind == "parent" or world.h(p.index, _seller_hash(seller_id)) % 5 == 0:
        return "<Offers/>"
    if condition not in (None, "", "Any", "New"):
        return "<Offers/>"
    r = world.h(p.index, _seller_hash(seller_id), 1)
    price = max(99, p.list_price * (75 + r % 30) // 100)
    fba = r % 2 == 0
    shipping = 0 if fba else 499
    return (
        f"<Offers><Offer>{_price(world, m, price, shipping, 'BuyingPrice')}"
        f"{money('RegularPrice', world.amount(price, m), m.currency)}"
        f"<FulfillmentChannel>{'AMAZON' if fba else 'MERCHANT'}</FulfillmentChannel>"
        f"<ItemCondition>New</ItemCondition><ItemSubCondition>New</ItemSubCondition>"
        f"<SellerId>{esc(seller_id)}</SellerId><SellerSKU>{esc(p.sku)}</SellerSKU></Offer></Offers>"
    )


# --- per-item list operations -------------------------------------------------------------------------
def _body_matching(ctx: RequestContext, p: Product, m: MarketInfo) -> str:
    return f"{_PRODUCT_OPEN}{_identifiers(p, m, None)}{_product_core(ctx.world, p, m)}</Product>"


def _body_for_id(ctx: RequestContext, p: Product, m: MarketInfo) -> str:
    core = _product_core(ctx.world, p, m)
    return f"{_PRODUCTS_OPEN}<Product>{_identifiers(p, m, None)}{core}</Product></Products>"


def _sku_seller(ctx: RequestContext, kind: str) -> str | None:
    return ctx.seller_id if kind == "SellerSKU" else None


@dataclass(frozen=True, slots=True)
class ListOperation:
    """One per-item Products operation: identifier kind, wire list name, limit, and body renderer."""

    name: str
    kind: str  # "ASIN" | "SellerSKU" | "Id"
    list_param: str
    limit: int
    body: Callable[[RequestContext, Product, MarketInfo, str], str]


def _competitive_body(ctx: RequestContext, p: Product, m: MarketInfo, kind: str) -> str:
    world = ctx.world
    return (
        f"{_PRODUCT_OPEN}{_identifiers(p, m, _sku_seller(ctx, kind))}{_competitive_pricing(world, p, m)}"
        f"{_sales_rankings(p)}</Product>"
    )


def _lowest_body(ctx: RequestContext, p: Product, m: MarketInfo, kind: str) -> str:
    condition = ctx.params.get("ItemCondition") or "Any"
    return (
        f"<AllOfferListingsConsidered>true</AllOfferListingsConsidered>{_PRODUCT_OPEN}"
        f"{_identifiers(p, m, _sku_seller(ctx, kind))}"
        f"{_lowest_offer_listings(ctx.world, p, m, condition)}</Product>"
    )


def _my_price_body(ctx: RequestContext, p: Product, m: MarketInfo, kind: str) -> str:
    offers = _my_offers(ctx.world, p, m, ctx.seller_id, ctx.params.get("ItemCondition"))
    return f"{_PRODUCT_OPEN}{_identifiers(p, m, _sku_seller(ctx, kind))}{offers}</Product>"


def _twins(base: str, body: Callable[[RequestContext, Product, MarketInfo, str], str]) -> list[ListOperation]:
    return [
        ListOperation(f"{base}ForSKU", "SellerSKU", "SellerSKUList.SellerSKU", 20, body),
        ListOperation(f"{base}ForASIN", "ASIN", "ASINList.ASIN", 20, body),
    ]


LIST_OPERATIONS: Final = (
    ListOperation(
        "GetMatchingProduct", "ASIN", "ASINList.ASIN", 10, lambda c, p, m, k: _body_matching(c, p, m)
    ),
    ListOperation("GetMatchingProductForId", "Id", "IdList.Id", 5, lambda c, p, m, k: _body_for_id(c, p, m)),
    *_twins("GetCompetitivePricing", _competitive_body),
    *_twins("GetLowestOfferListings", _lowest_body),
    *_twins("GetMyPrice", _my_price_body),
)


def _list_cost(op: ListOperation) -> CostFn:
    list_name = op.list_param.split(".")[0]

    def cost(params: Mapping[str, str]) -> int:
        require(params, "MarketplaceId")
        if op.kind == "Id":
            id_type = require(params, "IdType")
            if id_type not in ID_TYPES:
                raise invalid(f"Invalid IdType {id_type}; valid types are {', '.join(ID_TYPES)}.")
        if op.name.startswith("GetLowestOfferListings") or op.name.startswith("GetMyPrice"):
            condition = params.get("ItemCondition")
            if condition and condition not in ("Any", *_ITEM_CONDITIONS):
                raise invalid(f"Invalid ItemCondition {condition}.")
        n = count_list(params, op.list_param)
        if n == 0:
            raise missing(f"{op.list_param}.1")
        if n > op.limit:
            raise invalid(f"There are more than {op.limit} elements in {list_name}.")
        return n

    return cost


def _not_in_catalog(id_type: str, value: str) -> str:
    """MWS's message said only "Invalid ISBN identifier ...", which reads as malformed; for a well-formed id
    the sandbox adds that it is merely absent from its synthetic catalog, and where to find ids it holds."""
    if id_type not in ID_TYPES or invalid_reason(normalize(value, id_type), id_type) is not None:
        return ""
    return (
        f" (well-formed, but not in the sandbox's catalog: mws-async sandbox ids --type {esc(id_type)} "
        "lists ids it holds)"
    )


def _list_handler(op: ListOperation) -> Callable[[RequestContext], bytes]:
    def handle(ctx: RequestContext) -> bytes:
        m = marketplace(ctx.params["MarketplaceId"])
        id_type = ctx.params.get("IdType", "") if op.kind == "Id" else op.kind
        results = []
        for value in list_values(ctx.params, op.list_param):
            if op.kind == "Id":
                attrs = f'Id="{esc(value)}" IdType="{esc(id_type)}"'
            else:
                attrs = f'{op.kind}="{esc(value)}"'
            index = ctx.world.resolve(id_type, value)
            if index is None:
                results.append(
                    f'<{op.name}Result {attrs} status="ClientError"><Error><Type>Sender</Type>'
                    f"<Code>InvalidParameterValue</Code>"
                    f"<Message>Invalid {esc(id_type)} identifier {esc(value)} "
                    f"for marketplace {m.marketplace_id}{_not_in_catalog(id_type, value)}</Message></Error>"
                    f"</{op.name}Result>"
                )
                continue
            body = op.body(ctx, ctx.world.product(index), m, id_type)
            results.append(f'<{op.name}Result {attrs} status="Success">{body}</{op.name}Result>')
        return multi_envelope(op.name, NS, results, ctx.request_id)

    return handle


# --- single-item and other operations -----------------------------------------------------------------
def _single_cost(id_param: str, *, condition_required: bool = False) -> CostFn:
    def cost(params: Mapping[str, str]) -> int:
        require(params, "MarketplaceId")
        require(params, id_param)
        if condition_required:
            condition = require(params, "ItemCondition")
            if condition.capitalize() not in _ITEM_CONDITIONS:
                raise invalid(
                    f"Invalid ItemCondition {condition}; valid values are {', '.join(_ITEM_CONDITIONS)}."
                )
        return 1

    return cost


def _resolve_single(ctx: RequestContext, id_param: str, m: MarketInfo) -> int | None:
    kind = "SellerSKU" if id_param == "SellerSKU" else "ASIN"
    return ctx.world.resolve(kind, ctx.params[id_param])


def _lowest_priced_offers(id_param: str) -> Callable[[RequestContext], bytes]:
    action = f"GetLowestPricedOffersFor{'SKU' if id_param == 'SellerSKU' else 'ASIN'}"

    def handle(ctx: RequestContext) -> bytes:
        world = ctx.world
        m = marketplace(ctx.params["MarketplaceId"])
        value = ctx.params[id_param]
        condition = ctx.params["ItemCondition"].capitalize()
        id_attr = f'SKU="{esc(value)}"' if id_param == "SellerSKU" else f'ASIN="{esc(value)}"'
        index = _resolve_single(ctx, id_param, m)
        if index is None:
            # The documented per-item failure of this operation is an ErrorResponse whose Error carries
            # the item attributes.
            raise SandboxError(
                400,
                "InvalidParameterValue",
                f"{value} is an invalid {id_param} for marketplace {m.marketplace_id}",
                body=(
                    f'<?xml version="1.0"?>\n<ErrorResponse xmlns="{NS}">'
                    f'<Error MarketplaceID="{m.marketplace_id}" '
                    f'{id_attr} ItemCondition="{condition}" status="ClientError"><Type>Sender</Type>'
                    f"<Code>InvalidParameterValue</Code><Message>{esc(value)} is an invalid {id_param} for "
                    f"marketplace {m.marketplace_id}</Message></Error><RequestID>{{RequestID}}</RequestID>"
                    "</ErrorResponse>"
                ),
            )
        p = world.product(index)
        offers = [o for o in world.offers(index) if o.condition == condition]
        if id_param == "SellerSKU":
            attrs = f'MarketplaceID="{m.marketplace_id}" {id_attr} ItemCondition="{condition}"'
            ident = f"<SellerSKU>{esc(value)}</SellerSKU>"
        else:
            attrs = f'MarketplaceID="{m.marketplace_id}" ItemCondition="{condition}" {id_attr}'
            ident = f"<ASIN>{p.asin}</ASIN>"
        change = world.anchor - timedelta(seconds=world.h(index, 13) % 86400 * 30)
        identifier = (
            f"<Identifier><MarketplaceId>{m.marketplace_id}</MarketplaceId>{ident}"
            f"<ItemCondition>{condition}</ItemCondition><TimeOfOfferChange>{iso_ms(change)}</TimeOfOfferChange>"
            "</Identifier>"
        )
        if not offers:
            result = f"{identifier}<Summary><TotalOfferCount>0</TotalOfferCount></Summary><Offers/>"
            return envelope(
                action, NS, result, ctx.request_id, result_attrs=f' {attrs} status="NoBuyableOffers"'
            )
        c = m.currency
        counts: dict[str, int] = {}
        lowest: dict[str, Offer] = {}
        for offer in offers:
            channel = "Amazon" if offer.fba else "Merchant"
            counts[channel] = counts.get(channel, 0) + 1
            lowest.setdefault(channel, offer)
        low = condition.lower()
        number = "".join(
            f'<OfferCount condition="{low}" fulfillmentChannel="{ch}">{n}</OfferCount>'
            for ch, n in counts.items()
        )
        lowest_xml = "".join(
            f'<LowestPrice condition="{low}" fulfillmentChannel="{ch}">'
            f"{_price_inner(world, m, o.price, o.shipping)}</LowestPrice>"
            for ch, o in lowest.items()
        )
        buybox = next((o for o in offers if o.buybox), None)
        buybox_xml = (
            f'<BuyBoxPrices><BuyBoxPrice condition="{condition}">'
            f"{_price_inner(world, m, buybox.price, buybox.shipping)}</BuyBoxPrice></BuyBoxPrices>"
            if buybox is not None
            else ""
        )
        eligible = "".join(
            f'<OfferCount condition="{low}" fulfillmentChannel="{ch}">{n}</OfferCount>'
            for ch, n in counts.items()
        )
        summary = (
            f"<Summary><TotalOfferCount>{len(offers)}</TotalOfferCount><NumberOfOffers>{number}</NumberOfOffers>"
            f"<LowestPrices>{lowest_xml}</LowestPrices>{buybox_xml}"
            f"{money('ListPrice', world.amount(p.list_price, m), c)}"
            f"<BuyBoxEligibleOffers>{eligible}</BuyBoxEligibleOffers></Summary>"
        )
        mine = world.h(index, _seller_hash(ctx.seller_id)) % len(offers) if id_param == "SellerSKU" else -1
        offer_xml = []
        for pos, o in enumerate(offers[:20]):
            my = f"<MyOffer>{'true' if pos == mine else 'false'}</MyOffer>" if id_param == "SellerSKU" else ""
            ships_from = "" if o.fba else "<ShipsFrom><State>WA</State><Country>US</Country></ShipsFrom>"
            offer_xml.append(
                f"<Offer>{my}<SubCondition>{o.subcondition.lower()}</SubCondition><SellerFeedbackRating>"
                f"<SellerPositiveFeedbackRating>{o.feedback_rating}.0</SellerPositiveFeedbackRating>"
                f"<FeedbackCount>{o.feedback_count}</FeedbackCount></SellerFeedbackRating>"
                f'<ShippingTime minimumHours="{o.ship_hours[0]}" maximumHours="{o.ship_hours[1]}" '
                f'availabilityType="NOW"/>{money("ListingPrice", world.amount(o.price, m), c)}'
                f"{money('Shipping', world.amount(o.shipping, m), c)}{ships_from}"
                f"<IsFulfilledByAmazon>{'true' if o.fba else 'false'}</IsFulfilledByAmazon>"
                f"<IsBuyBoxWinner>{'true' if o.buybox else 'false'}</IsBuyBoxWinner>"
                f"<IsFeaturedMerchant>{'true' if o.featured else 'false'}</IsFeaturedMerchant></Offer>"
            )
        result = f"{identifier}{summary}<Offers>{''.join(offer_xml)}</Offers>"
        return envelope(action, NS, result, ctx.request_id, result_attrs=f' {attrs} status="Success"')

    return handle


def _categories(id_param: str) -> Callable[[RequestContext], bytes]:
    action = f"GetProductCategoriesFor{'SKU' if id_param == 'SellerSKU' else 'ASIN'}"

    def handle(ctx: RequestContext) -> bytes:
        m = marketplace(ctx.params["MarketplaceId"])
        index = _resolve_single(ctx, id_param, m)
        if index is None:
            kind = "SellerSKU" if id_param == "SellerSKU" else "ASIN"
            raise invalid(
                f"Invalid {kind} identifier {ctx.params[id_param]} for marketplace {m.marketplace_id}"
            )
        chain = ctx.world.product(index).categories  # root -> leaf
        xml = ""
        for category_id, name in chain:  # build inside-out: the root is the innermost Parent
            inner = (
                f"<ProductCategoryId>{category_id}</ProductCategoryId>"
                f"<ProductCategoryName>{esc(name)}</ProductCategoryName>"
            )
            xml = f"{inner}<Parent>{xml}</Parent>" if xml else inner
        return envelope(action, NS, f"<Self>{xml}</Self>", ctx.request_id)

    return handle


def _list_matching_cost(params: Mapping[str, str]) -> int:
    require(params, "MarketplaceId")
    require(params, "Query")
    return 1


def _list_matching(ctx: RequestContext) -> bytes:
    m = marketplace(ctx.params["MarketplaceId"])
    world = ctx.world
    products = []
    for index in world.search(ctx.params["Query"]):
        p = world.product(index)
        products.append(f"<Product>{_identifiers(p, m, None)}{_product_core(world, p, m)}</Product>")
    body = f"{_PRODUCTS_OPEN}{''.join(products)}</Products>" if products else f'<Products xmlns="{NS}"/>'
    return envelope("ListMatchingProducts", NS, body, ctx.request_id)


# --- GetMyFeesEstimate --------------------------------------------------------------------------------
_FEES_LIST: Final = "FeesEstimateRequestList.FeesEstimateRequest"
_MEDIA: Final = frozenset({"Book", "Music", "DVD"})


def _fees_cost(params: Mapping[str, str]) -> int:
    n = count_list(params, _FEES_LIST)
    if n == 0:
        raise missing(f"{_FEES_LIST}.1.IdValue")
    if n > 20:
        raise invalid("There are more than 20 elements in FeesEstimateRequestList.")
    return n


def _fee_detail(kind: str, amount: Decimal, currency: str, quantum: Decimal) -> str:
    text = str(amount.quantize(quantum, ROUND_HALF_UP))
    return (
        f"<FeeDetail><FeeType>{kind}</FeeType>{money('FeeAmount', text, currency)}"
        f"{money('FeePromotion', str(Decimal(0).quantize(quantum)), currency)}"
        f"{money('FinalFee', text, currency)}</FeeDetail>"
    )


def _fees(ctx: RequestContext) -> bytes:
    world = ctx.world
    results = []
    for n in range(1, count_list(ctx.params, _FEES_LIST) + 1):
        prefix = f"{_FEES_LIST}.{n}."

        def get(name: str, prefix: str = prefix) -> str:
            return ctx.params.get(prefix + name, "")

        for name in ("MarketplaceId", "IdType", "IdValue", "IsAmazonFulfilled", "Identifier"):
            if not get(name):
                raise missing(prefix + name)
        for name in (
            "PriceToEstimateFees.ListingPrice.Amount",
            "PriceToEstimateFees.ListingPrice.CurrencyCode",
        ):
            if not get(name):
                raise missing(prefix + name)
        m = marketplace(get("MarketplaceId"))
        id_type, id_value = get("IdType"), get("IdValue")
        if id_type not in ("ASIN", "SellerSKU"):
            raise invalid(f"Invalid IdType {id_type}; use ASIN or SellerSKU.")
        fba = get("IsAmazonFulfilled").lower() == "true"
        currency = get("PriceToEstimateFees.ListingPrice.CurrencyCode")
        try:
            listing = Decimal(get("PriceToEstimateFees.ListingPrice.Amount"))
            shipping = Decimal(get("PriceToEstimateFees.Shipping.Amount") or "0")
        except InvalidOperation:
            raise invalid(f"Invalid amount in {prefix}PriceToEstimateFees") from None
        quantum = Decimal(1).scaleb(-m.decimals)
        shipping_xml = (
            money("Shipping", get("PriceToEstimateFees.Shipping.Amount"), currency, amount_first=True)
            if get("PriceToEstimateFees.Shipping.Amount")
            else ""
        )
        points = get("PriceToEstimateFees.Points.PointsNumber")
        points_xml = f"<Points><PointsNumber>{esc(points)}</PointsNumber></Points>" if points else ""
        listing_text = esc(get("PriceToEstimateFees.ListingPrice.Amount"))
        identifier = (
            f"<FeesEstimateIdentifier><MarketplaceId>{m.marketplace_id}</MarketplaceId>"
            f"<IdType>{esc(id_type)}</IdType><SellerId>{esc(ctx.seller_id)}</SellerId>"
            f"<IsAmazonFulfilled>{'true' if fba else 'false'}</IsAmazonFulfilled>"
            f"<SellerInputIdentifier>{esc(get('Identifier'))}</SellerInputIdentifier>"
            f"<IdValue>{esc(id_value)}</IdValue><PriceToEstimateFees>"
            f"{money('ListingPrice', listing_text, esc(currency), amount_first=True)}"
            f"{shipping_xml}{points_xml}</PriceToEstimateFees></FeesEstimateIdentifier>"
        )
        index = world.resolve(id_type, id_value)
        if index is None:
            results.append(
                f"<FeesEstimateResult><Status>ClientError</Status>{identifier}<Error><Type>Sender</Type>"
                f"<Code>InvalidParameterValue</Code>"
                f"<Message>Invalid {esc(id_type)} identifier {esc(id_value)} "
                f"for marketplace {m.marketplace_id}</Message></Error></FeesEstimateResult>"
            )
            continue
        product = world.product(index)
        scale = Decimal(m.fx_milli) / 1000
        referral = max((listing + shipping) * Decimal("0.15"), Decimal("0.30") * scale)
        closing = Decimal("1.80") * scale if product.product_group in _MEDIA else Decimal(0)
        details = [
            _fee_detail("ReferralFee", referral, m.currency, quantum),
            _fee_detail("VariableClosingFee", closing, m.currency, quantum),
        ]
        total = referral + closing
        if fba:
            weight = Decimal(product.package_dims[3]) / 100
            fba_fee = (Decimal("3.22") + Decimal("0.40") * weight) * scale
            details.append(_fee_detail("FBAFees", fba_fee, m.currency, quantum))
            total += fba_fee
        else:
            per_item = Decimal("0.99") * scale
            details.append(_fee_detail("PerItemFee", per_item, m.currency, quantum))
            total += per_item
        estimate = (
            f"<FeesEstimate><TimeOfFeesEstimation>{iso_ms(ctx.now)}</TimeOfFeesEstimation>"
            f"{money('TotalFeesEstimate', str(total.quantize(quantum, ROUND_HALF_UP)), m.currency)}"
            f"<FeeDetailList>{''.join(details)}</FeeDetailList></FeesEstimate>"
        )
        results.append(
            f"<FeesEstimateResult><Status>Success</Status>{identifier}{estimate}</FeesEstimateResult>"
        )
    body = f"<FeesEstimateResultList>{''.join(results)}</FeesEstimateResultList>"
    return envelope("GetMyFeesEstimate", NS, body, ctx.request_id)


def register(registry: Registry) -> None:
    """Add the Products section and its fifteen operations."""
    section = registry.add_section(PRODUCTS)
    for op in LIST_OPERATIONS:
        registry.add(section, op.name, _list_handler(op), _list_cost(op))
    registry.add(section, "ListMatchingProducts", _list_matching, _list_matching_cost)
    for id_param, suffix in (("SellerSKU", "SKU"), ("ASIN", "ASIN")):
        registry.add(
            section,
            f"GetLowestPricedOffersFor{suffix}",
            _lowest_priced_offers(id_param),
            _single_cost(id_param, condition_required=True),
        )
        registry.add(
            section, f"GetProductCategoriesFor{suffix}", _categories(id_param), _single_cost(id_param)
        )
    registry.add(section, "GetMyFeesEstimate", _fees, _fees_cost)
    registry.add(section, "GetServiceStatus", service_status)
