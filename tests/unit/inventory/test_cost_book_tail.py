"""A cost book searches the records of an appended run without computing their keys.

``CostBook.append_run`` (the bulk path) keeps no keys for the run; the searches a
backdated receipt makes afterwards (the checkpoint, the records from a key, the insert,
the replacements, an as-of value) find the same places by (day, seq) as a bisection over
all the keys would, compute no keys, and roll back alike.
"""

from __future__ import annotations

import bisect
from datetime import date, timedelta
from decimal import Decimal
from typing import Any
from unittest import mock

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import backoffice_core as bc
from backoffice_core.adapters import memory_cost_book
from backoffice_core.adapters.memory import MemoryStore
from backoffice_core.adapters.memory_cost_book import CostBook, record_key
from backoffice_core.errors import NotFoundError
from backoffice_core.inventory import MoveSpec
from backoffice_core.inventory.items import ValuationMethod
from backoffice_core.inventory.moves import Move, MoveKind, MoveState
from backoffice_core.inventory.valuation import CostKind, CostRecord, CostState

DAY0 = date(2026, 2, 1)
DAY_LAST = (1 << 48) - 1


def _rec(day: int, seq: int, snap: bool = False) -> CostRecord:
    return CostRecord("A", DAY0 + timedelta(days=day), seq, f"e{seq}", CostKind.IN, 1, 5,
                      "grni", value=5, lines=(("grni", -5),),
                      snapshot=CostState(ValuationMethod.FIFO) if snap else None)


def _load(repo: Any, records: list[CostRecord], split: int) -> None:
    """``records[:split]`` added one by one (keys kept), the rest appended as a run."""
    repo.add_moves([Move(r[3], r[2], "A", Decimal(1), "supplier", "WH", r[1],
                         MoveKind.RECEIPT, MoveState.DONE) for r in records[split:]])
    repo.add_cost_records(records[:split])  # no moves of theirs: added by key
    repo.add_cost_records(records[split:])  # the moves' own records: appended as a run


def _checkpoint(book: CostBook, key: int) -> CostRecord | None:
    i = bisect.bisect_right(book.snaps, key)
    return book.records[bisect.bisect_left(book.keys, book.snaps[i - 1])] if i else None


_rows = st.lists(st.tuples(st.integers(0, 20), st.booleans()), min_size=1, max_size=40,
                 unique_by=lambda t: t[0])
_probes = st.lists(st.tuples(st.integers(-1, 22), st.integers(0, 300), st.integers(0, 45),
                             st.booleans()), max_size=30)


@settings(max_examples=60, deadline=None)
@given(_rows, st.integers(0, 40), _probes, st.integers(0, 20), st.booleans())
def test_searches_past_the_kept_keys_equal_searches_over_all_keys(
        rows: list[tuple[int, bool]], split: int, probes: list[tuple[int, int, int, bool]],
        extra_day: int, by_place: bool) -> None:
    """index, at, upto, cost_records, cost_checkpoint, add, replace and rollback agree
    (the replacements by place, or by key after computing the keys: ``by_place``)."""
    with mock.patch.object(memory_cost_book, "SEARCH_COST", 0 if by_place else 10**6):
        _check_searches(rows, split, probes, extra_day, by_place)


def _check_searches(rows: list[tuple[int, bool]], split: int,
                    probes: list[tuple[int, int, int, bool]], extra_day: int,
                    by_place: bool) -> None:
    records = [_rec(day, 10 * day + 5, snap) for day, snap in sorted(rows)]
    one = CostBook()  # every record added one by one: all keys kept
    for r in records:
        one.add(r)
    store = MemoryStore()
    with store("b") as uow:
        repo = uow.inventory
        _load(repo, records, split)
        book = store._book("b").inventory.costs["A"]
        kept = min(split, len(records))
        assert len(book.kept) == kept and book.records == one.records
        for day, seq, lo, right in probes:
            when = DAY0 + timedelta(days=day)
            key, lo = record_key(when, seq), min(lo, len(records))
            find = bisect.bisect_right if right else bisect.bisect_left
            assert book.index(key, lo, right) == find(one.keys, key, lo)
            assert book.at(when, seq, f"e{seq}") == one.at(when, seq, f"e{seq}")
            assert repo.cost_records("A", (when, seq)) == one.records[
                bisect.bisect_left(one.keys, key):]
            assert repo.cost_records("A", None, (when, seq)) == one.records[
                :bisect.bisect_right(one.keys, key)]
            assert repo.cost_checkpoint("A", (when, seq)) == _checkpoint(one, key)
        for n in range(-1, 22):
            assert book.upto(DAY0 + timedelta(days=n)) == one.upto(DAY0 + timedelta(days=n))
        # a record that is no move's own goes in by key: into the run if it falls there
        extra = _rec(extra_day, 10 * extra_day + 1)
        repo.add_cost_records([extra])
        one.add(extra)
        at = one.records.index(extra)
        assert len(book.kept) == (kept + 1 if at < kept or kept == len(records) else kept)
        kept = len(book.kept)
        assert book.at(extra[1], extra[2], extra[3]) is extra
        # every record replaced: a new value, a snapshot taken or dropped on every third
        news = [r._replace(value=r.value + 1, snapshot=(
            r.snapshot if k % 3 else None if r.snapshot else CostState(ValuationMethod.FIFO)))
            for k, r in enumerate(one.records)]
        olds = list(one.records)
        repo.replace_cost_records(news)
        for old, new in zip(olds, news, strict=True):
            one.swap(old, new, 0, {})
        assert len(book.kept) == (kept if by_place else len(book.records))
        for step in (10, -3):  # far apart, then backwards
            picked = one.records[::step]
            news = [r._replace(value=r.value + 2) for r in picked]
            repo.replace_cost_records(news)
            for old, new in zip(picked, news, strict=True):
                one.swap(old, new, 0, {})
            assert (book.records, book.value) == (one.records, one.value)
        assert (book.records, book.snaps) == (one.records, one.snaps)
        assert (book.quantity, book.value) == (one.quantity, one.value)
        for n in range(-1, 22):
            assert book.upto(DAY0 + timedelta(days=n)) == one.upto(DAY0 + timedelta(days=n))
        uow.rollback()
    assert not store._book("b").inventory.costs["A"].records
    assert store._book("b").inventory.costs["A"].kept == []


def test_a_record_past_the_kept_keys_with_a_seq_past_a_day_keeps_all_keys() -> None:
    """Such a record's key is clamped to its day's last: searched by key, never by place."""
    records = [_rec(day, 10 * day + 5) for day in range(6)]
    store = MemoryStore()
    with store("b") as uow:
        _load(uow.inventory, records, 2)
        book = store._book("b").inventory.costs["A"]
        huge = _rec(3, DAY_LAST + 7)
        uow.inventory.add_cost_records([huge])
        assert book.kept == [record_key(r[1], r[2]) for r in book.records]
        assert book.records.index(huge) == 4 and book.at(huge[1], huge[2], huge[3]) is huge
        uow.rollback()
    with store("b") as uow:  # the same at the end of the run
        _load(uow.inventory, records, 2)
        book = store._book("b").inventory.costs["A"]
        last = _rec(9, DAY_LAST + 7)
        uow.inventory.add_cost_records([last])
        assert book.kept == [record_key(r[1], r[2]) for r in book.records]
        assert book.records[-1] is last and book.upto(last[1]) == (7, 35)
        uow.rollback()
    assert store._book("b").inventory.costs["A"].records == []


def test_a_replacement_of_no_record_past_the_kept_keys_is_refused() -> None:
    """A key between two records of the run, or past them all, names no record."""
    records = [_rec(day, 10 * day + 5) for day in range(30)]
    store = MemoryStore()
    with mock.patch.object(memory_cost_book, "SEARCH_COST", 0), store("b") as uow:
        _load(uow.inventory, records, 3)
        for missing in (_rec(20, 201), _rec(40, 405), records[25]._replace(event="other")):
            with pytest.raises(NotFoundError) as caught:
                uow.inventory.replace_cost_records([records[24], missing])
            assert caught.value.field == "event" and caught.value.value == missing.event
        assert store._book("b").inventory.costs["A"].kept == [
            record_key(r[1], r[2]) for r in records[:3]]
        uow.rollback()


def _history(lazy: bool) -> tuple[list[CostRecord], tuple[int, int], Any, int]:
    """A backdated receipt after a bulk load, with the run's keys left alone or read."""
    store = MemoryStore()
    bo = bc.Backoffice(store, book="b", ids=bc.SequentialIds("m"))
    bo.ledger.setup("X", currency="USD", chart="generic")
    bo.inventory.create_location("WH", "Warehouse", kind="warehouse")
    bo.inventory.create_item("WID", "Widget")
    specs = []
    for n in range(600):
        day = DAY0 + timedelta(days=n // 20)
        if n % 3:
            specs.append(MoveSpec("WID", Decimal(2), "WH", "customer", date=day))
        else:
            specs.append(MoveSpec("WID", Decimal(5), "supplier", "WH", date=day,
                                  unit_cost=Decimal(n % 7 + 1)))
    bo.inventory.apply_moves(specs)
    book = store._book("b").inventory.costs["WID"]
    for depth in (1, 7, 1, 20):
        if not lazy:
            assert book.keys  # computed: every search goes over the keys
        bo.inventory.receive("WID", 7, location="WH", unit_cost="0.50",
                             on=specs[-1].date - timedelta(days=depth))
    return (list(book.records), book.upto(DAY0 + timedelta(days=20)),
            bo.inventory.value("WID").amount, len(book.kept))


def test_backdated_receipts_after_a_bulk_load_compute_no_keys_and_value_alike() -> None:
    """The receipts re-value the later issues as over kept keys: by place, keeping none
    (however many records they replace), or as chosen by the cost of searches."""
    with mock.patch.object(memory_cost_book, "SEARCH_COST", 0):
        records, upto, value, kept = _history(lazy=True)
    assert kept == 0 and len(records) == 604
    assert _history(lazy=False)[:3] == (records, upto, value)
    assert _history(lazy=True)[:3] == (records, upto, value)
