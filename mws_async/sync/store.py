"""A sync store: a SQLite file or a PostgreSQL database holding the schema of :mod:`mws_async.sync.schema`.

:func:`open_store` takes what a user types: a file path (SQLite), ``sqlite:///path``, or
``postgresql://user:password@host/db`` (``postgres://`` too; unix sockets with ``?host=/dir``; libpq's
``sslmode``, ``connect_timeout`` and ``application_name`` parameters are translated for asyncpg). A URL the
drivers could not use (a port out of range, an unknown parameter, no database name) is a
:class:`~mws_async.errors.ConfigurationError` before anything connects. It creates the tables when missing
and refuses a store made by another schema version.

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

import asyncio
import math
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
    "check_reports_dir",
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


def database_url(value: str | URL) -> URL:
    """The SQLAlchemy URL (async driver) for what a user typed: a path, ``sqlite:///...`` or
    ``postgresql://...`` (an already parsed URL is checked the same way); anything else, and any setting
    the driver could not use, is a :class:`~mws_async.errors.ConfigurationError` (without the password)."""
    if isinstance(value, URL):
        return _checked(value, value.drivername.lower())
    text = value.strip()
    if not text:
        raise ConfigurationError("the database is empty: give a SQLite file path or a postgresql:// URL")
    if "\x00" in text:
        raise ConfigurationError("the database contains a NUL character: give a SQLite file path or a URL")
    if "://" not in text:
        return URL.create("sqlite+aiosqlite", database=str(_sqlite_path(text)))
    scheme = text.split("://", 1)[0].lower()
    try:
        url = make_url(text)
    except (sa.exc.ArgumentError, ValueError):
        raise ConfigurationError(
            f"{scheme}://...: not a database URL; give a SQLite file path or "
            "postgresql://user:password@host:port/database"
        ) from None
    return _checked(url, scheme)


def _sqlite_path(text: str) -> Path:
    try:
        return Path(text).expanduser().resolve()
    except RuntimeError:  # "~name/..." of an unknown user, or no home folder at all
        first = text.split("/", 1)[0]
        raise ConfigurationError(
            f"{text}: cannot find the home folder of {first}; write the file's path out in full"
        ) from None
    except OSError as exc:
        raise ConfigurationError(f"{text}: not a usable file path ({exc.strerror or exc})") from None


def _shown(url: URL) -> str:
    """The URL for messages: no password, and no parameters (one may carry a secret)."""
    return url.set(query={}).render_as_string(hide_password=True)


def _checked(url: URL, scheme: str) -> URL:
    parts = [url.username, url.password, url.host, url.database]
    for key, values in url.normalized_query.items():
        parts += [key, *values]
    if any("\x00" in part for part in parts if part):
        raise ConfigurationError(f"{_shown(url)}: the URL contains a NUL character")
    if scheme in ("sqlite", "sqlite+aiosqlite"):
        url = url.set(drivername="sqlite+aiosqlite")
        _check_sqlite(url)
        return url
    if scheme in ("postgresql", "postgres", "postgresql+asyncpg"):
        url = url.set(drivername="postgresql+asyncpg")
        _check_postgres(url)
        return url
    raise ConfigurationError(
        f"{_shown(url)}: unsupported database {scheme!r}; give a SQLite file path (or sqlite:///path) or a "
        "postgresql:// URL"
    )


def _check_sqlite(url: URL) -> None:
    shown = _shown(url)
    if url.username or url.password or url.host or url.port:
        raise ConfigurationError(
            f"{shown}: a SQLite URL names a file, not a server; write sqlite:///relative/path or "
            "sqlite:////absolute/path (or just the path)"
        )
    if not url.database or url.database == ":memory:":
        raise ConfigurationError(f"{shown}: an in-memory SQLite database keeps nothing; give a file path")
    if url.query:
        # The store sets the connection up itself (WAL, busy timeout, BEGIN IMMEDIATE): a URL option
        # would be overridden or ignored.
        names = ", ".join(repr(key) for key in url.query)
        raise ConfigurationError(
            f"{shown}: URL parameters ({names}) are not supported (the store sets its own SQLite options: "
            "WAL and a 30 s busy timeout); give the file path alone"
        )


_SSL_MODES: Final = ("disable", "allow", "prefer", "require", "verify-ca", "verify-full")
_PG_PARAMETERS: Final = "sslmode, connect_timeout, application_name and host (a unix-socket folder)"
_PG_IN_URL: Final = frozenset({"user", "password", "dbname", "port"})
_PG_SSL_FILES: Final = {
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "sslcrl": "PGSSLCRL",
}


def _check_postgres(url: URL) -> None:
    shown = _shown(url)
    if url.port is not None and not 1 <= url.port <= 65535:
        raise ConfigurationError(f"{shown}: port {url.port} is not a port number (1-65535)")
    host = url.host or ""
    if host and not host.startswith("/"):
        try:
            host.encode("idna")  # what the resolver does: an empty or over-long label fails there
        except UnicodeError:
            raise ConfigurationError(f"{shown}: {host!r} is not a valid host name") from None
    if not url.database:
        raise ConfigurationError(
            f"{shown}: no database name; give postgresql://user:password@host:port/database"
        )
    _pg_connect_args(url)


def _pg_connect_args(url: URL) -> tuple[URL, dict[str, Any]]:
    """The URL asyncpg is given (only ``host`` left in its query) and the connect arguments that carry
    the libpq parameters asyncpg spells differently: ``sslmode`` -> ``ssl``, ``connect_timeout`` ->
    ``timeout``, ``application_name`` -> ``server_settings``. Anything else is a ConfigurationError."""
    shown = _shown(url)
    connect: dict[str, Any] = {}
    for key, values in url.normalized_query.items():
        if key == "host":  # unix-socket folders or several hosts: SQLAlchemy hands them to asyncpg
            continue
        if len(values) != 1:
            raise ConfigurationError(f"{shown}: the URL parameter {key!r} is given {len(values)} times")
        value = values[0]
        if key in ("sslmode", "ssl"):  # libpq's name, and asyncpg's (as SQLAlchemy documents it)
            if value not in _SSL_MODES:
                raise ConfigurationError(
                    f"{shown}: {key}={value!r} is not an SSL mode; use one of {', '.join(_SSL_MODES)}"
                )
            if connect.get("ssl", value) != value:
                raise ConfigurationError(f"{shown}: sslmode and ssl disagree; give sslmode once")
            connect["ssl"] = value
        elif key == "connect_timeout":
            try:
                seconds = float(value)
            except ValueError:
                seconds = math.nan
            if not math.isfinite(seconds):
                raise ConfigurationError(
                    f"{shown}: connect_timeout={value!r} is not a number of seconds; give e.g. "
                    "connect_timeout=10"
                )
            # libpq: zero or a negative value waits indefinitely.
            connect["timeout"] = seconds if seconds > 0 else None
        elif key == "application_name":
            connect["server_settings"] = {"application_name": value}
        elif key in _PG_IN_URL:
            raise ConfigurationError(
                f"{shown}: the URL parameter {key!r} is not supported; write it in the URL itself: "
                "postgresql://user:password@host:port/database"
            )
        elif key in _PG_SSL_FILES:
            raise ConfigurationError(
                f"{shown}: the URL parameter {key!r} is not supported; set the environment variable "
                f"{_PG_SSL_FILES[key]} to the file instead (read with sslmode=require or stricter)"
            )
        else:
            raise ConfigurationError(
                f"{shown}: the URL parameter {key!r} is not supported; the parameters understood are "
                f"{_PG_PARAMETERS}"
            )
    hosts = url.normalized_query.get("host", ())
    return url.set(query={"host": hosts} if hosts else {}), connect


def _describe(exc: BaseException, password: str | None = None) -> str:
    """A driver failure in one short line: the driver's own message, never the SQL or its parameters,
    nor ``password`` (should a driver ever echo it)."""
    original = getattr(exc, "orig", None) or exc
    text = " ".join(str(original).split()) or type(original).__name__
    if password:
        text = text.replace(password, "***")
    if len(text) > _MESSAGE_LIMIT:
        text = text[:_MESSAGE_LIMIT] + "..."
    return f"{type(original).__name__}: {text}"


def _setting_refused(exc: BaseException) -> BaseException | None:
    """The error behind ``exc`` if it says a connection setting is unusable (asyncpg's
    ClientConfigurationError, e.g. a missing root certificate, or a plain ValueError / TypeError /
    OverflowError of a driver's argument checks); None for a failure of the database itself."""
    seen: BaseException | None = exc
    for _ in range(4):  # SQLAlchemy's error -> its DBAPI adapter's -> the driver's
        if seen is None:
            return None
        if isinstance(seen, _CLIENT_CONFIGURATION_ERRORS):
            return seen
        if not isinstance(seen, _DRIVER_ERRORS) and isinstance(seen, (ValueError, TypeError, OverflowError)):
            return seen
        seen = getattr(seen, "orig", None) or seen.__cause__
    return None


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


def _client_configuration_errors() -> tuple[type[BaseException], ...]:
    try:
        import asyncpg

        return (asyncpg.ClientConfigurationError,)
    except ImportError:  # pragma: no cover - the sync extra installs it
        return ()


_CLIENT_CONFIGURATION_ERRORS: Final = _client_configuration_errors()


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
            conn = await self._connect()
            try:
                async with conn.begin():
                    yield conn
            finally:
                await asyncio.shield(conn.close())
        except _DRIVER_ERRORS as exc:
            raise SyncStoreError(self.display, _describe(exc, self.url.password)) from None
        except OSError as exc:  # the server could not be reached
            raise SyncStoreError(
                self.display, f"cannot connect ({_describe(exc, self.url.password)})"
            ) from None

    async def _connect(self) -> AsyncConnection:
        """A connection; a setting the driver refuses only when connecting (a value out of its range, a
        host name it cannot encode) is a :class:`~mws_async.errors.ConfigurationError`."""
        try:
            return await self.engine.connect().start()
        except (ValueError, TypeError, OverflowError, sa.exc.InterfaceError) as exc:
            refused = _setting_refused(exc)
            if refused is None:
                raise
            certificates = (
                " (and PGSSLROOTCERT, the server's CA certificate, for sslmode=verify-ca or verify-full)"
                if isinstance(refused, _CLIENT_CONFIGURATION_ERRORS)
                else ""
            )
            raise ConfigurationError(
                f"database {self.display}: the driver cannot use these connection settings "
                f"({_describe(refused, self.url.password)}); check the URL's host, port and "
                f"parameters{certificates}"
            ) from None

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


def check_reports_dir(path: str | os.PathLike[str]) -> Path:
    """``path`` if reports can be written there: a writable folder, or one that can be created (its
    nearest existing parent is a writable folder). Otherwise a
    :class:`~mws_async.errors.ConfigurationError` naming it. Nothing is created."""
    folder = Path(path)
    problem = _folder_problem(folder)
    if problem is not None:
        raise ConfigurationError(
            f"the reports folder {folder}: {problem}; give a folder that exists or can be created "
            "(--reports-dir, or reports_dir= of open_store)"
        )
    return folder


def _folder_problem(folder: Path) -> str | None:
    probe = folder
    try:
        while not probe.is_dir():
            if probe.exists():
                return f"{probe} is a file, not a folder"
            if probe.is_symlink():
                return f"{probe} is a broken symbolic link"
            if probe.parent == probe:  # pragma: no cover - a missing root
                return f"{probe} does not exist"
            probe = probe.parent
        if not os.access(probe, os.W_OK | os.X_OK):
            return f"{probe} is not writable"
    except (OSError, ValueError) as exc:  # unreadable parent, a NUL in the path
        return f"cannot be checked ({exc})"
    return None


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
    parsed = database_url(url)
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
            target, connect_args = _pg_connect_args(parsed)
            engine = create_async_engine(target, pool_size=2, max_overflow=2, connect_args=connect_args)
    except (sa.exc.NoSuchModuleError, ImportError) as exc:
        raise ConfigurationError(
            f"{_shown(parsed)}: {_describe(exc)}; the sync needs the 'sync' extra "
            "(pip install 'mws-async[sync]')"
        ) from None
    except sa.exc.ArgumentError as exc:
        raise ConfigurationError(
            f"{_shown(parsed)}: {_describe(exc, parsed.password)}; check the URL"
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
