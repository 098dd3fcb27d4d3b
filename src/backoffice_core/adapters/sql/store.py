"""The SQL store and its unit of work.

:class:`SqlStore` owns one engine for its URL and checks (or creates, or
migrates) the schema when it is opened; call it with a book id for a
:class:`SqlUnitOfWork`.

How a unit of work uses transactions:

* it takes a connection when entered and gives it back when left, rolling back
  whatever was not committed;
* the first read begins a snapshot: SQLite ``BEGIN`` (WAL readers never block
  the writer), PostgreSQL ``REPEATABLE READ``;
* the first write, or ``ledger.last_entry()``, makes it the **book's writer**:
  SQLite ``BEGIN IMMEDIATE`` (one writer per database file, the others wait up
  to the busy timeout); PostgreSQL ``READ COMMITTED`` plus ``SELECT ... FOR
  UPDATE`` of the book's row in ``ledger_heads``. The lock is held until commit
  or rollback, so the writers of one book run one after the other (a writer of
  another thread waits for it: up to the busy timeout on SQLite, PostgreSQL's
  ``lock_timeout`` there, both 30 s by default, see
  :mod:`~backoffice_core.adapters.sql.engine`). A writer that would wait for a
  writer **of its own thread** (one of the same store, still open and holding
  the lock it needs: the same book on PostgreSQL, any book on SQLite, whose lock
  is the whole database's) would wait for ever, or until the timeout, for a
  thread that is waiting for it: it raises ``StorageError`` (``field="book"``;
  not the retryable ``ConcurrencyError``, since a retry cannot succeed) at once,
  before sending anything. Do the work inside the open unit of work
  (``Ledger.post_within``) or after it ends. A snapshot cannot be promoted in
  place (both databases would refuse the write if another writer committed
  meanwhile), so when reads came first the read transaction
  ends and the writer starts afresh: anything read before the lock is re-read
  or guarded by a unique key or a version check;
* ``commit()`` commits and the unit of work may go on (a new transaction starts
  on the next call), like the reference adapter;
* after a storage error other than a refused duplicate, the transaction can
  only roll back: further calls and ``commit()`` raise ``StorageError``.

Example:
    >>> store = SqlStore("sqlite://")
    >>> from backoffice_core.ledger.repository import BookSettings
    >>> with store("acme") as uow:
    ...     uow.ledger.save_settings(BookSettings("Acme", "EUR"), None)
    ...     uow.commit()
    >>> with store("acme") as uow:
    ...     uow.ledger.get_settings().name
    'Acme'
    >>> store.books()
    ['acme']
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext
from datetime import date
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from types import TracebackType
from typing import Any

from sqlalchemy import Connection

from backoffice_core.adapters.sql.documents import SqlDocumentsRepository
from backoffice_core.adapters.sql.engine import (
    WRITE_OPTION,
    is_memory_sqlite,
    make_engine,
    parse_url,
)
from backoffice_core.adapters.sql.guards import check_text
from backoffice_core.adapters.sql.inventory import SqlInventoryRepository
from backoffice_core.adapters.sql.ledger import SqlLedgerRepository
from backoffice_core.adapters.sql.schema import ensure_schema
from backoffice_core.adapters.sql.translate import translate, translated
from backoffice_core.errors import BackofficeError, ConcurrencyError, StorageError

__all__ = ["SqlStore", "SqlUnitOfWork"]

_IDLE, _READ, _WRITE = 0, 1, 2
_LOCK = "SELECT seq FROM ledger_heads WHERE book = %s FOR UPDATE"
_HEAD = ("INSERT INTO ledger_heads (book, seq, hash) VALUES (%s, 0, '') "
         "ON CONFLICT (book) DO NOTHING")


@lru_cache(maxsize=256)
def _pyformat(sql: str) -> str:
    return sql.replace("?", "%s")


def _same(sql: str) -> str:
    return sql


def _identity(value: Any) -> Any:
    return value


class SqlUnitOfWork:
    """One transaction-scoped piece of work on one book (see the module docstring).

    Example:
        >>> with SqlStore("sqlite://")("acme") as uow:
        ...     uow.ledger.last_entry() is None  # takes the book's write lock
        True

    Attributes:
        book: the book (tenant) id.
        ledger: the book's :class:`~backoffice_core.adapters.sql.ledger.SqlLedgerRepository`.
        documents: the book's
            :class:`~backoffice_core.adapters.sql.documents.SqlDocumentsRepository`.
        inventory: the book's
            :class:`~backoffice_core.adapters.sql.inventory.SqlInventoryRepository`.
    """

    def __init__(self, store: SqlStore, book: str) -> None:
        check_text("book", book, key=True, required=True, strict=store.strict)
        self.book = book
        self._store = store
        self.sql: Callable[[str], str] = store._sql
        self.day_param: Callable[[date], Any] = store._day
        self.decimal_param: Callable[[Decimal], Any] = store._decimal
        self.strict: bool = store.strict
        self.postgresql: bool = store.dialect == "postgresql"
        self._conn: Connection | None = None
        self._cursor: Any = None
        #: a PostgreSQL transaction has begun and no statement was sent yet
        self.fresh = False
        self._state = _IDLE
        self._failed = False
        #: registered with its store as its thread's holder of a write lock (_claim_write)
        self._holding = False
        self.ledger = SqlLedgerRepository(self)
        self.documents = SqlDocumentsRepository(self)
        self.inventory = SqlInventoryRepository(self)

    # ------------------------------------------------------------------ context
    def __enter__(self) -> SqlUnitOfWork:
        if self._conn is not None:
            raise StorageError("this unit of work is already open", field="book", value=self.book)
        memory = self._store._memory_lock is not None
        if memory:
            self._store._take_memory(self.book)
        try:
            with translated("connecting"):
                self._conn = self._store.engine.connect()
                # statements go straight to the driver's cursor (the hot path); SQLAlchemy
                # keeps the pool and the transaction boundaries (BEGIN, COMMIT, ROLLBACK)
                self._cursor = self._conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
        except BaseException:
            if memory:
                self._store._give_memory()
            raise
        self._state, self._failed = _IDLE, False
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        conn = self._conn
        try:
            try:
                self.rollback()
            except BackofficeError:
                if exc is None:
                    raise
        finally:
            self._conn = None
            self._state = _IDLE
            self._let_go()
            cursor, self._cursor = self._cursor, None
            try:
                if cursor is not None:
                    cursor.close()
                if conn is not None:
                    conn.close()
            except Exception:  # noqa: BLE001 - the pool discards a broken connection
                pass
            finally:
                if self._store._memory_lock is not None and conn is not None:
                    self._store._give_memory()

    def commit(self) -> None:
        """Make every change since the last commit durable, all at once."""
        conn = self._need()
        if self._failed:
            self.rollback()
            raise StorageError("an earlier storage error aborted this unit of work; "
                               "nothing was committed", field="book", value=self.book)
        try:
            if self._state != _IDLE:
                with self.guard("committing"):
                    conn.commit()
        finally:  # committed, or failed and ended: the lock is no longer held
            self._let_go()
        self._state = _IDLE

    def rollback(self) -> None:
        """Discard every change since the last commit."""
        conn = self._conn
        self._state = _IDLE
        self._failed = False
        try:
            if conn is not None and conn.in_transaction():
                with translated("rolling back"):
                    conn.rollback()
        finally:
            self._let_go()

    # ------------------------------------------------------------------ for the repositories
    def _need(self) -> Connection:
        if self._conn is None:
            raise StorageError("use the unit of work as a context manager (with ...:)",
                               field="book", value=self.book)
        if self._failed:
            raise StorageError("an earlier storage error aborted this unit of work; "
                               "roll it back", field="book", value=self.book)
        return self._conn

    @contextmanager
    def guard(self, action: str, *, field: str | None = None,
              params: Any = None) -> Iterator[None]:
        """Translate driver errors; any but a refused duplicate aborts the unit of work.

        ``field`` and ``params`` name what the block stores (see :func:`translate`).
        """
        try:
            yield
        except BackofficeError:
            raise
        except Exception as exc:
            mapped = translate(exc, action, field=field, params=params)
            if mapped is None:
                raise
            if isinstance(mapped, ConcurrencyError) and mapped.value is None:
                mapped.value = self.book  # the busy book (translate does not know it)
            self._failed = True
            raise mapped from exc

    def reading(self) -> Any:
        """The driver cursor, in a transaction (a read snapshot unless already writing)."""
        conn = self._need()
        if self._state == _IDLE:
            self._begin(conn, write=False)
        return self._cursor

    def writing(self) -> Any:
        """The driver cursor, holding the book's write lock (see the module docstring)."""
        conn = self._need()
        if self._state != _WRITE:
            if not self._holding and self._store._writers is not None:
                self._store._claim_write(self)
            if self._state == _READ:
                with self.guard("ending a read snapshot"):
                    conn.rollback()
                self._state = _IDLE
            self._begin(conn, write=True)
        return self._cursor

    def _let_go(self) -> None:
        """The write transaction ended (or never began): unregister its lock."""
        if self._holding:
            self._store._release_write(self)

    def _begin(self, conn: Connection, *, write: bool) -> None:
        with self.guard("taking the book's write lock" if write else "starting a transaction"):
            if self._store.dialect == "sqlite":
                conn.execution_options(**{WRITE_OPTION: write})
            else:
                conn.execution_options(
                    isolation_level="READ COMMITTED" if write else "REPEATABLE READ")
            conn.begin()
            # psycopg sends BEGIN with the transaction's first statement: pipelined, one trip
            self.fresh = self.postgresql
            if write and self.postgresql:
                self._lock_book(self._cursor)
        self._state = _WRITE if write else _READ

    def batch(self) -> AbstractContextManager[Any]:
        """PostgreSQL: send the block's statements in one round trip (a psycopg pipeline).

        Errors surface when the block ends; on SQLite this does nothing.
        """
        self.fresh = False
        if self.postgresql:
            return self._cursor.connection.pipeline()  # type: ignore[no-any-return]
        return nullcontext()

    def send(self, sql: str, params: Sequence[Any] = ()) -> None:
        """Execute one statement on the cursor, the way statements in a :meth:`batch` must go.

        On PostgreSQL it is never auto-prepared: psycopg can lose track of a statement
        prepared inside a pipeline that an error aborted.
        """
        if self.postgresql:
            self._cursor.execute(self.sql(sql), params or None, prepare=False)
        else:
            self._cursor.execute(sql, params)

    def _lock_book(self, cursor: Any) -> None:
        """PostgreSQL: lock the book's head row (created on the book's first write)."""
        with self.batch():
            self.send(_LOCK, (self.book,))
        if cursor.fetchone() is None:
            cursor.execute(_HEAD, (self.book,))
            cursor.execute(_LOCK, (self.book,))
            cursor.fetchone()


class _Writers(threading.local):
    """The write locks the units of work of one thread hold, in one store: weak references
    by book on PostgreSQL (a lock per book), under ``None`` on SQLite (one lock for the
    database).

    Per thread, so that no lock is needed (only its own thread reads or changes it) and a
    thread's entries go with it; weak, so that a unit of work dropped without closing,
    whose connection the pool takes back (rolled back) when it is collected, holds
    nothing afterwards. A unit of work that ended holds nothing either (``_holding``).
    """

    def __init__(self) -> None:
        self.held: dict[str | None, weakref.ref[SqlUnitOfWork]] = {}


class SqlStore:
    """Books in one SQL database; call it with a book id for a unit of work.

    Args:
        url: ``sqlite:///path.db``, ``sqlite://`` (in memory) or
            ``postgresql+psycopg://user@host/db``.
        migrate: upgrade an older schema instead of refusing it.
        migrations: another alembic script directory (for developing migrations).

    On a file database or PostgreSQL, a unit of work opened while the same thread holds
    another of this store may read; it may write unless the other one holds the write
    lock it would need (the same book on PostgreSQL, any book on an SQLite file, whose
    write lock is the database's): it would wait for ever for its own thread, so it
    raises ``StorageError`` (``field="book"``) at its first write, before sending
    anything. Writers of other threads wait for the lock as usual.

    ``sqlite://`` (in memory) is one database on one connection: its units of work (and
    :meth:`books`) take turns, threads waiting for theirs; a unit of work opened while
    the same thread holds another raises ``StorageError`` (``field="book"``) before it
    touches the connection, since the two would share one transaction. Nest them on a
    file database or ``memory://``.

    Raises:
        SchemaOutdatedError: the database schema is older and ``migrate`` is False.
        SchemaError: the database holds a schema this version cannot use.

    Example:
        >>> store = SqlStore("sqlite://")
        >>> store.dialect, store.books()
        ('sqlite', [])
    """

    def __init__(self, url: str, *, migrate: bool = False,
                 migrations: str | Path | None = None) -> None:
        self.url = parse_url(url)
        with translated("opening the database"):
            self.engine = make_engine(self.url)
        self.dialect: str = self.engine.dialect.name
        sqlite = self.dialect == "sqlite"
        self._sql: Callable[[str], str] = _same if sqlite else _pyformat
        self._day: Callable[[date], Any] = date.isoformat if sqlite else _identity
        self._decimal: Callable[[Decimal], Any] = str if sqlite else _identity
        #: PostgreSQL refuses NUL characters and over-long index entries; check them first
        self.strict = not sqlite
        # sqlite:// is one connection (one database): its units of work take turns, and
        # the thread holding it may not open another (the two would share a transaction)
        self._memory_lock = threading.Lock() if is_memory_sqlite(self.url) else None
        self._memory_holder: int | None = None
        # which write locks each thread holds, so that none waits for itself (sqlite://
        # needs none: its one connection is already refused to the thread holding it)
        self._writers = None if self._memory_lock is not None else _Writers()
        self._per_book = not sqlite  # PostgreSQL locks a book; SQLite the database
        try:
            ensure_schema(self.engine, migrate=migrate, script_location=migrations)
        except BaseException:
            self.engine.dispose()
            raise

    def __call__(self, book: str) -> SqlUnitOfWork:
        return SqlUnitOfWork(self, book)

    def __repr__(self) -> str:
        return f"SqlStore({self.url.render_as_string(hide_password=True)!r})"

    def books(self) -> list[str]:
        """Ids of the books that hold a ledger."""
        memory = self._memory_lock is not None
        if memory:
            self._take_memory(None)
        try:
            with translated("listing books"), self.engine.connect() as conn:
                return sorted(r[0] for r in conn.exec_driver_sql("SELECT book FROM ledger_books"))
        finally:
            if memory:
                self._give_memory()

    def _take_memory(self, book: str | None) -> None:
        """sqlite://: wait for the connection; refuse it to the thread that holds it."""
        assert self._memory_lock is not None
        if self._memory_holder == threading.get_ident():
            raise StorageError(
                "sqlite:// keeps its in-memory database on one connection, held by the unit "
                "of work already open in this thread: finish that one first (a file "
                "database, sqlite:///path.db, or memory:// allows one inside another)",
                field="book", value=book)
        self._memory_lock.acquire()
        self._memory_holder = threading.get_ident()

    def _give_memory(self) -> None:
        assert self._memory_lock is not None
        self._memory_holder = None
        self._memory_lock.release()

    def _claim_write(self, uow: SqlUnitOfWork) -> None:
        """Register ``uow`` as its thread's holder of the write lock it is about to take;
        refuse it if an open unit of work of this thread holds that lock already."""
        assert self._writers is not None
        held = self._writers.held
        key = uow.book if self._per_book else None
        ref = held.get(key)
        holder = ref() if ref is not None else None
        if holder is None or not holder._holding:
            held[key] = weakref.ref(uow)
            uow._holding = True
            return
        whose = f"the write lock of book {holder.book!r}"
        if not self._per_book:
            whose += " (on SQLite, a write lock holds the whole database)"
        raise StorageError(  # not ConcurrencyError: retrying cannot succeed
            f"a unit of work already open in this thread holds {whose}: this one would "
            "wait for it for ever; do the work inside that unit of work (the *_within "
            "methods, such as Ledger.post_within) or after it ends",
            field="book", value=uow.book)

    def _release_write(self, uow: SqlUnitOfWork) -> None:
        assert self._writers is not None
        uow._holding = False
        held = self._writers.held
        key = uow.book if self._per_book else None
        ref = held.get(key)
        if ref is not None and ref() is uow:
            del held[key]

    def dispose(self) -> None:
        """Close every pooled connection (the store stays usable; it reconnects)."""
        self.engine.dispose()
