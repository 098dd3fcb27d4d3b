"""Recording a count without a location, when the count expects the item only in bins.

The location defaulted to the count's own (the warehouse), where it added a new line
expecting 0: counting the 8 widgets that sit in bin A1 under a cycle count of WH booked a
gain of 8 at WH and left A1 alone, so on-hand went from 10 to 18. The call is now refused
with a ValidationError naming ``location`` and the locations that hold the item, and
nothing changes; naming the location works as before.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

import backoffice_core as bc


def _book() -> bc.Backoffice:
    bo = bc.Backoffice.open("memory://")
    bo.ledger.setup("X", currency="USD", chart="generic")
    inv = bo.inventory
    inv.create_location("WH", "Warehouse", kind="warehouse")
    inv.create_location("A1", "Bin A1", kind="bin", parent="WH")
    inv.create_location("A2", "Bin A2", kind="bin", parent="WH")
    inv.create_item("WID", "Widget")
    inv.receive("WID", 6, location="A1", unit_cost=2, on=date(2026, 2, 2))
    inv.receive("WID", 4, location="A2", unit_cost=2, on=date(2026, 2, 2))
    return bo


@pytest.mark.parametrize("kind", ["cycle", "full"])
def test_the_default_location_is_refused_when_the_item_sits_elsewhere(kind: str) -> None:
    bo = _book()
    inv = bo.inventory
    skus = ["WID"] if kind == "cycle" else None
    count = inv.start_count("WH", skus=skus, on=date(2026, 2, 10), full=kind == "full")
    with pytest.raises(bc.ValidationError) as info:
        inv.record_count(count.id, "WID", 8)
    assert (info.value.field, info.value.value) == ("location", None)
    assert "A1, A2" in str(info.value)
    assert inv.count(count.id) == count  # nothing changed
    inv.record_count(count.id, "WID", 5, location="A1")
    inv.record_count(count.id, "WID", 4, location="A2")
    inv.post_count(count.id)
    assert inv.on_hand("WID", "WH") == Decimal(9)


def test_a_find_at_the_counted_location_itself_is_named() -> None:
    bo = _book()
    inv = bo.inventory
    count = inv.start_count("WH", skus=["WID"], on=date(2026, 2, 10))
    inv.record_count(count.id, "WID", 1, location="WH")  # a widget on the floor
    line = inv.count(count.id).line("WID", "WH", "")
    assert line is not None and (line.expected, line.counted) == (Decimal(0), Decimal(1))


def test_the_default_still_serves_stock_kept_at_the_counted_location() -> None:
    bo = bc.Backoffice.open("memory://")
    bo.ledger.setup("X", currency="USD", chart="generic")
    inv = bo.inventory
    inv.create_location("WH", "Warehouse", kind="warehouse")
    inv.create_item("WID", "Widget")
    inv.receive("WID", 10, location="WH", unit_cost=2, on=date(2026, 2, 2))
    count = inv.start_count("WH", skus=["WID"], on=date(2026, 2, 10))
    inv.record_count(count.id, "WID", 9)
    line = inv.count(count.id).line("WID", "WH", "")
    assert line is not None and line.counted == Decimal(9)
