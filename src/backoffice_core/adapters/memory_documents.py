"""The in-memory documents repository: the reference implementation of the port.

Data lives in plain dicts per book (:class:`DocumentsData`, held by the memory
adapter's book). Like the ledger's memory repository it writes in place and
registers an undo step *before* every change in the unit of work's undo log,
so a rollback (or a failure half-way) leaves the book exactly as it was, the
numbering counters included. The memory store's lock serializes units of
work, so two issues never reserve the same number.

Example:
    >>> from backoffice_core.adapters.memory import MemoryStore
    >>> store = MemoryStore()
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

from collections.abc import Callable, Collection, Iterable, Sequence
from datetime import date
from typing import TypeVar

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

__all__ = ["DocumentsData", "MemoryDocumentsRepository"]

Undo = Callable[[], None]
# by value: an enum member hashes in Python, its value string in C
_SIDES = {side: frozenset(t.value for t in DocumentType if t.is_financial and t.direction is side)
          for side in Direction}


class DocumentsData:
    """Everything the documents domain holds for one book."""

    def __init__(self) -> None:
        self.settings: DocumentSettings | None = None
        self.parties: dict[str, Party] = {}
        self.documents: dict[str, Document] = {}
        #: document number -> document id (a number is one document's, whatever the type)
        self.numbers: dict[str, str] = {}
        #: the open financial documents, as the aging reads them
        self.open_rows: dict[str, OpenDocument] = {}
        #: source document id -> ids of the documents that reference it
        self.by_source: dict[str, set[str]] = {}
        self.counters: dict[tuple[str, str], int] = {}
        self.payments: dict[str, Payment] = {}
        #: payment number -> payment id (numbers are unique in a book)
        self.payment_numbers: dict[str, str] = {}
        self.allocations: dict[str, Allocation] = {}
        self.by_item: dict[str, list[str]] = {}
        self.handovers: list[StockHandover] = []
        self.handover_ids: set[str] = set()  # a hand-over's id is unique in its book


_V = TypeVar("_V")


def _restore(table: dict[str, _V], key: str, old: _V | None) -> Undo:
    def undo() -> None:
        if old is None:
            table.pop(key, None)
        else:
            table[key] = old

    return undo


class MemoryDocumentsRepository:
    """The documents port over a :class:`DocumentsData`, with undo steps in the unit of work."""

    def __init__(self, data: DocumentsData, undo: list[Undo]) -> None:
        self._d = data
        self._undo = undo

    # settings
    def get_settings(self) -> DocumentSettings | None:
        return self._d.settings

    def save_settings(self, settings: DocumentSettings, expected_version: int | None) -> None:
        d = self._d
        old = d.settings
        if expected_version is None:
            if old is not None:
                raise DuplicateError("document settings already exist", field="version",
                                     value=settings.version)
        elif old is None or old.version != expected_version:
            raise ConcurrencyError("document settings changed since read", field="version",
                                   value=expected_version)

        def undo() -> None:
            d.settings = old

        self._undo.append(undo)
        d.settings = settings

    # parties
    def get_party(self, party_id: str) -> Party | None:
        return self._d.parties.get(party_id)

    def add_party(self, party: Party) -> None:
        parties = self._d.parties
        if party.id in parties:
            raise DuplicateError("party id already exists", field="id", value=party.id)
        self._undo.append(_restore(parties, party.id, None))
        parties[party.id] = party

    def update_party(self, party: Party, expected_version: int) -> None:
        parties = self._d.parties
        old = parties.get(party.id)
        if old is None:
            raise NotFoundError("no such party", field="party_id", value=party.id)
        if old.version != expected_version:
            raise ConcurrencyError("party changed since it was read", field="version",
                                   value=expected_version)
        self._undo.append(_restore(parties, party.id, old))
        parties[party.id] = party

    def find_parties(self, text: str | None = None, tax_id: str | None = None,
                     tag: str | None = None, include_archived: bool = False) -> list[Party]:
        found = [p for p in self._d.parties.values()
                 if (include_archived or not p.archived) and p.matches(text, tax_id, tag)]
        return sorted(found, key=lambda p: (p.legal_name.casefold(), p.id))

    def find_parties_by_code(self, code: str) -> list[Party]:
        """The parties (archived too) whose code is ``code`` ignoring case (optional)."""
        key = code.casefold() if isinstance(code, str) else ""
        if not key:
            return []
        return sorted((p for p in self._d.parties.values() if p.code_key == key),
                      key=lambda p: p.id)

    # documents
    def get_document(self, document_id: str) -> Document | None:
        return self._d.documents.get(document_id)

    def get_by_number(self, type: DocumentType, number: str) -> Document | None:
        doc_id = self._d.numbers.get(number) if isinstance(number, str) else None
        doc = None if doc_id is None else self._d.documents.get(doc_id)
        return doc if doc is not None and doc.type is type else None

    def add_document(self, document: Document) -> None:
        if document.id in self._d.documents:
            raise DuplicateError("document id already exists", field="id", value=document.id)
        self._store(document, None)

    def add_documents(self, documents: Sequence[Document]) -> None:
        """Store many new documents, all or none (optional in the port, see its text)."""
        d = self._d
        ids: set[str] = set()
        keys: set[str] = set()
        for i, doc in enumerate(documents):  # every check before any write
            if doc.id in ids or doc.id in d.documents:
                raise DuplicateError("document id already exists", field=f"documents[{i}].id",
                                     value=doc.id)
            ids.add(doc.id)
            if doc.number:
                key = doc.number
                if key in keys or key in d.numbers:
                    raise DuplicateError(f"{doc.type.label} number already used",
                                         field=f"documents[{i}].number", value=doc.number)
                keys.add(key)
        for doc in documents:
            self._store(doc, None)

    def update_document(self, document: Document, expected_version: int) -> None:
        old = self._d.documents.get(document.id)
        if old is None:
            raise NotFoundError("no such document", field="document_id", value=document.id)
        if old.version != expected_version:
            raise ConcurrencyError("document changed since it was read", field="version",
                                   value=expected_version)
        self._store(document, old)

    def get_documents(self, document_ids: Collection[str]) -> dict[str, Document]:
        docs = self._d.documents
        return {i: docs[i] for i in document_ids if isinstance(i, str) and i in docs}

    def update_documents(self, changes: Sequence[tuple[Document, int]]) -> None:
        d = self._d
        olds: list[Document] = []
        ids: set[str] = set()
        keys: set[str] = set()
        for i, (doc, expected) in enumerate(changes):  # every check before any write
            if doc.id in ids:
                raise ValidationError("a document is updated once per call",
                                      field=f"changes[{i}].id", value=doc.id)
            ids.add(doc.id)
            old = d.documents.get(doc.id)
            if old is None:
                raise NotFoundError("no such document", field=f"changes[{i}].document_id",
                                    value=doc.id)
            if old.version != expected:
                raise ConcurrencyError("document changed since it was read",
                                       field=f"changes[{i}].version", value=expected)
            if doc.number:
                key = doc.number
                if key in keys or d.numbers.get(key, doc.id) != doc.id:
                    raise DuplicateError(f"{doc.type.label} number already used",
                                         field=f"changes[{i}].number", value=doc.number)
                keys.add(key)
            olds.append(old)
        for (doc, _), old in zip(changes, olds, strict=True):
            self._store(doc, old)

    def _store(self, doc: Document, old: Document | None) -> None:
        d = self._d
        key = doc.number or None
        old_key = old.number if old is not None and old.number else None
        if key is not None and key != old_key and key in d.numbers:
            raise DuplicateError(f"{doc.type.label} number already used", field="number",
                                 value=doc.number)
        old_row = d.open_rows.get(doc.id)
        sources = {r.document_id for r in doc.references}
        old_sources = {r.document_id for r in old.references} if old is not None else set()

        def undo() -> None:
            self._index(doc.id, sources, old_sources)
            if key is not None and key != old_key:
                d.numbers.pop(key, None)
            if old_key is not None and old_key != key:
                d.numbers[old_key] = doc.id
            if old is None:
                d.documents.pop(doc.id, None)
            else:
                d.documents[doc.id] = old
            if old_row is not None:
                d.open_rows[doc.id] = old_row
            else:
                d.open_rows.pop(doc.id, None)

        self._undo.append(undo)
        d.documents[doc.id] = doc
        if old_key is not None and old_key != key:
            d.numbers.pop(old_key, None)
        if key is not None:
            d.numbers[key] = doc.id
        if doc.is_open:
            d.open_rows[doc.id] = OpenDocument.of(doc)
        else:
            d.open_rows.pop(doc.id, None)
        self._index(doc.id, old_sources, sources)

    def _index(self, doc_id: str, before: set[str], after: set[str]) -> None:
        """Move ``doc_id`` in the source index from the ``before`` sources to ``after``."""
        by_source = self._d.by_source
        for source in before - after:
            ids = by_source.get(source)
            if ids is not None:
                ids.discard(doc_id)
                if not ids:
                    del by_source[source]
        for source in after - before:
            by_source.setdefault(source, set()).add(doc_id)

    def find_documents(self, query: DocumentQuery) -> list[Document]:
        d = self._d
        if query.source_id is not None:
            source: Iterable[Document] = [d.documents[i] for i in d.by_source.get(
                query.source_id, ())]
        elif query.source_ids:  # each document once, whichever of them it references
            source = [d.documents[i] for i in dict.fromkeys(
                i for s in sorted(query.source_ids) for i in d.by_source.get(s, ()))]
        elif query.open_only:
            source = [d.documents[i] for i in d.open_rows]
        else:
            source = d.documents.values()
        found = sorted((doc for doc in source if query.matches(doc)),
                       key=lambda doc: (doc.date, doc.id))
        return found if query.limit is None else found[:query.limit]

    def find_open_documents(self, direction: Direction, end: date | None = None,
                            party_id: str | None = None) -> list[OpenDocument]:
        types = _SIDES[direction]
        return [r for r in self._d.open_rows.values() if r.type._value_ in types
                and (end is None or r.date <= end) and (party_id is None or r.party_id == party_id)]

    # numbering
    def next_number(self, series: str, fiscal_year: str) -> int:
        counters = self._d.counters
        key = (series, fiscal_year)
        old = counters.get(key)

        def undo() -> None:
            if old is None:
                counters.pop(key, None)
            else:
                counters[key] = old

        self._undo.append(undo)
        value = (old or 0) + 1
        counters[key] = value
        return value

    def next_numbers(self, series: str, fiscal_year: str, count: int) -> int:
        if type(count) is not int or count < 1:
            raise ValidationError("reserve at least one number", field="count", value=count)
        counters = self._d.counters
        key = (series, fiscal_year)
        first = counters.get(key, 0) + 1
        self.next_number(series, fiscal_year)  # one undo step restores the counter
        counters[key] = first + count - 1
        return first

    # payments and allocations
    def get_payment(self, payment_id: str) -> Payment | None:
        return self._d.payments.get(payment_id)

    def add_payment(self, payment: Payment) -> None:
        payments, numbers = self._d.payments, self._d.payment_numbers
        if payment.id in payments:
            raise DuplicateError("payment id already exists", field="id", value=payment.id)
        if payment.number in numbers:
            raise DuplicateError("payment number already used", field="number",
                                 value=payment.number)
        self._undo.append(_restore(payments, payment.id, None))
        self._undo.append(_restore(numbers, payment.number, None))
        payments[payment.id] = payment
        numbers[payment.number] = payment.id

    def get_payment_by_number(self, number: str) -> Payment | None:
        """The payment numbered ``number``, or ``None`` (optional in the port)."""
        payment_id = self._d.payment_numbers.get(number) if isinstance(number, str) else None
        return None if payment_id is None else self._d.payments.get(payment_id)

    def update_payment(self, payment: Payment, expected_version: int) -> None:
        payments = self._d.payments
        old = payments.get(payment.id)
        if old is None:
            raise NotFoundError("no such payment", field="payment_id", value=payment.id)
        if old.version != expected_version:
            raise ConcurrencyError("payment changed since it was read", field="version",
                                   value=expected_version)
        if payment.number != old.number:
            numbers = self._d.payment_numbers
            if payment.number in numbers:
                raise DuplicateError("payment number already used", field="number",
                                     value=payment.number)
            self._undo.append(_restore(numbers, old.number, payment.id))
            self._undo.append(_restore(numbers, payment.number, None))
            del numbers[old.number]
            numbers[payment.number] = payment.id
        self._undo.append(_restore(payments, payment.id, old))
        payments[payment.id] = payment

    def find_payments(self, party_id: str | None = None, open_only: bool = False,
                      side: Direction | None = None) -> list[Payment]:
        found = [p for p in self._d.payments.values()
                 if (party_id is None or p.party_id == party_id)
                 and (not open_only or p.is_open) and (side is None or p.side is side)]
        return sorted(found, key=lambda p: (p.date, p.id))

    def add_allocation(self, allocation: Allocation) -> None:
        d = self._d
        if allocation.id in d.allocations:
            raise DuplicateError("allocation id already exists", field="id",
                                 value=allocation.id)

        def undo() -> None:
            d.allocations.pop(allocation.id, None)
            for item in allocation.items:
                ids = d.by_item.get(item)
                if ids and ids[-1] == allocation.id:
                    ids.pop()
                if ids == []:
                    del d.by_item[item]

        self._undo.append(undo)
        d.allocations[allocation.id] = allocation
        for item in allocation.items:
            d.by_item.setdefault(item, []).append(allocation.id)

    def find_allocations(self, item_id: str | None = None,
                         after: date | None = None) -> list[Allocation]:
        d = self._d
        if item_id is not None:
            source = [d.allocations[i] for i in d.by_item.get(item_id, ())]
        else:
            source = list(d.allocations.values())
        found = [a for a in source if after is None or a.date > after]
        return sorted(found, key=lambda a: (a.date, a.id))

    # inventory hand-over
    def add_handovers(self, handovers: Sequence[StockHandover]) -> None:
        items, taken = self._d.handovers, self._d.handover_ids
        fresh: set[str] = set()
        for h in handovers:
            if h.id in taken or h.id in fresh:
                raise DuplicateError("hand-over id already exists", field="id", value=h.id)
            fresh.add(h.id)
        size = len(items)

        def undo() -> None:
            del items[size:]
            taken.difference_update(fresh)

        self._undo.append(undo)
        items.extend(handovers)
        taken.update(fresh)

    def list_handovers(self, document_id: str | None = None) -> list[StockHandover]:
        return [h for h in self._d.handovers
                if document_id is None or h.document_id == document_id]
