"""Request bodies, read once and bounded before anything trusts them.

A form post (every MWS call but SubmitFeed) carries its parameters, signature included, in the body, so
its body must be read before authentication: it is capped at :data:`MAX_FORM_BYTES` (MWS requests are
small; a bigger one is refused from its announced length alone, or as soon as a chunked body passes the
cap). A SubmitFeed body is read only after the query-string signature checked out, up to the sandbox's
``max_feed_bytes``; past :data:`IN_MEMORY_BYTES` it is spooled to an anonymous temporary file while its
MD5 is computed, so a feed is never held in memory whole. The file is gone once closed.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import tempfile
from collections.abc import Awaitable, Callable, Iterator, MutableMapping
from typing import IO, Any, Final

__all__ = [
    "DEFAULT_MAX_FEED_BYTES",
    "DRAIN_BYTES",
    "IN_MEMORY_BYTES",
    "MAX_FORM_BYTES",
    "BodyReader",
    "BodyTooLarge",
    "ClientDisconnected",
    "Upload",
]

MAX_FORM_BYTES: Final = 1 << 20
"""Largest form-encoded (or unsigned) request body the sandbox reads: 1 MiB."""
DEFAULT_MAX_FEED_BYTES: Final = 2 << 30
"""Default largest SubmitFeed body: 2 GiB."""
IN_MEMORY_BYTES: Final = 1 << 20
"""A SubmitFeed body larger than this goes to a temporary file."""
DRAIN_BYTES: Final = 16 << 20
"""At most this much of a refused body is read and discarded before answering (then: close)."""
_CHUNK: Final = 1 << 20

Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]


class BodyTooLarge(Exception):
    """The body passed ``limit`` bytes (``seen``: what was announced or read when it was refused)."""

    def __init__(self, limit: int, seen: int) -> None:
        super().__init__(f"request body over {limit} bytes")
        self.limit = limit
        self.seen = seen


class ClientDisconnected(Exception):
    """The client went away before its body was read: there is nobody to answer."""


class Upload:
    """A request body as read: its size, base64 MD5 and bytes (in memory, or in a temporary file)."""

    __slots__ = ("_data", "_file", "md5", "size")

    def __init__(self, data: bytes, md5: str, file: IO[bytes] | None = None, size: int | None = None) -> None:
        self._data = data
        self._file = file
        self.md5 = md5
        """base64(MD5(body)), the ``Content-MD5`` format."""
        self.size = len(data) if size is None else size
        """Bytes in the body."""

    @classmethod
    def of(cls, data: bytes) -> Upload:
        """An in-memory body."""
        return cls(data, base64.b64encode(hashlib.md5(data).digest()).decode("ascii"))

    @property
    def spooled(self) -> bool:
        """Whether the body lives in a temporary file."""
        return self._file is not None

    @property
    def data(self) -> bytes:
        """The whole body; only for in-memory bodies (forms, small feeds)."""
        if self._file is not None:
            raise RuntimeError("a spooled body is read with chunks()")
        return self._data

    def chunks(self) -> Iterator[bytes]:
        """The body, 1 MiB at a time."""
        if self._file is None:
            for start in range(0, len(self._data), _CHUNK):
                yield self._data[start : start + _CHUNK]
            return
        self._file.seek(0)
        while chunk := self._file.read(_CHUNK):
            yield chunk

    def close(self) -> None:
        """Drop the temporary file, if any (idempotent)."""
        if self._file is not None:
            self._file.close()

    def __len__(self) -> int:
        return self.size


class BodyReader:
    """Reads one ASGI request body on demand, at most once, within a limit given at read time.

    ``announced`` is the Content-Length (``None`` when chunked). After a refusal the rest of the body is
    unread: :attr:`complete` tells the server to close the connection instead of reading on.
    """

    def __init__(self, receive: Receive, announced: int | None, spool_dir: str | None = None) -> None:
        self._receive = receive
        self.announced = announced
        self.spool_dir = spool_dir
        self.complete = announced == 0
        """Whether every body byte was received (the connection can then be kept alive)."""
        self.disconnected = False
        self.refused = False
        """Whether the body was refused for its size (the rest is never read)."""

    async def read(self, limit: int, *, spool: bool = False) -> Upload:
        """The body, refused with :class:`BodyTooLarge` past ``limit``; spooled to a temporary file past
        :data:`IN_MEMORY_BYTES` when ``spool``. Raises :class:`ClientDisconnected` if the client left."""
        if self.announced is not None and self.announced > limit:
            self.refused = True
            raise BodyTooLarge(limit, self.announced)
        digest = hashlib.md5()
        parts: list[bytes] = []
        held = 0
        size = 0
        file: IO[bytes] | None = None
        try:
            while not self.complete:
                message = await self._receive()
                if message["type"] == "http.disconnect":
                    self.disconnected = True
                    raise ClientDisconnected
                chunk = message.get("body", b"")
                self.complete = not message.get("more_body", False)
                size += len(chunk)
                if size > limit:
                    self.refused = True
                    raise BodyTooLarge(limit, size)
                digest.update(chunk)
                if file is not None:
                    file.write(chunk)
                elif spool and held + len(chunk) > IN_MEMORY_BYTES:
                    # Closed by Upload.close() (or below on failure): it outlives this block.
                    file = tempfile.TemporaryFile(dir=self.spool_dir, prefix="mws-sandbox-feed-")  # noqa: SIM115
                    file.writelines(parts)
                    file.write(chunk)
                    parts.clear()
                else:
                    parts.append(chunk)
                    held += len(chunk)
        except BaseException:
            if file is not None:
                file.close()
            raise
        md5 = base64.b64encode(digest.digest()).decode("ascii")
        return Upload(b"".join(parts), md5, file, size)

    async def drain(self, limit: int = DRAIN_BYTES, idle: float = 0.5, seconds: float = 5.0) -> bool:
        """Read and discard what is left of a refused body (at most ``limit`` bytes, ``seconds`` in all,
        stopping when nothing comes for ``idle`` seconds), so that the client, which often sends its whole
        body before it reads, gets the answer instead of a reset. True when the body was read to its end
        (the connection can stay open); False when it must be closed."""
        if self.complete:
            return True
        if self.announced is not None and self.announced > limit:
            return False  # not worth reading: close (the client sees a reset if it is still sending)
        loop = asyncio.get_running_loop()
        give_up = loop.time() + seconds
        seen = 0
        while not self.complete:
            try:
                async with asyncio.timeout(min(idle, give_up - loop.time())):
                    message = await self._receive()
            except TimeoutError:
                return False
            if message["type"] == "http.disconnect":
                self.disconnected = True
                return False
            seen += len(message.get("body", b""))
            self.complete = not message.get("more_body", False)
            if seen > limit:
                return False
        return True
