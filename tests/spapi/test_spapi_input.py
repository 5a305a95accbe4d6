"""SP-API input rules: the same id checks as MWS, nothing sent for bad input, only typed errors come out."""

from __future__ import annotations

import enum
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from spapi.spapi_support import US, Served

from mws_async.errors import ClientValidationError, MWSError
from mws_async.spapi.bulk import ItemOutcome, run_spapi_bulk
from mws_async.spapi.operations import OPERATIONS, SPAPIOperation


def test_lowercase_asins_are_sent_upper_case() -> None:
    prepared = OPERATIONS["getPricing"].prepare(
        {"asins": ["b00example", " B00EXAMPLF "], "item_type": "Asin"}, marketplace_id=US
    )
    assert ("Asins", "B00EXAMPLE,B00EXAMPLF") in prepared.query
    prepared = OPERATIONS["getItemOffers"].prepare(
        {"asin": "b00example", "item_condition": "New"}, marketplace_id=US
    )
    assert prepared.path == "/products/pricing/v0/items/B00EXAMPLE/offers"


def test_bad_asins_and_skus_are_all_named_as_typed() -> None:
    with pytest.raises(ClientValidationError) as info:
        OPERATIONS["getCompetitivePricing"].prepare(
            {"asins": ["B00EXAMPLE", "B00", None, 12], "item_type": "Asin"}, marketplace_id=US
        )
    (problem,) = info.value.problems
    assert "'B00' is not an ASIN" in problem
    assert "None is not a string id" in problem
    assert "12 (int) is not a string id" in problem
    with pytest.raises(ClientValidationError, match="longer than 40 characters"):
        OPERATIONS["getPricing"].prepare({"skus": ["s" * 41], "item_type": "Sku"}, marketplace_id=US)


@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("getItemOffers", {"asin": "", "item_condition": "New"}),
        ("getItemOffers", {"asin": "B0", "item_condition": "New"}),
        ("getListingOffers", {"seller_sku": "  ", "item_condition": "New"}),
        ("getListingOffers", {"seller_sku": "sku-\ud800", "item_condition": "New"}),
        ("getListingOffers", {"seller_sku": 42, "item_condition": "New"}),
    ],
)
def test_path_ids_are_checked(name: str, args: dict[str, Any]) -> None:
    with pytest.raises(ClientValidationError):
        OPERATIONS[name].prepare(args, marketplace_id=US)


def test_a_non_string_enum_value_is_refused_not_stringified() -> None:
    with pytest.raises(ClientValidationError, match="ItemCondition"):
        OPERATIONS["getItemOffers"].prepare({"asin": "B00EXAMPLE", "item_condition": 5}, marketplace_id=US)


async def _never(values: list[str]) -> dict[str, ItemOutcome]:  # pragma: no cover - never called
    return {}


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"concurrency": 0}, "concurrency"),
        ({"concurrency": -1}, "concurrency"),
        ({"concurrency": 1.5}, "concurrency"),
        ({"item_retries": -1}, "item_retries"),
        ({"chunk_size": 0}, "chunk_size"),
        ({"window": 0}, "window"),
        ({"id_type": "ISBN13"}, "ASIN, EAN"),
    ],
)
def test_run_spapi_bulk_refuses_bad_settings_when_called(kwargs: dict[str, Any], message: str) -> None:
    settings_ = {"chunk_size": 20, **kwargs}
    with pytest.raises(ClientValidationError, match=message):
        run_spapi_bulk(["B00EXAMPLE"], _never, **settings_)


async def test_bulk_helpers_refuse_zero_concurrency_at_call_time(served: Served) -> None:
    async with served.client() as client:
        with pytest.raises(ClientValidationError, match="concurrency"):
            client.pricing.item_offers_many(["B00EXAMPLE"], concurrency=0)
        with pytest.raises(ClientValidationError, match="concurrency"):
            client.pricing.competitive_pricing_many(["B00EXAMPLE"], concurrency=-2)
    assert served.app.request_log.count() == 0


async def test_non_string_asins_become_invalid_results(served: Served) -> None:
    asin = served.app.world.sample_ids("ASIN", 1)[0]
    async with served.client() as client:
        results = [
            r
            async for r in client.pricing.competitive_pricing_many(
                [asin, None, 7, asin.lower()],  # type: ignore[list-item]
                ordered=True,
            )
        ]
    assert [(r.id, r.status) for r in results] == [(asin, "Success"), ("None", "Invalid"), ("7", "Invalid")]
    assert results[2].error_message == "7 (int) is not a string id — pass ids as strings"


class Unprintable:
    def __str__(self) -> str:
        raise RuntimeError("no str")

    def __repr__(self) -> str:
        raise RuntimeError("no repr")


class Condition(enum.Enum):
    NEW = "New"
    ODD = 3


_values = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(),
        st.floats(),
        st.decimals(),
        st.binary(max_size=8),
        st.text(max_size=12),
        st.sampled_from(
            ["B00EXAMPLE", "b00example", "Asin", "Sku", "New", "Consumer", "B2C", US, "sku-\ud800"]
        ),
        st.sampled_from(Condition),
        st.builds(Unprintable),
        st.just(object()),
    ),
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=12), inner, max_size=4)
    ),
    max_leaves=10,
)


@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_fuzzed_arguments_raise_only_client_validation_errors(data: st.DataObject) -> None:
    operation: SPAPIOperation = data.draw(st.sampled_from(sorted(OPERATIONS.values(), key=lambda o: o.name)))
    names = [p.name for p in operation.params]
    args = data.draw(st.dictionaries(st.one_of(st.sampled_from(names), st.text(max_size=5)), _values))
    marketplace = data.draw(st.one_of(st.none(), st.just(US)))
    error: MWSError | None = None
    try:
        prepared = operation.prepare(args, marketplace_id=marketplace)
    except MWSError as exc:
        error = exc
    if error is not None:
        assert isinstance(error, ClientValidationError) and error.problems
        return
    prepared.path.encode("ascii")
    for _name, value in prepared.query:
        assert value.strip()
        value.encode("utf-8")
