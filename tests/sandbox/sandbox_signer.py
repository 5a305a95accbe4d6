"""A tiny independent request builder for sandbox tests: signed MWS requests sent with httpx."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode, urlsplit

import httpx

from mws_async.credentials import Credentials
from mws_async.signing import format_timestamp, signature, string_to_sign

USER_AGENT = "test/1.0 (Language=Python/3.11)"
VERSIONS = {
    "/Products/2011-10-01": "2011-10-01",
    "/Orders/2013-09-01": "2013-09-01",
    "/Reports/2009-01-01": "2009-01-01",
    "/Feeds/2009-01-01": "2009-01-01",
    "/Sellers/2011-07-01": "2011-07-01",
    "/Finances/2015-05-01": "2015-05-01",
    "/FulfillmentInventory/2010-10-01": "2010-10-01",
    "/CustomerInformation/2014-03-01": "2014-03-01",
}


def signed_params(
    creds: Credentials,
    path: str,
    action: str,
    params: Mapping[str, str] | None = None,
    *,
    host: str,
    method: str = "POST",
    sig_method: str = "HmacSHA256",
    timestamp: datetime | None = None,
    secret: str | None = None,
    drop: tuple[str, ...] = (),
    version: str | None = None,
) -> dict[str, str]:
    """All common parameters plus ``params``, signed for ``host`` (the Host header value)."""
    out = {
        "AWSAccessKeyId": creds.access_key,
        "Action": action,
        "SellerId": creds.seller_id,
        "SignatureMethod": sig_method,
        "SignatureVersion": "2",
        "Timestamp": format_timestamp(timestamp or datetime.now(UTC)),
        "Version": version or VERSIONS.get(path, "2011-10-01"),
        **(params or {}),
    }
    for name in drop:
        out.pop(name, None)
    text = string_to_sign(method, host, path, out)
    out["Signature"] = signature(secret or creds.secret_key.reveal(), text, sig_method)  # type: ignore[arg-type]
    return out


async def call(
    client: httpx.AsyncClient,
    creds: Credentials,
    path: str,
    action: str,
    params: Mapping[str, str] | None = None,
    *,
    user_agent: str | None = USER_AGENT,
    method: str = "POST",
    **sign_options: object,
) -> httpx.Response:
    """Sign and send one request (form body for POST, query string for GET)."""
    host = urlsplit(str(client.base_url)).netloc
    body = signed_params(creds, path, action, params, host=host, method=method, **sign_options)  # type: ignore[arg-type]
    headers = {"User-Agent": user_agent} if user_agent is not None else {}
    if user_agent is None:
        headers["User-Agent"] = ""
    if method == "GET":
        return await client.get(f"{path}?{urlencode(body)}", headers=headers)
    return await client.post(
        path,
        content=urlencode(body).encode(),
        headers={**headers, "Content-Type": "application/x-www-form-urlencoded; charset=utf-8"},
    )


def minutes(n: float) -> timedelta:
    """Shorthand for timestamps in tests."""
    return timedelta(minutes=n)


class FakeClock:
    """A monotonic clock that only moves when told to."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds
