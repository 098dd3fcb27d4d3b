"""Row mappers of the inventory tables: explicit functions from domain values to rows and back.

Dates arrive as ``date`` (PostgreSQL) or ISO text (SQLite), exact decimals as
``Decimal`` or text; both read back as the domain types. Rollup quantities are
integer nano-units (:data:`~backoffice_core.adapters.sql.inventory_tables.QUANTITY_SCALE`).
Engine states and snapshots are JSON with every integer kept exact.

Example:
    >>> to_nano(Decimal("1.250")), from_nano(1_250_000_000), from_nano(-3 * QUANTITY_SCALE)
    (1250000000, Decimal('1.25'), Decimal('-3'))
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from backoffice_core.adapters.sql.inventory_tables import QUANTITY_SCALE, ROLLUP_RANGE
from backoffice_core.errors import ValidationError
from backoffice_core.inventory.counts import Count, CountKind, CountLine, CountState
from backoffice_core.inventory.items import Item, ItemKind, Tracking, ValuationMethod, stored_item
from backoffice_core.inventory.locations import Location, LocationKind
from backoffice_core.inventory.lots import Lot
from backoffice_core.inventory.moves import Move, MoveKind, MoveState
from backoffice_core.inventory.replenishment import ReorderRule
from backoffice_core.inventory.units import Unit
from backoffice_core.inventory.valuation import CostKind, CostRecord, CostState
from backoffice_core.text import kept_text

__all__ = [
    "COUNT_COLUMNS",
    "ITEM_COLUMNS",
    "LOCATION_COLUMNS",
    "MOVE_COLUMNS",
    "RECORD_COLUMNS",
    "RULE_COLUMNS",
    "as_date",
    "as_decimal",
    "check_nano",
    "count_row",
    "from_nano",
    "item_row",
    "location_row",
    "move_row",
    "record_row",
    "row_to_count",
    "row_to_item",
    "row_to_location",
    "row_to_lot",
    "row_to_move",
    "row_to_record",
    "row_to_rule",
    "row_to_unit",
    "rule_row",
    "state_from_json",
    "state_to_json",
    "to_nano",
]

ITEM_COLUMNS = ("sku", "name", "unit", "kind", "valuation", "tracking", "category", "barcode",
                "attributes", "allow_negative", "standard_cost", "weight", "version")
LOCATION_COLUMNS = ("code", "name", "kind", "parent", "allow_negative", "role", "version")
MOVE_COLUMNS = ("id", "seq", "sku", "quantity", "source", "destination", "move_date", "kind",
                "state", "lot", "reference", "origin", "unit_cost", "version", "handover")
RECORD_COLUMNS = ("sku", "day", "seq", "event", "kind", "quantity", "given", "role", "origin",
                  "prior", "method", "standard", "value", "lines", "cost", "snapshot")
COUNT_COLUMNS = ("id", "location", "count_date", "kind", "state", "lines", "adjustments",
                 "value", "version", "released")
RULE_COLUMNS = ("sku", "location", "reorder_point", "max_quantity", "order_quantity",
                "lead_time_days", "multiple", "version", "supplier")
_IN_ORDER = (ItemKind, ValuationMethod, Tracking)


def to_nano(quantity: Decimal, field: str = "quantity") -> int:
    """``quantity`` as an integer count of ``10**-9`` (refused when finer).

    Example:
        >>> to_nano(Decimal("0.0000000001"))
        Traceback (most recent call last):
        ...
        backoffice_core.errors.ValidationError: quantity=Decimal('1E-10'): finer than ...
    """
    scaled = quantity * QUANTITY_SCALE
    whole = int(scaled)
    if whole != scaled:
        raise ValidationError("finer than the 9 decimal places a stored quantity may have",
                              field=field, value=quantity)
    if not -ROLLUP_RANGE <= whole <= ROLLUP_RANGE:
        check_nano(whole, field, quantity)
    return whole


def check_nano(n: int, field: str = "quantity", value: Any = None) -> int:
    """``n`` nano-units, refused past what a ``BIGINT`` holds (``value``: as given).

    Example:
        >>> check_nano(10**19)
        Traceback (most recent call last):
        ...
        backoffice_core.errors.ValidationError: quantity=Decimal('10000000000'): past the ...
    """
    if not -ROLLUP_RANGE <= n <= ROLLUP_RANGE:
        raise ValidationError(f"past the {from_nano(ROLLUP_RANGE)} units a stored quantity "
                              "holds", field=field, value=from_nano(n) if value is None
                              else value)
    return n


def from_nano(value: Any) -> Decimal:
    """An integer count of nano-units as a ``Decimal`` without trailing zeros (``None``: 0).

    Example:
        >>> from_nano(None), from_nano(10 * QUANTITY_SCALE)
        (Decimal('0'), Decimal('10'))
    """
    n = int(value or 0)
    whole, rest = divmod(n, QUANTITY_SCALE)
    if rest == 0:
        return Decimal(whole)
    return Decimal(n).scaleb(-9).normalize()


def as_date(value: Any) -> date:
    """A stored ``DATE`` as a ``date`` (SQLite returns ISO text).

    Example:
        >>> as_date("2026-02-01")
        datetime.date(2026, 2, 1)
    """
    return value if isinstance(value, date) else date.fromisoformat(value)


def as_decimal(value: Any) -> Decimal | None:
    """A stored exact decimal as a ``Decimal`` (``None`` stays ``None``).

    Example:
        >>> as_decimal("1.10")
        Decimal('1.10')
    """
    if value is None or isinstance(value, Decimal):
        return value
    return Decimal(str(value))


def _dec(value: Decimal | None, decimal_param: Any) -> Any:
    return None if value is None else decimal_param(value)


def _plain(value: Any) -> Any:
    """JSON for item attributes: decimals and dates tagged so they read back as such."""
    if isinstance(value, Decimal):
        return {"$decimal": str(value)}
    if isinstance(value, date):
        return {"$date": value.isoformat()}
    raise TypeError(type(value).__name__)


def _tagged(obj: dict[str, Any]) -> Any:
    if len(obj) == 1 and "$decimal" in obj:
        return Decimal(obj["$decimal"])
    if len(obj) == 1 and "$date" in obj:
        return date.fromisoformat(obj["$date"])
    return obj


def item_row(item: Item, decimal_param: Any) -> tuple[Any, ...]:
    """The columns of :data:`ITEM_COLUMNS` for ``item``.

    Example:
        >>> item = Item("WID", "Widget", attributes={"w": Decimal("1.5")})
        >>> row_to_item(item_row(item, str)) == item
        True
    """
    try:
        attributes = json.dumps(item.attributes, default=_plain, sort_keys=True)
    except (TypeError, ValueError) as exc:
        raise ValidationError("attributes must be JSON values, decimals or dates",
                              field="attributes", value=item.attributes) from exc
    return (item.sku, item.name, item.unit, item.kind.value, item.valuation.value,
            item.tracking.value, item.category, item.barcode, attributes, item.allow_negative,
            _dec(item.standard_cost, decimal_param), _dec(item.weight, decimal_param),
            item.version)


@kept_text
def row_to_item(row: Sequence[Any]) -> Item:
    """An :class:`Item` from a row of :data:`ITEM_COLUMNS`.

    Example:
        >>> row_to_item(item_row(Item("WID", "Widget"), str)).valuation.value
        'fifo'
    """
    (sku, name, unit, kind, valuation, tracking, category, barcode, attributes, negative,
     standard, weight, version) = row
    # parse_float: a float written before floats were refused reads back as its Decimal
    attributes = json.loads(attributes, object_hook=_tagged, parse_float=Decimal)
    # read as kept: the bounds of new input do not apply to a row written before them
    return stored_item(sku, name, unit, kind, valuation, tracking, category, barcode,
                       attributes, bool(negative), as_decimal(standard), as_decimal(weight),
                       int(version))


@kept_text
def row_to_unit(row: Sequence[Any]) -> Unit:
    """A :class:`Unit` from ``(code, name, category, factor, precision)``.

    Example:
        >>> row_to_unit(("box12", "Box", "count", "12", 0)).factor
        Decimal('12')
    """
    code, name, category, factor, precision = row
    return Unit(code, name, category, as_decimal(factor), int(precision))


def location_row(loc: Location) -> tuple[Any, ...]:
    """The columns of :data:`LOCATION_COLUMNS` for ``loc``.

    Example:
        >>> location_row(Location("WH", "Main", LocationKind.WAREHOUSE))[:3]
        ('WH', 'Main', 'warehouse')
    """
    return (loc.code, loc.name, loc.kind.value, loc.parent, loc.allow_negative, loc.role,
            loc.version)


@kept_text
def row_to_location(row: Sequence[Any]) -> Location:
    """A :class:`Location` from a row of :data:`LOCATION_COLUMNS`.

    Example:
        >>> loc = Location("A1", "Bin", LocationKind.BIN, "WH")
        >>> row_to_location(location_row(loc)) == loc
        True
    """
    code, name, kind, parent, negative, role, version = row
    return Location(code, name, LocationKind(kind), parent, bool(negative), role, int(version))


@kept_text
def row_to_lot(row: Sequence[Any]) -> Lot:
    """A :class:`Lot` from ``(sku, code, expiry)``.

    Example:
        >>> row_to_lot(("WID", "L1", "2026-05-01")).expiry
        datetime.date(2026, 5, 1)
    """
    sku, code, expiry = row
    return Lot(sku, code, None if expiry is None else as_date(expiry))


def move_row(m: Move, day_param: Any, decimal_param: Any) -> tuple[Any, ...]:
    """The columns of :data:`MOVE_COLUMNS` for ``m``.

    Example:
        >>> m = Move("m1", 1, "WID", Decimal("2.5"), "supplier", "WH", date(2026, 2, 2),
        ...          MoveKind.RECEIPT, MoveState.DONE, unit_cost=Decimal("1.10"), handover="h-1")
        >>> row_to_move(move_row(m, date.isoformat, str)) == m
        True
    """
    return (m.id, m.seq, m.sku, decimal_param(m.quantity), m.source, m.destination,
            day_param(m.date), m.kind.value, m.state.value, m.lot, m.reference, m.origin,
            _dec(m.unit_cost, decimal_param), m.version, m.handover)


@kept_text
def row_to_move(row: Sequence[Any]) -> Move:
    """A :class:`Move` from a row of :data:`MOVE_COLUMNS`.

    Example:
        >>> row_to_move(("m1", 1, "WID", "2", "supplier", "WH", "2026-02-02", "receipt",
        ...              "draft", None, "", None, None, 0, None)).state.value
        'draft'
    """
    (mid, seq, sku, qty, src, dst, day, kind, state, lot, ref, origin, cost, version,
     handover) = row
    return Move(mid, int(seq), sku, as_decimal(qty), src, dst,  # type: ignore[arg-type]
                as_date(day), MoveKind(kind), MoveState(state), lot, ref, origin,
                as_decimal(cost), int(version), handover)


def state_to_json(state: CostState) -> str:
    """A :class:`CostState` as JSON text (integers exact, dates ISO). The settled debts
    come last, only when there are any: a state written before they were kept reads as
    it did (no schema change).

    Example:
        >>> state_to_json(CostState(ValuationMethod.FIFO))
        '["fifo",null,[],[],null,null,null,64]'
    """
    return json.dumps([
        state.method.value,
        None if state.standard is None else str(state.standard),
        [[o, d.isoformat(), qi, vi, q, v] for o, d, qi, vi, q, v in state.layers],
        [list(d) for d in state.debts],
        None if state.last_cost is None else list(state.last_cost),
        None if state.last_key is None else [state.last_key[0].isoformat(), state.last_key[1]],
        None if state.group is None else list(state.group),
        state.since,
        *([[list(x) for x in state.settled]] if state.settled else []),  # (older: absent)
    ], separators=(",", ":"))


def state_from_json(text: str) -> CostState:
    """The :class:`CostState` written by :func:`state_to_json`.

    Example:
        >>> s = CostState(ValuationMethod.AVERAGE, Decimal("2.50"), last_cost=(250, 1))
        >>> state_from_json(state_to_json(s)) == s
        True
        >>> s = CostState(ValuationMethod.FIFO, settled=(("m9", 1600),))
        >>> state_to_json(s), state_from_json(state_to_json(s)) == s
        ('["fifo",null,[],[],null,null,null,64,[["m9",1600]]]', True)
    """
    method, standard, layers, debts, last_cost, last_key, group, since, *rest = \
        json.loads(text)
    return CostState(
        ValuationMethod(method), None if standard is None else Decimal(standard),
        tuple((o, date.fromisoformat(d), qi, vi, q, v) for o, d, qi, vi, q, v in layers),
        tuple((e, r, q, v) for e, r, q, v in debts),
        None if last_cost is None else (last_cost[0], last_cost[1]),
        None if last_key is None else (date.fromisoformat(last_key[0]), last_key[1]),
        None if group is None else (group[0], group[1]), since,
        tuple((e, v) for e, v in rest[0]) if rest else ())


def record_row(r: CostRecord, day_param: Any, decimal_param: Any) -> tuple[Any, ...]:
    """The columns of :data:`RECORD_COLUMNS` for ``r``.

    Example:
        >>> r = CostRecord("WID", date(2026, 2, 2), 1, "m1", CostKind.IN, 10, 2500, "grni",
        ...                value=2500, lines=(("grni", -2500),), cost=2500)
        >>> row_to_record(record_row(r, date.isoformat, str)) == r
        True
    """
    return (r.sku, day_param(r.day), r.seq, r.event, r.kind.value, r.quantity, r.given, r.role,
            r.origin, r.prior, None if r.method is None else r.method.value,
            _dec(r.standard, decimal_param), r.value,
            json.dumps([list(x) for x in r.lines], separators=(",", ":")), r.cost,
            None if r.snapshot is None else state_to_json(r.snapshot))


@kept_text
def row_to_record(row: Sequence[Any]) -> CostRecord:
    """A :class:`CostRecord` from a row of :data:`RECORD_COLUMNS`.

    Example:
        >>> row_to_record(("WID", "2026-02-02", 1, "m1", "out", 3, None, "cogs", None, 0,
        ...                None, None, -750, '[["cogs",750]]', 750, None)).lines
        (('cogs', 750),)
    """
    (sku, day, seq, event, kind, qty, given, role, origin, prior, method, standard, value,
     lines, cost, snapshot) = row
    return CostRecord(sku, as_date(day), int(seq), event, CostKind(kind), int(qty),
                      None if given is None else int(given), role, origin, int(prior),
                      None if method is None else ValuationMethod(method),
                      as_decimal(standard), int(value),
                      tuple((a, int(b)) for a, b in json.loads(lines)), int(cost),
                      None if snapshot is None else state_from_json(snapshot))


def count_row(c: Count, day_param: Any, decimal_param: Any) -> tuple[Any, ...]:
    """The columns of :data:`COUNT_COLUMNS` for ``c``.

    Example:
        >>> c = Count("c1", "WH", date(2026, 2, 27), CountKind.FULL,
        ...           lines=(CountLine("WID", "WH", "", Decimal("3"), Decimal("2.5")),),
        ...           released=("m9",))
        >>> row_to_count(count_row(c, date.isoformat, str)) == c
        True
    """
    lines = [[x.sku, x.location, x.lot, str(x.expected),
              None if x.counted is None else str(x.counted), str(x.frozen)] for x in c.lines]
    return (c.id, c.location, day_param(c.date), c.kind.value, c.state.value,
            json.dumps(lines), json.dumps(list(c.adjustments)), _dec(c.value, decimal_param),
            c.version, json.dumps(list(c.released)))


@kept_text
def row_to_count(row: Sequence[Any]) -> Count:
    """A :class:`Count` from a row of :data:`COUNT_COLUMNS`.

    A line written before lines kept their frozen figure has five fields: its frozen
    figure is its expected one (which it then always was). A row without ``released``
    (read as columns were before migration 0011) released nothing.

    Example:
        >>> row_to_count(("c1", "WH", "2026-02-27", "cycle", "open", "[]", "[]", None,
        ...               0, "[]")).kind.value
        'cycle'
    """
    cid, loc, day, kind, state, lines, adjustments, value, version, *released = row
    return Count(cid, loc, as_date(day), CountKind(kind), CountState(state),
                 tuple(CountLine(s, lc, lot, Decimal(e), None if n is None else Decimal(n),
                                 Decimal(f[0] if f else e))
                       for s, lc, lot, e, n, *f in json.loads(lines)),
                 tuple(json.loads(adjustments)), as_decimal(value), int(version),
                 tuple(json.loads(released[0]) if released else ()))


def rule_row(r: ReorderRule, decimal_param: Any) -> tuple[Any, ...]:
    """The columns of :data:`RULE_COLUMNS` for ``r``.

    Example:
        >>> rule = ReorderRule("WID", "WH", Decimal("5"), max_quantity=Decimal("20"),
        ...                    supplier="p-1")
        >>> row_to_rule(rule_row(rule, str)) == rule
        True
    """
    return (r.sku, r.location, decimal_param(r.reorder_point),
            _dec(r.max_quantity, decimal_param), _dec(r.order_quantity, decimal_param),
            r.lead_time_days, _dec(r.multiple, decimal_param), r.version, r.supplier)


@kept_text
def row_to_rule(row: Sequence[Any]) -> ReorderRule:
    """A :class:`ReorderRule` from a row of :data:`RULE_COLUMNS`.

    Example:
        >>> row_to_rule(("WID", "WH", "5", None, "10", 2, None, 0, "p-1")).order_quantity
        Decimal('10')
    """
    sku, loc, point, most, order, lead, multiple, version, supplier = row
    return ReorderRule(sku, loc, as_decimal(point), as_decimal(most), as_decimal(order),
                       int(lead), as_decimal(multiple), int(version), supplier)
