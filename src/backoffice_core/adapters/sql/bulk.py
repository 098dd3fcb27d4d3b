"""Bulk writes: one statement text per table, two ways to send many rows.

* SQLite: the driver's ``executemany`` with ``?`` parameters (each row is a C
  call into SQLite, no round trips).
* PostgreSQL: one ``INSERT ... SELECT * FROM unnest(%b::text[], %b::bigint[], ...)``
  per batch, one array per column, so a batch of any size is one round trip
  (psycopg's ``executemany`` pays a protocol message per row). A single row goes
  as a plain ``INSERT ... VALUES``. These statements run in psycopg pipelines and
  are never auto-prepared: psycopg can lose track of a statement prepared in a
  pipeline that an error aborted.

Upserts append ``ON CONFLICT ... DO UPDATE SET x = t.x + excluded.x``; the
caller merges rows by key first (PostgreSQL refuses to update one row twice in
one statement).

Example:
    >>> from backoffice_core.adapters.sql.tables import heads
    >>> st = BulkInsert(heads, ("book", "seq", "hash"))
    >>> st.values
    'INSERT INTO ledger_heads (book, seq, hash) VALUES (?, ?, ?)'
    >>> st.unnest
    'INSERT INTO ledger_heads (book, seq, hash) SELECT * FROM unnest(%b::text[], %b::bigint[], \
%b::text[])'
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import BigInteger, Boolean, Date, Table

from backoffice_core.adapters.sql.tables import ExactDecimal

__all__ = ["BulkInsert", "pg_array_type"]


def pg_array_type(table: Table, column: str) -> str:
    """The PostgreSQL element type used to unnest ``column`` of ``table``.

    Example:
        >>> from backoffice_core.adapters.sql.tables import entries
        >>> pg_array_type(entries, "entry_date"), pg_array_type(entries, "seq")
        ('date', 'bigint')
    """
    kind = table.c[column].type
    if isinstance(kind, BigInteger):
        return "bigint"
    if isinstance(kind, Date):
        return "date"
    if isinstance(kind, Boolean):
        return "boolean"
    if isinstance(kind, ExactDecimal):
        return "numeric"
    return "text"


class BulkInsert:
    """``INSERT`` (or upsert) of many rows into ``table``, for either dialect.

    Example:
        >>> import sqlite3
        >>> from backoffice_core.adapters.sql.tables import heads
        >>> cursor = sqlite3.connect(":memory:").cursor()
        >>> _ = cursor.execute("CREATE TABLE ledger_heads (book, seq, hash)")
        >>> BulkInsert(heads, ("book", "seq", "hash")).run(cursor, [("a", 1, "h"), ("b", 2, "h")],
        ...                                                 postgresql=False)
        >>> cursor.execute("SELECT COUNT(*) FROM ledger_heads").fetchone()
        (2,)
    """

    __slots__ = ("pyformat", "unnest", "values")

    def __init__(self, table: Table, columns: Sequence[str], tail: str = "") -> None:
        names = ", ".join(columns)
        marks = ", ".join("?" for _ in columns)
        self.values = f"INSERT INTO {table.name} ({names}) VALUES ({marks}){tail}"
        self.pyformat = self.values.replace("?", "%s")
        # %b: arrays go in binary, about four times cheaper to build than quoted text
        arrays = ", ".join(f"%b::{pg_array_type(table, c)}[]" for c in columns)
        self.unnest = f"INSERT INTO {table.name} ({names}) SELECT * FROM unnest({arrays}){tail}"

    def run(self, cursor: Any, rows: Sequence[Sequence[Any]], postgresql: bool) -> None:
        """Send ``rows`` (tuples in column order) through ``cursor``."""
        if not rows:
            return
        if not postgresql:
            cursor.executemany(self.values, rows)
        elif len(rows) == 1:
            cursor.execute(self.pyformat, rows[0], prepare=False)
        else:
            cursor.execute(self.unnest, [list(column) for column in zip(*rows, strict=True)],
                           prepare=False)
