"""Defects found while writing the inventory's docstring examples."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest

import backoffice_core as bc
from backoffice_core.errors import ValidationError

Feb = Callable[[int], date]


def test_a_cancelled_move_is_refused_with_a_hint_that_helps(book: bc.Backoffice,
                                                            feb: Feb) -> None:
    """Defect: cancelling or validating a cancelled move said "the move is cancelled; it
    was cancelled" (the hint repeated the state); it says what to do, as a done move's
    "return it instead" does."""
    inv = book.inventory
    inv.receive("WID", 5, location="WH", unit_cost=1, on=feb(1))
    gone = inv.cancel(inv.reserve("WID", 2, location="WH", on=feb(2)).id)
    for call in (inv.cancel, inv.validate, inv.confirm):
        with pytest.raises(ValidationError) as info:
            call(gone.id)
        assert (info.value.field, info.value.value) == ("move_id", gone.id)
        assert str(info.value).endswith("the move is cancelled; plan a new move instead")
