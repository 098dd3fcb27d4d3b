"""What is open on the parties' accounts as of a date: the items the aging, the
statements and the overdue list read.

Every item is read with what was still open *as of* a date: today's open amount plus
whatever later allocations took off. Amounts are from our side: on receivables
positive means the customer owes us, on payables that we owe the supplier. A document
payable in instalments gives one item per open instalment, each on its own due date.

Example:
    >>> bucket_of(0), bucket_of(1), bucket_of(45), bucket_of(91)
    (0, 1, 2, 4)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from decimal import Decimal
from operator import attrgetter

import attrs
import moneyed

from backoffice_core.documents.model import Direction, DocumentType
from backoffice_core.documents.payments import Allocation, Payment, item_sign
from backoffice_core.documents.repository import DocumentsRepository, OpenDocument
from backoffice_core.money import Money, allocate

__all__ = ["BUCKETS", "OpenItem", "bucket_of", "open_instalments", "open_items"]

_ZERO = Decimal(0)
_new = object.__new__
_init = moneyed.Money.__init__  # negating an exact amount needs none of our checks
#: The aging columns: not yet due, then days past due.
BUCKETS = ("current", "1-30", "31-60", "61-90", "90+")
_WITHIN_PARTY = attrgetter("due_date", "number", "item_id")


def bucket_of(days_overdue: int) -> int:
    """The index in :data:`BUCKETS` of an item ``days_overdue`` days past due.

    Example:
        >>> BUCKETS[bucket_of(61)], BUCKETS[bucket_of(-3)]
        ('61-90', 'current')
    """
    if days_overdue <= 0:
        return 0
    if days_overdue <= 30:
        return 1
    if days_overdue <= 60:
        return 2
    if days_overdue <= 90:
        return 3
    return 4


@attrs.frozen(slots=True)
class OpenItem:
    """What is open on one document or payment as of a date, from our side (a document
    payable in instalments gives one item per open instalment, each with its due date).

    Attributes:
        item_id: the document or payment id.
        kind: the document type value, or ``"payment_in"``/``"payment_out"``.
        number: its number.
        party_id: the party.
        date: its date.
        due_date: its due date (a payment's or correction's own date).
        amount: open amount; positive: owed to us (receivables) or by us (payables).
        functional: the same in the functional currency.
        days_overdue: days past the due date (zero or negative: not due).

    Example:
        >>> OpenItem("d-1", "sales_invoice", "INV-1", "p-1", date(2026, 1, 1),
        ...          date(2026, 1, 31), Money("10.00", "EUR"), Money("11.00", "USD"),
        ...          5).days_overdue
        5
    """

    item_id: str
    kind: str
    number: str
    party_id: str
    date: date
    due_date: dt.date
    amount: Money
    functional: Money
    days_overdue: int


def _add(table: dict[str, Money], key: str, value: Money | None) -> None:
    if value is not None:
        old = table.get(key)
        table[key] = value if old is None else old + value


def _plus(value: Money, table: Mapping[str, Money], key: str) -> Money:
    extra = table.get(key)
    return value if extra is None else value + extra


def _negate(m: Money) -> Money:
    out: Money = _new(Money)
    _init(out, -m.amount, m.currency)
    return out


def _later(allocations: Iterable[Allocation]) -> tuple[dict[str, Money], dict[str, Money]]:
    back: dict[str, Money] = {}
    back_fn: dict[str, Money] = {}
    for a in allocations:
        _add(back, a.debit_id, a.amount)
        _add(back_fn, a.debit_id, a.debit_released)
        if a.credit_id is not None:
            _add(back, a.credit_id, a.amount)
            _add(back_fn, a.credit_id, a.credit_released)
    return back, back_fn


def open_instalments(schedule: Sequence[tuple[date, Money]],
                     open_amount: Money) -> list[tuple[date, Money]] | None:
    """What is still open of each instalment of ``schedule`` when ``open_amount`` of it is
    open: what was settled is taken from the earliest instalments first. ``None`` when
    the open amount does not fit the schedule (another currency or sign, or more than
    its total): the document is then aged as one item.

    Example:
        >>> eur = lambda v: Money(v, "EUR")
        >>> plan = [(date(2026, 2, 4), eur("50.00")), (date(2026, 3, 6), eur("50.00"))]
        >>> [(str(d), str(m.amount)) for d, m in open_instalments(plan, eur("70.00"))]
        [('2026-02-04', '20.00'), ('2026-03-06', '50.00')]
        >>> open_instalments(plan, eur("100.01")) is None
        True
    """
    code = open_amount.currency.code
    total = sum((m.amount for _, m in schedule), _ZERO)
    left = open_amount.amount
    if any(m.currency.code != code for _, m in schedule) or not total or not left \
            or (total > 0) is not (left > 0) or abs(left) > abs(total):
        return None
    sign = 1 if total > 0 else -1
    settled = (total - left) * sign  # taken from the earliest instalments first
    out: list[tuple[date, Money]] = []
    for due, m in schedule:
        value = m.amount * sign
        taken = min(value, settled)
        settled -= taken
        if value - taken:
            out.append((due, Money((value - taken) * sign, code)))
    return out


def open_items(repo: DocumentsRepository, side: Direction, as_of: date,
               party_id: str | None = None) -> list[OpenItem]:
    """Every item with something open on ``as_of`` on one side of the parties' accounts.

    Documents come from the repository's compact read of open documents
    (``find_open_documents``); those settled since ``as_of`` (allocations dated
    after it) are read whole and added back.

    Example:
        >>> from backoffice_core.adapters.memory import MemoryStore
        >>> with MemoryStore()("b") as uow:
        ...     open_items(uow.documents, Direction.SALES, date(2026, 1, 31))
        []
    """
    later = repo.find_allocations(after=as_of)
    back, back_fn = _later(later)
    touched = set(back)
    docs: dict[str, OpenDocument] = {d.id: d for d in repo.find_open_documents(
        side, as_of, party_id)}
    pays: dict[str, Payment] = {p.id: p for p in repo.find_payments(party_id, True, side)}
    missing = touched - set(docs) - set(pays)
    if missing:
        found = repo.get_documents(sorted(missing))
        for doc in found.values():
            if doc.open_amount is not None:
                docs[doc.id] = OpenDocument.of(doc)
        for item_id in sorted(missing - set(found)):
            p = repo.get_payment(item_id)
            if p is not None:
                pays[p.id] = p
    flip = 1 if side is Direction.SALES else -1
    # by the type's value: an enum member hashes in Python, its value string in C
    kinds = {t.value: (t.value, item_sign("document", t) * flip < 0, t.direction is side)
             for t in DocumentType if t.is_financial}
    groups: dict[str, list[OpenItem]] = {}  # by party: sorting each party apart is faster
    for d in docs.values():
        amount, fn = d.open_amount, d.open_functional
        kind, negate, ours = kinds[d.type._value_]
        if fn is None or d.date > as_of or not ours or (party_id and d.party_id != party_id):
            continue
        if d.id in touched:
            amount, fn = _plus(amount, back, d.id), _plus(fn, back_fn, d.id)
            if not amount.amount and not fn.amount:
                continue
        # a schedule of instalments: each open instalment is an item on its own due date
        parts = open_instalments(d.instalments, amount) if d.instalments else None
        if negate:
            amount, fn = _negate(amount), _negate(fn)
        group = groups.get(d.party_id)
        if group is None:
            group = groups[d.party_id] = []
        if parts is None:
            due = d.due_date or d.date
            group.append(OpenItem(d.id, kind, d.number, d.party_id, d.date, due, amount, fn,
                                  (as_of - due).days))
            continue
        shares = allocate(fn, [abs(m.amount) for _, m in parts])  # exact, in proportion
        for (due, part), share in zip(parts, shares, strict=True):
            group.append(OpenItem(d.id, kind, d.number, d.party_id, d.date, due,
                                  _negate(part) if negate else part, share,
                                  (as_of - due).days))
    for p in pays.values():
        p_amount, p_fn = p.open_amount, p.open_functional
        if p_amount is None or p_fn is None or p.side is not side or p.date > as_of \
                or (party_id and p.party_id != party_id):
            continue
        if p.id in touched:
            p_amount, p_fn = _plus(p_amount, back, p.id), _plus(p_fn, back_fn, p.id)
        if not p_amount.amount and not p_fn.amount:
            continue
        if p.sign * flip < 0:
            p_amount, p_fn = _negate(p_amount), _negate(p_fn)
        groups.setdefault(p.party_id, []).append(OpenItem(
            p.id, p.direction.series, p.number, p.party_id, p.date, p.date, p_amount, p_fn,
            (as_of - p.date).days))
    out: list[OpenItem] = []
    for party in sorted(groups):  # by party, then due date, number and id
        group = groups[party]
        group.sort(key=_WITHIN_PARTY)
        out += group
    return out
