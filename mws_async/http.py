"""The HTTP client mws-async creates when none is injected: one pooled ``httpx.AsyncClient``.

Kept in one place so the transport underneath can be chosen by measurement (see ``benchmarks/``).
"""

from __future__ import annotations

import httpx

__all__ = ["make_http_client"]


def make_http_client(timeout: float, *, max_connections: int = 100) -> httpx.AsyncClient:
    """A pooled client with keep-alive; ``timeout`` seconds per request (connect capped at 20 s)."""
    return httpx.AsyncClient(
        timeout=httpx.Timeout(timeout, connect=min(timeout, 20.0)),
        limits=httpx.Limits(max_connections=max_connections, max_keepalive_connections=max_connections),
    )
