"""Early-payment (cash) discounts: booked automatically or on request, split per VAT rate.

Hand-computed reference (used throughout): 100.00 at 19 % + 50.00 at 7 % = 119.00 +
53.50 = 172.50; 2 % = 3.45, shared over the rows by gross: 3.45 x 119.00 / 172.50 = 2.38
(VAT 2.38 x 19 / 119 = 0.38, net 2.00) and 3.45 x 53.50 / 172.50 = 1.07 (VAT 1.07 x 7 /
107 = 0.07, net 1.00).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backoffice_core.documents import (
    Document,
    DocumentState,
    EarlyPaymentDiscount,
    PaymentTerms,
    Tax,
    line,
)
from backoffice_core.documents.discounts import discount_parts, earned_discount
from backoffice_core.documents.totals import document_totals
from backoffice_core.errors import NotFoundError, ValidationError
from backoffice_core.money import Money

S = DocumentState
TERMS = PaymentTerms.net(30, discount=EarlyPaymentDiscount(2, 10))
DAY = date(2026, 1, 10)  # discount period: up to and including 2026-01-20


def usd(v: str) -> Money:
    return Money(v, "USD")


def eur(v: str) -> Money:
    return Money(v, "EUR")


def _two_rates(book: Any, *, bill: bool = False, day: date = DAY, terms: Any = TERMS,
               currency: str | None = None) -> Any:
    lines = [line("Goods", 1, "100.00", Tax.standard(19)),
             line("Books", 1, "50.00", Tax.standard(7))]
    if bill:
        draft = book.docs.create("supplier_bill", book.paperco.id, day, lines,
                                 payment_terms=terms, currency=currency)
    else:
        draft = book.docs.create_invoice(book.acme.id, day, lines, payment_terms=terms,
                                         currency=currency)
    return book.docs.issue(draft.id)


def _discount_entry(book: Any, allocation: Any) -> list[tuple[str, int, str]]:
    entry = next(e for e in book.bo.ledger.entries() if e.id == allocation.entry_id)
    return [(p.account, p.amount, p.memo) for p in entry.postings]


def _drop_role(book: Any, name: str) -> None:
    """The book as set up before the role existed."""
    with book.bo.unit_of_work() as uow:
        s = uow.ledger.get_settings()
        roles = {k: v for k, v in s.roles.items() if k != name}
        uow.ledger.save_settings(attrs.evolve(s, roles=roles, version=s.version + 1),
                                 s.version)
        uow.commit()


def test_payment_within_the_period_settles_the_invoice_with_the_discount(book: Any) -> None:
    inv = _two_rates(book)
    assert inv.totals.tax_inclusive == usd("172.50")
    book.docs.record_payment(book.acme.id, usd("169.05"), date(2026, 1, 20),
                             allocate_to=[inv.id], user="pat")
    d = book.docs.get(inv.id)
    assert (d.state, d.open_amount, d.open_functional) == (S.PAID, usd("0.00"), usd("0.00"))
    assert [(t.action, t.to_state) for t in d.history[-2:]] == [
        ("payment", S.PARTIALLY_PAID), ("cash_discount", S.PAID)]
    assert d.history[-1].reason.startswith("cash discount 2%")
    paid, disc = book.docs.allocations(inv.id)
    assert paid.amount == usd("169.05") and not paid.is_cash_discount
    assert (disc.amount, disc.write_off, disc.is_cash_discount, disc.user, disc.date) == (
        usd("3.45"), True, True, "pat", date(2026, 1, 20))
    assert disc.debit_released == usd("3.45") and disc.credit_id is None
    assert _discount_entry(book, disc) == [
        ("1140", -345, ""),
        ("4300", 100, "Cash discount S 7%"), ("2140", 7, "VAT S 7%"),
        ("4300", 200, "Cash discount S 19%"), ("2140", 38, "VAT S 19%"),
    ]
    ledger = book.bo.ledger
    assert ledger.balance("1140") == usd("0.00")
    assert ledger.balance("1140", dimension=("party", book.acme.id)) == usd("0.00")
    assert ledger.balance("4300") == usd("3.00")
    assert ledger.balance("2140") == usd("-22.05")  # 19.00 + 3.50 output VAT - 0.45
    assert ledger.balance("4100") == usd("-150.00")  # revenue itself is untouched
    assert ledger.verify().ok


def test_payment_after_the_period_leaves_the_difference_open(book: Any, unchanged: Any) -> None:
    inv = _two_rates(book)
    book.docs.record_payment(book.acme.id, usd("169.05"), date(2026, 1, 21),
                             allocate_to=[inv.id])
    d = book.docs.get(inv.id)
    assert (d.state, d.open_amount) == (S.PARTIALLY_PAID, usd("3.45"))
    assert not any(a.write_off for a in book.docs.allocations(inv.id))
    assert book.bo.ledger.balance("4300") == usd("0.00")
    info = unchanged(book.bo, ValidationError, book.docs.take_discount, inv.id)
    assert (info.value.field, info.value.value) == ("on", date(2026, 1, 21))
    assert "2026-01-20" in str(info.value)


def test_a_remainder_other_than_the_discount_is_not_discounted(book: Any) -> None:
    inv = _two_rates(book)
    book.docs.record_payment(book.acme.id, usd("169.06"), date(2026, 1, 15),
                             allocate_to=[inv.id])
    assert book.docs.get(inv.id).open_amount == usd("3.44")
    book.docs.record_payment(book.acme.id, usd("100.00"), date(2026, 1, 15),
                             allocate_to=[_two_rates(book).id])
    assert book.bo.ledger.balance("4300") == usd("0.00")


def test_allocating_an_earlier_payment_takes_the_discount(book: Any) -> None:
    pay = book.docs.record_payment(book.acme.id, usd("169.05"), date(2026, 1, 12))
    inv = _two_rates(book)
    book.docs.allocate(pay.id, inv.id, date=date(2026, 1, 25))  # matched late, paid early
    d = book.docs.get(inv.id)
    assert d.state is S.PAID
    assert [a.amount for a in book.docs.allocations(inv.id) if a.is_cash_discount] == [
        usd("3.45")]


def test_explicit_take_discount_then_the_discounted_payment(book: Any, unchanged: Any) -> None:
    inv = _two_rates(book)
    disc = book.docs.take_discount(inv.id, on=date(2026, 1, 14), user="ann",
                                   reason="customer pays today")
    assert disc.amount == usd("3.45") and disc.date == date(2026, 1, 14)
    assert disc.reason.endswith(": customer pays today") and disc.is_cash_discount
    d = book.docs.get(inv.id)
    assert (d.state, d.open_amount) == (S.PARTIALLY_PAID, usd("169.05"))
    info = unchanged(book.bo, ValidationError, book.docs.take_discount, inv.id,
                     on=date(2026, 1, 14))
    assert (info.value.field, info.value.value) == ("document_id", inv.id)
    book.docs.record_payment(book.acme.id, usd("169.05"), date(2026, 1, 14),
                             allocate_to=[inv.id])
    assert book.docs.get(inv.id).state is S.PAID
    assert len([a for a in book.docs.allocations(inv.id) if a.is_cash_discount]) == 1
    assert book.bo.ledger.balance("4300") == usd("3.00")


def test_take_discount_defaults_to_the_last_payment_date(book: Any) -> None:
    inv = _two_rates(book)
    book.docs.record_payment(book.acme.id, usd("100.00"), date(2026, 1, 18),
                             allocate_to=[inv.id])
    disc = book.docs.take_discount(inv.id)  # clock says 2026-01-31: past the period
    assert (disc.date, disc.amount) == (date(2026, 1, 18), usd("3.45"))
    assert book.docs.get(inv.id).open_amount == usd("69.05")


def test_supplier_bill_is_mirrored(book: Any) -> None:
    bill = _two_rates(book, bill=True)
    book.docs.record_payment(book.paperco.id, usd("169.05"), date(2026, 1, 19),
                             allocate_to=[bill.id])
    b = book.docs.get(bill.id)
    assert (b.state, b.open_amount) == (S.PAID, usd("0.00"))
    disc = next(a for a in book.docs.allocations(bill.id) if a.is_cash_discount)
    assert _discount_entry(book, disc) == [
        ("2110", 345, ""),
        ("5400", -100, "Cash discount S 7%"), ("1170", -7, "VAT S 7%"),
        ("5400", -200, "Cash discount S 19%"), ("1170", -38, "VAT S 19%"),
    ]
    ledger = book.bo.ledger
    assert ledger.balance("2110") == usd("0.00")
    assert ledger.balance("5400") == usd("-3.00")
    assert ledger.balance("1170") == usd("22.05")  # 19.00 + 3.50 input VAT - 0.45


def test_rows_without_vat_carry_no_vat_correction(book: Any) -> None:
    inv = book.docs.issue(book.docs.create_invoice(book.acme.id, DAY, [
        line("Service", 1, "100.00", Tax.standard(20)),
        line("Care", 1, "100.00", Tax.exempt("Medical care")),
        line("Export", 1, "30.00", Tax.zero())], payment_terms=TERMS).id)
    assert inv.totals.tax_inclusive == usd("250.00")  # 2 % = 5.00
    book.docs.record_payment(book.acme.id, usd("245.00"), date(2026, 1, 11),
                             allocate_to=[inv.id])
    disc = next(a for a in book.docs.allocations(inv.id) if a.is_cash_discount)
    # shares by gross 120 / 100 / 30 of 250: 2.40, 2.00, 0.60; VAT only in the 20 % one
    assert sorted(_discount_entry(book, disc)) == sorted([
        ("1140", -500, ""), ("4300", 200, "Cash discount E 0%"),
        ("4300", 200, "Cash discount S 20%"), ("2140", 40, "VAT S 20%"),
        ("4300", 60, "Cash discount Z 0%")])


def test_foreign_currency_invoice_is_booked_at_its_own_rate(book: Any) -> None:
    inv = book.docs.issue(book.docs.create_invoice(book.acme.id, DAY, [
        line("Goods", 1, "100.00", Tax.standard(20))], payment_terms=TERMS,
        currency="EUR").id)
    assert inv.fx_rate == Decimal("1.10")
    book.docs.record_payment(book.acme.id, eur("117.60"), date(2026, 1, 15),
                             allocate_to=[inv.id])
    d = book.docs.get(inv.id)
    assert (d.state, d.open_amount, d.open_functional) == (S.PAID, eur("0.00"), usd("0.00"))
    disc = next(a for a in book.docs.allocations(inv.id) if a.is_cash_discount)
    assert disc.debit_released == usd("2.64")
    entry = next(e for e in book.bo.ledger.entries() if e.id == disc.entry_id)
    assert [(p.account, p.amount, p.currency, p.functional) for p in entry.postings] == [
        ("1140", -240, "EUR", -264), ("4300", 200, "EUR", 220), ("2140", 40, "EUR", 44)]
    assert book.bo.ledger.balance("1140", "EUR") == eur("0.00")
    assert book.docs.aging(date(2026, 1, 31)).rows == ()
    assert book.bo.ledger.verify().ok


def test_refusals_name_the_field_and_change_nothing(book: Any, unchanged: Any) -> None:
    docs = book.docs
    plain = docs.issue(docs.create_invoice(book.acme.id, DAY, [
        line("A", 1, "10.00", Tax.standard(20))], payment_terms=PaymentTerms.net(30)).id)
    info = unchanged(book.bo, ValidationError, docs.take_discount, plain.id, on=DAY)
    assert (info.value.field, info.value.value) == ("payment_terms.discount", None)
    info = unchanged(book.bo, NotFoundError, docs.take_discount, "nope", on=DAY)
    assert (info.value.field, info.value.value) == ("document_id", "nope")
    inv = _two_rates(book)
    info = unchanged(book.bo, ValidationError, docs.take_discount, inv.id, on="2026-01-12")
    assert (info.value.field, info.value.value) == ("on", "2026-01-12")
    info = unchanged(book.bo, ValidationError, docs.take_discount, inv.id,
                     on=date(2026, 1, 21))
    assert (info.value.field, info.value.value) == ("on", date(2026, 1, 21))
    docs.record_payment(book.acme.id, usd("170.00"), date(2026, 1, 12), allocate_to=[inv.id])
    info = unchanged(book.bo, ValidationError, docs.take_discount, inv.id)
    assert (info.value.field, info.value.value) == ("open_amount", usd("2.50"))
    docs.record_payment(book.acme.id, usd("2.50"), date(2026, 1, 12), allocate_to=[inv.id])
    info = unchanged(book.bo, ValidationError, docs.take_discount, inv.id)
    assert (info.value.field, info.value.value) == ("document_id", inv.id)
    draft = docs.create_invoice(book.acme.id, DAY, [line("A", 1, "1.00", Tax.zero())],
                                payment_terms=TERMS)
    info = unchanged(book.bo, ValidationError, docs.take_discount, draft.id, on=DAY)
    assert (info.value.field, info.value.value) == ("document_id", draft.id)
    cn = docs.issue(docs.credit(_two_rates(book).id).id)
    info = unchanged(book.bo, ValidationError, docs.take_discount, cn.id, on=DAY)
    assert (info.value.field, info.value.value) == ("document_id", cn.id)
    info = unchanged(book.bo, ValidationError, docs.take_discount, inv.id, reason=5)
    assert (info.value.field, info.value.value) == ("reason", 5)


def test_a_book_without_the_role(book: Any, unchanged: Any) -> None:
    _drop_role(book, "sales_discounts")
    inv = _two_rates(book)
    info = unchanged(book.bo, NotFoundError, book.docs.take_discount, inv.id, on=DAY)
    assert (info.value.field, info.value.value) == ("roles.sales_discounts", None)
    # a payment still books: the remainder stays open, as before the roles existed
    book.docs.record_payment(book.acme.id, usd("169.05"), date(2026, 1, 12),
                             allocate_to=[inv.id])
    assert book.docs.get(inv.id).open_amount == usd("3.45")
    _drop_role(book, "purchase_discounts")
    bill = _two_rates(book, bill=True)
    info = unchanged(book.bo, NotFoundError, book.docs.take_discount, bill.id, on=DAY)
    assert info.value.field == "roles.purchase_discounts"


def test_cancelling_a_discounted_invoice_credits_what_was_paid(book: Any) -> None:
    """Once refused; the note now gives the discount back (more in test_cancel.py)."""
    inv = _two_rates(book)
    book.docs.record_payment(book.acme.id, usd("169.05"), date(2026, 1, 12),
                             allocate_to=[inv.id])
    assert book.docs.cancel(inv.id).state is S.CANCELLED
    assert book.docs.find(type="credit_note")[0].open_amount == usd("169.05")
    assert [book.bo.ledger.balance(a) for a in ("4300", "2140", "1140")] == [
        usd("0.00"), usd("0.00"), usd("-169.05")]


def test_aging_and_statement_agree_with_receivables_after_discounts(book: Any) -> None:
    docs, ledger = book.docs, book.bo.ledger
    a = _two_rates(book, day=date(2026, 1, 5))
    b = _two_rates(book, day=date(2026, 1, 8))
    c = _two_rates(book, day=date(2026, 1, 9))
    docs.record_payment(book.acme.id, usd("169.05"), date(2026, 1, 14), allocate_to=[a.id])
    docs.take_discount(b.id, on=date(2026, 1, 16))
    docs.record_payment(book.acme.id, usd("50.00"), date(2026, 1, 22), allocate_to=[c.id])
    for day in (date(2026, 1, 13), date(2026, 1, 14), date(2026, 1, 16), date(2026, 1, 31)):
        assert docs.aging(day).total("USD") == ledger.balance("1140", "USD", as_of=day), day
    assert docs.aging(date(2026, 1, 31)).total("USD") == usd("169.05") + usd("122.50")
    st = docs.statement(book.acme.id, date(2026, 1, 1), date(2026, 1, 31))
    assert [(ln.kind, ln.credit) for ln in st.lines if ln.kind == "cash_discount"] == [
        ("cash_discount", usd("3.45")), ("cash_discount", usd("3.45"))]
    assert st.closing == ledger.balance("1140", "USD", dimension=("party", book.acme.id))


def test_ru_chart_books_to_other_expenses_and_income(make_book: Any) -> None:
    book = make_book(currency="RUB", chart="ru_94n")
    inv = _two_rates(book)
    book.docs.record_payment(book.acme.id, Money("169.05", "RUB"), date(2026, 1, 12),
                             allocate_to=[inv.id])
    assert book.bo.ledger.balance("91.02") == Money("3.00", "RUB")
    assert book.docs.get(inv.id).state is S.PAID


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(1, 10**7), st.sampled_from(["0", "5.5", "7", "19",
                                                                   "20", "21"])),
                min_size=1, max_size=5),
       st.sampled_from(["0.5", "1", "2", "2.5", "3", "10"]))
def test_parts_add_up_to_the_discount_exactly(rows: list[tuple[int, str]], pct: str) -> None:
    lines = [line(f"L{i}", 1, Decimal(cents).scaleb(-2),
                  Tax.standard(rate) if rate != "0" else Tax.zero())
             for i, (cents, rate) in enumerate(rows)]
    doc = Document("d", "sales_invoice", "p", "EUR", DAY, lines,
                   payment_terms=PaymentTerms.net(30, discount=EarlyPaymentDiscount(pct, 10)))
    doc = attrs.evolve(doc, totals=document_totals(doc))
    earned = earned_discount(doc, DAY)
    parts = discount_parts(doc, earned)
    assert sum((p.gross for p in parts), eur("0")) == earned
    for p in parts:
        assert p.net.amount >= 0 and p.vat.amount >= 0
        if p.rate == 0:
            assert p.vat.amount == 0
        else:  # the VAT of the share, to the minor unit
            exact = p.gross.amount * p.rate / (100 + p.rate)
            assert abs(p.vat.amount - exact) <= Decimal("0.02")


def test_discount_after_a_partial_credit_note_is_on_what_is_left(book: Any) -> None:
    """172.50 less the credit note for the 7 % line (53.50) leaves 119.00: 2 % is 2.38,
    all of it in the 19 % group (net 2.00, VAT 0.38); nothing corrects the 7 % VAT."""
    docs = book.docs
    inv = _two_rates(book)
    books = next(ln for ln in inv.lines if ln.description == "Books")
    docs.issue(docs.credit(inv.id, {books.id: 1}).id)
    assert docs.get(inv.id).open_amount == usd("119.00")
    docs.record_payment(book.acme.id, usd("116.62"), date(2026, 1, 20), allocate_to=[inv.id])
    d = docs.get(inv.id)
    assert (d.state, d.open_amount) == (S.PAID, usd("0.00"))
    disc = next(a for a in docs.allocations(inv.id) if a.is_cash_discount)
    assert disc.amount == usd("2.38")
    assert _discount_entry(book, disc) == [
        ("1140", -238, ""), ("4300", 200, "Cash discount S 19%"), ("2140", 38, "VAT S 19%")]
    assert book.bo.ledger.balance("1140") == usd("0.00")
    assert docs.aging(date(2026, 1, 31)).rows == ()
    assert book.bo.ledger.verify().ok


def test_take_discount_counts_a_credit_note_issued_after_the_payment(book: Any) -> None:
    """2 x 100.00 at 19 % = 238.00; 116.62 paid early, then one unit credited (119.00):
    2.38 is open, exactly 2 % of the 119.00 owed."""
    docs = book.docs
    inv = docs.issue(docs.create_invoice(book.acme.id, DAY, [
        line("Goods", 2, "100.00", Tax.standard(19))], payment_terms=TERMS).id)
    docs.record_payment(book.acme.id, usd("116.62"), date(2026, 1, 15), allocate_to=[inv.id])
    docs.issue(docs.credit(inv.id, {inv.lines[0].id: 1}).id)
    assert docs.get(inv.id).open_amount == usd("2.38")
    disc = docs.take_discount(inv.id, on=date(2026, 1, 15))
    assert disc.amount == usd("2.38")
    assert docs.get(inv.id).state is S.PAID
    assert book.bo.ledger.balance("4300") == usd("2.00")
    assert book.bo.ledger.balance("2140") == usd("-18.62")  # 38.00 - 19.00 - 0.38


def test_a_credit_note_after_the_discount_credits_what_was_paid(book: Any) -> None:
    """2 x 100.00 at 19 % = 238.00, paid 233.24 with the 2 % discount (4.76: net 4.00,
    VAT 0.76). A unit returned is credited at what the customer paid for it: 119.00 less
    its 2 % (an allowance of 2.00 net posted back to the discount account) = 116.62, VAT
    18.62 (not 19.00: the discount already corrected 0.38 of it). The last unit credits
    the rest exactly: every account is back to zero but the customer's 233.24."""
    docs, ledger = book.docs, book.bo.ledger
    inv = docs.issue(docs.create_invoice(book.acme.id, DAY, [
        line("Goods", 2, "100.00", Tax.standard(19))], payment_terms=TERMS).id)
    docs.record_payment(book.acme.id, usd("233.24"), date(2026, 1, 15), allocate_to=[inv.id])
    assert docs.get(inv.id).state is S.PAID
    cn = docs.issue(docs.credit(inv.id, {inv.lines[0].id: 1}).id)
    assert (cn.totals.tax_exclusive, cn.totals.tax_total, cn.totals.to_settle) == (
        usd("98.00"), usd("18.62"), usd("116.62"))
    assert [(ac.amount, ac.account, ac.reason_code, ac.reason)
            for ac in cn.allowances_charges] == [
        (Decimal("2.00"), "4300", "95", "Cash discount 2% of INV-2026-00001")]
    assert docs.get(cn.id).open_amount == usd("116.62")
    assert [a.amount for a in docs.allocations(inv.id) if a.is_cash_discount] == [usd("4.76")]
    # revenue - returns - discounts = 98.00 sold; VAT 18.62 = 19 % of it
    assert (ledger.balance("4300"), ledger.balance("2140")) == (usd("2.00"), usd("-18.62"))
    assert ledger.balance("1140") == usd("-116.62")
    rest = docs.issue(docs.credit(inv.id).id)
    assert rest.totals.to_settle == usd("116.62")
    assert [ac.amount for ac in rest.allowances_charges] == [Decimal("2.00")]
    assert [(ledger.balance(a)) for a in ("4300", "2140")] == [usd("0.00"), usd("0.00")]
    assert ledger.balance("4100") + ledger.balance("4200") == usd("0.00")
    assert ledger.balance("1140") == usd("-233.24")  # what the customer paid, owed back
    with pytest.raises(ValidationError) as info:  # nothing is left to credit now
        docs.credit(inv.id)
    assert info.value.field == "quantities"
    assert docs.aging(date(2026, 1, 31)).total("USD") == ledger.balance("1140", "USD")
    assert ledger.verify().ok


def test_a_credit_note_after_the_discount_keeps_the_vat_of_each_rate(book: Any) -> None:
    """172.50 (119.00 at 19 %, 53.50 at 7 %) paid 169.05: the 3.45 discount is 2.38
    (2.00 + 0.38) at 19 % and 1.07 (1.00 + 0.07) at 7 %. Crediting the 7 % line gives back
    its 1.00 net of discount: 49.00 + 3.43 VAT = 52.43, and the 19 % VAT is untouched."""
    docs, ledger = book.docs, book.bo.ledger
    inv = _two_rates(book)
    docs.record_payment(book.acme.id, usd("169.05"), date(2026, 1, 20), allocate_to=[inv.id])
    books = next(ln for ln in inv.lines if ln.description == "Books")
    cn = docs.issue(docs.credit(inv.id, {books.id: 1}).id)
    assert [(r.rate, r.taxable, r.tax) for r in cn.totals.breakdown] == [
        (Decimal(7), usd("49.00"), usd("3.43"))]
    assert cn.totals.to_settle == usd("52.43")
    entry = next(e for e in ledger.entries() if e.description == f"Credit note {cn.number}")
    assert sorted((p.account, p.amount, p.memo) for p in entry.postings) == sorted([
        ("1140", -5243, ""), ("4200", 5000, ""), ("2140", 343, "VAT S 7%"),
        ("4300", -100, "Cash discount 2% of INV-2026-00001")])
    # 19 %: 19.00 - 0.38; 7 %: 3.50 - 0.07 - 3.43 = 0
    assert ledger.balance("2140") == usd("-18.62")
    rest = docs.issue(docs.credit(inv.id).id)
    assert rest.totals.to_settle == usd("116.62")  # 169.05 paid in all
    assert [ledger.balance(a) for a in ("4300", "2140")] == [usd("0.00"), usd("0.00")]
    assert ledger.balance("1140") == usd("-169.05")
    assert ledger.verify().ok


def test_a_credit_note_for_everything_after_the_discount(book: Any) -> None:
    """Without earlier notes, "credit it all" after a discount credits what was paid."""
    docs, ledger = book.docs, book.bo.ledger
    inv = _two_rates(book)
    docs.record_payment(book.acme.id, usd("169.05"), date(2026, 1, 20), allocate_to=[inv.id])
    cn = docs.issue(docs.credit(inv.id).id)
    assert cn.totals.to_settle == usd("169.05")
    assert sorted((ac.tax.rate, ac.amount) for ac in cn.allowances_charges
                  if ac.tax is not None) == [(Decimal(7), Decimal("1.00")),
                                             (Decimal(19), Decimal("2.00"))]
    assert [ledger.balance(a) for a in ("4300", "2140", "1140")] == [
        usd("0.00"), usd("0.00"), usd("-169.05")]


def test_notes_before_and_after_the_discount_credit_what_was_paid(book: Any) -> None:
    """3 x 100.00 at 19 % + 50.00 at 7 %: the 7 % line credited before paying (53.50),
    the 2 % discount on the 357.00 left (7.14, all at 19 %), then two notes after it:
    each gives back its share (2.38, then the rest 4.76), 349.86 in all: what was paid."""
    docs, ledger = book.docs, book.bo.ledger
    inv = docs.issue(docs.create_invoice(book.acme.id, DAY, [
        line("Goods", 3, "100.00", Tax.standard(19)),
        line("Books", 1, "50.00", Tax.standard(7))], payment_terms=TERMS).id)
    docs.issue(docs.credit(inv.id, {inv.lines[1].id: 1}, date=date(2026, 1, 11)).id)
    docs.record_payment(book.acme.id, usd("349.86"), date(2026, 1, 15), allocate_to=[inv.id])
    assert [a.amount for a in docs.allocations(inv.id) if a.is_cash_discount] == [usd("7.14")]
    one = docs.issue(docs.credit(inv.id, {inv.lines[0].id: 1}).id)
    rest = docs.issue(docs.credit(inv.id).id)
    assert (one.totals.to_settle, rest.totals.to_settle) == (usd("116.62"), usd("233.24"))
    assert [ac.amount for ac in rest.allowances_charges] == [Decimal("4.00")]
    assert [ledger.balance(a) for a in ("4300", "2140", "1140")] == [
        usd("0.00"), usd("0.00"), usd("-349.86")]


def test_a_debit_note_after_the_discount_is_the_mirror(book: Any) -> None:
    docs, ledger = book.docs, book.bo.ledger
    bill = _two_rates(book, bill=True)
    docs.record_payment(book.paperco.id, usd("169.05"), date(2026, 1, 19),
                        allocate_to=[bill.id])
    goods = next(ln for ln in bill.lines if ln.description == "Goods")
    dn = docs.issue(docs.credit(bill.id, {goods.id: 1}).id)
    assert (dn.totals.tax_exclusive, dn.totals.tax_total, dn.totals.to_settle) == (
        usd("98.00"), usd("18.62"), usd("116.62"))
    assert [(ac.amount, ac.account) for ac in dn.allowances_charges] == [
        (Decimal("2.00"), "5400")]
    assert ledger.balance("5400") == usd("-1.00")  # 3.00 received, 2.00 given back
    assert ledger.balance("1170") == usd("3.43")  # 22.05 - 18.62: the 7 % line's VAT
    assert ledger.balance("2110") == usd("116.62")  # the supplier owes it back


def test_a_note_at_full_price_after_the_discount_is_refused(book: Any, unchanged: Any) -> None:
    """Edited back to the full price, a note for everything would credit more than was
    paid: refused at issue, nothing changed."""
    docs = book.docs
    inv = docs.issue(docs.create_invoice(book.acme.id, DAY, [
        line("Goods", 2, "100.00", Tax.standard(19))], payment_terms=TERMS).id)
    docs.record_payment(book.acme.id, usd("233.24"), date(2026, 1, 15), allocate_to=[inv.id])
    draft = docs.credit(inv.id)
    draft = docs.update(draft.id, version=draft.version, allowances_charges=[])
    assert draft.totals.to_settle == usd("238.00")
    info = unchanged(book.bo, ValidationError, docs.issue, draft.id)
    assert info.value.field == "lines"


def test_take_discount_after_a_credit_note_defaults_to_the_payment_date(book: Any) -> None:
    """The credit note's match is no payment: the default date is the payment's (within
    the period), not the note's (after it)."""
    docs = book.docs
    inv = docs.issue(docs.create_invoice(book.acme.id, DAY, [
        line("Goods", 2, "100.00", Tax.standard(19))], payment_terms=TERMS).id)
    docs.record_payment(book.acme.id, usd("116.62"), date(2026, 1, 15), allocate_to=[inv.id])
    docs.issue(docs.credit(inv.id, {inv.lines[0].id: 1}, date=date(2026, 1, 25)).id)
    assert docs.get(inv.id).open_amount == usd("2.38")
    disc = docs.take_discount(inv.id)
    assert (disc.date, disc.amount) == (date(2026, 1, 15), usd("2.38"))
    assert docs.get(inv.id).state is S.PAID


def test_take_discount_without_a_payment_defaults_to_the_clock(book: Any) -> None:
    """No payment matched (only a credit note): ``on`` is the book's today (2026-01-31,
    past the period), not the note's date (within it)."""
    docs = book.docs
    inv = docs.issue(docs.create_invoice(book.acme.id, DAY, [
        line("Goods", 2, "100.00", Tax.standard(19))], payment_terms=TERMS).id)
    docs.issue(docs.credit(inv.id, {inv.lines[0].id: 1}, date=date(2026, 1, 12)).id)
    with pytest.raises(ValidationError) as info:
        docs.take_discount(inv.id)
    assert (info.value.field, info.value.value) == ("on", date(2026, 1, 31))


def _single(book: Any, rate: int, price: str, terms: Any = TERMS, bill: bool = False) -> Any:
    lines = [line("Item", 1, price, Tax.standard(rate))]
    draft = book.docs.create("supplier_bill", book.paperco.id, DAY, lines,
                             payment_terms=terms) if bill else \
        book.docs.create_invoice(book.acme.id, DAY, lines, payment_terms=terms)
    return book.docs.issue(draft.id)


def test_one_payment_for_a_list_of_invoices_takes_each_discount(book: Any) -> None:
    """119.00 and 53.50 owe 116.62 and 52.43 within the period: 169.05 pays both."""
    docs = book.docs
    a1, a2 = _single(book, 19, "100.00"), _single(book, 7, "50.00")
    pay = docs.record_payment(book.acme.id, usd("169.05"), date(2026, 1, 20),
                              allocate_to=[a1.id, a2.id])
    assert docs.payment(pay.id).open_amount == usd("0.00")
    got = [[(a.amount, a.is_cash_discount) for a in docs.allocations(d.id)] for d in (a1, a2)]
    assert got == [[(usd("116.62"), False), (usd("2.38"), True)],
                   [(usd("52.43"), False), (usd("1.07"), True)]]
    assert all(docs.get(d.id).state is S.PAID for d in (a1, a2))
    assert book.bo.ledger.balance("4300") == usd("3.00")  # 2.00 + 1.00 net
    assert book.bo.ledger.balance("1140") == usd("0.00")
    assert book.bo.ledger.verify().ok


def test_a_list_with_a_document_without_discount_and_a_bill(book: Any) -> None:
    docs = book.docs
    plain = _single(book, 20, "10.00", terms=PaymentTerms.net(30))  # 12.00, no discount
    a1 = _single(book, 19, "100.00")
    docs.record_payment(book.acme.id, usd("128.62"), date(2026, 1, 15),
                        allocate_to=[plain.id, a1.id])
    assert [docs.get(d.id).state for d in (plain, a1)] == [S.PAID, S.PAID]
    assert [a.amount for a in docs.allocations(a1.id) if a.is_cash_discount] == [usd("2.38")]
    b1, b2 = _single(book, 19, "100.00", bill=True), _single(book, 7, "50.00", bill=True)
    docs.record_payment(book.paperco.id, usd("169.05"), date(2026, 1, 20),
                        allocate_to=[b1.id, b2.id])
    assert [docs.get(d.id).state for d in (b1, b2)] == [S.PAID, S.PAID]
    assert book.bo.ledger.balance("5400") == usd("-3.00")


def test_a_list_payment_of_another_amount_keeps_the_list_order(book: Any) -> None:
    docs = book.docs
    a1, a2 = _single(book, 19, "100.00"), _single(book, 7, "50.00")
    docs.record_payment(book.acme.id, usd("170.00"), date(2026, 1, 20),
                        allocate_to=[a1.id, a2.id])
    assert docs.get(a1.id).state is S.PAID and docs.get(a2.id).open_amount == usd("2.50")
    b1, b2 = _single(book, 19, "100.00"), _single(book, 7, "50.00")
    docs.record_payment(book.acme.id, usd("169.05"), date(2026, 1, 21),  # a day late
                        allocate_to=[b1.id, b2.id])
    assert docs.get(b1.id).state is S.PAID and docs.get(b2.id).open_amount == usd("3.45")
    assert book.bo.ledger.balance("4300") == usd("0.00")
