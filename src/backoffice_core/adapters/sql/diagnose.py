"""Name the entry behind a unique-key violation.

``add_entries`` inserts a whole batch with ``executemany`` under a savepoint.
When a unique index refuses a row, the driver says which index but not which
row; after the savepoint is rolled back this module asks the store which of
the batch's ids, idempotency keys, resolved entries, reversed entries and chain
positions are taken (by stored entries, or by earlier entries of the same
batch), and names the first offender exactly as the reference adapter would.

Example:
    >>> from backoffice_core.adapters.sql import SqlStore
    >>> from backoffice_core.ledger.entries import JournalEntry
    >>> from datetime import date
    >>> store = SqlStore("sqlite://")
    >>> with store("b") as uow:
    ...     uow.ledger.add_entries([JournalEntry("e1", 1, date(2026, 1, 1), "x", ())])
    ...     uow.ledger.add_entries([JournalEntry("e1", 2, date(2026, 1, 1), "y", ())])
    Traceback (most recent call last):
    ...
    backoffice_core.errors.DuplicateError: id='e1': entry id already exists
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from backoffice_core.errors import BackofficeError, ConcurrencyError, DuplicateError
from backoffice_core.ledger.entries import RESOLUTIONS, EntryKind, JournalEntry

if TYPE_CHECKING:
    from backoffice_core.adapters.sql.store import SqlUnitOfWork

__all__ = ["diagnose_duplicate"]

_CHUNK = 500


def _taken(uow: SqlUnitOfWork, column: str, values: Iterable[Any], extra: str = "") -> set[Any]:
    wanted = list(dict.fromkeys(values))
    found: set[Any] = set()
    cursor = uow.reading()
    for i in range(0, len(wanted), _CHUNK):
        chunk = wanted[i:i + _CHUNK]
        marks = ", ".join("?" for _ in chunk)
        sql = (f"SELECT {column} FROM ledger_entries WHERE book = ? AND {column} IN ({marks})"
               f"{extra}")
        cursor.execute(uow.sql(sql), (uow.book, *chunk))
        found.update(r[0] for r in cursor.fetchall())
    return found


def diagnose_duplicate(
    uow: SqlUnitOfWork, entries: Sequence[JournalEntry], mapped: BackofficeError
) -> BackofficeError:
    """The error to raise for ``mapped`` (translated), seen while adding ``entries``.

    Call it after rolling back the savepoint, so the unit of work is usable.

    Example:
        >>> from backoffice_core.adapters.sql import SqlStore
        >>> from datetime import date
        >>> with SqlStore("sqlite://")("b") as uow:
        ...     found = diagnose_duplicate(uow, [JournalEntry("e9", 1, date(2026, 1, 1), "x", ())],
        ...                                DuplicateError("already exists", field="id"))
        >>> found.field, found.value
        ('id', None)
    """
    if not isinstance(mapped, DuplicateError):
        return mapped
    try:
        with uow.guard("diagnosing a duplicate entry"):
            ids = _taken(uow, "id", (e.id for e in entries))
            keys = _taken(uow, "idempotency_key",
                          (e.idempotency_key for e in entries if e.idempotency_key is not None))
            related = [e.related for e in entries if e.related is not None]
            resolved = _taken(uow, "related", related,
                              " AND kind IN ('pending_post', 'pending_void', 'pending_expire')")
            reversed_ = _taken(uow, "related", related, " AND kind = 'reversal'")
            seqs = _taken(uow, "seq", (e.seq for e in entries))
    except BackofficeError as err:
        return err
    for e in entries:
        if e.id in ids:
            return DuplicateError("entry id already exists", field="id", value=e.id)
        if e.idempotency_key is not None and e.idempotency_key in keys:
            return DuplicateError("idempotency key already used", field="idempotency_key",
                                  value=e.idempotency_key)
        if e.kind in RESOLUTIONS and e.related is not None and e.related in resolved:
            return DuplicateError("pending entry already resolved", field="related",
                                  value=e.related)
        if e.kind is EntryKind.REVERSAL and e.related is not None and e.related in reversed_:
            return DuplicateError("entry already reversed", field="related", value=e.related)
        if e.seq in seqs:
            return ConcurrencyError("another entry already holds this place in the chain "
                                    "(was last_entry() called first?)", field="seq",
                                    value=e.seq)
        ids.add(e.id)
        seqs.add(e.seq)
        if e.idempotency_key is not None:
            keys.add(e.idempotency_key)
        if e.related is not None:
            if e.kind in RESOLUTIONS:
                resolved.add(e.related)
            elif e.kind is EntryKind.REVERSAL:
                reversed_.add(e.related)
    return mapped
