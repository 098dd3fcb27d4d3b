"""Fixtures shared by the SQL integration tests.

* ``pg_base``: the PostgreSQL URL from ``BACKOFFICE_TEST_POSTGRES_URL``; the test skips
  without it, or fails when ``BACKOFFICE_REQUIRE_POSTGRES=1`` (as in CI).
* ``url``: an empty database, once as an SQLite file and once as a fresh PostgreSQL
  schema (dropped afterwards).
* ``db``: that database with the migration tests' tools (:class:`Database`: a book, raw
  SQL, alembic downgrades, columns and indexes, a statement the schema refuses).
* ``acme``: an empty EUR book ``acme`` (generic chart, clock at 2026-01-31 UTC,
  sequential ids) on memory:// (once, beside SQLite) and on the SQL store of ``url``:
  for the tests that hold every store to the same answer.

Test modules run under ``--import-mode=importlib`` and cannot import this file, so the
helpers are handed out as fixtures.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool


@pytest.fixture
def pg_base() -> str:
    """The PostgreSQL server under test, as a ``postgresql+psycopg`` URL string."""
    url = os.environ.get("BACKOFFICE_TEST_POSTGRES_URL")
    if not url:
        if os.environ.get("BACKOFFICE_REQUIRE_POSTGRES") == "1":
            pytest.fail("BACKOFFICE_REQUIRE_POSTGRES=1 but BACKOFFICE_TEST_POSTGRES_URL is unset")
        pytest.skip("PostgreSQL tests need BACKOFFICE_TEST_POSTGRES_URL, e.g. "
                    "postgresql+psycopg://postgres@127.0.0.1:55432/backoffice_test")
    return make_url(url).set(drivername="postgresql+psycopg").render_as_string(
        hide_password=False)


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database: an SQLite file, or a fresh PostgreSQL schema."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'books.db'}"
        return
    base = make_url(request.getfixturevalue("pg_base"))
    schema = f"bo_t_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(base, poolclass=NullPool)
    with admin.begin() as conn:
        conn.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    yield base.update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(
        hide_password=False)
    with admin.begin() as conn:
        conn.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
    admin.dispose()


class Database:
    """The database of the ``url`` fixture, as the migration tests handle it: a book on it,
    raw SQL, alembic moves, what the schema holds, and a statement the schema refuses
    (translated as the adapter translates it)."""

    def __init__(self, url: str) -> None:
        self.url = url

    def book(self) -> Any:
        """The book ``acme`` (Acme, EUR, the generic chart), set up on first use."""
        import backoffice_core as bc

        bo = bc.Backoffice.open(self.url, book="acme")
        bo.ledger.setup("Acme", currency="EUR", chart="generic")
        return bo

    def run(self, sql: str, **params: object) -> list[tuple[object, ...]]:
        """Run one statement in its own transaction; its rows, if it returns any."""
        engine = sa.create_engine(self.url, poolclass=NullPool)
        try:
            with engine.begin() as conn:
                result = conn.execute(sa.text(sql), params)
                return [tuple(r) for r in result] if result.returns_rows else []
        finally:
            engine.dispose()

    def downgrade(self, revision: str) -> None:
        """Take the schema back to ``revision`` with alembic."""
        from alembic import command
        from alembic.config import Config

        from backoffice_core.adapters.sql.schema import MIGRATIONS

        cfg = Config()
        cfg.set_main_option("script_location", str(MIGRATIONS))
        cfg.set_main_option("sqlalchemy.url", self.url.replace("%", "%%"))
        command.downgrade(cfg, revision)

    def version(self) -> object:
        """The schema's alembic revision."""
        from backoffice_core.adapters.sql.tables import VERSION_TABLE

        return self.run(f"SELECT version_num FROM {VERSION_TABLE}")[0][0]

    def columns(self, table: str) -> set[str]:
        return {str(c["name"]) for c in self._inspect(lambda i: i.get_columns(table))}

    def indexes(self, table: str) -> set[str]:
        return {str(i["name"]) for i in self._inspect(lambda i: i.get_indexes(table))}

    def _inspect(self, read: Any) -> Any:
        engine = sa.create_engine(self.url, poolclass=NullPool)
        try:
            with engine.connect() as conn:
                return read(sa.inspect(conn))
        finally:
            engine.dispose()

    def refused(self, sql: str) -> Any:
        """The adapter's error for ``sql``, which the schema must refuse (IntegrityError)."""
        from backoffice_core.adapters.sql.translate import translate

        engine = sa.create_engine(self.url, poolclass=NullPool)
        try:
            with pytest.raises(sa.exc.IntegrityError) as info, engine.begin() as conn:
                conn.execute(sa.text(sql))
        finally:
            engine.dispose()
        return translate(info.value)


@pytest.fixture
def db(url: str) -> Database:
    """The ``url`` database with the migration tests' tools (:class:`Database`)."""
    return Database(url)


@pytest.fixture(params=["memory", "sql"])
def acme(request: pytest.FixtureRequest, url: str) -> Iterator[Any]:
    """An empty EUR book on memory:// or on the ``url`` store (see the module text)."""
    import backoffice_core as bc
    from backoffice_core.adapters.memory import MemoryStore
    from backoffice_core.adapters.sql import SqlStore
    from backoffice_core.ports import FixedClock, SequentialIds

    if request.param == "memory" and "sqlite" not in url:
        pytest.skip("memory:// runs once, beside SQLite")
    store: Any = MemoryStore() if request.param == "memory" else SqlStore(url)
    book = bc.Backoffice(store, book="acme", clock=FixedClock(datetime(2026, 1, 31, tzinfo=UTC)),
                         ids=SequentialIds("d"))
    book.ledger.setup("Acme", currency="EUR", chart="generic")
    yield book
    if isinstance(store, SqlStore):
        store.dispose()
