"""Reversal and correction: a mirror entry at the correction date; the original untouched."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

import pytest

import backoffice_core as bc
from backoffice_core.errors import (
    DuplicateError,
    IdempotencyConflictError,
    NotFoundError,
    PeriodClosedError,
    UnbalancedEntryError,
    ValidationError,
)
from backoffice_core.ledger import EntryKind, EntryStatus

Jan = Callable[..., bc.NewEntry]


def usd(amount: str) -> bc.Money:
    return bc.Money(amount, "USD")


def _post_sale(bo: bc.Backoffice, jan: Jan) -> bc.JournalEntry:
    return bo.ledger.post(jan(10, bc.debit("1140", "120.00", project="P1"),
                              bc.credit("4100", "100.00"), bc.credit("2140", "20.00"),
                              description="Invoice 7", reference="INV-7")).entry


def test_reversal_is_a_mirror_entry_dated_at_the_correction_date(
        bo: bc.Backoffice, jan: Jan) -> None:
    original = _post_sale(bo, jan)
    r = bo.ledger.reverse(original.id, on=date(2026, 1, 20))
    rev = r.entry
    assert rev.kind is EntryKind.REVERSAL
    assert rev.status is EntryStatus.POSTED
    assert rev.related == original.id
    assert rev.date == date(2026, 1, 20)
    assert rev.reference == "INV-7"
    assert "Invoice 7" in rev.description
    assert [(p.account, p.amount, p.currency, p.functional, p.dimensions)
            for p in rev.postings] == [
        (p.account, -p.amount, p.currency, -p.functional, p.dimensions)
        for p in original.postings]
    assert r.balance("1140") == usd("0.00")


def test_reversal_defaults_to_today(bo: bc.Backoffice, jan: Jan) -> None:
    original = _post_sale(bo, jan)
    assert bo.ledger.reverse(original.id).entry.date == bo.clock.today() == date(2026, 1, 31)


def test_the_original_is_unchanged(bo: bc.Backoffice, jan: Jan) -> None:
    original = _post_sale(bo, jan)
    bo.ledger.reverse(original.id, on=date(2026, 1, 20))
    assert bo.ledger.entry(original.id) == original
    assert bo.ledger.entry(original.id).hash == original.content_hash()
    assert bo.ledger.verify().ok


def test_reversal_restores_every_balance_from_its_date(bo: bc.Backoffice, jan: Jan) -> None:
    bo.ledger.post(jan(1, bc.debit("1140", "5.00"), bc.credit("4100", "5.00")))
    original = _post_sale(bo, jan)
    bo.ledger.reverse(original.id, on=date(2026, 1, 20))
    assert bo.ledger.balance("1140") == usd("5.00")
    assert bo.ledger.balance("4100") == usd("-5.00")
    assert bo.ledger.balance("2140") == usd("0.00")
    assert bo.ledger.balance("1140", dimension=("project", "P1")) == usd("0.00")
    # history keeps both: the invoice was real between the 10th and the 20th
    assert bo.ledger.balance("1140", as_of=date(2026, 1, 15)) == usd("125.00")
    assert bo.ledger.balance("1140", as_of=date(2026, 1, 20)) == usd("5.00")


def test_reversing_twice_is_a_duplicate(bo: bc.Backoffice, jan: Jan, refuses) -> None:
    original = _post_sale(bo, jan)
    bo.ledger.reverse(original.id, on=date(2026, 1, 20))
    info = refuses(bo, DuplicateError, bo.ledger.reverse, original.id, on=date(2026, 1, 21))
    assert info.value.field == "entry_id"
    assert info.value.value == original.id


def test_a_reversal_can_itself_be_reversed(bo: bc.Backoffice, jan: Jan) -> None:
    original = _post_sale(bo, jan)
    rev = bo.ledger.reverse(original.id, on=date(2026, 1, 20)).entry
    bo.ledger.reverse(rev.id, on=date(2026, 1, 21))
    assert bo.ledger.balance("1140") == usd("120.00")


def test_reversal_refusals(bo: bc.Backoffice, jan: Jan, refuses) -> None:
    info = refuses(bo, NotFoundError, bo.ledger.reverse, "e-424242")
    assert info.value.field == "entry_id"
    held = bo.ledger.hold(jan(3, bc.debit("1140", "1.00"), bc.credit("4100", "1.00"))).entry
    info = refuses(bo, ValidationError, bo.ledger.reverse, held.id)
    assert info.value.field == "entry_id"
    void = bo.ledger.void_pending(held.id).entry
    refuses(bo, ValidationError, bo.ledger.reverse, void.id)


def test_reversal_into_a_closed_period_is_refused(bo: bc.Backoffice, jan: Jan,
                                                  refuses) -> None:
    bo.ledger.add_fiscal_year(bc.FiscalYear.monthly("FY2026", date(2026, 1, 1)))
    original = _post_sale(bo, jan)
    bo.ledger.close_period("FY2026", "2026-01")
    info = refuses(bo, PeriodClosedError, bo.ledger.reverse, original.id)
    assert info.value.value == date(2026, 1, 31)
    # reversing in the next, open period is the accountant's way
    bo.ledger.reverse(original.id, on=date(2026, 2, 1))
    assert bo.ledger.balance("1140") == usd("0.00")


def test_foreign_entries_reverse_exactly(bo: bc.Backoffice, jan: Jan) -> None:
    e = bo.ledger.post(jan(5, bc.debit("1130", bc.Money("100.00", "EUR")),
                           bc.credit("1120", "108.37"), rates={"EUR": "1.0837"})).entry
    bo.ledger.reverse(e.id, on=date(2026, 1, 6))
    for b in bo.ledger.balances():
        assert (b.net, b.functional) == (0, 0), b


def test_correct_reverses_and_reposts(bo: bc.Backoffice, jan: Jan) -> None:
    original = _post_sale(bo, jan)
    rev, new = bo.ledger.correct(original.id, jan(
        15, bc.debit("1140", "240.00"), bc.credit("4100", "200.00"), bc.credit("2140", "40.00"),
        description="Invoice 7 (corrected)", reference="INV-7"))
    assert rev.entry.kind is EntryKind.REVERSAL
    assert rev.entry.related == original.id
    assert rev.entry.date == date(2026, 1, 15)
    assert new.entry.kind is EntryKind.STANDARD
    assert new.entry.seq == rev.entry.seq + 1
    assert bo.ledger.balance("1140") == usd("240.00")
    assert bo.ledger.balance("1140", as_of=date(2026, 1, 14)) == usd("120.00")
    assert bo.ledger.entry(original.id) == original
    assert bo.ledger.verify().ok


def test_correct_is_atomic(bo: bc.Backoffice, jan: Jan, refuses) -> None:
    original = _post_sale(bo, jan)
    refuses(bo, UnbalancedEntryError, bo.ledger.correct, original.id,
            jan(15, bc.debit("1140", "1.00"), bc.credit("4100", "2.00")))
    refuses(bo, NotFoundError, bo.ledger.correct, original.id,
            jan(15, bc.debit("1140", "1.00"), bc.credit("nope", "1.00")))
    assert bo.ledger.balance("1140") == usd("120.00")
    # the failed correction did not mark the entry as reversed
    bo.ledger.reverse(original.id, on=date(2026, 1, 16))


def test_correct_refuses_what_reverse_refuses(bo: bc.Backoffice, jan: Jan, refuses) -> None:
    original = _post_sale(bo, jan)
    repl = jan(15, bc.debit("1140", "1.00"), bc.credit("4100", "1.00"))
    refuses(bo, NotFoundError, bo.ledger.correct, "e-777777", repl)
    bo.ledger.reverse(original.id, on=date(2026, 1, 16))
    refuses(bo, DuplicateError, bo.ledger.correct, original.id, repl)


def test_a_correction_with_a_key_is_safe_to_retry(bo: bc.Backoffice, jan: Jan,
                                                  refuses) -> None:
    """A host that lost the answer retries the same call: it gets the same two entries."""
    original = _post_sale(bo, jan)
    fixed = jan(15, bc.debit("1140", "240.00"), bc.credit("4100", "240.00"),
                description="Invoice 7 (corrected)", idempotency_key="fix-INV-7")
    rev, new = bo.ledger.correct(original.id, fixed)
    count = len(bo.ledger.entries())
    rev2, new2 = bo.ledger.correct(original.id, fixed)
    assert (rev2.entry, new2.entry) == (rev.entry, new.entry)
    assert (rev.created, new.created, rev2.created, new2.created) == (True, True, False, False)
    assert rev2.balance("1140") == bo.ledger.balance("1140") == usd("240.00")
    assert len(bo.ledger.entries()) == count
    # the same key with other content is a conflict, and changes nothing
    changed = jan(15, bc.debit("1140", "250.00"), bc.credit("4100", "250.00"),
                  description="Invoice 7 (corrected)", idempotency_key="fix-INV-7")
    info = refuses(bo, IdempotencyConflictError, bo.ledger.correct, original.id, changed)
    assert (info.value.field, info.value.value) == ("idempotency_key", "fix-INV-7")
    # so is a retry dated otherwise (the reversal is dated on the replacement's date)
    moved = jan(16, *fixed.lines, description=fixed.description, idempotency_key="fix-INV-7")
    refuses(bo, IdempotencyConflictError, bo.ledger.correct, original.id, moved)
    assert bo.ledger.verify().ok


def test_a_correction_refuses_a_key_used_by_another_entry(bo: bc.Backoffice, jan: Jan,
                                                          refuses) -> None:
    """The key names an unrelated entry and the original is not reversed: refused, nothing
    reversed (a replay of the replacement would otherwise leave the reversal alone)."""
    original = _post_sale(bo, jan)
    bo.ledger.post(jan(12, bc.debit("1110", "5.00"), bc.credit("4100", "5.00"),
                       idempotency_key="K-1"))
    info = refuses(bo, IdempotencyConflictError, bo.ledger.correct, original.id,
                   jan(12, bc.debit("1110", "5.00"), bc.credit("4100", "5.00"),
                       idempotency_key="K-1"))
    assert info.value.value == "K-1"
    bo.ledger.reverse(original.id, on=date(2026, 1, 20))  # still reversible


def test_correct_refuses_a_closing_entry(bo: bc.Backoffice, jan: Jan, refuses) -> None:
    bo.ledger.add_fiscal_year(bc.FiscalYear.monthly("FY2025", date(2025, 1, 1)))
    bo.ledger.add_fiscal_year(bc.FiscalYear.monthly("FY2026", date(2026, 1, 1)))
    bo.ledger.post(jan(date(2025, 3, 1), bc.debit("1110", "9.00"), bc.credit("4100", "9.00")))
    closing = bo.ledger.close_year("FY2025")
    refuses(bo, ValidationError, bo.ledger.correct, closing.id,
            jan(5, bc.debit("1110", "1.00"), bc.credit("4100", "1.00")))


@pytest.mark.parametrize("on", [datetime(2026, 1, 20, 10), "2026-01-20"])
def test_reversal_date_must_be_a_date(bo: bc.Backoffice, jan: Jan, refuses, on: object) -> None:
    original = _post_sale(bo, jan)
    info = refuses(bo, ValidationError, bo.ledger.reverse, original.id, on=on)
    assert info.value.field == "on"


def test_correct_refuses_a_replacement_dated_with_a_datetime(bo: bc.Backoffice, jan: Jan,
                                                             refuses) -> None:
    original = _post_sale(bo, jan)
    info = refuses(bo, ValidationError, bo.ledger.correct, original.id,
                   bc.NewEntry(datetime(2026, 1, 15, 9), "x",  # type: ignore[arg-type]
                               [bc.debit("1140", "1.00"), bc.credit("4100", "1.00")]))
    assert info.value.field == "date"


# --------------------------------------------------------------- a correction's date
def test_a_reversal_dated_before_its_original_is_refused(bo: bc.Backoffice, jan: Jan,
                                                          refuses) -> None:
    """A mirror dated before what it mirrors would undo an entry before it happened
    (found by the ledger's stateful test)."""
    original = _post_sale(bo, jan)  # 10 January
    info = refuses(bo, ValidationError, bo.ledger.reverse, original.id, on=date(2026, 1, 9))
    assert (info.value.field, info.value.value) == ("on", date(2026, 1, 9))
    refuses(bo, ValidationError, bo.ledger.reverse, original.id, on=date(2025, 12, 31),
            idempotency_key="rev-early")
    # the original's own day is fine, and the entry is still reversible
    assert bo.ledger.reverse(original.id, on=date(2026, 1, 10)).entry.date == date(2026, 1, 10)


def test_a_default_reversal_date_before_the_original_is_refused(bo: bc.Backoffice, jan: Jan,
                                                                 refuses) -> None:
    """``on`` defaults to today: an entry dated later than today is not reversed today."""
    later = bo.ledger.post(jan(date(2026, 2, 10), bc.debit("1140", "1.00"),
                               bc.credit("4100", "1.00"))).entry
    info = refuses(bo, ValidationError, bo.ledger.reverse, later.id)
    assert (info.value.field, info.value.value) == ("on", date(2026, 1, 31))


def test_a_revaluation_is_not_reversed_before_its_date(bo: bc.Backoffice, jan: Jan,
                                                        refuses) -> None:
    bo.ledger.set_rate("EUR", "USD", date(2026, 1, 1), "1.10")
    bo.ledger.post(jan(2, bc.debit("1130", bc.Money("100.00", "EUR")),
                       bc.credit("4100", "110.00")))
    bo.ledger.set_rate("EUR", "USD", date(2026, 1, 20), "1.20")
    reval = bo.ledger.revalue(date(2026, 1, 20))
    assert reval is not None
    info = refuses(bo, ValidationError, bo.ledger.reverse, reval.entry.id,
                   on=date(2026, 1, 19))
    assert (info.value.field, info.value.value) == ("on", date(2026, 1, 19))
    bo.ledger.reverse(reval.entry.id, on=date(2026, 1, 21))


def test_a_correction_dated_before_its_original_is_refused(bo: bc.Backoffice, jan: Jan,
                                                            refuses) -> None:
    """``correct`` dates the reversal on the replacement's date: the same rule applies."""
    original = _post_sale(bo, jan)  # 10 January
    info = refuses(bo, ValidationError, bo.ledger.correct, original.id,
                   jan(9, bc.debit("1140", "1.00"), bc.credit("4100", "1.00"),
                       idempotency_key="fix-early"))
    assert (info.value.field, info.value.value) == ("date", date(2026, 1, 9))
    rev, _new = bo.ledger.correct(original.id, jan(10, bc.debit("1140", "1.00"),
                                                   bc.credit("4100", "1.00")))
    assert rev.entry.date == date(2026, 1, 10)
