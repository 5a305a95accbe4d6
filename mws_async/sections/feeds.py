"""Feeds API (2009-01-01): SubmitFeed (streamed body, Content-MD5), submission lists, cancel, results.

A submitted feed is never sent twice unless MWS said it was not processed (503 throttled /
unavailable): a connection that fails after the body was sent raises
:class:`~mws_async.errors.OutcomeUnknownError`; check ``get_feed_submission_list`` before resubmitting.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any, Final

from mws_async import xml
from mws_async.errors import ClientValidationError, UnexpectedResponseError
from mws_async.http import header_safe
from mws_async.marketplaces import Marketplace
from mws_async.models.feeds import (
    FEEDS_FORCE_LIST,
    CancelFeedSubmissionsResult,
    FeedProcessingStatus,
    FeedSubmissionInfo,
    GetFeedSubmissionCountResult,
    GetFeedSubmissionListResult,
    ProcessingReport,
    SubmitFeedResult,
    processing_report_from_text,
    processing_report_from_xml,
)
from mws_async.operations import Operation, Param
from mws_async.pagination import Paginator
from mws_async.sections.base import SectionClient, answered, as_list, paginated
from mws_async.settings import shown
from mws_async.transfer import (
    DownloadResult,
    FeedBodySource,
    charset_of,
    download_to_path,
    peek,
    prepare_feed_body,
    spooled,
)
from mws_async.transport import Section

__all__ = ["FEEDS", "FEED_STATUSES", "FeedBodySource", "FeedsSection", "feed_content_type"]

FEEDS: Final = Section(
    "Feeds", "/Feeds/2009-01-01", "2009-01-01", "http://mws.amazonaws.com/doc/2009-01-01/", "Merchant"
)
FEED_STATUSES: Final = frozenset(s.value for s in FeedProcessingStatus)

_IDS = Param("feed_submission_ids", "FeedSubmissionIdList.Id", "list", max_items=100)
_TYPES = Param("feed_types", "FeedTypeList.Type", "list")
_STATUSES = Param("statuses", "FeedProcessingStatusList.Status", "list", choices=FEED_STATUSES)
_FROM = Param("submitted_from", "SubmittedFromDate", "datetime")
_TO = Param("submitted_to", "SubmittedToDate", "datetime", after="submitted_from")

SUBMIT_FEED: Final[Operation[SubmitFeedResult]] = Operation(
    FEEDS,
    "SubmitFeed",
    (
        Param("feed_type", "FeedType", required=True),
        Param("marketplace_ids", "MarketplaceIdList.Id", "list"),
        Param("purge_and_replace", "PurgeAndReplace", "bool"),
        Param("feed_options", "FeedOptions"),
    ),
    SubmitFeedResult,
    idempotent=False,
    force_list=FEEDS_FORCE_LIST,
)
GET_FEED_SUBMISSION_LIST, GET_FEED_SUBMISSION_LIST_BY_NEXT_TOKEN = paginated(
    FEEDS,
    "GetFeedSubmissionList",
    (_IDS, Param("max_count", "MaxCount", "int", min_value=1, max_value=100), _TYPES, _STATUSES, _FROM, _TO),
    GetFeedSubmissionListResult,
    mode="has_next",
    natural_id=lambda info: info.feed_submission_id,
    force_list=FEEDS_FORCE_LIST,
)
GET_FEED_SUBMISSION_COUNT: Final[Operation[GetFeedSubmissionCountResult]] = Operation(
    FEEDS,
    "GetFeedSubmissionCount",
    (_TYPES, _STATUSES, _FROM, _TO),
    GetFeedSubmissionCountResult,
    force_list=FEEDS_FORCE_LIST,
)
CANCEL_FEED_SUBMISSIONS: Final[Operation[CancelFeedSubmissionsResult]] = Operation(
    FEEDS,
    "CancelFeedSubmissions",
    (_IDS, _TYPES, _FROM, _TO),
    CancelFeedSubmissionsResult,
    idempotent=False,
    force_list=FEEDS_FORCE_LIST,
)
GET_FEED_SUBMISSION_RESULT: Final[Operation[None]] = Operation(
    FEEDS,
    "GetFeedSubmissionResult",
    (Param("feed_submission_id", "FeedSubmissionId", required=True),),
    raw=True,
)


def _check_content_type(value: object) -> str | None:
    """``content_type`` as a header-safe value (:func:`~mws_async.http.header_safe`), checked before sending:
    httpx and aiohttp would otherwise fail on it only while the request is being written."""
    if value is None:
        return None
    if not isinstance(value, str):
        problem = f"content_type must be a str such as 'text/xml', got {type(value).__name__}"
    elif not value.strip():
        problem = "content_type is empty; leave it None to choose it from the feed's format"
    elif not header_safe(value):
        problem = (
            "content_type must be printable ASCII without line breaks or control characters (it is sent "
            f"as a header), got {shown(value)}"
        )
    else:
        return value
    raise ClientValidationError(SUBMIT_FEED.action, [problem])


def feed_content_type(first_bytes: bytes, marketplace: Marketplace) -> str:
    """Content type by feed format: XML feeds ``text/xml``; flat files tab-separated in the marketplace's
    encoding (ISO-8859-1 for NA/EU, Shift_JIS for JP, UTF-8 for CN)."""
    if first_bytes.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
        return "text/xml"
    charset = {"shift_jis": "Shift_JIS", "utf-8": "UTF-8"}.get(marketplace.flat_file_encoding, "iso-8859-1")
    return f"text/tab-separated-values; charset={charset}"


class FeedsSection(SectionClient):
    """``client.feeds``: the Feeds API."""

    async def submit_feed(
        self,
        body: FeedBodySource,
        feed_type: str,
        *,
        marketplaces: Any = None,
        purge_and_replace: bool | None = None,
        feed_options: str | None = None,
        content_type: str | None = None,
    ) -> FeedSubmissionInfo:
        """SubmitFeed. ``body`` is bytes (or a bytearray / memoryview), a file path (str or os.PathLike: a
        str is always read as a path, so pass feed content as bytes), a binary file object opened for
        reading (read once, from its current position) or an async iterable of bytes; a file object or an
        iterable is spooled once to compute the MD5 in a streaming pass. Retried only when MWS said the
        feed was not processed.

        The arguments (``content_type`` included: printable ASCII) are checked before the body is read, and
        the body before anything is sent: another kind of body, a path that is not a readable file, a
        text-mode or closed file object, an iterable item that is not bytes, or an empty body (``b""``, an
        empty file, an iterator yielding nothing) are :class:`~mws_async.errors.ClientValidationError`,
        whose message never shows the body."""
        args = {
            k: v
            for k, v in {
                "feed_type": feed_type,
                "marketplace_ids": self._marketplace_ids(marketplaces),
                "purge_and_replace": purge_and_replace,
                "feed_options": feed_options,
            }.items()
            if v is not None
        }
        SUBMIT_FEED.build(args, default_marketplace=self._client.marketplace.marketplace_id)
        content_type = _check_content_type(content_type)
        prepared = await prepare_feed_body(body, operation=SUBMIT_FEED.action)
        if prepared.size == 0:
            prepared.discard()
            raise ClientValidationError(
                SUBMIT_FEED.action, ["the feed body is empty; MWS would reject it, so nothing was sent"]
            )
        try:
            if content_type is None:
                content_type = feed_content_type(await peek(prepared), self._client.marketplace)
            result: SubmitFeedResult = await self._client.send_with_body(
                SUBMIT_FEED,
                args,
                body=prepared.factory(),
                content_type=content_type,
                extra_params={"ContentMD5Value": prepared.md5},
                credentials=self._credentials,
            )
        finally:
            prepared.discard()
        return answered(result.feed_submission_info, SUBMIT_FEED, "FeedSubmissionInfo")

    def get_feed_submission_list(
        self,
        *,
        feed_submission_ids: Iterable[str] | None = None,
        max_count: int | None = None,
        feed_types: Iterable[str] | None = None,
        statuses: Iterable[str] | None = None,
        submitted_from: datetime | None = None,
        submitted_to: datetime | None = None,
        next_token: str | None = None,
    ) -> Paginator[FeedSubmissionInfo]:
        """GetFeedSubmissionList (+ByNextToken, HasNext paging)."""
        return self._paginate(
            GET_FEED_SUBMISSION_LIST,
            next_token=next_token,
            feed_submission_ids=as_list(feed_submission_ids, GET_FEED_SUBMISSION_LIST, "feed_submission_ids"),
            max_count=max_count,
            feed_types=as_list(feed_types, GET_FEED_SUBMISSION_LIST, "feed_types"),
            statuses=as_list(statuses, GET_FEED_SUBMISSION_LIST, "statuses"),
            submitted_from=submitted_from,
            submitted_to=submitted_to,
        )

    async def get_feed_submission_count(
        self,
        *,
        feed_types: Iterable[str] | None = None,
        statuses: Iterable[str] | None = None,
        submitted_from: datetime | None = None,
        submitted_to: datetime | None = None,
    ) -> int:
        """GetFeedSubmissionCount."""
        result: GetFeedSubmissionCountResult = await self._call(
            GET_FEED_SUBMISSION_COUNT,
            feed_types=as_list(feed_types, GET_FEED_SUBMISSION_COUNT, "feed_types"),
            statuses=as_list(statuses, GET_FEED_SUBMISSION_COUNT, "statuses"),
            submitted_from=submitted_from,
            submitted_to=submitted_to,
        )
        return result.count or 0

    async def cancel_feed_submissions(
        self,
        *,
        feed_submission_ids: Sequence[str] | None = None,
        feed_types: Iterable[str] | None = None,
        submitted_from: datetime | None = None,
        submitted_to: datetime | None = None,
    ) -> CancelFeedSubmissionsResult:
        """CancelFeedSubmissions (only feeds not yet started can be cancelled)."""
        return await self._call(
            CANCEL_FEED_SUBMISSIONS,
            feed_submission_ids=as_list(feed_submission_ids, CANCEL_FEED_SUBMISSIONS, "feed_submission_ids"),
            feed_types=as_list(feed_types, CANCEL_FEED_SUBMISSIONS, "feed_types"),
            submitted_from=submitted_from,
            submitted_to=submitted_to,
        )

    def _opener(self, feed_submission_id: str) -> Any:
        client, credentials = self._client, self._credentials
        args = {"feed_submission_id": feed_submission_id}
        return lambda: client.open_stream(GET_FEED_SUBMISSION_RESULT, args, credentials=credentials)

    async def download_feed_submission_result(
        self, feed_submission_id: str, path: str | os.PathLike[str]
    ) -> DownloadResult:
        """GetFeedSubmissionResult streamed to ``path`` with its Content-MD5 verified, as
        :meth:`ReportsSection.get_report <mws_async.sections.reports.ReportsSection.get_report>` does (the
        path is checked before anything is sent; a character device or FIFO is written directly)."""
        return await download_to_path(
            self._opener(feed_submission_id),
            path,
            operation=GET_FEED_SUBMISSION_RESULT.action,
            write_timeout=self._client.transport.timeout,
        )

    async def get_feed_submission_result(self, feed_submission_id: str) -> ProcessingReport:
        """GetFeedSubmissionResult parsed: an XML ``ProcessingReport`` or a flat-file text summary."""
        async with spooled(self._opener(feed_submission_id)) as download:
            data = download.path.read_bytes()
        if data.lstrip().startswith(b"<"):
            try:
                return processing_report_from_xml(xml.parse(data, force_list=FEEDS_FORCE_LIST))
            except ValueError as exc:
                raise UnexpectedResponseError(
                    f"feed processing result is not a processing report ({exc})",
                    status_code=200,
                    content_type=download.content_type,
                    first_bytes=data,
                    operation="GetFeedSubmissionResult",
                ) from None
        text = data.decode(charset_of(download.content_type, "windows-1252"), errors="replace")
        return processing_report_from_text(text)
