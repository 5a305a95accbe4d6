"""Sellers API (``/Sellers/2011-07-01``) response models.

Each operation's ``{Action}Result`` element validates into the model named in :data:`SELLERS_RESULT_MODELS`::

    doc = xml.parse(body, force_list=SELLERS_FORCE_LIST)
    model, _ = SELLERS_RESULT_MODELS[action]
    result = model.model_validate(result_of(doc, action))

Use :func:`~mws_async.models.lenient.result_of` (not ``root[f"{action}Result"]``): a live
ListMarketplaceParticipations capture has its ``NextToken`` *beside* the result element, and ``result_of``
moves it in. Pagination is NextToken-only (ListMarketplaceParticipations -> …ByNextToken).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Final

from pydantic import Field

from mws_async.models.base import MWSModel, wrapped
from mws_async.models.common import ServiceStatus
from mws_async.models.lenient import LenientBool

__all__ = [
    "SELLERS_FORCE_LIST",
    "SELLERS_RESULT_MODELS",
    "GetAuthTokenResult",
    "ListMarketplaceParticipationsResult",
    "MarketplaceInfo",
    "Participation",
    "ServiceStatus",
]


class Participation(MWSModel):
    """``<Participation>``: the seller's account in one marketplace; natural id :attr:`marketplace_id`."""

    marketplace_id: str
    seller_id: str | None = None
    has_seller_suspended_listings: LenientBool = None  # Yes / No


class MarketplaceInfo(MWSModel):
    """``<Marketplace>``: a marketplace the seller participates in; natural id :attr:`marketplace_id`.

    Only active marketplaces are listed; they include non-Amazon ones (``Non-Amazon``, invoicing shadow
    marketplaces, ``siprod.stores…``), so do not assume every id is a retail marketplace.
    """

    marketplace_id: str
    name: str | None = None
    default_country_code: str | None = None
    default_currency_code: str | None = None
    default_language_code: str | None = None
    domain_name: str | None = None


class ListMarketplaceParticipationsResult(MWSModel):
    """``ListMarketplaceParticipations[ByNextToken]Result``; records: :attr:`participations`.

    :attr:`marketplaces` is the page's other list (details of the marketplaces); use :meth:`marketplace` to
    look one up by id.
    """

    next_token: str | None = None
    participations: Annotated[list[Participation], wrapped("Participation")] = Field(
        default_factory=list, alias="ListParticipations"
    )
    marketplaces: Annotated[list[MarketplaceInfo], wrapped("Marketplace")] = Field(
        default_factory=list, alias="ListMarketplaces"
    )

    @property
    def records(self) -> list[Participation]:
        """The page's participations."""
        return self.participations

    @property
    def has_more(self) -> bool:
        """NextToken pagination: another page exists exactly when ``next_token`` is present."""
        return self.next_token is not None

    def marketplace(self, marketplace_id: str) -> MarketplaceInfo | None:
        """The :class:`MarketplaceInfo` with this id on this page, if any."""
        return next((m for m in self.marketplaces if m.marketplace_id == marketplace_id), None)


class GetAuthTokenResult(MWSModel):
    """``GetAuthTokenResult``: the MWS auth token a developer uses on behalf of the seller."""

    seller_id: str | None = None
    mws_auth_token: str | None = Field(default=None, alias="MWSAuthToken")


SELLERS_FORCE_LIST: Final[frozenset[str]] = frozenset({"Participation", "Marketplace"})
"""Element names that can repeat in Sellers responses; for :func:`mws_async.xml.parse` ``force_list``."""

SELLERS_RESULT_MODELS: Final[Mapping[str, tuple[type[MWSModel], bool]]] = {
    "ListMarketplaceParticipations": (ListMarketplaceParticipationsResult, False),
    "ListMarketplaceParticipationsByNextToken": (ListMarketplaceParticipationsResult, False),
    "GetAuthToken": (GetAuthTokenResult, False),
    "GetServiceStatus": (ServiceStatus, False),
}
"""Action -> (model of its ``{Action}Result`` element, whether there is one element per requested id)."""
