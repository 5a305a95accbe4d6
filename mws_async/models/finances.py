"""Finances API (``/Finances/2015-05-01``) response models.

Each operation's ``{Action}Result`` element validates into the model named in :data:`FINANCES_RESULT_MODELS`::

    doc = xml.parse(body, force_list=FINANCES_FORCE_LIST)
    model, _ = FINANCES_RESULT_MODELS[action]
    result = model.model_validate(result_of(doc, action))

Pagination is NextToken-only (ListFinancialEventGroups / ListFinancialEvents -> …ByNextToken).

Amounts are ``<CurrencyCode>`` + ``<CurrencyAmount>`` here; they parse into
:class:`~mws_async.models.lenient.LenientMoney` (``.amount`` is a :class:`~decimal.Decimal`).

Events: :class:`FinancialEvents` has one field per ``…EventList``. The main event types are fully typed
(:class:`ShipmentEvent` for shipments, refunds, guarantee claims and chargebacks; :class:`ServiceFeeEvent`;
:class:`AdjustmentEvent`; :class:`RetrochargeEvent`; :class:`ProductAdsPaymentEvent`;
:class:`RemovalShipmentEvent`); every other documented list holds :class:`GenericFinancialEvent` (posted
date and order id typed, every other element kept as an extra, raw). A list Amazon adds later is kept too
(``FinancialEvents`` allows extras) and converted to :class:`GenericFinancialEvent`.
:attr:`ListFinancialEventsResult.records` flattens all lists into ``(event_type, event)`` pairs.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any, Final

from pydantic import AliasChoices, ConfigDict, Field, model_validator
from pydantic.alias_generators import to_camel

from mws_async.models.base import MWSModel, check_extras, wrapped
from mws_async.models.common import ServiceStatus
from mws_async.models.lenient import (
    First,
    LenientDatetime,
    LenientInt,
    LenientMoney,
    children,
    wrapped_any,
)

__all__ = [
    "FINANCES_FORCE_LIST",
    "FINANCES_RESULT_MODELS",
    "AdjustmentEvent",
    "AdjustmentItem",
    "ChargeComponent",
    "DirectPayment",
    "FeeComponent",
    "FinancialEvent",
    "FinancialEventGroup",
    "FinancialEvents",
    "GenericFinancialEvent",
    "ListFinancialEventGroupsResult",
    "ListFinancialEventsResult",
    "ProductAdsPaymentEvent",
    "Promotion",
    "RemovalShipmentEvent",
    "RemovalShipmentItem",
    "RetrochargeEvent",
    "ServiceFeeEvent",
    "ServiceStatus",
    "ShipmentEvent",
    "ShipmentItem",
    "TaxWithheldComponent",
]


# --------------------------------------------------------------------------------------------- groups


class FinancialEventGroup(MWSModel):
    """``<FinancialEventGroup>``: one settlement period; natural id :attr:`financial_event_group_id`."""

    financial_event_group_id: str
    processing_status: str | None = None  # Open / Closed
    fund_transfer_status: str | None = None
    original_total: LenientMoney | None = None
    converted_total: LenientMoney | None = None
    fund_transfer_date: LenientDatetime = None
    trace_id: str | None = None
    account_tail: str | None = None
    beginning_balance: LenientMoney | None = None
    financial_event_group_start: LenientDatetime = None
    financial_event_group_end: LenientDatetime = None


# --------------------------------------------------------------------------------------------- components


class ChargeComponent(MWSModel):
    """``<ChargeComponent>``: a charge (``Principal``, ``Tax``, ``ShippingCharge``…) and its amount."""

    charge_type: str | None = None
    charge_amount: LenientMoney | None = None


class FeeComponent(MWSModel):
    """``<FeeComponent>``: a fee (``Commission``, ``FBAPerUnitFulfillmentFee``…) and its amount."""

    fee_type: str | None = None
    fee_amount: LenientMoney | None = None


class Promotion(MWSModel):
    """``<Promotion>``: a promotion applied to an item."""

    promotion_type: str | None = None
    promotion_id: str | None = None
    promotion_amount: LenientMoney | None = None


class DirectPayment(MWSModel):
    """``<DirectPayment>``: a payment made directly to the seller (e.g. COD)."""

    direct_payment_type: str | None = None
    direct_payment_amount: LenientMoney | None = None


class TaxWithheldComponent(MWSModel):
    """``<TaxWithheldComponent>``: taxes withheld by a marketplace facilitator."""

    tax_collection_model: str | None = None
    taxes_withheld: Annotated[list[ChargeComponent], wrapped("ChargeComponent")] = Field(default_factory=list)


_Charges = Annotated[list[ChargeComponent], wrapped("ChargeComponent")]
_Fees = Annotated[list[FeeComponent], wrapped("FeeComponent")]
_Promotions = Annotated[list[Promotion], wrapped("Promotion")]
_TaxesWithheld = Annotated[list[TaxWithheldComponent], wrapped("TaxWithheldComponent")]


# --------------------------------------------------------------------------------------------- events


class FinancialEvent(MWSModel):
    """Base of every event: the posting date under any of its spellings (``PostedDate``, ``postedDate``,
    ``TransactionPostedDate``, ``TransactionCreationDate``)."""

    posted_date: LenientDatetime = Field(
        default=None,
        validation_alias=AliasChoices(
            "PostedDate", "postedDate", "TransactionPostedDate", "TransactionCreationDate", "posted_date"
        ),
    )


class GenericFinancialEvent(FinancialEvent):
    """An event of a type not modelled in detail: order id and posting date typed, every other element
    kept as an extra under its XML name (raw parsed values: amounts there are dicts of strings,
    ``{"CurrencyCode": .., "CurrencyAmount": ..}``)."""

    model_config = ConfigDict(extra="allow")
    _bounded = model_validator(mode="after")(check_extras)

    amazon_order_id: str | None = None

    @property
    def fields(self) -> dict[str, Any]:
        """The untyped elements, by XML name."""
        return dict(self.model_extra or {})


class ShipmentItem(MWSModel):
    """``<ShipmentItem>`` of a shipment-like event; natural id :attr:`order_item_id` (adjustments also carry
    :attr:`order_adjustment_item_id`)."""

    seller_sku: str | None = Field(default=None, alias="SellerSKU")
    order_item_id: str | None = None
    order_adjustment_item_id: str | None = None
    quantity_shipped: LenientInt = None
    item_charge_list: _Charges = Field(default_factory=list)
    item_charge_adjustment_list: _Charges = Field(default_factory=list)
    item_fee_list: _Fees = Field(default_factory=list)
    item_fee_adjustment_list: _Fees = Field(default_factory=list)
    item_tax_withheld_list: _TaxesWithheld = Field(default_factory=list)
    promotion_list: _Promotions = Field(default_factory=list)
    promotion_adjustment_list: _Promotions = Field(default_factory=list)
    cost_of_points_granted: LenientMoney | None = None
    cost_of_points_returned: LenientMoney | None = None


class ShipmentEvent(FinancialEvent):
    """``<ShipmentEvent>``: a shipment, refund, guarantee claim or chargeback (same shape);
    natural id :attr:`amazon_order_id` (+ posted date)."""

    amazon_order_id: str | None = None
    seller_order_id: str | None = None
    marketplace_name: str | None = None
    order_charge_list: _Charges = Field(default_factory=list)
    order_charge_adjustment_list: _Charges = Field(default_factory=list)
    shipment_fee_list: _Fees = Field(default_factory=list)
    shipment_fee_adjustment_list: _Fees = Field(default_factory=list)
    order_fee_list: _Fees = Field(default_factory=list)
    order_fee_adjustment_list: _Fees = Field(default_factory=list)
    direct_payment_list: Annotated[list[DirectPayment], wrapped("DirectPayment")] = Field(
        default_factory=list
    )
    shipment_item_list: Annotated[list[ShipmentItem], wrapped("ShipmentItem")] = Field(default_factory=list)
    shipment_item_adjustment_list: Annotated[list[ShipmentItem], wrapped("ShipmentItem")] = Field(
        default_factory=list
    )


class ServiceFeeEvent(FinancialEvent):
    """``<ServiceFeeEvent>``: a fee not tied to a shipment (subscription, storage…)."""

    amazon_order_id: str | None = None
    fee_reason: str | None = None
    fee_list: _Fees = Field(default_factory=list)
    seller_sku: str | None = Field(default=None, alias="SellerSKU")
    fn_sku: str | None = Field(default=None, alias="FnSKU")
    fee_description: str | None = None
    asin: str | None = Field(default=None, alias="ASIN")


class AdjustmentItem(MWSModel):
    """``<AdjustmentItem>`` of an adjustment event."""

    quantity: LenientInt = None
    per_unit_amount: LenientMoney | None = None
    total_amount: LenientMoney | None = None
    seller_sku: str | None = Field(default=None, alias="SellerSKU")
    fn_sku: str | None = Field(default=None, alias="FnSKU")
    product_description: str | None = None
    asin: str | None = Field(default=None, alias="ASIN")


class AdjustmentEvent(FinancialEvent):
    """``<AdjustmentEvent>``: an adjustment (``FBAInventoryReimbursement``, ``ReserveEvent``…)."""

    adjustment_type: str | None = None
    adjustment_amount: LenientMoney | None = None
    adjustment_item_list: Annotated[list[AdjustmentItem], wrapped("AdjustmentItem")] = Field(
        default_factory=list
    )


class RetrochargeEvent(FinancialEvent):
    """``<RetrochargeEvent>``: a tax retrocharge or its reversal."""

    retrocharge_event_type: str | None = None
    amazon_order_id: str | None = None
    base_tax: LenientMoney | None = None
    shipping_tax: LenientMoney | None = None
    marketplace_name: str | None = None
    retrocharge_tax_withheld_list: _TaxesWithheld = Field(default_factory=list)


class ProductAdsPaymentEvent(FinancialEvent):
    """``<ProductAdsPaymentEvent>`` (camelCase elements): a sponsored-products charge or refund."""

    model_config = ConfigDict(alias_generator=to_camel)

    transaction_type: str | None = None
    invoice_id: str | None = None
    base_value: LenientMoney | None = None
    tax_value: LenientMoney | None = None
    transaction_value: LenientMoney | None = None


class RemovalShipmentItem(MWSModel):
    """``<RemovalShipmentItem>`` of a removal shipment."""

    removal_shipment_item_id: str | None = None
    tax_collection_model: str | None = None
    fulfillment_network_sku: str | None = Field(
        default=None,
        # Amazon's own spelling is "FufillmentNetworkSKU".
        validation_alias=AliasChoices(
            "FufillmentNetworkSKU", "FulfillmentNetworkSKU", "fulfillment_network_sku"
        ),
    )
    quantity: LenientInt = None
    revenue: LenientMoney | None = None
    fee_amount: LenientMoney | None = None
    tax_amount: LenientMoney | None = None
    tax_withheld: LenientMoney | None = None


class RemovalShipmentEvent(FinancialEvent):
    """``<RemovalShipmentEvent>``: a removal order shipped (and possibly sold)."""

    order_id: str | None = None
    transaction_type: str | None = None
    removal_shipment_item_list: Annotated[list[RemovalShipmentItem], wrapped("RemovalShipmentItem")] = Field(
        default_factory=list
    )


_Events = wrapped_any()
_Generic = Annotated[list[GenericFinancialEvent], _Events]


class FinancialEvents(MWSModel):
    """``<FinancialEvents>``: one field per event list (XML name ``…EventList``, field name snake_case).

    Lists not named here are kept as extras (``model_extra["NewEventList"]``), converted to lists of
    :class:`GenericFinancialEvent`. :meth:`iter_events` / :attr:`ListFinancialEventsResult.records` walk all.
    """

    model_config = ConfigDict(extra="allow")

    shipment_event_list: Annotated[list[ShipmentEvent], _Events] = Field(default_factory=list)
    refund_event_list: Annotated[list[ShipmentEvent], _Events] = Field(default_factory=list)
    guarantee_claim_event_list: Annotated[list[ShipmentEvent], _Events] = Field(default_factory=list)
    chargeback_event_list: Annotated[list[ShipmentEvent], _Events] = Field(default_factory=list)
    service_fee_event_list: Annotated[list[ServiceFeeEvent], _Events] = Field(default_factory=list)
    adjustment_event_list: Annotated[list[AdjustmentEvent], _Events] = Field(default_factory=list)
    retrocharge_event_list: Annotated[list[RetrochargeEvent], _Events] = Field(default_factory=list)
    product_ads_payment_event_list: Annotated[list[ProductAdsPaymentEvent], _Events] = Field(
        default_factory=list
    )
    removal_shipment_event_list: Annotated[list[RemovalShipmentEvent], _Events] = Field(default_factory=list)
    shipment_settle_event_list: _Generic = Field(default_factory=list)
    pay_with_amazon_event_list: _Generic = Field(default_factory=list)
    service_provider_credit_event_list: _Generic = Field(default_factory=list)
    rental_transaction_event_list: _Generic = Field(default_factory=list)
    performance_bond_refund_event_list: _Generic = Field(default_factory=list)
    debt_recovery_event_list: _Generic = Field(default_factory=list)
    loan_servicing_event_list: _Generic = Field(default_factory=list)
    safet_reimbursement_event_list: _Generic = Field(
        default_factory=list, alias="SAFETReimbursementEventList"
    )
    seller_deal_payment_event_list: _Generic = Field(default_factory=list)
    seller_review_enrollment_payment_event_list: _Generic = Field(default_factory=list)
    fba_liquidation_event_list: _Generic = Field(default_factory=list, alias="FBALiquidationEventList")
    coupon_payment_event_list: _Generic = Field(default_factory=list)
    imaging_services_fee_event_list: _Generic = Field(default_factory=list)
    network_commingling_transaction_event_list: _Generic = Field(default_factory=list)
    affordability_expense_event_list: _Generic = Field(default_factory=list)
    affordability_expense_reversal_event_list: _Generic = Field(default_factory=list)
    trial_shipment_event_list: _Generic = Field(default_factory=list)
    tds_reimbursement_event_list: _Generic = Field(default_factory=list, alias="TDSReimbursementEventList")
    tax_withholding_event_list: _Generic = Field(default_factory=list)
    capacity_reservation_billing_event_list: _Generic = Field(default_factory=list)
    failed_adhoc_disbursement_event_list: _Generic = Field(default_factory=list)
    value_added_service_charge_event_list: _Generic = Field(default_factory=list)

    @model_validator(mode="after")
    def _generic_extras(self) -> FinancialEvents:
        extras = self.__pydantic_extra__
        if extras:
            for key, value in list(extras.items()):
                items = children(value)
                extras[key] = [
                    GenericFinancialEvent.model_validate(i) for i in items if isinstance(i, Mapping)
                ]
        return self

    def iter_events(self) -> list[tuple[str, FinancialEvent]]:
        """Every event as ``(event_type, event)``, list by list in document-model order, then unknown lists.

        ``event_type`` is the list's XML name without ``List`` (``ShipmentEvent``, ``RefundEvent``,
        ``ServiceProviderCreditEvent``…): the list, not the child element, says what the event is.
        """
        out: list[tuple[str, FinancialEvent]] = []
        for name, info in type(self).model_fields.items():
            xml_name = info.alias or name
            for event in getattr(self, name):
                out.append((xml_name.removesuffix("List"), event))
        for key, events in (self.model_extra or {}).items():
            for event in events:
                out.append((key.removesuffix("List"), event))
        return out


# --------------------------------------------------------------------------------------------- results


class ListFinancialEventGroupsResult(MWSModel):
    """``ListFinancialEventGroups[ByNextToken]Result``; records: :attr:`financial_event_groups`."""

    next_token: str | None = None
    financial_event_groups: Annotated[list[FinancialEventGroup], wrapped("FinancialEventGroup")] = Field(
        default_factory=list, alias="FinancialEventGroupList"
    )

    @property
    def records(self) -> list[FinancialEventGroup]:
        """The page's event groups."""
        return self.financial_event_groups

    @property
    def has_more(self) -> bool:
        """NextToken pagination: another page exists exactly when ``next_token`` is present."""
        return self.next_token is not None


class ListFinancialEventsResult(MWSModel):
    """``ListFinancialEvents[ByNextToken]Result``: one :class:`FinancialEvents` per page.

    records: :attr:`records`, the page's events flattened to ``(event_type, event)`` pairs (see
    :meth:`FinancialEvents.iter_events`); events have no single natural id (shipment-like events are keyed by
    ``amazon_order_id`` + ``posted_date``).
    """

    next_token: str | None = None
    financial_events: Annotated[FinancialEvents | None, First] = None

    @property
    def records(self) -> list[tuple[str, FinancialEvent]]:
        """The page's events as ``(event_type, event)`` pairs."""
        return self.financial_events.iter_events() if self.financial_events is not None else []

    @property
    def has_more(self) -> bool:
        """NextToken pagination: another page exists exactly when ``next_token`` is present."""
        return self.next_token is not None


# --------------------------------------------------------------------------------------------- tables

_EVENT_ELEMENTS: Final = (
    "ShipmentEvent",
    "ServiceFeeEvent",
    "AdjustmentEvent",
    "RetrochargeEvent",
    "ProductAdsPaymentEvent",
    "RemovalShipmentEvent",
    "ShipmentSettleEvent",
    "PayWithAmazonEvent",
    "SolutionProviderCreditEvent",
    "RentalTransactionEvent",
    "PerformanceBondRefundEvent",
    "DebtRecoveryEvent",
    "LoanServicingEvent",
    "SAFETReimbursementEvent",
    "SellerDealPaymentEvent",
    "SellerReviewEnrollmentPaymentEvent",
    "FBALiquidationEvent",
    "CouponPaymentEvent",
    "ImagingServicesFeeEvent",
    "NetworkComminglingTransactionEvent",
    "AffordabilityExpenseEvent",
    "TrialShipmentEvent",
    "TDSReimbursementEvent",
)

FINANCES_FORCE_LIST: Final[frozenset[str]] = frozenset(
    {
        "FinancialEventGroup",
        *_EVENT_ELEMENTS,
        "ShipmentItem",
        "ChargeComponent",
        "FeeComponent",
        "Promotion",
        "DirectPayment",
        "TaxWithheldComponent",
        "AdjustmentItem",
        "RemovalShipmentItem",
        "DebtRecoveryItem",
        "ChargeInstrument",
        "SAFETReimbursementItem",
        "ProductGroup",
    }
)
"""Element names that can repeat in Finances responses; pass to :func:`mws_async.xml.parse` as ``force_list``.

(``ChargeComponent``/``FeeComponent`` also occur singly in a few generic events, which then hold a
one-element list; the models accept either shape.)
"""

FINANCES_RESULT_MODELS: Final[Mapping[str, tuple[type[MWSModel], bool]]] = {
    "ListFinancialEventGroups": (ListFinancialEventGroupsResult, False),
    "ListFinancialEventGroupsByNextToken": (ListFinancialEventGroupsResult, False),
    "ListFinancialEvents": (ListFinancialEventsResult, False),
    "ListFinancialEventsByNextToken": (ListFinancialEventsResult, False),
    "GetServiceStatus": (ServiceStatus, False),
}
"""Action -> (model of its ``{Action}Result`` element, whether there is one element per requested id)."""
