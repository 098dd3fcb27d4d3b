"""The in-memory inventory repository: the reference implementation of the inventory port.

It lives beside the ledger's in-memory repository and shares its unit of work:
same lock, same undo log. Every write registers its undo step *before* it
mutates anything, so a failure half-way through is undone too.

Example:
    >>> from backoffice_core.adapters.memory import MemoryStore
    >>> with MemoryStore()("acme") as uow:
    ...     uow.inventory.get_item("WID") is None
    True
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import date
from decimal import Decimal
from typing import Any, TypeVar

from backoffice_core.adapters.memory_inventory_data import CostBook, InventoryData, Series
from backoffice_core.errors import ConcurrencyError, DuplicateError, NotFoundError
from backoffice_core.inventory.counts import Count
from backoffice_core.inventory.items import Item
from backoffice_core.inventory.locations import Location
from backoffice_core.inventory.lots import Lot
from backoffice_core.inventory.moves import Move, MoveState, QuantityDelta
from backoffice_core.inventory.replenishment import ReorderRule
from backoffice_core.inventory.repository import StockRow
from backoffice_core.inventory.units import Unit
from backoffice_core.inventory.valuation import CostKind, CostRecord, CostState

__all__ = ["InventoryData", "MemoryInventoryRepository"]

Undo = Callable[[], None]
Key = tuple[date, int]
T = TypeVar("T")
_ZERO = Decimal(0)
_OPEN = (MoveState.DRAFT, MoveState.RESERVED)
_IN, _OUT = CostKind.IN, CostKind.OUT
_RETURN_IN, _RETURN_OUT = CostKind.RETURN_IN, CostKind.RETURN_OUT
_LAST = 2**62


class MemoryInventoryRepository:
    """The inventory port over :class:`InventoryData`, recording undo steps in its unit of work."""

    def __init__(self, data: InventoryData, undo: list[Undo]) -> None:
        self._d = data
        self._undo = undo

    # ------------------------------------------------------------------ helpers
    def _put_new(self, table: dict[Any, T], key: Any, value: T, field: str, what: str) -> None:
        if key in table:
            raise DuplicateError(f"{what} already exists", field=field, value=key)

        def undo() -> None:
            table.pop(key, None)

        self._undo.append(undo)
        table[key] = value

    def _replace(self, table: dict[Any, Any], key: Any, value: Any, expected: int,
                 field: str, what: str) -> None:
        old = table.get(key)
        if old is None:
            raise NotFoundError(f"no such {what}", field=field, value=key)
        if old.version != expected:
            raise ConcurrencyError(f"{what} changed since it was read", field="version",
                                   value=expected)

        def undo() -> None:
            table[key] = old

        self._undo.append(undo)
        table[key] = value

    # ------------------------------------------------------------------ sequence
    def allocate_seq(self, count: int) -> int:
        d = self._d
        first = d.seq + 1
        old = d.seq

        def undo() -> None:
            d.seq = old

        self._undo.append(undo)
        d.seq += count
        return first

    # ------------------------------------------------------------------ master data
    def get_unit(self, code: str) -> Unit | None:
        return self._d.units.get(code)

    def add_unit(self, unit: Unit) -> None:
        self._put_new(self._d.units, unit.code, unit, "code", "unit")

    def list_units(self) -> list[Unit]:
        return [self._d.units[c] for c in sorted(self._d.units)]

    def get_item(self, sku: str) -> Item | None:
        return self._d.items.get(sku)

    def add_item(self, item: Item) -> None:
        self._put_new(self._d.items, item.sku, item, "sku", "item")

    def update_item(self, item: Item, expected_version: int) -> None:
        self._replace(self._d.items, item.sku, item, expected_version, "sku", "item")

    def list_items(self) -> list[Item]:
        return [self._d.items[s] for s in sorted(self._d.items)]

    def get_location(self, code: str) -> Location | None:
        return self._d.locations.get(code)

    def add_location(self, location: Location) -> None:
        self._put_new(self._d.locations, location.code, location, "code", "location")

    def list_locations(self) -> list[Location]:
        return [self._d.locations[c] for c in sorted(self._d.locations)]

    def get_lot(self, sku: str, code: str) -> Lot | None:
        return self._d.lots.get((sku, code))

    def add_lot(self, lot: Lot) -> None:
        self._put_new(self._d.lots, (lot.sku, lot.code), lot, "lot", "lot")

    def list_lots(self, sku: str) -> list[Lot]:
        return sorted((v for k, v in self._d.lots.items() if k[0] == sku), key=lambda x: x.code)

    # ------------------------------------------------------------------ moves
    def add_moves(self, moves: Sequence[Move]) -> None:
        d = self._d
        added: list[Move] = []

        def undo() -> None:
            for m in reversed(added):
                d.moves.pop(m.id, None)
                d.open.pop(m.id, None)
                if m.origin is not None:
                    d.returns[m.origin].pop()
                    if not d.returns[m.origin]:
                        del d.returns[m.origin]

        self._undo.append(undo)
        table, open_, returns = d.moves, d.open, d.returns
        for m in moves:
            if m.id in table:
                raise DuplicateError("move id already exists", field="id", value=m.id)
            table[m.id] = m
            added.append(m)
            if m.state in _OPEN:
                open_[m.id] = m
            if m.origin is not None:
                returns.setdefault(m.origin, []).append(m.id)

    def get_move(self, move_id: str) -> Move | None:
        return self._d.moves.get(move_id)

    def update_move(self, move: Move, expected_version: int) -> None:
        d = self._d
        old = d.moves.get(move.id)
        if old is None:
            raise NotFoundError("no such move", field="move_id", value=move.id)
        if old.version != expected_version:
            raise ConcurrencyError("move changed since it was read", field="version",
                                   value=expected_version)

        def undo() -> None:
            d.moves[move.id] = old
            d.open.pop(move.id, None)
            if old.state in _OPEN:
                d.open[move.id] = old

        self._undo.append(undo)
        d.moves[move.id] = move
        d.open.pop(move.id, None)
        if move.state in _OPEN:
            d.open[move.id] = move

    def iter_moves(self, sku: str | None = None, start: date | None = None,
                   end: date | None = None) -> Iterator[Move]:
        chosen = [m for m in self._d.moves.values()
                  if (sku is None or m.sku == sku) and (start is None or m.date >= start)
                  and (end is None or m.date <= end)]
        chosen.sort(key=lambda m: (m.date, m.seq))
        return iter(chosen)

    def open_moves(self, sku: str | None = None) -> list[Move]:
        return sorted((m for m in self._d.open.values() if sku is None or m.sku == sku),
                      key=lambda m: m.seq)

    def returns_of(self, move_id: str) -> list[Move]:
        return sorted((self._d.moves[i] for i in self._d.returns.get(move_id, ())),
                      key=lambda m: m.seq)

    # ------------------------------------------------------------------ quantities
    def apply_quantities(self, deltas: Iterable[QuantityDelta]) -> None:
        d = self._d
        routes = d.routes
        applied: list[QuantityDelta] = []
        new_days: list[tuple[Series, date]] = []
        new_routes: list[tuple[str, str, str, str]] = []
        new_totals: list[tuple[str, str, str]] = []
        changed: list[tuple[tuple[str, str, str], Decimal]] = []
        old_last: dict[tuple[str, str, str], date | None] = {}

        def undo() -> None:
            totals, last, touching = d.totals, d.last, d.touching
            for x in reversed(applied):  # the per-day route totals
                routes[(x.sku, x.source, x.destination, x.lot)].add(x.day, -x.quantity)
            for at, signed in reversed(changed):  # the running totals, per route
                totals[at] -= signed
            for series, day in reversed(new_days):
                series.remove(day)
            for route in reversed(new_routes):
                del routes[route]
                for loc, sign in ((route[1], -1), (route[2], 1)):
                    lst = touching[(route[0], loc)]
                    lst.remove((route, sign))
                    if not lst:
                        del touching[(route[0], loc)]
            for at in reversed(new_totals):
                del totals[at]
                d.lots_at[(at[0], at[1])].remove(at[2])
            for at, seen in old_last.items():
                if seen is None:
                    del last[at]
                else:
                    last[at] = seen

        self._undo.append(undo)
        # consecutive deltas of one route (as the bulk path sends them) share one lookup
        route: tuple[str, str, str, str] | None = None
        series: Series | None = None
        moved = _ZERO
        latest = date.min
        for x in deltas:
            sku, src, dst, lot, day, q = x
            if route is None or not (sku is route[0] and src is route[1] and dst is route[2]
                                     and lot is route[3]):
                if route is not None:
                    self._move_totals(route, moved, latest, new_totals, changed, old_last)
                route = (sku, src, dst, lot)
                series = routes.get(route)
                if series is None:
                    series = routes[route] = Series(_ZERO)
                    new_routes.append(route)
                    d.touching.setdefault((sku, src), []).append((route, -1))
                    d.touching.setdefault((sku, dst), []).append((route, 1))
                moved = _ZERO
                latest = day
            assert series is not None
            if series.add(day, q):
                new_days.append((series, day))
            moved += q
            if day > latest:
                latest = day
            applied.append(x)
        if route is not None:
            self._move_totals(route, moved, latest, new_totals, changed, old_last)

    def _move_totals(self, route: tuple[str, str, str, str], moved: Decimal, latest: date,
                     new_totals: list[tuple[str, str, str]],
                     changed: list[tuple[tuple[str, str, str], Decimal]],
                     old_last: dict[tuple[str, str, str], date | None]) -> None:
        """Add ``moved`` to the route's destination, take it from its source (undo-logged)."""
        d = self._d
        totals, last = d.totals, d.last
        sku, src, dst, lot = route
        for at, signed in (((sku, src, lot), -moved), ((sku, dst, lot), moved)):
            old = totals.get(at)
            if old is None:
                new_totals.append(at)
                totals[at] = _ZERO
                d.lots_at.setdefault((sku, at[1]), []).append(lot)
            changed.append((at, signed))
            totals[at] += signed
            seen = last.get(at)
            if seen is None or latest > seen:
                if at not in old_last:
                    old_last[at] = seen
                last[at] = latest

    def _as_of(self, sku: str, location: str, lot: str | None, day: date) -> Decimal:
        total = _ZERO
        for key, sign in self._d.touching.get((sku, location), ()):
            if lot is None or key[3] == lot:
                value = self._d.routes[key].upto(day)
                total = total + value if sign > 0 else total - value
        return total

    def quantity(self, sku: str, location: str, lot: str | None = None,
                 day: date | None = None) -> Decimal:
        if day is not None:
            return self._as_of(sku, location, lot, day)
        totals = self._d.totals
        if lot is not None:
            return totals.get((sku, location, lot), _ZERO)
        total = _ZERO
        for each in self._d.lots_at.get((sku, location), ()):
            total += totals[(sku, location, each)]
        return total

    def lowest_quantity(self, sku: str, location: str, lot: str, day: date) -> Decimal:
        d = self._d
        at = (sku, location, lot)
        seen = d.last.get(at)
        if seen is None:
            return _ZERO
        if day >= seen:
            return d.totals[at]
        routes = d.routes
        through = [(key, sign) for key, sign in d.touching.get((sku, location), ())
                   if key[3] == lot]
        changes: dict[date, Decimal] = {}
        for key, sign in through:
            for when, q in routes[key].per_day.items():
                if when > day:
                    changes[when] = changes.get(when, _ZERO) + (q if sign > 0 else -q)
        low = running = self._as_of(sku, location, lot, day)
        for when in sorted(changes):
            running += changes[when]
            if running < low:
                low = running
        return low

    def stock(self, sku: str | None = None, day: date | None = None) -> list[StockRow]:
        out: list[StockRow] = []
        d = self._d
        if day is None:
            return [StockRow(k[0], k[1], k[2], q) for k, q in sorted(d.totals.items())
                    if q and (sku is None or k[0] == sku)]
        skus = [sku] if sku is not None else sorted({k[0] for k in d.routes})
        for s in skus:
            found: dict[tuple[str, str], Decimal] = {}
            for (k_sku, src, dst, lot), series in d.routes.items():
                if k_sku != s:
                    continue
                q = series.upto(day)
                if q:
                    found[(src, lot)] = found.get((src, lot), _ZERO) - q
                    found[(dst, lot)] = found.get((dst, lot), _ZERO) + q
            out.extend(StockRow(s, loc, lot, q) for (loc, lot), q in sorted(found.items()) if q)
        return out

    # ------------------------------------------------------------------ reservations
    def apply_reservations(self, deltas: Iterable[tuple[str, str, Decimal]]) -> None:
        table = self._d.reserved
        changes = list(deltas)
        old = {(s, loc): table.get((s, loc)) for s, loc, _ in changes}

        def undo() -> None:
            for key, value in old.items():
                if value is None:
                    table.pop(key, None)
                else:
                    table[key] = value

        self._undo.append(undo)
        for sku, loc, qty in changes:
            table[(sku, loc)] = table.get((sku, loc), _ZERO) + qty

    def reserved(self, sku: str, location: str) -> Decimal:
        return self._d.reserved.get((sku, location), _ZERO)

    # ------------------------------------------------------------------ valuation
    def get_cost_state(self, sku: str) -> CostState | None:
        return self._d.states.get(sku)

    def save_cost_state(self, sku: str, state: CostState) -> None:
        states = self._d.states
        old = states.get(sku)

        def undo() -> None:
            if old is None:
                states.pop(sku, None)
            else:
                states[sku] = old

        self._undo.append(undo)
        states[sku] = state

    def add_cost_records(self, records: Sequence[CostRecord]) -> None:
        d = self._d
        added: list[CostRecord] = []

        def undo() -> None:
            for r in reversed(added):
                book = d.costs[r.sku]
                i = bisect.bisect_left(book.keys, r.key)
                book.touched(i)
                del book.keys[i]
                del book.records[i]
                book.quantity -= r.signed_quantity
                book.value -= r.value
                if r.snapshot is not None:
                    del book.snaps[bisect.bisect_left(book.snaps, r.key)]
                del d.by_event[r.event]

        self._undo.append(undo)
        costs, by_event = d.costs, d.by_event
        book: CostBook | None = None
        sku = ""
        for r in records:
            if book is None or r.sku != sku:
                sku = r.sku
                book = costs.get(sku)
                if book is None:
                    book = costs[sku] = CostBook()
                keys, recs = book.keys, book.records
            key = (r[1], r[2])
            if r.event in by_event:
                raise DuplicateError("cost record of this event already exists", field="event",
                                     value=r.event)
            if not keys or key > keys[-1]:
                keys.append(key)
                recs.append(r)
                if r[15] is not None:  # the snapshot
                    book.snaps.append(key)
                kind = r[4]
                if kind is _IN or kind is _RETURN_IN:
                    book.quantity += r[5]
                elif kind is _OUT or kind is _RETURN_OUT:
                    book.quantity -= r[5]
                book.value += r[12]
            else:
                i = bisect.bisect_left(keys, key)
                if i < len(keys) and keys[i] == key:
                    raise DuplicateError("cost record key already taken", field="seq",
                                         value=r.seq)
                book.touched(i)
                keys.insert(i, key)
                recs.insert(i, r)
                book.quantity += r.signed_quantity
                book.value += r.value
                if r.snapshot is not None:
                    bisect.insort(book.snaps, key)
            by_event[r.event] = r
            added.append(r)

    def replace_cost_records(self, records: Sequence[CostRecord]) -> None:
        d = self._d
        done: list[tuple[CostRecord, CostRecord]] = []

        def undo() -> None:
            for old, new in reversed(done):
                self._swap(new, old)

        self._undo.append(undo)
        for r in records:
            old = d.by_event.get(r.event)
            if old is None or old.key != r.key or old.sku != r.sku:
                raise NotFoundError("no such cost record", field="event", value=r.event)
            self._swap(old, r)
            done.append((old, r))

    def _swap(self, old: CostRecord, new: CostRecord) -> None:
        book = self._d.costs[old.sku]
        key = old.key
        i = bisect.bisect_left(book.keys, key)
        book.touched(i)
        book.records[i] = new
        book.quantity += new.signed_quantity - old.signed_quantity
        book.value += new.value - old.value
        if (old.snapshot is None) != (new.snapshot is None):
            if new.snapshot is None:
                del book.snaps[bisect.bisect_left(book.snaps, key)]
            else:
                bisect.insort(book.snaps, key)
        self._d.by_event[new.event] = new

    def get_cost_record(self, event: str) -> CostRecord | None:
        return self._d.by_event.get(event)

    def cost_records(self, sku: str, start: tuple[date, int] | None = None,
                     end: tuple[date, int] | None = None) -> list[CostRecord]:
        book = self._d.costs.get(sku)
        if book is None:
            return []
        i = 0 if start is None else bisect.bisect_left(book.keys, start)
        j = len(book.keys) if end is None else bisect.bisect_right(book.keys, end)
        return book.records[i:j]

    def cost_checkpoint(self, sku: str, key: tuple[date, int]) -> CostRecord | None:
        book = self._d.costs.get(sku)
        if book is None:
            return None
        i = bisect.bisect_right(book.snaps, key)
        if i == 0:
            return None
        return book.records[bisect.bisect_left(book.keys, book.snaps[i - 1])]

    def value(self, sku: str, day: date | None = None) -> tuple[int, int]:
        book = self._d.costs.get(sku)
        return book.upto(day) if book is not None else (0, 0)

    def values(self, day: date | None = None) -> list[tuple[str, int, int]]:
        return [(sku, *book.upto(day)) for sku, book in sorted(self._d.costs.items())]

    # ------------------------------------------------------------------ counts
    def add_count(self, count: Count) -> None:
        self._put_new(self._d.counts, count.id, count, "count_id", "count")

    def get_count(self, count_id: str) -> Count | None:
        return self._d.counts.get(count_id)

    def update_count(self, count: Count, expected_version: int) -> None:
        self._replace(self._d.counts, count.id, count, expected_version, "count_id", "count")

    def list_counts(self) -> list[Count]:
        return [self._d.counts[c] for c in sorted(self._d.counts)]

    # ------------------------------------------------------------------ replenishment
    def save_reorder_rule(self, rule: ReorderRule, expected_version: int | None) -> None:
        key = (rule.sku, rule.location)
        if expected_version is None:
            self._put_new(self._d.rules, key, rule, "location", "reorder rule")
        else:
            self._replace(self._d.rules, key, rule, expected_version, "location",
                          "reorder rule")

    def delete_reorder_rule(self, sku: str, location: str) -> None:
        rules = self._d.rules
        key = (sku, location)
        old = rules.get(key)
        if old is None:
            raise NotFoundError("no such reorder rule", field="location", value=location)

        def undo() -> None:
            rules[key] = old

        self._undo.append(undo)
        del rules[key]

    def list_reorder_rules(self) -> list[ReorderRule]:
        return [self._d.rules[k] for k in sorted(self._d.rules)]
