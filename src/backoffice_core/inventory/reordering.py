"""Replenishment services: reorder rules and the suggestions they make.

Part of ``bo.inventory`` (:class:`~backoffice_core.inventory.service.Inventory`
inherits these methods); ``purchase_drafts``
(:class:`~backoffice_core.inventory.purchasing.PurchaseServices`) turns suggestions
into draft purchase orders.

Example:
    >>> from datetime import date
    >>> import backoffice_core as bc
    >>> bo = bc.Backoffice.open("memory://")
    >>> bo.ledger.setup("Demo", currency="USD", chart="generic")
    >>> inv = bo.inventory
    >>> _ = inv.create_location("WH", "Warehouse", kind="warehouse")
    >>> _ = inv.create_item("WID", "Widget")
    >>> _ = inv.set_reorder_rule("WID", "WH", reorder_point=5, max_quantity=20)
    >>> [(s.sku, s.quantity) for s in inv.reorder_suggestions(on=date(2026, 2, 1))]
    [('WID', Decimal('20'))]
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import attrs

from backoffice_core.dates import check_date
from backoffice_core.errors import ValidationError
from backoffice_core.inventory.base import InventoryBase
from backoffice_core.inventory.moves import Move, MoveState
from backoffice_core.inventory.purchasing import documents_in, on_order
from backoffice_core.inventory.replenishment import ReorderRule, ReorderSuggestion, suggest
from backoffice_core.inventory.units import check_quantity
from backoffice_core.money import EXACT
from backoffice_core.text import check_lookup

__all__ = ["ReorderServices"]

_ZERO = Decimal(0)


class ReorderServices(InventoryBase):
    """Replenishment: reorder rules and suggestions."""

    def set_reorder_rule(self, sku: str, location: str, *, reorder_point: Any,
                         max_quantity: Any = None, order_quantity: Any = None,
                         lead_time_days: int = 0, multiple: Any = None,
                         supplier: str | None = None) -> ReorderRule:
        """Create or replace the reorder rule of ``sku`` at ``location``.

        ``max_quantity`` makes it a min-max rule, ``order_quantity`` (for example
        :func:`~backoffice_core.inventory.replenishment.eoq`) a reorder-point rule.
        ``supplier`` (a party id) is where :meth:`purchase_drafts` orders the item
        from when it is not told otherwise.

        Example:
            >>> import backoffice_core as bc
            >>> bo = bc.Backoffice.open("memory://")
            >>> bo.ledger.setup("X", currency="USD", chart="generic")
            >>> _ = bo.inventory.create_location("WH", "Warehouse", kind="warehouse")
            >>> _ = bo.inventory.create_item("WID", "Widget")
            >>> r = bo.inventory.set_reorder_rule("WID", "WH", reorder_point=5, max_quantity=20)
            >>> r.reorder_point, r.max_quantity, r.version
            (Decimal('5'), Decimal('20'), 0)
            >>> r = bo.inventory.set_reorder_rule("WID", "WH", reorder_point=5, order_quantity=12)
            >>> r.max_quantity, r.order_quantity, r.version
            (None, Decimal('12'), 1)
        """
        with self._work() as b:
            item = b.item(sku)
            loc = b.location(location)
            if not loc.internal:
                raise ValidationError("reorder rules watch internal locations",
                                      field="location", value=location)
            unit = b.unit(item.unit)
            rule = ReorderRule(item.sku, loc.code, reorder_point, max_quantity, order_quantity,
                               lead_time_days, multiple, supplier=supplier)
            for field in ("reorder_point", "max_quantity", "order_quantity", "multiple"):
                value = getattr(rule, field)
                if value is not None:  # no finer than the unit, and not too large
                    check_quantity(value, unit, field=field, positive=False)
            old = next((r for r in b.repo.list_reorder_rules()
                        if r.sku == rule.sku and r.location == rule.location), None)
            if old is None:
                b.repo.save_reorder_rule(rule, None)
            else:
                rule = attrs.evolve(rule, version=old.version + 1)
                b.repo.save_reorder_rule(rule, old.version)
            return rule

    def reorder_rules(self) -> list[ReorderRule]:
        """Every reorder rule, by (sku, location).

        Example:
            >>> import backoffice_core as bc
            >>> bo = bc.Backoffice.open("memory://")
            >>> bo.ledger.setup("X", currency="USD", chart="generic")
            >>> _ = bo.inventory.create_location("WH", "Warehouse", kind="warehouse")
            >>> _ = bo.inventory.create_item("WID", "Widget")
            >>> _ = bo.inventory.set_reorder_rule("WID", "WH", reorder_point=5, max_quantity=20)
            >>> [(r.sku, r.location, r.reorder_point) for r in bo.inventory.reorder_rules()]
            [('WID', 'WH', Decimal('5'))]
        """
        with self._read() as b:
            return b.repo.list_reorder_rules()

    def delete_reorder_rule(self, sku: str, location: str) -> None:
        """Remove the reorder rule of ``sku`` at ``location``: an unknown item names
        ``sku``, an unknown location ``location``, and a pair with no rule ``location``.

        Example:
            >>> import backoffice_core as bc
            >>> bo = bc.Backoffice.open("memory://")
            >>> bo.ledger.setup("X", currency="USD", chart="generic")
            >>> _ = bo.inventory.create_location("WH", "Warehouse", kind="warehouse")
            >>> _ = bo.inventory.create_item("WID", "Widget")
            >>> _ = bo.inventory.set_reorder_rule("WID", "WH", reorder_point=5, max_quantity=20)
            >>> bo.inventory.delete_reorder_rule("WID", "WH")
            >>> bo.inventory.reorder_rules(), bo.inventory.delete_reorder_rule("NOPE", "WH")
            Traceback (most recent call last):
            ...
            backoffice_core.errors.NotFoundError: sku='NOPE': no such item
        """
        check_lookup("sku", sku, code=True)
        check_lookup("location", location, code=True)
        with self._work() as b:  # (either named with or without spaces)
            b.repo.delete_reorder_rule(b.item(sku).sku, b.location(location).code)

    def reorder_suggestions(self, *, on: date | None = None) -> list[ReorderSuggestion]:
        """What to order now: one suggestion per rule whose stock position is at or below
        its reorder point. The position counts the rule's location and everything under
        it: on hand, minus what is reserved to leave it (a transfer reserved between two
        places under it stays), minus planned (draft) issues, plus incoming: planned
        receipts and what open purchase orders (draft, approved or issued) still bring
        there (:func:`~backoffice_core.inventory.purchasing.on_order`).

        :meth:`purchase_drafts` turns the suggestions into draft purchase orders.

        Example:
            >>> from datetime import date
            >>> import backoffice_core as bc
            >>> bo = bc.Backoffice.open("memory://")
            >>> bo.ledger.setup("X", currency="USD", chart="generic")
            >>> _ = bo.inventory.create_location("WH", "Warehouse", kind="warehouse")
            >>> _ = bo.inventory.create_item("WID", "Widget")
            >>> _ = bo.inventory.set_reorder_rule("WID", "WH", reorder_point=5, max_quantity=20,
            ...                                   lead_time_days=3)
            >>> [(s.sku, s.quantity, s.arrives) for s in
            ...  bo.inventory.reorder_suggestions(on=date(2026, 2, 1))]
            [('WID', Decimal('20'), datetime.date(2026, 2, 4))]
        """
        day = self._clock.today() if on is None else check_date(on, "on")
        out: list[ReorderSuggestion] = []
        with self._read() as b:
            rules = b.repo.list_reorder_rules()
            ordered: dict[str, list[tuple[str, Decimal]]] = {}  # sku -> (where, quantity)
            for (sku, where), q in (on_order(b, documents_in(
                    b.uow, self._ledger, self._clock, self._ids)) if rules else {}).items():
                ordered.setdefault(sku, []).append((where, q))
            skus = {rule.sku for rule in rules}
            many = len(skus) > 1  # one read of the open moves and the stock, not one per rule
            open_moves: dict[str, list[Move]] = {}
            stocked: dict[str, list[tuple[str, Decimal]]] = {}  # sku -> (location, quantity)
            if many:
                for m in b.repo.open_moves():
                    if m.sku in skus:
                        open_moves.setdefault(m.sku, []).append(m)
                for row in b.repo.stock():
                    if row.sku in skus:
                        stocked.setdefault(row.sku, []).append((row.location, row.quantity))
            subtrees: dict[str, set[str]] = {}  # rules at one place share its subtree
            for rule in rules:
                item = b.item(rule.sku)
                codes = subtrees.get(rule.location)
                if codes is None:
                    codes = subtrees[rule.location] = {
                        loc.code for loc in b.subtree(rule.location)}
                moves = open_moves.get(rule.sku, []) if many else b.repo.open_moves(rule.sku)
                if many:  # a reservation is held by a reserved move out of its location
                    on_hand = sum((q for where, q in stocked.get(rule.sku, ()) if where in codes),
                                  _ZERO)
                    held = codes & {m.source for m in moves if m.state is MoveState.RESERVED}
                else:  # (a location with many bins: a read per bin, per rule, otherwise)
                    on_hand = sum((b.repo.quantity(rule.sku, c) for c in codes), _ZERO)
                    held = codes
                reserved = sum((b.repo.reserved(rule.sku, c) for c in held), _ZERO)
                incoming = sum((q for where, q in ordered.get(rule.sku, ()) if where in codes),
                               _ZERO)
                outgoing = _ZERO
                for m in moves:
                    inside_src, inside_dst = m.source in codes, m.destination in codes
                    if inside_dst and not inside_src:
                        incoming += m.quantity
                    elif inside_src and not inside_dst and m.state is MoveState.DRAFT:
                        outgoing += m.quantity
                    elif inside_src and inside_dst and m.state is MoveState.RESERVED:
                        reserved -= m.quantity  # reserved to move within: it stays here
                unit = b.unit(item.unit)
                on_hand, reserved, incoming, outgoing = (
                    _written(q, unit.step) for q in (on_hand, reserved, incoming, outgoing))
                found = suggest(rule, on_hand=on_hand, reserved=reserved, incoming=incoming,
                                outgoing=outgoing, today=day, precision=unit.precision)
                if found is not None:
                    out.append(found)
        return out


def _written(quantity: Decimal, step: Decimal) -> Decimal:
    """``quantity`` written at the precision of ``step`` when it is exact there (a store
    may sum 1.5 kg where another sums 1.500); a finer one (an order's line) as it is."""
    written = quantity.quantize(step, context=EXACT)
    return written if written == quantity else quantity
