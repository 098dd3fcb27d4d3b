"""Multi-year workflows of the ledger, found as an accountant would find them.

* The year-end closing took back each income and expense account's total but left its
  balances by dimension (a project, a department) as they were: after the closing the
  account read zero while its projects still held last year's result, and next year's
  project figures started from it.
* ``close_year`` moved the year's result to any account it was given (or the role named):
  an income account (the "closed" year kept its result), even the cash account.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import attrs
import pytest

import backoffice_core as bc
from backoffice_core.errors import CurrencyMismatchError, ValidationError
from backoffice_core.ledger.reports import balance_sheet, income_statement, trial_balance

D = date
_URLS = ["memory://", "sqlite://"]


def _book(url: str) -> bc.Backoffice:
    bo = bc.Backoffice.open(url, clock=bc.FixedClock(datetime(2026, 3, 1, tzinfo=UTC)),
                            ids=bc.SequentialIds("e"))
    bo.ledger.setup("Hunt Co", currency="USD", chart="generic")
    bo.ledger.add_fiscal_year(bc.FiscalYear.monthly("FY2026", D(2026, 1, 1)))
    bo.ledger.add_fiscal_year(bc.FiscalYear.monthly("FY2027", D(2027, 1, 1)))
    return bo


def _usd(amount: str) -> bc.Money:
    return bc.Money(amount, "USD")


def _dims(bo: bc.Backoffice, name: str, account: str) -> dict[str, int]:
    return {b.key.value: b.net for b in bo.ledger.balances(dimension=name)
            if b.key.account == account and b.net}


def _consistent(bo: bc.Backoffice) -> None:
    """Every report sums: the trial balance balances, the balance sheet too, and verify()
    finds nothing."""
    assert bo.ledger.verify().ok
    assert trial_balance(bo.ledger).is_balanced
    for year in (2026, 2027):
        assert balance_sheet(bo.ledger, D(year, 12, 31)).is_balanced


# ---------------------------------------------------------------- closing by dimension
@pytest.mark.parametrize("url", _URLS)
def test_closing_takes_back_the_balances_by_dimension(url: str) -> None:
    bo = _book(url)
    led = bo.ledger
    led.post(bc.NewEntry(D(2026, 3, 1), "Sales", [
        bc.debit("1120", "1000.00"),
        bc.Line("4100", _usd("-300.00"), dimensions={"project": "P1", "dept": "D1"}),
        bc.Line("4100", _usd("-200.00"), dimensions={"project": "P2"}),
        bc.credit("4100", "500.00")]))
    led.post(bc.NewEntry(D(2026, 4, 1), "Costs", [
        bc.Line("6200", _usd("120.00"), dimensions={"project": "P1"}),
        bc.debit("6200", "80.00"), bc.credit("1120", "200.00")]))
    closing = led.close_year("FY2026")
    for account in ("4100", "6200"):
        assert led.balance(account) == _usd("0.00")
        assert _dims(bo, "project", account) == {}, account
        assert _dims(bo, "dept", account) == {}, account
    assert led.balance("4100", dimension=("project", "P1"),
                       as_of=D(2026, 12, 30)) == _usd("-300.00")
    assert led.balance("3200") == _usd("-800.00")
    # next year's project figures start from zero
    led.post(bc.NewEntry(D(2027, 2, 1), "Sale", [
        bc.debit("1120", "50.00"), bc.credit("4100", "50.00", project="P1")]))
    assert led.balance("4100", dimension=("project", "P1")) == _usd("-50.00")
    # the income statement still shows the closed year's activity
    ist = income_statement(led, D(2026, 1, 1), D(2026, 12, 31))
    assert ist.net_income == (bc.Money("800.00", "USD").amount,)
    _consistent(bo)
    # reopening takes the closing back, by dimension as well, and a new closing again
    led.reopen_year("FY2026")
    assert _dims(bo, "project", "4100") == {"P1": -35000, "P2": -20000}
    assert _dims(bo, "dept", "4100") == {"D1": -30000}
    assert led.balance("3200") == _usd("0.00")
    _consistent(bo)
    again = led.close_year("FY2026")
    assert again.id != closing.id
    assert _dims(bo, "project", "4100") == {"P1": -5000}
    _consistent(bo)


@pytest.mark.parametrize("url", _URLS)
def test_closing_by_dimension_in_a_foreign_currency(url: str) -> None:
    bo = _book(url)
    led = bo.ledger
    led.set_rate("EUR", "USD", D(2026, 1, 1), "1.10")
    led.post(bc.NewEntry(D(2026, 3, 1), "Fees in EUR", [
        bc.debit("1130", bc.Money("100.00", "EUR")),
        bc.Line("4110", bc.Money("-60.00", "EUR"), dimensions={"project": "P1"}),
        bc.Line("4110", bc.Money("-40.00", "EUR"))]))
    led.close_year("FY2026")
    assert led.balance("4110", "EUR") == bc.Money("0.00", "EUR")
    assert _dims(bo, "project", "4110") == {}
    assert led.balance_detail("4110", "EUR", dimension=("project", "P1")).functional == 0
    assert led.balance("3200") == _usd("-110.00")
    _consistent(bo)


# ---------------------------------------------------------------- retained earnings type
@pytest.mark.parametrize("url", _URLS)
@pytest.mark.parametrize("target", ["4110", "6200", "1110"])
def test_closing_refuses_a_retained_earnings_account_outside_equity(
        url: str, target: str, refuses) -> None:
    bo = _book(url)
    led = bo.ledger
    led.post(bc.NewEntry(D(2026, 3, 1), "Sale", [
        bc.debit("1110", "500.00"), bc.credit("4100", "500.00")]))
    info = refuses(bo, ValidationError, led.close_year, "FY2026", retained_earnings=target)
    assert (info.value.field, info.value.value) == ("retained_earnings", target)
    info = refuses(bo, ValidationError, led.set_role, "retained_earnings", target)
    assert (info.value.field, info.value.value) == ("roles.retained_earnings", target)
    with led._work() as ctx:  # a book whose role was set before set_role checked types
        s = ctx.settings
        ctx.repo.save_settings(attrs.evolve(
            s, roles={**s.roles, "retained_earnings": target}, version=s.version + 1),
            s.version)
    info = refuses(bo, ValidationError, led.close_year, "FY2026")
    assert (info.value.field, info.value.value) == ("roles.retained_earnings", target)
    led.close_year("FY2026", retained_earnings="3300")  # equity: fine
    assert led.balance("3300") == _usd("-500.00")
    assert led.balance("1110") == _usd("500.00")


# ---------------------------------------------------------------- role accounts' currency
@pytest.mark.parametrize("url", _URLS)
def test_closing_refuses_a_retained_earnings_account_in_another_currency(url: str,
                                                                         refuses) -> None:
    """An account opened for EUR only took the closing's USD result all the same."""
    bo = _book(url)
    led = bo.ledger
    led.open_account("3210", "Retained earnings (EUR)", "equity", parent="3000",
                     currency="EUR")
    led.post(bc.NewEntry(D(2026, 3, 1), "Sale", [
        bc.debit("1110", "500.00"), bc.credit("4100", "500.00")]))
    info = refuses(bo, CurrencyMismatchError, led.close_year, "FY2026",
                   retained_earnings="3210")
    assert (info.value.field, info.value.value) == ("retained_earnings", "3210")
    led.set_role("retained_earnings", "3210")
    info = refuses(bo, CurrencyMismatchError, led.close_year, "FY2026")
    assert info.value.field == "roles.retained_earnings"
    led.open_account("3220", "Retained earnings (USD)", "equity", parent="3000",
                     currency="USD")
    led.close_year("FY2026", retained_earnings="3220")  # the functional currency: fine
    assert led.balance("3220") == _usd("-500.00")


@pytest.mark.parametrize("url", _URLS)
def test_generated_lines_keep_to_the_role_accounts_currency(url: str, refuses) -> None:
    """The currency-trading lines of a foreign entry, and a revaluation's gain, landed on
    role accounts opened for one currency only, in any other currency."""
    bo = _book(url)
    led = bo.ledger
    led.set_rate("EUR", "USD", D(2026, 1, 1), "1.10")
    led.open_account("3510", "Trading (USD only)", "equity", parent="3000", currency="USD")
    led.open_account("7310", "Unrealized gain (EUR)", "income", parent="7000",
                     currency="EUR")
    led.set_role("currency_trading", "3510")
    eur = bc.NewEntry(D(2026, 1, 5), "EUR receipt", [
        bc.debit("1130", bc.Money("100.00", "EUR")), bc.credit("4100", "110.00")])
    info = refuses(bo, CurrencyMismatchError, led.post, eur)
    assert (info.value.field, info.value.value) == ("roles.currency_trading", "3510")
    info = refuses(bo, CurrencyMismatchError, led.post_many, [eur])
    assert info.value.field == "entries[0].roles.currency_trading"
    led.set_role("currency_trading", "3500")
    led.post(eur)
    led.set_rate("EUR", "USD", D(2026, 1, 31), "1.20")
    led.set_role("unrealized_fx_gain", "7310")
    info = refuses(bo, CurrencyMismatchError, led.revalue, D(2026, 1, 31))
    assert (info.value.field, info.value.value) == ("roles.unrealized_fx_gain", "7310")
    led.set_role("unrealized_fx_gain", "7300")
    assert led.revalue(D(2026, 1, 31)) is not None
    assert led.balance("7300") == _usd("-10.00")
    _consistent(bo)


# ---------------------------------------------------------------- monthly years
@pytest.mark.parametrize("start", [D(2026, 1, 31), D(2026, 3, 30), D(2025, 8, 29)])
def test_a_monthly_year_from_a_late_day_is_a_whole_year(start: date) -> None:
    """Each period started a month after the one before, clamped to the shorter month, so
    the days drifted: a year from March 30 ended on March 27, and the next year, from
    March 30 again, left March 28 and 29 in no period."""
    fy = bc.FiscalYear.monthly("FY", start)
    nxt = start.replace(year=start.year + 1)
    assert fy.end == D.fromordinal(nxt.toordinal() - 1)
    assert len({p.name for p in fy.periods}) == 12
    following = bc.FiscalYear.monthly("FY+1", nxt)
    assert following.start == D.fromordinal(fy.end.toordinal() + 1)


def test_a_book_with_years_from_march_30_posts_on_every_day(new_book) -> None:
    bo = new_book()
    for year in (2026, 2027):
        bo.ledger.add_fiscal_year(bc.FiscalYear.monthly(f"FY{year}", D(year, 3, 30)))
    bo.ledger.post(bc.NewEntry(D(2027, 3, 29), "Year end", [
        bc.debit("1110", "1.00"), bc.credit("4100", "1.00")]))
    bo.ledger.close_year("FY2026")
    assert bo.ledger.entries()[-1].date == D(2027, 3, 29)
