"""The operation engine: arguments become wire parameters, every problem is reported before sending."""

from __future__ import annotations

import enum
import importlib
import pkgutil
import re
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mws_async import sections
from mws_async.errors import ClientValidationError
from mws_async.identifiers import canonical_id_type, check
from mws_async.operations import Operation, Param
from mws_async.sections.customers import GET_CUSTOMERS_FOR_CUSTOMER_ID, LIST_CUSTOMERS
from mws_async.sections.feeds import (
    CANCEL_FEED_SUBMISSIONS,
    GET_FEED_SUBMISSION_COUNT,
    GET_FEED_SUBMISSION_LIST,
    GET_FEED_SUBMISSION_RESULT,
    SUBMIT_FEED,
)
from mws_async.sections.finances import LIST_FINANCIAL_EVENT_GROUPS, LIST_FINANCIAL_EVENTS
from mws_async.sections.inventory import LIST_INVENTORY_SUPPLY
from mws_async.sections.orders import GET_ORDER, LIST_ORDER_ITEMS_BY_NEXT_TOKEN, LIST_ORDERS
from mws_async.sections.products import (
    GET_COMPETITIVE_PRICING_FOR_ASIN,
    GET_COMPETITIVE_PRICING_FOR_SKU,
    GET_LOWEST_OFFER_LISTINGS_FOR_ASIN,
    GET_LOWEST_PRICED_OFFERS_FOR_ASIN,
    GET_LOWEST_PRICED_OFFERS_FOR_SKU,
    GET_MATCHING_PRODUCT,
    GET_MATCHING_PRODUCT_FOR_ID,
    GET_MY_FEES_ESTIMATE,
    GET_PRODUCT_CATEGORIES_FOR_ASIN,
    OPERATIONS,
)
from mws_async.sections.reports import (
    CANCEL_REPORT_REQUESTS,
    GET_REPORT,
    GET_REPORT_COUNT,
    GET_REPORT_LIST,
    GET_REPORT_REQUEST_COUNT,
    GET_REPORT_REQUEST_LIST,
    MANAGE_REPORT_SCHEDULE,
    REQUEST_REPORT,
    UPDATE_REPORT_ACKNOWLEDGEMENTS,
)
from mws_async.transport import Section

US = "ATVPDKIKX0DER"


def test_lists_become_numbered_members_and_cost_is_their_length() -> None:
    params, items = GET_MATCHING_PRODUCT_FOR_ID.build(
        {"id_type": "ISBN", "ids": ["9781933988665", "0439708184"]}, default_marketplace=US
    )
    assert params == {
        "MarketplaceId": US,
        "IdType": "ISBN",
        "IdList.Id.1": "9781933988665",
        "IdList.Id.2": "0439708184",
    }
    assert items == 2


def test_list_limit_names_parameter_limit_and_advice() -> None:
    with pytest.raises(ClientValidationError) as info:
        GET_MATCHING_PRODUCT_FOR_ID.build(
            {"id_type": "ISBN", "ids": [str(i) for i in range(6)]}, default_marketplace=US
        )
    assert (
        "ids has 6 values; GetMatchingProductForId accepts at most 5 (IdList.Id.1..5); split the list"
        in str(info.value)
    )


def test_every_problem_is_reported_at_once() -> None:
    with pytest.raises(ClientValidationError) as info:
        GET_LOWEST_OFFER_LISTINGS_FOR_ASIN.build(
            {"asins": ["B00EXAMPLE", "bad asin", "tooshort"], "item_condition": "Mint", "exclude_me": "yes"},
            default_marketplace=US,
        )
    problems = info.value.problems
    assert len(problems) == 3
    assert problems[0].startswith("asins: 'bad asin' is not an ASIN")
    assert "'tooshort' is not an ASIN" in problems[0] and "B00EXAMPLE" not in problems[0]
    assert "item_condition='Mint' is not one of Any, Club, Collectible, New, Refurbished, Used" in problems[1]
    assert "exclude_me='yes' must be a bool" in problems[2]


def test_enum_and_required_and_unknown_arguments() -> None:
    with pytest.raises(ClientValidationError) as info:
        GET_MATCHING_PRODUCT_FOR_ID.build({"id_type": "ISBN13", "idz": ["1"]}, default_marketplace=US)
    text = str(info.value)
    assert "unknown argument(s) idz" in text
    assert "id_type='ISBN13' is not one of ASIN, EAN, GCID, ISBN, JAN, SellerSKU, UPC" in text
    assert "ids is required" in text


def test_booleans_and_datetimes_and_naive_datetimes() -> None:
    op = Operation(
        Section("T", "/T/1", "1"),
        "Op",
        (
            Param("flag", "Flag", "bool"),
            Param("since", "CreatedAfter", "datetime"),
            Param("n", "N", "int", max_value=9),
        ),
    )
    params, _ = op.build({"flag": False, "since": datetime(2020, 1, 2, 3, 4, 5, 6000, tzinfo=UTC), "n": 3})
    assert params == {"Flag": "false", "CreatedAfter": "2020-01-02T03:04:05.006Z", "N": "3"}
    with pytest.raises(ClientValidationError, match="naive datetime") as info:
        op.build({"since": datetime(2020, 1, 1), "n": 10})
    assert "n=10 is outside None..9" in str(info.value)


def test_nested_structures_flatten_to_dotted_names() -> None:
    request = {
        "MarketplaceId": US,
        "IdType": "ASIN",
        "IdValue": "B00EXAMPLE",
        "IsAmazonFulfilled": True,
        "Identifier": "r1",
        "PriceToEstimateFees": {"ListingPrice": {"Amount": Decimal("30.00"), "CurrencyCode": "USD"}},
    }
    params, items = GET_MY_FEES_ESTIMATE.build({"requests": [request, request]})
    prefix = "FeesEstimateRequestList.FeesEstimateRequest"
    assert params[f"{prefix}.2.PriceToEstimateFees.ListingPrice.Amount"] == "30.00"
    assert params[f"{prefix}.1.IsAmazonFulfilled"] == "true"
    assert items == 2


def test_a_string_is_not_mistaken_for_a_list() -> None:
    with pytest.raises(ClientValidationError, match="ids must be a list, got str"):
        GET_MATCHING_PRODUCT_FOR_ID.build({"id_type": "ASIN", "ids": "B00EXAMPLE"}, default_marketplace=US)


def test_every_products_operation_is_in_the_table() -> None:
    assert set(OPERATIONS) == {
        "ListMatchingProducts",
        "GetMatchingProduct",
        "GetMatchingProductForId",
        "GetCompetitivePricingForSKU",
        "GetCompetitivePricingForASIN",
        "GetLowestOfferListingsForSKU",
        "GetLowestOfferListingsForASIN",
        "GetLowestPricedOffersForSKU",
        "GetLowestPricedOffersForASIN",
        "GetMyFeesEstimate",
        "GetMyPriceForSKU",
        "GetMyPriceForASIN",
        "GetProductCategoriesForSKU",
        "GetProductCategoriesForASIN",
        "GetServiceStatus",
    }


@given(
    ids=st.lists(
        st.one_of(
            st.text(min_size=1, max_size=15), st.sampled_from(["9780306406157", "B00EXAMPLE", "036000291452"])
        ),
        max_size=8,
    ),
    id_type=st.sampled_from(["ASIN", "ISBN", "UPC", "EAN", "JAN", "GCID", "SellerSKU", "isbn", "Upc", "X"]),
)
def test_random_ids_either_validate_or_raise_the_documented_error(ids: list[str], id_type: str) -> None:
    canonical = canonical_id_type(id_type)
    checked = [check(i, canonical or "ASIN") for i in ids]
    valid = 1 <= len(ids) <= 5 and canonical is not None and all(c.reason is None for c in checked)
    if not valid:
        with pytest.raises(ClientValidationError) as info:
            GET_MATCHING_PRODUCT_FOR_ID.build({"id_type": id_type, "ids": ids}, default_marketplace=US)
        assert info.value.operation == "GetMatchingProductForId"
        assert info.value.problems
        return
    params, items = GET_MATCHING_PRODUCT_FOR_ID.build(
        {"id_type": id_type, "ids": ids}, default_marketplace=US
    )
    assert items == len(ids) and params["IdType"] == canonical
    assert [params[f"IdList.Id.{i}"] for i in range(1, len(ids) + 1)] == [c.value for c in checked]


# -- single calls validate what bulk validates, before anything is sent -------------------------------------


def test_bad_ids_are_all_named_as_typed_in_one_error() -> None:
    ids = ["978-0-306-40615-8", None, "", "97803064061570000000", "036000291453"]
    with pytest.raises(ClientValidationError) as info:
        GET_MATCHING_PRODUCT_FOR_ID.build({"id_type": "ISBN", "ids": ids}, default_marketplace=US)
    (problem,) = info.value.problems
    assert problem.startswith("ids: ")
    assert "ISBN-13 '978-0-306-40615-8' has a wrong check digit" in problem
    assert "None is not a string id" in problem
    assert "empty identifier" in problem
    assert "'97803064061570000000' is not an ISBN-10 or ISBN-13" in problem
    assert "expected ISBN-10 or ISBN-13 with a valid check digit" in problem


def test_upc_with_letters_is_refused() -> None:
    with pytest.raises(ClientValidationError, match="'03600029145X' is not a 12-digit UPC"):
        GET_MATCHING_PRODUCT_FOR_ID.build({"id_type": "UPC", "ids": ["03600029145X"]}, default_marketplace=US)


def test_ids_are_sent_normalised_and_id_types_are_case_insensitive() -> None:
    params, _ = GET_MATCHING_PRODUCT_FOR_ID.build(
        {"id_type": "isbn", "ids": [" 978-0-306-40615-7 ", "080442957x"]}, default_marketplace=US
    )
    assert params["IdType"] == "ISBN"
    assert params["IdList.Id.1"] == "9780306406157" and params["IdList.Id.2"] == "080442957X"
    params, _ = GET_MATCHING_PRODUCT_FOR_ID.build(
        {"id_type": "sellersku", "ids": ["my-sku"]}, default_marketplace=US
    )
    assert params["IdType"] == "SellerSKU"


def test_a_lowercase_asin_is_sent_upper_case() -> None:
    params, _ = GET_COMPETITIVE_PRICING_FOR_ASIN.build({"asins": ["b00example"]}, default_marketplace=US)
    assert params["ASINList.ASIN.1"] == "B00EXAMPLE"
    params, _ = GET_PRODUCT_CATEGORIES_FOR_ASIN.build({"asin": "b00example"}, default_marketplace=US)
    assert params["ASIN"] == "B00EXAMPLE"


@pytest.mark.parametrize(
    ("operation", "args", "fragment"),
    [
        (GET_COMPETITIVE_PRICING_FOR_SKU, {"seller_skus": ["ok", "", None]}, "seller_skus: empty identifier"),
        (GET_LOWEST_PRICED_OFFERS_FOR_SKU, {"seller_sku": "  ", "item_condition": "New"}, "empty identifier"),
        (GET_LOWEST_PRICED_OFFERS_FOR_ASIN, {"asin": None, "item_condition": "New"}, "asin is required"),
        (GET_PRODUCT_CATEGORIES_FOR_ASIN, {"asin": 1234567890}, "1234567890 (int) is not a string id"),
        (GET_MATCHING_PRODUCT, {"asins": ["B00EXAMPLE", "B00"]}, "'B00' is not an ASIN"),
        (LIST_INVENTORY_SUPPLY, {"seller_skus": ["s" * 41]}, "is longer than 40 characters"),
    ],
)
def test_every_id_parameter_is_checked(operation: Operation, args: dict[str, Any], fragment: str) -> None:
    with pytest.raises(ClientValidationError, match=re.escape(fragment)):
        operation.build(args, default_marketplace=US)


def test_an_unknown_id_type_names_the_valid_ones() -> None:
    with pytest.raises(ClientValidationError) as info:
        GET_MATCHING_PRODUCT_FOR_ID.build({"id_type": "ISBN13", "ids": ["x"]}, default_marketplace=US)
    assert info.value.problems == [
        "id_type='ISBN13' is not one of ASIN, EAN, GCID, ISBN, JAN, SellerSKU, UPC"
    ]


def _fee_request(**changes: Any) -> dict[str, Any]:
    request: dict[str, Any] = {
        "MarketplaceId": US,
        "IdType": "ASIN",
        "IdValue": "B00EXAMPLE",
        "IsAmazonFulfilled": True,
        "Identifier": "r1",
        "PriceToEstimateFees": {"ListingPrice": {"Amount": Decimal("30.00"), "CurrencyCode": "USD"}},
    }
    request.update(changes)
    return request


@pytest.mark.parametrize(
    "amount",
    [float("nan"), float("inf"), float("-inf"), Decimal("NaN"), Decimal("sNaN"), Decimal("-Infinity")],
)
def test_fee_estimates_refuse_amounts_that_are_not_finite(amount: object) -> None:
    price = {"ListingPrice": {"Amount": amount, "CurrencyCode": "USD"}}
    with pytest.raises(ClientValidationError, match="is not a finite number"):
        GET_MY_FEES_ESTIMATE.build({"requests": [_fee_request(PriceToEstimateFees=price)]})


def test_fee_estimate_ids_are_checked_and_normalised() -> None:
    params, _ = GET_MY_FEES_ESTIMATE.build({"requests": [_fee_request(IdType="asin", IdValue="b00example")]})
    prefix = "FeesEstimateRequestList.FeesEstimateRequest.1"
    assert params[f"{prefix}.IdType"] == "ASIN" and params[f"{prefix}.IdValue"] == "B00EXAMPLE"
    with pytest.raises(ClientValidationError) as info:
        GET_MY_FEES_ESTIMATE.build(
            {
                "requests": [
                    _fee_request(IdValue="B00"),
                    _fee_request(IdType="ISBN"),
                    {k: v for k, v in _fee_request().items() if k != "IdValue"},
                ]
            }
        )
    text = str(info.value)
    assert "requests[1]: IdValue: 'B00' is not an ASIN" in text
    assert "requests[2]: IdType='ISBN' is not one of ASIN, SellerSKU" in text
    assert "requests[3]: missing IdValue" in text


@pytest.mark.parametrize("amount", [Decimal("NaN"), Decimal("Infinity"), "nan", "-inf", "abc", 1.5, True])
def test_decimal_parameters_refuse_nan_infinity_and_non_numbers(amount: object) -> None:
    op = Operation(Section("T", "/T/1", "1"), "Op", (Param("amount", "Amount", "decimal"),))
    with pytest.raises(ClientValidationError, match="amount="):
        op.build({"amount": amount})
    assert op.build({"amount": Decimal("9.99")})[0] == {"Amount": "9.99"}


@pytest.mark.parametrize(
    ("operation", "name"),
    [
        (REQUEST_REPORT, "report_type"),
        (MANAGE_REPORT_SCHEDULE, "report_type"),
        (GET_REPORT, "report_id"),
        (SUBMIT_FEED, "feed_type"),
        (GET_FEED_SUBMISSION_RESULT, "feed_submission_id"),
        (LIST_ORDER_ITEMS_BY_NEXT_TOKEN, "next_token"),
    ],
)
@pytest.mark.parametrize("blank", ["", "   ", "\t\n"])
def test_empty_or_blank_strings_are_refused(operation: Operation, name: str, blank: str) -> None:
    args: dict[str, Any] = {name: blank}
    if operation is MANAGE_REPORT_SCHEDULE:
        args["schedule"] = "_1_DAY_"
    with pytest.raises(ClientValidationError) as info:
        operation.build(args)
    assert info.value.problems == [f"{name} is empty"]


@pytest.mark.parametrize(
    ("operation", "name"),
    [
        (GET_REPORT_REQUEST_LIST, "report_request_ids"),
        (UPDATE_REPORT_ACKNOWLEDGEMENTS, "report_ids"),
        (GET_REPORT_LIST, "report_types"),
        (GET_FEED_SUBMISSION_LIST, "feed_submission_ids"),
        (CANCEL_FEED_SUBMISSIONS, "feed_types"),
        (GET_CUSTOMERS_FOR_CUSTOMER_ID, "customer_ids"),
        (GET_ORDER, "amazon_order_ids"),
    ],
)
def test_empty_values_inside_lists_are_refused(operation: Operation, name: str) -> None:
    with pytest.raises(ClientValidationError, match=f"{name}: invalid value"):
        operation.build({name: ["123-1234567-1234567", "", None]})


START, END = datetime(2021, 3, 1, tzinfo=UTC), datetime(2021, 2, 1, tzinfo=UTC)


@pytest.mark.parametrize(
    ("operation", "start", "end", "extra"),
    [
        (REQUEST_REPORT, "start_date", "end_date", {"report_type": "_GET_FLAT_FILE_OPEN_LISTINGS_DATA_"}),
        (GET_REPORT_REQUEST_LIST, "requested_from", "requested_to", {}),
        (GET_REPORT_REQUEST_COUNT, "requested_from", "requested_to", {}),
        (CANCEL_REPORT_REQUESTS, "requested_from", "requested_to", {}),
        (GET_REPORT_LIST, "available_from", "available_to", {}),
        (GET_REPORT_COUNT, "available_from", "available_to", {}),
        (GET_FEED_SUBMISSION_LIST, "submitted_from", "submitted_to", {}),
        (GET_FEED_SUBMISSION_COUNT, "submitted_from", "submitted_to", {}),
        (CANCEL_FEED_SUBMISSIONS, "submitted_from", "submitted_to", {}),
        (LIST_FINANCIAL_EVENT_GROUPS, "started_after", "started_before", {}),
        (LIST_FINANCIAL_EVENTS, "posted_after", "posted_before", {}),
        (LIST_CUSTOMERS, "date_range_start", "date_range_end", {}),
        (LIST_ORDERS, "created_after", "created_before", {}),
        (LIST_ORDERS, "last_updated_after", "last_updated_before", {}),
    ],
)
def test_a_start_after_its_end_is_refused_naming_both(
    operation: Operation, start: str, end: str, extra: dict[str, Any]
) -> None:
    with pytest.raises(ClientValidationError) as info:
        operation.build({start: START, end: END, **extra}, default_marketplace=US)
    (problem,) = info.value.problems
    assert start in problem and end in problem
    operation.build({start: END, end: START, **extra}, default_marketplace=US)


def test_date_ranges_compare_across_timezones_and_with_plain_dates() -> None:
    plus_two = timezone(timedelta(hours=2))
    # 01:00+02:00 is 23:00 UTC the day before: the start is before the end.
    REQUEST_REPORT.build(
        {
            "report_type": "_X_",
            "start_date": datetime(2021, 2, 1, 1, tzinfo=plus_two),
            "end_date": datetime(2021, 1, 31, 23, 30, tzinfo=UTC),
        }
    )
    with pytest.raises(ClientValidationError, match="start_date"):
        REQUEST_REPORT.build({"report_type": "_X_", "start_date": date(2021, 2, 2), "end_date": END})


def test_mixed_naive_and_aware_bounds_are_reported_not_raised() -> None:
    with pytest.raises(ClientValidationError, match="naive datetime"):
        LIST_ORDERS.build(
            {"created_after": datetime(2021, 1, 1), "created_before": END}, default_marketplace=US
        )
    with pytest.raises(ClientValidationError, match="naive datetime"):
        REQUEST_REPORT.build({"report_type": "_X_", "start_date": START, "end_date": datetime(2021, 1, 1)})


def test_a_bool_is_not_an_int_or_a_string() -> None:
    with pytest.raises(ClientValidationError, match="max_count=True must be an int"):
        GET_REPORT_LIST.build({"max_count": True})
    with pytest.raises(ClientValidationError, match="report_type=False must be a string"):
        REQUEST_REPORT.build({"report_type": False})


def test_datetimes_out_of_the_utc_range_are_reported() -> None:
    early = datetime(1, 1, 1, tzinfo=timezone(timedelta(hours=5)))
    with pytest.raises(ClientValidationError, match="start_date"):
        REQUEST_REPORT.build({"report_type": "_X_", "start_date": early})


def test_early_years_are_sent_with_four_digits_as_iso_8601_requires() -> None:
    for moment, wire in [
        (datetime(1, 1, 1, tzinfo=UTC), "0001-01-01T00:00:00Z"),
        (datetime(999, 12, 31, 23, 59, 59, 250_000, tzinfo=UTC), "0999-12-31T23:59:59.250Z"),
        (datetime(2020, 1, 2, 3, 4, 5, tzinfo=timezone(timedelta(hours=1))), "2020-01-02T02:04:05Z"),
    ]:
        params, _ = LIST_ORDERS.build({"created_after": moment}, default_marketplace=US)
        assert params["CreatedAfter"] == wire


def test_a_generator_for_a_list_is_read_once_and_checked() -> None:
    statuses = (s for s in ["Unshipped", "PartiallyShipped"])
    params, _ = LIST_ORDERS.build(
        {"created_after": START, "order_statuses": statuses}, default_marketplace=US
    )
    assert (
        params["OrderStatus.Status.1"] == "Unshipped" and params["OrderStatus.Status.2"] == "PartiallyShipped"
    )


def test_a_structure_that_contains_itself_is_refused_not_recursed_into() -> None:
    price: dict[str, Any] = {"Amount": Decimal("1.00"), "CurrencyCode": "USD"}
    for key in ("A", "B", "C", "D", "E"):
        price[key] = price  # five self-references per level: unbounded (or 5**depth) work if followed
    with pytest.raises(ClientValidationError, match="contains itself"):
        GET_MY_FEES_ESTIMATE.build({"requests": [_fee_request(PriceToEstimateFees={"ListingPrice": price})]})


def test_a_mapping_is_not_a_list() -> None:
    with pytest.raises(ClientValidationError, match="requests must be a list"):
        GET_MY_FEES_ESTIMATE.build({"requests": _fee_request()})


# -- fuzzing: whatever the arguments, only MWSErrors come out -----------------------------------------------


def _all_operations() -> list[Operation]:
    found: dict[int, Operation] = {}
    for info in pkgutil.iter_modules(sections.__path__):
        module = importlib.import_module(f"{sections.__name__}.{info.name}")
        for value in vars(module).values():
            if isinstance(value, Operation):
                found[id(value)] = value
    return sorted(found.values(), key=lambda op: op.name)


ALL_OPERATIONS = _all_operations()


class Unprintable:
    def __str__(self) -> str:
        raise RuntimeError("no str")

    def __repr__(self) -> str:
        raise RuntimeError("no repr")

    def __format__(self, spec: str) -> str:
        raise RuntimeError("no format")


class Unreadable:
    def __iter__(self) -> Any:
        raise RuntimeError("cannot iterate")


class Color(enum.Enum):
    RED = "red"
    ONE = 1
    NOTHING = None


class StripRaises(str):
    __slots__ = ()

    def strip(self, chars: str | None = None) -> str:
        raise RuntimeError("no strip")


_loop: list[Any] = []
_loop.append(_loop)
_cycle: dict[str, Any] = {}
_cycle["self"] = _cycle

_offsets = st.builds(
    timezone,
    st.timedeltas(min_value=-timedelta(hours=23, minutes=59), max_value=timedelta(hours=23, minutes=59)),
)
_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.builds(pow, st.just(10), st.just(5000)),
    st.floats(),
    st.decimals(),
    st.binary(max_size=10),
    st.text(max_size=12),
    st.builds(lambda c, n: c * n, st.characters(), st.integers(1000, 50_000)),
    st.sampled_from(
        [
            "B00EXAMPLE",
            "b00example",
            "9780306406157",
            "ISBN",
            "asin",
            "New",
            "Any",
            "_DONE_",
            "_1_DAY_",
            "123-1234567-1234567",
            "ATVPDKIKX0DER",
            "",
            " ",
            "Unshipped",
            "AFN",
            "Basic",
            "sku-\ud800",
        ]
    ),
    st.datetimes(),
    st.datetimes(timezones=_offsets),
    st.dates(),
    st.sampled_from(Color),
    st.builds(Unprintable),
    st.builds(Unreadable),
    st.just(StripRaises(" b00example ")),
    st.just(object()),
    st.just(_loop),
    st.just(_cycle),
)
_values = st.recursive(
    _scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.tuples(inner, inner),
        st.dictionaries(
            st.one_of(st.text(max_size=8), st.integers(), st.sampled_from(["Amount", "IdType"])),
            inner,
            max_size=4,
        ),
        st.frozensets(st.integers(), max_size=3),
        st.builds(iter, st.lists(inner, max_size=3)),
    ),
    max_leaves=12,
)


@settings(max_examples=800, deadline=None)
@given(data=st.data())
def test_fuzzed_arguments_to_every_operation_raise_only_client_validation_errors(data: st.DataObject) -> None:
    operation = data.draw(st.sampled_from(ALL_OPERATIONS))
    names = [p.name for p in operation.params]
    keys = st.sampled_from(names) if names else st.just("unknown")
    args = data.draw(st.dictionaries(st.one_of(keys, st.text(max_size=6)), _values, max_size=len(names) + 1))
    marketplace = data.draw(st.one_of(st.none(), st.just(US)))
    error: ClientValidationError | None = None
    try:
        params, items = operation.build(args, default_marketplace=marketplace)
    except ClientValidationError as exc:
        error = exc
    if error is not None:
        assert error.problems and all(isinstance(p, str) for p in error.problems)
        assert error.__context__ is None and error.__cause__ is None
        return
    assert all(isinstance(k, str) and isinstance(v, str) for k, v in params.items())
    assert all(v.strip() for v in params.values())
    assert isinstance(items, int) and items >= 0
    for value in params.values():
        value.encode("utf-8")


def test_the_fuzz_sees_every_section() -> None:
    assert {op.section.name for op in ALL_OPERATIONS} == {
        "Products", "Orders", "Reports", "Feeds", "Finances", "FulfillmentInventory", "CustomerInformation",
        "Sellers",
    }  # fmt: skip
    assert len(ALL_OPERATIONS) >= 40
