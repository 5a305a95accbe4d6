"""Feeds 2009-01-01: SubmitFeed with Content-MD5 checks, submission lists (HasNext), counts, cancellation
and the processing report.

- SubmitFeed keeps every parameter in the query string and the feed as the raw body. ``ContentMD5Value``
  (or the legacy ``Content-MD5`` header) must equal base64(MD5(body)): missing -> 400 ContentMD5Missing,
  different -> 400 ContentMD5DoesNotMatch, parameter and header disagreeing -> 400 InvalidParameterValue.
  The request log record of every SubmitFeed carries the body's size and MD5.
- A submission is ``_SUBMITTED_`` for 30 scaled seconds, ``_IN_PROGRESS_`` until 60, then ``_DONE_``.
- Messages: an XML feed has one per ``<Message>``; a flat file one per data line (after its header line,
  or after the three header lines of a ``TemplateType=`` template). A flat-file record with an empty first
  cell (no SKU) is an error.
- CancelFeedSubmissions (no filter = all) turns only ``_SUBMITTED_`` submissions ``_CANCELLED_``; like the
  recorded answers it lists (≤100) and counts every matching submission, cancelled or not.
- GetFeedSubmissionResult before ``_DONE_`` -> 404 FeedProcessingResultNotReady; a cancelled feed -> 400
  FeedCanceled; then an ``AmazonEnvelope`` ProcessingReport with a ``Content-MD5`` header.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Iterator, Mapping
from typing import Any, Final

from mws_async.sandbox.bodies import Upload
from mws_async.sandbox.handlers.common import (
    date_param,
    int_param,
    iso_tz,
    list_values,
    marketplace,
    md5_b64,
    require,
)
from mws_async.sandbox.registry import RawResponse, Registry, RequestContext, SectionSpec
from mws_async.sandbox.render import SandboxError, el, envelope, esc, invalid, missing
from mws_async.sandbox.store import FeedSubmission, SellerState
from mws_async.sandbox.tokens import decode_token, encode_token

__all__ = ["FEEDS", "NS", "count_messages", "register"]

NS: Final = "http://mws.amazonaws.com/doc/2009-01-01/"
FEEDS: Final = SectionSpec(
    "Feeds", "/Feeds/2009-01-01", "2009-01-01", NS, quota_headers=True, root_dispatch=True
)
STATUSES: Final = (
    "_SUBMITTED_", "_IN_PROGRESS_", "_DONE_", "_CANCELLED_", "_AWAITING_ASYNCHRONOUS_REPLY_",
    "_IN_SAFETY_NET_", "_UNCONFIRMED_",
)  # fmt: skip
_MESSAGE: Final = re.compile(rb"<Message[\s>]")
_LINE_KEPT: Final = 64 * 1024


def count_messages(body: bytes | Iterable[bytes]) -> tuple[int, tuple[tuple[int, str], ...]]:
    """(messages, failed records as (record number, SKU)) of a feed body, whole or in chunks (a spooled
    feed is counted as it is read back, never joined)."""
    chunks = iter((body,) if isinstance(body, bytes) else body)
    first = b""
    for first in chunks:
        if first.lstrip(b"\xef\xbb\xbf \t\r\n"):
            break
    if first.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
        return _count_xml(itertools.chain((first,), chunks)), ()
    lines = (line for line in _lines(itertools.chain((first,), chunks)) if line.strip())
    header = next(lines, None)
    if header is None:
        return 0, ()
    skip = 2 if header.startswith("TemplateType=") else 0
    records = 0
    errors = []
    for line in lines:
        if skip:
            skip -= 1
            continue
        records += 1
        if not line.split("\t", 1)[0].strip():
            errors.append((records, ""))
    return records, tuple(errors)


def _count_xml(chunks: Iterable[bytes]) -> int:
    """``<Message>`` elements across chunk boundaries (a match is 9 bytes: keep 8 from the last chunk)."""
    count = 0
    tail = b""
    for chunk in chunks:
        window = tail + chunk
        count += len(_MESSAGE.findall(window))
        tail = window[-8:]
    return count


def _lines(chunks: Iterable[bytes]) -> Iterator[str]:
    """The lines of a flat file read in chunks (any line ending; a line is kept to its first 64 KiB, which
    holds the SKU cell, so one endless line cannot fill memory)."""
    pending = b""
    overlong = False
    for chunk in chunks:
        pieces = (pending + chunk).split(b"\n")
        pending = pieces.pop()
        for piece in pieces:
            if overlong:
                overlong = False
                continue  # the rest of a line already yielded
            yield from piece.decode("latin-1").splitlines()
        if len(pending) > _LINE_KEPT:
            if not overlong:
                yield from pending[:_LINE_KEPT].decode("latin-1").splitlines()[:1]
            overlong, pending = True, b""
    if pending and not overlong:
        yield from pending.decode("latin-1").splitlines()


def _state(ctx: RequestContext) -> SellerState:
    return ctx.world.store.seller(ctx.seller_id)


def render_info(feed: FeedSubmission, mono: float) -> str:
    """One ``<FeedSubmissionInfo>``."""
    status = feed.status(mono)
    parts = [
        "<FeedSubmissionInfo>",
        el("FeedSubmissionId", feed.submission_id),
        el("FeedType", feed.feed_type),
        el("SubmittedDate", iso_tz(feed.submitted)),
        el("FeedProcessingStatus", status),
    ]
    if status in ("_IN_PROGRESS_", "_DONE_"):
        parts.append(el("StartedProcessingDate", iso_tz(feed.started)))
    if status == "_DONE_":
        parts.append(el("CompletedProcessingDate", iso_tz(feed.completed)))
    parts.append("</FeedSubmissionInfo>")
    return "".join(parts)


def _submit_feed(ctx: RequestContext) -> bytes:
    p = ctx.params
    feed_type = require(p, "FeedType")
    for marketplace_id in list_values(p, "MarketplaceIdList.Id"):
        marketplace(marketplace_id)
    param = (p.get("ContentMD5Value") or "").strip()
    header = (ctx.headers.get("content-md5") or "").strip()
    if param and header and param != header:
        raise invalid("The ContentMD5Value parameter and the Content-MD5 header differ.")
    given = param or header
    if not given:
        raise SandboxError(
            400, "ContentMD5Missing", "The Content-MD5 HTTP header or ContentMD5Value is missing."
        )
    upload = ctx.upload if ctx.upload is not None else Upload.of(ctx.body)
    if not upload.size:
        raise missing("FeedContent")
    actual = upload.md5
    if given != actual:
        raise SandboxError(
            400,
            "ContentMD5DoesNotMatch",
            f"the Content-MD5 HTTP header you passed for your feed ({given}) did not match the Content-MD5 "
            f"we calculated for your feed ({actual})",
        )
    state = _state(ctx)
    seq = len(state.feeds)
    messages, errors = count_messages(upload.chunks())
    feed = FeedSubmission(
        seq=seq,
        submission_id=state.feed_id(seq),
        feed_type=feed_type,
        submitted=ctx.now,
        mono=ctx.mono,
        time_scale=ctx.time_scale,
        body_size=upload.size,
        body_md5=actual,
        messages=messages,
        errors=len(errors),
        error_rows=errors,
    )
    state.feeds.append(feed)
    return envelope("SubmitFeed", NS, render_info(feed, ctx.mono), ctx.request_id)


def _query(params: Mapping[str, str], *, with_ids: bool = True, with_statuses: bool = True) -> dict[str, Any]:
    ids = list_values(params, "FeedSubmissionIdList.Id") if with_ids else []
    if len(ids) > 100:
        raise invalid("There are more than 100 elements in FeedSubmissionIdList.")
    statuses = list_values(params, "FeedProcessingStatusList.Status") if with_statuses else []
    for status in statuses:
        if status not in STATUSES:
            raise invalid(f"{status} is not a valid FeedProcessingStatus.")
    low, high = date_param(params, "SubmittedFromDate"), date_param(params, "SubmittedToDate")
    return {
        "ids": ids,
        "types": list_values(params, "FeedTypeList.Type"),
        "st": statuses,
        "from": low.timestamp() if low else None,
        "to": high.timestamp() if high else None,
    }


def _matching(
    state: SellerState, query: Mapping[str, Any], mono: float, top: int | None = None
) -> list[FeedSubmission]:
    """Submissions matching the query, newest first (ids override the other filters)."""
    ids, types, statuses = set(query["ids"]), set(query["types"]), set(query["st"])
    out = []
    for feed in reversed(state.feeds):
        if top is not None and feed.seq > top:
            continue
        if ids:
            if feed.submission_id in ids:
                out.append(feed)
            continue
        if types and feed.feed_type not in types:
            continue
        if statuses and feed.status(mono) not in statuses:
            continue
        stamp = feed.submitted.timestamp()
        if (query["from"] is not None and stamp < query["from"]) or (
            query["to"] is not None and stamp > query["to"]
        ):
            continue
        out.append(feed)
    return out


def _list_page(
    ctx: RequestContext, action: str, query: dict[str, Any], top: int, offset: int, n: int
) -> bytes:
    matched = _matching(_state(ctx), query, ctx.mono, top)
    more = offset + n < len(matched)
    token = ""
    if more:
        token = el(
            "NextToken",
            encode_token(ctx.world.token_key, "feeds", {"q": query, "t": top, "o": offset + n, "n": n}),
        )
    infos = "".join(render_info(f, ctx.mono) for f in matched[offset : offset + n])
    return envelope(action, NS, f"{token}{el('HasNext', str(more).lower())}{infos}", ctx.request_id)


def _get_feed_submission_list(ctx: RequestContext) -> bytes:
    query = _query(ctx.params)
    n = int_param(ctx.params, "MaxCount", 10, 1, 100)
    state = _state(ctx)
    top = state.feeds[-1].seq if state.feeds else -1
    return _list_page(ctx, "GetFeedSubmissionList", query, top, 0, n)


def _get_feed_submission_list_by_next_token(ctx: RequestContext) -> bytes:
    payload = decode_token(ctx.world.token_key, "feeds", require(ctx.params, "NextToken"))
    return _list_page(
        ctx,
        "GetFeedSubmissionListByNextToken",
        payload["q"],
        int(payload["t"]),
        int(payload["o"]),
        int(payload["n"]),
    )


def _get_feed_submission_count(ctx: RequestContext) -> bytes:
    matched = _matching(_state(ctx), _query(ctx.params, with_ids=False), ctx.mono)
    return envelope("GetFeedSubmissionCount", NS, el("Count", len(matched)), ctx.request_id)


def _cancel_feed_submissions(ctx: RequestContext) -> bytes:
    matched = _matching(_state(ctx), _query(ctx.params, with_statuses=False), ctx.mono)
    for feed in matched:
        if feed.status(ctx.mono) == "_SUBMITTED_":
            feed.cancelled_at = ctx.now
    infos = "".join(render_info(f, ctx.mono) for f in matched[:100])
    return envelope("CancelFeedSubmissions", NS, el("Count", len(matched)) + infos, ctx.request_id)


def _result(number: int, sku: str) -> str:
    info = f"<AdditionalInfo>{el('SKU', sku)}</AdditionalInfo>" if sku else ""
    return (
        f"<Result><MessageID>{number}</MessageID><ResultCode>Error</ResultCode>"
        f"<ResultMessageCode>8560</ResultMessageCode><ResultDescription>SKU is required for record "
        f"{number}.</ResultDescription>{info}</Result>"
    )


def processing_report(seller_id: str, feed: FeedSubmission) -> bytes:
    """The ``AmazonEnvelope`` processing report of a processed feed."""
    rows = feed.error_rows or tuple((k, "") for k in range(1, feed.errors + 1))
    results = "".join(_result(number, sku) for number, sku in rows)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<AmazonEnvelope xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        'xsi:noNamespaceSchemaLocation="amzn-envelope.xsd">'
        f"<Header><DocumentVersion>1.02</DocumentVersion>{el('MerchantIdentifier', seller_id)}</Header>"
        "<MessageType>ProcessingReport</MessageType><Message><MessageID>1</MessageID><ProcessingReport>"
        f"{el('DocumentTransactionID', feed.submission_id)}<StatusCode>Complete</StatusCode>"
        f"<ProcessingSummary>{el('MessagesProcessed', feed.messages)}"
        f"{el('MessagesSuccessful', feed.messages - feed.errors)}{el('MessagesWithError', feed.errors)}"
        f"<MessagesWithWarning>0</MessagesWithWarning></ProcessingSummary>{results}"
        "</ProcessingReport></Message></AmazonEnvelope>\n"
    ).encode()


def _get_feed_submission_result(ctx: RequestContext) -> RawResponse:
    submission_id = require(ctx.params, "FeedSubmissionId")
    feed = _state(ctx).find_feed(submission_id)
    if feed is None:
        raise SandboxError(
            400, "InvalidFeedSubmissionId", f"Feed Submission Id {esc(submission_id)} is invalid."
        )
    status = feed.status(ctx.mono)
    if status == "_CANCELLED_":
        raise SandboxError(400, "FeedCanceled", f"Feed {submission_id} was canceled.")
    if status != "_DONE_":
        raise SandboxError(
            404,
            "FeedProcessingResultNotReady",
            f"Feed Submission Result is not ready for Feed {submission_id}",
        )
    data = processing_report(ctx.seller_id, feed)
    return RawResponse(lambda: iter((data,)), len(data), "text/xml", {"content-md5": md5_b64(data)})


def register(registry: Registry) -> None:
    """Add the Feeds section and its six operations."""
    section = registry.add_section(FEEDS)
    registry.add(section, "SubmitFeed", _submit_feed, mutates=True)
    registry.add(section, "GetFeedSubmissionList", _get_feed_submission_list)
    registry.add(section, "GetFeedSubmissionListByNextToken", _get_feed_submission_list_by_next_token)
    registry.add(section, "GetFeedSubmissionCount", _get_feed_submission_count)
    registry.add(section, "CancelFeedSubmissions", _cancel_feed_submissions, mutates=True)
    registry.add(section, "GetFeedSubmissionResult", _get_feed_submission_result)
