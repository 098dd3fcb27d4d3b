"""Documents: a party's code is unique in its book (column ``code`` and a unique index).

Until now the code lived only in the party's JSON body, and two parties of one
book could share it. The upgrade copies each code into the new nullable column
``documents_parties.code`` (``NULL`` for a party without one) and adds the unique
index ``ux_documents_parties_code`` on ``(book, code)``.

A database where two parties of one book already share a code is not changed:
the upgrade stops with a :class:`~backoffice_core.errors.SchemaError` naming the
book, the code and the parties, because choosing which party keeps the code is
the user's decision. Give them distinct codes (or clear one) with the previous
version, then upgrade again.

Revision ID: 0007_party_code_unique
Revises: 0006_inventory_rollup_range
Create Date: 2026-11-29

Example:
    >>> revision, down_revision
    ('0007_party_code_unique', '0006_inventory_rollup_range')
    >>> _duplicates([("b", "p-1", "C-1"), ("b", "p-2", "C-1"), ("c", "p-3", "C-1")])
    {('b', 'C-1'): ['p-1', 'p-2']}
"""

from __future__ import annotations

import json
from collections.abc import Iterable

import sqlalchemy as sa
from alembic import op

from backoffice_core.errors import SchemaError

revision: str = "0007_party_code_unique"
down_revision: str | None = "0006_inventory_rollup_range"
branch_labels: str | None = None
depends_on: str | None = None

__all__ = ["downgrade", "upgrade"]

_TABLE = "documents_parties"
_INDEX = "ux_documents_parties_code"


def _duplicates(rows: Iterable[tuple[str, str, str]]) -> dict[tuple[str, str], list[str]]:
    """(book, code) -> the ids of the parties sharing it, for codes held more than once."""
    seen: dict[tuple[str, str], list[str]] = {}
    for book, party_id, code in rows:
        seen.setdefault((book, code), []).append(party_id)
    return {key: sorted(ids) for key, ids in sorted(seen.items()) if len(ids) > 1}


def upgrade() -> None:
    """Add ``code``, fill it from each body, refuse duplicates, then add the unique index."""
    conn = op.get_bind()
    rows = []
    for book, party_id, body in conn.execute(
            sa.text(f"SELECT book, id, body FROM {_TABLE} ORDER BY book, id")):
        code = str(json.loads(body).get("code") or "").strip()
        if code:
            rows.append((str(book), str(party_id), code))
    clashes = _duplicates(rows)
    if clashes:
        (book, code), ids = next(iter(clashes.items()))
        more = f" (and {len(clashes) - 1} more shared codes)" if len(clashes) > 1 else ""
        raise SchemaError(
            f"cannot make party codes unique: in book {book!r} the parties {', '.join(ids)} "
            f"share the code {code!r}{more}; give them distinct codes (or clear one) and "
            "upgrade again", field="code", value=code)
    op.add_column(_TABLE, sa.Column("code", sa.String(), nullable=True))
    table = sa.table(_TABLE, sa.column("book", sa.String()), sa.column("id", sa.String()),
                     sa.column("code", sa.String()))
    for book, party_id, code in rows:
        conn.execute(table.update().where(table.c.book == book, table.c.id == party_id)
                     .values(code=code))
    op.create_index(_INDEX, _TABLE, ["book", "code"], unique=True)


def downgrade() -> None:
    """Drop the index and the column (batch mode: SQLite rebuilds the table)."""
    op.drop_index(_INDEX, table_name=_TABLE)
    with op.batch_alter_table(_TABLE) as batch:
        batch.drop_column("code")
