"""Pagination across the three MWS modes: nothing lost, nothing duplicated, with faults and resumes.

NextToken-only mode is exercised through Orders here; HasNext (Reports, Feeds) and MoreResultsAvailable
(Customer Information) have their own end-to-end tests in tests/sections/.
"""

from __future__ import annotations

import asyncio
import pickle
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl

import httpx
import pytest
from support import serve_asgi

from mws_async import (
    ClientValidationError,
    Credentials,
    MWSClient,
    MWSError,
    NextTokenCorruptedError,
    PaginationLoopError,
    RetryPolicy,
    Throttler,
)
from mws_async.pagination import Paginator
from mws_async.sandbox import Fault, Sandbox, World
from mws_async.sections.customers import LIST_CUSTOMERS
from mws_async.sections.orders import GET_ORDER
from mws_async.throttle import NoThrottle

SCALE = 2000.0
FAST = RetryPolicy(initial_backoff=0.001, max_backoff=0.01)
SINCE = datetime(2025, 1, 1, tzinfo=UTC)
UNTIL = datetime(2025, 12, 31, tzinfo=UTC)


@pytest.fixture
async def world() -> AsyncIterator[tuple[Sandbox, MWSClient]]:
    async with (
        Sandbox(time_scale=SCALE, order_count=2500) as sb,
        MWSClient(sb.credentials, base_url=sb.base_url, time_scale=SCALE, retry=FAST) as client,
    ):
        yield sb, client


def expected_orders(sb: Sandbox) -> set[str]:
    return {sb.world.order(j).amazon_order_id for j in sb.world.orders_created(SINCE, UNTIL)}


async def all_ids(client: MWSClient, **kwargs: object) -> list[str]:
    return [
        order.amazon_order_id
        async for order in client.orders.list_orders(created_after=SINCE, created_before=UNTIL, **kwargs)  # type: ignore[arg-type]
    ]


async def test_next_token_pages_yield_exactly_the_set_the_server_holds(
    world: tuple[Sandbox, MWSClient],
) -> None:
    sb, client = world
    ids = await all_ids(client)
    expected = expected_orders(sb)
    assert len(expected) > 1000  # many pages of 100
    assert len(ids) == len(set(ids)) and set(ids) == expected
    assert sb.request_log.count("ListOrdersByNextToken", processed=True) >= 10


async def test_corrupted_token_restarts_and_skips_what_was_yielded(world: tuple[Sandbox, MWSClient]) -> None:
    sb, client = world
    sb.faults.schedule.append(Fault("NextTokenCorrupted", operation="ListOrdersByNextToken", times=1))
    ids = await all_ids(client)
    assert len(ids) == len(set(ids)) and set(ids) == expected_orders(sb)
    assert sb.request_log.count("ListOrders", processed=True) == 2  # the restart
    corrupted = [r for r in sb.request_log.filter("ListOrdersByNextToken") if r.fault == "NextTokenCorrupted"]
    assert len(corrupted) == 1 and corrupted[0].status == 400


async def test_errors_mid_stream_lose_and_duplicate_nothing(world: tuple[Sandbox, MWSClient]) -> None:
    sb, client = world
    sb.faults.service_unavailable_rate = 0.1
    sb.faults.internal_error_rate = 0.1
    sb.faults.throttle_rate = 0.1
    ids = await all_ids(client)
    assert len(ids) == len(set(ids)) and set(ids) == expected_orders(sb)
    assert any(rec.fault for rec in sb.request_log.filter("ListOrdersByNextToken"))


async def test_resume_from_a_saved_token(world: tuple[Sandbox, MWSClient]) -> None:
    sb, client = world
    first: list[str] = []
    saved = None
    async for page in client.orders.list_orders(created_after=SINCE, created_before=UNTIL).pages():
        first += [o.amazon_order_id for o in page.records]
        if len(first) >= 300:
            saved = page.next_token
            break
    assert saved is not None
    rest = [
        o.amazon_order_id
        async for o in client.orders.list_orders(created_after=SINCE, created_before=UNTIL, next_token=saved)
    ]
    assert set(first).isdisjoint(rest)
    assert set(first) | set(rest) == expected_orders(sb)


async def test_repeated_corruption_beyond_the_restart_budget_is_raised(
    world: tuple[Sandbox, MWSClient],
) -> None:
    sb, client = world
    sb.faults.schedule.append(Fault("NextTokenCorrupted", operation="ListOrdersByNextToken", times=10))
    with pytest.raises(NextTokenCorruptedError):
        await all_ids(client)


async def test_each_page_goes_through_its_own_operations_bucket(world: tuple[Sandbox, MWSClient]) -> None:
    sb, client = world
    await all_ids(client)
    stats = client.throttle_stats()
    groups = {key.group: s.requests for key, s in stats.items()}
    # ListOrders and ListOrdersByNextToken share one bucket at Amazon, and here.
    assert groups["Orders.ListOrders"] == sb.request_log.count("ListOrders") + sb.request_log.count(
        "ListOrdersByNextToken"
    )


async def test_order_items_paginate(world: tuple[Sandbox, MWSClient]) -> None:
    sb, client = world
    order = sb.world.order(sb.world.orders_created(SINCE, UNTIL)[0])
    items = [item async for item in client.orders.list_order_items(order.amazon_order_id)]
    assert len(items) == len(order.items)
    assert {i.order_item_id for i in items} == {i.order_item_id for i in order.items}


# -- HasNext (Reports) and MoreResultsAvailable (Customer Information) over thousands of records -----------


@pytest.fixture
async def big_world() -> AsyncIterator[tuple[Sandbox, MWSClient]]:
    world = World(0, report_history=2500, customer_count=2500, order_count=100)
    async with (
        Sandbox(time_scale=SCALE, world=world) as sb,
        MWSClient(sb.credentials, base_url=sb.base_url, time_scale=SCALE, retry=FAST) as client,
    ):
        yield sb, client


def held_report_ids(sb: Sandbox) -> set[str]:
    state = sb.world.store.seller(sb.credentials.seller_id)
    return {r.report_id for r in state.requests if r.report_id is not None and r.final == "_DONE_"}


def held_customer_ids(sb: Sandbox) -> set[str]:
    return {c.customer_id for c in sb.world.store.seller(sb.credentials.seller_id).customers}


async def test_has_next_pages_through_thousands_with_faults_and_corruption(
    big_world: tuple[Sandbox, MWSClient],
) -> None:
    sb, client = big_world
    sb.faults.service_unavailable_rate = 0.05
    sb.faults.internal_error_rate = 0.05
    sb.faults.schedule.append(Fault("NextTokenCorrupted", operation="GetReportListByNextToken", times=1))
    ids = [r.report_id async for r in client.reports.get_report_list(max_count=100)]
    assert len(held_report_ids(sb)) > 2000
    assert len(ids) == len(set(ids)) and set(ids) == held_report_ids(sb)
    assert sb.request_log.count("GetReportList", processed=True) == 2  # restarted once
    assert any(rec.fault for rec in sb.request_log.filter("GetReportListByNextToken"))


async def test_has_next_resumes_from_a_saved_token(big_world: tuple[Sandbox, MWSClient]) -> None:
    sb, client = big_world
    first: list[str] = []
    saved = None
    async for page in client.reports.get_report_list(max_count=100).pages():
        first += [r.report_id for r in page.records]
        if len(first) >= 700:
            saved = page.next_token
            break
    assert saved is not None
    rest = [r.report_id async for r in client.reports.get_report_list(max_count=100, next_token=saved)]
    assert set(first).isdisjoint(rest) and set(first) | set(rest) == held_report_ids(sb)


async def test_more_results_available_pages_through_thousands_with_faults(
    big_world: tuple[Sandbox, MWSClient],
) -> None:
    sb, client = big_world
    sb.faults.throttle_rate = 0.05
    sb.faults.internal_error_rate = 0.05
    sb.faults.schedule.append(Fault("NextTokenCorrupted", operation="ListCustomersByNextToken", times=1))
    ids = [c.customer_id async for c in client.customers.list_customers()]
    assert len(ids) == len(set(ids)) == 2500 and set(ids) == held_customer_ids(sb)
    assert sb.request_log.count("ListCustomers", processed=True) == 2


async def test_more_results_available_resume_and_follow_new_records(
    big_world: tuple[Sandbox, MWSClient],
) -> None:
    sb, client = big_world
    first: list[str] = []
    saved = None
    async for page in client.customers.list_customers().pages():
        first += [c.customer_id for c in page.records]
        if len(first) >= 1000:
            saved = page.next_token
            break
    assert saved is not None
    rest: list[str] = []
    last_token = None
    async for page in client.customers.list_customers(next_token=saved).pages():
        rest += [c.customer_id for c in page.records]
        last_token = page.next_token
    assert set(first) | set(rest) == held_customer_ids(sb) and set(first).isdisjoint(rest)
    # MoreResultsAvailable=false still hands out a token: later calls with it return what was added since.
    assert last_token is not None
    added = set(sb.add_customers(7))
    later = [c.customer_id async for c in client.customers.list_customers(next_token=last_token)]
    assert set(later) == added


# -- a server that repeats NextTokens: a typed error after a few requests, never an endless loop ----------

ORDERS_NS = "https://mws.amazonservices.com/Orders/2013-09-01"
REPORTS_NS = "http://mws.amazonaws.com/doc/2009-01-01/"


def orders_page(action: str, token: str | None, order_id: str) -> bytes:
    next_token = f"<NextToken>{token}</NextToken>" if token is not None else ""
    return (
        f'<?xml version="1.0"?><{action}Response xmlns="{ORDERS_NS}"><{action}Result>{next_token}'
        f"<Orders><Order><AmazonOrderId>{order_id}</AmazonOrderId></Order></Orders></{action}Result>"
        f"<ResponseMetadata><RequestId>rid-{order_id}</RequestId></ResponseMetadata></{action}Response>"
    ).encode()


def reports_page(action: str, token: str, report_id: str) -> bytes:
    return (
        f'<?xml version="1.0"?><{action}Response xmlns="{REPORTS_NS}"><{action}Result>'
        f"<NextToken>{token}</NextToken><HasNext>true</HasNext>"
        f"<ReportInfo><ReportId>{report_id}</ReportId></ReportInfo></{action}Result>"
        f"<ResponseMetadata><RequestId>rid-{report_id}</RequestId></ResponseMetadata></{action}Response>"
    ).encode()


class RepeatingTokenServer:
    """Answers ListOrders/GetReportList and their ByNextToken twins with the tokens of ``cycle`` in turn,
    forever (capped at ``limit`` answers, after which it ends the listing, so the old code finished instead
    of hanging the test run). ``requests`` counts what it saw."""

    def __init__(self, cycle: list[str], limit: int = 200) -> None:
        self.cycle = cycle
        self.limit = limit
        self.requests = 0

    def answer(self, action: str) -> bytes:
        self.requests += 1
        n = self.requests
        token = self.cycle[(n - 1) % len(self.cycle)] if n < self.limit else None
        if action.startswith("GetReportList"):
            if token is None:
                return reports_page(action, "end", f"R{n}").replace(b"true", b"false")
            return reports_page(action, token, f"R{n}")
        return orders_page(action, token, f"111-0000000-{n:07d}")

    def handler(self, request: httpx.Request) -> httpx.Response:
        params = dict(parse_qsl(request.content.decode()))
        return httpx.Response(
            200, content=self.answer(params["Action"]), headers={"Content-Type": "text/xml"}
        )

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        params = dict(parse_qsl(body.decode()))
        content = self.answer(params["Action"])
        await send(
            {"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/xml")]}
        )
        await send({"type": "http.response.body", "body": content})


def unthrottled_client(**kwargs: Any) -> MWSClient:
    creds = Credentials("AKIAEXAMPLE", "secret-key", "A1SELLER0000")
    return MWSClient(creds, throttle=Throttler(NoThrottle()), retry=FAST, **kwargs)


async def collect_ids(client: MWSClient, into: list[str]) -> None:
    async for order in client.orders.list_orders(created_after=SINCE, created_before=UNTIL):
        into.append(order.amazon_order_id)


async def test_a_repeated_next_token_raises_a_pagination_loop_error_at_once() -> None:
    server = RepeatingTokenServer(["TOKEN-A" * 40])
    http = httpx.AsyncClient(transport=httpx.MockTransport(server.handler))
    ids: list[str] = []
    async with unthrottled_client(base_url="https://mws.amazonservices.com", http_client=http) as client:
        with pytest.raises(PaginationLoopError) as info:
            await collect_ids(client, ids)
    await http.aclose()
    error = info.value
    assert isinstance(error, MWSError)
    assert server.requests == 2
    assert ids == ["111-0000000-0000001", "111-0000000-0000002"]  # what the server gave is yielded
    assert (error.operation, error.token_position, error.pages) == ("ListOrdersByNextToken", 2, 2)
    assert "ListOrdersByNextToken" in str(error) and "page 2" in str(error)
    assert "TOKEN-A" * 40 not in str(error)  # a short prefix at most
    assert pickle.loads(pickle.dumps(error)).token_position == 2


async def test_a_cycle_of_tokens_from_a_loopback_server_stops_after_a_few_requests() -> None:
    server = RepeatingTokenServer(["A-token", "B-token"])
    async with serve_asgi(server) as url, unthrottled_client(base_url=url) as client:
        with pytest.raises(PaginationLoopError) as info:
            await all_ids(client)
    assert server.requests <= 4
    assert info.value.token_position == 3 and info.value.pages == 3


async def test_the_same_token_twice_from_a_loopback_server_stops_at_the_second_page() -> None:
    server = RepeatingTokenServer(["A-token"])
    async with serve_asgi(server) as url, unthrottled_client(base_url=url) as client:
        with pytest.raises(PaginationLoopError):
            [r async for r in client.reports.get_report_list()]
    assert server.requests <= 3


async def test_a_resumed_listing_whose_token_comes_back_raises() -> None:
    server = RepeatingTokenServer(["resume-token"])
    async with serve_asgi(server) as url, unthrottled_client(base_url=url) as client:
        with pytest.raises(PaginationLoopError) as info:
            await all_ids(client, next_token="resume-token")
    assert server.requests == 1 and info.value.token_position == 1


async def test_every_page_yields_to_the_event_loop() -> None:
    """A transport that answers synchronously must not starve other tasks while pages go by."""
    pages = 30
    cycle = [f"token-{i}" for i in range(pages)]
    server = RepeatingTokenServer(cycle, limit=pages)
    http = httpx.AsyncClient(transport=httpx.MockTransport(server.handler))
    ticks = 0
    stop = asyncio.Event()

    async def ticker() -> None:
        nonlocal ticks
        while not stop.is_set():
            ticks += 1
            await asyncio.sleep(0)

    async with unthrottled_client(base_url="https://mws.amazonservices.com", http_client=http) as client:
        task = asyncio.create_task(ticker())
        await asyncio.sleep(0)
        start = ticks
        ids = await all_ids(client)
        during = ticks - start
        stop.set()
        await task
    await http.aclose()
    assert len(ids) == pages
    assert during >= pages - 1


async def test_follow_polls_may_resend_their_token_without_a_loop_error() -> None:
    """MoreResultsAvailable=false hands out a token to poll with later: resending it is not a loop."""
    ns = "http://mws.amazonservices.com/schema/CustomerInformation/2014-03-01"
    requests: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        action = dict(parse_qsl(request.content.decode()))["Action"]
        requests.append(action)
        body = (
            f'<?xml version="1.0"?><{action}Response xmlns="{ns}"><{action}Result>'
            "<NextToken>poll-token</NextToken><MoreResultsAvailable>false</MoreResultsAvailable>"
            f"<CustomerList><Customer><CustomerId>C{len(requests)}</CustomerId></Customer></CustomerList>"
            f"</{action}Result><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></{action}Response>"
        )
        return httpx.Response(200, content=body.encode(), headers={"Content-Type": "text/xml"})

    http = httpx.AsyncClient(transport=httpx.MockTransport(handler))
    async with unthrottled_client(base_url="https://mws.amazonservices.com", http_client=http) as client:
        listing: Paginator[Any] = Paginator(
            client, LIST_CUSTOMERS, {}, follow=True, poll_interval=0.0, max_polls=3
        )
        ids = [c.customer_id async for c in listing]
    await http.aclose()
    assert ids == ["C1", "C2", "C3", "C4"]
    assert requests == ["ListCustomers"] + ["ListCustomersByNextToken"] * 3


async def test_paginating_an_operation_that_does_not_paginate_is_a_typed_error() -> None:
    async with unthrottled_client(base_url="https://mws.amazonservices.com") as client:
        with pytest.raises(ClientValidationError, match="GetOrder does not paginate"):
            Paginator(client, GET_ORDER, {})


# --- paging arguments are checked before the first request -----------------------------------------------

BAD_PAGING: list[tuple[dict[str, Any], str]] = [
    ({"follow": "no"}, r"follow must be True or False, got 'no'"),
    ({"follow": 1}, r"follow must be True or False, got 1"),
    (
        {"follow": True, "poll_interval": "5"},
        r"poll_interval must be a finite number of seconds >= 0, got '5'",
    ),
    (
        {"follow": True, "poll_interval": None},
        r"poll_interval must be a finite number of seconds >= 0, got None",
    ),
    ({"follow": True, "poll_interval": -1}, r"poll_interval must be a finite number of seconds >= 0, got -1"),
    ({"follow": True, "poll_interval": float("nan")}, r"poll_interval must be .*, got nan"),
    ({"follow": True, "poll_interval": float("inf")}, r"poll_interval must be .*, got inf"),
    ({"follow": True, "poll_interval": 10**400}, r"poll_interval must be a finite number of seconds >= 0"),
    ({"follow": True, "poll_interval": True}, r"poll_interval must be .*, got True"),
]


def recording_client() -> tuple[MWSClient, httpx.AsyncClient, list[httpx.Request]]:
    sent: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(500)

    http = httpx.AsyncClient(transport=httpx.MockTransport(handler))
    return unthrottled_client(base_url="https://mws.amazonservices.com", http_client=http), http, sent


@pytest.mark.parametrize(("arguments", "message"), BAD_PAGING, ids=[str(a) for a, _ in BAD_PAGING])
async def test_list_customers_refuses_bad_paging_arguments_before_any_request(
    arguments: dict[str, Any], message: str
) -> None:
    client, http, sent = recording_client()
    async with client:
        with pytest.raises(ClientValidationError, match=rf"^ListCustomers: {message}"):
            client.customers.list_customers(**arguments)
    await http.aclose()
    assert sent == []


async def test_every_bad_paging_argument_is_named_at_once() -> None:
    client, http, sent = recording_client()
    async with client:
        with pytest.raises(ClientValidationError) as caught:
            Paginator(
                client,
                LIST_CUSTOMERS,
                {},
                follow="yes",
                poll_interval=-5,
                max_polls=-1,
                max_restarts="3",  # type: ignore[arg-type]
            )
    await http.aclose()
    assert caught.value.problems == [
        "follow must be True or False, got 'yes'",
        "poll_interval must be a finite number of seconds >= 0, got -5",
        "max_polls must be a whole number >= 0 or None, got -1",
        "max_restarts must be a whole number >= 0, got '3'",
    ]
    assert sent == []
