"""Cancelling an issued goods receipt returns the receipt's own moves.

The stock leaves at the receipt's own cost and goods received not invoiced is debited
at the price the receipt credited it, the difference going to ``price_variance``: the
same mechanism as a negative goods-receipt line (test_handovers.py). So the cancelled
receipt leaves GRNI at exactly zero, and the valuation equals the inventory account.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

import backoffice_core as bc
from backoffice_core.documents import Tax, line
from backoffice_core.errors import InsufficientStockError, ValidationError
from backoffice_core.money import Money

INVENTORY, GRNI, VARIANCE = "1210", "2120", "5200"
D = date(2026, 3, 2)
TODAY = date(2026, 3, 31)  # the book's clock (conftest): receipts and cancellations


def usd(amount: str) -> Money:
    return Money(amount, "USD")


def _sku(bo: bc.Backoffice, method: str) -> str:
    if method == "standard":
        bo.inventory.create_item("STD", "Standard widget", valuation="standard",
                                 standard_cost="2.10")
        return "STD"
    return "WID"


def _order(bo: bc.Backoffice, *lines: Any) -> Any:
    supplier = bo.documents.create_party("Parts Inc", is_customer=False, is_supplier=True)
    return bo.documents.issue(bo.documents.create("purchase_order", supplier.id, D,
                                                  list(lines)).id)


def _books_agree(bo: bc.Backoffice) -> None:
    inv = bo.inventory
    for day in (TODAY, None):
        total = inv.valuation(as_of=day).total if day else inv.valuation().total
        balance = bo.ledger.balance(INVENTORY, as_of=day) if day else \
            bo.ledger.balance(INVENTORY)
        assert usd(str(total)) == balance
    assert inv.reconcile().agrees and bo.ledger.verify().ok


@pytest.mark.parametrize(("method", "variance"), [("fifo", "0.00"), ("standard", "-5.50")])
def test_a_cancelled_receipt_leaves_grni_at_zero(each_store: bc.Backoffice, method: str,
                                                 variance: str) -> None:
    bo, inv, led = each_store, each_store.inventory, each_store.ledger
    sku = _sku(bo, method)
    inv.receive(sku, 5, location="WH", unit_cost="1.00", on=D)  # older and cheaper
    po = _order(bo, line("Widget", 20, "2.00", Tax.zero(), item_id=sku, location="WH"))
    before = led.balance(GRNI)  # the direct receipt's 5.00
    gr = bo.documents.issue(bo.documents.convert(po.id, "goods_receipt", {"1": 10}).id)
    assert led.balance(GRNI) - before == usd("-20.00")
    cancelled = bo.documents.cancel(gr.id, reason="wrong delivery")
    assert cancelled.state.value == "cancelled"
    # not the oldest layer (1.00) nor the standard cost: back at the price it came in at,
    # so the receipt leaves nothing on GRNI
    assert led.balance(GRNI) == before == usd("-5.00")
    assert led.balance(VARIANCE) == usd(variance)
    back = [m for m in inv.moves(sku) if m.kind.value == "return"]
    assert [(m.quantity, m.source, m.destination, m.reference, m.date) for m in back] == [
        (Decimal(10), "WH", "supplier", gr.number, TODAY)]
    assert inv.on_hand(sku) == 5
    assert inv.valuation().total == Decimal("10.50" if method == "standard" else "5.00")
    _books_agree(bo)


def test_a_receipt_with_two_lines_returns_each_line_at_its_own_price(
        each_store: bc.Backoffice) -> None:
    bo, inv, led = each_store, each_store.inventory, each_store.ledger
    inv.receive("WID", 5, location="WH", unit_cost="1.00", on=D)
    inv.receive("TEA", 2, location="WH", unit_cost="4.00", on=D)
    po = _order(bo, line("Widget", 4, "2.00", Tax.zero(), item_id="WID", location="WH"),
                line("Widget", 3, "3.33", Tax.zero(), item_id="WID", location="WH"),
                line("Tea", "1.5", "7.00", Tax.zero(), item_id="TEA", unit="KGM",
                     location="WH"))
    before = led.balance(GRNI)
    gr = bo.documents.issue(bo.documents.convert(po.id, "goods_receipt").id)
    assert led.balance(GRNI) - before == usd("-28.49")  # 8.00 + 9.99 + 10.50
    inv.deliver("WID", 6, location="WH", on=TODAY)  # FIFO: 5 at 1.00, one at 2.00
    inv.receive("WID", 6, location="WH", unit_cost="5.00", on=TODAY)
    before = led.balance(GRNI)
    bo.documents.cancel(gr.id, reason="wrong delivery")
    assert led.balance(GRNI) - before == usd("28.49")
    # the delivery took one unit of the first line's layer: as for any return of a
    # receipt, its own layer goes first and a 5.00 unit leaves in its place (3.00); the
    # tea (moving average) leaves at its average, 1.5 kg x 18.50 / 3.5 = 7.93 (-2.57)
    assert led.balance(VARIANCE) == usd("3.00") + usd("-2.57")
    returns = [m for m in inv.moves() if m.kind.value == "return"]
    assert [(m.sku, m.quantity) for m in returns] == [
        ("WID", 4), ("WID", 3), ("TEA", Decimal("1.5"))]
    assert inv.on_hand("WID") == 5 and inv.on_hand("TEA") == 2
    _books_agree(bo)


def test_what_earlier_returns_took_is_not_returned_again(book: bc.Backoffice) -> None:
    inv, led, docs = book.inventory, book.ledger, book.documents
    po = _order(book, line("Widget", 9, "3.33", Tax.zero(), item_id="WID", location="WH"))
    gr = docs.issue(docs.convert(po.id, "goods_receipt", {"1": 3}).id)  # 9.99 on GRNI
    receipt = inv.moves("WID")[0]
    inv.return_move(receipt.id, 1, on=TODAY)  # 3.33 of it back outside the documents
    assert led.balance(GRNI) == usd("-6.66")
    docs.cancel(gr.id, reason="wrong delivery")
    assert led.balance(GRNI) == usd("0.00") and inv.on_hand("WID") == 0
    assert [m.quantity for m in inv.moves("WID") if m.origin == receipt.id] == [1, 2]
    _books_agree(book)


def test_a_foreign_currency_receipt_cancelled_clears_grni_in_both_currencies(
        book: bc.Backoffice) -> None:
    led, docs = book.ledger, book.documents
    led.set_rate("EUR", "USD", D, "1.10")
    supplier = docs.create_party("Teile GmbH", is_customer=False, is_supplier=True,
                                 currency="EUR")
    book.inventory.receive("WID", 5, location="WH", unit_cost="1.00", on=D)
    gr = docs.issue(docs.create("goods_receipt", supplier.id, D, [
        line("Widget", 10, "2.00", Tax.zero(), item_id="WID", location="WH")],
        currency="EUR").id)
    direct = usd("-5.00")
    assert led.balance(GRNI) == direct and led.balance_detail(GRNI, "EUR").functional == -2200
    docs.cancel(gr.id, reason="wrong delivery")
    assert led.balance(GRNI) == direct and led.balance_detail(GRNI, "EUR").functional == 0
    assert led.balance_detail(GRNI, "EUR").money == Money("0.00", "EUR")
    _books_agree(book)


@pytest.mark.parametrize("sold", [8, 12])
def test_a_receipt_whose_goods_are_gone_is_not_cancelled(
        each_store: bc.Backoffice, refuses: Any, sold: int) -> None:
    bo, inv = each_store, each_store.inventory
    inv.receive("WID", 5, location="WH", unit_cost="1.00", on=D)
    po = _order(bo, line("Widget", 10, "2.00", Tax.zero(), item_id="WID", location="WH"))
    gr = bo.documents.issue(bo.documents.convert(po.id, "goods_receipt").id)
    inv.deliver("WID", sold, location="WH", on=TODAY)
    info = refuses(bo, InsufficientStockError, bo.documents.cancel, gr.id, reason="late")
    assert info.value.field == "lines[0].quantity" and info.value.value == Decimal(10)
    assert f"{gr.number} cannot be cancelled" in str(info.value)
    assert f"available {15 - sold}" in str(info.value)
    assert bo.documents.get(gr.id).state.value == "issued"


def test_a_partly_billed_receipt_cancelled_waits_for_the_debit_note(
        book: bc.Backoffice) -> None:
    led, docs = book.ledger, book.documents
    po = _order(book, line("Widget", 10, "2.00", Tax.zero(), item_id="WID", location="WH"))
    gr = docs.issue(docs.convert(po.id, "goods_receipt").id)
    draft = docs.convert(gr.id, "supplier_bill", {"1": 4})
    docs.approve(draft.id, user="boss")
    bill = docs.issue(draft.id)
    docs.cancel(gr.id, reason="wrong delivery")
    # the 4 billed units are back with the supplier and still billed: GRNI holds them
    # (goods returned, not yet credited) until the bill's debit note
    assert led.balance(GRNI) == usd("8.00")
    note = docs.credit(bill.id)
    docs.approve(note.id, user="boss")
    docs.issue(note.id)
    assert led.balance(GRNI) == usd("0.00")
    _books_agree(book)


def test_a_billed_receipt_is_not_cancelled(book: bc.Backoffice, refuses: Any) -> None:
    docs = book.documents
    po = _order(book, line("Widget", 10, "2.00", Tax.zero(), item_id="WID", location="WH"))
    gr = docs.issue(docs.convert(po.id, "goods_receipt").id)
    draft = docs.convert(gr.id, "supplier_bill")
    docs.approve(draft.id, user="boss")
    docs.issue(draft.id)
    info = refuses(book, ValidationError, docs.cancel, gr.id, reason="too late")
    assert info.value.field == "state" and info.value.value == "completed"
