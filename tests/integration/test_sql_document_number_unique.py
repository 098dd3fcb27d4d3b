"""Migration 0009: a document number unique in its book whatever the document's type,
in the database (the unique index ``ux_documents_documents_number``), so two issues of
different types running at once cannot both take one number.

Runs on SQLite and, with ``BACKOFFICE_TEST_POSTGRES_URL``, on PostgreSQL.
"""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from sqlalchemy.pool import NullPool

import backoffice_core as bc
from backoffice_core.adapters.sql import SchemaError, SqlStore
from backoffice_core.adapters.sql.schema import MIGRATIONS, head_revision
from backoffice_core.adapters.sql.tables import VERSION_TABLE
from backoffice_core.adapters.sql.translate import translate
from backoffice_core.documents import Tax, line
from backoffice_core.errors import DuplicateError

BEFORE = "0008_document_keys"
INDEX = "ux_documents_documents_number"
#: a copy of every numbered document under another type and id, keeping its number
COPY = ("INSERT INTO documents_documents (book, id, type, number, party_id, doc_date, state,"
        " direction, archived, is_open, version, body) SELECT book, 'x-' || id, 'credit_note',"
        " number, party_id, doc_date, state, direction, archived, is_open, version, body"
        " FROM documents_documents WHERE number IS NOT NULL")


def _alembic(url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def _run(url: str, sql: str, **params: object) -> list[tuple[object, ...]]:
    engine = sa.create_engine(url, poolclass=NullPool)
    try:
        with engine.begin() as conn:
            result = conn.execute(sa.text(sql), params)
            return [tuple(r) for r in result] if result.returns_rows else []
    finally:
        engine.dispose()


def _indexes(url: str) -> set[str]:
    engine = sa.create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            return {str(i["name"]) for i in sa.inspect(conn).get_indexes("documents_documents")}
    finally:
        engine.dispose()


def _documents(url: str) -> list[str]:
    """A book with two issued invoices and two drafts (no number); their ids."""
    bo = bc.Backoffice.open(url, book="acme")
    bo.ledger.setup("Acme", currency="EUR", chart="generic")
    docs = bo.documents
    acme = docs.create_party("Acme")
    ids = [docs.create_invoice(acme.id, date(2026, 2, 1), [line("A", 1, "10.00", Tax.zero())]).id
           for _ in range(4)]
    for doc_id in ids[:2]:
        docs.issue(doc_id)
    return ids


def _duplicate(url: str) -> DuplicateError:
    engine = sa.create_engine(url, poolclass=NullPool)
    try:
        with pytest.raises(sa.exc.IntegrityError) as info, engine.begin() as conn:
            conn.execute(sa.text(COPY))
    finally:
        engine.dispose()
    mapped = translate(info.value)
    assert isinstance(mapped, DuplicateError)
    return mapped


def test_a_number_another_type_holds_is_refused_by_the_database(url: str) -> None:
    _documents(url)
    assert INDEX in _indexes(url)
    assert _duplicate(url).field == "number"


def test_migrating_adds_the_index_and_keeps_drafts_apart(url: str) -> None:
    ids = _documents(url)
    command.downgrade(_alembic(url), BEFORE)
    assert INDEX not in _indexes(url)
    _run(url, COPY)  # the per-type constraint let it in
    _run(url, "DELETE FROM documents_documents WHERE id LIKE 'x-%'")
    SqlStore(url, migrate=True).dispose()
    assert _run(url, f"SELECT version_num FROM {VERSION_TABLE}") == [(head_revision(),)]
    assert INDEX in _indexes(url)
    assert _duplicate(url).field == "number"
    docs = bc.Backoffice.open(url, book="acme").documents
    assert [docs.get(i).number for i in ids] == ["INV-2026-00001", "INV-2026-00002", None, None]
    assert docs.issue(ids[2]).number == "INV-2026-00003"


def test_migrating_refuses_a_number_two_types_share_and_changes_nothing(url: str) -> None:
    ids = _documents(url)
    command.downgrade(_alembic(url), BEFORE)
    _run(url, "UPDATE documents_documents SET type = 'credit_note', number = 'INV-2026-00001'"
              " WHERE id = :i", i=ids[1])
    with pytest.raises(SchemaError) as info:
        SqlStore(url, migrate=True)
    message = str(info.value)
    assert "'INV-2026-00001'" in message and ids[0] in message and ids[1] in message, message
    assert (info.value.field, info.value.value) == ("number", "INV-2026-00001")
    assert _run(url, f"SELECT version_num FROM {VERSION_TABLE}") == [(BEFORE,)]
    assert INDEX not in _indexes(url)
