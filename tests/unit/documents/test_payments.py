"""Payments: allocation many-to-many, partial, overpayment, refunds, write-offs, FX."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from backoffice_core.documents import DocumentState, Tax, line
from backoffice_core.errors import CurrencyMismatchError, NotFoundError, ValidationError
from backoffice_core.money import Money

S = DocumentState


def usd(v: str) -> Money:
    return Money(v, "USD")


def eur(v: str) -> Money:
    return Money(v, "EUR")


def _invoice(book: Any, net: str, day: date = date(2026, 1, 10), currency: str | None = None,
             party: Any = None) -> Any:
    party = party or book.acme
    return book.docs.issue(book.docs.create_invoice(
        party.id, day, [line("Work", 1, net, Tax.standard(20))], currency=currency).id)


def test_partial_then_full_payment(book: Any) -> None:
    inv = _invoice(book, "100.00")  # 120.00
    book.docs.record_payment(book.acme.id, usd("50.00"), date(2026, 1, 15),
                             allocate_to=[inv.id], user="pat")
    d = book.docs.get(inv.id)
    assert (d.state, d.open_amount) == (S.PARTIALLY_PAID, usd("70.00"))
    book.docs.record_payment(book.acme.id, usd("70.00"), date(2026, 1, 20),
                             allocate_to=[inv.id])
    d = book.docs.get(inv.id)
    assert (d.state, d.open_amount) == (S.PAID, usd("0.00"))
    assert [t.to_state for t in d.history if t.action == "payment"] == [S.PARTIALLY_PAID,
                                                                         S.PAID]
    assert len(book.docs.allocations(inv.id)) == 2
    assert book.bo.ledger.balance("1140") == usd("0.00")
    assert book.bo.ledger.balance("1120") == usd("120.00")


def test_one_payment_over_several_invoices(book: Any) -> None:
    a, b, c = (_invoice(book, n) for n in ("10.00", "20.00", "30.00"))  # 12, 24, 36
    p = book.docs.record_payment(book.acme.id, usd("50.00"), date(2026, 1, 20),
                                 allocate_to=[a.id, b.id, c.id])
    assert [book.docs.get(x.id).open_amount for x in (a, b, c)] == [
        usd("0.00"), usd("0.00"), usd("22.00")]
    assert p.open_amount == usd("0.00")
    q = book.docs.record_payment(book.acme.id, usd("20.00"), date(2026, 1, 21),
                                 allocate_to={c.id: "15.00"})
    assert book.docs.get(c.id).open_amount == usd("7.00")
    assert q.open_amount == usd("5.00")  # not allocated: kept as the customer's credit


def test_overpayment_is_kept_as_credit_and_applied_later(book: Any) -> None:
    inv = _invoice(book, "100.00")
    p = book.docs.record_payment(book.acme.id, usd("150.00"), date(2026, 1, 15),
                                 allocate_to=[inv.id])
    assert p.open_amount == usd("30.00")
    assert book.bo.ledger.balance("1140") == usd("-30.00")
    aging = book.docs.aging(date(2026, 1, 31))
    assert aging.total("USD") == usd("-30.00")
    nxt = _invoice(book, "50.00", date(2026, 1, 25))  # 60.00
    book.docs.allocate(p.id, nxt.id)
    assert book.docs.get(nxt.id).open_amount == usd("30.00")
    assert book.docs.payment(p.id).open_amount == usd("0.00")


def test_credit_note_applied_and_refund(book: Any) -> None:
    inv = _invoice(book, "100.00")
    book.docs.record_payment(book.acme.id, usd("120.00"), date(2026, 1, 15),
                             allocate_to=[inv.id])
    cn = book.docs.issue(book.docs.credit(inv.id, reason="returned").id)
    assert cn.open_amount == usd("120.00")  # the invoice was paid: the customer has credit
    assert book.bo.ledger.balance("1140") == usd("-120.00")
    refund = book.docs.refund(book.acme.id, usd("120.00"), date(2026, 1, 28),
                              against=[cn.id])
    assert refund.direction.value == "outgoing"
    assert book.docs.get(cn.id).state is S.PAID
    assert book.bo.ledger.balance("1140") == usd("0.00")
    assert book.bo.ledger.balance("1120") == usd("0.00")


def test_partial_credit_note_reduces_the_open_invoice(book: Any) -> None:
    inv = book.docs.issue(book.docs.create_invoice(book.acme.id, date(2026, 1, 10), [
        line("A", 4, "25.00", Tax.standard(20))]).id)  # 120.00
    cn = book.docs.issue(book.docs.credit(inv.id, {"1": 1}).id)  # 30.00
    assert cn.state is S.PAID
    assert book.docs.get(inv.id).open_amount == usd("90.00")
    with pytest.raises(ValidationError):  # 4 credited out of 4 is the limit
        book.docs.credit(inv.id, {"1": 4})


def test_write_off_within_the_tolerance(book: Any, unchanged: Any) -> None:
    book.docs.configure(write_off_limits=[usd("0.05")])
    inv = _invoice(book, "100.00")  # 120.00
    book.docs.record_payment(book.acme.id, usd("119.97"), date(2026, 1, 15),
                             allocate_to=[inv.id])
    d = book.docs.get(inv.id)
    assert d.state is S.PAID
    offs = [a for a in book.docs.allocations(inv.id) if a.write_off]
    assert [a.amount for a in offs] == [usd("0.03")]
    assert book.bo.ledger.balance("8100") == usd("0.03")  # other_expense
    big = _invoice(book, "100.00")
    book.docs.record_payment(book.acme.id, usd("119.90"), date(2026, 1, 15),
                             allocate_to=[big.id])
    assert book.docs.get(big.id).open_amount == usd("0.10")  # beyond the limit: stays open
    info = unchanged(book.bo, ValidationError, book.docs.write_off, big.id)
    assert info.value.field == "amount"
    book.docs.write_off(big.id, limit=usd("0.10"), reason="agreed with customer")
    assert book.docs.get(big.id).state is S.PAID


def test_realized_fx_gain_and_loss(book: Any) -> None:
    # 100.00 EUR + 20 % = 120.00 EUR at 1.10 = 132.00 USD on 2026-01-10
    inv = _invoice(book, "100.00", currency="EUR")
    assert inv.open_functional == usd("132.00")
    assert inv.totals.tax_total_accounting == usd("22.00")  # BT-111: 20.00 x 1.10
    # paid at 1.20: 144.00 USD in the bank, a gain of 12.00
    book.docs.record_payment(book.acme.id, eur("120.00"), date(2026, 2, 3),
                             allocate_to=[inv.id])
    assert book.bo.ledger.balance("7200") == usd("-12.00")  # fx_gain (credit)
    assert book.bo.ledger.balance_detail("1140", "EUR").net == 0
    assert book.bo.ledger.balance_detail("1140", "EUR").functional == 0
    assert book.bo.ledger.balance_detail("1130", "EUR").functional == 14400
    assert book.bo.ledger.verify().ok


def test_partial_fx_payments_release_pro_rata(book: Any) -> None:
    supplier = book.paperco
    bill = book.docs.issue(book.docs.create_bill(
        supplier.id, date(2026, 1, 10), [line("Parts", 1, "1000.00", Tax.standard(20))],
        currency="EUR").id)  # 1200.00 EUR at 1.10 = 1320.00 USD owed
    book.docs.record_payment(supplier.id, eur("600.00"), date(2026, 2, 3),
                             allocate_to=[bill.id])
    # half of the bill (660.00 USD) paid with 720.00 USD: a loss of 60.00
    assert book.bo.ledger.balance("8200") == usd("60.00")
    d = book.docs.get(bill.id)
    assert (d.open_amount, d.open_functional) == (eur("600.00"), usd("660.00"))
    assert book.bo.ledger.balance_detail("2110", "EUR", dimension=("party", supplier.id)
                                         ).functional == -66000


def test_a_supplier_bill_debit_note_and_payment(book: Any) -> None:
    bill = book.docs.issue(book.docs.create_bill(
        book.paperco.id, date(2026, 1, 10),
        [line("Paper", 10, "5.00", Tax.standard(20), account="6400")]).id)  # 60.00
    dn = book.docs.issue(book.docs.credit(bill.id, {"1": 2}).id)  # 12.00 back
    assert dn.type.value == "debit_note" and dn.state is S.PAID
    book.docs.record_payment(book.paperco.id, usd("48.00"), date(2026, 1, 20),
                             allocate_to=[bill.id])
    assert book.docs.get(bill.id).state is S.PAID
    assert book.bo.ledger.balance("2110") == usd("0.00")
    assert book.bo.ledger.balance("6400") == usd("40.00")
    assert book.bo.ledger.balance("1170") == usd("8.00")


def test_bad_allocations_are_refused_and_change_nothing(book: Any, unchanged: Any) -> None:
    other = book.docs.create_party("Other Ltd")
    inv = _invoice(book, "100.00")
    inv2 = _invoice(book, "10.00")
    eur_inv = _invoice(book, "10.00", currency="EUR")
    foreign = _invoice(book, "10.00", party=other)
    p = book.docs.record_payment(book.acme.id, usd("10.00"), date(2026, 1, 20))
    unchanged(book.bo, ValidationError, book.docs.allocate, p.id, foreign.id)
    unchanged(book.bo, ValidationError, book.docs.allocate, inv.id, inv2.id)
    unchanged(book.bo, CurrencyMismatchError, book.docs.allocate, p.id, eur_inv.id)
    info = unchanged(book.bo, ValidationError, book.docs.allocate, p.id, inv.id,
                     usd("11.00"))
    assert info.value.field == "amount"
    unchanged(book.bo, NotFoundError, book.docs.allocate, p.id, "nope")
    info = unchanged(book.bo, NotFoundError, book.docs.record_payment, book.acme.id,
                     usd("5.00"), date(2026, 1, 20), allocate_to=[inv.id, "nope"])
    assert info.value.field == "allocate_to[1]"
    unchanged(book.bo, ValidationError, book.docs.allocate, p.id, inv.id,
              date=date(2026, 1, 1))  # before the payment
    unchanged(book.bo, ValidationError, book.docs.record_payment, book.acme.id,
              usd("0.00"), date(2026, 1, 20))


@pytest.mark.parametrize(("kwargs", "field", "value"), [
    ({"allocate_to": 5}, "allocate_to", 5),
    ({"direction": "sideways"}, "direction", "sideways"),
    ({"side": "sideways"}, "side", "sideways"),
    ({"allocate_to": "INVOICE"}, "allocate_to", "INVOICE"),  # one id, not a list
])
def test_odd_payment_arguments_are_refused_by_name(book: Any, unchanged: Any,
                                                   kwargs: dict[str, Any], field: str,
                                                   value: Any) -> None:
    info = unchanged(book.bo, ValidationError, book.docs.record_payment, book.acme.id,
                     usd("10.00"), date(2026, 1, 15), **kwargs)
    assert (info.value.field, info.value.value) == (field, value)


def test_an_amount_mapped_to_a_document_is_named_by_its_place(book: Any,
                                                              unchanged: Any) -> None:
    inv = _invoice(book, "100.00")
    info = unchanged(book.bo, ValidationError, book.docs.record_payment, book.acme.id,
                     usd("10.00"), date(2026, 1, 15), allocate_to={inv.id: "abc"})
    assert (info.value.field, info.value.value) == ("allocate_to[0].amount", "abc")
    info = unchanged(book.bo, ValidationError, book.docs.write_off, inv.id, limit="5.00")
    assert (info.value.field, info.value.value) == ("limit", "5.00")


def test_a_revaluation_after_a_partial_fx_payment_carries_only_the_open_part(book: Any
                                                                            ) -> None:
    """The payment realized the difference on the part it settled (IAS 21); the month-end
    revaluation adds only the unrealized difference on what is still open, and the
    party's balance on the control account moves with the account."""
    supplier = book.paperco
    bill = book.docs.issue(book.docs.create_bill(
        supplier.id, date(2026, 1, 10), [line("Parts", 1, "1000.00", Tax.standard(20))],
        currency="EUR").id)  # 1200.00 EUR at 1.10 = 1320.00 USD owed
    book.docs.record_payment(supplier.id, eur("600.00"), date(2026, 2, 3),
                             allocate_to=[bill.id])
    led = book.bo.ledger
    led.set_rate("EUR", "USD", date(2026, 2, 28), "1.25")
    assert led.revalue(date(2026, 2, 28), accounts=["2110"]) is not None
    assert led.balance("8200") == usd("60.00")  # realized at payment, untouched
    assert led.balance("8300") == usd("90.00")  # 600.00 EUR open: 660.00 -> 750.00 USD
    total = led.balance_detail("2110", "EUR")
    party = led.balance_detail("2110", "EUR", dimension=("party", supplier.id))
    assert (total.net, total.functional) == (party.net, party.functional) == (-60000, -75000)
    assert led.verify().ok
