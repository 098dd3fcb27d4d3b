"""Items stored before their amounts and attributes were bounded still read back.

An item's standard cost and weight (``exact.bounded``: below ``1E+15``, at most 40
decimal places) and its attribute values (``inventory.attributes``) are bounded when they
are given; rows an older version wrote may hold more. Such a row is written here straight
into the database, as that version left it: reading it (the item, the list of items, the
valuation, the stock) must not fail, and the values read are the values kept, while new
values past the bounds are still refused. Before, ``row_to_item`` ran the checks of new
input on every row read, so one such row made ``items()``, ``valuation()`` and every move
of that item fail with a ``ValidationError``.

Runs on SQLite and, with ``BACKOFFICE_TEST_POSTGRES_URL``, on PostgreSQL.
"""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from backoffice_core.errors import ValidationError

DAY = date(2026, 1, 5)
HUGE = Decimal("1E+20")
FINE = Decimal("0." + "0" * 44 + "1")  # 45 places
DEEP: Any = 1
for _ in range(20):  # deeper than MAX_DEPTH
    DEEP = [DEEP]
OLD_ATTRIBUTES = json.dumps({"big": 123456789012345678901234, "deep": DEEP,
                             "rate": {"$decimal": str(HUGE)}, "tiny": {"$decimal": str(FINE)}})


def _old_rows(db: Any) -> Any:
    bo = db.book()
    inv = bo.inventory
    inv.create_location("WH", "Warehouse", kind="warehouse")
    inv.create_item("STD", "Standard", valuation="standard", standard_cost="2.00")
    inv.create_item("HEAVY", "Heavy", weight="1.5")
    inv.create_item("RICH", "Rich", attributes={"colour": "red"})
    inv.receive("STD", 3, location="WH", on=DAY)
    inv.receive("HEAVY", 4, location="WH", unit_cost="1.25", on=DAY)
    inv.receive("RICH", 5, location="WH", unit_cost="1.00", on=DAY)
    # as an older version wrote them, before the bounds (written as each store keeps a
    # Decimal: text on SQLite, NUMERIC on PostgreSQL)
    db.run("UPDATE inv_items SET standard_cost = :cost WHERE sku = 'STD'",
           cost=HUGE if db.url.startswith("postgresql") else str(HUGE))
    db.run("UPDATE inv_items SET weight = :weight WHERE sku = 'HEAVY'",
           weight=FINE if db.url.startswith("postgresql") else str(FINE))
    db.run("UPDATE inv_items SET attributes = :attributes WHERE sku = 'RICH'",
           attributes=OLD_ATTRIBUTES)
    return bo


def test_items_past_the_bounds_stored_earlier_read_back_as_kept(db: Any) -> None:
    inv = _old_rows(db).inventory
    assert inv.item("STD").standard_cost == HUGE
    assert inv.item("HEAVY").weight == FINE
    rich = inv.item("RICH").attributes
    assert rich["big"] == 123456789012345678901234
    assert (rich["rate"], rich["tiny"]) == (HUGE, FINE)
    assert rich["deep"] == DEEP
    assert [(i.sku, i.standard_cost, i.weight) for i in inv.items()] == [
        ("HEAVY", None, FINE), ("RICH", None, None), ("STD", HUGE, None)]
    assert [(r.sku, r.quantity, r.value) for r in inv.valuation().rows] == [
        ("HEAVY", 4, Decimal("5.00")), ("RICH", 5, Decimal("5.00")), ("STD", 3, Decimal("6.00"))]
    assert inv.value("RICH").amount == Decimal("5.00")
    assert inv.on_hand("HEAVY", "WH") == 4
    assert len(inv.stock().rows) == 3
    # moves of those items go on (the bounds are of new input, not of what was kept)
    inv.deliver("HEAVY", 1, location="WH", on=DAY)
    inv.deliver("RICH", 2, location="WH", on=DAY)
    assert (inv.on_hand("HEAVY"), inv.on_hand("RICH")) == (3, 3)


def test_new_values_past_the_bounds_are_still_refused(db: Any) -> None:
    inv = _old_rows(db).inventory
    with pytest.raises(ValidationError) as info:
        inv.update_item("HEAVY", weight=HUGE)
    assert info.value.field == "weight"
    with pytest.raises(ValidationError) as info:
        inv.update_item("RICH", attributes={"big": 10 ** 16})
    assert info.value.field == "attributes[big]"
    with pytest.raises(ValidationError) as info:
        inv.create_item("NEW", "New", standard_cost=HUGE)
    assert info.value.field == "standard_cost"
    assert inv.item("HEAVY").weight == FINE and inv.item("RICH").attributes["rate"] == HUGE
    assert [i.sku for i in inv.items()] == ["HEAVY", "RICH", "STD"]


def test_an_item_kept_past_the_bounds_can_still_be_changed(db: Any) -> None:
    inv = _old_rows(db).inventory
    renamed = inv.update_item("STD", name="Standard (old)", allow_negative=True)
    assert (renamed.name, renamed.standard_cost, renamed.version) == ("Standard (old)", HUGE, 1)
    assert inv.update_item("RICH", category="Tools").attributes["rate"] == HUGE
    assert inv.update_item("HEAVY", weight="2.5").weight == Decimal("2.5")  # a new, bounded value
    changed = inv.change_valuation_method("RICH", "average", on=DAY)
    assert (changed.valuation.value, changed.attributes["big"]) == (
        "average", 123456789012345678901234)
    assert inv.item("STD") == renamed and inv.item("RICH") == changed
    assert [i.version for i in inv.items()] == [1, 2, 1]
