"""Units of measure, items, locations: exact conversions, hierarchy rules, typed refusals."""

from __future__ import annotations

from decimal import Decimal

import pytest

import backoffice_core as bc
from backoffice_core.errors import DuplicateError, NotFoundError, ValidationError
from backoffice_core.inventory import STANDARD_UNITS, VIRTUAL_LOCATIONS, Item, Location, Unit
from backoffice_core.inventory.units import check_quantity, convert, from_steps, to_steps

PC, DOZEN, KG, G = (STANDARD_UNITS[c] for c in ("pc", "dozen", "kg", "g"))
BOX12 = Unit("box12", "Box of 12", "count", 12, 0)


def test_a_box_of_twelve_is_twelve_pieces_both_ways() -> None:
    assert convert(Decimal(3), BOX12, PC) == Decimal(36)
    assert convert(Decimal(36), PC, BOX12) == Decimal(3)
    assert convert(Decimal(2), DOZEN, BOX12) == Decimal(2)


def test_kilograms_and_grams_convert_exactly_at_the_target_precision() -> None:
    assert convert(Decimal(1), G, KG) == Decimal("0.001")
    assert convert(Decimal("1.234"), KG, G) == Decimal(1234)
    assert str(convert(Decimal(250), G, KG)) == "0.250"


def test_a_conversion_that_needs_rounding_is_refused_not_rounded() -> None:
    with pytest.raises(ValidationError) as info:
        convert(Decimal(5), PC, BOX12)  # 5/12 of a box
    assert info.value.field == "quantity" and info.value.value == Decimal(5)
    with pytest.raises(ValidationError):
        convert(Decimal("0.5"), G, KG, field="q")  # 0.0005 kg is finer than 3 places


def test_units_of_different_categories_do_not_convert() -> None:
    with pytest.raises(ValidationError) as info:
        convert(Decimal(1), KG, PC)
    assert info.value.field == "unit" and info.value.value == "kg"


def test_quantities_respect_the_unit_precision_and_refuse_floats() -> None:
    assert check_quantity("1.250", KG) == Decimal("1.250")
    assert check_quantity(Decimal("7.0"), PC) == Decimal("7.0")
    with pytest.raises(ValidationError) as info:
        check_quantity("1.5", PC)
    assert info.value.field == "quantity"
    with pytest.raises(bc.FloatNotAllowedError):
        check_quantity(1.5, KG)
    for bad in ("0", "-1"):
        with pytest.raises(ValidationError):
            check_quantity(bad, PC)
    assert check_quantity("-2", PC, positive=False) == Decimal(-2)


def test_unit_rounding_is_named_and_explicit() -> None:
    assert KG.round(Decimal("1.0005")) == Decimal("1.001")
    assert KG.round(Decimal("1.0005"), bc.RoundingPolicy.HALF_EVEN) == Decimal("1.000")
    assert PC.round(Decimal("2.01"), bc.RoundingPolicy.UP) == Decimal(3)


def test_steps_are_exact_integers() -> None:
    assert to_steps(Decimal("1.25"), 3) == 1250
    assert from_steps(1250, 3) == Decimal("1.25")
    assert to_steps(Decimal(12), 0) == 12


def test_bad_units_are_refused() -> None:
    for kwargs, field in (({"factor": "0"}, "factor"), ({"precision": 10}, "precision"),
                          ({"category": ""}, "category"), ({"code": ""}, "code")):
        args = {"code": "u", "name": "U", "category": "count", "factor": "1", "precision": 0}
        args.update(kwargs)
        with pytest.raises(ValidationError) as info:
            Unit(**args)  # type: ignore[arg-type]
        assert info.value.field == field


def test_book_units(book: bc.Backoffice) -> None:
    inv = book.inventory
    unit = inv.create_unit("box12", "Box of 12", "count", 12)
    assert inv.unit("box12") == unit and inv.unit("kg") == KG
    assert [u.code for u in inv.units()][-1] == "box12"
    with pytest.raises(DuplicateError):
        inv.create_unit("box12", "Again", "count", 12)
    with pytest.raises(ValidationError) as info:
        inv.create_unit("kg", "Mine", "mass", 1, 3)
    assert info.value.field == "code"
    with pytest.raises(NotFoundError):
        inv.unit("nope")


def test_items_are_validated_and_unique(book: bc.Backoffice) -> None:
    inv = book.inventory
    assert inv.item("WID").valuation is bc.inventory.ValuationMethod.FIFO
    with pytest.raises(DuplicateError) as dup:
        inv.create_item("WID", "Again")
    assert dup.value.field == "sku"
    with pytest.raises(NotFoundError) as unit:
        inv.create_item("X1", "Bad unit", unit="parsec")
    assert unit.value.field == "unit"
    cases = [({"sku": ""}, "sku"), ({"name": ""}, "name"), ({"kind": "thing"}, "kind"),
             ({"valuation": "hifo"}, "valuation"), ({"tracking": "rfid"}, "tracking"),
             ({"standard_cost": "-1"}, "standard_cost"), ({"weight": "-1"}, "weight"),
             ({"allow_negative": "yes"}, "allow_negative"),
             ({"valuation": "standard"}, "standard_cost"), ({"attributes": [1]}, "attributes")]
    for change, field in cases:
        args: dict[str, object] = {"sku": "NEW", "name": "New"}
        args.update(change)
        with pytest.raises(ValidationError) as info:
            Item(**args)  # type: ignore[arg-type]
        assert info.value.field == field, change
    with pytest.raises(bc.FloatNotAllowedError):
        Item("F", "Float", standard_cost=1.5)


def test_item_updates_are_versioned_and_limited(book: bc.Backoffice) -> None:
    inv = book.inventory
    new = inv.update_item("WID", name="Widget XL", attributes={"colour": "red"})
    assert new.version == 1 and inv.item("WID").attributes == {"colour": "red"}
    with pytest.raises(ValidationError) as info:
        inv.update_item("WID", unit="kg")
    assert info.value.field == "unit"
    with pytest.raises(ValidationError):
        inv.create_item("V", "v", version=3)


def test_locations_form_a_hierarchy(book: bc.Backoffice) -> None:
    inv = book.inventory
    assert inv.location("WH/Z/B1").parent == "WH/Z"
    with pytest.raises(ValidationError) as info:
        inv.create_location("B/Z", "Zone in a bin", kind="zone", parent="WH/A1")
    assert info.value.field == "parent"
    with pytest.raises(NotFoundError):
        inv.create_location("X", "Orphan", parent="NOPE")
    with pytest.raises(ValidationError):
        Location("W", "Warehouse under a warehouse", "warehouse", parent="WH")
    with pytest.raises(ValidationError):
        Location("C", "Customer with parent", "customer", parent="WH")
    with pytest.raises(ValidationError):
        Location("B", "Internal with role", "bin", role="cogs")
    with pytest.raises(ValidationError) as kind:
        Location("B", "Bad", "cellar")
    assert kind.value.field == "kind"
    with pytest.raises(ValidationError):
        inv.create_location("customer", "Clash", kind="customer")
    with pytest.raises(DuplicateError):
        inv.create_location("WH", "Again", kind="warehouse")


def test_every_book_has_the_virtual_locations(book: bc.Backoffice) -> None:
    codes = {loc.code for loc in book.inventory.locations()}
    assert set(VIRTUAL_LOCATIONS) <= codes
    assert {loc.code: loc.role for loc in VIRTUAL_LOCATIONS.values()} == {
        "supplier": "grni", "customer": "cogs", "inventory_loss": "inventory_loss",
        "production": "cogs", "transit": None}
    assert VIRTUAL_LOCATIONS["transit"].valued and not VIRTUAL_LOCATIONS["transit"].internal
    returns = book.inventory.create_location("returns", "Returns", kind="customer",
                                             role="sales_returns")
    assert returns.role == "sales_returns" and not returns.valued


def test_the_inventory_needs_a_ledger() -> None:
    bo = bc.Backoffice.open("memory://")
    with pytest.raises(NotFoundError) as info:
        bo.inventory.create_item("A", "A")
    assert info.value.field == "book"


def test_a_store_without_inventory_is_refused_with_a_typed_error() -> None:
    from backoffice_core.adapters.memory import MemoryStore
    from backoffice_core.errors import StorageError

    store = MemoryStore()

    class NoInventory:
        def __init__(self, book: str) -> None:
            self._uow = store(book)
            self.ledger = self._uow.ledger
            self.book = book

        def __enter__(self) -> NoInventory:
            self._uow.__enter__()
            return self

        def __exit__(self, *exc: object) -> None:
            self._uow.__exit__(None, None, None)

        def commit(self) -> None:
            self._uow.commit()

    bo = bc.Backoffice(NoInventory)  # type: ignore[arg-type]
    bo.ledger.setup("X", currency="USD", chart="generic")
    with pytest.raises(StorageError) as info:
        bo.inventory.items()
    assert info.value.field == "store"
    assert bo.ledger.settings().name == "X"  # the ledger works on such a store
