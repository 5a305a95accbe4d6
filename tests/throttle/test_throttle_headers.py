"""parse_quota_headers and seconds_until_reset."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import pytest

from mws_async.throttle import QuotaHeaders, parse_quota_headers, seconds_until_reset


def test_observed_format() -> None:
    headers = {
        "x-mws-quota-max": "18000.0",
        "x-mws-quota-remaining": "17997.0",
        "x-mws-quota-resetsOn": "2018-04-27T15:47:00.000Z",
    }
    assert parse_quota_headers(headers) == QuotaHeaders(
        18000.0, 17997.0, datetime(2018, 4, 27, 15, 47, tzinfo=UTC)
    )


def test_documented_format_and_case_insensitive_names() -> None:
    headers = {
        "X-MWS-QUOTA-MAX": "3600",
        "X-Mws-Quota-Remaining": "60.0",
        "x-mws-quota-resetson": "Wed, 06 Mar 2013 19:07:58 GMT",
    }
    parsed = parse_quota_headers(headers)
    assert parsed == QuotaHeaders(3600.0, 60.0, datetime(2013, 3, 6, 19, 7, 58, tzinfo=UTC))
    assert parsed.present


def test_httpx_headers() -> None:
    headers = httpx.Headers({"x-mws-quota-remaining": "238.0", "Content-Type": "text/xml"})
    assert parse_quota_headers(headers) == QuotaHeaders(remaining=238.0)


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"x-mws-quota-max": "", "x-mws-quota-remaining": "n/a", "x-mws-quota-resetsOn": "soon"},
        {"x-mws-quota-max": "nan", "x-mws-quota-remaining": "-1", "x-mws-quota-resetsOn": "   "},
        {"x-mws-quota-max": "inf", "x-mws-quota-resetsOn": "2018-13-45T99:00:00Z"},
        {"x-mws-quota-resetsOn": "Wed, 99 Foo 2013 19:07:58 GMT"},
    ],
)
def test_malformed_values_are_ignored(headers: dict[str, str]) -> None:
    parsed = parse_quota_headers(headers)
    assert parsed == QuotaHeaders()
    assert not parsed.present


def test_naive_and_offset_times_become_utc() -> None:
    assert parse_quota_headers({"x-mws-quota-resetsOn": "2018-04-27T15:47:00"}).resets_on == datetime(
        2018, 4, 27, 15, 47, tzinfo=UTC
    )
    assert parse_quota_headers({"x-mws-quota-resetsOn": "2018-04-27T17:47:00+02:00"}).resets_on == datetime(
        2018, 4, 27, 15, 47, tzinfo=UTC
    )


def test_seconds_until_reset_is_bounded_by_the_scaled_hour() -> None:
    now = datetime(2018, 4, 27, 15, 0, tzinfo=UTC)
    assert seconds_until_reset(now + timedelta(minutes=47), now) == 47 * 60
    assert seconds_until_reset(now + timedelta(minutes=47), now, 10.0) == 360.0
    assert seconds_until_reset(now + timedelta(seconds=20), now, 10.0) == 20.0
    assert seconds_until_reset(now - timedelta(seconds=20), now) == 0.0
    assert seconds_until_reset(datetime(2018, 4, 27, 15, 1), now) == 60.0  # naive = UTC
