"""What the sandbox saw: one small record per request, in a bounded deque."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Final

__all__ = ["REDACTED_PARAMS", "RequestLog", "RequestRecord"]

# Never kept: the signature and the auth token are credentials, the access key identifies the developer.
REDACTED_PARAMS: Final = frozenset({"Signature", "MWSAuthToken", "AWSAccessKeyId"})


@dataclass(frozen=True, slots=True)
class RequestRecord:
    """One request as the sandbox answered it.

    ``processed`` is True only when the operation itself ran and answered 200 (a request refused by
    authentication, throttling, a validation error or an injected fault was not processed). ``fault`` names
    the injected fault, if any. ``body_size`` and ``body_md5`` (base64, as in Content-MD5) describe a raw
    request payload (SubmitFeed) as received, so a test can prove a feed landed exactly once.
    """

    time: float
    operation: str | None
    section: str | None
    seller_id: str | None
    params: Mapping[str, str]
    status: int
    error_code: str | None
    processed: bool
    fault: str | None = None
    request_id: str = field(default="", compare=False)
    body_size: int = 0
    body_md5: str | None = None


class RequestLog:
    """Bounded, append-only log of :class:`RequestRecord` with a few query helpers."""

    def __init__(self, maxlen: int = 100_000) -> None:
        self._records: deque[RequestRecord] = deque(maxlen=maxlen)

    def append(self, record: RequestRecord) -> None:
        """Add a record (the oldest drops out when full)."""
        self._records.append(record)

    def __iter__(self) -> Iterator[RequestRecord]:
        return iter(list(self._records))

    def __len__(self) -> int:
        return len(self._records)

    def __getitem__(self, index: int) -> RequestRecord:
        return self._records[index]

    def clear(self) -> None:
        """Forget every record."""
        self._records.clear()

    def filter(
        self,
        operation: str | None = None,
        *,
        section: str | None = None,
        processed: bool | None = None,
        status: int | None = None,
        error_code: str | None = None,
        seller_id: str | None = None,
    ) -> list[RequestRecord]:
        """Records matching every given criterion."""
        return [
            r
            for r in self._records
            if (operation is None or r.operation == operation)
            and (section is None or r.section == section)
            and (processed is None or r.processed == processed)
            and (status is None or r.status == status)
            and (error_code is None or r.error_code == error_code)
            and (seller_id is None or r.seller_id == seller_id)
        ]

    def count(
        self,
        operation: str | None = None,
        *,
        section: str | None = None,
        processed: bool | None = None,
        status: int | None = None,
        error_code: str | None = None,
        seller_id: str | None = None,
    ) -> int:
        """How many records match (``count("ListOrders", processed=True)``)."""
        return len(
            self.filter(
                operation,
                section=section,
                processed=processed,
                status=status,
                error_code=error_code,
                seller_id=seller_id,
            )
        )

    def last(self, operation: str | None = None) -> RequestRecord | None:
        """The most recent record (of ``operation``, if given)."""
        for record in reversed(self._records):
            if operation is None or record.operation == operation:
                return record
        return None
