"""The recorded MWS responses the tests use live in the repository, complete and accounted for."""

from __future__ import annotations

import csv

from support import FIXTURES


def _manifest() -> list[dict[str, str]]:
    with (FIXTURES / "MANIFEST.tsv").open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


def test_fixtures_live_inside_the_repository() -> None:
    repo = FIXTURES.parents[1]
    assert (repo / "pyproject.toml").is_file(), f"fixtures at {FIXTURES} are outside the repository"


def test_every_manifest_row_has_its_file() -> None:
    rows = _manifest()
    missing = [row["file"] for row in rows if not (FIXTURES / row["file"]).is_file()]
    assert len(rows) > 500
    assert missing == []


def test_every_recorded_file_has_a_manifest_row() -> None:
    listed = {row["file"] for row in _manifest()}
    on_disk = {
        str(path.relative_to(FIXTURES))
        for path in FIXTURES.rglob("*")
        if path.is_file() and path.name not in ("MANIFEST.tsv", "README.md")
    }
    assert on_disk - listed == set()


def test_no_hidden_files_are_copied() -> None:
    assert [p.name for p in FIXTURES.rglob(".*")] == []
