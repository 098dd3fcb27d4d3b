"""Shared pieces of the ledger reports: the read API they need, labels, tables, the tree.

Reports are values first: they read the ledger through :class:`LedgerReader`
(the read methods of :class:`~backoffice_core.ledger.service.Ledger`), keep
exact amounts, and only turn them into text or HTML when asked.

Example:
    >>> label("net_income", "de_DE")
    'Ergebnis'
    >>> print(text_table(["Code", "Amount"], [["1110", "5.00"], ["4100", "-5.00"]], "lr"))
    Code  Amount
    ----  ------
    1110    5.00
    4100   -5.00
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import Protocol

from backoffice_core.formatting import format_amount, parse_locale
from backoffice_core.ledger.accounts import Account
from backoffice_core.ledger.balances import Balance
from backoffice_core.ledger.entries import JournalEntry
from backoffice_core.ledger.periods import FiscalYear
from backoffice_core.ledger.repository import BookSettings
from backoffice_core.money import EXACT, minor_digits
from backoffice_core.tables import html_table, pandas_frame, text_table

__all__ = [
    "LABELS",
    "LedgerReader",
    "html_table",
    "label",
    "major",
    "pandas_frame",
    "text_table",
    "tree_order",
]


class LedgerReader(Protocol):
    """The read side of the ledger that reports use (the :class:`Ledger` service has it).

    Any object with these methods will do: a read-only facade, a cached
    snapshot, or a test double that refuses :meth:`entries` to prove that a
    report reads balances only.

    Example:
        >>> import backoffice_core as bc
        >>> bo = bc.Backoffice.open("memory://")
        >>> bo.ledger.setup("X", currency="USD", chart="generic")
        >>> reader: LedgerReader = bo.ledger
        >>> reader.settings().functional_currency
        'USD'
    """

    def settings(self) -> BookSettings:
        """The book's settings."""
        ...

    def accounts(self) -> list[Account]:
        """Every account, ordered by code."""
        ...

    def balances(self, *, as_of: date | None = None, dimension: str = "") -> list[Balance]:
        """Every leaf running total, current or as of a day."""
        ...

    def balance_detail(self, account: str, currency: str | None = None, *,
                       as_of: date | None = None, dimension: tuple[str, str] | None = None,
                       rollup: bool = True) -> Balance:
        """One account's total in one currency, rolled up through its children."""
        ...

    def entries(self, start: date | None = None, end: date | None = None,
                account: str | None = None) -> list[JournalEntry]:
        """Entries ordered by (date, seq), optionally touching ``account``."""
        ...

    def entry(self, entry_id: str) -> JournalEntry:
        """One stored entry."""
        ...

    def fiscal_years(self) -> list[FiscalYear]:
        """Every fiscal year, oldest first."""
        ...


LABELS: dict[str, dict[str, str]] = {
    "en": {
        "trial_balance": "Trial balance", "general_ledger": "General ledger",
        "income_statement": "Income statement", "balance_sheet": "Balance sheet",
        "code": "Code", "account": "Account", "currency": "Currency", "debit": "Debit",
        "credit": "Credit", "total": "Total", "date": "Date", "entry": "Entry",
        "description": "Description", "reference": "Reference", "balance": "Balance",
        "opening_balance": "Opening balance", "closing_balance": "Closing balance",
        "income": "Income", "expenses": "Expenses", "total_income": "Total income",
        "total_expenses": "Total expenses", "net_income": "Net income", "assets": "Assets",
        "liabilities": "Liabilities", "equity": "Equity", "total_assets": "Total assets",
        "total_liabilities": "Total liabilities", "total_equity": "Total equity",
        "current_year_earnings": "Earnings not yet closed",
        "total_liabilities_and_equity": "Total liabilities and equity", "as_of": "as of",
        "current": "all postings", "amounts_in": "Amounts in", "balanced": "balanced",
        "not_balanced": "NOT BALANCED",
    },
    "ru": {
        "trial_balance": "Сальдовая ведомость", "general_ledger": "Карточка счёта",
        "income_statement": "Отчёт о финансовых результатах",
        "balance_sheet": "Бухгалтерский баланс", "code": "Счёт", "account": "Наименование",
        "currency": "Валюта", "debit": "Дебет", "credit": "Кредит", "total": "Итого",
        "date": "Дата", "entry": "Запись", "description": "Содержание",
        "reference": "Документ", "balance": "Сальдо", "opening_balance": "Сальдо на начало",
        "closing_balance": "Сальдо на конец", "income": "Доходы", "expenses": "Расходы",
        "total_income": "Итого доходы", "total_expenses": "Итого расходы",
        "net_income": "Чистая прибыль (убыток)", "assets": "Активы",
        "liabilities": "Обязательства", "equity": "Капитал", "total_assets": "Итого активы",
        "total_liabilities": "Итого обязательства", "total_equity": "Итого капитал",
        "current_year_earnings": "Прибыль (убыток) незакрытых периодов",
        "total_liabilities_and_equity": "Итого капитал и обязательства", "as_of": "на",
        "current": "все проводки", "amounts_in": "Суммы в", "balanced": "сходится",
        "not_balanced": "НЕ СХОДИТСЯ",
    },
    "de": {
        "trial_balance": "Saldenliste", "general_ledger": "Kontoblatt",
        "income_statement": "Gewinn- und Verlustrechnung", "balance_sheet": "Bilanz",
        "code": "Konto", "account": "Bezeichnung", "currency": "Währung", "debit": "Soll",
        "credit": "Haben", "total": "Summe", "date": "Datum", "entry": "Buchung",
        "description": "Buchungstext", "reference": "Beleg", "balance": "Saldo",
        "opening_balance": "Anfangssaldo", "closing_balance": "Endsaldo",
        "income": "Erträge", "expenses": "Aufwendungen", "total_income": "Summe Erträge",
        "total_expenses": "Summe Aufwendungen", "net_income": "Ergebnis", "assets": "Aktiva",
        "liabilities": "Verbindlichkeiten", "equity": "Eigenkapital",
        "total_assets": "Summe Aktiva", "total_liabilities": "Summe Verbindlichkeiten",
        "total_equity": "Summe Eigenkapital",
        "current_year_earnings": "Ergebnis nicht abgeschlossener Geschäftsjahre",
        "total_liabilities_and_equity": "Summe Passiva", "as_of": "zum",
        "current": "alle Buchungen", "amounts_in": "Beträge in", "balanced": "ausgeglichen",
        "not_balanced": "NICHT AUSGEGLICHEN",
    },
}


def label(key: str, locale: str) -> str:
    """A report label in the locale's language (English when the language has none).

    Example:
        >>> label("balance_sheet", "ru_RU"), label("balance_sheet", "fr_FR")
        ('Бухгалтерский баланс', 'Balance sheet')
    """
    table = LABELS.get(parse_locale(locale).language, LABELS["en"])
    return table.get(key, LABELS["en"][key])


def major(minor: int, currency: str) -> Decimal:
    """Integer minor units as an exact ``Decimal`` in major units.

    Example:
        >>> major(123450, "USD"), major(-5, "KWD"), major(7, "JPY")
        (Decimal('1234.50'), Decimal('-0.005'), Decimal('7'))
    """
    return Decimal(minor).scaleb(-minor_digits(currency), EXACT)  # not the caller's context


def amount_text(value: Decimal, currency: str, locale: str, *, blank_zero: bool = False) -> str:
    """A table cell: the bare amount for ``locale`` (empty for zero when ``blank_zero``).

    Example:
        >>> amount_text(Decimal("1234.5"), "USD", "en_US"), amount_text(Decimal(0), "USD",
        ...     "en_US", blank_zero=True)
        ('1,234.50', '')
    """
    if blank_zero and value == 0:
        return ""
    return format_amount(value, currency, locale, symbol=False)


def tree_order(accounts: Iterable[Account]) -> list[tuple[Account, int]]:
    """Accounts depth-first (children by code under their parent), each with its level.

    A parent missing from ``accounts`` makes its child a root.

    Example:
        >>> accs = [Account("1000", "Assets", "asset"), Account("1110", "Cash", "asset", "1100"),
        ...         Account("1100", "Current", "asset", "1000")]
        >>> [(a.code, level) for a, level in tree_order(accs)]
        [('1000', 0), ('1100', 1), ('1110', 2)]
    """
    by_code = {a.code: a for a in accounts}
    children: dict[str | None, list[Account]] = {}
    for a in by_code.values():
        parent = a.parent if a.parent in by_code else None
        children.setdefault(parent, []).append(a)
    out: list[tuple[Account, int]] = []
    stack = [(a, 0) for a in sorted(children.get(None, []), key=lambda a: a.code, reverse=True)]
    while stack:
        acc, level = stack.pop()
        out.append((acc, level))
        kids = sorted(children.get(acc.code, []), key=lambda a: a.code, reverse=True)
        stack.extend((k, level + 1) for k in kids)
    return out
