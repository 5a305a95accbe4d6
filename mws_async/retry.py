"""Retry policy: which failures are retried, how often, and how long to wait (tenacity behind a small facade).

Decisions, by what the server told us:

==========================================  =====================  =========================================
failure                                     idempotent reads       non-idempotent (SubmitFeed, RequestReport…)
==========================================  =====================  =========================================
503 RequestThrottled / QuotaExceeded        retry (throttle budget) retry: MWS did not process it
503 ServiceUnavailable                      retry                  retry: MWS did not process it
500 InternalError, 5xx HTML/truncated body  retry                  no: :class:`OutcomeUnknownError`
connection refused / connect timeout        retry                  retry: nothing reached the server
read timeout / reset after sending          retry                  no: :class:`OutcomeUnknownError`
timestamp rejected (clock skew)             re-sync clock, retry once
anything else                               raised at once
==========================================  =====================  =========================================

Backoff between error retries: ``min(max_backoff, initial_backoff * multiplier ** (n - 1))`` scaled by a
jitter factor drawn uniformly from ``[1 - jitter, 1]`` — with the defaults 1 s, 3 s, 9 s, 27 s, close to
the MWS guide's suggested 1 s, 4 s, 10 s, 30 s. Throttle retries do not sleep here: the throttler marks
the bucket empty and the next attempt waits in the bucket for exactly the restore time its cost needs;
repeated throttles of one call add the same exponential backoff from the second one on.
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
