"""The bulk and compact reads and writes of the SQL documents repository (internal).

:class:`~backoffice_core.adapters.sql.documents.SqlDocumentsRepository` delegates
its port methods for many documents at once here:

* :func:`get_documents`: one ``SELECT ... WHERE id IN (...)`` per chunk of ids
  (``= ANY(array)`` on PostgreSQL: one statement for any number);
* :func:`add_documents`: the same for new documents (ids and numbers free), then
  one ``executemany`` of ``INSERT`` statements;
* :func:`update_documents`: every check first, under the book's write lock (the
  stored versions and the numbers taken, each read with one statement per
  chunk), then one ``executemany`` of versioned ``UPDATE`` statements and the
  references rewritten in bulk, so a refused batch writes nothing;
* :func:`find_open_documents`: the aging's compact read, the few fields it needs
  taken out of the stored JSON by the database (``json_extract`` on SQLite,
  ``jsonb`` operators on PostgreSQL) instead of decoding whole documents.

Example:
    >>> from backoffice_core.adapters.sql import SqlStore
    >>> with SqlStore("sqlite://")("acme") as uow:
    ...     uow.documents.get_documents(["d-1"]), uow.documents.find_open_documents(
    ...         Direction.SALES)
    ({}, [])
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterator, Sequence
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from backoffice_core.adapters.sql.bulk import BulkInsert
from backoffice_core.adapters.sql.documents_mappers import decode, decode_without_totals
from backoffice_core.documents.model import Direction, Document, DocumentType
from backoffice_core.documents.repository import OpenDocument
from backoffice_core.errors import (
    BackofficeError,
    ConcurrencyError,
    DuplicateError,
    NotFoundError,
    ValidationError,
)
from backoffice_core.money import Money

if TYPE_CHECKING:
    from backoffice_core.adapters.sql.documents import SqlDocumentsRepository

__all__ = ["add_documents", "find_open_documents", "get_documents", "update_documents"]

#: ids per ``IN (...)`` on SQLite (older builds allow 999 parameters per statement)
CHUNK = 900
_TYPES = {t.value: t for t in DocumentType}
# The fields as written today (compact: "2026-02-04", ["14661.70","EUR"]) and as rows
# written before compact fields hold them ({"@":"d","v":...}, {"@":"$","a":...,"c":...}):
# a path into the other layout finds nothing, so each pair has one value (or none).
_PATHS = ("due_date", "due_date.v", "open_amount[0]", "open_amount.a", "open_amount[1]",
          "open_amount.c", "open_functional[0]", "open_functional.a", "open_functional[1]",
          "open_functional.c",
          # a second instalment (either layout): such a document is read whole, for its
          # schedule (OpenDocument.instalments); the others need no more than the above
          "payment_terms.instalments[1].days", "payment_terms.instalments.v[1].days")
# one json_extract with all paths: SQLite parses each body once and returns a JSON array
_OPEN_SQLITE = (
    "SELECT id, type, number, party_id, doc_date, json_extract(body, "
    + ", ".join(f"'$.{path}'" for path in _PATHS)
    + ") FROM documents_documents WHERE {where}")
# OFFSET 0 keeps the subquery: each body is parsed into jsonb once, not once per field
_OPEN_PG = (
    "SELECT id, type, number, party_id, doc_date, json_build_array("
    + ", ".join("j #>> '{{" + path.replace("[", ",").replace("]", "").replace(".", ",")
                + "}}'" for path in _PATHS)
    + ")::text FROM (SELECT id, type, number, party_id, doc_date, "
    "body::jsonb AS j FROM documents_documents WHERE {where} OFFSET 0) AS open_documents")


def _chunks(items: Sequence[Any], size: int = CHUNK) -> Iterator[Sequence[Any]]:
    for i in range(0, len(items), size):
        yield items[i:i + size]


def _select_in(repo: SqlDocumentsRepository, columns: str, key: str, values: Sequence[str],
               action: str) -> list[Any]:
    """Rows of ``documents_documents`` whose ``key`` is one of ``values``."""
    if repo._strict:  # PostgreSQL holds no text with NUL: such a value matches nothing
        values = [v for v in values if "\x00" not in v]
    if not values:
        return []
    if repo._pg:
        return repo._read(f"SELECT {columns} FROM documents_documents WHERE book = ? "
                          f"AND {key} = ANY(?)", (repo._book, list(values)), action)
    rows: list[Any] = []
    for part in _chunks(values):
        marks = ", ".join("?" for _ in part)
        rows += repo._read(f"SELECT {columns} FROM documents_documents WHERE book = ? "
                           f"AND {key} IN ({marks})", (repo._book, *part), action)
    return rows


def get_documents(repo: SqlDocumentsRepository, document_ids: Collection[str], *,
                  totals: bool = True) -> dict[str, Document]:
    """The stored documents among ``document_ids``, by id (``totals=False``: without their
    stored totals, see :func:`~.documents_mappers.decode_without_totals`)."""
    wanted = list(dict.fromkeys(i for i in document_ids if type(i) is str))
    rows = _select_in(repo, "id, body", "id", wanted, "reading documents")
    read = decode if totals else decode_without_totals
    found = {r[0]: read(r[1]) for r in rows}
    return {i: found[i] for i in wanted if i in found}


def _claim_number(numbers: dict[str, int], doc: Any, at: str, i: int) -> None:
    """Record ``doc``'s number for position ``i``; a number twice in one call (whatever
    the types: a number is one document's in its book) is refused, naming
    ``<at>.number``."""
    if doc.number is None:
        return
    key = doc.number
    if key in numbers:
        raise DuplicateError(f"{doc.type.label} number already used", field=f"{at}.number",
                             value=doc.number)
    numbers[key] = i


def _prefixed(err: BackofficeError, i: int, what: str = "changes") -> BackofficeError:
    err.field = f"{what}[{i}].{err.field}" if err.field else f"{what}[{i}]"
    return err


def add_documents(repo: SqlDocumentsRepository, documents: Sequence[Document],
                  insert_sql: str, insert_ref: BulkInsert) -> None:
    """Store many new documents at once, all or none (see the port).

    Every check first, under the book's write lock (ids and numbers given twice,
    or already stored, each read with one statement per chunk), then one
    ``executemany`` of the repository's ``insert_sql`` and the references in bulk.
    """
    if not documents:
        return
    params: list[tuple[Any, ...]] = []
    ids: dict[str, int] = {}
    numbers: dict[str, int] = {}
    for i, doc in enumerate(documents):
        try:
            params.append((repo._book, doc.id, *repo._doc_params(doc)))
        except ValidationError as err:
            raise _prefixed(err, i, "documents") from None
        if doc.id in ids:
            raise DuplicateError("document id already exists", field=f"documents[{i}].id",
                                 value=doc.id)
        ids[doc.id] = i
        _claim_number(numbers, doc, f"documents[{i}]", i)
    repo._uow.writing()  # the checks below hold until commit: no writer can interleave
    taken = [ids[r[0]] for r in _select_in(repo, "id", "id", list(ids), "checking document ids")]
    if taken:
        doc = documents[min(taken)]
        raise DuplicateError("document id already exists", field=f"documents[{min(taken)}].id",
                             value=doc.id)
    used = [numbers[number] for (number,) in
            _select_in(repo, "number", "number", list(numbers), "checking document numbers")
            if number in numbers]
    if used:
        doc = documents[min(used)]
        raise DuplicateError(f"{doc.type.label} number already used",
                             field=f"documents[{min(used)}].number", value=doc.number)
    cursor = repo._uow.writing()
    with repo._uow.guard("adding documents"):
        cursor.executemany(repo._sql(insert_sql), params)
        added = int(cursor.rowcount)
    if added != len(params):  # cannot happen under the lock; refuse rather than guess
        raise DuplicateError("documents were added while they were written",
                             field="documents", value=added)
    repo._bulk(insert_ref, [(repo._book, d.id, i, r.document_id) for d in documents
                            for i, r in enumerate(d.references)], "storing document references")


def update_documents(repo: SqlDocumentsRepository, changes: Sequence[tuple[Document, int]],
                     update_sql: str, insert_ref: BulkInsert) -> None:
    """Replace many documents at once, all or none (see the port).

    ``update_sql`` is the repository's versioned ``UPDATE`` of one document and
    ``insert_ref`` its insert of reference rows.
    """
    if not changes:
        return
    params: list[tuple[Any, ...]] = []
    ids: dict[str, int] = {}
    numbers: dict[str, int] = {}
    for i, (doc, expected) in enumerate(changes):
        try:
            params.append((*repo._doc_params(doc), repo._book, doc.id, expected))
        except ValidationError as err:
            raise _prefixed(err, i) from None
        if doc.id in ids:
            raise ValidationError("a document is updated once per call",
                                  field=f"changes[{i}].id", value=doc.id)
        ids[doc.id] = i
        _claim_number(numbers, doc, f"changes[{i}]", i)
    repo._uow.writing()  # the checks below hold until commit: no writer can interleave
    stored = {r[0]: int(r[1]) for r in _select_in(repo, "id, version", "id", list(ids),
                                                  "reading documents")}
    for i, (doc, expected) in enumerate(changes):
        if doc.id not in stored:
            raise NotFoundError("no such document", field=f"changes[{i}].document_id",
                                value=doc.id)
        if stored[doc.id] != expected:
            raise ConcurrencyError("document changed since it was read",
                                   field=f"changes[{i}].version", value=expected)
    for number, holder in _select_in(repo, "number, id", "number", list(numbers),
                                     "checking document numbers"):
        at = numbers.get(number)
        if at is not None and holder != changes[at][0].id:
            raise DuplicateError(f"{changes[at][0].type.label} number already used",
                                 field=f"changes[{at}].number", value=number)
    cursor = repo._uow.writing()
    with repo._uow.guard("updating documents"):
        cursor.executemany(repo._sql(update_sql), params)
        updated = int(cursor.rowcount)
    if updated != len(params):  # cannot happen under the lock; refuse rather than guess
        raise ConcurrencyError("documents changed while they were written",
                               field="changes", value=updated)
    _rewrite_references(repo, [doc for doc, _ in changes], insert_ref)


def _rewrite_references(repo: SqlDocumentsRepository, docs: Sequence[Document],
                        insert_ref: BulkInsert) -> None:
    cursor = repo._uow.writing()
    book = repo._book
    with repo._uow.guard("updating document references"):
        if repo._pg:
            cursor.execute(repo._sql("DELETE FROM documents_references WHERE book = ? "
                                     "AND document_id = ANY(?)"), (book, [d.id for d in docs]))
        else:
            cursor.executemany("DELETE FROM documents_references WHERE book = ? "
                               "AND document_id = ?", [(book, d.id) for d in docs])
    repo._bulk(insert_ref, [(book, d.id, i, r.document_id) for d in docs
                            for i, r in enumerate(d.references)], "storing document references")


def _money(amount: str | None, code: str | None) -> Money | None:
    return None if amount is None or code is None else Money(Decimal(amount), code)


def find_open_documents(repo: SqlDocumentsRepository, direction: Direction,
                        end: date | None = None,
                        party_id: str | None = None) -> list[OpenDocument]:
    """The open documents of one side, read without decoding whole bodies."""
    cond = ["book = ?", "is_open = ?", "direction = ?"]
    params: list[Any] = [repo._book, True, Direction(direction).value]
    if end is not None:
        cond.append("doc_date <= ?")
        params.append(repo._day(end))
    if party_id is not None:
        cond.append("party_id = ?")
        params.append(party_id)
    sql = (_OPEN_PG if repo._pg else _OPEN_SQLITE).format(where=" AND ".join(cond))
    out: list[OpenDocument] = []
    scheduled: dict[str, int] = {}  # documents of several instalments: their place in out
    day, loads = date.fromisoformat, json.loads
    for doc_id, kind, number, party, doc_date, fields in repo._read(sql, params,
                                                                    "reading open documents"):
        due, due_v, amount, amount_a, code, code_c, fn_amount, fn_a, fn_code, fn_c, \
            second, second_v = loads(fields)
        if due_v is not None:  # a row written with every leaf tagged
            due = due_v
        amount, code = amount or amount_a, code or code_c
        fn_amount, fn_code = fn_amount or fn_a, fn_code or fn_c
        open_amount = _money(amount, code)
        if open_amount is None:
            continue
        if second is not None or second_v is not None:
            scheduled[doc_id] = len(out)
        out.append(OpenDocument(doc_id, _TYPES[kind], number or "", party,
                                doc_date if isinstance(doc_date, date) else day(doc_date),
                                None if due is None else day(due), open_amount,
                                _money(fn_amount, fn_code)))
    if scheduled:  # few: most documents fall due at once
        for doc_id, doc in get_documents(repo, list(scheduled)).items():
            out[scheduled[doc_id]] = OpenDocument.of(doc)
    return out
