"""Many sellers: 500 sellers, each with its own buckets, in one client process: requests/s and CPU per
request, compared with the same number of requests for one seller with throttling off.

``python -m benchmarks.sellers [--sellers N] [--per-seller K] [--rounds R]``
"""

from __future__ import annotations

import argparse
import secrets
import string

from benchmarks import _support as S
from benchmarks._support import Row, Section

METHOD = (
    "One MWSClient (default transport and parser), one worker process; sandbox in another process with "
    "buckets on at 50x. Each of S sellers ('A' + 13 random uppercase/digits) makes K GetMatchingProductForId "
    "calls of 5 ISBNs (K*5 <= the 20-item burst, so no waiting is needed), 20 in flight across sellers: "
    "S*K requests through S separate buckets. Reference: the same number of requests for one seller, "
    "throttling off on both sides, same process layout. Medians over rounds."
)
_ALNUM = string.ascii_uppercase + string.digits


def run(n_sellers: int = 500, per_seller: int = 4, rounds: int = 3) -> Section:
    section = Section("sellers", METHOD)
    ids = S.sample_ids("ISBN", 5)
    many: dict[str, list[float]] = {}
    one: dict[str, list[float]] = {}
    with (
        S.sandbox_process(time_scale=50.0, throttling=True) as sb,
        S.sandbox_process(throttling=False) as free,
    ):
        for _ in range(rounds):
            sellers = ["A" + "".join(secrets.choice(_ALNUM) for _ in range(13)) for _ in range(n_sellers)]
            sb.reset()
            r = S.run_worker(
                "sellers",
                base_url=sb.base_url,
                time_scale=50.0,
                sellers=sellers,
                per_seller=per_seller,
                ids=ids,
                concurrency=20,
            )
            r["throttled_server"] = sb.stats()["throttled"]
            for k, v in r.items():
                many.setdefault(k, []).append(v)
            r = S.run_worker(
                "sellers",
                base_url=free.base_url,
                time_scale=10_000.0,
                sellers=[S.SANDBOX_SELLER_ID],
                per_seller=n_sellers * per_seller,
                ids=ids,
                concurrency=20,
            )
            for k, v in r.items():
                one.setdefault(k, []).append(v)
    m = {k: S.median(v) for k, v in many.items()}
    o = {k: S.median(v) for k, v in one.items()}
    section.raw = {"many": many, "one": one}
    label = f"{n_sellers} sellers × {per_seller} calls"
    section.rows += [
        Row(
            "sellers",
            f"{label}: throughput",
            "mws-async",
            m["rps"],
            "req/s",
            S.ratio(m["rps"], o["rps"]),
            "1 seller, no throttling",
            f"{m['buckets']:.0f} buckets, throttled {m['throttled_server']:.0f}",
        ),
        Row(
            "sellers",
            f"{label}: CPU/request",
            "mws-async",
            m["cpu_ms"],
            "ms",
            S.ratio(m["cpu_ms"], o["cpu_ms"]),
            "1 seller, no throttling",
            f"1 seller: {o['cpu_ms']:.2f} ms, {o['rps']:.0f} req/s",
        ),
    ]
    return section


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sellers", type=int, default=500)
    parser.add_argument("--per-seller", type=int, default=4)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    S.run_main("sellers", lambda: run(args.sellers, args.per_seller, args.rounds))


if __name__ == "__main__":
    main()
