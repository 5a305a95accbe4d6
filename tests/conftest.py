"""Fixtures every test module may use (the section tests add a sandbox and a client in their own)."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest


@pytest.fixture
def spool_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private temporary directory for the spool files (tempfile.tempdir points at it)."""
    folder = tmp_path / "spool"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder
