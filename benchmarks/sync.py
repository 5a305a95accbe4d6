"""Ingestion: ``mws_async.sync`` of N orders into SQLite and into PostgreSQL, against the ListOrders quota.

``python -m benchmarks.sync [--orders N] [--time-scale X] [--stores sqlite,postgresql]``

The sandbox (N orders, throttled, time scale X) runs in its own process; each store's sync runs in a fresh
worker process (``--worker``), so its peak RSS is the sync's own. PostgreSQL is a real server started from
the ``pgserver`` package's binaries (the test extra installs it). Per store: elapsed time of the sync, the
ListOrders quota bound for the requests it made (burst 6, then one a minute divided by X), their ratio (goal:
within 5 % of the bound), rows/s and peak RSS.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import subprocess
import sys
import tempfile
import time
import warnings
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from benchmarks import _support as S

SINCE = datetime(2025, 9, 1, tzinfo=UTC)


async def _worker(base_url: str, db: str, time_scale: float) -> dict[str, Any]:
    from mws_async import MWSClient
    from mws_async.credentials import Credentials
    from mws_async.sandbox.server import SANDBOX_ACCESS_KEY, SANDBOX_SECRET_KEY, SANDBOX_SELLER_ID
    from mws_async.sync import open_store, sync

    creds = Credentials(SANDBOX_ACCESS_KEY, SANDBOX_SECRET_KEY, SANDBOX_SELLER_ID)
    async with (
        MWSClient(creds, base_url=base_url, time_scale=time_scale) as client,
        await open_store(db) as store,
    ):
        started = time.perf_counter()
        result = await sync(client, store, "orders", since=SINCE)
        elapsed = time.perf_counter() - started
        summary = client.throttler.summary()
        spec = client.throttler.spec("Orders", "ListOrders")
    return {
        "records": result.records,
        "pages": result.pages,
        "requests": summary.requests,
        "throttled": summary.throttled,
        "elapsed": elapsed,
        "bound": spec.bound(summary.requests, time_scale),
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def _run_store(base_url: str, db: str, time_scale: float) -> dict[str, Any]:
    out = subprocess.run(
        [sys.executable, "-m", "benchmarks.sync", "--worker", base_url, db, str(time_scale)],
        cwd=S.REPO,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=50_000)
    parser.add_argument("--time-scale", type=float, default=100.0)
    parser.add_argument("--stores", default="sqlite,postgresql")
    parser.add_argument("--worker", nargs=3, metavar=("BASE_URL", "DB", "SCALE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        base_url, db, scale = args.worker
        print(json.dumps(asyncio.run(_worker(base_url, db, float(scale)))))
        return
    stores = [s.strip() for s in args.stores.split(",") if s.strip()]
    print(f"sync of {args.orders:,} orders at {args.time_scale:g}x (ListOrders: burst 6, 1/min scaled)")
    heads = ("rows", 9), ("pages", 7), ("elapsed s", 11), ("bound s", 10), ("ratio", 8), ("rows/s", 9)
    print(f"{'store':<12}" + "".join(f"{name:>{width}}" for name, width in heads) + f"{'RSS MB':>9}")
    with tempfile.TemporaryDirectory(prefix="mws-async-bench-sync-") as folder:
        server = None
        for store in stores:
            # A fresh sandbox per store: its ListOrders bucket starts full, as the bound assumes.
            with S.sandbox_process(
                time_scale=args.time_scale, catalog_size=10_000, order_count=args.orders
            ) as sb:
                if store == "sqlite":
                    db = str(Path(folder) / "bench.sqlite")
                else:
                    if server is None:
                        with warnings.catch_warnings():
                            warnings.simplefilter("ignore")
                            import pgserver

                            server = pgserver.get_server(str(Path(folder) / "pg"), cleanup_mode="stop")
                    server.psql("CREATE DATABASE bench;")  # one Postgres store per run
                    from sqlalchemy.engine import make_url

                    db = (
                        make_url(server.get_uri()).set(database="bench").render_as_string(hide_password=False)
                    )
                row = _run_store(sb.base_url, db, args.time_scale)
            ratio = row["elapsed"] / row["bound"] if row["bound"] else float("nan")
            print(
                f"{store:<12}{row['records']:>9,}{row['pages']:>7}{row['elapsed']:>11.2f}{row['bound']:>10.2f}"
                f"{ratio:>8.3f}{row['records'] / row['elapsed']:>9,.0f}{row['peak_rss_mb']:>9.1f}",
                flush=True,
            )
        if server is not None:
            server.cleanup()


if __name__ == "__main__":
    main()
