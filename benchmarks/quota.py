"""Quota efficiency: time achieved / the fastest time the restore rate allows (``spec.bound``), and
throttled responses, for GetMatchingProductForId (per item), ListMatchingProducts (per request) and
ListOrders pagination, mws-async vs the peers run as their users would (thread pool + retry-on-throttle).

``python -m benchmarks.quota [--rounds N] [--time-scale X]``
"""

from __future__ import annotations

import argparse
import secrets
import string
from typing import Any

from benchmarks import _support as S
from benchmarks._support import Row, Section

METHOD = (
    "Sandbox in a separate process with its buckets on and every restore rate scaled by X (the client uses "
    "the same X). Every run uses a fresh seller id, so both sides start with a full bucket. Jobs: "
    "GetMatchingProductForId over N ISBNs (lookup_many, 8 in flight; peers: 8 threads x 5-id calls), "
    "ListMatchingProducts x M queries (8 in flight), ListOrders + ByNextToken for P pages (sequential). "
    "Efficiency = wall time / QuotaSpec.bound(units, X) (1.00 = as fast as the quota allows; the bound "
    "ignores latency, so small excesses are expected). Peers: their own client in a thread pool with the "
    "loop their docs suggest: catch the throttle error, sleep (starting at the restore time of one call, "
    "doubling), retry; boto's built-in 5xx retries are turned off so the same loop applies. Throttled = "
    "503 RequestThrottled answers the sandbox sent. Medians over rounds (clients interleaved)."
)
_ALNUM = string.ascii_uppercase + string.digits


def _seller() -> str:
    return "A" + "".join(secrets.choice(_ALNUM) for _ in range(13))


def run(rounds: int = 3, time_scale: float = 50.0) -> Section:
    from mws_async.throttle import QuotaTable

    section = Section("quota", METHOD)
    table = QuotaTable.default()
    n_ids, n_queries, n_pages = 800, 50, 9
    ids = S.sample_ids("ISBN", n_ids, start=1000)
    queries = [
        f"{noun} {i}" for i, noun in enumerate(["Lantern", "Backpack", "Blender", "Notebook", "Garden"] * 10)
    ]
    jobs: dict[str, dict[str, Any]] = {
        "GetMatchingProductForId": {"ids": ids, "units": n_ids, "concurrency": 8},
        "ListMatchingProducts": {"queries": queries[:n_queries], "units": n_queries, "concurrency": 8},
        "ListOrders": {
            "created_after": "2020-01-01T00:00:00+00:00",
            "per_page": 20,
            "pages": n_pages,
            "units": n_pages,
        },
    }
    specs = {
        "GetMatchingProductForId": table["Products.GetMatchingProductForId"],
        "ListMatchingProducts": table["Products.ListMatchingProducts"],
        "ListOrders": table["Orders.ListOrders"],
    }
    clients = ["mws-async", "mws", "boto"]
    walls: dict[tuple[str, str], list[float]] = {}
    throttled: dict[tuple[str, str], list[float]] = {}
    with S.sandbox_process(time_scale=time_scale, throttling=True) as sb:
        for _ in range(rounds):
            for op, job in jobs.items():
                for client in clients:
                    sb.reset()
                    r = S.run_worker(
                        "quota",
                        client=client,
                        op=op,
                        time_scale=time_scale,
                        base_url=sb.base_url,
                        port=sb.port,
                        seller=_seller(),
                        **job,
                    )
                    if r["units"] != job["units"]:
                        raise AssertionError(f"{client} {op}: {r['units']} units, expected {job['units']}")
                    stats = sb.stats()
                    walls.setdefault((op, client), []).append(r["wall_s"])
                    throttled.setdefault((op, client), []).append(
                        stats["throttled"] + stats["quota_exceeded"]
                    )
    section.raw = {
        "time_scale": time_scale,
        "wall_s": {f"{k[0]} {k[1]}": v for k, v in walls.items()},
        "throttled": {f"{k[0]} {k[1]}": v for k, v in throttled.items()},
    }
    for op, job in jobs.items():
        bound = specs[op].bound(job["units"], time_scale)
        unit = "items" if op == "GetMatchingProductForId" else ("pages" if op == "ListOrders" else "requests")
        for client in clients:
            wall = S.median(walls[(op, client)])
            section.rows.append(
                Row(
                    "quota",
                    f"{op} {job['units']} {unit}: time / bound",
                    client,
                    wall / bound if bound else None,
                    f"× bound {bound:.2f}s",
                    S.ratio(wall, S.median(walls[(op, "mws-async")])),
                    "mws-async time",
                    f"{wall:.2f}s, throttled {S.median(throttled[(op, client)]):.0f}",
                )
            )
    return section


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--time-scale", type=float, default=50.0)
    args = parser.parse_args()
    S.run_main("quota", lambda: run(args.rounds, args.time_scale))


if __name__ == "__main__":
    main()
