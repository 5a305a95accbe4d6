"""run_spapi_pricing: the function behind ``mws-async pricing --api sp-api``."""

from __future__ import annotations

from typing import Any

import pytest
from spapi.spapi_support import Served

from mws_async.bulk import BulkResult
from mws_async.errors import ConfigurationError
from mws_async.sandbox.world import World
from mws_async.spapi.cli import credentials_from_env, offers_row, run_spapi_pricing


def test_credentials_from_env() -> None:
    assert credentials_from_env({}) is None
    creds = credentials_from_env(
        {
            "LWA_CLIENT_ID": "id",
            "LWA_CLIENT_SECRET": "s",
            "SP_API_REFRESH_TOKEN": "Atzr|r",
            "SP_API_SELLING_PARTNER_ID": "A1",
        }
    )
    assert creds is not None and creds.selling_partner_id == "A1"
    with pytest.raises(ConfigurationError, match="LWA_CLIENT_SECRET"):
        credentials_from_env({"LWA_CLIENT_ID": "id", "SP_API_REFRESH_TOKEN": "r"})


async def test_embedded_sandbox_competitive_and_offers(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("LWA_CLIENT_ID", "LWA_CLIENT_SECRET", "SP_API_REFRESH_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    asins = World(0).sample_ids("ASIN", 45)
    seen: list[BulkResult[Any]] = []
    lines: list[str] = []
    # 50x: a one-request bucket refills every 40 ms. At 1000x it refilled every 2 ms, finer than loopback
    # delays vary, and the zero-throttle check below depended on sub-millisecond luck.
    summary = await run_spapi_pricing(asins, seen.append, time_scale=50.0, announce=lines.append)
    assert sorted(r.id for r in seen) == sorted(asins) and all(r.ok for r in seen)
    assert summary.stats.requests == 3 and summary.throttled == 0 and summary.exit_code == 0
    assert summary.sandbox_url is not None and "embedded SP-API sandbox" in lines[0]
    rows: list[dict[str, Any]] = []
    summary = await run_spapi_pricing(
        [*asins[:5], "bad"], lambda r: rows.append(offers_row(r)), mode="offers", time_scale=1000.0
    )
    assert summary.operation == "getItemOffersBatch" and summary.exit_code == 1  # "bad" is Invalid
    assert {r["status"] for r in rows} == {"Success", "Invalid"}
    assert any(r["lowest_landed_price"] for r in rows)


async def test_with_credentials(served: Served) -> None:
    asins = served.app.world.sample_ids("ASIN", 3)
    seen: list[BulkResult[Any]] = []
    summary = await run_spapi_pricing(
        asins,
        seen.append,
        credentials=served.app.credentials(),
        base_url=served.url,
        token_url=served.url + "/auth/o2/token",
        time_scale=served.app.time_scale,
    )
    assert len(seen) == 3 and summary.sandbox_url is None and summary.requests == 1
