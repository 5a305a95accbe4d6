"""Shared helpers of the SP-API tests (importable as ``spapi.spapi_support``: ``tests`` is on the path)."""

from __future__ import annotations

import asyncio
import gc
import json
import types
from dataclasses import dataclass
from typing import Any

import httpx

from mws_async.credentials import Secret
from mws_async.retry import RetryPolicy
from mws_async.sandbox.spapi import SPAPISandboxApp
from mws_async.spapi import SPAPIClient
from mws_async.spapi.auth import LWACredentials
from mws_async.throttle import NoThrottle, Throttler

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


CLIENT_SECRET = "s3cret-client-secret-value"
REFRESH_TOKEN = "Atzr|r3fresh-token-value-0123456789"
ACCESS_TOKEN = "Atza|acc3ss-token-value-9876543210"


def nested(depth: int, inner: str = "1") -> str:
    """A JSON value nested ``depth`` levels deep (objects and arrays alternating)."""
    return '{"a":[' * (depth // 2) + inner + "]}" * (depth // 2)


class ScriptedSPAPI:
    """An ASGI app answering the LWA token endpoint and every SP-API path with scripted status and body.

    ``token_body`` / ``answer_body`` are raw JSON text (``{access_token}`` is not substituted: write it);
    ``answer_headers`` are added to the SP-API answers; the token endpoint answers after ``token_delay``
    seconds. ``token_requests`` and ``answers`` count what it served.
    """

    def __init__(self) -> None:
        self.token_status = 200
        self.token_body = json.dumps(
            {"access_token": ACCESS_TOKEN, "token_type": "bearer", "expires_in": 3600}
        )
        self.answer_status = 200
        self.answer_body = '{"payload": {"ASIN": "B000000001"}}'
        self.answer_headers: list[tuple[bytes, bytes]] = []
        self.token_delay = 0.0
        self.token_requests = 0
        self.answers = 0

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        more = True
        while more:
            message = await receive()
            more = bool(message.get("more_body"))
        headers = [(b"content-type", b"application/json"), (b"x-amzn-requestid", b"rid-scripted")]
        if scope["path"] == "/auth/o2/token":
            self.token_requests += 1
            await asyncio.sleep(self.token_delay)
            status, body = self.token_status, self.token_body
        else:
            self.answers += 1
            status, body = self.answer_status, self.answer_body
            headers += self.answer_headers
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body.encode()})


def scripted_client(url: str, **kwargs: Any) -> SPAPIClient:
    """A client of a :class:`ScriptedSPAPI` served at ``url`` (secret credentials, no throttling waits)."""
    kwargs.setdefault(
        "credentials", LWACredentials("amzn1.application-oa2-client.t", CLIENT_SECRET, REFRESH_TOKEN)
    )
    kwargs.setdefault("retry", RetryPolicy(max_attempts=2, initial_backoff=0.001, max_backoff=0.01))
    kwargs.setdefault("throttle", Throttler(NoThrottle()))
    kwargs.setdefault("token_url", url + "/auth/o2/token")
    return SPAPIClient(base_url=url, **kwargs)


def reachable_texts(error: BaseException) -> list[str]:
    """Text of everything an exception keeps alive: the ``__cause__`` / ``__context__`` chain and each
    link's attributes (an httpx error's request, with its headers and body), and ``repr`` of the locals of
    the package's frames in each traceback (what an error tracker records)."""
    texts: list[str] = []
    seen: set[int] = set()
    todo: list[object] = [error]
    while todo and len(seen) < 20_000:
        item = todo.pop()
        if id(item) in seen or item is None or isinstance(item, type | types.ModuleType | types.FunctionType):
            continue
        seen.add(id(item))
        if isinstance(item, Secret):
            continue  # the designed container: its repr is masked, its value is what it guards
        if isinstance(item, str | bytes):
            texts.append(item if isinstance(item, str) else item.decode("latin-1"))
            continue
        if isinstance(item, types.TracebackType | types.FrameType):
            continue
        if isinstance(item, BaseException):
            texts += [repr(item), str(item)]
            todo += [item.__cause__, item.__context__]
            tb = item.__traceback__
            while tb is not None:
                frame = tb.tb_frame
                if "mws_async" in frame.f_code.co_filename:
                    texts += [f"{name}={value!r}" for name, value in frame.f_locals.items()]
                tb = tb.tb_next
        if isinstance(item, httpx.Request):
            texts += [repr(dict(item.headers)), item.content.decode("latin-1"), str(item.url)]
            continue
        if isinstance(item, httpx.Response):
            todo.append(getattr(item, "_request", None))
            continue
        if isinstance(item, BaseException | dict | list | tuple | set):
            todo += gc.get_referents(item)
    return texts


def assert_no_secret(error: BaseException, *secrets: str) -> None:
    joined = "\n".join(reachable_texts(error))
    for secret in secrets or (CLIENT_SECRET, REFRESH_TOKEN, ACCESS_TOKEN):
        assert secret not in joined, f"{secret[:6]}... reachable from {type(error).__name__}"
