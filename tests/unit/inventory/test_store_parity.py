"""Quantities a read returns are the same on every store.

A store may hand back ``Decimal('1.5')`` where another holds ``Decimal('1.500')``; what
the service returns is written at the precision of the item's unit, so a memory book
and an SQLite book (``store``) give equal, equally written figures.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

import backoffice_core as bc

FEB1, FEB5 = date(2026, 2, 1), date(2026, 2, 5)


@pytest.fixture(params=["memory", "sqlite"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> bc.Backoffice:
    url = "memory://" if request.param == "memory" else f"sqlite:///{tmp_path / 'inv.db'}"
    bo = bc.Backoffice.open(url, clock=bc.FixedClock(datetime(2026, 3, 31, 12, tzinfo=UTC)),
                            ids=bc.SequentialIds("s"))
    bo.ledger.setup("Stock Co", currency="USD", chart="generic")
    bo.ledger.add_fiscal_year(bc.FiscalYear.monthly("FY2026", date(2026, 1, 1)))
    inv = bo.inventory
    inv.create_location("WH", "Main warehouse", kind="warehouse")
    inv.create_location("WH/A", "Bin A", parent="WH")
    inv.create_location("WH/B", "Bin B", parent="WH")
    inv.create_item("TEA", "Green tea", unit="kg")
    inv.receive("TEA", "1.5", location="WH/A", unit_cost=1, on=FEB1)
    inv.receive("TEA", "1.5", location="WH/B", unit_cost=1, on=FEB1)
    return bo


def test_fefo_picks_at_the_units_precision(store: bc.Backoffice) -> None:
    """Defect: a pick of 1.5 kg read 1.500 in memory and 1.5 in SQLite."""
    picks = store.inventory.fefo("TEA", "2.25", location="WH", on=FEB5)
    assert [(p.location, str(p.quantity)) for p in picks] == [("WH/A", "1.500"),
                                                               ("WH/B", "0.750")]


def test_reorder_suggestions_at_the_units_precision(store: bc.Backoffice) -> None:
    """Defect: a suggestion's on hand, reserved and position read 3.000, 0.500 and 2.500
    in memory and 3.0, 0.5 and 2.5 in SQLite."""
    inv = store.inventory
    inv.reserve("TEA", "0.5", location="WH/A", on=FEB5)
    inv.plan("TEA", "0.25", source="supplier", destination="WH/B", unit_cost=1, on=FEB5)
    inv.set_reorder_rule("TEA", "WH", reorder_point=5, max_quantity="10.5")
    [s] = inv.reorder_suggestions(on=FEB5)
    assert [str(x) for x in (s.on_hand, s.reserved, s.incoming, s.outgoing, s.position,
                             s.reorder_point, s.quantity)] == [
        "3.000", "0.500", "0.250", "0.000", "2.750", "5", "7.750"]
