"""The commands, driven through typer's runner against the embedded sandbox (no credentials set)."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pytest
from cli.cli_support import WORLD, error_lines, invoke, write_ids

from mws_async.cli import EXIT_FAILED, EXIT_OK, EXIT_PARTIAL, README_ORDERS_SINCE


def jsonl(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text().splitlines()]


# --- lookup -----------------------------------------------------------------------------------------


def test_lookup_writes_one_jsonl_row_per_distinct_id(tmp_path: Path) -> None:
    valid = WORLD.sample_ids("ISBN", 40)
    invalid = valid[0][:-1] + str((int(valid[0][-1]) + 1) % 10)
    ids = write_ids(tmp_path / "ids.txt", [*valid, invalid, *valid[:5], "  " + valid[7] + "  "])
    out = tmp_path / "out.jsonl"
    result = invoke(["lookup", ids, "--id-type", "ISBN", "--out", out, "--time-scale", "200"])
    assert result.code == EXIT_PARTIAL, result.stderr
    assert "embedded sandbox" in result.stderr
    rows = jsonl(out)
    assert sorted(r["id"] for r in rows) == sorted([*valid, invalid])
    by_id = {r["id"]: r for r in rows}
    assert by_id[invalid]["status"] == "Invalid"
    assert "check digit" in str(by_id[invalid]["error_message"])
    assert all(by_id[v]["status"] == "Success" and by_id[v]["title"] for v in valid)
    assert "achieved / bound" in result.stderr
    assert "found" in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ids.txt", "out.jsonl"]  # no temporary file left


def test_the_progress_total_counts_distinct_ids(tmp_path: Path) -> None:
    valid = WORLD.sample_ids("ISBN", 11)
    hyphenated = f"{valid[0][:3]}-{valid[0][3:]}"  # the same ISBN as the library normalises it
    ids = write_ids(tmp_path / "ids.txt", [*valid, *valid[:3], hyphenated])
    result = invoke(["lookup", ids, "--out", tmp_path / "o.csv", "--time-scale", "200"])
    assert result.code == EXIT_OK, result.stderr
    assert "11/11" in result.stderr
    assert "/15" not in result.stderr


def test_id_types_are_case_insensitive(tmp_path: Path) -> None:
    valid = WORLD.sample_ids("UPC", 12)
    out = tmp_path / "out.csv"
    result = invoke(
        ["lookup", write_ids(tmp_path / "u.txt", valid), "-t", "upc", "-o", out, "-q", "--time-scale", "200"]
    )
    assert result.code == EXIT_OK, result.stderr
    assert result.stderr == ""
    rows = list(csv.DictReader(out.read_text().splitlines()))
    assert {r["id"] for r in rows} == set(valid)
    assert all(r["status"] == "Success" and r["asin"] for r in rows)


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-32", "utf-8-sig"])
def test_ids_files_with_a_byte_order_mark_are_decoded(tmp_path: Path, encoding: str) -> None:
    valid = WORLD.sample_ids("ISBN", 6)
    path = tmp_path / "ids.txt"
    text = "\r\n".join(valid) + "\r\n"
    data = text.encode(encoding)
    if encoding == "utf-16-be":
        data = b"\xfe\xff" + data  # Python's utf-16-be writes no BOM; Notepad's "UTF-16 BE" does
    path.write_bytes(data)
    out = tmp_path / "out.jsonl"
    result = invoke(["lookup", path, "-o", out, "-q", "--time-scale", "200"])
    assert result.code == EXIT_OK, result.stderr
    assert sorted(r["id"] for r in jsonl(out)) == sorted(valid)


def test_lookup_to_stdout_is_machine_readable(tmp_path: Path) -> None:
    valid = WORLD.sample_ids("ASIN", 3)
    result = invoke(
        ["lookup", write_ids(tmp_path / "a.txt", valid), "-t", "asin", "-q", "--time-scale", "200"]
    )
    assert result.code == EXIT_OK
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["asin"] for r in sorted(rows, key=lambda r: valid.index(r["id"]))] == valid


def test_an_aborted_run_keeps_the_previous_output_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import mws_async.cli as cli

    out = tmp_path / "out.jsonl"
    out.write_text("yesterday's results\n")

    def broken(result: object) -> dict[str, object]:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(cli, "lookup_row", broken)
    ids = write_ids(tmp_path / "ids.txt", WORLD.sample_ids("ISBN", 8))
    result = invoke(["lookup", ids, "-o", out, "-q", "--time-scale", "200"])
    assert result.code == EXIT_FAILED
    assert out.read_text() == "yesterday's results\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ids.txt", "out.jsonl"]


# --- pricing and offers ----------------------------------------------------------------------------


def test_pricing_rows_carry_prices_and_their_condition(tmp_path: Path) -> None:
    asins = WORLD.sample_ids("ASIN", 25)
    ids = write_ids(tmp_path / "a.txt", asins)
    rows = {}
    for condition in ("New", "used", "Any"):
        out = tmp_path / f"p-{condition}.jsonl"
        result = invoke(["pricing", ids, "-o", out, "--condition", condition, "-q", "--time-scale", "200"])
        assert result.code in (EXIT_OK, EXIT_PARTIAL), result.stderr
        rows[condition] = {r["id"]: r for r in jsonl(out)}
        assert set(rows[condition]) == set(asins)
    new = [r for r in rows["New"].values() if r["landed_price"] is not None]
    used = [r for r in rows["used"].values() if r["landed_price"] is not None]
    assert new and used
    assert all(r["condition"] == "New" and float(str(r["landed_price"])) > 0 for r in new)
    assert all(r["condition"] == "Used" and r["currency"] == "USD" for r in used)
    for asin, row in rows["Any"].items():
        candidates = [
            float(str(rows[c][asin]["landed_price"]))
            for c in ("New", "used")
            if rows[c][asin]["landed_price"]
        ]
        if candidates:
            assert float(str(row["landed_price"])) == min(candidates)


def test_pricing_defaults_to_new(tmp_path: Path) -> None:
    asins = WORLD.sample_ids("ASIN", 10)
    out = tmp_path / "p.csv"
    result = invoke(["pricing", write_ids(tmp_path / "a.txt", asins), "-o", out, "-q", "--time-scale", "200"])
    assert result.code in (EXIT_OK, EXIT_PARTIAL), result.stderr
    rows = list(csv.DictReader(out.read_text().splitlines()))
    assert "condition" in rows[0]
    assert {r["condition"] for r in rows if r["landed_price"]} == {"New"}


def test_offers_rows(tmp_path: Path) -> None:
    asins = WORLD.sample_ids("ASIN", 5)
    out = tmp_path / "o.csv"
    result = invoke(["offers", write_ids(tmp_path / "a.txt", asins), "-o", out, "-q", "--time-scale", "200"])
    assert result.code in (EXIT_OK, EXIT_PARTIAL), result.stderr
    rows = list(csv.DictReader(out.read_text().splitlines()))
    assert {r["id"] for r in rows} == set(asins)


def test_pricing_through_sp_api_on_the_embedded_sandbox(tmp_path: Path) -> None:
    asins = WORLD.sample_ids("ASIN", 30)
    out = tmp_path / "sp.jsonl"
    ids = write_ids(tmp_path / "a.txt", asins)
    result = invoke(["pricing", ids, "--api", "sp-api", "-o", out, "--time-scale", "200"])
    assert result.code in (EXIT_OK, EXIT_PARTIAL), result.stderr
    assert "SP-API sandbox" in result.stderr
    rows = jsonl(out)
    assert {r["id"] for r in rows} == set(asins)
    assert any(r["landed_price"] for r in rows)
    assert {r["condition"] for r in rows if r["landed_price"]} == {"New"}


def test_sp_api_pricing_by_seller_sku(tmp_path: Path) -> None:
    skus = WORLD.sample_ids("SellerSKU", 25)
    out = tmp_path / "sku.jsonl"
    ids = write_ids(tmp_path / "skus.txt", skus)
    result = invoke(
        ["pricing", ids, "--api", "sp-api", "-t", "sellersku", "-o", out, "-q", "--time-scale", "200"]
    )
    assert result.code in (EXIT_OK, EXIT_PARTIAL), result.stderr
    rows = {r["id"]: r for r in jsonl(out)}
    assert set(rows) == set(skus)
    assert all(r["status"] == "Success" for r in rows.values())
    assert any(r["landed_price"] for r in rows.values())
    # The same SKUs priced through MWS give the same prices.
    mws_out = tmp_path / "mws.jsonl"
    assert invoke(["pricing", ids, "-t", "SellerSKU", "-o", mws_out, "-q", "--time-scale", "200"]).code in (
        0,
        1,
    )
    mws_rows = {r["id"]: r for r in jsonl(mws_out)}
    assert {k: r["landed_price"] for k, r in rows.items()} == {
        k: r["landed_price"] for k, r in mws_rows.items()
    }


# --- orders ------------------------------------------------------------------------------------------


def test_orders_lists_unique_orders_with_a_summary(tmp_path: Path) -> None:
    out = tmp_path / "orders.jsonl"
    result = invoke(["orders", "--since", "2025-12-20", "-o", out, "--time-scale", "500"])
    assert result.code == EXIT_OK, result.stderr
    rows = jsonl(out)
    ids = [r["amazon_order_id"] for r in rows]
    assert ids
    assert len(ids) == len(set(ids))
    assert all(str(r["purchase_date"]) >= "2025-12-20" for r in rows)
    for label in ("orders", "pages", "requests", "records/s", "quota wait", "elapsed"):
        assert label in result.stderr, label
    assert re.search(rf"orders\s+│?\s*{len(rows):,}", result.stderr), result.stderr


def test_the_readme_orders_example_fits_in_the_burst(tmp_path: Path) -> None:
    out = tmp_path / "orders.jsonl"
    result = invoke(["orders", "--since", README_ORDERS_SINCE, "-o", out])  # the default time scale
    assert result.code == EXIT_OK, result.stderr
    pages = -(-len(jsonl(out)) // 100)
    assert 0 < pages <= 6  # ListOrders' burst: no wait for quota at any time scale


def test_orders_statuses_are_case_insensitive_and_combined(tmp_path: Path) -> None:
    out = tmp_path / "orders.csv"
    args = [
        "orders",
        "--since",
        "2025-12-28",
        "--status",
        "unshipped",
        "--status",
        "PARTIALLYSHIPPED",
        "-o",
        out,
    ]
    result = invoke([*args, "-q", "--time-scale", "500"])
    assert result.code == EXIT_OK, result.stderr
    rows = list(csv.DictReader(out.read_text().splitlines()))
    assert {r["order_status"] for r in rows} <= {"Unshipped", "PartiallyShipped"}


def test_orders_help_gives_the_sandbox_date_span() -> None:
    result = invoke(["orders", "--help"])
    assert result.code == EXIT_OK
    assert "2025-10-03" in result.stdout and "2026-01-01" in result.stdout


# --- reports -----------------------------------------------------------------------------------------


def test_report_is_requested_waited_for_and_written(tmp_path: Path) -> None:
    out = tmp_path / "listings.txt"
    result = invoke(["report", "_GET_MERCHANT_LISTINGS_DATA_", "--out", out, "--time-scale", "2000"])
    assert result.code == EXIT_OK, result.stderr
    assert "Content-MD5" in result.stderr and "verified" in result.stderr
    lines = out.read_bytes().decode("windows-1252").splitlines()
    assert lines[0].split("\t")[0] and len(lines) > 10
    assert [p.name for p in tmp_path.iterdir()] == ["listings.txt"]


def test_report_types_are_case_insensitive(tmp_path: Path) -> None:
    out = tmp_path / "orders.txt"
    result = invoke(["report", "_get_flat_file_orders_data_", "--out", out, "-q", "--time-scale", "2000"])
    assert result.code == EXIT_OK, result.stderr
    assert out.read_bytes().startswith(b"order-id\t")


def test_report_without_data_exits_partial(tmp_path: Path) -> None:
    out = tmp_path / "none.txt"
    result = invoke(["report", "_GET_SANDBOX_NO_DATA_", "--out", out, "--time-scale", "2000"])
    assert result.code == EXIT_PARTIAL, result.stderr
    assert "no data" in result.stderr and not out.exists()


# --- demo --------------------------------------------------------------------------------------------


def test_demo_runs_end_to_end_and_names_the_stack() -> None:
    from mws_async.http import default_transport_name
    from mws_async.xml import current_parser

    result = invoke(["demo", "--ids", "150", "--time-scale", "200"])
    assert result.code == EXIT_OK, result.stderr
    assert "found" in result.stderr and "150" in result.stderr
    assert f"{current_parser()} parser" in result.stderr
    assert default_transport_name() in result.stderr
    assert result.stdout == ""  # rows only with --out


def test_demo_quiet_prints_the_one_line_result() -> None:
    result = invoke(["demo", "--ids", "100", "--time-scale", "200", "-q"])
    assert result.code == EXIT_OK, result.stderr
    lines = error_lines(result)
    assert len(lines) == 1, result.stderr
    assert "100 ids" in lines[0] and "found" in lines[0] and "invalid" in lines[0]


def test_demo_writes_jsonl_to_stdout_with_out_dash() -> None:
    result = invoke(["demo", "--ids", "100", "--time-scale", "200", "-q", "--out", "-"])
    assert result.code == EXIT_OK, result.stderr
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    statuses = {r["status"] for r in rows}
    assert statuses == {"Success", "Invalid"}
    assert len(rows) == len({r["id"] for r in rows}) > 100  # the valid ids and the planted invalid ones


def test_demo_help_says_what_it_writes_and_how_it_exits() -> None:
    text = invoke(["demo", "--help"]).stdout
    assert "--out -" in text
    assert "exit" in text.lower()
