"""The throttle seam: keys, quota-header observations and the backend interface.

A backend only has to implement :class:`ThrottleBackend`; the in-memory one lives in
:mod:`mws_async.throttle.memory`, a Redis one can implement the same four calls atomically. A backend that
also implements :class:`SpecUpdatingBackend` lets a key's numbers change while requests wait on it (a rate
announced by the server): both built-in backends do.
"""

from __future__ import annotations

import email.utils
import functools
import hashlib
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import NamedTuple, Protocol, runtime_checkable

from mws_async.throttle.quotas import QuotaSpec

__all__ = [
    "BoundedBackend",
    "KeyStats",
    "QuotaHeaders",
    "SpecUpdatingBackend",
    "ThrottleBackend",
    "ThrottleKey",
    "ThrottleSummary",
    "WouldWait",
    "parse_quota_headers",
    "seconds_until_reset",
]

#: Longest an hourly quota window can last, in unscaled seconds.
HOUR = 3600.0


class ThrottleKey(NamedTuple):
    """Bucket identity: (endpoint host, SellerId, AWSAccessKeyId, ``Section.Group``)."""

    host: str
    seller_id: str
    access_key_id: str
    group: str

    def __repr__(self) -> str:
        # The access key id is not a secret, but there is no reason to print it whole.
        return f"ThrottleKey({self.host!r}, {self.seller_id!r}, key#{self.key_hash[:8]}, {self.group!r})"

    @property
    def key_hash(self) -> str:
        """Stable hash of the access key id (for logs and shared-store key names)."""
        return hashlib.sha256(self.access_key_id.encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class QuotaHeaders:
    """``x-mws-quota-max`` / ``-remaining`` / ``-resetsOn`` of one response (hourly quota), when present."""

    max: float | None = None
    remaining: float | None = None
    resets_on: datetime | None = None

    @property
    def present(self) -> bool:
        """Whether any of the three headers was there."""
        return self.max is not None or self.remaining is not None or self.resets_on is not None


_MAX_HEADER = "x-mws-quota-max"
_REMAINING_HEADER = "x-mws-quota-remaining"
_RESETS_HEADER = "x-mws-quota-resetson"


# Both parsers are cached by header text: thousands of sellers get the same reset time and counts, so they
# share one datetime / float each (and the parse is skipped) instead of holding a copy per key.
@functools.lru_cache(maxsize=1024)
def _parse_count(value: str | None) -> float | None:
    # Observed "60.0" / "18000.0", documented "3600"; anything else (empty, "n/a", nan, negative) is dropped.
    if value is None:
        return None
    try:
        number = float(value.strip())
    except ValueError:
        return None
    return number if math.isfinite(number) and number >= 0 else None


@functools.lru_cache(maxsize=256)
def _parse_reset(value: str | None) -> datetime | None:
    # Observed ISO 8601 "2018-04-27T15:47:00.000Z"; the docs show RFC 1123 "Wed, 06 Mar 2013 19:07:58 GMT".
    if value is None or not value.strip():
        return None
    text = value.strip()
    parsed: datetime | None
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        try:
            parsed = email.utils.parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            return None
    if parsed is None:
        return None
    # A zone-less stamp is taken as UTC (MWS only ever sends UTC).
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def seconds_until_reset(resets_on: datetime, now: datetime, time_scale: float = 1.0) -> float:
    """Seconds to wait for an hourly quota reset: ``min(resets_on - now, 3600 / time_scale)``, at least 0.

    ``resets_on`` is absolute. A server running with a time scale may send either the scaled wall-clock reset
    or the unscaled one; a window never lasts longer than the (scaled) hour, so bounding by
    ``3600 / time_scale`` is right for both, and for real MWS (scale 1, resets at most 60 minutes ahead).
    A naive ``resets_on`` is taken as UTC.
    """
    if resets_on.tzinfo is None:
        resets_on = resets_on.replace(tzinfo=UTC)
    if now.tzinfo is None:
        now = now.replace(tzinfo=UTC)
    return max(0.0, min((resets_on - now).total_seconds(), HOUR / time_scale))


def parse_quota_headers(headers: Mapping[str, str]) -> QuotaHeaders:
    """Read ``x-mws-quota-max`` / ``-remaining`` / ``-resetsOn`` from response headers.

    Header names match case-insensitively (a plain dict or an ``httpx.Headers`` both work). Counts accept
    ``60.0``, ``18000.0`` and ``3600``; the reset time accepts ISO 8601 (``2018-04-27T15:47:00.000Z``) and
    RFC 1123 (``Wed, 06 Mar 2013 19:07:58 GMT``) and comes back as an aware UTC datetime. A missing or
    malformed value becomes ``None``; this function never raises on header content.
    """
    found: dict[str, str] = {}
    for name, value in headers.items():
        lowered = name.lower()
        if lowered in (_MAX_HEADER, _REMAINING_HEADER, _RESETS_HEADER) and lowered not in found:
            found[lowered] = value
    return QuotaHeaders(
        max=_parse_count(found.get(_MAX_HEADER)),
        remaining=_parse_count(found.get(_REMAINING_HEADER)),
        resets_on=_parse_reset(found.get(_RESETS_HEADER)),
    )


@dataclass(slots=True)
class KeyStats:
    """Live counters for one bucket key.

    ``requests`` counts admitted attempts (every retry spends quota, so it counts again); ``items`` sums
    their cost in the spec's unit (items for per-item Products operations, requests otherwise);
    ``throttled`` / ``quota_exceeded`` count 503 RequestThrottled / QuotaExceeded answers; ``waits`` counts
    admissions that had to wait, ``total_wait`` / ``max_wait`` are in seconds; ``deadline_refusals`` counts
    requests refused because their wait did not fit in their deadline (they took nothing).
    """

    requests: int = 0
    items: float = 0.0
    throttled: int = 0
    quota_exceeded: int = 0
    waits: int = 0
    total_wait: float = 0.0
    max_wait: float = 0.0
    deadline_refusals: int = 0
    last_headers: QuotaHeaders | None = field(default=None, repr=False)

    def record_wait(self, seconds: float) -> None:
        """Count one admission that waited ``seconds`` (zero waits are not counted as waits)."""
        if seconds > 0:
            self.waits += 1
            self.total_wait += seconds
            self.max_wait = max(self.max_wait, seconds)


@dataclass(frozen=True, slots=True)
class ThrottleSummary:
    """Totals over every key of a :class:`~mws_async.throttle.Throttler` (see :class:`KeyStats`)."""

    requests: int = 0
    items: float = 0.0
    throttled: int = 0
    quota_exceeded: int = 0
    waits: int = 0
    total_wait: float = 0.0
    max_wait: float = 0.0
    keys: int = 0

    @classmethod
    def of(cls, stats: Mapping[ThrottleKey, KeyStats]) -> ThrottleSummary:
        """Sum per-key counters."""
        values = list(stats.values())
        return cls(
            requests=sum(s.requests for s in values),
            items=sum(s.items for s in values),
            throttled=sum(s.throttled for s in values),
            quota_exceeded=sum(s.quota_exceeded for s in values),
            waits=sum(s.waits for s in values),
            total_wait=sum(s.total_wait for s in values),
            max_wait=max((s.max_wait for s in values), default=0.0),
            keys=len(values),
        )


@runtime_checkable
class ThrottleBackend(Protocol):
    """Where bucket state lives. All times are seconds on the backend's clock; costs are in spec units.

    ``time_scale`` multiplies every restore rate and divides the hourly window: a bucket restores
    ``spec.restore_rate * time_scale`` units per second and the hourly quota refills over
    ``3600 / time_scale`` seconds. Implementations: :class:`~mws_async.throttle.memory.MemoryThrottle`
    (one process) and :class:`~mws_async.throttle.memory.NoThrottle` (admits everything at once).
    """

    async def acquire(self, key: ThrottleKey, spec: QuotaSpec, cost: float, time_scale: float) -> float:
        """Wait until ``cost`` units (and one hourly request) are free, take them; return seconds waited."""
        ...

    async def mark_empty(self, key: ThrottleKey, spec: QuotaSpec, pause: float, time_scale: float) -> None:
        """Server said throttled: empty the bucket and make every waiter on ``key`` wait ``pause`` seconds.

        The bucket counts as empty at the moment of the call, so its refill starts from zero then.
        """
        ...

    async def observe_hourly(
        self, key: ThrottleKey, spec: QuotaSpec, headers: QuotaHeaders, time_scale: float
    ) -> None:
        """Correct the local hourly model from quota headers (remaining, max, reset time).

        ``remaining == 0`` with a reset time holds every waiter on ``key`` until that time.
        """
        ...

    async def aclose(self) -> None:
        """Release resources (connections, timers)."""
        ...


class WouldWait(Exception):
    """Raised by a :class:`BoundedBackend` when a request's wait for quota exceeds its ``max_wait``: it left
    (or never joined) the queue and took nothing. ``seconds`` is the wait it would have had."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"would wait {seconds:.3f} s")
        self.seconds = seconds


@runtime_checkable
class BoundedBackend(Protocol):
    """A backend whose ``acquire`` takes ``max_wait``: it raises :class:`WouldWait` at once, taking nothing,
    when the wait it computes is longer (and leaves the queue if a change makes it so later). Backends
    without it are bounded by a timeout around ``acquire`` (cancelling a waiter takes nothing)."""

    async def acquire(
        self,
        key: ThrottleKey,
        spec: QuotaSpec,
        cost: float,
        time_scale: float,
        *,
        max_wait: float | None = None,
    ) -> float:
        """As :meth:`ThrottleBackend.acquire`, refusing a wait over ``max_wait`` seconds."""
        ...

    def bounded(self) -> bool:
        """Marker: ``acquire`` understands ``max_wait``."""
        ...


@runtime_checkable
class SpecUpdatingBackend(Protocol):
    """A :class:`ThrottleBackend` whose keys can take new numbers while requests wait on them."""

    async def update_spec(self, key: ThrottleKey, spec: QuotaSpec, time_scale: float) -> None:
        """From now on ``key``'s bucket follows ``spec`` (e.g. a restore rate the server announced).

        The bucket keeps what is used (capped at the new capacity) and refills at the new rate; every
        request already waiting on ``key`` is re-timed to it, earlier or later, in arrival order.
        """
        ...
