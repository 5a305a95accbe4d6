"""Product identifier validation: check digits for ISBN-10/13, UPC, EAN, JAN; shapes for ASIN, GCID, SKU.

One set of rules for every way an id reaches MWS or SP-API: the bulk helpers turn a malformed id into an
``Invalid`` result without a request, and single calls refuse it with a
:class:`~mws_async.errors.ClientValidationError` before spending quota. :func:`check` takes any Python
value (a non-string is an invalid id with a reason, never an exception); id types are accepted
case-insensitively (:func:`canonical_id_type`). Messages quote the id as the user gave it; what is sent is
the normalized form (:func:`normalize`: whitespace trimmed, hyphens and spaces removed from numeric ids,
ASINs and ISBN's ``x`` uppercased).
"""

from __future__ import annotations

import enum
import operator
import re
from collections.abc import Callable, Iterable
from typing import Final, NamedTuple

from mws_async.errors import ClientValidationError

__all__ = [
    "EXAMPLE_IDS",
    "ID_SHAPES",
    "ID_TYPES",
    "IdCheck",
    "canonical_id_type",
    "check",
    "describe",
    "ean13_check",
    "invalid_reason",
    "isbn10_check",
    "normalize",
    "resolve_id_type",
    "upc_check",
]

_ASIN: Final = re.compile(r"[A-Z0-9]{10}")
_GCID: Final = re.compile(r"[0-9a-fA-F]{16}")
_DIGITS: Final = re.compile(r"\d+")
_NUMERIC: Final = ("ISBN", "UPC", "EAN", "JAN")
ID_SHAPES: Final = {
    "ISBN": "ISBN-10 or ISBN-13 with a valid check digit",
    "UPC": "12 digits with a valid check digit",
    "EAN": "13 digits with a valid check digit",
    "JAN": "13 digits starting 45 or 49 with a valid check digit",
    "ASIN": "10 characters A-Z/0-9",
    "GCID": "16 hexadecimal characters",
    "SellerSKU": "1-40 characters",
}
"""What a valid id of each type looks like (for messages)."""
ID_TYPES: Final = tuple(sorted(ID_SHAPES))
"""Every id type, canonically spelled, sorted."""
EXAMPLE_IDS: Final = {
    "ISBN": "9780306406157",
    "UPC": "036000291452",
    "EAN": "4006381333931",
    "JAN": "4901234567894",
    "ASIN": "B00EXAMPLE",
    "GCID": "0123456789abcdef",
    "SellerSKU": "SKU-1",
}
"""One valid id of each type (used to check a bulk run's fixed arguments before any input is read)."""
_BY_FOLDED: Final = {name.casefold(): name for name in ID_SHAPES}
_DESCRIBE_LIMIT: Final = 60


class IdCheck(NamedTuple):
    """What :func:`check` found: the id as given, its normalized form, and why it is invalid (or None)."""

    given: str
    """The input as the user gave it, whitespace trimmed; for a non-string, :func:`describe` of it."""
    value: str | None
    """The normalized form (what is sent); None for a non-string input."""
    reason: str | None
    """Why it cannot be sent, quoting ``given``; None when it is valid."""


def describe(value: object, limit: int = _DESCRIBE_LIMIT) -> str:
    """A short ``repr`` of any value for a message: never raises, long text is cut to ``limit`` + ``...``."""
    try:
        text = repr(value)
    except Exception:  # a broken __repr__ (or an int too long to print) must not hide the real problem
        text = f"<{type(value).__name__} object>"
    if not isinstance(text, str):  # a __repr__ returning a non-str is caught by repr(); belt and braces
        text = f"<{type(value).__name__} object>"
    return text if len(text) <= limit else text[: limit - 3] + "..."


def canonical_id_type(value: object) -> str | None:
    """The canonical spelling of an id type given in any case (``"isbn"`` -> ``"ISBN"``, ``"sellersku"`` ->
    ``"SellerSKU"``; an enum member counts by its value), or None when ``value`` names no id type."""
    if isinstance(value, enum.Enum):
        value = value.value
    if not isinstance(value, str):
        return None
    return _BY_FOLDED.get(str.strip(str.__str__(value)).casefold())


def resolve_id_type(value: object, operation: str, *, allowed: Iterable[str] | None = None) -> str:
    """:func:`canonical_id_type`, or a :class:`~mws_async.errors.ClientValidationError` for ``operation``
    naming the valid id types (``allowed``, default all)."""
    valid = tuple(allowed) if allowed is not None else ID_TYPES
    canonical = canonical_id_type(value)
    if canonical is None or canonical not in valid:
        problem = f"id_type={describe(value)} is not one of {', '.join(sorted(valid))}"
        raise ClientValidationError(operation, [problem])
    return canonical


def isbn10_check(body9: str) -> str:
    """ISBN-10 check character for nine digits (mod 11, ``X`` for 10)."""
    total = sum(map(operator.mul, range(10, 1, -1), map(int, body9)))  # weights 10 down to 2
    value = (11 - total % 11) % 11
    return "X" if value == 10 else str(value)


def _digit_sums(digits: str) -> tuple[int, int]:
    """Sums of the digits at even and at odd positions (0-based); any Unicode decimal digits, ASCII ones
    by their bytes (this runs for every id of every call, and int() per character is the slow part)."""
    if digits.isascii():
        raw = digits.encode()
        even, odd = raw[0::2], raw[1::2]
        return sum(even) - 48 * len(even), sum(odd) - 48 * len(odd)
    return sum(map(int, digits[0::2])), sum(map(int, digits[1::2]))


def ean13_check(body12: str) -> str:
    """EAN-13 / ISBN-13 / JAN check digit for twelve digits (weights 1, 3)."""
    even, odd = _digit_sums(body12)
    total = even + 3 * odd
    return str((10 - total % 10) % 10)


def upc_check(body11: str) -> str:
    """UPC-A check digit for eleven digits (weights 3, 1)."""
    even, odd = _digit_sums(body11)
    total = 3 * even + odd
    return str((10 - total % 10) % 10)


def normalize(value: str, id_type: str) -> str:
    """Canonical form sent to MWS: whitespace trimmed; hyphens and spaces removed from numeric ids;
    ISBN's ``x`` and ASINs uppercased. ``id_type`` may be given in any case."""
    id_type = canonical_id_type(id_type) or id_type
    value = value.strip()
    if id_type in _NUMERIC:
        value = value.replace("-", "").replace(" ", "").upper()
    elif id_type == "ASIN":
        value = value.upper()
    return value


def invalid_reason(value: str, id_type: str, *, given: str | None = None) -> str | None:
    """Why ``value`` (already normalized) cannot be a valid ``id_type``, or None when it can.

    Messages quote ``given`` (the id as the user typed it) when it is passed, else ``value``.
    """
    id_type = canonical_id_type(id_type) or id_type
    shown = describe(given if given is not None else value)
    if not value:
        return "empty identifier"
    if id_type == "ISBN":
        if len(value) == 10 and _DIGITS.fullmatch(value[:9]) and (value[9].isdigit() or value[9] == "X"):
            return None if isbn10_check(value[:9]) == value[9] else f"ISBN-10 {shown} has a wrong check digit"
        if len(value) == 13 and _DIGITS.fullmatch(value) and value[:3] in ("978", "979"):
            return (
                None if ean13_check(value[:12]) == value[12] else f"ISBN-13 {shown} has a wrong check digit"
            )
        return f"{shown} is not an ISBN-10 or ISBN-13"
    if id_type == "UPC":
        if len(value) == 12 and _DIGITS.fullmatch(value):
            return None if upc_check(value[:11]) == value[11] else f"UPC {shown} has a wrong check digit"
        return f"{shown} is not a 12-digit UPC"
    if id_type in ("EAN", "JAN"):
        if len(value) == 13 and _DIGITS.fullmatch(value):
            if id_type == "JAN" and value[:2] not in ("45", "49"):
                return f"JAN {shown} does not start with 45 or 49"
            return (
                None if ean13_check(value[:12]) == value[12] else f"{id_type} {shown} has a wrong check digit"
            )
        return f"{shown} is not a 13-digit {id_type}"
    if id_type == "ASIN":
        return None if _ASIN.fullmatch(value) else f"{shown} is not an ASIN (10 characters A-Z/0-9)"
    if id_type == "GCID":
        return None if _GCID.fullmatch(value) else f"{shown} is not a GCID (16 hexadecimal characters)"
    if id_type == "SellerSKU":
        sku = given if given is not None else value
        if len(value) > 40:
            return f"SellerSKU {describe(sku, 24)} is longer than 40 characters"
        if not _encodable(value):
            return f"SellerSKU {describe(sku)} cannot be sent (not valid Unicode)"
        return None
    return _unknown_type(id_type)


def _unknown_type(id_type: object) -> str:
    return f"unknown id type {describe(id_type)}; use one of {', '.join(ID_TYPES)}"


def _encodable(text: str) -> bool:
    """Whether ``text`` survives UTF-8 (lone surrogates do not, and would fail later, at signing)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _ean13_ok(value: str) -> bool:
    return len(value) == 13 and value.isdigit() and ean13_check(value[:12]) == value[12]


def _isbn_ok(value: str) -> bool:
    if len(value) == 13:
        return value[:3] in ("978", "979") and _ean13_ok(value)
    return len(value) == 10 and value[:9].isdigit() and isbn10_check(value[:9]) == value[9]


# Validity of an already normalized id, without building a reason: check()'s shortcut for the usual call (a
# plain string id, a canonical id type), on the same check-digit functions as invalid_reason. Anything they
# refuse takes the full path, which explains.
_FAST_VALID: Final[dict[str, Callable[[str], bool]]] = {
    "ISBN": _isbn_ok,
    "UPC": lambda value: len(value) == 12 and value.isdigit() and upc_check(value[:11]) == value[11],
    "EAN": _ean13_ok,
    "JAN": lambda value: value[:2] in ("45", "49") and _ean13_ok(value),
    "ASIN": lambda value: _ASIN.fullmatch(value) is not None,
}


def check(value: object, id_type: object) -> IdCheck:
    """Check any Python value as an id of ``id_type`` (any case); never raises.

    A non-string (``None``, an int, bytes, any object) is invalid with a reason such as ``"None is not a
    string id"`` or ``"123 (int) is not a string id — pass ids as strings"``, and ``given`` is its
    :func:`describe` (``"None"``, ``"123"``). A ``str`` subclass is read as the plain string it holds, so
    its own methods (``strip`` ...) are never called.
    """
    if type(value) is str and type(id_type) is str:  # the usual call: a plain id of a canonical type
        given = value.strip()
        valid = _FAST_VALID.get(id_type)
        if valid is not None:
            normalized = normalize(given, id_type)
            if normalized.isascii() and valid(normalized):
                return IdCheck(given, normalized, None)
    return _check(value, id_type)


def _check(value: object, id_type: object) -> IdCheck:
    """:func:`check` for any input; the one that writes the reasons."""
    if not isinstance(value, str):
        shown = describe(value)
        if value is None:
            return IdCheck(shown, None, "None is not a string id")
        kind = type(value).__name__
        return IdCheck(shown, None, f"{shown} ({kind}) is not a string id — pass ids as strings")
    text = str.__str__(value)  # a plain str: overridden methods of a subclass are never called
    given = text.strip()
    canonical = canonical_id_type(id_type)
    try:
        normalized = normalize(given, canonical or "")
    except Exception:  # plain str operations do not fail; should one ever, it is this id's problem only
        return IdCheck(given, None, f"{describe(given)} could not be read as an id")
    if canonical is None:
        return IdCheck(
            given, normalized, f"unknown id type {describe(id_type)}; use one of {', '.join(ID_TYPES)}"
        )
    if not _encodable(normalized):
        return IdCheck(given, normalized, f"{describe(given)} cannot be sent (not valid Unicode)")
    return IdCheck(given, normalized, invalid_reason(normalized, canonical, given=given))
