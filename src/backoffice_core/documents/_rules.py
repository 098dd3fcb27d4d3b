"""The rules a document must pass to be issued, and what issuing sets on it (internal).

Used by :mod:`._issue` for one document and for many: both go through the same
functions here, so issuing in bulk cannot drift from issuing one by one.
:class:`IssueContext` is what they read through: the unit of work, plus the
parties, exchange rates and credit exposures already read in this unit of work
(a bulk issue reads each once).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import Any

from backoffice_core.documents._crediting import credited, left_to_credit
from backoffice_core.documents._notes import refreshed, trailed
from backoffice_core.documents._work import Work
from backoffice_core.documents.conversions import (
    CONVERSIONS,
    MatchReport,
    still_to_convert,
    three_way_match,
)
from backoffice_core.documents.discounts import booked_parts
from backoffice_core.documents.lifecycle import evolve, rules_for, transition
from backoffice_core.documents.model import Direction, Document, DocumentState, DocumentType
from backoffice_core.documents.parties import Party
from backoffice_core.documents.payments import Payment, item_sign
from backoffice_core.documents.postings import with_fx
from backoffice_core.documents.repository import DocumentQuery
from backoffice_core.documents.totals import document_totals
from backoffice_core.errors import LimitExceededError, ValidationError
from backoffice_core.money import Money, RoundingPolicy, minor_digits

__all__ = [
    "IssueContext",
    "check_issuable",
    "check_party",
    "complete_sources",
    "debit_notes",
    "frozen",
    "is_plain",
    "match_report",
    "reopen_sources",
    "settled",
    "to_functional",
    "with_totals",
]

_S = DocumentState


def check_party(party: Party, type: DocumentType) -> None:
    """Refuse an archived party, or one on the wrong side for ``type``."""
    if party.archived:
        raise ValidationError("the party is archived", field="party_id", value=party.id)
    if type.direction is Direction.SALES and not party.is_customer:
        raise ValidationError(f"a {type.label} needs a customer", field="party_id",
                              value=party.id)
    if type.direction is Direction.PURCHASE and not party.is_supplier:
        raise ValidationError(f"a {type.label} needs a supplier", field="party_id",
                              value=party.id)


def with_totals(doc: Document) -> Document:
    """``doc`` with its totals computed from its lines."""
    return evolve(doc, totals=document_totals(doc))


def _exposure(items: Iterable[Any], limit: Money, functional: bool) -> Money:
    """What open items add to a customer's exposure, in the credit limit's currency."""
    exposure = Money(0, limit.code)
    for it in items:
        value = it.open_functional if functional else it.open_amount
        if value is not None and value.code == limit.code:
            exposure += value * (it.sign if isinstance(it, Payment)
                                 else item_sign("document", it.type))
    return exposure


class IssueContext:
    """The unit of work of an issue, with what it already read (parties, rates, exposures).

    ``pending`` holds the documents issued in this unit of work but not yet
    stored (a bulk issue stores them in one step): the credit limit counts them
    as if they were.
    """

    def __init__(self, w: Work) -> None:
        self.w = w
        self._parties: dict[str, Party] = {}
        self._rates: dict[tuple[str, date], Decimal] = {}
        self._stored_exposure: dict[str, Money] = {}
        self._pending: dict[str, Money] = {}
        #: the numbers given in this unit of work, not all stored yet (a bulk issue)
        self.numbers: dict[str, DocumentType] = {}
        #: per (series, counter key), the date and number of the last number given here
        self.latest: dict[tuple[str, str], tuple[date, str]] = {}

    def party(self, party_id: str) -> Party:
        """The party (read once per context)."""
        found = self._parties.get(party_id) if isinstance(party_id, str) else None
        if found is None:
            found = self.w.party(party_id)
            self._parties[party_id] = found
        return found

    def rate(self, code: str, day: date) -> Decimal:
        """The ledger's rate of ``code`` into the functional currency on ``day``."""
        key = (code, day)
        found = self._rates.get(key)
        if found is None:
            found = self._rates[key] = self.w.rate(code, day)
        return found

    def exposure(self, party: Party, limit: Money) -> Money:
        """What the customer owes (open documents and payments), pending issues included."""
        functional = limit.code == self.w.functional
        stored = self._stored_exposure.get(party.id)
        if stored is None:
            repo = self.w.repo
            items: list[Any] = list(repo.find_open_documents(Direction.SALES,
                                                             party_id=party.id))
            items += repo.find_payments(party.id, open_only=True, side=Direction.SALES)
            stored = self._stored_exposure[party.id] = _exposure(items, limit, functional)
        return stored + self._pending.get(party.id, Money(0, limit.code))

    def add_pending(self, doc: Document) -> None:
        """Count an issued document not yet stored in its customer's exposure."""
        party = self._parties.get(doc.party_id)
        limit = party.credit_limit if party is not None else None
        if limit is None or doc.direction is not Direction.SALES or not doc.is_open:
            return
        value = _exposure([doc], limit, limit.code == self.w.functional)
        self._pending[doc.party_id] = self._pending.get(doc.party_id,
                                                        Money(0, limit.code)) + value

    def stored(self) -> None:
        """The pending documents are stored now: what is read from now on includes them."""
        for party_id, value in self._pending.items():
            if party_id in self._stored_exposure:
                self._stored_exposure[party_id] += value
        self._pending.clear()

    def forget(self) -> None:
        """Drop what was read about exposures (after a step that may have changed them)."""
        self.stored()
        self._stored_exposure.clear()


def to_functional(ctx: IssueContext, money: Money, day: date) -> Money:
    """``money`` in the functional currency at the ledger's rate of ``day`` (half up)."""
    if money.code == ctx.w.functional:
        return money
    value = RoundingPolicy.HALF_UP.quantize(money.amount * ctx.rate(money.code, day),
                                            minor_digits(ctx.w.functional))
    return Money(value, ctx.w.functional)


def _needs_approval(ctx: IssueContext, doc: Document) -> bool:
    rule = ctx.w.settings.approval_rule(doc.type)
    if rule is None or doc.totals is None:
        return False
    total = doc.totals.tax_inclusive
    if total.code == rule.threshold.code:
        return bool(total >= rule.threshold)
    return bool(to_functional(ctx, total, doc.date) >= to_functional(ctx, rule.threshold,
                                                                      doc.date))


def _check_credit_limit(ctx: IssueContext, doc: Document) -> None:
    party = ctx.party(doc.party_id)
    limit = party.credit_limit
    if limit is None or doc.type is not DocumentType.SALES_INVOICE or doc.totals is None:
        return
    exposure = ctx.exposure(party, limit)
    own = doc.totals.to_settle
    exposure += to_functional(ctx, own, doc.date) if limit.code == ctx.w.functional else (
        own if own.code == limit.code else Money(0, limit.code))
    if exposure > limit:
        raise LimitExceededError(f"the customer would owe {exposure}, over the credit limit "
                                 f"{limit}", field="credit_limit", value=str(limit))


def _minor(code: str) -> Decimal:
    return Decimal(1).scaleb(-minor_digits(code))


def _check_corrections(w: Work, doc: Document) -> Document | None:
    ref = doc.corrects
    if ref is None:
        return None
    original = w.document(ref.document_id, "references")
    if original.party_id != doc.party_id or original.currency != doc.currency:
        raise ValidationError("a correction has the party and currency of what it corrects",
                              field="references", value=ref.document_id)
    if original.state is _S.CANCELLED:
        raise ValidationError("a cancelled document was credited in full",
                              field="references", value=ref.document_id)
    if original.state not in (_S.ISSUED, _S.PARTIALLY_PAID, _S.PAID):
        raise ValidationError("only an issued document can be corrected",
                              field="references", value=ref.document_id)
    assert original.totals is not None and doc.totals is not None
    # What is left to credit is an amount, as cancel and "credit the rest" read it
    # (._crediting). Partial corrections are each computed from their own lines (EN
    # 16931), so together they may differ from the original by rounding: at most one
    # minor unit per line and per VAT group of each correction.
    others = [d for d in w.repo.find_documents(DocumentQuery(types=(doc.type,),
                                                             source_id=original.id))
              if d.id != doc.id and d.state.is_issued]
    slack = sum((len(d.lines) + len(d.totals.breakdown) for d in [doc, *others]
                 if d.totals is not None), 0)
    parts = booked_parts(original, w.repo.find_allocations(original.id), others)
    left = left_to_credit(original, others, {(p.category.value, p.rate): p.gross.amount
                                             for p in parts})
    if doc.totals.to_settle > left + Money(slack, doc.currency) * _minor(doc.currency):
        total = credited(original, [doc, *others])
        raise ValidationError(f"corrections would total {total}, more than the "
                              f"{original.totals.to_settle} of {original.number}",
                              field="lines", value=str(total))
    return original


def _check_exemption_reasons(doc: Document, original: Document | None) -> None:
    """Refuse a sales invoice or note whose VAT breakdown has a row of category E, AE, K,
    G or O with neither an exemption reason nor a code (EN 16931 BR-E-10, BR-AE-10,
    BR-IC-10, BR-G-10, BR-O-10), naming the first line (allowance, charge) of its tax. A
    note keeps a row its original was issued without (issued before this check)."""
    if doc.direction is not Direction.SALES or doc.totals is None:
        return
    kept = {r.key for r in original.totals.breakdown if not (r.exemption_reason or
            r.exemption_code)} if original is not None and original.totals else set()
    for row in doc.totals.breakdown:
        if not row.category.needs_reason or row.exemption_reason or row.exemption_code \
                or row.key in kept:
            continue
        parts = [(f"lines[{i}]", ln.tax) for i, ln in enumerate(doc.lines)] + \
            [(f"allowances_charges[{j}]", ac.tax) for j, ac in enumerate(doc.allowances_charges)]
        where = next((f for f, t in parts if t is not None and t.key == row.key), "lines")
        raise ValidationError(f"VAT category {row.category.code} ({row.category.label}) "
                              "needs an exemption reason text or a VATEX code on the "
                              f"invoice (EN 16931 BR-{row.category.rule_prefix}-10)",
                              field=f"{where}.tax.exemption_reason", value="")


def _orders_to_match(doc: Document) -> list[str]:
    """The purchase orders a bill is matched against when issued (none once approved)."""
    if doc.type is not DocumentType.SUPPLIER_BILL or doc.state is _S.APPROVED:
        return []
    return sorted({r.document_id for r in doc.references
                   if r.type is DocumentType.PURCHASE_ORDER})


def debit_notes(w: Work, bills: Iterable[Document]) -> list[Document]:
    """The issued debit notes (neither drafts nor cancelled) of the issued ``bills``:
    what the three-way match counts against them."""
    return [note for bill in bills if bill.state.is_issued
            for note in w.made_from(bill, DocumentType.DEBIT_NOTE, drafts_count=False)]


def match_report(w: Work, order: Document, bill: Document | None = None) -> MatchReport:
    """The three-way match of the purchase order ``order`` as it stands: what was
    received and billed is what the issued goods receipts and bills hold (neither
    drafts, approved ones not yet issued, nor cancelled ones), net of the bills' issued
    debit notes. ``bill``, the bill being issued, counts with them. The one reading of
    the match, for the check at issue and for ``Documents.three_way_match``."""
    related = w.repo.find_documents(DocumentQuery(source_id=order.id))
    receipts = [d for d in related
                if d.type is DocumentType.GOODS_RECEIPT and d.state.is_issued]
    bills = {d.id: d for d in related if d.type is DocumentType.SUPPLIER_BILL
             and d.state.is_issued}
    for receipt in receipts:
        for d in w.repo.find_documents(DocumentQuery(source_id=receipt.id)):
            if d.type is DocumentType.SUPPLIER_BILL and d.state.is_issued:
                bills[d.id] = d
    if bill is not None:
        bills[bill.id] = bill
    return three_way_match(order, receipts, bills.values(), w.settings.match_tolerance,
                           debit_notes(w, bills.values()), w.in_item_units)


def _check_match(w: Work, doc: Document) -> None:
    for order_id in _orders_to_match(doc):
        report = match_report(w, w.document(order_id, "references"), doc)
        if not report.ok:
            raise ValidationError("three-way match fails (approve the bill to accept it): "
                                  + "; ".join(report.issues), field="lines",
                                  value=report.issues)


def is_plain(doc: Document) -> bool:
    """Whether issuing ``doc`` touches no other document and hands nothing over.

    Not plain: delivery notes and goods receipts (stock hand-over), corrections of
    an invoice or bill (checked against, and matched with, what they correct),
    bills matched against purchase orders, and documents converted from another
    (which may complete it). A bulk issue stores and posts plain documents
    together; the others go one at a time.
    """
    return not (doc.type.moves_stock or doc.corrects is not None or _orders_to_match(doc)
                or any(ln.source is not None for ln in doc.lines))


def check_issuable(ctx: IssueContext, old: Document, *, user: str
                   ) -> tuple[Document, Document | None]:
    """Every check before a number is taken: ``old`` with fresh totals (a note's share of
    a cash discount refreshed, in the trail as by ``user``), and what it corrects."""
    w = ctx.w
    if old.state not in (_S.DRAFT, _S.APPROVED):
        raise ValidationError(f"a {old.state.value} document cannot be issued", field="state",
                              value=old.state.value)
    if not old.lines:
        raise ValidationError("a document needs at least one line", field="lines", value=())
    check_party(ctx.party(old.party_id), old.type)
    # a note drafted before the cash discount of what it corrects: its share given back
    doc = with_totals(trailed(old, refreshed(w, old), user=user, at=w.now))
    assert doc.totals is not None
    if _needs_approval(ctx, doc):
        if old.state is not _S.APPROVED:
            raise ValidationError("this document needs approval before it is issued",
                                  field="state", value=old.state.value)
        approved = with_totals(old).totals
        assert approved is not None
        # refreshed at issue above what was approved: approved again (lower: less risk)
        if doc.totals.tax_inclusive > approved.tax_inclusive:
            raise ValidationError(
                f"refreshed at issue, the total {doc.totals.tax_inclusive} is above the "
                f"{approved.tax_inclusive} approved; reopen it and approve it again",
                field="state", value=old.state.value)
    if not doc.type.is_financial:
        return doc, None
    if doc.totals.to_settle.amount < 0:
        kind = rules_for(DocumentType.SALES_INVOICE if doc.direction is Direction.SALES
                         else DocumentType.SUPPLIER_BILL).correction
        raise ValidationError(f"the total is negative; issue a {kind.label if kind else ''}"
                              " instead", field="lines", value=str(doc.totals.to_settle))
    original = _check_corrections(w, doc)
    _check_exemption_reasons(doc, original)
    _check_credit_limit(ctx, doc)
    _check_match(w, doc)
    return doc, original


def _to_functional_at(money: Money, rate: Any, functional: str) -> Money:
    if rate is None or money.code == functional:
        return money
    return Money(RoundingPolicy.HALF_UP.quantize(money.amount * rate, minor_digits(functional)),
                 functional)


def frozen(ctx: IssueContext, doc: Document, number: str, original: Document | None, *,
           user: str, reason: str) -> Document:
    """``doc`` issued as ``number``: terms, due date, rate and open amounts set, in state issued."""
    w = ctx.w
    changes: dict[str, Any] = {"number": number, "totals": doc.totals}
    if doc.type.is_financial:
        terms = doc.payment_terms or w.settings.payment_terms
        if doc.due_date is None:
            changes["due_date"] = terms.due_date(doc.date)
        changes["payment_terms"] = terms
        if doc.currency != w.functional:
            # a correction takes the rate of what it corrects, so it negates it exactly
            rate = original.fx_rate if original is not None and original.fx_rate else \
                ctx.rate(doc.currency, doc.date)
            doc = with_fx(doc, rate, w.functional)
            changes.update(totals=doc.totals, fx_rate=doc.fx_rate,
                           functional_currency=w.functional)
        else:
            changes.update(fx_rate=None, functional_currency=w.functional)
        assert doc.totals is not None
        if doc.direction is Direction.PURCHASE and any(
                r.category.self_assessed for r in doc.totals.breakdown):
            # reverse charge (AE) or an intra-community acquisition (K): self-assessed at
            # the book's rate; a correction at the rate of what it corrects
            changes["reverse_charge_rate"] = original.reverse_charge_rate \
                if original is not None else w.settings.reverse_charge_rate
        to_settle = doc.totals.to_settle
        changes["open_amount"] = to_settle
        changes["open_functional"] = _to_functional_at(to_settle, doc.fx_rate, w.functional)
    return transition(doc, _S.ISSUED, user=user, at=w.now, action="issue", reason=reason,
                      **changes)


def settled(ctx: IssueContext, issued: Document, entry_id: str | None, *,
            user: str) -> Document:
    """``issued`` with its ledger entry, and paid at once when nothing is left to pay."""
    if entry_id is not None:
        issued = evolve(issued, entry_id=entry_id)
    if issued.type.is_financial and issued.open_amount is not None \
            and issued.open_amount.amount == 0:
        issued = transition(issued, _S.PAID, user=user, at=ctx.w.now, action="payment",
                            reason="nothing to pay")
    return issued


def _sources(w: Work, doc: Document) -> list[Document]:
    """The documents ``doc`` was converted from (its lines' sources and its references)
    that its type converts from, financial ones aside: those it completes (and reopens).
    The documents before those count too: an order whose invoice is made from its
    delivery note references both (see :meth:`~._work.Work.made_from`)."""
    ids = {ln.source.document_id for ln in doc.lines if ln.source is not None}
    ids.update(r.document_id for r in doc.references)
    found = (w.repo.get_document(source_id) for source_id in sorted(ids))
    return [source for source in found if source is not None and not source.type.is_financial
            and doc.type in CONVERSIONS.get(source.type, ())]


def _converted(w: Work, source: Document, target: DocumentType) -> bool:
    """Whether nothing of ``source`` is left to convert into ``target`` (negative lines
    included: an order whose rebate is not invoiced is not complete)."""
    _, left = w.left(source, target, drafts_count=False)
    return not any(still_to_convert(ln.quantity, left[ln.id]) for ln in source.lines)


def complete_sources(w: Work, doc: Document, user: str) -> Document:
    """Complete the documents ``doc`` was converted from (:func:`_sources`) once nothing
    is left to convert into ``doc``'s type, and those made on the way from them that
    nothing is left of either (:func:`_on_the_way`: an order's delivery notes, once the
    order is invoiced in full directly or through another of its notes); and ``doc``
    itself, issued with nothing left (a delivery note of an order invoiced in full
    before it). Returns ``doc`` as saved."""
    sources = _sources(w, doc)
    for source in sources:
        if source.state is _S.ISSUED and _converted(w, source, doc.type):
            w.save(transition(source, _S.COMPLETED, user=user, at=w.now, action="complete",
                              reason=f"converted into {doc.number}"), source)
    done = {s.id for s in sources}
    for source in sources:
        for d in _on_the_way(w, source, doc.type, _S.ISSUED):
            if d.id not in done and _converted(w, d, doc.type):
                done.add(d.id)
                w.save(transition(d, _S.COMPLETED, user=user, at=w.now, action="complete",
                                  reason=f"{source.number} converted into {doc.number}"), d)
    if sources and doc.state is _S.ISSUED and not doc.type.is_financial:  # made whole already:
        whole = [t for t in CONVERSIONS.get(doc.type, ()) if _converted(w, doc, t)]
        if whole:  # (a delivery note of an order invoiced in full before it was made)
            return w.save(transition(doc, _S.COMPLETED, user=user, at=w.now,
                                     action="complete",
                                     reason=f"nothing left to convert into {whole[0].value}"),
                          doc)
    return doc


def _on_the_way(w: Work, source: Document, target: DocumentType,
                state: DocumentState = _S.COMPLETED) -> list[Document]:
    """The documents in ``state`` made from the sales document ``source`` on the way to
    ``target`` (an order's delivery notes, for an invoice): each has no more left to
    convert than ``source`` has (:meth:`~._work.Work.left`), so what ``source`` gets
    back may give them some too, and what it gives away may leave them none."""
    if source.type.direction is not Direction.SALES:
        return []
    via = tuple(t for t in CONVERSIONS.get(source.type, ())
                if t is not target and target in CONVERSIONS.get(t, ()))
    if not via:
        return []
    return [d for d in w.repo.find_documents(DocumentQuery(types=via, source_id=source.id))
            if d.state is state]


def reopen_sources(w: Work, doc: Document, user: str, reason: str) -> None:
    """Issue again (``reopen``, with ``reason``) the completed documents ``doc`` was
    converted from (:func:`_sources`), and those made on the way from them (an order's
    delivery notes: :func:`_on_the_way`), none of whose conversions is whole any more:
    the mirror of :func:`complete_sources`, after ``doc``'s corrections gave quantity
    back or ``doc`` was cancelled. One whole conversion keeps a document completed (an
    order delivered in full, whatever is left to invoice), as it completed it. An
    archived quote or order leaves the archive (an issued one is pending: never
    archived)."""
    sources = _sources(w, doc)
    around = [d for s in sources for d in _on_the_way(w, s, doc.type)]
    seen: set[str] = set()
    for source in [*sources, *around]:
        if source.id in seen:  # (a delivery note the invoice was made from: in both)
            continue
        seen.add(source.id)
        if source.state is _S.COMPLETED and not any(
                _converted(w, source, t) for t in CONVERSIONS[source.type]):
            archived = source.archived and rules_for(source.type).finished_when_issued
            w.save(transition(source, _S.ISSUED, user=user, at=w.now, action="reopen",
                              reason=reason, archived=archived), source)
