"""cancel(): its note's date (``on``) under date-ordered numbering, and cancelling after
an early-payment (cash) discount.

Hand-computed reference (as in test_cash_discount.py): 100.00 at 19 % + 50.00 at 7 % =
172.50; the 2 % discount 3.45 is 2.38 (2.00 + 0.38 VAT) at 19 % and 1.07 (1.00 + 0.07)
at 7 %. A cancellation credits 172.50 - 3.45 = 169.05, giving back 2.00 and 1.00 net.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from backoffice_core.documents import (
    DocumentState,
    EarlyPaymentDiscount,
    PaymentTerms,
    Tax,
    line,
)
from backoffice_core.errors import ValidationError
from backoffice_core.money import Money, from_minor

S = DocumentState
TERMS = PaymentTerms.net(30, discount=EarlyPaymentDiscount(2, 10))
DAY = date(2026, 1, 10)  # discount period: up to and including 2026-01-20


def usd(v: str) -> Money:
    return Money(v, "USD")


def eur(v: str) -> Money:
    return Money(v, "EUR")


def _invoice(book: Any, *, bill: bool = False, currency: str | None = None,
             price: str = "100.00") -> Any:
    lines = [line("Goods", 1, price, Tax.standard(19)),
             line("Books", 1, "50.00", Tax.standard(7))]
    if bill:
        draft = book.docs.create("supplier_bill", book.paperco.id, DAY, lines,
                                 payment_terms=TERMS, currency=currency)
    else:
        draft = book.docs.create_invoice(book.acme.id, DAY, lines, payment_terms=TERMS,
                                         currency=currency)
    return book.docs.issue(draft.id)


# ----------------------------------------------------------------- 1. the note's date
def test_a_date_order_refusal_names_on_and_on_dates_the_note(book: Any, unchanged: Any
                                                               ) -> None:
    """The clock says 2026-01-31; a credit note dated 2026-02-10 holds CN-2026-00001, so
    the note a cancellation dates today would come after it with an earlier date."""
    docs = book.docs
    first, second = _invoice(book), _invoice(book)
    late = docs.issue(docs.credit(first.id, {first.lines[0].id: 1},
                                  date=date(2026, 2, 10)).id)
    assert late.number == "CN-2026-00001"
    info = unchanged(book.bo, ValidationError, docs.cancel, second.id)
    assert (info.value.field, info.value.value) == ("on", date(2026, 1, 31))
    assert "CN-2026-00001 is dated 2026-02-10" in str(info.value)
    info = unchanged(book.bo, ValidationError, docs.cancel, second.id, on=date(2026, 2, 9))
    assert (info.value.field, info.value.value) == ("on", date(2026, 2, 9))
    info = unchanged(book.bo, ValidationError, docs.cancel, second.id, on="2026-02-10")
    assert (info.value.field, info.value.value) == ("on", "2026-02-10")
    assert docs.cancel(second.id, on=date(2026, 2, 10)).state is S.CANCELLED
    note = next(d for d in docs.find(type="credit_note") if d.id != late.id)
    assert (note.number, note.date) == ("CN-2026-00002", date(2026, 2, 10))
    assert book.bo.ledger.verify().ok


def test_on_dates_a_debit_note_and_never_goes_before_the_document(book: Any) -> None:
    docs = book.docs
    bill = _invoice(book, bill=True)
    docs.cancel(bill.id, on=date(2026, 1, 20))
    note = docs.find(type="debit_note")[0]
    assert (note.date, note.state) == (date(2026, 1, 20), S.PAID)  # matched with the bill
    inv = _invoice(book)
    docs.cancel(inv.id, on=date(2025, 12, 1))  # as credit(date=...): not before the invoice
    assert docs.find(type="credit_note")[0].date == DAY


def test_on_dates_the_stock_a_cancelled_delivery_note_hands_back(book: Any) -> None:
    docs = book.docs
    dn = docs.issue(docs.create("delivery_note", book.acme.id, DAY, [
        line("Chair", 2, "50.00", Tax.zero(), item_id="CH-1")]).id)
    docs.cancel(dn.id, on=date(2026, 1, 20))
    assert [(h.quantity, h.date) for h in docs.handovers(dn.id)] == [
        (Decimal(2), DAY), (Decimal(-2), date(2026, 1, 20))]
    other = docs.issue(docs.create("delivery_note", book.acme.id, DAY, [
        line("Chair", 1, "50.00", Tax.zero(), item_id="CH-1")]).id)
    docs.cancel(other.id)  # default: today (the clock)
    assert [h.date for h in docs.handovers(other.id)] == [DAY, date(2026, 1, 31)]


# ----------------------------------------------------------- 2. after a cash discount
def test_cancel_after_a_discount_settled_in_full(book: Any) -> None:
    docs, ledger = book.docs, book.bo.ledger
    inv = _invoice(book)
    docs.record_payment(book.acme.id, usd("169.05"), date(2026, 1, 20), allocate_to=[inv.id])
    assert docs.cancel(inv.id).state is S.CANCELLED
    cn = docs.find(type="credit_note")[0]
    assert (cn.totals.to_settle, cn.open_amount) == (usd("169.05"), usd("169.05"))
    assert sorted((ac.tax.rate, ac.amount, ac.account, ac.reason_code)
                  for ac in cn.allowances_charges if ac.tax is not None) == [
        (Decimal(7), Decimal("1.00"), "4300", "95"),
        (Decimal(19), Decimal("2.00"), "4300", "95")]
    # every account the invoice and the discount touched is back to zero but what was paid
    assert [ledger.balance(a) for a in ("4300", "2140")] == [usd("0.00"), usd("0.00")]
    assert ledger.balance("4100") + ledger.balance("4200") == usd("0.00")
    assert ledger.balance("1140") == usd("-169.05")  # the refund due: what was paid
    assert ledger.balance("1120") == usd("169.05")
    assert docs.aging(date(2026, 1, 31)).total("USD") == ledger.balance("1140", "USD")
    assert ledger.verify().ok


def test_cancel_after_a_discount_on_a_partly_paid_invoice(book: Any) -> None:
    """100.00 paid, then the discount (3.45) booked on what was open: 69.05 left. The
    note credits 169.05: 69.05 closes the invoice, 100.00 (what was paid) is due back."""
    docs, ledger = book.docs, book.bo.ledger
    inv = _invoice(book)
    docs.record_payment(book.acme.id, usd("100.00"), date(2026, 1, 12), allocate_to=[inv.id])
    docs.take_discount(inv.id, on=date(2026, 1, 12))
    assert docs.get(inv.id).open_amount == usd("69.05")
    done = docs.cancel(inv.id, reason="wrong customer")
    assert (done.state, done.open_amount) == (S.CANCELLED, usd("0.00"))
    cn = docs.find(type="credit_note")[0]
    assert (cn.totals.to_settle, cn.open_amount) == (usd("169.05"), usd("100.00"))
    assert [ledger.balance(a) for a in ("4300", "2140")] == [usd("0.00"), usd("0.00")]
    assert ledger.balance("4100") + ledger.balance("4200") == usd("0.00")
    assert ledger.balance("1140") == usd("-100.00")
    assert docs.aging(date(2026, 1, 31)).total("USD") == ledger.balance("1140", "USD")
    assert ledger.verify().ok


def test_cancel_after_a_discount_and_a_note_for_part(book: Any) -> None:
    """A note for the 7 % line after the discount (52.43), then cancel: the rest, 116.62."""
    docs, ledger = book.docs, book.bo.ledger
    inv = _invoice(book)
    docs.record_payment(book.acme.id, usd("169.05"), date(2026, 1, 20), allocate_to=[inv.id])
    books = next(ln for ln in inv.lines if ln.description == "Books")
    docs.issue(docs.credit(inv.id, {books.id: 1}).id)
    docs.cancel(inv.id)
    rest = next(d for d in docs.find(type="credit_note") if d.totals.to_settle != usd("52.43"))
    assert rest.totals.to_settle == usd("116.62")
    assert [ledger.balance(a) for a in ("4300", "2140", "1140")] == [
        usd("0.00"), usd("0.00"), usd("-169.05")]
    assert ledger.verify().ok


def test_cancel_a_bill_after_a_discount_is_the_mirror(book: Any) -> None:
    docs, ledger = book.docs, book.bo.ledger
    bill = _invoice(book, bill=True)
    docs.record_payment(book.paperco.id, usd("169.05"), date(2026, 1, 20),
                        allocate_to=[bill.id])
    assert docs.cancel(bill.id).state is S.CANCELLED
    dn = docs.find(type="debit_note")[0]
    assert (dn.totals.to_settle, dn.open_amount) == (usd("169.05"), usd("169.05"))
    roles = ledger.settings().roles
    assert ledger.balance(roles["payables"]) == usd("169.05")  # the supplier owes it back
    for role in ("purchase_discounts", "vat_input"):
        assert ledger.balance(roles[role]) == usd("0.00"), role
    assert ledger.verify().ok


# ---------------------------------------------------------------- 3. foreign currency
def test_cancel_after_a_discount_in_a_foreign_currency(book: Any) -> None:
    """Invoice in EUR at 1.10, paid with the discount at 1.20, cancelled when EUR is 1.30.

    The discount is booked at the invoice's rate (as take_discount books any document at
    its own), and the note takes the rate of what it corrects (``_rules.frozen``): both
    1.10, so neither leaves an exchange difference; the payment realized its own (at
    1.20, on 7200, as any payment does). In EUR every account is back to zero but the
    customer's 169.05; in USD the customer's account is the note's open value at 1.10.
    The invoice (VAT 24.75), the discount (0.50) and the note (24.26) each round their
    own functional values, so the discount and VAT accounts may each keep a cent of
    functional value, together zero."""
    docs, ledger = book.docs, book.bo.ledger

    def fn(*accounts: str) -> Money:  # the functional (USD) value, every currency in it
        return from_minor(sum(b.functional for b in ledger.balances()
                              if b.key.account in accounts), "USD")

    ledger.set_rate("EUR", "USD", date(2026, 1, 15), "1.20")
    ledger.set_rate("EUR", "USD", date(2026, 1, 25), "1.30")
    inv = _invoice(book, currency="EUR")
    assert inv.fx_rate == Decimal("1.10")
    docs.record_payment(book.acme.id, eur("169.05"), date(2026, 1, 16), allocate_to=[inv.id])
    disc = next(a for a in docs.allocations(inv.id) if a.is_cash_discount)
    assert (disc.amount, disc.debit_released) == (eur("3.45"), usd("3.79"))  # at 1.10
    assert fn("7200") == usd("-16.90")  # 169.05 x (1.20 - 1.10), realized
    docs.cancel(inv.id, on=date(2026, 1, 26))
    cn = docs.find(type="credit_note")[0]
    assert (cn.fx_rate, cn.date, cn.open_amount, cn.open_functional) == (
        Decimal("1.10"), date(2026, 1, 26), eur("169.05"), usd("185.96"))
    for account in ("4300", "2140"):
        assert ledger.balance(account, "EUR") == eur("0.00"), account
    assert ledger.balance("4100", "EUR") + ledger.balance("4200", "EUR") == eur("0.00")
    assert fn("4100", "4200") == usd("0.00")
    assert ledger.balance("1140", "EUR") == eur("-169.05")
    assert fn("1140") == usd("-185.96")  # the note's open value
    assert fn("7200") == usd("-16.90")  # no other exchange difference
    assert fn("4300", "2140") == usd("0.00")
    assert (fn("4300"), fn("2140")) == (usd("-0.01"), usd("0.01"))  # see the docstring
    # by design (docs/documents.md): the VAT account holds what each states in USD
    assert (inv.totals.tax_total_accounting, cn.totals.tax_total_accounting) == (
        usd("24.75"), usd("24.26"))
    disc_vat = sum(p.functional for p in ledger.entry(disc.entry_id).postings
                   if p.account == "2140")
    assert disc_vat == 50
    assert fn("2140") == (from_minor(disc_vat, "USD") - inv.totals.tax_total_accounting
                          + cn.totals.tax_total_accounting)
    assert docs.aging(date(2026, 1, 31)).total("EUR") == ledger.balance("1140", "EUR")
    assert ledger.verify().ok
