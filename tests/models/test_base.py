"""The model base: list adapters stop at the first bad item, nesting is bounded."""

from __future__ import annotations

from typing import Annotated, Any

import pytest
from pydantic import Field, ValidationError, field_validator

from mws_async.models.base import MWSModel, XmlList, wrapped

SEEN: list[Any] = []


class Item(MWSModel):
    code: int

    @field_validator("code")
    @classmethod
    def _count(cls, value: int) -> int:
        SEEN.append(value)
        return value


class Page(MWSModel):
    items: XmlList[Item] = Field(default_factory=list, alias="Item")
    wrapped_items: Annotated[list[Item], wrapped("Item")] = Field(default_factory=list, alias="Items")


@pytest.mark.parametrize("field", ["Item", "Items"])
def test_a_list_stops_validating_at_its_first_bad_item(field: str) -> None:
    SEEN.clear()
    items = [{"Code": "1"}, {"Code": "not a number"}, *({"Code": str(i)} for i in range(10_000))]
    data = {field: items if field == "Item" else {"Item": items}}
    with pytest.raises(ValidationError) as info:
        Page.model_validate(data)
    assert info.value.error_count() == 1
    assert SEEN == [1]


def test_good_lists_are_unchanged() -> None:
    page = Page.model_validate({"Item": {"Code": "1"}, "Items": {"Item": [{"Code": "2"}, {"Code": "3"}]}})
    assert [i.code for i in page.items] == [1]
    assert [i.code for i in page.wrapped_items] == [2, 3]
