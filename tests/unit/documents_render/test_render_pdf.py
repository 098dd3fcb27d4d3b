"""render_pdf through the optional WeasyPrint extra; skipped with a reason without it."""

from __future__ import annotations

import base64
import struct
import zlib
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from backoffice_core.documents import Document, Party, Tax, line
from backoffice_core.documents.render import pdf_available, render_pdf
from backoffice_core.documents.render.pdf import INSTALL_HINT

needs_pdf = pytest.mark.skipif(
    not pdf_available(),
    reason="the optional extra 'pdf' is not installed: pip install 'backoffice-core[pdf]' "
           "(WeasyPrint, with pango from the system)")

DOC = Document("d", "sales_invoice", "c", "RUB", date(2026, 3, 2),
               [line("Консультация", 2, "1500.00", Tax.standard(20))], number="СЧ-1")
SELLER, BUYER = Party("s", "ООО «Ромашка»"), Party("c", "АО «Вектор»")


def _png() -> bytes:
    raw = b"".join(b"\x00" + b"\xff\x00\x00" * 4 for _ in range(4))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 4, 4, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


@needs_pdf
def test_a_pdf_comes_out() -> None:
    pdf = render_pdf(DOC, locale="ru_RU", seller=SELLER, buyer=BUYER)
    assert pdf.startswith(b"%PDF-") and pdf.rstrip().endswith(b"%%EOF")
    assert len(pdf) > 5000  # fonts embedded: text was laid out


@needs_pdf
def test_no_file_is_read_unless_allowed(tmp_path: Path) -> None:
    image = tmp_path / "logo.png"
    image.write_bytes(_png())
    template = f'<img src="{image.as_uri()}"><p>$number</p>'
    pdf = render_pdf(DOC, locale="ru_RU", seller=SELLER, buyer=BUYER, template=template)
    assert b"/Image" not in pdf
    inline = f'<img src="data:image/png;base64,{base64.b64encode(_png()).decode()}">$number'
    pdf = render_pdf(DOC, locale="ru_RU", seller=SELLER, buyer=BUYER, template=inline)
    assert b"/Image" in pdf
    import weasyprint  # the extra is installed here

    seen: list[str] = []

    class Recording(weasyprint.urls.URLFetcher):  # type: ignore[misc]
        def fetch(self, url: str, headers: Any = None) -> Any:
            seen.append(url)
            return super().fetch(url, headers)

    pdf = render_pdf(DOC, locale="ru_RU", seller=SELLER, buyer=BUYER, template=template,
                     url_fetcher=Recording())
    assert seen == [image.as_uri()] and b"/Image" in pdf


def test_without_the_extra_the_error_says_what_to_install(
        monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib

    real = importlib.import_module

    def no_weasyprint(name: str, package: str | None = None) -> Any:
        if name == "weasyprint":
            raise ModuleNotFoundError("No module named 'weasyprint'")
        return real(name, package)

    monkeypatch.setattr(importlib, "import_module", no_weasyprint)
    with pytest.raises(ImportError) as info:
        render_pdf(DOC, locale="ru_RU", seller=SELLER, buyer=BUYER)
    assert str(info.value).startswith(INSTALL_HINT)
    assert "backoffice-core[pdf]" in INSTALL_HINT and "libpango-1.0-0" in INSTALL_HINT
