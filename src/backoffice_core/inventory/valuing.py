"""Valuation services: what the stock is worth, its layers and history, landed costs,
changes of method, and the reconciliation with the ledger.

Part of ``bo.inventory`` (:class:`~backoffice_core.inventory.service.Inventory`
inherits these methods).

Example:
    >>> from datetime import date
    >>> import backoffice_core as bc
    >>> bo = bc.Backoffice.open("memory://")
    >>> bo.ledger.setup("Demo", currency="USD", chart="generic")
    >>> inv = bo.inventory
    >>> _ = inv.create_location("WH", "Warehouse", kind="warehouse")
    >>> _ = inv.create_item("WID", "Widget")
    >>> _ = inv.receive("WID", 10, location="WH", unit_cost="2.00", on=date(2026, 2, 2))
    >>> _ = inv.receive("WID", 10, location="WH", unit_cost="4.00", on=date(2026, 2, 3))
    >>> _ = inv.deliver("WID", 15, location="WH", on=date(2026, 2, 4))
    >>> inv.valuation().total, inv.valuation(method="average").total
    (Decimal('20.00'), Decimal('15.00'))
    >>> inv.reconcile().agrees
    True
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import attrs

from backoffice_core.choices import choice
from backoffice_core.dates import check_date
from backoffice_core.errors import NotFoundError, ValidationError
from backoffice_core.inventory.base import InventoryBase
from backoffice_core.inventory.booking import INVENTORY_ROLE, Booking
from backoffice_core.inventory.costing import POOL, CostEngine
from backoffice_core.inventory.items import Item, ItemKind, ValuationMethod, revised
from backoffice_core.inventory.reports import (
    Reconciliation,
    StockLine,
    StockReport,
    ValuationLine,
    ValuationReport,
)
from backoffice_core.inventory.units import from_steps
from backoffice_core.inventory.valuation import (
    CostKind,
    CostRecord,
    CostState,
    Layer,
    ValuationEntry,
)
from backoffice_core.money import EXACT, Money, allocate, from_minor
from backoffice_core.text import check_lookup, lookup_key, not_found

__all__ = ["LandedCost", "ValuationServices"]

_LAST = 2**62  # a seq above every real one: (day, _LAST) ends a day


@attrs.frozen(slots=True)
class LandedCost:
    """A landed cost and how it was spread over receipts.

    Attributes:
        id: identifier of the landed cost.
        date: the day it was booked.
        amount: the total.
        by: ``"quantity"``, ``"value"`` or ``"weight"``.
        allocations: ``(receipt move id, amount)`` per receipt; they sum to ``amount``.
    """

    id: str
    date: date
    amount: Money
    by: str
    allocations: tuple[tuple[str, Money], ...]


def _method(value: object, field: str = "method") -> ValuationMethod:
    return choice(ValuationMethod, value, field)


def _as_booked(state: CostState, booked: int, day: date) -> CostState:
    """A periodic average's ``state`` replayed to ``day``, its pool worth what the books
    (``booked`` minor units, the records' prefix sum) hold: a replay cut inside a month
    issues at the average so far, the books at the month's (a pool of no quantity may
    carry the difference until the month's later receipts)."""
    diff = booked - state.value
    if not diff:
        return state
    if state.layers:
        origin, when, qin, vin, left, worth = state.layers[0]
        pool = (origin, when, qin, vin, left, worth + diff)
    else:
        pool = (POOL, day, 0, 0, 0, diff)
    return attrs.evolve(state, layers=(pool, *state.layers[1:]))


def _as_of(value: object) -> date | None:
    return check_date(value, "as_of", optional=True)


class ValuationServices(InventoryBase):
    """Valuation reports, layers, history, landed costs, method changes, reconciliation."""

    # ------------------------------------------------------------------ figures
    def _major(self, b: Booking, minor: int) -> Decimal:
        return Decimal(minor).scaleb(-b.digits, EXACT)

    def value(self, sku: str, *, as_of: date | None = None) -> Money:
        """The value of ``sku``'s stock, now or as of a day (from running totals, no scan).

        Example:
            >>> from datetime import date
            >>> import backoffice_core as bc
            >>> bo = bc.Backoffice.open("memory://")
            >>> bo.ledger.setup("X", currency="USD", chart="generic")
            >>> inv = bo.inventory
            >>> _ = inv.create_location("WH", "Warehouse", kind="warehouse")
            >>> _ = inv.create_item("WID", "Widget")
            >>> _ = inv.receive("WID", 4, location="WH", unit_cost=2, on=date(2026, 2, 1))
            >>> _ = inv.deliver("WID", 1, location="WH", on=date(2026, 2, 5))
            >>> inv.value("WID"), inv.value("WID", as_of=date(2026, 2, 4))
            (Money('6.00', 'USD'), Money('8.00', 'USD'))
        """
        day = _as_of(as_of)
        check_lookup("sku", sku, code=True)
        with self._read() as b:
            return from_minor(b.repo.value(b.item(sku).sku, day)[1], b.currency)

    def valuation(self, *, as_of: date | None = None, method: str | None = None,
                  ) -> ValuationReport:
        """The stock valuation per item, now or as of a day.

        It is read from running totals (O(items), no scan of moves) and equals the
        inventory account's balance on every date. ``method`` values the same history
        as if every item had always used that method (a what-if: it replays each
        item's events and writes nothing). Each line's ``method`` is the method in force
        on ``as_of`` (the one ``method`` names, in a what-if).

        Example:
            >>> from datetime import date
            >>> import backoffice_core as bc
            >>> bo = bc.Backoffice.open("memory://")
            >>> bo.ledger.setup("X", currency="USD", chart="generic")
            >>> inv = bo.inventory
            >>> _ = inv.create_location("WH", "Warehouse", kind="warehouse")
            >>> _ = inv.create_item("WID", "Widget")
            >>> _ = inv.receive("WID", 4, location="WH", unit_cost=2, on=date(2026, 2, 1))
            >>> _ = inv.receive("WID", 4, location="WH", unit_cost=4, on=date(2026, 2, 2))
            >>> _ = inv.deliver("WID", 4, location="WH", on=date(2026, 2, 3))
            >>> [(r.sku, r.method, r.quantity, r.value) for r in inv.valuation().rows]
            [('WID', 'fifo', Decimal('4'), Decimal('16.00'))]
            >>> inv.valuation(method="lifo").total, inv.valuation(as_of=date(2026, 2, 1)).total
            (Decimal('8.00'), Decimal('8.00'))
        """
        day = _as_of(as_of)
        what_if = _method(method) if method is not None else None
        with self._read() as b:
            company = self._company(b)
            items = {i.sku: i for i in b.repo.list_items()}
            rows = []
            for sku, steps, minor in b.repo.values(day):
                item = items[sku]
                if what_if is not None:
                    steps, minor = self._replay(b, item, what_if, day)
                if not steps and not minor:
                    continue
                precision = b.unit(item.unit).precision
                shown = what_if or self._method_on(b, item, day)
                rows.append(ValuationLine(sku, item.name, shown.value,
                                          from_steps(steps, precision), item.unit,
                                          self._major(b, minor)))
            return ValuationReport(company, b.currency, day,
                                   what_if.value if what_if else None, tuple(rows))

    @staticmethod
    def _method_on(b: Booking, item: Item, day: date | None) -> ValuationMethod:
        """The method ``item`` was valued by on ``day`` (``None``: today).

        An item whose method never changed is at version 0 (a change of method updates
        the item): its method holds on every day, nothing is read. Otherwise the method
        is the one of the latest change on or before ``day`` (its ``REVALUE`` record
        names the method it changed *to*, not from), or the method before the first
        change. Both are read from the nearest checkpoint at or before ``day``, whose
        snapshot holds the method in force before it (the first record of an item
        always carries one), and the few records from it to ``day``: the same bounded
        read as :meth:`layers`, no scan of the history.
        """
        if day is None or item.version == 0:
            return item.valuation
        end = (day, _LAST)
        checkpoint = b.repo.cost_checkpoint(item.sku, end)
        if checkpoint is None or checkpoint.snapshot is None:
            return item.valuation  # no cost event by then (the item shows no line)
        method = checkpoint.snapshot.method
        for r in b.repo.cost_records(item.sku, checkpoint.key, end):
            if r.kind is CostKind.REVALUE and r.method is not None:
                method = r.method
        return method

    @staticmethod
    def _company(b: Booking) -> str:
        settings = b.uow.ledger.get_settings()
        return str(settings.name) if settings is not None else ""

    def _replay(self, b: Booking, item: Item, method: ValuationMethod,
                day: date | None) -> tuple[int, int]:
        if method is ValuationMethod.STANDARD and item.standard_cost is None:
            raise ValidationError(f"item {item.sku} has no standard cost", field="method",
                                  value=method.value)
        end = (day, _LAST) if day is not None else None
        records = [r for r in b.repo.cost_records(item.sku, None, end)
                   if r.kind is not CostKind.REVALUE]
        engine = CostEngine(CostState(method, item.standard_cost), b.context(item))
        engine.run(records)
        state = engine.state()
        if method is not ValuationMethod.PERIODIC_AVERAGE or day is None:
            return state.quantity, state.value
        # as the books would hold it: the month's issues so far at the *month's* average
        month_end = (date(day.year + day.month // 12, day.month % 12 + 1, 1)
                     - timedelta(days=1), _LAST)
        later = [r for r in b.repo.cost_records(item.sku, (day, _LAST), month_end)
                 if r.kind is not CostKind.REVALUE and r.day > day]
        if not later:
            return state.quantity, state.value
        whole = CostEngine(CostState(method, item.standard_cost), b.context(item))
        done = whole.run(records + later)
        return state.quantity, sum(r.value for r in done if r.day <= day)

    def stock(self, *, location: str | None = None, sku: str | None = None,
              as_of: date | None = None) -> StockReport:
        """Stock on hand per item, location and lot (internal and transit locations).

        ``location`` keeps that location and everything under it; ``sku`` one item.

        Example:
            >>> from datetime import date
            >>> import backoffice_core as bc
            >>> bo = bc.Backoffice.open("memory://")
            >>> bo.ledger.setup("X", currency="USD", chart="generic")
            >>> inv = bo.inventory
            >>> _ = inv.create_location("WH", "Warehouse", kind="warehouse")
            >>> _ = inv.create_item("WID", "Widget")
            >>> _ = inv.receive("WID", 4, location="WH", unit_cost=2, on=date(2026, 2, 1))
            >>> _ = inv.create_location("A1", "Bin A1", parent="WH")
            >>> _ = inv.transfer("WID", 1, source="WH", destination="A1", on=date(2026, 2, 2))
            >>> [(r.location, r.quantity) for r in inv.stock(location="WH").rows]
            [('A1', Decimal('1')), ('WH', Decimal('3'))]
        """
        day = _as_of(as_of)
        check_lookup("location", location, optional=True, code=True)
        check_lookup("sku", sku, optional=True, code=True)
        with self._read() as b:
            if sku is not None:
                sku = b.item(sku).sku
            codes = ({loc.code for loc in b.subtree(location)} if location is not None
                     else set(b.valued_codes()))
            items = {i.sku: i for i in b.repo.list_items()}
            steps = {code: b.unit(code).step for code in {i.unit for i in items.values()}}
            lines = tuple(StockLine(r.sku, items[r.sku].name, r.location, r.lot,
                                    r.quantity.quantize(steps[items[r.sku].unit], context=EXACT),
                                    items[r.sku].unit)
                          for r in b.repo.stock(sku, day) if r.location in codes)
            return StockReport(self._company(b), day, lines)

    def layers(self, sku: str, *, as_of: date | None = None) -> list[Layer]:
        """The open cost layers of ``sku`` (one pooled layer for average and standard).

        As of a past day the layers are rebuilt from the nearest snapshot. A periodic
        average's pool on a day inside a month holds what the books hold that day: the
        month's receipts so far in, its issues so far out at the *month's* average (a
        receipt later in the month re-values them on their own days), so that, as for every
        method, the layers (less the debts of negative stock, which are no layer) sum to the
        valuation and the inventory account on that day.

        Example:
            >>> from datetime import date
            >>> import backoffice_core as bc
            >>> bo = bc.Backoffice.open("memory://")
            >>> bo.ledger.setup("X", currency="USD", chart="generic")
            >>> _ = bo.inventory.create_location("WH", "Warehouse", kind="warehouse")
            >>> _ = bo.inventory.create_item("WID", "Widget")
            >>> _ = bo.inventory.receive("WID", 4, location="WH", unit_cost=1, on=date(2026, 2, 1))
            >>> _ = bo.inventory.receive("WID", 4, location="WH", unit_cost=2, on=date(2026, 2, 2))
            >>> _ = bo.inventory.deliver("WID", 5, location="WH", on=date(2026, 2, 3))
            >>> [(x.quantity, x.value) for x in bo.inventory.layers("WID")]
            [(Decimal('3'), Decimal('6.00'))]
        """
        day = _as_of(as_of)
        check_lookup("sku", sku, code=True)
        with self._read() as b:
            item = b.item(sku)
            sku = item.sku  # (named with or without spaces)
            if day is None:
                state = b.repo.get_cost_state(sku) or CostState(item.valuation)
            else:
                key = (day, _LAST)
                checkpoint = b.repo.cost_checkpoint(sku, key)
                records = b.repo.cost_records(sku, checkpoint.key if checkpoint else None, key)
                start = checkpoint.snapshot if checkpoint else None
                engine = CostEngine(start or CostState(item.valuation, item.standard_cost),
                                    b.context(item))
                engine.run(records)
                state = engine.state()
                if state.method is ValuationMethod.PERIODIC_AVERAGE:
                    state = _as_booked(state, b.repo.value(sku, day)[1], day)
            precision = b.unit(item.unit).precision
            return [Layer(origin, when, from_steps(qin, precision), self._major(b, vin),
                          from_steps(left, precision), self._major(b, worth))
                    for origin, when, qin, vin, left, worth in state.layers]

    def history(self, sku: str) -> list[ValuationEntry]:
        """Every cost event of ``sku`` with its quantity and value in or out, in order.

        Example:
            >>> from datetime import date
            >>> import backoffice_core as bc
            >>> bo = bc.Backoffice.open("memory://")
            >>> bo.ledger.setup("X", currency="USD", chart="generic")
            >>> inv = bo.inventory
            >>> _ = inv.create_location("WH", "Warehouse", kind="warehouse")
            >>> _ = inv.create_item("WID", "Widget")
            >>> _ = inv.receive("WID", 4, location="WH", unit_cost=2, on=date(2026, 2, 1))
            >>> _ = inv.deliver("WID", 1, location="WH", on=date(2026, 2, 5))
            >>> [(h.kind.value, h.quantity, h.value) for h in inv.history("WID")]
            [('in', Decimal('4'), Decimal('8.00')), ('out', Decimal('-1'), Decimal('-2.00'))]
        """
        check_lookup("sku", sku, code=True)
        with self._read() as b:
            item = b.item(sku)
            precision = b.unit(item.unit).precision
            return [ValuationEntry(r.day, r.event, r.kind,
                                   from_steps(r.signed_quantity, precision),
                                   self._major(b, r.value),
                                   tuple((role, self._major(b, a)) for role, a in r.lines))
                    for r in b.repo.cost_records(item.sku)]

    def reconcile(self, *, as_of: date | None = None) -> Reconciliation:
        """The valuation total against the inventory account's balance (role ``inventory``).

        They agree on every date when the inventory account receives postings only
        from this module. A book without the ``inventory`` posting role raises
        ``NotFoundError`` naming ``roles.inventory``.

        Example:
            >>> from datetime import date
            >>> import backoffice_core as bc
            >>> bo = bc.Backoffice.open("memory://")
            >>> bo.ledger.setup("X", currency="USD", chart="generic")
            >>> inv = bo.inventory
            >>> _ = inv.create_location("WH", "Warehouse", kind="warehouse")
            >>> _ = inv.create_item("WID", "Widget")
            >>> _ = inv.receive("WID", 4, location="WH", unit_cost=2, on=date(2026, 2, 1))
            >>> rec = inv.reconcile(as_of=date(2026, 2, 28))
            >>> rec.account, rec.valuation, rec.ledger, rec.agrees
            ('1210', Decimal('8.00'), Decimal('8.00'), True)
        """
        day = _as_of(as_of)
        with self._read() as b:
            account = b.roles.get(INVENTORY_ROLE)
            if account is None:
                raise NotFoundError("posting role inventory is not set", field="roles.inventory",
                                    value=None)
            total = sum(v for _, _, v in b.repo.values(day))
            currency = b.currency
            valuation = self._major(b, total)
        ledger = self._ledger.balance(account, currency, as_of=day, rollup=False).amount
        return Reconciliation(day, currency, account, valuation, ledger)

    # ------------------------------------------------------------------ changes
    def add_landed_cost(self, amount: Any, *, receipts: Sequence[str], by: str = "quantity",
                        on: date | None = None, role: str = "grni",
                        reference: str = "") -> LandedCost:
        """Spread a landed cost (freight, duty) over receipts by quantity, value or weight.

        The allocation is exact (:func:`~backoffice_core.money.allocate`); each share goes
        to its receipt's layer, or to ``cogs`` for the part of the receipt already gone.
        Posted on ``on``: Dr inventory (and cogs), Cr ``role``.

        Example:
            >>> from datetime import date
            >>> import backoffice_core as bc
            >>> bo = bc.Backoffice.open("memory://")
            >>> bo.ledger.setup("X", currency="USD", chart="generic")
            >>> inv = bo.inventory
            >>> _ = inv.create_location("WH", "Warehouse", kind="warehouse")
            >>> _ = inv.create_item("A", "Item A")
            >>> _ = inv.create_item("B", "Item B")
            >>> ra = inv.receive("A", 1, location="WH", unit_cost=10, on=date(2026, 2, 1))
            >>> rb = inv.receive("B", 2, location="WH", unit_cost=10, on=date(2026, 2, 1))
            >>> lc = inv.add_landed_cost("10.00", receipts=[ra.id, rb.id], on=date(2026, 2, 5))
            >>> [str(m.amount) for _, m in lc.allocations], str(inv.value("B").amount)
            (['3.33', '6.67'], '26.67')
        """
        if by not in ("quantity", "value", "weight"):
            raise ValidationError("allocate by quantity, value or weight", field="by", value=by)
        if not isinstance(receipts, Sequence) or isinstance(receipts, str) or not receipts:
            raise ValidationError("name at least one receipt", field="receipts", value=receipts)
        if not isinstance(role, str) or not role:
            raise ValidationError("role is the name of a posting role", field="role", value=role)
        if not isinstance(reference, str):
            raise ValidationError("reference must be text", field="reference", value=reference)
        with self._work() as b:
            total = b.money(amount, "amount")
            if total <= 0:
                raise ValidationError("a landed cost must be positive", field="amount",
                                      value=amount)
            day = self._day(b, on)
            moves, ratios = [], []
            for i, move_id in enumerate(receipts):
                field = f"receipts[{i}]"
                move = b.repo.get_move(move_id) if lookup_key(move_id) else None
                record = b.repo.get_cost_record(move_id) if move is not None else None
                if move is None:
                    raise not_found("move", field, move_id)
                if record is None or record.kind is not CostKind.IN:
                    raise ValidationError("not a valued receipt", field=field, value=move_id)
                if move in moves:
                    raise ValidationError("receipt named twice", field=field, value=move_id)
                if day < move.date:
                    raise ValidationError("a landed cost cannot precede its receipt",
                                          field="on", value=day)
                item = b.item(move.sku)
                if by == "quantity":
                    ratios.append(move.quantity)
                elif by == "value":
                    ratios.append(Decimal(record.cost))
                else:
                    if item.weight is None:
                        raise ValidationError(f"item {item.sku} has no weight", field=field,
                                              value=move_id)
                    ratios.append(item.weight * move.quantity)
                moves.append(move)
            if not any(ratios):
                raise ValidationError("every receipt weighs zero by this measure", field="by",
                                      value=by)
            shares = allocate(from_minor(total, b.currency), ratios)
            landed_id = self._ids.new_id()
            label = (f"Landed cost {reference}".rstrip(), reference or landed_id)
            out = []
            for n, (move, share) in enumerate(zip(moves, shares, strict=True)):
                minor = share.to_minor()
                out.append((move.id, share))
                if minor:
                    seq = b.repo.allocate_seq(1)
                    b.add_event(CostRecord(move.sku, day, seq, f"{landed_id}/{n + 1}",
                                           CostKind.LANDED, 0, minor, role, move.id), label)
            return LandedCost(landed_id, day, from_minor(total, b.currency), by, tuple(out))

    def change_valuation_method(self, sku: str, method: str, *, on: date | None = None,
                                standard_cost: Any = None) -> Item:
        """Value ``sku`` by ``method`` from ``on``: the stock on hand keeps its value, except
        that a change to (or of) the standard cost re-values it against ``price_variance``.

        Example:
            >>> from datetime import date
            >>> import backoffice_core as bc
            >>> bo = bc.Backoffice.open("memory://")
            >>> bo.ledger.setup("X", currency="USD", chart="generic")
            >>> _ = bo.inventory.create_location("WH", "Warehouse", kind="warehouse")
            >>> _ = bo.inventory.create_item("WID", "Widget")
            >>> _ = bo.inventory.receive("WID", 4, location="WH", unit_cost=1, on=date(2026, 2, 1))
            >>> bo.inventory.change_valuation_method("WID", "standard", standard_cost="1.25",
            ...     on=date(2026, 2, 10)).valuation.value
            'standard'
            >>> bo.inventory.value("WID"), bo.ledger.balance("5200")
            (Money('5.00', 'USD'), Money('-1.00', 'USD'))
        """
        new = _method(method)
        with self._work() as b:
            item = b.item(sku)
            if item.kind is not ItemKind.STOCKABLE:
                raise ValidationError("only stockable items are valued", field="sku", value=sku)
            sku = item.sku  # (named with or without spaces)
            cost = b.unit_cost(standard_cost, "standard_cost")
            if new is ValuationMethod.STANDARD and cost is None:
                cost = item.standard_cost
                if cost is None:
                    raise ValidationError("the standard method needs a standard cost",
                                          field="standard_cost", value=None)
            if new is item.valuation and (cost is None or cost == item.standard_cost):
                raise ValidationError(f"{sku} is already valued by {new.value}", field="method",
                                      value=method)
            day = self._day(b, on)
            later = next((r.day for r in b.repo.cost_records(sku, (day, _LAST))
                          if r.kind is CostKind.REVALUE), None)
            if later is not None:  # the item's method is the one of its latest change
                raise ValidationError(f"{sku} changes its method on {later.isoformat()}; a "
                                      "change cannot be dated before it", field="on", value=day)
            event = self._ids.new_id()
            b.add_event(CostRecord(sku, day, b.repo.allocate_seq(1), event, CostKind.REVALUE,
                                   method=new, standard=cost),
                        (f"Valuation of {sku}: {item.valuation.value} -> {new.value}", event))
            changed = revised(item, valuation=new, version=item.version + 1,
                              **({} if cost is None else {"standard_cost": cost}))
            b.repo.update_item(changed, item.version)
            b.forget_item(sku)
            return changed
