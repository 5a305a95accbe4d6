"""The throttle's settings: a time scale, backend, quota table or quota spec that cannot work is a
ConfigurationError naming it when it is made, never a TypeError, ZeroDivisionError or an endless wait
later."""

from __future__ import annotations

import math
from typing import Any

import pytest

from mws_async.errors import ConfigurationError
from mws_async.throttle import MemoryThrottle, QuotaSpec, QuotaTable, ThrottleKey, Throttler

SPEC = QuotaSpec("Orders", "ListOrders", 6, 1, 60.0)
KEY = ThrottleKey("mws.amazonservices.com", "A1SELLER", "AKIA", SPEC.group_key)
SCALE_MESSAGE = r"time_scale must be a number from 0\.001 to 1e\+06"


@pytest.mark.parametrize(
    "time_scale", ["10", None, True, 0, -1, 1e-300, 1e-9, 0.0009, 1e7, math.inf, math.nan, 10**400]
)
def test_a_time_scale_outside_0_001_to_1e6_is_refused_when_the_throttler_is_made(time_scale: Any) -> None:
    with pytest.raises(ConfigurationError, match=SCALE_MESSAGE):
        Throttler(time_scale=time_scale)


@pytest.mark.parametrize("time_scale", [math.inf, 0.0, 1e-300])
async def test_the_memory_backend_refuses_a_time_scale_that_would_divide_to_nothing(
    time_scale: float,
) -> None:
    backend = MemoryThrottle()
    with pytest.raises(ConfigurationError, match=SCALE_MESSAGE):
        await backend.acquire(KEY, SPEC, 1.0, time_scale)
    assert len(backend) == 0  # nothing was taken or remembered


def test_the_backend_and_quota_table_must_be_of_their_kind() -> None:
    with pytest.raises(
        ConfigurationError, match=r"backend must be a ThrottleBackend \(.*\) or None, got str"
    ):
        Throttler("memory")  # type: ignore[arg-type]
    with pytest.raises(ConfigurationError, match=r"quotas must be a QuotaTable or None, got dict"):
        Throttler(quotas={"Orders.ListOrders": SPEC})  # type: ignore[arg-type]
    with pytest.raises(
        ConfigurationError, match=r"stats_ttl must be a positive number of seconds or None, got '60'"
    ):
        Throttler(stats_ttl="60")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"max_quota": "20"}, r"Orders\.ListOrders: max_quota must be positive, finite numbers"),
        ({"restore_amount": math.nan}, r"restore_amount must be positive, finite numbers"),
        ({"restore_period": math.inf}, r"restore_period must be positive, finite numbers"),
        ({"max_quota": True}, r"max_quota must be positive, finite numbers"),
        ({"hourly": math.nan}, r"hourly quota must be positive or None"),
        ({"hourly": "720"}, r"hourly quota must be positive or None"),
        ({"unit": "items"}, r"unit must be 'request' or 'item', got 'items'"),
        ({"group": 5}, r"group must be a string, got int"),
        ({"operation": ""}, r"section and operation must be non-empty strings"),
        ({"section": None}, r"section and operation must be non-empty strings"),
    ],
    ids=lambda v: f"{next(iter(v))}={next(iter(v.values()))!r}" if isinstance(v, dict) else "",
)
def test_a_quota_spec_that_cannot_work_is_refused_naming_the_field(
    changes: dict[str, Any], message: str
) -> None:
    fields: dict[str, Any] = {
        "section": "Orders",
        "operation": "ListOrders",
        "max_quota": 6,
        "restore_amount": 1,
        "restore_period": 60.0,
        **changes,
    }
    with pytest.raises(ConfigurationError, match=message):
        QuotaSpec(**fields)


def test_quota_overrides_must_map_operation_names_to_quota_specs() -> None:
    table = QuotaTable.default()
    with pytest.raises(
        ConfigurationError, match=r"quotas must be a mapping of 'Section\.Operation' to QuotaSpec"
    ):
        table.with_specs([SPEC])  # type: ignore[arg-type]
    with pytest.raises(
        ConfigurationError, match=r"quota override 'Orders\.ListOrders' must be a QuotaSpec, got int"
    ):
        table.with_specs({"Orders.ListOrders": 6})  # type: ignore[dict-item]
    with pytest.raises(
        ConfigurationError, match=r"quota override 'Orders\.GetOrder' must be a QuotaSpec, got dict"
    ):
        QuotaTable({"Orders.GetOrder": {"max_quota": 6}})  # type: ignore[dict-item]
