"""Document totals by the EN 16931 calculation model, exact to the minor unit.

The calculation, step by step (line nets, tax-inclusive prices, document-level
allowances and charges, the VAT breakdown, the totals), is in docs/documents.md
("Documents, lines and totals"). All rounding goes through the document's one
:class:`~backoffice_core.documents.rounding.DocumentRounding`, and an amount once
rounded is never rounded again.

Every rounding mode offered is sign-symmetric, so a credit note (or a
document with every quantity negated) gives exactly the negated totals.

Example:
    >>> from datetime import date
    >>> from backoffice_core.documents.lines import line
    >>> from backoffice_core.documents.taxes import Tax
    >>> t = compute_totals([line("Gift box", 1, "24.99", Tax.standard(20),
    ...                          price_includes_tax=True)], "EUR")
    >>> t.tax_exclusive, t.tax_total, t.tax_inclusive
    (Money('20.83', 'EUR'), Money('4.16', 'EUR'), Money('24.99', 'EUR'))
"""

from __future__ import annotations

import decimal
from collections.abc import Callable, Iterator, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import attrs
import moneyed

from backoffice_core.documents._allowances import (
    check_group,
    check_percent,
    group_base,
    line_base,
    refuse_beyond,
)
from backoffice_core.documents.lines import AllowanceCharge, DocumentLine, check_parts
from backoffice_core.documents.rounding import DocumentRounding, RoundingScope
from backoffice_core.documents.taxes import Tax, TaxCategory
from backoffice_core.errors import CurrencyMismatchError, ValidationError
from backoffice_core.ledger.entries import MAX_MINOR
from backoffice_core.money import (
    EXACT,
    Currency,
    Money,
    RoundingPolicy,
    currency,
    minor_digits,
    to_decimal,
)

if TYPE_CHECKING:
    from backoffice_core.documents.model import Document

__all__ = ["Totals", "VatBreakdown", "as_prepaid", "compute_totals", "document_totals",
           "share_out"]

_CTX = decimal.Context(prec=60)
_ZERO = Decimal(0)
_new = object.__new__
_init = moneyed.Money.__init__


def _money(value: Decimal, cur: Currency) -> Money:
    """Money from an already exact Decimal and a known currency (the totals' fast path)."""
    m: Money = _new(Money)
    _init(m, value, cur)
    return m


@attrs.frozen(slots=True)
class VatBreakdown:
    """One row of the VAT breakdown (BG-23): a (category, rate) group.

    Attributes:
        category: the :class:`~backoffice_core.documents.taxes.TaxCategory` (BT-118).
        rate: percent (BT-119).
        taxable: BT-116, the group's line nets + charges - allowances.
        tax: BT-117, the group's VAT.
        exemption_reason: BT-120, from the group's first tax that has one.
        exemption_code: BT-121.

    Example:
        >>> row = VatBreakdown(TaxCategory.STANDARD, Decimal("20"), Money("10.00", "EUR"),
        ...                    Money("2.00", "EUR"))
        >>> row.key
        ('S', Decimal('20'))
    """

    category: TaxCategory
    rate: Decimal
    taxable: Money
    tax: Money
    exemption_reason: str = ""
    exemption_code: str = ""

    @property
    def key(self) -> tuple[str, Decimal]:
        """``(category code, rate)``."""
        return self.category.value, self.rate

    def negated(self) -> VatBreakdown:
        """The same row with amounts negated.

        Example:
            >>> VatBreakdown(TaxCategory.STANDARD, Decimal("20"), Money("10.00", "EUR"),
            ...              Money("2.00", "EUR")).negated().tax
            Money('-2.00', 'EUR')
        """
        return attrs.evolve(self, taxable=-self.taxable, tax=-self.tax)


@attrs.frozen(slots=True)
class Totals:
    """The totals of a document (EN 16931 BG-22 and BG-23), all in its currency.

    Attributes:
        currency: ISO 4217 code.
        line_nets: BT-131 of every line, in line order.
        allowance_charge_amounts: the computed amount of every document-level
            allowance or charge (positive), in order.
        line_total: BT-106, sum of line nets.
        allowance_total: BT-107, document-level allowances.
        charge_total: BT-108, document-level charges.
        tax_exclusive: BT-109.
        tax_total: BT-110.
        tax_inclusive: BT-112.
        prepaid: BT-113.
        rounding: BT-114 (cash rounding of the amount due).
        amount_due: BT-115.
        breakdown: BG-23 rows, ordered by category code and rate.
        tax_total_accounting: BT-111, the VAT in the accounting currency (set at
            issue for documents in a foreign currency), or ``None``.

    Example:
        >>> from backoffice_core.documents.lines import line
        >>> t = compute_totals([line("A", 1, "100.00", Tax.standard(19))], "EUR")
        >>> t.amount_due, t.negated().amount_due
        (Money('119.00', 'EUR'), Money('-119.00', 'EUR'))
    """

    currency: str
    line_nets: tuple[Money, ...]
    allowance_charge_amounts: tuple[Money, ...]
    line_total: Money
    allowance_total: Money
    charge_total: Money
    tax_exclusive: Money
    tax_total: Money
    tax_inclusive: Money
    prepaid: Money
    rounding: Money
    amount_due: Money
    breakdown: tuple[VatBreakdown, ...]
    tax_total_accounting: Money | None = None

    @property
    def to_settle(self) -> Money:
        """What the party's account carries for the document: BT-112 + BT-114 (the
        amount due before deducting the prepaid amount)."""
        incl, cash = self.tax_inclusive, self.rounding
        if type(incl) is Money and type(cash) is Money and incl.currency is cash.currency:
            return _money(incl.amount + cash.amount, incl.currency)  # what + does, checked
        return incl + cash

    def negated(self) -> Totals:
        """Every amount negated, field by field (a credit note's signed view).

        Example:
            >>> from backoffice_core.documents.lines import line
            >>> t = compute_totals([line("A", 1, "100.00", Tax.standard(20))], "EUR").negated()
            >>> t.tax_exclusive, t.tax_total, t.amount_due
            (Money('-100.00', 'EUR'), Money('-20.00', 'EUR'), Money('-120.00', 'EUR'))
        """
        neg = _neg
        return Totals(
            self.currency, tuple(-m for m in self.line_nets),
            tuple(-m for m in self.allowance_charge_amounts), neg(self.line_total),
            neg(self.allowance_total), neg(self.charge_total), neg(self.tax_exclusive),
            neg(self.tax_total), neg(self.tax_inclusive), neg(self.prepaid),
            neg(self.rounding), neg(self.amount_due),
            tuple(b.negated() for b in self.breakdown),
            None if self.tax_total_accounting is None else -self.tax_total_accounting)

    def signed(self, sign: int) -> Totals:
        """``self`` for a positive sign (or zero), :meth:`negated` for a negative one.

        Example:
            >>> from backoffice_core.documents.lines import line
            >>> t = compute_totals([line("A", 1, "100.00", Tax.standard(20))], "EUR")
            >>> t.signed(1).amount_due, t.signed(-1).amount_due
            (Money('120.00', 'EUR'), Money('-120.00', 'EUR'))
        """
        given: Any = sign
        if type(given) is not int and not (type(given) is Decimal and given.is_finite()):
            raise ValidationError("sign must be a number, e.g. 1 or -1", field="sign", value=sign)
        return self if sign >= 0 else self.negated()

    def with_accounting(self, rate: Decimal, accounting_currency: str,
                        mode: RoundingPolicy = RoundingPolicy.HALF_UP) -> Totals:
        """Add BT-111: the VAT total converted at ``rate`` into ``accounting_currency``.

        Example:
            >>> from backoffice_core.documents.lines import line
            >>> t = compute_totals([line("A", 1, "100.00", Tax.standard(20))], "EUR")
            >>> t.with_accounting(Decimal("1.0850"), "USD").tax_total_accounting
            Money('21.70', 'USD')
        """
        code = str(currency(accounting_currency).code)
        value = mode.quantize(self.tax_total.amount * rate, minor_digits(code))
        return attrs.evolve(self, tax_total_accounting=Money(value, code))


def _neg(m: Money) -> Money:
    return -m


def share_out(exact: Sequence[Decimal], target: Decimal, digits: int) -> list[Decimal]:
    """Split ``target`` (already rounded) over parts proportional to ``exact`` values.

    Largest remainder on minor units, sign-symmetric: negating every input
    negates every output. Ties go to the earlier part.

    Example:
        >>> share_out([Decimal("9.834710"), Decimal("2.314049")], Decimal("12.15"), 2)
        [Decimal('9.84'), Decimal('2.31')]
        >>> share_out([Decimal("-9.834710"), Decimal("-2.314049")], Decimal("-12.15"), 2)
        [Decimal('-9.84'), Decimal('-2.31')]
        >>> share_out([Decimal("-1.675"), Decimal("1.675")], Decimal("0"), 2)
        [Decimal('-1.68'), Decimal('1.68')]
    """
    if not exact:
        return []
    whole = sum(exact, _ZERO)  # on a zero target the parts' side; on zero parts too, the
    lead = whole if whole else next((x for x in exact if x), _ZERO)  # first part's: symmetric
    sign = -1 if (target < 0 or (target == 0 and lead < 0)) else 1
    scaled = [_CTX.scaleb(x, digits) * sign for x in exact]
    floors = [int(x.to_integral_value(decimal.ROUND_FLOOR, _CTX)) for x in scaled]
    goal = int(_CTX.scaleb(target, digits)) * sign
    left = goal - sum(floors)
    order = sorted(range(len(scaled)), key=lambda i: (-(scaled[i] - floors[i]), i))
    n = len(floors)
    for k in range(left):
        floors[order[k % n]] += 1
    for k in range(-left):
        floors[order[n - 1 - (k % n)]] -= 1
    return [Decimal(sign * f).scaleb(-digits) for f in floors]


class _Group:
    __slots__ = ("acs", "excl", "incl", "tax")

    def __init__(self, tax: Tax) -> None:
        self.tax = tax
        self.excl: list[tuple[int, Decimal]] = []  # (line index, net)
        self.incl: list[tuple[int, Decimal]] = []  # (line index, gross)
        self.acs: list[tuple[int, Decimal]] = []  # (ac index, signed amount: charge +)


def _fits(value: Decimal, quantum_digits: int) -> bool:
    return value == value.quantize(Decimal(1).scaleb(-quantum_digits), decimal.ROUND_DOWN,
                                   _CTX)


def _line_amount(i: int, ln: DocumentLine, rnd: Callable[[Decimal], Decimal],
                 digits: int) -> Decimal:
    price = ln.price
    base_qty = ln.price_base_quantity
    product = ln.quantity * price if base_qty == 1 else _CTX.divide(ln.quantity * price,
                                                                    base_qty)
    base = rnd(product)
    if not ln.allowances_charges:
        return base
    sign = -1 if base < 0 else 1
    amount = base
    allowances: list[tuple[int, Decimal]] = []  # (index, magnitude taken) of each allowance
    for j, ac in enumerate(ln.allowances_charges):
        field = f"lines[{i}].allowances_charges[{j}]"
        fixed = ac.amount_value()
        if fixed is None:
            assert ac.percent is not None
            check_percent(ac, field, "a line allowance")
            explicit = line_base(ac, field)
            of = base if explicit is None else explicit * sign
            value = rnd(_CTX.divide(of * ac.percent, 100))
        else:
            if not _fits(fixed, digits):
                raise ValidationError("finer than the currency's minor unit",
                                      field=f"{field}.amount", value=fixed)
            value = fixed * sign
        if ac.is_charge:
            amount += value
        else:
            amount -= value
            allowances.append((j, value * sign))
    if amount * sign < 0:  # the allowances take more than the line (and its charges)
        refuse_beyond(f"lines[{i}].allowances_charges", ln.allowances_charges,
                      amount * sign + sum((v for _, v in allowances), _ZERO), allowances,
                      "the line's allowances exceed its amount plus its charges")
    return amount


def as_prepaid(value: Any, currency_code: str) -> Money | None:
    """``value`` as a document's prepaid amount (BT-113) in ``currency_code``: a
    ``Money`` in that currency, or a ``str``, ``int`` or ``Decimal`` taken in it.

    Raises:
        FloatNotAllowedError: a float; ValidationError: not a number;
        CurrencyMismatchError: a ``Money`` in another currency (each naming ``prepaid``).

    Example:
        >>> as_prepaid("20.00", "EUR")
        Money('20.00', 'EUR')
        >>> as_prepaid(Money("20.00", "USD"), "EUR")
        Traceback (most recent call last):
        ...
        backoffice_core.errors.CurrencyMismatchError: prepaid='USD': the document is in EUR
    """
    if value is None:
        return None
    if isinstance(value, Money):
        if value.code != currency_code:
            raise CurrencyMismatchError(f"the document is in {currency_code}",
                                        field="prepaid", value=value.code)
        return value
    return Money(to_decimal(value, field="prepaid"), currency_code)


def compute_totals(lines: Sequence[DocumentLine], currency_code: str, *,
                   allowances_charges: Sequence[AllowanceCharge] = (),
                   rounding: DocumentRounding | None = None,
                   prepaid: Money | Decimal | str | int | None = None) -> Totals:
    """Compute a document's totals from its parts (see the module text for the rules).

    Raises:
        ValidationError: ``lines`` that are no list of lines, ``allowances_charges`` none
            of allowances and charges, a ``rounding`` that is no :class:`DocumentRounding`
            (each named); a fixed amount finer than the minor unit, a document-level
            allowance or charge without a tax, allowances that take their line or VAT
            group across zero (``lines[i].allowances_charges[j].amount`` or ``.percent``,
            ``allowances_charges[j]...``); a ``prepaid`` that is no amount in the currency
            (:func:`as_prepaid`).
        CurrencyMismatchError: a ``Money`` price, amount or base in another currency.

    Example:
        >>> from backoffice_core.documents.lines import line
        >>> t = compute_totals([line("Yen item", 1, "12345", Tax.standard(10))], "JPY")
        >>> t.tax_total, t.tax_inclusive
        (Money('1235', 'JPY'), Money('13580', 'JPY'))
    """
    check_parts(str(currency(currency_code).code), lines, allowances_charges)
    if rounding is not None and not isinstance(rounding, DocumentRounding):
        raise ValidationError("rounding is a DocumentRounding", field="rounding", value=rounding)
    with decimal.localcontext(EXACT):  # exact whatever the caller's decimal context
        return _compute_totals(lines, currency_code, allowances_charges, rounding, prepaid)


def _compute_totals(lines: Sequence[DocumentLine], currency_code: str,
                    allowances_charges: Sequence[AllowanceCharge],
                    rounding: DocumentRounding | None, prepaid: Any) -> Totals:
    code = str(currency(currency_code).code)
    cur = currency(code)
    policy = rounding or DocumentRounding()
    digits = minor_digits(code)
    rnd = policy.rounder(code)
    scope = policy.scope
    groups: dict[tuple[str, Decimal], _Group] = {}
    nets: list[Decimal] = [_ZERO] * len(lines)
    tax_keys: dict[int, tuple[str, Decimal]] = {}
    for i, ln in enumerate(lines):
        price = ln.unit_price
        if ln.allowances_charges or type(price) is not Decimal or ln.price_base_quantity != 1:
            amount = _line_amount(i, ln, rnd, digits)
        else:  # the commonest line, as _line_amount computes it
            amount = rnd(ln.quantity * price)
        key = tax_keys.get(id(ln.tax))
        if key is None:
            key = tax_keys[id(ln.tax)] = ln.tax.key
        g = groups.get(key)
        if g is None:
            g = groups[key] = _Group(ln.tax)
        if ln.price_includes_tax:
            g.incl.append((i, amount))
        else:
            g.excl.append((i, amount))
            nets[i] = amount
    ac_amounts: list[Decimal] = []
    allowance_total = charge_total = _ZERO
    pending_pct: list[tuple[int, AllowanceCharge, _Group]] = []
    for j, ac in enumerate(allowances_charges):
        if ac.tax is None:
            raise ValidationError("a document-level allowance or charge needs a tax",
                                  field=f"allowances_charges[{j}].tax", value=None)
        check_percent(ac, f"allowances_charges[{j}]", "a document allowance")
        key = ac.tax.key
        g = groups.get(key)
        if g is None:
            g = groups[key] = _Group(ac.tax)
        ac_amounts.append(_ZERO)
        pending_pct.append((j, ac, g))
    vat_rows: dict[tuple[str, Decimal], Decimal] = {}
    exact_rows: dict[tuple[str, Decimal], Decimal] = {}
    taxable_rows: dict[tuple[str, Decimal], Decimal] = {}
    for key, g in groups.items():
        fraction = g.tax.fraction
        vat_fixed = _ZERO  # VAT already rounded (tax-inclusive parts, per-line VAT)
        if g.incl:
            divisor = 1 + fraction
            if scope is RoundingScope.LINE:
                for i, gross in g.incl:
                    net = rnd(_CTX.divide(gross, divisor))
                    nets[i] = net
                    vat_fixed += gross - net
            else:
                gross_total = sum((gross for _, gross in g.incl), _ZERO)
                net_total = rnd(_CTX.divide(gross_total, divisor))
                shares = share_out([_CTX.divide(gross, divisor) for _, gross in g.incl],
                                   net_total, digits)
                for (i, _), net in zip(g.incl, shares, strict=True):
                    nets[i] = net
                vat_fixed += gross_total - net_total
        excl_nets = sum([nets[i] for i, _ in g.excl], _ZERO)
        group_nets = excl_nets + sum([nets[i] for i, _ in g.incl], _ZERO)
        for j, ac, owner in pending_pct:
            if owner is not g:
                continue
            fixed = ac.amount_value()
            if fixed is None:
                explicit = group_base(ac, f"allowances_charges[{j}]", group_nets)
                of = group_nets if explicit is None else explicit
                assert ac.percent is not None
                value = rnd(_CTX.divide(of * ac.percent, 100))
            else:
                if not _fits(fixed, digits):
                    raise ValidationError("finer than the currency's minor unit",
                                          field=f"allowances_charges[{j}].amount", value=fixed)
                value = fixed
            ac_amounts[j] = value
            g.acs.append((j, value if ac.is_charge else -value))
            if ac.is_charge:
                charge_total += value
            else:
                allowance_total += value
        if g.acs:
            check_group(group_nets, g.acs, allowances_charges)
        ac_net = sum([v for _, v in g.acs], _ZERO)
        taxable_rows[key] = group_nets + ac_net
        excl_base = excl_nets + ac_net
        if fraction == 0:
            vat_rows[key] = vat_fixed
            exact_rows[key] = _ZERO
        elif scope is RoundingScope.LINE:
            vat = vat_fixed
            for i, _ in g.excl:
                vat += rnd(nets[i] * fraction)
            for _, v in g.acs:
                vat += rnd(v * fraction)
            vat_rows[key] = vat
        elif scope is RoundingScope.TAX_GROUP:
            vat_rows[key] = vat_fixed + rnd(excl_base * fraction)
        else:
            vat_rows[key] = vat_fixed
            exact_rows[key] = excl_base * fraction
    if scope is RoundingScope.DOCUMENT and exact_rows:
        keys = list(exact_rows)
        target = rnd(sum(exact_rows.values(), _ZERO))
        for key, share in zip(keys, share_out([exact_rows[k] for k in keys], target, digits),
                              strict=True):
            vat_rows[key] += share
    line_total = sum(nets, _ZERO)
    tax_exclusive = line_total - allowance_total + charge_total
    tax_total = sum(vat_rows.values(), _ZERO)
    tax_inclusive = tax_exclusive + tax_total
    paid = _ZERO
    if prepaid is not None:
        paid = as_prepaid(prepaid, code).amount  # type: ignore[union-attr]
        if not _fits(paid, digits):
            raise ValidationError("finer than the currency's minor unit", field="prepaid",
                                  value=prepaid)
    due_raw = tax_inclusive - paid
    due = policy.round_cash(due_raw, code) if policy.cash_increment is not None else due_raw
    _check_size(nets, tax_exclusive, tax_inclusive, digits)
    rounding_amount = due - due_raw

    quantum, mode = Decimal(1).scaleb(-digits), policy.mode.value  # what rnd applies

    def m(value: Decimal) -> Money:  # every value already fits: this only sets the exponent
        out: Money = _new(Money)
        _init(out, value.quantize(quantum, mode, _CTX), cur)
        return out

    breakdown = []
    for key in sorted(groups):  # (category code, rate)
        tax = groups[key].tax
        reason, reason_code = _reason(groups[key], lines, allowances_charges)
        breakdown.append(VatBreakdown(tax.category, key[1], m(taxable_rows[key]),
                                      m(vat_rows[key]), reason, reason_code))
    return Totals(code, tuple([m(n) for n in nets]), tuple([m(a) for a in ac_amounts]),
                  m(line_total), m(allowance_total), m(charge_total), m(tax_exclusive),
                  m(tax_total), m(tax_inclusive), m(paid), m(rounding_amount), m(due),
                  tuple(breakdown))


def _check_size(nets: Sequence[Decimal], tax_exclusive: Decimal, tax_inclusive: Decimal,
                digits: int) -> None:
    """Refuse a document beyond what a book holds (the ledger's largest amount) when it is
    made rather than when it is posted, naming the line that takes it there, if one does,
    else the total. Two comparisons for a document within bounds."""
    limit = Decimal(MAX_MINOR).scaleb(-digits)
    for field, value in (("tax_exclusive", tax_exclusive), ("tax_inclusive", tax_inclusive)):
        if abs(value) > limit:
            for i, net in enumerate(nets):
                if abs(net) > limit:
                    raise ValidationError(f"the line comes to more than {limit} (the largest "
                                          "amount a book holds)", field=f"lines[{i}]",
                                          value=net)
            raise ValidationError(f"the document comes to more than {limit} (the largest "
                                  "amount a book holds)", field=field, value=value)


def _reason(g: _Group, lines: Sequence[DocumentLine],
            acs: Sequence[AllowanceCharge]) -> tuple[str, str]:
    """The first reason of the group's tax, its lines' taxes, its allowances' taxes."""
    for t in _taxes(g, lines, acs):
        if t is not None and (t.exemption_reason or t.exemption_code):
            return t.exemption_reason, t.exemption_code
    return "", ""


def _taxes(g: _Group, lines: Sequence[DocumentLine],
           acs: Sequence[AllowanceCharge]) -> Iterator[Tax | None]:
    yield g.tax
    for i, _ in g.excl:
        yield lines[i].tax
    for i, _ in g.incl:
        yield lines[i].tax
    for j, _ in g.acs:
        yield acs[j].tax


def document_totals(doc: Document) -> Totals:
    """The totals of a :class:`~backoffice_core.documents.model.Document` from its parts.

    Example:
        >>> from datetime import date
        >>> from backoffice_core.documents.lines import line
        >>> from backoffice_core.documents.model import Document, DocumentType
        >>> d = Document("d", DocumentType.QUOTE, "p", "EUR", date(2026, 1, 1),
        ...              [line("A", 3, "0.333", Tax.standard(20))])
        >>> document_totals(d).tax_inclusive
        Money('1.20', 'EUR')
    """
    with decimal.localcontext(EXACT):  # its parts are checked: compute_totals's checks passed
        return _compute_totals(doc.lines, doc.currency, doc.allowances_charges, doc.rounding,
                               doc.prepaid)
