"""Shared test helpers: where the recorded MWS fixtures live, and a loopback ASGI server runner."""

from __future__ import annotations

import asyncio
import os
import socket
import sys
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn

from mws_async.transport import MWSResponse

# Recorded real MWS responses, kept in the repository (tests/fixtures, with MANIFEST.tsv and provenance notes)
# so a fresh clone tests itself. MWS_FIXTURES points elsewhere, e.g. at a newer copy being prepared.
FIXTURES = Path(os.environ.get("MWS_FIXTURES", Path(__file__).resolve().parent / "fixtures"))
if not FIXTURES.is_dir():  # pragma: no cover - a broken checkout must fail loudly, not skip
    raise RuntimeError(f"recorded MWS fixtures not found at {FIXTURES}; set MWS_FIXTURES")


requires_boto = pytest.mark.skipif(
    sys.version_info >= (3, 12),
    reason="boto 2.49, the independent MWS signer of the interop tests, cannot be imported on Python 3.12+ "
    "(its vendored six relies on import hooks Python 3.12 removed); the interop runs on 3.11",
)


def fixture_files(section: str) -> list[Path]:
    """Every recorded response of a section (``Products``, ``Orders``, ``Errors`` ...)."""
    return sorted((FIXTURES / section).glob("*.xml"))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@asynccontextmanager
async def serve_asgi(app: Any) -> AsyncIterator[str]:
    """Serve ``app`` with uvicorn on 127.0.0.1 (free port) for the duration; yields the base URL."""
    port = free_port()
    config = uvicorn.Config(
        app, host="127.0.0.1", port=port, log_level="warning", access_log=False, lifespan="off"
    )
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    while not server.started:
        if task.done():
            task.result()
        await asyncio.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await task


async def wait_until(condition: Callable[[], bool], what: str, guard: float = 20.0) -> None:
    """Poll ``condition`` (state owned by a server or the kernel, with no event to wait on) until it
    holds; fail the test, saying ``what`` never happened, after ``guard`` seconds."""

    async def poll() -> None:
        while not condition():  # noqa: ASYNC110 - nothing to await but time
            await asyncio.sleep(0.01)

    try:
        await asyncio.wait_for(poll(), guard)
    except TimeoutError:
        pytest.fail(f"never happened within {guard:g} s: {what}")


def files(folder: Path) -> list[str]:
    """The names in ``folder``, sorted."""
    return sorted(p.name for p in folder.iterdir())


def xml_response(body: bytes, operation: str = "x", request_id: str | None = None) -> MWSResponse:
    """A 200 ``text/xml`` response carrying ``body``, as the transport hands it to a parser."""
    return MWSResponse(
        status_code=200,
        body=body,
        headers=httpx.Headers({"content-type": "text/xml"}),
        operation=operation,
        attempts=1,
        elapsed=0.0,
        request_id=request_id,
    )
