"""Every VAT category on an SKR 03 book: an invoice (or bill), a credit (or debit) note and
an early-payment discount each post to the DATEV account of the line's category and rate.

The accounts (docs/documents.md "Accounts by VAT category and rate"): sales S 19 %
8400/8720/8736, S 7 % 8300/8710/8731, Z 8200/8700/8730, E 8100/8701/8701, AE
8337/8337/8741, K 8125/8724/8743, G 8120/8705/8705, O, L and M 8338; purchases take
other_expense (4900; 3425 for an intra-community acquisition, K) and the cash discount on
3736, 3731, 3748 (K), 3151 (AE), else 3730 Erhaltene Skonti.

Hand-computed reference, per case: two units of 100.00 (net 200.00), one unit credited
(net 100.00), then a 2 % discount on what is left: 2.00 net, plus 2 % of the VAT of the
100.00 left (19 %: 0.38, 7 %: 0.14, otherwise none). A self-assessed bill (AE, K at 19 %)
assesses 38.00, its note gives back 19.00 and the discount 19 % of 2.00, 0.38.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest

import backoffice_core as bc
from backoffice_core.documents import EarlyPaymentDiscount, PaymentTerms, Tax, line
from backoffice_core.ports import FixedClock, SequentialIds

DAY = date(2026, 1, 10)
PAID = date(2026, 1, 15)  # within the 10 days of the discount
SKONTO = PaymentTerms.net(30, discount=EarlyPaymentDiscount(2, 10))
INTRA = Tax("K", 0, "Intra-community supply", "VATEX-EU-IC")
EXPORT = Tax("G", 0, "Export outside the EU", "VATEX-EU-G")
CANARY = Tax("L", 0, "IGIC")
CEUTA = Tax("M", 0, "IPSI")

# tax, revenue, returns (credit note), cash discount, VAT account (None: no VAT row)
SALES = [
    (Tax.standard(19), "8400", "8720", "8736", "1776"),
    (Tax.reduced(7), "8300", "8710", "8731", "1771"),
    (Tax.zero(), "8200", "8700", "8730", None),
    (Tax.exempt("Steuerfrei nach § 4 Nr. 14 UStG"), "8100", "8701", "8701", None),
    (Tax.reverse_charge(), "8337", "8337", "8741", None),
    (INTRA, "8125", "8724", "8743", None),
    (EXPORT, "8120", "8705", "8705", None),
    (Tax.out_of_scope(), "8338", "8338", "8338", None),
    (CANARY, "8338", "8338", "8338", None),
    (CEUTA, "8338", "8338", "8338", None),
]

# tax, expense, cash discount, VAT (input, output or None), self-assessed
PURCHASES = [
    (Tax.standard(19), "4900", "3736", ("1576", None)),
    (Tax.reduced(7), "4900", "3731", ("1571", None)),
    (Tax.zero(), "4900", "3730", None),
    (Tax.exempt(), "4900", "3730", None),
    (Tax.reverse_charge(), "4900", "3151", ("1577", "1787")),
    (INTRA, "3425", "3748", ("1574", "1774")),
    (EXPORT, "4900", "3730", None),
    (Tax.out_of_scope(), "4900", "3730", None),
    (CANARY, "4900", "3730", None),
    (CEUTA, "4900", "3730", None),
]


class Book:
    """An SKR 03 book in EUR with a customer ``acme`` and a supplier ``paperco``."""

    def __init__(self) -> None:
        self.bo = bc.Backoffice.open("memory://", clock=FixedClock(datetime(2026, 1, 31,
                                                                            tzinfo=UTC)),
                                     ids=SequentialIds("e"))
        self.bo.ledger.setup("Nordwind GmbH", currency="EUR", chart="de_skr03")
        self.docs = self.bo.documents
        self.acme = self.docs.create_party("Acme GmbH")
        self.paperco = self.docs.create_party("Paper Co", is_customer=False,
                                              is_supplier=True)


def _ids(rows: list[Any]) -> list[str]:
    return [f"{t.category.code}{t.rate:f}" for t, *_ in rows]


def _net(book: Book, entry_id: str | None, control: str) -> dict[str, Decimal]:
    """The entry's amounts per account, the control account left out."""
    assert entry_id is not None
    out: dict[str, Decimal] = {}
    for p in book.bo.ledger.entry(entry_id).postings:
        if p.account != control:
            out[p.account] = out.get(p.account, Decimal(0)) + p.money.amount
    return out


def _vat(rate: Decimal, net: str) -> Decimal:
    return (Decimal(net) * rate / 100).quantize(Decimal("0.01"))


def _add(into: dict[str, Decimal], account: str, amount: Decimal) -> None:
    into[account] = into.get(account, Decimal(0)) + amount


def _settle(book: Book, party: Any, doc_id: str) -> Any:
    """Pay 98 % of what is open within the discount period; the discount allocation."""
    open_amount = book.docs.get(doc_id).open_amount
    assert open_amount is not None
    left = open_amount.amount
    book.docs.record_payment(party.id, bc.Money(left - left / 50, "EUR"), PAID,
                             allocate_to=[doc_id])
    assert book.docs.get(doc_id).state.value == "paid"
    return next(a for a in book.docs.allocations(doc_id) if a.is_cash_discount)


@pytest.mark.parametrize(("tax", "revenue", "returns", "discount", "vat"), SALES,
                         ids=_ids(SALES))
def test_a_sale_its_credit_note_and_its_discount_post_to_the_categorys_accounts(
        tax: Tax, revenue: str, returns: str,
        discount: str, vat: str | None) -> None:
    book = Book()
    inv = book.docs.issue(book.docs.create_invoice(
        book.acme.id, DAY, [line("Ware", 2, "100.00", tax)], payment_terms=SKONTO).id)
    expected: dict[str, Decimal] = {revenue: Decimal("-200.00")}
    if vat:
        expected[vat] = -_vat(tax.rate, "200.00")
    assert _net(book, inv.entry_id, "1400") == expected

    note = book.docs.issue(book.docs.credit(inv.id, {inv.lines[0].id: 1},
                                            reason="returned").id)
    expected = {returns: Decimal("100.00")}
    if vat:
        expected[vat] = _vat(tax.rate, "100.00")
    assert _net(book, note.entry_id, "1400") == expected

    disc = _settle(book, book.acme, inv.id)
    expected = {discount: Decimal("2.00")}
    if vat:
        expected[vat] = _vat(tax.rate, "2.00")
    assert _net(book, disc.entry_id, "1400") == expected
    assert book.bo.ledger.balance("1400") == bc.Money(0, "EUR")
    assert book.bo.ledger.verify().ok


@pytest.mark.parametrize(("tax", "expense", "discount", "vat"), PURCHASES,
                         ids=_ids(PURCHASES))
def test_a_bill_its_debit_note_and_its_discount_post_to_the_categorys_accounts(
        tax: Tax, expense: str, discount: str,
        vat: tuple[str, str | None] | None) -> None:
    book = Book()
    book.docs.configure(reverse_charge_rate="19")  # assessed on AE and K only
    bill = book.docs.issue(book.docs.create_bill(
        book.paperco.id, DAY, [line("Ware", 2, "100.00", tax)], payment_terms=SKONTO).id)
    # the VAT of a net amount: charged at the line's rate, or self-assessed at 19 %
    rate = tax.rate if vat and vat[1] is None else Decimal(19)

    def with_vat(net: str, sign: int) -> dict[str, Decimal]:
        out: dict[str, Decimal] = {}
        if vat:
            _add(out, vat[0], sign * _vat(rate, net))
            if vat[1]:
                _add(out, vat[1], -sign * _vat(rate, net))
        return out

    expected = {expense: Decimal("200.00"), **with_vat("200.00", 1)}
    assert _net(book, bill.entry_id, "1600") == expected

    note = book.docs.issue(book.docs.credit(bill.id, {bill.lines[0].id: 1},
                                            reason="returned").id)
    expected = {expense: Decimal("-100.00"), **with_vat("100.00", -1)}
    assert _net(book, note.entry_id, "1600") == expected

    disc = _settle(book, book.paperco, bill.id)
    expected = {discount: Decimal("-2.00"), **with_vat("2.00", -1)}
    assert _net(book, disc.entry_id, "1600") == expected
    assert book.bo.ledger.balance("1600") == bc.Money(0, "EUR")
    assert book.bo.ledger.verify().ok


def test_an_acquisition_without_the_right_to_deduct_is_a_cost_on_1779() -> None:
    """A business that may not deduct (e.g. exempt under § 4 Nr. 14 UStG) names three
    roles: the goods and their acquisition VAT are then a cost on 3435, the VAT owed on
    1779 (NWB Kontierungs-ABC "Innergemeinschaftlicher Erwerb")."""
    book = Book()
    book.bo.ledger.set_role("other_expense.K", "3435")
    book.bo.ledger.set_role("vat_input.K.19", "3435")
    book.bo.ledger.set_role("vat_output.K.19", "1779")
    book.docs.configure(reverse_charge_rate="19")
    bill = book.docs.issue(book.docs.create_bill(
        book.paperco.id, DAY, [line("Ware", 1, "1000.00", INTRA)]).id)
    assert _net(book, bill.entry_id, "1600") == {
        "3435": Decimal("1190.00"), "1779": Decimal("-190.00")}
    assert book.bo.ledger.balance("1574") == bc.Money(0, "EUR")  # nothing deducted
