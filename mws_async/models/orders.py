"""Orders API (``/Orders/2013-09-01``) response models.

Each operation's ``{Action}Result`` element validates into the model named in :data:`ORDERS_RESULT_MODELS`::

    doc = xml.parse(body, force_list=ORDERS_FORCE_LIST)
    model, _ = ORDERS_RESULT_MODELS[action]
    result = model.model_validate(result_of(doc, action))

Pagination is NextToken-only: ``next_token`` is present exactly when another page exists
(ListOrders -> ListOrdersByNextToken, ListOrderItems -> ListOrderItemsByNextToken). Every paginated result
has ``next_token``, ``records`` (the page's records) and ``has_more``.

Leniency: dates, amounts, counts and flags are typed, but an unparsable value (``String`` in the official
PHP mocks, a typo in a documentation sample) becomes ``None`` instead of failing the page. Pending orders
omit buyer, address and total fields, so nearly everything is optional; ``AmazonOrderId`` and
``OrderItemId`` (the natural ids) are required.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Final

from pydantic import Field

from mws_async.models.base import MWSModel, wrapped
from mws_async.models.common import ServiceStatus
from mws_async.models.lenient import (
    LenientBool,
    LenientDatetime,
    LenientInt,
    LenientMoney,
    wrapped_texts,
)

__all__ = [
    "ORDERS_FORCE_LIST",
    "ORDERS_RESULT_MODELS",
    "Address",
    "BuyerCustomizedInfo",
    "BuyerIdentificationInformation",
    "BuyerTaxInfo",
    "GetOrderResult",
    "InvoiceData",
    "ListOrderItemsResult",
    "ListOrdersResult",
    "Order",
    "OrderItem",
    "PaymentExecutionDetailItem",
    "PointsGranted",
    "ProductInfo",
    "ServiceStatus",
    "TaxClassification",
    "TaxCollection",
    "TaxRegistrationAuthority",
    "TaxRegistrationDetail",
]


class Address(MWSModel):
    """``<ShippingAddress>`` of an order (absent for Pending orders)."""

    name: str | None = None
    address_line1: str | None = None
    address_line2: str | None = None
    address_line3: str | None = None
    city: str | None = None
    county: str | None = None
    district: str | None = None
    municipality: str | None = None
    state_or_region: str | None = None
    postal_code: str | None = None
    country_code: str | None = None
    phone: str | None = None
    address_type: str | None = None  # Residential / Commercial
    is_address_sharing_confidential: LenientBool = Field(default=None, alias="isAddressSharingConfidential")


class PaymentExecutionDetailItem(MWSModel):
    """``<PaymentExecutionDetailItem>``: one payment of a COD/multi-payment order."""

    payment: LenientMoney | None = None
    payment_method: str | None = None  # COD, GC, PointsAccount


class TaxClassification(MWSModel):
    """``<TaxClassification>`` of the buyer's tax information."""

    name: str | None = None
    value: str | None = None


class BuyerTaxInfo(MWSModel):
    """``<BuyerTaxInfo>``: business buyer's tax details."""

    company_legal_name: str | None = None
    taxing_region: str | None = None
    tax_classifications: Annotated[list[TaxClassification], wrapped("TaxClassification")] = Field(
        default_factory=list
    )


class TaxRegistrationAuthority(MWSModel):
    """``<taxRegistrationAuthority>`` (camelCase element names)."""

    country: str | None = Field(default=None, alias="country")
    state: str | None = Field(default=None, alias="state")
    district: str | None = Field(default=None, alias="district")
    province: str | None = Field(default=None, alias="province")
    city: str | None = Field(default=None, alias="city")
    warehouse_id: str | None = Field(default=None, alias="warehouseId")


class TaxRegistrationDetail(MWSModel):
    """One ``<TaxRegistrationDetails><member>``: a tax registration of the seller."""

    tax_registration_type: str | None = Field(default=None, alias="taxRegistrationType")
    tax_registration_id: str | None = Field(default=None, alias="taxRegistrationId")
    tax_registration_authority: TaxRegistrationAuthority | None = Field(
        default=None, alias="taxRegistrationAuthority"
    )


class BuyerIdentificationInformation(MWSModel):
    """``<BuyerIdentificationInformation>`` (Brazil)."""

    buyer_citizen_id: str | None = None
    buyer_legal_name: str | None = None


class Order(MWSModel):
    """``<Order>``; natural id :attr:`amazon_order_id` (3-7-7 format)."""

    amazon_order_id: str
    seller_order_id: str | None = None
    purchase_date: LenientDatetime = None
    last_update_date: LenientDatetime = None
    order_status: str | None = None
    fulfillment_channel: str | None = None  # AFN / MFN
    sales_channel: str | None = None
    order_channel: str | None = None
    ship_service_level: str | None = None
    shipping_address: Address | None = None
    order_total: LenientMoney | None = None
    number_of_items_shipped: LenientInt = None
    number_of_items_unshipped: LenientInt = None
    payment_execution_detail: Annotated[
        list[PaymentExecutionDetailItem], wrapped("PaymentExecutionDetailItem")
    ] = Field(default_factory=list)
    payment_method: str | None = None  # COD, CVS, Other
    payment_method_details: Annotated[list[str], wrapped_texts("PaymentMethodDetail")] = Field(
        default_factory=list
    )
    marketplace_id: str | None = None
    buyer_email: str | None = None
    buyer_name: str | None = None
    buyer_county: str | None = None
    buyer_tax_info: BuyerTaxInfo | None = None
    shipment_service_level_category: str | None = None
    shipped_by_amazon_tfm: LenientBool = Field(default=None, alias="ShippedByAmazonTFM")
    tfm_shipment_status: str | None = Field(default=None, alias="TFMShipmentStatus")
    easy_ship_shipment_status: str | None = None
    cba_displayable_shipping_label: str | None = None
    order_type: str | None = None  # StandardOrder, Preorder, SourcingOnDemandOrder
    earliest_ship_date: LenientDatetime = None
    latest_ship_date: LenientDatetime = None
    earliest_delivery_date: LenientDatetime = None
    latest_delivery_date: LenientDatetime = None
    is_business_order: LenientBool = None
    purchase_order_number: str | None = None
    is_prime: LenientBool = None
    is_premium_order: LenientBool = None
    is_global_express_enabled: LenientBool = None
    replaced_order_id: str | None = None
    is_replacement_order: LenientBool = None
    promise_response_due_date: LenientDatetime = None
    is_estimated_ship_date_set: LenientBool = None
    is_sold_by_ab: LenientBool = Field(default=None, alias="IsSoldByAB")
    is_ispu: LenientBool = Field(default=None, alias="IsISPU")
    tax_registration_details: Annotated[list[TaxRegistrationDetail], wrapped("member")] = Field(
        default_factory=list
    )
    buyer_identification_information: BuyerIdentificationInformation | None = None


class ProductInfo(MWSModel):
    """``<ProductInfo>`` of an order item."""

    number_of_items: LenientInt = None


class PointsGranted(MWSModel):
    """``<PointsGranted>`` (Japan): Amazon points granted with the purchase."""

    points_number: LenientInt = None
    points_monetary_value: LenientMoney | None = None


class BuyerCustomizedInfo(MWSModel):
    """``<BuyerCustomizedInfo>``: link to the buyer's customisation of the item."""

    customized_url: str | None = Field(default=None, alias="CustomizedURL")


class TaxCollection(MWSModel):
    """``<TaxCollection>``: who collects the tax (e.g. ``MarketplaceFacilitator``)."""

    model: str | None = None
    responsible_party: str | None = None


class InvoiceData(MWSModel):
    """``<InvoiceData>`` (China): the buyer's invoice request."""

    invoice_requirement: str | None = None
    buyer_selected_invoice_category: str | None = None
    invoice_title: str | None = None
    invoice_information: str | None = None


class OrderItem(MWSModel):
    """``<OrderItem>``; natural id :attr:`order_item_id` (unique within its order)."""

    asin: str | None = Field(default=None, alias="ASIN")
    seller_sku: str | None = Field(default=None, alias="SellerSKU")
    order_item_id: str
    buyer_customized_info: BuyerCustomizedInfo | None = None
    title: str | None = None
    quantity_ordered: LenientInt = None
    quantity_shipped: LenientInt = None
    points_granted: PointsGranted | None = None
    product_info: ProductInfo | None = None
    item_price: LenientMoney | None = None
    shipping_price: LenientMoney | None = None
    gift_wrap_price: LenientMoney | None = None
    item_tax: LenientMoney | None = None
    shipping_tax: LenientMoney | None = None
    gift_wrap_tax: LenientMoney | None = None
    shipping_discount: LenientMoney | None = None
    shipping_discount_tax: LenientMoney | None = None
    promotion_discount: LenientMoney | None = None
    promotion_discount_tax: LenientMoney | None = None
    cod_fee: LenientMoney | None = Field(default=None, alias="CODFee")
    cod_fee_discount: LenientMoney | None = Field(default=None, alias="CODFeeDiscount")
    promotion_ids: Annotated[list[str], wrapped_texts("PromotionId")] = Field(default_factory=list)
    is_gift: LenientBool = None
    gift_message_text: str | None = None
    gift_wrap_level: str | None = None
    condition_note: str | None = None
    condition_id: str | None = None
    condition_subtype_id: str | None = None
    scheduled_delivery_start_date: LenientDatetime = None
    scheduled_delivery_end_date: LenientDatetime = None
    price_designation: str | None = None
    tax_collection: TaxCollection | None = None
    serial_number_required: LenientBool = None
    is_transparency: LenientBool = None
    invoice_data: InvoiceData | None = None


# --------------------------------------------------------------------------------------------- results


class ListOrdersResult(MWSModel):
    """``ListOrdersResult`` / ``ListOrdersByNextTokenResult``; records: :attr:`orders`.

    ``created_before`` / ``last_updated_before`` echo the cut-off the server actually used (it may be earlier
    than requested): start the next time window from it.
    """

    next_token: str | None = None
    created_before: LenientDatetime = None
    last_updated_before: LenientDatetime = None
    orders: Annotated[list[Order], wrapped("Order")] = Field(default_factory=list)

    @property
    def records(self) -> list[Order]:
        """The page's orders."""
        return self.orders

    @property
    def has_more(self) -> bool:
        """NextToken pagination: another page exists exactly when ``next_token`` is present."""
        return self.next_token is not None


class GetOrderResult(MWSModel):
    """``GetOrderResult``: the requested orders (up to 50; unknown ids are simply absent); not paginated."""

    orders: Annotated[list[Order], wrapped("Order")] = Field(default_factory=list)

    @property
    def records(self) -> list[Order]:
        """The orders."""
        return self.orders


class ListOrderItemsResult(MWSModel):
    """``ListOrderItemsResult`` / ``ListOrderItemsByNextTokenResult``; records: :attr:`order_items`."""

    next_token: str | None = None
    amazon_order_id: str | None = None
    order_items: Annotated[list[OrderItem], wrapped("OrderItem")] = Field(default_factory=list)

    @property
    def records(self) -> list[OrderItem]:
        """The page's order items."""
        return self.order_items

    @property
    def has_more(self) -> bool:
        """NextToken pagination: another page exists exactly when ``next_token`` is present."""
        return self.next_token is not None


# --------------------------------------------------------------------------------------------- tables

ORDERS_FORCE_LIST: Final[frozenset[str]] = frozenset(
    {
        "Order",
        "OrderItem",
        "PromotionId",
        "PaymentMethodDetail",
        "PaymentExecutionDetailItem",
        "TaxClassification",
        "member",  # TaxRegistrationDetails/member
    }
)
"""Element names that can repeat in Orders responses; pass to :func:`mws_async.xml.parse` (``force_list``)."""

ORDERS_RESULT_MODELS: Final[Mapping[str, tuple[type[MWSModel], bool]]] = {
    "ListOrders": (ListOrdersResult, False),
    "ListOrdersByNextToken": (ListOrdersResult, False),
    "GetOrder": (GetOrderResult, False),
    "ListOrderItems": (ListOrderItemsResult, False),
    "ListOrderItemsByNextToken": (ListOrderItemsResult, False),
    "GetServiceStatus": (ServiceStatus, False),
}
"""Action -> (model of its ``{Action}Result`` element, whether there is one element per requested id)."""
