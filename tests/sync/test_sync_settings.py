"""Store settings a user can get wrong: a database URL (path, port, host, libpq parameters) and the
reports folder. Each mistake is a typed error naming it, raised before anything is sent or locked, and
never showing the database password."""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from cli.cli_support import error_lines, invoke
from sqlalchemy.engine import URL

from mws_async import MWSClient
from mws_async.errors import ConfigurationError, MWSError
from mws_async.sandbox import Sandbox
from mws_async.sync import SyncStoreError, check_reports_dir, open_store, sync
from mws_async.sync.schema import REPORTS, SYNC_LEASE

REPORTS_SINCE = datetime(2025, 12, 20, tzinfo=UTC)
"""The sandbox's default world has reports available from here on."""


def assert_no_password(error: BaseException) -> None:
    assert "hunter2" not in str(error) and "hunter2" not in repr(error)
    # No chained driver exception either: a traceback would print it (and a URL inside it).
    assert error.__cause__ is None and (error.__context__ is None or error.__suppress_context__)


# --------------------------------------------------------------------------------- database URLs


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("~nosuchuser/x.sqlite", "cannot find the home folder of ~nosuchuser; write the file's path"),
        ("shop\x00.sqlite", "NUL character"),
        ("sqlite:///{tmp}/x.sqlite?timeout=abc", "URL parameters ('timeout') are not supported"),
        ("sqlite:///{tmp}/x.sqlite?mode=ro&uri=true", "URL parameters ('mode', 'uri') are not supported"),
        ("sqlite:///:memory:", "an in-memory SQLite database keeps nothing"),
        ("sqlite://sync:hunter2@host/x.sqlite", "a SQLite URL names a file, not a server"),
        ("postgresql://sync:hunter2@127.0.0.1:99999/db", "port 99999 is not a port number (1-65535)"),
        ("postgresql://sync:hunter2@127.0.0.1:-1/db", "port -1 is not a port number"),
        ("postgresql://sync:hunter2@127.0.0.1:0/db", "port 0 is not a port number"),
        ("postgresql://sync:hunter2@" + "a" * 64 + ".example:5432/db", "is not a valid host name"),
        ("postgresql://sync:hunter2@127.0.0.1:5432", "no database name; give postgresql://user:password"),
        ("postgresql://sync:hunter2@127.0.0.1:5432/", "no database name"),
        ("postgresql://sync:hunter2@127.0.0.1:1/db?sslmode=bogus", "sslmode='bogus' is not an SSL mode"),
        ("postgresql://sync:hunter2@127.0.0.1:1/db?ssl=true", "ssl='true' is not an SSL mode; use one of"),
        (
            "postgresql://sync:hunter2@127.0.0.1:1/db?sslmode=require&ssl=disable",
            "sslmode and ssl disagree",
        ),
        (
            "postgresql://sync:hunter2@127.0.0.1:1/db?sslmode=require&sslmode=disable",
            "'sslmode' is given 2 times",
        ),
        (
            "postgresql://sync:hunter2@127.0.0.1:1/db?connect_timeout=soon",
            "connect_timeout='soon' is not a number of seconds",
        ),
        (
            "postgresql://sync:hunter2@127.0.0.1:1/db?sslrootcert=/etc/ca.pem",
            "'sslrootcert' is not supported; set the environment variable PGSSLROOTCERT",
        ),
        (
            "postgresql://sync@127.0.0.1:1/db?password=hunter2",
            "'password' is not supported; write it in the URL itself",
        ),
        (
            "postgresql://sync:hunter2@127.0.0.1:1/db?options=-c%20x%3Dy",
            "'options' is not supported; the parameters understood are sslmode, connect_timeout",
        ),
    ],
)
async def test_a_database_url_mistake_is_a_configuration_error_naming_it(
    url: str, words: str, tmp_path: Path
) -> None:
    with pytest.raises(ConfigurationError) as caught:
        await open_store(url.replace("{tmp}", str(tmp_path)))
    assert words in str(caught.value)
    assert_no_password(caught.value)


async def test_a_parsed_url_is_checked_like_a_typed_one() -> None:
    url = URL.create(
        "postgresql", username="sync", password="hunter2", host="127.0.0.1", port=99999, database="db"
    )
    with pytest.raises(ConfigurationError, match="port 99999 is not a port number") as caught:
        await open_store(url)
    assert_no_password(caught.value)


async def test_libpq_parameters_reach_the_real_postgresql(pg_url: str) -> None:
    joiner = "&" if "?" in pg_url else "?"
    url = f"{pg_url}{joiner}sslmode=disable&connect_timeout=10&application_name=mws-sync-test"
    async with await open_store(url) as store, store.transaction() as conn:
        name = (await conn.execute(sa.text("SELECT current_setting('application_name')"))).scalar_one()
    assert name == "mws-sync-test"
    assert "sslmode=disable" in store.display


async def test_sslmode_require_is_taken_and_an_unreachable_server_is_a_store_error() -> None:
    with pytest.raises(SyncStoreError, match="cannot connect") as caught:
        await open_store("postgresql://sync:hunter2@127.0.0.1:1/db?sslmode=require")
    assert "?sslmode=require" in str(caught.value)
    assert_no_password(caught.value)


@pytest.fixture
async def silent_server() -> AsyncIterator[int]:
    """A TCP port that accepts connections and never answers (a firewall that swallows them)."""
    held: list[asyncio.StreamWriter] = []

    async def accept(_reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        held.append(writer)

    server = await asyncio.start_server(accept, "127.0.0.1", 0)
    try:
        yield server.sockets[0].getsockname()[1]
    finally:
        for writer in held:
            writer.close()
        server.close()
        await server.wait_closed()


async def test_connect_timeout_bounds_the_wait_for_a_silent_server(silent_server: int) -> None:
    started = time.monotonic()
    with pytest.raises(SyncStoreError, match="cannot connect") as caught:
        await open_store(f"postgresql://sync:hunter2@127.0.0.1:{silent_server}/db?connect_timeout=1")
    assert time.monotonic() - started < 10  # asyncpg's own default is 60 s
    assert_no_password(caught.value)


async def test_verify_full_without_a_root_certificate_is_a_configuration_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))  # no ~/.postgresql/root.crt
    monkeypatch.delenv("PGSSLROOTCERT", raising=False)
    with pytest.raises(ConfigurationError, match=r"root certificate .* PGSSLROOTCERT") as caught:
        await open_store("postgresql://sync:hunter2@127.0.0.1:1/db?sslmode=verify-full")
    assert_no_password(caught.value)


@pytest.fixture
def no_credentials(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in list(os.environ):
        if name.startswith(("MWS_", "LWA_", "SP_API_")):
            monkeypatch.delenv(name)
    monkeypatch.setenv("COLUMNS", "200")
    monkeypatch.chdir(tmp_path)


@pytest.mark.usefixtures("no_credentials")
@pytest.mark.parametrize(
    ("db", "words"),
    [
        ("~nosuchuser/x.sqlite", "--db: ~nosuchuser/x.sqlite: cannot find the home folder"),
        ("postgresql://u:hunter2@127.0.0.1:99999/db", "--db: postgresql+asyncpg://u:***@127.0.0.1:99999/db"),
        ("postgresql://u:hunter2@127.0.0.1:1/db?connect_timeout=x", "is not a number of seconds"),
        ("sqlite:///x.sqlite?timeout=abc", "URL parameters ('timeout') are not supported"),
    ],
)
def test_the_cli_reports_a_database_url_mistake_as_a_usage_error(db: str, words: str) -> None:
    outcome = invoke(["sync", "orders", "--db", db, "--since", "2025-12-25", "--time-scale", "1000"])

    assert outcome.code == 2
    lines = error_lines(outcome)
    assert len(lines) == 1 and words in lines[0], outcome.stderr
    assert "internal error" not in outcome.stderr and "hunter2" not in outcome.stderr


@pytest.mark.usefixtures("no_credentials")
def test_the_cli_reports_an_unreachable_server_with_sslmode_as_a_failure_not_an_internal_error() -> None:
    db = "postgresql://u:hunter2@127.0.0.1:1/db?sslmode=require"
    outcome = invoke(["sync", "orders", "--db", db, "--since", "2025-12-25", "--time-scale", "1000"])

    assert outcome.code == 4
    lines = error_lines(outcome)
    assert len(lines) == 1 and "cannot connect" in lines[0], outcome.stderr
    assert "internal error" not in outcome.stderr and "hunter2" not in outcome.stderr


# --------------------------------------------------------------------------------- reports folder


def test_a_reports_folder_is_usable_when_it_exists_or_can_be_created(tmp_path: Path) -> None:
    assert check_reports_dir(tmp_path) == tmp_path
    assert check_reports_dir(tmp_path / "new" / "deeper") == tmp_path / "new" / "deeper"
    assert not (tmp_path / "new").exists()  # checked, not created


def test_a_reports_folder_under_a_file_is_a_configuration_error(tmp_path: Path) -> None:
    afile = tmp_path / "afile"
    afile.write_text("not a folder")
    for folder in (afile, afile / "sub"):
        with pytest.raises(ConfigurationError, match=f"{afile} is a file, not a folder; give a folder"):
            check_reports_dir(folder)


async def test_a_reports_folder_that_is_a_file_is_refused_before_the_lease_and_any_request(
    tmp_path: Path, client: MWSClient, sandbox: Sandbox
) -> None:
    afile = tmp_path / "afile"
    afile.write_text("not a folder")
    async with await open_store(str(tmp_path / "r.sqlite"), reports_dir=afile) as store:
        with pytest.raises(ConfigurationError, match=f"the reports folder .*: {afile} is a file, not a"):
            await sync(client, store, "reports", since=REPORTS_SINCE)
        async with store.transaction() as conn:
            leases = (await conn.execute(sa.select(sa.func.count()).select_from(SYNC_LEASE))).scalar_one()
    assert leases == 0
    assert list(sandbox.request_log) == []


async def test_a_seller_folder_that_is_a_file_is_refused_before_the_lease_and_any_request(
    tmp_path: Path, client: MWSClient, sandbox: Sandbox
) -> None:
    reports = tmp_path / "reports"
    reports.mkdir()
    taken = reports / client.credentials.seller_id
    taken.write_text("not a folder")
    async with await open_store(str(tmp_path / "r.sqlite"), reports_dir=reports) as store:
        with pytest.raises(ConfigurationError, match=f"{taken} is a file, not a folder"):
            await sync(client, store, "reports", since=REPORTS_SINCE)
    assert list(sandbox.request_log) == []


async def test_a_report_that_cannot_be_written_stops_the_sync_with_a_store_error(
    tmp_path: Path, client: MWSClient
) -> None:
    folder = tmp_path / "reports" / client.credentials.seller_id
    listing = client.reports.get_report_list(available_from=REPORTS_SINCE)
    listed = [report.report_id async for report in listing]
    assert listed
    for report_id in listed:  # a folder where each report file should go: writing it fails
        (folder / f"{report_id}.report").mkdir(parents=True)
    async with await open_store(str(tmp_path / "r.sqlite"), reports_dir=tmp_path / "reports") as store:
        with pytest.raises(SyncStoreError, match=r"cannot write report \S+ to .*\.report") as caught:
            await sync(client, store, "reports", since=REPORTS_SINCE)
        assert isinstance(caught.value, MWSError)
        async with store.transaction() as conn:
            stored = (await conn.execute(sa.select(sa.func.count()).select_from(REPORTS))).scalar_one()
            leases = (await conn.execute(sa.select(sa.func.count()).select_from(SYNC_LEASE))).scalar_one()
    assert stored == 0 and leases == 0  # nothing recorded for the failed file; the lease was given back


@pytest.mark.usefixtures("no_credentials")
def test_the_cli_refuses_a_reports_folder_that_is_a_file_without_a_traceback(tmp_path: Path) -> None:
    (tmp_path / "afile").write_text("not a folder")
    args = ["sync", "reports", "--db", "r.sqlite", "--since", "2025-12-20", "--reports-dir", "afile"]
    outcome = invoke([*args, "--time-scale", "1000", "-q"])

    # A usage error, found before the store is opened: never the failure of a started sync (4).
    assert outcome.code == 2
    lines = error_lines(outcome)
    assert len(lines) == 1 and "afile is a file, not a folder" in lines[0], outcome.stderr
