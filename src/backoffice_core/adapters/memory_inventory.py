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
from itertools import chain
from operator import itemgetter
from typing import Any, TypeVar

from backoffice_core.adapters.memory_cost_book import KEY_SHIFT, PLACE, CostBook, record_key
from backoffice_core.adapters.memory_inventory_data import (
    InventoryData,
    add_quantities,
    add_route_days,
    append_done,
    bulk_index,
    find_move,
    find_record,
    index_move,
    lowest_after,
    move_record,
    own_record,
    quantity_as_of,
    refuse_stock,
    unindex_move,
)
from backoffice_core.errors import ConcurrencyError, DuplicateError, NotFoundError
from backoffice_core.inventory.counts import Count
from backoffice_core.inventory.items import Item
from backoffice_core.inventory.locations import Location
from backoffice_core.inventory.lots import Lot
from backoffice_core.inventory.moves import Move, MoveState, QuantityDelta, fields_of
from backoffice_core.inventory.replenishment import ReorderRule
from backoffice_core.inventory.repository import RouteDays, StockRow
from backoffice_core.inventory.units import MAX_STOCK, Unit
from backoffice_core.inventory.valuation import CostKind, CostRecord, CostState

__all__ = ["InventoryData", "MemoryInventoryRepository"]

Undo = Callable[[], None]
T = TypeVar("T")
_ZERO = Decimal(0)
_OPEN = (MoveState.DRAFT, MoveState.RESERVED)
_DONE = MoveState.DONE
_IN, _OUT = CostKind.IN, CostKind.OUT
_RETURN_IN, _RETURN_OUT = CostKind.RETURN_IN, CostKind.RETURN_OUT
_ID = itemgetter(0)  # of a Move


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
        if len(moves) > 1 and append_done(self._d, moves, self._undo.append):
            return
        d = self._d
        added: list[Move] = []

        def undo() -> None:
            for m in reversed(added):
                d.moves.pop(m.id, None)
                d.open.pop(m.id, None)
                if m.state is _DONE:
                    self._unindex(m)
                if m.origin is not None:
                    d.returns[m.origin].pop()
                    if not d.returns[m.origin]:
                        del d.returns[m.origin]

        self._undo.append(undo)
        table, open_, returns, done = d.moves, d.open, d.returns, d.done
        ids = list(map(_ID, moves))
        if ids:
            d.top_id = max(d.top_id, max(ids))  # an upper bound: kept on undo too
        if (len(set(ids)) == len(ids) and table.keys().isdisjoint(ids)
                and not any(bulk_index(d, i) is not None for i in ids)):  # all new
            table.update(zip(ids, moves, strict=True))
            added.extend(moves)
            checked = True
        else:
            checked = False
        # each move once as a plain tuple: its fields become locals at C speed
        for m, (move_id, seq, sku, _, _, _, day, _, state, _, _, origin, _, _, _) in zip(
                moves, fields_of(moves), strict=True):
            if not checked:
                if find_move(d, move_id) is not None:
                    raise DuplicateError("move id already exists", field="id", value=move_id)
                table[move_id] = m
                added.append(m)
            if state is _DONE:
                per_item = done.get(sku)
                if per_item is None:
                    done[sku] = [m]
                else:  # index_move, inlined for the common case: appended in order
                    last = per_item[-1]
                    if last.date < day or (last.date == day and last.seq < seq):
                        per_item.append(m)
                    else:
                        index_move(per_item, m)
            elif state in _OPEN:
                open_[move_id] = m
            if origin is not None:
                returns.setdefault(origin, []).append(move_id)

    def _unindex(self, move: Move) -> None:
        per_item = self._d.done[move.sku]
        unindex_move(per_item, move)
        if not per_item:
            del self._d.done[move.sku]

    def _index(self, move: Move) -> None:
        index_move(self._d.done.setdefault(move.sku, []), move)

    def get_move(self, move_id: str) -> Move | None:
        return find_move(self._d, move_id)

    def _put_move(self, move: Move) -> None:
        at = bulk_index(self._d, move.id)
        if at is None:
            self._d.moves[move.id] = move
        else:
            self._d.bulk_moves[at] = move

    def update_move(self, move: Move, expected_version: int) -> None:
        d = self._d
        old = find_move(d, move.id)
        if old is None:
            raise NotFoundError("no such move", field="move_id", value=move.id)
        if old.version != expected_version:
            raise ConcurrencyError("move changed since it was read", field="version",
                                   value=expected_version)

        # a record found by the move's key moves to by_event if the key changes
        own = (move_record(d, old.id) if (old[2], old[6], old[1]) != (move[2], move[6], move[1])
               else None)

        def undo() -> None:
            if own is not None:
                d.by_event.pop(own.event, None)
            if move.state is _DONE:
                self._unindex(move)
            if old.state is _DONE:
                self._index(old)
            self._put_move(old)
            d.open.pop(move.id, None)
            if old.state in _OPEN:
                d.open[move.id] = old

        self._undo.append(undo)
        if own is not None:
            d.by_event[own.event] = own
        if old.state is _DONE:
            self._unindex(old)
        if move.state is _DONE:
            self._index(move)
        self._put_move(move)
        d.open.pop(move.id, None)
        if move.state in _OPEN:
            d.open[move.id] = move

    def iter_moves(self, sku: str | None = None, start: date | None = None,
                   end: date | None = None) -> Iterator[Move]:
        chosen = [m for m in chain(self._d.moves.values(), self._d.bulk_moves)
                  if (sku is None or m.sku == sku) and (start is None or m.date >= start)
                  and (end is None or m.date <= end)]
        chosen.sort(key=lambda m: (m.date, m.seq))
        return iter(chosen)

    def open_moves(self, sku: str | None = None) -> list[Move]:
        found = self._d.open.values() if sku is None else self._d.open.of(sku)
        return sorted(found, key=lambda m: m.seq)

    def returns_of(self, move_id: str) -> list[Move]:
        found = (find_move(self._d, i) for i in self._d.returns.get(move_id, ()))
        return sorted((m for m in found if m is not None), key=lambda m: m.seq)

    # ------------------------------------------------------------------ quantities
    def apply_quantities(self, deltas: Iterable[QuantityDelta]) -> None:
        add_quantities(self._d, deltas if isinstance(deltas, list) else list(deltas),
                       self._undo.append)

    def apply_route_days(self, routes: Iterable[RouteDays]) -> None:
        add_route_days(self._d, routes, self._undo.append)

    def quantity(self, sku: str, location: str, lot: str | None = None,
                 day: date | None = None) -> Decimal:
        if day is not None:
            return quantity_as_of(self._d, sku, location, lot, day)
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
        return lowest_after(d, sku, location, lot, day)

    def stock(self, sku: str | None = None, day: date | None = None) -> list[StockRow]:
        out: list[StockRow] = []
        d = self._d
        if day is None:
            return [StockRow(k[0], k[1], k[2], q) for k, q in sorted(d.totals.items())
                    if q and (sku is None or k[0] == sku)]
        by_sku: dict[str, dict[tuple[str, str], Decimal]] = {}  # one pass over the routes
        for (k_sku, src, dst, lot), series in d.routes.items():
            if sku is not None and k_sku != sku:
                continue
            q = series.upto(day)
            found = by_sku.get(k_sku)
            if found is None:
                found = by_sku[k_sku] = {}
            if q:
                found[(src, lot)] = found.get((src, lot), _ZERO) - q
                found[(dst, lot)] = found.get((dst, lot), _ZERO) + q
        for s in sorted(by_sku):
            out.extend(StockRow(s, loc, lot, q) for (loc, lot), q in sorted(by_sku[s].items())
                       if q)
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

        new: dict[tuple[str, str], Decimal] = {}
        for sku, loc, qty in changes:
            new[(sku, loc)] = new.get((sku, loc), table.get((sku, loc), _ZERO)) + qty
            if not -MAX_STOCK <= new[(sku, loc)] <= MAX_STOCK:
                refuse_stock(f"the reserved stock of {sku} at {loc}", new[(sku, loc)])
        self._undo.append(undo)
        table.update(new)

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
        costs, by_event = d.costs, d.by_event

        def undo() -> None:
            for r in reversed(added):
                costs[r.sku].remove(r)
                if by_event.get(r.event) is r:
                    del by_event[r.event]

        self._undo.append(undo)
        i, n = 0, len(records)
        columns = list(zip(*records, strict=True)) if n else []  # the fields, column by column
        single = n > 0 and columns[0].count(columns[0][0]) == n
        while i < n:  # runs of one item (the service sends one item's records at a time)
            sku = records[i][0]
            j = n if single else i + 1
            while j < n and records[j][0] == sku:
                j += 1
            book = costs.get(sku)
            if book is None:
                book = costs[sku] = CostBook()
            run = records[i:j]
            if book.append_run(run, d, columns if single else None):
                added.extend(run)
            else:
                for r in run:
                    if r.event in by_event or move_record(d, r.event) is not None:
                        raise DuplicateError("cost record of this event already exists",
                                             field="event", value=r.event)
                    book.add(r)
                    added.append(r)
                    if not own_record(d, r):  # a move's own record is found by its key
                        by_event[r.event] = r
            i = j

    def replace_cost_records(self, records: Sequence[CostRecord]) -> None:
        d = self._d
        olds: list[CostRecord] = []  # olds[k] was replaced by records[k]

        def undo() -> None:
            for k in range(len(olds) - 1, -1, -1):
                d.costs[olds[k].sku].swap(records[k], olds[k], 0, d.by_event)

        self._undo.append(undo)
        by_event = d.by_event
        lo = 0  # records mostly come in key order: each search starts where the last ended
        sku = None
        book = CostBook()
        keys: list[int] = []
        # each record once as a plain tuple: its fields become locals at C speed
        for r, (item, day, seq, event, kind, steps, _, _, _, _, _, _, value, _, _, snap) in zip(
                records, fields_of(records), strict=True):
            if item != sku:
                found_book = d.costs.get(item)
                if found_book is None:
                    raise NotFoundError("no such cost record", field="event", value=event)
                sku, lo, book = item, 0, found_book
                keys = book.keys_for(len(records))  # a run appended last may have none
            key = (day.toordinal() << KEY_SHIFT) + seq  # record_key, inlined: found by key
            n = len(keys)
            if n and key <= keys[-1]:
                if lo >= n or keys[lo] > key:
                    lo = 0
                hi = lo + 32  # the next record to replace is mostly close by
                lo = (bisect.bisect_left(keys, key, lo, hi) if hi < n and keys[hi] >= key
                      else bisect.bisect_left(keys, key, lo))
                old = book.records[lo] if keys[lo] == key else None
            else:  # past the kept keys (a run appended last): the next few, else by place
                held, m, place, old = book.records, len(book.records), (day, seq), None
                i = lo if lo > n else n
                end = i + 8 if i + 8 < m else m
                while i < end:
                    if held[i][2] == seq and held[i][1] == day:
                        lo, old = i, held[i]
                        break
                    i += 1
                else:
                    if lo < n or lo >= m or PLACE(held[lo]) > place:
                        lo = n
                    hi = lo + 32
                    lo = (bisect.bisect_left(held, place, lo, hi, key=PLACE)
                          if hi < m and PLACE(held[hi]) >= place
                          else bisect.bisect_left(held, place, lo, key=PLACE))
                    old = held[lo] if lo < m and PLACE(held[lo]) == place else None
            if old is None or old[3] != event:
                raise NotFoundError("no such cost record", field="event", value=event)
            if (old[15] is None) is not (snap is None) or old[4] is not kind or old[5] != steps:
                lo = book.swap(old, r, lo, by_event)  # a snapshot or a quantity changes too
            else:  # CostBook.swap, inlined for the common case: only the outcome changes
                if lo < book.clean:
                    book.touched(lo)
                book.records[lo] = r
                book.value += value - old[12]
                if by_event.get(event) is old:
                    by_event[event] = r
            olds.append(old)

    def get_cost_record(self, event: str) -> CostRecord | None:
        return find_record(self._d, event)

    def cost_records(self, sku: str, start: tuple[date, int] | None = None,
                     end: tuple[date, int] | None = None) -> list[CostRecord]:
        book = self._d.costs.get(sku)
        if book is None:
            return []
        i = 0 if start is None else book.index(record_key(*start))
        j = len(book.records) if end is None else book.index(record_key(*end), right=True)
        return book.records[i:j]

    def cost_checkpoint(self, sku: str, key: tuple[date, int]) -> CostRecord | None:
        book = self._d.costs.get(sku)
        if book is None:
            return None
        i = bisect.bisect_right(book.snaps, record_key(*key))
        if i == 0:
            return None
        return book.records[book.index(book.snaps[i - 1])]

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
