"""A stateful hunt across documents, inventory and the ledger: one random story, two books.

The same sequence runs on a ``memory://`` book and on a ``sqlite://`` book (fixed clock,
sequential ids), and on a third PostgreSQL book when the session has one (``pg_store``):
sales orders become delivery notes (stock leaves) and invoices, invoices get credit
notes, customers return goods (a negative delivery line); purchase orders (some at a
discount, so a unit's net is not a whole cent) become goods receipts (stock arrives
against goods received not invoiced) and supplier bills, for all or part of a receipt,
now and then at another price (a standard-cost item posts its purchase price variance),
bills get debit notes; payments; cancellations; documents dated before earlier ones.

After every step, on every book:

* the books agree (documents, entries, balances, moves, valuation);
* stock on hand per item is the model's (receipts in, deliveries out, cancellations back);
* the inventory valuation as of each day of the story equals the inventory account;
* goods received not invoiced is zero once every live receipt is billed in full
  (and nothing was cancelled or debited around it), and otherwise each received line's
  net less the cumulative share of it billed (bills less debit notes);
* receivables and payables equal the aging of the open documents and payments;
* an order, delivery note or goods receipt is completed only while one of its conversions
  is whole (delivered, received, invoiced or billed in full, net of what issued credit
  and debit notes gave back by quantity): a credit note or a cancellation that gives
  quantity back issues it again; an order or receipt with a whole conversion is
  completed (the model: :func:`_left`);
* ``bo.ledger.verify()`` is ok.

A refused step raised a typed error (the same type and field on every book) and changed
nothing.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import attrs
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

import backoffice_core as bc
from backoffice_core.documents import MatchTolerance, Tax, line
from backoffice_core.errors import BackofficeError

TODAY = datetime(2026, 3, 31, tzinfo=UTC)
DAYS = [date(2026, 1, 5), date(2026, 1, 20), date(2026, 2, 3), date(2026, 2, 25),
        date(2026, 3, 10)]
ITEMS = {"FIF": "fifo", "AVG": "average", "STD": "standard"}
PRICES = ["2.00", "2.50", "3.10", "1.75"]
_BOOKS = itertools.count(1)
_USD = "USD"


def _book(url: str, store: Any = None) -> bc.Backoffice:
    clock, ids = bc.FixedClock(TODAY), bc.SequentialIds("f")
    bo = (bc.Backoffice.open(url, clock=clock, ids=ids) if store is None else
          bc.Backoffice(store, book=f"flow{next(_BOOKS)}", clock=clock, ids=ids))
    bo.ledger.setup("Flow Co", currency=_USD, chart="generic")
    bo.inventory.create_location("WH", "Warehouse", kind="warehouse")
    for sku, method in ITEMS.items():
        extra = {"standard_cost": "2.00"} if method == "standard" else {}
        bo.inventory.create_item(sku, sku, valuation=method, **extra)
    bo.documents.configure(match_tolerance=MatchTolerance(quantity_percent=0,
                                                          price_percent=100))
    return bo


def _snapshot(bo: bc.Backoffice) -> dict[str, Any]:
    docs, inv = bo.documents, bo.inventory
    found = docs.find()
    return {
        "documents": found,
        "payments": docs.payments(),
        "allocations": {d.id: docs.allocations(d.id) for d in found},
        "handovers": docs.handovers(),
        "entries": bo.ledger.entries(),
        "balances": sorted((b.key, b) for b in bo.ledger.balances()),
        "moves": inv.moves(),
        "valuation": inv.valuation(),
    }


def _issued(d: Any) -> bool:
    return d.number is not None and d.state.value != "cancelled"


class FlowStory(RuleBasedStateMachine):
    """Orders, stock, invoices, bills, notes and payments on two (or three) books."""

    pg: Any = None

    @initialize()
    def open_books(self) -> None:
        self.books = [_book("memory://"), _book("sqlite://")]
        if self.pg is not None:
            self.books.append(_book("postgresql://", self.pg))
        ids = [(bo.documents.create_party("Acme").id,
                bo.documents.create_party("Parts Co", is_customer=False,
                                          is_supplier=True).id) for bo in self.books]
        assert len(set(ids)) == 1
        self.customer, self.supplier = ids[0]
        self.stock = dict.fromkeys(ITEMS, Decimal(0))  # the model: on hand per item
        self.touched_grni = False  # a receipt cancelled or a bill debited: no zero check
        self.snap = [_snapshot(bo) for bo in self.books]

    # ------------------------------------------------------------------ helpers
    def both(self, op: Callable[[bc.Backoffice], Any]) -> list[Any] | None:
        results: list[Any] = []
        errors: list[BaseException] = []
        for bo in self.books:
            try:
                results.append(op(bo))
            except BackofficeError as err:
                errors.append(err)
        if not errors:
            self.snap = [_snapshot(bo) for bo in self.books]
            return results
        assert len(errors) == len(self.books), f"one book refused, another did not: {errors}"
        first = errors[0]
        for other in errors[1:]:
            assert (type(first), getattr(first, "field", None)) == \
                (type(other), getattr(other, "field", None)), (first, other)
        for bo, before in zip(self.books, self.snap, strict=True):
            after = _snapshot(bo)
            for part in before:
                assert after[part] == before[part], f"refused {first!r} changed {part}"
        return None

    def docs_of(self, kind: str, want: Callable[[Any], bool] = _issued) -> list[Any]:
        return [d for d in self.snap[0]["documents"] if d.type.value == kind and want(d)]

    def pick(self, kind: str, i: int, want: Callable[[Any], bool] = _issued) -> Any | None:
        pool = self.docs_of(kind, want)
        return pool[i % len(pool)] if pool else None

    def make(self, op: Callable[[bc.Backoffice], Any], approve: bool = False) -> Any | None:
        """Create a draft on every book (``op``) and issue it; the issued document."""
        made = self.both(op)
        if made is None:
            return None
        doc_id = made[0].id
        assert all(d.id == doc_id for d in made)
        if approve:
            self.both(lambda bo: bo.documents.approve(doc_id, user="maria"))
        done = self.both(lambda bo: bo.documents.issue(doc_id, user="sam"))
        return None if done is None else done[0]

    def moved(self, doc: Any, sign: int) -> None:
        for ln in doc.lines:
            if ln.item_id in self.stock:
                self.stock[ln.item_id] += sign * ln.quantity

    # ------------------------------------------------------------------ sales
    @rule(sku=st.sampled_from(sorted(ITEMS)), qty=st.integers(1, 6),
          price=st.sampled_from(PRICES), day=st.sampled_from(DAYS))
    def sales_order(self, sku: str, qty: int, price: str, day: date) -> None:
        self.make(lambda bo: bo.documents.create("sales_order", self.customer, day, [
            line(sku, qty, price, Tax.standard(20), item_id=sku),
            line("Handling", 1, "1.00", Tax.reduced(7))]))

    @rule(i=st.integers(0, 20), part=st.booleans(), day=st.sampled_from(DAYS))
    def deliver(self, i: int, part: bool, day: date) -> None:
        so = self.pick("sales_order", i)
        if so is None:
            return
        qty = {so.lines[0].id: 1} if part else None
        note = self.make(lambda bo: bo.documents.convert(so.id, "delivery_note", qty,
                                                         date=day))
        if note is not None:
            self.moved(note, -1)

    @rule(i=st.integers(0, 20), from_note=st.booleans(), day=st.sampled_from(DAYS))
    def invoice(self, i: int, from_note: bool, day: date) -> None:
        src = self.pick("delivery_note" if from_note else "sales_order", i)
        if src is not None:
            self.make(lambda bo: bo.documents.convert(src.id, "sales_invoice", date=day))

    @rule(i=st.integers(0, 20), part=st.booleans(), day=st.sampled_from(DAYS))
    def credit(self, i: int, part: bool, day: date) -> None:
        inv = self.pick("sales_invoice", i)
        if inv is not None:
            qty = {inv.lines[0].id: 1} if part else None
            self.make(lambda bo: bo.documents.credit(inv.id, qty, date=day))

    @rule(sku=st.sampled_from(sorted(ITEMS)), qty=st.integers(1, 3),
          day=st.sampled_from(DAYS))
    def customer_return(self, sku: str, qty: int, day: date) -> None:
        note = self.make(lambda bo: bo.documents.create("delivery_note", self.customer, day,
            [line(sku, -qty, "3.00", Tax.standard(20), item_id=sku)]))
        if note is not None:
            self.moved(note, -1)

    # ------------------------------------------------------------------ purchases
    @rule(sku=st.sampled_from(sorted(ITEMS)), qty=st.integers(1, 8),
          price=st.sampled_from(PRICES), day=st.sampled_from(DAYS),
          discount=st.sampled_from([None, 5, 15]))
    def purchase_order(self, sku: str, qty: int, price: str, day: date,
                       discount: int | None) -> None:
        self.make(lambda bo: bo.documents.create("purchase_order", self.supplier, day, [
            line(sku, qty, price, Tax.standard(20), item_id=sku, discount=discount)]))

    @rule(i=st.integers(0, 20), part=st.booleans(), day=st.sampled_from(DAYS))
    def receive(self, i: int, part: bool, day: date) -> None:
        po = self.pick("purchase_order", i)
        if po is None:
            return
        qty = {po.lines[0].id: 1} if part else None
        receipt = self.make(lambda bo: bo.documents.convert(po.id, "goods_receipt", qty,
                                                            date=day))
        if receipt is not None:
            self.moved(receipt, 1)

    @rule(i=st.integers(0, 20), price=st.sampled_from([None, *PRICES]),
          day=st.sampled_from(DAYS), part=st.booleans())
    def bill(self, i: int, price: str | None, day: date, part: bool) -> None:
        receipt = self.pick("goods_receipt", i)
        if receipt is None:
            return
        qty = {receipt.lines[0].id: 1} if part else None

        def op(bo: bc.Backoffice) -> Any:
            draft = bo.documents.convert(receipt.id, "supplier_bill", qty, date=day)
            lines = [ln if price is None else attrs_price(ln, price) for ln in draft.lines]
            return bo.documents.update(draft.id, version=draft.version, lines=lines,
                                       external_number=f"X-{draft.id}")
        self.make(op, approve=price is not None)

    @rule(i=st.integers(0, 20), part=st.booleans(), day=st.sampled_from(DAYS))
    def debit(self, i: int, part: bool, day: date) -> None:
        bill = self.pick("supplier_bill", i)
        if bill is not None:
            qty = {bill.lines[0].id: 1} if part else None
            if self.make(lambda bo: bo.documents.credit(bill.id, qty, date=day)):
                self.touched_grni = True

    # ------------------------------------------------------------------ money, undo
    @rule(i=st.integers(0, 20), sales=st.booleans(), day=st.sampled_from(DAYS),
          half=st.booleans())
    def pay(self, i: int, sales: bool, day: date, half: bool) -> None:
        kind = "sales_invoice" if sales else "supplier_bill"
        doc = self.pick(kind, i, lambda d: _issued(d) and d.is_open)
        if doc is None:
            return
        amount = doc.open_amount if not half else bc.Money(
            (doc.open_amount.amount / 2).quantize(Decimal("0.01")), _USD)
        party = self.customer if sales else self.supplier
        self.both(lambda bo: bo.documents.record_payment(party, amount, day,
                                                         allocate_to=[doc.id]))

    @rule(kind=st.sampled_from(["goods_receipt", "delivery_note", "sales_invoice",
                                "supplier_bill", "sales_order"]), i=st.integers(0, 20))
    def cancel(self, kind: str, i: int) -> None:
        doc = self.pick(kind, i)
        if doc is None:
            return
        if self.both(lambda bo: bo.documents.cancel(doc.id, reason="undo")) is None:
            return
        if kind in ("goods_receipt", "delivery_note"):
            self.moved(doc, -1 if kind == "goods_receipt" else 1)
        if kind in ("goods_receipt", "supplier_bill"):
            self.touched_grni = True

    # ------------------------------------------------------------------ checks
    @invariant()
    def books_agree(self) -> None:
        for other in self.snap[1:]:
            for part in self.snap[0]:
                assert other[part] == self.snap[0][part], part

    @invariant()
    def stock_is_the_model(self) -> None:
        bo = self.books[0]
        for sku, qty in self.stock.items():
            assert bo.inventory.on_hand(sku) == qty, (sku, qty)

    @invariant()
    def valuation_is_the_ledger(self) -> None:
        bo = self.books[0]
        for day in [*DAYS, None]:
            rec = bo.inventory.reconcile(as_of=day)
            assert rec.agrees, (day, rec)
            total = bo.inventory.valuation(as_of=day).total
            assert total == bo.ledger.balance("1210", as_of=day).amount, day
        assert bo.ledger.verify().ok

    @invariant()
    def grni_clears_when_all_is_billed(self) -> None:
        if self.touched_grni:
            return
        bo = self.books[0]
        receipts = self.docs_of("goods_receipt")
        billed = [d for d in self.docs_of("goods_receipt", lambda d: True)
                  if d.state.value == "completed"]
        if len(billed) == len(receipts):  # every receipt converted in full into bills
            assert bo.ledger.balance("2120") == bc.Money(0, _USD)

    @invariant()
    def grni_is_what_is_received_and_not_billed(self) -> None:
        """GRNI holds, per received line, its net less the cumulative share of it billed
        (bills less debit notes, ``round(net x billed / received)``), whatever the bills'
        prices: exactly the net before any bill, exactly zero once billed in full. A
        debit note's balancing line is an amount of no goods (a price difference): it
        leaves GRNI alone."""
        found = self.snap[0]["documents"]
        if any(d.type.value == "goods_receipt" and d.number and d.state.value == "cancelled"
               for d in found):
            return  # the goods went back at their cost by method: not modelled
        received: dict[tuple[str, str], tuple[Decimal, Decimal]] = {}
        billed: dict[tuple[str, str], Decimal] = {}
        for gr in self.docs_of("goods_receipt"):
            for ln, net in zip(gr.lines, gr.totals.line_nets, strict=True):
                received[(gr.id, ln.id)] = (net.amount, ln.quantity)
                billed[(gr.id, ln.id)] = Decimal(0)
        source: dict[tuple[str, str], tuple[str, str]] = {}
        for bill in [d for d in found if d.type.value == "supplier_bill" and d.number]:
            for ln in bill.lines:
                key = (ln.source.document_id, ln.source.line_id)
                source[(bill.id, ln.id)] = key
                billed[key] += ln.quantity
        for note in [d for d in found if d.type.value == "debit_note" and d.number]:
            for ln in note.lines:
                if ln.source is None:
                    continue  # a balancing line: a price difference, not GRNI
                billed[source[(ln.source.document_id, ln.source.line_id)]] -= ln.quantity
        cent = Decimal("0.01")
        want = -sum((net - (net * billed[k] / qty).quantize(cent, ROUND_HALF_UP)
                     for k, (net, qty) in received.items()), Decimal(0))
        assert self.books[0].ledger.balance("2120").amount == want

    @invariant()
    def completed_while_a_conversion_is_whole(self) -> None:
        """Completed only while one of its conversions is whole; an order, delivery note
        or receipt with one is completed (a delivery note whose order was invoiced in full
        without it too: it has nothing left to invoice through the cap)."""
        docs = self.snap[0]["documents"]
        for d in docs:
            if d.type.value not in _CONVERTS or not _issued(d):
                continue
            whole = [t for t in _CONVERTS[d.type.value]
                     if not any(q != 0 and (q > 0) == (ln.quantity > 0)
                                for ln in d.lines for q in [_left(docs, d, t)[ln.id]])]
            if d.state.value == "completed":
                assert whole, (d.number, "completed with nothing whole")
            else:
                assert not whole, (d.number, d.state.value, whole)

    @invariant()
    def control_accounts_are_the_open_items(self) -> None:
        bo = self.books[0]
        for side, account, sign in (("sales", "1140", 1), ("purchase", "2110", -1)):
            total = bo.documents.aging(TODAY.date(), side=side).total(_USD)
            assert total == bo.ledger.balance(account) * sign, side
            open_docs = sum((d.open_amount.amount * d.type.sign
                             for d in self.snap[0]["documents"] if _issued(d) and d.is_open
                             and d.direction.value == side), Decimal(0))
            open_pay = sum((p.open_amount.amount for p in self.snap[0]["payments"]
                            if p.open_amount is not None
                            and p.side.value == side), Decimal(0))
            assert open_docs - open_pay == (bo.ledger.balance(account) * sign).amount, side


_CONVERTS = {"sales_order": ("sales_invoice", "delivery_note"),
             "delivery_note": ("sales_invoice",),
             "purchase_order": ("goods_receipt", "supplier_bill"),
             "goods_receipt": ("supplier_bill",)}


def _left(docs: list[Any], source: Any, target: str) -> dict[str, Decimal]:
    """The model of what ``source`` has left to convert into ``target``, per line: its
    quantity less what the live documents of ``target`` made from it took, an invoice's
    (bill's) lines net of what its issued notes credited by quantity. An order's invoices
    made from its delivery notes count for it; a delivery note has no more left than its
    order (both sales only: a purchase order's bills count when made from it)."""
    by_id = {d.id: d for d in docs}
    back: dict[tuple[str, str], Decimal] = {}  # (invoice, line): credited by quantity
    for note in docs:
        if note.type.value in ("credit_note", "debit_note") and _issued(note):
            for ln in note.lines:
                if ln.source is not None:
                    key = (ln.source.document_id, ln.source.line_id)
                    back[key] = back.get(key, Decimal(0)) + ln.quantity
    left = {ln.id: ln.quantity for ln in source.lines}
    for d in docs:
        if d.type.value != target or not _issued(d):
            continue
        for ln in d.lines:
            src = ln.source
            if src is not None and src.document_id != source.id and src.document_id in by_id \
                    and source.type.value == "sales_order" \
                    and by_id[src.document_id].type.value == "delivery_note":
                src = next(m.source for m in by_id[src.document_id].lines
                           if m.id == src.line_id)  # through the delivery note
            if src is not None and src.document_id == source.id:
                left[src.line_id] -= ln.quantity - back.get((d.id, ln.id), Decimal(0))
    if source.type.value == "delivery_note":
        for ln in source.lines:
            src = ln.source
            if src is not None and src.document_id in by_id:
                cap = _left(docs, by_id[src.document_id], target)[src.line_id]
                left[ln.id] = min(left[ln.id], max(cap, Decimal(0)))
    return left


def attrs_price(ln: Any, price: str) -> Any:
    """``ln`` at another unit price (a supplier's bill that differs from its receipt)."""
    return attrs.evolve(ln, unit_price=Decimal(price))


FlowStory.TestCase.settings = settings(
    max_examples=int(os.environ.get("FLOW_EXAMPLES", "30")), stateful_step_count=25,
    deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    phases=[Phase.explicit, Phase.generate] if os.environ.get("FLOW_NO_SHRINK") else
    list(Phase))
test_flow_story = FlowStory.TestCase


class FlowStoryPostgres(FlowStory):
    """The same story with a third book on PostgreSQL (a new book per example)."""


FlowStoryPostgres.TestCase.settings = settings(
    FlowStory.TestCase.settings,
    max_examples=int(os.environ.get("MACHINE_PG_EXAMPLES", "10")))
test_flow_story_postgres = FlowStoryPostgres.TestCase
test_flow_story_postgres.postgres_machine = FlowStoryPostgres  # (tests/conftest.py)
