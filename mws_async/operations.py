"""Operations as data, and the one generic engine that executes any of them.

An :class:`Operation` says everything about an MWS call: its section, Action, how each Python argument
maps to wire parameters (scalars, ``Prefix.Member.N`` lists, booleans, datetimes, enums, nested
structures), list limits, which list's length is the throttle cost, whether it is idempotent, how it
paginates, and which model validates its result. Sections are thin typed methods over this table;
adding an operation is a few lines of data plus its result model.

All argument problems are found before anything is sent and reported together in one
:class:`~mws_async.errors.ClientValidationError` naming the parameter, the limit and the offending values.
"""

from __future__ import annotations

import asyncio
import enum
import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from functools import cached_property
from typing import Annotated, Any, Final, Generic, Literal, TypeVar, cast

from pydantic import BaseModel, FailFast, TypeAdapter, ValidationError

from mws_async import xml
from mws_async.errors import ClientValidationError, UnexpectedResponseError
from mws_async.identifiers import ID_SHAPES, ID_TYPES, canonical_id_type
from mws_async.identifiers import check as check_id
from mws_async.identifiers import describe as describe_value
from mws_async.transport import MWSRequest, MWSResponse, Section

__all__ = [
    "OFF_LOOP_BYTES",
    "OFF_LOOP_PARSER",
    "Operation",
    "Page",
    "Pagination",
    "Param",
    "ParamKind",
    "WireParams",
    "as_instant",
    "format_datetime",
]

OFF_LOOP_BYTES: Final = 128 * 1024
"""Bodies above this many bytes are parsed and validated off the event loop by :meth:`Operation.aparse`.
A Products answer costs about 0.1 ms per KB to parse and validate, so 128 KiB keeps the loop's longest
stall near 15 ms; benchmarks/loop_lag.py measures the lag with a 5 MB answer. What remains there is
CPython's full garbage collections over the objects such an answer creates: they stop every thread
(about 100-250 ms each for 5 MB on Python 3.11), wherever they start."""

OFF_LOOP_PARSER: Final = "xmltodict"
"""The backend :meth:`Operation.aparse` uses in its worker thread: pure Python fed in pieces, so the thread
can stop for the loop between them (:func:`mws_async.xml.paced`), where xmltodict-rs holds the GIL for the
whole parse."""

R = TypeVar("R")
"""The result type of an :class:`Operation` (what a call returns once the answer is validated)."""

ParamKind = Literal["str", "list", "bool", "datetime", "int", "decimal", "struct_list", "struct"]


def format_datetime(value: datetime | date) -> str:
    """ISO 8601 in UTC with ``Z`` (``2020-01-01T00:00:00Z``); naive datetimes are refused by the caller."""
    if isinstance(value, datetime):
        value = value.astimezone(UTC)
        # isoformat pads the year to four digits (strftime's %Y gives "1-01-01" for year 1 on glibc).
        text = value.replace(tzinfo=None, microsecond=0).isoformat()
        if value.microsecond:
            text += f".{value.microsecond // 1000:03d}"
        return text + "Z"
    return value.isoformat()


@dataclass(frozen=True, slots=True)
class Param:
    """How one Python argument becomes wire parameters.

    ``wire`` is the parameter name, or for lists the prefix before ``.N`` (``"IdList.Id"`` gives
    ``IdList.Id.1``…). ``choices`` restricts values (enums; ``fold_case`` accepts them in any case and
    sends the canonical spelling); ``max_items``/``min_items`` bound lists; ``pattern`` is a regular
    expression every string value must match; ``marketplace`` marks a parameter that defaults to the
    client's marketplace.

    General rules: a string value (scalar or list item) is a ``str`` (or an int), never blank
    (``allow_empty`` lifts that) and valid Unicode; a bool is accepted only by ``bool`` parameters;
    ``decimal`` and nested amounts are finite (no NaN, no infinity).

    ``id_type`` makes the values product ids of that type, checked and normalized by
    :func:`mws_async.identifiers.check` exactly as the bulk helpers check them (``id_type_from`` names the
    argument holding the id type instead). ``after`` names the argument that starts the range this datetime
    ends: a start later than its end is refused. For ``struct_list`` items, ``required_keys`` must be
    present and ``id_keys = (type key, value key)`` are an id type (one of ``id_types``) and an id.
    """

    name: str
    wire: str
    kind: ParamKind = "str"
    required: bool = False
    max_items: int | None = None
    min_items: int = 0
    choices: frozenset[str] | None = None
    pattern: str | None = None
    min_value: int | None = None
    max_value: int | None = None
    marketplace: bool = False
    describe: str = ""
    id_type: str | None = None
    id_type_from: str | None = None
    fold_case: bool = False
    after: str | None = None
    allow_empty: bool = False
    required_keys: tuple[str, ...] = ()
    id_keys: tuple[str, str] | None = None
    id_types: frozenset[str] | None = None

    def check_scalar(self, value: Any, problems: list[str]) -> str | None:
        """Validate and render one scalar value, or record a problem."""
        if isinstance(value, enum.Enum):
            value = value.value
        kind = self.kind
        if kind == "bool":
            if isinstance(value, bool):
                return "true" if value else "false"
            problems.append(f"{self.name}={_show(value)} must be a bool")
            return None
        if kind == "datetime":
            return self._datetime(value, problems)
        if kind == "int":
            return self._int(value, problems)
        if kind == "decimal":
            return self._decimal(value, problems)
        return self._text(value, problems)

    def _datetime(self, value: Any, problems: list[str]) -> str | None:
        if isinstance(value, datetime):
            if _offset(value) is None:
                problems.append(f"{self.name}={_iso(value)} is a naive datetime; give it a timezone")
                return None
            try:
                return format_datetime(value)
            except (OverflowError, ValueError):
                problems.append(f"{self.name}={_iso(value)} is outside the range of UTC datetimes")
                return None
        if isinstance(value, date):
            return format_datetime(value)
        problems.append(f"{self.name}={_show(value)} must be a datetime")
        return None

    def _int(self, value: Any, problems: list[str]) -> str | None:
        if isinstance(value, bool) or not isinstance(value, int):
            problems.append(f"{self.name}={_show(value)} must be an int")
            return None
        if (self.min_value is not None and value < self.min_value) or (
            self.max_value is not None and value > self.max_value
        ):
            problems.append(f"{self.name}={_show(value)} is outside {self.min_value}..{self.max_value}")
            return None
        text = _int_text(value)
        if text is None:
            problems.append(f"{self.name}={_show(value)} is too large to send")
        return text

    def _decimal(self, value: Any, problems: list[str]) -> str | None:
        if isinstance(value, bool) or not isinstance(value, (int, Decimal, str)):
            problems.append(f"{self.name}={_show(value)} must be a Decimal, int or numeric string")
            return None
        if isinstance(value, str):
            text: str | None = str.strip(str.__str__(value))
        elif isinstance(value, int):
            text = _int_text(value)
        else:
            text = str(value)
        try:
            number = Decimal(text) if text is not None else None
        except ArithmeticError:  # decimal.InvalidOperation: not a number at all
            number = None
        if number is None:
            problems.append(f"{self.name}={_show(value)} is not a number")
            return None
        if not number.is_finite():
            problems.append(f"{self.name}={_show(value)} is not a finite number")
            return None
        return text

    def _text(self, value: Any, problems: list[str]) -> str | None:
        if isinstance(value, bool) or not isinstance(value, (str, int)):
            problems.append(f"{self.name}={_show(value)} must be a string, got {type(value).__name__}")
            return None
        # A str subclass is read as the plain string it holds (its own methods are never called).
        text = str.__str__(value) if isinstance(value, str) else _int_text(value)
        if text is None:
            problems.append(f"{self.name}={_show(value)} is too large to send")
            return None
        if not self.allow_empty and not text.strip():
            problems.append(f"{self.name} is empty")
            return None
        if not _encodable(text):
            problems.append(f"{self.name}={_show(text)} cannot be sent (not valid Unicode)")
            return None
        if self.choices is not None:
            chosen = self._choice(text)
            if chosen is None:
                problems.append(f"{self.name}={_show(text)} is not one of {', '.join(sorted(self.choices))}")
                return None
            text = chosen
        if self.pattern is not None and not re.fullmatch(self.pattern, text):
            what = self.describe or f"the pattern {self.pattern}"
            problems.append(f"{self.name}={_show(text)} does not match {what}")
            return None
        return text

    def _choice(self, text: str) -> str | None:
        choices = self.choices or frozenset()
        if text in choices:
            return text
        if self.fold_case:
            folded = text.strip().casefold()
            for choice in choices:
                if choice.casefold() == folded:
                    return choice
        return None

    def check_ids(self, values: Sequence[Any], id_type: str, problems: list[str]) -> list[str] | None:
        """Check ``values`` as ids of ``id_type`` with the bulk helpers' rules; the normalized values, or
        None after recording one problem naming every bad id as given and the expected shape."""
        rendered: list[str] = []
        reasons: list[str] = []
        for value in values:
            checked = check_id(value, id_type)
            if checked.reason is not None:
                reasons.append(checked.reason)
            elif checked.value is not None:
                rendered.append(checked.value)
        if reasons:
            problems.append(f"{self.name}: {_with_shape('; '.join(reasons), id_type)}")
            return None
        return rendered

    def check_struct(self, item: Any, index: int, problems: list[str]) -> Mapping[str, Any] | None:
        """One ``struct_list`` item as a mapping in wire names: required keys present, its id (``id_keys``)
        checked and normalized; None (after recording the problem) when it is not a mapping at all."""
        where = f"{self.name}[{index}]"
        if isinstance(item, BaseModel):
            try:
                item = item.model_dump(by_alias=True, exclude_none=True)
            except Exception as exc:  # a model holding values pydantic cannot dump
                problems.append(f"{where} could not be read ({type(exc).__name__})")
                return None
        if not isinstance(item, Mapping):
            problems.append(f"{where} must be a mapping of wire names, got {type(item).__name__}")
            return None
        if not self.required_keys and self.id_keys is None:
            return item
        try:
            data = dict(item)
        except Exception as exc:  # a broken Mapping implementation
            problems.append(f"{where} could not be read ({type(exc).__name__})")
            return None
        missing = [key for key in self.required_keys if data.get(key) is None]
        if missing:
            problems.append(f"{where}: missing {', '.join(missing)}")
        if self.id_keys is not None:
            self._struct_id(data, where, problems)
        return data

    def _struct_id(self, data: dict[str, Any], where: str, problems: list[str]) -> None:
        type_key, value_key = self.id_keys or ("", "")
        raw_type, raw_value = data.get(type_key), data.get(value_key)
        if raw_type is None:
            return
        allowed = self.id_types or frozenset(ID_TYPES)
        canonical = canonical_id_type(raw_type)
        if canonical is None or canonical not in allowed:
            problems.append(
                f"{where}: {type_key}={_show(raw_type)} is not one of {', '.join(sorted(allowed))}"
            )
            return
        data[type_key] = canonical
        if raw_value is None:
            return
        checked = check_id(raw_value, canonical)
        if checked.reason is not None:
            problems.append(f"{where}: {value_key}: {_with_shape(checked.reason, canonical)}")
        else:
            data[value_key] = checked.value


WireParams = dict[str, str]
_MAX_DEPTH: Final = 12
"""Deepest nesting of a structure parameter (deeper is refused rather than recursed into)."""


def _show(value: object) -> str:
    return describe_value(value)


def _with_shape(reasons: str, id_type: str) -> str:
    shape = ID_SHAPES.get(id_type, "")
    return reasons if not shape or shape in reasons else f"{reasons} (expected {shape})"


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # lone surrogates: signing would fail later, untyped
        return False
    return True


def _int_text(value: int) -> str | None:
    try:
        return int.__repr__(value)
    except ValueError:  # beyond sys.get_int_max_str_digits()
        return None


def _offset(value: datetime) -> timedelta | None:
    try:
        return value.utcoffset()
    except Exception:  # a tzinfo whose utcoffset() fails gives no usable offset
        return None


def _when(value: object) -> str:
    try:
        return format_datetime(value) if isinstance(value, date) else _show(value)
    except (OverflowError, ValueError):
        return _show(value)


def _iso(value: datetime | date) -> str:
    try:
        return value.isoformat()
    except Exception:  # a tzinfo that fails while formatting
        return _show(value)


def as_instant(value: object) -> datetime | None:
    """An aware datetime to compare range bounds with: an aware datetime as is, a date as its UTC midnight;
    None for anything else (a naive datetime is reported on its own and cannot be compared)."""
    if isinstance(value, datetime):
        return value if _offset(value) is not None else None
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=UTC)
    return None


def _flatten(
    prefix: str,
    value: Any,
    out: WireParams,
    problems: list[str],
    name: str,
    depth: int = 0,
    inside: frozenset[int] = frozenset(),
) -> None:
    """Flatten nested mappings / models into dotted wire names (``A.B.C``). ``inside`` holds the ids of
    the mappings being flattened, so a structure that contains itself is refused, not recursed into."""
    if depth > _MAX_DEPTH:
        problems.append(f"{name}: {prefix} is nested more than {_MAX_DEPTH} levels deep")
        return
    if isinstance(value, enum.Enum):
        _flatten(prefix, value.value, out, problems, name, depth + 1, inside)
        return
    if isinstance(value, BaseModel):
        try:
            value = value.model_dump(by_alias=True, exclude_none=True)
        except Exception as exc:  # a model holding values pydantic cannot dump
            problems.append(f"{name}: {prefix} could not be read ({type(exc).__name__})")
            return
    if isinstance(value, Mapping):
        if id(value) in inside:
            problems.append(f"{name}: {prefix} contains itself")
            return
        inside = inside | {id(value)}
        try:
            entries = list(value.items())
        except Exception as exc:  # a broken Mapping implementation
            problems.append(f"{name}: {prefix} could not be read ({type(exc).__name__})")
            return
        for key, inner in entries:
            if inner is None:
                continue
            if not isinstance(key, str) or not key.strip():
                problems.append(f"{name}: key {_show(key)} under {prefix or name} is not a wire name")
                continue
            key = str.__str__(key)
            _flatten(f"{prefix}.{key}" if prefix else key, inner, out, problems, name, depth + 1, inside)
        return
    rendered = _leaf(value)
    if isinstance(rendered, _Refused):
        problems.append(f"{name}: {prefix}={_show(value)} {rendered.reason}")
    else:
        out[prefix] = rendered


@dataclass(frozen=True, slots=True)
class _Refused:
    reason: str


def _leaf(value: Any) -> str | _Refused:
    """The wire text of one leaf of a structure, or why it cannot be sent."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        if _offset(value) is None:
            return _Refused("is a naive datetime; give it a timezone")
        try:
            return format_datetime(value)
        except (OverflowError, ValueError):
            return _Refused("is outside the range of UTC datetimes")
    if isinstance(value, date):
        return format_datetime(value)
    if isinstance(value, str):
        text = str.__str__(value)
        if not text.strip():
            return _Refused("is empty")
        return text if _encodable(text) else _Refused("cannot be sent (not valid Unicode)")
    if isinstance(value, int):
        number = _int_text(value)
        return number if number is not None else _Refused("is too large to send")
    if isinstance(value, (Decimal, float)):
        if isinstance(value, Decimal) and not value.is_finite():
            return _Refused("is not a finite number")
        if isinstance(value, float) and not math.isfinite(value):
            return _Refused("is not a finite number")
        return str(value)
    return _Refused(f"cannot be sent ({type(value).__name__})")


class Pagination:
    """How an operation pages: the mode, its ByNextToken twin, where the records are, their natural id.

    ``mode`` is ``"next_token"`` (a NextToken is present exactly when more pages exist: Orders, Finances,
    Inventory, Sellers), ``"has_next"`` (HasNext + NextToken: Reports and Feeds lists) or
    ``"more_results"`` (MoreResultsAvailable + NextToken: Customer Information; a NextToken without more
    results now may still be polled later for new records).
    """

    __slots__ = ("mode", "natural_id", "next_operation", "records")

    def __init__(
        self,
        mode: Literal["next_token", "has_next", "more_results"],
        next_operation: Operation[Any],
        records: Callable[[Any], Sequence[Any]] = lambda result: result.records,
        natural_id: Callable[[Any], str | None] | None = None,
    ) -> None:
        self.mode = mode
        self.next_operation = next_operation
        self.records = records
        self.natural_id = natural_id

    @staticmethod
    def token(result: Any) -> str | None:
        token = getattr(result, "next_token", None)
        return token or None

    def more_now(self, result: Any) -> bool:
        """Whether the next page should be fetched now."""
        token = self.token(result)
        if token is None:
            return False
        has_more = getattr(result, "has_more", None)
        if isinstance(has_more, bool):
            return has_more
        if self.mode == "has_next":
            return bool(getattr(result, "has_next", False))
        if self.mode == "more_results":
            return bool(getattr(result, "more_results_available", False))
        return True


@dataclass(frozen=True, slots=True)
class Page:
    """One page of a paginated operation: its result model, records and the token for the next page."""

    result: Any
    records: Sequence[Any]
    next_token: str | None
    has_more: bool
    request_id: str | None


@dataclass(frozen=True)
class Operation(Generic[R]):
    """An MWS operation as data. See the module docstring.

    ``Operation[R]`` returns ``R`` once its answer is validated (``Operation[list[ProductsForIdResult]]``
    for a per-id operation): the table declares it, and the section methods and
    :meth:`MWSClient.call <mws_async.client.MWSClient.call>` return it.
    """

    section: Section
    action: str
    params: tuple[Param, ...] = ()
    result: Any = None
    """Result model (a type or a typing form such as ``list[Model]``); None for raw-body operations."""
    result_key: str | None = None
    """Element under ``{Action}Response`` holding the result; default ``{Action}Result``."""
    many: bool = False
    """The result element repeats (one per requested id): always validated as a list."""
    cost_param: str | None = None
    """Name of the list parameter whose length is the throttle cost of per-item operations."""
    idempotent: bool = True
    force_list: frozenset[str] = frozenset()
    pagination: Pagination | None = None
    raw: bool = False
    """The response body is a document (report, feed result), not an XML envelope."""
    checks: tuple[Callable[[Mapping[str, Any]], list[str]], ...] = ()
    """Cross-parameter rules (e.g. exactly one of CreatedAfter / LastUpdatedAfter); each returns problems."""
    alternate: Callable[[Mapping[str, Any]], Any] | None = None
    """Reads a 200 body whose root is not ``{Action}Response`` (e.g. a per-item ErrorResponse)."""
    doc: str = ""
    lenient_lists: bool = False
    """The result models read every repeated element in either shape (one element or a list), so the body
    is parsed without ``force_list``: the fast parser pays about 30% more for ``force_list`` on a Products
    answer, and the models come out the same (tests/test_operations_parse.py checks every fixture). Never
    with ``alternate``, whose readers see the document itself."""
    _params_by_name: dict[str, Param] = field(default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self._params_by_name.update({p.name: p for p in self.params})

    @cached_property
    def _parse_lists(self) -> frozenset[str]:
        """The ``force_list`` :meth:`parse` passes (see :attr:`lenient_lists`)."""
        return frozenset() if self.lenient_lists and self.alternate is None else self.force_list

    @property
    def name(self) -> str:
        return f"{self.section.name}.{self.action}"

    @cached_property
    def adapter(self) -> TypeAdapter[R]:
        """One TypeAdapter per operation, built once (validation is the hot path)."""
        # A repeated result element stops at its first bad item: a flood of bad results costs one error.
        target: Any = Annotated[list[self.result], FailFast()] if self.many else self.result  # type: ignore[name-defined]
        return TypeAdapter(target)

    # -- arguments -> wire -------------------------------------------------------------------------

    def build(
        self, args: Mapping[str, Any], *, default_marketplace: str | None = None
    ) -> tuple[WireParams, int]:
        """Validate ``args`` and render wire parameters; returns ``(params, items)`` where ``items`` is the
        length of the cost list (1 when the operation is per request).

        Whatever the values, the only exception is one :class:`~mws_async.errors.ClientValidationError`
        listing every problem; nothing is sent (and no quota spent) for arguments that fail.
        """
        problems: list[str] = []
        known = self._params_by_name
        unknown = sorted(k if isinstance(k, str) else _show(k) for k in args if k not in known)
        if unknown:
            problems.append(f"unknown argument(s) {', '.join(unknown)}")
        out: WireParams = {}
        items = 1
        # The values the cross-parameter rules see: as given, with lists read once into real lists.
        seen: dict[str, Any] = {}
        for param in self.params:
            value = args.get(param.name)
            if value is None and param.marketplace and default_marketplace is not None:
                value = [default_marketplace] if param.kind == "list" else default_marketplace
            if value is None:
                if param.required:
                    problems.append(f"{param.name} is required")
                continue
            seen[param.name] = value
            try:
                count = self._render(param, value, args, out, problems, seen)
            except Exception as exc:  # a value that defeats every specific check must still be typed
                problems.append(f"{param.name}: {_show(value)} could not be read ({type(exc).__name__})")
                continue
            if count is not None and param.name == self.cost_param:
                items = count
        problems.extend(self._range_problems(seen))
        for rule in self.checks:
            try:
                problems.extend(rule(seen))
            except Exception as exc:  # a rule meeting a value already reported above
                problems.append(f"arguments could not be checked together ({type(exc).__name__})")
        if problems:
            raise ClientValidationError(self.action, problems)
        return out, items

    def _render(
        self,
        param: Param,
        value: Any,
        args: Mapping[str, Any],
        out: WireParams,
        problems: list[str],
        seen: dict[str, Any],
    ) -> int | None:
        """Render one argument into ``out``; the number of values for a list (None otherwise or on error)."""
        id_type = self._id_type_of(param, args)
        if param.kind not in ("list", "struct_list"):
            if param.kind == "struct":
                _flatten(param.wire, value, out, problems, param.name)
                return None
            if id_type is not None:
                ids = param.check_ids([value], id_type, problems)
                rendered = ids[0] if ids else None
            else:
                rendered = param.check_scalar(value, problems)
            if rendered is not None:
                out[param.wire] = rendered
            return None
        values = self._as_sequence(param, value, problems)
        if values is None:
            return None
        seen[param.name] = values
        count = len(values)
        if param.max_items is not None and count > param.max_items:
            problems.append(
                f"{param.name} has {count} values; {self.action} accepts at most {param.max_items} "
                f"({param.wire}.1..{param.max_items}); split the list"
            )
            return None
        if count < max(param.min_items, 1 if param.required else 0):
            problems.append(f"{param.name} needs at least {max(param.min_items, 1)} value(s)")
            return None
        if param.kind == "struct_list":
            for index, item in enumerate(values, 1):
                struct = param.check_struct(item, index, problems)
                if struct is not None:
                    _flatten(f"{param.wire}.{index}", struct, out, problems, param.name)
            return count
        if id_type is not None:
            ids = param.check_ids(values, id_type, problems)
            for index, text in enumerate(ids or (), 1):
                out[f"{param.wire}.{index}"] = text
            return count
        bad: list[str] = []
        for index, item in enumerate(values, 1):
            rendered = param.check_scalar(item, [])
            if rendered is None:
                bad.append(_show(item))
            else:
                out[f"{param.wire}.{index}"] = rendered
        if bad:
            what = param.describe or (
                f"one of {', '.join(sorted(param.choices))}" if param.choices else "non-empty strings"
            )
            problems.append(f"{param.name}: invalid value(s) {', '.join(bad)} (expected {what})")
        return count

    @staticmethod
    def _id_type_of(param: Param, args: Mapping[str, Any]) -> str | None:
        """The id type of an id parameter (None when it takes no ids, or its id type argument is itself
        invalid: that problem is reported on its own)."""
        if param.id_type is not None:
            return param.id_type
        if param.id_type_from is not None:
            return canonical_id_type(args.get(param.id_type_from))
        return None

    def _range_problems(self, seen: Mapping[str, Any]) -> list[str]:
        """Every ``after`` rule: the start of a range may not be later than its end."""
        problems: list[str] = []
        for param in self.params:
            if param.after is None:
                continue
            start, end = seen.get(param.after), seen.get(param.name)
            first, last = as_instant(start), as_instant(end)
            if first is None or last is None:
                continue
            try:
                reversed_range = first > last
            except (OverflowError, ValueError):  # offsets pushing a bound past datetime's range
                continue
            if reversed_range:
                problems.append(
                    f"{param.after} ({_when(start)}) is after {param.name} ({_when(end)}); "
                    f"give a {param.after} no later than {param.name}"
                )
        return problems

    @staticmethod
    def _as_sequence(param: Param, value: Any, problems: list[str]) -> list[Any] | None:
        if isinstance(value, (str, bytes, bytearray, Mapping)) or not isinstance(value, Iterable):
            problems.append(f"{param.name} must be a list, got {type(value).__name__}")
            return None
        try:
            return list(value)
        except Exception as exc:  # an iterable that fails while being read
            problems.append(f"{param.name}: the values could not be read ({type(exc).__name__})")
            return None

    def request(
        self,
        params: WireParams,
        *,
        quota: Any,
        cost: float,
        body: Any = None,
        content_type: str | None = None,
    ) -> MWSRequest:
        """The transport request for already-built wire params."""
        return MWSRequest(
            section=self.section,
            action=self.action,
            params=params,
            quota=quota,
            cost=cost,
            idempotent=self.idempotent,
            body=body,
            content_type=content_type,
        )

    # -- response -> model -------------------------------------------------------------------------

    def parse(self, response: MWSResponse, *, parser: str | None = None) -> R:
        """Parse and validate a 200 response body into the result model; ``request_id`` set where possible.

        ``parser`` picks the XML backend for this call (default: :func:`mws_async.xml.current_parser`).
        """
        doc = xml.parse(
            response.body,
            force_list=self._parse_lists,
            status_code=response.status_code,
            content_type=response.content_type,
            operation=self.action,
            parser=parser,
        )
        return self.validate(doc, response)

    async def aparse(self, response: MWSResponse) -> R:
        """:meth:`parse` for the event loop: a body above :data:`OFF_LOOP_BYTES` is parsed and validated in
        a worker thread, with the pure-Python parser fed in pieces (xmltodict-rs holds the GIL for a whole
        parse), stopping about every millisecond until the loop has run what was ready
        (:func:`mws_async.xml.paced`) so the loop keeps running; smaller bodies stay on the fast path, on
        the loop. Both backends give the same result (see
        :mod:`mws_async.xml`)."""
        if len(response.body) <= OFF_LOOP_BYTES:
            return self.parse(response)
        return await asyncio.to_thread(self._parse_paced, response, asyncio.get_running_loop())

    def _parse_paced(self, response: MWSResponse, loop: asyncio.AbstractEventLoop | None = None) -> R:
        with xml.paced(loop):  # stops that give the loop's thread its turn
            return self.parse(response, parser=OFF_LOOP_PARSER)

    def _unexpected(self, response: MWSResponse, reason: str) -> UnexpectedResponseError:
        return UnexpectedResponseError(
            reason,
            status_code=response.status_code,
            content_type=response.content_type,
            first_bytes=response.body,
            operation=self.action,
            request_id=response.request_id,
            transient=False,  # well-formed, but not the expected shape: asking again would not help
        )

    def envelope(self, doc: Mapping[str, Any], response: MWSResponse) -> Mapping[str, Any]:
        """The ``{Action}Response`` element of a parsed document."""
        root = doc.get(f"{self.action}Response")
        if not isinstance(root, Mapping):
            raise UnexpectedResponseError(
                f"expected <{self.action}Response>, got <{next(iter(doc), '?')}>",
                status_code=response.status_code,
                content_type=response.content_type,
                first_bytes=response.body,
                operation=self.action,
                request_id=response.request_id,
                transient=False,
            )
        return root

    def validate(self, doc: Mapping[str, Any], response: MWSResponse) -> R:
        """The result model of a parsed document (``{Action}Response`` root, or the ``alternate`` reading)."""
        if self.alternate is not None and f"{self.action}Response" not in doc:
            alternate = self.alternate(doc)
            if alternate is not None:
                return cast("R", alternate)
        root = self.envelope(doc, response)
        payload = root.get(self.result_key or f"{self.action}Result")
        if self.many:
            payload = xml_list(payload)
        elif self.pagination is not None or self.action.endswith("ByNextToken"):
            payload = dict(payload) if isinstance(payload, Mapping) else {}
            # A live Sellers capture puts NextToken beside the result element rather than inside it.
            if payload.get("NextToken") is None and root.get("NextToken") is not None:
                payload["NextToken"] = root["NextToken"]
        try:
            result = self.adapter.validate_python(payload if payload is not None else {})
        except ValidationError as exc:
            raise self._unexpected(
                response, f"response does not match the {self.action} model: {_summary(exc)}"
            ) from None
        except RecursionError:
            raise self._unexpected(
                response, f"response is nested too deeply for the {self.action} model"
            ) from None
        except Exception as exc:  # a validator that broke: still a typed error naming what happened
            raise self._unexpected(
                response,
                f"response could not be read into the {self.action} model ({type(exc).__name__}: {exc})",
            ) from None
        request_id = response.request_id
        items: Iterable[Any] = cast("list[Any]", result) if self.many else (result,)
        for item in items:
            if isinstance(item, BaseModel) and "request_id" in type(item).model_fields:
                item.request_id = request_id  # type: ignore[attr-defined]
        return result


_ERRORS_SHOWN = 3


def _summary(exc: ValidationError) -> str:
    """The error count and the first few errors, built once and without inputs, contexts or URLs."""
    errors = exc.errors(include_url=False, include_context=False, include_input=False)[:_ERRORS_SHOWN]
    shown = "; ".join(f"{_where(error['loc'])}: {error['msg']}" for error in errors)
    return f"{exc.error_count()} error(s), first: {shown}"


def _where(loc: tuple[int | str, ...]) -> str:
    """A location such as ``Self.0.Parent*49.ProductCategoryId``: repeats collapsed, length capped."""
    parts: list[str] = []
    previous: int | str | None = None
    repeats = 0
    for step in (*loc, None):
        if step == previous and step is not None:
            repeats += 1
            continue
        if previous is not None:
            parts.append(f"{previous}*{repeats}" if repeats > 1 else str(previous))
        previous, repeats = step, 1
    where = ".".join(parts) or "(root)"
    return where if len(where) <= 200 else where[:97] + "..." + where[-100:]


def xml_list(value: Any) -> list[Any]:
    """A repeating element as a list (missing -> empty)."""
    if value is None:
        return []
    return value if isinstance(value, list) else [value]
