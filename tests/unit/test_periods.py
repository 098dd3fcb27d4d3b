"""Fiscal years and periods: open, close, lock, reopen; year-end closing."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import Decimal

import attrs
import pytest

import backoffice_core as bc
from backoffice_core.errors import (
    NotFoundError,
    PeriodClosedError,
    ValidationError,
)
from backoffice_core.ledger import EntryKind, FiscalYear, Period, PeriodState

Jan = Callable[..., bc.NewEntry]


def usd(amount: str) -> bc.Money:
    return bc.Money(amount, "USD")


def _sale(day: date, amount: str = "100.00") -> bc.NewEntry:
    return bc.NewEntry(day, "Sale", [bc.debit("1110", amount), bc.credit("4100", amount)])


def _fy(bo: bc.Backoffice, year: int = 2026) -> FiscalYear:
    return bo.ledger.add_fiscal_year(FiscalYear.monthly(f"FY{year}", date(year, 1, 1)))


def test_monthly_fiscal_year() -> None:
    fy = FiscalYear.monthly("FY2026", date(2026, 1, 1))
    assert len(fy.periods) == 12
    assert fy.start == date(2026, 1, 1)
    assert fy.end == date(2026, 12, 31)
    assert [p.name for p in fy.periods][:3] == ["2026-01", "2026-02", "2026-03"]
    assert fy.periods[1].end == date(2026, 2, 28)
    assert all(p.state is PeriodState.OPEN for p in fy.periods)
    for a, b in zip(fy.periods, fy.periods[1:], strict=False):
        assert (b.start - a.end).days == 1
    assert fy.period_of(date(2026, 7, 31)) == fy.periods[6]
    assert fy.period_of(date(2027, 1, 1)) is None


def test_fiscal_year_not_starting_in_january() -> None:
    fy = FiscalYear.monthly("FY2026/27", date(2026, 4, 1))
    assert fy.end == date(2027, 3, 31)
    leap = FiscalYear.monthly("FY2028", date(2028, 1, 1))
    assert leap.periods[1].end == date(2028, 2, 29)


def test_fiscal_year_validation() -> None:
    with pytest.raises(ValidationError) as info:
        FiscalYear("X", ())
    assert info.value.field == "periods"
    with pytest.raises(ValidationError) as info:
        FiscalYear("X", (Period("a", date(2026, 1, 1), date(2026, 1, 31)),
                         Period("b", date(2026, 2, 2), date(2026, 2, 28))))
    assert info.value.field == "periods"
    with pytest.raises(ValidationError) as info:
        Period("a", date(2026, 1, 31), date(2026, 1, 1))
    assert info.value.field == "end"


def test_a_book_without_years_accepts_any_date(bo: bc.Backoffice) -> None:
    bo.ledger.post(_sale(date(1999, 5, 5)))
    bo.ledger.post(_sale(date(2099, 5, 5)))


def test_posting_into_a_closed_period_is_refused(bo: bc.Backoffice, refuses) -> None:
    _fy(bo)
    fy = bo.ledger.close_period("FY2026", "2026-01")
    assert fy.periods[0].state is PeriodState.CLOSED
    assert bo.ledger.fiscal_years()[0].periods[0].state is PeriodState.CLOSED
    info = refuses(bo, PeriodClosedError, bo.ledger.post, _sale(date(2026, 1, 31)))
    assert info.value.field == "date"
    assert info.value.value == date(2026, 1, 31)
    assert "2026-01" in str(info.value)
    bo.ledger.post(_sale(date(2026, 2, 1)))
    refuses(bo, PeriodClosedError, bo.ledger.hold, _sale(date(2026, 1, 2)))
    refuses(bo, PeriodClosedError, bo.ledger.post_many, [_sale(date(2026, 2, 2)),
                                                         _sale(date(2026, 1, 2))])


def test_reopen_a_closed_period(bo: bc.Backoffice) -> None:
    _fy(bo)
    bo.ledger.close_period("FY2026", "2026-01")
    fy = bo.ledger.reopen_period("FY2026", "2026-01")
    assert fy.periods[0].state is PeriodState.OPEN
    bo.ledger.post(_sale(date(2026, 1, 31)))


def test_a_locked_period_never_reopens(bo: bc.Backoffice, refuses) -> None:
    _fy(bo)
    bo.ledger.lock_period("FY2026", "2026-01")
    refuses(bo, PeriodClosedError, bo.ledger.post, _sale(date(2026, 1, 15)))
    info = refuses(bo, PeriodClosedError, bo.ledger.reopen_period, "FY2026", "2026-01")
    assert info.value.field == "period"
    refuses(bo, PeriodClosedError, bo.ledger.close_period, "FY2026", "2026-01")
    assert bo.ledger.fiscal_years()[0].periods[0].state is PeriodState.LOCKED


def test_closed_period_can_be_locked(bo: bc.Backoffice, refuses) -> None:
    _fy(bo)
    bo.ledger.close_period("FY2026", "2026-03")
    bo.ledger.lock_period("FY2026", "2026-03")
    refuses(bo, PeriodClosedError, bo.ledger.reopen_period, "FY2026", "2026-03")


def test_unknown_year_or_period(bo: bc.Backoffice, refuses) -> None:
    _fy(bo)
    info = refuses(bo, NotFoundError, bo.ledger.close_period, "FY1999", "2026-01")
    assert info.value.field == "year"
    info = refuses(bo, NotFoundError, bo.ledger.close_period, "FY2026", "2026-13")
    assert info.value.field == "period"


def test_dates_outside_every_fiscal_year_are_refused(bo: bc.Backoffice, refuses) -> None:
    _fy(bo)
    info = refuses(bo, PeriodClosedError, bo.ledger.post, _sale(date(2025, 12, 31)))
    assert info.value.value == date(2025, 12, 31)
    refuses(bo, PeriodClosedError, bo.ledger.post, _sale(date(2027, 1, 1)))
    _fy(bo, 2027)
    bo.ledger.post(_sale(date(2027, 1, 1)))


def test_overlapping_years_are_refused(bo: bc.Backoffice, refuses) -> None:
    _fy(bo)
    info = refuses(bo, ValidationError, bo.ledger.add_fiscal_year,
                   FiscalYear.monthly("FY2026b", date(2026, 7, 1)))
    assert info.value.field == "name"
    refuses(bo, ValidationError, bo.ledger.add_fiscal_year,
            FiscalYear.monthly("FY2025b", date(2025, 2, 1)))
    refuses(bo, ValidationError, bo.ledger.add_fiscal_year,
            FiscalYear.monthly("FY-big", date(2025, 1, 1), months=36))
    bo.ledger.add_fiscal_year(FiscalYear.monthly("FY2025", date(2025, 1, 1)))
    assert [y.name for y in bo.ledger.fiscal_years()] == ["FY2025", "FY2026"]


def test_year_names_are_unique(bo: bc.Backoffice, refuses) -> None:
    _fy(bo)
    refuses(bo, bc.BackofficeError, bo.ledger.add_fiscal_year,
            FiscalYear.monthly("FY2026", date(2030, 1, 1)))


def test_a_new_year_is_not_closed_and_names_each_period_once(bo: bc.Backoffice,
                                                             refuses) -> None:
    """A year added as closed, naming a closing entry, broke every income statement
    (NotFoundError for the entry) and reopen_year (AssertionError); two periods of one
    name were closed and reopened together."""
    periods = FiscalYear.monthly("FY2026", date(2026, 1, 1)).periods
    info = refuses(bo, ValidationError, bo.ledger.add_fiscal_year,
                   FiscalYear("FY2026", periods, closed=True, closing_entry="je-404"))
    assert (info.value.field, info.value.value) == ("closed", True)
    info = refuses(bo, ValidationError, bo.ledger.add_fiscal_year,
                   FiscalYear("FY2026", periods, closing_entry="je-404"))
    assert (info.value.field, info.value.value) == ("closing_entry", "je-404")
    twice = (Period("A", date(2027, 1, 1), date(2027, 1, 31)),
             Period("A", date(2027, 2, 1), date(2027, 2, 28)))
    info = refuses(bo, ValidationError, bo.ledger.add_fiscal_year, FiscalYear("FY2027", twice))
    assert (info.value.field, info.value.value) == ("periods[1].name", "A")
    assert bo.ledger.reports.income_statement(date(2026, 1, 1), date(2026, 12, 31))


def _trade(bo: bc.Backoffice) -> None:
    bo.ledger.post(_sale(date(2026, 3, 1), "1000.00"))
    bo.ledger.post(bc.NewEntry(date(2026, 4, 1), "Rent",
                               [bc.debit("6200", "300.00"), bc.credit("1110", "300.00")]))
    bo.ledger.post(bc.NewEntry(date(2026, 5, 1), "COGS",
                               [bc.debit("5100", "200.00"), bc.credit("1110", "200.00")]))


def test_year_end_closing_moves_income_and_expense_to_retained_earnings(
        bo: bc.Backoffice) -> None:
    _fy(bo)
    _fy(bo, 2027)
    _trade(bo)
    closing = bo.ledger.close_year("FY2026")
    assert closing.kind is EntryKind.CLOSING
    assert closing.date == date(2026, 12, 31)
    assert closing.reference == "FY2026"
    for code in ("4100", "6200", "5100", "4000", "6000"):
        assert bo.ledger.balance(code) == usd("0.00"), code
    assert bo.ledger.balance("3200") == usd("-500.00")  # profit: a credit balance
    assert bo.ledger.balance("1110") == usd("500.00")  # balance sheet untouched
    assert bo.ledger.balance("4100", as_of=date(2026, 12, 30)) == usd("-1000.00")
    assert bo.ledger.role("retained_earnings") == "3200"
    assert sum(p.amount for p in closing.postings) == 0
    assert bo.ledger.verify().ok


def test_after_closing_the_years_periods_are_closed(bo: bc.Backoffice, refuses) -> None:
    _fy(bo)
    _fy(bo, 2027)
    _trade(bo)
    bo.ledger.lock_period("FY2026", "2026-01")
    bo.ledger.close_year("FY2026")
    fy = bo.ledger.fiscal_years()[0]
    assert fy.closed
    assert fy.periods[0].state is PeriodState.LOCKED  # locked stays locked
    assert all(p.state is PeriodState.CLOSED for p in fy.periods[1:])
    refuses(bo, PeriodClosedError, bo.ledger.post, _sale(date(2026, 6, 1)))
    refuses(bo, PeriodClosedError, bo.ledger.reopen_period, "FY2026", "2026-06")
    refuses(bo, PeriodClosedError, bo.ledger.close_year, "FY2026")
    bo.ledger.post(_sale(date(2027, 1, 1)))  # next year is open


def test_closing_to_an_explicit_account(bo: bc.Backoffice, refuses) -> None:
    _fy(bo)
    _trade(bo)
    refuses(bo, NotFoundError, bo.ledger.close_year, "FY2026", retained_earnings="0000")
    bo.ledger.close_year("FY2026", retained_earnings="3300")
    assert bo.ledger.balance("3300") == usd("-500.00")


def test_closing_without_a_retained_earnings_role(new_book, refuses) -> None:
    bo = new_book(chart=None)
    bo.ledger.open_account("1", "Cash", "asset")
    bo.ledger.open_account("4", "Sales", "income")
    _fy(bo)
    bo.ledger.post(bc.NewEntry(date(2026, 2, 1), "Sale",
                               [bc.debit("1", "5.00"), bc.credit("4", "5.00")]))
    info = refuses(bo, NotFoundError, bo.ledger.close_year, "FY2026")
    assert info.value.field == "retained_earnings"


def test_closing_a_year_without_activity(bo: bc.Backoffice) -> None:
    _fy(bo)
    bo.ledger.close_year("FY2026")
    assert bo.ledger.fiscal_years()[0].closed
    assert bo.ledger.entries() == []


def test_closing_only_takes_the_years_activity(bo: bc.Backoffice) -> None:
    bo.ledger.add_fiscal_year(FiscalYear.monthly("FY2025", date(2025, 1, 1)))
    _fy(bo)
    bo.ledger.post(_sale(date(2025, 6, 1), "70.00"))
    bo.ledger.close_year("FY2025")
    _trade(bo)
    bo.ledger.post(_sale(date(2026, 12, 31), "1.00"))
    bo.ledger.close_year("FY2026")
    assert bo.ledger.balance("3200") == usd("-571.00")
    assert bo.ledger.balance("3200", as_of=date(2025, 12, 31)) == usd("-70.00")


def test_years_close_oldest_first(bo: bc.Backoffice, refuses) -> None:
    """Closing FY2027 while FY2026 was open swept FY2026's result too (the balances as of
    the year's end hold it), and closing FY2026 afterwards moved it a second time: the
    revenue account was left with a debit balance and retained earnings counted it twice."""
    _fy(bo)
    _fy(bo, 2027)
    bo.ledger.post(_sale(date(2026, 3, 1), "100.00"))
    bo.ledger.post(_sale(date(2027, 3, 1), "30.00"))
    info = refuses(bo, ValidationError, bo.ledger.close_year, "FY2027")
    assert (info.value.field, info.value.value) == ("year", "FY2027")
    assert "FY2026" in str(info.value)
    bo.ledger.close_year("FY2026")
    bo.ledger.close_year("FY2027")
    assert bo.ledger.balance("4100") == usd("0.00")
    assert bo.ledger.balance("3200") == usd("-130.00")
    assert bo.ledger.balance("3200", as_of=date(2026, 12, 31)) == usd("-100.00")


def test_years_reopen_newest_first(bo: bc.Backoffice, refuses) -> None:
    """Reopening FY2026 under a closed FY2027 put FY2026's result back in accounts that
    the closed FY2027 holds at its end; FY2027 reopened and closed again would sweep it
    into its own closing."""
    _fy(bo)
    _fy(bo, 2027)
    bo.ledger.post(_sale(date(2026, 3, 1), "100.00"))
    bo.ledger.close_year("FY2026")
    bo.ledger.close_year("FY2027")
    info = refuses(bo, ValidationError, bo.ledger.reopen_year, "FY2026")
    assert (info.value.field, info.value.value) == ("year", "FY2026")
    assert "FY2027" in str(info.value)
    bo.ledger.reopen_year("FY2027")
    bo.ledger.reopen_year("FY2026")
    assert bo.ledger.balance("4100") == usd("-100.00")
    assert bo.ledger.balance("3200") == usd("0.00")


def test_a_year_added_before_a_closed_one_cannot_close_after_it(bo: bc.Backoffice,
                                                                refuses) -> None:
    _fy(bo, 2027)
    bo.ledger.close_year("FY2027")
    _fy(bo)
    refuses(bo, ValidationError, bo.ledger.close_year, "FY2026")


def test_closing_is_not_reversible_by_reverse(bo: bc.Backoffice, refuses) -> None:
    _fy(bo)
    _fy(bo, 2027)
    _trade(bo)
    closing = bo.ledger.close_year("FY2026")
    refuses(bo, ValidationError, bo.ledger.reverse, closing.id, on=date(2027, 1, 1))


def test_the_reopening_is_not_reversible_either(bo: bc.Backoffice, refuses) -> None:
    """Reversing (or correcting) the reopening would close the year's result again while
    the year stays open: the income statement lost the year's activity and a second
    close_year found nothing to close. A reopening is undone by closing the year again."""
    _fy(bo)
    _trade(bo)
    bo.ledger.close_year("FY2026")
    bo.ledger.reopen_year("FY2026")
    reopening = bo.ledger.entries()[-1]
    info = refuses(bo, ValidationError, bo.ledger.reverse, reopening.id,
                   on=date(2026, 12, 31))
    assert (info.value.field, info.value.value) == ("entry_id", reopening.id)
    info = refuses(bo, ValidationError, bo.ledger.correct, reopening.id, _sale(
        date(2026, 12, 31), "1.00"))
    assert (info.value.field, info.value.value) == ("entry_id", reopening.id)
    closing = bo.ledger.close_year("FY2026")
    assert closing.postings
    statement = bo.ledger.reports.income_statement(date(2026, 1, 1), date(2026, 12, 31))
    assert statement.net_income == (Decimal("500.00"),)


def test_reopen_year_reverses_the_closing(bo: bc.Backoffice) -> None:
    _fy(bo)
    _trade(bo)
    closing = bo.ledger.close_year("FY2026")
    fy = bo.ledger.reopen_year("FY2026")
    assert not fy.closed
    assert fy.closing_entry is None
    assert all(p.state is PeriodState.OPEN for p in fy.periods)
    assert bo.ledger.balance("4100") == usd("-1000.00")
    assert bo.ledger.balance("3200") == usd("0.00")
    reopening = bo.ledger.entries()[-1]
    assert reopening.kind is EntryKind.REVERSAL
    assert reopening.related == closing.id
    assert reopening.date == date(2026, 12, 31)
    bo.ledger.post(_sale(date(2026, 6, 1), "10.00"))
    again = bo.ledger.close_year("FY2026")
    assert bo.ledger.balance("3200") == usd("-510.00")
    assert again.id != closing.id
    assert bo.ledger.verify().ok


def test_reopen_year_refusals(bo: bc.Backoffice, refuses) -> None:
    _fy(bo)
    info = refuses(bo, ValidationError, bo.ledger.reopen_year, "FY2026")
    assert info.value.field == "year"
    refuses(bo, NotFoundError, bo.ledger.reopen_year, "FY1990")
    _trade(bo)
    bo.ledger.close_year("FY2026")
    bo.ledger.lock_period("FY2026", "2026-12")
    refuses(bo, PeriodClosedError, bo.ledger.reopen_year, "FY2026")


def test_close_year_names_the_year_when_its_last_period_is_locked(
        bo: bc.Backoffice, refuses) -> None:
    """The closing entry is dated on the year's last day: a locked last period (final)
    refuses it, and the error names the year, as reopen_year's does, not the date."""
    _fy(bo)
    _trade(bo)
    bo.ledger.lock_period("FY2026", "2026-12")
    info = refuses(bo, PeriodClosedError, bo.ledger.close_year, "FY2026")
    assert (info.value.field, info.value.value) == ("year", "FY2026")
    assert "2026-12" in str(info.value) and "2026-12-31" in str(info.value)
    assert not bo.ledger.fiscal_years()[0].closed


def test_reopen_year_keeps_locked_periods_locked(bo: bc.Backoffice) -> None:
    _fy(bo)
    _trade(bo)
    bo.ledger.lock_period("FY2026", "2026-02")
    bo.ledger.close_year("FY2026")
    fy = bo.ledger.reopen_year("FY2026")
    assert fy.periods[1].state is PeriodState.LOCKED
    assert fy.periods[2].state is PeriodState.OPEN


def test_year_end_close_after_closing_december(bo: bc.Backoffice) -> None:
    """Accountants close December first, then run the year-end close."""
    _fy(bo)
    _trade(bo)
    for p in bo.ledger.fiscal_years()[0].periods:
        bo.ledger.close_period("FY2026", p.name)
    closing = bo.ledger.close_year("FY2026")
    assert closing.date == date(2026, 12, 31)
    assert bo.ledger.balance("3200") == usd("-500.00")


def test_a_hold_from_a_closed_month_posts_into_an_open_one(bo: bc.Backoffice) -> None:
    _fy(bo)
    held = bo.ledger.hold(_sale(date(2026, 1, 20), "9.00")).entry
    bo.ledger.close_period("FY2026", "2026-01")
    r = bo.ledger.post_pending(held.id, on=date(2026, 2, 1))
    assert r.entry.date == date(2026, 2, 1)
    assert bo.ledger.balance("1110") == usd("9.00")
    assert bo.ledger.balance_detail("1110").pending_debits == 0
    assert bo.ledger.verify().ok


def test_a_closed_period_names_the_argument_that_dated_the_entry(bo: bc.Backoffice,
                                                                  refuses) -> None:
    """reverse(on=), post_pending(on=) and revalue(on=, reverse_on=) into a closed period
    named ``date``, an argument none of them has."""
    _fy(bo)
    bo.ledger.set_rate("EUR", "USD", date(2026, 1, 1), "1.10")
    sale = bo.ledger.post(bc.NewEntry(date(2026, 1, 5), "EUR sale", [
        bc.Line("1130", bc.Money("100.00", "EUR")), bc.credit("4100", "110.00")])).entry
    held = bo.ledger.hold(_sale(date(2026, 1, 6))).entry
    bo.ledger.set_rate("EUR", "USD", date(2026, 1, 31), "1.20")
    bo.ledger.close_period("FY2026", "2026-02")
    feb = date(2026, 2, 2)
    for call, field in [
        (lambda: bo.ledger.reverse(sale.id, on=feb), "on"),
        (lambda: bo.ledger.post_pending(held.id, on=feb), "on"),
        (lambda: bo.ledger.revalue(date(2026, 2, 28)), "on"),
        (lambda: bo.ledger.revalue(date(2026, 1, 31), reverse_on=feb), "reverse_on"),
    ]:
        assert refuses(bo, PeriodClosedError, call).value.field == field
    info = refuses(bo, PeriodClosedError, bo.ledger.reverse, sale.id, on=feb)
    assert info.value.value == feb


def test_a_foreign_income_balance_closes_at_its_functional_value(bo: bc.Backoffice) -> None:
    """An income account's EUR balance is zeroed in EUR and retained earnings receives
    its functional value in USD (the currency-trading account balances each currency);
    before, retained earnings received the euros."""
    _fy(bo)
    _fy(bo, 2027)
    bo.ledger.set_rate("EUR", "USD", date(2026, 1, 1), "1.10")
    bo.ledger.post(bc.NewEntry(date(2026, 3, 1), "EUR consulting", [
        bc.debit("1130", bc.Money("100.00", "EUR")), bc.credit("4110", bc.Money("100.00", "EUR"))]))
    bo.ledger.post(bc.NewEntry(date(2026, 3, 2), "EUR fee", [
        bc.debit("6600", bc.Money("10.00", "EUR")), bc.credit("1130", bc.Money("10.00", "EUR"))],
        rates={"EUR": "1.20"}))
    bo.ledger.post(_sale(date(2026, 3, 3)))
    closing = bo.ledger.close_year("FY2026")
    assert bo.ledger.balance_detail("4110", "EUR").net == 0
    assert bo.ledger.balance_detail("4110", "EUR").functional == 0
    assert bo.ledger.balance_detail("6600", "EUR").functional == 0
    assert {b.key.currency for b in bo.ledger.balances() if b.key.account == "3200"} == {"USD"}
    assert bo.ledger.balance("3200") == usd("-198.00")  # 110.00 - 12.00 + 100.00
    for code in {p.currency for p in closing.postings}:
        assert sum(p.amount for p in closing.postings if p.currency == code) == 0
    assert sum(p.functional for p in closing.postings) == 0
    assert bo.ledger.verify().ok
    end = date(2026, 12, 31)
    sheet = bo.ledger.reports.balance_sheet(end)
    assert sheet.is_balanced and sheet.current_year_earnings[0] == 0
    assert bo.ledger.reports.income_statement(date(2026, 1, 1), end).net_income[0] == Decimal(
        "198.00")
    bo.ledger.reopen_year("FY2026")
    assert bo.ledger.balance_detail("4110", "EUR").net == -10000
    assert bo.ledger.balance("3200") == usd("0.00") and bo.ledger.verify().ok


# ---------------------------------------------------------------- reopen what closing closed
@pytest.mark.parametrize("url", ["memory://", "sqlite://"])
def test_reopen_year_leaves_months_closed_by_hand_closed(url: str) -> None:
    """reopen_year set every closed period of the year back to open, months the
    accountant had closed by hand before the year-end closing as well."""
    bo = bc.Backoffice.open(url)
    bo.ledger.setup("X", currency="USD", chart="generic")
    _fy(bo)
    _trade(bo)
    for month in ("2026-01", "2026-02", "2026-03"):
        bo.ledger.close_period("FY2026", month)
    bo.ledger.lock_period("FY2026", "2026-04")
    closed = bo.ledger.close_year("FY2026")
    fy = bo.ledger.fiscal_years()[0]
    months = [f"2026-{m:02d}" for m in range(1, 13)]
    assert fy.closed_by_closing == tuple(months[4:])
    reopened = bo.ledger.reopen_year("FY2026")
    assert bo.ledger.fiscal_years() == [reopened]
    assert [p.state.value for p in reopened.periods] == [
        "closed", "closed", "closed", "locked", *["open"] * 8]
    assert reopened.closed_by_closing is None
    assert bo.ledger.entries()[-1].related == closed.id
    # a month closed by hand reopens by hand; the next closing records the months it closed
    bo.ledger.reopen_period("FY2026", "2026-03")
    bo.ledger.close_year("FY2026")
    assert bo.ledger.fiscal_years()[0].closed_by_closing == ("2026-03", *months[4:])
    assert bo.ledger.verify().ok


def test_a_year_whose_periods_were_all_closed_by_hand_reopens_none(bo: bc.Backoffice) -> None:
    _fy(bo)
    _trade(bo)
    for p in bo.ledger.fiscal_years()[0].periods:
        bo.ledger.close_period("FY2026", p.name)
    bo.ledger.close_year("FY2026")
    assert bo.ledger.fiscal_years()[0].closed_by_closing == ()
    fy = bo.ledger.reopen_year("FY2026")
    assert not fy.closed and all(p.state is PeriodState.CLOSED for p in fy.periods)
    assert bo.ledger.balance("3200") == usd("0.00")


def test_a_year_closed_before_the_record_reopens_every_closed_period(
        bo: bc.Backoffice) -> None:
    """A year closed before the book recorded what its closing closed
    (``closed_by_closing`` None) reopens every closed, unlocked period, as it did."""
    _fy(bo)
    _trade(bo)
    bo.ledger.close_period("FY2026", "2026-01")
    bo.ledger.lock_period("FY2026", "2026-02")
    bo.ledger.close_year("FY2026")
    with bo.ledger._work() as ctx:  # as stored before the record
        fy = ctx.repo.list_fiscal_years()[0]
        ctx.repo.save_fiscal_year(attrs.evolve(fy, closed_by_closing=None,
                                               version=fy.version + 1), fy.version)
    fy = bo.ledger.reopen_year("FY2026")
    assert [p.state for p in fy.periods[:3]] == [
        PeriodState.OPEN, PeriodState.LOCKED, PeriodState.OPEN]


def test_closed_by_closing_names_periods_of_the_year(bo: bc.Backoffice, refuses) -> None:
    fy = FiscalYear.monthly("FY2026", date(2026, 1, 1))
    with pytest.raises(ValidationError) as info:
        attrs.evolve(fy, closed_by_closing=("2026-12", "2027-01"))
    assert (info.value.field, info.value.value) == ("closed_by_closing[1]", "2027-01")
    info = refuses(bo, ValidationError, bo.ledger.add_fiscal_year,
                   attrs.evolve(fy, closed_by_closing=()))
    assert (info.value.field, info.value.value) == ("closed_by_closing", ())


def test_with_period_state_names_a_period_it_does_not_hold() -> None:
    """Defect (found writing its example): a period name the year does not hold gave a
    copy with nothing changed but the version bumped; a typo went unnoticed."""
    fy = FiscalYear.monthly("FY2026", date(2026, 1, 1))
    with pytest.raises(NotFoundError) as info:
        fy.with_period_state("2026-13", PeriodState.CLOSED)
    assert (info.value.field, info.value.value) == ("period_name", "2026-13")


@pytest.mark.parametrize("state", ["closed", "locked", None, 1])
def test_a_period_state_is_a_period_state(state: object) -> None:
    """Defect: ``with_period_state("2026-01", "closed")`` (or ``Period(..., "closed")``)
    stored the text, which the checks do not recognise: a posting dated in the period
    raised a raw AttributeError (``'str' object has no attribute 'value'``)."""
    fy = FiscalYear.monthly("FY2026", date(2026, 1, 1))
    with pytest.raises(ValidationError) as info:
        fy.with_period_state("2026-01", state)  # type: ignore[arg-type]
    assert (info.value.field, info.value.value) == ("state", state)
    with pytest.raises(ValidationError):
        Period("P", date(2026, 1, 1), date(2026, 1, 31), state)  # type: ignore[arg-type]


@pytest.mark.parametrize("day", ["2026-01-05", datetime(2026, 1, 5, tzinfo=UTC), None])
def test_period_lookups_refuse_what_is_not_a_date(day: object) -> None:
    """Defect: ``period_of`` and ``contains`` let a raw TypeError out for a string or a
    datetime; now a ``ValidationError`` naming ``day``."""
    fy = FiscalYear.monthly("FY2026", date(2026, 1, 1))
    for lookup in (fy.period_of, fy.periods[0].contains):
        with pytest.raises(ValidationError) as info:
            lookup(day)  # type: ignore[arg-type]
        assert (info.value.field, info.value.value) == ("day", day)
