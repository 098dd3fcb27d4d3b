"""Idempotency keys: a replay returns the first entry and writes nothing; new content conflicts."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import attrs
import pytest

import backoffice_core as bc
from backoffice_core.errors import AccountInactiveError, DuplicateError, IdempotencyConflictError
from backoffice_core.ledger.entries import postings_text
from backoffice_core.ledger.fingerprints import fingerprint, lines_text
from backoffice_core.ledger.posting import build_postings
from backoffice_core.ledger.rates import rate_in_force

CLOCK = datetime(2026, 1, 31, tzinfo=UTC)

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
    bo.ledger.set_role("revenue", "4110")  # a role's account is not archived
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
    bo.ledger.set_role("revenue", "4110")  # a role's account is not archived
    bo.ledger.archive_account("4100")
    refuses(bo, IdempotencyConflictError, bo.ledger.post, _sale(jan, amount="10.01"))
    refuses(bo, IdempotencyConflictError, bo.ledger.post_many, [_sale(jan, amount="10.01")])
    refuses(bo, AccountInactiveError, bo.ledger.post, _sale(jan, key="sale-2"))


# --------------------------------------------------------------- foreign entries
# A retry sends what the caller sent the first time; the book's rate table may have
# changed since (a rate corrected for the day). The key's fingerprint covers the caller's
# lines, not their conversion, so the retry replays (found by the ledger's stateful test).
def _eur(jan: Jan, key: str = "fx-1", shape: str = "cross", amount: str = "100.00",
         counter: str = "2110", **kw: object) -> bc.NewEntry:
    if shape == "cross":  # balanced only through the rate
        lines = [bc.Line("1130", bc.Money(amount, "EUR")), bc.credit("4100", "110.00")]
    else:  # balanced per currency, converted by the rate all the same
        lines = [bc.Line("1130", bc.Money(amount, "EUR")),
                 bc.Line(counter, -bc.Money(amount, "EUR")),
                 bc.debit("1110", "1.00"), bc.credit("4100", "1.00")]
    return jan(5, *lines, idempotency_key=key, description="EUR receipt", **kw)


def _rate_changed(bo: bc.Backoffice) -> None:
    bo.ledger.set_rate("EUR", "USD", date(2026, 1, 5), "1.2000")  # the day's rate, corrected


@pytest.mark.parametrize("shape", ["cross", "per currency"])
@pytest.mark.parametrize("via", ["post", "post_many", "import_entries"])
def test_a_foreign_retry_after_the_rate_changed_replays(
        bo: bc.Backoffice, jan: Jan, snapshot, shape: str, via: str) -> None:
    bo.ledger.set_rate("EUR", "USD", date(2026, 1, 1), "1.1000")
    entry = _eur(jan, shape=shape)
    first = bo.ledger.post(entry).entry
    _rate_changed(bo)
    before = snapshot(bo)
    if via == "post":
        again = bo.ledger.post(entry)
        assert (again.entry, again.created) == (first, False)
    elif via == "post_many":
        assert bo.ledger.post_many([entry]) == [first]
    else:
        lines = [{"account": ln.account, "amount": str(ln.amount.amount),
                  "currency": ln.amount.code} if isinstance(ln.amount, bc.Money) else
                 {"account": ln.account, "amount": str(ln.amount)} for ln in entry.lines]
        text = json.dumps({"date": "2026-01-05", "description": "EUR receipt",
                           "idempotency_key": "fx-1", "lines": lines})
        assert bo.ledger.import_entries([text]) == [first]
    assert snapshot(bo) == before


def test_a_foreign_entry_posted_in_bulk_replays_after_the_rate_changed(
        bo: bc.Backoffice, jan: Jan, snapshot) -> None:
    bo.ledger.set_rate("EUR", "USD", date(2026, 1, 1), "1.1000")
    [first] = bo.ledger.post_many([_eur(jan)])
    _rate_changed(bo)
    before = snapshot(bo)
    assert bo.ledger.post(_eur(jan)).entry == first
    assert bo.ledger.post_many([_eur(jan), _eur(jan)]) == [first, first]
    assert snapshot(bo) == before


def test_a_foreign_correction_retry_after_the_rate_changed_replays(
        bo: bc.Backoffice, jan: Jan, snapshot) -> None:
    bo.ledger.set_rate("EUR", "USD", date(2026, 1, 1), "1.1000")
    wrong = bo.ledger.post(jan(3, bc.debit("1110", "1.00"), bc.credit("4100", "1.00"))).entry
    rev, new = bo.ledger.correct(wrong.id, _eur(jan))
    _rate_changed(bo)
    before = snapshot(bo)
    rev2, new2 = bo.ledger.correct(wrong.id, _eur(jan))
    assert (rev2.entry, new2.entry, new2.created) == (rev.entry, new.entry, False)
    assert snapshot(bo) == before


def test_a_foreign_hold_retry_after_the_rate_changed_replays(
        bo: bc.Backoffice, jan: Jan, snapshot) -> None:
    bo.ledger.set_rate("EUR", "USD", date(2026, 1, 1), "1.1000")
    first = bo.ledger.hold(_eur(jan), timeout=timedelta(days=3)).entry
    _rate_changed(bo)
    before = snapshot(bo)
    again = bo.ledger.hold(_eur(jan), timeout=timedelta(days=3))
    assert (again.entry, again.created) == (first, False)
    assert snapshot(bo) == before


@pytest.mark.parametrize("change", [
    {"amount": "100.01"},
    {"rates": {"EUR": "1.1000"}},  # the table's rate, but now given: other content
    {"counter": "4110"},
    {"dimensions": {"project": "P1"}},
], ids=["amount", "explicit rate", "account", "dimensions"])
def test_other_content_under_a_foreign_key_still_conflicts(
        bo: bc.Backoffice, jan: Jan, refuses, change: dict[str, Any]) -> None:
    bo.ledger.set_rate("EUR", "USD", date(2026, 1, 1), "1.1000")
    bo.ledger.post(_eur(jan, shape="per currency"))
    for rate_changed in (False, True):
        if rate_changed:
            _rate_changed(bo)
        other = _eur(jan, shape="per currency", **change)
        refuses(bo, IdempotencyConflictError, bo.ledger.post, other)
        refuses(bo, IdempotencyConflictError, bo.ledger.post_many, [other])


def test_explicit_rates_are_part_of_the_content(bo: bc.Backoffice, jan: Jan,
                                                refuses) -> None:
    entry = _eur(jan, shape="per currency", rates={"EUR": "1.10"})
    first = bo.ledger.post(entry).entry
    assert bo.ledger.post(_eur(jan, shape="per currency", rates={"EUR": "1.1000"})).entry \
        == first  # the same rate
    refuses(bo, IdempotencyConflictError, bo.ledger.post,
            _eur(jan, shape="per currency", rates={"EUR": "1.1001"}))
    line_rate = jan(6, bc.Line("1130", bc.Money("10.00", "EUR"), rate="1.10"),
                    bc.credit("4100", "11.00"), idempotency_key="fx-2")
    second = bo.ledger.post(line_rate).entry
    assert bo.ledger.post(line_rate).entry == second
    refuses(bo, IdempotencyConflictError, bo.ledger.post, attrs.evolve(line_rate, lines=[
        bc.Line("1130", bc.Money("10.00", "EUR"), rate="1.1001"), bc.credit("4100", "11.00")]))


# --------------------------------------------------------------- stored fingerprints
def test_plain_entries_keep_the_fingerprint_earlier_versions_stored(
        bo: bc.Backoffice, jan: Jan) -> None:
    """A functional-currency entry's fingerprint is what it always was: keys stored before
    the scheme covered the caller's lines still replay, and a bulk post computes none anew."""
    single = bo.ledger.post(_sale(jan)).entry
    [bulk] = bo.ledger.post_many([_sale(jan, key="sale-2", amount="3.00")])
    for e in (single, bulk):
        assert e.fingerprint == fingerprint(e.date, e.description, e.reference, e.postings)


def test_a_foreign_key_stored_by_an_earlier_version_still_replays(
        tmp_path: Path, jan: Jan) -> None:
    """Earlier versions stored the fingerprint of the converted postings: such a key
    replays as it did then (while the rate it was converted at is in force), and other
    content under it conflicts."""
    url = f"sqlite:///{tmp_path / 'book.db'}"
    bo = bc.Backoffice.open(url, clock=bc.FixedClock(CLOCK), ids=bc.SequentialIds("e"))
    bo.ledger.setup("Test Co", currency="USD", chart="generic")
    bo.ledger.set_rate("EUR", "USD", date(2026, 1, 1), "1.1000")
    first = bo.ledger.post(_eur(jan)).entry
    legacy = fingerprint(first.date, first.description, first.reference, first.postings)
    assert first.fingerprint != legacy
    with sqlite3.connect(tmp_path / "book.db") as db:  # what an earlier version wrote
        db.execute("UPDATE ledger_entries SET fingerprint = ? WHERE id = ?",
                   (legacy, first.id))
    stored = bo.ledger.entry(first.id)
    assert stored.fingerprint == legacy
    again = bo.ledger.post(_eur(jan))
    assert (again.entry, again.created) == (stored, False)
    assert bo.ledger.post_many([_eur(jan)]) == [stored]
    with pytest.raises(IdempotencyConflictError):
        bo.ledger.post(attrs.evolve(_eur(jan), description="Another receipt"))
    assert len(bo.ledger.entries()) == 1


def _lines_cases() -> list[tuple[list[bc.Line], dict[str, Any]]]:
    eur = bc.Money("100.00", "EUR")
    return [
        ([bc.debit("1110", "5"), bc.credit("4100", "5.00", project="P1")], {}),
        ([bc.Line("1110", bc.Money("5.00", "USD"), memo="m:1"),
          bc.Line("4100", "-5", currency="usd")], {"dimensions": {"project": "P2"}}),
        ([bc.Line("1130", eur), bc.credit("4100", "110.00")], {}),
        ([bc.Line("1130", eur), bc.credit("4100", "108.37")], {"rates": {"EUR": "1.08370"}}),
        ([bc.Line("1130", eur, rate="1.0837", dimensions={"project": "P1"}),
          bc.credit("4100", "108.37")], {"dimensions": {"project": "P3", "dept": "D1"}}),
        ([bc.Line("1130", "100.00", currency="eur", functional=bc.Money("108.37", "USD")),
          bc.credit("4100", "108.37")], {}),
        ([bc.Line("1130", eur), bc.Line("2110", -eur), bc.debit("1110", "1.00"),
          bc.credit("4100", "1.00")], {"rates": {"EUR": "1.1", "GBP": "1.3"}}),
        ([bc.Line("1130", eur), bc.Line("2110", -eur)], {}),
    ]


@pytest.mark.parametrize("case", range(len(_lines_cases())))
def test_the_text_of_the_lines_as_sent_reads_alike_from_the_postings(bo: bc.Backoffice,
                                                                     case: int) -> None:
    """A fresh post reads the lines' text off the postings the rules made; a retry works it
    out from the lines alone (no rate table): both give the same text."""
    bo.ledger.set_rate("EUR", "USD", date(2026, 1, 1), "1.1")
    lines, kw = _lines_cases()[case]
    entry = bc.NewEntry(date(2026, 1, 5), "x", lines, **kw)
    with bo.unit_of_work() as uow:
        postings = build_postings(entry, "USD", uow.ledger.get_account,
                                  lambda c, d: rate_in_force(uow.ledger, c, "USD", d), "3500",
                                  set())
    text = lines_text(entry, "USD")
    assert text is not None
    assert lines_text(entry, "USD", postings) == text
    if all(p.currency == "USD" for p in postings) and not entry.rates:  # as stored before
        assert text == postings_text(postings)
