"""Streaming transfer of report documents and feed bodies, with Content-MD5 checks and flat memory.

Downloads (GetReport, GetFeedSubmissionResult) are written chunk by chunk, while their MD5 is computed, to
a partial file of a unique name beside the target (``<name>.<random>.part``, created exclusively), which is
renamed onto the target (``os.replace``, atomic) once verified and removed on any failure or cancellation.
Two downloads to one path therefore never share a file: each succeeds, and the target is always one whole,
verified document. A body that does not match its ``Content-MD5`` header is discarded and downloaded once
more, then :class:`~mws_async.errors.ContentMD5MismatchError` is raised. Iterator downloads spool to a
private temporary file first (same helper), so only verified bytes ever reach the caller.

A target that is a character device or a FIFO (``/dev/null``, a named pipe, ``/dev/stdout``) is written
directly instead (it cannot be replaced, and renaming onto it would destroy the node): the bytes reach it
as they arrive, so a Content-MD5 mismatch is raised after they were written and the download is not
repeated. The target path is checked before anything is sent (its type, an existing folder, not a folder
itself: a :class:`~mws_async.errors.ClientValidationError` naming the path argument); a file system
failure while writing (disk full, permission, ...) is a :class:`~mws_async.errors.DownloadWriteError`,
never a raw ``OSError``.

Feed bodies may be bytes (or a bytearray / memoryview), a file path, a binary file object opened for
reading, or an async iterable of bytes; anything else is refused with a
:class:`~mws_async.errors.ClientValidationError` that never shows the body. The MD5 is computed in one
streaming pass (a file object or an iterator is spooled to a temporary file on the way, removed again if
reading fails or the task is cancelled) and each attempt re-reads the body.
"""

from __future__ import annotations

import base64
import codecs
import contextlib
import errno
import hashlib
import io
import os
import stat
import tempfile
import time
import uuid
from collections.abc import AsyncIterable, AsyncIterator, Awaitable, Callable, Iterable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Final

import anyio

from mws_async.errors import (
    ClientValidationError,
    ContentMD5MismatchError,
    DownloadWriteError,
    OutcomeUnknownError,
)
from mws_async.settings import shown
from mws_async.transport import MWSResponse, check_before_retrying

__all__ = [
    "CHUNK_SIZE",
    "DownloadResult",
    "FeedBody",
    "FeedBodySource",
    "charset_of",
    "check_download_path",
    "content_md5",
    "download_to_path",
    "iter_lines",
    "iter_verified",
    "prepare_feed_body",
    "read_chunks",
    "spooled",
]

CHUNK_SIZE: Final = 256 * 1024
DEFAULT_WRITE_TIMEOUT: Final = 60.0
"""How long a FIFO may go without a reader (or a reader stall) before a direct download gives up."""
_PART_SUFFIX_BYTES: Final = 22  # ".<16 hex>.part"
_NAME_MAX: Final = 255  # bytes in one file name on the common file systems
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


def _path_problem(operation: str, problem: str) -> ClientValidationError:
    return ClientValidationError(operation, [problem])


def _path_text(value: object, operation: str, argument: str) -> str:
    """``value`` as a file path string: a str or os.PathLike of str, not empty, without NUL."""
    if isinstance(value, (str, os.PathLike)):
        try:
            text = os.fspath(value)
        except TypeError:  # a PathLike whose __fspath__ misbehaves
            text = None
        if isinstance(text, str):
            if not text:
                raise _path_problem(operation, f"{argument} is empty; give a file path")
            if "\x00" in text:
                raise _path_problem(
                    operation, f"{argument} contains a NUL character, which no file name can hold"
                )
            return text
    if hasattr(value, "read") or hasattr(value, "write"):
        got = f"a file object ({type(value).__name__}); pass the file's path"
    else:
        got = type(value).__name__
    raise _path_problem(operation, f"{argument} must be a file path (str or os.PathLike), got {got}")


def _file_kind(mode: int) -> str:
    if stat.S_ISBLK(mode):
        return "block device"
    return "socket" if stat.S_ISSOCK(mode) else "special file"


def check_download_path(path: object, operation: str, argument: str = "path") -> tuple[Path, bool]:
    """Check a download target before anything is sent: ``(path, direct)``.

    ``direct`` is true for an existing character device or FIFO, which is written in place (renaming a
    verified file onto it would replace the node). A folder, a block device or a socket, a missing or
    non-folder parent, an empty name, a NUL or a name the system refuses are
    :class:`~mws_async.errors.ClientValidationError` naming ``argument``."""
    text = _path_text(path, operation, argument)
    where = f"{argument} {shown(text)}"
    try:
        info: os.stat_result | None = os.stat(text)
    except (FileNotFoundError, NotADirectoryError):  # the folder check below says which part is wrong
        info = None
    except OSError as exc:  # a name too long, a file used as a folder, a loop of links, no access
        raise _path_problem(operation, f"{where}: {exc.strerror or exc}") from None
    if info is not None:
        if stat.S_ISDIR(info.st_mode):
            raise _path_problem(operation, f"{where} is a folder; give the path of a file in it")
        if stat.S_ISCHR(info.st_mode) or stat.S_ISFIFO(info.st_mode):
            return Path(text), True
        if not stat.S_ISREG(info.st_mode):
            kind = _file_kind(info.st_mode)
            raise _path_problem(
                operation, f"{where} is a {kind}; give a regular file, a character device or a FIFO"
            )
        return Path(text), False
    folder = os.path.dirname(text) or "."
    try:
        folder_info = os.stat(folder)
    except FileNotFoundError:
        raise _path_problem(operation, f"{where}: the folder {shown(folder)} does not exist") from None
    except NotADirectoryError:
        raise _path_problem(operation, f"{where}: {shown(folder)} is not a folder") from None
    except OSError as exc:
        raise _path_problem(operation, f"{where}: {exc.strerror or exc}") from None
    if not stat.S_ISDIR(folder_info.st_mode):
        raise _path_problem(operation, f"{where}: {shown(folder)} is not a folder")
    return Path(text), False


def _write_failed(operation: str, argument: str, target: Path, exc: OSError, kept: str) -> DownloadWriteError:
    """A file system failure while writing a download (disk full, no permission, ...), typed."""
    reason = exc.strerror or type(exc).__name__
    name = errno.errorcode.get(exc.errno) if exc.errno is not None else None
    code = f" ({name})" if name else ""
    return DownloadWriteError(
        f"{operation}: {argument}: cannot write {shown(str(target))}: {reason}{code}; {kept}",
        path=str(target),
        errno=exc.errno,
    )


WriteFailed = Callable[[OSError], Exception]


async def _copy_verified(
    response: MWSResponse, target: Path, write: Callable[[bytes], Awaitable[None]]
) -> DownloadResult:
    """Hand ``response``'s body to ``write`` chunk by chunk, then check it against its Content-MD5."""
    md5 = hashlib.md5()
    size = 0
    async for chunk in response.body_stream().aiter_bytes(CHUNK_SIZE):
        md5.update(chunk)
        size += len(chunk)
        await write(chunk)
    actual = base64.b64encode(md5.digest()).decode("ascii")
    expected = response.content_md5
    if expected is not None and expected.strip() != actual:
        raise ContentMD5MismatchError(expected.strip(), actual, operation=response.operation)
    return DownloadResult(target, size, actual, response.content_type, response.request_id)


async def _download_once(
    open_response: Opener, partial: Path, mode: int, failed: WriteFailed
) -> DownloadResult:
    async with open_response() as response:
        try:
            # O_EXCL: the name is this download's own (a unique name, never an existing file or link).
            fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), mode)
        except OSError as exc:
            raise failed(exc) from None
        async with await anyio.open_file(fd, "wb") as out:

            async def write(chunk: bytes) -> None:
                try:
                    await out.write(chunk)
                except OSError as exc:
                    raise failed(exc) from None

            return await _copy_verified(response, partial, write)


def _partial_name(final: Path) -> Path:
    name = final.name
    # The partial's suffix must not push a long (yet valid) name past the file system's limit.
    if len(os.fsencode(name)) + _PART_SUFFIX_BYTES > _NAME_MAX:
        name = name[:50]
    return final.with_name(f"{name}.{uuid.uuid4().hex[:16]}.part")


async def _download(
    open_response: Opener,
    final: Path,
    *,
    attempts: int,
    private: bool,
    operation: str = "download",
    argument: str = "path",
) -> DownloadResult:
    """Download to a unique partial file beside ``final``, verify, ``os.replace`` it onto ``final``.

    ``private`` files are created ``0600`` (temporary spools); others ``0666`` less the umask, as ``open``."""
    mode = 0o600 if private else 0o666

    def failed(exc: OSError) -> Exception:
        kept = "the partial download was removed and the target left as it was"
        return _write_failed(operation, argument, final, exc, kept)

    for attempt in range(1, attempts + 1):
        partial = _partial_name(final)
        try:
            result = await _download_once(open_response, partial, mode, failed)
            try:
                os.replace(partial, final)
            except OSError as exc:  # the target became a folder meanwhile, or the folder went away
                raise failed(exc) from None
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


async def _open_direct(target: Path, wait_limit: float, failed: WriteFailed) -> int:
    """Open a character device or FIFO for non-blocking writes; a FIFO's reader is awaited (bounded)."""
    deadline = time.monotonic() + wait_limit
    while True:
        try:
            # O_NONBLOCK: a FIFO without a reader fails (ENXIO) instead of blocking a thread for ever.
            return os.open(target, os.O_WRONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
        except OSError as exc:
            if exc.errno != errno.ENXIO or time.monotonic() >= deadline:
                raise failed(exc) from None
        await anyio.sleep(0.05)


async def _write_all(fd: int, chunk: bytes, wait_limit: float, failed: WriteFailed) -> None:
    view = memoryview(chunk)
    while view:
        try:
            written = os.write(fd, view)
        except BlockingIOError:
            # The reader is behind: wait, bounded, until the pipe takes bytes again.
            with anyio.move_on_after(wait_limit) as scope:
                await anyio.wait_writable(fd)
            if scope.cancelled_caught:
                raise failed(
                    OSError(errno.ETIMEDOUT, f"the reader took nothing for {wait_limit:g} s")
                ) from None
            continue
        except OSError as exc:
            raise failed(exc) from None
        view = view[written:]


async def _download_direct(
    open_response: Opener, target: Path, *, operation: str, argument: str, wait_limit: float
) -> DownloadResult:
    """Stream a document straight into a character device or FIFO (no partial file, no rename)."""

    def failed(exc: OSError) -> Exception:
        if exc.errno == errno.ENXIO:
            exc = OSError(exc.errno, f"no process opened it for reading within {wait_limit:g} s")
        return _write_failed(operation, argument, target, exc, "the download stopped there")

    fd = await _open_direct(target, wait_limit, failed)  # before the request: a FIFO nobody reads costs none

    async def write(chunk: bytes) -> None:
        await _write_all(fd, chunk, wait_limit, failed)

    try:
        async with open_response() as response:
            # A mismatch is raised after the bytes went out; the caller does not download again (that would
            # write the document twice).
            return await _copy_verified(response, target, write)
    finally:
        os.close(fd)


def _remove(path: str | os.PathLike[str]) -> None:
    """Remove a partial or spool file, synchronously: cleanup on cancellation must not await."""
    with contextlib.suppress(FileNotFoundError):
        os.unlink(path)


async def download_to_path(
    open_response: Opener,
    path: str | os.PathLike[str],
    *,
    attempts: int = 2,
    operation: str = "download",
    argument: str = "path",
    write_timeout: float = DEFAULT_WRITE_TIMEOUT,
) -> DownloadResult:
    """Stream a document to ``path``, verifying Content-MD5 (retried once on mismatch).

    ``path`` is checked first (:func:`check_download_path`), before ``open_response`` is called. The bytes
    go to a partial file of a unique name in ``path``'s folder, renamed onto ``path`` only once verified:
    concurrent downloads to one path each succeed and never mix, and a failed or cancelled one leaves
    nothing behind (an existing file at ``path`` stays as it was). A character device or FIFO is written
    directly, once (see the module docstring); ``write_timeout`` bounds the waits for its reader."""
    target, direct = check_download_path(path, operation, argument)
    if direct:
        return await _download_direct(
            open_response, target, operation=operation, argument=argument, wait_limit=write_timeout
        )
    return await _download(
        open_response, target, attempts=attempts, private=False, operation=operation, argument=argument
    )


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


FeedBodySource = bytes | bytearray | memoryview | str | os.PathLike[str] | IO[bytes] | AsyncIterable[bytes]
"""What ``submit_feed`` takes as a body (see :func:`prepare_feed_body`)."""

_ACCEPTED = (
    "bytes (or a bytearray / memoryview), a file path (str or os.PathLike), a binary file object opened "
    "for reading, or an async iterable of bytes"
)


@dataclass(frozen=True, slots=True)
class FeedBody:
    """A feed body ready to send: its MD5, size, and a factory giving a fresh byte stream per attempt."""

    md5: str
    size: int
    data: bytes | None
    path: Path | None
    cleanup: bool = False
    operation: str = "SubmitFeed"

    def factory(self) -> bytes | Callable[[], AsyncIterator[bytes]]:
        """What the transport sends: the bytes, or a function opening the file anew for each attempt."""
        source = self.source()
        if isinstance(source, bytes):
            return source
        return lambda: self._resend(source)

    async def _resend(self, path: Path) -> AsyncIterator[bytes]:
        try:
            async for chunk in read_chunks(path):
                yield chunk
        except OSError as exc:
            # The file went away or became unreadable after its MD5 was taken; the request had started.
            raise OutcomeUnknownError(
                f"{self.operation}: the feed file could not be read while it was being sent "
                f"({exc.strerror or type(exc).__name__}); MWS may or may not have received part of it, so it "
                f"was not resent. {check_before_retrying(self.operation)}",
                operation=self.operation,
            ) from None

    def source(self) -> bytes | Path:
        """The body's bytes, or the file that holds them."""
        if self.data is not None:
            return self.data
        if self.path is None:
            raise ClientValidationError(self.operation, ["a feed body holds bytes or a file path"])
        return self.path

    def discard(self) -> None:
        """Remove a spooled temporary file."""
        if self.cleanup and self.path is not None:
            self.path.unlink(missing_ok=True)


def _body_problem(operation: str, problem: str) -> ClientValidationError:
    return ClientValidationError(operation, [f"body: {problem}"])


def _feed_path(body: str | os.PathLike[str], operation: str) -> Path:
    """A feed file path, checked; a str that names no file is shown only by a short prefix (it may be
    feed content passed as text)."""
    text = os.fspath(body) if isinstance(body, os.PathLike) else body
    if not isinstance(text, str):
        raise _body_problem(operation, f"a path-like body must give a str path, got {type(text).__name__}")
    hint = "; a str is read as a file path; pass bytes for feed content" if isinstance(body, str) else ""
    if len(text) > 16 and isinstance(body, str):
        name = repr(text[:16]) + f"... ({len(text)} characters)"
    else:
        name = repr(text)
    if not text:
        raise _body_problem(operation, f"the file path is empty{hint}")
    if "\x00" in text:
        raise _body_problem(operation, f"the file path {name} contains a NUL character{hint}")
    try:
        info = os.stat(text)
    except OSError as exc:  # missing, a name too long, a file used as a folder, ...
        raise _body_problem(operation, f"no readable file {name} ({exc.strerror or exc}){hint}") from None
    if not stat.S_ISREG(info.st_mode):
        kind = "a folder" if stat.S_ISDIR(info.st_mode) else "not a regular file"
        raise _body_problem(
            operation, f"{name} is {kind}; pass a file, its bytes or an async iterable of bytes"
        )
    return Path(text)


async def _file_chunks(handle: IO[bytes], operation: str) -> AsyncIterator[object]:
    """A sync file object's bytes from its current position, read in a worker thread."""
    while True:
        try:
            chunk: object = await anyio.to_thread.run_sync(handle.read, CHUNK_SIZE)
        except (OSError, ValueError) as exc:  # io.UnsupportedOperation, closed meanwhile, a read error
            raise _body_problem(
                operation, f"the file object could not be read ({type(exc).__name__}); open it with 'rb'"
            ) from None
        if not chunk:
            return
        yield chunk


def _check_file_object(body: object, operation: str) -> IO[bytes]:
    kind = type(body).__name__
    if isinstance(body, io.TextIOBase):
        raise _body_problem(operation, f"the file object ({kind}) is in text mode; open it with 'rb'")
    if getattr(body, "closed", False):
        raise _body_problem(operation, f"the file object ({kind}) is closed")
    readable = getattr(body, "readable", None)
    try:
        can_read = readable() if callable(readable) else True
    except (OSError, ValueError):
        can_read = False
    if not can_read:
        raise _body_problem(operation, f"the file object ({kind}) is not open for reading; open it with 'rb'")
    return body  # type: ignore[return-value]  # duck-typed: read(n) is checked chunk by chunk


async def _spool(chunks: AsyncIterable[object], operation: str, what: str) -> FeedBody:
    """Write ``chunks`` to a private temporary file while computing their MD5 (removed on any failure)."""
    md5 = hashlib.md5()
    size = 0
    handle, name = tempfile.mkstemp(prefix="mws-async-", suffix=".feed")
    os.close(handle)
    try:
        async with await anyio.open_file(name, "wb") as spool:
            count = 0
            async for chunk in chunks:
                count += 1
                if not isinstance(chunk, (bytes, bytearray, memoryview)):
                    # Never shown: the item may be feed content.
                    raise _body_problem(
                        operation,
                        f"{what} gave a {type(chunk).__name__} (item {count}), not bytes; nothing was sent",
                    )
                data = bytes(chunk)
                md5.update(data)
                size += len(data)
                await spool.write(data)
    except BaseException:
        # The source raised, gave a non-bytes item, or the task was cancelled: the spool file is nobody's.
        _remove(name)
        raise
    return FeedBody(
        base64.b64encode(md5.digest()).decode("ascii"),
        size,
        None,
        Path(name),
        cleanup=True,
        operation=operation,
    )


async def prepare_feed_body(body: object, *, operation: str = "SubmitFeed") -> FeedBody:
    """Compute the MD5 of a feed body in one streaming pass; spool a file object or iterator to a temp file.

    ``body`` is one of :data:`FeedBodySource`; anything else, a path that is not a readable regular file, a
    text-mode or closed file object, or an iterator item that is not bytes is a
    :class:`~mws_async.errors.ClientValidationError` (the body itself is never shown)."""
    if isinstance(body, (bytes, bytearray, memoryview)):
        data = bytes(body)
        return FeedBody(content_md5(data), len(data), data, None, operation=operation)
    if isinstance(body, (str, os.PathLike)):
        path = _feed_path(body, operation)
        md5 = hashlib.md5()
        size = 0
        try:
            async with await anyio.open_file(path, "rb") as source:
                while chunk := await source.read(CHUNK_SIZE):
                    md5.update(chunk)
                    size += len(chunk)
        except OSError as exc:
            raise _body_problem(
                operation, f"{shown(str(path))} could not be read ({exc.strerror or exc})"
            ) from None
        return FeedBody(base64.b64encode(md5.digest()).decode("ascii"), size, None, path, operation=operation)
    if isinstance(body, AsyncIterable):
        return await _spool(body, operation, "the async iterable")
    if callable(getattr(body, "read", None)):
        handle = _check_file_object(body, operation)
        return await _spool(_file_chunks(handle, operation), operation, "the file object's read()")
    kind = type(body).__name__
    hint = ""
    if isinstance(body, Iterable):
        hint = " (for chunks from a sync iterable, pass b''.join(them) or an async iterator)"
    raise _body_problem(operation, f"expected {_ACCEPTED}, got {kind}{hint}")


async def peek(body: FeedBody, size: int = 512) -> bytes:
    """The first bytes of a feed body (to tell XML from flat files)."""
    source = body.source()
    if isinstance(source, bytes):
        return source[:size]
    async with await anyio.open_file(source, "rb") as handle:
        return bytes(await handle.read(size))
