"""Hand-overs from documents: issued goods receipts receive stock, delivery notes deliver it.

When ``bo.documents.issue()`` issues a goods receipt or a delivery note, the
documents service calls :meth:`HandoverServices.take_over` *inside its own unit of
work* with the quantities the document hands over. The stock moves, their
valuation and their ledger entries are written in that unit of work, so the
document, its number and the stock commit together, or, when anything is
refused (not enough stock, a closed period), not at all.

How each handed-over line is booked:

* **which lines**: a line whose ``item_id`` is an item of the inventory; unknown
  items, services and free-text lines are skipped (consumables move, counted but
  not valued, as everywhere in the inventory). A store without an inventory keeps
  working as before.
* **where**: the line's ``location`` dimension, else the document's, else the
  book's only root location (its one warehouse). Dimensions are stored with the
  document and converted documents keep them, so a purchase order made by
  :meth:`~backoffice_core.inventory.purchasing.PurchaseServices.purchase_drafts`
  names the location its goods receipt receives into.
* **goods receipt**: ``supplier`` -> location, Dr inventory / Cr goods received not
  invoiced, valued at the line's net amount (BT-131) converted into the book's
  currency at the ledger's rate of the receipt's date; standard-cost items are
  valued at standard and the difference goes to ``price_variance``, as for any
  receipt. A supplier bill converted from the receipt debits ``grni`` with the same
  line nets, which clears it. For a receipt in a foreign currency a second entry
  (:func:`grni_in_currency`) moves that credit into the receipt's currency, so the
  bill clears ``grni`` in both currencies.
* **delivery note**: location (and everything under it) -> ``customer``, Dr cost of
  goods sold / Cr inventory, costed by the item's method. Stock is picked first
  expired, first out (:func:`~backoffice_core.inventory.lots.fefo`): lot-tracked
  items by lot, others by location code within the location's subtree, leaving stock
  reserved for other moves where it is (:meth:`Booking.picks`).
* **negative quantities** go the other way: a negative receipt line made from a purchase
  order returns the receipt moves that the order's earlier goods receipts made from the
  same order line, most recent first, as
  :meth:`~backoffice_core.inventory.moving.MoveServices.return_move` does (at their own
  cost, ``grni`` debited at the line's net, the difference to ``price_variance``),
  refusing more than they have left (``lines[i].quantity``); one with no such receipt is
  issued to the supplier, costed by method. A cancelled receipt returns its own moves the
  same way (``grni`` debited at what it credited, so back to zero), and takes a negative
  line's stock back at the cost it left with
  (:mod:`~backoffice_core.inventory.receipt_returns`). A negative delivery line takes a
  customer return back (at the last known cost).
* **lots**: a line names its lot with the ``lot`` dimension (and, on a receipt, the
  lot's expiry date with ``expiry``, ISO ``YYYY-MM-DD``). A receipt of a lot- or
  serial-tracked item needs it (``lines[i].dimensions.lot``); for a serial-tracked item
  the dimension lists the serial numbers, comma-separated, one per unit. A delivery that
  names a lot (or serials) takes exactly those; one that names none is picked FEFO. An
  untracked item refuses a ``lot`` dimension.
* **units**: UN/ECE Rec. 20 codes map to the standard units (``H87`` pc, ``KGM`` kg,
  ``GRM`` g, ``LTR`` l, ``HUR`` h...); ``C62`` ("one", the documents' default) means
  the item's own unit; any other code is taken as an inventory unit code.
* **references**: every move and entry carries the document number, and every move the
  id of the hand-over that made it (``Move.handover``: one document line's issue or
  cancellation).

Errors name the document line: ``lines[0].quantity`` for not enough stock.

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
    >>> bo.inventory.on_hand("MUG", "WH"), bo.ledger.balance("2120")
    (Decimal('10'), Money('-25.00', 'EUR'))
    >>> [m.reference for m in bo.inventory.moves("MUG")]
    ['GR-2026-00001']
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from backoffice_core.errors import BackofficeError, NotFoundError, ValidationError
from backoffice_core.inventory.booking import Booking
from backoffice_core.inventory.context import WorkContext, short_of
from backoffice_core.inventory.handover_lines import (
    REC20_UNITS,
    document_unit,
    in_item_unit,
    inventory_unit,
    ledger_rate,
    line_value,
    named_lots,
)
from backoffice_core.inventory.items import Item, ItemKind, Tracking
from backoffice_core.inventory.moves import Move
from backoffice_core.inventory.receipt_returns import HandedOver, ReceiptReturns
from backoffice_core.ledger.entries import Line, NewEntry
from backoffice_core.money import Money, allocate, exactly
from backoffice_core.text import code_key

__all__ = [
    "REC20_UNITS",
    "HandoverServices",
    "document_unit",
    "grni_in_currency",
    "inventory_unit",
    "ledger_rate",
    "line_location",
    "root_locations",
]

_ZERO = Decimal(0)


def line_location(ctx: WorkContext, dims: Sequence[tuple[str, str]],
                  roots: list[str] | None = None) -> str:
    """The internal location a document line moves stock at.

    The ``location`` dimension of the line (merged with its document's), else the
    only root location of the book (``roots``: the codes of the internal locations
    without a parent, read from ``ctx`` when not given).

    Raises:
        NotFoundError: the named location does not exist (``dimensions.location``).
        ValidationError: it is not internal, or nothing is named and the book has no
            root location or more than one.

    Example:
        >>> import backoffice_core as bc
        >>> bo = bc.Backoffice.open("memory://")
        >>> bo.ledger.setup("X", currency="EUR", chart="generic")
        >>> _ = bo.inventory.create_location("WH", "Warehouse", kind="warehouse")
        >>> _ = bo.inventory.create_location("A1", "Bin A1", parent="WH")
        >>> with bo.unit_of_work() as uow:
        ...     ctx = WorkContext(uow)
        ...     line_location(ctx, ()), line_location(ctx, (("location", "A1"),))
        ('WH', 'A1')
    """
    named = dict(dims).get("location")
    if named is not None:
        loc = ctx.location(named, "dimensions.location")
        if not loc.internal:
            raise ValidationError("documents move stock at internal locations (warehouse, "
                                  "zone, bin)", field="dimensions.location", value=named)
        return loc.code
    if roots is None:
        roots = root_locations(ctx)
    if len(roots) != 1:
        raise ValidationError(f"name the stock location with a 'location' dimension on the "
                              f"line or the document (the book has {len(roots)} root "
                              "locations)", field="dimensions.location", value=None)
    return roots[0]


def root_locations(ctx: WorkContext) -> list[str]:
    """Codes of the book's internal locations that have no parent (its warehouses).

    Example:
        >>> import backoffice_core as bc
        >>> bo = bc.Backoffice.open("memory://")
        >>> bo.ledger.setup("X", currency="EUR", chart="generic")
        >>> _ = bo.inventory.create_location("WH", "Warehouse", kind="warehouse")
        >>> with bo.unit_of_work() as uow:
        ...     root_locations(WorkContext(uow))
        ['WH']
    """
    return [loc.code for loc in ctx.repo.list_locations() if loc.internal and loc.parent is None]


def grni_in_currency(doc: Any, foreign: Decimal, functional: Decimal, currency: str,
                     roles: dict[str, str]) -> NewEntry:
    """The entry that keeps a foreign goods receipt's GRNI in the supplier's currency.

    The stock receipt credits ``grni`` in the book's ``currency`` (inventory is kept
    there); this entry moves that credit into the receipt's currency (``foreign`` in
    it, worth ``functional``), through ``currency_trading`` as the ledger does for
    every exchange, so the supplier bill's debit in that currency clears ``grni`` in
    both currencies, and a revaluation treats it like any foreign liability.

    Example:
        >>> from backoffice_core.documents import Document, Tax, line
        >>> d = Document("d", "goods_receipt", "s", "EUR", date(2026, 3, 2),
        ...              [line("Mug", 1, "10.00", Tax.zero())], number="GR-1")
        >>> e = grni_in_currency(d, Decimal("10.00"), Decimal("11.00"), "USD",
        ...                      {"grni": "2120", "currency_trading": "3500"})
        >>> for ln in e.lines:
        ...     print(ln.account, repr(ln.amount), repr(ln.functional))
        2120 Money('11.00', 'USD') None
        2120 Money('-10.00', 'EUR') Money('-11.00', 'USD')
        3500 Money('10.00', 'EUR') Money('11.00', 'USD')
        3500 Money('-11.00', 'USD') None
    """
    grni, trading = roles.get("grni"), roles.get("currency_trading")
    for name, code in (("grni", grni), ("currency_trading", trading)):
        if not code:
            raise NotFoundError(f"the book has no account for role {name}; set it with "
                                "bo.ledger.set_role()", field=f"roles.{name}", value=None)
    assert grni is not None and trading is not None
    own, other = Money(functional, currency), Money(foreign, doc.currency)
    return NewEntry(doc.date, f"Goods received in {doc.currency} {doc.number}", [
        Line(grni, own), Line(grni, -other, functional=-own),
        Line(trading, other, functional=own), Line(trading, -own)], reference=doc.number)


class HandoverServices(ReceiptReturns):
    """Stock moves for issued goods receipts and delivery notes (the documents hook)."""

    @exactly  # the caller's unit of work, the library's decimal context
    def in_item_units(self, uow: Any, lines: Sequence[Any]) -> list[Decimal | None]:
        """The quantities of document ``lines`` in their items' units, read in the caller's
        unit of work: ``None`` for a line of no known item or of a unit that does not
        convert into its item's (all ``None`` on a store that keeps no inventory).

        The subscriber of ``Documents(in_item_units=...)``: a line converted from another
        in another unit of its item (boxes ordered, pieces received) counts against it in
        the item's unit.

        Example:
            >>> import backoffice_core as bc
            >>> from backoffice_core.documents import Tax, line
            >>> bo = bc.Backoffice.open("memory://")
            >>> bo.ledger.setup("Shop", currency="EUR", chart="generic")
            >>> _ = bo.inventory.create_unit("box12", "Box of 12", "count", 12)
            >>> _ = bo.inventory.create_item("MUG", "Mug")
            >>> with bo.unit_of_work() as uow:
            ...     bo.inventory.in_item_units(uow, [
            ...         line("Mug", 2, "24.00", Tax.zero(), unit="box12", item_id="MUG"),
            ...         line("Mug", 5, "2.00", Tax.zero(), unit="H87", item_id="MUG"),
            ...         line("Freight", 1, "5.00", Tax.zero())])
            [Decimal('24'), Decimal('5'), None]
        """
        if getattr(uow, "inventory", None) is None:
            return [None] * len(lines)
        ctx = WorkContext(uow)
        return [in_item_unit(ctx, ln) for ln in lines]

    @exactly  # the caller's unit of work, the library's decimal context
    def take_over(self, uow: Any, handovers: Sequence[Any]) -> set[str]:
        """Move the stock that issued documents hand over, inside the caller's unit of work.

        The subscriber of ``Documents(on_handover=...)``: ``handovers`` are
        :class:`~backoffice_core.documents.StockHandover` values of documents saved in
        ``uow``. Moves, valuation and ledger entries are written to ``uow`` and not
        committed here; any refusal raises (naming ``lines[i]`` of the document) and the
        caller's whole unit of work rolls back. The moves carry the document's number
        as their reference. Returns the line ids of goods-receipt lines whose stockable
        items it booked against goods received not invoiced (the bill clears those).

        Example:
            >>> from datetime import date
            >>> import backoffice_core as bc
            >>> from backoffice_core.documents import Tax, line
            >>> bo = bc.Backoffice.open("memory://")
            >>> bo.ledger.setup("Shop", currency="EUR", chart="generic")
            >>> _ = bo.inventory.create_location("WH", "Warehouse", kind="warehouse")
            >>> _ = bo.inventory.create_item("MUG", "Mug")
            >>> _ = bo.inventory.receive("MUG", 5, location="WH", unit_cost="2.00",
            ...                          on=date(2026, 3, 1))
            >>> c = bo.documents.create_party("Cafe Blue")
            >>> dn = bo.documents.create("delivery_note", c.id, date(2026, 3, 3),
            ...                          [line("Mug", 8, "6.00", Tax.zero(), item_id="MUG")])
            >>> bo.documents.issue(dn.id)
            Traceback (most recent call last):
            ...
            backoffice_core.errors.InsufficientStockError: lines[0].quantity=Decimal('8'): ...
            >>> bo.documents.get(dn.id).state.value, bo.inventory.on_hand("MUG")
            ('draft', Decimal('5'))
        """
        if not handovers or getattr(uow, "inventory", None) is None:
            return set()
        repo = uow.inventory
        wanted = [(h, item) for h in handovers
                  if (item := repo.get_item(code_key(h.item_id))) is not None  # (stripped)
                  and item.kind is not ItemKind.SERVICE and h.quantity != 0]
        if not wanted:
            return set()
        b = Booking(uow, self._ledger, self._ids, policy=self.rounding)
        documents: dict[str, Any] = {}
        places: dict[str, dict[str, tuple[int, Any]]] = {}  # per document: line id -> (i, line)
        roots: list[str] = []
        owed: dict[str, tuple[Any, Decimal, Decimal]] = {}  # foreign receipts: doc, amounts
        seen = HandedOver()  # hand-overs and moves of the documents read so far
        for h, item in wanted:
            doc = documents.get(h.document_id)
            if doc is None:
                doc = documents[h.document_id] = uow.documents.get_document(h.document_id)
                places[h.document_id] = {x.id: (i, x) for i, x in enumerate(doc.lines)}
            index, ln = places[h.document_id][h.line_id]
            try:
                dims = doc.line_dimensions(ln)
                if not roots and dict(dims).get("location") is None:
                    roots = root_locations(b)
                where = line_location(b, dims, roots)
                value, sign, moved = None, 1, False
                if h.direction > 0 and item.kind is ItemKind.STOCKABLE:
                    if h.quantity > 0 and ln.quantity > 0:  # a receipt line issued
                        net, value = line_value(uow, b, doc, index)
                    elif h.quantity < 0 and ln.quantity < 0:  # a negative line issued
                        returned = self._return_received(b, uow, doc, index, h, item, where,
                                                         dims)
                        if returned is not None:  # else no receipt of it: issued by method
                            (net, value), sign, moved = returned, -1, True
                    elif ln.quantity > 0:  # a receipt line cancelled
                        undone = self._unreceive(b, uow, doc, index, h, item, seen)
                        (net, value), sign, moved = undone or (_ZERO, None), -1, True
                    else:  # a negative line cancelled: its stock comes back as it left
                        back = self._unreturn(b, uow, doc, index, h, item, seen)
                        if back is None:  # its moves predate the link: in at the line's net
                            net, value = line_value(uow, b, doc, index)
                        else:
                            (net, value), moved = back, True
                elif h.direction < 0 and (h.quantity > 0) != (ln.quantity > 0):  # cancelled
                    moved = self._undeliver(b, uow, doc, index, h, item, seen)
                if not moved:
                    self._hand_over_line(b, h, item, where, value, dims)
                if value is not None and doc.currency != b.currency:
                    _, foreign, functional = owed.get(doc.id, (doc, _ZERO, _ZERO))
                    owed[doc.id] = (doc, foreign + sign * net, functional + sign * value)
            except BackofficeError as err:
                if err.field in ("lot", "expiry"):  # named by the line's dimensions
                    err.field = f"dimensions.{err.field}"
                err.field = f"lines[{index}].{err.field}" if err.field else f"lines[{index}]"
                raise
        b.finish()
        for doc, foreign, functional in owed.values():
            if not (foreign or functional):
                continue
            self._ledger.post_within(uow, grni_in_currency(doc, foreign, functional,
                                                           b.currency, b.roles))
        return {h.line_id for h, item in wanted
                if h.direction > 0 and item.kind is ItemKind.STOCKABLE}

    def _hand_over_line(self, b: Booking, h: Any, item: Item, where: str,
                        value: Decimal | None, dims: Sequence[tuple[str, str]] = ()
                        ) -> list[Move]:
        incoming = (h.direction > 0) == (h.quantity > 0)
        unit = inventory_unit(h.unit, item.unit)
        quantity = abs(h.quantity)
        partner = "supplier" if h.direction > 0 else "customer"
        named = dict(dims)
        lots = named_lots(item, named.get("lot"))
        if incoming:
            if item.tracking is not Tracking.NONE and not lots:
                raise ValidationError(f"item {item.sku} is tracked by {item.tracking.value}; "
                                      "name the lot with a 'lot' dimension on the document "
                                      "line", field="lot", value=None)
            expiry = _expiry(named.get("expiry"))
            given = None if value is None else Money(value, b.currency)
            if item.tracking is not Tracking.SERIAL:
                return [self._new(b, item.sku, quantity, partner, where, h.date, unit=unit,
                                  value=given, reference=h.number, date_field="date",
                                  lot=lots[0] if lots else None, expiry=expiry,
                                  handover=h.id)]
            q = b.quantity(item, quantity, unit)
            if q != len(lots):
                raise ValidationError(f"{len(lots)} serial number(s) for {q} unit(s)",
                                      field="lot", value=named.get("lot"))
            values: list[Money | None] = [None] * len(lots) if given is None else \
                list(allocate(given, len(lots)))  # the line's value, cent-exact, per unit
            return [self._new(b, item.sku, 1, partner, where, h.date, value=v,
                              reference=h.number, date_field="date", lot=serial,
                              expiry=expiry, handover=h.id)
                    for serial, v in zip(lots, values, strict=True)]
        q = b.quantity(item, quantity, unit)
        return [self._new(b, item.sku, pick_q, loc, partner, h.date, lot=lot,
                          reference=h.number, date_field="date", handover=h.id)
                for loc, lot, pick_q in self._picks(b, item, where, q, h.date, lots)]

    def _picks(self, b: Booking, item: Item, where: str, q: Decimal, day: date,
               lots: Sequence[str] = ()) -> list[tuple[str, str | None, Decimal]]:
        """(location, lot, quantity) to take ``q`` from ``where`` and under it, FEFO (from
        the named ``lots`` only, when given)."""
        codes = [loc.code for loc in b.subtree(where)]
        expiry: dict[str, date | None] = {"": None}  # untracked: by location
        if item.tracking is not Tracking.NONE:
            expiry = {lot.code: lot.expiry for lot in b.repo.list_lots(item.sku)}
            if lots:
                unknown = [lot for lot in lots if lot not in expiry]
                if unknown:
                    raise NotFoundError("no such lot of this item", field="lot",
                                        value=unknown[0])
                if item.tracking is Tracking.SERIAL and q != len(lots):
                    raise ValidationError(f"{len(lots)} serial number(s) for {q} unit(s)",
                                          field="lot", value=",".join(lots))
                expiry = {lot: expiry[lot] for lot in lots}
        picks = [(p.location, p.lot or None, p.quantity)
                 for p in b.picks(item, codes, expiry, q, day)]
        short = q - sum((p[2] for p in picks), _ZERO)
        if short <= 0:
            return picks
        if item.tracking is not Tracking.NONE:
            raise short_of("not enough unexpired stock", item.sku, where, q, q - short)
        if not (item.allow_negative or b.location(where).allow_negative):
            raise short_of("not enough stock", item.sku, where, q, q - short)
        here = next((i for i, p in enumerate(picks) if p[0] == where), None)
        if here is None:
            picks.append((where, None, short))
        else:  # negative stock is allowed: the rest goes below zero at the named location
            picks[here] = (where, None, picks[here][2] + short)
        return picks


def _expiry(text: str | None) -> date | None:
    """The ``expiry`` dimension as a date (ISO ``YYYY-MM-DD``)."""
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValidationError("expiry must be an ISO date (YYYY-MM-DD)", field="expiry",
                              value=text) from None
