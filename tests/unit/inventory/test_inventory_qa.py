"""Regression tests for defects found by probing the public inventory API (QA, session 9).

Each test names the defect it pins. ``refuses`` (conftest) checks that a refused call
raises the typed error and changes nothing observable (stock, valuation, ledger...).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

import backoffice_core as bc
from backoffice_core.documents import Tax
from backoffice_core.errors import InsufficientStockError, NotFoundError, ValidationError
from backoffice_core.inventory import MoveSpec, ReorderRule

Refuses = Callable[..., pytest.ExceptionInfo[BaseException]]
FEB1, FEB5 = date(2026, 2, 1), date(2026, 2, 5)


@pytest.fixture
def stocked(book: bc.Backoffice) -> bc.Backoffice:
    inv = book.inventory
    inv.receive("WID", 8, location="WH", unit_cost="2.00", on=FEB1)
    inv.receive("TEA", "1.5", location="WH", unit_cost="4.00", on=FEB1)
    return book


def _field(info: pytest.ExceptionInfo[BaseException], field: str, value: Any) -> None:
    err = info.value
    assert (getattr(err, "field", None), getattr(err, "value", None)) == (field, value), err


def _sqlite_book(path: Path) -> bc.Backoffice:
    bo = bc.Backoffice.open(f"sqlite:///{path}", ids=bc.SequentialIds("s"))
    bo.ledger.setup("Stock Co", currency="USD", chart="generic")
    inv = bo.inventory
    inv.create_location("WH", "Main warehouse", kind="warehouse")
    inv.create_item("WID", "Widget")
    inv.create_item("TEA", "Green tea", unit="kg", valuation="average")
    inv.receive("WID", 8, location="WH", unit_cost="2.00", on=FEB1)
    inv.receive("TEA", "1.5", location="WH", unit_cost="4.00", on=FEB1)
    return bo


@pytest.fixture(params=["memory", "sqlite"])
def any_store(request: pytest.FixtureRequest, tmp_path: Path,
              make_book: Callable[..., bc.Backoffice]) -> Iterator[bc.Backoffice]:
    if request.param == "memory":
        bo = make_book()
        bo.inventory.receive("WID", 8, location="WH", unit_cost="2.00", on=FEB1)
        bo.inventory.receive("TEA", "1.5", location="WH", unit_cost="4.00", on=FEB1)
        yield bo
    else:
        yield _sqlite_book(tmp_path / "qa.db")


# --------------------------------------------------------------- quantities too large
def test_a_too_large_quantity_is_refused_and_the_stock_stays(any_store: bc.Backoffice) -> None:
    """Defect: 10**30 pieces passed the quantity check; the ledger then refused the amount,
    and the memory store's rollback (Decimal sums at 28 digits) left on hand at 0, not 8."""
    inv = any_store.inventory
    with pytest.raises(ValidationError) as info:
        inv.receive("WID", 10**30, location="WH", unit_cost="1.00", on=FEB5)
    _field(info, "quantity", 10**30)
    assert [inv.on_hand("WID"), inv.on_hand("WID", "WH", as_of=FEB5)] == [8, 8]
    assert inv.reconcile().agrees


@pytest.mark.parametrize(("call", "field", "value"), [
    (lambda inv: inv.receive("WID", 2, location="WH", unit_cost="1e15", on=FEB5),
     "unit_cost", "1e15"),
    (lambda inv: inv.receive("WID", 1, location="WH", value="1e16", on=FEB5), "value", "1e16"),
    (lambda inv: inv.apply_moves([MoveSpec("WID", 2, "supplier", "WH", FEB5,
                                           unit_cost="1e15")]), "moves[0].unit_cost", "1e15"),
])
def test_a_cost_beyond_what_a_book_holds_is_refused_alike_by_every_store(
        any_store: bc.Backoffice, call: Callable[[Any], object], field: str,
        value: str) -> None:
    """Defect: SQLite failed in the store (field 'amount', no value), memory in the ledger
    posting ('lines[0].amount'): the domain now names the cost as given, before any write."""
    inv = any_store.inventory
    entries = len(any_store.ledger.entries())
    with pytest.raises(ValidationError) as info:
        call(inv)
    _field(info, field, value)
    assert inv.on_hand("WID") == 8 and len(any_store.ledger.entries()) == entries
    assert inv.reconcile().agrees


def test_a_huge_quantity_with_a_small_value_is_refused(stocked: bc.Backoffice,
                                                      refuses: Refuses) -> None:
    """Defect: 1e400 pieces at a total value of 1.00 was booked."""
    info = refuses(stocked, ValidationError, stocked.inventory.receive, "WID", "1e400",
                   location="WH", value="1.00", on=FEB5)
    _field(info, "quantity", "1e400")


def test_a_quantity_too_large_in_another_unit_is_a_typed_error(stocked: bc.Backoffice,
                                                              refuses: Refuses) -> None:
    """Defect: 1e400 g leaked decimal.InvalidOperation from the conversion."""
    info = refuses(stocked, ValidationError, stocked.inventory.deliver, "TEA", "1e400",
                   unit="g", location="WH", on=FEB5)
    _field(info, "quantity", "1e400")


def test_a_quantity_too_large_once_converted_is_refused(stocked: bc.Backoffice,
                                                       refuses: Refuses) -> None:
    inv = stocked.inventory
    inv.create_unit("pallet", "Pallet of a million", "count", 10**6)
    info = refuses(stocked, ValidationError, inv.receive, "WID", 10**10, unit="pallet",
                   location="WH", unit_cost="1.00", on=FEB5)
    _field(info, "quantity", 10**10)
    inv.receive("WID", 2, unit="pallet", location="WH", value="1.00", on=FEB5)  # still fine
    assert inv.on_hand("WID") == 8 + 2 * 10**6


def test_a_bulk_move_too_large_is_refused_and_changes_nothing(stocked: bc.Backoffice,
                                                             refuses: Refuses) -> None:
    info = refuses(stocked, ValidationError, stocked.inventory.apply_moves, [
        MoveSpec("WID", 1, "supplier", "WH", FEB5, unit_cost="1.00"),
        MoveSpec("WID", 10**30, "supplier", "WH", FEB5, unit_cost="1.00")])
    _field(info, "moves[1].quantity", 10**30)


def test_a_unit_factor_out_of_range_is_refused(stocked: bc.Backoffice) -> None:
    inv = stocked.inventory
    for factor in ("1e400", "1e-20", "1.0000000000000000000000000000001"):
        with pytest.raises(ValidationError) as info:
            inv.create_unit("odd", "Odd", "count", factor)
        _field(info, "factor", factor)
    assert [u.code for u in inv.units() if u.code == "odd"] == []


def test_a_location_needs_a_text_name_and_role(any_store: bc.Backoffice) -> None:
    """Defect: memory stored a location named 1.5; SQLite refused it with no field named."""
    inv = any_store.inventory
    cases: list[tuple[Any, dict[str, Any], str]] = [
        (Decimal("1.5"), {}, "name"), ("", {}, "name"),
        ("Returns", {"kind": "customer", "role": []}, "role")]
    for name, kwargs, field in cases:
        with pytest.raises(ValidationError) as info:
            inv.create_location("NEW", name, **kwargs)
        assert info.value.field == field
    assert "NEW" not in [loc.code for loc in inv.locations()]


def test_a_unit_needs_a_name(stocked: bc.Backoffice) -> None:
    with pytest.raises(ValidationError) as info:
        stocked.inventory.create_unit("bx", None, "count", 6)  # type: ignore[arg-type,unused-ignore]
    _field(info, "name", None)


# --------------------------------------------------------------- replenishment
@pytest.mark.parametrize("field", ["reorder_point", "order_quantity", "multiple"])
def test_reorder_rule_quantities_too_large_are_typed_errors(stocked: bc.Backoffice,
                                                           field: str) -> None:
    """Defect: 10**30 leaked decimal.InvalidOperation from set_reorder_rule."""
    args: dict[str, Any] = {"reorder_point": 5, "order_quantity": 10, field: 10**30}
    with pytest.raises(ValidationError) as info:
        stocked.inventory.set_reorder_rule("WID", "WH", **args)
    assert info.value.field == field
    assert stocked.inventory.reorder_rules() == []


def test_a_lead_time_beyond_the_calendar_is_refused(stocked: bc.Backoffice) -> None:
    """Defect: a rule with 3,000,000 days of lead time was saved, and every later
    reorder_suggestions() raised OverflowError."""
    inv = stocked.inventory
    with pytest.raises(ValidationError) as info:
        inv.set_reorder_rule("WID", "WH", reorder_point=100, order_quantity=10,
                             lead_time_days=3_000_000)
    _field(info, "lead_time_days", 3_000_000)
    with pytest.raises(ValidationError):
        ReorderRule("WID", "WH", reorder_point=1, order_quantity=1, lead_time_days=10**9)
    inv.set_reorder_rule("WID", "WH", reorder_point=100, order_quantity=10,
                         lead_time_days=36600)
    [s] = inv.reorder_suggestions(on=FEB5)
    assert s.arrives == FEB5 + timedelta(days=36600)


# --------------------------------------------------------------- bare TypeErrors
@pytest.mark.parametrize(("kwargs", "error", "field"), [
    ({"sku": ["WID"]}, ValidationError, "sku"),  # not an id at all (it was NotFoundError)
    ({"location": ["WH"]}, ValidationError, "location"),  # the argument given
    ({"quantity": Decimal("sNaN")}, ValidationError, "quantity"),
], ids=["list sku", "list location", "signalling NaN"])
def test_unhashable_input_is_a_typed_error(stocked: bc.Backoffice, refuses: Refuses,
                                           kwargs: dict[str, Any], error: type[Exception],
                                           field: str) -> None:
    """Defect: a list or a signalling NaN leaked TypeError from the route and quantity caches."""
    args: dict[str, Any] = {"sku": "WID", "quantity": 1, "location": "WH",
                            "unit_cost": "1.00", "on": FEB5}
    args.update(kwargs)
    sku, quantity = args.pop("sku"), args.pop("quantity")
    info = refuses(stocked, error, stocked.inventory.receive, sku, quantity, **args)
    assert info.value.field == field  # type: ignore[attr-defined]


@pytest.mark.parametrize(("spec", "field"), [
    (MoveSpec(["WID"], 1, "WH", "customer", FEB5), "moves[1].sku"),  # type: ignore[arg-type]
    (MoveSpec("WID", 1, "WH", {}, FEB5), "moves[1].destination"),  # type: ignore[arg-type]
    (MoveSpec("WID", Decimal("sNaN"), "WH", "customer", FEB5), "moves[1].quantity"),
], ids=["list sku", "dict destination", "signalling NaN"])
def test_unhashable_bulk_input_names_the_move(stocked: bc.Backoffice, refuses: Refuses,
                                              spec: MoveSpec, field: str) -> None:
    """Defect: the bulk path's dict lookups leaked TypeError."""
    info = refuses(stocked, ValidationError, stocked.inventory.apply_moves, [
        MoveSpec("WID", 1, "WH", "customer", FEB5), spec])
    assert info.value.field == field  # type: ignore[attr-defined]


def test_query_arguments_of_the_wrong_type_are_typed_errors(stocked: bc.Backoffice) -> None:
    """Defect: moves(start="2026-02-01"), move([]) and start_count(skus=5) leaked TypeError."""
    inv = stocked.inventory
    with pytest.raises(ValidationError) as info:
        inv.moves(start="2026-02-01")  # type: ignore[arg-type]
    _field(info, "start", "2026-02-01")
    with pytest.raises(ValidationError) as info:
        inv.moves(end=20260201)  # type: ignore[arg-type]
    _field(info, "end", 20260201)
    with pytest.raises(ValidationError) as info:
        inv.moves(["WID"])  # type: ignore[arg-type]
    _field(info, "sku", ["WID"])
    with pytest.raises(ValidationError) as info:  # not an id at all (was NotFoundError)
        inv.move([])  # type: ignore[arg-type]
    _field(info, "move_id", [])
    with pytest.raises(ValidationError) as info:
        inv.start_count("WH", skus=5, on=FEB5)  # type: ignore[arg-type]
    _field(info, "skus", 5)
    assert inv.counts() == []
    assert [c.sku for c in inv.start_count("WH", skus=("WID",), on=FEB5).lines] == ["WID"]


def test_a_count_line_at_an_empty_location_code_is_refused(stocked: bc.Backoffice) -> None:
    """Defect: record_count(location="") silently counted at the count's own location."""
    inv = stocked.inventory
    count = inv.start_count("WH", skus=["WID"], on=FEB5)
    with pytest.raises(NotFoundError) as info:
        inv.record_count(count.id, "WID", 7, location="")
    _field(info, "location", "")
    assert inv.count(count.id).lines == count.lines


def test_landed_cost_role_and_reference_are_checked(stocked: bc.Backoffice,
                                                    refuses: Refuses) -> None:
    """Defect: role=[] leaked TypeError; reference=[] was accepted."""
    inv = stocked.inventory
    receipt = inv.moves("WID")[0].id
    info = refuses(stocked, ValidationError, inv.add_landed_cost, "1.00", receipts=[receipt],
                   role=[], on=FEB5)
    _field(info, "role", [])
    info = refuses(stocked, ValidationError, inv.add_landed_cost, "1.00", receipts=[receipt],
                   reference=[], on=FEB5)
    _field(info, "reference", [])


def test_item_text_fields_refuse_other_types(stocked: bc.Backoffice) -> None:
    """Defect: update_item(barcode=1.5) stored a float; category took any object."""
    inv = stocked.inventory
    with pytest.raises(ValidationError) as info:
        inv.update_item("WID", barcode=1.5)
    _field(info, "barcode", 1.5)
    with pytest.raises(ValidationError) as info:
        inv.create_item("NEW", "New", category=["a"])
    _field(info, "category", ["a"])
    assert inv.item("WID").barcode == "" and [i.sku for i in inv.items()].count("NEW") == 0


def test_purchase_drafts_refuse_bad_arguments(stocked: bc.Backoffice) -> None:
    """Defect: prices="x" leaked AttributeError, suggestions=None TypeError, currency={}
    was taken for "no currency", and user=1.5 reached the documents' audit trail."""
    inv, docs = stocked.inventory, stocked.documents
    supplier = docs.create_party("Sup", is_customer=False, is_supplier=True)
    inv.set_reorder_rule("WID", "WH", reorder_point=100, order_quantity=10)
    wanted = inv.reorder_suggestions(on=FEB5)
    base: dict[str, Any] = {"supplier": supplier.id, "tax": Tax.standard(20),
                            "prices": {"WID": "1.00"}, "on": FEB5}
    for change, field in (({"prices": "x"}, "prices"), ({"currency": {}}, "currency"),
                          ({"currency": ""}, "currency"), ({"user": 1.5}, "user"),
                          ({"supplier": {"WID": []}}, "supplier.WID")):
        with pytest.raises(ValidationError) as info:
            inv.purchase_drafts(wanted, **{**base, **change})
        assert info.value.field == field, change
    with pytest.raises(ValidationError) as info:
        inv.purchase_drafts(None, **base)  # type: ignore[arg-type]
    _field(info, "suggestions", None)
    assert docs.find(type="purchase_order") == []


# --------------------------------------------------------------- change of method
def test_a_method_change_cannot_be_dated_before_a_later_change(stocked: bc.Backoffice,
                                                              refuses: Refuses) -> None:
    """Defect: after a change to average on the 20th, a change to FIFO dated the 10th was
    taken: the item said FIFO while its stock was costed at average from the 20th on, and
    a further change to FIFO was refused as "already valued by fifo"."""
    inv = stocked.inventory
    inv.receive("WID", 4, location="WH", unit_cost="5.00", on=date(2026, 2, 3))
    inv.change_valuation_method("WID", "average", on=date(2026, 2, 20))
    info = refuses(stocked, ValidationError, inv.change_valuation_method, "WID", "fifo",
                   on=date(2026, 2, 10))
    _field(info, "on", date(2026, 2, 10))
    assert inv.item("WID").valuation.value == "average"
    inv.change_valuation_method("WID", "fifo", on=date(2026, 2, 20))  # same day: after it
    inv.deliver("WID", 1, location="WH", on=date(2026, 2, 21))
    assert inv.item("WID").valuation.value == "fifo"
    assert inv.valuation().row("WID").method == "fifo"
    assert inv.reconcile().agrees


# --------------------------------------------------------------- memory and SQLite agree
def test_quantities_read_alike_from_every_store(any_store: bc.Backoffice) -> None:
    """Defect: SQLite returned 0.5 kg where memory returned 0.500 (on_hand, available,
    reserved, stock rows, a count's expected quantities and the InsufficientStockError
    text)."""
    inv = any_store.inventory
    inv.deliver("TEA", 1, location="WH", on=date(2026, 2, 2))
    inv.reserve("TEA", "0.25", location="WH", on=date(2026, 2, 3))
    shown = [str(inv.on_hand("TEA")), str(inv.on_hand("TEA", "WH", as_of=date(2026, 2, 2))),
             str(inv.available("TEA", "WH")), str(inv.reserved("TEA", "WH")),
             str(inv.stock(sku="TEA").rows[0].quantity)]
    count = inv.start_count("WH", skus=["TEA"], on=date(2026, 2, 4))
    shown.append(str(count.lines[0].expected))
    assert shown == ["0.500", "0.500", "0.250", "0.250", "0.500", "0.500"]
    with pytest.raises(InsufficientStockError) as info:
        inv.reserve("TEA", 1, location="WH", on=date(2026, 2, 3))
    assert str(info.value).endswith("wanted 1.000, available 0.250")


# --------------------------------------------------------------- the memory adapter
def test_memory_quantity_undo_is_exact_at_any_size() -> None:
    from backoffice_core.adapters.memory_inventory_data import InventoryData, add_quantities
    from backoffice_core.inventory.moves import QuantityDelta
    d = InventoryData()
    undo: list[Callable[[], None]] = []
    add_quantities(d, [QuantityDelta("W", "supplier", "WH", "", FEB1, Decimal(8))], undo.append)
    with pytest.raises(ValidationError):  # past MAX_STOCK: refused, and undone at once
        add_quantities(d, [QuantityDelta("W", "supplier", "WH", "", FEB5, Decimal(10**30))],
                       undo.append)
    assert d.totals[("W", "WH", "")] == 8
    undo.pop()()  # the rollback's call then changes nothing more
    assert d.totals[("W", "WH", "")] == 8


# --------------------------------------------------------------- lots
def test_fefo_picks_an_untracked_item_by_location(stocked: bc.Backoffice) -> None:
    """Defect: fefo() of an untracked item said "available 0" with 8 on hand."""
    inv = stocked.inventory
    inv.transfer("WID", 3, source="WH", destination="WH/A1", on=date(2026, 2, 2))
    picks = inv.fefo("WID", 6, location="WH", on=FEB5)
    assert [(p.location, p.lot, p.quantity) for p in picks] == [("WH", "", Decimal(5)),
                                                                    ("WH/A1", "", Decimal(1))]
    with pytest.raises(InsufficientStockError) as info:
        inv.fefo("WID", 9, location="WH", on=FEB5)
    assert info.value.available == 8


def test_an_expiry_on_an_untracked_item_is_refused(stocked: bc.Backoffice,
                                                   refuses: Refuses) -> None:
    """Defect: receive(expiry=...) of an untracked item dropped the expiry silently."""
    info = refuses(stocked, ValidationError, stocked.inventory.receive, "WID", 1, location="WH",
                   unit_cost="1.00", expiry=date(2026, 6, 1), on=FEB5)
    _field(info, "expiry", date(2026, 6, 1))


# --------------------------------------------------------------- planned moves
def test_a_planned_receipt_priced_per_other_unit_keeps_its_cost(stocked: bc.Backoffice) -> None:
    """Defect: plan(unit="box12", unit_cost="30.00") dropped the cost, and validate() then
    refused the receipt: "a receipt needs its cost: plan it with unit_cost"."""
    inv = stocked.inventory
    inv.create_unit("box12", "Box of 12", "count", 12)
    planned = inv.plan("WID", 2, unit="box12", unit_cost="30.00", source="supplier",
                       destination="WH", on=FEB5)
    assert (planned.quantity, planned.unit_cost) == (Decimal(24), Decimal("2.50"))
    done = inv.validate(planned.id)
    assert inv.history("WID")[-1].value == Decimal("60.00") and done.state.value == "done"
    tea = inv.plan("TEA", 500, unit="g", unit_cost="0.01", source="supplier",
                   destination="WH", on=FEB5)
    assert str(tea.unit_cost) == "10"
    inv.validate(tea.id)
    assert inv.history("TEA")[-1].value == Decimal("5.00") and inv.reconcile().agrees


def test_a_planned_cost_with_no_exact_cost_per_item_unit_is_refused(
        stocked: bc.Backoffice, refuses: Refuses) -> None:
    stocked.inventory.create_unit("box3", "Box of 3", "count", 3)
    info = refuses(stocked, ValidationError, stocked.inventory.plan, "WID", 1, unit="box3",
                   unit_cost="1.00", source="supplier", destination="WH", on=FEB5)
    _field(info, "unit_cost", "1.00")


# --------------------------------------------------------------- formatting
def test_a_report_rendered_for_an_unhashable_locale_is_a_typed_error(
        stocked: bc.Backoffice) -> None:
    with pytest.raises(ValidationError) as info:
        stocked.inventory.valuation().render([])  # type: ignore[arg-type]
    _field(info, "locale", [])


def test_a_lot_cannot_be_reserved_twice(stocked: bc.Backoffice, refuses: Refuses) -> None:
    """Defect: with 5 of lot L1 and 5 of L2, two reservations of 5 of L1 were both taken
    (the location had 10 free); validating the second then failed for want of stock."""
    inv = stocked.inventory
    inv.receive("LOT", 5, location="WH", lot="L1", unit_cost="1.00", on=FEB1)
    inv.receive("LOT", 5, location="WH", lot="L2", unit_cost="1.00", on=FEB1)
    first = inv.reserve("LOT", 4, location="WH", lot="L1", on=FEB5)
    info = refuses(stocked, InsufficientStockError, inv.reserve, "LOT", 2, location="WH",
                   lot="L1", on=FEB5)
    assert info.value.available == 1  # type: ignore[attr-defined]
    second = inv.reserve("LOT", 1, location="WH", lot="L1", on=FEB5)
    other = inv.reserve("LOT", 5, location="WH", lot="L2", on=FEB5)
    assert [inv.validate(m.id).state.value for m in (first, second, other)] == ["done"] * 3


def test_a_reserved_lot_is_not_taken_by_another_move(stocked: bc.Backoffice,
                                                     refuses: Refuses) -> None:
    """Defect: with lot L1 reserved in full and L2 free, a delivery of L1 was booked (the
    location had enough free stock), and the reservation could then not be validated."""
    inv = stocked.inventory
    inv.receive("LOT", 5, location="WH", lot="L1", unit_cost="1.00", on=FEB1)
    inv.receive("LOT", 5, location="WH", lot="L2", unit_cost="1.00", on=FEB1)
    held = inv.reserve("LOT", 5, location="WH", lot="L1", on=FEB5)
    info = refuses(stocked, InsufficientStockError, inv.deliver, "LOT", 1, location="WH",
                   lot="L1", on=FEB5)
    assert info.value.available == 0  # type: ignore[attr-defined]
    inv.deliver("LOT", 5, location="WH", lot="L2", on=FEB5)
    assert inv.validate(held.id).state.value == "done"
    assert inv.on_hand("LOT") == 0 and inv.reconcile().agrees


# --------------------------------------------------------------- one quantity limit
@pytest.mark.parametrize(("quantity", "unit"), [
    (10**9, None), (10**10, None), ("9300000000", None), ("1E+14", None),
    (10**9, "kg"), (2 * 10**8, "dozen")])  # 2.4e9 pieces once converted
def test_a_quantity_of_a_billion_units_is_refused_alike_by_every_store(
        any_store: bc.Backoffice, quantity: Any, unit: str | None) -> None:
    """Defect: the memory store took up to 10**15 pieces, SQLite refused from about 9.2e9
    (nano-unit BIGINT rollups) with ``amount=None``: one limit, checked before any store."""
    from backoffice_core.inventory.units import MAX_QUANTITY
    inv = any_store.inventory
    entries = len(any_store.ledger.entries())
    sku = "TEA" if unit == "kg" else "WID"
    with pytest.raises(ValidationError) as info:
        inv.receive(sku, quantity, unit=unit, location="WH", value="1.00", on=FEB5)
    _field(info, "quantity", quantity)
    assert str(MAX_QUANTITY) in str(info.value)
    assert inv.on_hand("WID") == 8 and len(any_store.ledger.entries()) == entries
    inv.receive(sku, MAX_QUANTITY - 1, location="WH", value="1.00", on=FEB5)  # just below


def test_stock_summed_past_the_limit_is_refused_alike_by_every_store(
        any_store: bc.Backoffice) -> None:
    """Running totals are bounded alike: memory used to sum past what SQL stores hold."""
    from backoffice_core.inventory.units import MAX_QUANTITY, MAX_STOCK
    inv = any_store.inventory
    big = MAX_QUANTITY - 1
    for _ in range(int(MAX_STOCK // big)):
        inv.receive("WID", big, location="WH", value="1.00", on=FEB5)
    on_hand = inv.on_hand("WID", "WH")
    with pytest.raises(ValidationError) as info:
        inv.receive("WID", big, location="WH", value="1.00", on=FEB5)
    assert info.value.field == "quantity"
    assert inv.on_hand("WID", "WH") == on_hand and inv.reconcile().agrees
