"""The ``mws-async`` command line: bulk lookups, pricing, offers, orders, reports, the sandbox, a demo.

With no credentials configured (``--profile`` or ``MWS_ACCESS_KEY``/``MWS_SECRET_KEY``/``MWS_SELLER_ID``)
every command runs against the embedded sandbox and says so in one line.

Exit codes: 0 every id answered Success; 1 finished, but some ids were not found or invalid; 2 usage
error; 3 configuration or authentication error; 4 some requests failed after retries.
"""

from __future__ import annotations

import asyncio
import csv
import json
import os
import sys
import time
import tomllib
from collections.abc import AsyncIterator, Callable, Coroutine, Iterator
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Annotated, Any, NoReturn

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TextColumn,
    TimeRemainingColumn,
)
from rich.table import Table
from rich.text import Text

from mws_async.bulk import BulkResult, BulkStats
from mws_async.client import MWSClient
from mws_async.credentials import Credentials
from mws_async.errors import AuthenticationError, ConfigurationError, MWSError

__all__ = ["app", "main"]

EXIT_OK, EXIT_PARTIAL, EXIT_USAGE, EXIT_CONFIG, EXIT_FAILED = 0, 1, 2, 3, 4
SANDBOX_TIME_SCALE = 10.0

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Amazon MWS from the command line (runs on the embedded sandbox when no credentials are set).",
)
err = Console(stderr=True)

Profile = Annotated[
    str | None, typer.Option("--profile", help="Profile in ~/.config/mws-async/profiles.toml")
]
MarketplaceOpt = Annotated[str, typer.Option("--marketplace", "-m", help="Country code or MarketplaceId")]
OutOpt = Annotated[
    Path | None, typer.Option("--out", "-o", help="results.jsonl or .csv (default: JSONL on stdout)")
]
QuietOpt = Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar and no summary")]
ScaleOpt = Annotated[
    float | None, typer.Option("--time-scale", help="Sandbox only: speed up every restore rate (default 10)")
]


# --------------------------------------------------------------------------------------------- setup


def _profile_credentials(name: str) -> tuple[Credentials, str | None]:
    path = Path(os.environ.get("MWS_ASYNC_PROFILES", Path.home() / ".config" / "mws-async" / "profiles.toml"))
    try:
        data = tomllib.loads(path.read_text())
    except FileNotFoundError:
        raise ConfigurationError(f"profile {name!r}: {path} does not exist") from None
    section = data.get(name)
    if not isinstance(section, dict):
        raise ConfigurationError(f"profile {name!r} not found in {path}")
    missing = [k for k in ("access_key", "secret_key", "seller_id") if not section.get(k)]
    if missing:
        raise ConfigurationError(f"profile {name!r} in {path} lacks {', '.join(missing)}")
    creds = Credentials(
        section["access_key"], section["secret_key"], section["seller_id"], section.get("auth_token")
    )
    return creds, section.get("marketplace")


@dataclass
class Session:
    """An open client, plus the sandbox behind it when no credentials were configured."""

    client: MWSClient
    sandbox: Any
    time_scale: float


@asynccontextmanager
async def open_session(
    profile: str | None, marketplace: str, time_scale: float | None, quiet: bool
) -> AsyncIterator[Session]:
    """A client for the configured credentials, or the embedded sandbox (announced in one line).

    With ``MWS_ASYNC_REDIS_URL`` set, buckets are shared through Redis with every other process using it.
    """
    from mws_async.throttle.redis import backend_from_env

    throttle = backend_from_env()
    if throttle is not None and not quiet:
        err.print("[cyan]Sharing quota buckets through Redis (MWS_ASYNC_REDIS_URL).[/cyan]")
    async with AsyncExitStack() as stack:
        if profile is not None or Credentials.env_configured():
            if profile is not None:
                creds, profile_market = _profile_credentials(profile)
                marketplace = profile_market or marketplace
            else:
                creds = Credentials.from_env()
            client = MWSClient(creds, marketplace=marketplace, throttle=throttle)
            await stack.enter_async_context(client)
            yield Session(client, None, 1.0)
            return
        from mws_async.sandbox import Sandbox

        scale = time_scale or SANDBOX_TIME_SCALE
        sandbox = await stack.enter_async_context(Sandbox(time_scale=scale))
        if not quiet:
            err.print(
                f"[yellow]No MWS credentials configured: using the embedded sandbox at {sandbox.base_url} "
                f"(time scale {scale:g}×).[/yellow]"
            )
        client = MWSClient(
            sandbox.credentials,
            marketplace=marketplace,
            base_url=sandbox.base_url,
            time_scale=scale,
            throttle=throttle,
        )
        await stack.enter_async_context(client)
        yield Session(client, sandbox, scale)


def _read_ids(path: Path) -> Iterator[str]:
    with path.open(encoding="utf-8-sig") as handle:
        for line in handle:
            value = line.strip()
            if value and not value.startswith("#"):
                yield value


def _count_ids(path: Path) -> int:
    return sum(1 for _ in _read_ids(path))


# --------------------------------------------------------------------------------------------- output


PRODUCT_FIELDS = ("asin", "title", "brand", "product_group", "list_price", "currency", "sales_rank")


def _product_fields(product: Any) -> dict[str, Any]:
    attrs = product.attributes
    price = attrs.list_price if attrs is not None else None
    ranks = product.sales_rankings
    return {
        "asin": product.asin,
        "title": product.title,
        "brand": attrs.brand if attrs is not None else None,
        "product_group": attrs.product_group if attrs is not None else None,
        "list_price": str(price.amount) if price is not None and price.amount is not None else None,
        "currency": price.currency_code if price is not None else None,
        "sales_rank": ranks[0].rank if ranks else None,
    }


def lookup_row(result: BulkResult[Any]) -> dict[str, Any]:
    """One flat output row of a lookup result (first matching product)."""
    row: dict[str, Any] = {"id": result.id, "status": result.status}
    products = list(getattr(result.result, "products", None) or [])
    row.update(_product_fields(products[0]) if products else dict.fromkeys(PRODUCT_FIELDS))
    row["matches"] = len(products)
    row["error_code"], row["error_message"] = result.error_code, result.error_message
    return row


def pricing_row(result: BulkResult[Any]) -> dict[str, Any]:
    """One flat output row of a competitive pricing result (the lowest competitive landed price)."""
    row: dict[str, Any] = {
        "id": result.id,
        "status": result.status,
        "landed_price": None,
        "listing_price": None,
        "currency": None,
        "offers_new": None,
        "sales_rank": None,
    }
    product = getattr(result.result, "product", None)
    pricing = getattr(product, "competitive_pricing", None) if product is not None else None
    if pricing is not None:
        prices = [
            p for p in pricing.competitive_prices if p.price is not None and p.price.landed_price is not None
        ]
        if prices:
            best = min(prices, key=lambda p: p.price.landed_price.amount or 0)
            price = best.price
            landed = price.landed_price if price is not None else None
            if price is not None and landed is not None:
                row["landed_price"] = str(landed.amount)
                row["currency"] = landed.currency_code
                if price.listing_price is not None:
                    row["listing_price"] = str(price.listing_price.amount)
        counts = {c.condition: c.count for c in pricing.number_of_offer_listings}
        row["offers_new"] = counts.get("New")
    if product is not None and product.sales_rankings:
        row["sales_rank"] = product.sales_rankings[0].rank
    row["error_code"], row["error_message"] = result.error_code, result.error_message
    return row


def offers_row(result: BulkResult[Any]) -> dict[str, Any]:
    """One flat output row of a lowest offer listings result (the lowest landed price)."""
    row: dict[str, Any] = {
        "id": result.id,
        "status": result.status,
        "lowest_landed_price": None,
        "currency": None,
        "listings": 0,
    }
    product = getattr(result.result, "product", None)
    listings = list(getattr(product, "lowest_offer_listings", None) or []) if product is not None else []
    row["listings"] = len(listings)
    landed = [
        x.price.landed_price for x in listings if x.price is not None and x.price.landed_price is not None
    ]
    if landed:
        best = min(landed, key=lambda m: m.amount or 0)
        row["lowest_landed_price"], row["currency"] = str(best.amount), best.currency_code
    row["error_code"], row["error_message"] = result.error_code, result.error_message
    return row


class Writer:
    """Writes rows as JSONL (default, stdout when no path) or CSV (``.csv``)."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._handle: IO[str] = path.open("w", newline="", encoding="utf-8") if path else sys.stdout
        self._csv: csv.DictWriter[str] | None = None
        self.is_csv = path is not None and path.suffix.lower() == ".csv"

    def write(self, row: dict[str, Any]) -> None:
        if self.is_csv:
            if self._csv is None:
                self._csv = csv.DictWriter(self._handle, fieldnames=list(row))
                self._csv.writeheader()
            self._csv.writerow(row)
        else:
            self._handle.write(json.dumps(row, ensure_ascii=False, default=str) + "\n")

    def close(self) -> None:
        if self.path is not None:
            self._handle.close()
        else:
            self._handle.flush()


# --------------------------------------------------------------------------------------------- progress


class ThrottleColumn(ProgressColumn):
    """Requests, throttled responses and time spent waiting for quota, live."""

    def __init__(self, client: MWSClient) -> None:
        super().__init__()
        self._client = client

    def render(self, task: Task) -> Text:
        summary = self._client.throttler.summary()
        return Text(f"{summary.requests:,} req · {summary.throttled} throttled", style="cyan")


class RateColumn(ProgressColumn):
    """Ids per second since the start."""

    def render(self, task: Task) -> Text:
        elapsed = task.elapsed or 0.0
        rate = task.completed / elapsed if elapsed > 0 else 0.0
        return Text(f"{rate:,.1f} ids/s", style="magenta")


@dataclass
class RunSummary:
    """What a bulk run did, for the summary table and the exit code."""

    stats: BulkStats
    elapsed: float
    bound: float
    requests: int
    throttled: int

    @property
    def exit_code(self) -> int:
        if self.stats.failed or self.stats.server_errors:
            return EXIT_FAILED
        if self.stats.client_errors or self.stats.invalid:
            return EXIT_PARTIAL
        return EXIT_OK


def summary_table(title: str, summary: RunSummary) -> Table:
    """The end-of-run table: outcomes, requests, throttles, achieved vs quota-bound time."""
    s = summary.stats
    table = Table(title=title, show_header=False, title_justify="left")
    table.add_column(style="bold")
    table.add_column(justify="right")
    table.add_row("distinct ids", f"{s.distinct:,}")
    table.add_row("duplicates skipped", f"{s.duplicates:,}")
    table.add_row("found", f"{s.success:,}")
    table.add_row("not found (ClientError)", f"{s.client_errors:,}")
    table.add_row("invalid (no request)", f"{s.invalid:,}")
    table.add_row("errors (ServerError / failed)", f"{s.server_errors + s.failed:,}")
    table.add_row("requests", f"{summary.requests:,}")
    table.add_row("throttled responses", f"{summary.throttled:,}")
    table.add_row("elapsed", f"{summary.elapsed:.2f} s")
    table.add_row("quota-bound time", f"{summary.bound:.2f} s")
    ratio = summary.elapsed / summary.bound if summary.bound > 0 else float("nan")
    table.add_row("achieved / bound", f"{ratio:.3f}" if summary.bound > 0 else "n/a (within the burst)")
    return table


async def run_bulk_command(
    session: Session,
    ids: Any,
    total: int,
    start: Callable[[BulkStats], AsyncIterator[BulkResult[Any]]],
    spec_name: tuple[str, str],
    row: Callable[[BulkResult[Any]], dict[str, Any]],
    out: Path | None,
    quiet: bool,
    title: str,
) -> RunSummary:
    """Drive one bulk helper with a progress bar, write rows, and summarise."""
    client = session.client
    stats = BulkStats()
    writer = Writer(out)
    before = client.throttler.summary()
    started = time.perf_counter()
    progress = Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        RateColumn(),
        TimeRemainingColumn(),
        ThrottleColumn(client),
        console=err,
        disable=quiet,
        transient=False,
    )
    try:
        with progress:
            task = progress.add_task(title, total=total)
            async for result in start(stats):
                writer.write(row(result))
                progress.advance(task)
    finally:
        writer.close()
    elapsed = time.perf_counter() - started
    after = client.throttler.summary()
    spec = client.throttler.spec(*spec_name)
    valid = stats.distinct - stats.invalid
    units = valid if spec.unit == "item" else stats.requests
    bound = spec.bound(units, session.time_scale)
    summary = RunSummary(
        stats, elapsed, bound, after.requests - before.requests, after.throttled - before.throttled
    )
    if not quiet:
        err.print(summary_table(title, summary))
    return summary


def _finish(run: Callable[[], Coroutine[Any, Any, int]]) -> NoReturn:
    """Run a command's coroutine and exit with its code; MWS errors become one red line and code 3 or 4."""
    try:
        code = asyncio.run(run())
    except MWSError as exc:
        raise _fail(exc) from None
    raise typer.Exit(code)


def _fail(exc: MWSError) -> typer.Exit:
    err.print(f"[red]error:[/red] {exc}")
    return typer.Exit(
        EXIT_CONFIG if isinstance(exc, (ConfigurationError, AuthenticationError)) else EXIT_FAILED
    )


# --------------------------------------------------------------------------------------------- commands

IdTypeOpt = Annotated[
    str, typer.Option("--id-type", "-t", help="ISBN, UPC, EAN, JAN, ASIN, SellerSKU or GCID")
]


def _bulk(
    kind: str,
    ids_file: Path,
    id_type: str,
    marketplace: str,
    out: Path | None,
    quiet: bool,
    profile: str | None,
    time_scale: float | None,
) -> None:
    if not ids_file.is_file():
        err.print(f"[red]error:[/red] {ids_file} is not a file")
        raise typer.Exit(EXIT_USAGE)

    async def run() -> int:
        total = _count_ids(ids_file)
        async with open_session(profile, marketplace, time_scale, quiet) as session:
            products = session.client.products
            if kind == "lookup":

                def start(stats: BulkStats) -> AsyncIterator[BulkResult[Any]]:
                    return products.lookup_many(_read_ids(ids_file), id_type, stats=stats)  # type: ignore[arg-type]

                spec, row, title = ("Products", "GetMatchingProductForId"), lookup_row, f"lookup {id_type}"
            elif kind == "pricing":

                def start(stats: BulkStats) -> AsyncIterator[BulkResult[Any]]:
                    return products.competitive_pricing_many(_read_ids(ids_file), id_type, stats=stats)  # type: ignore[arg-type]

                spec, row, title = (
                    ("Products", f"GetCompetitivePricingFor{_suffix(id_type)}"),
                    pricing_row,
                    "pricing",
                )
            else:

                def start(stats: BulkStats) -> AsyncIterator[BulkResult[Any]]:
                    return products.lowest_offer_listings_many(_read_ids(ids_file), id_type, stats=stats)  # type: ignore[arg-type]

                spec, row, title = (
                    ("Products", f"GetLowestOfferListingsFor{_suffix(id_type)}"),
                    offers_row,
                    "offers",
                )
            summary = await run_bulk_command(session, None, total, start, spec, row, out, quiet, title)
            return summary.exit_code

    _finish(run)


def _suffix(id_type: str) -> str:
    if id_type not in ("ASIN", "SellerSKU"):
        err.print(f"[red]error:[/red] --id-type must be ASIN or SellerSKU here, not {id_type}")
        raise typer.Exit(EXIT_USAGE)
    return "ASIN" if id_type == "ASIN" else "SKU"


@app.command()
def lookup(
    ids_file: Annotated[Path, typer.Argument(help="One id per line")],
    id_type: IdTypeOpt = "ISBN",
    marketplace: MarketplaceOpt = "US",
    out: OutOpt = None,
    quiet: QuietOpt = False,
    profile: Profile = None,
    time_scale: ScaleOpt = None,
) -> None:
    """Look up products for every id in IDS_FILE (GetMatchingProductForId, 5 ids per request)."""
    _bulk("lookup", ids_file, id_type, marketplace, out, quiet, profile, time_scale)


@app.command()
def pricing(
    ids_file: Annotated[Path, typer.Argument(help="One ASIN or SellerSKU per line")],
    id_type: IdTypeOpt = "ASIN",
    api: Annotated[str, typer.Option("--api", help="mws (GetCompetitivePricingFor*) or sp-api")] = "mws",
    marketplace: MarketplaceOpt = "US",
    out: OutOpt = None,
    quiet: QuietOpt = False,
    profile: Profile = None,
    time_scale: ScaleOpt = None,
) -> None:
    """Competitive pricing for every ASIN/SKU in IDS_FILE (MWS: 10 per request; SP-API: 20 per call)."""
    if api == "sp-api":
        _spapi_pricing(ids_file, marketplace, out, quiet, time_scale)
        return
    if api != "mws":
        err.print(f"[red]error:[/red] --api must be mws or sp-api, not {api!r}")
        raise typer.Exit(EXIT_USAGE)
    _bulk("pricing", ids_file, id_type, marketplace, out, quiet, profile, time_scale)


def _spapi_pricing(
    ids_file: Path, marketplace: str, out: Path | None, quiet: bool, time_scale: float | None
) -> None:
    """The pricing job through SP-API getCompetitivePricing (LWA credentials from the environment, or the
    embedded SP-API sandbox)."""
    from mws_async.spapi.cli import run_spapi_pricing

    if not ids_file.is_file():
        err.print(f"[red]error:[/red] {ids_file} is not a file")
        raise typer.Exit(EXIT_USAGE)

    async def run() -> int:
        stats = BulkStats()
        writer = Writer(out)
        progress = Progress(
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            RateColumn(),
            TimeRemainingColumn(),
            console=err,
            disable=quiet,
        )
        try:
            with progress:
                task = progress.add_task("pricing (SP-API)", total=_count_ids(ids_file))

                def on_result(result: BulkResult[Any]) -> None:
                    writer.write(pricing_row(result))
                    progress.advance(task)

                result = await run_spapi_pricing(
                    _read_ids(ids_file),
                    on_result,
                    marketplace=marketplace,
                    time_scale=time_scale,
                    stats=stats,
                    announce=None if quiet else (lambda line: err.print(f"[yellow]{line}[/yellow]")),
                )
        finally:
            writer.close()
        summary = RunSummary(stats, result.elapsed, result.bound, result.requests, result.throttled)
        if not quiet:
            err.print(summary_table("pricing (SP-API getCompetitivePricing)", summary))
        return summary.exit_code

    _finish(run)


@app.command()
def offers(
    ids_file: Annotated[Path, typer.Argument(help="One ASIN or SellerSKU per line")],
    id_type: IdTypeOpt = "ASIN",
    marketplace: MarketplaceOpt = "US",
    out: OutOpt = None,
    quiet: QuietOpt = False,
    profile: Profile = None,
    time_scale: ScaleOpt = None,
) -> None:
    """Lowest offer listings for every ASIN/SKU in IDS_FILE (10 per request)."""
    _bulk("offers", ids_file, id_type, marketplace, out, quiet, profile, time_scale)


def _parse_date(value: str) -> datetime:
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        err.print(f"[red]error:[/red] {value!r} is not an ISO date (e.g. 2025-01-31 or 2025-01-31T12:00:00Z)")
        raise typer.Exit(EXIT_USAGE) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


@app.command()
def orders(
    since: Annotated[str, typer.Option("--since", help="Orders created after this ISO date")],
    until: Annotated[str | None, typer.Option("--until", help="...and before this ISO date")] = None,
    status: Annotated[
        list[str] | None, typer.Option("--status", help="OrderStatus filter (repeatable)")
    ] = None,
    marketplace: MarketplaceOpt = "US",
    out: OutOpt = None,
    quiet: QuietOpt = False,
    profile: Profile = None,
    time_scale: ScaleOpt = None,
) -> None:
    """List orders (ListOrders + ListOrdersByNextToken) as JSONL or CSV."""
    created_after, created_before = _parse_date(since), _parse_date(until) if until else None

    async def run() -> int:
        async with open_session(profile, marketplace, time_scale, quiet) as session:
            writer = Writer(out)
            count = 0
            try:
                with Progress(
                    TextColumn("[bold]orders"),
                    MofNCompleteColumn(),
                    ThrottleColumn(session.client),
                    console=err,
                    disable=quiet,
                ) as progress:
                    task = progress.add_task("orders", total=None)
                    async for order in session.client.orders.list_orders(
                        created_after=created_after, created_before=created_before, order_statuses=status
                    ):
                        total = order.order_total
                        writer.write(
                            {
                                "amazon_order_id": order.amazon_order_id,
                                "purchase_date": order.purchase_date.isoformat()
                                if order.purchase_date
                                else None,
                                "order_status": order.order_status,
                                "fulfillment_channel": order.fulfillment_channel,
                                "order_total": str(total.amount) if total is not None else None,
                                "currency": total.currency_code if total is not None else None,
                                "items_shipped": order.number_of_items_shipped,
                                "items_unshipped": order.number_of_items_unshipped,
                                "marketplace_id": order.marketplace_id,
                            }
                        )
                        count += 1
                        progress.advance(task)
            finally:
                writer.close()
            if not quiet:
                err.print(f"{count:,} orders; {session.client.throttler.summary().requests} requests")
            return EXIT_OK

    _finish(run)


@app.command()
def report(
    report_type: Annotated[str, typer.Argument(help="e.g. _GET_MERCHANT_LISTINGS_DATA_")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Where to write the report")],
    marketplace: MarketplaceOpt = "US",
    quiet: QuietOpt = False,
    profile: Profile = None,
    time_scale: ScaleOpt = None,
) -> None:
    """Request a report, wait for it, and stream it to --out (Content-MD5 verified)."""

    async def run() -> int:
        async with open_session(profile, marketplace, time_scale, quiet) as session:
            with err.status(f"waiting for {report_type}...") if not quiet else _null():
                result = await session.client.reports.request_and_download(report_type, out)
            if result is None:
                if not quiet:
                    err.print("report finished with no data (_DONE_NO_DATA_)")
                return EXIT_PARTIAL
            if not quiet:
                err.print(f"wrote {result.size:,} bytes to {result.path} (Content-MD5 {result.md5} verified)")
            return EXIT_OK

    _finish(run)


class _null:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> None:
        return None


@app.command()
def sandbox(
    port: Annotated[int, typer.Option("--port", "-p", help="Port on 127.0.0.1 (0 = any free port)")] = 8000,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the synthetic world")] = 0,
    time_scale: Annotated[float, typer.Option("--time-scale", help="Speed up every restore rate")] = 1.0,
) -> None:
    """Serve the local MWS sandbox until interrupted."""
    from mws_async.sandbox import serve

    serve(port, seed=seed, time_scale=time_scale)


@app.command()
def demo(
    ids: Annotated[int, typer.Option("--ids", help="How many ids to look up")] = 3000,
    quick: Annotated[bool, typer.Option("--quick", help="A short run: 300 ids")] = False,
    time_scale: Annotated[float, typer.Option("--time-scale", help="Sandbox time scale")] = 50.0,
    out: OutOpt = None,
    quiet: QuietOpt = False,
) -> None:
    """Start a sandbox, look up generated ISBNs (some duplicated, some invalid) and compare the time with
    the quota bound."""

    if quick:
        ids = min(ids, 300)

    async def run() -> int:
        from mws_async.sandbox import Sandbox

        async with Sandbox(time_scale=time_scale) as sb:
            if not quiet:
                err.print(f"[yellow]Embedded sandbox at {sb.base_url} (time scale {time_scale:g}×).[/yellow]")
            valid = sb.world.sample_ids("ISBN", ids)
            bad = [sb.world.invalid_id("ISBN", k) for k in range(max(1, ids // 50))]
            stream = valid + bad + valid[: max(1, ids // 20)]  # invalid and duplicated ids too
            async with MWSClient(sb.credentials, base_url=sb.base_url, time_scale=time_scale) as client:
                session = Session(client, sb, time_scale)
                summary = await run_bulk_command(
                    session,
                    None,
                    len(set(stream)),
                    lambda stats: client.products.lookup_many(stream, "ISBN", stats=stats),
                    ("Products", "GetMatchingProductForId"),
                    lookup_row,
                    out or Path(os.devnull),
                    quiet,
                    f"demo: {ids:,} ISBNs",
                )
            return EXIT_OK if summary.stats.failed == 0 else EXIT_FAILED

    raise typer.Exit(asyncio.run(run()))


def main() -> None:
    """Console-script entry point."""
    app()


if __name__ == "__main__":  # pragma: no cover - `python -m mws_async.cli`
    main()
