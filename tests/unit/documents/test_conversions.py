"""Conversions keep the chain; purchases pass a three-way match; stock is handed over."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import attrs
import pytest

from backoffice_core.documents import (
    AllowanceCharge,
    DocumentState,
    DocumentType,
    MatchTolerance,
    Tax,
    line,
)
from backoffice_core.errors import ValidationError
from backoffice_core.money import Money

S = DocumentState


def test_quote_to_order_to_partial_invoices(book: Any, unchanged: Any) -> None:
    docs = book.docs
    quote = docs.create("quote", book.acme.id, date(2026, 1, 5), [
        line("Chairs", 10, "50.00", Tax.standard(20), item_id="CH-1", discount=10),
        line("Delivery", 1, "30.00", Tax.standard(20))], valid_until=date(2026, 2, 5))
    unchanged(book.bo, ValidationError, docs.convert, quote.id, "sales_order")  # a draft
    quote = docs.issue(quote.id)
    order = docs.issue(docs.convert(quote.id, "sales_order").id)
    assert docs.get(quote.id).state is S.COMPLETED
    assert [r.number for r in order.references] == [quote.number]
    first = docs.issue(docs.convert(order.id, "sales_invoice", {"1": 4}).id)
    # 4 x 50.00 less 10 % = 180.00, + 20 % = 216.00
    assert first.totals.tax_inclusive == Money("216.00", "USD")
    assert [r.type for r in first.references] == [DocumentType.QUOTE, DocumentType.SALES_ORDER]
    assert first.lines[0].source is not None and first.lines[0].source.line_id == "1"
    assert docs.get(order.id).state is S.ISSUED  # 6 chairs and the delivery still to bill
    info = unchanged(book.bo, ValidationError, docs.convert, order.id, "sales_invoice",
                     {"1": 7})
    assert info.value.field == "quantities.1"
    rest = docs.issue(docs.convert(order.id, "sales_invoice").id)
    # 6 x 50.00 less 10 % = 270.00 + delivery 30.00 = 300.00, + 20 % = 360.00
    assert rest.totals.tax_inclusive == Money("360.00", "USD")
    assert docs.get(order.id).state is S.COMPLETED
    unchanged(book.bo, ValidationError, docs.convert, order.id, "sales_invoice")
    unchanged(book.bo, ValidationError, docs.convert, order.id, "goods_receipt")


def test_a_quote_becomes_an_order_or_an_invoice_not_both(book: Any, unchanged: Any) -> None:
    docs = book.docs
    quote = docs.issue(docs.create("quote", book.acme.id, date(2026, 1, 5), [
        line("Chairs", 10, "50.00", Tax.zero()), line("Desk", 1, "80.00", Tax.zero())]).id)
    docs.issue(docs.convert(quote.id, "sales_invoice", {"1": 4}).id)
    order = docs.convert(quote.id, "sales_order")  # what the invoice did not take
    assert [(ln.source.line_id if ln.source else None, ln.quantity) for ln in order.lines] \
        == [("1", Decimal(6)), ("2", Decimal(1))]
    docs.issue(order.id)
    assert docs.get(quote.id).state is S.COMPLETED
    # everything is ordered or billed: billing the quote again would bill it twice
    info = unchanged(book.bo, ValidationError, docs.convert, quote.id, "sales_invoice")
    assert info.value.field == "quantities"
    unchanged(book.bo, ValidationError, docs.convert, quote.id, "sales_order")
    # the order is billed on its own, once
    assert docs.issue(docs.convert(order.id, "sales_invoice").id).totals.tax_inclusive == \
        Money("380.00", "USD")


def test_a_cancelled_draft_gives_its_quantities_back(book: Any) -> None:
    docs = book.docs
    order = docs.issue(docs.create("sales_order", book.acme.id, date(2026, 1, 5),
                                   [line("A", 5, "2.00", Tax.zero())]).id)
    draft = docs.convert(order.id, "sales_invoice")
    with pytest.raises(ValidationError):
        docs.convert(order.id, "sales_invoice")
    docs.cancel(draft.id)
    assert docs.convert(order.id, "sales_invoice").lines[0].quantity == Decimal(5)


def test_a_negative_line_is_converted_credited_and_cancelled_with_the_rest(book: Any) -> None:
    docs = book.docs
    order = docs.issue(docs.create("sales_order", book.acme.id, date(2026, 1, 5), [
        line("Chairs", 3, "100.00", Tax.standard(20)),
        line("Trade-in", -2, "19.99", Tax.standard(20))]).id)
    inv = docs.issue(docs.convert(order.id, "sales_invoice").id)
    assert inv.totals == order.totals  # 300.00 - 39.98 = 260.02, + 20 % = 312.02
    assert docs.get(order.id).state is S.COMPLETED
    assert docs.credit(inv.id).totals == inv.totals
    docs.cancel(inv.id)  # credited in full: the trade-in is not credited as a sale
    notes = [n for n in docs.find(type="credit_note", source_id=inv.id) if n.number]
    assert [n.totals for n in notes] == [inv.totals]
    assert book.bo.ledger.balance("1140") == Money("0.00", "USD")


def _purchase(book: Any) -> tuple[Any, Any]:
    docs = book.docs
    po = docs.issue(docs.create("purchase_order", book.paperco.id, date(2026, 1, 5), [
        line("Paper A4", 100, "4.00", Tax.standard(20), item_id="P-A4"),
        line("Toner", 5, "60.00", Tax.standard(20), item_id="T-1")]).id)
    receipt = docs.issue(docs.convert(po.id, "goods_receipt", {"1": 100, "2": 4},
                                      date=date(2026, 1, 8)).id)
    return po, receipt


def test_purchase_order_receipt_bill_with_three_way_match(book: Any) -> None:
    docs = book.docs
    po, receipt = _purchase(book)
    assert [(h.item_id, h.quantity, h.direction) for h in docs.handovers(receipt.id)] == [
        ("P-A4", Decimal(100), 1), ("T-1", Decimal(4), 1)]
    bill = docs.convert(receipt.id, "supplier_bill", date=date(2026, 1, 9))
    bill = docs.update(bill.id, version=bill.version, external_number="PC-7781")
    bill = docs.issue(bill.id)
    assert bill.state is S.ISSUED and docs.get(receipt.id).state is S.COMPLETED
    report = docs.three_way_match(po.id)
    assert report.ok
    assert [(ln.ordered, ln.received, ln.billed) for ln in report.lines] == [
        (Decimal(100), Decimal(100), Decimal(100)), (Decimal(5), Decimal(4), Decimal(4))]
    # this book keeps no inventory, so nothing was booked against goods received not
    # invoiced (grni) at receipt: the bill expenses the goods (grni: tests/unit/inventory)
    entry = book.bo.ledger.entry(bill.entry_id)
    assert {p.account for p in entry.postings} == {"8100", "1170", "2110"}
    assert book.bo.ledger.balance("2120") == book.bo.ledger.money(0)


def test_a_bill_beyond_the_tolerance_needs_approval(book: Any, unchanged: Any) -> None:
    docs = book.docs
    po, receipt = _purchase(book)
    bill = docs.convert(receipt.id, "supplier_bill")
    # the supplier bills 4.20 a sheet instead of 4.00 (+5 %) and 5 toners instead of 4
    lines = [attrs.evolve(bill.lines[0], unit_price=Decimal("4.20")),
             bill.lines[1].with_quantity(5, "USD")]
    bill = docs.update(bill.id, version=bill.version, lines=lines)
    info = unchanged(book.bo, ValidationError, docs.issue, bill.id)
    assert "three-way match" in info.value.message
    assert len(info.value.value) == 2
    docs.configure(match_tolerance=MatchTolerance(quantity_percent=25, price_percent=5))
    assert docs.issue(bill.id).state is S.ISSUED  # now within tolerance


def test_approval_accepts_a_mismatching_bill(book: Any) -> None:
    docs = book.docs
    po, receipt = _purchase(book)
    bill = docs.convert(receipt.id, "supplier_bill")
    bill = docs.update(bill.id, version=bill.version,
                       lines=[bill.lines[0].with_quantity(101, "USD"), bill.lines[1]])
    docs.approve(bill.id, user="buyer")
    assert docs.issue(bill.id).state is S.ISSUED
    assert not docs.three_way_match(po.id).ok


def test_delivery_notes_hand_quantities_over(book: Any) -> None:
    docs = book.docs
    order = docs.issue(docs.create("sales_order", book.acme.id, date(2026, 1, 5),
                                   [line("Chair", 3, "50.00", Tax.standard(20), item_id="CH"),
                                    line("Setup", 1, "20.00", Tax.standard(20))]).id)
    note = docs.issue(docs.convert(order.id, "delivery_note", {"1": 2}).id)
    assert [(h.item_id, h.quantity, h.direction, h.number) for h in docs.handovers()] == [
        ("CH", Decimal(2), -1, note.number)]
    assert book.bo.ledger.entries() == []  # a delivery note posts nothing itself


def test_an_order_is_not_complete_while_its_negative_line_is_not_invoiced(
        book: Any, unchanged: Any) -> None:
    """Billing an order's positive lines by quantity left its trade-in uninvoiced and
    completed the order: the customer was billed 360.00 for an order of 312.02. The
    invoice that takes the last positive quantities now takes the negative lines left,
    and an order completes only when every line, negative ones included, is invoiced."""
    docs = book.docs
    order = docs.issue(docs.create("sales_order", book.acme.id, date(2026, 1, 5), [
        line("Chairs", 3, "100.00", Tax.standard(20)),
        line("Trade-in", -2, "19.99", Tax.standard(20))]).id)
    first = docs.issue(docs.convert(order.id, "sales_invoice", {"1": 1}).id)
    assert [ln.quantity for ln in first.lines] == [Decimal(1)]  # positives still left
    last = docs.issue(docs.convert(order.id, "sales_invoice", {"1": 2}).id)
    assert [(ln.source.line_id, ln.quantity) for ln in last.lines if ln.source] == [
        ("1", Decimal(2)), ("2", Decimal(-2))]
    assert first.totals.tax_inclusive + last.totals.tax_inclusive == \
        order.totals.tax_inclusive == Money("312.02", "USD")
    assert docs.get(order.id).state is S.COMPLETED
    unchanged(book.bo, ValidationError, docs.convert, order.id, "sales_invoice")


def test_a_negative_line_may_be_invoiced_first_and_keeps_the_order_open(
        book: Any, unchanged: Any) -> None:
    docs = book.docs
    order = docs.issue(docs.create("sales_order", book.acme.id, date(2026, 1, 5), [
        line("Chairs", 3, "100.00", Tax.zero()),
        line("Trade-in", -2, "20.00", Tax.zero())]).id)
    for bad in ({"2": 1}, {"2": -3}):  # a negative line takes negatives, within what is left
        info = unchanged(book.bo, ValidationError, docs.convert, order.id, "sales_invoice",
                         bad)
        assert info.value.field == "quantities.2"
    first = docs.issue(docs.convert(order.id, "sales_invoice", {"1": 1, "2": -1}).id)
    assert first.totals.tax_inclusive == Money("80.00", "USD")
    second = docs.issue(docs.convert(order.id, "sales_invoice", {"1": 2}).id)
    assert second.totals.tax_inclusive == Money("180.00", "USD")  # the other trade-in too
    assert docs.get(order.id).state is S.COMPLETED


def test_an_order_invoiced_without_its_rebate_is_not_complete(
        book: Any) -> None:
    """Invoicing by hand (the negative line edited out) leaves the order issued."""
    docs = book.docs
    order = docs.issue(docs.create("sales_order", book.acme.id, date(2026, 1, 5), [
        line("Chairs", 3, "100.00", Tax.zero()),
        line("Rebate", -1, "30.00", Tax.zero())]).id)
    inv = docs.convert(order.id, "sales_invoice")
    inv = docs.update(inv.id, version=inv.version, lines=inv.lines[:1])
    docs.issue(inv.id)
    assert docs.get(order.id).state is S.ISSUED  # the rebate is still to invoice
    rest = docs.convert(order.id, "sales_invoice")
    assert [ln.quantity for ln in rest.lines] == [Decimal(-1)]


def test_partial_invoices_of_an_order_share_its_document_allowances_and_charges(
        book: Any) -> None:
    """A percentage of the group's nets goes on every conversion, for the part it takes;
    a fixed amount (or a percentage of an explicit base) belongs to the whole order, like
    a rebate line, and goes on the conversion that takes the rest: the invoices total
    the order, never more."""
    docs = book.docs
    order = docs.issue(docs.create("sales_order", book.acme.id, date(2026, 1, 5), [
        line("Chairs", 4, "100.00", Tax.standard(20)),
        line("Books", 2, "10.00", Tax.reduced(10))], allowances_charges=[
        AllowanceCharge.allowance(percent=10, reason="Loyalty", tax=Tax.standard(20)),
        AllowanceCharge.allowance("5.00", reason="Voucher", tax=Tax.standard(20)),
        AllowanceCharge.charge("4.00", reason="Freight", tax=Tax.reduced(10))]).id)
    # 400.00 - 40.00 - 5.00 = 355.00 + 20 % = 426.00; 20.00 + 4.00 = 24.00 + 10 % = 26.40
    assert order.totals.tax_inclusive == Money("452.40", "USD")
    first = docs.issue(docs.convert(order.id, "sales_invoice", {"1": 1}).id)
    assert [ac.reason for ac in first.allowances_charges] == ["Loyalty"]
    assert first.totals.tax_inclusive == Money("108.00", "USD")  # 100.00 - 10 %, + 20 %
    second = docs.issue(docs.convert(order.id, "sales_invoice", {"1": 3, "2": 2}).id)
    assert [ac.reason for ac in second.allowances_charges] == ["Loyalty", "Voucher", "Freight"]
    assert first.totals.tax_inclusive + second.totals.tax_inclusive \
        == order.totals.tax_inclusive
    assert docs.get(order.id).state is S.COMPLETED
