"""Properties of the UBL binding: every document the library makes round-trips with its
EN 16931 totals, and broken input is refused with a ValidationError naming the element."""

from __future__ import annotations

import random
from datetime import date
from decimal import Decimal, localcontext
from xml.etree import ElementTree as ET

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from backoffice_core.documents import (
    Address,
    AllowanceCharge,
    Document,
    DocumentRef,
    DocumentRounding,
    DocumentType,
    Party,
    Tax,
    TaxCategory,
    TaxId,
    document_totals,
    line,
)
from backoffice_core.documents.ubl import from_ubl, to_ubl, validate_en16931
from backoffice_core.errors import ValidationError

_RATES = [Tax.standard(19), Tax.standard(7), Tax(TaxCategory.STANDARD, "8.1"), Tax.zero(),
          Tax.exempt("Exempt under Art. 132", "VATEX-EU-132"), Tax.reverse_charge(),
          Tax.out_of_scope()]
# Long and non-ASCII texts (no control characters; the reader strips outer whitespace).
_TEXT = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cc", "Cs"),
                                       exclude_characters="\ufffe\uffff"),
                min_size=1, max_size=300).map(str.strip).filter(bool)
SELLER = Party("s", "Sëller & <Söhne> \"GmbH\"", is_customer=False, is_supplier=True,
               tax_ids=[TaxId("VAT", "DE123456789")],
               addresses=[Address(["Straße 1"], "Berlin", "10115", "DE")])
BUYER = Party("b", "Покупатель «Вектор»", tax_ids=[TaxId("VAT", "FR12345678901")],
              addresses=[Address([], "Paris", "75001", "FR")])


@st.composite
def _documents(draw: st.DrawFn) -> Document:
    code = draw(st.sampled_from(["EUR", "USD", "CHF", "JPY", "KWD"]))
    lines = []
    for _ in range(draw(st.integers(1, 4))):
        qty = Decimal(draw(st.integers(-5, 40))) / draw(st.sampled_from([1, 2, 4]))
        price = Decimal(draw(st.integers(0, 10**6))) / 1000
        extra: dict[str, object] = {}
        if draw(st.booleans()):
            extra["discount"] = draw(st.integers(1, 50))
        if draw(st.booleans()):
            extra["note"] = draw(_TEXT)
        lines.append(line(draw(_TEXT), qty, price, draw(st.sampled_from(_RATES)), **extra))
    acs = []
    if draw(st.booleans()):
        acs.append(AllowanceCharge.allowance(percent=draw(st.integers(1, 10)),
                                             reason=draw(_TEXT), tax=lines[0].tax))
    if draw(st.booleans()):
        acs.append(AllowanceCharge.charge(draw(st.sampled_from(["1", "2", "5"])),
                                          reason="Freight", tax=draw(st.sampled_from(_RATES))))
    kind = draw(st.sampled_from(["sales_invoice", "credit_note"]))
    fields: dict[str, object] = {"number": "P-1", "buyer_reference": "prop",
                                 "due_date": date(2026, 2, 4)}
    if draw(st.booleans()):
        fields["rounding"] = DocumentRounding(
            cash_increment=draw(st.sampled_from(["0.05", "0.10", "1"])))
    if kind == "credit_note":
        fields["references"] = [DocumentRef("i", DocumentType.SALES_INVOICE, "INV-ü-1",
                                            date(2026, 1, 2))]
    if draw(st.booleans()):
        fields["note"] = draw(_TEXT)
    doc = Document("d", kind, "b", code, date(2026, 1, 5), lines, acs, **fields)  # type: ignore[arg-type]
    if code != "EUR" and draw(st.booleans()):  # foreign currency: BT-111 at an fx rate
        doc = attrs.evolve(doc, totals=document_totals(doc).with_accounting(
            Decimal("0.9210"), "EUR"))
    return doc


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(doc=_documents())
def test_every_issued_document_round_trips_with_consistent_totals(doc: Document) -> None:
    if validate_en16931(doc):
        return  # refused on export and on import alike (test_ubl_roundtrip)
    back, seller, buyer = from_ubl(to_ubl(doc, seller=SELLER, buyer=BUYER))
    t = doc.totals if doc.totals is not None else document_totals(doc)
    assert back.type is doc.type and back.lines == doc.lines
    assert back.allowances_charges == doc.allowances_charges
    assert back.totals == t and back.note == doc.note
    assert [(r.number, r.issue_date) for r in back.references] == \
        [(r.number, r.issue_date) for r in doc.references]
    assert (seller.legal_name, buyer.legal_name) == (SELLER.legal_name, BUYER.legal_name)
    bt = back.totals
    assert bt is not None
    assert bt.line_total.amount == sum((n.amount for n in bt.line_nets), Decimal(0))  # BT-106
    assert bt.tax_exclusive == bt.line_total - bt.allowance_total + bt.charge_total  # BT-109
    assert bt.tax_total.amount == sum((r.tax.amount for r in bt.breakdown), Decimal(0))
    assert bt.tax_inclusive == bt.tax_exclusive + bt.tax_total  # BT-112
    assert bt.amount_due == bt.tax_inclusive - bt.prepaid + bt.rounding  # BT-115
    assert document_totals(attrs.evolve(back, totals=None)) == \
        attrs.evolve(t, tax_total_accounting=None)


def _sample() -> bytes:
    doc = Document("d", "sales_invoice", "b", "EUR", date(2026, 3, 2), [
        line("Widget", 3, "19.99", Tax.standard(19)),
        line("Handbook", 2, "12.50", Tax.standard(7), discount=10)],
        [AllowanceCharge.charge("4.90", reason="Freight", tax=Tax.standard(19))],
        number="INV-1", buyer_reference="BR-1", due_date=date(2026, 4, 1))
    return to_ubl(doc, seller=SELLER, buyer=BUYER)


_PERCENT = "<cbc:Percent>19</cbc:Percent>"


@pytest.mark.parametrize("percent", [
    "99999999999999999999999999999",           # was a raw decimal.InvalidOperation
    "1234567890123456789012345678901234567890",
    "-19",                                     # was refused at /Invoice, not at the rate
])
def test_a_vat_rate_out_of_range_names_its_element(percent: str) -> None:
    bad = _sample().decode().replace(_PERCENT, f"<cbc:Percent>{percent}</cbc:Percent>")
    with pytest.raises(ValidationError) as info:
        from_ubl(bad)
    assert info.value.field is not None and info.value.field.endswith("/cbc:Percent")
    assert info.value.value == percent


def test_a_rate_with_many_digits_is_read_exactly() -> None:
    fine = "19." + "0" * 40 + "1"  # was read as 19 (normalize() rounds to 28 digits)
    xml = _sample().decode()
    one = xml.replace(_PERCENT, f"<cbc:Percent>{fine}</cbc:Percent>", 1)  # the breakdown's
    with pytest.raises(ValidationError, match="BR-"):
        from_ubl(one)
    back = from_ubl(xml.replace(_PERCENT, f"<cbc:Percent>{fine}</cbc:Percent>"))[0]
    assert back.lines[0].tax.rate == Decimal(fine)
    assert Tax.standard(fine).rate == Decimal(fine)
    assert Tax.standard("8.10").rate == Decimal("8.1")


_GARBAGE = ["", " ", "abc", "-1", "1e5", "NaN", "Infinity", "1.0000001", "2026-02-30", "0",
            "true", "XXX", "1,5", "１２", "+5", "-0", "1" + "0" * 40, "0." + "0" * 40 + "1",
            "19." + "0" * 40 + "1", "-" + "9" * 30]


def test_corrupted_ubl_is_refused_with_the_element_named() -> None:
    xml, rng = _sample(), random.Random(20261128)
    for _ in range(250):
        root = ET.fromstring(xml)
        parents = {child: parent for parent in root.iter() for child in parent}
        el = rng.choice(list(parents))
        op = rng.choice(["drop", "text", "text", "attr", "copy"])
        if op == "drop":
            parents[el].remove(el)
        elif op == "text":
            el.text = rng.choice(_GARBAGE)
        elif op == "attr" and el.attrib:
            el.attrib[rng.choice(sorted(el.attrib))] = rng.choice(_GARBAGE)
        elif op == "copy":
            parents[el].insert(list(parents[el]).index(el), ET.fromstring(ET.tostring(el)))
        for direction in ("sales", "purchase"):
            try:
                from_ubl(ET.tostring(root), direction=direction)
            except ValidationError as err:
                assert err.field is not None and err.field.startswith("/"), (op, el.tag, err)


def test_the_callers_decimal_context_changes_nothing() -> None:
    doc = Document("d", "sales_invoice", "b", "EUR", date(2026, 3, 2), [
        line("Machine", 3, "1234567.899", Tax.standard("8.125"), discount="12.5")],
        number="INV-1", buyer_reference="BR-1", due_date=date(2026, 4, 1))
    xml = to_ubl(doc, seller=SELLER, buyer=BUYER)
    back = from_ubl(xml)[0]
    with localcontext() as ctx:
        ctx.prec = 3
        assert validate_en16931(doc) == []
        assert to_ubl(doc, seller=SELLER, buyer=BUYER) == xml
        assert from_ubl(xml)[0] == back
