"""``MWSClient``: one transport, one throttler, and the API sections as attributes.

>>> async with MWSClient(creds, marketplace=Marketplace.US) as client:          # doctest: +SKIP
...     results = await client.products.get_matching_product_for_id("ISBN", ["9781933988665"])
"""

from __future__ import annotations

from collections.abc import Mapping
from contextlib import AbstractAsyncContextManager
from functools import cached_property
from types import TracebackType
from typing import TYPE_CHECKING, Any, Self, cast

import httpx

from mws_async import xml
from mws_async.credentials import Credentials
from mws_async.errors import MWSResponseError, ThrottledError, UnexpectedResponseError
from mws_async.marketplaces import Marketplace
from mws_async.operations import Operation, R
from mws_async.retry import RetryPolicy
from mws_async.settings import check_instance
from mws_async.signing import SignatureMethod, check_signature_method
from mws_async.throttle import KeyStats, QuotaSpec, QuotaTable, ThrottleBackend, ThrottleKey, Throttler
from mws_async.transport import MWSRequest, MWSResponse, RequestHook, Transport
from mws_async.useragent import default_user_agent

if TYPE_CHECKING:
    from mws_async.sections.customers import CustomersSection
    from mws_async.sections.feeds import FeedsSection
    from mws_async.sections.finances import FinancesSection
    from mws_async.sections.inventory import InventorySection
    from mws_async.sections.orders import OrdersSection
    from mws_async.sections.products import ProductsSection
    from mws_async.sections.reports import ReportsSection
    from mws_async.sections.sellers import SellersSection

__all__ = ["MWSClient"]


class MWSClient:
    """Asyncio MWS client. Use as ``async with MWSClient(...) as client``.

    Parameters:
        credentials: who signs and for which seller; default :meth:`Credentials.from_env`.
        marketplace: default marketplace (member, country code or MarketplaceId); its endpoint is used
            unless ``base_url`` is given.
        base_url: endpoint override (HTTPS, or plain HTTP on loopback such as the sandbox).
        http_client: an ``httpx.AsyncClient`` to use (not closed by the client); tests inject transports.
        throttle: a :class:`Throttler` (its own quotas and time scale apply), or a backend for one (e.g. a
            Redis backend); default in-memory.
        quotas: a :class:`QuotaTable` or ``{"Section.Operation": QuotaSpec}`` overrides.
        time_scale: multiplies every restore rate (tests and benchmarks against a scaled sandbox); from
            0.001 to 1e6.
        retry: a :class:`RetryPolicy`; ``RetryPolicy.disabled()`` turns retries off.
        user_agent: full User-Agent header (see :func:`mws_async.useragent.build_user_agent`).
        signature_method: ``HmacSHA256`` (default) or ``HmacSHA1``.
        on_request: hook called with a :class:`~mws_async.transport.RequestRecord` after every attempt.
        timeout: seconds each attempt may take in all (connect, send, the whole answer); see
            :class:`~mws_async.transport.Transport`. Retries are bounded by ``retry.max_retry_time``.
        max_response_bytes: the largest answer read whole (default 64 MiB); reading stops once it is passed.
        max_wait: the time budget (seconds) of each call made outside a :func:`mws_async.deadline` block:
            its wait for quota, retries and HTTP attempts must fit in it, else
            :class:`~mws_async.errors.DeadlineExceededError` (at once when the wait for quota is already too
            long). ``None`` (default): no budget beyond ``timeout`` and the retry policy.

    A setting of the wrong type or out of range is a :class:`~mws_async.errors.ConfigurationError` naming
    it, raised here (see :mod:`mws_async.settings`).
    """

    def __init__(
        self,
        credentials: Credentials | None = None,
        *,
        marketplace: Marketplace | str = Marketplace.US,
        base_url: str | None = None,
        http_client: httpx.AsyncClient | None = None,
        throttle: Throttler | ThrottleBackend | None = None,
        quotas: QuotaTable | Mapping[str, QuotaSpec] | None = None,
        time_scale: float = 1.0,
        retry: RetryPolicy | None = None,
        user_agent: str | None = None,
        signature_method: SignatureMethod = "HmacSHA256",
        on_request: RequestHook | None = None,
        timeout: float = 60.0,
        max_response_bytes: int = xml.DEFAULT_MAX_BYTES,
        max_wait: float | None = None,
    ) -> None:
        self.credentials = credentials if credentials is not None else Credentials.from_env()
        self.marketplace = Marketplace.resolve(marketplace)
        # Checked here, not on the first call, where each would be an AttributeError or ValueError.
        http_client = check_instance(http_client, httpx.AsyncClient, "http_client")
        signature_method = check_signature_method(signature_method)
        self.throttler = Throttler.for_client(throttle, quotas=quotas, time_scale=time_scale)
        self.transport = Transport(
            self.credentials,
            base_url=base_url or self.marketplace.endpoint,
            throttler=self.throttler,
            user_agent=user_agent or default_user_agent(),
            http_client=http_client,
            retry=retry,
            signature_method=signature_method,
            on_request=on_request,
            timeout=timeout,
            max_response_bytes=max_response_bytes,
            max_wait=max_wait,
        )

    def __repr__(self) -> str:
        return (
            f"MWSClient(seller_id={self.credentials.seller_id!r}, marketplace={self.marketplace.name}, "
            f"endpoint={str(self.transport.base_url)!r})"
        )

    # -- lifecycle -----------------------------------------------------------------------------------

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the HTTP pool (if the client created it) and the throttler."""
        await self.transport.aclose()
        await self.throttler.aclose()

    # -- the engine ----------------------------------------------------------------------------------

    async def call(
        self, operation: Operation[R], args: Mapping[str, Any], *, credentials: Credentials | None = None
    ) -> R:
        """Execute any :class:`Operation`: validate, throttle, sign, send, retry, parse, validate."""
        request = self._request(operation, args)
        try:
            # Parsed inside the retry loop: a truncated answer to a read is retried, and any unreadable
            # answer to a non-idempotent call is an OutcomeUnknownError.
            result: R = await self.transport.send(request, credentials=credentials, parse=operation.aparse)
        except MWSResponseError as exc:
            # Some operations report a per-item failure as an ErrorResponse carrying the item's attributes
            # (GetLowestPricedOffers): that is a failed result for the item, not a failed call.
            if operation.alternate is None or exc.body is None or isinstance(exc, ThrottledError):
                raise
            alternate = operation.alternate(xml.parse(exc.body, force_list=operation.force_list))
            if alternate is None:
                raise
            return cast("R", alternate)
        if operation.many and not result:
            # Every id asked for gets a result element, even a failed one: none at all is a broken answer.
            raise UnexpectedResponseError(
                f"the answer has no {operation.result_key or operation.action + 'Result'} element for the "
                "requested id(s)",
                status_code=200,
                operation=operation.action,
                transient=False,
            )
        return result

    def open_stream(
        self,
        operation: Operation[Any],
        args: Mapping[str, Any],
        *,
        credentials: Credentials | None = None,
        body: Any = None,
        content_type: str | None = None,
    ) -> AbstractAsyncContextManager[MWSResponse]:
        """Send ``operation`` and leave a 200 body unread (``response.stream``): reports, feed results."""
        request = self._request(operation, args, body=body, content_type=content_type)
        return self.transport.stream(request, credentials=credentials)

    async def send_with_body(
        self,
        operation: Operation[R],
        args: Mapping[str, Any],
        *,
        body: Any,
        content_type: str,
        extra_params: Mapping[str, str] | None = None,
        credentials: Credentials | None = None,
    ) -> R:
        """Send an operation with a payload (SubmitFeed): parameters in the URL, ``body`` as the content."""
        request = self._request(
            operation, args, body=body, content_type=content_type, extra_params=extra_params
        )
        result: R = await self.transport.send(request, credentials=credentials, parse=operation.aparse)
        return result

    def _request(
        self,
        operation: Operation[Any],
        args: Mapping[str, Any],
        *,
        body: Any = None,
        content_type: str | None = None,
        extra_params: Mapping[str, str] | None = None,
    ) -> MWSRequest:
        """Validate ``args`` into wire parameters and attach the operation's quota spec and cost."""
        params, items = operation.build(args, default_marketplace=self.marketplace.marketplace_id)
        params.update(extra_params or {})
        spec = self.throttler.spec(operation.section.name, operation.action)
        cost = self.throttler.cost(spec, items)
        return operation.request(params, quota=spec, cost=cost, body=body, content_type=content_type)

    def throttle_stats(self) -> dict[ThrottleKey, KeyStats]:
        """Live per-bucket counters: requests, items, throttled responses, time waited."""
        return self.throttler.stats()

    # -- sections ------------------------------------------------------------------------------------

    @cached_property
    def products(self) -> ProductsSection:
        """Products API (2011-10-01)."""
        from mws_async.sections.products import ProductsSection

        return ProductsSection(self)

    @cached_property
    def orders(self) -> OrdersSection:
        """Orders API (2013-09-01)."""
        from mws_async.sections.orders import OrdersSection

        return OrdersSection(self)

    @cached_property
    def reports(self) -> ReportsSection:
        """Reports API (2009-01-01)."""
        from mws_async.sections.reports import ReportsSection

        return ReportsSection(self)

    @cached_property
    def feeds(self) -> FeedsSection:
        """Feeds API (2009-01-01)."""
        from mws_async.sections.feeds import FeedsSection

        return FeedsSection(self)

    @cached_property
    def sellers(self) -> SellersSection:
        """Sellers API (2011-07-01)."""
        from mws_async.sections.sellers import SellersSection

        return SellersSection(self)

    @cached_property
    def finances(self) -> FinancesSection:
        """Finances API (2015-05-01)."""
        from mws_async.sections.finances import FinancesSection

        return FinancesSection(self)

    @cached_property
    def inventory(self) -> InventorySection:
        """FulfillmentInventory API (2010-10-01)."""
        from mws_async.sections.inventory import InventorySection

        return InventorySection(self)

    @cached_property
    def customers(self) -> CustomersSection:
        """Customer Information API (2014-03-01)."""
        from mws_async.sections.customers import CustomersSection

        return CustomersSection(self)
