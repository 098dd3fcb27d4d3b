"""Schema management: create, check and migrate the SQL schema with alembic.

The migrations ship inside the package (``migrations/``, version table
``backoffice_alembic_version``, so they never mix with a host application's
own alembic history). Opening a store calls :func:`ensure_schema`:

* schema at the head revision: nothing to do (one query; alembic is not imported,
  the head is read from the migration files by :func:`head_revision`);
* empty database (no backoffice tables; other tables are left alone): ``alembic
  upgrade head`` creates the schema;
* older revision: :class:`SchemaOutdatedError` unless ``migrate=True``, which
  upgrades it;
* unknown (newer) revision, or backoffice tables without a version stamp:
  :class:`SchemaError`.

Creating and migrating run in one transaction (DDL is transactional on SQLite
and PostgreSQL) under a lock (SQLite ``BEGIN IMMEDIATE``, a PostgreSQL advisory
lock), so processes opening the same new database at once do not race, and a
failed migration leaves the schema as it was.

Example:
    >>> from backoffice_core.adapters.sql.engine import make_engine
    >>> engine = make_engine("sqlite://")
    >>> ensure_schema(engine)
    >>> with engine.connect() as conn:
    ...     current_revision(conn) == head_revision()
    True
"""

from __future__ import annotations

import ast
import importlib
import pkgutil
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, MetaData, inspect

from backoffice_core.adapters.sql.engine import WRITE_OPTION
from backoffice_core.adapters.sql.tables import VERSION_TABLE, metadata
from backoffice_core.adapters.sql.translate import translate, translated
from backoffice_core.errors import SchemaError, SchemaOutdatedError, StorageError

__all__ = [
    "MIGRATIONS",
    "SchemaError",
    "SchemaOutdatedError",
    "current_revision",
    "ensure_schema",
    "full_metadata",
    "head_revision",
    "upgrade",
]

#: The alembic script directory shipped with the package.
MIGRATIONS = Path(__file__).resolve().parent / "migrations"
_ASSIGN = re.compile(r"^(revision|down_revision)\s*(?::[^=\n]*)?=\s*(.+?)\s*$", re.M)
_ADVISORY_KEY = 0x626F5F736368656D  # "bo_schem": serializes schema changes on PostgreSQL
_UPGRADE_HINT = ("open it with Backoffice.open(url, migrate=True), or run "
                 "`python -m backoffice_core schema upgrade <url>`")


def full_metadata() -> MetaData:
    """The shared metadata with every domain's tables loaded.

    Each domain declares its tables in a ``*_tables`` module of this package on
    the one :data:`~backoffice_core.adapters.sql.tables.metadata`; this imports
    them all (alembic's autogenerate and the schema checks need the whole set).

    Example:
        >>> "ledger_entries" in full_metadata().tables
        True
    """
    package = __name__.rsplit(".", 1)[0]
    for info in pkgutil.iter_modules([str(Path(__file__).resolve().parent)]):
        if info.name.endswith("_tables"):
            importlib.import_module(f"{package}.{info.name}")
    return metadata


@lru_cache(maxsize=16)
def head_revision(location: Path = MIGRATIONS) -> str:
    """The newest revision in ``location``'s ``versions/``, read without importing alembic.

    The revision that no other revision names as its ``down_revision`` (a test
    checks that alembic agrees).

    Example:
        >>> head_revision() == head_revision(MIGRATIONS)
        True
    """
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in sorted((location / "versions").glob("*.py")):
        found = {m.group(1): m.group(2)
                 for m in _ASSIGN.finditer(path.read_text(encoding="utf-8"))}
        if "revision" not in found:
            continue
        revisions.add(str(ast.literal_eval(found["revision"])))
        down = ast.literal_eval(found.get("down_revision", "None"))
        parents.update([down] if isinstance(down, str) else (down or ()))
    heads = sorted(revisions - parents)
    if len(heads) != 1:
        raise SchemaError("the migrations must have exactly one head", field="migrations",
                          value=tuple(heads))
    return heads[0]


def current_revision(conn: Connection) -> str | None:
    """The schema revision stamped in the database, or ``None`` when unstamped.

    Example:
        >>> from backoffice_core.adapters.sql.engine import make_engine
        >>> with make_engine("sqlite://").connect() as conn:
        ...     current_revision(conn) is None
        True
    """
    if not inspect(conn).has_table(VERSION_TABLE):
        return None
    rows = conn.exec_driver_sql(f"SELECT version_num FROM {VERSION_TABLE}").all()
    if len(rows) > 1:
        raise SchemaError("the database schema has several alembic heads",
                          field="schema", value=sorted(r[0] for r in rows))
    return str(rows[0][0]) if rows else None


def _alembic_config(conn: Connection, script_location: Path) -> Any:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(script_location))
    cfg.attributes["connection"] = conn
    return cfg


def _revisions(script_location: Path) -> tuple[str, set[str]]:
    from alembic.script import ScriptDirectory

    script = ScriptDirectory(str(script_location))
    heads = script.get_heads()
    if len(heads) != 1:
        raise SchemaError("the migrations must have exactly one head", field="migrations",
                          value=tuple(heads))
    return heads[0], {s.revision for s in script.walk_revisions()}


def _lock(conn: Connection) -> None:
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql("SELECT pg_advisory_xact_lock(%s)", (_ADVISORY_KEY,))


def ensure_schema(engine: Engine, *, migrate: bool = False,
                  script_location: str | Path | None = None) -> None:
    """Make sure the database has the current schema (see the module docstring).

    Example:
        >>> from backoffice_core.adapters.sql.engine import make_engine
        >>> engine = make_engine("sqlite://")
        >>> ensure_schema(engine)
        >>> ensure_schema(engine)  # already current: one query
    """
    location = Path(script_location or MIGRATIONS)
    with translated("checking the database schema"):
        with engine.connect() as conn:
            if current_revision(conn) == head_revision(location):
                return
        _ensure_locked(engine, migrate, location)


def _ensure_locked(engine: Engine, migrate: bool, location: Path) -> None:
    from alembic import command

    head, known = _revisions(location)
    with engine.connect() as conn:
        if conn.dialect.name == "sqlite":
            conn.execution_options(**{WRITE_OPTION: True})
        with conn.begin():
            _lock(conn)
            rev = current_revision(conn)
            if rev == head:
                return
            if rev is None:
                ours = sorted(set(inspect(conn).get_table_names())
                              & set(full_metadata().tables))
                if ours:
                    raise SchemaError("the database has backoffice tables but no schema "
                                      f"version ({VERSION_TABLE}); it was not created by "
                                      "backoffice_core's migrations", field="schema",
                                      value=ours)
            elif rev not in known:
                raise SchemaError("the database schema is at an unknown revision, probably "
                                  "from a newer backoffice_core; upgrade the library",
                                  field="schema", value=rev)
            elif not migrate:
                raise SchemaOutdatedError(f"the database schema is at revision {rev}, this "
                                          f"version of backoffice_core needs {head}; "
                                          + _UPGRADE_HINT, field="schema", value=rev)
            try:
                command.upgrade(_alembic_config(conn, location), "head")
            except Exception as err:  # a migration script failed: its DDL rolls back
                if isinstance(err, StorageError):
                    raise
                cause = translate(err, "migrating") or err
                raise SchemaError(f"migrating the schema from {rev or 'nothing'} to {head} "
                                  f"failed, nothing was changed: {cause}", field="schema",
                                  value=rev) from err


def upgrade(url: str, script_location: str | Path | None = None) -> str:
    """Create or migrate the schema at ``url`` to the head revision; returns it.

    Example:
        >>> upgrade("sqlite://") == head_revision()
        True
    """
    from backoffice_core.adapters.sql.engine import make_engine

    engine = make_engine(url)
    try:
        with translated("migrating the database schema"):
            _ensure_locked(engine, True, Path(script_location or MIGRATIONS))
            with engine.connect() as conn:
                return current_revision(conn) or ""
    finally:
        engine.dispose()
