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
        """Every leaf account's balance as of ``as_of`` (today's when ``None``), in debit
        or credit: see :func:`trial_balance`.

        Example:
            >>> from datetime import date
            >>> import backoffice_core as bc
            >>> bo = bc.Backoffice.open("memory://")
            >>> bo.ledger.setup("Demo", currency="USD", chart="generic")
            >>> _ = bo.ledger.post(bc.NewEntry(date(2026, 1, 5), "Sale",
            ...     [bc.debit("1110", "80.00"), bc.credit("4100", "80.00")]))
            >>> [(r.code, r.debit, r.credit) for r in bo.ledger.reports.trial_balance().rows]
            [('1110', Decimal('80.00'), Decimal('0.00')),
             ('4100', Decimal('0.00'), Decimal('80.00'))]
        """
        return trial_balance(self._ledger, as_of, currency)

    def general_ledger(self, account: str, start: date, end: date, *,
                       currency: str | None = None) -> GeneralLedger:
        """The postings to ``account`` from ``start`` to ``end`` with a running balance:
        see :func:`general_ledger`.

        Example:
            >>> from datetime import date
            >>> import backoffice_core as bc
            >>> bo = bc.Backoffice.open("memory://")
            >>> bo.ledger.setup("Demo", currency="USD", chart="generic")
            >>> for day, amount in ((5, "80.00"), (9, "20.00")):
            ...     _ = bo.ledger.post(bc.NewEntry(date(2026, 1, day), "Sale",
            ...         [bc.debit("1110", amount), bc.credit("4100", amount)]))
            >>> gl = bo.ledger.reports.general_ledger("1110", date(2026, 1, 1), date(2026, 1, 31))
            >>> [(str(x.date), x.debit, x.balance) for x in gl.lines]
            [('2026-01-05', Decimal('80.00'), Decimal('80.00')),
             ('2026-01-09', Decimal('20.00'), Decimal('100.00'))]
        """
        return general_ledger(self._ledger, account, start, end, currency=currency)

    def income_statement(self, start: date, end: date,
                         compare: Sequence[tuple[date, date]] = ()) -> IncomeStatement:
        """Income and expenses from ``start`` to ``end`` (and each ``compare`` period),
        and the net income: see :func:`income_statement`.

        Example:
            >>> from datetime import date
            >>> import backoffice_core as bc
            >>> bo = bc.Backoffice.open("memory://")
            >>> bo.ledger.setup("Demo", currency="USD", chart="generic")
            >>> _ = bo.ledger.post(bc.NewEntry(date(2026, 1, 5), "Sale",
            ...     [bc.debit("1110", "80.00"), bc.credit("4100", "80.00")]))
            >>> _ = bo.ledger.post(bc.NewEntry(date(2026, 1, 9), "Rent",
            ...     [bc.debit("6200", "30.00"), bc.credit("1110", "30.00")]))
            >>> bo.ledger.reports.income_statement(date(2026, 1, 1), date(2026, 1, 31)).net_income
            (Decimal('50.00'),)
        """
        return income_statement(self._ledger, start, end, compare)

    def balance_sheet(self, as_of: date, compare: Sequence[date] = ()) -> BalanceSheet:
        """Assets, liabilities and equity as of ``as_of`` (and each ``compare`` date):
        see :func:`balance_sheet`.

        Example:
            >>> from datetime import date
            >>> import backoffice_core as bc
            >>> bo = bc.Backoffice.open("memory://")
            >>> bo.ledger.setup("Demo", currency="USD", chart="generic")
            >>> _ = bo.ledger.post(bc.NewEntry(date(2026, 1, 5), "Owner invests",
            ...     [bc.debit("1120", "500.00"), bc.credit("3100", "500.00")]))
            >>> bs = bo.ledger.reports.balance_sheet(date(2026, 1, 31))
            >>> bs.assets.totals, bs.total_liabilities_and_equity, bs.is_balanced
            ((Decimal('500.00'),), (Decimal('500.00'),), True)
        """
        return balance_sheet(self._ledger, as_of, compare)
