"""The demo company's stock month: FIFO and average figures follow from its four moves."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

import backoffice_core as bc
from backoffice_core.demo import LOCALES, PROFILES, run_demo


@pytest.mark.parametrize("locale", LOCALES)
def test_the_stock_month_reconciles_and_its_figures_follow_from_the_moves(locale: str) -> None:
    result = run_demo(locale)
    part = result.inventory
    assert part is not None
    scale = PROFILES[locale].scale
    # 100 at 4.00 and 100 at 5.00; 150 sold; 2 of 50 missing at the count
    assert part.stock.total("MUG-01") == 48
    assert part.fifo.total == Decimal("240.00") * scale           # 48 x 5.00
    assert part.average.total == Decimal("216.00") * scale        # 48 x 4.50
    assert part.reconciliation.agrees and part.verified
    assert part.reconciliation.ledger == part.fifo.total
    assert part.text in result.text and part.reconciliation.render(locale) in result.text


def test_a_second_run_books_no_stock_twice() -> None:
    bo = bc.Backoffice.open("memory://", book="demo",
                            clock=bc.FixedClock(datetime(2026, 1, 31, tzinfo=UTC)),
                            ids=bc.SequentialIds("je"))
    first = run_demo("en_US", backoffice=bo)
    moves = len(bo.inventory.moves())
    second = run_demo("en_US", backoffice=bo)
    assert len(bo.inventory.moves()) == moves == 4  # 2 receipts, 1 sale, 1 count adjustment
    assert second.inventory == first.inventory
