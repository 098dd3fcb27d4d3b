"""Input rules refused where the value is given (EN 16931 and the currency's minor unit):

* an exempt (AE, K, G, O) tax without an exemption reason text or code: the factories
  refuse it, and issuing a sales invoice whose VAT breakdown would lack it (BR-E-10 and
  its siblings); a draft may still hold it, and a note keeps what its original had;
* a cash increment that is not a whole number of the currency's minor unit;
* a credit limit, write-off limit or approval threshold finer than the minor unit;
* ``Totals.signed`` given no number;
* the aging report carries the book's currency for ``functional_total``.

Values stored before these checks still load and stay usable.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

import attrs
import pytest
from tests.unit.documents.conftest import Book

import backoffice_core as bc
from backoffice_core.documents import ApprovalRule, Tax, TaxCategory, line
from backoffice_core.documents.aging import AgingReport, build_aging
from backoffice_core.documents.model import Direction
from backoffice_core.documents.rounding import DocumentRounding
from backoffice_core.documents.totals import compute_totals
from backoffice_core.money import Money
from backoffice_core.schemas import parse_party

Unchanged = Callable[..., pytest.ExceptionInfo[BaseException]]


# ---------------------------------------------------------------- exemption reasons
@pytest.mark.parametrize("make", [lambda: Tax.exempt(""), lambda: Tax.exempt("  ", ""),
                                  lambda: Tax.reverse_charge("", ""),
                                  lambda: Tax.out_of_scope("", "")])
def test_the_factories_refuse_no_reason_and_no_code(make: Callable[[], Tax]) -> None:
    with pytest.raises(bc.ValidationError) as info:
        make()
    assert (info.value.field, info.value.value) == ("exemption_reason", "")
    assert "-10" in info.value.message


def test_a_code_alone_or_a_reason_alone_is_enough() -> None:
    assert Tax.exempt("", "VATEX-EU-132-1B").exemption_code == "VATEX-EU-132-1B"
    assert Tax.reverse_charge("Reverse charge", "").exemption_reason == "Reverse charge"
    assert Tax(TaxCategory.EXEMPT).exemption_reason == ""  # stored values still load


@pytest.mark.parametrize("category", ["E", "AE", "K", "G", "O"])
def test_issuing_a_sales_invoice_without_a_reason_is_refused(
        book: Book, unchanged: Unchanged, category: str) -> None:
    lines = [line("Plain", 1, "10.00", Tax.standard(20)),
             line("Service", 1, "50.00", Tax(category))]
    draft = book.docs.create_invoice(book.acme.id, date(2026, 1, 5), lines)  # a draft may
    info = unchanged(book.bo, bc.ValidationError, book.docs.issue, draft.id)
    assert (info.value.field, info.value.value) == ("lines[1].tax.exemption_reason", "")
    prefix = TaxCategory.from_code(category).rule_prefix
    assert f"BR-{prefix}-10" in info.value.message
    fixed = [lines[0], attrs.evolve(lines[1], tax=Tax(category, exemption_code="VATEX-X"))]
    draft = book.docs.update(draft.id, version=draft.version, lines=fixed)
    assert book.docs.issue(draft.id).number


def test_one_reason_in_the_vat_group_is_enough(book: Book) -> None:
    doc = book.docs.create_invoice(book.acme.id, date(2026, 1, 5), [
        line("A", 1, "10.00", Tax(TaxCategory.EXEMPT)),
        line("B", 1, "10.00", Tax.exempt("Medical care"))])
    issued = book.docs.issue(doc.id)
    assert issued.totals is not None
    assert issued.totals.breakdown[0].exemption_reason == "Medical care"


def test_a_supplier_bill_records_what_the_supplier_sent(book: Book) -> None:
    bill = book.docs.create_bill(book.paperco.id, date(2026, 1, 5),
                                 [line("Paper", 1, "10.00", Tax(TaxCategory.EXEMPT))])
    assert book.docs.issue(bill.id).number


def test_an_invoice_issued_before_the_check_can_still_be_credited(
        book: Book, monkeypatch: pytest.MonkeyPatch) -> None:
    doc = book.docs.create_invoice(book.acme.id, date(2026, 1, 5),
                                   [line("A", 2, "10.00", Tax(TaxCategory.EXEMPT))])
    from backoffice_core.documents import _rules

    monkeypatch.setattr(_rules, "_check_exemption_reasons", lambda doc, original: None)
    issued = book.docs.issue(doc.id)  # as before the check: no reason stored
    monkeypatch.undo()
    note = book.docs.credit(issued.id, {issued.lines[0].id: 1})
    assert book.docs.issue(note.id).number
    assert book.docs.cancel(issued.id).state.value == "cancelled"


# ---------------------------------------------------------------- cash increments
@pytest.mark.parametrize(("code", "step"), [("JPY", "0.5"), ("EUR", "0.001"),
                                            ("EUR", "0.025"), ("KWD", "0.0005")])
def test_a_cash_increment_off_the_minor_unit_is_refused(code: str, step: str) -> None:
    with pytest.raises(bc.ValidationError) as info:
        DocumentRounding(cash_increment=step).check_currency(code)
    assert (info.value.field, info.value.value) == ("rounding.cash_increment", Decimal(step))
    for fine in ("0.05", "1", "10") if code != "JPY" else ("1", "5", "10"):
        assert DocumentRounding(cash_increment=fine).check_currency(code).cash_increment


def test_configure_refuses_a_default_increment_off_the_book_currency(
        make_book: Callable[..., Book], unchanged: Unchanged) -> None:
    book = make_book(currency="CHF")
    info = unchanged(book.bo, bc.ValidationError, book.docs.configure,
                     rounding=DocumentRounding(cash_increment="0.001"))
    assert (info.value.field, info.value.value) == ("rounding.cash_increment",
                                                    Decimal("0.001"))
    assert book.docs.configure(rounding=DocumentRounding(cash_increment="0.05")).version


def test_a_draft_refuses_an_increment_off_its_currency(
        book: Book, unchanged: Unchanged) -> None:
    jpy = DocumentRounding(cash_increment="0.5")
    lines = [line("A", 1, "103", Tax.standard(10))]
    info = unchanged(book.bo, bc.ValidationError, book.docs.create_invoice, book.acme.id,
                     date(2026, 1, 5), lines, currency="JPY", rounding=jpy)
    assert (info.value.field, info.value.value) == ("rounding.cash_increment", Decimal("0.5"))
    draft = book.docs.create_invoice(book.acme.id, date(2026, 1, 5), lines, currency="JPY")
    info = unchanged(book.bo, bc.ValidationError, book.docs.update, draft.id,
                     version=draft.version, rounding=jpy)
    assert info.value.field == "rounding.cash_increment"
    ten = book.docs.update(draft.id, version=draft.version,
                           rounding=DocumentRounding(cash_increment="10"))
    assert ten.totals is not None and ten.totals.amount_due == Money("110", "JPY")


# ---------------------------------------------------------------- limits and thresholds
def test_a_credit_limit_finer_than_the_minor_unit_is_refused(
        book: Book, unchanged: Unchanged) -> None:
    fine = Money("12.505", "EUR")
    info = unchanged(book.bo, bc.ValidationError, book.docs.create_party, "B",
                     credit_limit=fine)
    assert (info.value.field, info.value.value) == ("credit_limit", fine)
    info = unchanged(book.bo, bc.ValidationError, book.docs.update_party, book.acme.id,
                     version=book.acme.version, credit_limit=fine)
    assert (info.value.field, info.value.value) == ("credit_limit", fine)
    with pytest.raises(bc.ValidationError) as err:
        parse_party({"legal_name": "B", "credit_limit": {"amount": "12.505",
                                                         "currency": "EUR"}})
    assert [e[0] for e in err.value.errors] == ["credit_limit"]
    assert book.docs.create_party("C", credit_limit=Money("12.50", "EUR")).credit_limit


def test_a_credit_limit_stored_before_still_loads_and_the_party_stays_editable(
        book: Book) -> None:
    old = attrs.evolve(book.acme, credit_limit=Money("12.505", "USD"),
                       version=book.acme.version + 1)
    with book.bo.unit_of_work() as uow:
        uow.documents.update_party(old, book.acme.version)  # type: ignore[attr-defined]
        uow.commit()
    assert book.docs.party(book.acme.id).credit_limit == Money("12.505", "USD")
    renamed = book.docs.update_party(book.acme.id, version=old.version, tags=["x"])
    assert renamed.credit_limit == Money("12.505", "USD")


def test_configure_refuses_write_off_limits_and_thresholds_finer_than_the_minor_unit(
        book: Book, unchanged: Unchanged) -> None:
    info = unchanged(book.bo, bc.ValidationError, book.docs.configure,
                     write_off_limits=[Money("0.50", "USD"), Money("1.5", "JPY")])
    assert (info.value.field, info.value.value) == ("write_off_limits[1]",
                                                    Money("1.5", "JPY"))
    rules = [ApprovalRule("sales_invoice", Money("100.001", "USD"))]
    info = unchanged(book.bo, bc.ValidationError, book.docs.configure, approval_rules=rules)
    assert info.value.field == "approval_rules[0].threshold"


# ---------------------------------------------------------------- Totals.signed
@pytest.mark.parametrize("sign", ["x", None, True, 1.0, Decimal("NaN")])
def test_signed_without_a_number_is_a_typed_error(sign: Any) -> None:
    t = compute_totals([line("A", 1, "100.00", Tax.standard(20))], "EUR")
    with pytest.raises(bc.ValidationError) as info:
        t.signed(sign)
    assert (info.value.field, info.value.value) == ("sign", sign) or sign != sign
    assert t.signed(Decimal(-1)).amount_due == Money("-120.00", "EUR")


# ---------------------------------------------------------------- aging currency
def test_the_aging_report_carries_the_book_currency(book: Book) -> None:
    empty = book.docs.aging(date(2026, 3, 20))
    assert empty.functional == "USD"
    assert empty.functional_total() == Money("0.00", "USD")
    with pytest.raises(bc.ValidationError) as info:
        empty.functional_total("EUR")
    assert (info.value.field, info.value.value) == ("functional", "EUR")
    assert empty.functional_total("usd") == Money("0.00", "USD")  # the old call


def test_an_aging_report_built_without_it_still_works() -> None:
    old = AgingReport(date(2026, 1, 31), Direction.SALES, (), ())
    assert old.functional is None
    assert old.functional_total("EUR") == Money("0.00", "EUR")
    with pytest.raises(bc.ValidationError) as info:
        old.functional_total()
    assert info.value.field == "functional"
    assert build_aging([], date(2026, 1, 31), Direction.SALES, {}).functional is None


# ---------------------------------------------------------------- settlement amounts
def test_an_allocation_finer_than_the_minor_unit_is_refused(
        book: Book, unchanged: Unchanged) -> None:
    inv = book.docs.issue(book.docs.create_invoice(
        book.acme.id, date(2026, 1, 5), [line("A", 1, "100.00", Tax.standard(20))]).id)
    pay = book.docs.record_payment(book.acme.id, Money("50.00", "USD"), date(2026, 1, 6))
    fine = Money("10.005", "USD")
    info = unchanged(book.bo, bc.ValidationError, book.docs.allocate, pay.id, inv.id, fine)
    assert (info.value.field, info.value.value) == ("amount", fine)
    info = unchanged(book.bo, bc.ValidationError, book.docs.write_off, inv.id,
                     limit=Money("200.005", "USD"))
    assert (info.value.field, info.value.value) == ("limit", Money("200.005", "USD"))
    book.docs.allocate(pay.id, inv.id, Money("10.01", "USD"))
    assert book.docs.get(inv.id).open_amount == Money("109.99", "USD")


def test_the_document_schema_refuses_an_increment_off_its_currency(book: Book) -> None:
    from backoffice_core.schemas import parse_document

    data = {"type": "sales_invoice", "date": "2026-01-05", "party_id": book.acme.id,
            "currency": "JPY", "rounding": {"cash_increment": "0.5"},
            "lines": [{"description": "A", "quantity": "1", "unit_price": "100",
                       "tax": {"category": "S", "rate": "10"}}]}
    with pytest.raises(bc.ValidationError) as info:
        parse_document(data)
    assert [e[0] for e in info.value.errors] == ["rounding"]
    assert parse_document({**data, "rounding": {"cash_increment": "10"}})["rounding"]
