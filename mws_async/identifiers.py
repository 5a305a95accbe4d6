"""Product identifier validation: check digits for ISBN-10/13, UPC, EAN, JAN; shapes for ASIN, GCID, SKU.

Used by the bulk helpers to turn malformed ids into per-id error results without spending a request.
"""

from __future__ import annotations

import re
from typing import Final

__all__ = [
    "ID_SHAPES",
    "ean13_check",
    "invalid_reason",
    "isbn10_check",
    "normalize",
    "upc_check",
]

_ASIN: Final = re.compile(r"[A-Z0-9]{10}")
_GCID: Final = re.compile(r"[0-9a-fA-F]{16}")
_DIGITS: Final = re.compile(r"\d+")
ID_SHAPES: Final = {
    "ISBN": "ISBN-10 or ISBN-13 with a valid check digit",
    "UPC": "12 digits with a valid check digit",
    "EAN": "13 digits with a valid check digit",
    "JAN": "13 digits starting 45 or 49 with a valid check digit",
    "ASIN": "10 characters A-Z/0-9",
    "GCID": "16 hexadecimal characters",
    "SellerSKU": "1-40 characters",
}


def isbn10_check(body9: str) -> str:
    """ISBN-10 check character for nine digits (mod 11, ``X`` for 10)."""
    total = sum((10 - i) * int(c) for i, c in enumerate(body9))
    value = (11 - total % 11) % 11
    return "X" if value == 10 else str(value)


def ean13_check(body12: str) -> str:
    """EAN-13 / ISBN-13 / JAN check digit for twelve digits (weights 1, 3)."""
    total = sum(int(c) * (3 if i % 2 else 1) for i, c in enumerate(body12))
    return str((10 - total % 10) % 10)


def upc_check(body11: str) -> str:
    """UPC-A check digit for eleven digits (weights 3, 1)."""
    total = sum(int(c) * (1 if i % 2 else 3) for i, c in enumerate(body11))
    return str((10 - total % 10) % 10)


def normalize(value: str, id_type: str) -> str:
    """Canonical form sent to MWS: whitespace trimmed; hyphens and spaces removed from numeric ids;
    ISBN's ``x`` uppercased."""
    value = value.strip()
    if id_type in ("ISBN", "UPC", "EAN", "JAN"):
        value = value.replace("-", "").replace(" ", "").upper()
    return value


def invalid_reason(value: str, id_type: str) -> str | None:
    """Why ``value`` (already normalized) cannot be a valid ``id_type``, or None when it can."""
    if not value:
        return "empty identifier"
    if id_type == "ISBN":
        if len(value) == 10 and _DIGITS.fullmatch(value[:9]) and (value[9].isdigit() or value[9] == "X"):
            return None if isbn10_check(value[:9]) == value[9] else f"ISBN-10 {value} has a wrong check digit"
        if len(value) == 13 and _DIGITS.fullmatch(value) and value[:3] in ("978", "979"):
            return (
                None if ean13_check(value[:12]) == value[12] else f"ISBN-13 {value} has a wrong check digit"
            )
        return f"{value!r} is not an ISBN-10 or ISBN-13"
    if id_type == "UPC":
        if len(value) == 12 and _DIGITS.fullmatch(value):
            return None if upc_check(value[:11]) == value[11] else f"UPC {value} has a wrong check digit"
        return f"{value!r} is not a 12-digit UPC"
    if id_type in ("EAN", "JAN"):
        if len(value) == 13 and _DIGITS.fullmatch(value):
            if id_type == "JAN" and value[:2] not in ("45", "49"):
                return f"JAN {value} does not start with 45 or 49"
            return (
                None if ean13_check(value[:12]) == value[12] else f"{id_type} {value} has a wrong check digit"
            )
        return f"{value!r} is not a 13-digit {id_type}"
    if id_type == "ASIN":
        return None if _ASIN.fullmatch(value) else f"{value!r} is not an ASIN (10 characters A-Z/0-9)"
    if id_type == "GCID":
        return None if _GCID.fullmatch(value) else f"{value!r} is not a GCID (16 hexadecimal characters)"
    if id_type == "SellerSKU":
        return None if len(value) <= 40 else f"SellerSKU {value[:20]!r}... is longer than 40 characters"
    return f"unknown id type {id_type!r}"
