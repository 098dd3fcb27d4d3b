"""The one rounding policy of a document: scope, mode, minor units and cash rounding.

Every rounding step of the totals calculation (:mod:`.totals`) goes through a
:class:`DocumentRounding`, so a document states exactly how it was rounded:

* **mode**: half away from zero (``HALF_UP``, the EN 16931 default and
  sign-symmetric, so a credit note negates its invoice to the minor unit),
  half-even, up (away from zero) or down (towards zero);
* **digits**: always the currency's ISO 4217 minor units (JPY 0, EUR 2, KWD 3);
* **scope**: where VAT is rounded. Line net amounts (BT-131) are always rounded
  to minor units first, and an amount once rounded is never rounded again:

  - ``TAX_GROUP`` (default, EN 16931): VAT per (category, rate) group is
    ``round(taxable x rate)`` on the sum of the rounded line nets;
  - ``LINE``: VAT is rounded on every line (and every document-level
    allowance or charge), then summed per group;
  - ``DOCUMENT``: the unrounded VAT of every group is summed and rounded once
    for the document; the groups get that total back by largest remainder, so
    the breakdown still adds up exactly;

* **cash_increment**: optional rounding of the amount due to a cash step
  (``Decimal("0.05")`` for CHF); the difference is BT-114, the rounding amount.

Example:
    >>> from decimal import Decimal
    >>> policy = DocumentRounding()
    >>> policy.scope.value, policy.mode.name
    ('tax_group', 'HALF_UP')
    >>> policy.round(Decimal("-2.345"), "EUR")
    Decimal('-2.35')
    >>> DocumentRounding(cash_increment="0.05").round_cash(Decimal("10.02"), "CHF")
    Decimal('10.00')
"""

from __future__ import annotations

import decimal
import enum
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import attrs

from backoffice_core.errors import ValidationError
from backoffice_core.money import Money, RoundingPolicy, minor_digits, to_decimal, to_minor

__all__ = ["DocumentRounding", "RoundingScope", "check_minor_unit"]

# An explicit context object for quantize (never installed as the thread's context).
_CTX = decimal.Context(prec=60)
_QUANTA = tuple(Decimal(1).scaleb(-d) for d in range(8))


class RoundingScope(enum.Enum):
    """Where VAT is rounded: per line, per tax group (EN 16931), or once per document.

    Example:
        >>> RoundingScope("document")
        <RoundingScope.DOCUMENT: 'document'>
    """

    LINE = "line"
    TAX_GROUP = "tax_group"
    DOCUMENT = "document"


def _scope(value: Any) -> RoundingScope:
    if isinstance(value, RoundingScope):
        return value
    try:
        return RoundingScope(value)
    except ValueError:
        raise ValidationError("rounding scope is 'line', 'tax_group' or 'document'",
                              field="scope", value=value) from None


def _mode(value: Any) -> RoundingPolicy:
    if isinstance(value, RoundingPolicy):
        return value
    if isinstance(value, str):
        name = value.strip().upper()
        if name in RoundingPolicy.__members__:
            return RoundingPolicy[name]
    raise ValidationError("rounding mode is 'half_up', 'half_even', 'up' or 'down'",
                          field="mode", value=value)


def _increment(value: Any) -> Decimal | None:
    if value is None:
        return None
    step = to_decimal(value, field="cash_increment")
    if step <= 0:
        raise ValidationError("cash increment must be positive", field="cash_increment",
                              value=value)
    return step


@attrs.frozen(slots=True)
class DocumentRounding:
    """How a document rounds: scope, mode, the currency's minor units, cash step.

    Attributes:
        scope: :class:`RoundingScope` (default ``TAX_GROUP``).
        mode: a :class:`~backoffice_core.money.RoundingPolicy` (default ``HALF_UP``,
            half away from zero); names such as ``"half_even"`` are accepted.
        cash_increment: round the amount due to this step (BT-114), or ``None``.

    Example:
        >>> DocumentRounding(scope="line", mode="half_even").mode
        <RoundingPolicy.HALF_EVEN: 'ROUND_HALF_EVEN'>
    """

    scope: RoundingScope = attrs.field(default=RoundingScope.TAX_GROUP, converter=_scope)
    mode: RoundingPolicy = attrs.field(default=RoundingPolicy.HALF_UP, converter=_mode)
    cash_increment: Decimal | None = attrs.field(default=None, converter=_increment)

    @staticmethod
    def digits(currency: str) -> int:
        """The ISO 4217 minor units of ``currency`` (the only precision used).

        Example:
            >>> DocumentRounding.digits("JPY"), DocumentRounding.digits("KWD")
            (0, 3)
        """
        return minor_digits(currency)

    def round(self, value: Decimal, currency: str) -> Decimal:
        """Round ``value`` to the minor unit of ``currency`` under this policy's mode.

        Example:
            >>> DocumentRounding(mode="down").round(Decimal("1234.5"), "JPY")
            Decimal('1234')
        """
        return _number(value).quantize(_QUANTA[minor_digits(currency)], self.mode.value, _CTX)

    def rounder(self, currency: str) -> Callable[[Decimal], Decimal]:
        """A fast rounding function for ``currency`` (the totals' hot path).

        Example:
            >>> DocumentRounding().rounder("EUR")(Decimal("0.125"))
            Decimal('0.13')
        """
        quantum = _QUANTA[minor_digits(currency)]
        mode = self.mode.value
        ctx = _CTX

        def rnd(value: Decimal) -> Decimal:
            return value.quantize(quantum, mode, ctx)

        return rnd

    def round_cash(self, value: Decimal, currency: str) -> Decimal:
        """Round to the cash increment (or just to minor units when there is none).

        The step is applied with this policy's mode, sign-symmetrically.

        Example:
            >>> chf = DocumentRounding(cash_increment="0.05")
            >>> chf.round_cash(Decimal("12.32"), "CHF"), chf.round_cash(Decimal("-12.33"), "CHF")
            (Decimal('12.30'), Decimal('-12.35'))
        """
        if self.cash_increment is None:
            return self.round(value, currency)
        step = self.cash_increment
        units = _CTX.divide(_number(value), step).quantize(Decimal(1), self.mode.value, _CTX)
        return self.round(_CTX.multiply(units, step), currency)

    def check_currency(self, currency: str, field: str = "rounding") -> DocumentRounding:
        """``self`` if its cash increment is a whole number of ``currency``'s minor units
        (0.05 for CHF, 10 for JPY); else a ``ValidationError`` naming
        ``<field>.cash_increment``: a step of 0.5 JPY or 0.001 EUR cannot be paid, and
        rounding to it then to the minor unit rounds twice.

        Example:
            >>> DocumentRounding(cash_increment="0.05").check_currency("CHF").cash_increment
            Decimal('0.05')
            >>> DocumentRounding(cash_increment="0.5").check_currency("JPY")
            Traceback (most recent call last):
            ...
            backoffice_core.errors.ValidationError: rounding.cash_increment=Decimal('0.5'): ...
        """
        step = self.cash_increment
        if step is not None and not self.is_rounded(step, currency):
            raise ValidationError(f"a cash increment is a whole number of {currency}'s minor "
                                  f"unit ({_QUANTA[minor_digits(currency)]})",
                                  field=f"{field}.cash_increment", value=step)
        return self

    def is_rounded(self, value: Decimal, currency: str) -> bool:
        """Whether ``value`` already fits the minor unit (no rounding would change it).

        Example:
            >>> DocumentRounding().is_rounded(Decimal("1.005"), "EUR")
            False
        """
        value = _number(value)
        return value == value.quantize(_QUANTA[minor_digits(currency)], decimal.ROUND_DOWN,
                                       _CTX)


def _number(value: Any) -> Decimal:
    """``value`` as a finite ``Decimal`` (a str or int too); else a ``ValidationError``."""
    return value if type(value) is Decimal and value.is_finite() else \
        to_decimal(value, field="value")


def check_minor_unit(field: str, value: Money) -> Money:
    """``value`` if it is a whole number of its currency's minor units, else a
    ``ValidationError`` naming ``field`` (a limit or threshold of 12.505 EUR): the rule of
    :func:`~backoffice_core.money.to_minor`.

    Example:
        >>> check_minor_unit("credit_limit", Money("12.50", "EUR"))
        Money('12.50', 'EUR')
        >>> check_minor_unit("credit_limit", Money("12.505", "EUR"))
        Traceback (most recent call last):
        ...
        backoffice_core.errors.ValidationError: credit_limit=Money('12.505', 'EUR'): finer ...
    """
    try:
        to_minor(value)  # the money module's one rule of whole minor units
    except ValidationError as err:  # named as the caller's field, with the value given
        err.field, err.value = field, value
        raise
    return value
