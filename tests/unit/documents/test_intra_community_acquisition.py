"""An intra-community acquisition of goods (a supplier bill from another EU member state,
category K, no VAT on it) is self-assessed like a reverse-charge purchase: the buyer owes
the acquisition VAT and deducts it (VAT Directive art. 2(1)(b) and 200; § 1a UStG), at the
book's ``reverse_charge_rate``, on the accounts of category K (SKR 03: Dr 1574 / Cr 1774 at
19 %, 1572 / 1772 at 7 %; the goods on 3425, a cash discount on 3748). The seller's side
(a K sales invoice) assesses nothing.

Hand-computed reference: 19 % of 1,000.00 is 190.00; a debit note for 4 of 10 units of
100.00 gives back 19 % of 400.00 = 76.00; a 2 % cash discount on 1,000.00 is 20.00, all
net on the K row, and lowers the assessed VAT by 19 % of it, 3.80.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest

import backoffice_core as bc
from backoffice_core.documents import (
    EarlyPaymentDiscount,
    PaymentTerms,
    Tax,
    TaxCategory,
    line,
)
from backoffice_core.ports import FixedClock, SequentialIds

START = datetime(2026, 1, 31, tzinfo=UTC)
DAY = date(2026, 1, 10)
INTRA = Tax(TaxCategory.INTRA_COMMUNITY, 0, "Intra-community supply", "VATEX-EU-IC")
K19 = "VAT K 19% self-assessed"


class Book:
    """A book on ``chart`` with a customer ``acme`` and a supplier ``steelco`` abroad."""

    def __init__(self, currency: str, chart: str) -> None:
        self.bo = bc.Backoffice.open("memory://", clock=FixedClock(START),
                                     ids=SequentialIds("e"))
        self.bo.ledger.setup("Test Co", currency=currency, chart=chart)
        self.docs = self.bo.documents
        self.acme = self.docs.create_party("Acme GmbH")
        self.steelco = self.docs.create_party("Steel BV", is_customer=False,
                                              is_supplier=True)

    def bill(self, *lines: Any, terms: Any = None) -> Any:
        return self.docs.issue(self.docs.create_bill(self.steelco.id, DAY, list(lines),
                                                     payment_terms=terms).id)

    def postings(self, entry_id: str | None) -> list[tuple[str, str, str]]:
        assert entry_id is not None
        entry = self.bo.ledger.entry(entry_id)
        return sorted((p.account, str(p.money.amount), p.memo) for p in entry.postings)

    def balance(self, account: str) -> str:
        return str(self.bo.ledger.balance(account).amount)


@pytest.fixture
def skr03() -> Book:
    return Book("EUR", "de_skr03")


@pytest.fixture
def generic() -> Book:
    return Book("USD", "generic")


def test_the_buyer_self_assesses_k_and_ae_and_nothing_else() -> None:
    assert {c for c in TaxCategory if c.self_assessed} == {
        TaxCategory.REVERSE_CHARGE, TaxCategory.INTRA_COMMUNITY}


# ---------------------------------------------------------------- SKR 03
def test_an_acquisition_is_self_assessed_on_1574_and_1774(skr03: Book) -> None:
    skr03.docs.configure(reverse_charge_rate="19")
    bill = skr03.bill(line("Steel", 1, "1000.00", INTRA))
    assert bill.reverse_charge_rate == Decimal("19")
    assert skr03.postings(bill.entry_id) == sorted([
        ("1600", "-1000.00", ""), ("3425", "1000.00", ""),  # other_expense.K: 3425
        ("1574", "190.00", K19), ("1774", "-190.00", K19)])
    assert skr03.balance("1600") == "-1000.00"  # the supplier is owed the bill, no VAT
    assert (skr03.balance("1574"), skr03.balance("1774")) == ("190.00", "-190.00")
    assert skr03.bo.ledger.verify().ok


def test_at_7_percent_the_acquisition_goes_to_1572_and_1772(skr03: Book) -> None:
    skr03.docs.configure(reverse_charge_rate="7")
    bill = skr03.bill(line("Books", 1, "1000.00", INTRA))
    memo = "VAT K 7% self-assessed"
    assert ("1572", "70.00", memo) in skr03.postings(bill.entry_id)
    assert ("1772", "-70.00", memo) in skr03.postings(bill.entry_id)


def test_a_debit_note_gives_back_its_part(skr03: Book) -> None:
    skr03.docs.configure(reverse_charge_rate="19")
    bill = skr03.bill(line("Steel bars", 10, "100.00", INTRA))
    note = skr03.docs.issue(skr03.docs.credit(bill.id, {bill.lines[0].id: 4},
                                              reason="4 bars returned").id)
    assert note.reverse_charge_rate == Decimal("19")
    assert skr03.postings(note.entry_id) == sorted([
        ("1600", "400.00", ""), ("3425", "-400.00", ""),
        ("1574", "-76.00", K19), ("1774", "76.00", K19)])
    assert (skr03.balance("1574"), skr03.balance("1774")) == ("114.00", "-114.00")
    assert skr03.balance("1600") == "-600.00"


def test_a_cash_discount_lowers_the_assessed_vat_proportionally(skr03: Book) -> None:
    skr03.docs.configure(reverse_charge_rate="19")
    bill = skr03.bill(line("Steel", 1, "1000.00", INTRA),
                      terms=PaymentTerms.net(30, discount=EarlyPaymentDiscount(2, 10)))
    skr03.docs.record_payment(skr03.steelco.id, bc.Money("980.00", "EUR"), date(2026, 1, 15),
                              allocate_to=[bill.id])
    assert skr03.docs.get(bill.id).state.value == "paid"
    disc = next(a for a in skr03.docs.allocations(bill.id) if a.is_cash_discount)
    assert skr03.postings(disc.entry_id) == sorted([
        ("1600", "20.00", ""), ("3748", "-20.00", "Cash discount K 0%"),
        ("1574", "-3.80", K19), ("1774", "3.80", K19)])
    assert (skr03.balance("1574"), skr03.balance("1774")) == ("186.20", "-186.20")
    assert skr03.balance("1600") == "0.00" and skr03.bo.ledger.verify().ok


def test_without_a_rate_nothing_is_assessed_as_for_reverse_charge(skr03: Book) -> None:
    bill = skr03.bill(line("Steel", 1, "1000.00", INTRA),
                      line("Cleaning", 1, "500.00", Tax.reverse_charge()))
    assert bill.reverse_charge_rate is None
    assert skr03.postings(bill.entry_id) == [("1600", "-1500.00", ""),
                                             ("3425", "1000.00", ""),
                                             ("4900", "500.00", "")]


def test_a_bill_with_ae_and_k_assesses_each_on_its_own_accounts(skr03: Book) -> None:
    skr03.docs.configure(reverse_charge_rate="19")
    bill = skr03.bill(line("Cleaning", 1, "500.00", Tax.reverse_charge()),
                      line("Steel", 1, "1000.00", INTRA))
    ae = "VAT AE 19% self-assessed"
    assert skr03.postings(bill.entry_id) == sorted([
        ("1600", "-1500.00", ""), ("3425", "1000.00", ""), ("4900", "500.00", ""),
        ("1577", "95.00", ae), ("1787", "-95.00", ae),
        ("1574", "190.00", K19), ("1774", "-190.00", K19)])


def test_each_category_is_rounded_on_its_own_base(skr03: Book) -> None:
    """19 % of 0.50 is 0.095 -> 0.10 on each base; on the sum, 0.19."""
    skr03.docs.configure(reverse_charge_rate="19")
    bill = skr03.bill(line("Service", 1, "0.50", Tax.reverse_charge()),
                      line("Screws", 1, "0.50", INTRA))
    assessed = [(a, v) for a, v, m in skr03.postings(bill.entry_id) if m]
    assert assessed == [("1574", "0.10"), ("1577", "0.10"), ("1774", "-0.10"),
                        ("1787", "-0.10")]


def test_a_k_sales_invoice_assesses_nothing(skr03: Book) -> None:
    skr03.docs.configure(reverse_charge_rate="19")
    inv = skr03.docs.issue(skr03.docs.create_invoice(skr03.acme.id, DAY,
                                                     [line("Machine", 1, "1000.00", INTRA)]).id)
    assert inv.reverse_charge_rate is None
    assert skr03.postings(inv.entry_id) == [("1400", "1000.00", ""), ("8125", "-1000.00", "")]


def test_exempt_and_out_of_scope_sales_post_their_revenue_accounts(skr03: Book) -> None:
    inv = skr03.docs.issue(skr03.docs.create_invoice(skr03.acme.id, DAY, [
        line("Rent", 1, "700.00", Tax.exempt("Exempt under § 4 Nr. 12 UStG")),
        line("Consulting abroad", 1, "300.00", Tax.out_of_scope())]).id)
    assert skr03.postings(inv.entry_id) == sorted([
        ("1400", "1000.00", ""), ("8100", "-700.00", ""), ("8338", "-300.00", "")])


# ---------------------------------------------------------------- other books
def test_the_generic_chart_takes_the_plain_vat_roles(generic: Book) -> None:
    generic.docs.configure(reverse_charge_rate="19")
    bill = generic.bill(line("Steel", 1, "1000.00", INTRA, account="6300"))
    assert generic.postings(bill.entry_id) == sorted([
        ("2110", "-1000.00", ""), ("6300", "1000.00", ""),
        ("1170", "190.00", K19), ("2140", "-190.00", K19)])


def test_a_role_for_category_k_takes_only_the_k_assessment(generic: Book) -> None:
    generic.bo.ledger.set_role("vat_reverse_charge.K", "2150")
    generic.docs.configure(reverse_charge_rate="19")
    bill = generic.bill(line("Steel", 1, "1000.00", INTRA, account="6300"),
                        line("Advisory", 1, "100.00", Tax.reverse_charge(), account="6300"))
    assessed = [(a, v, m) for a, v, m in generic.postings(bill.entry_id) if m]
    ae = "VAT AE 19% self-assessed"
    assert assessed == sorted([("1170", "19.00", ae), ("2140", "-19.00", ae),
                               ("1170", "190.00", K19), ("2150", "-190.00", K19)])
