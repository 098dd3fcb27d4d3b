"""A debit note that only lowers a bill's price returns no goods.

A debit note made from a bill's lines gives its quantities back: GRNI takes back the
receipt's value of those units, and later bills may bill them again. A supplier who
only lowers the price (the goods stay) issues a price correction instead:
``credit(bill_id, prices={line_id: new_price})``. It credits the price difference for
the quantities still billed, posted where the bill's price difference went
(``price_variance`` for a received line), and leaves GRNI, the stock and the
quantities left to credit as they were.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import attrs
import pytest

import backoffice_core as bc
from backoffice_core.documents import MatchTolerance, Tax, line
from backoffice_core.errors import ValidationError
from backoffice_core.money import Money

USD = "USD"


def _book() -> bc.Backoffice:
    bo = bc.Backoffice.open("memory://", clock=bc.FixedClock(datetime(2026, 3, 31, tzinfo=UTC)),
                            ids=bc.SequentialIds("t"))
    bo.ledger.setup("Flow Co", currency=USD, chart="generic")
    bo.inventory.create_location("WH", "Warehouse", kind="warehouse")
    bo.inventory.create_item("FIF", "Widget", valuation="fifo")
    bo.documents.configure(match_tolerance=MatchTolerance(price_percent=50))
    return bo


def _billed(bo: bc.Backoffice, price: str = "2.50") -> Any:
    """10 widgets received at 2.00 (GRNI 20.00), billed at ``price``."""
    docs = bo.documents
    supplier = docs.create_party("Parts Co", is_customer=False, is_supplier=True)
    gr = docs.issue(docs.create("goods_receipt", supplier.id, date(2026, 3, 2), [
        line("Widget", 10, "2.00", Tax.standard(20), item_id="FIF")]).id)
    draft = docs.convert(gr.id, "supplier_bill", date=date(2026, 3, 3))
    priced = [attrs.evolve(ln, unit_price=price) for ln in draft.lines]
    draft = docs.update(draft.id, version=draft.version, lines=priced, external_number="X-1")
    return docs.issue(draft.id)


def _balance(bo: bc.Backoffice, code: str) -> Money:
    return bo.ledger.balance(code)


def test_a_price_correction_posts_the_difference_and_returns_no_goods() -> None:
    bo = _book()
    docs = bo.documents
    bill = _billed(bo)                                             # grni 0, variance 5.00
    note = docs.credit(bill.id, prices={bill.lines[0].id: "2.00"}, reason="price agreed")
    assert note.type.value == "debit_note"
    assert [(ln.quantity, ln.price, ln.source, ln.account) for ln in note.lines] == [
        (Decimal(10), Decimal("0.50"), None, "5200")]
    docs.issue(note.id)
    assert _balance(bo, "2120") == Money("0.00", USD)              # no goods went back
    assert _balance(bo, "5200") == Money("0.00", USD)              # the variance undone
    assert _balance(bo, "2110") == Money("-24.00", USD)            # 10 x 2.00 + VAT
    assert bo.inventory.reconcile().agrees
    assert bo.inventory.on_hand("FIF") == Decimal(10)
    # the quantities are still there to return, and a return gives back the receipt value
    back = docs.issue(docs.credit(bill.id, {bill.lines[0].id: 4}).id)
    assert back.lines[0].quantity == Decimal(4)
    assert _balance(bo, "2120") == Money("-8.00", USD)


def test_a_price_correction_at_the_receipt_price_leaves_grni_alone() -> None:
    """The reviewed case: a bill at the receipt price, lowered later by a debit note."""
    bo = _book()
    docs = bo.documents
    bill = _billed(bo, "2.00")
    docs.issue(docs.credit(bill.id, prices={bill.lines[0].id: "1.80"}).id)
    assert _balance(bo, "2120") == Money("0.00", USD)
    assert _balance(bo, "5200") == Money("-2.00", USD)
    assert _balance(bo, "2110") == Money("-21.60", USD)
    assert bo.inventory.reconcile().agrees


def test_a_price_edited_return_is_still_a_return() -> None:
    """A note made by quantity (with its source lines) gives its goods back, whatever
    its price: the way to lower a price without goods is ``prices``."""
    bo = _book()
    docs = bo.documents
    bill = _billed(bo, "2.00")
    note = docs.credit(bill.id, {bill.lines[0].id: 10})
    cheaper = [attrs.evolve(ln, unit_price="0.20") for ln in note.lines]
    docs.issue(docs.update(note.id, version=note.version, lines=cheaper).id)
    assert _balance(bo, "2120") == Money("-20.00", USD)            # 10 units unbilled again


def test_cancelling_a_repriced_bill_credits_it_in_full() -> None:
    bo = _book()
    docs = bo.documents
    bill = _billed(bo)
    docs.issue(docs.credit(bill.id, prices={bill.lines[0].id: "2.20"}).id)
    docs.cancel(bill.id)
    assert _balance(bo, "2120") == Money("-20.00", USD)            # all 10 unbilled again
    assert _balance(bo, "5200") == Money("0.00", USD)
    assert _balance(bo, "2110") == Money("0.00", USD)
    assert bo.inventory.reconcile().agrees


def test_a_price_correction_of_a_line_without_goods_posts_to_its_account(book: Any) -> None:
    docs = book.docs
    bill = docs.issue(docs.create("supplier_bill", book.paperco.id, date(2026, 1, 10),
        [line("Rent", 2, "100.00", Tax.standard(20), account="6200")],
        external_number="R-1").id)
    docs.issue(docs.credit(bill.id, prices={"1": "90.00"}).id)
    assert book.bo.ledger.balance("6200") == Money("180.00", USD)
    assert book.bo.ledger.balance("2110") == Money("-216.00", USD)


@pytest.mark.parametrize(("prices", "field"), [
    ({"9": "1.00"}, "prices"),                 # no such line
    ({"1": "2.50"}, "prices.1"),              # not lower
    ({"1": "3.00"}, "prices.1"),              # a raise is a new bill
    ({"1": "-1"}, "prices.1"),
    ({"1": "x"}, "prices.1"),
    ({}, "prices"),
    (["1"], "prices"),
])
def test_bad_prices_are_refused_and_change_nothing(prices: dict[str, str], field: str,
                                                   unchanged: Any) -> None:
    bo = _book()
    bill = _billed(bo)
    info = unchanged(bo, ValidationError, bo.documents.credit, bill.id, prices=prices)
    assert info.value.field == field


def test_a_bill_returned_in_full_has_no_price_left_to_correct(unchanged: Any) -> None:
    bo = _book()
    docs = bo.documents
    bill = _billed(bo)
    docs.issue(docs.credit(bill.id).id)
    info = unchanged(bo, ValidationError, docs.credit, bill.id, prices={"1": "2.00"})
    assert info.value.field == "prices.1"


def test_quantities_name_what_to_reprice(unchanged: Any) -> None:
    bo = _book()
    docs = bo.documents
    bill = _billed(bo)
    note = docs.credit(bill.id, {"1": 4}, prices={"1": "2.00"})
    assert [(ln.quantity, ln.price) for ln in note.lines] == [(Decimal(4), Decimal("0.50"))]
    info = unchanged(bo, ValidationError, docs.credit, bill.id, {"1": 11},
                     prices={"1": "2.00"})
    assert info.value.field == "quantities.1"
    info = unchanged(bo, ValidationError, docs.credit, bill.id, ["1"], prices={"1": "2.00"})
    assert info.value.field == "quantities"
