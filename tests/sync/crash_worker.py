"""A sync run in its own process, for the crash test: ``python crash_worker.py BASE_URL DB TIME_SCALE``.

Syncs the sandbox seller's orders (since :data:`SINCE`) into the store ``DB`` through the library API, then
exits 0. The test kills it with SIGKILL at random moments and runs it again until it finishes.
"""

from __future__ import annotations

import asyncio
import sys
from datetime import UTC, datetime

from mws_async import MWSClient
from mws_async.sandbox import Sandbox
from mws_async.sync import open_store, sync

SINCE = datetime(2025, 9, 1, tzinfo=UTC)


async def main(base_url: str, db: str, time_scale: float) -> int:
    credentials = Sandbox().credentials  # the public sandbox values
    async with (
        MWSClient(credentials, base_url=base_url, time_scale=time_scale) as client,
        await open_store(db) as store,
    ):
        print("syncing", flush=True)  # imports done: the test's random moment counts from here
        result = await sync(client, store, "orders", since=SINCE)
    print(f"synced {result.records} orders in {result.pages} pages, resumed={result.resumed}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main(sys.argv[1], sys.argv[2], float(sys.argv[3]))))
