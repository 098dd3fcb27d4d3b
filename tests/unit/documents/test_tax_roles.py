"""Accounts chosen by VAT category and rate: ``revenue.S.7``, then ``revenue.S``, then
``revenue`` (``postings.role``), for issuing, credit notes, cash discounts and the
self-assessed reverse charge; the SKR 03 chart splits revenue and VAT by tax.

Hand-computed reference: 100.00 at 19 % + 50.00 at 7 % = 119.00 + 53.50 = 172.50; a 2 %
cash discount of 3.45 shares out as 2.38 on the 19 % row (VAT 0.38, net 2.00) and 1.07 on
the 7 % row (VAT 0.07, net 1.00).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
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
from backoffice_core.documents.postings import role, role_names
from backoffice_core.errors import NotFoundError
from backoffice_core.ports import FixedClock, SequentialIds

START = datetime(2026, 1, 31, tzinfo=UTC)
DAY = date(2026, 1, 10)
SKONTO = PaymentTerms.net(30, discount=EarlyPaymentDiscount(2, 10))
INTRA = Tax(TaxCategory.INTRA_COMMUNITY, 0, "Intra-community supply", "VATEX-EU-IC")
EXPORT = Tax(TaxCategory.EXPORT, 0, "Export outside the EU", "VATEX-EU-G")


class Book:
    """A book with a customer ``acme`` and a supplier ``paperco`` on ``chart``."""

    def __init__(self, currency: str, chart: str) -> None:
        self.bo = bc.Backoffice.open("memory://", clock=FixedClock(START),
                                     ids=SequentialIds("e"))
        self.bo.ledger.setup("Test Co", currency=currency, chart=chart)
        self.docs = self.bo.documents
        self.acme = self.docs.create_party("Acme GmbH")
        self.paperco = self.docs.create_party("Paper Co", is_customer=False,
                                              is_supplier=True)


@pytest.fixture
def skr03() -> Book:
    return Book("EUR", "de_skr03")


@pytest.fixture
def generic() -> Book:
    return Book("USD", "generic")


def _postings(book: Book, doc: Any) -> list[tuple[str, str, str]]:
    entry = book.bo.ledger.entry(doc.entry_id)
    return sorted((p.account, str(p.money.amount), p.memo) for p in entry.postings)


def _invoice(book: Book, *lines: Any, terms: Any = None) -> Any:
    return book.docs.issue(book.docs.create_invoice(book.acme.id, DAY, list(lines),
                                                    payment_terms=terms).id)


def _bill(book: Book, *lines: Any, terms: Any = None) -> Any:
    return book.docs.issue(book.docs.create_bill(book.paperco.id, DAY, list(lines),
                                                 payment_terms=terms).id)


def _two_rates() -> list[Any]:
    return [line("Goods", 1, "100.00", Tax.standard(19)),
            line("Books", 1, "50.00", Tax.reduced(7))]


# ---------------------------------------------------------------- the lookup itself
def test_the_most_specific_role_the_book_sets_wins() -> None:
    roles = {"revenue": "R", "revenue.S": "RS", "revenue.S.7": "RS7"}
    s7, s19, k = ("S", Decimal(7)), ("S", Decimal(19)), ("K", Decimal(0))
    assert role(roles, "revenue", tax=s7) == "RS7"
    assert role(roles, "revenue", tax=s19) == "RS"  # no revenue.S.19: the category
    assert role(roles, "revenue", tax=k) == "R"  # nothing for K: the role itself
    assert role(roles, "revenue") == "R"  # no tax: the role itself, as before
    assert role({"revenue.S.7": "RS7"}, "revenue", tax=s7) == "RS7"  # no base needed


def test_each_name_is_tried_from_its_most_specific_form_before_the_next() -> None:
    # a credit note: sales_returns (any form the book sets) before revenue
    roles = {"revenue": "R", "revenue.S.7": "RS7", "sales_returns": "SR"}
    assert role(roles, "sales_returns", "revenue", tax=("S", Decimal(7))) == "SR"
    assert role({"revenue": "R", "revenue.S.7": "RS7"}, "sales_returns", "revenue",
                tax=("S", Decimal(7))) == "RS7"
    with pytest.raises(NotFoundError) as err:  # named after the first role asked for
        role({"revenue.S.7": "RS7"}, "sales_returns", "revenue", tax=("S", Decimal(19)))
    assert err.value.field == "roles.sales_returns"


def test_the_rate_is_written_as_a_tax_writes_it() -> None:
    assert role_names("vat_output", ("S", Decimal("7.00"))) == (
        "vat_output.S.7", "vat_output.S", "vat_output")
    assert role_names("vat_output", Tax.standard("5.50").key)[0] == "vat_output.S.5.5"
    assert role_names("vat_output", Tax.standard(10).key)[0] == "vat_output.S.10"
    assert role_names("revenue", INTRA.key)[:2] == ("revenue.K.0", "revenue.K")


# ---------------------------------------------------------------- SKR 03 through the API
def test_an_invoice_at_19_and_7_percent_posts_to_the_accounts_of_each_rate(skr03: Book) -> None:
    inv = _invoice(skr03, *_two_rates())
    assert _postings(skr03, inv) == sorted([
        ("1400", "172.50", ""),
        ("8400", "-100.00", ""), ("1776", "-19.00", "VAT S 19%"),
        ("8300", "-50.00", ""), ("1771", "-3.50", "VAT S 7%")])
    led = skr03.bo.ledger
    assert (led.balance("8300"), led.balance("1771")) == (
        bc.Money("-50.00", "EUR"), bc.Money("-3.50", "EUR"))


def test_intra_community_export_and_reverse_charge_sales_post_their_revenue_accounts(
        skr03: Book) -> None:
    inv = _invoice(skr03, line("Machine", 1, "1000.00", INTRA))
    assert _postings(skr03, inv) == [("1400", "1000.00", ""), ("8125", "-1000.00", "")]
    inv = _invoice(skr03, line("Machine", 1, "800.00", EXPORT))
    assert _postings(skr03, inv) == [("1400", "800.00", ""), ("8120", "-800.00", "")]
    inv = _invoice(skr03, line("Installation", 1, "300.00", Tax.reverse_charge()))
    assert _postings(skr03, inv) == [("1400", "300.00", ""), ("8337", "-300.00", "")]


def test_a_bill_at_7_percent_posts_its_input_vat_to_the_7_percent_account(skr03: Book) -> None:
    bill = _bill(skr03, line("Books", 1, "50.00", Tax.reduced(7)),
                 line("Toner", 1, "100.00", Tax.standard(19)))
    assert _postings(skr03, bill) == sorted([
        ("1600", "-172.50", ""), ("4900", "150.00", ""),  # other_expense: no purchases role
        ("1571", "3.50", "VAT S 7%"), ("1576", "19.00", "VAT S 19%")])


def test_a_credit_note_reverses_each_rate_to_its_returns_and_vat_accounts(skr03: Book) -> None:
    inv = _invoice(skr03, *_two_rates())
    books, goods = inv.lines[1].id, inv.lines[0].id
    note = skr03.docs.issue(skr03.docs.credit(inv.id, {books: 1}, reason="returned").id)
    assert _postings(skr03, note) == sorted([
        ("1400", "-53.50", ""), ("8710", "50.00", ""), ("1771", "3.50", "VAT S 7%")])
    note = skr03.docs.issue(skr03.docs.credit(inv.id, {goods: 1}, reason="returned").id)
    assert _postings(skr03, note) == sorted([
        ("1400", "-119.00", ""), ("8720", "100.00", ""), ("1776", "19.00", "VAT S 19%")])
    led = skr03.bo.ledger  # each VAT account is back to zero
    assert led.balance("1771") == led.balance("1776") == bc.Money(0, "EUR")


def test_a_cash_discount_corrects_vat_per_rate_on_the_accounts_of_each_rate(
        skr03: Book) -> None:
    inv = _invoice(skr03, *_two_rates(), terms=SKONTO)
    skr03.docs.record_payment(skr03.acme.id, bc.Money("169.05", "EUR"), date(2026, 1, 20),
                              allocate_to=[inv.id])
    disc = next(a for a in skr03.docs.allocations(inv.id) if a.is_cash_discount)
    entry = skr03.bo.ledger.entry(disc.entry_id)
    assert sorted((p.account, str(p.money.amount), p.memo) for p in entry.postings) == sorted([
        ("1400", "-3.45", ""),
        ("8731", "1.00", "Cash discount S 7%"), ("1771", "0.07", "VAT S 7%"),
        ("8736", "2.00", "Cash discount S 19%"), ("1776", "0.38", "VAT S 19%")])
    led = skr03.bo.ledger
    assert (led.balance("1771"), led.balance("1776")) == (
        bc.Money("-3.43", "EUR"), bc.Money("-18.62", "EUR"))


def test_a_purchase_discount_credits_the_7_percent_accounts(skr03: Book) -> None:
    bill = _bill(skr03, *_two_rates(), terms=SKONTO)
    skr03.docs.record_payment(skr03.paperco.id, bc.Money("169.05", "EUR"), date(2026, 1, 20),
                              allocate_to=[bill.id])
    disc = next(a for a in skr03.docs.allocations(bill.id) if a.is_cash_discount)
    entry = skr03.bo.ledger.entry(disc.entry_id)
    assert sorted((p.account, str(p.money.amount), p.memo) for p in entry.postings) == sorted([
        ("1600", "3.45", ""),
        ("3731", "-1.00", "Cash discount S 7%"), ("1571", "-0.07", "VAT S 7%"),
        ("3736", "-2.00", "Cash discount S 19%"), ("1576", "-0.38", "VAT S 19%")])


def test_a_self_assessed_reverse_charge_posts_to_the_13b_vat_accounts(skr03: Book) -> None:
    skr03.docs.configure(reverse_charge_rate="19")
    bill = _bill(skr03, line("Cleaning", 1, "1000.00", Tax.reverse_charge()))
    memo = "VAT AE 19% self-assessed"
    assert _postings(skr03, bill) == sorted([
        ("1600", "-1000.00", ""), ("4900", "1000.00", ""),
        ("1577", "190.00", memo), ("1787", "-190.00", memo)])


def test_a_lines_own_account_still_wins(skr03: Book) -> None:
    inv = _invoice(skr03, line("Commission", 1, "50.00", Tax.reduced(7), account="8600"))
    assert _postings(skr03, inv) == sorted([
        ("1400", "53.50", ""), ("8600", "-50.00", ""), ("1771", "-3.50", "VAT S 7%")])


# ---------------------------------------------------------------- other books
def test_the_generic_chart_keeps_one_account_per_role(generic: Book) -> None:
    inv = _invoice(generic, *_two_rates(), line("Machine", 1, "10.00", INTRA))
    assert _postings(generic, inv) == sorted([
        ("1140", "182.50", ""), ("4100", "-160.00", ""),
        ("2140", "-19.00", "VAT S 19%"), ("2140", "-3.50", "VAT S 7%")])


def test_any_book_can_name_a_specific_role_and_keep_it(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'books.db'}"
    bo = bc.Backoffice.open(url)
    bo.ledger.setup("Shop", currency="EUR", chart="generic")
    bo.ledger.open_account("4105", "Sales, reduced rate", "income", parent="4000")
    bo.ledger.open_account("2145", "VAT payable, reduced rate", "liability", parent="2100")
    bo.ledger.set_role("revenue.S.7", "4105")
    bo.ledger.set_role("vat_output.S.7", "2145")
    bo = bc.Backoffice.open(url)  # the SQL store keeps any role name
    assert bo.ledger.role("revenue.S.7") == "4105"
    customer = bo.documents.create_party("Acme")
    inv = bo.documents.issue(bo.documents.create_invoice(customer.id, DAY, _two_rates()).id)
    assert sorted((p.account, str(p.money.amount)) for p in
                  bo.ledger.entry(inv.entry_id).postings) == sorted([
        ("1140", "172.50"), ("4100", "-100.00"), ("2140", "-19.00"),
        ("4105", "-50.00"), ("2145", "-3.50")])
