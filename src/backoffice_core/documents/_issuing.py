"""Creating, editing, approving, issuing, converting and cancelling documents (internal).

The operations behind :class:`~backoffice_core.documents.service.Documents`,
each inside the caller's :class:`~backoffice_core.documents._work.Work` (one
unit of work), so a document, its number, its ledger entry and the states of
the documents around it change together or not at all.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

import attrs

from backoffice_core.documents._settlement import allocate, sign_of
from backoffice_core.documents._work import Work
from backoffice_core.documents.conversions import (
    CONVERSIONS,
    converted_quantities,
    derive_lines,
    three_way_match,
)
from backoffice_core.documents.lifecycle import record_edit, rules_for, transition
from backoffice_core.documents.lines import DocumentLine
from backoffice_core.documents.model import (
    Direction,
    Document,
    DocumentRef,
    DocumentState,
    DocumentType,
    StockHandover,
    Transition,
)
from backoffice_core.documents.postings import document_entry, line_account, with_fx
from backoffice_core.documents.repository import DocumentQuery
from backoffice_core.documents.totals import document_totals
from backoffice_core.errors import ConcurrencyError, LimitExceededError, ValidationError
from backoffice_core.money import Money, RoundingPolicy, minor_digits

__all__ = [
    "EDITABLE",
    "approve",
    "cancel",
    "convert",
    "correction_draft",
    "create_draft",
    "edit_draft",
    "issue",
    "reopen",
]

_S = DocumentState
#: Fields a caller may set on a draft (besides party, currency, date and lines).
EDITABLE = frozenset({
    "allowances_charges", "due_date", "payment_terms", "rounding", "prepaid", "references",
    "external_number", "buyer_reference", "note", "delivery_date", "valid_until", "dimensions",
})


def _doc_type(value: Any) -> DocumentType:
    if isinstance(value, DocumentType):
        return value
    try:
        return DocumentType(value)
    except ValueError:
        raise ValidationError("unknown document type", field="type", value=value) from None


def _check_party(w: Work, party_id: str, type: DocumentType) -> None:
    party = w.party(party_id)
    if party.archived:
        raise ValidationError("the party is archived", field="party_id", value=party_id)
    if type.direction is Direction.SALES and not party.is_customer:
        raise ValidationError(f"a {type.label} needs a customer", field="party_id",
                              value=party_id)
    if type.direction is Direction.PURCHASE and not party.is_supplier:
        raise ValidationError(f"a {type.label} needs a supplier", field="party_id",
                              value=party_id)


def _with_totals(doc: Document) -> Document:
    return attrs.evolve(doc, totals=document_totals(doc))


def create_draft(w: Work, type: Any, party_id: str, day: date,
                 lines: Sequence[DocumentLine], *, currency: str | None, user: str,
                 fields: Mapping[str, Any]) -> Document:
    """A new draft, validated and with its totals."""
    doc_type = _doc_type(type)
    unknown = sorted(set(fields) - EDITABLE)
    if unknown:
        raise ValidationError("not a field of a new document", field=unknown[0],
                              value=fields[unknown[0]])
    _check_party(w, party_id, doc_type)
    party = w.party(party_id)
    code = currency or party.currency or w.functional
    values = {"rounding": w.settings.rounding, "payment_terms": party.payment_terms,
              **fields}
    if values.get("prepaid") is not None and not isinstance(values["prepaid"], Money):
        values["prepaid"] = Money(values["prepaid"], code)
    doc = Document(w.new_id(), doc_type, party_id, code, day, tuple(lines),
                   history=(Transition(w.now, user, "create", _S.DRAFT, _S.DRAFT, ""),),
                   **values)
    doc = _with_totals(doc)
    return w.save(doc, None)


def edit_draft(w: Work, doc_id: str, version: int, *, user: str, reason: str,
               changes: Mapping[str, Any]) -> Document:
    """The next version of a draft with ``changes``; a stale ``version`` is refused."""
    doc = w.document(doc_id)
    if doc.version != version:
        raise ConcurrencyError("the document changed since it was read", field="version",
                               value=version)
    allowed = EDITABLE | {"party_id", "currency", "date", "lines"}
    unknown = sorted(set(changes) - allowed)
    if unknown:
        raise ValidationError("this field cannot be edited", field=unknown[0],
                              value=changes[unknown[0]])
    if "party_id" in changes:
        _check_party(w, changes["party_id"], doc.type)
    values = dict(changes)
    if "lines" in values:
        values["lines"] = tuple(values["lines"])
    new = _with_totals(attrs.evolve(doc, **values))
    return w.save(record_edit(doc, new, user=user, at=w.now, reason=reason), doc)


def _to_functional(w: Work, money: Money, day: date) -> Money:
    if money.code == w.functional:
        return money
    value = RoundingPolicy.HALF_UP.quantize(money.amount * w.rate(money.code, day),
                                            minor_digits(w.functional))
    return Money(value, w.functional)


def _needs_approval(w: Work, doc: Document) -> bool:
    rule = w.settings.approval_rule(doc.type)
    if rule is None or doc.totals is None:
        return False
    total = doc.totals.tax_inclusive
    if total.code == rule.threshold.code:
        return bool(total >= rule.threshold)
    return bool(_to_functional(w, total, doc.date) >= _to_functional(w, rule.threshold,
                                                                     doc.date))


def approve(w: Work, doc_id: str, *, user: str, reason: str) -> Document:
    """Approve a draft (four eyes: not by its creator when a rule applies)."""
    doc = w.document(doc_id)
    rule = w.settings.approval_rule(doc.type)
    if rule is not None:
        if rule.approvers and user not in rule.approvers:
            raise ValidationError("this user may not approve this type of document",
                                  field="user", value=user)
        creator = doc.history[0].user if doc.history else None
        if creator == user:
            raise ValidationError("nobody approves a document they created", field="user",
                                  value=user)
    return w.save(transition(doc, _S.APPROVED, user=user, at=w.now, action="approve",
                             reason=reason), doc)


def reopen(w: Work, doc_id: str, *, user: str, reason: str) -> Document:
    """Send an approved document back to draft for changes."""
    doc = w.document(doc_id)
    return w.save(transition(doc, _S.DRAFT, user=user, at=w.now, action="reopen",
                             reason=reason), doc)


def _check_credit_limit(w: Work, doc: Document) -> None:
    party = w.party(doc.party_id)
    limit = party.credit_limit
    if limit is None or doc.type is not DocumentType.SALES_INVOICE or doc.totals is None:
        return
    functional = limit.code == w.functional
    exposure = Money(0, limit.code)
    items: list[Any] = w.repo.find_documents(DocumentQuery(
        party_id=party.id, open_only=True, direction=Direction.SALES))
    items += w.repo.find_payments(party.id, open_only=True, side=Direction.SALES)
    for it in items:
        value = it.open_functional if functional else it.open_amount
        if value is not None and value.code == limit.code:
            exposure += value * sign_of(it)
    own = doc.totals.to_settle
    exposure += _to_functional(w, own, doc.date) if functional else (
        own if own.code == limit.code else Money(0, limit.code))
    if exposure > limit:
        raise LimitExceededError(f"the customer would owe {exposure}, over the credit limit "
                                 f"{limit}", field="credit_limit", value=str(limit))


def _check_corrections(w: Work, doc: Document) -> Document | None:
    ref = doc.corrects
    if ref is None:
        return None
    original = w.document(ref.document_id, "references")
    if original.party_id != doc.party_id or original.currency != doc.currency:
        raise ValidationError("a correction has the party and currency of what it corrects",
                              field="references", value=ref.document_id)
    if original.state not in (_S.ISSUED, _S.PARTIALLY_PAID, _S.PAID, _S.CANCELLED):
        raise ValidationError("only an issued document can be corrected",
                              field="references", value=ref.document_id)
    assert original.totals is not None and doc.totals is not None
    # Partial corrections are each computed from their own lines (EN 16931), so together
    # they may differ from the original by rounding: at most one minor unit per line and
    # per VAT group of each correction. Quantities are checked exactly when converting.
    credited = doc.totals.to_settle
    slack = len(doc.lines) + len(doc.totals.breakdown)
    for other in w.repo.find_documents(DocumentQuery(types=(doc.type,),
                                                     source_id=original.id)):
        if other.id != doc.id and other.state.is_issued and other.totals is not None:
            credited += other.totals.to_settle
            slack += len(other.lines) + len(other.totals.breakdown)
    limit = original.totals.to_settle + Money(slack, doc.currency) * _minor(doc.currency)
    if credited > limit:
        raise ValidationError(f"corrections would total {credited}, more than the "
                              f"{original.totals.to_settle} of {original.number}",
                              field="lines", value=str(credited))
    return original


def _minor(code: str) -> Decimal:
    return Decimal(1).scaleb(-minor_digits(code))


def _check_match(w: Work, doc: Document) -> None:
    if doc.type is not DocumentType.SUPPLIER_BILL or doc.state is _S.APPROVED:
        return
    orders: set[str] = set()
    for ref in doc.references:
        if ref.type is DocumentType.PURCHASE_ORDER:
            orders.add(ref.document_id)
    for order_id in sorted(orders):
        order = w.document(order_id, "references")
        related = w.repo.find_documents(DocumentQuery(source_id=order_id))
        receipts = [d for d in related if d.type is DocumentType.GOODS_RECEIPT]
        receipt_ids = {r.id for r in receipts}
        bills = {d.id: d for d in related if d.type is DocumentType.SUPPLIER_BILL
                 and d.state.is_issued}
        for rid in receipt_ids:
            for d in w.repo.find_documents(DocumentQuery(source_id=rid)):
                if d.type is DocumentType.SUPPLIER_BILL and d.state.is_issued:
                    bills[d.id] = d
        bills[doc.id] = doc
        report = three_way_match(order, receipts, bills.values(), w.settings.match_tolerance)
        if not report.ok:
            raise ValidationError("three-way match fails (approve the bill to accept it): "
                                  + "; ".join(report.issues), field="lines",
                                  value=report.issues)


def issue(w: Work, doc_id: str, *, user: str, reason: str) -> Document:
    """Number, freeze and (for financial documents) post a draft or approved document."""
    old = w.document(doc_id)
    if old.state not in (_S.DRAFT, _S.APPROVED):
        raise ValidationError(f"a {old.state.value} document cannot be issued", field="state",
                              value=old.state.value)
    if not old.lines:
        raise ValidationError("a document needs at least one line", field="lines", value=())
    _check_party(w, old.party_id, old.type)
    doc = _with_totals(old)
    assert doc.totals is not None
    if _needs_approval(w, doc) and old.state is not _S.APPROVED:
        raise ValidationError("this document needs approval before it is issued",
                              field="state", value=old.state.value)
    financial = doc.type.is_financial
    original = None
    if financial:
        if doc.totals.to_settle.amount < 0:
            kind = rules_for(DocumentType.SALES_INVOICE if doc.direction is Direction.SALES
                             else DocumentType.SUPPLIER_BILL).correction
            raise ValidationError(f"the total is negative; issue a {kind.label if kind else ''}"
                                  " instead", field="lines", value=str(doc.totals.to_settle))
        original = _check_corrections(w, doc)
        _check_credit_limit(w, doc)
        _check_match(w, doc)
    number = w.number(doc.type.value, doc.date)
    changes: dict[str, Any] = {"number": number, "totals": doc.totals}
    if financial:
        terms = doc.payment_terms or w.settings.payment_terms
        if doc.due_date is None:
            changes["due_date"] = terms.due_date(doc.date)
        changes["payment_terms"] = terms
        if doc.currency != w.functional:
            # a correction takes the rate of what it corrects, so it negates it exactly
            rate = original.fx_rate if original is not None and original.fx_rate else \
                w.rate(doc.currency, doc.date)
            doc = with_fx(doc, rate, w.functional)
            changes.update(totals=doc.totals, fx_rate=doc.fx_rate,
                           functional_currency=w.functional)
        else:
            changes.update(fx_rate=None, functional_currency=w.functional)
        assert doc.totals is not None
        to_settle = doc.totals.to_settle
        changes["open_amount"] = to_settle
        changes["open_functional"] = _to_functional_at(to_settle, doc.fx_rate, w.functional)
    issued = transition(doc, _S.ISSUED, user=user, at=w.now, action="issue", reason=reason,
                        **changes)
    if financial:
        entry = w.post(document_entry(issued, w.roles, w.functional,
                                      idempotency_key=f"documents:issue:{issued.id}"))
        issued = attrs.evolve(issued, entry_id=entry.id)
    w.save(issued, old)
    if doc.type.moves_stock:
        w.hand_over([
            StockHandover(w.new_id(), issued.id, ln.id, ln.item_id, ln.quantity, ln.unit,
                          doc.type.moves_stock, issued.date, number)
            for ln in issued.lines if ln.item_id is not None])
    if financial and issued.open_amount is not None and issued.open_amount.amount == 0:
        issued = w.save(transition(issued, _S.PAID, user=user, at=w.now, action="payment",
                                   reason="nothing to pay"), issued)
    if original is not None and original.is_open and issued.is_open:
        allocate(w, issued.id, original.id, user=user, day=max(issued.date, original.date),
                 reason=f"{number} corrects {original.number}")
        issued = w.document(issued.id)
    _complete_sources(w, issued, user)
    return issued


def _to_functional_at(money: Money, rate: Any, functional: str) -> Money:
    if rate is None or money.code == functional:
        return money
    return Money(RoundingPolicy.HALF_UP.quantize(money.amount * rate, minor_digits(functional)),
                 functional)


def _complete_sources(w: Work, doc: Document, user: str) -> None:
    sources = {ln.source.document_id for ln in doc.lines if ln.source is not None}
    for source_id in sorted(sources):
        source = w.repo.get_document(source_id)
        if source is None or source.state is not _S.ISSUED or \
                doc.type not in CONVERSIONS.get(source.type, ()) or source.type.is_financial:
            continue
        live = [d for d in w.repo.find_documents(DocumentQuery(source_id=source_id))
                if d.state.is_issued]
        taken = converted_quantities(source, live, doc.type)
        if all(taken[ln.id] >= ln.quantity for ln in source.lines):
            w.save(transition(source, _S.COMPLETED, user=user, at=w.now, action="complete",
                              reason=f"converted into {doc.number}"), source)


def correction_draft(w: Work, doc_id: str, quantities: Mapping[str, Any] | None, *,
                     user: str, reason: str, day: date | None) -> Document:
    """A draft credit note (or debit note) for an issued invoice (or bill)."""
    original = w.document(doc_id)
    target = rules_for(original.type).correction
    if target is None:
        raise ValidationError(f"a {original.type.label} has no correcting document",
                              field="document_id", value=doc_id)
    if original.state not in (_S.ISSUED, _S.PARTIALLY_PAID, _S.PAID):
        raise ValidationError("only an issued document can be corrected", field="state",
                              value=original.state.value)
    earlier = [d for d in w.repo.find_documents(DocumentQuery(types=(target,),
                                                              source_id=original.id))]
    taken = converted_quantities(original, earlier, target)
    remaining = {ln.id: ln.quantity - taken[ln.id] for ln in original.lines}
    lines = derive_lines(original, quantities, remaining)
    if original.direction is Direction.PURCHASE:  # mirror the accounts the bill posted to
        by_id = {ln.id: ln for ln in original.lines}
        lines = tuple(ln if ln.account or ln.source is None else attrs.evolve(
            ln, account=line_account(original, by_id[ln.source.line_id], w.roles))
            for ln in lines)
    full = quantities is None and not any(d.state is not _S.CANCELLED for d in earlier)
    acs = original.allowances_charges if full else tuple(
        ac for ac in original.allowances_charges if ac.percent is not None)
    ref = DocumentRef(original.id, original.type, original.number, original.date)
    doc = Document(w.new_id(), target, original.party_id, original.currency,
                   max(day or w.today, original.date), lines, acs, rounding=original.rounding,
                   references=(ref,), dimensions=original.dimensions,
                   buyer_reference=original.buyer_reference, note=reason,
                   history=(Transition(w.now, user, "create", _S.DRAFT, _S.DRAFT, reason),))
    return w.save(_with_totals(doc), None)


def convert(w: Work, doc_id: str, target: Any, quantities: Mapping[str, Any] | None, *,
            user: str, day: date | None) -> Document:
    """A draft of type ``target`` made from an issued document, keeping the chain."""
    source = w.document(doc_id)
    to = _doc_type(target)
    if to not in CONVERSIONS.get(source.type, ()):
        raise ValidationError(f"a {source.type.label} does not convert into a {to.label}",
                              field="target", value=to.value)
    if rules_for(source.type).correction is to:
        return correction_draft(w, doc_id, quantities, user=user, reason="", day=day)
    if not source.state.is_issued:
        raise ValidationError(f"issue the {source.type.label} before converting it",
                              field="state", value=source.state.value)
    derived = w.repo.find_documents(DocumentQuery(types=(to,), source_id=source.id))
    taken = converted_quantities(source, derived, to)
    remaining = {ln.id: ln.quantity - taken[ln.id] for ln in source.lines}
    lines = derive_lines(source, quantities, remaining)
    refs = [r for r in source.references if r.type is not to]
    refs.append(DocumentRef(source.id, source.type, source.number, source.date))
    _check_party(w, source.party_id, to)
    doc = Document(w.new_id(), to, source.party_id, source.currency,
                   max(day or w.today, source.date), lines,
                   source.allowances_charges if quantities is None and not derived else (),
                   rounding=source.rounding, payment_terms=source.payment_terms,
                   references=tuple(refs), external_number=source.external_number,
                   buyer_reference=source.buyer_reference, dimensions=source.dimensions,
                   history=(Transition(w.now, user, "create", _S.DRAFT, _S.DRAFT,
                                       f"from {source.number}"),))
    return w.save(_with_totals(doc), None)


def cancel(w: Work, doc_id: str, *, user: str, reason: str) -> Document:
    """Cancel a document; an issued financial one through a full correcting document."""
    doc = w.document(doc_id)
    rules = rules_for(doc.type)
    if doc.state in (_S.DRAFT, _S.APPROVED) or rules.cancel_issued_directly:
        return w.save(transition(doc, _S.CANCELLED, user=user, at=w.now, action="cancel",
                                 reason=reason), doc)
    if doc.type.is_correction:
        raise ValidationError("an issued correction is not cancelled; issue a new invoice "
                              "or bill instead", field="document_id", value=doc_id)
    correction_id = None
    target = rules.correction
    assert target is not None
    earlier = w.repo.find_documents(DocumentQuery(types=(target,), source_id=doc.id))
    taken = converted_quantities(doc, earlier, target)
    if any(ln.quantity - taken[ln.id] > 0 for ln in doc.lines):
        draft = correction_draft(w, doc_id, None, user=user, reason=reason, day=None)
        correction_id = issue(w, draft.id, user=user, reason=reason).id
    current = w.document(doc_id)
    note = f"cancelled by {w.document(correction_id).number}" if correction_id else reason
    return w.save(transition(current, _S.CANCELLED, user=user, at=w.now, action="cancel",
                             reason=reason or note, via_correction=True), current)
