"""SP-API errors: the JSON ``{"errors": [{"code", "message", "details"}]}`` answers, as exceptions.

::

    MWSError
    └── SPAPIError                      any non-2xx SP-API answer (status, code, message, details, request_id)
        ├── SPAPIThrottledError         429 QuotaExceeded: not processed, always safe to retry
        ├── SPAPIServerError            500 / 502 / 503 / 504: retried (every Pricing v0 operation is a read)
        ├── SPAPIAuthError              401 / 403: missing, invalid or expired access token, or no access
        └── LWAError                    the Login with Amazon token endpoint refused the refresh token

Messages are built from the error body SP-API returned and from operation names, never from credentials:
no client secret, refresh token or access token can appear in an exception's text.
"""

from __future__ import annotations

from typing import Any

from mws_async.errors import MWSError

__all__ = [
    "LWAError",
    "SPAPIAuthError",
    "SPAPIError",
    "SPAPIServerError",
    "SPAPIThrottledError",
    "capped_text",
    "error_class_for_status",
]


class SPAPIError(MWSError):
    """A non-2xx SP-API response.

    Attributes: ``status`` (HTTP status), ``code`` (first error's code, e.g. ``InvalidInput``), ``message``,
    ``details``, ``request_id`` (``x-amzn-RequestId``), ``operation``, ``attempts`` and ``errors`` (every
    ``{"code", "message", "details"}`` of the body).
    """

    def __init__(
        self,
        status: int | None,
        code: str,
        message: str,
        *,
        details: str | None = None,
        request_id: str | None = None,
        operation: str | None = None,
        attempts: int = 1,
        errors: list[dict[str, Any]] | None = None,
    ) -> None:
        self.status = status
        self.code = code
        self.message = message
        self.details = details
        self.request_id = request_id
        self.operation = operation
        self.attempts = attempts
        self.errors = list(errors or [])
        super().__init__(self._format())

    def _format(self) -> str:
        where = f"{self.operation}: " if self.operation else ""
        extra = f" ({self.details})" if self.details else ""
        rid = f", x-amzn-RequestId {self.request_id}" if self.request_id else ""
        tries = f", after {self.attempts} attempts" if self.attempts > 1 else ""
        return f"{where}{self.code} (HTTP {self.status}): {self.message}{extra}{rid}{tries}"

    def with_attempts(self, attempts: int) -> SPAPIError:
        """Record how many attempts were made (message updated)."""
        self.attempts = attempts
        self.args = (self._format(),)
        return self

    @property
    def retryable(self) -> bool:
        """Whether a retry can succeed without changing the request (throttles and server errors)."""
        return False


class SPAPIThrottledError(SPAPIError):
    """429 QuotaExceeded: the usage plan's bucket was empty; the request was not processed."""

    @property
    def retryable(self) -> bool:
        """Always: a throttled request was not processed."""
        return True


class SPAPIServerError(SPAPIError):
    """500 InternalFailure, 503 ServiceUnavailable (or a 502/504 from a proxy)."""

    @property
    def retryable(self) -> bool:
        """Always for Pricing v0: every operation is read-only."""
        return True


class SPAPIAuthError(SPAPIError):
    """401/403 Unauthorized: the access token is missing, invalid or expired, or access is denied."""

    @property
    def token_expired(self) -> bool:
        """Whether the server said the access token expired (a refreshed token fixes it)."""
        return "expired" in self.message.lower()


class LWAError(SPAPIError):
    """The LWA token endpoint refused the refresh (``invalid_grant``, ``invalid_client``, ...).

    ``code`` is LWA's ``error`` field and ``message`` its ``error_description``.
    """


def error_class_for_status(status: int) -> type[SPAPIError]:
    """The exception class for an HTTP status."""
    if status == 429:
        return SPAPIThrottledError
    if status in (500, 502, 503, 504):
        return SPAPIServerError
    if status in (401, 403):
        return SPAPIAuthError
    return SPAPIError


def capped_text(value: object, limit: int) -> str | None:
    """``value`` as text of at most ``limit`` characters, cut with "..." (None when empty): what a server
    sent as an error code or message goes into logs and ``str(error)``, whatever its size."""
    if not value:
        return None
    text = str(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."
