"""One lifecycle for every document type; each type adds only its own rules.

The shared state machine::

    DRAFT ──approve──> APPROVED ──issue──> ISSUED ──> PARTIALLY_PAID ──> PAID
      │  <──reopen──       │                  │  └──────────────────────> COMPLETED
      └──────────issue─────┴──────────────────┘  ISSUED <──reopen── COMPLETED
    DRAFT / APPROVED / ISSUED / PARTIALLY_PAID / PAID ──cancel──> CANCELLED

Type rules (:class:`TypeRules`) narrow it: a financial document (invoice, credit
note, bill, debit note) is settled (``PARTIALLY_PAID``, ``PAID``) and never
``COMPLETED``; an issued financial document is cancelled only through a credit
or debit note; the other types are completed (converted, delivered, received)
and may be cancelled directly; a completed one goes back to ``ISSUED``
(``reopen``) when a credit note or a cancellation gives quantity back to it. Every
transition appends a :class:`~backoffice_core.documents.model.Transition` (who, when,
why) and bumps the version.

Example:
    >>> from datetime import date, datetime, timezone
    >>> from backoffice_core.documents.lines import line
    >>> from backoffice_core.documents.model import Document, DocumentType
    >>> from backoffice_core.documents.taxes import Tax
    >>> at = datetime(2026, 1, 5, tzinfo=timezone.utc)
    >>> d = Document("d-1", "quote", "p-1", "EUR", date(2026, 1, 5),
    ...              [line("A", 1, "5.00", Tax.zero())])
    >>> d = transition(d, DocumentState.APPROVED, user="bob", at=at, action="approve")
    >>> d.state.value, d.version, d.history[-1].user
    ('approved', 1, 'bob')
    >>> transition(d, DocumentState.PAID, user="bob", at=at, action="payment")
    Traceback (most recent call last):
    ...
    backoffice_core.errors.ValidationError: state='approved': cannot go from approved to paid
"""

from __future__ import annotations

from datetime import datetime
from operator import attrgetter
from typing import Any

import attrs

from backoffice_core.documents.model import (
    POST_INIT_READS,
    Document,
    DocumentState,
    DocumentType,
    Transition,
    check_user,
)
from backoffice_core.errors import ValidationError
from backoffice_core.money import Money

__all__ = [
    "TRANSITIONS",
    "TypeRules",
    "archive",
    "evolve",
    "record_edit",
    "rules_for",
    "settle",
    "transition",
]

_S = DocumentState

#: The shared state machine: state -> states it may move to.
TRANSITIONS: dict[DocumentState, frozenset[DocumentState]] = {
    _S.DRAFT: frozenset({_S.APPROVED, _S.ISSUED, _S.CANCELLED}),
    _S.APPROVED: frozenset({_S.DRAFT, _S.ISSUED, _S.CANCELLED}),
    _S.ISSUED: frozenset({_S.PARTIALLY_PAID, _S.PAID, _S.COMPLETED, _S.CANCELLED}),
    _S.PARTIALLY_PAID: frozenset({_S.ISSUED, _S.PAID, _S.CANCELLED}),
    _S.PAID: frozenset({_S.PARTIALLY_PAID, _S.ISSUED, _S.CANCELLED}),
    _S.COMPLETED: frozenset({_S.ISSUED}),
    _S.CANCELLED: frozenset(),
}


@attrs.frozen(slots=True)
class TypeRules:
    """What one document type adds to the shared lifecycle.

    Attributes:
        states: the states this type can reach.
        cancel_issued_directly: whether an issued document may be cancelled
            without a correcting document.
        correction: the type that cancels an issued one (credit note for an
            invoice, debit note for a bill), or ``None``.
        finished_when_issued: whether an issued one may be finished (archived) as it
            stands: a delivery note or goods receipt, but not a quote or an order,
            which are pending until completed or cancelled.

    Example:
        >>> rules_for(DocumentType.SALES_INVOICE).correction
        <DocumentType.CREDIT_NOTE: 'credit_note'>
    """

    states: frozenset[DocumentState]
    cancel_issued_directly: bool
    correction: DocumentType | None = None
    finished_when_issued: bool = True


_COMMON = frozenset({_S.DRAFT, _S.APPROVED, _S.ISSUED, _S.CANCELLED})
_FINANCIAL = _COMMON | {_S.PARTIALLY_PAID, _S.PAID}
_OTHER = _COMMON | {_S.COMPLETED}

_RULES: dict[DocumentType, TypeRules] = {
    DocumentType.SALES_INVOICE: TypeRules(_FINANCIAL, False, DocumentType.CREDIT_NOTE),
    DocumentType.SUPPLIER_BILL: TypeRules(_FINANCIAL, False, DocumentType.DEBIT_NOTE),
    DocumentType.CREDIT_NOTE: TypeRules(_FINANCIAL, False, None),
    DocumentType.DEBIT_NOTE: TypeRules(_FINANCIAL, False, None),
    DocumentType.QUOTE: TypeRules(_OTHER, True, finished_when_issued=False),
    DocumentType.SALES_ORDER: TypeRules(_OTHER, True, finished_when_issued=False),
    DocumentType.PURCHASE_ORDER: TypeRules(_OTHER, True, finished_when_issued=False),
    DocumentType.DELIVERY_NOTE: TypeRules(_OTHER, True),
    DocumentType.GOODS_RECEIPT: TypeRules(_OTHER, True),
}


_INIT_FIELDS = tuple(a.name for a in attrs.fields(Document) if a.init)
_INIT_VALUES = attrgetter(*_INIT_FIELDS)
_FIELDS = {a.name: a for a in attrs.fields(Document)}
# Fields whose checks are their own (a converter or a validator, or none): changing only
# these cannot break a check of __attrs_post_init__, which reads the others.
_LOCAL = frozenset(_FIELDS) - POST_INIT_READS


def _copier() -> Any:
    """``copy(doc, changes)``: a new ``Document`` with ``doc``'s field values, ``changes``
    (already checked) replacing some; written out field by field, through the slots."""
    lines = ["def copy(doc, changes):", "    new = new_document(Document)",
             "    if changes:", "        get = changes.get"]
    lines += [f"        set_{n}(new, get({n!r}, doc.{n}))" for n in _FIELDS]
    lines.append("    else:")
    lines += [f"        set_{n}(new, doc.{n})" for n in _FIELDS]
    lines.append("    return new")
    space: dict[str, Any] = {f"set_{n}": Document.__dict__[n].__set__ for n in _FIELDS}
    space.update(Document=Document, new_document=object.__new__)
    exec("\n".join(lines), space)  # noqa: S102 - built from the attrs field names only
    return space["copy"]


_copy = _copier()


def evolve(doc: Document, **changes: Any) -> Document:
    """``attrs.evolve(doc, **changes)`` for documents, checking only what changes.

    The new value is what the constructor would build: every changed field goes
    through its converter and validator, and when a change touches a field the
    cross-field checks of ``Document.__attrs_post_init__`` read (lines, currency,
    allowances and charges, prepaid, ids), through the whole constructor. The
    fields left as they were keep their checked values (a ``Document`` is immutable).

    Example:
        >>> from datetime import date
        >>> from backoffice_core.documents.lines import line
        >>> from backoffice_core.documents.taxes import Tax
        >>> d = Document("d", "quote", "p", "EUR", date(2026, 1, 5),
        ...              [line("A", 1, "1", Tax.zero())])
        >>> evolve(d, note="rush") == attrs.evolve(d, note="rush")
        True
        >>> evolve(d, due_date="2026-02-01")
        Traceback (most recent call last):
        ...
        backoffice_core.errors.ValidationError: due_date='2026-02-01': must be a date (not a ...)
    """
    if type(doc) is not Document or not _LOCAL.issuperset(changes):
        values = dict(zip(_INIT_FIELDS, _INIT_VALUES(doc), strict=True))
        values.update(changes)
        return Document(**values)
    fields = _FIELDS
    for name, value in changes.items():  # each change converted as the constructor does
        converter = fields[name].converter
        if converter is not None:
            changes[name] = converter(value)  # type: ignore[operator]
    new: Document = _copy(doc, changes)
    for name, value in changes.items():  # and validated
        field = fields[name]
        if field.validator is not None:
            field.validator(new, field, value)
    return new


def rules_for(type: DocumentType) -> TypeRules:
    """The rules of one document type.

    Example:
        >>> rules_for(DocumentType.QUOTE).cancel_issued_directly
        True
    """
    return _RULES[type]


def transition(doc: Document, to: DocumentState, *, user: str, at: datetime, action: str,
               reason: str = "", via_correction: bool = False, **changes: Any) -> Document:
    """Move ``doc`` to state ``to``, recording who, when and why; returns the new value.

    ``changes`` are other fields set in the same step (the number at issue,
    the open amount after a payment). ``via_correction`` marks the
    cancellation of an issued financial document by its credit or debit note.

    Raises:
        ValidationError: the move is not in the shared machine, not allowed for
            the type, or cancels an issued financial document directly.

    Example:
        >>> from datetime import date, datetime, timezone
        >>> from backoffice_core.documents.lines import line
        >>> from backoffice_core.documents.taxes import Tax
        >>> d = Document("d", "sales_order", "p", "EUR", date(2026, 1, 5),
        ...              [line("A", 1, "1", Tax.zero())])
        >>> d = transition(d, DocumentState.ISSUED, user="ann", number="SO-1", action="issue",
        ...                at=datetime(2026, 1, 5, tzinfo=timezone.utc))
        >>> d.state.value, d.number, d.history[-1].action
        ('issued', 'SO-1', 'issue')
    """
    check_user(user)
    rules = _RULES[doc.type]
    if to not in TRANSITIONS[doc.state] or to not in rules.states:
        raise ValidationError(f"cannot go from {doc.state.value} to {to.value}", field="state",
                              value=doc.state.value)
    issued = doc.state not in (_S.DRAFT, _S.APPROVED)
    if to is _S.CANCELLED and issued and not rules.cancel_issued_directly \
            and not via_correction:
        kind = rules.correction.label if rules.correction else "correcting document"
        raise ValidationError(f"an issued {doc.type.label} is cancelled only through a {kind}",
                              field="state", value=doc.state.value)
    record = Transition(at, user, action, doc.state, to, reason)
    return evolve(doc, state=to, history=(*doc.history, record), version=doc.version + 1,
                   **changes)


def record_edit(old: Document, new: Document, *, user: str, at: datetime,
                reason: str = "") -> Document:
    """``new`` as the next version of draft ``old``, with an ``edit`` entry in the trail.

    Raises:
        ValidationError: ``old`` is not a draft (issued documents are immutable).

    Example:
        >>> from datetime import date, datetime, timezone
        >>> from backoffice_core.documents.lines import line
        >>> from backoffice_core.documents.taxes import Tax
        >>> d = Document("d", "quote", "p", "EUR", date(2026, 1, 5),
        ...              [line("A", 1, "1", Tax.zero())])
        >>> e = record_edit(d, attrs.evolve(d, note="rush"), user="ann",
        ...                 at=datetime(2026, 1, 6, tzinfo=timezone.utc))
        >>> e.note, e.version, e.history[-1].action
        ('rush', 1, 'edit')
    """
    check_user(user)
    if not old.state.is_editable:
        raise ValidationError(f"a {old.state.value} document cannot change; only drafts do",
                              field="state", value=old.state.value)
    record = Transition(at, user, "edit", old.state, old.state, reason)
    return attrs.evolve(new, state=old.state, history=(*old.history, record),
                        version=old.version + 1)


def settle(doc: Document, open_amount: Money, open_functional: Money, *, user: str,
           at: datetime, action: str, reason: str = "") -> Document:
    """Record a new open amount of an issued financial document, moving its state.

    Nothing open: ``PAID``; the full amount open: ``ISSUED``; otherwise
    ``PARTIALLY_PAID``. A cancelled document stays cancelled. The change is
    recorded in the trail even when the state stays the same (a second partial
    payment).

    Example:
        >>> from datetime import date, datetime, timezone
        >>> from backoffice_core.documents.lines import line
        >>> from backoffice_core.documents.taxes import Tax
        >>> from backoffice_core.documents.totals import document_totals
        >>> at = datetime(2026, 1, 5, tzinfo=timezone.utc)
        >>> d = Document("d", "sales_invoice", "p", "EUR", date(2026, 1, 5),
        ...              [line("A", 1, "100", Tax.zero())], state="issued")
        >>> d = attrs.evolve(d, totals=document_totals(d))
        >>> d = settle(d, Money("40", "EUR"), Money("40", "EUR"), user="u", at=at,
        ...            action="payment")
        >>> d.state.value, d.open_amount
        ('partially_paid', Money('40', 'EUR'))
    """
    check_user(user)
    assert doc.totals is not None
    if doc.state is _S.CANCELLED:
        to = _S.CANCELLED
    elif open_amount.amount == 0:
        to = _S.PAID
    elif open_amount == abs(doc.totals.to_settle):
        to = _S.ISSUED
    else:
        to = _S.PARTIALLY_PAID
    if to is not doc.state:
        return transition(doc, to, user=user, at=at, action=action, reason=reason,
                          open_amount=open_amount, open_functional=open_functional)
    record = Transition(at, user, action, doc.state, doc.state, reason)
    return attrs.evolve(doc, open_amount=open_amount, open_functional=open_functional,
                        history=(*doc.history, record), version=doc.version + 1)


def archive(doc: Document, *, user: str, at: datetime, reason: str = "",
            archived: bool = True) -> Document:
    """Archive (or, with ``archived=False``, restore) a finished document.

    Drafts, documents still open for payment and issued quotes and orders (still to
    convert: complete or cancel them first) cannot be archived; archived documents stay
    readable and searchable.

    Example:
        >>> from datetime import date, datetime, timezone
        >>> from backoffice_core.documents.lines import line
        >>> from backoffice_core.documents.taxes import Tax
        >>> d = Document("d", "quote", "p", "EUR", date(2026, 1, 5),
        ...              [line("A", 1, "1", Tax.zero())], state="cancelled")
        >>> archive(d, user="ann", at=datetime(2026, 2, 1, tzinfo=timezone.utc)).archived
        True
    """
    check_user(user)
    if doc.archived == archived:
        return doc
    if archived and (doc.state in (_S.DRAFT, _S.APPROVED) or doc.is_open or (
            doc.state is _S.ISSUED and not rules_for(doc.type).finished_when_issued)):
        raise ValidationError("only finished documents (issued and settled, completed or "
                              "cancelled) are archived", field="state", value=doc.state.value)
    record = Transition(at, user, "archive" if archived else "restore", doc.state, doc.state,
                        reason)
    return attrs.evolve(doc, archived=archived, history=(*doc.history, record),
                        version=doc.version + 1)
