"""validate_en16931: each rule holds for computed totals and fires when it is broken."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import attrs
import pytest

from backoffice_core.documents import (
    AllowanceCharge,
    Document,
    Tax,
    TaxCategory,
    Totals,
    compute_totals,
    document_totals,
    line,
)
from backoffice_core.documents.ubl import Problem, validate_en16931
from backoffice_core.errors import ValidationError
from backoffice_core.money import Money

S19 = Tax.standard(19)


def _doc() -> Document:
    return Document("d", "sales_invoice", "p", "EUR", date(2026, 1, 5), [
        line("A", 3, "19.99", S19, discount=10),
        line("B", 1, "100.00", Tax.exempt("Exempt", "VATEX-EU-132")),
        line("C", 2, "5.00", Tax.standard(7)),
    ], [AllowanceCharge.allowance("2.00", reason="Voucher", tax=S19),
        AllowanceCharge.charge(percent=10, reason="Packing", tax=Tax.standard(7))],
        due_date=date(2026, 2, 4))


def _rules(subject: Totals | Document, **kwargs: bool) -> list[str]:
    return [p.rule for p in validate_en16931(subject, **kwargs)]


def _m(value: str) -> Money:
    return Money(value, "EUR")


def test_computed_totals_pass() -> None:
    doc = _doc()
    assert validate_en16931(doc) == []
    assert validate_en16931(doc, strict_vat=True) == []
    assert validate_en16931(document_totals(doc)) == []


@pytest.mark.parametrize(("field", "rule"), [
    ("line_total", "BR-CO-10"),
    ("tax_exclusive", "BR-CO-13"),
    ("tax_total", "BR-CO-14"),
    ("tax_inclusive", "BR-CO-15"),
    ("amount_due", "BR-CO-16"),
])
def test_each_sum_rule_fires(field: str, rule: str) -> None:
    t = document_totals(_doc())
    broken = attrs.evolve(t, **{field: getattr(t, field) + _m("0.01")})
    assert rule in _rules(broken)


def test_problem_names_rule_term_and_values() -> None:
    t = document_totals(_doc())
    broken = attrs.evolve(t, amount_due=t.amount_due + _m("1.00"))
    [problem] = validate_en16931(broken)
    assert problem == Problem("BR-CO-16", "BT-115", problem.message, t.amount_due.amount,
                              t.amount_due.amount + 1)


def test_vat_of_a_group_br_co_17() -> None:
    t = compute_totals([line("A", 1, "100.00", S19)], "EUR")
    row = t.breakdown[0]
    assert row.tax == _m("19.00")
    off_by_cent = attrs.evolve(t, breakdown=(attrs.evolve(row, tax=_m("19.01")),),
                               tax_total=_m("19.01"), tax_inclusive=_m("119.01"),
                               amount_due=_m("119.01"))
    assert _rules(off_by_cent) == []  # the CEN schematron tolerates less than one unit
    assert _rules(off_by_cent, strict_vat=True) == ["BR-CO-17"]
    off_by_unit = attrs.evolve(off_by_cent, breakdown=(attrs.evolve(row, tax=_m("20.00")),),
                               tax_total=_m("20.00"), tax_inclusive=_m("120.00"),
                               amount_due=_m("120.00"))
    assert _rules(off_by_unit) == ["BR-CO-17"]


def test_br_co_17_compares_signed_amounts() -> None:
    """-19.00 VAT on +100.00 at 19 % passed: the difference of the magnitudes was 0."""
    t = compute_totals([line("A", 1, "100.00", S19)], "EUR")
    flipped = attrs.evolve(t, breakdown=(attrs.evolve(t.breakdown[0], tax=_m("-19.00")),),
                           tax_total=_m("-19.00"), tax_inclusive=_m("81.00"),
                           amount_due=_m("81.00"))
    assert _rules(flipped) == ["BR-CO-17"]
    returned = compute_totals([line("A", -1, "100.00", S19)], "EUR")  # negative, same sign
    assert returned.tax_total == _m("-19.00") and _rules(returned) == []


def test_one_breakdown_row_per_category_and_rate() -> None:
    """A repeated row, with the sums made to agree, passed: its VAT counted twice."""
    t = compute_totals([line("A", 1, "100.00", S19)], "EUR")
    row = t.breakdown[0]
    twice = attrs.evolve(t, breakdown=(row, row), tax_total=_m("38.00"),
                         tax_inclusive=_m("138.00"), amount_due=_m("138.00"))
    [problem] = validate_en16931(twice)
    assert (problem.rule, problem.term) == ("BR-S-08", "BT-116[S 19]")
    assert str(problem).endswith("(this one is repeated) (found 100.00)")


def test_zero_rate_categories_carry_no_vat_and_need_reasons() -> None:
    t = compute_totals([line("A", 1, "10.00", Tax.exempt("Exempt"))], "EUR")
    row = t.breakdown[0]
    taxed = attrs.evolve(t, breakdown=(attrs.evolve(row, tax=_m("1.00")),), tax_total=_m("1.00"),
                         tax_inclusive=_m("11.00"), amount_due=_m("11.00"))
    assert _rules(taxed) == ["BR-E-09"]
    no_reason = attrs.evolve(t, breakdown=(attrs.evolve(row, exemption_reason=""),))
    assert _rules(no_reason) == ["BR-E-10"]
    rc = compute_totals([line("A", 1, "10.00", Tax(TaxCategory.REVERSE_CHARGE))], "EUR")
    assert _rules(rc) == ["BR-AE-10"]
    ic = compute_totals([line("A", 1, "10.00", Tax(TaxCategory.INTRA_COMMUNITY))], "EUR")
    assert _rules(ic) == ["BR-IC-10"]
    standard = compute_totals([line("A", 1, "10.00", Tax(TaxCategory.STANDARD, 19,
                                                          exemption_reason="no"))], "EUR")
    assert _rules(standard) == ["BR-S-10"]


def test_breakdown_must_match_the_lines() -> None:
    doc = _doc()
    t = document_totals(doc)
    rows = list(t.breakdown)
    s19 = next(i for i, r in enumerate(rows) if r.key == ("S", Decimal("19")))
    rows[s19] = attrs.evolve(rows[s19], taxable=rows[s19].taxable + _m("1.00"))
    broken = attrs.evolve(doc, totals=attrs.evolve(t, breakdown=tuple(rows)))
    assert "BR-S-08" in _rules(broken)
    missing = attrs.evolve(doc, totals=attrs.evolve(t, breakdown=tuple(
        r for r in t.breakdown if r.category is not TaxCategory.EXEMPT)))
    rules = _rules(missing)
    assert "BR-E-01" in rules and "BR-CO-14" not in rules
    extra_row = attrs.evolve(rows[s19], category=TaxCategory.ZERO, rate=Decimal(0),
                             tax=_m("0"))
    extra = attrs.evolve(doc, totals=attrs.evolve(t, breakdown=(*t.breakdown, extra_row)))
    assert "BR-Z-08" in _rules(extra)


def test_allowance_and_charge_sums() -> None:
    doc = _doc()
    t = document_totals(doc)
    more = attrs.evolve(t, allowance_total=t.allowance_total + _m("1.00"),
                        tax_exclusive=t.tax_exclusive - _m("1.00"),
                        tax_inclusive=t.tax_inclusive - _m("1.00"),
                        amount_due=t.amount_due - _m("1.00"))
    assert "BR-CO-11" in _rules(attrs.evolve(doc, totals=more))
    charges = attrs.evolve(t, charge_total=t.charge_total + _m("1.00"),
                           tax_exclusive=t.tax_exclusive + _m("1.00"),
                           tax_inclusive=t.tax_inclusive + _m("1.00"),
                           amount_due=t.amount_due + _m("1.00"))
    assert "BR-CO-12" in _rules(attrs.evolve(doc, totals=charges))


def test_reasons_of_allowances_and_charges() -> None:
    doc = _doc()
    bare = attrs.evolve(doc, allowances_charges=[AllowanceCharge.allowance("2.00", tax=S19),
                                                 AllowanceCharge.charge("1.00", tax=S19)],
                        lines=[attrs.evolve(doc.lines[0], allowances_charges=[
                            AllowanceCharge.allowance(percent=5),
                            AllowanceCharge.charge("1.00")])])
    assert sorted(_rules(bare)) == ["BR-33", "BR-38", "BR-42", "BR-44"]


def test_line_net_against_quantity_and_price() -> None:
    doc = _doc()
    t = document_totals(doc)
    nets = list(t.line_nets)
    nets[2] = nets[2] + _m("0.02")
    within = attrs.evolve(t, line_nets=tuple(nets))
    assert "PEPPOL-EN16931-R120" not in _rules(attrs.evolve(doc, totals=within))
    nets[2] = nets[2] + _m("0.01")
    beyond = attrs.evolve(t, line_nets=tuple(nets))
    assert "PEPPOL-EN16931-R120" in _rules(attrs.evolve(doc, totals=beyond))


def test_decimals_and_currency() -> None:
    t = compute_totals([line("A", 1, "10.00", S19)], "EUR")
    fine = attrs.evolve(t, prepaid=Money("0.005", "EUR"))
    assert _rules(fine) == ["BR-DEC"]
    dollars = attrs.evolve(t, prepaid=Money("0", "USD"))
    assert _rules(dollars) == ["PEPPOL-EN16931-R051"]
    assert _rules(attrs.evolve(t, breakdown=())) == ["BR-CO-14", "BR-CO-18"]


def test_amount_due_needs_a_due_date_or_terms() -> None:
    doc = attrs.evolve(_doc(), due_date=None)
    assert _rules(doc) == ["BR-CO-25"]
    from backoffice_core.documents import PaymentTerms

    assert _rules(attrs.evolve(doc, payment_terms=PaymentTerms.net(10))) == []
    nothing_due = attrs.evolve(doc, prepaid=Money("500.00", "EUR"))
    assert "BR-CO-25" not in _rules(attrs.evolve(nothing_due, totals=None))


def test_counts_and_input() -> None:
    doc = _doc()
    other = document_totals(attrs.evolve(doc, lines=doc.lines[:2]))
    assert _rules(attrs.evolve(doc, totals=other))[-1] == "BR-CO-10"
    with pytest.raises(ValidationError):
        validate_en16931("not totals")  # type: ignore[arg-type]
