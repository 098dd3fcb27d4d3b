"""The library's own decimal contexts: it computes in them, never in the caller's.

A host application may set its decimal context as it likes (a low precision, another
rounding, traps on ``Inexact``); every public operation of the library runs in
:data:`EXACT` (the services enter it where they open a unit of work, and
:func:`exactly` wraps the public functions that compute outside one), and the
caller's context is its own again on return. :mod:`backoffice_core.money` re-exports
the two contexts and :func:`exactly`; :func:`plain` writes a normalized value without
an exponent, :func:`unexponent` any value without a positive one, :func:`canonical`
gives a value the form every store gives back alike (the form the domain stores), and
:func:`bounded` refuses a value too large or too finely written for every store to keep.

Example:
    >>> EXACT.prec, QUOTIENT.prec
    (999, 28)
"""

from __future__ import annotations

import decimal
from collections.abc import Callable
from functools import wraps
from typing import ParamSpec, TypeVar

from backoffice_core.errors import ValidationError

__all__ = ["EXACT", "MAX_PLACES", "MAX_WHOLE", "QUOTIENT", "bounded", "canonical", "exactly",
           "plain", "unexponent"]

#: A kept decimal with no bound of its own (an item's standard cost and weight) is below
#: 10**MAX_WHOLE: the magnitude of the other bounded values (a quantity's MAX_STEPS, a
#: reorder rule, a unit's factor); a cost per unit past it would value one unit at more
#: than the largest amount a book holds (10**17 minor units).
MAX_WHOLE = 15
#: ... and is written with at most MAX_PLACES decimal places: the schemas' rule for a
#: decimal (40 digits each side of the point); PostgreSQL's NUMERIC keeps 16383 at most.
MAX_PLACES = 40

# The library's own exact context: it computes in it, never in the caller's (an object, not
# global state; every field named: a host's DefaultContext changes nothing). QUOTIENT: for
# a quotient that does not end (money / 3), 28 digits as the default context gives it.
EXACT = decimal.Context(999, decimal.ROUND_HALF_EVEN, -999999, 999999, 1, 0, [], [
    decimal.InvalidOperation, decimal.DivisionByZero, decimal.Overflow])
QUOTIENT = decimal.Context(28, decimal.ROUND_HALF_EVEN, -999999, 999999, 1, 0, [], EXACT.traps)
_ONE = decimal.Decimal(1)
_P = ParamSpec("_P")
_R = TypeVar("_R")


def exactly(fn: Callable[_P, _R]) -> Callable[_P, _R]:
    """Run ``fn`` in :data:`EXACT`; the caller's decimal context is its own again after.

    Example:
        >>> with decimal.localcontext(prec=3):
        ...     exactly(decimal.Decimal(1).__truediv__)(3) == decimal.Decimal(1) / 3
        False
    """
    @wraps(fn)
    def run(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        with decimal.localcontext(EXACT):
            return fn(*args, **kwargs)
    return run


def unexponent(value: decimal.Decimal) -> decimal.Decimal:
    """``value`` written without a positive exponent (``1E+2`` as ``100``), otherwise as
    it is (trailing zeros kept): the form every store gives back alike (PostgreSQL's
    NUMERIC keeps no positive exponent). Exact at any size (never rounded).

    Example:
        >>> [unexponent(decimal.Decimal(t)) for t in ("1E+2", "1.10", "5")]
        [Decimal('100'), Decimal('1.10'), Decimal('5')]
    """
    # A finite value's text has "E+" exactly when its exponent is positive (the
    # to-scientific-string rule); tested first by its magnitude: cheaper than as_tuple().
    if value.adjusted() > 0 and "E+" in str(value):
        context = EXACT.copy()
        context.prec = max(EXACT.prec, value.adjusted() + 1)  # its digits: exact at any size
        return value.quantize(_ONE, context=context)
    return value


def canonical(value: decimal.Decimal) -> decimal.Decimal:
    """``value`` in its canonical form: the same value and, where the form allows, the
    same digits, written as every store gives it back: no positive exponent (``1E+2`` as
    ``100``, see :func:`unexponent`) and no negative zero (``-0.00`` as ``0.00``, the same
    scale); otherwise as it is (``1.50`` keeps its trailing zero). The domain stores every
    exact decimal it keeps (a unit's factor, an item's costs, a move's quantity and cost,
    a reorder rule, an exchange rate...) in this form, so that an adapter receives only
    values its column keeps exactly (PostgreSQL's NUMERIC keeps neither form).

    Example:
        >>> [canonical(decimal.Decimal(t)) for t in ("1E+2", "-0", "-0.00", "0E+3", "1.50")]
        [Decimal('100'), Decimal('0'), Decimal('0.00'), Decimal('0'), Decimal('1.50')]
    """
    if not value and value.is_signed():
        value = value.copy_abs()
    return unexponent(value)


def bounded(value: decimal.Decimal, *, field: str, given: object = None,
            whole: int = MAX_WHOLE, places: int = MAX_PLACES) -> decimal.Decimal:
    """``value`` in its :func:`canonical` form, if every store keeps it: below
    ``10**whole`` in magnitude and written with at most ``places`` decimal places; else a
    ``ValidationError`` naming ``field`` and ``given`` (``value`` when ``None``), before any
    store sees it. The one rule for a kept decimal that has no narrower bound of its own
    (``Decimal('1E+999999')`` would otherwise be written out in full, a million digits,
    past what PostgreSQL's NUMERIC holds).

    Example:
        >>> bounded(decimal.Decimal("1E+2"), field="weight")
        Decimal('100')
        >>> bounded(decimal.Decimal("1E+15"), field="weight")
        Traceback (most recent call last):
        ...
        backoffice_core.errors.ValidationError: weight=Decimal('1E+15'): must be below 1E+15, ...
    """
    exponent = value.as_tuple().exponent
    if (value and value.adjusted() >= whole) or (isinstance(exponent, int)
                                                 and exponent < -places):
        raise ValidationError(f"must be below 1E+{whole}, with at most {places} decimal "
                              "places", field=field, value=value if given is None else given)
    return canonical(value)


def plain(value: decimal.Decimal) -> decimal.Decimal:
    """``value`` without trailing zeros and never with a positive exponent (exactly); a
    zero has no sign (``-0.00`` is ``0``).

    ``Decimal.normalize`` alone writes a round number with a positive exponent
    (``1000.00`` becomes ``1E+3``), which a table, a DataFrame or JSON then shows as
    such; ``plain`` keeps the same value written as ``1000``, at any size.

    A value below ``1E-6`` in magnitude still prints in exponent notation
    (``str(plain(Decimal("0.00000001")))`` is ``'1E-8'``): ``str`` writes every
    ``Decimal`` whose first digit is past the sixth decimal place so, whatever its
    digits, and no ``Decimal`` avoids it. To show such a value in digits, format it
    (``format(value, "f")``, as :func:`backoffice_core.tables.cell_text` does).

    Example:
        >>> [plain(decimal.Decimal(t)) for t in ("1000.00", "2.50", "0.000", "1E+2")]
        [Decimal('1000'), Decimal('2.5'), Decimal('0'), Decimal('100')]
        >>> plain(decimal.Decimal("1E+30")), plain(decimal.Decimal("0.000000010"))
        (Decimal('1000000000000000000000000000000'), Decimal('1E-8'))
        >>> format(plain(decimal.Decimal("0.000000010")), "f")
        '0.00000001'
        >>> plain(decimal.Decimal("-0.00"))
        Decimal('0')
    """
    result = unexponent(value.normalize(EXACT))
    return result if result else result.copy_abs()  # -0 is 0
