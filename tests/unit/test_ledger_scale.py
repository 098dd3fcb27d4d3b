"""Chart changes that must not read the book's entries (counted, never timed).

Opening a child account checks that its parent has no postings, and changing an
account's currency that it has none. Both used to read the first of
``iter_entries(account=code)``; on SQLite that query walks the book's entries by date and
finds nothing for a parent account only at the end of the whole history (8,000 entries:
72,000 VM steps against 18,000 at 2,000; docs/performance.md, "Work that grows with the
data"). With the repository's ``has_postings`` they ask one lookup.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

import backoffice_core as bc
from backoffice_core.adapters.memory import MemoryLedgerRepository
from backoffice_core.adapters.sql.ledger import SqlLedgerRepository
from backoffice_core.errors import ValidationError


@pytest.fixture(params=["memory", "sqlite"])
def book(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[bc.Backoffice]:
    url = "memory://" if request.param == "memory" else f"sqlite:///{tmp_path / 'b.db'}"
    bo = bc.Backoffice.open(url, book="b")
    bo.ledger.setup("X", currency="USD", chart="generic")
    bo.ledger.post_many([bc.NewEntry(date(2026, 1, 1 + i % 28), f"e{i}",
                                     [bc.debit("1120", "1.00"), bc.credit("4100", "1.00")])
                         for i in range(300)])
    yield bo


def _watch(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Record each ``iter_entries`` call (its account) on both adapters' repositories."""
    seen: list[str] = []
    for cls in (MemoryLedgerRepository, SqlLedgerRepository):
        original: Callable[..., Any] = cls.iter_entries

        def counted(self: Any, *args: Any, _original: Any = original, **kw: Any) -> Any:
            seen.append(str(kw.get("account", args[2] if len(args) > 2 else None)))
            return _original(self, *args, **kw)

        monkeypatch.setattr(cls, "iter_entries", counted)
    return seen


def test_opening_a_child_account_reads_no_entries(book: bc.Backoffice,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    seen = _watch(monkeypatch)
    child = book.ledger.open_account("1129", "Bank - deposits", "asset", parent="1100")
    assert child.parent == "1100" and seen == []
    with pytest.raises(ValidationError) as err:  # a parent with postings is still refused
        book.ledger.open_account("11201", "Sub-account", "asset", parent="1120")
    assert err.value.field == "parent" and seen == []


def test_changing_a_currency_reads_no_entries(book: bc.Backoffice,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    seen = _watch(monkeypatch)
    book.ledger.open_account("1135", "Bank - EUR", "asset", parent="1100")
    assert book.ledger.update_account("1135", currency="EUR").currency == "EUR"
    with pytest.raises(ValidationError) as err:  # an account with postings keeps its own
        book.ledger.update_account("1120", currency="EUR")
    assert err.value.field == "currency" and seen == []


def test_a_voided_hold_still_counts_as_postings(book: bc.Backoffice) -> None:
    """``has_postings`` counts entries of every status, as ``iter_entries`` does: an
    account that only a voided hold touched keeps its currency."""
    led = book.ledger
    led.open_account("1136", "Bank - CHF", "asset", parent="1100")
    hold = led.hold(bc.NewEntry(date(2026, 2, 1), "Hold",
                                [bc.debit("1136", "5.00"), bc.credit("4100", "5.00")]))
    led.void_pending(hold.entry.id)
    with pytest.raises(ValidationError):
        led.update_account("1136", currency="CHF")


def test_revaluing_many_accounts_reads_each_ones_dimensions_from_an_index() -> None:
    """The memory adapter's ``dimension_names(account)`` (asked once per account a
    revaluation changes) reads an index by account: it used to pass over every running
    total of the book per account (3,200 foreign-currency accounts: 0.77 s, 12x the time
    of 800)."""
    from backoffice_core.adapters.memory import MemoryStore

    class Watched(dict[Any, Any]):
        passes = 0

        def __iter__(self) -> Iterator[Any]:
            type(self).passes += 1
            return super().__iter__()

    store = MemoryStore()
    bo = bc.Backoffice(store, book="b")
    led = bo.ledger
    led.setup("X", currency="USD", chart="generic")
    led.set_rate("EUR", "USD", date(2026, 1, 1), "1.10")
    led.set_rate("EUR", "USD", date(2026, 1, 31), "1.20")
    for i in range(40):
        led.open_account(f"EU{i:03d}", f"EUR {i}", "asset", currency="EUR")
    led.post_many([bc.NewEntry(date(2026, 1, 2), f"e{i}", [
        bc.debit(f"EU{i:03d}", bc.Money("10.00", "EUR"), project=f"P{i % 3}"),
        bc.credit("4100", bc.Money("10.00", "EUR"))]) for i in range(40)])
    book = store._book("b")
    book.balances = Watched(book.balances)
    result = led.revalue(date(2026, 1, 31))
    assert result is not None
    assert {p.dimensions for p in result.entry.postings if p.account == "EU000"} == {
        (("project", "P0"),)}  # revalued by its dimension
    assert Watched.passes == 0
