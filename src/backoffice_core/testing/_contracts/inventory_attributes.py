"""An item's free-form ``attributes`` read back equal, with their types and their order.

The domain keeps only what every store can give back alike
(:mod:`backoffice_core.inventory.attributes`): text, ints, exact decimals, booleans,
``None``, dates, lists and mappings of those. A store must return exactly that: a JSON
column that reads a decimal as a float, an int as text or a mapping in another order
fails here.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any, cast

import attrs
import pytest

from backoffice_core.inventory.items import Item
from backoffice_core.inventory.repository import InventoryRepository, InventoryUnitOfWork
from backoffice_core.ports import UnitOfWork, UnitOfWorkFactory
from backoffice_core.testing._contracts._base import Contract

__all__ = ["InventoryAttributesContract", "RICH_ATTRIBUTES", "typed"]

#: Every kind of value the rule lets through, nested (names out of order on purpose).
RICH_ATTRIBUTES: dict[str, Any] = {
    "zeta": "two\nlines\tand ünïcode ✓",
    "count": -(10 ** 15 - 1),
    "rate": Decimal("1.50"),
    "fine": Decimal("0." + "0" * 39 + "1"),
    "big": Decimal("999999999999999.5"),
    "ok": True,
    "no": False,
    "none": None,
    "made": date(2026, 2, 3),
    "tags": ["a", "b"],
    "dims": {"h": [1, Decimal("2.5"), {"deep": ["x", None, False]}], "w": 2},
    "empty": {},
    "blank": [],
    "$price": {"$decimal": "1", "currency": "EUR"},
}


def typed(value: Any) -> Any:
    """``value`` with every type spelled out (``1 == True == Decimal(1)``) and mapping
    names in their order: two stores agree when ``typed`` of their answers is equal.

    Example:
        >>> typed({"a": [1, True]})
        ('dict', [('a', ('list', [('int', '1'), ('bool', 'True')]))])
    """
    if isinstance(value, dict):
        return ("dict", [(k, typed(v)) for k, v in value.items()])
    if isinstance(value, list):
        return ("list", [typed(v) for v in value])
    return (type(value).__name__, str(value))


def _inv(uow: UnitOfWork) -> InventoryRepository:
    return cast(InventoryUnitOfWork, uow).inventory


class InventoryAttributesContract(Contract):
    """Items' attributes read back as the domain made them (a part of
    :class:`~backoffice_core.testing.InventoryRepositoryContract`, which runs it).

    Example:
        >>> class TestMyAttributes(InventoryAttributesContract):
        ...     pass
        >>> "test_item_attributes_read_back_alike" in dir(TestMyAttributes)
        True
    """

    @pytest.fixture(autouse=True)
    def _needs_inventory(self, _backoffice_kit: None, uow_factory: UnitOfWorkFactory) -> None:
        self.require_repository("inventory", uow_factory)

    def test_item_attributes_read_back_alike(self, uow_factory: UnitOfWorkFactory) -> None:
        """Added, then changed: the same values, types and order on every read."""
        item = Item("RICH", "Rich", attributes=RICH_ATTRIBUTES)
        want = typed(item.attributes)
        assert [k for k, _ in want[1]] == sorted(RICH_ATTRIBUTES)
        with uow_factory("kit") as uow:
            _inv(uow).add_item(item)
            uow.commit()
        with uow_factory("kit") as uow:
            got = _inv(uow).get_item("RICH")
            assert got is not None and typed(got.attributes) == want and got == item
            assert [typed(i.attributes) for i in _inv(uow).list_items()] == [want]
            changed = attrs.evolve(got, attributes={"dims": RICH_ATTRIBUTES["dims"]},
                                   version=got.version + 1)
            _inv(uow).update_item(changed, got.version)
            uow.commit()
        with uow_factory("kit") as uow:
            again = _inv(uow).get_item("RICH")
            assert again is not None and typed(again.attributes) == typed(changed.attributes)
