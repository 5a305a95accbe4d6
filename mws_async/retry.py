"""Retry policy: which failures are retried, how often, and how long to wait (tenacity behind a small facade).

Decisions, by what the server told us:

==========================================  =====================  =========================================
failure                                     idempotent reads       non-idempotent (SubmitFeed, RequestReport…)
==========================================  =====================  =========================================
503 RequestThrottled / QuotaExceeded        retry (throttle budget) retry: MWS did not process it
503 ServiceUnavailable, 429                 retry                  retry: MWS did not process it
any other 5xx (any code, HTML, no body)     retry                  no: :class:`OutcomeUnknownError`
200 truncated / not well-formed             retry                  no: :class:`OutcomeUnknownError`
200 carrying an ErrorResponse               as its code            as its code
connection refused / connect timeout        retry                  retry: nothing reached the server
read timeout / reset after sending          retry                  no: :class:`OutcomeUnknownError`
whole-attempt timeout (``timeout``)         retry                  no: :class:`OutcomeUnknownError`
answer above the size cap                   raised at once         no: :class:`OutcomeUnknownError`
timestamp rejected (clock skew)             re-sync clock, retry once
anything else                               raised at once
==========================================  =====================  =========================================

Backoff between error retries: ``min(max_backoff, initial_backoff * multiplier ** (n - 1))`` scaled by a
jitter factor drawn uniformly from ``[1 - jitter, 1]`` — with the defaults 1 s, 3 s, 9 s, 27 s, close to
the MWS guide's suggested 1 s, 4 s, 10 s, 30 s. Throttle retries do not sleep here: the throttler marks
the bucket empty and the next attempt waits in the bucket for exactly the restore time its cost needs;
repeated throttles of one call add the same exponential backoff from the second one on, divided by the
client's time scale like every restore time.

Every call's retries together are bounded by ``max_retry_time`` (wall-clock seconds from the first
attempt); "not processed" means the codes MWS documents as such (RequestThrottled, QuotaExceeded,
ServiceUnavailable) and 429, nothing else.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

__all__ = ["RetryPolicy"]


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """Retry knobs. ``RetryPolicy.disabled()`` turns every retry off."""

    max_attempts: int = 5
    """Attempts in all for server errors (500/503) and transport errors: 1 + 4 retries, as the MWS guide."""
    max_throttle_retries: int = 30
    """Throttle retries (RequestThrottled/QuotaExceeded) per call; they are cheap and always safe."""
    initial_backoff: float = 1.0
    multiplier: float = 3.0
    max_backoff: float = 30.0
    jitter: float = 0.25
    max_quota_wait: float = 3700.0
    """Longest wait for an hourly quota reset (seconds) before a QuotaExceededError is raised instead."""
    max_retry_time: float = 300.0
    """Longest a call spends retrying, in seconds from its first attempt (waits in the throttle included):
    when the next wait would end past it, the last error is raised with the attempts and time spent.
    A wait for an hourly quota reset is bounded by ``max_quota_wait`` instead."""
    clock_skew_retry: bool = True
    rng: random.Random = field(default_factory=random.Random, compare=False, repr=False)

    @classmethod
    def disabled(cls) -> RetryPolicy:
        """No retries at all: every failure reaches the caller on the first attempt."""
        return cls(max_attempts=1, max_throttle_retries=0, clock_skew_retry=False)

    def backoff(self, retry_number: int) -> float:
        """Seconds before error retry number ``retry_number`` (1-based), with jitter."""
        base = min(self.max_backoff, self.initial_backoff * self.multiplier ** max(0, retry_number - 1))
        return base * (1.0 - self.jitter * self.rng.random())
