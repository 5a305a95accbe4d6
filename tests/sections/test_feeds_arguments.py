"""SubmitFeed and GetFeedSubmissionResult arguments: every documented body form is sent with its MD5, any
other body, content type or download path is a ClientValidationError before anything is sent, and no
message ever shows the feed's content."""

from __future__ import annotations

import base64
import hashlib
import io
import os
import stat
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from support import files

from mws_async import ClientValidationError, MWSClient
from mws_async.sandbox import Sandbox

FLAT = "sku\tprice\tquantity\nsecret-widget\t9.99\t3\n".encode("latin-1")
FEED_TYPE = "_POST_FLAT_FILE_INVLOADER_DATA_"


def md5(data: bytes) -> str:
    return base64.b64encode(hashlib.md5(data).digest()).decode()


ACCEPTED: dict[str, Callable[[Path], Any]] = {
    "bytearray": lambda tmp: bytearray(FLAT),
    "memoryview": lambda tmp: memoryview(FLAT),
    "BytesIO": lambda tmp: io.BytesIO(FLAT),
    "binary file": lambda tmp: (tmp / "feed.txt").open("rb"),
    "unbuffered binary file": lambda tmp: (tmp / "feed.txt").open("rb", buffering=0),
}


@pytest.mark.parametrize("kind", list(ACCEPTED))
async def test_bytes_like_bodies_and_binary_file_objects_are_sent_with_their_md5(
    mws: MWSClient, sandbox: Sandbox, tmp_path: Path, spool_dir: Path, kind: str
) -> None:
    (tmp_path / "feed.txt").write_bytes(FLAT)
    body = ACCEPTED[kind](tmp_path)
    await mws.feeds.submit_feed(body, FEED_TYPE)
    (record,) = sandbox.request_log.filter("SubmitFeed", processed=True)
    assert (record.body_md5, record.body_size) == (md5(FLAT), len(FLAT))
    assert files(spool_dir) == []  # a spooled file object is removed once sent
    if isinstance(body, io.IOBase):
        assert not body.closed  # the caller's file object stays the caller's to close
        body.close()


async def test_a_binary_file_object_is_read_from_its_current_position(
    mws: MWSClient, sandbox: Sandbox
) -> None:
    handle = io.BytesIO(b"ignored header line\n" + FLAT)
    handle.readline()
    await mws.feeds.submit_feed(handle, FEED_TYPE)
    (record,) = sandbox.request_log.filter("SubmitFeed", processed=True)
    assert record.body_md5 == md5(FLAT)


def _sync_chunks() -> Iterator[bytes]:
    yield FLAT


def _closed(tmp: Path) -> io.BufferedReader:
    handle = (tmp / "feed.txt").open("rb")
    handle.close()
    return handle


REFUSED: dict[str, tuple[Callable[[Path], Any], str]] = {
    "feed text as str": (
        lambda tmp: FLAT.decode("latin-1") * 3,
        r"no readable file 'sku\\tprice\\tquanti'\.\.\. \(\d+ characters\).*a str is read as a file path; "
        "pass bytes for feed content",
    ),
    "missing path": (lambda tmp: tmp / "missing.txt", "no readable file .*missing.txt"),
    "folder": (lambda tmp: tmp, "is a folder"),
    "empty path": (lambda tmp: "", "the file path is empty"),
    "NUL in path": (lambda tmp: f"{tmp}/feed\x00.txt", "contains a NUL character"),
    "text file": (
        lambda tmp: (tmp / "feed.txt").open("r"),
        r"\(TextIOWrapper\) is in text mode; open it with 'rb'",
    ),
    "StringIO": (lambda tmp: io.StringIO(FLAT.decode("latin-1")), "is in text mode"),
    "closed file": (_closed, r"\(BufferedReader\) is closed"),
    "write-only file": (lambda tmp: (tmp / "out.txt").open("wb"), "is not open for reading"),
    "sync generator": (lambda tmp: _sync_chunks(), "got generator .*pass b''.join"),
    "list": (lambda tmp: [FLAT], "got list"),
    "None": (lambda tmp: None, "got NoneType"),
    "int": (lambda tmp: 5, "got int"),
}


@pytest.mark.parametrize("kind", list(REFUSED))
async def test_other_bodies_are_refused_before_sending_without_showing_the_feed(
    mws: MWSClient, sandbox: Sandbox, tmp_path: Path, spool_dir: Path, kind: str
) -> None:
    (tmp_path / "feed.txt").write_bytes(FLAT)
    make, message = REFUSED[kind]
    body = make(tmp_path)
    try:
        with pytest.raises(ClientValidationError, match=f"SubmitFeed: body: .*{message}") as info:
            await mws.feeds.submit_feed(body, FEED_TYPE)
    finally:
        if isinstance(body, io.IOBase):
            body.close()
    assert "secret-widget" not in str(info.value)
    assert sandbox.request_log.count() == 0
    assert files(spool_dir) == []


@pytest.mark.parametrize("item", ["widget\t1\n", 7, None])
async def test_an_async_iterator_yielding_a_non_bytes_item_halfway_sends_nothing(
    mws: MWSClient, sandbox: Sandbox, spool_dir: Path, item: object
) -> None:
    async def chunks() -> AsyncIterator[Any]:
        yield FLAT * 1000
        yield item

    # The iterator is spooled whole (for the MD5) before the request starts, so nothing is in flight yet.
    with pytest.raises(
        ClientValidationError, match=r"gave a \w+ \(item 2\), not bytes; nothing was sent"
    ) as info:
        await mws.feeds.submit_feed(chunks(), FEED_TYPE)
    assert "widget" not in str(info.value)
    assert sandbox.request_log.count() == 0
    assert files(spool_dir) == []


@pytest.mark.parametrize(
    ("content_type", "message"),
    [
        (5, "content_type must be a str such as 'text/xml', got int"),
        (b"text/xml", "content_type must be a str"),
        ("tëxt/xml", "content_type must be printable ASCII"),
        ("text/xml\r\nX-Injected: 1", "content_type must be printable ASCII"),
        ("text/xml\x00", "content_type must be printable ASCII"),
        ("  ", "content_type is empty"),
    ],
)
async def test_a_content_type_no_header_can_carry_is_refused_before_sending(
    mws: MWSClient, sandbox: Sandbox, content_type: object, message: str
) -> None:
    consumed = 0

    async def chunks() -> AsyncIterator[bytes]:
        nonlocal consumed
        consumed += 1
        yield FLAT

    with pytest.raises(ClientValidationError, match=f"SubmitFeed: {message}"):
        await mws.feeds.submit_feed(chunks(), FEED_TYPE, content_type=content_type)  # type: ignore[arg-type]
    assert consumed == 0 and sandbox.request_log.count() == 0


async def done_submission(mws: MWSClient) -> str:
    async for info in mws.feeds.get_feed_submission_list(statuses=["_DONE_"], max_count=1):
        return info.feed_submission_id
    raise AssertionError("the sandbox lists no processed feed")  # pragma: no cover


async def test_a_feed_result_download_to_a_character_device_keeps_the_node(
    mws: MWSClient, tmp_path: Path
) -> None:
    null = tmp_path / "null"
    os.mknod(null, stat.S_IFCHR | 0o666, os.makedev(1, 3))  # a /dev/null of the test's own
    result = await mws.feeds.download_feed_submission_result(await done_submission(mws), null)
    assert result.size > 0 and stat.S_ISCHR(null.stat().st_mode)
    assert files(tmp_path) == ["null"]


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda tmp: tmp, "is a folder"),
        (lambda tmp: tmp / "missing" / "result.xml", "does not exist"),
        (lambda tmp: "", "is empty"),
        (lambda tmp: io.BytesIO(), r"got a file object \(BytesIO\)"),
    ],
    ids=["folder", "missing folder", "empty", "BytesIO"],
)
async def test_a_bad_feed_result_path_is_refused_before_the_request(
    mws: MWSClient, sandbox: Sandbox, tmp_path: Path, make: Callable[[Path], Any], message: str
) -> None:
    with pytest.raises(ClientValidationError, match=f"GetFeedSubmissionResult: path.*{message}"):
        await mws.feeds.download_feed_submission_result("12345", make(tmp_path))
    assert sandbox.request_log.count() == 0
