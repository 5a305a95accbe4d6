"""Lenient field types and small adapters shared by the ingestion section models.

Real MWS data is typed properly (dates are :class:`~datetime.datetime`, amounts :class:`~decimal.Decimal`,
counts ``int``, flags ``bool``), but one unparsable value must never fail a whole page: the official PHP
mocks put placeholders such as ``String`` where dates and amounts belong, documentation samples carry typos
(``2013-09-071T02:00:00``) and stray whitespace around dates. The ``Lenient*`` types strip surrounding
whitespace, then validate normally, and give ``None`` for a value that still does not parse.

Also here:

- :class:`LenientMoney`: :class:`~mws_async.models.common.Money` with a lenient amount that also accepts the
  Finances spelling ``<CurrencyAmount>`` (``isinstance(x, Money)`` still holds);
- :data:`First`, :func:`wrapped_texts`, :func:`wrapped_any`: list adapters beside those of
  :mod:`mws_async.models.base`;
- :func:`result_of`: the ``{Action}Result`` element of a parsed response, with a ``NextToken`` that the
  server put beside the result element (seen in a live Sellers capture) moved into it.

These helpers live here rather than being imported from :mod:`mws_async.models.products` (which has
similar private ones) so that the ingestion sections do not depend on another section's module.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any

from pydantic import AliasChoices, BeforeValidator, Field, ValidatorFunctionWrapHandler, WrapValidator

from mws_async.models.base import ListBefore, as_list
from mws_async.models.common import Money, MoneyAmount

__all__ = [
    "First",
    "LenientBool",
    "LenientDate",
    "LenientDatetime",
    "LenientDecimal",
    "LenientInt",
    "LenientMoney",
    "TextList",
    "children",
    "first",
    "result_of",
    "texts",
    "wrapped_any",
    "wrapped_texts",
]


def _none_on_error(value: Any, handler: ValidatorFunctionWrapHandler) -> Any:
    """Strip surrounding whitespace, validate normally; ``None`` for empty or unparsable values."""
    if isinstance(value, str):
        value = value.strip()
        if not value:
            return None
    try:
        return handler(value)
    except ValueError:  # pydantic_core.ValidationError is a ValueError
        return None


_Lenient = WrapValidator(_none_on_error)

LenientDatetime = Annotated[datetime | None, _Lenient]
"""A datetime; ``None`` when missing or unparsable (``String`` in the PHP mocks)."""

LenientDate = Annotated[date | None, _Lenient]
"""A date; ``None`` when missing or unparsable."""

LenientDecimal = Annotated[Decimal | None, _Lenient]
"""An amount; ``None`` when missing or unparsable."""

LenientInt = Annotated[int | None, _Lenient]
"""A count or quantity; ``None`` when missing or unparsable."""

LenientBool = Annotated[bool | None, _Lenient]
"""A flag (``true``/``false``, also ``Yes``/``No``); ``None`` when missing or not a boolean."""


class LenientMoney(Money):
    """:class:`~mws_async.models.common.Money` whose amount is ``None`` when unparsable.

    Accepts ``<Amount>`` (Orders, Products) and ``<CurrencyAmount>`` (Finances).
    """

    # An absurd amount (1e100000000) is None here, like an unparsable one: see MoneyAmount.
    amount: Annotated[MoneyAmount | None, _Lenient] = Field(
        default=None, validation_alias=AliasChoices("Amount", "CurrencyAmount", "amount")
    )


def first(value: Any) -> Any:
    """A single element that ``force_list`` (or a repeated element) turned into a list: keep the first."""
    if isinstance(value, list):
        return value[0] if value else None
    return value


First = BeforeValidator(first)
"""Validator: a single-valued element that may arrive as a list (because its name is in a force list)."""


def texts(value: Any) -> list[Any]:
    """Repeated text elements: always a list; empty elements dropped, ``{"#text": ..}`` reduced to text."""
    out: list[Any] = []
    for item in as_list(value):
        if isinstance(item, dict):
            item = item.get("#text")
        if item is not None:
            out.append(item)
    return out


TextList = Annotated[list[str], ListBefore(texts)]
"""A repeated text element: always a list of strings."""


def wrapped_texts(inner: str) -> BeforeValidator:
    """Validator for a container of repeated text elements: ``<PromotionIds><PromotionId>A</PromotionId>``."""

    def unwrap(value: Any) -> list[Any]:
        if isinstance(value, dict):
            value = value.get(inner)
        return texts(value)

    return ListBefore(unwrap)


def children(value: Any) -> list[Any]:
    if value is None or value == "":
        return []
    """The child elements of a container whatever their names (attributes, text and empty children skipped);
    a list is taken as the children already."""
    if isinstance(value, list):  # already the items (e.g. populated by name)
        return [item for item in value if item is not None]
    if isinstance(value, dict):
        out: list[Any] = []
        for key, child in value.items():
            if key[:1] in "@#":
                continue
            out.extend(item for item in as_list(child) if item is not None)
        return out
    return []


def wrapped_any() -> BeforeValidator:
    """Validator for a container whose repeated children may have any name.

    ``<ServiceProviderCreditEventList><SolutionProviderCreditEvent>`` and
    ``<AffordabilityExpenseReversalEventList><AffordabilityExpenseEvent>``: the child name does not follow the
    list name, so every child element is taken; empty children (``<ShipmentSettleEvent/>``) are dropped.
    """
    return ListBefore(children)


def result_of(doc: Mapping[str, Any], action: str) -> dict[str, Any]:
    """The ``{Action}Result`` element of a parsed response, ready for ``Model.model_validate``.

    ``doc`` is :func:`mws_async.xml.parse` output (``{"{Action}Response": {...}}``) or the response element
    itself. An empty result element gives ``{}``. A ``NextToken`` placed *beside* the result element (a live
    ListMarketplaceParticipations capture does this) is moved into the result when the result has none.
    Raises ``KeyError`` when the response has no such result element.
    """
    root: Any = doc.get(f"{action}Response", doc)
    if not isinstance(root, Mapping):
        raise KeyError(f"{action}Response")
    result = first(root[f"{action}Result"])
    result = dict(result) if isinstance(result, Mapping) else {}
    if result.get("NextToken") is None and root.get("NextToken") is not None:
        result["NextToken"] = root["NextToken"]
    return result
