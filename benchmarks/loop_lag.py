"""Event-loop lag while a big answer is parsed: 20 lookups in flight and one ~5 MB ListMatchingProducts-like
answer, the answer parsed on the loop (the old path) or by ``Operation.aparse`` (the new path).

Issue 14 point 3 / issue 16: p99 loop lag during the big parse (goal <= 20 ms). Each configuration runs in
its own worker process against the sandbox (GetMatchingProductForId, 5 ISBNs per call, throttling off,
0.1 s latency per call as over the network: without it 20 lookups saturate the loop by themselves) and
a loopback server in another process that answers every request with the big body. A sampler task sleeps
1 ms and records how late it wakes up; the figures cover the window from sending the big request to
having its result. Configurations, interleaved round by round (medians over rounds):

- ``on-loop``: ``operation.parse(response)`` on the loop with xmltodict-rs (what ``MWSClient.call`` did);
- ``rs-thread``: xmltodict-rs and validation in a worker thread (xmltodict-rs keeps the GIL);
- ``aparse``: ``MWSClient.call`` as shipped (``Operation.aparse``: the pure parser in a worker thread);
- ``aparse-gc-off``: the same with the cyclic garbage collector disabled for the big call (by the
  benchmark, not the library), to show how much of the remaining lag is CPython's full collections over
  the freshly built objects.

``python -m benchmarks.loop_lag [--rounds 3] [--size-mb 5]``
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import json
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from benchmarks import _support as S
from benchmarks._support import Row, Section

WARM_UP = 0.5  # s of lookups not counted: connections open, validators and caches built on first use
BASELINE = 1.5  # s of lookups alone measured right before the big call
MODES = ("on-loop", "rs-thread", "aparse", "aparse-gc-off")
METHOD = (
    "Worker process per configuration, rounds interleaved, medians over rounds. Sandbox in another process "
    "(throttling off, 0.1 s latency per call like MWS over the network), client throttling off; 20 tasks "
    "call GetMatchingProductForId (5 ISBNs) in a loop; "
    "after 2 s (a 0.5 s warm-up: connections, first validations; then 1.5 s of lookups alone as the "
    "baseline) one ListMatchingProducts call goes to a loopback server (another process) answering a ~5 MB "
    "body (the sandbox's ListMatchingProducts products repeated). A sampler sleeps 1 ms and records the "
    "overshoot; lag figures cover the big call's window (send to result). on-loop = transport.send then "
    "Operation.parse on the loop (xmltodict-rs, the old MWSClient.call); rs-thread = the same parse and "
    "validation via asyncio.to_thread with xmltodict-rs; aparse = MWSClient.call (Operation.aparse: pure "
    "parser and validation in a worker thread above OFF_LOOP_BYTES); aparse-gc-off = aparse with "
    "gc.disable() around the big call (set by the benchmark; the collections are only put off, "
    "they run after the window)."
)


# -- the big answer and its server -------------------------------------------------------------------------


def big_answer(size: int) -> bytes:
    """A ListMatchingProducts answer of about ``size`` bytes: the sandbox's products, repeated."""
    import httpx

    from mws_async import MWSClient
    from mws_async.sandbox import Sandbox

    captured: list[bytes] = []

    async def capture() -> None:
        sb = Sandbox(seed=0, catalog_size=100_000, order_count=10, throttling=False)

        async def hook(response: httpx.Response) -> None:
            await response.aread()
            captured.append(response.content)

        http = httpx.AsyncClient(transport=httpx.ASGITransport(app=sb.app), event_hooks={"response": [hook]})
        async with http, MWSClient(sb.credentials, base_url="http://127.0.0.1", http_client=http) as client:
            await client.products.list_matching_products("Lantern")

    asyncio.run(capture())
    (body,) = captured
    products = re.findall(rb"<Product(?:\s[^>]*)?>.*?</Product>", body, re.S)
    if not products:
        raise RuntimeError("the sandbox answered ListMatchingProducts without products")
    block = b"".join(products)
    copies = max(1, size // len(block))
    return re.sub(
        rb"(<Products(?:\s[^>]*)?>).*</Products>",
        lambda m: m.group(1) + block * copies + b"</Products>",
        body,
        count=1,
        flags=re.S,
    )


async def serve(path: Path) -> None:
    """Answer every HTTP request on a free loopback port with the body in ``path``; print the port."""
    body = path.read_bytes()  # noqa: ASYNC240 - once, before serving
    head = (
        f"HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nContent-Length: {len(body)}\r\n"
        "x-mws-request-id: big-1\r\n\r\n"
    ).encode()

    async def answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        with contextlib.suppress(ConnectionError, asyncio.IncompleteReadError):
            while True:
                headers = await reader.readuntil(b"\r\n\r\n")
                length = re.search(rb"(?i)content-length:\s*(\d+)", headers)
                if length:
                    await reader.readexactly(int(length.group(1)))
                writer.write(head + body)
                await writer.drain()
        writer.close()

    server = await asyncio.start_server(answer, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    sys.stdout.write(json.dumps({"base_url": f"http://127.0.0.1:{port}"}) + "\n")
    sys.stdout.flush()
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)  # until the parent closes stdin
    server.close()


async def sandbox(latency: float) -> None:
    """A sandbox (throttling off) answering after ``latency`` seconds, like MWS over the network; prints
    its base URL and serves until stdin closes."""
    from mws_async.sandbox import Faults, Sandbox

    sb = Sandbox(seed=0, throttling=False, faults=Faults(latency=latency))
    await sb.start()
    sys.stdout.write(json.dumps({"base_url": sb.base_url}) + "\n")
    sys.stdout.flush()
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)
    await sb.stop()


@contextlib.contextmanager
def child(*args: str) -> Any:
    """``python -m benchmarks.loop_lag *args`` serving until the block ends; yields its first JSON line."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "benchmarks.loop_lag", *args],
        cwd=S.REPO,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        if not line:
            raise RuntimeError(f"benchmarks.loop_lag {' '.join(args)} exited before serving")
        yield json.loads(line)
    finally:
        if proc.stdin is not None:
            proc.stdin.close()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


# -- one worker: lookups in flight, the sampler, the big call ----------------------------------------------


async def measure(mode: str, sandbox_url: str, big_url: str, ids: list[str]) -> dict[str, Any]:
    from mws_async import MWSClient
    from mws_async.sections.products import OPERATIONS
    from mws_async.throttle import Throttler

    creds = S.mws_async_credentials()
    lookups = MWSClient(creds, base_url=sandbox_url, throttle=Throttler(enabled=False))
    big = MWSClient(creds, base_url=big_url, throttle=Throttler(enabled=False), timeout=120)
    operation = OPERATIONS["ListMatchingProducts"]
    stop = asyncio.Event()
    samples: list[tuple[float, float, float]] = []  # (went to sleep, woke up, overshoot)
    done: list[float] = []

    async def sampler() -> None:
        while not stop.is_set():
            before = time.perf_counter()
            await asyncio.sleep(0.001)
            now = time.perf_counter()
            samples.append((before, now, max(0.0, now - before - 0.001)))

    async def lookup() -> None:
        while not stop.is_set():
            results = await lookups.products.get_matching_product_for_id("ISBN", ids)
            if len(results) != len(ids):
                raise AssertionError("unexpected lookup result")
            done.append(time.perf_counter())

    async def big_call() -> Any:
        if mode.startswith("aparse"):
            return await big.call(operation, {"query": "lantern"})
        request = big._request(operation, {"query": "lantern"})
        response = await big.transport.send(request)
        if mode == "on-loop":
            return operation.parse(response, parser="xmltodict-rs")
        return await asyncio.to_thread(operation.parse, response, parser="xmltodict-rs")

    async with lookups, big:
        tasks = [asyncio.create_task(sampler()), *(asyncio.create_task(lookup()) for _ in range(20))]
        await asyncio.sleep(WARM_UP + BASELINE)  # lookups at full speed first
        cpu0 = time.process_time()
        if mode == "aparse-gc-off":
            gc.disable()
        started = time.perf_counter()
        result = await big_call()
        ended = time.perf_counter()
        gc.enable()
        cpu = time.process_time() - cpu0
        await asyncio.sleep(0.2)
        stop.set()
        await asyncio.gather(*tasks)
    # Every sleep that overlapped the big call counts (a stall shows up when the sampler wakes after it).
    window = sorted(lag for went, woke, lag in samples if woke >= started and went <= ended) or [0.0]
    alone = [lag for went, woke, lag in samples if started - BASELINE <= went and woke < started]
    before = sorted(alone) or [0.0]
    return {
        "mode": mode,
        "products": len(result.products),
        "big_call_s": ended - started,
        "cpu_s": cpu,
        "lag_ms": {"p50": _ms_at(window, 0.5), "p99": _ms_at(window, 0.99), "max": 1000 * window[-1]},
        "baseline_lag_ms": {  # the 1.5 s before the big call: 20 lookups alone
            "p50": _ms_at(before, 0.5),
            "p99": _ms_at(before, 0.99),
        },
        "samples": len(window),
        "lookups_before": sum(started - BASELINE <= at < started for at in done) / BASELINE,
        "lookups_in_window": sum(started <= at <= ended for at in done),
    }


def _ms_at(ordered: list[float], quantile: float) -> float:
    """The ``quantile`` of sorted seconds, in ms: the sample at that rank."""
    return 1000 * ordered[min(len(ordered) - 1, int(len(ordered) * quantile))]


def worker(mode: str, sandbox_url: str, big_url: str) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.loop_lag", "--worker", mode, sandbox_url, big_url],
        cwd=S.REPO,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if done.returncode != 0 or not lines:
        raise RuntimeError(f"worker {mode} failed ({done.returncode}): {done.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(lines[-1])
    return result


# -- the benchmark ------------------------------------------------------------------------------------------


def run(rounds: int = 3, size_mb: float = 5.0, latency: float = 0.1) -> Section:
    section = Section("loop_lag", METHOD)
    path = S.RESULTS / "synthetic" / "ListMatchingProducts__loop_lag.xml"
    path.parent.mkdir(parents=True, exist_ok=True)
    body = big_answer(int(size_mb * 1024 * 1024))
    path.write_bytes(body)
    per_mode: dict[str, list[dict[str, Any]]] = {mode: [] for mode in MODES}
    with child("--sandbox", str(latency)) as sandbox, child("--serve", str(path)) as big:
        for _ in range(rounds):
            for mode in MODES:
                per_mode[mode].append(worker(mode, sandbox["base_url"], big["base_url"]))
    section.raw = {"rounds": per_mode, "body_bytes": len(body)}
    size = f"{len(body) / 1e6:.1f} MB answer"
    for mode in MODES:
        results = per_mode[mode]
        for stat in ("p50", "p99", "max"):
            value = statistics.median(r["lag_ms"][stat] for r in results)
            note = "goal <= 20 ms" if stat == "p99" else ""
            section.rows.append(Row("loop_lag", f"loop lag {stat} ({size})", mode, value, "ms", note=note))
        for key, unit in (("big_call_s", "s"), ("cpu_s", "s CPU")):
            value = statistics.median(r[key] for r in results)
            section.rows.append(Row("loop_lag", f"big call ({size})", mode, value, unit))
        lookups = statistics.median(r["lookups_in_window"] / r["big_call_s"] for r in results)
        section.rows.append(
            Row("loop_lag", "lookups completed during the big call", mode, lookups, "calls/s")
        )
    for stat in ("p50", "p99"):  # the same 20 lookups alone, in the 1.5 s before each big call
        value = statistics.median(r["baseline_lag_ms"][stat] for rs in per_mode.values() for r in rs)
        section.rows.append(Row("loop_lag", f"loop lag {stat}, lookups alone", "all", value, "ms"))
    lookups = statistics.median(r["lookups_before"] for rs in per_mode.values() for r in rs)
    section.rows.append(Row("loop_lag", "lookups completed, lookups alone", "all", lookups, "calls/s"))
    return section


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--size-mb", type=float, default=5.0)
    parser.add_argument("--latency", type=float, default=0.1, help="seconds the sandbox takes per call")
    parser.add_argument("--serve", help=argparse.SUPPRESS)
    parser.add_argument("--sandbox", type=float, help=argparse.SUPPRESS)
    parser.add_argument("--worker", nargs=3, metavar=("MODE", "SANDBOX", "BIG"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        asyncio.run(serve(Path(args.serve)))
    elif args.sandbox is not None:
        asyncio.run(sandbox(args.sandbox))
    elif args.worker:
        mode, sandbox_url, big_url = args.worker
        ids = S.sample_ids("ISBN", 5)
        print(json.dumps(asyncio.run(measure(mode, sandbox_url, big_url, ids))))
    else:
        S.run_main("loop_lag", lambda: run(args.rounds, args.size_mb, args.latency))


if __name__ == "__main__":
    main()
