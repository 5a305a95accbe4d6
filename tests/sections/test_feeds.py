"""SubmitFeed: streamed bodies with their MD5, throttles retried, and a feed lands exactly once."""

from __future__ import annotations

import asyncio
import base64
import hashlib
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from support import files

from mws_async import ClientValidationError, Marketplace, MWSClient
from mws_async.sandbox import Fault, Sandbox
from mws_async.sections.feeds import feed_content_type

FLAT = "sku\tprice\tquantity\nwidget-1\t9.99\t3\nwidget-2\t19.99\t0\n".encode("latin-1")


def md5(data: bytes) -> str:
    return base64.b64encode(hashlib.md5(data).digest()).decode()


async def test_throttled_submit_feed_is_retried_and_lands_once(mws: MWSClient, sandbox: Sandbox) -> None:
    sandbox.faults.schedule.append(Fault("RequestThrottled", operation="SubmitFeed", times=2))
    info = await mws.feeds.submit_feed(FLAT, "_POST_FLAT_FILE_INVLOADER_DATA_")
    assert info.feed_processing_status == "_SUBMITTED_"
    records = sandbox.request_log.filter("SubmitFeed")
    assert [(r.status, r.processed) for r in records] == [(503, False), (503, False), (200, True)]
    assert [r.body_md5 for r in records if r.processed] == [md5(FLAT)]


async def test_body_from_a_file_path_is_streamed_with_its_md5(
    mws: MWSClient, sandbox: Sandbox, tmp_path: Path
) -> None:
    path = tmp_path / "feed.txt"
    path.write_bytes(FLAT * 2000)  # ~100 KB, several chunks
    await mws.feeds.submit_feed(path, "_POST_FLAT_FILE_INVLOADER_DATA_")
    (record,) = sandbox.request_log.filter("SubmitFeed", processed=True)
    assert record.body_size == len(FLAT) * 2000
    assert record.body_md5 == md5(FLAT * 2000)


async def test_body_from_an_async_iterator_is_spooled_once_and_sent(mws: MWSClient, sandbox: Sandbox) -> None:
    consumed = 0

    async def chunks() -> AsyncIterator[bytes]:
        nonlocal consumed
        for _ in range(50):
            consumed += 1
            yield FLAT

    sandbox.faults.schedule.append(Fault("ServiceUnavailable", operation="SubmitFeed", times=1))
    await mws.feeds.submit_feed(chunks(), "_POST_FLAT_FILE_INVLOADER_DATA_")
    assert consumed == 50  # the iterator was read once although the request was sent twice
    (record,) = sandbox.request_log.filter("SubmitFeed", processed=True)
    assert record.body_md5 == md5(FLAT * 50)


def test_content_type_follows_the_feed_format_and_marketplace() -> None:
    assert feed_content_type(b"\xef\xbb\xbf  <?xml version='1.0'?>", Marketplace.US) == "text/xml"
    assert feed_content_type(FLAT, Marketplace.DE) == "text/tab-separated-values; charset=iso-8859-1"
    assert feed_content_type(FLAT, Marketplace.JP) == "text/tab-separated-values; charset=Shift_JIS"


async def test_xml_feed_submission(mws: MWSClient, sandbox: Sandbox) -> None:
    body = (
        b'<?xml version="1.0"?><AmazonEnvelope><Message><MessageID>1</MessageID></Message></AmazonEnvelope>'
    )
    info = await mws.feeds.submit_feed(body, "_POST_PRODUCT_DATA_")
    (record,) = sandbox.request_log.filter("SubmitFeed", processed=True)
    assert record.params["FeedType"] == "_POST_PRODUCT_DATA_"
    assert info.feed_submission_id


class ProducerFailed(Exception):
    pass


async def test_a_failing_or_cancelled_body_leaves_no_spool_file_and_sends_nothing(
    mws: MWSClient, sandbox: Sandbox, spool_dir: Path
) -> None:
    started = asyncio.Event()

    async def failing() -> AsyncIterator[bytes]:
        yield FLAT * 100
        raise ProducerFailed("export query failed")

    async def stalled() -> AsyncIterator[bytes]:
        yield FLAT * 100
        started.set()
        await asyncio.Event().wait()
        yield b""  # pragma: no cover

    with pytest.raises(ProducerFailed):
        await mws.feeds.submit_feed(failing(), "_POST_FLAT_FILE_INVLOADER_DATA_")
    assert files(spool_dir) == []
    task = asyncio.create_task(mws.feeds.submit_feed(stalled(), "_POST_FLAT_FILE_INVLOADER_DATA_"))
    await started.wait()
    assert len(files(spool_dir)) == 1  # spooling
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert files(spool_dir) == []
    assert sandbox.request_log.count("SubmitFeed") == 0


async def _nothing() -> AsyncIterator[bytes]:
    for _ in ():
        yield b""


async def _empty_chunks() -> AsyncIterator[bytes]:
    yield b""
    yield b""


@pytest.mark.parametrize("kind", ["bytes", "file", "iterator", "empty-chunks"])
async def test_an_empty_feed_body_is_refused_before_sending(
    mws: MWSClient, sandbox: Sandbox, tmp_path: Path, spool_dir: Path, kind: str
) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    body: Any = {"bytes": b"", "file": empty, "iterator": _nothing(), "empty-chunks": _empty_chunks()}[kind]
    with pytest.raises(ClientValidationError, match="feed body is empty"):
        await mws.feeds.submit_feed(body, "_POST_FLAT_FILE_INVLOADER_DATA_")
    assert sandbox.request_log.count() == 0
    assert files(spool_dir) == []  # a spooled empty body is removed
    assert empty.exists()  # the caller's own file is left alone


@pytest.mark.parametrize("feed_type", ["", "   "])
async def test_an_empty_feed_type_is_refused_before_the_body_is_read(
    mws: MWSClient, sandbox: Sandbox, feed_type: str
) -> None:
    consumed = 0

    async def chunks() -> AsyncIterator[bytes]:
        nonlocal consumed
        consumed += 1
        yield FLAT

    with pytest.raises(ClientValidationError, match="feed_type is empty"):
        await mws.feeds.submit_feed(chunks(), feed_type)
    assert consumed == 0 and sandbox.request_log.count() == 0


async def test_a_submission_window_that_ends_before_it_starts_is_refused(
    mws: MWSClient, sandbox: Sandbox
) -> None:
    start, end = datetime(2021, 3, 1, tzinfo=UTC), datetime(2021, 2, 1, tzinfo=UTC)
    with pytest.raises(ClientValidationError, match=r"submitted_from .* is after submitted_to"):
        await mws.feeds.get_feed_submission_count(submitted_from=start, submitted_to=end)
    with pytest.raises(ClientValidationError, match="feed_submission_id is empty"):
        await mws.feeds.get_feed_submission_result("")
    assert sandbox.request_log.count() == 0
