"""Ids come from wherever a shell can point: a file, stdin (``-`` or /dev/stdin), a pipe (``<(command)``)
or a FIFO, and every id is looked up exactly once; lines end with CR, LF or CRLF; a line too long to be an
id is refused without being read into memory. Results go to a file, or into a device or FIFO that stays
what it is.
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from cli.cli_support import WORLD, Outcome, assert_one_line_error, invoke, write_ids

from mws_async.cli import EXIT_OK, EXIT_USAGE

ISBNS = WORLD.sample_ids("ISBN", 60)
IDS_TEXT = "\n".join(ISBNS) + "\n"


def child_env(tmp_path: Path) -> dict[str, str]:
    """The environment without credentials, with its own temporary folder (to see what is left in it)."""
    spool = tmp_path / "tmp"
    spool.mkdir(exist_ok=True)
    base = {k: v for k, v in os.environ.items() if not k.startswith(("MWS_", "LWA_", "SP_API_"))}
    return {**base, "COLUMNS": "200", "TMPDIR": str(spool)}


def lookup_module(
    tmp_path: Path, ids_arg: str, *, stdin: str | None = None, pass_fds: tuple[int, ...] = ()
) -> Outcome:
    """``python -m mws_async lookup IDS_ARG -q -o results.jsonl`` on the embedded sandbox."""
    out = tmp_path / "results.jsonl"
    completed = subprocess.run(
        [sys.executable, "-m", "mws_async", "lookup", ids_arg, "-q", "-o", out, "--time-scale", "500"],
        input=stdin,
        capture_output=True,
        text=True,
        env=child_env(tmp_path),
        pass_fds=pass_fds,
        timeout=60,
        check=False,
    )
    return Outcome(completed.returncode, completed.stdout, completed.stderr)


def looked_up(path: Path) -> list[str]:
    """The ids of the rows, in order (a duplicate would show)."""
    return [json.loads(line)["id"] for line in path.read_text().splitlines()]


def assert_each_id_looked_up_once(tmp_path: Path, outcome: Outcome) -> None:
    assert outcome.code == EXIT_OK, outcome.stderr
    assert outcome.stderr == ""
    assert sorted(looked_up(tmp_path / "results.jsonl")) == sorted(ISBNS)
    assert list((tmp_path / "tmp").iterdir()) == []  # the copy of the pipe is gone


# --- ids from stdin, pipes and FIFOs -----------------------------------------------------------------


@pytest.mark.parametrize("ids_arg", ["-", "/dev/stdin"])
def test_ids_piped_into_stdin_are_each_looked_up_once(tmp_path: Path, ids_arg: str) -> None:
    # `mws-async sandbox ids -t ISBN | mws-async lookup - -o results.jsonl`
    outcome = lookup_module(tmp_path, ids_arg, stdin=IDS_TEXT)
    assert_each_id_looked_up_once(tmp_path, outcome)


def test_ids_from_a_process_substitution_pipe_are_each_looked_up_once(tmp_path: Path) -> None:
    # `mws-async lookup <(cat ids.txt)`: the shell passes /dev/fd/N, the read end of a pipe.
    read_end, write_end = os.pipe()
    try:
        os.write(write_end, IDS_TEXT.encode())  # fits in the pipe's buffer
        os.close(write_end)
        outcome = lookup_module(tmp_path, f"/dev/fd/{read_end}", pass_fds=(read_end,))
    finally:
        os.close(read_end)
    assert_each_id_looked_up_once(tmp_path, outcome)


def test_ids_from_a_fifo_are_each_looked_up_once(tmp_path: Path) -> None:
    fifo = tmp_path / "ids.fifo"
    os.mkfifo(fifo)

    def feed() -> None:
        with fifo.open("w") as writer:  # waits for the CLI to open the FIFO
            writer.write(IDS_TEXT)

    feeder = threading.Thread(target=feed, daemon=True)
    feeder.start()
    try:
        outcome = lookup_module(tmp_path, str(fifo))
    finally:
        if feeder.is_alive():  # the CLI never opened it: let the feeder's open return
            os.close(os.open(fifo, os.O_RDONLY | os.O_NONBLOCK))
        feeder.join(10)
    assert_each_id_looked_up_once(tmp_path, outcome)


def test_a_piped_file_with_only_comments_is_still_one_line_saying_so(tmp_path: Path) -> None:
    outcome = lookup_module(tmp_path, "-", stdin="# nothing here\n\n")
    assert_one_line_error(outcome, EXIT_USAGE, "stdin", "holds no ids")
    assert not (tmp_path / "results.jsonl").exists()


# --- line endings and line lengths ---------------------------------------------------------------------


def test_cr_lf_and_crlf_all_end_a_line(tmp_path: Path) -> None:
    # Old Mac files end lines with CR alone; one file may mix all three.
    ids = ISBNS[:9]
    endings = ["\r", "\n", "\r\n"] * 3
    path = tmp_path / "ids.txt"
    path.write_bytes("".join(i + e for i, e in zip(ids, endings, strict=True)).encode())
    out = tmp_path / "results.jsonl"
    outcome = invoke(["lookup", path, "-q", "-o", out, "--time-scale", "500"])
    assert outcome.code == EXIT_OK, outcome.stderr
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert sorted(r["id"] for r in rows) == sorted(ids)
    assert all(r["status"] == "Success" for r in rows)


def peak_rss_of_lookup(tmp_path: Path, ids: Path) -> tuple[Outcome, int]:
    """Run the CLI on ``ids``; its outcome and its own peak resident memory in bytes."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "mws_async", "lookup", ids, "-q", "-o", tmp_path / "results.jsonl"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=child_env(tmp_path),
    )
    assert proc.stdout is not None and proc.stderr is not None
    # The messages are one line: reading them after the exit cannot block. wait4 measures this child alone.
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    outcome = Outcome(proc.returncode, proc.stdout.read().decode(), proc.stderr.read().decode())
    proc.stdout.close()
    proc.stderr.close()
    return outcome, usage.ru_maxrss * 1024  # kilobytes on Linux


HUGE = 200 * 1024 * 1024


@pytest.mark.parametrize(
    ("fill", "phrases"),
    [
        (b"1234567890", ("line 2", "longer than 4,096 characters", "'1234567890")),
        (b"\x00", ("line 2", "not text")),
    ],
    ids=["digits", "NUL bytes"],
)
def test_a_huge_line_is_refused_in_one_short_line_without_being_held_in_memory(
    tmp_path: Path, fill: bytes, phrases: tuple[str, ...]
) -> None:
    # A 200 MiB line without a newline after one good id: it was read whole (the whole file's size and
    # more), and a line of digits came back as a 200 MiB "Invalid" row.
    small, huge = tmp_path / "small.txt", tmp_path / "huge.txt"
    for path, size in ((small, 5000), (huge, HUGE)):
        with path.open("wb") as handle:
            handle.write(ISBNS[0].encode() + b"\n")
            chunk = fill * (1024 * 1024 // len(fill))
            for _ in range(size // len(chunk)):
                handle.write(chunk)
            handle.write(fill * (size % len(chunk) // len(fill)))
    small_outcome, small_peak = peak_rss_of_lookup(tmp_path, small)
    outcome, peak = peak_rss_of_lookup(tmp_path, huge)
    line = assert_one_line_error(outcome, EXIT_USAGE, "huge.txt", *phrases)
    assert len(line) < 300  # a short prefix at most, never the line
    assert_one_line_error(small_outcome, EXIT_USAGE, "small.txt", *phrases)
    assert peak - small_peak < 32 * 1024 * 1024, (peak, small_peak)
    assert not (tmp_path / "results.jsonl").exists()


# --- outputs that are devices or FIFOs ----------------------------------------------------------------


def test_results_written_into_a_fifo_reach_its_reader_and_the_fifo_stays(tmp_path: Path) -> None:
    ids = write_ids(tmp_path / "ids.txt", ISBNS)
    fifo = tmp_path / "results.fifo"
    os.mkfifo(fifo)
    # Our own writer end, held over the run: the reader's open does not wait for the CLI, and the reader
    # sees the end of the data only once we close it, whatever the CLI did.
    keeper = os.open(fifo, os.O_RDWR)
    received = bytearray()

    def read() -> None:
        with fifo.open("rb") as reader:
            received.extend(reader.read())

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        outcome = invoke(["lookup", ids, "-q", "-o", fifo, "--time-scale", "500"])
    finally:
        os.close(keeper)
        reader.join(30)
    assert outcome.code == EXIT_OK, outcome.stderr
    assert stat.S_ISFIFO(fifo.lstat().st_mode)
    rows = [json.loads(line) for line in received.decode().splitlines()]
    assert sorted(r["id"] for r in rows) == sorted(ISBNS)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ids.txt", "results.fifo"]  # no .part file


@pytest.mark.parametrize("command", ["lookup", "report"])
def test_output_onto_a_device_node_writes_into_it_and_leaves_the_device(tmp_path: Path, command: str) -> None:
    # A private /dev/null (character device 1,3): `-o /dev/null` must not replace the system's.
    device = tmp_path / "null"
    try:
        os.mknod(device, stat.S_IFCHR | 0o666, os.makedev(1, 3))
    except PermissionError:
        pytest.skip("creating a device node needs root (CAP_MKNOD)")
    ids = write_ids(tmp_path / "ids.txt", ISBNS[:5])
    args = {
        "lookup": ["lookup", ids, "-o", device],
        "report": ["report", "_GET_MERCHANT_LISTINGS_DATA_", "-o", device],
    }[command]
    outcome = invoke([*args, "--time-scale", "500"])
    assert outcome.code == EXIT_OK, outcome.stderr
    assert stat.S_ISCHR(device.lstat().st_mode) and device.lstat().st_rdev == os.makedev(1, 3)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ids.txt", "null"]  # no .part file
