"""What one document line hands over to the inventory: its unit, its rate, its lots.

The small readings of a goods receipt's or delivery note's line that the hand-overs
(:mod:`~backoffice_core.inventory.handovers`) and the receipts they return
(:mod:`~backoffice_core.inventory.receipt_returns`) share: the inventory unit of a
UN/ECE Rec. 20 code, the ledger's rate of a document's currency, a receipt line's
value, the lots (or serial numbers) a line's ``lot`` dimension names, and a line's
quantity in its item's unit.

Example:
    >>> inventory_unit("KGM", "pc"), document_unit("kg")
    ('kg', 'KGM')
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from backoffice_core.errors import BackofficeError, NotFoundError, ValidationError
from backoffice_core.inventory.context import WorkContext
from backoffice_core.inventory.items import Item, Tracking
from backoffice_core.inventory.lots import lot_code
from backoffice_core.inventory.units import convert
from backoffice_core.ledger.rates import rate_in_force
from backoffice_core.money import RoundingPolicy
from backoffice_core.text import code_key

__all__ = ["REC20_UNITS", "document_unit", "in_item_unit", "inventory_unit", "ledger_rate",
           "line_value", "named_lots"]

#: UN/ECE Rec. 20 unit codes of document lines and the standard inventory unit of each.
#: ``C62`` ("one") is not listed: it means the item's own unit.
REC20_UNITS: dict[str, str] = {
    "H87": "pc", "EA": "pc", "DZN": "dozen", "KGM": "kg", "GRM": "g", "TNE": "t",
    "LBR": "lb", "LTR": "l", "MLT": "ml", "MTR": "m", "CMT": "cm", "MMT": "mm", "HUR": "h",
}
_TO_REC20 = {unit: code for code, unit in REC20_UNITS.items() if code != "EA"}
_ONE = "C62"
_ZERO = Decimal(0)


def inventory_unit(code: str, item_unit: str) -> str:
    """The inventory unit of a document line's unit ``code`` for an item kept in ``item_unit``.

    Example:
        >>> inventory_unit("KGM", "kg"), inventory_unit("C62", "kg"), inventory_unit("box12", "pc")
        ('kg', 'kg', 'box12')
    """
    if code == _ONE:
        return item_unit
    return REC20_UNITS.get(code, code)


def in_item_unit(ctx: WorkContext, ln: Any) -> Decimal | None:
    """A document line's quantity in its item's unit (a receipt line may be in another
    unit than its order line: boxes ordered, pieces received); ``None`` for a line of no
    known item or of a unit that does not convert into the item's.

    Example:
        >>> import backoffice_core as bc
        >>> from backoffice_core.documents import Tax, line
        >>> bo = bc.Backoffice.open("memory://")
        >>> bo.ledger.setup("X", currency="EUR", chart="generic")
        >>> _ = bo.inventory.create_unit("box12", "Box of 12", "count", 12)
        >>> _ = bo.inventory.create_item("MUG", "Mug")
        >>> boxes = line("Mug", 2, "24.00", Tax.zero(), unit="box12", item_id="MUG")
        >>> with bo.unit_of_work() as uow:
        ...     in_item_unit(WorkContext(uow), boxes), in_item_unit(WorkContext(uow),
        ...                                                         line("Tea", 1, "1", Tax.zero()))
        (Decimal('24'), None)
    """
    # the item the line names, with or without surrounding spaces (as items keep their sku)
    item = ctx.repo.get_item(code_key(ln.item_id)) if ln.item_id is not None else None
    if item is None:
        return None
    try:
        unit = ctx.unit(inventory_unit(ln.unit, item.unit))
        return convert(ln.quantity, unit, ctx.unit(item.unit))
    except BackofficeError:
        return None


def document_unit(item_unit: str) -> str:
    """The unit code a document line gets for an item kept in ``item_unit``.

    The UN/ECE Rec. 20 code of a standard unit, else ``C62`` (which reads back as the
    item's own unit, see :func:`inventory_unit`).

    Example:
        >>> document_unit("pc"), document_unit("kg"), document_unit("box12")
        ('H87', 'KGM', 'C62')
    """
    return _TO_REC20.get(item_unit, _ONE)


def ledger_rate(uow: Any, code: str, functional: str, day: date) -> Decimal:
    """The ledger's rate of one ``code`` in ``functional`` on ``day``: the rate in force,
    recorded either way round (:func:`~backoffice_core.ledger.rates.rate_in_force`).

    Raises:
        NotFoundError: no rate on or before ``day`` (``field="rate"``).

    Example:
        >>> import backoffice_core as bc
        >>> bo = bc.Backoffice.open("memory://")
        >>> bo.ledger.setup("X", currency="EUR", chart="generic")
        >>> bo.ledger.set_rate("USD", "EUR", date(2026, 1, 1), "0.90")
        >>> with bo.unit_of_work() as uow:
        ...     ledger_rate(uow, "USD", "EUR", date(2026, 3, 1))
        Decimal('0.90')
    """
    if code == functional:
        return Decimal(1)
    rate = rate_in_force(uow.ledger, code, functional, day)
    if rate is not None:
        return rate
    raise NotFoundError(f"no {code}/{functional} rate on or before {day}; record one with "
                        "bo.ledger.set_rate()", field="rate", value=f"{code}/{functional}")


def line_value(uow: Any, b: WorkContext, doc: Any, index: int) -> tuple[Decimal, Decimal]:
    """A goods-receipt line's net (unsigned, in the document's currency) and its value in
    the book's currency at the ledger's rate of the receipt's date: what ``grni`` took.

    Example:
        >>> import backoffice_core as bc
        >>> from backoffice_core.documents import Tax, line
        >>> bo = bc.Backoffice.open("memory://")
        >>> bo.ledger.setup("X", currency="EUR", chart="generic")
        >>> s = bo.documents.create_party("Mugs Ltd", is_customer=False, is_supplier=True)
        >>> gr = bo.documents.create("goods_receipt", s.id, date(2026, 3, 2),
        ...                          [line("Mug", -3, "2.50", Tax.zero())])
        >>> with bo.unit_of_work() as uow:
        ...     line_value(uow, WorkContext(uow), gr, 0)
        (Decimal('7.50'), Decimal('7.50'))
    """
    net = abs(doc.totals.line_nets[index].amount)
    rate = ledger_rate(uow, doc.currency, b.currency, doc.date)
    return net, RoundingPolicy.HALF_UP.quantize(net * rate, b.digits)


def named_lots(item: Item, text: str | None) -> list[str]:
    """The lots a line's ``lot`` dimension names: one lot, or serial numbers by commas,
    each stripped as lots are kept (:func:`~backoffice_core.inventory.lots.lot_code`).

    Raises:
        ValidationError: the item is not tracked, or serial numbers repeat or are empty
            (``lot``).

    Example:
        >>> named_lots(Item("L", "Laptop", tracking="serial"), "S-1, S-2")
        ['S-1', 'S-2']
        >>> named_lots(Item("Y", "Yoghurt", tracking="lot"), " Y-17 ")
        ['Y-17']
    """
    if text is None:
        return []
    if item.tracking is Tracking.NONE:
        raise ValidationError(f"item {item.sku} is not tracked by lot", field="lot", value=text)
    if item.tracking is not Tracking.SERIAL:
        return [lot_code(text)]  # (stripped, as lots are kept)
    serials = [part.strip() for part in text.split(",")]
    if any(not part for part in serials) or len(set(serials)) != len(serials):
        raise ValidationError("serial numbers must be distinct and non-empty, separated by "
                              "commas", field="lot", value=text)
    return serials
