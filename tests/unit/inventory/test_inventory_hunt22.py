"""Findings of the twenty-second inventory hunt, one test each (memory and SQLite)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import attrs

import backoffice_core as bc
from backoffice_core.documents import Tax, line


def test_a_receipt_in_pieces_of_an_order_in_boxes_leaves_the_rest_on_order(
        each_store: bc.Backoffice) -> None:
    """The stock position counted what open purchase orders still bring as the order
    line's quantity less its receipts' quantities, each in its own line's unit: 3 boxes
    of 12 ordered and 1 piece received left "2" on order, read as 2 boxes (24 pieces)
    instead of 35 pieces. Both are now taken in the item's unit."""
    bo = each_store
    inv, docs = bo.inventory, bo.documents
    inv.create_unit("box12", "Box of 12", "count", 12)
    inv.set_reorder_rule("WID", "WH", reorder_point=40, max_quantity=100)
    supplier = docs.create_party("Parts Co", is_customer=False, is_supplier=True)
    order = docs.issue(docs.create("purchase_order", supplier.id, date(2026, 3, 2), [
        line("Widget", 3, "12.00", Tax.standard(20), unit="box12", item_id="WID")],
        dimensions={"location": "WH"}).id)
    [before] = inv.reorder_suggestions(on=date(2026, 3, 3))
    assert (before.incoming, before.position) == (Decimal(36), Decimal(36))
    draft = docs.convert(order.id, "goods_receipt", date=date(2026, 3, 3))
    one = attrs.evolve(draft.lines[0], quantity=Decimal(1), unit="H87", unit_price="1.00")
    docs.issue(docs.update(draft.id, version=draft.version, lines=[one]).id)
    assert inv.on_hand("WID") == 1
    [after] = inv.reorder_suggestions(on=date(2026, 3, 3))
    assert (after.on_hand, after.incoming, after.position) == (1, 35, 36)
    assert after.quantity == 64
