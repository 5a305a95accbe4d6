"""What every section shares: a reference to the client, the seller it acts for, and the generic call."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from mws_async.credentials import Credentials
from mws_async.marketplaces import Marketplace
from mws_async.operations import Operation

if TYPE_CHECKING:
    from mws_async.client import MWSClient

__all__ = ["SectionClient"]


class SectionClient:
    """Base of the section objects (``client.products``, ``client.orders`` ...)."""

    def __init__(self, client: MWSClient, credentials: Credentials | None = None) -> None:
        self._client = client
        self._credentials = credentials

    @property
    def client(self) -> MWSClient:
        return self._client

    def _marketplace_id(self, marketplace: Marketplace | str | None) -> str:
        if marketplace is None:
            return self._client.marketplace.marketplace_id
        return Marketplace.resolve(marketplace).marketplace_id

    async def _call(self, operation: Operation, **args: Any) -> Any:
        return await self._client.call(
            operation, {k: v for k, v in args.items() if v is not None}, credentials=self._credentials
        )
