"""The sandbox's raw ASGI application: parse, authenticate, fault, throttle, dispatch, log.

No web framework: the request path is a handful of dict look-ups and one HMAC, because benchmarks run
against it. Pipeline per request:

1. section by path (unknown -> 404 InvalidAddress); at ``/``, the section whose Action it is (boto 2 posted
   Reports and Feeds there; see :meth:`~mws_async.sandbox.registry.Registry.root_section`);
2. parameters from the query string and, for form bodies, the body (SubmitFeed-style raw bodies keep their
   parameters in the query string: a body without Content-Type is read as a form only when the query string
   is not signed);
3. :class:`~mws_async.sandbox.auth.Authenticator` (MWS's order of checks);
4. operation by Action (unknown -> 404 InvalidAddress "Operation X is not available for section Y");
5. injected fault, if any (after authentication; a faulted call is not processed and costs no quota);
6. cost / list-limit validation, then the throttle buckets (503 RequestThrottled / QuotaExceeded);
7. the handler; 200 with ``x-mws-request-id``, ``x-mws-timestamp``, ``Date`` and, for Products, Reports
   and Feeds, ``x-mws-quota-*``. Documents (GetReport, GetFeedSubmissionResult) are streamed chunk by
   chunk (``more_body``), so a 250 MB report never sits in memory.
"""

from __future__ import annotations

import asyncio
import html
import json
import re
from collections.abc import Awaitable, Callable, Iterator, MutableMapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Final
from urllib.parse import parse_qsl

from mws_async.sandbox.auth import Authenticator
from mws_async.sandbox.bodies import (
    DEFAULT_MAX_FEED_BYTES,
    MAX_FORM_BYTES,
    BodyReader,
    BodyTooLarge,
    ClientDisconnected,
    Upload,
)
from mws_async.sandbox.buckets import Buckets
from mws_async.sandbox.faults import POST_PROCESSING_KINDS, Fault, Faults
from mws_async.sandbox.registry import RawResponse, Registry, RequestContext, SectionSpec
from mws_async.sandbox.render import SandboxError, error_body, http_date, iso_ms, new_request_id
from mws_async.sandbox.requestlog import REDACTED_PARAMS, RequestLog, RequestRecord
from mws_async.sandbox.world import World
from mws_async.transport import is_loopback

__all__ = [
    "HTML_ERROR_PAGE",
    "INFO_PATH",
    "INFO_SERVICE",
    "SPAPI_PREFIXES",
    "SandboxApp",
    "SandboxConnectionReset",
    "acknowledge_lifespan",
    "read_request",
    "request_headers",
]

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

INFO_PATH: Final = "/sandbox/info"
"""``GET`` here (from loopback) answers :meth:`~mws_async.sandbox.server.Sandbox.info` as JSON."""
INFO_SERVICE: Final = "mws-async-sandbox"
"""The ``service`` field of the info document: how a client knows it is talking to this sandbox."""
SPAPI_PREFIXES: Final = ("/auth/o2/token", "/products/pricing/v0/", "/batches/products/pricing/v0/")
"""Paths of the SP-API sandbox (LWA token endpoint and Product Pricing v0), served beside MWS's."""

_GENERIC_NS: Final = "http://mws.amazonaws.com/doc/2009-01-01/"
HTML_ERROR_PAGE: Final = (
    b"<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
    b"<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>Server</center>\r\n</body>\r\n</html>\r\n"
)


class SandboxConnectionReset(ConnectionResetError):
    """Raised by the app to drop a connection (fault ``ConnectionReset``); uvicorn then closes the socket."""


@dataclass(slots=True)
class _Reply:
    status: int
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str = "text/xml"
    reset: bool = False
    stream: Callable[[], Iterator[bytes]] | None = None
    length: int = 0
    """Content-Length of a streamed body; -1 for none (chunked, e.g. endless)."""
    delay: float = 0.0
    """Seconds between streamed chunks (the ``Drip`` fault)."""

    def content(self) -> bytes:
        """The whole body, streamed or not (tests and small documents)."""
        return b"".join(self.stream()) if self.stream is not None else self.body


def _corrupted(chunks: Callable[[], Iterator[bytes]]) -> Callable[[], Iterator[bytes]]:
    """The same chunks with one byte flipped (the middle byte of the first non-empty chunk)."""

    def make() -> Iterator[bytes]:
        done = False
        for chunk in chunks():
            if not done and chunk:
                middle = len(chunk) // 2
                chunk = chunk[:middle] + bytes([chunk[middle] ^ 0x01]) + chunk[middle + 1 :]
                done = True
            yield chunk

    return make


_HOSTILE_KINDS: Final = frozenset({"ErrorAfterProcessing", "Drip", "Huge", "RepeatToken", "BadClock"})
_NEXT_TOKEN: Final = re.compile(rb"<NextToken>[^<]*</NextToken>")


def _too_large_error(error: BodyTooLarge) -> SandboxError:
    """MWS's answer to a request that is too large: 400 InvalidParameterValue, naming the limit."""
    return SandboxError(
        400,
        "InvalidParameterValue",
        f"The request body ({error.seen} bytes or more) is larger than the limit of {error.limit} bytes "
        "for this request.",
    )


def _error_code_reply(fault: Fault, namespace: str, request_id: str) -> _Reply:
    """HTTP ``fault.status`` with an ErrorResponse of ``fault.code`` (plain text when the code is empty)."""
    if not fault.code:
        return _Reply(fault.status, b"Service Unavailable", content_type="text/plain")
    message = f"sandbox fault: {fault.code}"
    return _Reply(fault.status, error_body(namespace, fault.code, message, request_id, type="Receiver"))


def _hostile_reply(
    fault: Fault,
    payload: bytes,
    section: SectionSpec,
    action: str,
    params: dict[str, str],
    request_id: str,
    headers: dict[str, str],
) -> _Reply:
    """The answer of a processed call, sent the way a hostile or broken server would (see faults.py)."""
    kind = fault.kind
    if kind == "ErrorAfterProcessing":
        reply = _error_code_reply(fault, section.namespace, request_id)
        reply.headers.update(headers)
        return reply
    if kind == "Drip":
        return _Reply(
            200,
            b"",
            dict(headers),
            stream=lambda: (payload[i : i + 1] for i in range(len(payload))),
            length=len(payload),
            delay=fault.seconds,
        )
    if kind == "Huge":
        start = f'<?xml version="1.0"?><{action}Response xmlns="{section.namespace}">'.encode()
        padding = b"<Product/>" * 6554

        def chunks() -> Iterator[bytes]:
            yield start
            sent = 0
            while fault.size == 0 or sent < fault.size:
                yield padding
                sent += len(padding)

        length = -1 if fault.size == 0 else len(start) + -(-fault.size // len(padding)) * len(padding)
        return _Reply(200, b"", dict(headers), stream=chunks, length=length)
    if kind == "RepeatToken":
        token = params.get("NextToken", "")
        element = f"<NextToken>{html.escape(token, quote=False)}</NextToken>".encode()
        body = _NEXT_TOKEN.sub(lambda _: element, payload)
        return _Reply(200, body, dict(headers))
    clock = {"x-mws-timestamp": "9999-12-31T23:59:59.000Z", "date": "Thu, 01 Jan 1970 00:00:00 -0000"}
    return _Reply(200, payload, {**headers, **clock})


def _prefix(chunks: Callable[[], Iterator[bytes]], size: int) -> bytes:
    out = bytearray()
    for chunk in chunks():
        out += chunk[: size - len(out)]
        if len(out) >= size:
            break
    return bytes(out)


async def acknowledge_lifespan(receive: Receive, send: Send) -> None:
    """Answer an ASGI ``lifespan`` scope: nothing to start or stop, just acknowledge both events."""
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return


def request_headers(scope: Scope) -> dict[str, str]:
    """The headers of an ASGI ``http`` scope (lowercase names)."""
    return {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}


def _content_length(headers: dict[str, str]) -> int | None:
    """The announced body size; ``None`` when chunked (the server already refused a malformed one)."""
    value = headers.get("content-length")
    return int(value) if value is not None and value.strip().isdigit() else None


async def _disconnect(receive: Receive) -> None:
    """Return once the client has gone (body messages left unread by an early answer are skipped)."""
    while (await receive())["type"] != "http.disconnect":
        pass


async def read_request(
    scope: Scope, receive: Receive, limit: int = MAX_FORM_BYTES
) -> tuple[bytes, dict[str, str]]:
    """The whole request body (at most ``limit`` bytes, else :class:`BodyTooLarge`) and the headers
    (lowercase names) of an ASGI ``http`` scope."""
    headers = request_headers(scope)
    upload = await BodyReader(receive, _content_length(headers)).read(limit)
    return upload.data, headers


class SandboxApp:
    """ASGI callable serving the MWS wire protocol from a :class:`World`."""

    def __init__(
        self,
        *,
        world: World,
        registry: Registry,
        authenticator: Authenticator,
        buckets: Buckets,
        faults: Faults,
        request_log: RequestLog,
        spapi: ASGIApp | None = None,
        max_feed_bytes: int = DEFAULT_MAX_FEED_BYTES,
        spool_dir: str | None = None,
    ) -> None:
        self.world = world
        self.max_feed_bytes = max_feed_bytes
        """Largest SubmitFeed body accepted (bigger: 400 InvalidParameterValue, unread)."""
        self.spool_dir = spool_dir
        """Where feed bodies over 1 MiB are spooled (anonymous files; default the system's temp dir)."""
        self.info: Callable[[], dict[str, Any]] | None = None
        """The document ``GET /sandbox/info`` answers (set by :class:`~mws_async.sandbox.Sandbox`)."""
        self.registry = registry
        self.authenticator = authenticator
        self.buckets = buckets
        self.faults = faults
        self.request_log = request_log
        self.spapi = spapi
        """The SP-API (Product Pricing v0 + LWA) app served beside MWS from the same world, if any."""

    def now(self) -> datetime:
        """Server time: the real clock shifted by ``faults.clock_offset``."""
        offset = self.faults.clock_offset
        now = datetime.now(UTC)
        return now + timedelta(seconds=offset) if offset else now

    # --- ASGI -------------------------------------------------------------------------------------
    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await acknowledge_lifespan(receive, send)
            return
        if scope["type"] != "http":
            return
        if self.spapi is not None and scope["path"].startswith(SPAPI_PREFIXES):
            await self.spapi(scope, receive, send)
            return
        if scope["path"] == INFO_PATH and self.info is not None:
            await self._send_info(scope, send)
            return
        headers = request_headers(scope)
        reader = BodyReader(receive, _content_length(headers), self.spool_dir)
        client = scope.get("client")
        server = scope.get("server")
        try:
            reply = await self.handle(
                method=scope["method"],
                path=scope["path"],
                query_string=scope.get("query_string", b""),
                headers=headers,
                body=reader,
                scheme=scope.get("scheme", "http"),
                client_host=client[0] if client else None,
                server_port=server[1] if server else None,
            )
        except ClientDisconnected:
            return  # the client left mid-upload: nobody to answer, and the spooled part is already gone
        if not reader.complete and not await reader.drain():
            # Answered without reading the whole body (refused, or not authenticated), and what is left is
            # too much or too slow to read and discard: say so and close.
            reply.headers["connection"] = "close"
        out_headers = [(b"content-type", reply.content_type.encode())]
        out_headers += [(k.encode(), v.encode()) for k, v in reply.headers.items()]
        if reply.reset:
            # The status line goes out, then the app fails: uvicorn closes the socket mid-response, and the
            # client sees a connection dropped without a complete answer.
            await send({"type": "http.response.start", "status": reply.status, "headers": out_headers})
            raise SandboxConnectionReset("sandbox fault: connection reset")
        if reply.stream is not None:
            if reply.length >= 0:
                out_headers.append((b"content-length", str(reply.length).encode()))
            await send({"type": "http.response.start", "status": reply.status, "headers": out_headers})
            # The request body is read, so receive() now only returns when the client goes away: stop
            # streaming then, instead of writing a long document (or a drip) into a closed socket.
            gone = asyncio.ensure_future(_disconnect(receive))
            try:
                for chunk in reply.stream():
                    if gone.done():
                        return
                    if chunk:
                        await send({"type": "http.response.body", "body": chunk, "more_body": True})
                        # Into a socket the client has closed, send() returns at once (the bytes are
                        # dropped, one warning each) and the loss is reported by a callback: without a
                        # turn of the loop here the watcher never learns it and the whole stream is
                        # written into the dead socket.
                        await asyncio.sleep(reply.delay)
                await send({"type": "http.response.body", "body": b"", "more_body": False})
            finally:
                gone.cancel()
            return
        out_headers.append((b"content-length", str(len(reply.body)).encode()))
        await send({"type": "http.response.start", "status": reply.status, "headers": out_headers})
        await send({"type": "http.response.body", "body": reply.body})

    async def _send_info(self, scope: Scope, send: Send) -> None:
        """The discovery document, to loopback clients only (it carries the sandbox's public secrets)."""
        client = scope.get("client")
        if scope["method"] != "GET":
            status, document = 405, {"error": f"{INFO_PATH} answers GET only"}
        elif client is None or not is_loopback(client[0]) or self.info is None:
            status, document = 403, {"error": f"{INFO_PATH} answers loopback clients only"}
        else:
            status, document = 200, self.info()
        payload = json.dumps(document).encode()
        headers = [(b"content-type", b"application/json"), (b"content-length", str(len(payload)).encode())]
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": payload})

    # --- protocol ---------------------------------------------------------------------------------
    async def handle(
        self,
        *,
        method: str,
        path: str,
        query_string: bytes,
        headers: dict[str, str],
        body: bytes | BodyReader,
        scheme: str = "http",
        client_host: str | None = "127.0.0.1",
        server_port: int | None = None,
    ) -> _Reply:
        """Answer one request (transport-independent; the ASGI wrapper only moves bytes).

        ``body`` is the body itself, or a :class:`BodyReader` that reads it when its turn comes: a form body
        before authentication (capped at :data:`MAX_FORM_BYTES`), a SubmitFeed body after it (capped at
        ``max_feed_bytes``, spooled to disk past 1 MiB). Raises :class:`ClientDisconnected` if the client
        leaves mid-body.
        """
        request_id = new_request_id()
        now = self.now()
        base_headers = {
            "x-mws-request-id": request_id,
            "x-mws-timestamp": iso_ms(now),
            "date": http_date(now),
        }
        params: dict[str, str] = dict(
            parse_qsl(query_string.decode("utf-8", "replace"), keep_blank_values=True)
        )
        content_type = headers.get("content-type", "")
        is_form = content_type.startswith("application/x-www-form-urlencoded")
        # A body is the parameters unless the query string is signed (SubmitFeed: raw body).
        form_body = is_form or (not content_type and "Signature" not in params)
        upload: Upload | None = None
        raw: BodyReader | None = None
        if isinstance(body, bytes):
            upload = Upload.of(body) if body and not form_body else None
            form = body if form_body else b""
        elif form_body or "Signature" not in params:
            try:
                data = (await body.read(MAX_FORM_BYTES)).data
            except BodyTooLarge as error:
                return self._too_large(error, path, params, request_id, now, base_headers)
            form = data if form_body else b""
            upload = Upload.of(data) if data and not form_body else None
        else:
            form, raw = b"", body
        if form:
            params.update(parse_qsl(form.decode("utf-8", "replace"), keep_blank_values=True))

        action = params.get("Action")
        section = self.registry.section(path)
        if section is None and path in ("", "/") and action:
            section = self.registry.root_section(action)
        seller = params.get("SellerId") or params.get("Merchant")
        record_section = section.name if section else None
        fault_kind: str | None = None
        fault: Fault | None = None
        processed = False

        def log(status: int, code: str | None) -> None:
            self._log(
                now, action, record_section, seller, params, status, code, processed, fault_kind,
                request_id, upload.size if upload else 0, upload.md5 if upload else None,
            )  # fmt: skip

        try:
            if section is None:
                raise SandboxError(
                    404, "InvalidAddress", f"The address {path} is not valid for this endpoint."
                )
            self.authenticator.check(
                method=method,
                host_header=headers.get("host", ""),
                server_port=server_port,
                path=path,
                params=params,
                version=section.version,
                user_agent=headers.get("user-agent"),
                scheme=scheme,
                client_host=client_host,
            )
            if not action:
                raise SandboxError(400, "MissingParameter", "The parameter Action is required.")
            if not seller:
                raise SandboxError(400, "MissingParameter", "The parameter SellerId is required.")
            operation = self.registry.operation(section, action)
            if operation is None:
                raise SandboxError(
                    404,
                    "InvalidAddress",
                    f"Operation {action} is not available for section {section.name}/{section.version}",
                )
            if raw is not None:  # a SubmitFeed-style body, read only now that its sender is authenticated
                try:
                    upload = await raw.read(self.max_feed_bytes, spool=True)
                except BodyTooLarge as error:
                    raise _too_large_error(error) from None
            faults = self.faults
            if faults.latency:
                await asyncio.sleep(faults.latency)
            if faults.active:
                fault = faults.pick(section.name, action, seller)
                if fault is not None:
                    fault_kind = fault.kind
                    if fault.kind == "Latency":
                        await asyncio.sleep(fault.seconds)
                        fault_kind = None
                    elif fault.kind == "Truncated" and operation.mutates:
                        pass  # processed for real (it changes state), then the answer is cut short
                    elif fault.kind not in POST_PROCESSING_KINDS:
                        reply = self._fault_reply(fault, section, action, params, seller, request_id, now)
                        reply.headers.update(base_headers)
                        log(reply.status, None)
                        return reply
            cost = operation.cost(params) if operation.cost is not None else 1
            spec = self.buckets.quotas.get_spec(section.name, action)
            admission = self.buckets.admit(
                seller,
                params["AWSAccessKeyId"],
                spec,
                cost if spec.unit == "item" else 1,
                quota_headers=section.quota_headers and spec.hourly is not None,
            )
            context = self._context(
                params, upload.data if upload and not upload.spooled else b"", section, action, seller,
                request_id, now, headers, upload,
            )  # fmt: skip
            payload = operation.handler(context)
            processed = True
            log(200, None)
            if fault_kind == "ResetAfterProcessing":
                return _Reply(200, b"", {**base_headers, **admission.headers}, reset=True)
            if fault is not None and fault_kind in _HOSTILE_KINDS and not isinstance(payload, RawResponse):
                answer_headers = {**base_headers, **admission.headers}
                return _hostile_reply(fault, payload, section, action, params, request_id, answer_headers)
            if fault_kind == "Truncated":
                cut = (
                    _prefix(payload.chunks, max(1, payload.length * 2 // 3))
                    if isinstance(payload, RawResponse)
                    else payload[: max(1, len(payload) * 2 // 3)]
                )
                return _Reply(200, cut, dict(base_headers))
            if isinstance(payload, RawResponse):
                chunks = _corrupted(payload.chunks) if fault_kind == "MD5Mismatch" else payload.chunks
                return _Reply(
                    200,
                    b"",
                    {**base_headers, **admission.headers, **payload.headers},
                    content_type=payload.content_type,
                    stream=chunks,
                    length=payload.length,
                )
            return _Reply(200, payload, {**base_headers, **admission.headers})
        except SandboxError as error:
            namespace = section.namespace if section is not None else _GENERIC_NS
            log(error.status, error.code)
            return _Reply(
                error.status, error.render(namespace, request_id), {**base_headers, **error.headers}
            )
        finally:
            if upload is not None:
                upload.close()  # a spooled feed's file goes away; what the handler kept is size, MD5, counts

    def _too_large(
        self,
        error: BodyTooLarge,
        path: str,
        params: dict[str, str],
        request_id: str,
        now: datetime,
        base_headers: dict[str, str],
    ) -> _Reply:
        """A form body over the cap, refused before authentication (logged as not processed)."""
        section = self.registry.section(path)
        namespace = section.namespace if section is not None else _GENERIC_NS
        refusal = _too_large_error(error)
        self._log(
            now, params.get("Action"), section.name if section else None,
            params.get("SellerId") or params.get("Merchant"), params, refusal.status, refusal.code,
            False, None, request_id, error.seen,
        )  # fmt: skip
        return _Reply(refusal.status, refusal.render(namespace, request_id), dict(base_headers))

    def _context(
        self,
        params: dict[str, str],
        body: bytes,
        section: SectionSpec,
        action: str,
        seller: str,
        request_id: str,
        now: datetime,
        headers: dict[str, str] | None = None,
        upload: Upload | None = None,
    ) -> RequestContext:
        buckets = self.buckets
        return RequestContext(
            params, body, section, action, seller, request_id, self.world, now,
            buckets.clock(), buckets.time_scale, headers or {}, upload,
        )  # fmt: skip

    def _fault_reply(
        self,
        fault: Fault,
        section: SectionSpec,
        action: str,
        params: dict[str, str],
        seller: str,
        request_id: str,
        now: datetime,
    ) -> _Reply:
        ns = section.namespace
        kind = fault.kind
        if kind == "ErrorCode":
            return _error_code_reply(fault, ns, request_id)
        if kind == "RequestThrottled":
            return _Reply(503, error_body(ns, kind, "Request is throttled", request_id))
        if kind == "QuotaExceeded":
            message = (
                f"You exceeded your quota of 1.0 requests per 1 hour for operation "
                f"{section.name}/{section.version}/{action}. Your quota will reset on "
                f"{iso_ms(now.replace(second=0, microsecond=0) + timedelta(minutes=1))}"
            )
            return _Reply(503, error_body(ns, kind, message, request_id))
        if kind == "ServiceUnavailable":
            return _Reply(
                503, error_body(ns, kind, "Service is temporarily unavailable", request_id, type="Receiver")
            )
        if kind == "InternalError":
            return _Reply(
                500, error_body(ns, kind, "We encountered an internal error.", request_id, type="Receiver")
            )
        if kind == "NextTokenCorrupted":
            return _Reply(400, error_body(ns, kind, "The NextToken is corrupted.", request_id))
        if kind == "HTML":
            return _Reply(502, HTML_ERROR_PAGE, content_type="text/html")
        if kind == "ConnectionReset":
            return _Reply(200, b"", reset=True)
        # Truncated: the real answer, rendered from the world without charging quota, cut short.
        operation = self.registry.operation(section, action)
        if operation is None:  # faults are injected only into operations the sandbox serves
            return _Reply(
                404, error_body(ns, "InvalidAddress", f"Operation {action} is not available", request_id)
            )
        try:
            answer = operation.handler(self._context(params, b"", section, action, seller, request_id, now))
        except SandboxError as error:
            answer = error.render(ns, request_id)
        if isinstance(answer, RawResponse):
            cut = _prefix(answer.chunks, max(1, answer.length * 2 // 3))
            return _Reply(200, cut, content_type=answer.content_type)
        return _Reply(200, answer[: max(1, len(answer) * 2 // 3)])

    def _log(
        self,
        now: datetime,
        operation: str | None,
        section: str | None,
        seller: str | None,
        params: dict[str, str],
        status: int,
        code: str | None,
        processed: bool,
        fault: str | None,
        request_id: str = "",
        body_size: int = 0,
        body_md5: str | None = None,
    ) -> None:
        kept = {k: v for k, v in params.items() if k not in REDACTED_PARAMS}
        self.request_log.append(
            RequestRecord(
                now.timestamp(),
                operation,
                section,
                seller,
                kept,
                status,
                code,
                processed,
                fault,
                request_id,
                body_size,
                body_md5,
            )
        )
