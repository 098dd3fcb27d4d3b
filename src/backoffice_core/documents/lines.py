"""Document lines and allowances/charges (EN 16931 BG-25, BG-27/28, BG-20/21).

A :class:`DocumentLine` is an item or a free-text line: a quantity in a unit, a
unit price (net of tax, or gross of tax when ``price_includes_tax``) that may
carry more decimals than the currency, line allowances and charges, a
:class:`~backoffice_core.documents.taxes.Tax`, analytic dimensions (project,
department, cost centre) and an optional ledger account.

Amounts of a line are in its document's currency. A price or amount may be
given as a plain ``str``/``int``/``Decimal`` (the document's currency) or as
:class:`~backoffice_core.money.Money`, which the document checks against its
own currency.

Example:
    >>> ln = line("Consulting", "7.5", "120.00", Tax.standard(20), unit="HUR",
    ...           discount="10", project="P-7")
    >>> ln.quantity, ln.unit_price, ln.allowances_charges[0].percent, ln.dimensions
    (Decimal('7.5'), Decimal('120.00'), Decimal('10'), (('project', 'P-7'),))
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

import attrs

from backoffice_core.documents.taxes import Tax
from backoffice_core.errors import CurrencyMismatchError, ValidationError
from backoffice_core.ledger.entries import check_dimension
from backoffice_core.money import Money, RoundingPolicy, exactly, minor_digits, to_decimal
from backoffice_core.text import check_line, check_text, reading_kept

__all__ = [
    "DIMENSIONS",
    "DISCOUNT_REASON",
    "AllowanceCharge",
    "Dimensions",
    "DocumentLine",
    "LineRef",
    "amount_of",
    "check_currency",
    "check_parts",
    "dimensions",
    "line",
]

#: the reason :func:`line` gives a line's ``discount=`` (BT-139); a renderer words it in
#: the document's language
DISCOUNT_REASON = "Discount"

Dimensions = tuple[tuple[str, str], ...]
#: The analytic dimensions the issue names; any other non-empty name is accepted too.
DIMENSIONS = ("project", "department", "cost_centre")


def dimensions(value: Mapping[str, Any] | Iterable[tuple[str, Any]] | None) -> Dimensions:
    """Normalize dimensions to sorted ``(name, value)`` pairs, dropping ``None`` values.

    Example:
        >>> dimensions({"project": "P1", "department": None, "cost_centre": 42})
        (('cost_centre', '42'), ('project', 'P1'))

    Names and values hold no control characters (tab and line breaks pass), as in the
    ledger the document posts to: an error names the dimension when the draft is made,
    not when it is issued.
    """
    if not value:
        return ()
    items = value.items() if isinstance(value, Mapping) else value
    out: dict[str, str] = {}
    for k, v in items:
        if not isinstance(k, str) or not k.strip():
            raise ValidationError("dimension names are non-empty strings", field="dimensions",
                                  value=k)
        if v is None:
            continue
        v = str(v)
        check_dimension(k, v)  # the ledger's rule, which it applies when this is issued
        out[k.strip()] = v
    return tuple(sorted(out.items()))


def amount_of(value: Any, field: str) -> Decimal | Money:
    """A price or amount as given: ``Money`` kept, anything else made an exact ``Decimal``.

    Example:
        >>> amount_of("19.99", "unit_price"), amount_of(Money("1", "EUR"), "x")
        (Decimal('19.99'), Money('1', 'EUR'))
    """
    if isinstance(value, Money):
        return value
    return to_decimal(value, field=field)


def check_currency(code: str, lines: Iterable[DocumentLine],
                   allowances_charges: Iterable[AllowanceCharge] = ()) -> None:
    """Refuse a ``Money`` price, amount or base of ``lines`` or ``allowances_charges`` in a
    currency other than ``code``: a ``CurrencyMismatchError`` naming its field.

    Example:
        >>> check_currency("USD", [line("Tea", 1, Money("1.00", "EUR"), Tax.zero())])
        Traceback (most recent call last):
        ...
        backoffice_core.errors.CurrencyMismatchError: lines[0].unit_price='EUR': the document ...
    """
    def agree(value: object, field: str) -> None:
        if isinstance(value, Money) and value.code != code:
            raise CurrencyMismatchError(f"the document is in {code}", field=field,
                                        value=value.code)

    for i, ln in enumerate(lines):
        if type(ln.unit_price) is not Decimal:  # a Money price: its currency must agree
            agree(ln.unit_price, f"lines[{i}].unit_price")
        for j, ac in enumerate(ln.allowances_charges):
            agree(ac.amount, f"lines[{i}].allowances_charges[{j}].amount")
            agree(ac.base, f"lines[{i}].allowances_charges[{j}].base")
    for j, ac in enumerate(allowances_charges):
        agree(ac.amount, f"allowances_charges[{j}].amount")
        agree(ac.base, f"allowances_charges[{j}].base")


def check_parts(code: str, lines: Any, allowances_charges: Any = ()) -> None:
    """Refuse what cannot be the parts of a document in ``code``: ``lines`` that are no
    sequence (a list, a tuple) of :class:`DocumentLine`, ``allowances_charges`` none of
    :class:`AllowanceCharge` (a ``ValidationError`` naming ``lines`` or ``lines[i]``...), or
    money in another currency (:func:`check_currency`).

    Example:
        >>> check_parts("USD", line("Tea", 1, "1.00", Tax.zero()))
        Traceback (most recent call last):
        ...
        backoffice_core.errors.ValidationError: lines=DocumentLine(...): lines is a list ...
    """
    for field, items, kind in (("lines", lines, DocumentLine),
                               ("allowances_charges", allowances_charges, AllowanceCharge)):
        if not isinstance(items, Sequence) or isinstance(items, str | bytes):
            raise ValidationError(f"{field} is a list of {kind.__name__}", field=field,
                                  value=items)
        for i, item in enumerate(items):
            if not isinstance(item, kind):
                raise ValidationError(f"expected {kind.__name__}", field=f"{field}[{i}]",
                                      value=item)
    check_currency(code, lines, allowances_charges)


def _optional_amount(field: str) -> Callable[[Any], Decimal | Money | None]:
    def convert(value: Any) -> Decimal | Money | None:
        return None if value is None else amount_of(value, field)

    return convert


def _optional_percent(value: Any) -> Decimal | None:
    if value is None:
        return None
    pct = to_decimal(value, field="percent")
    if pct < 0:
        raise ValidationError("a percentage must not be negative", field="percent",
                              value=value)
    return pct


def _text(field: str, limit: int = 1000, *, one_line: bool = False) -> Callable[[Any], str]:
    def convert(value: Any) -> str:
        if value is None:
            return ""
        if not isinstance(value, str):
            raise ValidationError("must be a string", field=field, value=value)
        if len(value) > limit:
            raise ValidationError(f"longer than {limit} characters", field=field, value=value)
        if one_line:
            check_line(field, value)
        else:
            check_text(field, value)  # tab and line breaks pass
        return value

    return convert


def _value(x: Decimal | Money | None) -> Decimal | None:
    return None if x is None else (x.amount if isinstance(x, Money) else x)


# built once (documents are decoded from storage by the thousand); the named functions
# below are what attrs' mypy plugin accepts as converters
_REASON, _REASON_CODE = _text("reason"), _text("reason_code", 10, one_line=True)
_DESCRIPTION, _NOTE = _text("description", 2000), _text("note")
_AMOUNT, _BASE = _optional_amount("amount"), _optional_amount("base")


def _reason_text(value: Any) -> str:
    return value if type(value) is str and len(value) <= 1000 and value.isprintable() \
        else _REASON(value)


def _reason_code_text(value: Any) -> str:
    return value if type(value) is str and len(value) <= 10 and value.isprintable() \
        else _REASON_CODE(value)


def _description_text(value: Any) -> str:
    return value if type(value) is str and len(value) <= 2000 and value.isprintable() \
        else _DESCRIPTION(value)


def _note_text(value: Any) -> str:
    return value if type(value) is str and len(value) <= 1000 and value.isprintable() \
        else _NOTE(value)


def _code_text(field: str, value: object) -> None:
    """A code of a line (id, unit, item, account): one line, no control characters."""
    if type(value) is not str or not value.isprintable():
        check_line(field, value)


def _amount_amount(value: Any) -> Decimal | Money | None:
    return _AMOUNT(value)


def _base_amount(value: Any) -> Decimal | Money | None:
    return _BASE(value)


@attrs.frozen(slots=True)
class AllowanceCharge:
    """A discount (allowance) or surcharge (charge), on a line or on the whole document.

    Give either a fixed ``amount`` or a ``percent`` of a ``base``. On a line the
    base defaults to the line's ``quantity x price`` amount (BT-137); on the
    document it defaults to the sum of the line nets of its tax group (BT-93).
    A document-level allowance or charge needs its own ``tax`` (BT-95, BT-102);
    a line-level one takes the line's. A fixed amount is taken as given and
    must already fit the currency's minor unit.

    Attributes:
        is_charge: ``False`` for an allowance (BG-20/BG-27), ``True`` for a charge.
        amount: fixed amount (BT-92/BT-99/BT-136/BT-141), or ``None``.
        percent: percentage of the base (BT-94/BT-101/BT-138/BT-143), or ``None``.
        base: the amount the percentage applies to, or ``None`` for the default.
        reason: text (BT-97/BT-104/BT-139/BT-144).
        reason_code: UNCL5189 (allowances) or UNCL7161 (charges) code.
        tax: the tax of a document-level allowance or charge.
        account: ledger account for it (default: the document's revenue or expense).

    Example:
        >>> AllowanceCharge.allowance(percent=5, reason="Loyalty").percent
        Decimal('5')
        >>> AllowanceCharge.charge(amount="4.90", reason="Freight", tax=Tax.standard(20)).amount
        Decimal('4.90')
    """

    is_charge: bool
    amount: Decimal | Money | None = attrs.field(default=None,
                                                  converter=_amount_amount)
    percent: Decimal | None = attrs.field(default=None, converter=_optional_percent)
    base: Decimal | Money | None = attrs.field(default=None, converter=_base_amount)
    reason: str = attrs.field(default="", converter=_reason_text)
    reason_code: str = attrs.field(default="", converter=_reason_code_text)
    tax: Tax | None = None
    account: str | None = None

    def __attrs_post_init__(self) -> None:
        if (self.amount is None) == (self.percent is None):
            raise ValidationError("give an amount or a percent (not both)", field="amount",
                                  value=self.amount)
        amount = _value(self.amount)
        if amount is not None and amount < 0:
            raise ValidationError("amounts of allowances and charges are positive; the "
                                  "kind says which way they go", field="amount",
                                  value=self.amount)
        if self.tax is not None and not isinstance(self.tax, Tax):
            raise ValidationError("expected a Tax", field="tax", value=self.tax)
        if self.account is not None:
            _code_text("account", self.account)

    @classmethod
    def allowance(cls, amount: Any = None, *, percent: Any = None, base: Any = None,
                  reason: str = "", reason_code: str = "", tax: Tax | None = None,
                  account: str | None = None) -> AllowanceCharge:
        """A discount: a fixed ``amount`` or a ``percent`` of its base.

        Example:
            >>> from backoffice_core.documents import AllowanceCharge, Tax, compute_totals, line
            >>> s20 = Tax.standard(20)
            >>> t = compute_totals([line("Chair", 2, "50.00", s20)], "EUR",
            ...     allowances_charges=[AllowanceCharge.allowance(percent=10, tax=s20)])
            >>> t.allowance_total, t.amount_due
            (Money('10.00', 'EUR'), Money('108.00', 'EUR'))
        """
        return cls(False, amount, percent, base, reason, reason_code, tax, account)

    @classmethod
    def charge(cls, amount: Any = None, *, percent: Any = None, base: Any = None,
               reason: str = "", reason_code: str = "", tax: Tax | None = None,
               account: str | None = None) -> AllowanceCharge:
        """A surcharge: a fixed ``amount`` or a ``percent`` of its base.

        Example:
            >>> from backoffice_core.documents import AllowanceCharge, Tax, compute_totals, line
            >>> s20 = Tax.standard(20)
            >>> t = compute_totals([line("Chair", 2, "50.00", s20)], "EUR",
            ...                    allowances_charges=[AllowanceCharge.charge("4.90", tax=s20)])
            >>> t.charge_total, t.amount_due
            (Money('4.90', 'EUR'), Money('125.88', 'EUR'))
        """
        return cls(True, amount, percent, base, reason, reason_code, tax, account)

    @property
    def sign(self) -> int:
        """+1 for a charge, -1 for an allowance."""
        return 1 if self.is_charge else -1

    def amount_value(self) -> Decimal | None:
        """The fixed amount as a ``Decimal`` (``None`` for a percentage).

        Example:
            >>> AllowanceCharge.allowance(Money("5.00", "EUR")).amount_value()
            Decimal('5.00')
        """
        return _value(self.amount)

    def base_value(self) -> Decimal | None:
        """The explicit base as a ``Decimal`` (``None`` for the default base).

        Example:
            >>> AllowanceCharge.allowance(percent=2, base=Money("80.00", "EUR")).base_value()
            Decimal('80.00')
        """
        return _value(self.base)


@attrs.frozen(slots=True)
class LineRef:
    """Points at one line of another document (the chain of conversions).

    Example:
        >>> LineRef("d-1", "2")
        LineRef(document_id='d-1', line_id='2')
    """

    document_id: str
    line_id: str

    def __attrs_post_init__(self) -> None:
        _code_text("source.document_id", self.document_id)
        _code_text("source.line_id", self.line_id)


_LIMIT = Decimal(10) ** 15


def _quantity(value: Any) -> Decimal:
    qty = value if type(value) is Decimal and value.is_finite() else \
        to_decimal(value, field="quantity")
    if qty.copy_abs() >= _LIMIT:  # (copy_abs: exact, whatever the caller's context)
        raise ValidationError("quantity too large", field="quantity", value=value)
    return qty


def _base_quantity(value: Any) -> Decimal:
    qty = value if type(value) is Decimal and value.is_finite() else \
        to_decimal(value, field="price_base_quantity")
    if qty <= 0:
        raise ValidationError("price base quantity must be positive",
                              field="price_base_quantity", value=value)
    # so that price / base quantity stays in bounds; a line stored before the bound (books
    # of revision 0005 may hold one) reads back as it was kept
    if (qty >= _LIMIT or qty.adjusted() < -15) and not reading_kept():
        raise ValidationError("price base quantity out of range (from 1E-15, below 1E+15)",
                              field="price_base_quantity", value=value)
    return qty


def _price(value: Any) -> Decimal | Money:
    if type(value) is Decimal and value.is_finite():  # the common case, as amount_of has it
        price: Decimal | Money = value
        raw = value
    else:
        price = amount_of(value, "unit_price")
        raw = price.amount if isinstance(price, Money) else price
    if raw < 0:
        raise ValidationError("unit price must not be negative (use a negative quantity or "
                              "an allowance)", field="unit_price", value=value)
    if raw.copy_abs() >= _LIMIT:
        raise ValidationError("unit price too large", field="unit_price", value=value)
    return price


def _acs(value: Any) -> tuple[AllowanceCharge, ...]:
    if value is None:
        return ()
    items = tuple(value)
    for i, ac in enumerate(items):
        if not isinstance(ac, AllowanceCharge):
            raise ValidationError("expected an AllowanceCharge",
                                  field=f"allowances_charges[{i}]", value=ac)
    return items


def _unit(value: Any) -> str:
    if not isinstance(value, str) or not value.strip() or len(value) > 8:
        raise ValidationError("unit is a short code (UN/ECE Rec. 20: C62, HUR, KGM...)",
                              field="unit", value=value)
    unit = value.strip()
    _code_text("unit", unit)
    return unit


def _tax(value: Any) -> Tax:
    if not isinstance(value, Tax):
        raise ValidationError("expected a Tax (Tax.standard(20), Tax.zero()...)", field="tax",
                              value=value)
    return value


@attrs.frozen(slots=True)
class DocumentLine:
    """One line of a document (BG-25).

    The line net amount (BT-131) is ``round(quantity x unit_price /
    price_base_quantity) - allowances + charges``; with ``price_includes_tax``
    that amount is gross and the document's totals split it into net and tax so
    the gross stays exactly as quoted (see :mod:`.totals`).

    Attributes:
        id: line id within the document (BT-126), ``"1"``, ``"2"``... by default.
        description: item name or free text (BT-153).
        quantity: invoiced quantity (BT-129); negative for a return line.
        unit_price: price per ``price_base_quantity`` units, net of tax (BT-146)
            or gross of tax; may carry more decimals than the currency.
        tax: the line's :class:`Tax` (BT-151, BT-152).
        unit: unit of measure code (BT-130, UN/ECE Rec. 20), ``"C62"`` (one).
        price_includes_tax: the price is gross of tax.
        price_base_quantity: BT-149 (price per 100 units: 100).
        item_id: the item in the catalogue or inventory; ``None`` for free text.
        allowances_charges: line-level discounts and surcharges (BG-27/BG-28).
        dimensions: analytic tags (``project``, ``department``, ``cost_centre``).
        account: ledger account override for this line (revenue or expense).
        source: the line of the document this one was converted from.
        note: free text (BT-127).

    Example:
        >>> DocumentLine("1", "Widget", 3, "9.99", Tax.standard(20)).quantity
        Decimal('3')
    """

    id: str
    description: str = attrs.field(converter=_description_text)
    quantity: Decimal = attrs.field(converter=_quantity)
    unit_price: Decimal | Money = attrs.field(converter=_price)
    tax: Tax = attrs.field(converter=_tax)
    unit: str = attrs.field(default="C62", converter=_unit)
    price_includes_tax: bool = False
    price_base_quantity: Decimal = attrs.field(default=Decimal(1), converter=_base_quantity)
    item_id: str | None = None
    allowances_charges: tuple[AllowanceCharge, ...] = attrs.field(default=(), converter=_acs)
    dimensions: Dimensions = attrs.field(default=(), converter=dimensions)
    account: str | None = None
    source: LineRef | None = None
    note: str = attrs.field(default="", converter=_note_text)

    def __attrs_post_init__(self) -> None:
        if not isinstance(self.id, str) or len(self.id) > 64:
            raise ValidationError("line id is a string of at most 64 characters (empty: "
                                  "the document numbers it)", field="id", value=self.id)
        _code_text("id", self.id)
        if self.item_id is not None:
            _code_text("item_id", self.item_id)
        if self.account is not None:
            _code_text("account", self.account)
        if not self.description.strip() and self.item_id is None:
            raise ValidationError("a free-text line needs a description", field="description",
                                  value=self.description)
        for i, ac in enumerate(self.allowances_charges):
            if ac.tax is not None and ac.tax.key != self.tax.key:
                raise ValidationError("a line allowance or charge takes the line's tax",
                                      field=f"allowances_charges[{i}].tax", value=ac.tax)

    @property
    def price(self) -> Decimal:
        """The unit price as a ``Decimal``."""
        p = self.unit_price
        return p.amount if isinstance(p, Money) else p

    @property
    def is_free_text(self) -> bool:
        """A line without an item (a service, a fee, a comment with a price)."""
        return self.item_id is None

    @exactly  # not in the caller's decimal context
    def with_quantity(self, quantity: Any, currency: str,
                      mode: RoundingPolicy = RoundingPolicy.HALF_UP) -> DocumentLine:
        """The same line for another quantity (partial conversions).

        Fixed-amount allowances and charges scale with the quantity, rounded to
        the minor unit of ``currency`` with ``mode``, so half the quantity carries
        half the discount.

        Example:
            >>> ln = DocumentLine("1", "W", 3, "2.50", Tax.zero(),
            ...                   allowances_charges=[AllowanceCharge.allowance("1.00")])
            >>> ln.with_quantity(1, "EUR").allowances_charges[0].amount
            Decimal('0.33')
        """
        qty = _quantity(quantity)
        if qty == self.quantity:
            return self
        acs = []
        for ac in self.allowances_charges:
            fixed = ac.amount_value()
            if fixed is not None and self.quantity:
                scaled = mode.quantize(fixed * qty / self.quantity, minor_digits(currency))
                acs.append(attrs.evolve(ac, amount=scaled.copy_abs()))
            else:
                acs.append(ac)
        return attrs.evolve(self, quantity=qty, allowances_charges=tuple(acs))


_LINE_FIELDS = frozenset(f.name for f in attrs.fields(DocumentLine))


def line(description: str, quantity: Any, unit_price: Any, tax: Tax, *, id: str = "",
         unit: str = "C62", price_includes_tax: bool = False, discount: Any = None,
         item_id: str | None = None, account: str | None = None,
         price_base_quantity: Any = 1, note: str = "", **dims: Any) -> DocumentLine:
    """Build a line; ``discount`` is a percentage line allowance, keywords are dimensions.

    A keyword naming a field of :class:`DocumentLine` that ``line`` does not take
    (``allowances_charges``, ``dimensions``, ``source``) is refused, not made a dimension:
    build such a line with ``DocumentLine`` (or ``attrs.evolve`` one).

    Without an ``id`` the document numbers its lines ``"1"``, ``"2"``... A line's
    allowances take at most what it comes to (the totals refuse a ``discount`` above 100
    as ``lines[i].allowances_charges[0].percent``; see :mod:`.totals`).

    Example:
        >>> ln = line("Widget", 2, "10.00", Tax.standard(20), discount=5, department="Sales")
        >>> ln.allowances_charges[0].is_charge, ln.dimensions
        (False, (('department', 'Sales'),))
    """
    for name in dims:
        if name in _LINE_FIELDS:
            raise ValidationError("a field of the line, not a dimension: build the line with "
                                  "DocumentLine", field=name, value=dims[name])
    acs: tuple[AllowanceCharge, ...] = ()
    if discount is not None:
        acs = (AllowanceCharge.allowance(percent=discount, reason=DISCOUNT_REASON),)
    return DocumentLine(id, description, quantity, unit_price, tax, unit,
                        price_includes_tax, price_base_quantity, item_id, acs, dims, account,
                        None, note)
