"""A stateful hunt over the inventory: one random sequence of operations, valid and invalid,
run on a memory book and an SQLite book side by side, and checked after every step against a
small independent model of the quantities (every done move, in (date, seq) order).

* an operation the model expects to pass passes on both books; one it expects to be refused
  (a bad input, a closed period, negative stock) is refused on both, with the same error type
  and field, and changes nothing (stock, moves, valuation, cost history, ledger);
* the model decides negative stock itself, from the lowest point of the move sequence after
  the move's date and what reservations hold now (docs/inventory.md, "Negative stock");
* after every step: the stock per item, location and lot equals the model's (now and as of
  rotating dates, rolled up to each warehouse too), the valuation equals the inventory
  account as of those dates, and the two books agree on stock, valuation and balances;
  an item's layers (as of a date) sum to its valuation, and a what-if by its own method
  gives its value; a priced receipt credits goods received at quantity times price.

Rules: receipts (some per box or in g), deliveries, transfers, scrap, adjustments, returns,
all backdated at will; reservations, planned moves (confirm, validate, cancel; of a lot
too); batches of ``apply_moves`` (with now and then one bad move), bursts past the engine's
snapshot interval; counts (cycle and full; a figure for an item a cycle count did not name
is refused); changes of method; landed costs; closing and
reopening February and March.

Items: FIFO, LIFO, moving average (kg, moved in g too), standard, periodic average, a
lot-tracked FIFO item, and an item that may go negative; the bin ``NEG`` may go negative.
"""

from __future__ import annotations

import itertools
import os
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, NamedTuple

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

import backoffice_core as bc
from backoffice_core.errors import InsufficientStockError, PeriodClosedError
from backoffice_core.inventory import MoveSpec

START = date(2026, 2, 1)
DAYS = [START + timedelta(days=n) for n in range(57)]  # Feb 1 .. Mar 29 (clock: Mar 31)
MONTHS = {"2026-02", "2026-03"}
ITEMS = {  # sku: (valuation, unit, tracking, allow_negative)
    "F": ("fifo", "pc", "none", False), "L": ("lifo", "pc", "none", False),
    "A": ("average", "kg", "none", False), "S": ("standard", "pc", "none", False),
    "P": ("periodic_average", "pc", "none", False), "T": ("fifo", "pc", "lot", False),
    "N": ("fifo", "pc", "none", True)}
SKUS = sorted(ITEMS)
BINS = ["WH/A/1", "WH/B", "W2", "NEG"]
PARENT = {"WH/A/1": "WH/A", "WH/A": "WH", "WH/B": "WH", "NEG": "W2"}
PLACES = [*BINS, "WH", "WH/A"]  # where stock may sit (a count finds it at its root too)
LOTS = ["L1", "L2"]
VIRTUAL = {"supplier", "customer", "inventory_loss"}

day = st.sampled_from(DAYS)
sku = st.sampled_from(SKUS)
where = st.sampled_from(BINS)
cost = st.sampled_from([Decimal("0.00"), Decimal("1.00"), Decimal("2.35"), Decimal("7.10")])
# (given quantity, unit or None, expected error type or None): mostly valid, some not
BAD_QTY = [(Decimal(0), None, bc.ValidationError), (Decimal(-2), None, bc.ValidationError),
           (2.0, None, bc.ValidationError), ("x", None, bc.ValidationError),
           (Decimal(1), "furlong", bc.NotFoundError)]


def qty_of(sku_: str) -> st.SearchStrategy[tuple[Any, str | None, type | None]]:
    if ITEMS[sku_][1] == "kg":
        good = st.one_of(st.sampled_from(["0.5", "1.25", "3", "2.750"]).map(
            lambda s: (Decimal(s), None, None)),
            st.sampled_from([250, 1500]).map(lambda g: (Decimal(g), "g", None)))
        fine = (Decimal("0.0005"), None, bc.ValidationError)  # finer than the unit
    else:
        good = st.one_of(st.integers(1, 9).map(lambda n: (Decimal(n), None, None)),
                         st.just((Decimal(1), "box6", None)))
        fine = (Decimal("1.5"), None, bc.ValidationError)
    return st.one_of(good, good, good, good, good, good, st.sampled_from([*BAD_QTY, fine]))


def in_unit(given: Any, unit: str | None) -> Decimal:
    return Decimal(given) * (6 if unit == "box6" else Decimal("0.001") if unit == "g" else 1)


CLOCK = bc.FixedClock(datetime(2026, 3, 31, 12, tzinfo=UTC))
_SQLITE: list[bc.Backoffice] = []  # one in-memory SQLite store, a new book per example
_BOOKS = itertools.count(1)


def open_book(kind: str, store: Any = None) -> bc.Backoffice:
    if kind == "memory":
        bo = bc.Backoffice.open("memory://", clock=CLOCK, ids=bc.SequentialIds("s"))
    elif kind == "postgresql":  # the session's PostgreSQL store, a new book per example
        bo = bc.Backoffice(store, book=f"i{next(_BOOKS)}", clock=CLOCK,
                           ids=bc.SequentialIds("s"))
    else:
        if not _SQLITE:
            _SQLITE.append(bc.Backoffice.open("sqlite://", clock=CLOCK,
                                              ids=bc.SequentialIds("s")))
        _SQLITE.append(_SQLITE[0].with_book(f"b{len(_SQLITE)}"))
        bo = _SQLITE[-1]
    bo.ledger.setup("Stock Co", currency="USD", chart="generic")
    bo.ledger.add_fiscal_year(bc.FiscalYear.monthly("FY2026", date(2026, 1, 1)))
    inv = bo.inventory
    inv.create_location("WH", "Main", kind="warehouse")
    inv.create_location("WH/A", "Zone A", kind="zone", parent="WH")
    inv.create_location("WH/A/1", "Bin A1", parent="WH/A")
    inv.create_location("WH/B", "Bin B", parent="WH")
    inv.create_location("W2", "Second", kind="warehouse")
    inv.create_location("NEG", "Overdraft bin", parent="W2", allow_negative=True)
    inv.create_unit("box6", "Box of 6", "count", 6)
    for code, (method, unit, tracking, negative) in ITEMS.items():
        inv.create_item(code, f"Item {code}", valuation=method, unit=unit, tracking=tracking,
                        allow_negative=negative, standard_cost="4.00" if code == "S" else None)
    return bo


def observe(bo: bc.Backoffice) -> dict[str, Any]:
    """What a refused operation must leave exactly as it was."""
    inv = bo.inventory
    return {"stock": inv.stock().rows, "moves": inv.moves(), "valuation": inv.valuation(),
            "history": [inv.history(s) for s in SKUS], "counts": inv.counts(),
            "reserved": [inv.reserved(s, b) for s in ("F", "T") for b in BINS],
            "entries": bo.ledger.entries(), "items": inv.items(),
            "lots": [inv.lots(s) for s in SKUS]}


class Model:
    """Done moves as (date, seq, sku, source, destination, lot, quantity), and reservations."""

    def __init__(self) -> None:
        self.moves: list[tuple[date, int, str, str, str, str, Decimal]] = []
        self.seq = 0
        self.held: dict[str, tuple[str, str, str, Decimal, date]] = {}  # id -> reservation

    def add(self, when: date, sku_: str, src: str, dst: str, lot: str, q: Decimal,
            seq: int | None = None) -> None:
        self.seq = self.seq + 1 if seq is None else seq
        self.moves.append((when, self.seq, sku_, src, dst, lot, q))

    def at(self, sku_: str, loc: str, lot: str | None = None, as_of: date | None = None
           ) -> Decimal:
        total = Decimal(0)
        for when, _, s, src, dst, lt, q in self.moves:
            if s == sku_ and (lot is None or lt == lot) and (as_of is None or when <= as_of):
                total += q if dst == loc else -q if src == loc else 0
        return total

    def table(self, as_of: date | None) -> dict[tuple[str, str, str], Decimal]:
        """Quantity per (sku, location, lot) as of a day (or now)."""
        out: dict[tuple[str, str, str], Decimal] = {}
        for when, _, s, src, dst, lot, q in self.moves:
            if as_of is None or when <= as_of:
                out[(s, src, lot)] = out.get((s, src, lot), Decimal(0)) - q
                out[(s, dst, lot)] = out.get((s, dst, lot), Decimal(0)) + q
        return out

    def lowest(self, sku_: str, loc: str, lot: str, when: date) -> Decimal:
        """The lowest quantity from a new move dated ``when`` on (it goes after its day)."""
        mine = sorted(m for m in self.moves if m[2] == sku_ and m[5] == lot and loc in m[3:5])
        bal = sum((m[6] if m[4] == loc else -m[6] for m in mine if m[0] <= when), Decimal(0))
        low = bal
        for m in mine:
            if m[0] > when:
                bal += m[6] if m[4] == loc else -m[6]
                low = min(low, bal)
        return low

    def reserved(self, sku_: str, loc: str, lot: str | None = None) -> Decimal:
        return sum((q for s, src, lt, q, _ in self.held.values()
                    if s == sku_ and src == loc and (lot is None or lt == lot)), Decimal(0))

    def short(self, sku_: str, src: str, lot: str, q: Decimal, when: date) -> bool:
        """Would a move of ``q`` out of ``src`` on ``when`` be refused for want of stock?"""
        if src in VIRTUAL:
            return False
        if not ITEMS[sku_][3] and src != "NEG" and self.lowest(sku_, src, lot, when) < q:
            return True
        if self.reserved(sku_, src):
            if self.at(sku_, src) - self.reserved(sku_, src) < q:
                return True
            if lot and self.at(sku_, src, lot) - self.reserved(sku_, src, lot) < q:
                return True
        return False


class Line(NamedTuple):
    """A count line as the model expects it at posting."""

    sku: str
    location: str
    lot: str
    expected: Decimal
    counted: Decimal | None


class InventoryMachine(RuleBasedStateMachine):
    pg: Any = None  # a PostgreSQL store: a third book on it (InventoryMachinePostgres)

    def __init__(self) -> None:
        super().__init__()
        self.books = [open_book("memory"), open_book("sqlite")]
        if self.pg is not None:
            self.books.append(open_book("postgresql", self.pg))
        self.model = Model()
        self.closed: set[str] = set()
        self.done: list[dict[str, Any]] = []  # done moves: ids per book, and what they moved
        self.held: list[tuple[str, ...]] = []  # reservation ids per book (open ones)
        self.drafts: list[tuple[Any, ...]] = []  # draft moves: ids, sku, from, to, q, date
        self.count: tuple[str, ...] | None = None
        self.count_day: date = START
        self.step = 0

    # ------------------------------------------------------------------ running
    def both(self, op: Any, expect: type | tuple[type, ...] | None,
             maybe: type | None = None) -> list[Any]:
        """Run ``op(book)`` on both books; refused alike (and changing nothing) or done alike.

        ``expect``: the error the model expects (``None``: none); ``maybe``: an error the
        model cannot rule out (a revaluation in a closed period)."""
        outcomes: list[Any] = []
        for bo in self.books:  # (an operation expected to pass need not be observed)
            before = observe(bo) if expect or maybe else None
            try:
                outcomes.append(op(bo))
            except bc.BackofficeError as err:
                assert before is None or observe(bo) == before, f"it changed the book: {err!r}"
                outcomes.append(err)
        kinds = [(type(x), getattr(x, "field", None)) if isinstance(x, Exception) else None
                 for x in outcomes]
        assert all(k == kinds[0] for k in kinds), f"memory and SQL differ: {outcomes}"
        got = outcomes[0]
        if isinstance(got, Exception):
            if maybe is not None and isinstance(got, maybe) and expect is None:
                return []
            assert expect is not None, f"refused, but the model expects it to pass: {got!r}"
            assert isinstance(got, expect), f"expected {expect}, got {got!r}"
            assert got.field, got  # type: ignore[attr-defined]
            return []
        assert expect is None, f"passed, but the model expects {expect}"
        return outcomes

    def closed_on(self, when: date) -> bool:
        return when.strftime("%Y-%m") in self.closed

    def later_closed(self, when: date) -> type | None:
        """A backdated event re-values later records: refused if a later period is closed."""
        return PeriodClosedError if any(m > when.strftime("%Y-%m") for m in self.closed) else None

    def single(self, sku_: str, given: Any, unit: str | None, bad: type | None, src: str,
               dst: str, when: date, lot: str, op: Any, *, incoming: bool = False,
               kind: str = "", cost: Decimal | None = None, late: type | None = None) -> None:
        """``bad``: an error of the input, found before the date; ``late`` one found after."""
        q = in_unit(given, unit) if bad is None else Decimal(0)
        expect: type | None = bad
        if expect is None and self.closed_on(when):
            expect = PeriodClosedError
        expect = expect or late
        if expect is None and ITEMS[sku_][2] == "lot" and not incoming and \
                lot not in {m[5] for m in self.model.moves if m[2] == sku_}:
            expect = bc.NotFoundError  # a lot that never came in
        if expect is None and self.model.short(sku_, src, lot, q, when):
            expect = InsufficientStockError
        got = self.both(op, expect, self.later_closed(when))
        if got:
            self.model.add(when, sku_, src, dst, lot, q)
            self.remember(got, sku_, src, dst, lot, q, when, kind, cost)

    def remember(self, got: Any, sku_: str, src: str, dst: str, lot: str, q: Decimal,
                 when: date, kind: str, cost: Decimal | None = None) -> None:
        """Keep a done move (its id on each book) for returns and landed costs; a priced
        receipt credits goods received at its quantity times its price (rounded once)."""
        ids = tuple(m if isinstance(m, str) else m.id for m in got)
        self.done.append({"ids": ids, "sku": sku_, "src": src, "dst": dst, "lot": lot, "q": q,
                          "day": when, "kind": kind, "free": cost == 0, "returned": Decimal(0)})
        if cost is not None and not ITEMS[sku_][3] and self.model.at(sku_, "NEG") >= 0:
            cost = cost.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)  # (and no debts)
            for bo, move_id in zip(self.books, ids, strict=True):
                [entry] = [h for h in bo.inventory.history(sku_) if h.event == move_id]
                assert dict(entry.counterpart).get("grni", 0) == -cost, (entry, cost)

    # ------------------------------------------------------------------ moves
    @rule(data=st.data(), when=day, to=where, unit_cost=cost, lot=st.sampled_from(LOTS),
          priced=st.sampled_from([True, True, True, True, False]))
    def receive(self, data: st.DataObject, when: date, to: str, unit_cost: Decimal, lot: str,
                priced: bool) -> None:
        sku_ = data.draw(sku)
        given, unit, bad = data.draw(qty_of(sku_))
        tracked = ITEMS[sku_][2] == "lot"
        method = self.books[0].inventory.item(sku_).valuation.value
        late = bc.ValidationError if not priced and method != "standard" else None  # a cost
        self.single(sku_, given, unit, bad, "supplier", to, when, lot if tracked else "",
                    lambda bo: bo.inventory.receive(
                        sku_, given, unit=unit, location=to, on=when,
                        unit_cost=unit_cost if priced else None,
                        lot=lot if tracked else None), incoming=True, kind="receipt",
                    cost=given * unit_cost if priced and bad is None else None, late=late)

    @rule(data=st.data(), when=day, at=where, lot=st.sampled_from(LOTS), mixed=st.integers(0, 9),
          how=st.sampled_from(["deliver", "scrap", "adjust", "transfer"]), to=where)
    def issue(self, data: st.DataObject, when: date, at: str, lot: str | None, mixed: int,
              how: str, to: str) -> None:
        sku_ = data.draw(sku)
        given, unit, bad = data.draw(qty_of(sku_))
        tracked = ITEMS[sku_][2] == "lot"
        if tracked != (mixed > 0):  # now and then a lot for an untracked item, or none for a
            lot = None  # tracked one
        late = bc.ValidationError if (lot is None) == tracked else None
        dst = {"deliver": "customer", "transfer": to}.get(how, "inventory_loss")
        if dst == at:
            bad = bc.ValidationError  # (the route is checked first)
        inv = lambda bo: bo.inventory  # noqa: E731

        def op(bo: bc.Backoffice) -> Any:
            if how == "deliver":
                return inv(bo).deliver(sku_, given, unit=unit, location=at, on=when, lot=lot)
            if how == "scrap":
                return inv(bo).scrap(sku_, given, unit=unit, location=at, on=when, lot=lot)
            if how == "transfer":
                return inv(bo).transfer(sku_, given, unit=unit, source=at, destination=to,
                                        on=when, lot=lot)
            signed = given if not isinstance(given, Decimal) else -given if given > 0 else 0
            return inv(bo).adjust(sku_, signed, unit=unit, location=at, on=when, lot=lot)
        self.single(sku_, given, unit, bad, at, dst, when, lot or "", op, kind=how, late=late)

    @rule(data=st.data(), when=day, unit_cost=st.one_of(st.none(), cost))
    def gain(self, data: st.DataObject, when: date, unit_cost: Decimal | None) -> None:
        sku_ = data.draw(sku.filter(lambda s: ITEMS[s][2] == "none"))
        q = Decimal(data.draw(st.integers(1, 4)))
        self.single(sku_, q, None, None, "inventory_loss", "WH/B", when, "",
                    lambda bo: bo.inventory.adjust(sku_, q, location="WH/B", on=when,
                                                   unit_cost=unit_cost), incoming=True)

    @precondition(lambda self: self.done)
    @rule(data=st.data(), when=day, part=st.sampled_from([None, 1, 2, 100]))
    def return_move(self, data: st.DataObject, when: date, part: int | None) -> None:
        n = data.draw(st.integers(0, len(self.done) - 1))
        m = self.done[n]
        if data.draw(st.integers(0, 4)):  # mostly on or after the move it returns
            when = max(when, m["day"])
        left = m["q"] - m["returned"]
        q = left if part is None else Decimal(part)
        expect: type | None = None
        if m["kind"] == "return" or left <= 0 or q > left:
            expect = bc.ValidationError
        elif self.closed_on(when):
            expect = PeriodClosedError
        elif when < m["day"]:
            expect = bc.ValidationError
        elif self.model.short(m["sku"], m["dst"], m["lot"], q, when):
            expect = InsufficientStockError
        ids = m["ids"]
        got = self.both(lambda bo: bo.inventory.return_move(
            ids[self.books.index(bo)], part, on=when), expect, self.later_closed(when))
        if got:
            m["returned"] += q
            self.model.add(when, m["sku"], m["dst"], m["src"], m["lot"], q)
            self.remember(got, m["sku"], m["dst"], m["src"], m["lot"], q, when, "return")

    # ------------------------------------------------------------------ reservations
    @rule(sku_=sku, q=st.integers(1, 6), at=where, when=day, lot=st.sampled_from(LOTS))
    def reserve(self, sku_: str, q: int, at: str, when: date, lot: str) -> None:
        tracked = ITEMS[sku_][2] == "lot"
        lot_ = lot if tracked else ""
        expect: type | None = None
        if self.closed_on(when):
            expect = PeriodClosedError
        elif tracked and lot not in {m[5] for m in self.model.moves if m[2] == sku_}:
            expect = bc.NotFoundError
        else:
            free = self.model.at(sku_, at) - self.model.reserved(sku_, at)
            if tracked:
                free = min(free, self.model.at(sku_, at, lot) - self.model.reserved(sku_, at, lot))
            if free < q:
                expect = InsufficientStockError
        got = self.both(lambda bo: bo.inventory.reserve(
            sku_, q, location=at, on=when, lot=lot if tracked else None), expect)
        if got:
            self.held.append(tuple(m.id for m in got))
            self.model.held[got[0].id] = (sku_, at, lot_, Decimal(q), when)

    @precondition(lambda self: self.held)
    @rule(data=st.data(), cancel=st.booleans(), when=st.one_of(st.none(), day))
    def settle(self, data: st.DataObject, cancel: bool, when: date | None) -> None:
        ids = self.held[data.draw(st.integers(0, len(self.held) - 1))]
        sku_, at, lot, q, planned = self.model.held[ids[0]]
        if cancel:
            self.both(lambda bo: bo.inventory.cancel(ids[self.books.index(bo)]), None)
        else:
            on = planned if when is None else when
            mine = self.model.held.pop(ids[0])  # its own hold is released first
            expect: type | None = None
            if self.closed_on(on):
                expect = PeriodClosedError
            elif self.model.short(sku_, at, lot, q, on):
                expect = InsufficientStockError
            got = self.both(lambda bo: bo.inventory.validate(ids[self.books.index(bo)],
                                                             on=when), expect,
                            self.later_closed(on))
            self.model.held[ids[0]] = mine
            if not got:
                return
            self.model.add(on, sku_, at, "customer", lot, q)
            self.remember(got, sku_, at, "customer", lot, q, on, "deliver")
        self.held.remove(ids)
        del self.model.held[ids[0]]

    @rule(sku_=st.sampled_from(["F", "L", "A", "S", "N", "T"]), q=st.integers(1, 5), at=where,
          when=day, incoming=st.booleans(), boxed=st.booleans(),
          unit_cost=st.sampled_from([Decimal("6.60"), Decimal("1.00"), Decimal("0.00")]),
          lot=st.sampled_from(LOTS))
    def plan(self, sku_: str, q: int, at: str, when: date, incoming: bool, boxed: bool,
             unit_cost: Decimal, lot: str) -> None:
        """A draft receipt (priced per box, converted to a cost per piece) or delivery; of a
        lot for the lot-tracked item (a planned receipt makes its lot only when done)."""
        unit = "box6" if boxed and sku_ != "A" else None
        src, dst = ("supplier", at) if incoming else (at, "customer")
        lot_ = lot if ITEMS[sku_][2] == "lot" else ""
        expect: type | None = None
        if self.closed_on(when):
            expect = PeriodClosedError
        elif incoming and unit and int(unit_cost * 100) % 3:
            expect = bc.ValidationError  # no exact cost per piece
        elif lot_ and not incoming and lot_ not in {m[5] for m in self.model.moves}:
            expect = bc.NotFoundError  # a lot that never came in (a plan does not make it)
        got = self.both(lambda bo: bo.inventory.plan(
            sku_, q, source=src, destination=dst, unit=unit, on=when, lot=lot_ or None,
            unit_cost=unit_cost if incoming else None), expect)
        if got:
            self.drafts.append((tuple(m.id for m in got), sku_, src, dst, in_unit(q, unit), when,
                                lot_))

    @precondition(lambda self: self.drafts)
    @rule(data=st.data(), what=st.sampled_from(["validate", "confirm", "cancel"]),
          when=st.one_of(st.none(), day))
    def carry_out(self, data: st.DataObject, what: str, when: date | None) -> None:
        draft = self.drafts[data.draw(st.integers(0, len(self.drafts) - 1))]
        ids, sku_, src, dst, q, planned, lot = draft
        mine = lambda bo: ids[self.books.index(bo)]  # noqa: E731
        if what == "cancel":
            self.both(lambda bo: bo.inventory.cancel(mine(bo)), None)
        elif what == "confirm":
            expect: type | None = None
            if src == "supplier":
                expect = bc.ValidationError  # reserved where stock is: not at a supplier
            elif min(self.model.at(sku_, src) - self.model.reserved(sku_, src),
                     self.model.at(sku_, src, lot) - self.model.reserved(sku_, src, lot)
                     if lot else q) < q:
                expect = InsufficientStockError
            if not self.both(lambda bo: bo.inventory.confirm(mine(bo)), expect):
                return
            self.held.append(ids)
            self.model.held[ids[0]] = (sku_, src, lot, q, planned)
        else:
            on = planned if when is None else when
            expect = None
            if self.closed_on(on):
                expect = PeriodClosedError
            elif self.model.short(sku_, src, lot, q, on):
                expect = InsufficientStockError
            if not self.both(lambda bo: bo.inventory.validate(mine(bo), on=when), expect,
                             self.later_closed(on)):
                return
            self.model.add(on, sku_, src, dst, lot, q)
            self.remember(ids, sku_, src, dst, lot, q, on, "planned")
        self.drafts.remove(draft)

    # ------------------------------------------------------------------ bulk
    @rule(specs=st.lists(st.tuples(st.sampled_from(["F", "L", "A", "N", "S", "P", "T"]),
                                   st.integers(1, 6), st.sampled_from(["in", "out", "move"]),
                                   where, day, cost, st.integers(0, 5)), min_size=1, max_size=5),
          bad=st.sampled_from([None] * 6 + ["quantity", "sku", "date"]), at=st.integers(0, 4))
    def apply_moves(self, specs: list[tuple[str, int, str, str, date, Decimal, int]],
                    bad: str | None, at: int) -> None:
        """A batch: plain moves (the short path) and some in boxes or of a lot (the general
        one), with now and then one bad move."""
        routes = {"in": ("supplier", "{}"), "out": ("{}", "customer"), "move": ("{}", "W2")}
        built = []
        for s, q, how, loc, when, price, boxed in specs:
            src, dst = (x.format(loc) for x in routes[how])
            if src == dst:
                dst = "WH/B"
            unit = "box6" if boxed == 0 and ITEMS[s][1] == "pc" else None
            built.append(MoveSpec(s, Decimal(q), src, dst, when, unit=unit,
                                  lot="L1" if ITEMS[s][2] == "lot" else None,
                                  unit_cost=price if how == "in" else None))
        bad_at = at % len(built) if bad is not None else -1
        if bad is not None:
            built[bad_at] = built[bad_at]._replace(**{bad: {
                "quantity": Decimal(0), "sku": "NOPE", "date": "2026-02-03"}[bad]})
        self.batch(built, bad, bad_at)

    @rule(sku_=st.sampled_from(["F", "L", "A", "P", "N", "S"]), when=st.sampled_from(DAYS[:50]),
          pairs=st.integers(20, 45), price=cost)
    def burst(self, sku_: str, when: date, pairs: int, price: Decimal) -> None:
        """Many moves of one item over a week: past the engine's snapshot interval, so that
        a later backdated event replays from a snapshot."""
        built = []
        for n in range(pairs):
            on = when + timedelta(days=n % 7)
            built.append(MoveSpec(sku_, Decimal(2), "supplier", "WH/B", on,
                                  unit_cost=price + n % 3))
            built.append(MoveSpec(sku_, Decimal(1), "WH/B", "customer", on))
        self.batch(built, None, -1)

    def batch(self, built: list[MoveSpec], bad: str | None, bad_at: int) -> None:
        expect: type | None = bc.ValidationError if bad == "date" else None
        trial = Model()
        trial.moves, trial.held = list(self.model.moves), self.model.held
        order = [] if expect else sorted(range(len(built)), key=lambda k: (built[k].date, k))
        for k in order:  # booked in date order, each checked after those before it
            m = built[k]
            q, lot = in_unit(m.quantity, m.unit), m.lot or ""
            if k == bad_at:
                expect = bc.NotFoundError if bad == "sku" else bc.ValidationError
            elif self.closed_on(m.date):
                expect = PeriodClosedError
            elif lot and m.source != "supplier" and lot not in {x[5] for x in trial.moves}:
                expect = bc.NotFoundError
            elif trial.short(m.sku, m.source, lot, q, m.date):
                expect = InsufficientStockError
            if expect is not None:
                break
            trial.add(m.date, m.sku, m.source, m.destination, lot, q, seq=self.model.seq + 1 + k)
        first = min((m.date for m in built if isinstance(m.date, date)), default=START)
        got = self.both(lambda bo: bo.inventory.apply_moves(built), expect,
                        self.later_closed(first))
        if got:
            self.model.moves, self.model.seq = trial.moves, self.model.seq + len(built)
            for k, m in enumerate(built):
                self.remember(tuple(g[k] for g in got), m.sku, m.source, m.destination,
                              m.lot or "", in_unit(m.quantity, m.unit), m.date,
                              "receipt" if m.source == "supplier" else "bulk",
                              m.quantity * m.unit_cost if m.source == "supplier" else None)

    # ------------------------------------------------------------------ counts
    @precondition(lambda self: self.count is None)
    @rule(skus=st.lists(sku, min_size=1, max_size=3, unique=True), when=day,
          at=st.sampled_from(["WH", "W2", "WH/A"]), full=st.sampled_from([False, False, True]))
    def start_count(self, skus: list[str], when: date, at: str, full: bool) -> None:
        expect = PeriodClosedError if self.closed_on(when) else None
        got = self.both(lambda bo: bo.inventory.start_count(
            at, skus=None if full else skus, full=full, on=when), expect)
        if got:
            assert all(g.lines == got[0].lines for g in got)
            for line in got[0].lines:
                assert line.expected == self.model.at(line.sku, line.location, line.lot, when)
            self.count, self.count_day = tuple(c.id for c in got), when

    @precondition(lambda self: self.count is not None)
    @rule(data=st.data())
    def record_and_post(self, data: st.DataObject) -> None:
        assert self.count is not None
        ids = self.count
        count = self.books[0].inventory.count(ids[0])
        others = sorted(set(SKUS) - {x.sku for x in count.lines})
        if count.kind.value == "cycle" and others and data.draw(st.booleans()):
            other = data.draw(st.sampled_from(others))  # not frozen: refused, nothing changes
            self.both(lambda bo: bo.inventory.record_count(
                ids[self.books.index(bo)], other, 1, location=count.location,
                lot="L1" if ITEMS[other][2] == "lot" else None), bc.ValidationError)
        for line in count.lines:
            if (line.lot or ITEMS[line.sku][2] == "none") and data.draw(st.booleans()):
                counted = max(line.expected + data.draw(st.integers(-3, 3)), Decimal(0))
                self.both(lambda bo, x=line, c=counted: bo.inventory.record_count(
                    ids[self.books.index(bo)], x.sku, c, location=x.location,
                    lot=x.lot or None), None)
        if data.draw(st.booleans()):  # cancel instead
            self.both(lambda bo: bo.inventory.cancel_count(ids[self.books.index(bo)]), None)
            self.count = None
            return
        trial = Model()
        trial.moves, trial.seq, trial.held = list(self.model.moves), self.model.seq, \
            dict(self.model.held)
        # reservations a loss sends back to draft: (ids, quantity, whole or split off)
        released: list[tuple[tuple[str, ...], Decimal, bool]] = []
        expect: type | None = PeriodClosedError if self.closed_on(self.count_day) else None
        # expected: on hand on the count's day as the model says now (moves entered since
        # the count started, dated on or before its day, included), for every line and for
        # stock there that day without one (of the count's items, or any in a full count)
        on_day = self.model.table(self.count_day)
        under = {p for p in PLACES if self._under(p, count.location)}
        lines = {(x.sku, x.location, x.lot): x.counted
                 for x in self.books[0].inventory.count(ids[0]).lines}
        lines.update({k: None for k, q in on_day.items() if q and k[1] in under
                      and k not in lines and (count.kind.value == "full"
                                              or k[0] in {x.sku for x in count.lines})})
        for key in sorted(lines):  # (sku, location, lot) order
            (sku_, loc, lot), counted = key, lines[key]
            line = Line(sku_, loc, lot, on_day.get(key, Decimal(0)), counted)
            if line.counted is None and count.kind.value != "full":
                continue
            diff = (line.counted or 0) - line.expected
            src, dst = ((line.location, "inventory_loss") if diff < 0
                        else ("inventory_loss", line.location))
            if diff < 0:  # the count is the truth: reservations it no longer covers go
                released += self._release(trial, line, -diff)
            if expect is None and diff and trial.short(line.sku, src, line.lot, -diff,
                                                       self.count_day):
                expect = InsufficientStockError
            if diff:
                trial.add(self.count_day, line.sku, src, dst, line.lot, abs(diff))
        got = self.both(lambda bo: bo.inventory.post_count(ids[self.books.index(bo)]), expect,
                        self.later_closed(self.count_day))
        if got:
            assert all(g.value == got[0].value and g.lines == got[0].lines for g in got)
            assert [(x.sku, x.location, x.lot, x.expected, x.counted) for x in got[0].lines] \
                == [(*k, on_day.get(k, Decimal(0)),
                     # a full count posts a line left uncounted as counted 0, and shows so
                     Decimal(0) if lines[k] is None and count.kind.value == "full"
                     else lines[k]) for k in sorted(lines)]
            for k, g in enumerate(got):
                assert len(g.released) == len(released)
                for n, (t, _, whole) in enumerate(released):  # a split-off draft is new
                    assert (g.released[n] == t[k]) if whole else (g.released[n] not in t)
            for n, (t, q, whole) in enumerate(released):  # drafts: to confirm, validate...
                sku_, src, lot, _, planned = self.model.held[t[0]]
                to = self.books[0].inventory.move(t[0]).destination
                if whole:
                    self.held.remove(t)
                    self.drafts.append((t, sku_, src, to, q, planned, lot))
                else:  # the move keeps what is still covered (in trial.held)
                    self.drafts.append((tuple(g.released[n] for g in got), sku_, src, to,
                                        q, planned, lot))
            self.model.moves, self.model.seq, self.model.held = trial.moves, trial.seq, \
                trial.held
            self.count = None

    def _release(self, trial: Model, line: Line, lost: Decimal
                 ) -> list[tuple[tuple[str, ...], Decimal, bool]]:
        """The reservations out of the line's location that what is left after ``lost``
        no longer covers (of its lot first), the latest planned first: each wholly
        uncovered one whole, the one the shortfall ends in for the part it no longer
        covers (split off, the move keeps the rest); taken out of ``trial``."""
        inv = self.books[0].inventory
        order = {t: (inv.move(t[0]).date, inv.move(t[0]).seq) for t in self.held
                 if t[0] in trial.held and trial.held[t[0]][:2] == (line.sku, line.location)}
        held = sorted(order, key=order.__getitem__, reverse=True)
        keeps = {t[0]: trial.held[t[0]][3] for t in held}
        out: list[tuple[str, ...]] = []

        def release(cands: list[tuple[str, ...]], reserved: Decimal, left: Decimal) -> None:
            excess = reserved - max(left, Decimal(0))
            for t in cands:
                take = min(keeps[t[0]], excess)
                if take > 0:
                    keeps[t[0]] -= take
                    excess -= take
                    if t not in out:
                        out.append(t)

        if line.lot:
            release([t for t in held if trial.held[t[0]][2] == line.lot],
                    trial.reserved(line.sku, line.location, line.lot),
                    trial.at(line.sku, line.location, line.lot) - lost)
        gone = sum((trial.held[t[0]][3] - keeps[t[0]] for t in out), Decimal(0))
        release(held, trial.reserved(line.sku, line.location) - gone,
                trial.at(line.sku, line.location) - lost)
        result = []
        for t in out:
            sku_, at, lot, q, planned = trial.held[t[0]]
            if keeps[t[0]] == 0:
                del trial.held[t[0]]
                result.append((t, q, True))
            else:
                trial.held[t[0]] = (sku_, at, lot, keeps[t[0]], planned)
                result.append((t, q - keeps[t[0]], False))
        return result

    @staticmethod
    def _under(place: str, root: str) -> bool:
        while place != root and place in PARENT:
            place = PARENT[place]
        return place == root

    # ------------------------------------------------------------------ valuation
    @rule(sku_=sku, when=day,
          method=st.sampled_from(["fifo", "lifo", "average", "periodic_average", "standard"]),
          std=st.sampled_from([None, Decimal("3.00")]))
    def change_method(self, sku_: str, when: date, method: str, std: Decimal | None) -> None:
        inv = self.books[0].inventory
        item = inv.item(sku_)
        later = any(h.kind.value == "revalue" and h.date > when for h in inv.history(sku_))
        expect: type | None = None
        if (method == "standard" and std is None and item.standard_cost is None) or (
                method == item.valuation.value and (std is None or std == item.standard_cost)):
            expect = bc.ValidationError
        elif self.closed_on(when):
            expect = PeriodClosedError
        elif later:
            expect = bc.ValidationError
        self.both(lambda bo: bo.inventory.change_valuation_method(
            sku_, method, on=when, standard_cost=std), expect, self.later_closed(when))

    @precondition(lambda self: any(m["kind"] == "receipt" for m in self.done))
    @rule(data=st.data(), when=day, amount=st.sampled_from(["0.01", "5.00", "12.34"]),
          by=st.sampled_from(["quantity", "value"]))
    def landed_cost(self, data: st.DataObject, when: date, amount: str, by: str) -> None:
        receipts = [m for m in self.done if m["kind"] == "receipt"]
        chosen = data.draw(st.lists(st.sampled_from(receipts), min_size=1, max_size=2,
                                    unique_by=lambda m: m["ids"]))
        if data.draw(st.integers(0, 4)):  # mostly on or after its receipts
            when = max([when, *(m["day"] for m in chosen)])
        expect: type | None = None
        if self.closed_on(when):
            expect = PeriodClosedError
        elif any(when < m["day"] for m in chosen) or (
                by == "value" and all(m["free"] for m in chosen)):
            expect = bc.ValidationError  # before its receipt, or every receipt weighs zero
        self.both(lambda bo: bo.inventory.add_landed_cost(
            amount, receipts=[m["ids"][self.books.index(bo)] for m in chosen], by=by, on=when),
            expect, self.later_closed(when))

    @rule(month=st.sampled_from(sorted(MONTHS)), close=st.sampled_from([True, False, False]))
    def period(self, month: str, close: bool) -> None:
        for bo in self.books:
            if close:
                bo.ledger.close_period("FY2026", month)
            else:
                bo.ledger.reopen_period("FY2026", month)
        (self.closed.add if close else self.closed.discard)(month)

    # ------------------------------------------------------------------ invariants
    @invariant()
    def books_agree_with_the_model_and_the_ledger(self) -> None:
        self.step += 1
        k = self.step
        s, b = SKUS[k % len(SKUS)], BINS[k % len(BINS)]  # (rotating, to keep steps cheap)
        for as_of in (None, DAYS[(k * 7) % len(DAYS)], DAYS[(k * 13 + 5) % len(DAYS)]):
            expected = {key: q for key, q in self.model.table(as_of).items()
                        if q and key[1] not in VIRTUAL}
            held = {s_: sum((q for (x, _, _), q in expected.items() if x == s_), Decimal(0))
                    for s_ in SKUS}
            seen = []
            for bo in self.books:
                inv = bo.inventory
                rows = {(r.sku, r.location, r.lot): r.quantity
                        for r in inv.stock(as_of=as_of).rows if r.quantity}
                assert rows == expected, as_of
                report = inv.valuation(as_of=as_of)
                assert report.total == bo.ledger.balance("1210", as_of=as_of).amount, as_of
                for row in report.rows:
                    assert row.quantity == held[row.sku], (row.sku, as_of)
                row = report.row(s) if any(r.sku == s for r in report.rows) else None
                layers = inv.layers(s, as_of=as_of)  # rebuilt from a snapshot: the same value
                if row is None or row.quantity >= 0:  # (debts are no layer)
                    # (a periodic pool within a month too: what the books hold that day)
                    assert sum((x.value for x in layers), Decimal(0)) == (
                        row.value if row else 0), (s, as_of)
                had = {x.code for x in inv.lots(s)} if ITEMS[s][2] == "lot" else set()
                for lot in LOTS if ITEMS[s][2] == "lot" else ():
                    want = sum((q for (x, _, lt), q in expected.items()
                                if x == s and lt == lot), Decimal(0))
                    if lot not in had:  # a lot the item never had is not found, not 0
                        assert want == 0, (s, lot, as_of)
                        with pytest.raises(bc.NotFoundError):
                            inv.on_hand(s, lot=lot, as_of=as_of)
                        continue
                    assert inv.on_hand(s, lot=lot, as_of=as_of) == want
                for top in ("WH", "W2"):  # rolled up to the warehouse
                    assert inv.on_hand(s, top, as_of=as_of) == sum(
                        (q for (x, at, _), q in expected.items() if x == s and top in (
                            at, PARENT.get(at), PARENT.get(PARENT.get(at, ""), ""))),
                        Decimal(0)), top
                seen.append((report, sorted((x.key, x) for x in bo.ledger.balances(as_of=as_of))))
            assert all(x == seen[0] for x in seen), as_of  # memory and SQL: valuation, balances
        for bo in self.books:
            assert bo.inventory.reconcile().agrees
            assert bo.inventory.reserved(s, b) == self.model.reserved(s, b)
            item = bo.inventory.item(s)  # a what-if by an item's own, never changed, method
            if k % 3 == 0 and item.valuation.value != "standard" and not any(
                    h.kind.value == "revalue" for h in bo.inventory.history(s)):
                what_if = bo.inventory.valuation(method=item.valuation.value)
                assert [r for r in what_if.rows if r.sku == s] == [
                    r for r in bo.inventory.valuation().rows if r.sku == s]


# (about a second an example; CI derandomizes through the "ci" profile of tests/conftest.py)
InventoryMachine.TestCase.settings = settings(
    max_examples=30, stateful_step_count=25, deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
TestInventoryMachine = InventoryMachine.TestCase


class InventoryMachinePostgres(InventoryMachine):
    """The same hunt with a third book on PostgreSQL."""


InventoryMachinePostgres.TestCase.settings = settings(
    InventoryMachine.TestCase.settings,
    max_examples=int(os.environ.get("MACHINE_PG_EXAMPLES", "10")))
TestInventoryMachinePostgres = InventoryMachinePostgres.TestCase
TestInventoryMachinePostgres.postgres_machine = InventoryMachinePostgres  # (tests/conftest.py)
