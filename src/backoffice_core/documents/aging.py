"""Receivables and payables aging, customer statements and the overdue list.

Every report reads the open items (financial documents and payments) with
what was still open *as of* a date: today's open amount plus whatever later
allocations took off. Amounts are shown from our side: on receivables
positive means the customer owes us, on payables that we owe the supplier.
Because every document, payment, write-off and exchange difference is posted
to the control account with the ``party`` dimension, the aging total per
party and currency equals the ledger's balance of receivables (or minus the
balance of payables) for that party, to the minor unit, on any date.

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
from typing import Any

import attrs
import moneyed

from backoffice_core.documents._report_text import table, words
from backoffice_core.documents.model import Direction, DocumentType
from backoffice_core.documents.payments import Allocation, Payment, item_sign
from backoffice_core.documents.repository import (
    DocumentQuery,
    DocumentsRepository,
    OpenDocument,
)
from backoffice_core.formatting import format_amount, format_money
from backoffice_core.money import Money, allocate, from_minor
from backoffice_core.tables import html_table

__all__ = [
    "BUCKETS",
    "AgingReport",
    "AgingRow",
    "OpenItem",
    "OverdueItem",
    "Statement",
    "StatementLine",
    "bucket_of",
    "build_aging",
    "build_statement",
    "open_instalments",
    "open_items",
    "overdue_items",
]

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


@attrs.frozen(slots=True)
class AgingRow:
    """One party in one currency: amounts per bucket and the total.

    Example:
        >>> z = Money("0.00", "EUR")
        >>> AgingRow("p-1", "Acme", "EUR", (z, z, z, z, z), z).total
        Money('0.00', 'EUR')
    """

    party_id: str
    party_name: str
    currency: str
    buckets: tuple[Money, ...]
    total: Money


@attrs.frozen(slots=True)
class AgingReport:
    """Aging of receivables (``Direction.SALES``) or payables (``Direction.PURCHASE``).

    Attributes:
        as_of: the date the report looks from.
        side: which accounts.
        rows: one :class:`AgingRow` per party and currency, by party name.
        items: the :class:`OpenItem` values behind it.

    Example:
        >>> r = AgingReport(date(2026, 1, 31), Direction.SALES, (), ())
        >>> r.total("EUR"), r.currencies
        (Money('0.00', 'EUR'), ())
    """

    as_of: date
    side: Direction
    rows: tuple[AgingRow, ...]
    items: tuple[OpenItem, ...]

    @property
    def currencies(self) -> tuple[str, ...]:
        """The currencies that appear, sorted."""
        return tuple(sorted({r.currency for r in self.rows}))

    def bucket_totals(self, currency: str) -> tuple[Money, ...]:
        """The column totals in ``currency``."""
        out = [from_minor(0, currency) for _ in BUCKETS]
        for r in self.rows:
            if r.currency == currency:
                out = [a + b for a, b in zip(out, r.buckets, strict=True)]
        return tuple(out)

    def total(self, currency: str, party_id: str | None = None) -> Money:
        """Everything open in ``currency`` (for one party, if given)."""
        total = from_minor(0, currency)
        for r in self.rows:
            if r.currency == currency and (party_id is None or r.party_id == party_id):
                total += r.total
        return total

    def functional_total(self, functional: str, party_id: str | None = None) -> Money:
        """Everything open, valued as carried in the functional currency."""
        total = from_minor(0, functional)
        for i in self.items:
            if party_id is None or i.party_id == party_id:
                total += i.functional
        return total

    def to_records(self) -> list[dict[str, Any]]:
        """One dict per row (exact ``Money`` values), for DataFrames or JSON."""
        return [{"party_id": r.party_id, "party": r.party_name, "currency": r.currency,
                 **dict(zip(BUCKETS, r.buckets, strict=True)), "total": r.total}
                for r in self.rows]

    def _cells(self, locale: str) -> tuple[list[str], list[list[Any]]]:
        """The headers for ``locale``, and per row (then per currency's total line) the
        party, the currency and the exact amounts, not yet formatted."""
        w = words(locale)
        headers = [w["party"], w["currency"], w["current"], *BUCKETS[1:], w["total"]]
        rows = [[r.party_name, r.currency, *(m.amount for m in (*r.buckets, r.total))]
                for r in self.rows]
        for code in self.currencies:
            totals = self.bucket_totals(code)
            rows.append([w["Total"], code, *(m.amount for m in (*totals, self.total(code)))])
        return headers, rows

    def _title(self, locale: str) -> str:
        w = words(locale)
        return w["receivables" if self.side is Direction.SALES else "payables"].format(
            d=self.as_of.isoformat())

    def render(self, locale: str) -> str:
        """A plain-text table (labels and numbers for ``locale``, which is required, as
        every report's ``render`` requires it)."""
        headers, rows = self._cells(locale)
        body = [[name, code, *(format_amount(a, code, locale, symbol=False) for a in amounts)]
                for name, code, *amounts in rows]
        return self._title(locale) + "\n" + table(headers, body)

    def _repr_html_(self) -> str:
        headers, rows = self._cells("en_US")
        return html_table(self._title("en_US"), headers, rows, range(2, len(headers)))


def build_aging(items: Iterable[OpenItem], as_of: date, side: Direction,
                names: Mapping[str, str]) -> AgingReport:
    """Group open items by party and currency into buckets.

    Example:
        >>> item = OpenItem("d", "sales_invoice", "INV-1", "p", date(2026, 1, 1),
        ...                 date(2026, 1, 31), Money("10", "EUR"), Money("11", "USD"), 40)
        >>> row = build_aging([item], date(2026, 3, 12), Direction.SALES, {"p": "Acme"}).rows[0]
        >>> [str(m.amount) for m in row.buckets], row.party_name
        (['0.00', '0.00', '10.00', '0.00', '0.00'], 'Acme')
    """
    items = tuple(items)
    grouped: dict[tuple[str, str], list[Decimal]] = {}
    for i in items:
        amount = i.amount
        key = (i.party_id, amount.currency.code)
        row = grouped.get(key)
        if row is None:
            row = grouped[key] = [_ZERO] * len(BUCKETS)
        days = i.days_overdue  # bucket_of, inline: this loop runs once per open item
        row[0 if days <= 0 else 1 if days <= 30 else 2 if days <= 60 else 3 if days <= 90
            else 4] += amount.amount
    rows = []
    for (pid, code), sums in grouped.items():
        zero = from_minor(0, code)
        buckets = tuple(zero + Money(v, code) for v in sums)
        rows.append(AgingRow(pid, names.get(pid, pid), code, buckets,
                             zero + Money(sum(sums, _ZERO), code)))
    rows.sort(key=lambda r: (r.party_name.casefold(), r.party_id, r.currency))
    return AgingReport(as_of, side, tuple(rows), items)


@attrs.frozen(slots=True)
class OverdueItem:
    """A document past its due date, for reminders (from our side, positive: owed to us).

    Example:
        >>> OverdueItem("d-1", "INV-1", "p-1", "Acme", date(2026, 1, 1), 12,
        ...             Money("5.00", "EUR"), "1-30").bucket
        '1-30'
    """

    document_id: str
    number: str
    party_id: str
    party_name: str
    due_date: date
    days_overdue: int
    open_amount: Money
    bucket: str


def overdue_items(items: Iterable[OpenItem], names: Mapping[str, str],
                  min_days: int = 1) -> list[OverdueItem]:
    """Documents at least ``min_days`` past due with a positive open amount, most overdue first.

    Example:
        >>> item = OpenItem("d", "sales_invoice", "INV-1", "p", date(2026, 1, 1),
        ...                 date(2026, 1, 31), Money("10", "EUR"), Money("10", "EUR"), 5)
        >>> [o.bucket for o in overdue_items([item], {})]
        ['1-30']
    """
    out = [OverdueItem(i.item_id, i.number, i.party_id, names.get(i.party_id, i.party_id),
                       i.due_date, i.days_overdue, i.amount, BUCKETS[bucket_of(i.days_overdue)])
           for i in items
           if not i.kind.startswith("payment") and i.amount.amount > 0
           and i.days_overdue >= min_days]
    out.sort(key=lambda o: (-o.days_overdue, o.number))
    return out


@attrs.frozen(slots=True)
class StatementLine:
    """One movement on a party's statement (debit: raises what they owe us).

    Example:
        >>> z = Money("0.00", "EUR")
        >>> StatementLine(date(2026, 1, 5), "sales_invoice", "INV-1", Money("9.00", "EUR"), z,
        ...               Money("9.00", "EUR")).debit
        Money('9.00', 'EUR')
    """

    date: date
    kind: str
    number: str
    debit: Money
    credit: Money
    balance: Money


@attrs.frozen(slots=True)
class Statement:
    """A party's account in one currency over a period: opening, movements, closing.

    Attributes:
        party_id, party_name: the party.
        currency: the statement's currency.
        start, end: the period, inclusive.
        opening: the balance before ``start``.
        lines: documents, payments and write-offs in the period, by date.
        closing: the balance at ``end`` (equals the aging total of the party).
        buckets: the closing balance by aging bucket.

    Example:
        >>> z = Money("0.00", "EUR")
        >>> s = Statement("p-1", "Acme", "EUR", date(2026, 1, 1), date(2026, 1, 31), z, (),
        ...               z, (z,) * 5)
        >>> s.render("en_US").splitlines()[0]
        'Statement Acme EUR 2026-01-01..2026-01-31'
    """

    party_id: str
    party_name: str
    currency: str
    start: date
    end: date
    opening: Money
    lines: tuple[StatementLine, ...]
    closing: Money
    buckets: tuple[Money, ...]

    def render(self, locale: str) -> str:
        """A plain-text statement (labels and numbers for ``locale``)."""
        def f(m: Money) -> str:
            return format_money(m, locale, symbol=False)

        w = words(locale)
        rows = [[ln.date.isoformat() + " " + ln.number, f(ln.debit), f(ln.credit),
                 f(ln.balance)] for ln in self.lines]
        rows.insert(0, [w["opening"], "", "", f(self.opening)])
        rows.append([w["closing"], "", "", f(self.closing)])
        head = (f"{w['statement']} {self.party_name} {self.currency} "
                f"{self.start.isoformat()}..{self.end.isoformat()}")
        names = (w["current"], *BUCKETS[1:])
        aging = "  ".join(f"{b}: {f(m)}" for b, m in zip(names, self.buckets, strict=True))
        return head + "\n" + table(["", w["debit"], w["credit"], w["balance"]], rows) + \
            "\n" + aging


def build_statement(repo: DocumentsRepository, side: Direction, party_id: str,
                    party_name: str, currency: str, start: date, end: date) -> Statement:
    """The statement of one party's account in ``currency`` from ``start`` to ``end``.

    Example:
        >>> from backoffice_core.adapters.memory import MemoryStore
        >>> with MemoryStore()("b") as uow:
        ...     s = build_statement(uow.documents, Direction.SALES, "p-1", "Acme", "EUR",
        ...                         date(2026, 1, 1), date(2026, 1, 31))
        >>> s.closing, s.lines
        (Money('0.00', 'EUR'), ())
    """
    flip = 1 if side is Direction.SALES else -1
    zero = from_minor(0, currency)
    moves: list[tuple[date, str, str, Money]] = []  # (date, kind, number, signed amount)
    for d in repo.find_documents(DocumentQuery(party_id=party_id, direction=side, end=end)):
        if d.type.is_financial and d.totals is not None and d.entry_id is not None \
                and d.currency == currency:
            moves.append((d.date, d.type.value, d.number or "",
                          d.totals.to_settle * (item_sign("document", d.type) * flip)))
    for p in repo.find_payments(party_id, False, side):
        if p.date <= end and p.currency == currency:
            moves.append((p.date, p.direction.series, p.number, p.amount * (p.sign * flip)))
    for a in repo.find_allocations():
        if not a.write_off or a.date > end or a.amount.code != currency:
            continue
        doc = repo.get_document(a.debit_id)
        if doc is not None:
            if doc.party_id != party_id or doc.direction is not side:
                continue
            sign, number = item_sign("document", doc.type), doc.number or ""
        else:
            pay = repo.get_payment(a.debit_id)
            if pay is None or pay.party_id != party_id or pay.side is not side:
                continue
            sign, number = pay.sign, pay.number
        kind = "cash_discount" if a.is_cash_discount else "write_off"
        moves.append((a.date, kind, number, a.amount * (-sign * flip)))
    moves.sort(key=lambda m: (m[0], m[2]))
    opening = sum((m[3] for m in moves if m[0] < start), zero)
    balance = opening
    lines = []
    for day, kind, number, amount in moves:
        if day < start:
            continue
        balance += amount
        lines.append(StatementLine(day, kind, number, amount if amount.amount > 0 else zero,
                                   -amount if amount.amount < 0 else zero, balance))
    items = [i for i in open_items(repo, side, end, party_id) if i.amount.code == currency]
    buckets = [zero for _ in BUCKETS]
    for i in items:
        buckets[bucket_of(i.days_overdue)] += i.amount
    return Statement(party_id, party_name, currency, start, end, opening, tuple(lines), balance,
                     tuple(buckets))
