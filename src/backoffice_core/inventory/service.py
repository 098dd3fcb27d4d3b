"""The inventory service: master data, stock moves, quantities.

Reach it as ``bo.inventory`` from a :class:`~backoffice_core.Backoffice`. Each
call runs in one unit of work: its stock moves, valuation records and ledger
entries commit together, or, on any error, not at all. Stock moves come from
:class:`~backoffice_core.inventory.moving.MoveServices`; valuation queries,
landed costs and method changes from
:class:`~backoffice_core.inventory.valuing.ValuationServices`; counts from
:class:`~backoffice_core.inventory.planning.PlanningServices`; reorder rules and
suggestions from :class:`~backoffice_core.inventory.reordering.ReorderServices`;
the stock of issued goods receipts and delivery notes from
:class:`~backoffice_core.inventory.handovers.HandoverServices`; draft purchase orders
from :class:`~backoffice_core.inventory.purchasing.PurchaseServices`.

Example:
    >>> from datetime import date
    >>> import backoffice_core as bc
    >>> bo = bc.Backoffice.open("memory://")
    >>> bo.ledger.setup("Demo", currency="USD", chart="generic")
    >>> inv = bo.inventory
    >>> _ = inv.create_location("WH", "Main warehouse", kind="warehouse")
    >>> _ = inv.create_item("WID", "Widget")
    >>> _ = inv.receive("WID", 10, location="WH", unit_cost="2.00", on=date(2026, 2, 2))
    >>> _ = inv.receive("WID", 10, location="WH", unit_cost="3.00", on=date(2026, 2, 3))
    >>> _ = inv.deliver("WID", 15, location="WH", on=date(2026, 2, 4))
    >>> inv.on_hand("WID"), inv.value("WID")
    (Decimal('5'), Money('15.00', 'USD'))
    >>> bo.ledger.balance("1210"), bo.ledger.balance("5100")
    (Money('15.00', 'USD'), Money('35.00', 'USD'))
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import attrs

from backoffice_core.dates import check_date, check_range
from backoffice_core.errors import (
    NotFoundError,
    ValidationError,
)
from backoffice_core.inventory.context import WorkContext, short_of
from backoffice_core.inventory.handovers import HandoverServices
from backoffice_core.inventory.items import Item, Tracking, revised
from backoffice_core.inventory.locations import VIRTUAL_LOCATIONS, Location
from backoffice_core.inventory.lots import Lot, PickLine, lot_code
from backoffice_core.inventory.moves import Move, MoveState
from backoffice_core.inventory.moving import MoveServices
from backoffice_core.inventory.planning import PlanningServices
from backoffice_core.inventory.purchasing import PurchaseServices
from backoffice_core.inventory.reordering import ReorderServices
from backoffice_core.inventory.units import STANDARD_UNITS, Unit
from backoffice_core.inventory.valuing import ValuationServices
from backoffice_core.money import EXACT
from backoffice_core.text import check_lookup, not_found

__all__ = ["Inventory"]

_OPEN = (MoveState.DRAFT, MoveState.RESERVED)
_ITEM_DETAILS = frozenset(f.name for f in attrs.fields(Item) if f.init) - {"sku", "name",
                                                                           "version"}
_ZERO = Decimal(0)


class Inventory(MoveServices, ValuationServices, PlanningServices, ReorderServices,
                HandoverServices, PurchaseServices):
    """Stock for one book: items, locations, moves, valuation, counts and replenishment.

    Built by :class:`~backoffice_core.Backoffice` with the book's unit-of-work
    factory, clock, ids and ledger; ``rounding`` is the valuation's rounding policy.
    Dates default to the clock's today; quantities are in the item's unit unless
    ``unit=`` names another unit of the same category.
    """

    # ------------------------------------------------------------------ units
    def create_unit(self, code: str, name: str, category: str, factor: Any,
                    precision: int = 0) -> Unit:
        """Add a unit of measure (``factor`` reference units of ``category`` in one of it).

        Example:
            >>> import backoffice_core as bc
            >>> bo = bc.Backoffice.open("memory://")
            >>> bo.ledger.setup("X", currency="USD", chart="generic")
            >>> bo.inventory.create_unit("box12", "Box of 12", "count", 12).factor
            Decimal('12')
        """
        unit = Unit(code, name, category, factor, precision)
        if unit.code in STANDARD_UNITS:
            raise ValidationError("a standard unit of this code exists", field="code",
                                  value=code)
        with self._work() as b:
            b.repo.add_unit(unit)
        return unit

    def unit(self, code: str) -> Unit:
        """The unit ``code`` (the book's own or a standard one); ``NotFoundError`` if unknown.

        Example:
            >>> import backoffice_core as bc
            >>> bo = bc.Backoffice.open("memory://")
            >>> bo.ledger.setup("X", currency="USD", chart="generic")
            >>> kg = bo.inventory.unit("kg")
            >>> kg.category, kg.factor, kg.precision
            ('mass', Decimal('1'), 3)
        """
        check_lookup("code", code, code=True)
        with self._read() as b:
            return b.unit(code, "code")

    def units(self) -> list[Unit]:
        """Standard units, then the book's own, by code.

        Example:
            >>> import backoffice_core as bc
            >>> bo = bc.Backoffice.open("memory://")
            >>> bo.ledger.setup("X", currency="USD", chart="generic")
            >>> _ = bo.inventory.create_unit("box12", "Box of 12", "count", 12)
            >>> [u.code for u in bo.inventory.units()][-3:]
            ['pc', 't', 'box12']
        """
        with self._read() as b:
            return sorted(STANDARD_UNITS.values(), key=lambda u: u.code) + b.repo.list_units()

    # ------------------------------------------------------------------ items
    def create_item(self, sku: str, name: str, **details: Any) -> Item:
        """Add an item; ``details`` are the :class:`Item` attributes (``unit``, ``kind``,
        ``valuation``, ``tracking``, ``category``, ``barcode``, ``attributes``,
        ``allow_negative``, ``standard_cost``, ``weight``).

        Example:
            >>> import backoffice_core as bc
            >>> bo = bc.Backoffice.open("memory://")
            >>> bo.ledger.setup("X", currency="USD", chart="generic")
            >>> bo.inventory.create_item("FLOUR", "Flour", unit="kg", valuation="average").unit
            'kg'
        """
        if "version" in details:
            raise ValidationError("version is managed by the store", field="version",
                                  value=details["version"])
        bad = sorted(set(details) - _ITEM_DETAILS)  # a misspelt keyword, say
        if bad:
            raise ValidationError("not a detail of an item", field=bad[0], value=details[bad[0]])
        item = Item(sku, name, **details)
        with self._work() as b:
            b.unit(item.unit)
            b.repo.add_item(item)
        return item

    def item(self, sku: str) -> Item:
        """The item ``sku``; ``NotFoundError`` if unknown, ``ValidationError`` if not a string.

        Example:
            >>> import backoffice_core as bc
            >>> bo = bc.Backoffice.open("memory://")
            >>> bo.ledger.setup("X", currency="USD", chart="generic")
            >>> _ = bo.inventory.create_item("FLOUR", "Flour", unit="kg", valuation="average")
            >>> flour = bo.inventory.item("FLOUR")
            >>> flour.name, flour.unit, flour.valuation.value, flour.version
            ('Flour', 'kg', 'average', 0)
        """
        check_lookup("sku", sku, code=True)
        with self._read() as b:
            return b.item(sku)

    def items(self) -> list[Item]:
        """Every item, by sku.

        Example:
            >>> import backoffice_core as bc
            >>> bo = bc.Backoffice.open("memory://")
            >>> bo.ledger.setup("X", currency="USD", chart="generic")
            >>> _ = bo.inventory.create_item("WID", "Widget")
            >>> _ = bo.inventory.create_item("BOLT", "Bolt")
            >>> [(i.sku, i.name) for i in bo.inventory.items()]
            [('BOLT', 'Bolt'), ('WID', 'Widget')]
        """
        with self._read() as b:
            return b.repo.list_items()

    def update_item(self, sku: str, **changes: Any) -> Item:
        """Change an item's name, category, barcode, attributes, negative-stock flag or weight.

        The unit, kind and tracking are fixed once created; the valuation method
        changes with :meth:`change_valuation_method`.

        Example:
            >>> import backoffice_core as bc
            >>> bo = bc.Backoffice.open("memory://")
            >>> bo.ledger.setup("X", currency="USD", chart="generic")
            >>> _ = bo.inventory.create_item("WID", "Widget")
            >>> bo.inventory.update_item("WID", allow_negative=True).allow_negative
            True
        """
        allowed = {"name", "category", "barcode", "attributes", "allow_negative", "weight"}
        bad = sorted(set(changes) - allowed)
        if bad:
            raise ValidationError(f"only {', '.join(sorted(allowed))} can change",
                                  field=bad[0], value=changes[bad[0]])
        with self._work() as b:
            old = b.item(sku)
            new = revised(old, **changes, version=old.version + 1)  # (only changes checked)
            b.repo.update_item(new, old.version)
        return new

    # ------------------------------------------------------------------ locations
    def create_location(self, code: str, name: str, *, kind: str = "bin",
                        parent: str | None = None, allow_negative: bool = False,
                        role: str | None = None) -> Location:
        """Add a location: ``warehouse``, ``zone`` or ``bin`` (under ``parent``), or a virtual
        one (``supplier``, ``customer``, ``inventory_loss``, ``production``, ``transit``)
        booked against posting ``role``.

        Example:
            >>> import backoffice_core as bc
            >>> bo = bc.Backoffice.open("memory://")
            >>> bo.ledger.setup("X", currency="USD", chart="generic")
            >>> _ = bo.inventory.create_location("WH", "Warehouse", kind="warehouse")
            >>> bo.inventory.create_location("WH/A1", "Bin A1", parent="WH").kind.value
            'bin'
        """
        loc = Location(code, name, kind, parent, allow_negative, role)
        with self._work() as b:
            if loc.code in VIRTUAL_LOCATIONS:
                raise ValidationError("a built-in virtual location has this code",
                                      field="code", value=code)
            if parent is not None:
                up = b.location(parent, "parent")
                if not up.may_hold(loc.kind):
                    raise ValidationError(f"a {up.kind.value} cannot hold a {loc.kind.value}",
                                          field="parent", value=parent)
            b.repo.add_location(loc)
        return loc

    def location(self, code: str) -> Location:
        """The location ``code`` (the book's own or a built-in virtual one);
        ``NotFoundError`` if unknown.

        Example:
            >>> import backoffice_core as bc
            >>> bo = bc.Backoffice.open("memory://")
            >>> bo.ledger.setup("X", currency="USD", chart="generic")
            >>> _ = bo.inventory.create_location("WH", "Warehouse", kind="warehouse")
            >>> wh, out = bo.inventory.location("WH"), bo.inventory.location("customer")
            >>> wh.kind.value, out.kind.value, out.role
            ('warehouse', 'customer', 'cogs')
        """
        check_lookup("code", code, code=True)
        with self._read() as b:
            return b.location(code, "code")

    def locations(self) -> list[Location]:
        """The book's own locations, by code, then the built-in virtual ones.

        Example:
            >>> import backoffice_core as bc
            >>> bo = bc.Backoffice.open("memory://")
            >>> bo.ledger.setup("X", currency="USD", chart="generic")
            >>> _ = bo.inventory.create_location("WH", "Warehouse", kind="warehouse")
            >>> [loc.code for loc in bo.inventory.locations()]
            ['WH', 'supplier', 'customer', 'inventory_loss', 'production', 'transit']
        """
        with self._read() as b:
            return b.repo.list_locations() + list(VIRTUAL_LOCATIONS.values())

    def lots(self, sku: str) -> list[Lot]:
        """The lots (or serial numbers) of ``sku``, by code (none for an untracked item).

        Example:
            >>> from datetime import date
            >>> import backoffice_core as bc
            >>> bo = bc.Backoffice.open("memory://")
            >>> bo.ledger.setup("X", currency="USD", chart="generic")
            >>> _ = bo.inventory.create_location("WH", "Warehouse", kind="warehouse")
            >>> _ = bo.inventory.create_item("MILK", "Milk", unit="l", tracking="lot")
            >>> _ = bo.inventory.receive("MILK", 5, location="WH", unit_cost=1, lot="L-0412",
            ...                          expiry=date(2026, 4, 12), on=date(2026, 2, 1))
            >>> [(x.code, x.expiry) for x in bo.inventory.lots("MILK")]
            [('L-0412', datetime.date(2026, 4, 12))]
        """
        check_lookup("sku", sku, code=True)
        with self._read() as b:
            return b.repo.list_lots(b.item(sku).sku)

    # ------------------------------------------------------------------ reading moves
    def move(self, move_id: str) -> Move:
        """The move ``move_id``; ``NotFoundError`` if unknown, ``ValidationError`` if not a
        string.

        Example:
            >>> from datetime import date
            >>> import backoffice_core as bc
            >>> bo = bc.Backoffice.open("memory://", ids=bc.SequentialIds("mv"))
            >>> bo.ledger.setup("X", currency="USD", chart="generic")
            >>> _ = bo.inventory.create_location("WH", "Warehouse", kind="warehouse")
            >>> _ = bo.inventory.create_item("WID", "Widget")
            >>> _ = bo.inventory.receive("WID", 5, location="WH", unit_cost=2, on=date(2026, 2, 1))
            >>> m = bo.inventory.move("mv-000001")
            >>> m.kind.value, m.state.value, m.quantity, m.unit_cost
            ('receipt', 'done', Decimal('5'), Decimal('2'))
        """
        check_lookup("move_id", move_id)
        with self._read() as b:
            move = b.repo.get_move(move_id)
        if move is None:
            raise NotFoundError("no such move", field="move_id", value=move_id)
        return move

    def moves(self, sku: str | None = None, *, start: date | None = None,
              end: date | None = None) -> list[Move]:
        """Moves ordered by (date, seq), optionally of one item and from ``start`` to ``end``
        (both included): done moves and planned ones, in every state. An item the book
        does not have is a ``NotFoundError`` naming ``sku``, a range ending before it
        starts a ``ValidationError`` naming ``end``.

        Example:
            >>> from datetime import date
            >>> import backoffice_core as bc
            >>> bo = bc.Backoffice.open("memory://")
            >>> bo.ledger.setup("X", currency="USD", chart="generic")
            >>> inv = bo.inventory
            >>> _ = inv.create_location("WH", "Warehouse", kind="warehouse")
            >>> _ = inv.create_item("WID", "Widget")
            >>> _ = inv.receive("WID", 5, location="WH", unit_cost=2, on=date(2026, 2, 1))
            >>> _ = inv.deliver("WID", 2, location="WH", on=date(2026, 2, 3))
            >>> [(m.kind.value, m.quantity) for m in inv.moves("WID", start=date(2026, 2, 2))]
            [('delivery', Decimal('2'))]
        """
        check_range(start, end, optional=True)
        check_lookup("sku", sku, optional=True, code=True)
        with self._read() as b:
            return list(b.repo.iter_moves(None if sku is None else b.item(sku).sku, start, end))

    # ------------------------------------------------------------------ quantities
    def on_hand(self, sku: str, location: str | None = None, *, lot: str | None = None,
                as_of: date | None = None) -> Decimal:
        """Quantity on hand: at ``location`` and every location under it, or, without one,
        at every internal and transit location; of one ``lot`` (its code stripped, as lots
        are kept: ``" L9"`` is lot ``L9``) or all; now or ``as_of``. A
        ``lot`` of an item not tracked by lot is refused (``ValidationError`` naming ``lot``):
        such an item has no lots, so no figure could answer; a lot the item never had is a
        ``NotFoundError`` naming ``lot`` (one it had, used up, answers 0).

        Example:
            >>> from datetime import date
            >>> import backoffice_core as bc
            >>> bo = bc.Backoffice.open("memory://")
            >>> bo.ledger.setup("X", currency="USD", chart="generic")
            >>> _ = bo.inventory.create_location("WH", "Warehouse", kind="warehouse")
            >>> _ = bo.inventory.create_location("A1", "Bin A1", parent="WH")
            >>> _ = bo.inventory.create_item("WID", "Widget")
            >>> _ = bo.inventory.receive("WID", 5, location="A1", unit_cost=1, on=date(2026, 2, 3))
            >>> inv = bo.inventory
            >>> inv.on_hand("WID", "WH"), inv.on_hand("WID", as_of=date(2026, 2, 2))
            (Decimal('5'), Decimal('0'))
        """
        check_date(as_of, "as_of", optional=True)
        check_lookup("sku", sku, code=True)
        check_lookup("location", location, optional=True, code=True)
        key = None if lot is None else lot_code(lot)  # (stripped, as lots are kept)
        with self._read() as b:
            item = b.item(sku)
            if lot is not None and item.tracking is Tracking.NONE:
                raise ValidationError(f"item {item.sku} is not tracked by lot; it has no lots",
                                      field="lot", value=lot)
            if key is not None and b.repo.get_lot(item.sku, key) is None:
                raise not_found("lot", "lot", lot, code=True)
            if location is None:
                codes = b.valued_codes()
            else:
                codes = [loc.code for loc in b.subtree(location)]
            total = _ZERO
            for code in codes:
                total += b.repo.quantity(item.sku, code, key, as_of)
            return _at_precision(b, item, total)

    def reserved(self, sku: str, location: str) -> Decimal:
        """The quantity of ``sku`` reserved at ``location`` (exactly there) by moves not yet
        done.

        Example:
            >>> from datetime import date
            >>> import backoffice_core as bc
            >>> bo = bc.Backoffice.open("memory://")
            >>> bo.ledger.setup("X", currency="USD", chart="generic")
            >>> inv = bo.inventory
            >>> _ = inv.create_location("WH", "Warehouse", kind="warehouse")
            >>> _ = inv.create_item("WID", "Widget")
            >>> _ = inv.receive("WID", 5, location="WH", unit_cost=2, on=date(2026, 2, 1))
            >>> _ = inv.reserve("WID", 3, location="WH", on=date(2026, 2, 2))
            >>> inv.reserved("WID", "WH"), inv.on_hand("WID", "WH")
            (Decimal('3'), Decimal('5'))
        """
        check_lookup("sku", sku, code=True)
        check_lookup("location", location, code=True)
        with self._read() as b:
            item = b.item(sku)
            return _at_precision(b, item, b.repo.reserved(item.sku, b.location(location).code))

    def available(self, sku: str, location: str) -> Decimal:
        """On hand minus reserved, at ``location`` (exactly there, as a move takes stock
        from its exact location: not the locations under it).

        Example:
            >>> from datetime import date
            >>> import backoffice_core as bc
            >>> bo = bc.Backoffice.open("memory://")
            >>> bo.ledger.setup("X", currency="USD", chart="generic")
            >>> inv = bo.inventory
            >>> _ = inv.create_location("WH", "Warehouse", kind="warehouse")
            >>> _ = inv.create_location("A1", "Bin A1", parent="WH")
            >>> _ = inv.create_item("WID", "Widget")
            >>> _ = inv.receive("WID", 5, location="A1", unit_cost=2, on=date(2026, 2, 1))
            >>> _ = inv.reserve("WID", 3, location="A1", on=date(2026, 2, 2))
            >>> inv.available("WID", "A1"), inv.available("WID", "WH")
            (Decimal('2'), Decimal('0'))
        """
        check_lookup("sku", sku, code=True)
        check_lookup("location", location, code=True)
        with self._read() as b:
            item = b.item(sku)
            code = b.location(location).code
            return _at_precision(b, item, b.repo.quantity(item.sku, code)
                                 - b.repo.reserved(item.sku, code))

    def fefo(self, sku: str, quantity: Any, *, location: str, on: date | None = None,
             unit: str | None = None) -> list[PickLine]:
        """Which lots to pick at ``location`` (and under it): first expired, first out.

        Expired lots are skipped, and so is stock reserved for other moves (what a
        delivery could not take); when there is not enough usable stock,
        :class:`~backoffice_core.errors.InsufficientStockError` says how much there is.
        An untracked item is picked by location (its lines have the lot ``""``). Only the
        company's stock is picked: a virtual ``location`` (``customer``, ``supplier``...) is
        refused with a ``ValidationError`` naming ``location``, as :meth:`reserve` refuses it.

        Example:
            >>> from datetime import date
            >>> import backoffice_core as bc
            >>> bo = bc.Backoffice.open("memory://")
            >>> bo.ledger.setup("X", currency="USD", chart="generic")
            >>> inv = bo.inventory
            >>> _ = inv.create_location("WH", "Warehouse", kind="warehouse")
            >>> _ = inv.create_item("MILK", "Milk", tracking="lot")
            >>> for lot, day in (("L1", 28), ("L2", 14)):
            ...     _ = inv.receive("MILK", 5, location="WH", unit_cost=1, lot=lot,
            ...                     expiry=date(2026, 2, day), on=date(2026, 2, 1))
            >>> [(p.lot, p.quantity) for p in inv.fefo("MILK", 7, location="WH",
            ...                                        on=date(2026, 2, 10))]
            [('L2', Decimal('5')), ('L1', Decimal('2'))]
        """
        check_lookup("sku", sku, code=True)
        check_lookup("location", location, code=True)
        check_lookup("unit", unit, optional=True, code=True)
        with self._read() as b:
            item = b.item(sku)
            q = b.quantity(item, quantity, unit)
            day = self._clock.today() if on is None else check_date(on, "on")
            expiry: dict[str, date | None] = (
                {lot.code: lot.expiry for lot in b.repo.list_lots(item.sku)}
                if item.tracking is not Tracking.NONE else {"": None})  # untracked: by location
            where = b.subtree(location)
            if not where[0].valued:  # (a customer's stock is no stock to pick)
                raise ValidationError(f"only stock at an internal or transit location is "
                                      f"picked, and {where[0].code} holds none",
                                      field="location", value=location)
            picks = b.picks(item, [loc.code for loc in where], expiry, q, day)
            got = sum((p.quantity for p in picks), _ZERO)
            if got < q:
                raise short_of("not enough unexpired stock", item.sku, where[0].code, q, got)
            return picks


def _at_precision(b: WorkContext, item: Item, quantity: Decimal) -> Decimal:
    """``quantity`` written at the precision of ``item``'s unit, whatever the store returned
    (so every store shows ``0.500`` kg alike, not ``0.5`` here and ``0.500`` there)."""
    return quantity.quantize(b.unit(item.unit).step, context=EXACT)
