"""Stock moves: every change of stock is a quantity moved from one location to another.

A move takes a positive quantity out of its ``source`` and puts it into its
``destination``, so the quantities of all locations (virtual ones included)
always sum to zero per item, like debits and credits. What a move *is* follows
from the kinds of its two locations (:func:`classify`): supplier to internal is
a receipt, internal to customer a delivery, internal to internal a transfer,
to or from inventory loss an adjustment (or a scrap), and a move back along a
done move is a return. A done move is never edited; it is undone by a return.

``Move`` and ``QuantityDelta`` are named tuples, not attrs classes: the bulk
path builds millions of them, and a tuple is built about three times faster.

Example:
    >>> from backoffice_core.inventory.locations import VIRTUAL_LOCATIONS, Location
    >>> wh = Location("WH", "Warehouse", "warehouse")
    >>> classify(VIRTUAL_LOCATIONS["supplier"], wh).value
    'receipt'
    >>> classify(wh, VIRTUAL_LOCATIONS["customer"]).value
    'delivery'
"""

from __future__ import annotations

import datetime as _dt
import enum
from collections.abc import Iterable, Iterator
from datetime import date
from decimal import Decimal
from operator import itemgetter
from typing import Any, NamedTuple, TypeVar, cast

from backoffice_core.errors import ValidationError
from backoffice_core.inventory.locations import Location, LocationKind

__all__ = ["Move", "MoveKind", "MoveSpec", "MoveState", "QuantityDelta", "classify", "fields_of"]


class MoveKind(enum.Enum):
    """What a move does, decided by its locations (scrap and return are named by the caller)."""

    RECEIPT = "receipt"
    DELIVERY = "delivery"
    TRANSFER = "transfer"
    ADJUSTMENT = "adjustment"
    SCRAP = "scrap"
    RETURN = "return"
    PRODUCTION = "production"


class MoveState(enum.Enum):
    """``DRAFT`` (planned), ``RESERVED`` (stock set aside), ``DONE`` (final) or ``CANCELLED``."""

    DRAFT = "draft"
    RESERVED = "reserved"
    DONE = "done"
    CANCELLED = "cancelled"


class Move(NamedTuple):
    """A stock move, as stored.

    Attributes:
        id: time-ordered identifier.
        seq: the book's move sequence number; a move gets a new one when it is done, and
            moves of one day are costed in ``seq`` order.
        sku: the item.
        quantity: positive, in the item's unit, at the unit's precision.
        source, destination: location codes.
        date: the day the stock moves (or is planned to).
        kind: receipt, delivery, transfer...
        state: draft, reserved, done or cancelled.
        lot: lot or serial number (``None`` for untracked items).
        reference: the source document, free text.
        origin: for a return, the id of the move it returns.
        unit_cost: the cost per unit given by the caller for incoming stock, if any (no
            other move takes one).
        version: optimistic-concurrency counter (draft and reserved moves change state).
        handover: the id of the document hand-over that made the move
            (:class:`~backoffice_core.documents.StockHandover`: a goods receipt's or
            delivery note's line, issued or cancelled), ``None`` for any other move.

    Example:
        >>> from datetime import date
        >>> m = Move("mv-1", 1, "WID", Decimal(5), "supplier", "WH", date(2026, 2, 2),
        ...          MoveKind.RECEIPT, MoveState.DONE)
        >>> m.done, m.signed_at("WH"), m.signed_at("supplier")
        (True, Decimal('5'), Decimal('-5'))
    """

    id: str
    seq: int
    sku: str
    quantity: Decimal
    source: str
    destination: str
    date: date
    kind: MoveKind
    state: MoveState
    lot: str | None = None
    reference: str = ""
    origin: str | None = None
    unit_cost: Decimal | None = None
    version: int = 0
    handover: str | None = None

    @property
    def done(self) -> bool:
        """True once the move has happened."""
        return self.state is MoveState.DONE

    def signed_at(self, location: str) -> Decimal:
        """The quantity this move adds to ``location`` (negative at its source, zero
        elsewhere), whatever its state.

        Example:
            >>> from datetime import date
            >>> m = Move("mv-1", 1, "WID", Decimal(5), "WH", "customer", date(2026, 2, 2),
            ...          MoveKind.DELIVERY, MoveState.DONE)
            >>> m.signed_at("WH"), m.signed_at("customer"), m.signed_at("W2")
            (Decimal('-5'), Decimal('5'), Decimal('0'))
        """
        if location == self.destination:
            return self.quantity
        if location == self.source:
            return -self.quantity
        return Decimal(0)


class MoveSpec(NamedTuple):
    """One move for :meth:`~backoffice_core.inventory.service.Inventory.apply_moves`.

    ``unit`` defaults to the item's unit; ``kind`` is inferred from the locations
    unless given (``MoveKind.SCRAP``); ``unit_cost`` prices incoming stock, and only that:
    a move valued otherwise (an issue, a transfer, a consumable item) given one is refused
    with a ``ValidationError`` naming ``moves[n].unit_cost``.

    Example:
        >>> from datetime import date
        >>> MoveSpec("WID", "10", "supplier", "WH", date(2026, 2, 2), unit_cost="2.50").kind is None
        True
    """

    sku: str
    quantity: Any
    source: str
    destination: str
    date: date
    unit_cost: Any = None
    lot: str | None = None
    unit: str | None = None
    reference: str = ""
    kind: MoveKind | None = None
    expiry: _dt.date | None = None


class QuantityDelta(NamedTuple):
    """Quantity moved along one route (item, source, destination, lot) on one day.

    Stored once, it adds to the destination and takes from the source: quantities
    are conserved by construction, like the two sides of a journal line.
    """

    sku: str
    source: str
    destination: str
    lot: str
    day: date
    quantity: Decimal


T = TypeVar("T", bound=tuple[Any, ...])
_ALL = itemgetter(slice(None))  # x[:] of a tuple subclass: a plain copy (memcpy, no iteration)


def fields_of(items: Iterable[T]) -> Iterator[T]:
    """``items`` (named tuples) as plain tuples of the same fields, for a hot loop that
    unpacks each one once: a plain tuple unpacks (and indexes) several times faster.

    Typed as the named tuples themselves: use them only to unpack or index.

    Example:
        >>> from datetime import date
        >>> spec = MoveSpec("WID", 2, "supplier", "WH", date(2026, 2, 2))
        >>> [type(row).__name__ for row in fields_of([spec])], next(fields_of([spec]))[:2]
        (['tuple'], ('WID', 2))
    """
    return cast(Iterator[T], map(_ALL, items))


_LOSS = LocationKind.INVENTORY_LOSS
_PROD = LocationKind.PRODUCTION


def classify(source: Location, destination: Location) -> MoveKind:
    """The kind of a move between ``source`` and ``destination``.

    Raises:
        ValidationError: when neither side holds company stock (``field="destination"``).

    Example:
        >>> from backoffice_core.inventory.locations import VIRTUAL_LOCATIONS as V
        >>> classify(V["transit"], Location("B", "Bin", "bin")).value
        'transfer'
        >>> classify(V["supplier"], V["customer"])
        Traceback (most recent call last):
        ...
        backoffice_core.errors.ValidationError: destination='customer': a move needs ...
    """
    if source.valued and destination.valued:
        return MoveKind.TRANSFER
    if not source.valued and not destination.valued:
        raise ValidationError("a move needs an internal or transit location on one side",
                              field="destination", value=destination.code)
    other = source if destination.valued else destination
    if other.kind is _LOSS:
        return MoveKind.ADJUSTMENT
    if other.kind is _PROD:
        return MoveKind.PRODUCTION
    if other.kind is LocationKind.SUPPLIER:
        return MoveKind.RECEIPT if destination.valued else MoveKind.RETURN
    return MoveKind.DELIVERY if source.valued else MoveKind.RETURN
