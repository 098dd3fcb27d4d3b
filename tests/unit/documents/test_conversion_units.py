"""A document converted in another unit than its source counts in the item's unit.

A goods receipt (or a delivery note, an invoice) made from an order line may be in
another unit of the same item than the line: boxes ordered, pieces received. What is
left to convert, and so when the order completes, is counted in the item's unit (the
inventory's units); lines of no item, and lines in their source line's unit, as before.
Memory and SQLite.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import attrs
import pytest

import backoffice_core as bc
from backoffice_core.documents import Tax, line


@pytest.fixture
def bo(box_book: bc.Backoffice) -> bc.Backoffice:
    """The conftest's book with a 12-piece box (memory, then SQLite)."""
    return box_book


def _in_pieces(bo: bc.Backoffice, draft_id: str, pieces: int) -> str:
    """Issue the draft ``draft_id`` with its item line as ``pieces`` pieces."""
    docs = bo.documents
    draft = docs.get(draft_id)
    lines = [attrs.evolve(ln, quantity=Decimal(pieces), unit="H87", unit_price="1.00")
             if ln.item_id == "WID" else ln for ln in draft.lines]
    return docs.issue(docs.update(draft.id, version=draft.version, lines=lines).id).id


def test_an_order_in_boxes_received_in_pieces(bo: bc.Backoffice) -> None:
    """2 boxes ordered: 12 pieces received leave 1 box open (it completed the order
    before); the other 12 pieces complete it."""
    docs = bo.documents
    supplier = docs.create_party("Parts Co", is_customer=False, is_supplier=True)
    order = docs.issue(docs.create("purchase_order", supplier.id, date(2026, 3, 2), [
        line("Widget", 2, "12.00", Tax.standard(20), unit="box12", item_id="WID"),
        line("Freight", 1, "5.00", Tax.standard(20))],
        dimensions={"location": "WH"}).id)
    draft = docs.convert(order.id, "goods_receipt", date=date(2026, 3, 3))
    _in_pieces(bo, draft.id, 12)
    assert docs.get(order.id).state.value == "issued"
    assert bo.inventory.on_hand("WID") == 12
    rest = docs.convert(order.id, "goods_receipt", date=date(2026, 3, 4))
    assert [(ln.description, ln.quantity, ln.unit) for ln in rest.lines] == [
        ("Widget", Decimal(1), "box12")]
    _in_pieces(bo, rest.id, 12)
    assert docs.get(order.id).state.value == "completed"
    assert bo.inventory.on_hand("WID") == 24


def test_an_order_in_pieces_received_in_boxes(bo: bc.Backoffice) -> None:
    """24 pieces ordered, 2 boxes received: the order completes (2 boxes left "22"
    pieces open before, and the order never completed)."""
    docs = bo.documents
    supplier = docs.create_party("Parts Co", is_customer=False, is_supplier=True)
    order = docs.issue(docs.create("purchase_order", supplier.id, date(2026, 3, 2), [
        line("Widget", 24, "1.00", Tax.standard(20), unit="H87", item_id="WID")],
        dimensions={"location": "WH"}).id)
    draft = docs.convert(order.id, "goods_receipt", date=date(2026, 3, 3))
    one = attrs.evolve(draft.lines[0], quantity=Decimal(1), unit="box12", unit_price="12.00")
    docs.issue(docs.update(draft.id, version=draft.version, lines=[one]).id)
    assert docs.get(order.id).state.value == "issued"
    rest = docs.convert(order.id, "goods_receipt", date=date(2026, 3, 4))
    assert [(ln.quantity, ln.unit) for ln in rest.lines] == [(Decimal(12), "H87")]
    two = attrs.evolve(rest.lines[0], quantity=Decimal(1), unit="box12", unit_price="12.00")
    docs.issue(docs.update(rest.id, version=rest.version, lines=[two]).id)
    assert docs.get(order.id).state.value == "completed"


def test_a_sales_order_in_boxes_delivered_in_pieces(bo: bc.Backoffice) -> None:
    """The same on the sales side: 2 boxes sold, 12 pieces delivered leave 1 box."""
    docs = bo.documents
    bo.inventory.receive("WID", 24, location="WH", unit_cost="1.00", on=date(2026, 3, 1))
    customer = docs.create_party("Cafe Blue")
    order = docs.issue(docs.create("sales_order", customer.id, date(2026, 3, 2), [
        line("Widget", 2, "20.00", Tax.standard(20), unit="box12", item_id="WID")],
        dimensions={"location": "WH"}).id)
    draft = docs.convert(order.id, "delivery_note", date=date(2026, 3, 3))
    _in_pieces(bo, draft.id, 12)
    assert docs.get(order.id).state.value == "issued"
    rest = docs.convert(order.id, "delivery_note", date=date(2026, 3, 4))
    assert [(ln.quantity, ln.unit) for ln in rest.lines] == [(Decimal(1), "box12")]


def test_free_text_lines_count_as_before(bo: bc.Backoffice) -> None:
    """Lines of no item count their quantities as given: 3 hours ordered, 3 received."""
    docs = bo.documents
    supplier = docs.create_party("Parts Co", is_customer=False, is_supplier=True)
    order = docs.issue(docs.create("purchase_order", supplier.id, date(2026, 3, 2), [
        line("Consulting", 3, "50.00", Tax.standard(20), unit="HUR")]).id)
    draft = docs.convert(order.id, "goods_receipt", {"1": 2}, date=date(2026, 3, 3))
    docs.issue(draft.id)
    assert docs.get(order.id).state.value == "issued"
    docs.issue(docs.convert(order.id, "goods_receipt", date=date(2026, 3, 4)).id)
    assert docs.get(order.id).state.value == "completed"
