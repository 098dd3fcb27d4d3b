"""bo_jsonl_adapter: a backoffice_core storage adapter over one JSON-lines file.

Every committed unit of work appends one line to the file: its book and the
repository writes it made, in order. Opening the store replays the lines into
the in-memory reference adapter (one ``MemoryStore`` per book), which then
answers every read. A unit of work that ends without commit after writing
rebuilds its book from the file, so what is in memory is always exactly what
is on disk. One process per file; threads are fine.

Example:
    >>> import tempfile
    >>> from datetime import date
    >>> from decimal import Decimal
    >>> path = Path(tempfile.mkdtemp()) / "books.jsonl"
    >>> with JsonlStore(path)("acme") as uow:
    ...     uow.ledger.add_rate("EUR", "USD", date(2026, 1, 1), Decimal("1.10"))
    ...     uow.commit()
    >>> with JsonlStore(path)("acme") as uow:  # a new store reads the file back
    ...     uow.ledger.get_rate("EUR", "USD", date(2026, 1, 31))
    (datetime.date(2026, 1, 1), Decimal('1.10'))
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Iterable, Iterator, Sequence
from datetime import date
from decimal import Decimal
from pathlib import Path
from types import TracebackType
from typing import Any

from backoffice_core.adapters.memory import MemoryStore, MemoryUnitOfWork
from backoffice_core.errors import BackofficeError, StorageError, ValidationError
from backoffice_core.ledger import Account, BookSettings, FiscalYear, JournalEntry
from backoffice_core.ledger.balances import Balance, BalanceDelta, BalanceKey
from backoffice_core.ledger.repository import LedgerRepository
from bo_jsonl_adapter.codec import decode, encode

__all__ = ["JsonlLedgerRepository", "JsonlStore", "JsonlUnitOfWork", "open_store"]


def open_store(url: str) -> JsonlStore:
    """The ``jsonl`` URL scheme: ``jsonl:///absolute/books.jsonl`` or ``jsonl://relative.jsonl``.

    Registered as the ``jsonl`` entry point of the ``backoffice_core.adapters`` group.

    Example:
        >>> open_store("jsonl://")
        Traceback (most recent call last):
        ...
        backoffice_core.errors.ValidationError: url='jsonl://': jsonl:// needs a file path
    """
    path = url.split("://", 1)[1]
    if not path:
        raise ValidationError("jsonl:// needs a file path", field="url", value=url)
    return JsonlStore(Path(path))


class JsonlStore:
    """The unit-of-work factory: ``store(book)`` is a new unit of work on ``book``."""

    def __init__(self, path: str | os.PathLike[str], *, fsync: bool = True) -> None:
        self.path = Path(path)
        self._fsync = fsync
        self._books: dict[str, MemoryStore] = {}
        self._book_locks: dict[str, threading.RLock] = {}
        self._guard = threading.Lock()  # the two dicts above
        self._file = threading.Lock()  # appends and re-reads of the file
        self._drop_torn_tail()
        for book, ops in self._records():
            self._replay(book, ops)

    def __call__(self, book: str) -> JsonlUnitOfWork:
        return JsonlUnitOfWork(self, book)

    # ---------------------------------------------------------------- the file
    def _drop_torn_tail(self) -> None:
        """A last line without its newline is a commit that never returned: drop it."""
        if not self.path.exists():
            return
        data = self.path.read_bytes()
        end = data.rfind(b"\n") + 1
        if end < len(data):
            with open(self.path, "r+b") as f:
                f.truncate(end)

    def _records(self) -> Iterator[tuple[str, list[Any]]]:
        if not self.path.exists():
            return
        with self._file:
            lines = self.path.read_bytes().splitlines()
        for number, line in enumerate(lines, 1):
            try:
                record = json.loads(line)
                yield record["book"], record["ops"]
            except (ValueError, KeyError, TypeError) as exc:
                raise StorageError(f"{self.path}: line {number} is not a record",
                                   field="line", value=number) from exc

    def _append(self, book: str, ops: list[Any]) -> None:
        line = json.dumps({"book": book, "ops": ops}, ensure_ascii=False,
                          separators=(",", ":")) + "\n"
        with self._file, open(self.path, "ab") as f:
            size = f.seek(0, os.SEEK_END)
            try:
                f.write(line.encode("utf-8"))
                f.flush()
                if self._fsync:
                    os.fsync(f.fileno())
            except OSError as exc:
                f.truncate(size)  # never leave half a line behind
                raise StorageError(f"cannot append to {self.path}", field="path",
                                   value=str(self.path)) from exc

    # ---------------------------------------------------------------- memory
    def _memory(self, book: str) -> MemoryStore:
        with self._guard:
            return self._books.setdefault(book, MemoryStore())

    def _lock(self, book: str) -> threading.RLock:
        with self._guard:
            return self._book_locks.setdefault(book, threading.RLock())

    def _replay(self, book: str, ops: list[Any]) -> None:
        with self._memory(book)(book) as uow:
            for op in ops:
                method, args = decode(op)
                try:
                    getattr(uow.ledger, method)(*args)
                except BackofficeError as exc:
                    raise StorageError(f"{self.path}: a stored {method} does not replay",
                                       field="book", value=book) from exc
            uow.commit()

    def _rebuild(self, book: str) -> None:
        """Forget ``book``'s memory and replay it from the file (the caller holds its lock)."""
        with self._guard:
            self._books[book] = MemoryStore()
        for b, ops in self._records():
            if b == book:
                self._replay(b, ops)


class JsonlUnitOfWork:
    """One unit of work on one book: a memory unit of work plus the writes to append."""

    def __init__(self, store: JsonlStore, book: str) -> None:
        self.book = book
        self._store = store
        self._inner: MemoryUnitOfWork | None = None
        self._ops: list[Any] = []
        self._failed = False
        self.ledger = JsonlLedgerRepository(self)

    def __enter__(self) -> JsonlUnitOfWork:
        lock = self._store._lock(self.book)
        lock.acquire()  # one unit of work per book at a time
        try:
            self._inner = self._store._memory(self.book)(self.book).__enter__()
        except BaseException:
            lock.release()
            raise
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        try:
            self._end()
        finally:
            self._store._lock(self.book).release()

    def _end(self) -> None:
        """Close the memory unit; after uncommitted writes, rebuild the book from the file."""
        dirty = bool(self._ops) or self._failed
        self._ops.clear()
        self._failed = False
        if self._inner is not None:
            self._inner.__exit__(None, None, None)
            self._inner = None
        if dirty:
            self._store._rebuild(self.book)

    def commit(self) -> None:
        """Append this unit's writes as one line (fsynced), then keep them in memory."""
        if self._failed:
            raise StorageError("a write of this unit of work failed; it can only roll back",
                               field="book", value=self.book)
        if self._ops:
            self._store._append(self.book, self._ops)
            self._ops.clear()
        self.memory_unit().commit()

    def rollback(self) -> None:
        """Discard this unit's writes; the unit stays open for more work."""
        if self._ops or self._failed:
            self._end()
            self._inner = self._store._memory(self.book)(self.book).__enter__()

    def memory_unit(self) -> MemoryUnitOfWork:
        """The memory unit of work underneath (only while the unit is open)."""
        if self._inner is None:
            raise StorageError("the unit of work is not open; use it in a with block",
                               field="book", value=self.book)
        return self._inner

    def _write(self, method: str, *args: Any) -> None:
        try:
            getattr(self.memory_unit().ledger, method)(*args)
        except BaseException:
            self._failed = True
            raise
        self._ops.append(encode(method, *args))


class JsonlLedgerRepository:
    """The ledger port: reads from memory, writes through :class:`JsonlUnitOfWork`."""

    def __init__(self, uow: JsonlUnitOfWork) -> None:
        self._uow = uow

    @property
    def _read(self) -> LedgerRepository:
        return self._uow.memory_unit().ledger

    def get_settings(self) -> BookSettings | None:
        return self._read.get_settings()

    def save_settings(self, settings: BookSettings, expected_version: int | None) -> None:
        self._uow._write("save_settings", settings, expected_version)

    def get_account(self, code: str) -> Account | None:
        return self._read.get_account(code)

    def list_accounts(self) -> list[Account]:
        return self._read.list_accounts()

    def add_account(self, account: Account) -> None:
        self._uow._write("add_account", account)

    def update_account(self, account: Account, expected_version: int) -> None:
        self._uow._write("update_account", account, expected_version)

    def add_entries(self, entries: Sequence[JournalEntry]) -> None:
        self._uow._write("add_entries", list(entries))

    def get_entry(self, entry_id: str) -> JournalEntry | None:
        return self._read.get_entry(entry_id)

    def find_by_idempotency_key(self, key: str) -> JournalEntry | None:
        return self._read.find_by_idempotency_key(key)

    def find_resolution(self, pending_id: str) -> JournalEntry | None:
        return self._read.find_resolution(pending_id)

    def find_reversal(self, entry_id: str) -> JournalEntry | None:
        return self._read.find_reversal(entry_id)

    def last_entry(self) -> JournalEntry | None:
        return self._read.last_entry()

    def iter_entries(self, start: date | None = None, end: date | None = None,
                     account: str | None = None) -> Iterator[JournalEntry]:
        return self._read.iter_entries(start, end, account)

    def iter_chain(self) -> Iterator[JournalEntry]:
        return self._read.iter_chain()

    def pending_entries(self) -> list[JournalEntry]:
        return self._read.pending_entries()

    def apply_deltas(self, deltas: Iterable[BalanceDelta]) -> None:
        self._uow._write("apply_deltas", list(deltas))

    def get_balance(self, key: BalanceKey) -> Balance:
        return self._read.get_balance(key)

    def list_balances(self, dimension: str = "") -> list[Balance]:
        return self._read.list_balances(dimension)

    def balance_as_of(self, key: BalanceKey, day: date) -> Balance:
        return self._read.balance_as_of(key, day)

    def balances_as_of(self, day: date, dimension: str = "") -> list[Balance]:
        return self._read.balances_as_of(day, dimension)

    def list_fiscal_years(self) -> list[FiscalYear]:
        return self._read.list_fiscal_years()

    def save_fiscal_year(self, year: FiscalYear, expected_version: int | None) -> None:
        self._uow._write("save_fiscal_year", year, expected_version)

    def add_rate(self, base: str, quote: str, day: date, rate: Decimal) -> None:
        self._uow._write("add_rate", base, quote, day, rate)

    def get_rate(self, base: str, quote: str, day: date) -> tuple[date, Decimal] | None:
        return self._read.get_rate(base, quote, day)
