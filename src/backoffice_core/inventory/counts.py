"""Stock counts: freeze what the books expect, record what was counted, post the difference.

A count is opened on a location (its subtree) at a date: the expected
quantity of every item, location and lot is frozen then. Counting takes time;
moves that happen meanwhile do not disturb it, because the difference posted is
``counted - expected`` (frozen), dated on the count's date. A *cycle* count
covers the items named; a *full* count covers everything in the location, and
a line left uncounted counts as zero when the count is posted.

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

    ``lot`` is ``""`` for untracked items; ``counted`` is ``None`` until counted.
    """

    sku: str
    location: str
    lot: str
    expected: Decimal
    counted: Decimal | None = None

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
        date: the day the expected quantities were frozen (and the adjustments are dated).
        kind: cycle or full.
        state: open, posted or cancelled.
        lines: one per (item, location, lot).
        adjustments: ids of the adjustment moves posted.
        value: the value of the adjustments (gains positive), in major units, once posted.
        version: optimistic-concurrency counter.
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

    def line(self, sku: str, location: str, lot: str) -> CountLine | None:
        """The line of (sku, location, lot), if any."""
        for line in self.lines:
            if line.sku == sku and line.location == location and line.lot == lot:
                return line
        return None
