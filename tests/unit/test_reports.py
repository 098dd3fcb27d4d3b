"""Ledger reports: each rule of the trial balance, general ledger and statements."""

from __future__ import annotations

import sys
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from babel import numbers as babel_numbers
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import backoffice_core as bc
from backoffice_core.errors import NotFoundError, ValidationError
from backoffice_core.ledger import AccountType
from backoffice_core.ledger.reports import (
    balance_sheet,
    general_ledger,
    income_statement,
    trial_balance,
)

D = Decimal
JAN1, JAN15, JAN31 = date(2026, 1, 1), date(2026, 1, 15), date(2026, 1, 31)


def book(currency: str = "USD", chart: str = "generic", name: str = "Test Co") -> bc.Backoffice:
    bo = bc.Backoffice.open("memory://", clock=bc.FixedClock(datetime(2026, 1, 31, tzinfo=UTC)),
                            ids=bc.SequentialIds("e"))
    bo.ledger.setup(name, currency=currency, chart=chart)
    return bo


def post(bo: bc.Backoffice, day: date, dr: str, cr: str, amount: str, text: str = "entry",
         **kw: Any) -> bc.JournalEntry:
    return bo.ledger.post(bc.NewEntry(day, text, [bc.debit(dr, amount), bc.credit(cr, amount)],
                                      **kw)).entry


class NoEntryScan:
    """The ledger's read API, except that reading entries fails: reports must use balances."""

    def __init__(self, ledger: Any) -> None:
        self._ledger = ledger
        self.entry_reads: list[str] = []

    def __getattr__(self, name: str) -> Any:
        if name == "entries":
            raise AssertionError("the report scanned entries")
        return getattr(self._ledger, name)

    def entry(self, entry_id: str) -> bc.JournalEntry:
        self.entry_reads.append(entry_id)
        return self._ledger.entry(entry_id)  # type: ignore[no-any-return]


def fx_book() -> bc.Backoffice:
    """USD book: capital, a EUR receipt at 1.0850, revalued at 1.1000 on Jan 31."""
    bo = book()
    post(bo, date(2026, 1, 2), "1120", "3100", "1000.00")
    bo.ledger.set_rate("EUR", "USD", date(2026, 1, 10), "1.0850")
    bo.ledger.post(bc.NewEntry(date(2026, 1, 10), "Export",
                               [bc.Line("1130", bc.Money("2000.00", "EUR")),
                                bc.credit("4110", "2170.00")]))
    bo.ledger.set_rate("EUR", "USD", JAN31, "1.1000")
    bo.ledger.revalue(JAN31)
    return bo


# --------------------------------------------------------------------------- trial balance
def test_trial_balance_debits_equal_credits_in_every_currency() -> None:
    bo = fx_book()
    tb = trial_balance(bo.ledger)
    assert tb.currencies == ("USD", "EUR")
    for t in tb.totals:
        rows = [r for r in tb.rows if r.currency == t.currency]
        assert sum((r.debit for r in rows), D(0)) == t.debit
        assert sum((r.credit for r in rows), D(0)) == t.credit
        assert t.debit == t.credit
        assert sum((r.net for r in rows), D(0)) == 0
    assert tb.functional_total.debit == tb.functional_total.credit
    assert tb.is_balanced
    eur_bank = next(r for r in tb.rows if r.code == "1130")
    assert (eur_bank.currency, eur_bank.debit, eur_bank.functional_debit) == (
        "EUR", D("2000.00"), D("2200.00"))  # 2000 EUR revalued at 1.10
    for r in tb.rows:
        assert bc.Money(r.net, r.currency) == bo.ledger.balance(r.code, r.currency, rollup=False)


def test_trial_balance_is_not_balanced_when_the_columns_differ() -> None:
    bo = book()
    post(bo, JAN15, "1110", "4100", "10.00")
    tb = trial_balance(bo.ledger)
    broken = type(tb)(tb.company, tb.functional_currency, tb.as_of, tb.rows[:1], tb.totals[:0],
                      type(tb.functional_total)("USD", D("10.00"), D("0.00")))
    assert tb.is_balanced and not broken.is_balanced
    assert "NOT BALANCED" in broken.render("en_US")


def test_trial_balance_as_of_a_date_leaves_out_later_entries() -> None:
    bo = book()
    post(bo, date(2026, 1, 5), "1110", "4100", "100.00")
    post(bo, date(2026, 2, 10), "1110", "4100", "50.00")
    jan = trial_balance(bo.ledger, as_of=JAN31)
    now = trial_balance(bo.ledger)
    assert jan.as_of == JAN31 and now.as_of is None
    assert [(r.code, r.debit, r.credit) for r in jan.rows] == [
        ("1110", D("100.00"), D("0.00")), ("4100", D("0.00"), D("100.00"))]
    assert now.total("USD").debit == D("150.00")
    assert trial_balance(bo.ledger, as_of=date(2025, 12, 31)).rows == ()


def test_trial_balance_reads_running_balances_never_entries() -> None:
    bo = fx_book()
    spy = NoEntryScan(bo.ledger)
    assert trial_balance(spy, as_of=JAN31) == trial_balance(bo.ledger, as_of=JAN31)
    assert spy.entry_reads == []


def test_trial_balance_can_keep_one_currency_and_leaves_out_holds() -> None:
    bo = fx_book()
    bo.ledger.hold(bc.NewEntry(JAN15, "Card auth", [bc.debit("1140", "70.00"),
                                                     bc.credit("4100", "70.00")]))
    eur = trial_balance(bo.ledger, currency="eur")
    assert {r.currency for r in eur.rows} == {"EUR"}
    assert eur.is_balanced  # each currency group balances on its own, functional too
    assert all(r.code != "1140" for r in trial_balance(bo.ledger).rows)
    with pytest.raises(ValidationError) as info:
        trial_balance(bo.ledger, as_of="2026-01-31")  # type: ignore[arg-type]
    assert info.value.field == "as_of"
    with pytest.raises(NotFoundError) as nf:
        trial_balance(bo.ledger, currency="ABC")
    assert nf.value.field == "currency"


# --------------------------------------------------------------------------- general ledger
def test_general_ledger_opening_running_and_closing_balances() -> None:
    bo = book()
    post(bo, date(2026, 1, 3), "1110", "4100", "100.00", "Sale 1")
    post(bo, date(2026, 1, 12), "1110", "4100", "40.00", "Sale 2", reference="INV-2")
    post(bo, date(2026, 1, 14), "6400", "1110", "15.50", "Supplies")
    post(bo, date(2026, 2, 1), "1110", "4100", "1.00", "Later")
    gl = general_ledger(bo.ledger, "1110", date(2026, 1, 10), JAN31)
    assert gl.opening == D("100.00") == bo.ledger.balance("1110", as_of=date(2026, 1, 9)).amount
    assert [(x.description, x.reference, x.debit, x.credit, x.balance) for x in gl.lines] == [
        ("Sale 2", "INV-2", D("40.00"), D("0.00"), D("140.00")),
        ("Supplies", "", D("0.00"), D("15.50"), D("124.50"))]
    assert gl.closing == D("124.50") == bo.ledger.balance("1110", as_of=JAN31).amount
    assert gl.closing == gl.opening + gl.total_debit - gl.total_credit
    assert [x.seq for x in gl.lines] == [2, 3]
    assert gl.lines[0].entry_id == bo.ledger.entries(account="1110")[1].id


def test_general_ledger_of_a_parent_rolls_up_its_descendants() -> None:
    bo = book()
    post(bo, date(2026, 1, 2), "1120", "3100", "500.00")
    post(bo, date(2026, 1, 5), "1110", "1120", "80.00", "Cash withdrawal")
    post(bo, date(2026, 1, 6), "6400", "1110", "30.00")
    gl = general_ledger(bo.ledger, "1000", JAN1, JAN31)
    assert gl.rollup
    assert [(x.account, x.amount) for x in gl.lines] == [
        ("1120", D("500.00")), ("1110", D("80.00")), ("1120", D("-80.00")),
        ("1110", D("-30.00"))]
    assert gl.closing == D("470.00") == bo.ledger.balance("1000", as_of=JAN31).amount
    assert "1120" in gl.render("en_US")


def test_general_ledger_shows_reversals_but_not_pending_holds() -> None:
    bo = book()
    wrong = post(bo, date(2026, 1, 5), "1110", "4100", "99.00", "Typo")
    bo.ledger.reverse(wrong.id, on=date(2026, 1, 6))
    bo.ledger.hold(bc.NewEntry(date(2026, 1, 7), "Hold", [bc.debit("1110", "5.00"),
                                                          bc.credit("4100", "5.00")]))
    gl = general_ledger(bo.ledger, "1110", JAN1, JAN31)
    assert [x.amount for x in gl.lines] == [D("99.00"), D("-99.00")]
    assert gl.closing == D("0.00")


def test_general_ledger_in_a_foreign_currency_carries_functional_columns() -> None:
    bo = fx_book()
    gl = general_ledger(bo.ledger, "1130", JAN1, JAN31, currency="EUR")
    assert [(x.amount, x.functional, x.functional_balance) for x in gl.lines] == [
        (D("2000.00"), D("2170.00"), D("2170.00")),
        (D("0.00"), D("30.00"), D("2200.00"))]  # the revaluation moves only USD
    assert (gl.closing, gl.closing_functional) == (D("2000.00"), D("2200.00"))
    assert general_ledger(bo.ledger, "1130", JAN1, JAN31).lines == ()  # USD: none


def test_general_ledger_refuses_unknown_accounts_and_reversed_periods() -> None:
    bo = book()
    with pytest.raises(NotFoundError) as nf:
        general_ledger(bo.ledger, "9999", JAN1, JAN31)
    assert (nf.value.field, nf.value.value) == ("account", "9999")
    with pytest.raises(ValidationError) as ve:
        general_ledger(bo.ledger, "1110", JAN31, JAN1)
    assert ve.value.field == "end"


# --------------------------------------------------------------------------- income statement
def _month(bo: bc.Backoffice) -> None:
    post(bo, date(2026, 1, 5), "1110", "4100", "1000.00", "Sale")
    post(bo, date(2026, 1, 10), "6200", "1120", "300.00", "Rent")
    post(bo, date(2026, 1, 20), "1140", "4110", "250.00", "Service")
    post(bo, date(2026, 1, 25), "4200", "1110", "40.00", "Return")  # contra income
    post(bo, date(2026, 1, 28), "6100", "1120", "500.00", "Salaries")


def test_income_statement_periods_and_comparative_columns() -> None:
    bo = book()
    _month(bo)
    st_ = income_statement(bo.ledger, JAN1, JAN31, compare=[(JAN1, JAN15), (date(2026, 1, 16),
                                                                            JAN31)])
    assert st_.periods == ((JAN1, JAN31), (JAN1, JAN15), (date(2026, 1, 16), JAN31))
    assert st_.income.totals == (D("1210.00"), D("1000.00"), D("210.00"))
    assert st_.expenses.totals == (D("800.00"), D("300.00"), D("500.00"))
    assert st_.net_income == (D("410.00"), D("700.00"), D("-290.00"))
    for i, period in enumerate(st_.periods):  # a column is the same as its own statement
        alone = income_statement(bo.ledger, *period)
        assert alone.net_income == (st_.net_income[i],)
        for section, combined in zip(alone.sections, st_.sections, strict=True):
            own = {r.code: r.amounts[0] for r in section.rows}
            column = {r.code: r.amounts[i] for r in combined.rows}
            assert {c: column[c] for c in own} == own
            assert all(v == 0 for c, v in column.items() if c not in own)


def test_income_statement_hierarchy_headers_sum_descendants_and_contra_reduces() -> None:
    bo = book()
    _month(bo)
    st_ = income_statement(bo.ledger, JAN1, JAN31)
    rows = {r.code: r for r in st_.income.rows}
    assert [(r.code, r.level, r.header) for r in st_.income.rows] == [
        ("4000", 0, True), ("4100", 1, False), ("4110", 1, False), ("4200", 1, False)]
    assert rows["4200"].amounts == (D("-40.00"),)  # sales returns reduce income
    assert rows["4000"].amounts == (D("1210.00"),) == st_.income.totals
    exp = {r.code: r.amounts[0] for r in st_.expenses.rows}
    assert exp == {"6000": D("800.00"), "6100": D("500.00"), "6200": D("300.00")}


def test_income_statement_reads_balances_not_entries() -> None:
    bo = book()
    _month(bo)
    spy = NoEntryScan(bo.ledger)
    assert income_statement(spy, JAN1, JAN31, compare=[(JAN1, JAN15)]) == income_statement(
        bo.ledger, JAN1, JAN31, compare=[(JAN1, JAN15)])
    assert spy.entry_reads == []  # no closed year: no entry read at all


def test_income_statement_after_year_end_closing_shows_the_years_activity() -> None:
    bo = book()
    bo.ledger.add_fiscal_year(bc.FiscalYear.monthly("FY2026", JAN1))
    bo.ledger.add_fiscal_year(bc.FiscalYear.monthly("FY2027", date(2027, 1, 1)))
    _month(bo)
    post(bo, date(2026, 7, 1), "1110", "4100", "90.00")
    post(bo, date(2027, 3, 1), "6400", "1110", "20.00")
    year = (JAN1, date(2026, 12, 31))
    before = income_statement(bo.ledger, *year)
    closing = bo.ledger.close_year("FY2026")
    assert bo.ledger.balance("4100").amount == 0  # the closing zeroed income
    spy = NoEntryScan(bo.ledger)
    after = income_statement(spy, *year, compare=[(JAN1, JAN31), (date(2027, 1, 1),
                                                                  date(2027, 12, 31))])
    assert spy.entry_reads == [closing.id]
    assert after.net_income[0] == before.net_income[0] == D("500.00")
    assert after.income.totals[0] == before.income.totals[0]
    assert after.net_income[1] == D("410.00")  # January alone: closing not in the period
    assert after.net_income[2] == D("-20.00")  # the next year only has its own activity
    # the balance sheet at year end shows it in retained earnings, none left unclosed
    bs = balance_sheet(bo.ledger, date(2026, 12, 31))
    assert bs.current_year_earnings == (D("0.00"),)
    assert {r.code: r.amounts[0] for r in bs.equity.rows}["3200"] == D("500.00")
    assert bs.is_balanced
    # reopening reverses the closing; the statement is unchanged
    bo.ledger.reopen_year("FY2026")
    assert income_statement(bo.ledger, *year).net_income == (D("500.00"),)


def test_income_statement_lays_a_mixed_type_parent_into_both_sections() -> None:
    bo = book("RUB", "ru_94n")
    post(bo, JAN15, "62.01", "90.01", "1200.00")
    post(bo, JAN15, "90.03", "68.02", "200.00")
    post(bo, JAN15, "90.02", "41.01", "700.00")
    st_ = income_statement(bo.ledger, JAN1, JAN31)
    # VAT (90.03) is a deduction from revenue, not an expense (ПБУ 9/99: revenue is net of
    # VAT and excise; form 2's "Выручка" is 90.01 less 90.03 and 90.04)
    assert [(r.code, r.amounts[0]) for r in st_.income.rows] == [
        ("90", D("1000.00")), ("90.01", D("1200.00")), ("90.03", D("-200.00"))]
    assert [(r.code, r.amounts[0]) for r in st_.expenses.rows] == [
        ("90", D("700.00")), ("90.02", D("700.00"))]
    assert st_.income.totals == (D("1000.00"),)
    assert st_.net_income == (D("300.00"),)


def test_income_statement_refuses_bad_periods() -> None:
    bo = book()
    with pytest.raises(ValidationError) as info:
        income_statement(bo.ledger, JAN31, JAN1)
    assert info.value.field == "end"
    with pytest.raises(ValidationError) as info:
        income_statement(bo.ledger, JAN1, JAN31, compare=[(JAN31, JAN1)])
    assert info.value.field == "compare[0]"
    with pytest.raises(ValidationError) as info:
        income_statement(bo.ledger, JAN1, JAN31, compare=[JAN1])  # type: ignore[list-item]
    assert info.value.field == "compare[0]"


def test_income_statement_takes_a_period_as_a_list_pair() -> None:
    """A period given as a two-item list (what JSON or a notebook gives) is a pair; it
    was refused with "a period is a (start, end) pair"."""
    bo = book()
    as_list = income_statement(bo.ledger, JAN1, JAN31,
                               compare=[[JAN1, JAN15]])  # type: ignore[list-item]
    assert as_list == income_statement(bo.ledger, JAN1, JAN31, compare=[(JAN1, JAN15)])
    with pytest.raises(ValidationError) as info:
        income_statement(bo.ledger, JAN1, JAN31,
                         compare=[[JAN1, JAN15, JAN31]])  # type: ignore[list-item]
    assert info.value.field == "compare[0]"


@pytest.mark.parametrize("compare", [None, JAN1, 5, "2026-01-01"])
def test_statements_refuse_a_compare_that_is_no_list(compare: Any) -> None:
    bo = book()
    post(bo, date(2026, 1, 2), "1120", "3100", "5000.00")
    for build in (lambda: income_statement(bo.ledger, JAN1, JAN31, compare=compare),
                  lambda: balance_sheet(bo.ledger, JAN31, compare=compare)):
        with pytest.raises(ValidationError) as info:
            build()
        assert (info.value.field, info.value.value) == ("compare", compare)


# --------------------------------------------------------------------------- balance sheet
def test_balance_sheet_balances_with_current_year_earnings() -> None:
    bo = book()
    post(bo, date(2026, 1, 2), "1120", "3100", "5000.00")
    _month(bo)
    bs = balance_sheet(bo.ledger, JAN31, compare=[JAN15, date(2025, 12, 31)])
    ist = income_statement(bo.ledger, JAN1, JAN31, compare=[(JAN1, JAN15)])
    assert bs.dates == (JAN31, JAN15, date(2025, 12, 31))
    assert bs.current_year_earnings[:2] == ist.net_income
    assert bs.current_year_earnings[2] == D("0.00")
    assert bs.is_balanced
    assert bs.assets.totals == bs.total_liabilities_and_equity
    assert bs.equity.totals == (D("5410.00"), D("5700.00"), D("0.00"))
    last = bs.equity.rows[-1]
    assert (last.code, last.amounts) == (None, bs.current_year_earnings)


def test_balance_sheet_contra_asset_reduces_assets_under_its_header() -> None:
    bo = book()
    post(bo, date(2026, 1, 2), "1510", "1120", "12000.00")
    post(bo, JAN31, "6500", "1520", "200.00")
    bs = balance_sheet(bo.ledger, JAN31)
    rows = {r.code: r for r in bs.assets.rows}
    assert rows["1520"].amounts == (D("-200.00"),)
    assert rows["1500"].amounts == (D("11800.00"),)
    assert rows["1500"].header and not rows["1520"].header
    assert rows["1000"].amounts == bs.assets.totals == (D("-200.00"),)  # 1120 -12000, 1510
    assert bs.is_balanced


def test_balance_sheet_reads_balances_not_entries() -> None:
    bo = fx_book()
    spy = NoEntryScan(bo.ledger)
    assert balance_sheet(spy, JAN31, [JAN15]) == balance_sheet(bo.ledger, JAN31, [JAN15])
    assert spy.entry_reads == []


def test_balance_sheet_multi_currency_is_balanced_in_functional_terms() -> None:
    bo = fx_book()
    bs = balance_sheet(bo.ledger, JAN31)
    assert bs.is_balanced
    assets = {r.code: r.amounts[0] for r in bs.assets.rows}
    assert assets["1130"] == D("2200.00")
    assert bs.current_year_earnings == (D("2200.00"),)  # 2170 revenue + 30 unrealized gain


def test_balance_sheet_refuses_a_non_date() -> None:
    bo = book()
    with pytest.raises(ValidationError) as info:
        balance_sheet(bo.ledger, JAN31, compare=["2026-01-01"])  # type: ignore[list-item]
    assert info.value.field == "compare[0]"


ACCOUNTS = ["1110", "1120", "1140", "1510", "1520", "2110", "3100", "4100", "4200", "5100",
            "6200", "7300"]
entry_st = st.tuples(st.sampled_from(ACCOUNTS), st.sampled_from(ACCOUNTS),
                     st.integers(1, 10**9), st.integers(1, 31))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(entry_st, min_size=1, max_size=25), st.integers(1, 31))
def test_reports_agree_with_each_other_for_any_postings(entries: list[tuple[str, str, int, int]],
                                                        day: int) -> None:
    bo = book()
    for dr, cr, minor, d in entries:
        if dr == cr:
            continue
        amount = str(bc.Money.from_minor(minor, "USD").amount)
        post(bo, date(2026, 1, d), dr, cr, amount)
    when = date(2026, 1, day)
    tb = trial_balance(bo.ledger, as_of=when)
    bs = balance_sheet(bo.ledger, when)
    ist = income_statement(bo.ledger, JAN1, when)
    assert tb.is_balanced
    assert bs.is_balanced
    assert bs.current_year_earnings == ist.net_income
    pl = sum((r.net for r in tb.rows if r.type in (AccountType.INCOME, AccountType.EXPENSE)),
             D(0))
    assert ist.net_income[0] == -pl


# --------------------------------------------------------------------------- exports
def _all_reports(bo: bc.Backoffice) -> list[Any]:
    return [trial_balance(bo.ledger), general_ledger(bo.ledger, "1000", JAN1, JAN31),
            income_statement(bo.ledger, JAN1, JAN31, compare=[(JAN1, JAN15)]),
            balance_sheet(bo.ledger, JAN31, compare=[JAN15])]


def _values(obj: Any) -> list[Any]:
    return [v for row in obj.to_rows() for v in row.values()]


def test_to_rows_are_plain_dicts_with_exact_decimals_and_no_floats() -> None:
    bo = fx_book()
    for _ in range(3):
        post(bo, JAN15, "1110", "4100", "0.10")
    for report in _all_reports(bo):
        rows = report.to_rows()
        assert rows and all(type(r) is dict for r in rows)
        values = _values(report)
        assert not any(isinstance(v, float) for v in values)
        assert any(isinstance(v, Decimal) for v in values)
    ist = income_statement(bo.ledger, JAN1, JAN31)
    sales = next(r for r in ist.to_rows() if r["code"] == "4100")
    assert sales["2026-01-01..2026-01-31"] == D("0.30")  # 0.1 + 0.1 + 0.1, exactly


def test_to_pandas_keeps_decimal_objects_never_float_columns() -> None:
    pytest.importorskip("pandas")
    bo = fx_book()
    post(bo, JAN15, "1110", "4100", "0.10")
    for report in _all_reports(bo):
        df = report.to_pandas()
        assert len(df) == len(report.to_rows())
        assert not any(str(t).startswith("float") for t in df.dtypes)
        for column, rows in zip(df.columns, zip(*[r.values() for r in report.to_rows()],
                                                strict=True), strict=True):
            if any(isinstance(v, Decimal) for v in rows):
                assert df[column].dtype == object
                assert list(df[column]) == list(rows)


def test_to_pandas_of_an_empty_report_keeps_the_columns() -> None:
    pytest.importorskip("pandas")
    empty, full = book(), fx_book()
    assert list(trial_balance(empty.ledger).to_pandas().columns) == list(
        trial_balance(full.ledger).to_rows()[0])
    gl_empty = general_ledger(empty.ledger, "1130", JAN1, JAN31).to_pandas()
    gl_full = general_ledger(full.ledger, "1130", JAN1, JAN31, currency="EUR").to_rows()
    assert list(gl_empty.columns) == list(gl_full[0])


def test_to_pandas_without_pandas_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    bo = book()
    monkeypatch.setitem(sys.modules, "pandas", None)
    with pytest.raises(ImportError, match=r"pip install backoffice-core\[pandas\]"):
        trial_balance(bo.ledger).to_pandas()


def test_repr_html_escapes_account_names() -> None:
    bo = book()
    bo.ledger.update_account("1110", name="<script>alert(1)</script>")
    bo.ledger.update_account("4100", name="Sales & <b>more</b>")
    post(bo, date(2026, 1, 5), "1110", "4100", "10.00")
    for report in _all_reports(bo):
        html = report._repr_html_()
        assert "<script>" not in html and "<b>more" not in html
        assert html.startswith("<table>") and html.endswith("</table>")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in trial_balance(bo.ledger)._repr_html_()
    assert "Sales &amp; &lt;b&gt;" in income_statement(bo.ledger, JAN1, JAN31)._repr_html_()


@pytest.mark.parametrize(("locale", "words"), [
    ("en_US", ["Trial balance", "Debit", "Total"]),
    ("ru_RU", ["Сальдовая ведомость", "Дебет", "Итого"]),
])
def test_render_formats_amounts_as_babel_does(locale: str, words: list[str]) -> None:
    bo = book()
    post(bo, date(2026, 1, 5), "1120", "4100", "1234567.89")
    sample = babel_numbers.format_decimal(D("1234567.89"), format="#,##0.00", locale=locale)
    tb_text = trial_balance(bo.ledger, as_of=JAN31).render(locale)
    for word in words:
        assert word in tb_text
    for report in _all_reports(bo):
        assert sample in report.render(locale)
    if locale == "ru_RU":
        assert "1\xa0234\xa0567,89" in tb_text


def test_trial_balance_html_shows_the_zero_total_that_render_shows() -> None:
    bo = book()
    post(bo, JAN31, "1110", "4100", "10.00")
    tb = trial_balance(bo.ledger, as_of=JAN1)
    assert tb.rows == ()
    assert "Total" in tb.render("en_US")
    assert "<td>Total</td><td>0.00</td><td>0.00</td>" in tb._repr_html_().replace(
        ' style="text-align:right"', "")
    # a report of one currency without rows: its zero total in that currency, see below
    eur = trial_balance(bo.ledger, currency="EUR")._repr_html_()
    assert "<td>Total</td><td>EUR</td><td>0.00</td><td>0.00</td>" in eur.replace(
        ' style="text-align:right"', "")


@pytest.mark.parametrize("code", ["JPY", "EUR"])
def test_a_trial_balance_of_a_currency_without_rows_totals_in_that_currency(code: str) -> None:
    """Defect: ``trial_balance(currency=X)`` with no row in X had no totals, and rendered
    a zero total of the functional currency (USD, two decimals) as the report's; it is
    now a zero total of X, labelled X, beside the functional columns' zero total."""
    bo = book()
    post(bo, JAN31, "1110", "4100", "10.00")
    tb = trial_balance(bo.ledger, currency=code)
    zero = D("0") if code == "JPY" else D("0.00")  # (JPY has no minor unit)
    assert tb.rows == () and tb.currencies == (code,) and tb.is_balanced
    assert [(t.currency, str(t.debit), str(t.credit)) for t in tb.totals] == [
        (code, str(zero), str(zero))]
    assert tb.functional_total.currency == "USD"
    total = [line.split() for line in tb.render("en_US").splitlines()[3:]]
    assert total == [["Total", code, str(zero), str(zero)], ["Total", "USD", "0.00", "0.00"]]
    usd = trial_balance(bo.ledger, currency="USD")  # the functional currency: as before
    assert usd.currencies == ("USD",) and usd.rows != ()


def test_a_trial_balance_total_is_found_by_a_code_in_any_case() -> None:
    """Defect (found writing its example): ``tb.total("usd")`` gave a zero total labelled
    'usd' beside a USD total of 10.00, though ``trial_balance(currency="usd")`` takes the
    code in any case."""
    bo = book()
    post(bo, JAN31, "1110", "4100", "10.00")
    tb = trial_balance(bo.ledger)
    assert tb.total("usd") == tb.total("USD")
    assert (tb.total("usd").currency, tb.total("usd").debit) == ("USD", D("10.00"))
    assert tb.total("eur").currency == "EUR"
    with pytest.raises(NotFoundError) as info:
        tb.total("XXY")
    assert (info.value.field, info.value.value) == ("currency", "XXY")
    with pytest.raises(ValidationError):
        tb.total(5)  # type: ignore[arg-type]


def test_render_totals_follow_the_report_values() -> None:
    bo = book()
    _month(bo)
    text = income_statement(bo.ledger, JAN1, JAN31).render("de_DE")
    lines = text.splitlines()
    assert lines[0].startswith("Gewinn- und Verlustrechnung, Test Co")
    assert lines[-1].split() == ["Ergebnis", "410,00"]
    assert any(line.split() == ["Summe", "Erträge", "1.210,00"] for line in lines)
    assert any(line.strip().startswith("4200 Sales returns") and line.endswith("-40,00")
               for line in lines)


def test_an_as_of_report_after_a_back_dated_entry_moves() -> None:
    bo = book()
    post(bo, date(2026, 1, 20), "1110", "4100", "10.00")
    first = trial_balance(bo.ledger, as_of=JAN31)
    post(bo, date(2026, 1, 3), "1110", "4100", "5.00")  # back-dated
    assert trial_balance(bo.ledger, as_of=JAN31).total("USD").debit == first.total(
        "USD").debit + D("5.00")
    assert trial_balance(bo.ledger, as_of=JAN31 - timedelta(days=30)).rows == ()


def test_balance_sheet_earnings_line_says_not_yet_closed_not_current_year() -> None:
    """The equity line of income and expense not closed was labelled "Current-year
    earnings" although it also holds earlier years never closed."""
    bo = book()
    post(bo, date(2025, 6, 1), "1120", "4100", "300.00")  # 2025: never closed
    post(bo, date(2026, 1, 5), "1120", "4100", "200.00")
    bs = balance_sheet(bo.ledger, JAN31)
    assert bs.current_year_earnings == (D("500.00"),)  # both years
    last = bs.equity.rows[-1]
    assert (last.code, last.name) == (None, "Earnings not yet closed")
    earnings = [r for r in bs.to_rows() if r["kind"] == "earnings"]
    assert [r["name"] for r in earnings] == ["Earnings not yet closed"]
    assert "Earnings not yet closed" in bs._repr_html_()
    for locale, text in (("en_US", "Earnings not yet closed"),
                         ("ru_RU", "Прибыль (убыток) незакрытых периодов"),
                         ("de_DE", "Ergebnis nicht abgeschlossener Geschäftsjahre")):
        rendered = bs.render(locale)
        assert text in rendered
        assert "Current-year" not in rendered and "отчётного года" not in rendered
        assert "laufenden Jahres" not in rendered


@pytest.mark.parametrize(("locale", "title"), [
    ("en_US", "Trial balance, Test Co, all postings"),
    ("de_DE", "Saldenliste, Test Co, alle Buchungen"),
    ("ru_RU", "Сальдовая ведомость, Test Co, все проводки"),
])
def test_trial_balance_without_a_date_is_titled_for_every_posting(locale: str,
                                                                    title: str) -> None:
    # no "as of" before a word that is not a date ("zum aktuell", "as of current")
    bo = book()
    post(bo, date(2026, 1, 5), "1120", "4100", "10.00")
    post(bo, date(2026, 3, 5), "1120", "4100", "5.00")  # future-dated: in the report too
    report = trial_balance(bo.ledger)
    assert report.render(locale).splitlines()[0] == title
    assert sum(r.debit for r in report.rows) == D("15.00")


def test_render_lines_up_columns_of_japanese_names_by_display_width() -> None:
    """Text tables padded by character count, so a row with a Japanese (double-width)
    account name pushed its amounts past the column in a terminal or notebook: a report
    must come out exactly as with ASCII names of the same display width."""
    from backoffice_core.tables import display_width

    names = {"1110": ("現金", "Cash"), "4100": ("売上高 (国内)", "Sales (local)")}
    assert all(display_width(jp) == len(ascii) for jp, ascii in names.values())
    texts: list[list[str]] = []
    for which in (0, 1):
        bo = book("JPY")
        for code, pair in names.items():
            bo.ledger.update_account(code, name=pair[which])
        post(bo, date(2026, 1, 5), "1110", "4100", "1234567")
        texts.append([r.render(loc) for r in _all_reports(bo) for loc in ("ja_JP", "en_US")])
    for wide, narrow in zip(*texts, strict=True):
        for jp, ascii in names.values():
            narrow = narrow.replace(ascii, jp)
        assert wide == narrow


def test_general_ledger_html_has_the_total_line_render_has_apart_from_the_closing() -> None:
    """Defect: the general ledger's HTML put the period's debit and credit totals on its
    "Closing balance" row, so in a notebook the closing balance read as a debit of the
    totals; render() prints them on a Total line of their own, as the HTML now does."""
    bo = book()
    post(bo, JAN1, "1110", "4100", "100.00")
    post(bo, JAN15, "6200", "1110", "30.00")
    gl = general_ledger(bo.ledger, "1110", JAN1, JAN31)
    rows = [[cell.split(">", 1)[1] for cell in row.split("</td>")[:-1]]
            for row in gl._repr_html_().split("<tbody>")[1].split("</tr>")[:-1]]
    assert [r[3:] for r in rows[-2:]] == [["Total", "", "100.00", "30.00", ""],
                                           ["Closing balance", "", "", "", "70.00"]]
    assert [r[3] for r in rows] == ["Opening balance", "entry", "entry", "Total",
                                    "Closing balance"]
