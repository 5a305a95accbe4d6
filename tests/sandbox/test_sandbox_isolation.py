"""The sandbox keeps sellers apart: orders, order items, financial events, inventory supply, customers and
reports belong to one seller; another seller's ids answer as MWS answered ids that are not yours; the
catalog stays shared; the default sandbox seller keeps exactly the data it always had."""

from __future__ import annotations

import hashlib
import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from sandbox.sandbox_signer import FakeClock, call

from mws_async import MWSClient
from mws_async.errors import InvalidParameterError
from mws_async.models.orders import Order
from mws_async.sandbox import SANDBOX_SELLER_ID, Sandbox, World
from mws_async.sandbox.handlers.reports import report_chunks
from mws_async.xml import parse_error_response

OTHER = "A1OTHERSELLER99"
ORD = "/Orders/2013-09-01"
FIN = "/Finances/2015-05-01"
REP = "/Reports/2009-01-01"
FEEDS = "/Feeds/2009-01-01"
INV = "/FulfillmentInventory/2010-10-01"
CUS = "/CustomerInformation/2014-03-01"


class Answers:
    """Every body the sandbox sent to one seller's client (to prove nothing of another seller is in it)."""

    def __init__(self) -> None:
        self.bodies: list[bytes] = []

    async def hook(self, response: httpx.Response) -> None:
        self.bodies.append(await response.aread())

    def mention(self, values: set[str]) -> set[str]:
        """The values of ``values`` that occur in any recorded body."""
        text = b"\n".join(self.bodies).decode("utf-8", "replace")
        return {v for v in values if v in text}


@pytest.fixture
def sandbox(clock: FakeClock) -> Sandbox:
    """A small world: every seller's whole order history is a few pages."""
    return Sandbox(seed=0, clock=clock, catalog_size=10_000, order_count=60)


@pytest.fixture
def answers_b() -> Answers:
    return Answers()


@pytest.fixture
async def http_b(sandbox: Sandbox, answers_b: Answers) -> AsyncIterator[httpx.AsyncClient]:
    """Raw signed requests as the other seller; every answer is recorded in ``answers_b``."""
    sandbox.buckets.enabled = False
    transport = httpx.ASGITransport(app=sandbox.app)
    async with httpx.AsyncClient(
        transport=transport, base_url="http://127.0.0.1:8000", event_hooks={"response": [answers_b.hook]}
    ) as c:
        yield c


@pytest.fixture
async def mws_b(sandbox: Sandbox, answers_b: Answers) -> AsyncIterator[MWSClient]:
    """The real client as the other seller (same developer); every answer is recorded in ``answers_b``."""
    sandbox.buckets.enabled = False
    http = httpx.AsyncClient(
        transport=httpx.ASGITransport(app=sandbox.app),
        base_url="http://127.0.0.1",
        event_hooks={"response": [answers_b.hook]},
    )
    async with (
        http,
        MWSClient(
            sandbox.credentials_for(OTHER), base_url="http://127.0.0.1", http_client=http, time_scale=10_000.0
        ) as client,
    ):
        yield client


async def all_orders(client: MWSClient, sandbox: Sandbox) -> list[Order]:
    """Every order of the client's seller (the whole order history)."""
    start, end = sandbox.world.order_span
    return [
        o
        async for o in client.orders.list_orders(created_after=start - timedelta(days=1), created_before=end)
    ]


def error_of(response: httpx.Response) -> tuple[int, str, str]:
    error = parse_error_response(response.content)[0][0]
    return response.status_code, str(error["Code"]), str(error["Message"])


def emails(orders: list[Order]) -> set[str]:
    return {o.buyer_email for o in orders if o.buyer_email}


# -- orders ----------------------------------------------------------------------------------------------
async def test_two_sellers_list_their_own_orders_with_disjoint_ids(
    mws: MWSClient, mws_b: MWSClient, sandbox: Sandbox, answers_b: Answers
) -> None:
    mine, theirs = await all_orders(mws, sandbox), await all_orders(mws_b, sandbox)
    # Same shape and size (the world's parameters), different orders.
    assert len(mine) == len(theirs) == sandbox.world.order_count
    assert {o.amazon_order_id for o in mine}.isdisjoint({o.amazon_order_id for o in theirs})
    assert emails(theirs) and emails(mine).isdisjoint(emails(theirs))
    start, end = sandbox.world.order_span
    assert all(start <= o.purchase_date < end for o in theirs)  # type: ignore[operator]
    # Filtering by another seller's buyer finds nothing; by one's own buyer, that buyer's order.
    my_buyer, own_buyer = sorted(emails(mine))[0], sorted(emails(theirs))[0]
    by_email = mws_b.orders.list_orders(created_after=start - timedelta(days=1), buyer_email=my_buyer)
    assert [o async for o in by_email] == []
    by_email = mws_b.orders.list_orders(created_after=start - timedelta(days=1), buyer_email=own_buyer)
    assert [o.buyer_email async for o in by_email] == [own_buyer]
    assert answers_b.mention(emails(mine)) == set()


async def test_get_order_with_another_sellers_ids_answers_an_empty_order_list(
    mws: MWSClient, mws_b: MWSClient, sandbox: Sandbox, answers_b: Answers
) -> None:
    mine, theirs = await all_orders(mws, sandbox), await all_orders(mws_b, sandbox)
    foreign = [o.amazon_order_id for o in mine[:50]]
    # MWS answered ids that are not yours with an empty <Orders/> (recorded GetOrder__peddler__6/7/9).
    assert await mws_b.orders.get_order(foreign) == []
    own = [o.amazon_order_id for o in theirs[:3]]
    assert [o.amazon_order_id for o in await mws_b.orders.get_order([foreign[0], *own])] == own
    # The seller that owns them still reads them.
    assert [o.amazon_order_id for o in await mws.orders.get_order(foreign[:3])] == foreign[:3]
    assert answers_b.mention(emails(mine) | set(foreign)) == set()


async def test_list_order_items_of_another_sellers_order_is_an_invalid_amazon_order_id(
    mws: MWSClient, mws_b: MWSClient, http_b: httpx.AsyncClient, sandbox: Sandbox, answers_b: Answers
) -> None:
    mine, theirs = await all_orders(mws, sandbox), await all_orders(mws_b, sandbox)
    foreign = mine[0].amazon_order_id
    assert [i async for i in mws.orders.list_order_items(foreign)]
    creds_b = sandbox.credentials_for(OTHER)
    response = await call(http_b, creds_b, ORD, "ListOrderItems", {"AmazonOrderId": foreign})
    # What MWS answered for an order id that is not the caller's.
    assert error_of(response) == (400, "InvalidParameterValue", f"Invalid AmazonOrderId: {foreign}")
    with pytest.raises(InvalidParameterError):
        [i async for i in mws_b.orders.list_order_items(foreign)]
    own = [i async for i in mws_b.orders.list_order_items(theirs[0].amazon_order_id)]
    assert own and all(i.order_item_id for i in own)
    mine_items = {
        i.order_item_id for o in mine[:20] async for i in mws.orders.list_order_items(o.amazon_order_id)
    }
    assert answers_b.mention(emails(mine) | mine_items) == set()  # (the error echoes only the id sent)


async def test_another_sellers_next_token_pages_through_the_callers_own_orders(
    client: httpx.AsyncClient,
    mws: MWSClient,
    mws_b: MWSClient,
    http_b: httpx.AsyncClient,
    sandbox: Sandbox,
    answers_b: Answers,
) -> None:
    mine, theirs = await all_orders(mws, sandbox), await all_orders(mws_b, sandbox)
    start, end = sandbox.world.order_span
    span = {
        "MarketplaceId.Id.1": "ATVPDKIKX0DER",
        "CreatedAfter": start.isoformat(),
        "MaxResultsPerPage": "10",
    }
    first = await call(
        client, sandbox.credentials, ORD, "ListOrders", {**span, "CreatedBefore": end.isoformat()}
    )
    token = re.search(r"<NextToken>([^<]*)</NextToken>", first.text)
    assert token is not None
    # A token carries only the query and a position: replayed by another seller, it lists its own orders.
    creds_b = sandbox.credentials_for(OTHER)
    page = await call(http_b, creds_b, ORD, "ListOrdersByNextToken", {"NextToken": token[1]})
    listed = set(re.findall(r"<AmazonOrderId>([^<]*)</AmazonOrderId>", page.text))
    assert listed and listed <= {o.amazon_order_id for o in theirs}
    assert answers_b.mention(emails(mine) | {o.amazon_order_id for o in mine}) == set()


# -- finances --------------------------------------------------------------------------------------------
async def test_financial_events_of_another_sellers_order_are_empty(
    mws: MWSClient, mws_b: MWSClient, sandbox: Sandbox, answers_b: Answers
) -> None:
    mine, theirs = await all_orders(mws, sandbox), await all_orders(mws_b, sandbox)
    shipped = next(o for o in mine if o.order_status == "Shipped")
    assert [k async for k, _ in mws.finances.list_financial_events(amazon_order_id=shipped.amazon_order_id)]
    # A filter that matches nothing of the caller's: an empty event list, as for any unknown order.
    assert [
        e async for e in mws_b.finances.list_financial_events(amazon_order_id=shipped.amazon_order_id)
    ] == []
    own_shipped = next(o for o in theirs if o.order_status == "Shipped")
    own = [e async for e in mws_b.finances.list_financial_events(amazon_order_id=own_shipped.amazon_order_id)]
    assert [k for k, _ in own][:1] == ["ShipmentEvent"]
    assert own[0][1].amazon_order_id == own_shipped.amazon_order_id
    assert answers_b.mention({shipped.amazon_order_id}) == set()


async def test_financial_event_groups_and_posted_events_are_the_sellers_own(
    mws: MWSClient, mws_b: MWSClient, sandbox: Sandbox, answers_b: Answers
) -> None:
    world = sandbox.world
    after = world.anchor - timedelta(days=120)
    mine = [g async for g in mws.finances.list_financial_event_groups(after)]
    theirs = [g async for g in mws_b.finances.list_financial_event_groups(after)]
    assert len(mine) == len(theirs) > 2
    assert {g.financial_event_group_id for g in mine}.isdisjoint({g.financial_event_group_id for g in theirs})
    with pytest.raises(InvalidParameterError):
        [
            e
            async for e in mws_b.finances.list_financial_events(
                financial_event_group_id=mine[0].financial_event_group_id
            )
        ]
    window = {
        "posted_after": world.anchor - timedelta(days=60),
        "posted_before": world.anchor - timedelta(days=30),
    }
    b_events = [e async for _, e in mws_b.finances.list_financial_events(**window)]
    b_orders = {getattr(e, "amazon_order_id", None) for e in b_events} - {None}
    own_ids = {o.amazon_order_id for o in await all_orders(mws_b, sandbox)}
    assert b_orders and b_orders <= own_ids
    my_ids = {o.amazon_order_id for o in await all_orders(mws, sandbox)}
    assert answers_b.mention(my_ids) == set()


# -- inventory and customers (per seller already; kept so) --------------------------------------------------
async def test_inventory_supply_of_another_sellers_skus_is_empty(
    mws: MWSClient, mws_b: MWSClient, sandbox: Sandbox, answers_b: Answers
) -> None:
    since = sandbox.world.anchor - timedelta(days=400)
    mine = [s async for s in mws.inventory.list_inventory_supply(query_start=since)]
    theirs = [s async for s in mws_b.inventory.list_inventory_supply(query_start=since)]
    assert mine and theirs
    my_fnskus = {s.fn_sku for s in mine if s.fn_sku}
    assert my_fnskus.isdisjoint({s.fn_sku for s in theirs})
    only_mine = [s.seller_sku for s in mine if s.seller_sku not in {t.seller_sku for t in theirs}][:20]
    assert only_mine
    records = [s async for s in mws_b.inventory.list_inventory_supply(seller_skus=only_mine)]
    assert [r.seller_sku for r in records] == only_mine
    assert all(r.total_supply_quantity == 0 and r.fn_sku is None for r in records)
    assert answers_b.mention(my_fnskus) == set()


async def test_customers_of_another_seller_are_not_found(
    mws: MWSClient, mws_b: MWSClient, sandbox: Sandbox, answers_b: Answers
) -> None:
    mine = [c async for c in mws.customers.list_customers()]
    theirs = [c async for c in mws_b.customers.list_customers()]
    my_ids = {c.customer_id for c in mine}
    assert len(mine) == len(theirs) and my_ids.isdisjoint({c.customer_id for c in theirs})
    assert await mws_b.customers.get_customers_for_customer_id(sorted(my_ids)[:20]) == []
    assert len(await mws.customers.get_customers_for_customer_id(sorted(my_ids)[:20])) == 20
    assert answers_b.mention(my_ids) == set()


# -- reports and feeds -----------------------------------------------------------------------------------
async def test_an_order_report_lists_only_the_sellers_own_orders(
    mws: MWSClient, mws_b: MWSClient, sandbox: Sandbox, answers_b: Answers
) -> None:
    mine = await all_orders(mws, sandbox)
    my_ids, my_emails = {o.amazon_order_id for o in mine}, emails(mine)
    own_ids = {o.amazon_order_id for o in await all_orders(mws_b, sandbox)}
    reports = [r async for r in mws_b.reports.get_report_list(report_types=["_GET_FLAT_FILE_ORDERS_DATA_"])]
    rows = [row for r in reports[:3] async for row in mws_b.reports.iter_report_rows(r.report_id)]
    assert rows and {row["order-id"] for row in rows} <= own_ids
    assert answers_b.mention(my_ids | my_emails) == set()


async def test_reports_and_feeds_of_another_seller_are_not_found(
    client: httpx.AsyncClient, http_b: httpx.AsyncClient, sandbox: Sandbox
) -> None:
    state = sandbox.world.store.seller(sandbox.credentials.seller_id)
    done = next(r for r in state.requests if r.report_id is not None and r.final == "_DONE_")
    feed = state.feeds[0]
    b = sandbox.credentials_for(OTHER)
    mine = await call(client, sandbox.credentials, REP, "GetReport", {"ReportId": str(done.report_id)})
    assert mine.status_code == 200
    response = await call(http_b, b, REP, "GetReport", {"ReportId": str(done.report_id)})
    assert error_of(response)[:2] == (400, "InvalidReportId")
    listed = await call(http_b, b, REP, "GetReportRequestList", {"ReportRequestIdList.Id.1": done.request_id})
    assert listed.status_code == 200 and done.request_id.encode() not in listed.content
    response = await call(
        http_b, b, FEEDS, "GetFeedSubmissionResult", {"FeedSubmissionId": feed.submission_id}
    )
    assert error_of(response)[:2] == (400, "InvalidFeedSubmissionId")


# -- the catalog stays shared ------------------------------------------------------------------------------
async def test_products_stay_shared(mws: MWSClient, mws_b: MWSClient, sandbox: Sandbox) -> None:
    asins = sandbox.world.sample_ids("ASIN", 3)
    mine = await mws.products.get_matching_product(asins)
    theirs = await mws_b.products.get_matching_product(asins)
    assert [r.model_dump_json() for r in mine] == [r.model_dump_json() for r in theirs]


# -- determinism, the default seller, laziness -----------------------------------------------------------
def _digest(parts: list[str]) -> str:
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:16]


def test_the_default_seller_keeps_the_orders_it_always_had() -> None:
    world = World(0)
    assert world.order_count == 5000
    assert world.order_span == (datetime(2025, 10, 3, tzinfo=UTC), datetime(2026, 1, 1, tzinfo=UTC))
    book = world.orders_for(SANDBOX_SELLER_ID)
    ids = [book.order_id(j) for j in range(book.order_count)]
    # Digest of the 5000 order ids the sandbox served before orders became per seller.
    assert _digest(ids) == "75bc85201a7539ee"
    assert ids == [world.order_id(j) for j in range(world.order_count)]
    assert book.order(0).purchase == datetime(2025, 10, 3, 0, 9, 54, tzinfo=UTC)
    assert book.order(4999).purchase == datetime(2025, 12, 31, 23, 58, 22, tzinfo=UTC)


async def test_the_default_seller_gets_byte_identical_answers(clock: FakeClock) -> None:
    """Digests of the answers the sandbox gave the default seller before orders became per seller."""
    sandbox = Sandbox(seed=0, clock=clock, catalog_size=100_000, order_count=500, throttling=False)
    world, creds = sandbox.world, sandbox.credentials
    transport = httpx.ASGITransport(app=sandbox.app)
    async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1:8000") as client:

        async def answer(path: str, action: str, params: dict[str, str]) -> str:
            response = await call(client, creds, path, action, params)
            assert response.status_code == 200, response.text
            return re.sub(r"<RequestI[dD]>[^<]*</RequestI[dD]>", "", response.text)

        span = {
            "MarketplaceId.Id.1": "ATVPDKIKX0DER",
            "CreatedAfter": (world.anchor - timedelta(days=100)).isoformat(),
            "CreatedBefore": world.anchor.isoformat(),
        }
        pages = [await answer(ORD, "ListOrders", span)]
        while token := re.search(r"<NextToken>([^<]*)</NextToken>", pages[-1]):
            pages.append(await answer(ORD, "ListOrdersByNextToken", {"NextToken": token.group(1)}))
        assert (_digest(pages), len(pages)) == ("69ebf68768c69816", 5)
        ids = [world.order_id(j) for j in (0, 7, 499)]
        got = await answer(ORD, "GetOrder", {f"AmazonOrderId.Id.{k + 1}": v for k, v in enumerate(ids)})
        assert _digest([got]) == "2ba442bfee014758"
        items = [await answer(ORD, "ListOrderItems", {"AmazonOrderId": i}) for i in ids]
        assert _digest(items) == "56f21363574ecb07"
        after = (world.anchor - timedelta(days=120)).isoformat()
        groups = await answer(FIN, "ListFinancialEventGroups", {"FinancialEventGroupStartedAfter": after})
        assert _digest([groups]) == "a08d19fa92689946"
        group_id = re.search(r"<FinancialEventGroupId>([^<]*)<", groups).group(1)  # type: ignore[union-attr]
        events = await answer(FIN, "ListFinancialEvents", {"FinancialEventGroupId": group_id})
        assert _digest([events]) == "6d88fa2d46397379"
        shipped = next(world.order(j) for j in range(500) if world.order(j).status == "Shipped")
        by_order = await answer(FIN, "ListFinancialEvents", {"AmazonOrderId": shipped.amazon_order_id})
        assert _digest([by_order]) == "b631c3b1b63e8504"
    state = world.store.seller(creds.seller_id)
    request = next(
        r for r in state.requests if r.report_type == "_GET_FLAT_FILE_ORDERS_DATA_" and r.final == "_DONE_"
    )
    report = b"".join(report_chunks(world, state, request)())
    assert hashlib.sha256(report).hexdigest()[:16] == "d8efa13c7cbe286b"


def test_another_sellers_orders_are_deterministic_per_seed_and_seller() -> None:
    a, b = World(0, catalog_size=10_000, order_count=50), World(0, catalog_size=10_000, order_count=50)
    other_seed = World(1, catalog_size=10_000, order_count=50)
    first = [a.orders_for(OTHER).order(j) for j in range(50)]
    assert first == [b.orders_for(OTHER).order(j) for j in range(50)]
    assert [o.amazon_order_id for o in first] != [other_seed.orders_for(OTHER).order_id(j) for j in range(50)]
    third = a.orders_for("A3THIRDSELLER00")
    assert {o.amazon_order_id for o in first}.isdisjoint(third.order_id(j) for j in range(50))
    assert a.orders_for(OTHER).order_index(first[7].amazon_order_id) == 7
    assert a.orders_for(SANDBOX_SELLER_ID).order_index(first[7].amazon_order_id) is None
    assert a.orders_for(OTHER).order_span == a.order_span and a.orders_for(OTHER).order_count == 50


def test_order_books_are_lazy_and_bounded() -> None:
    world = World(0, catalog_size=10_000, order_count=50, seller_cache_size=4)
    assert world.order_books_held == 0
    sellers = [f"A{k:013d}" for k in range(10)]
    for seller in sellers:
        world.orders_for(seller).orders_created(*world.order_span)
        assert world.order_books_held <= 4
    # An evicted seller's book is rebuilt with the same orders.
    again = world.orders_for(sellers[0])
    assert [again.order_id(j) for j in range(5)] == [
        World(0, catalog_size=10_000, order_count=50).orders_for(sellers[0]).order_id(j) for j in range(5)
    ]


async def test_a_seller_that_never_reads_orders_costs_no_order_book(
    mws_b: MWSClient, sandbox: Sandbox
) -> None:
    await mws_b.products.get_matching_product(sandbox.world.sample_ids("ASIN", 2))
    assert sandbox.world.order_books_held == 0
    await all_orders(mws_b, sandbox)
    assert sandbox.world.order_books_held == 1


def test_the_sandbox_seller_is_the_worlds_default_seller() -> None:
    assert World.default_seller == SANDBOX_SELLER_ID
