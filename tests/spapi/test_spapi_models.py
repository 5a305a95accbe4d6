"""Every schema of productPricingV0.json has a model, and the reference's example shapes parse."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from typing import Any, get_args

import pytest
from pydantic import BaseModel, TypeAdapter, ValidationError

from mws_async.errors import ClientValidationError
from mws_async.spapi import models as m

# Every entry of "definitions" in selling-partner-api-models,
# models/product-pricing-api-model/productPricingV0.json
_REFERENCE = """
GetItemOffersBatchRequest GetListingOffersBatchRequest ListingOffersRequestList ItemOffersRequestList
BatchOffersRequestParams ItemOffersRequest ListingOffersRequest GetItemOffersBatchResponse
GetListingOffersBatchResponse ItemOffersResponseList ListingOffersResponseList BatchOffersResponse
ItemOffersRequestParams ItemOffersResponse ListingOffersRequestParams ListingOffersResponse Errors
GetPricingResponse GetOffersResponse PriceList GetOffersResult HttpRequestHeaders HttpResponseHeaders
GetOffersHttpStatusLine HttpUri HttpMethod BatchRequest Price Product IdentifierType ASINIdentifier
SellerSKUIdentifier AttributeSetList RelationshipList CompetitivePricingType CompetitivePriceList
CompetitivePriceType NumberOfOfferListingsList OfferListingCountType MoneyType SalesRankList SalesRankType
PriceType OffersList OfferType OfferCustomerType QuantityDiscountPriceType QuantityDiscountType Points
ConditionType ItemIdentifier Summary BuyBoxEligibleOffers BuyBoxPrices LowestPrices NumberOfOffers
OfferCountType FulfillmentChannelType LowestPriceType BuyBoxPriceType OfferDetailList OfferDetail
PrimeInformationType SellerFeedbackType ErrorList DetailedShippingTimeType ShipsFromType MarketplaceId
ItemCondition Asin CustomerType Error
"""
DEFINITIONS = tuple(_REFERENCE.split())


def _money(amount: Any, currency: str = "USD") -> dict[str, Any]:
    return {"CurrencyCode": currency, "Amount": amount}


def _parse(model: type[BaseModel], body: dict[str, Any]) -> Any:
    # The client parses bodies with parse_float=Decimal; do the same.
    return model.model_validate(json.loads(json.dumps(body), parse_float=Decimal))


def test_every_definition_has_a_model() -> None:
    assert len(DEFINITIONS) == 72
    missing = [name for name in DEFINITIONS if name not in m.SCHEMAS or not hasattr(m, name)]
    assert missing == []
    assert set(m.SCHEMAS) == set(DEFINITIONS)


def test_enums_match_the_reference() -> None:
    assert get_args(m.ItemCondition) == ("New", "Used", "Collectible", "Refurbished", "Club")
    assert get_args(m.ConditionType) == ("New", "Used", "Collectible", "Refurbished", "Club")
    assert get_args(m.CustomerType) == ("Consumer", "Business")
    assert get_args(m.OfferCustomerType) == ("B2C", "B2B")
    assert get_args(m.FulfillmentChannelType) == ("Amazon", "Merchant")
    assert get_args(m.HttpMethod) == ("GET", "PUT", "PATCH", "DELETE", "POST")
    assert get_args(m.QuantityDiscountType) == ("QUANTITY_DISCOUNT",)
    assert get_args(m.ItemType) == ("Asin", "Sku")


def test_get_pricing_example_parses() -> None:
    body = {
        "payload": [
            {
                "status": "Success",
                "ASIN": "B00V5DG6IQ",
                "Product": {
                    "Identifiers": {
                        "MarketplaceASIN": {"MarketplaceId": "ATVPDKIKX0DER", "ASIN": "B00V5DG6IQ"},
                        "SKUIdentifier": {"MarketplaceId": "", "SellerId": "", "SellerSKU": ""},
                    },
                    "Offers": [
                        {
                            "offerType": "B2B",
                            "BuyingPrice": {
                                "ListingPrice": _money(9.50),
                                "LandedPrice": _money(9.50),
                                "Shipping": _money(0.00),
                            },
                            "RegularPrice": _money(10.00),
                            "businessPrice": _money(9.50),
                            "quantityDiscountPrices": [
                                {
                                    "quantityTier": 5,
                                    "quantityDiscountType": "QUANTITY_DISCOUNT",
                                    "listingPrice": _money(8.00),
                                },
                            ],
                            "FulfillmentChannel": "MERCHANT",
                            "ItemCondition": "New",
                            "ItemSubCondition": "New",
                            "SellerSKU": "NABetaASINB00V5DG6IQ",
                            "aFieldAmazonAddedLater": True,
                        }
                    ],
                },
            }
        ]
    }
    parsed = _parse(m.GetPricingResponse, body)
    offer = parsed.payload[0].product.offers[0]
    assert parsed.payload[0].ok and parsed.payload[0].asin == "B00V5DG6IQ"
    assert offer.buying_price.listing_price.amount == Decimal("9.5")
    assert isinstance(offer.regular_price.amount, Decimal)
    assert offer.offer_type == "B2B"
    assert offer.quantity_discount_prices[0].quantity_tier == 5
    assert offer.seller_sku == "NABetaASINB00V5DG6IQ"
    # Round trip to the wire names.
    wire = parsed.payload[0].to_json_dict()
    assert wire["Product"]["Offers"][0]["BuyingPrice"]["ListingPrice"]["CurrencyCode"] == "USD"


def test_competitive_pricing_example_parses() -> None:
    body = {
        "payload": [
            {
                "status": "Success",
                "ASIN": "B00V5DG6IQ",
                "Product": {
                    "Identifiers": {
                        "MarketplaceASIN": {"MarketplaceId": "ATVPDKIKX0DER", "ASIN": "B00V5DG6IQ"}
                    },
                    "CompetitivePricing": {
                        "CompetitivePrices": [
                            {
                                "belongsToRequester": False,
                                "condition": "New",
                                "subcondition": "New",
                                "offerType": "B2C",
                                "CompetitivePriceId": "1",
                                "Price": {
                                    "LandedPrice": _money(10.0),
                                    "ListingPrice": _money(10.0),
                                    "Shipping": _money(0.0),
                                    "Points": {"PointsNumber": 3, "PointsMonetaryValue": _money(3, "JPY")},
                                },
                                "sellerId": "AXXXXXXXXXXXXX",
                            }
                        ],
                        "NumberOfOfferListings": [{"condition": "New", "Count": 3}],
                        "TradeInValue": _money(1.5),
                    },
                    "SalesRankings": [{"ProductCategoryId": "toy_display_on_website", "Rank": 6581}],
                },
            },
            {"status": "ClientError", "ASIN": "B00000000X"},
        ]
    }
    parsed = _parse(m.GetPricingResponse, body)
    pricing = parsed.payload[0].product.competitive_pricing
    assert pricing.price("1").price.landed_price.amount == Decimal("10.0")
    assert pricing.price("2") is None
    assert pricing.price("1").price.points.points_number == 3
    assert pricing.number_of_offer_listings[0].count == 3
    assert parsed.payload[0].product.sales_rankings[0].rank == 6581
    assert not parsed.payload[1].ok and parsed.payload[1].product is None


def _offers_result(**extra: Any) -> dict[str, Any]:
    return {
        "ASIN": "B00ZIAODGE",
        "status": "Success",
        "ItemCondition": "New",
        "Identifier": {"MarketplaceId": "ATVPDKIKX0DER", "ItemCondition": "New", "ASIN": "B00ZIAODGE"},
        "Summary": {
            "LowestPrices": [
                {
                    "condition": "new",
                    "fulfillmentChannel": "Merchant",
                    "LandedPrice": _money(14.99),
                    "ListingPrice": _money(10),
                    "Shipping": _money(4.99),
                }
            ],
            "BuyBoxPrices": [
                {
                    "condition": "new",
                    "LandedPrice": _money(14.99),
                    "ListingPrice": _money(10),
                    "Shipping": _money(4.99),
                }
            ],
            "NumberOfOffers": [{"condition": "new", "fulfillmentChannel": "Merchant", "OfferCount": 3}],
            "BuyBoxEligibleOffers": [{"condition": "new", "fulfillmentChannel": "Merchant"}],
            "SalesRankings": [{"ProductCategoryId": "toy_display_on_website", "Rank": 6581}],
            "ListPrice": _money(36),
            "TotalOfferCount": 3,
            "OffersAvailableTime": "2022-06-28T14:18:05Z",
        },
        "Offers": [
            {
                "Shipping": _money(4.99),
                "ListingPrice": _money(10),
                "ShippingTime": {"maximumHours": 48, "minimumHours": 24, "availabilityType": "NOW"},
                "ShipsFrom": {"Country": "US"},
                "PrimeInformation": {"IsPrime": False, "IsNationalPrime": False},
                "SubCondition": "new",
                "SellerId": "A5LI4TEX5CN80",
                "SellerFeedbackRating": {"SellerPositiveFeedbackRating": 98.0, "FeedbackCount": 1200},
                "IsFeaturedMerchant": True,
                "IsBuyBoxWinner": True,
                "MyOffer": False,
                "IsFulfilledByAmazon": False,
            }
        ],
        **extra,
    }


def test_item_offers_example_parses_with_either_marketplace_spelling() -> None:
    for key in ("MarketplaceID", "marketplaceId"):
        parsed = _parse(m.GetOffersResponse, {"payload": _offers_result(**{key: "ATVPDKIKX0DER"})})
        payload = parsed.payload
        assert payload.marketplace_id == "ATVPDKIKX0DER"
        assert payload.summary.lowest_landed_price() == Decimal("14.99")
        assert payload.summary.buy_box_prices[0].shipping.amount == Decimal("4.99")
        assert payload.summary.number_of_offers[0].fulfillment_channel == "Merchant"
        assert payload.offers[0].shipping_time.availability_type == "NOW"
        assert payload.offers[0].is_buy_box_winner and payload.offers[0].prime_information.is_prime is False
        assert payload.summary.offers_available_time is not None


def test_batch_response_example_parses() -> None:
    body = {
        "responses": [
            {
                "status": {"statusCode": 200, "reasonPhrase": "OK"},
                "body": {"payload": _offers_result(MarketplaceID="ATVPDKIKX0DER")},
                "headers": {
                    "x-amzn-RequestId": "ffd73923-1728-4d57-a45b-8e07a5e10366",
                    "Date": "Tue, 28 Jun 2022 14:18:08 GMT",
                    "x-extra": "kept",
                },
                "request": {
                    "MarketplaceId": "ATVPDKIKX0DER",
                    "Asin": "B00ZIAODGE",
                    "CustomerType": "Consumer",
                    "ItemCondition": "New",
                },
            },
            {
                "status": {"statusCode": 400, "reasonPhrase": "Bad Request"},
                "body": {"errors": [{"code": "InvalidInput", "message": "Invalid ASIN", "details": ""}]},
                "request": {"MarketplaceId": "ATVPDKIKX0DER", "Asin": "B00ZZZZZZZ", "ItemCondition": "New"},
            },
        ]
    }
    parsed = _parse(m.GetItemOffersBatchResponse, body)
    first, second = parsed.responses
    assert first.ok and first.status_code == 200 and first.asin == "B00ZIAODGE"
    assert first.request_id == "ffd73923-1728-4d57-a45b-8e07a5e10366"
    assert first.headers.model_extra == {"x-extra": "kept"}
    assert not second.ok and second.body.errors[0].code == "InvalidInput" and second.asin == "B00ZZZZZZZ"
    listing = _parse(
        m.GetListingOffersBatchResponse,
        {
            "responses": [
                {
                    "status": {"statusCode": 200, "reasonPhrase": "OK"},
                    "body": {"payload": _offers_result(SKU="GC-QTMS-SV2I", MarketplaceID="ATVPDKIKX0DER")},
                    "request": {
                        "MarketplaceId": "ATVPDKIKX0DER",
                        "SellerSKU": "GC-QTMS-SV2I",
                        "ItemCondition": "New",
                    },
                }
            ]
        },
    )
    assert listing.responses[0].request.seller_sku == "GC-QTMS-SV2I"


def test_batch_requests_build_the_reference_shape() -> None:
    request = m.ItemOffersRequest.for_asin("B000P6Q7MY", "ATVPDKIKX0DER", "Used", "Business")
    assert m.GetItemOffersBatchRequest(requests=[request]).to_json_dict() == {
        "requests": [
            {
                "uri": "/products/pricing/v0/items/B000P6Q7MY/offers",
                "method": "GET",
                "MarketplaceId": "ATVPDKIKX0DER",
                "ItemCondition": "Used",
                "CustomerType": "Business",
            }
        ]
    }
    listing = m.ListingOffersRequest.for_sku("A/B 1", "ATVPDKIKX0DER")
    assert listing.uri == "/products/pricing/v0/listings/A%2FB%201/offers"


def test_errors_and_bad_enum_values() -> None:
    errors = m.Errors.model_validate({"errors": [{"code": "QuotaExceeded", "message": "You exceeded"}]})
    assert errors.errors[0].details is None
    with pytest.raises(ValidationError):
        m.BatchOffersRequestParams.model_validate({"MarketplaceId": "X", "ItemCondition": "Mint"})
    with pytest.raises(ClientValidationError):
        m.ItemOffersRequest.for_asin("B000P6Q7MY", "ATVPDKIKX0DER", "New", "Wholesale")  # type: ignore[arg-type]
    with pytest.raises(ValidationError):
        m.GetOffersHttpStatusLine.model_validate({"statusCode": 99})
    with pytest.raises(ValidationError):
        m.GetItemOffersBatchRequest.model_validate({"requests": []})
    assert TypeAdapter(m.PriceList).validate_python([{"status": "Success"}])[0].ok


# --- the batched-request helpers check their arguments like single calls do --------------------------
US = "ATVPDKIKX0DER"
HELPERS = {
    "for_asin": (m.ItemOffersRequest.for_asin, "ItemOffersRequest.for_asin", "Asin"),
    "for_sku": (m.ListingOffersRequest.for_sku, "ListingOffersRequest.for_sku", "SellerSKU"),
}


@pytest.mark.parametrize("helper", HELPERS)
@pytest.mark.parametrize(
    ("item_id", "problem"),
    [
        (None, "=None must be a string, got NoneType"),
        (5, "=5 must be a string, got int"),
        (b"B00EXAMPLE", "=b'B00EXAMPLE' must be a string, got bytes"),
        ("", " is empty"),
        ("   ", " is empty"),
        ("\ud800", "='\\ud800' cannot be sent (not valid Unicode)"),
    ],
)
def test_a_non_string_blank_or_unsendable_id_is_a_client_validation_error(
    helper: str, item_id: Any, problem: str
) -> None:
    build, name, wire = HELPERS[helper]
    with pytest.raises(ClientValidationError) as info:
        build(item_id, US)
    assert info.value.operation == name
    assert info.value.problems == [wire + problem]


@pytest.mark.parametrize("helper", HELPERS)
@pytest.mark.parametrize(
    ("marketplace_id", "problem"),
    [
        (None, "MarketplaceId=None must be a string, got NoneType"),
        (1, "MarketplaceId=1 must be a string, got int"),
        ("", "MarketplaceId is empty"),
        (" ", "MarketplaceId is empty"),
    ],
)
def test_a_marketplace_id_that_is_not_a_non_empty_string_is_a_client_validation_error(
    helper: str, marketplace_id: Any, problem: str
) -> None:
    build, _, _ = HELPERS[helper]
    with pytest.raises(ClientValidationError) as info:
        build("B00EXAMPLE", marketplace_id)
    assert info.value.problems == [problem]


@pytest.mark.parametrize("helper", HELPERS)
def test_a_bad_item_condition_or_customer_type_names_the_allowed_values(helper: str) -> None:
    build, _, _ = HELPERS[helper]
    with pytest.raises(ClientValidationError) as info:
        build("B00EXAMPLE", US, "Mint")
    assert info.value.problems == [
        "ItemCondition='Mint' is not one of New, Used, Collectible, Refurbished, Club"
    ]
    with pytest.raises(ClientValidationError, match="ItemCondition=None must be a string"):
        build("B00EXAMPLE", US, None)
    with pytest.raises(ClientValidationError) as info:
        build("B00EXAMPLE", US, "New", "Wholesale")
    assert info.value.problems == ["CustomerType='Wholesale' is not one of Consumer, Business"]


def test_every_problem_of_a_call_is_reported_at_once() -> None:
    with pytest.raises(ClientValidationError) as info:
        m.ItemOffersRequest.for_asin(None, "", "Mint", "Wholesale")  # type: ignore[arg-type]
    assert info.value.operation == "ItemOffersRequest.for_asin"
    assert info.value.problems == [
        "Asin=None must be a string, got NoneType",
        "MarketplaceId is empty",
        "ItemCondition='Mint' is not one of New, Used, Collectible, Refurbished, Club",
        "CustomerType='Wholesale' is not one of Consumer, Business",
    ]
    assert str(info.value).startswith("ItemOffersRequest.for_asin: Asin=None must be a string")


def test_an_id_too_long_for_the_512_character_uri_is_a_client_validation_error() -> None:
    with pytest.raises(
        ClientValidationError,
        match=r"SellerSKU='xxx.*\.\.\. is too long: its uri would be 537 characters, at most 512",
    ):
        m.ListingOffersRequest.for_sku("x" * 500, US)
    longest = m.ListingOffersRequest.for_sku("x" * (512 - len("/products/pricing/v0/listings//offers")), US)
    assert len(longest.uri) == 512


def test_the_asin_is_url_encoded_into_the_path_like_the_sku() -> None:
    assert m.ItemOffersRequest.for_asin("A/B 1", US).uri == "/products/pricing/v0/items/A%2FB%201/offers"
    # A well-formed ASIN is unchanged; a malformed one is sent (the batch answers it with its own error).
    assert (
        m.ItemOffersRequest.for_asin("B00EXAMPLE", US).uri == "/products/pricing/v0/items/B00EXAMPLE/offers"
    )
    assert m.ItemOffersRequest.for_asin("b0", US).uri == "/products/pricing/v0/items/b0/offers"


def test_values_are_trimmed_as_single_calls_trim_them() -> None:
    request = m.ListingOffersRequest.for_sku(" SKU-1 ", f" {US} ", " Used ", " Business ")  # type: ignore[arg-type]
    assert request.to_json_dict() == {
        "uri": "/products/pricing/v0/listings/SKU-1/offers",
        "method": "GET",
        "MarketplaceId": US,
        "ItemCondition": "Used",
        "CustomerType": "Business",
    }


# --- money amounts are bounded: no absurd exponent reaches user code ----------------------------------
OUT_OF_BOUNDS = re.escape("a money amount's decimal exponent must lie within -20..20")


@pytest.mark.parametrize(
    "amount",
    ["1e100000000", "1e-999999999", "0E-999999999", "1e21", "-1e21", "1e-21", "1234567890123456789012"],
)
def test_a_money_amount_with_an_absurd_exponent_fails_validation(amount: str) -> None:
    body = {"payload": _offers_result(MarketplaceID=US)}
    body["payload"]["Summary"]["LowestPrices"][0]["LandedPrice"] = _money(amount)
    raw = json.dumps(body).replace(f'"{amount}"', amount)  # a JSON number, as Amazon would send it
    with pytest.raises(ValidationError, match=OUT_OF_BOUNDS):
        m.GetOffersResponse.model_validate(json.loads(raw, parse_float=Decimal))
    with pytest.raises(ValidationError, match=OUT_OF_BOUNDS):
        m.MoneyType(amount=Decimal(amount))


def test_money_amounts_up_to_exponent_20_parse_unchanged_and_stay_finite() -> None:
    def parse(amount: str) -> m.MoneyType:
        return m.MoneyType.model_validate(json.loads(f'{{"Amount": {amount}}}', parse_float=Decimal))

    for amount in ("1e20", "999999999999999999999.99", "1e-20", "0", "0.00", "-12.99", "14.99"):
        assert str(parse(amount).amount) == str(Decimal(amount))
    with pytest.raises(ValidationError, match="decimal exponent"):
        parse("1e21")
    for amount in ("NaN", "Infinity", "-Infinity"):
        with pytest.raises(ValidationError, match="finite number"):
            m.MoneyType.model_validate(_money(Decimal(amount)))
