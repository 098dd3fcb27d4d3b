"""Units of measure: categories, exact conversions and per-unit quantity precision.

A :class:`Unit` belongs to a category (``"count"``, ``"mass"``, ``"volume"``...)
and says how many *reference units* of that category one of it holds
(``factor``): a box of 12 is 12 pieces, a gram is 0.001 kg. Conversion is exact
``Decimal`` arithmetic; a quantity that cannot be written in the target unit's
precision (a third of a box of 12 pieces is 4 pieces, but a piece is 1/12 of a
box) is refused, never rounded silently. Rounding happens only where a caller
asks for it (:meth:`Unit.round`), under a named policy.

Inside the valuation engine a quantity is an integer count of the unit's
smallest step (``steps``: 1.250 kg at precision 3 is 1250), the way money is an
integer count of minor units.

Example:
    >>> from decimal import Decimal
    >>> box = Unit("box12", "Box of 12", "count", Decimal(12), 0)
    >>> convert(Decimal(3), box, STANDARD_UNITS["pc"])
    Decimal('36')
    >>> convert(Decimal(250), STANDARD_UNITS["g"], STANDARD_UNITS["kg"])
    Decimal('0.250')
"""

from __future__ import annotations

import decimal
from decimal import Decimal
from typing import Any

import attrs

from backoffice_core.errors import ValidationError
from backoffice_core.exact import canonical
from backoffice_core.money import EXACT, RoundingPolicy, to_decimal
from backoffice_core.text import check_code, check_name

__all__ = [
    "MAX_QUANTITY",
    "MAX_STEPS",
    "MAX_STOCK",
    "STANDARD_UNITS",
    "Unit",
    "check_quantity",
    "check_size",
    "convert",
    "cost_per",
    "from_steps",
    "to_steps",
]

MAX_PRECISION = 9
MAX_STEPS = 10**15
"""A quantity of one move is below this many steps of its unit (10**15: sums of many
stay exact in a 28-digit ``Decimal`` context and inside the SQL stores' integer columns)."""
MAX_QUANTITY = 10**9
"""A quantity (of a move, a reservation, a count line, a reorder rule) is below this many
units, both as given and once converted into the item's unit: the same limit on every
store, checked before any of them sees the quantity."""
MAX_STOCK = Decimal(2**63 - 1).scaleb(-9)
"""The largest running total of stock an adapter holds (on hand per location and lot, a
route's moves of one day, the reserved quantity): 9223372036.854775807 units, what a
64-bit count of 10**-9 units holds. Every adapter refuses a total past it with a
``ValidationError`` naming ``quantity`` (the conformance kit checks it)."""
_FACTOR_DIGITS = 30  # significant digits of a unit's factor (conversions run at 60)


def _code(value: object) -> str:
    return check_code(value, field="code", what="unit code", limit=32)


def _factor(value: Any) -> Decimal:
    factor = to_decimal(value, field="factor")
    if factor > 0 and (not -15 <= factor.adjusted() < 15
                       or len(factor.as_tuple().digits) > _FACTOR_DIGITS):
        raise ValidationError("a unit's factor must be from 1E-15 to below 1E+15, with at "
                              f"most {_FACTOR_DIGITS} significant digits", field="factor",
                              value=value)
    return canonical(factor)  # 1E+3 as 1000: the form every store gives back


@attrs.frozen(slots=True)
class Unit:
    """A unit of measure.

    Attributes:
        code: short code (``"pc"``, ``"kg"``, ``"box12"``), unique in a book.
        name: display name.
        category: units convert only within one category.
        factor: reference units of the category in one of this unit (exact, > 0).
        precision: decimal places a quantity in this unit may have (0 to 9).

    Example:
        >>> Unit("g", "Gram", "mass", "0.001", 0).factor
        Decimal('0.001')
    """

    code: str = attrs.field(converter=_code)
    name: str
    category: str
    factor: Decimal = attrs.field(converter=_factor)
    precision: int = 0

    def __attrs_post_init__(self) -> None:
        if self.factor <= 0:
            raise ValidationError("a unit's factor must be positive", field="factor",
                                  value=self.factor)
        if (isinstance(self.precision, bool) or not isinstance(self.precision, int)
                or not 0 <= self.precision <= MAX_PRECISION):
            raise ValidationError(f"precision must be an int from 0 to {MAX_PRECISION}",
                                  field="precision", value=self.precision)
        check_name(self.name, field="name", what="a unit")
        if not isinstance(self.category, str) or not self.category:
            raise ValidationError("a unit needs a category", field="category",
                                  value=self.category)
        check_code(self.category, field="category", what="unit category")

    @property
    def step(self) -> Decimal:
        """The smallest quantity of this unit (``Decimal('0.001')`` at precision 3)."""
        return Decimal(1).scaleb(-self.precision)

    def round(self, quantity: Any, policy: RoundingPolicy = RoundingPolicy.HALF_UP) -> Decimal:
        """Round ``quantity`` to this unit's precision under ``policy``.

        Example:
            >>> STANDARD_UNITS["kg"].round(Decimal("1.23456"))
            Decimal('1.235')
            >>> STANDARD_UNITS["pc"].round(Decimal("7.1"), RoundingPolicy.UP)
            Decimal('8')
        """
        return policy.quantize(to_decimal(quantity, field="quantity"), self.precision)


def _std(code: str, name: str, category: str, factor: str, precision: int) -> Unit:
    return Unit(code, name, category, Decimal(factor), precision)


STANDARD_UNITS: dict[str, Unit] = {u.code: u for u in (
    _std("pc", "Piece", "count", "1", 0),
    _std("dozen", "Dozen", "count", "12", 0),
    _std("kg", "Kilogram", "mass", "1", 3),
    _std("g", "Gram", "mass", "0.001", 0),
    _std("t", "Tonne", "mass", "1000", 6),
    _std("lb", "Pound", "mass", "0.45359237", 3),
    _std("l", "Litre", "volume", "1", 3),
    _std("ml", "Millilitre", "volume", "0.001", 0),
    _std("m", "Metre", "length", "1", 3),
    _std("cm", "Centimetre", "length", "0.01", 1),
    _std("mm", "Millimetre", "length", "0.001", 0),
    _std("h", "Hour", "time", "1", 2),
)}
"""Units every book knows without creating them (a book may add its own)."""


def check_quantity(value: Any, unit: Unit, *, field: str = "quantity",
                   positive: bool = True) -> Decimal:
    """``value`` as an exact ``Decimal`` quantity of ``unit``, no finer than its precision.

    ``positive=True`` also refuses zero and negative quantities; a quantity of
    :data:`MAX_QUANTITY` units, or of :data:`MAX_STEPS` steps of ``unit``, or more is
    refused as too large. The quantity comes back in its canonical form
    (:func:`~backoffice_core.exact.canonical`: ``1E+2`` as ``100``, ``-0`` as ``0``).

    Example:
        >>> check_quantity("2.5", STANDARD_UNITS["kg"]), check_quantity("1E+2", STANDARD_UNITS["t"])
        (Decimal('2.5'), Decimal('100'))
        >>> check_quantity(10**9, STANDARD_UNITS["pc"])
        Traceback (most recent call last):
        ...
        backoffice_core.errors.ValidationError: quantity=1000000000: quantity too large: ...
        >>> check_quantity("2.5", STANDARD_UNITS["pc"])
        Traceback (most recent call last):
        ...
        backoffice_core.errors.ValidationError: quantity='2.5': finer than the precision of pc ...
    """
    q = to_decimal(value, field=field)
    if positive and q <= 0:
        raise ValidationError("quantity must be positive", field=field, value=value)
    if q:
        check_size(q, unit, field=field, value=value)
    exponent = q.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -unit.precision and q != q.quantize(
            unit.step, context=EXACT):
        raise ValidationError(
            f"finer than the precision of {unit.code} ({unit.precision} decimal places)",
            field=field, value=value)
    return canonical(q)  # 1E+2 as 100, -0 as 0: the form every store gives back


def check_size(q: Decimal, unit: Unit, *, field: str = "quantity", value: Any = None,
               converted: bool = False) -> None:
    """Refuse a quantity of :data:`MAX_QUANTITY` units or :data:`MAX_STEPS` steps or more.

    ``value`` is the quantity as the caller gave it (``q`` when ``None``); ``converted``
    says ``q`` is that quantity converted into ``unit``.

    Example:
        >>> check_size(Decimal("2E+9"), STANDARD_UNITS["pc"])
        Traceback (most recent call last):
        ...
        backoffice_core.errors.ValidationError: quantity=Decimal('2E+9'): quantity too large: ...
    """
    exponent = q.adjusted()  # abs(q) >= 10**exponent
    if exponent >= 9 or exponent + unit.precision >= 15:
        limit = (f"below {MAX_QUANTITY} units" if exponent >= 9 else
                 f"below {MAX_STEPS} steps of {unit.code} (precision {unit.precision})")
        where = f" once converted into {unit.code} ({q})" if converted else ""
        raise ValidationError(f"quantity too large{where}: {limit}", field=field,
                              value=q if value is None else value)


def convert(quantity: Decimal, source: Unit, target: Unit, *, field: str = "quantity") -> Decimal:
    """Convert ``quantity`` of ``source`` into ``target`` exactly, at ``target``'s precision.

    Raises:
        ValidationError: the units belong to different categories (``field="unit"``), or
            the result cannot be written at the target's precision (``field``).

    Example:
        >>> convert(Decimal(24), STANDARD_UNITS["pc"], STANDARD_UNITS["dozen"])
        Decimal('2')
        >>> convert(Decimal(5), STANDARD_UNITS["pc"], STANDARD_UNITS["dozen"])
        Traceback (most recent call last):
        ...
        backoffice_core.errors.ValidationError: quantity=Decimal('5'): 5 pc is not a whole ...
    """
    if source.code == target.code:
        return quantity
    _check_convertible(source, target)
    with decimal.localcontext(EXACT) as ctx:
        ctx.traps[decimal.Inexact] = False
        ctx.prec = 60
        base = quantity * source.factor
        result = (base / target.factor).quantize(target.step, rounding=decimal.ROUND_DOWN)
        exact = result * target.factor == base
    if not exact:
        raise ValidationError(
            f"{quantity} {source.code} is not a whole number of steps of {target.code} "
            f"(precision {target.precision})", field=field, value=quantity)
    return result


def _check_convertible(source: Unit, target: Unit) -> None:
    """Refuse a conversion between units of different categories (``field="unit"``)."""
    if source.category != target.category:
        raise ValidationError(
            f"{source.code} ({source.category}) does not convert to {target.code} "
            f"({target.category})", field="unit", value=source.code)


def cost_per(cost: Decimal, source: Unit, target: Unit, *, field: str = "unit_cost") -> Decimal:
    """A cost per ``source`` unit as the exact cost per ``target`` unit (same category).

    Raises:
        ValidationError: the units do not convert (``field="unit"``), or the cost per
            ``target`` has no exact decimal form (``field``): give it per ``target``.

    Example:
        >>> cost_per(Decimal("30.00"), Unit("box12", "Box", "count", 12), STANDARD_UNITS["pc"])
        Decimal('2.50')
        >>> cost_per(Decimal("1.00"), Unit("box3", "Box", "count", 3), STANDARD_UNITS["pc"])
        Traceback (most recent call last):
        ...
        backoffice_core.errors.ValidationError: unit_cost=Decimal('1.00'): 1.00 per box3 ...
    """
    if source.code == target.code:
        return cost
    _check_convertible(source, target)
    with decimal.localcontext(EXACT) as ctx:
        ctx.prec = 60
        ctx.traps[decimal.Inexact] = True
        try:
            out = cost * target.factor / source.factor
            exponent = out.as_tuple().exponent
            return out.quantize(Decimal(1)) if isinstance(exponent, int) and exponent > 0 \
                else out  # 10, not 1E+1
        except decimal.Inexact:
            raise ValidationError(f"{cost} per {source.code} is no exact cost per "
                                  f"{target.code}; give the cost per {target.code}",
                                  field=field, value=cost) from None


def to_steps(quantity: Decimal, precision: int) -> int:
    """An exact quantity as an integer count of steps (``1.25`` at precision 3 -> ``1250``).

    Example:
        >>> to_steps(Decimal("1.25"), 3), to_steps(Decimal("7"), 0)
        (1250, 7)
    """
    if precision == 0:
        return int(quantity)
    return int(quantity.scaleb(precision, EXACT))


def from_steps(steps: int, precision: int) -> Decimal:
    """An integer count of steps back to a ``Decimal`` quantity at ``precision``.

    Example:
        >>> from_steps(1250, 3), from_steps(7, 0)
        (Decimal('1.250'), Decimal('7'))
    """
    if precision == 0:
        return Decimal(steps)
    return Decimal(steps).scaleb(-precision, EXACT)
