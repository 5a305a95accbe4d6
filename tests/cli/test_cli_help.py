"""Help reads like a normal command line: no type placeholders, and it only offers what works."""

from __future__ import annotations

import pytest
from cli.cli_support import invoke

from mws_async.cli import EXIT_OK

COMMANDS = [
    [],
    ["lookup"],
    ["pricing"],
    ["offers"],
    ["orders"],
    ["report"],
    ["sandbox"],
    ["sandbox", "ids"],
    ["demo"],
]


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c) or "main")
def test_help_has_no_rendering_artifacts(command: list[str]) -> None:
    result = invoke([*command, "--help"])
    assert result.code == EXIT_OK, result.stderr
    text = result.stdout
    assert "Usage:" in text
    for artifact in ("<bool>", "<str>", "<path>", "<list[", "{", "}"):
        assert artifact not in text, (artifact, text)


def test_lookup_help_names_the_argument_in_capitals_and_every_id_type() -> None:
    text = invoke(["lookup", "--help"]).stdout
    assert "IDS_FILE" in text
    for id_type in ("ISBN", "UPC", "EAN", "JAN", "ASIN", "SellerSKU", "GCID"):
        assert id_type in text


@pytest.mark.parametrize("command", ["pricing", "offers"])
def test_pricing_and_offers_help_offer_only_asin_and_sku(command: str) -> None:
    text = invoke([command, "--help"]).stdout
    assert "ASIN" in text and "SellerSKU" in text
    for refused in ("ISBN", "UPC", "GCID"):
        assert refused not in text


def test_main_help_lists_debug() -> None:
    assert "--debug" in invoke(["--help"]).stdout


def test_no_arguments_shows_the_help() -> None:
    result = invoke([])
    assert "Usage:" in result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr
