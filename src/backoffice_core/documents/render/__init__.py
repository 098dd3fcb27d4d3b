"""Printable documents: localized HTML from an overridable template, and PDF (optional).

* :func:`render_html`: any document to HTML for a locale (babel: numbers, money,
  dates; captions in English, Russian, German), with the amount due in words where
  local practice asks for it (:func:`amount_in_words`, through num2words);
* :func:`render_pdf`: the same HTML as PDF through WeasyPrint, the optional extra
  ``pdf`` (``pip install backoffice-core[pdf]``); :func:`pdf_available` says whether
  it is installed.

Example:
    >>> from datetime import date
    >>> from backoffice_core.documents import Document, Party, Tax, line
    >>> doc = Document("d", "sales_invoice", "c", "RUB", date(2026, 4, 1),
    ...                [line("Доставка", 1, "1500.00", Tax.standard(20))], number="42")
    >>> html = render_html(doc, locale="ru_RU", seller=Party("s", "ООО «Ромашка»"),
    ...                    buyer=Party("c", "ИП Иванов"))
    >>> "Одна тысяча восемьсот рублей 00 копеек" in html
    True
"""

from backoffice_core.documents.render.html import (
    PLACEHOLDERS,
    default_template,
    render_html,
    template_context,
)
from backoffice_core.documents.render.labels import LABELS, labels_for
from backoffice_core.documents.render.pdf import pdf_available, render_pdf
from backoffice_core.documents.render.words import amount_in_words, words_required

__all__ = [
    "LABELS",
    "PLACEHOLDERS",
    "amount_in_words",
    "default_template",
    "labels_for",
    "pdf_available",
    "render_html",
    "render_pdf",
    "template_context",
    "words_required",
]
