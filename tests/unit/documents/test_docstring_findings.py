"""What writing the documents' and schemas' docstring examples showed: each test failed
before its fix (a wrong result, an untyped error, input a schema passed and the book then
refused)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import pytest

import backoffice_core as bc
from backoffice_core.documents import (
    AllowanceCharge,
    ApprovalRule,
    DocumentLine,
    DocumentRounding,
    DocumentSettings,
    DocumentType,
    EarlyPaymentDiscount,
    Instalment,
    PaymentTerms,
    Tax,
    compute_totals,
    line,
)
from backoffice_core.errors import ValidationError
from backoffice_core.schemas import parse_document, parse_party

from .conftest import Book

Unchanged = Callable[..., pytest.ExceptionInfo[BaseException]]


def _invoice(book: Book, day: date, price: str = "100.00") -> Any:
    return book.docs.issue(book.docs.create_invoice(book.acme.id, day,
                                                    [line("A", 1, price, Tax.zero())]).id)


# ------------------------------------------------------------------ aging and statements
def test_aging_totals_take_a_currency_code_in_any_case(book: Book) -> None:
    _invoice(book, date(2026, 1, 5))
    report = book.docs.aging(date(2026, 3, 20))
    assert report.total("usd") == report.total("USD") == bc.Money("100.00", "USD")
    assert report.total("usd", book.acme.id) == bc.Money("100.00", "USD")
    assert report.bucket_totals("usd") == report.bucket_totals("USD")
    assert report.bucket_totals("usd")[2] == bc.Money("100.00", "USD")


def test_aging_functional_total_in_another_currency_names_the_argument(book: Book) -> None:
    _invoice(book, date(2026, 1, 5))
    report = book.docs.aging(date(2026, 3, 20))
    assert report.functional_total("usd") == bc.Money("100.00", "USD")
    with pytest.raises(ValidationError) as info:
        report.functional_total("EUR")
    assert (info.value.field, info.value.value) == ("functional", "EUR")
    assert "USD" in info.value.message


def test_a_statement_in_a_lower_case_currency_is_the_statement(book: Book) -> None:
    _invoice(book, date(2026, 1, 5))
    upper = book.docs.statement(book.acme.id, date(2026, 1, 1), date(2026, 1, 31),
                                currency="USD")
    lower = book.docs.statement(book.acme.id, date(2026, 1, 1), date(2026, 1, 31),
                                currency="usd")
    assert lower == upper
    assert lower.closing == bc.Money("100.00", "USD")


# ------------------------------------------------------------------------------ settings
def test_settings_lookups_take_what_their_arguments_name() -> None:
    rule = ApprovalRule("purchase_order", bc.Money("10000.00", "EUR"))
    s = DocumentSettings(patterns={"sales_invoice": "F{year}{seq:06}"}, approval_rules=[rule],
                         write_off_limits=[bc.Money("0.50", "EUR")])
    assert s.approval_rule("purchase_order") == rule
    assert s.approval_rule(DocumentType.PURCHASE_ORDER) == rule
    assert s.pattern(DocumentType.SALES_INVOICE) == s.pattern("sales_invoice") \
        == "F{year}{seq:06}"
    assert s.write_off_limit("eur") == bc.Money("0.50", "EUR")


@pytest.mark.parametrize(("call", "field"), [
    (lambda s: s.pattern("invoice"), "series"),
    (lambda s: s.pattern(["sales_invoice"]), "series"),
    (lambda s: s.approval_rule("invoice"), "type"),
])
def test_settings_lookups_refuse_an_unknown_name(call: Callable[[DocumentSettings], Any],
                                                 field: str) -> None:
    with pytest.raises(ValidationError) as info:
        call(DocumentSettings())
    assert info.value.field == field


def test_an_approval_rule_that_is_not_one_is_refused_and_nothing_is_saved(
        book: Book, unchanged: Unchanged) -> None:
    info = unchanged(book.bo, ValidationError, book.docs.configure, approval_rules=[5])
    assert (info.value.field, info.value.value) == ("approval_rules[0]", 5)  # type: ignore[attr-defined]
    _invoice(book, date(2026, 1, 5))  # and issuing still works


# --------------------------------------------------------------------------------- terms
def test_a_due_date_after_the_last_date_is_refused_at_issue(book: Book,
                                                             unchanged: Unchanged) -> None:
    draft = book.docs.create_invoice(book.acme.id, date(9999, 12, 20),
                                     [line("A", 1, "10.00", Tax.zero())])
    info = unchanged(book.bo, ValidationError, book.docs.issue, draft.id)
    assert "9999-12-31" in info.value.message  # type: ignore[attr-defined]


def test_terms_take_dates_only() -> None:
    with pytest.raises(ValidationError) as info:
        Instalment(100, 30).due("2026-01-31")  # type: ignore[arg-type]
    assert info.value.field == "issued"
    with pytest.raises(ValidationError):
        Instalment(100, 30).due(datetime(2026, 1, 31, 10))
    with pytest.raises(ValidationError) as info:
        EarlyPaymentDiscount(2, 10).applies(date(2026, 1, 1), "2026-01-05")  # type: ignore[arg-type]
    assert info.value.field == "paid_on"
    with pytest.raises(ValidationError) as info:
        PaymentTerms.net(30).discount_amount("119.00", date(2026, 1, 1),  # type: ignore[arg-type]
                                             date(2026, 1, 5))
    assert info.value.field == "total"


def test_a_discount_window_reaching_past_the_last_date() -> None:
    assert EarlyPaymentDiscount(2, 10).applies(date(9999, 12, 30), date(9999, 12, 31))


def test_no_discount_is_zero_in_the_currency_s_minor_unit() -> None:
    terms = PaymentTerms.net(30, discount=EarlyPaymentDiscount(2, 10))
    late = terms.discount_amount(bc.Money("119.00", "EUR"), date(2026, 1, 1), date(2026, 2, 1))
    assert repr(late) == "Money('0.00', 'EUR')"


def test_many_instalments_make_terms_with_a_short_description() -> None:
    terms = PaymentTerms.split(*[("2", 30 + i) for i in range(50)],
                               discount=EarlyPaymentDiscount(2, 10))
    assert terms.description == "50 instalments in 30 to 79 days, 2% discount if paid " \
        "within 10 days"
    assert terms.generated


# ------------------------------------------------------------------------------ rounding
def test_rounding_takes_a_string_and_refuses_a_float() -> None:
    chf = DocumentRounding(cash_increment="0.05")
    assert chf.round_cash("12.32", "CHF") == Decimal("12.30")  # type: ignore[arg-type]
    assert chf.round("12.325", "CHF") == Decimal("12.33")  # type: ignore[arg-type]
    assert not chf.is_rounded("12.325", "CHF")  # type: ignore[arg-type]
    for value in (12.32, "x", Decimal("NaN"), None):
        with pytest.raises(ValidationError) as info:
            chf.round_cash(value, "CHF")  # type: ignore[arg-type]
        assert info.value.field == "value"


# ------------------------------------------------------------------ allowances and charges
def test_a_negative_base_does_not_turn_a_line_allowance_into_a_charge() -> None:
    ln = DocumentLine("", "W", 2, "25.00", Tax.standard(20),
                      allowances_charges=(AllowanceCharge.allowance(percent=10, base="-50"),))
    with pytest.raises(ValidationError) as info:
        compute_totals([ln], "EUR")
    assert (info.value.field, info.value.value) == ("lines[0].allowances_charges[0].base",
                                                    Decimal("-50"))
    returns = DocumentLine("", "W", -2, "25.00", Tax.standard(20), allowances_charges=(
        AllowanceCharge.allowance(percent=10, base="50"),))
    assert compute_totals([returns], "EUR").line_nets == (bc.Money("-45.00", "EUR"),)


def test_a_negative_base_mirrors_a_group_of_returns_only() -> None:
    s19 = Tax.standard(19)

    def totals(quantity: int, ac: AllowanceCharge) -> Any:
        return compute_totals([line("W", quantity, "25.00", s19)], "EUR",
                              allowances_charges=[ac])

    for ac in (AllowanceCharge.allowance(percent=10, base="-50", tax=s19),
               AllowanceCharge.charge(percent=10, base="-50", tax=s19)):
        with pytest.raises(ValidationError) as info:
            totals(2, ac)  # an allowance of -5.00 was a charge of 5.00 (and the other way)
        assert (info.value.field, info.value.value) == ("allowances_charges[0].base",
                                                        Decimal("-50"))
    mirror = totals(-2, AllowanceCharge.allowance(percent=10, base="-50", tax=s19))
    assert mirror.tax_exclusive == -totals(2, AllowanceCharge.allowance(
        percent=10, base="50", tax=s19)).tax_exclusive == bc.Money("-45.00", "EUR")


def test_the_schema_refuses_a_negative_line_base() -> None:
    with pytest.raises(ValidationError) as info:
        parse_document({"type": "sales_invoice", "party_id": "p", "date": "2026-01-05",
                        "lines": [{"description": "W", "quantity": "2", "unit_price": "25",
                                   "tax": {"category": "S", "rate": "20"},
                                   "allowances_charges": [{"percent": "10", "base": "-50"}]}]})
    assert info.value.field == "lines[0].allowances_charges[0].base"


# ------------------------------------------------------------------------------- schemas
def test_schema_terms_name_their_discount_as_the_domain_s_do() -> None:
    fields = parse_party({"legal_name": "Acme", "payment_terms": {
        "net_days": 30, "discount": {"percent": "2", "days": 10}}})
    assert fields["payment_terms"].description == \
        PaymentTerms.net(30, discount=EarlyPaymentDiscount(2, 10)).description
    split = parse_party({"legal_name": "Acme", "payment_terms": {"instalments": [
        {"percent": "50", "days": 0}, {"percent": "50", "days": 30}]}})
    assert split["payment_terms"] == PaymentTerms.split((50, 0), (50, 30))


def test_schema_end_of_month_beside_instalments_is_refused() -> None:
    with pytest.raises(ValidationError) as info:
        parse_party({"legal_name": "Acme", "payment_terms": {
            "instalments": [{"percent": "100", "days": 0}], "end_of_month": True}})
    assert info.value.field == "payment_terms"


@pytest.mark.parametrize(("extra", "field"), [
    ({"credit_limit": {"amount": "-5", "currency": "EUR"}}, "credit_limit"),
    ({"code": "x\u0000"}, "code"),
])
def test_what_the_party_schema_passes_the_book_takes(book: Book, extra: dict[str, Any],
                                                      field: str) -> None:
    with pytest.raises(ValidationError) as info:
        parse_party({"legal_name": "Acme", **extra})
    assert info.value.field == field
