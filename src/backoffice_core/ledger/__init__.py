"""Double-entry ledger: accounts, entries, periods, balances, reports and FX.

Example:
    >>> from backoffice_core.ledger import AccountType
    >>> AccountType("asset").normal_sign
    1
"""

from backoffice_core.ledger._service_base import PostResult
from backoffice_core.ledger.accounts import Account, AccountLimit, AccountType
from backoffice_core.ledger.balances import Balance, BalanceKey
from backoffice_core.ledger.charts import ChartTemplate, available_charts, load_chart
from backoffice_core.ledger.entries import (
    EntryKind,
    EntryStatus,
    JournalEntry,
    Line,
    NewEntry,
    Posting,
    credit,
    debit,
)
from backoffice_core.ledger.periods import FiscalYear, Period, PeriodState
from backoffice_core.ledger.reports import (
    BalanceSheet,
    GeneralLedger,
    IncomeStatement,
    LedgerReports,
    TrialBalance,
    balance_sheet,
    general_ledger,
    income_statement,
    trial_balance,
)
from backoffice_core.ledger.repository import BookSettings, LedgerRepository
from backoffice_core.ledger.service import Ledger
from backoffice_core.ledger.verify import VerificationReport

__all__ = [
    "Account",
    "AccountLimit",
    "AccountType",
    "Balance",
    "BalanceKey",
    "BalanceSheet",
    "BookSettings",
    "ChartTemplate",
    "EntryKind",
    "EntryStatus",
    "FiscalYear",
    "GeneralLedger",
    "IncomeStatement",
    "JournalEntry",
    "Ledger",
    "LedgerReports",
    "LedgerRepository",
    "Line",
    "NewEntry",
    "Period",
    "PeriodState",
    "PostResult",
    "Posting",
    "TrialBalance",
    "VerificationReport",
    "available_charts",
    "balance_sheet",
    "credit",
    "debit",
    "general_ledger",
    "income_statement",
    "load_chart",
    "trial_balance",
]
