"""Plumbing and valuation of the SQL inventory repository.

:class:`SqlInventoryPlumbing` runs statements in the unit of work (reads in its
snapshot, writes under the book's write lock, bulk inserts under a savepoint);
:class:`SqlInventoryValuation` keeps cost records, engine states and the per-day
value rollup (``inv_value_days``), maintained by ``add_cost_records`` and
``replace_cost_records`` so that a value as of a day never scans the records.

Example:
    >>> from backoffice_core.adapters.sql import SqlStore
    >>> with SqlStore("sqlite://")("acme") as uow:
    ...     uow.inventory.value("WID"), uow.inventory.values()
    ((0, 0), [])
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

from backoffice_core.adapters.sql import inventory_tables as t
from backoffice_core.adapters.sql.bulk import BulkInsert
from backoffice_core.adapters.sql.guards import check_text
from backoffice_core.adapters.sql.inventory_mappers import (
    RECORD_COLUMNS,
    record_row,
    row_to_record,
    state_from_json,
    state_to_json,
)
from backoffice_core.adapters.sql.translate import translate
from backoffice_core.errors import (
    BackofficeError,
    ConcurrencyError,
    DuplicateError,
    NotFoundError,
)
from backoffice_core.inventory.valuation import CostRecord, CostState

if TYPE_CHECKING:
    from backoffice_core.adapters.sql.store import SqlUnitOfWork

__all__ = ["SqlInventoryPlumbing", "SqlInventoryValuation", "columns", "insert"]

_CHUNK = 500


def insert(table: str, columns: Sequence[str], tail: str = "") -> str:
    """``INSERT INTO table (columns) VALUES (?, ...)`` plus ``tail``.

    Example:
        >>> insert("t", ("a", "b"))
        'INSERT INTO t (a, b) VALUES (?, ?)'
    """
    marks = ", ".join("?" for _ in columns)
    return f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks}){tail}"


def columns(columns: Sequence[str], prefix: str = "") -> str:
    """A column list, each name after ``prefix``.

    Example:
        >>> columns(("a", "b"), "x.")
        'x.a, x.b'
    """
    return ", ".join(f"{prefix}{c}" for c in columns)


_INSERT_RECORDS = BulkInsert(t.cost_records, ("book", *RECORD_COLUMNS))
_UPSERT_VALUE = BulkInsert(
    t.value_days, ("book", "sku", "day", "quantity", "value"),
    " ON CONFLICT (book, sku, day) DO UPDATE SET "
    "quantity = inv_value_days.quantity + excluded.quantity, "
    "value = inv_value_days.value + excluded.value")
_UPSERT_STATE = insert("inv_cost_states", ("book", "sku", "state"),
                        " ON CONFLICT (book, sku) DO UPDATE SET state = excluded.state")
_RECORDS = f"SELECT {columns(RECORD_COLUMNS)} FROM inv_cost_records WHERE book = ? AND sku = ?"
_BEFORE = "(day < ? OR (day = ? AND seq <= ?))"
_AFTER = "(day > ? OR (day = ? AND seq >= ?))"


class SqlInventoryPlumbing:
    """Statements of the inventory repository in its unit of work, scoped to the book.

    Example:
        >>> from backoffice_core.adapters.sql import SqlStore
        >>> with SqlStore("sqlite://")("acme") as uow:
        ...     isinstance(uow.inventory, SqlInventoryPlumbing)
        True
    """

    def __init__(self, uow: SqlUnitOfWork) -> None:
        self._uow = uow
        self._book = uow.book
        self._sql = uow.sql
        self._day = uow.day_param
        self._dec = uow.decimal_param
        self._strict = uow.strict
        self._pg = uow.postgresql

    # ------------------------------------------------------------------ plumbing
    def _read(self, sql: str, params: Sequence[Any], action: str = "reading inventory"
              ) -> list[Any]:
        if any(type(p) is str and "\x00" in p for p in params) and self._strict:
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

    def _keys(self, **fields: Any) -> None:
        for field, value in fields.items():
            check_text(field, value, key=True, strict=self._strict)

    def _new(self, sql: str, row: Sequence[Any], what: str, field: str, value: Any) -> None:
        if not self._write(sql, (self._book, *row), f"adding a {what}"):
            raise DuplicateError(f"{what} already exists", field=field, value=value)

    def _versioned(self, table: str, columns: Sequence[str], row: Sequence[Any], key: str,
                   key_value: Any, expected: int, field: str, what: str) -> None:
        """``UPDATE`` the row of ``key`` whose version is ``expected`` (else a typed error)."""
        sets = ", ".join(f"{c} = ?" for c in columns[1:])
        done = self._write(
            f"UPDATE {table} SET {sets} WHERE book = ? AND {key} = ? AND version = ?",
            (*row[1:], self._book, key_value, expected), f"updating a {what}")
        if not done:
            if not self._read(f"SELECT 1 FROM {table} WHERE book = ? AND {key} = ?",
                              (self._book, key_value)):
                raise NotFoundError(f"no such {what}", field=field, value=key_value)
            raise ConcurrencyError(f"{what} changed since it was read", field="version",
                                   value=expected)

    def _bulk(self, action: str, run: Callable[[Any], None],
              diagnose: Callable[[], BackofficeError]) -> None:
        """Run ``run(cursor)`` under a savepoint; a duplicate is named by ``diagnose()``."""
        cursor = self._uow.writing()
        with self._uow.guard(action):
            try:
                with self._uow.batch():
                    self._uow.send("SAVEPOINT bo_inventory")
                    run(cursor)
                    self._uow.send("RELEASE SAVEPOINT bo_inventory")
            except Exception as exc:
                mapped = translate(exc, action)
                if mapped is None:
                    raise
                cursor.execute("ROLLBACK TO SAVEPOINT bo_inventory")
                cursor.execute("RELEASE SAVEPOINT bo_inventory")
                if isinstance(mapped, DuplicateError):
                    raise diagnose() from exc
                raise mapped from exc

    def _taken(self, table: str, column: str, values: Iterable[Any]) -> set[Any]:
        wanted = list(dict.fromkeys(values))
        found: set[Any] = set()
        for i in range(0, len(wanted), _CHUNK):
            chunk = wanted[i:i + _CHUNK]
            marks = ", ".join("?" for _ in chunk)
            found.update(r[0] for r in self._read(
                f"SELECT {column} FROM {table} WHERE book = ? AND {column} IN ({marks})",
                (self._book, *chunk)))
        return found

class SqlInventoryValuation(SqlInventoryPlumbing):
    """Cost states, cost records and the per-day value rollup of the inventory port.

    Example:
        >>> from backoffice_core.adapters.sql import SqlStore
        >>> with SqlStore("sqlite://")("acme") as uow:
        ...     uow.inventory.get_cost_state("WID") is None
        True
    """

    # ------------------------------------------------------------------ valuation
    def get_cost_state(self, sku: str) -> CostState | None:
        rows = self._read("SELECT state FROM inv_cost_states WHERE book = ? AND sku = ?",
                          (self._book, sku))
        return state_from_json(rows[0][0]) if rows else None

    def save_cost_state(self, sku: str, state: CostState) -> None:
        self._keys(sku=sku)
        self._write(_UPSERT_STATE, (self._book, sku, state_to_json(state)), "saving a cost state")

    def _value_rows(self, changes: dict[tuple[str, date], list[int]]) -> list[tuple[Any, ...]]:
        return [(self._book, s, self._day(d), q, v) for (s, d), (q, v) in changes.items()]

    def add_cost_records(self, records: Sequence[CostRecord]) -> None:
        if not records:
            return
        changes: dict[tuple[str, date], list[int]] = {}
        for r in records:
            if self._strict:
                self._keys(sku=r.sku, event=r.event, origin=r.origin)
            row = changes.setdefault((r.sku, r.day), [0, 0])
            row[0] += r.signed_quantity
            row[1] += r.value
        book, day, dec = self._book, self._day, self._dec
        rows = [(book, *record_row(r, day, dec)) for r in records]
        dated = self._value_rows(changes)

        def run(cursor: Any) -> None:
            _INSERT_RECORDS.run(cursor, rows, self._pg)
            _UPSERT_VALUE.run(cursor, dated, self._pg)

        def diagnose() -> BackofficeError:
            events = self._taken("inv_cost_records", "event", (r.event for r in records))
            seen_events: set[str] = set()
            seen_keys: set[tuple[str, date, int]] = set()
            for r in records:
                if r.event in events or r.event in seen_events:
                    return DuplicateError("cost record of this event already exists",
                                          field="event", value=r.event)
                if (r.sku, r.day, r.seq) in seen_keys or self._read(
                        "SELECT 1 FROM inv_cost_records WHERE book = ? AND sku = ? AND day = ? "
                        "AND seq = ?", (self._book, r.sku, self._day(r.day), r.seq)):
                    return DuplicateError("cost record key already taken", field="seq",
                                          value=r.seq)
                seen_events.add(r.event)
                seen_keys.add((r.sku, r.day, r.seq))
            return DuplicateError("cost record already exists", field="event", value=None)

        self._bulk("adding cost records", run, diagnose)

    def replace_cost_records(self, records: Sequence[CostRecord]) -> None:
        if not records:
            return
        olds: dict[str, CostRecord] = {}
        for i in range(0, len(records), _CHUNK):
            chunk = records[i:i + _CHUNK]
            marks = ", ".join("?" for _ in chunk)
            for row in self._read(f"SELECT {columns(RECORD_COLUMNS)} FROM inv_cost_records WHERE "
                                  f"book = ? AND event IN ({marks})",
                                  (self._book, *(r.event for r in chunk))):
                old = row_to_record(row)
                olds[old.event] = old
        changes: dict[tuple[str, date], list[int]] = {}
        for r in records:
            found = olds.get(r.event)
            if found is None or found.key != r.key or found.sku != r.sku:
                raise NotFoundError("no such cost record", field="event", value=r.event)
            old = found
            row = changes.setdefault((r.sku, r.day), [0, 0])
            row[0] += r.signed_quantity - old.signed_quantity
            row[1] += r.value - old.value
            olds[r.event] = r
        day, dec = self._day, self._dec
        sets = ", ".join(f"{c} = ?" for c in RECORD_COLUMNS[4:])
        params = [(*record_row(r, day, dec)[4:], self._book, r.event) for r in records]
        dated = self._value_rows({k: v for k, v in changes.items() if v != [0, 0]})
        cursor = self._uow.writing()
        with self._uow.guard("replacing cost records"), self._uow.batch():
            cursor.executemany(self._sql(f"UPDATE inv_cost_records SET {sets} WHERE book = ? "
                                         "AND event = ?"), params)
            _UPSERT_VALUE.run(cursor, dated, self._pg)

    def get_cost_record(self, event: str) -> CostRecord | None:
        rows = self._read(f"SELECT {columns(RECORD_COLUMNS)} FROM inv_cost_records WHERE "
                          "book = ? AND event = ?", (self._book, event))
        return row_to_record(rows[0]) if rows else None

    def cost_records(self, sku: str, start: tuple[date, int] | None = None,
                     end: tuple[date, int] | None = None) -> list[CostRecord]:
        sql = _RECORDS
        params: list[Any] = [self._book, sku]
        if start is not None:
            d = self._day(start[0])
            sql += f" AND {_AFTER}"
            params += [d, d, start[1]]
        if end is not None:
            d = self._day(end[0])
            sql += f" AND {_BEFORE}"
            params += [d, d, end[1]]
        return [row_to_record(r) for r in self._read(sql + " ORDER BY day, seq", params)]

    def cost_checkpoint(self, sku: str, key: tuple[date, int]) -> CostRecord | None:
        d = self._day(key[0])
        rows = self._read(f"{_RECORDS} AND snapshot IS NOT NULL AND {_BEFORE} "
                          "ORDER BY day DESC, seq DESC LIMIT 1", (self._book, sku, d, d, key[1]))
        return row_to_record(rows[0]) if rows else None

    def value(self, sku: str, day: date | None = None) -> tuple[int, int]:
        sql, params = ("SELECT SUM(quantity), SUM(value) FROM inv_value_days WHERE book = ? "
                       "AND sku = ?"), [self._book, sku]
        if day is not None:
            sql += " AND day <= ?"
            params.append(self._day(day))
        rows = self._read(sql, params)
        q, v = rows[0] if rows else (0, 0)  # no row: a text no store can hold
        return (int(q or 0), int(v or 0))

    def values(self, day: date | None = None) -> list[tuple[str, int, int]]:
        if day is None:
            rows = self._read("SELECT sku, SUM(quantity), SUM(value) FROM inv_value_days "
                              "WHERE book = ? GROUP BY sku", (self._book,))
        else:
            d = self._day(day)
            rows = self._read(
                "SELECT sku, SUM(CASE WHEN day <= ? THEN quantity ELSE 0 END), "
                "SUM(CASE WHEN day <= ? THEN value ELSE 0 END) FROM inv_value_days "
                "WHERE book = ? GROUP BY sku", (d, d, self._book))
        return sorted((s, int(q or 0), int(v or 0)) for s, q, v in rows)
