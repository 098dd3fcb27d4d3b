"""PDF through WeasyPrint: the optional extra ``pdf``.

WeasyPrint lays out the HTML of :func:`~.html.render_html` (CSS paged media: A4,
margins, fonts) and writes a PDF. It is pure Python on top of the system's pango
library (Debian: ``libpango-1.0-0 libpangoft2-1.0-0``, and a font with the scripts
you print, e.g. ``fonts-dejavu-core`` for Latin and Cyrillic).

By default no external resource is fetched while rendering: only ``data:`` URLs
are allowed, so a template (or a value printed in it) cannot make the renderer read
local files or call the network. Pass ``url_fetcher=`` to allow more.

Example:
    >>> isinstance(pdf_available(), bool)
    True
"""

from __future__ import annotations

import importlib
import os
import string
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from backoffice_core.documents.model import Document
from backoffice_core.documents.parties import Party
from backoffice_core.documents.render.html import render_html
from backoffice_core.documents.totals import Totals

__all__ = ["INSTALL_HINT", "pdf_available", "render_pdf"]

#: What to install for PDF output.
INSTALL_HINT = ("PDF output needs the optional extra 'pdf': pip install 'backoffice-core[pdf]' "
                "(WeasyPrint >= 68; on Debian also apt-get install libpango-1.0-0 "
                "libpangoft2-1.0-0 fonts-dejavu-core)")


def _weasyprint() -> Any:
    try:
        return importlib.import_module("weasyprint")
    except (ImportError, OSError) as err:  # OSError: the pango library is missing
        raise ImportError(f"{INSTALL_HINT}: {err}") from err


@lru_cache(maxsize=1)
def pdf_available() -> bool:
    """Whether WeasyPrint (the ``pdf`` extra) and its system libraries can be loaded.

    Example:
        >>> pdf_available() in (True, False)
        True
    """
    try:
        _weasyprint()
    except ImportError:
        return False
    return True


def render_pdf(document: Document, *, locale: str, seller: Party, buyer: Party,
               totals: Totals | None = None,
               template: str | os.PathLike[str] | string.Template | None = None,
               labels: Mapping[str, str] | None = None, words: bool | None = None,
               url_fetcher: Any = None) -> bytes:
    """Render ``document`` as PDF (the arguments are those of :func:`~.html.render_html`).

    Args:
        url_fetcher: a WeasyPrint URL fetcher for images or stylesheets the template
            links to; by default only ``data:`` URLs are fetched.

    Raises:
        ImportError: the ``pdf`` extra (WeasyPrint) or its system libraries are missing.
        ValidationError: as :func:`~.html.render_html`.

    Example:
        >>> from datetime import date
        >>> from backoffice_core.documents import Document, Party, Tax, line
        >>> doc = Document("d", "sales_invoice", "c", "EUR", date(2026, 1, 5),
        ...                [line("Widget", 1, "10.00", Tax.standard(19))], number="R-1")
        >>> pdf = render_pdf(doc, locale="de_DE", seller=Party("s", "S GmbH"),
        ...                  buyer=Party("c", "C AG")) if pdf_available() else b"%PDF-"
        >>> pdf[:5]
        b'%PDF-'
    """
    html = render_html(document, locale=locale, seller=seller, buyer=buyer, totals=totals,
                       template=template, labels=labels, words=words)
    weasyprint = _weasyprint()
    fetcher = url_fetcher
    if fetcher is None:
        fetcher = weasyprint.urls.URLFetcher(allowed_protocols=("data",), fail_on_errors=False)
    data: bytes = weasyprint.HTML(string=html, url_fetcher=fetcher).write_pdf()
    return data
