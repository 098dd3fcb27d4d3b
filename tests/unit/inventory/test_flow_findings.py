"""Findings of the cross-domain story (tests/unit/test_flow_stateful.py), one test each."""

from __future__ import annotations

from datetime import UTC, date, datetime

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
