"""Pydantic models of every schema of the SP-API Product Pricing v0 reference (``productPricingV0.json``).

Conventions:

- class names are the reference's definition names; fields are snake_case and the JSON property name is
  the alias (both are accepted when building a model, ``populate_by_name``); dumping ``by_alias=True``
  gives the wire form;
- money amounts are :class:`~decimal.Decimal` (bodies are parsed with ``parse_float=Decimal``, so no binary
  rounding ever happens), bounded like MWS amounts (:data:`~mws_async.models.common.MoneyAmount`: an amount
  whose decimal exponent lies outside -20..20, such as ``1e100000000``, fails validation);
- enumerations are ``Literal`` types named as in the reference (:data:`ConditionType`,
  :data:`CustomerType`, :data:`OfferCustomerType`, ...); the request-only ``ItemType`` (``Asin``/``Sku``) is
  here too;
- unknown properties are ignored (Amazon adds fields over time);
- array definitions (``PriceList``, ``OffersList``, ``ErrorList``, ...) are type aliases of ``list[...]``.

The top-level responses (:class:`GetPricingResponse`, :class:`GetOffersResponse`,
:class:`GetItemOffersBatchResponse`, :class:`GetListingOffersBatchResponse`) also carry ``request_id``
(``x-amzn-RequestId``) and ``rate_limit`` (``x-amzn-RateLimit-Limit``) of the HTTP response they came from;
neither is part of the JSON.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any, Final, Literal, TypeAlias
from urllib.parse import quote

from pydantic import AliasChoices, BaseModel, ConfigDict, Field

from mws_async.errors import ClientValidationError
from mws_async.identifiers import describe
from mws_async.models.common import MoneyAmount

__all__ = [
    "SCHEMAS",
    "ASINIdentifier",
    "Asin",
    "AttributeSetList",
    "BatchOffersRequestParams",
    "BatchOffersResponse",
    "BatchRequest",
    "BuyBoxEligibleOffers",
    "BuyBoxPriceType",
    "BuyBoxPrices",
    "CompetitivePriceList",
    "CompetitivePriceType",
    "CompetitivePricingType",
    "ConditionType",
    "CustomerType",
    "DetailedShippingTimeType",
    "Error",
    "ErrorList",
    "Errors",
    "FulfillmentChannelType",
    "GetItemOffersBatchRequest",
    "GetItemOffersBatchResponse",
    "GetListingOffersBatchRequest",
    "GetListingOffersBatchResponse",
    "GetOffersHttpStatusLine",
    "GetOffersResponse",
    "GetOffersResult",
    "GetPricingResponse",
    "HttpMethod",
    "HttpRequestHeaders",
    "HttpResponseHeaders",
    "HttpUri",
    "IdentifierType",
    "ItemCondition",
    "ItemIdentifier",
    "ItemOffersRequest",
    "ItemOffersRequestList",
    "ItemOffersRequestParams",
    "ItemOffersResponse",
    "ItemOffersResponseList",
    "ItemType",
    "ListingOffersRequest",
    "ListingOffersRequestList",
    "ListingOffersRequestParams",
    "ListingOffersResponse",
    "ListingOffersResponseList",
    "LowestPriceType",
    "LowestPrices",
    "MarketplaceId",
    "MoneyType",
    "NumberOfOfferListingsList",
    "NumberOfOffers",
    "OfferCountType",
    "OfferCustomerType",
    "OfferDetail",
    "OfferDetailList",
    "OfferListingCountType",
    "OfferType",
    "OffersList",
    "Points",
    "Price",
    "PriceList",
    "PriceType",
    "PrimeInformationType",
    "Product",
    "QuantityDiscountPriceType",
    "QuantityDiscountType",
    "RelationshipList",
    "SPAPIModel",
    "SalesRankList",
    "SalesRankType",
    "SellerFeedbackType",
    "SellerSKUIdentifier",
    "ShipsFromType",
    "Summary",
]

# --- enumerations and scalar definitions ----------------------------------------------------------------
ItemCondition: TypeAlias = Literal["New", "Used", "Collectible", "Refurbished", "Club"]
"""``ItemCondition``: the condition filter of a request."""
ConditionType: TypeAlias = Literal["New", "Used", "Collectible", "Refurbished", "Club"]
"""``ConditionType``: the condition of an item in a response."""
CustomerType: TypeAlias = Literal["Consumer", "Business"]
"""``CustomerType``: Consumer (default) or Business offers."""
OfferCustomerType: TypeAlias = Literal["B2C", "B2B"]
"""``OfferCustomerType``: also the values of getPricing's ``OfferType`` query parameter."""
QuantityDiscountType: TypeAlias = Literal["QUANTITY_DISCOUNT"]
"""``QuantityDiscountType``."""
FulfillmentChannelType: TypeAlias = Literal["Amazon", "Merchant"]
"""``FulfillmentChannelType``: fulfilled by Amazon or by the seller."""
HttpMethod: TypeAlias = Literal["GET", "PUT", "PATCH", "DELETE", "POST"]
"""``HttpMethod`` of a batched request."""
ItemType: TypeAlias = Literal["Asin", "Sku"]
"""The ``ItemType`` query parameter of getPricing / getCompetitivePricing."""
MarketplaceId: TypeAlias = str
"""``MarketplaceId``: a marketplace identifier (the same ids as MWS)."""
Asin: TypeAlias = str
"""``Asin``: an Amazon Standard Identification Number."""
HttpUri: TypeAlias = str
"""``HttpUri``: the resource path of a batched request (6-512 characters)."""
HttpRequestHeaders: TypeAlias = dict[str, str]
"""``HttpRequestHeaders``: extra headers of a batched request."""


class SPAPIModel(BaseModel):
    """Base of every Pricing v0 model: JSON names as aliases, unknown properties ignored."""

    model_config = ConfigDict(populate_by_name=True, extra="ignore", serialize_by_alias=True)

    def to_json_dict(self) -> dict[str, Any]:
        """The wire form (JSON names, ``None`` left out), as a JSON-ready dict."""
        return self.model_dump(mode="json", by_alias=True, exclude_none=True)


class _Response(SPAPIModel):
    """Top-level response: what the HTTP response said besides the body."""

    request_id: str | None = Field(default=None, exclude=True, validation_alias="__request_id__")
    """``x-amzn-RequestId`` of the response this model was parsed from."""
    rate_limit: float | None = Field(default=None, exclude=True, validation_alias="__rate_limit__")
    """``x-amzn-RateLimit-Limit`` (requests per second), when the response had it."""


# --- money, prices, points ------------------------------------------------------------------------------
class MoneyType(SPAPIModel):
    """``MoneyType``: an amount and its ISO 4217 currency."""

    currency_code: str | None = Field(default=None, alias="CurrencyCode")
    amount: MoneyAmount | None = Field(default=None, alias="Amount")


class Points(SPAPIModel):
    """``Points``: Amazon Points offered with a purchase, and their monetary value."""

    points_number: int | None = Field(default=None, alias="PointsNumber")
    points_monetary_value: MoneyType | None = Field(default=None, alias="PointsMonetaryValue")


class PriceType(SPAPIModel):
    """``PriceType``: listing price, shipping, landed price (listing + shipping - points) and points."""

    landed_price: MoneyType | None = Field(default=None, alias="LandedPrice")
    listing_price: MoneyType = Field(alias="ListingPrice")
    shipping: MoneyType | None = Field(default=None, alias="Shipping")
    points: Points | None = Field(default=None, alias="Points")


class QuantityDiscountPriceType(SPAPIModel):
    """``QuantityDiscountPriceType``: the price from a quantity tier on."""

    quantity_tier: int = Field(alias="quantityTier")
    quantity_discount_type: QuantityDiscountType = Field(alias="quantityDiscountType")
    listing_price: MoneyType = Field(alias="listingPrice")


# --- identifiers ----------------------------------------------------------------------------------------
class ASINIdentifier(SPAPIModel):
    """``ASINIdentifier``: an item by marketplace and ASIN."""

    marketplace_id: str = Field(alias="MarketplaceId")
    asin: str = Field(alias="ASIN")


class SellerSKUIdentifier(SPAPIModel):
    """``SellerSKUIdentifier``: an item by marketplace, seller and SKU."""

    marketplace_id: str = Field(alias="MarketplaceId")
    seller_id: str = Field(alias="SellerId")
    seller_sku: str = Field(alias="SellerSKU")


class IdentifierType(SPAPIModel):
    """``IdentifierType``: the identifiers of an item."""

    marketplace_asin: ASINIdentifier = Field(alias="MarketplaceASIN")
    sku_identifier: SellerSKUIdentifier | None = Field(default=None, alias="SKUIdentifier")


class ItemIdentifier(SPAPIModel):
    """``ItemIdentifier``: what a getItemOffers / getListingOffers answer is about."""

    marketplace_id: str = Field(alias="MarketplaceId")
    asin: str | None = Field(default=None, alias="ASIN")
    seller_sku: str | None = Field(default=None, alias="SellerSKU")
    item_condition: ConditionType = Field(alias="ItemCondition")


# --- getPricing / getCompetitivePricing -----------------------------------------------------------------
AttributeSetList: TypeAlias = list[dict[str, Any]]
"""``AttributeSetList``: product attributes, when applicable."""
RelationshipList: TypeAlias = list[dict[str, Any]]
"""``RelationshipList``: variation information, when applicable."""


class CompetitivePriceType(SPAPIModel):
    """``CompetitivePriceType``: ``CompetitivePriceId`` 1 is the New Buy Box price, 2 the Used one."""

    competitive_price_id: str = Field(alias="CompetitivePriceId")
    price: PriceType = Field(alias="Price")
    condition: str | None = None
    subcondition: str | None = None
    offer_type: OfferCustomerType | None = Field(default=None, alias="offerType")
    quantity_tier: int | None = Field(default=None, alias="quantityTier")
    quantity_discount_type: QuantityDiscountType | None = Field(default=None, alias="quantityDiscountType")
    seller_id: str | None = Field(default=None, alias="sellerId")
    belongs_to_requester: bool | None = Field(default=None, alias="belongsToRequester")


CompetitivePriceList: TypeAlias = list[CompetitivePriceType]
"""``CompetitivePriceList``."""


class OfferListingCountType(SPAPIModel):
    """``OfferListingCountType``: the number of offer listings in one condition (``Any`` for all)."""

    count: int = Field(alias="Count")
    condition: str


NumberOfOfferListingsList: TypeAlias = list[OfferListingCountType]
"""``NumberOfOfferListingsList``."""


class CompetitivePricingType(SPAPIModel):
    """``CompetitivePricingType``: competitive prices, listing counts and trade-in value."""

    competitive_prices: CompetitivePriceList = Field(alias="CompetitivePrices")
    number_of_offer_listings: NumberOfOfferListingsList = Field(alias="NumberOfOfferListings")
    trade_in_value: MoneyType | None = Field(default=None, alias="TradeInValue")

    def price(self, competitive_price_id: str = "1") -> CompetitivePriceType | None:
        """The competitive price with this id (``"1"`` New Buy Box, ``"2"`` Used Buy Box), if present."""
        return next(
            (p for p in self.competitive_prices if p.competitive_price_id == competitive_price_id), None
        )


class SalesRankType(SPAPIModel):
    """``SalesRankType``: the sales rank in one category."""

    product_category_id: str = Field(alias="ProductCategoryId")
    rank: int = Field(alias="Rank")


SalesRankList: TypeAlias = list[SalesRankType]
"""``SalesRankList``."""


class OfferType(SPAPIModel):
    """``OfferType``: one of the seller's own offers (getPricing)."""

    offer_type: OfferCustomerType | None = Field(default=None, alias="offerType")
    buying_price: PriceType = Field(alias="BuyingPrice")
    regular_price: MoneyType = Field(alias="RegularPrice")
    business_price: MoneyType | None = Field(default=None, alias="businessPrice")
    quantity_discount_prices: list[QuantityDiscountPriceType] | None = Field(
        default=None, alias="quantityDiscountPrices"
    )
    fulfillment_channel: str = Field(alias="FulfillmentChannel")
    item_condition: str = Field(alias="ItemCondition")
    item_sub_condition: str = Field(alias="ItemSubCondition")
    seller_sku: str = Field(alias="SellerSKU")


OffersList: TypeAlias = list[OfferType]
"""``OffersList``."""


class Product(SPAPIModel):
    """``Product``: an item with its identifiers and, per operation, competitive pricing or offers."""

    identifiers: IdentifierType = Field(alias="Identifiers")
    attribute_sets: AttributeSetList | None = Field(default=None, alias="AttributeSets")
    relationships: RelationshipList | None = Field(default=None, alias="Relationships")
    competitive_pricing: CompetitivePricingType | None = Field(default=None, alias="CompetitivePricing")
    sales_rankings: SalesRankList | None = Field(default=None, alias="SalesRankings")
    offers: OffersList | None = Field(default=None, alias="Offers")


class Price(SPAPIModel):
    """``Price``: the per-item result of getPricing / getCompetitivePricing (``status`` ``Success``...)."""

    status: str
    seller_sku: str | None = Field(default=None, alias="SellerSKU")
    asin: str | None = Field(default=None, alias="ASIN")
    product: Product | None = Field(default=None, alias="Product")

    @property
    def ok(self) -> bool:
        """``status == "Success"``."""
        return self.status == "Success"


PriceList: TypeAlias = list[Price]
"""``PriceList``: at most 20 :class:`Price` results."""


class Error(SPAPIModel):
    """``Error``: one error of an unsuccessful request."""

    code: str
    message: str
    details: str | None = None


ErrorList: TypeAlias = list[Error]
"""``ErrorList``."""


class Errors(SPAPIModel):
    """``Errors``: the body of an unsuccessful request."""

    errors: ErrorList


class GetPricingResponse(_Response):
    """``GetPricingResponse``: the answer of getPricing and getCompetitivePricing."""

    payload: PriceList | None = None
    errors: ErrorList | None = None


# --- getItemOffers / getListingOffers -------------------------------------------------------------------
class OfferCountType(SPAPIModel):
    """``OfferCountType``: the number of offers in one condition and fulfillment channel."""

    condition: str | None = None
    fulfillment_channel: FulfillmentChannelType | None = Field(default=None, alias="fulfillmentChannel")
    offer_count: int | None = Field(default=None, alias="OfferCount")


BuyBoxEligibleOffers: TypeAlias = list[OfferCountType]
"""``BuyBoxEligibleOffers``."""
NumberOfOffers: TypeAlias = list[OfferCountType]
"""``NumberOfOffers``."""


class LowestPriceType(SPAPIModel):
    """``LowestPriceType``: the lowest price in one condition and fulfillment channel."""

    condition: str
    fulfillment_channel: str = Field(alias="fulfillmentChannel")
    offer_type: OfferCustomerType | None = Field(default=None, alias="offerType")
    quantity_tier: int | None = Field(default=None, alias="quantityTier")
    quantity_discount_type: QuantityDiscountType | None = Field(default=None, alias="quantityDiscountType")
    landed_price: MoneyType | None = Field(default=None, alias="LandedPrice")
    listing_price: MoneyType = Field(alias="ListingPrice")
    shipping: MoneyType = Field(alias="Shipping")
    points: Points | None = Field(default=None, alias="Points")


LowestPrices: TypeAlias = list[LowestPriceType]
"""``LowestPrices``."""


class BuyBoxPriceType(SPAPIModel):
    """``BuyBoxPriceType``: the Buy Box price in one condition."""

    condition: str
    offer_type: OfferCustomerType | None = Field(default=None, alias="offerType")
    quantity_tier: int | None = Field(default=None, alias="quantityTier")
    quantity_discount_type: QuantityDiscountType | None = Field(default=None, alias="quantityDiscountType")
    landed_price: MoneyType = Field(alias="LandedPrice")
    listing_price: MoneyType = Field(alias="ListingPrice")
    shipping: MoneyType = Field(alias="Shipping")
    points: Points | None = Field(default=None, alias="Points")
    seller_id: str | None = Field(default=None, alias="sellerId")


BuyBoxPrices: TypeAlias = list[BuyBoxPriceType]
"""``BuyBoxPrices``."""


class Summary(SPAPIModel):
    """``Summary``: offer counts, lowest and Buy Box prices, list price and sales ranks of an item."""

    total_offer_count: int = Field(alias="TotalOfferCount")
    number_of_offers: NumberOfOffers | None = Field(default=None, alias="NumberOfOffers")
    lowest_prices: LowestPrices | None = Field(default=None, alias="LowestPrices")
    buy_box_prices: BuyBoxPrices | None = Field(default=None, alias="BuyBoxPrices")
    list_price: MoneyType | None = Field(default=None, alias="ListPrice")
    competitive_price_threshold: MoneyType | None = Field(default=None, alias="CompetitivePriceThreshold")
    suggested_lower_price_plus_shipping: MoneyType | None = Field(
        default=None, alias="SuggestedLowerPricePlusShipping"
    )
    sales_rankings: SalesRankList | None = Field(default=None, alias="SalesRankings")
    buy_box_eligible_offers: BuyBoxEligibleOffers | None = Field(default=None, alias="BuyBoxEligibleOffers")
    offers_available_time: datetime | None = Field(default=None, alias="OffersAvailableTime")

    def lowest_landed_price(self) -> Decimal | None:
        """The lowest ``LandedPrice`` amount over every condition and channel listed (None if none)."""
        amounts = [
            p.landed_price.amount
            for p in self.lowest_prices or ()
            if p.landed_price is not None and p.landed_price.amount is not None
        ]
        return min(amounts) if amounts else None


class SellerFeedbackType(SPAPIModel):
    """``SellerFeedbackType``: positive feedback percentage (last 365 days) and rating count."""

    seller_positive_feedback_rating: float | None = Field(default=None, alias="SellerPositiveFeedbackRating")
    feedback_count: int = Field(alias="FeedbackCount")


class DetailedShippingTimeType(SPAPIModel):
    """``DetailedShippingTimeType``: when the item will likely ship."""

    minimum_hours: int | None = Field(default=None, alias="minimumHours")
    maximum_hours: int | None = Field(default=None, alias="maximumHours")
    available_date: str | None = Field(default=None, alias="availableDate")
    availability_type: Literal["NOW", "FUTURE_WITHOUT_DATE", "FUTURE_WITH_DATE"] | None = Field(
        default=None, alias="availabilityType"
    )


class ShipsFromType(SPAPIModel):
    """``ShipsFromType``: state and country the item ships from."""

    state: str | None = Field(default=None, alias="State")
    country: str | None = Field(default=None, alias="Country")


class PrimeInformationType(SPAPIModel):
    """``PrimeInformationType``: Prime eligibility of an offer."""

    is_prime: bool = Field(alias="IsPrime")
    is_national_prime: bool = Field(alias="IsNationalPrime")


class OfferDetail(SPAPIModel):
    """``OfferDetail``: one offer on an item (getItemOffers / getListingOffers)."""

    my_offer: bool | None = Field(default=None, alias="MyOffer")
    offer_type: OfferCustomerType | None = Field(default=None, alias="offerType")
    sub_condition: str = Field(alias="SubCondition")
    seller_id: str | None = Field(default=None, alias="SellerId")
    condition_notes: str | None = Field(default=None, alias="ConditionNotes")
    seller_feedback_rating: SellerFeedbackType | None = Field(default=None, alias="SellerFeedbackRating")
    shipping_time: DetailedShippingTimeType = Field(alias="ShippingTime")
    listing_price: MoneyType = Field(alias="ListingPrice")
    quantity_discount_prices: list[QuantityDiscountPriceType] | None = Field(
        default=None, alias="quantityDiscountPrices"
    )
    points: Points | None = Field(default=None, alias="Points")
    shipping: MoneyType = Field(alias="Shipping")
    ships_from: ShipsFromType | None = Field(default=None, alias="ShipsFrom")
    is_fulfilled_by_amazon: bool = Field(alias="IsFulfilledByAmazon")
    prime_information: PrimeInformationType | None = Field(default=None, alias="PrimeInformation")
    is_buy_box_winner: bool | None = Field(default=None, alias="IsBuyBoxWinner")
    is_featured_merchant: bool | None = Field(default=None, alias="IsFeaturedMerchant")


OfferDetailList: TypeAlias = list[OfferDetail]
"""``OfferDetailList``: at most 20 offers."""


class GetOffersResult(SPAPIModel):
    """``GetOffersResult``: the payload of getItemOffers / getListingOffers."""

    # The reference names it MarketplaceID; answers have been seen with marketplaceId too.
    marketplace_id: str = Field(
        alias="MarketplaceID",
        validation_alias=AliasChoices("MarketplaceID", "marketplaceId", "marketplace_id"),
    )
    asin: str | None = Field(default=None, alias="ASIN")
    sku: str | None = Field(default=None, alias="SKU")
    item_condition: ConditionType = Field(alias="ItemCondition")
    status: str
    identifier: ItemIdentifier = Field(alias="Identifier")
    summary: Summary = Field(alias="Summary")
    offers: OfferDetailList = Field(alias="Offers")


class GetOffersResponse(_Response):
    """``GetOffersResponse``: the answer of getItemOffers / getListingOffers."""

    payload: GetOffersResult | None = None
    errors: ErrorList | None = None


# --- batches --------------------------------------------------------------------------------------------
class HttpResponseHeaders(SPAPIModel):
    """``HttpResponseHeaders``: headers of one batched response (``Date``, ``x-amzn-RequestId``, others)."""

    model_config = ConfigDict(populate_by_name=True, extra="allow", serialize_by_alias=True)

    date: str | None = Field(default=None, alias="Date")
    x_amzn_request_id: str | None = Field(default=None, alias="x-amzn-RequestId")


class GetOffersHttpStatusLine(SPAPIModel):
    """``GetOffersHttpStatusLine``: status code (100-599) and reason phrase of one batched response."""

    status_code: int | None = Field(default=None, alias="statusCode", ge=100, le=599)
    reason_phrase: str | None = Field(default=None, alias="reasonPhrase")


_URI_MAX: Final = 512
"""The longest ``HttpUri`` the reference allows."""


class BatchRequest(SPAPIModel):
    """``BatchRequest``: the resource path and method of one batched call."""

    uri: HttpUri = Field(min_length=6, max_length=_URI_MAX)
    method: HttpMethod
    headers: HttpRequestHeaders | None = None


class BatchOffersRequestParams(SPAPIModel):
    """``BatchOffersRequestParams``: marketplace, condition and customer type of one batched call."""

    marketplace_id: MarketplaceId = Field(alias="MarketplaceId")
    item_condition: ItemCondition = Field(alias="ItemCondition")
    customer_type: CustomerType | None = Field(default=None, alias="CustomerType")


def _batched_call(
    helper: str,
    path: str,
    id_wire: str,
    item_id: object,
    marketplace_id: object,
    item_condition: object,
    customer_type: object,
) -> dict[str, Any]:
    """The fields of one batched ``GET`` of ``path`` (``{}`` is the URL-encoded id), checked the way single
    calls check them; every problem in one :class:`~mws_async.errors.ClientValidationError` for ``helper``."""
    # Imported here: operations imports this module at import time (its result models).
    from mws_async.spapi.operations import CUSTOMER_TYPES, ITEM_CONDITIONS, SPParam

    problems: list[str] = []

    def text(param: SPParam, value: object) -> str | None:
        rendered = param.render(value, problems)  # a string, non-blank, sendable, one of the choices
        return rendered if isinstance(rendered, str) else None

    checked_id = text(SPParam(id_wire, id_wire), item_id)
    uri = path.format(quote(checked_id, safe="")) if checked_id is not None else ""
    if len(uri) > _URI_MAX:
        problems.append(
            f"{id_wire}={describe(item_id)} is too long: its uri would be {len(uri)} characters, "
            f"at most {_URI_MAX}"
        )
    market = text(SPParam("marketplace_id", "MarketplaceId", marketplace=True), marketplace_id)
    condition = text(SPParam("item_condition", "ItemCondition", choices=ITEM_CONDITIONS), item_condition)
    customer = None
    if customer_type is not None:
        customer = text(SPParam("customer_type", "CustomerType", choices=CUSTOMER_TYPES), customer_type)
    if problems:
        raise ClientValidationError(helper, problems)
    return {
        "uri": uri,
        "method": "GET",
        "marketplace_id": market,
        "item_condition": condition,
        "customer_type": customer,
    }


class ItemOffersRequest(BatchRequest, BatchOffersRequestParams):
    """``ItemOffersRequest``: one getItemOffers call inside getItemOffersBatch."""

    @classmethod
    def for_asin(
        cls,
        asin: str,
        marketplace_id: str,
        item_condition: ItemCondition = "New",
        customer_type: CustomerType | None = None,
    ) -> ItemOffersRequest:
        """The request for ``asin`` (``uri`` ``/products/pricing/v0/items/{asin}/offers``, ``GET``).

        The ASIN's shape is not checked (the batch answers a malformed one with its own error), but a
        non-string, blank or unsendable ASIN or marketplace id, an ASIN too long for the reference's
        512-character ``uri``, or an item condition / customer type that is not one of the reference's values
        is a :class:`~mws_async.errors.ClientValidationError` naming every problem. Values are trimmed and
        the ASIN is URL-encoded into the path, as single calls do.
        """
        return cls(
            **_batched_call(
                "ItemOffersRequest.for_asin",
                "/products/pricing/v0/items/{}/offers",
                "Asin",
                asin,
                marketplace_id,
                item_condition,
                customer_type,
            )
        )


class ListingOffersRequest(BatchRequest, BatchOffersRequestParams):
    """``ListingOffersRequest``: one getListingOffers call inside getListingOffersBatch."""

    @classmethod
    def for_sku(
        cls,
        seller_sku: str,
        marketplace_id: str,
        item_condition: ItemCondition = "New",
        customer_type: CustomerType | None = None,
    ) -> ListingOffersRequest:
        """The request for ``seller_sku`` (the SKU is URL-encoded into the path).

        A non-string or blank SKU or marketplace id, an item condition / customer type that is not one of
        the reference's values, or a SKU too long for the reference's 512-character ``uri`` is a
        :class:`~mws_async.errors.ClientValidationError` naming every problem. Values are trimmed, as single
        calls do.
        """
        return cls(
            **_batched_call(
                "ListingOffersRequest.for_sku",
                "/products/pricing/v0/listings/{}/offers",
                "SellerSKU",
                seller_sku,
                marketplace_id,
                item_condition,
                customer_type,
            )
        )


ItemOffersRequestList: TypeAlias = list[ItemOffersRequest]
"""``ItemOffersRequestList``: 1-20 requests."""
ListingOffersRequestList: TypeAlias = list[ListingOffersRequest]
"""``ListingOffersRequestList``: 1-20 requests."""


class GetItemOffersBatchRequest(SPAPIModel):
    """``GetItemOffersBatchRequest``: the body of getItemOffersBatch."""

    requests: ItemOffersRequestList | None = Field(default=None, min_length=1, max_length=20)


class GetListingOffersBatchRequest(SPAPIModel):
    """``GetListingOffersBatchRequest``: the body of getListingOffersBatch."""

    requests: ListingOffersRequestList | None = Field(default=None, min_length=1, max_length=20)


class ItemOffersRequestParams(BatchOffersRequestParams):
    """``ItemOffersRequestParams``: the echo of one batched getItemOffers request."""

    asin: str | None = Field(default=None, alias="Asin")


class ListingOffersRequestParams(BatchOffersRequestParams):
    """``ListingOffersRequestParams``: the echo of one batched getListingOffers request."""

    seller_sku: str = Field(alias="SellerSKU")


class BatchOffersResponse(SPAPIModel):
    """``BatchOffersResponse``: one batched answer: headers, status line and body."""

    headers: HttpResponseHeaders | None = None
    status: GetOffersHttpStatusLine | None = None
    body: GetOffersResponse

    @property
    def status_code(self) -> int | None:
        """``status.statusCode``."""
        return self.status.status_code if self.status is not None else None

    @property
    def ok(self) -> bool:
        """A 2xx status with a payload."""
        code = self.status_code
        return code is not None and 200 <= code < 300 and self.body.payload is not None

    @property
    def request_id(self) -> str | None:
        """``x-amzn-RequestId`` of this inner response."""
        return self.headers.x_amzn_request_id if self.headers is not None else None


class ItemOffersResponse(BatchOffersResponse):
    """``ItemOffersResponse``: one getItemOffers answer inside getItemOffersBatch, with its request echo."""

    request: ItemOffersRequestParams

    @property
    def asin(self) -> str | None:
        """The ASIN this answer is for (request echo, else the payload)."""
        if self.request.asin:
            return self.request.asin
        return self.body.payload.asin if self.body.payload is not None else None


class ListingOffersResponse(BatchOffersResponse):
    """``ListingOffersResponse``: one getListingOffers answer inside getListingOffersBatch."""

    request: ListingOffersRequestParams | None = None


ItemOffersResponseList: TypeAlias = list[ItemOffersResponse]
"""``ItemOffersResponseList``."""
ListingOffersResponseList: TypeAlias = list[ListingOffersResponse]
"""``ListingOffersResponseList``."""


class GetItemOffersBatchResponse(_Response):
    """``GetItemOffersBatchResponse``: one :class:`ItemOffersResponse` per batched request."""

    responses: ItemOffersResponseList | None = None


class GetListingOffersBatchResponse(_Response):
    """``GetListingOffersBatchResponse``: one :class:`ListingOffersResponse` per batched request."""

    responses: ListingOffersResponseList | None = None


SCHEMAS: Final[dict[str, object]] = {
    name: globals()[name] for name in __all__ if name not in ("SCHEMAS", "SPAPIModel", "ItemType")
}
"""Every definition of the Pricing v0 reference, by its reference name (models, aliases and enums)."""
