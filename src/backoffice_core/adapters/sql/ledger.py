"""The ledger repository over SQL: :class:`SqlLedgerRepository`.

It mirrors the reference adapter (:mod:`backoffice_core.adapters.memory`)
method by method. Everything runs in the unit of work's transaction; every
statement is scoped by the book; driver errors come out translated.

* Reads begin a consistent snapshot (SQLite ``BEGIN``, PostgreSQL ``REPEATABLE
  READ``); the first write, or :meth:`~SqlLedgerRepository.last_entry`, turns the
  unit of work into the book's writer (see :mod:`backoffice_core.adapters.sql.store`).
* Unique keys are the duplicate check: single rows use ``INSERT ... ON CONFLICT
  DO NOTHING`` and a row count; entries go in under a savepoint and a violation
  is diagnosed into a :class:`~backoffice_core.errors.DuplicateError` naming the
  field and value, with the unit of work still usable.
* Versioned rows change with ``UPDATE ... WHERE version = :expected``.
* Running totals and the per-day rollup change with ``INSERT ... ON CONFLICT DO
  UPDATE SET x = x + excluded.x`` (``executemany``), never read-modify-write.

Example:
    >>> from backoffice_core.adapters.sql import SqlStore
    >>> store = SqlStore("sqlite://")
    >>> with store("acme") as uow:
    ...     uow.ledger.get_settings() is None
    True
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from backoffice_core.adapters.sql import tables
from backoffice_core.adapters.sql.bulk import BulkInsert
from backoffice_core.adapters.sql.diagnose import diagnose_duplicate
from backoffice_core.adapters.sql.guards import check_deltas, check_entries, check_text
from backoffice_core.adapters.sql.mappers import (
    ACCOUNT_COLUMNS,
    ENTRY_COLUMNS,
    POSTING_COLUMNS,
    account_row,
    batch_rows,
    cached_account,
    names_from_json,
    names_to_json,
    periods_from_json,
    periods_to_json,
    row_to_entry,
    row_to_posting,
    row_to_settings,
    settings_row,
)
from backoffice_core.adapters.sql.translate import translate
from backoffice_core.errors import ConcurrencyError, DuplicateError, NotFoundError
from backoffice_core.ledger.accounts import Account
from backoffice_core.ledger.balances import Balance, BalanceDelta, BalanceKey
from backoffice_core.ledger.entries import JournalEntry, Posting
from backoffice_core.ledger.periods import FiscalYear
from backoffice_core.ledger.repository import BookSettings

if TYPE_CHECKING:
    from backoffice_core.adapters.sql.store import SqlUnitOfWork

__all__ = ["PAGE_SIZE", "SqlLedgerRepository"]

#: Entries fetched per query when iterating.
PAGE_SIZE = 1000
_KEYS_PER_READ = 500  # bound parameters per IN list, well under every driver's limit
_RESOLUTIONS = "('pending_post', 'pending_void', 'pending_expire')"
_E = ", ".join(f"e.{c}" for c in ENTRY_COLUMNS)
_P = ", ".join(f"p.{c}" for c in POSTING_COLUMNS)
_BAL = "debits, credits, pending_debits, pending_credits, functional"
_KEY = "book = ? AND account = ? AND currency = ? AND dimension = ? AND value = ?"


def _insert(table: str, columns: Sequence[str], tail: str = "") -> str:
    marks = ", ".join("?" for _ in columns)
    return f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks}){tail}"


_INSERT_ENTRY = BulkInsert(tables.entries, ("book", *ENTRY_COLUMNS))
_INSERT_POSTING = BulkInsert(tables.postings, ("book", "seq", *POSTING_COLUMNS))
_UPSERT_HEAD = _insert("ledger_heads", ("book", "seq", "hash"),
                       " ON CONFLICT (book) DO UPDATE SET seq = excluded.seq, "
                       "hash = excluded.hash WHERE ledger_heads.seq < excluded.seq")
_UPSERT_BALANCE = BulkInsert(
    tables.balances, ("book", "account", "currency", "dimension", "value", "debits",
                      "credits", "pending_debits", "pending_credits", "functional"),
    " ON CONFLICT (book, account, currency, dimension, value) DO UPDATE SET "
    + ", ".join(f"{c} = ledger_balances.{c} + excluded.{c}" for c in _BAL.split(", ")))
_UPSERT_DAY = BulkInsert(
    tables.balance_days, ("book", "account", "currency", "dimension", "value", "day",
                          "debits", "credits", "functional"),
    " ON CONFLICT (book, account, currency, dimension, value, day) DO UPDATE SET "
    + ", ".join(f"{c} = ledger_balance_days.{c} + excluded.{c}"
                for c in ("debits", "credits", "functional")))
_INSERT_BOOK = _insert("ledger_books", ("book", "name", "functional_currency", "roles", "chart",
                                        "version"), " ON CONFLICT (book) DO NOTHING")
_INSERT_ACCOUNT = _insert("ledger_accounts", ("book", *ACCOUNT_COLUMNS),
                          " ON CONFLICT (book, code) DO NOTHING")
_YEAR_COLUMNS = ("book", "name", "start_date", "end_date", "periods", "closed", "closing_entry",
                 "version", "closed_by_closing")
_INSERT_YEAR = _insert("ledger_fiscal_years", _YEAR_COLUMNS, " ON CONFLICT (book, name) DO NOTHING")
_UPSERT_RATE = _insert("ledger_rates", ("book", "base", "quote", "day", "rate"),
                       " ON CONFLICT (book, base, quote, day) DO UPDATE SET rate = excluded.rate")


def _page(cond: str, order: str, limit: int) -> str:
    """Entries matching ``cond`` (in ``order``), joined with their postings."""
    outer = ", ".join(f"e.{part.strip()}" for part in order.split(","))
    return (f"SELECT {_E}, {_P} FROM (SELECT * FROM ledger_entries WHERE book = ? AND {cond} "
            f"ORDER BY {order} LIMIT {limit}) e LEFT JOIN ledger_postings p "
            f"ON p.book = e.book AND p.seq = e.seq ORDER BY {outer}, p.line_no")


_BY_ID = _page("id = ?", "seq", 1)
_BY_KEY = _page("idempotency_key = ?", "seq", 1)
_RESOLUTION = _page(f"related = ? AND kind IN {_RESOLUTIONS}", "seq", 1)
_REVERSAL = _page("related = ? AND kind = 'reversal'", "seq", 1)
_LAST = _page("1 = 1", "seq DESC", 1)
_CHAIN = _page("seq > ?", "seq", PAGE_SIZE)
_PENDING = _page(
    f"seq > ? AND status = 'pending' AND NOT EXISTS (SELECT 1 FROM ledger_entries r "
    f"WHERE r.book = ledger_entries.book AND r.related = ledger_entries.id "
    f"AND r.kind IN {_RESOLUTIONS})", "seq", PAGE_SIZE)


def _entries(rows: Sequence[Sequence[Any]]) -> list[JournalEntry]:
    """Group joined (entry, posting) rows into entries, keeping row order."""
    out: list[JournalEntry] = []
    n = len(ENTRY_COLUMNS)
    head: Sequence[Any] | None = None
    lines: list[Posting] = []
    for row in rows:
        if head is None or row[1] != head[1]:
            if head is not None:
                out.append(row_to_entry(head, tuple(lines)))
            head, lines = row[:n], []
        if row[n] is not None:
            lines.append(row_to_posting(row[n:]))
    if head is not None:
        out.append(row_to_entry(head, tuple(lines)))
    return out


class SqlLedgerRepository:
    """The ledger port on SQL tables, scoped to its unit of work's book.

    Example:
        >>> from backoffice_core.adapters.sql import SqlStore
        >>> from backoffice_core.ledger.accounts import Account
        >>> with SqlStore("sqlite://")("acme") as uow:
        ...     uow.ledger.add_account(Account("1110", "Cash", "asset"))
        ...     [a.code for a in uow.ledger.list_accounts()]
        ['1110']
    """

    def __init__(self, uow: SqlUnitOfWork) -> None:
        self._uow = uow
        self._book = uow.book
        self._sql = uow.sql
        self._day = uow.day_param
        self._strict = uow.strict
        self._pg = uow.postgresql

    # ------------------------------------------------------------------ plumbing
    def _read(self, sql: str, params: Sequence[Any], action: str) -> list[Any]:
        if self._strict and any(type(p) is str and "\x00" in p for p in params):
            return []  # PostgreSQL holds no text with NUL, so nothing can match
        cursor = self._uow.reading()
        with self._uow.guard(action):
            if self._uow.fresh:
                with self._uow.batch():
                    self._uow.send(sql, params)
            else:
                cursor.execute(self._sql(sql), params)
            return cursor.fetchall()  # type: ignore[no-any-return]

    def _write(self, sql: str, params: Sequence[Any], action: str) -> int:
        cursor = self._uow.writing()
        with self._uow.guard(action):
            cursor.execute(self._sql(sql), params)
            return int(cursor.rowcount)

    def _one(self, sql: str, *params: Any) -> JournalEntry | None:
        if any(type(p) is not str for p in params):
            return None  # ids and keys are text: nothing else can be stored
        got = _entries(self._read(sql, (self._book, *params), "reading entries"))
        return got[0] if got else None

    # ------------------------------------------------------------------ settings
    def get_settings(self) -> BookSettings | None:
        rows = self._read("SELECT name, functional_currency, roles, chart, version "
                          "FROM ledger_books WHERE book = ?", (self._book,), "reading settings")
        return row_to_settings(rows[0]) if rows else None

    def save_settings(self, settings: BookSettings, expected_version: int | None) -> None:
        row = settings_row(self._book, settings)
        for field in ("name", "functional_currency", "roles", "chart"):
            check_text(field, row[field], strict=self._strict)
        if expected_version is None:
            if not self._write(_INSERT_BOOK, tuple(row.values()), "creating the book"):
                raise DuplicateError("book already exists", field="book", value=self._book)
            return
        done = self._write(
            "UPDATE ledger_books SET name = ?, functional_currency = ?, roles = ?, chart = ?, "
            "version = ? WHERE book = ? AND version = ?",
            (row["name"], row["functional_currency"], row["roles"], row["chart"],
             row["version"], self._book, expected_version), "saving settings")
        if not done:
            raise ConcurrencyError("book settings changed since read", field="version",
                                   value=expected_version)

    # ------------------------------------------------------------------ accounts
    def get_account(self, code: str) -> Account | None:
        if type(code) is not str:
            return None
        rows = self._read(f"SELECT {', '.join(ACCOUNT_COLUMNS)} FROM ledger_accounts "
                          "WHERE book = ? AND code = ?", (self._book, code), "reading an account")
        return cached_account(tuple(rows[0])) if rows else None

    def list_accounts(self) -> list[Account]:
        rows = self._read(f"SELECT {', '.join(ACCOUNT_COLUMNS)} FROM ledger_accounts "
                          "WHERE book = ?", (self._book,), "reading accounts")
        return sorted((cached_account(tuple(r)) for r in rows), key=lambda a: a.code)

    def has_children(self, code: str) -> bool:
        """Whether any account names ``code`` as its parent (an index lookup)."""
        return bool(self._read("SELECT 1 FROM ledger_accounts WHERE book = ? AND parent = ? "
                               "LIMIT 1", (self._book, code), "reading accounts"))

    def has_postings(self, code: str) -> bool:
        """Whether any entry has a posting on ``code``: one seek in the postings' account
        index (``iter_entries(account=code)`` walks the book's entries by date)."""
        return bool(self._read("SELECT 1 FROM ledger_postings WHERE book = ? AND account = ? "
                               "LIMIT 1", (self._book, code), "reading postings"))

    def _account_params(self, account: Account) -> tuple[Any, ...]:
        check_text("code", account.code, key=True, strict=self._strict)
        check_text("name", account.name, strict=self._strict)
        if account.parent is not None:
            check_text("parent", account.parent, key=True, strict=self._strict)
        return account_row(self._book, account)

    def add_account(self, account: Account) -> None:
        if not self._write(_INSERT_ACCOUNT, self._account_params(account), "adding an account"):
            raise DuplicateError("account code already exists", field="code", value=account.code)

    def update_account(self, account: Account, expected_version: int) -> None:
        row = self._account_params(account)
        sets = ", ".join(f"{c} = ?" for c in ACCOUNT_COLUMNS[1:])
        done = self._write(f"UPDATE ledger_accounts SET {sets} WHERE book = ? AND code = ? "
                           "AND version = ?",
                           (*row[2:], self._book, account.code, expected_version),
                           "updating an account")
        if not done:
            if self.get_account(account.code) is None:
                raise NotFoundError("no such account", field="code", value=account.code)
            raise ConcurrencyError("account changed since it was read", field="version",
                                   value=expected_version)

    # ------------------------------------------------------------------ entries
    def add_entries(self, entries: Sequence[JournalEntry]) -> None:
        if not entries:
            return
        check_entries(entries, strict=self._strict)
        book, day = self._book, self._day
        rows, lines = batch_rows(book, entries, day)
        last = max(entries, key=lambda e: e.seq)
        cursor = self._uow.writing()
        with self._uow.guard("adding entries"):
            try:
                with self._uow.batch():
                    self._uow.send("SAVEPOINT bo_add_entries")
                    _INSERT_ENTRY.run(cursor, rows, self._pg)
                    _INSERT_POSTING.run(cursor, lines, self._pg)
                    self._uow.send(_UPSERT_HEAD, (book, last.seq, last.hash))
                    self._uow.send("RELEASE SAVEPOINT bo_add_entries")
            except Exception as exc:
                mapped = translate(exc, "adding entries")
                if mapped is None:
                    raise
                cursor.execute("ROLLBACK TO SAVEPOINT bo_add_entries")
                cursor.execute("RELEASE SAVEPOINT bo_add_entries")
                raise diagnose_duplicate(self._uow, entries, mapped) from exc

    def get_entry(self, entry_id: str) -> JournalEntry | None:
        return self._one(_BY_ID, entry_id)

    def find_by_idempotency_key(self, key: str) -> JournalEntry | None:
        return self._one(_BY_KEY, key)

    def find_by_idempotency_keys(self, keys: Sequence[str]) -> dict[str, JournalEntry]:
        """The stored entries of those ``keys`` that are taken, by key (one read per 500)."""
        wanted = list(dict.fromkeys(k for k in keys if type(k) is str))
        out: dict[str, JournalEntry] = {}
        for i in range(0, len(wanted), _KEYS_PER_READ):
            part = wanted[i:i + _KEYS_PER_READ]
            marks = ", ".join("?" * len(part))
            sql = (f"SELECT {_E}, {_P} FROM (SELECT * FROM ledger_entries WHERE book = ? AND "
                   f"idempotency_key IN ({marks})) e LEFT JOIN ledger_postings p "
                   f"ON p.book = e.book AND p.seq = e.seq ORDER BY e.seq, p.line_no")
            for e in _entries(self._read(sql, (self._book, *part), "reading entries")):
                assert e.idempotency_key is not None
                out[e.idempotency_key] = e
        return out

    def find_resolution(self, pending_id: str) -> JournalEntry | None:
        return self._one(_RESOLUTION, pending_id)

    def find_reversal(self, entry_id: str) -> JournalEntry | None:
        return self._one(_REVERSAL, entry_id)

    def last_entry(self) -> JournalEntry | None:
        self._uow.writing()  # the book's write lock, held until commit or rollback
        return self._one(_LAST)

    def _pages(self, sql: str, params: tuple[Any, ...]) -> Iterator[JournalEntry]:
        """Every entry of a paged query (keyset on seq, the last parameter)."""
        after = 0
        while True:
            page = _entries(self._read(sql, (self._book, *params, after), "reading entries"))
            yield from page
            if len(page) < PAGE_SIZE:
                return
            after = page[-1].seq

    def iter_entries(
        self, start: date | None = None, end: date | None = None, account: str | None = None
    ) -> Iterator[JournalEntry]:
        cond, params = ["1 = 1"], []
        if start is not None:
            cond.append("entry_date >= ?")
            params.append(self._day(start))
        if end is not None:
            cond.append("entry_date <= ?")
            params.append(self._day(end))
        if account is not None:
            cond.append("seq IN (SELECT seq FROM ledger_postings WHERE book = ? AND account = ?)")
            params += [self._book, account]
        return self._by_date(" AND ".join(cond), params)

    def _by_date(self, cond: str, params: list[Any]) -> Iterator[JournalEntry]:
        first = _page(cond, "entry_date, seq", PAGE_SIZE)
        nxt = _page(f"{cond} AND (entry_date > ? OR (entry_date = ? AND seq > ?))",
                    "entry_date, seq", PAGE_SIZE)
        page = _entries(self._read(first, (self._book, *params), "reading entries"))
        while True:
            yield from page
            if len(page) < PAGE_SIZE:
                return
            d, s = self._day(page[-1].date), page[-1].seq
            page = _entries(self._read(nxt, (self._book, *params, d, d, s), "reading entries"))

    def revaluations(self, account: str, start: date | None = None, end: date | None = None,
                     currency: str | None = None) -> list[JournalEntry]:
        """The revaluation entries touching ``account`` (in ``currency``, if given) dated
        within ``start``..``end``, by (date, seq) (the optional port method): the partial
        index ``ix_ledger_entries_revaluation`` walks revaluations only, and each is kept
        when one of its postings (primary key) is on ``account``."""
        cond = ("kind = 'revaluation' AND EXISTS (SELECT 1 FROM ledger_postings q WHERE "
                "q.book = ledger_entries.book AND q.seq = ledger_entries.seq AND q.account = ?")
        params: list[Any] = [account]
        if currency is not None:
            cond += " AND q.currency = ?"
            params.append(currency)
        cond += ")"
        if start is not None:
            cond += " AND entry_date >= ?"
            params.append(self._day(start))
        if end is not None:
            cond += " AND entry_date <= ?"
            params.append(self._day(end))
        return list(self._by_date(cond, params))

    def iter_chain(self) -> Iterator[JournalEntry]:
        return self._pages(_CHAIN, ())

    def pending_entries(self) -> list[JournalEntry]:
        return list(self._pages(_PENDING, ()))

    # ------------------------------------------------------------------ balances
    def apply_deltas(self, deltas: Iterable[BalanceDelta]) -> None:
        totals: dict[BalanceKey, list[int]] = {}
        days: dict[tuple[BalanceKey, date], list[int]] = {}
        for d in deltas:
            row = totals.get(d.key)
            if row is None:
                row = totals[d.key] = [0, 0, 0, 0, 0]
            row[0] += d.debits
            row[1] += d.credits
            row[2] += d.pending_debits
            row[3] += d.pending_credits
            row[4] += d.functional
            if d.debits or d.credits or d.functional:
                day = days.get((d.key, d.day))
                if day is None:
                    day = days[(d.key, d.day)] = [0, 0, 0]
                day[0] += d.debits
                day[1] += d.credits
                day[2] += d.functional
        if not totals:
            return
        check_deltas(totals, days, strict=self._strict)
        book, conv = self._book, self._day
        # no ordering needed against deadlocks: the writers of a book hold its lock
        rows = [(book, k.account, k.currency, k.dimension, k.value, *v)
                for k, v in totals.items()]
        dated = [(book, k.account, k.currency, k.dimension, k.value, conv(day), *v)
                 for (k, day), v in days.items()]
        cursor = self._uow.writing()
        with self._uow.guard("updating balances and the daily rollup"), self._uow.batch():
            _UPSERT_BALANCE.run(cursor, rows, self._pg)
            _UPSERT_DAY.run(cursor, dated, self._pg)

    def _key(self, key: BalanceKey) -> tuple[str, ...]:
        return (self._book, key.account, key.currency, key.dimension, key.value)

    def get_balance(self, key: BalanceKey) -> Balance:
        rows = self._read(f"SELECT {_BAL} FROM ledger_balances WHERE {_KEY}", self._key(key),
                          "reading a balance")
        if not rows:
            return Balance(key)
        return Balance(key, *(int(v) for v in rows[0]))

    def list_balances(self, dimension: str = "") -> list[Balance]:
        rows = self._read(f"SELECT account, currency, value, {_BAL} FROM ledger_balances "
                          "WHERE book = ? AND dimension = ?", (self._book, dimension),
                          "reading balances")
        return [Balance(BalanceKey(a, c, dimension, v), int(dr), int(cr), int(pd), int(pc),
                        int(fn)) for a, c, v, dr, cr, pd, pc, fn in rows]

    def dimension_names(self, account: str) -> list[str]:
        """The dimensions ``account`` has running totals in, sorted (the optional port
        method): one read of the balances' primary-key index."""
        rows = self._read("SELECT DISTINCT dimension FROM ledger_balances WHERE book = ? "
                          "AND account = ? AND dimension <> ''", (self._book, account),
                          "reading dimension names")
        return sorted(str(r[0]) for r in rows)

    def balance_as_of(self, key: BalanceKey, day: date) -> Balance:
        rows = self._read("SELECT SUM(debits), SUM(credits), SUM(functional) "
                          f"FROM ledger_balance_days WHERE {_KEY} AND day <= ?",
                          (*self._key(key), self._day(day)), "reading a balance")
        dr, cr, fn = rows[0] if rows else (None, None, None)
        return Balance(key, int(dr or 0), int(cr or 0), 0, 0, int(fn or 0))

    def balances_as_of(self, day: date, dimension: str = "") -> list[Balance]:
        d = self._day(day)
        rows = self._read(
            "SELECT account, currency, value, "
            "SUM(CASE WHEN day <= ? THEN debits ELSE 0 END), "
            "SUM(CASE WHEN day <= ? THEN credits ELSE 0 END), "
            "SUM(CASE WHEN day <= ? THEN functional ELSE 0 END) "
            "FROM ledger_balance_days WHERE book = ? AND dimension = ? "
            "GROUP BY account, currency, value", (d, d, d, self._book, dimension),
            "reading balances")
        return [Balance(BalanceKey(a, c, dimension, v), int(dr), int(cr), 0, 0, int(fn))
                for a, c, v, dr, cr, fn in rows]

    # ------------------------------------------------------------------ periods
    def list_fiscal_years(self) -> list[FiscalYear]:
        rows = self._read("SELECT name, periods, closed, closing_entry, version, "
                          "closed_by_closing FROM ledger_fiscal_years WHERE book = ? "
                          "ORDER BY start_date, name", (self._book,), "reading fiscal years")
        return [FiscalYear(name, periods_from_json(periods), bool(closed), closing, int(version),
                           names_from_json(by_closing))
                for name, periods, closed, closing, version, by_closing in rows]

    def save_fiscal_year(self, year: FiscalYear, expected_version: int | None) -> None:
        check_text("name", year.name, key=True, strict=self._strict)
        periods = periods_to_json(year)
        check_text("periods", periods, strict=self._strict)
        by_closing = names_to_json(year.closed_by_closing)
        start, end = self._day(year.start), self._day(year.end)
        if expected_version is None:
            row = (self._book, year.name, start, end, periods, year.closed, year.closing_entry,
                   year.version, by_closing)
            if not self._write(_INSERT_YEAR, row, "adding a fiscal year"):
                raise DuplicateError("fiscal year already exists", field="name",
                                     value=year.name)
            return
        done = self._write(
            "UPDATE ledger_fiscal_years SET start_date = ?, end_date = ?, periods = ?, "
            "closed = ?, closing_entry = ?, version = ?, closed_by_closing = ? "
            "WHERE book = ? AND name = ? AND version = ?",
            (start, end, periods, year.closed, year.closing_entry, year.version, by_closing,
             self._book, year.name, expected_version),
            "saving a fiscal year")
        if not done:
            raise ConcurrencyError("fiscal year changed since it was read", field="version",
                                   value=expected_version)

    # ------------------------------------------------------------------ rates
    def add_rate(self, base: str, quote: str, day: date, rate: Decimal) -> None:
        check_text("base", base, key=True, strict=self._strict)
        check_text("quote", quote, key=True, strict=self._strict)
        self._write(_UPSERT_RATE, (self._book, base, quote, self._day(day),
                                   self._uow.decimal_param(rate)), "recording a rate")

    def get_rate(self, base: str, quote: str, day: date) -> tuple[date, Decimal] | None:
        rows = self._read("SELECT day, rate FROM ledger_rates WHERE book = ? AND base = ? "
                          "AND quote = ? AND day <= ? ORDER BY day DESC LIMIT 1",
                          (self._book, base, quote, self._day(day)), "reading a rate")
        if not rows:
            return None
        got, rate = rows[0]
        return (got if isinstance(got, date) else date.fromisoformat(got),
                rate if isinstance(rate, Decimal) else Decimal(str(rate)))
