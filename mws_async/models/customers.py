"""Customer Information API (``/CustomerInformation/2014-03-01``, Webstore sellers) response models.

Each operation's ``{Action}Result`` element validates into the model named in
:data:`CUSTOMERS_RESULT_MODELS`::

    doc = xml.parse(body, force_list=CUSTOMERS_FORCE_LIST)
    model, _ = CUSTOMERS_RESULT_MODELS[action]
    result = model.model_validate(result_of(doc, action))

Pagination is ``MoreResultsAvailable`` + ``NextToken``: ``more_results_available`` true means call
ListCustomersByNextToken now; false means nothing more *now*, but the same token can be used later to pick up
new customers (so ``next_token`` may be present while ``has_more`` is false).

The official PHP client's mocks are the only samples available (placeholder values); element names follow
them: ``PrimaryContactInfo/Email`` (also accepted as ``EmailAddress``),
``AssociatedMarketplaces/MarketplaceDomain``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Final

from pydantic import AliasChoices, Field

from mws_async.models.base import MWSModel, wrapped
from mws_async.models.common import ServiceStatus
from mws_async.models.lenient import LenientBool, LenientDatetime

__all__ = [
    "CUSTOMERS_FORCE_LIST",
    "CUSTOMERS_RESULT_MODELS",
    "ContactInfo",
    "Customer",
    "CustomerAddress",
    "GetCustomersForCustomerIdResult",
    "ListCustomersResult",
    "MarketplaceDomain",
    "ServiceStatus",
]


class CustomerAddress(MWSModel):
    """``<ShippingAddress>`` of a customer."""

    is_default_address: LenientBool = None
    full_name: str | None = None
    address_line1: str | None = None
    address_line2: str | None = None
    city: str | None = None
    state_or_region: str | None = None
    postal_code: str | None = None
    country_code: str | None = None


class ContactInfo(MWSModel):
    """``<PrimaryContactInfo>``: the customer's name and e-mail."""

    email: str | None = Field(default=None, validation_alias=AliasChoices("Email", "EmailAddress", "email"))
    full_name: str | None = None


class MarketplaceDomain(MWSModel):
    """``<MarketplaceDomain>``: a Webstore domain the customer is associated with."""

    domain_name: str | None = None
    seller_id: str | None = None
    origin: LenientBool = None  # the domain where the customer first registered
    associated_on: LenientDatetime = None
    last_updated_on: LenientDatetime = None


class Customer(MWSModel):
    """``<Customer>``; natural id :attr:`customer_id`."""

    customer_id: str
    shipping_address_list: Annotated[list[CustomerAddress], wrapped("ShippingAddress")] = Field(
        default_factory=list
    )
    primary_contact_info: ContactInfo | None = None
    account_type: str | None = None
    associated_marketplaces: Annotated[list[MarketplaceDomain], wrapped("MarketplaceDomain")] = Field(
        default_factory=list
    )

    @property
    def email(self) -> str | None:
        """The primary contact e-mail."""
        return self.primary_contact_info.email if self.primary_contact_info is not None else None


class ListCustomersResult(MWSModel):
    """``ListCustomers[ByNextToken]Result``; records: :attr:`customer_list` (MoreResultsAvailable paging)."""

    next_token: str | None = None
    more_results_available: LenientBool = None
    customer_list: Annotated[list[Customer], wrapped("Customer")] = Field(default_factory=list)

    @property
    def records(self) -> list[Customer]:
        """The page's customers."""
        return self.customer_list

    @property
    def has_more(self) -> bool:
        """Whether to call ListCustomersByNextToken now: ``MoreResultsAvailable`` true and a token present."""
        return bool(self.more_results_available) and self.next_token is not None


class GetCustomersForCustomerIdResult(MWSModel):
    """``GetCustomersForCustomerIdResult`` (also the PHP client's ``GetCustomersByCustomerId``).

    Not paginated.
    """

    customer_list: Annotated[list[Customer], wrapped("Customer")] = Field(default_factory=list)

    @property
    def records(self) -> list[Customer]:
        """The customers."""
        return self.customer_list


CUSTOMERS_FORCE_LIST: Final[frozenset[str]] = frozenset({"Customer", "ShippingAddress", "MarketplaceDomain"})
"""Element names that can repeat in Customer Information responses; pass to :func:`mws_async.xml.parse`."""

CUSTOMERS_RESULT_MODELS: Final[Mapping[str, tuple[type[MWSModel], bool]]] = {
    "ListCustomers": (ListCustomersResult, False),
    "ListCustomersByNextToken": (ListCustomersResult, False),
    "GetCustomersForCustomerId": (GetCustomersForCustomerIdResult, False),
    "GetCustomersByCustomerId": (GetCustomersForCustomerIdResult, False),
    "GetServiceStatus": (ServiceStatus, False),
}
"""Action -> (model of its ``{Action}Result`` element, whether there is one element per requested id)."""
