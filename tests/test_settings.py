"""Client settings: a bad one is a ConfigurationError naming it when the client is made, on both clients;
never a TypeError on the first call, and never the value of a credential."""

from __future__ import annotations

from typing import Any

import pytest

from mws_async import Credentials, MWSClient
from mws_async.errors import ConfigurationError
from mws_async.spapi import SPAPIClient
from mws_async.spapi.auth import LWACredentials

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
]
IDS = [f"{next(iter(kw))}={next(iter(kw.values()))!r}"[:40] for kw, _ in BAD_SETTINGS]


@pytest.mark.parametrize(("settings", "message"), BAD_SETTINGS, ids=IDS)
def test_a_bad_mws_client_setting_is_a_configuration_error_naming_it(
    settings: dict[str, Any], message: str
) -> None:
    with pytest.raises(ConfigurationError, match=message):
        MWSClient(MWS, **settings)


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
    sp = SPAPIClient(
        LWA, timeout=2.5, max_response_bytes=2048, user_agent="mytool/1.0", max_wait=float("inf")
    )
    assert (sp.timeout, sp.max_response_bytes, sp.user_agent) == (2.5, 2048, "mytool/1.0")
