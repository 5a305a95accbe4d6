"""What a plain ``pip install mws-async`` gives: client CPU per call beside python-amazon-mws 0.8.15.

``python -m benchmarks.bare_install [--rounds 3] [--n 400]``

A fresh virtual environment gets this checkout installed with no extras, plus the peer (mws 0.8.15) and the
sandbox's server (uvicorn, which runs in its own process and is no part of the client). Workers run with
that environment's interpreter. Configurations, interleaved round-robin, medians over rounds:

- "plain install": mws-async as installed (its default transport and parser; the banner of each run says
  which were picked);
- "pure stack": the same install told to use httpx's own transport and the pure-Python parser
  (``MWS_ASYNC_HTTP_TRANSPORT=httpx``, ``MWS_ASYNC_XML_PARSER=xmltodict``), i.e. what a plain install ran
  before the fast stack became the default, and what runs where no wheel of it exists;
- "mws 0.8.15": python-amazon-mws in a thread pool (its best mode).

The workload is the ``cpu`` benchmark's: GetMatchingProductForId, 5 ISBNs, a ~13 KB answer, sandbox
throttling off, at 20 and at 1 call in flight.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from benchmarks import _support as S
from benchmarks._support import Row, Section

METHOD = (
    "Fresh venv: `pip install <checkout>` (no extras) + mws==0.8.15 (+ uvicorn for the sandbox process). "
    "Sandbox in its own process, throttling off. Each configuration in a fresh worker process with that "
    "venv's interpreter: warm-up, then N GetMatchingProductForId calls (5 ISBNs, ~13 KB) with C in flight; "
    "CPU = process_time / N; rounds interleaved, medians."
)
PURE = {"MWS_ASYNC_HTTP_TRANSPORT": "httpx", "MWS_ASYNC_XML_PARSER": "xmltodict"}
CONFIGS: list[tuple[str, dict[str, object], dict[str, str]]] = [
    ("plain install", {"client": "mws-async", "transport": "default", "parser": None}, {}),
    ("pure stack", {"client": "mws-async", "transport": "default", "parser": None}, PURE),
    ("mws 0.8.15", {"client": "mws"}, {}),
]


def fresh_venv(folder: Path) -> str:
    """A venv in ``folder`` with a plain install of this checkout and the peer; returns its python."""
    subprocess.run([sys.executable, "-m", "venv", str(folder)], check=True)
    python = str(folder / ("Scripts" if sys.platform == "win32" else "bin") / "python")
    pip = [python, "-m", "pip", "install", "-q", "--disable-pip-version-check"]
    subprocess.run([*pip, str(S.REPO), "mws==0.8.15", "uvicorn"], check=True)
    return python


def stack_of(python: str, env: dict[str, str]) -> str:
    code = "from mws_async import http, xml; print(http.default_transport_name(), xml.current_parser())"
    done = subprocess.run(
        [python, "-c", code], capture_output=True, text=True, check=True, env={**os.environ, **env}
    )
    return done.stdout.strip()


def run(rounds: int = 3, n: int = 400) -> Section:
    section = Section("bare_install", METHOD)
    ids = S.sample_ids("ISBN", 5)
    cpu: dict[tuple[str, int], list[float]] = {}
    with tempfile.TemporaryDirectory(prefix="mws-async-bare-") as tmp:
        python = fresh_venv(Path(tmp) / "venv")
        stacks = {name: stack_of(python, env) for name, _, env in CONFIGS if name != "mws 0.8.15"}
        with S.sandbox_process(throttling=False) as sb:
            base = {"base_url": sb.base_url, "port": sb.port, "ids": ids}
            for _ in range(rounds):
                for name, cfg, env in CONFIGS:
                    for conc in (20, 1):
                        spec = {**base, **cfg, "concurrency": conc, "n": n}
                        r = S.run_worker("cpu", python=python, env_extra=env, **spec)
                        cpu.setdefault((name, conc), []).append(r["cpu_ms"])
    section.raw.update({"cpu_ms": {f"{k[0]} @c{k[1]}": v for k, v in cpu.items()}, "stacks": stacks})
    for conc in (20, 1):
        peer = S.median(cpu[("mws 0.8.15", conc)])
        for name, _, _ in CONFIGS:
            value = S.median(cpu[(name, conc)])
            ratio = S.ratio(value, peer)
            row = Row("bare_install", f"CPU/request @c{conc}", name, value, "ms", ratio, "mws 0.8.15")
            row.note = stacks.get(name, "")
            section.rows.append(row)
    return section


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--n", type=int, default=400)
    args = parser.parse_args()
    S.run_main("bare_install", lambda: run(args.rounds, args.n))


if __name__ == "__main__":
    main()
