"""An item's ``attributes`` follow one domain rule (backoffice_core.inventory.attributes):
what passes reads back equal, with its types and its order, on every store; what would not
is refused alike (the same error naming ``attributes[<name>]`` and the value) and nothing
is written.

Defect: memory took anything (``object()``, ``10**5000``, ``{1: 2}``, floats, NaN,
datetimes) while SQLite refused some with another error, gave others back changed (int
names as text, tuples as lists) and could not read a datetime back at all.
"""

from __future__ import annotations

import copy
import json
import pickle
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from enum import IntEnum, StrEnum
from typing import Any

import pytest

import backoffice_core as bc
from backoffice_core.adapters.sql.inventory_mappers import item_row, row_to_item
from backoffice_core.frozen import FrozenList
from backoffice_core.inventory.attributes import MAX_DEPTH, MAX_VALUES
from backoffice_core.inventory.items import Item
from backoffice_core.testing._contracts.inventory_attributes import typed as _typed


class Size(IntEnum):
    L = 3


class Colour(StrEnum):
    RED = "red"


RICH: dict[str, Any] = {
    "zeta": "last name first in the store",
    "colour": Colour.RED,
    "size": Size.L,
    "count": -(10 ** 15 - 1),
    "rate": Decimal("1.50"),
    "round": Decimal("1E+2"),
    "neg0": Decimal("-0.00"),
    "fine": Decimal("0." + "0" * 39 + "1"),
    "ok": True,
    "no": False,
    "none": None,
    "made": date(2026, 2, 3),
    "tags": ("a", "b"),
    "dims": {"h": [1, Decimal("2.5"), {"deep": ["x", None]}], "w": 2},
    "empty": {},
    "blank": [],
    "note": "two\nlines\tand ünïcode ✓",
    "$price": {"$decimal": "1", "currency": "EUR"},
}
#: RICH as every store gives it back: plain types, tuples as lists, decimals canonical,
#: names sorted
WANT: dict[str, Any] = {
    **RICH, "colour": "red", "size": 3, "round": Decimal("100"), "neg0": Decimal("0.00"),
    "tags": ["a", "b"]}


@pytest.fixture(params=["memory://", "sqlite://"])
def bo(request: pytest.FixtureRequest) -> bc.Backoffice:
    book = bc.Backoffice.open(request.param)
    book.ledger.setup("Stock Co", currency="USD", chart="generic")
    book.inventory.create_item("WID", "Widget", attributes={"colour": "blue"})
    return book


def test_rich_attributes_read_back_equal_with_their_types(bo: bc.Backoffice) -> None:
    made = bo.inventory.create_item("RICH", "Rich", attributes=RICH)
    want = _typed(dict(sorted(WANT.items())))
    assert _typed(made.attributes) == want
    assert _typed(bo.inventory.item("RICH").attributes) == want
    assert _typed(bo.inventory.items()[0].attributes) == want
    new = bo.inventory.update_item("WID", attributes=RICH)
    assert _typed(new.attributes) == _typed(bo.inventory.item("WID").attributes) == want


def test_nested_lists_and_mappings_are_read_only(bo: bc.Backoffice) -> None:
    bo.inventory.create_item("RICH", "Rich", attributes=RICH)
    got = bo.inventory.item("RICH").attributes
    with pytest.raises(TypeError):
        got["tags"].append("c")
    with pytest.raises(TypeError):
        got["dims"]["h"][2]["deep"][0] = "y"
    with pytest.raises(TypeError):
        got["dims"]["w"] = 3
    assert bo.inventory.item("RICH").attributes["tags"] == ["a", "b"]
    tags = FrozenList(["a"])
    assert copy.deepcopy(tags) == pickle.loads(pickle.dumps(tags)) == tags.copy() == ["a"]
    assert json.dumps(tags) == '["a"]'


class _Thing:
    def __repr__(self) -> str:
        return "<thing>"


THING = _Thing()
HUGE = 10 ** 5000
NAN, FNAN = Decimal("NaN"), float("nan")  # one object each: NaN equals only itself
NESTED: list[Any] = [1]
for _ in range(MAX_DEPTH):
    NESTED = [NESTED]

#: (attributes, field named, value named)
REFUSED: list[tuple[Any, str, Any]] = [
    ({"k": THING}, "attributes[k]", THING),
    ({"k": HUGE}, "attributes[k]", HUGE),
    ({"k": 10 ** 15}, "attributes[k]", 10 ** 15),
    ({"k": -(10 ** 15)}, "attributes[k]", -(10 ** 15)),
    ({"k": {1: 2}}, "attributes[k]", 1),
    ({1: "x"}, "attributes", 1),
    ({"": "x"}, "attributes", ""),
    ({"k" * 201: "x"}, "attributes", "k" * 201),
    ({"k": {"a": {"": 1}}}, "attributes[k][a]", ""),
    ({"k": 1.5}, "attributes[k]", 1.5),
    ({"k": [1, 2.5]}, "attributes[k][1]", 2.5),
    ({"k": NAN}, "attributes[k]", NAN),
    ({"k": FNAN}, "attributes[k]", FNAN),
    ({"k": float("inf")}, "attributes[k]", float("inf")),
    ({"k": Decimal("-Infinity")}, "attributes[k]", Decimal("-Infinity")),
    ({"k": Decimal("1E+15")}, "attributes[k]", Decimal("1E+15")),
    ({"k": Decimal("1E-41")}, "attributes[k]", Decimal("1E-41")),
    ({"k": datetime(2026, 1, 1, 10)}, "attributes[k]", datetime(2026, 1, 1, 10)),
    ({"k": {"x"}}, "attributes[k]", {"x"}),
    ({"k": b"x"}, "attributes[k]", b"x"),
    ({"k": {"$decimal": "1.5"}}, "attributes[k]", {"$decimal": "1.5"}),
    ({"k": [{"$date": "2026-01-01"}]}, "attributes[k][0]", {"$date": "2026-01-01"}),
    ({"k": "r\x00"}, "attributes[k]", "r\x00"),
    ({"k": ["ok", "\ud800"]}, "attributes[k][1]", "\ud800"),
    ({"k": list(range(MAX_VALUES))}, f"attributes[k][{MAX_VALUES - 1}]", MAX_VALUES - 1),
]


@pytest.mark.parametrize(("attributes", "field", "value"), REFUSED,
                         ids=[str(i) for i in range(len(REFUSED))])
def test_refused_alike_and_nothing_changes(bo: bc.Backoffice, attributes: Any, field: str,
                                           value: Any,
                                           refused_alike: Callable[..., None]) -> None:
    inv = bo.inventory

    def state() -> Any:
        return [(_typed(i.attributes), i.version) for i in inv.items()]

    refused_alike(state, lambda: inv.create_item("NEW", "New", attributes=attributes), field,
                  value)
    refused_alike(state, lambda: inv.update_item("WID", attributes=attributes), field, value)


def test_too_deep_is_refused_alike(bo: bc.Backoffice) -> None:
    with pytest.raises(bc.ValidationError) as err:
        bo.inventory.create_item("NEW", "New", attributes={"k": NESTED})
    assert err.value.field == "attributes[k]" + "[0]" * (MAX_DEPTH - 1)
    assert [i.sku for i in bo.inventory.items()] == ["WID"]


def test_a_float_is_refused_as_not_exact(bo: bc.Backoffice) -> None:
    with pytest.raises(bc.FloatNotAllowedError):
        bo.inventory.create_item("NEW", "New", attributes={"rate": 0.1})


def test_the_error_for_a_huge_int_can_be_shown() -> None:
    """Defect: ``str()`` of the error raised ValueError (Python's 4300-digit limit)."""
    with pytest.raises(bc.ValidationError) as err:
        Item("X", "X", attributes={"k": HUGE})
    assert str(err.value).startswith("attributes[k]=<int too long to show>: must be below")
    with pytest.raises(bc.ValidationError) as err:
        Item("X", "X", weight=HUGE)
    assert "too long to show" in str(err.value)


def test_values_the_sql_store_already_holds_read_back() -> None:
    """Rows written before the rule: JSON (floats included, read as their Decimal)."""
    row = list(item_row(Item("OLD", "Old"), str))
    row[8] = json.dumps({"a": 1.25, "b": [1, "x", {"c": None}], "d": {"$decimal": "2.50"},
                         "e": {"$date": "2026-01-02"}, "f": True, "g": 1e-3})
    got = row_to_item(row).attributes
    assert _typed(got) == _typed({"a": Decimal("1.25"), "b": [1, "x", {"c": None}],
                                  "d": Decimal("2.50"), "e": date(2026, 1, 2), "f": True,
                                  "g": Decimal("0.001")})
