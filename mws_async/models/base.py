"""The one model base for parsed MWS XML, and the small adapters every section model uses.

Conventions (the XML layer's dict shape, see :mod:`mws_async.xml`):

- fields are snake_case; the XML element name is the alias (PascalCase by default, explicit aliases for
  names like ``ASIN`` or attributes like ``@status``); both names are accepted (``populate_by_name``);
- unknown elements are ignored (MWS adds elements over time) unless a model opts into keeping them
  (``extra="allow"``, e.g. item attributes);
- :data:`XmlList` accepts a missing/empty element, one element, or many, and always gives a list;
  :func:`wrapped` unwraps container elements such as ``<SalesRankings><SalesRank/>...</SalesRankings>``.
  Both stop a list's validation at its first bad item (``fail_fast``): a flood of bad elements costs one
  error, not one per element.
- Nesting is bounded (:data:`MAX_NESTING` levels): a model holding itself (a category's parent, a fee's
  included fees) uses :func:`bounded_recursion`, and raw values kept from the document (extras, ``Any``
  fields) :func:`check_nesting`. Deeper data fails validation like any malformed response, because
  ``repr``, ``str``, ``pickle`` and ``==`` of it would raise ``RecursionError``; real MWS data nests about
  ten levels.
"""

from __future__ import annotations

from contextvars import ContextVar
from decimal import Decimal
from typing import Annotated, Any, Final, TypeVar

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    GetCoreSchemaHandler,
    ValidatorFunctionWrapHandler,
    WrapValidator,
)
from pydantic.alias_generators import to_pascal
from pydantic_core import CoreSchema, core_schema

from mws_async.xml import _paced_threads, nesting_depth, pause

__all__ = [
    "MAX_NESTING",
    "ListBefore",
    "MWSModel",
    "TextNode",
    "XmlList",
    "as_list",
    "bounded_recursion",
    "check_extras",
    "check_nesting",
    "text_of",
    "wrapped",
]

MAX_NESTING: Final = 50
"""Most levels a model accepts in data that nests itself or raw document values (real MWS data: ~10)."""

T = TypeVar("T")


class MWSModel(BaseModel):
    """Base of every response model: XML names as aliases, unknown elements ignored."""

    model_config = ConfigDict(
        alias_generator=to_pascal,
        populate_by_name=True,
        extra="ignore",
        str_strip_whitespace=True,
    )


def _text_node(value: Any) -> Any:
    return {"#text": value} if isinstance(value, (str, int, float, Decimal)) else value


class TextNode(MWSModel):
    """An element whose text is its value and which may carry attributes: ``<Height Units="inches">9.25
    </Height>`` parses as ``{"@Units": "inches", "#text": "9.25"}``, a bare ``<Height>9.25</Height>`` as
    ``"9.25"``; both validate (the text field's alias is ``#text``).

    The mapping is validated directly; only a bare value takes a Python step first (a union in the core
    schema), since a Python callback for each of the dozens of such elements in an answer is a measurable
    share of the validation time."""

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: GetCoreSchemaHandler) -> CoreSchema:
        schema = handler(source)
        return core_schema.union_schema(
            [schema, core_schema.no_info_before_validator_function(_text_node, schema)],
            mode="left_to_right",
        )


def as_list(value: Any) -> list[Any]:
    """``None``/empty -> ``[]``, a single element -> ``[element]``, a list stays a list."""
    if _paced_threads[0]:  # (the check inline: this runs for every list in every answer)
        pause()  # lets an event loop in, when validating in a paced worker thread (Operation.aparse)
    if isinstance(value, list):  # the usual case first
        return value
    if value is None or value == "":
        return []
    return [value]


class ListBefore(BeforeValidator):
    """A :class:`~pydantic.BeforeValidator` for a list field that also makes the list stop at its first bad
    item: validating a million bad elements must not build a million errors."""

    def __get_pydantic_core_schema__(self, source_type: Any, handler: GetCoreSchemaHandler) -> CoreSchema:
        schema = super().__get_pydantic_core_schema__(source_type, handler)
        inner = schema.get("schema")
        if isinstance(inner, dict) and inner.get("type") == "list":
            inner["fail_fast"] = True
        return schema


XmlList = Annotated[list[T], ListBefore(as_list)]
"""A repeating element: always a list, whether it occurred zero, one or many times."""


def wrapped(inner: str) -> BeforeValidator:
    """Validator for a container element holding repeated ``inner`` children.

    ``<Offers><Offer/>...</Offers>`` is ``{"Offer": [...]}`` after parsing; this yields the list.
    """

    def unwrap(value: Any) -> list[Any]:
        if isinstance(value, dict):  # the usual case first
            return as_list(value.get(inner))
        if value is None or value == "":
            return []
        return as_list(value)

    return ListBefore(unwrap)


def text_of(value: Any) -> Any:
    """The text of an element that may carry attributes (``{"@a": .., "#text": ..}``) or be empty."""
    if isinstance(value, dict):
        return value.get("#text")
    return value


def _too_deep(what: str, limit: int) -> ValueError:
    return ValueError(
        f"{what} nested more than {limit} levels deep (real MWS data nests about ten); refused, as repr, "
        "pickle and == of such data would fail"
    )


def bounded_recursion(what: str, limit: int = MAX_NESTING) -> WrapValidator:
    """Validator for a model's field that holds the model itself (a category's ``parent``, a fee's included
    fees): at most ``limit`` levels, the outermost model included, counted while validating."""
    depth: ContextVar[int] = ContextVar(f"mws_async_depth_{what}", default=1)

    def check(value: Any, handler: ValidatorFunctionWrapHandler) -> Any:
        level = depth.get()  # levels above the value being validated
        if level >= limit and value is not None and value != []:
            raise _too_deep(what, limit)
        token = depth.set(level + 1)
        try:
            return handler(value)
        finally:
            depth.reset(token)

    return WrapValidator(check)


def check_nesting(value: Any, what: str = "element", limit: int = MAX_NESTING) -> Any:
    """``value`` if its dicts and lists nest at most ``limit`` levels, else a ``ValueError`` (for
    ``AfterValidator`` on fields that keep raw document values)."""
    if isinstance(value, (dict, list)) and nesting_depth(value, limit) > limit:
        raise _too_deep(what, limit)
    return value


def check_extras(model: Any) -> Any:
    """After-validator for models keeping unknown elements as extras: each extra is checked with
    :func:`check_nesting` (``_bounded = model_validator(mode="after")(check_extras)`` in the class)."""
    extras = model.__pydantic_extra__
    if extras:
        for name, value in extras.items():
            check_nesting(value, f"element <{name}>")
    return model
