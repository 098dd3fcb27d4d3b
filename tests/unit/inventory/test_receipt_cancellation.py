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

import attrs
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


# -- the moves of a receipt line are the ones its hand-over made (Move.handover) ---------

FIRST = "GR-2026-00001"  # the number the book's first goods receipt gets


def test_a_manual_receipt_with_the_receipts_number_and_date_is_left_alone(
        each_store: bc.Backoffice) -> None:
    bo, inv, led = each_store, each_store.inventory, each_store.ledger
    manual = inv.receive("WID", 3, location="WH/A1", unit_cost="5.00", on=TODAY,
                         reference=FIRST)
    po = _order(bo, line("Widget", 10, "2.00", Tax.zero(), item_id="WID", location="WH"))
    gr = bo.documents.issue(bo.documents.convert(po.id, "goods_receipt").id)
    assert gr.number == FIRST and gr.date == manual.date
    receipt = next(m for m in inv.moves("WID") if m.id != manual.id)
    handover = bo.documents.handovers(gr.id)[0]
    assert (receipt.handover, manual.handover) == (handover.id, None)
    bo.documents.cancel(gr.id, reason="wrong delivery")
    back = [m for m in inv.moves("WID") if m.kind.value == "return"]
    assert [(m.origin, m.quantity, m.source) for m in back] == [(receipt.id, 10, "WH")]
    cancelling = [h.id for h in bo.documents.handovers(gr.id) if h.quantity < 0]
    assert [m.handover for m in back] == cancelling
    assert inv.on_hand("WID", "WH/A1") == inv.on_hand("WID") == 3
    assert led.balance(GRNI) == usd("-15.00") and led.balance(VARIANCE) == usd("0.00")
    _books_agree(bo)


def test_two_lines_of_one_item_each_return_their_own_move(each_store: bc.Backoffice) -> None:
    bo, inv, led = each_store, each_store.inventory, each_store.ledger
    inv.receive("WID", 2, location="WH/Z/B1", unit_cost="9.00", on=TODAY, reference=FIRST)
    po = _order(bo, line("Widget", 4, "2.00", Tax.zero(), item_id="WID", location="WH/A1"),
                line("Widget", 3, "3.00", Tax.zero(), item_id="WID", location="WH/Z/B1"))
    gr = bo.documents.issue(bo.documents.convert(po.id, "goods_receipt").id)
    assert (gr.number, gr.date) == (FIRST, TODAY)
    own = {h.line_id: h.id for h in bo.documents.handovers(gr.id)}
    moves = {m.handover: m for m in inv.moves("WID") if m.handover}
    first, second = moves[own["1"]], moves[own["2"]]
    assert (first.destination, second.destination) == ("WH/A1", "WH/Z/B1")
    bo.documents.cancel(gr.id, reason="wrong delivery")
    back = [m for m in inv.moves("WID") if m.kind.value == "return"]
    assert [(m.origin, m.quantity, m.source) for m in back] == [
        (first.id, 4, "WH/A1"), (second.id, 3, "WH/Z/B1")]
    # each at its own price: GRNI holds only the manual receipt, no variance
    assert led.balance(GRNI) == usd("-18.00") and led.balance(VARIANCE) == usd("0.00")
    assert inv.on_hand("WID", "WH/Z/B1") == inv.on_hand("WID") == 2
    assert inv.value("WID") == usd("18.00")
    _books_agree(bo)


def test_a_negative_line_returns_the_receipts_of_its_own_order_line(
        each_store: bc.Backoffice) -> None:
    bo, inv, led, docs = each_store, each_store.inventory, each_store.ledger, \
        each_store.documents
    po = _order(bo, line("Widget", 10, "2.00", Tax.zero(), item_id="WID", location="WH"),
                line("Widget", 6, "3.00", Tax.zero(), item_id="WID", location="WH"))
    gr1 = docs.issue(docs.convert(po.id, "goods_receipt", {"2": 5}).id)  # line 2 first
    gr2 = docs.issue(docs.convert(po.id, "goods_receipt", {"1": 10}).id)  # then line 1
    of_line_2 = next(m for m in inv.moves("WID") if m.reference == gr1.number)
    draft = docs.convert(po.id, "goods_receipt", {"2": 1})
    assert draft.lines[0].source is not None and draft.lines[0].source.line_id == "2"
    draft = docs.update(draft.id, version=draft.version, lines=[
        attrs.evolve(draft.lines[0], quantity=Decimal(-2))])
    gr3 = docs.issue(draft.id)
    back = inv.moves("WID")[-1]
    # the units of order line 2 (at 3.00), not the more recent ones of line 1 (2.00)
    assert (back.origin, back.quantity, back.reference) == (of_line_2.id, 2, gr3.number)
    assert led.balance(VARIANCE) == usd("0.00") and inv.value("WID") == usd("29.00")
    assert gr2.number != gr1.number
    _books_agree(bo)


# -- a cancelled negative line takes its stock back as it left ------------------------

def test_a_cancelled_negative_line_takes_the_returned_units_back_at_their_cost(
        each_store: bc.Backoffice) -> None:
    bo, inv, led, docs = each_store, each_store.inventory, each_store.ledger, \
        each_store.documents
    po = _order(bo, line("Widget", 12, "2.00", Tax.zero(), item_id="WID", location="WH"))
    gr1 = docs.issue(docs.convert(po.id, "goods_receipt", {"1": 10}).id)
    draft = docs.convert(po.id, "goods_receipt", {"1": 1})
    draft = docs.update(draft.id, version=draft.version, lines=[
        attrs.evolve(draft.lines[0], quantity=Decimal(-2), unit_price=Decimal("2.50"))])
    gr2 = docs.issue(draft.id)
    # two units leave at their cost (4.00), GRNI is debited at the line's net (5.00)
    assert inv.value("WID") == usd("16.00") and led.balance(GRNI) == usd("-15.00")
    assert led.balance(VARIANCE) == usd("-1.00")
    docs.cancel(gr2.id, reason="the return never left")
    # back at the cost they left with, GRNI credited at what the line debited: as before
    assert inv.on_hand("WID") == 10 and inv.value("WID") == usd("20.00")
    assert led.balance(GRNI) == usd("-20.00") and led.balance(VARIANCE) == usd("0.00")
    _books_agree(bo)
    # the receipt the line returned has all its units to return again
    docs.cancel(gr1.id, reason="wrong delivery")
    assert inv.on_hand("WID") == 0 and led.balance(GRNI) == usd("0.00")
    assert led.balance(VARIANCE) == usd("0.00")
    _books_agree(bo)


def test_a_cancelled_negative_line_issued_by_method_comes_back_at_that_cost(
        each_store: bc.Backoffice) -> None:
    bo, inv, led, docs = each_store, each_store.inventory, each_store.ledger, \
        each_store.documents
    inv.receive("WID", 2, location="WH", unit_cost="2.00", on=D)
    inv.receive("WID", 2, location="WH", unit_cost="3.00", on=D)
    supplier = docs.create_party("Parts Inc", is_customer=False, is_supplier=True)
    gr = docs.issue(docs.create("goods_receipt", supplier.id, D, [
        line("Widget", -3, "5.00", Tax.zero(), item_id="WID", location="WH")]).id)
    assert inv.value("WID") == usd("3.00")  # FIFO: 2 x 2.00 + 3.00 left
    docs.cancel(gr.id, reason="the return never left")
    assert inv.on_hand("WID") == 4 and inv.value("WID") == usd("10.00")
    assert led.balance(GRNI) == usd("-10.00") and led.balance(VARIANCE) == usd("0.00")
    back = inv.moves("WID")[-1]
    assert (back.kind.value, back.source, back.destination) == ("return", "supplier", "WH")
    _books_agree(bo)


def test_a_cancelled_negative_line_returned_meanwhile_comes_back_only_once(
        book: bc.Backoffice) -> None:
    inv, led, docs = book.inventory, book.ledger, book.documents
    inv.receive("WID", 4, location="WH", unit_cost="2.00", on=D)
    supplier = docs.create_party("Parts Inc", is_customer=False, is_supplier=True)
    gr = docs.issue(docs.create("goods_receipt", supplier.id, D, [
        line("Widget", -3, "5.00", Tax.zero(), item_id="WID", location="WH")]).id)
    out = inv.moves("WID")[-1]
    inv.return_move(out.id, 1, on=TODAY)  # one came back outside the documents
    docs.cancel(gr.id, reason="the return never left")
    assert inv.on_hand("WID") == 4 and inv.value("WID") == usd("8.00")
    assert [m.quantity for m in inv.moves("WID") if m.origin == out.id] == [1, 2]
    assert led.balance(GRNI) == usd("-8.00")
    _books_agree(book)


def test_a_foreign_receipt_with_a_negative_line_cancelled_clears_grni_in_both_currencies(
        book: bc.Backoffice) -> None:
    led, docs = book.ledger, book.documents
    led.set_rate("EUR", "USD", D, "1.10")
    supplier = docs.create_party("Teile GmbH", is_customer=False, is_supplier=True,
                                 currency="EUR")
    po = docs.issue(docs.create("purchase_order", supplier.id, D, [
        line("Widget", 12, "2.00", Tax.zero(), item_id="WID", location="WH")],
        currency="EUR").id)
    docs.issue(docs.convert(po.id, "goods_receipt", {"1": 10}).id)
    before = (led.balance(GRNI), led.balance_detail(GRNI, "EUR").functional,
              led.balance(VARIANCE), book.inventory.value("WID"))
    draft = docs.convert(po.id, "goods_receipt", {"1": 1})
    draft = docs.update(draft.id, version=draft.version, lines=[
        attrs.evolve(draft.lines[0], quantity=Decimal(-2), unit_price=Decimal("2.50"))])
    gr = docs.issue(draft.id)
    assert led.balance(VARIANCE) != before[2]
    docs.cancel(gr.id, reason="the return never left")
    assert (led.balance(GRNI), led.balance_detail(GRNI, "EUR").functional,
            led.balance(VARIANCE), book.inventory.value("WID")) == before
    _books_agree(book)


def _returned_and_taken_back(bo: bc.Backoffice, quantity: int, price: str, back: int
                             ) -> Any:
    """A receipt of ``quantity`` made from an order, a negative line returning ``back`` of
    it, and that line's document cancelled: the receipt move."""
    docs = bo.documents
    po = _order(bo, line("Widget", quantity + 2, price, Tax.zero(), item_id="WID",
                         location="WH"))
    gr = docs.issue(docs.convert(po.id, "goods_receipt", {"1": quantity}).id)
    receipt = next(m for m in bo.inventory.moves("WID") if m.reference == gr.number)
    draft = docs.convert(po.id, "goods_receipt", {"1": 1})
    draft = docs.update(draft.id, version=draft.version, lines=[
        attrs.evolve(draft.lines[0], quantity=Decimal(-back))])
    negative = docs.issue(draft.id)
    assert bo.inventory.on_hand("WID") == quantity - back
    docs.cancel(negative.id, reason="the return never left")
    assert bo.inventory.on_hand("WID") == quantity
    return receipt


def test_return_move_counts_returns_a_cancelled_negative_line_took_back(
        each_store: bc.Backoffice, refuses: Any) -> None:
    bo, inv, led = each_store, each_store.inventory, each_store.ledger
    receipt = _returned_and_taken_back(bo, 10, "2.00", 4)
    # the 4 came back: all 10 are left to return, as the documents count them
    refuses(bo, ValidationError, inv.return_move, receipt.id, 11, on=TODAY)
    back = inv.return_move(receipt.id, 10, on=TODAY)
    assert (back.quantity, back.origin, back.destination) == (10, receipt.id, "supplier")
    assert inv.on_hand("WID") == 0 and inv.value("WID") == usd("0.00")
    assert led.balance(GRNI) == usd("0.00") and led.balance(VARIANCE) == usd("0.00")
    with pytest.raises(ValidationError, match="returned in full"):
        inv.return_move(receipt.id, 1, on=TODAY)
    _books_agree(bo)


def test_return_move_after_a_cancelled_negative_line_takes_grni_back_at_the_layers_cost(
        book: bc.Backoffice) -> None:
    # 3 units worth 1.00; the line took one out (0.33) and brought it back as it left.
    # Returns then share grni out in the order the receipt's own layer gives its units
    # (0.34 of the 0.67 left first): at each step grni takes back what the stock left with
    inv, led = book.inventory, book.ledger
    receipt = _returned_and_taken_back(book, 3, "0.3333", 1)
    assert inv.value("WID") == usd("1.00") and led.balance(GRNI) == usd("-1.00")
    for quantity, value in ((1, "0.66"), (2, "0.00")):
        inv.return_move(receipt.id, quantity, on=TODAY)
        assert inv.value("WID") == usd(value) and led.balance(GRNI) == -usd(value)
        assert led.balance(VARIANCE) == usd("0.00")
    assert inv.on_hand("WID") == 0 and inv.value("WID") == usd("0.00")
    assert led.balance(GRNI) == usd("0.00") and led.balance(VARIANCE) == usd("0.00")
    _books_agree(book)
