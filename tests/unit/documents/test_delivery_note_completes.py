"""A delivery note completes when its order is invoiced in full without it.

A delivery note has no more left to invoice than its order has (the cap of
``Work.left``). When the order was invoiced in full directly (or through another of its
delivery notes), the note had nothing left to invoice, yet stayed issued: nothing
completed it, so it stayed in every list of delivered-but-not-invoiced documents.
``complete_sources`` now completes it in the same unit of work as the invoice's issue,
naming the order and the invoice, the mirror of the reopen that gives it back.

Each test runs on a memory and an SQLite book (the conftest's ``box_book``).
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

import backoffice_core as bc
from backoffice_core.documents import Tax, line

D = date(2026, 3, 2)


@pytest.fixture
def bo(box_book: bc.Backoffice) -> bc.Backoffice:
    """The conftest's book (memory, then SQLite)."""
    return box_book


def _state(bo: bc.Backoffice, doc: Any) -> str:
    return bo.documents.get(doc.id).state.value


def _order(bo: bc.Backoffice) -> Any:
    docs = bo.documents
    customer = docs.create_party("Cafe Blue").id
    return docs.issue(docs.create("sales_order", customer, D,
                                  [line("Desk", 10, "80.00", Tax.standard(20))]).id)


def test_an_order_invoiced_directly_completes_its_delivery_note(bo: bc.Backoffice) -> None:
    docs = bo.documents
    so = _order(bo)
    dn = docs.issue(docs.convert(so.id, "delivery_note").id)
    inv = docs.issue(docs.convert(so.id, "sales_invoice").id)
    assert (_state(bo, so), _state(bo, dn)) == ("completed", "completed")
    last = docs.get(dn.id).history[-1]
    assert (last.action, last.to_state.value, last.reason) == (
        "complete", "completed", f"{so.number} converted into {inv.number}")
    note = docs.issue(docs.credit(inv.id, {"1": 3}).id)  # the mirror: the note comes back
    assert (_state(bo, so), _state(bo, dn)) == ("completed", "issued")  # delivered in full
    assert docs.get(dn.id).history[-1].reason == f"given back by {note.number}"


def test_a_partial_direct_invoice_leaves_the_delivery_note_issued(bo: bc.Backoffice) -> None:
    docs = bo.documents
    so = _order(bo)
    dn = docs.issue(docs.convert(so.id, "delivery_note").id)
    docs.issue(docs.convert(so.id, "sales_invoice", {"1": 6}).id)
    assert (_state(bo, so), _state(bo, dn)) == ("completed", "issued")  # delivered in full
    docs.issue(docs.convert(so.id, "sales_invoice").id)  # the 4 left
    assert _state(bo, dn) == "completed"


def test_invoicing_one_delivery_note_completes_its_sibling(bo: bc.Backoffice) -> None:
    """Two delivery notes of 6 and 4; the first is invoiced through itself, the last 4
    from the order directly: the second note has nothing left, and completes."""
    docs = bo.documents
    so = _order(bo)
    dn1 = docs.issue(docs.convert(so.id, "delivery_note", {"1": 6}).id)
    dn2 = docs.issue(docs.convert(so.id, "delivery_note").id)
    docs.issue(docs.convert(dn1.id, "sales_invoice").id)
    assert (_state(bo, dn1), _state(bo, dn2)) == ("completed", "issued")
    docs.issue(docs.convert(so.id, "sales_invoice").id)
    assert (_state(bo, so), _state(bo, dn1), _state(bo, dn2)) == (
        "completed", "completed", "completed")


def test_a_delivery_note_of_an_order_invoiced_before_completes_at_issue(
        bo: bc.Backoffice) -> None:
    """Invoice first (a prepayment), deliver after: the delivery note has nothing left to
    invoice from the start, and is completed as it is issued (the flow machine found it
    staying issued)."""
    docs = bo.documents
    so = _order(bo)
    docs.issue(docs.convert(so.id, "sales_invoice").id)
    dn = docs.issue(docs.convert(so.id, "delivery_note").id)
    assert dn.state.value == "completed"  # the document returned is the one saved
    assert docs.get(dn.id) == dn
    last = dn.history[-1]
    assert (last.action, last.reason) == ("complete", "nothing left to convert into "
                                                      "sales_invoice")
    assert _state(bo, so) == "completed"
