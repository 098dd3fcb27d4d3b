"""The costing engine: FIFO, LIFO, moving average, periodic average and standard cost.

:class:`CostEngine` applies an item's cost events in ``(date, seq)`` order to a
:class:`~backoffice_core.inventory.valuation.CostState` and computes, for each,
the change of the inventory value and the counterpart ledger lines. It is pure:
no storage, no clock. The service appends new events to the current state, or,
for a backdated event, replays from the nearest snapshot before it; the events
after it are recomputed and only their *differences* are posted.

The rules, all in exact integer arithmetic (steps and minor units):

* **In** (receipt, count gain, unreferenced return): the stock comes in at the given
  cost, or, when none is given, at the last known unit cost (the standard cost before
  any is known, else zero). FIFO and LIFO open a layer per event; the average methods
  and the standard method keep one pooled layer. Under the standard method the layer
  is valued at standard and the difference to the given cost is posted to the role
  ``price_variance``.
* **Out** (delivery, loss, scrap, consumption): taken from the oldest layer (FIFO), the
  newest (LIFO), or the pool, each take valued with
  :func:`~backoffice_core.inventory.valuation.share` (the one rounding point).
* **Negative stock** (where allowed): what is issued beyond the stock on hand is costed
  at the last known unit cost and recorded as a *debt*. The next incoming stock settles
  debts first: those units are valued at the incoming cost, and the difference from the
  provisional cost is posted, at the date of the incoming event, to the counterpart
  role of the event that went negative.
* **Periodic average**: per calendar month, the opening pool plus every incoming event
  of the month forms one pool, and every outgoing event of the month takes from it, so
  each issue of a month costs the month's weighted average; a receipt late in the month
  re-values the month's earlier issues.
* **Returns**: a return of an outgoing move comes back at the value it left with
  (its share of it); a return of an incoming move leaves (from its own layer first
  under FIFO and LIFO), the counterpart is reversed at the cost it came in with, and
  any difference goes to ``price_variance``.
* **Landed costs**: added to the receipt's layer in proportion to the part of the
  receipt still on hand (pooled methods: the part of the pool it can account for);
  the part for goods already gone goes to ``cogs``. Under the standard method the
  whole landed cost is a price variance.
* **Change of method** (from a date): the stock on hand keeps its value (FIFO and LIFO
  layers merge into one pool, a pool becomes one layer); a change to standard cost
  re-values the stock at the new standard against ``price_variance``.

Example:
    >>> from datetime import date
    >>> from backoffice_core.inventory.items import ValuationMethod
    >>> from backoffice_core.inventory.valuation import CostKind, CostRecord, CostState
    >>> ctx = CostContext(digits=2, precision=0)
    >>> engine = CostEngine(CostState(ValuationMethod.FIFO), ctx)
    >>> d = date(2026, 2, 2)
    >>> done = engine.run([CostRecord("W", d, 1, "r1", CostKind.IN, 10, 1000, "grni"),
    ...                    CostRecord("W", d, 2, "r2", CostKind.IN, 10, 1500, "grni"),
    ...                    CostRecord("W", d, 3, "d1", CostKind.OUT, 15, None, "cogs")])
    >>> [(r.value, r.lines) for r in done]
    [(1000, (('grni', -1000),)), (1500, (('grni', -1500),)), (-1750, (('cogs', 1750),))]
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from decimal import Decimal
from functools import partial

import attrs

from backoffice_core.inventory.items import ValuationMethod
from backoffice_core.inventory.valuation import (
    CHECKPOINT_EVERY,
    CostKind,
    CostRecord,
    CostState,
    DebtRow,
    LayerRow,
    divide,
    share,
    unit_rate,
)
from backoffice_core.money import RoundingPolicy

__all__ = ["COGS", "PRICE_VARIANCE", "CostContext", "CostEngine", "POOL"]

PRICE_VARIANCE = "price_variance"
COGS = "cogs"
POOL = "(pool)"
"""The origin shown for the pooled layer of the average and standard methods."""

_FIFO = ValuationMethod.FIFO
_LIFO = ValuationMethod.LIFO
_PERIODIC = ValuationMethod.PERIODIC_AVERAGE
_STANDARD = ValuationMethod.STANDARD
_POOLED = (ValuationMethod.AVERAGE, _PERIODIC, _STANDARD)  # tuples: identity-first `in`
_IN, _OUT = CostKind.IN, CostKind.OUT
_FIRST_PASS = (CostKind.IN, CostKind.LANDED)
_Lines = tuple[tuple[str, int], ...]
_record = partial(tuple.__new__, CostRecord)  # builds without the _make frame (hot path)


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
    """

    digits: int
    precision: int
    policy: RoundingPolicy = RoundingPolicy.HALF_UP
    lookup: Callable[[str], CostRecord | None] = _none
    every: int = CHECKPOINT_EVERY


class _Layer:
    __slots__ = ("day", "left_q", "left_v", "origin", "qty_in", "value_in")

    def __init__(self, origin: str, day: date, qty_in: int, value_in: int, left_q: int,
                 left_v: int) -> None:
        self.origin = origin
        self.day = day
        self.qty_in = qty_in
        self.value_in = value_in
        self.left_q = left_q
        self.left_v = left_v

    def row(self) -> LayerRow:
        return (self.origin, self.day, self.qty_in, self.value_in, self.left_q, self.left_v)


class _Debt:
    __slots__ = ("event", "qty", "role", "value")

    def __init__(self, event: str, role: str, qty: int, value: int) -> None:
        self.event = event
        self.role = role
        self.qty = qty
        self.value = value

    def row(self) -> DebtRow:
        return (self.event, self.role, self.qty, self.value)


def _merge(pairs: list[tuple[str, int]]) -> _Lines:
    if len(pairs) == 1:
        return tuple(pairs) if pairs[0][1] else ()
    merged: dict[str, int] = {}
    for role, amount in pairs:
        merged[role] = merged.get(role, 0) + amount
    return tuple((r, a) for r, a in merged.items() if a)


class CostEngine:
    """Applies cost events to one item's state (see the module text for the rules).

    Example:
        >>> from datetime import date
        >>> ctx = CostContext(digits=2, precision=0)
        >>> e = CostEngine(CostState(ValuationMethod.AVERAGE), ctx)
        >>> d = date(2026, 3, 1)
        >>> _ = e.run([CostRecord("W", d, 1, "r1", CostKind.IN, 3, 1000, "grni"),
        ...            CostRecord("W", d, 2, "d1", CostKind.OUT, 1, None, "cogs")])
        >>> e.state().quantity, e.state().value
        (2, 667)
    """

    def __init__(self, state: CostState, ctx: CostContext) -> None:
        self.method = state.method
        self.std = state.standard
        self.layers = [_Layer(*r) for r in state.layers]
        self.debts = [_Debt(*d) for d in state.debts]
        self.last_cost = state.last_cost
        self.last_key = state.last_key
        self.group = state.group
        self.since = state.since
        self.ctx = ctx
        self.policy = ctx.policy
        self.seen: dict[str, CostRecord] = {}
        self._rate: tuple[Decimal | None, tuple[int, int]] = (None, (0, 1))

    # ------------------------------------------------------------------ state
    def state(self) -> CostState:
        """The current state as an immutable value (a snapshot)."""
        return CostState(self.method, self.std, tuple(x.row() for x in self.layers),
                         tuple(d.row() for d in self.debts), self.last_cost, self.last_key,
                         self.group, self.since)

    def run(self, records: Sequence[CostRecord]) -> list[CostRecord]:
        """Apply ``records`` (ordered by key) and return them with their outcomes."""
        out: list[CostRecord] = []
        n = len(records)
        every = self.ctx.every
        i = 0
        while i < n:
            r = records[i]
            if self.method is _PERIODIC and r.kind is not CostKind.REVALUE:
                i = self._period(records, i, out)
                continue
            snap = None
            if self.since >= every and self.since >= len(self.layers) + len(self.debts):
                snap = self.state()
                self.since = 0
            out.append(self._apply(r, snap))
            i += 1
        return out

    def _period(self, records: Sequence[CostRecord], i: int, out: list[CostRecord]) -> int:
        first = records[i]
        year, month = first.day.year, first.day.month
        j = i + 1
        n = len(records)
        while j < n:
            d = records[j].day
            if records[j].kind is CostKind.REVALUE or d.month != month or d.year != year:
                break
            j += 1
        snap = None
        if self.group != (year, month):
            snap = self.state()
            self.group = (year, month)
            self.since = 0
        batch = records[i:j]
        done: list[CostRecord | None] = [None] * len(batch)
        for k, rec in enumerate(batch):
            if rec.kind in _FIRST_PASS:
                done[k] = self._apply(rec, None)
        for k, rec in enumerate(batch):
            if done[k] is None:
                done[k] = self._apply(rec, None)
        result = [d for d in done if d is not None]
        if snap is not None:
            result[0] = result[0]._replace(snapshot=snap)
        self.last_key = batch[-1].key
        out.extend(result)
        return j

    # ------------------------------------------------------------------ events
    def _apply(self, r: CostRecord, snap: CostState | None) -> CostRecord:
        kind = r.kind
        lines: _Lines
        if kind is _IN:
            cost = r.given if r.given is not None else self._price(r.quantity)
            value, lines = self._receive(r.event, r.day, r.quantity, cost, r.role)
        elif kind is _OUT:
            cost = self._issue(r.event, r.quantity, r.role, None)
            value = -cost
            lines = ((r.role, cost),) if cost else ()
        elif kind is CostKind.RETURN_IN:
            origin = self._origin(r)
            cost = (share(origin.cost, origin.quantity, r.prior + r.quantity, self.policy)
                    - share(origin.cost, origin.quantity, r.prior, self.policy))
            value, lines = self._receive(r.event, r.day, r.quantity, cost, r.role)
        elif kind is CostKind.RETURN_OUT:
            origin = self._origin(r)
            back = (share(origin.cost, origin.quantity, r.prior + r.quantity, self.policy)
                    - share(origin.cost, origin.quantity, r.prior, self.policy))
            cost = self._issue(r.event, r.quantity, r.role, r.origin)
            value = -cost
            lines = _merge([(r.role, back), (PRICE_VARIANCE, cost - back)])
        elif kind is CostKind.LANDED:
            cost = r.given or 0
            value, lines = self._landed(r, cost)
        else:
            cost = 0
            value, lines = self._revalue(r)
        done = _record(r[:12] + (value, lines, cost, snap))
        self.seen[r.event] = done
        self.since += 1
        self.last_key = (r.day, r.seq)
        return done

    def _origin(self, r: CostRecord) -> CostRecord:
        assert r.origin is not None
        found = self.seen.get(r.origin) or self.ctx.lookup(r.origin)
        if found is None:
            raise LookupError(f"cost record of {r.origin} not found")
        return found

    def _std_value(self, steps: int) -> int:
        std = self.std or Decimal(0)
        if self._rate[0] != std:
            self._rate = (std, unit_rate(std, self.ctx.digits, self.ctx.precision))
        num, den = self._rate[1]
        return divide(num * steps, den, self.policy)

    def _price(self, steps: int) -> int:
        """The cost of ``steps`` at the last known unit cost (standard first under STANDARD)."""
        if self.method is _STANDARD and self.std is not None:
            return self._std_value(steps)
        if self.last_cost is not None:
            value, qty = self.last_cost
            return divide(value * steps, qty, self.policy)
        if self.std is not None:
            return self._std_value(steps)
        return 0

    def _receive(self, event: str, day: date, qty: int, cost: int,
                 role: str) -> tuple[int, _Lines]:
        layer_value = cost
        pairs = [(role, -cost)]
        if self.method is _STANDARD:
            layer_value = self._std_value(qty)
            if layer_value != cost:
                pairs.append((PRICE_VARIANCE, cost - layer_value))
        inventory = layer_value
        left_q, left_v = qty, layer_value
        debts = self.debts
        policy = self.policy
        while left_q and debts:
            d = debts[0]
            settled = min(left_q, d.qty)
            real = share(left_v, left_q, settled, policy)
            provisional = share(d.value, d.qty, settled, policy)
            d.qty -= settled
            d.value -= provisional
            if d.qty == 0:
                del debts[0]
            left_q -= settled
            left_v -= real
            inventory += provisional - real
            if real != provisional:
                pairs.append((d.role, real - provisional))
        if left_q:
            if self.method in _POOLED:
                if self.layers:
                    pool = self.layers[0]
                    pool.qty_in += left_q
                    pool.value_in += left_v
                    pool.left_q += left_q
                    pool.left_v += left_v
                else:
                    self.layers.append(_Layer(POOL, day, left_q, left_v, left_q, left_v))
            else:
                self.layers.append(_Layer(event, day, left_q, left_v, left_q, left_v))
        if qty:
            self.last_cost = (layer_value, qty)
        return inventory, _merge(pairs)

    def _issue(self, event: str, qty: int, role: str, prefer: str | None) -> int:
        layers = self.layers
        policy = self.policy
        taken = 0
        left = qty
        if prefer is not None and self.method not in _POOLED:
            for idx, layer in enumerate(layers):
                if layer.origin == prefer:
                    t = min(layer.left_q, left)
                    v = share(layer.left_v, layer.left_q, t, policy)
                    layer.left_q -= t
                    layer.left_v -= v
                    taken += v
                    left -= t
                    if layer.left_q == 0:
                        del layers[idx]
                    break
        lifo = self.method is _LIFO
        while left and layers:
            layer = layers[-1] if lifo else layers[0]
            have = layer.left_q
            if have <= left:
                taken += layer.left_v
                left -= have
                if lifo:
                    layers.pop()
                else:
                    del layers[0]
            else:
                v = share(layer.left_v, have, left, policy)
                layer.left_q = have - left
                layer.left_v -= v
                taken += v
                left = 0
        real = qty - left
        if real:
            self.last_cost = (taken, real)
        if left:
            provisional = self._price(left)
            self.debts.append(_Debt(event, role, left, provisional))
            taken += provisional
        return taken

    def _landed(self, r: CostRecord, amount: int) -> tuple[int, _Lines]:
        pairs = [(r.role, -amount)]
        if self.method is _STANDARD:
            pairs.append((PRICE_VARIANCE, amount))
            return 0, _merge(pairs)
        receipt = self._origin(r)
        layer: _Layer | None
        if self.method in _POOLED:
            layer = self.layers[0] if self.layers else None
            part = min(layer.left_q, receipt.quantity) if layer else 0
        else:
            layer = next((x for x in self.layers if x.origin == r.origin), None)
            part = layer.left_q if layer else 0
        kept = share(amount, receipt.quantity, part, self.policy) if part else 0
        if layer is not None and kept:
            layer.value_in += kept
            layer.left_v += kept
        if amount != kept:
            pairs.append((COGS, amount - kept))
        return kept, _merge(pairs)

    def _revalue(self, r: CostRecord) -> tuple[int, _Lines]:
        method = r.method or self.method
        if r.standard is not None:
            self.std = r.standard
        qty = sum(x.left_q for x in self.layers)
        value = sum(x.left_v for x in self.layers)
        delta = 0
        pairs: list[tuple[str, int]] = []
        if method is _STANDARD:
            new_value = self._std_value(qty) if qty else 0
            delta = new_value - value
            if delta:
                pairs.append((PRICE_VARIANCE, -delta))
            self.layers = [_Layer(POOL, r.day, qty, new_value, qty, new_value)] if qty else []
        elif method in _POOLED:
            self.layers = [_Layer(POOL, r.day, qty, value, qty, value)] if qty else []
        elif self.method in _POOLED:
            self.layers = [_Layer(r.event, r.day, qty, value, qty, value)] if qty else []
        self.method = method
        self.group = None
        return delta, _merge(pairs) if pairs else ()
