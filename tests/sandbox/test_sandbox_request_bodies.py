"""Request bodies on a real loopback socket: form posts are bounded before authentication, SubmitFeed bodies
up to ``max_feed_bytes`` are spooled to a temporary file (never held whole), and the file goes away
whatever happens to the upload."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import os
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import pytest
from sandbox.raw_http import abort, chunked, open_raw, read_response, request_head, send_all
from sandbox.sandbox_signer import USER_AGENT, signed_params
from support import wait_until

from mws_async import MWSClient
from mws_async.sandbox import SANDBOX_SELLER_ID, Sandbox

F = "/Feeds/2009-01-01"
MiB = 1 << 20
GUARD = 20.0
"""Seconds a test waits for an answer before failing (an old server waited for the rest of the body)."""


def md5(data: bytes) -> str:
    return base64.b64encode(hashlib.md5(data).digest()).decode()


def xml_feed(messages: int) -> bytes:
    """A price feed with ``messages`` messages of ~100 bytes each."""
    rows = b"".join(
        b"<Message><MessageID>%d</MessageID><Price><SKU>SKU-%06d</SKU><Amount>9.99</Amount></Price></Message>"
        % (n, n)
        for n in range(1, messages + 1)
    )
    return (
        b'<?xml version="1.0"?><AmazonEnvelope><MessageType>Price</MessageType>' + rows + b"</AmazonEnvelope>"
    )


def open_files_under(folder: Path) -> int:
    """How many of this process's file descriptors point into ``folder`` (unlinked files included)."""
    count = 0
    for fd in os.listdir("/proc/self/fd"):
        try:
            target = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:
            continue
        count += target.startswith(str(folder))
    return count


async def until(condition: Callable[[], bool], what: str) -> None:
    await wait_until(condition, what, GUARD)


@pytest.fixture
async def sandbox(tmp_path: Path) -> AsyncIterator[Sandbox]:
    async with Sandbox(
        seed=0, catalog_size=1000, order_count=10, max_feed_bytes=4 * MiB, spool_dir=tmp_path
    ) as sb:
        yield sb


def host_of(sandbox: Sandbox) -> str:
    return urlsplit(sandbox.base_url).netloc


def feed_head(sandbox: Sandbox, body_md5: str, length: int | None) -> bytes:
    """A signed SubmitFeed request head (parameters in the query string), for a body of ``length`` bytes
    (``None``: chunked)."""
    host = host_of(sandbox)
    query = signed_params(
        sandbox.credentials,
        F,
        "SubmitFeed",
        {"FeedType": "_POST_PRODUCT_PRICING_DATA_", "ContentMD5Value": body_md5},
        host=host,
    )
    framing = {"Content-Length": str(length)} if length is not None else {"Transfer-Encoding": "chunked"}
    headers = {"User-Agent": USER_AGENT, "Content-Type": "text/xml", **framing}
    return request_head("POST", f"{F}?{urlencode(query)}", host, headers)


def pieces(data: bytes, size: int = 64 * 1024) -> Iterator[bytes]:
    return (data[i : i + size] for i in range(0, len(data), size))


async def test_a_form_post_announcing_more_than_a_mebibyte_is_refused_before_its_body_is_read(
    sandbox: Sandbox,
) -> None:
    reader, writer = await open_raw(sandbox.base_url)
    headers = {"Content-Type": "application/x-www-form-urlencoded", "Content-Length": str(300 * MiB)}
    writer.write(request_head("POST", "/Products/2011-10-01", host_of(sandbox), headers))
    await writer.drain()
    # Not one body byte sent: the answer comes from the announced length alone, before authentication.
    response = await asyncio.wait_for(read_response(reader), GUARD)
    writer.close()
    assert response.status == 400
    assert response.error_code() == "InvalidParameterValue"
    assert b"1048576" in response.body  # the message names the limit
    assert response.headers["connection"] == "close"
    record = sandbox.request_log.last()
    assert record is not None and record.status == 400 and record.error_code == "InvalidParameterValue"
    assert not record.processed


async def test_a_chunked_form_post_is_cut_off_once_it_passes_a_mebibyte(sandbox: Sandbox) -> None:
    reader, writer = await open_raw(sandbox.base_url)
    headers = {"Content-Type": "application/x-www-form-urlencoded", "Transfer-Encoding": "chunked"}
    writer.write(request_head("POST", "/Products/2011-10-01", host_of(sandbox), headers))
    await send_all(writer, chunked(pieces(b"a" * (MiB + 128 * 1024))))  # no final chunk: more would come
    response = await asyncio.wait_for(read_response(reader), GUARD)
    writer.close()
    assert response.status == 400
    assert response.error_code() == "InvalidParameterValue"


async def test_a_form_post_under_the_limit_still_goes_to_authentication(sandbox: Sandbox) -> None:
    reader, writer = await open_raw(sandbox.base_url)
    body = b"Action=ListOrders&" + b"x" * (512 * 1024)
    headers = {"Content-Type": "application/x-www-form-urlencoded", "Content-Length": str(len(body))}
    writer.write(request_head("POST", "/Orders/2013-09-01", host_of(sandbox), headers) + body)
    response = await asyncio.wait_for(read_response(reader), GUARD)
    writer.close()
    assert response.status == 400
    assert response.error_code() == "MissingParameter"  # the authenticator's answer, not a size refusal


async def test_a_feed_larger_than_max_feed_bytes_is_refused_and_not_stored(sandbox: Sandbox) -> None:
    feed = xml_feed(50_000)  # ~5 MB, over the fixture's 4 MiB
    assert len(feed) > 4 * MiB
    reader, writer = await open_raw(sandbox.base_url)
    writer.write(feed_head(sandbox, md5(feed), len(feed)))
    await send_all(writer, pieces(feed))
    response = await asyncio.wait_for(read_response(reader), GUARD)
    writer.close()
    assert response.status == 400
    assert response.error_code() == "InvalidParameterValue"
    assert b"4194304" in response.body
    assert sandbox.request_log.count("SubmitFeed", processed=True) == 0


async def test_a_chunked_feed_is_cut_off_at_max_feed_bytes(sandbox: Sandbox) -> None:
    feed = xml_feed(50_000)
    reader, writer = await open_raw(sandbox.base_url)
    writer.write(feed_head(sandbox, md5(feed), None))
    await send_all(writer, chunked(pieces(feed)))
    response = await asyncio.wait_for(read_response(reader), GUARD)
    writer.close()
    assert response.status == 400
    assert response.error_code() == "InvalidParameterValue"
    assert sandbox.request_log.count("SubmitFeed", processed=True) == 0


async def test_a_feed_over_a_mebibyte_is_spooled_to_disk_counted_and_the_file_removed(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    feed = xml_feed(30_000)  # ~3 MB: over the form limit, under max_feed_bytes
    async with MWSClient(sandbox.credentials, base_url=sandbox.base_url, time_scale=1000.0) as client:
        info = await client.feeds.submit_feed(feed, "_POST_PRODUCT_PRICING_DATA_")
    record = sandbox.request_log.last("SubmitFeed")
    assert record is not None and record.processed
    assert (record.body_size, record.body_md5) == (len(feed), md5(feed))
    [stored] = [
        f
        for f in sandbox.world.store.seller(SANDBOX_SELLER_ID).feeds
        if f.submission_id == info.feed_submission_id
    ]
    assert (stored.body_size, stored.body_md5, stored.messages) == (len(feed), md5(feed), 30_000)
    assert open_files_under(tmp_path) == 0


async def test_an_upload_abandoned_midway_was_on_disk_and_leaves_no_file_behind(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    feed = xml_feed(30_000)
    _, writer = await open_raw(sandbox.base_url)
    writer.write(feed_head(sandbox, md5(feed), len(feed)))
    await send_all(writer, pieces(feed[: 2 * MiB]))
    await until(lambda: open_files_under(tmp_path) == 1, "the upload spooled to a file in spool_dir")
    abort(writer)
    await until(lambda: open_files_under(tmp_path) == 0, "the spooled file closed after the client left")
    assert sandbox.request_log.count("SubmitFeed", processed=True) == 0
