"""What counts along an order's chain: the three-way match read, and what an order has
left to invoice after credit notes and through delivery notes in another unit.

- ``three_way_match(po)`` (the read) counts what the check at a bill's issue counts:
  issued goods receipts and bills, not drafts, approved bills not yet issued, or
  cancelled ones.
- A credit (debit) note line made from an invoice (bill) line made from an order line
  gives its quantity back to what the order has left to invoice (bill): invoiced is
  invoiced less credited, as in Odoo. A price correction gives no quantity back.
- A delivery note line in another unit of its item than its order line invoices no
  more than the order line has left, counted in the item's unit.

Each test runs on a memory and an SQLite book (the conftest's ``box_book``).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import attrs
import pytest

import backoffice_core as bc
from backoffice_core.documents import Tax, line
from backoffice_core.errors import ValidationError

D = date(2026, 3, 2)


@pytest.fixture
def bo(box_book: bc.Backoffice) -> bc.Backoffice:
    """The conftest's book with a 12-piece box and an item WID (memory, then SQLite)."""
    return box_book


def _supplier(bo: bc.Backoffice) -> str:
    return bo.documents.create_party("Paper Co", is_customer=False, is_supplier=True).id


def _customer(bo: bc.Backoffice) -> str:
    return bo.documents.create_party("Cafe Blue").id


def _with(bo: bc.Backoffice, draft: Any, **changes: Any) -> Any:
    """The draft with its first line changed."""
    docs = bo.documents
    first = attrs.evolve(draft.lines[0], **changes)
    return docs.update(draft.id, version=draft.version, lines=[first, *draft.lines[1:]])


# -- 1. the three-way match read counts the bills (and receipts) that count -------------


def test_the_match_read_ignores_draft_and_approved_bills(bo: bc.Backoffice) -> None:
    """10 ordered, received and billed; a draft bill of 5 more and an approved one of 3
    (not issued) bill nothing yet: the read says what issuing would, billed 10, ok."""
    docs = bo.documents
    po = docs.issue(docs.create("purchase_order", _supplier(bo), D,
                                [line("Paper", 10, "4.00", Tax.standard(20))]).id)
    gr = docs.issue(docs.convert(po.id, "goods_receipt").id)
    docs.issue(docs.convert(gr.id, "supplier_bill").id)
    docs.convert(po.id, "supplier_bill", {"1": 5})                      # a draft
    docs.approve(docs.convert(po.id, "supplier_bill", {"1": 3}).id, user="buyer")
    assert {d.state.value for d in docs.find(type="supplier_bill")} == {
        "issued", "draft", "approved"}
    report = docs.three_way_match(po.id)
    m = report.lines[0]
    assert (m.ordered, m.received, m.billed) == (Decimal(10), Decimal(10), Decimal(10))
    assert report.ok, report.issues


def test_the_match_ignores_draft_receipts_when_read_and_at_issue(bo: bc.Backoffice) -> None:
    """A draft goods receipt received nothing (it hands nothing over to stock): a bill
    made from the order is billed against what the issued receipts hold."""
    docs = bo.documents
    po = docs.issue(docs.create("purchase_order", _supplier(bo), D,
                                [line("Paper", 10, "4.00", Tax.standard(20))]).id)
    docs.issue(docs.convert(po.id, "goods_receipt", {"1": 4}).id)
    docs.convert(po.id, "goods_receipt", {"1": 6})  # a draft: nothing received yet
    m = docs.three_way_match(po.id).lines[0]
    assert (m.received, m.billed) == (Decimal(4), Decimal(0))
    bill = docs.convert(po.id, "supplier_bill")  # all 10 billed
    with pytest.raises(ValidationError, match="billed 10 but received 4"):
        docs.issue(bill.id)
    assert docs.get(bill.id).state.value == "draft"


# -- 2. credit (debit) notes give back what they credit by quantity -----------------------


def _sold(bo: bc.Backoffice, qty: int = 10) -> tuple[Any, Any]:
    """A sales order of ``qty`` lamps, invoiced in full (the order completes)."""
    docs = bo.documents
    so = docs.issue(docs.create("sales_order", _customer(bo), D,
                                [line("Lamp", qty, "30.00", Tax.standard(20))]).id)
    inv = docs.issue(docs.convert(so.id, "sales_invoice").id)
    assert docs.get(so.id).state.value == "completed"
    return so, inv


def test_a_credit_note_by_quantity_gives_it_back_to_invoice(bo: bc.Backoffice) -> None:
    """10 invoiced, 3 credited: the order has 3 left to invoice (invoiced less
    credited); invoiced again, nothing is left."""
    docs = bo.documents
    so, inv = _sold(bo)
    docs.issue(docs.credit(inv.id, {"1": 3}).id)
    again = docs.convert(so.id, "sales_invoice")
    assert [ln.quantity for ln in again.lines] == [Decimal(3)]
    docs.issue(again.id)
    with pytest.raises(ValidationError, match="nothing left to convert"):
        docs.convert(so.id, "sales_invoice")


def test_a_price_correction_or_a_draft_note_gives_nothing_back(bo: bc.Backoffice) -> None:
    """A credit note that lowers the price credits no quantity, and a draft credit note
    credits nothing yet: the order stays invoiced in full."""
    docs = bo.documents
    so, inv = _sold(bo)
    docs.issue(docs.credit(inv.id, prices={"1": "25.00"}).id)
    docs.credit(inv.id, {"1": 4})  # a draft
    with pytest.raises(ValidationError, match="nothing left to convert"):
        docs.convert(so.id, "sales_invoice")


def test_a_cancelled_invoice_gives_back_once(bo: bc.Backoffice) -> None:
    """2 credited, then the invoice cancelled (its credit note takes the other 8): the
    order has its 10 left to invoice, not 12."""
    docs = bo.documents
    so, inv = _sold(bo)
    docs.issue(docs.credit(inv.id, {"1": 2}).id)
    docs.cancel(inv.id)
    assert [ln.quantity for ln in docs.convert(so.id, "sales_invoice").lines] == [
        Decimal(10)]


def test_a_credit_note_of_an_invoice_made_from_a_delivery_note(bo: bc.Backoffice) -> None:
    """Order -> delivery note -> invoice, 4 credited: the delivery note and the order
    each have 4 left to invoice; invoiced through one, neither has any left."""
    docs = bo.documents
    so = docs.issue(docs.create("sales_order", _customer(bo), D,
                                [line("Desk", 10, "80.00", Tax.standard(20))]).id)
    dn = docs.issue(docs.convert(so.id, "delivery_note").id)
    inv = docs.issue(docs.convert(dn.id, "sales_invoice").id)
    docs.issue(docs.credit(inv.id, {"1": 4}).id)
    draft = docs.convert(so.id, "sales_invoice")
    assert [ln.quantity for ln in draft.lines] == [Decimal(4)]
    docs.cancel(draft.id)  # a draft holds what it takes
    again = docs.convert(dn.id, "sales_invoice")
    assert [ln.quantity for ln in again.lines] == [Decimal(4)]
    docs.issue(again.id)
    for doc in (so, dn):
        with pytest.raises(ValidationError, match="left to convert"):
            docs.convert(doc.id, "sales_invoice", {"1": 1})


def test_a_debit_note_by_quantity_gives_it_back_to_bill(bo: bc.Backoffice) -> None:
    """The purchase side: an order received and billed in full, 2 given back by a debit
    note: 2 left to bill."""
    docs = bo.documents
    po = docs.issue(docs.create("purchase_order", _supplier(bo), D,
                                [line("Paper", 10, "4.00", Tax.standard(20))]).id)
    docs.issue(docs.convert(po.id, "goods_receipt").id)
    bill = docs.issue(docs.convert(po.id, "supplier_bill").id)  # billed from the order
    docs.issue(docs.credit(bill.id, {"1": 2}).id)
    assert [ln.quantity for ln in docs.convert(po.id, "supplier_bill").lines] == [Decimal(2)]


# -- 3. a delivery note in another unit invoices no more than its order has left --------


def _boxes_order(bo: bc.Backoffice, qty: int, unit: str, price: str) -> Any:
    docs = bo.documents
    bo.inventory.receive("WID", 48, location="WH", unit_cost="1.00", on=date(2026, 3, 1))
    return docs.issue(docs.create("sales_order", _customer(bo), D, [
        line("Widget", qty, price, Tax.standard(20), unit=unit, item_id="WID")],
        dimensions={"location": "WH"}).id)


def test_a_delivery_note_in_pieces_of_an_order_in_boxes(bo: bc.Backoffice) -> None:
    """2 boxes of 12 sold, 1 box invoiced from the order, 24 pieces delivered: the
    delivery note has 12 pieces left to invoice, not 24."""
    docs = bo.documents
    so = _boxes_order(bo, 2, "box12", "24.00")
    docs.issue(docs.convert(so.id, "sales_invoice", {"1": 1}).id)
    dn = docs.issue(_with(bo, docs.convert(so.id, "delivery_note"), quantity=Decimal(24),
                          unit="H87", unit_price="2.00").id)
    with pytest.raises(ValidationError, match="only 12 left to convert"):
        docs.convert(dn.id, "sales_invoice", {"1": 13})
    rest = docs.issue(docs.convert(dn.id, "sales_invoice").id)
    assert [(ln.quantity, ln.unit) for ln in rest.lines] == [(Decimal(12), "H87")]
    assert docs.get(so.id).state.value == "completed"
    with pytest.raises(ValidationError, match="nothing left to convert"):
        docs.convert(so.id, "sales_invoice")


def test_a_delivery_note_in_boxes_of_an_order_in_pieces(bo: bc.Backoffice) -> None:
    """24 pieces sold, 18 invoiced from the order, 2 boxes delivered: the delivery note
    has half a box (6 pieces) left to invoice."""
    docs = bo.documents
    so = _boxes_order(bo, 24, "H87", "2.00")
    docs.issue(docs.convert(so.id, "sales_invoice", {"1": 18}).id)
    dn = docs.issue(_with(bo, docs.convert(so.id, "delivery_note"), quantity=Decimal(2),
                          unit="box12", unit_price="24.00").id)
    rest = docs.convert(dn.id, "sales_invoice")
    assert [(ln.quantity, ln.unit) for ln in rest.lines] == [(Decimal("0.5"), "box12")]


def test_a_credit_note_in_pieces_gives_back_to_an_order_in_boxes(bo: bc.Backoffice) -> None:
    """2 boxes sold, delivered and invoiced as 24 pieces, 12 pieces credited: the order
    has 1 box left to invoice, and its delivery note 12 pieces."""
    docs = bo.documents
    so = _boxes_order(bo, 2, "box12", "24.00")
    dn = docs.issue(_with(bo, docs.convert(so.id, "delivery_note"), quantity=Decimal(24),
                          unit="H87", unit_price="2.00").id)
    inv = docs.issue(docs.convert(dn.id, "sales_invoice").id)
    with pytest.raises(ValidationError, match="nothing left to convert"):
        docs.convert(so.id, "sales_invoice")
    docs.issue(docs.credit(inv.id, {"1": 12}).id)
    draft = docs.convert(so.id, "sales_invoice")
    assert [(ln.quantity, ln.unit) for ln in draft.lines] == [(Decimal(1), "box12")]
    docs.cancel(draft.id)
    assert [(ln.quantity, ln.unit) for ln in docs.convert(dn.id, "sales_invoice").lines] == [
        (Decimal(12), "H87")]
