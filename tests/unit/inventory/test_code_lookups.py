"""A SKU or location code named with surrounding spaces is the code as it is kept.

Items and locations keep their codes stripped (``Item(" WID ")`` is ``WID``,
backoffice_core.text.check_code), as lots do (``lot_code``). Every public entry that looks
one up takes it the same way (``text.code_key``, through ``WorkContext.item``,
``location`` and ``unit``): ``" WID"`` is item ``WID`` and ``"WH "`` location ``WH`` in
moves (one at a time and in bulk), quantities, valuation reads, reorder rules, counts,
lots, item changes and document lines, and the moves keep the stripped codes. A code that
names nothing is refused naming it as given, and a code holding a control character
inside it is refused (no code is kept with one), changing nothing; white space around a
code, line breaks included, is no part of it (test_code_white_space.py).

Before, ``receive(" WID", ...)`` said "no such item", ``moves(" WID")`` answered ``[]``,
and ``create_location(parent=" WH")`` was refused though ``WH`` exists.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

import backoffice_core as bc
from backoffice_core.documents import Tax, line
from backoffice_core.errors import NotFoundError, ValidationError
from backoffice_core.inventory import MoveSpec

DAY = date(2026, 3, 2)
Refuses = Callable[..., pytest.ExceptionInfo[BaseException]]


def _codes(bo: bc.Backoffice) -> set[tuple[str, str, str]]:
    return {(m.sku, m.source, m.destination) for m in bo.inventory.moves()}


def test_moves_name_items_and_locations_with_or_without_spaces(
        each_store: bc.Backoffice) -> None:
    inv = each_store.inventory
    inv.receive(" WID", 20, location="WH ", unit_cost=2, on=DAY)
    inv.receive("WID\u2003", 1, location="\xa0WH", source=" supplier ", unit_cost=2, on=DAY)
    inv.deliver(" WID ", 2, location=" WH", destination="customer ", on=DAY)
    inv.transfer("WID ", 3, source=" WH", destination="WH/A1 ", on=DAY)
    inv.adjust(" WID", -1, location=" WH/A1", loss_location=" inventory_loss", on=DAY)
    inv.scrap(" WID", 1, location="WH ", on=DAY)
    held = inv.reserve(" WID", 2, location=" WH", on=DAY)
    assert (held.sku, held.source) == ("WID", "WH")
    assert inv.reserved(" WID", "WH ") == inv.reserved("WID", "WH") == 2
    inv.validate(held.id)
    plan = inv.plan(" WID", 1, source="supplier ", destination=" WH/A1", unit_cost=2, on=DAY)
    assert (plan.sku, plan.source, plan.destination) == ("WID", "supplier", "WH/A1")
    inv.validate(plan.id)
    returned = inv.return_move(plan.id, 1, on=DAY)
    assert (returned.source, returned.destination) == ("WH/A1", "supplier")
    assert _codes(each_store) == {
        ("WID", "supplier", "WH"), ("WID", "WH", "customer"), ("WID", "WH", "WH/A1"),
        ("WID", "WH/A1", "inventory_loss"), ("WID", "WH", "inventory_loss"),
        ("WID", "supplier", "WH/A1"), ("WID", "WH/A1", "supplier")}
    # 21 in; 2 + 1 + 1 + 2 out (the plan's 1 came and went back)
    assert inv.on_hand("WID") == inv.on_hand(" WID") == 15
    assert inv.on_hand(" WID", " WH/A1") == inv.on_hand("WID", "WH/A1") == 2
    assert inv.available(" WID", "WH ") == 13
    assert inv.value(" WID") == inv.value("WID") == bc.Money("30.00", "USD")
    assert each_store.ledger.verify().ok


def test_the_bulk_path_names_them_with_or_without_spaces(each_store: bc.Backoffice) -> None:
    inv = each_store.inventory
    done = inv.apply_moves([
        MoveSpec(" WID", 10, "supplier", "WH", DAY, unit_cost=Decimal(1)),  # inline
        MoveSpec("WID", 5, " supplier", "WH ", DAY, unit_cost=Decimal(1)),  # general
        MoveSpec("WID ", 2, "WH", "customer", DAY),
        MoveSpec("WID", 3, "WH", " WH/Z/B1", DAY),
        MoveSpec(" TEA ", Decimal("1.5"), "supplier", " W2", DAY, unit_cost=Decimal(4)),
        MoveSpec("WID", 1, "WH", "customer", DAY)])
    assert [(m.sku, m.source, m.destination) for m in done] == [
        ("WID", "supplier", "WH"), ("WID", "supplier", "WH"), ("WID", "WH", "customer"),
        ("WID", "WH", "WH/Z/B1"), ("TEA", "supplier", "W2"), ("WID", "WH", "customer")]
    assert inv.moves() == done and inv.moves(" WID") == [m for m in done if m.sku == "WID"]
    assert inv.on_hand("WID", "WH/Z") == 3 and inv.on_hand("WID") == 12
    assert inv.on_hand("TEA", "W2") == Decimal("1.500")
    assert inv.stock(sku=" WID", location="WH ").rows == inv.stock(sku="WID", location="WH").rows
    assert inv.value("WID").amount == 12 and inv.reconcile().agrees


def test_reads_name_them_with_or_without_spaces(each_store: bc.Backoffice) -> None:
    inv = each_store.inventory
    inv.receive("LOT", 4, location="WH", lot="L1", expiry=date(2026, 6, 1), unit_cost=1,
                on=DAY)
    inv.receive("WID", 4, location="WH/A1", unit_cost=3, on=DAY)
    assert inv.item(" WID ") == inv.item("WID")
    assert inv.location(" WH/A1") == inv.location("WH/A1")
    assert inv.lots(" LOT ") == inv.lots("LOT") and len(inv.lots("LOT")) == 1
    assert inv.moves(" LOT") == inv.moves("LOT") and len(inv.moves("LOT")) == 1
    assert inv.on_hand(" LOT", "WH ", lot=" L1") == 4
    assert inv.layers(" WID") == inv.layers("WID") and len(inv.layers("WID")) == 1
    assert inv.history(" WID") == inv.history("WID") and len(inv.history("WID")) == 1
    assert inv.value(" WID", as_of=DAY) == bc.Money("12.00", "USD")
    assert inv.stock(location=" WH", sku="LOT ").rows == inv.stock(location="WH", sku="LOT").rows
    picks = inv.fefo(" LOT", 3, location=" WH", on=DAY)
    assert [(p.location, p.lot, p.quantity) for p in picks] == [("WH", "L1", 3)]
    assert inv.unit(" kg ").code == "kg"
    assert inv.create_item(" RICE ", "Rice", unit=" kg ").unit == "kg"  # as the unit keeps it
    assert inv.item("RICE").unit == "kg"
    assert inv.receive("TEA", 500, unit=" g", location="WH", unit_cost=1, on=DAY).quantity == \
        Decimal("0.500")


def test_master_data_reorder_rules_and_counts_name_them_with_or_without_spaces(
        each_store: bc.Backoffice) -> None:
    inv = each_store.inventory
    inv.create_location("WH/A2", "Bin A2", parent=" WH ")
    assert inv.location("WH/A2").parent == "WH"
    inv.receive("WID", 6, location="WH/A2", unit_cost=1, on=DAY)
    assert inv.on_hand("WID", "WH") == 6  # the new bin is under WH
    assert inv.update_item(" WID", attributes={"colour": "red"}).sku == "WID"
    assert inv.item("WID").attributes == {"colour": "red"}
    rule = inv.set_reorder_rule(" WID", "WH ", reorder_point=10, max_quantity=20)
    assert (rule.sku, rule.location) == ("WID", "WH")
    assert [(s.sku, s.location) for s in inv.reorder_suggestions(on=DAY)] == [("WID", "WH")]
    inv.delete_reorder_rule("WID ", " WH")
    assert inv.reorder_rules() == []
    count = inv.start_count(" WH", skus=[" WID"], on=DAY)
    assert (count.location, [x.sku for x in count.lines]) == ("WH", ["WID"])
    count = inv.record_count(count.id, "WID ", 5, location=" WH/A2")
    inv.post_count(count.id)
    assert inv.on_hand("WID", "WH/A2") == 5
    changed = inv.change_valuation_method(" WID", "average", on=DAY)
    assert (changed.sku, changed.valuation.value) == ("WID", "average")
    assert inv.item("WID").valuation.value == "average" and inv.reconcile().agrees


def test_document_lines_name_items_and_locations_with_or_without_spaces(
        each_store: bc.Backoffice) -> None:
    docs, inv = each_store.documents, each_store.inventory
    supplier = docs.create_party("Parts Inc", is_customer=False, is_supplier=True)
    customer = docs.create_party("Cafe Blue")
    receipt = docs.create("goods_receipt", supplier.id, DAY, [
        line("Widget", 6, "2.00", Tax.zero(), item_id=" WID ")],
        dimensions={"location": " WH"})
    docs.issue(receipt.id)
    note = docs.create("delivery_note", customer.id, DAY, [
        line("Widget", 2, "5.00", Tax.zero(), item_id="WID ")],
        dimensions={"location": "WH "})
    docs.issue(note.id)
    assert inv.on_hand("WID", "WH") == 4
    assert _codes(each_store) == {("WID", "supplier", "WH"), ("WID", "WH", "customer")}
    assert each_store.ledger.verify().ok


@pytest.mark.parametrize("sku", [" NOPE ", "  ", "W ID"])
def test_an_unknown_code_is_refused_naming_it_as_given_and_changes_nothing(
        each_store: bc.Backoffice, refuses: Refuses, sku: str) -> None:
    inv = each_store.inventory
    inv.receive("WID", 5, location="WH", unit_cost=1, on=DAY)
    for call, args, kwargs in [
            (inv.receive, (sku, 1), {"location": "WH", "unit_cost": 1, "on": DAY}),
            (inv.apply_moves, ([MoveSpec(sku, 1, "WH", "customer", DAY)],), {}),
            (inv.on_hand, (sku,), {}), (inv.value, (sku,), {}),
            (inv.set_reorder_rule, (sku, "WH"), {"reorder_point": 1}),
            (inv.start_count, ("WH",), {"skus": [sku], "on": DAY})]:
        info = refuses(each_store, NotFoundError, call, *args, **kwargs)
        assert info.value.value == sku and "sku" in str(info.value.field)
    info = refuses(each_store, NotFoundError, inv.deliver, "WID", 1, location=sku, on=DAY)
    assert (info.value.field, info.value.value) == ("location", sku)


@pytest.mark.parametrize("code", ["W\nID", "\tW\tID", "WID\x00 ", "WI\rD\n"])
def test_a_code_with_a_control_character_is_refused_not_stripped(
        each_store: bc.Backoffice, refuses: Refuses, code: str) -> None:
    inv = each_store.inventory
    inv.receive("WID", 5, location="WH", unit_cost=1, on=DAY)
    calls: list[tuple[Callable[..., Any], tuple[Any, ...], dict[str, Any], str]] = [
        (inv.receive, (code, 1), {"location": "WH", "unit_cost": 1, "on": DAY}, "sku"),
        (inv.apply_moves, ([MoveSpec(code, 1, "WH", "customer", DAY)],), {},
         "moves[0].sku"),
        (inv.on_hand, (code,), {}, "sku"), (inv.item, (code,), {}, "sku"),
        (inv.moves, (code,), {}, "sku"),
        (inv.deliver, ("WID", 1),
         {"location": code.replace("WID", "WH").replace("ID", "H").replace("D", "H"),
          "on": DAY}, "location")]
    for call, args, kwargs, field in calls:
        info = refuses(each_store, ValidationError, call, *args, **kwargs)
        assert info.value.field == field
    assert inv.on_hand("WID") == 5
