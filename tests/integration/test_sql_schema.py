"""SQL adapter: schema creation on open, old-schema detection and migration, packaging.

Runs on SQLite (a file in tmp_path) and on PostgreSQL (a fresh schema per test,
from ``BACKOFFICE_TEST_POSTGRES_URL``; skipped when unset unless
``BACKOFFICE_REQUIRE_POSTGRES=1``).
"""

from __future__ import annotations

import multiprocessing
import os
import runpy
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.pool import NullPool

import backoffice_core as bc
from backoffice_core.adapters.sql import SchemaError, SchemaOutdatedError, SqlStore
from backoffice_core.adapters.sql import schema as schema_module
from backoffice_core.adapters.sql.schema import MIGRATIONS, full_metadata, head_revision
from backoffice_core.adapters.sql.tables import VERSION_TABLE

ROOT = Path(__file__).resolve().parents[2]
LEDGER_TABLES = sorted(t for t in full_metadata().tables if t.startswith("ledger_"))
EXTRA_REVISION = '''"""Test-only revision: adds a note column to the books.

Revision ID: 9001_test_note
"""
import sqlalchemy as sa
from alembic import op

revision = "9001_test_note"
down_revision = {head!r}
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("ledger_books", sa.Column("note", sa.Text(), nullable=True))
    {failure}


def downgrade():
    with op.batch_alter_table("ledger_books") as batch:
        batch.drop_column("note")
'''


# --------------------------------------------------------------------------- backends


@pytest.fixture
def engine(url: str) -> Iterator[sa.Engine]:
    """A plain engine on the test database (for looking under the hood)."""
    eng = sa.create_engine(url, poolclass=NullPool)
    yield eng
    eng.dispose()


def _tables(engine: sa.Engine) -> list[str]:
    with engine.connect() as conn:
        return sorted(sa.inspect(conn).get_table_names())


def _revision(engine: sa.Engine) -> list[str]:
    with engine.connect() as conn:
        return [r[0] for r in conn.exec_driver_sql(f"SELECT version_num FROM {VERSION_TABLE}")]


def _book(store: SqlStore, book: str = "acme") -> bc.Backoffice:
    bo = bc.Backoffice(store, book=book)
    return bo


def _post_one(bo: bc.Backoffice) -> None:
    bo.ledger.post(bc.NewEntry(date(2026, 1, 5), "Sale", [bc.debit("1110", "10.00"),
                                                          bc.credit("4100", "10.00")]))


def _migrations_with_extra(tmp_path: Path, failure: str = "") -> Path:
    target = tmp_path / "migrations"
    shutil.copytree(MIGRATIONS, target, ignore=shutil.ignore_patterns("__pycache__"))
    (target / "versions" / "9001_test_note.py").write_text(
        EXTRA_REVISION.format(failure=failure or "pass", head=head_revision()),
        encoding="utf-8")
    return target


def _alembic(url: str, location: Path = MIGRATIONS) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(location))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


# --------------------------------------------------------------------------- creation
def test_open_on_an_empty_database_creates_the_schema(url: str, engine: sa.Engine) -> None:
    bo = bc.Backoffice.open(url, book="acme")
    bo.ledger.setup("Acme", currency="EUR", chart="generic")
    assert set(LEDGER_TABLES) <= set(_tables(engine))
    assert _revision(engine) == [head_revision()]
    again = bc.Backoffice.open(url, book="acme")  # a current schema is simply used
    assert again.ledger.settings().name == "Acme"
    assert _revision(engine) == [head_revision()]


def test_head_revision_agrees_with_alembic(tmp_path: Path) -> None:
    assert ScriptDirectory(str(MIGRATIONS)).get_current_head() == head_revision()
    newer = _migrations_with_extra(tmp_path)
    assert head_revision(newer) == ScriptDirectory(str(newer)).get_current_head() \
        == "9001_test_note"


def test_migrations_create_exactly_the_tables_of_the_metadata(url: str,
                                                              engine: sa.Engine) -> None:
    SqlStore(url).dispose()
    with engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"version_table": VERSION_TABLE})
        diff = compare_metadata(ctx, full_metadata())
    assert diff == []


def test_downgrade_to_base_and_upgrade_again(url: str, engine: sa.Engine) -> None:
    SqlStore(url).dispose()
    command.downgrade(_alembic(url), "base")
    assert not set(LEDGER_TABLES) & set(_tables(engine))
    command.upgrade(_alembic(url), "head")
    assert set(LEDGER_TABLES) <= set(_tables(engine))
    bo = bc.Backoffice.open(url)
    bo.ledger.setup("Again", currency="USD", chart="generic")
    _post_one(bo)
    assert bo.ledger.verify().ok


def test_host_tables_and_the_hosts_alembic_history_are_left_alone(url: str,
                                                                  engine: sa.Engine) -> None:
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT)")
        conn.exec_driver_sql("INSERT INTO customers VALUES (1, 'Ada')")
        conn.exec_driver_sql("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL)")
        conn.exec_driver_sql("INSERT INTO alembic_version VALUES ('host_rev_7')")
    bo = bc.Backoffice.open(url, book="acme")
    bo.ledger.setup("Acme", currency="EUR")
    with engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT name FROM customers").scalar() == "Ada"
        assert conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar() \
            == "host_rev_7"
    assert _revision(engine) == [head_revision()]


# --------------------------------------------------------------------------- old schemas
def test_an_older_schema_is_refused_with_a_typed_error_then_migrated(
    url: str, engine: sa.Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bo = bc.Backoffice.open(url, book="acme")  # created at the shipped head
    bo.ledger.setup("Acme", currency="USD", chart="generic")
    _post_one(bo)
    shipped = head_revision()
    newer = _migrations_with_extra(tmp_path)
    # this "newer library" ships one more revision
    monkeypatch.setattr(schema_module, "MIGRATIONS", newer)
    with pytest.raises(SchemaOutdatedError) as info:
        bc.Backoffice.open(url, book="acme")
    assert info.value.field == "schema" and info.value.value == shipped
    assert "migrate=True" in str(info.value)
    assert isinstance(info.value, bc.BackofficeError)
    assert _revision(engine) == [shipped]  # refusing changed nothing
    migrated = bc.Backoffice.open(url, book="acme", migrate=True)
    assert _revision(engine) == ["9001_test_note"]
    with engine.connect() as conn:
        columns = {c["name"] for c in sa.inspect(conn).get_columns("ledger_books")}
    assert "note" in columns
    assert migrated.ledger.balance("1110") == bc.Money("10.00", "USD")
    assert migrated.ledger.verify().ok
    _post_one(migrated)
    assert migrated.ledger.balance("1110") == bc.Money("20.00", "USD")


def test_a_failed_migration_leaves_the_schema_as_it_was(url: str, engine: sa.Engine,
                                                        tmp_path: Path) -> None:
    SqlStore(url).dispose()
    broken = _migrations_with_extra(tmp_path, failure='raise RuntimeError("boom")')
    with pytest.raises(SchemaError, match="boom") as info:
        SqlStore(url, migrate=True, migrations=broken)
    assert info.value.value == head_revision() and "nothing was changed" in str(info.value)
    assert _revision(engine) == [head_revision()]
    with engine.connect() as conn:
        columns = {c["name"] for c in sa.inspect(conn).get_columns("ledger_books")}
    assert "note" not in columns  # the DDL rolled back with the transaction


def test_a_schema_from_a_newer_library_is_refused(url: str, engine: sa.Engine) -> None:
    SqlStore(url).dispose()
    with engine.begin() as conn:
        conn.exec_driver_sql(f"UPDATE {VERSION_TABLE} SET version_num = '9999'")
    with pytest.raises(SchemaError) as info:
        bc.Backoffice.open(url)
    assert info.value.value == "9999"
    assert not isinstance(info.value, SchemaOutdatedError)


def test_backoffice_tables_without_a_version_stamp_are_refused(url: str,
                                                               engine: sa.Engine) -> None:
    full_metadata().create_all(engine)
    with pytest.raises(SchemaError) as info:
        bc.Backoffice.open(url)
    assert "ledger_entries" in info.value.value
    assert VERSION_TABLE not in _tables(engine)


# --------------------------------------------------------------------------- concurrency
def _open_worker(url: str, done: str) -> None:
    bo = bc.Backoffice.open(url, book=f"w{os.getpid()}")
    bo.ledger.setup("W", currency="USD", chart="generic")
    _post_one(bo)
    Path(done).write_text("ok", encoding="utf-8")


if __name__ == "__sql_worker__":  # run in a spawned child through runpy (see below)
    _open_worker(**WORKER)  # type: ignore[name-defined] # noqa: F821


@pytest.mark.slow
def test_processes_opening_one_new_database_at_once_create_the_schema_once(
    url: str, engine: sa.Engine, tmp_path: Path
) -> None:
    ctx = multiprocessing.get_context("spawn")
    done = [tmp_path / f"done{i}" for i in range(4)]
    procs = [ctx.Process(target=runpy.run_path, args=(__file__,),
                         kwargs={"init_globals": {"WORKER": {"url": url, "done": str(d)}},
                                 "run_name": "__sql_worker__"}) for d in done]
    for p in procs:
        p.start()
    for p in procs:
        p.join(180)
    assert [p.exitcode for p in procs] == [0, 0, 0, 0]
    assert all(d.exists() for d in done)
    assert _revision(engine) == [head_revision()]
    with engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT COUNT(*) FROM ledger_books").scalar() == 4


# --------------------------------------------------------------------------- packaging
def test_importing_backoffice_core_does_not_import_sqlalchemy() -> None:
    code = ("import sys, backoffice_core as bc\n"
            "bc.Backoffice.open('memory://')\n"
            "print('sqlalchemy' in sys.modules)\n"
            "bc.Backoffice.open('sqlite://')\n"
            "print('sqlalchemy' in sys.modules)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, timeout=120).stdout.split()
    assert out == ["False", "True"]


def test_the_command_line_creates_and_reports_the_schema(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    run = [sys.executable, "-m", "backoffice_core.adapters.sql"]
    current = subprocess.run([*run, "current", url], capture_output=True, text=True,
                             timeout=120)
    assert current.returncode == 0 and current.stdout.strip() == ""
    up = subprocess.run([*run, "upgrade", url], capture_output=True, text=True, timeout=120)
    assert up.returncode == 0 and up.stdout.strip() == head_revision()
    current = subprocess.run([*run, "current", url], capture_output=True, text=True,
                             timeout=120)
    assert current.stdout.strip() == head_revision()
    bad = subprocess.run([*run, "upgrade", "mysql://nowhere/x"], capture_output=True,
                         text=True, timeout=120)
    assert bad.returncode == 1 and "error: url=" in bad.stderr


@pytest.mark.slow
def test_the_wheel_ships_the_migrations(tmp_path: Path) -> None:
    from hatchling.builders.wheel import WheelBuilder

    wheel = next(iter(WheelBuilder(str(ROOT)).build(directory=str(tmp_path),
                                                    versions=["standard"])))
    names = set(zipfile.ZipFile(wheel).namelist())
    base = "backoffice_core/adapters/sql/migrations/"
    assert {base + "env.py", base + "script.py.mako", base + "versions/0001_initial.py",
            base + "versions/0002_documents.py", base + "versions/0003_inventory.py"} <= names
    assert "backoffice_core/ledger/charts/ru_94n.json" in names
    assert "backoffice_core/documents/render/templates/document.html" in names
    assert "backoffice_core/py.typed" in names
