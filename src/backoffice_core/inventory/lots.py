"""Lots and serial numbers, expiry dates, and FEFO picking (first expired, first out).

Example:
    >>> from datetime import date
    >>> from decimal import Decimal
    >>> stock = [("A-01", "L2", date(2026, 6, 1), Decimal(5)),
    ...          ("A-01", "L1", date(2026, 3, 1), Decimal(4))]
    >>> [(p.lot, p.quantity) for p in fefo(stock, Decimal(6), on=date(2026, 2, 1))]
    [('L1', Decimal('4')), ('L2', Decimal('2'))]
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal

import attrs

from backoffice_core.dates import check_date
from backoffice_core.errors import ValidationError
from backoffice_core.text import check_code, check_lookup

__all__ = ["Lot", "PickLine", "fefo", "lot_code"]


def _code(value: object) -> str:
    return check_code(value, field="lot", what="lot or serial number")


def lot_code(value: object, field: str = "lot") -> str:
    """The lot (or serial number) a caller names, as lots are kept: stripped of surrounding
    white space, as :class:`Lot` strips its code (and as SKUs and location codes are
    stripped, :func:`~backoffice_core.text.check_code`). Every move, count, read and
    document line takes its lot through here, so ``" L9 "`` and ``"L9"`` are one lot on
    every store. A ``ValidationError`` naming ``field`` and the value as given for what
    cannot be a lot: not a string, blank, or holding a control character.

    Example:
        >>> lot_code(" L-0412 ")
        'L-0412'
        >>> lot_code("  ")
        Traceback (most recent call last):
        ...
        backoffice_core.errors.ValidationError: lot='  ': lot must be a non-empty string
    """
    code = value.strip() if isinstance(value, str) else ""
    if not code:
        raise ValidationError("lot must be a non-empty string", field=field, value=value)
    check_lookup(field, value, code=True)  # (no lot is stored with a control character)
    return code


@attrs.frozen(slots=True)
class Lot:
    """A lot (or serial number) of one item.

    Attributes:
        sku: the item.
        code: the lot or serial number, unique per item.
        expiry: the day it expires (``None``: never).

    Example:
        >>> from datetime import date
        >>> Lot("MILK", "L-0412", date(2026, 4, 12)).expired(date(2026, 4, 13))
        True
    """

    sku: str
    code: str = attrs.field(converter=_code)
    expiry: date | None = None

    def __attrs_post_init__(self) -> None:
        check_code(self.sku, field="sku", what="sku")
        check_date(self.expiry, "expiry", optional=True)

    def expired(self, on: date) -> bool:
        """True when the lot's expiry date is before ``on`` (a lot is still usable on its
        expiry day, as :func:`fefo` picks it; one without an expiry never expires); ``on``
        not a date is refused with a ``ValidationError`` naming ``on``.

        Example:
            >>> from datetime import date
            >>> milk = Lot("MILK", "L-0412", date(2026, 4, 12))
            >>> milk.expired(date(2026, 4, 12)), milk.expired(date(2026, 4, 13))
            (False, True)
        """
        day = check_date(on, "on")
        return self.expiry is not None and self.expiry < day


@attrs.frozen(slots=True)
class PickLine:
    """One line of a picking suggestion: take ``quantity`` of ``lot`` from ``location``."""

    location: str
    lot: str
    expiry: date | None
    quantity: Decimal


def fefo(stock: Iterable[tuple[str, str, date | None, Decimal]], quantity: Decimal, *,
         on: date, free: Mapping[str, Decimal] | None = None) -> list[PickLine]:
    """Suggest what to pick: lots that expire first go first; expired lots are skipped.

    ``stock`` holds ``(location, lot, expiry, quantity that may be taken)`` rows. Lots
    without an expiry come last; ties go by expiry, then lot, then location. ``free``
    caps what is taken at a location over all its lots together (what reservations of
    no particular lot leave there). The result may hold less than ``quantity`` when
    there is not enough; the caller decides.

    Example:
        >>> from datetime import date
        >>> rows = [("B", "OLD", date(2026, 1, 1), Decimal(3)), ("B", "N", None, Decimal(9))]
        >>> [(p.lot, p.quantity) for p in fefo(rows, Decimal(2), on=date(2026, 2, 1))]
        [('N', Decimal('2'))]
        >>> rows = [("B", "L1", None, Decimal(3)), ("B", "L2", None, Decimal(3)),
        ...         ("C", "L1", None, Decimal(3))]
        >>> [(p.location, p.lot, p.quantity)  # 4 of B's 6 are held by no particular lot
        ...  for p in fefo(rows, Decimal(4), on=date(2026, 2, 1), free={"B": Decimal(2)})]
        [('B', 'L1', Decimal('2')), ('C', 'L1', Decimal('2'))]
    """
    usable = [r for r in stock if r[3] > 0 and (r[2] is None or r[2] >= on)]
    usable.sort(key=lambda r: (r[2] is None, r[2] or date.max, r[1], r[0]))
    out: list[PickLine] = []
    left = quantity
    room = dict(free or {})
    for loc, lot, expiry, qty in usable:
        if left <= 0:
            break
        take = min(qty, left)
        if loc in room:
            take = min(take, room[loc])
            if take <= 0:
                continue
            room[loc] -= take
        out.append(PickLine(loc, lot, expiry, take))
        left -= take
    return out
