"""Defects found while writing the inventory's docstring examples."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

import backoffice_core as bc
from backoffice_core.errors import NotFoundError, ValidationError
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


def test_a_valuation_report_row_of_an_item_without_one_is_a_typed_error(
        book: bc.Backoffice, feb: Feb) -> None:
    """Defect: ``ValuationReport.row`` raised a bare ``KeyError('GAD')`` for an item without
    a line, where every lookup raises ``NotFoundError`` naming the field and value; and it
    took the sku as given, so ``" WID"`` (which names ``WID`` everywhere else) had none."""
    inv = book.inventory
    inv.receive("WID", 5, location="WH", unit_cost=2, on=feb(1))
    inv.receive("TEA", 1, location="WH", unit_cost=4, on=feb(1))
    inv.deliver("TEA", 1, location="WH", on=feb(2))
    report = inv.valuation()
    assert report.row(" WID").value == report.row("WID").value == Decimal("10.00")
    for sku in ("TEA", "NOPE"):  # delivered in full (no line), unknown
        with pytest.raises(NotFoundError) as info:
            report.row(sku)
        assert (info.value.field, info.value.value) == ("sku", sku)
    with pytest.raises(ValidationError) as bad:
        report.row(5)  # type: ignore[arg-type]
    assert (bad.value.field, bad.value.value) == ("sku", 5)


def test_a_stock_report_total_names_the_item_as_every_lookup_does(
        book: bc.Backoffice, feb: Feb) -> None:
    """Defect: ``StockReport.total(" WID")`` answered 0 while ``on_hand(" WID")`` and
    ``stock(sku=" WID")`` found the widgets (a code's surrounding white space is no part of
    it), and ``total(5)`` answered 0 instead of refusing what cannot be a sku."""
    inv = book.inventory
    inv.receive("WID", 5, location="WH", unit_cost=2, on=feb(1))
    inv.receive("WID", 3, location="W2", unit_cost=2, on=feb(1))
    report = inv.stock()
    assert report.total(" WID\n") == report.total("WID") == inv.on_hand(" WID") == 8
    assert report.total("TEA") == 0
    with pytest.raises(ValidationError) as bad:
        report.total(5)  # type: ignore[arg-type]
    assert (bad.value.field, bad.value.value) == ("sku", 5)


@pytest.mark.parametrize("location", ["customer", "supplier", "inventory_loss"])
def test_fefo_picks_only_the_companys_stock(book: bc.Backoffice, feb: Feb,
                                            location: str) -> None:
    """Defect: ``fefo`` at a virtual location suggested picking what customers hold (the
    widgets delivered to them), and at ``supplier`` reported a shortage; no move takes
    stock from there, and ``reserve`` refuses such a location with a ``ValidationError``
    naming it: so does ``fefo`` now."""
    inv = book.inventory
    inv.receive("WID", 10, location="WH", unit_cost=2, on=feb(1))
    inv.deliver("WID", 3, location="WH", on=feb(2))
    with pytest.raises(ValidationError) as info:
        inv.fefo("WID", 2, location=location, on=feb(3))
    assert (info.value.field, info.value.value) == ("location", location)
    assert [(p.location, p.quantity) for p in inv.fefo("WID", 2, location="WH", on=feb(3))] \
        == [("WH", Decimal(2))]
