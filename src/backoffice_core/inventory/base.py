"""The plumbing every inventory service shares: units of work, dates, new moves.

Example:
    >>> import backoffice_core as bc
    >>> bo = bc.Backoffice.open("memory://")
    >>> isinstance(bo.inventory, InventoryBase)
    True
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from decimal import localcontext
from functools import partial
from typing import Any

from backoffice_core._collector import collector_paused
from backoffice_core.errors import ValidationError
from backoffice_core.inventory.booking import Booking
from backoffice_core.inventory.items import Tracking, ValuationMethod
from backoffice_core.inventory.moves import Move, MoveKind, MoveState
from backoffice_core.inventory.units import cost_per
from backoffice_core.money import EXACT, RoundingPolicy
from backoffice_core.ports import UnitOfWork
from backoffice_core.text import check_text

__all__ = ["InventoryBase", "collector_paused"]  # collector_paused: the shared one

_make = partial(tuple.__new__, Move)  # builds without the _make frame (hot path)


class InventoryBase:
    """Shared plumbing: one unit of work (and one :class:`Booking`) per call.

    Args:
        uow: the book's unit-of-work factory; its units of work must offer the inventory
            capability (:class:`~backoffice_core.inventory.repository.InventoryUnitOfWork`),
            else every call raises a typed ``StorageError``.
        clock: the injected clock (dates default to its today).
        ids: the injected id generator.
        ledger: the ledger service; entries are posted with ``post_within``.
        rounding: the valuation's rounding policy (see
            :mod:`~backoffice_core.inventory.valuation`).
    """

    def __init__(self, uow: Callable[[], UnitOfWork], clock: Any, ids: Any, ledger: Any, *,
                 rounding: RoundingPolicy = RoundingPolicy.HALF_UP) -> None:
        self._uow = uow
        self._clock = clock
        self._ids = ids
        self._ledger = ledger
        self.rounding = rounding

    @contextmanager
    def _work(self, *, bulk: bool = False) -> Iterator[Booking]:
        # in the library's exact decimal context, not the caller's (restored on return)
        with localcontext(EXACT), self._uow() as uow:
            # the book's write lock first, as the ledger service does: what the work reads
            # (stock, what a move has left to return, the item) cannot change under it
            uow.ledger.last_entry()
            booking = Booking(uow, self._ledger, self._ids, policy=self.rounding, bulk=bulk)
            yield booking
            booking.finish()
            uow.commit()

    @contextmanager
    def _read(self) -> Iterator[Booking]:
        with localcontext(EXACT), self._uow() as uow:
            yield Booking(uow, self._ledger, self._ids, policy=self.rounding)

    def _day(self, booking: Booking, on: object, field: str = "on") -> date:
        return booking.check_date(self._clock.today() if on is None else on, field)

    # ------------------------------------------------------------------ moves
    def _new(self, b: Booking, sku: object, quantity: Any, source: object, destination: object,
             on: object, *, state: MoveState = MoveState.DONE, lot: object = None,
             unit: str | None = None, unit_cost: Any = None, value: Any = None,
             expiry: Any = None, reference: object = "", kind: MoveKind | None = None,
             date_field: str = "on", move_id: str | None = None, seq: int | None = None,
             book: bool = True, add: bool = True, handover: str | None = None) -> Move:
        """Validate and create one move (and book it when done); ``add=False`` leaves
        storing the move to the caller (the bulk path stores a batch's moves at once)."""
        item, move_kind, incoming, needs_cost, no_cost, source, destination = b.route(
            sku, source, destination)  # (the codes as the locations keep them)
        if kind is not None:
            move_kind = kind
        q = b.quantity(item, quantity, unit)
        day = on if type(on) is date and on in b.open_days else self._day(b, on, date_field)
        if type(reference) is not str:
            raise ValidationError("reference must be a string", field="reference",
                                  value=reference)
        if not reference.isprintable():  # the one text rule (tab and line breaks pass)
            check_text("reference", reference)
        if no_cost is not None and (unit_cost is not None or value is not None):
            # kept on the move but never used, it would mislead whoever reads the move
            field, given_cost = ("unit_cost", unit_cost) if unit_cost is not None \
                else ("value", value)
            raise ValidationError(f"{no_cost}, so it takes no {field}", field=field,
                                  value=given_cost)
        cost = b.unit_cost(unit_cost) if unit_cost is not None else None
        given = None
        if cost is not None and unit is not None and unit != item.unit:
            if state is MoveState.DONE:
                given = b.check_cost(b.cost_in(b.unit(unit), quantity, cost),  # per ``unit``
                                     "unit_cost", unit_cost)
                cost = None
            else:  # kept on the planned move, which knows only a cost per the item's unit
                try:
                    cost = cost_per(cost, b.unit(unit), b.unit(item.unit))
                except ValidationError as err:
                    if err.field == "unit_cost":
                        err.value = unit_cost  # as given
                    raise
        priced = None  # the cost of the quantity at ``cost``: checked here, booked below
        if cost is not None and given is None:  # refused as given, before any write
            priced = b.check_cost(b.cost_of(item, q, cost), "unit_cost", unit_cost)
        if incoming and item.valuation is ValuationMethod.STANDARD and item.standard_cost:
            b.check_cost(b.cost_of(item, q, item.standard_cost), "quantity", quantity)
        if value is not None:
            if unit_cost is not None:
                raise ValidationError("give unit_cost or value, not both", field="value",
                                      value=value)
            given = b.money(value, "value")
            if given < 0:
                raise ValidationError("a cost must not be negative", field="value", value=value)
        if needs_cost and cost is None and given is None and state is not MoveState.RESERVED:
            # done now, or planned: ``validate`` takes no cost, so a plan must carry it
            # (a reservation of a receipt is refused by ``reserve`` itself)
            raise ValidationError("a receipt needs its cost: pass unit_cost" + (
                " or value" if state is MoveState.DONE else " when it is planned"),
                field="unit_cost", value=None)
        if lot is None and expiry is None and item.tracking is Tracking.NONE:
            lot_key = ""
        elif state is MoveState.DONE or lot is not None:
            lot_key = b.check_lot(item, lot, q, expiry, create=incoming,
                                  planned=state is not MoveState.DONE)
        else:
            lot_key = ""
        if seq is None:
            seq = b.repo.allocate_seq(1)
        move = _make((move_id or self._ids.new_id(), seq, item.sku, q, source, destination, day,
                      move_kind, state, lot_key or None, reference, None, cost, 0, handover))
        if book:
            if add:
                b.repo.add_moves([move])
            if state is MoveState.DONE:  # (with the cost given per another unit, if any)
                b.book(move, given=priced if given is None else given)
        return move

