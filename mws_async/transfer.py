"""Streaming transfer of report documents and feed bodies, with Content-MD5 checks and flat memory.

Downloads (GetReport, GetFeedSubmissionResult) are written chunk by chunk, while their MD5 is computed, to
a partial file of a unique name beside the target (``<name>.<random>.part``, created exclusively), which is
renamed onto the target (``os.replace``, atomic) once verified and removed on any failure or cancellation.
Two downloads to one path therefore never share a file: each succeeds, and the target is always one whole,
verified document. A body that does not match its ``Content-MD5`` header is discarded and downloaded once
more, then :class:`~mws_async.errors.ContentMD5MismatchError` is raised. Iterator downloads spool to a
private temporary file first (same helper), so only verified bytes ever reach the caller.

Feed bodies may be bytes, a file path or an async byte iterator; the MD5 is computed in one streaming
pass (an iterator is spooled to a temporary file on the way, removed again if the iterator raises or the
task is cancelled) and each attempt re-reads the body.
"""

from __future__ import annotations

import base64
import codecs
import contextlib
import hashlib
import os
import tempfile
import uuid
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


async def _download_once(open_response: Opener, partial: Path, mode: int) -> DownloadResult:
    md5 = hashlib.md5()
    size = 0
    async with open_response() as response:
        expected = response.content_md5
        # O_EXCL: the name is this download's own (a unique name, never an existing file or link).
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), mode)
        async with await anyio.open_file(fd, "wb") as out:
            async for chunk in response.body_stream().aiter_bytes(CHUNK_SIZE):
                md5.update(chunk)
                size += len(chunk)
                await out.write(chunk)
        actual = base64.b64encode(md5.digest()).decode("ascii")
        if expected is not None and expected.strip() != actual:
            raise ContentMD5MismatchError(expected.strip(), actual, operation=response.operation)
        return DownloadResult(partial, size, actual, response.content_type, response.request_id)


async def _download(open_response: Opener, final: Path, *, attempts: int, private: bool) -> DownloadResult:
    """Download to a unique partial file beside ``final``, verify, ``os.replace`` it onto ``final``.

    ``private`` files are created ``0600`` (temporary spools); others ``0666`` less the umask, as ``open``."""
    mode = 0o600 if private else 0o666
    for attempt in range(1, attempts + 1):
        partial = final.with_name(f"{final.name}.{uuid.uuid4().hex[:16]}.part")
        try:
            result = await _download_once(open_response, partial, mode)
            os.replace(partial, final)
        except ContentMD5MismatchError:
            _remove(partial)
            if attempt == attempts:
                raise
            continue
        except BaseException:
            _remove(partial)
            raise
        return DownloadResult(final, result.size, result.md5, result.content_type, result.request_id)
    raise ContentMD5MismatchError("", "", operation="download")  # pragma: no cover - attempts >= 1


def _remove(path: str | os.PathLike[str]) -> None:
    """Remove a partial or spool file, synchronously: cleanup on cancellation must not await."""
    with contextlib.suppress(FileNotFoundError):
        os.unlink(path)


async def download_to_path(
    open_response: Opener, path: str | os.PathLike[str], *, attempts: int = 2
) -> DownloadResult:
    """Stream a document to ``path``, verifying Content-MD5 (retried once on mismatch).

    The bytes go to a partial file of a unique name in ``path``'s folder, renamed onto ``path`` only once
    verified: concurrent downloads to one path each succeed and never mix, and a failed or cancelled one
    leaves nothing behind (an existing file at ``path`` stays as it was)."""
    return await _download(open_response, Path(path), attempts=attempts, private=False)


@asynccontextmanager
async def spooled(open_response: Opener, *, attempts: int = 2) -> AsyncIterator[DownloadResult]:
    """Download and verify into a private temporary file that is removed when the block exits."""
    target = Path(tempfile.gettempdir()) / f"mws-async-{uuid.uuid4().hex}.download"
    try:
        yield await _download(open_response, target, attempts=attempts, private=True)
    finally:
        await anyio.Path(target).unlink(missing_ok=True)


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
    try:
        async with await anyio.open_file(name, "wb") as spool:
            async for chunk in body:
                md5.update(chunk)
                size += len(chunk)
                await spool.write(chunk)
    except BaseException:
        # The iterator raised, or the task was cancelled mid-spool: the spool file is nobody's now.
        _remove(name)
        raise
    return FeedBody(base64.b64encode(md5.digest()).decode("ascii"), size, None, Path(name), cleanup=True)


async def peek(body: FeedBody, size: int = 512) -> bytes:
    """The first bytes of a feed body (to tell XML from flat files)."""
    source = body.source()
    if isinstance(source, bytes):
        return source[:size]
    async with await anyio.open_file(source, "rb") as handle:
        return bytes(await handle.read(size))
