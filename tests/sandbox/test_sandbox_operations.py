"""Products and Orders operations: values, validation, pagination, and shape parity with real MWS XML."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from sandbox.sandbox_signer import call
from support import FIXTURES

from mws_async.sandbox import Sandbox
from mws_async.xml import parse, parse_error_response

P = "/Products/2011-10-01"
ORD = "/Orders/2013-09-01"
US = "ATVPDKIKX0DER"


def has_path(node: Any, path: str) -> bool:
    """Whether ``A/B/@attr`` exists in a parsed document (lists are searched element by element)."""
    if isinstance(node, list):
        return any(has_path(item, path) for item in node)
    head, _, rest = path.partition("/")
    if not isinstance(node, dict) or head not in node:
        return False
    return True if not rest else has_path(node[head], rest)


def code(response: httpx.Response) -> str:
    return parse_error_response(response.content)[0][0]["Code"]


def fees_params(asin: str, n: int = 1) -> dict[str, str]:
    out = {}
    for k in range(1, n + 1):
        prefix = f"FeesEstimateRequestList.FeesEstimateRequest.{k}."
        out |= {
            prefix + "MarketplaceId": US,
            prefix + "IdType": "ASIN",
            prefix + "IdValue": asin,
            prefix + "IsAmazonFulfilled": "true",
            prefix + "Identifier": f"req-{k}",
            prefix + "PriceToEstimateFees.ListingPrice.Amount": "30.00",
            prefix + "PriceToEstimateFees.ListingPrice.CurrencyCode": "USD",
        }
    return out


def product_params(sandbox: Sandbox) -> dict[str, dict[str, str]]:
    world = sandbox.world
    asin = next(a for a in world.sample_ids("ASIN", 40) if world.offers(world.resolve("ASIN", a) or 0))
    sku = world.product(world.resolve("ASIN", asin) or 0).sku
    isbn = world.sample_ids("ISBN", 1)[0]
    return {
        "ListMatchingProducts": {"Query": "acme"},
        "GetMatchingProduct": {"ASINList.ASIN.1": asin},
        "GetMatchingProductForId": {"IdType": "ISBN", "IdList.Id.1": isbn},
        "GetCompetitivePricingForASIN": {"ASINList.ASIN.1": asin},
        "GetCompetitivePricingForSKU": {"SellerSKUList.SellerSKU.1": sku},
        "GetLowestOfferListingsForASIN": {"ASINList.ASIN.1": asin},
        "GetLowestOfferListingsForSKU": {"SellerSKUList.SellerSKU.1": sku},
        "GetLowestPricedOffersForASIN": {"ASIN": asin, "ItemCondition": "New"},
        "GetLowestPricedOffersForSKU": {"SellerSKU": sku, "ItemCondition": "New"},
        "GetMyPriceForASIN": {"ASINList.ASIN.1": asin},
        "GetMyPriceForSKU": {"SellerSKUList.SellerSKU.1": sku},
        "GetProductCategoriesForASIN": {"ASIN": asin},
        "GetProductCategoriesForSKU": {"SellerSKU": sku},
        "GetMyFeesEstimate": fees_params(asin),
        "GetServiceStatus": {},
    }


# Paths that the sandbox response AND the named real fixture must both contain.
SHAPES: dict[str, tuple[str, list[str]]] = {
    "GetMatchingProductForId": ("GetMatchingProductForId__mwsdocs__1.xml", [
        "GetMatchingProductForIdResponse/GetMatchingProductForIdResult/@Id",
        "GetMatchingProductForIdResponse/GetMatchingProductForIdResult/@IdType",
        "GetMatchingProductForIdResponse/GetMatchingProductForIdResult/@status",
        "GetMatchingProductForIdResponse/GetMatchingProductForIdResult/Products/Product/Identifiers/MarketplaceASIN/ASIN",
        "GetMatchingProductForIdResponse/GetMatchingProductForIdResult/Products/Product/AttributeSets/ItemAttributes/@xml:lang",
        "GetMatchingProductForIdResponse/GetMatchingProductForIdResult/Products/Product/AttributeSets/ItemAttributes/Title",
        "GetMatchingProductForIdResponse/GetMatchingProductForIdResult/Products/Product/AttributeSets/ItemAttributes/Author",
        "GetMatchingProductForIdResponse/GetMatchingProductForIdResult/Products/Product/AttributeSets/ItemAttributes/ItemDimensions/Height/@Units",
        "GetMatchingProductForIdResponse/GetMatchingProductForIdResult/Products/Product/AttributeSets/ItemAttributes/ListPrice/Amount",
        "GetMatchingProductForIdResponse/GetMatchingProductForIdResult/Products/Product/AttributeSets/ItemAttributes/SmallImage/URL",
        "GetMatchingProductForIdResponse/GetMatchingProductForIdResult/Products/Product/SalesRankings/SalesRank/Rank",
        "GetMatchingProductForIdResponse/GetMatchingProductForIdResult/Products/Product/Relationships",
        "GetMatchingProductForIdResponse/ResponseMetadata/RequestId",
    ]),
    "ListMatchingProducts": ("ListMatchingProducts__mwsdocs__1.xml", [
        "ListMatchingProductsResponse/ListMatchingProductsResult/Products/Product/Identifiers/MarketplaceASIN/MarketplaceId",
        "ListMatchingProductsResponse/ListMatchingProductsResult/Products/Product/AttributeSets/ItemAttributes/Brand",
    ]),
    "GetMatchingProduct": ("GetMatchingProduct__amzphplib__1.xml", [
        "GetMatchingProductResponse/GetMatchingProductResult/@ASIN",
        "GetMatchingProductResponse/GetMatchingProductResult/Product/Identifiers/MarketplaceASIN/ASIN",
        "GetMatchingProductResponse/GetMatchingProductResult/Product/AttributeSets",
        "GetMatchingProductResponse/GetMatchingProductResult/Product/SalesRankings/SalesRank/ProductCategoryId",
    ]),
    "GetCompetitivePricingForASIN": ("GetCompetitivePricingForASIN__mwsdocs__1.xml", [
        "GetCompetitivePricingForASINResponse/GetCompetitivePricingForASINResult/@ASIN",
        "GetCompetitivePricingForASINResponse/GetCompetitivePricingForASINResult/Product/CompetitivePricing/CompetitivePrices/CompetitivePrice/@belongsToRequester",
        "GetCompetitivePricingForASINResponse/GetCompetitivePricingForASINResult/Product/CompetitivePricing/CompetitivePrices/CompetitivePrice/@condition",
        "GetCompetitivePricingForASINResponse/GetCompetitivePricingForASINResult/Product/CompetitivePricing/CompetitivePrices/CompetitivePrice/CompetitivePriceId",
        "GetCompetitivePricingForASINResponse/GetCompetitivePricingForASINResult/Product/CompetitivePricing/CompetitivePrices/CompetitivePrice/Price/LandedPrice/Amount",
        "GetCompetitivePricingForASINResponse/GetCompetitivePricingForASINResult/Product/CompetitivePricing/NumberOfOfferListings/OfferListingCount/@condition",
    ]),
    "GetCompetitivePricingForSKU": ("GetCompetitivePricingForSKU__amzphplib__1.xml", [
        "GetCompetitivePricingForSKUResponse/GetCompetitivePricingForSKUResult/@SellerSKU",
        "GetCompetitivePricingForSKUResponse/GetCompetitivePricingForSKUResult/Product/Identifiers/SKUIdentifier/SellerSKU",
        "GetCompetitivePricingForSKUResponse/GetCompetitivePricingForSKUResult/Product/CompetitivePricing/CompetitivePrices/CompetitivePrice/Price/ListingPrice/CurrencyCode",
    ]),
    "GetLowestOfferListingsForASIN": ("GetLowestOfferListingsForASIN__mwsdocs__1.xml", [
        "GetLowestOfferListingsForASINResponse/GetLowestOfferListingsForASINResult/AllOfferListingsConsidered",
        "GetLowestOfferListingsForASINResponse/GetLowestOfferListingsForASINResult/Product/LowestOfferListings/LowestOfferListing/Qualifiers/ItemCondition",
        "GetLowestOfferListingsForASINResponse/GetLowestOfferListingsForASINResult/Product/LowestOfferListings/LowestOfferListing/Qualifiers/ShippingTime/Max",
        "GetLowestOfferListingsForASINResponse/GetLowestOfferListingsForASINResult/Product/LowestOfferListings/LowestOfferListing/NumberOfOfferListingsConsidered",
        "GetLowestOfferListingsForASINResponse/GetLowestOfferListingsForASINResult/Product/LowestOfferListings/LowestOfferListing/Price/Shipping/Amount",
        "GetLowestOfferListingsForASINResponse/GetLowestOfferListingsForASINResult/Product/LowestOfferListings/LowestOfferListing/MultipleOffersAtLowestPrice",
    ]),
    "GetLowestOfferListingsForSKU": ("GetLowestOfferListingsForSKU__amzphplib__1.xml", [
        "GetLowestOfferListingsForSKUResponse/GetLowestOfferListingsForSKUResult/@SellerSKU",
        "GetLowestOfferListingsForSKUResponse/GetLowestOfferListingsForSKUResult/Product/LowestOfferListings/LowestOfferListing/SellerFeedbackCount",
    ]),
    "GetLowestPricedOffersForASIN": ("GetLowestPricedOffersForASIN__mwsdocs__1.xml", [
        "GetLowestPricedOffersForASINResponse/GetLowestPricedOffersForASINResult/@MarketplaceID",
        "GetLowestPricedOffersForASINResponse/GetLowestPricedOffersForASINResult/@ItemCondition",
        "GetLowestPricedOffersForASINResponse/GetLowestPricedOffersForASINResult/Identifier/TimeOfOfferChange",
        "GetLowestPricedOffersForASINResponse/GetLowestPricedOffersForASINResult/Summary/NumberOfOffers/OfferCount/@fulfillmentChannel",
        "GetLowestPricedOffersForASINResponse/GetLowestPricedOffersForASINResult/Summary/LowestPrices/LowestPrice/LandedPrice/Amount",
        "GetLowestPricedOffersForASINResponse/GetLowestPricedOffersForASINResult/Summary/ListPrice/Amount",
        "GetLowestPricedOffersForASINResponse/GetLowestPricedOffersForASINResult/Offers/Offer/SellerFeedbackRating/FeedbackCount",
        "GetLowestPricedOffersForASINResponse/GetLowestPricedOffersForASINResult/Offers/Offer/ShippingTime/@maximumHours",
        "GetLowestPricedOffersForASINResponse/GetLowestPricedOffersForASINResult/Offers/Offer/IsBuyBoxWinner",
    ]),
    "GetLowestPricedOffersForSKU": ("GetLowestPricedOffersForSKU__amzphplib__1.xml", [
        "GetLowestPricedOffersForSKUResponse/GetLowestPricedOffersForSKUResult/@SKU",
        "GetLowestPricedOffersForSKUResponse/GetLowestPricedOffersForSKUResult/Identifier/SellerSKU",
        "GetLowestPricedOffersForSKUResponse/GetLowestPricedOffersForSKUResult/Offers/Offer/MyOffer",
    ]),
    "GetMyPriceForSKU": ("GetMyPriceForSKU__amzphplib__1.xml", [
        "GetMyPriceForSKUResponse/GetMyPriceForSKUResult/@SellerSKU",
        "GetMyPriceForSKUResponse/GetMyPriceForSKUResult/Product/Identifiers/SKUIdentifier/SellerId",
        "GetMyPriceForSKUResponse/GetMyPriceForSKUResult/Product/Offers",
    ]),
    "GetMyPriceForASIN": ("GetMyPriceForASIN__amzphplib__1.xml", [
        "GetMyPriceForASINResponse/GetMyPriceForASINResult/@ASIN",
        "GetMyPriceForASINResponse/GetMyPriceForASINResult/Product/Identifiers/MarketplaceASIN/ASIN",
    ]),
    "GetProductCategoriesForASIN": ("GetProductCategoriesForASIN__peddler__1.xml", [
        "GetProductCategoriesForASINResponse/GetProductCategoriesForASINResult/Self/ProductCategoryId",
        "GetProductCategoriesForASINResponse/GetProductCategoriesForASINResult/Self/Parent/ProductCategoryName",
    ]),
    "GetProductCategoriesForSKU": ("GetProductCategoriesForSKU__amzphplib__1.xml", [
        "GetProductCategoriesForSKUResponse/GetProductCategoriesForSKUResult/Self/Parent/ProductCategoryId",
    ]),
    "GetMyFeesEstimate": ("GetMyFeesEstimate__mwsdocs__1.xml", [
        "GetMyFeesEstimateResponse/GetMyFeesEstimateResult/FeesEstimateResultList/FeesEstimateResult/Status",
        "GetMyFeesEstimateResponse/GetMyFeesEstimateResult/FeesEstimateResultList/FeesEstimateResult/FeesEstimateIdentifier/SellerInputIdentifier",
        "GetMyFeesEstimateResponse/GetMyFeesEstimateResult/FeesEstimateResultList/FeesEstimateResult/FeesEstimateIdentifier/PriceToEstimateFees/ListingPrice/Amount",
        "GetMyFeesEstimateResponse/GetMyFeesEstimateResult/FeesEstimateResultList/FeesEstimateResult/FeesEstimate/TotalFeesEstimate/Amount",
        "GetMyFeesEstimateResponse/GetMyFeesEstimateResult/FeesEstimateResultList/FeesEstimateResult/FeesEstimate/FeeDetailList/FeeDetail/FinalFee/CurrencyCode",
    ]),
    "GetServiceStatus": ("GetServiceStatus__mwsdocs__1.xml", [
        "GetServiceStatusResponse/GetServiceStatusResult/Status",
        "GetServiceStatusResponse/GetServiceStatusResult/Timestamp",
    ]),
}  # fmt: skip


@pytest.mark.parametrize("action", sorted(SHAPES))
async def test_products_shape_parity(client: httpx.AsyncClient, sandbox: Sandbox, action: str) -> None:
    fixture, paths = SHAPES[action]
    params = {"MarketplaceId": US, **product_params(sandbox)[action]}
    response = await call(client, sandbox.credentials, P, action, params)
    assert response.status_code == 200, response.text
    ours = parse(response.content)
    theirs = parse((FIXTURES / "Products" / fixture).read_bytes())
    for path in paths:
        assert has_path(theirs, path), f"fixture lacks {path}"
        assert has_path(ours, path), f"sandbox lacks {path}"


def test_every_products_operation_is_registered(sandbox: Sandbox) -> None:
    names = {op.name for op in sandbox.registry.operations() if op.section.name == "Products"}
    assert names == set(SHAPES) | {"GetMyPriceForASIN", "GetMyPriceForSKU"}
    assert len(names) == 15


async def test_mixed_valid_and_invalid_ids(client: httpx.AsyncClient, sandbox: Sandbox) -> None:
    good = sandbox.world.sample_ids("ISBN", 1)[0]
    bad = sandbox.world.invalid_id("ISBN", 3)
    params = {"MarketplaceId": US, "IdType": "ISBN", "IdList.Id.1": bad, "IdList.Id.2": good}
    response = await call(client, sandbox.credentials, P, "GetMatchingProductForId", params)
    assert response.status_code == 200
    results = parse(response.content, force_list={"GetMatchingProductForIdResult"})[
        "GetMatchingProductForIdResponse"
    ]["GetMatchingProductForIdResult"]
    assert [r["@status"] for r in results] == ["ClientError", "Success"]
    assert results[0]["Error"] == {
        "Type": "Sender",
        "Code": "InvalidParameterValue",
        "Message": f"Invalid ISBN identifier {bad} for marketplace {US}",
    }
    fixture = parse((FIXTURES / "Products" / "GetMatchingProductForId__mwsdocs__2.xml").read_bytes())
    first = fixture["GetMatchingProductForIdResponse"]["GetMatchingProductForIdResult"][0]
    assert set(first) == set(results[0])
    assert set(first["Error"]) == set(results[0]["Error"])
    product = results[1]["Products"]["Product"]
    index = sandbox.world.resolve("ISBN", good)
    assert product["Identifiers"]["MarketplaceASIN"]["ASIN"] == sandbox.world.product(index or 0).asin


async def test_variation_parent_lists_children(client: httpx.AsyncClient, sandbox: Sandbox) -> None:
    world = sandbox.world
    parent = next(world.product(i) for i in range(0, 10_000, 16) if world.kind(i) == "parent")
    params = {
        "MarketplaceId": US,
        "ASINList.ASIN.1": parent.asin,
        "ASINList.ASIN.2": world.product(parent.children[0]).asin,
    }
    response = await call(client, sandbox.credentials, P, "GetMatchingProduct", params)
    results = parse(response.content, force_list={"VariationChild"})["GetMatchingProductResponse"][
        "GetMatchingProductResult"
    ]
    children = results[0]["Product"]["Relationships"]["VariationChild"]
    assert len(children) == len(parent.children)
    assert {"Color", "Size", "Identifiers"} <= set(children[0])
    assert (
        results[1]["Product"]["Relationships"]["VariationParent"]["Identifiers"]["MarketplaceASIN"]["ASIN"]
        == parent.asin
    )


@pytest.mark.parametrize(
    ("action", "params", "expected"),
    [
        ("GetMatchingProductForId", {"IdType": "ISBN"}, "MissingParameter"),
        ("GetMatchingProductForId", {"IdType": "FOO", "IdList.Id.1": "x"}, "InvalidParameterValue"),
        (
            "GetMatchingProduct",
            {f"ASINList.ASIN.{i}": "B000000000" for i in range(1, 12)},
            "InvalidParameterValue",
        ),
        ("ListMatchingProducts", {}, "MissingParameter"),
        ("GetLowestPricedOffersForASIN", {"ASIN": "B000000000"}, "MissingParameter"),
        (
            "GetLowestPricedOffersForASIN",
            {"ASIN": "B000000000", "ItemCondition": "Shiny"},
            "InvalidParameterValue",
        ),
        ("GetMyFeesEstimate", fees_params("B000000000", 21), "InvalidParameterValue"),
    ],
)
async def test_products_validation(
    client: httpx.AsyncClient, sandbox: Sandbox, action: str, params: dict[str, str], expected: str
) -> None:
    response = await call(client, sandbox.credentials, P, action, {"MarketplaceId": US, **params})
    assert response.status_code == 400
    assert code(response) == expected


async def test_lowest_priced_offers_invalid_asin_shape(client: httpx.AsyncClient, sandbox: Sandbox) -> None:
    bad = sandbox.world.invalid_id("ASIN")
    params = {"MarketplaceId": US, "ASIN": bad, "ItemCondition": "New"}
    response = await call(client, sandbox.credentials, P, "GetLowestPricedOffersForASIN", params)
    assert response.status_code == 400
    error = parse(response.content)["ErrorResponse"]["Error"]
    assert (error["@ASIN"], error["@status"], error["Code"]) == (bad, "ClientError", "InvalidParameterValue")
    assert parse_error_response(response.content)[1] == response.headers["x-mws-request-id"]


async def test_fees_estimate_values(client: httpx.AsyncClient, sandbox: Sandbox) -> None:
    asin = sandbox.world.sample_ids("ASIN", 2)[1]
    params = {**fees_params(asin, 2), "FeesEstimateRequestList.FeesEstimateRequest.2.IdValue": "B0ZZZZZZZZ"}
    response = await call(client, sandbox.credentials, P, "GetMyFeesEstimate", params)
    results = parse(response.content)["GetMyFeesEstimateResponse"]["GetMyFeesEstimateResult"][
        "FeesEstimateResultList"
    ]["FeesEstimateResult"]
    assert [r["Status"] for r in results] == ["Success", "ClientError"]
    details = {
        d["FeeType"]: d["FinalFee"]["Amount"]
        for d in results[0]["FeesEstimate"]["FeeDetailList"]["FeeDetail"]
    }
    assert details["ReferralFee"] == "4.50"  # 15 % of 30.00
    assert results[1]["Error"]["Code"] == "InvalidParameterValue"


async def test_list_orders_paging_and_values(client: httpx.AsyncClient, sandbox: Sandbox) -> None:
    params = {
        "MarketplaceId.Id.1": US,
        "CreatedAfter": "2025-12-20T00:00:00Z",
        "CreatedBefore": "2025-12-31T00:00:00Z",
        "MaxResultsPerPage": "7",
    }
    seen: list[str] = []
    response = await call(client, sandbox.credentials, ORD, "ListOrders", params)
    while True:
        assert response.status_code == 200, response.text
        root = parse(response.content, force_list={"Order"})
        result = next(iter(root.values()))[next(k for k in next(iter(root.values())) if k.endswith("Result"))]
        assert result["CreatedBefore"] == "2025-12-31T00:00:00Z"
        orders = result["Orders"]["Order"] if result["Orders"] else []
        assert len(orders) <= 7
        seen += [o["AmazonOrderId"] for o in orders]
        if "NextToken" not in result:
            break
        sandbox.buckets.reset()  # paging speed is not what this test is about
        response = await call(
            client, sandbox.credentials, ORD, "ListOrdersByNextToken", {"NextToken": result["NextToken"]}
        )
    world = sandbox.world
    expected = [
        world.order(j).amazon_order_id
        for j in range(world.order_count)
        if "2025-12-20" <= world.order(j).purchase.isoformat() < "2025-12-31"
    ]
    assert seen == expected
    assert len(seen) > 7


async def test_list_orders_defaults_and_filters(client: httpx.AsyncClient, sandbox: Sandbox) -> None:
    params = {
        "MarketplaceId.Id.1": US,
        "LastUpdatedAfter": "2025-12-01T00:00:00Z",
        "OrderStatus.Status.1": "Shipped",
    }
    response = await call(client, sandbox.credentials, ORD, "ListOrders", params)
    result = parse(response.content, force_list={"Order"})["ListOrdersResponse"]["ListOrdersResult"]
    assert "LastUpdatedBefore" in result
    assert "CreatedBefore" not in result
    assert {o["OrderStatus"] for o in result["Orders"]["Order"]} == {"Shipped"}
    updates = [o["LastUpdateDate"] for o in result["Orders"]["Order"]]
    assert updates == sorted(updates)


BASE = {"MarketplaceId.Id.1": US, "CreatedAfter": "2025-12-01T00:00:00Z"}


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, "MissingParameter"),
        ({"MarketplaceId.Id.1": US}, "MissingParameter"),
        ({**BASE, "LastUpdatedAfter": "2025-12-01T00:00:00Z"}, "InvalidParameterValue"),
        (
            {**BASE, "OrderStatus.Status.1": "Unshipped"},
            "InvalidParameterValue",
        ),  # needs PartiallyShipped too
        ({**BASE, "MaxResultsPerPage": "101"}, "InvalidParameterValue"),
        ({**BASE, "CreatedBefore": "2099-01-01T00:00:00Z"}, "InvalidParameterValue"),
        ({**BASE, "CreatedBefore": "2025-11-01T00:00:00Z"}, "InvalidParameterValue"),
        ({"MarketplaceId.Id.1": "NOPE", "CreatedAfter": "2025-12-01T00:00:00Z"}, "InvalidParameterValue"),
    ],
)
async def test_list_orders_validation(
    client: httpx.AsyncClient, sandbox: Sandbox, params: dict[str, str], expected: str
) -> None:
    response = await call(client, sandbox.credentials, ORD, "ListOrders", params)
    assert response.status_code == 400
    assert code(response) == expected


async def test_tampered_next_token(client: httpx.AsyncClient, sandbox: Sandbox) -> None:
    params = {"MarketplaceId.Id.1": US, "CreatedAfter": "2025-10-01T00:00:00Z", "MaxResultsPerPage": "1"}
    token = (
        (await call(client, sandbox.credentials, ORD, "ListOrders", params))
        .text.split("<NextToken>")[1]
        .split("<")[0]
    )
    tampered = token[:10] + ("A" if token[10] != "A" else "B") + token[11:]
    response = await call(client, sandbox.credentials, ORD, "ListOrdersByNextToken", {"NextToken": tampered})
    assert response.status_code == 400
    assert code(response) == "NextTokenCorrupted"
    response = await call(client, sandbox.credentials, ORD, "ListOrderItemsByNextToken", {"NextToken": token})
    assert response.status_code == 400
    assert code(response) == "NextTokenCorrupted"


ORDER_SHAPES = {
    "ListOrders": ("ListOrders__peddler__1.xml", [
        "ListOrdersResponse/ListOrdersResult/Orders/Order/AmazonOrderId",
        "ListOrdersResponse/ListOrdersResult/Orders/Order/PurchaseDate",
        "ListOrdersResponse/ListOrdersResult/Orders/Order/OrderTotal/Amount",
        "ListOrdersResponse/ListOrdersResult/Orders/Order/ShippingAddress/CountryCode",
        "ListOrdersResponse/ListOrdersResult/Orders/Order/NumberOfItemsUnshipped",
        "ListOrdersResponse/ListOrdersResult/Orders/Order/IsPrime",
        "ListOrdersResponse/ResponseMetadata/RequestId",
    ]),
    "GetOrder": ("GetOrder__peddler__1.xml", [
        "GetOrderResponse/GetOrderResult/Orders/Order/OrderStatus",
        "GetOrderResponse/GetOrderResult/Orders/Order/BuyerName",
        "GetOrderResponse/GetOrderResult/Orders/Order/MarketplaceId",
    ]),
    "ListOrderItems": ("ListOrderItems__mwsdocs__1.xml", [
        "ListOrderItemsResponse/ListOrderItemsResult/AmazonOrderId",
        "ListOrderItemsResponse/ListOrderItemsResult/OrderItems/OrderItem/ASIN",
        "ListOrderItemsResponse/ListOrderItemsResult/OrderItems/OrderItem/SellerSKU",
        "ListOrderItemsResponse/ListOrderItemsResult/OrderItems/OrderItem/OrderItemId",
        "ListOrderItemsResponse/ListOrderItemsResult/OrderItems/OrderItem/ItemPrice/Amount",
        "ListOrderItemsResponse/ListOrderItemsResult/OrderItems/OrderItem/QuantityOrdered",
    ]),
}  # fmt: skip


@pytest.mark.parametrize("action", sorted(ORDER_SHAPES))
async def test_orders_shape_parity(client: httpx.AsyncClient, sandbox: Sandbox, action: str) -> None:
    world = sandbox.world
    shipped = next(j for j in range(world.order_count) if world.order(j).status == "Shipped")
    order_id = world.order_id(shipped)
    params = {
        "ListOrders": {
            "MarketplaceId.Id.1": US,
            "CreatedAfter": "2025-10-01T00:00:00Z",
            "OrderStatus.Status.1": "Shipped",
        },
        "GetOrder": {"AmazonOrderId.Id.1": order_id, "AmazonOrderId.Id.2": "111-0000000-0000000"},
        "ListOrderItems": {"AmazonOrderId": order_id},
    }[action]
    response = await call(client, sandbox.credentials, ORD, action, params)
    assert response.status_code == 200, response.text
    fixture, paths = ORDER_SHAPES[action]
    ours, theirs = parse(response.content), parse((FIXTURES / "Orders" / fixture).read_bytes())
    for path in paths:
        assert has_path(theirs, path), f"fixture lacks {path}"
        assert has_path(ours, path), f"sandbox lacks {path}"
    if action == "GetOrder":  # the unknown id is simply absent
        assert ours["GetOrderResponse"]["GetOrderResult"]["Orders"]["Order"]["AmazonOrderId"] == order_id


async def test_pending_orders_omit_buyer_and_charges(client: httpx.AsyncClient, sandbox: Sandbox) -> None:
    world = sandbox.world
    pending = next(j for j in range(world.order_count) if world.order(j).status == "Pending")
    response = await call(
        client, sandbox.credentials, ORD, "GetOrder", {"AmazonOrderId.Id.1": world.order_id(pending)}
    )
    order = parse(response.content)["GetOrderResponse"]["GetOrderResult"]["Orders"]["Order"]
    assert order["OrderStatus"] == "Pending"
    assert not {"BuyerEmail", "BuyerName", "OrderTotal", "ShippingAddress"} & set(order)


async def test_order_items_match_world(client: httpx.AsyncClient, sandbox: Sandbox) -> None:
    world = sandbox.world
    order = world.order(3)
    response = await call(
        client, sandbox.credentials, ORD, "ListOrderItems", {"AmazonOrderId": order.amazon_order_id}
    )
    items = parse(response.content, force_list={"OrderItem"})["ListOrderItemsResponse"][
        "ListOrderItemsResult"
    ]
    assert [i["OrderItemId"] for i in items["OrderItems"]["OrderItem"]] == [
        i.order_item_id for i in order.items
    ]
    assert "NextToken" not in items
    unknown = await call(
        client, sandbox.credentials, ORD, "ListOrderItems", {"AmazonOrderId": "111-0000000-0000000"}
    )
    assert unknown.status_code == 400
    assert code(unknown) == "InvalidParameterValue"
