"""Payment terms worded for the document's language (BT-20 as printed).

Terms built with :meth:`~backoffice_core.documents.terms.PaymentTerms.net`,
``end_of_month`` or ``split`` carry an English description; a rendered Russian or
German document words the same schedule and early-payment discount in its own language
(German law asks an invoice to state an agreed cash discount, UStG 14(4) no. 7). A
description the host wrote itself is printed as written, in every language.

Example:
    >>> from backoffice_core.documents.terms import EarlyPaymentDiscount, PaymentTerms
    >>> terms = PaymentTerms.net(30, discount=EarlyPaymentDiscount(2, 10))
    >>> terms_text(terms, "de_DE")
    'Zahlbar innerhalb von 30 Tagen netto, bei Zahlung innerhalb von 10 Tagen 2\\xa0% Skonto'
    >>> terms_text(terms, "ru_RU")
    'Оплата в течение 30 дней, скидка 2\\xa0% при оплате в течение 10 дней'
    >>> terms_text(PaymentTerms(description="Cash on delivery"), "de_DE")
    'Cash on delivery'
"""

from __future__ import annotations

from decimal import Decimal

from babel import Locale
from babel.numbers import format_decimal

from backoffice_core.documents.terms import (
    EarlyPaymentDiscount,
    Instalment,
    PaymentTerms,
    describe,
)
from backoffice_core.formatting import parse_locale

__all__ = ["terms_text"]


def _pct(value: Decimal, locale: str) -> str:
    return f"{format_decimal(value, format='#,##0.##########', locale=locale)}\xa0%"


def _de_days(n: int, dative: bool) -> str:
    return f"{n} Tag" if n == 1 else f"{n} {'Tagen' if dative else 'Tage'}"


def _ru_days(n: int) -> str:  # genitive after "в течение": 1, 21 дня; 2, 5, 11 дней
    return f"{n} {'дня' if Locale('ru').plural_form(n) == 'one' else 'дней'}"


def _german(items: tuple[Instalment, ...], discount: EarlyPaymentDiscount | None,
            locale: str) -> str:
    first = items[0]
    if len(items) == 1 and first.end_of_month:
        text = ("Zahlbar zum Monatsende" if not first.days else
                f"Zahlbar {_de_days(first.days, False)} nach Monatsende")
    elif len(items) == 1:
        text = ("Sofort zahlbar ohne Abzug" if not first.days else
                f"Zahlbar innerhalb von {_de_days(first.days, True)} netto")
    else:
        text = ", ".join(f"{_pct(i.percent, locale)} " + (
            f"innerhalb von {_de_days(i.days, True)}" if i.days else "sofort")
            for i in items)
    if discount is not None:
        text += (f", bei Zahlung innerhalb von {_de_days(discount.days, True)} "
                 f"{_pct(discount.percent, locale)} Skonto")
    return text


def _russian(items: tuple[Instalment, ...], discount: EarlyPaymentDiscount | None,
             locale: str) -> str:
    first = items[0]
    if len(items) == 1 and first.end_of_month:
        text = ("Оплата в конце месяца" if not first.days else
                f"Оплата в течение {_ru_days(first.days)} после окончания месяца")
    elif len(items) == 1:
        text = ("Оплата сразу" if not first.days else
                f"Оплата в течение {_ru_days(first.days)}")
    else:
        text = ", ".join(f"{_pct(i.percent, locale)} " + (
            f"в течение {_ru_days(i.days)}" if i.days else "сразу") for i in items)
    if discount is not None:
        text += (f", скидка {_pct(discount.percent, locale)} при оплате в течение "
                 f"{_ru_days(discount.days)}")
    return text


_WORDING = {"de": _german, "ru": _russian}


def terms_text(terms: PaymentTerms | None, locale: str) -> str:
    """``terms`` as printed on a document in ``locale``: a generated description worded in
    German or Russian (other languages: in English, naming the discount also where an
    older version wrote the description without it), a host's own description as
    written; ``""`` without terms.

    Example:
        >>> from backoffice_core.documents.terms import PaymentTerms
        >>> terms_text(PaymentTerms.split((50, 0), (50, 21)), "ru_RU")
        '50\\xa0% сразу, 50\\xa0% в течение 21 дня'
        >>> terms_text(PaymentTerms.end_of_month(1), "de_DE"), terms_text(None, "en_US")
        ('Zahlbar 1 Tag nach Monatsende', '')
    """
    if terms is None:
        return ""
    if not terms.generated:
        return terms.description
    wording = _WORDING.get(parse_locale(locale).language)
    if wording is None:  # (written before it named the discount: named now)
        return describe(terms.instalments, terms.discount)
    return wording(terms.instalments, terms.discount, locale)
