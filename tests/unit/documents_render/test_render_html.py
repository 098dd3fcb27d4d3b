"""render_html: localized (babel), escaped, with amounts in words, from overridable templates."""

from __future__ import annotations

import string
from datetime import date
from pathlib import Path

import attrs
import pytest

from backoffice_core.documents import (
    Address,
    AllowanceCharge,
    Document,
    DocumentRef,
    DocumentType,
    Party,
    PaymentTerms,
    Tax,
    TaxId,
    document_totals,
    line,
)
from backoffice_core.documents.render import (
    PLACEHOLDERS,
    default_template,
    labels_for,
    render_html,
    template_context,
)
from backoffice_core.errors import ValidationError
from backoffice_core.formatting import format_date, format_decimal, format_money
from backoffice_core.money import Money

SELLER = Party("s", "Nordlicht <GmbH> & Co", tax_ids=[TaxId("VAT", "DE123456789")],
               addresses=[Address(["Hauptstr. 1"], "Berlin", "10115", "DE")])
BUYER = Party("b", "ООО «Ромашка»", tax_ids=[TaxId("INN", "7707083893"),
                                            TaxId("KPP", "770701001")],
              addresses=[Address(["ул. Ленина, 1"], "Москва", "101000", "RU")])


def _invoice(currency: str = "RUB", **fields: object) -> Document:
    fields.setdefault("number", "INV-2026-00017")
    fields.setdefault("note", "Спасибо!")
    return Document("d", "sales_invoice", "b", currency, date(2026, 3, 2), [
        line("Консультация <b>", "1.5", "1000.00", Tax.standard(20), unit="HUR", discount=10),
        line("Book", 3, "12.345", Tax.standard(10), item_id="ISBN-1", note="hardcover"),
    ], [AllowanceCharge.charge("100.00", reason="Доставка", tax=Tax.standard(20))],
        due_date=date(2026, 3, 16), payment_terms=PaymentTerms.net(14), **fields)  # type: ignore[arg-type]


@pytest.mark.parametrize("locale", ["ru_RU", "en_US", "de_DE"])
def test_amounts_dates_and_numbers_are_babels(locale: str) -> None:
    doc = _invoice("EUR")
    t = document_totals(doc)
    html = render_html(doc, locale=locale, seller=SELLER, buyer=BUYER)
    for money in (t.amount_due, t.tax_total, t.tax_exclusive, t.tax_inclusive):
        assert format_money(money, locale) in html
    assert format_date(doc.date, locale, "long") in html
    assert format_date(date(2026, 3, 16), locale, "long") in html
    assert format_decimal("1.5", locale) in html
    assert format_decimal("37.04", locale, digits=2) in html  # 3 x 12.345 = 37.035 -> 37.04
    labels = labels_for(locale)
    assert labels["title_sales_invoice"] in html
    assert labels["amount_due"] in html


def test_captions_per_language() -> None:
    doc = _invoice()
    ru = render_html(doc, locale="ru_RU", seller=SELLER, buyer=BUYER)
    de = render_html(doc, locale="de_DE", seller=SELLER, buyer=BUYER)
    en = render_html(doc, locale="en_US", seller=SELLER, buyer=BUYER)
    assert "<h1>Счёт № INV-2026-00017</h1>" in ru and "Покупатель" in ru and "ИНН: 7707083893" \
        in ru
    assert "<h1>Rechnung Nr. INV-2026-00017</h1>" in de and "USt-IdNr.: DE123456789" in de
    assert "<h1>Invoice No. INV-2026-00017</h1>" in en and "Amount due" in en
    assert 'lang="ru-RU"' in ru and 'lang="de-DE"' in de
    assert "Deutschland" in de and "Германия" in ru and "Germany" in en
    assert "шт." in ru and "Std." in de and ">h<" in en


def test_russian_invoices_print_the_amount_in_words() -> None:
    doc = Document("d", "sales_invoice", "b", "RUB", date(2026, 3, 2),
                   [line("Услуга", 1, "102.88", Tax.standard(20))], number="1")
    ru = render_html(doc, locale="ru_RU", seller=SELLER, buyer=BUYER)
    assert "Сумма прописью" in ru
    assert "Сто двадцать три рубля 46 копеек" in ru
    en = render_html(doc, locale="en_US", seller=SELLER, buyer=BUYER)
    assert "in words" not in en and "ruble" not in en.lower()
    forced = render_html(doc, locale="en_US", seller=SELLER, buyer=BUYER, words=True)
    assert "Amount in words:</span> <span class=\"words\">One hundred and twenty-three " \
        "roubles 46 kopeks</span>" in forced
    off = render_html(doc, locale="ru_RU", seller=SELLER, buyer=BUYER, words=False)
    assert "Сумма прописью" not in off


def test_everything_is_escaped() -> None:
    doc = _invoice(note="<script>alert(1)</script>", buyer_reference='"quoted" & <b>')
    html = render_html(doc, locale="en_US", seller=SELLER, buyer=BUYER)
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "Nordlicht &lt;GmbH&gt; &amp; Co" in html
    assert "Консультация &lt;b&gt;" in html
    assert "&quot;quoted&quot; &amp; &lt;b&gt;" in html
    ctx = template_context(doc, locale="en_US", seller=SELLER, buyer=BUYER)
    assert ctx["seller_name"] == "Nordlicht &lt;GmbH&gt; &amp; Co"


def test_blocks_show_what_the_document_has() -> None:
    doc = _invoice("EUR", prepaid=Money("50.00", "EUR"), external_number="PO-7",
                   buyer_reference="REF-1", delivery_date=date(2026, 2, 27))
    html = render_html(doc, locale="en_US", seller=SELLER, buyer=BUYER)
    assert "Paid in advance" in html and format_money(Money("-50.00", "EUR"), "en_US") in html
    assert "PO-7" in html and "REF-1" in html and "Delivery date" in html
    assert "Document discounts and charges" in html and "Charges" in html
    assert "Item: ISBN-1" in html and "hardcover" in html
    assert "Net 14 days" in html and "Спасибо!" in html
    plain = Document("d", "quote", "b", "EUR", date(2026, 3, 2),
                     [line("A", 1, "1.00", Tax.standard(19))])
    html = render_html(plain, locale="en_US", seller=SELLER, buyer=BUYER)
    assert "<h1>Quote No. draft</h1>" in html
    assert "Paid in advance" not in html and "discounts and charges" not in html
    assert "Exemption reason" not in html


def test_credit_note_foreign_currency_and_exemptions() -> None:
    cn = Document("c", "credit_note", "b", "USD", date(2026, 3, 5),
                  [line("Return", 1, "100.00", Tax.reverse_charge())], number="CN-1",
                  references=[DocumentRef("d", DocumentType.SALES_INVOICE, "INV-1",
                                          date(2026, 2, 1))])
    t = document_totals(cn)
    rows = (attrs.evolve(t.breakdown[0], exemption_reason="Reverse charge"),)
    t = attrs.evolve(t, breakdown=rows, tax_total_accounting=Money("0.00", "EUR"))
    html = render_html(cn, locale="de_DE", seller=SELLER, buyer=BUYER, totals=t)
    assert "Gutschrift Nr. CN-1" in html and "Korrigiert" in html and "INV-1" in html
    assert "1. Februar 2026" in html
    assert "USt. in Buchungswährung" in html
    assert "Befreiungsgrund" in html and "(VATEX-EU-AE)" in html


def test_custom_template_text_path_and_labels(tmp_path: Path) -> None:
    doc = _invoice()
    text = "<p>$label_amount_due: ${amount_due} | $seller_name | $$5</p>"
    out = render_html(doc, locale="ru_RU", seller=SELLER, buyer=BUYER, template=text)
    due = format_money(document_totals(doc).amount_due, "ru_RU")
    assert out == f"<p>Итого к оплате: {due} | Nordlicht &lt;GmbH&gt; &amp; Co | $5</p>"
    path = tmp_path / "mine.html"
    path.write_text("<h1>$title</h1>${lines_html}", encoding="utf-8")
    out = render_html(doc, locale="de_DE", seller=SELLER, buyer=BUYER, template=path,
                      labels={"title_sales_invoice": "Faktura"})
    assert out.startswith("<h1>Faktura</h1><table class=\"lines\">")
    out = render_html(doc, locale="en_US", seller=SELLER, buyer=BUYER,
                      template=string.Template("$number"))
    assert out == "INV-2026-00017"


def test_template_errors(tmp_path: Path) -> None:
    doc = _invoice()

    def refused(template: object) -> ValidationError:
        with pytest.raises(ValidationError) as info:
            render_html(doc, locale="en_US", seller=SELLER, buyer=BUYER,
                        template=template)  # type: ignore[arg-type]
        return info.value

    err = refused("<p>$amount_due $amount_dew</p>")
    assert (err.field, err.value) == ("template", "amount_dew")
    assert refused("<p>costs 5$</p>").field == "template"
    assert refused(tmp_path / "missing.html").field == "template"
    assert refused(42).field == "template"
    err = refused(str(tmp_path / "mine.html"))  # a path given as text is not a template
    assert err.field == "template" and "pathlib.Path" in err.message
    with pytest.raises(ValidationError) as info:
        render_html(doc, locale="xx_YY", seller=SELLER, buyer=BUYER)
    assert info.value.field == "locale"
    with pytest.raises(ValidationError):
        render_html(doc, locale="en_US", seller=SELLER, buyer=BUYER,
                    totals=document_totals(Document("x", "quote", "b", "RUB", date(2026, 1, 1),
                                                    [line("A", 1, "1", Tax.zero())])))


def test_default_template_uses_only_known_placeholders() -> None:
    tmpl = string.Template(default_template())
    assert tmpl.is_valid()
    ctx = template_context(_invoice(), locale="en_US", seller=SELLER, buyer=BUYER)
    assert set(tmpl.get_identifiers()) <= set(ctx)
    assert set(PLACEHOLDERS) <= set(ctx)
    assert {k for k in ctx if k.startswith("label_")} == \
        {f"label_{k}" for k in labels_for("en_US")}
    html = render_html(_invoice(), locale="en_US", seller=SELLER, buyer=BUYER)
    assert html.startswith("<!DOCTYPE html>") and "$" not in html.replace("$1", "")
