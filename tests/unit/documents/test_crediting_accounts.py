"""The balancing line of a correction for what is left posts where its group posted.

A credit or debit note "for the rest" gets a balancing line per VAT group when the
earlier notes credited other amounts than their quantities (``._crediting``). That line
has no source line: it posted to the default account (other_expense on a debit note,
sales_returns on a credit note) while the invoice's or bill's lines of the group posted
to their own accounts, leaving one account over-credited and another under-credited.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from backoffice_core.documents import Tax, line
from backoffice_core.money import Money

ZERO = Money("0.00", "USD")


def _edited(book: Any, original: Any, kind: str, price: str, account: str | None) -> Any:
    note = book.docs.convert(original.id, kind, {"1": 1})
    edited = [line("Part of it", 1, price, Tax.standard(20), account=account)]
    return book.docs.issue(book.docs.update(note.id, version=note.version, lines=edited).id)


def test_a_debit_note_balances_to_the_bills_own_account(book: Any) -> None:
    bill = book.docs.issue(book.docs.create("supplier_bill", book.paperco.id,
        date(2026, 1, 10), [line("Rent", 2, "100.00", Tax.standard(20), account="6200")],
        external_number="R-1").id)
    _edited(book, bill, "debit_note", "70.00", "6200")
    book.docs.cancel(bill.id, reason="wrong supplier")
    rest = [n for n in book.docs.find(type="debit_note") if n.number][-1]
    assert [ln.account for ln in rest.lines] == ["6200", "6200"]  # a balancing line
    assert book.bo.ledger.balance("6200") == ZERO
    assert book.bo.ledger.balance("8100") == ZERO  # other_expense was never involved
    assert book.bo.ledger.balance("2110") == ZERO


def test_a_credit_note_balances_to_the_invoices_own_account(book: Any) -> None:
    inv = book.docs.issue(book.docs.create_invoice(book.acme.id, date(2026, 1, 10),
        [line("Consulting", 2, "100.00", Tax.standard(20), account="4110")]).id)
    _edited(book, inv, "credit_note", "70.00", "4110")
    book.docs.cancel(inv.id, reason="duplicate")
    assert book.bo.ledger.balance("4110") == ZERO
    assert book.bo.ledger.balance("4200") == ZERO
    assert book.bo.ledger.balance("1140") == ZERO


def test_several_accounts_in_a_group_the_largest_line_takes_the_balance(book: Any) -> None:
    bill = book.docs.issue(book.docs.create("supplier_bill", book.paperco.id,
        date(2026, 1, 10), [line("Rent", 2, "100.00", Tax.standard(20), account="6200"),
                            line("Power", 1, "30.00", Tax.standard(20), account="6300")],
        external_number="R-2").id)
    _edited(book, bill, "debit_note", "70.00", "6200")
    rest = book.docs.credit(bill.id)
    balancing = rest.lines[-1]
    assert balancing.source is None and balancing.account == "6200"
    assert [ln.account for ln in rest.lines] == ["6200", "6300", "6200"]
