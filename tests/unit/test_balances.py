"""Balances: running totals, as of any date, roll-up, dimensions, several currencies."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from typing import Any

import pytest

import backoffice_core as bc
from backoffice_core.adapters.memory import MemoryLedgerRepository
from backoffice_core.errors import NotFoundError, ValidationError
from backoffice_core.ledger import Balance, BalanceKey
from backoffice_core.ledger.balances import BalanceDelta

Jan = Callable[..., bc.NewEntry]


def usd(amount: str) -> bc.Money:
    return bc.Money(amount, "USD")


def test_balance_value_object() -> None:
    b = Balance(BalanceKey("1110", "USD"), debits=1500, credits=250, pending_debits=7,
                pending_credits=3, functional=1250)
    assert b.net == 1250
    assert b.money == usd("12.50")
    assert b.available_debits == 1507
    assert b.available_credits == 253
    assert Balance(BalanceKey("1", "JPY"), credits=5).money == bc.Money("-5", "JPY")


def test_running_balances_follow_every_post(bo: bc.Backoffice, jan: Jan) -> None:
    bo.ledger.post(jan(2, bc.debit("1110", "10.00"), bc.credit("4100", "10.00")))
    bo.ledger.post(jan(3, bc.debit("6200", "3.50"), bc.credit("1110", "3.50")))
    d = bo.ledger.balance_detail("1110")
    assert (d.debits, d.credits, d.functional) == (1000, 350, 650)
    assert bo.ledger.balance("1110") == usd("6.50")
    assert bo.ledger.balance("4100") == usd("-10.00")
    assert bo.ledger.balance("1120") == usd("0.00")  # never posted


def test_reading_balances_never_scans_entries(bo: bc.Backoffice, jan: Jan,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """Balances come from running totals and daily rollups, never from the journal."""
    for d in range(1, 29):
        bo.ledger.post(jan(d, bc.debit("1110", "1.00", project="P"), bc.credit("4100", "1.00")))

    def forbidden(*_: Any, **__: Any) -> Iterator[Any]:
        raise AssertionError("balance read scanned the journal")

    monkeypatch.setattr(MemoryLedgerRepository, "iter_entries", forbidden)
    monkeypatch.setattr(MemoryLedgerRepository, "iter_chain", forbidden)
    assert bo.ledger.balance("1110") == usd("28.00")
    assert bo.ledger.balance("1000") == usd("28.00")
    assert bo.ledger.balance("1110", as_of=date(2026, 1, 10)) == usd("10.00")
    assert bo.ledger.balance("1110", dimension=("project", "P")) == usd("28.00")
    assert len(bo.ledger.balances()) == 2
    assert len(bo.ledger.balances(as_of=date(2026, 1, 3))) == 2


def test_balance_as_of_any_date(bo: bc.Backoffice, jan: Jan) -> None:
    bo.ledger.post(jan(5, bc.debit("1110", "5.00"), bc.credit("4100", "5.00")))
    bo.ledger.post(jan(10, bc.debit("1110", "10.00"), bc.credit("4100", "10.00")))
    assert bo.ledger.balance("1110", as_of=date(2026, 1, 4)) == usd("0.00")
    assert bo.ledger.balance("1110", as_of=date(2026, 1, 5)) == usd("5.00")
    assert bo.ledger.balance("1110", as_of=date(2026, 1, 9)) == usd("5.00")
    assert bo.ledger.balance("1110", as_of=date(2026, 1, 10)) == usd("15.00")
    assert bo.ledger.balance("1110", as_of=date(2030, 1, 1)) == usd("15.00")


def test_backdated_postings_inserted_out_of_order(bo: bc.Backoffice, jan: Jan) -> None:
    for day, amount in [(20, "20.00"), (10, "10.00"), (30, "30.00"), (5, "5.00"),
                        (10, "1.00"), (25, "25.00"), (1, "0.01")]:
        bo.ledger.post(jan(day, bc.debit("1110", amount), bc.credit("4100", amount)))
    expected = {1: "0.01", 4: "0.01", 5: "5.01", 9: "5.01", 10: "16.01", 19: "16.01",
                20: "36.01", 24: "36.01", 25: "61.01", 30: "91.01", 31: "91.01"}
    for day, amount in expected.items():
        assert bo.ledger.balance("1110", as_of=date(2026, 1, day)) == usd(amount), day
    # and after more out-of-order posts the rollup is still right
    bo.ledger.post(jan(3, bc.debit("1110", "100.00"), bc.credit("4100", "100.00")))
    assert bo.ledger.balance("1110", as_of=date(2026, 1, 2)) == usd("0.01")
    assert bo.ledger.balance("1110", as_of=date(2026, 1, 3)) == usd("100.01")
    assert bo.ledger.balance("1110", as_of=date(2026, 1, 31)) == usd("191.01")
    assert bo.ledger.verify().ok


def test_balances_as_of_list(bo: bc.Backoffice, jan: Jan) -> None:
    bo.ledger.post(jan(5, bc.debit("1110", "5.00"), bc.credit("4100", "5.00")))
    bo.ledger.post(jan(10, bc.debit("1120", "7.00"), bc.credit("4100", "7.00")))
    early = {b.key.account: b.net for b in bo.ledger.balances(as_of=date(2026, 1, 6))}
    assert early.get("1110") == 500
    assert early.get("4100") == -500
    assert early.get("1120", 0) == 0
    late = {b.key.account: b.net for b in bo.ledger.balances()}
    assert late == {"1110": 500, "1120": 700, "4100": -1200}


def test_roll_up_through_the_hierarchy(bo: bc.Backoffice, jan: Jan) -> None:
    bo.ledger.post(jan(2, bc.debit("1110", "10.00"), bc.credit("3100", "10.00")))
    bo.ledger.post(jan(2, bc.debit("1120", "20.00"), bc.credit("3100", "20.00")))
    bo.ledger.post(jan(2, bc.debit("1510", "100.00"), bc.credit("1120", "15.00"),
                       bc.credit("2110", "85.00")))
    bo.ledger.post(jan(3, bc.debit("6500", "8.00"), bc.credit("1520", "8.00")))
    assert bo.ledger.balance("1100") == usd("15.00")
    assert bo.ledger.balance("1500") == usd("92.00")  # contra account nets in
    assert bo.ledger.balance("1000") == usd("107.00")
    assert bo.ledger.balance("2000") == usd("-85.00")
    assert bo.ledger.balance("3000") == usd("-30.00")
    assert bo.ledger.balance("1000", rollup=False) == usd("0.00")
    assert bo.ledger.balance("1000", as_of=date(2026, 1, 2)) == usd("115.00")
    d = bo.ledger.balance_detail("1100")
    assert (d.debits, d.credits) == (3000, 1500)


def test_roll_up_over_a_deeper_tree(bo: bc.Backoffice, jan: Jan) -> None:
    bo.ledger.open_account("1190", "Deposits", "asset", parent="1100")
    bo.ledger.open_account("1191", "Deposit A", "asset", parent="1190")
    bo.ledger.open_account("1192", "Deposit B", "asset", parent="1190")
    bo.ledger.post(jan(2, bc.debit("1191", "1.00"), bc.debit("1192", "2.00"),
                       bc.credit("3100", "3.00")))
    assert bo.ledger.balance("1190") == usd("3.00")
    assert bo.ledger.balance("1100") == usd("3.00")
    assert bo.ledger.balance("1000") == usd("3.00")


def test_a_dimension_given_twice_counts_once(bo: bc.Backoffice, jan: Jan) -> None:
    """A line's dimensions hold one value per name, the last given (as a mapping would);
    the same pair given twice as pairs was counted twice in the dimension's balance."""
    line = bc.Line("6200", "1.00", dimensions=[("project", "P1"), ("project", "P1")])
    assert line.dimensions == (("project", "P1"),)
    assert bc.Line("6200", "1.00", dimensions=[("project", "P1"), ("project", "P2")]
                   ).dimensions == (("project", "P2"),)
    bo.ledger.post(jan(2, line, bc.credit("1120", "1.00")))
    assert bo.ledger.balance("6200", dimension=("project", "P1")) == usd("1.00")
    assert bo.ledger.verify().ok


def test_filter_by_dimension(bo: bc.Backoffice, jan: Jan) -> None:
    bo.ledger.post(jan(2, bc.debit("6200", "10.00", project="P1", dept="OPS"),
                       bc.credit("1120", "10.00")))
    bo.ledger.post(jan(3, bc.debit("6200", "4.00", project="P2"), bc.credit("1120", "4.00")))
    bo.ledger.post(jan(4, bc.debit("6300", "1.00", project="P1"), bc.credit("1120", "1.00")))
    assert bo.ledger.balance("6200") == usd("14.00")
    assert bo.ledger.balance("6200", dimension=("project", "P1")) == usd("10.00")
    assert bo.ledger.balance("6200", dimension=("project", "P2")) == usd("4.00")
    assert bo.ledger.balance("6200", dimension=("project", "P3")) == usd("0.00")
    assert bo.ledger.balance("6200", dimension=("dept", "OPS")) == usd("10.00")
    assert bo.ledger.balance("6000", dimension=("project", "P1")) == usd("11.00")
    assert bo.ledger.balance("6200", dimension=("project", "P1"),
                             as_of=date(2026, 1, 1)) == usd("0.00")
    by_project = {(b.key.account, b.key.value): b.net
                  for b in bo.ledger.balances(dimension="project")}
    assert by_project == {("6200", "P1"): 1000, ("6200", "P2"): 400, ("6300", "P1"): 100}
    assert all(b.key.dimension == "" for b in bo.ledger.balances())


def test_multi_currency_balances_are_per_currency(bo: bc.Backoffice, jan: Jan) -> None:
    bo.ledger.post(jan(2, bc.debit("1130", bc.Money("100.00", "EUR")),
                       bc.credit("3100", bc.Money("100.00", "EUR")), rates={"EUR": "1.10"}))
    bo.ledger.post(jan(3, bc.debit("1130", bc.Money("5000", "JPY")),
                       bc.credit("3100", bc.Money("5000", "JPY")), rates={"JPY": "0.0067"}))
    bo.ledger.post(jan(4, bc.debit("1130", "1.00"), bc.credit("3100", "1.00")))
    assert bo.ledger.balance("1130", "EUR") == bc.Money("100.00", "EUR")
    assert bo.ledger.balance("1130", "JPY") == bc.Money("5000", "JPY")
    assert bo.ledger.balance("1130") == usd("1.00")  # default: the functional currency
    assert bo.ledger.balance("1000", "EUR") == bc.Money("100.00", "EUR")
    assert bo.ledger.balance_detail("1130", "EUR").functional == 11000
    assert bo.ledger.balance_detail("1130", "JPY").functional == 3350
    keys = {(b.key.account, b.key.currency) for b in bo.ledger.balances()}
    assert keys == {("1130", "EUR"), ("1130", "JPY"), ("1130", "USD"),
                    ("3100", "EUR"), ("3100", "JPY"), ("3100", "USD")}


def test_balance_of_an_unknown_account(bo: bc.Backoffice) -> None:
    with pytest.raises(NotFoundError) as info:
        bo.ledger.balance("0000")
    assert info.value.field == "account"


def test_books_never_see_each_other(bo: bc.Backoffice, jan: Jan) -> None:
    other = bo.with_book("other")
    other.ledger.setup("Other", currency="USD", chart="generic")
    bo.ledger.post(jan(2, bc.debit("1110", "10.00"), bc.credit("4100", "10.00")))
    assert other.ledger.balance("1110") == usd("0.00")
    assert other.ledger.entries() == []
    assert other.ledger.balances() == []


def test_balances_come_in_key_order_on_every_adapter() -> None:
    """``balances()`` is sorted by key (account, currency, dimension, value): the memory
    adapter keeps the order balances were first touched in, SQL stores sort them."""
    seen = []
    for url in ("memory://", "sqlite://"):
        bo = bc.Backoffice.open(url, ids=bc.SequentialIds("e"))
        bo.ledger.setup("X", currency="USD", chart="generic")
        bo.ledger.post(bc.NewEntry(date(2026, 1, 2), "Sale", [
            bc.debit("4100", "10.00", project="P2"), bc.credit("1110", "10.00", project="P1")]))
        bo.ledger.post(bc.NewEntry(date(2026, 1, 3), "Cash", [
            bc.debit("1120", "5.00"), bc.credit("3100", "5.00")]))
        for dim in ("", "project"):
            keys = [b.key for b in bo.ledger.balances(dimension=dim)]
            assert keys == sorted(keys) and keys, (url, dim)
            as_of = [b.key for b in bo.ledger.balances(as_of=date(2026, 1, 31), dimension=dim)]
            assert as_of == keys
        seen.append([b.key for b in bo.ledger.balances()])
    assert seen[0] == seen[1]


def test_plus_adds_only_a_delta_of_its_own_total() -> None:
    """Defect (found writing its example): ``Balance.plus`` added a delta of any account or
    currency and kept its own key: 1110's USD total took 4100's EUR credits silently."""
    cash = Balance(BalanceKey("1110", "USD"), debits=1500)
    assert cash.plus(BalanceDelta(BalanceKey("1110", "USD"), date(2026, 1, 5), 1, 2)).net == 1499
    for other in (BalanceKey("4100", "USD"), BalanceKey("1110", "EUR"),
                  BalanceKey("1110", "USD", "project", "P1")):
        with pytest.raises(ValidationError) as info:
            cash.plus(BalanceDelta(other, date(2026, 1, 5), credits=400))
        assert (info.value.field, info.value.value) == ("delta.key", other)
