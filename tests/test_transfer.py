"""Transfer helpers: spooling a feed body leaves no temporary file behind, whatever happens while spooling.

Downloads (unique partial files beside the target, atomic rename) are tested end to end against the
loopback sandbox in tests/sections/test_reports.py.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import anyio
import pytest
from support import files

from mws_async.transfer import content_md5, prepare_feed_body


class BodyFailed(Exception):
    pass


async def test_a_body_iterator_that_raises_leaves_no_spool_file(spool_dir: Path) -> None:
    async def body() -> AsyncIterator[bytes]:
        yield b"sku\tprice\n" * 1000
        raise BodyFailed("the database went away")

    with pytest.raises(BodyFailed):
        await prepare_feed_body(body())
    assert files(spool_dir) == []


async def test_cancelling_while_spooling_leaves_no_spool_file(spool_dir: Path) -> None:
    first_chunk_read = asyncio.Event()

    async def body() -> AsyncIterator[bytes]:
        yield b"sku\tprice\n" * 1000
        first_chunk_read.set()
        await asyncio.Event().wait()  # a producer that never finishes
        yield b""  # pragma: no cover

    task = asyncio.create_task(prepare_feed_body(body()))
    await first_chunk_read.wait()
    assert [Path(name).suffix for name in files(spool_dir)] == [".feed"]  # spooling is under way
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert files(spool_dir) == []


async def test_a_spooled_body_is_kept_until_discarded(spool_dir: Path) -> None:
    async def body() -> AsyncIterator[bytes]:
        for _ in range(3):
            yield b"abc"

    prepared = await prepare_feed_body(body())
    assert (prepared.md5, prepared.size) == (content_md5(b"abc" * 3), 9)
    assert prepared.path is not None and prepared.path.parent == spool_dir
    assert await anyio.Path(prepared.path).read_bytes() == b"abc" * 3
    prepared.discard()
    assert files(spool_dir) == []
