"""The clock and id generators of ``backoffice_core.ports`` refuse bad input with a typed
error naming the argument, and change nothing (found writing their docstring examples)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from backoffice_core.errors import ValidationError
from backoffice_core.ports import FixedClock, SequentialIds, TimeOrderedIds

T = datetime(2026, 1, 1, tzinfo=UTC)


@pytest.mark.parametrize("at", [datetime(2026, 3, 2), date(2026, 3, 2), "2026-03-02", None])
def test_a_fixed_clock_is_set_only_to_an_aware_datetime(at: Any) -> None:
    """``set`` took a naive datetime (or a string), and ``now()`` then broke the Clock
    contract (timezone-aware): a hold's expiry compared with it raised a raw TypeError."""
    clock = FixedClock(T)
    with pytest.raises(ValidationError) as info:
        clock.set(at)
    assert (info.value.field, info.value.value) == ("at", at)
    assert clock.now() == T
    with pytest.raises(ValidationError) as info:
        FixedClock(at)
    assert info.value.field == "at"


def test_a_naive_start_is_still_a_value_error() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        FixedClock(datetime(2026, 1, 1))


@pytest.mark.parametrize("delta", [5, "1 day", None, timedelta.max])
def test_advance_takes_a_timedelta_that_stays_in_range(delta: Any) -> None:
    clock = FixedClock(T)
    with pytest.raises(ValidationError) as info:
        clock.advance(delta)
    assert (info.value.field, info.value.value) == ("delta", delta)
    assert clock.now() == T


@pytest.mark.parametrize("make", [lambda: SequentialIds("e"),
                                  lambda: TimeOrderedIds(FixedClock(T))])
@pytest.mark.parametrize("count", [-1, "3", 2.0, True, None])
def test_new_ids_takes_a_count_of_at_least_zero(make: Any, count: Any) -> None:
    """A negative count gave ``[]``, ``True`` one id, a string or float a raw TypeError."""
    ids = make()
    with pytest.raises(ValidationError) as info:
        ids.new_ids(count)
    assert (info.value.field, info.value.value) == ("count", count)
    assert ids.new_ids(0) == []
