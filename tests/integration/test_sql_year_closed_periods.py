"""Migration 0012: a fiscal year records the periods its year-end closing closed, and
reopen_year reopens those only; a year closed before (no record) reopens every closed
period as it did (SQLite, and PostgreSQL when configured)."""

from __future__ import annotations

from datetime import date
from typing import Any

import backoffice_core as bc
from backoffice_core.adapters.sql import SqlStore
from backoffice_core.adapters.sql.schema import head_revision

BEFORE = "0011_move_handover"


def _closed_year(bo: Any) -> None:
    led = bo.ledger
    led.add_fiscal_year(bc.FiscalYear.monthly("FY2026", date(2026, 1, 1)))
    led.post(bc.NewEntry(date(2026, 3, 1), "Sale", [bc.debit("1110", "10.00"),
                                                    bc.credit("4100", "10.00")]))
    led.close_period("FY2026", "2026-01")  # by hand, before the year-end closing
    led.lock_period("FY2026", "2026-02")
    led.close_year("FY2026")


def test_the_column_round_trips_and_is_stored(url: str, db: Any) -> None:
    bo = db.book()
    _closed_year(bo)
    stored = db.run("SELECT closed_by_closing FROM ledger_fiscal_years")
    assert stored == [('["2026-03","2026-04","2026-05","2026-06","2026-07","2026-08",'
                       '"2026-09","2026-10","2026-11","2026-12"]',)]
    fy = bo.ledger.reopen_year("FY2026")
    assert [p.state.value for p in fy.periods[:3]] == ["closed", "locked", "open"]
    assert db.run("SELECT closed_by_closing FROM ledger_fiscal_years") == [(None,)]


def test_a_year_closed_before_the_migration_reopens_as_it_did(url: str, db: Any) -> None:
    bo = db.book()
    _closed_year(bo)
    db.downgrade(BEFORE)
    assert "closed_by_closing" not in db.columns("ledger_fiscal_years")
    SqlStore(url, migrate=True).dispose()
    assert db.version() == head_revision()
    assert db.run("SELECT closed_by_closing FROM ledger_fiscal_years") == [(None,)]
    bo = bc.Backoffice.open(url, book="acme")
    assert bo.ledger.fiscal_years()[0].closed_by_closing is None
    fy = bo.ledger.reopen_year("FY2026")  # no record: every closed period reopens
    assert [p.state.value for p in fy.periods[:3]] == ["open", "locked", "open"]
    bo.ledger.close_period("FY2026", "2026-01")
    bo.ledger.close_year("FY2026")  # closed again: recorded now
    assert bo.ledger.reopen_year("FY2026").periods[0].state.value == "closed"
    assert bo.ledger.verify().ok
