"""Helpers shared by section handlers: list, date, flag and count parameters, marketplaces,
GetServiceStatus, and the ``+00:00`` dates of the 2009-01-01 sections."""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Mapping
from datetime import UTC, datetime

from mws_async.sandbox.auth import parse_timestamp
from mws_async.sandbox.registry import RequestContext
from mws_async.sandbox.render import el, envelope, invalid, iso_ms, missing
from mws_async.sandbox.world import MarketInfo, market_info

__all__ = [
    "bool_param",
    "count_list",
    "date_param",
    "int_param",
    "iso_tz",
    "list_values",
    "marketplace",
    "md5_b64",
    "require",
    "service_status",
]


def date_param(params: Mapping[str, str], name: str) -> datetime | None:
    """An optional ISO 8601 parameter (no zone = UTC), or 400 InvalidParameterValue."""
    value = params.get(name)
    if not value:
        return None
    moment = parse_timestamp(value)
    if moment is None:
        raise invalid(f"{value} is not a valid ISO 8601 value for {name}.")
    return moment


def bool_param(params: Mapping[str, str], name: str) -> bool | None:
    """An optional ``true``/``false`` parameter (any case), or 400 InvalidParameterValue."""
    value = params.get(name)
    if value is None or value == "":
        return None
    lowered = value.strip().lower()
    if lowered not in ("true", "false"):
        raise invalid(f"{value} is not a valid value for {name}; use true or false.")
    return lowered == "true"


def int_param(params: Mapping[str, str], name: str, default: int, low: int, high: int) -> int:
    """An optional integer parameter within ``low..high``, or 400 InvalidParameterValue."""
    value = params.get(name)
    if value is None or value == "":
        return default
    try:
        number = int(value)
    except ValueError:
        raise invalid(f"{name} must be an integer between {low} and {high}.") from None
    if not low <= number <= high:
        raise invalid(f"{name} must be an integer between {low} and {high}.")
    return number


def iso_tz(moment: datetime) -> str:
    """``2015-03-28T18:00:38+00:00`` (the date format of Reports and Feeds responses)."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S+00:00")


def md5_b64(data: bytes) -> str:
    """base64(MD5(data)): the ``Content-MD5`` / ``ContentMD5Value`` format."""
    return base64.b64encode(hashlib.md5(data).digest()).decode("ascii")


def list_values(params: Mapping[str, str], prefix: str) -> list[str]:
    """Values of ``prefix.1``, ``prefix.2``, ... ordered by N (gaps tolerated)."""
    dotted = prefix + "."
    found = []
    for key, value in params.items():
        if key.startswith(dotted):
            number = key[len(dotted) :]
            if number.isdigit():
                found.append((int(number), value))
    return [value for _, value in sorted(found)]


def count_list(params: Mapping[str, str], prefix: str) -> int:
    """How many distinct N occur in ``prefix.N`` or ``prefix.N.*`` keys."""
    dotted = prefix + "."
    numbers = set()
    for key in params:
        if key.startswith(dotted):
            head = key[len(dotted) :].split(".", 1)[0]
            if head.isdigit():
                numbers.add(head)
    return len(numbers)


def require(params: Mapping[str, str], name: str) -> str:
    """A required scalar parameter, or 400 MissingParameter."""
    value = params.get(name)
    if not value:
        raise missing(name)
    return value


def marketplace(marketplace_id: str) -> MarketInfo:
    """The marketplace of a MarketplaceId, or 400 InvalidParameterValue."""
    info = market_info(marketplace_id)
    if info is None:
        raise invalid(f"Invalid MarketplaceId: {marketplace_id}")
    return info


def service_status(ctx: RequestContext) -> bytes:
    """GetServiceStatus: always GREEN."""
    result = el("Status", "GREEN") + el("Timestamp", iso_ms(ctx.now))
    return envelope("GetServiceStatus", ctx.section.namespace, result, ctx.request_id)
