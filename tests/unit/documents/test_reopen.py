"""A completed document goes back to issued when what completed it is given back.

``complete_sources`` completes a quote, order, delivery note or goods receipt once one of
its conversions is whole. Quantity comes back to it when the invoice (bill) made from it
is credited by quantity or cancelled, or when a document converted from it is cancelled
directly: it goes back to issued (a ``reopen`` entry in its trail, naming the credit note
or the cancelled document), in the unit of work of that credit note or cancellation,
unless another of its conversions is still whole (an order delivered in full stays
completed, whatever is left to invoice). Price corrections and drafts give nothing back
and change nothing.

Each test runs on a memory and an SQLite book (the conftest's ``box_book``).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

import backoffice_core as bc
from backoffice_core.documents import Tax, _issue, _issuing, line
from backoffice_core.errors import StorageError, ValidationError

D = date(2026, 3, 2)


@pytest.fixture
def bo(box_book: bc.Backoffice) -> bc.Backoffice:
    """The conftest's book (memory, then SQLite)."""
    return box_book


def _customer(bo: bc.Backoffice) -> str:
    return bo.documents.create_party("Cafe Blue").id


def _supplier(bo: bc.Backoffice) -> str:
    return bo.documents.create_party("Paper Co", is_customer=False, is_supplier=True).id


def _state(bo: bc.Backoffice, doc: Any) -> str:
    return bo.documents.get(doc.id).state.value


def _last(bo: bc.Backoffice, doc: Any) -> tuple[str, str, str, str]:
    t = bo.documents.get(doc.id).history[-1]
    return t.action, t.from_state.value, t.to_state.value, t.reason


def _sold(bo: bc.Backoffice, qty: int = 10) -> tuple[Any, Any]:
    """A sales order of ``qty`` lamps, invoiced in full (the order completes)."""
    docs = bo.documents
    so = docs.issue(docs.create("sales_order", _customer(bo), D,
                                [line("Lamp", qty, "30.00", Tax.standard(20))]).id)
    inv = docs.issue(docs.convert(so.id, "sales_invoice").id)
    assert _state(bo, so) == "completed"
    return so, inv


# -- the sales chain ----------------------------------------------------------------------


def test_a_credit_note_by_quantity_reopens_the_order(bo: bc.Backoffice) -> None:
    """10 invoiced, 3 credited: the order is issued again (its trail says why), is invoiced
    for the 3, and completes again."""
    docs = bo.documents
    so, inv = _sold(bo)
    note = docs.issue(docs.credit(inv.id, {"1": 3}).id, user="ann")
    assert _state(bo, so) == "issued"
    assert _last(bo, so) == ("reopen", "completed", "issued", f"given back by {note.number}")
    assert bo.documents.get(so.id).history[-1].user == "ann"
    assert so.id in {d.id for d in docs.find(type="sales_order", state="issued")}
    again = docs.convert(so.id, "sales_invoice")
    assert [ln.quantity for ln in again.lines] == [Decimal(3)]
    docs.issue(again.id)
    assert _state(bo, so) == "completed"
    assert [t.action for t in docs.get(so.id).history][-3:] == ["complete", "reopen",
                                                                "complete"]


def test_cancelling_the_invoice_reopens_the_order(bo: bc.Backoffice) -> None:
    """The invoice cancelled through its full credit note: the order has all of it left to
    invoice, and is issued again, naming the credit note."""
    docs = bo.documents
    so, inv = _sold(bo)
    docs.cancel(inv.id, reason="wrong customer")
    note = docs.find(type="credit_note")[0]
    assert _state(bo, so) == "issued"
    action, was, now, reason = _last(bo, so)
    assert (action, was, now) == ("reopen", "completed", "issued")
    assert note.number in reason
    assert [ln.quantity for ln in docs.convert(so.id, "sales_invoice").lines] == [Decimal(10)]


def test_a_partial_credit_then_the_cancel_reopen_once(bo: bc.Backoffice) -> None:
    """2 credited (reopened), then the invoice cancelled: the order stays issued, one
    ``reopen`` in its trail."""
    docs = bo.documents
    so, inv = _sold(bo)
    docs.issue(docs.credit(inv.id, {"1": 2}).id)
    docs.cancel(inv.id)
    assert _state(bo, so) == "issued"
    assert [t.action for t in docs.get(so.id).history].count("reopen") == 1


def test_a_price_correction_or_a_draft_note_changes_nothing(bo: bc.Backoffice) -> None:
    """A credit note of a lower price gives no quantity back, a draft note nothing yet: the
    order stays completed, its version as it was."""
    docs = bo.documents
    so, inv = _sold(bo)
    before = docs.get(so.id)
    docs.issue(docs.credit(inv.id, prices={"1": "25.00"}).id)
    docs.credit(inv.id, {"1": 4})  # a draft
    assert docs.get(so.id) == before


def test_quote_order_invoice_reopens_the_order_not_the_quote(bo: bc.Backoffice) -> None:
    """Quote -> order -> invoice, 4 credited: the order has 4 left to invoice and reopens;
    the quote is still ordered in full and stays completed."""
    docs = bo.documents
    quote = docs.issue(docs.create("quote", _customer(bo), D,
                                   [line("Desk", 10, "80.00", Tax.standard(20))]).id)
    so = docs.issue(docs.convert(quote.id, "sales_order").id)
    inv = docs.issue(docs.convert(so.id, "sales_invoice").id)
    docs.issue(docs.credit(inv.id, {"1": 4}).id)
    assert (_state(bo, quote), _state(bo, so)) == ("completed", "issued")


def test_a_credit_of_an_invoice_made_from_a_delivery_note(bo: bc.Backoffice) -> None:
    """Order -> delivery note (6 of 10) -> invoice, then 4 more invoiced from the order:
    both complete. 4 credited from the delivery note's invoice: the delivery note and the
    order have 4 left to invoice, and neither conversion of the order is whole: both go
    back to issued; invoiced again through the delivery note, both complete again."""
    docs = bo.documents
    so = docs.issue(docs.create("sales_order", _customer(bo), D,
                                [line("Desk", 10, "80.00", Tax.standard(20))]).id)
    dn = docs.issue(docs.convert(so.id, "delivery_note", {"1": 6}).id)
    inv = docs.issue(docs.convert(dn.id, "sales_invoice").id)
    docs.issue(docs.convert(so.id, "sales_invoice").id)
    assert (_state(bo, so), _state(bo, dn)) == ("completed", "completed")
    note = docs.issue(docs.credit(inv.id, {"1": 4}).id)
    assert (_state(bo, so), _state(bo, dn)) == ("issued", "issued")
    assert _last(bo, dn)[3] == _last(bo, so)[3] == f"given back by {note.number}"
    docs.issue(docs.convert(dn.id, "sales_invoice").id)
    assert (_state(bo, so), _state(bo, dn)) == ("completed", "completed")


def test_an_order_delivered_in_full_stays_completed(bo: bc.Backoffice) -> None:
    """Order -> delivery note (all of it) -> invoice, 4 credited: the delivery note
    reopens (invoicing is its one conversion); the order, delivered in full, stays
    completed, as it was before it was invoiced at all; it still converts."""
    docs = bo.documents
    so = docs.issue(docs.create("sales_order", _customer(bo), D,
                                [line("Desk", 10, "80.00", Tax.standard(20))]).id)
    dn = docs.issue(docs.convert(so.id, "delivery_note").id)
    inv = docs.issue(docs.convert(dn.id, "sales_invoice").id)
    docs.issue(docs.credit(inv.id, {"1": 4}).id)
    assert (_state(bo, so), _state(bo, dn)) == ("completed", "issued")
    assert [ln.quantity for ln in docs.convert(so.id, "sales_invoice").lines] == [Decimal(4)]


def test_a_credit_of_the_order_invoice_reopens_its_delivery_note(bo: bc.Backoffice) -> None:
    """Order -> delivery note (all 10); 6 invoiced from the order, then the 4 the order has
    left from the delivery note: it completes, 6 of its own not invoiced but none of the
    order's. 6 credited from the order's invoice: the order has 6 left to invoice, so the
    delivery note too, and it is issued again (the order, delivered in full, stays
    completed)."""
    docs = bo.documents
    so = docs.issue(docs.create("sales_order", _customer(bo), D,
                                [line("Desk", 10, "80.00", Tax.standard(20))]).id)
    dn = docs.issue(docs.convert(so.id, "delivery_note").id)
    inv = docs.issue(docs.convert(so.id, "sales_invoice", {"1": 6}).id)
    docs.issue(docs.convert(dn.id, "sales_invoice").id)
    assert (_state(bo, so), _state(bo, dn)) == ("completed", "completed")
    note = docs.issue(docs.credit(inv.id, {"1": 6}).id)
    assert (_state(bo, so), _state(bo, dn)) == ("completed", "issued")
    assert _last(bo, dn) == ("reopen", "completed", "issued", f"given back by {note.number}")
    assert [ln.quantity for ln in docs.convert(dn.id, "sales_invoice").lines] == [Decimal(6)]


def test_an_archived_completed_order_comes_back_from_the_archive(bo: bc.Backoffice) -> None:
    """An issued order is pending, never archived: reopened, it leaves the archive."""
    docs = bo.documents
    so, inv = _sold(bo)
    docs.archive(so.id)
    docs.issue(docs.credit(inv.id, {"1": 1}).id)
    got = docs.get(so.id)
    assert (got.state.value, got.archived) == ("issued", False)


def test_issue_many_reopens_as_issue_does(bo: bc.Backoffice) -> None:
    """A credit note issued in a batch reopens the order as issuing it alone does."""
    docs = bo.documents
    so, inv = _sold(bo)
    note = docs.credit(inv.id, {"1": 3})
    docs.issue_many([note.id])
    assert _last(bo, so)[:3] == ("reopen", "completed", "issued")


# -- the purchase chain -------------------------------------------------------------------


def test_a_debit_note_by_quantity_reopens_the_receipt(bo: bc.Backoffice) -> None:
    """Order -> receipt -> bill, all of 10; 2 debited: the receipt has 2 left to bill and
    reopens; the order, received in full, stays completed."""
    docs = bo.documents
    po = docs.issue(docs.create("purchase_order", _supplier(bo), D,
                                [line("Paper", 10, "4.00", Tax.standard(20))]).id)
    gr = docs.issue(docs.convert(po.id, "goods_receipt").id)
    bill = docs.issue(docs.convert(gr.id, "supplier_bill").id)
    assert (_state(bo, po), _state(bo, gr)) == ("completed", "completed")
    note = docs.issue(docs.credit(bill.id, {"1": 2}).id)
    assert (_state(bo, po), _state(bo, gr)) == ("completed", "issued")
    assert _last(bo, gr) == ("reopen", "completed", "issued", f"given back by {note.number}")
    docs.issue(docs.convert(gr.id, "supplier_bill").id)
    assert _state(bo, gr) == "completed"


def test_a_debit_note_and_a_cancel_reopen_a_purchase_order(bo: bc.Backoffice) -> None:
    """A purchase order billed in full before all of it was received (an approved bill):
    completed; 3 debited, it has 3 left to bill and 6 to receive: issued again. Billed
    again and the bill cancelled: completed, then issued again."""
    docs = bo.documents
    po = docs.issue(docs.create("purchase_order", _supplier(bo), D,
                                [line("Paper", 10, "4.00", Tax.standard(20))]).id)
    docs.issue(docs.convert(po.id, "goods_receipt", {"1": 4}).id)
    bill = docs.approve(docs.convert(po.id, "supplier_bill").id, user="boss")
    bill = docs.issue(bill.id)
    assert _state(bo, po) == "completed"
    note = docs.issue(docs.credit(bill.id, {"1": 3}).id)
    assert _last(bo, po) == ("reopen", "completed", "issued", f"given back by {note.number}")
    rest = docs.issue(docs.approve(docs.convert(po.id, "supplier_bill").id, user="boss").id)
    assert _state(bo, po) == "completed"
    docs.cancel(rest.id)
    assert _state(bo, po) == "issued"


# -- cancelling a converted document directly ---------------------------------------------


def test_cancelling_a_converted_order_reopens_the_quote(bo: bc.Backoffice) -> None:
    """A quote all ordered completes; the order cancelled, the quote is issued again."""
    docs = bo.documents
    quote = docs.issue(docs.create("quote", _customer(bo), D,
                                   [line("Desk", 2, "80.00", Tax.standard(20))]).id)
    so = docs.issue(docs.convert(quote.id, "sales_order").id)
    assert _state(bo, quote) == "completed"
    docs.cancel(so.id)
    assert _last(bo, quote) == ("reopen", "completed", "issued", f"{so.number} cancelled")
    assert [ln.quantity for ln in docs.convert(quote.id, "sales_order").lines] == [Decimal(2)]


def test_cancelling_a_goods_receipt_reopens_the_order(bo: bc.Backoffice) -> None:
    """A purchase order received in full completes; its receipt cancelled, it is issued
    again with all of it left to receive."""
    docs = bo.documents
    po = docs.issue(docs.create("purchase_order", _supplier(bo), D,
                                [line("Paper", 10, "4.00", Tax.standard(20))]).id)
    gr = docs.issue(docs.convert(po.id, "goods_receipt").id)
    docs.cancel(gr.id)
    assert _last(bo, po) == ("reopen", "completed", "issued", f"{gr.number} cancelled")


# -- atomic with the credit note ----------------------------------------------------------


def test_the_reopen_is_atomic_with_the_credit_note(bo: bc.Backoffice,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """A failure after the order is reopened rolls back the credit note's issue and the
    reopen together: the order stays completed, the note a draft."""
    docs = bo.documents
    so, inv = _sold(bo)
    note = docs.credit(inv.id, {"1": 3})
    real = _issue.reopen_sources

    def failing(w: Any, doc: Any, user: str, reason: str) -> None:
        real(w, doc, user, reason)
        assert w.document(so.id).state.value == "issued"  # reopened, not yet committed
        raise StorageError("disk full", field="documents", value=None)

    monkeypatch.setattr(_issue, "reopen_sources", failing)
    monkeypatch.setattr(_issuing, "reopen_sources", failing, raising=False)
    with pytest.raises(StorageError):
        docs.issue(note.id)
    assert (_state(bo, so), docs.get(note.id).state.value) == ("completed", "draft")
    with pytest.raises(StorageError):
        docs.cancel(inv.id)
    assert (_state(bo, so), _state(bo, inv)) == ("completed", "issued")
    with pytest.raises(ValidationError, match="nothing left to convert"):
        docs.convert(so.id, "sales_invoice")


def test_a_cancelled_receipt_puts_its_order_back_on_order(bo: bc.Backoffice) -> None:
    """10 widgets ordered and received (the order completes), the receipt cancelled: the
    order is issued again, so its 10 are on order again and no reorder is suggested for
    them (a completed order is not counted as on order)."""
    docs = bo.documents
    bo.inventory.set_reorder_rule("WID", "WH", reorder_point=5, max_quantity=20)
    po = docs.issue(docs.create("purchase_order", _supplier(bo), D, [
        line("Widget", 10, "1.00", Tax.standard(20), item_id="WID")],
        dimensions={"location": "WH"}).id)
    gr = docs.issue(docs.convert(po.id, "goods_receipt").id)
    assert _state(bo, po) == "completed"
    assert bo.inventory.reorder_suggestions(on=D) == []
    docs.cancel(gr.id)
    assert _state(bo, po) == "issued"
    assert bo.inventory.reorder_suggestions(on=D) == []
