"""Products API (2011-10-01): every operation as data, and ``client.products`` as thin typed methods."""

from __future__ import annotations

from collections.abc import AsyncIterable, AsyncIterator, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Final, Literal

from mws_async.bulk import BulkResult, BulkStats, BulkTarget, run_bulk
from mws_async.identifiers import resolve_id_type
from mws_async.marketplaces import Marketplace
from mws_async.models.common import ServiceStatus
from mws_async.models.products import (
    PRODUCTS_FORCE_LIST,
    GetMyFeesEstimateResult,
    ListMatchingProductsResult,
    LowestPricedOffersResult,
    ProductCategoriesResult,
    ProductResult,
    ProductsForIdResult,
)
from mws_async.operations import Operation, Param, R
from mws_async.sections.base import SectionClient, as_list
from mws_async.transport import Section

__all__ = [
    "ID_TYPES",
    "ITEM_CONDITIONS",
    "OFFER_ITEM_CONDITIONS",
    "OPERATIONS",
    "PRODUCTS",
    "IdType",
    "ProductsSection",
]

PRODUCTS: Final = Section(
    "Products",
    "/Products/2011-10-01",
    "2011-10-01",
    "http://mws.amazonservices.com/schema/Products/2011-10-01",
)

IdType = Literal["ASIN", "GCID", "SellerSKU", "UPC", "EAN", "ISBN", "JAN"]
ID_TYPES: Final = frozenset({"ASIN", "GCID", "SellerSKU", "UPC", "EAN", "ISBN", "JAN"})
ITEM_CONDITIONS: Final = frozenset({"Any", "New", "Used", "Collectible", "Refurbished", "Club"})
OFFER_ITEM_CONDITIONS: Final = frozenset({"New", "Used", "Collectible", "Refurbished", "Club"})
ItemCondition = Literal["Any", "New", "Used", "Collectible", "Refurbished", "Club"]
OfferItemCondition = Literal["New", "Used", "Collectible", "Refurbished", "Club"]

ASIN_PATTERN: Final = r"[A-Z0-9]{10}"
BULK_PER_ITEM_CHUNK: Final = 10
"""Ids per request in the bulk helpers for the 20-item operations (half their 20-item bucket)."""
_MARKETPLACE = Param("marketplace_id", "MarketplaceId", required=True, marketplace=True)
# Id parameters are checked (and normalized) with the bulk helpers' rules: see mws_async.identifiers.
_ASINS = Param("asins", "ASINList.ASIN", "list", required=True, max_items=20, id_type="ASIN")
_SKUS = Param(
    "seller_skus", "SellerSKUList.SellerSKU", "list", required=True, max_items=20, id_type="SellerSKU"
)
_FEES_REQUEST_KEYS: Final = (
    "MarketplaceId",
    "IdType",
    "IdValue",
    "IsAmazonFulfilled",
    "Identifier",
    "PriceToEstimateFees",
)
"""Keys every FeesEstimateRequest needs (``Shipping`` and ``Points`` inside the price may be omitted)."""
_CONDITION = Param("item_condition", "ItemCondition", choices=ITEM_CONDITIONS)
_OFFER_CONDITION = Param("item_condition", "ItemCondition", required=True, choices=OFFER_ITEM_CONDITIONS)


# The Products models read every repeated element in either shape: answers are parsed without force_list.
def _op(action: str, params: tuple[Param, ...], result: type[R], **kwargs: Any) -> Operation[R]:
    return Operation(
        PRODUCTS, action, params, result, force_list=PRODUCTS_FORCE_LIST, lenient_lists=True, **kwargs
    )


def _many(action: str, params: tuple[Param, ...], result: type[R], ids: Param) -> Operation[list[R]]:
    """A per-id operation: one ``result`` element per requested id, the id count as the throttle cost."""
    return Operation(
        PRODUCTS,
        action,
        params,
        result,
        force_list=PRODUCTS_FORCE_LIST,
        lenient_lists=True,
        many=True,
        cost_param=ids.name,
    )


def _per_id(action: str, ids: Param, *extra: Param) -> Operation[list[ProductResult]]:
    return _many(action, (_MARKETPLACE, ids, *extra), ProductResult, ids)


LIST_MATCHING_PRODUCTS: Final = _op(
    "ListMatchingProducts",
    (_MARKETPLACE, Param("query", "Query", required=True), Param("query_context_id", "QueryContextId")),
    ListMatchingProductsResult,
)
GET_MATCHING_PRODUCT: Final = _per_id(
    "GetMatchingProduct",
    Param("asins", "ASINList.ASIN", "list", required=True, max_items=10, id_type="ASIN"),
)
_FOR_ID_IDS = Param("ids", "IdList.Id", "list", required=True, max_items=5, id_type_from="id_type")
GET_MATCHING_PRODUCT_FOR_ID: Final = _many(
    "GetMatchingProductForId",
    (
        _MARKETPLACE,
        Param("id_type", "IdType", required=True, choices=ID_TYPES, fold_case=True),
        _FOR_ID_IDS,
    ),
    ProductsForIdResult,
    _FOR_ID_IDS,
)
GET_COMPETITIVE_PRICING_FOR_SKU: Final = _per_id("GetCompetitivePricingForSKU", _SKUS)
GET_COMPETITIVE_PRICING_FOR_ASIN: Final = _per_id("GetCompetitivePricingForASIN", _ASINS)
GET_LOWEST_OFFER_LISTINGS_FOR_SKU: Final = _per_id(
    "GetLowestOfferListingsForSKU", _SKUS, _CONDITION, Param("exclude_me", "ExcludeMe", "bool")
)
GET_LOWEST_OFFER_LISTINGS_FOR_ASIN: Final = _per_id(
    "GetLowestOfferListingsForASIN", _ASINS, _CONDITION, Param("exclude_me", "ExcludeMe", "bool")
)
GET_LOWEST_PRICED_OFFERS_FOR_SKU: Final = _op(
    "GetLowestPricedOffersForSKU",
    (_MARKETPLACE, Param("seller_sku", "SellerSKU", required=True, id_type="SellerSKU"), _OFFER_CONDITION),
    LowestPricedOffersResult,
    alternate=LowestPricedOffersResult.from_error_response,
)
GET_LOWEST_PRICED_OFFERS_FOR_ASIN: Final = _op(
    "GetLowestPricedOffersForASIN",
    (
        _MARKETPLACE,
        Param("asin", "ASIN", required=True, id_type="ASIN"),
        _OFFER_CONDITION,
    ),
    LowestPricedOffersResult,
    alternate=LowestPricedOffersResult.from_error_response,
)
GET_MY_FEES_ESTIMATE: Final = _op(
    "GetMyFeesEstimate",
    (
        Param(
            "requests",
            "FeesEstimateRequestList.FeesEstimateRequest",
            "struct_list",
            required=True,
            max_items=20,
            required_keys=_FEES_REQUEST_KEYS,
            id_keys=("IdType", "IdValue"),
            id_types=frozenset({"ASIN", "SellerSKU"}),
        ),
    ),
    GetMyFeesEstimateResult,
    cost_param="requests",
)
GET_MY_PRICE_FOR_SKU: Final = _per_id(
    "GetMyPriceForSKU", _SKUS, Param("item_condition", "ItemCondition", choices=OFFER_ITEM_CONDITIONS)
)
GET_MY_PRICE_FOR_ASIN: Final = _per_id(
    "GetMyPriceForASIN", _ASINS, Param("item_condition", "ItemCondition", choices=OFFER_ITEM_CONDITIONS)
)
GET_PRODUCT_CATEGORIES_FOR_SKU: Final = _op(
    "GetProductCategoriesForSKU",
    (_MARKETPLACE, Param("seller_sku", "SellerSKU", required=True, id_type="SellerSKU")),
    ProductCategoriesResult,
)
GET_PRODUCT_CATEGORIES_FOR_ASIN: Final = _op(
    "GetProductCategoriesForASIN",
    (_MARKETPLACE, Param("asin", "ASIN", required=True, id_type="ASIN")),
    ProductCategoriesResult,
)
GET_SERVICE_STATUS: Final = _op("GetServiceStatus", (), ServiceStatus)

OPERATIONS: Final[Mapping[str, Operation[Any]]] = {
    op.action: op
    for op in (
        LIST_MATCHING_PRODUCTS,
        GET_MATCHING_PRODUCT,
        GET_MATCHING_PRODUCT_FOR_ID,
        GET_COMPETITIVE_PRICING_FOR_SKU,
        GET_COMPETITIVE_PRICING_FOR_ASIN,
        GET_LOWEST_OFFER_LISTINGS_FOR_SKU,
        GET_LOWEST_OFFER_LISTINGS_FOR_ASIN,
        GET_LOWEST_PRICED_OFFERS_FOR_SKU,
        GET_LOWEST_PRICED_OFFERS_FOR_ASIN,
        GET_MY_FEES_ESTIMATE,
        GET_MY_PRICE_FOR_SKU,
        GET_MY_PRICE_FOR_ASIN,
        GET_PRODUCT_CATEGORIES_FOR_SKU,
        GET_PRODUCT_CATEGORIES_FOR_ASIN,
        GET_SERVICE_STATUS,
    )
}
"""Every Products operation by Action."""

MarketplaceArg = Marketplace | str | None
Ids = Iterable[str] | AsyncIterable[str]
AsinOrSku = Literal["ASIN", "SellerSKU"]
_ASIN_OR_SKU: Final = ("ASIN", "SellerSKU")

if TYPE_CHECKING:
    from mws_async.credentials import Credentials

_TWINS: Final = {
    "competitive_pricing": (GET_COMPETITIVE_PRICING_FOR_ASIN, GET_COMPETITIVE_PRICING_FOR_SKU),
    "lowest_offer_listings": (GET_LOWEST_OFFER_LISTINGS_FOR_ASIN, GET_LOWEST_OFFER_LISTINGS_FOR_SKU),
    "my_price": (GET_MY_PRICE_FOR_ASIN, GET_MY_PRICE_FOR_SKU),
}


class ProductsSection(SectionClient):
    """``client.products``: the Products API. Every call goes through the throttler with its cost
    (items for per-item operations). ``marketplace`` defaults to the client's."""

    async def list_matching_products(
        self, query: str, *, query_context_id: str | None = None, marketplace: MarketplaceArg = None
    ) -> ListMatchingProductsResult:
        """ListMatchingProducts: up to ten products matching a search query."""
        return await self._call(
            LIST_MATCHING_PRODUCTS,
            query=query,
            query_context_id=query_context_id,
            marketplace_id=self._marketplace_id(marketplace),
        )

    async def get_matching_product(
        self, asins: Sequence[str], *, marketplace: MarketplaceArg = None
    ) -> list[ProductResult]:
        """GetMatchingProduct: products for up to 10 ASINs, one result per ASIN."""
        return await self._call(
            GET_MATCHING_PRODUCT, asins=asins, marketplace_id=self._marketplace_id(marketplace)
        )

    async def get_matching_product_for_id(
        self, id_type: IdType, ids: Sequence[str], *, marketplace: MarketplaceArg = None
    ) -> list[ProductsForIdResult]:
        """GetMatchingProductForId: products for up to 5 ids of one type (ASIN, GCID, SellerSKU, UPC, EAN,
        ISBN, JAN), one result per id with its status and products or error."""
        return await self._call(
            GET_MATCHING_PRODUCT_FOR_ID,
            id_type=id_type,
            ids=ids,
            marketplace_id=self._marketplace_id(marketplace),
        )

    async def get_competitive_pricing_for_sku(
        self, seller_skus: Sequence[str], *, marketplace: MarketplaceArg = None
    ) -> list[ProductResult]:
        """GetCompetitivePricingForSKU: competitive prices for up to 20 of your SKUs."""
        return await self._call(
            GET_COMPETITIVE_PRICING_FOR_SKU,
            seller_skus=seller_skus,
            marketplace_id=self._marketplace_id(marketplace),
        )

    async def get_competitive_pricing_for_asin(
        self, asins: Sequence[str], *, marketplace: MarketplaceArg = None
    ) -> list[ProductResult]:
        """GetCompetitivePricingForASIN: competitive prices for up to 20 ASINs."""
        return await self._call(
            GET_COMPETITIVE_PRICING_FOR_ASIN, asins=asins, marketplace_id=self._marketplace_id(marketplace)
        )

    async def get_lowest_offer_listings_for_sku(
        self,
        seller_skus: Sequence[str],
        *,
        item_condition: ItemCondition | None = None,
        exclude_me: bool | None = None,
        marketplace: MarketplaceArg = None,
    ) -> list[ProductResult]:
        """GetLowestOfferListingsForSKU: lowest offer listings for up to 20 of your SKUs."""
        return await self._call(
            GET_LOWEST_OFFER_LISTINGS_FOR_SKU,
            seller_skus=seller_skus,
            item_condition=item_condition,
            exclude_me=exclude_me,
            marketplace_id=self._marketplace_id(marketplace),
        )

    async def get_lowest_offer_listings_for_asin(
        self,
        asins: Sequence[str],
        *,
        item_condition: ItemCondition | None = None,
        exclude_me: bool | None = None,
        marketplace: MarketplaceArg = None,
    ) -> list[ProductResult]:
        """GetLowestOfferListingsForASIN: lowest offer listings for up to 20 ASINs."""
        return await self._call(
            GET_LOWEST_OFFER_LISTINGS_FOR_ASIN,
            asins=asins,
            item_condition=item_condition,
            exclude_me=exclude_me,
            marketplace_id=self._marketplace_id(marketplace),
        )

    async def get_lowest_priced_offers_for_sku(
        self, seller_sku: str, item_condition: OfferItemCondition, *, marketplace: MarketplaceArg = None
    ) -> LowestPricedOffersResult:
        """GetLowestPricedOffersForSKU: the lowest 20 offers and a summary for one of your SKUs."""
        return await self._call(
            GET_LOWEST_PRICED_OFFERS_FOR_SKU,
            seller_sku=seller_sku,
            item_condition=item_condition,
            marketplace_id=self._marketplace_id(marketplace),
        )

    async def get_lowest_priced_offers_for_asin(
        self, asin: str, item_condition: OfferItemCondition, *, marketplace: MarketplaceArg = None
    ) -> LowestPricedOffersResult:
        """GetLowestPricedOffersForASIN: the lowest 20 offers and a summary for one ASIN."""
        return await self._call(
            GET_LOWEST_PRICED_OFFERS_FOR_ASIN,
            asin=asin,
            item_condition=item_condition,
            marketplace_id=self._marketplace_id(marketplace),
        )

    async def get_my_fees_estimate(self, requests: Iterable[Mapping[str, Any]]) -> GetMyFeesEstimateResult:
        """GetMyFeesEstimate: fee estimates for up to 20 requests.

        Each request is a mapping in wire names, e.g. ``{"MarketplaceId": "ATVPDKIKX0DER", "IdType": "ASIN",
        "IdValue": "B0...", "IsAmazonFulfilled": True, "Identifier": "req-1", "PriceToEstimateFees":
        {"ListingPrice": {"Amount": Decimal("30.00"), "CurrencyCode": "USD"}}}``.
        """
        listed = as_list(requests, GET_MY_FEES_ESTIMATE, "requests")
        return await self._call(GET_MY_FEES_ESTIMATE, requests=listed)

    async def get_my_price_for_sku(
        self,
        seller_skus: Sequence[str],
        *,
        item_condition: OfferItemCondition | None = None,
        marketplace: MarketplaceArg = None,
    ) -> list[ProductResult]:
        """GetMyPriceForSKU: your own offers' prices for up to 20 SKUs."""
        return await self._call(
            GET_MY_PRICE_FOR_SKU,
            seller_skus=seller_skus,
            item_condition=item_condition,
            marketplace_id=self._marketplace_id(marketplace),
        )

    async def get_my_price_for_asin(
        self,
        asins: Sequence[str],
        *,
        item_condition: OfferItemCondition | None = None,
        marketplace: MarketplaceArg = None,
    ) -> list[ProductResult]:
        """GetMyPriceForASIN: your own offers' prices for up to 20 ASINs."""
        return await self._call(
            GET_MY_PRICE_FOR_ASIN,
            asins=asins,
            item_condition=item_condition,
            marketplace_id=self._marketplace_id(marketplace),
        )

    async def get_product_categories_for_sku(
        self, seller_sku: str, *, marketplace: MarketplaceArg = None
    ) -> ProductCategoriesResult:
        """GetProductCategoriesForSKU: browse categories (with parent chains) of one of your SKUs."""
        return await self._call(
            GET_PRODUCT_CATEGORIES_FOR_SKU,
            seller_sku=seller_sku,
            marketplace_id=self._marketplace_id(marketplace),
        )

    async def get_product_categories_for_asin(
        self, asin: str, *, marketplace: MarketplaceArg = None
    ) -> ProductCategoriesResult:
        """GetProductCategoriesForASIN: browse categories (with parent chains) of one ASIN."""
        return await self._call(
            GET_PRODUCT_CATEGORIES_FOR_ASIN, asin=asin, marketplace_id=self._marketplace_id(marketplace)
        )

    async def get_service_status(self) -> ServiceStatus:
        """GetServiceStatus of the Products section (GREEN, YELLOW, RED)."""
        return await self._call(GET_SERVICE_STATUS)

    # -- bulk helpers (see mws_async.bulk) -------------------------------------------------------------

    def lookup_many(
        self,
        ids: Ids,
        id_type: IdType,
        *,
        marketplace: MarketplaceArg = None,
        ordered: bool = False,
        concurrency: int = 8,
        window: int = 10_000,
        sellers: Sequence[Credentials] | None = None,
        stats: BulkStats | None = None,
    ) -> AsyncIterator[BulkResult[ProductsForIdResult]]:
        """GetMatchingProductForId over any number of ids: de-duplicated, validated (check digits, ASIN
        shape), chunked by 5, sent as fast as the quota allows; one :class:`~mws_async.bulk.BulkResult` per
        distinct id, as results complete (or in input order with ``ordered=True``). ``sellers`` spreads the
        work over several sellers' quotas.

        ``id_type`` is accepted in any case; an unknown one (or a bad ``concurrency``/``window``/
        ``marketplace``) raises :class:`~mws_async.errors.ClientValidationError` here, before any id is read.
        Non-string ids are ``Invalid`` results (see :func:`mws_async.bulk.stream_bulk`)."""
        canonical = resolve_id_type(id_type, GET_MATCHING_PRODUCT_FOR_ID.action)
        target = BulkTarget(
            GET_MATCHING_PRODUCT_FOR_ID,
            "ids",
            5,
            canonical,
            {"id_type": canonical, "marketplace_id": self._marketplace_id(marketplace)},
            lambda item: item.id,
        )
        return self._bulk(target, ids, ordered, concurrency, window, sellers, stats)

    def _per_item_many(
        self,
        kind: str,
        ids: Ids,
        id_type: AsinOrSku,
        extra: dict[str, Any],
        marketplace: MarketplaceArg,
        ordered: bool,
        concurrency: int,
        window: int,
        sellers: Sequence[Credentials] | None,
        stats: BulkStats | None,
    ) -> AsyncIterator[BulkResult[ProductResult]]:
        by_asin, by_sku = _TWINS[kind]
        canonical = resolve_id_type(id_type, by_asin.action, allowed=_ASIN_OR_SKU)
        operation = by_asin if canonical == "ASIN" else by_sku
        param = "asins" if canonical == "ASIN" else "seller_skus"
        fixed = {
            "marketplace_id": self._marketplace_id(marketplace),
            **{k: v for k, v in extra.items() if v is not None},
        }
        # Half the bucket per request: a 20-item call on a 20-item bucket must wait for a completely full
        # bucket every time, so requests could not overlap; 10-item calls keep the bucket flowing.
        target = BulkTarget(operation, param, BULK_PER_ITEM_CHUNK, canonical, fixed, lambda item: item.id)
        return self._bulk(target, ids, ordered, concurrency, window, sellers, stats)

    def competitive_pricing_many(
        self,
        ids: Ids,
        id_type: AsinOrSku = "ASIN",
        *,
        marketplace: MarketplaceArg = None,
        ordered: bool = False,
        concurrency: int = 8,
        window: int = 10_000,
        sellers: Sequence[Credentials] | None = None,
        stats: BulkStats | None = None,
    ) -> AsyncIterator[BulkResult[ProductResult]]:
        """GetCompetitivePricingForASIN/SKU over any number of ids (10 per request, half the bucket)."""
        return self._per_item_many(
            "competitive_pricing", ids, id_type, {}, marketplace, ordered, concurrency, window, sellers, stats
        )

    def lowest_offer_listings_many(
        self,
        ids: Ids,
        id_type: AsinOrSku = "ASIN",
        *,
        item_condition: ItemCondition | None = None,
        exclude_me: bool | None = None,
        marketplace: MarketplaceArg = None,
        ordered: bool = False,
        concurrency: int = 8,
        window: int = 10_000,
        sellers: Sequence[Credentials] | None = None,
        stats: BulkStats | None = None,
    ) -> AsyncIterator[BulkResult[ProductResult]]:
        """GetLowestOfferListingsForASIN/SKU over any number of ids (10 per request, half the bucket)."""
        extra = {"item_condition": item_condition, "exclude_me": exclude_me}
        return self._per_item_many(
            "lowest_offer_listings",
            ids,
            id_type,
            extra,
            marketplace,
            ordered,
            concurrency,
            window,
            sellers,
            stats,
        )

    def my_price_many(
        self,
        ids: Ids,
        id_type: AsinOrSku = "SellerSKU",
        *,
        item_condition: OfferItemCondition | None = None,
        marketplace: MarketplaceArg = None,
        ordered: bool = False,
        concurrency: int = 8,
        window: int = 10_000,
        sellers: Sequence[Credentials] | None = None,
        stats: BulkStats | None = None,
    ) -> AsyncIterator[BulkResult[ProductResult]]:
        """GetMyPriceForSKU/ASIN over any number of ids (10 per request, half the bucket)."""
        return self._per_item_many(
            "my_price",
            ids,
            id_type,
            {"item_condition": item_condition},
            marketplace,
            ordered,
            concurrency,
            window,
            sellers,
            stats,
        )

    def categories_many(
        self,
        ids: Ids,
        id_type: AsinOrSku = "ASIN",
        *,
        marketplace: MarketplaceArg = None,
        ordered: bool = False,
        concurrency: int = 8,
        window: int = 10_000,
        sellers: Sequence[Credentials] | None = None,
        stats: BulkStats | None = None,
    ) -> AsyncIterator[BulkResult[ProductCategoriesResult]]:
        """GetProductCategoriesForASIN/SKU over any number of ids (one id per request)."""
        canonical = resolve_id_type(id_type, GET_PRODUCT_CATEGORIES_FOR_ASIN.action, allowed=_ASIN_OR_SKU)
        operation = GET_PRODUCT_CATEGORIES_FOR_ASIN if canonical == "ASIN" else GET_PRODUCT_CATEGORIES_FOR_SKU
        param = "asin" if canonical == "ASIN" else "seller_sku"
        target = BulkTarget(
            operation, param, 1, canonical, {"marketplace_id": self._marketplace_id(marketplace)}
        )
        return self._bulk(target, ids, ordered, concurrency, window, sellers, stats)

    def _bulk(
        self,
        target: BulkTarget,
        ids: Ids,
        ordered: bool,
        concurrency: int,
        window: int,
        sellers: Sequence[Credentials] | None,
        stats: BulkStats | None,
    ) -> AsyncIterator[BulkResult[Any]]:
        if sellers is None and self._credentials is not None:
            sellers = [self._credentials]
        return run_bulk(
            self._client,
            target,
            ids,
            credentials=sellers,
            ordered=ordered,
            concurrency=concurrency,
            window=window,
            stats=stats,
        )
