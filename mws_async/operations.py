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
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from functools import cached_property
from typing import Annotated, Any, Final, Literal

from pydantic import BaseModel, FailFast, TypeAdapter, ValidationError

from mws_async import xml
from mws_async.errors import ClientValidationError, UnexpectedResponseError
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
    "format_datetime",
]

OFF_LOOP_BYTES: Final = 128 * 1024
"""Bodies above this many bytes are parsed and validated off the event loop by :meth:`Operation.aparse`.
A Products answer costs about 0.1 ms per KB to parse and validate, so 128 KiB keeps the loop's longest
stall near 15 ms; benchmarks/loop_lag.py measures the lag with a 5 MB answer. What remains there is
CPython's full garbage collections over the objects such an answer creates: they stop every thread
(about 100-250 ms each for 5 MB on Python 3.11), wherever they start."""

OFF_LOOP_PARSER: Final = "xmltodict"
"""The backend :meth:`Operation.aparse` uses in its worker thread: pure Python, so the interpreter hands
the GIL back to the loop every switch interval (5 ms), where xmltodict-rs holds it for the whole parse."""

ParamKind = Literal["str", "list", "bool", "datetime", "int", "decimal", "struct_list", "struct"]


def format_datetime(value: datetime | date) -> str:
    """ISO 8601 in UTC with ``Z`` (``2020-01-01T00:00:00Z``); naive datetimes are refused by the caller."""
    if isinstance(value, datetime):
        value = value.astimezone(UTC)
        text = value.strftime("%Y-%m-%dT%H:%M:%S")
        if value.microsecond:
            text += f".{value.microsecond // 1000:03d}"
        return text + "Z"
    return value.isoformat()


@dataclass(frozen=True, slots=True)
class Param:
    """How one Python argument becomes wire parameters.

    ``wire`` is the parameter name, or for lists the prefix before ``.N`` (``"IdList.Id"`` gives
    ``IdList.Id.1``…). ``choices`` restricts values (enums); ``max_items``/``min_items`` bound lists;
    ``pattern`` is a regular expression every string value must match; ``marketplace`` marks a
    parameter that defaults to the client's marketplace.
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

    def check_scalar(self, value: Any, problems: list[str]) -> str | None:
        """Validate and render one scalar value, or record a problem."""
        if isinstance(value, enum.Enum):
            value = value.value
        kind = self.kind
        if kind == "bool" or isinstance(value, bool):
            if not isinstance(value, bool):
                problems.append(f"{self.name}={value!r} must be a bool")
                return None
            return "true" if value else "false"
        if kind == "datetime":
            if isinstance(value, datetime):
                if value.tzinfo is None:
                    problems.append(
                        f"{self.name}={value.isoformat()} is a naive datetime; give it a timezone"
                    )
                    return None
                return format_datetime(value)
            if isinstance(value, date):
                return format_datetime(value)
            problems.append(f"{self.name}={value!r} must be a datetime")
            return None
        if kind == "int":
            if not isinstance(value, int):
                problems.append(f"{self.name}={value!r} must be an int")
                return None
            if (self.min_value is not None and value < self.min_value) or (
                self.max_value is not None and value > self.max_value
            ):
                problems.append(f"{self.name}={value} is outside {self.min_value}..{self.max_value}")
                return None
            return str(value)
        if kind == "decimal":
            if not isinstance(value, (int, Decimal, str)) or isinstance(value, bool):
                problems.append(f"{self.name}={value!r} must be a Decimal, int or numeric string")
                return None
            return str(value)
        text = str(value)
        if self.choices is not None and text not in self.choices:
            problems.append(f"{self.name}={text!r} is not one of {', '.join(sorted(self.choices))}")
            return None
        if self.pattern is not None and not re.fullmatch(self.pattern, text):
            what = self.describe or f"the pattern {self.pattern}"
            problems.append(f"{self.name}={text!r} does not match {what}")
            return None
        return text


WireParams = dict[str, str]


def _flatten(prefix: str, value: Any, out: WireParams, problems: list[str], name: str) -> None:
    """Flatten nested mappings / models into dotted wire names (``A.B.C``)."""
    if isinstance(value, BaseModel):
        value = value.model_dump(by_alias=True, exclude_none=True)
    if isinstance(value, Mapping):
        for key, inner in value.items():
            if inner is not None:
                _flatten(f"{prefix}.{key}" if prefix else str(key), inner, out, problems, name)
        return
    if isinstance(value, bool):
        out[prefix] = "true" if value else "false"
    elif isinstance(value, datetime):
        out[prefix] = format_datetime(value)
    elif isinstance(value, enum.Enum):
        out[prefix] = str(value.value)
    elif isinstance(value, (str, int, Decimal, float)):
        out[prefix] = str(value)
    else:
        problems.append(f"{name}: cannot send {type(value).__name__} at {prefix}")


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
        next_operation: Operation,
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
class Operation:
    """An MWS operation as data. See the module docstring."""

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
    _params_by_name: dict[str, Param] = field(default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self._params_by_name.update({p.name: p for p in self.params})

    @property
    def name(self) -> str:
        return f"{self.section.name}.{self.action}"

    @cached_property
    def adapter(self) -> TypeAdapter[Any]:
        """One TypeAdapter per operation, built once (validation is the hot path)."""
        # A repeated result element stops at its first bad item: a flood of bad results costs one error.
        target: Any = Annotated[list[self.result], FailFast()] if self.many else self.result  # type: ignore[name-defined]
        return TypeAdapter(target)

    # -- arguments -> wire -------------------------------------------------------------------------

    def build(
        self, args: Mapping[str, Any], *, default_marketplace: str | None = None
    ) -> tuple[WireParams, int]:
        """Validate ``args`` and render wire parameters; returns ``(params, items)`` where ``items`` is the
        length of the cost list (1 when the operation is per request)."""
        problems: list[str] = []
        unknown = sorted(set(args) - set(self._params_by_name))
        if unknown:
            problems.append(f"unknown argument(s) {', '.join(unknown)}")
        out: WireParams = {}
        items = 1
        for param in self.params:
            value = args.get(param.name)
            if value is None and param.marketplace and default_marketplace is not None:
                value = [default_marketplace] if param.kind == "list" else default_marketplace
            if value is None:
                if param.required:
                    problems.append(f"{param.name} is required")
                continue
            if param.kind in ("list", "struct_list"):
                values = self._as_sequence(param, value, problems)
                if values is None:
                    continue
                count = len(values)
                if param.max_items is not None and count > param.max_items:
                    problems.append(
                        f"{param.name} has {count} values; {self.action} accepts at most {param.max_items} "
                        f"({param.wire}.1..{param.max_items}); split the list"
                    )
                    continue
                if count < max(param.min_items, 1 if param.required else 0):
                    problems.append(f"{param.name} needs at least {max(param.min_items, 1)} value(s)")
                    continue
                if param.kind == "list":
                    bad: list[str] = []
                    for index, item in enumerate(values, 1):
                        local: list[str] = []
                        rendered = param.check_scalar(item, local)
                        if rendered is None:
                            bad.append(repr(item))
                        else:
                            out[f"{param.wire}.{index}"] = rendered
                    if bad:
                        what = param.describe or (
                            f"one of {', '.join(sorted(param.choices))}"
                            if param.choices
                            else "the expected format"
                        )
                        problems.append(f"{param.name}: invalid value(s) {', '.join(bad)} (expected {what})")
                else:
                    for index, item in enumerate(values, 1):
                        _flatten(f"{param.wire}.{index}", item, out, problems, param.name)
                if param.name == self.cost_param:
                    items = count
            elif param.kind == "struct":
                _flatten(param.wire, value, out, problems, param.name)
            else:
                rendered = param.check_scalar(value, problems)
                if rendered is not None:
                    out[param.wire] = rendered
        for check in self.checks:
            problems.extend(check(args))
        if problems:
            raise ClientValidationError(self.action, problems)
        return out, items

    @staticmethod
    def _as_sequence(param: Param, value: Any, problems: list[str]) -> list[Any] | None:
        if isinstance(value, (str, bytes)) or not isinstance(value, Iterable):
            problems.append(f"{param.name} must be a list, got {type(value).__name__}")
            return None
        return list(value)

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

    def parse(self, response: MWSResponse, *, parser: str | None = None) -> Any:
        """Parse and validate a 200 response body into the result model; ``request_id`` set where possible.

        ``parser`` picks the XML backend for this call (default: :func:`mws_async.xml.current_parser`).
        """
        doc = xml.parse(
            response.body,
            force_list=self.force_list,
            status_code=response.status_code,
            content_type=response.content_type,
            operation=self.action,
            parser=parser,
        )
        return self.validate(doc, response)

    async def aparse(self, response: MWSResponse) -> Any:
        """:meth:`parse` for the event loop: a body above :data:`OFF_LOOP_BYTES` is parsed and validated in
        a worker thread, with the pure-Python parser fed in pieces (xmltodict-rs holds the GIL for a whole
        parse), pausing about every millisecond (:func:`mws_async.xml.paced`) so the loop keeps running;
        smaller bodies stay on the fast path, on the loop. Both backends give the same result (see
        :mod:`mws_async.xml`)."""
        if len(response.body) <= OFF_LOOP_BYTES:
            return self.parse(response)
        return await asyncio.to_thread(self._parse_paced, response)

    def _parse_paced(self, response: MWSResponse) -> Any:
        with xml.paced():  # pauses that let the loop's thread take the GIL at once
            return self.parse(response, parser=OFF_LOOP_PARSER)

    def _unexpected(self, response: MWSResponse, reason: str) -> UnexpectedResponseError:
        return UnexpectedResponseError(
            reason,
            status_code=response.status_code,
            content_type=response.content_type,
            first_bytes=response.body,
            operation=self.action,
            request_id=response.request_id,
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
            )
        return root

    def validate(self, doc: Mapping[str, Any], response: MWSResponse) -> Any:
        if self.alternate is not None and f"{self.action}Response" not in doc:
            result = self.alternate(doc)
            if result is not None:
                return result
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
        for item in result if self.many else (result,):
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
