"""Client-side quota buckets: the MWS quota table, the :class:`Throttler` facade and its backends.

``Throttler`` is what the transport calls; a backend (:class:`ThrottleBackend`) holds the bucket state:
:class:`MemoryThrottle` for one process, :class:`RedisThrottle` shared by processes and hosts
(:func:`backend_from_env` reads ``MWS_ASYNC_REDIS_URL``), :class:`NoThrottle` to admit everything. See
:mod:`mws_async.throttle.memory` for the model and its safety margins.
"""

from __future__ import annotations

from mws_async.throttle.base import (
    KeyStats,
    QuotaHeaders,
    SpecUpdatingBackend,
    ThrottleBackend,
    ThrottleKey,
    ThrottleSummary,
    parse_quota_headers,
    seconds_until_reset,
)
from mws_async.throttle.bucket import TokenBucket
from mws_async.throttle.memory import MemoryThrottle, NoThrottle
from mws_async.throttle.quotas import QuotaSpec, QuotaTable, Unit
from mws_async.throttle.redis import RedisThrottle, ThrottleBackendUnavailable, backend_from_env
from mws_async.throttle.throttler import Throttler

__all__ = [
    "KeyStats",
    "MemoryThrottle",
    "NoThrottle",
    "QuotaHeaders",
    "QuotaSpec",
    "QuotaTable",
    "RedisThrottle",
    "SpecUpdatingBackend",
    "ThrottleBackend",
    "ThrottleBackendUnavailable",
    "ThrottleKey",
    "ThrottleSummary",
    "Throttler",
    "TokenBucket",
    "Unit",
    "backend_from_env",
    "parse_quota_headers",
    "seconds_until_reset",
]
