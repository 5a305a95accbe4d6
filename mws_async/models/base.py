"""The one model base for parsed MWS XML, and the small adapters every section model uses.

Conventions (the XML layer's dict shape, see :mod:`mws_async.xml`):

- fields are snake_case; the XML element name is the alias (PascalCase by default, explicit aliases for
  names like ``ASIN`` or attributes like ``@status``); both names are accepted (``populate_by_name``);
- unknown elements are ignored (MWS adds elements over time) unless a model opts into keeping them
  (``extra="allow"``, e.g. item attributes);
- :data:`XmlList` accepts a missing/empty element, one element, or many, and always gives a list;
  :func:`wrapped` unwraps container elements such as ``<SalesRankings><SalesRank/>...</SalesRankings>``.
"""

from __future__ import annotations

from typing import Annotated, Any, TypeVar

from pydantic import BaseModel, BeforeValidator, ConfigDict
from pydantic.alias_generators import to_pascal

__all__ = ["MWSModel", "XmlList", "as_list", "text_of", "wrapped"]

T = TypeVar("T")


class MWSModel(BaseModel):
    """Base of every response model: XML names as aliases, unknown elements ignored."""

    model_config = ConfigDict(
        alias_generator=to_pascal,
        populate_by_name=True,
        extra="ignore",
        str_strip_whitespace=True,
    )


def as_list(value: Any) -> list[Any]:
    """``None``/empty -> ``[]``, a single element -> ``[element]``, a list stays a list."""
    if value is None or value == "":
        return []
    if isinstance(value, list):
        return value
    return [value]


XmlList = Annotated[list[T], BeforeValidator(as_list)]
"""A repeating element: always a list, whether it occurred zero, one or many times."""


def wrapped(inner: str) -> BeforeValidator:
    """Validator for a container element holding repeated ``inner`` children.

    ``<Offers><Offer/>...</Offers>`` is ``{"Offer": [...]}`` after parsing; this yields the list.
    """

    def unwrap(value: Any) -> list[Any]:
        if value is None or value == "":
            return []
        if isinstance(value, dict):
            return as_list(value.get(inner))
        return as_list(value)

    return BeforeValidator(unwrap)


def text_of(value: Any) -> Any:
    """The text of an element that may carry attributes (``{"@a": .., "#text": ..}``) or be empty."""
    if isinstance(value, dict):
        return value.get("#text")
    return value
