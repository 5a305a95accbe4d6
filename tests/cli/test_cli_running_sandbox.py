"""``--sandbox-url`` / MWS_ASYNC_SANDBOX_URL: commands use a sandbox that is already running, with the
credentials and time scale it announces at ``GET /sandbox/info``."""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from cli.cli_support import WORLD, error_lines, invoke, write_ids
from support import free_port

from mws_async.cli import EXIT_CONFIG, EXIT_OK, EXIT_USAGE
from mws_async.sandbox import Sandbox
from mws_async.sandbox.server import banner

SCALE = 5.0
"""Slower than the CLI's own sandbox default (10): a client pacing itself at 10 would be throttled."""


@pytest.fixture(scope="module")
def running() -> Iterator[Sandbox]:
    """A sandbox serving from its own thread and event loop, as another process would."""
    sandbox = Sandbox(seed=0, time_scale=SCALE)
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    asyncio.run_coroutine_threadsafe(sandbox.start(), loop).result(30)
    try:
        yield sandbox
    finally:
        asyncio.run_coroutine_threadsafe(sandbox.stop(), loop).result(30)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(30)
        loop.close()


def test_the_banner_says_how_to_point_other_commands_at_the_sandbox(running: Sandbox) -> None:
    assert f"export MWS_ASYNC_SANDBOX_URL={running.base_url}" in banner(running)


def test_the_info_endpoint_describes_the_running_sandbox(running: Sandbox) -> None:
    info = httpx.get(running.base_url + "/sandbox/info").json()
    assert info["service"] == "mws-async-sandbox"
    assert info["time_scale"] == SCALE and info["seed"] == 0
    assert info["mws"]["seller_id"] == running.credentials.seller_id
    assert info["spapi"]["token_path"] == "/auth/o2/token"
    assert httpx.post(running.base_url + "/sandbox/info").status_code == 405


def test_lookup_runs_on_the_running_sandbox_at_its_time_scale(running: Sandbox, tmp_path: Path) -> None:
    before = running.request_log.count("GetMatchingProductForId", processed=True)
    ids = write_ids(tmp_path / "ids.txt", WORLD.sample_ids("ISBN", 60))  # 12 calls: 3x the 20-id burst
    out = tmp_path / "out.jsonl"
    result = invoke(["--sandbox-url", running.base_url, "lookup", ids, "--id-type", "ISBN", "-o", out])
    assert result.code == EXIT_OK, result.stderr
    assert f"using the running sandbox at {running.base_url} (time scale {SCALE:g}×)" in result.stderr
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert len(rows) == 60 and {r["status"] for r in rows} == {"Success"}
    assert running.request_log.count("GetMatchingProductForId", processed=True) - before == 12
    assert running.request_log.count("GetMatchingProductForId", status=503) == 0  # paced at its speed


def test_the_environment_variable_works_like_the_option(
    running: Sandbox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MWS_ASYNC_SANDBOX_URL", running.base_url)
    before = running.request_log.count("GetMatchingProductForId", processed=True)
    ids = write_ids(tmp_path / "ids.txt", WORLD.sample_ids("ISBN", 5))
    result = invoke(["lookup", ids, "--id-type", "ISBN", "-o", tmp_path / "out.csv", "-q"])
    assert result.code == EXIT_OK, result.stderr
    assert running.request_log.count("GetMatchingProductForId", processed=True) - before == 1


def test_sp_api_pricing_uses_the_running_sandbox_too(running: Sandbox, tmp_path: Path) -> None:
    before = running.spapi.request_log.count("getCompetitivePricing", processed=True)
    ids = write_ids(tmp_path / "asins.txt", WORLD.sample_ids("ASIN", 3))
    args = ["--sandbox-url", running.base_url, "pricing", ids, "--api", "sp-api", "-o", tmp_path / "p.csv"]
    result = invoke(args)
    assert result.code == EXIT_OK, result.stderr
    assert "using the running sandbox" in result.stderr
    assert running.spapi.request_log.count("getCompetitivePricing", processed=True) - before == 1


def test_a_time_scale_other_than_the_sandboxs_is_a_usage_error(running: Sandbox, tmp_path: Path) -> None:
    ids = write_ids(tmp_path / "ids.txt", WORLD.sample_ids("ISBN", 5))
    out = tmp_path / "out.csv"
    result = invoke(["--sandbox-url", running.base_url, "lookup", ids, "-o", out, "--time-scale", "7"])
    assert result.code == EXIT_USAGE
    [line] = error_lines(result)
    assert f"differs from the running sandbox's {SCALE:g}" in line
    assert not out.exists()


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("http://127.0.0.1:{free}", "nothing answers there"),
        ("http://192.0.2.1:8000", "not a loopback address"),
        ("ftp://127.0.0.1:8000", "must be http://HOST:PORT"),
        ("{running}/Products/2011-10-01", "must be the server's root"),
        ("http://[::1", "is not a URL"),
    ],
)
def test_a_sandbox_url_that_cannot_be_used_is_one_configuration_error_line(
    running: Sandbox, tmp_path: Path, url: str, says: str
) -> None:
    url = url.format(free=free_port(), running=running.base_url)
    ids = write_ids(tmp_path / "ids.txt", WORLD.sample_ids("ISBN", 5))
    out = tmp_path / "out.csv"
    result = invoke(["--sandbox-url", url, "lookup", ids, "-o", out])
    assert result.code == EXIT_CONFIG, result.stderr
    [line] = error_lines(result)
    assert says in line and "Traceback" not in result.stderr
    assert not out.exists()


def test_a_server_that_is_not_a_sandbox_is_named_as_such(tmp_path: Path) -> None:
    async def not_a_sandbox(scope: dict[str, object], receive: object, send: object) -> None:
        assert scope["type"] == "http"
        await send({"type": "http.response.start", "status": 200, "headers": []})  # type: ignore[operator]
        await send({"type": "http.response.body", "body": b'{"service": "something else"}'})  # type: ignore[operator]

    port = free_port()
    import uvicorn

    server = uvicorn.Server(uvicorn.Config(not_a_sandbox, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        while not server.started:
            thread.join(0.01)
        ids = write_ids(tmp_path / "ids.txt", WORLD.sample_ids("ISBN", 5))
        url = f"http://127.0.0.1:{port}"
        result = invoke(["--sandbox-url", url, "lookup", ids, "-o", tmp_path / "o.csv"])
    finally:
        server.should_exit = True
        thread.join(30)
    assert result.code == EXIT_CONFIG
    [line] = error_lines(result)
    assert "is not a mws-async sandbox" in line
