"""Every Python block of the documentation site runs as written: each page's blocks in order, in one
namespace (like a reader pasting them into one session), in a scratch folder; a failure points at the
page's own lines. Also: the benchmark figures the docs draw are still the README's."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from pytest_examples import find_examples

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
PAGES = sorted(path for path in DOCS.glob("*.md"))
BLOCKS = {
    page.name: [example for example in find_examples(str(page)) if example.prefix.split()[0] == "python"]
    for page in PAGES
}


def test_the_docs_have_their_pages_and_python_blocks() -> None:
    names = {page.name for page in PAGES}
    assert {"getting-started.md", "sandbox.md", "throttling.md", "bulk.md", "errors.md"} <= names
    assert sum(len(blocks) for blocks in BLOCKS.values()) >= 10


@pytest.mark.parametrize("page", [name for name, blocks in BLOCKS.items() if blocks])
def test_every_python_block_of_a_page_runs_as_written(
    page: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, Any] = {"__name__": f"docs.{page}"}
    for block in BLOCKS[page]:
        # Padded to its line in the page, so a traceback shows the page's lines.
        source = "\n" * block.start_line + block.source
        exec(compile(source, str(DOCS / page), "exec"), namespace)
    assert capsys.readouterr().out  # every page's examples show something


def _readme_benchmark_rows() -> dict[str, str]:
    """The README's benchmark table: row title -> the rest of the row."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## Benchmarks", 1)[1].split("\n## ", 1)[0]
    rows = {}
    for line in section.splitlines():
        if line.startswith("| ") and not line.startswith("|---"):
            title, _, rest = line[2:].partition(" | ")
            rows[title] = rest
    return rows


def test_the_benchmark_chart_figures_are_the_readmes() -> None:
    data = json.loads((DOCS / "data" / "benchmarks.json").read_text(encoding="utf-8"))
    rows = _readme_benchmark_rows()
    checked = 0
    for key in ("time_over_bound", "cpu_ms", "parse_ms"):
        for name, values in data[key]["rows"].items():
            matches = [rest for title, rest in rows.items() if name in title]
            assert len(matches) == 1, f"the README's benchmark table has {len(matches)} rows for {name!r}"
            row = matches[0]
            numbers = [float(n) for n in re.findall(r"\d+(?:\.\d+)?", row)]
            for value in values:
                assert value in numbers, f"{name}: {value} is not in the README's row {row!r}"
                checked += 1
    assert checked == 21


def test_the_benchmarks_page_carries_the_readmes_table() -> None:
    page = (DOCS / "benchmarks.md").read_text(encoding="utf-8")
    for title, rest in _readme_benchmark_rows().items():
        assert f"| {title} | {rest}" in page, f"docs/benchmarks.md lacks the README's row {title!r}"
