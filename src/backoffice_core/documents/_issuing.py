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

from backoffice_core.choices import choice
from backoffice_core.dates import check_date
from backoffice_core.documents import _issue
from backoffice_core.documents._crediting import left_to_credit
from backoffice_core.documents._notes import booked, note_content, refreshed, trailed
from backoffice_core.documents._rules import check_party, reopen_sources, with_totals
from backoffice_core.documents._work import Work
from backoffice_core.documents.conversions import (
    CONVERSIONS,
    derive_allowances,
    derive_lines,
)
from backoffice_core.documents.lifecycle import record_edit, rules_for, transition
from backoffice_core.documents.lines import DocumentLine
from backoffice_core.documents.model import (
    Document,
    DocumentRef,
    DocumentState,
    DocumentType,
    Transition,
    check_due_date,
    check_user,
    check_valid_until,
)
from backoffice_core.documents.parties import Party
from backoffice_core.documents.totals import as_prepaid
from backoffice_core.errors import BackofficeError, ConcurrencyError, ValidationError
from backoffice_core.text import check_text, kept_text

__all__ = [
    "EDITABLE",
    "approve",
    "build_draft",
    "cancel",
    "convert",
    "correction_draft",
    "create_draft",
    "edit_draft",
    "issue",
    "issue_many",
    "reopen",
]

_S = DocumentState
#: Fields a caller may set on a draft (besides party, currency, date and lines).
EDITABLE = frozenset({
    "allowances_charges", "due_date", "payment_terms", "rounding", "prepaid", "references",
    "external_number", "buyer_reference", "note", "delivery_date", "valid_until", "dimensions",
})


def _doc_type(value: Any) -> DocumentType:
    return choice(DocumentType, value, "type")


def _check_party(w: Work, party_id: str, type: DocumentType) -> None:
    check_party(w.party(party_id), type)


def _given_lines(lines: Any) -> tuple[DocumentLine, ...]:
    """``lines`` as a tuple; a typed error naming ``lines`` when they are not a list."""
    try:
        given = tuple(lines) if not isinstance(lines, str | bytes) else None
    except TypeError:  # not iterable
        given = None
    if given is None:
        raise ValidationError("lines must be a list of DocumentLine", field="lines",
                              value=lines)
    return given


def _check_day(day: date | None) -> None:
    """Refuse a ``date`` given as anything but a date."""
    check_date(day, "date", optional=True)


def _left(w: Work, source: Document, target: DocumentType, *, drafts_count: bool = True
          ) -> tuple[list[Document], dict[str, Decimal]]:
    """The documents already made from ``source`` as ``target`` (or as one of its
    alternatives; drafts only when ``drafts_count``), and per source line what is left
    to convert."""
    return w.left(source, target, drafts_count=drafts_count)


def build_draft(w: Work, type: Any, party_id: str, day: date,
                lines: Sequence[DocumentLine], *, currency: str | None, user: str,
                fields: Mapping[str, Any], parties: dict[str, Party] | None = None) -> Document:
    """A new draft, validated and with its totals, not yet stored.

    The one set of rules of a new document, for :func:`create_draft` and for
    creating many (``parties``: the parties already read in this unit of work,
    filled as it reads more).
    """
    check_user(user)
    doc_type = _doc_type(type)
    given = _given_lines(lines)
    unknown = sorted(set(fields) - EDITABLE)
    if unknown:
        raise ValidationError("not a field of a new document", field=unknown[0],
                              value=fields[unknown[0]])
    party = parties.get(party_id) if parties is not None and isinstance(party_id, str) else None
    if party is None:
        party = w.party(party_id)
        if parties is not None:
            parties[party_id] = party
    check_party(party, doc_type)
    code = currency or party.currency or w.functional
    values = {"rounding": w.settings.rounding, "payment_terms": party.payment_terms,
              **fields}
    if "prepaid" in values:
        values["prepaid"] = as_prepaid(values["prepaid"], code)
    doc = Document(w.new_id(), doc_type, party_id, code, day, given,
                   history=(Transition(w.now, user, "create", _S.DRAFT, _S.DRAFT, ""),),
                   **values)
    check_due_date(doc.date, doc.due_date)
    check_valid_until(doc.date, doc.valid_until)
    if "rounding" in fields:  # the book's default was checked at configure
        doc.rounding.check_currency(doc.currency)
    return with_totals(doc)


def create_draft(w: Work, type: Any, party_id: str, day: date,
                 lines: Sequence[DocumentLine], *, currency: str | None, user: str,
                 fields: Mapping[str, Any]) -> Document:
    """A new draft, validated and with its totals, stored."""
    return w.save(build_draft(w, type, party_id, day, lines, currency=currency, user=user,
                              fields=fields), None)


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
    if "prepaid" in values:
        values["prepaid"] = as_prepaid(values["prepaid"], values.get("currency", doc.currency))
    if "lines" in values:
        values["lines"] = _given_lines(values["lines"])
    new = attrs.evolve(doc, **values)
    if "due_date" in values or "date" in values:  # a draft kept from before stays editable
        check_due_date(new.date, new.due_date)
    if "valid_until" in values or "date" in values:
        check_valid_until(new.date, new.valid_until)
    if "rounding" in values:  # a draft kept from before stays editable
        new.rounding.check_currency(new.currency)
    new = with_totals(new)
    return w.save(record_edit(doc, new, user=user, at=w.now, reason=reason), doc)


def approve(w: Work, doc_id: str, *, user: str, reason: str) -> Document:
    """Approve a draft (four eyes: not by its creator when a rule applies). A note's share
    of a cash discount is refreshed first (:func:`._notes.refreshed`, in the trail): the
    approver approves what issuing it now would book."""
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
    now = with_totals(trailed(doc, refreshed(w, doc), user=user, at=w.now)) \
        if doc.state is _S.DRAFT else doc
    return w.save(transition(now, _S.APPROVED, user=user, at=w.now, action="approve",
                             reason=reason), doc)


def reopen(w: Work, doc_id: str, *, user: str, reason: str) -> Document:
    """Send an approved document back to draft for changes."""
    doc = w.document(doc_id)
    return w.save(transition(doc, _S.DRAFT, user=user, at=w.now, action="reopen",
                             reason=reason), doc)


def issue(w: Work, doc_id: str, *, user: str, reason: str) -> Document:
    """Number, freeze and (for financial documents) post a draft or approved document."""
    return _issue.issue(w, doc_id, user=user, reason=reason)


def issue_many(w: Work, doc_ids: Sequence[str], *, user: str, reason: str) -> list[Document]:
    """Issue many documents in one unit of work, as :func:`issue` one by one would."""
    return _issue.issue_many(w, doc_ids, user=user, reason=reason)


def correction_draft(w: Work, doc_id: str, quantities: Mapping[str, Any] | None, *,
                     user: str, reason: str, day: date | None,
                     drafts_count: bool = True, prices: Any = None) -> Document:
    """A draft credit note (or debit note) for an issued invoice (or bill).

    What earlier corrections took is not credited again: the issued ones, and the
    drafts too unless ``drafts_count`` is false (a cancellation credits everything
    the issued ones have not). ``quantities`` are checked against the quantities not
    yet credited; without them the note credits the amount left
    (:mod:`._crediting`): the lines not yet credited, balanced per VAT group when
    earlier notes credited other amounts than their quantities; a cash discount booked
    on the invoice: the note gives back its share (issuing refreshes a draft made before
    it: :func:`._notes.refreshed`). With ``prices`` (line
    id -> new unit price) it is a price correction (:func:`._notes.note_content`): no goods go
    back and no quantity is credited.
    """
    _check_day(day)
    original = w.document(doc_id)
    target = rules_for(original.type).correction
    if target is None:
        raise ValidationError(f"a {original.type.label} has no correcting document",
                              field="document_id", value=doc_id)
    if original.state not in (_S.ISSUED, _S.PARTIALLY_PAID, _S.PAID):
        raise ValidationError("only an issued document can be corrected", field="state",
                              value=original.state.value)
    # the lines are the invoice's (text an older version kept reads as kept: kept_text);
    # the user and the reason are the caller's, checked as new input
    lines, acs, rounding = kept_text(note_content)(w, original, quantities, prices,
                                                   drafts_count=drafts_count)
    check_user(user)
    check_text("note", reason)
    ref = DocumentRef(original.id, original.type, original.number, original.date)
    doc = kept_text(Document)(w.new_id(), target, original.party_id, original.currency,
                   max(day or w.today, original.date), lines, acs, rounding=rounding,
                   references=(ref,), dimensions=original.dimensions,
                   buyer_reference=original.buyer_reference, note=reason,
                   history=(Transition(w.now, user, "create", _S.DRAFT, _S.DRAFT, reason),))
    return w.save(with_totals(doc), None)


def convert(w: Work, doc_id: str, target: Any, quantities: Mapping[str, Any] | None, *,
            user: str, day: date | None) -> Document:
    """A draft of type ``target`` made from an issued document, keeping the chain."""
    _check_day(day)
    source = w.document(doc_id)
    to = _doc_type(target)
    if to not in CONVERSIONS.get(source.type, ()):
        raise ValidationError(f"a {source.type.label} does not convert into a {to.label}",
                              field="target", value=to.value)
    if rules_for(source.type).correction is to:
        return correction_draft(w, doc_id, quantities, user=user, reason="", day=day)
    if not source.state.is_issued:
        why = (f"a cancelled {source.type.label} does not convert"
               if source.state is DocumentState.CANCELLED
               else f"issue the {source.type.label} before converting it")
        raise ValidationError(why, field="state", value=source.state.value)
    _, remaining = _left(w, source, to)
    # the source's text (kept as it reads: kept_text); the user is the caller's
    lines = kept_text(derive_lines)(source, quantities, remaining)
    acs = kept_text(derive_allowances)(source, remaining, lines)
    refs = [r for r in source.references if r.type is not to]
    refs.append(DocumentRef(source.id, source.type, source.number, source.date))
    _check_party(w, source.party_id, to)
    check_user(user)
    doc = kept_text(Document)(w.new_id(), to, source.party_id, source.currency,
                   max(day or w.today, source.date), lines,
                   acs,
                   rounding=source.rounding, payment_terms=source.payment_terms,
                   references=tuple(refs), external_number=source.external_number,
                   buyer_reference=source.buyer_reference, dimensions=source.dimensions,
                   history=(Transition(w.now, user, "create", _S.DRAFT, _S.DRAFT,
                                       f"from {source.number}"),))
    return w.save(with_totals(doc), None)


def cancel(w: Work, doc_id: str, *, user: str, reason: str, on: date | None = None
           ) -> Document:
    """Cancel a document; an issued financial one through a full correcting document
    dated ``on`` (default: today, not before the document), whose refusal for its date
    names ``on``: the date the caller gives (or may give) it. An issued delivery note or
    goods receipt hands its stock back dated ``on`` (not before it; default today)."""
    check_date(on, "on", optional=True)
    doc = w.document(doc_id)
    rules = rules_for(doc.type)
    if doc.state in (_S.DRAFT, _S.APPROVED) or rules.cancel_issued_directly:
        cancelled = w.save(transition(doc, _S.CANCELLED, user=user, at=w.now, action="cancel",
                                      reason=reason), doc)
        if doc.state.is_issued and doc.type.moves_stock and doc.number:
            # the stock it moved goes back, dated ``on`` (default today): the inventory books
            # a negative receipt line as a return to the supplier, a negative delivery as a
            # return in
            w.hand_over(doc, sign=-1, day=max(on, doc.date) if on else w.today)
        if doc.state.is_issued:  # what it took is left to convert again
            reopen_sources(w, doc, user, f"{doc.number} cancelled")
        return cancelled
    if doc.type.is_correction:
        raise ValidationError("an issued correction is not cancelled; issue a new invoice "
                              "or bill instead", field="document_id", value=doc_id)
    correction_id = None
    target = rules.correction
    assert target is not None
    issued, _ = _left(w, doc, target, drafts_count=False)  # a draft credits nothing
    # credited in full, whatever the notes hold, less a cash discount booked (the note
    # gives back its share: .discounts.reversal_allowances)
    if left_to_credit(doc, issued, booked(w, doc, issued)[1]).amount > 0:
        draft = correction_draft(w, doc_id, None, user=user, reason=reason, day=on,
                                 drafts_count=False)
        try:
            correction_id = issue(w, draft.id, user=user, reason=reason).id
        except BackofficeError as err:
            if err.field == "date":  # the note's date: the one ``on`` gives
                err.field = "on"
            raise
    current = w.document(doc_id)
    number = w.document(correction_id).number if correction_id else None
    note = f"cancelled by {number}" if number else reason
    cancelled = w.save(transition(current, _S.CANCELLED, user=user, at=w.now, action="cancel",
                                  reason=reason or note, via_correction=True), current)
    # what it took is left to convert again (its note, by quantity, may have given it back)
    reopen_sources(w, cancelled, user, f"{doc.number} cancelled by {number}" if number
                   else f"{doc.number} cancelled")
    return cancelled
