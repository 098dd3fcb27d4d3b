"""Stock counts: freeze what the books expect, record what was counted, post the difference.

A count is opened on a location (its subtree) at a date: the quantity of every
item, location and lot on hand on that date is frozen then, as the counting
sheet. Counting takes time; the difference posted is ``counted - expected``,
dated on the count's date, where *expected* is what was on hand on the count's
date as the books say *at posting*: moves dated after the count's date do not
disturb it, and a move dated on or before it but entered after the freeze (a
backdated receipt, a late-entered delivery) is taken into account instead of
being counted twice. Each line keeps the figure frozen at the start as
``frozen``. A *cycle* count covers the items named; a *full* count covers
everything in the location, and a line left uncounted counts as zero when the
count is posted (the posted line shows ``counted`` 0 and its ``difference``).

Example:
    >>> from datetime import date
    >>> from decimal import Decimal
    >>> line = CountLine("WID", "A-01", "", Decimal(10), Decimal(8))
    >>> line.difference
    Decimal('-2')
"""

from __future__ import annotations

import enum
from datetime import date
from decimal import Decimal

import attrs

from backoffice_core.money import EXACT

__all__ = ["Count", "CountKind", "CountLine", "CountState"]


class CountKind(enum.Enum):
    """``CYCLE``: the items named; ``FULL``: everything in the location."""

    CYCLE = "cycle"
    FULL = "full"


class CountState(enum.Enum):
    """``OPEN`` while counting, ``POSTED`` once the differences are booked, or ``CANCELLED``."""

    OPEN = "open"
    POSTED = "posted"
    CANCELLED = "cancelled"


@attrs.frozen(slots=True)
class CountLine:
    """One item at one location and lot: what the books expect and what was counted.

    ``lot`` is ``""`` for untracked items; ``counted`` is ``None`` until counted (a
    posted full count shows a line left uncounted as counted 0: what it was posted as).
    ``expected`` is the quantity on hand on the count's date: frozen when the line is
    opened, and recomputed as of the count's date when the count is posted (so that a
    move entered meanwhile but dated on or before the count's date is not counted twice).
    ``frozen`` keeps the figure frozen when the line was opened (``expected`` by
    default; 0 for a line opened by stock found or by the posting).
    """

    sku: str
    location: str
    lot: str
    expected: Decimal
    counted: Decimal | None = None
    frozen: Decimal = attrs.field()

    @frozen.default
    def _frozen_default(self) -> Decimal:
        return self.expected

    @property
    def difference(self) -> Decimal | None:
        """``counted - expected``, or ``None`` when not counted yet."""
        return None if self.counted is None else EXACT.subtract(self.counted, self.expected)


@attrs.frozen(slots=True)
class Count:
    """A stock count.

    Attributes:
        id: identifier.
        location: the location counted (with its subtree).
        date: the day counted: the expected quantities are what was on hand that day
            (and the adjustments are dated on it).
        kind: cycle or full.
        state: open, posted or cancelled.
        lines: one per (item, location, lot).
        adjustments: ids of the adjustment moves posted.
        value: the value of the adjustments (gains positive), in major units, once posted.
        version: optimistic-concurrency counter.
        released: ids of the moves the posting sent back to draft, because the count
            found less stock than the reservations held: reserved moves released whole,
            and the new draft move split off the one the shortfall ended in (see
            ``Inventory.post_count``).
    """

    id: str
    location: str
    date: date
    kind: CountKind
    state: CountState = CountState.OPEN
    lines: tuple[CountLine, ...] = ()
    adjustments: tuple[str, ...] = ()
    value: Decimal | None = None
    version: int = 0
    released: tuple[str, ...] = ()

    def line(self, sku: str, location: str, lot: str) -> CountLine | None:
        """The line of (sku, location, lot), if any (``lot`` is ``""`` for an untracked
        item).

        Example:
            >>> from datetime import date
            >>> from decimal import Decimal
            >>> c = Count("c-1", "WH", date(2026, 2, 10), CountKind.CYCLE,
            ...           lines=(CountLine("WID", "WH", "", Decimal(10), Decimal(9)),))
            >>> c.line("WID", "WH", "").difference, c.line("WID", "W2", "")
            (Decimal('-1'), None)
        """
        for line in self.lines:
            if line.sku == sku and line.location == location and line.lot == lot:
                return line
        return None
