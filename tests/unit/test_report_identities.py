"""Accounting identities of the reports over random multi-currency histories.

A history mixes functional and foreign entries (EUR, and JPY with no minor digits),
rate changes, revaluations (some reversed the next day), reversals, holds posted or
voided, and the closing and reopening of two fiscal years. Whatever the history, at
any date an accountant relies on:

* the trial balance sums to zero per currency and in the functional currency, and its
  rows are the running balances;
* the balance sheet balances; each leaf row is the account's functional balance as of
  the date; a header is the sum of its rows; a comparative column is the sheet of that
  date alone; the earnings line is the income and expense left unclosed;
* the income statement of a period is the change, over the period, of retained
  earnings plus unclosed earnings (retained earnings move only by closings), and is the
  income and expense activity of the period with closing entries (and the reversal of a
  closing, on reopening) left out; a comparative column is the statement of that period
  alone;
* a closed year leaves no income or expense balance at its end;
* the general ledger runs from the balance before the period to the balance at its end,
  line by line, in date order (entry order within a day);
* after a revaluation, every foreign monetary balance is carried at balance x rate;
* ``to_rows()`` and ``_repr_html_`` carry the same exact ``Decimal`` values.
"""

from __future__ import annotations

import html
import os
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

import backoffice_core as bc
from backoffice_core.errors import BackofficeError
from backoffice_core.ledger import AccountType, EntryKind, EntryStatus
from backoffice_core.ledger.posting import convert_minor
from backoffice_core.ledger.reports import (
    balance_sheet,
    general_ledger,
    income_statement,
    trial_balance,
)
from backoffice_core.money import from_minor

D = Decimal
Y26, Y27 = date(2026, 1, 1), date(2027, 1, 1)
END26, END27 = date(2026, 12, 31), date(2027, 12, 31)
USD = ["1110", "1120", "1140", "2110", "3100", "4100", "5100", "6200", "1520"]
FOREIGN = ["1130", "1140", "2110"]  # monetary accounts that hold foreign currency
RATES = {"EUR": [D("1.0850"), D("1.1"), D("0.9731"), D("1.2345")],
         "JPY": [D("0.0067"), D("0.00712"), D("0.0069")]}
PL = (AccountType.INCOME, AccountType.EXPENSE)

day_st = st.integers(0, 729).map(lambda n: Y26 + timedelta(days=n))
amount_st = st.integers(1, 10**7)
op_st = st.one_of(
    st.tuples(st.just("usd"), st.sampled_from(USD), st.sampled_from(USD), amount_st, day_st),
    st.tuples(st.just("fx"), st.sampled_from(FOREIGN), st.sampled_from(["EUR", "JPY"]),
              amount_st, day_st, st.sampled_from(["4100", "1120", "6200", "2110", "1130"]),
              st.sampled_from([1, -1])),
    st.tuples(st.just("rate"), st.sampled_from(["EUR", "JPY"]), day_st, st.integers(0, 3)),
    st.tuples(st.just("revalue"), day_st, st.booleans()),
    st.tuples(st.just("reverse"), st.integers(0, 50), st.integers(0, 40)),
    st.tuples(st.just("hold"), st.sampled_from(USD), st.sampled_from(USD), amount_st, day_st,
              st.sampled_from(["post", "part", "void", "keep"])),
    st.tuples(st.just("year"), st.sampled_from(["FY2026", "FY2026", "FY2027"]),
              st.sampled_from(["close", "close", "reopen"])),
)


def _book() -> bc.Backoffice:
    bo = bc.Backoffice.open("memory://", clock=bc.FixedClock(datetime(2026, 1, 31, tzinfo=UTC)),
                            ids=bc.SequentialIds("e"))
    bo.ledger.setup("Identity Co", currency="USD", chart="generic")
    bo.ledger.add_fiscal_year(bc.FiscalYear.monthly("FY2026", Y26))
    bo.ledger.add_fiscal_year(bc.FiscalYear.monthly("FY2027", Y27))
    for cur, rates in RATES.items():
        bo.ledger.set_rate(cur, "USD", Y26, rates[0])
    return bo


def _apply(bo: bc.Backoffice, op: tuple[Any, ...]) -> None:
    """Run one operation; a refusal (a closed period, a limit, ...) changes nothing."""
    led = bo.ledger
    kind = op[0]
    if kind == "usd":
        _, dr, cr, amount, day = op
        if dr != cr:
            money = from_minor(amount, "USD")
            led.post(bc.NewEntry(day, "usd", [bc.debit(dr, money), bc.credit(cr, money)]))
    elif kind == "fx":
        _, acc, cur, amount, day, other, sign = op
        if acc == other:
            return
        rate = led.rate(cur, "USD", day)
        if other in FOREIGN:  # both lines foreign: converted at the rate table's rate
            lines = [bc.Line(acc, from_minor(sign * amount, cur)),
                     bc.Line(other, from_minor(-sign * amount, cur))]
        else:
            fn = convert_minor(sign * amount, cur, rate, "USD")
            if fn == 0:
                return
            lines = [bc.Line(acc, from_minor(sign * amount, cur)),
                     bc.Line(other, from_minor(-fn, "USD"))]
        led.post(bc.NewEntry(day, f"{cur} entry", lines))
    elif kind == "rate":
        _, cur, day, i = op
        led.set_rate(cur, "USD", day, RATES[cur][i % len(RATES[cur])])
    elif kind == "revalue":
        _, day, back = op
        before = {b.key: b for b in led.balances(as_of=day)}
        result = led.revalue(day, reverse_on=day + timedelta(days=1) if back else None)
        if result is not None:
            _check_revaluation(bo, day, before, result.entry)
    elif kind == "reverse":
        _, i, later = op
        done = [e for e in led.entries() if e.kind is EntryKind.STANDARD
                and e.status is EntryStatus.POSTED]
        if done:
            target = done[i % len(done)]
            led.reverse(target.id, on=min(target.date + timedelta(days=later), END27))
    elif kind == "hold":
        _, dr, cr, amount, day, then = op
        if dr == cr:
            return
        money = from_minor(amount, "USD")
        held = led.hold(bc.NewEntry(day, "hold", [bc.debit(dr, money),
                                                  bc.credit(cr, money)])).entry
        if then == "post":
            led.post_pending(held.id)
        elif then == "part":
            led.post_pending(held.id, amount=from_minor(max(amount // 3, 1), "USD"))
        elif then == "void":
            led.void_pending(held.id)
    else:
        _, year, what = op
        (led.close_year if what == "close" else led.reopen_year)(year)


def _check_revaluation(bo: bc.Backoffice, on: date, before: dict[Any, Any],
                       entry: bc.JournalEntry) -> None:
    """Each foreign monetary balance is carried at balance x rate of ``on``; a balance
    that is zero in its currency has its functional rest taken out (realized, on the
    ``fx_gain``/``fx_loss`` accounts), every other difference is unrealized."""
    led = bo.ledger
    roles = led.settings().roles
    accounts = {a.code: a for a in led.accounts()}
    realized = unrealized = 0
    for b in led.balances(as_of=on):
        acc = accounts[b.key.account]
        if (b.key.currency == "USD" or acc.type not in (AccountType.ASSET, AccountType.LIABILITY)
                or acc.code == roles["currency_trading"]):
            continue
        rate = led.rate(b.key.currency, "USD", on)
        assert b.functional == convert_minor(b.net, b.key.currency, rate, "USD"), b.key
        old = before.get(b.key)
        diff = b.functional - (old.functional if old else 0)
        if b.net == 0:
            realized += diff
        else:
            unrealized += diff
    booked = {code: -sum(p.functional for p in entry.postings if p.account == code)
              for code in ("7200", "8200", "7300", "8300")}
    assert booked["7200"] + booked["8200"] == realized
    assert booked["7300"] + booked["8300"] == unrealized


def _pl_net(bo: bc.Backoffice, day: date) -> int:
    """Income minus expenses left in the income and expense accounts as of ``day``."""
    types = {a.code: a.type for a in bo.ledger.accounts()}
    return -sum(b.functional for b in bo.ledger.balances(as_of=day) if types[b.key.account] in PL)


def _fn(bo: bc.Backoffice, code: str, day: date) -> int:
    return sum(b.functional for b in bo.ledger.balances(as_of=day) if b.key.account == code)


def _minor(value: Decimal, digits: int = 2) -> int:
    scaled = value.scaleb(digits)
    assert scaled == scaled.to_integral_value(), value
    return int(scaled)


def _check_rows(report: Any, keys: list[str]) -> None:
    """Rows carry exact Decimals; each section total is the sum of its leaf rows; the
    HTML shows every value of the rows."""
    rows = report.to_rows()
    text = report._repr_html_()
    for row in rows:
        for key in keys:
            assert type(row[key]) is Decimal, row
            assert f">{html.escape(str(row[key]))}<" in text, (row, key)
    for sec in report.sections:
        for key_i, key in enumerate(keys):
            leaves = [r[key] for r in rows if r["section"] == sec.key and r["kind"] in
                      ("account", "earnings")]
            total = next(r[key] for r in rows if r["section"] == sec.key and r["kind"] == "total")
            assert sum(leaves, D(0)) == total == sec.totals[key_i]


def _check_tree(section: Any, accounts: dict[str, Any], column: int) -> None:
    """A header row is the sum of the rows directly under it."""
    rows = [r for r in section.rows if r.code is not None]
    for r in rows:
        if r.header:
            kids = [k.amounts[column] for k in rows if accounts[k.code].parent == r.code]
            assert sum(kids, D(0)) == r.amounts[column], r.code


def _check_day(bo: bc.Backoffice, day: date, other: date) -> None:
    led = bo.ledger
    accounts = {a.code: a for a in led.accounts()}
    tb = trial_balance(led, as_of=day)
    assert tb.is_balanced
    raw = {(b.key.account, b.key.currency): (b.net, b.functional)
           for b in led.balances(as_of=day) if b.net or b.functional}
    digits = {"USD": 2, "EUR": 2, "JPY": 0}
    assert {(r.code, r.currency): (_minor(r.net, digits[r.currency]), _minor(r.functional))
            for r in tb.rows} == raw
    bs = balance_sheet(led, day, compare=[other])
    assert bs.is_balanced
    assert bs.current_year_earnings[0] == from_minor(_pl_net(bo, day), "USD").amount
    alone = balance_sheet(led, other)
    for sec, sec_alone in zip(bs.sections, alone.sections, strict=True):
        assert sec.totals[1] == sec_alone.totals[0]
        shown = {r.code: r.amounts[1] for r in sec.rows if any(r.amounts[1:])}
        assert shown == {r.code: r.amounts[0] for r in sec_alone.rows if any(r.amounts)}
        for r in sec.rows:
            if r.code is not None and not r.header:
                sign = 1 if sec.key == "assets" else -1
                assert r.amounts[0] == from_minor(sign * _fn(bo, r.code, day), "USD").amount
        _check_tree(sec, accounts, 0)
    _check_rows(bs, bs.column_keys())


def _activity(bo: bc.Backoffice, start: date, end: date) -> int:
    """Income minus expenses posted in ``[start, end]``, closings and their reversals left
    out (an entries scan, the slow way round)."""
    types = {a.code: a.type for a in bo.ledger.accounts()}
    entries = bo.ledger.entries(start, end)
    closings = {e.id for e in bo.ledger.entries() if e.kind is EntryKind.CLOSING}
    out = 0
    for e in entries:
        if e.status is not EntryStatus.POSTED or e.id in closings or e.related in closings:
            continue
        out -= sum(p.functional for p in e.postings if types[p.account] in PL)
    return out


def _check_period(bo: bc.Backoffice, start: date, end: date, other: tuple[date, date]) -> None:
    led = bo.ledger
    accounts = {a.code: a for a in led.accounts()}
    ist = income_statement(led, start, end, compare=[other])
    for i, (s, e) in enumerate(ist.periods):
        net = _minor(ist.net_income[i])
        assert net == _activity(bo, s, e), (s, e)
        before = s - timedelta(days=1)
        moved = (_pl_net(bo, e) - _fn(bo, "3200", e)) - (_pl_net(bo, before)
                                                        - _fn(bo, "3200", before))
        assert net == moved, (s, e)
        for sec in ist.sections:
            _check_tree(sec, accounts, i)
    alone = income_statement(led, *other)
    assert alone.net_income[0] == ist.net_income[1]
    for sec, sec_alone in zip(ist.sections, alone.sections, strict=True):
        assert sec.totals[1] == sec_alone.totals[0]
    _check_rows(ist, ist.column_keys())


def _check_general_ledger(bo: bc.Backoffice, code: str, currency: str, start: date,
                          end: date) -> None:
    led = bo.ledger
    gl = general_ledger(led, code, start, end, currency=currency)
    digits = 0 if currency == "JPY" else 2
    opening = led.balance_detail(code, currency, as_of=start - timedelta(days=1))
    closing = led.balance_detail(code, currency, as_of=end)
    assert (_minor(gl.opening, digits), _minor(gl.opening_functional)) == (
        opening.net, opening.functional)
    assert (_minor(gl.closing, digits), _minor(gl.closing_functional)) == (
        closing.net, closing.functional)
    bal, fbal = gl.opening, gl.opening_functional
    keys = []
    for x in gl.lines:
        assert start <= x.date <= end
        bal, fbal = bal + x.debit - x.credit, fbal + x.functional
        assert (x.balance, x.functional_balance) == (bal, fbal)
        keys.append((x.date, x.seq))
    assert keys == sorted(keys)
    assert (bal, fbal) == (gl.closing, gl.closing_functional)
    assert gl.total_debit - gl.total_credit == gl.closing - gl.opening


@settings(max_examples=int(os.environ.get("REPORT_EXAMPLES", "100")), deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(ops=st.lists(op_st, min_size=5, max_size=35), days=st.lists(day_st, min_size=4,
                                                                   max_size=4))
def test_report_identities_hold_over_any_multi_currency_history(ops: list[Any],
                                                                days: list[date]) -> None:
    bo = _book()
    for op in ops:
        try:
            _apply(bo, op)
            event(f"ok {op[0]}")
        except BackofficeError as err:
            event(f"refused {op[0]} {type(err).__name__}")
    assert bo.ledger.verify().ok
    for fy in bo.ledger.fiscal_years():  # a closed year leaves no income or expense
        if fy.closed:
            assert _pl_net(bo, fy.end) == 0, fy.name
    a, b, c, d = sorted(days)
    for day, other in ((a, d), (c, b), (END26, END27)):
        _check_day(bo, day, other)
    for start, end, other in ((a, c, (b, d)), (Y26, END26, (Y27, END27)),
                              (b, d, (a, a)), (date(2026, 7, 1), date(2027, 6, 30), (c, d))):
        _check_period(bo, start, end, other)
    for code, cur in (("1130", "EUR"), ("1100", "USD"), ("1140", "JPY"), ("4000", "USD"),
                      ("3500", "EUR")):
        _check_general_ledger(bo, code, cur, a, c)
        _check_general_ledger(bo, code, cur, Y26, END27)
