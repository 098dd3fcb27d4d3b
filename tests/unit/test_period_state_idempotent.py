"""Setting a period to the state it is in changes nothing: no save, no new version.

``close_period`` on a closed period saved the year again and bumped its version, so a
host app holding the year's version got a needless ``ConcurrencyError`` on its next
optimistic write, and a retried close looked like a change.
"""

from __future__ import annotations

from datetime import date

import pytest

import backoffice_core as bc


@pytest.mark.parametrize("url", ["memory://", "sqlite://"])
def test_a_period_set_to_its_own_state_is_left_alone(url: str) -> None:
    bo = bc.Backoffice.open(url)
    bo.ledger.setup("X", currency="USD", chart="generic")
    fy = bo.ledger.add_fiscal_year(bc.FiscalYear.monthly("FY2026", date(2026, 1, 1)))
    period = fy.periods[0].name
    again = bo.ledger.reopen_period("FY2026", period)  # open already
    assert again == fy
    closed = bo.ledger.close_period("FY2026", period)
    assert closed.version == fy.version + 1
    assert bo.ledger.close_period("FY2026", period) == closed
    locked = bo.ledger.lock_period("FY2026", period)
    assert bo.ledger.lock_period("FY2026", period) == locked
    assert bo.ledger.fiscal_years() == [locked]
    with pytest.raises(bc.PeriodClosedError):  # a locked period still never reopens
        bo.ledger.reopen_period("FY2026", period)
