"""Products API (``/Products/2011-10-01``) response models.

Each operation's ``{Action}Result`` element validates into the model named in :data:`PRODUCTS_RESULT_MODELS`;
per-identifier operations return one result element per requested id (order not guaranteed; match them by
their attributes), so those are validated as a list::

    doc = xml.parse(body, force_list=PRODUCTS_FORCE_LIST)
    root = doc[f"{action}Response"]
    model, many = PRODUCTS_RESULT_MODELS[action]
    results = [model.model_validate(r) for r in root[f"{action}Result"]] if many else ...

Leniency rules (the official PHP mocks put placeholders such as ``String`` where real data has dates, numbers
or booleans): fields whose placeholders are not valid values are plain ``str``; dates/datetimes and the
``MultipleOffersAtLowestPrice`` flag become ``None`` when unparsable instead of failing the whole response.
Amounts are always :class:`~decimal.Decimal`, ranks and counts ``int``, ``true``/``false`` flags ``bool``.

GetLowestPricedOffers per-item failures: besides the usual ``status`` attribute on the result, the MWS docs
show an ``ErrorResponse`` root whose ``<Error>`` carries the item attributes (``MarketplaceID``, ``ASIN`` or
``SKU``, ``ItemCondition``, ``status``). :meth:`LowestPricedOffersResult.from_error_response` turns that
body into an ordinary (failed) :class:`LowestPricedOffersResult`, and returns ``None`` for an ErrorResponse
that is not such a per-item failure (the caller then raises the usual MWS error).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Final

from pydantic import (
    AfterValidator,
    AliasChoices,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidatorFunctionWrapHandler,
    WrapValidator,
    model_validator,
)

from mws_async.models.base import (
    ListBefore,
    MWSModel,
    TextNode,
    XmlList,
    as_list,
    bounded_recursion,
    check_extras,
    check_nesting,
    wrapped,
)
from mws_async.models.common import Money, Quantity, ServiceStatus

__all__ = [
    "PRODUCTS_FORCE_LIST",
    "PRODUCTS_RESULT_MODELS",
    "BuyBoxPrice",
    "Category",
    "CompetitivePrice",
    "CompetitivePricing",
    "Creator",
    "Dimensions",
    "FeeDetail",
    "FeesEstimate",
    "FeesEstimateIdentifier",
    "FeesEstimateResult",
    "GetMyFeesEstimateResult",
    "Identifier",
    "Identifiers",
    "Image",
    "ItemAttributes",
    "Language",
    "ListMatchingProductsResult",
    "LowestOfferListing",
    "LowestPrice",
    "LowestPricedOffersResult",
    "MarketplaceASIN",
    "Offer",
    "OfferCount",
    "OfferListingCount",
    "Points",
    "Price",
    "PriceToEstimateFees",
    "PricedOffer",
    "Product",
    "ProductCategoriesResult",
    "ProductError",
    "ProductResult",
    "ProductsForIdResult",
    "Qualifiers",
    "Relationships",
    "SKUIdentifier",
    "SalesRank",
    "SellerFeedbackRating",
    "ServiceStatus",
    "ShippingTime",
    "ShipsFrom",
    "Summary",
    "VariationChild",
    "VariationParent",
]


# --------------------------------------------------------------------------------------------- adapters


def _none_on_error(value: Any, handler: ValidatorFunctionWrapHandler) -> Any:
    """Validate normally; an unparsable value (a mock's ``String`` date) becomes ``None``."""
    try:
        return handler(value)
    except ValueError:  # pydantic_core.ValidationError is a ValueError
        return None


def _first(value: Any) -> Any:
    """A single element that ``force_list`` (or a repeated element) turned into a list: keep the first."""
    if isinstance(value, list):
        return value[0] if value else None
    return value


def _texts(value: Any) -> list[Any]:
    """Repeated text elements: always a list; empty elements dropped, ``{"#text": ..}`` reduced to text."""
    out: list[Any] = []
    for item in as_list(value):
        if isinstance(item, dict):
            item = item.get("#text")
        if item is not None:
            out.append(item)
    return out


LenientDate = Annotated[date | None, WrapValidator(_none_on_error)]
"""A date; ``None`` when missing or unparsable."""

LenientDatetime = Annotated[datetime | None, WrapValidator(_none_on_error)]
"""A datetime; ``None`` when missing or unparsable."""

LenientBool = Annotated[bool | None, WrapValidator(_none_on_error)]
"""A flag; ``None`` when missing or not a boolean (``String`` in the PHP mocks)."""

TextList = Annotated[list[str], ListBefore(_texts)]
"""A repeated text element (``Author``, ``Feature``...): always a list of strings."""

_First = BeforeValidator(_first)


# --------------------------------------------------------------------------------------------- errors


class ProductError(MWSModel):
    """A per-item ``<Error>`` inside a result (HTTP 200, ``status`` ClientError/ServerError)."""

    type: str | None = None
    code: str | None = None
    message: str | None = None
    detail: Annotated[Any, AfterValidator(check_nesting)] = None


# --------------------------------------------------------------------------------------------- product


class MarketplaceASIN(MWSModel):
    """``<MarketplaceASIN>``: the ASIN in one marketplace."""

    marketplace_id: str | None = None
    asin: str | None = Field(default=None, alias="ASIN")


class SKUIdentifier(MWSModel):
    """``<SKUIdentifier>`` (SKU operations): the seller's SKU in one marketplace."""

    marketplace_id: str | None = None
    seller_id: str | None = None
    seller_sku: str | None = Field(default=None, alias="SellerSKU")


class Identifiers(MWSModel):
    """``<Identifiers>`` of a product."""

    marketplace_asin: MarketplaceASIN | None = Field(default=None, alias="MarketplaceASIN")
    sku_identifier: SKUIdentifier | None = Field(default=None, alias="SKUIdentifier")


class Creator(TextNode):
    """``<Creator Role="Illustrator">Name</Creator>``."""

    value: str | None = Field(default=None, alias="#text")
    role: str | None = Field(default=None, alias="@Role")


class Dimensions(MWSModel):
    """Item or package dimensions, each a :class:`Quantity` with its unit."""

    height: Quantity | None = None
    length: Quantity | None = None
    width: Quantity | None = None
    weight: Quantity | None = None


class Image(MWSModel):
    """``<SmallImage>``: URL and pixel size."""

    url: str | None = Field(default=None, alias="URL")
    height: Quantity | None = None
    width: Quantity | None = None


class Language(MWSModel):
    """One ``<Language>`` of ``<Languages>``."""

    name: str | None = None
    type: str | None = None
    audio_format: str | None = None


class ItemAttributes(MWSModel):
    """``<ns2:ItemAttributes xml:lang=..>``: one language's catalogue attributes.

    The common attributes are typed; every other attribute Amazon sends is kept as an extra under its XML
    name (``attrs.model_extra["EpisodeSequence"]``), never dropped.
    """

    model_config = ConfigDict(extra="allow")
    _bounded = model_validator(mode="after")(check_extras)

    lang: str | None = Field(default=None, alias="@xml:lang")
    title: str | None = None
    brand: str | None = None
    binding: str | None = None
    author: TextList = Field(default_factory=list)
    creator: XmlList[Creator] = Field(default_factory=list)
    artist: TextList = Field(default_factory=list)
    actor: TextList = Field(default_factory=list)
    director: TextList = Field(default_factory=list)
    feature: TextList = Field(default_factory=list)
    format: TextList = Field(default_factory=list)
    platform: TextList = Field(default_factory=list)
    hardware_platform: str | None = None
    operating_system: TextList = Field(default_factory=list)
    material_type: TextList = Field(default_factory=list)
    genre: str | None = None
    department: str | None = None
    item_dimensions: Dimensions | None = None
    package_dimensions: Dimensions | None = None
    list_price: Money | None = None
    weee_tax_value: Money | None = Field(default=None, alias="WEEETaxValue")
    small_image: Image | None = None
    manufacturer: str | None = None
    label: str | None = None
    publisher: str | None = None
    studio: str | None = None
    product_group: str | None = None
    product_type_name: str | None = None
    publication_date: LenientDate = None
    release_date: LenientDate = None
    theatrical_release_date: LenientDate = None
    number_of_pages: int | None = None
    number_of_items: int | None = None
    number_of_discs: int | None = None
    package_quantity: int | None = None
    edition: str | None = None
    part_number: str | None = None
    item_part_number: str | None = None
    model: str | None = None
    color: str | None = None
    size: str | None = None
    languages: Annotated[list[Language], wrapped("Language")] = Field(default_factory=list)
    running_time: Quantity | None = None
    manufacturer_minimum_age: Quantity | None = None
    manufacturer_maximum_age: Quantity | None = None
    audience_rating: str | None = None
    aspect_ratio: str | None = None
    warranty: str | None = None
    is_adult_product: bool | None = None
    is_autographed: bool | None = None
    is_memorabilia: bool | None = None
    is_eligible_for_trade_in: bool | None = None


class VariationParent(MWSModel):
    """``<VariationParent>``: the parent ASIN of a variation."""

    identifiers: Identifiers | None = None


class VariationChild(MWSModel):
    """``<VariationChild>``: a child ASIN; variation attributes (``Color``, ``Size``...) kept as extras."""

    model_config = ConfigDict(extra="allow")
    _bounded = model_validator(mode="after")(check_extras)

    identifiers: Identifiers | None = None

    @property
    def variation_attributes(self) -> dict[str, Any]:
        """The variation attributes (every element other than ``Identifiers``), by XML name."""
        return dict(self.model_extra or {})


class Relationships(MWSModel):
    """``<Relationships>``: variation parents and children."""

    variation_parents: XmlList[VariationParent] = Field(default_factory=list, alias="VariationParent")
    variation_children: XmlList[VariationChild] = Field(default_factory=list, alias="VariationChild")


class SalesRank(MWSModel):
    """``<SalesRank>``: rank in one category (``book_display_on_website`` or a browse node id)."""

    product_category_id: str | None = None
    rank: int | None = None


class Points(MWSModel):
    """``<Points>`` (Japan): loyalty points and their monetary value."""

    points_number: int | None = None
    points_monetary_value: Money | None = None


class Price(MWSModel):
    """Landed price = listing price + shipping (- points)."""

    landed_price: Money | None = None
    listing_price: Money | None = None
    shipping: Money | None = None
    points: Points | None = None


class CompetitivePrice(MWSModel):
    """``<CompetitivePrice>``: a buy-box-like competitive price (``CompetitivePriceId`` 1 = new, 2 = used)."""

    competitive_price_id: str | None = None
    belongs_to_requester: bool | None = Field(default=None, alias="@belongsToRequester")
    condition: str | None = Field(default=None, alias="@condition")
    subcondition: str | None = Field(default=None, alias="@subcondition")
    price: Price | None = None


class OfferListingCount(TextNode):
    """``<OfferListingCount condition="New">10</OfferListingCount>``."""

    condition: str | None = Field(default=None, alias="@condition")
    count: int | None = Field(default=None, alias="#text")


class CompetitivePricing(MWSModel):
    """``<CompetitivePricing>`` of GetCompetitivePricingFor*."""

    competitive_prices: Annotated[list[CompetitivePrice], wrapped("CompetitivePrice")] = Field(
        default_factory=list
    )
    number_of_offer_listings: Annotated[list[OfferListingCount], wrapped("OfferListingCount")] = Field(
        default_factory=list
    )
    trade_in_value: Money | None = None


class ShippingTime(MWSModel):
    """Shipping time: ``<Max>`` range (lowest offer listings) or hour attributes (lowest priced offers)."""

    max: str | None = None
    minimum_hours: int | None = Field(default=None, alias="@minimumHours")
    maximum_hours: int | None = Field(default=None, alias="@maximumHours")
    availability_type: str | None = Field(default=None, alias="@availabilityType")
    available_date: LenientDatetime = Field(default=None, alias="@availableDate")


class Qualifiers(MWSModel):
    """``<Qualifiers>`` of a lowest offer listing (the group the listing is the lowest of)."""

    item_condition: str | None = None
    item_subcondition: str | None = None
    fulfillment_channel: str | None = None
    ships_domestically: str | None = None  # True / False / Unknown
    shipping_time: ShippingTime | None = None
    seller_positive_feedback_rating: str | None = None  # a range such as "95-97%"


class LowestOfferListing(MWSModel):
    """``<LowestOfferListing>`` of GetLowestOfferListingsFor*."""

    qualifiers: Qualifiers | None = None
    number_of_offer_listings_considered: int | None = None
    seller_feedback_count: int | None = None
    price: Price | None = None
    multiple_offers_at_lowest_price: LenientBool = None


class Offer(MWSModel):
    """``<Offer>`` of GetMyPriceFor*: the requester's own offer."""

    buying_price: Price | None = None
    regular_price: Money | None = None
    fulfillment_channel: str | None = None
    item_condition: str | None = None
    item_sub_condition: str | None = None
    seller_id: str | None = None
    seller_sku: str | None = Field(default=None, alias="SellerSKU")


class Product(MWSModel):
    """``<Product>``: identifiers, attribute sets (one per language), relationships, ranks, pricing."""

    identifiers: Identifiers | None = None
    attribute_sets: Annotated[list[ItemAttributes], wrapped("ItemAttributes")] = Field(default_factory=list)
    relationships: Relationships | None = None
    competitive_pricing: CompetitivePricing | None = None
    sales_rankings: Annotated[list[SalesRank], wrapped("SalesRank")] = Field(default_factory=list)
    lowest_offer_listings: Annotated[list[LowestOfferListing], wrapped("LowestOfferListing")] = Field(
        default_factory=list
    )
    offers: Annotated[list[Offer], wrapped("Offer")] = Field(default_factory=list)

    @property
    def asin(self) -> str | None:
        """The product's ASIN (``Identifiers/MarketplaceASIN/ASIN``)."""
        ids = self.identifiers
        return ids.marketplace_asin.asin if ids is not None and ids.marketplace_asin is not None else None

    @property
    def marketplace_id(self) -> str | None:
        """The marketplace the product data is for."""
        ids = self.identifiers
        if ids is None or ids.marketplace_asin is None:
            return None
        return ids.marketplace_asin.marketplace_id

    @property
    def seller_sku(self) -> str | None:
        """The seller SKU (SKU operations only)."""
        ids = self.identifiers
        return ids.sku_identifier.seller_sku if ids is not None and ids.sku_identifier is not None else None

    @property
    def attributes(self) -> ItemAttributes | None:
        """The first attribute set (the marketplace's language), if any."""
        return self.attribute_sets[0] if self.attribute_sets else None

    @property
    def title(self) -> str | None:
        """Title from the first attribute set."""
        attrs = self.attributes
        return attrs.title if attrs is not None else None


# --------------------------------------------------------------------------------------------- results


class ListMatchingProductsResult(MWSModel):
    """``ListMatchingProductsResult``: up to ten products matching the query."""

    products: Annotated[list[Product], wrapped("Product")] = Field(default_factory=list)


class ProductResult(MWSModel):
    """One per-id result of GetMatchingProduct, GetCompetitivePricingFor*, GetLowestOfferListingsFor*,
    GetMyPriceFor*: ``ASIN`` or ``SellerSKU`` and ``status`` attributes, then the product or an error."""

    asin: str | None = Field(default=None, alias="@ASIN")
    seller_sku: str | None = Field(default=None, alias="@SellerSKU")
    status: str | None = Field(default=None, alias="@status")
    all_offer_listings_considered: bool | None = None
    product: Annotated[Product | None, _First] = None
    error: Annotated[ProductError | None, _First] = None

    @property
    def ok(self) -> bool:
        """``status == "Success"``."""
        return self.status == "Success"

    @property
    def id(self) -> str | None:
        """The requested identifier: ASIN or SellerSKU."""
        return self.asin if self.asin is not None else self.seller_sku


class ProductsForIdResult(MWSModel):
    """One per-id result of GetMatchingProductForId: an identifier may match several products."""

    id: str | None = Field(default=None, alias="@Id")
    id_type: str | None = Field(default=None, alias="@IdType")
    status: str | None = Field(default=None, alias="@status")
    products: Annotated[list[Product], wrapped("Product")] = Field(default_factory=list)
    error: Annotated[ProductError | None, _First] = None

    @property
    def ok(self) -> bool:
        """``status == "Success"``."""
        return self.status == "Success"


class Identifier(MWSModel):
    """``<Identifier>`` of GetLowestPricedOffersFor*."""

    marketplace_id: str | None = None
    asin: str | None = Field(default=None, alias="ASIN")
    seller_sku: str | None = Field(default=None, alias="SellerSKU")
    item_condition: str | None = None
    time_of_offer_change: LenientDatetime = None


class OfferCount(TextNode):
    """``<OfferCount condition="new" fulfillmentChannel="Amazon">2</OfferCount>``."""

    condition: str | None = Field(default=None, alias="@condition")
    fulfillment_channel: str | None = Field(default=None, alias="@fulfillmentChannel")
    count: int | None = Field(default=None, alias="#text")


class LowestPrice(Price):
    """``<LowestPrice condition=.. fulfillmentChannel=..>``: lowest price of one condition/channel group."""

    condition: str | None = Field(default=None, alias="@condition")
    fulfillment_channel: str | None = Field(default=None, alias="@fulfillmentChannel")


class BuyBoxPrice(Price):
    """``<BuyBoxPrice condition=..>``."""

    condition: str | None = Field(default=None, alias="@condition")


class Summary(MWSModel):
    """``<Summary>`` of GetLowestPricedOffersFor*."""

    total_offer_count: int | None = None
    number_of_offers: Annotated[list[OfferCount], wrapped("OfferCount")] = Field(default_factory=list)
    lowest_prices: Annotated[list[LowestPrice], wrapped("LowestPrice")] = Field(default_factory=list)
    buy_box_prices: Annotated[list[BuyBoxPrice], wrapped("BuyBoxPrice")] = Field(default_factory=list)
    list_price: Money | None = None
    competitive_price_threshold: Money | None = None
    suggested_lower_price_plus_shipping: Money | None = None
    sales_rankings: Annotated[list[SalesRank], wrapped("SalesRank")] = Field(default_factory=list)
    buy_box_eligible_offers: Annotated[list[OfferCount], wrapped("OfferCount")] = Field(default_factory=list)
    offers_available_time: LenientDatetime = None


class SellerFeedbackRating(MWSModel):
    """``<SellerFeedbackRating>``: positive percentage and count."""

    seller_positive_feedback_rating: Decimal | None = None
    feedback_count: int | None = None


class ShipsFrom(MWSModel):
    """``<ShipsFrom>``: state and country the offer ships from."""

    state: str | None = None
    country: str | None = None


class PricedOffer(MWSModel):
    """``<Offer>`` of GetLowestPricedOffersFor* (one of up to twenty lowest offers)."""

    my_offer: bool | None = None
    sub_condition: str | None = None
    seller_feedback_rating: SellerFeedbackRating | None = None
    shipping_time: ShippingTime | None = None
    listing_price: Money | None = None
    shipping: Money | None = None
    points: Points | None = None
    ships_from: ShipsFrom | None = None
    is_fulfilled_by_amazon: bool | None = None
    is_buy_box_winner: bool | None = None
    is_featured_merchant: bool | None = None


class LowestPricedOffersResult(MWSModel):
    """``GetLowestPricedOffersFor{ASIN,SKU}Result``: one item's summary and lowest offers.

    ``status`` is ``Success``, ``NoBuyableOffers``, ``NoOfferDueToMissingShippingCharge``,
    ``ActiveButTooSoonForProcessing``, ``ClientError`` or ``ServerError``.
    """

    marketplace_id: str | None = Field(default=None, alias="@MarketplaceID")
    item_condition: str | None = Field(default=None, alias="@ItemCondition")
    asin: str | None = Field(default=None, alias="@ASIN")
    sku: str | None = Field(default=None, alias="@SKU")
    status: str | None = Field(default=None, alias="@status")
    identifier: Identifier | None = None
    summary: Summary | None = None
    offers: Annotated[list[PricedOffer], wrapped("Offer")] = Field(default_factory=list)
    error: Annotated[ProductError | None, _First] = None

    @property
    def ok(self) -> bool:
        """``status == "Success"`` (``NoBuyableOffers`` and the like are answers, not call failures)."""
        return self.status == "Success"

    @property
    def id(self) -> str | None:
        """The requested identifier: ASIN or SKU."""
        return self.asin if self.asin is not None else self.sku

    @classmethod
    def from_error_response(cls, doc: Mapping[str, Any]) -> LowestPricedOffersResult | None:
        """A per-item failure shaped as an ``ErrorResponse`` (the MWS doc examples) as a failed result.

        ``doc`` is the parsed body (``{"ErrorResponse": {...}}``) or its root. The first ``<Error>`` that
        carries item attributes (``status``, ``MarketplaceID``, ``ASIN``/``SKU``, ``ItemCondition``) becomes
        the result's attributes and ``error``. Returns ``None`` when the body is not such a failure (an
        ordinary ErrorResponse: raise it as usual). Never raises.
        """
        if not isinstance(doc, Mapping):
            return None
        root = doc.get("ErrorResponse", doc)
        if not isinstance(root, Mapping):
            return None
        for item in as_list(root.get("Error")):
            if not isinstance(item, Mapping) or not isinstance(item.get("@status"), str):
                continue
            data: dict[str, Any] = {k: v for k, v in item.items() if k[:1] == "@" and isinstance(v, str)}
            data["Error"] = {k: v for k, v in item.items() if k[:1] != "@"}
            try:
                return cls.model_validate(data)
            except ValueError:
                return None
        return None


class Category(MWSModel):
    """``<Self>`` / ``<Parent>``: a browse category with its parent chain up to the root."""

    product_category_id: str | None = None
    product_category_name: str | None = None
    parent: Annotated[Category | None, bounded_recursion("category chain")] = None

    @property
    def path(self) -> list[Category]:
        """The chain from the root category down to this one."""
        chain: list[Category] = []
        node: Category | None = self
        while node is not None:
            chain.append(node)
            node = node.parent
        chain.reverse()
        return chain

    @property
    def path_names(self) -> list[str | None]:
        """Category names from the root down to this one."""
        return [c.product_category_name for c in self.path]


class ProductCategoriesResult(MWSModel):
    """``GetProductCategoriesFor{ASIN,SKU}Result``: one or more leaf categories (``<Self>``)."""

    categories: XmlList[Category] = Field(default_factory=list, alias="Self")


class PriceToEstimateFees(MWSModel):
    """``<PriceToEstimateFees>`` echoed back in a fees estimate identifier."""

    listing_price: Money | None = None
    shipping: Money | None = None
    points: Points | None = None


class FeesEstimateIdentifier(MWSModel):
    """``<FeesEstimateIdentifier>``: the request a fees estimate answers."""

    marketplace_id: str | None = None
    seller_id: str | None = None
    id_type: str | None = None
    id_value: str | None = None
    is_amazon_fulfilled: bool | None = None
    price_to_estimate_fees: PriceToEstimateFees | None = None
    seller_input_identifier: str | None = None


class FeeDetail(MWSModel):
    """``<FeeDetail>``: one fee (``ReferralFee``, ``FBAFees``...), possibly made of included fees."""

    fee_type: str | None = None
    fee_amount: Money | None = None
    fee_promotion: Money | None = None
    tax_amount: Money | None = None
    final_fee: Money | None = None
    included_fee_detail_list: Annotated[
        list[FeeDetail], wrapped("FeeDetail"), bounded_recursion("included fees")
    ] = Field(
        default_factory=list,
        validation_alias=AliasChoices("IncludedFeeDetailList", "IncludedFeeList", "included_fee_detail_list"),
    )


class FeesEstimate(MWSModel):
    """``<FeesEstimate>``: total and per-fee breakdown."""

    time_of_fees_estimation: LenientDatetime = None
    total_fees_estimate: Money | None = None
    fee_detail_list: Annotated[list[FeeDetail], wrapped("FeeDetail")] = Field(default_factory=list)


class FeesEstimateResult(MWSModel):
    """``<FeesEstimateResult>``: one estimate; ``Status`` is an element here (Success, ClientError...)."""

    status: str | None = None
    fees_estimate_identifier: FeesEstimateIdentifier | None = None
    fees_estimate: FeesEstimate | None = None
    error: Annotated[ProductError | None, _First] = None

    @property
    def ok(self) -> bool:
        """``status == "Success"``."""
        return self.status == "Success"


class GetMyFeesEstimateResult(MWSModel):
    """``GetMyFeesEstimateResult``: one estimate per request of ``FeesEstimateRequestList``."""

    fees_estimate_results: Annotated[list[FeesEstimateResult], wrapped("FeesEstimateResult")] = Field(
        default=[], alias="FeesEstimateResultList"
    )


# --------------------------------------------------------------------------------------------- tables

_PER_ID_RESULTS: Final = (
    "GetMatchingProduct",
    "GetMatchingProductForId",
    "GetCompetitivePricingForSKU",
    "GetCompetitivePricingForASIN",
    "GetLowestOfferListingsForSKU",
    "GetLowestOfferListingsForASIN",
    "GetMyPriceForSKU",
    "GetMyPriceForASIN",
)

PRODUCTS_FORCE_LIST: Final[frozenset[str]] = frozenset(
    {
        # products and their parts
        "Product",
        "ItemAttributes",
        "SalesRank",
        "VariationParent",
        "VariationChild",
        "CompetitivePrice",
        "OfferListingCount",
        "LowestOfferListing",
        "Offer",
        # item attributes that repeat
        "Actor",
        "Artist",
        "Author",
        "Creator",
        "Director",
        "Feature",
        "Format",
        "Platform",
        "OperatingSystem",
        "MaterialType",
        "Language",
        # lowest priced offers
        "OfferCount",
        "LowestPrice",
        "BuyBoxPrice",
        # categories, fees, errors
        "Self",
        "FeesEstimateResult",
        "FeeDetail",
        "Error",
        # per-id operations: one result element per requested identifier
        *(f"{action}Result" for action in _PER_ID_RESULTS),
    }
)
"""Element names that can repeat in Products responses; pass to :func:`mws_async.xml.parse` as ``force_list``.

The models accept one element or many either way; forcing lists only makes the parsed dict uniform.
(``Message`` is deliberately absent: it is also the text of ``<Error><Message>``.)
"""

PRODUCTS_RESULT_MODELS: Final[Mapping[str, tuple[type[MWSModel], bool]]] = {
    "ListMatchingProducts": (ListMatchingProductsResult, False),
    "GetMatchingProduct": (ProductResult, True),
    "GetMatchingProductForId": (ProductsForIdResult, True),
    "GetCompetitivePricingForSKU": (ProductResult, True),
    "GetCompetitivePricingForASIN": (ProductResult, True),
    "GetLowestOfferListingsForSKU": (ProductResult, True),
    "GetLowestOfferListingsForASIN": (ProductResult, True),
    "GetLowestPricedOffersForSKU": (LowestPricedOffersResult, False),
    "GetLowestPricedOffersForASIN": (LowestPricedOffersResult, False),
    "GetMyFeesEstimate": (GetMyFeesEstimateResult, False),
    "GetMyPriceForSKU": (ProductResult, True),
    "GetMyPriceForASIN": (ProductResult, True),
    "GetProductCategoriesForSKU": (ProductCategoriesResult, False),
    "GetProductCategoriesForASIN": (ProductCategoriesResult, False),
    "GetServiceStatus": (ServiceStatus, False),
}
"""Action -> (model of its ``{Action}Result`` element, whether there is one element per requested id)."""
