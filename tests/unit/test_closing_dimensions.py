"""The year-end closing of an account whose posted lines carry several dimensions.

The closing took back each dimension's values on lines of their own and the account's
rest on an untagged line. A line tagged with a project and a department counts in both,
so closing a sale of 1,000 tagged P1 and D1 took back +1,000 for P1, +1,000 for D1 and
-1,000 untagged: the net figures were right, but the account's debit and credit totals
both grew by 2,000 instead of 1,000 (the untagged line had the sign of the balance, not
of its closing). Now every row, the account's and each value's, is taken back by lines
of the sign that closes it (the account's by as few debits and credits as its dimensions
allow), and reopen_year puts every row back.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import backoffice_core as bc
from backoffice_core.ledger.closing import closing_lines
from backoffice_core.ledger.entries import Posting
from backoffice_core.money import from_minor

D = date
_URLS = ["memory://", "sqlite://"]
DIMS = ("dept", "project")
VALUES = {"dept": (None, "D1", "D2"), "project": (None, "P1", "P2", "P3")}
Rows = dict[tuple[str, str, str, str], tuple[int, int, int]]


def _book(url: str = "memory://") -> bc.Backoffice:
    bo = bc.Backoffice.open(url)
    bo.ledger.setup("Dims Co", currency="USD", chart="generic")
    bo.ledger.add_fiscal_year(bc.FiscalYear.monthly("FY2026", D(2026, 1, 1)))
    bo.ledger.add_fiscal_year(bc.FiscalYear.monthly("FY2027", D(2027, 1, 1)))
    return bo


def _rows(bo: bc.Backoffice, account: str) -> Rows:
    """Every balance row of ``account``: (currency, dimension, value) -> debits, credits,
    functional (the untagged row has dimension and value '')."""
    out: Rows = {}
    for dim in (None, *DIMS):
        for b in bo.ledger.balances(dimension=dim) if dim else bo.ledger.balances():
            if b.key.account == account:
                out[(b.key.currency, b.key.dimension, b.key.value, "")] = (
                    b.debits, b.credits, b.functional)
    return out


def _net(rows: Rows) -> dict[Any, tuple[int, int]]:
    return {k: (dr - cr, fn) for k, (dr, cr, fn) in rows.items() if dr - cr or fn}


def _line(amount: str, **dims: str) -> bc.Line:
    return bc.Line("4100", bc.Money(amount, "USD"), dimensions=dims)


@pytest.mark.parametrize("url", _URLS)
def test_a_line_with_two_dimensions_closes_without_growing_the_totals(url: str) -> None:
    bo = _book(url)
    led = bo.ledger
    led.post(bc.NewEntry(D(2026, 3, 1), "Sale", [
        bc.debit("1120", "1000.00"), _line("-1000.00", project="P1", dept="D1")]))
    closing = led.close_year("FY2026")
    lines = [(p.amount, p.dimensions) for p in closing.postings if p.account == "4100"]
    assert lines == [(100000, (("dept", "D1"), ("project", "P1")))]  # one line closes all
    rows = _rows(bo, "4100")
    # each row took back its 1,000 once: a debit of 1,000 against the sale's credit
    assert rows == {("USD", "", "", ""): (100000, 100000, 0),
                    ("USD", "dept", "D1", ""): (100000, 100000, 0),
                    ("USD", "project", "P1", ""): (100000, 100000, 0)}  # was 200000 each side
    assert led.balance("3200") == bc.Money("-1000.00", "USD")
    led.reopen_year("FY2026")
    assert _net(_rows(bo, "4100")) == {("USD", "", "", ""): (-100000, -100000),
                                       ("USD", "dept", "D1", ""): (-100000, -100000),
                                       ("USD", "project", "P1", ""): (-100000, -100000)}
    assert led.verify().ok


@pytest.mark.parametrize("url", _URLS)
def test_mixed_tags_close_on_few_lines_of_the_right_sign(url: str) -> None:
    bo = _book(url)
    led = bo.ledger
    led.post(bc.NewEntry(D(2026, 3, 1), "Sales", [
        bc.debit("1120", "1000.00"),
        _line("-300.00", project="P1", dept="D1"), _line("-200.00", project="P2"),
        _line("-200.00", dept="D2"), _line("-300.00")]))
    closing = led.close_year("FY2026")
    got = [(p.amount, p.dimensions) for p in closing.postings if p.account == "4100"]
    # P2's 200 and D2's 200 close on one line: its rows read as if posted so
    assert got == [(50000, ()), (30000, (("dept", "D1"), ("project", "P1"))),
                   (20000, (("dept", "D2"), ("project", "P2")))]
    assert all(dr == cr for dr, cr, _ in _rows(bo, "4100").values())
    assert _rows(bo, "4100")[("USD", "", "", "")] == (100000, 100000, 0)


def test_a_dimension_that_needs_both_signs_keeps_every_value_row_one_signed() -> None:
    """P1 a credit, P2 a debit, D1 all of it: the project values close with opposite
    signs, the department's by one sign; the untagged total cannot do better than the
    projects' 1,000 + 300."""
    bo = _book()
    led = bo.ledger
    led.post(bc.NewEntry(D(2026, 3, 1), "Mixed", [
        bc.debit("1120", "700.00"), _line("-1000.00", project="P1", dept="D1"),
        _line("300.00", project="P2", dept="D1")]))
    before = _rows(bo, "4100")
    closing = led.close_year("FY2026")
    for key, (dr, cr, _) in _rows(bo, "4100").items():
        b_dr, b_cr, _ = before[key]
        net = b_dr - b_cr
        grown = (dr - b_dr, cr - b_cr)
        if key[1]:  # a value's row: taken back by one sign only
            assert grown == (max(-net, 0), max(net, 0)), key
        else:
            assert sum(grown) == 130000
    assert led.verify().ok
    assert closing.postings[-1] == Posting("3200", -70000, "USD", -70000)


def test_closing_lines_takes_every_row_to_zero_by_hand() -> None:
    lines = closing_lines("4100", "USD", (-500, -500), {
        "dept": {"D1": (-500, -500)}, "project": {"P1": (-100, -100), "P2": (-400, -400)}})
    assert [(p.amount, p.dimensions) for p in lines] == [
        (100, (("dept", "D1"), ("project", "P1"))), (400, (("dept", "D1"), ("project", "P2")))]
    # a foreign balance: amounts and functional values each close their rows
    lines = closing_lines("4110", "EUR", (-100, -110), {"project": {"P1": (-60, -65)}})
    assert [(p.amount, p.functional, p.dimensions) for p in lines] == [
        (40, 45, ()), (60, 65, (("project", "P1"),))]


# ---------------------------------------------------------------- property
_amounts = st.integers(min_value=-50_000, max_value=50_000).filter(bool)
_tags = st.fixed_dictionaries({d: st.sampled_from(VALUES[d]) for d in DIMS})
_lines = st.lists(st.tuples(st.sampled_from(["4100", "6200", "4110"]), _amounts, _tags),
                  max_size=6)


def _least_growth(rows: Rows, currency: str) -> int:
    """The fewest debits and credits that can take the untagged row back: by each
    dimension, its values' balances and the rest untagged in it, each closed whole."""
    net = {k: dr - cr for k, (dr, cr, _) in rows.items() if k[0] == currency}
    total = net.get((currency, "", "", ""), 0)
    best = abs(total)
    for dim in DIMS:
        values = [n for k, n in net.items() if k[1] == dim]
        best = max(best, sum(abs(n) for n in values) + abs(total - sum(values)))
    return best


_CURRENCY = {"4100": "USD", "6200": "USD", "4110": "EUR"}
_OFFSET = {"USD": "1120", "EUR": "1130"}


def _trade(bo: bc.Backoffice, day: date, lines: list[tuple[str, int, dict[str, Any]]]) -> None:
    """Post ``lines`` on ``day``, by currency, each entry balanced on the bank."""
    for code in ("USD", "EUR"):
        mine = [(acc, x, tags) for acc, x, tags in lines if _CURRENCY[acc] == code]
        posted = [bc.Line(acc, from_minor(x, code),
                          dimensions={d: v for d, v in tags.items() if v})
                  for acc, x, tags in mine]
        if sum(x for _, x, _ in mine):
            posted.append(bc.Line(_OFFSET[code], from_minor(-sum(x for _, x, _ in mine), code)))
        if len(posted) > 1:
            bo.ledger.post(bc.NewEntry(day, "Trade", posted))


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(first=_lines, second=_lines)
def test_the_closing_takes_every_row_back_by_its_own_sign(
        first: list[tuple[str, int, dict[str, Any]]],
        second: list[tuple[str, int, dict[str, Any]]],
        new_book: Callable[..., bc.Backoffice]) -> None:
    """USD and EUR income and expense (EUR at two rates, so the functional values are not
    in proportion): after the closing every row reads zero in amount and functional
    value, each value's row grew on the side that closes it only, by its balance, and the
    account's by the least its dimensions allow; reopen_year puts every row back."""
    bo = new_book()
    led = bo.ledger
    led.add_fiscal_year(bc.FiscalYear.monthly("FY2026", D(2026, 1, 1)))
    led.set_rate("EUR", "USD", D(2026, 1, 1), "1.10")
    led.set_rate("EUR", "USD", D(2026, 6, 1), "1.37")
    _trade(bo, D(2026, 3, 1), first)
    _trade(bo, D(2026, 7, 1), second)
    accounts = sorted(_CURRENCY)
    before = {acc: _rows(bo, acc) for acc in accounts}
    closing = led.close_year("FY2026")
    assert sum(p.functional for p in closing.postings) == 0
    for acc in accounts:
        after = _rows(bo, acc)
        assert _net(after) == {}, acc  # every row back to zero, functional value too
        for key, (b_dr, b_cr, _) in before[acc].items():
            dr, cr, _ = after[key]
            net, grown = b_dr - b_cr, (dr - b_dr, cr - b_cr)
            if key[1]:  # a value's row: only the side that closes it grows, by its net
                assert grown == (max(-net, 0), max(net, 0)), (acc, key)
            else:  # the account's: as little as the dimensions allow
                assert sum(grown) == _least_growth(before[acc], key[0]), (acc, key)
    assert led.verify().ok
    led.reopen_year("FY2026")
    for acc in accounts:
        assert _net(_rows(bo, acc)) == _net(before[acc]), acc
    assert led.verify().ok
