"""A sync store: a SQLite file or a PostgreSQL database holding the schema of :mod:`mws_async.sync.schema`.

:func:`open_store` takes what a user types: a file path (SQLite), ``sqlite:///path``, or
``postgresql://user:password@host/db`` (``postgres://`` too; unix sockets with ``?host=/dir``). It creates
the tables when missing and refuses a store made by another schema version.

Writes go through :meth:`Store.transaction`: one transaction, ``BEGIN IMMEDIATE`` on SQLite (so a
transaction that reads then writes never deadlocks with another process), and every driver failure turned
into a :class:`~mws_async.sync.errors.SyncStoreError` whose message names the database without its
password. Upserts (:meth:`Store.upsert`) are ``INSERT ... ON CONFLICT DO UPDATE`` on the natural key, with
an optional "only if not older" condition, the same statement on both databases.

Leases (:meth:`Store.acquire_lease`) keep two syncs of one seller and dataset apart: a row naming the
holder (``host:pid:random``) and an expiry. A live holder's lease is refused with
:class:`~mws_async.sync.errors.SyncLockedError`; an expired one, or one whose holder process on this
machine is gone (killed, crashed), is taken over. Every checkpoint transaction renews the lease with
``UPDATE ... WHERE holder = me``: a sync whose lease was taken over finds no row, raises
:class:`~mws_async.sync.errors.SyncLeaseLostError`, and its transaction rolls back, so a stalled sync can
never overwrite the newer work of the one that replaced it.
"""

from __future__ import annotations

import os
import secrets
import socket
import sqlite3
import zlib
from collections.abc import AsyncIterator, Iterable, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Final

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine

from mws_async.errors import ConfigurationError
from mws_async.sync.errors import SyncLeaseLostError, SyncLockedError, SyncStoreError
from mws_async.sync.schema import METADATA, SCHEMA_VERSION, SYNC_LEASE, SYNC_META, SYNC_STATE

__all__ = [
    "DEFAULT_DB",
    "DEFAULT_LEASE_SECONDS",
    "Lease",
    "Store",
    "SyncState",
    "database_url",
    "open_store",
]

DEFAULT_DB: Final = "mws-async.sqlite"
"""The store used when none is given: a SQLite file in the current folder."""
DEFAULT_LEASE_SECONDS: Final = 600.0
"""How long a lease lasts without renewal (a sync renews it at every page and every minute)."""
_PG_SCHEMA_LOCK: Final = zlib.crc32(b"mws-async sync schema")
_MESSAGE_LIMIT: Final = 300


def utcnow() -> datetime:
    """The current time, timezone-aware, in UTC."""
    return datetime.now(UTC)


def database_url(value: str) -> URL:
    """The SQLAlchemy URL (async driver) for what a user typed: a path, ``sqlite:///...`` or
    ``postgresql://...``; anything else is a :class:`~mws_async.errors.ConfigurationError`."""
    text = value.strip()
    if not text:
        raise ConfigurationError("the database is empty: give a SQLite file path or a postgresql:// URL")
    if "://" not in text:
        return URL.create("sqlite+aiosqlite", database=str(Path(text).expanduser().resolve()))
    scheme = text.split("://", 1)[0].lower()
    try:
        url = make_url(text)
    except (sa.exc.ArgumentError, ValueError):
        raise ConfigurationError(
            f"{scheme}://...: not a database URL; give a SQLite file path or "
            "postgresql://user:password@host:port/database"
        ) from None
    if scheme in ("sqlite", "sqlite+aiosqlite"):
        if not url.database:
            raise ConfigurationError(f"{text}: an in-memory SQLite database keeps nothing; give a file path")
        return url.set(drivername="sqlite+aiosqlite")
    if scheme in ("postgresql", "postgres", "postgresql+asyncpg"):
        return url.set(drivername="postgresql+asyncpg")
    raise ConfigurationError(
        f"{url.render_as_string(hide_password=True)}: unsupported database {scheme!r}; give a SQLite file "
        "path (or sqlite:///path) or a postgresql:// URL"
    )


def _describe(exc: BaseException) -> str:
    """A driver failure in one short line: the driver's own message, never the SQL or its parameters."""
    original = getattr(exc, "orig", None) or exc
    text = " ".join(str(original).split()) or type(original).__name__
    if len(text) > _MESSAGE_LIMIT:
        text = text[:_MESSAGE_LIMIT] + "..."
    return f"{type(original).__name__}: {text}"


def _driver_errors() -> tuple[type[BaseException], ...]:
    """The exception types a database driver raises outside SQLAlchemy's wrapping."""
    kinds: list[type[BaseException]] = [sa.exc.SQLAlchemyError, sqlite3.Error]
    try:
        import asyncpg

        kinds.append(asyncpg.PostgresError)
        kinds.append(asyncpg.InterfaceError)
    except ImportError:  # pragma: no cover - the sync extra installs it
        pass
    return tuple(kinds)


_DRIVER_ERRORS: Final = _driver_errors()


@dataclass(frozen=True, slots=True)
class SyncState:
    """The checkpoint of one (seller, dataset): see :data:`~mws_async.sync.schema.SYNC_STATE`."""

    seller_id: str
    dataset: str
    watermark: datetime | None = None
    window_after: datetime | None = None
    window_before: datetime | None = None
    window_high: datetime | None = None
    next_token: str | None = None
    pages: int = 0
    records: int = 0

    @property
    def in_window(self) -> bool:
        """Whether a window was started and not finished (a resume continues it)."""
        return self.window_after is not None

    def row(self) -> dict[str, Any]:
        """The state as a ``mws_sync_state`` row."""
        return {
            "seller_id": self.seller_id,
            "dataset": self.dataset,
            "watermark": self.watermark,
            "window_after": self.window_after,
            "window_before": self.window_before,
            "window_high": self.window_high,
            "next_token": self.next_token,
            "pages": self.pages,
            "records": self.records,
            "updated_at": utcnow(),
        }

    def advanced(self, **changes: Any) -> SyncState:
        """A copy with ``changes``."""
        return replace(self, **changes)


@dataclass(frozen=True, slots=True)
class Lease:
    """A held lease: who holds it (``holder``) on which seller and dataset."""

    seller_id: str
    dataset: str
    holder: str


def _holder_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(4)}"


def _process_gone(pid: int) -> bool:
    """Whether process ``pid`` on this machine no longer runs (a zombie counts as gone)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:  # alive, another user's
        return False
    except OSError:  # pragma: no cover - unexpected; assume alive rather than steal
        return False
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    # The state follows the parenthesised command name: "Z" is a zombie (killed, not yet reaped).
    return stat.rpartition(")")[2].split()[:1] == ["Z"]


class Store:
    """An open sync store. Build with :func:`open_store`; close with :meth:`aclose` (or ``async with``)."""

    def __init__(
        self,
        engine: AsyncEngine,
        url: URL,
        *,
        reports_dir: Path,
        lease_seconds: float = DEFAULT_LEASE_SECONDS,
    ) -> None:
        self.engine = engine
        self.url = url
        self.reports_dir = reports_dir
        """Where downloaded reports are written (their rows point at the files)."""
        self.lease_seconds = lease_seconds
        self.display = url.render_as_string(hide_password=True)
        """The database's URL without its password (for messages)."""

    @property
    def dialect(self) -> str:
        """``sqlite`` or ``postgresql``."""
        return self.engine.dialect.name

    def __repr__(self) -> str:
        return f"Store({self.display!r})"

    async def __aenter__(self) -> Store:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close every connection of the store."""
        await self.engine.dispose()

    # -- transactions ----------------------------------------------------------------------------------

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncConnection]:
        """One transaction: committed when the block ends, rolled back if it raises. Driver failures
        become :class:`SyncStoreError`."""
        try:
            async with self.engine.begin() as conn:
                yield conn
        except _DRIVER_ERRORS as exc:
            raise SyncStoreError(self.display, _describe(exc)) from None
        except OSError as exc:  # the server could not be reached
            raise SyncStoreError(self.display, f"cannot connect ({_describe(exc)})") from None

    async def create_schema(self) -> None:
        """Create the tables when missing; refuse a store of another schema version."""
        async with self.transaction() as conn:
            if self.dialect == "postgresql":
                # Several workers may open a new database at once: one creates, the others wait.
                await conn.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_SCHEMA_LOCK})
            await conn.run_sync(METADATA.create_all)
            found = (
                await conn.execute(sa.select(SYNC_META.c.value).where(SYNC_META.c.key == "schema_version"))
            ).scalar_one_or_none()
            if found is None:
                await conn.execute(
                    sa.insert(SYNC_META).values(key="schema_version", value=str(SCHEMA_VERSION))
                )
            elif found != str(SCHEMA_VERSION):
                raise SyncStoreError(
                    self.display,
                    f"holds sync schema version {found}, this mws-async uses version {SCHEMA_VERSION}; "
                    "use another database (or upgrade mws-async)",
                )

    # -- upserts ---------------------------------------------------------------------------------------

    def _insert(self, table: sa.Table) -> Any:
        if self.dialect == "postgresql":
            from sqlalchemy.dialects.postgresql import insert as pg_insert

            return pg_insert(table)
        from sqlalchemy.dialects.sqlite import insert as sqlite_insert

        return sqlite_insert(table)

    async def upsert(
        self,
        conn: AsyncConnection,
        table: sa.Table,
        rows: Sequence[Mapping[str, Any]],
        *,
        newer: str | None = None,
        keep: Iterable[str] = (),
    ) -> None:
        """Insert ``rows``, or update the row of the same primary key; with ``newer``, only when the
        incoming value of that column is not older than the stored one. ``keep`` columns are never
        overwritten by an update."""
        if not rows:
            return
        keys = [c.name for c in table.primary_key.columns]
        # One statement must not touch a row twice (PostgreSQL refuses it): keep the newest per key.
        unique: dict[tuple[Any, ...], Mapping[str, Any]] = {}
        for row in rows:
            key = tuple(row[k] for k in keys)
            held = unique.get(key)
            if held is None or newer is None or _not_older(row[newer], held[newer]):
                unique[key] = row
        stmt = self._insert(table)
        skip = set(keys) | set(keep)
        updates = {c.name: stmt.excluded[c.name] for c in table.columns if c.name not in skip}
        where = table.c[newer] <= stmt.excluded[newer] if newer is not None else None
        stmt = stmt.on_conflict_do_update(index_elements=keys, set_=updates, where=where)
        await conn.execute(stmt, list(unique.values()))

    # -- checkpoints -----------------------------------------------------------------------------------

    async def load_state(self, seller_id: str, dataset: str) -> SyncState:
        """The checkpoint of (seller, dataset); a blank one when it never ran."""
        async with self.transaction() as conn:
            row = (
                await conn.execute(
                    sa.select(SYNC_STATE).where(
                        SYNC_STATE.c.seller_id == seller_id, SYNC_STATE.c.dataset == dataset
                    )
                )
            ).first()
        if row is None:
            return SyncState(seller_id, dataset)
        return SyncState(
            seller_id,
            dataset,
            watermark=row.watermark,
            window_after=row.window_after,
            window_before=row.window_before,
            window_high=row.window_high,
            next_token=row.next_token,
            pages=row.pages or 0,
            records=row.records or 0,
        )

    async def save_state(self, conn: AsyncConnection, state: SyncState) -> None:
        """Write the checkpoint inside ``conn``'s transaction (the one holding the rows it covers)."""
        await self.upsert(conn, SYNC_STATE, [state.row()])

    # -- leases ----------------------------------------------------------------------------------------

    async def acquire_lease(self, seller_id: str, dataset: str) -> Lease:
        """Take the lease on (seller, dataset), or raise :class:`SyncLockedError` naming its holder."""
        holder = _holder_name()
        host, pid = socket.gethostname(), os.getpid()
        where = (SYNC_LEASE.c.seller_id == seller_id, SYNC_LEASE.c.dataset == dataset)
        async with self.transaction() as conn:
            now = utcnow()
            values = {
                "holder": holder,
                "host": host,
                "pid": pid,
                "acquired_at": now,
                "expires_at": now + timedelta(seconds=self.lease_seconds),
            }
            row = (await conn.execute(sa.select(SYNC_LEASE).where(*where).with_for_update())).first()
            if row is None:
                stmt = self._insert(SYNC_LEASE).values(seller_id=seller_id, dataset=dataset, **values)
                done = await conn.execute(stmt.on_conflict_do_nothing())
                if done.rowcount == 1:
                    return Lease(seller_id, dataset, holder)
                # Another sync inserted it in the meantime: look at the winner.
                row = (await conn.execute(sa.select(SYNC_LEASE).where(*where).with_for_update())).first()
            if row is not None:
                alive = row.expires_at > now and not (row.host == host and _process_gone(row.pid))
                if alive:
                    raise SyncLockedError(seller_id, dataset, row.holder, row.expires_at)
                taken = await conn.execute(
                    sa.update(SYNC_LEASE).where(*where, SYNC_LEASE.c.holder == row.holder).values(**values)
                )
                if taken.rowcount == 1:
                    return Lease(seller_id, dataset, holder)
        # Taken over by a third sync between our read and our write.
        current = await self._lease_row(seller_id, dataset)
        if current is None:
            return await self.acquire_lease(seller_id, dataset)
        raise SyncLockedError(seller_id, dataset, current.holder, current.expires_at)

    async def _lease_row(self, seller_id: str, dataset: str) -> Any:
        async with self.transaction() as conn:
            return (
                await conn.execute(
                    sa.select(SYNC_LEASE).where(
                        SYNC_LEASE.c.seller_id == seller_id, SYNC_LEASE.c.dataset == dataset
                    )
                )
            ).first()

    async def renew_lease(self, conn: AsyncConnection, lease: Lease) -> None:
        """Extend ``lease`` inside ``conn``'s transaction; :class:`SyncLeaseLostError` if it is no longer
        ours (the transaction then rolls back)."""
        done = await conn.execute(
            sa.update(SYNC_LEASE)
            .where(
                SYNC_LEASE.c.seller_id == lease.seller_id,
                SYNC_LEASE.c.dataset == lease.dataset,
                SYNC_LEASE.c.holder == lease.holder,
            )
            .values(expires_at=utcnow() + timedelta(seconds=self.lease_seconds))
        )
        if done.rowcount != 1:
            raise SyncLeaseLostError(lease.seller_id, lease.dataset)

    async def release_lease(self, lease: Lease) -> None:
        """Give the lease up (nothing happens if it was taken over)."""
        async with self.transaction() as conn:
            await conn.execute(
                sa.delete(SYNC_LEASE).where(
                    SYNC_LEASE.c.seller_id == lease.seller_id,
                    SYNC_LEASE.c.dataset == lease.dataset,
                    SYNC_LEASE.c.holder == lease.holder,
                )
            )


def _not_older(incoming: Any, held: Any) -> bool:
    if held is None:
        return True
    if incoming is None:
        return False
    return bool(incoming >= held)


def _sqlite_pragmas(engine: AsyncEngine) -> None:
    """WAL (readers never block the writer), a generous busy timeout, and ``BEGIN IMMEDIATE`` for every
    transaction (the driver's own lazy BEGIN lets two read-then-write transactions deadlock)."""

    @event.listens_for(engine.sync_engine, "connect")
    def _connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we BEGIN ourselves
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")  # WAL + NORMAL survives a killed process
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _begin(conn: Any) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def _default_reports_dir(url: URL) -> Path:
    if url.get_backend_name() == "sqlite" and url.database:
        database = Path(url.database)
        return database.with_name(database.name + ".reports")
    return Path("mws-async-reports").resolve()


async def open_store(
    url: str | URL = DEFAULT_DB,
    *,
    reports_dir: str | os.PathLike[str] | None = None,
    lease_seconds: float = DEFAULT_LEASE_SECONDS,
    create: bool = True,
) -> Store:
    """Open (and with ``create``, initialise) the store at ``url``: a SQLite path or URL, or a
    ``postgresql://`` URL. ``reports_dir`` is where reports are written (default: beside a SQLite file as
    ``<name>.reports``, else ``./mws-async-reports``)."""
    parsed = url if isinstance(url, URL) else database_url(url)
    if lease_seconds <= 0:
        raise ConfigurationError(f"lease_seconds must be positive, not {lease_seconds}")
    if parsed.get_backend_name() == "sqlite" and parsed.database:
        folder_of_db = Path(parsed.database).parent
        if not folder_of_db.is_dir():
            # Checked here: a failed SQLite connect leaves the driver's worker thread behind.
            raise SyncStoreError(
                parsed.render_as_string(hide_password=True),
                f"the folder {folder_of_db} does not exist; create it or give another path",
            )
    try:
        if parsed.get_backend_name() == "sqlite":
            engine = create_async_engine(parsed, connect_args={"timeout": 30})
            _sqlite_pragmas(engine)
        else:
            engine = create_async_engine(parsed, pool_size=2, max_overflow=2)
    except (sa.exc.ArgumentError, ImportError) as exc:
        raise ConfigurationError(
            f"{parsed.render_as_string(hide_password=True)}: {_describe(exc)}; the sync needs the 'sync' "
            "extra (pip install 'mws-async[sync]')"
        ) from None
    folder = Path(reports_dir) if reports_dir is not None else _default_reports_dir(parsed)
    store = Store(engine, parsed, reports_dir=folder, lease_seconds=lease_seconds)
    if create:
        try:
            await store.create_schema()
        except BaseException:
            await store.aclose()
            raise
    return store
