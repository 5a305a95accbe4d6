"""The SP-API sandbox: a self-contained ASGI app serving Product Pricing v0 and an LWA token endpoint.

Paths (see :data:`PATH_PREFIXES`): ``POST /auth/o2/token``, ``GET /products/pricing/v0/price``,
``GET /products/pricing/v0/competitivePrice``, ``GET /products/pricing/v0/listings/{SellerSKU}/offers``,
``GET /products/pricing/v0/items/{Asin}/offers``, ``POST /batches/products/pricing/v0/itemOffers`` and
``POST /batches/products/pricing/v0/listingOffers``. Pipeline per Pricing request:

1. operation by method and path (unknown -> 404 ``NotFound``);
2. ``x-amz-access-token``: missing, unknown -> 403 ``Unauthorized``; expired -> 401 ``Unauthorized``
   ("The access token you provided has expired.");
3. injected fault, if any (:class:`~mws_async.sandbox.faults.Faults`: ``RequestThrottled``/``QuotaExceeded``
   -> 429 ``QuotaExceeded``, ``InternalError`` -> 500 ``InternalFailure``, ``ServiceUnavailable`` -> 503,
   ``HTML`` -> 502 page, ``Truncated`` -> cut 200 body, ``ConnectionReset``, ``Latency``); a faulted call
   is not processed and costs no quota;
4. validation -> 400 ``InvalidInput`` naming the parameter;
5. the usage plan's bucket per (LWA client id, selling partner, operation): empty -> 429 ``QuotaExceeded``;
6. the answer, derived from the :class:`~mws_async.sandbox.world.World` exactly as the MWS sandbox prices
   (see :mod:`mws_async.sandbox.spapi.pricing`).

Every response carries ``x-amzn-RequestId``; Pricing answers (2xx and 429) carry ``x-amzn-RateLimit-Limit``
(the plan's rate, unscaled). Batched requests are answered one by one inside the batch; ``item_faults``
injects 429/500/503 into single batched requests. Every request goes to :attr:`SPAPISandboxApp.request_log`
(section ``ProductPricing`` or ``LWA``; no token or secret is ever recorded).
"""

from __future__ import annotations

import asyncio
import json
import re
import secrets
import time
from collections.abc import Awaitable, Callable, Mapping, MutableMapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Final
from urllib.parse import parse_qsl, unquote

from mws_async.marketplaces import Marketplace
from mws_async.sandbox.app import (
    HTML_ERROR_PAGE,
    SPAPI_PREFIXES,
    SandboxConnectionReset,
    acknowledge_lifespan,
    read_request,
)
from mws_async.sandbox.bodies import BodyTooLarge, ClientDisconnected
from mws_async.sandbox.buckets import Buckets
from mws_async.sandbox.faults import Faults
from mws_async.sandbox.render import SandboxError, http_date, new_request_id
from mws_async.sandbox.requestlog import RequestLog, RequestRecord
from mws_async.sandbox.spapi import pricing
from mws_async.sandbox.world import MarketInfo, World, market_info
from mws_async.spapi.auth import LWACredentials, decode_json
from mws_async.spapi.operations import (
    BATCH_LIMIT,
    CUSTOMER_TYPES,
    ITEM_CONDITIONS,
    ITEM_TYPES,
    OFFER_TYPES,
    USAGE_PLANS,
    UsagePlan,
    spapi_quota_table,
)

__all__ = [
    "PATH_PREFIXES",
    "SPAPI_CLIENT_ID",
    "SPAPI_CLIENT_SECRET",
    "SPAPI_REFRESH_TOKEN",
    "SPAPI_SELLER_ID",
    "SPAPISandboxApp",
]

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

# Public, fixed sandbox values: they open nothing but a local sandbox.
SPAPI_CLIENT_ID: Final = "amzn1.application-oa2-client.sandbox"
SPAPI_CLIENT_SECRET: Final = "sandbox-lwa-client-secret"
SPAPI_REFRESH_TOKEN: Final = "Atzr|sandbox-refresh-token"
SPAPI_SELLER_ID: Final = "A2SANDBOXSELLER"
PATH_PREFIXES: Final = SPAPI_PREFIXES
"""Every path this app answers starts with one of these (mount it for them)."""
SECTION: Final = "ProductPricing"
TOKEN_PATH: Final = "/auth/o2/token"
_JSON: Final = "application/json"
_ITEM_URI: Final = re.compile(r"/products/pricing/v0/items/([^/?]+)/offers")
_LISTING_URI: Final = re.compile(r"/products/pricing/v0/listings/([^/?]+)/offers")
_ROUTES: Final = (
    ("GET", re.compile(r"/products/pricing/v0/price"), "getPricing"),
    ("GET", re.compile(r"/products/pricing/v0/competitivePrice"), "getCompetitivePricing"),
    ("GET", _LISTING_URI, "getListingOffers"),
    ("GET", _ITEM_URI, "getItemOffers"),
    ("POST", re.compile(r"/batches/products/pricing/v0/itemOffers"), "getItemOffersBatch"),
    ("POST", re.compile(r"/batches/products/pricing/v0/listingOffers"), "getListingOffersBatch"),
)
_REASONS: Final = {200: "OK", 400: "Bad Request", 429: "Too Many Requests", 500: "Internal Server Error",
                   503: "Service Unavailable"}  # fmt: skip


class _Problem(Exception):
    """An SP-API error answer: status, code, message."""

    def __init__(self, status: int, code: str, message: str, details: str = "") -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.details = status, code, message, details

    def body(self) -> dict[str, Any]:
        error = {"code": self.code, "message": self.message}
        if self.details:
            error["details"] = self.details
        return {"errors": [error]}


@dataclass(slots=True)
class _Reply:
    status: int
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str = _JSON
    reset: bool = False


@dataclass(frozen=True, slots=True)
class _Token:
    client_id: str
    seller_id: str
    expires_at: float


class SPAPISandboxApp:
    """ASGI callable serving SP-API Product Pricing v0 and LWA from a :class:`World`.

    Args:
        world: the catalog (use the MWS sandbox's ``sandbox.world`` so both APIs price alike).
        time_scale: multiplies every usage-plan rate (the ``x-amzn-RateLimit-Limit`` header stays unscaled).
        clock: monotonic seconds for buckets and token expiry (inject to step time in tests).
        faults: request faults (default none); ``item_faults``: faults of single batched requests.
        client_id, client_secret: the LWA application the token endpoint accepts.
        refresh_token, selling_partner_id: the default selling partner's authorisation; more with
            :meth:`add_selling_partner`.
        token_lifetime: ``expires_in`` of issued access tokens, in seconds (default 3600).
        usage_plans: plans per operationId; operations not named keep the reference's default plans
            (:data:`~mws_async.spapi.operations.USAGE_PLANS`, the table the client assumes).
        throttling: ``False`` turns the buckets off (CPU benchmarks).
        request_log_size: records kept in :attr:`request_log`.
    """

    def __init__(
        self,
        world: World,
        *,
        time_scale: float = 1.0,
        clock: Callable[[], float] | None = None,
        faults: Faults | None = None,
        item_faults: Faults | None = None,
        client_id: str = SPAPI_CLIENT_ID,
        client_secret: str = SPAPI_CLIENT_SECRET,
        refresh_token: str = SPAPI_REFRESH_TOKEN,
        selling_partner_id: str = SPAPI_SELLER_ID,
        token_lifetime: float = 3600.0,
        usage_plans: Mapping[str, UsagePlan] | None = None,
        throttling: bool = True,
        request_log_size: int = 100_000,
    ) -> None:
        self.world = world
        self.time_scale = time_scale
        self.clock = clock or time.monotonic
        self.faults = faults if faults is not None else Faults(seed=world.seed)
        self.item_faults = item_faults if item_faults is not None else Faults(seed=world.seed + 1)
        self.client_id = client_id
        self._client_secret = client_secret
        self.token_lifetime = token_lifetime
        quotas = spapi_quota_table(usage_plans)  # ConfigurationError for an unknown operation
        self.plans: dict[str, UsagePlan] = {**USAGE_PLANS, **(usage_plans or {})}
        self._partner_plans: dict[tuple[str, str], UsagePlan] = {}
        self.buckets = Buckets(quotas, time_scale=time_scale, clock=self.clock, enabled=throttling)
        self.request_log = RequestLog(request_log_size)
        self.token_requests = 0
        """Requests to the token endpoint (refused ones included)."""
        self._refresh_tokens: dict[str, str] = {refresh_token: selling_partner_id}
        self._tokens: dict[str, _Token] = {}
        self.default_selling_partner = selling_partner_id
        self._default_refresh_token = refresh_token

    def __repr__(self) -> str:
        tokens = len(self._tokens)
        return f"<SPAPISandboxApp seed={self.world.seed} time_scale={self.time_scale:g} tokens={tokens}>"

    # --- configuration ----------------------------------------------------------------------------
    @staticmethod
    def handles(path: str) -> bool:
        """Whether ``path`` is one this app serves (for mounting it beside the MWS app)."""
        return path.startswith(PATH_PREFIXES)

    def credentials(self) -> LWACredentials:
        """LWA credentials of the default selling partner (public sandbox values)."""
        return LWACredentials(
            self.client_id, self._client_secret, self._default_refresh_token, self.default_selling_partner
        )

    def add_selling_partner(
        self, selling_partner_id: str, refresh_token: str | None = None
    ) -> LWACredentials:
        """Authorise the sandbox application for another seller; returns its credentials."""
        token = refresh_token or f"Atzr|sandbox-{selling_partner_id}"
        self._refresh_tokens[token] = selling_partner_id
        return LWACredentials(self.client_id, self._client_secret, token, selling_partner_id)

    def set_usage_plan(
        self,
        operation: str,
        rate: float,
        burst: float | None = None,
        *,
        selling_partner_id: str | None = None,
    ) -> None:
        """Change an operation's plan (for everyone, or one selling partner): buckets and headers follow."""
        if operation not in self.plans:
            raise KeyError(f"unknown operation {operation!r}; known: {', '.join(sorted(self.plans))}")
        current = self.plans[operation]
        plan = UsagePlan(rate, burst if burst is not None else current.burst)
        if selling_partner_id is None:
            self.plans[operation] = plan
        else:
            self._partner_plans[(selling_partner_id, operation)] = plan

    def plan(self, operation: str, selling_partner_id: str) -> UsagePlan:
        """The plan in force for a selling partner."""
        return self._partner_plans.get((selling_partner_id, operation)) or self.plans[operation]

    def expire_tokens(self) -> None:
        """Make every issued access token expired (the next call with one gets 401)."""
        now = self.clock()
        self._tokens = {
            k: _Token(t.client_id, t.seller_id, min(t.expires_at, now)) for k, t in self._tokens.items()
        }

    # --- ASGI -------------------------------------------------------------------------------------
    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """ASGI entry point (``http``; ``lifespan`` is acknowledged)."""
        if scope["type"] == "lifespan":
            await acknowledge_lifespan(receive, send)
            return
        if scope["type"] != "http":
            return
        try:
            body, headers = await read_request(scope, receive)
        except ClientDisconnected:
            return
        except BodyTooLarge as error:
            message = f"The request body is larger than the limit of {error.limit} bytes."
            payload = json.dumps({"errors": [{"code": "RequestEntityTooLarge", "message": message}]}).encode()
            out = [(b"content-type", b"application/json"), (b"connection", b"close")]
            out.append((b"content-length", str(len(payload)).encode()))
            await send({"type": "http.response.start", "status": 413, "headers": out})
            await send({"type": "http.response.body", "body": payload})
            return
        # The raw (still percent-encoded) path, so a SKU containing "/" (sent as %2F) stays one segment.
        raw_path = scope.get("raw_path")
        path = raw_path.decode("latin-1").split("?")[0] if raw_path else scope["path"]
        reply = await self.handle(
            method=scope["method"],
            path=path,
            query_string=scope.get("query_string", b""),
            headers=headers,
            body=body,
        )
        out = [(b"content-type", reply.content_type.encode())]
        out += [(k.encode(), v.encode()) for k, v in reply.headers.items()]
        if reply.reset:
            await send({"type": "http.response.start", "status": reply.status, "headers": out})
            raise SandboxConnectionReset("sandbox fault: connection reset")
        out.append((b"content-length", str(len(reply.body)).encode()))
        await send({"type": "http.response.start", "status": reply.status, "headers": out})
        await send({"type": "http.response.body", "body": reply.body})

    # --- protocol ---------------------------------------------------------------------------------
    async def handle(
        self, *, method: str, path: str, query_string: bytes, headers: Mapping[str, str], body: bytes
    ) -> _Reply:
        """Answer one request (transport-independent; the ASGI wrapper only moves bytes)."""
        request_id = new_request_id()
        base = {"x-amzn-RequestId": request_id, "Date": http_date(datetime.now(UTC))}
        if path == TOKEN_PATH:
            reply = self._token_endpoint(method, headers, body, request_id)
            reply.headers.update(base)
            return reply
        query = dict(parse_qsl(query_string.decode("utf-8", "replace"), keep_blank_values=True))
        operation, path_value = _route(method, path)
        seller: str | None = None
        fault_kind: str | None = None
        processed = False
        status = 500
        code: str | None = None
        params = dict(query)
        try:
            if operation is None:
                raise _Problem(404, "NotFound", f"Resource {path} is not found for method {method}.")
            token = self._check_token(headers.get("x-amz-access-token"))
            seller = token.seller_id
            plan = self.plan(operation, seller)
            rate_header = {"x-amzn-RateLimit-Limit": f"{plan.rate:g}"}
            fault = self._fault(operation, seller)
            if fault is not None:
                fault_kind = fault.kind
                if fault.kind == "Latency":
                    await asyncio.sleep(fault.seconds)
                    fault_kind = None
                elif fault.kind not in ("Truncated", "ResetAfterProcessing"):
                    reply = self._fault_reply(fault.kind, rate_header)
                    reply.headers.update(base)
                    status, code = reply.status, fault.kind
                    return reply
            answer = self._answer(operation, path_value, query, body, seller, params)
            try:
                self.buckets.admit(seller, token.client_id, plan.spec(operation), 1.0, quota_headers=False)
            except SandboxError:
                raise _Problem(
                    429, "QuotaExceeded", "You exceeded your quota for the requested resource."
                ) from None
            processed = True
            payload = pricing.dumps(answer())
            status = 200
            reply = _Reply(200, payload, {**base, **rate_header})
            if fault_kind == "Truncated":
                reply.body = payload[: max(1, len(payload) // 2)]
            elif fault_kind == "ResetAfterProcessing":
                reply.reset = True
            return reply
        except _Problem as problem:
            status, code = problem.status, problem.code
            headers_out = dict(base)
            if problem.status in (400, 429) and operation is not None and seller is not None:
                headers_out["x-amzn-RateLimit-Limit"] = f"{self.plan(operation, seller).rate:g}"
            return _Reply(problem.status, pricing.dumps(problem.body()), headers_out)
        finally:
            self.request_log.append(
                RequestRecord(
                    time=self.clock(),
                    operation=operation or f"{method} {path}",
                    section=SECTION,
                    seller_id=seller,
                    params=params,
                    status=status,
                    error_code=code if status != 200 else None,
                    processed=processed,
                    fault=fault_kind,
                    request_id=request_id,
                    body_size=len(body),
                )
            )

    # --- LWA --------------------------------------------------------------------------------------
    def _token_endpoint(
        self, method: str, headers: Mapping[str, str], body: bytes, request_id: str
    ) -> _Reply:
        self.token_requests += 1
        form = dict(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
        grant = form.get("grant_type", "")
        status, code = 200, None
        seller: str | None = None
        try:
            if method != "POST":
                raise _LWAProblem(405, "invalid_request", "The token endpoint takes POST.")
            if grant != "refresh_token":
                raise _LWAProblem(
                    400, "unsupported_grant_type", f"The grant type {grant!r} is not supported."
                )
            for name in ("refresh_token", "client_id", "client_secret"):
                if not form.get(name):
                    raise _LWAProblem(400, "invalid_request", f"The request is missing {name}.")
            if form["client_id"] != self.client_id or not secrets.compare_digest(
                form["client_secret"], self._client_secret
            ):
                raise _LWAProblem(401, "invalid_client", "Client authentication failed.")
            seller = self._refresh_tokens.get(form["refresh_token"])
            if seller is None:
                raise _LWAProblem(
                    400, "invalid_grant", "The request has an invalid grant parameter : refresh_token"
                )
            token = "Atza|sandbox-" + secrets.token_urlsafe(32)
            now = self.clock()
            if len(self._tokens) > 10_000:
                self._tokens = {k: t for k, t in self._tokens.items() if t.expires_at > now}
            self._tokens[token] = _Token(self.client_id, seller, now + self.token_lifetime)
            answer = {
                "access_token": token,
                "refresh_token": form["refresh_token"],
                "token_type": "bearer",
                "expires_in": int(self.token_lifetime)
                if self.token_lifetime.is_integer()
                else self.token_lifetime,
            }
            return _Reply(200, json.dumps(answer).encode(), {"Cache-Control": "no-store"})
        except _LWAProblem as problem:
            status, code = problem.status, problem.code
            body_out = {"error": problem.code, "error_description": problem.message}
            return _Reply(problem.status, json.dumps(body_out).encode())
        finally:
            self.request_log.append(
                RequestRecord(
                    time=self.clock(),
                    operation="token",
                    section="LWA",
                    seller_id=seller,
                    params={"grant_type": grant},
                    status=status,
                    error_code=code,
                    processed=status == 200,
                    request_id=request_id,
                )
            )

    def _check_token(self, value: str | None) -> _Token:
        if not value:
            raise _Problem(403, "Unauthorized", "Access to requested resource is denied.",
                           "The request has no x-amz-access-token header.")  # fmt: skip
        token = self._tokens.get(value)
        if token is None:
            raise _Problem(403, "Unauthorized", "Access to requested resource is denied.",
                           "The access token you provided is revoked, malformed or invalid.")  # fmt: skip
        if self.clock() >= token.expires_at:
            raise _Problem(401, "Unauthorized", "The access token you provided has expired.")
        return token

    # --- faults -----------------------------------------------------------------------------------
    def _fault(self, operation: str, seller: str) -> Any:
        faults = self.faults
        if not faults.active and not faults.latency:
            return None
        return faults.pick(SECTION, operation, seller) if faults.active else None

    def _fault_reply(self, kind: str, rate_header: dict[str, str]) -> _Reply:
        if kind in ("RequestThrottled", "QuotaExceeded"):
            problem = _Problem(429, "QuotaExceeded", "You exceeded your quota for the requested resource.")
            return _Reply(429, pricing.dumps(problem.body()), dict(rate_header))
        if kind == "ServiceUnavailable":
            problem = _Problem(503, "ServiceUnavailable", "Service temporarily unavailable. Please retry.")
            return _Reply(503, pricing.dumps(problem.body()))
        if kind == "HTML":
            return _Reply(502, HTML_ERROR_PAGE, content_type="text/html")
        if kind == "ConnectionReset":
            return _Reply(500, b"", reset=True)
        problem = _Problem(500, "InternalFailure", "We encountered an internal error. Please try again.")
        return _Reply(500, pricing.dumps(problem.body()))

    # --- operations -------------------------------------------------------------------------------
    def _answer(
        self,
        operation: str,
        path_value: str | None,
        query: Mapping[str, str],
        body: bytes,
        seller: str,
        params: dict[str, str],
    ) -> Callable[[], Any]:
        """Validate (raising 400 now) and return the renderer of the answer (run once admitted)."""
        if operation in ("getPricing", "getCompetitivePricing"):
            market = _market(query.get("MarketplaceId"))
            item_type = _enum(query, "ItemType", ITEM_TYPES, required=True)
            ids = _id_list(query, "Asins" if item_type == "Asin" else "Skus")
            if operation == "getPricing":
                condition = _enum(query, "ItemCondition", ITEM_CONDITIONS)
                offer_type = _enum(query, "OfferType", OFFER_TYPES)
                return lambda: {
                    "payload": [
                        self._my_price(market, item_type, v, seller, condition, offer_type) for v in ids
                    ]
                }
            _enum(query, "CustomerType", CUSTOMER_TYPES)
            return lambda: {"payload": [self._competitive(market, item_type, v, seller) for v in ids]}
        if operation in ("getItemOffers", "getListingOffers"):
            if path_value is None:
                raise _Problem(400, "InvalidInput", f"{operation} needs an ASIN or SellerSKU in the path")
            market = _market(query.get("MarketplaceId"))
            condition = _enum(query, "ItemCondition", ITEM_CONDITIONS, required=True)
            _enum(query, "CustomerType", CUSTOMER_TYPES)
            sku = path_value if operation == "getListingOffers" else None
            index = self._resolve(market, sku or path_value, sku is not None)
            return lambda: {"payload": self._offers(market, index, condition, sku, seller)}
        # batches
        params.clear()
        requests = _batch_requests(body)
        params["requests"] = str(len(requests))
        listing = operation == "getListingOffersBatch"
        return lambda: {"responses": [self._batched(r, seller, listing) for r in requests]}

    def _resolve(self, market: MarketInfo, value: str, sku: bool) -> int:
        index = self.world.resolve("SellerSKU" if sku else "ASIN", value)
        if index is None:
            kind = "SellerSKU" if sku else "ASIN"
            raise _Problem(
                400, "InvalidInput", f"Invalid {kind} {value} for marketplace {market.marketplace_id}."
            )
        return index

    def _offers(
        self, market: MarketInfo, index: int, condition: str, sku: str | None, seller: str
    ) -> dict[str, Any]:
        product = self.world.product(index)
        return pricing.offers_payload(self.world, product, market, condition, sku=sku, seller_id=seller)

    def _competitive(self, market: MarketInfo, item_type: str, value: str, seller: str) -> dict[str, Any]:
        key = "ASIN" if item_type == "Asin" else "SellerSKU"
        index = self.world.resolve("ASIN" if item_type == "Asin" else "SellerSKU", value)
        if index is None:
            return {"status": "ClientError", key: value}
        product = self.world.product(index)
        return {
            "status": "Success",
            key: value,
            "Product": {
                "Identifiers": _identifiers(
                    market, product.asin, product.sku if key == "SellerSKU" else None, seller
                ),
                "CompetitivePricing": pricing.competitive_pricing(self.world, product, market),
                "SalesRankings": pricing.sales_rankings(product),
            },
        }

    def _my_price(
        self,
        market: MarketInfo,
        item_type: str,
        value: str,
        seller: str,
        condition: str | None,
        offer_type: str | None,
    ) -> dict[str, Any]:
        key = "ASIN" if item_type == "Asin" else "SellerSKU"
        index = self.world.resolve("ASIN" if item_type == "Asin" else "SellerSKU", value)
        if index is None:
            return {"status": "ClientError", key: value}
        product = self.world.product(index)
        offers = pricing.my_offers(self.world, product, market, seller, condition)
        for offer in offers:
            offer["offerType"] = offer_type or "B2C"
        return {
            "status": "Success",
            key: value,
            "Product": {
                "Identifiers": _identifiers(
                    market, product.asin, product.sku if key == "SellerSKU" else None, seller
                ),
                "Offers": offers,
            },
        }

    def _batched(self, request: Mapping[str, Any], seller: str, listing: bool) -> dict[str, Any]:
        rid = new_request_id()
        headers = {"x-amzn-RequestId": rid, "Date": http_date(datetime.now(UTC))}
        uri = str(request.get("uri", ""))
        matcher = _LISTING_URI if listing else _ITEM_URI
        found = matcher.fullmatch(uri)
        value = unquote(found.group(1)) if found else ""
        echo: dict[str, Any] = {
            key: request[key] for key in ("MarketplaceId", "ItemCondition", "CustomerType") if key in request
        }
        echo["SellerSKU" if listing else "Asin"] = value
        operation = "getListingOffers" if listing else "getItemOffers"
        try:
            if found is None or str(request.get("method", "")).upper() != "GET":
                raise _Problem(400, "InvalidInput", f"Invalid uri or method for {operation}: {uri!r}.")
            market = _market(request.get("MarketplaceId"))
            condition = _enum(request, "ItemCondition", ITEM_CONDITIONS, required=True)
            _enum(request, "CustomerType", CUSTOMER_TYPES)
            fault = self.item_faults.pick(SECTION, operation, seller) if self.item_faults.active else None
            if fault is not None and fault.kind in ("RequestThrottled", "QuotaExceeded"):
                raise _Problem(429, "QuotaExceeded", "You exceeded your quota for the requested resource.")
            if fault is not None and fault.kind == "ServiceUnavailable":
                raise _Problem(503, "ServiceUnavailable", "Service temporarily unavailable. Please retry.")
            if fault is not None and fault.kind == "InternalError":
                raise _Problem(500, "InternalFailure", "We encountered an internal error. Please try again.")
            index = self._resolve(market, value, listing)
            payload = self._offers(market, index, condition, value if listing else None, seller)
            status, answer = 200, {"payload": payload}
        except _Problem as problem:
            status, answer = problem.status, problem.body()
        return {
            "headers": headers,
            "status": {"statusCode": status, "reasonPhrase": _REASONS.get(status, "Error")},
            "body": answer,
            "request": echo,
        }


class _LWAProblem(Exception):
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def _route(method: str, path: str) -> tuple[str | None, str | None]:
    for verb, pattern, operation in _ROUTES:
        found = pattern.fullmatch(path)
        if found is not None:
            if verb != method:
                return None, None
            return operation, unquote(found.group(1)) if found.groups() else None
    return None, None


def _market(value: object) -> MarketInfo:
    if not value:
        raise _Problem(400, "InvalidInput", "Missing required parameter MarketplaceId.")
    market = market_info(str(value))
    if market is None or str(value) == Marketplace.CN.marketplace_id:
        raise _Problem(400, "InvalidInput", f"Invalid MarketplaceId {value}.")
    return market


def _enum(source: Mapping[str, Any], name: str, choices: tuple[str, ...], *, required: bool = False) -> Any:
    value = source.get(name)
    if value in (None, ""):
        if required:
            raise _Problem(400, "InvalidInput", f"Missing required parameter {name}.")
        return None
    if value not in choices:
        raise _Problem(400, "InvalidInput", f"Invalid {name} {value}; valid values are {', '.join(choices)}.")
    return value


def _id_list(query: Mapping[str, str], name: str) -> list[str]:
    raw = query.get(name, "")
    values = [v.strip() for v in raw.split(",") if v.strip()]
    if not values:
        raise _Problem(400, "InvalidInput", f"Missing required parameter {name}.")
    if len(values) > BATCH_LIMIT:
        raise _Problem(
            400, "InvalidInput", f"{name} has {len(values)} values; at most {BATCH_LIMIT} are allowed."
        )
    return values


def _batch_requests(body: bytes) -> list[Mapping[str, Any]]:
    data, problem = decode_json(body) if body else (None, None)
    if problem is not None:  # not JSON, or nested too deep to decode safely
        raise _Problem(400, "InvalidInput", f"The request body is {problem}.")
    requests = data.get("requests") if isinstance(data, dict) else None
    if not isinstance(requests, list) or not all(isinstance(r, dict) for r in requests):
        raise _Problem(400, "InvalidInput", 'The request body must be {"requests": [...]}.')
    if not 1 <= len(requests) <= BATCH_LIMIT:
        raise _Problem(
            400, "InvalidInput", f"requests has {len(requests)} entries; 1 to {BATCH_LIMIT} are allowed."
        )
    return requests


def _identifiers(market: MarketInfo, asin: str, sku: str | None, seller: str) -> dict[str, Any]:
    out: dict[str, Any] = {"MarketplaceASIN": {"MarketplaceId": market.marketplace_id, "ASIN": asin}}
    if sku is not None:
        out["SKUIdentifier"] = {"MarketplaceId": market.marketplace_id, "SellerId": seller, "SellerSKU": sku}
    return out
