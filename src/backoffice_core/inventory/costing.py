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
* **Returns**: a return of an outgoing move comes back at the value it left with (its
  share of it; an issue that went negative: its provisional cost corrected by its debt's
  settlements so far); a return of an incoming move leaves (its own layer first under FIFO
  and LIFO). The counterpart is reversed at that cost, or as given (a goods receipt's
  negative line: at its net; its cancellation: at that), the rest to ``price_variance``.
* **Landed costs**: added to the receipt's layer in proportion to the part of the
  receipt still on hand (pooled methods, or a layer a change of method merged it into:
  the part of it the receipt can account for); the part for goods already gone goes to
  ``cogs``. Under the standard method the whole landed cost is a price variance.
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

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from backoffice_core.inventory.items import ValuationMethod
from backoffice_core.inventory.moves import fields_of
from backoffice_core.inventory.valuation import (
    CostContext,
    CostKind,
    CostRecord,
    CostState,
    divide,
    merge_lines,
    merged_layer,
    new_record,
    share,
    take_part,
    unit_rate,
)
from backoffice_core.money import RoundingPolicy

__all__ = ["COGS", "PRICE_VARIANCE", "CostContext", "CostEngine", "POOL"]

PRICE_VARIANCE, COGS = "price_variance", "cogs"
POOL = "(pool)"
"""The origin shown for the pooled layer of the average and standard methods."""

_FIFO, _LIFO = ValuationMethod.FIFO, ValuationMethod.LIFO
_PERIODIC, _STANDARD = ValuationMethod.PERIODIC_AVERAGE, ValuationMethod.STANDARD
_POOLED = (ValuationMethod.AVERAGE, _PERIODIC, _STANDARD)  # tuples: identity-first `in`
_INLINE = (_FIFO, _LIFO, ValuationMethod.AVERAGE)  # IN and OUT applied by the inline loop
_IN, _OUT = CostKind.IN, CostKind.OUT
_FIRST_PASS = (CostKind.IN, CostKind.LANDED)
_Lines = tuple[tuple[str, int], ...]
_LINES_CACHE = 1 << 16  # shared counterpart-line tuples per role (CostContext.lines)


# Open layers and debts are small lists (the engine mutates them in place; a list is built
# several times faster than an object): a layer is [origin, day, qty_in, value_in,
# qty_left, value_left] (a LayerRow as a list), a debt [event, role, qty, value] (a DebtRow).
_Layer = list[Any]
_Debt = list[Any]


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
        self.layers: list[_Layer] = [list(r) for r in state.layers]
        self.debts: list[_Debt] = [list(d) for d in state.debts]
        self.last_cost = state.last_cost
        self.last_key = state.last_key
        self.group = state.group
        self.since = state.since
        self.settled = dict(state.settled)  # event -> settled less provisional cost of its debt
        self.ctx = ctx
        self.policy = ctx.policy
        self.seen: dict[str, CostRecord] = {}
        self._out: list[CostRecord] = []  # this run's outcomes (indexed into seen lazily)
        self._indexed = 0
        self._rate: tuple[Decimal | None, tuple[int, int]] = (None, (0, 1))

    # ------------------------------------------------------------------ state
    def state(self) -> CostState:
        """The current state as an immutable value (a snapshot)."""
        return CostState(self.method, self.std, tuple(map(tuple, self.layers)),
                         tuple(map(tuple, self.debts)), self.last_cost, self.last_key,
                         self.group, self.since, tuple(self.settled.items()))

    def run(self, records: Sequence[CostRecord],
            daily: dict[date, dict[str, int]] | None = None) -> list[CostRecord]:
        """Apply ``records`` (ordered by key) and return them with their outcomes.

        IN and OUT events may also be plain tuples of a record's fields whose snapshot
        field is not ``None`` (fresh events of the bulk path): they always get a new record.

        ``daily``, if given, receives the sums of the outcomes' counterpart lines per day
        and role (in the order they first appear): what a summary journal needs, without
        another pass over the records.
        """
        out: list[CostRecord] = []
        self._out, self._indexed = out, 0
        n = len(records)
        every = self.ctx.every
        i = 0
        while i < n:
            if self.method in _INLINE:
                i = self._run_inline(records, i, out, daily)
                if i == n:
                    break
            r = records[i]
            start = len(out)
            if self.method is _PERIODIC and r[4] is not CostKind.REVALUE:
                i = self._period(records, i, out)
            else:
                snap = None
                if self.since >= every and self.since >= (len(self.layers) + len(self.debts)
                                                          + len(self.settled)):
                    snap = self.state()
                    self.since = 0
                out.append(self._apply(r, snap))
                i += 1
            if daily is not None:
                for rec in out[start:]:
                    if rec[13]:
                        sums = daily.get(rec[1])
                        if sums is None:
                            sums = daily[rec[1]] = {}
                        for role, amount in rec[13]:
                            sums[role] = sums.get(role, 0) + amount
        return out

    def _run_inline(self, records: Sequence[CostRecord], i: int, out: list[CostRecord],
                    daily: dict[date, dict[str, int]] | None) -> int:
        """Apply IN and OUT events from ``i`` on under FIFO, LIFO or the moving average,
        inline (the bulk path's loop); stop at the first other event, or an IN that settles
        debts, and return its index. The same rules as :meth:`_apply`, step for step."""
        lifo = self.method is _LIFO
        pooled = self.method is not _FIFO and not lifo
        layers, debts = self.layers, self.debts
        every, policy = self.ctx.every, self.policy
        half_up = policy is RoundingPolicy.HALF_UP  # divide(), inlined for its common case
        since, kept = self.since, len(self.settled)  # (no settlement in this loop)
        done = len(out)
        append, new, record, in_, out_ = out.append, tuple.__new__, CostRecord, _IN, _OUT
        day: date | None = None
        sums: dict[str, int] = {}
        cost_value = cost_qty = 0  # the last unit cost, kept here while ``fresh``
        fresh = False
        cache = self.ctx.lines  # role -> amount -> ((role, amount),): shared, bounded
        line_role: str | None = None
        of_role: dict[int, _Lines] = {}
        rest = records[i:]
        # each record once as a plain tuple: its fields become locals at C speed (fresh events
        # are plain tuples already: read as they are; a record among them unpacks all the same)
        rows = rest if type(rest[0]) is tuple else fields_of(rest)
        for r, (sku, when, seq, event, kind, qty, given, role, origin, prior, method, std,
                o_value, o_lines, o_cost, o_snap) in zip(rest, rows, strict=True):
            if kind is in_:
                if debts:
                    break
            elif kind is not out_:
                break
            snap = None
            if since >= every and since >= len(layers) + len(debts) + kept:
                if len(out) > done:
                    self.last_key = out[-1].key
                if fresh:
                    self.last_cost, fresh = (cost_value, cost_qty), False
                self.since = since
                snap = self.state()
                since = 0
            if kind is in_:
                cost = given
                if cost is None:
                    if fresh:
                        self.last_cost, fresh = (cost_value, cost_qty), False
                    cost = self._price(qty)
                if qty:
                    if not pooled:
                        layers.append([event, when, qty, cost, qty, cost])
                    elif layers:
                        pool = layers[0]
                        pool[2] += qty
                        pool[3] += cost
                        pool[4] += qty
                        pool[5] += cost
                    else:
                        layers.append([POOL, when, qty, cost, qty, cost])
                    cost_value, cost_qty, fresh = cost, qty, True
                value = cost
                amount = -cost
            elif qty and layers and (layer := layers[-1] if lifo else layers[0])[4] > qty:
                # the common case: part of a layer (take_part, inlined: the same arithmetic)
                have = layer[4]
                num = layer[5] * qty
                cost = amount = ((num + num + have) // (have + have) if half_up and num >= 0
                                 else divide(num, have, policy))
                layer[4] = have - qty
                layer[5] -= cost
                cost_value, cost_qty, fresh = cost, qty, True
                value = -cost
            else:
                left, taken = qty, 0
                if lifo:
                    while left and layers:
                        layer = layers[-1]
                        have = layer[4]
                        if have <= left:
                            taken += layer[5]
                            left -= have
                            layers.pop()
                        else:
                            taken += take_part(layer, left, half_up, policy)
                            left = 0
                else:
                    j, count = 0, len(layers)
                    while left and j < count:
                        layer = layers[j]
                        have = layer[4]
                        if have <= left:
                            taken += layer[5]
                            left -= have
                            j += 1
                        else:
                            taken += take_part(layer, left, half_up, policy)
                            left = 0
                    if j:
                        del layers[:j]
                if left != qty:
                    cost_value, cost_qty, fresh = taken, qty - left, True
                if left:
                    if fresh:
                        self.last_cost, fresh = (cost_value, cost_qty), False
                    provisional = self._price(left)
                    debts.append([event, role, left, provisional])
                    taken += provisional
                cost = amount = taken
                value = -taken
            lines: _Lines | None
            if not amount:
                lines = ()
            elif daily is None:  # a replay: few records, no sharing worth a lookup
                lines = ((role, amount),)
            else:  # the bulk path: equal lines share one tuple
                if role is not line_role:  # (no new dict per switch of role)
                    line_role, of_role = role, cache.get(role) or cache.setdefault(role, {})
                lines = of_role.get(amount)
                if lines is None:
                    lines = ((role, amount),)
                    if len(of_role) < _LINES_CACHE:
                        of_role[amount] = lines
            if (o_snap is None and snap is None and o_cost == cost and o_value == value
                    and o_lines == lines):
                append(r)  # a replayed record whose outcome stays: kept as it is
            else:
                append(new(record, (sku, when, seq, event, kind, qty, given, role, origin,
                                    prior, method, std, value, lines, cost, snap)))
            if amount and daily is not None:
                if when != day:
                    day = when
                    found = daily.get(when)
                    if found is None:
                        found = daily[when] = {}
                    sums = found
                sums[role] = sums.get(role, 0) + amount
            since += 1
        self.since = since
        if len(out) > done:
            self.last_key = out[-1].key
        if fresh:
            self.last_cost = (cost_value, cost_qty)
        return i + len(out) - done

    def _period(self, records: Sequence[CostRecord], i: int, out: list[CostRecord]) -> int:
        first = records[i]
        year, month = first[1].year, first[1].month
        j = i + 1
        n = len(records)
        while j < n:
            d = records[j][1]
            if records[j][4] is CostKind.REVALUE or d.month != month or d.year != year:
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
            if rec[4] in _FIRST_PASS:
                done[k] = self._apply(rec, None)
        for k, rec in enumerate(batch):
            if done[k] is None:
                done[k] = self._apply(rec, None)
        result = [d for d in done if d is not None]
        if snap is not None:
            result[0] = result[0]._replace(snapshot=snap)
        self.last_key = (batch[-1][1], batch[-1][2])
        out.extend(result)
        return j

    # ------------------------------------------------------------------ events
    def _apply(self, r: CostRecord, snap: CostState | None) -> CostRecord:
        # IN and OUT events may come as plain tuples of a CostRecord's fields (the bulk
        # path's fresh events): they are read by position
        kind = r[4]
        lines: _Lines
        if kind is _IN:
            cost = r[6] if r[6] is not None else self._price(r[5])
            value, lines = self._receive(r[3], r[1], r[5], cost, r[7])
        elif kind is _OUT:
            cost = self._issue(r[3], r[5], r[7], None)
            value = -cost
            lines = ((r[7], cost),) if cost else ()
        elif kind is CostKind.RETURN_IN:  # (at what the issue finally cost, so far)
            origin = self._origin(r)
            left_with = origin.cost + self.settled.get(origin.event, 0)
            cost = (share(left_with, origin.quantity, r.prior + r.quantity, self.policy)
                    - share(left_with, origin.quantity, r.prior, self.policy))
            if r.prior + r.quantity == origin.quantity:
                self.settled.pop(origin.event, None)  # returned whole: no return to come
            value, lines = self._receive(r.event, r.day, r.quantity, cost, r.role)
            if r.given is not None:  # the counterpart as given, the rest a price variance
                lines = merge_lines([*lines, (r.role, cost - r.given),
                                     (PRICE_VARIANCE, r.given - cost)])
        elif kind is CostKind.RETURN_OUT:
            origin = self._origin(r)
            back = r.given if r.given is not None else (  # given: a document's price
                share(origin.cost, origin.quantity, r.prior + r.quantity, self.policy)
                - share(origin.cost, origin.quantity, r.prior, self.policy))
            cost = self._issue(r.event, r.quantity, r.role, r.origin)
            value = -cost
            lines = merge_lines([(r.role, back), (PRICE_VARIANCE, cost - back)])
        elif kind is CostKind.LANDED:
            value, lines = self._landed(r, cost := r.given or 0)
        else:
            cost = 0
            value, lines = self._revalue(r)
        done = new_record(r[:12] + (value, lines, cost, snap))
        self.seen[r[3]] = done
        self.since += 1
        self.last_key = (r[1], r[2])
        return done

    def _origin(self, r: CostRecord) -> CostRecord:
        assert r.origin is not None
        seen = self.seen
        found = seen.get(r.origin)
        if found is None:  # index the outcomes of this run so far, then the stored records
            out = self._out
            for rec in out[self._indexed:]:
                seen[rec[3]] = rec
            self._indexed = len(out)
            found = seen.get(r.origin) or self.ctx.lookup(r.origin)
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
            settled = min(left_q, d[2])
            real = share(left_v, left_q, settled, policy)
            provisional = share(d[3], d[2], settled, policy)
            d[2] -= settled
            d[3] -= provisional
            if d[2] == 0:
                del debts[0]
            left_q -= settled
            left_v -= real
            inventory += provisional - real
            if real != provisional:
                pairs.append((d[1], real - provisional))
                self.settled[d[0]] = self.settled.get(d[0], 0) + real - provisional
        if left_q:
            if self.method in _POOLED:
                if self.layers:
                    pool = self.layers[0]
                    pool[2] += left_q
                    pool[3] += left_v
                    pool[4] += left_q
                    pool[5] += left_v
                else:
                    self.layers.append([POOL, day, left_q, left_v, left_q, left_v])
            else:
                self.layers.append([event, day, left_q, left_v, left_q, left_v])
        if qty:
            self.last_cost = (layer_value, qty)
        return inventory, merge_lines(pairs)

    def _issue(self, event: str, qty: int, role: str, prefer: str | None) -> int:
        layers = self.layers
        policy = self.policy
        taken = 0
        left = qty
        if prefer is not None and self.method not in _POOLED:
            for idx, layer in enumerate(layers):
                if layer[0] == prefer:
                    t = min(layer[4], left)
                    v = share(layer[5], layer[4], t, policy)
                    layer[4] -= t
                    layer[5] -= v
                    taken += v
                    left -= t
                    if layer[4] == 0:
                        del layers[idx]
                    break
        lifo = self.method is _LIFO
        while left and layers:
            layer = layers[-1] if lifo else layers[0]
            have = layer[4]
            if have <= left:
                taken += layer[5]
                left -= have
                if lifo:
                    layers.pop()
                else:
                    del layers[0]
            else:
                v = share(layer[5], have, left, policy)
                layer[4] = have - left
                layer[5] -= v
                taken += v
                left = 0
        real = qty - left
        if real:
            self.last_cost = (taken, real)
        if left:
            provisional = self._price(left)
            self.debts.append([event, role, left, provisional])
            taken += provisional
        return taken

    def _landed(self, r: CostRecord, amount: int) -> tuple[int, _Lines]:
        pairs = [(r.role, -amount)]
        if self.method is _STANDARD:
            pairs.append((PRICE_VARIANCE, amount))
            return 0, merge_lines(pairs)
        receipt = self._origin(r)
        layer: _Layer | None
        if self.method in _POOLED:
            layer = self.layers[0] if self.layers else None
            part = min(layer[4], receipt.quantity) if layer else 0
        else:
            layer = next((x for x in self.layers if x[0] == r.origin), None) or merged_layer(
                self.layers, receipt, lambda e: self.seen.get(e) or self.ctx.lookup(e))
            part = min(layer[4], receipt.quantity) if layer else 0
        kept = share(amount, receipt.quantity, part, self.policy) if part else 0
        if layer is not None and kept:
            layer[3] += kept
            layer[5] += kept
        if amount != kept:
            pairs.append((COGS, amount - kept))
        return kept, merge_lines(pairs)

    def _revalue(self, r: CostRecord) -> tuple[int, _Lines]:
        method = r.method or self.method
        if r.standard is not None:
            self.std = r.standard
        qty = sum(x[4] for x in self.layers)
        value = sum(x[5] for x in self.layers)
        delta = 0
        pairs: list[tuple[str, int]] = []
        if method is _STANDARD:
            new_value = self._std_value(qty) if qty else 0
            delta = new_value - value
            if delta:
                pairs.append((PRICE_VARIANCE, -delta))
            self.layers = [[POOL, r.day, qty, new_value, qty, new_value]] if qty else []
        elif method in _POOLED:
            self.layers = [[POOL, r.day, qty, value, qty, value]] if qty else []
        elif self.method in _POOLED:
            self.layers = [[r.event, r.day, qty, value, qty, value]] if qty else []
        self.method = method
        self.group = None
        return delta, merge_lines(pairs) if pairs else ()
