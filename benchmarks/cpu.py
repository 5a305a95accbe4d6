"""Client cost per request: client-process CPU per GetMatchingProductForId (5 ISBNs, ~13 KB answer) and
throughput at 1/10/100 concurrent requests, mws-async (every transport x parser) vs python-amazon-mws
0.8.15 and boto 2.49, with the floors (raw httpx POST over each transport, raw parse of the same body).

``python -m benchmarks.cpu [--rounds N] [--n REQUESTS] [--profile]``
"""

from __future__ import annotations

import argparse
from typing import Any

from benchmarks import _support as S
from benchmarks._support import Row, Section

METHOD = (
    "Sandbox in a separate process (throttling off); each configuration runs in a "
    "fresh worker process: warm-up, then N GetMatchingProductForId calls (5 ISBNs, ~13 KB body) with C in "
    "flight (asyncio tasks; peers: thread pools), CPU = time.process_time() of the worker / N. Rounds are "
    "interleaved (every configuration once per round); figures are medians over rounds. Floor = raw httpx "
    "POST of the same pre-signed body over that transport + raw parse (xmltodict[_rs].parse) of the body."
)

CONFIGS: list[tuple[str, dict[str, Any]]] = [
    ("mws-async httpx+xmltodict", {"client": "mws-async", "transport": "httpx", "parser": "xmltodict"}),
    ("mws-async httpx+xmltodict-rs", {"client": "mws-async", "transport": "httpx", "parser": "xmltodict-rs"}),
    ("mws-async aiohttp+xmltodict", {"client": "mws-async", "transport": "aiohttp", "parser": "xmltodict"}),
    (
        "mws-async aiohttp+xmltodict-rs",
        {"client": "mws-async", "transport": "aiohttp", "parser": "xmltodict-rs"},
    ),
    ("mws-async default", {"client": "mws-async", "transport": "default", "parser": "xmltodict-rs"}),
    ("mws 0.8.15", {"client": "mws"}),
    ("boto 2.49", {"client": "boto"}),
    ("raw httpx POST (httpcore)", {"client": "raw", "transport": "httpx"}),
    ("raw httpx POST (AiohttpTransport)", {"client": "raw", "transport": "aiohttp"}),
]
THROUGHPUT = ["mws-async default", "mws 0.8.15", "boto 2.49"]


def run(rounds: int = 3, n: int = 400, profile: bool = False) -> Section:
    section = Section("cpu", METHOD)
    ids = S.sample_ids("ISBN", 5)
    cpu: dict[tuple[str, int], list[float]] = {}
    rps: dict[tuple[str, int], list[float]] = {}
    parse_ms: dict[str, list[float]] = {}
    with S.sandbox_process(throttling=False) as sb:
        base = {"base_url": sb.base_url, "port": sb.port, "ids": ids}
        for _ in range(rounds):
            for name, cfg in CONFIGS:
                for conc in (1, 20):
                    r = S.run_worker("cpu", **base, **cfg, concurrency=conc, n=n)
                    cpu.setdefault((name, conc), []).append(r["cpu_ms"])
                    rps.setdefault((name, conc), []).append(r["rps"])
                    for parser, ms in r.get("parse_ms", {}).items():
                        parse_ms.setdefault(parser, []).append(ms)
            for name in THROUGHPUT:
                cfg = dict(CONFIGS)[name]
                for conc in (10, 100):
                    r = S.run_worker("cpu", **base, **cfg, concurrency=conc, n=max(n, 4 * conc))
                    rps.setdefault((name, conc), []).append(r["rps"])
                    cpu.setdefault((name, conc), []).append(r["cpu_ms"])
        if profile:
            prof = S.run_worker(
                "cpu", **base, **dict(CONFIGS)["mws-async default"], concurrency=20, n=1000, profile=True
            )
            section.raw["profile_mws_async_default_c20"] = prof["profile"]
            print(prof["profile"])
        section.raw["server"] = sb.stats()
    med = {k: S.median(v) for k, v in cpu.items()}
    med_rps = {k: S.median(v) for k, v in rps.items()}
    pmed = {k: S.median(v) for k, v in parse_ms.items()}
    section.raw.update(
        {
            "cpu_ms": {f"{k[0]} @c{k[1]}": v for k, v in cpu.items()},
            "rps": {f"{k[0]} @c{k[1]}": v for k, v in rps.items()},
            "raw_parse_ms": parse_ms,
            "rounds": rounds,
            "n": n,
        }
    )
    best_peer = {c: min(med[("mws 0.8.15", c)], med[("boto 2.49", c)]) for c in (1, 20)}
    floors = {
        ("httpx", "xmltodict"): "raw httpx POST (httpcore)",
        ("httpx", "xmltodict-rs"): "raw httpx POST (httpcore)",
        ("aiohttp", "xmltodict"): "raw httpx POST (AiohttpTransport)",
        ("aiohttp", "xmltodict-rs"): "raw httpx POST (AiohttpTransport)",
    }
    for conc in (1, 20):
        for name, cfg in CONFIGS:
            value = med[(name, conc)]
            row = Row("cpu", f"CPU/request @c{conc}", name, value, "ms")
            if cfg["client"] in ("mws-async", "mws", "boto"):
                row.ratio, row.ratio_to = S.ratio(value, best_peer[conc]), "best peer"
                transport = cfg.get("transport")
                if transport == "default":
                    transport = _default_transport()
                if transport:
                    floor_name = floors[(transport, cfg["parser"])]
                    floor = med[(floor_name, conc)] + pmed.get(cfg["parser"], float("nan"))
                    row.note = f"floor {floor:.3f} ms, ×{value / floor:.2f} of floor"
                    if name == "mws-async default":
                        row.ratios = {
                            "× floor": S.ratio(value, floor),
                            "× mws 0.8.15": S.ratio(value, med[("mws 0.8.15", conc)]),
                        }
            section.rows.append(row)
        # The floor of the default stack as a row of its own: the same signed POST through httpx over its
        # default transport, plus the raw parse of the body (what any client must at least spend).
        default_floor = floors[(_default_transport(), "xmltodict-rs")]
        section.rows.append(
            Row(
                "cpu",
                f"CPU/request @c{conc}",
                f"floor: {default_floor} + xmltodict-rs parse",
                med[(default_floor, conc)] + pmed.get("xmltodict-rs", float("nan")),
                "ms",
                note="floor of mws-async default",
            )
        )
    for parser, ms in pmed.items():
        section.rows.append(Row("cpu", "raw parse of the 13 KB body", parser, ms, "ms", note="floor"))
    for conc in (1, 10, 20, 100):
        ref = med_rps.get(("mws 0.8.15", conc))
        for name in THROUGHPUT + (["mws-async aiohttp+xmltodict-rs"] if conc in (1, 20) else []):
            if (name, conc) in med_rps:
                section.rows.append(
                    Row(
                        "cpu",
                        f"throughput @c{conc}",
                        name,
                        med_rps[(name, conc)],
                        "req/s",
                        S.ratio(med_rps[(name, conc)], ref),
                        "mws 0.8.15",
                        f"{med[(name, conc)]:.2f} ms CPU/req",
                    )
                )
    return section


def _default_transport() -> str:
    from mws_async.http import default_transport_name

    return default_transport_name()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--n", type=int, default=400)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    S.run_main("cpu", lambda: run(args.rounds, args.n, args.profile))


if __name__ == "__main__":
    main()
