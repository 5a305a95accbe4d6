"""Shapes shared by every section: Money, quantities with units, response metadata, service status."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any

from pydantic import Field, field_validator

from mws_async.models.base import MWSModel, TextNode, wrapped

__all__ = ["Money", "Quantity", "ResponseMetadata", "ServiceStatus", "ServiceStatusMessage"]


class Money(MWSModel):
    """An amount with its currency; element order varies between operations, so parsed by name."""

    amount: Decimal | None = None
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
