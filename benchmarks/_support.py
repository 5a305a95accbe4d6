"""Shared helpers: a sandbox in a child process, worker subprocesses, peers' call wrappers, results.

Every measurement that counts CPU runs in its own short-lived worker process (``benchmarks._worker``), so
``time.process_time()`` covers only that client; the sandbox always runs in another process. Ratios are
taken between runs made side by side (interleaved, round-robin) in one benchmark run, and every figure
is the median over the rounds.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import platform
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent
RESULTS = ROOT / "results"
REPO = ROOT.parent
FIXTURES = REPO / "tests" / "fixtures"

SANDBOX_ACCESS_KEY = "AKIASANDBOXDEVELOPER"
SANDBOX_SECRET_KEY = "sandbox-secret-key"
SANDBOX_SELLER_ID = "A2SANDBOXSELLER"
US = "ATVPDKIKX0DER"


# -- results ---------------------------------------------------------------------------------------------


@dataclass
class Row:
    """One line of the results table: a value, and optionally its ratio to a reference measured alongside."""

    benchmark: str
    metric: str
    subject: str
    value: float | None
    unit: str
    ratio: float | None = None
    ratio_to: str = ""
    note: str = ""
    ratios: dict[str, float | None] = field(default_factory=dict)
    """Further ratios, each shown in its own column of the combined table (``{"× floor": 1.2}``)."""

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Section:
    """What one benchmark module returns: its rows, the method text, and raw data for the JSON."""

    name: str
    method: str
    rows: list[Row] = field(default_factory=list)
    raw: dict[str, Any] = field(default_factory=dict)
    seconds: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "method": self.method,
            "rows": [r.as_dict() for r in self.rows],
            "raw": self.raw,
            "seconds": round(self.seconds, 2),
        }


def median(values: Sequence[float]) -> float:
    return float(statistics.median(values)) if values else float("nan")


def ratio(a: float | None, b: float | None) -> float | None:
    if a is None or b is None or b == 0 or a != a or b != b:
        return None
    return a / b


def machine() -> dict[str, Any]:
    info: dict[str, Any] = {
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "processor": platform.processor() or platform.machine(),
    }
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                info["processor"] = line.split(":", 1)[1].strip()
                break
    with contextlib.suppress(OSError):
        info["loadavg"] = [round(x, 2) for x in os.getloadavg()]
    versions: dict[str, str] = {}
    from importlib import metadata

    for dist in (
        "mws-async",
        "httpx",
        "httpx-aiohttp",
        "aiohttp",
        "xmltodict",
        "xmltodict-rs",
        "mws",
        "boto",
    ):
        with contextlib.suppress(metadata.PackageNotFoundError):
            versions[dist] = metadata.version(dist)
    info["versions"] = versions
    return info


def write_results(sections: Sequence[Section], *, name: str = "latest") -> tuple[Path, Path]:
    """``results/<name>.json`` plus a timestamped copy; returns both paths."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    doc = {
        "when": stamp,
        "machine": machine(),
        "benchmarks": [s.as_dict() for s in sections],
    }
    text = json.dumps(doc, indent=2, default=str)
    latest = RESULTS / f"{name}.json"
    stamped = RESULTS / f"{name}-{stamp}.json"
    latest.write_text(text)
    stamped.write_text(text)
    return latest, stamped


def print_sections(sections: Sequence[Section]) -> None:
    """One rich table with every row, then each benchmark's method text."""
    from rich import box
    from rich.console import Console
    from rich.table import Table

    console = Console(width=200)
    table = Table(title="mws-async benchmarks (ratios measured side by side in this run)", box=box.SIMPLE)
    for col, justify in (
        ("bench", "left"),
        ("metric", "left"),
        ("subject", "left"),
        ("value", "right"),
        ("unit", "left"),
        ("ratio", "right"),
        ("vs", "left"),
        ("note", "left"),
    ):
        table.add_column(col, justify=justify, overflow="fold")  # type: ignore[arg-type]
    extra = list(dict.fromkeys(name for section in sections for r in section.rows for name in r.ratios))
    for name in extra:
        table.add_column(name, justify="right")
    for section in sections:
        for r in section.rows:
            table.add_row(
                r.benchmark,
                r.metric,
                r.subject,
                _fmt(r.value),
                r.unit,
                _times(r.ratio),
                r.ratio_to,
                r.note,
                *(_times(r.ratios.get(name)) for name in extra),
            )
        table.add_section()
    console.print(table)
    for section in sections:
        console.print(f"[bold]{section.name}[/bold] ({section.seconds:.0f} s): {section.method}\n")


def _times(ratio: float | None) -> str:
    return "" if ratio is None or ratio != ratio else f"{ratio:.2f}×"


def _fmt(value: float | None) -> str:
    if value is None or value != value:
        return "—"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    if abs(value) >= 10:
        return f"{value:.1f}"
    if abs(value) >= 0.1:
        return f"{value:.2f}"
    return f"{value:.3f}"


def run_main(name: str, run: Callable[[], Section]) -> None:
    """``python -m benchmarks.<name>``: run one benchmark, print its table, write JSON."""
    started = time.perf_counter()
    section = run()
    section.seconds = time.perf_counter() - started
    print_sections([section])
    latest, stamped = write_results([section], name=name)
    print(f"wrote {latest} and {stamped}")


# -- a sandbox in a child process ------------------------------------------------------------------------


class SandboxProcess:
    """A sandbox served by ``python -m benchmarks._sandbox`` (another process, so its CPU is not ours)."""

    def __init__(self, proc: subprocess.Popen[str], base_url: str, port: int) -> None:
        self.proc = proc
        self.base_url = base_url
        self.port = port
        self._lock = threading.Lock()

    def command(self, text: str) -> dict[str, Any]:
        assert self.proc.stdin is not None
        assert self.proc.stdout is not None
        with self._lock:
            self.proc.stdin.write(text + "\n")
            self.proc.stdin.flush()
            result: dict[str, Any] = json.loads(self.proc.stdout.readline())
            return result

    def stats(self) -> dict[str, int]:
        """Request-log counts since the last :meth:`reset`: requests, processed, throttled, ..."""
        return {k: int(v) for k, v in self.command("stats").items()}

    def reset(self) -> None:
        self.command("reset")


@contextlib.contextmanager
def sandbox_process(
    *,
    time_scale: float = 1.0,
    throttling: bool = True,
    seed: int = 0,
    catalog_size: int = 1_000_000,
    order_count: int = 5000,
    log_size: int = 100_000,
) -> Iterator[SandboxProcess]:
    args = [
        sys.executable,
        "-m",
        "benchmarks._sandbox",
        "--seed",
        str(seed),
        "--time-scale",
        str(time_scale),
        "--catalog-size",
        str(catalog_size),
        "--order-count",
        str(order_count),
        "--log-size",
        str(log_size),
    ]
    if not throttling:
        args.append("--no-throttling")
    proc = subprocess.Popen(
        args, cwd=REPO, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        if not line:
            raise RuntimeError("the sandbox process exited before listening")
        info = json.loads(line)
        yield SandboxProcess(proc, info["base_url"], int(info["port"]))
    finally:
        if proc.stdin is not None:
            with contextlib.suppress(OSError):
                proc.stdin.close()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        if proc.stdout is not None:
            proc.stdout.close()


def sample_ids(
    id_type: str, n: int, *, seed: int = 0, catalog_size: int = 1_000_000, start: int = 0
) -> list[str]:
    """Existing identifiers from the deterministic sandbox world (the same one the child serves)."""
    from mws_async.sandbox.world import World

    return World(seed, catalog_size=catalog_size, order_count=10).sample_ids(id_type, n, start=start)


# -- worker subprocesses ---------------------------------------------------------------------------------


def run_worker(
    mode: str,
    *,
    timeout: float = 600.0,
    python: str = sys.executable,
    env_extra: Mapping[str, str] | None = None,
    **spec: Any,
) -> dict[str, Any]:
    """Run ``python -m benchmarks._worker`` with ``{"mode": mode, **spec}``; its last stdout line is JSON.

    ``python`` may be another environment's interpreter (e.g. a fresh venv with a plain install)."""
    payload = json.dumps({"mode": mode, **spec})
    env = {**os.environ, "PYTHONWARNINGS": "ignore", **(env_extra or {})}
    done = subprocess.run(
        [python, "-m", "benchmarks._worker", payload],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
        check=False,
    )
    lines = [line for line in done.stdout.strip().splitlines() if line.startswith("{")]
    if done.returncode != 0 or not lines:
        raise RuntimeError(f"worker {mode} failed ({done.returncode}): {done.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(lines[-1])
    return result


# -- peers' clients, called as their docs show ------------------------------------------------------------


def mws_products(base_url: str) -> Any:
    """python-amazon-mws 0.8.15 ``Products`` pointed at the sandbox."""
    import mws

    return mws.Products(
        SANDBOX_ACCESS_KEY, SANDBOX_SECRET_KEY, SANDBOX_SELLER_ID, region="US", domain=base_url
    )


def mws_orders(base_url: str) -> Any:
    import mws

    return mws.Orders(SANDBOX_ACCESS_KEY, SANDBOX_SECRET_KEY, SANDBOX_SELLER_ID, region="US", domain=base_url)


def mws_is_throttle(exc: BaseException) -> bool:
    response = getattr(exc, "response", None)
    return response is not None and response.status_code == 503 and "RequestThrottled" in response.text


def boto_connection(port: int) -> Any:
    """boto 2.49 ``MWSConnection`` to the sandbox; boto's own 5xx retry loop is off (``num_retries=0``) so
    throttles surface and the caller's retry-on-throttle loop handles them, as for python-amazon-mws."""
    import warnings

    warnings.simplefilter("ignore")
    from boto.mws.connection import MWSConnection

    conn = MWSConnection(
        aws_access_key_id=SANDBOX_ACCESS_KEY,
        aws_secret_access_key=SANDBOX_SECRET_KEY,
        Merchant=SANDBOX_SELLER_ID,
        host="127.0.0.1",
        port=port,
        is_secure=False,
    )
    conn.num_retries = 0
    return conn


def boto_is_throttle(exc: BaseException) -> bool:
    return getattr(exc, "status", None) == 503 and "RequestThrottled" in str(getattr(exc, "body", ""))


def retry_on_throttle(
    call: Callable[[], Any],
    is_throttle: Callable[[BaseException], bool],
    first_pause: float,
    counter: list[int],
    *,
    max_tries: int = 50,
) -> Any:
    """What the peers' users write: call; on a throttle error sleep (doubling from ``first_pause``); retry."""
    pause = first_pause
    for _ in range(max_tries):
        try:
            return call()
        except Exception as exc:
            if not is_throttle(exc):
                raise
            counter[0] += 1
            time.sleep(pause)
            pause = min(pause * 2, 60 * first_pause)
    raise RuntimeError("still throttled")


def mws_async_credentials(seller_id: str = SANDBOX_SELLER_ID) -> Any:
    from mws_async import Credentials

    return Credentials(SANDBOX_ACCESS_KEY, SANDBOX_SECRET_KEY, seller_id, label="sandbox")


def make_http(transport: str, *, max_connections: int = 100, timeout: float = 60.0) -> Any:
    """An ``httpx.AsyncClient`` over ``"httpx"`` (httpcore, the pure-httpx default) or ``"aiohttp"``
    (httpx-aiohttp's ``AiohttpTransport``), or ``"default"`` (what mws-async creates when none is given)."""
    import httpx

    from mws_async.http import make_http_client

    limits = httpx.Limits(max_connections=max_connections, max_keepalive_connections=max_connections)
    tmo = httpx.Timeout(timeout, connect=min(timeout, 20.0))
    if transport == "default":
        return make_http_client(timeout, max_connections=max_connections)
    if transport == "httpx":
        return httpx.AsyncClient(timeout=tmo, limits=limits)
    if transport == "aiohttp":
        from httpx_aiohttp import AiohttpTransport

        return httpx.AsyncClient(timeout=tmo, limits=limits, transport=AiohttpTransport(limits=limits))
    raise ValueError(transport)


def dump(obj: Mapping[str, Any]) -> None:
    sys.stdout.write(json.dumps(obj, default=str) + "\n")
    sys.stdout.flush()
