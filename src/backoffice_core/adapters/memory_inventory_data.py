"""The data of the in-memory inventory: per-day series, cost books, and one book's tables.

Used by :class:`~backoffice_core.adapters.memory_inventory.MemoryInventoryRepository`,
which records an undo step for every change it makes to them.

Example:
    >>> from datetime import date
    >>> s = Series(0)
    >>> s.add(date(2026, 2, 2), 5), s.add(date(2026, 2, 1), 3), s.upto(date(2026, 2, 1))
    (True, True, 3)
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from itertools import compress, repeat
from operator import is_not, itemgetter, lt
from typing import Any

from backoffice_core.errors import DuplicateError
from backoffice_core.inventory.counts import Count
from backoffice_core.inventory.items import Item
from backoffice_core.inventory.locations import Location
from backoffice_core.inventory.lots import Lot
from backoffice_core.inventory.moves import Move
from backoffice_core.inventory.replenishment import ReorderRule
from backoffice_core.inventory.units import Unit
from backoffice_core.inventory.valuation import CostKind, CostRecord, CostState

__all__ = ["KEY_SHIFT", "CostBook", "InventoryData", "Series", "index_move", "lowest_after",
           "moves_after", "quantity_as_of", "record_key", "unindex_move"]

_LAST = 2**62
KEY_SHIFT = _SHIFT = 48  # a record's place as one int: (day ordinal << 48) + seq
_DAY_LAST = (1 << _SHIFT) - 1


def record_key(day: date, seq: int) -> int:
    """The (day, seq) order of cost records as one int (compares faster, keeps smaller).

    Example:
        >>> record_key(date(2026, 2, 2), 7) < record_key(date(2026, 2, 3), 1)
        True
    """
    return (day.toordinal() << _SHIFT) + min(seq, _DAY_LAST)
_MOVE_KEY = itemgetter(6, 1)  # (date, seq) of a Move
_ZERO = Decimal(0)
_INCOMING = (CostKind.IN, CostKind.RETURN_IN)
_OUTGOING = (CostKind.OUT, CostKind.RETURN_OUT)


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
    """A running total with per-day totals; prefix sums (for as-of reads) rebuilt lazily.

    Writes are O(1); the first as-of read after writes sorts the days once.
    """

    __slots__ = ("cum", "days", "dirty", "last", "per_day", "total", "zero")

    def __init__(self, zero: Any) -> None:
        self.zero = zero
        self.total = zero
        self.per_day: dict[date, Any] = {}
        self.days: list[date] = []
        self.cum: list[Any] = []
        self.dirty = False
        self.last = date.min

    def add(self, day: date, amount: Any) -> bool:
        """Add ``amount`` on ``day``; True when ``day`` had no row before."""
        self.total += amount
        per_day = self.per_day
        row = per_day.get(day)
        self.dirty = True
        if row is None:
            per_day[day] = amount
            if day > self.last:
                self.last = day
            return True
        per_day[day] = row + amount
        return False

    def moved(self, amount: Any, latest: date) -> None:
        """Account for ``amount`` added to the per-day rows directly, up to day ``latest``."""
        self.total += amount
        self.dirty = True
        if latest > self.last:
            self.last = latest

    def remove(self, day: date) -> None:
        """Forget a day's row (undo of the unit of work that created it)."""
        del self.per_day[day]
        self.last = max(self.per_day, default=date.min)
        self.dirty = True

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

    def lowest_from(self, day: date) -> Any:
        """The lowest as-of total on ``day`` or any later day."""
        if day >= self.last:
            return self.total
        if self.dirty:
            self._build()
        i = bisect.bisect_right(self.days, day)
        low = self.cum[i - 1] if i else self.zero
        for value in self.cum[i:]:
            if value < low:
                low = value
        return low


class CostBook:
    """One item's cost records in key order, the keys of the snapshot records, and prefix
    sums of the records' (quantity, value) for as-of valuations (valid up to ``clean``)."""

    __slots__ = ("clean", "cum_q", "cum_v", "keys", "quantity", "records", "snaps", "value")

    def __init__(self) -> None:
        self.keys: list[int] = []  # record_key of each record
        self.records: list[CostRecord] = []
        self.snaps: list[int] = []
        self.cum_q: list[int] = []
        self.cum_v: list[int] = []
        self.clean = 0
        self.quantity = 0
        self.value = 0

    def touched(self, index: int) -> None:
        """Prefix sums from ``index`` on must be rebuilt."""
        if index < self.clean:
            self.clean = index
            del self.cum_q[index:]
            del self.cum_v[index:]

    def append_run(self, run: Sequence[CostRecord], by_event: dict[str, CostRecord]) -> bool:
        """Append ``run`` (records of this item) at the end, at C speed, when its keys rise
        strictly after the last one and its events are all new; else change nothing."""
        columns = list(zip(*run, strict=True))  # the fields, column by column
        if max(columns[2]) > _DAY_LAST:
            return False
        keys = [(day << _SHIFT) + seq
                for day, seq in zip(map(date.toordinal, columns[1]), columns[2], strict=True)]
        events = columns[3]
        if ((self.keys and keys[0] <= self.keys[-1]) or not all(map(lt, keys, keys[1:]))
                or len(set(events)) != len(events) or not by_event.keys().isdisjoint(events)):
            return False
        self.keys.extend(keys)
        self.records.extend(run)
        self.snaps.extend(compress(keys, map(is_not, columns[15], repeat(None))))
        kinds, steps = columns[4], columns[5]
        self.quantity += (sum(compress(steps, map(_INCOMING.__contains__, kinds)))
                          - sum(compress(steps, map(_OUTGOING.__contains__, kinds))))
        self.value += sum(columns[12])
        by_event.update(zip(events, run, strict=True))
        return True

    def add(self, r: CostRecord, by_event: dict[str, CostRecord]) -> None:
        """Insert one record in key order; a taken event or key raises ``DuplicateError``."""
        keys = self.keys
        key = record_key(r[1], r[2])
        if r.event in by_event:
            raise DuplicateError("cost record of this event already exists", field="event",
                                 value=r.event)
        i = len(keys)
        if keys and key <= keys[-1]:
            i = bisect.bisect_left(keys, key)
            if i < len(keys) and keys[i] == key:
                raise DuplicateError("cost record key already taken", field="seq",
                                     value=r.seq)
            self.touched(i)
        keys.insert(i, key)
        self.records.insert(i, r)
        self.quantity += r.signed_quantity
        self.value += r.value
        if r.snapshot is not None:
            bisect.insort(self.snaps, key)
        by_event[r.event] = r

    def remove(self, r: CostRecord) -> None:
        """Take a record out (the undo of :meth:`add` and :meth:`append_run`)."""
        key = record_key(r[1], r[2])
        i = bisect.bisect_left(self.keys, key)
        self.touched(i)
        del self.keys[i]
        del self.records[i]
        self.quantity -= r.signed_quantity
        self.value -= r.value
        if r.snapshot is not None:
            del self.snaps[bisect.bisect_left(self.snaps, key)]

    def swap(self, old: CostRecord, new: CostRecord, lo: int,
             by_event: dict[str, CostRecord]) -> int:
        """Put ``new`` in the place of ``old`` (the same key), searching from index ``lo``
        (records replaced in key order search forward only); returns the index."""
        keys = self.keys
        key = record_key(old[1], old[2])
        if lo >= len(keys) or keys[lo] > key:
            lo = 0
        i = bisect.bisect_left(keys, key, lo)
        if i < self.clean:
            self.touched(i)
        self.records[i] = new
        if old[4] is not new[4] or old[5] != new[5]:
            self.quantity += new.signed_quantity - old.signed_quantity
        self.value += new[12] - old[12]
        if (old[15] is None) is not (new[15] is None):
            if new[15] is None:
                del self.snaps[bisect.bisect_left(self.snaps, key)]
            else:
                bisect.insort(self.snaps, key)
        by_event[new[3]] = new
        return i

    def upto(self, day: date | None) -> tuple[int, int]:
        if day is None:
            return (self.quantity, self.value)
        n = bisect.bisect_right(self.keys, record_key(day, _DAY_LAST))
        if n > self.clean:
            q = self.cum_q[-1] if self.cum_q else 0
            v = self.cum_v[-1] if self.cum_v else 0
            for r in self.records[self.clean:n]:
                q += r.signed_quantity
                v += r.value
                self.cum_q.append(q)
                self.cum_v.append(v)
            self.clean = n
        return (self.cum_q[n - 1], self.cum_v[n - 1]) if n else (0, 0)


class InventoryData:
    """Everything one book's inventory holds (an attribute of the memory store's book)."""

    def __init__(self) -> None:
        self.seq = 0
        self.units: dict[str, Unit] = {}
        self.items: dict[str, Item] = {}
        self.locations: dict[str, Location] = {}
        self.lots: dict[tuple[str, str], Lot] = {}
        self.moves: dict[str, Move] = {}
        self.done: dict[str, list[Move]] = {}  # sku -> done moves in (date, seq) order
        self.open: dict[str, Move] = {}
        self.returns: dict[str, list[str]] = {}
        self.totals: dict[tuple[str, str, str], Decimal] = {}
        self.lots_at: dict[tuple[str, str], list[str]] = {}
        self.last: dict[tuple[str, str, str], date] = {}
        self.routes: dict[tuple[str, str, str, str], Series] = {}
        self.touching: dict[tuple[str, str], list[tuple[tuple[str, str, str, str], int]]] = {}
        self.reserved: dict[tuple[str, str], Decimal] = {}
        self.states: dict[str, CostState] = {}
        self.costs: dict[str, CostBook] = {}
        self.by_event: dict[str, CostRecord] = {}
        self.counts: dict[str, Count] = {}
        self.rules: dict[tuple[str, str], ReorderRule] = {}
