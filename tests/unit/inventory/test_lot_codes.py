"""A lot code is a code like a SKU or a location code (backoffice_core.text.check_code):
stripped of surrounding spaces and kept stripped, wherever it enters. A receipt of
``" L9"`` makes lot ``L9`` and keys its move ``L9``; every move, count, read and document
line that names ``" L9 "`` or ``"L9"`` means that one lot, on every store.

Before, the lot was stored stripped but the move kept the code as given: on memory://
``lots()`` listed ``L9`` while ``on_hand(lot="L9")`` was 0 and ``on_hand(lot=" L9")`` 2.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

import backoffice_core as bc
from backoffice_core.documents import Tax, line
from backoffice_core.errors import ValidationError
from backoffice_core.inventory import MoveSpec

DAY = date(2026, 3, 2)
EXPIRY = date(2026, 6, 1)


def _receive(bo: bc.Backoffice, lot: str, quantity: int = 6) -> Any:
    return bo.inventory.receive("LOT", quantity, location="WH", lot=lot, expiry=EXPIRY,
                                unit_cost=1, on=DAY)


def _lot_view(bo: bc.Backoffice) -> tuple[Any, ...]:
    inv = bo.inventory
    return ([(x.code, x.expiry) for x in inv.lots("LOT")],
            sorted({m.lot for m in inv.moves("LOT")}),
            inv.on_hand("LOT", lot="L9"), inv.on_hand("LOT", lot=" L9 "),
            inv.on_hand("LOT", "WH", lot="  L9"), inv.on_hand("LOT"))


def test_a_receipt_keys_its_move_by_the_stripped_lot(each_store: bc.Backoffice) -> None:
    move = _receive(each_store, " L9")
    assert move.lot == "L9"
    assert _lot_view(each_store) == ([("L9", EXPIRY)], ["L9"], 6, 6, 6, 6)
    _receive(each_store, "L9 ", 2)  # the same lot: no second lot, same expiry checked
    assert _lot_view(each_store) == ([("L9", EXPIRY)], ["L9"], 8, 8, 8, 8)
    picks = each_store.inventory.fefo("LOT", 3, location="WH", on=DAY)
    assert [(p.lot, p.quantity) for p in picks] == [("L9", Decimal(3))]


def test_every_move_names_the_same_lot_with_or_without_spaces(
        each_store: bc.Backoffice) -> None:
    inv = each_store.inventory
    _receive(each_store, " L9", 20)
    inv.deliver("LOT", 1, location="WH", lot="L9", on=DAY)
    inv.deliver("LOT", 1, location="WH", lot=" L9 ", on=DAY)
    inv.transfer("LOT", 2, source="WH", destination="WH/A1", lot=" L9", on=DAY)
    inv.adjust("LOT", -1, location="WH/A1", lot="L9 ", on=DAY)
    inv.scrap("LOT", 1, location="WH", lot=" L9", on=DAY)
    inv.apply_moves([MoveSpec("LOT", 1, "WH", "customer", DAY, lot=" L9"),
                     MoveSpec("LOT", 3, "supplier", "WH", DAY, unit_cost=1, lot="L9 ",
                              expiry=EXPIRY)])
    held = inv.reserve("LOT", 2, location="WH", lot=" L9", on=DAY)
    assert held.lot == "L9"
    assert inv.reserved("LOT", "WH") == 2
    inv.validate(held.id)
    plan = inv.plan("LOT", 1, source="WH", destination="customer", lot=" L9 ", on=DAY)
    assert plan.lot == "L9"
    inv.validate(plan.id, lot=" L9")
    assert {m.lot for m in inv.moves("LOT")} == {"L9"}
    assert [x.code for x in inv.lots("LOT")] == ["L9"]
    # 20 + 3 in; out 1 + 1 + 1 (adjust) + 1 (scrap) + 1 + 2 + 1 = 8
    assert inv.on_hand("LOT", lot="L9") == inv.on_hand("LOT", lot=" L9") == 15
    assert inv.on_hand("LOT", "WH/A1", lot=" L9") == 1


def test_a_count_names_the_lot_with_or_without_spaces(each_store: bc.Backoffice) -> None:
    inv = each_store.inventory
    _receive(each_store, " L9", 5)
    count = inv.start_count("WH", skus=["LOT"], on=DAY)
    assert [(x.lot, x.expected) for x in count.lines] == [("L9", 5)]
    count = inv.record_count(count.id, "LOT", 4, lot=" L9 ")
    assert [(x.lot, x.expected, x.counted) for x in count.lines] == [("L9", 5, 4)]
    inv.post_count(count.id)
    assert inv.on_hand("LOT", lot="L9") == 4
    assert {m.lot for m in inv.moves("LOT")} == {"L9"}


def test_a_serial_number_with_spaces_is_the_same_serial(each_store: bc.Backoffice) -> None:
    inv = each_store.inventory
    inv.receive("SER", 1, location="WH", lot=" S1", unit_cost=1, on=DAY)
    with pytest.raises(ValidationError) as info:
        inv.receive("SER", 1, location="WH", lot="S1", unit_cost=1, on=DAY)
    assert info.value.field == "lot"
    assert inv.on_hand("SER", lot="S1") == inv.on_hand("SER", lot="S1 ") == 1


@pytest.mark.parametrize("lot", ["", "  ", "\u2003"])
def test_a_blank_lot_is_refused_naming_lot(each_store: bc.Backoffice, lot: str) -> None:
    inv = each_store.inventory
    with pytest.raises(ValidationError) as info:
        _receive(each_store, lot)
    assert (info.value.field, info.value.value) == ("lot", lot)
    with pytest.raises(ValidationError) as info:
        inv.on_hand("LOT", lot=lot)
    assert (info.value.field, info.value.value) == ("lot", lot)
    assert inv.lots("LOT") == [] and inv.moves("LOT") == []


def test_document_lines_name_the_lot_with_or_without_spaces(
        each_store: bc.Backoffice) -> None:
    docs, inv = each_store.documents, each_store.inventory
    supplier = docs.create_party("Parts Inc", is_customer=False, is_supplier=True)
    customer = docs.create_party("Cafe Blue")
    receipt = docs.create("goods_receipt", supplier.id, DAY, [
        line("Yoghurt", 6, "0.80", Tax.zero(), item_id="LOT", lot=" Y-17 ",
             expiry="2026-04-30")], dimensions={"location": "WH"})
    docs.issue(receipt.id)
    assert [(x.code, x.expiry) for x in inv.lots("LOT")] == [("Y-17", date(2026, 4, 30))]
    assert inv.on_hand("LOT", "WH", lot="Y-17") == 6
    note = docs.create("delivery_note", customer.id, DAY, [
        line("Yoghurt", 2, "5.00", Tax.zero(), item_id="LOT", lot=" Y-17")],
        dimensions={"location": "WH"})
    docs.issue(note.id)
    back = docs.create("goods_receipt", supplier.id, DAY, [
        line("Yoghurt", -1, "0.80", Tax.zero(), item_id="LOT", lot="Y-17 ")],
        dimensions={"location": "WH"})
    docs.issue(back.id)  # a return to the supplier of the lot received
    assert inv.on_hand("LOT", "WH", lot="Y-17") == 3
    assert {m.lot for m in inv.moves("LOT")} == {"Y-17"}
