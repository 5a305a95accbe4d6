"""``Operation[R]``: an operation is generic in its result type, so a call's return type flows from the
table (``mypy --strict mws_async`` checks every section method against it; no ``type: ignore`` needed)."""

from __future__ import annotations

import typing

from mws_async.models.common import ServiceStatus
from mws_async.models.products import ProductsForIdResult
from mws_async.operations import Operation
from mws_async.sections import base
from mws_async.sections.products import PRODUCTS


def test_an_operation_is_generic_in_its_result_type() -> None:
    alias = Operation[list[ProductsForIdResult]]
    assert typing.get_origin(alias) is Operation
    assert typing.get_args(alias) == (list[ProductsForIdResult],)


def test_parse_and_validate_return_the_operations_result_type() -> None:
    (parameter,) = Operation.__parameters__
    for method in (Operation.parse, Operation.aparse, Operation.validate):
        hints = typing.get_type_hints(method)
        assert hints["return"] is parameter, method.__name__


def test_a_section_call_returns_what_its_operation_returns() -> None:
    hints = typing.get_type_hints(base.SectionClient._call)
    assert typing.get_origin(hints["operation"]) is Operation
    (parameter,) = typing.get_args(hints["operation"])
    assert hints["return"] is parameter


def test_service_status_operations_declare_their_model() -> None:
    hints = typing.get_type_hints(base.service_status, localns={"ServiceStatus": ServiceStatus})
    assert typing.get_args(hints["return"]) == (ServiceStatus,)
    assert base.service_status(PRODUCTS).result is ServiceStatus
