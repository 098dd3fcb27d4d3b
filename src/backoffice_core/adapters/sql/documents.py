"""The documents repository over SQL: :class:`SqlDocumentsRepository`.

It mirrors the reference adapter (:mod:`backoffice_core.adapters.memory_documents`)
method by method, on the tables of :mod:`~backoffice_core.adapters.sql.documents_tables`.
Everything runs in the unit of work's transaction and is scoped by its book:

* reads begin a snapshot; every write makes the unit of work the book's writer
  (the book's write lock, see :mod:`backoffice_core.adapters.sql.store`), so
  the checks a write makes before it changes a row (a taken number, a stale
  version) cannot race another writer of the book;
* new rows go in with ``INSERT ... ON CONFLICT DO NOTHING`` and a row count: a
  taken id or document number raises :class:`~backoffice_core.errors.DuplicateError`
  naming the field and value, and the unit of work stays usable;
* versioned rows change with ``UPDATE ... WHERE version = :expected``: a stale
  write raises :class:`~backoffice_core.errors.ConcurrencyError` and changes nothing;
* numbering is gapless: :meth:`~SqlDocumentsRepository.next_numbers` is one
  ``INSERT ... ON CONFLICT DO UPDATE SET value = value + :count RETURNING value``
  in the issuing transaction, so a rollback gives the numbers back and the row
  (and the book's lock) is held until commit;
* many documents are read and replaced at once by
  :mod:`~backoffice_core.adapters.sql.documents_bulk` (issuing in bulk), which
  also reads the aging's open items without decoding whole documents.

Example:
    >>> from backoffice_core.adapters.sql import SqlStore
    >>> store = SqlStore("sqlite://")
    >>> with store("acme") as uow:
    ...     first = uow.documents.next_number("sales_invoice", "2026")
    ...     uow.commit()
    >>> with store("acme") as uow:
    ...     second = uow.documents.next_number("sales_invoice", "2026")  # rolled back
    >>> with store("acme") as uow:
    ...     third = uow.documents.next_number("sales_invoice", "2026")
    >>> first, second, third
    (1, 2, 2)
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

from backoffice_core.adapters.sql import documents_bulk as bulk
from backoffice_core.adapters.sql import documents_tables as t
from backoffice_core.adapters.sql.bulk import BulkInsert
from backoffice_core.adapters.sql.documents_mappers import decode, encode
from backoffice_core.adapters.sql.guards import check_text
from backoffice_core.documents.model import Direction, Document, DocumentType, StockHandover
from backoffice_core.documents.parties import Party
from backoffice_core.documents.payments import Allocation, Payment
from backoffice_core.documents.repository import DocumentQuery, OpenDocument
from backoffice_core.documents.settings import DocumentSettings
from backoffice_core.errors import (
    ConcurrencyError,
    DuplicateError,
    NotFoundError,
    ValidationError,
)

if TYPE_CHECKING:
    from backoffice_core.adapters.sql.store import SqlUnitOfWork

__all__ = ["SqlDocumentsRepository"]

_DOC_COLUMNS = ("id", "type", "number", "party_id", "doc_date", "state", "direction",
                "archived", "is_open", "version", "body")
_PAY_COLUMNS = ("id", "party_id", "pay_date", "side", "is_open", "version", "body", "number")


def _insert(table: str, columns: Sequence[str], tail: str = " ON CONFLICT DO NOTHING") -> str:
    marks = ", ".join("?" for _ in columns)
    return f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks}){tail}"


def _update(table: str, columns: Sequence[str], key: str = "id") -> str:
    sets = ", ".join(f"{c} = ?" for c in columns)
    return f"UPDATE {table} SET {sets} WHERE book = ? AND {key} = ? AND version = ?"


_INSERT_SETTINGS = _insert("documents_settings", ("book", "body", "version"))
_UPDATE_SETTINGS = ("UPDATE documents_settings SET body = ?, version = ? "
                    "WHERE book = ? AND version = ?")
_INSERT_PARTY = _insert("documents_parties", ("book", "id", "legal_name", "archived",
                                              "version", "body", "code", "code_key"))
_UPDATE_PARTY = _update("documents_parties",
                        ("legal_name", "archived", "version", "body", "code", "code_key"))
_INSERT_DOC = _insert("documents_documents", ("book", *_DOC_COLUMNS))
_UPDATE_DOC = _update("documents_documents", _DOC_COLUMNS[1:])
_INSERT_REF = BulkInsert(t.references, ("book", "document_id", "position", "source_id"))
_INSERT_PAY = _insert("documents_payments", ("book", *_PAY_COLUMNS))
_UPDATE_PAY = _update("documents_payments", _PAY_COLUMNS[1:])
_INSERT_ALLOC = _insert("documents_allocations", ("book", "id", "alloc_date", "body"))
_INSERT_ITEM = BulkInsert(t.allocation_items, ("book", "item_id", "allocation_id"),
                          " ON CONFLICT DO NOTHING")
_INSERT_HANDOVER = BulkInsert(t.handovers, ("book", "seq", "document_id", "body", "id"))
_NEXT = ("INSERT INTO documents_counters (book, series, fiscal_year, value) "
         "VALUES (?, ?, ?, ?) ON CONFLICT (book, series, fiscal_year) "
         "DO UPDATE SET value = documents_counters.value + ? RETURNING value")


def _marks(values: Sequence[Any]) -> str:
    return ", ".join("?" for _ in values)


class SqlDocumentsRepository:
    """The documents port on SQL tables, scoped to its unit of work's book."""

    def __init__(self, uow: SqlUnitOfWork) -> None:
        self._uow = uow
        self._book = uow.book
        self._sql = uow.sql
        self._day = uow.day_param
        self._strict = uow.strict
        self._pg = uow.postgresql
        # ids sort by code point, like the reference adapter, whatever the database's locale
        self._c = ' COLLATE "C"' if uow.postgresql else ""

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

    def _bulk(self, statement: BulkInsert, rows: Sequence[Sequence[Any]], action: str) -> None:
        if not rows:
            return
        cursor = self._uow.writing()
        with self._uow.guard(action), self._uow.batch():
            statement.run(cursor, rows, self._pg)

    def _key(self, field: str, value: object) -> None:
        check_text(field, value, key=True, required=True, strict=self._strict)

    def _body(self, sql: str, key: object, action: str) -> Any:
        if type(key) is not str:
            return None  # ids are text: nothing else can be stored
        rows = self._read(sql, (self._book, key), action)
        return decode(rows[0][0]) if rows else None

    # ------------------------------------------------------------------ settings
    def get_settings(self) -> DocumentSettings | None:
        rows = self._read("SELECT body FROM documents_settings WHERE book = ?", (self._book,),
                          "reading document settings")
        return decode(rows[0][0]) if rows else None

    def save_settings(self, settings: DocumentSettings, expected_version: int | None) -> None:
        body = encode(settings)
        if expected_version is None:
            if not self._write(_INSERT_SETTINGS, (self._book, body, settings.version),
                               "creating document settings"):
                raise DuplicateError("document settings already exist", field="version",
                                     value=settings.version)
            return
        if not self._write(_UPDATE_SETTINGS, (body, settings.version, self._book,
                                              expected_version), "saving document settings"):
            raise ConcurrencyError("document settings changed since read", field="version",
                                   value=expected_version)

    # ------------------------------------------------------------------ parties
    def get_party(self, party_id: str) -> Party | None:
        found: Party | None = self._body(
            "SELECT body FROM documents_parties WHERE book = ? AND id = ?", party_id,
            "reading a party")
        return found

    def _party_params(self, party: Party) -> tuple[Any, ...]:
        self._key("id", party.id)
        check_text("legal_name", party.legal_name, required=True, strict=self._strict)
        return (party.legal_name, party.archived, party.version, encode(party),
                party.code or None, party.code_key or None)

    def _code_taken(self, party: Party) -> bool:
        if not party.code:
            return False
        rows = self._read("SELECT id FROM documents_parties WHERE book = ? AND code_key = ?",
                          (self._book, party.code_key), "checking a party code")
        return bool(rows) and rows[0][0] != party.id

    def find_parties_by_code(self, code: str) -> list[Party]:
        """The parties (archived too) whose code is ``code`` ignoring case: one indexed
        read of ``code_key`` (optional in the port)."""
        if not isinstance(code, str) or not code:
            return []
        rows = self._read("SELECT body FROM documents_parties WHERE book = ? AND code_key = ? "
                          "ORDER BY id", (self._book, code.casefold()), "finding a party code")
        return [decode(r[0]) for r in rows]

    def add_party(self, party: Party) -> None:
        row = (self._book, party.id, *self._party_params(party))
        if not self._write(_INSERT_PARTY, row, "adding a party"):
            if self._code_taken(party) and self.get_party(party.id) is None:
                raise DuplicateError("party code already used", field="code",
                                     value=party.code)
            raise DuplicateError("party id already exists", field="id", value=party.id)

    def update_party(self, party: Party, expected_version: int) -> None:
        row = (*self._party_params(party), self._book, party.id, expected_version)
        self._uow.writing()  # the check below holds until commit: no writer can interleave
        if self._code_taken(party):
            raise DuplicateError("party code already used", field="code", value=party.code)
        if not self._write(_UPDATE_PARTY, row, "updating a party"):
            if self.get_party(party.id) is None:
                raise NotFoundError("no such party", field="party_id", value=party.id)
            raise ConcurrencyError("party changed since it was read", field="version",
                                   value=expected_version)

    def find_parties(self, text: str | None = None, tax_id: str | None = None,
                     tag: str | None = None, include_archived: bool = False) -> list[Party]:
        sql = "SELECT body FROM documents_parties WHERE book = ?"
        if not include_archived:
            sql += " AND archived = ?"
        params = (self._book,) if include_archived else (self._book, False)
        found = [p for p in (decode(r[0]) for r in self._read(sql, params, "finding parties"))
                 if p.matches(text, tax_id, tag)]
        return sorted(found, key=lambda p: (p.legal_name.casefold(), p.id))

    # ------------------------------------------------------------------ documents
    def get_document(self, document_id: str) -> Document | None:
        found: Document | None = self._body(
            "SELECT body FROM documents_documents WHERE book = ? AND id = ?", document_id,
            "reading a document")
        return found

    def get_by_number(self, type: DocumentType, number: str) -> Document | None:
        try:
            kind = DocumentType(type).value
        except ValueError:
            return None
        if not isinstance(number, str):
            return None
        rows = self._read("SELECT body FROM documents_documents WHERE book = ? AND type = ? "
                          "AND number = ?", (self._book, kind, number), "reading a document")
        return decode(rows[0][0]) if rows else None

    def _doc_params(self, doc: Document) -> tuple[Any, ...]:
        self._key("id", doc.id)
        self._key("party_id", doc.party_id)
        if doc.number is not None:
            self._key("number", doc.number)
        for i, ref in enumerate(doc.references):
            self._key(f"references[{i}].document_id", ref.document_id)
        return (doc.type.value, doc.number, doc.party_id, self._day(doc.date), doc.state.value,
                doc.direction.value, doc.archived, doc.is_open, doc.version, encode(doc))

    def _number_taken(self, doc: Document) -> bool:
        """Whether another document of the book, of any type, holds ``doc``'s number."""
        rows = self._read("SELECT id FROM documents_documents WHERE book = ? AND number = ?",
                          (self._book, doc.number), "checking a document number")
        return bool(rows) and rows[0][0] != doc.id

    def _references(self, doc: Document, replace: bool) -> None:
        if replace:
            self._write("DELETE FROM documents_references WHERE book = ? AND document_id = ?",
                        (self._book, doc.id), "updating document references")
        self._bulk(_INSERT_REF, [(self._book, doc.id, i, r.document_id)
                                 for i, r in enumerate(doc.references)],
                   "storing document references")

    def add_document(self, document: Document) -> None:
        row = (self._book, document.id, *self._doc_params(document))
        if not self._write(_INSERT_DOC, row, "adding a document"):
            if self.get_document(document.id) is not None:
                raise DuplicateError("document id already exists", field="id",
                                     value=document.id)
            raise DuplicateError(f"{document.type.label} number already used", field="number",
                                 value=document.number)
        self._references(document, replace=False)

    def add_documents(self, documents: Sequence[Document]) -> None:
        """Store many new documents, all or none (optional in the port, see its text)."""
        bulk.add_documents(self, documents, _INSERT_DOC, _INSERT_REF)

    def update_document(self, document: Document, expected_version: int) -> None:
        params = self._doc_params(document)
        self._uow.writing()  # the checks below hold until commit: no writer can interleave
        rows = self._read("SELECT version FROM documents_documents WHERE book = ? AND id = ?",
                          (self._book, document.id), "reading a document")
        if not rows:
            raise NotFoundError("no such document", field="document_id", value=document.id)
        if int(rows[0][0]) != expected_version:
            raise ConcurrencyError("document changed since it was read", field="version",
                                   value=expected_version)
        if document.number is not None and self._number_taken(document):
            raise DuplicateError(f"{document.type.label} number already used", field="number",
                                 value=document.number)
        if not self._write(_UPDATE_DOC, (*params, self._book, document.id, expected_version),
                           "updating a document"):
            raise ConcurrencyError("document changed since it was read", field="version",
                                   value=expected_version)
        self._references(document, replace=True)

    def find_documents(self, query: DocumentQuery) -> list[Document]:
        cond: list[str] = ["book = ?"]
        params: list[Any] = [self._book]
        if query.types:
            cond.append(f"type IN ({_marks(query.types)})")
            params += [DocumentType(x).value for x in query.types]
        if query.states:
            cond.append(f"state IN ({_marks(query.states)})")
            params += [s.value for s in query.states]
        if query.party_id is not None:
            cond.append("party_id = ?")
            params.append(query.party_id)
        if query.direction is not None:
            cond.append("direction = ?")
            params.append(query.direction.value)
        if query.start is not None:
            cond.append("doc_date >= ?")
            params.append(self._day(query.start))
        if query.end is not None:
            cond.append("doc_date <= ?")
            params.append(self._day(query.end))
        if query.archived is not None:
            cond.append("archived = ?")
            params.append(query.archived)
        if query.open_only:
            cond.append("is_open = ?")
            params.append(True)
        if query.source_id is not None and query.source_ids:  # (both: the second filters)
            cond.append("id IN (SELECT document_id FROM documents_references "
                        f"WHERE book = ? AND source_id IN ({_marks(sorted(query.source_ids))}))")
            params += [self._book, *sorted(query.source_ids)]
        sources = [query.source_id] if query.source_id is not None else sorted(query.source_ids)
        if sources:
            # from the references' source index to the documents by primary key: a filter
            # on the documents (their date index in order) would walk the whole book; a
            # document referencing two of them comes twice (DISTINCT: a walk of every
            # reference), so it is kept once below
            sql = ("SELECT body FROM (SELECT document_id FROM documents_references "
                   f"WHERE book = ? AND source_id IN ({_marks(sources)})) r CROSS JOIN "
                   f"documents_documents WHERE id = r.document_id AND {' AND '.join(cond)} ")
            params = [self._book, *sources, *params]
        else:
            sql = f"SELECT body FROM documents_documents WHERE {' AND '.join(cond)} "
        # SQLite takes the date index for the order over a party's own index (then walks
        # every document of the book): ``+doc_date`` leaves it the party's
        by_party = query.party_id is not None and not self._pg and not sources
        sql += f"ORDER BY {'+' if by_party else ''}doc_date, id{self._c}"
        if query.limit is not None and query.text is None and not sources:
            sql += f" LIMIT {max(int(query.limit), 0)}"
        found = [d for d in (decode(r[0]) for r in self._read(sql, params, "finding documents"))
                 if query.matches(d)]
        if sources:
            found = list({d.id: d for d in found}.values())
        return found if query.limit is None else found[:query.limit]

    def get_documents(self, document_ids: Collection[str]) -> dict[str, Document]:
        return bulk.get_documents(self, document_ids)

    def get_documents_to_issue(self, document_ids: Collection[str]) -> dict[str, Document]:
        """``get_documents`` without the stored totals, which issuing computes afresh."""
        return bulk.get_documents(self, document_ids, totals=False)

    def update_documents(self, changes: Sequence[tuple[Document, int]]) -> None:
        bulk.update_documents(self, changes, _UPDATE_DOC, _INSERT_REF)

    def find_open_documents(self, direction: Direction, end: date | None = None,
                            party_id: str | None = None) -> list[OpenDocument]:
        return bulk.find_open_documents(self, direction, end, party_id)

    # ------------------------------------------------------------------ numbering
    def next_number(self, series: str, fiscal_year: str) -> int:
        return self.next_numbers(series, fiscal_year, 1)

    def next_numbers(self, series: str, fiscal_year: str, count: int) -> int:
        if type(count) is not int or count < 1:
            raise ValidationError("reserve at least one number", field="count", value=count)
        self._key("series", series)
        self._key("fiscal_year", fiscal_year)
        cursor = self._uow.writing()
        with self._uow.guard("reserving document numbers"):
            cursor.execute(self._sql(_NEXT), (self._book, series, fiscal_year, count, count))
            return int(cursor.fetchone()[0]) - count + 1

    # ------------------------------------------------------------------ payments
    def get_payment(self, payment_id: str) -> Payment | None:
        found: Payment | None = self._body(
            "SELECT body FROM documents_payments WHERE book = ? AND id = ?", payment_id,
            "reading a payment")
        return found

    def _pay_params(self, p: Payment) -> tuple[Any, ...]:
        self._key("id", p.id)
        self._key("party_id", p.party_id)
        self._key("number", p.number)
        return (p.party_id, self._day(p.date), p.side.value, p.is_open, p.version, encode(p),
                p.number)

    def add_payment(self, payment: Payment) -> None:
        if not self._write(_INSERT_PAY, (self._book, payment.id, *self._pay_params(payment)),
                           "adding a payment"):
            if self.get_payment(payment.id) is None:  # the number, not the id, is taken
                raise DuplicateError("payment number already used", field="number",
                                     value=payment.number)
            raise DuplicateError("payment id already exists", field="id", value=payment.id)

    def get_payment_by_number(self, number: str) -> Payment | None:
        """The payment numbered ``number``, or ``None`` (optional in the port)."""
        found: Payment | None = self._body(
            "SELECT body FROM documents_payments WHERE book = ? AND number = ?", number,
            "reading a payment by number")
        return found

    def update_payment(self, payment: Payment, expected_version: int) -> None:
        row = (*self._pay_params(payment), self._book, payment.id, expected_version)
        if not self._write(_UPDATE_PAY, row, "updating a payment"):
            if self.get_payment(payment.id) is None:
                raise NotFoundError("no such payment", field="payment_id", value=payment.id)
            raise ConcurrencyError("payment changed since it was read", field="version",
                                   value=expected_version)

    def find_payments(self, party_id: str | None = None, open_only: bool = False,
                      side: Direction | None = None) -> list[Payment]:
        cond: list[str] = ["book = ?"]
        params: list[Any] = [self._book]
        if party_id is not None:
            cond.append("party_id = ?")
            params.append(party_id)
        if open_only:
            cond.append("is_open = ?")
            params.append(True)
        if side is not None:
            cond.append("side = ?")
            params.append(side.value)
        rows = self._read(f"SELECT body FROM documents_payments WHERE {' AND '.join(cond)} "
                          f"ORDER BY pay_date, id{self._c}", params, "finding payments")
        return [decode(r[0]) for r in rows]

    # ------------------------------------------------------------------ allocations
    def add_allocation(self, allocation: Allocation) -> None:
        self._key("id", allocation.id)
        for item in allocation.items:
            self._key("item_id", item)
        row = (self._book, allocation.id, self._day(allocation.date), encode(allocation))
        if not self._write(_INSERT_ALLOC, row, "adding an allocation"):
            raise DuplicateError("allocation id already exists", field="id",
                                 value=allocation.id)
        self._bulk(_INSERT_ITEM, [(self._book, item, allocation.id)
                                  for item in dict.fromkeys(allocation.items)],
                   "indexing an allocation")

    def find_allocations(self, item_id: str | None = None,
                         after: date | None = None) -> list[Allocation]:
        sql = "SELECT a.body FROM documents_allocations a"
        params: list[Any] = [self._book]
        cond = ["a.book = ?"]
        if item_id is not None:
            cond.append("a.id IN (SELECT allocation_id FROM documents_allocation_items "
                        "WHERE book = ? AND item_id = ?)")
            params += [self._book, item_id]
        if after is not None:
            cond.append("a.alloc_date > ?")
            params.append(self._day(after))
        rows = self._read(f"{sql} WHERE {' AND '.join(cond)} "
                          f"ORDER BY a.alloc_date, a.id{self._c}", params, "finding allocations")
        return [decode(r[0]) for r in rows]

    # ------------------------------------------------------------------ hand-overs
    def add_handovers(self, handovers: Sequence[StockHandover]) -> None:
        if not handovers:
            return
        ids: set[str] = set()
        for i, h in enumerate(handovers):
            self._key(f"handovers[{i}].id", h.id)
            self._key(f"handovers[{i}].document_id", h.document_id)
            if h.id in ids:
                raise DuplicateError("hand-over id given twice", field="id", value=h.id)
            ids.add(h.id)
        bodies = [encode(h) for h in handovers]
        self._uow.writing()  # the last seq and the ids taken cannot move before commit
        order = [h.id for h in handovers]
        for start in range(0, len(order), 500):
            part = order[start:start + 500]
            taken = self._read("SELECT id FROM documents_handovers WHERE book = ? "
                               f"AND id IN ({_marks(part)})", (self._book, *part),
                               "reading hand-overs")
            if taken:
                first = min(str(r[0]) for r in taken)
                raise DuplicateError("hand-over id already exists", field="id", value=first)
        rows = self._read("SELECT MAX(seq) FROM documents_handovers WHERE book = ?",
                          (self._book,), "reading hand-overs")
        last = int(rows[0][0] or 0) if rows else 0
        self._bulk(_INSERT_HANDOVER, [(self._book, last + 1 + i, h.document_id, body, h.id)
                                      for i, (h, body) in enumerate(zip(handovers, bodies,
                                                                        strict=True))],
                   "recording hand-overs")

    def list_handovers(self, document_id: str | None = None) -> list[StockHandover]:
        if document_id is None:
            rows = self._read("SELECT body FROM documents_handovers WHERE book = ? "
                              "ORDER BY seq", (self._book,), "reading hand-overs")
        else:
            rows = self._read("SELECT body FROM documents_handovers WHERE book = ? "
                              "AND document_id = ? ORDER BY seq", (self._book, document_id),
                              "reading hand-overs")
        return [decode(r[0]) for r in rows]
