"""Customer Information in the sandbox: MoreResultsAvailable paging, follow mode, lookups by id."""

from __future__ import annotations

import httpx
from sandbox.sandbox_signer import call

from mws_async import MWSClient
from mws_async.models.customers import CUSTOMERS_FORCE_LIST, ListCustomersResult
from mws_async.models.lenient import result_of
from mws_async.sandbox import Sandbox
from mws_async.sandbox.store import CUSTOMER_COUNT
from mws_async.xml import parse, parse_error_response

C = "/CustomerInformation/2014-03-01"


def page_of(response: httpx.Response, action: str) -> ListCustomersResult:
    assert response.status_code == 200, response.text
    return ListCustomersResult.model_validate(
        result_of(parse(response.content, force_list=CUSTOMERS_FORCE_LIST), action)
    )


async def test_more_results_available_semantics(client: httpx.AsyncClient, sandbox: Sandbox) -> None:
    creds = sandbox.credentials
    page = page_of(await call(client, creds, C, "ListCustomers"), "ListCustomers")
    ids = [c.customer_id for c in page.records]
    flags = [page.more_results_available]
    while page.has_more:
        assert page.next_token
        response = await call(client, creds, C, "ListCustomersByNextToken", {"NextToken": page.next_token})
        page = page_of(response, "ListCustomersByNextToken")
        ids += [c.customer_id for c in page.records]
        flags.append(page.more_results_available)
    assert flags == [True, True, False] and len(ids) == len(set(ids)) == CUSTOMER_COUNT
    last_token = page.next_token
    assert last_token  # the last page still carries a token
    nothing = page_of(
        await call(client, creds, C, "ListCustomersByNextToken", {"NextToken": last_token}),
        "ListCustomersByNextToken",
    )
    assert nothing.records == [] and nothing.more_results_available is False and nothing.next_token
    added = sandbox.add_customers(3)
    later = page_of(
        await call(client, creds, C, "ListCustomersByNextToken", {"NextToken": last_token}),
        "ListCustomersByNextToken",
    )
    assert [c.customer_id for c in later.records] == added and later.more_results_available is False
    found = page_of(
        await call(
            client,
            creds,
            C,
            "GetCustomersForCustomerId",
            {f"CustomerIdList.CustomerId.{k + 1}": i for k, i in enumerate([added[0], "AUNKNOWN", ids[5]])},
        ),
        "GetCustomersForCustomerId",
    )
    assert [c.customer_id for c in found.records] == [added[0], ids[5]]
    too_many = await call(
        client,
        creds,
        C,
        "GetCustomersForCustomerId",
        {f"CustomerIdList.CustomerId.{k}": "A" for k in range(1, 22)},
    )
    assert parse_error_response(too_many.content)[0][0]["Code"] == "InvalidParameterValue"


async def test_follow_mode_sees_new_customers(mws: MWSClient, sandbox: Sandbox) -> None:
    seen: list[str] = []
    added: list[str] = []
    async for customer in mws.customers.list_customers(follow=True, poll_interval=0.0):
        seen.append(customer.customer_id)
        if len(seen) == CUSTOMER_COUNT:
            added = sandbox.add_customers(2)
        if len(seen) == CUSTOMER_COUNT + 2:
            break
    assert seen[-2:] == added and len(set(seen)) == CUSTOMER_COUNT + 2
    record = await mws.customers.get_customers_for_customer_id(added)
    assert [c.customer_id for c in record] == added and record[0].email
    assert (await mws.customers.get_service_status()).status == "GREEN"


async def test_date_range_and_token_fault(client: httpx.AsyncClient, sandbox: Sandbox) -> None:
    creds = sandbox.credentials
    anchor = sandbox.world.anchor
    params = {
        "DateRangeType": "AssociatedDate",
        "DateRangeStart": anchor.replace(year=anchor.year - 1).isoformat(),
    }
    page = page_of(await call(client, creds, C, "ListCustomers", params), "ListCustomers")
    assert 0 < len(page.records) < 50 + 1 and page.next_token
    state = sandbox.world.store.seller(creds.seller_id)
    expected = sum(c.associated >= anchor.replace(year=anchor.year - 1) for c in state.customers)
    assert expected in (len(page.records), *range(51, CUSTOMER_COUNT + 1))
    sandbox.faults.add("NextTokenCorrupted", "ListCustomersByNextToken")
    bad = await call(client, creds, C, "ListCustomersByNextToken", {"NextToken": page.next_token})
    assert parse_error_response(bad.content)[0][0]["Code"] == "NextTokenCorrupted"
