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

from collections.abc import Callable
from decimal import Decimal

import attrs
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


@attrs.frozen(slots=True)
class _Wording:
    """One language's phrases: ``{pct}`` is a percentage, ``{acc}``, ``{dat}`` or ``{gen}``
    a number of days in the case the phrase needs (:attr:`days` gives each form)."""

    days: Callable[[int], dict[str, str]]
    month_end: str  # due at the end of the issue month
    after_month_end: str
    now: str  # due on the issue date
    net: str
    part_now: str  # an instalment due on the issue date
    part: str
    discount: str


def _de_days(n: int) -> dict[str, str]:  # accusative, dative: 1 Tag; 2 Tage, 2 Tagen
    one = f"{n} Tag"
    return {"acc": one if n == 1 else f"{n} Tage", "dat": one if n == 1 else f"{n} Tagen"}


def _ru_days(n: int) -> dict[str, str]:  # genitive after "в течение": 1, 21 дня; 2, 5 дней
    return {"gen": f"{n} {'дня' if Locale('ru').plural_form(n) == 'one' else 'дней'}"}


_WORDING = {
    "de": _Wording(_de_days, "Zahlbar zum Monatsende", "Zahlbar {acc} nach Monatsende",
                   "Sofort zahlbar ohne Abzug", "Zahlbar innerhalb von {dat} netto",
                   "{pct} sofort", "{pct} innerhalb von {dat}",
                   ", bei Zahlung innerhalb von {dat} {pct} Skonto"),
    "ru": _Wording(_ru_days, "Оплата в конце месяца",
                   "Оплата в течение {gen} после окончания месяца", "Оплата сразу",
                   "Оплата в течение {gen}", "{pct} сразу", "{pct} в течение {gen}",
                   ", скидка {pct} при оплате в течение {gen}"),
}


def _worded(w: _Wording, items: tuple[Instalment, ...],
            discount: EarlyPaymentDiscount | None, locale: str) -> str:
    first = items[0]
    if len(items) == 1 and first.end_of_month:
        text = w.after_month_end.format(**w.days(first.days)) if first.days else w.month_end
    elif len(items) == 1:
        text = w.net.format(**w.days(first.days)) if first.days else w.now
    else:
        text = ", ".join((w.part.format(**w.days(i.days), pct=_pct(i.percent, locale))
                          if i.days else w.part_now.format(pct=_pct(i.percent, locale)))
                         for i in items)
    if discount is not None:
        text += w.discount.format(**w.days(discount.days), pct=_pct(discount.percent, locale))
    return text


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
    return _worded(wording, terms.instalments, terms.discount, locale)
