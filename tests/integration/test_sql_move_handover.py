"""Migration 0011: moves name the hand-over that made them, counts the reservations they
released; rows stored before keep working (SQLite, and PostgreSQL when configured)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import backoffice_core as bc
from backoffice_core.adapters.sql import SqlStore
from backoffice_core.adapters.sql.schema import head_revision
from backoffice_core.documents import Tax, line
from backoffice_core.money import Money

BEFORE = "0010_revaluation_index"
D = date(2026, 3, 2)
GRNI = "2120"


def _receipt(bo: Any) -> Any:
    inv, docs = bo.inventory, bo.documents
    inv.create_location("WH", "Warehouse", kind="warehouse")
    inv.create_item("WID", "Widget")
    supplier = docs.create_party("Parts Inc", is_customer=False, is_supplier=True)
    return docs.issue(docs.create("goods_receipt", supplier.id, D, [
        line("Widget", 10, "2.00", Tax.zero(), item_id="WID")]).id)


def test_the_columns_round_trip_and_are_stored(url: str, db: Any) -> None:
    bo = db.book()
    gr = _receipt(bo)
    handover = bo.documents.handovers(gr.id)[0]
    assert [m.handover for m in bo.inventory.moves("WID")] == [handover.id]
    assert db.run("SELECT handover FROM inv_moves") == [(handover.id,)]
    count = bo.inventory.start_count("WH", full=True, on=D)
    assert db.run("SELECT released FROM inv_counts WHERE id = :i", i=count.id) == [("[]",)]


def test_rows_stored_before_the_migration_are_matched_as_they_were(url: str, db: Any) -> None:
    bo = db.book()
    gr = _receipt(bo)
    count = bo.inventory.start_count("WH", full=True, on=D)
    db.downgrade(BEFORE)
    assert "handover" not in db.columns("inv_moves")
    assert "released" not in db.columns("inv_counts")
    SqlStore(url, migrate=True).dispose()
    assert db.version() == head_revision()
    assert db.run("SELECT handover FROM inv_moves") == [(None,)]
    assert "ix_inv_moves_open" in db.indexes("inv_moves")
    bo = bc.Backoffice.open(url, book="acme")
    assert bo.inventory.count(count.id).released == ()
    # a move without its hand-over: the receipt's own by its number, date and item
    later = bo.inventory.receive("WID", 3, location="WH", unit_cost="5.00", on=D,
                                 reference=gr.number)
    bo.documents.cancel(gr.id, reason="wrong delivery")
    back = [m for m in bo.inventory.moves("WID") if m.kind.value == "return"]
    assert [(m.quantity, m.origin == later.id) for m in back] == [(Decimal(10), False)]
    assert bo.inventory.on_hand("WID") == 3
    assert bo.ledger.balance(GRNI) == Money("-15.00", "EUR")
    assert bo.inventory.reconcile().agrees
