"""``mws-async sandbox``: the server (banner with ids to try) and ``sandbox ids``."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import httpx
from cli.cli_support import error_lines, invoke
from support import free_port

from mws_async.cli import EXIT_OK
from mws_async.sandbox import World
from mws_async.sandbox.world import ID_TYPES


def test_sandbox_ids_prints_existing_ids_one_per_line() -> None:
    result = invoke(["sandbox", "ids", "--type", "isbn", "-n", "20"])
    assert result.code == EXIT_OK, result.stderr
    ids = result.stdout.split()
    assert len(ids) == len(set(ids)) == 20
    world = World(0)
    assert all(world.resolve("ISBN", value) is not None for value in ids)


def test_sandbox_ids_follows_the_seed() -> None:
    default = invoke(["sandbox", "ids", "--type", "ASIN"]).stdout.split()
    seeded = invoke(["sandbox", "ids", "--type", "ASIN", "--seed", "3"]).stdout.split()
    assert len(default) == len(seeded) == 10
    assert default != seeded
    assert all(World(3).resolve("ASIN", value) is not None for value in seeded)


def test_sandbox_command_serves_mws_on_loopback_and_shows_ids_to_try() -> None:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("MWS_")}
    proc = subprocess.Popen(
        [sys.executable, "-m", "mws_async", "sandbox", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                response = httpx.post(f"http://127.0.0.1:{port}/Products/2011-10-01", data={"Action": "X"})
                break
            except httpx.ConnectError:
                assert proc.poll() is None
                assert time.monotonic() < deadline
                time.sleep(0.1)
        assert response.status_code == 400
        assert b"<ErrorResponse" in response.content
    finally:
        proc.terminate()
        stdout, _ = proc.communicate(timeout=10)
    world = World(0)
    assert f"127.0.0.1:{port}" in stdout
    for id_type in ID_TYPES:
        line = next(line for line in stdout.splitlines() if line.strip().startswith(f"{id_type} "))
        samples = line.split()[1:4]
        assert all(world.resolve(id_type, value) is not None for value in samples), line
    assert "mws-async sandbox ids --type ISBN -n 20" in stdout
    assert "2025-10-03" in stdout and "2026-01-01" in stdout


def test_sandbox_help_lists_the_ids_subcommand() -> None:
    result = invoke(["sandbox", "--help"])
    assert result.code == EXIT_OK
    assert "ids" in result.stdout and "--port" in result.stdout
    assert not error_lines(result)
