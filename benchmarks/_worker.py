"""Worker process for one measurement: ``python -m benchmarks._worker '<json spec>'``.

Each worker measures one client configuration and prints one JSON line. Running every configuration in
its own process keeps ``time.process_time()`` and ``ru_maxrss`` to that client alone, and keeps boto 2's
import side effects (vendored six) out of everything else.
"""

from __future__ import annotations

import asyncio
import cProfile
import io
import json
import pstats
import resource
import sys
import time
from collections.abc import Awaitable, Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from pathlib import Path
from typing import Any

from benchmarks import _support as S

Spec = dict[str, Any]


def _rss_mb() -> float:
    import psutil

    return float(psutil.Process().memory_info().rss) / (1024 * 1024)


def _maxrss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


async def _drive(one: Callable[[], Awaitable[Any]], n: int, concurrency: int) -> None:
    left = [n]

    async def worker() -> None:
        while left[0] > 0:
            left[0] -= 1
            await one()

    await asyncio.gather(*(worker() for _ in range(concurrency)))


def _drive_threads(one: Callable[[], Any], n: int, concurrency: int) -> None:
    with ThreadPoolExecutor(concurrency) as pool:
        for _ in pool.map(lambda _i: one(), range(n)):
            pass


def _profile_text(prof: cProfile.Profile, limit: int = 35) -> str:
    out = io.StringIO()
    stats = pstats.Stats(prof, stream=out)
    stats.sort_stats("tottime").print_stats(limit)
    out.write("\n---- cumulative ----\n")
    stats.sort_stats("cumulative").print_stats(limit)
    return out.getvalue()


# -- client cost per request ------------------------------------------------------------------------------


def _mws_async_client(spec: Spec, http: Any, **kw: Any) -> Any:
    from mws_async import MWSClient
    from mws_async.throttle import Throttler

    throttle = kw.pop("throttle", None) or Throttler(enabled=False)
    return MWSClient(
        S.mws_async_credentials(), base_url=spec["base_url"], http_client=http, throttle=throttle, **kw
    )


async def _cpu_mws_async(spec: Spec) -> dict[str, Any]:
    from mws_async import xml

    if spec.get("parser"):  # None: whatever the installed package picks by default
        xml.set_parser(spec["parser"])
    transport = spec["transport"]
    http = None if transport == "default" else S.make_http(transport)
    client = _mws_async_client(spec, http)
    ids: list[str] = spec["ids"]

    async def one() -> None:
        results = await client.products.get_matching_product_for_id("ISBN", ids)
        if len(results) != len(ids) or not results[0].ok:
            raise AssertionError("unexpected result")

    return await _measure_async(spec, one, client, http)


async def _measure_async(spec: Spec, one: Callable[[], Awaitable[Any]], *closers: Any) -> dict[str, Any]:
    n, conc = spec["n"], spec["concurrency"]
    await _drive(one, max(spec.get("warmup", 20), conc), conc)
    prof = cProfile.Profile() if spec.get("profile") else None
    cpu0, t0 = time.process_time(), time.perf_counter()
    if prof:
        prof.enable()
    await _drive(one, n, conc)
    if prof:
        prof.disable()
    cpu, wall = time.process_time() - cpu0, time.perf_counter() - t0
    for closer in closers:
        if closer is not None:
            await closer.aclose()
    out = {"n": n, "cpu_ms": 1000 * cpu / n, "wall_s": wall, "rps": n / wall}
    if prof:
        out["profile"] = _profile_text(prof)
    return out


async def _cpu_raw(spec: Spec) -> dict[str, Any]:
    """The transport floor: the same signed POST (signed once) through a bare httpx client."""
    from mws_async.sections.products import GET_MATCHING_PRODUCT_FOR_ID

    http = S.make_http(spec["transport"])
    client = _mws_async_client(spec, http)
    params, _ = GET_MATCHING_PRODUCT_FOR_ID.build(
        {"id_type": "ISBN", "ids": spec["ids"], "marketplace_id": S.US}, default_marketplace=S.US
    )
    request = GET_MATCHING_PRODUCT_FOR_ID.request(params, quota=None, cost=1)
    body = client.transport.signed_query(request).encode("ascii")
    url = spec["base_url"] + request.section.path
    headers = {
        "User-Agent": client.transport.user_agent,
        "Content-Type": "application/x-www-form-urlencoded; charset=utf-8",
    }
    last: list[bytes] = [b""]

    async def one() -> None:
        response = await http.post(url, content=body, headers=headers)
        if response.status_code != 200:
            raise AssertionError(response.text[:300])
        last[0] = response.content

    out = await _measure_async(spec, one, client, http)
    out["body_bytes"] = len(last[0])
    out["parse_ms"] = _raw_parse_times(last[0])
    return out


def _raw_parse_times(body: bytes, repeat: int = 300) -> dict[str, float]:
    """Raw parser floors on ``body``: CPU ms per parse, median of 5 batches."""
    import statistics

    import xmltodict

    parsers: dict[str, Callable[[bytes], Any]] = {"xmltodict": lambda b: xmltodict.parse(b)}
    try:
        import xmltodict_rs

        parsers["xmltodict-rs"] = lambda b: xmltodict_rs.parse(b)
    except ImportError:
        pass
    out: dict[str, float] = {}
    for name, parse in parsers.items():
        batches = []
        for _ in range(5):
            c0 = time.process_time()
            for _ in range(repeat // 5):
                parse(body)
            batches.append(1000 * (time.process_time() - c0) / (repeat // 5))
        out[name] = statistics.median(batches)
    return out


def _cpu_peer(spec: Spec) -> dict[str, Any]:
    import threading

    ids: list[str] = spec["ids"]
    client = spec["client"]
    if client == "mws":
        products = S.mws_products(spec["base_url"])

        def one() -> None:
            parsed = products.get_matching_product_for_id(S.US, "ISBN", ids).parsed
            if len(parsed) != len(ids):
                raise AssertionError("unexpected result")

    else:
        local = threading.local()

        def one() -> None:
            conn = getattr(local, "conn", None)
            if conn is None:
                conn = local.conn = S.boto_connection(spec["port"])
            result = conn.get_matching_product_for_id(MarketplaceId=S.US, IdType="ISBN", IdList=ids)
            if len(result.GetMatchingProductForIdResult) != len(ids):
                raise AssertionError("unexpected result")

    n, conc = spec["n"], spec["concurrency"]
    _drive_threads(one, max(spec.get("warmup", 20), conc), conc)
    prof = cProfile.Profile() if spec.get("profile") and conc == 1 else None
    cpu0, t0 = time.process_time(), time.perf_counter()
    if prof:
        prof.enable()
    _drive_threads(one, n, conc)
    if prof:
        prof.disable()
    cpu, wall = time.process_time() - cpu0, time.perf_counter() - t0
    out: dict[str, Any] = {"n": n, "cpu_ms": 1000 * cpu / n, "wall_s": wall, "rps": n / wall}
    if prof:
        out["profile"] = _profile_text(prof)
    return out


def cpu(spec: Spec) -> dict[str, Any]:
    client = spec["client"]
    if client == "mws-async":
        return asyncio.run(_cpu_mws_async(spec))
    if client == "raw":
        return asyncio.run(_cpu_raw(spec))
    return _cpu_peer(spec)


# -- parsing ----------------------------------------------------------------------------------------------


def parse(spec: Spec) -> dict[str, Any]:
    """CPU ms per parse(+validate) of each file, median of batches, for one library."""
    import statistics

    lib: str = spec["lib"]
    files: list[str] = spec["files"]
    fn = _parser_for(lib)
    out: dict[str, float] = {}
    budget = spec.get("seconds_per_file", 0.05)
    for path in files:
        data = Path(path).read_bytes()
        action = Path(path).name.split("__", 1)[0]
        fn(action, data)  # warm up (and fail loudly)
        c0 = time.process_time()
        fn(action, data)
        once = max(time.process_time() - c0, 1e-6)
        per_batch = max(1, int(budget / 5 / once))
        batches = []
        for _ in range(5):
            c0 = time.process_time()
            for _ in range(per_batch):
                fn(action, data)
            batches.append(1000 * (time.process_time() - c0) / per_batch)
        out[path] = statistics.median(batches)
    return {"ms": out}


def _parser_for(lib: str) -> Callable[[str, bytes], Any]:
    if lib.startswith("mws-async"):
        import httpx

        from mws_async import xml
        from mws_async.sections.products import OPERATIONS
        from mws_async.transport import MWSResponse

        xml.set_parser(lib.split(":", 1)[1])
        headers = httpx.Headers({"content-type": "text/xml"})

        def run(action: str, data: bytes) -> Any:
            response = MWSResponse(200, data, headers, action, 1, 0.0)
            return OPERATIONS[action].parse(response)

        return run
    if lib == "mws":
        from mws.mws import DictWrapper

        return lambda action, data: DictWrapper(data, action + "Result").parsed
    if lib == "boto":
        import warnings

        warnings.simplefilter("ignore")
        import xml.sax

        import boto.mws.response
        from boto.handler import XmlHandler

        factory = boto.mws.response.ResponseFactory(scopes=[boto.mws.response])

        def run_boto(action: str, data: bytes) -> Any:
            parser = factory(action)  # what MWSConnection._post_request does with the body
            xml.sax.parseString(data, XmlHandler(parser, None))
            return parser

        return run_boto
    if lib == "raw:xmltodict":
        import xmltodict

        return lambda action, data: xmltodict.parse(data)
    if lib == "raw:xmltodict-rs":
        import xmltodict_rs

        return lambda action, data: xmltodict_rs.parse(data)
    raise ValueError(lib)


# -- quota efficiency -------------------------------------------------------------------------------------


async def _quota_mws_async(spec: Spec) -> dict[str, Any]:
    from mws_async import MWSClient
    from mws_async.sections.orders import OrdersSection
    from mws_async.sections.products import ProductsSection

    ts = spec["time_scale"]
    creds = S.mws_async_credentials(spec["seller"])
    client = MWSClient(creds, base_url=spec["base_url"], time_scale=ts)
    op = spec["op"]
    t0 = time.perf_counter()
    units = 0
    if op == "GetMatchingProductForId":
        products = ProductsSection(client, creds)
        async for result in products.lookup_many(spec["ids"], "ISBN", concurrency=spec["concurrency"]):
            if result.status != "Success":
                raise AssertionError(result)
            units += 1
    elif op == "ListMatchingProducts":
        products = ProductsSection(client, creds)
        queries = iter(spec["queries"])

        async def one() -> None:
            await products.list_matching_products(next(queries))

        await _drive(one, len(spec["queries"]), spec["concurrency"])
        units = len(spec["queries"])
    else:
        orders = OrdersSection(client, creds)
        after = datetime.fromisoformat(spec["created_after"])
        async for _page in orders.list_orders(
            created_after=after, max_results_per_page=spec["per_page"]
        ).pages():
            units += 1
            if units >= spec["pages"]:
                break
    wall = time.perf_counter() - t0
    throttled = sum(s.throttled + s.quota_exceeded for s in client.throttle_stats().values())
    await client.aclose()
    return {"wall_s": wall, "units": units, "throttled_client": throttled}


def _quota_peer(spec: Spec) -> dict[str, Any]:
    import threading

    client, op, ts = spec["client"], spec["op"], spec["time_scale"]
    counter = [0]
    # Peers get the same knowledge a careful user has: the restore time of one request's cost.
    pause = {"GetMatchingProductForId": 5 / 5, "ListMatchingProducts": 5.0, "ListOrders": 60.0}[op] / ts
    t0 = time.perf_counter()
    units = 0
    if client == "mws":
        import mws

        products = mws.Products(
            S.SANDBOX_ACCESS_KEY, S.SANDBOX_SECRET_KEY, spec["seller"], region="US", domain=spec["base_url"]
        )
        orders = mws.Orders(
            S.SANDBOX_ACCESS_KEY, S.SANDBOX_SECRET_KEY, spec["seller"], region="US", domain=spec["base_url"]
        )
        gmpfi = lambda chunk: products.get_matching_product_for_id(S.US, "ISBN", chunk)  # noqa: E731
        lmp = lambda q: products.list_matching_products(S.US, q)  # noqa: E731
        is_throttle = S.mws_is_throttle

        def page(token: str | None) -> str | None:
            if token is None:
                r = orders.list_orders(
                    marketplaceids=[S.US],
                    created_after=spec["created_after"],
                    max_results=str(spec["per_page"]),
                )
            else:
                r = orders.list_orders(next_token=token)
            return r.parsed.get("NextToken")

    else:
        from boto.mws.connection import MWSConnection

        local = threading.local()

        def conn() -> Any:
            c = getattr(local, "c", None)
            if c is None:
                c = local.c = MWSConnection(
                    aws_access_key_id=S.SANDBOX_ACCESS_KEY,
                    aws_secret_access_key=S.SANDBOX_SECRET_KEY,
                    Merchant=spec["seller"],
                    host="127.0.0.1",
                    port=spec["port"],
                    is_secure=False,
                )
                c.num_retries = 0
            return c

        gmpfi = lambda chunk: conn().get_matching_product_for_id(  # noqa: E731
            MarketplaceId=S.US, IdType="ISBN", IdList=chunk
        )
        lmp = lambda q: conn().list_matching_products(MarketplaceId=S.US, Query=q)  # noqa: E731
        is_throttle = S.boto_is_throttle

        def page(token: str | None) -> str | None:
            if token is None:
                r = conn().list_orders(
                    MarketplaceId=[S.US],
                    CreatedAfter=spec["created_after"],
                    MaxResultsPerPage=spec["per_page"],
                )
                result = r.ListOrdersResult
            else:
                result = conn().list_orders_by_next_token(NextToken=token).ListOrdersByNextTokenResult
            return getattr(result, "NextToken", None)

    if op == "GetMatchingProductForId":
        ids: list[str] = spec["ids"]
        chunks = [ids[i : i + 5] for i in range(0, len(ids), 5)]
        with ThreadPoolExecutor(spec["concurrency"]) as pool:
            list(
                pool.map(lambda c: S.retry_on_throttle(lambda: gmpfi(c), is_throttle, pause, counter), chunks)
            )
        units = len(ids)
    elif op == "ListMatchingProducts":
        with ThreadPoolExecutor(spec["concurrency"]) as pool:
            list(
                pool.map(
                    lambda q: S.retry_on_throttle(lambda: lmp(q), is_throttle, pause, counter),
                    spec["queries"],
                )
            )
        units = len(spec["queries"])
    else:
        token: str | None = None
        while units < spec["pages"]:
            token = S.retry_on_throttle(lambda t=token: page(t), is_throttle, pause, counter)
            units += 1
            if not token:
                break
    wall = time.perf_counter() - t0
    return {"wall_s": wall, "units": units, "throttled_client": counter[0]}


def quota(spec: Spec) -> dict[str, Any]:
    if spec["client"] == "mws-async":
        return asyncio.run(_quota_mws_async(spec))
    return _quota_peer(spec)


# -- memory -----------------------------------------------------------------------------------------------


async def _memory_report(spec: Spec) -> dict[str, Any]:
    import asyncio as aio
    import tempfile

    from mws_async import MWSClient
    from mws_async.sandbox.handlers.reports import LARGE_REPORT_TYPE

    client = MWSClient(
        S.mws_async_credentials(spec["seller"]), base_url=spec["base_url"], time_scale=spec["time_scale"]
    )
    info = await client.reports.request_report(LARGE_REPORT_TYPE, report_options=f"size={spec['size']}")
    report_id = None
    for _ in range(400):
        listed = [
            i
            async for i in client.reports.get_report_request_list(report_request_ids=[info.report_request_id])
        ]
        if listed and listed[0].generated_report_id:
            report_id = listed[0].generated_report_id
            break
        await aio.sleep(0.05)
    if report_id is None:
        raise AssertionError("report never finished")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "report.txt"
        before, peak_before = _rss_mb(), _maxrss_mb()
        t0 = time.perf_counter()
        result = await client.reports.get_report(report_id, path)
        wall = time.perf_counter() - t0
        peak = _maxrss_mb()
        size = path.stat().st_size
    await client.aclose()
    return {
        "size_bytes": size,
        "reported_size": getattr(result, "size", None),
        "rss_before_mb": before,
        "peak_before_mb": peak_before,
        "peak_mb": peak,
        "growth_mb": peak - before,
        "wall_s": wall,
        "mb_per_s": size / wall / 1e6,
    }


async def _memory_lookup(spec: Spec) -> dict[str, Any]:
    from mws_async import MWSClient

    def ids_from_file() -> Iterator[str]:
        with open(spec["ids_file"]) as fh:
            for line in fh:
                yield line.strip()

    client = MWSClient(S.mws_async_credentials(), base_url=spec["base_url"], time_scale=spec["time_scale"])
    before = _rss_mb()
    t0 = time.perf_counter()
    cpu0 = time.process_time()
    done = 0
    statuses: dict[str, int] = {}
    samples: list[tuple[int, float]] = []
    stream = client.products.lookup_many(ids_from_file(), "ISBN", concurrency=spec["concurrency"])
    complete = True
    async for result in stream:
        done += 1
        statuses[result.status] = statuses.get(result.status, 0) + 1
        if done % 50_000 == 0:
            samples.append((done, _rss_mb()))
            if time.perf_counter() - t0 > spec["time_limit"]:
                complete = False
                break
    await stream.aclose()  # type: ignore[attr-defined]
    wall = time.perf_counter() - t0
    cpu = time.process_time() - cpu0
    peak = _maxrss_mb()
    await client.aclose()
    return {
        "ids_done": done,
        "complete": complete,
        "statuses": statuses,
        "rss_before_mb": before,
        "peak_mb": peak,
        "growth_mb": peak - before,
        "wall_s": wall,
        "ids_per_s": done / wall,
        "cpu_ms_per_request": 1000 * cpu / max(1, done / 5),
        "rss_samples": samples,
    }


def memory(spec: Spec) -> dict[str, Any]:
    if spec["what"] == "report":
        return asyncio.run(_memory_report(spec))
    return asyncio.run(_memory_lookup(spec))


# -- many sellers -----------------------------------------------------------------------------------------


async def _sellers(spec: Spec) -> dict[str, Any]:
    from mws_async import MWSClient, xml
    from mws_async.sections.products import ProductsSection

    xml.set_parser(spec.get("parser", xml.current_parser()))
    transport = spec.get("transport", "default")
    http = None if transport == "default" else S.make_http(transport)
    client = MWSClient(
        S.mws_async_credentials(), base_url=spec["base_url"], time_scale=spec["time_scale"], http_client=http
    )
    sellers: list[str] = spec["sellers"]
    ids: list[str] = spec["ids"]
    sections = [ProductsSection(client, S.mws_async_credentials(s)) for s in sellers]
    jobs = [sec for sec in sections for _ in range(spec["per_seller"])]
    it = iter(jobs)

    async def one() -> None:
        results = await next(it).get_matching_product_for_id("ISBN", ids)
        if not results[0].ok:
            raise AssertionError(results[0])

    cpu0, t0 = time.process_time(), time.perf_counter()
    await _drive(one, len(jobs), spec["concurrency"])
    cpu, wall = time.process_time() - cpu0, time.perf_counter() - t0
    stats = client.throttle_stats()
    throttled = sum(s.throttled + s.quota_exceeded for s in stats.values())
    waited = sum(s.waits for s in stats.values())
    await client.aclose()
    if http is not None:
        await http.aclose()
    n = len(jobs)
    return {
        "n": n,
        "buckets": len(stats),
        "cpu_ms": 1000 * cpu / n,
        "wall_s": wall,
        "rps": n / wall,
        "throttled_client": throttled,
        "waits": waited,
    }


def sellers(spec: Spec) -> dict[str, Any]:
    return asyncio.run(_sellers(spec))


MODES: dict[str, Callable[[Spec], dict[str, Any]]] = {
    "cpu": cpu,
    "parse": parse,
    "quota": quota,
    "memory": memory,
    "sellers": sellers,
}


def main() -> None:
    spec: Spec = json.loads(sys.argv[1])
    result = MODES[spec["mode"]](spec)
    S.dump(result)


if __name__ == "__main__":
    main()
