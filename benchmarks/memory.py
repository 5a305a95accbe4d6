"""Memory: peak RSS growth of a client process while streaming a 200 MB+ report to disk
(``client.reports.get_report``) and while running a 1,000,000-id bulk lookup from a file generator
(``client.products.lookup_many``).

``python -m benchmarks.memory [--report-mb MB] [--ids N] [--time-limit S]``
"""

from __future__ import annotations

import argparse
from pathlib import Path

from benchmarks import _support as S
from benchmarks._support import Row, Section

METHOD = (
    "Client in a worker process, sandbox in another. Report: RequestReport(_GET_SANDBOX_LARGE_REPORT_, "
    "ReportOptions size=MB) on a sandbox at 1000x (report ready in 60 ms), then get_report(report_id, path); "
    "growth = ru_maxrss after - RSS just before get_report. Bulk: lookup_many over a generator reading N "
    "distinct valid ISBN-13s from a file (synthetic: 978 + 9-digit counter + check digit; most are not in "
    "the sandbox catalog, so answers are per-id errors), sandbox throttling off, client time scale "
    "10000x, 8 in flight; growth = ru_maxrss at the end - RSS before the run, RSS sampled every 50k ids. "
    "The lookup stops at a time limit to bound the run; the row says if it did."
)


def isbn13(n: int) -> str:
    body = f"978{n:09d}"
    total = sum(int(d) * (1 if i % 2 == 0 else 3) for i, d in enumerate(body))
    return body + str((10 - total % 10) % 10)


def ids_file(n: int) -> Path:
    path = S.RESULTS / f"isbns-{n}.txt"
    if not path.exists() or sum(1 for _ in path.open()) != n:
        S.RESULTS.mkdir(parents=True, exist_ok=True)
        with path.open("w") as fh:
            for i in range(n):
                fh.write(isbn13(100_000_000 + i * 7) + "\n")
    return path


def run(report_mb: int = 200, n_ids: int = 1_000_000, time_limit: float = 150.0) -> Section:
    section = Section("memory", METHOD)
    size = report_mb * 1024 * 1024 + 17
    with S.sandbox_process(time_scale=1000.0, throttling=True, catalog_size=100_000, order_count=100) as sb:
        rep = S.run_worker(
            "memory",
            what="report",
            base_url=sb.base_url,
            size=size,
            time_scale=1000.0,
            seller="A2SANDBOXSELLER",
        )
    section.raw["report"] = rep
    section.rows.append(
        Row(
            "memory",
            f"get_report {rep['size_bytes'] / 1e6:.0f} MB to disk: peak RSS growth",
            "mws-async",
            rep["growth_mb"],
            "MB",
            S.ratio(rep["growth_mb"], rep["size_bytes"] / 2**20),
            "report size",
            f"peak RSS {rep['peak_mb']:.0f} MB, {rep['mb_per_s']:.0f} MB/s",
        )
    )
    path = ids_file(n_ids)
    with S.sandbox_process(throttling=False, catalog_size=1_000_000, order_count=100, log_size=1000) as sb:
        look = S.run_worker(
            "memory",
            what="lookup",
            base_url=sb.base_url,
            ids_file=str(path),
            time_scale=10_000.0,
            concurrency=8,
            time_limit=time_limit,
            timeout=time_limit + 300,
        )
    section.raw["lookup"] = look
    note = f"{look['ids_done']:,} ids in {look['wall_s']:.0f}s ({look['ids_per_s']:.0f} ids/s)"
    if not look["complete"]:
        note += f"; stopped at the {time_limit:.0f}s limit"
    section.rows.append(
        Row(
            "memory",
            f"lookup_many {n_ids:,} ids from a file: peak RSS growth",
            "mws-async",
            look["growth_mb"],
            "MB",
            note=note,
        )
    )
    samples = look.get("rss_samples") or []
    if len(samples) >= 2:
        (n0, r0), (n1, r1) = samples[0], samples[-1]
        per_100k = (r1 - r0) / max(1, n1 - n0) * 100_000
        section.rows.append(
            Row(
                "memory",
                "lookup_many RSS slope after the first 50k ids",
                "mws-async",
                per_100k,
                "MB / 100k ids",
                note=f"RSS {r0:.0f} MB at {n0:,} -> {r1:.0f} MB at {n1:,}",
            )
        )
    section.rows.append(
        Row("memory", "lookup_many client CPU per request", "mws-async", look["cpu_ms_per_request"], "ms")
    )
    return section


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--report-mb", type=int, default=200)
    parser.add_argument("--ids", type=int, default=1_000_000)
    parser.add_argument("--time-limit", type=float, default=150.0)
    args = parser.parse_args()
    S.run_main("memory", lambda: run(args.report_mb, args.ids, args.time_limit))


if __name__ == "__main__":
    main()
