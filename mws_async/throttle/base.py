"""The throttle seam: keys, quota-header observations and the backend interface.

A backend only has to implement :class:`ThrottleBackend`; the in-memory one lives in
:mod:`mws_async.throttle.memory`, a Redis one can implement the same four calls atomically.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from typing import NamedTuple, Protocol, runtime_checkable

from mws_async.throttle.quotas import QuotaSpec

__all__ = ["KeyStats", "QuotaHeaders", "ThrottleBackend", "ThrottleKey"]


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
        return self.max is not None or self.remaining is not None or self.resets_on is not None


@dataclass(slots=True)
class KeyStats:
    """Counters for one bucket key."""

    requests: int = 0
    items: float = 0.0
    throttled: int = 0
    quota_exceeded: int = 0
    waits: int = 0
    total_wait: float = 0.0
    max_wait: float = 0.0
    last_headers: QuotaHeaders | None = field(default=None, repr=False)

    def record_wait(self, seconds: float) -> None:
        if seconds > 0:
            self.waits += 1
            self.total_wait += seconds
            self.max_wait = max(self.max_wait, seconds)


@runtime_checkable
class ThrottleBackend(Protocol):
    """Where bucket state lives. All times are seconds on the backend's clock; costs are in spec units.

    ``time_scale`` multiplies every restore rate and divides the hourly window.
    """

    async def acquire(self, key: ThrottleKey, spec: QuotaSpec, cost: float, time_scale: float) -> float:
        """Wait until ``cost`` units (and one hourly request) are available, take them; return seconds waited."""
        ...

    async def mark_empty(self, key: ThrottleKey, spec: QuotaSpec, pause: float, time_scale: float) -> None:
        """Server said throttled: empty the bucket and make every waiter on ``key`` wait ``pause`` seconds."""
        ...

    async def observe_hourly(self, key: ThrottleKey, spec: QuotaSpec, headers: QuotaHeaders, time_scale: float) -> None:
        """Correct the local hourly model from quota headers (remaining, max, reset time)."""
        ...

    async def aclose(self) -> None:
        """Release resources (connections, timers)."""
        ...
