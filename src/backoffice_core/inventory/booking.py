"""Booking: what one inventory unit of work does with moves, costs and the ledger.

:class:`Booking` checks moves (typed errors naming field and value, through
:class:`~backoffice_core.inventory.context.WorkContext`), books their quantities (checking
negative stock and reservations), collects their cost events, and at the end
(:meth:`Booking.finish`) runs the costing engine per item, stores the cost
records, and posts the ledger entries through ``Ledger.post_within`` in the
same unit of work. Nothing is committed here: the caller commits once, and a
failure anywhere rolls stock, valuation and ledger back together.

Costing per item: events dated after the item's last event are *appended* to
its current state (O(1) per event). An event dated earlier (a backdated move,
a count posted late, a landed cost) replays from the nearest snapshot before
it: the records after it are recomputed, and only those whose outcome changed
are rewritten and posted, as revaluation entries dated on each record's own
day, so the ledger's inventory balance equals the valuation on every date.

Example:
    >>> from datetime import date
    >>> import backoffice_core as bc
    >>> bo = bc.Backoffice.open("memory://")
    >>> bo.ledger.setup("X", currency="USD", chart="generic")
    >>> _ = bo.inventory.create_item("WID", "Widget")
    >>> _ = bo.inventory.create_location("WH", "Warehouse", kind="warehouse")
    >>> with bo.unit_of_work() as uow:
    ...     b = Booking(uow, bo.ledger, bo.ids)
    ...     b.item("WID").name, b.location("customer").role
    ('Widget', 'cogs')
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Mapping, Sequence
from datetime import date
from decimal import Decimal
from itertools import compress
from operator import is_not, itemgetter
from typing import Any

from backoffice_core.errors import (
    BackofficeError,
    ValidationError,
)
from backoffice_core.exact import canonical
from backoffice_core.inventory.context import WorkContext, short_of
from backoffice_core.inventory.costing import CostContext, CostEngine
from backoffice_core.inventory.items import Item, ItemKind, Tracking, ValuationMethod
from backoffice_core.inventory.lots import PickLine, fefo
from backoffice_core.inventory.moves import (
    Move,
    MoveKind,
    MoveSpec,
    MoveState,
    QuantityDelta,
    fields_of,
)
from backoffice_core.inventory.repository import store_route_days
from backoffice_core.inventory.stock_journal import (
    INVENTORY_ROLE,
    journal_records,
    merge_daily,
    post_journal,
)
from backoffice_core.inventory.units import from_steps, to_steps
from backoffice_core.inventory.valuation import (
    CostKind,
    CostRecord,
    CostState,
    divide,
    merge_records,
    new_record,
)
from backoffice_core.ledger.entries import MAX_MINOR
from backoffice_core.money import EXACT, RoundingPolicy
from backoffice_core.ports import UnitOfWork

__all__ = ["INVENTORY_ROLE", "Booking"]

_BY_KEY = itemgetter(1, 2)  # (day, seq) of a CostRecord
_IN, _OUT = CostKind.IN, CostKind.OUT
_DONE = MoveState.DONE
# the snapshot field of a fresh bulk event (a plain tuple): never None, so the engine always
# makes a CostRecord of it, never keeps the tuple itself
_FRESH: Any = object()
_NO_TEXT = ""  # the empty reference (one object in CPython: ``is`` is the quick test)

_ZERO = Decimal(0)
_FIRST_PASS = (CostKind.IN, CostKind.LANDED)
_KIND_TEXT = {
    MoveKind.RECEIPT: "Stock receipt", MoveKind.DELIVERY: "Stock delivery",
    MoveKind.TRANSFER: "Stock transfer", MoveKind.ADJUSTMENT: "Stock adjustment",
    MoveKind.SCRAP: "Stock scrapped", MoveKind.RETURN: "Stock return",
    MoveKind.PRODUCTION: "Production move",
}


class Booking(WorkContext):
    """One inventory unit of work: checks (from :class:`WorkContext`), quantities,
    costing and the journal.

    ``bulk=True`` posts one summary ledger entry per day instead of one per move.
    """

    def __init__(self, uow: UnitOfWork, ledger: Any, ids: Any, *,
                 policy: RoundingPolicy = RoundingPolicy.HALF_UP, bulk: bool = False) -> None:
        super().__init__(uow, policy=policy)
        self.ledger = ledger
        self.ids = ids
        self.bulk = bulk
        # bulk mode: per (sku, location, lot) a slot [quantity moved by this unit of work,
        # day from which the stored lowest quantity is the stored total (or None), that total]
        self._overlay: dict[tuple[str, str, str], list[Any]] = {}
        self._pending: dict[tuple[str, str, str, str], dict[date, Decimal]] = {}
        self._held: dict[tuple[str, str], Decimal] = {}
        self.events: dict[str, list[CostRecord]] = {}
        self.labels: dict[str, tuple[str, str]] = {}
        self.journal: dict[tuple[date, str, str], dict[str, int]] = {}
        self.recorded: list[CostRecord] = []  # the records costed (not kept in bulk mode)
        # plans per sku, source and destination (nested: no key tuple to build per move)
        self._plans: dict[Any, dict[Any, dict[Any, tuple[Any, ...] | None]]] = {}
        self._contexts: dict[int, CostContext] = {}
        self._holds: bool | None = None
        self._ordered = bulk  # bulk: events arrive in (date, seq) order (see book_specs)
        self._daily: dict[date, dict[str, int]] = {}  # bulk: summary lines per day and role

    # ------------------------------------------------------------------ booking moves
    def book(self, move: Move, *, given: int | None = None, field: str = "quantity") -> None:
        """Book a done move: check stock, add quantities, record its cost event.

        ``given`` is the total cost of incoming stock in minor units (else the move's
        ``unit_cost`` prices it); for a return (of a receipt, or of an issue), the amount
        its counterpart is reversed at (else the share of the cost the returned move came
        in or left with; the difference goes to ``price_variance``). Reservations of *other*
        moves limit what it may take: a move that held a reservation releases it before it
        is booked. In bulk mode the quantities are merged and written once by
        :meth:`finish`; moves must then be booked in date order, so that each check sees
        every move dated before it.
        """
        sku = move.sku
        item = self._items.get(sku) or self.item(sku)
        src, dst = move.source, move.destination
        src_valued, src_negative, src_role = self._flags.get(src) or self._flag(src)
        dst_valued, _, dst_role = self._flags.get(dst) or self._flag(dst)
        lot = move.lot or ""
        q = move.quantity
        day = move.date
        if src_valued:
            if not (item.allow_negative or src_negative):
                low = self._lowest(sku, src, lot, day)
                if low < q:
                    where = f"{src} (lot {lot})" if lot else src
                    raise short_of("not enough stock", sku, where, q, low, field)
            held = self._reserved(sku, src)
            if held:
                free = self.on_hand_at(sku, src) - held
                if free < q:
                    raise short_of("stock is reserved", sku, src, q, free, field)
                if lot:  # and what is reserved of this very lot (only where stock is held)
                    free = self.on_hand_at(sku, src, lot) - self.lot_reserved(sku, src, lot)
                    if free < q:
                        raise short_of("stock is reserved", sku, f"{src} (lot {lot})", q, free,
                                       field)
        if item.tracking is Tracking.SERIAL and dst_valued and not src_valued:
            held_serial = sum(self.on_hand_at(sku, code, lot) for code in self.valued_codes())
            if held_serial:
                raise ValidationError("this serial number is already in stock", field="lot",
                                      value=lot)
        if self.bulk:
            per_day = self._pending.get((sku, src, dst, lot))
            if per_day is None:
                per_day = self._pending[(sku, src, dst, lot)] = {}
            before = per_day.get(day)  # the quantity itself (no new Decimal) when first
            per_day[day] = q if before is None else before + q
            moved = self.steps(item, q)
            if src_valued:
                self._slot((sku, src, lot), item)[0] -= moved
            if dst_valued:
                self._slot((sku, dst, lot), item)[0] += moved
        else:
            self.repo.apply_quantities((QuantityDelta(sku, src, dst, lot, day, q),))
        if src_valued is dst_valued or item.kind is not ItemKind.STOCKABLE:
            return
        role = src_role if dst_valued else dst_role
        prior = 0
        if move.origin is not None:
            kind = CostKind.RETURN_IN if dst_valued else CostKind.RETURN_OUT
            # gross, not net of returns taken back (returned_of): the value is shared out
            # in the order the origin's own layer gave its units
            prior = sum(self.steps(item, m.quantity) for m in self.repo.returns_of(move.origin)
                        if m.id != move.id and m.seq < move.seq and m.done)
        steps = self.steps(item, q)
        if move.origin is not None:
            pass
        elif dst_valued:
            kind = _IN
            cost = move.unit_cost
            if given is None and cost is not None:
                given = self.check_cost(self.cost_of(item, q, cost), "unit_cost", cost)
        else:
            kind = _OUT
            given = None
        record = new_record((sku, day, move.seq, move.id, kind, steps, given, role, move.origin,
                          prior, None, None, 0, (), 0, None))
        events = self.events.get(sku)
        if events is None:
            self.events[sku] = [record]
        else:
            events.append(record)
        if not self.bulk:
            self.labels[move.id] = (f"{_KIND_TEXT[move.kind]} {sku} {q} {item.unit}",
                                    move.reference or move.id)

    def book_specs(self, specs: Sequence[MoveSpec], order: Sequence[int], ids: Sequence[str],
                   first: int, general: Callable[[int], Move]) -> list[Move]:
        """Book ``specs`` (bulk mode) in ``order``, which must be date order: the bulk path.

        ``specs[n]`` becomes the done move ``ids[n]`` with sequence number ``first + n``;
        the moves are returned in the order of ``specs``.
        Plain moves take the common case inline: a quantity in the item's unit and a cost
        already seen in this unit of work, no lot, unit or kind given, an open date (each
        new day checked once, as ``_new`` checks it), stock on hand, no reservation
        anywhere. It makes every check of ``_new`` and :meth:`book` before any effect;
        anything else (including every failure, so the typed error is the general path's)
        goes to ``general(n)``. Within a date, ``order`` must follow ``n`` (a stable sort),
        so that cost events arrive in (date, seq) order.
        """
        done: list[Any] = [None] * len(specs)
        plans, open_days, policy = self._plans, self.open_days, self.policy
        new = tuple.__new__  # (called directly: no partial in between)
        holds: bool | None = None
        # each spec once as a plain tuple, its fields locals at C speed (date order as given)
        rows = fields_of(specs if order == range(len(specs)) else map(specs.__getitem__, order))
        for n, (sku, value, src, dst, day, cost, lot, unit, reference, kind, expiry) in zip(
                order, rows, strict=True):
            if (lot is None and unit is None and kind is None and expiry is None
                    and (day in open_days or self.is_open(day))
                    and (reference is _NO_TEXT or type(reference) is str
                         and reference.isprintable())):
                try:
                    plan = plans[sku][src][dst]
                except KeyError:
                    plan = self._plan((sku, src, dst))
                if plan is not None:
                    sku, move_kind, src_slot, dst_slot, cost_kind, role, needs_cost, \
                        quantities, rates, per_day, events = plan
                    hit = (quantities.get(value)
                           if type(value) is Decimal or type(value) is int else None)
                    rate = None
                    if cost is not None:  # only incoming stock takes one (cost_kind _IN):
                        # on any other move the general path refuses it (route's no_cost)
                        rate = (rates.get(cost) if type(cost) is Decimal and cost_kind is _IN
                                else None)
                        if rate is not None and rate[3] is not cost and not cost.same_quantum(
                                rate[3]):  # an equal cost written otherwise: checked afresh
                            rate = None
                        if rate is None:
                            hit = None
                    elif needs_cost:
                        hit = None
                    if hit is None and (not needs_cost if cost is None else cost_kind is _IN) \
                            and self.learn(self.item(sku), value, cost):  # first seen here
                        hit, rate = quantities[value], rates.get(cost)
                    if hit is not None and src_slot is not None:  # an issue: check the stock
                        if holds is None:
                            holds = self._any_holds()
                        if holds:
                            hit = None
                        elif src_slot[3]:
                            since = src_slot[1]
                            if since is not None and day >= since:  # in steps, no Decimal
                                if src_slot[2] + src_slot[0] < hit[1]:
                                    hit = None
                            elif self._lowest(sku, src, "", day) < hit[0]:
                                hit = None
                    if hit is not None:
                        q, steps = hit
                        given = None
                        if rate is not None:  # (a rate is only found for an incoming move:
                            # its cost is bounded, as on the general path, which names it)
                            if rate[2]:  # zero or round: in the form the move keeps (-0 as 0)
                                cost = canonical(cost)
                            given = (steps * rate[0] if rate[1] == 1
                                     else divide(steps * rate[0], rate[1], policy))
                            if given > MAX_MINOR:
                                done[n] = general(n)
                                continue
                        seq = first + n
                        move_id = ids[n]
                        done[n] = new(Move, (move_id, seq, sku, q, src, dst, day, move_kind,
                                             _DONE, None, reference, None, cost, 0, None))
                        before = per_day.get(day)  # the quantity itself when first
                        per_day[day] = q if before is None else before + q
                        if src_slot is not None:
                            src_slot[0] -= steps
                        if dst_slot is not None:
                            dst_slot[0] += steps
                        if cost_kind is not None:
                            events.append((sku, day, seq, move_id, cost_kind, steps, given,
                                           role, None, 0, None, None, 0, (), 0, _FRESH))
                        continue
            done[n] = general(n)
        return done

    def _plan(self, key: tuple[object, object, object]) -> tuple[Any, ...] | None:
        """What :meth:`book_specs` needs for plain moves along ``key`` (sku, source,
        destination), looked up once per unit of work; ``None`` for the general path."""
        plan: tuple[Any, ...] | None = None
        try:
            item, kind, incoming, needs_cost, _, src, dst = self.route(*key)
        except BackofficeError:
            item = None
        if item is not None and item.tracking is Tracking.NONE and not (
                incoming and item.valuation is ValuationMethod.STANDARD) and (
                src == key[1] and dst == key[2]):
            # (a receipt at standard cost takes the general path, which bounds its value; so
            # does a location named with surrounding spaces, whose move keeps its code)
            sku = item.sku
            src_valued, src_negative, src_role = self._flag(src)
            dst_valued, _, dst_role = self._flag(dst)
            cost_kind = None
            if src_valued is not dst_valued and item.kind is ItemKind.STOCKABLE:
                cost_kind = _IN if dst_valued else _OUT
            src_slot = self._slot((sku, src, ""), item) if src_valued else None
            if src_slot is not None:
                src_slot[3] = not (item.allow_negative or src_negative)  # check the stock
            per_day = self._pending.get((sku, src, dst, ""))
            if per_day is None:
                per_day = self._pending[(sku, src, dst, "")] = {}
            events = self.events.get(sku)
            if events is None:
                events = self.events[sku] = []
            plan = (sku, kind, src_slot, self._slot((sku, dst, ""), item) if dst_valued else None,
                    cost_kind, src_role if dst_valued else dst_role, needs_cost,
                    self.quantities_of(item.unit), self.rates_of(self.precision(item)),
                    per_day, events)
        self._plans.setdefault(key[0], {}).setdefault(key[1], {})[key[2]] = plan
        return plan

    def _any_holds(self) -> bool:
        if self._holds is None:
            self._holds = any(m.state is MoveState.RESERVED for m in self.repo.open_moves())
        return self._holds

    # ------------------------------------------------------------------ quantities
    def _slot(self, at: tuple[str, str, str], item: Item) -> list[Any]:
        """The bulk slot of (sku, location, lot), in integer steps of the item's unit:
        [moved here by this unit of work, day from which the stored lowest quantity is the
        stored total (or None), that total, check the stock, the unit's precision]."""
        slot = self._overlay.get(at)
        if slot is None:
            slot = self._overlay[at] = [0, None, None, True, self.precision(item)]
        return slot

    def _lowest(self, sku: str, location: str, lot: str, day: date) -> Decimal:
        low = self.repo.lowest_quantity(sku, location, lot, day)
        if not self.bulk:
            return low
        slot = self._slot((sku, location, lot), self.item(sku))
        precision = slot[4]
        if slot[1] is None or day < slot[1]:
            # Nothing is stored during a bulk call, and the lowest quantity after a day
            # never falls as the day advances: once it is the stored total, it stays so.
            if slot[2] is None:
                slot[2] = to_steps(self.repo.quantity(sku, location, lot), precision)
            if to_steps(low, precision) == slot[2]:
                slot[1] = day
        return low + from_steps(slot[0], precision) if slot[0] else low

    def _reserved(self, sku: str, location: str) -> Decimal:
        if not self.bulk:
            return self.repo.reserved(sku, location)
        key = (sku, location)
        found = self._held.get(key)
        if found is None:
            found = self._held[key] = self.repo.reserved(sku, location)
        return found

    def lot_reserved(self, sku: str, location: str, lot: str,
                     except_id: str | None = None) -> Decimal:
        """What open reservations (but move ``except_id``) hold of ``lot`` at ``location``."""
        return sum((m.quantity for m in self.repo.open_moves(sku)
                    if m.state is MoveState.RESERVED and m.source == location
                    and m.lot == lot and m.id != except_id), _ZERO)

    def picks(self, item: Item, codes: Sequence[str], expiry: Mapping[str, date | None],
              quantity: Decimal, on: date) -> list[PickLine]:
        """What to take of ``quantity`` at ``codes``, of the lots of ``expiry`` (``{"": None}``
        for an untracked item), first expired first out (:func:`~.lots.fefo`): of what a
        move may take there, the stock on hand less what open reservations hold (of the
        lot, and of the location over all lots), as :meth:`book` checks it. Quantities are
        at the unit's precision, whatever the store returned (1.5 here, 1.500 there)."""
        sku = item.sku
        step = self.unit(item.unit).step
        rows: list[tuple[str, str, date | None, Decimal]] = []
        room: dict[str, Decimal] = {}
        by_lot: dict[tuple[str, str], Decimal] | None = None
        for code in codes:
            held = self._reserved(sku, code)
            if held:
                room[code] = self.on_hand_at(sku, code) - held
                if by_lot is None:  # one pass over the open moves
                    by_lot = {}
                    for m in self.repo.open_moves(sku):
                        if m.state is MoveState.RESERVED and m.lot:
                            key = (m.source, m.lot)
                            by_lot[key] = by_lot.get(key, _ZERO) + m.quantity
            for lot, expires in expiry.items():
                q = self.on_hand_at(sku, code, lot)
                if held and lot and by_lot:
                    q -= by_lot.get((code, lot), _ZERO)
                rows.append((code, lot, expires, q.quantize(step, context=EXACT)))
        return fefo(rows, quantity, on=on, free=room)

    def on_hand_at(self, sku: str, location: str, lot: str | None = None) -> Decimal:
        """Current quantity at one location (of one lot, or all), moves of this work included."""
        q = self.repo.quantity(sku, location, lot)
        if self._overlay:
            slots = ([v for k, v in self._overlay.items() if k[0] == sku and k[1] == location]
                     if lot is None else [self._overlay.get((sku, location, lot))])
            moved = sum(v[0] for v in slots if v is not None)
            if moved:
                q += from_steps(moved, self.precision(self.item(sku)))
        return q

    def _flush(self) -> None:
        """Write the merged quantity deltas of bulk mode."""
        if self._pending:  # grouped by route: the adapter looks each route up once
            store_route_days(self.repo, self._pending.items())
        self._pending = {}
        self._overlay = {}
        self._plans.clear()

    def add_event(self, record: CostRecord, label: tuple[str, str] | None = None) -> None:
        """Queue a cost event (a landed cost, a change of method) for :meth:`finish`."""
        self.events.setdefault(record.sku, []).append(record)
        self._ordered = False
        if label is not None:
            self.labels[record.event] = label

    # ------------------------------------------------------------------ costing
    def context(self, item: Item) -> CostContext:
        """The engine context of ``item`` (one per unit precision in a unit of work)."""
        precision = self.precision(item)
        found = self._contexts.get(precision)
        if found is None:
            found = self._contexts[precision] = CostContext(self.digits, precision, self.policy,
                                                            self.repo.get_cost_record)
        return found

    def finish(self) -> None:
        """Write merged quantities, cost every queued event, store the records, post entries."""
        self._flush()
        events, self.events = self.events, {}
        for sku in sorted(events):
            new = events.pop(sku)  # (an item's events, and their records, go once costed)
            if new:
                self._cost(sku, new)
        merge_daily(self.journal, self._daily)
        self._daily = {}
        journal, self.journal = self.journal, {}
        post_journal(journal, self.roles, self.digits,
                     lambda entry: self.ledger.post_within(self.uow, entry))

    def _cost(self, sku: str, new: list[CostRecord]) -> None:
        repo = self.repo
        item = self.item(sku)
        if not self._ordered:
            new.sort(key=_BY_KEY)
        state = repo.get_cost_state(sku)
        engine_state: CostState
        old: list[CostRecord] = []
        first = (new[0][1], new[0][2])
        if state is None:
            engine_state = CostState(item.valuation, item.standard_cost)
        elif state.last_key is not None and first > state.last_key and not (
                state.method is ValuationMethod.PERIODIC_AVERAGE and any(
                    r[4] in _FIRST_PASS and (r[1].year, r[1].month) == state.group
                    for r in new)):
            engine_state = state
        else:
            checkpoint = repo.cost_checkpoint(sku, first)
            old = repo.cost_records(sku, checkpoint.key if checkpoint else None)
            snap = checkpoint.snapshot if checkpoint else (old[0].snapshot if old else None)
            engine_state = snap or CostState(item.valuation, item.standard_cost)
        engine = CostEngine(engine_state, self.context(item))
        if not old and self.bulk:  # the engine sums the summary lines as it goes
            added = engine.run(new, self._daily)
            repo.add_cost_records(added)
        elif not old:
            added = engine.run(new)
            journal_records(self.journal, added, self.bulk, self.labels)
            repo.add_cost_records(added)
        else:
            merge_daily(self.journal, self._daily)  # keeps the rows in first-seen order
            self._daily = {}
            merged = merge_records(old, new)
            added, changed = self._compare(merged, engine.run(merged), new)
            journal_records(self.journal, added, self.bulk, self.labels)
            repo.add_cost_records(added)
            if changed:
                repo.replace_cost_records(changed)
        repo.save_cost_state(sku, engine.state())
        if not self.bulk:
            self.recorded.extend(added)

    def _compare(self, merged: list[CostRecord], computed: list[CostRecord],
                 new: list[CostRecord]) -> tuple[list[CostRecord], list[CostRecord]]:
        """Split a replay's outcomes into the new records and the stored ones that changed,
        and journal the change of each changed one (on its own day)."""
        fresh = {r[3] for r in new}
        trigger = "" if self.bulk else new[0][3]
        journal = self.journal
        added: list[CostRecord] = []
        changed: list[CostRecord] = []
        key: tuple[date, str, str] | None = None
        row: dict[str, int] = {}
        assert len(merged) == len(computed)  # replayed in the same order
        for r in new:  # keys are unique: each new record's place in the replay
            added.append(computed[bisect.bisect_left(merged, (r[1], r[2]), key=_BY_KEY)])
        # the engine keeps a record whose outcome stays: look only at the others (C speed)
        for k in compress(range(len(merged)), map(is_not, merged, computed)):
            was, rec = merged[k], computed[k]
            if was[3] in fresh:
                continue
            value, lines = rec[12], rec[13]
            if was[12] == value and was[13] == lines:
                if was[14] != rec[14] or was[15] != rec[15]:  # the cost or the snapshot
                    changed.append(rec)
                continue
            changed.append(rec)
            if key is None or key[0] != rec[1]:
                key = (rec[1], "Inventory revaluation", trigger)
                found = journal.get(key)
                if found is None:
                    found = journal[key] = {INVENTORY_ROLE: 0}
                row = found
            row[INVENTORY_ROLE] += value - was[12]
            for role, amount in was[13]:
                row[role] = row.get(role, 0) - amount
            for role, amount in lines:
                row[role] = row.get(role, 0) + amount
        return added, changed
