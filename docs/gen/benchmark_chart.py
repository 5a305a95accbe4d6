"""Build-time picture: bar charts of the benchmark ratios, mws-async vs python-amazon-mws and boto 2.

The figures are those of the README's benchmark table (``nox -s bench``, method in benchmarks/README.md),
transcribed into ``docs/data/benchmarks.json`` with their date and machine; ``tests/test_docs.py`` checks
that every figure there still appears in the README's table, so the chart cannot drift from it. Nothing
is measured here: the benchmarks take minutes, the docs build must not.

Run by mkdocs-gen-files during ``mkdocs build`` (writes ``img/benchmark-ratios.png`` and puts it where
``benchmarks.md`` has the marker); ``python docs/gen/benchmark_chart.py OUT.png`` runs it alone.
"""

from __future__ import annotations

import json
import sys
import tempfile
import textwrap
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")  # no display: render to a file
import matplotlib.pyplot as plt

DATA = Path(__file__).resolve().parents[1] / "data" / "benchmarks.json"
PAGE = "benchmarks.md"
MARKER = "<!-- benchmark-chart -->"
COLOURS = ("tab:blue", "tab:grey", "tab:brown")


def _bars(ax: Any, rows: dict[str, list[float]], clients: list[str], labels: list[list[str]]) -> None:
    """Grouped bars: one group per row, one bar per client, each labelled."""
    width = 0.8 / len(clients)
    for c, client in enumerate(clients):
        xs = [r + (c - (len(clients) - 1) / 2) * width for r in range(len(rows))]
        values = [row[c] for row in rows.values()]
        bars = ax.bar(xs, values, width, label=client, color=COLOURS[c])
        ax.bar_label(bars, [label[c] for label in labels], fontsize=7, padding=2)
    ax.set_xticks(range(len(rows)), [textwrap.fill(name, 17) for name in rows], fontsize=8)
    ax.grid(axis="y", alpha=0.3)


def draw(data: dict[str, Any], out: Path) -> str:
    """The three panels; returns the caption."""
    clients: list[str] = data["clients"]
    fig, axes = plt.subplots(1, 3, figsize=(13, 4.6), layout="constrained")

    quota = data["time_over_bound"]
    labels = [
        [f"{v:.2f}\n{t} thr." for v, t in zip(values, quota["throttled"][name], strict=True)]
        for name, values in quota["rows"].items()
    ]
    _bars(axes[0], quota["rows"], clients, labels)
    axes[0].axhline(1.0, color="black", ls="--", lw=0.8)
    axes[0].set_ylim(0.9, 1.65)
    axes[0].set_title("time ÷ quota bound (lower is better;\n1.0 = the bound, dashed)", fontsize=9)

    for ax, key in ((axes[1], "cpu_ms"), (axes[2], "parse_ms")):
        rows = data[key]["rows"]
        # The README's own ratios where it states them (computed before rounding), else value ÷ ours.
        stated = data[key].get("ratios", {})
        relative = {name: stated.get(name) or [v / rows[name][0] for v in rows[name]] for name in rows}
        labels = [
            [f"{v:g} ms\n{r:.1f}×" for v, r in zip(values, relative[name], strict=True)]
            for name, values in rows.items()
        ]
        _bars(ax, relative, clients, labels)
        ax.set_ylim(0, max(max(v) for v in relative.values()) * 1.25)
        ax.set_title(f"{data[key]['title']}\nas a multiple of mws-async's (lower is better)", fontsize=9)
    fig.legend(*axes[0].get_legend_handles_labels(), loc="outside lower center", ncols=3, fontsize=9)
    fig.savefig(out, dpi=110)
    plt.close(fig)
    return (
        f"Figures from the README's benchmark table ({data['source']}), kept in `docs/data/benchmarks.json` "
        "and drawn by `docs/gen/benchmark_chart.py` when this site was built. Left: time for a job ÷ the "
        "fastest time the quota allows, with the 503s each client received; middle and right: CPU per call "
        "and parse + validate time as multiples of mws-async's, absolute values on the bars."
    )


def main() -> None:
    """Under mkdocs-gen-files: write the picture into the site and put it, with its caption, where
    ``benchmarks.md`` has the marker; run alone: write the picture to ``argv[1]``."""
    data = json.loads(DATA.read_text(encoding="utf-8"))
    if __name__ == "__main__":
        sys.stdout.write(
            draw(data, Path(sys.argv[1] if len(sys.argv) > 1 else "benchmark-ratios.png")) + "\n"
        )
        return
    import mkdocs_gen_files

    with tempfile.TemporaryDirectory() as tmp:
        png = Path(tmp) / "benchmark-ratios.png"
        caption = draw(data, png)
        with mkdocs_gen_files.open("img/benchmark-ratios.png", "wb") as out:
            out.write(png.read_bytes())
    figure = (
        "![Bar charts: time ÷ quota bound, CPU per call and parse time of mws-async, python-amazon-mws and "
        f"boto 2](img/benchmark-ratios.png)\n\n*{caption}*"
    )
    with mkdocs_gen_files.open(PAGE, "r") as page:
        text = page.read()
    if MARKER not in text:
        raise RuntimeError(f"{PAGE} lacks the marker {MARKER} where the benchmark chart goes")
    with mkdocs_gen_files.open(PAGE, "w") as page:
        page.write(text.replace(MARKER, figure))


main()
