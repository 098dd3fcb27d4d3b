"""Defects found while writing the inventory's docstring examples."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime

import pytest

import backoffice_core as bc
from backoffice_core.errors import ValidationError
from backoffice_core.inventory import Lot

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


@pytest.mark.parametrize("on", ["2026-04-13", None, datetime(2026, 4, 13, tzinfo=UTC)])
def test_a_lot_asked_whether_it_expired_on_a_non_date_names_on(on: object) -> None:
    """Defect: ``Lot.expired`` compared ``on`` as given, so a string, ``None`` or a datetime
    raised a bare ``TypeError`` (and a lot without expiry answered False to anything)."""
    for lot in (Lot("MILK", "L1", date(2026, 4, 12)), Lot("MILK", "L2")):
        with pytest.raises(ValidationError) as info:
            lot.expired(on)  # type: ignore[arg-type]
        assert (info.value.field, info.value.value) == ("on", on)
    assert Lot("MILK", "L1", date(2026, 4, 12)).expired(date(2026, 4, 13))
