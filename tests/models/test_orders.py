"""Orders response models against every recorded Orders fixture, and concrete values from several."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from support import FIXTURES, fixture_files

from mws_async import xml
from mws_async.models.common import Money, ServiceStatus
from mws_async.models.lenient import LenientMoney, result_of
from mws_async.models.orders import (
    ORDERS_FORCE_LIST,
    ORDERS_RESULT_MODELS,
    GetOrderResult,
    ListOrderItemsResult,
    ListOrdersResult,
    Order,
)


def _action(path: Path) -> str:
    return path.name.split("__")[0]


def _load(name: str) -> Any:
    path = FIXTURES / "Orders" / name
    action = _action(path)
    doc = xml.parse(path.read_bytes(), force_list=ORDERS_FORCE_LIST)
    model, _ = ORDERS_RESULT_MODELS[action]
    return model.model_validate(result_of(doc, action))


@pytest.mark.parametrize("path", fixture_files("Orders"), ids=lambda p: p.name)
def test_every_orders_fixture_parses(path: Path) -> None:
    action = _action(path)
    doc = xml.parse(path.read_bytes(), force_list=ORDERS_FORCE_LIST)
    assert f"{action}Result" in doc[f"{action}Response"]
    model, many = ORDERS_RESULT_MODELS[action]
    assert not many
    result = model.model_validate(result_of(doc, action))
    assert isinstance(result, model)
    if hasattr(result, "records"):
        assert isinstance(result.records, list)


def test_list_orders_recorded_ca() -> None:
    result = _load("ListOrders__peddler__1.xml")
    assert isinstance(result, ListOrdersResult)
    assert len(result.records) == 5
    order = result.orders[0]
    assert order.amazon_order_id == "000-0001957-0001958"
    assert order.order_total is not None
    assert isinstance(order.order_total, Money)
    assert order.order_total.amount == Decimal("67.48")
    assert order.order_total.currency_code == "CAD"
    assert order.order_status == "Shipped"
    assert order.fulfillment_channel == "MFN"
    assert order.purchase_date == datetime(2015, 1, 1, 0, 1, 29, tzinfo=UTC)
    assert order.shipping_address is not None
    assert order.shipping_address.state_or_region == "Ontario"
    assert order.shipping_address.country_code == "CA"
    assert order.is_prime is False
    assert order.is_business_order is False
    assert result.created_before == datetime(2016, 1, 20, 18, 47, 11, tzinfo=UTC)
    assert result.last_updated_before is None
    assert result.next_token is not None
    assert result.next_token.startswith("NAhRezRbzK2aJqJYLDm0")
    assert result.has_more


def test_list_orders_japan_and_singapore() -> None:
    jp = _load("ListOrders__peddler__3.xml")
    order = jp.orders[0]
    assert order.amazon_order_id == "000-0001995-0001996"
    assert order.order_total == LenientMoney(amount=Decimal("17.88"), currency_code="JPY")
    assert order.sales_channel == "Amazon.co.jp"
    sg = _load("ListOrders__peddler__11.xml")
    assert [(o.amazon_order_id, o.order_status, o.number_of_items_shipped) for o in sg.orders[:3]] == [
        ("000-0002111-0002112", "Canceled", 0),
        ("000-0002113-0002114", "Shipped", 1),
        ("000-0002115-0002116", "Shipped", 1),
    ]
    assert sg.orders[0].payment_method_details == ["CreditCard"]
    assert sg.orders[0].is_ispu is False


def test_list_orders_empty_page_has_no_next_token() -> None:
    result = _load("ListOrders__peddler__10.xml")
    assert result.orders == []
    assert result.records == []
    assert result.next_token is None
    assert not result.has_more
    assert result.created_before == datetime(2020, 10, 12, 12, 6, 59, 714000, tzinfo=UTC)


def test_list_orders_by_next_token_pending_order_omits_buyer_fields() -> None:
    result = _load("ListOrdersByNextToken__pymws__1.xml")
    assert result.next_token == "NextTokenB64Encoded=="
    shipped, pending = result.orders
    assert shipped.buyer_email == "buyeremail2@marketplace.amazon.com"
    assert shipped.order_total == LenientMoney(amount=Decimal("21.74"), currency_code="USD")
    assert shipped.shipping_address is not None
    assert shipped.shipping_address.postal_code == "91789-1234"
    assert shipped.shipping_address.is_address_sharing_confidential is False
    assert pending.order_status == "Pending"
    assert pending.amazon_order_id == "111-1234567-0000003"
    assert pending.buyer_email is None
    assert pending.order_total is None
    assert pending.shipping_address is None
    assert pending.number_of_items_unshipped == 1


def test_get_order() -> None:
    result = _load("GetOrder__peddler__8.xml")
    assert isinstance(result, GetOrderResult)
    assert [o.order_total.amount for o in result.orders if o.order_total] == [
        Decimal("47.28"),
        Decimal("49.30"),
        Decimal("51.32"),
        Decimal("53.34"),
        Decimal("55.36"),
    ]
    assert result.orders[0].order_status == "Canceled"
    assert result.orders[0].shipping_address is None
    assert _load("GetOrder__peddler__6.xml").orders == []


def test_list_order_items_doc_sample() -> None:
    result = _load("ListOrderItems__mwsdocs__1.xml")
    assert isinstance(result, ListOrderItemsResult)
    assert result.amazon_order_id == "058-1233752-8214740"
    assert result.next_token == "MRgZW55IGNhcm5hbCBwbGVhc3VyZS6="
    first, second = result.records
    assert first.order_item_id == "68828574383266"
    assert first.asin == "BT0093TELA"
    assert first.seller_sku == "CBA_OTF_1"
    assert first.item_price == LenientMoney(amount=Decimal("25.99"), currency_code="JPY")
    assert first.cod_fee == LenientMoney(amount=Decimal("10.00"), currency_code="JPY")
    assert first.points_granted is not None
    assert first.points_granted.points_number == 10
    assert first.product_info is not None
    assert first.product_info.number_of_items == 12
    assert first.buyer_customized_info is not None
    assert first.buyer_customized_info.customized_url is not None
    assert first.is_gift is False
    assert first.is_transparency is True
    # "2013-09-09T01:30:00.000-06:00 " (trailing blank) parses; "2013-09-071T..." (doc typo) becomes None.
    assert first.scheduled_delivery_end_date == datetime(
        2013, 9, 9, 1, 30, tzinfo=timezone(timedelta(hours=-6))
    )
    assert first.scheduled_delivery_start_date is None
    assert second.quantity_ordered == 2
    assert second.promotion_ids == ["FREESHIP"]
    assert second.condition_id == "Used"
    assert second.condition_subtype_id == "Mint"
    assert second.tax_collection is not None
    assert second.tax_collection.model == "MarketplaceFacilitator"


def test_php_mock_placeholders_become_none_not_errors() -> None:
    result = _load("GetOrder__amzphplib__1.xml")
    order = result.orders[0]
    assert order.amazon_order_id == "String"
    assert order.order_total is not None
    assert order.order_total.amount is None  # "String" is not an amount
    assert order.order_total.currency_code == "String"
    assert order.is_prime is True
    assert order.tax_registration_details[0].tax_registration_authority is not None
    assert order.tax_registration_details[0].tax_registration_authority.warehouse_id == "String"
    assert order.buyer_tax_info is not None
    assert order.buyer_tax_info.tax_classifications[0].name == "String"
    assert order.payment_execution_detail[0].payment_method == "String"
    items = _load("ListOrderItems__amzphplib__1.xml")
    assert items.order_items[0].scheduled_delivery_start_date is None
    assert items.order_items[0].serial_number_required is True


def test_service_status() -> None:
    status = _load("GetServiceStatus__peddler__1.xml")
    assert isinstance(status, ServiceStatus)
    assert status.status == "GREEN"


def test_unknown_elements_are_ignored_and_typed_ones_kept() -> None:
    body = (FIXTURES / "Orders" / "ListOrdersByNextToken__pymws__1.xml").read_bytes()
    body = body.replace(
        b"<OrderType>StandardOrder</OrderType>",
        b"<OrderType>StandardOrder</OrderType><BrandNewElement><Deep>1</Deep></BrandNewElement>",
    ).replace(b"<Orders>", b"<FutureListing>x</FutureListing><Orders>")
    doc = xml.parse(body, force_list=ORDERS_FORCE_LIST)
    result = ListOrdersResult.model_validate(result_of(doc, "ListOrdersByNextToken"))
    assert [o.amazon_order_id for o in result.orders] == ["111-1234567-0000002", "111-1234567-0000003"]
    assert result.orders[0].order_type == "StandardOrder"
    assert result.orders[0].order_total == LenientMoney(amount=Decimal("21.74"), currency_code="USD")
    assert "BrandNewElement" not in result.orders[0].model_dump(by_alias=True)


def test_order_requires_its_natural_id() -> None:
    with pytest.raises(ValueError, match="AmazonOrderId"):
        Order.model_validate({"OrderStatus": "Shipped"})
