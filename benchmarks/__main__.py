"""``python -m benchmarks [name ...]`` (``nox -s bench``): run all or the named benchmarks, print one table
with every ratio and the method text, write ``benchmarks/results/latest.json`` plus a timestamped copy.

Names: quota, cpu, instructions, parsing, memory, sellers, loop_lag.
"""

from __future__ import annotations

import argparse
import time
import traceback
from collections.abc import Callable

from benchmarks import _support as S


def _registry(quick: bool) -> dict[str, Callable[[], S.Section]]:
    from benchmarks import cpu, instructions, loop_lag, memory, parsing, quota, sellers

    rounds = 1 if quick else 3
    return {
        "quota": lambda: quota.run(rounds=rounds),
        "cpu": lambda: cpu.run(rounds=rounds, n=200 if quick else 300, profile=not quick),
        "instructions": lambda: instructions.run(n=50 if quick else 200),
        "parsing": lambda: parsing.run(rounds=rounds),
        "memory": lambda: memory.run(time_limit=30.0 if quick else 150.0),
        "sellers": lambda: sellers.run(rounds=rounds),
        "loop_lag": lambda: loop_lag.run(rounds=rounds),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("names", nargs="*", help="benchmarks to run (default: all)")
    parser.add_argument("--quick", action="store_true", help="one round each, short bulk lookup")
    args = parser.parse_args()
    registry = _registry(args.quick)
    names = args.names or list(registry)
    unknown = [n for n in names if n not in registry]
    if unknown:
        parser.error(f"unknown benchmark(s) {unknown}; choose from {list(registry)}")
    sections = []
    for name in names:
        started = time.perf_counter()
        print(f"== {name} ...", flush=True)
        try:
            section = registry[name]()
        except Exception as exc:  # keep the other benchmarks' results
            traceback.print_exc()
            section = S.Section(name, "failed", [S.Row(name, "error", repr(exc)[:150], None, "")])
        section.seconds = time.perf_counter() - started
        sections.append(section)
        print(f"== {name} done in {section.seconds:.0f}s", flush=True)
    S.print_sections(sections)
    latest, stamped = S.write_results(sections)
    print(f"wrote {latest} and {stamped}")


if __name__ == "__main__":
    main()
