"""A FastAPI backend over mws-async: one client for the app, a deadline per request, errors as HTTP.

Run it against a sandbox (``mws-async sandbox --port 8000`` in another terminal)::

    MWS_ASYNC_SANDBOX_URL=http://127.0.0.1:8000 uvicorn examples.fastapi_app:app --port 9000
    curl localhost:9000/products/ISBN/9780262033848
    curl -X POST localhost:9000/lookups -H 'content-type: application/json' \\
        -d '{"id_type": "ISBN", "ids": ["9780262033848", "9780131103627"]}'

or against MWS with ``MWS_ACCESS_KEY`` / ``MWS_SECRET_KEY`` / ``MWS_SELLER_ID`` set.

- The lifespan opens one :class:`~mws_async.MWSClient` (one connection pool, one set of quota buckets) and
  closes it at shutdown.
- Each request gets a budget (``REQUEST_BUDGET`` seconds, or ``?budget=``): inside ``deadline(...)`` a call
  whose wait for quota does not fit is refused at once, and the route answers 503 with ``Retry-After``;
  a throttled answer from MWS that retries could not absorb is 429; an id MWS does not know is 404; a
  malformed one (a bad ISBN check digit) is 400.
- ``POST /lookups`` streams one JSON line per id (NDJSON) as results arrive from ``lookup_many``.
- A client that disconnects cancels its handler (:class:`CancelOnDisconnect`): a call waiting for quota
  leaves the queue taking nothing, and the connection pool stays consistent.
"""

from __future__ import annotations

import asyncio
import json
import math
import os
import time
from collections.abc import AsyncIterator, Awaitable, Callable, MutableMapping
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, StreamingResponse
from pydantic import BaseModel, Field

from mws_async import (
    ClientValidationError,
    Credentials,
    DeadlineExceededError,
    MWSClient,
    MWSError,
    ThrottledError,
    deadline,
)

REQUEST_BUDGET = 2.0
"""Seconds a request may spend on MWS unless it asks for less (``?budget=``)."""

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


class Lookups(BaseModel):
    """Body of ``POST /lookups``."""

    id_type: str = "ASIN"
    ids: list[str] = Field(min_length=1, max_length=10_000)


async def default_client() -> MWSClient:
    """The sandbox at ``MWS_ASYNC_SANDBOX_URL`` when set, else MWS with credentials from the environment."""
    url = os.environ.get("MWS_ASYNC_SANDBOX_URL")
    if url:
        from mws_async.sandbox.discovery import discover

        info = await discover(url)
        return MWSClient(info.credentials, base_url=info.base_url, time_scale=info.time_scale)
    return MWSClient(Credentials.from_env())


def create_app(
    make_client: Callable[[], Awaitable[MWSClient]] = default_client, budget: float = REQUEST_BUDGET
) -> FastAPI:
    """The app; ``make_client`` opens the one client the app shares (tests point it at a sandbox)."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with await make_client() as client:
            app.state.client = client
            yield

    app = FastAPI(title="mws-async example", lifespan=lifespan)

    @app.exception_handler(DeadlineExceededError)
    async def over_budget(request: Request, exc: DeadlineExceededError) -> JSONResponse:
        retry_after = max(1, math.ceil(exc.would_wait))
        body = {"error": "DeadlineExceeded", "would_wait": round(exc.would_wait, 3)}
        return JSONResponse(body, status_code=503, headers={"Retry-After": str(retry_after)})

    @app.exception_handler(ThrottledError)
    async def throttled(request: Request, exc: ThrottledError) -> JSONResponse:
        return JSONResponse({"error": exc.code}, status_code=429, headers={"Retry-After": "1"})

    @app.exception_handler(ClientValidationError)
    async def bad_input(request: Request, exc: ClientValidationError) -> JSONResponse:
        return JSONResponse({"error": "InvalidInput", "problems": exc.problems}, status_code=400)

    @app.exception_handler(MWSError)
    async def upstream(request: Request, exc: MWSError) -> JSONResponse:
        return JSONResponse({"error": type(exc).__name__, "message": str(exc)}, status_code=502)

    @app.get("/healthz")
    async def health(request: Request) -> JSONResponse:
        """What the shared client has done: requests, throttled answers, waits (for operators)."""
        summary = request.app.state.client.throttler.summary()
        fields = ("requests", "throttled", "quota_exceeded", "waits", "total_wait", "max_wait")
        return JSONResponse({name: getattr(summary, name) for name in fields})

    @app.get("/products/{id_type}/{value}")
    async def product(request: Request, id_type: str, value: str, budget: float = budget) -> JSONResponse:
        client: MWSClient = request.app.state.client
        started = time.perf_counter()
        with deadline(budget):
            [result] = await client.products.get_matching_product_for_id(id_type, [value])
        # How long MWS took us, quota wait included (the part the deadline bounds), for dashboards.
        timing = {"Server-Timing": f"mws;dur={(time.perf_counter() - started) * 1000:.1f}"}
        if result.status != "Success" or not result.products:
            error = result.error
            detail = {"error": error.code if error else "NotFound", "id": value}
            return JSONResponse(detail, status_code=404, headers=timing)
        first = result.products[0]
        return JSONResponse({"id": value, "asin": first.asin, "title": first.title}, headers=timing)

    @app.post("/lookups")
    async def lookups(request: Request, body: Lookups, budget: float | None = None) -> StreamingResponse:
        client: MWSClient = request.app.state.client

        async def lines() -> AsyncIterator[bytes]:
            results = client.products.lookup_many(body.ids, body.id_type)
            if budget is None:
                async for item in results:
                    yield _line(item)
                return
            with deadline(budget):  # each chunk checks what is left; refused ids come back Failed
                async for item in results:
                    yield _line(item)

        return StreamingResponse(lines(), media_type="application/x-ndjson")

    return app


def _line(item: Any) -> bytes:
    products = getattr(item.result, "products", None) or []
    row = {
        "id": item.id,
        "status": item.status,
        "asin": products[0].asin if products else None,
        "error": item.error_code,
    }
    return json.dumps(row).encode() + b"\n"


class CancelOnDisconnect:
    """ASGI middleware: cancel a request's handler as soon as its client disconnects.

    Starlette keeps running a handler whose client has gone; for a call waiting for quota that means
    spending quota on an answer nobody reads. Here the handler runs as a task that is cancelled when
    ``http.disconnect`` arrives (cancelling a call in the throttle takes nothing).
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        inbox: asyncio.Queue[Message] = asyncio.Queue()
        handler = asyncio.ensure_future(self.app(scope, inbox.get, send))

        async def watch() -> None:
            while True:
                message = await receive()
                await inbox.put(message)
                if message["type"] == "http.disconnect":
                    handler.cancel()
                    return

        watcher = asyncio.ensure_future(watch())
        try:
            await handler
        except asyncio.CancelledError:
            if not watcher.done():
                raise  # cancelled from outside (server shutdown), not by a disconnect
        finally:
            watcher.cancel()


fastapi_app = create_app()
app = CancelOnDisconnect(fastapi_app)
"""What ``uvicorn examples.fastapi_app:app`` serves."""
