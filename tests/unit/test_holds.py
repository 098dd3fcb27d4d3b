"""Two-phase entries: a hold reserves, then posts (in full or in part), voids or expires."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

import pytest

import backoffice_core as bc
from backoffice_core.errors import (
    LimitExceededError,
    NotFoundError,
    PendingEntryError,
    UnbalancedEntryError,
    ValidationError,
)
from backoffice_core.ledger import EntryKind, EntryStatus
from backoffice_core.ports import FixedClock

Jan = Callable[..., bc.NewEntry]
DAY = timedelta(days=1)


def usd(amount: str) -> bc.Money:
    return bc.Money(amount, "USD")


def _hold(bo: bc.Backoffice, jan: Jan, amount: str = "50.00", **kw: object) -> bc.JournalEntry:
    return bo.ledger.hold(jan(10, bc.debit("1140", amount), bc.credit("4100", amount),
                              description="Card auth"), **kw).entry  # type: ignore[arg-type]


def test_a_hold_reserves_but_does_not_move_balances(bo: bc.Backoffice, jan: Jan) -> None:
    held = _hold(bo, jan, timeout=7 * DAY)
    assert held.status is EntryStatus.PENDING
    assert held.expires_at == bo.clock.now() + 7 * DAY
    d = bo.ledger.balance_detail("1140")
    assert (d.debits, d.credits, d.pending_debits, d.pending_credits) == (0, 0, 5000, 0)
    c = bo.ledger.balance_detail("4100")
    assert (c.pending_debits, c.pending_credits) == (0, 5000)
    assert bo.ledger.balance("1140") == usd("0.00")
    assert bo.ledger.balance("1140", as_of=date(2026, 1, 10)) == usd("0.00")
    assert bo.ledger.pending() == [held]
    assert bo.ledger.verify().ok


def test_post_in_full(bo: bc.Backoffice, jan: Jan) -> None:
    held = _hold(bo, jan)
    r = bo.ledger.post_pending(held.id)
    assert r.entry.kind is EntryKind.PENDING_POST
    assert r.entry.related == held.id
    assert r.entry.date == held.date
    assert [(p.account, p.amount) for p in r.entry.postings] == [("1140", 5000),
                                                                ("4100", -5000)]
    d = bo.ledger.balance_detail("1140")
    assert (d.debits, d.pending_debits) == (5000, 0)
    assert bo.ledger.pending() == []
    assert bo.ledger.verify().ok


def test_post_on_another_date(bo: bc.Backoffice, jan: Jan) -> None:
    held = _hold(bo, jan)
    r = bo.ledger.post_pending(held.id, on=date(2026, 1, 12))
    assert r.entry.date == date(2026, 1, 12)
    assert bo.ledger.balance("1140", as_of=date(2026, 1, 11)) == usd("0.00")
    assert bo.ledger.balance("1140", as_of=date(2026, 1, 12)) == usd("50.00")


def test_post_in_part_by_amount_releases_the_rest(bo: bc.Backoffice, jan: Jan) -> None:
    held = _hold(bo, jan)
    r = bo.ledger.post_pending(held.id, amount="30.00")
    assert [(p.account, p.amount) for p in r.entry.postings] == [("1140", 3000),
                                                                ("4100", -3000)]
    d = bo.ledger.balance_detail("1140")
    assert (d.debits, d.pending_debits) == (3000, 0)
    assert bo.ledger.balance_detail("4100").pending_credits == 0
    assert bo.ledger.balance("4100") == usd("-30.00")
    assert bo.ledger.verify().ok


def test_post_in_part_by_money(bo: bc.Backoffice, jan: Jan) -> None:
    held = _hold(bo, jan)
    bo.ledger.post_pending(held.id, amount=usd("0.01"))
    assert bo.ledger.balance("1140") == usd("0.01")


def test_post_in_part_by_lines(bo: bc.Backoffice, jan: Jan) -> None:
    held = bo.ledger.hold(jan(10, bc.debit("1140", "100.00"), bc.credit("4100", "80.00"),
                              bc.credit("2140", "20.00"))).entry
    bo.ledger.post_pending(held.id, lines=[bc.debit("1140", "60.00"), bc.credit("4100", "48.00"),
                                           bc.credit("2140", "12.00")])
    assert bo.ledger.balance("1140") == usd("60.00")
    assert bo.ledger.balance("2140") == usd("-12.00")
    for code in ("1140", "4100", "2140"):
        d = bo.ledger.balance_detail(code)
        assert (d.pending_debits, d.pending_credits) == (0, 0)
    assert bo.ledger.verify().ok


@pytest.mark.parametrize("amount", ["50.01", "0", "-1.00", "0.001", bc.Money("1.00", "EUR")])
def test_partial_amount_must_be_within_the_hold(bo: bc.Backoffice, jan: Jan, refuses,
                                                amount: object) -> None:
    held = _hold(bo, jan)
    info = refuses(bo, ValidationError if amount == "0.001" else PendingEntryError,
                   bo.ledger.post_pending, held.id, amount=amount)
    assert info.value.field == "amount"


def test_partial_lines_must_be_within_the_hold_and_balanced(bo: bc.Backoffice, jan: Jan,
                                                            refuses) -> None:
    held = _hold(bo, jan)
    info = refuses(bo, PendingEntryError, bo.ledger.post_pending, held.id,
                   lines=[bc.debit("1140", "50.01"), bc.credit("4100", "50.01")])
    assert info.value.field == "lines[0]"
    refuses(bo, PendingEntryError, bo.ledger.post_pending, held.id,
            lines=[bc.debit("1110", "5.00"), bc.credit("4100", "5.00")])
    refuses(bo, UnbalancedEntryError, bo.ledger.post_pending, held.id,
            lines=[bc.debit("1140", "5.00"), bc.credit("4100", "4.00")])
    refuses(bo, ValidationError, bo.ledger.post_pending, held.id, amount="1.00",
            lines=[bc.debit("1140", "1.00"), bc.credit("4100", "1.00")])


def test_amount_needs_a_two_line_hold(bo: bc.Backoffice, jan: Jan, refuses) -> None:
    held = bo.ledger.hold(jan(10, bc.debit("1140", "3.00"), bc.credit("4100", "2.00"),
                              bc.credit("2140", "1.00"))).entry
    refuses(bo, ValidationError, bo.ledger.post_pending, held.id, amount="1.00")


def test_void_releases_everything(bo: bc.Backoffice, jan: Jan) -> None:
    held = _hold(bo, jan)
    r = bo.ledger.void_pending(held.id)
    assert r.entry.kind is EntryKind.PENDING_VOID
    assert r.entry.related == held.id
    assert r.entry.postings == ()
    for code in ("1140", "4100"):
        d = bo.ledger.balance_detail(code)
        assert (d.debits, d.credits, d.pending_debits, d.pending_credits) == (0, 0, 0, 0)
    assert bo.ledger.pending() == []
    assert bo.ledger.verify().ok


def test_expire_at_timeout(bo: bc.Backoffice, jan: Jan, clock: FixedClock) -> None:
    held = _hold(bo, jan, timeout=2 * DAY)
    other = _hold(bo, jan, "5.00", timeout=10 * DAY)
    forever = _hold(bo, jan, "1.00")
    clock.advance(2 * DAY - timedelta(seconds=1))
    assert bo.ledger.expire_pending() == []
    clock.advance(timedelta(seconds=1))
    [expiry] = bo.ledger.expire_pending()
    assert expiry.kind is EntryKind.PENDING_EXPIRE
    assert expiry.related == held.id
    assert bo.ledger.balance_detail("1140").pending_debits == 600
    assert bo.ledger.pending() == [other, forever]
    assert bo.ledger.expire_pending() == []
    clock.advance(365 * DAY)
    assert [e.related for e in bo.ledger.expire_pending()] == [other.id]
    assert bo.ledger.pending() == [forever]
    assert bo.ledger.verify().ok


def test_expires_at_explicit(bo: bc.Backoffice, jan: Jan, clock: FixedClock) -> None:
    at = datetime(2026, 2, 1, 12, tzinfo=UTC)
    held = _hold(bo, jan, expires_at=at)
    assert held.expires_at == at
    clock.set(at)
    assert [e.related for e in bo.ledger.expire_pending()] == [held.id]


def test_hold_timeout_validation(bo: bc.Backoffice, jan: Jan, refuses) -> None:
    info = refuses(bo, ValidationError, _hold, bo, jan, timeout=timedelta(0))
    assert info.value.field == "timeout"
    refuses(bo, ValidationError, _hold, bo, jan, timeout=DAY,
            expires_at=datetime(2026, 3, 1, tzinfo=UTC))


def test_an_expired_hold_cannot_be_posted(bo: bc.Backoffice, jan: Jan, clock: FixedClock,
                                          refuses) -> None:
    held = _hold(bo, jan, timeout=DAY)
    clock.advance(DAY)
    # expired even before expire_pending() ran
    info = refuses(bo, PendingEntryError, bo.ledger.post_pending, held.id)
    assert info.value.field == "pending_id"
    bo.ledger.expire_pending()
    refuses(bo, PendingEntryError, bo.ledger.post_pending, held.id)


@pytest.mark.parametrize("first", ["post", "void", "expire"])
@pytest.mark.parametrize("second", ["post", "void", "partial"])
def test_a_hold_resolves_at_most_once(bo: bc.Backoffice, jan: Jan, clock: FixedClock,
                                      refuses, first: str, second: str) -> None:
    held = _hold(bo, jan, timeout=DAY)
    if first == "post":
        bo.ledger.post_pending(held.id, amount="10.00")
    elif first == "void":
        bo.ledger.void_pending(held.id)
    else:
        clock.advance(DAY)
        bo.ledger.expire_pending()
        clock.set(clock.now() - DAY)  # back before the timeout: still resolved once
    op = {"post": lambda: bo.ledger.post_pending(held.id),
          "void": lambda: bo.ledger.void_pending(held.id),
          "partial": lambda: bo.ledger.post_pending(held.id, amount="1.00")}[second]
    info = refuses(bo, PendingEntryError, op)
    assert info.value.field == "pending_id"
    assert info.value.value == held.id


def test_resolving_what_is_not_a_hold(bo: bc.Backoffice, jan: Jan, refuses) -> None:
    refuses(bo, NotFoundError, bo.ledger.post_pending, "e-999999")
    refuses(bo, NotFoundError, bo.ledger.void_pending, "e-999999")
    posted = bo.ledger.post(jan(3, bc.debit("1140", "1.00"), bc.credit("4100", "1.00"))).entry
    refuses(bo, PendingEntryError, bo.ledger.post_pending, posted.id)
    refuses(bo, PendingEntryError, bo.ledger.void_pending, posted.id)


def test_pending_amounts_count_against_limits(bo: bc.Backoffice, jan: Jan, refuses) -> None:
    bo.ledger.update_account("1120", limit="credits_must_not_exceed_debits")
    bo.ledger.post(jan(2, bc.debit("1120", "100.00"), bc.credit("3100", "100.00")))
    bo.ledger.hold(jan(3, bc.debit("6200", "80.00"), bc.credit("1120", "80.00")))
    refuses(bo, LimitExceededError, bo.ledger.hold,
            jan(3, bc.debit("6200", "20.01"), bc.credit("1120", "20.01")))
    refuses(bo, LimitExceededError, bo.ledger.post,
            jan(3, bc.debit("6200", "20.01"), bc.credit("1120", "20.01")))
    bo.ledger.hold(jan(3, bc.debit("6200", "20.00"), bc.credit("1120", "20.00")))


def test_posting_a_hold_within_a_limit_succeeds(bo: bc.Backoffice, jan: Jan) -> None:
    """Posting a hold releases its own reservation: it is not counted twice."""
    bo.ledger.update_account("1120", limit="credits_must_not_exceed_debits")
    bo.ledger.post(jan(2, bc.debit("1120", "100.00"), bc.credit("3100", "100.00")))
    held = bo.ledger.hold(jan(3, bc.debit("6200", "100.00"), bc.credit("1120", "100.00"))).entry
    bo.ledger.post_pending(held.id)
    assert bo.ledger.balance("1120") == usd("0.00")
    assert bo.ledger.balance_detail("1120").pending_credits == 0


def test_releasing_a_hold_frees_the_limit(bo: bc.Backoffice, jan: Jan) -> None:
    bo.ledger.update_account("1120", limit="credits_must_not_exceed_debits")
    bo.ledger.post(jan(2, bc.debit("1120", "100.00"), bc.credit("3100", "100.00")))
    a = bo.ledger.hold(jan(3, bc.debit("6200", "100.00"), bc.credit("1120", "100.00")),
                       timeout=DAY).entry
    bo.ledger.void_pending(a.id)
    c = bo.ledger.hold(jan(3, bc.debit("6200", "60.00"), bc.credit("1120", "60.00")),
                       timeout=DAY).entry
    bo.ledger.post_pending(c.id, amount="10.00")
    bo.ledger.post(jan(4, bc.debit("6200", "90.00"), bc.credit("1120", "90.00")))
    assert bo.ledger.balance("1120") == usd("0.00")


def test_foreign_hold_posts_in_part_exactly(bo: bc.Backoffice, jan: Jan) -> None:
    held = bo.ledger.hold(jan(5, bc.debit("1130", bc.Money("100.00", "EUR")),
                              bc.credit("3100", bc.Money("100.00", "EUR")),
                              rates={"EUR": "1.0837"})).entry
    r = bo.ledger.post_pending(held.id, amount="33.33")
    assert sum(p.functional for p in r.entry.postings) == 0
    assert sum(p.amount for p in r.entry.postings) == 0
    assert bo.ledger.balance("1130", "EUR") == bc.Money("33.33", "EUR")
    assert bo.ledger.verify().ok


def test_void_of_a_hold_in_a_closed_period(bo: bc.Backoffice, jan: Jan) -> None:
    """Voiding moves no posted amount, so a month-end close must not trap the reservation."""
    bo.ledger.add_fiscal_year(bc.FiscalYear.monthly("FY2026", date(2026, 1, 1)))
    held = _hold(bo, jan)
    bo.ledger.close_period("FY2026", "2026-01")
    bo.ledger.void_pending(held.id)
    assert bo.ledger.balance_detail("1140").pending_debits == 0


def test_expiry_of_a_hold_in_a_closed_period(bo: bc.Backoffice, jan: Jan,
                                             clock: FixedClock) -> None:
    """expire_pending() must not fail (and block every other expiry) on a closed month."""
    bo.ledger.add_fiscal_year(bc.FiscalYear.monthly("FY2026", date(2026, 1, 1)))
    held = _hold(bo, jan, timeout=DAY)
    bo.ledger.close_period("FY2026", "2026-01")
    clock.advance(2 * DAY)
    assert [e.related for e in bo.ledger.expire_pending()] == [held.id]
    assert bo.ledger.pending() == []


def test_a_naive_expiry_is_refused(bo: bc.Backoffice, jan: Jan, refuses) -> None:
    info = refuses(bo, ValidationError, _hold, bo, jan, expires_at=datetime(2026, 2, 1))
    assert info.value.field == "expires_at"


def test_post_pending_date_must_be_a_date(bo: bc.Backoffice, jan: Jan, refuses) -> None:
    held = _hold(bo, jan)
    info = refuses(bo, ValidationError, bo.ledger.post_pending, held.id, on="2026-01-12")
    assert info.value.field == "on"


# --------------------------------------------------------------- dates and expiries
@pytest.mark.parametrize("how", [{}, {"amount": "20.00"},
                                 {"lines": [bc.debit("1140", "20.00"),
                                            bc.credit("4100", "20.00")]}],
                         ids=["full", "amount", "lines"])
def test_a_hold_is_not_posted_before_its_own_date(bo: bc.Backoffice, jan: Jan, refuses,
                                                  how: dict[str, object]) -> None:
    """Posting a hold before the day it was taken would move balances before the
    authorisation existed (found by the ledger's stateful test)."""
    held = _hold(bo, jan)  # 10 January
    info = refuses(bo, ValidationError, bo.ledger.post_pending, held.id,
                   on=date(2026, 1, 9), **how)
    assert (info.value.field, info.value.value) == ("on", date(2026, 1, 9))
    assert bo.ledger.post_pending(held.id, on=date(2026, 1, 10), **how).entry.date == \
        date(2026, 1, 10)


@pytest.mark.parametrize("url", ["memory://", "sqlite://"])
@pytest.mark.parametrize("delta", [-DAY, timedelta(microseconds=-1), timedelta(0)],
                         ids=["a day ago", "just now", "now"])
def test_an_expiry_not_after_now_is_refused(url: str, delta: timedelta, jan: Jan,
                                            refuses) -> None:
    """A hold that expires before it is taken is dead on arrival: refused as a
    non-positive ``timeout`` is, on every adapter alike."""
    clock = FixedClock(datetime(2026, 1, 31, 9, tzinfo=UTC))
    book = bc.Backoffice.open(url, clock=clock, ids=bc.SequentialIds("e"))
    book.ledger.setup("Test Co", currency="USD", chart="generic")
    at = clock.now() + delta
    info = refuses(book, ValidationError, _hold, book, jan, expires_at=at)
    assert (info.value.field, info.value.value) == ("expires_at", at)
    assert _hold(book, jan, expires_at=clock.now() + DAY).expires_at == clock.now() + DAY


def test_a_keyed_hold_replays_after_its_explicit_expiry_passed(
        bo: bc.Backoffice, jan: Jan, clock: FixedClock, snapshot) -> None:
    """A retry is answered with the first hold, even once its expiry is in the past."""
    at = clock.now() + DAY
    entry = jan(10, bc.debit("1140", "5.00"), bc.credit("4100", "5.00"), idempotency_key="h-1")
    first = bo.ledger.hold(entry, expires_at=at)
    clock.advance(2 * DAY)
    before = snapshot(bo)
    again = bo.ledger.hold(entry, expires_at=at)
    assert (again.entry, again.created) == (first.entry, False)
    assert snapshot(bo) == before
