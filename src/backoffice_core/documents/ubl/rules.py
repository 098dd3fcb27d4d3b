"""The EN 16931 business rules that are cheap to check on our own values.

:func:`validate_en16931` checks a :class:`~backoffice_core.documents.totals.Totals`
(the arithmetic between the totals) or a whole
:class:`~backoffice_core.documents.model.Document` (also the breakdown against its
lines and allowances/charges). It returns the problems as data (an empty list when
everything holds), each naming the rule and the business term (``BT-…``) it is about.

Rules checked:

* BR-16: at least one line;
* PEPPOL-EN16931-R120: line net amount = quantity x net price / base quantity -
  allowances + charges (within the 0.02 Peppol allows);
* BR-33, BR-38, BR-42, BR-44: allowances and charges have a reason or a reason code;
* BR-CO-10 to BR-CO-18: the sums of the totals and of the VAT breakdown;
* BR-CO-25: a positive amount due has a due date or payment terms;
* BR-x-01: a breakdown row for each category and rate used;
* BR-x-08: a row's taxable amount = its line nets + charges - allowances, for every
  category (BR-S-08, BR-Z-08, BR-E-08, BR-AE-08, ...), and one row for each category
  and rate ("for each different value of VAT category rate");
* BR-x-09: no VAT in the zero-rate categories;
* BR-x-10: an exemption reason for E, AE, K, G, O; none for S and Z;
* BR-DEC: no amount finer than the currency's minor unit;
* PEPPOL-EN16931-R051: every amount in the document currency.

BR-CO-17 (VAT of a row = taxable x rate, rounded half up) is checked with the CEN
schematron's tolerance (since release 1.3.x): the declared VAT may differ from the
computed one by less than one currency unit, which admits per-line rounding and prices
that include tax. Unlike the schematron, which compares magnitudes, the difference is
signed: a VAT of -19.00 on a taxable +100.00 at 19 % is refused. ``strict_vat=True``
demands the exact rounded value.

Example:
    >>> from backoffice_core.documents import Tax, compute_totals, line
    >>> t = compute_totals([line("A", 1, "100.00", Tax.standard(20))], "EUR")
    >>> validate_en16931(t)
    []
    >>> import attrs
    >>> from backoffice_core.money import Money
    >>> [p.rule for p in validate_en16931(attrs.evolve(t, amount_due=Money("1", "EUR")))]
    ['BR-CO-16']
"""

from __future__ import annotations

import decimal
from collections.abc import Iterable
from decimal import Decimal

import attrs

from backoffice_core.documents.model import Document
from backoffice_core.documents.taxes import TaxCategory
from backoffice_core.documents.totals import Totals, document_totals
from backoffice_core.documents.ubl.common import line_allowances_charges
from backoffice_core.money import EXACT, Money, minor_digits

__all__ = ["RULE_PREFIX", "Problem", "validate_en16931"]

#: The prefix of each category's rules in EN 16931 (BR-S-08, BR-IC-08, ...).
RULE_PREFIX = {c: c.rule_prefix for c in TaxCategory}
_ZERO = Decimal(0)


@attrs.frozen(slots=True)
class Problem:
    """One broken business rule.

    Attributes:
        rule: the rule id, e.g. ``"BR-CO-13"``.
        term: the business term it is about, e.g. ``"BT-109"`` (``"BT-117[S 20]"`` for
            one VAT breakdown row, ``"BT-92[0]"`` for one allowance).
        message: what the rule says.
        expected: the value the rule computes, when there is one.
        actual: the value found.

    Example:
        >>> str(Problem("BR-CO-15", "BT-112", "BT-112 = BT-109 + BT-110", Decimal("12.00"),
        ...             Decimal("12.01")))
        '[BR-CO-15] BT-112: BT-112 = BT-109 + BT-110 (expected 12.00, found 12.01)'
    """

    rule: str
    term: str
    message: str
    expected: Decimal | None = None
    actual: Decimal | None = None

    def __str__(self) -> str:
        text = f"[{self.rule}] {self.term}: {self.message}"
        if self.expected is not None:
            text += f" (expected {self.expected}, found {self.actual})"
        elif self.actual is not None:
            text += f" (found {self.actual})"
        return text


def _half_up(value: Decimal, digits: int) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-digits), decimal.ROUND_HALF_UP, EXACT)


def _sum(values: Iterable[Money]) -> Decimal:
    return sum((m.amount for m in values), _ZERO)


def _row_term(category: TaxCategory, rate: Decimal) -> str:
    return f"{category.code} {rate}"


def _totals_rules(t: Totals, strict_vat: bool) -> list[Problem]:
    out: list[Problem] = []
    digits = minor_digits(t.currency)

    def same(rule: str, term: str, message: str, expected: Decimal, actual: Decimal) -> None:
        if expected != actual:
            out.append(Problem(rule, term, message, expected, actual))

    named = [("BT-106", t.line_total), ("BT-107", t.allowance_total),
             ("BT-108", t.charge_total), ("BT-109", t.tax_exclusive), ("BT-110", t.tax_total),
             ("BT-112", t.tax_inclusive), ("BT-113", t.prepaid), ("BT-114", t.rounding),
             ("BT-115", t.amount_due)]
    named += [(f"BT-131[{i}]", m) for i, m in enumerate(t.line_nets)]
    named += [(f"BT-92/BT-99[{j}]", m) for j, m in enumerate(t.allowance_charge_amounts)]
    for row in t.breakdown:
        key = _row_term(row.category, row.rate)
        named += [(f"BT-116[{key}]", row.taxable), (f"BT-117[{key}]", row.tax)]
    for term, money in named:
        if money.code != t.currency:
            out.append(Problem("PEPPOL-EN16931-R051", term, f"amount not in the document currency "
                               f"{t.currency}", None, money.amount))
        elif _half_up(money.amount, digits) != money.amount:
            out.append(Problem("BR-DEC", term, f"more decimals than {t.currency} has "
                               f"({digits})", _half_up(money.amount, digits), money.amount))
    if out:
        return out
    same("BR-CO-10", "BT-106", "sum of invoice line net amounts = Σ BT-131",
         _sum(t.line_nets), t.line_total.amount)
    same("BR-CO-13", "BT-109", "total without VAT = BT-106 - BT-107 + BT-108",
         t.line_total.amount - t.allowance_total.amount + t.charge_total.amount,
         t.tax_exclusive.amount)
    same("BR-CO-14", "BT-110", "total VAT = Σ VAT category tax amounts (BT-117)",
         _sum(r.tax for r in t.breakdown), t.tax_total.amount)
    same("BR-CO-15", "BT-112", "total with VAT = BT-109 + BT-110",
         t.tax_exclusive.amount + t.tax_total.amount, t.tax_inclusive.amount)
    same("BR-CO-16", "BT-115", "amount due = BT-112 - BT-113 + BT-114",
         t.tax_inclusive.amount - t.prepaid.amount + t.rounding.amount, t.amount_due.amount)
    if not t.breakdown:
        out.append(Problem("BR-CO-18", "BG-23", "at least one VAT breakdown row"))
    seen: set[tuple[str, Decimal]] = set()
    for row in t.breakdown:
        key = _row_term(row.category, row.rate)
        prefix = RULE_PREFIX[row.category]
        if row.key in seen:  # its taxable amount and VAT would count twice in BT-110
            out.append(Problem(f"BR-{prefix}-08", f"BT-116[{key}]", "one VAT breakdown row "
                               "for each category and rate (this one is repeated)", None,
                               row.taxable.amount))
        seen.add(row.key)
        if row.rate != 0:
            expected = _half_up(row.taxable.amount * row.rate / 100, digits)
            diff = abs(row.tax.amount - expected)  # signed: -19.00 is not the VAT of +100.00
            if (strict_vat and diff != 0) or diff >= 1:
                out.append(Problem("BR-CO-17", f"BT-117[{key}]", "VAT = taxable amount x "
                                   "rate / 100, rounded half up", expected, row.tax.amount))
        elif row.tax.amount != 0:
            out.append(Problem(f"BR-{prefix}-09", f"BT-117[{key}]",
                               f"no VAT in category {row.category.code}", _ZERO,
                               row.tax.amount))
        has_reason = bool(row.exemption_reason or row.exemption_code)
        if row.category.needs_reason and not has_reason:
            out.append(Problem(f"BR-{prefix}-10", f"BT-120[{key}]", "an exemption reason "
                               "text or code is required for this category"))
        if row.category in (TaxCategory.STANDARD, TaxCategory.ZERO) and has_reason:
            out.append(Problem(f"BR-{prefix}-10", f"BT-120[{key}]", "no exemption reason "
                               "for this category"))
    return out


def _document_rules(doc: Document, t: Totals) -> list[Problem]:
    out: list[Problem] = []
    if not doc.lines:
        out.append(Problem("BR-16", "BG-25", "at least one invoice line"))
    if len(t.line_nets) != len(doc.lines) or \
            len(t.allowance_charge_amounts) != len(doc.allowances_charges):
        out.append(Problem("BR-CO-10", "BT-131", "the totals do not belong to this document: "
                           "line or allowance/charge counts differ"))
        return out
    slack = 2 * Decimal(1).scaleb(-minor_digits(doc.currency))
    for i, (ln, net) in enumerate(zip(doc.lines, t.line_nets, strict=True)):
        if not ln.price_includes_tax:
            base, parts = line_allowances_charges(ln, doc.currency, doc)
            expected = base + sum((v if ac.is_charge else -v for ac, v, _ in parts), _ZERO)
            if abs(expected - net.amount) > slack:
                out.append(Problem("PEPPOL-EN16931-R120", f"BT-131[{i}]", "line net amount = "
                                   "quantity x price / base quantity + charges - allowances",
                                   expected, net.amount))
        for j, ac in enumerate(ln.allowances_charges):
            if not (ac.reason or ac.reason_code):
                rule, term = ("BR-44", "BT-144") if ac.is_charge else ("BR-42", "BT-139")
                out.append(Problem(rule, f"{term}[{i}.{j}]", "a line allowance or charge "
                                   "needs a reason or a reason code"))
    terms = doc.payment_terms.description if doc.payment_terms is not None else ""
    if t.amount_due.amount > 0 and doc.due_date is None and not terms:
        out.append(Problem("BR-CO-25", "BT-9", "a positive amount due needs a payment due "
                           "date (BT-9) or payment terms (BT-20)"))
    allowances = charges = _ZERO
    for j, (ac, amount) in enumerate(zip(doc.allowances_charges, t.allowance_charge_amounts,
                                         strict=True)):
        if ac.is_charge:
            charges += amount.amount
        else:
            allowances += amount.amount
        if not (ac.reason or ac.reason_code):
            rule, term = ("BR-38", "BT-104") if ac.is_charge else ("BR-33", "BT-97")
            out.append(Problem(rule, f"{term}[{j}]", "a document level allowance or charge "
                               "needs a reason or a reason code"))
    if allowances != t.allowance_total.amount:
        out.append(Problem("BR-CO-11", "BT-107", "sum of allowances = Σ BT-92", allowances,
                           t.allowance_total.amount))
    if charges != t.charge_total.amount:
        out.append(Problem("BR-CO-12", "BT-108", "sum of charges = Σ BT-99", charges,
                           t.charge_total.amount))
    taxable: dict[tuple[str, Decimal], Decimal] = {}
    categories: dict[tuple[str, Decimal], TaxCategory] = {}
    for ln, net in zip(doc.lines, t.line_nets, strict=True):
        taxable[ln.tax.key] = taxable.get(ln.tax.key, _ZERO) + net.amount
        categories[ln.tax.key] = ln.tax.category
    for ac, amount in zip(doc.allowances_charges, t.allowance_charge_amounts, strict=True):
        assert ac.tax is not None  # the model requires it on document level
        signed = amount.amount if ac.is_charge else -amount.amount
        taxable[ac.tax.key] = taxable.get(ac.tax.key, _ZERO) + signed
        categories[ac.tax.key] = ac.tax.category
    rows = {row.key: row for row in t.breakdown}
    for key, value in taxable.items():
        category = categories[key]
        prefix = RULE_PREFIX[category]
        row = rows.get(key)
        if row is None:
            out.append(Problem(f"BR-{prefix}-01", f"BG-23[{_row_term(category, key[1])}]",
                               "a VAT breakdown row for every category and rate used"))
        elif row.taxable.amount != value:
            out.append(Problem(f"BR-{prefix}-08", f"BT-116[{_row_term(category, key[1])}]",
                               "taxable amount = Σ line nets + charges - allowances of the "
                               "category and rate", value, row.taxable.amount))
    for key, row in rows.items():
        if key not in taxable:
            out.append(Problem(f"BR-{RULE_PREFIX[row.category]}-08",
                               f"BT-116[{_row_term(row.category, row.rate)}]",
                               "a breakdown row without lines or allowances/charges",
                               _ZERO, row.taxable.amount))
    return out


def validate_en16931(subject: Totals | Document, *, strict_vat: bool = False) -> list[Problem]:
    """Check the EN 16931 business rules listed in the module text; return the problems.

    Args:
        subject: totals alone (the arithmetic rules), or a document (also the rules
            that tie the breakdown to the lines; its ``totals`` are used when set,
            else they are computed).
        strict_vat: demand BT-117 = round(BT-116 x rate) exactly (BR-CO-17 without
            the schematron's tolerance).

    Example:
        >>> from datetime import date
        >>> from backoffice_core.documents import Document, Tax, line
        >>> doc = Document("d", "sales_invoice", "p", "EUR", date(2026, 1, 1),
        ...                [line("Support", 1, "50.00", Tax("E"))],
        ...                due_date=date(2026, 1, 31))
        >>> [str(p) for p in validate_en16931(doc)]
        ['[BR-E-10] BT-120[E 0]: an exemption reason text or code is required for this category']
    """
    with decimal.localcontext(EXACT):  # exact whatever the caller's decimal context
        return _validate(subject, strict_vat)


def _validate(subject: Totals | Document, strict_vat: bool) -> list[Problem]:
    if isinstance(subject, Totals):
        return _totals_rules(subject, strict_vat)
    if not isinstance(subject, Document):
        from backoffice_core.errors import ValidationError

        raise ValidationError("expected Totals or a Document", field="subject", value=subject)
    totals = subject.totals if subject.totals is not None else document_totals(subject)
    problems = _totals_rules(totals, strict_vat)
    if any(p.rule == "BR-DEC" for p in problems):
        return problems
    return problems + _document_rules(subject, totals)
