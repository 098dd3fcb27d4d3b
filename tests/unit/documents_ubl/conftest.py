"""Parties and sample documents for the UBL tests."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal

import attrs
import pytest

from backoffice_core.documents import (
    Address,
    AllowanceCharge,
    Contact,
    Document,
    DocumentLine,
    DocumentRef,
    DocumentRounding,
    DocumentType,
    Party,
    PaymentTerms,
    Tax,
    TaxCategory,
    TaxId,
    document_totals,
    line,
)
from backoffice_core.money import Money

DAY = date(2026, 3, 2)


@pytest.fixture
def seller() -> Party:
    return Party("seller-1", "Nordlicht Handels GmbH", is_customer=False, is_supplier=True,
                 code="SUP-7", tax_ids=[TaxId("VAT", "DE123456789"),
                                        TaxId("OTHER", "0088:4035811991021")],
                 addresses=[Address(["Hauptstr. 1", "Hinterhaus", "3. OG"], "Berlin", "10115",
                                    "DE", region="Berlin")],
                 contacts=[Contact("Jane Doe", email="jane@nordlicht.example",
                                   phone="+49 30 1234567")])


@pytest.fixture
def buyer() -> Party:
    return Party("buyer-1", "Polder Trading B.V.", code="C-42",
                 tax_ids=[TaxId("VAT", "NL123456789B01")],
                 addresses=[Address(["Kerkstraat 2"], "Utrecht", "3511 AB", "NL")])


def _doc(type_: str, lines: list[DocumentLine], currency: str = "EUR", **fields: object
         ) -> Document:
    fields.setdefault("number", "INV-2026-00017" if type_ != "credit_note" else "CN-2026-00003")
    fields.setdefault("due_date", date(2026, 4, 1))
    return Document("d-1", type_, "buyer-1", currency, DAY, lines, **fields)  # type: ignore[arg-type]


def _samples() -> dict[str, Document]:
    s19, s7 = Tax.standard(19), Tax(TaxCategory.STANDARD, 7)
    out = {
        "multiple_rates": _doc("sales_invoice", [
            line("Widget", 3, "19.99", s19, item_id="W-1"),
            line("Handbook", 2, "12.50", s7, note="2nd edition"),
            line("Export crate", 1, "40.00", Tax.zero()),
        ], due_date=date(2026, 4, 1), payment_terms=PaymentTerms.net(30),
            buyer_reference="BR-1", external_number="PO-881", note="Thank you!",
            delivery_date=date(2026, 2, 27)),
        "exempt_with_reason": _doc("sales_invoice", [
            line("Medical check-up", 1, "150.00",
                 Tax.exempt("Exempt under Art. 132(1)(c)", "VATEX-EU-132-1C")),
            line("Report", 1, "20.00", s19),
        ], buyer_reference="BR-2"),
        "reverse_charge": _doc("sales_invoice", [
            line("Consulting", "7.5", "120.00", Tax.reverse_charge(), unit="HUR"),
        ], buyer_reference="BR-3"),
        "allowances_and_charges": _doc("sales_invoice", [
            line("Widget", 3, "9.999", s19, discount=10),
            DocumentLine("", "Installation", Decimal("1.5"), "80", s7, unit="HUR",
                         allowances_charges=[
                             AllowanceCharge.charge("5.00", reason="Travel"),
                             AllowanceCharge.allowance(percent=5, base="100.00",
                                                       reason="Loyalty", reason_code="95")]),
            DocumentLine("", "Screws", Decimal("250"), "4.2", s19, price_base_quantity=100),
        ], allowances_charges=[
            AllowanceCharge.allowance(percent=2, reason="Early order", tax=s19),
            AllowanceCharge.charge("4.90", reason="Freight", reason_code="FC", tax=s7),
            AllowanceCharge.allowance("1.00", reason="Voucher", tax=s19),
        ], buyer_reference="BR-4"),
        "prepaid": _doc("sales_invoice", [line("Deposit-backed order", 4, "25.00", s19)],
                        prepaid=Money("50.00", "EUR"), buyer_reference="BR-5"),
        "credit_note": _doc("credit_note", [line("Returned widget", 1, "19.99", s19)],
                            references=[DocumentRef("d-0", DocumentType.SALES_INVOICE,
                                                    "INV-2026-00011", date(2026, 2, 10))],
                            due_date=date(2026, 3, 20), buyer_reference="BR-6"),
        "out_of_scope_and_return_line": _doc("sales_invoice", [
            line("Membership fee", 1, "60.00", Tax.out_of_scope()),
            line("Returned item", -2, "10.00", s19, discount=10),
            line("New item", 5, "10.00", s19),
        ], buyer_reference="BR-7"),
        "yen": _doc("sales_invoice", [line("Tea set", 3, "4999", Tax.standard(10))],
                    currency="JPY", buyer_reference="BR-8"),
        "dinar": _doc("sales_invoice", [line("Service", 1, "12.345", Tax.standard(5))],
                      currency="KWD", buyer_reference="BR-9"),
        "cash_rounding": _doc("sales_invoice", [line("Coffee", 3, "3.37", Tax(TaxCategory.STANDARD,
                                                                            "8.1"))],
                              currency="CHF", rounding=DocumentRounding(cash_increment="0.05"),
                              buyer_reference="BR-10"),
        "line_rounding": _doc("sales_invoice", [line("Pen", 1, "0.12", s19),
                                                line("Pencil", 1, "0.12", s19),
                                                line("Eraser", 1, "0.12", s19)],
                              rounding=DocumentRounding(scope="line"), buyer_reference="BR-11"),
    }
    usd = _doc("sales_invoice", [line("Machine part", 2, "499.90", s19)], currency="USD",
               buyer_reference="BR-12")
    out["foreign_currency"] = attrs.evolve(
        usd, totals=document_totals(usd).with_accounting(Decimal("0.9210"), "EUR"))
    return out


@pytest.fixture
def samples() -> dict[str, Document]:
    return _samples()


SAMPLE_NAMES = sorted(_samples())


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "sample_name" in metafunc.fixturenames:
        metafunc.parametrize("sample_name", SAMPLE_NAMES)


@pytest.fixture
def make_doc() -> Callable[..., Document]:
    return _doc
