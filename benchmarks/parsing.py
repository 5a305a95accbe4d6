"""Parsing: parse + validate CPU per response for the recorded Products fixtures and large synthetic
responses, mws-async (both parser backends) vs python-amazon-mws's and boto 2's own parsing of the same
bytes, with raw ``xmltodict.parse`` / ``xmltodict_rs.parse`` as the floor.

``python -m benchmarks.parsing [--rounds N]``
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from benchmarks import _support as S
from benchmarks._support import Row, Section

METHOD = (
    "Each library parses the same bytes in its own worker process: mws-async = xml.parse + pydantic "
    "validation via the operation's parse() (both parser backends); mws 0.8.15 = DictWrapper (XML2Dict on "
    "ElementTree); boto 2.49 = ResponseFactory + XmlHandler over xml.sax (what MWSConnection does); floor = "
    "raw xmltodict[_rs].parse. CPU per parse = median of 5 timed batches per file; per-group figure = "
    "median over files; rounds interleave libraries; medians over rounds. Synthetic bodies come from the "
    "sandbox (ListMatchingProducts' 10 products repeated to 20; GetMatchingProductForId 5 ids x 20 = 100 "
    "results)."
)
LIBS = ["mws-async:xmltodict-rs", "mws-async:xmltodict", "mws", "boto", "raw:xmltodict-rs", "raw:xmltodict"]


def synthetic_bodies(directory: Path) -> list[Path]:
    """Large responses rendered by the sandbox in-process, written as files named like the fixtures."""
    import asyncio

    import httpx

    from mws_async import MWSClient
    from mws_async.sandbox import Sandbox

    captured: dict[str, bytes] = {}

    async def capture() -> None:
        sb = Sandbox(seed=0, catalog_size=100_000, order_count=10, throttling=False)

        async def hook(response: httpx.Response) -> None:
            await response.aread()
            captured[response.request.url.path + str(len(captured))] = response.content

        http = httpx.AsyncClient(transport=httpx.ASGITransport(app=sb.app), event_hooks={"response": [hook]})
        async with http, MWSClient(sb.credentials, base_url="http://127.0.0.1", http_client=http) as client:
            await client.products.list_matching_products("Lantern")
            await client.products.get_matching_product_for_id("ISBN", sb.world.sample_ids("ISBN", 5))

    asyncio.run(capture())
    lmp, gmpfi = list(captured.values())
    directory.mkdir(parents=True, exist_ok=True)
    out = []
    products = re.findall(rb"<Product(?:\s[^>]*)?>.*?</Product>", lmp, re.S)
    if len(products) != 10:
        raise AssertionError(f"expected 10 products, got {len(products)}")
    big_lmp = re.sub(
        rb"(<Products(?:\s[^>]*)?>).*</Products>",
        lambda m: m.group(1) + b"".join(products * 2) + b"</Products>",
        lmp,
        count=1,
        flags=re.S,
    )
    path = directory / "ListMatchingProducts__synthetic__20.xml"
    path.write_bytes(big_lmp)
    out.append(path)
    results = re.findall(rb"<GetMatchingProductForIdResult .*?</GetMatchingProductForIdResult>", gmpfi, re.S)
    start = gmpfi.index(results[0])
    end = gmpfi.index(results[-1]) + len(results[-1])
    big = gmpfi[:start] + b"".join(results * 20) + gmpfi[end:]
    path = directory / "GetMatchingProductForId__synthetic__100.xml"
    path.write_bytes(big)
    out.append(path)
    return out


def run(rounds: int = 3) -> Section:
    section = Section("parsing", METHOD)
    fixtures = sorted(str(p) for p in (S.FIXTURES / "Products").glob("*.xml"))
    synthetic = [str(p) for p in synthetic_bodies(S.RESULTS / "synthetic")]
    files = fixtures + synthetic
    times: dict[str, dict[str, list[float]]] = {lib: {} for lib in LIBS}
    for _ in range(rounds):
        for lib in LIBS:
            result = S.run_worker("parse", lib=lib, files=files, seconds_per_file=0.03)
            for path, ms in result["ms"].items():
                times[lib].setdefault(path, []).append(ms)
    med = {lib: {p: S.median(v) for p, v in per.items()} for lib, per in times.items()}
    section.raw = {"ms_per_file": med, "rounds": rounds, "files": len(files)}
    groups = {
        f"{len(fixtures)} recorded fixtures (median file)": fixtures,
        **{
            Path(p).name.replace(".xml", "") + f" ({Path(p).stat().st_size // 1024} KB)": [p]
            for p in synthetic
        },
    }
    for group, paths in groups.items():
        per_lib = {lib: S.median([med[lib][p] for p in paths]) for lib in LIBS}
        per_file_ratio = {
            lib: S.median([med[lib][p] / med["mws-async:xmltodict-rs"][p] for p in paths]) for lib in LIBS
        }
        for lib in LIBS:
            section.rows.append(
                Row(
                    "parsing",
                    group,
                    lib,
                    per_lib[lib],
                    "ms",
                    per_file_ratio[lib],
                    "mws-async:xmltodict-rs",
                    "floor" if lib.startswith("raw") else "",
                )
            )
    return section


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    S.run_main("parsing", lambda: run(args.rounds))


if __name__ == "__main__":
    main()
