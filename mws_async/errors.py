"""The exception tree of mws-async.

::

    MWSError
    ├── ConfigurationError (also ValueError)     bad endpoint, credentials, user agent, quota table
    ├── ClientValidationError (also ValueError)  arguments rejected before anything was sent
    ├── ClientClosedError                        a client used after aclose(), or from another event loop
    ├── QuotaCostError (also ValueError)         a request costs more than its bucket can ever hold
    ├── ClockSkewError                           the server's clock is absurdly far from ours (> 24 h)
    ├── TransportError                           connection failures and timeouts
    │   └── OutcomeUnknownError                  a non-idempotent call may or may not have reached MWS
    ├── UnexpectedResponseError                  not MWS XML at all: HTML from a proxy, empty, truncated
    │   └── ResponseTooLargeError                a body beyond the size cap (reading stopped there)
    ├── ContentMD5MismatchError                  a report / feed result body does not match Content-MD5
    ├── DownloadWriteError                       a download could not be written here (disk full, ...)
    ├── PaginationLoopError                      the server repeated a NextToken: the listing would not end
    └── MWSResponseError                         an ErrorResponse from MWS (code, message, status, ids)
        ├── ThrottledError
        │   ├── RequestThrottledError            503 RequestThrottled: bucket empty
        │   └── QuotaExceededError               503 QuotaExceeded: hourly quota used up
        ├── ServiceUnavailableError              503 ServiceUnavailable
        ├── InternalServerError                  500 InternalError
        ├── AuthenticationError
        │   ├── SignatureDoesNotMatchError
        │   ├── InvalidAccessKeyIdError
        │   └── AccessDeniedError
        ├── InvalidParameterError                InvalidParameterValue, MissingParameter, ...
        │   └── RequestExpiredError              timestamp outside MWS's 15-minute window (clock skew)
        ├── NextTokenCorruptedError
        └── InvalidAddressError                  unknown section / operation

No exception message ever contains a secret key or an MWSAuthToken: messages are built from the error
body MWS returned (which never echoes them) and from operation names. Every exception pickles.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar

__all__ = [
    "AccessDeniedError",
    "AuthenticationError",
    "ClientClosedError",
    "ClientValidationError",
    "ClockSkewError",
    "ConfigurationError",
    "ContentMD5MismatchError",
    "DeadlineExceededError",
    "DownloadWriteError",
    "InternalServerError",
    "InvalidAccessKeyIdError",
    "InvalidAddressError",
    "InvalidParameterError",
    "MWSError",
    "MWSResponseError",
    "NextTokenCorruptedError",
    "OutcomeUnknownError",
    "PaginationLoopError",
    "QuotaCostError",
    "QuotaExceededError",
    "ReportCancelledError",
    "RequestExpiredError",
    "RequestThrottledError",
    "ResponseTooLargeError",
    "ServiceUnavailableError",
    "SignatureDoesNotMatchError",
    "ThrottledError",
    "TransportError",
    "UnexpectedResponseError",
    "error_class_for",
]


class MWSError(Exception):
    """Root of every error mws-async raises."""

    def __reduce__(self) -> tuple[Any, ...]:
        # Keyword-carrying subclasses rebuild from their __dict__; plain ones from args.
        return (_rebuild, (type(self), self.args, self.__dict__))


def _rebuild(cls: type[MWSError], args: tuple[Any, ...], state: dict[str, Any]) -> MWSError:
    exc = cls.__new__(cls)
    Exception.__init__(exc, *args)
    exc.__dict__.update(state)
    return exc


class ConfigurationError(MWSError, ValueError):
    """Invalid configuration: credentials, endpoint, user agent, quota override."""


class ClientValidationError(MWSError, ValueError):
    """Arguments rejected before any request was sent. ``problems`` lists every problem found."""

    def __init__(self, operation: str, problems: list[str]) -> None:
        self.operation = operation
        self.problems = list(problems)
        super().__init__(f"{operation}: " + "; ".join(self.problems))


class ClientClosedError(MWSError):
    """A client used after :meth:`aclose` (or the end of its ``async with`` block), or from an event loop
    other than the one it first ran in (its connection pool belongs to that loop). Nothing was sent: make a
    new client, inside the loop that uses it."""


class QuotaCostError(MWSError, ValueError):
    """A request whose cost exceeds its bucket's maximum quota: it could never be admitted."""

    def __init__(self, group: str, cost: float, capacity: float) -> None:
        self.group, self.cost, self.capacity = group, cost, capacity
        super().__init__(
            f"a {group} request costing {cost:g} exceeds the maximum quota of {capacity:g}; "
            f"split it into requests of at most {capacity:g} items"
        )


class ClockSkewError(MWSError):
    """The server's clock differs from ours by more than a day: not adopted (a proxy or a broken server).

    ``offset`` is server minus local time in seconds; ``header`` the header it came from.
    """

    def __init__(self, offset: float, header: str, *, operation: str | None = None) -> None:
        self.offset, self.header, self.operation = offset, header, operation
        where = f"{operation}: " if operation else ""
        super().__init__(
            f"{where}the server rejected our Timestamp, and its clock ({header}) differs from this machine's "
            f"by {offset / 86400:+.1f} days, more than 24 h: not adopted. Check the endpoint (a proxy?) and "
            "this machine's clock."
        )


class DeadlineExceededError(MWSError):
    """A call could not finish within its deadline (:func:`mws_async.deadline` or ``max_wait=``).

    Raised at once, before anything is sent and without taking quota, when the throttle says the wait for
    quota is longer than the time left; or when the time left cannot cover the next retry. ``would_wait``
    is the wait (seconds) that did not fit: a web handler can answer 429/503 with ``Retry-After`` from it.
    ``budget`` is the time that was left. A non-idempotent call that was sent when the deadline passed
    raises :class:`OutcomeUnknownError` instead (it may have been processed).
    """

    def __init__(
        self, operation: str, would_wait: float, budget: float, *, reason: str = "waiting for quota"
    ) -> None:
        self.operation = operation
        self.would_wait = max(0.0, would_wait)
        self.budget = max(0.0, budget)
        self.reason = reason
        super().__init__(
            f"{operation}: {reason} would take {self.would_wait:.3f} s but only {self.budget:.3f} s of the "
            "deadline is left; nothing was sent for this attempt. Retry after would_wait seconds, or give "
            "the call a longer deadline."
        )


class TransportError(MWSError):
    """The request could not be completed at the HTTP level (connect, read, timeout, protocol)."""

    def __init__(
        self,
        message: str,
        *,
        operation: str | None = None,
        attempts: int = 1,
        elapsed: float | None = None,
    ) -> None:
        self.operation = operation
        self.attempts = attempts
        self.elapsed = elapsed
        """Seconds from the first attempt to giving up (set when retries were made)."""
        self.detail = message
        super().__init__(message)

    def with_context(
        self, *, attempts: int | None = None, elapsed: float | None = None, note: str | None = None
    ) -> TransportError:
        """Record the attempts made and the time spent (message updated)."""
        if attempts is not None:
            self.attempts = attempts
        if elapsed is not None:
            self.elapsed = elapsed
        text = self.detail
        if self.attempts > 1:
            spent = f" in {self.elapsed:.1f} s" if self.elapsed is not None else ""
            text += f" (after {self.attempts} attempts{spent})"
        if note:
            text += f"; {note}"
        self.args = (text,)
        return self


class OutcomeUnknownError(TransportError):
    """A non-idempotent call (SubmitFeed, RequestReport, ...) failed after the request may have reached MWS.

    It was not resent, because resending could submit it twice. Check with the matching list operation
    (GetFeedSubmissionList, GetReportRequestList) before submitting again.
    """


class UnexpectedResponseError(MWSError):
    """The response is not MWS XML: an HTML error page, an empty or truncated body, or a body too large.

    Carries what arrived: HTTP status, content type and the first bytes of the body. ``transient`` says
    whether the same request may well get a good answer next time (a truncated body, a proxy's 5xx page);
    None leaves it to the status code.
    """

    def __init__(
        self,
        reason: str,
        *,
        status_code: int | None = None,
        content_type: str | None = None,
        first_bytes: bytes = b"",
        operation: str | None = None,
        request_id: str | None = None,
        transient: bool | None = None,
    ) -> None:
        self.reason = reason
        self.status_code = status_code
        self.content_type = content_type
        self.first_bytes = first_bytes[:200]
        self.operation = operation
        self.request_id = request_id
        self.transient = transient
        where = f"{operation}: " if operation else ""
        super().__init__(
            f"{where}{reason} (HTTP {status_code}, content type {content_type!r}, "
            f"body starts {self.first_bytes!r})"
        )

    @property
    def retryable(self) -> bool:
        """A 5xx page from a proxy or a truncated body may well succeed on a retry."""
        if self.transient is not None:
            return self.transient
        return self.status_code is None or self.status_code >= 500 or self.status_code == 200


class ResponseTooLargeError(UnexpectedResponseError):
    """A response body passed the size cap: reading stopped there (``size`` bytes seen or declared,
    ``limit`` the cap). Not retried: the same request would get the same answer."""

    def __init__(
        self,
        size: int,
        limit: int,
        *,
        declared: bool = False,
        status_code: int | None = None,
        content_type: str | None = None,
        operation: str | None = None,
        request_id: str | None = None,
    ) -> None:
        self.size, self.limit = size, limit
        seen = f"declares {size} bytes" if declared else f"passed {size} bytes before reading stopped"
        super().__init__(
            f"the answer {seen}, above the {limit}-byte cap for responses (raise max_response_bytes if "
            "such answers are expected)",
            status_code=status_code,
            content_type=content_type,
            operation=operation,
            request_id=request_id,
            transient=False,
        )


class ContentMD5MismatchError(MWSError):
    """A downloaded body (report, feed processing result) does not match its ``Content-MD5`` header."""

    def __init__(self, expected: str, actual: str, *, operation: str | None = None) -> None:
        self.expected, self.actual, self.operation = expected, actual, operation
        super().__init__(
            f"{operation or 'download'}: Content-MD5 mismatch: header {expected!r}, body {actual!r}"
        )


class DownloadWriteError(MWSError):
    """A report or feed result could not be written on this machine (disk full, no permission, a name too
    long...): the answer came, the file system refused it. ``path`` is the target and ``errno`` the
    operating system's error number (None if unknown). Free space or fix the path, then download again."""

    def __init__(self, message: str, *, path: str, errno: int | None) -> None:
        self.path = path
        self.errno = errno
        super().__init__(message)


class MWSResponseError(MWSError):
    """An ``ErrorResponse`` from MWS.

    Attributes: ``code``, ``message``, ``type`` (Sender/Receiver), ``detail``, ``status_code``,
    ``request_id``, ``timestamp`` (x-mws-timestamp), ``operation``, ``attempts``.
    """

    codes: ClassVar[tuple[str, ...]] = ()
    """MWS error codes this class stands for (the code -> class table is built from these)."""

    def __init__(
        self,
        code: str,
        message: str,
        *,
        type: str | None = None,
        detail: str | None = None,
        status_code: int | None = None,
        request_id: str | None = None,
        timestamp: datetime | None = None,
        operation: str | None = None,
        attempts: int = 1,
        resets_on: datetime | None = None,
    ) -> None:
        self.code = code
        self.message = message
        self.type = type
        self.detail = detail
        self.status_code = status_code
        self.request_id = request_id
        self.timestamp = timestamp
        self.operation = operation
        self.attempts = attempts
        self.resets_on = resets_on
        self.elapsed: float | None = None
        """Seconds from the first attempt to giving up (set when retries were made)."""
        self.note: str | None = None
        self.body: bytes | None = None
        """The raw error body (kept for operations that read per-item failures from it; never printed)."""
        super().__init__(self._format())

    def _format(self) -> str:
        where = f"{self.operation}: " if self.operation else ""
        rid = f", RequestId {self.request_id}" if self.request_id else ""
        spent = f" in {self.elapsed:.1f} s" if self.elapsed is not None else ""
        tries = f", after {self.attempts} attempts{spent}" if self.attempts > 1 else ""
        note = f"; {self.note}" if self.note else ""
        return f"{where}{self.code} (HTTP {self.status_code}): {self.message}{rid}{tries}{note}"

    def with_context(
        self,
        *,
        operation: str | None = None,
        attempts: int | None = None,
        elapsed: float | None = None,
        note: str | None = None,
    ) -> MWSResponseError:
        """Fill in the operation, attempt count, time spent and a note once known (message updated)."""
        if operation is not None:
            self.operation = operation
        if attempts is not None:
            self.attempts = attempts
        if elapsed is not None:
            self.elapsed = elapsed
        if note is not None:
            self.note = note
        self.args = (self._format(),)
        return self


class ThrottledError(MWSResponseError):
    """MWS refused the request for quota reasons; it was not processed, so a retry is always safe."""


class RequestThrottledError(ThrottledError):
    """503 RequestThrottled: the operation's bucket was empty."""

    codes = ("RequestThrottled",)


class QuotaExceededError(ThrottledError):
    """503 QuotaExceeded: the hourly quota is used up until ``resets_on``."""

    codes = ("QuotaExceeded",)


class ServiceUnavailableError(MWSResponseError):
    """503 ServiceUnavailable: MWS could not take the request now; retry with backoff."""

    codes = ("ServiceUnavailable",)


class InternalServerError(MWSResponseError):
    """500 InternalError: MWS failed while processing; idempotent calls are retried."""

    codes = ("InternalError", "RetriableInternalError", "NonRetriableInternalError")


class AuthenticationError(MWSResponseError):
    """The request was not authenticated or not authorised."""


class SignatureDoesNotMatchError(AuthenticationError):
    """403 SignatureDoesNotMatch: wrong secret key, or a request altered in transit."""

    codes = ("SignatureDoesNotMatch",)


class InvalidAccessKeyIdError(AuthenticationError):
    """403 InvalidAccessKeyId: MWS does not know this AWSAccessKeyId."""

    codes = ("InvalidAccessKeyId",)


class AccessDeniedError(AuthenticationError):
    """401 AccessDenied: the developer may not call this for this seller (or HTTPS was not used)."""

    codes = ("AccessDenied", "AccessToReportDenied", "AccessToFeedProcessingResultDenied")


class InvalidParameterError(MWSResponseError):
    """400 InvalidParameterValue / MissingParameter / similar: the request itself is wrong."""

    codes: ClassVar[tuple[str, ...]] = (
        "InvalidParameterValue",
        "MissingParameter",
        "InvalidRequest",
        "InputDataError",
        "InvalidFeedType",
        "InvalidReportType",
        "InvalidReportId",
        "InvalidReportRequestId",
        "InvalidFeedSubmissionId",
        "InvalidScheduleFrequency",
        "UserAgentHeaderMissing",
        "UserAgentHeaderMalformed",
        "UserAgentHeaderLanguageAttributeMissing",
        "UserAgentHeaderMaximumLengthExceeded",
        "ContentMD5Missing",
        "ContentMD5DoesNotMatch",
        "MissingClientTokenId",
    )


class RequestExpiredError(InvalidParameterError):
    """The Timestamp was outside MWS's 15-minute window: the local clock is skewed."""

    codes = ("RequestExpired",)


class NextTokenCorruptedError(MWSResponseError):
    """The NextToken cannot be used; restart from the originating operation (never repeat the token)."""

    codes = ("NextTokenCorrupted",)


class InvalidAddressError(MWSResponseError):
    """404 InvalidAddress: unknown section, version or operation."""

    codes = ("InvalidAddress",)


_BY_CODE: dict[str, type[MWSResponseError]] = {}
for _cls in (
    RequestThrottledError,
    QuotaExceededError,
    ServiceUnavailableError,
    InternalServerError,
    SignatureDoesNotMatchError,
    InvalidAccessKeyIdError,
    AccessDeniedError,
    InvalidParameterError,
    RequestExpiredError,
    NextTokenCorruptedError,
    InvalidAddressError,
):
    for _code in _cls.codes:
        _BY_CODE[_code] = _cls


def _mentions_expired_timestamp(message: str) -> bool:
    text = message.lower()
    return "timestamp" in text and any(w in text for w in ("expired", "15 minutes", "skew", "in the future"))


def error_class_for(code: str, message: str = "", status_code: int | None = None) -> type[MWSResponseError]:
    """The exception class for an MWS error code (MWS folds clock-skew into InvalidParameterValue).

    Only the codes MWS documents as "not processed" (RequestThrottled, QuotaExceeded, ServiceUnavailable)
    map to the classes a non-idempotent call may be resent after; any other code on a 5xx is an
    :class:`InternalServerError` (the server may have processed the request). A 429 is a throttle.
    """
    cls = _BY_CODE.get(code)
    if (
        cls is InvalidParameterError
        and code == "InvalidParameterValue"
        and _mentions_expired_timestamp(message)
    ):
        return RequestExpiredError
    if cls is not None:
        return cls
    if status_code == 429:
        return RequestThrottledError
    if status_code is not None and status_code >= 500:
        return InternalServerError
    return MWSResponseError


class ReportCancelledError(MWSError):
    """A requested report ended ``_CANCELLED_`` instead of ``_DONE_``."""

    def __init__(self, report_request_id: str) -> None:
        self.report_request_id = report_request_id
        super().__init__(f"report request {report_request_id} was cancelled (_CANCELLED_)")


class PaginationLoopError(MWSError):
    """The server handed out a NextToken this listing had already used: paging on would never end.

    ``operation`` is the call whose answer repeated the token, ``token_position`` the page (1-based, counted
    over the whole listing) whose answer repeated it, ``first_position`` the page whose answer first gave
    it (0 for a token passed in as ``next_token=``), ``pages`` the pages fetched, and ``token_prefix`` the
    token's first characters (tokens can be long).
    """

    def __init__(
        self, operation: str, token: str, *, token_position: int, first_position: int, pages: int
    ) -> None:
        self.operation = operation
        self.token_prefix = token[:16] + ("..." if len(token) > 16 else "")
        self.token_position = token_position
        self.first_position = first_position
        self.pages = pages
        first = "the next_token it was started with" if first_position == 0 else f"page {first_position}"
        super().__init__(
            f"{operation}: the server repeated NextToken {self.token_prefix!r} at page {token_position} "
            f"(first given by {first}; {pages} pages fetched), so the listing would never end; it was not "
            "sent again. Every record received was yielded, but the listing may be incomplete: run it "
            "again later (or narrow its filters)"
        )
