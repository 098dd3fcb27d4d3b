"""Party codes are unique per book in the SQL schema: the index, its error, its migration.

Runs on SQLite and, with ``BACKOFFICE_TEST_POSTGRES_URL``, on PostgreSQL.
"""

from __future__ import annotations

from typing import Any

import pytest

import backoffice_core as bc
from backoffice_core.adapters.sql import SchemaError, SqlStore
from backoffice_core.adapters.sql.schema import head_revision
from backoffice_core.documents.parties import Party
from backoffice_core.errors import DuplicateError

BEFORE = "0006_inventory_rollup_range"


def test_the_repository_refuses_a_taken_code_and_names_it(url: str, db: Any) -> None:
    db.book().documents.create_party("Globex", code="C-1")
    store = SqlStore(url)
    try:
        with store("acme") as uow:
            repo = uow.documents
            assert repo is not None
            with pytest.raises(DuplicateError) as info:
                repo.add_party(Party("p-new", "Copy", code="C-1"))
            assert (info.value.field, info.value.value) == ("code", "C-1")
            repo.add_party(Party("p-2", "Other", code="C-2"))
            with pytest.raises(DuplicateError) as upd:
                repo.update_party(Party("p-2", "Other", code="C-1", version=1), 0)
            assert (upd.value.field, upd.value.value) == ("code", "C-1")
            repo.add_party(Party("p-3", "No code"))
            repo.add_party(Party("p-4", "No code either"))
            uow.commit()
    finally:
        store.dispose()
    assert db.run("SELECT id, code FROM documents_parties WHERE code IS NULL "
                  "ORDER BY id") == [("p-3", None), ("p-4", None)]


def test_the_unique_index_itself_raises_duplicate_error_on_code(db: Any) -> None:
    db.book().documents.create_party("Globex", code="C-1")
    mapped = db.refused("INSERT INTO documents_parties (book, id, legal_name, archived,"
                        " version, body, code) VALUES ('acme', 'x', 'X', false, 0, '{}', 'C-1')")
    assert isinstance(mapped, DuplicateError) and mapped.field == "code"


def test_migrating_copies_the_codes_into_the_indexed_column(url: str, db: Any) -> None:
    docs = db.book().documents
    ids = [docs.create_party("A", code="C-1").id, docs.create_party("B", code="C-2").id,
           docs.create_party("C").id, docs.create_party("D").id]
    db.downgrade(BEFORE)
    SqlStore(url, migrate=True).dispose()
    assert db.version() == head_revision()
    assert db.run("SELECT id, code FROM documents_parties ORDER BY id") == sorted(
        zip(ids, ["C-1", "C-2", None, None], strict=True))
    docs = bc.Backoffice.open(url, book="acme").documents
    with pytest.raises(DuplicateError):
        docs.create_party("E", code="C-2")
    assert docs.party_by_code("C-2").id == ids[1]


def test_migrating_refuses_shared_codes_and_changes_nothing(url: str, db: Any) -> None:
    docs = db.book().documents
    first = docs.create_party("A", code="C-1")
    second = docs.create_party("B", code="C-2")
    db.downgrade(BEFORE)
    body = db.run("SELECT body FROM documents_parties WHERE id = :i", i=second.id)[0][0]
    assert isinstance(body, str)
    db.run("UPDATE documents_parties SET body = :b WHERE id = :i",
           b=body.replace('"C-2"', '"C-1"'), i=second.id)
    with pytest.raises(SchemaError) as info:
        SqlStore(url, migrate=True)
    message = str(info.value)
    assert "'C-1'" in message and first.id in message and second.id in message
    assert db.version() == BEFORE
    assert "code" not in db.columns("documents_parties")
