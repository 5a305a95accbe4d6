"""Build-time generator of ``cli.md``: every command's ``--help``, taken from the CLI itself.

Walks the click command tree that typer builds from :mod:`mws_async.cli` and runs each command's
``--help`` in process (the same output a terminal shows, at a fixed width and without colour), so the page
never drifts from the code. The hand-written part of the page is ``docs/gen/cli_intro.md``.

Run by mkdocs-gen-files during ``mkdocs build``; ``python docs/gen/cli_reference.py`` prints the page.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import typer
from typer.testing import CliRunner

from mws_async.cli import app

PAGE = "cli.md"
INTRO = Path(__file__).with_name("cli_intro.md")
# Fixed so the page is the same whatever terminal builds it.
HELP_ENV = {"COLUMNS": "100", "NO_COLOR": "1", "TERM": "dumb", "_TYPER_FORCE_DISABLE_TERMINAL": "1"}


def commands(group: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], Any]]:
    """Every visible command of the tree, depth first, in the order ``--help`` lists them. (Duck-typed:
    typer 0.26 builds the tree from the click it vendors, not from an installed click.)"""
    yield path, group
    if hasattr(group, "list_commands"):
        ctx = type(group).context_class(group, info_name=" ".join(("mws-async", *path)))
        for name in group.list_commands(ctx):
            command = group.get_command(ctx, name)
            if command is not None and not command.hidden:
                yield from commands(command, (*path, name))


def help_text(path: tuple[str, ...]) -> str:
    """What ``mws-async PATH --help`` prints."""
    previous = {key: os.environ.get(key) for key in HELP_ENV}
    os.environ.update(HELP_ENV)  # rich reads the width from the environment when the console is made
    try:
        result = CliRunner().invoke(app, [*path, "--help"], prog_name="mws-async", env=HELP_ENV)
    finally:
        for key, value in previous.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    if result.exit_code != 0:
        raise RuntimeError(f"'mws-async {' '.join(path)} --help' exited {result.exit_code}: {result.output}")
    return "\n".join(line.rstrip() for line in result.output.splitlines()).strip("\n")


def page() -> str:
    """The whole page: the hand-written introduction, then one section per command."""
    parts = [INTRO.read_text(encoding="utf-8").rstrip(), "", "## Reference (generated from the CLI)", ""]
    parts.append(
        "Everything below is the output of each command's `--help`, captured from the installed CLI when "
        "this site was built."
    )
    for path, _command in commands(typer.main.get_command(app)):
        title = " ".join(("mws-async", *path))
        parts += ["", f"### `{title}`", "", "```text", help_text(path), "```"]
    return "\n".join(parts) + "\n"


def main() -> None:
    """Write the page into the site (mkdocs-gen-files runs this file with another ``__name__``), or print it
    when run alone."""
    text = page()
    if __name__ == "__main__":
        sys.stdout.write(text)
        return
    import mkdocs_gen_files

    with mkdocs_gen_files.open(PAGE, "w") as out:
        out.write(text)


main()
