"""Migration 0009: a document number unique in its book whatever the document's type,
in the database (the unique index ``ux_documents_documents_number``), so two issues of
different types running at once cannot both take one number.

Runs on SQLite and, with ``BACKOFFICE_TEST_POSTGRES_URL``, on PostgreSQL.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

import backoffice_core as bc
from backoffice_core.adapters.sql import SchemaError, SqlStore
from backoffice_core.adapters.sql.schema import head_revision
from backoffice_core.documents import Tax, line

BEFORE = "0008_document_keys"
INDEX = "ux_documents_documents_number"
#: a copy of every numbered document under another type and id, keeping its number
COPY = ("INSERT INTO documents_documents (book, id, type, number, party_id, doc_date, state,"
        " direction, archived, is_open, version, body) SELECT book, 'x-' || id, 'credit_note',"
        " number, party_id, doc_date, state, direction, archived, is_open, version, body"
        " FROM documents_documents WHERE number IS NOT NULL")


def _documents(db: Any) -> list[str]:
    """A book with two issued invoices and two drafts (no number); their ids."""
    docs = db.book().documents
    acme = docs.create_party("Acme")
    ids = [docs.create_invoice(acme.id, date(2026, 2, 1), [line("A", 1, "10.00", Tax.zero())]).id
           for _ in range(4)]
    for doc_id in ids[:2]:
        docs.issue(doc_id)
    return ids


def test_a_number_another_type_holds_is_refused_by_the_database(db: Any) -> None:
    _documents(db)
    assert INDEX in db.indexes("documents_documents")
    assert db.refused(COPY).field == "number"


def test_migrating_adds_the_index_and_keeps_drafts_apart(url: str, db: Any) -> None:
    ids = _documents(db)
    db.downgrade(BEFORE)
    assert INDEX not in db.indexes("documents_documents")
    db.run(COPY)  # the per-type constraint let it in
    db.run("DELETE FROM documents_documents WHERE id LIKE 'x-%'")
    SqlStore(url, migrate=True).dispose()
    assert db.version() == head_revision()
    assert INDEX in db.indexes("documents_documents")
    assert db.refused(COPY).field == "number"
    docs = bc.Backoffice.open(url, book="acme").documents
    assert [docs.get(i).number for i in ids] == ["INV-2026-00001", "INV-2026-00002", None, None]
    assert docs.issue(ids[2]).number == "INV-2026-00003"


def test_migrating_refuses_a_number_two_types_share_and_changes_nothing(url: str,
                                                                       db: Any) -> None:
    ids = _documents(db)
    db.downgrade(BEFORE)
    db.run("UPDATE documents_documents SET type = 'credit_note', number = 'INV-2026-00001'"
           " WHERE id = :i", i=ids[1])
    with pytest.raises(SchemaError) as info:
        SqlStore(url, migrate=True)
    message = str(info.value)
    assert "'INV-2026-00001'" in message and ids[0] in message and ids[1] in message, message
    assert (info.value.field, info.value.value) == ("number", "INV-2026-00001")
    assert db.version() == BEFORE
    assert INDEX not in db.indexes("documents_documents")
