"""Finances response models against every recorded Finances fixture (all PHP mocks: amounts ``100``)."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from support import FIXTURES, fixture_files

from mws_async import xml
from mws_async.models.common import Money, ServiceStatus
from mws_async.models.finances import (
    FINANCES_FORCE_LIST,
    FINANCES_RESULT_MODELS,
    AdjustmentEvent,
    FinancialEvents,
    GenericFinancialEvent,
    ListFinancialEventGroupsResult,
    ListFinancialEventsResult,
    ProductAdsPaymentEvent,
    RemovalShipmentEvent,
    ServiceFeeEvent,
    ShipmentEvent,
)
from mws_async.models.lenient import result_of

_HUNDRED = (Decimal("100"), "String")


def _action(path: Path) -> str:
    return path.name.split("__")[0]


def _load(name: str) -> Any:
    action = name.split("__")[0]
    doc = xml.parse((FIXTURES / "Finances" / name).read_bytes(), force_list=FINANCES_FORCE_LIST)
    model, _ = FINANCES_RESULT_MODELS[action]
    return model.model_validate(result_of(doc, action))


def _money(value: Money | None) -> tuple[Decimal | None, str | None]:
    assert value is not None
    return value.amount, value.currency_code


def _present(child: Any) -> bool:
    return any(item is not None for item in (child if isinstance(child, list) else [child]))


@pytest.mark.parametrize("path", fixture_files("Finances"), ids=lambda p: p.name)
def test_every_finances_fixture_parses(path: Path) -> None:
    action = _action(path)
    doc = xml.parse(path.read_bytes(), force_list=FINANCES_FORCE_LIST)
    assert f"{action}Result" in doc[f"{action}Response"]
    model, _ = FINANCES_RESULT_MODELS[action]
    result = model.model_validate(result_of(doc, action))
    assert isinstance(result, model)
    if isinstance(result, ListFinancialEventsResult):
        # Every event list of the document is represented: nothing silently dropped.
        assert result.financial_events is not None
        lists = doc[f"{action}Response"][f"{action}Result"]["FinancialEvents"]
        non_empty = {
            k.removesuffix("List") for k, v in lists.items() if v and any(_present(c) for c in v.values())
        }
        assert {t for t, _ in result.records} == non_empty
        assert not result.financial_events.model_extra


def test_event_groups() -> None:
    result = _load("ListFinancialEventGroups__amzphplib__1.xml")
    assert isinstance(result, ListFinancialEventGroupsResult)
    assert result.next_token == "String"
    assert result.has_more
    (group,) = result.records
    assert group.financial_event_group_id == "String"
    assert _money(group.original_total) == _HUNDRED
    assert _money(group.converted_total) == _HUNDRED
    assert _money(group.beginning_balance) == _HUNDRED
    assert isinstance(group.original_total, Money)
    assert group.fund_transfer_date == datetime(1969, 7, 21, 2, 56, 3, tzinfo=UTC)
    assert group.financial_event_group_start == group.financial_event_group_end


def test_newest_mock_has_all_27_event_lists() -> None:
    result = _load("ListFinancialEvents__amzphplib__1.xml")
    assert isinstance(result, ListFinancialEventsResult)
    assert result.next_token == "String"
    counts = Counter(t for t, _ in result.records)
    assert len(counts) == 26  # 27 lists; ShipmentSettleEventList holds one empty event
    assert counts["ShipmentEvent"] == counts["RefundEvent"] == counts["ChargebackEvent"] == 1
    assert counts["ServiceProviderCreditEvent"] == 1  # child element is <SolutionProviderCreditEvent>
    assert counts["AffordabilityExpenseReversalEvent"] == 1  # child element is <AffordabilityExpenseEvent>
    assert "ShipmentSettleEvent" not in counts


def test_shipment_event_amounts() -> None:
    events = _load("ListFinancialEvents__amzphplib__1.xml").financial_events
    assert isinstance(events, FinancialEvents)
    (shipment,) = events.shipment_event_list
    assert isinstance(shipment, ShipmentEvent)
    assert (shipment.amazon_order_id, shipment.seller_order_id, shipment.marketplace_name) == ("String",) * 3
    assert shipment.posted_date == datetime(1969, 7, 21, 2, 56, 3, tzinfo=UTC)
    assert _money(shipment.order_charge_list[0].charge_amount) == _HUNDRED
    assert _money(shipment.direct_payment_list[0].direct_payment_amount) == _HUNDRED
    (item,) = shipment.shipment_item_list
    assert item.seller_sku == "String"
    assert item.order_item_id == "String"
    assert item.quantity_shipped == 1
    assert item.item_charge_list[0].charge_type == "String"
    assert _money(item.item_charge_list[0].charge_amount) == _HUNDRED
    assert _money(item.item_fee_list[0].fee_amount) == _HUNDRED
    assert _money(item.promotion_list[0].promotion_amount) == _HUNDRED
    assert _money(item.item_tax_withheld_list[0].taxes_withheld[0].charge_amount) == _HUNDRED
    assert _money(item.cost_of_points_granted) == _HUNDRED
    (refund,) = events.refund_event_list
    assert refund.shipment_item_adjustment_list[0].order_adjustment_item_id == "String"
    assert (
        _money(refund.shipment_item_adjustment_list[0].item_charge_adjustment_list[0].charge_amount)
        == _HUNDRED
    )


def test_other_typed_events() -> None:
    events = _load("ListFinancialEvents__amzphplib__1.xml").financial_events
    (fee,) = events.service_fee_event_list
    assert isinstance(fee, ServiceFeeEvent)
    assert fee.fn_sku == "String"
    assert _money(fee.fee_list[0].fee_amount) == _HUNDRED
    (adjustment,) = events.adjustment_event_list
    assert isinstance(adjustment, AdjustmentEvent)
    assert _money(adjustment.adjustment_amount) == _HUNDRED
    assert adjustment.adjustment_item_list[0].quantity is None  # "String" in the mock
    assert _money(adjustment.adjustment_item_list[0].per_unit_amount) == _HUNDRED
    (ads,) = events.product_ads_payment_event_list
    assert isinstance(ads, ProductAdsPaymentEvent)  # camelCase elements
    assert ads.invoice_id == "String"
    assert _money(ads.transaction_value) == _HUNDRED
    assert ads.posted_date == datetime(1969, 7, 21, 2, 56, 3, tzinfo=UTC)
    (removal,) = events.removal_shipment_event_list
    assert isinstance(removal, RemovalShipmentEvent)
    assert removal.removal_shipment_item_list[0].fulfillment_network_sku == "String"  # "FufillmentNetworkSKU"
    assert _money(removal.removal_shipment_item_list[0].revenue) == _HUNDRED
    (retro,) = events.retrocharge_event_list
    assert _money(retro.base_tax) == _HUNDRED


def test_generic_events_keep_every_element() -> None:
    events = _load("ListFinancialEvents__amzphplib__1.xml").financial_events
    (pay,) = events.pay_with_amazon_event_list
    assert isinstance(pay, GenericFinancialEvent)
    assert pay.posted_date == datetime(1969, 7, 21, 2, 56, 3, tzinfo=UTC)  # TransactionPostedDate
    assert pay.fields["Charge"]["ChargeAmount"] == {"CurrencyCode": "String", "CurrencyAmount": "100"}
    (loan,) = events.loan_servicing_event_list
    assert loan.fields["LoanAmount"]["CurrencyAmount"] == "100"
    (claim,) = events.guarantee_claim_event_list
    assert isinstance(claim, ShipmentEvent)


def test_older_mock_has_fewer_lists() -> None:
    result = _load("ListFinancialEventsByNextToken__amzphplib__4.xml")
    assert len({t for t, _ in result.records}) == 13
    assert result.financial_events is not None
    assert result.financial_events.product_ads_payment_event_list == []


def test_unknown_event_list_is_kept_and_unknown_elements_ignored() -> None:
    body = (FIXTURES / "Finances" / "ListFinancialEvents__amzphplib__4.xml").read_bytes()
    body = body.replace(
        b"<ShipmentEventList>",
        b"<BrandNewEventList><BrandNewEvent><PostedDate>2020-01-02T03:04:05Z</PostedDate>"
        b"<Amount><CurrencyCode>EUR</CurrencyCode><CurrencyAmount>1.5</CurrencyAmount></Amount>"
        b"</BrandNewEvent></BrandNewEventList><ShipmentEventList>",
        1,
    ).replace(b"<MarketplaceName>", b"<FutureField>x</FutureField><MarketplaceName>", 1)
    doc = xml.parse(body, force_list=FINANCES_FORCE_LIST)
    result = ListFinancialEventsResult.model_validate(result_of(doc, "ListFinancialEvents"))
    assert result.financial_events is not None
    (new,) = result.financial_events.model_extra["BrandNewEventList"]  # type: ignore[index]
    assert isinstance(new, GenericFinancialEvent)
    assert new.posted_date == datetime(2020, 1, 2, 3, 4, 5, tzinfo=UTC)
    assert new.fields["Amount"]["CurrencyAmount"] == "1.5"
    assert ("BrandNewEvent", new) in result.records
    shipment = result.financial_events.shipment_event_list[0]
    assert shipment.marketplace_name == "String"
    assert _money(shipment.shipment_item_list[0].item_charge_list[0].charge_amount) == _HUNDRED


def test_real_amounts() -> None:
    data = {
        "NextToken": None,
        "FinancialEvents": {
            "ShipmentEventList": {
                "ShipmentEvent": [
                    {
                        "AmazonOrderId": "111-2222222-3333333",
                        "PostedDate": "2015-05-02T12:00:00Z",
                        "ShipmentItemList": {
                            "ShipmentItem": {
                                "SellerSKU": "SKU-1",
                                "ItemChargeList": {
                                    "ChargeComponent": [
                                        {
                                            "ChargeType": "Principal",
                                            "ChargeAmount": {
                                                "CurrencyCode": "USD",
                                                "CurrencyAmount": "19.99",
                                            },
                                        }
                                    ]
                                },
                            }
                        },
                    }
                ]
            }
        },
    }
    result = ListFinancialEventsResult.model_validate(data)
    assert not result.has_more
    ((kind, event),) = result.records
    assert kind == "ShipmentEvent"
    assert isinstance(event, ShipmentEvent)
    charge = event.shipment_item_list[0].item_charge_list[0]
    assert _money(charge.charge_amount) == (Decimal("19.99"), "USD")


def test_service_status() -> None:
    status = _load("GetServiceStatus__amzphplib__1.xml")
    assert isinstance(status, ServiceStatus)
