"""Every Python block of the README runs as written, in order, in one namespace (like a reader pasting
them into one session), in a scratch folder. A failure points at the README's own lines."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pytest_examples import find_examples

README = Path(__file__).resolve().parents[1] / "README.md"
BLOCKS = [example for example in find_examples(str(README)) if example.prefix.split()[0] == "python"]


def test_the_readme_has_its_python_blocks() -> None:
    assert len(BLOCKS) >= 4


def test_every_python_block_of_the_readme_runs_as_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, Any] = {"__name__": "readme"}
    for block in BLOCKS:
        # Padded to its line in the README, so a traceback shows the README's lines.
        source = "\n" * block.start_line + block.source
        exec(compile(source, str(README), "exec"), namespace)
    printed = capsys.readouterr().out
    assert "Success" in printed  # the tour's lookups answered
    assert (tmp_path / "listings.txt").stat().st_size > 0  # the tour's report was downloaded
    assert printed.count("no competitive price") < 40  # the pricing blocks printed prices
