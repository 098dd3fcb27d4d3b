"""Fiscal years and periods: open, close, lock, and year-end closing.

Part of :class:`~backoffice_core.ledger.service.Ledger`; reach it as ``bo.ledger``.

Example:
    >>> import backoffice_core as bc
    >>> from backoffice_core.ledger import FiscalYear
    >>> bo = bc.Backoffice.open("memory://")
    >>> bo.ledger.setup("X", currency="USD", chart="generic")
    >>> from datetime import date
    >>> bo.ledger.add_fiscal_year(FiscalYear.monthly("FY2026", date(2026, 1, 1))).name
    'FY2026'
"""

from __future__ import annotations

import attrs

from backoffice_core.errors import (
    BackofficeError,
    NotFoundError,
    PeriodClosedError,
    ValidationError,
)
from backoffice_core.ledger._fx_api import _dimension_names
from backoffice_core.ledger._service_base import LedgerBase, _Ctx
from backoffice_core.ledger.accounts import AccountType
from backoffice_core.ledger.balances import Balance
from backoffice_core.ledger.closing import closing_lines
from backoffice_core.ledger.entries import EntryKind, EntryStatus, JournalEntry, NewEntry, Posting
from backoffice_core.ledger.periods import FiscalYear, PeriodState
from backoffice_core.ledger.posting import role_account, with_trading
from backoffice_core.text import check_lookup

__all__ = ["PeriodsApi"]


class PeriodsApi(LedgerBase):
    """Fiscal years and periods: open, close, lock, and year-end closing."""

    # ------------------------------------------------------------------ periods & closing
    def add_fiscal_year(self, year: FiscalYear) -> FiscalYear:
        """Add a fiscal year; it must not overlap another.

        A new year is not closed and names no closing entry (``close_year`` closes it),
        and each of its periods has a name of its own (``close_period`` finds a period
        by name): otherwise a ``ValidationError`` naming ``closed``, ``closing_entry``
        or ``periods[i].name``.

        Example:
            >>> import backoffice_core as bc
            >>> from datetime import date
            >>> bo = bc.Backoffice.open("memory://")
            >>> bo.ledger.setup("X", currency="USD", chart="generic")
            >>> fy = bo.ledger.add_fiscal_year(bc.FiscalYear.monthly("FY2026", date(2026, 1, 1)))
            >>> bo.ledger.close_period("FY2026", "2026-01").periods[0].state.value
            'closed'
        """
        if not isinstance(year, FiscalYear):
            raise ValidationError("expected a FiscalYear", field="year", value=year)
        if year.closed:
            raise ValidationError("a new year is open; close_year() closes it",
                                  field="closed", value=year.closed)
        if year.closing_entry is not None:
            raise ValidationError("a new year has no closing entry; close_year() posts it",
                                  field="closing_entry", value=year.closing_entry)
        if year.closed_by_closing is not None:
            raise ValidationError("a new year has no year-end closing; close_year() "
                                  "records what it closed", field="closed_by_closing",
                                  value=year.closed_by_closing)
        names: set[str] = set()
        for i, period in enumerate(year.periods):
            if period.name in names:
                raise ValidationError("each period of a year has a name of its own",
                                      field=f"periods[{i}].name", value=period.name)
            names.add(period.name)
        with self._work() as ctx:
            for other in ctx.repo.list_fiscal_years():
                if other.start <= year.end and year.start <= other.end:
                    raise ValidationError("fiscal years overlap", field="name",
                                          value=(year.name, other.name))
            ctx.repo.save_fiscal_year(year, None)
        return year

    def fiscal_years(self) -> list[FiscalYear]:
        """Every fiscal year, oldest first.

        Example:
            >>> import backoffice_core as bc
            >>> from datetime import date
            >>> bo = bc.Backoffice.open("memory://")
            >>> bo.ledger.setup("X", currency="USD", chart="generic")
            >>> _ = bo.ledger.add_fiscal_year(bc.FiscalYear.monthly("FY2027", date(2027, 1, 1)))
            >>> _ = bo.ledger.add_fiscal_year(bc.FiscalYear.monthly("FY2026", date(2026, 1, 1)))
            >>> [(y.name, str(y.start), y.closed) for y in bo.ledger.fiscal_years()]
            [('FY2026', '2026-01-01', False), ('FY2027', '2027-01-01', False)]
        """
        with self._read() as ctx:
            return ctx.repo.list_fiscal_years()

    def _set_period(self, year: str, period: str, state: PeriodState) -> FiscalYear:
        check_lookup("year", year)
        check_lookup("period", period)
        with self._work() as ctx:
            fy = self._year(ctx, year)
            current = next((p for p in fy.periods if p.name == period), None)
            if current is None:
                raise NotFoundError("no such period", field="period", value=period)
            if current.state is PeriodState.LOCKED and state is not PeriodState.LOCKED:
                raise PeriodClosedError("a locked period never reopens", field="period",
                                        value=period)
            if fy.closed and state is PeriodState.OPEN:
                raise PeriodClosedError("the year is closed; reopen the year first",
                                        field="year", value=year)
            if current.state is state:  # already so: nothing to save, no new version
                return fy
            new = fy.with_period_state(period, state)
            ctx.repo.save_fiscal_year(new, fy.version)
            return new

    @staticmethod
    def _year(ctx: _Ctx, name: str) -> FiscalYear:
        check_lookup("year", name)
        for fy in ctx.repo.list_fiscal_years():
            if fy.name == name:
                return fy
        raise NotFoundError("no such fiscal year", field="year", value=name)

    @staticmethod
    def _in_order(ctx: _Ctx, fy: FiscalYear, *, closing: bool) -> None:
        """Years close oldest first and reopen newest first.

        A closing moves the income and expense balances as of the year's end, which
        hold every year not yet closed: closing a year while an earlier one is open
        (or reopening one while a later one is closed) would close the earlier
        year's result twice, or leave a closed year with a result.
        """
        for other in ctx.repo.list_fiscal_years():
            if closing and other.end < fy.start and not other.closed:
                raise ValidationError(f"the earlier year {other.name} is open; close the "
                                      "years in order", field="year", value=fy.name)
            if other.start > fy.end and other.closed:
                raise ValidationError(f"the later year {other.name} is closed; reopen it "
                                      "first", field="year", value=fy.name)

    @staticmethod
    def _last_period_open(fy: FiscalYear) -> None:
        """The closing entry and its reopening are dated on the year's last day: refuse
        them while the year's last period is locked (``PeriodClosedError`` naming
        ``year``; a locked period is final)."""
        if fy.periods and fy.periods[-1].state is PeriodState.LOCKED:
            raise PeriodClosedError(
                f"the year's last period ({fy.periods[-1].name}) is locked: a year's closing "
                f"and reopening entries are dated {fy.end.isoformat()}, in it",
                field="year", value=fy.name)

    def close_period(self, year: str, period: str) -> FiscalYear:
        """Close a period: postings dated in it are refused (``PeriodClosedError``) until
        it reopens. Returns the year as saved; an unknown year or period is a
        ``NotFoundError``. A period already closed is left as it is (the year comes back
        unchanged, its version too), as for reopening an open one or locking a locked one.

        Example:
            >>> import backoffice_core as bc
            >>> from datetime import date
            >>> bo = bc.Backoffice.open("memory://")
            >>> bo.ledger.setup("X", currency="USD", chart="generic")
            >>> _ = bo.ledger.add_fiscal_year(bc.FiscalYear.monthly("FY2026", date(2026, 1, 1)))
            >>> bo.ledger.close_period("FY2026", "2026-01").periods[0].state
            <PeriodState.CLOSED: 'closed'>
            >>> bo.ledger.post(bc.NewEntry(date(2026, 1, 9), "Late sale",
            ...     [bc.debit("1110", "5.00"), bc.credit("4100", "5.00")]))
            Traceback (most recent call last):
            ...
            backoffice_core.errors.PeriodClosedError: date=...: period 2026-01 is closed
        """
        return self._set_period(year, period, PeriodState.CLOSED)

    def reopen_period(self, year: str, period: str) -> FiscalYear:
        """Reopen a closed period; a locked one, or one of a closed year, stays closed
        (``PeriodClosedError``).

        Example:
            >>> import backoffice_core as bc
            >>> from datetime import date
            >>> bo = bc.Backoffice.open("memory://")
            >>> bo.ledger.setup("X", currency="USD", chart="generic")
            >>> _ = bo.ledger.add_fiscal_year(bc.FiscalYear.monthly("FY2026", date(2026, 1, 1)))
            >>> _ = bo.ledger.close_period("FY2026", "2026-01")
            >>> bo.ledger.reopen_period("FY2026", "2026-01").periods[0].state
            <PeriodState.OPEN: 'open'>
        """
        return self._set_period(year, period, PeriodState.OPEN)

    def lock_period(self, year: str, period: str) -> FiscalYear:
        """Lock a period for good: it refuses postings and never reopens.

        Example:
            >>> import backoffice_core as bc
            >>> from datetime import date
            >>> bo = bc.Backoffice.open("memory://")
            >>> bo.ledger.setup("X", currency="USD", chart="generic")
            >>> _ = bo.ledger.add_fiscal_year(bc.FiscalYear.monthly("FY2026", date(2026, 1, 1)))
            >>> bo.ledger.lock_period("FY2026", "2026-01").periods[0].state
            <PeriodState.LOCKED: 'locked'>
            >>> bo.ledger.reopen_period("FY2026", "2026-01")
            Traceback (most recent call last):
            ...
            backoffice_core.errors.PeriodClosedError: period='2026-01': a locked period never ...
        """
        return self._set_period(year, period, PeriodState.LOCKED)

    @staticmethod
    def _closing_postings(ctx: _Ctx, fy: FiscalYear, target: str) -> list[Posting]:
        """The closing entry's lines: every income and expense balance as of the year's
        end taken back, in its own currency and functional value, and their functional
        sum moved to ``target`` in the functional currency. Retained earnings are equity
        in the functional currency: a foreign balance (an income earned in euros) leaves
        its currency on the currency-trading account, as the posted entries that made
        it did (``NotFoundError`` naming ``roles.currency_trading`` when none is set).

        An account's balances by dimension (a project, a department) are taken back as
        well, on lines tagged with their values (:func:`closing_lines`: a line tagged with
        a project and a department closes both, each value by lines of the sign that
        closes it): after the closing every value of the account reads zero, as the
        account does, and the next year's figures by dimension start from zero."""
        functional = ctx.settings.functional_currency
        types = {a.code: a.type for a in ctx.repo.list_accounts()}
        by_dim: dict[str, dict[tuple[str, str], list[Balance]]] = {}
        postings: list[Posting] = []
        for b in sorted(ctx.repo.balances_as_of(fy.end), key=lambda b: b.key):
            if types.get(b.key.account) not in (AccountType.INCOME, AccountType.EXPENSE):
                continue
            values: dict[str, dict[str, tuple[int, int]]] = {}
            for dim in _dimension_names(ctx.repo, b.key.account, fy.end):
                if dim not in by_dim:
                    by_dim[dim] = {}
                    for d in ctx.repo.balances_as_of(fy.end, dim):
                        by_dim[dim].setdefault((d.key.account, d.key.currency), []).append(d)
                rows = {v.key.value: (v.net, v.functional)
                        for v in by_dim[dim].get((b.key.account, b.key.currency), ())
                        if v.net or v.functional}
                if rows:
                    values[dim] = rows
            postings.extend(closing_lines(b.key.account, b.key.currency,
                                          (b.net, b.functional), values))
        result = sum(p.functional for p in postings)
        if result:
            postings.append(Posting(target, -result, functional, -result))
        if all(p.currency == functional for p in postings):
            return postings
        trading = ctx.settings.roles.get("currency_trading")
        if trading is None:
            raise NotFoundError("role currency_trading not set: a foreign income or expense "
                                "balance closes through it", field="roles.currency_trading",
                                value=None)
        out = with_trading(postings, trading)
        role_account(trading, "currency_trading", ctx.repo.get_account, ctx.parent_codes(),
                     [p.currency for p in out[len(postings):]])
        return out

    def close_year(self, year: str, *, retained_earnings: str | None = None) -> JournalEntry:
        """Year-end closing: move every income and expense balance to retained earnings.

        Posts one generated ``CLOSING`` entry dated on the last day of the year,
        then closes every period of the year. Years close oldest first: an earlier
        open year (or a later closed one) is a ``ValidationError`` naming ``year``. A
        year whose last period is locked cannot take that entry (``PeriodClosedError``
        naming ``year``): lock the last period after the year-end closing. Retained
        earnings (an equity account, else a ``ValidationError`` naming
        ``retained_earnings``, or ``roles.retained_earnings`` for the role's account)
        receive the functional value of the balances; a foreign one (income
        earned in euros) is taken back in its currency through the currency-trading
        account (role ``currency_trading``).

        Example:
            >>> import backoffice_core as bc
            >>> from datetime import date
            >>> bo = bc.Backoffice.open("memory://")
            >>> bo.ledger.setup("X", currency="USD", chart="generic")
            >>> _ = bo.ledger.add_fiscal_year(bc.FiscalYear.monthly("FY2026", date(2026, 1, 1)))
            >>> _ = bo.ledger.post(bc.NewEntry(date(2026, 3, 1), "Sale",
            ...     [bc.debit("1110", "100.00"), bc.credit("4100", "100.00")]))
            >>> _ = bo.ledger.close_year("FY2026")
            >>> bo.ledger.balance("4100"), bo.ledger.balance("3200")
            (Money('0.00', 'USD'), Money('-100.00', 'USD'))
        """
        check_lookup("retained_earnings", retained_earnings, optional=True)
        with self._work() as ctx:
            fy = self._year(ctx, year)
            if fy.closed:
                raise PeriodClosedError("year already closed", field="year", value=year)
            self._in_order(ctx, fy, closing=True)
            target = retained_earnings or ctx.settings.roles.get("retained_earnings")
            if target is None or ctx.repo.get_account(target) is None:
                raise NotFoundError("no retained earnings account; set the role "
                                    "'retained_earnings'", field="retained_earnings",
                                    value=target)
            try:
                acc = role_account(target, "retained_earnings", ctx.repo.get_account,
                                   ctx.parent_codes(), (ctx.settings.functional_currency,))
                if acc.type is not AccountType.EQUITY:  # the result stays in equity
                    raise ValidationError(
                        f"retained earnings are an equity account, not {acc.type.value}",
                        field="roles.retained_earnings", value=target)
            except BackofficeError as err:  # name the argument when the caller gave it
                if retained_earnings is not None:
                    err.field = "retained_earnings"
                raise
            postings = self._closing_postings(ctx, fy, target)
            new = NewEntry(fy.end, f"Year-end closing {fy.name}", (), reference=fy.name)
            entry_id = None
            if postings:
                self._last_period_open(fy)
                result = self._post(ctx, new, EntryStatus.POSTED, EntryKind.CLOSING, None,
                                    postings=postings, allow_closed=True)
                entry_id = result.entry.id
            closed = attrs.evolve(
                fy, periods=tuple(attrs.evolve(p, state=PeriodState.CLOSED)
                                  if p.state is PeriodState.OPEN else p for p in fy.periods),
                closed=True, closing_entry=entry_id, version=fy.version + 1,
                closed_by_closing=tuple(p.name for p in fy.periods
                                        if p.state is PeriodState.OPEN))
            ctx.repo.save_fiscal_year(closed, fy.version)
            if entry_id is None:
                return JournalEntry("", 0, fy.end, new.description, ())
            return result.entry

    def reopen_year(self, year: str) -> FiscalYear:
        """Reopen a closed year: reverse its closing entry and reopen the periods it closed.

        The periods ``close_year`` closed (those open then) reopen; a period closed by hand
        before the year-end closing stays closed (``reopen_period`` reopens it), and a
        locked one stays locked. A year closed before the book recorded which periods its
        closing closed (``FiscalYear.closed_by_closing`` is ``None``) reopens every closed
        period, as before. Years reopen newest first: a later closed year is a
        ``ValidationError``.

        Example:
            >>> import backoffice_core as bc
            >>> from datetime import date
            >>> bo = bc.Backoffice.open("memory://")
            >>> bo.ledger.setup("X", currency="USD", chart="generic")
            >>> _ = bo.ledger.add_fiscal_year(bc.FiscalYear.monthly("FY2026", date(2026, 1, 1)))
            >>> _ = bo.ledger.close_period("FY2026", "2026-01")  # closed by hand
            >>> _ = bo.ledger.close_year("FY2026")
            >>> fy = bo.ledger.reopen_year("FY2026")
            >>> [p.state.value for p in fy.periods[:2]]
            ['closed', 'open']
        """
        with self._work() as ctx:
            fy = self._year(ctx, year)
            if not fy.closed:
                raise ValidationError("year is not closed", field="year", value=year)
            self._in_order(ctx, fy, closing=False)
            self._last_period_open(fy)
            reopen = fy.closed_by_closing  # None: closed before it was recorded, reopen all
            opened = attrs.evolve(
                fy, periods=tuple(attrs.evolve(p, state=PeriodState.OPEN)
                                  if p.state is PeriodState.CLOSED
                                  and (reopen is None or p.name in reopen) else p
                                  for p in fy.periods),
                closed=False, closing_entry=None, version=fy.version + 1,
                closed_by_closing=None)
            ctx.repo.save_fiscal_year(opened, fy.version)
            ctx.years = None
            if fy.closing_entry:
                closing = ctx.repo.get_entry(fy.closing_entry)
                assert closing is not None
                mirror = tuple(Posting(p.account, -p.amount, p.currency, -p.functional,
                                       p.dimensions, p.memo)  # by dimension too
                               for p in closing.postings)
                self._post(ctx, NewEntry(fy.end, f"Reopening {fy.name}", (), reference=fy.name),
                           EntryStatus.POSTED, EntryKind.REVERSAL, closing.id, postings=mirror,
                           allow_closed=True)
            return opened
