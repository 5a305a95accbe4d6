"""Streaming transfer of report documents and feed bodies, with Content-MD5 checks and flat memory.

Downloads (GetReport, GetFeedSubmissionResult) are written chunk by chunk to a file (``path.part`` then
renamed) while their MD5 is computed; a body that does not match its ``Content-MD5`` header is discarded
and downloaded once more, then :class:`~mws_async.errors.ContentMD5MismatchError` is raised. Iterator
downloads spool to a temporary file first, so only verified bytes ever reach the caller.

Feed bodies may be bytes, a file path or an async byte iterator; the MD5 is computed in one streaming
pass (an iterator is spooled to a temporary file on the way) and each attempt re-reads the body.
"""

from __future__ import annotations

import base64
import codecs
import hashlib
import os
import tempfile
from collections.abc import AsyncIterable, AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import anyio

from mws_async.errors import ClientValidationError, ContentMD5MismatchError
from mws_async.transport import MWSResponse

__all__ = [
    "CHUNK_SIZE",
    "DownloadResult",
    "FeedBody",
    "charset_of",
    "content_md5",
    "download_to_path",
    "iter_lines",
    "iter_verified",
    "prepare_feed_body",
    "read_chunks",
    "spooled",
]

CHUNK_SIZE: Final = 256 * 1024
Opener = Callable[[], AbstractAsyncContextManager[MWSResponse]]
"""Opens a streamed 200 response (a fresh request each call, so a mismatch can be downloaded again)."""


def content_md5(data: bytes) -> str:
    """base64(MD5(data)), the format of ``Content-MD5`` and ``ContentMD5Value``."""
    return base64.b64encode(hashlib.md5(data).digest()).decode("ascii")


@dataclass(frozen=True, slots=True)
class DownloadResult:
    """A verified download: where it is, how big, its MD5 and the response's content type."""

    path: Path
    size: int
    md5: str
    content_type: str | None
    request_id: str | None


async def _download_once(open_response: Opener, target: Path) -> DownloadResult:
    md5 = hashlib.md5()
    size = 0
    async with open_response() as response:
        expected = response.content_md5
        async with await anyio.open_file(target, "wb") as out:
            async for chunk in response.body_stream().aiter_bytes(CHUNK_SIZE):
                md5.update(chunk)
                size += len(chunk)
                await out.write(chunk)
        actual = base64.b64encode(md5.digest()).decode("ascii")
        if expected is not None and expected.strip() != actual:
            raise ContentMD5MismatchError(expected.strip(), actual, operation=response.operation)
        return DownloadResult(target, size, actual, response.content_type, response.request_id)


async def download_to_path(
    open_response: Opener, path: str | os.PathLike[str], *, attempts: int = 2
) -> DownloadResult:
    """Stream a document to ``path`` (via ``path.part``), verifying Content-MD5; retry once on mismatch."""
    final = Path(path)
    partial = final.with_name(final.name + ".part")
    for attempt in range(1, attempts + 1):
        try:
            result = await _download_once(open_response, partial)
        except ContentMD5MismatchError:
            partial.unlink(missing_ok=True)
            if attempt == attempts:
                raise
            continue
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
        partial.replace(final)
        return DownloadResult(final, result.size, result.md5, result.content_type, result.request_id)
    raise AssertionError("unreachable")  # pragma: no cover


@asynccontextmanager
async def spooled(open_response: Opener, *, attempts: int = 2) -> AsyncIterator[DownloadResult]:
    """Download and verify into a temporary file that is removed when the block exits."""
    handle, name = tempfile.mkstemp(prefix="mws-async-", suffix=".download")
    os.close(handle)
    try:
        yield await download_to_path(open_response, name, attempts=attempts)
    finally:
        await anyio.Path(name).unlink(missing_ok=True)
        await anyio.Path(name + ".part").unlink(missing_ok=True)


async def read_chunks(path: Path) -> AsyncIterator[bytes]:
    """A file's bytes in :data:`CHUNK_SIZE` chunks."""
    async with await anyio.open_file(path, "rb") as source:
        while chunk := await source.read(CHUNK_SIZE):
            yield chunk


async def iter_verified(open_response: Opener, *, attempts: int = 2) -> AsyncIterator[bytes]:
    """Yield a document's bytes in chunks only once its Content-MD5 was verified (spooled to a temp file)."""
    async with spooled(open_response, attempts=attempts) as result:
        async for chunk in read_chunks(result.path):
            yield chunk


def charset_of(content_type: str | None, default: str) -> str:
    """The ``charset=`` of a Content-Type header, else ``default``."""
    if content_type:
        for part in content_type.split(";")[1:]:
            key, _, value = part.strip().partition("=")
            if key.lower() == "charset" and value:
                return value.strip().strip('"')
    return default


async def iter_lines(chunks: AsyncIterable[bytes], encoding: str) -> AsyncIterator[str]:
    """Decode a byte stream incrementally and yield lines without their line endings."""
    decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
    pending = ""
    async for chunk in chunks:
        pending += decoder.decode(chunk)
        lines = pending.splitlines(keepends=True)
        pending = lines.pop() if lines and not lines[-1].endswith(("\n", "\r")) else ""
        for line in lines:
            yield line.rstrip("\r\n")
    pending += decoder.decode(b"", final=True)
    if pending:
        yield pending.rstrip("\r\n")


@dataclass(frozen=True, slots=True)
class FeedBody:
    """A feed body ready to send: its MD5, size, and a factory giving a fresh byte stream per attempt."""

    md5: str
    size: int
    data: bytes | None
    path: Path | None
    cleanup: bool = False

    def factory(self) -> bytes | Callable[[], AsyncIterator[bytes]]:
        """What the transport sends: the bytes, or a function opening the file anew for each attempt."""
        source = self.source()
        if isinstance(source, bytes):
            return source
        return lambda: read_chunks(source)

    def source(self) -> bytes | Path:
        """The body's bytes, or the file that holds them."""
        if self.data is not None:
            return self.data
        if self.path is None:
            raise ClientValidationError("SubmitFeed", ["a feed body holds bytes or a file path"])
        return self.path

    def discard(self) -> None:
        """Remove a spooled temporary file."""
        if self.cleanup and self.path is not None:
            self.path.unlink(missing_ok=True)


async def prepare_feed_body(body: bytes | str | os.PathLike[str] | AsyncIterable[bytes]) -> FeedBody:
    """Compute the MD5 of a feed body in one streaming pass; spool an async iterator to a temp file."""
    if isinstance(body, bytes):
        return FeedBody(content_md5(body), len(body), body, None)
    md5 = hashlib.md5()
    size = 0
    if isinstance(body, (str, os.PathLike)):
        path = Path(body)
        async with await anyio.open_file(path, "rb") as source:
            while chunk := await source.read(CHUNK_SIZE):
                md5.update(chunk)
                size += len(chunk)
        return FeedBody(base64.b64encode(md5.digest()).decode("ascii"), size, None, path)
    handle, name = tempfile.mkstemp(prefix="mws-async-", suffix=".feed")
    os.close(handle)
    async with await anyio.open_file(name, "wb") as spool:
        async for chunk in body:
            md5.update(chunk)
            size += len(chunk)
            await spool.write(chunk)
    return FeedBody(base64.b64encode(md5.digest()).decode("ascii"), size, None, Path(name), cleanup=True)


async def peek(body: FeedBody, size: int = 512) -> bytes:
    """The first bytes of a feed body (to tell XML from flat files)."""
    source = body.source()
    if isinstance(source, bytes):
        return source[:size]
    async with await anyio.open_file(source, "rb") as handle:
        return bytes(await handle.read(size))
