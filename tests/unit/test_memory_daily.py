"""The memory adapter's per-day roll-ups (``_Daily``): always exact.

Whatever the order of writes, removals (an undo) and reads, a read gives the sums a plain
model computes from scratch.
"""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from backoffice_core.adapters.memory import _Daily

START = date(2026, 1, 1)
days = st.integers(min_value=0, max_value=40).map(lambda n: START + timedelta(days=n))
steps = st.lists(st.one_of(
    st.tuples(st.just("add"), days, st.integers(-50, 50), st.integers(-50, 50),
              st.integers(-50, 50)),
    st.tuples(st.just("remove"), days),
    st.tuples(st.just("read"), st.integers(-1, 41).map(lambda n: START + timedelta(days=n)))),
    max_size=60)


@settings(max_examples=300, deadline=None)
@given(steps)
def test_reads_agree_with_sums_from_scratch(ops: list[tuple[object, ...]]) -> None:
    roll, model = _Daily(), {}
    for op in ops:
        if op[0] == "add":
            _, day, dr, cr, fn = op
            assert roll.add(day, dr, cr, fn) is (day not in model)  # type: ignore[arg-type]
            row = model.setdefault(day, [0, 0, 0])
            row[0] += dr  # type: ignore[operator]
            row[1] += cr  # type: ignore[operator]
            row[2] += fn  # type: ignore[operator]
        elif op[0] == "remove":
            if op[1] in model:
                roll.remove(op[1])  # type: ignore[arg-type]
                del model[op[1]]
        else:
            upto = op[1]
            want = tuple(sum(r[k] for d, r in model.items() if d <= upto) for k in range(3))
            assert roll.upto(upto) == want  # type: ignore[arg-type]
    assert roll.upto(START + timedelta(days=99)) == tuple(
        sum(r[k] for r in model.values()) for k in range(3))


def test_posting_in_date_order_keeps_the_sums_of_earlier_days() -> None:
    """A day after the last one only appends: the sums of the days before it are kept (the
    same objects), so neither the write nor the read after it sums them again."""
    roll = _Daily()
    for n in range(5):
        roll.add(START + timedelta(days=n), 10, 0, 10)
    assert roll.upto(START + timedelta(days=2)) == (30, 0, 30)
    cum_before = list(roll.cum)
    roll.add(START + timedelta(days=9), 1, 0, 1)
    assert roll.upto(START + timedelta(days=30)) == (51, 0, 51)
    assert all(a is b for a, b in zip(roll.cum[:5], cum_before, strict=True))
    assert roll.days[-1] == START + timedelta(days=9)
