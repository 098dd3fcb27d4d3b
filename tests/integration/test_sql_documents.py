"""SQL adapter, documents domain: what the conformance kit cannot see from outside.

* the schema itself refuses a second document of one type with the same number
  (even written behind the adapter's back) and keeps dates as ``DATE``;
* numbering stays gapless and unique with several *processes* reserving numbers
  (and some rolling back) on one SQLite file and one PostgreSQL schema;
* a database at revision 0001 (ledger only) is refused, then migrated, and then
  keeps documents; the documents migration also downgrades cleanly;
* what PostgreSQL cannot hold (NUL characters, over-long keys) is refused with
  a ``ValidationError`` naming the field, and a corrupted stored row is a
  ``StorageError``, never a raw driver or JSON error.
"""

from __future__ import annotations

import multiprocessing
import subprocess
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

import backoffice_core as bc
from backoffice_core.adapters.sql import SchemaOutdatedError, SqlStore
from backoffice_core.adapters.sql.documents_mappers import decode, encode
from backoffice_core.adapters.sql.schema import MIGRATIONS
from backoffice_core.documents.model import DocumentState, DocumentType
from backoffice_core.documents.repository import DocumentQuery
from backoffice_core.errors import ConcurrencyError, StorageError, ValidationError
from backoffice_core.testing._contracts import _documents_samples as s

WORKERS = 3
PER_WORKER = 8


@pytest.fixture
def store(url: str) -> Iterator[SqlStore]:
    """A store on the empty database."""
    st = SqlStore(url)
    yield st
    st.dispose()


def test_the_schema_itself_keeps_numbers_unique_per_type(store: SqlStore) -> None:
    with store("acme") as uow:
        uow.documents.add_document(s.document("d-1", "p-1", number="INV-1",
                                              state=DocumentState.ISSUED))
        uow.commit()
    with store.engine.connect() as conn:
        row = conn.exec_driver_sql("SELECT doc_date, type, number FROM documents_documents"
                                   ).one()
        assert str(row[0]) == "2026-01-08" and tuple(row[1:]) == ("sales_invoice", "INV-1")
        with pytest.raises(sa.exc.IntegrityError):  # behind the adapter's back
            conn.exec_driver_sql(
                "INSERT INTO documents_documents (book, id, type, number, party_id, doc_date, "
                "state, direction, archived, is_open, version, body) VALUES ('acme', 'd-2', "
                "'sales_invoice', 'INV-1', 'p', '2026-01-09', 'issued', 'sales', false, "
                "false, 1, '{}')")


def _reserve(url: str, worker: int) -> list[int]:
    """A child process: reserve numbers one unit of work at a time; odd tries roll back."""
    st = SqlStore(url)
    kept: list[int] = []
    try:
        tries = 0
        while len(kept) < PER_WORKER:
            try:
                with st("acme") as uow:
                    n = uow.documents.next_number("sales_invoice", "2026")
                    tries += 1
                    if tries % 2:
                        uow.commit()
                        kept.append(n)
            except ConcurrencyError:
                continue
    finally:
        st.dispose()
    return kept


def test_processes_reserve_gapless_unique_numbers(store: SqlStore, url: str) -> None:
    with multiprocessing.get_context("spawn").Pool(WORKERS) as pool:
        results = pool.starmap(_reserve, [(url, w) for w in range(WORKERS)])
    every = sorted(n for kept in results for n in kept)
    assert every == list(range(1, WORKERS * PER_WORKER + 1)), every
    with store("acme") as uow:
        assert uow.documents.next_number("sales_invoice", "2026") == WORKERS * PER_WORKER + 1


def _cfg(url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def test_a_ledger_only_database_is_migrated_to_keep_documents(url: str) -> None:
    bo = bc.Backoffice.open(url, book="acme")
    bo.ledger.setup("Acme", currency="EUR", chart="generic")
    command.downgrade(_cfg(url), "0001")
    engine = sa.create_engine(make_url(url), poolclass=NullPool)
    try:
        assert not [t for t in sa.inspect(engine).get_table_names()
                    if t.startswith("documents_")]
        with pytest.raises(SchemaOutdatedError):
            SqlStore(url)
        st = SqlStore(url, migrate=True)
        with st("acme") as uow:
            assert uow.ledger.get_settings() is not None  # the ledger survived
            uow.documents.add_party(s.party("p-1"))
            uow.commit()
        with st("acme") as uow:
            assert uow.documents.get_party("p-1") == s.party("p-1")
        st.dispose()
    finally:
        engine.dispose()


def test_postgres_refuses_what_it_cannot_hold_naming_the_field(store: SqlStore) -> None:
    if store.dialect != "postgresql":
        pytest.skip("SQLite stores NUL characters and long keys verbatim")
    with store("acme") as uow:
        with pytest.raises(ValidationError) as info:
            uow.documents.add_party(s.party("p-1", "Bad\x00name"))
        assert info.value.field == "legal_name"
        with pytest.raises(ValidationError) as info:
            uow.documents.next_number("x" * 201, "2026")
        assert info.value.field == "series"
        uow.documents.add_party(s.party("p-1"))  # nothing was sent: the unit of work goes on
        assert uow.documents.get_party("p\x00") is None
        uow.commit()


def test_text_search_is_exact_about_case_and_accents(store: SqlStore) -> None:
    docs = [s.document("d-1", "p-1", note="Straße"), s.document("d-2", "p-1", note="STRASSE"),
            s.document("d-3", "p-1", note="café", type=DocumentType.QUOTE)]
    with store("acme") as uow:
        for d in docs:
            uow.documents.add_document(d)
        uow.commit()
    with store("acme") as uow:
        for text in ("strasse", "CAFÉ", "straße"):
            want = [d.id for d in docs if DocumentQuery(text=text).matches(d)]
            assert [d.id for d in uow.documents.find_documents(DocumentQuery(text=text))] == want


def test_a_corrupted_row_is_a_storage_error() -> None:
    good = encode(s.payment("pay-1", "p-1"))
    assert decode(good) == s.payment("pay-1", "p-1")
    for bad in ("{", good.replace('"@":"Payment"', '"@":"Nope"'), '{"@":"$","a":"1"}'):
        with pytest.raises(StorageError) as info:
            decode(bad)
        assert info.value.field == "body"
    with pytest.raises(ValidationError) as refused:
        encode((1.5,))
    assert refused.value.field == "tuple[0]"


def test_dates_round_trip_at_the_edges(store: SqlStore) -> None:
    with store("acme") as uow:
        for i, day in enumerate((date(1, 1, 1), date(9999, 12, 1), date(2024, 2, 29))):
            uow.documents.add_document(s.document(f"d-{i}", "p-1", on=day))
        uow.commit()
    with store("acme") as uow:
        got = uow.documents.find_documents(DocumentQuery(start=date(2024, 2, 29)))
        assert [d.date for d in got] == [date(2024, 2, 29), date(9999, 12, 1)]


NO_DOCUMENTS = '''
import pytest
from backoffice_core.adapters.memory import MemoryStore
from backoffice_core.testing import AdapterCapabilities


class LedgerOnly(MemoryStore):
    def __call__(self, book):
        uow = super().__call__(book)
        del uow.documents
        return uow


@pytest.fixture
def uow_factory():
    return LedgerOnly()


@pytest.fixture
def adapter_capabilities():
    return AdapterCapabilities(documents=False)
'''


def test_an_adapter_without_documents_declares_it_and_the_contract_skips(
        tmp_path: Path) -> None:
    (tmp_path / "conftest.py").write_text(NO_DOCUMENTS)
    (tmp_path / "test_it.py").write_text(
        "from backoffice_core.testing.suite import TestDocumentsRepository  # noqa: F401\n")
    (tmp_path / "pytest.ini").write_text("[pytest]\n")
    run = subprocess.run([sys.executable, "-m", "pytest", "-q", "-rs", "-p", "no:cacheprovider",
                          "-p", "no:hypothesispytest"], cwd=tmp_path, capture_output=True,
                         text=True)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "the adapter declares documents=False" in run.stdout
    assert " passed" not in run.stdout and "skipped" in run.stdout
