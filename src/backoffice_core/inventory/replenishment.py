"""Replenishment: reorder rules, the economic order quantity, and the suggestion list.

A :class:`ReorderRule` watches one item at one location (its subtree). Its
*stock position* is on hand - reserved (to leave the location) - other planned
issues + planned receipts. When the position falls to the reorder point or below, the rule
suggests an order:

* **min-max** (``max_quantity`` set): order up to the maximum;
* **reorder point** (``order_quantity`` set, for example the :func:`eoq`): order that
  quantity, as many times as needed to rise above the reorder point.

A suggestion is a value (:class:`ReorderSuggestion`);
``bo.inventory.purchase_drafts()`` (:mod:`~backoffice_core.inventory.purchasing`)
turns a suggestion list into draft purchase orders, one per supplier, and what open
purchase orders still bring counts as incoming stock here.

Example:
    >>> from decimal import Decimal
    >>> eoq(Decimal(1200), Decimal("50.00"), Decimal("3.00"))
    Decimal('200')
    >>> reorder_point(Decimal(4), 7, safety_stock=Decimal(10))
    Decimal('38')
"""

from __future__ import annotations

import decimal
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import attrs

from backoffice_core.errors import ValidationError
from backoffice_core.exact import canonical
from backoffice_core.money import EXACT, RoundingPolicy, to_decimal

__all__ = ["MAX_LEAD_TIME_DAYS", "ReorderRule", "ReorderSuggestion", "eoq", "reorder_point",
           "suggest"]

MAX_LEAD_TIME_DAYS = 36600
"""The longest lead time a rule may have (about a century: its arrival date must exist)."""
_TOO_LARGE = Decimal(10) ** 15


def _qty(field: str, value: Any) -> Decimal:
    if value is None:
        raise ValidationError("a quantity is required", field=field, value=None)
    q = to_decimal(value, field=field)
    if q < 0:
        raise ValidationError("must not be negative", field=field, value=value)
    if q >= _TOO_LARGE:  # suggest() stays exact (and the unit's check is in set_reorder_rule)
        raise ValidationError("quantity too large", field=field, value=value)
    return canonical(q)  # 1E+2 as 100, -0 as 0: the form every store gives back


def _reorder_point(value: Any) -> Decimal:
    return _qty("reorder_point", value)


def _max_quantity(value: Any) -> Decimal | None:
    return None if value is None else _qty("max_quantity", value)


def _order_quantity(value: Any) -> Decimal | None:
    return None if value is None else _qty("order_quantity", value)


def _multiple(value: Any) -> Decimal | None:
    return None if value is None else _qty("multiple", value)


@attrs.frozen(slots=True)
class ReorderRule:
    """When and how much to reorder one item for one location.

    Attributes:
        sku: the item.
        location: the internal location watched (its whole subtree counts).
        reorder_point: order when the stock position is at or below this (the "min").
        max_quantity: min-max rule: order up to this.
        order_quantity: reorder-point rule: order this much (e.g. the EOQ).
        lead_time_days: days from order to receipt.
        multiple: round each order up to a multiple of this (pack size).
        supplier: the party id the item is usually ordered from (``purchase_drafts``
            orders from it unless told otherwise), or ``None``.
        version: optimistic-concurrency counter.

    Example:
        >>> ReorderRule("WID", "WH", reorder_point=10, max_quantity=50).kind
        'min_max'
        >>> ReorderRule("WID", "WH", reorder_point=10)
        Traceback (most recent call last):
        ...
        backoffice_core.errors.ValidationError: max_quantity=None: give max_quantity ...
    """

    sku: str
    location: str
    reorder_point: Decimal = attrs.field(converter=_reorder_point)
    max_quantity: Decimal | None = attrs.field(default=None, converter=_max_quantity)
    order_quantity: Decimal | None = attrs.field(default=None, converter=_order_quantity)
    lead_time_days: int = 0
    multiple: Decimal | None = attrs.field(default=None, converter=_multiple)
    version: int = 0
    supplier: str | None = None

    def __attrs_post_init__(self) -> None:
        if (self.max_quantity is None) == (self.order_quantity is None):
            raise ValidationError("give max_quantity (min-max) or order_quantity "
                                  "(reorder point), exactly one", field="max_quantity",
                                  value=self.max_quantity)
        if self.max_quantity is not None and self.max_quantity < self.reorder_point:
            raise ValidationError("the maximum is below the reorder point",
                                  field="max_quantity", value=self.max_quantity)
        if self.order_quantity is not None and self.order_quantity == 0:
            raise ValidationError("order quantity must be positive", field="order_quantity",
                                  value=self.order_quantity)
        if self.multiple is not None and self.multiple == 0:
            raise ValidationError("multiple must be positive", field="multiple",
                                  value=self.multiple)
        if self.supplier is not None and (not isinstance(self.supplier, str)
                                          or not self.supplier.strip()):
            raise ValidationError("supplier is a party id (a non-empty string) or None",
                                  field="supplier", value=self.supplier)
        if (isinstance(self.lead_time_days, bool) or not isinstance(self.lead_time_days, int)
                or not 0 <= self.lead_time_days <= MAX_LEAD_TIME_DAYS):
            raise ValidationError("lead time is a whole number of days, from 0 to "
                                  f"{MAX_LEAD_TIME_DAYS}", field="lead_time_days",
                                  value=self.lead_time_days)

    @property
    def kind(self) -> str:
        """``"min_max"`` or ``"reorder_point"``."""
        return "min_max" if self.max_quantity is not None else "reorder_point"


@attrs.frozen(slots=True)
class ReorderSuggestion:
    """What to order, and why (a line of a draft purchase order, see ``purchase_drafts``).

    Attributes:
        sku, location, rule: the item, the location, and ``"min_max"`` or ``"reorder_point"``.
        on_hand, reserved, incoming, outgoing: the parts of the stock position (incoming:
            planned receipts and what open purchase orders still bring).
        position: on hand - reserved - outgoing + incoming.
        reorder_point: the rule's trigger level.
        quantity: the suggested order quantity, in the item's unit.
        order_by: the day of the suggestion; arrives: that day plus the lead time.
        supplier: the rule's supplier (a party id), or ``None``.
    """

    sku: str
    location: str
    rule: str
    on_hand: Decimal
    reserved: Decimal
    incoming: Decimal
    outgoing: Decimal
    position: Decimal
    reorder_point: Decimal
    quantity: Decimal
    order_by: date
    arrives: date
    supplier: str | None = None


def _round_up(quantity: Decimal, precision: int) -> Decimal:
    return RoundingPolicy.UP.quantize(quantity, precision)


def eoq(annual_demand: Any, ordering_cost: Any, holding_cost: Any, *,
        precision: int = 0) -> Decimal:
    """The economic order quantity ``sqrt(2 * D * S / H)``, rounded up to ``precision``.

    ``annual_demand`` in units per year, ``ordering_cost`` per order and
    ``holding_cost`` per unit per year (the same currency; plain numbers or Money
    amounts). Exact ``Decimal`` throughout; the square root is taken in a local
    50-digit context and rounded up, so the result never orders too little.

    Example:
        >>> eoq(1000, "10.00", "0.60")
        Decimal('183')
        >>> eoq(0, 10, 1)
        Decimal('0')
    """
    demand = to_decimal(getattr(annual_demand, "amount", annual_demand), field="annual_demand")
    order = to_decimal(getattr(ordering_cost, "amount", ordering_cost), field="ordering_cost")
    hold = to_decimal(getattr(holding_cost, "amount", holding_cost), field="holding_cost")
    if demand < 0:
        raise ValidationError("demand must not be negative", field="annual_demand",
                              value=annual_demand)
    if order < 0:
        raise ValidationError("ordering cost must not be negative", field="ordering_cost",
                              value=ordering_cost)
    if hold <= 0:
        raise ValidationError("holding cost must be positive", field="holding_cost",
                              value=holding_cost)
    with decimal.localcontext(EXACT) as ctx:  # not the caller's context
        ctx.prec = 50
        root = (2 * demand * order / hold).sqrt()
    return _round_up(root, precision)


def reorder_point(daily_demand: Any, lead_time_days: int, *, safety_stock: Any = 0,
                  precision: int = 0) -> Decimal:
    """Demand over the lead time plus safety stock, rounded up to ``precision``.

    Example:
        >>> reorder_point("2.5", 3)
        Decimal('8')
    """
    with decimal.localcontext(EXACT):  # exact whatever the caller's decimal context
        return _exact_reorder_point(daily_demand, lead_time_days, safety_stock, precision)


def _exact_reorder_point(daily_demand: Any, lead_time_days: int, safety_stock: Any,
                   precision: int) -> Decimal:
    daily = to_decimal(daily_demand, field="daily_demand")
    safety = to_decimal(safety_stock, field="safety_stock")
    if daily < 0 or safety < 0:
        raise ValidationError("demand and safety stock must not be negative",
                              field="daily_demand", value=daily_demand)
    if isinstance(lead_time_days, bool) or not isinstance(lead_time_days, int) \
            or not 0 <= lead_time_days <= MAX_LEAD_TIME_DAYS:
        raise ValidationError("lead time is a whole number of days", field="lead_time_days",
                              value=lead_time_days)
    return _round_up(daily * lead_time_days + safety, precision)


def suggest(rule: ReorderRule, *, on_hand: Decimal, reserved: Decimal, incoming: Decimal,
            outgoing: Decimal, today: date, precision: int = 0) -> ReorderSuggestion | None:
    """The suggestion of ``rule`` for a stock position, or ``None`` when none is needed.

    Example:
        >>> from datetime import date
        >>> r = ReorderRule("WID", "WH", reorder_point=10, order_quantity=25, lead_time_days=3)
        >>> s = suggest(r, on_hand=Decimal(8), reserved=Decimal(2), incoming=Decimal(0),
        ...             outgoing=Decimal(0), today=date(2026, 2, 1))
        >>> s.position, s.quantity, s.arrives
        (Decimal('6'), Decimal('25'), datetime.date(2026, 2, 4))
    """
    with decimal.localcontext(EXACT):  # exact whatever the caller's decimal context
        return _suggest(rule, on_hand, reserved, incoming, outgoing, today, precision)


def _suggest(rule: ReorderRule, on_hand: Decimal, reserved: Decimal, incoming: Decimal,
             outgoing: Decimal, today: date, precision: int) -> ReorderSuggestion | None:
    position = on_hand - reserved - outgoing + incoming
    if position > rule.reorder_point:
        return None
    if rule.max_quantity is not None:
        quantity = rule.max_quantity - position
    else:
        assert rule.order_quantity is not None
        times = (rule.reorder_point - position) // rule.order_quantity + 1
        quantity = rule.order_quantity * times
    if rule.multiple is not None:  # up to a whole number of packs (Decimal // truncates)
        packs = (quantity / rule.multiple).to_integral_value(rounding=decimal.ROUND_CEILING)
        quantity = packs * rule.multiple
    quantity = _round_up(quantity, precision)
    if quantity <= 0:
        return None
    return ReorderSuggestion(rule.sku, rule.location, rule.kind, on_hand, reserved, incoming,
                             outgoing, position, rule.reorder_point, quantity, today,
                             today + timedelta(days=rule.lead_time_days), rule.supplier)
