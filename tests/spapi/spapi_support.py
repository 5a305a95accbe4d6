"""Shared helpers of the SP-API tests (importable as ``spapi.spapi_support``: ``tests`` is on the path)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from mws_async.retry import RetryPolicy
from mws_async.sandbox.spapi import SPAPISandboxApp
from mws_async.spapi import SPAPIClient

US = "ATVPDKIKX0DER"


@dataclass
class Served:
    """An SP-API sandbox app and the base URL it is served on."""

    app: SPAPISandboxApp
    url: str

    def client(self, **kwargs: Any) -> SPAPIClient:
        """A client for it (default credentials, the app's time scale, fast error backoff)."""
        kwargs.setdefault("credentials", self.app.credentials())
        kwargs.setdefault("time_scale", self.app.time_scale)
        kwargs.setdefault("retry", RetryPolicy(initial_backoff=0.001, max_backoff=0.01))
        return SPAPIClient(base_url=self.url, token_url=self.url + "/auth/o2/token", **kwargs)
