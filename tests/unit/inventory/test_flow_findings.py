"""Findings of the cross-domain story (tests/unit/test_flow_stateful.py), one test each."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import attrs

import backoffice_core as bc
from backoffice_core.documents import MatchTolerance, Tax, line
from backoffice_core.money import Money


def _book() -> bc.Backoffice:
    bo = bc.Backoffice.open("memory://", clock=bc.FixedClock(datetime(2026, 3, 31, tzinfo=UTC)),
                            ids=bc.SequentialIds("t"))
    bo.ledger.setup("Flow Co", currency="USD", chart="generic")
    bo.inventory.create_location("WH", "Warehouse", kind="warehouse")
    bo.inventory.create_item("FIF", "Widget", valuation="fifo")
    bo.documents.configure(match_tolerance=MatchTolerance(price_percent=50))
    return bo


def test_a_bill_at_another_price_clears_grni_and_posts_the_variance() -> None:
    """A bill priced other than its receipt debited GRNI with the bill's net: GRNI kept
    the difference for ever although the receipt was billed in full. It now clears GRNI
    at the receipt's value and posts the difference to price_variance."""
    bo = _book()
    docs = bo.documents
    supplier = docs.create_party("Parts Co", is_customer=False, is_supplier=True)
    gr = docs.issue(docs.create("goods_receipt", supplier.id, date(2026, 3, 2), [
        line("Widget", 10, "2.00", Tax.standard(20), item_id="FIF")]).id)
    draft = docs.convert(gr.id, "supplier_bill", date=date(2026, 3, 3))
    priced = [attrs.evolve(ln, unit_price="2.50") for ln in draft.lines]
    draft = docs.update(draft.id, version=draft.version, lines=priced, external_number="X-1")
    docs.issue(draft.id)
    assert bo.ledger.balance("2120") == Money("0.00", "USD")      # grni cleared
    assert bo.ledger.balance("5200") == Money("5.00", "USD")      # 10 x 0.50 variance
    assert bo.ledger.balance("2110") == Money("-30.00", "USD")    # the bill as billed
    assert bo.inventory.reconcile().agrees


def test_a_debit_note_of_such_a_bill_mirrors_it() -> None:
    """The debit note of a bill at another price than its receipt credited GRNI with the
    bill's price: GRNI went negative by the difference. It mirrors the bill's split."""
    bo = _book()
    docs = bo.documents
    supplier = docs.create_party("Parts Co", is_customer=False, is_supplier=True)
    gr = docs.issue(docs.create("goods_receipt", supplier.id, date(2026, 3, 2), [
        line("Widget", 10, "2.00", Tax.standard(20), item_id="FIF")]).id)
    draft = docs.convert(gr.id, "supplier_bill", date=date(2026, 3, 3))
    priced = [attrs.evolve(ln, unit_price="2.50") for ln in draft.lines]
    draft = docs.update(draft.id, version=draft.version, lines=priced, external_number="X-1")
    bill = docs.issue(draft.id)
    docs.issue(docs.credit(bill.id, {bill.lines[0].id: 4}).id)
    assert bo.ledger.balance("2120") == Money("-8.00", "USD")     # 4 x 2.00 not billed
    assert bo.ledger.balance("5200") == Money("3.00", "USD")      # 6 x 0.50 variance
    docs.cancel(bill.id)
    assert bo.ledger.balance("2120") == Money("-20.00", "USD")    # all 10 unbilled again
    assert bo.ledger.balance("5200") == Money("0.00", "USD")


def _received_at_a_discount(bo: bc.Backoffice) -> tuple[object, str]:
    """A receipt of 3 widgets at 3.50 less 5% (0.53): 9.97, not 3 x a whole cent."""
    docs = bo.documents
    supplier = docs.create_party("Parts Co", is_customer=False, is_supplier=True)
    gr = docs.issue(docs.create("goods_receipt", supplier.id, date(2026, 3, 2), [
        line("Widget", 3, "3.50", Tax.standard(20), discount=5, item_id="FIF")]).id)
    assert gr.totals.line_nets[0] == Money("9.97", "USD")
    assert bo.ledger.balance("2120") == Money("-9.97", "USD")
    return gr, gr.lines[0].id


def _bill_one(bo: bc.Backoffice, gr: Any, line_id: str, n: int) -> Any:
    draft = bo.documents.convert(gr.id, "supplier_bill", {line_id: 1}, date=date(2026, 3, 3))
    draft = bo.documents.update(draft.id, version=draft.version, external_number=f"X-{n}")
    return bo.documents.issue(draft.id)


def test_partial_bills_of_a_received_line_clear_grni_exactly() -> None:
    """Each partial bill cleared its quantity x the receipt's net per unit, rounded on
    its own (3.32 three times against 9.97): a cent stayed on GRNI once the line was
    billed in full. The bills now clear by cumulative share (3.32, 3.33, 3.32)."""
    bo = _book()
    gr, line_id = _received_at_a_discount(bo)
    bills = [_bill_one(bo, gr, line_id, n) for n in range(3)]
    assert bo.documents.get(gr.id).state.value == "completed"
    assert bo.ledger.balance("2120") == Money("0.00", "USD")
    billed = sum((b.totals.tax_exclusive.amount for b in bills), Money(0, "USD").amount)
    assert bo.ledger.balance("5200").amount == billed - Money("9.97", "USD").amount
    assert bo.inventory.reconcile().agrees


def test_debit_notes_of_partial_bills_give_back_their_share() -> None:
    """A debit note gives its quantity back to GRNI by the same cumulative share, so
    bills and debit notes together never leave or invent a cent on GRNI."""
    bo = _book()
    docs = bo.documents
    gr, line_id = _received_at_a_discount(bo)
    bills = [_bill_one(bo, gr, line_id, n) for n in range(3)]
    docs.issue(docs.credit(bills[1].id, {bills[1].lines[0].id: 1}).id)
    assert bo.ledger.balance("2120") == Money("-3.32", "USD")  # 9.97 less 2/3 of it (6.65)
    for b in (bills[0], bills[2]):
        docs.cancel(b.id)
    assert bo.ledger.balance("2120") == Money("-9.97", "USD")  # nothing billed: all back
    assert bo.ledger.balance("5200") == Money("0.00", "USD")
    assert bo.ledger.balance("2110") == Money("0.00", "USD")


def test_a_whole_bill_debited_unit_by_unit_gives_back_exactly_what_it_cleared() -> None:
    """A bill of the whole line cleared 9.97; three debit notes of one unit each gave
    back 3.32 each (9.96): a cent was invented on GRNI. By share: 3.32, 3.33, 3.32."""
    bo = _book()
    docs = bo.documents
    gr, _ = _received_at_a_discount(bo)
    draft = docs.convert(gr.id, "supplier_bill", date=date(2026, 3, 3))
    bill = docs.issue(docs.update(draft.id, version=draft.version, external_number="X").id)
    assert bo.ledger.balance("2120") == Money("0.00", "USD")
    for _ in range(3):
        docs.issue(docs.credit(bill.id, {bill.lines[0].id: 1}).id)
    assert bo.ledger.balance("2120") == Money("-9.97", "USD")


def test_the_balancing_line_of_a_debit_note_is_a_price_variance_not_grni() -> None:
    """The note for the rest of a bill at another price than its receipt put its
    balancing line ("Balance of ... left to credit") wholly on GRNI: once the bill was
    debited in full GRNI no longer held the receipt's value. GRNI takes the goods back
    by quantity at the receipt's value; the balancing amount is a price difference."""
    bo = _book()
    docs = bo.documents
    supplier = docs.create_party("Parts Co", is_customer=False, is_supplier=True)
    gr = docs.issue(docs.create("goods_receipt", supplier.id, date(2026, 3, 2), [
        line("Widget", 10, "2.00", Tax.standard(20), item_id="FIF")]).id)
    draft = docs.convert(gr.id, "supplier_bill", date=date(2026, 3, 3))
    priced = [attrs.evolve(ln, unit_price="2.50") for ln in draft.lines]
    draft = docs.update(draft.id, version=draft.version, lines=priced, external_number="X-1")
    bill = docs.issue(draft.id)                                    # grni 20.00, variance 5.00
    note = docs.credit(bill.id, {bill.lines[0].id: 4})            # 4 back, at 2.00 not 2.50
    cheaper = [attrs.evolve(ln, unit_price="2.00") for ln in note.lines]
    docs.issue(docs.update(note.id, version=note.version, lines=cheaper).id)
    assert bo.ledger.balance("2120") == Money("-8.00", "USD")      # 4 x 2.00 not billed
    docs.cancel(bill.id)
    rest = [n for n in docs.find(type="debit_note") if n.number][-1]
    balancing = rest.lines[-1]
    assert balancing.source is None and balancing.account == "5200"
    assert bo.ledger.balance("2120") == Money("-20.00", "USD")     # all 10 unbilled again
    assert bo.ledger.balance("5200") == Money("0.00", "USD")
    assert bo.ledger.balance("2110") == Money("0.00", "USD")
    assert bo.inventory.reconcile().agrees
