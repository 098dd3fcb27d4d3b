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

import heapq
from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from functools import partial
from operator import itemgetter
from typing import Any

from backoffice_core.errors import (
    BackofficeError,
    NotFoundError,
    ValidationError,
)
from backoffice_core.inventory.context import WorkContext, short_of
from backoffice_core.inventory.costing import CostContext, CostEngine
from backoffice_core.inventory.items import Item, ItemKind, Tracking, ValuationMethod
from backoffice_core.inventory.moves import Move, MoveKind, MoveSpec, MoveState, QuantityDelta
from backoffice_core.inventory.valuation import CostKind, CostRecord, CostState, divide
from backoffice_core.ledger.entries import Line, NewEntry
from backoffice_core.money import EXACT, RoundingPolicy
from backoffice_core.ports import UnitOfWork

__all__ = ["INVENTORY_ROLE", "Booking"]

_record = partial(tuple.__new__, CostRecord)  # builds without the _make frame (hot path)
_delta = partial(tuple.__new__, QuantityDelta)
_BY_KEY = itemgetter(1, 2)  # (day, seq) of a CostRecord
_IN, _OUT = CostKind.IN, CostKind.OUT
_DONE = MoveState.DONE
_new_move = partial(tuple.__new__, Move)
_UNPLANNED: Any = object()

INVENTORY_ROLE = "inventory"
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
        self._overlay: dict[tuple[str, str, str], Decimal] = {}
        self._pending: dict[tuple[str, str, str, str], dict[date, Decimal]] = {}
        self._held: dict[tuple[str, str], Decimal] = {}
        self.events: dict[str, list[CostRecord]] = {}
        self.labels: dict[str, tuple[str, str]] = {}
        self.journal: dict[tuple[date, str, str], dict[str, int]] = {}
        self.recorded: list[CostRecord] = []
        self._plans: dict[tuple[object, object, object], tuple[Any, ...] | None] = {}
        self._holds: bool | None = None

    # ------------------------------------------------------------------ booking moves
    def book(self, move: Move, *, given: int | None = None, field: str = "quantity") -> None:
        """Book a done move: check stock, add quantities, record its cost event.

        ``given`` is the total cost of incoming stock in minor units (else the move's
        ``unit_cost`` prices it). Reservations of *other* moves limit what it may take: a
        move that held a reservation releases it before it is booked. In bulk mode the
        quantities are merged and written once by :meth:`finish`; moves must then be booked
        in date order, so that each check sees every move dated before it.
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
        if item.tracking is Tracking.SERIAL and dst_valued and not src_valued:
            held_serial = sum(self.on_hand_at(sku, code, lot) for code in self.valued_codes())
            if held_serial:
                raise ValidationError("this serial number is already in stock", field="lot",
                                      value=lot)
        if self.bulk:
            per_day = self._pending.get((sku, src, dst, lot))
            if per_day is None:
                per_day = self._pending[(sku, src, dst, lot)] = {}
            per_day[day] = per_day.get(day, _ZERO) + q
            overlay = self._overlay
            if src_valued:
                at = (sku, src, lot)
                overlay[at] = overlay.get(at, _ZERO) - q
            if dst_valued:
                at = (sku, dst, lot)
                overlay[at] = overlay.get(at, _ZERO) + q
        else:
            self.repo.apply_quantities((QuantityDelta(sku, src, dst, lot, day, q),))
        if src_valued is dst_valued or item.kind is not ItemKind.STOCKABLE:
            return
        role = src_role if dst_valued else dst_role
        prior = 0
        if move.origin is not None:
            kind = CostKind.RETURN_IN if dst_valued else CostKind.RETURN_OUT
            prior = sum(self.steps(item, m.quantity) for m in self.repo.returns_of(move.origin)
                        if m.id != move.id and m.seq < move.seq and m.done)
            given = None
        hit = self._quantities.get((item.unit, q))
        steps = hit[1] if hit is not None else self.steps(item, q)
        if move.origin is not None:
            pass
        elif dst_valued:
            kind = _IN
            cost = move.unit_cost
            if given is None and cost is not None:
                rate = self._rates.get((self._precision.get(item.unit, -1), cost))
                if rate is not None and rate[1] == 1:
                    given = steps * rate[0]
                else:
                    given = self.cost_of(item, q, cost)
        else:
            kind = _OUT
            given = None
        record = _record((sku, day, move.seq, move.id, kind, steps, given, role, move.origin,
                          prior, None, None, 0, (), 0, None))
        events = self.events.get(sku)
        if events is None:
            self.events[sku] = [record]
        else:
            events.append(record)
        if not self.bulk:
            self.labels[move.id] = (f"{_KIND_TEXT[move.kind]} {sku} {q} {item.unit}",
                                    move.reference or move.id)

    def fast_book(self, spec: MoveSpec, move_id: str, seq: int) -> Move | None:
        """The bulk path's common case in one step, or ``None`` for the general path.

        Takes plain moves: a quantity in the item's unit already seen in this unit of
        work, no lot, unit or kind given, a date already checked, a known cost, stock on
        hand, no reservation anywhere. It makes every check of ``_new`` and :meth:`book`
        before any effect, and hands anything else (including every failure, so the typed
        error is the general path's) back to the general path.
        """
        if (spec.lot is not None or spec.unit is not None or spec.kind is not None
                or spec.expiry is not None or spec.date not in self.open_days
                or type(spec.reference) is not str):
            return None
        key = (spec.sku, spec.source, spec.destination)
        plan = self._plans.get(key, _UNPLANNED)
        if plan is _UNPLANNED:
            plan = self._plan(key)
        if plan is None:
            return None
        sku, unit, kind, check_stock, src_valued, dst_valued, cost_kind, role, needs_cost, \
            precision = plan
        value = spec.quantity
        hit = (self._quantities.get((unit, value))
               if type(value) is Decimal or type(value) is int else None)
        if hit is None:
            return None
        q, steps = hit
        cost = spec.unit_cost
        rate = None
        if cost is not None:
            rate = self._rates.get((precision, cost)) if type(cost) is Decimal else None
            if rate is None:
                return None
        elif needs_cost:
            return None
        src, dst, day = spec.source, spec.destination, spec.date
        if check_stock and self._lowest(sku, src, "", day) < q:
            return None
        if src_valued and self._any_holds():
            return None
        move = _new_move((move_id, seq, sku, q, src, dst, day, kind, _DONE, None,
                          spec.reference, None, cost, 0))
        per_day = self._pending.get((sku, src, dst, ""))
        if per_day is None:
            per_day = self._pending[(sku, src, dst, "")] = {}
        per_day[day] = per_day.get(day, _ZERO) + q
        overlay = self._overlay
        if src_valued:
            at = (sku, src, "")
            overlay[at] = overlay.get(at, _ZERO) - q
        if dst_valued:
            at = (sku, dst, "")
            overlay[at] = overlay.get(at, _ZERO) + q
        if cost_kind is not None:
            given = None
            if cost_kind is _IN and rate is not None:
                given = steps * rate[0] if rate[1] == 1 else divide(steps * rate[0], rate[1],
                                                                    self.policy)
            record = _record((sku, day, seq, move_id, cost_kind, steps, given, role, None, 0,
                              None, None, 0, (), 0, None))
            events = self.events.get(sku)
            if events is None:
                self.events[sku] = [record]
            else:
                events.append(record)
        return move

    def _plan(self, key: tuple[object, object, object]) -> tuple[Any, ...] | None:
        plan: tuple[Any, ...] | None = None
        try:
            item, kind, _, needs_cost = self.route(*key)
        except BackofficeError:
            item = None
        if item is not None and item.tracking is Tracking.NONE:
            src_valued, src_negative, src_role = self._flag(str(key[1]))
            dst_valued, _, dst_role = self._flag(str(key[2]))
            cost_kind = None
            if src_valued is not dst_valued and item.kind is ItemKind.STOCKABLE:
                cost_kind = _IN if dst_valued else _OUT
            plan = (item.sku, item.unit, kind,
                    src_valued and not (item.allow_negative or src_negative), src_valued,
                    dst_valued, cost_kind, src_role if dst_valued else dst_role, needs_cost,
                    self.precision(item))
        self._plans[key] = plan
        return plan

    def _any_holds(self) -> bool:
        if self._holds is None:
            self._holds = any(m.state is MoveState.RESERVED for m in self.repo.open_moves())
        return self._holds

    # ------------------------------------------------------------------ quantities
    def _lowest(self, sku: str, location: str, lot: str, day: date) -> Decimal:
        low = self.repo.lowest_quantity(sku, location, lot, day)
        if self._overlay:
            return low + self._overlay.get((sku, location, lot), _ZERO)
        return low

    def _reserved(self, sku: str, location: str) -> Decimal:
        if not self.bulk:
            return self.repo.reserved(sku, location)
        key = (sku, location)
        found = self._held.get(key)
        if found is None:
            found = self._held[key] = self.repo.reserved(sku, location)
        return found

    def on_hand_at(self, sku: str, location: str, lot: str | None = None) -> Decimal:
        """Current quantity at one location (of one lot, or all), moves of this work included."""
        q = self.repo.quantity(sku, location, lot)
        if self._overlay:
            if lot is None:
                q += sum((v for k, v in self._overlay.items() if k[0] == sku and k[1] == location),
                         _ZERO)
            else:
                q += self._overlay.get((sku, location, lot), _ZERO)
        return q

    def _flush(self) -> None:
        """Write the merged quantity deltas of bulk mode."""
        if self._pending:  # grouped by route: the adapter looks each route up once
            self.repo.apply_quantities([_delta((*route, day, q))
                                        for route, per_day in self._pending.items()
                                        for day, q in per_day.items()])
        self._pending = {}
        self._overlay = {}

    def add_event(self, record: CostRecord, label: tuple[str, str] | None = None) -> None:
        """Queue a cost event (a landed cost, a change of method) for :meth:`finish`."""
        self.events.setdefault(record.sku, []).append(record)
        if label is not None:
            self.labels[record.event] = label

    # ------------------------------------------------------------------ costing
    def context(self, item: Item) -> CostContext:
        """The engine context of ``item``."""
        return CostContext(self.digits, self.unit(item.unit).precision, self.policy,
                           self.repo.get_cost_record)

    def finish(self) -> None:
        """Write merged quantities, cost every queued event, store the records, post entries."""
        self._flush()
        for sku in sorted(self.events):
            self._cost(sku, self.events[sku])
        self.events = {}
        self._post()

    def _cost(self, sku: str, new: list[CostRecord]) -> None:
        repo = self.repo
        item = self.item(sku)
        new.sort(key=_BY_KEY)
        state = repo.get_cost_state(sku)
        engine_state: CostState
        old: list[CostRecord] = []
        first = new[0].key
        if state is None:
            engine_state = CostState(item.valuation, item.standard_cost)
        elif state.last_key is not None and first > state.last_key and not (
                state.method is ValuationMethod.PERIODIC_AVERAGE and any(
                    r.kind in _FIRST_PASS and (r.day.year, r.day.month) == state.group
                    for r in new)):
            engine_state = state
        else:
            checkpoint = repo.cost_checkpoint(sku, first)
            old = repo.cost_records(sku, checkpoint.key if checkpoint else None)
            snap = checkpoint.snapshot if checkpoint else (old[0].snapshot if old else None)
            engine_state = snap or CostState(item.valuation, item.standard_cost)
        engine = CostEngine(engine_state, self.context(item))
        computed = engine.run(list(heapq.merge(old, new, key=_BY_KEY)) if old else new)
        added: list[CostRecord]
        changed: list[CostRecord] = []
        if not old:
            added = computed
            self._journal_all(computed)
        else:
            before = {r.event: r for r in old}
            added = []
            for rec in computed:
                was = before.get(rec.event)
                if was is None:
                    added.append(rec)
                elif not was.same_outcome(rec):
                    changed.append(rec)
                    if was.value != rec.value or was.lines != rec.lines:
                        self._journal_fix(was, rec, new[0].event)
            self._journal_all(added)
        repo.add_cost_records(added)
        if changed:
            repo.replace_cost_records(changed)
        repo.save_cost_state(sku, engine.state())
        self.recorded.extend(added)

    def _journal_all(self, records: list[CostRecord]) -> None:
        journal = self.journal
        labels = self.labels
        for rec in records:
            lines = rec.lines
            if not lines:  # nothing moved in value (a zero-cost move)
                continue
            if self.bulk:
                key = (rec.day, "Stock moves (summary)", "")
            else:
                text, ref = labels.get(rec.event) or (f"Stock valuation {rec.sku}", rec.event)
                key = (rec.day, text, ref)
            row = journal.get(key)
            if row is None:
                row = journal[key] = {INVENTORY_ROLE: 0}
            row[INVENTORY_ROLE] += rec.value
            for role, amount in lines:
                row[role] = row.get(role, 0) + amount

    def _journal_fix(self, was: CostRecord, now: CostRecord, trigger: str) -> None:
        key = (now.day, "Inventory revaluation", "" if self.bulk else trigger)
        self._accumulate(key, was.value, was.lines, -1)
        self._accumulate(key, now.value, now.lines, 1)

    def _accumulate(self, key: tuple[date, str, str], value: int,
                    lines: Iterable[tuple[str, int]], sign: int) -> None:
        row = self.journal.get(key)
        if row is None:
            row = self.journal[key] = {INVENTORY_ROLE: 0}
        row[INVENTORY_ROLE] += sign * value
        for role, amount in lines:
            row[role] = row.get(role, 0) + sign * amount

    def _post(self) -> None:
        journal, self.journal = self.journal, {}
        for (day, text, ref), amounts in sorted(journal.items(), key=lambda kv: kv[0][0]):
            by_account: dict[str, int] = {}
            for role, amount in amounts.items():
                if not amount:
                    continue
                account = self.roles.get(role)
                if account is None:
                    raise NotFoundError(f"posting role {role} is not set for this book; "
                                        "set it with ledger.set_role()",
                                        field=f"roles.{role}", value=None)
                by_account[account] = by_account.get(account, 0) + amount
            lines = [Line(acc, Decimal(amount).scaleb(-self.digits, EXACT))
                     for acc, amount in by_account.items() if amount]
            if len(lines) >= 2:
                self.ledger.post_within(self.uow, NewEntry(day, text, lines, reference=ref))

