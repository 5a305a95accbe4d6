"""A raw HTTP/1.1 exchange over a loopback socket, for sandbox tests that must control every byte sent
(bodies that lie about their length, uploads abandoned midway, downloads cut off)."""

from __future__ import annotations

import asyncio
import socket
import struct
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

from mws_async.xml import parse_error_response


@dataclass
class RawResponse:
    """Status, headers (lowercase names) and the body as read (complete unless the server cut it)."""

    status: int
    headers: dict[str, str]
    body: bytes

    def error_code(self) -> str:
        """The ``Code`` of an MWS ErrorResponse body."""
        return str(parse_error_response(self.body)[0][0]["Code"])


def request_head(method: str, target: str, host: str, headers: Mapping[str, str] | None = None) -> bytes:
    """The request line and headers, ``Host`` first."""
    lines = [f"{method} {target} HTTP/1.1", f"Host: {host}"]
    lines += [f"{name}: {value}" for name, value in (headers or {}).items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


def chunked(pieces: Iterable[bytes]) -> Iterable[bytes]:
    """``pieces`` in chunked transfer encoding (without the terminating chunk)."""
    for piece in pieces:
        yield f"{len(piece):x}\r\n".encode() + piece + b"\r\n"


async def open_raw(base_url: str) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    """A plain TCP connection to the server of ``base_url``."""
    parts = urlsplit(base_url)
    return await asyncio.open_connection(parts.hostname, parts.port)


async def send_all(writer: asyncio.StreamWriter, data: Iterable[bytes]) -> int:
    """Write ``data`` piece by piece; stop quietly when the server closes the connection. Returns the
    bytes written before that."""
    sent = 0
    try:
        for piece in data:
            writer.write(piece)
            await writer.drain()
            sent += len(piece)
    except (ConnectionResetError, BrokenPipeError):
        pass
    return sent


async def read_response(reader: asyncio.StreamReader) -> RawResponse:
    """One response: the head, then ``content-length`` bytes (or up to EOF)."""
    head = await reader.readuntil(b"\r\n\r\n")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    headers = {}
    for line in header_lines:
        if line:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
    length = headers.get("content-length")
    body = await reader.readexactly(int(length)) if length is not None else await reader.read()
    return RawResponse(int(status_line.split()[1]), headers, body)


def abort(writer: asyncio.StreamWriter) -> None:
    """Drop the connection at once (RST, as a cancelled download does), unread data and all."""
    sock = writer.get_extra_info("socket")
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    writer.transport.abort()
