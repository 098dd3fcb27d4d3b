"""verify(): the books prove themselves; an edit made behind the ledger's back is found."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest

import backoffice_core as bc
from backoffice_core.ledger import BalanceKey, Posting
from backoffice_core.ledger.entries import chain_hash

Jan = Callable[..., bc.NewEntry]


def _store(bo: bc.Backoffice) -> Any:
    """The memory adapter's book internals (tests only)."""
    return bo._uow_factory._books[bo.book]  # type: ignore[attr-defined]


@pytest.fixture
def busy(bo: bc.Backoffice, jan: Jan) -> bc.Backoffice:
    """A book with plain, dimensioned, foreign, reversed, held and resolved entries."""
    led = bo.ledger
    led.post(jan(2, bc.debit("1120", "1000.00"), bc.credit("3100", "1000.00")))
    led.post(jan(3, bc.debit("6200", "100.00", project="P1"), bc.credit("1120", "100.00")))
    e = led.post(jan(4, bc.debit("1110", "10.00"), bc.credit("4100", "10.00"))).entry
    led.reverse(e.id, on=date(2026, 1, 5))
    led.post(jan(6, bc.debit("1130", bc.Money("50.00", "EUR")), bc.credit("1120", "55.00"),
                 rates={"EUR": "1.10"}))
    h1 = led.hold(jan(7, bc.debit("1140", "30.00"), bc.credit("4100", "30.00"))).entry
    led.post_pending(h1.id, amount="20.00")
    h2 = led.hold(jan(8, bc.debit("1140", "5.00"), bc.credit("4100", "5.00"))).entry
    led.void_pending(h2.id)
    led.hold(jan(9, bc.debit("1140", "7.00"), bc.credit("4100", "7.00")),
             timeout=timedelta(days=1))
    return bo


def test_a_clean_book_verifies(busy: bc.Backoffice) -> None:
    report = busy.ledger.verify()
    assert report.ok, report.problems
    assert bool(report)
    assert report.problems == ()
    assert report.entries_checked == len(busy.ledger.entries()) == 10
    for dr, cr in report.totals.values():
        assert dr == cr
    assert set(report.totals) == {"USD", "EUR"}


def test_an_empty_book_verifies(bo: bc.Backoffice) -> None:
    report = bo.ledger.verify()
    assert report.ok
    assert report.entries_checked == 0


@pytest.mark.parametrize("index", [0, 2, 5, 9])
def test_an_entry_altered_in_storage_is_named(busy: bc.Backoffice, index: int) -> None:
    entries = _store(busy).entries
    victim = entries[index]
    entries[index] = victim._replace(description=victim.description + " (edited)")
    report = busy.ledger.verify()
    assert not report.ok
    assert not bool(report)
    assert any(victim.id in p and "altered" in p for p in report.problems), report.problems


def test_an_altered_amount_is_named(busy: bc.Backoffice) -> None:
    entries = _store(busy).entries
    victim = entries[1]
    doubled = tuple(Posting(p.account, p.amount * 2, p.currency, p.functional * 2,
                            p.dimensions, p.memo) for p in victim.postings)
    entries[1] = victim._replace(postings=doubled)
    problems = busy.ledger.verify().problems
    assert any(victim.id in p for p in problems)
    assert any("6200" in p for p in problems)  # its running balance no longer matches


def test_a_re_hashed_forgery_breaks_the_chain(busy: bc.Backoffice) -> None:
    entries = _store(busy).entries
    victim = entries[3]
    forged = victim._replace(description="nothing to see")
    forged = forged._replace(hash=chain_hash(forged))
    entries[3] = forged
    problems = busy.ledger.verify().problems
    assert any(entries[4].id in p and "chain" in p for p in problems), problems


def test_an_unbalanced_entry_in_storage_is_named(busy: bc.Backoffice) -> None:
    entries = _store(busy).entries
    victim = entries[0]
    first, second = victim.postings
    cheaper = Posting(second.account, -1, second.currency, -1, second.dimensions, second.memo)
    tampered = victim._replace(postings=(first, cheaper))
    entries[0] = tampered._replace(hash=chain_hash(tampered))
    problems = busy.ledger.verify().problems
    assert any(victim.id in p and "balance" in p for p in problems), problems


def test_a_running_balance_altered_in_storage_is_named(busy: bc.Backoffice) -> None:
    _store(busy).balances[BalanceKey("1120", "USD")][0] += 1
    report = busy.ledger.verify()
    assert not report.ok
    assert any("1120/USD" in p for p in report.problems), report.problems


def test_an_altered_pending_total_is_named(busy: bc.Backoffice) -> None:
    _store(busy).balances[BalanceKey("1140", "USD")][2] += 100
    problems = busy.ledger.verify().problems
    assert any("1140" in p for p in problems), problems


def test_an_altered_dimension_total_is_named(busy: bc.Backoffice) -> None:
    _store(busy).balances[BalanceKey("6200", "USD", "project", "P1")][0] -= 1
    problems = busy.ledger.verify().problems
    assert any("6200" in p and "project" in p for p in problems), problems


def test_a_removed_entry_leaves_a_seq_gap(busy: bc.Backoffice) -> None:
    entries = _store(busy).entries
    removed = entries.pop(4)
    after = entries[4]
    problems = busy.ledger.verify().problems
    assert any(after.id in p and f"expected {removed.seq}" in p for p in problems), problems


def test_a_removed_last_entry_shows_in_the_balances(busy: bc.Backoffice) -> None:
    entries = _store(busy).entries
    entries.pop(1)  # the dimensioned expense
    problems = busy.ledger.verify().problems
    assert any("6200" in p for p in problems)


def test_verify_reads_but_never_writes(busy: bc.Backoffice, snapshot) -> None:
    before = snapshot(busy)
    busy.ledger.verify()
    assert snapshot(busy) == before


def test_a_dimension_split_in_storage_is_named(bo: bc.Backoffice, jan: Jan) -> None:
    """Separators inside a dimension value are escaped in the hashed text: splitting the
    value into two dimensions in storage no longer keeps the hash."""
    bo.ledger.post(jan(2, bc.Line("6200", "1.00", dimensions={"a": "x,b=c"}),
                       bc.credit("1120", "1.00")))
    entries = _store(bo).entries
    victim = entries[0]
    first, second = victim.postings
    split = first._replace(dimensions=(("a", "x"), ("b", "c")))
    entries[0] = victim._replace(postings=(split, second))
    problems = bo.ledger.verify().problems
    assert any(victim.id in p and "altered" in p for p in problems), problems


def test_text_moved_from_a_memo_into_an_account_code_is_named(bo: bc.Backoffice,
                                                              jan: Jan) -> None:
    """An account code never holds ':', so moving a memo's text into the code in storage
    (which would read alike) is named as an alteration."""
    bo.ledger.post(jan(2, bc.Line("6200", "10.00", memo="1000:USD:1000::"),
                       bc.credit("1120", "10.00")))
    entries = _store(bo).entries
    victim = entries[0]
    first, second = victim.postings
    moved = first._replace(account="6200:1000:USD:1000:", memo="")
    entries[0] = victim._replace(postings=(moved, second))
    problems = bo.ledger.verify().problems
    assert any(victim.id in p and "altered" in p for p in problems), problems


@pytest.mark.parametrize("field", ["description", "reference", "idempotency_key"])
def test_control_characters_in_storage_are_named(busy: bc.Backoffice, field: str) -> None:
    """The ledger refuses control characters, so an entry holding one was written behind
    its back: even re-hashed, its hash can never match."""
    entries = _store(busy).entries
    victim = entries[-1]  # the last: no later entry's link gives it away
    forged = victim._replace(**{field: "a\x1fb"})
    assert chain_hash(forged) == ""
    entries[-1] = forged._replace(hash=chain_hash(forged))
    problems = busy.ledger.verify().problems
    assert any(victim.id in p and "altered" in p for p in problems), problems
