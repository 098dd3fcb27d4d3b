"""Engines for the two supported databases, configured for safe concurrent use.

* **SQLite** (``sqlite:///books.db``, the embedded default; ``sqlite://`` for an
  in-memory database shared by the threads of one process, on one connection
  (SQLAlchemy's ``StaticPool``): its units of work take turns, and one cannot be
  opened inside another in the same thread, see
  :class:`~backoffice_core.adapters.sql.store.SqlStore`): WAL journal,
  ``foreign_keys=ON``, a 30 s busy timeout (``?timeout=`` overrides it), a
  32 MiB page cache per connection, and
  SQLAlchemy's pysqlite recipe for real transactions: the driver's own
  transaction handling is switched off (``isolation_level = None``) and every
  transaction starts with our ``BEGIN``, or ``BEGIN IMMEDIATE`` for writers.
* **PostgreSQL** through psycopg 3 (``postgresql+psycopg://``; a bare
  ``postgresql://`` is taken to mean psycopg 3 too), ``READ COMMITTED`` by
  default, and lock waits bounded like SQLite's: every new connection sets
  ``lock_timeout`` to the same 30 s unless something else set it for the
  session (the URL's ``?options=-c lock_timeout=...``, ``PGOPTIONS``, ``ALTER
  ROLE`` or ``ALTER DATABASE ... SET``, the server's configuration), in one
  statement outside any transaction (one round trip per new connection). A
  writer that waited that long for a book another writer holds raises
  ``ConcurrencyError`` instead of waiting for ever on a holder that never ends.

Engines are built when a store is opened, never at import time.

Example:
    >>> engine = make_engine("sqlite://")
    >>> with engine.connect() as conn:
    ...     conn.exec_driver_sql("PRAGMA foreign_keys").scalar()
    1
    >>> engine.dispose()
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.pool import StaticPool

from backoffice_core.errors import ValidationError

__all__ = ["BUSY_TIMEOUT_SECONDS", "CACHE_KIB", "WRITE_OPTION", "is_memory_sqlite",
           "make_engine", "parse_url"]

#: Execution option that makes the next SQLite transaction ``BEGIN IMMEDIATE``.
WRITE_OPTION = "backoffice_write"
#: How long a writer waits for a lock another holds: SQLite's busy timeout (``?timeout=``
#: overrides it) and PostgreSQL's ``lock_timeout`` (``?options=-c lock_timeout=...``).
BUSY_TIMEOUT_SECONDS = 30
#: SQLite page cache per connection, in KiB.
CACHE_KIB = 32768


def parse_url(url: str) -> URL:
    """Parse and check a storage URL; only sqlite3 and psycopg 3 are supported.

    Example:
        >>> parse_url("postgresql://u@localhost/books").drivername
        'postgresql+psycopg'
        >>> parse_url("oracle://u@localhost/books")
        Traceback (most recent call last):
        ...
        backoffice_core.errors.ValidationError: url='oracle': the SQL adapter supports ...
    """
    try:
        u = make_url(url)
    except (ArgumentError, ValueError, TypeError):
        raise ValidationError("not a valid database URL", field="url",
                              value=_redacted(url)) from None
    backend = u.get_backend_name()
    if u.drivername == "postgresql":
        u = u.set(drivername="postgresql+psycopg")
    # the backend first: the driver's default name loads the dialect (an unknown one raises)
    supported = (("sqlite", "pysqlite"), ("postgresql", "psycopg"))
    if backend not in ("sqlite", "postgresql") or (backend, u.get_driver_name()) not in supported:
        raise ValidationError("the SQL adapter supports sqlite:// (sqlite3) and "
                              "postgresql+psycopg:// (psycopg 3)", field="url",
                              value=u.drivername)
    return u


def _redacted(url: object) -> object:
    if isinstance(url, str) and "@" in url:
        scheme, _, rest = url.partition("://")
        return f"{scheme}://***@{rest.rsplit('@', 1)[-1]}"
    return url


def is_memory_sqlite(u: URL) -> bool:
    """True for an in-memory SQLite URL (one database per connection otherwise).

    Example:
        >>> is_memory_sqlite(parse_url("sqlite://")), is_memory_sqlite(parse_url("sqlite:///b.db"))
        (True, False)
    """
    return u.get_backend_name() == "sqlite" and (
        not u.database or u.database == ":memory:" or u.query.get("mode") == "memory")


def _on_sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.isolation_level = None  # we emit BEGIN ourselves (see _on_sqlite_begin)
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA journal_mode = WAL")
        # 32 MiB of page cache (SQLite's default is 2 MiB): index inserts into a large
        # book stop thrashing; pages are only taken when used
        cursor.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
    finally:
        cursor.close()


def _on_sqlite_begin(conn: Connection) -> None:
    write = conn.get_execution_options().get(WRITE_OPTION, False)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


# only where the session's lock_timeout is still the built-in default (0, no limit)
_PG_LOCK_TIMEOUT = ("SELECT set_config('lock_timeout', %s, false) FROM pg_settings "
                    "WHERE name = 'lock_timeout' AND source = 'default'")


def _on_postgresql_connect(dbapi_connection: Any, _record: Any) -> None:
    # SQLAlchemy's search_path recipe: outside a transaction, so no rollback undoes it
    autocommit = dbapi_connection.autocommit
    dbapi_connection.autocommit = True
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute(_PG_LOCK_TIMEOUT, (f"{BUSY_TIMEOUT_SECONDS}s",))
    finally:
        cursor.close()
        dbapi_connection.autocommit = autocommit


def make_engine(url: str | URL) -> Engine:
    """A configured engine for ``url`` (see the module docstring).

    Example:
        >>> make_engine("sqlite://").dialect.name
        'sqlite'
    """
    u = parse_url(url) if isinstance(url, str) else url
    if u.get_backend_name() == "sqlite":
        if is_memory_sqlite(u):
            engine = create_engine(u, poolclass=StaticPool,
                                   connect_args={"check_same_thread": False})
        else:
            args = {} if "timeout" in u.query else {"timeout": BUSY_TIMEOUT_SECONDS}
            engine = create_engine(u, connect_args=args)
        event.listen(engine, "connect", _on_sqlite_connect)
        event.listen(engine, "begin", _on_sqlite_begin)
        return engine
    engine = create_engine(u, isolation_level="READ COMMITTED")
    event.listen(engine, "connect", _on_postgresql_connect)
    return engine
