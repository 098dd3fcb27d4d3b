"""Planning services: stock counts, cycle and full (reorder rules and suggestions are in
:mod:`~backoffice_core.inventory.reordering`).

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
    >>> c = inv.start_count("WH", skus=["WID"], on=date(2026, 2, 10))
    >>> c = inv.record_count(c.id, "WID", 9)
    >>> posted = inv.post_count(c.id)
    >>> posted.value, inv.on_hand("WID")
    (Decimal('-2.00'), Decimal('9'))
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

import attrs

from backoffice_core.errors import NotFoundError, ValidationError
from backoffice_core.inventory.base import InventoryBase
from backoffice_core.inventory.booking import Booking
from backoffice_core.inventory.counts import Count, CountKind, CountLine, CountState
from backoffice_core.inventory.lots import lot_code
from backoffice_core.inventory.moves import Move, MoveKind, MoveState
from backoffice_core.money import EXACT
from backoffice_core.text import check_lookup, lookup_key, not_found

__all__ = ["PlanningServices"]

_ZERO = Decimal(0)


class PlanningServices(InventoryBase):
    """Counts, cycle and full."""

    # ------------------------------------------------------------------ counts
    def start_count(self, location: str, *, skus: Sequence[str] | None = None,
                    on: date | None = None, full: bool = False) -> Count:
        """Open a count of ``location`` (and everything under it), freezing the quantities
        the books expect on ``on``: a cycle count of ``skus`` (each named once), or a
        ``full`` count.

        Example:
            >>> from datetime import date
            >>> import backoffice_core as bc
            >>> bo = bc.Backoffice.open("memory://")
            >>> bo.ledger.setup("X", currency="USD", chart="generic")
            >>> inv = bo.inventory
            >>> _ = inv.create_location("WH", "Warehouse", kind="warehouse")
            >>> _ = inv.create_item("WID", "Widget")
            >>> _ = inv.receive("WID", 10, location="WH", unit_cost=2, on=date(2026, 2, 2))
            >>> c = inv.start_count("WH", skus=["WID"], on=date(2026, 2, 10))
            >>> c.kind.value, c.state.value, [(x.sku, x.expected) for x in c.lines]
            ('cycle', 'open', [('WID', Decimal('10'))])
        """
        with self._work() as b:
            root = b.location(location)
            if not root.internal:
                raise ValidationError("counts are taken at internal locations",
                                      field="location", value=location)
            if full == (skus is not None):
                raise ValidationError("a cycle count names its skus; a full count names none",
                                      field="skus", value=skus)
            day = self._day(b, on)
            codes = {loc.code for loc in b.subtree(location)}
            lines: list[CountLine] = []
            if skus is None:
                rows = [r for r in b.repo.stock(None, day) if r.location in codes]
            else:
                if isinstance(skus, (str, bytes)) or not isinstance(skus, Iterable) \
                        or not (names := list(skus)):
                    raise ValidationError("skus must be a non-empty list", field="skus",
                                          value=skus)
                rows = []
                named: set[str] = set()
                for i, sku in enumerate(names):
                    item = b.item(sku, f"skus[{i}]")
                    if item.sku in named:  # its lines would be there twice
                        raise ValidationError("an item is named twice", field=f"skus[{i}]",
                                              value=sku)
                    named.add(item.sku)
                    found = [r for r in b.repo.stock(item.sku, day) if r.location in codes]
                    if not found:
                        lines.append(CountLine(item.sku, root.code, "", _ZERO))
                    rows.extend(found)
            lines.extend(CountLine(r.sku, r.location, r.lot, r.quantity) for r in rows)
            count = Count(self._ids.new_id(), root.code, day,
                          CountKind.FULL if full else CountKind.CYCLE,
                          lines=_at_precision(b, lines, frozen=True))
            b.repo.add_count(count)
            return count

    def _open_count(self, b: Booking, count_id: object) -> Count:
        count = b.repo.get_count(count_id) if lookup_key(count_id) else None
        if count is None:
            raise not_found("count", "count_id", count_id)
        if count.state is not CountState.OPEN:
            raise ValidationError(f"the count is {count.state.value}", field="count_id",
                                  value=count_id)
        return count

    def record_count(self, count_id: str, sku: str, counted: Any, *,
                     location: str | None = None, lot: str | None = None,
                     unit: str | None = None) -> Count:
        """Record the quantity counted of ``sku`` (at ``location``, default the count's own,
        and ``lot``). Stock found that the books did not expect adds a line: of any item in
        a full count, of the items named in a cycle count (another item was not frozen, and
        is refused as ``sku``). When the count expects the item (and lot) only at other
        locations, such as the bins under a counted warehouse, ``location`` must be named:
        the default would add a find at the warehouse itself beside them.

        Example:
            >>> from datetime import date
            >>> import backoffice_core as bc
            >>> bo = bc.Backoffice.open("memory://")
            >>> bo.ledger.setup("X", currency="USD", chart="generic")
            >>> inv = bo.inventory
            >>> _ = inv.create_location("WH", "Warehouse", kind="warehouse")
            >>> _ = inv.create_item("WID", "Widget")
            >>> _ = inv.receive("WID", 10, location="WH", unit_cost=2, on=date(2026, 2, 2))
            >>> c = inv.start_count("WH", skus=["WID"], on=date(2026, 2, 10))
            >>> c = inv.record_count(c.id, "WID", 9)
            >>> line = c.line("WID", "WH", "")
            >>> line.expected, line.counted, line.difference
            (Decimal('10'), Decimal('9'), Decimal('-1'))
        """
        with self._work() as b:
            count = self._open_count(b, count_id)
            item = b.item(sku)
            q = b.quantity(item, counted, unit, field="counted", positive=False)
            if q < 0:
                raise ValidationError("a counted quantity is not negative", field="counted",
                                      value=counted)
            where = b.location(count.location if location is None else location)
            if where.code not in {loc.code for loc in b.subtree(count.location)}:
                raise ValidationError("not part of the counted location", field="location",
                                      value=location)
            if (lot is None) != (item.tracking.value == "none"):
                raise ValidationError("name the lot of a tracked item, and only then",
                                      field="lot", value=lot)
            if item.tracking.value == "serial" and q > 1:  # one unit, or none, per serial
                raise ValidationError(f"a serial number of {item.sku} counts 0 or 1",
                                      field="counted", value=counted)
            if count.kind is CountKind.CYCLE and all(x.sku != item.sku for x in count.lines):
                raise ValidationError("not an item of this cycle count", field="sku", value=sku)
            key = "" if lot is None else lot_code(lot)  # (stripped, as lots are kept)
            line = count.line(item.sku, where.code, key)
            elsewhere = sorted({x.location for x in count.lines if x.sku == item.sku and
                                x.lot == key and x.location != where.code})
            if line is None and location is None and elsewhere:  # not a find at the top
                raise ValidationError(f"{item.sku} is expected at {', '.join(elsewhere)} in "
                                      "this count: name the location counted", field="location",
                                      value=location)
            new_line = (attrs.evolve(line, counted=q) if line is not None
                        else CountLine(item.sku, where.code, key, q - q, q))  # expects 0
            lines = [x for x in count.lines if x is not line] + [new_line]
            lines.sort(key=lambda x: (x.sku, x.location, x.lot))
            new = attrs.evolve(count, lines=tuple(lines), version=count.version + 1)
            b.repo.update_count(new, count.version)
            return new

    def post_count(self, count_id: str) -> Count:
        """Post the differences (counted - expected) as adjustments dated on the count's day,
        valued like any adjustment (gains at the last known unit cost). In a full count an
        uncounted line counts as zero, and the posted count shows it counted 0 (its
        ``difference`` is ``-expected``); in a cycle count it is left alone (``counted``
        and ``difference`` stay ``None``).

        ``expected`` is recomputed as of the count's day: what was on hand there that day,
        including moves entered since the count started but dated on or before its day (a
        backdated receipt, a late-entered delivery), and not moves dated after it. The
        posted lines show it; each keeps the figure frozen at the start as ``frozen``.
        Stock that such a move left on the count's day at a (sku, location, lot) without a
        line gets one (in a cycle count, of the items it covers), counted as zero in a full
        count like any uncounted line.

        The count is the physical truth: finding less than open reservations hold does not
        refuse it. Each loss first sends back to draft what of the reserved moves out of
        that location (of that lot first, for a lot) is left no longer covers, the latest
        planned first: a move wholly uncovered whole, and the one the shortfall ends in
        split (a move is reserved in full or not at all): it keeps, reserved, what is still
        covered, and the rest becomes a new draft move (a copy for that quantity). The
        posted count lists the moves now in draft as ``released``. Confirm them again when
        stock arrives.

        Example:
            >>> from datetime import date
            >>> import backoffice_core as bc
            >>> bo = bc.Backoffice.open("memory://")
            >>> bo.ledger.setup("X", currency="USD", chart="generic")
            >>> inv = bo.inventory
            >>> _ = inv.create_location("WH", "Warehouse", kind="warehouse")
            >>> _ = inv.create_item("WID", "Widget")
            >>> _ = inv.receive("WID", 10, location="WH", unit_cost=2, on=date(2026, 2, 2))
            >>> early = inv.reserve("WID", 4, location="WH", on=date(2026, 2, 12))
            >>> late = inv.reserve("WID", 5, location="WH", on=date(2026, 2, 20))
            >>> c = inv.start_count("WH", skus=["WID"], on=date(2026, 2, 10))
            >>> posted = inv.post_count(inv.record_count(c.id, "WID", 6).id)
            >>> rest = inv.move(posted.released[0])
            >>> rest.state.value, rest.quantity, inv.move(late.id).quantity
            ('draft', Decimal('3'), Decimal('2'))
            >>> inv.on_hand("WID"), inv.reserved("WID", "WH")
            (Decimal('6'), Decimal('6'))
        """
        with self._work() as b:
            count = self._open_count(b, count_id)
            self._day(b, count.date, "date")
            lines = _on_count_day(b, count)
            if count.kind is CountKind.FULL:  # uncounted counts as zero, and shows so
                lines = tuple(x if x.counted is not None
                              else attrs.evolve(x, counted=x.expected - x.expected)
                              for x in lines)
            count = attrs.evolve(count, lines=lines)
            moves: list[Move] = []
            released: list[str] = []
            for line in count.lines:
                counted = line.counted
                if counted is None:  # (a cycle count's uncounted line is left alone)
                    continue
                diff = counted - line.expected
                if diff == 0:
                    continue
                if diff < 0:
                    released.extend(_release_short(b, line, -diff, self._ids.new_id))
                src, dst = (("inventory_loss", line.location) if diff > 0
                            else (line.location, "inventory_loss"))
                moves.append(self._new(b, line.sku, abs(diff), src, dst, count.date,
                                       lot=line.lot or None, reference=f"count {count.id}",
                                       kind=MoveKind.ADJUSTMENT, date_field="date"))
            b.finish()
            ids = {m.id for m in moves}
            value = sum((r.value for r in b.recorded if r.event in ids), 0)
            posted = attrs.evolve(count, state=CountState.POSTED,
                                  adjustments=tuple(m.id for m in moves),
                                  value=Decimal(value).scaleb(-b.digits),
                                  version=count.version + 1, released=tuple(released))
            b.repo.update_count(posted, count.version)
            return posted

    def cancel_count(self, count_id: str) -> Count:
        """Cancel an open count (nothing is posted); a count posted or cancelled already is
        refused with a ``ValidationError`` naming ``count_id``.

        Example:
            >>> from datetime import date
            >>> import backoffice_core as bc
            >>> bo = bc.Backoffice.open("memory://")
            >>> bo.ledger.setup("X", currency="USD", chart="generic")
            >>> inv = bo.inventory
            >>> _ = inv.create_location("WH", "Warehouse", kind="warehouse")
            >>> _ = inv.create_item("WID", "Widget")
            >>> _ = inv.receive("WID", 10, location="WH", unit_cost=2, on=date(2026, 2, 2))
            >>> c = inv.start_count("WH", full=True, on=date(2026, 2, 10))
            >>> c = inv.record_count(c.id, "WID", 7)
            >>> inv.cancel_count(c.id).state.value, inv.on_hand("WID")
            ('cancelled', Decimal('10'))
        """
        with self._work() as b:
            count = self._open_count(b, count_id)
            new = attrs.evolve(count, state=CountState.CANCELLED, version=count.version + 1)
            b.repo.update_count(new, count.version)
            return new

    def count(self, count_id: str) -> Count:
        """The count ``count_id``; ``NotFoundError`` if unknown, ``ValidationError`` if not a
        string.

        Example:
            >>> from datetime import date
            >>> import backoffice_core as bc
            >>> bo = bc.Backoffice.open("memory://")
            >>> bo.ledger.setup("X", currency="USD", chart="generic")
            >>> inv = bo.inventory
            >>> _ = inv.create_location("WH", "Warehouse", kind="warehouse")
            >>> _ = inv.create_item("WID", "Widget")
            >>> _ = inv.receive("WID", 10, location="WH", unit_cost=2, on=date(2026, 2, 2))
            >>> c = inv.start_count("WH", full=True, on=date(2026, 2, 10))
            >>> _ = inv.post_count(inv.record_count(c.id, "WID", 9).id)
            >>> posted = inv.count(c.id)
            >>> posted.state.value, posted.value, len(posted.adjustments)
            ('posted', Decimal('-2.00'), 1)
        """
        check_lookup("count_id", count_id)
        with self._read() as b:
            found = b.repo.get_count(count_id)
        if found is None:
            raise NotFoundError("no such count", field="count_id", value=count_id)
        return found

    def counts(self) -> list[Count]:
        """Every count, by id.

        Example:
            >>> from datetime import date
            >>> import backoffice_core as bc
            >>> bo = bc.Backoffice.open("memory://")
            >>> bo.ledger.setup("X", currency="USD", chart="generic")
            >>> inv = bo.inventory
            >>> _ = inv.create_location("WH", "Warehouse", kind="warehouse")
            >>> _ = inv.create_item("WID", "Widget")
            >>> _ = inv.receive("WID", 10, location="WH", unit_cost=2, on=date(2026, 2, 2))
            >>> _ = inv.start_count("WH", full=True, on=date(2026, 2, 10))
            >>> [(c.kind.value, c.state.value, c.date) for c in inv.counts()]
            [('full', 'open', datetime.date(2026, 2, 10))]
        """
        with self._read() as b:
            return b.repo.list_counts()


def _at_precision(b: Booking, lines: Iterable[CountLine], *,
                  frozen: bool = False) -> tuple[CountLine, ...]:
    """``lines`` sorted, expected quantities at the unit's precision (whatever the store
    returned); ``frozen`` too when they are being frozen."""
    out = []
    for x in lines:
        q = x.expected.quantize(b.unit(b.item(x.sku).unit).step, context=EXACT)
        out.append(attrs.evolve(x, expected=q, frozen=q) if frozen
                   else attrs.evolve(x, expected=q))
    return tuple(sorted(out, key=lambda x: (x.sku, x.location, x.lot)))


def _on_count_day(b: Booking, count: Count) -> tuple[CountLine, ...]:
    """The count's lines with ``expected`` recomputed as what was on hand on the count's
    date (moves dated on or before it, whenever entered), plus a line (frozen at 0) for
    stock there that day without one: of every item in a full count, of the count's
    items in a cycle count."""
    codes = {loc.code for loc in b.subtree(count.location)}
    if count.kind is CountKind.FULL:
        rows = b.repo.stock(None, count.date)
    else:
        rows = [r for sku in sorted({x.sku for x in count.lines})
                for r in b.repo.stock(sku, count.date)]
    on_day = {(r.sku, r.location, r.lot): r.quantity for r in rows if r.location in codes}
    lines = [attrs.evolve(x, expected=on_day.pop((x.sku, x.location, x.lot), _ZERO))
             for x in count.lines]
    lines.extend(CountLine(s, loc, lot, q, frozen=_ZERO) for (s, loc, lot), q in on_day.items())
    return _at_precision(b, lines)


def _release_short(b: Booking, line: CountLine, lost: Decimal,
                   new_id: Callable[[], str]) -> list[str]:
    """Send back to draft what the stock left after losing ``lost`` at ``line``'s location
    no longer covers of the reserved moves out of it: of the line's lot first (for a lot),
    then of the location, the latest planned first (date, then sequence). A move wholly
    uncovered goes back to draft; the one the shortfall ends in is split (as Odoo splits
    a partly available move): it keeps, reserved, what is still covered, and the rest
    becomes a new draft move (``new_id``), a copy of it for that quantity. Returns the ids
    of the moves now in draft, in the order they were released."""
    sku, where, lot = line.sku, line.location, line.lot
    if not b.repo.reserved(sku, where):  # nothing reserved out of there: nothing to release
        return []
    held = sorted((m for m in b.repo.open_moves(sku)
                   if m.state is MoveState.RESERVED and m.source == where),
                  key=lambda m: (m.date, m.seq), reverse=True)
    keeps = {m.id: m.quantity for m in held}  # what each move still holds
    order: list[Move] = []
    ordered: set[str] = set()  # the ids in ``order`` (a list lookup per move is quadratic)

    def release(moves: list[Move], reserved: Decimal, left: Decimal) -> None:
        excess = EXACT.subtract(reserved, max(left, _ZERO))
        for m in moves:
            if excess <= 0:
                return
            take = min(keeps[m.id], excess)
            if take > 0:
                keeps[m.id] = EXACT.subtract(keeps[m.id], take)
                excess = EXACT.subtract(excess, take)
                if m.id not in ordered:
                    ordered.add(m.id)
                    order.append(m)

    if lot:
        of_lot = [m for m in held if m.lot == lot]
        release(of_lot, sum((keeps[m.id] for m in of_lot), _ZERO),
                b.on_hand_at(sku, where, lot) - lost)
    gone = sum((EXACT.subtract(m.quantity, keeps[m.id]) for m in order), _ZERO)
    release(held, EXACT.subtract(b.repo.reserved(sku, where), gone),
            b.on_hand_at(sku, where) - lost)
    out: list[str] = []
    for m in order:
        kept = keeps[m.id]
        if kept == 0:  # wholly uncovered: back to draft
            b.repo.update_move(m._replace(state=MoveState.DRAFT, version=m.version + 1),
                               m.version)
            out.append(m.id)
            continue
        rest = m._replace(id=new_id(), seq=b.repo.allocate_seq(1),
                          quantity=EXACT.subtract(m.quantity, kept), state=MoveState.DRAFT,
                          version=0)
        b.repo.update_move(m._replace(quantity=kept, version=m.version + 1), m.version)
        b.repo.add_moves([rest])
        out.append(rest.id)
    released = sum((EXACT.subtract(m.quantity, keeps[m.id]) for m in order), _ZERO)
    if released:
        b.repo.apply_reservations([(sku, where, -released)])
    return out
