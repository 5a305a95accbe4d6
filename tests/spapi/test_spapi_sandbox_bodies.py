"""The SP-API sandbox refuses hostile bodies with SP-API's errors, never a traceback: JSON nested too deep
for a recursive decoder (400 InvalidInput) and bodies over 1 MiB (413, before the body is held)."""

from __future__ import annotations

import httpx
from spapi.spapi_support import Served

BATCH = "/batches/products/pricing/v0/itemOffers"


async def test_a_deeply_nested_batch_body_is_400_invalid_input(served: Served) -> None:
    async with served.client() as client:
        token = (await client.auth.token()).reveal()
        body = b'{"requests": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
        response = await client._http.post(
            served.url + BATCH,
            content=body,
            headers={"x-amz-access-token": token, "content-type": "application/json"},
        )
    assert response.status_code == 400
    [error] = response.json()["errors"]
    assert error["code"] == "InvalidInput"
    assert "nested deeper than" in error["message"]
    assert served.app.request_log.count("getItemOffersBatch", processed=True) == 0


async def test_a_batch_body_over_a_mebibyte_is_413(served: Served) -> None:
    async with served.client() as client:
        token = (await client.auth.token()).reveal()
    async with httpx.AsyncClient() as http:  # httpx's own transport takes a 2 MiB body without a warning
        response = await http.post(
            served.url + BATCH,
            content=b'{"requests": [' + b" " * (2 << 20) + b"]}",
            headers={"x-amz-access-token": token, "content-type": "application/json"},
        )
    assert response.status_code == 413
    [error] = response.json()["errors"]
    assert error["code"] == "RequestEntityTooLarge"
    assert "1048576" in error["message"]
