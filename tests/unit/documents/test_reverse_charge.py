"""A purchase under reverse charge (category AE) is self-assessed when the book names its
rate: Dr vat_input / Cr vat_reverse_charge (else vat_output) on the AE base."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

import backoffice_core as bc
from backoffice_core.documents import Tax, line
from backoffice_core.errors import ValidationError

JAN9 = date(2026, 1, 9)


def _bill(book: Any, *lines: Any, currency: str = "USD") -> Any:
    return book.docs.issue(book.docs.create_bill(book.paperco.id, JAN9, list(lines),
                                                 currency=currency).id)


def _lines_of(book: Any, doc: Any) -> list[tuple[str, str, str]]:
    entry = book.bo.ledger.entry(doc.entry_id)
    return sorted((p.account, str(p.money.amount), p.memo) for p in entry.postings)


def test_a_reverse_charge_bill_is_self_assessed(book: Any) -> None:
    book.docs.configure(reverse_charge_rate="19")
    bill = _bill(book, line("Consulting", 1, "1000.00", Tax.reverse_charge(), account="6300"),
                 line("Paper", 2, "50.00", Tax.standard(19), account="6300"))
    assert _lines_of(book, bill) == sorted([
        ("2110", "-1119.00", ""), ("6300", "1100.00", ""), ("1170", "19.00", "VAT S 19%"),
        ("1170", "190.00", "VAT AE 19% self-assessed"),
        ("2140", "-190.00", "VAT AE 19% self-assessed")])
    led = book.bo.ledger
    assert led.balance("2110") == bc.Money("-1119.00", "USD")  # the supplier is owed the bill
    assert led.balance("1170") == bc.Money("209.00", "USD")
    assert led.balance("2140") == bc.Money("-190.00", "USD")
    assert led.verify().ok
    # a debit note mirrors it, and cancelling the bill reverses it
    note = book.docs.issue(book.docs.credit(bill.id, {"1": 1}, date=JAN9).id)
    assert ("2140", "190.00", "VAT AE 19% self-assessed") in _lines_of(book, note)
    assert led.balance("2140") == bc.Money("0.00", "USD")


def test_without_a_rate_nothing_is_self_assessed(book: Any) -> None:
    bill = _bill(book, line("Consulting", 1, "1000.00", Tax.reverse_charge(), account="6300"))
    assert _lines_of(book, bill) == [("2110", "-1000.00", ""), ("6300", "1000.00", "")]


def test_sales_under_reverse_charge_are_not_self_assessed(book: Any) -> None:
    book.docs.configure(reverse_charge_rate="19")
    inv = book.docs.issue(book.docs.create_invoice(
        book.acme.id, JAN9, [line("Consulting", 1, "1000.00", Tax.reverse_charge())]).id)
    assert {a for a, _, _ in _lines_of(book, inv)} == {"1140", "4100"}


def test_a_foreign_currency_bill_is_assessed_in_the_functional_currency(book: Any) -> None:
    """EUR 1000.00 at the bill's rate 1.10 is USD 1100.00; 19% of it, USD 209.00."""
    book.docs.configure(reverse_charge_rate="19")
    bill = _bill(book, line("Licence", 1, "1000.00", Tax.reverse_charge(), account="6300"),
                 currency="EUR")
    entry = book.bo.ledger.entry(bill.entry_id)
    assessed = [(p.account, p.currency, p.amount) for p in entry.postings
                if p.memo.endswith("self-assessed")]
    assert assessed == [("1170", "USD", 20900), ("2140", "USD", -20900)]
    assert book.bo.ledger.verify().ok


def test_a_role_of_its_own_takes_the_assessed_vat(book: Any) -> None:
    book.bo.ledger.set_role("vat_reverse_charge", "2150")
    book.docs.configure(reverse_charge_rate=Decimal("7"))
    bill = _bill(book, line("Service", 1, "100.00", Tax.reverse_charge(), account="6300"))
    assert ("2150", "-7.00", "VAT AE 7% self-assessed") in _lines_of(book, bill)


@pytest.mark.parametrize("rate", [0, "-1", "101", "abc", 1.5])
def test_a_rate_out_of_range_is_refused(book: Any, unchanged: Any, rate: Any) -> None:
    info = unchanged(book.bo, ValidationError, book.docs.configure, reverse_charge_rate=rate)
    assert (info.value.field, info.value.value) == ("reverse_charge_rate", rate)


def test_the_rate_is_kept_by_the_sql_store(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'rc.db'}"
    bo = bc.Backoffice.open(url)
    bo.ledger.setup("X", currency="EUR", chart="generic")
    bo.documents.configure(reverse_charge_rate="19.5")
    assert bc.Backoffice.open(url).documents.settings().reverse_charge_rate == Decimal("19.5")


def test_settings_stored_before_the_rate_existed_read_without_one() -> None:
    import json

    from backoffice_core.adapters.sql.documents_mappers import decode, encode
    from backoffice_core.testing._contracts import _documents_samples as s

    row = json.loads(encode(s.settings()))
    del row["reverse_charge_rate"]
    assert decode(json.dumps(row)).reverse_charge_rate is None


def test_the_rate_is_fixed_on_the_bill_and_its_corrections(book: Any) -> None:
    """The bill keeps the rate it was assessed at; a later change of the setting does not
    reach its debit note, which mirrors the bill exactly."""
    book.docs.configure(reverse_charge_rate="19")
    bill = _bill(book, line("Consulting", 1, "1000.00", Tax.reverse_charge(), account="6300"))
    assert bill.reverse_charge_rate == Decimal("19")
    book.docs.configure(reverse_charge_rate="21")
    note = book.docs.issue(book.docs.credit(bill.id, {"1": 1}, date=JAN9).id)
    assert note.reverse_charge_rate == Decimal("19")
    assert book.bo.ledger.balance("2140") == bc.Money("0.00", "USD")
    later = _bill(book, line("Audit", 1, "100.00", Tax.reverse_charge(), account="6300"))
    assert later.reverse_charge_rate == Decimal("21")
    plain = _bill(book, line("Paper", 1, "10.00", Tax.standard(19), account="6300"))
    assert plain.reverse_charge_rate is None  # nothing under reverse charge


def test_a_bill_issued_before_the_setting_is_never_assessed(book: Any) -> None:
    bill = _bill(book, line("Consulting", 1, "1000.00", Tax.reverse_charge(), account="6300"))
    book.docs.configure(reverse_charge_rate="19")
    note = book.docs.issue(book.docs.credit(bill.id, {"1": 1}, date=JAN9).id)
    assert (bill.reverse_charge_rate, note.reverse_charge_rate) == (None, None)
    assert book.bo.ledger.balance("2140") == bc.Money("0.00", "USD")


def test_a_cash_discount_lowers_the_self_assessed_vat(book: Any) -> None:
    """2% within 10 days on EUR-free USD 1000.00: the base falls by 20.00, the assessed
    VAT by 3.80 on both sides."""
    from backoffice_core.documents import EarlyPaymentDiscount, PaymentTerms

    book.docs.configure(reverse_charge_rate="19")
    bill = book.docs.issue(book.docs.create_bill(
        book.paperco.id, JAN9, [line("Consulting", 1, "1000.00", Tax.reverse_charge(),
                                     account="6300")],
        payment_terms=PaymentTerms.net(30, discount=EarlyPaymentDiscount(2, 10))).id)
    book.docs.record_payment(book.paperco.id, bc.Money("980.00", "USD"), date(2026, 1, 15),
                             allocate_to=[bill.id], side="purchase")
    assert book.docs.get(bill.id).state.value == "paid"
    led = book.bo.ledger
    assert led.balance("1170") == bc.Money("186.20", "USD")  # 190.00 - 3.80
    assert led.balance("2140") == bc.Money("-186.20", "USD")
    assert led.balance("2110") == bc.Money("0.00", "USD") and led.verify().ok


def test_bills_issued_in_bulk_are_assessed_alike(book: Any) -> None:
    book.docs.configure(reverse_charge_rate="19")
    drafts = [book.docs.create_bill(book.paperco.id, JAN9, [
        line("Consulting", 1, f"{100 * n}.00", Tax.reverse_charge(), account="6300")]).id
        for n in (1, 2)]
    done = book.docs.issue_many(drafts)
    assert [d.reverse_charge_rate for d in done] == [Decimal("19")] * 2
    assert book.bo.ledger.balance("2140") == bc.Money("-57.00", "USD")  # 19% of 300.00
