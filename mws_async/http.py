"""The HTTP client mws-async creates when none is injected: one pooled ``httpx.AsyncClient``.

Kept in one place so the transport underneath can be chosen by measurement (see ``benchmarks/``): the
client runs the httpx API over ``httpx_aiohttp.AiohttpTransport`` (``httpx-aiohttp`` is a dependency of a
plain ``pip install mws-async``), which measured about 3x less client CPU per MWS call than httpx's own
(httpcore) transport at 1 request in flight and about 6x less at 20 (``python -m benchmarks.cpu``).
httpx's own transport is the tested fallback: ``MWS_ASYNC_HTTP_TRANSPORT=httpx`` selects it, and it is
used when httpx-aiohttp cannot be imported.

What the aiohttp path must (and does) keep, each covered by ``tests/test_http.py``:

- The aiohttp ``ClientSession`` is created lazily, on the first request, inside the running loop, and
  closed by ``aclose()`` (no "Unclosed client session" warning).
- httpx-aiohttp maps every ``aiohttp.ClientConnectionError`` to ``httpx.ConnectTimeout``, including a
  server disconnect after the request was written; :func:`mws_async.transport._not_sent` looks at
  ``__cause__`` so such a failure is never taken for "not sent".
- Streamed responses (``send(..., stream=True)`` + ``aiter_bytes``) stream in chunks; async-iterator
  request bodies (SubmitFeed) are sent chunked; the pool honours ``max_connections``; timeouts map to
  httpx timeouts.
"""

from __future__ import annotations

import asyncio
import os
import re
import weakref

import httpx

from mws_async.errors import ClientClosedError, ConfigurationError

__all__ = [
    "TRANSPORTS",
    "BodyTooLarge",
    "LoopBound",
    "default_transport_name",
    "fetch",
    "header_safe",
    "make_http_client",
    "make_http_transport",
    "read_limited",
]

_ENV = "MWS_ASYNC_HTTP_TRANSPORT"
TRANSPORTS = ("aiohttp", "httpx")
"""Values of ``MWS_ASYNC_HTTP_TRANSPORT``."""

EXCHANGE_ERRORS = (httpx.RequestError, httpx.InvalidURL, httpx.StreamError)
"""What httpx raises when an exchange cannot be completed: network and protocol failures, and answers it
cannot even represent (a redirect whose Location is not a URL raises InvalidURL inside ``send``)."""


def _aiohttp_available() -> bool:
    try:
        import httpx_aiohttp  # noqa: F401
    except ImportError:
        return False
    return True


def default_transport_name() -> str:
    """``"aiohttp"`` when httpx-aiohttp can be imported (and ``MWS_ASYNC_HTTP_TRANSPORT`` does not say
    ``httpx``), else ``"httpx"``.

    Raises :class:`~mws_async.errors.ConfigurationError` for a value other than ``aiohttp``/``httpx``, or
    for ``aiohttp`` when httpx-aiohttp cannot be imported.
    """
    raw = os.environ.get(_ENV, "")
    wanted = raw.strip().lower()
    if wanted == "httpx":
        return "httpx"
    if wanted not in ("", "aiohttp"):
        raise ConfigurationError(
            f"{_ENV}={raw!r} is not a transport; use one of {', '.join(TRANSPORTS)} (or unset it)"
        )
    if _aiohttp_available():
        return "aiohttp"
    if wanted == "aiohttp":
        raise ConfigurationError(
            f"{_ENV}=aiohttp, but httpx-aiohttp cannot be imported: pip install httpx-aiohttp, "
            "or unset the variable to use httpx's own transport"
        )
    return "httpx"


def make_http_transport(*, max_connections: int = 100) -> httpx.AsyncBaseTransport:
    """The pooled transport under the default client: httpx-aiohttp's ``AiohttpTransport`` or httpx's own
    (see :func:`default_transport_name`), keeping up to ``max_connections`` connections alive."""
    limits = httpx.Limits(max_connections=max_connections, max_keepalive_connections=max_connections)
    if default_transport_name() == "aiohttp":
        from httpx_aiohttp import AiohttpTransport

        # The transport creates its aiohttp ClientSession on the first request (inside the running loop)
        # with TCPConnector(limit=max_connections); AsyncClient.aclose() closes it.
        return AiohttpTransport(limits=limits)
    return httpx.AsyncHTTPTransport(limits=limits)


def make_http_client(
    timeout: float,
    *,
    max_connections: int = 100,
    transport: httpx.AsyncBaseTransport | None = None,
) -> httpx.AsyncClient:
    """A pooled client with keep-alive, over ``transport`` (default: :func:`make_http_transport`).

    ``timeout`` is httpx's per-phase timeout (connect capped at 20 s and kept below ``timeout``, so a
    refused connection is told apart from a slow answer); the transport bounds each whole attempt by
    ``timeout`` on top of that (see :class:`mws_async.transport.Transport`).
    """
    limits = httpx.Limits(max_connections=max_connections, max_keepalive_connections=max_connections)
    return httpx.AsyncClient(
        timeout=httpx.Timeout(timeout, connect=min(timeout * 0.9, 20.0)),
        limits=limits,
        transport=transport or make_http_transport(max_connections=max_connections),
    )


async def read_limited(response: httpx.Response, limit: int) -> bytes:
    """The whole (decoded) body of a streamed ``response``, refusing it once it passes ``limit`` bytes.

    A ``Content-Length`` above the limit is refused before reading; otherwise reading stops at the first
    chunk that passes it, so memory never holds more than about ``limit`` bytes whatever the server sends
    (an endless body, or a small compressed body that inflates). Raises :class:`BodyTooLarge`.
    """
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise BodyTooLarge(int(declared), limit, declared=True)
    chunks: list[bytes] = []
    size = 0
    async for chunk in response.aiter_bytes():
        size += len(chunk)
        if size > limit:
            raise BodyTooLarge(size, limit, declared=False)
        chunks.append(chunk)
    return b"".join(chunks)


async def fetch(
    client: httpx.AsyncClient, request: httpx.Request, *, within: float, limit: int
) -> tuple[httpx.Response, bytes]:
    """Send ``request`` and read its whole answer within ``within`` seconds in all (however slowly the
    server sends it), refusing a body over ``limit`` bytes as it is read.

    Raises ``TimeoutError``, :class:`BodyTooLarge` or httpx's ``RequestError``; the response is closed.
    """
    response: httpx.Response | None = None
    try:
        async with asyncio.timeout(within):
            response = await client.send(request, stream=True)
            body = await read_limited(response, limit)
    finally:
        if response is not None:
            await response.aclose()
    return response, body


_HEADER_TEXT = re.compile(r"[\x20-\x7e]*")
_HEADER_TOKEN = re.compile(r"[\x21-\x7e]*")


def header_safe(text: str, *, spaces: bool = True) -> bool:
    """Whether ``text`` can go out as an HTTP header value as it is: printable ASCII only (no control
    characters, CR or LF, nothing beyond ASCII), and no spaces unless ``spaces``. httpx and aiohttp would
    otherwise fail on it only while the request is being written."""
    return (_HEADER_TEXT if spaces else _HEADER_TOKEN).fullmatch(text) is not None


class BodyTooLarge(Exception):
    """Internal to the transports: a body passed its limit (they raise typed errors from it)."""

    def __init__(self, size: int, limit: int, *, declared: bool) -> None:
        super().__init__(f"{size} > {limit}")
        self.size, self.limit, self.declared = size, limit, declared


class LoopBound:
    """What keeps a client from being used once closed, or from another event loop than its first: its
    connection pool belongs to that loop (aiohttp's session, httpcore's connections), so such a call would
    fail inside the HTTP library (``RuntimeError``, "attached to a different loop") after taking quota.

    :meth:`check` is called at the start of every call (two attribute reads and a comparison)."""

    __slots__ = ("_closed", "_loop", "_name")

    def __init__(self, name: str) -> None:
        self._name = name
        self._closed = False
        self._loop: weakref.ref[asyncio.AbstractEventLoop] | None = None

    def close(self) -> None:
        """Mark the client closed: every later :meth:`check` raises."""
        self._closed = True

    def check(self, http: httpx.AsyncClient) -> None:
        """Raise :class:`~mws_async.errors.ClientClosedError` unless the client may send from here."""
        if self._closed or http.is_closed:
            raise ClientClosedError(
                f"this {self._name} is closed (aclose() was called, or its async with block ended"
                + ("" if self._closed else ", or the http_client given to it was closed")
                + f"); nothing was sent. Make a new {self._name}."
            )
        loop = asyncio.get_running_loop()
        bound = self._loop() if self._loop is not None else None
        if bound is loop:
            return
        if self._loop is None:
            self._loop = weakref.ref(loop)
            return
        raise ClientClosedError(
            f"this {self._name} first ran in another event loop (an earlier asyncio.run, or another "
            "thread's loop), and its connections belong to that loop; nothing was sent. Make the "
            f"{self._name} inside the loop that uses it (one per asyncio.run)."
        )
