"""Documents: a document number unique in its book, whatever the document's type.

The service has refused a number another type already holds since patterns may print
alike (``numbering.may_print_alike``), but the table's unique constraint
``uq_documents_documents_number`` is per ``(book, type, number)``: two issues of
different types running at once could both find the number free. The unique index
``ux_documents_documents_number`` on ``(book, number)`` closes that race in the
database. A draft has no number (``NULL``), and ``NULL`` never clashes, so any number
of drafts stay allowed.

A database where two documents of one book (of different types: the old constraint
kept those of one type apart) share a number is not changed: the upgrade stops with a
:class:`~backoffice_core.errors.SchemaError` naming the book, the number and the
documents, because which one keeps it is the user's decision (reissue the other under
a new number with the previous version).

Revision ID: 0009_document_number_unique
Revises: 0008_document_keys
Create Date: 2026-11-28

Example:
    >>> revision, down_revision
    ('0009_document_number_unique', '0008_document_keys')
    >>> _clashes([("acme", "d-1", "7"), ("acme", "d-2", "7"), ("other", "d-3", "7")])
    {('acme', '7'): ['d-1', 'd-2']}
"""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa
from alembic import op

from backoffice_core.errors import SchemaError

revision: str = "0009_document_number_unique"
down_revision: str | None = "0008_document_keys"
branch_labels: str | None = None
depends_on: str | None = None

__all__ = ["downgrade", "upgrade"]

_DOCUMENTS, _INDEX = "documents_documents", "ux_documents_documents_number"


def _clashes(rows: Iterable[tuple[str, str, str]]) -> dict[tuple[str, str], list[str]]:
    """(book, number) -> the ids of the documents sharing it, for numbers held twice."""
    seen: dict[tuple[str, str], list[str]] = {}
    for book, doc_id, number in rows:
        seen.setdefault((book, number), []).append(doc_id)
    return {key: sorted(ids) for key, ids in sorted(seen.items()) if len(ids) > 1}


def upgrade() -> None:
    """Refuse numbers two documents of a book share, then add the unique index."""
    conn = op.get_bind()
    rows = conn.execute(sa.text(
        f"SELECT book, id, number FROM {_DOCUMENTS} WHERE number IS NOT NULL "
        "ORDER BY book, id"))
    clashes = _clashes((str(book), str(doc_id), str(number)) for book, doc_id, number in rows)
    if clashes:
        (book, number), ids = next(iter(clashes.items()))
        more = f" (and {len(clashes) - 1} more)" if len(clashes) > 1 else ""
        raise SchemaError(
            f"cannot make document numbers unique in their book: in book {book!r} the "
            f"documents {', '.join(ids)} share {number!r}{more}; give all but one another "
            "number with the previous version and upgrade again", field="number",
            value=number)
    op.create_index(_INDEX, _DOCUMENTS, ["book", "number"], unique=True)


def downgrade() -> None:
    """Drop the index (the per-type constraint stays)."""
    op.drop_index(_INDEX, table_name=_DOCUMENTS)
