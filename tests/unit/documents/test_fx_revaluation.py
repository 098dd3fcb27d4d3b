"""Payments of foreign documents after a revaluation of their control account.

The invoice is booked at r1 = 1.10 (EUR/USD), the receivables are revalued at
r2 = 1.15 on 2026-01-31 (with or without ``reverse_on``) and paid at r3 = 1.20
(or 1.20 then 1.25). Whatever the revaluation, once the invoice is paid in full
the control account is zero in euros and in dollars, and the exchange result
(realized + unrealized) is amount x (r3 - r1); while part is open, the aging and
the control account agree.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

import backoffice_core as bc
from backoffice_core.documents import EarlyPaymentDiscount, PaymentTerms, Tax, line
from backoffice_core.money import Money

FX_ACCOUNTS = ("7200", "8200", "7300", "8300")  # realized / unrealized gain and loss
JAN31, FEB1, FEB3, FEB20 = date(2026, 1, 31), date(2026, 2, 1), date(2026, 2, 3), \
    date(2026, 2, 20)


def eur(v: str) -> Money:
    return Money(v, "EUR")


def _fx_result(book: Any, as_of: date | None = None) -> Decimal:
    """The exchange result in USD (by ``as_of``, else so far), a gain positive."""
    return -sum((book.bo.ledger.balance(a, as_of=as_of).amount for a in FX_ACCOUNTS),
                Decimal(0))


def _control(book: Any, account: str, party_id: str) -> tuple[int, int, int, int]:
    led = book.bo.ledger
    total = led.balance_detail(account, "EUR")
    party = led.balance_detail(account, "EUR", dimension=("party", party_id))
    return total.net, total.functional, party.net, party.functional


def _invoice(book: Any) -> Any:
    """1000.00 EUR, no tax, at 1.10: 1100.00 USD receivable."""
    return book.docs.issue(book.docs.create_invoice(
        book.acme.id, date(2026, 1, 10), [line("Work", 1, "1000.00", Tax.zero())],
        currency="EUR").id)


def _revalue(book: Any, account: str, reverse: bool) -> None:
    book.bo.ledger.set_rate("EUR", "USD", JAN31, "1.15")
    assert book.bo.ledger.revalue(JAN31, accounts=[account],
                                  reverse_on=FEB1 if reverse else None) is not None


@pytest.mark.parametrize("reverse", [False, True], ids=["kept", "reversed"])
def test_full_payment_after_a_revaluation_clears_the_control_account(book: Any,
                                                                    reverse: bool) -> None:
    inv = _invoice(book)
    _revalue(book, "1140", reverse)
    assert _fx_result(book, JAN31) == Decimal("50.00")  # 1000 x (1.15 - 1.10), unrealized
    book.docs.record_payment(book.acme.id, eur("1000.00"), FEB3, allocate_to=[inv.id])
    assert book.docs.get(inv.id).open_amount == eur("0.00")
    assert _control(book, "1140", book.acme.id) == (0, 0, 0, 0)
    assert _fx_result(book) == Decimal("100.00")  # 1000 x (1.20 - 1.10)
    # what is left to a realized gain: the revaluation's share stays in January when kept
    realized = -book.bo.ledger.balance("7200").amount
    assert realized == (Decimal("100.00") if reverse else Decimal("50.00"))
    assert book.docs.aging(FEB20).total("EUR") == eur("0.00")
    assert book.bo.ledger.verify().ok


@pytest.mark.parametrize("reverse", [False, True], ids=["kept", "reversed"])
def test_partial_payments_after_a_revaluation(book: Any, reverse: bool) -> None:
    inv = _invoice(book)
    _revalue(book, "1140", reverse)
    book.docs.record_payment(book.acme.id, eur("400.00"), FEB3, allocate_to=[inv.id])
    net, functional, party_net, party_fn = _control(book, "1140", book.acme.id)
    # 600.00 EUR open, carried at 1.15 (kept) or booked at 1.10 (the revaluation reversed)
    assert (net, party_net) == (60000, 60000)
    assert (functional, party_fn) == ((66000, 66000) if reverse else (69000, 69000))
    assert book.docs.aging(FEB3).total("EUR") == eur("600.00")
    assert _fx_result(book) == (Decimal("40.00") if reverse else Decimal("70.00"))
    book.docs.record_payment(book.acme.id, eur("600.00"), FEB20, allocate_to=[inv.id],
                             rate="1.25")
    assert _control(book, "1140", book.acme.id) == (0, 0, 0, 0)
    assert _fx_result(book) == Decimal("130.00")  # 400 x 0.10 + 600 x 0.15
    assert book.docs.aging(FEB20).total("EUR") == eur("0.00")
    assert book.bo.ledger.verify().ok


def test_a_later_revaluation_carries_the_open_part_from_its_carrying_value(book: Any) -> None:
    """Kept revaluations on two month ends, a partial payment between and after."""
    inv = _invoice(book)
    _revalue(book, "1140", False)
    book.docs.record_payment(book.acme.id, eur("400.00"), FEB3, allocate_to=[inv.id])
    book.bo.ledger.set_rate("EUR", "USD", date(2026, 2, 28), "1.30")
    book.bo.ledger.revalue(date(2026, 2, 28), accounts=["1140"])
    assert _control(book, "1140", book.acme.id)[1] == 78000  # 600 x 1.30
    book.docs.record_payment(book.acme.id, eur("600.00"), date(2026, 3, 5),
                             allocate_to=[inv.id], rate="1.25")
    assert _control(book, "1140", book.acme.id) == (0, 0, 0, 0)
    assert _fx_result(book) == Decimal("130.00")  # 400 x 0.10 + 600 x 0.15


@pytest.mark.parametrize("reverse", [False, True], ids=["kept", "reversed"])
def test_a_bill_paid_after_a_revaluation_clears_the_payables(book: Any, reverse: bool) -> None:
    supplier = book.paperco
    bill = book.docs.issue(book.docs.create_bill(
        supplier.id, date(2026, 1, 10), [line("Parts", 1, "1000.00", Tax.zero())],
        currency="EUR").id)
    _revalue(book, "2110", reverse)
    assert _fx_result(book, JAN31) == Decimal("-50.00")  # we owe more
    book.docs.record_payment(supplier.id, eur("1000.00"), FEB3, allocate_to=[bill.id])
    assert _control(book, "2110", supplier.id) == (0, 0, 0, 0)
    assert _fx_result(book) == Decimal("-100.00")
    assert book.docs.aging(FEB20, side="purchase").total("EUR") == eur("0.00")


def test_a_write_off_after_a_revaluation_clears_the_control_account(book: Any) -> None:
    inv = _invoice(book)
    _revalue(book, "1140", False)
    book.docs.record_payment(book.acme.id, eur("999.98"), FEB3, allocate_to=[inv.id])
    book.docs.write_off(inv.id, limit=eur("0.05"), date=FEB3)
    assert book.docs.get(inv.id).open_amount == eur("0.00")
    assert _control(book, "1140", book.acme.id) == (0, 0, 0, 0)


def test_a_cash_discount_after_a_revaluation_clears_the_control_account(book: Any) -> None:
    terms = PaymentTerms.net(30, discount=EarlyPaymentDiscount(2, 10))
    inv = book.docs.issue(book.docs.create_invoice(
        book.acme.id, date(2026, 1, 28), [line("Work", 1, "1000.00", Tax.zero())],
        currency="EUR", payment_terms=terms).id)
    _revalue(book, "1140", False)
    book.docs.record_payment(book.acme.id, eur("980.00"), FEB3, allocate_to=[inv.id])
    assert book.docs.get(inv.id).open_amount == eur("0.00")  # the 2% discount taken
    assert _control(book, "1140", book.acme.id) == (0, 0, 0, 0)


@pytest.mark.parametrize("undo", [False, True], ids=["kept", "undone"])
def test_a_revaluation_undone_despite_its_automatic_reversal_carries_nothing(
        book: Any, undo: bool) -> None:
    """The receivables are zero in euros on Jan 31 (an unassigned EUR 1000.00 credit
    offsets the invoice), so the revaluation realizes on them and its automatic reversal
    (of the cash account's unrealized part) leaves them: the revaluation is kept, and
    the payment realizes against its rate. Undone by ``reverse()`` (a mirror of kind
    revaluation, since the automatic reversal holds its reversal), it carries nothing:
    the payment realizes against the booking rate, and the party's part clears."""
    inv = _invoice(book)
    led = book.bo.ledger
    led.post(bc.NewEntry(date(2026, 1, 12), "Unassigned receipt", [
        bc.credit("1140", eur("1000.00")), bc.debit("1120", "1120.00")], rates={"EUR": "1.12"}))
    led.post(bc.NewEntry(date(2026, 1, 12), "Petty cash", [
        bc.debit("1130", eur("10.00")), bc.credit("1120", "11.20")], rates={"EUR": "1.12"}))
    led.set_rate("EUR", "USD", JAN31, "1.15")
    r = led.revalue(JAN31, accounts=["1140", "1130"], reverse_on=FEB1)
    assert r is not None
    assert {p.account for p in led.entries()[-1].postings} == {"1130", "7300", "3500"}
    if undo:
        assert led.reverse(r.entry.id, on=JAN31).entry.related == r.entry.id
    gained = led.balance("7200").amount
    book.docs.record_payment(book.acme.id, eur("1000.00"), FEB3, allocate_to=[inv.id])
    realized = gained - led.balance("7200").amount
    assert realized == (Decimal("100.00") if undo else Decimal("50.00"))  # from 1.10 / 1.15
    assert _control(book, "1140", book.acme.id)[2:] == (0, 0)
    assert led.verify().ok
