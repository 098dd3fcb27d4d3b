"""A stateful hunt over documents and payments: one random story, two books.

The same sequence of operations runs on a ``memory://`` book and on a ``sqlite://``
book (fixed clock, sequential ids, so both hand out the same ids): drafts of quotes,
orders, invoices and bills (mixed VAT rates, discounts, prices net or gross of tax),
edits with the right or a stale version, approve and reopen, issue and issue_many (a
batch may hold an id that names nothing), conversions, cancellations, credit and debit
notes (full, partial, too much), payments received and made, their allocation (partial,
too much, to a credited document), refunds, write-offs, early-payment discounts,
archiving, a fiscal year added mid-story, closed periods and a closed year, arguments
of the wrong type. An approval rule and a credit limit apply. Valid and invalid inputs
are mixed.

After every step, on both books:

* numbers are gapless per series and year, never reused, and new ones come after the
  ones already given;
* an issued document's number, lines and totals never change, and its entry exists;
  ``bo.ledger.verify()`` is ok;
* what is open = what is to settle - what allocations took (credits, payments,
  write-offs), and the state agrees with it;
* the aging (receivables and payables) per party and currency, today and as of an
  earlier date, and each party's statement, equal the control account's balance per
  party; an issued document's entry puts what it owes on that account;
* a cancelled invoice or bill owes nothing: it was credited in full;
* a quote or order is completed exactly while one of its conversions is whole (ordered or
  invoiced for a quote, invoiced or delivered for an order, net of what issued credit
  notes gave back by quantity): a credit note or a cancellation that gives quantity back
  issues it again, out of the archive (an issued quote or order is never archived);
* memory and SQLite hold the same documents, payments and allocations.

A step that raised raised the same error type naming the same field on both books,
and changed nothing on either (documents, payments, allocations, ledger).

Rules pick mostly documents a step can apply to (drafts to issue, open items to pay)
and now and then any, so that refusals are exercised too. The CI profile
(tests/conftest.py) makes the search derandomized.
"""

from __future__ import annotations

import itertools
import os
import re
from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

import backoffice_core as bc
from backoffice_core.documents import (
    ApprovalRule,
    EarlyPaymentDiscount,
    PaymentTerms,
    Tax,
    line,
)
from backoffice_core.errors import BackofficeError
from backoffice_core.ledger import FiscalYear

TODAY = datetime(2026, 3, 31, tzinfo=UTC)
_BOOKS = itertools.count(1)
DAYS = [date(2026, 1, 5), date(2026, 1, 20), date(2026, 2, 3), date(2026, 2, 25),
        date(2026, 3, 10)]
MONTHS = ["2026-01", "2026-02", "2026-03"]
TAXES = [Tax.standard(20), Tax.reduced(7), Tax.zero()]
PRICES = ["10.00", "19.99", "0.01", "100.00", "33.333"]
SALES = ["quote", "sales_order", "sales_invoice"]
NUMBER = re.compile(r"^(.*?)(\d+)$")


def _DRAFT(d: Any) -> bool:
    return d.state.value in ("draft", "approved")


def _ISSUED(d: Any) -> bool:
    return d.number is not None and d.state.value != "cancelled"


def _CONVERTIBLE(d: Any) -> bool:
    return _ISSUED(d) and d.type.value in ("quote", "sales_order")


def _CORRECTABLE(d: Any) -> bool:
    return _ISSUED(d) and d.type.value in ("sales_invoice", "supplier_bill")


def _OPEN(d: Any) -> bool:
    return d.is_open


_line = st.builds(
    lambda desc, qty, price, tax, disc, gross: line(desc, qty, price, tax, discount=disc,
                                                    price_includes_tax=gross),
    st.sampled_from(["Widget", "Service"]), st.sampled_from([1, 2, 3, "0.5", 7, -2]),
    st.sampled_from(PRICES), st.sampled_from(TAXES), st.sampled_from([None, 5, 10]),
    st.booleans())
_lines = st.tuples(st.integers(0, 9), st.lists(_line, min_size=1, max_size=3)).map(
    lambda t: [] if t[0] == 0 else t[1])  # now and then no line at all
_index = st.integers(0, 40)
_amount = st.sampled_from(["0.01", "5.00", "12.00", "50.00", "120.00", "1000.00", "40.00",
                           "200.00", "-1"])


def _book(url: str, store: Any = None) -> bc.Backoffice:
    clock, ids = bc.FixedClock(TODAY), bc.SequentialIds("e")
    bo = (bc.Backoffice.open(url, clock=clock, ids=ids) if store is None else  # PostgreSQL:
          bc.Backoffice(store, book=f"d{next(_BOOKS)}", clock=clock, ids=ids))  # a new book
    bo.ledger.setup("Story Co", currency="USD", chart="generic")
    bo.ledger.set_rate("EUR", "USD", date(2026, 1, 1), "1.10")
    bo.ledger.set_rate("EUR", "USD", date(2026, 2, 1), "1.20")
    return bo


def _snapshot(bo: bc.Backoffice) -> dict[str, Any]:
    docs = bo.documents
    found = docs.find()
    payments = docs.payments()
    return {
        "documents": found,
        "payments": payments,
        "allocations": {i.id: docs.allocations(i.id) for i in [*found, *payments]},
        "entries": bo.ledger.entries(),
        "balances": sorted((b.key, b) for b in bo.ledger.balances(dimension="party")),
        "years": bo.ledger.fiscal_years(),
    }


_USD = bc.Money("10.00", "USD")
ODD: list[Callable[[Any, str, str], Any]] = [  # (documents, a document id, a customer id)
    lambda d, doc, c: d.update(doc, version=d.get(doc).version, lines=5),
    lambda d, doc, c: d.credit(doc, [1]),
    lambda d, doc, c: d.credit(doc, date="2026-03-01"),
    lambda d, doc, c: d.convert(doc, "sales_invoice", date="2026-03-01"),
    lambda d, doc, c: d.issue_many(5),
    lambda d, doc, c: d.write_off(doc, limit="5.00"),
    lambda d, doc, c: d.record_payment(c, _USD, DAYS[0], allocate_to=5),
    lambda d, doc, c: d.record_payment(c, _USD, DAYS[0], direction="sideways"),
    lambda d, doc, c: d.record_payment(c, _USD, DAYS[0], side="sideways"),
    lambda d, doc, c: d.record_payment(c, _USD, DAYS[0], allocate_to={doc: "abc"}),
]


class DocumentsStory(RuleBasedStateMachine):
    """Documents and payments on a memory book and an SQLite book, step by step."""

    pg: Any = None  # a PostgreSQL store: a third book on it (DocumentsStoryPostgres)

    @initialize()
    def open_books(self) -> None:
        self.books = [_book("memory://"), _book("sqlite://")]
        if self.pg is not None:
            self.books.append(_book("postgresql://", self.pg))
        self.customers: list[str] = []
        self.suppliers: list[str] = []
        for bo in self.books:
            docs = bo.documents  # Acme pays 2/10 net 30; Globex has a credit limit
            docs.configure(approval_rules=[ApprovalRule("supplier_bill", _USD * 50,
                                                        approvers=("maria",))])
            c = [docs.create_party("Acme GmbH", payment_terms=PaymentTerms.net(
                     30, discount=EarlyPaymentDiscount(2, 10))).id,
                 docs.create_party("Globex", credit_limit=_USD * 200).id]
            s = [docs.create_party("Paper Co", is_customer=False, is_supplier=True).id,
                 docs.create_party("Ink Ltd", is_customer=False, is_supplier=True).id]
            assert (not self.customers or c == self.customers) and \
                (not self.suppliers or s == self.suppliers)
            self.customers, self.suppliers = c, s
        self.ids: list[str] = []          # every document made, in order
        self.payment_ids: list[str] = []
        self.frozen: dict[str, tuple[Any, ...]] = {}  # issued id -> what must never change
        self.last_seq: dict[str, int] = {}            # series prefix -> highest seq seen
        self.has_year = False
        self.snap = [_snapshot(bo) for bo in self.books]

    # ------------------------------------------------------------------ helpers
    def both(self, op: Callable[[bc.Backoffice], Any]) -> list[Any] | None:
        """Run ``op`` on both books: both succeed (results returned), or both raise the
        same error type naming the same field and neither changes (``None``)."""
        results: list[Any] = []
        errors: list[BackofficeError] = []
        for bo in self.books:
            try:
                results.append(op(bo))
            except BackofficeError as err:
                errors.append(err)
        if not errors:
            return results
        assert len(errors) == len(self.books), f"one book refused, another did not: {errors}"
        a = errors[0]
        for b in errors[1:]:
            assert (type(a), a.field) == (type(b), b.field), (a, b)
        for bo, before in zip(self.books, self.snap, strict=True):
            after = _snapshot(bo)
            for part in before:
                assert after[part] == before[part], f"refused {a!r} changed {part}"
        return None

    def pick(self, i: int, want: Callable[[Any], bool] | None = None) -> str:
        """A document, mostly one that ``want``s (else any: some steps must be refused)."""
        pool = self.ids
        if want is not None and i % 7:
            pool = [d.id for d in self.snap[0]["documents"] if want(d)] or pool
        return pool[i % len(pool)]

    def party(self, side: str, i: int) -> str:
        # now and then the wrong side: a supplier on a sales document and the other way
        pool = self.customers if side == "sales" else self.suppliers
        other = self.suppliers if side == "sales" else self.customers
        return other[0] if i == 3 else pool[i % 2]

    def made(self, results: list[Any] | None, then: int = 0) -> None:
        """Note a new draft; ``then`` 1 issues it at once, 2 approves and issues it."""
        if results is None:
            return
        doc_id = results[0].id
        assert all(r.id == doc_id for r in results)
        self.ids.append(doc_id)
        if then:  # what a refusal below must leave as it is
            self.snap = [_snapshot(bo) for bo in self.books]
        if then == 2 and self.both(lambda bo: bo.documents.approve(doc_id, user="maria")):
            self.snap = [_snapshot(bo) for bo in self.books]
        if then:
            self.both(lambda bo: bo.documents.issue(doc_id, user="sam"))

    # ------------------------------------------------------------------ drafts
    @rule(kind=st.sampled_from([*SALES, "supplier_bill"]), who=st.integers(0, 3),
          day=st.sampled_from(DAYS), lines=_lines, eur=st.booleans(), then=st.integers(0, 4))
    def create(self, kind: str, who: int, day: date, lines: list[Any], eur: bool,
               then: int) -> None:
        then = then % 3  # 0, 3: a draft; 1, 4: issued; 2: approved and issued
        party = self.party("purchase" if kind == "supplier_bill" else "sales", who)
        currency = "EUR" if eur and who == 1 else None
        self.made(self.both(lambda bo: bo.documents.create(kind, party, day, lines,
                                                           currency=currency)), then)

    @rule(i=_index, stale=st.integers(0, 3), lines=_lines, day=st.sampled_from(DAYS))
    @precondition(lambda self: self.ids)
    def update(self, i: int, stale: int, lines: list[Any], day: date) -> None:
        doc_id = self.pick(i, _DRAFT)

        def op(bo: bc.Backoffice) -> Any:
            doc = bo.documents.get(doc_id)
            return bo.documents.update(doc_id, version=doc.version - (stale == 0), lines=lines,
                                       date=day, note="edited")
        self.both(op)

    @rule(i=_index, back=st.booleans())
    @precondition(lambda self: self.ids)
    def approve_or_reopen(self, i: int, back: bool) -> None:
        doc_id = self.pick(i, _DRAFT)
        if back:
            self.both(lambda bo: bo.documents.reopen(doc_id, user="maria"))
        else:
            self.both(lambda bo: bo.documents.approve(doc_id, user="maria"))

    # ------------------------------------------------------------------ issuing
    @rule(i=_index)
    @precondition(lambda self: self.ids)
    def issue(self, i: int) -> None:
        doc_id = self.pick(i, _DRAFT)
        self.both(lambda bo: bo.documents.issue(doc_id, user="sam"))

    @rule(picks=st.lists(_index, min_size=1, max_size=4), bad=st.integers(-1, 4))
    @precondition(lambda self: self.ids)
    def issue_many(self, picks: list[int], bad: int) -> None:
        ids = list(dict.fromkeys(self.pick(i, _DRAFT) for i in picks))
        if bad == 4:  # an id given twice
            ids.append(ids[0])
        elif 0 <= bad <= len(ids):
            ids.insert(bad, "no-such-document")
        done = self.both(lambda bo: bo.documents.issue_many(ids, user="sam"))
        if done is not None:  # numbers of one series follow the list's order
            seqs: dict[str, list[int]] = {}
            for d in done[0]:
                prefix, seq = _split(d.number)
                seqs.setdefault(prefix, []).append(seq)
            assert all(s == sorted(s) for s in seqs.values()), seqs

    @rule(i=_index, to=st.integers(0, 4), qty=st.sampled_from([None, 1, 2, 50]),
          day=st.sampled_from([None, *DAYS]), then=st.integers(0, 1))
    @precondition(lambda self: self.ids)
    def convert(self, i: int, to: int, qty: Any, day: date | None, then: int) -> None:
        doc_id = self.pick(i, _CONVERTIBLE)
        kind = self.books[0].documents.get(doc_id).type.value
        targets = {"quote": ["sales_order", "sales_invoice"],
                   "sales_order": ["sales_invoice", "delivery_note"]}.get(kind, [])
        target = targets[to % len(targets)] if targets and to < 4 else "sales_order"
        quantities = None if qty is None else {"1": qty}
        self.made(self.both(lambda bo: bo.documents.convert(doc_id, target, quantities,
                                                            date=day)), then)

    @rule(i=_index, qty=st.sampled_from([None, None, 1, "0.5", 2, 9]), now=st.booleans())
    @precondition(lambda self: self.ids)
    def credit(self, i: int, qty: Any, now: bool) -> None:
        doc_id = self.pick(i, _CORRECTABLE)
        quantities = None if qty is None else {"1": qty}
        self.made(self.both(lambda bo: bo.documents.credit(doc_id, quantities,
                                                           reason="return")), now)

    @rule(i=_index)
    @precondition(lambda self: self.ids)
    def cancel(self, i: int) -> None:
        doc_id = self.pick(i, _ISSUED)
        done = self.both(lambda bo: bo.documents.cancel(doc_id, reason="story"))
        if done is not None:
            for d in self.books[0].documents.find(type=["credit_note", "debit_note"]):
                if d.id not in self.ids:
                    self.ids.append(d.id)

    @rule(i=_index, restore=st.booleans())
    @precondition(lambda self: self.ids)
    def archive(self, i: int, restore: bool) -> None:
        doc_id = self.pick(i, _ISSUED)
        self.both(lambda bo: bo.documents.archive(doc_id, archived=not restore))

    # ------------------------------------------------------------------ payments
    @rule(who=st.integers(0, 3), purchase=st.booleans(), amount=_amount,
          day=st.sampled_from(DAYS), picks=st.lists(_index, max_size=3),
          mapping=st.booleans(), eur=st.booleans())
    def pay(self, who: int, purchase: bool, amount: str, day: date, picks: list[int],
            mapping: bool, eur: bool) -> None:
        party = self.party("purchase" if purchase else "sales", who)
        code = "EUR" if eur else "USD"
        theirs = lambda d: d.is_open and d.party_id == party and d.currency == code  # noqa: E731
        targets = list(dict.fromkeys(self.pick(i, theirs) for i in picks)) if self.ids else []
        money = bc.Money(amount, "EUR" if eur else "USD") if amount[0] != "-" else amount
        allocate_to: Any = {t: bc.Money("10.00", money.currency if isinstance(
            money, bc.Money) else "USD") for t in targets} if mapping else targets
        done = self.both(lambda bo: bo.documents.record_payment(
            party, money, day, allocate_to=allocate_to or None,
            side="purchase" if purchase else "sales"))
        if done is not None:
            assert all(d.id == done[0].id for d in done)
            self.payment_ids.append(done[0].id)

    def payment(self, p: int) -> Any:
        """A payment, mostly one with something left to allocate."""
        pool = [q for q in self.snap[0]["payments"] if q.is_open and p % 5]
        pool = pool or self.snap[0]["payments"]
        return pool[p % len(pool)]

    @rule(p=_index, i=_index, amount=st.sampled_from([None, "1.00", "10.00", "500.00"]))
    @precondition(lambda self: self.ids and self.payment_ids)
    def allocate(self, p: int, i: int, amount: str | None) -> None:
        pay = self.payment(p)
        pay_id = pay.id
        doc_id = self.pick(i, lambda d: d.is_open and d.party_id == pay.party_id)

        def op(bo: bc.Backoffice) -> Any:
            code = bo.documents.payment(pay_id).currency
            return bo.documents.allocate(pay_id, doc_id,
                                         bc.Money(amount, code) if amount else None)
        self.both(op)

    @rule(p=_index, amount=st.sampled_from([None, "1.00", "0.01"]), day=st.sampled_from(DAYS))
    @precondition(lambda self: self.payment_ids)
    def refund_or_write_off(self, p: int, amount: str | None, day: date) -> None:
        pay = self.payment(p)
        if amount is None:  # what is left on the payment, or on a document of its party
            item = self.pick(p, lambda d: d.is_open and d.party_id == pay.party_id) \
                if p % 2 and self.ids else pay.id
            limit = bc.Money("1.00", pay.currency)
            self.both(lambda bo: bo.documents.write_off(item, limit=limit))
        else:
            money = bc.Money(amount, pay.currency)
            done = self.both(lambda bo: bo.documents.refund(pay.party_id, money, day,
                                                            against=[pay.id]))
            if done is not None:
                self.payment_ids.append(done[0].id)

    @rule(i=_index, which=st.integers(0, len(ODD) - 1))
    @precondition(lambda self: self.ids)
    def odd_input(self, i: int, which: int) -> None:
        """Arguments of the wrong type or shape: a typed error, nothing changed."""
        doc_id = self.pick(i, _ISSUED if which % 2 else _DRAFT)
        party = self.customers[0]
        assert self.both(lambda bo: ODD[which](bo.documents, doc_id, party)) is None

    @rule(i=_index, day=st.sampled_from(["its own", None, *DAYS]))
    @precondition(lambda self: self.ids)
    def take_discount(self, i: int, day: Any) -> None:
        doc_id = self.pick(i, lambda d: d.is_open and d.party_id == self.customers[0])
        if day == "its own":
            day = self.books[0].documents.get(doc_id).date
        self.both(lambda bo: bo.documents.take_discount(doc_id, on=day))

    # ------------------------------------------------------------------ the ledger's year
    @rule()
    @precondition(lambda self: not self.has_year)
    def add_fiscal_year(self) -> None:
        year = FiscalYear.monthly("FY2026", date(2026, 1, 1))
        self.has_year = self.both(lambda bo: bo.ledger.add_fiscal_year(year)) is not None

    @rule(month=st.sampled_from([*MONTHS, "year"]), close=st.booleans())
    @precondition(lambda self: self.has_year)
    def close_or_reopen(self, month: str, close: bool) -> None:
        led = "FY2026"
        if month == "year":
            self.both(lambda bo: bo.ledger.close_year(led) if close else
                      bo.ledger.reopen_year(led))
        elif close:
            self.both(lambda bo: bo.ledger.close_period(led, month))
        else:
            self.both(lambda bo: bo.ledger.reopen_period(led, month))

    # ------------------------------------------------------------------ invariants
    @invariant()
    def books_agree_and_hold(self) -> None:
        snaps = [_snapshot(bo) for bo in self.books]
        mem = snaps[0]
        for sql in snaps[1:]:
            for part in mem:
                assert mem[part] == sql[part], f"memory and SQL differ in {part}"
        self.snap = snaps
        bo = self.books[0]
        assert all(b.ledger.verify().ok for b in self.books)
        self._numbers(mem)
        self._frozen(bo, mem)
        self._open_amounts(mem)
        self._completed(mem)
        self._aging(bo)

    def _completed(self, snap: dict[str, Any]) -> None:
        docs = snap["documents"]
        for d in docs:
            if d.type.value in _CONVERTS and _ISSUED(d):
                whole = any(_whole(docs, d, t) for t in _CONVERTS[d.type.value])
                assert (d.state.value == "completed") == whole, (d.number, d.state, whole)
                assert d.state.value == "completed" or not d.archived, d.number

    def _numbers(self, snap: dict[str, Any]) -> None:
        seen: dict[str, set[int]] = {}
        numbered = [d.number for d in snap["documents"] if d.number is not None]
        numbered += [p.number for p in snap["payments"]]
        for number in numbered:
            prefix, seq = _split(number)
            assert seq not in seen.setdefault(prefix, set()), f"{number} reused"
            seen[prefix].add(seq)
        new: dict[str, int] = {}
        for prefix, seqs in seen.items():
            assert seqs == set(range(1, len(seqs) + 1)), f"gap in {prefix}: {sorted(seqs)}"
            new[prefix] = max(seqs)
        for prefix, top in self.last_seq.items():
            assert new.get(prefix, 0) >= top, f"{prefix} went back"
        self.last_seq = new

    def _frozen(self, bo: bc.Backoffice, snap: dict[str, Any]) -> None:
        for d in snap["documents"]:
            if d.number is None:
                continue
            kept = (d.number, d.type, d.party_id, d.date, d.currency, d.lines,
                    d.allowances_charges, d.totals, d.entry_id, d.fx_rate)
            assert self.frozen.setdefault(d.id, kept) == kept, f"issued {d.number} changed"
            if d.type.is_financial and d.totals.to_settle.amount:  # posted, for what it owes
                control = "1140" if d.direction.value == "sales" else "2110"
                sign = 1 if d.type.value in ("sales_invoice", "debit_note") else -1
                posted = sum((p.money.amount for p in bo.ledger.entry(d.entry_id).postings
                              if p.account == control), Decimal(0))
                assert posted == sign * d.totals.to_settle.amount, d

    def _open_amounts(self, snap: dict[str, Any]) -> None:
        allocations = snap["allocations"]
        for d in snap["documents"]:
            if not d.type.is_financial or d.number is None:
                assert d.open_amount is None or d.state.value == "cancelled"
                continue
            taken = sum((a.amount.amount for a in allocations[d.id]), Decimal(0))
            assert d.open_amount.amount == d.totals.to_settle.amount - taken, d
            assert d.open_amount.amount >= 0, d
            if d.state.value == "cancelled":  # only through a correction, for all it owed
                assert d.type.is_correction or d.open_amount.amount == 0, d
            else:
                want = ("paid" if d.open_amount.amount == 0 else "issued"
                        if taken == 0 else "partially_paid")
                assert d.state.value == want, (d, taken)
        for p in snap["payments"]:
            taken = sum((a.amount.amount for a in allocations[p.id]), Decimal(0))
            assert p.open_amount.amount == p.amount.amount - taken >= 0, p

    def _aging(self, bo: bc.Backoffice) -> None:
        for side, account, sign in (("sales", "1140", 1), ("purchase", "2110", -1)):
            for day in DAYS[2:3]:  # as of an earlier date too: later matches added back
                for row in bo.documents.aging(day, side=side).rows:
                    balance = bo.ledger.balance(account, row.currency, as_of=day,
                                                dimension=("party", row.party_id))
                    assert row.total == balance * sign, (side, day, row)
            report = bo.documents.aging(side=side)
            for row in report.rows:
                balance = bo.ledger.balance(account, row.currency,
                                            dimension=("party", row.party_id))
                assert row.total == balance * sign, (side, row)
            for party in self.customers if side == "sales" else self.suppliers:
                for code in ("USD", "EUR"):  # the statement closes on the account's balance
                    closing = bo.documents.statement(party, DAYS[0], TODAY.date(),
                                                     currency=code, side=side).closing
                    assert closing == sign * bo.ledger.balance(
                        account, code, dimension=("party", party)), (party, code)
            functional: dict[tuple[str, str], Decimal] = {}  # and so do its USD values
            for item in report.items:
                key = (item.party_id, item.amount.code)
                functional[key] = functional.get(key, Decimal(0)) + item.functional.amount
            for b in bo.ledger.balances(dimension="party"):
                key = (b.key.value, b.key.currency)
                if b.key.account == account and (b.net or b.functional or key in functional):
                    assert functional.get(key, Decimal(0)) * 100 == sign * b.functional, b


#: per source type, its conversions, each as the types that count together
_CONVERTS = {"quote": (("sales_order", "sales_invoice"),),
             "sales_order": (("sales_invoice",), ("delivery_note",))}


def _whole(docs: list[Any], source: Any, targets: tuple[str, ...]) -> bool:
    """The model: nothing of ``source`` is left to convert into ``targets`` by the live
    documents made from its lines, an invoice's lines net of what its issued credit
    notes credited by quantity."""
    back: dict[tuple[str, str], Decimal] = {}
    for note in docs:
        if note.type.value == "credit_note" and _ISSUED(note):
            for ln in note.lines:
                if ln.source is not None:
                    key = (ln.source.document_id, ln.source.line_id)
                    back[key] = back.get(key, Decimal(0)) + ln.quantity
    left = {ln.id: ln.quantity for ln in source.lines}
    for d in docs:
        if d.type.value in targets and _ISSUED(d):
            for ln in d.lines:
                if ln.source is not None and ln.source.document_id == source.id:
                    left[ln.source.line_id] -= ln.quantity - back.get((d.id, ln.id),
                                                                      Decimal(0))
    return not any(left[ln.id] != 0 and (left[ln.id] > 0) == (ln.quantity > 0)
                   for ln in source.lines)


def _split(number: str) -> tuple[str, int]:
    m = NUMBER.match(number)
    assert m is not None, number
    return m.group(1), int(m.group(2))


DocumentsStory.TestCase.settings = settings(
    max_examples=50, stateful_step_count=25, deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
test_documents_story = DocumentsStory.TestCase


class DocumentsStoryPostgres(DocumentsStory):
    """The same story with a third book on PostgreSQL (a new book per example)."""


DocumentsStoryPostgres.TestCase.settings = settings(
    DocumentsStory.TestCase.settings,
    max_examples=int(os.environ.get("MACHINE_PG_EXAMPLES", "10")))
test_documents_story_postgres = DocumentsStoryPostgres.TestCase
test_documents_story_postgres.postgres_machine = DocumentsStoryPostgres  # (tests/conftest.py)
