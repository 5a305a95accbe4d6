"""Every MWS marketplace: MarketplaceId, country code, endpoint host and region.

Facts from the MWS developer guide's endpoint table (reference section 4).
"""

from __future__ import annotations

import enum

from mws_async.errors import ConfigurationError

__all__ = ["Marketplace", "Region"]


class Region(enum.StrEnum):
    """MWS developer-registration regions."""

    NA = "NA"
    EU = "EU"
    FE = "FE"
    CN = "CN"


class Marketplace(enum.Enum):
    """An MWS marketplace. ``Marketplace.US.marketplace_id == "ATVPDKIKX0DER"``."""

    BR = ("A2Q3Y263D00KWC", "BR", "mws.amazonservices.com", Region.NA)
    CA = ("A2EUQ1WTGCTBG2", "CA", "mws.amazonservices.ca", Region.NA)
    MX = ("A1AM78C64UM0Y8", "MX", "mws.amazonservices.com.mx", Region.NA)
    US = ("ATVPDKIKX0DER", "US", "mws.amazonservices.com", Region.NA)
    AE = ("A2VIGQ35RCS4UG", "AE", "mws.amazonservices.ae", Region.EU)
    DE = ("A1PA6795UKMFR9", "DE", "mws-eu.amazonservices.com", Region.EU)
    EG = ("ARBP9OOSHTCHU", "EG", "mws-eu.amazonservices.com", Region.EU)
    ES = ("A1RKKUPIHCS9HS", "ES", "mws-eu.amazonservices.com", Region.EU)
    FR = ("A13V1IB3VIYZZH", "FR", "mws-eu.amazonservices.com", Region.EU)
    BE = ("AMEN7PMS3EDWL", "BE", "mws-eu.amazonservices.com", Region.EU)
    GB = ("A1F83G8C2ARO7P", "GB", "mws-eu.amazonservices.com", Region.EU)
    IN = ("A21TJRUUN4KGV", "IN", "mws.amazonservices.in", Region.EU)
    IT = ("APJ6JRA9NG5V4", "IT", "mws-eu.amazonservices.com", Region.EU)
    NL = ("A1805IZSGTT6HS", "NL", "mws-eu.amazonservices.com", Region.EU)
    PL = ("A1C3SOZRARQ6R3", "PL", "mws-eu.amazonservices.com", Region.EU)
    SA = ("A17E79C6D8DWNP", "SA", "mws-eu.amazonservices.com", Region.EU)
    SE = ("A2NODRKZP88ZB9", "SE", "mws-eu.amazonservices.com", Region.EU)
    TR = ("A33AVAJ2PDY3EV", "TR", "mws-eu.amazonservices.com", Region.EU)
    SG = ("A19VAU5U5O7RUS", "SG", "mws-fe.amazonservices.com", Region.FE)
    AU = ("A39IBJ37TRP1C6", "AU", "mws.amazonservices.com.au", Region.FE)
    JP = ("A1VC38T7YXB528", "JP", "mws.amazonservices.jp", Region.FE)
    CN = ("AAHKV2X7AFYLW", "CN", "mws.amazonservices.com.cn", Region.CN)

    # UK is the common alias of GB (same member).
    UK = ("A1F83G8C2ARO7P", "GB", "mws-eu.amazonservices.com", Region.EU)

    def __init__(self, marketplace_id: str, country_code: str, host: str, region: Region) -> None:
        self.marketplace_id = marketplace_id
        self.country_code = country_code
        self.host = host
        self.region = region

    @property
    def endpoint(self) -> str:
        """The HTTPS base URL, e.g. ``https://mws.amazonservices.com``."""
        return f"https://{self.host}"

    @property
    def flat_file_encoding(self) -> str:
        """Flat-file report/feed encoding: Shift_JIS (JP), UTF-8 (CN), windows-1252 elsewhere."""
        if self is Marketplace.JP:
            return "shift_jis"
        if self is Marketplace.CN:
            return "utf-8"
        return "windows-1252"

    @classmethod
    def from_id(cls, marketplace_id: str) -> Marketplace:
        """Look up by MarketplaceId (``"ATVPDKIKX0DER"`` -> ``Marketplace.US``)."""
        for member in cls:
            if member.marketplace_id == marketplace_id:
                return member
        raise ConfigurationError(f"unknown MarketplaceId {marketplace_id!r}")

    @classmethod
    def from_country_code(cls, code: str) -> Marketplace:
        """Look up by country code, case-insensitive; ``UK`` is accepted for ``GB``."""
        try:
            return cls[code.strip().upper()]
        except KeyError:
            known = ", ".join(m.country_code for m in cls)
            raise ConfigurationError(f"unknown marketplace country code {code!r}; known: {known}") from None

    @classmethod
    def resolve(cls, value: Marketplace | str) -> Marketplace:
        """Accept a member, a country code or a MarketplaceId; anything else is a ConfigurationError."""
        if isinstance(value, Marketplace):
            return value
        if not isinstance(value, str):
            kind = type(value).__name__
            raise ConfigurationError(
                f"a marketplace is a Marketplace, a country code or a MarketplaceId, not {kind}"
            )
        text = str.strip(value)  # the str methods themselves: a subclass may override (and break) them
        if str.upper(text) in cls.__members__:
            return cls[str.upper(text)]
        return cls.from_id(text)
