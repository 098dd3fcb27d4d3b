"""Inventory master data follows the one text rule (backoffice_core.text): codes are one
line without control characters, names refuse control characters but keep tab and line
breaks; the same ValidationError on every adapter, and nothing is written."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest

import backoffice_core as bc
from backoffice_core.errors import ValidationError
from backoffice_core.inventory.lots import Lot

URLS = ["memory://", "sqlite://"]


@pytest.fixture(params=URLS)
def bo(request: pytest.FixtureRequest) -> bc.Backoffice:
    book = bc.Backoffice.open(request.param)
    book.ledger.setup("Stock Co", currency="USD", chart="generic")
    book.inventory.create_item("WID", "Widget")
    book.inventory.create_location("WH", "Warehouse", kind="warehouse")
    return book


def _state(bo: bc.Backoffice) -> Any:
    inv = bo.inventory
    return inv.items(), inv.locations(), inv.units(), bo.ledger.entries()


@pytest.fixture
def refused(refused_alike: Callable[..., None]) -> Callable[..., None]:
    """``refused(bo, operation, field, value)``: refused alike, and nothing of ``bo``
    changed (``_state``)."""
    return lambda bo, *args: refused_alike(lambda: _state(bo), *args)


@pytest.mark.parametrize("sku", ["W\x073", "W\x00", "W\t1", "W\n1", "W\x7f"])
def test_skus_are_one_line(bo: bc.Backoffice, sku: str,
        refused: Callable[..., None]) -> None:
    refused(bo, lambda: bo.inventory.create_item(sku, "Widget"), "sku", sku)


def test_item_text_fields(bo: bc.Backoffice,
        refused: Callable[..., None]) -> None:
    inv = bo.inventory
    refused(bo, lambda: inv.create_item("W3", "Wid\x00get"), "name", "Wid\x00get")
    refused(bo, lambda: inv.create_item("W3", "Widget", category="Hard\x1bware"),
             "category", "Hard\x1bware")
    refused(bo, lambda: inv.create_item("W3", "Widget", barcode="400\n123"), "barcode",
             "400\n123")
    refused(bo, lambda: inv.create_item("W3", "Widget", attributes={"col\x00": "red"}),
             "attributes", "col\x00")
    refused(bo, lambda: inv.create_item("W3", "Widget", attributes={"colour": "r\x00"}),
             "attributes[colour]", "r\x00")
    refused(bo, lambda: inv.create_item("W3", "Widget", unit="p\x00c"), "unit", "p\x00c")
    refused(bo, lambda: inv.update_item("WID", name="Wid\x08get"), "name", "Wid\x08get")
    assert inv.create_item("W4", "Widget\nlarge", category="A\tB").name == "Widget\nlarge"


def test_location_text_fields(bo: bc.Backoffice,
        refused: Callable[..., None]) -> None:
    inv = bo.inventory
    refused(bo, lambda: inv.create_location("A\x0001", "Bin"), "code", "A\x0001")
    refused(bo, lambda: inv.create_location("A\n01", "Bin"), "code", "A\n01")
    refused(bo, lambda: inv.create_location("A-01", "B\x00in"), "name", "B\x00in")
    refused(bo, lambda: inv.create_location("A-01", "Bin", parent="W\x00H"), "parent",
             "W\x00H")
    refused(bo, lambda: inv.create_location("R", "Returns", kind="customer",
                                             role="sales\x00returns"), "role",
             "sales\x00returns")


def test_unit_text_fields(bo: bc.Backoffice,
        refused: Callable[..., None]) -> None:
    inv = bo.inventory
    refused(bo, lambda: inv.create_unit("bx\x00", "Box", "count", 12), "code", "bx\x00")
    refused(bo, lambda: inv.create_unit("box", "B\x00x", "count", 12), "name", "B\x00x")
    refused(bo, lambda: inv.create_unit("box", "Box", "co\x00unt", 12), "category",
             "co\x00unt")


def test_lots_are_one_line_codes() -> None:
    for bad in ("L\x001", "L\t1"):
        with pytest.raises(ValidationError) as err:
            Lot("MILK", bad, date(2026, 4, 1))
        assert (err.value.field, err.value.value) == ("lot", bad)
    with pytest.raises(ValidationError) as err:
        Lot("MI\x00LK", "L1")
    assert (err.value.field, err.value.value) == ("sku", "MI\x00LK")


def test_a_lot_with_a_control_character_is_refused_before_any_move(bo: bc.Backoffice) -> None:
    bo.inventory.create_item("MILK", "Milk", tracking="lot")
    before = _state(bo)
    with pytest.raises(ValidationError) as err:
        bo.inventory.receive("MILK", 5, location="WH", unit_cost="1.00", lot="L\x001",
                             on=date(2026, 1, 5))
    assert err.value.value == "L\x001"
    assert _state(bo) == before


def test_a_move_reference_refuses_control_characters_on_every_path(bo: bc.Backoffice,
        refused: Callable[..., None]) -> None:
    """A transfer posts nothing to the ledger, so only the inventory's own check stands
    between a NUL in its reference and the store (both stores kept it before)."""
    from backoffice_core.inventory import MoveSpec

    inv, day = bo.inventory, date(2026, 1, 5)
    inv.create_location("W2", "Second", kind="warehouse")
    inv.receive("WID", 5, location="WH", unit_cost="1.00", on=day)
    moves = len(inv.moves())
    refused(bo, lambda: inv.transfer("WID", 1, source="WH", destination="W2", on=day,
                                      reference="T\x00-1"), "reference", "T\x00-1")
    ok = MoveSpec("WID", 1, "WH", "W2", day, reference="T-2")
    refused(bo, lambda: inv.apply_moves([ok, MoveSpec("WID", 1, "WH", "W2", day,
                                                       reference="T\x07-3")]),
             "moves[1].reference", "T\x07-3")
    assert len(inv.moves()) == moves and inv.on_hand("WID", "W2") == 0
    assert inv.transfer("WID", 1, source="WH", destination="W2", on=day,
                        reference="T-4\tbin 7").reference == "T-4\tbin 7"
