"""Exact money: ``Money`` and ``Currency``, minor units, rounding and allocation.

``Money`` is py-moneyed's ``Money`` made strict: floats are refused, and mixing
currencies raises :class:`~backoffice_core.errors.CurrencyMismatchError`.
Minor units come from ISO 4217 as py-moneyed records them (JPY 0, USD 2,
KWD 3), never from babel, whose CLDR display digits differ.

Example:
    >>> from backoffice_core.money import Money, allocate
    >>> Money("10.00", "USD") + Money("2.5", "USD")
    Money('12.50', 'USD')
    >>> allocate(Money("100.00", "USD"), 3)
    [Money('33.34', 'USD'), Money('33.33', 'USD'), Money('33.33', 'USD')]
"""

from __future__ import annotations

import decimal
import enum
import math
from collections.abc import Sequence
from decimal import Decimal
from functools import lru_cache
from typing import Any, overload

import attrs
import moneyed

from backoffice_core.errors import (
    CurrencyMismatchError,
    FloatNotAllowedError,
    NotFoundError,
    ValidationError,
)
from backoffice_core.exact import EXACT, QUOTIENT, exactly

__all__ = ["Currency", "ExchangeRate", "Money", "RoundingPolicy", "EXACT", "QUOTIENT",
           "allocate", "currency", "currency_code", "exactly", "from_minor", "minor_digits",
           "not_money", "to_decimal", "to_minor"]

Currency = moneyed.Currency
# Money arithmetic: independent of the caller's decimal context, and a result it cannot hold
# exactly (more than ``prec`` digits) raises instead of rounding silently.
_STRICT = decimal.Context(prec=999, Emax=decimal.MAX_EMAX, Emin=decimal.MIN_EMIN,
                          traps=[decimal.Inexact, decimal.Rounded, decimal.Overflow,
                                 decimal.InvalidOperation, decimal.DivisionByZero])
_MAX_DIGITS = 999  # digits of an amount in minor units that to_minor converts to an int
_add, _subtract, _multiply = _STRICT.add, _STRICT.subtract, _STRICT.multiply
def _inexact(field: str, value: Any) -> ValidationError:
    """The error for a result :data:`_STRICT` cannot hold exactly."""
    return ValidationError(f"result exceeds {_STRICT.prec} significant digits and cannot be "
                           "held exactly", field=field, value=value)


def not_money(message: str, field: str, value: Any) -> ValidationError:
    """The error for a ``value`` given where ``Money`` is required: a float gets
    :class:`FloatNotAllowedError` (as everywhere an amount is taken), anything else a
    ``ValidationError`` with ``message``; both name ``field`` and the value.

    Example:
        >>> type(not_money("amount must be Money", "amount", 1.5)).__name__
        'FloatNotAllowedError'
        >>> str(not_money("amount must be Money", "amount", "5"))
        "amount='5': amount must be Money"
    """
    if isinstance(value, float):
        return FloatNotAllowedError(f"floats are not exact; {message}", field=field,
                                    value=value)
    return ValidationError(message, field=field, value=value)


def currency(code: str) -> Currency:
    """Return the ISO 4217 currency for ``code`` (case-insensitive).

    Example:
        >>> currency("usd").code
        'USD'
    """
    if not isinstance(code, str):  # checked before the cache, which cannot hash a list
        raise ValidationError("currency code must be a string", field="currency", value=code)
    return _currency(code)


def currency_code(code: object, field: str = "currency") -> str:
    """The ISO 4217 code ``code`` names, in upper case; an error names ``field``.

    Example:
        >>> currency_code("eur")
        'EUR'
        >>> currency_code("EURO", field="lines[0].currency")
        Traceback (most recent call last):
        ...
        backoffice_core.errors.NotFoundError: lines[0].currency='EURO': unknown ISO 4217 currency
    """
    try:
        return str(currency(code).code)  # type: ignore[arg-type]  # any value: checked there
    except (ValidationError, NotFoundError) as err:
        err.field = field
        raise


@lru_cache(maxsize=512)
def _currency(code: str) -> Currency:
    try:
        return moneyed.get_currency(code.upper())
    except moneyed.CurrencyDoesNotExist:
        raise NotFoundError("unknown ISO 4217 currency", field="currency", value=code) from None


def minor_digits(code: str) -> int:
    """Number of decimal digits of the minor unit of ``code`` (ISO 4217).

    Example:
        >>> [minor_digits(c) for c in ("JPY", "USD", "KWD", "HUF")]
        [0, 2, 3, 2]
    """
    if not isinstance(code, str):  # checked before the cache, which cannot hash a list
        raise ValidationError("currency code must be a string", field="currency", value=code)
    return _minor_digits(code)


@lru_cache(maxsize=512)
def _minor_digits(code: str) -> int:
    sub = currency(code).sub_unit
    digits = 0
    while sub > 1:
        sub //= 10
        digits += 1
    return digits


def to_decimal(value: Any, *, field: str = "amount") -> Decimal:
    """Convert ``value`` (str, int or Decimal) to ``Decimal``; floats are refused.

    Example:
        >>> to_decimal("1.10")
        Decimal('1.10')
    """
    if type(value) is str:  # the common case first: Decimal() takes spaces and "_" itself
        try:
            result = Decimal(value)
        except decimal.InvalidOperation:
            pass
        else:
            if result.is_finite():
                return result
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValidationError("must be a finite number", field=field, value=value)
        return value
    if isinstance(value, bool):
        raise ValidationError("a boolean is not an amount", field=field, value=value)
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        raise FloatNotAllowedError(
            "floats are not exact; pass a str, int or Decimal", field=field, value=value
        )
    if isinstance(value, str):
        try:
            result = Decimal(value.strip().replace("_", ""))
        except decimal.InvalidOperation:
            raise ValidationError("not a decimal number", field=field, value=value) from None
        if not result.is_finite():
            raise ValidationError("must be a finite number", field=field, value=value)
        return result
    raise ValidationError(
        f"expected str, int or Decimal, got {type(value).__name__}", field=field, value=value
    )


class Money(moneyed.Money):
    """An exact amount in one currency.

    Accepts ``str``, ``int`` or ``Decimal`` amounts; a ``float`` raises
    :class:`FloatNotAllowedError`. A zero has no sign (``-Money("0.00", "EUR")`` is
    ``Money('0.00', 'EUR')``). Arithmetic between different currencies
    raises :class:`CurrencyMismatchError`; convert with an
    :class:`ExchangeRate` first.

    Example:
        >>> Money("19.99", "EUR") * 3
        Money('59.97', 'EUR')
        >>> Money("1", "EUR") + Money("1", "USD")
        Traceback (most recent call last):
        ...
        backoffice_core.errors.CurrencyMismatchError: currency='USD': cannot combine EUR ...
    """

    def __init__(self, amount: Any = Decimal(0), currency: str | Currency | None = None) -> None:
        if currency is None:
            raise ValidationError("money needs a currency", field="currency", value=None)
        cur = currency if isinstance(currency, moneyed.Currency) else _currency_of(currency)
        value = to_decimal(amount)  # (a negative zero: the same zero, without its sign)
        super().__init__(value if value or not value.is_signed() else value.copy_abs(), cur)

    @classmethod
    def from_minor(cls, minor: int, code: str) -> Money:
        """Build from an integer count of minor units.

        Example:
            >>> Money.from_minor(1234, "USD")
            Money('12.34', 'USD')
        """
        return from_minor(minor, code)

    @property
    def code(self) -> str:
        """The ISO 4217 code, e.g. ``'USD'``."""
        return str(self.currency.code)

    def to_minor(self, rounding: RoundingPolicy | None = None) -> int:
        """Integer minor units; refuses sub-minor amounts unless a policy is given.

        Example:
            >>> Money("12.34", "USD").to_minor()
            1234
        """
        return to_minor(self, rounding)

    def rounded(self, policy: RoundingPolicy | None = None) -> Money:
        """Round to the currency's minor unit under ``policy`` (default half-up).

        Example:
            >>> Money("2.345", "USD").rounded(RoundingPolicy.HALF_EVEN)
            Money('2.34', 'USD')
        """
        pol = _policy(policy) or RoundingPolicy.HALF_UP
        return Money(pol.quantize(self.amount, minor_digits(self.code)), self.currency)

    def round(self, ndigits: int | None = 0,
              policy: RoundingPolicy | None = None) -> Money:
        """Round to ``ndigits`` places under ``policy`` (default half-even, as py-moneyed),
        never under whatever rounding the caller's decimal context happens to hold.

        Example:
            >>> Money("2.345", "USD").round(2), Money("2.345", "USD").round(2, RoundingPolicy.UP)
            (Money('2.34', 'USD'), Money('2.35', 'USD'))
        """
        ndigits = 0 if ndigits is None else ndigits
        if type(ndigits) is not int:
            raise ValidationError("ndigits must be an integer", field="ndigits", value=ndigits)
        pol = _policy(policy) or RoundingPolicy.HALF_EVEN
        return Money(pol.quantize(self.amount, ndigits), self.currency)

    def _check(self, other: object) -> None:
        if isinstance(other, moneyed.Money) and other.currency != self.currency:
            raise CurrencyMismatchError(
                f"cannot combine {self.currency.code} with {other.currency.code} "
                "without an exchange rate",
                field="currency", value=other.currency.code,
            )

    def _zero(self, other: object) -> bool:
        """True for an exact zero (``sum()`` starts from ``0``); a float or any other
        number is refused: money only meets money."""
        if isinstance(other, float):
            raise FloatNotAllowedError("floats are not exact; add Money to Money",
                                       field="other", value=other)
        if type(other) in (int, Decimal) and other == 0:
            return True
        raise ValidationError("money only adds to money (or to an exact zero)",
                              field="other", value=other)

    def __add__(self, other: object) -> Money:
        self._check(other)
        if isinstance(other, moneyed.Money):
            try:
                return Money(_add(self.amount, other.amount), self.currency)
            except decimal.DecimalException:
                raise _inexact("other", other) from None
        if self._zero(other):
            return self
        return NotImplemented  # pragma: no cover - _zero raises for every other value

    __radd__ = __add__

    def __sub__(self, other: object) -> Money:
        self._check(other)
        if isinstance(other, moneyed.Money):
            try:
                return Money(_subtract(self.amount, other.amount), self.currency)
            except decimal.DecimalException:
                raise _inexact("other", other) from None
        if self._zero(other):
            return self
        return NotImplemented  # pragma: no cover - _zero raises for every other value

    def __rsub__(self, other: object) -> Money:
        return (-self).__add__(other)

    def __neg__(self) -> Money:
        return Money(self.amount.copy_negate(), self.currency)

    def __pos__(self) -> Money:
        return self

    def __abs__(self) -> Money:
        return Money(self.amount.copy_abs(), self.currency)

    def __mul__(self, other: object) -> Money:
        if isinstance(other, moneyed.Money):
            raise ValidationError("cannot multiply money by money", field="other", value=other)
        factor = to_decimal(other, field="factor")
        try:
            return Money(_multiply(self.amount, factor), self.currency)
        except decimal.DecimalException:
            raise _inexact("factor", other) from None

    __rmul__ = __mul__

    @overload  # money / money is a ratio (a Decimal); money / a number is Money
    def __truediv__(self, other: moneyed.Money) -> Decimal: ...  # type: ignore[overload-overlap]
    @overload
    def __truediv__(self, other: object) -> Money: ...
    def __truediv__(self, other: object) -> Money | Decimal:
        if isinstance(other, moneyed.Money):
            self._check(other)
            divisor = other.amount
        else:
            divisor = to_decimal(other, field="divisor")
        if divisor == 0:
            raise ValidationError("cannot divide by zero", field="divisor", value=other)
        quotient = QUOTIENT.divide(self.amount, divisor)  # not the caller's context
        return quotient if isinstance(other, moneyed.Money) else Money(quotient, self.currency)

    def _compared(self, other: object) -> moneyed.Money:
        self._check(other)
        if not isinstance(other, moneyed.Money):
            raise ValidationError("money only compares with money", field="other", value=other)
        return other

    def __lt__(self, other: object) -> bool:
        return bool(self.amount < self._compared(other).amount)

    def __le__(self, other: object) -> bool:
        return bool(self.amount <= self._compared(other).amount)

    def __gt__(self, other: object) -> bool:
        return bool(self.amount > self._compared(other).amount)

    def __ge__(self, other: object) -> bool:
        return bool(self.amount >= self._compared(other).amount)

    def __hash__(self) -> int:
        return hash((self.amount, self.currency))

    def __eq__(self, other: object) -> bool:
        return (isinstance(other, moneyed.Money) and self.currency == other.currency
                and self.amount == other.amount)

    def __repr__(self) -> str:
        return f"Money('{self.amount:f}', '{self.currency.code}')"  # digits, no exponent

    def __str__(self) -> str:
        return f"{self.amount:f} {self.currency.code}"


def _currency_of(code: object) -> Currency:
    if not isinstance(code, str):
        raise ValidationError("currency must be an ISO 4217 code", field="currency", value=code)
    return currency(code)


class RoundingPolicy(enum.Enum):
    """How an amount is rounded to a number of digits, applied only at named places
    (:meth:`quantize`)."""

    HALF_UP = decimal.ROUND_HALF_UP  # half away from zero: sign-symmetric
    HALF_EVEN = decimal.ROUND_HALF_EVEN
    DOWN = decimal.ROUND_DOWN  # towards zero
    UP = decimal.ROUND_UP  # away from zero

    def quantize(self, value: Decimal, digits: int) -> Decimal:
        """Round ``value`` (a ``Decimal``, or what :func:`to_decimal` takes) to ``digits``
        decimal places under this policy, whatever the caller's decimal context. A
        ``digits`` not an ``int``, or a value too large to hold with them, is a
        :class:`ValidationError`.

        Example:
            >>> RoundingPolicy.HALF_UP.quantize(Decimal("-2.345"), 2)
            Decimal('-2.35')
            >>> RoundingPolicy.DOWN.quantize(Decimal("2.349"), 2)
            Decimal('2.34')
        """
        if type(value) is not Decimal or not value.is_finite():  # a float, NaN: an error
            value = to_decimal(value)
        if type(digits) is not int:
            raise ValidationError("digits must be an int", field="digits", value=digits)
        exp = Decimal(1).scaleb(-digits)
        need = value.adjusted() + digits + 2 if value else 0
        if need > _MAX_DIGITS:
            raise ValidationError(f"too large to round to {digits} places", field="amount",
                                  value=value)
        ctx = decimal.Context(prec=max(60, need), rounding=self.value, Emax=decimal.MAX_EMAX,
                              Emin=decimal.MIN_EMIN)
        return value.quantize(exp, context=ctx)


def _policy(value: Any, field: str = "policy") -> RoundingPolicy | None:
    """``value`` if it is a :class:`RoundingPolicy` or ``None``, else an error naming ``field``."""
    if value is None or isinstance(value, RoundingPolicy):
        return value
    raise ValidationError("must be a RoundingPolicy (HALF_UP, HALF_EVEN, DOWN or UP)",
                          field=field, value=value)


def to_minor(money: moneyed.Money, rounding: RoundingPolicy | None = None) -> int:
    """Convert money to integer minor units.

    Without a rounding policy an amount finer than the minor unit is an error,
    so no cent is ever lost silently.

    Example:
        >>> to_minor(Money("1.005", "USD"), RoundingPolicy.HALF_EVEN)
        100
        >>> to_minor(Money("1.5", "JPY"))
        Traceback (most recent call last):
        ...
        backoffice_core.errors.ValidationError: amount=Decimal('1.5'): finer than the minor unit ...
    """
    if not isinstance(money, moneyed.Money):
        raise not_money("money must be Money", "money", money)
    rounding = rounding if rounding is None else _policy(rounding, "rounding")
    code = money.currency.code
    digits = minor_digits(code)
    amount: Decimal = money.amount
    if amount and amount.adjusted() + digits >= _MAX_DIGITS:  # an int of it would take minutes
        raise ValidationError("amount too large", field="amount", value=amount)
    if amount and amount.adjusted() + digits < 0:  # below one minor unit, however tiny
        if rounding is None:
            raise ValidationError(
                f"finer than the minor unit of {code} ({digits} digits); round it first",
                field="amount", value=amount)
        return int(rounding.quantize(amount, digits).scaleb(digits, EXACT))
    scaled = amount.scaleb(digits, EXACT)
    if scaled != scaled.to_integral_value(context=EXACT):
        if rounding is None:
            raise ValidationError(
                f"finer than the minor unit of {code} ({digits} digits); round it first",
                field="amount", value=amount,
            )
        scaled = rounding.quantize(scaled, 0)
    return int(scaled)


def from_minor(minor: int, code: str) -> Money:
    """Build ``Money`` from integer minor units.

    Example:
        >>> from_minor(-5, "KWD")
        Money('-0.005', 'KWD')
    """
    if isinstance(minor, bool) or not isinstance(minor, int):
        raise ValidationError("minor units must be an int", field="minor", value=minor)
    digits = minor_digits(code)
    return Money(Decimal(minor).scaleb(-digits, EXACT), code)


def allocate(
    total: Money, parts: int | Sequence[Any], *, policy: RoundingPolicy | None = None
) -> list[Money]:
    """Split ``total`` into parts that sum exactly to it, never losing a minor unit.

    ``parts`` is either a count (equal shares) or a sequence of ratios (str,
    int or Decimal). Remainders go, one minor unit each, to the parts with the
    largest fractional remainder (ties: earlier parts first).

    Example:
        >>> allocate(Money("100.00", "USD"), [1, 1, 1])
        [Money('33.34', 'USD'), Money('33.33', 'USD'), Money('33.33', 'USD')]
        >>> allocate(Money("10.00", "EUR"), ["0.7", "0.3"])
        [Money('7.00', 'EUR'), Money('3.00', 'EUR')]
    """
    if not isinstance(total, moneyed.Money):
        raise not_money("total must be Money", "total", total)
    ratios: list[Decimal]
    if isinstance(parts, int) and not isinstance(parts, bool):
        if parts < 1:
            raise ValidationError("need at least one part", field="parts", value=parts)
        ratios = [Decimal(1)] * parts
    else:
        if isinstance(parts, bool) or not isinstance(parts, Sequence):
            raise ValidationError("parts must be a count or a sequence of ratios",
                                  field="parts", value=parts)
        ratios = [to_decimal(r, field=f"parts[{i}]") for i, r in enumerate(parts)]
        if not ratios:
            raise ValidationError("need at least one ratio", field="parts", value=parts)
        for i, r in enumerate(ratios):
            if r < 0:
                raise ValidationError("ratios must not be negative", field=f"parts[{i}]", value=r)
    weight = sum(ratios, Decimal(0))
    if weight == 0:
        raise ValidationError("ratios must not all be zero", field="parts", value=parts)
    code = total.currency.code
    minor_total = to_minor(total, _policy(policy))
    sign = -1 if minor_total < 0 else 1
    magnitude = abs(minor_total)
    # integer arithmetic throughout: ratio i is weights[i] / scale exactly, so share i is
    # magnitude * weights[i] / sum(weights), its floor and remainder exact at any size
    fractions = [r.as_integer_ratio() for r in ratios]
    scale = math.lcm(*(d for _, d in fractions))
    weights = [n * (scale // d) for n, d in fractions]
    total_weight = sum(weights)
    floors = [magnitude * w // total_weight for w in weights]
    remainders = [magnitude * w % total_weight for w in weights]
    left = magnitude - sum(floors)
    order = sorted(range(len(weights)), key=lambda i: (-remainders[i], i))
    for i in order[:left]:
        floors[i] += 1
    return [from_minor(sign * f, code) for f in floors]


def _code(value: Any) -> str:
    return str(_currency_of(value).code)


def _positive_rate(value: Any) -> Decimal:
    return to_decimal(value, field="rate")


@attrs.frozen(slots=True)
class ExchangeRate:
    """An explicit rate: one unit of ``base`` costs ``rate`` units of ``quote``
    (:meth:`convert` applies it)."""

    base: str = attrs.field(converter=_code)
    quote: str = attrs.field(converter=_code)
    rate: Decimal = attrs.field(converter=_positive_rate)

    def __attrs_post_init__(self) -> None:
        if self.rate <= 0:
            raise ValidationError("exchange rate must be positive", field="rate", value=self.rate)
        currency(self.base)
        currency(self.quote)

    def convert(self, money: moneyed.Money, policy: RoundingPolicy | None = None) -> Money:
        """Convert ``money`` from base to quote, rounded to the quote's minor unit under
        ``policy`` (default half-up); money in another currency is a ``CurrencyMismatchError``.

        Example:
            >>> r = ExchangeRate("EUR", "JPY", "160.55")
            >>> r.convert(Money("10.00", "EUR")), r.convert(Money("10", "EUR"), RoundingPolicy.DOWN)
            (Money('1606', 'JPY'), Money('1605', 'JPY'))
        """
        if not isinstance(money, moneyed.Money):
            raise not_money("money must be Money", "money", money)
        if money.currency.code != self.base:
            raise CurrencyMismatchError(
                f"rate converts {self.base}, not {money.currency.code}",
                field="currency", value=money.currency.code,
            )
        pol = _policy(policy) or RoundingPolicy.HALF_UP
        try:
            product = _multiply(money.amount, self.rate)
        except decimal.DecimalException:
            raise _inexact("amount", money) from None
        return Money(pol.quantize(product, minor_digits(self.quote)), self.quote)
