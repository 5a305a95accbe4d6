"""Credentials keep the secret key and auth token out of every printed form."""

from __future__ import annotations

import pickle

import pytest

from mws_async.credentials import Credentials, Secret
from mws_async.errors import ConfigurationError

SECRET = "wJalrXUtnFEMI-very-secret"
TOKEN = "amzn.mws.4ea38b7b-f563-7709-4bae-87aeaEXAMPLE"


def test_repr_and_str_hide_secret_and_token() -> None:
    creds = Credentials("AKIAEXAMPLE", SECRET, "A1SELLER", TOKEN)
    for text in (repr(creds), str(creds), f"{creds}", f"{creds.secret_key}", repr(creds.auth_token)):
        assert SECRET not in text
        assert TOKEN not in text
    assert "AKIAEXAMPLE" in repr(creds)
    assert "A1SELLER" in repr(creds)
    assert creds.secret_key.reveal() == SECRET
    assert creds.auth_token is not None
    assert creds.auth_token.reveal() == TOKEN


def test_from_environment() -> None:
    env = {"MWS_ACCESS_KEY": "AK", "MWS_SECRET_KEY": SECRET, "MWS_SELLER_ID": "A1S", "MWS_AUTH_TOKEN": TOKEN}
    creds = Credentials.from_env(env)
    assert (creds.access_key, creds.seller_id) == ("AK", "A1S")
    assert creds.secret_key == Secret(SECRET)
    assert Credentials.from_env({**env, "MWS_AUTH_TOKEN": ""}).auth_token is None


def test_missing_environment_variables_are_named() -> None:
    with pytest.raises(ConfigurationError, match="MWS_SECRET_KEY, MWS_SELLER_ID"):
        Credentials.from_env({"MWS_ACCESS_KEY": "AK"})


def test_empty_values_are_refused_without_echoing_them() -> None:
    with pytest.raises(ConfigurationError, match="empty seller_id"):
        Credentials("AK", SECRET, "")


def test_credentials_pickle_and_compare() -> None:
    creds = Credentials("AK", SECRET, "A1S", TOKEN)
    assert pickle.loads(pickle.dumps(creds)) == creds
    assert creds != Credentials("AK", "other", "A1S", TOKEN)


# --- each field is checked when the credentials are made ------------------------------------------------

BYTES_TOKEN = b"amzn.mws.SECRET-TOKEN"


def test_a_bytes_auth_token_is_refused_naming_its_type_never_its_value() -> None:
    with pytest.raises(
        ConfigurationError, match=r"auth_token must be a str, Secret or None, got bytes"
    ) as caught:
        Credentials("AK", "SK", "A1", BYTES_TOKEN)  # type: ignore[arg-type]
    assert "SECRET-TOKEN" not in str(caught.value) and "SECRET-TOKEN" not in repr(caught.value)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"access_key": 12345}, r"access_key must be a str, got int"),
        ({"access_key": b"AKIA"}, r"access_key must be a str, got bytes"),
        ({"seller_id": None}, r"seller_id must be a str, got NoneType"),
        ({"secret_key": b"wJalrXUtnFEMI-very-secret"}, r"secret_key must be a str or Secret, got bytes"),
        ({"secret_key": 987654321}, r"secret_key must be a str or Secret, got int"),
        ({"auth_token": 42}, r"auth_token must be a str, Secret or None, got int"),
        ({"label": 7}, r"label must be a str or None, got int"),
    ],
    ids=lambda v: next(iter(v)) if isinstance(v, dict) else None,
)
def test_a_field_of_the_wrong_type_is_a_configuration_error_naming_the_field_and_type(
    fields: dict[str, object], message: str
) -> None:
    given: dict[str, object] = {"access_key": "AK", "secret_key": SECRET, "seller_id": "A1S", **fields}
    with pytest.raises(ConfigurationError, match=message) as caught:
        Credentials(**given)  # type: ignore[arg-type]
    for name in {"secret_key", "auth_token"} & fields.keys():  # a secret's value is never shown
        assert repr(fields[name]) not in str(caught.value)


def test_every_field_of_the_wrong_type_is_named_at_once() -> None:
    with pytest.raises(
        ConfigurationError, match=r"access_key must be a str.*secret_key must be a str or Secret"
    ):
        Credentials(1, b"secret", "A1S")  # type: ignore[arg-type]


def test_blank_keys_and_seller_ids_are_refused_as_empty() -> None:
    with pytest.raises(ConfigurationError, match="empty access_key, secret_key, seller_id"):
        Credentials(" ", "\t", "  ")


def test_a_blank_auth_token_is_no_token() -> None:
    assert Credentials("AK", SECRET, "A1S", "   ").auth_token is None
    assert Credentials("AK", SECRET, "A1S", Secret(" ")).auth_token is None


def test_a_secret_holds_only_text() -> None:
    with pytest.raises(ConfigurationError, match="a Secret must hold a str, got bytes"):
        Secret(b"wJalrXUtnFEMI")  # type: ignore[arg-type]


def test_the_environment_must_be_a_mapping() -> None:
    with pytest.raises(ConfigurationError, match=r"environ must be a mapping .*, got list"):
        Credentials.from_env(["a"])  # type: ignore[arg-type]
    with pytest.raises(ConfigurationError, match=r"environ must be a mapping .*, got str"):
        Credentials.env_configured("MWS_ACCESS_KEY")  # type: ignore[arg-type]


def test_blank_environment_variables_count_as_missing() -> None:
    env = {"MWS_ACCESS_KEY": "AK", "MWS_SECRET_KEY": " ", "MWS_SELLER_ID": "\n", "MWS_AUTH_TOKEN": " "}
    with pytest.raises(
        ConfigurationError,
        match=r"^missing environment variable\(s\) MWS_SECRET_KEY, MWS_SELLER_ID; set them",
    ):
        Credentials.from_env(env)
    creds = Credentials.from_env({**env, "MWS_SECRET_KEY": SECRET, "MWS_SELLER_ID": "A1S"})
    assert creds.auth_token is None
    assert not Credentials.env_configured({"MWS_ACCESS_KEY": " ", "MWS_SECRET_KEY": ""})


def test_an_environment_value_that_is_not_text_is_named_by_type() -> None:
    env = {"MWS_ACCESS_KEY": "AK", "MWS_SECRET_KEY": b"wJalrXUtnFEMI", "MWS_SELLER_ID": "A1S"}
    with pytest.raises(ConfigurationError, match="secret_key must be a str or Secret, got bytes"):
        Credentials.from_env(env)  # type: ignore[arg-type]
