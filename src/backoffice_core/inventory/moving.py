"""Stock moves: receipts, deliveries, transfers, adjustments, scrap, returns, planned
moves and reservations, and the bulk path.

Part of ``bo.inventory`` (:class:`~backoffice_core.inventory.service.Inventory`
inherits these methods). Each call is one unit of work: the move, its
quantities, its valuation and its ledger entry commit together or not at all.

Example:
    >>> from datetime import date
    >>> import backoffice_core as bc
    >>> bo = bc.Backoffice.open("memory://")
    >>> bo.ledger.setup("Demo", currency="USD", chart="generic")
    >>> _ = bo.inventory.create_location("WH", "Warehouse", kind="warehouse")
    >>> _ = bo.inventory.create_item("WID", "Widget")
    >>> m = bo.inventory.receive("WID", 3, location="WH", unit_cost="1.50", on=date(2026, 2, 2))
    >>> m.kind.value, m.state.value, bo.ledger.balance("2120")
    ('receipt', 'done', Money('-4.50', 'USD'))
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from itertools import repeat
from operator import itemgetter, le
from typing import Any

from backoffice_core.dates import check_date
from backoffice_core.errors import (
    BackofficeError,
    ValidationError,
)
from backoffice_core.inventory.base import InventoryBase, collector_paused
from backoffice_core.inventory.booking import Booking
from backoffice_core.inventory.context import returned_of, short_of
from backoffice_core.inventory.moves import Move, MoveKind, MoveSpec, MoveState
from backoffice_core.text import lookup_key, not_found

__all__ = ["MoveServices"]

_OPEN = (MoveState.DRAFT, MoveState.RESERVED)
_DATE = itemgetter(4)  # of a MoveSpec


@contextmanager
def _named(**names: str) -> Iterator[None]:
    """An error about the move's ``source`` or ``destination`` named by the caller's own
    argument (``receive(location=...)`` names ``location``, not ``destination``)."""
    try:
        yield
    except BackofficeError as err:
        if err.field in names:
            err.field = names[err.field]
        raise


class MoveServices(InventoryBase):
    """Moves of stock, one unit of work each (and :meth:`apply_moves` for many)."""

    def receive(self, sku: str, quantity: Any, *, location: str, unit_cost: Any = None,
                value: Any = None, on: date | None = None, lot: str | None = None,
                expiry: date | None = None, unit: str | None = None, source: str = "supplier",
                reference: str = "") -> Move:
        """Receive stock from a supplier: Dr inventory, Cr goods received not invoiced.

        Price it with ``unit_cost`` (per unit of ``unit``... of the item's unit) or a
        total ``value``; standard-cost items may omit both. A consumable item is not
        valued and takes neither, nor does a ``source`` that is itself valued stock (a
        transfer): either is refused, naming the field. A lot-tracked item needs ``lot``
        (created on first receipt, with its ``expiry``).

        Example:
            >>> from datetime import date
            >>> import backoffice_core as bc
            >>> bo = bc.Backoffice.open("memory://")
            >>> bo.ledger.setup("X", currency="USD", chart="generic")
            >>> _ = bo.inventory.create_location("WH", "Warehouse", kind="warehouse")
            >>> _ = bo.inventory.create_item("EGG", "Eggs")
            >>> _ = bo.inventory.create_unit("box12", "Box of 12", "count", 12)
            >>> m = bo.inventory.receive("EGG", 2, unit="box12", value="6.00", location="WH",
            ...                          on=date(2026, 2, 1))
            >>> m.quantity, bo.inventory.value("EGG")
            (Decimal('24'), Money('6.00', 'USD'))
        """
        with self._work() as b, _named(destination="location"):
            return self._new(b, sku, quantity, source, location, on, lot=lot, unit=unit,
                             unit_cost=unit_cost, value=value, expiry=expiry,
                             reference=reference)

    def deliver(self, sku: str, quantity: Any, *, location: str, on: date | None = None,
                lot: str | None = None, unit: str | None = None,
                destination: str = "customer", reference: str = "") -> Move:
        """Deliver stock to a customer: Dr cost of goods sold, Cr inventory (costed by method).

        More than ``location`` holds raises
        :class:`~backoffice_core.errors.InsufficientStockError` (unless the item or the
        location allows negative stock).

        Example:
            >>> from datetime import date
            >>> import backoffice_core as bc
            >>> bo = bc.Backoffice.open("memory://")
            >>> bo.ledger.setup("X", currency="USD", chart="generic")
            >>> inv = bo.inventory
            >>> _ = inv.create_location("WH", "Warehouse", kind="warehouse")
            >>> _ = inv.create_item("WID", "Widget")
            >>> _ = inv.receive("WID", 5, location="WH", unit_cost=2, on=date(2026, 2, 1))
            >>> d = inv.deliver("WID", 2, location="WH", on=date(2026, 2, 3), reference="SO-1")
            >>> d.kind.value, inv.on_hand("WID"), bo.ledger.balance("5100")
            ('delivery', Decimal('3'), Money('4.00', 'USD'))
        """
        with self._work() as b, _named(source="location"):
            return self._new(b, sku, quantity, location, destination, on, lot=lot, unit=unit,
                             reference=reference)

    def transfer(self, sku: str, quantity: Any, *, source: str, destination: str,
                 on: date | None = None, lot: str | None = None, unit: str | None = None,
                 reference: str = "") -> Move:
        """Move stock between internal (or transit) locations; the value does not change.

        Example:
            >>> from datetime import date
            >>> import backoffice_core as bc
            >>> bo = bc.Backoffice.open("memory://")
            >>> bo.ledger.setup("X", currency="USD", chart="generic")
            >>> inv = bo.inventory
            >>> _ = inv.create_location("WH", "Warehouse", kind="warehouse")
            >>> _ = inv.create_item("WID", "Widget")
            >>> _ = inv.receive("WID", 5, location="WH", unit_cost=2, on=date(2026, 2, 1))
            >>> _ = inv.create_location("A1", "Bin A1", parent="WH")
            >>> t = inv.transfer("WID", 2, source="WH", destination="A1", on=date(2026, 2, 2))
            >>> t.kind.value, inv.on_hand("WID", "A1"), inv.value("WID")
            ('transfer', Decimal('2'), Money('10.00', 'USD'))
        """
        with self._work() as b:
            return self._new(b, sku, quantity, source, destination, on, lot=lot, unit=unit,
                             reference=reference)

    def adjust(self, sku: str, quantity: Any, *, location: str, on: date | None = None,
               lot: str | None = None, unit: str | None = None, unit_cost: Any = None,
               expiry: date | None = None, reason: str = "",
               loss_location: str = "inventory_loss") -> Move:
        """Adjust stock by a signed quantity: a gain comes in from the inventory-loss location
        (at ``unit_cost``, else the last known unit cost), a loss goes to it (costed by method).

        A loss takes no ``unit_cost``: one given is refused with a ``ValidationError``
        naming it, since the item's method values what leaves.

        Example:
            >>> from datetime import date
            >>> import backoffice_core as bc
            >>> bo = bc.Backoffice.open("memory://")
            >>> bo.ledger.setup("X", currency="USD", chart="generic")
            >>> _ = bo.inventory.create_location("WH", "Warehouse", kind="warehouse")
            >>> _ = bo.inventory.create_item("WID", "Widget")
            >>> _ = bo.inventory.receive("WID", 5, location="WH", unit_cost=2, on=date(2026, 2, 1))
            >>> bo.inventory.adjust("WID", -2, location="WH", on=date(2026, 2, 9)).kind.value
            'adjustment'
            >>> bo.ledger.balance("5300")
            Money('4.00', 'USD')
            >>> bo.inventory.adjust("WID", -1, location="WH", unit_cost=7, on=date(2026, 2, 9))
            Traceback (most recent call last):
            ...
            backoffice_core.errors.ValidationError: unit_cost=7: an issue is valued by ...
        """
        with self._work() as b:
            item = b.item(sku)
            q = b.quantity(item, quantity, unit, positive=False)
            if q == 0:
                raise ValidationError("an adjustment needs a non-zero quantity",
                                      field="quantity", value=quantity)
            src, dst = (loss_location, location) if q > 0 else (location, loss_location)
            names = ({"source": "loss_location", "destination": "location"} if q > 0
                     else {"source": "location", "destination": "loss_location"})
            with _named(**names):
                return self._new(b, sku, abs(q), src, dst, on, lot=lot, unit_cost=unit_cost,
                                 expiry=expiry, reference=reason, kind=MoveKind.ADJUSTMENT)

    def scrap(self, sku: str, quantity: Any, *, location: str, on: date | None = None,
              lot: str | None = None, unit: str | None = None, reason: str = "",
              loss_location: str = "inventory_loss") -> Move:
        """Scrap stock: it goes to the inventory-loss location (Dr inventory_loss, Cr inventory).

        Example:
            >>> from datetime import date
            >>> import backoffice_core as bc
            >>> bo = bc.Backoffice.open("memory://")
            >>> bo.ledger.setup("X", currency="USD", chart="generic")
            >>> inv = bo.inventory
            >>> _ = inv.create_location("WH", "Warehouse", kind="warehouse")
            >>> _ = inv.create_item("WID", "Widget")
            >>> _ = inv.receive("WID", 5, location="WH", unit_cost=2, on=date(2026, 2, 1))
            >>> s = inv.scrap("WID", 1, location="WH", on=date(2026, 2, 2), reason="broken")
            >>> s.kind.value, s.destination, bo.ledger.balance("5300")
            ('scrap', 'inventory_loss', Money('2.00', 'USD'))
        """
        with self._work() as b, _named(source="location", destination="loss_location"):
            return self._new(b, sku, quantity, location, loss_location, on, lot=lot, unit=unit,
                             reference=reason, kind=MoveKind.SCRAP)

    def return_move(self, move_id: str, quantity: Any = None, *, on: date | None = None,
                    reference: str = "") -> Move:
        """Return (part of) a done move: the same item and lot back along the same path.

        A returned delivery comes back at the value it left with; a returned receipt leaves
        at its own cost (see :mod:`~backoffice_core.inventory.costing`). A done move is
        never edited: this is how it is undone.

        Example:
            >>> from datetime import date
            >>> import backoffice_core as bc
            >>> bo = bc.Backoffice.open("memory://")
            >>> bo.ledger.setup("X", currency="USD", chart="generic")
            >>> _ = bo.inventory.create_location("WH", "Warehouse", kind="warehouse")
            >>> _ = bo.inventory.create_item("WID", "Widget")
            >>> r = bo.inventory.receive("WID", 5, location="WH", unit_cost=2, on=date(2026, 2, 1))
            >>> back = bo.inventory.return_move(r.id, 2, on=date(2026, 2, 3))
            >>> back.destination, bo.inventory.on_hand("WID")
            ('supplier', Decimal('3'))
        """
        with self._work() as b:
            origin = b.repo.get_move(move_id) if lookup_key(move_id) else None
            if origin is None:
                raise not_found("move", "move_id", move_id)
            if not origin.done:
                raise ValidationError("only a done move can be returned", field="move_id",
                                      value=move_id)
            if origin.origin is not None:
                raise ValidationError("a return is not returned again; move the stock anew",
                                      field="move_id", value=move_id)
            item = b.item(origin.sku)
            left = origin.quantity - returned_of(b, origin)  # (net of returns taken back)
            if left <= 0:
                raise ValidationError("this move was returned in full", field="move_id",
                                      value=move_id)
            q = left if quantity is None else b.quantity(item, quantity, None)
            if q > left:
                raise ValidationError(f"only {left} {item.unit} are left to return",
                                      field="quantity", value=quantity)
            day = self._day(b, on)
            if day < origin.date:
                raise ValidationError("a return cannot precede the move it returns",
                                      field="on", value=day)
            move = Move(self._ids.new_id(), b.repo.allocate_seq(1), item.sku, q,
                        origin.destination, origin.source, day, MoveKind.RETURN,
                        MoveState.DONE, origin.lot, reference or origin.reference, origin.id)
            b.repo.add_moves([move])
            b.book(move)
            return move

    # ------------------------------------------------------------------ planned moves
    def plan(self, sku: str, quantity: Any, *, source: str, destination: str,
             on: date | None = None, lot: str | None = None, unit: str | None = None,
             unit_cost: Any = None, reference: str = "") -> Move:
        """Create a draft move: nothing moves yet; planned receipts count as incoming stock
        for replenishment. Validate it with :meth:`validate`. A new lot it brings in is
        made when it is validated (with ``validate``'s expiry), never by the plan alone.

        A planned receipt carries its cost (``unit_cost`` per unit of ``unit``, kept per
        the item's unit): :meth:`validate` takes none, so a receipt that needs one (any
        stockable item not at standard cost) is refused here without it, as
        :meth:`receive` refuses it, with a ``ValidationError`` naming ``unit_cost``. A
        plan that takes no cost (a delivery or transfer, valued by the item's method; a
        consumable item) refuses one given, the same way.

        Example:
            >>> from datetime import date
            >>> import backoffice_core as bc
            >>> bo = bc.Backoffice.open("memory://")
            >>> bo.ledger.setup("X", currency="USD", chart="generic")
            >>> _ = bo.inventory.create_location("WH", "Warehouse", kind="warehouse")
            >>> _ = bo.inventory.create_item("WID", "Widget")
            >>> bo.inventory.plan("WID", 2, source="supplier", destination="WH",
            ...                   on=date(2026, 2, 2))
            Traceback (most recent call last):
            ...
            backoffice_core.errors.ValidationError: unit_cost=None: a receipt needs its cost: ...
            >>> p = bo.inventory.plan("WID", 2, source="supplier", destination="WH",
            ...                       unit_cost="1.50", on=date(2026, 2, 2))
            >>> bo.inventory.validate(p.id).state.value, bo.inventory.value("WID")
            ('done', Money('3.00', 'USD'))
        """
        with self._work() as b:
            return self._new(b, sku, quantity, source, destination, on, state=MoveState.DRAFT,
                             lot=lot, unit=unit, unit_cost=unit_cost, reference=reference)

    def reserve(self, sku: str, quantity: Any, *, location: str, destination: str = "customer",
                on: date | None = None, lot: str | None = None, unit: str | None = None,
                reference: str = "") -> Move:
        """Reserve stock for an outgoing move (state ``reserved``).

        Refused with :class:`~backoffice_core.errors.InsufficientStockError` when more is
        asked than is available (on hand minus reserved) at ``location``, and with a
        ``ValidationError`` naming ``location`` when it holds no stock (a virtual location
        such as ``supplier``: only stock at an internal or transit location is reserved).

        Example:
            >>> from datetime import date
            >>> import backoffice_core as bc
            >>> bo = bc.Backoffice.open("memory://")
            >>> bo.ledger.setup("X", currency="USD", chart="generic")
            >>> _ = bo.inventory.create_location("WH", "Warehouse", kind="warehouse")
            >>> _ = bo.inventory.create_item("WID", "Widget")
            >>> _ = bo.inventory.receive("WID", 5, location="WH", unit_cost=2, on=date(2026, 2, 1))
            >>> r = bo.inventory.reserve("WID", 3, location="WH", on=date(2026, 2, 2))
            >>> bo.inventory.available("WID", "WH")
            Decimal('2')
            >>> bo.inventory.reserve("WID", 3, location="WH", on=date(2026, 2, 2))
            Traceback (most recent call last):
            ...
            backoffice_core.errors.InsufficientStockError: quantity=Decimal('3'): cannot ...
        """
        with self._work() as b:
            move = self._new(b, sku, quantity, location, destination, on,
                             state=MoveState.RESERVED, lot=lot, unit=unit, reference=reference,
                             book=False)
            self._hold(b, move)
            b.repo.add_moves([move])
            return move

    def _hold(self, b: Booking, move: Move) -> None:
        src = b.location(move.source, "location")
        if not src.valued:
            raise ValidationError(f"only stock at an internal or transit location can be "
                                  f"reserved, and {src.code} holds none", field="location",
                                  value=move.source)
        free = b.repo.quantity(move.sku, src.code) - b.repo.reserved(move.sku, src.code)
        if move.lot is not None:  # the lot's stock there, less what is reserved of that lot
            held = b.lot_reserved(move.sku, src.code, move.lot, except_id=move.id)
            free = min(free, b.repo.quantity(move.sku, src.code, move.lot) - held)
        if free < move.quantity:
            raise short_of("cannot reserve more than is available", move.sku, src.code,
                           move.quantity, free)
        b.repo.apply_reservations([(move.sku, src.code, move.quantity)])

    def _open_move(self, b: Booking, move_id: object) -> Move:
        move = b.repo.get_move(move_id) if lookup_key(move_id) else None
        if move is None:
            raise not_found("move", "move_id", move_id)
        if move.state not in _OPEN:
            hint = "return it instead" if move.done else "plan a new move instead"
            raise ValidationError(f"the move is {move.state.value}; {hint}", field="move_id",
                                  value=move_id)
        return move

    def confirm(self, move_id: str) -> Move:
        """Reserve the stock of a draft move (draft -> reserved).

        Only a move out of stock held at an internal or transit location (a delivery, a
        transfer, a loss) can be reserved. A planned move that brings stock in (a receipt
        from a supplier, a gain) sets nothing aside: confirming it is refused with a
        ``ValidationError`` naming ``move_id``; validate it when the stock arrives.
        Reserving more than is available raises
        :class:`~backoffice_core.errors.InsufficientStockError`.

        Example:
            >>> from datetime import date
            >>> import backoffice_core as bc
            >>> bo = bc.Backoffice.open("memory://", ids=bc.SequentialIds("mv"))
            >>> bo.ledger.setup("X", currency="USD", chart="generic")
            >>> _ = bo.inventory.create_location("WH", "Warehouse", kind="warehouse")
            >>> _ = bo.inventory.create_item("WID", "Widget")
            >>> p = bo.inventory.plan("WID", 5, source="supplier", destination="WH",
            ...                       unit_cost=2, on=date(2026, 2, 1))
            >>> bo.inventory.confirm(p.id)
            Traceback (most recent call last):
            ...
            backoffice_core.errors.ValidationError: move_id='mv-000001': move mv-000001 is a ...
            >>> _ = bo.inventory.validate(p.id)
            >>> d = bo.inventory.plan("WID", 3, source="WH", destination="customer",
            ...                       on=date(2026, 2, 2))
            >>> bo.inventory.confirm(d.id).state.value, bo.inventory.available("WID", "WH")
            ('reserved', Decimal('2'))
        """
        with self._work() as b:
            move = self._open_move(b, move_id)
            if move.state is MoveState.RESERVED:
                return move
            if not b.location(move.source).valued:  # stock coming in: nothing to set aside
                raise ValidationError(
                    f"move {move.id} is a {move.kind.value} from {move.source}: it brings "
                    "stock in and sets nothing aside; only a move out of stock at an "
                    "internal or transit location can be reserved (validate this one when "
                    "the stock arrives)", field="move_id", value=move_id)
            new = move._replace(state=MoveState.RESERVED, version=move.version + 1)
            self._hold(b, new)
            b.repo.update_move(new, move.version)
            return new

    def validate(self, move_id: str, *, on: date | None = None, lot: str | None = None,
                 expiry: date | None = None) -> Move:
        """Carry out a draft or reserved move (-> done), on ``on`` or its planned date; a
        receipt of a new ``lot`` (default: the planned one) makes it, with ``expiry``.

        A done or cancelled move is refused with a ``ValidationError`` naming ``move_id``.

        Example:
            >>> from datetime import date
            >>> import backoffice_core as bc
            >>> bo = bc.Backoffice.open("memory://")
            >>> bo.ledger.setup("X", currency="USD", chart="generic")
            >>> inv = bo.inventory
            >>> _ = inv.create_location("WH", "Warehouse", kind="warehouse")
            >>> _ = inv.create_item("WID", "Widget")
            >>> _ = inv.receive("WID", 5, location="WH", unit_cost=2, on=date(2026, 2, 1))
            >>> p = inv.plan("WID", 2, source="WH", destination="customer", on=date(2026, 2, 2))
            >>> done = inv.validate(p.id, on=date(2026, 2, 3))
            >>> done.state.value, done.date, inv.on_hand("WID")
            ('done', datetime.date(2026, 2, 3), Decimal('3'))
        """
        with self._work() as b:
            move = self._open_move(b, move_id)
            if move.state is MoveState.RESERVED:
                b.repo.apply_reservations([(move.sku, move.source, -move.quantity)])
            item = b.item(move.sku)
            src, dst = b.location(move.source), b.location(move.destination)
            chosen = move.lot if lot is None else lot
            lot_key = b.check_lot(item, chosen, move.quantity, expiry,
                                  create=dst.valued and not src.valued)
            day = self._day(b, move.date if on is None else on)
            done = move._replace(seq=b.repo.allocate_seq(1), date=day, state=MoveState.DONE,
                                 lot=lot_key or None, version=move.version + 1)
            if done.unit_cost is None and b.route(move.sku, move.source, move.destination)[3]:
                # ``plan`` refuses such a plan; this one predates that, or its item has
                # changed method since (validate takes no cost: the plan cannot be priced)
                raise ValidationError("a receipt needs its cost, and this plan has none: "
                                      "cancel it and plan it again with unit_cost",
                                      field="unit_cost", value=None)
            b.repo.update_move(done, move.version)
            b.book(done)
            return done

    def cancel(self, move_id: str) -> Move:
        """Cancel a draft or reserved move (its reservation is released); a done move is
        refused with a ``ValidationError`` naming ``move_id`` (return it instead).

        Example:
            >>> from datetime import date
            >>> import backoffice_core as bc
            >>> bo = bc.Backoffice.open("memory://")
            >>> bo.ledger.setup("X", currency="USD", chart="generic")
            >>> inv = bo.inventory
            >>> _ = inv.create_location("WH", "Warehouse", kind="warehouse")
            >>> _ = inv.create_item("WID", "Widget")
            >>> _ = inv.receive("WID", 5, location="WH", unit_cost=2, on=date(2026, 2, 1))
            >>> r = inv.reserve("WID", 3, location="WH", on=date(2026, 2, 2))
            >>> inv.cancel(r.id).state.value, inv.available("WID", "WH")
            ('cancelled', Decimal('5'))
            >>> inv.cancel(r.id)
            Traceback (most recent call last):
            ...
            backoffice_core.errors.ValidationError: move_id=...: the move is cancelled; plan ...
        """
        with self._work() as b:
            move = self._open_move(b, move_id)
            if move.state is MoveState.RESERVED:
                b.repo.apply_reservations([(move.sku, move.source, -move.quantity)])
            new = move._replace(state=MoveState.CANCELLED, version=move.version + 1)
            b.repo.update_move(new, move.version)
            return new

    # ------------------------------------------------------------------ bulk
    def apply_moves(self, moves: Iterable[MoveSpec]) -> list[Move]:
        """Book many done moves in one unit of work: all of them, or none (the bulk path).

        Moves are checked in date order (so each stock check sees every move dated
        before it), costs are computed per item in one pass, and the ledger gets one
        summary entry per day. An error names the move: ``moves[12].quantity``. The
        cyclic garbage collector is paused for the call, as in ``Ledger.post_many``.

        Example:
            >>> from datetime import date
            >>> import backoffice_core as bc
            >>> from backoffice_core.inventory import MoveSpec
            >>> bo = bc.Backoffice.open("memory://")
            >>> bo.ledger.setup("X", currency="USD", chart="generic")
            >>> _ = bo.inventory.create_location("WH", "Warehouse", kind="warehouse")
            >>> _ = bo.inventory.create_item("WID", "Widget")
            >>> d = date(2026, 2, 2)
            >>> done = bo.inventory.apply_moves([
            ...     MoveSpec("WID", 10, "supplier", "WH", d, unit_cost="1.50"),
            ...     MoveSpec("WID", 4, "WH", "customer", d)])
            >>> len(done), bo.inventory.on_hand("WID"), bo.ledger.balance("1210")
            (2, Decimal('6'), Money('9.00', 'USD'))
        """
        with collector_paused():
            return self._apply_moves(list(moves))

    def _apply_moves(self, specs: list[MoveSpec]) -> list[Move]:
        days: list[date] = []
        if all(map(isinstance, specs, repeat(MoveSpec))):  # checked at C speed first
            days = list(map(_DATE, specs))
        if len(days) != len(specs) or list(map(type, days)).count(date) != len(days):
            for n, spec in enumerate(specs):  # find the first bad one, to name it
                if not isinstance(spec, MoveSpec):
                    raise ValidationError("expected a MoveSpec", field=f"moves[{n}]",
                                          value=spec)
                check_date(spec.date, f"moves[{n}].date")
        # booked in date order (a stable sort), so each stock check sees every move before it;
        # moves given in date order keep it (a range: book_specs then reads them in turn)
        order: Sequence[int] = range(len(specs))
        if not all(map(le, days, days[1:])):
            order = sorted(order, key=days.__getitem__)
        with self._work(bulk=True) as b:
            ids = self._ids.new_ids(len(specs)) if specs else []
            first = b.repo.allocate_seq(len(specs)) if specs else 0
            new = self._new

            def general(n: int) -> Move:  # anything the inline common case does not take
                spec = specs[n]
                try:
                    move = new(b, spec.sku, spec.quantity, spec.source, spec.destination,
                               spec.date, lot=spec.lot, unit=spec.unit, unit_cost=spec.unit_cost,
                               expiry=spec.expiry, reference=spec.reference, kind=spec.kind,
                               date_field="date", move_id=ids[n], seq=first + n, add=False)
                except BackofficeError as err:
                    err.field = f"moves[{n}].{err.field}" if err.field else f"moves[{n}]"
                    raise
                return move

            try:
                done = b.book_specs(specs, order, ids, first, general)
            except TypeError:  # an unhashable field (a list, a signalling NaN): name it
                _name_unhashable(specs)
                raise
            b.repo.add_moves(done)
            return done


def _name_unhashable(specs: list[MoveSpec]) -> None:
    """Raise a ValidationError naming the first field of ``specs`` that does not hash
    (the bulk path's caches are dicts); return if every field hashes."""
    for n, spec in enumerate(specs):
        for field in ("sku", "quantity", "source", "destination", "unit_cost", "lot", "unit",
                      "reference"):
            value = getattr(spec, field)
            try:
                hash(value)
            except TypeError:
                raise ValidationError("not a valid value", field=f"moves[{n}].{field}",
                                      value=value) from None
