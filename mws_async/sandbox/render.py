"""XML rendering helpers shared by every sandbox handler.

Responses are assembled from strings (no DOM): it is several times faster than building an element tree,
and the shapes are fixed. Everything that goes between tags or into an attribute passes through :func:`esc`.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import UTC, datetime
from email.utils import format_datetime
from typing import Final

__all__ = [
    "XML_DECL",
    "SandboxError",
    "el",
    "envelope",
    "error_body",
    "esc",
    "http_date",
    "invalid",
    "iso_ms",
    "iso_s",
    "missing",
    "money",
    "multi_envelope",
    "new_request_id",
]

XML_DECL: Final = '<?xml version="1.0"?>\n'

_ESCAPES: Final = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"})


def esc(value: object) -> str:
    """Escape text for use between tags or inside a double-quoted attribute."""
    return str(value).translate(_ESCAPES)


def el(name: str, value: object) -> str:
    """``<name>value</name>`` with the value escaped."""
    return f"<{name}>{esc(value)}</{name}>"


def money(name: str, amount: str, currency: str, *, amount_first: bool = False) -> str:
    """A Money element; MWS orders the two children differently per operation, so the caller chooses."""
    if amount_first:
        return f"<{name}><Amount>{amount}</Amount><CurrencyCode>{currency}</CurrencyCode></{name}>"
    return f"<{name}><CurrencyCode>{currency}</CurrencyCode><Amount>{amount}</Amount></{name}>"


def new_request_id() -> str:
    """A fresh MWS request id (a UUID, as in every recorded response)."""
    return str(uuid.uuid4())


def iso_ms(moment: datetime) -> str:
    """``2018-04-27T14:47:22.379Z`` (x-mws-timestamp, quota reset, GetServiceStatus Timestamp)."""
    moment = moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def iso_s(moment: datetime) -> str:
    """``2015-01-01T00:01:29Z`` (order dates, as recorded)."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def http_date(moment: datetime) -> str:
    """RFC 1123 ``Date`` header value."""
    return format_datetime(moment.astimezone(UTC), usegmt=True)


def envelope(action: str, namespace: str, result: str, request_id: str, *, result_attrs: str = "") -> bytes:
    """The success envelope: ``{Action}Response`` / ``{Action}Result`` / ``ResponseMetadata``."""
    return (
        f'{XML_DECL}<{action}Response xmlns="{namespace}">'
        f"<{action}Result{result_attrs}>{result}</{action}Result>"
        f"<ResponseMetadata><RequestId>{request_id}</RequestId></ResponseMetadata></{action}Response>"
    ).encode()


def multi_envelope(action: str, namespace: str, results: Iterable[str], request_id: str) -> bytes:
    """An envelope holding several complete ``{Action}Result`` elements (Products per-item operations)."""
    return (
        f'{XML_DECL}<{action}Response xmlns="{namespace}">{"".join(results)}'
        f"<ResponseMetadata><RequestId>{request_id}</RequestId></ResponseMetadata></{action}Response>"
    ).encode()


def error_body(namespace: str, code: str, message: str, request_id: str, *, type: str = "Sender") -> bytes:
    """An ``ErrorResponse`` document exactly as MWS sent them (``RequestID`` with capital D)."""
    return (
        f'{XML_DECL}<ErrorResponse xmlns="{namespace}">'
        f"<Error><Type>{esc(type)}</Type><Code>{esc(code)}</Code>"
        f"<Message>{esc(message)}</Message></Error><RequestID>{request_id}</RequestID></ErrorResponse>"
    ).encode()


class SandboxError(Exception):
    """Raised anywhere in request processing to answer with an ``ErrorResponse`` (or a custom ``body``).

    ``body`` is for the few documented error shapes that are not the common one (the attribute-carrying
    GetLowestPricedOffers error); it receives the request id and must return the whole document.
    """

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        *,
        type: str = "Sender",
        headers: dict[str, str] | None = None,
        body: str | None = None,
    ) -> None:
        super().__init__(f"{status} {code}: {message}")
        self.status = status
        self.code = code
        self.message = message
        self.type = type
        self.headers = headers or {}
        self.body = body

    def render(self, namespace: str, request_id: str) -> bytes:
        """The response body for this error."""
        if self.body is not None:
            return self.body.replace("{RequestID}", request_id).encode()
        return error_body(namespace, self.code, self.message, request_id, type=self.type)


def missing(name: str) -> SandboxError:
    """400 MissingParameter for a required parameter."""
    return SandboxError(400, "MissingParameter", f"The request must contain the parameter {name}.")


def invalid(message: str) -> SandboxError:
    """400 InvalidParameterValue."""
    return SandboxError(400, "InvalidParameterValue", message)
