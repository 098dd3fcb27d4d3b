"""Payment terms as printed: the early-payment discount is named, in the document's language."""

from __future__ import annotations

from datetime import date

import pytest

from backoffice_core.documents import (
    AllowanceCharge,
    Document,
    DocumentLine,
    Party,
    Tax,
    line,
)
from backoffice_core.documents.render import render_html
from backoffice_core.documents.render.terms_text import terms_text
from backoffice_core.documents.terms import EarlyPaymentDiscount, Instalment, PaymentTerms

NET30_2_10 = PaymentTerms.net(30, discount=EarlyPaymentDiscount(2, 10))


@pytest.mark.parametrize(("terms", "locale", "text"), [
    (NET30_2_10, "en_US", "Net 30 days, 2% discount if paid within 10 days"),
    (NET30_2_10, "de_DE", "Zahlbar innerhalb von 30 Tagen netto, bei Zahlung innerhalb von "
                          "10 Tagen 2\xa0% Skonto"),
    (NET30_2_10, "ru_RU", "Оплата в течение 30 дней, скидка 2\xa0% при оплате в течение "
                          "10 дней"),
    (PaymentTerms.net(14), "fr_FR", "Net 14 days"),
    (PaymentTerms.net(0), "de_DE", "Sofort zahlbar ohne Abzug"),
    (PaymentTerms.net(1), "de_DE", "Zahlbar innerhalb von 1 Tag netto"),
    (PaymentTerms.net(21), "ru_RU", "Оплата в течение 21 дня"),
    (PaymentTerms.net(0), "ru_RU", "Оплата сразу"),
    (PaymentTerms.end_of_month(), "de_DE", "Zahlbar zum Monatsende"),
    (PaymentTerms.end_of_month(30), "ru_RU", "Оплата в течение 30 дней после окончания месяца"),
    (PaymentTerms.end_of_month(30), "en_US", "End of month + 30 days"),
    (PaymentTerms.split((30, 0), ("70", 45), discount=EarlyPaymentDiscount("1.5", 7)), "de_DE",
     "30\xa0% sofort, 70\xa0% innerhalb von 45 Tagen, bei Zahlung innerhalb von 7 Tagen "
     "1,5\xa0% Skonto"),
    (PaymentTerms(description="Cash on delivery"), "ru_RU", "Cash on delivery"),
    (None, "de_DE", ""),
])
def test_terms_are_worded_for_the_locale(terms: PaymentTerms | None, locale: str,
                                         text: str) -> None:
    assert terms_text(terms, locale) == text


def test_a_description_written_before_the_discount_was_named_is_completed() -> None:
    # a book stored "Net 30 days" for net 30 with 2% in 10 days: still generated text
    old = PaymentTerms((Instalment(100, 30),), EarlyPaymentDiscount(2, 10), "Net 30 days")
    assert old.generated
    assert terms_text(old, "en_US") == "Net 30 days, 2% discount if paid within 10 days"
    assert "2\xa0% Skonto" in terms_text(old, "de_DE")
    # a host's own text that only looks alike is not: other days
    assert not PaymentTerms((Instalment(100, 30),), None, "Net 14 days").generated


def test_the_printed_invoice_states_the_cash_discount_in_its_language() -> None:
    doc = Document("d", "sales_invoice", "b", "EUR", date(2026, 3, 2),
                   [line("Beratung", 1, "100.00", Tax.standard(19))], number="R-1",
                   payment_terms=NET30_2_10, due_date=date(2026, 4, 1))
    html = render_html(doc, locale="de_DE", seller=Party("s", "Nordlicht GmbH"),
                       buyer=Party("b", "Kunde AG"))
    assert "2\xa0% Skonto" in html and "Net 30 days" not in html


@pytest.mark.parametrize(("locale", "word"), [("de_DE", "Nachlass"), ("ru_RU", "Скидка"),
                                               ("en_US", "Discount")])
def test_a_line_discount_is_named_in_the_documents_language(locale: str, word: str) -> None:
    doc = Document("d", "sales_invoice", "b", "EUR", date(2026, 3, 2),
                   [line("Buch", 2, "20.00", Tax.reduced(7), discount=10),
                    DocumentLine("2", "Heft", 1, "5.00", Tax.reduced(7), allowances_charges=(
                        AllowanceCharge.allowance(percent=5, reason="Treue"),))])
    html = render_html(doc, locale=locale, seller=Party("s", "S"), buyer=Party("b", "B"))
    assert f"10\xa0% {word}" in html or f"10% {word}" in html
    assert "Treue" in html  # a reason the host wrote stays as written
    if locale != "en_US":
        assert "Discount" not in html
