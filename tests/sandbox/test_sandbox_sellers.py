"""Sellers in the sandbox: participations paged three per page, GetServiceStatus."""

from __future__ import annotations

import httpx
from sandbox.sandbox_signer import call

from mws_async import MWSClient
from mws_async.models.lenient import result_of
from mws_async.sandbox import Sandbox
from mws_async.sandbox.handlers.sellers import PARTICIPATIONS
from mws_async.xml import parse, parse_error_response

S = "/Sellers/2011-07-01"


async def test_participations_page_through_the_client(mws: MWSClient, sandbox: Sandbox) -> None:
    pages = [page async for page in mws.sellers.list_marketplace_participations().pages()]
    assert [len(p.records) for p in pages] == [3, 3, 2]
    ids = [p.marketplace_id for page in pages for p in page.records]
    assert ids == list(PARTICIPATIONS) and len(set(ids)) == 8
    us = pages[0].result.marketplace("ATVPDKIKX0DER")
    assert (us.name, us.default_currency_code, us.domain_name) == ("Amazon.com", "USD", "www.amazon.com")
    flags = [p.has_seller_suspended_listings for page in pages for p in page.records]
    assert flags.count(True) == 1
    assert all(p.seller_id == sandbox.credentials.seller_id for page in pages for p in page.records)
    assert (await mws.sellers.get_service_status()).status == "GREEN"


async def test_next_token_corrupted(client: httpx.AsyncClient, sandbox: Sandbox) -> None:
    creds = sandbox.credentials
    first = await call(client, creds, S, "ListMarketplaceParticipations")
    token = result_of(parse(first.content), "ListMarketplaceParticipations")["NextToken"]
    sandbox.faults.add("NextTokenCorrupted", "ListMarketplaceParticipationsByNextToken")
    bad = await call(client, creds, S, "ListMarketplaceParticipationsByNextToken", {"NextToken": token})
    assert parse_error_response(bad.content)[0][0]["Code"] == "NextTokenCorrupted"
    good = await call(client, creds, S, "ListMarketplaceParticipationsByNextToken", {"NextToken": token})
    assert good.status_code == 200 and "x-mws-quota-max" not in good.headers
