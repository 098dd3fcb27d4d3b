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

from backoffice_core.ledger.reports._base import LedgerReader
from backoffice_core.ledger.reports.general_ledger import (
    GeneralLedger,
    GeneralLedgerLine,
    general_ledger,
)
from backoffice_core.ledger.reports.statements import (
    BalanceSheet,
    IncomeStatement,
    StatementRow,
    StatementSection,
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
