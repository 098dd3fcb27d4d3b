"""Untrusted JSON: every wrong field reported with its path; nothing saved on error."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest

from backoffice_core.errors import ValidationError
from backoffice_core.schemas import parse_document, parse_party


def _paths(err: ValidationError) -> list[str]:
    return [path for path, _, _ in err.errors]


def test_every_wrong_party_field_is_reported_with_its_path() -> None:
    data = json.loads("""{
        "legal_name": "",
        "is_customer": "yes",
        "tax_ids": [{"scheme": "INN", "value": "7707083893"},
                    {"scheme": "INN", "value": "1234567890"},
                    {"scheme": "GST", "value": "1"}],
        "contacts": [{"name": "Jane Roe", "email": "jane.roe@", "phone": "call me"}],
        "addresses": [{"country": "Germany"}],
        "payment_terms": {"net_days": "30"},
        "credit_limit": {"amount": 1000.5, "currency": "EUR"},
        "colour": "red"
    }""")
    with pytest.raises(ValidationError) as info:
        parse_party(data)
    assert sorted(_paths(info.value)) == sorted([
        "legal_name", "is_customer", "tax_ids[1].value", "tax_ids[2].scheme",
        "contacts[0].email", "contacts[0].phone", "addresses[0].country", "payment_terms.net_days",
        "credit_limit.amount", "colour"])
    assert info.value.field == "legal_name"
    text = repr(info.value.errors)
    assert "jane.roe" not in text and "call me" not in text  # personal data masked


def test_a_valid_party_converts_to_domain_values() -> None:
    fields = parse_party({"legal_name": "Acme", "is_supplier": True, "kind": "organization",
                          "payment_terms": {"instalments": [
                              {"percent": "40", "days": 0},
                              {"percent": "60", "days": 30, "end_of_month": True}],
                              "discount": {"percent": "2", "days": 10}},
                          "addresses": [{"lines": ["Main St 1"], "city": "Springfield",
                                         "postal_code": "12345", "country": "us"}]})
    assert fields["addresses"][0].country == "US"
    assert [i.percent for i in fields["payment_terms"].instalments] == [Decimal(40),
                                                                          Decimal(60)]


def test_import_party_saves_nothing_on_error(book: Any) -> None:
    before = book.docs.parties(include_archived=True)
    with pytest.raises(ValidationError):
        book.docs.import_party({"legal_name": "X", "tax_ids": [{"scheme": "INN",
                                                                 "value": "1"}]})
    assert book.docs.parties(include_archived=True) == before
    ok = book.docs.import_party({"legal_name": "ООО «Ромашка»",
                                 "tax_ids": [{"scheme": "INN", "value": "7707083893"},
                                             {"scheme": "KPP", "value": "773601001"}]})
    assert book.docs.parties(tax_id="773601001") == [ok]


def _document(**over: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "type": "sales_invoice", "party_id": "p-1", "date": "2026-01-05", "currency": "EUR",
        "lines": [{"description": "Widget", "quantity": "3", "unit_price": "19.99",
                   "tax": {"category": "S", "rate": "19"}}]}
    base.update(over)
    return base


def test_every_wrong_document_field_is_reported_with_its_path() -> None:
    data = _document(type="invoice", date="2026-02-30", currency="EURO", due_date=20260101,
                     lines=[{"description": "A", "quantity": 1.5, "unit_price": "-1",
                             "tax": {"category": "Z", "rate": "7"}},
                            {"quantity": "1", "unit_price": "2", "tax": {"category": "Q"},
                             "discount_percent": "150", "allowances_charges": [
                                 {"amount": "1", "percent": "2"}]}],
                     allowances_charges=[{"amount": "5.00"}], rounding={"scope": "page"})
    with pytest.raises(ValidationError) as info:
        parse_document(data)
    assert sorted(_paths(info.value)) == sorted([
        "type", "date", "currency", "due_date", "lines[0].quantity", "lines[0].unit_price",
        "lines[0].tax.rate", "lines[1].tax.category", "lines[1].discount_percent",
        "lines[1].allowances_charges[0]", "allowances_charges", "rounding.scope"])
    floats = [msg for path, _, msg in info.value.errors if path == "lines[0].quantity"]
    assert "floats are not exact" in floats[0]


def test_empty_documents_and_missing_fields() -> None:
    with pytest.raises(ValidationError) as info:
        parse_document({"type": "quote", "lines": []})
    assert sorted(_paths(info.value)) == ["date", "lines", "party_id"]
    with pytest.raises(ValidationError) as info:
        parse_document(["not", "an", "object"])
    assert info.value.value == "list"


def test_import_document_saves_nothing_on_error(book: Any) -> None:
    before = book.docs.find()
    bad = _document(party_id=book.acme.id, lines=[{"description": "A", "quantity": "x",
                                                   "unit_price": "1",
                                                   "tax": {"category": "S", "rate": "20"}}])
    with pytest.raises(ValidationError) as info:
        book.docs.import_document(bad)
    assert info.value.field == "lines[0].quantity"
    assert book.docs.find() == before
    doc = book.docs.import_document(_document(
        party_id=book.acme.id, prepaid="10.00", note="imported",
        lines=[{"description": "Widget", "quantity": "3", "unit_price": "19.99",
                "tax": {"category": "S", "rate": "19"}, "discount_percent": "10",
                "dimensions": {"project": "P-9"}}],
        allowances_charges=[{"is_charge": True, "amount": "4.90", "reason": "Freight",
                             "tax": {"category": "S", "rate": "19"}}]), user="api")
    # 3 x 19.99 = 59.97 less 10 % (6.00) = 53.97; + 4.90 = 58.87; VAT 19 % = 11.19 (11.1853);
    # 70.06, less 10.00 prepaid = 60.06
    assert doc.totals.amount_due.amount == Decimal("60.06")
    assert doc.lines[0].dimensions == (("project", "P-9"),)
    assert doc.history[0].user == "api" and doc.currency == "EUR"


_LINE = {"description": "Widget", "quantity": "2", "unit_price": "10.00",
         "tax": {"category": "S", "rate": "20"}}


def _doc(**line: Any) -> dict[str, Any]:
    return {"type": "sales_invoice", "party_id": "p-1", "date": "2026-01-05",
            "lines": [{**_LINE, **line}]}


@pytest.mark.parametrize("text", ["1e3", " 2", "2 ", "1_000", "\u0661\u0662", "2.", ".5",
                                  "0x10", "1" * 41, "NaN", "-Infinity"])
def test_decimal_text_is_ascii_digits_only(text: str) -> None:
    # Python's Decimal reads exponents, spaces, "_" and other scripts' digits; a JSON
    # document may not (docs/decisions.md: "[+-]digits[.digits] or a JSON integer")
    with pytest.raises(ValidationError) as info:
        parse_document(_doc(quantity=text))
    assert info.value.errors[0][:2] == ("lines[0].quantity", text)
    with pytest.raises(ValidationError) as info:
        parse_party({"legal_name": "A", "credit_limit": {"amount": text, "currency": "EUR"}})
    assert info.value.errors[0][:2] == ("credit_limit.amount", text)


def test_signed_ascii_decimals_still_read() -> None:
    spec = parse_document(_doc(quantity="+2", unit_price="0.50"))
    assert (spec["lines"][0].quantity, spec["lines"][0].unit_price) == (2, Decimal("0.50"))


@pytest.mark.parametrize("text", ["20260105", "2026-W02-1", "2026-005", "2026-01-05T00:00"])
def test_dates_are_yyyy_mm_dd_only(text: str) -> None:
    with pytest.raises(ValidationError) as info:
        parse_document({**_doc(), "date": text, "due_date": text})
    assert [(p, v) for p, v, _ in info.value.errors] == [("date", text), ("due_date", text)]


def test_a_domain_rule_inside_a_line_is_named_by_its_path() -> None:
    with pytest.raises(ValidationError) as info:
        parse_document({**_doc(), "lines": [
            {**_LINE, "quantity": "9" * 30},
            {**_LINE, "description": "a\x00b", "unit": "\x07"},
            {**_LINE, "allowances_charges": [{"amount": "1", "reason_code": "\x00"}]}]})
    assert [(p, v) for p, v, _ in info.value.errors] == [
        ("lines[0].quantity", "9" * 30), ("lines[1].description", "a\x00b"),
        ("lines[2].allowances_charges[0].reason_code", "\x00")]
    assert info.value.field == "lines[0].quantity"


def test_a_domain_rule_inside_an_address_or_contact_is_named_and_masked() -> None:
    with pytest.raises(ValidationError) as info:
        parse_party({"legal_name": "A", "addresses": [{"country": "FR", "city": "Lyon\x00"}],
                     "contacts": [{"name": "Jane\x00Roe"}]})
    errors = info.value.errors
    assert [p for p, _, _ in errors] == ["addresses[0].city", "contacts[0].name"]
    assert "Lyon" not in repr(errors) and "Jane" not in repr(errors)
