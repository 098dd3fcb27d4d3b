"""Goods receipts that send stock back: negative lines and cancellations.

The moves a document's hand-over makes carry the id of that hand-over
(:attr:`~backoffice_core.inventory.moves.Move.handover`,
:class:`~backoffice_core.documents.StockHandover`), so these find exactly the moves of a
receipt *line*, never another line's, nor a manual move with the same reference and date:

* a **negative line** made from a purchase order returns the receipt moves of that
  order *line* (the receipt lines made from it), most recent first, at their own cost,
  ``grni`` debited at the line's net (:meth:`ReceiptReturns._return_received`);
* a **cancelled receipt** returns each positive line's own receipt moves, ``grni`` debited
  at what the line credited (:meth:`ReceiptReturns._unreceive`), and takes each negative
  line's stock back as it left: the moves it sent out come back at the cost they left with,
  ``grni`` credited at what the line debited (:meth:`ReceiptReturns._unreturn`);
* a **cancelled delivery note** returns each line's own moves, at the cost they moved at
  (:meth:`ReceiptReturns._undeliver`).

Moves stored before they carried their hand-over (``handover`` ``None``) are matched as
they were: a receipt's by its number, date and item in line order, an order's by the
numbers of its receipts; a cancelled negative line without linked moves takes its stock
back in at the line's net.

Example:
    >>> from datetime import date
    >>> import backoffice_core as bc
    >>> from backoffice_core.documents import Tax, line
    >>> bo = bc.Backoffice.open("memory://")
    >>> bo.ledger.setup("Shop", currency="EUR", chart="generic")
    >>> _ = bo.inventory.create_location("WH", "Warehouse", kind="warehouse")
    >>> _ = bo.inventory.create_item("MUG", "Mug")
    >>> s = bo.documents.create_party("Mugs Ltd", is_customer=False, is_supplier=True)
    >>> gr = bo.documents.issue(bo.documents.create("goods_receipt", s.id, date(2026, 3, 2),
    ...     [line("Mug", 10, "2.50", Tax.standard(20), item_id="MUG")]).id)
    >>> manual = bo.inventory.receive("MUG", 4, location="WH", unit_cost="2.00",
    ...                               on=date(2026, 3, 2), reference=gr.number)
    >>> receipt = bo.inventory.moves("MUG")[0]
    >>> receipt.handover == bo.documents.handovers(gr.id)[0].id, manual.handover
    (True, None)
    >>> _ = bo.documents.cancel(gr.id, reason="wrong delivery")
    >>> back = bo.inventory.moves("MUG")[-1]
    >>> back.origin == receipt.id, bo.inventory.on_hand("MUG")
    (True, Decimal('4'))
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from backoffice_core.documents.model import DocumentType
from backoffice_core.documents.repository import DocumentQuery
from backoffice_core.errors import InsufficientStockError, ValidationError
from backoffice_core.inventory.base import InventoryBase
from backoffice_core.inventory.booking import Booking
from backoffice_core.inventory.context import returned_of
from backoffice_core.inventory.handover_lines import inventory_unit, line_value, named_lots
from backoffice_core.inventory.items import Item, Tracking
from backoffice_core.inventory.moves import Move, MoveKind, MoveState
from backoffice_core.inventory.valuation import share
from backoffice_core.money import Money, allocate

__all__ = ["HandedOver", "ReceiptReturns", "returned_of"]

_ZERO = Decimal(0)


class HandedOver:
    """What one unit of work has read of the documents' hand-overs (read once each).

    ``links[document id][line id]``: the ids of the hand-overs recorded for the line (its
    issue: a cancellation's own are recorded after the inventory took them over);
    ``moves[(document id, sku)]``: the done moves of the item dated on the document's date
    that carry its number.

    Example:
        >>> HandedOver().links
        {}
    """

    def __init__(self) -> None:
        self.links: dict[str, dict[str, set[str]]] = {}
        self.moves: dict[tuple[str, str], list[Move]] = {}

    def line_ids(self, uow: Any, document_id: str, line_id: str) -> set[str]:
        """The ids of the hand-overs recorded for one line of a document."""
        links = self.links.get(document_id)
        if links is None:
            links = self.links[document_id] = {}
            for h in uow.documents.list_handovers(document_id):
                links.setdefault(h.line_id, set()).add(h.id)
        return links.get(line_id, set())

    def document_ids(self, document_id: str) -> set[str]:
        """The ids of every hand-over read of a document (after :meth:`line_ids`)."""
        return {i for ids in self.links.get(document_id, {}).values() for i in ids}

    def of_document(self, b: Booking, doc: Any, sku: str) -> list[Move]:
        """The done moves of ``sku`` on ``doc``'s date with its number, in booking order."""
        moves = self.moves.get((doc.id, sku))
        if moves is None:
            moves = self.moves[(doc.id, sku)] = [
                m for m in b.repo.iter_moves(sku, start=doc.date, end=doc.date)
                if m.done and m.reference == doc.number]
        return moves


class ReceiptReturns(InventoryBase):
    """Negative goods-receipt lines and cancelled receipts (see the module)."""

    def _return_received(self, b: Booking, uow: Any, doc: Any, index: int, h: Any,
                         item: Item, where: str, dims: Sequence[tuple[str, str]]
                         ) -> tuple[Decimal, Decimal] | None:
        """Send a goods receipt's negative line back along the receipts it returns.

        The receipts are the stock moves of the item that earlier issued goods receipts
        made from the line's purchase-order *line* brought in (to ``where`` or under it,
        of the named lots, if any), the most recent first, each returned as
        :meth:`~backoffice_core.inventory.moving.MoveServices.return_move` returns it
        (leaving at the receipt's own cost), with GRNI debited at the line's net (shared
        out by quantity) and the difference to ``price_variance``. Returns the line's net
        and its value in the book's currency, or ``None`` when no such receipt exists
        (the line is then issued to the supplier, costed by the item's method).

        Raises:
            ValidationError: the receipts have less left to return than the line
                (``quantity``).
        """
        ln = doc.lines[index]
        if ln.source is None:
            return None
        receipts = [d for d in uow.documents.find_documents(DocumentQuery(
            types=(DocumentType.GOODS_RECEIPT,), source_id=ln.source.document_id))
            if d.number and d.state.is_issued and d.id != doc.id]
        numbers = {d.number for d in receipts}
        made = {(d.id, x.id) for d in receipts for x in d.lines  # from the same order line
                if x.source is not None and x.source.line_id == ln.source.line_id}
        ids = {x.id for d in receipts for x in uow.documents.list_handovers(d.id)
               if (x.document_id, x.line_id) in made}
        day = b.check_date(h.date, "date")
        received = [m for m in b.repo.iter_moves(item.sku, end=day) if m.done
                    and m.kind is MoveKind.RECEIPT and m.origin is None
                    and m.reference in numbers and (m.handover is None or m.handover in ids)]
        if not received:
            return None
        codes = {loc.code for loc in b.subtree(where)}
        lots = named_lots(item, dict(dims).get("lot"))
        q = b.quantity(item, abs(h.quantity), inventory_unit(h.unit, item.unit))
        if item.tracking is Tracking.SERIAL and lots and q != len(lots):
            raise ValidationError(f"{len(lots)} serial number(s) for {q} unit(s)",
                                  field="lot", value=",".join(lots))
        takes: list[tuple[Move, Decimal]] = []
        need = q
        for m in sorted(received, key=lambda m: (m.date, m.seq), reverse=True):
            if need <= 0:
                break
            if m.destination not in codes or (lots and m.lot not in lots):
                continue
            left = m.quantity - returned_of(b, m)
            if left > 0:
                takes.append((m, min(left, need)))
                need -= takes[-1][1]
        if need > 0:
            raise ValidationError(
                f"only {q - need} {item.unit} of {item.sku} received at {where} on "
                f"{', '.join(sorted(numbers))} are left to return", field="quantity",
                value=h.quantity)
        net, value = line_value(uow, b, doc, index)
        parts = allocate(Money(value, b.currency), [t for _, t in takes])
        for (m, take), part in zip(takes, parts, strict=True):
            self._send_back(b, m, take, day, h, b.money(part, "value"))
        return net, value

    def _send_back(self, b: Booking, m: Move, quantity: Decimal, day: date, h: Any,
                   given: int | None) -> None:
        """Return ``quantity`` of move ``m`` for hand-over ``h``: a receipt leaves at its
        own cost, an issue comes back at the cost it left with; the counterpart is reversed
        at ``given`` minor units (if given), the difference to ``price_variance``."""
        move = Move(self._ids.new_id(), b.repo.allocate_seq(1), m.sku, quantity,
                    m.destination, m.source, day, MoveKind.RETURN, MoveState.DONE,
                    m.lot, h.number, m.id, handover=h.id)
        b.repo.add_moves([move])
        b.book(move, given=given)

    def _line_moves(self, b: Booking, uow: Any, doc: Any, index: int, item: Item,
                    seen: HandedOver) -> list[Move] | None:
        """The moves the issue of ``doc``'s line ``index`` made of ``item``, in booking
        order; ``None`` when none of the document's moves of the item carries one of its
        hand-overs (stored before moves did)."""
        moves = seen.of_document(b, doc, item.sku)
        ids = seen.line_ids(uow, doc.id, doc.lines[index].id)
        mine = [m for m in moves if m.handover is not None and m.handover in ids]
        if mine or any(m.handover in seen.document_ids(doc.id) for m in moves):
            return mine
        return None

    def _unreceive(self, b: Booking, uow: Any, doc: Any, index: int, h: Any, item: Item,
                   seen: HandedOver) -> tuple[Decimal, Decimal] | None:
        """Hand a cancelled goods receipt's line back: its own receipt moves return.

        Its moves are those its issue's hand-over made (one per line, or per serial);
        for moves stored without it, the receipt's moves of the item taken in the order its
        lines booked them. Each is sent back for what earlier returns left of it as
        :meth:`_return_received` sends them, ``grni`` debited at the line's value less the
        share earlier returns took ("The rounding point"): a receipt cancelled whole leaves
        ``grni`` at zero. Returns the line's net (by units left) and value sent back, or
        ``None`` if the receipt brought none in.

        Raises:
            InsufficientStockError: what is left of the receipt is no longer there
                (``quantity``), naming the receipt.
        """
        mine = self._line_moves(b, uow, doc, index, item, seen)
        if mine is None:  # stored before moves carried their hand-over: in line order
            moves = seen.moves[(doc.id, item.sku)]
            legacy = [m for m in moves if m.kind is MoveKind.RECEIPT and m.origin is None
                      and m.handover is None]
            lots = named_lots(item, dict(doc.line_dimensions(doc.lines[index])).get("lot"))
            mine = legacy[:len(lots) if item.tracking is Tracking.SERIAL else 1]
            moves[:] = [m for m in moves if m not in mine]
        if not mine:
            return None
        net, value = line_value(uow, b, doc, index)
        day = b.check_date(h.date, "date")
        total = gone = given = 0  # steps received, steps returned before; minor units
        try:
            for m, part in zip(mine, allocate(Money(value, b.currency), len(mine)), strict=True):
                returned = returned_of(b, m)
                steps, back, worth = b.steps(item, m.quantity), b.steps(item, returned), \
                    b.money(part, "value")
                left = worth - share(worth, steps, back)
                total, gone, given = total + steps, gone + back, given + left
                if back < steps:
                    self._send_back(b, m, m.quantity - returned, day, h, left)
        except InsufficientStockError as err:
            err.message = f"{doc.number} cannot be cancelled: {err.message}"
            raise
        rest = allocate(Money(net, doc.currency), [total - gone, gone])[0].amount
        return rest, Decimal(given).scaleb(-b.digits)

    def _undeliver(self, b: Booking, uow: Any, doc: Any, index: int, h: Any, item: Item,
                   seen: HandedOver) -> bool:
        """Take a cancelled delivery note's line back: the moves its issue made return (a
        delivery's come back, lot and location as they left, at the cost they left with; a
        negative line's stock leaves again at its own cost), each for what earlier
        returns left of it. ``False`` when its moves predate the link (the line is then
        handed over anew, as it was).
        """
        mine = self._line_moves(b, uow, doc, index, item, seen)
        if mine is None:
            return False
        day = b.check_date(h.date, "date")
        for m in mine:
            left = m.quantity - returned_of(b, m)
            if left > 0:
                self._send_back(b, m, left, day, h, None)
        return True

    def _unreturn(self, b: Booking, uow: Any, doc: Any, index: int, h: Any, item: Item,
                  seen: HandedOver) -> tuple[Decimal, Decimal | None] | None:
        """Take a cancelled goods receipt's negative line back: the moves it sent to the
        supplier come back (returns of them), each at the cost it left with, its
        counterpart reversed at what the line's issue booked (``grni`` at the line's net
        for the receipts it returned, at the cost for stock it issued by method).

        Returns the line's net and the value credited to ``grni`` at the line's net (``None``
        when the line was issued by method), or ``None`` when its moves predate the link
        (the stock then comes in at the line's net, as it did).
        """
        mine = self._line_moves(b, uow, doc, index, item, seen)
        if mine is None:
            return None
        day = b.check_date(h.date, "date")
        credited = 0
        for m in mine:
            given = None
            if m.origin is not None:  # a receipt it returned: grni back at what it debited
                record = b.repo.get_cost_record(m.id)
                given = None if record is None else record.given
                credited += given or 0
            left = m.quantity - sum((r.quantity for r in b.repo.returns_of(m.id) if r.done),
                                    _ZERO)  # (an issue by method may have been returned)
            if left > 0:
                self._send_back(b, m, left, day, h, given)
        net = abs(doc.totals.line_nets[index].amount)
        if any(m.origin is not None for m in mine):
            return net, Decimal(credited).scaleb(-b.digits)
        return net, None
