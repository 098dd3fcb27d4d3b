"""Documents: payment numbers unique per book, party codes unique ignoring case, and the
numbering counters kept under a fiscal year's name moved to the period their pattern prints.

* ``documents_payments.number``: the payment's number, copied from its JSON body, under
  the unique index ``ux_documents_payments_number`` on ``(book, number)``.
* ``documents_parties.code_key``: the party's code casefolded (``Party.code_key``;
  ``NULL`` without a code), under the unique index ``ux_documents_parties_code_key``
  on ``(book, code_key)``: "ACME" and "acme" are one code.
* Counters: a series counts per period its pattern prints (``numbering.series_key``:
  ``"2026"`` for ``INV-{year}-...``); before, it counted under the fiscal year's name.
  A fiscal year named otherwise than the year it prints (``"2027"`` from July 2026,
  printing ``INV-2026-...``) left its count under its name while the printed year's key
  held another count (or none), so the next number repeated one already printed. Each
  counter kept under a fiscal year's name is carried to the key its series' pattern
  (the book's setting, else the default) prints for that fiscal year, as the higher of
  the two values: a counter only ever goes up, so no number is printed twice (at worst a
  series skips numbers, when a name was also a printed period).

A database where two payments of one book share a number, or two parties have codes
that differ only in case, is not changed: the upgrade stops with a
:class:`~backoffice_core.errors.SchemaError` naming the book, the key and the rows,
because which one keeps it is the user's decision.

Revision ID: 0008_document_keys
Revises: 0007_party_code_unique
Create Date: 2026-11-28

Example:
    >>> revision, down_revision
    ('0008_document_keys', '0007_party_code_unique')
    >>> _printed("INV-{year}-{seq:05}", "2027", 2026), _printed("{fy}/{seq}", "FY26", 2026)
    ('2026', 'FY26')
    >>> _printed("N{seq}", "2027", 2026)
    '*'
"""

from __future__ import annotations

import json
import string
from collections.abc import Iterable
from datetime import date
from typing import Any

import sqlalchemy as sa
from alembic import op

from backoffice_core.errors import SchemaError

revision: str = "0008_document_keys"
down_revision: str | None = "0007_party_code_unique"
branch_labels: str | None = None
depends_on: str | None = None

__all__ = ["downgrade", "upgrade"]

_PAYMENTS, _PARTIES, _COUNTERS = "documents_payments", "documents_parties", "documents_counters"
_NUMBER_INDEX, _CODE_INDEX = "ux_documents_payments_number", "ux_documents_parties_code_key"
#: The default patterns as this revision knows them (every one prints ``{year}``).
_DEFAULTS = {
    "quote": "QUO-{year}-{seq:05}", "sales_order": "SO-{year}-{seq:05}",
    "sales_invoice": "INV-{year}-{seq:05}", "credit_note": "CN-{year}-{seq:05}",
    "purchase_order": "PO-{year}-{seq:05}", "supplier_bill": "BILL-{year}-{seq:05}",
    "debit_note": "DN-{year}-{seq:05}", "delivery_note": "DEL-{year}-{seq:05}",
    "goods_receipt": "GR-{year}-{seq:05}", "payment_in": "PAY-{year}-{seq:05}",
    "payment_out": "PAYOUT-{year}-{seq:05}",
}


def _printed(pattern: str, name: str, year: int) -> str:
    """The counter key of ``pattern`` in the fiscal year ``name`` starting in ``year``
    (``numbering.series_key`` as of this revision)."""
    fields = {f for _, f, _, _ in string.Formatter().parse(pattern) if f is not None}
    parts = [name] if "fy" in fields else []
    if "year" in fields:
        parts.append(str(year))
    return " ".join(parts) or "*"


def _duplicates(rows: Iterable[tuple[str, str, str]]) -> dict[tuple[str, str], list[str]]:
    """(book, key) -> the ids of the rows sharing it, for keys held more than once."""
    seen: dict[tuple[str, str], list[str]] = {}
    for book, row_id, key in rows:
        seen.setdefault((book, key), []).append(row_id)
    return {key: sorted(ids) for key, ids in sorted(seen.items()) if len(ids) > 1}


def _refuse(clashes: dict[tuple[str, str], list[str]], what: str, rows: str) -> None:
    if not clashes:
        return
    (book, key), ids = next(iter(clashes.items()))
    more = f" (and {len(clashes) - 1} more)" if len(clashes) > 1 else ""
    raise SchemaError(
        f"cannot make {what} unique: in book {book!r} the {rows} {', '.join(ids)} share "
        f"{key!r}{more}; change all but one with the previous version and upgrade again",
        field="number" if rows == "payments" else "code", value=key)


def _bodies(conn: Any, table: str, field: str) -> list[tuple[str, str, str]]:
    out = []
    for book, row_id, body in conn.execute(
            sa.text(f"SELECT book, id, body FROM {table} ORDER BY book, id")):
        value = str(json.loads(body).get(field) or "").strip()
        if value:
            out.append((str(book), str(row_id), value))
    return out


def _moved_counters(conn: Any) -> dict[tuple[str, str, str], int]:
    """(book, series, printed key) -> the value a counter kept under a fiscal year's name
    carries there (the highest, when several fiscal years print the same key)."""
    years: dict[tuple[str, str], int] = {}
    for book, name, start in conn.execute(
            sa.text("SELECT book, name, start_date FROM ledger_fiscal_years")):
        day = start if isinstance(start, date) else date.fromisoformat(str(start))
        years[str(book), str(name)] = day.year
    patterns: dict[str, dict[str, str]] = {}
    for book, body in conn.execute(sa.text("SELECT book, body FROM documents_settings")):
        patterns[str(book)] = {str(k): str(v) for k, v in json.loads(body).get("patterns", [])}
    moved: dict[tuple[str, str, str], int] = {}
    for book, series, key, value in conn.execute(
            sa.text(f"SELECT book, series, fiscal_year, value FROM {_COUNTERS}")):
        year = years.get((str(book), str(key)))
        pattern = patterns.get(str(book), {}).get(str(series)) or _DEFAULTS.get(str(series))
        if year is None or pattern is None:
            continue  # not a fiscal year's name, or a series this revision does not know
        target = (str(book), str(series), _printed(pattern, str(key), year))
        if target[2] != key:
            moved[target] = max(moved.get(target, 0), int(value))
    return moved


def upgrade() -> None:
    """Refuse shared keys, add and fill the key columns and their unique indexes, then
    carry the counters kept under a fiscal year's name to their printed period."""
    conn = op.get_bind()
    numbers = _bodies(conn, _PAYMENTS, "number")
    _refuse(_duplicates(numbers), "payment numbers", "payments")
    codes = [(book, row_id, code.casefold()) for book, row_id, code in
             _bodies(conn, _PARTIES, "code")]
    _refuse(_duplicates(codes), "party codes ignoring case", "parties")
    op.add_column(_PAYMENTS, sa.Column("number", sa.String(), nullable=True))
    op.add_column(_PARTIES, sa.Column("code_key", sa.String(), nullable=True))
    for table, column, rows in ((_PAYMENTS, "number", numbers), (_PARTIES, "code_key", codes)):
        t = sa.table(table, sa.column("book", sa.String()), sa.column("id", sa.String()),
                     sa.column(column, sa.String()))
        for book, row_id, key in rows:
            conn.execute(t.update().where(t.c.book == book, t.c.id == row_id)
                         .values({column: key}))
    op.create_index(_NUMBER_INDEX, _PAYMENTS, ["book", "number"], unique=True)
    op.create_index(_CODE_INDEX, _PARTIES, ["book", "code_key"], unique=True)
    counters = sa.table(_COUNTERS, sa.column("book", sa.String()),
                        sa.column("series", sa.String()), sa.column("fiscal_year", sa.String()),
                        sa.column("value", sa.BigInteger()))
    for (book, series, key), value in sorted(_moved_counters(conn).items()):
        where = (counters.c.book == book, counters.c.series == series,
                 counters.c.fiscal_year == key)
        held = conn.execute(sa.select(counters.c.value).where(*where)).scalar()
        if held is None:
            conn.execute(counters.insert().values(book=book, series=series, fiscal_year=key,
                                                  value=value))
        elif int(held) < value:
            conn.execute(counters.update().where(*where).values(value=value))


def downgrade() -> None:
    """Drop the indexes and the columns (batch mode: SQLite rebuilds the tables); the
    counters stay where the upgrade carried them (higher values number nothing twice)."""
    op.drop_index(_CODE_INDEX, table_name=_PARTIES)
    op.drop_index(_NUMBER_INDEX, table_name=_PAYMENTS)
    with op.batch_alter_table(_PARTIES) as batch:
        batch.drop_column("code_key")
    with op.batch_alter_table(_PAYMENTS) as batch:
        batch.drop_column("number")
