"""One unit of work of the documents service: repositories, settings, clock, helpers.

Internal: the service builds a :class:`Work` per call; the operations in
:mod:`.issuing` and :mod:`.settlement` take it. Everything read or written
goes through the one unit of work, so the ledger postings commit or roll back
with the documents.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import attrs

from backoffice_core.documents.conversions import (
    CONVERSIONS,
    InItemUnits,
    converted_quantities,
    counted_with,
    still_to_convert,
)
from backoffice_core.documents.lifecycle import rules_for
from backoffice_core.documents.lines import DocumentLine, LineRef
from backoffice_core.documents.model import Direction, Document, DocumentType, StockHandover
from backoffice_core.documents.numbering import (
    FiscalYearKey,
    fiscal_year_of,
    format_number,
    series_key,
)
from backoffice_core.documents.parties import Party
from backoffice_core.documents.payments import Payment
from backoffice_core.documents.postings import Received
from backoffice_core.documents.repository import DocumentQuery, DocumentsRepository
from backoffice_core.documents.settings import DocumentSettings
from backoffice_core.errors import (
    BackofficeError,
    DuplicateError,
    NotFoundError,
    StorageError,
    ValidationError,
)
from backoffice_core.exact import QUOTIENT, exactly
from backoffice_core.ledger.entries import JournalEntry, NewEntry
from backoffice_core.ledger.posting import named_by_role
from backoffice_core.text import lookup_key, not_found

__all__ = ["Work"]

#: Called inside the issuing unit of work with the unit of work and the quantities an
#: issued delivery note or goods receipt hands over; raising rolls the issue back. It
#: returns the line ids whose goods it took into valued stock (or ``None``).
HandoverHandler = Callable[[Any, Sequence[StockHandover]], Collection[str] | None]
#: Called with the unit of work and document lines: each line's quantity in its item's
#: unit (the inventory's units), or ``None`` for a line of no known item or unit.
UnitsHandler = Callable[[Any, Sequence[DocumentLine]], Sequence[Decimal | None]]


@exactly  # not in the caller's decimal context
def _in_unit_of(ln: DocumentLine, of: DocumentLine, quantity: Decimal,
                in_item_units: InItemUnits | None) -> Decimal | None:
    """``quantity`` in the unit of ``of`` (an order line) as a quantity in the unit of
    ``ln`` (a line made from it, in another unit of its item: pieces of a line of
    boxes), through the item's unit; ``None`` when ``in_item_units`` cannot tell both
    (no inventory, another item, a unit that does not convert)."""
    if in_item_units is None or of.item_id is None or of.item_id != ln.item_id \
            or not of.quantity or not ln.quantity:
        return None
    ours, theirs = in_item_units([of, ln])
    if not ours or not theirs:
        return None
    return QUOTIENT.divide(quantity * ours * ln.quantity, of.quantity * theirs)


class Work:
    """The context of one operation: the unit of work and what it needs from the book."""

    def __init__(self, uow: Any, ledger: Any, clock: Any, ids: Any,
                 on_handover: HandoverHandler | None = None,
                 in_item_units: UnitsHandler | None = None) -> None:
        repo = getattr(uow, "documents", None)
        if repo is None:
            raise StorageError("this storage adapter has no documents repository",
                               field="uow.documents", value=type(uow).__name__)
        book = uow.ledger.get_settings()
        if book is None:
            raise NotFoundError("the book has no ledger yet; call bo.ledger.setup() first",
                                field="book", value=getattr(uow, "book", None))
        self.uow = uow
        self.repo: DocumentsRepository = repo
        self.ledger = ledger
        self.ids = ids
        self.functional: str = book.functional_currency
        self.roles: dict[str, str] = dict(book.roles)
        self.settings: DocumentSettings = repo.get_settings() or DocumentSettings()
        self.now: datetime = clock.now()
        self.today: date = clock.today()
        self._years: list[Any] | None = None
        self._on_handover = on_handover
        self._in_item_units = in_item_units

    def hand_over(self, doc: Document, *, sign: int = 1, day: date | None = None) -> None:
        """Hand the item lines of an issued delivery note or goods receipt over to stock.

        ``sign`` -1 hands them back (a cancellation), dated ``day`` (default: the
        document's date). The hand-overs are passed to the subscriber (inventory), if
        any, and recorded with the lines it took into valued stock.
        """
        assert doc.number is not None, "only an issued document hands stock over"
        handovers = [StockHandover(self.new_id(), doc.id, ln.id, ln.item_id, sign * ln.quantity,
                                   ln.unit, doc.type.moves_stock, day or doc.date, doc.number)
                     for ln in doc.lines if ln.item_id is not None]
        if not handovers:
            return
        taken = self._on_handover(self.uow, handovers) if self._on_handover else None
        self.repo.add_handovers([attrs.evolve(h, valued=True) if taken and h.line_id in taken
                                 else h for h in handovers])

    @property
    def in_item_units(self) -> Callable[[Sequence[DocumentLine]], Sequence[Decimal | None]] | None:
        """Lines' quantities in their items' units (through the inventory), or ``None``
        when no inventory tells them (each line then counts in its own unit)."""
        handler = self._in_item_units
        if handler is None:
            return None
        return lambda lines: handler(self.uow, lines)

    def received_lines(self, doc: Document) -> dict[tuple[str, str], Received]:
        """(receipt id, line id) of the goods-receipt lines ``doc`` refers to that the
        inventory took into valued stock (the lines its bill posts against GRNI), each
        with what GRNI holds for it and what the other bills and debit notes cleared
        (:class:`.postings.Received`). For a debit note, its bill's lines made from
        those receipt lines, with the same values."""
        out: dict[tuple[str, str], Received] = {}
        for ref in doc.references:
            if ref.type is DocumentType.SUPPLIER_BILL and doc.type.is_correction:
                bill = self.document(ref.document_id)
                of_bill = self._received(bill, doc.id)
                out.update(((bill.id, ln.id), of_bill[(ln.source.document_id,
                                                       ln.source.line_id)])
                           for ln in bill.lines if ln.source is not None
                           and (ln.source.document_id, ln.source.line_id) in of_bill)
        out.update(self._received(doc, doc.id))
        return out

    def _received(self, doc: Document, skip: str) -> dict[tuple[str, str], Received]:
        """The received lines of the receipts ``doc`` refers to, with the quantity
        billed so far by every issued bill and debit note but ``skip``."""
        out: dict[tuple[str, str], Received] = {}
        for ref in doc.references:
            if ref.type is DocumentType.GOODS_RECEIPT:
                valued = {h.line_id for h in self.repo.list_handovers(ref.document_id)
                          if h.valued}
                if not valued:
                    continue
                receipt = self.document(ref.document_id)
                billed = self._billed(receipt.id, skip)
                nets = receipt.totals.line_nets if receipt.totals else ()
                for ln, net in zip(receipt.lines, nets, strict=True):
                    if ln.id in valued and ln.quantity:
                        out[(receipt.id, ln.id)] = Received(
                            (receipt.id, ln.id), net.amount, ln.quantity,
                            billed.get(ln.id, Decimal(0)))
        return out

    def _billed(self, receipt_id: str, skip: str) -> dict[str, Decimal]:
        """Per line of the receipt, the quantity its issued bills (but ``skip``) took to
        GRNI less what their issued debit notes (but ``skip``) gave back; a bill or note
        later cancelled still counts, as its posting stays."""
        grni = self.roles.get("grni")
        out: dict[str, Decimal] = {}

        def issued(kind: DocumentType, source: str) -> list[Document]:
            return [d for d in self.repo.find_documents(DocumentQuery(
                types=(kind,), source_id=source)) if d.number and d.id != skip]

        for bill in issued(DocumentType.SUPPLIER_BILL, receipt_id):
            of_receipt: dict[str, str] = {}  # bill line -> receipt line
            for ln in bill.lines:
                if ln.source is not None and ln.source.document_id == receipt_id \
                        and (ln.account or grni) == grni:
                    of_receipt[ln.id] = key = ln.source.line_id
                    out[key] = out.get(key, Decimal(0)) + ln.quantity
            if not of_receipt:
                continue
            for note in issued(DocumentType.DEBIT_NOTE, bill.id):
                for ln in note.lines:
                    src = ln.source
                    if src is not None and src.document_id == bill.id \
                            and src.line_id in of_receipt and (ln.account or grni) == grni:
                        key = of_receipt[src.line_id]
                        out[key] = out.get(key, Decimal(0)) - ln.quantity
        return out

    def made_from(self, source: Document, target: DocumentType, *,
                  drafts_count: bool = True) -> list[Document]:
        """The documents made from ``source`` as ``target`` or as one of its alternatives
        (:func:`.conversions.counted_with`): the corrections of an invoice or bill too
        (they reference it). Cancelled ones included, unless ``drafts_count`` is false:
        then only the issued ones (neither drafts nor cancelled).

        On the sales side a document made on the way, from a document ``source``
        converted into (an order's invoice made from its delivery note), counts as made
        from ``source``: its lines from such a document point at the ``source`` lines
        those came from, so the order has that much less left to invoice. (A purchase
        order's bills are the supplier's: the three-way match holds them to what was
        ordered and received, whatever they were made from.)"""
        return self.made_from_each([source], target, drafts_count=drafts_count)[source.id]

    def made_from_each(self, sources: Sequence[Document], target: DocumentType, *,
                       drafts_count: bool = True) -> dict[str, list[Document]]:
        """:meth:`made_from` of each of ``sources`` (all of one type), by source id, in one
        search per 500 sources instead of one per source (an order's invoices' credit
        notes, the invoices a payment settles)."""
        out: dict[str, list[Document]] = {src.id: [] for src in sources}
        by_id = {src.id: src for src in sources}
        ids = list(by_id)
        for at in range(0, len(ids), 500):
            chunk = frozenset(ids[at:at + 500])
            kinds = counted_with(by_id[ids[at]].type, target)
            for d in self.repo.find_documents(DocumentQuery(types=kinds, source_ids=chunk)):
                if not (drafts_count or d.state.is_issued):
                    continue
                for ref in dict.fromkeys(r.document_id for r in d.references):
                    if ref in chunk:
                        out[ref].append(self._through(by_id[ref], target, d))
        return out

    def left(self, source: Document, target: DocumentType, *, drafts_count: bool = True
             ) -> tuple[list[Document], dict[str, Decimal]]:
        """The documents already made from ``source`` as ``target`` (:meth:`made_from`),
        and per source line what is left to convert. On the sales side a line made from
        an order's line leaves no more than the order line has left (a delivery note
        invoices no more than its order has left to invoice, what was invoiced straight
        from the order included), counted in the order line's unit: a line in another
        unit of its item (pieces of a line of boxes) through the item's unit, when the
        inventory tells both (:func:`_in_unit_of`).

        An invoice's (bill's) issued credit (debit) notes give back what they credit by
        quantity: invoiced is what the invoices took less what their notes' lines made
        from theirs credited (:meth:`_given_back`); a price correction gives none."""
        made = self.made_from(source, target, drafts_count=drafts_count)
        taken = converted_quantities(source, [*made, *self._given_back(source, made)],
                                     target, self.in_item_units)
        left = {ln.id: ln.quantity - taken[ln.id] for ln in source.lines}
        if source.type.direction is not Direction.SALES:
            return made, left
        # per document up the chain: its lines by id (not a search per line) and its left
        ups: dict[str, tuple[dict[str, DocumentLine], dict[str, Decimal]] | None] = {}
        for ln in source.lines:
            src = ln.source
            if src is None or not still_to_convert(ln.quantity, left[ln.id]):
                continue
            if src.document_id not in ups:
                up = self.repo.get_document(src.document_id)
                ups[src.document_id] = None if up is None or source.type in counted_with(
                    up.type, target) or target not in CONVERSIONS.get(up.type, ()) \
                    else ({u.id: u for u in up.lines},
                          self.left(up, target, drafts_count=drafts_count)[1])
            got = ups[src.document_id]
            of = None if got is None else got[0].get(src.line_id)
            if got is None or of is None:
                continue
            cap: Decimal | None = got[1][of.id]  # in the order line's unit, then in ln's
            if of.unit != ln.unit:
                cap = _in_unit_of(ln, of, got[1][of.id], self.in_item_units)
            if cap is not None:
                sign = 1 if ln.quantity > 0 else -1  # magnitudes, for a negative line too
                cap = max(cap * sign, Decimal(0))
                if left[ln.id] * sign > cap:
                    left[ln.id] = cap * sign
        return made, left

    def _given_back(self, source: Document, made: Sequence[Document]) -> list[Document]:
        """What the issued corrections (credit notes of an invoice, debit notes of a
        bill; not drafts) of the live documents ``made`` from ``source`` gave back of
        their lines made from ``source``'s: per note, a copy of the document it corrects
        with the note's lines made from those lines, negated and pointing at the
        ``source`` lines, so that they count against them (in another unit too). A note
        line of no source (a price correction, a balancing amount) gives no quantity."""
        out: list[Document] = []
        corrected: dict[DocumentType, list[Document]] = {}  # by type: one search per type
        for doc in made:
            if rules_for(doc.type).correction is not None and doc.state.is_issued and any(
                    ln.source is not None and ln.source.document_id == source.id
                    for ln in doc.lines):
                corrected.setdefault(doc.type, []).append(doc)
        notes_of: dict[str, list[Document]] = {}
        for doc_type, docs in corrected.items():
            notes_of.update(self.made_from_each(
                docs, rules_for(doc_type).correction or doc_type, drafts_count=False))
        for doc in made:
            kind = rules_for(doc.type).correction
            if kind is None or not doc.state.is_issued:
                continue  # only an issued one has notes; a cancelled one took nothing
            ups = {ln.id: ln.source for ln in doc.lines
                   if ln.source is not None and ln.source.document_id == source.id}
            for note in notes_of.get(doc.id, ()) if ups else ():
                back = tuple(attrs.evolve(ln, quantity=-ln.quantity, source=ups[ln.source.line_id])
                             for ln in note.lines if ln.source is not None
                             and ln.source.document_id == doc.id and ln.source.line_id in ups)
                if back:
                    out.append(attrs.evolve(doc, lines=back))
        return out

    def _through(self, source: Document, target: DocumentType, doc: Document) -> Document:
        """``doc`` with its lines made from an intermediate document made from ``source``
        (a delivery note of an order, not an alternative of ``target``) pointing at the
        ``source`` lines that intermediate's lines came from."""
        via_types = [t for t in CONVERSIONS.get(source.type, ())
                     if t not in counted_with(source.type, target)
                     and target in CONVERSIONS.get(t, ())]
        if not via_types or source.type.direction is not Direction.SALES:
            return doc
        back: dict[str, dict[str, LineRef]] = {}
        lines = []
        for ln in doc.lines:
            src = ln.source
            if src is not None and src.document_id != source.id:
                if src.document_id not in back:
                    mid = self.repo.get_document(src.document_id)
                    back[src.document_id] = {} if mid is None or mid.type not in via_types \
                        else {m.id: m.source for m in mid.lines if m.source is not None
                              and m.source.document_id == source.id}
                up = back[src.document_id].get(src.line_id)
                if up is not None:
                    ln = attrs.evolve(ln, source=up)
            lines.append(ln)
        return attrs.evolve(doc, lines=tuple(lines)) if back else doc

    def new_id(self) -> str:
        """A fresh id from the book's generator."""
        return str(self.ids.new_id())

    def rate(self, code: str, day: date) -> Decimal:
        """The ledger's rate of ``code`` into the functional currency on ``day``."""
        if code == self.functional:
            return Decimal(1)
        repo = self.uow.ledger
        got = repo.get_rate(code, self.functional, day)
        if got is not None:
            return Decimal(got[1])
        inverse = repo.get_rate(self.functional, code, day)
        if inverse is not None:
            return Decimal(1) / Decimal(inverse[1])
        raise NotFoundError(f"no {code}/{self.functional} rate on or before {day}; record one "
                            "with bo.ledger.set_rate()", field="rate",
                            value=f"{code}/{self.functional}")

    def fiscal_year(self, day: date) -> FiscalYearKey:
        """The fiscal year that numbers a document dated ``day``."""
        if self._years is None:
            self._years = list(self.uow.ledger.list_fiscal_years())
        return fiscal_year_of(day, self._years)

    def number(self, series: str, day: date) -> str:
        """Reserve the next number of ``series`` (a payments series) for the period its
        pattern prints on ``day`` (see :func:`.numbering.series_key`, :meth:`past_taken`).

        A payment number identifies a payment of the book, incoming or outgoing: a
        number another payment has (the patterns of ``payment_in`` and ``payment_out``
        print the same numbers) raises ``DuplicateError`` naming ``number``.
        """
        fy = self.fiscal_year(day)
        pattern = self.settings.pattern(series)
        key = series_key(pattern, fy)
        numbered = self._payment_numbered()

        def taken(number: str) -> bool:  # by this series: its counter restarted
            held = numbered(number)
            return held is not None and held.direction.series == series

        def dated(number: str) -> date | None:
            held = numbered(number)
            return held.date if held is not None and held.direction.series == series else None

        def later(day: date) -> list[tuple[date, str]]:  # (the series' payments after day)
            return [(p.date, p.number) for p in self.repo.find_payments()
                    if p.direction.series == series and p.date > day]

        seq = self.past_taken(series, fy, key, self.repo.next_number(series, key), taken)
        what = "incoming" if series == "payment_in" else "outgoing"
        self.in_date_order(series, seq, fy, day, {}, dated, later, f"{what} payment",
                           of="payment")
        number = format_number(pattern, seq, fy, series)
        holder = numbered(number)
        if holder is not None:
            raise DuplicateError(
                f"payment {holder.id} already has the number {number}: the patterns of "
                f"{holder.direction.series} and {series} print the same numbers; give them "
                "distinct prefixes with configure(patterns=...)", field="number",
                value=number)
        return number

    def _payment_numbered(self) -> Callable[[str], Payment | None]:
        """The payment with a number: the port's optional ``get_payment_by_number``, else
        the book's payments, read once, and only if asked."""
        read = getattr(self.repo, "get_payment_by_number", None)
        if read is not None:
            return read  # type: ignore[no-any-return]
        numbers: dict[str, Payment] | None = None

        def lookup(number: str) -> Payment | None:
            nonlocal numbers
            if numbers is None:
                numbers = {p.number: p for p in self.repo.find_payments()}
            return numbers.get(number)

        return lookup

    def in_date_order(self, series: str, seq: int, fy: FiscalYearKey, day: date,
                      latest: Mapping[tuple[str, str], tuple[date, str]],
                      dated: Callable[[str], date | None],
                      later: Callable[[date], Sequence[tuple[date, str]]], what: str, *,
                      of: str = "document") -> tuple[str, str] | None:
        """Refuse ``what`` (a kind of ``of``: document or payment) dated ``day`` for
        counter value ``seq`` of ``series`` when the number before its own in the series
        and period went to a later date: the numbers of a series follow the dates, of
        documents (``settings.numbers_in_date_order``, on by default) and of payments
        (``settings.payment_numbers_in_date_order``, off by default: a payment takes the
        bank's date and is often keyed late). ``None`` when the setting is off, else the
        series and counter key, under which the caller records ``(day, number)`` in
        ``latest`` when it gives more numbers in the same unit of work.

        The number before is the last one ``latest`` holds for the key, else the stored
        one ``dated`` (a read by number) finds as the pattern prints it. When the
        pattern does not print it (the series' pattern changed: an earlier pattern
        printed it), the latest of those ``later`` than ``day`` (``(date, number)`` of
        the series, read only then) in the same period is compared, whatever printed it.
        Called after the number is reserved, so the counter's lock keeps a concurrent
        number of the series out until this one is committed or rolled back; a refusal
        rolls the number back with the rest of the unit of work.
        """
        setting = "payment_numbers_in_date_order" if of == "payment" else "numbers_in_date_order"
        if not getattr(self.settings, setting):
            return None
        pattern = self.settings.pattern(series)
        key = (series, series_key(pattern, fy))
        last = latest.get(key)
        if last is None and seq > 1:
            number = format_number(pattern, seq - 1, fy, series)
            held = dated(number)
            if held is not None:
                last = (held, number)
            else:  # printed by an earlier pattern of the same period
                last = max((item for item in later(day)
                            if series_key(pattern, self.fiscal_year(item[0])) == key[1]),
                           default=None)
        if last is not None and last[0] > day:
            raise ValidationError(
                f"{last[1]} is dated {last[0]}: the numbers of a series follow the {of} "
                f"dates; "
                f"date this {what} {last[0]} or later "
                f"(configure({setting}=False) numbers in the order of issue)",
                field="date", value=day)
        return key

    def past_taken(self, series: str, fy: FiscalYearKey, key: str, first: int,
                   taken: Callable[[str], bool]) -> int:
        """``first``, the start of numbers just reserved under ``(series, key)``; when that
        counter starts anew (``first`` is 1) and its pattern prints numbers already
        ``taken``, the start after them (they are reserved too).

        Patterns that print the same period share a counter, so this happens only when
        a pattern prints the period as literal text (``INV-2026-{seq}`` after
        ``INV-{year}-{seq}``), or with counters kept under another key before. Numbering
        stays unique and gapless as printed.
        """
        if first != 1:
            return first
        pattern = self.settings.pattern(series)
        count = 0
        try:
            while taken(format_number(pattern, first + count, fy, series)):
                count += 1
        except ValidationError:  # a number the pattern cannot print: refused in its place
            pass
        if count:
            self.repo.next_numbers(series, key, count)
        return first + count

    def post(self, entry: NewEntry, given: Mapping[str, str] | None = None) -> JournalEntry:
        """Post ``entry`` to the ledger inside this unit of work; a refused account is
        named as the caller gave it (``given``: account -> field) or by its role
        (:func:`~backoffice_core.ledger.posting.named_by_role`), not by the entry's line."""
        try:
            return self.ledger.post_within(self.uow, entry).entry  # type: ignore[no-any-return]
        except BackofficeError as err:
            named_by_role(err, entry.lines, self.roles, given)
            raise

    def party(self, party_id: str, field: str = "party_id") -> Party:
        """The party ``party_id``; ``NotFoundError`` otherwise, ``ValidationError`` naming
        ``field`` for a value that cannot be an id at all (as :meth:`document` and
        :meth:`payment`)."""
        party = self.repo.get_party(party_id) if lookup_key(party_id) else None
        if party is None:
            raise not_found("party", field, party_id)
        return party

    def document(self, document_id: str, field: str = "document_id") -> Document:
        """The document ``document_id``; ``NotFoundError`` otherwise."""
        doc = self.repo.get_document(document_id) if lookup_key(document_id) else None
        if doc is None:
            raise not_found("document", field, document_id)
        return doc

    def payment(self, payment_id: str, field: str = "payment_id") -> Payment:
        """The payment ``payment_id``; ``NotFoundError`` otherwise."""
        p = self.repo.get_payment(payment_id) if lookup_key(payment_id) else None
        if p is None:
            raise not_found("payment", field, payment_id)
        return p

    def save(self, doc: Document, old: Document | None) -> Document:
        """Store ``doc``: a new document, or the next version of ``old``."""
        if old is None:
            self.repo.add_document(doc)
        else:
            self.repo.update_document(doc, old.version)
        return doc
