"""Rendering whatever the texts and the process state: escaped, babel-formatted for the
explicit locale, the document's own totals, and the same under any decimal context."""

from __future__ import annotations

import re
from datetime import date
from decimal import localcontext

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from backoffice_core.documents import (
    Address,
    AllowanceCharge,
    Document,
    DocumentRef,
    DocumentType,
    Party,
    Tax,
    document_totals,
    line,
)
from backoffice_core.documents.render import amount_in_words, render_html
from backoffice_core.formatting import format_money
from backoffice_core.money import Money

_HOSTILE = st.sampled_from(['<script>alert("x")</script>', "<img src=x onerror=alert(1)>",
                            "A & B", "\"quoted\" 'single'", "${amount_due} $$", "Ромашка",
                            "x" * 400, "</td></tr></table><b>"])
# ja_JP has no names or symbols for KWD, RUB or CHF: babel falls back to the ISO code
_LOCALES = ["en_US", "de_DE", "ru_RU", "ja_JP"]


def _parties(name: str) -> tuple[Party, Party]:
    seller = Party("s", name, addresses=[Address([name], name, "<b>", "DE", name)])
    return seller, Party("b", name + " Ltd")


@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@given(text=_HOSTILE, locale=st.sampled_from(_LOCALES),
       code=st.sampled_from(["EUR", "RUB", "JPY", "KWD", "CHF"]), credit=st.booleans())
def test_texts_are_escaped_and_amounts_are_the_documents(text: str, locale: str, code: str,
                                                         credit: bool) -> None:
    price = {"JPY": "1999", "KWD": "12.345"}.get(code, "19.99")
    doc = Document("d", "credit_note" if credit else "sales_invoice", "b", code,
                   date(2026, 3, 2), [line(text, 3, price, Tax.standard(20), note=text,
                                           item_id=text[:50], discount=5),
                                      line("Trade-in " + text, -1, price, Tax.standard(20))],
                   [AllowanceCharge.charge("5", reason=text, tax=Tax.standard(20))],
                   number=text[:50], note=text, buyer_reference=text[:50],
                   references=[DocumentRef("i", DocumentType.SALES_INVOICE, text[:50])]
                   if credit else [])
    seller, buyer = _parties(text)
    html = render_html(doc, locale=locale, seller=seller, buyer=buyer, words=True)
    body = html[html.index("<body"):]
    for tag in ("<script", "<img", "</td></tr></table><b>"):
        assert tag not in body
    t = document_totals(doc)
    totals = re.search(r'<table class="totals">.*?</table>', html, re.S)
    assert totals is not None
    for money in (t.tax_exclusive, t.tax_total, t.tax_inclusive, t.amount_due):
        assert format_money(money, locale) in totals.group(0)
    assert amount_in_words(t.amount_due, locale) in html


@pytest.mark.parametrize(("money", "locale", "words"), [
    (Money("0.00", "RUB"), "ru_RU", "Ноль рублей 00 копеек"),
    (Money("0.01", "RUB"), "ru_RU", "Ноль рублей 01 копейка"),
    (Money("1000000.00", "EUR"), "en_US", "One million euro 00 cents"),
    (Money("1000000.00", "EUR"), "de_DE", "Eine Million Euro 00 Cent"),
    (Money("-19.99", "EUR"), "ru_RU", "Минус девятнадцать евро 99 центов"),
    (Money("0", "JPY"), "en_US", "Zero Japanese yen"),
    (Money("-1500", "JPY"), "de_DE", "Minus eintausendfünfhundert Japanische Yen"),
    (Money("-1.005", "KWD"), "en_US", "Minus one Kuwaiti dinar 005/1000"),
])
def test_amount_in_words_at_the_edges(money: Money, locale: str, words: str) -> None:
    assert amount_in_words(money, locale) == words
    with localcontext() as ctx:  # was a raw decimal.InvalidOperation inside num2words
        ctx.prec = 2
        assert amount_in_words(money, locale) == words


@pytest.mark.parametrize("locale", _LOCALES)
def test_the_callers_decimal_context_changes_nothing(locale: str) -> None:
    doc = Document("d", "sales_invoice", "b", "EUR", date(2026, 3, 2), [
        line("Machine", 3, "1234567.899", Tax.standard("8.125"), discount="12.5"),
        line("Service", 1, "0.10", Tax.standard(19))], number="INV-1")
    seller, buyer = _parties("Seller")
    html = render_html(doc, locale=locale, seller=seller, buyer=buyer, words=True)
    with localcontext() as ctx:  # totals, rates and words were computed in this context
        ctx.prec = 3
        assert render_html(doc, locale=locale, seller=seller, buyer=buyer, words=True) == html
    assert format_money(document_totals(doc).amount_due, locale) in html
