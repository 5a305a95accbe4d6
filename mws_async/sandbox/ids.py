"""Product identifiers that *encode* a catalog index, with real check digits.

Every identifier is an invertible scramble of the product index (so lookups are O(1) and no table is
kept) plus the check digit its standard prescribes: ISBN-10 (mod 11, ``X`` for 10), ISBN-13 / EAN-13 /
JAN (mod 10, weights 1-3), UPC-A (mod 10, weights 3-1), a hex checksum for GCID and a letter for SellerSKU.
ASINs of non-books are ``B0`` + 8 base-36 characters; a book's ASIN is its ISBN-10, as on Amazon.
"""

from __future__ import annotations

import re
from typing import Final

from mws_async.identifiers import ean13_check, isbn10_check, upc_check

__all__ = [
    "Codec",
    "ean13_check",
    "isbn10_check",
    "upc_check",
]

_B36: Final = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_M36: Final = 36**8
_M9: Final = 10**9
_M10: Final = 10**10
_M15: Final = 16**15
# Multipliers must be coprime with their moduli to be invertible.
_A36: Final = 2_147_483_647  # odd, not a multiple of 3
_A9: Final = 123_456_791  # coprime with 10
_A10: Final = 7_777_777_777 + 2  # ends in 9: coprime with 10
_A15: Final = 0x9E3779B97F4A7 | 1

_SKU: Final = re.compile(r"SKU-(\d{6,})-([A-Z])")


def _gcid_check(body15: str) -> str:
    return "0123456789abcdef"[sum((i + 1) * int(c, 16) for i, c in enumerate(body15)) % 16]


class Codec:
    """Encode and decode identifiers for one world (the offsets depend on the seed)."""

    def __init__(self, seed_key: int) -> None:
        self._c36 = seed_key % _M36
        self._c9 = (seed_key >> 8) % _M9
        self._c10 = (seed_key >> 16) % _M10
        self._c15 = (seed_key >> 4) % _M15
        self._i36 = pow(_A36, -1, _M36)
        self._i9 = pow(_A9, -1, _M9)
        self._i10 = pow(_A10, -1, _M10)
        self._i15 = pow(_A15, -1, _M15)

    # --- encoders -------------------------------------------------------------------------------------
    def asin_b0(self, index: int) -> str:
        """``B0`` + 8 base-36 characters."""
        value = (index * _A36 + self._c36) % _M36
        chars = []
        for _ in range(8):
            value, digit = divmod(value, 36)
            chars.append(_B36[digit])
        return "B0" + "".join(reversed(chars))

    def _body9(self, index: int) -> str:
        return f"{(index * _A9 + self._c9) % _M9:09d}"

    def isbn10(self, index: int) -> str:
        """ISBN-10 (also the book's ASIN)."""
        body = self._body9(index)
        return body + isbn10_check(body)

    def isbn13(self, index: int) -> str:
        """ISBN-13 with the 978 prefix (the book's EAN)."""
        body = "978" + self._body9(index)
        return body + ean13_check(body)

    def _body10(self, index: int) -> str:
        return f"{(index * _A10 + self._c10) % _M10:010d}"

    def upc(self, index: int) -> str:
        """UPC-A, 12 digits starting with 0."""
        body = "0" + self._body10(index)
        return body + upc_check(body)

    def ean(self, index: int) -> str:
        """EAN-13 with prefix 50."""
        body = "50" + self._body10(index)
        return body + ean13_check(body)

    def jan(self, index: int) -> str:
        """JAN (a Japanese EAN-13) with prefix 49."""
        body = "49" + self._body10(index)
        return body + ean13_check(body)

    def gcid(self, index: int) -> str:
        """16 hex characters: 15 of scrambled index and a checksum."""
        body = f"{(index * _A15 + self._c15) % _M15:015x}"
        return body + _gcid_check(body)

    @staticmethod
    def sku(index: int, letter: str) -> str:
        """``SKU-000123-X``."""
        return f"SKU-{index:06d}-{letter}"

    # --- decoders: the index an identifier encodes, or None when it is malformed --------------------
    def decode_asin(self, value: str) -> tuple[int, bool] | None:
        """(index, is_book_form): ``B0`` ASINs decode directly, ten-digit ones as ISBN-10."""
        value = value.upper()
        if len(value) == 10 and value.startswith("B0"):
            number = 0
            for char in value[2:]:
                digit = _B36.find(char)
                if digit < 0:
                    return None
                number = number * 36 + digit
            return ((number - self._c36) * self._i36) % _M36, False
        index = self.decode_isbn10(value)
        return None if index is None else (index, True)

    def decode_isbn10(self, value: str) -> int | None:
        """Index of a well-formed ISBN-10 with a correct check character."""
        value = value.replace("-", "").upper()
        if len(value) != 10 or not value[:9].isdigit() or isbn10_check(value[:9]) != value[9]:
            return None
        return ((int(value[:9]) - self._c9) * self._i9) % _M9

    def decode_ean_family(self, value: str) -> tuple[str, int] | None:
        """(kind, index) for 13 digits: ``978`` ISBN-13, ``50`` EAN, ``49`` JAN, ``0`` + UPC-A.

        A correct check digit with an unknown prefix (``979``, other GS1 prefixes) gives ``("other", -1)``.
        """
        if len(value) != 13 or not value.isdigit() or ean13_check(value[:12]) != value[12]:
            return None
        if value.startswith("978"):
            return "book", ((int(value[3:12]) - self._c9) * self._i9) % _M9
        if value.startswith(("50", "49")):
            return ("ean" if value[1] == "0" else "jan"), ((int(value[2:12]) - self._c10) * self._i10) % _M10
        if value.startswith("00"):
            return "ean", ((int(value[2:12]) - self._c10) * self._i10) % _M10
        return "other", -1

    def decode_upc(self, value: str) -> int | None:
        """Index of a UPC-A (``0`` prefix) with a correct check digit; -1 for other valid UPCs."""
        if len(value) != 12 or not value.isdigit() or upc_check(value[:11]) != value[11]:
            return None
        if value[0] != "0":
            return -1
        return ((int(value[1:11]) - self._c10) * self._i10) % _M10

    def decode_gcid(self, value: str) -> int | None:
        """Index of a GCID with a correct checksum."""
        value = value.lower()
        if len(value) != 16 or any(c not in "0123456789abcdef" for c in value):
            return None
        if _gcid_check(value[:15]) != value[15]:
            return None
        return ((int(value[:15], 16) - self._c15) * self._i15) % _M15

    @staticmethod
    def decode_sku(value: str) -> tuple[int, str] | None:
        """(index, check letter) of a ``SKU-NNNNNN-L`` string."""
        match = _SKU.fullmatch(value)
        if match is None:
            return None
        return int(match.group(1)), match.group(2)
