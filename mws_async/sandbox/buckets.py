"""Server-side throttling: MWS's leaky buckets and hourly quotas, per (SellerId, AWSAccessKeyId, group).

Model (reference section 3): a bucket holds at most ``max_quota`` units and starts full; it refills at
``restore_rate * time_scale`` units per second; a request costing ``n`` units (items for per-item Products
operations, else 1) is admitted only if the bucket holds at least ``n``, else 503 RequestThrottled. The
hourly quota counts *requests* in a window of ``3600 / time_scale`` seconds that starts with the caller's
first request (aligned to a whole wall-clock minute when unscaled, as the recorded ``resetsOn`` values are);
when used up: 503 QuotaExceeded until the window ends. A refused request costs nothing.

Time comes from an injectable monotonic ``clock`` so tests can step time instead of sleeping.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from mws_async.sandbox.render import SandboxError, iso_ms
from mws_async.throttle.quotas import QuotaSpec, QuotaTable

__all__ = ["Admission", "Buckets"]

# Float slack: 0.2 s x 5 items/s is 0.9999999999999998 in binary floating point, and must admit 1 item.
_EPSILON = 1e-9


@dataclass(slots=True)
class _Bucket:
    level: float
    updated: float
    window_start: float | None = None
    window_used: int = 0


@dataclass(frozen=True, slots=True)
class Admission:
    """An admitted request: the quota headers to send (empty where MWS sent none)."""

    headers: dict[str, str]


class Buckets:
    """All throttle state of one sandbox."""

    def __init__(
        self,
        quotas: QuotaTable | None = None,
        *,
        time_scale: float = 1.0,
        clock: Callable[[], float] = time.monotonic,
        enabled: bool = True,
        hourly_multiplier: float = 1.0,
    ) -> None:
        if time_scale <= 0:
            raise ValueError("time_scale must be positive")
        self.quotas = quotas if quotas is not None else QuotaTable.default()
        self.time_scale = time_scale
        self.clock = clock
        self.enabled = enabled
        self.hourly_multiplier = hourly_multiplier
        self._buckets: dict[tuple[str, str, str], _Bucket] = {}
        # Wall time of the injected clock's zero, so reset instants can be reported in real time.
        self._mono_anchor = clock()
        self._wall_anchor = time.time()

    def reset(self) -> None:
        """Every bucket full again, every hourly window forgotten."""
        self._buckets.clear()

    def _wall(self, mono: float) -> datetime:
        return datetime.fromtimestamp(self._wall_anchor + (mono - self._mono_anchor), UTC)

    def level(self, seller_id: str, access_key: str, section: str, operation: str) -> float:
        """Current bucket level (for tests and diagnostics)."""
        spec = self.quotas.get_spec(section, operation)
        bucket = self._buckets.get((seller_id, access_key, spec.group_key))
        if bucket is None:
            return spec.max_quota
        now = self.clock()
        return min(
            spec.max_quota, bucket.level + (now - bucket.updated) * spec.restore_rate * self.time_scale
        )

    def admit(
        self, seller_id: str, access_key: str, spec: QuotaSpec, cost: float, *, quota_headers: bool
    ) -> Admission:
        """Admit the request or raise the 503 :class:`SandboxError` MWS would have sent."""
        if not self.enabled:
            return Admission({})
        now = self.clock()
        key = (seller_id, access_key, spec.group_key)
        bucket = self._buckets.get(key)
        if bucket is None:
            bucket = self._buckets[key] = _Bucket(spec.max_quota, now)
        else:
            bucket.level = min(
                spec.max_quota, bucket.level + (now - bucket.updated) * spec.restore_rate * self.time_scale
            )
            bucket.updated = now

        headers: dict[str, str] = {}
        hourly = spec.hourly * self.hourly_multiplier if spec.hourly is not None else None
        window = 3600.0 / self.time_scale
        if hourly is not None:
            if bucket.window_start is None or now >= bucket.window_start + window:
                start = now
                if self.time_scale == 1.0:
                    # Unscaled windows start on a whole minute, so resetsOn falls on one (as recorded).
                    start -= self._wall(now).timestamp() % 60.0
                bucket.window_start, bucket.window_used = start, 0
            resets_on = iso_ms(self._wall(bucket.window_start + window))
            if quota_headers:
                headers = {
                    "x-mws-quota-max": f"{hourly:.1f}",
                    "x-mws-quota-remaining": f"{max(0.0, hourly - bucket.window_used):.1f}",
                    "x-mws-quota-resetsOn": resets_on,
                }
            if bucket.window_used >= hourly:
                raise SandboxError(
                    503,
                    "QuotaExceeded",
                    f"You exceeded your quota of {hourly:.1f} requests per 1 hour for operation "
                    f"{spec.section}/{_VERSIONS.get(spec.section, '')}/{spec.operation}. "
                    f"Your quota will reset on {resets_on}",
                    headers=headers,
                )
        if bucket.level + _EPSILON < cost:
            raise SandboxError(503, "RequestThrottled", "Request is throttled", headers=headers)
        bucket.level -= cost
        if hourly is not None:
            bucket.window_used += 1
            if quota_headers:
                headers["x-mws-quota-remaining"] = f"{max(0.0, hourly - bucket.window_used):.1f}"
        return Admission(headers)


_VERSIONS = {
    "Products": "2011-10-01",
    "Orders": "2013-09-01",
    "Reports": "2009-01-01",
    "Feeds": "2009-01-01",
    "Sellers": "2011-07-01",
    "Finances": "2015-05-01",
    "FulfillmentInventory": "2010-10-01",
    "CustomerInformation": "2014-03-01",
}
