"""Valuation records, cost state, layers, and the one rounding rule of the valuation.

Every move that crosses between company stock (internal and transit locations)
and the outside (suppliers, customers, losses, production) is a *cost event*
of its item, and so are landed costs and changes of valuation method. An
item's cost events, ordered by ``(date, seq)``, are its valuation history: a
:class:`CostRecord` per event holds what was asked (quantity, given cost,
counterpart role) and what the costing engine computed (the inventory value
change and the counterpart lines posted to the ledger). Quantities in the
engine are integer *steps* of the item's unit and values integer *minor units*
of the book's currency, so the engine's arithmetic is exact integer arithmetic.

The rounding point: a value is rounded to the currency's minor unit in exactly
one place, when a quantity is taken out of a layer (or priced at a unit cost):
``share(value, quantity, taken)`` is ``value`` when everything is taken and
``round(value * taken / quantity)`` under the valuation's named
:class:`~backoffice_core.money.RoundingPolicy` (half-up by default) otherwise.
The residue stays in the layer, so a layer's value reaches exactly zero with
its last unit.

Example:
    >>> share(1000, 3, 1), share(1000 - 333, 2, 1), share(1000 - 333 - 334, 1, 1)
    (333, 334, 333)
    >>> unit_rate(Decimal("2.50"), 2, 0)
    (250, 1)
"""

from __future__ import annotations

import bisect
import enum
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from functools import partial
from operator import itemgetter
from typing import Any, NamedTuple

import attrs

from backoffice_core.exact import plain
from backoffice_core.inventory.items import ValuationMethod
from backoffice_core.money import QUOTIENT, RoundingPolicy

__all__ = [
    "CHECKPOINT_EVERY",
    "CostContext",
    "CostKind",
    "CostRecord",
    "CostState",
    "DebtRow",
    "Layer",
    "LayerRow",
    "ValuationEntry",
    "divide",
    "merge_lines",
    "merge_records",
    "merged_layer",
    "new_record",
    "share",
    "take_part",
    "unit_rate",
]

CHECKPOINT_EVERY = 64
"""A cost record carries a snapshot of the engine state at least every this many events."""

LayerRow = tuple[str, date, int, int, int, int]
"""(origin event, date, quantity in, value in, quantity left, value left)."""
DebtRow = tuple[str, str, int, int]
"""(event that went negative, its counterpart role, quantity owed, provisional value)."""


class CostKind(enum.Enum):
    """What a cost event does to an item's value.

    * ``IN``: stock arrives at a given cost (or at the last known unit cost).
    * ``OUT``: stock leaves, costed by the item's method.
    * ``RETURN_IN``: stock that left comes back at the value it left with.
    * ``RETURN_OUT``: stock that came in goes back; the counterpart is reversed at the
      cost it came in with (or at ``given``), any difference goes to the price variance.
    * ``LANDED``: a landed cost (freight, duty) added to one receipt.
    * ``REVALUE``: a change of valuation method or standard cost from a date.
    """

    IN = "in"
    OUT = "out"
    RETURN_IN = "return_in"
    RETURN_OUT = "return_out"
    LANDED = "landed"
    REVALUE = "revalue"


_INCOMING = (CostKind.IN, CostKind.RETURN_IN)  # tuples: `in` compares identity first
_OUTGOING = (CostKind.OUT, CostKind.RETURN_OUT)


@attrs.frozen(slots=True)
class CostState:
    """The costing engine's state for one item: open layers, debts, last unit cost.

    Stored as the item's current state, and as *snapshots* inside cost records
    (the state before that record), so a backdated event replays only from the
    nearest snapshot, never from the start of the history.

    Attributes:
        method: the method in force.
        standard: the standard cost per unit (major units), if any.
        layers: open layers, oldest first (pooled methods hold one pooled layer).
        debts: quantities issued beyond the stock on hand, oldest first (negative stock).
        last_cost: ``(value, quantity)`` of the last known unit cost, in minor units and steps.
        last_key: ``(date, seq)`` of the last event applied.
        group: ``(year, month)`` of the open period of a periodic average, if any.
        since: events applied since the last snapshot.
        settled: per issue that went negative and whose debt was settled (in part), the
            settled less the provisional cost of what it owed, in minor units: the cost
            it finally carries is its record's cost plus this, and its returns come back
            at that (the entry goes when it is returned whole).

    Example:
        >>> s = CostState(ValuationMethod.FIFO)
        >>> s.quantity, s.value
        (0, 0)
    """

    method: ValuationMethod
    standard: Decimal | None = None
    layers: tuple[LayerRow, ...] = ()
    debts: tuple[DebtRow, ...] = ()
    last_cost: tuple[int, int] | None = None
    last_key: tuple[date, int] | None = None
    group: tuple[int, int] | None = None
    since: int = CHECKPOINT_EVERY
    settled: tuple[tuple[str, int], ...] = ()

    @property
    def quantity(self) -> int:
        """Steps on hand (negative while debts are open)."""
        return sum(r[4] for r in self.layers) - sum(d[2] for d in self.debts)

    @property
    def value(self) -> int:
        """Value on hand in minor units (debts count negative)."""
        return sum(r[5] for r in self.layers) - sum(d[3] for d in self.debts)


class CostRecord(NamedTuple):
    """One cost event of an item and what the engine computed for it.

    Input fields (fixed when the event is recorded):
        sku, day, seq: the item and the event's place in its history.
        event: id of the move, landed cost or revaluation.
        kind: a :class:`CostKind`.
        quantity: steps of the item's unit moved (0 for landed costs and revaluations).
        given: ``IN``: the cost in minor units (``None``: the last known unit cost);
            ``LANDED``: the amount; ``RETURN_OUT``: the amount the counterpart is
            reversed at (``None``: the returned receipt's share of its cost).
        role: the counterpart posting role (``"grni"``, ``"cogs"``...).
        origin: ``RETURN_*``: the returned move; ``LANDED``: the receipt.
        prior: ``RETURN_*``: steps of the origin returned by earlier returns.
        method, standard: ``REVALUE``: the new method and standard cost.

    Outcome fields (recomputed when an earlier event changes):
        value: the change of the inventory value, in minor units (signed).
        lines: counterpart ledger amounts per role (debit positive); they sum to ``-value``.
        cost: ``IN``-type: the cost of the quantity; ``OUT``-type: the value taken.
        snapshot: the engine state before this event, on checkpoint records.

    A named tuple: the bulk path builds one per valued move.
    """

    sku: str
    day: date
    seq: int
    event: str
    kind: CostKind
    quantity: int = 0
    given: int | None = None
    role: str = ""
    origin: str | None = None
    prior: int = 0
    method: ValuationMethod | None = None
    standard: Decimal | None = None
    value: int = 0
    lines: tuple[tuple[str, int], ...] = ()
    cost: int = 0
    snapshot: CostState | None = None

    @property
    def key(self) -> tuple[date, int]:
        """``(day, seq)``: the order of the item's history."""
        return (self.day, self.seq)

    @property
    def signed_quantity(self) -> int:
        """Steps added to the valued stock (negative for outgoing events)."""
        if self.kind in _INCOMING:
            return self.quantity
        if self.kind in _OUTGOING:
            return -self.quantity
        return 0

    def same_outcome(self, other: CostRecord) -> bool:
        """True when ``other`` computed the same value, lines, cost and snapshot."""
        return (self.value == other.value and self.lines == other.lines
                and self.cost == other.cost and self.snapshot == other.snapshot)


#: a :class:`CostRecord` from a tuple of all its fields, without the named tuple's
#: Python-level ``__new__`` (the booking's and the engine's hot paths)
new_record: Callable[[tuple[Any, ...]], CostRecord] = partial(tuple.__new__, CostRecord)


def _none(event: str) -> CostRecord | None:
    return None


@attrs.frozen(slots=True)
class CostContext:
    """What the engine needs besides the state.

    Attributes:
        digits: minor-unit digits of the book's currency.
        precision: decimal places of the item's unit (quantities are steps of it).
        policy: the rounding policy of the valuation (the rounding point).
        lookup: finds a stored cost record by event id (returns and landed costs name
            their origin).
        every: snapshot at least every this many events.
        lines: one shared ``((role, amount),)`` tuple per role and amount (filled by the
            engine on the bulk path, bounded): equal outcomes share their counterpart
            lines, so a million records do not hold a million pairs of small tuples.
    """

    digits: int
    precision: int
    policy: RoundingPolicy = RoundingPolicy.HALF_UP
    lookup: Callable[[str], CostRecord | None] = _none
    every: int = CHECKPOINT_EVERY
    lines: dict[str, dict[int, tuple[tuple[str, int], ...]]] = attrs.field(
        factory=dict, eq=False, repr=False)


@attrs.frozen(slots=True)
class Layer:
    """An open cost layer, as shown to a person: what came in and what is left.

    Pooled methods (average, periodic average, standard) show one pooled layer.

    Example:
        >>> from datetime import date
        >>> layer = Layer("mv-1", date(2026, 2, 2), Decimal(10), Decimal("25.00"),
        ...               Decimal(4), Decimal("10.00"))
        >>> layer.unit_cost
        Decimal('2.5')
    """

    origin: str
    date: date
    quantity_in: Decimal
    value_in: Decimal
    quantity: Decimal
    value: Decimal

    @property
    def unit_cost(self) -> Decimal:
        """Value left over quantity left (a display figure; zero for an empty layer)."""
        if self.quantity == 0:
            return Decimal(0)
        return plain(QUOTIENT.divide(self.value, self.quantity))  # 1000, not 1E+3


@attrs.frozen(slots=True)
class ValuationEntry:
    """One line of an item's valuation history: quantity and value in or out.

    Attributes:
        date, event, kind: when, which move (or landed cost, revaluation), what.
        quantity: signed quantity in the item's unit (in positive, out negative).
        value: signed change of the stock value, in major units of the book's currency.
        counterpart: ``(role, amount)`` pairs posted against the inventory account.
    """

    date: date
    event: str
    kind: CostKind
    quantity: Decimal
    value: Decimal
    counterpart: tuple[tuple[str, Decimal], ...]


def divide(numerator: int, denominator: int, policy: RoundingPolicy) -> int:
    """``numerator / denominator`` rounded to an integer under ``policy`` (exact ints).

    Example:
        >>> [divide(n, 2, RoundingPolicy.HALF_UP) for n in (5, -5, 4)]
        [3, -3, 2]
        >>> [divide(n, 2, RoundingPolicy.HALF_EVEN) for n in (5, 7, -5)]
        [2, 4, -2]
    """
    if numerator < 0:
        return -divide(-numerator, denominator, policy)
    q, r = divmod(numerator, denominator)
    if r == 0 or policy is RoundingPolicy.DOWN:
        return q
    if policy is RoundingPolicy.UP:
        return q + 1
    twice = 2 * r
    if twice > denominator:
        return q + 1
    if twice < denominator:
        return q
    if policy is RoundingPolicy.HALF_EVEN:
        return q + (q & 1)
    return q + 1


def share(value: int, quantity: int, taken: int,
          policy: RoundingPolicy = RoundingPolicy.HALF_UP) -> int:
    """The value of ``taken`` steps out of ``quantity`` steps worth ``value`` (the rounding point).

    Example:
        >>> share(100, 3, 3), share(100, 3, 2)
        (100, 67)
    """
    if taken == quantity:
        return value
    return divide(value * taken, quantity, policy)


def take_part(layer: list[Any], qty: int, half_up: bool, policy: RoundingPolicy) -> int:
    """Take ``qty`` steps out of an open ``layer`` (a :data:`LayerRow` as a list, holding
    more than ``qty``) and return their value: :func:`share` of what is left, computed
    inline when ``half_up`` (the engine's hot path). The layer keeps the rest, so its
    units and value always run out together.

    Example:
        >>> layer = ["r1", date(2026, 2, 2), 3, 1000, 3, 1000]
        >>> take_part(layer, 1, True, RoundingPolicy.HALF_UP), layer[4:]
        (333, [2, 667])
    """
    have = layer[4]
    num = layer[5] * qty
    value: int = ((2 * num + have) // (2 * have) if half_up and num >= 0
                  else divide(num, have, policy))
    layer[4] = have - qty
    layer[5] -= value
    return value


def unit_rate(cost: Decimal, digits: int, precision: int) -> tuple[int, int]:
    """A unit cost (major units per unit) as an exact ratio of minor units per step.

    ``value = divide(steps * rate[0], rate[1], policy)``.

    Example:
        >>> unit_rate(Decimal("0.125"), 2, 3)  # 0.125 per kg, in cents per gram
        (125, 10000)
    """
    sign, digits_t, exponent = cost.as_tuple()
    assert isinstance(exponent, int)
    mantissa = int("".join(map(str, digits_t)) or "0") * (-1 if sign else 1)
    shift = exponent + digits - precision
    if shift >= 0:
        return mantissa * 10**shift, 1
    return mantissa, 10**-shift


def merge_lines(pairs: list[tuple[str, int]]) -> tuple[tuple[str, int], ...]:
    """Counterpart lines ``(role, amount)`` summed per role, in the order each role first
    appears, without the zero sums.

    Example:
        >>> merge_lines([("cogs", 500), ("price_variance", 20), ("cogs", -500)])
        (('price_variance', 20),)
    """
    if len(pairs) == 1:
        return tuple(pairs) if pairs[0][1] else ()
    merged: dict[str, int] = {}
    for role, amount in pairs:
        merged[role] = merged.get(role, 0) + amount
    return tuple((r, a) for r, a in merged.items() if a)


_BY_KEY = itemgetter(1, 2)  # (day, seq) of a CostRecord


def merged_layer(layers: list[list[Any]], receipt: CostRecord,
                 find: Callable[[str], CostRecord | None]) -> list[Any] | None:
    """The open FIFO or LIFO layer that holds ``receipt``'s stock after a change of method.

    A change from a pooled method to FIFO or LIFO makes one layer of the pool, whose
    origin is the change (``REVALUE``): the stock of every receipt before the change is
    in it, so a landed cost on such a receipt belongs to it (``find`` reads a record by
    its event). ``None`` when the receipt came after the change, or the layer is gone.
    """
    for layer in layers:
        if layer[1] >= receipt.day:
            found = find(layer[0])
            if found is not None and found.kind is CostKind.REVALUE and found.key > receipt.key:
                return layer
    return None


def merge_records(old: list[CostRecord], new: list[CostRecord]) -> list[CostRecord]:
    """``old`` and ``new`` cost records (each in (day, seq) order) merged in that order: a
    sort for many new records, an insertion each for a few.

    Example:
        >>> d = date(2026, 2, 2)
        >>> old = [CostRecord("W", d, 1, "a", CostKind.IN, 1), CostRecord("W", d, 3, "c",
        ...        CostKind.OUT, 1)]
        >>> [r.event for r in merge_records(old, [CostRecord("W", d, 2, "b", CostKind.IN, 1)])]
        ['a', 'b', 'c']
    """
    if len(new) > 8:
        merged = old + new
        merged.sort(key=_BY_KEY)
        return merged
    merged = old[:]
    for r in new:
        merged.insert(bisect.bisect_right(merged, (r[1], r[2]), key=_BY_KEY), r)
    return merged
