"""Ledger postings through the book's roles, in the same unit of work as the document."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from backoffice_core.documents import AllowanceCharge, DocumentRounding, Tax, line
from backoffice_core.errors import AccountInactiveError
from backoffice_core.money import Money


def _lines(book: Any, entry_id: str) -> list[tuple[str, int, str, int, tuple[Any, ...]]]:
    e = book.bo.ledger.entry(entry_id)
    return [(p.account, p.amount, p.currency, p.functional, p.dimensions) for p in e.postings]


def test_invoice_posts_receivables_revenue_and_output_vat(book: Any) -> None:
    inv = book.docs.issue(book.docs.create_invoice(book.acme.id, date(2026, 1, 10), [
        line("Design", 10, "80.00", Tax.standard(20), project="P-1"),
        line("Travel", 1, "50.00", Tax.standard(20))]).id)
    party = (("party", book.acme.id),)
    assert _lines(book, inv.entry_id) == [
        ("1140", 102000, "USD", 102000, party),
        ("4100", -80000, "USD", -80000, (("project", "P-1"),)),
        ("4100", -5000, "USD", -5000, ()),
        ("2140", -17000, "USD", -17000, ()),
    ]
    entry = book.bo.ledger.entry(inv.entry_id)
    assert entry.reference == inv.number and entry.idempotency_key == f"documents:issue:{inv.id}"
    assert book.bo.ledger.balance("4100", dimension=("project", "P-1")) == Money("-800.00",
                                                                                 "USD")
    assert book.bo.ledger.balance("1140", dimension=("party", book.acme.id)) == \
        Money("1020.00", "USD")


def test_credit_note_is_the_mirror_on_sales_returns(book: Any) -> None:
    inv = book.docs.issue(book.docs.create_invoice(book.acme.id, date(2026, 1, 10), [
        line("Design", 1, "100.00", Tax.standard(20))]).id)
    cn = book.docs.issue(book.docs.credit(inv.id).id)
    party = (("party", book.acme.id),)
    assert _lines(book, cn.entry_id) == [
        ("1140", -12000, "USD", -12000, party),
        ("4200", 10000, "USD", 10000, ()),
        ("2140", 2000, "USD", 2000, ()),
    ]


def test_bill_posts_expense_input_vat_and_payables(book: Any) -> None:
    bill = book.docs.issue(book.docs.create_bill(book.paperco.id, date(2026, 1, 10), [
        line("Rent", 1, "1000.00", Tax.standard(20), account="6200"),
        line("Sundries", 1, "10.00", Tax.reduced(10))]).id)
    party = (("party", book.paperco.id),)
    assert _lines(book, bill.entry_id) == [
        ("2110", -121100, "USD", -121100, party),
        ("6200", 100000, "USD", 100000, ()),
        ("8100", 1000, "USD", 1000, ()),
        ("1170", 100, "USD", 100, ()),
        ("1170", 20000, "USD", 20000, ()),
    ]


def test_payments_post_bank_against_the_party(book: Any) -> None:
    inv = book.docs.issue(book.docs.create_invoice(book.acme.id, date(2026, 1, 10), [
        line("A", 1, "100.00", Tax.zero())]).id)
    p = book.docs.record_payment(book.acme.id, Money("100.00", "USD"), date(2026, 1, 12),
                                 allocate_to=[inv.id])
    assert _lines(book, p.entry_id) == [
        ("1120", 10000, "USD", 10000, ()),
        ("1140", -10000, "USD", -10000, (("party", book.acme.id),)),
    ]
    cash = book.docs.record_payment(book.paperco.id, Money("5.00", "USD"),
                                    date(2026, 1, 12), method="cash")
    assert _lines(book, cash.entry_id) == [
        ("1110", -500, "USD", -500, ()),
        ("2110", 500, "USD", 500, (("party", book.paperco.id),)),
    ]


def test_allowances_charges_and_cash_rounding_post(make_book: Any) -> None:
    book = make_book(currency="CHF")
    inv = book.docs.issue(book.docs.create_invoice(
        book.acme.id, date(2026, 1, 10), [line("A", 1, "10.02", Tax.zero())],
        rounding=DocumentRounding(cash_increment="0.05"),
        allowances_charges=[AllowanceCharge.charge("1.00", tax=Tax.zero(), account="7100"),
                            AllowanceCharge.allowance("0.50", tax=Tax.zero())]).id)
    # 10.02 + 1.00 - 0.50 = 10.52 -> 10.50 payable, rounding -0.02; the line and the
    # allowance share the revenue account: -10.02 + 0.50 = -9.52
    assert inv.totals.amount_due == Money("10.50", "CHF")
    assert _lines(book, inv.entry_id) == [
        ("1140", 1050, "CHF", 1050, (("party", book.acme.id),)),
        ("4100", -952, "CHF", -952, ()),
        ("7100", -100, "CHF", -100, ()),
        ("8500", 2, "CHF", 2, ()),
    ]


def test_foreign_invoice_carries_functional_values_that_balance(book: Any) -> None:
    inv = book.docs.issue(book.docs.create_invoice(book.acme.id, date(2026, 1, 10), [
        line("A", 3, "33.33", Tax.standard(19)), line("B", 1, "10.01", Tax.reduced(7)),
        line("C", 7, "1.11", Tax.standard(19))], currency="EUR").id)
    t = inv.totals
    # VAT 19 % of 99.99 + 7.77 = 107.76 -> 20.47; 7 % of 10.01 -> 0.70; total 21.17 EUR;
    # BT-111 = 21.17 x 1.10 = 23.287 -> 23.29 USD
    assert t.tax_total == Money("21.17", "EUR")
    assert t.tax_total_accounting == Money("23.29", "USD")
    rows = _lines(book, inv.entry_id)
    assert sum(r[1] for r in rows) == 0 and sum(r[3] for r in rows) == 0
    assert sum(r[3] for r in rows if r[0] == "2140") == -2329
    # receivable: 99.99 + 10.01 + 7.77 + 21.17 = 138.94 EUR x 1.10 = 152.834 -> 152.83 USD
    assert t.tax_inclusive == Money("138.94", "EUR")
    assert [r[3] for r in rows if r[0] == "1140"] == [15283]
    assert inv.fx_rate == Decimal("1.10") and inv.functional_currency == "USD"


def test_russian_chart_roles(make_book: Any) -> None:
    book = make_book(currency="RUB", chart="ru_94n")
    inv = book.docs.issue(book.docs.create_invoice(book.acme.id, date(2026, 1, 10), [
        line("Товар", 2, "1000.00", Tax.standard(22))]).id)
    assert [r[0] for r in _lines(book, inv.entry_id)] == ["62.01", "90.01", "68.02"]
    assert book.bo.ledger.verify().ok


def test_a_full_credit_note_negates_its_invoice_field_by_field(book: Any) -> None:
    inv = book.docs.issue(book.docs.create_invoice(book.acme.id, date(2026, 1, 10), [
        line("A", 3, "33.335", Tax.standard(19), discount="7.5"),
        line("B", 1, "24.99", Tax.standard(20), price_includes_tax=True),
        line("C", 2, "10.00", Tax.exempt())], currency="EUR",
        allowances_charges=[AllowanceCharge.charge("4.95", tax=Tax.standard(19))]).id)
    # issued three weeks later, when the rate is 1.20: the note keeps the invoice's 1.10
    book.clock.set(book.clock.now().replace(month=2, day=21))
    cn = book.docs.issue(book.docs.credit(inv.id).id)
    assert cn.totals.signed(-1) == inv.totals.negated()
    assert cn.totals.tax_total_accounting == inv.totals.tax_total_accounting
    inv_rows = _lines(book, inv.entry_id)
    cn_rows = _lines(book, cn.entry_id)
    assert [(a, -m, c, -f, d) for a, m, c, f, d in inv_rows if a != "4100"] == \
        [r for r in cn_rows if r[0] != "4200"]
    assert sum(r[3] for r in inv_rows if r[0] == "4100") == \
        -sum(r[3] for r in cn_rows if r[0] == "4200")
    assert book.bo.ledger.balance_detail("1140", "EUR").functional == 0
    assert book.docs.get(inv.id).state.value == "paid"
    assert book.docs.allocations(inv.id)[0].fx_difference == Money("0.00", "USD")


def test_a_failed_posting_leaves_the_draft_and_the_counter_untouched(make_book: Any,
                                                                     unchanged: Any,
                                                                     archive_anyway: Any) -> None:
    book = make_book()
    book.bo.ledger.set_role("vat_output", "2150")
    archive_anyway(book.bo, "2150")  # the posting will be refused (archived before the guard)
    d = book.docs.create_invoice(book.acme.id, date(2026, 1, 10),
                                 [line("A", 1, "10.00", Tax.standard(20))])
    unchanged(book.bo, AccountInactiveError, book.docs.issue, d.id)
    book.bo.ledger.update_account("2150", active=True)
    assert book.docs.issue(d.id).number == "INV-2026-00001"


def test_a_debit_note_mirrors_the_accounts_of_its_bill(book: Any) -> None:
    po = book.docs.issue(book.docs.create("purchase_order", book.paperco.id, date(2026, 1, 5),
                                          [line("Paper", 10, "4.00", Tax.standard(20))]).id)
    gr = book.docs.issue(book.docs.convert(po.id, "goods_receipt").id)
    bill = book.docs.issue(book.docs.convert(gr.id, "supplier_bill").id)
    dn = book.docs.issue(book.docs.credit(bill.id, {"1": 2}).id)
    # no inventory took the paper in, so the bill expensed it and its debit note mirrors that
    assert [(a, m) for a, m, *_ in _lines(book, bill.entry_id)] == [
        ("2110", -4800), ("8100", 4000), ("1170", 800)]
    assert [(a, m) for a, m, *_ in _lines(book, dn.entry_id)] == [
        ("2110", 960), ("8100", -800), ("1170", -160)]


def test_a_document_of_zero_amounts_issues_without_an_entry(book: Any) -> None:
    entries = len(book.bo.ledger.entries())
    free = book.docs.issue(book.docs.create_invoice(book.acme.id, date(2026, 1, 10), [
        line("Free sample", 3, "0.00", Tax.standard(20))]).id)
    assert free.number and free.entry_id is None and free.state.value == "paid"
    drafts = [book.docs.create_invoice(book.acme.id, date(2026, 1, 11), [
        line("Gift", 1, "0.00", Tax.zero())]).id,
        book.docs.create_invoice(book.acme.id, date(2026, 1, 11), [
            line("Design", 1, "10.00", Tax.zero())]).id]
    gift, paid = book.docs.issue_many(drafts)
    assert gift.entry_id is None and paid.entry_id is not None
    assert len(book.bo.ledger.entries()) == entries + 1
    assert book.bo.ledger.verify().ok


def test_offsetting_lines_post_without_a_zero_receivable(book: Any) -> None:
    inv = book.docs.issue(book.docs.create_invoice(book.acme.id, date(2026, 1, 10), [
        line("Design", 1, "100.00", Tax.zero()),
        line("Goodwill", -1, "100.00", Tax.zero(), account="4200")]).id)
    assert inv.totals is not None and inv.totals.to_settle == Money("0.00", "USD")
    assert sorted(_lines(book, inv.entry_id)) == [
        ("4100", -10000, "USD", -10000, ()), ("4200", 10000, "USD", 10000, ())]
