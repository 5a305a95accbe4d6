"""Build-time generator of the API reference: one entry per public name of ``mws_async`` and
``mws_async.spapi``, read from their ``__all__`` so a new export appears without editing a page.

Run by mkdocs-gen-files during ``mkdocs build``; each entry is rendered by mkdocstrings from the docstrings.
"""

from __future__ import annotations

import importlib
import inspect

import mkdocs_gen_files

PAGES = {
    "mws_async": (
        "reference/mws_async.md",
        "The client, its configuration, and every error it raises (all rooted at `MWSError`). Sections "
        "(`client.products`, `client.orders`, ...) are documented with `MWSClient`'s attributes; the sandbox "
        "is `mws_async.sandbox.Sandbox` (see [The sandbox](../sandbox.md)).",
    ),
    "mws_async.spapi": (
        "reference/spapi.md",
        "The Selling Partner API's Product Pricing v0 on the same engine (see "
        "[SP-API migration](../spapi-migration.md)).",
    ),
}
KINDS = (("Classes", inspect.isclass), ("Functions", inspect.isroutine), ("Constants", lambda _obj: True))


def page(module_name: str, intro: str) -> str:
    """The reference page of one module: its public names by kind, each rendered from its docstring."""
    module = importlib.import_module(module_name)
    names = sorted(module.__all__, key=str.lower)
    lines = [f"# `{module_name}`", "", intro, "", f"Every name in `{module_name}.__all__`:", ""]
    done: set[str] = set()
    for title, kind in KINDS:
        group = [name for name in names if name not in done and kind(getattr(module, name))]
        if not group:
            continue
        lines += [f"## {title}", ""]
        for name in group:
            done.add(name)
            lines += [f"::: {module_name}.{name}", ""]
    return "\n".join(lines)


for module_name, (path, intro) in PAGES.items():
    with mkdocs_gen_files.open(path, "w") as out:
        out.write(page(module_name, intro))
