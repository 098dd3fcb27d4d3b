"""Ledger reports: trial balance, general ledger, income statement and balance sheet.

Every report is an immutable value with exact ``Decimal`` amounts, built by a
function that takes the ledger service (``bo.ledger``); it renders as a text
table for a locale (``render("ru_RU")``), as HTML in a notebook, as plain dicts
(``to_rows()``) or as a pandas DataFrame (``to_pandas()``, optional extra).

Example:
    >>> from datetime import date
    >>> import backoffice_core as bc
    >>> from backoffice_core.ledger.reports import trial_balance
    >>> bo = bc.Backoffice.open("memory://")
    >>> bo.ledger.setup("Demo", currency="USD", chart="generic")
    >>> _ = bo.ledger.post(bc.NewEntry(date(2026, 1, 5), "Owner invests",
    ...     [bc.debit("1120", "5000.00"), bc.credit("3100", "5000.00")]))
    >>> trial_balance(bo.ledger).is_balanced
    True
"""

from collections.abc import Sequence
from datetime import date

from backoffice_core.ledger.reports._base import LedgerReader
from backoffice_core.ledger.reports.general_ledger import (
    GeneralLedger,
    GeneralLedgerLine,
    general_ledger,
)
from backoffice_core.ledger.reports.layout import StatementRow, StatementSection
from backoffice_core.ledger.reports.statements import (
    BalanceSheet,
    IncomeStatement,
    balance_sheet,
    income_statement,
)
from backoffice_core.ledger.reports.trial_balance import (
    TrialBalance,
    TrialBalanceRow,
    TrialBalanceTotal,
    trial_balance,
)

__all__ = [
    "BalanceSheet",
    "LedgerReports",
    "GeneralLedger",
    "GeneralLedgerLine",
    "IncomeStatement",
    "LedgerReader",
    "StatementRow",
    "StatementSection",
    "TrialBalance",
    "TrialBalanceRow",
    "TrialBalanceTotal",
    "balance_sheet",
    "general_ledger",
    "income_statement",
    "trial_balance",
]


class LedgerReports:
    """The reports of one ledger, as methods: ``bo.ledger.reports.trial_balance()``.

    Example:
        >>> from datetime import date
        >>> import backoffice_core as bc
        >>> bo = bc.Backoffice.open("memory://")
        >>> bo.ledger.setup("Demo", currency="USD", chart="generic")
        >>> bo.ledger.reports.balance_sheet(date(2026, 1, 31)).is_balanced
        True
    """

    __slots__ = ("_ledger",)

    def __init__(self, ledger: LedgerReader) -> None:
        self._ledger = ledger

    def trial_balance(self, as_of: date | None = None,
                      currency: str | None = None) -> TrialBalance:
        """See :func:`trial_balance`."""
        return trial_balance(self._ledger, as_of, currency)

    def general_ledger(self, account: str, start: date, end: date, *,
                       currency: str | None = None) -> GeneralLedger:
        """See :func:`general_ledger`."""
        return general_ledger(self._ledger, account, start, end, currency=currency)

    def income_statement(self, start: date, end: date,
                         compare: Sequence[tuple[date, date]] = ()) -> IncomeStatement:
        """See :func:`income_statement`."""
        return income_statement(self._ledger, start, end, compare)

    def balance_sheet(self, as_of: date, compare: Sequence[date] = ()) -> BalanceSheet:
        """See :func:`balance_sheet`."""
        return balance_sheet(self._ledger, as_of, compare)
