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
from datetime import date
from decimal import Decimal
from typing import Any

from backoffice_core.inventory.counts import Count
from backoffice_core.inventory.items import Item
from backoffice_core.inventory.locations import Location
from backoffice_core.inventory.lots import Lot
from backoffice_core.inventory.moves import Move
from backoffice_core.inventory.replenishment import ReorderRule
from backoffice_core.inventory.units import Unit
from backoffice_core.inventory.valuation import CostRecord, CostState

__all__ = ["CostBook", "InventoryData", "Series"]

Key = tuple[date, int]
_LAST = 2**62


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
        self.keys: list[Key] = []
        self.records: list[CostRecord] = []
        self.snaps: list[Key] = []
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

    def upto(self, day: date | None) -> tuple[int, int]:
        if day is None:
            return (self.quantity, self.value)
        n = bisect.bisect_right(self.keys, (day, _LAST))
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
