"""The three-way match counts the bills' issued debit notes.

A debit note made from a bill's lines gives quantities back: the order line's billed
quantity and value come down (the value at the note line's price). A price correction
(``credit(bill_id, prices=...)``) lowers the billed value only; it keeps the id of the
bill line it corrects, which is what links it to that line. Drafts, cancelled notes
and notes of other orders' bills do not count. Each test runs on a memory and an
SQLite book.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import attrs
import pytest

import backoffice_core as bc
from backoffice_core.documents import MatchTolerance, Tax, line
from backoffice_core.documents.conversions import MatchLine
from backoffice_core.errors import ValidationError
from backoffice_core.ports import FixedClock, SequentialIds

D = date(2026, 1, 5)


@pytest.fixture(params=["memory://", "sqlite://"])
def bo(request: pytest.FixtureRequest) -> bc.Backoffice:
    book = bc.Backoffice.open(request.param, clock=FixedClock(datetime(2026, 1, 31, tzinfo=UTC)),
                              ids=SequentialIds("m"))
    book.ledger.setup("Shop", currency="EUR", chart="generic")
    return book


def _supplier(bo: bc.Backoffice, name: str = "Paper Co") -> str:
    return bo.documents.create_party(name, is_customer=False, is_supplier=True).id


def _order(bo: bc.Backoffice, supplier: str, *lines: Any) -> Any:
    docs = bo.documents
    return docs.issue(docs.create("purchase_order", supplier, D, list(lines or [
        line("Paper", 10, "4.00", Tax.standard(20))])).id)


def _received_and_billed(bo: bc.Backoffice, supplier: str | None = None) -> tuple[Any, Any]:
    """An order of 10 x 4.00, received and billed in full."""
    docs = bo.documents
    po = _order(bo, supplier or _supplier(bo))
    gr = docs.issue(docs.convert(po.id, "goods_receipt").id)
    return po, docs.issue(docs.convert(gr.id, "supplier_bill").id)


def _first(bo: bc.Backoffice, po: Any) -> MatchLine:
    return bo.documents.three_way_match(po.id).lines[0]


def _value(m: MatchLine) -> Decimal:
    assert m.billed_price is not None
    return m.billed * m.billed_price


def test_a_return_then_a_price_correction(bo: bc.Backoffice) -> None:
    docs = bo.documents
    po, bill = _received_and_billed(bo)
    docs.issue(docs.credit(bill.id, {"1": 2}).id)              # 2 units go back
    m = _first(bo, po)
    assert (m.received, m.billed, m.billed_price, _value(m)) == (
        Decimal(10), Decimal(8), Decimal("4.00"), Decimal("32.00"))
    assert docs.three_way_match(po.id).ok
    note = docs.issue(docs.credit(bill.id, prices={"1": "3.50"}).id)  # the other 8 cheaper
    assert [(ln.id, ln.quantity, ln.price, ln.source) for ln in note.lines] == [
        ("1", Decimal(8), Decimal("0.50"), None)]
    m = _first(bo, po)
    assert (m.billed, m.billed_price, _value(m)) == (Decimal(8), Decimal("3.50"),
                                                     Decimal("28.00"))
    # 3.50 is 12.5 % off the ordered 4.00: beyond the default tolerance of 0, either way
    assert m.issues == ("billed price 3.5 differs from ordered 4",)
    docs.configure(match_tolerance=MatchTolerance(price_percent="12.5"))
    assert docs.three_way_match(po.id).ok


def test_a_price_correction_restores_the_match_of_an_approved_bill(bo: bc.Backoffice) -> None:
    docs = bo.documents
    po = _order(bo, _supplier(bo))
    gr = docs.issue(docs.convert(po.id, "goods_receipt").id)
    draft = docs.convert(gr.id, "supplier_bill")
    draft = docs.update(draft.id, version=draft.version,
                        lines=[attrs.evolve(draft.lines[0], unit_price="4.40")])
    with pytest.raises(ValidationError, match="three-way match"):
        docs.issue(draft.id)
    docs.approve(draft.id, user="buyer")
    bill = docs.issue(draft.id)
    assert not docs.three_way_match(po.id).ok
    docs.issue(docs.credit(bill.id, prices={"1": "4.00"}).id)
    m = _first(bo, po)
    assert (m.billed, m.billed_price, m.issues) == (Decimal(10), Decimal("4.00"), ())


def test_a_full_return_leaves_no_billed_price(bo: bc.Backoffice) -> None:
    docs = bo.documents
    po, bill = _received_and_billed(bo)
    docs.issue(docs.credit(bill.id).id)
    m = _first(bo, po)
    assert (m.received, m.billed, m.billed_price, m.issues) == (Decimal(10), Decimal(0),
                                                                None, ())


def test_a_price_correction_counts_for_the_line_it_corrects(bo: bc.Backoffice) -> None:
    docs = bo.documents
    po = _order(bo, _supplier(bo), line("Paper", 10, "4.00", Tax.standard(20)),
                line("Toner", 5, "60.00", Tax.standard(20)))
    gr = docs.issue(docs.convert(po.id, "goods_receipt").id)
    bill = docs.issue(docs.convert(gr.id, "supplier_bill").id)
    docs.configure(match_tolerance=MatchTolerance(price_percent=10))
    note = docs.issue(docs.credit(bill.id, prices={"2": "55.00"}).id)
    assert [ln.id for ln in note.lines] == ["2"]
    paper, toner = docs.three_way_match(po.id).lines
    assert (paper.billed, paper.billed_price) == (Decimal(10), Decimal("4.00"))
    assert (toner.billed, toner.billed_price) == (Decimal(5), Decimal("55.00"))


def test_a_price_correction_stored_with_a_numbered_line_still_counts(bo: bc.Backoffice) -> None:
    """Price corrections stored before they kept the corrected line's id numbered their
    lines "1", "2"...: the line of the same item is the one it corrects."""
    docs = bo.documents
    po = _order(bo, _supplier(bo), line("Paper", 10, "4.00", Tax.standard(20)),
                line("Toner", 5, "60.00", Tax.standard(20)))
    gr = docs.issue(docs.convert(po.id, "goods_receipt").id)
    bill = docs.issue(docs.convert(gr.id, "supplier_bill").id)
    docs.configure(match_tolerance=MatchTolerance(price_percent=10))
    note = docs.credit(bill.id, prices={"2": "55.00"})
    as_before = [attrs.evolve(ln, id="1") for ln in note.lines]
    note = docs.issue(docs.update(note.id, version=note.version, lines=as_before).id)
    assert [ln.id for ln in note.lines] == ["1"]
    paper, toner = docs.three_way_match(po.id).lines
    assert (paper.billed, paper.billed_price) == (Decimal(10), Decimal("4.00"))
    assert (toner.billed, toner.billed_price) == (Decimal(5), Decimal("55.00"))


def test_a_balancing_line_is_no_price_correction(bo: bc.Backoffice) -> None:
    """The note for the rest after a price correction returns the quantities left and
    carries a balancing line ("Balance of ... left to credit") of no bill line."""
    docs = bo.documents
    po, bill = _received_and_billed(bo)
    docs.issue(docs.credit(bill.id, prices={"1": "3.50"}).id)
    rest = docs.issue(docs.credit(bill.id).id)
    assert any(ln.source is None for ln in rest.lines)
    m = _first(bo, po)
    assert (m.billed, m.billed_price) == (Decimal(0), None)


def test_a_bill_made_from_the_order(bo: bc.Backoffice) -> None:
    docs = bo.documents
    po = _order(bo, _supplier(bo))
    bill = docs.convert(po.id, "supplier_bill")
    docs.approve(bill.id, user="buyer")                  # billed before anything came
    bill = docs.issue(bill.id)
    docs.issue(docs.credit(bill.id, {"1": 3}).id)
    m = _first(bo, po)
    assert (m.received, m.billed, m.billed_price, m.issues) == (
        Decimal(0), Decimal(7), Decimal("4.00"), ("billed 7 but received 0",))
    docs.issue(docs.convert(po.id, "goods_receipt", {"1": 7}).id)
    docs.issue(docs.credit(bill.id, prices={"1": "3.60"}).id)
    docs.configure(match_tolerance=MatchTolerance(price_percent=10))
    m = _first(bo, po)
    assert (m.received, m.billed, m.billed_price, m.issues) == (
        Decimal(7), Decimal(7), Decimal("3.60"), ())


def test_two_bills_and_a_note_on_one_of_them(bo: bc.Backoffice) -> None:
    docs = bo.documents
    po = _order(bo, _supplier(bo))
    gr = docs.issue(docs.convert(po.id, "goods_receipt").id)
    docs.issue(docs.convert(gr.id, "supplier_bill", {"1": 6}).id)
    second = docs.issue(docs.convert(gr.id, "supplier_bill", {"1": 4}).id)
    docs.issue(docs.credit(second.id, {"1": 1}).id)
    m = _first(bo, po)
    assert (m.billed, _value(m)) == (Decimal(9), Decimal("36.00"))
    docs.configure(match_tolerance=MatchTolerance(price_percent=10))
    docs.issue(docs.credit(second.id, prices={"1": "3.00"}).id)   # 3 x 1.00 off
    m = _first(bo, po)
    # 33.00 for 9: a price that does not end, to 28 digits (8.3 % off the ordered 4.00)
    assert (m.billed, m.billed_price, m.issues) == (
        Decimal(9), Decimal("3.666666666666666666666666667"), ())


def test_draft_and_cancelled_notes_do_not_count(bo: bc.Backoffice) -> None:
    docs = bo.documents
    po, bill = _received_and_billed(bo)
    before = docs.three_way_match(po.id)
    docs.credit(bill.id, {"1": 2})                                  # a draft
    docs.credit(bill.id, prices={"1": "3.00"})                      # another
    docs.cancel(docs.credit(bill.id, {"1": 5}).id)                  # cancelled
    docs.cancel(docs.credit(bill.id, prices={"1": "2.00"}).id)
    assert docs.three_way_match(po.id) == before
    assert (before.lines[0].billed, before.lines[0].billed_price) == (Decimal(10),
                                                                      Decimal("4.00"))


def test_a_note_on_another_orders_bill_does_not_count(bo: bc.Backoffice) -> None:
    docs = bo.documents
    supplier = _supplier(bo)
    po, _ = _received_and_billed(bo, supplier)
    before = docs.three_way_match(po.id)
    _, other = _received_and_billed(bo, supplier)
    docs.issue(docs.credit(other.id, {"1": 2}).id)
    docs.issue(docs.credit(other.id, prices={"1": "3.00"}).id)
    assert docs.three_way_match(po.id) == before


def test_a_cancelled_bill_and_its_note_do_not_count(bo: bc.Backoffice) -> None:
    docs = bo.documents
    po, bill = _received_and_billed(bo)
    docs.cancel(bill.id)                                 # issues the full debit note itself
    m = _first(bo, po)
    assert (m.billed, m.billed_price, m.issues) == (Decimal(0), None, ())


def test_issuing_a_bill_counts_the_notes_of_the_earlier_ones(bo: bc.Backoffice) -> None:
    """Ten received, ten billed, four given back: four more may be billed (here
    straight from the order) without beyond-tolerance approval."""
    docs = bo.documents
    po, bill = _received_and_billed(bo)
    again = docs.convert(po.id, "supplier_bill", {"1": 4})
    with pytest.raises(ValidationError, match="billed 14 but received 10"):
        docs.issue(again.id)
    docs.issue(docs.credit(bill.id, {"1": 4}).id)
    assert docs.issue(again.id).state.value == "issued"
    m = _first(bo, po)
    assert (m.billed, m.billed_price, m.issues) == (Decimal(10), Decimal("4.00"), ())
