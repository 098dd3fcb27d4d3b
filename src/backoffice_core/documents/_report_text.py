"""Plain-text and HTML tables and the labels of the documents' reports (internal)."""

from __future__ import annotations

import html

__all__ = ["html_table", "table", "words"]

_WORDS = {
    "en": {"receivables": "Receivables aging as of {d}", "payables": "Payables aging as of {d}",
           "party": "party", "currency": "currency", "current": "current", "total": "total",
           "Total": "Total", "statement": "Statement", "opening": "Opening balance",
           "closing": "Closing balance", "debit": "debit", "credit": "credit",
           "balance": "balance"},
    "de": {"receivables": "Forderungen nach Fälligkeit am {d}",
           "payables": "Verbindlichkeiten nach Fälligkeit am {d}", "party": "Partner",
           "currency": "Währung", "current": "nicht fällig", "total": "gesamt",
           "Total": "Summe", "statement": "Kontoauszug", "opening": "Anfangssaldo",
           "closing": "Endsaldo", "debit": "Soll", "credit": "Haben", "balance": "Saldo"},
    "ru": {"receivables": "Дебиторская задолженность по срокам на {d}",
           "payables": "Кредиторская задолженность по срокам на {d}", "party": "контрагент",
           "currency": "валюта", "current": "в срок", "total": "итого", "Total": "Итого",
           "statement": "Акт сверки", "opening": "Сальдо начальное",
           "closing": "Сальдо конечное", "debit": "дебет", "credit": "кредит",
           "balance": "сальдо"},
}


def words(locale: str) -> dict[str, str]:
    """The report labels for ``locale`` (English when its language has none)."""
    return _WORDS.get(locale[:2], _WORDS["en"])


def table(headers: list[str], rows: list[list[str]]) -> str:
    """A text table: the first column left-aligned, the others right-aligned."""
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h)
              for i, h in enumerate(headers)]
    def fmt(cells: list[str]) -> str:
        return "  ".join(c.ljust(w) if i == 0 else c.rjust(w)
                         for i, (c, w) in enumerate(zip(cells, widths, strict=True))).rstrip()
    return "\n".join([fmt(headers), fmt(["-" * w for w in widths])] + [fmt(r) for r in rows])


def html_table(headers: list[str], rows: list[list[str]], caption: str) -> str:
    """An HTML table with every cell escaped."""
    head = "".join(f"<th>{html.escape(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in r) + "</tr>"
                   for r in rows)
    return (f"<table><caption>{html.escape(caption)}</caption><thead><tr>{head}</tr></thead>"
            f"<tbody>{body}</tbody></table>")
