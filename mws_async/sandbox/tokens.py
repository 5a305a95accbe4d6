"""Opaque NextTokens: the query and the offset, signed so that a tampered token is detected.

``base64url(json + HMAC-SHA256[:12])`` without padding. Decoding checks the MAC and the token kind and
raises 400 NextTokenCorrupted otherwise (MWS's code; its HTTP status is unconfirmed, 400 chosen).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
from typing import Any

from mws_async.sandbox.render import SandboxError

__all__ = ["decode_token", "encode_token"]

_MAC = 12


def encode_token(key: bytes, kind: str, payload: dict[str, Any]) -> str:
    """A signed token carrying ``payload`` for operations of ``kind``."""
    raw = json.dumps({"k": kind, **payload}, separators=(",", ":"), sort_keys=True).encode()
    mac = hmac.new(key, raw, hashlib.sha256).digest()[:_MAC]
    return base64.urlsafe_b64encode(raw + mac).decode().rstrip("=")


def decode_token(key: bytes, kind: str, token: str) -> dict[str, Any]:
    """The payload of a token made by :func:`encode_token`, or 400 NextTokenCorrupted."""
    corrupted = SandboxError(400, "NextTokenCorrupted", "The NextToken is corrupted.")
    try:
        blob = base64.urlsafe_b64decode(token.strip() + "=" * (-len(token.strip()) % 4))
    except (binascii.Error, ValueError):
        raise corrupted from None
    raw, mac = blob[:-_MAC], blob[-_MAC:]
    if len(blob) <= _MAC or not hmac.compare_digest(hmac.new(key, raw, hashlib.sha256).digest()[:_MAC], mac):
        raise corrupted
    payload: dict[str, Any] = json.loads(raw)
    if payload.pop("k", None) != kind:
        raise corrupted
    return payload
