"""Idempotency keys: a replay returns the first entry and writes nothing; new content conflicts."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import pytest

import backoffice_core as bc
from backoffice_core.errors import AccountInactiveError, DuplicateError, IdempotencyConflictError

Jan = Callable[..., bc.NewEntry]


def _sale(jan: Jan, amount: str = "10.00", key: str | None = "sale-1", day: int = 5,
          description: str = "Sale") -> bc.NewEntry:
    return jan(day, bc.debit("1140", amount), bc.credit("4100", amount), idempotency_key=key,
               description=description)


def test_same_key_same_content_returns_the_first_entry(bo: bc.Backoffice, jan: Jan,
                                                       snapshot) -> None:
    first = bo.ledger.post(_sale(jan))
    assert first.created
    before = snapshot(bo)
    again = bo.ledger.post(_sale(jan))
    assert not again.created
    assert again.entry == first.entry
    assert again.balance("1140") == bc.Money("10.00", "USD")
    assert snapshot(bo) == before
    assert len(bo.ledger.entries()) == 1
    assert bo.ledger.balance("1140") == bc.Money("10.00", "USD")


@pytest.mark.parametrize(
    "change",
    [
        {"amount": "10.01"},
        {"day": 6},
        {"description": "Another sale"},
    ],
    ids=["amount", "date", "description"],
)
def test_same_key_different_content_conflicts(bo: bc.Backoffice, jan: Jan, refuses,
                                              change: dict[str, object]) -> None:
    bo.ledger.post(_sale(jan))
    info = refuses(bo, IdempotencyConflictError, bo.ledger.post, _sale(jan, **change))  # type: ignore[arg-type]
    assert info.value.field == "idempotency_key"
    assert info.value.value == "sale-1"
    assert isinstance(info.value, DuplicateError)


def test_different_accounts_under_the_same_key_conflict(bo: bc.Backoffice, jan: Jan,
                                                        refuses) -> None:
    bo.ledger.post(_sale(jan))
    refuses(bo, IdempotencyConflictError, bo.ledger.post,
            jan(5, bc.debit("1110", "10.00"), bc.credit("4100", "10.00"),
                idempotency_key="sale-1", description="Sale"))


def test_entries_without_a_key_are_never_deduplicated(bo: bc.Backoffice, jan: Jan) -> None:
    bo.ledger.post(_sale(jan, key=None))
    bo.ledger.post(_sale(jan, key=None))
    assert len(bo.ledger.entries()) == 2


def test_keys_are_distinct_per_book(bo: bc.Backoffice, jan: Jan) -> None:
    other = bo.with_book("other")
    other.ledger.setup("Other", currency="USD", chart="generic")
    assert bo.ledger.post(_sale(jan)).created
    assert other.ledger.post(_sale(jan)).created
    assert len(other.ledger.entries()) == 1


def test_replay_within_post_many(bo: bc.Backoffice, jan: Jan) -> None:
    stored = bo.ledger.post_many([_sale(jan), _sale(jan, key="sale-2"), _sale(jan)])
    assert len(bo.ledger.entries()) == 2
    assert stored[0] == stored[2]
    assert stored[0].id != stored[1].id
    assert bo.ledger.balance("1140") == bc.Money("20.00", "USD")
    assert bo.ledger.verify().ok


def test_conflict_within_post_many_writes_nothing(bo: bc.Backoffice, jan: Jan,
                                                  refuses) -> None:
    info = refuses(bo, IdempotencyConflictError, bo.ledger.post_many,
                   [_sale(jan), _sale(jan, key="other"), _sale(jan, amount="99.00")])
    assert info.value.field == "entries[2].idempotency_key"


def test_post_many_replays_earlier_posts(bo: bc.Backoffice, jan: Jan, snapshot) -> None:
    first = bo.ledger.post(_sale(jan)).entry
    before = snapshot(bo)
    stored = bo.ledger.post_many([_sale(jan)])
    assert stored == [first]
    assert snapshot(bo) == before


def test_post_replays_earlier_post_many(bo: bc.Backoffice, jan: Jan, snapshot) -> None:
    [first] = bo.ledger.post_many([_sale(jan)])
    before = snapshot(bo)
    again = bo.ledger.post(_sale(jan))
    assert not again.created
    assert again.entry == first
    assert snapshot(bo) == before


def test_conflicts_across_post_and_post_many(bo: bc.Backoffice, jan: Jan, refuses) -> None:
    bo.ledger.post(_sale(jan))
    refuses(bo, IdempotencyConflictError, bo.ledger.post_many, [_sale(jan, amount="1.00")])
    bo.ledger.post_many([_sale(jan, key="batch-1")])
    refuses(bo, IdempotencyConflictError, bo.ledger.post, _sale(jan, amount="1.00",
                                                               key="batch-1"))


def test_a_partially_replayed_batch_writes_only_new_entries(bo: bc.Backoffice, jan: Jan) -> None:
    bo.ledger.post(_sale(jan))
    stored = bo.ledger.post_many([_sale(jan), _sale(jan, key="sale-2")])
    assert [e.seq for e in stored] == [1, 2]
    assert len(bo.ledger.entries()) == 2
    assert bo.ledger.verify().ok


def test_a_key_used_by_a_hold_is_not_reusable_for_a_post(bo: bc.Backoffice, jan: Jan,
                                                        refuses) -> None:
    bo.ledger.hold(_sale(jan))
    refuses(bo, IdempotencyConflictError, bo.ledger.post, _sale(jan))


def test_hold_replay_returns_the_first_hold(bo: bc.Backoffice, jan: Jan, snapshot) -> None:
    first = bo.ledger.hold(_sale(jan), timeout=timedelta(days=1))
    before = snapshot(bo)
    again = bo.ledger.hold(_sale(jan), timeout=timedelta(days=1))
    assert not again.created
    assert again.entry == first.entry
    assert snapshot(bo) == before


def test_hold_replay_after_the_clock_moved_returns_the_first_hold(
        bo: bc.Backoffice, jan: Jan, clock, snapshot) -> None:
    """A client retrying a hold a minute later sends the same request: it is a replay."""
    first = bo.ledger.hold(_sale(jan), timeout=timedelta(days=1))
    clock.advance(timedelta(minutes=1))
    before = snapshot(bo)
    again = bo.ledger.hold(_sale(jan), timeout=timedelta(days=1))
    assert again.entry == first.entry
    assert snapshot(bo) == before


def test_replay_after_the_period_closed_returns_the_first_entry(
        bo: bc.Backoffice, jan: Jan, snapshot) -> None:
    """A retry that arrives after month-end still gets its answer, not PeriodClosedError."""
    bo.ledger.add_fiscal_year(bc.FiscalYear.monthly("FY2026", date(2026, 1, 1)))
    first = bo.ledger.post(_sale(jan)).entry
    bo.ledger.close_period("FY2026", "2026-01")
    before = snapshot(bo)
    again = bo.ledger.post(_sale(jan))
    assert not again.created
    assert again.entry == first
    assert snapshot(bo) == before


def test_reversal_with_a_key_is_idempotent(bo: bc.Backoffice, jan: Jan) -> None:
    e = bo.ledger.post(_sale(jan, key=None)).entry
    r1 = bo.ledger.reverse(e.id, on=date(2026, 1, 6), idempotency_key="rev-1")
    r2 = bo.ledger.reverse(e.id, on=date(2026, 1, 6), idempotency_key="rev-1")
    assert r2.entry == r1.entry
    assert not r2.created
    assert len(bo.ledger.entries()) == 2


def test_replay_after_an_account_was_archived_returns_the_first_entry(
        bo: bc.Backoffice, jan: Jan, snapshot) -> None:
    """A retry that arrives after an account it posts to was archived still gets its answer,
    not AccountInactiveError (found by the ledger's stateful test)."""
    first = bo.ledger.post(_sale(jan)).entry
    bo.ledger.archive_account("4100")
    before = snapshot(bo)
    again = bo.ledger.post(_sale(jan))
    assert not again.created
    assert again.entry == first
    assert bo.ledger.post_many([_sale(jan)]) == [first]
    assert snapshot(bo) == before


def test_new_content_under_a_key_on_an_archived_account_conflicts(
        bo: bc.Backoffice, jan: Jan, refuses) -> None:
    bo.ledger.post(_sale(jan))
    bo.ledger.archive_account("4100")
    refuses(bo, IdempotencyConflictError, bo.ledger.post, _sale(jan, amount="10.01"))
    refuses(bo, IdempotencyConflictError, bo.ledger.post_many, [_sale(jan, amount="10.01")])
    refuses(bo, AccountInactiveError, bo.ledger.post, _sale(jan, key="sale-2"))
