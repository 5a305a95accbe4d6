"""Fixtures for command-line tests: no credentials, no stack or Redis settings leaking in from outside."""

from __future__ import annotations

import pytest

# Everything the CLI reads from the environment: a test sets what it needs on a clean slate.
CLI_ENVIRONMENT = (
    "MWS_ACCESS_KEY",
    "MWS_SECRET_KEY",
    "MWS_SELLER_ID",
    "MWS_AUTH_TOKEN",
    "LWA_CLIENT_ID",
    "LWA_CLIENT_SECRET",
    "SP_API_REFRESH_TOKEN",
    "SP_API_SELLING_PARTNER_ID",
    "MWS_ASYNC_REDIS_URL",
    "MWS_ASYNC_HTTP_TRANSPORT",
    "MWS_ASYNC_XML_PARSER",
    "MWS_ASYNC_PROFILES",
    "MWS_ASYNC_DEBUG",
)


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in CLI_ENVIRONMENT:
        monkeypatch.delenv(name, raising=False)
    # Rich wraps at the terminal width; a wide one keeps every message on the line it was printed on.
    monkeypatch.setenv("COLUMNS", "200")
