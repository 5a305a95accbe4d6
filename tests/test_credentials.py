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
