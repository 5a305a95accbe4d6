"""Build-time picture: the quota timeline of one bulk lookup, mws-async vs a naive client, from a real run.

One embedded :class:`~mws_async.sandbox.Sandbox` (restore rates sped up ``TIME_SCALE`` times) serves two
sellers, so each client has its own server-side bucket. Both clients look up the same ``IDS`` ISBNs with
GetMatchingProductForId (5 ids per request, a bucket of 20 items restoring 5 items/s at 1x), at the same
time:

- **mws-async**: ``client.products.lookup_many(ids, "ISBN")`` with its default throttle;
- **naive**: 8 workers sending 5-id requests as fast as they can through an ``MWSClient`` with throttling
  and retries turned off (``NoThrottle()``, ``RetryPolicy.disabled()``), sleeping the MWS guide's first
  backoff (1 s, divided by the time scale) after a 503 before sending that request again, as a plain
  client does.

While they run, a sampler reads the server's bucket level for each seller every few milliseconds
(``sb.buckets.level``); afterwards every request comes from the sandbox's request log (time, status, items).
The picture plots, per client: the server's bucket level over time, the bucket's capacity (the server's
limit), each request (admitted ones as ticks, 503s as red crosses) and the items answered so far against
the quota bound.

Run by mkdocs-gen-files during ``mkdocs build`` (writes ``img/quota-timeline.png`` and
``img/quota-timeline.md``, the caption with this run's numbers); ``python docs/gen/quota_timeline.py OUT.png``
runs it alone.
"""

from __future__ import annotations

import asyncio
import sys
import time
from collections.abc import Coroutine
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")  # no display: render to a file
import matplotlib.pyplot as plt

from mws_async import MWSClient, RetryPolicy, ThrottledError
from mws_async.sandbox import SANDBOX_ACCESS_KEY, Sandbox
from mws_async.throttle import NoThrottle

TIME_SCALE = 20.0  # 100 items/s: a few seconds for the whole run
IDS = 400
NAIVE_WORKERS = 8
SAMPLE_EVERY = 0.005  # seconds between bucket samples
OURS, NAIVE = "A1OURSELLER0001", "A1NAIVESELLER01"
SECTION, OPERATION = "Products", "GetMatchingProductForId"


@dataclass
class Run:
    """What one client did, as the server saw it."""

    label: str
    seller_id: str
    levels: list[tuple[float, float]] = field(default_factory=list)
    """(seconds since start, server bucket level in items)."""
    requests: list[tuple[float, int, int]] = field(default_factory=list)
    """(seconds since start, HTTP status, items asked) for every request the server received."""
    elapsed: float = 0.0
    results: int = 0


async def ours(sb: Sandbox, ids: list[str], run: Run) -> None:
    """mws-async as documented: the bulk helper with the default throttle."""
    async with MWSClient(sb.credentials_for(OURS), base_url=sb.base_url, time_scale=TIME_SCALE) as client:
        async for result in client.products.lookup_many(ids, "ISBN"):
            run.results += result.ok


async def naive(sb: Sandbox, ids: list[str], run: Run) -> None:
    """A plain concurrent client: no client-side bucket, a fixed pause after a 503, then the same request."""
    chunks = [ids[i : i + 5] for i in range(0, len(ids), 5)]
    async with MWSClient(
        sb.credentials_for(NAIVE),
        base_url=sb.base_url,
        throttle=NoThrottle(),
        retry=RetryPolicy.disabled(),
        time_scale=TIME_SCALE,
    ) as client:

        async def worker() -> None:
            while chunks:
                chunk = chunks.pop()
                while True:
                    try:
                        answers = await client.products.get_matching_product_for_id("ISBN", chunk)
                    except ThrottledError:
                        await asyncio.sleep(1.0 / TIME_SCALE)
                        continue
                    run.results += sum(a.status == "Success" for a in answers)
                    break

        await asyncio.gather(*(worker() for _ in range(NAIVE_WORKERS)))


async def measure() -> tuple[Run, Run, float]:
    """Run one client after the other against one sandbox (each as another seller, so each starts from a
    full bucket); returns both runs and the quota bound of the job."""
    async with Sandbox(seed=0, time_scale=TIME_SCALE, catalog_size=20_000, order_count=100) as sb:
        ids = sb.world.sample_ids("ISBN", IDS)
        bound = sb.buckets.quotas.get_spec(SECTION, OPERATION).bound(IDS, TIME_SCALE)
        runs = (Run("mws-async", OURS), Run("naive client", NAIVE))
        for run, client in zip(runs, (ours, naive), strict=True):
            await _observe(sb, run, client(sb, ids, run))
        return runs[0], runs[1], bound


async def _observe(sb: Sandbox, run: Run, job: Coroutine[Any, Any, None]) -> None:
    """Run ``job`` while sampling the server's bucket of ``run``'s seller; then read its requests from the
    sandbox's request log. Times count from the seller's first request, which the server saw."""
    done = asyncio.Event()
    samples: list[tuple[float, float]] = []

    async def sample() -> None:
        while not done.is_set():
            level = sb.buckets.level(run.seller_id, SANDBOX_ACCESS_KEY, SECTION, OPERATION)
            samples.append((time.time(), level))
            await asyncio.sleep(SAMPLE_EVERY)

    sampler = asyncio.create_task(sample())
    try:
        await job
    finally:
        done.set()
        await sampler
    records = sb.request_log.filter(OPERATION, seller_id=run.seller_id)
    start = records[0].time
    for record in records:
        items = sum(1 for key in record.params if key.startswith("IdList.Id."))
        run.requests.append((record.time - start, record.status, items))
    run.elapsed = max(t for t, status, _ in run.requests if status == 200)
    capacity = sb.buckets.quotas.get_spec(SECTION, OPERATION).max_quota
    run.levels = [(0.0, capacity)] + [(t - start, level) for t, level in samples if start <= t]


def draw(ours_run: Run, naive_run: Run, bound: float, capacity: float, out: Path) -> str:
    """Plot both runs, one above the other on one time axis; returns the caption."""
    fig, axes = plt.subplots(2, 1, figsize=(10, 6.4), sharex=True, constrained_layout=True)
    end = max(ours_run.elapsed, naive_run.elapsed) * 1.03
    for ax, run, colour in zip(axes, (ours_run, naive_run), ("tab:blue", "tab:orange"), strict=True):
        times = [t for t, _ in run.levels]
        ax.plot(times, [level for _, level in run.levels], color=colour, lw=1.2, label="server bucket level")
        ax.axhline(capacity, color="black", ls="--", lw=0.9, label=f"server limit: {capacity:g} items")
        admitted = [t for t, status, _ in run.requests if status == 200]
        throttled = [t for t, status, _ in run.requests if status == 503]
        ax.plot(admitted, [-1.5] * len(admitted), "|", color="tab:green", ms=9, label="answered (200)")
        if throttled:
            ax.plot(throttled, [-3.5] * len(throttled), "x", color="tab:red", ms=5, label="503 throttled")
        ax.axvline(bound, color="grey", ls=":", lw=1.2, label=f"quota bound {bound:.2f} s")
        ax.set_ylim(-5, capacity * 1.15)
        ax.set_ylabel("items in the server's bucket")
        ax.set_title(
            f"{run.label}: {len(admitted)} requests answered, {len(throttled)} throttled (503); "
            f"{run.results} of {IDS} ids found in {run.elapsed:.2f} s = {run.elapsed / bound:.2f}× the bound",
            fontsize=10,
            loc="left",
        )
        ax.legend(loc="upper right", fontsize=8, ncols=2)
        ax.grid(alpha=0.3)
    axes[1].set_xlabel(f"seconds since the client's first request (sandbox at {TIME_SCALE:g}× speed)")
    axes[1].set_xlim(0, end)
    fig.suptitle(
        f"GetMatchingProductForId, {IDS} ISBNs, 5 per request: the server's bucket during one bulk lookup",
        fontsize=11,
    )
    fig.savefig(out, dpi=110)
    plt.close(fig)
    naive_503 = sum(1 for _, status, _ in naive_run.requests if status == 503)
    ours_503 = sum(1 for _, status, _ in ours_run.requests if status == 503)
    return (
        f"Measured when this site was built: one embedded sandbox at {TIME_SCALE:g}× speed, two sellers "
        f"one after the other, {IDS} ISBNs each. mws-async finished in {ours_run.elapsed:.2f} s "
        f"({ours_run.elapsed / bound:.2f}× "
        f"the quota bound of {bound:.2f} s) with {ours_503} throttled requests; the naive client "
        f"({NAIVE_WORKERS} workers, no client-side bucket, a 1 s ÷ {TIME_SCALE:g} pause after each 503) took "
        f"{naive_run.elapsed:.2f} s and was throttled {naive_503} times. Generated by "
        "`docs/gen/quota_timeline.py`."
    )


def build(out: Path) -> str:
    """Measure and draw into ``out``; returns the caption."""
    ours_run, naive_run, bound = asyncio.run(measure())
    capacity = _capacity()
    return draw(ours_run, naive_run, bound, capacity, out)


def _capacity() -> float:
    from mws_async.throttle import QuotaTable

    return QuotaTable.default().get_spec(SECTION, OPERATION).max_quota


PAGE = "throttling.md"
MARKER = "<!-- quota-timeline -->"


def main() -> None:
    """Under mkdocs-gen-files: write the picture into the site and put it, with this run's caption, where
    ``throttling.md`` has the marker; run alone: write the picture to ``argv[1]`` and print the caption."""
    if __name__ == "__main__":
        sys.stdout.write(build(Path(sys.argv[1] if len(sys.argv) > 1 else "quota-timeline.png")) + "\n")
        return
    import tempfile

    import mkdocs_gen_files

    with tempfile.TemporaryDirectory() as tmp:
        png = Path(tmp) / "quota-timeline.png"
        caption = build(png)
        with mkdocs_gen_files.open("img/quota-timeline.png", "wb") as out:
            out.write(png.read_bytes())
    figure = (
        "![The server's bucket level and every request over time, mws-async above, a naive client below]"
        f"(img/quota-timeline.png)\n\n*{caption}*"
    )
    with mkdocs_gen_files.open(PAGE, "r") as page:
        text = page.read()
    if MARKER not in text:
        raise RuntimeError(f"{PAGE} lacks the marker {MARKER} where the quota timeline goes")
    with mkdocs_gen_files.open(PAGE, "w") as page:
        page.write(text.replace(MARKER, figure))


main()
