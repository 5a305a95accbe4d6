"""The synthetic world: check digits, O(1) identifiers, determinism."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest
from sandbox.sandbox_signer import call

from mws_async.sandbox import Sandbox, World
from mws_async.sandbox.ids import ean13_check, isbn10_check, upc_check

P = "/Products/2011-10-01"


def test_check_digit_functions_against_known_codes() -> None:
    assert isbn10_check("193398866") == "5"  # 1933988665
    assert isbn10_check("059035342") == "X"  # 059035342X
    assert ean13_check("978193398866") == "5"  # 9781933988665
    assert upc_check("03600029145") == "2"  # 036000291452


@pytest.mark.parametrize("id_type", ["ASIN", "ISBN", "ISBN10", "UPC", "EAN", "JAN", "GCID", "SellerSKU"])
def test_sample_ids_resolve_and_invalid_ids_do_not(id_type: str) -> None:
    world = World(seed=3, catalog_size=50_000)
    lookup = "ISBN" if id_type == "ISBN10" else id_type
    ids = world.sample_ids(id_type, 25, start=100)
    assert len(set(ids)) == 25
    indexes = [world.resolve(lookup, value) for value in ids]
    assert all(i is not None and i >= 100 for i in indexes)
    assert indexes == sorted(indexes)
    for k in range(5):
        assert world.resolve(lookup, world.invalid_id(id_type, k)) is None


def test_identifier_formats() -> None:
    world = World(seed=0, catalog_size=10_000)
    isbn13 = world.sample_ids("ISBN", 1)[0]
    assert len(isbn13) == 13
    assert isbn13.startswith("978")
    assert ean13_check(isbn13[:12]) == isbn13[12]
    book = world.product(world.resolve("ISBN", isbn13) or 0)
    assert len(book.asin) == 10
    assert isbn10_check(book.asin[:9]) == book.asin[9]
    upc = world.sample_ids("UPC", 1)[0]
    assert len(upc) == 12
    assert upc_check(upc[:11]) == upc[11]
    assert world.resolve("EAN", "0" + upc) == world.resolve("UPC", upc)  # a UPC is an EAN with a leading 0
    jan = world.sample_ids("JAN", 1)[0]
    assert jan[:2] == "49"
    assert world.resolve("EAN", jan) == world.resolve("JAN", jan)
    asin = next(a for a in world.sample_ids("ASIN", 10) if a.startswith("B0"))
    assert len(asin) == 10
    assert asin.isalnum()
    assert asin.isupper()
    assert world.sample_ids("SellerSKU", 1, start=123)[0].startswith("SKU-000123-")
    # A 979 ISBN-13 with a correct check digit is well formed but in no catalog here.
    assert world.resolve("ISBN", "979" + "000000001" + ean13_check("979000000001")) is None


def test_beyond_catalog_is_unknown_even_with_valid_check_digits() -> None:
    small, large = World(seed=0, catalog_size=1000), World(seed=0, catalog_size=100_000)
    far = large.sample_ids("ISBN", 1, start=50_000)[0]
    assert large.resolve("ISBN", far) is not None
    assert small.resolve("ISBN", far) is None


def test_variation_families() -> None:
    world = World(seed=0, catalog_size=20_000)
    parent = next(world.product(i) for i in range(0, 20_000, 16) if world.kind(i) == "parent")
    assert 2 <= len(parent.children) <= 6
    assert not parent.sales_ranks
    child = world.product(parent.children[0])
    assert child.parent == parent.index
    assert child.color
    assert child.size
    assert child.title.startswith(parent.title)


def test_same_seed_same_world_different_seed_different() -> None:
    a, b, c = World(seed=1), World(seed=1), World(seed=2)
    assert [a.product(i) for i in range(50)] == [b.product(i) for i in range(50)]
    assert a.sample_ids("ASIN", 5) != c.sample_ids("ASIN", 5)
    assert [a.order(j) for j in range(20)] == [b.order(j) for j in range(20)]
    assert a.order_id(0) != c.order_id(0)


def test_orders_world() -> None:
    world = World(seed=0, order_count=300)
    order = world.order(17)
    parts = order.amazon_order_id.split("-")
    assert [len(p) for p in parts] == [3, 7, 7]
    assert world.order_index(order.amazon_order_id) == 17
    assert world.order_index("111-0000000-0000000") is None
    assert 1 <= len(order.items) <= 5
    purchases = [world.order(j).purchase for j in range(300)]
    assert purchases == sorted(purchases)
    assert purchases[-1] < world.anchor


def test_a_purchase_date_range_finds_exactly_the_orders_bought_in_it() -> None:
    world = World(seed=0, catalog_size=10_000, order_count=300)
    book = world.orders_for("A1OTHERSELLER99")
    purchases = [book.order(j).purchase for j in range(300)]
    start, end = world.order_span
    cuts = [start, purchases[0], purchases[1], purchases[150], purchases[299], end]
    for low in cuts:
        for high in cuts:
            expected = [j for j, moment in enumerate(purchases) if low <= moment < high]
            assert book.orders_created(low, high) == expected


def test_orders_by_update_come_in_update_order() -> None:
    book = World(seed=0, catalog_size=10_000, order_count=300).orders_for("A1OTHERSELLER99")
    start, end = book.order_span
    found = book.orders_updated(start, end + timedelta(days=3))
    assert sorted(found) == list(range(300))
    assert [book.order(j).updated for j in found] == sorted(book.order(j).updated for j in range(300))


def test_list_price_is_the_products_list_price() -> None:
    world = World(seed=5)
    assert all(world.list_price(i) == world.product(i).list_price for i in range(0, 1_000_000, 4999))


def test_search() -> None:
    world = World(seed=0, catalog_size=100_000)
    found = world.search("Acme Lantern")
    assert 1 <= len(found) <= 10
    for index in found:
        product = world.product(index)
        assert "acme" in f"{product.title} {product.brand}".lower()
        assert "lantern" in product.title.lower()
    isbn = world.sample_ids("ISBN", 1)[0]
    assert world.search(isbn) == [world.resolve("ISBN", isbn)]
    assert world.search("zzzz qqqq") == []


async def test_same_seed_gives_byte_identical_bodies() -> None:
    async def body(seed: int) -> bytes:
        sandbox = Sandbox(seed=seed, catalog_size=10_000)
        ids = sandbox.world.sample_ids("ISBN", 3)
        params = {
            "MarketplaceId": "ATVPDKIKX0DER",
            "IdType": "ISBN",
            **{f"IdList.Id.{i + 1}": v for i, v in enumerate(ids)},
        }
        transport = httpx.ASGITransport(app=sandbox.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://h") as client:
            response = await call(client, sandbox.credentials, P, "GetMatchingProductForId", params)
            rid = response.headers["x-mws-request-id"]
            return response.content.replace(rid.encode(), b"RID")

    first, second, other = await body(5), await body(5), await body(6)
    assert first == second
    assert first != other


def test_prices_per_marketplace() -> None:
    from mws_async.sandbox.world import market_info

    world = World(seed=0)
    us, jp, de = (market_info(m) for m in ("ATVPDKIKX0DER", "A1VC38T7YXB528", "A1PA6795UKMFR9"))
    assert us
    assert jp
    assert de
    assert world.amount(1999, us) == "19.99"
    assert world.amount(1999, jp) == "2198"  # JPY has no decimals
    assert (de.currency, world.amount(1000, de)) == ("EUR", "9.20")


@pytest.mark.parametrize("id_type", ["ASIN", "ISBN", "UPC", "EAN", "JAN", "GCID", "SellerSKU"])
def test_invalid_ids_are_distinct_and_invalid(id_type: str) -> None:
    world = World(0, catalog_size=10_000, order_count=10)
    ids = [world.invalid_id(id_type, k) for k in range(8)]
    assert len(set(ids)) == 8
    assert all(world.resolve(id_type, value) is None for value in ids)
