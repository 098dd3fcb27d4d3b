"""The documents' repository port: what any storage must do for parties and documents.

Small and storage-neutral on purpose. An adapter stores the book's document
settings, parties, documents, payments, allocations, stock hand-overs and
numbering counters, all scoped to the unit of work's book. Every method runs
inside the caller's unit of work; nothing is durable before ``commit``, and a
rollback undoes every write (the counters included).

Contract highlights:

* ``add_*`` raise ``DuplicateError`` for a taken id; ``update_*`` and
  ``save_settings`` raise ``ConcurrencyError`` unless the stored version equals
  ``expected_version`` (``None``: must not exist yet). A stale write changes nothing.
* Document numbers are unique per book, whatever the document type (a draft has
  none): storing or updating a document with a number another document holds raises
  ``DuplicateError`` naming ``number`` (the SQL adapter backs this with a unique index,
  so two issues of different types at once cannot both take it). Payment numbers are
  unique per book (incoming and outgoing alike): ``add_payment`` with a taken number
  raises ``DuplicateError`` naming ``number``.
* Two natural-key reads are optional (not in the protocol; the service reads
  ``find_parties`` and ``find_payments`` without them):
  ``find_parties_by_code(code)``, the parties (archived too) whose code equals
  ``code`` ignoring case (:attr:`.parties.Party.code_key`), by id; and
  ``get_payment_by_number(number)``, the payment numbered ``number`` or ``None``.
  Party codes are unique per book ignoring case, a rule the service keeps; an adapter
  may also enforce it with a unique key.
* ``next_number(series, fiscal_year)`` returns the counter's next value (1 for
  a new counter) and stores it *inside the unit of work*: the counter row is
  part of the transaction that issues the document, so a rolled-back issue
  gives the number back (no gap), and two units of work never get the same
  value. An SQL adapter does ``UPDATE counters SET value = value + 1 ...
  RETURNING value`` (inserting 1 when absent), which row-locks the counter
  until commit; the memory adapter holds the store's lock for the whole unit
  of work. ``next_numbers(series, fiscal_year, count)`` reserves ``count``
  consecutive values the same way in one step and returns the first.
* The bulk methods serve issuing many documents at once:
  ``get_documents(ids)`` reads many documents in one call, and
  ``update_documents(changes)`` replaces many, all or none: it checks every
  document (stored, version, number) before it writes any. An adapter may also
  offer ``get_documents_to_issue(ids)`` (optional, not in the protocol): the
  same documents, each either as stored or with ``totals=None``, for issuing,
  which computes the totals afresh from the lines (the SQL adapter then skips
  decoding the stored totals); the service uses ``get_documents`` otherwise.
  It may likewise offer ``add_documents(documents)`` (optional): store many new
  documents, all or none, every check (ids and numbers taken, or given twice)
  before any write, a refusal raising ``DuplicateError`` that names
  ``documents[i].id`` or ``documents[i].number``; creating many drafts uses it,
  and ``add_document`` one by one otherwise.
* ``find_open_documents(direction, end, party_id)`` is the aging's compact
  read: only what the report needs of each open financial document
  (:class:`OpenDocument`), in no particular order, without whole documents.
* Reads return the values as stored; lists come in a stable order (documents
  by date then id, parties by legal name then id).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Sequence
from datetime import date
from typing import Protocol

import attrs

from backoffice_core.dates import check_range
from backoffice_core.documents.model import (
    Direction,
    Document,
    DocumentState,
    DocumentType,
    StockHandover,
)
from backoffice_core.documents.parties import Party
from backoffice_core.documents.payments import Allocation, Payment
from backoffice_core.documents.settings import DocumentSettings
from backoffice_core.errors import ValidationError
from backoffice_core.money import Money
from backoffice_core.ports import UnitOfWork
from backoffice_core.text import check_filter, check_lookup  # (check_filter: still importable here)

__all__ = ["DocumentQuery", "DocumentsRepository", "DocumentsUnitOfWork", "OpenDocument",
           "check_filter", "instalments_of"]


def _id_set(ids: Iterable[str]) -> frozenset[str]:
    """``ids`` as a set (``DocumentQuery.source_ids`` takes any iterable of ids, not one
    id as text)."""
    if isinstance(ids, str):
        raise ValidationError("source_ids lists document ids; one id is source_id",
                              field="source_ids", value=ids)
    return frozenset(ids)


@attrs.frozen(slots=True)
class DocumentQuery:
    """A search over documents; every criterion given must hold.

    Attributes:
        types: document types, or empty for all.
        states: states, or empty for all.
        party_id: one party.
        text: contained (case-insensitive) in the number, the external number,
            the buyer reference or the note.
        start, end: document date range, inclusive (``end`` before ``start`` is refused,
            naming ``end``).
        archived: ``True`` only archived, ``False`` only active, ``None`` both.
        open_only: only financial documents with something left to settle.
        source_id: only documents that reference this document.
        direction: sales or purchase documents only.
        limit: at most this many (the first by date and id), or ``None``.
        source_ids: only documents that reference one of these documents (empty: no
            such criterion): what ``source_id`` finds for each, in one search.

    Example:
        >>> DocumentQuery(types=(DocumentType.SALES_INVOICE,), open_only=True).open_only
        True
    """

    types: tuple[DocumentType, ...] = ()
    states: tuple[DocumentState, ...] = ()
    party_id: str | None = None
    text: str | None = None
    start: date | None = None
    end: date | None = None
    archived: bool | None = None
    open_only: bool = False
    source_id: str | None = None
    direction: Direction | None = None
    limit: int | None = None
    source_ids: frozenset[str] = attrs.field(default=frozenset(), converter=_id_set)

    def __attrs_post_init__(self) -> None:
        for field in ("party_id", "source_id"):
            check_lookup(field, getattr(self, field), optional=True)
        for source in self.source_ids:
            check_lookup("source_ids", source)
        check_filter("text", self.text)  # (a search: any text)
        check_range(self.start, self.end, optional=True)
        check_filter("archived", self.archived, bool)
        check_filter("open_only", self.open_only, bool, optional=False)
        if self.limit is not None and (type(self.limit) is not int or self.limit < 0):
            raise ValidationError("limit is a number of documents, 0 or more", field="limit",
                                  value=self.limit)

    def matches(self, doc: Document) -> bool:
        """Whether ``doc`` satisfies the query (the reference semantics for adapters).

        Example:
            >>> from backoffice_core.documents.lines import line
            >>> from backoffice_core.documents.taxes import Tax
            >>> d = Document("d", "quote", "p", "EUR", date(2026, 1, 5),
            ...              [line("A", 1, "1", Tax.zero())], note="Spring offer")
            >>> DocumentQuery(text="spring").matches(d), DocumentQuery(party_id="x").matches(d)
            (True, False)
        """
        if self.types and doc.type not in self.types:
            return False
        if self.states and doc.state not in self.states:
            return False
        if self.party_id is not None and doc.party_id != self.party_id:
            return False
        if self.direction is not None and doc.type.direction is not self.direction:
            return False
        if self.start is not None and doc.date < self.start:
            return False
        if self.end is not None and doc.date > self.end:
            return False
        if self.archived is not None and doc.archived != self.archived:
            return False
        if self.open_only and (doc.open_amount is None or not doc.open_amount.amount):
            return False
        if self.source_id is not None and not any(r.document_id == self.source_id
                                                  for r in doc.references):
            return False
        if self.source_ids and not any(r.document_id in self.source_ids
                                       for r in doc.references):
            return False
        if self.text is not None:
            needle = self.text.casefold()
            hay = " ".join((doc.number or "", doc.external_number, doc.buyer_reference,
                            doc.note)).casefold()
            if needle not in hay:
                return False
        return True


@attrs.frozen(slots=True)
class OpenDocument:
    """What the aging reads of an open financial document (see ``find_open_documents``).

    Attributes:
        id: the document id.
        type: its type (direction and sign on the party's account follow from it).
        number: its number (``""`` if it has none).
        party_id: the party.
        date: the document date.
        due_date: its due date, or ``None``.
        open_amount: what is still open, in the document currency (never zero).
        open_functional: the same as carried in the functional currency.
        instalments: the payment schedule ``(due date, amount)`` in the document currency,
            when its terms have more than one instalment and its due date is the last
            one's (see :func:`instalments_of`); empty otherwise. The aging ages each
            instalment on its own due date.

    Example:
        >>> from backoffice_core.documents.lines import line
        >>> from backoffice_core.documents.taxes import Tax
        >>> d = Document("d", "sales_invoice", "p", "EUR", date(2026, 1, 5),
        ...              [line("A", 1, "1", Tax.zero())], number="INV-1",
        ...              open_amount=Money("1.00", "EUR"), open_functional=Money("1.00", "EUR"))
        >>> OpenDocument.of(d).open_amount, OpenDocument.of(d).due_date
        (Money('1.00', 'EUR'), None)
    """

    id: str
    type: DocumentType
    number: str
    party_id: str
    date: date
    due_date: dt.date | None
    open_amount: Money
    open_functional: Money | None
    instalments: tuple[tuple[dt.date, Money], ...] = ()

    @classmethod
    def of(cls, doc: Document) -> OpenDocument:
        """The compact row of an open document (``doc.is_open`` must hold).

        Example:
            >>> from backoffice_core.documents.lines import line
            >>> from backoffice_core.documents.taxes import Tax
            >>> d = Document("d", "sales_invoice", "p", "EUR", date(2026, 1, 5),
            ...              [line("A", 1, "1", Tax.zero())], open_amount=Money("2", "EUR"))
            >>> OpenDocument.of(d).number
            ''
        """
        assert doc.open_amount is not None
        return cls(doc.id, doc.type, doc.number or "", doc.party_id, doc.date, doc.due_date,
                   doc.open_amount, doc.open_functional, instalments_of(doc))


def instalments_of(doc: Document) -> tuple[tuple[dt.date, Money], ...]:
    """An issued document's payment schedule ``(due date, amount)``, when its terms have
    more than one instalment and its due date is theirs (the last instalment's); else
    ``()``: the document falls due at once on its due date (an explicit due date that
    differs from the terms' wins, as on the document itself).

    The amounts split what the document leaves to settle (``totals.to_settle``) exactly.

    Example:
        >>> from backoffice_core.documents.lines import line
        >>> from backoffice_core.documents.taxes import Tax
        >>> from backoffice_core.documents.terms import PaymentTerms
        >>> from backoffice_core.documents.totals import compute_totals
        >>> lines = [line("A", 1, "100.00", Tax.zero())]
        >>> terms = PaymentTerms.split((50, 30), (50, 60))
        >>> d = Document("d", "sales_invoice", "p", "EUR", date(2026, 1, 5), lines,
        ...              payment_terms=terms, due_date=date(2026, 3, 6),
        ...              totals=compute_totals(lines, "EUR"))
        >>> [(str(due), str(m.amount)) for due, m in instalments_of(d)]
        [('2026-02-04', '50.00'), ('2026-03-06', '50.00')]
    """
    terms, totals = doc.payment_terms, doc.totals
    if (terms is None or len(terms.instalments) < 2 or totals is None
            or doc.due_date != terms.due_date(doc.date)):
        return ()
    return terms.schedule(doc.date, totals.to_settle)


class DocumentsRepository(Protocol):
    """Storage of one book's parties, documents and payments, used inside a unit of work.

    Every list or dict a read returns is a new one the caller may change
    (``Documents.parties()`` hands ``find_parties()`` to the host), never the adapter's own.

    Example:
        >>> from backoffice_core.adapters.memory import MemoryStore
        >>> with MemoryStore()("acme") as uow:
        ...     uow.documents.next_number("quote", "2026"), uow.documents.get_settings()
        (1, None)
    """

    # settings
    def get_settings(self) -> DocumentSettings | None:
        """The book's document settings, or ``None`` when never saved."""
        ...

    def save_settings(self, settings: DocumentSettings, expected_version: int | None) -> None:
        """Create (``expected_version=None``) or replace the settings (stale: ConcurrencyError)."""
        ...

    # parties
    def get_party(self, party_id: str) -> Party | None:
        """The party with ``party_id``, or ``None``."""
        ...

    def add_party(self, party: Party) -> None:
        """Store a new party; a taken id raises ``DuplicateError``."""
        ...

    def update_party(self, party: Party, expected_version: int) -> None:
        """Replace a party whose stored version is ``expected_version``."""
        ...

    def find_parties(self, text: str | None = None, tax_id: str | None = None,
                     tag: str | None = None, include_archived: bool = False) -> list[Party]:
        """Parties matching every criterion given (see ``Party.matches``)."""
        ...

    # documents
    def get_document(self, document_id: str) -> Document | None:
        """The document with ``document_id``, or ``None``."""
        ...

    def get_by_number(self, type: DocumentType, number: str) -> Document | None:
        """The document of ``type`` numbered ``number``, or ``None``."""
        ...

    def add_document(self, document: Document) -> None:
        """Store a new document (id and, when numbered, number must be free)."""
        ...

    def update_document(self, document: Document, expected_version: int) -> None:
        """Replace a document whose stored version is ``expected_version``."""
        ...

    def find_documents(self, query: DocumentQuery) -> list[Document]:
        """Documents matching ``query``, by date then id."""
        ...

    def get_documents(self, document_ids: Collection[str]) -> dict[str, Document]:
        """The stored documents among ``document_ids``, by id (missing ones are left out)."""
        ...

    def update_documents(self, changes: Sequence[tuple[Document, int]]) -> None:
        """Replace many documents, each paired with the version it must have when stored.

        All or none: a missing document raises ``NotFoundError``, a stale version
        ``ConcurrencyError``, a number taken (by another document, or twice in
        ``changes``) ``DuplicateError``, an id given twice ``ValidationError``;
        each names the field (``changes[i].version``...) and nothing is written.
        """
        ...

    def find_open_documents(self, direction: Direction, end: date | None = None,
                            party_id: str | None = None) -> list[OpenDocument]:
        """Open financial documents of one side dated on or before ``end``, unordered."""
        ...

    # numbering
    def next_number(self, series: str, fiscal_year: str) -> int:
        """Reserve and return the next value of the counter ``(series, fiscal_year)``."""
        ...

    def next_numbers(self, series: str, fiscal_year: str, count: int) -> int:
        """Reserve the next ``count`` values of the counter at once; returns the first.

        ``count`` is at least 1 (otherwise ``ValidationError`` naming ``count``).
        """
        ...

    # payments and allocations
    def get_payment(self, payment_id: str) -> Payment | None:
        """The payment with ``payment_id``, or ``None``."""
        ...

    def add_payment(self, payment: Payment) -> None:
        """Store a new payment; a taken id raises ``DuplicateError``."""
        ...

    def update_payment(self, payment: Payment, expected_version: int) -> None:
        """Replace a payment whose stored version is ``expected_version``."""
        ...

    def find_payments(self, party_id: str | None = None, open_only: bool = False,
                      side: Direction | None = None) -> list[Payment]:
        """Payments, by date then id, optionally of one party, still open, one side."""
        ...

    def add_allocation(self, allocation: Allocation) -> None:
        """Store a match (or write-off); a taken id raises ``DuplicateError``."""
        ...

    def find_allocations(self, item_id: str | None = None,
                         after: date | None = None) -> list[Allocation]:
        """Allocations touching ``item_id`` and/or dated after ``after``, by date then id."""
        ...

    # inventory hand-over
    def add_handovers(self, handovers: Sequence[StockHandover]) -> None:
        """Record quantities a delivery note or goods receipt hands over to inventory.

        A hand-over's ``id`` is unique in its book (the stock moves it made carry it):
        an id already recorded, or given twice in ``handovers``, raises
        ``DuplicateError(field="id", value=<the id>)`` and records none of them.
        """
        ...

    def list_handovers(self, document_id: str | None = None) -> list[StockHandover]:
        """Recorded hand-overs in the order recorded, optionally of one document."""
        ...


class DocumentsUnitOfWork(UnitOfWork, Protocol):
    """A unit of work that also holds the documents repository (``uow.documents``).

    Example:
        >>> from backoffice_core.adapters.memory import MemoryStore
        >>> with MemoryStore()("acme") as uow:
        ...     uow.documents.find_parties()
        []
    """

    @property
    def documents(self) -> DocumentsRepository:
        """The documents repository inside this unit of work."""
        ...
