"""Single entry point for checks: `nox` runs tests, lint, typecheck, package, docs; `nox -s bench` benchmarks.

Sessions run in virtualenvs made from the interpreter that runs nox, whichever supported version it is. The
other supported versions are tested too when this machine has them (`tests_other`); a missing one is
skipped, not failed.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import nox

nox.options.sessions = ["tests", "tests_other", "lint", "typecheck", "package", "docs"]
nox.options.reuse_existing_virtualenvs = True
nox.options.error_on_missing_interpreters = False
nox.options.download_python = "never"  # test the interpreters this machine has; never fetch one

SUPPORTED = ("3.11", "3.12", "3.13")
RUNNING = f"{sys.version_info.major}.{sys.version_info.minor}"
ROOT = Path(__file__).resolve().parent
TEST_EXTRAS = ".[test,cli,sandbox,redis]"


def _interpreter(version: str) -> str | None:
    """This machine's Python ``version``: on PATH, or installed by pyenv but not enabled (its shim on PATH
    then refuses to run, so nox alone would not find it)."""
    candidates = [shutil.which(f"python{version}")]
    pyenv = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv")) / "versions"
    candidates += sorted(str(p) for p in pyenv.glob(f"{version}.*/bin/python{version}"))
    for candidate in candidates:
        if (
            candidate
            and subprocess.run([candidate, "-c", ""], capture_output=True, check=False).returncode == 0
        ):
            return candidate
    return None


OTHERS = {version: found for version in SUPPORTED if version != RUNNING and (found := _interpreter(version))}


@nox.session
def tests(session: nox.Session) -> None:
    """Run the test suite on this interpreter (loopback sandboxes and a real redis-server as needed)."""
    session.install("-e", TEST_EXTRAS)
    session.run("pytest", "-q", "-p", "no:cacheprovider", *session.posargs)


# On the other versions, the parts of the suite that depend on the interpreter: signing, XML parsing and
# validation (every recorded fixture), the client and transport (timeouts, retries, deadlines), errors, the
# SP-API client and the README's examples, with loopback sandboxes. The integration suites (sandbox, CLI,
# sync into SQLite/PostgreSQL, the web example, throttle timing tables, fuzzing) run in full on the
# interpreter running nox: they exercise our code and the servers, not the interpreter, and running them
# three times would not fit CI's 15 minutes (about 35 s here instead of about 6 minutes per version).
OTHER_VERSION_ARGS = (
    "-m",
    "not hypothesis",
    "tests/test_signing.py",
    "tests/test_xml.py",
    "tests/test_operations_parse.py",
    "tests/test_client.py",
    "tests/test_transport.py",
    "tests/test_deadlines.py",
    "tests/test_errors.py",
    "tests/test_credentials.py",
    "tests/test_identifiers.py",
    "tests/models",
    "tests/spapi/test_spapi_client.py",
    "tests/test_readme.py",
)


@nox.session
@nox.parametrize("python", list(OTHERS.values()) or [None], ids=list(OTHERS) or ["none"])
def tests_other(session: nox.Session) -> None:
    """The suite on another supported Python found on this machine (skipped when there is none)."""
    if not OTHERS:
        session.skip("no other supported Python on this machine")
    session.install("-e", TEST_EXTRAS)
    session.run("pytest", "-q", "-p", "no:cacheprovider", *OTHER_VERSION_ARGS, *session.posargs)


@nox.session
def lint(session: nox.Session) -> None:
    """ruff check and format check."""
    session.install("ruff")
    paths = ("mws_async", "tests", "benchmarks", "examples", "docs/gen", "noxfile.py")
    session.run("ruff", "check", *paths)
    session.run("ruff", "format", "--check", *paths)


@nox.session
def typecheck(session: nox.Session) -> None:
    """mypy --strict on the package."""
    session.install("-e", ".[cli,sandbox,redis,sync,otel]", "mypy")
    session.run("mypy", "--strict", "mws_async")


@nox.session
def package(session: nox.Session) -> None:
    """Build sdist and wheel, check them, install the wheel into a fresh venv and run the quick demo there,
    on the fast stack and then on the pure-Python fallback."""
    session.install("build", "twine", "mypy")
    dist = Path(session.create_tmp()).resolve() / "dist"
    for old in dist.glob("*"):
        old.unlink()
    session.run("python", "-m", "build", "--outdir", str(dist), str(ROOT))
    built = sorted(dist.iterdir())
    session.run("twine", "check", "--strict", *map(str, built))
    wheel = next(path for path in built if path.suffix == ".whl")
    _check_wheel(session, wheel)

    # A fresh venv with nothing but the wheel (and its dependencies from the index).
    venv = Path(session.create_tmp()).resolve() / "fresh-venv"
    session.run(sys.executable, "-m", "venv", "--clear", str(venv), external=True)
    bin_dir = venv / ("Scripts" if sys.platform == "win32" else "bin")
    python = str(bin_dir / "python")
    session.run(python, "-m", "pip", "install", "-q", f"{wheel}[cli]", external=True)
    session.run(python, "-c", _STACK_CHECK, "aiohttp", "xmltodict-rs", external=True)
    # Downstream type checkers see the package's types (py.typed), not "missing library stubs".
    typed = Path(session.create_tmp()).resolve() / "uses_mws_async.py"
    typed.write_text(_TYPED_USE)
    config = typed.with_name("downstream-mypy.ini")  # a downstream project's config, not ours
    config.write_text("[mypy]\nstrict = True\n")
    with session.chdir(typed.parent):  # away from the source tree: mypy must find the installed package
        session.run("mypy", "--config-file", str(config), "--python-executable", python, str(typed))
    session.run(str(bin_dir / "mws-async"), "demo", "--quick", external=True)
    # Where no wheel of the fast parts exists, the pure stack runs: prove it still does the job.
    session.run(python, "-m", "pip", "uninstall", "-q", "-y", "httpx-aiohttp", "xmltodict-rs", external=True)
    session.run(python, "-c", _STACK_CHECK, "httpx", "xmltodict", external=True)
    session.run(str(bin_dir / "mws-async"), "demo", "--quick", external=True)


_TYPED_USE = """
from mws_async import Credentials, MWSClient, Marketplace

def make(creds: Credentials) -> MWSClient:
    return MWSClient(creds, marketplace=Marketplace.US)
"""

_STACK_CHECK = """
import sys
from mws_async import http, xml
got = (http.default_transport_name(), xml.current_parser())
want = tuple(sys.argv[1:])
print("stack:", got)
sys.exit(0 if got == want else f"expected the {want} stack, got {got}")
"""


def _check_wheel(session: nox.Session, wheel: Path) -> None:
    """The wheel holds py.typed and every subpackage of the source tree."""
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
    packages = sorted(
        str(init.parent.relative_to(ROOT)).replace("\\", "/")
        for init in (ROOT / "mws_async").rglob("__init__.py")
    )
    missing = [f"{pkg}/__init__.py" for pkg in packages if f"{pkg}/__init__.py" not in names]
    if "mws_async/py.typed" not in names:
        missing.append("mws_async/py.typed")
    if missing:
        session.error(f"{wheel.name} lacks {', '.join(missing)}")
    session.log(f"{wheel.name}: py.typed and all {len(packages)} packages present")


@nox.session
def docs(session: nox.Session) -> None:
    """Build the documentation site with mkdocs in strict mode (any warning fails): pages, the API
    reference from the docstrings, the CLI reference and the pictures generated from real runs (docs/gen/).
    The site goes to a scratch folder unless a folder is given: ``nox -s docs -- site``."""
    session.install("-e", ".[docs,cli,sandbox]")
    site = session.posargs[0] if session.posargs else str(Path(session.create_tmp()).resolve() / "site")
    quiet = {"NO_MKDOCS_2_WARNING": "1", "DISABLE_MKDOCS_2_WARNING": "true"}  # a notice, not our warning
    session.run("mkdocs", "build", "--strict", "--clean", "--site-dir", site, env=quiet)
    session.log(f"site built in {site}")


@nox.session
def bench(session: nox.Session) -> None:
    """Benchmarks: ratios measured side by side in one run (see benchmarks/README.md)."""
    session.install("-e", TEST_EXTRAS)
    session.run("python", "-m", "benchmarks", *session.posargs)
