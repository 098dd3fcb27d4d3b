"""Bad input: every refusal is a typed error naming field and value, and changes nothing.

``refuses`` compares a full snapshot (moves, stock now and as of every date, reservations,
valuation now and as of every date, layers, history, counts, ledger entries and balances)
before and after the failed call, and verifies the ledger's hash chain.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import pytest

import backoffice_core as bc
from backoffice_core.errors import (
    FloatNotAllowedError,
    NotFoundError,
    PeriodClosedError,
    ValidationError,
)
from backoffice_core.inventory import MoveSpec

Refuses = Callable[..., pytest.ExceptionInfo[BaseException]]
FEB2 = date(2026, 2, 2)


@pytest.fixture
def stocked(book: bc.Backoffice) -> bc.Backoffice:
    inv = book.inventory
    inv.receive("WID", 10, location="WH", unit_cost="2.00", on=date(2026, 2, 1))
    inv.deliver("WID", 4, location="WH", on=date(2026, 2, 3))
    inv.receive("LOT", 5, location="WH", lot="L1", unit_cost=1, on=date(2026, 2, 1))
    return book


def _check(info: pytest.ExceptionInfo[BaseException], field: str, value: Any) -> None:
    err = info.value
    assert getattr(err, "field", None) == field, err
    assert getattr(err, "value", None) == value, err


CASES: list[tuple[str, type[BaseException], str, dict[str, Any], str, Any]] = [
    ("unknown item", NotFoundError, "receive",
     {"sku": "NOPE", "quantity": 1, "location": "WH", "unit_cost": 1}, "sku", "NOPE"),
    # named by the caller's argument (``location``), not the move's destination or source
    ("unknown destination", NotFoundError, "receive",
     {"sku": "WID", "quantity": 1, "location": "NOWHERE", "unit_cost": 1},
     "location", "NOWHERE"),
    ("unknown source", NotFoundError, "deliver",
     {"sku": "WID", "quantity": 1, "location": "NOWHERE"}, "location", "NOWHERE"),
    ("unit of another category", ValidationError, "deliver",
     {"sku": "WID", "quantity": 1, "location": "WH", "unit": "kg"}, "unit", "kg"),
    ("unknown unit", NotFoundError, "deliver",
     {"sku": "WID", "quantity": 1, "location": "WH", "unit": "parsec"}, "unit", "parsec"),
    ("quantity finer than the unit", ValidationError, "deliver",
     {"sku": "WID", "quantity": "1.5", "location": "WH"}, "quantity", "1.5"),
    ("zero quantity", ValidationError, "receive",
     {"sku": "WID", "quantity": 0, "location": "WH", "unit_cost": 1}, "quantity", 0),
    ("negative quantity", ValidationError, "deliver",
     {"sku": "WID", "quantity": -2, "location": "WH"}, "quantity", -2),
    ("zero adjustment", ValidationError, "adjust",
     {"sku": "WID", "quantity": 0, "location": "WH"}, "quantity", 0),
    ("lot missing on a lot-tracked item", ValidationError, "deliver",
     {"sku": "LOT", "quantity": 1, "location": "WH"}, "lot", None),
    ("lot missing on a receipt", ValidationError, "receive",
     {"sku": "LOT", "quantity": 1, "location": "WH", "unit_cost": 1}, "lot", None),
    ("a date that is a string", ValidationError, "receive",
     {"sku": "WID", "quantity": 1, "location": "WH", "unit_cost": 1, "on": "2026-02-02"},
     "on", "2026-02-02"),
    ("a datetime for a date", ValidationError, "deliver",
     {"sku": "WID", "quantity": 1, "location": "WH", "on": datetime(2026, 2, 2)},
     "on", datetime(2026, 2, 2)),
    ("a date outside every fiscal year", PeriodClosedError, "deliver",
     {"sku": "WID", "quantity": 1, "location": "WH", "on": date(2027, 1, 5)},
     "on", date(2027, 1, 5)),
    ("negative unit cost", ValidationError, "receive",
     {"sku": "WID", "quantity": 1, "location": "WH", "unit_cost": "-1"}, "unit_cost", "-1"),
    ("receipt without a cost", ValidationError, "receive",
     {"sku": "WID", "quantity": 1, "location": "WH"}, "unit_cost", None),
    ("value in another currency", ValidationError, "receive",
     {"sku": "WID", "quantity": 1, "location": "WH", "value": bc.Money("3", "EUR")},
     "value", bc.Money("3", "EUR")),
    ("unit cost and value", ValidationError, "receive",
     {"sku": "WID", "quantity": 1, "location": "WH", "unit_cost": 1, "value": "1.00"},
     "value", "1.00"),
    ("unit cost beyond what a book holds", ValidationError, "receive",
     {"sku": "WID", "quantity": 2, "location": "WH", "unit_cost": "1e15"}, "unit_cost",
     "1e15"),
    ("unit cost per another unit beyond what a book holds", ValidationError, "receive",
     {"sku": "TEA", "quantity": 3, "unit": "g", "location": "WH", "unit_cost": "1e15"},
     "unit_cost", "1e15"),
    ("value beyond what a book holds", ValidationError, "receive",
     {"sku": "WID", "quantity": 1, "location": "WH", "value": "1e16"}, "value", "1e16"),
    ("value finer than a cent", ValidationError, "receive",
     {"sku": "WID", "quantity": 1, "location": "WH", "value": "1.001"}, "value", "1.001"),
    ("from a location to itself", ValidationError, "transfer",
     {"sku": "WID", "quantity": 1, "source": "WH", "destination": "WH"}, "destination", "WH"),
    ("between two virtual locations", ValidationError, "transfer",
     {"sku": "WID", "quantity": 1, "source": "supplier", "destination": "customer"},
     "destination", "customer"),
    ("a reference that is not text", ValidationError, "deliver",
     {"sku": "WID", "quantity": 1, "location": "WH", "reference": 12}, "reference", 12),
    ("a service item", ValidationError, "deliver",
     {"sku": "SVC", "quantity": 1, "location": "WH"}, "sku", "SVC"),
    ("a unit cost on a loss", ValidationError, "adjust",
     {"sku": "WID", "quantity": -2, "location": "WH", "unit_cost": "7"}, "unit_cost", "7"),
    ("a unit cost on a planned delivery", ValidationError, "plan",
     {"sku": "WID", "quantity": 1, "source": "WH", "destination": "customer",
      "unit_cost": "5"}, "unit_cost", "5"),
    ("a unit cost on a planned transfer", ValidationError, "plan",
     {"sku": "WID", "quantity": 1, "source": "WH", "destination": "W2", "unit_cost": "5"},
     "unit_cost", "5"),
    ("a value on a transfer", ValidationError, "receive",
     {"sku": "WID", "quantity": 1, "source": "WH", "location": "W2", "value": "3.00"},
     "value", "3.00"),
    ("a unit cost on a consumable", ValidationError, "receive",
     {"sku": "CON", "quantity": 1, "location": "WH", "unit_cost": "1"}, "unit_cost", "1"),
    ("a unit cost on a planned consumable", ValidationError, "plan",
     {"sku": "CON", "quantity": 1, "source": "supplier", "destination": "WH",
      "unit_cost": "1"}, "unit_cost", "1"),
]


@pytest.mark.parametrize(("case", "error", "method", "kwargs", "field", "value"), CASES,
                         ids=[c[0] for c in CASES])
def test_bad_input_is_refused_and_changes_nothing(
        stocked: bc.Backoffice, refuses: Refuses, case: str, error: type[BaseException],
        method: str, kwargs: dict[str, Any], field: str, value: Any) -> None:
    args = dict(kwargs)
    args.setdefault("on", FEB2)
    sku, quantity = args.pop("sku"), args.pop("quantity")
    info = refuses(stocked, error, getattr(stocked.inventory, method), sku, quantity, **args)
    _check(info, field, value)


def test_floats_are_refused(stocked: bc.Backoffice, refuses: Refuses) -> None:
    inv = stocked.inventory
    _check(refuses(stocked, FloatNotAllowedError, inv.deliver, "WID", 1.0, location="WH",
                   on=FEB2), "quantity", 1.0)
    _check(refuses(stocked, FloatNotAllowedError, inv.receive, "WID", 1, location="WH",
                   unit_cost=2.5, on=FEB2), "unit_cost", 2.5)


def test_a_move_dated_in_a_closed_period_is_refused(stocked: bc.Backoffice,
                                                    refuses: Refuses) -> None:
    stocked.ledger.close_period("FY2026", "2026-02")
    inv = stocked.inventory
    for call in (lambda: inv.deliver("WID", 1, location="WH", on=FEB2),
                 lambda: inv.transfer("WID", 1, source="WH", destination="W2", on=FEB2),
                 lambda: inv.receive("WID", 1, location="WH", unit_cost=1, on=FEB2),
                 lambda: inv.plan("WID", 1, source="WH", destination="customer", on=FEB2)):
        _check(refuses(stocked, PeriodClosedError, call), "on", FEB2)


def test_a_backdated_move_whose_revaluation_falls_in_a_closed_period_is_refused(
        stocked: bc.Backoffice, refuses: Refuses) -> None:
    """A receipt backdated into open January re-values the February delivery; February is
    closed, so its revaluation entry cannot be posted: everything is refused."""
    inv = stocked.inventory
    stocked.ledger.close_period("FY2026", "2026-02")
    info = refuses(stocked, PeriodClosedError, inv.receive, "WID", 5, location="WH",
                   unit_cost="1.00", on=date(2026, 1, 20))
    assert info.value.field == "date"  # the revaluation entry's date  # type: ignore[attr-defined]
    stocked.ledger.reopen_period("FY2026", "2026-02")
    inv.receive("WID", 5, location="WH", unit_cost="1.00", on=date(2026, 1, 20))


def test_a_missing_posting_role_rolls_back_the_stock_too(stocked: bc.Backoffice,
                                                         refuses: Refuses) -> None:
    """The stock is written before the ledger posting fails: the unit of work undoes it."""
    inv = stocked.inventory
    inv.create_location("consignor", "Consignor", kind="supplier", role="consignment")
    info = refuses(stocked, NotFoundError, inv.receive, "WID", 3, location="WH",
                   source="consignor", unit_cost=1, on=FEB2)
    _check(info, "roles.consignment", None)


def test_bulk_errors_name_the_move_and_change_nothing(stocked: bc.Backoffice,
                                                      refuses: Refuses) -> None:
    inv = stocked.inventory
    good = MoveSpec("WID", 1, "supplier", "WH", FEB2, unit_cost="1.00")
    cases = [
        (MoveSpec("WID", 0, "supplier", "WH", FEB2, unit_cost=1), ValidationError,
         "moves[1].quantity"),
        (MoveSpec("NOPE", 1, "supplier", "WH", FEB2, unit_cost=1), NotFoundError,
         "moves[1].sku"),
        (MoveSpec("WID", 1, "supplier", "WH", "2026-02-02", unit_cost=1),  # type: ignore[arg-type]
         ValidationError, "moves[1].date"),
        (MoveSpec("WID", 99, "WH", "customer", FEB2), bc.InsufficientStockError,
         "moves[1].quantity"),
        (MoveSpec("LOT", 1, "WH", "customer", FEB2), ValidationError, "moves[1].lot"),
    ]
    for bad, error, field in cases:
        info = refuses(stocked, error, inv.apply_moves, [good, bad, good])
        assert info.value.field == field  # type: ignore[attr-defined]
    info = refuses(stocked, ValidationError, inv.apply_moves, [good, "not a spec"])
    assert info.value.field == "moves[1]"  # type: ignore[attr-defined]


def test_bulk_moves_dated_in_a_closed_period_are_refused(stocked: bc.Backoffice,
                                                        refuses: Refuses) -> None:
    """The bulk path checks each new day of a call itself (the first move of a day is no
    longer sent to the general path for it): a closed day is still refused and named, as
    the general path names it, after moves of open days, and with the day seen before."""
    inv = stocked.inventory
    stocked.ledger.close_period("FY2026", "2026-02")
    jan = date(2026, 1, 30)
    good = MoveSpec("WID", 1, "supplier", "WH", jan, unit_cost="1.00")
    late = MoveSpec("WID", 1, "supplier", "WH", FEB2, unit_cost="1.00")
    for specs, n in (([good, good, late], 2), ([late], 0), ([good, late, late], 1)):
        info = refuses(stocked, PeriodClosedError, inv.apply_moves, specs)
        _check(info, f"moves[{n}].date", FEB2)
    # the general path's order of checks: item and quantity before the date
    info = refuses(stocked, NotFoundError, inv.apply_moves, [good, late._replace(sku="NOPE")])
    _check(info, "moves[1].sku", "NOPE")
    info = refuses(stocked, ValidationError, inv.apply_moves, [good, late._replace(quantity=0)])
    _check(info, "moves[1].quantity", 0)
    stocked.ledger.reopen_period("FY2026", "2026-02")
    assert len(inv.apply_moves([late, late._replace(date=date(2026, 2, 4))])) == 2


def test_bulk_costs_beyond_what_a_book_holds_are_refused(stocked: bc.Backoffice,
                                                         refuses: Refuses) -> None:
    """The third move's quantity and unit cost were each seen (and cached) by the bulk path
    in an earlier move; together they exceed the largest amount: named, nothing written."""
    inv = stocked.inventory
    big = Decimal("1e12")
    specs = [MoveSpec("WID", 10_000, "supplier", "WH", FEB2, unit_cost=Decimal(1)),
             MoveSpec("WID", 1, "supplier", "WH", FEB2, unit_cost=big),
             MoveSpec("WID", 10_000, "supplier", "WH", FEB2, unit_cost=big)]
    info = refuses(stocked, ValidationError, inv.apply_moves, specs)
    _check(info, "moves[2].unit_cost", big)
    assert inv.apply_moves(specs[:2])  # each cost alone is fine


def test_bulk_costs_on_moves_that_take_none_are_refused(stocked: bc.Backoffice,
                                                        refuses: Refuses) -> None:
    """A delivery, transfer or loss valued by the item's method takes no unit cost: the
    bulk path refuses one as the general path does, naming the move's ``unit_cost``, also
    when its quantity and cost were each seen earlier in the call by a receipt (which the
    common case caches). Before, such a move was booked and kept the cost unused."""
    inv = stocked.inventory
    inv.create_location("WH2", "Second warehouse", kind="warehouse")
    for dst in ("customer", "WH2", "inventory_loss"):
        specs = [MoveSpec("WID", 20, "supplier", "WH", FEB2, unit_cost=Decimal(1)),
                 MoveSpec("WID", 20, "WH", dst, FEB2, unit_cost=Decimal(1))]
        info = refuses(stocked, ValidationError, inv.apply_moves, specs)
        _check(info, "moves[1].unit_cost", Decimal(1))
        assert "so it takes no unit_cost" in str(info.value)
    info = refuses(stocked, ValidationError, inv.apply_moves,
                   [MoveSpec("CON", 5, "supplier", "WH", FEB2, unit_cost=Decimal(1))])
    _check(info, "moves[0].unit_cost", Decimal(1))
    assert inv.apply_moves([specs[0], specs[1]._replace(unit_cost=None)])  # without: fine


def test_a_days_summary_beyond_one_line_is_posted_in_several(stocked: bc.Backoffice) -> None:
    """Each receipt fits in a ledger line, but the bulk path's summary entry for the day sums
    them beyond one (10**17 minor units): it posts that sum as several lines, and the books
    are those of one call per move. Before, the whole call was refused, naming the entry's
    ``lines[0].amount`` instead of any move."""
    big = Decimal("3e14")  # 3 pieces: 9 * 10**16 minor units, within a line
    specs = [MoveSpec("WID", 3, "supplier", "WH", FEB2, unit_cost=big)] * 3
    bulk = stocked.inventory
    before, held = {e.id for e in stocked.ledger.entries()}, stocked.ledger.balance("1210")
    bulk.apply_moves(specs)
    (summary,) = [e for e in stocked.ledger.entries() if e.id not in before]
    inventory = [p.amount for p in summary.postings if p.account == "1210"]
    assert len(inventory) == 3 and sum(inventory) == 27 * 10**16
    assert stocked.ledger.balance("1210").to_minor() == 27 * 10**16 + held.to_minor()
    assert bulk.reconcile().agrees and stocked.ledger.verify().ok


def test_other_refusals_change_nothing(stocked: bc.Backoffice, refuses: Refuses) -> None:
    inv = stocked.inventory
    r = inv.moves("WID")[0]
    _check(refuses(stocked, ValidationError, inv.add_landed_cost, "0", receipts=[r.id],
                   on=FEB2), "amount", "0")
    _check(refuses(stocked, NotFoundError, inv.add_landed_cost, "5", receipts=["nope"],
                   on=FEB2), "receipts[0]", "nope")
    d = inv.moves("WID")[1]
    _check(refuses(stocked, ValidationError, inv.add_landed_cost, "5", receipts=[d.id],
                   on=FEB2), "receipts[0]", d.id)
    _check(refuses(stocked, ValidationError, inv.add_landed_cost, "5", receipts=[r.id],
                   by="weight", on=FEB2), "receipts[0]", r.id)
    _check(refuses(stocked, ValidationError, inv.add_landed_cost, "5", receipts=[r.id],
                   by="colour", on=FEB2), "by", "colour")
    _check(refuses(stocked, ValidationError, inv.change_valuation_method, "WID", "fifo",
                   on=FEB2), "method", "fifo")
    _check(refuses(stocked, ValidationError, inv.change_valuation_method, "WID", "hifo",
                   on=FEB2), "method", "hifo")
    _check(refuses(stocked, ValidationError, inv.change_valuation_method, "WID", "standard",
                   on=FEB2), "standard_cost", None)
    _check(refuses(stocked, ValidationError, inv.start_count, "WH", on=FEB2), "skus", None)
    _check(refuses(stocked, ValidationError, inv.start_count, "customer", skus=["WID"],
                   on=FEB2), "location", "customer")
    assert inv.value("WID").amount == Decimal("12.00")


def test_a_receipt_whose_standard_value_exceeds_a_book_is_refused(stocked: bc.Backoffice,
                                                                  refuses: Refuses) -> None:
    """Under the standard method the stock comes in at standard: that value is bounded too,
    on the single and the bulk path alike."""
    inv = stocked.inventory
    inv.create_item("STD", "Standard part", valuation="standard", standard_cost="1e12")
    _check(refuses(stocked, ValidationError, inv.receive, "STD", 10_000, location="WH",
                   unit_cost=1, on=FEB2), "quantity", 10_000)
    specs = [MoveSpec("STD", 1, "supplier", "WH", FEB2, unit_cost=Decimal(1)),
             MoveSpec("STD", 10_000, "supplier", "WH", FEB2, unit_cost=Decimal(1))]
    _check(refuses(stocked, ValidationError, inv.apply_moves, specs), "moves[1].quantity",
           10_000)
    assert inv.apply_moves(specs[:1]) and inv.on_hand("STD") == 1


@pytest.mark.parametrize(("details", "field"), [
    ({"valuaton": "fifo"}, "valuaton"),                   # a misspelt detail
    ({"unit": "kg", "stock_count": 3}, "stock_count"),  # no field of an item
])
def test_create_item_refuses_a_detail_that_is_no_item_field(
        book: bc.Backoffice, refuses: Refuses, details: dict[str, Any], field: str) -> None:
    # a ValidationError naming the keyword and its value, not attrs' bare TypeError
    info = refuses(book, ValidationError, book.inventory.create_item, "NEW", "New", **details)
    _check(info, field, details[field])
