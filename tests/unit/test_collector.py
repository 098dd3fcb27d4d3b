"""``collector_paused``: the collector is off during bulk work, and its results skip the
young generations afterwards (docs/decisions.md)."""

from __future__ import annotations

import gc

from backoffice_core._collector import PROMOTE_AFTER, collector_paused


def _generation_of(obj: object) -> int | None:
    for generation in range(3):
        if any(o is obj for o in gc.get_objects(generation=generation)):
            return generation
    return None


def test_the_collector_is_off_inside_and_back_on_after() -> None:
    assert gc.isenabled()
    with collector_paused():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_a_host_that_keeps_the_collector_off_stays_in_control() -> None:
    gc.disable()
    try:
        with collector_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_results_of_bulk_work_go_to_the_oldest_generation() -> None:
    with collector_paused():
        made = [[i] for i in range(PROMOTE_AFTER)]  # tracked objects that outlive the block
    assert _generation_of(made) == 2
    assert gc.get_count()[0] < 10  # the young generation starts empty again
    assert gc.get_freeze_count() == 0  # nothing stays frozen


def test_a_small_call_moves_nothing() -> None:
    gc.collect()
    with collector_paused():
        made = [[1]]
    assert _generation_of(made) != 2  # left young, as without the pause


def test_objects_a_host_froze_stay_frozen() -> None:
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        with collector_paused():
            made = [[i] for i in range(PROMOTE_AFTER)]
        assert gc.get_freeze_count() == frozen  # not unfrozen by the block
        assert _generation_of(made) in (0, 1)  # and nothing was moved
    finally:
        gc.unfreeze()


def test_the_collector_is_back_on_after_an_error() -> None:
    try:
        with collector_paused():
            raise KeyError("x")
    except KeyError:
        pass
    assert gc.isenabled()
    assert gc.get_freeze_count() == 0
