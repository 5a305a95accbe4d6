"""The SP-API side of ``mws-async pricing --api sp-api``: one function the command line calls.

:func:`run_spapi_pricing` prices every id of a stream through SP-API (getCompetitivePricing, 20 ASINs or
SellerSKUs per call, or getItemOffersBatch, 20 ASINs per batch), hands each
:class:`~mws_async.bulk.BulkResult` to a callback and returns a :class:`SPAPIRunSummary`. Without
credentials (arguments or the ``LWA_CLIENT_ID``, ``LWA_CLIENT_SECRET``, ``SP_API_REFRESH_TOKEN``
[, ``SP_API_SELLING_PARTNER_ID``] environment variables) it serves an embedded SP-API sandbox on loopback,
as the MWS commands do. Rows: competitive results have the attribute shape ``mws_async.cli.pricing_row``
reads (``result.product.competitive_pricing...``);
:func:`offers_row` flattens getItemOffers results.
"""

from __future__ import annotations

import os
import time
from collections.abc import AsyncIterable, AsyncIterator, Callable, Iterable, Mapping
from contextlib import AsyncExitStack
from dataclasses import dataclass
from typing import Any, Final, Literal

from mws_async.bulk import BulkResult, BulkStats
from mws_async.errors import ClientValidationError, ConfigurationError
from mws_async.spapi.auth import LWACredentials
from mws_async.spapi.bulk import ItemOutcome, run_spapi_bulk
from mws_async.spapi.client import SPAPIClient
from mws_async.spapi.models import GetOffersResult, ItemCondition
from mws_async.spapi.operations import BATCH_LIMIT, USAGE_PLANS

__all__ = [
    "ENV_CLIENT_ID",
    "ENV_CLIENT_SECRET",
    "ENV_REFRESH_TOKEN",
    "ENV_SELLING_PARTNER_ID",
    "SPAPIRunSummary",
    "competitive_pricing_by_sku",
    "credentials_from_env",
    "offers_row",
    "run_spapi_pricing",
]

ENV_CLIENT_ID: Final = "LWA_CLIENT_ID"
ENV_CLIENT_SECRET: Final = "LWA_CLIENT_SECRET"
ENV_REFRESH_TOKEN: Final = "SP_API_REFRESH_TOKEN"
ENV_SELLING_PARTNER_ID: Final = "SP_API_SELLING_PARTNER_ID"
SANDBOX_TIME_SCALE: Final = 50.0

Mode = Literal["competitive", "offers"]
PricedIdType = Literal["ASIN", "SellerSKU"]


def credentials_from_env(environ: Mapping[str, str] | None = None) -> LWACredentials | None:
    """LWA credentials from the environment; None when none of the variables is set.

    Raises :class:`ConfigurationError` naming the missing variables when only some are set.
    """
    env = os.environ if environ is None else environ
    names = (ENV_CLIENT_ID, ENV_CLIENT_SECRET, ENV_REFRESH_TOKEN)
    if not any(env.get(n) for n in names):
        return None
    missing = [n for n in names if not env.get(n)]
    if missing:
        raise ConfigurationError(f"missing environment variable(s) {', '.join(missing)} for SP-API")
    return LWACredentials(
        env[ENV_CLIENT_ID], env[ENV_CLIENT_SECRET], env[ENV_REFRESH_TOKEN], env.get(ENV_SELLING_PARTNER_ID)
    )


@dataclass(frozen=True, slots=True)
class SPAPIRunSummary:
    """What a run did: counters, wall time, the usage-plan bound, calls sent and 429s received."""

    stats: BulkStats
    elapsed: float
    bound: float
    requests: int
    throttled: int
    operation: str
    sandbox_url: str | None = None

    @property
    def exit_code(self) -> int:
        """0 when every id got an answer (Success or ClientError), 1 when some failed or were invalid."""
        return 0 if self.stats.failed == 0 and self.stats.invalid == 0 else 1


def offers_row(result: BulkResult[Any]) -> dict[str, Any]:
    """One flat output row of a getItemOffers result (lowest landed price, Buy Box price, offer count)."""
    row: dict[str, Any] = {
        "id": result.id,
        "status": result.status,
        "lowest_landed_price": None,
        "buy_box_price": None,
        "currency": None,
        "offers": None,
    }
    payload = result.result
    if isinstance(payload, GetOffersResult):
        summary = payload.summary
        lowest = [p.landed_price for p in summary.lowest_prices or [] if p.landed_price is not None]
        if lowest:
            best = min(lowest, key=lambda money: money.amount or 0)
            row["lowest_landed_price"], row["currency"] = str(best.amount), best.currency_code
        if summary.buy_box_prices:
            row["buy_box_price"] = str(summary.buy_box_prices[0].landed_price.amount)
        row["offers"] = summary.total_offer_count
    row["error_code"], row["error_message"] = result.error_code, result.error_message
    return row


def competitive_pricing_by_sku(
    client: SPAPIClient,
    skus: Iterable[str] | AsyncIterable[str],
    *,
    marketplace_id: str | None = None,
    concurrency: int = 2,
    stats: BulkStats | None = None,
) -> AsyncIterator[BulkResult[Any]]:
    """getCompetitivePricing with ``ItemType=Sku`` for every distinct SellerSKU (20 per call), streamed like
    ``client.pricing.competitive_pricing_many`` does for ASINs (``result`` is the per-SKU ``Price``)."""
    market = marketplace_id or client.marketplace.marketplace_id

    async def fetch(values: list[str]) -> dict[str, ItemOutcome]:
        answer = await client.pricing.get_competitive_pricing(
            skus=values, item_type="Sku", marketplace_id=market
        )
        out: dict[str, ItemOutcome] = {}
        for price in answer.payload or []:
            sku = price.seller_sku
            if sku is None or sku in out:
                continue
            if price.ok:
                out[sku] = ItemOutcome("Success", price)
            else:
                message = f"status {price.status} for SellerSKU {sku}"
                out[sku] = ItemOutcome("ClientError", price, "InvalidInput", message)
        return out

    return run_spapi_bulk(
        skus,
        fetch,
        chunk_size=BATCH_LIMIT,
        id_type="SellerSKU",
        concurrency=concurrency,
        stats=stats,
        item_retries=0,
        seller_id=client.credentials.selling_partner_id,
    )


async def run_spapi_pricing(
    ids: Iterable[str] | AsyncIterable[str],
    on_result: Callable[[BulkResult[Any]], object],
    *,
    mode: Mode = "competitive",
    id_type: PricedIdType = "ASIN",
    credentials: LWACredentials | None = None,
    marketplace: str = "US",
    base_url: str | None = None,
    token_url: str | None = None,
    item_condition: ItemCondition = "New",
    time_scale: float | None = None,
    stats: BulkStats | None = None,
    announce: Callable[[str], object] | None = None,
) -> SPAPIRunSummary:
    """Price every distinct id of ``ids`` through SP-API; call ``on_result`` once per id.

    ``mode`` ``"competitive"`` uses getCompetitivePricing (results: :class:`~mws_async.spapi.models.Price`)
    for ASINs or, with ``id_type="SellerSKU"``, SellerSKUs; ``"offers"`` uses getItemOffersBatch with
    ``item_condition`` (ASINs only; results: :class:`~mws_async.spapi.models.GetOffersResult`). A
    SellerSKU offers run is a :class:`~mws_async.errors.ClientValidationError` before anything starts.
    Credentials: the argument, else the environment,
    else an embedded sandbox (``announce`` is called with one line saying so) at ``time_scale`` (default
    50). ``stats`` is filled live (for a progress bar).
    """
    if id_type not in ("ASIN", "SellerSKU") or (id_type == "SellerSKU" and mode != "competitive"):
        raise ClientValidationError(
            "run_spapi_pricing",
            [f"id_type {id_type!r} with mode {mode!r}: SellerSKUs are priced competitively"],
        )
    creds = credentials or credentials_from_env()
    stats = stats if stats is not None else BulkStats()
    operation = "getCompetitivePricing" if mode == "competitive" else "getItemOffersBatch"
    async with AsyncExitStack() as stack:
        sandbox_url: str | None = None
        scale = 1.0
        if creds is None:
            from mws_async.sandbox.spapi import SPAPISandboxApp, serve_spapi
            from mws_async.sandbox.world import World

            scale = time_scale or SANDBOX_TIME_SCALE
            app = SPAPISandboxApp(World(0), time_scale=scale)
            sandbox_url = await stack.enter_async_context(serve_spapi(app))
            base_url, token_url, creds = sandbox_url, sandbox_url + "/auth/o2/token", app.credentials()
            if announce is not None:
                announce(
                    f"No SP-API credentials configured: using the embedded SP-API sandbox at {sandbox_url} "
                    f"(time scale {scale:g}x)."
                )
        elif time_scale is not None:
            scale = time_scale
        client = await stack.enter_async_context(
            SPAPIClient(
                creds, marketplace=marketplace, base_url=base_url, token_url=token_url, time_scale=scale
            )
        )
        before = client.throttler.summary()
        started = time.perf_counter()
        pricing = client.pricing
        if id_type == "SellerSKU":
            stream = competitive_pricing_by_sku(client, ids, stats=stats)
        elif mode == "competitive":
            stream = pricing.competitive_pricing_many(ids, stats=stats)
        else:
            stream = pricing.item_offers_many(ids, item_condition, stats=stats)
        async for result in stream:
            on_result(result)
        elapsed = time.perf_counter() - started
        after = client.throttler.summary()
    spec = USAGE_PLANS[operation].spec(operation)
    return SPAPIRunSummary(
        stats,
        elapsed,
        spec.bound(stats.requests, scale),
        after.requests - before.requests,
        after.throttled - before.throttled,
        operation,
        sandbox_url,
    )
