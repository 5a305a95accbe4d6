"""Client settings: a bad one is a ConfigurationError naming it when the client is made, on both clients;
never a TypeError on the first call, and never the value of a credential."""

from __future__ import annotations

from typing import Any

import pytest

from mws_async import Credentials, MWSClient
from mws_async.errors import ConfigurationError
from mws_async.spapi import SPAPIClient
from mws_async.spapi.auth import LWACredentials
from mws_async.throttle import Throttler

MWS_SECRET = "mws-secret-key-0123456789"
MWS = Credentials("AKIAEXAMPLE0123", MWS_SECRET, "A1SELLER", auth_token="amzn.mws.token-secret-1")
LWA_SECRET = "lwa-client-secret-0123456789"
LWA = LWACredentials("amzn1.application-oa2-client.t", LWA_SECRET, "Atzr|refresh-secret-0123")

BAD_SETTINGS: list[tuple[dict[str, Any], str]] = [
    ({"timeout": "30"}, r"timeout must be a positive, finite number of seconds, got '30'"),
    ({"timeout": float("nan")}, r"timeout must be a positive, finite number of seconds, got nan"),
    ({"timeout": 0}, r"timeout must be a positive, finite number of seconds, got 0"),
    ({"timeout": -1}, r"timeout must be a positive, finite number of seconds, got -1"),
    ({"timeout": True}, r"timeout must be a positive, finite number of seconds, got True"),
    ({"max_response_bytes": "big"}, r"max_response_bytes must be a positive whole number of bytes"),
    ({"max_response_bytes": None}, r"max_response_bytes must be a positive whole number of bytes, got None"),
    ({"max_response_bytes": 1.5}, r"max_response_bytes must be a positive whole number of bytes, got 1.5"),
    ({"base_url": 5}, r"endpoint must be a URL string, got int"),
    ({"base_url": "https://[::1"}, r"endpoint 'https://\[::1' is not a valid URL"),
    ({"user_agent": "mytool/1.0 (Señor)"}, r"user_agent has 'ñ', which an HTTP header cannot carry"),
    ({"user_agent": "mytool/1.0\r\nX-Evil: 1"}, r"user_agent has '\\r', which an HTTP header cannot carry"),
    ({"user_agent": "x" * 501}, r"user_agent is 501 characters"),
    ({"user_agent": 5}, r"user_agent must be a string, got int"),
    ({"on_request": 5}, r"on_request must be a callable or None, got int"),
    ({"retry": "none"}, r"retry must be a RetryPolicy or None, got str"),
    ({"max_wait": "5"}, r"max_wait must be a positive number of seconds or None: '5'"),
    ({"max_wait": True}, r"max_wait must be a positive number of seconds or None: True"),
    (
        {"time_scale": "10"},
        r"time_scale must be a number from 0\.001 to 1e\+06 \(1\.0: real MWS speed\), got '10'",
    ),
    ({"time_scale": None}, r"time_scale must be a number from 0\.001 to 1e\+06 .*, got None"),
    ({"time_scale": True}, r"time_scale must be a number from 0\.001 to 1e\+06 .*, got True"),
    ({"time_scale": float("inf")}, r"time_scale must be a number from 0\.001 to 1e\+06 .*, got inf"),
    ({"time_scale": float("nan")}, r"time_scale must be a number from 0\.001 to 1e\+06 .*, got nan"),
    ({"time_scale": 0}, r"time_scale must be a number from 0\.001 to 1e\+06 .*, got 0"),
    ({"time_scale": 1e-300}, r"time_scale must be a number from 0\.001 to 1e\+06 .*, got 1e-300"),
    ({"time_scale": 1e-9}, r"time_scale must be a number from 0\.001 to 1e\+06 .*, got 1e-09"),
    ({"time_scale": 1e7}, r"time_scale must be a number from 0\.001 to 1e\+06 .*, got 10000000\.0"),
]
IDS = [f"{next(iter(kw))}={next(iter(kw.values()))!r}"[:40] for kw, _ in BAD_SETTINGS]

# Settings only MWSClient has (or checks so far).
BAD_MWS_SETTINGS: list[tuple[dict[str, Any], str]] = [
    (
        {"quotas": []},
        r"quotas must be a QuotaTable or a mapping of 'Section\.Operation' to QuotaSpec, got list",
    ),
    (
        {"quotas": "x"},
        r"quotas must be a QuotaTable or a mapping of 'Section\.Operation' to QuotaSpec, got str",
    ),
    ({"quotas": {"x": 1}}, r"quota override 'x' must be a QuotaSpec, got int"),
    ({"http_client": "x"}, r"http_client must be an AsyncClient or None, got str"),
    ({"throttle": "x"}, r"throttle must be a Throttler, a ThrottleBackend \(.*\) or None, got str"),
    ({"throttle": 1}, r"throttle must be a Throttler, a ThrottleBackend \(.*\) or None, got int"),
    ({"signature_method": "MD5"}, r"signature_method must be one of HmacSHA256, HmacSHA1, got 'MD5'"),
    ({"signature_method": None}, r"signature_method must be one of HmacSHA256, HmacSHA1, got NoneType"),
]
MWS_IDS = [f"{next(iter(kw))}={next(iter(kw.values()))!r}"[:40] for kw, _ in BAD_MWS_SETTINGS]


@pytest.mark.parametrize(("settings", "message"), BAD_SETTINGS, ids=IDS)
def test_a_bad_mws_client_setting_is_a_configuration_error_naming_it(
    settings: dict[str, Any], message: str
) -> None:
    with pytest.raises(ConfigurationError, match=message):
        MWSClient(MWS, **settings)


@pytest.mark.parametrize(("settings", "message"), BAD_MWS_SETTINGS, ids=MWS_IDS)
def test_a_bad_mws_only_setting_is_a_configuration_error_naming_it(
    settings: dict[str, Any], message: str
) -> None:
    with pytest.raises(ConfigurationError, match=message):
        MWSClient(MWS, **settings)


def test_a_ready_throttler_is_used_as_given_but_a_bad_time_scale_beside_it_is_still_refused() -> None:
    throttler = Throttler(time_scale=50.0)
    assert MWSClient(MWS, throttle=throttler).throttler is throttler
    with pytest.raises(ConfigurationError, match=r"time_scale must be a number from 0\.001"):
        MWSClient(MWS, throttle=throttler, time_scale="10")  # type: ignore[arg-type]


@pytest.mark.parametrize(("settings", "message"), BAD_SETTINGS, ids=IDS)
def test_a_bad_spapi_client_setting_is_a_configuration_error_naming_it(
    settings: dict[str, Any], message: str
) -> None:
    with pytest.raises(ConfigurationError, match=message):
        SPAPIClient(LWA, **settings)


def test_credentials_of_the_wrong_kind_name_their_type_never_their_value() -> None:
    with pytest.raises(ConfigurationError, match="credentials must be a Credentials, got str") as mws:
        MWSClient(MWS_SECRET)  # type: ignore[arg-type]
    with pytest.raises(ConfigurationError, match="credentials must be LWACredentials, got Credentials") as sp:
        SPAPIClient(MWS)  # type: ignore[arg-type]
    with pytest.raises(ConfigurationError, match="credentials must be LWACredentials, got str"):
        SPAPIClient(LWA_SECRET)  # type: ignore[arg-type]
    for error in (mws.value, sp.value):
        assert MWS_SECRET not in str(error) and MWS_SECRET not in repr(error)


def test_usage_plans_that_are_not_a_mapping_say_what_is_expected() -> None:
    with pytest.raises(
        ConfigurationError, match=r"usage_plans must map operation names to UsagePlan.*got list"
    ):
        SPAPIClient(LWA, usage_plans=[1])  # type: ignore[arg-type]


def test_good_settings_are_kept_as_given() -> None:
    def hook(record: object) -> None:
        return None

    mws = MWSClient(
        MWS, timeout=5, max_response_bytes=1024, user_agent="mytool/1.0 (Language=Python)", on_request=hook
    )
    assert (mws.transport.timeout, mws.transport.max_response_bytes) == (5.0, 1024)
    assert mws.transport.user_agent == "mytool/1.0 (Language=Python)"
    assert [MWSClient(MWS, time_scale=scale).throttler.time_scale for scale in (0.001, 1, 1e6)] == [
        0.001,
        1,
        1e6,
    ]
    assert MWSClient(MWS, signature_method="HmacSHA1").transport.signature_method == "HmacSHA1"
    sp = SPAPIClient(
        LWA, timeout=2.5, max_response_bytes=2048, user_agent="mytool/1.0", max_wait=float("inf")
    )
    assert (sp.timeout, sp.max_response_bytes, sp.user_agent) == (2.5, 2048, "mytool/1.0")


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"http_client": "x"}, r"http_client must be an AsyncClient or None, got str"),
        ({"throttle": "x"}, r"throttle must be a Throttler, a ThrottleBackend \(.*\) or None, got str"),
    ],
    ids=["http_client", "throttle"],
)
def test_the_spapi_client_checks_its_http_client_and_throttle_too(
    settings: dict[str, Any], message: str
) -> None:
    with pytest.raises(ConfigurationError, match=message):
        SPAPIClient(LWA, **settings)


def test_lwa_credentials_of_the_wrong_type_name_each_field_and_type_never_the_value() -> None:
    with pytest.raises(ConfigurationError) as info:
        LWACredentials(5, b"lwa-secret-bytes", 7.5, 8)  # type: ignore[arg-type]
    message = str(info.value)
    for part in (
        "client_id must be a str, got int",
        "client_secret must be a str, got bytes",
        "refresh_token must be a str, got float",
        "selling_partner_id must be a str or None, got int",
    ):
        assert part in message
    assert "lwa-secret-bytes" not in message and "lwa-secret-bytes" not in repr(info.value)
    with pytest.raises(ConfigurationError, match="empty client_id, client_secret, refresh_token"):
        LWACredentials(" ", " ", " ")
