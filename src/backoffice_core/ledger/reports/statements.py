"""Financial statements: the income statement and the balance sheet, with comparatives.

Both are read from as-of balances in the functional currency (O(accounts) per
column, never a scan of entries) and laid out along the chart: each section
lists its accounts under their parents, and a parent (header) shows the sum of
its descendants *in that section* (a chart may mix types under one parent, as
the Russian ``90 Продажи`` holds income ``90.01`` and expense ``90.02``).
Amounts carry the section's natural sign: income, expenses, assets,
liabilities and equity are positive in their usual direction, so a contra
account (accumulated depreciation, sales returns) shows negative and reduces
its section.

* Income statement, per period ``[start, end]``: the balance as of ``end``
  minus the balance as of ``start - 1``, with the year-end closing entries
  dated in the period added back, so a closed year still shows its activity.
* Balance sheet, per date: assets, liabilities and equity; income and expense
  not yet closed to retained earnings (of the current year and of any earlier year
  never closed) appear as one equity line, "Earnings not yet closed", so assets
  equal liabilities plus equity exactly.

Example:
    >>> from datetime import date
    >>> import backoffice_core as bc
    >>> bo = bc.Backoffice.open("memory://")
    >>> bo.ledger.setup("Demo", currency="USD", chart="generic")
    >>> _ = bo.ledger.post(bc.NewEntry(date(2026, 1, 5), "Sale",
    ...     [bc.debit("1110", "300.00"), bc.credit("4100", "300.00")]))
    >>> _ = bo.ledger.post(bc.NewEntry(date(2026, 1, 6), "Rent",
    ...     [bc.debit("6200", "100.00"), bc.credit("1110", "100.00")]))
    >>> income_statement(bo.ledger, date(2026, 1, 1), date(2026, 1, 31)).net_income
    (Decimal('200.00'),)
    >>> bs = balance_sheet(bo.ledger, date(2026, 1, 31))
    >>> bs.assets.totals, bs.current_year_earnings, bs.is_balanced
    ((Decimal('200.00'),), (Decimal('200.00'),), True)
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import attrs

from backoffice_core.dates import check_date
from backoffice_core.errors import ValidationError
from backoffice_core.formatting import format_date, format_date_range
from backoffice_core.ledger.accounts import AccountType
from backoffice_core.ledger.reports._base import (
    LedgerReader,
    label,
    major,
    pandas_frame,
    text_table,
)
from backoffice_core.ledger.reports.layout import (
    StatementRow,
    StatementSection,
    _cells,
    _html,
    _render_sections,
    _rows,
    _section,
)
from backoffice_core.money import EXACT, exactly

__all__ = [
    "BalanceSheet",
    "IncomeStatement",
    "balance_sheet",
    "income_statement",
]


@attrs.frozen(slots=True)
class IncomeStatement:
    """Income and expenses per period, in the functional currency.

    Attributes:
        company: the book's name.
        currency: the functional currency.
        periods: ``(start, end)`` per column; the first is the main period.
        income, expenses: the sections.
        net_income: income minus expenses, per column.

    Example:
        >>> from datetime import date
        >>> import backoffice_core as bc
        >>> bo = bc.Backoffice.open("memory://")
        >>> bo.ledger.setup("X", currency="EUR", chart="generic")
        >>> income_statement(bo.ledger, date(2026, 1, 1), date(2026, 1, 31)).net_income
        (Decimal('0.00'),)
    """

    company: str
    currency: str
    periods: tuple[tuple[date, date], ...]
    income: StatementSection
    expenses: StatementSection
    net_income: tuple[Decimal, ...]

    @property
    def sections(self) -> tuple[StatementSection, ...]:
        """The income and expense sections, in order."""
        return (self.income, self.expenses)

    def column_keys(self) -> list[str]:
        """Column names used by :meth:`to_rows`: ``"2026-01-01..2026-01-31"``. A
        comparative that repeats a period (a report generated for the first period of a
        range) holds the same figures, and its rows' key is the one the first holds.

        Example:
            >>> from datetime import date
            >>> import backoffice_core as bc
            >>> bo = bc.Backoffice.open("memory://")
            >>> bo.ledger.setup("X", currency="USD", chart="generic")
            >>> income_statement(bo.ledger, date(2026, 2, 1), date(2026, 2, 28),
            ...     compare=[(date(2026, 1, 1), date(2026, 1, 31))]).column_keys()
            ['2026-02-01..2026-02-28', '2026-01-01..2026-01-31']
        """
        return [f"{s.isoformat()}..{e.isoformat()}" for s, e in self.periods]

    def to_rows(self) -> list[dict[str, Any]]:
        """Plain dicts: each account, header and total line, one exact amount per column.

        Example:
            >>> from datetime import date
            >>> import backoffice_core as bc
            >>> bo = bc.Backoffice.open("memory://")
            >>> bo.ledger.setup("X", currency="USD", chart="generic")
            >>> _ = bo.ledger.post(bc.NewEntry(date(2026, 1, 5), "Sale",
            ...     [bc.debit("1110", "9.00"), bc.credit("4100", "9.00")]))
            >>> rows = income_statement(bo.ledger, date(2026, 1, 1), date(2026, 1, 31)).to_rows()
            >>> [(r["kind"], r["code"], r["2026-01-01..2026-01-31"]) for r in rows]
            ... # doctest: +NORMALIZE_WHITESPACE
            [('header', '4000', Decimal('9.00')), ('account', '4100', Decimal('9.00')),
             ('total', None, Decimal('9.00')), ('total', None, Decimal('0.00')),
             ('net_income', None, Decimal('9.00'))]
        """
        extra = [("net_income", "net_income", "Net income", self.net_income)]
        return _rows(self.sections, self.column_keys(), extra)

    def to_pandas(self) -> Any:
        """A pandas DataFrame of :meth:`to_rows` (Decimal object columns, never floats).

        Needs the optional extra: ``pip install backoffice-core[pandas]``.

        Example:
            >>> from datetime import date
            >>> import backoffice_core as bc
            >>> bo = bc.Backoffice.open("memory://")
            >>> bo.ledger.setup("X", currency="USD", chart="generic")
            >>> df = income_statement(bo.ledger, date(2026, 1, 1), date(2026, 1, 31)).to_pandas()
            >>> list(df["kind"])
            ['total', 'total', 'net_income']
        """
        return pandas_frame(self.to_rows())

    def _headers(self, locale: str) -> list[str]:
        return [format_date_range(s, e, locale) for s, e in self.periods]

    def render(self, locale: str) -> str:
        """The statement as plain text, formatted for ``locale``.

        Example:
            >>> from datetime import date
            >>> import backoffice_core as bc
            >>> bo = bc.Backoffice.open("memory://")
            >>> bo.ledger.setup("Demo", currency="EUR", chart="generic")
            >>> _ = bo.ledger.post(bc.NewEntry(date(2026, 1, 5), "Sale",
            ...     [bc.debit("1110", "1200.00"), bc.credit("4100", "1200.00")]))
            >>> print(income_statement(bo.ledger, date(2026, 1, 1),
            ...                        date(2026, 1, 31)).render("de_DE"))
            Gewinn- und Verlustrechnung, Demo, Beträge in EUR
                                    1.–31. Jan. 2026
            ----------------------  ----------------
            Erträge
              4000 Income                   1.200,00
                4100 Sales revenue          1.200,00
            Summe Erträge                   1.200,00
            Aufwendungen
            Summe Aufwendungen                  0,00
            Ergebnis                        1.200,00
        """
        title = (f"{label('income_statement', locale)}, {self.company}, "
                 f"{label('amounts_in', locale)} {self.currency}")
        lines = _render_sections(
            self.sections, self.currency, locale,
            {"income": "total_income", "expenses": "total_expenses"})
        lines.append([label("net_income", locale)] + _cells(self.net_income, self.currency,
                                                              locale))
        table = text_table([""] + self._headers(locale), lines, "l" + "r" * len(self.periods))
        return f"{title}\n{table}"

    def _repr_html_(self) -> str:
        extra = [("net_income", "net_income", "Net income", self.net_income)]
        return _html(f"Income statement, {self.company}, amounts in {self.currency}",
                     self.sections, self.column_keys(), extra)


@attrs.frozen(slots=True)
class BalanceSheet:
    """Assets, liabilities and equity per date, in the functional currency.

    Attributes:
        company: the book's name.
        currency: the functional currency.
        dates: one per column; the first is the main date.
        assets, liabilities, equity: the sections; equity ends with the
            "Earnings not yet closed" line (``code`` ``None``) and its totals include it.
        current_year_earnings: income minus expenses not yet closed to retained
            earnings, per column: the current year's and any earlier year's never
            closed (the name is kept for compatibility).
        total_liabilities_and_equity: per column.

    Example:
        >>> from datetime import date
        >>> import backoffice_core as bc
        >>> bo = bc.Backoffice.open("memory://")
        >>> bo.ledger.setup("X", currency="EUR", chart="generic")
        >>> balance_sheet(bo.ledger, date(2026, 1, 31)).is_balanced
        True
    """

    company: str
    currency: str
    dates: tuple[date, ...]
    assets: StatementSection
    liabilities: StatementSection
    equity: StatementSection
    current_year_earnings: tuple[Decimal, ...]
    total_liabilities_and_equity: tuple[Decimal, ...]

    @property
    def sections(self) -> tuple[StatementSection, ...]:
        """Assets, liabilities and equity, in order."""
        return (self.assets, self.liabilities, self.equity)

    @property
    def is_balanced(self) -> bool:
        """True when assets equal liabilities plus equity in every column."""
        return self.assets.totals == self.total_liabilities_and_equity

    def column_keys(self) -> list[str]:
        """Column names used by :meth:`to_rows`: ISO dates. A comparative date that
        repeats one (a dashboard comparing with the start of the year, on that day) holds
        the same figures, and its rows' key is the one the first holds.

        Example:
            >>> from datetime import date
            >>> import backoffice_core as bc
            >>> bo = bc.Backoffice.open("memory://")
            >>> bo.ledger.setup("X", currency="USD", chart="generic")
            >>> bs = balance_sheet(bo.ledger, date(2026, 1, 31), compare=[date(2025, 12, 31)])
            >>> bs.column_keys()
            ['2026-01-31', '2025-12-31']
        """
        return [d.isoformat() for d in self.dates]

    def to_rows(self) -> list[dict[str, Any]]:
        """Plain dicts: each account, header and total line, one exact amount per column.

        Example:
            >>> from datetime import date
            >>> import backoffice_core as bc
            >>> bo = bc.Backoffice.open("memory://")
            >>> bo.ledger.setup("X", currency="USD", chart="generic")
            >>> rows = balance_sheet(bo.ledger, date(2026, 1, 31)).to_rows()
            >>> [r["kind"] for r in rows]
            ['total', 'total', 'earnings', 'total', 'total_liabilities_and_equity']
        """
        extra = [("total_liabilities_and_equity", "total_liabilities_and_equity",
                  "Total liabilities and equity", self.total_liabilities_and_equity)]
        return _rows(self.sections, self.column_keys(), extra)

    def to_pandas(self) -> Any:
        """A pandas DataFrame of :meth:`to_rows` (Decimal object columns, never floats).

        Needs the optional extra: ``pip install backoffice-core[pandas]``.

        Example:
            >>> from datetime import date
            >>> import backoffice_core as bc
            >>> bo = bc.Backoffice.open("memory://")
            >>> bo.ledger.setup("X", currency="USD", chart="generic")
            >>> df = balance_sheet(bo.ledger, date(2026, 1, 31)).to_pandas()
            >>> df["2026-01-31"].dtype
            dtype('O')
        """
        return pandas_frame(self.to_rows())

    def render(self, locale: str) -> str:
        """The balance sheet as plain text, formatted for ``locale``.

        Example:
            >>> from datetime import date
            >>> import backoffice_core as bc
            >>> bo = bc.Backoffice.open("memory://")
            >>> bo.ledger.setup("Demo", currency="USD", chart="generic")
            >>> _ = bo.ledger.post(bc.NewEntry(date(2026, 1, 5), "Capital",
            ...     [bc.debit("1120", "5000.00"), bc.credit("3100", "5000.00")]))
            >>> print(balance_sheet(bo.ledger, date(2026, 1, 31)).render("en_US"))
            Balance sheet, Demo, Amounts in USD
                                                 Jan 31, 2026
            -----------------------------------  ------------
            Assets
              1000 Assets                            5,000.00
                1100 Current assets                  5,000.00
                  1120 Bank - operating account      5,000.00
            Total assets                             5,000.00
            Liabilities
            Total liabilities                            0.00
            Equity
              3000 Equity                            5,000.00
                3100 Share capital                   5,000.00
              Earnings not yet closed                    0.00
            Total equity                             5,000.00
            Total liabilities and equity             5,000.00
        """
        title = (f"{label('balance_sheet', locale)}, {self.company}, "
                 f"{label('amounts_in', locale)} {self.currency}")
        lines = _render_sections(
            self.sections, self.currency, locale,
            {"assets": "total_assets", "liabilities": "total_liabilities",
             "equity": "total_equity"})
        lines.append([label("total_liabilities_and_equity", locale)]
                     + _cells(self.total_liabilities_and_equity, self.currency, locale))
        headers = [""] + [format_date(d, locale) for d in self.dates]
        text = f"{title}\n{text_table(headers, lines, 'l' + 'r' * len(self.dates))}"
        if not self.is_balanced:
            text += f"\n{label('not_balanced', locale)}"
        return text

    def _repr_html_(self) -> str:
        extra = [("total_liabilities_and_equity", "total_liabilities_and_equity",
                  "Total liabilities and equity", self.total_liabilities_and_equity)]
        return _html(f"Balance sheet, {self.company}, amounts in {self.currency}",
                     self.sections, self.column_keys(), extra)


def _functional_by_account(ledger: LedgerReader, day: date) -> dict[str, int]:
    out: dict[str, int] = {}
    for b in ledger.balances(as_of=day):
        out[b.key.account] = out.get(b.key.account, 0) + b.functional
    return out


_PL = {AccountType.INCOME, AccountType.EXPENSE}


def _comparatives(compare: object, what: str) -> list[Any]:
    """``compare`` as a list, or a ``ValidationError`` naming it when it is no list of
    ``what`` at all (``None``, a bare date, a number or a string)."""
    if isinstance(compare, str | bytes | date) or not isinstance(compare, Iterable):
        raise ValidationError(f"compare is a list of {what}", field="compare", value=compare)
    return list(compare)


@exactly  # sums and differences in the library's context, not the caller's
def income_statement(ledger: LedgerReader, start: date, end: date,
                     compare: Sequence[tuple[date, date]] = ()) -> IncomeStatement:
    """Build the income statement for ``[start, end]`` and comparative periods.

    Each column reads two as-of snapshots (the day before ``start`` and
    ``end``); year-end closing entries dated inside a period are added back, so
    a closed year still shows its income and expenses.

    Example:
        >>> from datetime import date
        >>> import backoffice_core as bc
        >>> bo = bc.Backoffice.open("memory://")
        >>> bo.ledger.setup("X", currency="USD", chart="generic")
        >>> for day in (5, 20):
        ...     _ = bo.ledger.post(bc.NewEntry(date(2026, 1, day), "Sale",
        ...         [bc.debit("1110", "10.00"), bc.credit("4100", "10.00")]))
        >>> st = income_statement(bo.ledger, date(2026, 1, 1), date(2026, 1, 31),
        ...                       compare=[(date(2026, 1, 1), date(2026, 1, 15))])
        >>> st.income.totals
        (Decimal('20.00'), Decimal('10.00'))
    """
    periods: list[tuple[date, date]] = []
    for i, pair in enumerate([(start, end), *_comparatives(compare, "(start, end) pairs")]):
        if not isinstance(pair, tuple | list) or len(pair) != 2:  # a list: JSON's pair
            raise ValidationError("a period is a (start, end) pair of dates",
                                  field=f"compare[{i - 1}]" if i else "start", value=pair)
        s = check_date(pair[0], f"compare[{i - 1}][0]" if i else "start")
        e = check_date(pair[1], f"compare[{i - 1}][1]" if i else "end")
        if e < s:
            raise ValidationError("the period ends before it starts",
                                  field=f"compare[{i - 1}]" if i else "end", value=pair)
        periods.append((s, e))
    settings = ledger.settings()
    fc = settings.functional_currency
    accounts = ledger.accounts()
    pl = {a.code for a in accounts if a.type in _PL}
    closings = [ledger.entry(fy.closing_entry) for fy in ledger.fiscal_years()
                if fy.closing_entry]
    snapshots: dict[date, dict[str, int]] = {}

    def snapshot(day: date) -> dict[str, int]:
        if day not in snapshots:
            snapshots[day] = _functional_by_account(ledger, day)
        return snapshots[day]

    amounts: dict[str, list[int]] = {code: [0] * len(periods) for code in pl}
    for i, (s, e) in enumerate(periods):
        after = snapshot(e)
        before = snapshot(s - timedelta(days=1)) if s > date.min else {}
        for code in pl:
            amounts[code][i] = after.get(code, 0) - before.get(code, 0)
        for closing in closings:
            if s <= closing.date <= e:
                for p in closing.postings:
                    if p.account in amounts:
                        amounts[p.account][i] -= p.functional
    n = len(periods)
    income = _section("income", {AccountType.INCOME}, -1, accounts, amounts, n, fc)
    expenses = _section("expenses", {AccountType.EXPENSE}, 1, accounts, amounts, n, fc)
    net = tuple(EXACT.subtract(a, b)
                for a, b in zip(income.totals, expenses.totals, strict=True))
    return IncomeStatement(settings.name, fc, tuple(periods), income, expenses, net)


@exactly  # sums and differences in the library's context, not the caller's
def balance_sheet(ledger: LedgerReader, as_of: date,
                  compare: Sequence[date] = ()) -> BalanceSheet:
    """Build the balance sheet as of ``as_of`` and comparative dates.

    Income and expense balances not yet closed to retained earnings, of every year
    not closed, form the "Earnings not yet closed" line of equity; assets then equal
    liabilities plus equity exactly (:attr:`BalanceSheet.is_balanced`).

    Example:
        >>> from datetime import date
        >>> import backoffice_core as bc
        >>> bo = bc.Backoffice.open("memory://")
        >>> bo.ledger.setup("X", currency="USD", chart="generic")
        >>> _ = bo.ledger.post(bc.NewEntry(date(2026, 1, 5), "Loan",
        ...     [bc.debit("1120", "800.00"), bc.credit("2170", "800.00")]))
        >>> bs = balance_sheet(bo.ledger, date(2026, 1, 31), compare=[date(2026, 1, 1)])
        >>> bs.liabilities.totals, bs.total_liabilities_and_equity
        ((Decimal('800.00'), Decimal('0.00')), (Decimal('800.00'), Decimal('0.00')))
    """
    dates = [check_date(as_of, "as_of")]
    dates += [check_date(d, f"compare[{i}]")
              for i, d in enumerate(_comparatives(compare, "dates"))]
    settings = ledger.settings()
    fc = settings.functional_currency
    accounts = ledger.accounts()
    types = {a.code: a.type for a in accounts}
    amounts: dict[str, list[int]] = {}
    earnings = [0] * len(dates)
    for i, day in enumerate(dates):
        for code, fn in _functional_by_account(ledger, day).items():
            amounts.setdefault(code, [0] * len(dates))[i] = fn
            if types.get(code) in _PL:
                earnings[i] -= fn
    n = len(dates)
    assets = _section("assets", {AccountType.ASSET}, 1, accounts, amounts, n, fc)
    liabilities = _section("liabilities", {AccountType.LIABILITY}, -1, accounts, amounts, n, fc)
    equity = _section("equity", {AccountType.EQUITY}, -1, accounts, amounts, n, fc)
    cye = tuple(major(v, fc) for v in earnings)
    equity = StatementSection(
        "equity",
        (*equity.rows, StatementRow(None, label("current_year_earnings", "en"), 0, False,
                                    cye)),
        tuple(EXACT.add(a, b) for a, b in zip(equity.totals, cye, strict=True)))
    total = tuple(EXACT.add(a, b) for a, b in zip(liabilities.totals, equity.totals,
                                                 strict=True))
    return BalanceSheet(settings.name, fc, tuple(dates), assets, liabilities, equity, cye, total)
