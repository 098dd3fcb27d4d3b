"""Early-payment (cash) discounts: what a document earns, its split per VAT rate, its entry.

A document's payment terms may grant a discount for paying early
(:class:`~backoffice_core.documents.terms.EarlyPaymentDiscount`). The discount is
a percentage of what is owed: the tax-inclusive total (BT-112) less what the document's
issued credit notes took (:func:`._crediting.left_by_group`, per VAT group) and, as EU VAT
has it (Directive 2006/112/EC art. 90, UStG section 17 "Skonto"), it lowers the taxable
amount: each VAT group takes its share of the discount, and the VAT in that share
corrects the output (or input) VAT of the group's rate. Zero-rated, exempt, reverse-charge,
intra-community and out-of-scope rows carry no VAT, so their share is all net (the
self-assessed VAT of a reverse-charge purchase or an intra-community acquisition is lowered
on that net part, per category).

Each row's roles are looked up by its VAT category and rate (``sales_discounts.S.7``,
then ``sales_discounts.S``, then ``sales_discounts``; the same for the VAT role; see
:func:`~backoffice_core.documents.postings.role`).

=============  ===================================================================
sales side     Dr sales_discounts (net, per rate) / Dr vat_output (per rate) /
               Cr receivables (the discount)
purchase side  Dr payables (the discount) / Cr purchase_discounts (net, per rate) /
               Cr vat_input (per rate); self-assessed at a rate (AE, K), also
               Cr vat_input / Dr vat_reverse_charge on the discount's AE and K parts
=============  ===================================================================

Example:
    >>> from backoffice_core.documents.lines import line
    >>> from backoffice_core.documents.taxes import Tax
    >>> from backoffice_core.documents.terms import EarlyPaymentDiscount, PaymentTerms
    >>> from backoffice_core.documents.totals import document_totals
    >>> d = Document("d-1", "sales_invoice", "p-1", "EUR", date(2026, 1, 5),
    ...              [line("A", 1, "100.00", Tax.standard(19)),
    ...               line("B", 1, "50.00", Tax.standard(7))],
    ...              payment_terms=PaymentTerms.net(30, discount=EarlyPaymentDiscount(2, 10)))
    >>> d = attrs.evolve(d, totals=document_totals(d))
    >>> earned_discount(d, date(2026, 1, 15))
    Money('3.45', 'EUR')
    >>> [(str(p.net.amount), str(p.vat.amount)) for p in discount_parts(d, Money("3.45", "EUR"))]
    [('1.00', '0.07'), ('2.00', '0.38')]
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from decimal import Decimal

import attrs

from backoffice_core.documents._crediting import left_by_group
from backoffice_core.documents.lines import AllowanceCharge
from backoffice_core.documents.model import Direction, Document, DocumentType
from backoffice_core.documents.payments import Allocation, item_sign
from backoffice_core.documents.postings import role, self_assessed
from backoffice_core.documents.taxes import Tax, TaxCategory
from backoffice_core.documents.totals import Totals, share_out
from backoffice_core.ledger.entries import Line, NewEntry
from backoffice_core.money import Money, RoundingPolicy, from_minor, minor_digits

__all__ = [
    "CASH_DISCOUNT",
    "DiscountPart",
    "booked_parts",
    "discount_entry",
    "discount_parts",
    "discount_roles",
    "earned_discount",
    "has_cash_discount",
    "is_discount_reversal",
    "reversal_allowances",
]

#: How the reason of a cash-discount :class:`~.payments.Allocation` begins.
CASH_DISCOUNT = "cash discount"
#: The reason code (UNCL5189 "95", discount) of the allowance by which a correction
#: gives back its share of a cash discount, and how its reason begins.
REVERSAL_CODE, REVERSAL_REASON = "95", "Cash discount"

_ELIGIBLE = (DocumentType.SALES_INVOICE, DocumentType.SUPPLIER_BILL)
_HALF_UP = RoundingPolicy.HALF_UP


@attrs.frozen(slots=True)
class DiscountPart:
    """The share of a cash discount that falls on one row of the VAT breakdown.

    Attributes:
        category: the row's VAT category.
        rate: the row's rate in percent.
        net: the part that lowers the taxable amount (BT-116) of the row.
        vat: the part that corrects the row's VAT (zero for a row without VAT).

    Example:
        >>> DiscountPart(TaxCategory.STANDARD, Decimal(19), Money("2.00", "EUR"),
        ...              Money("0.38", "EUR")).gross
        Money('2.38', 'EUR')
    """

    category: TaxCategory
    rate: Decimal
    net: Money
    vat: Money

    @property
    def gross(self) -> Money:
        """Net plus VAT: the row's share of the discount."""
        return self.net + self.vat


def earned_discount(doc: Document, paid_on: date,
                    corrections: Iterable[Document] = ()) -> Money:
    """The discount an issued invoice or bill earns when paid on ``paid_on`` (else zero).

    Computed by the document's payment terms
    (:meth:`~backoffice_core.documents.terms.PaymentTerms.discount_amount`), counting
    from the document date, on what is owed: the tax-inclusive total (BT-112) less what
    the issued ``corrections`` (its credit notes) took, as
    :func:`._crediting.left_by_group` counts it (without the cash rounding). Credit and
    debit notes, and documents without such terms, earn nothing.

    Example:
        >>> from backoffice_core.documents.lines import line
        >>> from backoffice_core.documents.taxes import Tax
        >>> from backoffice_core.documents.terms import EarlyPaymentDiscount, PaymentTerms
        >>> from backoffice_core.documents.totals import document_totals
        >>> d = Document("d", "supplier_bill", "s", "EUR", date(2026, 1, 5),
        ...              [line("A", 1, "100.00", Tax.standard(20))],
        ...              payment_terms=PaymentTerms.net(30, discount=EarlyPaymentDiscount(3, 14)))
        >>> d = attrs.evolve(d, totals=document_totals(d))
        >>> earned_discount(d, date(2026, 1, 19)), earned_discount(d, date(2026, 1, 20))
        (Money('3.60', 'EUR'), Money('0.00', 'EUR'))
    """
    terms, totals = doc.payment_terms, doc.totals
    if terms is None or terms.discount is None or totals is None or doc.type not in _ELIGIBLE:
        return from_minor(0, doc.currency)
    owed = sum(left_by_group(doc, corrections, cash_rounding=False).values(), Decimal(0))
    if owed <= 0:
        return from_minor(0, doc.currency)
    return terms.discount_amount(Money(owed, doc.currency), doc.date, paid_on)


def discount_parts(doc: Document, discount: Money,
                   corrections: Iterable[Document] = ()) -> tuple[DiscountPart, ...]:
    """Split ``discount`` over ``doc``'s VAT groups, exact to the minor unit.

    Each group takes a share proportional to its gross (BT-116 + BT-117) less what the
    issued ``corrections`` (its credit notes) took from it
    (:func:`._crediting.left_by_group`), shared out by largest remainder so the shares
    add up to ``discount``; the VAT of a share is ``round(share x row VAT / row
    gross)`` of the group's row, half away from zero, and the rest is net. Groups whose
    share is zero are left out.

    Example:
        >>> from backoffice_core.documents.lines import line
        >>> from backoffice_core.documents.taxes import Tax
        >>> from backoffice_core.documents.totals import document_totals
        >>> d = Document("d", "sales_invoice", "p", "EUR", date(2026, 1, 5),
        ...              [line("A", 1, "100.00", Tax.standard(20)),
        ...               line("B", 1, "100.00", Tax.exempt("Medical"))])
        >>> d = attrs.evolve(d, totals=document_totals(d))
        >>> for p in discount_parts(d, Money("4.40", "EUR")):
        ...     print(p.category.code, p.net, p.vat)
        E 2.00 EUR 0.00 EUR
        S 2.00 EUR 0.40 EUR
    """
    assert doc.totals is not None, "a discount is taken on an issued document"
    corrections = list(corrections)
    code = discount.code
    digits = minor_digits(code)
    # each group's row: the document's, else (a group only a credit note has) the note's
    rows = {r.key: r for d in [*corrections, doc] if d.totals is not None
            for r in d.totals.breakdown}
    left = left_by_group(doc, corrections, cash_rounding=False)
    grosses = list(left.values())
    whole = sum(grosses, Decimal(0))
    if not left or whole == 0:
        return ()
    shares = share_out([discount.amount * g / whole for g in grosses], discount.amount, digits)
    parts = []
    for key, share in zip(left, shares, strict=True):
        if not share:
            continue
        row = rows[key]
        gross = row.taxable.amount + row.tax.amount
        vat = _HALF_UP.quantize(share * row.tax.amount / gross, digits) \
            if row.tax.amount and gross else Decimal(0).scaleb(-digits)
        parts.append(DiscountPart(row.category, row.rate, Money(share - vat, code),
                                  Money(vat, code)))
    return tuple(parts)


def discount_roles(doc: Document, parts: Iterable[DiscountPart],
                   roles: Mapping[str, str]) -> tuple[str, tuple[tuple[str, str | None], ...]]:
    """The accounts of a discount on ``doc``: the control account, and per part its
    discount account and its VAT account (``None`` for a part without VAT).

    Each part looks its roles up by its category and rate (``sales_discounts.S.7``,
    ``vat_output.S.7``..., see :func:`~backoffice_core.documents.postings.role`).

    Raises:
        NotFoundError: the book lacks a role, named as ``roles.<name>``.

    Example:
        >>> roles = {"payables": "2110", "purchase_discounts": "5400", "vat_input": "1170",
        ...          "purchase_discounts.S.7": "5407", "vat_input.S.7": "1177"}
        >>> bill = Document("b", "supplier_bill", "s", "EUR", date(2026, 1, 5), [])
        >>> parts = [DiscountPart(TaxCategory.STANDARD, Decimal(7), Money("1.00", "EUR"),
        ...                       Money("0.07", "EUR")),
        ...          DiscountPart(TaxCategory.EXEMPT, Decimal(0), Money("2.00", "EUR"),
        ...                       Money("0.00", "EUR"))]
        >>> discount_roles(bill, parts, roles)
        ('2110', (('5407', '1177'), ('5400', None)))
    """
    sales = doc.direction is Direction.SALES
    control = role(roles, doc.direction.control_role)
    counter, vat = ("sales_discounts", "vat_output") if sales else \
        ("purchase_discounts", "vat_input")
    accounts = []
    for p in parts:
        key = (p.category.code, p.rate)
        accounts.append((role(roles, counter, tax=key),
                         role(roles, vat, tax=key) if p.vat.amount else None))
    return control, tuple(accounts)


def discount_entry(doc: Document, parts: Sequence[DiscountPart], roles: Mapping[str, str],
                   functional: str, day: date, released: int,
                   idempotency_key: str | None = None) -> NewEntry:
    """The entry of a cash discount on ``doc`` (see the module table).

    ``released`` is the functional value (minor units) the discount frees on the party's
    account; in a foreign currency the VAT lines take their amount at the document's rate
    and the discount lines share out the rest, so the entry balances to the minor unit.

    Example:
        >>> from backoffice_core.documents.lines import line
        >>> from backoffice_core.documents.taxes import Tax
        >>> from backoffice_core.documents.totals import document_totals
        >>> d = Document("d", "sales_invoice", "p-1", "USD", date(2026, 1, 5),
        ...              [line("A", 1, "100.00", Tax.standard(20))], number="INV-1")
        >>> d = attrs.evolve(d, totals=document_totals(d))
        >>> parts = discount_parts(d, Money("2.40", "USD"))
        >>> e = discount_entry(d, parts, {"receivables": "1140", "sales_discounts": "4300",
        ...                    "vat_output": "2140"}, "USD", date(2026, 1, 9), 240)
        >>> [(ln.account, str(ln.amount.amount)) for ln in e.lines]
        [('1140', '-2.40'), ('4300', '2.00'), ('2140', '0.40')]
    """
    control, accounts = discount_roles(doc, parts, roles)
    sign = item_sign("document", doc.type)  # +1 on receivables, -1 on payables
    code = doc.currency
    total = sum((p.gross.amount for p in parts), Decimal(0))
    items: list[tuple[str, Decimal, str]] = []
    vat_lines: set[int] = set()  # the indexes of the VAT items
    for p, (counter, vat_account) in zip(parts, accounts, strict=True):
        label = f"{p.category.code} {p.rate}%"
        if p.net.amount:
            items.append((counter, p.net.amount, f"Cash discount {label}"))
        if p.vat.amount:
            assert vat_account is not None
            vat_lines.add(len(items))
            items.append((vat_account, p.vat.amount, f"VAT {label}"))
    party = (("party", doc.party_id),)
    text, ref = f"Cash discount {doc.number or doc.id}", doc.number or ""
    # the discount lowers a self-assessed base (AE, K) too: its assessed VAT goes down with it
    lowered: dict[TaxCategory, Decimal] = {}
    for p in parts:
        if p.category.self_assessed:
            lowered[p.category] = lowered.get(p.category, Decimal(0)) - p.net.amount
    assessed = self_assessed(doc, roles, functional, lowered)
    if code == functional or doc.fx_rate is None:
        lines = [Line(control, Money(-sign * total, code), dimensions=party)]
        lines += [Line(a, Money(sign * v, code), memo=m,
                       dimensions=() if i in vat_lines else doc.dimensions)
                  for i, (a, v, m) in enumerate(items)]
        return NewEntry(day, text, lines + assessed, reference=ref,
                        idempotency_key=idempotency_key)
    rate, fdig = doc.fx_rate, minor_digits(functional)
    fn_total = from_minor(released, functional).amount
    vat_fn = {i: _HALF_UP.quantize(items[i][1] * rate, fdig) for i in sorted(vat_lines)}
    rest = [i for i in range(len(items)) if i not in vat_fn]
    if not rest:  # no net part to absorb the rounding: share the whole over the VAT lines
        vat_fn, rest = {}, list(range(len(items)))
    shared = share_out([items[i][1] * rate for i in rest], fn_total - sum(vat_fn.values(),
                                                                         Decimal(0)), fdig)
    fns = {**vat_fn, **dict(zip(rest, shared, strict=True))}
    lines = [Line(control, Money(-sign * total, code), dimensions=party,
                  functional=Money(-sign * fn_total, functional))]
    for i, (a, v, m) in enumerate(items):
        lines.append(Line(a, Money(sign * v, code), memo=m,
                          dimensions=() if i in vat_lines else doc.dimensions,
                          functional=Money(sign * fns[i], functional)))
    return NewEntry(day, text, lines + assessed, reference=ref,
                    idempotency_key=idempotency_key)


def has_cash_discount(allocations: Iterable[Allocation]) -> bool:
    """Whether one of ``allocations`` books a cash discount.

    Example:
        >>> a = Allocation("al", date(2026, 1, 9), "d", None, Money("2.40", "USD"),
        ...                Money("0", "USD"), True, reason="cash discount 2% within 10 days")
        >>> has_cash_discount([a])
        True
    """
    return any(a.is_cash_discount for a in allocations)


def is_discount_reversal(ac: AllowanceCharge) -> bool:
    """Whether ``ac`` is the allowance by which a credit or debit note gives back its share
    of the cash discount booked on what it corrects (:func:`reversal_allowances`).

    Example:
        >>> is_discount_reversal(AllowanceCharge.allowance("2.00", reason="Cash discount "
        ...     "2% of INV-1", reason_code="95", tax=Tax.standard(19)))
        True
    """
    return not ac.is_charge and ac.reason_code == REVERSAL_CODE \
        and ac.reason.startswith(REVERSAL_REASON)


def booked_parts(doc: Document, allocations: Iterable[Allocation],
                 corrections: Iterable[Document]) -> tuple[DiscountPart, ...]:
    """The parts of the cash discount booked on ``doc`` (none: ``()``), as it was split:
    over what was owed when it was taken, so less the live ``corrections`` issued before
    it (those that give back no share of it, :func:`is_discount_reversal`).

    Example:
        >>> from backoffice_core.documents.lines import line
        >>> from backoffice_core.documents.totals import document_totals
        >>> d = Document("d", "sales_invoice", "p", "EUR", date(2026, 1, 5),
        ...              [line("A", 1, "100.00", Tax.standard(20))])
        >>> d = attrs.evolve(d, totals=document_totals(d))
        >>> a = Allocation("al", date(2026, 1, 9), "d", None, Money("2.40", "EUR"),
        ...                Money("0", "EUR"), True, reason="cash discount 2%")
        >>> [(str(p.net.amount), str(p.vat.amount)) for p in booked_parts(d, [a], [])]
        [('2.00', '0.40')]
    """
    taken = next((a for a in allocations if a.is_cash_discount and a.debit_id == doc.id),
                 None)
    if taken is None:
        return ()
    before = [c for c in corrections
              if not any(is_discount_reversal(ac) for ac in c.allowances_charges)]
    return discount_parts(doc, taken.amount, before)


def reversal_allowances(doc: Document, parts: Sequence[DiscountPart],
                        corrections: Iterable[Document], made: Totals,
                        roles: Mapping[str, str], *, last: bool) -> tuple[AllowanceCharge, ...]:
    """The allowances by which a correction of ``doc`` gives back, per VAT group, its share
    of the cash discount booked (``parts``, :func:`booked_parts`): the discount's
    percentage of the group's taxable amount the correction credits (``made``: its
    totals without them), at most what the live ``corrections`` have not given back yet;
    that all when the correction is the ``last``. Each takes the group's tax, so the
    correction's VAT is its own of what it really credits, and posts to the discount's
    role (``sales_discounts``, ``purchase_discounts``; by category and rate).

    Example:
        >>> from backoffice_core.documents.lines import line
        >>> from backoffice_core.documents.terms import EarlyPaymentDiscount, PaymentTerms
        >>> from backoffice_core.documents.totals import compute_totals, document_totals
        >>> d = Document("d", "sales_invoice", "p", "EUR", date(2026, 1, 5),
        ...              [line("A", 2, "100.00", Tax.standard(19))], number="INV-1",
        ...              payment_terms=PaymentTerms.net(30, discount=EarlyPaymentDiscount(2, 10)))
        >>> d = attrs.evolve(d, totals=document_totals(d))
        >>> parts = discount_parts(d, Money("4.76", "EUR"))
        >>> made = compute_totals([line("A", 1, "100.00", Tax.standard(19))], "EUR")
        >>> [(ac.amount, ac.account) for ac in reversal_allowances(
        ...     d, parts, [], made, {"sales_discounts": "4300"}, last=False)]
        [(Decimal('2.00'), '4300')]
    """
    terms = doc.payment_terms
    if not parts or terms is None or terms.discount is None:
        return ()
    given: dict[tuple[str, Decimal], Decimal] = {}
    for c in corrections:
        if c.totals is None:
            continue
        for ac, amount in zip(c.allowances_charges, c.totals.allowance_charge_amounts,
                              strict=True):
            if is_discount_reversal(ac) and ac.tax is not None:
                given[ac.tax.key] = given.get(ac.tax.key, Decimal(0)) + amount.amount
    taxes: dict[tuple[str, Decimal], Tax] = {}
    for t in [ln.tax for ln in doc.lines] + [ac.tax for ac in doc.allowances_charges
                                             if ac.tax is not None]:
        taxes.setdefault(t.key, t)
    rows = {r.key: r for r in made.breakdown}
    digits, pct = minor_digits(doc.currency), terms.discount.percent
    counter = "sales_discounts" if doc.direction is Direction.SALES else "purchase_discounts"
    out = []
    for p in parts:
        key = (p.category.value, p.rate)
        row, left = rows.get(key), p.net.amount - given.get(key, Decimal(0))
        if row is None or row.taxable.amount <= 0 or left <= 0 or key not in taxes:
            continue
        share = left if last else min(left, _HALF_UP.quantize(
            row.taxable.amount * pct / 100, digits))
        if share > 0:
            out.append(AllowanceCharge.allowance(
                share, reason=f"{REVERSAL_REASON} {pct}% of {doc.number or doc.id}",
                reason_code=REVERSAL_CODE, tax=taxes[key],
                account=role(roles, counter, tax=key)))
    return tuple(out)
