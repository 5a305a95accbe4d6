"""The sandbox's own memory under big uploads, measured on a sandbox process (``/proc/<pid>/status``): a
300 MB unauthenticated form POST is refused without being held, and a 100 MB SubmitFeed is spooled to disk
with flat memory."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from sandbox.raw_http import chunked, open_raw, request_head, send_all

from mws_async import MWSClient
from mws_async.sandbox import Sandbox

MiB = 1 << 20
GROWTH_LIMIT = 50 * MiB
SERVER = """
import asyncio, sys
from mws_async.sandbox import Sandbox

async def main() -> None:
    sandbox = Sandbox(seed=0, catalog_size=1000, order_count=10, time_scale=1000.0, spool_dir=sys.argv[1])
    async with sandbox as sb:
        print(sb.base_url, flush=True)
        await sb.wait()

asyncio.run(main())
"""


@dataclass
class ServerProcess:
    pid: int
    base_url: str

    def status(self, field: str) -> int:
        """A ``kB`` figure of ``/proc/<pid>/status`` (VmRSS, VmHWM), in bytes."""
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024
        raise AssertionError(f"no {field} in /proc/{self.pid}/status")


@pytest.fixture
async def server(tmp_path: Path) -> AsyncIterator[ServerProcess]:
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-c", SERVER, str(tmp_path), stdout=asyncio.subprocess.PIPE
    )
    try:
        assert process.stdout is not None
        line = await asyncio.wait_for(process.stdout.readline(), 30)
        yield ServerProcess(process.pid, line.decode().strip())
    finally:
        process.terminate()
        await process.wait()


async def warm_up(server: ServerProcess) -> None:
    """One real call first, so imports and first-request allocations are in the baseline."""
    async with MWSClient(Sandbox().credentials, base_url=server.base_url, time_scale=1000.0) as client:
        await client.sellers.get_service_status()


async def post_form(server: ServerProcess, size: int, *, announce: bool) -> None:
    """An unauthenticated form POST of ``size`` bytes, sent until the server stops reading."""
    host = urlsplit(server.base_url).netloc
    framing = {"Content-Length": str(size)} if announce else {"Transfer-Encoding": "chunked"}
    headers = {"Content-Type": "application/x-www-form-urlencoded", **framing}
    _, writer = await open_raw(server.base_url)
    writer.write(request_head("POST", "/Products/2011-10-01", host, headers))
    piece = b"a" * (256 * 1024)
    pieces = (piece for _ in range(size // len(piece)))
    await send_all(writer, pieces if announce else chunked(pieces))
    writer.close()


@pytest.mark.parametrize("announce", [True, False], ids=["content-length", "chunked"])
async def test_a_300_mb_unauthenticated_form_post_does_not_grow_the_server(
    server: ServerProcess, announce: bool
) -> None:
    await warm_up(server)
    peak_before = server.status("VmHWM")
    await post_form(server, 300 * MiB, announce=announce)
    await warm_up(server)  # and the server still answers
    assert server.status("VmHWM") - peak_before < GROWTH_LIMIT
    assert server.status("VmRSS") < peak_before + GROWTH_LIMIT


async def test_a_100_mb_feed_is_spooled_with_flat_server_memory(server: ServerProcess) -> None:
    line = b"SKU-%06d\t" + b"x" * 1000 + b"\n"
    feed = b"sku\tdescription\n" + b"".join(line % n for n in range(100_000))
    md5 = base64.b64encode(hashlib.md5(feed).digest()).decode()
    await warm_up(server)
    peak_before = server.status("VmHWM")
    async with MWSClient(Sandbox().credentials, base_url=server.base_url, time_scale=1000.0) as client:
        info = await client.feeds.submit_feed(feed, "_POST_FLAT_FILE_LISTINGS_DATA_")
        [listed] = [
            f
            async for f in client.feeds.get_feed_submission_list(
                feed_submission_ids=[info.feed_submission_id]
            )
        ]
    assert listed.feed_submission_id == info.feed_submission_id
    assert server.status("VmHWM") - peak_before < GROWTH_LIMIT, f"feed of {len(feed):,} bytes, MD5 {md5}"
