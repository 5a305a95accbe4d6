"""Serving :class:`SPAPISandboxApp` on loopback on its own (tests, benchmarks, the CLI without a Sandbox)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
from collections.abc import AsyncIterator
from typing import Any

from mws_async.sandbox.spapi.app import SPAPISandboxApp

__all__ = ["serve_spapi"]


@contextlib.asynccontextmanager
async def serve_spapi(
    app: SPAPISandboxApp | Any, host: str = "127.0.0.1", port: int = 0
) -> AsyncIterator[str]:
    """Serve ``app`` with uvicorn in this event loop; yields the base URL (``http://127.0.0.1:PORT``).

    The socket is created with ``IPPROTO_TCP`` so asyncio sets ``TCP_NODELAY`` on accepted connections
    (keep-alive answers would otherwise stall on delayed ACK).
    """
    import uvicorn

    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(2048)
    sock.setblocking(False)
    config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off", http="h11")
    server = uvicorn.Server(config)
    server.capture_signals = contextlib.nullcontext  # type: ignore[method-assign,assignment]
    logging.getLogger("uvicorn.error").setLevel(logging.WARNING)
    task = asyncio.create_task(server.serve(sockets=[sock]))
    try:
        while not server.started:
            if task.done():
                task.result()
                raise RuntimeError("SP-API sandbox server exited during startup")
            await asyncio.sleep(0.005)
        bound = sock.getsockname()[1]
        yield f"http://{host}:{bound}"
    finally:
        server.should_exit = True
        await task
