"""Single entry point for checks: `nox` runs tests, lint and typecheck; `nox -s bench` runs benchmarks."""

from __future__ import annotations

import nox

nox.options.sessions = ["tests", "lint", "typecheck"]
nox.options.reuse_existing_virtualenvs = True

PYTHON = "3.11"


@nox.session(python=PYTHON)
def tests(session: nox.Session) -> None:
    """Run the test suite (starts loopback sandboxes and a real redis-server as needed)."""
    session.install("-e", ".[test,cli,sandbox,redis,fast]")
    session.run("pytest", "-q", "-p", "no:cacheprovider", *session.posargs)


@nox.session(python=PYTHON)
def lint(session: nox.Session) -> None:
    """ruff check and format check."""
    session.install("ruff")
    session.run("ruff", "check", "mws_async", "tests", "benchmarks", "noxfile.py")
    session.run("ruff", "format", "--check", "mws_async", "tests", "benchmarks", "noxfile.py")


@nox.session(python=PYTHON)
def typecheck(session: nox.Session) -> None:
    """mypy --strict on the package."""
    session.install("-e", ".[cli,sandbox,redis,fast]", "mypy")
    session.run("mypy", "--strict", "mws_async")


@nox.session(python=PYTHON)
def bench(session: nox.Session) -> None:
    """Benchmarks: ratios measured side by side in one run (see benchmarks/README.md)."""
    session.install("-e", ".[test,cli,sandbox,redis,fast]")
    session.run("python", "-m", "benchmarks", *session.posargs)
