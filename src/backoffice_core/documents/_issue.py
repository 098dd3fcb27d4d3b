"""Issuing documents: one, or many in one unit of work (internal).

Both paths apply the same rules (:mod:`._rules`) in the same order of documents,
so ``issue_many(ids)`` leaves the book exactly as ``issue(id)`` for each id in
turn would (numbers, ledger entries and their hash chain, states, audit trail),
or, if any document is refused, exactly as it was. The bulk path is linear and
batched: the documents are read in one call, each series' numbers reserved in
one call, and runs of plain documents (see :func:`._rules.is_plain`) are posted
with ``Ledger.post_many_within`` and stored with one ``update_documents``. The
other documents (delivery notes, goods receipts, corrections, converted or
matched documents) go one at a time through the very steps of a single issue,
in their place in the list.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from functools import partial
from typing import Any

from backoffice_core._collector import collector_paused
from backoffice_core.documents._rules import (
    IssueContext,
    check_issuable,
    complete_sources,
    frozen,
    is_plain,
    reopen_sources,
    settled,
)
from backoffice_core.documents._settlement import allocate
from backoffice_core.documents._work import Work
from backoffice_core.documents.model import Document, DocumentState, DocumentType
from backoffice_core.documents.numbering import (
    FiscalYearKey,
    format_number,
    may_print_alike,
    series_key,
)
from backoffice_core.documents.postings import document_entry
from backoffice_core.documents.repository import DocumentQuery
from backoffice_core.errors import (
    BackofficeError,
    DuplicateError,
    ValidationError,
)
from backoffice_core.ledger.entries import NewEntry
from backoffice_core.ledger.posting import named_by_role
from backoffice_core.text import derived_key, lookup_key, not_found

__all__ = ["issue", "issue_many"]

_Reserved = tuple[str, int, FiscalYearKey]  # (series, counter value, fiscal year)
#: the states of a document that holds a number
_NUMBERED = tuple(s for s in DocumentState
                  if s not in (DocumentState.DRAFT, DocumentState.APPROVED))


def _reserve(ctx: IssueContext, docs: Sequence[Document]) -> list[_Reserved]:
    """The next numbers of each document's series, under the period its pattern prints
    (:func:`.numbering.series_key`), in the order given (each series and key in one
    call); :func:`_number` formats one."""
    w = ctx.w
    keys = []
    for doc in docs:
        series, fy = doc.type.value, w.fiscal_year(doc.date)
        keys.append((series, series_key(w.settings.pattern(series), fy), fy))
    counts: dict[tuple[str, str], tuple[int, FiscalYearKey]] = {}
    for series, key, fy in keys:
        n, first_fy = counts.get((series, key), (0, fy))
        counts[series, key] = (n + 1, first_fy)
    following: dict[tuple[str, str], int] = {}
    for (series, key), (n, fy) in counts.items():
        following[series, key] = w.past_taken(series, fy, key,
                                              w.repo.next_numbers(series, key, n),
                                              partial(_held, w, DocumentType(series)))
    out = []
    for series, key, fy in keys:
        seq = following[series, key]
        following[series, key] = seq + 1
        out.append((series, seq, fy))
    return out


def _held(w: Work, kind: DocumentType, number: str) -> bool:
    """Whether a document of ``kind`` holds ``number``."""
    return w.repo.get_by_number(kind, number) is not None


def _in_date_order(ctx: IssueContext, reserved: _Reserved, day: date
                   ) -> tuple[str, str] | None:
    """Refuse a document dated ``day`` when the number before its own in the series and
    period went to a later date (:meth:`.Work.in_date_order`, the rule payments follow
    too); the number before is the one this unit of work gave last under the key, else
    the stored document that holds it, whatever pattern printed it."""
    w = ctx.w
    series, seq, fy = reserved
    kind = DocumentType(series)

    def dated(number: str) -> date | None:
        held = w.repo.get_by_number(kind, number)
        return None if held is None else held.date

    def later(after: date) -> list[tuple[date, str]]:  # the series' numbers dated after
        if after == date.max:
            return []
        return [(d.date, d.number) for d in w.repo.find_documents(DocumentQuery(
            types=(kind,), start=after + timedelta(days=1), states=_NUMBERED))
            if d.number is not None]

    return w.in_date_order(series, seq, fy, day, ctx.latest, dated, later, kind.label)


def _number(ctx: IssueContext, reserved: _Reserved, day: date) -> str:
    """A reserved number as the series' pattern prints it for a document dated ``day``
    (refused when it is no key, when a document of another type has it: a number
    identifies a document, or when it would break the series' date order:
    :func:`_in_date_order`)."""
    ordered = _in_date_order(ctx, reserved, day)
    series, seq, fy = reserved
    settings = ctx.w.settings
    pattern = settings.pattern(series)
    number = format_number(pattern, seq, fy, series)
    kind = DocumentType(series)
    held = ctx.numbers.get(number)  # given in this unit of work, maybe not stored yet
    for other in DocumentType:
        if held is not None:
            break
        if other is not kind and may_print_alike(pattern, settings.pattern(other.value)) \
                and _held(ctx.w, other, number):  # (another prefix: nothing to read)
            held = other
    if held is not None and held is not kind:
        raise DuplicateError(
            f"a {held.label} already has the number {number}: the patterns of "
            f"{held.value} and {series} print the same numbers; give them distinct "
            "prefixes with configure(patterns=...)", field="number", value=number)
    ctx.numbers[number] = kind
    if ordered is not None:
        ctx.latest[ordered] = (day, number)
    return number


def _entry(w: Work, issued: Document) -> NewEntry | None:
    """The issue's ledger entry; ``None`` for a financial document of zero amounts."""
    if not issued.type.is_financial:
        return None
    return document_entry(issued, w.roles, w.functional,
                          idempotency_key=derived_key("documents:issue", issued.id),
                          received=w.received_lines(issued))


def _given_accounts(doc: Document) -> dict[str, str]:
    """The accounts ``doc`` names itself, each with the first field that names it
    (``lines[i].account``, ``allowances_charges[j].account``), for a refusal of one."""
    given: dict[str, str] = {}
    for i, ln in enumerate(doc.lines):
        if ln.account:
            given.setdefault(ln.account, f"lines[{i}].account")
    for j, ac in enumerate(doc.allowances_charges):
        if ac.account:
            given.setdefault(ac.account, f"allowances_charges[{j}].account")
    return given


def _issue_one(ctx: IssueContext, old: Document, reserved: _Reserved | None, *, user: str,
               reason: str) -> Document:
    """Every step of issuing one document, each write as soon as it is made."""
    w = ctx.w
    doc, original = check_issuable(ctx, old, user=user)
    number = _number(ctx, reserved or _reserve(ctx, [doc])[0], doc.date)
    issued = frozen(ctx, doc, number, original, user=user, reason=reason)
    entry = _entry(w, issued)
    entry_id = w.post(entry, _given_accounts(issued)).id if entry is not None else None
    issued = w.save(settled(ctx, issued, entry_id, user=user), old)
    if issued.type.moves_stock:
        w.hand_over(issued)
    if original is not None and original.is_open and issued.is_open:
        allocate(w, issued.id, original.id, user=user, day=max(issued.date, original.date),
                 reason=f"{number} corrects {original.number}")
        issued = w.document(issued.id)
    issued = complete_sources(w, issued, user)
    if original is not None:  # a credit (debit) note by quantity gives back what it credits
        reopen_sources(w, original, user, f"given back by {number}")
    return issued


def issue(w: Work, doc_id: str, *, user: str, reason: str) -> Document:
    """Number, freeze and (for financial documents) post a draft or approved document."""
    return _issue_one(IssueContext(w), w.document(doc_id), None, user=user, reason=reason)


def _name(err: BackofficeError, i: int) -> None:
    """Name the document in an error: ``document_ids[i].<field>``."""
    err.field = f"document_ids[{i}].{err.field}" if err.field else f"document_ids[{i}]"


def _renamed(err: BackofficeError, prefix: str, where: Sequence[int]) -> BackofficeError:
    """An error about ``<prefix>[k]...`` of a step, told about ``document_ids[where[k]]``."""
    field = err.field or ""
    if field.startswith(prefix + "["):
        k, _, rest = field[len(prefix) + 1:].partition("]")
        if k.isdigit() and int(k) < len(where):
            err.field = f"document_ids[{where[int(k)]}]{rest}"
    return err


class _Run:
    """Plain documents issued in memory, posted and stored together by :meth:`flush`."""

    def __init__(self, ctx: IssueContext, out: list[Any], user: str) -> None:
        self.ctx = ctx
        self.out = out
        self.user = user
        self.items: list[tuple[int, Document, Document]] = []  # (index, stored, issued)

    def add(self, i: int, old: Document, issued: Document) -> None:
        self.items.append((i, old, issued))
        self.ctx.add_pending(issued)

    def flush(self) -> None:
        if not self.items:
            return
        ctx, w = self.ctx, self.ctx.w
        entries = []
        for n, (i, _, doc) in enumerate(self.items):
            try:
                entries.append((i, _entry(w, doc)))
            except BackofficeError as err:  # a role the book lacks
                _name(err, i)
                del self.items[n:]
                self.flush()  # as one by one: the documents before it are refused first
                raise
        financial = [(i, e) for i, e in entries if e is not None]
        try:
            posted = w.ledger.post_many_within(
                w.uow, [e for _, e in financial]) if financial else []
        except BackofficeError as err:
            k, _, _ = (err.field or "").removeprefix("entries[").partition("]")
            if k.isdigit() and int(k) < len(financial):  # an account: as the document gave it
                i, entry = financial[int(k)]
                issued = next(doc for n, _, doc in self.items if n == i)
                named_by_role(err, entry.lines, w.roles, _given_accounts(issued),
                              prefix=f"entries[{k}].")
            raise _renamed(err, "entries", [i for i, _ in financial]) from None
        entry_ids = {i: e.id for (i, _), e in zip(financial, posted, strict=True)}
        changes = []
        for i, old, doc in self.items:
            done = settled(ctx, doc, entry_ids.get(i), user=self.user)
            self.out[i] = done
            changes.append((done, old.version))
        try:
            w.repo.update_documents(changes)
        except BackofficeError as err:
            raise _renamed(err, "changes", [i for i, _, _ in self.items]) from None
        ctx.stored()
        self.items = []


def _first_refused(ids: Sequence[Any], stored: Mapping[str, Document]
                   ) -> tuple[int, BackofficeError | None]:
    """The position of the first id that cannot be one (a ``ValidationError``), names no
    document or comes again, and its refusal; ``(len(ids), None)`` when there is none."""
    seen: set[str] = set()
    for i, doc_id in enumerate(ids):
        if not lookup_key(doc_id) or doc_id not in stored:
            try:  # (a value that cannot be an id: the ValidationError of not_found)
                return i, not_found("document", f"document_ids[{i}]", doc_id)
            except ValidationError as err:
                return i, err
        if doc_id in seen:
            return i, ValidationError("a document can be issued once",
                                      field=f"document_ids[{i}]", value=doc_id)
        seen.add(doc_id)
    return len(ids), None


def issue_many(w: Work, doc_ids: Sequence[str], *, user: str, reason: str) -> list[Document]:
    """Issue documents in the order given, in one unit of work: all of them or none.

    When several documents would be refused, the refusal is the one ``issue`` one by
    one meets first: every document before it is checked, posted and stored (and
    rolled back with the rest) before an error is raised.
    """
    if isinstance(doc_ids, str):
        raise ValidationError("give a list of document ids", field="document_ids",
                              value=doc_ids)
    try:
        ids = list(doc_ids)
    except TypeError:  # not iterable
        raise ValidationError("give a list of document ids", field="document_ids",
                              value=doc_ids) from None
    if not ids:
        return []
    with collector_paused():
        # the totals are computed afresh below: an adapter may leave the stored ones unread
        read = getattr(w.repo, "get_documents_to_issue", None) or w.repo.get_documents
        stored = read([doc_id for doc_id in ids if lookup_key(doc_id)])
        stop, refusal = _first_refused(ids, stored)  # raised in its place in the list
        ctx = IssueContext(w)
        # each series' numbers in one call; the documents take them in the order given,
        # as one by one (a refusal rolls the reservation back with everything else)
        reserved = _reserve(ctx, [stored[doc_id] for doc_id in ids[:stop]])
        out: list[Any] = [None] * len(ids)
        run = _Run(ctx, out, user)
        for i in range(stop):
            doc_id = ids[i]
            old = stored[doc_id]
            try:  # no context manager here: this loop runs once per document
                if is_plain(old):
                    doc, original = check_issuable(ctx, old, user=user)
                    run.add(i, old, frozen(ctx, doc, _number(ctx, reserved[i], doc.date), original,
                                           user=user, reason=reason))
                    continue
            except BackofficeError as err:
                _name(err, i)
                run.flush()  # as one by one: the documents before it are refused first
                raise
            run.flush()
            try:
                out[i] = _issue_one(ctx, w.document(doc_id), reserved[i], user=user,
                                    reason=reason)
            except BackofficeError as err:
                _name(err, i)
                raise
            ctx.forget()  # it may have settled or completed other documents
        run.flush()
        stored.clear()  # the drafts go now, before the collector runs again
        if refusal is not None:
            raise refusal
    return out
