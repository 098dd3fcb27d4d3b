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
