"""Every user mistake gets one clear line on stderr and the documented exit code, before any work.

Exit codes: 2 usage, 3 configuration/authentication, 4 requests failed (and internal errors), 130 Ctrl+C,
143 SIGTERM.
No case prints a traceback, and no case leaves an output file (or a temporary one) behind.
"""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from cli.cli_support import (
    WORLD,
    assert_one_line_error,
    error_lines,
    invoke,
    run_module,
    write_ids,
)

from mws_async.cli import EXIT_CONFIG, EXIT_FAILED, EXIT_OK, EXIT_USAGE

ISBNS = WORLD.sample_ids("ISBN", 3)
ASINS = WORLD.sample_ids("ASIN", 3)


@dataclass
class Case:
    """One mistake: the arguments (built in a temporary folder), the exit code, phrases of the message."""

    args: Callable[[Path], list[str]]
    code: int
    phrases: tuple[str, ...]
    env: dict[str, str] | None = None


def isbn_file(tmp: Path) -> str:
    return str(write_ids(tmp / "ids.txt", ISBNS))


def asin_file(tmp: Path) -> str:
    return str(write_ids(tmp / "asins.txt", ASINS))


def out(tmp: Path, name: str = "out.jsonl") -> str:
    return str(tmp / name)


def binary_file(tmp: Path) -> str:
    path = tmp / "ids.bin"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00")
    return str(path)


def latin1_file(tmp: Path) -> str:
    path = tmp / "latin1.txt"
    path.write_bytes(ISBNS[0].encode() + b"\nJos\xe9\n")
    return str(path)


def comments_only(tmp: Path) -> str:
    path = tmp / "empty.txt"
    path.write_text("# nothing here\n\n   \n")
    return str(path)


def profiles(tmp: Path, text: str) -> str:
    path = tmp / "profiles.toml"
    path.write_text(text)
    return str(path)


CASES: dict[str, Case] = {
    # 1. an unknown report type is refused before anything is requested
    "report type unknown": Case(
        lambda t: ["report", "hello", "--out", out(t, "x.txt")],
        EXIT_USAGE,
        ("'hello'", "_GET_MERCHANT_LISTINGS_DATA_", "_GET_FLAT_FILE_ORDERS_DATA_"),
    ),
    # 2. id types: unknown is a usage error listing the valid ones
    "id type unknown": Case(
        lambda t: ["lookup", isbn_file(t), "--id-type", "FOO", "--out", out(t)],
        EXIT_USAGE,
        ("--id-type", "'FOO'", "ISBN", "SellerSKU", "GCID"),
    ),
    # 3. pricing and offers take ASINs and SellerSKUs only
    "pricing id type not supported": Case(
        lambda t: ["pricing", isbn_file(t), "-t", "ISBN", "--out", out(t)],
        EXIT_USAGE,
        ("--id-type", "ASIN", "SellerSKU"),
    ),
    "offers id type not supported": Case(
        lambda t: ["offers", isbn_file(t), "-t", "upc", "--out", out(t)],
        EXIT_USAGE,
        ("--id-type", "ASIN", "SellerSKU"),
    ),
    "sp-api pricing id type not supported": Case(
        lambda t: ["pricing", isbn_file(t), "--api", "sp-api", "-t", "EAN", "--out", out(t)],
        EXIT_USAGE,
        ("--id-type", "ASIN", "SellerSKU"),
    ),
    "pricing condition unknown": Case(
        lambda t: ["pricing", asin_file(t), "--condition", "Mint", "--out", out(t)],
        EXIT_USAGE,
        ("--condition", "'Mint'", "New", "Collectible"),
    ),
    "pricing api unknown": Case(
        lambda t: ["pricing", asin_file(t), "--api", "soap", "--out", out(t)],
        EXIT_USAGE,
        ("--api", "mws", "sp-api"),
    ),
    # 4. ids files that are not text, and output folders that do not exist
    "ids file binary": Case(
        lambda t: ["lookup", binary_file(t), "--out", out(t)], EXIT_USAGE, ("ids.bin", "line 1", "binary")
    ),
    "ids file not utf-8": Case(
        lambda t: ["lookup", latin1_file(t), "--out", out(t)], EXIT_USAGE, ("latin1.txt", "line 2", "UTF-8")
    ),
    "ids file missing": Case(
        lambda t: ["lookup", str(t / "nope.txt"), "--out", out(t)], EXIT_USAGE, ("nope.txt", "does not exist")
    ),
    "ids file is a folder": Case(
        lambda t: ["lookup", str(t), "--out", out(t, "o.jsonl")], EXIT_USAGE, ("is a folder",)
    ),
    "ids file without ids": Case(
        lambda t: ["lookup", comments_only(t), "--out", out(t)], EXIT_USAGE, ("empty.txt", "no ids")
    ),
    "out folder missing": Case(
        lambda t: ["lookup", isbn_file(t), "--out", str(t / "missing" / "out.jsonl")],
        EXIT_USAGE,
        ("--out", "missing", "does not exist"),
    ),
    "out is a folder": Case(
        lambda t: ["lookup", isbn_file(t), "--out", str(t)], EXIT_USAGE, ("--out", "is a folder")
    ),
    "report out folder missing": Case(
        lambda t: ["report", "_GET_MERCHANT_LISTINGS_DATA_", "--out", str(t / "missing" / "x.txt")],
        EXIT_USAGE,
        ("--out", "does not exist"),
    ),
    "sandbox port out of range": Case(
        lambda t: ["sandbox", "--port", "99999"], EXIT_USAGE, ("--port", "99999", "65535")
    ),
    "sandbox port negative": Case(lambda t: ["sandbox", "--port", "-1"], EXIT_USAGE, ("--port",)),
    "sandbox time scale negative": Case(
        lambda t: ["sandbox", "--time-scale", "-5"], EXIT_USAGE, ("--time-scale", "at least 0.001")
    ),
    "time scale zero": Case(
        lambda t: ["lookup", isbn_file(t), "--time-scale", "0", "--out", out(t)],
        EXIT_USAGE,
        ("--time-scale", "at least 0.001"),
    ),
    "time scale not finite": Case(
        lambda t: ["lookup", isbn_file(t), "--time-scale", "nan", "--out", out(t)],
        EXIT_USAGE,
        ("--time-scale",),
    ),
    "demo time scale infinite": Case(
        lambda t: ["demo", "--time-scale", "inf"], EXIT_USAGE, ("--time-scale",)
    ),
    "profiles.toml malformed": Case(
        lambda t: ["lookup", isbn_file(t), "--profile", "shop", "--out", out(t)],
        EXIT_CONFIG,
        ("profiles.toml", "line 5"),
        {"MWS_ASYNC_PROFILES": "{tmp}/profiles.toml"},
    ),
    "profile unknown": Case(
        lambda t: ["lookup", isbn_file(t), "--profile", "nope", "--out", out(t)],
        EXIT_CONFIG,
        ("profile 'nope' not found",),
        {"MWS_ASYNC_PROFILES": "{tmp}/good.toml"},
    ),
    "profile marketplace unknown": Case(
        lambda t: ["lookup", isbn_file(t), "--profile", "odd", "--out", out(t)],
        EXIT_CONFIG,
        ("marketplace", "'Atlantis'"),
        {"MWS_ASYNC_PROFILES": "{tmp}/good.toml"},
    ),
    "http transport unknown": Case(
        lambda t: ["lookup", isbn_file(t), "--out", out(t)],
        EXIT_CONFIG,
        ("MWS_ASYNC_HTTP_TRANSPORT", "'curl'"),
        {"MWS_ASYNC_HTTP_TRANSPORT": "curl"},
    ),
    "redis setting invalid": Case(
        lambda t: ["lookup", isbn_file(t), "--out", out(t)],
        EXIT_CONFIG,
        ("MWS_ASYNC_REDIS_ON_UNAVAILABLE",),
        {"MWS_ASYNC_REDIS_URL": "redis://127.0.0.1:1/0", "MWS_ASYNC_REDIS_ON_UNAVAILABLE": "maybe"},
    ),
    "credentials partly set": Case(
        lambda t: ["lookup", isbn_file(t), "--out", out(t)],
        EXIT_CONFIG,
        ("MWS_SECRET_KEY", "MWS_SELLER_ID", "--profile"),
        {"MWS_ACCESS_KEY": "AKIAEXAMPLE"},
    ),
    "sp-api credentials partly set": Case(
        lambda t: ["pricing", asin_file(t), "--api", "sp-api", "--out", out(t)],
        EXIT_CONFIG,
        ("LWA_CLIENT_SECRET", "SP_API_REFRESH_TOKEN"),
        {"LWA_CLIENT_ID": "amzn1.application-oa2-client.x"},
    ),
    # 5. orders: input errors are usage errors naming the flags
    "orders Unshipped alone": Case(
        lambda t: ["orders", "--since", "2025-12-01", "--status", "Unshipped", "--out", out(t)],
        EXIT_USAGE,
        ("--status", "Unshipped", "PartiallyShipped"),
    ),
    "orders status unknown": Case(
        lambda t: ["orders", "--since", "2025-12-01", "--status", "Lost", "--out", out(t)],
        EXIT_USAGE,
        ("--status", "'Lost'", "Shipped", "Canceled"),
    ),
    "orders until before since": Case(
        lambda t: ["orders", "--since", "2025-12-01", "--until", "2025-11-01", "--out", out(t)],
        EXIT_USAGE,
        ("--until", "--since"),
    ),
    "orders since in the future": Case(
        lambda t: ["orders", "--since", "2999-01-01", "--out", out(t)], EXIT_USAGE, ("--since", "future")
    ),
    "orders until in the future": Case(
        lambda t: ["orders", "--since", "2025-12-01", "--until", "2999-01-01", "--out", out(t)],
        EXIT_USAGE,
        ("--until",),
    ),
    "orders date not iso": Case(
        lambda t: ["orders", "--since", "yesterday", "--out", out(t)], EXIT_USAGE, ("--since", "'yesterday'")
    ),
    # 10. marketplace, and the parser's own usage errors, on one line too
    "marketplace unknown": Case(
        lambda t: ["lookup", isbn_file(t), "-m", "XX", "--out", out(t)],
        EXIT_USAGE,
        ("--marketplace", "'XX'", "US"),
    ),
    "argument missing": Case(lambda t: ["lookup"], EXIT_USAGE, ("IDS_FILE", "mws-async lookup --help")),
    "option unknown": Case(lambda t: ["lookup", isbn_file(t), "--frobnicate"], EXIT_USAGE, ("--frobnicate",)),
    "option not a number": Case(lambda t: ["sandbox", "--port", "abc"], EXIT_USAGE, ("--port", "'abc'")),
    "command unknown": Case(lambda t: ["lokup"], EXIT_USAGE, ("lokup",)),
    # 9 and 11: demo and sandbox ids arguments
    "demo ids zero": Case(lambda t: ["demo", "--ids", "0"], EXIT_USAGE, ("--ids",)),
    "sandbox ids type unknown": Case(
        lambda t: ["sandbox", "ids", "--type", "FOO"], EXIT_USAGE, ("--type", "'FOO'", "ISBN", "ASIN")
    ),
    "sandbox ids count zero": Case(lambda t: ["sandbox", "ids", "-n", "0"], EXIT_USAGE, ("-n",)),
}


def prepare(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, case: Case) -> list[str]:
    profiles(tmp_path, '[shop]\naccess_key = "AK"\nsecret_key = "SK-secret"\nseller_id = "A1"\n[broken\n')
    (tmp_path / "good.toml").write_text(
        '[shop]\naccess_key = "AK"\nsecret_key = "SK-secret"\nseller_id = "A1"\n'
        '[odd]\naccess_key = "AK"\nsecret_key = "SK-secret"\nseller_id = "A1"\nmarketplace = "Atlantis"\n'
    )
    for name, value in (case.env or {}).items():
        monkeypatch.setenv(name, value.format(tmp=tmp_path))
    return case.args(tmp_path)


def assert_nothing_written(tmp_path: Path, before: set[Path]) -> None:
    """No output file and no temporary file appeared."""
    assert set(tmp_path.rglob("*")) == before


@pytest.mark.parametrize("name", list(CASES))
def test_each_mistake_is_one_line_with_its_exit_code_and_no_output_file(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    case = CASES[name]
    args = prepare(tmp_path, monkeypatch, case)
    before = set(tmp_path.rglob("*"))
    outcome = invoke(args)
    line = assert_one_line_error(outcome, case.code, *case.phrases)
    assert "SK-secret" not in line
    assert outcome.stdout == ""
    assert_nothing_written(tmp_path, before)


def test_a_busy_port_is_a_usage_error(tmp_path: Path) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen(1)
        port = busy.getsockname()[1]
        outcome = invoke(["sandbox", "--port", str(port)])
    assert_one_line_error(outcome, EXIT_USAGE, "--port", str(port), "in use")


def test_redis_url_without_the_redis_package_says_what_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MWS_ASYNC_REDIS_URL", "redis://127.0.0.1:1/0")
    monkeypatch.setitem(sys.modules, "redis", None)  # the package is not installed
    monkeypatch.setitem(sys.modules, "redis.asyncio", None)
    outcome = invoke(["lookup", isbn_file(tmp_path), "--out", out(tmp_path)])
    assert_one_line_error(outcome, EXIT_CONFIG, "MWS_ASYNC_REDIS_URL", "pip install 'mws-async[redis]'")
    assert not (tmp_path / "out.jsonl").exists()


def test_aiohttp_transport_requested_but_not_installed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MWS_ASYNC_HTTP_TRANSPORT", "aiohttp")
    monkeypatch.setitem(sys.modules, "httpx_aiohttp", None)
    outcome = invoke(["lookup", isbn_file(tmp_path)])
    assert_one_line_error(outcome, EXIT_CONFIG, "MWS_ASYNC_HTTP_TRANSPORT", "httpx-aiohttp")


def test_the_missing_credentials_message_is_not_a_library_hint(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MWS_SELLER_ID", "A1SELLER")
    line = assert_one_line_error(invoke(["lookup", isbn_file(tmp_path)]), EXIT_CONFIG, "MWS_ACCESS_KEY")
    assert "Credentials(" not in line


def test_ctrl_c_is_exit_130_with_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import mws_async.cli as cli

    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(cli, "lookup_row", interrupted)
    outcome = invoke(["lookup", isbn_file(tmp_path), "-q", "--out", out(tmp_path), "--time-scale", "500"])
    assert_one_line_error(outcome, 130, "interrupted")
    assert not (tmp_path / "out.jsonl").exists()
    assert not list(tmp_path.glob(".*"))


def test_an_unexpected_exception_is_one_internal_error_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import mws_async.cli as cli

    calls: list[object] = []

    def broken(result: object) -> dict[str, object]:
        calls.append(result)
        if len(calls) == 2:
            raise RuntimeError("boom")
        return {"id": "x"}

    monkeypatch.setattr(cli, "lookup_row", broken)
    outcome = invoke(["lookup", isbn_file(tmp_path), "-q", "--out", out(tmp_path), "--time-scale", "500"])
    assert_one_line_error(
        outcome, EXIT_FAILED, "internal error: RuntimeError: boom", "rerun with --debug for the traceback"
    )
    assert not (tmp_path / "out.jsonl").exists()  # the run was aborted: no partial file
    assert not list(tmp_path.glob(".*"))


@pytest.mark.parametrize("how", ["option", "environment"])
def test_debug_shows_the_traceback(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, how: str) -> None:
    import mws_async.cli as cli

    def broken(result: object) -> dict[str, object]:
        raise RuntimeError("boom")

    monkeypatch.setattr(cli, "lookup_row", broken)
    args = ["lookup", isbn_file(tmp_path), "-q", "--time-scale", "500"]
    if how == "option":
        args.append("--debug")
    else:
        monkeypatch.setenv("MWS_ASYNC_DEBUG", "1")
    outcome = invoke(args)
    assert outcome.code == EXIT_FAILED
    assert "Traceback" in outcome.stderr and 'raise RuntimeError("boom")' in outcome.stderr
    assert error_lines(outcome)[-1].startswith("internal error: RuntimeError: boom")


def test_debug_also_works_before_the_command(tmp_path: Path) -> None:
    outcome = invoke(["--debug", "lookup", isbn_file(tmp_path), "--id-type", "FOO"])
    assert outcome.code == EXIT_USAGE
    assert "Traceback" in outcome.stderr
    assert "--id-type" in error_lines(outcome)[-1]


# --- the real entry point (python -m mws_async) --------------------------------------------------------


def test_entry_point_unknown_report_type(tmp_path: Path) -> None:
    outcome = run_module(["report", "hello", "--out", tmp_path / "x.txt"])
    assert_one_line_error(outcome, EXIT_USAGE, "'hello'", "_GET_MERCHANT_LISTINGS_DATA_")
    assert not list(tmp_path.iterdir())


def test_entry_point_unknown_id_type_and_binary_file(tmp_path: Path) -> None:
    assert_one_line_error(run_module(["lookup", isbn_file(tmp_path), "-t", "FOO"]), EXIT_USAGE, "--id-type")
    assert_one_line_error(run_module(["lookup", binary_file(tmp_path)]), EXIT_USAGE, "ids.bin", "binary")


def test_entry_point_port_out_of_range() -> None:
    assert_one_line_error(run_module(["sandbox", "--port", "99999"]), EXIT_USAGE, "--port")


@pytest.mark.parametrize(
    ("env", "phrase"),
    [
        ({"MWS_ASYNC_XML_PARSER": "lxml"}, "MWS_ASYNC_XML_PARSER"),
        ({"MWS_ASYNC_HTTP_TRANSPORT": "curl"}, "MWS_ASYNC_HTTP_TRANSPORT"),
    ],
)
def test_entry_point_bad_stack_setting_is_exit_3_before_any_sandbox(
    tmp_path: Path, env: dict[str, str], phrase: str
) -> None:
    outcome = run_module(["lookup", isbn_file(tmp_path), "--out", tmp_path / "o.jsonl"], env=env)
    line = assert_one_line_error(outcome, EXIT_CONFIG, phrase)
    assert "sandbox" not in line
    assert not (tmp_path / "o.jsonl").exists()


def test_entry_point_xml_parser_requested_but_not_installed(tmp_path: Path) -> None:
    code = (
        "import sys; sys.modules['xmltodict_rs'] = None; sys.argv = ['mws-async', *sys.argv[1:]]; "
        "from mws_async.cli import main; main()"
    )
    env = {k: v for k, v in __import__("os").environ.items() if not k.startswith("MWS_")}
    completed = subprocess.run(
        [sys.executable, "-c", code, "lookup", isbn_file(tmp_path)],
        capture_output=True,
        text=True,
        env={**env, "MWS_ASYNC_XML_PARSER": "xmltodict-rs"},
        timeout=60,
        check=False,
    )
    lines = [line for line in completed.stderr.splitlines() if line.strip()]
    assert completed.returncode == EXIT_CONFIG, completed.stderr
    assert len(lines) == 1 and "xmltodict-rs" in lines[0] and "Traceback" not in completed.stderr


@pytest.mark.parametrize(
    ("command", "scale"),
    [
        ("lookup", "1e-09"),  # was: the sandbox's clock passed year 9999, tracebacks, then a hang
        ("lookup", "1e-300"),  # was: OverflowError: timestamp out of range
        ("lookup", "0.0009"),
        ("demo", "0.0001"),
        ("sandbox", "1e-09"),
    ],
)
def test_entry_point_a_time_scale_below_0_001_is_a_usage_error_naming_the_range(
    tmp_path: Path, command: str, scale: str
) -> None:
    args = {"lookup": ["lookup", isbn_file(tmp_path), "-q"], "demo": ["demo", "-q"], "sandbox": ["sandbox"]}
    outcome = run_module([*args[command], "--time-scale", scale], timeout=60)
    assert_one_line_error(outcome, EXIT_USAGE, f"--time-scale {scale} ", "at least 0.001")
    assert [p.name for p in tmp_path.iterdir()] == ["ids.txt"]  # no output, nothing else


def test_the_time_scale_range_starts_at_0_001(tmp_path: Path) -> None:
    refused = invoke(["lookup", isbn_file(tmp_path), "-q", "-o", out(tmp_path), "--time-scale", "0.0009"])
    assert_one_line_error(refused, EXIT_USAGE, "--time-scale 0.0009 ", "at least 0.001")
    assert not (tmp_path / "out.jsonl").exists()
    slowest = invoke(["lookup", isbn_file(tmp_path), "-q", "-o", out(tmp_path), "--time-scale", "0.001"])
    assert slowest.code == EXIT_OK, slowest.stderr
    assert slowest.stderr == ""
    assert len((tmp_path / "out.jsonl").read_text().splitlines()) == len(ISBNS)


@pytest.mark.parametrize(
    ("stop", "code", "word"),
    [(signal.SIGINT, 130, "interrupted"), (signal.SIGTERM, 143, "terminated")],  # 128 + the signal's number
    ids=["ctrl-c", "sigterm"],
)
def test_entry_point_a_signal_during_a_run_is_one_line_its_exit_code_and_no_partial_output(
    tmp_path: Path, stop: signal.Signals, code: int, word: str
) -> None:
    ids = write_ids(tmp_path / "many.txt", WORLD.sample_ids("ISBN", 3000))
    env = {k: v for k, v in __import__("os").environ.items() if not k.startswith("MWS_")}
    command = [
        sys.executable,
        "-m",
        "mws_async",
        "lookup",
        ids,
        "-q",
        "--time-scale",
        "1",
        "-o",
        tmp_path / "o.csv",
    ]
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        # Ctrl-C, or `kill PID` (a service manager stopping it), once the run is writing its temporary file;
        # at 1x it then waits on quota for minutes.
        deadline = time.monotonic() + 60
        while not list(tmp_path.glob(".*")):
            assert proc.poll() is None, proc.communicate()
            assert time.monotonic() < deadline
            time.sleep(0.05)
        proc.send_signal(stop)
        _, stderr = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert proc.returncode == code, stderr
    assert len(lines) == 1 and word in lines[0] and "Traceback" not in stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["many.txt"]  # no output, no .o.csv.XXXX.part


def test_entry_point_a_reader_that_stops_early_is_no_error(tmp_path: Path) -> None:
    ids = write_ids(tmp_path / "many.txt", WORLD.sample_ids("ISBN", 600))
    env = {k: v for k, v in __import__("os").environ.items() if not k.startswith("MWS_")}
    proc = subprocess.Popen(
        [sys.executable, "-m", "mws_async", "lookup", ids, "-q", "--time-scale", "20"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )
    assert proc.stdout is not None and proc.stderr is not None
    first = proc.stdout.readline()  # like `mws-async lookup ... | head -1`
    proc.stdout.close()
    try:
        stderr = proc.stderr.read().decode()
        proc.wait(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        proc.stderr.close()
    assert first.startswith(b'{"id": ')
    assert proc.returncode == 1, stderr
    assert stderr == ""
