"""Sample aggregates of the documents domain that use every field, for the documents contract.

Example:
    >>> party().tax_ids[0].scheme.value, document("d-1", "p-1").totals is not None
    ('VAT', True)
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import attrs

from backoffice_core.documents.lines import AllowanceCharge, DocumentLine, LineRef, line
from backoffice_core.documents.model import (
    Document,
    DocumentRef,
    DocumentState,
    DocumentType,
    StockHandover,
    Transition,
)
from backoffice_core.documents.parties import Address, Contact, Party, PartyKind, TaxId
from backoffice_core.documents.payments import Allocation, Payment
from backoffice_core.documents.rounding import DocumentRounding, RoundingScope
from backoffice_core.documents.settings import ApprovalRule, DocumentSettings, MatchTolerance
from backoffice_core.documents.taxes import Tax
from backoffice_core.documents.terms import EarlyPaymentDiscount, PaymentTerms
from backoffice_core.documents.totals import compute_totals
from backoffice_core.money import Money, RoundingPolicy

__all__ = ["AT", "allocation", "document", "handover", "party", "payment", "settings"]

#: An instant off UTC with microseconds: adapters must keep both.
AT = datetime(2026, 1, 31, 9, 30, 15, 123456, tzinfo=timezone(timedelta(hours=3)))


def party(party_id: str = "p-1", name: str = "Globex GmbH", **changes: Any) -> Party:
    """A party with every field set (tax ids, addresses, contacts, terms, limit, tags)."""
    p = Party(party_id, name, is_customer=True, is_supplier=True,
              kind=PartyKind.ORGANIZATION, code=f"C-{party_id}",
              tax_ids=(TaxId("VAT", "DE123456789"), TaxId("INN", "7707083893")),
              addresses=(Address(("Hauptstr. 1", "Hof 2"), "Berlin", "10115", "de",
                                 region="BE", kind="billing"),
                         Address(("Lager 5",), "Potsdam", "14467", "DE", kind="shipping")),
              contacts=(Contact("Anna Muster", email="anna@example.com", phone="+49 30 1234",
                                role="accounts"),),
              currency="EUR",
              payment_terms=PaymentTerms.net(14, discount=EarlyPaymentDiscount(2, 7)),
              credit_limit=Money("5000.00", "EUR"), tags=("key", "wholesale"))
    return attrs.evolve(p, **changes) if changes else p


def _lines() -> list[DocumentLine]:
    vat = Tax.standard(19)
    first = line("Chair", "12.5", "149.9950", vat, discount=5, item_id="CHAIR-1",
                 account="4000", unit="H87", price_base_quantity=1, note="blue",
                 project="P-7", department="Sales")
    first = attrs.evolve(first, source=LineRef("so-1", "1"), allowances_charges=(
        *first.allowances_charges, AllowanceCharge.charge(Money("3.10", "EUR"), reason="Pack",
                                                          reason_code="ABL")))
    second = line("Gross priced", 3, "11.90", vat, price_includes_tax=True)
    third = line("Books", 2, "20.00", Tax.reduced(7))
    fourth = line("Export service", 1, "100.00", Tax.reverse_charge())
    return [first, second, third, fourth]


def document(doc_id: str, party_id: str, *, type: DocumentType = DocumentType.SALES_INVOICE,
             on: date = date(2026, 1, 8), number: str | None = None,
             state: DocumentState = DocumentState.DRAFT, **changes: Any) -> Document:
    """A document using every field: lines, allowances, totals, references, history..."""
    lines = _lines()
    acs = (AllowanceCharge.allowance(percent="2.5", base=None, reason="Loyalty",
                                     tax=Tax.standard(19)),
           AllowanceCharge.charge(Money("7.50", "EUR"), reason="Freight",
                                  tax=Tax.standard(19), account="4900"))
    rounding = DocumentRounding(RoundingScope.TAX_GROUP, RoundingPolicy.HALF_UP)
    prepaid = Money("10.00", "EUR")
    totals = compute_totals(Document(doc_id, type, party_id, "EUR", on, lines).lines, "EUR",
                            allowances_charges=acs, rounding=rounding, prepaid=prepaid)
    issued = state.is_issued
    doc = Document(
        doc_id, type, party_id, "EUR", on, lines, allowances_charges=acs, state=state,
        number=number, due_date=on + timedelta(days=14),
        payment_terms=PaymentTerms.split((30, 0), (70, 30)), rounding=rounding,
        prepaid=prepaid,
        references=(DocumentRef("so-1", DocumentType.SALES_ORDER, "SO-2026-00001",
                                date(2026, 1, 6)),
                    DocumentRef("q-1", DocumentType.QUOTE)),
        external_number="PO-77", buyer_reference="Dept 4", note="Spring delivery",
        delivery_date=on, valid_until=None, dimensions={"project": "P-7"}, totals=totals,
        fx_rate=Decimal("1.000000") if issued else None,
        functional_currency="EUR" if issued else None,
        reverse_charge_rate=Decimal("19.0") if issued else None,  # stored as given
        open_amount=totals.amount_due if issued else None,
        open_functional=totals.amount_due if issued else None,
        entry_id="je-1" if issued else None,
        history=(Transition(AT, "alice", "create", DocumentState.DRAFT, DocumentState.DRAFT),
                 Transition(AT.astimezone(UTC) + timedelta(seconds=1), "bob",
                            "issue", DocumentState.DRAFT, state, "ok"))
        if issued else (Transition(AT, "alice", "create", DocumentState.DRAFT,
                                   DocumentState.DRAFT, "new"),),
        archived=False, version=1)
    return attrs.evolve(doc, **changes) if changes else doc


def payment(payment_id: str, party_id: str, *, on: date = date(2026, 1, 20),
            amount: str = "100.00", **changes: Any) -> Payment:
    """An incoming payment in USD booked at a rate, with every field set."""
    p = Payment(payment_id, f"PAY-{payment_id}", party_id, "incoming", "sales", on,
                Money(amount, "USD"), "1120", fx_rate=Decimal("0.923456"),
                functional_amount=Money("92.35", "EUR"), open_amount=Money(amount, "USD"),
                open_functional=Money("92.35", "EUR"), reference="bank ref 1", method="bank",
                entry_id="je-9", user="treasury", recorded_at=AT, version=1)
    return attrs.evolve(p, **changes) if changes else p


def allocation(alloc_id: str, debit: str, credit: str | None, *,
               on: date = date(2026, 1, 21), **changes: Any) -> Allocation:
    """A match with an FX difference and released values."""
    a = Allocation(alloc_id, on, debit, credit, Money("40.00", "USD"), Money("-0.37", "EUR"),
                   write_off=credit is None, entry_id="je-10", user="treasury", recorded_at=AT,
                   reason="matched", debit_released=Money("37.12", "EUR"),
                   credit_released=Money("36.75", "EUR"))
    return attrs.evolve(a, **changes) if changes else a


def handover(ho_id: str, document_id: str, qty: str = "5.250") -> StockHandover:
    """A goods-receipt hand-over of a decimal quantity."""
    return StockHandover(ho_id, document_id, "1", "ITEM-1", Decimal(qty), "KGM", 1,
                         date(2026, 1, 5), "GR-2026-00001")


def settings(version: int = 1) -> DocumentSettings:
    """Settings using every field, the company included."""
    approvers: Any = ("carol",)  # attrs' ``converter=tuple`` confuses mypy
    rules: Any = (ApprovalRule(DocumentType.SUPPLIER_BILL, Money("1000.00", "EUR"), approvers),)
    return DocumentSettings(
        company=party("own", "Acme AG"),
        patterns={"sales_invoice": "F{year}{seq:06}", "payment_in": "IN-{seq:04}"},
        approval_rules=rules,
        rounding=DocumentRounding(RoundingScope.LINE, RoundingPolicy.HALF_EVEN,
                                  Decimal("0.05")),
        payment_terms=PaymentTerms.end_of_month(10),
        write_off_limits=(Money("0.50", "EUR"), Money("1", "USD")),
        match_tolerance=MatchTolerance(Decimal("2.5"), Decimal("1")),
        reverse_charge_rate=Decimal("19.0"), numbers_in_date_order=False,
        payment_numbers_in_date_order=True, version=version)
