"""Request authentication exactly in MWS's order: parameters, key, signature, timestamp, version,
User-Agent, transport.

Checks, in order (each raises :class:`~mws_async.sandbox.render.SandboxError` with the MWS code):

1. a common parameter missing -> 400 MissingParameter (``Timestamp`` may be replaced by ``Expires``);
2. unknown ``AWSAccessKeyId`` -> 403 InvalidAccessKeyId;
3. Signature Version 2 recomputed over the query-string and form-body parameters (HmacSHA256 or HmacSHA1)
   -> 403 SignatureDoesNotMatch (constant-time comparison);
4. ``Timestamp`` more than 15 minutes from server time -> 400 InvalidParameterValue whose message says
   "Timestamp ... must be within 15 minutes of the server time ..."; an ``Expires`` in the past likewise;
5. ``Version`` not the section's -> 400 InvalidParameterValue;
6. User-Agent missing / malformed / without Language / longer than 500 characters -> 400
   UserAgentHeaderMissing / UserAgentHeaderMalformed / UserAgentHeaderLanguageAttributeMissing /
   UserAgentHeaderMaximumLengthExceeded;
7. plain HTTP from a non-loopback client -> 401 AccessDenied;
8. a SellerId that is not ``A`` + 10-14 uppercase letters/digits, or an MWSAuthToken that is not
   ``amzn.mws.<uuid>`` -> 401 AccessDenied.

Known leniencies (all still require a correct HMAC of the registered secret):

- Host line: the ``Host`` header is tried as sent (lowercased), without its ``:port`` and with the port
  added, since the official Java client signs ``host:port`` for non-standard ports and the PHP client never
  does. python-amazon-mws 0.8.15 builds the host line as ``domain.replace("https://", "")``, so with
  ``domain="http://127.0.0.1:PORT"`` it signs ``http://127.0.0.1:port``; the ``http://`` variants are
  accepted too.
- User-Agent: MWS accepted peddler's ``Jeff/2.0.0 (Language=Ruby; hostname)`` (an attribute without
  ``=``) and boto 2's ``Boto/2.49.0 Python/3.11.2 Linux/6.1`` (product tokens, no parentheses at all).
  So: attributes without ``=`` are fine; a header made only of ``name/version`` tokens is accepted when a
  token after the first names a language runtime (Python, Ruby, Java, PHP, ...).
- Timestamps without a zone (python-amazon-mws sends ``datetime.utcnow().isoformat()``) are read as UTC.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Final
from urllib.parse import quote

from mws_async.sandbox.render import SandboxError, invalid, iso_ms, missing
from mws_async.signing import canonical_query

__all__ = ["Authenticator", "check_user_agent", "parse_timestamp"]

_REQUIRED: Final = ("AWSAccessKeyId", "Action", "SignatureMethod", "SignatureVersion", "Version", "Signature")
_DIGESTS: Final = {"HmacSHA256": hashlib.sha256, "HmacSHA1": hashlib.sha1}
_WINDOW: Final = timedelta(minutes=15)
_SELLER: Final = re.compile(r"A[0-9A-Z]{10,14}")
_AUTH_TOKEN: Final = re.compile(
    r"amzn\.mws\.[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
)
_LANGUAGES: Final = frozenset(
    {"python", "ruby", "java", "php", "perl", "node", "nodejs", "go", "c#", ".net", "dotnet", "javascript",
     "kotlin", "scala", "swift", "rust", "cpython", "pypy", "jruby", "elixir", "erlang", "r"}
)  # fmt: skip
_TOKEN: Final = re.compile(r"(?:[^/\s\\]|\\.)+/(?:[^\s\\(]|\\.)+")
MAX_USER_AGENT: Final = 500
LOOPBACK: Final = frozenset({"127.0.0.1", "::1", "localhost", "testclient"})


def parse_timestamp(value: str) -> datetime | None:
    """An ISO 8601 timestamp as aware UTC datetime (no zone = UTC), or None if unparseable."""
    text = value.strip()
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _split_unescaped(text: str, sep: str) -> list[str]:
    parts, current, escaped = [], [], False
    for char in text:
        if escaped:
            current.append(char)
            escaped = False
        elif char == "\\":
            current.append(char)
            escaped = True
        elif char == sep:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    parts.append("".join(current))
    return parts


def check_user_agent(value: str | None) -> None:
    """Raise the 400 MWS would send for a bad User-Agent (see the module docstring for leniencies)."""
    if value is None or not value.strip():
        raise SandboxError(400, "UserAgentHeaderMissing", "The User-Agent header is missing.")
    if len(value) > MAX_USER_AGENT:
        raise SandboxError(
            400,
            "UserAgentHeaderMaximumLengthExceeded",
            f"The User-Agent header is {len(value)} characters long; the maximum is {MAX_USER_AGENT}.",
        )
    text = value.strip()
    malformed = SandboxError(
        400,
        "UserAgentHeaderMalformed",
        "The User-Agent header is malformed; expected AppName/AppVersion (Language=LanguageName; ...).",
    )
    head = _TOKEN.match(text)
    if head is None:
        raise malformed
    rest = text[head.end() :].strip()
    if not rest.startswith("("):
        # Product-token form (boto 2): every token name/version, one of them a language runtime.
        tokens = rest.split()
        if not all(_TOKEN.fullmatch(t) for t in tokens):
            raise malformed
        if not any(t.split("/", 1)[0].lower() in _LANGUAGES for t in tokens):
            raise SandboxError(
                400,
                "UserAgentHeaderLanguageAttributeMissing",
                "The User-Agent header does not name the Language attribute.",
            )
        return
    if not rest.endswith(")") or rest.endswith("\\)"):
        raise malformed
    attributes = [a.strip() for a in _split_unescaped(rest[1:-1], ";")]
    names = {_split_unescaped(a, "=")[0].strip() for a in attributes if a}
    if "Language" not in names:
        raise SandboxError(
            400,
            "UserAgentHeaderLanguageAttributeMissing",
            "The User-Agent header does not contain the Language attribute.",
        )


class Authenticator:
    """Authenticates requests against a set of registered developers (access key -> secret key)."""

    def __init__(self, developers: Mapping[str, str], now: Callable[[], datetime]) -> None:
        self.developers = dict(developers)
        self.now = now

    def host_lines(self, host_header: str, port: int | None) -> list[str]:
        """Candidate host lines of the string to sign, most likely first."""
        host = host_header.strip().lower()
        bare = (
            host.rsplit(":", 1)[0]
            if host.count(":") == 1 or (host.startswith("[") and "]:" in host)
            else host
        )
        candidates = [host]
        if bare != host:
            candidates.append(bare)
        elif port is not None:
            candidates.append(f"{host}:{port}")
        candidates += [f"http://{c}" for c in list(candidates)]
        return candidates

    def check(
        self,
        *,
        method: str,
        host_header: str,
        server_port: int | None,
        path: str,
        params: Mapping[str, str],
        version: str,
        user_agent: str | None,
        scheme: str,
        client_host: str | None,
    ) -> None:
        """Raise the :class:`SandboxError` MWS would answer with, or return if the request is authentic."""
        for name in _REQUIRED[:2]:
            if not params.get(name):
                raise missing(name)
        if not params.get("SellerId") and not params.get("Merchant"):
            raise missing("SellerId")
        for name in _REQUIRED[2:5]:
            if not params.get(name):
                raise missing(name)
        if not params.get("Timestamp") and not params.get("Expires"):
            raise missing("Timestamp")
        if not params.get("Signature"):
            raise missing("Signature")

        secret = self.developers.get(params["AWSAccessKeyId"])
        if secret is None:
            raise SandboxError(
                403, "InvalidAccessKeyId", "The AWS Access Key Id you provided does not exist in our records."
            )

        sig_method = params["SignatureMethod"]
        digest = _DIGESTS.get(sig_method)
        if digest is None:
            raise invalid(f"Invalid SignatureMethod {sig_method}; use HmacSHA256 or HmacSHA1.")
        if params["SignatureVersion"] != "2":
            raise invalid(f"Invalid SignatureVersion {params['SignatureVersion']}; only 2 is supported.")
        self._verify_signature(secret, digest, method, host_header, server_port, path, params)

        now = self.now()
        if params.get("Timestamp"):
            stamp = parse_timestamp(params["Timestamp"])
            if stamp is None:
                raise invalid(f"Timestamp {params['Timestamp']} is not a valid ISO 8601 dateTime.")
            if abs(stamp - now) > _WINDOW:
                raise invalid(
                    f"Timestamp {params['Timestamp']} must be within 15 minutes of the server time "
                    f"{iso_ms(now)}."
                )
        else:
            expires = parse_timestamp(params["Expires"])
            if expires is None:
                raise invalid(f"Expires {params['Expires']} is not a valid ISO 8601 dateTime.")
            if expires < now:
                raise invalid(f"Request has expired. Timestamp date is {params['Expires']}")

        if params["Version"] != version:
            raise invalid(f"Invalid Version {params['Version']} for this section; expected {version}.")

        check_user_agent(user_agent)

        if scheme != "https" and (client_host or "") not in LOOPBACK:
            raise SandboxError(401, "AccessDenied", "Access denied: MWS requires HTTPS.")

        seller = params.get("SellerId") or params.get("Merchant") or ""
        if not _SELLER.fullmatch(seller):
            raise SandboxError(401, "AccessDenied", f"Access denied: {seller} is not a registered seller.")
        token = params.get("MWSAuthToken")
        if token is not None and not _AUTH_TOKEN.fullmatch(token):
            raise SandboxError(401, "AccessDenied", "AuthToken is not valid for SellerId and AWSAccountId.")

    def _verify_signature(
        self,
        secret: str,
        digest: Callable[..., object],
        method: str,
        host_header: str,
        server_port: int | None,
        path: str,
        params: Mapping[str, str],
    ) -> None:
        # Canonicalise once; only the host line varies between candidates.
        tail = "\n" + quote(path or "/", safe="/-_.~") + "\n" + canonical_query(params)
        given = params["Signature"].encode()
        key = secret.encode()
        for host in self.host_lines(host_header, server_port):
            text = f"{method.upper()}\n{host}{tail}".encode()
            mac = base64.b64encode(hmac.new(key, text, digest).digest())  # type: ignore[arg-type]
            if hmac.compare_digest(mac, given):
                return
        raise SandboxError(
            403,
            "SignatureDoesNotMatch",
            "The request signature we calculated does not match the signature you provided. "
            "Check your AWS Secret Access Key and signing method. "
            "Consult the service documentation for details.",
        )
