"""Products response models against every recorded / documented / mocked Products response."""

from __future__ import annotations

import contextlib
import pickle
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError
from support import FIXTURES, fixture_files, xml_response

from mws_async import xml
from mws_async.errors import UnexpectedResponseError
from mws_async.models import products as products_module
from mws_async.models.base import MAX_NESTING, MWSModel, as_list
from mws_async.models.common import Money, Quantity, ServiceStatus
from mws_async.models.products import (
    PRODUCTS_FORCE_LIST,
    PRODUCTS_RESULT_MODELS,
    Category,
    FeeDetail,
    GetMyFeesEstimateResult,
    ListMatchingProductsResult,
    LowestPricedOffersResult,
    Product,
    ProductCategoriesResult,
    ProductResult,
    ProductsForIdResult,
)
from mws_async.sections import products as products_section

PRODUCTS = FIXTURES / "Products"
FILES = fixture_files("Products")


# ----------------------------------------------------------------------------------------- helpers


def action_of(path: Path) -> str:
    """Operation of a fixture: the file name before ``__``."""
    return path.name.split("__")[0]


def result_elements(path: Path, *, force_list: frozenset[str] = PRODUCTS_FORCE_LIST) -> tuple[str, Any]:
    """(action, parsed ``{Action}Result`` element(s)) of a fixture file."""
    action = action_of(path)
    doc = xml.parse(path.read_bytes(), force_list=force_list)
    root = doc[f"{action}Response"]
    return action, root[f"{action}Result"]


def validate(action: str, results: Any) -> Any:
    """Validate parsed result element(s) into the operation's model: a list for per-id operations."""
    model, many = PRODUCTS_RESULT_MODELS[action]
    if many:
        return [model.model_validate(r) for r in as_list(results)]
    return model.model_validate(results)


def load(name: str) -> Any:
    """A fixture validated into its operation's model (list for per-id operations)."""
    action, results = result_elements(PRODUCTS / name)
    return validate(action, results)


def dump(value: Any) -> Any:
    if isinstance(value, list):
        return [dump(v) for v in value]
    assert isinstance(value, BaseModel)
    return value.model_dump()


def money(amount: str, currency: str) -> Money:
    return Money(amount=Decimal(amount), currency_code=currency)


def qty(value: str, units: str) -> Quantity:
    return Quantity(value=Decimal(value), units=units)


def utc(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0, micro: int = 0
) -> datetime:
    return datetime(year, month, day, hour, minute, second, micro, tzinfo=UTC)


# -------------------------------------------------------------------------------------- every file


def test_fixture_corpus_covers_every_operation() -> None:
    actions = {action_of(f) for f in FILES}
    assert actions == set(PRODUCTS_RESULT_MODELS)


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_every_fixture_parses(path: Path) -> None:
    action, results = result_elements(path)
    model, many = PRODUCTS_RESULT_MODELS[action]
    if many:
        assert isinstance(results, list)  # the force list makes per-id results uniform
    parsed = validate(action, results)
    for item in parsed if isinstance(parsed, list) else [parsed]:
        assert isinstance(item, model)
    # The models do not depend on the force list: single elements are accepted as well.
    _, bare = result_elements(path, force_list=frozenset())
    assert dump(validate(action, bare)) == dump(parsed)


# ------------------------------------------------------------------------------ reference examples


def test_matching_product_for_id_doc_example_1() -> None:
    first, second = load("GetMatchingProductForId__mwsdocs__1.xml")
    assert isinstance(first, ProductsForIdResult)
    assert (first.id, first.id_type, first.status, first.ok, first.error) == (
        "9781933988665",
        "ISBN",
        "Success",
        True,
        None,
    )
    assert len(first.products) == 1
    product = first.products[0]
    assert product.asin == "1933988665"
    assert product.marketplace_id == "ATVPDKIKX0DER"
    assert product.seller_sku is None
    assert product.title == "Algorithms of the Intelligent Web"
    assert len(product.attribute_sets) == 1
    attrs = product.attribute_sets[0]
    assert attrs.lang == "en-US"
    assert attrs.author == ["Marmanis, Haralambos", "Babenko, Dmitry"]
    assert attrs.binding == "Paperback"
    assert attrs.edition == "1"
    dims = attrs.item_dimensions
    assert dims is not None
    assert (dims.height, dims.length, dims.width, dims.weight) == (
        qty("9.17", "inches"),
        qty("7.36", "inches"),
        qty("0.75", "inches"),
        qty("1.40", "pounds"),
    )
    assert attrs.is_eligible_for_trade_in is True
    assert attrs.label == attrs.manufacturer == attrs.publisher == attrs.studio == "Manning Publications"
    assert [(lang.name, lang.type) for lang in attrs.languages] == [
        ("english", "Unknown"),
        ("english", "Original Language"),
        ("english", "Published"),
    ]
    assert attrs.list_price == money("44.99", "USD")
    assert attrs.list_price is not None
    assert attrs.list_price.amount == Decimal("44.99")
    assert attrs.number_of_items == 1
    assert attrs.number_of_pages == 368
    pkg = attrs.package_dimensions
    assert pkg is not None
    assert (pkg.height, pkg.length, pkg.width, pkg.weight) == (
        qty("0.80", "inches"),
        qty("9.10", "inches"),
        qty("7.30", "inches"),
        qty("1.35", "pounds"),
    )
    assert attrs.product_group == "Book"
    assert attrs.product_type_name == "ABIS_BOOK"
    assert attrs.publication_date == date(2009, 7, 5)
    assert attrs.release_date is None
    image = attrs.small_image
    assert image is not None
    assert image.url == "http://ecx.images-amazon.com/images/I/51EEz05N2HL._SL75_.jpg"
    assert (image.height, image.width) == (qty("75", "pixels"), qty("60", "pixels"))
    assert attrs.model_extra == {}
    assert product.relationships is None  # <Relationships/>
    assert [(r.product_category_id, r.rank) for r in product.sales_rankings] == [
        ("book_display_on_website", 59485),
        ("377886011", 32),
        ("3887", 66),
        ("3870", 82),
    ]
    assert product.competitive_pricing is None
    assert product.offers == []
    assert product.lowest_offer_listings == []

    assert (second.id, second.id_type, second.status) == ("0439708184", "ISBN", "Success")
    assert [p.asin for p in second.products] == ["059035342X", "0439708184"]
    hp1, hp2 = second.products
    a1 = hp1.attribute_sets[0]
    assert a1.title == "Harry Potter and the Sorcerer's Stone (Book 1)"
    assert a1.author == ["Rowling, J.K."]
    assert a1.brand == "Scholastic Press"
    assert [(c.value, c.role) for c in a1.creator] == [("GrandPrÃ©, Mary", "Illustrator")]
    assert a1.edition == "1st"
    assert a1.feature == ["Recommended Age: 9 years and up"]
    assert (a1.is_autographed, a1.is_memorabilia) == (False, False)
    assert a1.list_price == money("10.99", "USD")
    assert a1.package_quantity == 1
    assert a1.part_number == "9780590353427"
    assert a1.publication_date == date(1999, 10, 1)
    assert a1.release_date == date(1999, 9, 8)
    assert [(r.product_category_id, r.rank) for r in hp1.sales_rankings] == [
        ("book_display_on_website", 362),
        ("15356791", 6),
        ("3153", 9),
        ("3045", 14),
    ]
    a2 = hp2.attribute_sets[0]
    assert hp2.title == "Harry Potter and the Sorcerer's Stone"
    assert a2.author == ["J.K. Rowling, Mary GrandPrÃƒÂ©"]
    assert a2.list_price is None
    assert a2.item_dimensions is None
    assert a2.product_type_name == "BOOKS_1973_AND_LATER"
    assert a2.number_of_pages == 784
    assert [(r.product_category_id, r.rank) for r in hp2.sales_rankings] == [
        ("book_display_on_website", 2091024)
    ]


def test_matching_product_for_id_doc_example_2_client_error() -> None:
    failed, found = load("GetMatchingProductForId__mwsdocs__2.xml")
    assert (failed.id, failed.id_type, failed.status, failed.ok) == (
        "0439708623",
        "ISBN",
        "ClientError",
        False,
    )
    assert failed.products == []
    assert failed.error is not None
    assert failed.error.type == "Sender"
    assert failed.error.code == "InvalidParameterValue"
    assert failed.error.message == "Invalid ISBN identifier 0439708623 for marketplace ATVPDKIKX0DER"

    assert (found.id, found.id_type, found.status, found.ok, found.error) == (
        "9781933988665",
        "ISBN",
        "Success",
        True,
        None,
    )
    (product,) = found.products
    attrs = product.attribute_sets[0]
    assert product.asin == "1933988665"
    assert attrs.title == "Algorithms of the Intelligent Web"
    assert attrs.author == ["Marmanis, Haralambos", "Babenko, Dmitry"]
    assert attrs.brand == "Marmanis, Haralambos/ Babenko, Dmitry"
    assert attrs.item_dimensions is not None
    assert attrs.item_dimensions.height == qty("9.25", "inches")
    assert attrs.item_dimensions.weight == qty("1.38", "pounds")
    assert attrs.list_price == money("44.99", "USD")
    assert attrs.package_quantity == 1
    assert attrs.part_number == "9781933988665"
    assert attrs.publication_date == date(2009, 7, 8)
    assert [lang.type for lang in attrs.languages] == ["Published", "Original Language", "Unknown"]
    assert [(r.product_category_id, r.rank) for r in product.sales_rankings] == [
        ("book_display_on_website", 689405),
        ("491298", 150),
        ("3870", 375),
        ("3887", 836),
    ]


# ----------------------------------------------------------------------------------- per operation


def test_matching_product_japanese_and_placeholders() -> None:
    (result,) = load("GetMatchingProduct__peddler__5.xml")
    assert isinstance(result, ProductResult)
    assert (result.id, result.asin, result.seller_sku, result.ok) == ("1780935374", "1780935374", None, True)
    product = result.product
    assert product is not None
    attrs = product.attribute_sets[0]
    assert attrs.lang == "ja-JP"
    assert attrs.binding == "ペーパーバック"
    assert [(c.value, c.role) for c in attrs.creator] == [
        ("Deleuze, Gilles", "著"),
        ("Guattari, Felix", "著"),
    ]
    assert attrs.list_price == money("3387.00", "JPY")
    assert product.sales_rankings[0].product_category_id == "english_book_display_on_website"

    (mock,) = load("GetMatchingProduct__amzphplib__1.xml")
    assert mock.status == "String"
    assert not mock.ok
    assert mock.product is not None
    assert mock.product.seller_sku == "String"
    assert mock.product.attribute_sets == []  # <AttributeSets><Any/></AttributeSets>
    assert mock.error is not None
    assert mock.error.code == "String"


def test_list_matching_products() -> None:
    result = load("ListMatchingProducts__peddler__3.xml")
    assert isinstance(result, ListMatchingProductsResult)
    assert len(result.products) == 10
    assert result.products[0].title == "Architecture et écologie (Eyrolles Architecture)"

    jp = load("ListMatchingProducts__peddler__32.xml")
    titles = [p.title for p in jp.products]
    assert "世界遺産イギリス　カンタベリー大聖堂／ストーンヘンジ／バース市街" in titles
    assert all(p.attribute_sets[0].lang == "ja-JP" for p in jp.products)

    mx = load("ListMatchingProducts__peddler__26.xml")
    lego = next(
        p for p in mx.products if p.title == "LEGO Juego de Construcción Architecture Londres (21034)"
    )
    assert lego.relationships is not None
    (parent,) = lego.relationships.variation_parents
    assert parent.identifiers is not None
    assert parent.identifiers.marketplace_asin is not None
    assert parent.identifiers.marketplace_asin.asin == "B07PRMW7X6"
    assert lego.relationships.variation_children == []
    attrs = lego.attribute_sets[0]
    assert attrs.material_type == ["Plástico"]
    assert attrs.manufacturer_minimum_age == qty("144.0", "months")
    assert attrs.release_date == date(2017, 11, 1)
    assert attrs.warranty is not None
    assert attrs.warranty.startswith("Llamar al centro")


def test_competitive_pricing() -> None:
    (doc,) = load("GetCompetitivePricingForASIN__mwsdocs__1.xml")
    assert (doc.asin, doc.ok) == ("B002KT3XQM", True)
    assert doc.product is not None
    pricing = doc.product.competitive_pricing
    assert pricing is not None
    (price,) = pricing.competitive_prices
    assert (price.competitive_price_id, price.belongs_to_requester, price.condition, price.subcondition) == (
        "1",
        False,
        "New",
        "New",
    )
    assert price.price is not None
    assert price.price.landed_price == money("34.27", "USD")
    assert price.price.listing_price == money("34.27", "USD")
    assert price.price.shipping == money("0.00", "USD")
    assert {c.condition: c.count for c in pricing.number_of_offer_listings} == {
        "Any": 11,
        "Used": 1,
        "New": 10,
    }
    assert pricing.trade_in_value is None
    assert doc.product.sales_rankings == []

    (live,) = load("GetCompetitivePricingForASIN__peddler__7.xml")
    assert live.product is not None
    assert live.product.competitive_pricing is not None
    used, new = live.product.competitive_pricing.competitive_prices
    assert (used.competitive_price_id, used.condition, used.subcondition) == ("2", "Used", "Good")
    assert used.price is not None
    assert used.price.landed_price == money("47.38", "USD")
    assert new.price is not None
    assert new.price.shipping == money("57.48", "USD")
    counts = live.product.competitive_pricing.number_of_offer_listings
    assert [(c.condition, c.count) for c in counts] == [("New", 5), ("Used", 7), ("Any", 12)]
    assert (live.product.sales_rankings[0].product_category_id, live.product.sales_rankings[0].rank) == (
        "book_display_on_website",
        1982144,
    )

    (jp,) = load("GetCompetitivePricingForASIN__peddler__4.xml")
    assert jp.product is not None
    assert jp.product.competitive_pricing is not None
    jp_price = jp.product.competitive_pricing.competitive_prices[0].price
    assert jp_price is not None
    assert jp_price.points is not None
    assert jp_price.points.points_number == 0
    assert jp_price.points.points_monetary_value == money("25.16", "JPY")

    (trade_in,) = load("GetCompetitivePricingForASIN__peddler__5.xml")
    assert trade_in.product is not None
    assert trade_in.product.competitive_pricing is not None
    assert trade_in.product.competitive_pricing.trade_in_value == money("33.24", "USD")

    (sku,) = load("GetCompetitivePricingForSKU__amzphplib__1.xml")
    assert (sku.seller_sku, sku.asin, sku.id) == ("String", None, "String")
    assert sku.product is not None
    assert sku.product.seller_sku == "String"
    assert sku.product.competitive_pricing is not None
    assert sku.product.competitive_pricing.trade_in_value == money("100", "String")


def test_lowest_offer_listings() -> None:
    (result,) = load("GetLowestOfferListingsForASIN__mwsdocs__1.xml")
    assert result.all_offer_listings_considered is True
    assert result.product is not None
    first, second, *_ = result.product.lowest_offer_listings
    q = first.qualifiers
    assert q is not None
    assert q.shipping_time is not None
    assert (q.item_condition, q.item_subcondition, q.fulfillment_channel, q.ships_domestically) == (
        "Used",
        "VeryGood",
        "Merchant",
        "True",
    )
    assert (q.shipping_time.max, q.seller_positive_feedback_rating) == ("0-2 days", "90-94%")
    assert (first.number_of_offer_listings_considered, first.seller_feedback_count) == (1, 762)
    assert first.price is not None
    assert (first.price.landed_price, first.price.listing_price, first.price.shipping) == (
        money("32.99", "USD"),
        money("28.00", "USD"),
        money("4.99", "USD"),
    )
    assert first.multiple_offers_at_lowest_price is False
    assert second.qualifiers is not None
    assert second.qualifiers.fulfillment_channel == "Amazon"
    assert second.seller_feedback_count == 181744

    (mock,) = load("GetLowestOfferListingsForSKU__amzphplib__1.xml")
    assert mock.product is not None
    (listing,) = mock.product.lowest_offer_listings
    assert listing.multiple_offers_at_lowest_price is None  # placeholder "String"
    assert listing.qualifiers is not None
    assert listing.qualifiers.ships_domestically == "String"


def test_my_price() -> None:
    for name in ("GetMyPriceForASIN__amzphplib__1.xml", "GetMyPriceForSKU__amzphplib__1.xml"):
        (result,) = load(name)
        assert result.product is not None
        (offer,) = result.product.offers
        assert offer.buying_price is not None
        assert offer.buying_price.landed_price == money("100", "String")
        assert offer.buying_price.points is not None
        assert offer.buying_price.points.points_number == 1
        assert offer.regular_price == money("100", "String")
        assert (offer.fulfillment_channel, offer.item_condition, offer.item_sub_condition) == ("String",) * 3
        assert (offer.seller_id, offer.seller_sku) == ("String", "String")


def test_lowest_priced_offers() -> None:
    doc = load("GetLowestPricedOffersForASIN__mwsdocs__1.xml")
    assert isinstance(doc, LowestPricedOffersResult)
    assert (doc.marketplace_id, doc.item_condition, doc.asin, doc.sku, doc.status) == (
        "ATVPDKIKX0DER",
        "New",
        "B0002GTTRC",
        None,
        "Success",
    )
    assert doc.ok
    assert doc.id == "B0002GTTRC"
    assert doc.identifier is not None
    assert doc.identifier.time_of_offer_change == utc(2015, 7, 19, 23, 15, 11, 859000)
    summary = doc.summary
    assert summary is not None
    assert summary.total_offer_count == 0
    assert [(c.condition, c.fulfillment_channel, c.count) for c in summary.number_of_offers] == [
        ("new", "Amazon", 1)
    ]
    assert summary.lowest_prices[0].landed_price == money("32.99", "USD")
    assert (summary.buy_box_prices[0].condition, summary.buy_box_prices[0].shipping) == (
        "New",
        money("0.00", "USD"),
    )
    assert summary.list_price == money("58.34", "USD")
    assert summary.suggested_lower_price_plus_shipping == money("32.99", "USD")
    assert [c.count for c in summary.buy_box_eligible_offers] == [1]
    (offer,) = doc.offers
    assert offer.seller_feedback_rating is not None
    assert offer.seller_feedback_rating.seller_positive_feedback_rating == Decimal("100.0")
    assert offer.seller_feedback_rating.feedback_count == 1
    assert offer.shipping_time is not None
    assert (offer.shipping_time.minimum_hours, offer.shipping_time.maximum_hours) == (0, 0)
    assert offer.shipping_time.availability_type == "NOW"
    assert (offer.is_fulfilled_by_amazon, offer.is_buy_box_winner, offer.is_featured_merchant) == (True,) * 3
    assert offer.my_offer is None

    mx = load("GetLowestPricedOffersForASIN__peddler__6.xml")
    assert mx.summary is not None
    assert mx.summary.total_offer_count == 2
    assert mx.summary.lowest_prices[0].landed_price == money("49.70", "MXN")
    assert [
        (o.shipping_time.minimum_hours, o.shipping_time.maximum_hours) for o in mx.offers if o.shipping_time
    ] == [
        (672, 1008),
        (0, 0),
    ]
    assert mx.offers[0].listing_price == money("57.78", "MXN")
    assert mx.offers[0].is_buy_box_winner is None

    none = load("GetLowestPricedOffersForASIN__mwsdocs__2.xml")
    assert (none.status, none.ok, none.offers) == ("NoBuyableOffers", False, [])
    assert none.summary is not None
    assert none.summary.total_offer_count == 0

    soon = load("GetLowestPricedOffersForSKU__mwsdocs__4.xml")
    assert (soon.sku, soon.asin, soon.id, soon.status) == (
        "ACA-8039-6PK-DL57",
        None,
        "ACA-8039-6PK-DL57",
        "ActiveButTooSoonForProcessing",
    )
    assert soon.identifier is not None
    assert soon.identifier.seller_sku == "ACA-8039-6PK-DL57"
    assert soon.summary is not None
    assert soon.summary.offers_available_time == utc(2017, 3, 8, 7, 13, 21, 763000)

    mock = load("GetLowestPricedOffersForSKU__amzphplib__1.xml")
    assert mock.offers[0].my_offer is True
    assert mock.summary is not None
    assert mock.summary.number_of_offers[0].count == 1


@pytest.mark.parametrize(
    ("name", "asin", "sku", "condition", "message"),
    [
        (
            "GetLowestPricedOffersForASIN__mwsdocs__2.xml",
            "B0002GTTRD",
            None,
            "New",
            "B0002GTTRD is an invalid ASIN for marketplace ATVPDKIKX0DER",
        ),
        (
            "GetLowestPricedOffersForSKU__mwsdocs__2.xml",
            None,
            "asdgv",
            "new",
            "asdgv is an invalid SKU for marketplace ATVPDKIKX0DER",
        ),
    ],
)
def test_lowest_priced_offers_error_response_shape(
    name: str, asin: str | None, sku: str | None, condition: str, message: str
) -> None:
    doc = xml.parse((FIXTURES / "Errors" / name).read_bytes(), force_list=PRODUCTS_FORCE_LIST)
    for source in (doc, doc["ErrorResponse"]):
        result = LowestPricedOffersResult.from_error_response(source)
        assert result is not None
        assert (result.marketplace_id, result.asin, result.sku, result.item_condition) == (
            "ATVPDKIKX0DER",
            asin,
            sku,
            condition,
        )
        assert (result.status, result.ok, result.id) == ("ClientError", False, asin or sku)
        assert result.error is not None
        assert (result.error.type, result.error.code, result.error.message) == (
            "Sender",
            "InvalidParameterValue",
            message,
        )
        assert result.offers == []
        assert result.summary is None
    # Without the force list too.
    bare = xml.parse((FIXTURES / "Errors" / name).read_bytes())
    assert LowestPricedOffersResult.from_error_response(bare) == LowestPricedOffersResult.from_error_response(
        doc
    )


def test_from_error_response_ignores_ordinary_error_responses() -> None:
    throttled = {"ErrorResponse": {"Error": [{"Type": "Sender", "Code": "RequestThrottled", "Message": "x"}]}}
    assert LowestPricedOffersResult.from_error_response(throttled) is None
    assert LowestPricedOffersResult.from_error_response({}) is None
    assert LowestPricedOffersResult.from_error_response({"ErrorResponse": None}) is None


def test_product_categories() -> None:
    result = load("GetProductCategoriesForASIN__peddler__11.xml")
    assert isinstance(result, ProductCategoriesResult)
    assert len(result.categories) == 7
    first = result.categories[0]
    assert first.path_names == [
        "Livres",
        "Thèmes",
        "Romans et littérature",
        "Livres de référence",
        "Critiques, analyses et essais",
    ]
    assert first.path[-1] is first
    assert first.path[0].parent is None

    books = load("GetProductCategoriesForASIN__peddler__17.xml")
    media = books.categories[0]
    assert (media.product_category_id, media.product_category_name) == ("4906788051", "Media Studies")
    assert media.parent is not None
    assert media.parent.product_category_name == "Communication & Journalism"
    assert [c.product_category_id for c in media.path] == [
        "4851626051",
        "4851627051",
        "4893872051",
        "4894238051",
        "4901646051",
        "4906788051",
    ]

    german = load("GetProductCategoriesForASIN__peddler__13.xml")
    assert any(c.path_names[0] == "Bücher" for c in german.categories)

    single = load("GetProductCategoriesForSKU__amzphplib__1.xml")
    (leaf,) = single.categories
    assert leaf.path_names == ["String", "String"]


def test_category_chain_is_recursive() -> None:
    deep: dict[str, Any] = {"ProductCategoryId": "0", "ProductCategoryName": "root"}
    for i in range(1, 30):
        deep = {"ProductCategoryId": str(i), "ProductCategoryName": f"n{i}", "Parent": deep}
    cat = Category.model_validate(deep)
    assert cat.path_names == ["root", *(f"n{i}" for i in range(1, 30))]


def test_fees_estimate() -> None:
    doc = load("GetMyFeesEstimate__mwsdocs__1.xml")
    assert isinstance(doc, GetMyFeesEstimateResult)
    (fees,) = doc.fees_estimate_results
    assert (fees.status, fees.ok, fees.error) == ("Success", True, None)
    ident = fees.fees_estimate_identifier
    assert ident is not None
    assert (ident.marketplace_id, ident.id_type, ident.id_value, ident.is_amazon_fulfilled) == (
        "ATVPDKIKX0DER",
        "ASIN",
        "B0002GTTRC",
        True,
    )
    assert ident.seller_input_identifier == "IDDDDDDDD"
    assert ident.price_to_estimate_fees is not None
    assert ident.price_to_estimate_fees.listing_price == money("58.00", "USD")
    estimate = fees.fees_estimate
    assert estimate is not None
    assert estimate.time_of_fees_estimation == utc(2015, 7, 19, 23, 15, 11, 859000)
    assert estimate.total_fees_estimate == money("10.00", "USD")
    assert [d.fee_type for d in estimate.fee_detail_list] == [
        "AmazonReferralFee",
        "VariableClosingFee",
        "FulfillmentFees",
    ]
    referral, _, fba = estimate.fee_detail_list
    assert (referral.fee_amount, referral.fee_promotion, referral.final_fee) == (
        money("8.70", "USD"),
        money("1.00", "USD"),
        money("7.70", "USD"),
    )
    # The doc sample calls the nested list IncludedFeeList, the PHP client IncludedFeeDetailList.
    assert [(d.fee_type, d.final_fee) for d in fba.included_fee_detail_list] == [
        ("OrderHandlingFee", money("1.00", "USD")),
        ("PickAndPackFee", money("0.30", "USD")),
        ("WeightHandlingFee", money("1.00", "USD")),
    ]

    error = load("GetMyFeesEstimate__mwsdocs__2.xml").fees_estimate_results[0]
    assert (error.status, error.ok, error.fees_estimate_identifier, error.fees_estimate) == (
        "ClientError",
        False,
        None,
        None,
    )
    assert error.error is not None
    assert (error.error.code, error.error.message) == (
        "InvalidParameterValue",
        "Attribute X is not valid for marketplace ATVPDKIKX0DER",
    )

    mx = load("GetMyFeesEstimate__peddler__2.xml").fees_estimate_results[0]
    assert mx.fees_estimate is not None
    assert mx.fees_estimate.total_fees_estimate == money("37.48", "MXN")
    assert mx.fees_estimate.fee_detail_list[0].fee_promotion == money("43.54", "MXN")
    assert mx.fees_estimate_identifier is not None
    assert mx.fees_estimate_identifier.is_amazon_fulfilled is False
    assert mx.fees_estimate_identifier.seller_input_identifier == "123"

    mock = load("GetMyFeesEstimate__amzphplib__1.xml").fees_estimate_results[0]
    assert mock.fees_estimate is not None
    detail = mock.fees_estimate.fee_detail_list[0]
    assert detail.tax_amount == money("100", "String")
    assert detail.included_fee_detail_list == []
    assert mock.fees_estimate.time_of_fees_estimation == utc(1969, 7, 21, 2, 56, 3)


def test_service_status() -> None:
    doc = load("GetServiceStatus__mwsdocs__1.xml")
    assert isinstance(doc, ServiceStatus)
    assert doc.status == "GREEN"
    assert doc.timestamp is not None
    mock = load("GetServiceStatus__amzphplib__1.xml")
    assert mock.status == ""  # empty <Status> in the PHP mock
    assert [(m.locale, m.text) for m in mock.messages] == [("String", "String")]


# -------------------------------------------------------------------------------------- robustness


def test_unknown_elements_are_ignored_and_item_attributes_kept() -> None:
    path = PRODUCTS / "GetMatchingProductForId__mwsdocs__1.xml"
    body = path.read_text()
    injected = (
        body.replace("<Product>", "<Product><FutureBlock><Deep a='1'>x</Deep></FutureBlock>", 1)
        .replace("<SalesRank>", "<SalesRank><NewRankInfo>7</NewRankInfo>", 1)
        .replace('status="Success">', 'status="Success"><Hint>new</Hint>', 1)
        .replace("<ns2:Binding>", "<ns2:NewAttribute Units='cm'>3</ns2:NewAttribute><ns2:Binding>", 1)
        .replace("<ns2:Amount>", "<ns2:Note>n</ns2:Note><ns2:Amount>", 1)
    )
    assert injected != body
    action = action_of(path)
    original = validate(
        action,
        xml.parse(body.encode(), force_list=PRODUCTS_FORCE_LIST)[f"{action}Response"][f"{action}Result"],
    )
    changed = validate(
        action,
        xml.parse(injected.encode(), force_list=PRODUCTS_FORCE_LIST)[f"{action}Response"][f"{action}Result"],
    )
    attrs = changed[0].products[0].attribute_sets[0]
    # Item attributes keep what they do not type...
    assert attrs.model_extra == {"NewAttribute": {"@Units": "cm", "#text": "3"}}
    # ...and everything typed is unchanged.
    attrs.__pydantic_extra__ = {}
    assert dump(changed) == dump(original)
    assert attrs.list_price == money("44.99", "USD")
    assert changed[0].products[0].sales_rankings[0].rank == 59485


def test_variation_children_keep_their_attributes() -> None:
    product = Product.model_validate(
        {
            "Relationships": {
                "VariationChild": [
                    {
                        "Identifiers": {
                            "MarketplaceASIN": {"MarketplaceId": "ATVPDKIKX0DER", "ASIN": "B0CHILD1"}
                        },
                        "Color": "Black",
                        "Size": "Small",
                    },
                    {"Identifiers": {"MarketplaceASIN": {"ASIN": "B0CHILD2"}}, "Color": "Red"},
                ]
            }
        }
    )
    assert product.relationships is not None
    children = product.relationships.variation_children
    assert [
        c.identifiers.marketplace_asin.asin
        for c in children
        if c.identifiers and c.identifiers.marketplace_asin
    ] == [
        "B0CHILD1",
        "B0CHILD2",
    ]
    assert children[0].variation_attributes == {"Color": "Black", "Size": "Small"}
    assert children[1].variation_attributes == {"Color": "Red"}


def test_lenient_values() -> None:
    attrs = Product.model_validate(
        {
            "AttributeSets": {
                "ItemAttributes": {
                    "PublicationDate": "2009",  # partial dates happen; unparsable -> None, not a failure
                    "ReleaseDate": "2019-07-02",
                    "Author": [None, "A", {"@Role": "x", "#text": "B"}],
                    "Creator": "Solo",
                }
            }
        }
    ).attribute_sets[0]
    assert attrs.publication_date is None
    assert attrs.release_date == date(2019, 7, 2)
    assert attrs.author == ["A", "B"]
    assert [(c.value, c.role) for c in attrs.creator] == [("Solo", None)]
    with pytest.raises(ValidationError):
        Product.model_validate({"SalesRankings": {"SalesRank": {"Rank": "not a number"}}})


def test_force_list_names() -> None:
    expected = {
        "Product",
        "Error",
        "SalesRank",
        "CompetitivePrice",
        "OfferListingCount",
        "LowestOfferListing",
        "Offer",
        "Author",
        "Creator",
        "Language",
        "Feature",
        "VariationChild",
        "VariationParent",
        "ItemAttributes",
        "LowestPrice",
        "BuyBoxPrice",
        "OfferCount",
        "FeeDetail",
        "FeesEstimateResult",
        "Self",
    }
    assert expected <= PRODUCTS_FORCE_LIST
    for action, (_, many) in PRODUCTS_RESULT_MODELS.items():
        assert (f"{action}Result" in PRODUCTS_FORCE_LIST) is many
    # Message is also the text of <Error><Message>: it must never be forced into a list.
    assert "Message" not in PRODUCTS_FORCE_LIST


# -------------------------------------------------------------------------------------- hypothesis


def _vocabulary() -> list[str]:
    names: set[str] = {"#text", "@xml:lang"}
    for name in products_module.__all__:
        model = getattr(products_module, name)
        if isinstance(model, type) and issubclass(model, MWSModel):
            for field_name, field in model.model_fields.items():
                names.add(field.alias or field_name)
    return sorted(names)


_KEYS = st.sampled_from(_vocabulary()) | st.text(max_size=4)
_SCALARS = (
    st.none()
    | st.sampled_from(["", "1", "0.5", "true", "String", "2015-07-19T23:15:11Z", "1999-10-01"])
    | st.text(max_size=6)
)
_XMLISH = st.recursive(
    _SCALARS,
    lambda children: st.lists(children, max_size=3) | st.dictionaries(_KEYS, children, max_size=5),
    max_leaves=25,
)
_MODELS = sorted({m for m, _ in PRODUCTS_RESULT_MODELS.values()} | {Product}, key=lambda m: m.__name__)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(model=st.sampled_from(_MODELS), data=_XMLISH)
def test_models_only_raise_validation_errors(model: type[MWSModel], data: Any) -> None:
    with contextlib.suppress(ValidationError):
        parsed = model.model_validate(data)
        for name, attr in vars(model).items():  # convenience properties never fail on a valid model
            if isinstance(attr, property):
                getattr(parsed, name)
    # The ErrorResponse adapter never raises: a result or None.
    for doc in (
        data,
        {"ErrorResponse": {"Error": data}},
        {"Error": [{"@status": "ClientError", "Code": data}]},
    ):
        result = LowestPricedOffersResult.from_error_response(doc)
        assert result is None or isinstance(result, LowestPricedOffersResult)


# ----------------------------------------------------------------- nesting bounded (issue 14, point 19)


def _category_chain(levels: int) -> dict[str, Any]:
    chain: dict[str, Any] = {"ProductCategoryId": "0", "ProductCategoryName": "root"}
    for i in range(1, levels):
        chain = {"ProductCategoryId": str(i), "ProductCategoryName": f"n{i}", "Parent": chain}
    return chain


def _category_body(levels: int) -> bytes:
    opening = "".join(
        f"<Parent><ProductCategoryId>{i}</ProductCategoryId><ProductCategoryName>n{i}</ProductCategoryName>"
        for i in range(levels - 1)
    )
    return (
        "<GetProductCategoriesForASINResponse><GetProductCategoriesForASINResult><Self>"
        "<ProductCategoryId>leaf</ProductCategoryId>" + opening + "</Parent>" * (levels - 1) + "</Self>"
        "</GetProductCategoriesForASINResult></GetProductCategoriesForASINResponse>"
    ).encode()


def test_a_category_chain_at_the_depth_limit_reprs_pickles_and_compares() -> None:
    cat = Category.model_validate(_category_chain(MAX_NESTING))
    assert len(cat.path) == MAX_NESTING
    assert "n49" in repr(cat) and "n49" in str(cat)
    copy = pickle.loads(pickle.dumps(cat))
    assert copy == cat
    assert copy.model_dump()["parent"]["product_category_name"] == f"n{MAX_NESTING - 2}"


def test_a_category_chain_deeper_than_the_limit_is_an_unexpected_response() -> None:
    operation = products_section.OPERATIONS["GetProductCategoriesForASIN"]
    with pytest.raises(UnexpectedResponseError, match=f"nested more than {MAX_NESTING} levels") as info:
        operation.parse(xml_response(_category_body(200)))
    assert len(str(info.value)) < 1500  # the location of the failure is summarised, not 50 "Parent"s


def test_a_chain_of_thousands_of_categories_is_refused_the_same_way() -> None:
    operation = products_section.OPERATIONS["GetProductCategoriesForASIN"]
    with pytest.raises(UnexpectedResponseError, match=f"nested more than {MAX_NESTING} levels"):
        operation.parse(xml_response(_category_body(5000)))


def test_a_category_validated_directly_is_bounded_too() -> None:
    with pytest.raises(ValidationError, match=f"nested more than {MAX_NESTING} levels"):
        Category.model_validate(_category_chain(MAX_NESTING + 1))


def test_included_fees_nested_beyond_the_limit_are_refused() -> None:
    fee: dict[str, Any] = {"FeeType": "leaf"}
    for _ in range(200):
        fee = {"FeeType": "x", "IncludedFeeDetailList": {"FeeDetail": [fee]}}
    with pytest.raises(ValidationError, match=f"nested more than {MAX_NESTING} levels"):
        FeeDetail.model_validate(fee)
    shallow: dict[str, Any] = {"FeeType": "leaf"}
    for _ in range(5):
        shallow = {"FeeType": "x", "IncludedFeeDetailList": {"FeeDetail": [shallow]}}
    detail = FeeDetail.model_validate(shallow)
    assert pickle.loads(pickle.dumps(detail)) == detail


def _nested(levels: int) -> Any:
    value: Any = "x"
    for _ in range(levels):
        value = {"Deeper": value}
    return value


@pytest.mark.parametrize(
    ("model", "data"),
    [
        (products_module.ItemAttributes, lambda deep: {"Title": "t", "Unknown": deep}),
        (products_module.VariationChild, lambda deep: {"Color": deep}),
        (products_module.ProductError, lambda deep: {"Code": "c", "Detail": deep}),
    ],
    ids=["item-attributes-extra", "variation-child-extra", "error-detail"],
)
def test_raw_values_kept_from_the_document_are_bounded_too(model: type[MWSModel], data: Any) -> None:
    with pytest.raises(ValidationError, match=f"nested more than {MAX_NESTING} levels"):
        model.model_validate(data(_nested(2000)))
    kept = model.model_validate(data(_nested(5)))
    assert pickle.loads(pickle.dumps(kept)) == kept
    assert "Deeper" in repr(kept)


def test_an_item_attribute_nested_thousands_deep_in_a_response_is_an_unexpected_response() -> None:
    body = (PRODUCTS / "GetMatchingProductForId__mwsdocs__1.xml").read_text()
    deep = "<ns2:Odd>" * 3000 + "x" + "</ns2:Odd>" * 3000
    injected = body.replace("<ns2:Binding>", deep + "<ns2:Binding>", 1).encode()
    operation = products_section.OPERATIONS["GetMatchingProductForId"]
    with pytest.raises(UnexpectedResponseError, match="nested more than"):
        operation.parse(xml_response(injected))
