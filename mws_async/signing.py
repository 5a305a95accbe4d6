"""Signature Version 2, exactly as the MWS developer guide specifies. Pure functions, no I/O.

String to sign (four lines joined by ``\\n``, no trailing newline)::

    POST
    host-in-lowercase
    /Section/Version
    canonical-query

where the canonical query is every parameter except ``Signature``, names and values percent-encoded per
RFC 3986 (uppercase hex, space as ``%20``, unreserved ``A-Z a-z 0-9 - _ . ~`` untouched, UTF-8 byte by
byte) and sorted by the byte order of the encoded names. The signature is base64(HMAC(secret, string)).
"""

from __future__ import annotations

import base64
import hmac
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Final, Literal
from urllib.parse import quote

from mws_async.errors import ConfigurationError

__all__ = [
    "SIGNATURE_METHODS",
    "SignatureMethod",
    "canonical_query",
    "check_signature_method",
    "format_timestamp",
    "percent_encode",
    "sign",
    "signature",
    "string_to_sign",
]

SignatureMethod = Literal["HmacSHA256", "HmacSHA1"]
SIGNATURE_METHODS: Final[Mapping[str, str]] = {"HmacSHA256": "sha256", "HmacSHA1": "sha1"}

# RFC 3986 unreserved set: quote() with safe="~" leaves exactly A-Z a-z 0-9 - _ . ~ and uses uppercase hex.
_SAFE: Final = "-_.~"
# ASCII text is encoded in one str.translate pass (":" -> "%3A"); other text goes through quote().
_ASCII_ESCAPES: Final = {c: f"%{c:02X}" for c in range(128) if not (chr(c).isalnum() or chr(c) in _SAFE)}
# Parameter names repeat from call to call (a few dozen per operation): each is encoded once, with its
# "=". Values are never kept (MWSAuthToken is one of them).
_NAMES: dict[str, str] = {}
_NAMES_KEPT: Final = 4096


def check_signature_method(value: object, name: str = "signature_method") -> SignatureMethod:
    """``value`` if it is a supported SignatureMethod (``HmacSHA256`` or ``HmacSHA1``); anything else is a
    :class:`~mws_async.errors.ConfigurationError` naming ``name`` (a ConfigurationError is a ValueError)."""
    if isinstance(value, str) and value in SIGNATURE_METHODS:
        return value  # type: ignore[return-value]
    shown = repr(value) if isinstance(value, str) and len(value) <= 40 else type(value).__name__
    raise ConfigurationError(f"{name} must be one of {', '.join(SIGNATURE_METHODS)}, got {shown}")


def percent_encode(value: str) -> str:
    """RFC 3986 percent-encoding of ``value``'s UTF-8 bytes (``' '`` -> ``%20``, ``'*'`` -> ``%2A``)."""
    if value.isascii():
        # Most values are ASCII letters and digits already (ids, MarketplaceIds): nothing to encode.
        return str.__str__(value) if value.isalnum() else value.translate(_ASCII_ESCAPES)
    return quote(value, safe=_SAFE)


def _name_part(name: str) -> str:
    """``percent_encode(name) + "="``, remembered."""
    part = _NAMES.get(name)
    if part is None:
        part = percent_encode(name) + "="
        if len(_NAMES) >= _NAMES_KEPT:  # a caller inventing names: keep the memory bounded
            _NAMES.clear()
        _NAMES[name] = part
    return part


def canonical_query(params: Mapping[str, str] | Iterable[tuple[str, str]]) -> str:
    """The canonical query string: ``name=value`` pairs, ``Signature`` left out, sorted by the byte order
    of the raw UTF-8 names (as the official PHP client's ``uksort(strcmp)``), then percent-encoded.

    UTF-8 keeps code point order, so sorting the names as ``str`` gives their byte order."""
    items = params.items() if isinstance(params, Mapping) else params
    names = _NAMES
    # The usual pair (a remembered name, a plain ASCII letters-and-digits value) costs no function call.
    return "&".join(
        [
            (names.get(k) or _name_part(k))
            + (v if type(v) is str and v.isascii() and v.isalnum() else percent_encode(v))
            for k, v in sorted(items)
            if k != "Signature"
        ]
    )


def string_to_sign(method: str, host: str, path: str, params: Mapping[str, str]) -> str:
    """The exact text that is HMAC'd: verb, lowercase host, path (``/`` if empty), canonical query."""
    return "\n".join(
        (method.upper(), host.lower(), quote(path or "/", safe="/-_.~"), canonical_query(params))
    )


def signature(secret_key: str, text: str, method: SignatureMethod = "HmacSHA256") -> str:
    """base64(HMAC-``method``(secret_key, text)) with standard alphabet and padding."""
    digest = SIGNATURE_METHODS.get(method) if isinstance(method, str) else None
    if digest is None:  # refused with a ConfigurationError (a ValueError) naming the supported methods
        digest = SIGNATURE_METHODS[check_signature_method(method, "SignatureMethod")]
    # hmac.digest: OpenSSL's one-shot HMAC, without building an HMAC object per request.
    mac = hmac.digest(secret_key.encode("utf-8"), text.encode("utf-8"), digest)
    return base64.b64encode(mac).decode("ascii")


def sign(
    params: Mapping[str, str],
    *,
    secret_key: str,
    host: str,
    path: str,
    method: str = "POST",
) -> str:
    """Signature for ``params`` (which must already hold SignatureMethod, Timestamp, ...)."""
    sig_method = check_signature_method(params.get("SignatureMethod", "HmacSHA256"), "SignatureMethod")
    return signature(secret_key, string_to_sign(method, host, path, params), sig_method)


def format_timestamp(moment: datetime | None = None) -> str:
    """ISO 8601 UTC with milliseconds and ``Z`` (``2020-01-01T00:00:00.000Z``), like the official clients."""
    moment = datetime.now(UTC) if moment is None else moment.astimezone(UTC)
    # isoformat (C, about a third of strftime's cost) ends in "+00:00" for a UTC moment.
    return moment.isoformat(timespec="milliseconds")[:-6] + "Z"
