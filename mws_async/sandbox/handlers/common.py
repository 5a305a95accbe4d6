"""Helpers shared by section handlers: list parameters, marketplaces, GetServiceStatus."""

from __future__ import annotations

from collections.abc import Mapping

from mws_async.sandbox.registry import RequestContext
from mws_async.sandbox.render import el, envelope, invalid, iso_ms, missing
from mws_async.sandbox.world import MarketInfo, market_info

__all__ = ["count_list", "list_values", "marketplace", "require", "service_status"]


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
