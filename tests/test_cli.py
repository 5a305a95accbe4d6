"""The command line, driven through typer's runner against the embedded sandbox (no credentials set)."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from support import free_port
from typer.testing import CliRunner

from mws_async.cli import EXIT_CONFIG, EXIT_OK, EXIT_PARTIAL, app
from mws_async.sandbox import World

runner = CliRunner()
WORLD = World(0)


@pytest.fixture(autouse=True)
def no_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("MWS_ACCESS_KEY", "MWS_SECRET_KEY", "MWS_SELLER_ID", "MWS_AUTH_TOKEN"):
        monkeypatch.delenv(name, raising=False)


def write_ids(path: Path, ids: list[str]) -> Path:
    path.write_text("\n".join(ids) + "\n")
    return path


def test_lookup_writes_one_jsonl_row_per_distinct_id(tmp_path: Path) -> None:
    valid = WORLD.sample_ids("ISBN", 40)
    invalid = valid[0][:-1] + str((int(valid[0][-1]) + 1) % 10)
    ids = write_ids(tmp_path / "ids.txt", [*valid, invalid, *valid[:5], "  " + valid[7] + "  "])
    out = tmp_path / "out.jsonl"
    result = runner.invoke(
        app, ["lookup", str(ids), "--id-type", "ISBN", "--out", str(out), "--time-scale", "200"]
    )
    assert result.exit_code == EXIT_PARTIAL, result.output
    assert "embedded sandbox" in result.output
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert sorted(r["id"] for r in rows) == sorted([*valid, invalid])
    by_id = {r["id"]: r for r in rows}
    assert by_id[invalid]["status"] == "Invalid"
    assert "check digit" in by_id[invalid]["error_message"]
    assert all(by_id[v]["status"] == "Success" and by_id[v]["title"] for v in valid)
    assert "achieved / bound" in result.output
    assert "found" in result.output


def test_lookup_csv_and_quiet_and_all_found_exit_code(tmp_path: Path) -> None:
    valid = WORLD.sample_ids("UPC", 12)
    out = tmp_path / "out.csv"
    result = runner.invoke(
        app,
        [
            "lookup",
            str(write_ids(tmp_path / "u.txt", valid)),
            "-t",
            "UPC",
            "-o",
            str(out),
            "-q",
            "--time-scale",
            "200",
        ],
    )
    assert result.exit_code == EXIT_OK, result.output
    assert "embedded sandbox" not in result.output
    rows = list(csv.DictReader(out.read_text().splitlines()))
    assert {r["id"] for r in rows} == set(valid)
    assert all(r["status"] == "Success" and r["asin"] for r in rows)


def test_lookup_to_stdout_is_machine_readable(tmp_path: Path) -> None:
    valid = WORLD.sample_ids("ASIN", 3)
    result = runner.invoke(
        app, ["lookup", str(write_ids(tmp_path / "a.txt", valid)), "-t", "ASIN", "-q", "--time-scale", "200"]
    )
    assert result.exit_code == EXIT_OK
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["asin"] for r in sorted(rows, key=lambda r: valid.index(r["id"]))] == valid


def test_pricing_rows_carry_prices(tmp_path: Path) -> None:
    asins = WORLD.sample_ids("ASIN", 25)
    out = tmp_path / "p.jsonl"
    result = runner.invoke(
        app, ["pricing", str(write_ids(tmp_path / "a.txt", asins)), "-o", str(out), "--time-scale", "200"]
    )
    assert result.exit_code in (EXIT_OK, EXIT_PARTIAL), result.output
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert {r["id"] for r in rows} == set(asins)
    priced = [r for r in rows if r["landed_price"] is not None]
    assert priced
    assert all(float(r["landed_price"]) > 0 and r["currency"] == "USD" for r in priced)


def test_offers_rows(tmp_path: Path) -> None:
    asins = WORLD.sample_ids("ASIN", 5)
    out = tmp_path / "o.csv"
    result = runner.invoke(
        app,
        ["offers", str(write_ids(tmp_path / "a.txt", asins)), "-o", str(out), "-q", "--time-scale", "200"],
    )
    assert result.exit_code in (EXIT_OK, EXIT_PARTIAL), result.output
    rows = list(csv.DictReader(out.read_text().splitlines()))
    assert {r["id"] for r in rows} == set(asins)


def test_orders_lists_unique_orders(tmp_path: Path) -> None:
    out = tmp_path / "orders.jsonl"
    result = runner.invoke(app, ["orders", "--since", "2025-10-01", "-o", str(out), "--time-scale", "500"])
    assert result.exit_code == EXIT_OK, result.output
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    ids = [r["amazon_order_id"] for r in rows]
    assert ids
    assert len(ids) == len(set(ids))
    assert all(r["purchase_date"] >= "2025-10-01" for r in rows)


def test_bad_date_is_a_usage_error(tmp_path: Path) -> None:
    result = runner.invoke(app, ["orders", "--since", "yesterday"])
    assert result.exit_code == 2
    assert "not an ISO date" in result.output


def test_unknown_profile_is_a_configuration_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    profiles = tmp_path / "profiles.toml"
    profiles.write_text('[shop]\naccess_key = "AK"\nsecret_key = "SK-secret"\nseller_id = "A1"\n')
    monkeypatch.setenv("MWS_ASYNC_PROFILES", str(profiles))
    ids = write_ids(tmp_path / "i.txt", ["9780306406157"])
    result = runner.invoke(app, ["lookup", str(ids), "--profile", "nope"])
    assert result.exit_code == EXIT_CONFIG
    assert "profile 'nope' not found" in result.output
    assert "SK-secret" not in result.output


def test_demo_runs_end_to_end() -> None:
    result = runner.invoke(app, ["demo", "--ids", "150", "--time-scale", "200"])
    assert result.exit_code == EXIT_OK, result.output
    assert "found" in result.output
    assert "150" in result.output


def test_sandbox_command_serves_mws_on_loopback() -> None:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("MWS_")}
    proc = subprocess.Popen(
        [sys.executable, "-m", "mws_async.cli", "sandbox", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
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
        proc.wait(timeout=10)


def test_report_is_requested_waited_for_and_written(tmp_path: Path) -> None:
    out = tmp_path / "listings.txt"
    result = runner.invoke(
        app, ["report", "_GET_MERCHANT_LISTINGS_DATA_", "--out", str(out), "--time-scale", "2000"]
    )
    assert result.exit_code == EXIT_OK, result.output
    assert "Content-MD5" in result.output and "verified" in result.output
    lines = out.read_bytes().decode("windows-1252").splitlines()
    assert lines[0].split("\t")[0] and len(lines) > 10
    assert not list(tmp_path.glob("*.part"))


def test_report_without_data_exits_partial(tmp_path: Path) -> None:
    out = tmp_path / "none.txt"
    result = runner.invoke(app, ["report", "_GET_NO_DATA_REPORT_", "--out", str(out), "--time-scale", "2000"])
    assert result.exit_code == EXIT_PARTIAL, result.output
    assert "no data" in result.output and not out.exists()


def test_pricing_through_sp_api_on_the_embedded_sandbox(tmp_path: Path) -> None:
    asins = WORLD.sample_ids("ASIN", 30)
    out = tmp_path / "sp.jsonl"
    result = runner.invoke(
        app,
        [
            "pricing",
            str(write_ids(tmp_path / "a.txt", asins)),
            "--api",
            "sp-api",
            "-o",
            str(out),
            "--time-scale",
            "200",
        ],
    )
    assert result.exit_code in (EXIT_OK, EXIT_PARTIAL), result.output
    assert "SP-API sandbox" in result.output
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert {r["id"] for r in rows} == set(asins)
    assert any(r["landed_price"] for r in rows)
