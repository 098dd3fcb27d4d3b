"""One rule for codes, at creation and at lookup alike: white space around a code, of
any kind (spaces, tabs, line breaks), is no part of it; a control character inside it is
refused.

Before, ``check_code`` stripped a newline when a code was made (``create_item("WID\\n")``
made ``WID``), while every lookup of ``"WID\\n"`` was refused (``code_key`` kept it as
given and ``check_lookup`` refused the line break); so did lots (``lot_code``) and
location and unit codes. A code read from a file line with its newline now names the same
item, lot, location or unit everywhere, and a line break inside a code is refused both
when the code is made and when it is looked up, changing nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal

import pytest

import backoffice_core as bc
from backoffice_core.errors import NotFoundError, ValidationError
from backoffice_core.inventory import Lot, MoveSpec
from backoffice_core.text import check_lookup, code_key

DAY = date(2026, 3, 2)
Refuses = Callable[..., pytest.ExceptionInfo[BaseException]]


@pytest.mark.parametrize("given", ["WID\n", "\tWID", "WID\r\n", " WID\x0b", "\x1cWID\u2028"])
def test_a_code_with_surrounding_white_space_names_the_code(given: str) -> None:
    assert code_key(given) == "WID"
    check_lookup("sku", given, code=True)  # no refusal


@pytest.mark.parametrize("given", ["W\nID", "WID\x00 ", "\tW\tID\n"])
def test_a_control_character_inside_a_code_is_refused_at_lookup(given: str) -> None:
    assert code_key(given) is given
    with pytest.raises(ValidationError) as info:
        check_lookup("sku", given, code=True)
    assert (info.value.field, info.value.value) == ("sku", given)


def test_an_id_keeps_its_line_break_refused() -> None:
    with pytest.raises(ValidationError):
        check_lookup("move_id", "m-1\n")


def test_codes_made_from_file_lines_are_named_by_those_lines(
        each_store: bc.Backoffice) -> None:
    inv = each_store.inventory
    assert inv.create_item("NEW\n", "New item", unit="kg\n", tracking="lot").sku == "NEW"
    assert inv.create_location("BIN\r\n", "Bin", parent="WH\n").code == "BIN"
    assert inv.item("NEW\n").sku == inv.item("\tNEW").sku == "NEW"
    assert inv.location("BIN\n").code == "BIN" and inv.unit("kg\n").code == "kg"
    inv.receive("NEW\n", 3, location="BIN\n", unit_cost=1, on=DAY, lot="L9\n")
    inv.receive("WID\n", 5, location="\tWH\n", unit_cost=2, on=DAY)
    done = inv.apply_moves([MoveSpec("WID\n", 1, "WH\n", "customer\n", DAY),
                            MoveSpec("\tWID", 1, "WH", "customer", DAY)])
    assert [(m.sku, m.source, m.destination) for m in done] == [("WID", "WH", "customer")] * 2
    assert [lot.code for lot in inv.lots("NEW\n")] == ["L9"]
    assert inv.on_hand("NEW\n", "BIN\n", lot="L9\n") == inv.on_hand("NEW", "BIN", lot="L9") == 3
    assert inv.on_hand("WID\n", "WH\n") == 3 and inv.available("WID\r\n", "WH\n") == 3
    assert inv.value("WID\n") == inv.value("WID") == bc.Money("6.00", "USD")
    assert inv.moves("WID\n") == inv.moves("WID") and len(inv.moves("WID")) == 3
    assert [x.quantity for x in inv.layers("NEW\n")] == [Decimal(3)]
    assert inv.set_reorder_rule("WID\n", "WH\n", reorder_point=1,
                                order_quantity=5).sku == "WID"
    count = inv.start_count("WH\n", skus=["WID\n"], on=DAY)
    assert [ln.sku for ln in count.lines] == ["WID"]
    with pytest.raises(NotFoundError) as info:
        inv.item("NOPE\n")
    assert (info.value.field, info.value.value) == ("sku", "NOPE\n")


@pytest.mark.parametrize("code", ["W\nX", "X\x00\n", "\tX\tY"])
def test_a_control_character_inside_a_code_is_refused_at_creation(
        each_store: bc.Backoffice, refuses: Refuses, code: str) -> None:
    inv = each_store.inventory
    info = refuses(each_store, ValidationError, inv.create_item, code, "X")
    assert (info.value.field, info.value.value) == ("sku", code)
    info = refuses(each_store, ValidationError, inv.create_location, code, "X", parent="WH")
    assert (info.value.field, info.value.value) == ("code", code)
    info = refuses(each_store, ValidationError, inv.receive, "LOT", 1, location="WH",
                   unit_cost=1, on=DAY, lot=code)
    assert (info.value.field, info.value.value) == ("lot", code)
    with pytest.raises(ValidationError):
        Lot("LOT", code)


def test_a_lot_named_with_a_newline_is_the_lot(each_store: bc.Backoffice) -> None:
    inv = each_store.inventory
    inv.receive("LOT", 4, location="WH", unit_cost=1, on=DAY, lot="L1\n")
    inv.deliver("LOT", 1, location="WH\n", on=DAY, lot="\tL1\r\n")
    assert Lot("LOT", "L1\n").code == "L1"
    assert [lot.code for lot in inv.lots("LOT")] == ["L1"]
    assert inv.on_hand("LOT", lot="L1\n") == inv.on_hand("LOT", lot="L1") == 3


def test_a_location_role_is_kept_stripped_and_posts(each_store: bc.Backoffice) -> None:
    """Before, ``role=" inventory_loss\\n"`` was checked but kept as given, so a move to the
    location failed later: "posting role ' inventory_loss\\n' is not set for this book"."""
    inv = each_store.inventory
    loc = inv.create_location("SCRAP", "Scrap", kind="inventory_loss", role=" inventory_loss\n")
    assert loc.role == inv.location("SCRAP").role == "inventory_loss"
    inv.receive("WID", 2, location="WH", unit_cost=1, on=DAY)
    inv.transfer("WID", 1, source="WH", destination="SCRAP", on=DAY)
    assert inv.on_hand("WID") == 1 and each_store.ledger.verify().ok


@pytest.mark.parametrize("role", ["  ", "cog\ns", 5, ""])
def test_a_location_role_that_is_no_code_is_refused(
        each_store: bc.Backoffice, refuses: Refuses, role: object) -> None:
    inv = each_store.inventory
    info = refuses(each_store, ValidationError, inv.create_location, "R", "Returns",
                   kind="customer", role=role)
    assert (info.value.field, info.value.value) == ("role", role)
