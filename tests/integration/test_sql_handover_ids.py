"""Migration 0013: a stock hand-over's id is unique in its book (``documents_handovers.id``
under a unique index), filled from the stored bodies; a database where two hand-overs of
a book already share an id is refused, unchanged.

Runs on SQLite and, with ``BACKOFFICE_TEST_POSTGRES_URL``, on PostgreSQL.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from backoffice_core.adapters.sql import SchemaError, SqlStore
from backoffice_core.adapters.sql.schema import head_revision
from backoffice_core.documents.model import StockHandover
from backoffice_core.errors import DuplicateError

BEFORE = "0012_year_closed_periods"


def _handover(handover_id: str, document_id: str) -> StockHandover:
    return StockHandover(handover_id, document_id, "1", "WID", Decimal("2"), "C62", 1,
                         date(2026, 3, 2), "GR-2026-00001")


def _record(url: str, *handovers: StockHandover, book: str = "acme") -> None:
    store = SqlStore(url)
    try:
        with store(book) as uow:
            uow.documents.add_handovers(list(handovers))
            uow.commit()
    finally:
        store.dispose()


def test_migrating_fills_the_ids_and_a_taken_id_is_refused(url: str, db: Any) -> None:
    _record(url, _handover("h-1", "d-1"), _handover("h-2", "d-2"))
    _record(url, _handover("h-1", "d-1"), book="other")  # ids are per book
    db.downgrade(BEFORE)
    assert "id" not in db.columns("documents_handovers")
    SqlStore(url, migrate=True).dispose()
    assert db.version() == head_revision()
    assert sorted(db.run("SELECT book, seq, id FROM documents_handovers")) == [
        ("acme", 1, "h-1"), ("acme", 2, "h-2"), ("other", 1, "h-1")]
    assert "ux_documents_handovers_id" in db.indexes("documents_handovers")
    with pytest.raises(DuplicateError) as info:
        _record(url, _handover("h-3", "d-3"), _handover("h-2", "d-3"))
    assert (info.value.field, info.value.value) == ("id", "h-2")
    assert db.run("SELECT COUNT(*) FROM documents_handovers WHERE book = 'acme'") == [(2,)]
    # the index itself refuses a repeat written past the adapter, as a typed error
    err = db.refused("INSERT INTO documents_handovers (book, seq, document_id, body, id) "
                     "VALUES ('acme', 9, 'd-9', '{}', 'h-1')")
    assert isinstance(err, DuplicateError) and err.field == "id", err


def test_migrating_refuses_shared_ids_and_changes_nothing(url: str, db: Any) -> None:
    _record(url, _handover("h-1", "d-1"), _handover("h-2", "d-2"))
    db.downgrade(BEFORE)
    body = db.run("SELECT body FROM documents_handovers WHERE seq = 2")[0][0]
    assert isinstance(body, str) and '"h-2"' in body
    db.run("UPDATE documents_handovers SET body = :b WHERE seq = 2",
           b=body.replace('"h-2"', '"h-1"'))
    with pytest.raises(SchemaError) as info:
        SqlStore(url, migrate=True)
    assert "'acme'" in str(info.value) and "'h-1'" in str(info.value), str(info.value)
    assert db.version() == BEFORE
    assert "id" not in db.columns("documents_handovers")
