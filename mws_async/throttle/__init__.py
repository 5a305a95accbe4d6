"""Client-side quota buckets: the MWS quota table, the :class:`Throttler` facade and its backends.

``Throttler`` is what the transport calls; a backend (:class:`ThrottleBackend`) holds the bucket state:
:class:`MemoryThrottle` for one process, :class:`NoThrottle` to admit everything. See
:mod:`mws_async.throttle.memory` for the model and its safety margins.
"""

from __future__ import annotations

from mws_async.throttle.base import (
    KeyStats,
    QuotaHeaders,
    ThrottleBackend,
    ThrottleKey,
    ThrottleSummary,
    parse_quota_headers,
    seconds_until_reset,
)
from mws_async.throttle.bucket import TokenBucket
from mws_async.throttle.memory import MemoryThrottle, NoThrottle
from mws_async.throttle.quotas import QuotaSpec, QuotaTable, Unit
from mws_async.throttle.throttler import Throttler

__all__ = [
    "KeyStats",
    "MemoryThrottle",
    "NoThrottle",
    "QuotaHeaders",
    "QuotaSpec",
    "QuotaTable",
    "ThrottleBackend",
    "ThrottleKey",
    "ThrottleSummary",
    "Throttler",
    "TokenBucket",
    "Unit",
    "parse_quota_headers",
    "seconds_until_reset",
]
