r"""Locale-aware display of money, amounts, numbers and dates (babel, explicit locale).

Every function takes the locale explicitly: nothing here reads the process
locale, so the same call prints the same text on every machine. The number of
decimals of a currency comes from ISO 4217
(:func:`backoffice_core.money.minor_digits`), not from babel's CLDR display
digits, which differ for a few currencies (CLDR shows HUF with 0 decimals,
ISO 4217 has 2). Amounts are shown exactly: an amount finer than the minor
unit keeps its extra digits instead of being rounded away. Zero has no sign: a
negative zero (``-Money("0.00", "USD")``) shows as zero.

The output is babel's own, including its non-breaking spaces (``\xa0``,
``\u202f``).

Example:
    >>> from backoffice_core.money import Money
    >>> format_money(Money("1234.50", "EUR"), "de_DE")
    '1.234,50\xa0€'
    >>> format_amount_minor(123450, "JPY", "en_US")
    '¥123,450'
"""

from __future__ import annotations

import copy
from datetime import date
from decimal import Decimal, localcontext
from functools import lru_cache
from typing import Any

import moneyed
from babel import Locale, UnknownLocaleError
from babel import dates as babel_dates
from babel import numbers as babel_numbers

from backoffice_core.errors import ValidationError
from backoffice_core.exact import canonical
from backoffice_core.money import EXACT, from_minor, minor_digits, to_decimal

__all__ = [
    "format_amount",
    "format_amount_minor",
    "format_date",
    "format_date_range",
    "format_decimal",
    "format_money",
    "parse_locale",
]

_DATE_FORMATS = ("short", "medium", "long", "full")


def parse_locale(locale: str) -> Locale:
    """Parse a locale identifier (``"en_US"``, ``"ru-RU"``); unknown ones raise ``ValidationError``.

    Example:
        >>> parse_locale("ru-RU").language
        'ru'
        >>> parse_locale("xx_YY")
        Traceback (most recent call last):
        ...
        backoffice_core.errors.ValidationError: locale='xx_YY': unknown locale
    """
    if not isinstance(locale, str) or not locale.strip():  # checked before the cache hashes it
        raise ValidationError("locale must be a non-empty string such as 'en_US'",
                              field="locale", value=locale)
    return _parse_locale(locale)


@lru_cache(maxsize=64)
def _parse_locale(locale: str) -> Locale:
    try:
        return Locale.parse(locale.strip().replace("-", "_"))
    except (UnknownLocaleError, ValueError, TypeError):
        raise ValidationError("unknown locale", field="locale", value=locale) from None


@lru_cache(maxsize=256)
def _pattern(locale: str, digits: int, currency: bool) -> Any:
    """The locale's standard currency or decimal pattern with exactly ``digits`` decimals."""
    loc = parse_locale(locale)
    base = loc.currency_formats["standard"] if currency else loc.decimal_formats[None]
    pattern = copy.copy(base)
    pattern.frac_prec = (digits, digits)
    return pattern


def _exact(value: Decimal, digits: int) -> bool:
    """True when ``value`` needs no more than ``digits`` decimals."""
    scaled = value.scaleb(digits, EXACT)
    return scaled == scaled.to_integral_value(context=EXACT)


def format_amount(amount: Any, currency: str, locale: str, *, symbol: bool = True) -> str:
    r"""Format an amount of ``currency`` for ``locale``, with the ISO 4217 number of decimals.

    ``amount`` is a ``Decimal``, ``int`` or ``str`` (floats are refused).
    ``symbol=False`` gives the bare number, as in a table column headed by
    the currency.

    Example:
        >>> format_amount("-1234.5", "USD", "en_US")
        '-$1,234.50'
        >>> format_amount("1234.567", "KWD", "ru_RU", symbol=False)
        '1\xa0234,567'
        >>> format_amount("1000", "HUF", "en_US")
        'HUF1,000.00'
    """
    value = canonical(to_decimal(amount))  # a negative zero shows as zero
    digits = minor_digits(currency)
    pattern = _pattern(str(parse_locale(locale)), digits, symbol)
    exact = _exact(value, digits)
    with localcontext(EXACT):  # babel rounds in the current context: not the caller's
        if symbol:
            return str(babel_numbers.format_currency(
                value, currency.upper(), format=pattern, locale=parse_locale(locale),
                currency_digits=False, decimal_quantization=exact))
        return str(pattern.apply(value, parse_locale(locale), decimal_quantization=exact))


def format_money(money: moneyed.Money, locale: str, *, symbol: bool = True) -> str:
    r"""Format :class:`~backoffice_core.money.Money` for ``locale``.

    Example:
        >>> from backoffice_core.money import Money
        >>> format_money(Money("1234.50", "USD"), "en_US")
        '$1,234.50'
        >>> format_money(Money("1234.50", "RUB"), "ru_RU")
        '1\xa0234,50\xa0₽'
        >>> format_money(Money("1234", "JPY"), "de_DE")
        '1.234\xa0¥'
    """
    if not isinstance(money, moneyed.Money):
        raise ValidationError("expected Money", field="money", value=money)
    return format_amount(money.amount, money.currency.code, locale, symbol=symbol)


def format_amount_minor(minor: int, currency: str, locale: str, *, symbol: bool = True) -> str:
    r"""Format an integer count of minor units of ``currency`` for ``locale``.

    Example:
        >>> format_amount_minor(-5, "KWD", "en_US")
        '-KWD0.005'
        >>> format_amount_minor(123456, "EUR", "de_DE", symbol=False)
        '1.234,56'
    """
    return format_money(from_minor(minor, currency), locale, symbol=symbol)


def format_decimal(value: Any, locale: str, *, digits: int | None = None) -> str:
    r"""Format a number (a quantity, a rate) for ``locale``.

    With ``digits`` the number shows exactly that many decimals (a finer value
    keeps its extra digits); without, every significant digit is shown, never
    rounded to babel's default of three.

    Example:
        >>> format_decimal("1234.5", "ru_RU", digits=2)
        '1\xa0234,50'
        >>> format_decimal("1.23456789", "en_US")
        '1.23456789'
        >>> format_decimal(7, "de_DE")
        '7'
    """
    number = canonical(to_decimal(value, field="value"))  # a negative zero shows as zero
    loc = parse_locale(locale)
    if digits is not None and (isinstance(digits, bool) or not isinstance(digits, int)
                               or not 0 <= digits <= 18):
        raise ValidationError("digits must be an int from 0 to 18", field="digits", value=digits)
    with localcontext(EXACT):  # babel rounds in the current context: not the caller's
        if digits is None:
            return str(babel_numbers.format_decimal(number, locale=loc,
                                                    decimal_quantization=False))
        pattern = _pattern(str(loc), digits, False)
        return str(pattern.apply(number, loc, decimal_quantization=_exact(number, digits)))


def format_date(day: date, locale: str, format: str = "medium") -> str:
    r"""Format a date for ``locale`` (``format``: short, medium, long, full or a CLDR pattern).

    Example:
        >>> from datetime import date
        >>> format_date(date(2026, 1, 5), "en_US")
        'Jan 5, 2026'
        >>> format_date(date(2026, 1, 5), "ru_RU", "short")
        '05.01.2026'
    """
    if not isinstance(day, date):
        raise ValidationError("expected a date", field="date", value=day)
    if not isinstance(format, str) or not format:
        raise ValidationError("date format must be short, medium, long, full or a pattern",
                              field="format", value=format)
    return str(babel_dates.format_date(day, format=format, locale=parse_locale(locale)))


def format_date_range(start: date, end: date, locale: str, skeleton: str = "yMMMd") -> str:
    r"""Format the period ``start``..``end`` (inclusive) for ``locale``, as babel's interval.

    Example:
        >>> from datetime import date
        >>> format_date_range(date(2026, 1, 1), date(2026, 1, 15), "de_DE")
        '1.–15. Jan. 2026'
        >>> format_date_range(date(2026, 1, 1), date(2026, 1, 15), "en_US")
        'Jan 1\u2009–\u200915, 2026'
    """
    for name, day in (("start", start), ("end", end)):
        if not isinstance(day, date):
            raise ValidationError("expected a date", field=name, value=day)
    if end < start:
        raise ValidationError("the period ends before it starts", field="end", value=end)
    return str(babel_dates.format_interval(start, end, skeleton, locale=parse_locale(locale)))
