"""Authentication and protocol errors: every path answers the MWS status and ErrorResponse code."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode

import httpx
import pytest
from sandbox.sandbox_signer import USER_AGENT, call, signed_params

from mws_async.credentials import Credentials
from mws_async.errors import RequestExpiredError, error_class_for
from mws_async.sandbox import SANDBOX_SECRET_KEY, Sandbox
from mws_async.sandbox.auth import check_user_agent
from mws_async.sandbox.render import SandboxError
from mws_async.xml import parse, parse_error_response

P = "/Products/2011-10-01"
ORD = "/Orders/2013-09-01"
STATUS = {"MarketplaceId": "ATVPDKIKX0DER"}


def error_of(response: httpx.Response) -> tuple[int, str, str]:
    errors, request_id = parse_error_response(response.content)
    assert request_id == response.headers["x-mws-request-id"]
    return response.status_code, errors[0]["Code"], errors[0]["Message"]


async def test_valid_request_and_headers(client: httpx.AsyncClient, sandbox: Sandbox) -> None:
    response = await call(client, sandbox.credentials, P, "GetServiceStatus")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/xml"
    doc = parse(response.content)
    assert doc["GetServiceStatusResponse"]["GetServiceStatusResult"]["Status"] == "GREEN"
    rid = doc["GetServiceStatusResponse"]["ResponseMetadata"]["RequestId"]
    assert rid == response.headers["x-mws-request-id"]
    stamp = response.headers["x-mws-timestamp"]
    assert stamp.endswith("Z")
    assert len(stamp) == 24
    assert response.headers["date"].endswith("GMT")
    assert "x-mws-quota-max" not in response.headers  # never for GetServiceStatus


@pytest.mark.parametrize(
    "missing",
    ["AWSAccessKeyId", "Action", "SellerId", "SignatureMethod", "SignatureVersion", "Timestamp", "Version"],
)
async def test_missing_common_parameter(client: httpx.AsyncClient, sandbox: Sandbox, missing: str) -> None:
    response = await call(client, sandbox.credentials, P, "GetServiceStatus", drop=(missing,))
    status, code, message = error_of(response)
    assert (status, code) == (400, "MissingParameter")
    assert missing in message


async def test_missing_signature(client: httpx.AsyncClient, sandbox: Sandbox) -> None:
    params = signed_params(sandbox.credentials, P, "GetServiceStatus", host="127.0.0.1:8000")
    del params["Signature"]
    response = await client.post(
        P,
        content=urlencode(params),
        headers={"User-Agent": USER_AGENT, "Content-Type": "application/x-www-form-urlencoded"},
    )
    assert error_of(response)[:2] == (400, "MissingParameter")


async def test_merchant_instead_of_seller_id(client: httpx.AsyncClient, sandbox: Sandbox) -> None:
    creds = sandbox.credentials
    params = signed_params(
        creds, P, "GetServiceStatus", host="127.0.0.1:8000", drop=("SellerId",), version="2011-10-01"
    )
    params = {**params, "Merchant": creds.seller_id}
    del params["Signature"]
    from mws_async.signing import sign

    params["Signature"] = sign(params, secret_key=SANDBOX_SECRET_KEY, host="127.0.0.1:8000", path=P)
    response = await client.post(P, data=params, headers={"User-Agent": USER_AGENT})
    assert response.status_code == 200


async def test_unknown_access_key(client: httpx.AsyncClient) -> None:
    creds = Credentials("AKIAUNKNOWNKEY000000", "whatever", "A2SANDBOXSELLER")
    assert error_of(await call(client, creds, P, "GetServiceStatus"))[:2] == (403, "InvalidAccessKeyId")


async def test_wrong_secret(client: httpx.AsyncClient, sandbox: Sandbox) -> None:
    response = await call(client, sandbox.credentials, P, "GetServiceStatus", secret="not-the-secret")
    assert error_of(response)[:2] == (403, "SignatureDoesNotMatch")


async def test_tampered_parameter(client: httpx.AsyncClient, sandbox: Sandbox) -> None:
    params = signed_params(
        sandbox.credentials, P, "ListMatchingProducts", {**STATUS, "Query": "acme"}, host="127.0.0.1:8000"
    )
    params["Query"] = "globex"
    response = await client.post(P, data=params, headers={"User-Agent": USER_AGENT})
    assert error_of(response)[:2] == (403, "SignatureDoesNotMatch")


@pytest.mark.parametrize("sig_method", ["HmacSHA256", "HmacSHA1"])
async def test_both_signature_methods(client: httpx.AsyncClient, sandbox: Sandbox, sig_method: str) -> None:
    response = await call(client, sandbox.credentials, P, "GetServiceStatus", sig_method=sig_method)
    assert response.status_code == 200


async def test_host_with_or_without_port(client: httpx.AsyncClient, sandbox: Sandbox) -> None:
    # Signed for the bare host while the Host header carries the port (the PHP client's behaviour).
    params = signed_params(sandbox.credentials, P, "GetServiceStatus", host="127.0.0.1")
    response = await client.post(P, data=params, headers={"User-Agent": USER_AGENT})
    assert response.status_code == 200
    params = signed_params(sandbox.credentials, P, "GetServiceStatus", host="elsewhere.example")
    response = await client.post(P, data=params, headers={"User-Agent": USER_AGENT})
    assert error_of(response)[:2] == (403, "SignatureDoesNotMatch")


async def test_get_with_query_string(client: httpx.AsyncClient, sandbox: Sandbox) -> None:
    response = await call(client, sandbox.credentials, P, "GetServiceStatus", method="GET")
    assert response.status_code == 200
    # A GET signed as POST does not verify: the verb is part of the string to sign.
    params = signed_params(sandbox.credentials, P, "GetServiceStatus", host="127.0.0.1:8000", method="POST")
    response = await client.get(f"{P}?{urlencode(params)}", headers={"User-Agent": USER_AGENT})
    assert error_of(response)[:2] == (403, "SignatureDoesNotMatch")


async def test_params_split_between_query_and_body(client: httpx.AsyncClient, sandbox: Sandbox) -> None:
    params = signed_params(sandbox.credentials, P, "GetServiceStatus", host="127.0.0.1:8000")
    query = {k: params[k] for k in ("Action", "Version", "Signature")}
    body = {k: v for k, v in params.items() if k not in query}
    response = await client.post(f"{P}?{urlencode(query)}", data=body, headers={"User-Agent": USER_AGENT})
    assert response.status_code == 200


@pytest.mark.parametrize("skew", [timedelta(minutes=-16), timedelta(minutes=16)])
async def test_timestamp_outside_window(client: httpx.AsyncClient, sandbox: Sandbox, skew: timedelta) -> None:
    response = await call(
        client, sandbox.credentials, P, "GetServiceStatus", timestamp=datetime.now(UTC) + skew
    )
    status, code, message = error_of(response)
    assert (status, code) == (400, "InvalidParameterValue")
    assert "Timestamp" in message
    assert "15 minutes" in message
    assert error_class_for(code, message, status) is RequestExpiredError


async def test_timestamp_inside_window(client: httpx.AsyncClient, sandbox: Sandbox) -> None:
    stamp = datetime.now(UTC) - timedelta(minutes=14)
    assert (
        await call(client, sandbox.credentials, P, "GetServiceStatus", timestamp=stamp)
    ).status_code == 200


async def test_clock_offset_fault_moves_server_time(client: httpx.AsyncClient, sandbox: Sandbox) -> None:
    sandbox.faults.clock_offset = 20 * 60
    response = await call(client, sandbox.credentials, P, "GetServiceStatus")
    assert error_of(response)[:2] == (400, "InvalidParameterValue")
    sandbox.faults.clock_offset = 0
    assert (await call(client, sandbox.credentials, P, "GetServiceStatus")).status_code == 200


async def test_wrong_version(client: httpx.AsyncClient, sandbox: Sandbox) -> None:
    response = await call(client, sandbox.credentials, P, "GetServiceStatus", version="2013-09-01")
    status, code, message = error_of(response)
    assert (status, code) == (400, "InvalidParameterValue")
    assert "Version" in message


@pytest.mark.parametrize(
    ("agent", "code"),
    [
        (None, "UserAgentHeaderMissing"),
        ("curl", "UserAgentHeaderMalformed"),
        ("app/1.0 (Language=Python", "UserAgentHeaderMalformed"),
        ("app/1.0 (Platform=Linux)", "UserAgentHeaderLanguageAttributeMissing"),
        ("app/1.0", "UserAgentHeaderLanguageAttributeMissing"),
        ("app/1.0 (Language=Python; x=" + "y" * 500 + ")", "UserAgentHeaderMaximumLengthExceeded"),
    ],
)
async def test_bad_user_agent(
    client: httpx.AsyncClient, sandbox: Sandbox, agent: str | None, code: str
) -> None:
    response = await call(client, sandbox.credentials, P, "GetServiceStatus", user_agent=agent)
    assert error_of(response)[:2] == (400, code)


@pytest.mark.parametrize(
    "agent",
    [
        "Jeff/2.0.0 (Language=Ruby; hostname)",  # peddler, accepted by MWS
        "Boto/2.49.0 Python/3.11.2 Linux/6.1.0",  # boto 2.49
        "python-amazon-mws/0.8.15 (Language=Python)",  # mws 0.8.15
        "mws-async/0.1.0 (Language=Python/3.11.2; Platform=Linux/x86_64/6.1)",
        r"My\/App/1\(2 (Language=Py\;thon; Note=a\)b)",
    ],
)
def test_user_agents_real_clients_sent_are_accepted(agent: str) -> None:
    check_user_agent(agent)


def test_malformed_user_agent_message() -> None:
    with pytest.raises(SandboxError) as info:
        check_user_agent("(Language=Python)")
    assert info.value.code == "UserAgentHeaderMalformed"


async def test_plain_http_from_remote_client_is_denied(sandbox: Sandbox) -> None:
    transport = httpx.ASGITransport(app=sandbox.app, client=("203.0.113.9", 5555))
    async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1:8000") as remote:
        response = await call(remote, sandbox.credentials, P, "GetServiceStatus")
        assert error_of(response)[:2] == (401, "AccessDenied")
    transport = httpx.ASGITransport(app=sandbox.app, client=("203.0.113.9", 5555))
    async with httpx.AsyncClient(transport=transport, base_url="https://127.0.0.1:8000") as secure:
        assert (await call(secure, sandbox.credentials, P, "GetServiceStatus")).status_code == 200


async def test_seller_ids(client: httpx.AsyncClient, sandbox: Sandbox) -> None:
    other = sandbox.credentials_for("A1OTHERSELLER99")
    assert (await call(client, other, P, "GetServiceStatus")).status_code == 200
    bad = Credentials(other.access_key, other.secret_key, "not-a-seller")
    assert error_of(await call(client, bad, P, "GetServiceStatus"))[:2] == (401, "AccessDenied")
    with pytest.raises(ValueError, match="seller"):
        sandbox.credentials_for("lowercase")


async def test_auth_token_format(client: httpx.AsyncClient, sandbox: Sandbox) -> None:
    good = {"MWSAuthToken": "amzn.mws.00000000-0000-0000-0000-000000000000"}
    assert (await call(client, sandbox.credentials, P, "GetServiceStatus", good)).status_code == 200
    bad = {"MWSAuthToken": "token"}
    assert error_of(await call(client, sandbox.credentials, P, "GetServiceStatus", bad))[:2] == (
        401,
        "AccessDenied",
    )
    assert all("MWSAuthToken" not in r.params and "Signature" not in r.params for r in sandbox.request_log)


async def test_unknown_operation_and_path(client: httpx.AsyncClient, sandbox: Sandbox) -> None:
    status, code, message = error_of(await call(client, sandbox.credentials, P, "ListOrders"))
    assert (status, code) == (404, "InvalidAddress")
    assert message == "Operation ListOrders is not available for section Products/2011-10-01"
    response = await call(client, sandbox.credentials, "/Nope/2000-01-01", "GetServiceStatus")
    assert error_of(response)[:2] == (404, "InvalidAddress")


async def test_orders_errors_use_orders_namespace(client: httpx.AsyncClient, sandbox: Sandbox) -> None:
    response = await call(client, sandbox.credentials, ORD, "GetServiceStatus", secret="bad")
    assert b'xmlns="https://mws.amazonservices.com/Orders/2013-09-01"' in response.content
    assert b"<RequestID>" in response.content
