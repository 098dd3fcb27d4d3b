"""Documents: a stock hand-over's id is unique in its book.

``documents_handovers.id`` holds the hand-over's id, copied from its JSON body, under
the unique index ``ux_documents_handovers_id`` on ``(book, id)``. An id is a hand-over's
identity: the stock moves it made carry it (``inv_moves.handover``), and returning a
goods receipt matches its moves by it, so two hand-overs sharing one id would let a
return take another document's stock.

Ids come from the host's id generator (``TimeOrderedIds`` by default), so a database
holds no shared id from normal use; one written with a generator that repeated ids
(``SequentialIds`` restarted over a kept database) is not changed: the upgrade stops
with a :class:`~backoffice_core.errors.SchemaError` naming the book and the id, as
``0008_document_keys`` does for payment numbers.

Revision ID: 0013_handover_id
Revises: 0012_year_closed_periods
Create Date: 2026-11-29

Example:
    >>> revision, down_revision
    ('0013_handover_id', '0012_year_closed_periods')
"""

from __future__ import annotations

import json

import sqlalchemy as sa
from alembic import op

from backoffice_core.errors import SchemaError

revision: str = "0013_handover_id"
down_revision: str | None = "0012_year_closed_periods"
branch_labels: str | None = None
depends_on: str | None = None

__all__ = ["downgrade", "upgrade"]

_TABLE, _INDEX = "documents_handovers", "ux_documents_handovers_id"


def upgrade() -> None:
    """Refuse shared ids, then add and fill ``id`` and its unique index."""
    conn = op.get_bind()
    rows: list[tuple[str, int, str]] = []
    seen: dict[tuple[str, str], int] = {}
    for book, seq, body in conn.execute(
            sa.text(f"SELECT book, seq, body FROM {_TABLE} ORDER BY book, seq")):
        handover_id = str(json.loads(body)["id"])
        key = (str(book), handover_id)
        if key in seen:
            raise SchemaError(
                f"cannot make hand-over ids unique: in book {book!r} the hand-overs "
                f"{seen[key]} and {seq} (by seq) share the id {handover_id!r}",
                field="id", value=handover_id)
        seen[key] = int(seq)
        rows.append((str(book), int(seq), handover_id))
    op.add_column(_TABLE, sa.Column("id", sa.String(), nullable=True))
    t = sa.table(_TABLE, sa.column("book", sa.String()), sa.column("seq", sa.BigInteger()),
                 sa.column("id", sa.String()))
    for book, seq, handover_id in rows:
        conn.execute(t.update().where(t.c.book == book, t.c.seq == seq)
                     .values(id=handover_id))
    op.create_index(_INDEX, _TABLE, ["book", "id"], unique=True)


def downgrade() -> None:
    """Drop the index and the column (batch mode: SQLite rebuilds the table)."""
    op.drop_index(_INDEX, table_name=_TABLE)
    with op.batch_alter_table(_TABLE) as batch:
        batch.drop_column("id")
