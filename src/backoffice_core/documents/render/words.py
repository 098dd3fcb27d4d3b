"""Amounts in words, as invoices in some countries must print them (num2words).

Russian (and Ukrainian, Belarusian, Kazakh) invoices state the total in words: the
main unit in words, the minor unit in figures ("Сто двадцать три рубля 45 копеек").
:func:`amount_in_words` writes that form in any language num2words knows, declining
the currency's name as the language wants; for a currency num2words does not name in
that language it falls back to babel's currency name and the fraction in figures.

Example:
    >>> from backoffice_core.money import Money
    >>> amount_in_words(Money("123.45", "RUB"), "ru_RU")
    'Сто двадцать три рубля 45 копеек'
    >>> words_required("ru_RU"), words_required("de_DE")
    (True, False)
"""

from __future__ import annotations

import decimal
import importlib
from collections.abc import Callable
from decimal import Decimal
from typing import Any, cast

from babel.numbers import get_currency_name

from backoffice_core.errors import ValidationError
from backoffice_core.formatting import parse_locale
from backoffice_core.money import EXACT, Money, minor_digits

__all__ = ["WORDS_REQUIRED", "amount_in_words", "words_required"]

#: Languages whose invoices state the total in words by local practice.
WORDS_REQUIRED = frozenset({"ru", "uk", "be", "kk"})


def _num2words() -> tuple[Callable[..., str], dict[str, Any]]:
    # A declared dependency without type hints, imported on first use (start-up stays light).
    n2w = importlib.import_module("num2words")
    return cast(Callable[..., str], n2w.num2words), cast(dict[str, Any], n2w.CONVERTER_CLASSES)


def words_required(locale: str) -> bool:
    """Whether invoices in ``locale`` print the amount due in words by local practice.

    Example:
        >>> words_required("uk_UA"), words_required("en_US")
        (True, False)
    """
    return parse_locale(locale).language in WORDS_REQUIRED


def _language(locale: str, known: dict[str, Any]) -> str:
    loc = parse_locale(locale)
    full = f"{loc.language}_{loc.territory}" if loc.territory else loc.language
    lang = {"kk": "kz"}.get(loc.language, loc.language)
    if full in known:
        return full
    if lang in known:
        return lang
    raise ValidationError("no number words for this language (num2words)", field="locale",
                          value=locale)


def amount_in_words(amount: Money, locale: str) -> str:
    """``amount`` in words for ``locale``: main unit in words, minor unit in figures.

    Raises:
        ValidationError: not ``Money``, finer than the currency's minor unit, or a
            language without number words.

    Example:
        >>> from backoffice_core.money import Money
        >>> amount_in_words(Money("21.00", "EUR"), "ru_RU")
        'Двадцать один евро 00 центов'
        >>> amount_in_words(Money("1234.56", "EUR"), "de_DE")
        'Eintausendzweihundertvierunddreißig Euro 56 Cent'
        >>> amount_in_words(Money("2.50", "CHF"), "ru_RU")
        'Два швейцарских франка 50/100'
        >>> amount_in_words(Money("1000", "JPY"), "en_US")
        'One thousand Japanese yen'
    """
    with decimal.localcontext(EXACT):  # exact whatever the caller's decimal context
        return _amount_in_words(amount, locale)


def _amount_in_words(amount: Money, locale: str) -> str:
    if not isinstance(amount, Money):
        raise ValidationError("expected Money", field="amount", value=amount)
    num2words, known = _num2words()
    lang = _language(locale, known)
    code = amount.code
    digits = minor_digits(code)
    value = amount.amount
    if value.quantize(Decimal(1).scaleb(-digits), context=EXACT) != value:
        raise ValidationError(f"finer than the minor unit of {code}", field="amount",
                              value=amount)
    text = ""
    if digits == 2:
        try:
            text = num2words(value, lang=lang, to="currency", currency=code, cents=False,
                             separator="")
        except NotImplementedError:
            text = ""
    if not text:
        whole = int(abs(value))
        minor = int((abs(value) - whole).scaleb(digits, EXACT))
        words = num2words(-whole if value < 0 else whole, lang=lang)
        name = get_currency_name(code, count=whole, locale=parse_locale(locale))
        text = f"{words} {name}" + (f" {minor:0{digits}d}/{10 ** digits}" if digits else "")
    return text[:1].upper() + text[1:]
