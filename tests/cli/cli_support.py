"""Helpers for the command-line tests: run the CLI in-process or as ``python -m mws_async``."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from typer.testing import CliRunner

from mws_async.cli import app
from mws_async.sandbox import World

WORLD = World(0)
runner = CliRunner()


@dataclass
class Outcome:
    """What one CLI run left behind: exit code, stdout and stderr text."""

    code: int
    stdout: str
    stderr: str


def invoke(args: Sequence[str]) -> Outcome:
    """Run ``mws-async ARGS`` in this process (typer's runner)."""
    result = runner.invoke(app, [str(a) for a in args])
    return Outcome(result.exit_code, result.stdout, result.stderr)


def run_module(args: Sequence[str], env: dict[str, str] | None = None, timeout: float = 60) -> Outcome:
    """Run ``python -m mws_async ARGS`` in a fresh interpreter (the real entry point)."""
    base = {k: v for k, v in os.environ.items() if not k.startswith(("MWS_", "LWA_", "SP_API_"))}
    completed = subprocess.run(
        [sys.executable, "-m", "mws_async", *map(str, args)],
        capture_output=True,
        text=True,
        env={**base, "COLUMNS": "200", **(env or {})},
        timeout=timeout,
        check=False,
    )
    return Outcome(completed.returncode, completed.stdout, completed.stderr)


def write_ids(path: Path, ids: Sequence[str]) -> Path:
    """One id per line."""
    path.write_text("\n".join(ids) + "\n")
    return path


def error_lines(outcome: Outcome) -> list[str]:
    """The non-empty lines on stderr."""
    return [line for line in outcome.stderr.splitlines() if line.strip()]


def assert_one_line_error(outcome: Outcome, code: int, *phrases: str) -> str:
    """Exit ``code``, exactly one non-empty stderr line containing every phrase, no traceback; returns it."""
    lines = error_lines(outcome)
    assert outcome.code == code, (outcome.code, outcome.stderr)
    assert len(lines) == 1, outcome.stderr
    assert "Traceback" not in outcome.stderr + outcome.stdout
    for phrase in phrases:
        assert phrase in lines[0], (phrase, lines[0])
    return lines[0]
