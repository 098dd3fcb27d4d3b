"""Amounts in words, as invoices in some countries must print them (num2words).

Russian (and Ukrainian, Belarusian, Kazakh) invoices state the total in words: the
main unit in words, the minor unit in figures ("Сто двадцать три рубля 45 копеек").
:func:`amount_in_words` writes that form in any language num2words knows, declining
the currency's name as the language wants; for a currency num2words does not name in
that language it falls back to babel's currency name and the fraction in figures. The
number then agrees with the unit: in Russian in gender ("одна японская иена", "две
шведские кроны"; babel declines the name for 1, 2-4 and 5+), in German "ein"/"eine"
before the unit rather than the bare numeral "eins" (a compound keeps "-eins" and the
plural: "Einhunderteins Schweizer Franken").

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
        wrong = _MINOR_FIXES.get((lang[:2], code))
        if text and wrong and text.endswith(f" {wrong[0]}"):
            text = text[: -len(wrong[0])] + wrong[1]
    if not text:
        whole = int(abs(value))
        minor = int((abs(value) - whole).scaleb(digits, EXACT))
        loc = parse_locale(locale)
        one = get_currency_name(code, count=1, locale=loc)
        words = _counted(num2words, lang, -whole if value < 0 else whole, one)
        name = get_currency_name(code, count=whole, locale=loc)
        text = f"{words} {name}" + (f" {minor:0{digits}d}/{10 ** digits}" if digits else "")
    return text[:1].upper() + text[1:]


#: (language, currency) -> (num2words' minor unit name, the right one): num2words' German
#: CNY says "1 Jiao" (a tenth) for one fen
_MINOR_FIXES = {("de", "CNY"): ("Jiao", "Fen")}
#: German currency nouns that are feminine without an "-e" ending (die Lira, die Mark)
_DE_FEMININE = frozenset({"Lira", "Lempira", "Pataca", "Kuna", "Hrywnja", "Mark", "Peseta",
                          "Rupiah", "Kina", "Dobra"})


def _counted(num2words: Callable[..., str], lang: str, number: int, unit: str) -> str:
    """``number`` in words agreeing with ``unit`` (the currency's name for one)."""
    if lang[:2] in ("ru", "be"):
        return num2words(number, lang=lang, gender=_slavic_gender(unit))
    if lang.startswith("uk"):  # (num2words' Ukrainian names its genders in full)
        return num2words(number, lang=lang, gender=_UK_GENDERS[_slavic_gender(unit)])
    words = num2words(number, lang=lang)
    if lang.startswith("de") and abs(number) == 1 and words.endswith("eins"):
        return words[:-4] + ("eine" if _german_feminine(unit) else "ein")
    return words


def _slavic_gender(unit: str) -> str:
    """The gender of a Russian, Ukrainian or Belarusian currency name for one: its
    adjective's ending, else the noun's ("шведская крона", "шведська крона" f,
    "мексиканское песо", "мексіканскае песа" n, "кина Папуа..." f, else m).

    Example:
        >>> [_slavic_gender(n) for n in ("японская иена", "швейцарский франк", "кина",
        ...                               "японська єна", "мексіканскае песа", "швейцарскі франк")]
        ['f', 'm', 'f', 'f', 'n', 'm']
    """
    first = unit.split()[0].lower() if unit.split() else ""
    if first.endswith(("ая", "яя")):
        return "f"
    if first.endswith(("ое", "ее", "ае", "яе")):
        return "n"
    if first.endswith(("ий", "ый", "ой", "ій", "і", "ы")):
        return "m"
    return "f" if first.endswith(("а", "я")) else "m"


_UK_GENDERS = {"f": "feminine", "m": "masculine", "n": "neuter"}


def _german_feminine(unit: str) -> bool:
    """Whether a German currency name for one is feminine: an adjective in ``-e``
    ("Schwedische Krone"), else the noun ("Sri-Lanka-Rupie", "Türkische Lira").

    Example:
        >>> [_german_feminine(n) for n in ("Indische Rupie", "Schweizer Franken", "Lira")]
        [True, False, True]
    """
    words = unit.split()
    if not words:
        return False
    if len(words) > 1 and words[0].endswith(("e", "er", "es")) and "-" not in words[0]:
        return words[0].endswith("e")  # the adjective agrees with the noun
    noun = words[0].rsplit("-", 1)[-1]
    return noun in _DE_FEMININE or noun.endswith("e")
