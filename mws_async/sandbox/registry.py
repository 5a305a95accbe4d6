"""The dispatch table: (section path, Action) -> handler. New sections are new table entries.

A handler takes a :class:`RequestContext` and returns the 200 body (bytes), a :class:`RawResponse` (a
non-XML document sent in chunks: GetReport, GetFeedSubmissionResult) or raises
:class:`~mws_async.sandbox.render.SandboxError`. An optional ``cost`` function validates list limits and
returns the throttle cost of a request *before* the bucket is charged (per-item Products operations
cost one unit per identifier); it may raise a 400 as well, and then nothing is charged.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mws_async.sandbox.bodies import Upload
    from mws_async.sandbox.world import World

__all__ = [
    "CostFn",
    "Handler",
    "OperationSpec",
    "RawResponse",
    "Registry",
    "RequestContext",
    "SectionSpec",
]


@dataclass(frozen=True, slots=True)
class SectionSpec:
    """An MWS API section as served: path, version, response namespace, and whether MWS sent
    ``x-mws-quota-*`` headers for it (Products, Reports and Feeds only)."""

    name: str
    path: str
    version: str
    namespace: str
    quota_headers: bool = False
    root_dispatch: bool = False
    """Also served at ``/`` (dispatched by Action): boto 2 posted Reports and Feeds calls there."""


@dataclass(frozen=True, slots=True)
class RequestContext:
    """Everything a handler may look at.

    ``now`` is server wall time; ``mono`` the sandbox's (injectable, steppable) monotonic clock and
    ``time_scale`` its speed-up, for lifecycles that progress over time (reports, feeds).
    """

    params: Mapping[str, str]
    body: bytes
    section: SectionSpec
    operation: str
    seller_id: str
    request_id: str
    world: World
    now: datetime
    mono: float = 0.0
    time_scale: float = 1.0
    headers: Mapping[str, str] = field(default_factory=dict)
    upload: Upload | None = None
    """A raw (SubmitFeed) body: size, MD5 and chunks, possibly spooled to disk; ``body`` is then empty."""


@dataclass(frozen=True, slots=True)
class RawResponse:
    """A 200 answer that is a document, not an XML envelope (GetReport, GetFeedSubmissionResult).

    ``chunks`` makes a fresh iterator over the body each call (so a body can be streamed without ever being
    held in memory); ``length`` is its total size. ``headers`` carry ``Content-MD5``.
    """

    chunks: Callable[[], Iterator[bytes]]
    length: int
    content_type: str
    headers: dict[str, str] = field(default_factory=dict)

    def read(self) -> bytes:
        """The whole body (small documents and tests only)."""
        return b"".join(self.chunks())


Handler = Callable[[RequestContext], bytes | RawResponse]
CostFn = Callable[[Mapping[str, str]], int]


@dataclass(frozen=True, slots=True)
class OperationSpec:
    """One served operation."""

    section: SectionSpec
    name: str
    handler: Handler
    cost: CostFn | None = None
    mutates: bool = False
    """Whether the operation changes sandbox state (a Truncated fault then processes it for real)."""


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

    def add(
        self,
        section: SectionSpec,
        name: str,
        handler: Handler,
        cost: CostFn | None = None,
        *,
        mutates: bool = False,
    ) -> None:
        """Register an operation of a registered section."""
        if self._sections.get(section.path) is not section:
            raise ValueError(f"register section {section.name} first")
        self._operations[(section.path, name)] = OperationSpec(section, name, handler, cost, mutates)

    def section(self, path: str) -> SectionSpec | None:
        """The section served at ``path`` (a trailing slash is tolerated)."""
        found = self._sections.get(path)
        if found is None and path.endswith("/") and len(path) > 1:
            found = self._sections.get(path.rstrip("/"))
        return found

    def root_section(self, action: str) -> SectionSpec | None:
        """The section serving ``action`` at ``/`` (boto 2's path for Reports and Feeds), if any.

        Leniency: MWS documented the section paths; boto 2.49 posted Reports and Feeds to ``/`` and MWS
        answered, so sections registered with ``root_dispatch`` are found there by their Action.
        """
        for (path, name), spec in self._operations.items():
            if name == action and self._sections[path].root_dispatch:
                return spec.section
        return None

    def operation(self, section: SectionSpec, action: str) -> OperationSpec | None:
        """The operation ``action`` of ``section``."""
        return self._operations.get((section.path, action))

    def operations(self) -> list[OperationSpec]:
        """Every registered operation."""
        return list(self._operations.values())


def default_registry() -> Registry:
    """Every served section, as in :class:`~mws_async.sandbox.Sandbox`."""
    from mws_async.sandbox.handlers import (
        customers,
        feeds,
        finances,
        inventory,
        orders,
        products,
        reports,
        sellers,
    )

    registry = Registry()
    for module in (products, orders, reports, feeds, sellers, finances, inventory, customers):
        module.register(registry)
    return registry
