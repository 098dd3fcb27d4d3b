"""The documents' reports: their text-table layout and their labels (internal)."""

from __future__ import annotations

from backoffice_core.formatting import parse_locale
from backoffice_core.tables import text_table

__all__ = ["table", "words"]

_WORDS = {
    "en": {"receivables": "Receivables aging as of {d}", "payables": "Payables aging as of {d}",
           "party": "Party", "currency": "Currency", "current": "Current", "total": "Total",
           "Total": "Total", "statement": "Statement", "opening": "Opening balance",
           "closing": "Closing balance", "debit": "debit", "credit": "credit",
           "balance": "balance", "date": "date", "document": "document",
           "closing_by_age": "Closing balance by age"},
    "de": {"receivables": "Forderungen nach Fälligkeit am {d}",
           "payables": "Verbindlichkeiten nach Fälligkeit am {d}", "party": "Partner",
           "currency": "Währung", "current": "Nicht fällig", "total": "Gesamt",
           "Total": "Summe", "statement": "Kontoauszug", "opening": "Anfangssaldo",
           "closing": "Endsaldo", "debit": "Soll", "credit": "Haben", "balance": "Saldo",
           "date": "Datum", "document": "Beleg", "closing_by_age": "Endsaldo nach Fälligkeit"},
    "ru": {"receivables": "Дебиторская задолженность по срокам на {d}",
           "payables": "Кредиторская задолженность по срокам на {d}", "party": "Контрагент",
           "currency": "Валюта", "current": "В срок", "total": "Итого", "Total": "Итого",
           "statement": "Акт сверки", "opening": "Сальдо начальное",
           "closing": "Сальдо конечное", "debit": "дебет", "credit": "кредит",
           "balance": "сальдо", "date": "дата", "document": "документ",
           "closing_by_age": "Сальдо конечное по срокам"},
}


def words(locale: str) -> dict[str, str]:
    """The report labels for ``locale`` (English when its language has none); an unknown
    locale is a ``ValidationError`` naming it, as for every report."""
    return _WORDS.get(parse_locale(locale).language, _WORDS["en"])


def table(headers: list[str], rows: list[list[str]]) -> str:
    """A text table: the first column left-aligned, the others right-aligned."""
    return text_table(headers, rows, "l" + "r" * (len(headers) - 1))
