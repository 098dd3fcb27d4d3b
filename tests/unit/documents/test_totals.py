"""EN 16931 totals: the rounding pain points of ANCHORS.md section 3.C, computed by hand.

Every expected value below is worked out in the comment above it from the EN 16931
rules (BT-131 line net rounded to the minor unit; BT-116 = sum of line nets in the
group +/- document allowances and charges; BT-117 = round(BT-116 x rate); half away
from zero), never read back from the code.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backoffice_core.documents import (
    AllowanceCharge,
    DocumentLine,
    DocumentRounding,
    Tax,
    TaxCategory,
    compute_totals,
    line,
)
from backoffice_core.errors import ValidationError
from backoffice_core.money import Money

D = Decimal


def eur(value: str) -> Money:
    return Money(value, "EUR")


SCOPES = ["line", "tax_group", "document"]


# --------------------------------------------------------------------------- the anchors
@pytest.mark.parametrize("scope", SCOPES)
def test_odoo_37896_one_line_is_the_same_in_every_scope(scope: str) -> None:
    # 16 x 348.35 = 5573.60; 4 % allowance = 222.944 -> 222.94; net 5350.66;
    # VAT 22 % = 1177.1452 -> 1177.15; total 6527.81 (Odoo's "round globally" said 6527.80)
    t = compute_totals([line("Item", 16, "348.35", Tax.standard(22), discount=4)], "EUR",
                       rounding=DocumentRounding(scope=scope))
    assert t.line_nets == (eur("5350.66"),)
    assert t.tax_total == eur("1177.15")
    assert t.tax_inclusive == eur("6527.81")


def test_odoo_37896_with_the_discount_in_the_net_price() -> None:
    # net price 348.35 x 0.96 = 334.416 (a price may carry more decimals);
    # 16 x 334.416 = 5350.656 -> 5350.66; VAT 1177.15; total 6527.81
    t = compute_totals([line("Item", 16, "334.416", Tax.standard(22))], "EUR")
    assert t.tax_inclusive == eur("6527.81")


def test_odoo_179603_tax_on_the_rounded_base() -> None:
    # six lines of 5 x 5.75 less 18 %: net price 4.715; 5 x 4.715 = 23.575 -> 23.58 each;
    # BT-106 = 6 x 23.58 = 141.48; VAT 21 % = 29.7108 -> 29.71 (Odoo: 29.70 on 141.45)
    t = compute_totals([line("P", 5, "4.715", Tax.standard(21)) for _ in range(6)], "EUR")
    assert t.tax_exclusive == eur("141.48")
    assert t.tax_total == eur("29.71")
    row = t.breakdown[0]
    assert row.taxable == eur("141.48") and row.tax == eur("29.71")


def test_odoo_179603_as_line_allowances_stays_consistent() -> None:
    # as a line allowance: base 5 x 5.75 = 28.75; 18 % = 5.175 -> 5.18; net 23.57;
    # BT-106 = 141.42; VAT 21 % = 29.6982 -> 29.70, the tax of the base shown
    t = compute_totals([line("P", 5, "5.75", Tax.standard(21), discount=18)
                        for _ in range(6)], "EUR")
    assert t.line_nets == (eur("23.57"),) * 6
    assert (t.tax_exclusive, t.tax_total) == (eur("141.42"), eur("29.70"))


def test_odoo_45700_tax_included_21_percent() -> None:
    # gross 11.90 + 2.80 = 14.70; net round(14.70 / 1.21 = 12.148760...) = 12.15;
    # VAT = 14.70 - 12.15 = 2.55 (not 2.56); line nets: 9.834710 and 2.314049 share
    # 12.15 by largest remainder -> 9.84 + 2.31
    lines = [line("A", 1, "11.90", Tax.standard(21), price_includes_tax=True),
             line("B", 1, "2.80", Tax.standard(21), price_includes_tax=True)]
    t = compute_totals(lines, "EUR")
    assert t.tax_total == eur("2.55")
    assert t.line_nets == (eur("9.84"), eur("2.31"))
    assert t.tax_exclusive == eur("12.15") and t.tax_inclusive == eur("14.70")


def test_tax_included_per_line_scope_keeps_each_gross() -> None:
    # per line: 11.90 / 1.21 = 9.8347 -> 9.83 (VAT 2.07); 2.80 / 1.21 = 2.3140 -> 2.31
    # (VAT 0.49); VAT 2.56, and the gross is still 14.70
    lines = [line("A", 1, "11.90", Tax.standard(21), price_includes_tax=True),
             line("B", 1, "2.80", Tax.standard(21), price_includes_tax=True)]
    t = compute_totals(lines, "EUR", rounding=DocumentRounding(scope="line"))
    assert t.line_nets == (eur("9.83"), eur("2.31"))
    assert (t.tax_total, t.tax_inclusive) == (eur("2.56"), eur("14.70"))


def test_odoo_100478_jpy_half_away_from_zero() -> None:
    # 12,345 x 10 % = 1,234.5 -> 1,235 (JPY has no minor unit); total 13,580
    t = compute_totals([line("Y", 1, "12345", Tax.standard(10))], "JPY")
    assert t.tax_total == Money("1235", "JPY")
    assert t.tax_inclusive == Money("13580", "JPY")


def test_odoo_191983_jpy_tax_included() -> None:
    # 2 x 13,582 gross = 27,164; net round(27,164 / 1.1 = 24,694.545) = 24,695; VAT 2,469
    lines = [line("Y", 1, "13582", Tax.standard(10), price_includes_tax=True)] * 2
    t = compute_totals(lines, "JPY")
    assert (t.tax_exclusive, t.tax_total, t.tax_inclusive) == (
        Money("24695", "JPY"), Money("2469", "JPY"), Money("27164", "JPY"))


def test_odoo_232186_price_included_24_99_splits_without_reaching_25() -> None:
    # 24.99 / 1.20 = 20.825 -> 20.83; VAT = 24.99 - 20.83 = 4.16 (not 4.17: 25.00)
    t = compute_totals([line("Box", 1, "24.99", Tax.standard(20), price_includes_tax=True)],
                       "EUR")
    assert (t.tax_exclusive, t.tax_total, t.tax_inclusive) == (
        eur("20.83"), eur("4.16"), eur("24.99"))


def test_erpnext_38137_145_tax_included_stays_145() -> None:
    # 145.00 / 1.21 = 119.8347 -> 119.83; VAT = 145.00 - 119.83 = 25.17. Computing the
    # VAT on the rounded net instead (119.83 x 0.21 = 25.1643 -> 25.16) gives 144.99.
    t = compute_totals([line("Kit", 1, "145.00", Tax.standard(21), price_includes_tax=True)],
                       "EUR")
    assert (t.tax_exclusive, t.tax_total, t.tax_inclusive) == (
        eur("119.83"), eur("25.17"), eur("145.00"))


def test_erpnext_58712_two_inclusive_lines_add_up() -> None:
    # 2 x 379.00 gross = 758.00; net round(758 / 1.21 = 626.4463) = 626.45; VAT 131.55;
    # line nets 313.2231 each -> 313.22 + 313.22 = 626.44, one cent to the first: 313.23
    lines = [line("Chair", 1, "379.00", Tax.standard(21), price_includes_tax=True)] * 2
    t = compute_totals(lines, "EUR")
    assert t.line_nets == (eur("313.23"), eur("313.22"))
    assert (t.tax_total, t.tax_inclusive) == (eur("131.55"), eur("758.00"))


@pytest.mark.parametrize("as_price", [False, True])
def test_erpnext_41343_return_rounds_like_the_invoice(as_price: bool) -> None:
    # 10 x 82.50 less 15 %: allowance 825.00 x 15 % = 123.75 -> net 701.25; or net price
    # 70.125 x 10 = 701.25. ERPNext printed 701.30 on the invoice and 701.25 on the return.
    ln = line("Lamp", 10, "70.125", Tax.standard(19)) if as_price else \
        line("Lamp", 10, "82.50", Tax.standard(19), discount=15)
    invoice = compute_totals([ln], "EUR")
    ret = compute_totals([attrs.evolve(ln, quantity=-ln.quantity)], "EUR")
    assert invoice.line_nets == (eur("701.25"),)
    assert ret == invoice.negated()


def test_invoice_ninja_10856_and_3195() -> None:
    # 1000.00 + 19 % = 1190.00 exactly; a 100 % discount is 0.00, not -0.01
    assert compute_totals([line("A", 1, "1000", Tax.standard(19))], "EUR").tax_inclusive == \
        eur("1190.00")
    free = compute_totals([line("A", 3, "9.99", Tax.standard(19), discount=100)], "EUR")
    assert free.tax_inclusive == eur("0.00") and free.tax_total == eur("0.00")


# --------------------------------------------------------------------------- the model
def test_scopes_differ_where_they_should() -> None:
    # two lines of 0.03 at 19 %: per line 0.0057 -> 0.01 each = 0.02;
    # per group 0.06 x 0.19 = 0.0114 -> 0.01
    lines = [line("A", 1, "0.03", Tax.standard(19)), line("B", 1, "0.03", Tax.standard(19))]
    per_line = compute_totals(lines, "EUR", rounding=DocumentRounding(scope="line"))
    per_group = compute_totals(lines, "EUR")
    assert per_line.tax_total == eur("0.02") and per_group.tax_total == eur("0.01")


def test_document_scope_rounds_the_vat_once() -> None:
    # groups 10 % of 0.04, 20 % of 0.02, 8 % of 0.05: 0.004 each. Per group: 0.00 each;
    # per document: 0.012 -> 0.01, given to the first group (equal remainders)
    lines = [line("A", 1, "0.04", Tax.standard(10)), line("B", 1, "0.02", Tax.standard(20)),
             line("C", 1, "0.05", Tax.standard(8))]
    assert compute_totals(lines, "EUR").tax_total == eur("0.00")
    doc = compute_totals(lines, "EUR", rounding=DocumentRounding(scope="document"))
    assert doc.tax_total == eur("0.01")
    assert {r.rate: r.tax for r in doc.breakdown} == {
        D(10): eur("0.01"), D(20): eur("0.00"), D(8): eur("0.00")}


def test_rounding_modes() -> None:
    # 0.125 x 1 at 0 %: half-up 0.13, half-even 0.12, down 0.12, up 0.13
    ln = [line("A", 1, "0.125", Tax.zero())]
    got = {m: compute_totals(ln, "EUR", rounding=DocumentRounding(mode=m)).line_total
           for m in ("half_up", "half_even", "down", "up")}
    assert got == {"half_up": eur("0.13"), "half_even": eur("0.12"), "down": eur("0.12"),
                   "up": eur("0.13")}
    # Japanese practice: VAT rounded down, 1234.5 -> 1234
    jp = compute_totals([line("Y", 1, "12345", Tax.standard(10))], "JPY",
                        rounding=DocumentRounding(mode="down"))
    assert jp.tax_total == Money("1234", "JPY")


def test_three_decimal_currency() -> None:
    # KWD: 3 x 1.2345 = 3.7035 -> 3.704; VAT 5 % = 0.1852 -> 0.185
    t = compute_totals([line("K", 3, "1.2345", Tax.standard(5))], "KWD")
    assert (t.line_total, t.tax_total) == (Money("3.704", "KWD"), Money("0.185", "KWD"))


def test_document_allowances_charges_prepaid_and_breakdown() -> None:
    # S20: 100.00 - 10 % (10.00) + freight 5.00 = 95.00 -> VAT 19.00; S7: 50.00 -> 3.50
    # BT-106 150.00, BT-107 10.00, BT-108 5.00, BT-109 145.00, BT-110 22.50, BT-112 167.50,
    # prepaid 20.00 -> due 147.50
    t = compute_totals(
        [line("A", 1, "100.00", Tax.standard(20)), line("B", 2, "25.00", Tax.reduced(7))],
        "EUR", prepaid=eur("20.00"),
        allowances_charges=[AllowanceCharge.allowance(percent=10, tax=Tax.standard(20)),
                            AllowanceCharge.charge("5.00", reason="Freight",
                                                   tax=Tax.standard(20))])
    assert (t.line_total, t.allowance_total, t.charge_total) == (
        eur("150.00"), eur("10.00"), eur("5.00"))
    assert (t.tax_exclusive, t.tax_total, t.tax_inclusive) == (
        eur("145.00"), eur("22.50"), eur("167.50"))
    assert (t.prepaid, t.amount_due, t.rounding) == (eur("20.00"), eur("147.50"), eur("0.00"))
    assert t.allowance_charge_amounts == (eur("10.00"), eur("5.00"))
    assert [(r.category, r.rate, r.taxable, r.tax) for r in t.breakdown] == [
        (TaxCategory.STANDARD, D(7), eur("50.00"), eur("3.50")),
        (TaxCategory.STANDARD, D(20), eur("95.00"), eur("19.00"))]


def test_cash_rounding_bt_114() -> None:
    # CHF to 0.05: 10.02 -> 10.00 (BT-114 -0.02); 10.03 -> 10.05 (+0.02)
    policy = DocumentRounding(cash_increment="0.05")
    low = compute_totals([line("A", 1, "10.02", Tax.zero())], "CHF", rounding=policy)
    high = compute_totals([line("A", 1, "10.03", Tax.zero())], "CHF", rounding=policy)
    assert (low.rounding, low.amount_due) == (Money("-0.02", "CHF"), Money("10.00", "CHF"))
    assert (high.rounding, high.amount_due) == (Money("0.02", "CHF"), Money("10.05", "CHF"))
    assert low.to_settle == Money("10.00", "CHF")


def test_exempt_and_reverse_charge_carry_their_reasons() -> None:
    t = compute_totals([line("Doctor", 1, "80.00", Tax.exempt("Medical care", "VATEX-EU-132")),
                        line("Service", 1, "100.00", Tax.reverse_charge())], "EUR")
    assert t.tax_total == eur("0.00")
    assert [(r.category.code, r.exemption_reason, r.exemption_code) for r in t.breakdown] == [
        ("AE", "Reverse charge", "VATEX-EU-AE"), ("E", "Medical care", "VATEX-EU-132")]


def test_price_base_quantity() -> None:
    # 1000 screws at 12.50 per 100: 125.00
    t = compute_totals([DocumentLine("1", "Screws", 1000, "12.50", Tax.zero(),
                                     price_base_quantity=100)], "EUR")
    assert t.line_total == eur("125.00")


def test_fixed_amounts_must_fit_the_minor_unit() -> None:
    bad = DocumentLine("1", "A", 1, "10", Tax.zero(),
                       allowances_charges=[AllowanceCharge.allowance("0.001")])
    with pytest.raises(ValidationError) as info:
        compute_totals([bad], "EUR")
    assert info.value.field == "lines[0].allowances_charges[0].amount"
    with pytest.raises(ValidationError) as info:
        compute_totals([line("A", 1, "1", Tax.zero())], "EUR", prepaid=eur("0.005"))
    assert info.value.field == "prepaid"


def test_bt_111_vat_in_the_accounting_currency() -> None:
    # VAT 20.00 EUR at 1.0850 = 21.70 USD
    t = compute_totals([line("A", 1, "100.00", Tax.standard(20))], "EUR")
    assert t.with_accounting(D("1.0850"), "USD").tax_total_accounting == Money("21.70", "USD")


def test_tax_rules_follow_en16931() -> None:
    with pytest.raises(ValidationError):
        Tax(TaxCategory.EXEMPT, 5)
    with pytest.raises(ValidationError):
        Tax.standard(0)
    assert Tax.standard("20.00").key == ("S", D(20)) == Tax.reduced(20).key


# --------------------------------------------------------------------------- properties
prices = st.decimals(min_value=0, max_value=10_000, places=4, allow_nan=False)
quantities = st.decimals(min_value=-500, max_value=500, places=3, allow_nan=False)
rates = st.sampled_from(["0", "5", "7", "10", "19", "20", "21", "22"])
line_specs = st.tuples(quantities, prices, rates, st.booleans(),
                       st.one_of(st.none(), st.decimals(min_value=0, max_value=100, places=2)))


def _lines(specs: list[tuple[Decimal, Decimal, str, bool, Decimal | None]],
           sign: int) -> list[DocumentLine]:
    out = []
    for qty, price, rate, incl, discount in specs:
        tax = Tax.zero() if rate == "0" else Tax.standard(rate)
        out.append(line("x", qty * sign, price, tax, price_includes_tax=incl,
                        discount=discount))
    return out


@settings(max_examples=150, deadline=None)
@given(st.lists(line_specs, min_size=1, max_size=8), st.sampled_from(SCOPES),
       st.sampled_from(["half_up", "half_even", "up", "down"]),
       st.sampled_from(["EUR", "JPY", "KWD"]))
def test_negating_every_quantity_negates_every_total(specs: list[tuple[Decimal, Decimal, str,
                                                                       bool, Decimal | None]],
                                                     scope: str, mode: str,
                                                     code: str) -> None:
    policy = DocumentRounding(scope=scope, mode=mode)
    plus = compute_totals(_lines(specs, 1), code, rounding=policy)
    minus = compute_totals(_lines(specs, -1), code, rounding=policy)
    assert minus == plus.negated()


@settings(max_examples=150, deadline=None)
@given(st.lists(line_specs, min_size=1, max_size=8), st.sampled_from(SCOPES))
def test_totals_add_up_to_the_minor_unit(specs: list[tuple[Decimal, Decimal, str, bool,
                                                           Decimal | None]],
                                         scope: str) -> None:
    lines = _lines(specs, 1)
    t = compute_totals(lines, "EUR", rounding=DocumentRounding(scope=scope))
    assert sum(t.line_nets, eur("0")) == t.line_total
    assert sum((r.taxable for r in t.breakdown), eur("0")) == t.tax_exclusive
    assert sum((r.tax for r in t.breakdown), eur("0")) == t.tax_total
    assert t.tax_exclusive + t.tax_total == t.tax_inclusive
    for m in (t.line_total, t.tax_total, t.tax_inclusive, *t.line_nets):
        assert m.amount == m.amount.quantize(D("0.01"))
    # the gross of tax-inclusive lines is kept exactly (per group, or per line)
    for rate in {ln.tax.rate for ln in lines}:
        group = [i for i, ln in enumerate(lines) if ln.tax.rate == rate]
        if all(lines[i].price_includes_tax for i in group):
            gross = sum((compute_totals([lines[i]], "EUR").tax_inclusive for i in group),
                        eur("0"))
            row = next(r for r in t.breakdown if r.rate == rate)
            assert row.taxable + row.tax == gross
    if scope == "tax_group":  # BR-CO-17 for groups priced net of tax
        for row in t.breakdown:
            group = [ln for ln in lines if ln.tax.rate == row.rate]
            if not any(ln.price_includes_tax for ln in group):
                expected = (row.taxable.amount * row.rate / 100).quantize(D("0.01"),
                                                                          "ROUND_HALF_UP")
                assert row.tax.amount == expected


@pytest.mark.parametrize("dims", [{"project": "P\x01"}, {"pro\x1fject": "P1"}])
def test_document_dimensions_refuse_control_characters(dims: dict[str, str]) -> None:
    """The ledger refuses control characters in dimensions; a document says so when its
    line is made, not when it is issued."""
    from backoffice_core.documents.lines import dimensions, line
    from backoffice_core.documents.taxes import Tax

    with pytest.raises(ValidationError) as info:
        dimensions(dims)
    assert info.value.field is not None and info.value.field.startswith("dimensions")
    with pytest.raises(ValidationError):
        line("Consulting", "1", "10.00", Tax.standard(20), **dims)
    assert dimensions({"project": "P 1\tx"}) == (("project", "P 1\tx"),)


def test_amounts_beyond_what_a_book_holds_are_refused_when_computed() -> None:
    """Each part is within its own limit (quantity and price below 10**15), but the line,
    or the document, comes to more than the ledger's largest amount (10**17 minor units):
    refused here, naming the line or the total, not later by the ledger's posting."""
    big = line("Bulk", "1e9", "1e9", Tax.zero())  # 10**18: a line too large
    with pytest.raises(ValidationError) as info:
        compute_totals([line("Small", 1, "1.00", Tax.zero()), big], "USD")
    assert (info.value.field, info.value.value) == ("lines[1]", Decimal("1e18"))
    half = line("Half", "1e7", "6e7", Tax.zero())  # 6 * 10**14 each, 1.2 * 10**15 together
    with pytest.raises(ValidationError) as info:
        compute_totals([half, half], "USD")
    assert info.value.field == "tax_exclusive"
    with pytest.raises(ValidationError) as info:  # the tax takes it over the limit
        compute_totals([line("Taxed", "1e7", "9e7", Tax.standard(20))], "USD")
    assert info.value.field == "tax_inclusive"
    kwd = compute_totals([line("Fils", 1, "99999999999999.999", Tax.zero())], "KWD")
    assert kwd.tax_inclusive == Money("99999999999999.999", "KWD")  # 10**17 - 1 minor units


def test_line_allowances_never_turn_a_line_over() -> None:
    """A line allowance takes at most what the line comes to: 150 % of 50.00, or a fixed
    60.00 off it, would give a net of the opposite sign, and is refused by field."""
    tax = Tax.standard(19)
    with pytest.raises(ValidationError) as info:
        compute_totals([line("Ok", 1, "10.00", tax), line("G", 1, "50.00", tax, discount=150)],
                       "EUR")
    assert (info.value.field, info.value.value) == ("lines[1].allowances_charges[0].percent",
                                                    D(150))
    g = line("G", 1, "50.00", tax)
    for acs, field, value in [
        ((AllowanceCharge.allowance("60.00"),), "lines[0].allowances_charges[0].amount",
         D("60.00")),
        ((AllowanceCharge.allowance("30.00"), AllowanceCharge.allowance(percent=50)),
         "lines[0].allowances_charges[1].percent", D(50)),
        ((AllowanceCharge.allowance(percent=50, base="200.00"),),
         "lines[0].allowances_charges[0].percent", D(50)),
    ]:
        with pytest.raises(ValidationError) as info:
            compute_totals([attrs.evolve(g, allowances_charges=acs)], "EUR")
        assert (info.value.field, info.value.value) == (field, value)
    # compared by magnitude: a return line keeps its discount, a charge makes room
    assert compute_totals([line("R", -1, "50.00", tax, discount=10)], "EUR").line_nets == (
        eur("-45.00"),)
    ret = attrs.evolve(line("R", -1, "50.00", tax),
                       allowances_charges=(AllowanceCharge.allowance("40.00"),))
    assert compute_totals([ret], "EUR").line_nets == (eur("-10.00"),)
    with pytest.raises(ValidationError) as info:
        compute_totals([line("R", -1, "50.00", tax, discount="100.5")], "EUR")
    assert info.value.field == "lines[0].allowances_charges[0].percent"
    charged = attrs.evolve(g, allowances_charges=(AllowanceCharge.allowance("60.00"),
                                                  AllowanceCharge.charge("20.00")))
    assert compute_totals([charged], "EUR").line_nets == (eur("10.00"),)
    assert compute_totals([line("G", 1, "50.00", tax, discount=100)], "EUR").line_nets == (
        eur("0.00"),)


def test_a_draft_with_an_allowance_over_the_line_is_refused(book: Any, unchanged: Any) -> None:
    info = unchanged(book.bo, ValidationError, book.docs.create_invoice, book.acme.id,
                     date(2026, 1, 10), [line("G", 1, "50.00", Tax.standard(19), discount=150)])
    assert (info.value.field, info.value.value) == ("lines[0].allowances_charges[0].percent",
                                                    D(150))


@pytest.mark.parametrize("per", ["1E-100", "0.0000000000000001", "1E+15"])
def test_a_price_base_quantity_out_of_range_is_refused(per: str) -> None:
    """A base quantity of 1E-100 made compute_totals raise a bare decimal.InvalidOperation."""
    with pytest.raises(ValidationError) as info:
        DocumentLine("", "A", Decimal(1000), Decimal(999), Tax.zero(),
                     price_base_quantity=Decimal(per))
    assert (info.value.field, info.value.value) == ("price_base_quantity", Decimal(per))
    fine = DocumentLine("", "A", Decimal(1), Decimal(1), Tax.zero(),
                        price_base_quantity=Decimal("1E-15"))
    assert compute_totals([fine], "EUR").line_total.amount == Decimal("1000000000000000.00")


def test_document_allowances_never_turn_their_vat_group_over() -> None:
    """A document-level allowance takes at most what its VAT group's lines come to (with
    the group's charges): 150 %, or 120.00 off a group of 100.00, gave a negative taxable
    amount and was accepted. The S7 line is another group: no room for S20."""
    s20, s7 = Tax.standard(20), Tax.reduced(7)
    lines = [line("A", 1, "100.00", s20), line("B", 2, "25.00", s7)]
    for acs, field, value in [
        ([AllowanceCharge.allowance(percent=150, tax=s20)],
         "allowances_charges[0].percent", D(150)),
        ([AllowanceCharge.charge("5.00", tax=s7), AllowanceCharge.allowance("120.00", tax=s20)],
         "allowances_charges[1].amount", D("120.00")),
        ([AllowanceCharge.allowance("60.00", tax=s20), AllowanceCharge.allowance(percent=50,
                                                                                 tax=s20)],
         "allowances_charges[1].percent", D(50)),
        ([AllowanceCharge.allowance(percent=50, base="300.00", tax=s20)],
         "allowances_charges[0].percent", D(50)),
        ([AllowanceCharge.allowance("1.00", tax=Tax.standard(19))],   # a group of no line
         "allowances_charges[0].amount", D("1.00")),
    ]:
        with pytest.raises(ValidationError) as info:
            compute_totals(lines, "EUR", allowances_charges=acs)
        assert (info.value.field, info.value.value) == (field, value)
    # up to the group's lines and charges: the taxable amount reaches zero, not below
    t = compute_totals(lines, "EUR", allowances_charges=[
        AllowanceCharge.charge("20.00", tax=s20), AllowanceCharge.allowance("120.00", tax=s20)])
    assert [(r.rate, r.taxable) for r in t.breakdown] == [(D(7), eur("50.00")),
                                                          (D(20), eur("0.00"))]
    t = compute_totals(lines, "EUR", allowances_charges=[AllowanceCharge.allowance(
        percent=100, tax=s20)])
    assert t.tax_exclusive == eur("50.00")
    # a group of no line: a charge makes the room its allowance takes
    t = compute_totals(lines, "EUR", allowances_charges=[
        AllowanceCharge.charge("9.90", tax=Tax.zero()),
        AllowanceCharge.allowance("4.90", tax=Tax.zero())])
    assert [r.taxable for r in t.breakdown if r.category is TaxCategory.ZERO] == [eur("5.00")]


def test_document_allowances_on_returns_and_charges_across_zero() -> None:
    """The rule that was taken back read a group of returns whose freight outweighs them
    as an allowance crossing zero, and refused this valid document (found by the UBL round
    trip property test): the 10 % allowance mirrors the returns (-50.00 + 5.00), the
    freight is on the other side of zero and neither makes room nor takes it."""
    s19 = Tax.standard(19)
    returns = [line("R", -2, "25.00", s19)]
    freight = AllowanceCharge.charge("80.00", reason="Freight", tax=s19)
    for acs, taxable in [
        ([AllowanceCharge.allowance(percent=10, tax=s19), freight], "35.00"),
        ([freight, AllowanceCharge.allowance(percent=10, tax=s19)], "35.00"),
        ([AllowanceCharge.allowance(percent=10, tax=s19),
          AllowanceCharge.charge("48.00", tax=s19)], "3.00"),
        ([AllowanceCharge.allowance(percent=100, tax=s19)], "0.00"),
        # a fixed allowance on returns moves the group away from zero: it takes no room
        ([AllowanceCharge.allowance("60.00", tax=s19)], "-110.00"),
        ([AllowanceCharge.charge(percent=10, tax=s19),         # -5.00, on the returns' side
          AllowanceCharge.allowance(percent=100, tax=s19),
          AllowanceCharge.allowance(percent=10, tax=s19)], "-0.00"),
    ]:
        t = compute_totals(returns, "EUR", allowances_charges=acs)
        assert t.breakdown[0].taxable == eur(taxable), acs
    # mirrored allowances beyond the returns cross zero: refused, like a sale's
    for acs, field, value in [
        ([AllowanceCharge.allowance(percent=60, tax=s19),
          AllowanceCharge.allowance(percent=60, tax=s19), freight],
         "allowances_charges[1].percent", D(60)),
        ([AllowanceCharge.allowance(percent="100.5", tax=s19)],
         "allowances_charges[0].percent", D("100.5")),
    ]:
        with pytest.raises(ValidationError) as info:
            compute_totals(returns, "EUR", allowances_charges=acs)
        assert (info.value.field, info.value.value) == (field, value)
    # lines of both signs adding up to zero: the group is on the positive side
    swap = [line("S", 1, "25.00", s19), line("R", -1, "25.00", s19)]
    with pytest.raises(ValidationError) as info:
        compute_totals(swap, "EUR", allowances_charges=[AllowanceCharge.allowance(
            "1.00", tax=s19)])
    assert info.value.field == "allowances_charges[0].amount"
    assert compute_totals(swap, "EUR", allowances_charges=[AllowanceCharge.allowance(
        percent=10, tax=s19)]).tax_exclusive == eur("0.00")


def test_a_draft_with_a_document_allowance_over_its_group_is_refused(book: Any,
                                                                     unchanged: Any) -> None:
    tax = Tax.standard(19)
    for ac, field in [(AllowanceCharge.allowance(percent=150, tax=tax), "percent"),
                      (AllowanceCharge.allowance("60.00", tax=tax), "amount")]:
        info = unchanged(book.bo, ValidationError, book.docs.create_invoice, book.acme.id,
                         date(2026, 1, 10), [line("G", 1, "50.00", tax)],
                         allowances_charges=[ac])
        assert info.value.field == f"allowances_charges[0].{field}"


doc_rates = st.sampled_from(["0", "7", "19", "20"])


def _tax(rate: str) -> Tax:
    return Tax.zero() if rate == "0" else Tax.standard(rate)


@settings(max_examples=100, deadline=None)
@given(st.lists(line_specs, min_size=1, max_size=6),
       st.dictionaries(doc_rates, st.decimals(min_value=0, max_value=100, places=2)),
       st.lists(st.tuples(doc_rates, st.booleans(), st.decimals(min_value=0, max_value=10**7,
                                                                places=2)), max_size=3),
       st.sampled_from(SCOPES), st.randoms())
def test_document_allowances_within_their_group_are_never_refused(
        specs: list[tuple[Decimal, Decimal, str, bool, Decimal | None]],
        allowances: dict[str, Decimal], charges: list[tuple[str, bool, Decimal]], scope: str,
        rnd: Any) -> None:
    """Returns, sales, tax-inclusive lines, groups of no line; at most 100 % off a group
    and any charges (freight on returns among them), in any order: never refused."""
    acs = [AllowanceCharge.allowance(percent=p, tax=_tax(r)) for r, p in allowances.items()]
    acs += [AllowanceCharge.charge(percent=v / 20, tax=_tax(r)) if pct
            else AllowanceCharge.charge(v, tax=_tax(r)) for r, pct, v in charges]
    rnd.shuffle(acs)
    for sign in (1, -1):
        compute_totals(_lines(specs, sign), "EUR", allowances_charges=acs,
                       rounding=DocumentRounding(scope=scope))


@settings(max_examples=100, deadline=None)
@given(st.lists(line_specs, min_size=1, max_size=6),
       st.lists(st.tuples(doc_rates, st.booleans(), st.decimals(min_value=0, max_value=150,
                                                                places=1)), max_size=4),
       st.sampled_from(SCOPES))
def test_document_percentages_refuse_returns_as_they_refuse_sales(
        specs: list[tuple[Decimal, Decimal, str, bool, Decimal | None]],
        parts: list[tuple[str, bool, Decimal]], scope: str) -> None:
    """Percentage allowances and charges on the group's lines mirror with the lines: a
    document of returns is refused exactly when its sale is, else its totals negate."""
    acs = [AllowanceCharge(charge, None, p, tax=_tax(r)) for r, charge, p in parts]
    policy = DocumentRounding(scope=scope)
    outcomes = []
    for sign in (1, -1):
        try:
            outcomes.append(compute_totals(_lines(specs, sign), "EUR", allowances_charges=acs,
                                           rounding=policy))
        except ValidationError as err:
            assert err.field is not None and err.field.startswith("allowances_charges[")
            outcomes.append((err.field, err.value))
    plus, minus = outcomes
    if isinstance(plus, tuple):
        assert minus == plus
    else:
        assert not isinstance(minus, tuple) and minus == plus.negated()


def test_quick_totals_refuse_a_price_in_another_currency() -> None:
    """Defect: ``compute_totals`` (the quick invoice calculation) took a line priced in
    ``Money("10.00", "EUR")`` for a USD total as 10.00 USD, silently; a document with
    that line is refused (``CurrencyMismatchError`` naming the field), and so are the
    totals now, by the same check."""
    from backoffice_core.errors import CurrencyMismatchError

    std = Tax.standard(20)
    cases = [([line("A", 1, "1.00", std), line("B", 1, eur("10.00"), std)], (),
              "lines[1].unit_price"),
             ([attrs.evolve(line("A", 1, "10.00", std), allowances_charges=(
                 AllowanceCharge.allowance(amount=eur("1.00"), reason="x"),))], (),
              "lines[0].allowances_charges[0].amount"),
             ([line("A", 1, "10.00", std)],
              [AllowanceCharge.charge(amount=eur("1.00"), reason="freight", tax=std)],
              "allowances_charges[0].amount")]
    for lines, acs, field in cases:
        with pytest.raises(CurrencyMismatchError) as info:
            compute_totals(lines, "USD", allowances_charges=acs)
        assert (info.value.field, info.value.value) == (field, "EUR")
        assert compute_totals(lines, "EUR", allowances_charges=acs).currency == "EUR"


@pytest.mark.parametrize(("call", "field"), [
    (lambda: compute_totals(line("A", 1, "1.00", Tax.standard(20)), "EUR"), "lines"),
    (lambda: compute_totals(None, "EUR"), "lines"),  # type: ignore[arg-type]
    (lambda: compute_totals([{"description": "A"}], "EUR"), "lines[0]"),  # type: ignore[list-item]
    (lambda: compute_totals([line("A", 1, "1.00", Tax.standard(20))], "EUR",
                            allowances_charges=["5%"]), "allowances_charges[0]"),  # type: ignore[list-item]
    (lambda: compute_totals([line("A", 1, "1.00", Tax.standard(20))], "EUR",
                            rounding="line"), "rounding"),  # type: ignore[arg-type]
])
def test_quick_totals_name_what_is_wrong_with_their_arguments(call: Any, field: str) -> None:
    """Defect: one line not in a list, a dict for a line, a string for an allowance or a
    rounding failed with ``TypeError``/``AttributeError``; each is a ``ValidationError``
    naming the argument."""
    with pytest.raises(ValidationError) as info:
        call()
    assert info.value.field == field


@pytest.mark.parametrize("name", ["allowances_charges", "dimensions", "source"])
def test_line_refuses_a_keyword_that_is_a_line_field_not_a_dimension(name: str) -> None:
    """Defect: ``line()`` takes its other keywords as dimensions, so
    ``line(..., allowances_charges=[AllowanceCharge.allowance(percent=10)])`` made a
    dimension named ``allowances_charges`` holding the list's repr and dropped the
    allowance: the quick totals came to 12.00 instead of 10.80, silently. A keyword that
    names a field of the line is refused, naming it."""
    value: Any = [AllowanceCharge.allowance(percent=10)]
    with pytest.raises(ValidationError, match="not a dimension") as info:
        line("A", 1, "10.00", Tax.standard(20), **{name: value})
    assert info.value.field == name
    assert line("A", 1, "10.00", Tax.standard(20), project="P-1").dimensions == (
        ("project", "P-1"),)
