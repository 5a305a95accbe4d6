"""Shapes shared by every section: Money, quantities with units, response metadata, service status."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any, Final

from pydantic import AfterValidator, Field, field_validator

from mws_async.models.base import MWSModel, TextNode, wrapped

__all__ = [
    "MONEY_EXPONENT_LIMIT",
    "Money",
    "MoneyAmount",
    "Quantity",
    "ResponseMetadata",
    "ServiceStatus",
    "ServiceStatusMessage",
]

MONEY_EXPONENT_LIMIT: Final = 20
"""A money amount's decimal exponent (:meth:`~decimal.Decimal.adjusted`) must lie within +-this."""


def _plausible_amount(value: Decimal) -> Decimal:
    # Decimal stores 1e100000000 in a few bytes, but f"{amount:.2f}" in user code would then build a
    # 100 MB string (and 1e-999999999 is no price either): refuse what no price can be.
    exponent = value.adjusted()
    if not -MONEY_EXPONENT_LIMIT <= exponent <= MONEY_EXPONENT_LIMIT:
        raise ValueError(
            f"a money amount's decimal exponent must lie within -{MONEY_EXPONENT_LIMIT}.."
            f"{MONEY_EXPONENT_LIMIT}, got {exponent}"
        )
    return value


MoneyAmount = Annotated[Decimal, AfterValidator(_plausible_amount)]
"""A money amount: a finite :class:`~decimal.Decimal` whose decimal exponent lies within
-:data:`MONEY_EXPONENT_LIMIT`..:data:`MONEY_EXPONENT_LIMIT` (``1e100000000`` and ``1e-999999999`` fail
validation; NaN and Infinity already do)."""


class Money(MWSModel):
    """An amount with its currency; element order varies between operations, so parsed by name."""

    amount: MoneyAmount | None = None
    currency_code: str | None = None


class Quantity(TextNode):
    """A number with a unit attribute: ``<Height Units="inches">9.25</Height>`` (a bare number too)."""

    value: Decimal | None = Field(default=None, alias="#text")
    units: str | None = Field(default=None, alias="@Units")


class ResponseMetadata(MWSModel):
    """``<ResponseMetadata><RequestId>``."""

    request_id: str | None = None


class ServiceStatusMessage(MWSModel):
    """One ``<Message>`` of a service status."""

    locale: str | None = None
    text: str | None = None


class ServiceStatus(MWSModel):
    """GetServiceStatus result: GREEN, GREEN_I, YELLOW or RED, with optional messages."""

    status: str
    timestamp: datetime | None = None
    message_id: str | None = None
    messages: Annotated[list[ServiceStatusMessage], wrapped("Message")] = Field(default_factory=list)

    @field_validator("status", mode="before")
    @classmethod
    def _empty_status(cls, value: Any) -> Any:
        # An empty <Status/> (the official PHP client's mock) has empty text rather than no status.
        return "" if value is None else value
