"""The documents service, reached as ``bo.documents``.

Every method runs in one unit of work: a document, its number, its ledger
entry and the states of the documents it touches are written together, or,
when anything fails, not at all. The book's ledger must be set up first
(``bo.ledger.setup(...)``); postings go through its roles.

Example:
    >>> from datetime import date
    >>> import backoffice_core as bc
    >>> from backoffice_core.documents import Tax, line
    >>> bo = bc.Backoffice.open("memory://")
    >>> bo.ledger.setup("Shop", currency="EUR", chart="generic")
    >>> acme = bo.documents.create_party("Acme GmbH")
    >>> inv = bo.documents.create_invoice(acme.id, date(2026, 3, 2),
    ...                                   [line("Widget", 3, "19.99", Tax.standard(19))])
    >>> inv = bo.documents.issue(inv.id, user="alice")
    >>> inv.number, inv.totals.amount_due
    ('INV-2026-00001', Money('71.36', 'EUR'))
    >>> bo.ledger.balance("1140")
    Money('71.36', 'EUR')
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from backoffice_core.choices import choice
from backoffice_core.documents import _issuing as issuing
from backoffice_core.documents._drafts_api import DraftsApi
from backoffice_core.documents._parties_api import PartiesApi
from backoffice_core.documents._payments_api import PaymentsApi
from backoffice_core.documents._rules import match_report
from backoffice_core.documents._service_base import many_of
from backoffice_core.documents.conversions import MatchReport
from backoffice_core.documents.lifecycle import archive as _archive
from backoffice_core.documents.lines import DocumentLine
from backoffice_core.documents.model import (
    Document,
    DocumentState,
    DocumentType,
    StockHandover,
)
from backoffice_core.documents.repository import DocumentQuery
from backoffice_core.errors import NotFoundError
from backoffice_core.text import check_lookup

__all__ = ["Documents"]


class Documents(PartiesApi, PaymentsApi, DraftsApi):
    """Parties, commercial documents, payments and their reports for one book.

    Built by :class:`~backoffice_core.Backoffice` with the book's unit-of-work
    factory, ledger service, clock and id generator.

    Example:
        >>> import backoffice_core as bc
        >>> bo = bc.Backoffice.open("memory://")
        >>> bo.ledger.setup("Shop", currency="EUR", chart="generic")
        >>> type(bo.documents).__name__
        'Documents'
    """

    # ------------------------------------------------------------------ documents
    def create(self, type: DocumentType | str, party_id: str, date: date,
               lines: Sequence[DocumentLine], *, currency: str | None = None,
               user: str = "system", **fields: Any) -> Document:
        """Create a draft of any type. ``currency`` defaults to the party's, then the book's.

        ``fields``: ``allowances_charges``, ``due_date``, ``payment_terms``,
        ``rounding``, ``prepaid``, ``references``, ``external_number``,
        ``buyer_reference``, ``note``, ``delivery_date``, ``valid_until``, ``dimensions``.

        Example:
            >>> from datetime import date
            >>> import backoffice_core as bc
            >>> from backoffice_core.documents import Tax, line
            >>> bo = bc.Backoffice.open("memory://")
            >>> bo.ledger.setup("Shop", currency="EUR", chart="generic")
            >>> c = bo.documents.create_party("Acme")
            >>> q = bo.documents.create("quote", c.id, date(2026, 1, 5),
            ...                         [line("Design", 10, "80.00", Tax.standard(20))])
            >>> q.state.value, q.totals.tax_inclusive
            ('draft', Money('960.00', 'EUR'))
        """
        with self._work() as w:
            return issuing.create_draft(w, type, party_id, date, lines, currency=currency,
                                        user=user, fields=fields)

    def create_invoice(self, customer_id: str, date: date, lines: Sequence[DocumentLine], *,
                       currency: str | None = None, user: str = "system",
                       **fields: Any) -> Document:
        """Create a draft sales invoice (see :meth:`create`).

        Example:
            >>> from datetime import date
            >>> import backoffice_core as bc
            >>> from backoffice_core.documents import Tax, line
            >>> bo = bc.Backoffice.open("memory://")
            >>> bo.ledger.setup("Shop", currency="EUR", chart="generic")
            >>> c = bo.documents.create_party("Acme")
            >>> bo.documents.create_invoice(c.id, date(2026, 1, 5),
            ...     [line("Box", 1, "24.99", Tax.standard(20), price_includes_tax=True)]
            ... ).totals.tax_total
            Money('4.16', 'EUR')
        """
        return self.create(DocumentType.SALES_INVOICE, customer_id, date, lines,
                           currency=currency, user=user, **fields)

    def create_bill(self, supplier_id: str, date: date, lines: Sequence[DocumentLine], *,
                    currency: str | None = None, user: str = "system",
                    **fields: Any) -> Document:
        """Create a draft supplier bill (``external_number``: the supplier's number).

        Example:
            >>> from datetime import date
            >>> import backoffice_core as bc
            >>> from backoffice_core.documents import Tax, line
            >>> bo = bc.Backoffice.open("memory://")
            >>> bo.ledger.setup("Shop", currency="EUR", chart="generic")
            >>> s = bo.documents.create_party("Paper Co", is_customer=False, is_supplier=True)
            >>> bo.documents.create_bill(s.id, date(2026, 1, 5), [line("Paper", 5, "4.00",
            ...     Tax.standard(20), account="6400")], external_number="F-991").type.value
            'supplier_bill'
        """
        return self.create(DocumentType.SUPPLIER_BILL, supplier_id, date, lines,
                           currency=currency, user=user, **fields)

    def import_document(self, data: Mapping[str, Any], *, user: str = "system") -> Document:
        """Create a draft from untrusted JSON-like data (validated by ``schemas``).

        Example:
            >>> import backoffice_core as bc
            >>> bo = bc.Backoffice.open("memory://")
            >>> bo.ledger.setup("Shop", currency="EUR", chart="generic")
            >>> c = bo.documents.create_party("Acme")
            >>> d = bo.documents.import_document({"type": "sales_invoice", "party_id": c.id,
            ...     "date": "2026-01-05", "lines": [{"description": "Widget",
            ...     "quantity": "2", "unit_price": "10.00", "tax": {"category": "S",
            ...     "rate": "20"}}]})
            >>> d.totals.amount_due
            Money('24.00', 'EUR')
        """
        from backoffice_core.schemas import parse_document

        spec = parse_document(data)
        return self.create(spec.pop("type"), spec.pop("party_id"), spec.pop("date"),
                           spec.pop("lines"), currency=spec.pop("currency"), user=user,
                           **spec)

    def update(self, document_id: str, *, version: int, user: str = "system",
               reason: str = "", **changes: Any) -> Document:
        """Edit a draft: ``version`` is the one you read; a stale one raises
        :class:`~backoffice_core.errors.ConcurrencyError`. Issued documents never change.

        Example:
            >>> from datetime import date
            >>> import backoffice_core as bc
            >>> from backoffice_core.documents import Tax, line
            >>> bo = bc.Backoffice.open("memory://")
            >>> bo.ledger.setup("Shop", currency="EUR", chart="generic")
            >>> c = bo.documents.create_party("Acme")
            >>> d = bo.documents.create_invoice(c.id, date(2026, 1, 5),
            ...                                 [line("A", 1, "10.00", Tax.zero())])
            >>> d2 = bo.documents.update(d.id, version=d.version, note="Thank you")
            >>> d2.note, d2.version
            ('Thank you', 1)
            >>> bo.documents.update(d.id, version=d.version, note="late")
            Traceback (most recent call last):
            ...
            backoffice_core.errors.ConcurrencyError: version=0: the document changed ...
        """
        with self._work() as w:
            return issuing.edit_draft(w, document_id, version, user=user, reason=reason,
                                      changes=changes)

    def approve(self, document_id: str, *, user: str, reason: str = "") -> Document:
        """Approve a draft (needed before issue when an approval rule applies).

        Example:
            >>> from datetime import date
            >>> import backoffice_core as bc
            >>> from backoffice_core.documents import Tax, line
            >>> bo = bc.Backoffice.open("memory://")
            >>> bo.ledger.setup("Shop", currency="EUR", chart="generic")
            >>> c = bo.documents.create_party("Acme")
            >>> d = bo.documents.create_invoice(c.id, date(2026, 1, 5),
            ...                                 [line("A", 1, "10.00", Tax.zero())])
            >>> bo.documents.approve(d.id, user="bob").state.value
            'approved'
        """
        with self._work() as w:
            return issuing.approve(w, document_id, user=user, reason=reason)

    def reopen(self, document_id: str, *, user: str, reason: str = "") -> Document:
        """Send an approved document back to draft.

        Example:
            >>> from datetime import date
            >>> import backoffice_core as bc
            >>> from backoffice_core.documents import Tax, line
            >>> bo = bc.Backoffice.open("memory://")
            >>> bo.ledger.setup("Shop", currency="EUR", chart="generic")
            >>> c = bo.documents.create_party("Acme")
            >>> d = bo.documents.create_invoice(c.id, date(2026, 1, 5),
            ...                                 [line("A", 1, "1.00", Tax.zero())])
            >>> d = bo.documents.approve(d.id, user="bob")
            >>> bo.documents.reopen(d.id, user="bob", reason="price").state.value
            'draft'
        """
        with self._work() as w:
            return issuing.reopen(w, document_id, user=user, reason=reason)

    def issue(self, document_id: str, *, user: str = "system", reason: str = "") -> Document:
        """Issue a draft or approved document: number it, freeze it and, for invoices,
        credit notes, bills and debit notes, post it to the ledger. A credit or debit
        note is matched against the document it corrects.

        Example:
            >>> from datetime import date
            >>> import backoffice_core as bc
            >>> from backoffice_core.documents import Tax, line
            >>> bo = bc.Backoffice.open("memory://")
            >>> bo.ledger.setup("Shop", currency="EUR", chart="generic")
            >>> c = bo.documents.create_party("Acme")
            >>> d = bo.documents.create_invoice(c.id, date(2026, 1, 5),
            ...                                 [line("A", 1, "10.00", Tax.standard(20))])
            >>> d = bo.documents.issue(d.id, user="alice")
            >>> d.number, d.state.value, d.history[-1].user
            ('INV-2026-00001', 'issued', 'alice')
        """
        with self._work() as w:
            return issuing.issue(w, document_id, user=user, reason=reason)

    def issue_many(self, document_ids: Sequence[str], *, user: str = "system",
                   reason: str = "") -> list[Document]:
        """Issue many drafts or approved documents at once: all of them, or none.

        The result is what :meth:`issue` called for each id in turn would give
        (the same numbers in the same order, the same ledger entries in the same
        hash chain, the same states and audit trail, one idempotency key per
        document), but in one unit of work, linear and batched: the documents
        are read in one call, each series reserves its numbers in one call, and
        the entries and documents are written in bulk. If any document is
        refused, nothing changes (no number is used, no entry posted) and the
        error names it: ``document_ids[i].<field>``.

        Example:
            >>> from datetime import date
            >>> import backoffice_core as bc
            >>> from backoffice_core.documents import Tax, line
            >>> bo = bc.Backoffice.open("memory://")
            >>> bo.ledger.setup("Shop", currency="EUR", chart="generic")
            >>> c = bo.documents.create_party("Acme")
            >>> drafts = [bo.documents.create_invoice(c.id, date(2026, 1, d),
            ...           [line("A", 1, "10.00", Tax.standard(20))]).id for d in (5, 6, 7)]
            >>> [d.number for d in bo.documents.issue_many(drafts, user="alice")]
            ['INV-2026-00001', 'INV-2026-00002', 'INV-2026-00003']
            >>> bo.ledger.balance("1140")
            Money('36.00', 'EUR')
            >>> bo.documents.issue_many([drafts[0]])
            Traceback (most recent call last):
            ...
            backoffice_core.errors.ValidationError: document_ids[0].state='issued': a issued ...
        """
        with self._work() as w:
            return issuing.issue_many(w, document_ids, user=user, reason=reason)

    def cancel(self, document_id: str, *, user: str = "system", reason: str = "",
               on: date | None = None) -> Document:
        """Cancel a document. An issued invoice or bill is cancelled only through a credit
        note or debit note, which this issues (and posts) for what is not yet credited.

        The note is dated ``on`` (default: today, by the book's clock; never before the
        document), as is the stock an issued delivery note or goods receipt hands back.
        With numbers in date order (``numbers_in_date_order``), a note dated before the
        last one of its series is refused with ``field="on"``: pass a later ``on``. After
        an early-payment (cash) discount the note credits what is left less the discount
        and gives the discount back per VAT group (as :meth:`credit` does), so the
        invoice and the discount cancel exactly; what was paid is the note's
        open amount (the refund due). What the cancelled document was converted from
        and completed (an order, a quote, a delivery note) is issued again when none of
        its conversions is whole any more (``reopen`` in its trail).

        Example:
            >>> from datetime import date
            >>> import backoffice_core as bc
            >>> from backoffice_core.documents import Tax, line
            >>> bo = bc.Backoffice.open("memory://")
            >>> bo.ledger.setup("Shop", currency="EUR", chart="generic")
            >>> c = bo.documents.create_party("Acme")
            >>> d = bo.documents.issue(bo.documents.create_invoice(c.id, date(2026, 1, 5),
            ...     [line("A", 1, "10.00", Tax.standard(20))]).id)
            >>> bo.documents.cancel(d.id, reason="wrong customer").state.value
            'cancelled'
            >>> bo.ledger.balance("1140")
            Money('0.00', 'EUR')

            A note dated later than today (the clock) comes first in the series, so
            today's would break the date order; ``on`` dates it:

            >>> from datetime import UTC, datetime
            >>> from backoffice_core.ports import FixedClock
            >>> bo = bc.Backoffice.open("memory://", clock=FixedClock(
            ...     datetime(2026, 1, 10, tzinfo=UTC)))
            >>> bo.ledger.setup("Shop", currency="EUR", chart="generic")
            >>> c = bo.documents.create_party("Acme")
            >>> a, b = (bo.documents.issue(bo.documents.create_invoice(c.id, date(2026, 1, 5),
            ...     [line("A", 1, "10.00", Tax.zero())]).id) for _ in range(2))
            >>> bo.documents.issue(bo.documents.credit(a.id, date=date(2026, 1, 20)).id).number
            'CN-2026-00001'
            >>> try:
            ...     bo.documents.cancel(b.id)
            ... except bc.ValidationError as err:
            ...     print(err.field, err.value)
            on 2026-01-10
            >>> bo.documents.cancel(b.id, on=date(2026, 1, 20)).state.value
            'cancelled'
        """
        with self._work() as w:
            return issuing.cancel(w, document_id, user=user, reason=reason, on=on)

    def credit(self, document_id: str, quantities: Mapping[str, Any] | None = None, *,
               prices: Mapping[str, Any] | None = None, user: str = "system",
               reason: str = "", date: date | None = None) -> Document:
        """A draft credit note for an invoice (debit note for a bill): everything not yet
        credited, or ``quantities`` per line id. Issue it to post it.

        A note made from the lines gives their quantities back (goods returned: a
        received bill line's units go back to goods received not invoiced); issued, it
        issues again a completed order (quote, delivery note, receipt) the invoice was
        made from when none of its conversions is whole any more. With
        ``prices`` (line id -> the new, lower unit price) it is a price correction:
        the price difference for the quantities not yet credited (or ``quantities``),
        posted where the line's price difference goes (``price_variance`` for a
        received bill line), returning no goods and crediting no quantity. Each of its
        lines keeps the id of the line it corrects (the three-way match reads the link
        there).

        Example:
            >>> from datetime import date
            >>> import backoffice_core as bc
            >>> from backoffice_core.documents import Tax, line
            >>> bo = bc.Backoffice.open("memory://")
            >>> bo.ledger.setup("Shop", currency="EUR", chart="generic")
            >>> c = bo.documents.create_party("Acme")
            >>> d = bo.documents.issue(bo.documents.create_invoice(c.id, date(2026, 1, 5),
            ...     [line("A", 4, "10.00", Tax.standard(20))]).id)
            >>> cn = bo.documents.credit(d.id, {"1": 1}, reason="one returned")
            >>> cn.type.value, cn.totals.amount_due, cn.corrects.number
            ('credit_note', Money('12.00', 'EUR'), 'INV-2026-00001')
            >>> repriced = bo.documents.credit(d.id, prices={"1": "9.00"})  # 3 x 1.00
            >>> repriced.totals.amount_due, [(ln.id, ln.source) for ln in repriced.lines]
            (Money('3.60', 'EUR'), [('1', None)])
        """
        with self._work() as w:
            return issuing.correction_draft(w, document_id, quantities, user=user,
                                            reason=reason, day=date, prices=prices)

    def convert(self, document_id: str, to: DocumentType | str,
                quantities: Mapping[str, Any] | None = None, *, user: str = "system",
                date: date | None = None) -> Document:
        """A draft of type ``to`` from an issued document (quote -> order -> invoices,
        order -> delivery note, purchase order -> goods receipt -> bill), for what is
        left or for ``quantities`` per line id. The chain is kept in references.

        Example:
            >>> from datetime import date
            >>> import backoffice_core as bc
            >>> from backoffice_core.documents import Tax, line
            >>> bo = bc.Backoffice.open("memory://")
            >>> bo.ledger.setup("Shop", currency="EUR", chart="generic")
            >>> c = bo.documents.create_party("Acme")
            >>> so = bo.documents.issue(bo.documents.create(
            ...     "sales_order", c.id, date(2026, 1, 5), [line("A", 10, "5.00", Tax.zero())]).id)
            >>> inv = bo.documents.convert(so.id, "sales_invoice", {"1": 4})
            >>> inv.lines[0].quantity, inv.references[0].number
            (Decimal('4'), 'SO-2026-00001')
        """
        with self._work() as w:
            return issuing.convert(w, document_id, to, quantities, user=user, day=date)

    def archive(self, document_id: str, *, user: str = "system", reason: str = "",
                archived: bool = True) -> Document:
        """Archive a finished document (``archived=False`` restores it); it stays readable
        and searchable.

        Example:
            >>> from datetime import date
            >>> import backoffice_core as bc
            >>> from backoffice_core.documents import Tax, line
            >>> bo = bc.Backoffice.open("memory://")
            >>> bo.ledger.setup("Shop", currency="EUR", chart="generic")
            >>> c = bo.documents.create_party("Acme")
            >>> q = bo.documents.issue(bo.documents.create("quote", c.id, date(2026, 1, 5),
            ...     [line("A", 1, "1.00", Tax.zero())]).id)
            >>> q = bo.documents.cancel(q.id, reason="declined")
            >>> bo.documents.archive(q.id).archived, len(bo.documents.find(archived=True))
            (True, 1)
        """
        with self._work() as w:
            doc = w.document(document_id)
            return w.save(_archive(doc, user=user, at=w.now, reason=reason,
                                   archived=archived), doc)

    def get(self, document_id: str) -> Document:
        """The document ``document_id``; :class:`~backoffice_core.errors.NotFoundError`
        otherwise.

        Example:
            >>> from datetime import date
            >>> import backoffice_core as bc
            >>> from backoffice_core.documents import Tax, line
            >>> bo = bc.Backoffice.open("memory://")
            >>> bo.ledger.setup("Shop", currency="EUR", chart="generic")
            >>> c = bo.documents.create_party("Acme")
            >>> d = bo.documents.create_invoice(c.id, date(2026, 1, 5),
            ...                                 [line("A", 1, "1.00", Tax.zero())])
            >>> bo.documents.get(d.id) == d
            True
        """
        check_lookup("document_id", document_id)
        with self._read() as w:
            return w.document(document_id)

    def by_number(self, type: DocumentType | str, number: str) -> Document:
        """The document of ``type`` with ``number``.

        Example:
            >>> from datetime import date
            >>> import backoffice_core as bc
            >>> from backoffice_core.documents import Tax, line
            >>> bo = bc.Backoffice.open("memory://")
            >>> bo.ledger.setup("Shop", currency="EUR", chart="generic")
            >>> c = bo.documents.create_party("Acme")
            >>> d = bo.documents.issue(bo.documents.create_invoice(c.id, date(2026, 1, 5),
            ...     [line("A", 1, "1.00", Tax.zero())]).id)
            >>> bo.documents.by_number("sales_invoice", "INV-2026-00001").id == d.id
            True
        """
        kind = choice(DocumentType, type, "type")
        check_lookup("number", number)
        with self._read() as w:
            doc = w.repo.get_by_number(kind, number)
        if doc is None:
            raise NotFoundError("no document with this number", field="number", value=number)
        return doc

    def find(self, *, type: Any = None, state: Any = None, party_id: str | None = None,
             text: str | None = None, start: date | None = None, end: date | None = None,
             archived: bool | None = None, open_only: bool = False,
             source_id: str | None = None, limit: int | None = None) -> list[Document]:
        """Search documents (archived ones included unless ``archived=False``). A
        ``party_id`` or ``source_id`` the book does not have is a ``NotFoundError`` naming
        it (an archived party is found); a range ending before it starts a
        ``ValidationError`` naming ``end``.

        Example:
            >>> from datetime import date
            >>> import backoffice_core as bc
            >>> from backoffice_core.documents import Tax, line
            >>> bo = bc.Backoffice.open("memory://")
            >>> bo.ledger.setup("Shop", currency="EUR", chart="generic")
            >>> c = bo.documents.create_party("Acme")
            >>> _ = bo.documents.create_invoice(c.id, date(2026, 1, 5),
            ...                                 [line("A", 1, "1.00", Tax.zero())])
            >>> [d.state.value for d in bo.documents.find(type="sales_invoice", party_id=c.id)]
            ['draft']
        """
        query = DocumentQuery(many_of(type, DocumentType, "type"),
                              many_of(state, DocumentState, "state"), party_id, text, start, end,
                              archived, open_only, source_id, None, limit)
        with self._read() as w:
            if query.party_id is not None:
                w.party(query.party_id)
            if query.source_id is not None:
                w.document(query.source_id, "source_id")
            return w.repo.find_documents(query)

    def three_way_match(self, purchase_order_id: str) -> MatchReport:
        """Ordered, received and billed quantities and prices of a purchase order, with
        what goes beyond the book's match tolerance.

        What counts is what the check at a bill's issue counts: the issued goods
        receipts and bills (not drafts, approved bills not yet issued, or cancelled
        ones). Billed is net of the bills' issued debit notes: goods given back lower the
        billed quantity and value, a price correction the value only
        (:func:`.conversions.three_way_match`). Prices are net unit prices (after the
        lines' allowances and charges, before VAT); an order line with lines of its item
        in another unit against it compares in the item's unit (the inventory's units).

        Example:
            >>> from datetime import date
            >>> import backoffice_core as bc
            >>> from backoffice_core.documents import Tax, line
            >>> bo = bc.Backoffice.open("memory://")
            >>> bo.ledger.setup("Shop", currency="EUR", chart="generic")
            >>> s = bo.documents.create_party("Paper Co", is_customer=False, is_supplier=True)
            >>> po = bo.documents.issue(bo.documents.create("purchase_order", s.id,
            ...     date(2026, 1, 5), [line("Paper", 10, "4.00", Tax.standard(20))]).id)
            >>> gr = bo.documents.issue(bo.documents.convert(po.id, "goods_receipt", {"1": 8}).id)
            >>> m = bo.documents.three_way_match(po.id)
            >>> m.ok, m.lines[0].received
            (True, Decimal('8'))
            >>> bill = bo.documents.issue(bo.documents.convert(gr.id, "supplier_bill").id)
            >>> _ = bo.documents.issue(bo.documents.credit(bill.id, {"1": 2}).id)
            >>> m = bo.documents.three_way_match(po.id).lines[0]
            >>> m.billed, m.billed_price
            (Decimal('6'), Decimal('4.00'))
        """
        check_lookup("purchase_order_id", purchase_order_id)
        with self._read() as w:
            return match_report(w, w.document(purchase_order_id, "purchase_order_id"))

    def handovers(self, document_id: str | None = None) -> list[StockHandover]:
        """Quantities issued delivery notes and goods receipts hand over to inventory (of
        one document: one the book does not have is a ``NotFoundError``).

        Example:
            >>> from datetime import date
            >>> import backoffice_core as bc
            >>> from backoffice_core.documents import Tax, line
            >>> bo = bc.Backoffice.open("memory://")
            >>> bo.ledger.setup("Shop", currency="EUR", chart="generic")
            >>> c = bo.documents.create_party("Acme")
            >>> so = bo.documents.issue(bo.documents.create("sales_order", c.id, date(2026, 1, 5),
            ...     [line("Chair", 2, "50.00", Tax.zero(), item_id="CH-1")]).id)
            >>> _ = bo.documents.issue(bo.documents.convert(so.id, "delivery_note").id)
            >>> [(h.item_id, h.quantity, h.direction) for h in bo.documents.handovers()]
            [('CH-1', Decimal('2'), -1)]
        """
        check_lookup("document_id", document_id, optional=True)
        with self._read() as w:
            if document_id is not None:
                w.document(document_id)
            return w.repo.list_handovers(document_id)
