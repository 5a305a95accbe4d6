"""Secrets (client secret, refresh token, access tokens) never appear in reprs, logs or exception text."""

from __future__ import annotations

import logging
import pickle

import pytest
from spapi.spapi_support import Served

from mws_async.retry import RetryPolicy
from mws_async.spapi import LWAError, SPAPIError
from mws_async.spapi.auth import LWACredentials

CLIENT_SECRET = "s3cret-client-secret-value"
REFRESH_TOKEN = "Atzr|r3fresh-token-value-0123456789"


async def test_no_secret_in_reprs_logs_or_errors(served: Served, caplog: pytest.LogCaptureFixture) -> None:
    app = served.app
    app._client_secret = CLIENT_SECRET
    creds = app.add_selling_partner("A1SECRETSELLER0", REFRESH_TOKEN)
    assert creds.client_secret.reveal() == CLIENT_SECRET
    world = app.world
    caplog.set_level(logging.DEBUG)
    texts: list[str] = [repr(creds), str(creds), f"{creds}", repr(pickle.loads(pickle.dumps(creds)))]
    async with served.client(credentials=creds) as client:
        texts += [repr(client), repr(client.auth)]
        await client.pricing.get_item_offers(world.sample_ids("ASIN", 1)[0], "New")
        current = client.auth.current
        assert current is not None
        access_token = current.value.reveal()
        texts += [repr(current), repr(client.auth)]
        app.faults.add("InternalError", "getItemOffers", times=10)
        with pytest.raises(SPAPIError) as server_error:
            await client.pricing.get_item_offers(world.sample_ids("ASIN", 1)[0], "New")
        app.faults.reset()
        with pytest.raises(SPAPIError) as client_error:
            await client.pricing.get_item_offers(world.invalid_id("ASIN"), "New")
        texts += [str(server_error.value), repr(server_error.value), str(client_error.value)]
    bad = LWACredentials(app.client_id, CLIENT_SECRET, REFRESH_TOKEN + "-revoked")
    async with served.client(credentials=bad, retry=RetryPolicy.disabled()) as client:
        with pytest.raises(LWAError) as lwa_error:
            await client.auth.token()
    texts += [str(lwa_error.value), repr(lwa_error.value), repr(pickle.loads(pickle.dumps(lwa_error.value)))]
    texts += [record.getMessage() for record in caplog.records]
    texts += [repr(record) for record in app.request_log]
    assert caplog.records, "logging at DEBUG should have captured the client's request log lines"
    joined = "\n".join(texts)
    for secret in (CLIENT_SECRET, REFRESH_TOKEN, access_token):
        assert secret not in joined
    assert "Secret('**********')" in repr(creds)
    assert creds.client_id in repr(creds)  # the client id is not a secret
