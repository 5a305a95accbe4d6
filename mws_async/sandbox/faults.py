"""Fault injection: make the sandbox misbehave the ways MWS and the network did.

Configure per sandbox, change at run time::

    sb.faults.throttle_rate = 0.1                       # 10 % of calls get 503 RequestThrottled
    sb.faults.schedule.append(Fault("InternalError", operation="ListOrders", times=2))
    sb.faults.clock_offset = 1200.0                     # server clock 20 minutes ahead

Kinds (``FAULT_KINDS``):

- ``RequestThrottled`` 503 (Type Sender), ``QuotaExceeded`` 503, ``ServiceUnavailable`` 503 (Type Receiver),
  ``InternalError`` 500 (Type Receiver) -- MWS ErrorResponse bodies;
- ``ConnectionReset``: the status line goes out, then the connection is closed without a body (httpx raises
  ``RemoteProtocolError``; through ``httpx.ASGITransport`` the app's ``ConnectionResetError`` propagates);
- ``Truncated``: a 200 whose body is a prefix of the real XML (not well-formed);
- ``HTML``: a 502 ``text/html`` proxy error page;
- ``NextTokenCorrupted``: 400 NextTokenCorrupted, only on ``...ByNextToken`` operations;
- ``Latency``: ``seconds`` of added delay, then normal processing;
- ``MD5Mismatch`` (alias ``md5_mismatch``): only on GetReport / GetFeedSubmissionResult; the document is
  served with one byte corrupted, so it no longer matches its (correct) ``Content-MD5`` header;
- ``ResetAfterProcessing`` (alias ``reset_after_processing``): the call *is* processed (a SubmitFeed is
  stored, a RequestReport created), then the connection drops before the answer: the client cannot know
  the outcome. Contrast ``ConnectionReset``, which drops the connection without processing.
- ``ErrorCode``: an answer of HTTP ``status`` with an ErrorResponse of ``code`` (``code=""``: a plain-text
  body and no code at all), without processing: the undocumented 5xx answers a client must not take for
  "not processed" (``Fault("ErrorCode", status=503, code="InternalFailure")``);
- ``ErrorAfterProcessing``: the call is processed, then answered like ``ErrorCode`` (a server that failed
  after doing the work);

The hostile-server kinds below all process the call first (it is charged, and stored if it writes):

- ``Drip``: the real answer, one byte every ``seconds``;
- ``Huge``: a 200 whose body is the start of the real answer followed by ``size`` bytes of padding
  elements (``size=0``: an endless body without Content-Length);
- ``RepeatToken``: on ``...ByNextToken`` operations, the answer's NextToken is the token the request sent
  (a server that loops pagination);
- ``BadClock``: the real answer with absurd clock headers (``x-mws-timestamp`` in year 9999, a ``Date``
  with a ``-0000`` zone in 1970).

Faults apply after authentication. A faulted call is not processed (its request-log record says
``processed=False``) and does not consume quota; ``Latency``, ``MD5Mismatch`` and ``ResetAfterProcessing``
are the exceptions (the call is processed and charged; the record names the fault).

Random rates: ``md5_mismatch_rate`` and ``reset_after_processing_rate`` draw from a second generator
(seeded from ``seed`` too), only when none of the other kinds fired, so adding them did not change which
calls the original rates fault for a given seed.
Scheduled faults win over random ones; random draws come from ``random.Random(seed)`` in a fixed order, so
a given seed and request sequence always fault the same calls.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Final

__all__ = ["DOCUMENT_OPERATIONS", "FAULT_KINDS", "POST_PROCESSING_KINDS", "Fault", "Faults"]

FAULT_KINDS: Final = frozenset(
    {
        "RequestThrottled",
        "QuotaExceeded",
        "ServiceUnavailable",
        "InternalError",
        "ConnectionReset",
        "Truncated",
        "HTML",
        "NextTokenCorrupted",
        "Latency",
        "MD5Mismatch",
        "ResetAfterProcessing",
        "ErrorCode",
        "ErrorAfterProcessing",
        "Drip",
        "Huge",
        "RepeatToken",
        "BadClock",
    }
)
POST_PROCESSING_KINDS: Final = frozenset(
    {
        "Latency",
        "MD5Mismatch",
        "ResetAfterProcessing",
        "ErrorAfterProcessing",
        "Drip",
        "Huge",
        "RepeatToken",
        "BadClock",
    }
)
"""Kinds after which the call is still processed (and charged)."""
DOCUMENT_OPERATIONS: Final = frozenset({"GetReport", "GetFeedSubmissionResult"})
"""The operations ``MD5Mismatch`` applies to (their answers carry Content-MD5)."""
_ALIASES: Final = {"md5_mismatch": "MD5Mismatch", "reset_after_processing": "ResetAfterProcessing"}


@dataclass(slots=True)
class Fault:
    """One scheduled fault: the next ``times`` matching calls get ``kind``.

    ``operation``/``section``/``seller_id`` of None match anything. ``seconds`` is the delay of ``Latency``
    and the pause between bytes of ``Drip``; ``status``/``code`` the answer of ``ErrorCode`` and
    ``ErrorAfterProcessing``; ``size`` the padding of ``Huge``.
    """

    kind: str
    operation: str | None = None
    times: int = 1
    section: str | None = None
    seller_id: str | None = None
    seconds: float = 0.0
    status: int = 500
    code: str = "InternalError"
    size: int = 0

    def __post_init__(self) -> None:
        self.kind = _ALIASES.get(self.kind, self.kind)
        if self.kind not in FAULT_KINDS:
            raise ValueError(f"unknown fault kind {self.kind!r}; known: {', '.join(sorted(FAULT_KINDS))}")
        if self.times < 0:
            raise ValueError("times must be >= 0")

    def matches(self, section: str, operation: str, seller_id: str) -> bool:
        """Whether this entry applies to the call."""
        if self.kind in ("NextTokenCorrupted", "RepeatToken") and not operation.endswith("ByNextToken"):
            return False
        if self.kind == "MD5Mismatch" and operation not in DOCUMENT_OPERATIONS:
            return False
        return (
            self.times > 0
            and (self.operation is None or self.operation == operation)
            and (self.section is None or self.section == section)
            and (self.seller_id is None or self.seller_id == seller_id)
        )


@dataclass
class Faults:
    """Fault configuration of one sandbox; every field may be changed while it runs.

    Rates are probabilities in [0, 1] checked in the order of the fields below; ``latency`` seconds are
    added to every authenticated call; ``clock_offset`` seconds shift the server clock used for the
    15-minute Timestamp check and for the times the sandbox reports.
    """

    seed: int = 0
    throttle_rate: float = 0.0
    quota_exceeded_rate: float = 0.0
    service_unavailable_rate: float = 0.0
    internal_error_rate: float = 0.0
    reset_rate: float = 0.0
    truncate_rate: float = 0.0
    html_rate: float = 0.0
    next_token_corrupted_rate: float = 0.0
    latency: float = 0.0
    clock_offset: float = 0.0
    schedule: list[Fault] = field(default_factory=list)
    md5_mismatch_rate: float = 0.0
    reset_after_processing_rate: float = 0.0
    _rng: random.Random = field(init=False, repr=False)
    _rng2: random.Random = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._rng = random.Random(self.seed)
        self._rng2 = random.Random(f"{self.seed}:post-processing")

    def add(self, kind: str, operation: str | None = None, *, times: int = 1, **match: object) -> Fault:
        """Schedule a fault (shorthand for ``schedule.append(Fault(...))``); returns the entry."""
        fault = Fault(kind, operation, times, **match)  # type: ignore[arg-type]
        self.schedule.append(fault)
        return fault

    def reset(self) -> None:
        """Back to no faults at all (the random generator restarts from the seed)."""
        self.throttle_rate = self.quota_exceeded_rate = self.service_unavailable_rate = 0.0
        self.internal_error_rate = self.reset_rate = self.truncate_rate = self.html_rate = 0.0
        self.next_token_corrupted_rate = self.latency = self.clock_offset = 0.0
        self.md5_mismatch_rate = self.reset_after_processing_rate = 0.0
        self.schedule.clear()
        self._rng = random.Random(self.seed)
        self._rng2 = random.Random(f"{self.seed}:post-processing")

    @property
    def active(self) -> bool:
        """Whether any fault could fire (lets the hot path skip the draw)."""
        return bool(
            self.schedule
            or self.throttle_rate
            or self.quota_exceeded_rate
            or self.service_unavailable_rate
            or self.internal_error_rate
            or self.reset_rate
            or self.truncate_rate
            or self.html_rate
            or self.next_token_corrupted_rate
            or self.md5_mismatch_rate
            or self.reset_after_processing_rate
        )

    def pick(self, section: str, operation: str, seller_id: str) -> Fault | None:
        """The fault for this call, if any (consumes one use of a scheduled entry)."""
        for entry in self.schedule:
            if entry.matches(section, operation, seller_id):
                entry.times -= 1
                return Fault(
                    entry.kind,
                    operation,
                    1,
                    seconds=entry.seconds,
                    status=entry.status,
                    code=entry.code,
                    size=entry.size,
                )
        rates = (
            ("RequestThrottled", self.throttle_rate),
            ("QuotaExceeded", self.quota_exceeded_rate),
            ("ServiceUnavailable", self.service_unavailable_rate),
            ("InternalError", self.internal_error_rate),
            ("ConnectionReset", self.reset_rate),
            ("Truncated", self.truncate_rate),
            ("HTML", self.html_rate),
            ("NextTokenCorrupted", self.next_token_corrupted_rate),
        )
        for kind, rate in rates:
            if kind == "NextTokenCorrupted" and not operation.endswith("ByNextToken"):
                continue
            # Draw even for a zero rate, so changing one rate does not shift every later draw of the others.
            if self._rng.random() < rate:
                return Fault(kind, operation, 1)
        if operation in DOCUMENT_OPERATIONS and self._rng2.random() < self.md5_mismatch_rate:
            return Fault("MD5Mismatch", operation, 1)
        if self._rng2.random() < self.reset_after_processing_rate:
            return Fault("ResetAfterProcessing", operation, 1)
        return None
