"""Every Products operation end to end: client -> real HTTP -> sandbox -> typed models."""

from __future__ import annotations

from decimal import Decimal

import pytest

from mws_async import ClientValidationError, MWSClient
from mws_async.models.products import Category
from mws_async.sandbox import Sandbox


async def test_get_matching_product_for_id_mixes_found_and_client_errors(
    mws: MWSClient, sandbox: Sandbox
) -> None:
    ids = sandbox.world.sample_ids("ISBN", 3)
    # Well formed (valid check digit) but beyond the catalog: MWS answers a per-id ClientError. An id with a
    # wrong check digit never gets that far: the call refuses it before sending (see below).
    bad = sandbox.world.codec.isbn13(sandbox.world.catalog_size)
    results = await mws.products.get_matching_product_for_id("ISBN", [*ids, bad])
    by_id = {r.id: r for r in results}
    assert set(by_id) == {*ids, bad}
    for isbn in ids:
        result = by_id[isbn]
        assert result.ok and result.id_type == "ISBN"
        product = result.products[0]
        assert product.asin and product.title
        assert product.attributes is not None and product.attributes.list_price is not None
        assert isinstance(product.attributes.list_price.amount, Decimal)
    failed = by_id[bad]
    assert failed.status == "ClientError" and failed.error is not None
    assert failed.error.code == "InvalidParameterValue" and bad in (failed.error.message or "")


async def test_get_matching_product_by_asin(mws: MWSClient, sandbox: Sandbox) -> None:
    asins = sandbox.world.sample_ids("ASIN", 10)
    results = await mws.products.get_matching_product(asins)
    assert sorted(r.asin for r in results if r.asin) == sorted(asins)
    assert all(r.ok and r.product is not None and r.product.asin == r.asin for r in results)


async def test_list_matching_products_returns_at_most_ten(mws: MWSClient, sandbox: Sandbox) -> None:
    title = sandbox.world.product(3).title
    result = await mws.products.list_matching_products(title)
    assert 1 <= len(result.products) <= 10
    noun = title.split()[-1]
    assert all(p.title and noun in p.title for p in result.products)


@pytest.mark.parametrize("kind", ["ASIN", "SellerSKU"])
async def test_competitive_pricing_for_both_id_kinds(mws: MWSClient, sandbox: Sandbox, kind: str) -> None:
    ids = sandbox.world.sample_ids(kind, 4)
    call = (
        mws.products.get_competitive_pricing_for_asin
        if kind == "ASIN"
        else mws.products.get_competitive_pricing_for_sku
    )
    results = await call(ids)
    assert sorted(r.id for r in results if r.id) == sorted(ids)
    pricing = [r.product.competitive_pricing for r in results if r.ok and r.product is not None]
    assert pricing and any(p is not None and p.competitive_prices for p in pricing)


@pytest.mark.parametrize("kind", ["ASIN", "SellerSKU"])
async def test_lowest_offer_listings(mws: MWSClient, sandbox: Sandbox, kind: str) -> None:
    ids = sandbox.world.sample_ids(kind, 3)
    call = (
        mws.products.get_lowest_offer_listings_for_asin
        if kind == "ASIN"
        else mws.products.get_lowest_offer_listings_for_sku
    )
    results = await call(ids, item_condition="New")
    assert len(results) == 3 and all(r.status in ("Success", "ClientError") for r in results)
    listings = [x for r in results if r.product is not None for x in r.product.lowest_offer_listings]
    assert all(x.qualifiers is not None for x in listings)


async def test_lowest_priced_offers_for_asin_and_sku(mws: MWSClient, sandbox: Sandbox) -> None:
    asin = sandbox.world.sample_ids("ASIN", 1)[0]
    by_asin = await mws.products.get_lowest_priced_offers_for_asin(asin, "New")
    assert by_asin.asin == asin and by_asin.status is not None
    if by_asin.ok:
        assert by_asin.summary is not None and by_asin.summary.total_offer_count is not None
        assert len(by_asin.offers) <= 20
    sku = sandbox.world.sample_ids("SellerSKU", 1)[0]
    by_sku = await mws.products.get_lowest_priced_offers_for_sku(sku, "New")
    assert by_sku.sku == sku


async def test_lowest_priced_offers_unknown_asin_is_a_failed_result_or_error(
    mws: MWSClient, sandbox: Sandbox
) -> None:
    # The documented per-item failure is an ErrorResponse carrying the item's attributes; it is a failed
    # result for that item, not an exception.
    unknown = sandbox.world.invalid_id("ASIN", 3)
    result = await mws.products.get_lowest_priced_offers_for_asin(unknown, "New")
    assert not result.ok and result.asin == unknown
    assert result.error is not None and result.error.code == "InvalidParameterValue"


async def test_my_price_for_both_kinds(mws: MWSClient, sandbox: Sandbox) -> None:
    skus = sandbox.world.sample_ids("SellerSKU", 3)
    results = await mws.products.get_my_price_for_sku(skus)
    assert sorted(r.seller_sku for r in results if r.seller_sku) == sorted(skus)
    asins = sandbox.world.sample_ids("ASIN", 2)
    assert len(await mws.products.get_my_price_for_asin(asins, item_condition="New")) == 2


async def test_product_categories_have_parent_chains(mws: MWSClient, sandbox: Sandbox) -> None:
    asin = sandbox.world.sample_ids("ASIN", 1)[0]
    result = await mws.products.get_product_categories_for_asin(asin)
    assert result.categories
    leaf: Category = result.categories[0]
    assert leaf.product_category_id and len(leaf.path) >= 1
    sku = sandbox.world.sample_ids("SellerSKU", 1)[0]
    assert (await mws.products.get_product_categories_for_sku(sku)).categories


async def test_my_fees_estimate(mws: MWSClient, sandbox: Sandbox) -> None:
    asin = sandbox.world.sample_ids("ASIN", 1)[0]
    request = {
        "MarketplaceId": "ATVPDKIKX0DER",
        "IdType": "ASIN",
        "IdValue": asin,
        "IsAmazonFulfilled": True,
        "Identifier": "req-1",
        "PriceToEstimateFees": {"ListingPrice": {"Amount": Decimal("25.00"), "CurrencyCode": "USD"}},
    }
    result = await mws.products.get_my_fees_estimate([request, {**request, "Identifier": "req-2"}])
    assert len(result.fees_estimate_results) == 2
    first = result.fees_estimate_results[0]
    assert first.ok and first.fees_estimate is not None
    assert first.fees_estimate.total_fees_estimate is not None
    assert first.fees_estimate.total_fees_estimate.amount is not None
    assert first.fees_estimate.total_fees_estimate.amount > 0


async def test_service_status(mws: MWSClient) -> None:
    assert (await mws.products.get_service_status()).status == "GREEN"


async def test_limits_are_checked_before_sending(mws: MWSClient, sandbox: Sandbox) -> None:
    with pytest.raises(ClientValidationError, match="at most 5"):
        await mws.products.get_matching_product_for_id("ISBN", sandbox.world.sample_ids("ISBN", 6))
    assert sandbox.request_log.count("GetMatchingProductForId") == 0


async def test_every_call_spends_quota_at_its_cost(mws: MWSClient, sandbox: Sandbox) -> None:
    await mws.products.get_matching_product_for_id("ISBN", sandbox.world.sample_ids("ISBN", 5))
    await mws.products.get_competitive_pricing_for_asin(sandbox.world.sample_ids("ASIN", 20))
    stats = {key.group: s for key, s in mws.throttle_stats().items()}
    assert stats["Products.GetMatchingProductForId"].items == 5
    assert stats["Products.GetCompetitivePricing"].items == 20
    assert stats["Products.GetCompetitivePricing"].requests == 1


async def test_bad_ids_in_a_single_call_are_refused_together_without_spending_quota(
    mws: MWSClient, sandbox: Sandbox
) -> None:
    good = sandbox.world.sample_ids("ISBN", 1)[0]
    wrong_digit = good[:-1] + str((int(good[-1]) + 1) % 10)
    with pytest.raises(ClientValidationError) as info:
        await mws.products.get_matching_product_for_id(
            "ISBN",
            [good, wrong_digit, None, ""],  # type: ignore[list-item]
        )
    (problem,) = info.value.problems
    assert f"ISBN-13 {wrong_digit!r} has a wrong check digit" in problem
    assert "None is not a string id" in problem and "empty identifier" in problem
    assert sandbox.request_log.count() == 0
    assert not mws.throttle_stats()


@pytest.mark.parametrize(
    ("method", "args"),
    [
        ("get_competitive_pricing_for_asin", (["B00"],)),
        ("get_competitive_pricing_for_sku", ([""],)),
        ("get_lowest_offer_listings_for_asin", (["B00EXAMPLE!"],)),
        ("get_lowest_offer_listings_for_sku", ([None],)),
        ("get_my_price_for_asin", ([123],)),
        ("get_my_price_for_sku", (["x" * 41],)),
        ("get_lowest_priced_offers_for_asin", ("B0", "New")),
        ("get_lowest_priced_offers_for_sku", ("  ", "New")),
        ("get_product_categories_for_asin", ("not an asin",)),
        ("get_product_categories_for_sku", ("",)),
        ("get_matching_product", (["B00", "B00EXAMPLE"],)),
    ],
)
async def test_every_single_id_call_checks_its_ids_first(
    mws: MWSClient, sandbox: Sandbox, method: str, args: tuple[object, ...]
) -> None:
    with pytest.raises(ClientValidationError):
        await getattr(mws.products, method)(*args)
    assert sandbox.request_log.count() == 0


async def test_a_lowercase_asin_and_id_type_are_normalised_on_the_wire(
    mws: MWSClient, sandbox: Sandbox
) -> None:
    asin = sandbox.world.sample_ids("ASIN", 1)[0]
    (result,) = await mws.products.get_matching_product_for_id("asin", [asin.lower()])  # type: ignore[arg-type]
    assert result.ok and result.id == asin
    (record,) = sandbox.request_log.filter("GetMatchingProductForId")
    assert record.params["IdType"] == "ASIN" and record.params["IdList.Id.1"] == asin


async def test_fee_estimate_amounts_must_be_finite(mws: MWSClient, sandbox: Sandbox) -> None:
    request = {
        "MarketplaceId": "ATVPDKIKX0DER",
        "IdType": "ASIN",
        "IdValue": sandbox.world.sample_ids("ASIN", 1)[0],
        "IsAmazonFulfilled": True,
        "Identifier": "req-1",
        "PriceToEstimateFees": {"ListingPrice": {"Amount": float("nan"), "CurrencyCode": "USD"}},
    }
    with pytest.raises(ClientValidationError, match="Amount"):
        await mws.products.get_my_fees_estimate([request])
    assert sandbox.request_log.count() == 0
