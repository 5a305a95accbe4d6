"""The :class:`Sandbox`: a loopback MWS server (uvicorn in-process) around :class:`SandboxApp`."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import re
import socket
import sys
import time
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from types import TracebackType
from typing import Any, Final

from mws_async.credentials import Credentials
from mws_async.sandbox.app import INFO_SERVICE, SandboxApp, SandboxConnectionReset
from mws_async.sandbox.auth import Authenticator
from mws_async.sandbox.bodies import DEFAULT_MAX_FEED_BYTES
from mws_async.sandbox.buckets import Buckets
from mws_async.sandbox.faults import Faults
from mws_async.sandbox.registry import Registry, default_registry
from mws_async.sandbox.requestlog import RequestLog
from mws_async.sandbox.world import ID_TYPES, World
from mws_async.throttle.quotas import QuotaTable

__all__ = ["SANDBOX_ACCESS_KEY", "SANDBOX_SECRET_KEY", "SANDBOX_SELLER_ID", "Sandbox", "banner", "serve"]

# Public, fixed sandbox values: they open nothing but a local sandbox.
SANDBOX_ACCESS_KEY: Final = "AKIASANDBOXDEVELOPER"
SANDBOX_SECRET_KEY: Final = "sandbox-secret-key"
SANDBOX_SELLER_ID: Final = "A2SANDBOXSELLER"
_SELLER: Final = re.compile(r"A[0-9A-Z]{10,14}")


class _DropInjectedResets(logging.Filter):
    """Keep uvicorn from logging a traceback for every injected connection reset."""

    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        return not isinstance(exc, SandboxConnectionReset)


_RESET_FILTER: Final = _DropInjectedResets()


class Sandbox:
    """A faithful local MWS: ``async with Sandbox(seed=0) as sb:`` serves on ``sb.base_url``.

    Arguments: ``seed`` (the world and fault draws), ``time_scale`` (multiplies every restore rate and
    shortens hourly windows), ``faults`` (a :class:`Faults`, default none), ``catalog_size``,
    ``order_count``, ``anchor`` (end of the order history; fixed default so worlds are reproducible),
    ``quotas`` (a :class:`QuotaTable`, default the documented one), ``throttling`` (False turns buckets
    off, for CPU benchmarks), ``clock`` (monotonic seconds; inject to step time in tests),
    ``host``/``port`` (port 0 = a free one), ``request_log_size``, ``developers`` (extra access key ->
    secret pairs), ``hourly_multiplier`` (MWS gave some accounts a multiple of the documented hourly quota),
    ``world`` (a ready :class:`World`, e.g. with a longer report history; overrides the world arguments),
    ``max_feed_bytes`` (largest SubmitFeed body, default 2 GiB; form posts are capped at 1 MiB before
    authentication) and ``spool_dir`` (where feed bodies over 1 MiB are spooled as anonymous temporary
    files; default the system's temporary directory) and ``live_orders`` (the orders still in progress at
    the world's anchor move on from now, Pending to Unshipped to Shipped, at the time scale; each change
    bumps LastUpdateDate: see :mod:`mws_async.sandbox.world`; default a world that never changes).

    Without starting it, ``Sandbox(...).app`` is an ASGI app for ``httpx.ASGITransport``.
    """

    def __init__(
        self,
        seed: int = 0,
        time_scale: float = 1.0,
        faults: Faults | None = None,
        *,
        catalog_size: int = 1_000_000,
        order_count: int = 5000,
        anchor: datetime | None = None,
        quotas: QuotaTable | None = None,
        throttling: bool = True,
        clock: Callable[[], float] | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        request_log_size: int = 100_000,
        developers: Mapping[str, str] | None = None,
        hourly_multiplier: float = 1.0,
        registry: Registry | None = None,
        world: World | None = None,
        max_feed_bytes: int = DEFAULT_MAX_FEED_BYTES,
        spool_dir: str | os.PathLike[str] | None = None,
        live_orders: bool = False,
    ) -> None:
        self.seed = seed
        self.time_scale = time_scale
        self.host = host
        self.port = port
        live_from = datetime.now(UTC) if live_orders else None
        self.world = world or World(
            seed, catalog_size=catalog_size, order_count=order_count, anchor=anchor, live_from=live_from
        )
        self.faults = faults if faults is not None else Faults(seed=seed)
        self.request_log = RequestLog(request_log_size)
        self.buckets = Buckets(
            quotas,
            time_scale=time_scale,
            clock=clock or time.monotonic,
            enabled=throttling,
            hourly_multiplier=hourly_multiplier,
        )
        self.developers = {SANDBOX_ACCESS_KEY: SANDBOX_SECRET_KEY, **(developers or {})}
        self.registry = registry or default_registry()
        from mws_async.sandbox.spapi import SPAPISandboxApp

        self.spapi = SPAPISandboxApp(self.world, time_scale=time_scale, clock=clock, throttling=throttling)
        """The SP-API Product Pricing v0 sandbox (and LWA token endpoint) on the same server and world."""
        self.app = SandboxApp(
            world=self.world,
            registry=self.registry,
            authenticator=Authenticator(self.developers, self._now),
            buckets=self.buckets,
            faults=self.faults,
            request_log=self.request_log,
            spapi=self.spapi,
            max_feed_bytes=max_feed_bytes,
            spool_dir=os.fspath(spool_dir) if spool_dir is not None else None,
        )
        self.app.info = self.info
        self._server: Any = None
        self._task: asyncio.Task[None] | None = None
        self._bound_port: int | None = None

    def _now(self) -> datetime:
        return self.app.now()

    def info(self) -> dict[str, Any]:
        """What a client needs to use this running sandbox (``GET /sandbox/info``, loopback only): the
        public sandbox credentials for MWS and SP-API, the time scale, the seed and the orders' span."""
        first, last = self.world.order_span
        lwa = self.spapi.credentials()
        return {
            "service": INFO_SERVICE,
            "base_url": self.base_url if self.started else None,
            "seed": self.seed,
            "time_scale": self.time_scale,
            "mws": {
                "access_key": SANDBOX_ACCESS_KEY,
                "secret_key": SANDBOX_SECRET_KEY,
                "seller_id": SANDBOX_SELLER_ID,
            },
            "spapi": {
                "client_id": lwa.client_id,
                "client_secret": lwa.client_secret.reveal(),
                "refresh_token": lwa.refresh_token.reveal(),
                "selling_partner_id": lwa.selling_partner_id,
                "token_path": "/auth/o2/token",
            },
            "orders": {
                "count": self.world.order_count,
                "first": first.isoformat(),
                "last": last.isoformat(),
                "marketplaces": list(self.world.order_marketplaces),
            },
        }

    # --- credentials ------------------------------------------------------------------------------
    @property
    def credentials(self) -> Credentials:
        """The default developer key/secret and seller id (public sandbox values)."""
        return Credentials(SANDBOX_ACCESS_KEY, SANDBOX_SECRET_KEY, SANDBOX_SELLER_ID, label="sandbox")

    def credentials_for(self, seller_id: str) -> Credentials:
        """Same developer, another seller (``A`` + 10-14 uppercase letters or digits)."""
        if not _SELLER.fullmatch(seller_id):
            raise ValueError(
                f"sandbox seller ids are 'A' + 10-14 uppercase letters or digits, not {seller_id!r}"
            )
        return Credentials(SANDBOX_ACCESS_KEY, SANDBOX_SECRET_KEY, seller_id, label="sandbox")

    # --- world changes ----------------------------------------------------------------------------
    def add_customers(self, n: int, seller_id: str | None = None) -> list[str]:
        """Add ``n`` Webstore customers to a seller (default the sandbox seller), associated at server time;
        returns their CustomerIds. ListCustomersByNextToken with the last page's token then lists them."""
        added = self.world.add_customers(seller_id or SANDBOX_SELLER_ID, n, self._now())
        return [c.customer_id for c in added]

    # --- serving ----------------------------------------------------------------------------------
    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:PORT`` (only while started)."""
        if self._bound_port is None:
            raise RuntimeError("the sandbox is not started; use 'async with Sandbox() as sb'")
        return f"http://{self.host}:{self._bound_port}"

    @property
    def started(self) -> bool:
        """Whether the server is listening."""
        return self._bound_port is not None

    async def start(self, *, handle_signals: bool = False) -> None:
        """Bind a socket and serve in a background task; returns once uvicorn is accepting.

        Embedded (the default), uvicorn leaves the host application's signal handlers alone; the CLI passes
        ``handle_signals=True`` so Ctrl+C shuts the server down gracefully.
        """
        import uvicorn

        if self._task is not None:
            raise RuntimeError("sandbox already started")
        # IPPROTO_TCP explicitly: asyncio sets TCP_NODELAY on accepted connections only for sockets whose
        # protocol is TCP; with protocol 0 every keep-alive response stalls ~40 ms on delayed ACK.
        family = socket.AF_INET6 if ":" in self.host else socket.AF_INET
        sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((self.host, self.port))
        sock.listen(2048)
        sock.setblocking(False)
        config = uvicorn.Config(
            self.app, log_level="warning", access_log=False, lifespan="off", http="h11", timeout_keep_alive=30
        )
        logging.getLogger("uvicorn.error").addFilter(_RESET_FILTER)
        server = uvicorn.Server(config)
        if not handle_signals:
            server.capture_signals = contextlib.nullcontext  # type: ignore[method-assign,assignment]
        self._server = server
        self._task = asyncio.create_task(server.serve(sockets=[sock]))
        while not server.started:
            if self._task.done():
                self._task.result()
                raise RuntimeError("sandbox server exited during startup")
            await asyncio.sleep(0.005)
        self._bound_port = sock.getsockname()[1]

    async def wait(self) -> None:
        """Wait until the server exits (a signal, or :meth:`stop` from elsewhere)."""
        if self._task is not None:
            await asyncio.shield(self._task)

    async def stop(self) -> None:
        """Stop serving and wait for the server task."""
        if self._task is None:
            return
        self._server.should_exit = True
        try:
            await self._task
        finally:
            self._task = None
            self._server = None
            self._bound_port = None

    async def __aenter__(self) -> Sandbox:
        await self.start()
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.stop()


def banner(sandbox: Sandbox, samples: int = 3) -> str:
    """What ``mws-async sandbox`` prints once listening: where, the (public) credentials, the orders' date
    span, a few ids of each type to try, and how to get more."""
    creds = sandbox.credentials
    world = sandbox.world
    first, last = world.order_span
    lines = [
        f"MWS sandbox listening on {sandbox.base_url}  "
        f"(seed {sandbox.seed}, time scale {sandbox.time_scale:g}x)",
        f"  access key {creds.access_key}  secret key {SANDBOX_SECRET_KEY} (public sandbox value)  "
        f"seller id {creds.seller_id}",
        f"  orders: {world.order_count:,} created {first:%Y-%m-%d} to {last:%Y-%m-%d} (UTC), marketplace "
        f"{', '.join(world.order_marketplaces)}",
        "  ids to try:",
    ]
    width = max(len(t) for t in ID_TYPES)
    lines += [f"    {t:<{width}}  {'  '.join(world.sample_ids(t, samples))}" for t in ID_TYPES]
    lines.append(f"  more ids: mws-async sandbox ids --type ISBN -n 20 --seed {sandbox.seed}")
    lines.append(f"  point other commands at it: export MWS_ASYNC_SANDBOX_URL={sandbox.base_url}")
    return "\n".join(lines) + "\n"


def serve(
    port: int, host: str = "127.0.0.1", seed: int = 0, time_scale: float = 1.0, live_orders: bool = False
) -> None:
    """Run a sandbox in the foreground until interrupted (``mws-async sandbox --port N``); prints
    :func:`banner` once listening."""

    async def main() -> None:
        sandbox = Sandbox(seed=seed, time_scale=time_scale, host=host, port=port, live_orders=live_orders)
        await sandbox.start(handle_signals=True)
        try:
            sys.stdout.write(banner(sandbox))
            sys.stdout.flush()
            await sandbox.wait()
        finally:
            await sandbox.stop()

    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(main())
