"""Reports 2009-01-01: the whole report lifecycle, lists with HasNext paging, schedules, acknowledgements,
and GetReport documents streamed from the world.

Behaviour (see :mod:`mws_async.sandbox.store` for the per-seller state and its prepopulated history):

- RequestReport creates a request ``_SUBMITTED_``; over the sandbox clock (scaled) it becomes
  ``_IN_PROGRESS_`` after 30 s and final after 60 s: ``_DONE_`` with a GeneratedReportId, or
  ``_DONE_NO_DATA_`` when the report type contains ``NO_DATA``, ``_CANCELLED_`` when it contains ``CANCEL``.
- Lists are newest first. ``RequestedFromDate`` / ``AvailableFromDate`` do not default to 90 days ago
  (leniency: the history is dated before the fixed world anchor, and must stay listable whatever the date).
  A NextToken pins the listing to the requests that existed when it started, so new requests never shift
  later pages.
- CancelReportRequests cancels only requests still ``_SUBMITTED_`` (returns ≤100 infos and the count).
- GetReport answers the raw document: tab-separated with a header row, windows-1252, ``Content-MD5``.
  ``_GET_MERCHANT_LISTINGS_DATA_`` (and other ``LISTINGS`` types) list the seller's SKUs;
  ``_GET_FLAT_FILE_ORDERS_DATA_`` (``ORDERS`` / ``SETTLEMENT`` types) the world's order items between the
  request's StartDate and EndDate; ``INVENTORY`` types the FBA supply; ``_GET_SANDBOX_LARGE_REPORT_`` is
  ``size=<bytes>`` (ReportOptions, default 1 MiB) of synthetic rows generated chunk by chunk: its MD5 is
  computed in a first streaming pass and cached, so memory stays flat whatever the size.
- RequestReport and ManageReportSchedule accept the documented report types
  (:data:`mws_async.sections.reports.REPORT_TYPES`) and the sandbox's test types
  (``_GET_SANDBOX_LARGE_REPORT_`` and any type containing ``NO_DATA`` or ``CANCEL``); any other is
  ``InvalidParameterValue`` naming it, as MWS answered, instead of a listings report under a made-up name.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Callable, Iterator, Mapping
from datetime import datetime, timedelta
from typing import Any, Final

from mws_async.sandbox.handlers.common import (
    bool_param,
    date_param,
    int_param,
    iso_tz,
    list_values,
    marketplace,
    require,
)
from mws_async.sandbox.registry import RawResponse, Registry, RequestContext, SectionSpec
from mws_async.sandbox.render import SandboxError, el, envelope, invalid, missing
from mws_async.sandbox.store import ReportRequest, SellerState, supply
from mws_async.sandbox.tokens import decode_token, encode_token
from mws_async.sandbox.world import World, format_amount
from mws_async.sections.reports import REPORT_TYPES

__all__ = [
    "LARGE_REPORT_TYPE",
    "NS",
    "REPORTS",
    "SANDBOX_REPORT_TYPES",
    "SCHEDULES",
    "accepts_report_type",
    "register",
    "report_chunks",
]

NS: Final = "http://mws.amazonaws.com/doc/2009-01-01/"
REPORTS: Final = SectionSpec(
    "Reports", "/Reports/2009-01-01", "2009-01-01", NS, quota_headers=True, root_dispatch=True
)
STATUSES: Final = ("_SUBMITTED_", "_IN_PROGRESS_", "_CANCELLED_", "_DONE_", "_DONE_NO_DATA_")
SCHEDULES: Final = frozenset(
    {
        "_15_MINUTES_", "_30_MINUTES_", "_1_HOUR_", "_2_HOURS_", "_4_HOURS_", "_8_HOURS_", "_12_HOURS_",
        "_1_DAY_", "_2_DAYS_", "_72_HOURS_", "_1_WEEK_", "_7_DAYS_", "_14_DAYS_", "_15_DAYS_", "_30_DAYS_",
        "_NEVER_",
    }
)  # fmt: skip
LARGE_REPORT_TYPE: Final = "_GET_SANDBOX_LARGE_REPORT_"
SANDBOX_REPORT_TYPES: Final = (LARGE_REPORT_TYPE, "_GET_SANDBOX_NO_DATA_", "_GET_SANDBOX_CANCEL_")
"""Report types only the sandbox knows: a large synthetic report, and requests that end without data or
cancelled (any type containing ``NO_DATA`` / ``CANCEL`` does the same)."""
_KNOWN_TYPES: Final = frozenset(REPORT_TYPES) | frozenset(SANDBOX_REPORT_TYPES)
CONTENT_TYPE: Final = "text/plain;charset=windows-1252"
_CHUNK: Final = 256 * 1024
_DEFAULT_LARGE: Final = 1 << 20
_MAX_LARGE: Final = 4 << 30


# --- parameters ---------------------------------------------------------------------------------------
def accepts_report_type(report_type: str) -> bool:
    """Whether RequestReport / ManageReportSchedule take ``report_type`` (see the module docstring)."""
    return report_type in _KNOWN_TYPES or "NO_DATA" in report_type or "CANCEL" in report_type


def _report_type(params: Mapping[str, str]) -> str:
    report_type = require(params, "ReportType")
    if not accepts_report_type(report_type):
        raise invalid(f"{report_type} is not a valid ReportType.")
    return report_type


def _ids(params: Mapping[str, str], prefix: str) -> list[str]:
    ids = list_values(params, prefix)
    if len(ids) > 100:
        raise invalid(f"There are more than 100 elements in {prefix.split('.')[0]}.")
    return ids


def _statuses(params: Mapping[str, str]) -> list[str]:
    values = list_values(params, "ReportProcessingStatusList.Status")
    for value in values:
        if value not in STATUSES:
            raise invalid(f"{value} is not a valid ReportProcessingStatus; valid: {', '.join(STATUSES)}.")
    return values


def _stamp(moment: datetime | None) -> float | None:
    return moment.timestamp() if moment is not None else None


def _request_query(params: Mapping[str, str], *, with_ids: bool = True) -> dict[str, Any]:
    return {
        "ids": _ids(params, "ReportRequestIdList.Id") if with_ids else [],
        "types": list_values(params, "ReportTypeList.Type"),
        "st": _statuses(params),
        "from": _stamp(date_param(params, "RequestedFromDate")),
        "to": _stamp(date_param(params, "RequestedToDate")),
    }


def _report_query(params: Mapping[str, str], *, with_ids: bool = True) -> dict[str, Any]:
    return {
        "ids": _ids(params, "ReportRequestIdList.Id") if with_ids else [],
        "types": list_values(params, "ReportTypeList.Type"),
        "ack": bool_param(params, "Acknowledged"),
        "from": _stamp(date_param(params, "AvailableFromDate")),
        "to": _stamp(date_param(params, "AvailableToDate")),
    }


def _in_range(moment: datetime, low: float | None, high: float | None) -> bool:
    stamp = moment.timestamp()
    return (low is None or stamp >= low) and (high is None or stamp <= high)


def _matching_requests(
    state: SellerState, query: Mapping[str, Any], mono: float, top: int | None = None
) -> list[ReportRequest]:
    """Requests matching the query, newest first (ids override every other filter)."""
    out = []
    ids = set(query["ids"])
    types, statuses = set(query["types"]), set(query["st"])
    for request in reversed(state.requests):
        if top is not None and request.seq > top:
            continue
        if ids:
            if request.request_id in ids:
                out.append(request)
            continue
        if types and request.report_type not in types:
            continue
        if statuses and request.status(mono) not in statuses:
            continue
        if not _in_range(request.submitted, query["from"], query["to"]):
            continue
        out.append(request)
    return out


def _matching_reports(
    state: SellerState, query: Mapping[str, Any], mono: float, top: int | None = None
) -> list[ReportRequest]:
    """Requests with a downloadable report matching the query, newest first."""
    out = []
    ids = set(query["ids"])
    types = set(query["types"])
    for request in reversed(state.requests):
        if (top is not None and request.seq > top) or not request.has_report(mono):
            continue
        if ids and request.request_id not in ids:
            continue
        if types and request.report_type not in types:
            continue
        if query["ack"] is not None and request.acknowledged != query["ack"]:
            continue
        if not _in_range(request.completed, query["from"], query["to"]):
            continue
        out.append(request)
    return out


# --- rendering ----------------------------------------------------------------------------------------
def render_request(request: ReportRequest, mono: float) -> str:
    """One ``<ReportRequestInfo>``."""
    status = request.status(mono)
    parts = [
        "<ReportRequestInfo>",
        el("ReportRequestId", request.request_id),
        el("ReportType", request.report_type),
        el("StartDate", iso_tz(request.start)),
        el("EndDate", iso_tz(request.end)),
        el("Scheduled", str(request.scheduled).lower()),
        el("SubmittedDate", iso_tz(request.submitted)),
        el("ReportProcessingStatus", status),
    ]
    if status == "_DONE_" and request.report_id is not None:
        parts.append(el("GeneratedReportId", request.report_id))
    if status not in ("_SUBMITTED_",) and not (status == "_CANCELLED_" and request.cancelled_at):
        parts.append(el("StartedProcessingDate", iso_tz(request.started)))
    if status in ("_DONE_", "_DONE_NO_DATA_", "_CANCELLED_"):
        parts.append(el("CompletedDate", iso_tz(request.completed)))
    parts.append("</ReportRequestInfo>")
    return "".join(parts)


def render_report(request: ReportRequest) -> str:
    """One ``<ReportInfo>``."""
    if request.report_id is None:
        raise ValueError(f"report request {request.request_id} has no report yet")
    acknowledged = (
        el("AcknowledgedDate", iso_tz(request.acknowledged_date)) if request.acknowledged_date else ""
    )
    return (
        f"<ReportInfo>{el('ReportId', request.report_id)}{el('ReportType', request.report_type)}"
        f"{el('ReportRequestId', request.request_id)}{el('AvailableDate', iso_tz(request.completed))}"
        f"{el('Acknowledged', str(request.acknowledged).lower())}{acknowledged}</ReportInfo>"
    )


def _page(
    ctx: RequestContext,
    action: str,
    kind: str,
    records: list[str],
    query: dict[str, Any],
    top: int,
    offset: int,
    per_page: int,
    total: int,
) -> bytes:
    more = offset + per_page < total
    token = ""
    if more:
        token = el(
            "NextToken",
            encode_token(
                ctx.world.token_key, kind, {"q": query, "t": top, "o": offset + per_page, "n": per_page}
            ),
        )
    body = f"{token}{el('HasNext', str(more).lower())}{''.join(records)}"
    return envelope(action, NS, body, ctx.request_id)


def _state(ctx: RequestContext) -> SellerState:
    return ctx.world.store.seller(ctx.seller_id)


def _top(state: SellerState) -> int:
    return state.requests[-1].seq if state.requests else -1


# --- operations ---------------------------------------------------------------------------------------
def _request_report(ctx: RequestContext) -> bytes:
    p = ctx.params
    report_type = _report_type(p)
    start, end = date_param(p, "StartDate"), date_param(p, "EndDate")
    if start and end and end < start:
        raise invalid("EndDate must be later than StartDate.")
    if start and start > ctx.now + timedelta(minutes=2):
        raise invalid("StartDate cannot be in the future.")
    for marketplace_id in list_values(p, "MarketplaceIdList.Id"):
        marketplace(marketplace_id)
    options = p.get("ReportOptions", "")
    if report_type == LARGE_REPORT_TYPE:
        _large_size(options)  # validate now, not at download time
    state = _state(ctx)
    seq = len(state.requests)
    final = "_DONE_"
    if "NO_DATA" in report_type:
        final = "_DONE_NO_DATA_"
    elif "CANCEL" in report_type:
        final = "_CANCELLED_"
    request = ReportRequest(
        seq=seq,
        request_id=state.request_id(seq),
        report_type=report_type,
        start=start or ctx.now,
        end=end or ctx.now,
        submitted=ctx.now,
        mono=ctx.mono,
        time_scale=ctx.time_scale,
        final=final,
        report_id=state.report_id(seq) if final == "_DONE_" else None,
        options=options,
    )
    state.requests.append(request)
    return envelope("RequestReport", NS, render_request(request, ctx.mono), ctx.request_id)


def _request_list(
    ctx: RequestContext, action: str, query: dict[str, Any], top: int, offset: int, n: int
) -> bytes:
    matched = _matching_requests(_state(ctx), query, ctx.mono, top)
    page = [render_request(r, ctx.mono) for r in matched[offset : offset + n]]
    return _page(ctx, action, "reportrequests", page, query, top, offset, n, len(matched))


def _get_report_request_list(ctx: RequestContext) -> bytes:
    query = _request_query(ctx.params)
    n = int_param(ctx.params, "MaxCount", 10, 1, 100)
    return _request_list(ctx, "GetReportRequestList", query, _top(_state(ctx)), 0, n)


def _get_report_request_list_by_next_token(ctx: RequestContext) -> bytes:
    payload = decode_token(ctx.world.token_key, "reportrequests", require(ctx.params, "NextToken"))
    return _request_list(
        ctx,
        "GetReportRequestListByNextToken",
        payload["q"],
        int(payload["t"]),
        int(payload["o"]),
        int(payload["n"]),
    )


def _count(action: str, count: int, ctx: RequestContext) -> bytes:
    return envelope(action, NS, el("Count", count), ctx.request_id)


def _get_report_request_count(ctx: RequestContext) -> bytes:
    matched = _matching_requests(_state(ctx), _request_query(ctx.params, with_ids=False), ctx.mono)
    return _count("GetReportRequestCount", len(matched), ctx)


def _cancel_report_requests(ctx: RequestContext) -> bytes:
    matched = _matching_requests(_state(ctx), _request_query(ctx.params), ctx.mono)
    cancelled = [r for r in matched if r.status(ctx.mono) == "_SUBMITTED_"]
    for request in cancelled:
        request.cancelled_at = ctx.now
    infos = "".join(render_request(r, ctx.mono) for r in cancelled[:100])
    return envelope("CancelReportRequests", NS, el("Count", len(cancelled)) + infos, ctx.request_id)


def _report_list(
    ctx: RequestContext, action: str, query: dict[str, Any], top: int, offset: int, n: int
) -> bytes:
    matched = _matching_reports(_state(ctx), query, ctx.mono, top)
    page = [render_report(r) for r in matched[offset : offset + n]]
    return _page(ctx, action, "reports", page, query, top, offset, n, len(matched))


def _get_report_list(ctx: RequestContext) -> bytes:
    query = _report_query(ctx.params)
    n = int_param(ctx.params, "MaxCount", 10, 1, 100)
    return _report_list(ctx, "GetReportList", query, _top(_state(ctx)), 0, n)


def _get_report_list_by_next_token(ctx: RequestContext) -> bytes:
    payload = decode_token(ctx.world.token_key, "reports", require(ctx.params, "NextToken"))
    return _report_list(
        ctx, "GetReportListByNextToken", payload["q"], int(payload["t"]), int(payload["o"]), int(payload["n"])
    )


def _get_report_count(ctx: RequestContext) -> bytes:
    matched = _matching_reports(_state(ctx), _report_query(ctx.params, with_ids=False), ctx.mono)
    return _count("GetReportCount", len(matched), ctx)


def _render_schedule(report_type: str, schedule: str, when: datetime) -> str:
    return (
        f"<ReportSchedule>{el('ReportType', report_type)}{el('Schedule', schedule)}"
        f"{el('ScheduledDate', iso_tz(when))}</ReportSchedule>"
    )


def _manage_report_schedule(ctx: RequestContext) -> bytes:
    p = ctx.params
    report_type = _report_type(p)
    schedule = require(p, "Schedule")
    if schedule not in SCHEDULES:
        raise invalid(f"{schedule} is not a valid Schedule.")
    when = date_param(p, "ScheduleDate") or ctx.now
    if when > ctx.now + timedelta(days=366):
        raise invalid("ScheduleDate must be no more than 366 days in the future.")
    state = _state(ctx)
    if schedule == "_NEVER_":
        existed = state.schedules.pop(report_type, None) is not None
        body = el("Count", int(existed)) + (_render_schedule(report_type, schedule, when) if existed else "")
    else:
        state.schedules[report_type] = (schedule, when)
        body = el("Count", 1) + _render_schedule(report_type, schedule, when)
    return envelope("ManageReportSchedule", NS, body, ctx.request_id)


def _schedules(ctx: RequestContext, types: list[str]) -> list[str]:
    wanted = set(types)
    return [
        _render_schedule(t, schedule, when)
        for t, (schedule, when) in sorted(_state(ctx).schedules.items())
        if not wanted or t in wanted
    ]


def _schedule_page(ctx: RequestContext, action: str, types: list[str], offset: int) -> bytes:
    schedules = _schedules(ctx, types)
    return _page(
        ctx,
        action,
        "schedules",
        schedules[offset : offset + 100],
        {"types": types},
        0,
        offset,
        100,
        len(schedules),
    )


def _get_report_schedule_list(ctx: RequestContext) -> bytes:
    return _schedule_page(ctx, "GetReportScheduleList", list_values(ctx.params, "ReportTypeList.Type"), 0)


def _get_report_schedule_list_by_next_token(ctx: RequestContext) -> bytes:
    payload = decode_token(ctx.world.token_key, "schedules", require(ctx.params, "NextToken"))
    return _schedule_page(
        ctx, "GetReportScheduleListByNextToken", list(payload["q"]["types"]), int(payload["o"])
    )


def _get_report_schedule_count(ctx: RequestContext) -> bytes:
    count = len(_schedules(ctx, list_values(ctx.params, "ReportTypeList.Type")))
    return _count("GetReportScheduleCount", count, ctx)


def _update_report_acknowledgements(ctx: RequestContext) -> bytes:
    ids = list_values(ctx.params, "ReportIdList.Id")
    if not ids:
        raise missing("ReportIdList.Id.1")
    if len(ids) > 100:
        raise invalid("There are more than 100 elements in ReportIdList.")
    acknowledged = bool_param(ctx.params, "Acknowledged")
    flag = True if acknowledged is None else acknowledged
    state = _state(ctx)
    updated = []
    for report_id in ids:
        request = state.find_report(report_id)
        if request is None or not request.has_report(ctx.mono):
            continue
        request.acknowledged = flag
        request.acknowledged_date = ctx.now if flag else None
        updated.append(render_report(request))
    body = el("Count", len(updated)) + "".join(updated)
    return envelope("UpdateReportAcknowledgements", NS, body, ctx.request_id)


# --- documents ----------------------------------------------------------------------------------------
def _large_size(options: str) -> int:
    for part in options.replace("&", ";").split(";"):
        name, _, value = part.partition("=")
        if name.strip().lower() == "size":
            try:
                size = int(value.strip())
            except ValueError:
                raise invalid(f"ReportOptions size must be a number of bytes, not {value!r}.") from None
            if not 0 <= size <= _MAX_LARGE:
                raise invalid(f"ReportOptions size must be between 0 and {_MAX_LARGE}.")
            return size
    return _DEFAULT_LARGE


_FILLER: Final = "Sandbox large report row; deterministic filler text"


def _large_chunks(size: int) -> Iterator[bytes]:
    remaining = size
    header = b"row-number\tseller-sku\tpayload\n"[:remaining]
    yield header
    remaining -= len(header)
    n = 0
    rows = 3000
    while remaining > 0:
        block = "".join(f"{i:010d}\tSKU-{i % 1_000_000:06d}-S\t{_FILLER}\n" for i in range(n, n + rows))
        data = block.encode("ascii")[:remaining]
        n += rows
        remaining -= len(data)
        yield data


def _listing_rows(world: World, state: SellerState) -> list[str]:
    rows = [
        "item-name\tlisting-id\tseller-sku\tprice\tquantity\topen-date\titem-note\titem-condition\tasin1"
        "\tproduct-id-type\tproduct-id\tfulfillment-channel"
    ]
    key = world.store.seller_key(state.seller_id)
    for index in state.listings:
        product = world.product(index)
        r = world.h(key, 30, index)
        price = product.list_price * (80 + r % 40) // 100
        afn = r % 3 == 0
        note = "Très bon état – emballage d'origine" if (r >> 8) % 5 == 0 else ""
        opened = world.anchor - timedelta(days=30 + (r >> 16) % 900)
        rows.append(
            f"{product.title}\t{r % 10**10:010d}\t{product.sku}\t{format_amount(price, 2)}"
            f"\t{'' if afn else (r >> 24) % 60}\t{opened.strftime('%Y-%m-%d %H:%M:%S PST')}\t{note}"
            f"\t11\t{product.asin}\t1\t{product.asin}\t{'AMAZON_NA' if afn else 'DEFAULT'}"
        )
    return rows


def _order_rows(world: World, state: SellerState, request: ReportRequest) -> list[str]:
    rows = [
        "order-id\torder-item-id\tpurchase-date\tpayments-date\tbuyer-email\tbuyer-name\tsku\tproduct-name"
        "\tquantity-purchased\tcurrency\titem-price\titem-tax\tshipping-price\tship-city\tship-state"
        "\tship-postal-code\tship-country"
    ]
    book = world.orders_for(state.seller_id)  # the seller's own orders only
    for j in book.orders_created(request.start, request.end + timedelta(seconds=1)):
        order = book.order(j)
        for item in order.items:
            product = world.product(item.product)
            rows.append(
                f"{order.amazon_order_id}\t{item.order_item_id}\t{order.purchase.isoformat()}"
                f"\t{order.purchase.isoformat()}\t{order.buyer_email}\t{order.buyer_name}\t{product.sku}"
                f"\t{product.title}\t{item.quantity}\tUSD"
                f"\t{format_amount(item.unit_price * item.quantity, 2)}"
                f"\t{format_amount(item.tax, 2)}\t{format_amount(item.shipping, 2)}\t{order.city}"
                f"\t{order.state}\t{order.postal_code}\tUS"
            )
    return rows


def _inventory_rows(world: World, state: SellerState) -> list[str]:
    rows = [
        "seller-sku\tfulfillment-channel-sku\tasin\tcondition-type\tWarehouse-Condition-code"
        "\tQuantity Available"
    ]
    for index in state.listings:
        s = supply(world, state, index)
        rows.append(f"{s.sku}\t{s.fnsku}\t{s.asin}\tNewItem\tSELLABLE\t{s.in_stock}")
    return rows


def report_chunks(world: World, state: SellerState, request: ReportRequest) -> Callable[[], Iterator[bytes]]:
    """A factory of the report document's chunks (deterministic: same request, same bytes)."""
    if request.report_type == LARGE_REPORT_TYPE:
        size = _large_size(request.options)
        return lambda: _large_chunks(size)
    kind = request.report_type.upper()
    if "ORDER" in kind or "SETTLEMENT" in kind:
        rows = _order_rows(world, state, request)
    elif "INVENTORY" in kind:
        rows = _inventory_rows(world, state)
    else:
        rows = _listing_rows(world, state)
    data = ("\n".join(rows) + "\n").encode("cp1252", errors="replace")

    def chunks() -> Iterator[bytes]:
        for start in range(0, len(data), _CHUNK):
            yield data[start : start + _CHUNK]

    return chunks


def digest_of(chunks: Callable[[], Iterator[bytes]]) -> tuple[int, str]:
    """(size, Content-MD5) in one streaming pass."""
    md5 = hashlib.md5()
    size = 0
    for chunk in chunks():
        md5.update(chunk)
        size += len(chunk)
    return size, base64.b64encode(md5.digest()).decode("ascii")


def _get_report(ctx: RequestContext) -> RawResponse:
    report_id = require(ctx.params, "ReportId")
    state = _state(ctx)
    request = state.find_report(report_id)
    if request is None or not request.has_report(ctx.mono):
        raise SandboxError(400, "InvalidReportId", f"Report {report_id} does not exist.")
    chunks = report_chunks(ctx.world, state, request)
    if request.digest is None:
        request.digest = digest_of(chunks)
    size, md5 = request.digest
    return RawResponse(chunks, size, CONTENT_TYPE, {"content-md5": md5})


def register(registry: Registry) -> None:
    """Add the Reports section and its fourteen operations."""
    section = registry.add_section(REPORTS)
    registry.add(section, "RequestReport", _request_report, mutates=True)
    registry.add(section, "GetReportRequestList", _get_report_request_list)
    registry.add(section, "GetReportRequestListByNextToken", _get_report_request_list_by_next_token)
    registry.add(section, "GetReportRequestCount", _get_report_request_count)
    registry.add(section, "CancelReportRequests", _cancel_report_requests, mutates=True)
    registry.add(section, "GetReportList", _get_report_list)
    registry.add(section, "GetReportListByNextToken", _get_report_list_by_next_token)
    registry.add(section, "GetReportCount", _get_report_count)
    registry.add(section, "GetReport", _get_report)
    registry.add(section, "ManageReportSchedule", _manage_report_schedule, mutates=True)
    registry.add(section, "GetReportScheduleList", _get_report_schedule_list)
    registry.add(section, "GetReportScheduleListByNextToken", _get_report_schedule_list_by_next_token)
    registry.add(section, "GetReportScheduleCount", _get_report_schedule_count)
    registry.add(section, "UpdateReportAcknowledgements", _update_report_acknowledgements, mutates=True)
