"""``TimeOrderedIds``: bulk ids are unique, increasing, and the same as one by one."""

from __future__ import annotations

from datetime import UTC, datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from backoffice_core.ports import FixedClock, TimeOrderedIds, _id_run

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


@settings(max_examples=300, deadline=None)
@given(st.integers(min_value=0, max_value=(1 << 48) - 1),
       st.integers(min_value=0, max_value=(1 << 28) - 1), st.integers(min_value=0, max_value=700))
def test_a_run_of_ids_is_one_format_per_counter(ms: int, counter: int, count: int) -> None:
    """The bulk formatting (per 256 counters, the last two digits from a table) gives what
    one ``%07x`` format per counter gives, across block edges and at the top of the range."""
    count = min(count, (1 << 28) - counter)
    node = "0123456789abc"
    want = [f"{ms:012x}{c:07x}{node}" for c in range(counter, counter + count)]
    assert _id_run(ms, counter, count, node) == want


def test_runs_cross_blocks_of_256() -> None:
    node = "n" * 13
    for start, count in ((0, 256), (255, 2), (250, 600), ((1 << 28) - 300, 300), (7, 16)):
        got = _id_run(3, start, count, node)
        assert got == [f"{3:012x}{c:07x}{node}" for c in range(start, start + count)]
