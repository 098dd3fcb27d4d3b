"""The inventory repository over SQL: :class:`SqlInventoryRepository`.

It mirrors the reference adapter (:mod:`backoffice_core.adapters.memory_inventory`)
method by method, inside the unit of work's transaction, every statement scoped
by the book (see :mod:`backoffice_core.adapters.sql.ledger` for the pattern).

* ``allocate_seq`` makes the unit of work the book's writer (the lock the
  ledger's writers take too) and bumps ``inv_heads`` with ``seq = seq + n``.
* Quantities: ``apply_quantities`` merges the deltas per (route, day) and per
  (item, location, lot) in Python, then upserts ``inv_route_days`` and
  ``inv_quantities`` with ``x = x + excluded.x`` in two ``executemany`` calls (one
  ``unnest`` statement each on PostgreSQL). As-of quantities are sums of the
  per-day route rows of one location, never a scan of the moves; the lowest quantity
  after a backdated day also reads that item's done moves after the day (through the
  index on (book, sku, move_date, seq)).
* Valuation: cost records go in with ``executemany``; ``inv_value_days`` keeps
  per-(item, day) sums of steps and value, maintained by ``add_cost_records`` and
  ``replace_cost_records``, so ``value`` as of a day reads that table only.
* Bulk inserts run under a savepoint: a refused duplicate leaves nothing of the
  batch behind and names the offending field and value, like the reference.

Example:
    >>> from backoffice_core.adapters.sql import SqlStore
    >>> with SqlStore("sqlite://")("acme") as uow:
    ...     uow.inventory.get_item("WID") is None, uow.inventory.allocate_seq(3)
    (True, 1)
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from backoffice_core.adapters.sql import inventory_tables as t
from backoffice_core.adapters.sql.bulk import BulkInsert
from backoffice_core.adapters.sql.guards import check_text
from backoffice_core.adapters.sql.inventory_mappers import (
    COUNT_COLUMNS,
    ITEM_COLUMNS,
    LOCATION_COLUMNS,
    MOVE_COLUMNS,
    RULE_COLUMNS,
    as_date,
    as_decimal,
    check_nano,
    count_row,
    from_nano,
    item_row,
    location_row,
    move_row,
    row_to_count,
    row_to_item,
    row_to_location,
    row_to_lot,
    row_to_move,
    row_to_rule,
    row_to_unit,
    rule_row,
    to_nano,
)
from backoffice_core.adapters.sql.inventory_valuation import (
    SqlInventoryValuation,
    columns,
    insert,
)
from backoffice_core.errors import (
    BackofficeError,
    ConcurrencyError,
    DuplicateError,
    NotFoundError,
)
from backoffice_core.inventory.counts import Count
from backoffice_core.inventory.items import Item
from backoffice_core.inventory.locations import Location
from backoffice_core.inventory.lots import Lot
from backoffice_core.inventory.moves import Move, QuantityDelta
from backoffice_core.inventory.replenishment import ReorderRule
from backoffice_core.inventory.repository import StockRow
from backoffice_core.inventory.units import Unit

if TYPE_CHECKING:
    pass

__all__ = ["SqlInventoryRepository"]
_ZERO = Decimal(0)

_INSERT_MOVES = BulkInsert(t.moves, ("book", *MOVE_COLUMNS))
_UPSERT_ROUTE = BulkInsert(
    t.route_days, ("book", "sku", "source", "destination", "lot", "day", "quantity"),
    " ON CONFLICT (book, sku, source, destination, lot, day) DO UPDATE SET "
    "quantity = inv_route_days.quantity + excluded.quantity")
_UPSERT_QUANTITY = BulkInsert(
    t.quantities, ("book", "sku", "location", "lot", "quantity", "last_day"),
    " ON CONFLICT (book, sku, location, lot) DO UPDATE SET "
    "quantity = inv_quantities.quantity + excluded.quantity, last_day = CASE WHEN "
    "excluded.last_day > inv_quantities.last_day THEN excluded.last_day "
    "ELSE inv_quantities.last_day END")
_UPSERT_RESERVED = BulkInsert(
    t.reserved, ("book", "sku", "location", "quantity"),
    " ON CONFLICT (book, sku, location) DO UPDATE SET "
    "quantity = inv_reserved.quantity + excluded.quantity")
_UPSERT_HEAD = insert("inv_heads", ("book", "seq"),
                       " ON CONFLICT (book) DO UPDATE SET seq = inv_heads.seq + excluded.seq")
_INSERT_UNIT = insert("inv_units", ("book", "code", "name", "category", "factor", "precision"),
                       " ON CONFLICT (book, code) DO NOTHING")
_INSERT_ITEM = insert("inv_items", ("book", *ITEM_COLUMNS),
                      " ON CONFLICT (book, sku) DO NOTHING")
_INSERT_LOCATION = insert("inv_locations", ("book", *LOCATION_COLUMNS),
                           " ON CONFLICT (book, code) DO NOTHING")
_INSERT_LOT = insert("inv_lots", ("book", "sku", "code", "expiry"),
                      " ON CONFLICT (book, sku, code) DO NOTHING")
_INSERT_COUNT = insert("inv_counts", ("book", *COUNT_COLUMNS),
                        " ON CONFLICT (book, id) DO NOTHING")
_INSERT_RULE = insert("inv_reorder_rules", ("book", *RULE_COLUMNS),
                       " ON CONFLICT (book, sku, location) DO NOTHING")
_MOVES = f"SELECT {columns(MOVE_COLUMNS)} FROM inv_moves WHERE book = ?"


class SqlInventoryRepository(SqlInventoryValuation):
    """The inventory port on SQL tables, scoped to its unit of work's book.

    Example:
        >>> from backoffice_core.adapters.sql import SqlStore
        >>> with SqlStore("sqlite://")("acme") as uow:
        ...     uow.inventory.stock(), uow.inventory.reserved("WID", "WH")
        ([], Decimal('0'))
    """

    # ------------------------------------------------------------------ sequence
    def allocate_seq(self, count: int) -> int:
        self._write(_UPSERT_HEAD, (self._book, count), "allocating move numbers")
        rows = self._read("SELECT seq FROM inv_heads WHERE book = ?", (self._book,))
        return int(rows[0][0]) - count + 1

    # ------------------------------------------------------------------ units
    def get_unit(self, code: str) -> Unit | None:
        rows = self._read("SELECT code, name, category, factor, precision FROM inv_units "
                          "WHERE book = ? AND code = ?", (self._book, code))
        return row_to_unit(rows[0]) if rows else None

    def add_unit(self, unit: Unit) -> None:
        self._keys(code=unit.code)
        self._new(_INSERT_UNIT, (unit.code, unit.name, unit.category, self._dec(unit.factor),
                                 unit.precision), "unit", "code", unit.code)

    def list_units(self) -> list[Unit]:
        rows = self._read("SELECT code, name, category, factor, precision FROM inv_units "
                          "WHERE book = ?", (self._book,))
        return sorted((row_to_unit(r) for r in rows), key=lambda u: u.code)

    # ------------------------------------------------------------------ items
    def get_item(self, sku: str) -> Item | None:
        rows = self._read(f"SELECT {columns(ITEM_COLUMNS)} FROM inv_items WHERE book = ? "
                          "AND sku = ?", (self._book, sku))
        return row_to_item(rows[0]) if rows else None

    def add_item(self, item: Item) -> None:
        self._keys(sku=item.sku, unit=item.unit)
        self._new(_INSERT_ITEM, item_row(item, self._dec), "item", "sku", item.sku)

    def update_item(self, item: Item, expected_version: int) -> None:
        self._keys(sku=item.sku, unit=item.unit)
        self._versioned("inv_items", ITEM_COLUMNS, item_row(item, self._dec), "sku", item.sku,
                        expected_version, "sku", "item")

    def list_items(self) -> list[Item]:
        rows = self._read(f"SELECT {columns(ITEM_COLUMNS)} FROM inv_items WHERE book = ?",
                          (self._book,))
        return sorted((row_to_item(r) for r in rows), key=lambda i: i.sku)

    # ------------------------------------------------------------------ locations
    def get_location(self, code: str) -> Location | None:
        rows = self._read(f"SELECT {columns(LOCATION_COLUMNS)} FROM inv_locations "
                          "WHERE book = ? AND code = ?", (self._book, code))
        return row_to_location(rows[0]) if rows else None

    def add_location(self, location: Location) -> None:
        self._keys(code=location.code, parent=location.parent)
        self._new(_INSERT_LOCATION, location_row(location), "location", "code", location.code)

    def list_locations(self) -> list[Location]:
        rows = self._read(f"SELECT {columns(LOCATION_COLUMNS)} FROM inv_locations "
                          "WHERE book = ?",
                          (self._book,))
        return sorted((row_to_location(r) for r in rows), key=lambda x: x.code)

    # ------------------------------------------------------------------ lots
    def get_lot(self, sku: str, code: str) -> Lot | None:
        rows = self._read("SELECT sku, code, expiry FROM inv_lots WHERE book = ? AND sku = ? "
                          "AND code = ?", (self._book, sku, code))
        return row_to_lot(rows[0]) if rows else None

    def add_lot(self, lot: Lot) -> None:
        self._keys(sku=lot.sku, lot=lot.code)
        expiry = None if lot.expiry is None else self._day(lot.expiry)
        self._new(_INSERT_LOT, (lot.sku, lot.code, expiry), "lot", "lot", (lot.sku, lot.code))

    def list_lots(self, sku: str) -> list[Lot]:
        rows = self._read("SELECT sku, code, expiry FROM inv_lots WHERE book = ? AND sku = ?",
                          (self._book, sku))
        return sorted((row_to_lot(r) for r in rows), key=lambda x: x.code)

    # ------------------------------------------------------------------ moves
    def add_moves(self, moves: Sequence[Move]) -> None:
        if not moves:
            return
        if self._strict:
            for m in moves:
                self._keys(id=m.id, sku=m.sku, source=m.source, destination=m.destination,
                           lot=m.lot, origin=m.origin)
                check_text("reference", m.reference, strict=True)
        book, day, dec = self._book, self._day, self._dec
        rows = [(book, *move_row(m, day, dec)) for m in moves]

        def diagnose() -> BackofficeError:
            taken = self._taken("inv_moves", "id", (m.id for m in moves))
            seen: set[str] = set()
            for m in moves:
                if m.id in taken or m.id in seen:
                    return DuplicateError("move id already exists", field="id", value=m.id)
                seen.add(m.id)
            return DuplicateError("move already exists", field="id", value=None)

        self._bulk("adding moves", lambda c: _INSERT_MOVES.run(c, rows, self._pg), diagnose)

    def get_move(self, move_id: str) -> Move | None:
        rows = self._read(f"{_MOVES} AND id = ?", (self._book, move_id))
        return row_to_move(rows[0]) if rows else None

    def update_move(self, move: Move, expected_version: int) -> None:
        self._keys(id=move.id)
        self._versioned("inv_moves", MOVE_COLUMNS, move_row(move, self._day, self._dec), "id",
                        move.id, expected_version, "move_id", "move")

    def iter_moves(self, sku: str | None = None, start: date | None = None,
                   end: date | None = None) -> Iterator[Move]:
        cond, params = [_MOVES], [self._book]
        for sql, value in (("sku = ?", sku), ("move_date >= ?", start),
                           ("move_date <= ?", end)):
            if value is not None:
                cond.append(sql)
                params.append(value if isinstance(value, str) else self._day(value))
        rows = self._read(" AND ".join(cond) + " ORDER BY move_date, seq", params)
        return iter([row_to_move(r) for r in rows])

    def open_moves(self, sku: str | None = None) -> list[Move]:
        sql = f"{_MOVES} AND state IN ('draft', 'reserved')"
        params: list[Any] = [self._book]
        if sku is not None:
            sql += " AND sku = ?"
            params.append(sku)
        return [row_to_move(r) for r in self._read(sql + " ORDER BY seq", params)]

    def returns_of(self, move_id: str) -> list[Move]:
        rows = self._read(f"{_MOVES} AND origin = ? ORDER BY seq", (self._book, move_id))
        return [row_to_move(r) for r in rows]

    # ------------------------------------------------------------------ quantities
    def apply_quantities(self, deltas: Iterable[QuantityDelta]) -> None:
        routes: dict[tuple[str, str, str, str, date], int] = {}
        totals: dict[tuple[str, str, str], list[Any]] = {}
        for sku, src, dst, lot, day, q in deltas:
            n = to_nano(q)
            key = (sku, src, dst, lot, day)
            routes[key] = routes.get(key, 0) + n
            for at, signed in (((sku, src, lot), -n), ((sku, dst, lot), n)):
                row = totals.get(at)
                if row is None:
                    totals[at] = [signed, day]
                else:
                    row[0] += signed
                    if day > row[1]:
                        row[1] = day
        if not routes:
            return
        if self._strict:
            for sku, src, dst, lot, _ in routes:
                self._keys(sku=sku, source=src, destination=dst, lot=lot)
        book, conv = self._book, self._day
        route_rows = [(book, s, a, b, lot, conv(d), check_nano(n))
                      for (s, a, b, lot, d), n in routes.items()]
        total_rows = [(book, s, loc, lot, check_nano(n), conv(d))
                      for (s, loc, lot), (n, d) in totals.items()]
        cursor = self._uow.writing()
        with self._uow.guard("updating quantities and the daily rollup", field="quantity"), \
                self._uow.batch():
            _UPSERT_ROUTE.run(cursor, route_rows, self._pg)
            _UPSERT_QUANTITY.run(cursor, total_rows, self._pg)

    def _as_of(self, sku: str, location: str, lot: str | None, day: date) -> Decimal:
        lot_cond = "" if lot is None else " AND lot = ?"
        extra = () if lot is None else (lot,)
        d = self._day(day)
        rows = self._read(
            "SELECT (SELECT SUM(quantity) FROM inv_route_days WHERE book = ? AND sku = ? AND "
            f"destination = ?{lot_cond} AND day <= ?), (SELECT SUM(quantity) FROM "
            f"inv_route_days WHERE book = ? AND sku = ? AND source = ?{lot_cond} AND day <= ?)",
            (self._book, sku, location, *extra, d, self._book, sku, location, *extra, d))
        came, went = rows[0] if rows else (0, 0)  # no row: a text no store can hold
        return from_nano(int(came or 0) - int(went or 0))

    def quantity(self, sku: str, location: str, lot: str | None = None,
                 day: date | None = None) -> Decimal:
        if day is not None:
            return self._as_of(sku, location, lot, day)
        sql = "SELECT SUM(quantity) FROM inv_quantities WHERE book = ? AND sku = ? AND location = ?"
        params: tuple[Any, ...] = (self._book, sku, location)
        if lot is not None:
            sql += " AND lot = ?"
            params += (lot,)
        rows = self._read(sql, params)
        return from_nano(rows[0][0] if rows else 0)  # no row: a text no store can hold

    def lowest_quantity(self, sku: str, location: str, lot: str, day: date) -> Decimal:
        rows = self._read("SELECT quantity, last_day FROM inv_quantities WHERE book = ? AND "
                          "sku = ? AND location = ? AND lot = ?", (self._book, sku, location, lot))
        if not rows:
            return _ZERO
        if day >= as_date(rows[0][1]):
            return from_nano(rows[0][0])
        changes = self._read(
            "SELECT day, SUM(CASE WHEN destination = ? THEN quantity ELSE 0 END) - "
            "SUM(CASE WHEN source = ? THEN quantity ELSE 0 END) FROM inv_route_days "
            "WHERE book = ? AND sku = ? AND lot = ? AND (source = ? OR destination = ?) "
            "AND day > ? GROUP BY day ORDER BY day",
            (location, location, self._book, sku, lot, location, location, self._day(day)))
        start = to_nano(self._as_of(sku, location, lot, day))
        low = running = start
        for _, change in changes:  # the end of each later day
            running += int(change)
            low = min(low, running)
        running = start  # and every point between: after each later done move
        for src, quantity in self._read(
                "SELECT source, quantity FROM inv_moves WHERE book = ? AND sku = ? AND "
                "move_date > ? AND state = 'done' AND COALESCE(lot, '') = ? AND "
                "(source = ? OR destination = ?) ORDER BY move_date, seq",
                (self._book, sku, self._day(day), lot, location, location)):
            n = to_nano(as_decimal(quantity) or _ZERO)
            if src == location:
                running -= n
                low = min(low, running)
            else:
                running += n
        return from_nano(low)

    def stock(self, sku: str | None = None, day: date | None = None) -> list[StockRow]:
        cond, params = "book = ?", [self._book]
        if sku is not None:
            cond += " AND sku = ?"
            params.append(sku)
        if day is None:
            rows = self._read(f"SELECT sku, location, lot, quantity FROM inv_quantities "
                              f"WHERE {cond} AND quantity <> 0", params)
            return [StockRow(s, loc, lot, from_nano(q)) for s, loc, lot, q in sorted(rows)]
        found: dict[tuple[str, str, str], int] = {}
        for column, sign in (("destination", 1), ("source", -1)):
            for s, loc, lot, q in self._read(
                    f"SELECT sku, {column}, lot, SUM(quantity) FROM inv_route_days WHERE {cond} "
                    f"AND day <= ? GROUP BY sku, {column}, lot", (*params, self._day(day))):
                found[(s, loc, lot)] = found.get((s, loc, lot), 0) + sign * int(q)
        return [StockRow(*k, from_nano(q)) for k, q in sorted(found.items()) if q]

    # ------------------------------------------------------------------ reservations
    def apply_reservations(self, deltas: Iterable[tuple[str, str, Decimal]]) -> None:
        merged: dict[tuple[str, str], int] = {}
        for sku, loc, qty in deltas:
            merged[(sku, loc)] = merged.get((sku, loc), 0) + to_nano(qty)
        if not merged:
            return
        for sku, loc in merged:
            self._keys(sku=sku, location=loc)
        rows = [(self._book, s, loc, check_nano(n)) for (s, loc), n in merged.items()]
        cursor = self._uow.writing()
        with self._uow.guard("updating reservations", field="quantity"), self._uow.batch():
            _UPSERT_RESERVED.run(cursor, rows, self._pg)

    def reserved(self, sku: str, location: str) -> Decimal:
        rows = self._read("SELECT quantity FROM inv_reserved WHERE book = ? AND sku = ? AND "
                          "location = ?", (self._book, sku, location))
        return from_nano(rows[0][0] if rows else 0)

    # ------------------------------------------------------------------ counts
    def add_count(self, count: Count) -> None:
        self._keys(count_id=count.id, location=count.location)
        self._new(_INSERT_COUNT, count_row(count, self._day, self._dec), "count", "count_id",
                  count.id)

    def get_count(self, count_id: str) -> Count | None:
        rows = self._read(f"SELECT {columns(COUNT_COLUMNS)} FROM inv_counts "
                          "WHERE book = ? AND id = ?", (self._book, count_id))
        return row_to_count(rows[0]) if rows else None

    def update_count(self, count: Count, expected_version: int) -> None:
        self._keys(count_id=count.id, location=count.location)
        self._versioned("inv_counts", COUNT_COLUMNS, count_row(count, self._day, self._dec),
                        "id", count.id, expected_version, "count_id", "count")

    def list_counts(self) -> list[Count]:
        rows = self._read(f"SELECT {columns(COUNT_COLUMNS)} FROM inv_counts WHERE book = ?",
                          (self._book,))
        return sorted((row_to_count(r) for r in rows), key=lambda c: c.id)

    # ------------------------------------------------------------------ replenishment
    def save_reorder_rule(self, rule: ReorderRule, expected_version: int | None) -> None:
        self._keys(sku=rule.sku, location=rule.location, supplier=rule.supplier)
        row = rule_row(rule, self._dec)
        key = (rule.sku, rule.location)
        if expected_version is None:
            self._new(_INSERT_RULE, row, "reorder rule", "location", key)
            return
        sets = ", ".join(f"{c} = ?" for c in RULE_COLUMNS[2:])
        done = self._write(f"UPDATE inv_reorder_rules SET {sets} WHERE book = ? AND sku = ? "
                           "AND location = ? AND version = ?",
                           (*row[2:], self._book, *key, expected_version), "saving a rule")
        if not done:
            if not self._read("SELECT 1 FROM inv_reorder_rules WHERE book = ? AND sku = ? AND "
                              "location = ?", (self._book, *key)):
                raise NotFoundError("no such reorder rule", field="location", value=key)
            raise ConcurrencyError("reorder rule changed since it was read", field="version",
                                   value=expected_version)

    def delete_reorder_rule(self, sku: str, location: str) -> None:
        if not self._write("DELETE FROM inv_reorder_rules WHERE book = ? AND sku = ? AND "
                           "location = ?", (self._book, sku, location), "deleting a rule"):
            raise NotFoundError("no such reorder rule", field="location", value=location)

    def list_reorder_rules(self) -> list[ReorderRule]:
        rows = self._read(f"SELECT {columns(RULE_COLUMNS)} FROM inv_reorder_rules "
                          "WHERE book = ?",
                          (self._book,))
        return sorted((row_to_rule(r) for r in rows), key=lambda r: (r.sku, r.location))
