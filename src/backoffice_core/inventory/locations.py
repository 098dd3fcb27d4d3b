"""Locations: where stock is. A hierarchy of internal places plus virtual counterparts.

Internal locations form a tree: a warehouse holds zones, a zone holds zones or
bins, and stock may sit at any of them. Quantities roll up: the stock of a
warehouse is the stock of every location under it. Virtual locations are the
other side of a move: stock comes *from* a supplier and goes *to* a customer,
to an inventory loss, to production. Every book knows one virtual location of
each kind without creating it (:data:`VIRTUAL_LOCATIONS`); it may add more.

Stock at internal and transit locations belongs to the company and is valued;
a move that crosses between a valued and a virtual location changes the
inventory value and posts to the ledger against the virtual location's
posting role (``grni`` for suppliers, ``cogs`` for customers...).

Example:
    >>> wh = Location("WH", "Main warehouse", "warehouse")
    >>> wh.internal, VIRTUAL_LOCATIONS["customer"].role
    (True, 'cogs')
"""

from __future__ import annotations

import enum
from typing import Any

import attrs

from backoffice_core.choices import choice
from backoffice_core.errors import ValidationError
from backoffice_core.text import check_code, check_name

__all__ = ["INTERNAL_KINDS", "VIRTUAL_LOCATIONS", "Location", "LocationKind"]


class LocationKind(enum.Enum):
    """Warehouse, zone and bin are internal; the others are virtual counterparts."""

    WAREHOUSE = "warehouse"
    ZONE = "zone"
    BIN = "bin"
    SUPPLIER = "supplier"
    CUSTOMER = "customer"
    INVENTORY_LOSS = "inventory_loss"
    PRODUCTION = "production"
    TRANSIT = "transit"


INTERNAL_KINDS = frozenset({LocationKind.WAREHOUSE, LocationKind.ZONE, LocationKind.BIN})
_INTERNAL = (LocationKind.WAREHOUSE, LocationKind.ZONE, LocationKind.BIN)  # identity-first `in`
_VALUED = (*_INTERNAL, LocationKind.TRANSIT)
_DEFAULT_ROLES = {
    LocationKind.SUPPLIER: "grni",
    LocationKind.CUSTOMER: "cogs",
    LocationKind.INVENTORY_LOSS: "inventory_loss",
    LocationKind.PRODUCTION: "cogs",
}
_PARENTS = {
    LocationKind.WAREHOUSE: frozenset(),
    LocationKind.ZONE: frozenset({LocationKind.WAREHOUSE, LocationKind.ZONE}),
    LocationKind.BIN: frozenset({LocationKind.WAREHOUSE, LocationKind.ZONE}),
}


def _code(value: object) -> str:
    return check_code(value, field="code", what="location code")


def _parent(value: object) -> str | None:
    if value is None:
        return None
    return check_code(value, field="parent", what="parent location code")


def _role(value: object) -> str | None:
    """A posting role is a code: kept stripped of surrounding white space, as location
    codes are (:func:`~backoffice_core.text.check_code`), so ``" cogs"`` is role ``cogs``."""
    if value is None:
        return None
    if not isinstance(value, str) or not value:
        raise ValidationError("role is the name of a posting role", field="role", value=value)
    return check_code(value, field="role", what="posting role")


def _kind(value: object) -> LocationKind:
    return choice(LocationKind, value, "kind")


def _flag(value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValidationError("must be True or False", field="allow_negative", value=value)
    return value


@attrs.frozen(slots=True)
class Location:
    """A place stock can be, or come from, or go to.

    Attributes:
        code: unique in a book (``"WH1"``, ``"WH1/A/01"``).
        name: display name.
        kind: warehouse, zone, bin (internal) or a virtual kind.
        parent: code of the enclosing internal location (internal locations only),
            stripped as ``code`` is.
        allow_negative: let stock at this location go below zero.
        role: the posting role a move to or from this virtual location is booked against
            (default: ``grni`` for suppliers, ``cogs`` for customers and production,
            ``inventory_loss`` for losses); unused for internal locations. A code, stripped
            as ``code`` is.
        version: optimistic-concurrency counter.

    Example:
        >>> Location("A-01", "Bin A-01", "bin", parent="WH").parent
        'WH'
        >>> Location("R", "Returns", "customer", role=" sales_returns\\n").role
        'sales_returns'
    """

    code: str = attrs.field(converter=_code)
    name: str
    kind: LocationKind = attrs.field(default=LocationKind.BIN, converter=_kind)
    parent: str | None = attrs.field(default=None, converter=_parent)
    allow_negative: bool = attrs.field(default=False, converter=_flag)
    role: str | None = attrs.field(default=None, converter=_role)
    version: int = 0

    def __attrs_post_init__(self) -> None:
        check_name(self.name, field="name", what="a location")
        if self.kind is LocationKind.WAREHOUSE and self.parent is not None:
            raise ValidationError("a warehouse is a root location", field="parent",
                                  value=self.parent)
        if self.kind not in INTERNAL_KINDS and self.parent is not None:
            raise ValidationError("virtual locations have no parent", field="parent",
                                  value=self.parent)
        if self.internal and self.role is not None:
            raise ValidationError("internal locations post no counterpart", field="role",
                                  value=self.role)
        if self.role is None and self.kind in _DEFAULT_ROLES:
            object.__setattr__(self, "role", _DEFAULT_ROLES[self.kind])

    @property
    def internal(self) -> bool:
        """True for warehouses, zones and bins."""
        return self.kind in _INTERNAL

    @property
    def valued(self) -> bool:
        """True where stock belongs to the company: internal and transit locations."""
        return self.kind in _VALUED

    def may_hold(self, child: LocationKind) -> bool:
        """True when a location of kind ``child`` may sit directly under this one.

        Example:
            >>> Location("WH", "WH", "warehouse").may_hold(LocationKind.BIN)
            True
            >>> Location("B", "B", "bin").may_hold(LocationKind.ZONE)
            False
        """
        return self.kind in _PARENTS.get(child, frozenset())


VIRTUAL_LOCATIONS: dict[str, Location] = {loc.code: loc for loc in (
    Location("supplier", "Suppliers", LocationKind.SUPPLIER),
    Location("customer", "Customers", LocationKind.CUSTOMER),
    Location("inventory_loss", "Inventory loss", LocationKind.INVENTORY_LOSS),
    Location("production", "Production", LocationKind.PRODUCTION),
    Location("transit", "Transit", LocationKind.TRANSIT),
)}
"""The virtual locations every book has without creating them."""
