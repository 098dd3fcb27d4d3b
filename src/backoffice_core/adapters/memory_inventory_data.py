"""The data of the in-memory inventory: per-day series and one book's tables.

Used by :class:`~backoffice_core.adapters.memory_inventory.MemoryInventoryRepository`,
which records an undo step for every change it makes to them. Each item's cost records
live in a :class:`~backoffice_core.adapters.memory_cost_book.CostBook`.

Example:
    >>> from datetime import date
    >>> s = Series(0)
    >>> s.per_day.update({date(2026, 2, 2): 5, date(2026, 2, 1): 3})
    >>> s.moved(8, date(2026, 2, 2))
    >>> s.upto(date(2026, 2, 1)), s.upto(None)
    (3, 8)
"""

from __future__ import annotations

import bisect
from collections import deque
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date
from decimal import Decimal, localcontext
from itertools import compress
from operator import call, itemgetter, le, lt, ne
from typing import TYPE_CHECKING, Any

from backoffice_core.errors import ValidationError
from backoffice_core.inventory.counts import Count
from backoffice_core.inventory.items import Item
from backoffice_core.inventory.locations import Location
from backoffice_core.inventory.lots import Lot
from backoffice_core.inventory.moves import Move, MoveState, QuantityDelta
from backoffice_core.inventory.replenishment import ReorderRule
from backoffice_core.inventory.repository import Route, RouteDays
from backoffice_core.inventory.units import MAX_STOCK, Unit
from backoffice_core.inventory.valuation import CostRecord, CostState
from backoffice_core.money import EXACT

if TYPE_CHECKING:  # the cost books use this module's tables
    from backoffice_core.adapters.memory_cost_book import CostBook

__all__ = ["InventoryData", "Series", "add_quantities", "add_route_days", "append_done",
           "bulk_index", "find_move", "find_record", "index_move", "lowest_after", "move_record",
           "moves_after", "own_record", "quantity_as_of", "refuse_stock", "unindex_move"]

_LAST = 2**62
_MOVE_KEY = itemgetter(6, 1)  # (date, seq) of a Move
_DONE = MoveState.DONE
_ZERO = Decimal(0)


def index_move(moves: list[Move], move: Move) -> None:
    """Put a done ``move`` into one item's ``moves``, kept in (date, seq) order.

    Appending is the common case (moves mostly arrive in order); a backdated move is
    inserted by bisection.

    Example:
        >>> from backoffice_core.inventory.moves import MoveKind, MoveState
        >>> def mv(seq, day):
        ...     return Move(f"m{seq}", seq, "W", Decimal(1), "supplier", "WH",
        ...                 date(2026, 2, day), MoveKind.RECEIPT, MoveState.DONE)
        >>> moves: list[Move] = []
        >>> for m in (mv(1, 3), mv(2, 5), mv(3, 4)):
        ...     index_move(moves, m)
        >>> [m.seq for m in moves], [m.seq for m in moves_after(moves, date(2026, 2, 3))]
        ([1, 3, 2], [3, 2])
    """
    if moves:
        last = moves[-1]
        if last[6] > move[6] or (last[6] == move[6] and last[1] > move[1]):
            bisect.insort_right(moves, move, key=_MOVE_KEY)
            return
    moves.append(move)


def unindex_move(moves: list[Move], move: Move) -> None:
    """Take ``move`` out of ``moves`` (the undo of :func:`index_move`)."""
    i = bisect.bisect_left(moves, (move[6], move[1]), key=_MOVE_KEY)
    while moves[i] is not move:  # moves sharing a key (refused duplicates) sit side by side
        i += 1
    del moves[i]


def append_done(d: InventoryData, moves: Sequence[Move],
                register: Callable[[Callable[[], None]], None]) -> bool:
    """Store ``moves`` at C speed when they are the bulk case: every move done and no
    return, in (date, seq) order, their ids rising above every stored id (time-ordered
    ids: new without a lookup each). They go to ``bulk_ids`` and ``bulk_moves``, and each
    item's moves to its index (a move dated before the item's last one is put in its
    place). The undo step goes to ``register`` before any change. Returns False, having
    changed nothing, when the general path must store them.

    Example:
        >>> from backoffice_core.inventory.moves import MoveKind, MoveState
        >>> d = InventoryData()
        >>> ms = [Move(f"m{n}", n, "W", Decimal(1), "supplier", "WH", date(2026, 2, n),
        ...            MoveKind.RECEIPT, MoveState.DONE) for n in (1, 2)]
        >>> undo: list[Callable[[], None]] = []
        >>> append_done(d, ms, undo.append), [m.id for m in d.done["W"]], find_move(d, "m2")[1]
        (True, ['m1', 'm2'], 2)
        >>> undo.pop()(), d.done, find_move(d, "m2")
        (None, {}, None)
    """
    columns = list(zip(*moves, strict=True))  # the fields, column by column
    ids, seqs, skus, days = columns[0], columns[1], columns[2], columns[6]
    # (counted, not put in a set: an enum member hashes in Python)
    if (columns[8].count(_DONE) != len(moves) or columns[11].count(None) != len(moves)
            or not (ids[0] > d.top_id and all(map(lt, ids, ids[1:])))):
        return False
    if not (all(map(le, days, days[1:])) and all(map(lt, seqs, seqs[1:]))):
        return False
    done, bulk_ids, bulk_moves = d.done, d.bulk_ids, d.bulk_moves
    marks: dict[str, int] = {}  # per item: the length of its index before
    appenders: dict[str, Callable[[Move], None]] = {}
    for sku in set(skus):  # (each item once; in any order)
        per_item = done.get(sku)
        if per_item is None:
            per_item = done[sku] = []
        marks[sku] = len(per_item)
        appenders[sku] = per_item.append
    inserted: set[str] = set()  # items given a move dated before their last one
    size = len(bulk_ids)

    def undo() -> None:
        del bulk_ids[size:]
        del bulk_moves[size:]
        for sku, mark in marks.items():
            per_item = done[sku]
            if sku in inserted:
                for m in moves:
                    if m[2] == sku:
                        unindex_move(per_item, m)
            else:
                del per_item[mark:]
            if not per_item:
                del done[sku]

    register(undo)
    bulk_ids.extend(ids)
    bulk_moves.extend(moves)
    d.top_id = ids[-1]  # an upper bound of the stored ids (kept on undo)
    deque(map(call, map(appenders.__getitem__, skus), moves), maxlen=0)
    for sku, mark in marks.items():
        per_item = done[sku]
        if mark and _MOVE_KEY(per_item[mark - 1]) > _MOVE_KEY(per_item[mark]):
            inserted.add(sku)
            late = per_item[mark:]
            del per_item[mark:]
            for m in late:
                index_move(per_item, m)
    return True


def bulk_index(d: InventoryData, move_id: str) -> int | None:
    """The place of ``move_id`` in ``d.bulk_ids`` (by bisection), or ``None``."""
    i = bisect.bisect_left(d.bulk_ids, move_id)
    return i if i < len(d.bulk_ids) and d.bulk_ids[i] == move_id else None


def find_move(d: InventoryData, move_id: str) -> Move | None:
    """The stored move ``move_id`` (stored one by one, or in bulk), or ``None``."""
    found = d.moves.get(move_id)
    if found is None and d.bulk_ids and type(move_id) is str:
        i = bulk_index(d, move_id)
        if i is not None:
            return d.bulk_moves[i]
    return found


def add_quantities(d: InventoryData, deltas: list[QuantityDelta],
                   register: Callable[[Callable[[], None]], None]) -> None:
    """Add each delta to its route's per-day total, to its destination's running quantity,
    and take it from its source's. The undo step goes to ``register`` before any change
    (it undoes what was done even after a failure half-way).

    Consecutive deltas of one route (as the bulk path sends them) are applied together.

    Example:
        >>> from backoffice_core.inventory.moves import QuantityDelta
        >>> d = InventoryData()
        >>> undo: list[Callable[[], None]] = []
        >>> add_quantities(d, [QuantityDelta("W", "supplier", "WH", "", date(2026, 2, 2),
        ...                                  Decimal(5))], undo.append)
        >>> d.totals[("W", "WH", "")], undo.pop()(), d.totals, d.routes
        (Decimal('5'), None, {}, {})
    """
    if not deltas:
        register(_nothing)
        return
    columns = list(zip(*deltas, strict=True))
    path = list(zip(columns[0], columns[1], columns[2], columns[3], strict=True))
    days, quantities = columns[4], columns[5]
    n = len(deltas)
    starts = [0, *compress(range(1, n), map(ne, path, path[1:])), n]
    _add_runs(d, [(path[a], days[a:b], quantities[a:b], None)
                  for a, b in zip(starts, starts[1:], strict=False)], register)


def _nothing() -> None:
    pass


def add_route_days(d: InventoryData, routes: Iterable[RouteDays],
                   register: Callable[[Callable[[], None]], None]) -> None:
    """:func:`add_quantities` grouped: for each route (sku, source, destination, lot), the
    quantity moved along it on each day (a mapping: its days unique), added at C speed.
    The undo step goes to ``register`` before any change.

    Example:
        >>> d = InventoryData()
        >>> undo: list[Callable[[], None]] = []
        >>> moved = {date(2026, 2, 2): Decimal(5), date(2026, 2, 3): Decimal(2)}
        >>> add_route_days(d, [(("W", "supplier", "WH", ""), moved)], undo.append)
        >>> d.totals[("W", "WH", "")], d.routes[("W", "supplier", "WH", "")].upto(None)
        (Decimal('7'), Decimal('7'))
        >>> undo.pop()(), d.totals, d.routes
        (None, {}, {})
    """
    _add_runs(d, [(route, tuple(per_day), tuple(per_day.values()), per_day)
                  for route, per_day in routes], register)


def _add_runs(d: InventoryData,
              runs: list[tuple[Route, Sequence[date], Sequence[Decimal],
                               Mapping[date, Decimal] | None]],
              register: Callable[[Callable[[], None]], None]) -> None:
    """Add runs ``(route, days, quantities, those as a mapping of unique days or None)``.

    A running total or a route's day past :data:`MAX_STOCK` undoes them all and is refused.
    """
    routes, totals, last, touching, lots_at = d.routes, d.totals, d.last, d.touching, d.lots_at
    # per run of one route: (series, days, quantities, the days it added, their sum)
    done: list[tuple[Series, Sequence[date], Sequence[Decimal], Sequence[date], Decimal]] = []
    new_routes: list[tuple[str, str, str, str]] = []
    new_totals: list[tuple[str, str, str]] = []
    changed: list[tuple[tuple[str, str, str], Decimal]] = []
    old_last: dict[tuple[str, str, str], date | None] = {}
    undone = False

    def undo() -> None:
        nonlocal undone
        if undone:  # already undone by a refusal (see below)
            return
        undone = True
        with localcontext(EXACT):  # sums of any size, exactly
            for series, when, moved, fresh, total in reversed(done):
                per_day = series.per_day
                if len(fresh) != len(when):
                    added = set(fresh)
                    for day, q in zip(when, moved, strict=True):
                        if day not in added:
                            per_day[day] -= q
                for day in fresh:
                    per_day.pop(day, None)
                series.total -= total
                series.last = max(per_day, default=date.min)
                series.dirty = True
            for at, signed in reversed(changed):  # the running totals, per route
                totals[at] -= signed
            for route in reversed(new_routes):
                del routes[route]
                for loc, sign in ((route[1], -1), (route[2], 1)):
                    lst = touching[(route[0], loc)]
                    lst.remove((route, sign))
                    if not lst:
                        del touching[(route[0], loc)]
            for at in reversed(new_totals):
                del totals[at]
                lots_at[(at[0], at[1])].remove(at[2])
            for at, seen in old_last.items():
                if seen is None:
                    del last[at]
                else:
                    last[at] = seen

    register(undo)
    over: tuple[str, Decimal] | None = None
    with localcontext(EXACT):  # sums of any size, exactly
        for route, when, moved, unique in runs:
            if not moved:
                continue
            series = routes.get(route)
            if series is None:
                series = routes[route] = Series(_ZERO)
                new_routes.append(route)
                touching.setdefault((route[0], route[1]), []).append((route, -1))
                touching.setdefault((route[0], route[2]), []).append((route, 1))
            per_day = series.per_day
            total = sum(moved, _ZERO)
            latest = max(when)
            if ((unique is not None or len(set(when)) == len(when))
                    and per_day.keys().isdisjoint(when)):  # all new days
                done.append((series, when, moved, when, total))
                per_day.update(zip(when, moved, strict=True) if unique is None else unique)
                low = min(moved)  # non-negative days are at most their sum: one pass
                if low < -MAX_STOCK or ((low < 0 or total > MAX_STOCK)
                                        and max(moved) > MAX_STOCK):
                    over = (f"the moves of {route[0]} from {route[1]} to {route[2]} in one day",
                            max(moved, key=abs))
            else:
                fresh: list[date] = []
                done.append((series, when, moved, fresh, total))
                for day, q in zip(when, moved, strict=True):
                    row = per_day.get(day)
                    if row is None:
                        per_day[day] = q
                        fresh.append(day)
                    else:
                        per_day[day] = row = row + q
                        if not -MAX_STOCK <= row <= MAX_STOCK:
                            over = (f"the moves of {route[0]} from {route[1]} to {route[2]} "
                                    f"on {day}", row)
            series.moved(total, latest)
            sku, src, dst, lot = route
            for at, signed in (((sku, src, lot), -total), ((sku, dst, lot), total)):
                if at not in totals:
                    new_totals.append(at)
                    totals[at] = _ZERO
                    lots_at.setdefault((sku, at[1]), []).append(lot)
                changed.append((at, signed))
                totals[at] = now = totals[at] + signed
                if not -MAX_STOCK <= now <= MAX_STOCK:
                    over = (f"the stock of {sku} at {at[1]}", now)
                seen = last.get(at)
                if seen is None or latest > seen:
                    if at not in old_last:
                        old_last[at] = seen
                    last[at] = latest
    if over is not None:
        undo()
        refuse_stock(*over)


def refuse_stock(what: str, total: Decimal) -> None:
    """Refuse a running total of stock past :data:`MAX_STOCK` (``field="quantity"``).

    Example:
        >>> refuse_stock("the stock of W at WH", Decimal(10**10))
        Traceback (most recent call last):
        ...
        backoffice_core.errors.ValidationError: quantity=Decimal('10000000000'): ...
    """
    raise ValidationError(f"{what} would come to {total}, past the {MAX_STOCK} units a "
                          "store holds", field="quantity", value=total)


def move_record(d: InventoryData, event: str) -> CostRecord | None:
    """The record of a done move's own event, kept at the move's key (not in ``by_event``).

    Example:
        >>> move_record(InventoryData(), "m1") is None
        True
    """
    m = find_move(d, event)
    if m is None:
        return None
    book = d.costs.get(m[2])
    return None if book is None else book.at(m[6], m[1], event)


def find_record(d: InventoryData, event: str) -> CostRecord | None:
    """The cost record of ``event`` (a move, landed cost or revaluation id), or ``None``."""
    found = d.by_event.get(event)
    return found if found is not None else move_record(d, event)


def own_record(d: InventoryData, r: CostRecord) -> bool:
    """True when ``r`` is the record of a stored move's own event, at that move's key."""
    m = find_move(d, r[3])
    return m is not None and m[2] == r[0] and m[6] == r[1] and m[1] == r[2]


def moves_after(moves: list[Move], day: date) -> list[Move]:
    """The moves dated after ``day``, in (date, seq) order (a slice: no scan of the rest)."""
    return moves[bisect.bisect_right(moves, (day, _LAST), key=_MOVE_KEY):]


def quantity_as_of(d: InventoryData, sku: str, location: str, lot: str | None,
                   day: date) -> Decimal:
    """The quantity at one location (of one lot, or all) over moves dated on or before
    ``day``: the per-day route totals through it, summed (no scan of moves)."""
    total = Decimal(0)
    for key, sign in d.touching.get((sku, location), ()):
        if lot is None or key[3] == lot:
            value = d.routes[key].upto(day)
            total = total + value if sign > 0 else total - value
    return total


def lowest_after(d: InventoryData, sku: str, location: str, lot: str, day: date) -> Decimal:
    """The lowest quantity of (sku, location, lot) from the end of ``day`` on: at the end of
    each later day, and after each later done move (reads only what follows ``day``)."""
    changes: dict[date, Decimal] = {}
    for key, sign in d.touching.get((sku, location), ()):
        if key[3] == lot:
            for when, q in d.routes[key].per_day.items():
                if when > day:
                    changes[when] = changes.get(when, _ZERO) + (q if sign > 0 else -q)
    start = low = running = quantity_as_of(d, sku, location, lot, day)
    for when in sorted(changes):  # the end of each later day
        running += changes[when]
        if running < low:
            low = running
    running = start  # and every point between: after each later done move
    for m in moves_after(d.done.get(sku, []), day):
        if (m[9] or "") != lot:
            continue
        if m[5] == location:
            running += m[3]
        elif m[4] == location:
            running -= m[3]
            if running < low:
                low = running
    return low


class Series:
    """A running total with per-day totals (written directly, then announced with
    :meth:`moved`); prefix sums for as-of reads are rebuilt lazily, once after writes."""

    __slots__ = ("cum", "days", "dirty", "last", "per_day", "total", "zero")

    def __init__(self, zero: Any) -> None:
        self.zero = zero
        self.total = zero
        self.per_day: dict[date, Any] = {}
        self.days: list[date] = []
        self.cum: list[Any] = []
        self.dirty = False
        self.last = date.min

    def moved(self, amount: Any, latest: date) -> None:
        """Account for ``amount`` added to the per-day rows directly, up to day ``latest``."""
        self.total += amount
        self.dirty = True
        if latest > self.last:
            self.last = latest

    def _build(self) -> None:
        self.days = sorted(self.per_day)
        cum = []
        running = self.zero
        for d in self.days:
            running = running + self.per_day[d]
            cum.append(running)
        self.cum = cum
        self.dirty = False

    def upto(self, day: date | None) -> Any:
        if day is None or day >= self.last:
            return self.total
        if self.dirty:
            self._build()
        i = bisect.bisect_right(self.days, day)
        return self.cum[i - 1] if i else self.zero


class OpenMoves(dict[str, Move]):
    """The open (draft or reserved) moves by id, and by item (``of(sku)``): the open moves
    of one item are found without a pass over every open move of the book.

    Example:
        >>> from backoffice_core.inventory.moves import MoveKind
        >>> m = Move("m1", 1, "WID", Decimal(1), "WH", "customer", date(2026, 2, 2),
        ...          MoveKind.DELIVERY, MoveState.RESERVED)
        >>> o = OpenMoves()
        >>> o["m1"] = m
        >>> o.of("WID") == [m], o.pop("m1") is m, o.of("WID"), o.by_sku
        (True, True, [], {})
    """

    def __init__(self) -> None:
        super().__init__()
        self.by_sku: dict[str, dict[str, Move]] = {}

    def __setitem__(self, move_id: str, move: Move) -> None:
        self.pop(move_id, None)
        super().__setitem__(move_id, move)
        self.by_sku.setdefault(move.sku, {})[move_id] = move

    def pop(self, move_id: str, default: Any = None) -> Any:
        """Remove the move ``move_id`` (``default`` when it is not open)."""
        move = super().pop(move_id, None)
        if move is None:
            return default
        of_sku = self.by_sku[move.sku]
        del of_sku[move_id]
        if not of_sku:
            del self.by_sku[move.sku]
        return move

    def of(self, sku: str) -> list[Move]:
        """The open moves of ``sku``, in the order they were opened."""
        return list(self.by_sku.get(sku, {}).values())


class InventoryData:
    """Everything one book's inventory holds (an attribute of the memory store's book)."""

    def __init__(self) -> None:
        self.seq = 0
        self.units: dict[str, Unit] = {}
        self.items: dict[str, Item] = {}
        self.locations: dict[str, Location] = {}
        self.lots: dict[tuple[str, str], Lot] = {}
        self.moves: dict[str, Move] = {}  # moves stored one by one
        # moves stored in bulk (append_done): ids ascending, each batch above top_id
        self.bulk_ids: list[str] = []
        self.bulk_moves: list[Move] = []
        self.top_id = ""  # no stored move id is greater (only ever raised)
        self.done: dict[str, list[Move]] = {}  # sku -> done moves in (date, seq) order
        self.open = OpenMoves()
        self.returns: dict[str, list[str]] = {}
        self.totals: dict[tuple[str, str, str], Decimal] = {}
        self.lots_at: dict[tuple[str, str], list[str]] = {}
        self.last: dict[tuple[str, str, str], date] = {}
        self.routes: dict[tuple[str, str, str, str], Series] = {}
        self.touching: dict[tuple[str, str], list[tuple[tuple[str, str, str, str], int]]] = {}
        self.reserved: dict[tuple[str, str], Decimal] = {}
        self.states: dict[str, CostState] = {}
        self.costs: dict[str, CostBook] = {}
        # the records of events other than a done move's own: a move's own record (its
        # event the move's id, at the move's item, date and seq) is found by that key
        self.by_event: dict[str, CostRecord] = {}
        self.counts: dict[str, Count] = {}
        self.rules: dict[tuple[str, str], ReorderRule] = {}
