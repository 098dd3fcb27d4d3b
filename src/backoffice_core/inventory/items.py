"""Items: what a company stocks, sells or buys, with how it is counted and valued.

Example:
    >>> item = Item("WID-1", "Widget", unit="pc", valuation="fifo")
    >>> item.kind.value, item.valuation.value, item.tracking.value
    ('stockable', 'fifo', 'none')
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import attrs

from backoffice_core.choices import choice
from backoffice_core.errors import ValidationError
from backoffice_core.exact import bounded
from backoffice_core.frozen import FrozenDict
from backoffice_core.inventory.attributes import checked, kept
from backoffice_core.money import to_decimal
from backoffice_core.text import (
    check_code,
    check_line,
    check_name,
    check_text,
    checked_as_new,
    kept_text,
)

__all__ = ["Item", "ItemKind", "Tracking", "ValuationMethod", "revised", "stored_item"]


class ItemKind(enum.Enum):
    """``STOCKABLE`` items are counted and valued; ``CONSUMABLE`` ones are counted only
    (expensed when bought, so they have no valuation and post nothing); ``SERVICE`` items
    never move."""

    STOCKABLE = "stockable"
    CONSUMABLE = "consumable"
    SERVICE = "service"


class Tracking(enum.Enum):
    """``LOT``: every move names a lot; ``SERIAL``: every move names a serial number and
    moves exactly one unit."""

    NONE = "none"
    LOT = "lot"
    SERIAL = "serial"


class ValuationMethod(enum.Enum):
    """How an item's outgoing stock is costed.

    * ``FIFO``: first in, first out (oldest layers first).
    * ``LIFO``: last in, first out (newest layers first).
    * ``AVERAGE``: moving weighted average, perpetual (re-averaged at every receipt).
    * ``PERIODIC_AVERAGE``: one weighted average per calendar month (opening stock plus
      the month's receipts), applied to every issue of the month.
    * ``STANDARD``: a fixed standard cost; receipts post the purchase price variance.
    """

    FIFO = "fifo"
    LIFO = "lifo"
    AVERAGE = "average"
    PERIODIC_AVERAGE = "periodic_average"
    STANDARD = "standard"


def _sku(value: object) -> str:
    return check_code(value, field="sku", what="sku")


def _unit(value: object) -> str:
    return check_code(value, field="unit", what="unit code", limit=32)


def _name(value: object) -> str:
    return check_name(value, field="name", what="an item")


def _kind(value: object) -> ItemKind:
    return choice(ItemKind, value, "kind")


def _valuation(value: object) -> ValuationMethod:
    return choice(ValuationMethod, value, "valuation")


def _tracking(value: object) -> Tracking:
    return choice(Tracking, value, "tracking")


def _attributes(value: Mapping[str, Any] | None) -> dict[str, Any]:
    return checked(value)


def _optional_amount(field: str, value: Any) -> Decimal | None:
    if value is None:
        return None
    result = to_decimal(value, field=field)
    if result < 0:
        raise ValidationError("must not be negative", field=field, value=value)
    # below 1E+15, at most 40 places; 1E+2 as 100, -0 as 0: the form every store gives back
    return bounded(result, field=field, given=value)


def _standard_cost(value: Any) -> Decimal | None:
    return _optional_amount("standard_cost", value)


def _weight(value: Any) -> Decimal | None:
    return _optional_amount("weight", value)


def _text(field: str, value: object) -> str:
    if not isinstance(value, str):
        raise ValidationError(f"{field} must be text", field=field, value=value)
    return value


def _category(value: object) -> str:
    text = _text("category", value)
    check_text("category", text)
    return text


def _barcode(value: object) -> str:
    text = _text("barcode", value)
    check_line("barcode", text)  # a code: one line
    return text


def _allow_negative(value: object) -> bool:
    if not isinstance(value, bool):
        raise ValidationError("must be True or False", field="allow_negative", value=value)
    return value


@attrs.frozen(slots=True)
class Item:
    """An item of the catalogue.

    Attributes:
        sku: the stock-keeping unit, unique in a book.
        name: display name.
        unit: code of the unit its quantities are kept in (``"pc"``, ``"kg"``...),
            stripped as the unit keeps its code.
        kind: stockable, consumable or service.
        valuation: the costing method (the newest one after a change of method).
        tracking: none, lot or serial.
        category: free grouping (``"Hardware"``).
        barcode: EAN/UPC or any code, free text.
        attributes: free name -> value pairs (``{"colour": "red"}``), read-only
            (:class:`~backoffice_core.frozen.FrozenDict`): change them with
            ``update_item``. Values are JSON-like, the same on every store
            (:mod:`backoffice_core.inventory.attributes`): text, ``int``, ``Decimal``,
            ``bool``, ``None``, ``date``, lists and mappings of those; no floats.
        allow_negative: let stock of this item go below zero everywhere.
        standard_cost: cost per unit in the book's currency (the ``STANDARD`` method's
            cost; also the cost of stock that appears before any cost is known).
        weight: weight of one unit in kg, for landed costs allocated by weight.
            Both are non-negative, below ``1E+15`` and written with at most 40 decimal
            places (:func:`~backoffice_core.exact.bounded`), or ``None``.
        version: optimistic-concurrency counter.

    Example:
        >>> Item("FLOUR", "Flour", unit="kg", standard_cost="0.80").standard_cost
        Decimal('0.80')
        >>> Item("X", "X", kind="gadget")
        Traceback (most recent call last):
        ...
        backoffice_core.errors.ValidationError: kind='gadget': choose one of stockable, ...
        >>> Item("X", "X", weight="1E+999999")
        Traceback (most recent call last):
        ...
        backoffice_core.errors.ValidationError: weight='1E+999999': must be below 1E+15, ...
    """

    sku: str = attrs.field(converter=_sku)
    name: str = attrs.field(converter=_name)
    unit: str = attrs.field(default="pc", converter=_unit)
    kind: ItemKind = attrs.field(default=ItemKind.STOCKABLE, converter=_kind)
    valuation: ValuationMethod = attrs.field(default=ValuationMethod.FIFO, converter=_valuation)
    tracking: Tracking = attrs.field(default=Tracking.NONE, converter=_tracking)
    category: str = attrs.field(default="", converter=_category)
    barcode: str = attrs.field(default="", converter=_barcode)
    attributes: dict[str, Any] = attrs.field(factory=FrozenDict, converter=_attributes)
    allow_negative: bool = attrs.field(default=False, converter=_allow_negative)
    standard_cost: Decimal | None = attrs.field(default=None, converter=_standard_cost)
    weight: Decimal | None = attrs.field(default=None, converter=_weight)
    version: int = 0

    def __attrs_post_init__(self) -> None:
        if self.valuation is ValuationMethod.STANDARD and self.standard_cost is None:
            raise ValidationError("the standard method needs a standard cost",
                                  field="standard_cost", value=None)

    @property
    def valued(self) -> bool:
        """True for stockable items: their stock has a value in the ledger."""
        return self.kind is ItemKind.STOCKABLE


def _kept_amount(field: str, value: Any) -> Decimal | None:
    try:
        return _optional_amount(field, value)
    except ValidationError:  # past the bounds of new input: as the store kept it
        return value if isinstance(value, Decimal) else None


def stored_item(sku: str, name: str, unit: str, kind: str, valuation: str, tracking: str,
                category: str, barcode: str, attributes: Mapping[str, Any],
                allow_negative: bool, standard_cost: Decimal | None, weight: Decimal | None,
                version: int) -> Item:
    """The :class:`Item` a store gives back. Its standard cost, weight and attributes are
    checked as new input is (:func:`~backoffice_core.exact.bounded`,
    :func:`~backoffice_core.inventory.attributes.checked`) when they pass; a value past
    those bounds, which a row written before them may hold, is read back as it was kept
    (:func:`~backoffice_core.inventory.attributes.kept`): the bounds are of what is
    given, and a kept row must not make its item, the list of items or the valuation
    unreadable. A new value past them is still refused (``create_item``,
    ``update_item``).

    Example:
        >>> old = stored_item("OLD", "Old", "pc", "stockable", "standard", "none", "", "",
        ...                   {"big": 10**20}, False, Decimal("1E+20"), None, 3)
        >>> old.standard_cost, old.attributes, old.version
        (Decimal('1E+20'), {'big': 100000000000000000000}, 3)
    """
    cost, weight_kg = _kept_amount("standard_cost", standard_cost), _kept_amount("weight", weight)
    item = Item(sku, name, unit, kind, valuation, tracking, category, barcode, None,
                allow_negative, None if cost is None else Decimal(0), None, version)
    # (set past the converters, which are the rule of new input)
    object.__setattr__(item, "attributes", kept(attributes))
    object.__setattr__(item, "standard_cost", cost)
    object.__setattr__(item, "weight", weight_kg)
    return item


_KEPT = ("attributes", "standard_cost", "weight")


def revised(item: Item, **changes: Any) -> Item:
    """``attrs.evolve(item, **changes)``, the changes checked as new input and the other
    bounded fields kept as they are: an item read back past the bounds of new input
    (:func:`stored_item`), or with text an older version kept with U+FFFE or U+FFFF
    (:func:`~backoffice_core.text.kept_text`), can still be renamed or moved to another
    method without being refused for a value nobody gave.

    Example:
        >>> old = stored_item("OLD", "Old", "pc", "stockable", "fifo", "none", "", "",
        ...                   {}, False, None, Decimal("1E+20"), 0)
        >>> new = revised(old, name="Renamed", version=1)
        >>> new.name, new.weight, new.version
        ('Renamed', Decimal('1E+20'), 1)
        >>> revised(old, weight=Decimal("1E+20"))
        Traceback (most recent call last):
        ...
        backoffice_core.errors.ValidationError: weight=Decimal('1E+20'): must be below 1E+15, ...
    """
    kept_values = {f: getattr(item, f) for f in _KEPT if f not in changes}
    stand_in: dict[str, Any] = {  # (the kept values were checked when made, or read back)
        "attributes": None, "weight": None,
        "standard_cost": None if item.standard_cost is None else Decimal(0)}
    checked_as_new(Item, changes)  # (text kept with U+FFFE or U+FFFF is kept too)
    new = kept_text(attrs.evolve)(item, **{f: stand_in[f] for f in kept_values}, **changes)
    for field, value in kept_values.items():
        object.__setattr__(new, field, value)
    return new
