"""An item's standard cost and weight, and a move's unit cost, are bounded on every store.

Before, ``Decimal("1E+999999")`` was accepted and written out in full (a million digits,
past what PostgreSQL's NUMERIC holds), and ``Decimal("1E-20000")`` kept as it was (past
NUMERIC's 16383 decimal places). Now they are refused with a ``ValidationError`` naming the
field and the value as given, and nothing changes (``refuses`` compares a full snapshot).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

import backoffice_core as bc
from backoffice_core.errors import ValidationError
from backoffice_core.exact import MAX_PLACES, MAX_WHOLE, bounded
from backoffice_core.inventory import Item, MoveSpec

Refuses = Callable[..., pytest.ExceptionInfo[BaseException]]
FEB2 = date(2026, 2, 2)
# largest and finest values kept, then the first ones refused each way
LARGEST = Decimal("9" * MAX_WHOLE + "." + "9" * MAX_PLACES)
FINEST = Decimal(1).scaleb(-MAX_PLACES)
TOO_LARGE = ["1E+999999", Decimal("1E+999999"), "1E+15", 10**15, Decimal("1000000000000000.0")]
TOO_FINE = [Decimal("1E-20000"), Decimal(1).scaleb(-MAX_PLACES - 1),
            "1." + "0" * (MAX_PLACES + 1), "0E-41"]


def _check(info: pytest.ExceptionInfo[BaseException], field: str, value: Any) -> None:
    err = info.value
    assert getattr(err, "field", None) == field, err
    assert getattr(err, "value", None) == value, err


@pytest.mark.parametrize("value", TOO_LARGE + TOO_FINE)
@pytest.mark.parametrize("field", ["standard_cost", "weight"])
def test_an_item_decimal_out_of_bounds_is_refused(each_store: bc.Backoffice, refuses: Refuses,
                                                  field: str, value: Any) -> None:
    inv = each_store.inventory
    _check(refuses(each_store, ValidationError, inv.create_item, "BIG", "Big",
                   **{field: value}), field, value)
    with pytest.raises(ValidationError) as info:
        Item("BIG", "Big", **{field: value})
    _check(info, field, value)
    if field == "weight":
        _check(refuses(each_store, ValidationError, inv.update_item, "WID", weight=value),
               "weight", value)
    else:
        _check(refuses(each_store, ValidationError, inv.change_valuation_method, "WID",
                       "standard", standard_cost=value, on=FEB2), "standard_cost", value)
    assert inv.item("WID").weight is None and inv.item("WID").standard_cost is None


@pytest.mark.parametrize("value", TOO_LARGE + TOO_FINE)
def test_a_unit_cost_out_of_bounds_is_refused(each_store: bc.Backoffice, refuses: Refuses,
                                              value: Any) -> None:
    inv = each_store.inventory
    _check(refuses(each_store, ValidationError, inv.receive, "WID", 1, location="WH",
                   unit_cost=value, on=FEB2), "unit_cost", value)
    cost = Decimal(value) if isinstance(value, str) else value
    specs = [MoveSpec("WID", 1, "supplier", "WH", FEB2, unit_cost=Decimal(1)),
             MoveSpec("WID", 1, "supplier", "WH", FEB2, unit_cost=cost)]
    _check(refuses(each_store, ValidationError, inv.apply_moves, specs),
           "moves[1].unit_cost", cost)


def test_the_bounds_themselves_are_kept_exactly(each_store: bc.Backoffice) -> None:
    inv = each_store.inventory
    inv.create_item("HEAVY", "Heavy", valuation="standard", standard_cost=LARGEST,
                    weight=FINEST)
    inv.create_item("ROUND", "Round", standard_cost="1E+14", weight="0E-40")
    heavy, round_ = inv.item("HEAVY"), inv.item("ROUND")
    assert (heavy.standard_cost, heavy.weight) == (LARGEST, FINEST)
    assert str(heavy.standard_cost) == "9" * MAX_WHOLE + "." + "9" * MAX_PLACES
    assert (str(round_.standard_cost), round_.weight) == ("100000000000000", 0)
    assert str(inv.update_item("WID", weight=LARGEST).weight) == str(LARGEST)
    assert inv.item("WID").weight == LARGEST


def test_bounded_is_the_shared_rule() -> None:
    assert bounded(Decimal("1E+2"), field="x") == Decimal(100)
    assert str(bounded(Decimal("-0.00"), field="x")) == "0.00"
    assert bounded(Decimal("0E+99"), field="x") == 0  # zero: no magnitude
    with pytest.raises(ValidationError) as info:
        bounded(Decimal("123E+20"), field="reorder", given="123E+20", whole=3)
    _check(info, "reorder", "123E+20")
    with pytest.raises(ValidationError) as info:
        bounded(Decimal("0.001"), field="x", places=2)
    _check(info, "x", Decimal("0.001"))
