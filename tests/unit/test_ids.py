"""``TimeOrderedIds``: bulk ids are unique, increasing, and the same as one by one."""

from __future__ import annotations

from datetime import UTC, datetime

from backoffice_core.ports import FixedClock, TimeOrderedIds

T = datetime(2026, 1, 1, tzinfo=UTC)


def test_bulk_ids_equal_single_ids_and_increase() -> None:
    bulk, single = TimeOrderedIds(FixedClock(T)), TimeOrderedIds(FixedClock(T))
    single._node = bulk._node
    got = bulk.new_ids(2500) + bulk.new_ids(0) + bulk.new_ids(3)
    assert got == [single.new_id() for _ in range(2503)]
    assert got == sorted(got) and len(set(got)) == len(got)


def test_the_counter_rolls_over_into_the_next_millisecond() -> None:
    ids = TimeOrderedIds(FixedClock(T))
    ids._last_ms, ids._counter = int(T.timestamp() * 1000), (1 << 28) - 3
    got = ids.new_ids(5)
    assert got == sorted(got) and len(set(got)) == 5
    assert {g[:12] for g in got[:2]} != {g[:12] for g in got[2:]}  # the millisecond moved on
    assert got[2][12:19] == "0000000"
