"""One item's cost records in the in-memory inventory, in key order, with prefix sums.

A record's place is one int, :func:`record_key` (day ordinal and sequence number), which
compares faster and keeps smaller than a tuple. A run appended in bulk keeps no keys: a
search goes over its records by (day, seq), and only a use that wants many searches (a
large replacement) computes them. Used by
:class:`~backoffice_core.adapters.memory_inventory.MemoryInventoryRepository`, which
records an undo step for every change it makes.

Example:
    >>> from backoffice_core.inventory.valuation import CostKind, CostRecord
    >>> book = CostBook()
    >>> book.add(CostRecord("WID", date(2026, 2, 2), 1, "m1", CostKind.IN, 5, value=500))
    >>> book.upto(None), book.upto(date(2026, 2, 1))
    ((5, 500), (0, 0))
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from datetime import date
from itertools import compress, repeat
from operator import add, is_, is_not, itemgetter, le, lshift, lt
from typing import Any, cast

from backoffice_core.adapters.memory_inventory_data import InventoryData, find_move
from backoffice_core.errors import DuplicateError
from backoffice_core.inventory.moves import Move
from backoffice_core.inventory.valuation import CostKind, CostRecord

__all__ = ["KEY_SHIFT", "PLACE", "SEARCH_COST", "CostBook", "record_key"]

KEY_SHIFT = _SHIFT = 48  # a record's place as one int: (day ordinal << 48) + seq
_DAY_LAST = (1 << _SHIFT) - 1
SEARCH_COST = 8  # a search by place costs about as much as computing this many keys


def record_key(day: date, seq: int) -> int:
    """The (day, seq) order of cost records as one int (compares faster, keeps smaller).

    Example:
        >>> record_key(date(2026, 2, 2), 7) < record_key(date(2026, 2, 3), 1)
        True
    """
    return (day.toordinal() << _SHIFT) + min(seq, _DAY_LAST)


_ID, _SEQ, _SKU, _DATE = itemgetter(0), itemgetter(1), itemgetter(2), itemgetter(6)  # of a Move
_DAY, _RSEQ = itemgetter(1), itemgetter(2)  # of a CostRecord
# a record's (day, seq): in the order of its key (seq <= _DAY_LAST), without computing it
PLACE = _PLACE = itemgetter(1, 2)
_INCOMING = (CostKind.IN, CostKind.RETURN_IN)
_OUTGOING = (CostKind.OUT, CostKind.RETURN_OUT)
_IN, _OUT = CostKind.IN, CostKind.OUT


class CostBook:
    """One item's cost records in key order, the keys of the snapshot records, and prefix
    sums of the records' (quantity, value) for as-of valuations (valid up to ``clean``)."""

    __slots__ = ("_keys", "clean", "cum_q", "cum_v", "quantity", "records", "snaps", "value")

    def __init__(self) -> None:
        # record_key of each record: of the first records only, after an append (see keys);
        # the records after them (the tail) have seqs <= _DAY_LAST, searched by _PLACE
        self._keys: list[int] = []
        self.records: list[CostRecord] = []
        self.snaps: list[int] = []
        self.cum_q: list[int] = []
        self.cum_v: list[int] = []
        self.clean = 0
        self.quantity = 0
        self.value = 0

    @property
    def keys(self) -> list[int]:
        """:func:`record_key` of each record. A run appended by :meth:`append_run` gets its
        keys here, when they are first read (a bulk load may never need them; a search,
        :meth:`index`, goes over the records past the kept keys without them)."""
        keys = self._keys
        if len(keys) < len(self.records):
            rest = self.records[len(keys):]
            keys.extend(map(add, map(lshift, map(date.toordinal, map(_DAY, rest)),
                                     repeat(_SHIFT)), map(_RSEQ, rest)))
        return keys

    @property
    def kept(self) -> list[int]:
        """The keys kept so far: those of the first records (see :attr:`keys`)."""
        return self._keys

    def keys_for(self, searches: int) -> list[int]:
        """The kept keys, or all of them if ``searches`` searches past the kept ones (by
        place, see :meth:`index`) would cost more than computing the missing keys."""
        if searches * SEARCH_COST > len(self.records) - len(self._keys):
            return self.keys
        return self._keys

    def index(self, key: int, lo: int = 0, right: bool = False) -> int:
        """Where ``key`` goes among the records from index ``lo`` on, as ``bisect_left`` (or
        ``bisect_right`` if ``right``) over :attr:`keys`, without computing the keys of a
        run appended by :meth:`append_run`: those records are searched by (day, seq)."""
        keys = self._keys
        n = len(keys)
        find = bisect.bisect_right if right else bisect.bisect_left
        if lo < n and (key < keys[-1] or key == keys[-1] and not right):
            return find(keys, key, lo)
        if n == len(self.records):
            return find(keys, key, lo)
        return find(self.records, (date.fromordinal(key >> _SHIFT), key & _DAY_LAST),
                    max(lo, n), key=_PLACE)

    def seek(self, key: int, lo: int) -> int:
        """:meth:`index` of ``key``, searching from ``lo`` unless the record at ``lo`` is
        past ``key`` (records visited in key order search forward only)."""
        if lo < len(self.records):
            at = self.key_at(lo)
            if at == key:  # (the caller mostly knows the place)
                return lo
            if at < key:
                return self.index(key, lo)
        return self.index(key)

    def key_at(self, i: int) -> int:
        """:func:`record_key` of the record at index ``i`` (computed if not kept)."""
        keys = self._keys
        if i < len(keys):
            return keys[i]
        r = self.records[i]
        return record_key(r[1], r[2])

    def touched(self, index: int) -> None:
        """Prefix sums from ``index`` on must be rebuilt."""
        if index < self.clean:
            self.clean = index
            del self.cum_q[index:]
            del self.cum_v[index:]

    def append_run(self, run: Sequence[CostRecord], d: InventoryData,
                   columns: list[tuple[Any, ...]] | None = None) -> bool:
        """Append ``run`` (records of this item) at the end, at C speed, when its keys rise
        strictly after the last one and every record is its stored move's own (found by
        key, see :class:`InventoryData`) and new; else change nothing. ``columns``: the
        run's fields column by column, if the caller has them."""
        if columns is None:
            columns = list(zip(*run, strict=True))  # the fields, column by column
        days, seqs, events = columns[1], columns[2], columns[3]
        if max(seqs) > _DAY_LAST:
            return False
        records = self.records
        if records and record_key(days[0], seqs[0]) <= record_key(records[-1][1],
                                                                  records[-1][2]):
            return False
        if d.by_event and not d.by_event.keys().isdisjoint(events):
            return False
        # each record's move: mostly the item's latest done moves (no lookup by id then)
        found = d.done.get(columns[0][0], [])[-len(run):]
        indexed = tuple(map(_ID, found)) == events  # (that index is in key order)
        if not indexed:
            found = cast(list[Move], [find_move(d, e) for e in events])
            if not (all(found) and tuple(map(_SKU, found)) == columns[0]):
                return False
        if tuple(map(_SEQ, found)) != seqs or tuple(map(_DATE, found)) != days:
            return False  # (a record at a move's key holds the only record of its event)
        # keys rise strictly: seqs rising on days in order say so without the keys
        if not (all(map(lt, seqs, seqs[1:])) and (indexed or all(map(le, days, days[1:])))):
            keys = list(map(add, map(lshift, map(date.toordinal, days), repeat(_SHIFT)), seqs))
            if not all(map(lt, keys, keys[1:])):
                return False
        records.extend(run)
        snapped = compress(range(len(run)), map(is_not, columns[15], repeat(None)))
        self.snaps.extend(record_key(days[i], seqs[i]) for i in snapped)
        kinds, steps = columns[4], columns[5]
        if kinds.count(_IN) + kinds.count(_OUT) == len(kinds):  # only ins and outs: one pass
            out = sum(compress(steps, map(is_, kinds, repeat(_OUT))))  # (no slot wrapper)
            self.quantity += sum(steps) - out - out
        else:
            out = sum(compress(steps, map(_OUTGOING.__contains__, kinds)))
            self.quantity += sum(compress(steps, map(_INCOMING.__contains__, kinds))) - out
        self.value += sum(columns[12])
        return True

    def at(self, day: date, seq: int, event: str) -> CostRecord | None:
        """The record at (day, seq) if it is the record of ``event``, else ``None``."""
        key = record_key(day, seq)
        i = self.index(key)
        if i < len(self.records) and self.key_at(i) == key and self.records[i][3] == event:
            return self.records[i]
        return None

    def add(self, r: CostRecord) -> None:
        """Insert one record in key order; a taken key raises ``DuplicateError`` (events
        are checked by the caller)."""
        records = self.records
        key = record_key(r[1], r[2])
        i = len(records)
        if records and key <= self.key_at(i - 1):
            i = self.index(key)
            if i < len(records) and self.key_at(i) == key:
                raise DuplicateError("cost record key already taken", field="seq",
                                     value=r.seq)
            self.touched(i)
        keys = self._keys
        if r[2] > _DAY_LAST and len(keys) <= i and len(keys) < len(records):
            keys = self.keys  # past the kept keys, each seq fits in a day: keep them all
        if i < len(keys) or len(keys) == len(records):
            keys.insert(i, key)
        records.insert(i, r)
        self.quantity += r.signed_quantity
        self.value += r.value
        if r.snapshot is not None:
            bisect.insort(self.snaps, key)

    def remove(self, r: CostRecord) -> None:
        """Take a record out (the undo of :meth:`add` and :meth:`append_run`)."""
        key = record_key(r[1], r[2])
        records = self.records
        i = len(records) - 1  # undo takes records out from the last one added
        if records[i] is not r:
            i = self.index(key)
        self.touched(i)
        if i < len(self._keys):
            del self._keys[i]
        del records[i]
        self.quantity -= r.signed_quantity
        self.value -= r.value
        if r.snapshot is not None:
            del self.snaps[bisect.bisect_left(self.snaps, key)]

    def swap(self, old: CostRecord, new: CostRecord, lo: int,
             by_event: dict[str, CostRecord]) -> int:
        """Put ``new`` in the place of ``old`` (the same key), searching from index ``lo``
        (records replaced in key order search forward only); returns the index."""
        key = record_key(old[1], old[2])
        i = self.seek(key, lo)
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
        if by_event.get(new[3]) is old:
            by_event[new[3]] = new
        return i

    def upto(self, day: date | None) -> tuple[int, int]:
        if day is None:
            return (self.quantity, self.value)
        n = self.index(record_key(day, _DAY_LAST), right=True)
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
