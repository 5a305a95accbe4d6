"""examples/fastapi_app.py served by a real uvicorn on 127.0.0.1 in front of a sandbox running in its own
process (found through MWS_ASYNC_SANDBOX_URL, as the example is meant to be run), driven by httpx:
deadlines per request, errors as HTTP statuses, NDJSON streaming, cancellation on disconnect, shutdown."""

from __future__ import annotations

import asyncio
import importlib.util
import json
import os
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest
import uvicorn
from support import free_port, wait_until

from mws_async import Credentials, MWSClient
from mws_async.sandbox import World
from mws_async.sandbox.discovery import discover

BUDGET = 5.0
WORLD = World(0)
UNKNOWN_ISBN = "9780262033848"
"""A well-formed ISBN the sandbox's catalog does not hold."""
EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "fastapi_app.py"


def load_example() -> ModuleType:
    name = "fastapi_app_example"
    spec = importlib.util.spec_from_file_location(name, EXAMPLE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # FastAPI resolves the routes' (postponed) annotations in the module
    spec.loader.exec_module(module)
    return module


def established_to(port: int) -> int:
    """Open TCP connections to 127.0.0.1:``port`` from this machine (client ends, ``/proc/net/tcp``)."""
    count = 0
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        if fields[3] == "01" and int(fields[2].split(":")[1], 16) == port:
            count += 1
    return count


@dataclass
class SandboxProcess:
    url: str
    port: int


def start_sandbox(scale: float) -> tuple[subprocess.Popen[bytes], SandboxProcess]:
    port = free_port()
    command = [sys.executable, "-m", "mws_async", "sandbox", "--port", str(port), "--time-scale", str(scale)]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(url + "/sandbox/info", timeout=1).status_code == 200:
                return process, SandboxProcess(url, port)
        except httpx.TransportError:
            time.sleep(0.05)
    process.kill()
    raise RuntimeError(f"the sandbox did not start: {' '.join(command)}")


@pytest.fixture(scope="module")
def fast_sandbox() -> Iterator[SandboxProcess]:
    process, sandbox = start_sandbox(100.0)
    yield sandbox
    process.terminate()
    process.wait(30)


@pytest.fixture(scope="module")
def slow_sandbox() -> Iterator[SandboxProcess]:
    """Time scale 1: one item restores in 0.2 s, so waits for quota are long enough to see."""
    process, sandbox = start_sandbox(1.0)
    yield sandbox
    process.terminate()
    process.wait(30)


SELLERS = iter(f"A{n:013d}" for n in range(1, 10_000))
"""A fresh seller per app: the sandbox keeps each seller's buckets, so tests cannot drain each other's."""


@dataclass
class Served:
    url: str
    sandbox: SandboxProcess
    app: Any

    @property
    def client(self) -> MWSClient:
        """The one MWSClient the app opened in its lifespan."""
        client: MWSClient = self.app.state.client
        return client


@asynccontextmanager
async def serve_example(sandbox: SandboxProcess) -> AsyncIterator[Served]:
    """The example app under uvicorn, its client set up from the sandbox's /sandbox/info for a new seller."""
    example = load_example()
    seller = next(SELLERS)

    async def make_client() -> MWSClient:
        info = await discover(sandbox.url)
        creds = info.credentials
        return MWSClient(
            Credentials(creds.access_key, creds.secret_key, seller),
            base_url=info.base_url,
            time_scale=info.time_scale,
        )

    fastapi_app = example.create_app(make_client, budget=BUDGET)
    port = free_port()
    config = uvicorn.Config(
        example.CancelOnDisconnect(fastapi_app),
        host="127.0.0.1",
        port=port,
        log_level="warning",
        lifespan="on",
    )
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    await wait_until(lambda: server.started or task.done(), "uvicorn started")
    try:
        yield Served(f"http://127.0.0.1:{port}", sandbox, fastapi_app)
    finally:
        server.should_exit = True
        await task


@pytest.fixture
async def served(fast_sandbox: SandboxProcess) -> AsyncIterator[Served]:
    async with serve_example(fast_sandbox) as running:
        yield running


async def test_a_product_lookup_answers_200_with_the_product(served: Served) -> None:
    isbn = WORLD.sample_ids("ISBN", 1, start=900)[0]
    async with httpx.AsyncClient(base_url=served.url) as http:
        response = await http.get(f"/products/ISBN/{isbn}")
    assert response.status_code == 200
    body = response.json()
    assert body["id"] == isbn and body["asin"] and body["title"]


async def test_an_id_the_catalog_does_not_hold_is_404_and_a_malformed_one_400(served: Served) -> None:
    async with httpx.AsyncClient(base_url=served.url) as http:
        unknown = await http.get(f"/products/ISBN/{UNKNOWN_ISBN}")
        malformed = await http.get(f"/products/ISBN/{WORLD.invalid_id('ISBN', 0)}")
    assert unknown.status_code == 404 and unknown.json()["id"] == UNKNOWN_ISBN
    assert malformed.status_code == 400 and malformed.json()["problems"]


async def test_200_concurrent_requests_all_succeed_within_their_budget(fast_sandbox: SandboxProcess) -> None:
    # As documented: `uvicorn examples.fastapi_app:app` with MWS_ASYNC_SANDBOX_URL, in its own process.
    port = free_port()
    command = [sys.executable, "-m", "uvicorn", "fastapi_app:app", "--app-dir", str(EXAMPLE.parent)]
    command += ["--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"]
    env = {**os.environ, "MWS_ASYNC_SANDBOX_URL": fast_sandbox.url}
    app = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # noqa: ASYNC220
    url = f"http://127.0.0.1:{port}"
    isbns = WORLD.sample_ids("ISBN", 200, start=1000)
    failures: list[str] = []

    async def timed(http: httpx.AsyncClient, isbn: str) -> tuple[int, float]:
        response = await http.get(f"/products/ISBN/{isbn}")
        # The handler's own time on MWS (quota wait included): what the deadline bounds. The time a
        # request spends queued in the test client or uvicorn on a busy machine is not the library's.
        timing = response.headers.get("server-timing", "dur=nan")
        if response.status_code != 200:
            failures.append(response.text)
        return response.status_code, float(timing.split("dur=")[1]) / 1000

    async def ready() -> bool:
        try:
            async with httpx.AsyncClient(base_url=url) as probe:
                return (await probe.get("/healthz")).status_code == 200
        except httpx.TransportError:
            return False

    try:
        for _ in range(300):
            if await ready():
                break
            await asyncio.sleep(0.1)
        limits = httpx.Limits(max_connections=200)
        async with httpx.AsyncClient(base_url=url, limits=limits, timeout=30) as http:
            outcomes = await asyncio.gather(*(timed(http, isbn) for isbn in isbns))
        async with httpx.AsyncClient(base_url=url) as http:  # not a pooled connection uvicorn may have closed
            health = (await http.get("/healthz")).json()
    finally:
        app.terminate()
        app.wait(30)
    assert [status for status, _ in outcomes] == [200] * 200, (health, failures[:3])
    slowest = max(elapsed for _, elapsed in outcomes)
    assert slowest <= BUDGET * 1.1, slowest  # the deadline is a promise to the caller, not a hint
    # Every 503 the server sent was absorbed by a retry within the budget (asserted above). Zero 503s for a
    # cold burst of 200 concurrent first calls is not yet reliable (see the closing note): not asserted.
    assert health["requests"] == 200 + health["throttled"]


async def test_a_request_whose_quota_wait_does_not_fit_is_503_with_retry_after(
    slow_sandbox: SandboxProcess,
) -> None:
    isbns = WORLD.sample_ids("ISBN", 25, start=2000)
    async with (
        serve_example(slow_sandbox) as served,
        httpx.AsyncClient(base_url=served.url, timeout=30) as http,
    ):
        await asyncio.gather(*(http.get(f"/products/ISBN/{isbn}") for isbn in isbns[:24]))  # past the burst
        before = served.client.throttler.summary().requests
        response = await http.get(f"/products/ISBN/{isbns[24]}", params={"budget": 0.05})
        after = served.client.throttler.summary()
    assert response.status_code == 503
    assert int(response.headers["retry-after"]) >= 1
    assert 0.05 < response.json()["would_wait"] <= 2.0
    assert after.requests == before  # refused: nothing sent, nothing taken


async def test_bulk_lookups_stream_one_json_line_per_id(served: Served) -> None:
    isbns = WORLD.sample_ids("ISBN", 30, start=3000)
    async with (
        httpx.AsyncClient(base_url=served.url, timeout=30) as http,
        http.stream("POST", "/lookups", json={"id_type": "ISBN", "ids": [*isbns, UNKNOWN_ISBN]}) as response,
    ):
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("application/x-ndjson")
        rows = [json.loads(line) async for line in response.aiter_lines() if line]
    by_id = {row["id"]: row for row in rows}
    assert len(rows) == 31 and set(by_id) == {*isbns, UNKNOWN_ISBN}
    assert all(by_id[i]["status"] == "Success" and by_id[i]["asin"] for i in isbns)
    assert by_id[UNKNOWN_ISBN]["status"] != "Success" and by_id[UNKNOWN_ISBN]["error"]


async def test_a_client_that_disconnects_cancels_its_handler_and_leaves_nothing_behind(
    slow_sandbox: SandboxProcess,
) -> None:
    async with serve_example(slow_sandbox) as served:
        isbns = WORLD.sample_ids("ISBN", 41, start=4000)
        async with httpx.AsyncClient(base_url=served.url, timeout=30) as http:
            burst = await asyncio.gather(*(http.get(f"/products/ISBN/{isbn}") for isbn in isbns[:20]))
            assert {r.status_code for r in burst} == {200}
            connections = established_to(slow_sandbox.port)
            sent = served.client.throttler.summary().requests
            # 20 requests that must wait for quota (0.2 s more each), abandoned while they wait.
            waiting = [
                asyncio.ensure_future(http.get(f"/products/ISBN/{isbn}", params={"budget": 30}))
                for isbn in isbns[20:40]
            ]
            await asyncio.sleep(0.1)
            for request in waiting:
                request.cancel()
            await asyncio.gather(*waiting, return_exceptions=True)
        await asyncio.sleep(0.3)
        # At most the one or two that the refill admitted before their client left were sent ...
        assert served.client.throttler.summary().requests - sent <= 2
        async with httpx.AsyncClient(base_url=served.url, timeout=30) as http:
            started = time.monotonic()
            response = await http.get(f"/products/ISBN/{isbns[40]}")
            took = time.monotonic() - started
        # ... and none is left queued ahead of the next one (20 of them would hold it about 4 s).
        assert response.status_code == 200
        assert took < 1.0, took
        assert established_to(slow_sandbox.port) <= connections  # no leaked upstream connections


async def test_shutdown_closes_the_client_and_every_upstream_connection(fast_sandbox: SandboxProcess) -> None:
    async with serve_example(fast_sandbox) as served:
        isbn = WORLD.sample_ids("ISBN", 1, start=5000)[0]
        async with httpx.AsyncClient(base_url=served.url) as http:
            assert (await http.get(f"/products/ISBN/{isbn}")).status_code == 200
        client = served.client
        assert not client.transport._http.is_closed
        assert established_to(fast_sandbox.port) >= 1
    # leaving the block stopped uvicorn: the lifespan closed the client and its pool
    assert client.transport._http.is_closed
    await wait_until(lambda: established_to(fast_sandbox.port) == 0, "the app's upstream connections closed")
