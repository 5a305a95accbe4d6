"""The ``mws-async`` command line: bulk lookups, pricing, offers, orders, reports, the sandbox, a demo.

With no credentials configured (``--profile`` or ``MWS_ACCESS_KEY``/``MWS_SECRET_KEY``/``MWS_SELLER_ID``)
every command runs against the embedded sandbox and says so in one line.

Exit codes: 0 every id answered Success; 1 finished, but some ids were not found or invalid; 2 usage
error; 3 configuration or authentication error; 4 some requests failed after retries (or an internal
error); 130 interrupted (Ctrl+C); 143 terminated (SIGTERM, cleaned up as after Ctrl+C).

One error boundary (:class:`BoundaryGroup`, which every command goes through, in-process test runners
included) turns every failure into one line on stderr and its exit code; ``--debug`` (anywhere on the
command line) or ``MWS_ASYNC_DEBUG=1`` also prints the traceback. Everything a command can check is checked
before any work (before a sandbox starts, a client opens or an output file is created): id types, dates,
flags, the ids file, the output folder, the HTTP/XML stack and Redis settings, credentials and profiles.
Output files are written to a temporary file beside the target and renamed into place when the run
completes, so an aborted run leaves no partial file (and keeps an older file of that name); an output that
is a device or FIFO (``-o /dev/null``) is written directly. An ids file may be ``-`` (stdin), a pipe or a
FIFO (copied once to an anonymous temporary file, then read like a file); its lines end with CR, LF or CRLF
and may be at most :data:`MAX_ID_LINE` characters long.
"""

from __future__ import annotations

import asyncio
import codecs
import csv
import difflib
import errno
import importlib
import io
import json
import math
import os
import re
import secrets
import shutil
import signal
import socket
import stat
import sys
import tempfile
import time
import tomllib
import traceback
from collections.abc import AsyncIterator, Callable, Coroutine, Iterator, Sequence
from contextlib import AsyncExitStack, asynccontextmanager, suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path
from types import TracebackType
from typing import IO, TYPE_CHECKING, Annotated, Any, Final, NoReturn

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    SpinnerColumn,
    Task,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table
from rich.text import Text
from typer.core import TyperGroup

from mws_async.bulk import BulkResult, BulkStats
from mws_async.client import MWSClient
from mws_async.credentials import ENV_ACCESS_KEY, ENV_SECRET_KEY, ENV_SELLER_ID, Credentials
from mws_async.errors import (
    AuthenticationError,
    ClientValidationError,
    ConfigurationError,
    MWSError,
)
from mws_async.identifiers import normalize
from mws_async.marketplaces import Marketplace
from mws_async.settings import MAX_TIME_SCALE, MIN_TIME_SCALE
from mws_async.throttle import ThrottleBackend

if TYPE_CHECKING:
    from mws_async.sandbox.discovery import SandboxInfo

__all__ = ["CLIUsageError", "app", "main"]

EXIT_OK, EXIT_PARTIAL, EXIT_USAGE, EXIT_CONFIG, EXIT_FAILED = 0, 1, 2, 3, 4
EXIT_INTERRUPTED: Final = 130
EXIT_TERMINATED: Final = 143
"""128 + SIGTERM, as a shell reports a process that SIGTERM ended."""
SANDBOX_TIME_SCALE = 10.0
DEMO_TIME_SCALE: Final = 50.0
ENV_DEBUG: Final = "MWS_ASYNC_DEBUG"
ENV_SANDBOX_URL: Final = "MWS_ASYNC_SANDBOX_URL"
"""A running sandbox every command uses instead of starting one (as ``--sandbox-url``)."""
ENV_PROFILES: Final = "MWS_ASYNC_PROFILES"
ENV_REDIS_URL: Final = "MWS_ASYNC_REDIS_URL"

LOOKUP_ID_TYPES: Final = ("ISBN", "UPC", "EAN", "JAN", "ASIN", "SellerSKU", "GCID")
PRICED_ID_TYPES: Final = ("ASIN", "SellerSKU")
CONDITIONS: Final = ("New", "Used", "Collectible", "Refurbished", "Club", "Any")
APIS: Final = ("mws", "sp-api")
MAX_DEMO_IDS: Final = 1_000_000
MAX_SANDBOX_IDS: Final = 100_000
ORDERS_CUTOFF: Final = timedelta(minutes=2)
"""ListOrders lists orders created up to two minutes before the request, not later."""


def _sandbox_order_span() -> tuple[datetime, datetime]:
    from mws_async.sandbox.world import World

    return World(0).order_span


SANDBOX_ORDERS_FROM, SANDBOX_ORDERS_TO = _sandbox_order_span()
README_ORDERS_SINCE: Final = (SANDBOX_ORDERS_TO - timedelta(days=8)).strftime("%Y-%m-%d")
"""The README's ``orders --since`` example: the sandbox's last week of orders, within ListOrders' burst of six
pages, so it finishes in seconds at the default time scale."""


class CLIUsageError(MWSError, ValueError):
    """A command-line value the command cannot work with (exit code 2); the message names the flag."""


class Terminated(BaseException):
    """SIGTERM stopped a run; raised once the run has cleaned up as after Ctrl+C (exit code 143).

    A BaseException, like KeyboardInterrupt, so that no ``except Exception`` on its way takes it for an
    error of the command's own.
    """


# --------------------------------------------------------------------------------------------- boundary


def _click_exceptions() -> Any:
    """Click's exception module: typer 0.26 (the ``cli`` extra's pin) vendors click as ``typer._click``."""
    try:
        return importlib.import_module("typer._click.exceptions")
    except ImportError:  # pragma: no cover - a typer that uses the click package again
        return importlib.import_module("click.exceptions")


_CLICK = _click_exceptions()
err = Console(stderr=True)


def _one_line(message: str) -> str:
    return " ".join(message.split())


def _say(prefix: str, message: str) -> None:
    """One line on stderr, never wrapped or interpreted as markup."""
    err.print(Text.assemble((prefix, "bold red"), _one_line(message)), soft_wrap=True, highlight=False)


def _exit_code(exc: BaseException) -> int:
    if isinstance(exc, (CLIUsageError, ClientValidationError, _CLICK.UsageError)):
        return EXIT_USAGE
    if isinstance(exc, (ConfigurationError, AuthenticationError)):
        return EXIT_CONFIG
    if isinstance(exc, KeyboardInterrupt):
        return EXIT_INTERRUPTED
    if isinstance(exc, Terminated):
        return EXIT_TERMINATED
    if isinstance(exc, _CLICK.Abort):
        return EXIT_PARTIAL
    return EXIT_FAILED


def _silence_stdout() -> None:
    """Point stdout at /dev/null, so flushing a closed pipe at exit prints nothing either."""
    with suppress(OSError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)


def report_error(exc: BaseException, debug: bool = False) -> int:
    """Print ``exc`` as one line on stderr (after its traceback with ``debug``) and return its exit code."""
    if isinstance(exc, SystemExit):  # a deliberate exit (click does this on a closed stdout): keep its code
        return exc.code if isinstance(exc.code, int) else (EXIT_OK if exc.code is None else EXIT_PARTIAL)
    if isinstance(exc, BrokenPipeError):  # the reader stopped (`mws-async lookup ... | head`): no error
        _silence_stdout()
        return EXIT_PARTIAL
    if debug:
        traceback.print_exception(exc, file=sys.stderr)
    code = _exit_code(exc)
    if isinstance(exc, _CLICK.NoArgsIsHelpError):
        sys.stderr.write(exc.format_message() + "\n")
    elif isinstance(exc, _CLICK.UsageError):
        context = getattr(exc, "ctx", None)
        hint = f" (see '{context.command_path} --help')" if context is not None else ""
        _say("error: ", exc.format_message() + hint)
    elif isinstance(exc, KeyboardInterrupt):
        _say("", "interrupted (Ctrl+C)")
    elif isinstance(exc, Terminated):
        _say("", "terminated (SIGTERM)")
    elif isinstance(exc, _CLICK.Abort):
        _say("", "aborted")
    elif isinstance(exc, (MWSError, OSError)):
        _say("error: ", str(exc) or type(exc).__name__)
    else:
        _say("internal error: ", f"{type(exc).__name__}: {exc} (rerun with --debug for the traceback)")
    return code


def _pop_debug(args: list[str]) -> tuple[bool, list[str]]:
    """``--debug`` anywhere before a ``--``: removed from the arguments, and reported."""
    end = args.index("--") if "--" in args else len(args)
    head = [a for a in args[:end] if a != "--debug"]
    return len(head) != end, head + args[end:]


class BoundaryGroup(TyperGroup):
    """The root command: parses with click as usual, then maps whatever escapes a command to one line on
    stderr and an exit code (see the module docstring)."""

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        windows_expand_args: bool = True,
        **extra: Any,
    ) -> Any:
        debug, argv = _pop_debug(list(sys.argv[1:] if args is None else args))
        debug = debug or os.environ.get(ENV_DEBUG, "").strip().lower() in ("1", "true", "yes", "on")
        try:
            result = super().main(
                argv,
                prog_name,
                complete_var,
                standalone_mode=False,
                windows_expand_args=windows_expand_args,
                **extra,
            )
            code = result if isinstance(result, int) else EXIT_OK
            if code == EXIT_INTERRUPTED:  # click turned a Ctrl+C into Exit(130) without a word
                _say("", "interrupted (Ctrl+C)")
        except BaseException as exc:  # the one boundary: nothing escapes as a traceback
            code = report_error(exc, debug)
        if standalone_mode:
            sys.exit(code)
        return code


app = typer.Typer(cls=BoundaryGroup, name="mws-async", add_completion=False, no_args_is_help=True)


@app.callback(
    help=(
        "Amazon MWS from the command line (runs on the embedded sandbox when no credentials are set).\n\n"
        "Exit codes: 0 all found, 1 some ids not found or invalid, 2 usage error, 3 configuration or "
        "authentication error, 4 requests failed after retries, 130 interrupted."
    )
)
def _root(
    debug: Annotated[
        bool,
        typer.Option("--debug", help=f"On an error, show the traceback too (also {ENV_DEBUG}=1)"),
    ] = False,
    sandbox_url: Annotated[
        str | None,
        typer.Option(
            "--sandbox-url",
            envvar=ENV_SANDBOX_URL,
            metavar="URL",
            help="Use the sandbox already running at URL (printed by 'mws-async sandbox') instead of "
            f"starting one; also {ENV_SANDBOX_URL}",
            show_envvar=False,
        ),
    ] = None,
) -> None:
    """The root options."""
    # --debug is taken off the command line by BoundaryGroup.main (so it works after the command too); it
    # is declared here so that --help lists it.
    GLOBAL.sandbox_url = (sandbox_url.strip() or None) if sandbox_url is not None else None


@dataclass
class GlobalOptions:
    """Options given before the command, for every command."""

    sandbox_url: str | None = None
    """A running sandbox to use instead of the embedded one (``--sandbox-url`` / MWS_ASYNC_SANDBOX_URL)."""


GLOBAL: Final = GlobalOptions()


def _run(work: Callable[[], Coroutine[Any, Any, int]], ids_file: IdsFile | None = None) -> NoReturn:
    """Run a command's coroutine and exit with its code (errors go to the boundary); then release
    ``ids_file``.

    SIGTERM cancels the run as Ctrl+C does (asyncio.run cancels the main task on SIGINT), so every ``with``
    and ``finally`` on the way runs: no temporary output file is left behind; then :class:`Terminated`.
    """
    terminated = False

    async def main() -> int:
        loop = asyncio.get_running_loop()
        task = asyncio.current_task()

        def on_sigterm() -> None:
            nonlocal terminated
            terminated = True
            if task is not None:
                task.cancel()

        try:
            loop.add_signal_handler(signal.SIGTERM, on_sigterm)
        except (NotImplementedError, RuntimeError):  # not Unix, or not the main thread: SIGTERM as before
            return await work()
        try:
            return await work()
        finally:
            loop.remove_signal_handler(signal.SIGTERM)

    try:
        code = asyncio.run(main())
    except asyncio.CancelledError:
        if terminated:
            raise Terminated from None
        raise
    finally:
        if ids_file is not None:
            ids_file.close()
    if terminated:  # the run caught the cancellation and finished anyway
        raise Terminated
    raise typer.Exit(code)


# --------------------------------------------------------------------------------------------- checks


def _check_choice(flag: str, value: str, choices: Sequence[str], what: str = "") -> str:
    """``value`` in its canonical spelling (case-insensitive match), or a usage error listing ``choices``."""
    by_key = {c.lower(): c for c in choices}
    found = by_key.get(value.strip().lower())
    if found is None:
        raise CLIUsageError(f"{flag} {value!r} is not {what or 'valid'}; use one of {', '.join(choices)}")
    return found


def _check_id_type(value: str, allowed: Sequence[str], command: str) -> str:
    id_type = _check_choice("--id-type", value, LOOKUP_ID_TYPES, "an id type")
    if id_type not in allowed:
        raise CLIUsageError(
            f"--id-type {id_type} does not work with {command}: use {' or '.join(allowed)} "
            "(lookup takes every id type)"
        )
    return id_type


def _check_time_scale(value: float | None, flag: str = "--time-scale") -> float | None:
    # The clients' range (settings.MIN_TIME_SCALE..MAX_TIME_SCALE): far slower, the sandbox's clock runs
    # past the dates Python can represent (year 9999) and its server fails on every request.
    if value is not None and not (math.isfinite(value) and MIN_TIME_SCALE <= value <= MAX_TIME_SCALE):
        raise CLIUsageError(
            f"{flag} {value:g} is out of range: use a finite number of at least {MIN_TIME_SCALE:g} and at "
            f"most {MAX_TIME_SCALE:g} (e.g. 10)"
        )
    return value


def _check_marketplace(value: str | None) -> Marketplace | None:
    if value is None:
        return None
    try:
        return Marketplace.resolve(value.strip())
    except ConfigurationError:
        codes = ", ".join(m.country_code for m in Marketplace)
        raise CLIUsageError(
            f"--marketplace {value!r} is not a marketplace; use a country code ({codes}) or a MarketplaceId"
        ) from None


def _is_dash(path: Path | None) -> bool:
    """``-``: stdout for an output, stdin for an ids file."""
    return path is not None and str(path) == "-"


def _is_special(path: Path) -> bool:
    """An existing path that is not a regular file or a folder: a device, FIFO or socket."""
    try:
        mode = path.stat().st_mode
    except OSError:
        return False
    return not (stat.S_ISREG(mode) or stat.S_ISDIR(mode))


def _check_out(path: Path | None, flag: str = "--out") -> Path | None:
    """The output file is writable: its folder exists and takes files, and it is not itself a folder."""
    if path is None or _is_dash(path):
        return path
    if path.is_dir():
        raise CLIUsageError(f"{flag} {path} is a folder; give a file name, e.g. {path / 'results.jsonl'}")
    if _is_special(path):  # written in place (see Writer), so its folder need not take files
        if not os.access(path, os.W_OK):
            raise CLIUsageError(f"{flag} {path}: cannot write to it (permission denied)")
        return path
    folder = path.parent
    if not folder.exists():
        raise CLIUsageError(f"{flag} {path}: the folder {folder} does not exist; create it first")
    if not folder.is_dir():
        raise CLIUsageError(f"{flag} {path}: {folder} is not a folder")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise CLIUsageError(f"{flag} {path}: cannot write in {folder} (permission denied)")
    return path


def stack_description() -> str:
    """The HTTP stack in use, e.g. ``httpx over aiohttp, xmltodict-rs parser``.

    Raises :class:`ConfigurationError` for a bad ``MWS_ASYNC_HTTP_TRANSPORT`` / ``MWS_ASYNC_XML_PARSER`` or a
    missing package they ask for: the CLI calls it before any work.
    """
    from mws_async.http import default_transport_name
    from mws_async.xml import current_parser

    transport = default_transport_name()
    parser = current_parser()
    return f"{'httpx over aiohttp' if transport == 'aiohttp' else 'httpx'}, {parser} parser"


def _check_redis() -> ThrottleBackend | None:
    """The shared Redis throttle backend when ``MWS_ASYNC_REDIS_URL`` is set (settings checked now)."""
    if not os.environ.get(ENV_REDIS_URL, "").strip():
        return None
    try:
        importlib.import_module("redis.asyncio")
    except ImportError:
        raise ConfigurationError(
            f"{ENV_REDIS_URL} is set, but the redis package is not installed: "
            f"pip install 'mws-async[redis]' (or unset {ENV_REDIS_URL})"
        ) from None
    from mws_async.throttle.redis import backend_from_env

    return backend_from_env()


def _profiles_path() -> Path:
    default = Path.home() / ".config" / "mws-async" / "profiles.toml"
    return Path(os.environ.get(ENV_PROFILES) or default)


def _profile_credentials(name: str) -> tuple[Credentials, str | None]:
    path = _profiles_path()
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigurationError(f"profile {name!r}: {path} does not exist") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigurationError(f"profile {name!r}: cannot read {path}: {exc}") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigurationError(f"{path} is not valid TOML: {exc}") from None
    section = data.get(name)
    if not isinstance(section, dict):
        raise ConfigurationError(f"profile {name!r} not found in {path}")
    keys = ("access_key", "secret_key", "seller_id", "auth_token", "marketplace")
    wrong = [k for k in keys if k in section and not isinstance(section[k], str)]
    if wrong:
        raise ConfigurationError(f"profile {name!r} in {path}: {', '.join(wrong)} must be quoted strings")
    missing = [k for k in ("access_key", "secret_key", "seller_id") if not section.get(k)]
    if missing:
        raise ConfigurationError(f"profile {name!r} in {path} lacks {', '.join(missing)}")
    creds = Credentials(
        section["access_key"], section["secret_key"], section["seller_id"], section.get("auth_token")
    )
    return creds, section.get("marketplace")


def _env_credentials() -> Credentials | None:
    names = (ENV_ACCESS_KEY, ENV_SECRET_KEY, ENV_SELLER_ID)
    if not Credentials.env_configured():
        return None
    missing = [n for n in names if not os.environ.get(n)]
    if missing:
        raise ConfigurationError(
            f"missing environment variable(s) {', '.join(missing)}: set all of {', '.join(names)}, "
            "use --profile NAME, or unset them all to run on the embedded sandbox"
        )
    return Credentials.from_env()


@dataclass(frozen=True)
class Target:
    """Where a command runs: real MWS with these credentials, or the embedded sandbox (``None``)."""

    credentials: Credentials | None
    marketplace: Marketplace
    throttle: ThrottleBackend | None = None

    @property
    def sandbox(self) -> bool:
        """No credentials: the embedded sandbox."""
        return self.credentials is None


def _mws_target(profile: str | None, marketplace: Marketplace | None) -> Target:
    """Credentials (profile, else environment, else the sandbox) and the marketplace (flag, else profile's,
    else US), plus the Redis backend when configured; every problem is a ConfigurationError now."""
    stack_description()
    throttle = _check_redis()
    if profile is not None:
        creds, profile_market = _profile_credentials(profile)
        if marketplace is None and profile_market:
            try:
                marketplace = Marketplace.resolve(profile_market)
            except ConfigurationError as exc:
                raise ConfigurationError(
                    f"profile {profile!r}: marketplace {profile_market!r}: {exc}"
                ) from None
        return Target(creds, marketplace or Marketplace.US, throttle)
    return Target(_env_credentials(), marketplace or Marketplace.US, throttle)


# --------------------------------------------------------------------------------------------- ids files

_BOMS: Final = (
    # UTF-32 first: its little-endian mark starts with UTF-16's.
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_SNIFF: Final = 8192
MAX_ID_LINE: Final = 4096
"""The longest line an ids file may have, in characters: a real id is a few dozen; a longer line means the
file is not a list of ids, and reading it whole would let one line take any amount of memory."""
_SHOWN: Final = 40
"""How much of a refused line a message quotes."""
_SPOOL_CHUNK: Final = 1 << 20
_NOT_TEXT: Final = re.compile("[\x00\udc80-\udcff]")
"""NUL, or a byte that is not UTF-8 (decoded with ``surrogateescape``, it is a lone surrogate)."""


class IdsFile:
    """A text file of ids, one per line (``#`` starts a comment line), in UTF-8 or, with a byte order mark,
    UTF-16/UTF-32; CR, LF and CRLF all end a line. ``-`` is stdin. :meth:`check` reads it once before any
    work; problems are :class:`CLIUsageError`\\ s naming the file and the first bad line.

    A pipe, FIFO, device or stdin can be read only once, so :meth:`check` first copies it into an anonymous
    temporary file (no name on disk, so nothing is left behind however the run ends) and both passes read
    that; :meth:`close` releases it.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.name = "stdin" if _is_dash(path) else str(path)
        self.encoding = "utf-8"
        self.binary = False
        self._spool: IO[bytes] | None = None

    def check(self, id_type: str) -> int:
        """Validate the whole file; return the number of distinct ids as the library counts them."""
        try:
            self._spool_if_needed()
            with self._open() as handle:
                head = handle.read(_SNIFF)
            self.encoding = next((name for bom, name in _BOMS if head.startswith(bom)), "utf-8")
            self.binary = self.encoding == "utf-8" and b"\x00" in head
            distinct = {normalize(value, id_type) for value in self.ids()}
        except OSError as exc:
            self.close()
            raise CLIUsageError(f"cannot read IDS_FILE {self.name}: {exc.strerror or exc}") from None
        except BaseException:
            self.close()
            raise
        if not distinct:
            self.close()
            raise CLIUsageError(
                f"IDS_FILE {self.name} holds no ids (one id per line; lines starting with # are comments)"
            )
        return len(distinct)

    def _spool_if_needed(self) -> None:
        path = self.path
        if _is_dash(path):
            if sys.stdin is None:
                raise CLIUsageError("IDS_FILE - reads stdin, but there is no stdin")
            self._copy(sys.stdin.buffer)
            return
        if not path.exists():
            raise CLIUsageError(f"IDS_FILE {path} does not exist")
        if path.is_dir():
            raise CLIUsageError(f"IDS_FILE {path} is a folder, not a file of ids")
        if not path.is_file():  # a pipe, FIFO, /dev/stdin, <(command): gone once read
            with path.open("rb") as source:
                self._copy(source)

    def _copy(self, source: IO[bytes]) -> None:
        self._spool = tempfile.TemporaryFile()  # noqa: SIM115 - held until close()
        shutil.copyfileobj(source, self._spool, _SPOOL_CHUNK)
        self._spool.flush()  # read through other descriptors of the file

    def _open(self) -> IO[bytes]:
        if self._spool is None:
            return self.path.open("rb")
        handle = os.fdopen(os.dup(self._spool.fileno()), "rb")
        handle.seek(0)
        return handle

    def close(self) -> None:
        """Release the copy of a pipe or stdin, if one was made."""
        if self._spool is not None:
            self._spool.close()
            self._spool = None

    def _bad_line(self, number: int, line: str) -> CLIUsageError:
        found = _NOT_TEXT.search(line)
        code = ord(found.group()) if found is not None else 0
        byte = code - 0xDC00 if code else 0  # a surrogate escape holds the byte that was not UTF-8
        if self.binary or "\x00" in line:
            return CLIUsageError(
                f"{self.name}: line {number} is not text (byte 0x{byte:02x}); the file looks binary: give a "
                "text file with one id per line (UTF-16 and UTF-32 need a byte order mark)"
            )
        return CLIUsageError(
            f"{self.name}: line {number} is not UTF-8 (byte 0x{byte:02x}); save the file as UTF-8, or as "
            "UTF-16/UTF-32 with a byte order mark"
        )

    def lines(self) -> Iterator[str]:
        """Every line, decoded (a :class:`CLIUsageError` for the first one that is not text or is longer
        than :data:`MAX_ID_LINE`); memory stays within one line of that size whatever the file holds."""
        utf8 = self.encoding.startswith("utf-8")
        # UTF-8 with surrogateescape, so an undecodable line is reported with its number and byte;
        # utf-8-sig drops a byte order mark. newline=None: CR, LF and CRLF all end a line.
        encoding, errors = ("utf-8-sig", "surrogateescape") if utf8 else (self.encoding, "strict")
        number = 0
        try:
            with io.TextIOWrapper(self._open(), encoding=encoding, errors=errors, newline=None) as text:
                while line := text.readline(MAX_ID_LINE + 1):
                    number += 1
                    if _NOT_TEXT.search(line):
                        raise self._bad_line(number, line)
                    if len(line) > MAX_ID_LINE and not line.endswith("\n"):
                        shown = line[:_SHOWN].strip()
                        raise CLIUsageError(
                            f"{self.name}: line {number} is longer than {MAX_ID_LINE:,} characters "
                            f"(it starts {shown!r}...); an ids file holds one id per line: is it the "
                            "right file?"
                        )
                    yield line
        except UnicodeDecodeError:
            raise CLIUsageError(
                f"{self.name}: line {number + 1} is not valid {self.encoding.upper()} text"
            ) from None

    def ids(self) -> Iterator[str]:
        """The ids: lines stripped, blank lines and ``#`` comments skipped."""
        for line in self.lines():
            value = line.strip()
            if value and not value.startswith("#"):
                yield value


def _check_ids_file(path: Path, out: Path | None, id_type: str) -> tuple[IdsFile, int]:
    if (
        out is not None
        and not _is_dash(out)
        and not _is_dash(path)
        and path.exists()
        and out.is_file()  # writing to a device or FIFO replaces nothing
        and out.samefile(path)
    ):
        raise CLIUsageError(f"--out {out} is the ids file itself; write the results elsewhere")
    ids_file = IdsFile(path)
    return ids_file, ids_file.check(id_type)


# --------------------------------------------------------------------------------------------- sessions


@dataclass
class Session:
    """An open client, plus the sandbox behind it when no credentials were configured."""

    client: MWSClient
    sandbox: Any
    time_scale: float


def _announce(line: str) -> None:
    err.print(Text(line, style="yellow"), soft_wrap=True, highlight=False)


async def running_sandbox(time_scale: float | None) -> SandboxInfo:
    """The sandbox at ``--sandbox-url`` / MWS_ASYNC_SANDBOX_URL, as it describes itself. A ``--time-scale``
    other than the sandbox's is a usage error: the client must pace itself at the server's speed."""
    from mws_async.sandbox.discovery import discover

    url = GLOBAL.sandbox_url
    if url is None:
        raise CLIUsageError("no running sandbox given: use --sandbox-url URL or MWS_ASYNC_SANDBOX_URL")
    info = await discover(url)
    if time_scale is not None and time_scale != info.time_scale:
        raise CLIUsageError(
            f"--time-scale {time_scale:g} differs from the running sandbox's {info.time_scale:g}: the client "
            "must run at the sandbox's speed; leave --time-scale out (or restart the sandbox with it)"
        )
    return info


@asynccontextmanager
async def open_target(
    target: Target, time_scale: float | None, quiet: bool, note: str = ""
) -> AsyncIterator[Session]:
    """A client for the target's credentials, or the embedded sandbox (announced in one line)."""
    if target.throttle is not None and not quiet:
        _announce("Sharing quota buckets through Redis (MWS_ASYNC_REDIS_URL).")
    async with AsyncExitStack() as stack:
        if target.credentials is not None:
            client = MWSClient(target.credentials, marketplace=target.marketplace, throttle=target.throttle)
            await stack.enter_async_context(client)
            yield Session(client, None, 1.0)
            return
        if GLOBAL.sandbox_url is not None:
            info = await running_sandbox(time_scale)
            if not quiet:
                _announce(
                    f"No MWS credentials configured: using the running sandbox at {info.base_url} "
                    f"(time scale {info.time_scale:g}×){note}."
                )
            client = MWSClient(
                info.credentials,
                marketplace=target.marketplace,
                base_url=info.base_url,
                time_scale=info.time_scale,
                throttle=target.throttle,
            )
            await stack.enter_async_context(client)
            yield Session(client, None, info.time_scale)
            return
        from mws_async.sandbox import Sandbox

        scale = time_scale or SANDBOX_TIME_SCALE
        sandbox = await stack.enter_async_context(Sandbox(time_scale=scale))
        if not quiet:
            _announce(
                f"No MWS credentials configured: using the embedded sandbox at {sandbox.base_url} "
                f"(time scale {scale:g}×){note}."
            )
        client = MWSClient(
            sandbox.credentials,
            marketplace=target.marketplace,
            base_url=sandbox.base_url,
            time_scale=scale,
            throttle=target.throttle,
        )
        await stack.enter_async_context(client)
        yield Session(client, sandbox, scale)


@asynccontextmanager
async def open_session(
    profile: str | None, marketplace: str | None, time_scale: float | None, quiet: bool
) -> AsyncIterator[Session]:
    """:func:`open_target` from raw option values (checked here)."""
    target = _mws_target(profile, _check_marketplace(marketplace))
    async with open_target(target, _check_time_scale(time_scale), quiet) as session:
        yield session


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


def pricing_row(result: BulkResult[Any], condition: str = "New") -> dict[str, Any]:
    """One flat output row of a competitive pricing result: the lowest competitive landed price in
    ``condition`` (``Any`` for the lowest of all), and the condition it is for."""
    row: dict[str, Any] = {
        "id": result.id,
        "status": result.status,
        "condition": None,
        "landed_price": None,
        "listing_price": None,
        "currency": None,
        "offers_new": None,
        "sales_rank": None,
    }
    product = getattr(result.result, "product", None)
    pricing = getattr(product, "competitive_pricing", None) if product is not None else None
    if pricing is not None:
        wanted = condition.lower()
        prices = [
            p
            for p in pricing.competitive_prices
            if p.price is not None
            and p.price.landed_price is not None
            and (wanted == "any" or (p.condition or "").lower() == wanted)
        ]
        if prices:
            best = min(prices, key=lambda p: p.price.landed_price.amount or 0)
            price = best.price
            landed = price.landed_price if price is not None else None
            if price is not None and landed is not None:
                row["condition"] = best.condition
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
    """Writes rows as JSONL (default) or CSV (``.csv``): to stdout (no path, or ``-``), to nowhere
    (``discard_rows``), or to a file written atomically.

    A file is written to a temporary file beside it (``.NAME.XXXXXXXX.part``) and renamed into place by
    :meth:`close`; :meth:`discard` (or leaving a ``with`` block by an exception) removes the temporary
    file, so an aborted run leaves no partial file and keeps an older file of that name. A path that exists
    and is not a regular file (``/dev/null``, ``/dev/stdout``, a FIFO) is written directly, as to stdout:
    renaming onto it would replace the device or FIFO with a file.
    """

    def __init__(self, path: Path | None, *, discard_rows: bool = False) -> None:
        self.path = None if path is None or _is_dash(path) else path
        self.is_csv = self.path is not None and self.path.suffix.lower() == ".csv"
        self._csv: csv.DictWriter[str] | None = None
        self._temporary: Path | None = None
        self._handle: IO[str] | None
        if discard_rows:
            self._handle = None
        elif self.path is None:
            self._handle = sys.stdout
        elif _is_special(self.path):
            self._handle = self.path.open("w", newline="", encoding="utf-8")
        else:
            self._temporary = self.path.with_name(f".{self.path.name}.{secrets.token_hex(4)}.part")
            self._handle = self._temporary.open("x", newline="", encoding="utf-8")

    def write(self, row: dict[str, Any]) -> None:
        """Write one row."""
        if self._handle is None:
            return
        if self.is_csv:
            if self._csv is None:
                self._csv = csv.DictWriter(self._handle, fieldnames=list(row))
                self._csv.writeheader()
            self._csv.writerow(row)
        else:
            self._handle.write(json.dumps(row, ensure_ascii=False, default=str) + "\n")

    def close(self) -> None:
        """Finish: flush stdout, close a device or FIFO, or move the complete file into place."""
        if self._handle is None:
            return
        if self._temporary is None:
            if self._handle is sys.stdout:
                self._handle.flush()
            else:
                self._handle.close()
            return
        self._handle.close()
        if self.path is not None:
            os.replace(self._temporary, self.path)
        self._temporary = None

    def discard(self) -> None:
        """Abandon: remove the temporary file (stdout keeps what was written)."""
        if self._temporary is not None and self._handle is not None:
            self._handle.close()
            self._temporary.unlink(missing_ok=True)
            self._temporary = None
        elif self._handle is not None:
            with suppress(OSError):  # stdout (or a FIFO) may be the closed pipe that ended the run
                if self._handle is sys.stdout:
                    self._handle.flush()
                else:
                    self._handle.close()

    def __enter__(self) -> Writer:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if exc_type is None:
            self.close()
        else:
            self.discard()


def _plural(count: int, word: str) -> str:
    return f"{count:,} {word}" + ("" if count == 1 else "s")


# --------------------------------------------------------------------------------------------- progress


class ThrottleColumn(ProgressColumn):
    """Requests and throttled responses, live."""

    def __init__(self, client: Any) -> None:
        super().__init__()
        self._client = client

    def render(self, task: Task) -> Text:
        summary = self._client.throttler.summary()
        return Text(f"{_plural(summary.requests, 'request')} · {summary.throttled} throttled", style="cyan")


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
    quota_wait: float = 0.0

    @property
    def exit_code(self) -> int:
        """4 when some ids failed, 1 when some were not found or invalid, else 0."""
        if self.stats.failed or self.stats.server_errors:
            return EXIT_FAILED
        if self.stats.client_errors or self.stats.invalid:
            return EXIT_PARTIAL
        return EXIT_OK


def _bound_rows(table: Table, elapsed: float, bound: float) -> None:
    table.add_row("elapsed", f"{elapsed:.2f} s")
    table.add_row("quota-bound time", f"{bound:.2f} s")
    ratio = elapsed / bound if bound > 0 else float("nan")
    table.add_row("achieved / bound", f"{ratio:.3f}" if bound > 0 else "n/a (within the burst)")


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
    table.add_row("quota wait (summed over requests)", f"{summary.quota_wait:,.2f} s")
    _bound_rows(table, summary.elapsed, summary.bound)
    return table


def _bulk_progress(title: str, quiet: bool, client: Any = None) -> Progress:
    columns: list[ProgressColumn | str] = [
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        RateColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
    ]
    if client is not None:
        columns.append(ThrottleColumn(client))
    return Progress(*columns, console=err, disable=quiet, transient=False)


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
    *,
    discard_rows: bool = False,
) -> RunSummary:
    """Drive one bulk helper with a progress bar (``total`` distinct ids), write rows, and summarise."""
    client = session.client
    stats = BulkStats()
    before = client.throttler.summary()
    started = time.perf_counter()
    with Writer(out, discard_rows=discard_rows) as writer, _bulk_progress(title, quiet, client) as progress:
        task = progress.add_task(title, total=total)
        async for result in start(stats):
            writer.write(row(result))
            progress.advance(task)
    elapsed = time.perf_counter() - started
    after = client.throttler.summary()
    spec = client.throttler.spec(*spec_name)
    valid = stats.distinct - stats.invalid
    units = valid if spec.unit == "item" else stats.requests
    bound = spec.bound(units, session.time_scale)
    return RunSummary(
        stats,
        elapsed,
        bound,
        after.requests - before.requests,
        after.throttled - before.throttled,
        after.total_wait - before.total_wait,
    )


# --------------------------------------------------------------------------------------------- options

Profile = Annotated[
    str | None,
    typer.Option("--profile", help="Profile in ~/.config/mws-async/profiles.toml (or MWS_ASYNC_PROFILES)"),
]
MarketplaceOpt = Annotated[
    str | None,
    typer.Option(
        "--marketplace", "-m", help="Country code or MarketplaceId (default: the profile's, else US)"
    ),
]
OutOpt = Annotated[
    Path | None,
    typer.Option("--out", "-o", help="results.jsonl or .csv (default or '-': JSONL on stdout)"),
]
QuietOpt = Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar and no summary")]
ScaleOpt = Annotated[
    float | None,
    typer.Option(
        "--time-scale", help=f"Sandbox only: speed up every restore rate (default {SANDBOX_TIME_SCALE:g})"
    ),
]


def _lookup_help() -> str:
    return f"{', '.join(LOOKUP_ID_TYPES[:-1])} or {LOOKUP_ID_TYPES[-1]} (any case)"


# --------------------------------------------------------------------------------------------- commands


def _bulk(
    kind: str,
    ids_path: Path,
    id_type: str,
    marketplace: str | None,
    out: Path | None,
    quiet: bool,
    profile: str | None,
    time_scale: float | None,
    condition: str = "New",
) -> None:
    id_type = _check_id_type(id_type, LOOKUP_ID_TYPES if kind == "lookup" else PRICED_ID_TYPES, kind)
    scale = _check_time_scale(time_scale)
    market = _check_marketplace(marketplace)
    out = _check_out(out)
    target = _mws_target(profile, market)
    ids_file, total = _check_ids_file(ids_path, out, id_type)

    async def run() -> int:
        async with open_target(target, scale, quiet) as session:
            products = session.client.products
            ids = ids_file.ids()
            row: Callable[[BulkResult[Any]], dict[str, Any]]
            if kind == "lookup":

                def start(stats: BulkStats) -> AsyncIterator[BulkResult[Any]]:
                    return products.lookup_many(ids, id_type, stats=stats)  # type: ignore[arg-type]

                spec, row, title = ("Products", "GetMatchingProductForId"), lookup_row, f"lookup {id_type}"
            elif kind == "pricing":

                def start(stats: BulkStats) -> AsyncIterator[BulkResult[Any]]:
                    return products.competitive_pricing_many(ids, id_type, stats=stats)  # type: ignore[arg-type]

                suffix = "ASIN" if id_type == "ASIN" else "SKU"
                spec = ("Products", f"GetCompetitivePricingFor{suffix}")
                row, title = partial(pricing_row, condition=condition), f"pricing {id_type} ({condition})"
            else:

                def start(stats: BulkStats) -> AsyncIterator[BulkResult[Any]]:
                    return products.lowest_offer_listings_many(ids, id_type, stats=stats)  # type: ignore[arg-type]

                suffix = "ASIN" if id_type == "ASIN" else "SKU"
                spec, row, title = ("Products", f"GetLowestOfferListingsFor{suffix}"), offers_row, "offers"
            summary = await run_bulk_command(session, None, total, start, spec, row, out, quiet, title)
            if not quiet:
                err.print(summary_table(title, summary))
            return summary.exit_code

    _run(run, ids_file)


@app.command()
def lookup(
    ids_file: Annotated[
        Path, typer.Argument(help="One id per line (UTF-8, or UTF-16/32 with a BOM); '-' reads stdin")
    ],
    id_type: Annotated[str, typer.Option("--id-type", "-t", help=_lookup_help())] = "ISBN",
    marketplace: MarketplaceOpt = None,
    out: OutOpt = None,
    quiet: QuietOpt = False,
    profile: Profile = None,
    time_scale: ScaleOpt = None,
) -> None:
    """Look up products for every id in IDS_FILE (GetMatchingProductForId, 5 ids per request)."""
    _bulk("lookup", ids_file, id_type, marketplace, out, quiet, profile, time_scale)


PricedIdTypeOpt = Annotated[str, typer.Option("--id-type", "-t", help="ASIN or SellerSKU (any case)")]


@app.command()
def pricing(
    ids_file: Annotated[Path, typer.Argument(help="One ASIN or SellerSKU per line; '-' reads stdin")],
    id_type: PricedIdTypeOpt = "ASIN",
    condition: Annotated[
        str,
        typer.Option(
            "--condition",
            "-c",
            help="Price of New, Used, Collectible, Refurbished or Club items, or Any (lowest)",
        ),
    ] = "New",
    api: Annotated[str, typer.Option("--api", help="mws (GetCompetitivePricingFor*) or sp-api")] = "mws",
    marketplace: MarketplaceOpt = None,
    out: OutOpt = None,
    quiet: QuietOpt = False,
    profile: Profile = None,
    time_scale: ScaleOpt = None,
) -> None:
    """Competitive pricing for every ASIN/SKU in IDS_FILE (MWS: 10 per request; SP-API: 20 per call).

    Each row has the lowest competitive landed price in --condition and the condition it is for.
    """
    api = _check_choice("--api", api, APIS, "an API")
    condition = _check_choice("--condition", condition, CONDITIONS, "an item condition")
    if api == "sp-api":
        _spapi_pricing(ids_file, id_type, condition, marketplace, out, quiet, profile, time_scale)
        return
    _bulk("pricing", ids_file, id_type, marketplace, out, quiet, profile, time_scale, condition)


def _spapi_pricing(
    ids_path: Path,
    id_type: str,
    condition: str,
    marketplace: str | None,
    out: Path | None,
    quiet: bool,
    profile: str | None,
    time_scale: float | None,
) -> None:
    """The pricing job through SP-API getCompetitivePricing (LWA credentials from the environment, or the
    embedded SP-API sandbox)."""
    from mws_async.spapi.cli import credentials_from_env, run_spapi_pricing

    id_type = _check_id_type(id_type, PRICED_ID_TYPES, "pricing --api sp-api")
    scale = _check_time_scale(time_scale)
    market = _check_marketplace(marketplace) or Marketplace.US
    out = _check_out(out)
    if profile is not None:
        raise CLIUsageError(
            "--profile holds MWS credentials; SP-API reads LWA_CLIENT_ID, LWA_CLIENT_SECRET and "
            "SP_API_REFRESH_TOKEN from the environment"
        )
    stack_description()
    credentials = credentials_from_env()
    ids_file, total = _check_ids_file(ids_path, out, id_type)
    title = f"pricing {id_type} ({condition}, SP-API)"

    async def run() -> int:
        stats = BulkStats()
        lwa, base_url, token_url, speed = credentials, None, None, scale
        if lwa is None and GLOBAL.sandbox_url is not None:
            info = await running_sandbox(scale)
            lwa, base_url, token_url, speed = (
                info.spapi_credentials,
                info.base_url,
                info.token_url,
                info.time_scale,
            )
            if not quiet:
                _announce(
                    f"No SP-API credentials configured: using the running sandbox at {base_url} "
                    f"(time scale {speed:g}×)."
                )
        with Writer(out) as writer, _bulk_progress(title, quiet) as progress:
            task = progress.add_task(title, total=total)

            def on_result(result: BulkResult[Any]) -> None:
                writer.write(pricing_row(result, condition))
                progress.advance(task)

            result = await run_spapi_pricing(
                ids_file.ids(),
                on_result,
                credentials=lwa,
                id_type="ASIN" if id_type == "ASIN" else "SellerSKU",
                marketplace=market.country_code,
                base_url=base_url,
                token_url=token_url,
                time_scale=speed,
                stats=stats,
                announce=None if quiet else _announce,
            )
        summary = RunSummary(stats, result.elapsed, result.bound, result.requests, result.throttled)
        if not quiet:
            err.print(summary_table("pricing (SP-API getCompetitivePricing)", summary))
        return summary.exit_code

    _run(run, ids_file)


@app.command()
def offers(
    ids_file: Annotated[Path, typer.Argument(help="One ASIN or SellerSKU per line; '-' reads stdin")],
    id_type: PricedIdTypeOpt = "ASIN",
    marketplace: MarketplaceOpt = None,
    out: OutOpt = None,
    quiet: QuietOpt = False,
    profile: Profile = None,
    time_scale: ScaleOpt = None,
) -> None:
    """Lowest offer listings for every ASIN/SKU in IDS_FILE (10 per request)."""
    _bulk("offers", ids_file, id_type, marketplace, out, quiet, profile, time_scale)


# --- orders


def _parse_date(flag: str, value: str) -> datetime:
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        raise CLIUsageError(
            f"{flag} {value!r} is not an ISO date (e.g. 2025-12-24 or 2025-12-24T12:00:00Z)"
        ) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _check_orders_window(since: str, until: str | None, now: datetime) -> tuple[datetime, datetime | None]:
    """``--since``/``--until`` as ListOrders will accept them (its rules, in the flags' words)."""
    after = _parse_date("--since", since)
    before = _parse_date("--until", until) if until is not None else None
    latest = now - ORDERS_CUTOFF
    if after >= latest:
        raise CLIUsageError(
            f"--since {since} is in the future (ListOrders lists orders created up to 2 minutes ago)"
        )
    if before is not None:
        if before <= after:
            raise CLIUsageError(f"--until {until} must be later than --since {since}")
        if before > latest:
            raise CLIUsageError(
                f"--until {until} is in the future; ListOrders lists orders created up to 2 minutes ago, "
                "so leave --until out to list up to now"
            )
    return after, before


def _check_statuses(values: list[str] | None) -> list[str] | None:
    if not values:
        return None
    from mws_async.sections.orders import ORDER_STATUSES

    known = sorted(ORDER_STATUSES)
    statuses = [_check_choice("--status", v, known, "an OrderStatus") for v in values]
    if ("Unshipped" in statuses) != ("PartiallyShipped" in statuses):
        raise CLIUsageError(
            "--status Unshipped and --status PartiallyShipped go together (the Orders API refuses one "
            "without the other): give both"
        )
    return list(dict.fromkeys(statuses))


@dataclass
class _OrdersState:
    """What an orders run has done so far (read by its progress column)."""

    records: int = 0
    pages: int = 0
    through: datetime | None = None
    started: float = field(default_factory=time.perf_counter)


class _OrdersColumn(ProgressColumn):
    def __init__(self, state: _OrdersState, client: Any) -> None:
        super().__init__()
        self._state, self._client = state, client

    def render(self, task: Task) -> Text:
        state = self._state
        elapsed = time.perf_counter() - state.started
        rate = state.records / elapsed if elapsed > 0 else 0.0
        through = f" · through {state.through:%Y-%m-%d %H:%M}" if state.through else ""
        wait = self._client.throttler.summary().total_wait
        return Text(
            f"{_plural(state.records, 'order')} · {_plural(state.pages, 'page')} · {rate:,.0f} records/s · "
            f"quota wait {wait:,.1f} s{through}",
            style="cyan",
        )


def _order_row(order: Any) -> dict[str, Any]:
    total = order.order_total
    return {
        "amazon_order_id": order.amazon_order_id,
        "purchase_date": order.purchase_date.isoformat() if order.purchase_date else None,
        "order_status": order.order_status,
        "fulfillment_channel": order.fulfillment_channel,
        "order_total": str(total.amount) if total is not None else None,
        "currency": total.currency_code if total is not None else None,
        "items_shipped": order.number_of_items_shipped,
        "items_unshipped": order.number_of_items_unshipped,
        "marketplace_id": order.marketplace_id,
    }


_SPAN: Final = f"{SANDBOX_ORDERS_FROM:%Y-%m-%d} to {SANDBOX_ORDERS_TO:%Y-%m-%d}"


@app.command(
    help=(
        "List orders (ListOrders + ListOrdersByNextToken) as JSONL or CSV.\n\n"
        f"The embedded sandbox's orders were created {_SPAN} (UTC); e.g. --since {README_ORDERS_SINCE} "
        "lists its last week in seconds. ListOrders returns 100 orders a page, 6 pages at once, then one a "
        "minute (divided by --time-scale on the sandbox)."
    )
)
def orders(
    since: Annotated[
        str, typer.Option("--since", help="Orders created after this ISO date (UTC if no zone)")
    ],
    until: Annotated[
        str | None, typer.Option("--until", help="...and before this ISO date (default: 2 minutes ago)")
    ] = None,
    status: Annotated[
        list[str] | None,
        typer.Option("--status", help="OrderStatus filter, repeatable (Unshipped needs PartiallyShipped)"),
    ] = None,
    marketplace: MarketplaceOpt = None,
    out: OutOpt = None,
    quiet: QuietOpt = False,
    profile: Profile = None,
    time_scale: ScaleOpt = None,
) -> None:
    created_after, created_before = _check_orders_window(since, until, datetime.now(UTC))
    statuses = _check_statuses(status)
    scale = _check_time_scale(time_scale)
    market = _check_marketplace(marketplace)
    out = _check_out(out)
    target = _mws_target(profile, market)
    note = f"; its orders were created {_SPAN}"

    async def run() -> int:
        async with open_target(target, scale, quiet, note) as session:
            client = session.client
            state = _OrdersState()
            before = client.throttler.summary()
            listing = client.orders.list_orders(
                created_after=created_after, created_before=created_before, order_statuses=statuses
            )
            columns = (
                SpinnerColumn(),
                TextColumn("[bold]orders"),
                TimeElapsedColumn(),
                _OrdersColumn(state, client),
            )
            with Writer(out) as writer, Progress(*columns, console=err, disable=quiet) as progress:
                task = progress.add_task("orders", total=None)
                async for page in listing.pages():
                    state.pages += 1
                    for order in page.records:
                        writer.write(_order_row(order))
                        state.records += 1
                        if order.purchase_date is not None:
                            state.through = order.purchase_date
                    progress.update(task, completed=state.records)
            elapsed = time.perf_counter() - state.started
            after = client.throttler.summary()
            if not quiet:
                requests = after.requests - before.requests
                bound = client.throttler.spec("Orders", "ListOrders").bound(requests, session.time_scale)
                table = Table(title=f"orders since {since}", show_header=False, title_justify="left")
                table.add_column(style="bold")
                table.add_column(justify="right")
                table.add_row("orders", f"{state.records:,}")
                table.add_row("pages", f"{state.pages:,}")
                table.add_row("requests", f"{requests:,}")
                table.add_row("throttled responses", f"{after.throttled - before.throttled:,}")
                table.add_row("quota wait", f"{after.total_wait - before.total_wait:,.2f} s")
                table.add_row("records/s", f"{state.records / elapsed if elapsed > 0 else 0:,.1f}")
                _bound_rows(table, elapsed, bound)
                err.print(table)
            return EXIT_OK

    _run(run)


# --- reports


def _check_report_type(value: str, on_sandbox: bool) -> str:
    from mws_async.sections.reports import REPORT_TYPES

    key = "_" + value.strip().strip("_").upper() + "_"
    known = {t.upper(): t for t in REPORT_TYPES}
    if key in known:
        return known[key]
    if on_sandbox:
        from mws_async.sandbox.handlers.reports import SANDBOX_REPORT_TYPES, accepts_report_type

        if accepts_report_type(key):
            return key
        extra = f" (the sandbox also takes {', '.join(SANDBOX_REPORT_TYPES)})"
    else:
        extra = ""
    close = difflib.get_close_matches(key, REPORT_TYPES, n=3, cutoff=0.75)
    hint = f"did you mean {' or '.join(close)}? " if close else ""
    raise CLIUsageError(f"unknown report type {value!r}; {hint}known types: {', '.join(REPORT_TYPES)}{extra}")


@app.command()
def report(
    report_type: Annotated[str, typer.Argument(help="e.g. _GET_MERCHANT_LISTINGS_DATA_ (any case)")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Where to write the report")],
    marketplace: MarketplaceOpt = None,
    quiet: QuietOpt = False,
    profile: Profile = None,
    time_scale: ScaleOpt = None,
) -> None:
    """Request a report, wait for it, and stream it to --out (Content-MD5 verified)."""
    scale = _check_time_scale(time_scale)
    market = _check_marketplace(marketplace)
    _check_out(out)
    target = _mws_target(profile, market)
    report_type = _check_report_type(report_type, target.sandbox)

    async def run() -> int:
        async with open_target(target, scale, quiet) as session:
            # A device or FIFO is written into by the download itself (mws_async.transfer), never replaced.
            with err.status(f"waiting for {report_type}...") if not quiet else _null():
                result = await session.client.reports.request_and_download(report_type, out)
            if result is None:
                if not quiet:
                    err.print("report finished with no data (_DONE_NO_DATA_)")
                return EXIT_PARTIAL
            if not quiet:
                err.print(f"wrote {result.size:,} bytes to {out} (Content-MD5 {result.md5} verified)")
            return EXIT_OK

    _run(run)


# --- sync (ingestion into a database)

SYNC_DATASETS: Final = ("orders", "order-items", "financial-events", "inventory", "reports")
_SYNC_LISTING: Final = {
    "orders": ("Orders", "ListOrders"),
    "order-items": ("Orders", "ListOrderItems"),
    "financial-events": ("Finances", "ListFinancialEvents"),
    "inventory": ("FulfillmentInventory", "ListInventorySupply"),
    "reports": ("Reports", "GetReport"),  # the downloads dominate
}


class _SyncColumn(ProgressColumn):
    """Records, pages, rate, quota wait and the latest record time of a running sync."""

    def __init__(self, progress: Any, client: Any) -> None:
        super().__init__()
        self._progress, self._client = progress, client

    def render(self, task: Task) -> Text:
        state = self._progress
        elapsed = time.perf_counter() - state.started
        rate = state.records / elapsed if elapsed > 0 else 0.0
        through = f" · through {state.through:%Y-%m-%d %H:%M}" if state.through else ""
        skipped = f" · {state.skipped:,} already stored" if state.skipped else ""
        wait = self._client.throttler.summary().total_wait
        return Text(
            f"{_plural(state.records, 'record')} · {_plural(state.pages, 'page')} · {rate:,.0f} records/s · "
            f"quota wait {wait:,.1f} s{through}{skipped}",
            style="cyan",
        )


def _check_sync_db(db: str) -> Any:
    try:
        from mws_async.sync import database_url
    except ImportError:
        raise ConfigurationError(
            "mws-async sync needs the 'sync' extra (SQLAlchemy and the database drivers): "
            "pip install 'mws-async[sync]'"
        ) from None
    try:
        return database_url(db)
    except ConfigurationError as exc:
        raise CLIUsageError(f"--db: {exc}") from None


def _check_sellers(values: list[str] | None) -> list[str] | None:
    if not values:
        return None
    for value in values:
        if not re.fullmatch(r"A[0-9A-Z]{9,20}", value.strip()):
            raise CLIUsageError(f"--seller {value!r} is not a SellerId (A followed by letters and digits)")
    return list(dict.fromkeys(v.strip() for v in values))


def _sync_clients(session: Session, target: Target, sellers: list[str] | None) -> list[Any]:
    """One (seller id, client) per seller: the session's client for its own seller, others share its
    endpoint and throttler (the sandbox knows every seller; on MWS, only the configured one is signed)."""
    own = session.client.credentials.seller_id
    out: list[Any] = []
    for seller in sellers or [own]:
        if seller == own:
            out.append(session.client)
        elif session.sandbox is not None:
            out.append(
                MWSClient(
                    session.sandbox.credentials_for(seller),
                    marketplace=target.marketplace,
                    base_url=session.sandbox.base_url,
                    throttle=session.client.throttler,
                )
            )
        else:
            raise CLIUsageError(
                f"--seller {seller}: the credentials are for seller {own}; use a --profile per seller "
                "(each seller authorises the developer with its own MWSAuthToken)"
            )
    return out


def _sync_summary(result: Any, elapsed: float, before: Any, after: Any, bound: float) -> Table:
    table = Table(
        title=f"sync {result.dataset} · seller {result.seller_id}", show_header=False, title_justify="left"
    )
    table.add_column(style="bold")
    table.add_column(justify="right")
    table.add_row("records committed", f"{result.records:,}")
    table.add_row("pages committed", f"{result.pages:,}")
    if result.skipped:
        table.add_row("already stored (skipped)", f"{result.skipped:,}")
    table.add_row("resumed a saved window", "yes" if result.resumed else "no")
    watermark = result.state.watermark
    table.add_row("watermark", f"{watermark:%Y-%m-%d %H:%M:%S} UTC" if watermark else "-")
    table.add_row("requests", f"{after.requests - before.requests:,}")
    table.add_row("throttled responses", f"{after.throttled - before.throttled:,}")
    table.add_row("quota wait", f"{after.total_wait - before.total_wait:,.2f} s")
    table.add_row("records/s", f"{result.records / elapsed if elapsed > 0 else 0:,.1f}")
    _bound_rows(table, elapsed, bound)
    return table


@app.command(
    "sync",
    help=(
        "Copy a dataset into a database, incrementally: orders, order-items, financial-events, inventory or "
        "reports.\n\nEach page is committed with its checkpoint in one transaction, so a run killed at any "
        "moment resumes where it stopped on the next run, without losing or duplicating a record. The first "
        "run of a dataset needs --since; later runs go on from the checkpoint. --db takes a SQLite file "
        "(default mws-async.sqlite) or a postgresql:// URL; one sync per seller and dataset runs at a time."
    ),
)
def sync_command(
    dataset: Annotated[
        str, typer.Argument(help="orders, order-items, financial-events, inventory or reports")
    ],
    db: Annotated[
        str, typer.Option("--db", help="SQLite file or postgresql://user:password@host/database")
    ] = "mws-async.sqlite",
    since: Annotated[
        str | None,
        typer.Option("--since", help="First run: start from this ISO date (UTC if no zone)"),
    ] = None,
    seller: Annotated[
        list[str] | None,
        typer.Option("--seller", help="SellerId to sync, repeatable (default: the credentials' seller)"),
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Print what would be done; send nothing, write nothing")
    ] = False,
    reports_dir: Annotated[
        Path | None,
        typer.Option("--reports-dir", help="Where reports are written (default: beside the SQLite file)"),
    ] = None,
    marketplace: MarketplaceOpt = None,
    quiet: QuietOpt = False,
    profile: Profile = None,
    time_scale: ScaleOpt = None,
) -> None:
    name = _check_choice("sync", dataset, SYNC_DATASETS, "a dataset")
    url = _check_sync_db(db)
    if name == "reports" and reports_dir is not None:  # checked before the store, dry runs included
        from mws_async.sync import check_reports_dir

        try:
            check_reports_dir(reports_dir)
        except ConfigurationError as exc:
            raise CLIUsageError(f"--reports-dir: {exc}") from None
    start = _parse_date("--since", since) if since is not None else None
    if start is not None and start >= datetime.now(UTC):
        raise CLIUsageError(f"--since {since} is in the future")
    sellers = _check_sellers(seller)
    scale = _check_time_scale(time_scale)
    market = _check_marketplace(marketplace)
    target = _mws_target(profile, market)
    from mws_async.sync import SyncPlanError, needs_since, open_store, plan, sync

    async def run() -> int:
        async with await open_store(url, reports_dir=reports_dir) as store:
            ids = sellers or [
                target.credentials.seller_id if target.credentials is not None else _sandbox_seller()
            ]
            if dry_run:
                for seller_id in ids:
                    sys.stdout.write(await plan(store, seller_id, name, since=start) + "\n")
                return EXIT_OK
            for seller_id in ids:  # checked before anything starts
                if start is None and await needs_since(store, seller_id, name):
                    raise CLIUsageError(
                        f"{name} of seller {seller_id} was never synced into {store.display}: give --since "
                        "DATE for the first run (later runs go on from the checkpoint)"
                    )
            async with open_target(target, scale, quiet) as session:
                for client in _sync_clients(session, target, sellers):
                    progress_state = _new_progress(name)
                    before = client.throttler.summary()
                    columns = (
                        SpinnerColumn(),
                        TextColumn(f"[bold]{name} · {client.credentials.seller_id}"),
                        TimeElapsedColumn(),
                        _SyncColumn(progress_state, client),
                    )
                    with Progress(*columns, console=err, disable=quiet) as bar:
                        bar.add_task(name, total=None)
                        try:
                            result = await sync(client, store, name, since=start, progress=progress_state)
                        except SyncPlanError as exc:
                            raise CLIUsageError(str(exc)) from None
                        finally:
                            if client is not session.client:
                                await client.transport.aclose()
                    elapsed = time.perf_counter() - progress_state.started
                    after = client.throttler.summary()
                    if not quiet:
                        section, operation = _SYNC_LISTING[name]
                        spec = client.throttler.spec(section, operation)
                        bound = spec.bound(after.requests - before.requests, session.time_scale)
                        err.print(_sync_summary(result, elapsed, before, after, bound))
        return EXIT_OK

    _run(run)


def _sandbox_seller() -> str:
    from mws_async.sandbox.server import SANDBOX_SELLER_ID

    return SANDBOX_SELLER_ID


def _new_progress(dataset: str) -> Any:
    from mws_async.sync import SyncProgress

    return SyncProgress(dataset)


class _null:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> None:
        return None


# --- sandbox

sandbox_app = typer.Typer(
    cls=TyperGroup,
    add_completion=False,
    help="Serve the local MWS sandbox until interrupted (Ctrl+C); 'sandbox ids' prints ids it holds.",
)
app.add_typer(sandbox_app, name="sandbox")


def _check_port(port: int) -> int:
    if not 0 <= port <= 65535:
        raise CLIUsageError(f"--port {port} is not a port; use 1-65535, or 0 for any free port")
    if port == 0:
        return port
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the sandbox binds
        try:
            probe.bind(("127.0.0.1", port))
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise CLIUsageError(
                    f"--port {port} is in use on 127.0.0.1; pick another, or --port 0 for any free port"
                ) from None
            raise CLIUsageError(f"--port {port}: cannot listen there ({exc.strerror or exc})") from None
    return port


@sandbox_app.callback(invoke_without_command=True)
def sandbox(
    ctx: typer.Context,
    port: Annotated[int, typer.Option("--port", "-p", help="Port on 127.0.0.1 (0 = any free port)")] = 8000,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the synthetic world")] = 0,
    time_scale: Annotated[float, typer.Option("--time-scale", help="Speed up every restore rate")] = 1.0,
    live_orders: Annotated[
        bool,
        typer.Option(
            "--live-orders", help="Orders in progress move on (Pending, Unshipped, Shipped) from now on"
        ),
    ] = False,
) -> None:
    """Serve the local MWS sandbox until interrupted (Ctrl+C); the banner lists ids to try."""
    if ctx.invoked_subcommand is not None:
        return
    from mws_async.sandbox import serve

    _check_time_scale(time_scale)
    _check_port(port)
    try:
        serve(port, seed=seed, time_scale=time_scale, live_orders=live_orders)
    except OSError as exc:  # lost a race for the port after the check
        if exc.errno == errno.EADDRINUSE:
            raise CLIUsageError(f"--port {port} is in use on 127.0.0.1; pick another") from None
        raise


@sandbox_app.command("ids")
def sandbox_ids(
    id_type: Annotated[
        str,
        typer.Option("--type", "-t", help="ASIN, SellerSKU, ISBN, UPC, EAN, JAN or GCID (any case)"),
    ] = "ASIN",
    count: Annotated[int, typer.Option("-n", "--count", help=f"How many (1-{MAX_SANDBOX_IDS:,})")] = 10,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the world (as 'sandbox --seed')")] = 0,
) -> None:
    """Print ids the sandbox's catalog holds, one per line."""
    from mws_async.sandbox.world import ID_TYPES, World

    id_type = _check_choice("--type", id_type, ID_TYPES, "an id type")
    if not 1 <= count <= MAX_SANDBOX_IDS:
        raise CLIUsageError(f"-n {count} must be between 1 and {MAX_SANDBOX_IDS:,}")
    sys.stdout.write("\n".join(World(seed).sample_ids(id_type, count)) + "\n")


# --- demo


@app.command(
    help=(
        "Look up generated ISBNs on a fresh sandbox and compare the time with the quota bound.\n\n"
        "2 % of the ids are invalid and 5 % duplicated, on purpose. Rows are not kept unless --out is given "
        "(--out - writes JSONL to stdout); -q prints only the one-line result. Exit code: unlike the other "
        "commands, the planted invalid ids are expected here: 0 when every id got the answer it should (each "
        "valid ISBN found, each planted invalid one reported Invalid), 1 when some did not, 4 when requests "
        "failed."
    )
)
def demo(
    ids: Annotated[int, typer.Option("--ids", help="How many valid ISBNs to look up")] = 3000,
    quick: Annotated[bool, typer.Option("--quick", help="A short run: 300 ids")] = False,
    time_scale: Annotated[float, typer.Option("--time-scale", help="Sandbox time scale")] = DEMO_TIME_SCALE,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out", "-o", help="Also write the rows: results.jsonl or .csv, or '-' for JSONL on stdout"
        ),
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Only the one-line result")] = False,
) -> None:
    if quick:
        ids = min(ids, 300)
    if not 1 <= ids <= MAX_DEMO_IDS:
        raise CLIUsageError(f"--ids {ids} must be between 1 and {MAX_DEMO_IDS:,}")
    _check_time_scale(time_scale)
    out = _check_out(out)
    stack = stack_description()

    async def run() -> int:
        from mws_async.sandbox import Sandbox

        async with Sandbox(time_scale=time_scale) as sb:
            if not quiet:
                _announce(f"Embedded sandbox at {sb.base_url} (time scale {time_scale:g}×); stack: {stack}.")
            valid = sb.world.sample_ids("ISBN", ids)
            bad = [sb.world.invalid_id("ISBN", k) for k in range(max(1, ids // 50))]
            stream = valid + bad + valid[: max(1, ids // 20)]  # invalid and duplicated ids too
            title = f"demo: {ids:,} ISBNs"
            async with MWSClient(sb.credentials, base_url=sb.base_url, time_scale=time_scale) as client:
                session = Session(client, sb, time_scale)
                summary = await run_bulk_command(
                    session,
                    None,
                    len(set(stream)),
                    lambda stats: client.products.lookup_many(stream, "ISBN", stats=stats),
                    ("Products", "GetMatchingProductForId"),
                    lookup_row,
                    out,
                    quiet,
                    title,
                    discard_rows=out is None,
                )
        s = summary.stats
        if not quiet:
            err.print(summary_table(title, summary))
        _say(
            "",
            f"demo: {ids:,} ids (+{len(bad):,} planted invalid, {s.duplicates:,} duplicates skipped): "
            f"{s.success:,} found, {s.invalid:,} invalid, {s.client_errors:,} not found, "
            f"{s.failed + s.server_errors:,} failed in {summary.elapsed:.2f} s "
            f"(quota bound {summary.bound:.2f} s; {stack})",
        )
        if s.failed or s.server_errors:
            return EXIT_FAILED
        return EXIT_OK if s.success == len(valid) and s.invalid == len(bad) else EXIT_PARTIAL

    _run(run)


def main() -> None:
    """Console-script entry point."""
    app(prog_name="mws-async")


if __name__ == "__main__":  # pragma: no cover - `python -m mws_async.cli`
    main()
