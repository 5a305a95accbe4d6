"""Finding a sandbox that is already running: ``GET /sandbox/info`` on its URL.

``mws-async sandbox`` prints ``export MWS_ASYNC_SANDBOX_URL=http://127.0.0.1:PORT``; with that set (or
``--sandbox-url``), the other commands use that sandbox instead of starting their own. Its credentials and
time scale come from the sandbox itself, so the client's throttle runs at the server's speed.

>>> info = await discover("http://127.0.0.1:8000")                 # doctest: +SKIP
>>> MWSClient(info.credentials, base_url=info.base_url, time_scale=info.time_scale)  # doctest: +SKIP
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from typing import Any, Final

import httpx

from mws_async.credentials import Credentials
from mws_async.errors import ConfigurationError
from mws_async.sandbox.app import INFO_PATH, INFO_SERVICE
from mws_async.spapi.auth import LWACredentials
from mws_async.transport import is_loopback

__all__ = ["SandboxInfo", "discover"]

_MAX_INFO_BYTES: Final = 64 * 1024
_HOW: Final = "start one with 'mws-async sandbox --port 8000' and use the URL its banner prints"


@dataclass(frozen=True)
class SandboxInfo:
    """A running sandbox as it describes itself."""

    base_url: str
    credentials: Credentials
    """The sandbox's MWS developer and seller (public sandbox values)."""
    spapi_credentials: LWACredentials
    """The sandbox's SP-API application and selling partner (public sandbox values)."""
    token_url: str
    time_scale: float
    seed: int
    order_count: int
    order_span: tuple[str, str]
    """First and last order creation time (ISO 8601, UTC)."""


async def discover(url: str, *, seconds: float = 5.0) -> SandboxInfo:
    """Ask the sandbox at ``url`` (loopback only) who it is, within ``seconds`` in all. Every failure (bad
    or non-loopback URL, nothing listening, not a sandbox) is a
    :class:`~mws_async.errors.ConfigurationError` saying what to do."""
    base = url.strip().rstrip("/")
    try:
        parsed = httpx.URL(base)
    except (httpx.InvalidURL, ValueError) as exc:
        raise ConfigurationError(f"sandbox URL {url!r} is not a URL ({exc}); {_HOW}") from None
    if parsed.scheme not in ("http", "https") or not parsed.host:
        raise ConfigurationError(f"sandbox URL {url!r} must be http://HOST:PORT; {_HOW}")
    if not is_loopback(parsed.host):
        raise ConfigurationError(
            f"sandbox URL {url!r} is not a loopback address: the sandbox serves this machine only "
            "(use http://127.0.0.1:PORT)"
        )
    if parsed.path not in ("", "/") or parsed.query:
        raise ConfigurationError(f"sandbox URL {url!r} must be the server's root, http://HOST:PORT")
    document, problem = await _fetch(base, seconds)
    if problem is not None:
        raise ConfigurationError(f"cannot use the sandbox at {base}: {problem}; {_HOW}")
    return _parse(base, document)


async def _fetch(base: str, seconds: float) -> tuple[Any, str | None]:
    not_sandbox = "(is it a mws-async sandbox?)"
    try:
        async with (
            asyncio.timeout(seconds),
            httpx.AsyncClient(trust_env=False) as http,
            http.stream("GET", base + INFO_PATH) as response,
        ):
            if response.status_code != 200:
                return None, f"GET {INFO_PATH} answered HTTP {response.status_code} {not_sandbox}"
            body = b""
            async for chunk in response.aiter_bytes():
                body += chunk
                if len(body) > _MAX_INFO_BYTES:
                    return None, f"GET {INFO_PATH} answered more than {_MAX_INFO_BYTES} bytes {not_sandbox}"
    except (TimeoutError, httpx.TimeoutException):
        return None, f"no answer within {seconds:g} s"
    except (httpx.HTTPError, OSError) as exc:
        return None, f"nothing answers there ({type(exc).__name__}: {str(exc) or 'connection failed'})"
    try:
        return json.loads(body), None
    except ValueError:
        return None, f"GET {INFO_PATH} did not answer JSON {not_sandbox}"


def _parse(base: str, document: Any) -> SandboxInfo:
    try:
        if document.get("service") != INFO_SERVICE:
            raise ValueError("service")
        mws, spapi, orders = document["mws"], document["spapi"], document["orders"]
        time_scale = float(document["time_scale"])
        if not time_scale > 0:
            raise ValueError("time_scale")
        return SandboxInfo(
            base_url=base,
            credentials=Credentials(mws["access_key"], mws["secret_key"], mws["seller_id"], label="sandbox"),
            spapi_credentials=LWACredentials(
                spapi["client_id"],
                spapi["client_secret"],
                spapi["refresh_token"],
                spapi["selling_partner_id"],
            ),
            token_url=base + str(spapi["token_path"]),
            time_scale=time_scale,
            seed=int(document["seed"]),
            order_count=int(orders["count"]),
            order_span=(str(orders["first"]), str(orders["last"])),
        )
    except (AttributeError, KeyError, TypeError, ValueError):
        raise ConfigurationError(
            f"the server at {base} is not a mws-async sandbox (its {INFO_PATH} answer is not the sandbox's); "
            f"{_HOW}"
        ) from None
