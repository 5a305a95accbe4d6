"""The dispatch table: (section path, Action) -> handler. New sections are new table entries.

A handler takes a :class:`RequestContext` and returns the 200 body (bytes) or raises
:class:`~mws_async.sandbox.render.SandboxError`. An optional ``cost`` function validates list limits and
returns the throttle cost of a request *before* the bucket is charged (per-item Products operations
cost one unit per identifier); it may raise a 400 as well, and then nothing is charged.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mws_async.sandbox.world import World

__all__ = ["CostFn", "Handler", "OperationSpec", "Registry", "RequestContext", "SectionSpec"]


@dataclass(frozen=True, slots=True)
class SectionSpec:
    """An MWS API section as served: path, version, response namespace, and whether MWS sent
    ``x-mws-quota-*`` headers for it (Products, Reports and Feeds only)."""

    name: str
    path: str
    version: str
    namespace: str
    quota_headers: bool = False


@dataclass(frozen=True, slots=True)
class RequestContext:
    """Everything a handler may look at."""

    params: Mapping[str, str]
    body: bytes
    section: SectionSpec
    operation: str
    seller_id: str
    request_id: str
    world: World
    now: datetime


Handler = Callable[[RequestContext], bytes]
CostFn = Callable[[Mapping[str, str]], int]


@dataclass(frozen=True, slots=True)
class OperationSpec:
    """One served operation."""

    section: SectionSpec
    name: str
    handler: Handler
    cost: CostFn | None = None


class Registry:
    """Sections by path and operations by (path, Action)."""

    def __init__(self) -> None:
        self._sections: dict[str, SectionSpec] = {}
        self._operations: dict[tuple[str, str], OperationSpec] = {}

    def add_section(self, section: SectionSpec) -> SectionSpec:
        """Register a section (its path must be new)."""
        if section.path in self._sections:
            raise ValueError(f"section path {section.path} already registered")
        self._sections[section.path] = section
        return section

    def add(self, section: SectionSpec, name: str, handler: Handler, cost: CostFn | None = None) -> None:
        """Register an operation of a registered section."""
        if self._sections.get(section.path) is not section:
            raise ValueError(f"register section {section.name} first")
        self._operations[(section.path, name)] = OperationSpec(section, name, handler, cost)

    def section(self, path: str) -> SectionSpec | None:
        """The section served at ``path`` (a trailing slash is tolerated)."""
        found = self._sections.get(path)
        if found is None and path.endswith("/") and len(path) > 1:
            found = self._sections.get(path.rstrip("/"))
        return found

    def operation(self, section: SectionSpec, action: str) -> OperationSpec | None:
        """The operation ``action`` of ``section``."""
        return self._operations.get((section.path, action))

    def operations(self) -> list[OperationSpec]:
        """Every registered operation."""
        return list(self._operations.values())


def default_registry() -> Registry:
    """Products and Orders, as served by :class:`~mws_async.sandbox.Sandbox`."""
    from mws_async.sandbox.handlers import orders, products

    registry = Registry()
    products.register(registry)
    orders.register(registry)
    return registry
