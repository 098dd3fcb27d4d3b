"""Counts (cycle and full) and replenishment (EOQ, reorder rules, suggestions)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

import backoffice_core as bc
from backoffice_core.errors import InsufficientStockError, NotFoundError, ValidationError
from backoffice_core.inventory import CountKind, CountState, ReorderRule, eoq, reorder_point
from backoffice_core.inventory.replenishment import suggest

Feb = Callable[[int], date]
D = Decimal


def test_a_cycle_count_freezes_expected_quantities(book: bc.Backoffice, feb: Feb) -> None:
    inv = book.inventory
    inv.receive("WID", 10, location="WH/A1", unit_cost="2.00", on=feb(1))
    inv.receive("WID", 5, location="WH/Z/B1", unit_cost="2.00", on=feb(1))
    inv.receive("TEA", 3, location="WH/A1", unit_cost="5.00", on=feb(1))
    count = inv.start_count("WH", skus=["WID"], on=feb(10))
    assert count.kind is CountKind.CYCLE and count.state is CountState.OPEN
    assert [(x.location, x.expected) for x in count.lines] == [("WH/A1", 10), ("WH/Z/B1", 5)]
    # stock moves while counting: the frozen figures do not change
    inv.deliver("WID", 2, location="WH/A1", on=feb(11))
    inv.record_count(count.id, "WID", 9, location="WH/A1")
    inv.record_count(count.id, "WID", 6, location="WH/Z/B1")
    posted = inv.post_count(count.id)
    # differences against the frozen quantities, dated on the count's day: -1 and +1
    assert posted.state is CountState.POSTED and len(posted.adjustments) == 2
    assert posted.value == D("0.00")  # 1 lost at 2.00, 1 found at the last cost 2.00
    assert inv.on_hand("WID", "WH/A1") == 7 and inv.on_hand("WID", "WH/Z/B1") == 6
    adjustments = [inv.move(m) for m in posted.adjustments]
    assert {m.date for m in adjustments} == {feb(10)}
    assert inv.on_hand("TEA") == 3  # not part of the cycle count
    with pytest.raises(ValidationError):
        inv.post_count(count.id)  # already posted


def test_a_full_count_treats_uncounted_lines_as_zero(book: bc.Backoffice, feb: Feb) -> None:
    inv = book.inventory
    inv.receive("WID", 10, location="WH/A1", unit_cost="2.00", on=feb(1))
    inv.receive("TEA", 3, location="WH/A1", unit_cost="5.00", on=feb(1))
    inv.receive("WID", 4, location="W2", unit_cost="2.00", on=feb(1))
    count = inv.start_count("WH", full=True, on=feb(5))
    assert [x.sku for x in count.lines] == ["TEA", "WID"]
    inv.record_count(count.id, "WID", 10, location="WH/A1")
    inv.record_count(count.id, "LOT", 2, location="WH/A1", lot="FOUND")  # unexpected stock
    posted = inv.post_count(count.id)
    assert inv.on_hand("TEA") == 0 and inv.on_hand("WID") == 14 and inv.on_hand("LOT") == 2
    assert posted.value == D("-15.00")  # 3 kg of tea lost; the found lot has no cost yet
    assert book.ledger.balance("5300").amount == D("15.00")
    assert inv.count(count.id) == posted and inv.counts() == [posted]


def test_a_posted_full_count_shows_its_uncounted_lines_as_counted_zero(
        each_store: bc.Backoffice, feb: Feb) -> None:
    inv = each_store.inventory
    inv.receive("WID", 10, location="WH/A1", unit_cost="2.00", on=feb(1))
    inv.receive("TEA", "1.5", location="WH/A1", unit_cost="4.00", on=feb(1))
    full = inv.start_count("WH", full=True, on=feb(5))
    inv.record_count(full.id, "WID", 10, location="WH/A1")
    posted = inv.post_count(full.id)
    # TEA was left uncounted: posted as counted zero, so it shows so, difference -1.5
    assert [(x.sku, x.expected, x.counted, x.difference) for x in posted.lines] == [
        ("TEA", D("1.5"), D(0), D("-1.5")), ("WID", D(10), D(10), D(0))]
    assert posted.value == D("-6.00") and inv.count(full.id) == posted
    # a cycle count leaves an uncounted line alone: nothing posted, nothing shown counted
    inv.receive("WID", 5, location="WH/Z/B1", unit_cost="2.00", on=feb(6))
    cycle = inv.start_count("WH", skus=["WID"], on=feb(7))
    inv.record_count(cycle.id, "WID", 10, location="WH/A1")
    lines = inv.post_count(cycle.id).lines
    assert [(x.location, x.counted, x.difference) for x in lines] == [
        ("WH/A1", D(10), D(0)), ("WH/Z/B1", None, None)]


def test_count_refusals(book: bc.Backoffice, feb: Feb) -> None:
    inv = book.inventory
    inv.receive("LOT", 3, location="WH", lot="L1", unit_cost=1, on=feb(1))
    count = inv.start_count("WH/A1", skus=["WID"], on=feb(2))
    assert count.lines[0].expected == 0 and count.lines[0].location == "WH/A1"
    with pytest.raises(ValidationError) as where:
        inv.record_count(count.id, "WID", 1, location="W2")
    assert where.value.field == "location"
    with pytest.raises(ValidationError) as negative:
        inv.record_count(count.id, "WID", -1)
    assert negative.value.field == "counted"
    with pytest.raises(ValidationError) as lot:
        inv.record_count(count.id, "LOT", 1)
    assert lot.value.field == "lot"
    cancelled = inv.cancel_count(count.id)
    assert cancelled.state is CountState.CANCELLED
    with pytest.raises(ValidationError):
        inv.record_count(count.id, "WID", 1)
    with pytest.raises(NotFoundError):
        inv.count("nope")
    with pytest.raises(ValidationError):
        inv.start_count("WH", skus=["WID"], full=True)


def test_a_count_below_what_is_reserved_posts_and_releases_the_latest_reservations(
        each_store: bc.Backoffice, feb: Feb) -> None:
    inv = each_store.inventory
    inv.receive("WID", 10, location="WH/A1", unit_cost="2.00", on=feb(1))
    inv.receive("WID", 3, location="WH/Z/B1", unit_cost="2.00", on=feb(1))
    early = inv.reserve("WID", 4, location="WH/A1", on=feb(12))
    late = inv.reserve("WID", 5, location="WH/A1", on=feb(20), reference="SO-7")
    elsewhere = inv.reserve("WID", 3, location="WH/Z/B1", on=feb(25))
    count = inv.start_count("WH", skus=["WID"], on=feb(10))
    inv.record_count(count.id, "WID", 6, location="WH/A1")  # 4 lost: 9 reserved, 6 left
    posted = inv.post_count(count.id)
    # the count is the truth: the latest planned reservation keeps the 2 still covered
    # and its 3 others go back to draft as a new move; the earlier one (and the one
    # elsewhere) keep their stock
    assert posted.state is CountState.POSTED and len(posted.released) == 1
    rest = inv.move(posted.released[0])
    assert inv.count(count.id).released == (rest.id,) and rest.id not in (
        early.id, late.id, elsewhere.id)
    assert (rest.state.value, rest.quantity, rest.source, rest.destination, rest.date,
            rest.reference, rest.kind, rest.lot, rest.version) == (
        "draft", 3, "WH/A1", "customer", feb(20), "SO-7", late.kind, None, 0)
    kept = inv.move(late.id)
    assert (kept.state.value, kept.quantity, kept.version) == ("reserved", 2,
                                                               late.version + 1)
    assert inv.on_hand("WID", "WH/A1") == 6 and inv.reserved("WID", "WH/A1") == 6
    assert [inv.move(m).state.value for m in (early.id, elsewhere.id)] == [
        "reserved", "reserved"]
    with pytest.raises(InsufficientStockError):  # nothing free: it waits for stock
        inv.confirm(rest.id)
    inv.receive("WID", 3, location="WH/A1", unit_cost="2.00", on=feb(11))
    assert inv.confirm(rest.id).state.value == "reserved"
    assert inv.available("WID", "WH/A1") == 0
    assert inv.validate(late.id).quantity == 2 and inv.validate(rest.id).quantity == 3
    assert inv.on_hand("WID", "WH/A1") == 4 and inv.reserved("WID", "WH/A1") == 4
    assert inv.reconcile().agrees


def test_a_count_short_of_two_reservations_splits_only_the_one_it_ends_in(
        each_store: bc.Backoffice, feb: Feb) -> None:
    inv = each_store.inventory
    inv.receive("WID", 12, location="WH/A1", unit_cost="2.00", on=feb(1))
    first = inv.reserve("WID", 6, location="WH/A1", on=feb(12))
    second = inv.reserve("WID", 6, location="WH/A1", on=feb(14))
    count = inv.start_count("WH/A1", skus=["WID"], on=feb(10))
    posted = inv.post_count(inv.record_count(count.id, "WID", 7).id)  # 12 reserved, 7 left
    # not both moves, nor the whole latest (which would leave 1 of the 7 unreserved)
    (rest,) = (inv.move(m) for m in posted.released)
    assert (rest.state.value, rest.quantity, rest.date) == ("draft", 5, feb(14))
    assert [(inv.move(m.id).state.value, inv.move(m.id).quantity)
            for m in (first, second)] == [("reserved", 6), ("reserved", 1)]
    assert inv.reserved("WID", "WH/A1") == 7 and inv.available("WID", "WH/A1") == 0
    assert inv.reconcile().agrees


def test_a_count_short_of_every_reservation_releases_each_whole(
        book: bc.Backoffice, feb: Feb) -> None:
    inv = book.inventory
    inv.receive("WID", 12, location="WH/A1", unit_cost="2.00", on=feb(1))
    first = inv.reserve("WID", 6, location="WH/A1", on=feb(12))
    second = inv.reserve("WID", 6, location="WH/A1", on=feb(14))
    count = inv.start_count("WH/A1", skus=["WID"], on=feb(10))
    posted = inv.post_count(inv.record_count(count.id, "WID", 0).id)
    assert posted.released == (second.id, first.id)  # the latest planned first
    assert [inv.move(m).state.value for m in posted.released] == ["draft", "draft"]
    assert inv.reserved("WID", "WH/A1") == 0
    assert len(inv.moves("WID")) == 4  # the receipt, the two, the loss: no split


def test_a_refused_count_leaves_the_reservation_it_would_split_alone(
        each_store: bc.Backoffice, feb: Feb, refuses: Any) -> None:
    inv = each_store.inventory
    inv.receive("WID", 10, location="WH/A1", unit_cost="2.00", on=feb(1))
    inv.deliver("WID", 8, location="WH/A1", on=feb(12))
    inv.receive("WID", 8, location="WH/A1", unit_cost="2.00", on=feb(20))
    inv.reserve("WID", 4, location="WH/A1", on=feb(22))
    late = inv.reserve("WID", 4, location="WH/A1", on=feb(24))
    count = inv.start_count("WH/A1", skus=["WID"], on=feb(10))
    inv.record_count(count.id, "WID", 5)  # 5 lost on the 10th: short on the 12th
    # the split (1 kept, 3 to draft) is made before the loss is refused: all undone
    refuses(each_store, InsufficientStockError, inv.post_count, count.id)
    assert inv.move(late.id) == late and inv.count(count.id).state is CountState.OPEN


def test_a_lot_counted_short_releases_the_reservations_of_that_lot_first(
        each_store: bc.Backoffice, feb: Feb) -> None:
    inv = each_store.inventory
    inv.receive("LOT", 5, location="WH/A1", lot="L1", unit_cost="1.00", on=feb(1))
    inv.receive("LOT", 5, location="WH/A1", lot="L2", unit_cost="1.00", on=feb(1))
    of_l1 = inv.reserve("LOT", 4, location="WH/A1", lot="L1", on=feb(12))
    of_l2 = inv.reserve("LOT", 5, location="WH/A1", lot="L2", on=feb(28))  # the latest
    count = inv.start_count("WH/A1", skus=["LOT"], on=feb(10))
    inv.record_count(count.id, "LOT", 3, lot="L1")
    inv.record_count(count.id, "LOT", 5, lot="L2")
    posted = inv.post_count(count.id)
    # 3 of L1 cannot hold the 4 reserved of L1: one of them goes, L2's keeps its lot
    (rest,) = (inv.move(m) for m in posted.released)
    assert (rest.state.value, rest.quantity, rest.lot) == ("draft", 1, "L1")
    assert (inv.move(of_l1.id).state.value, inv.move(of_l1.id).quantity) == ("reserved", 3)
    assert inv.move(of_l2.id).state.value == "reserved"
    assert inv.reserved("LOT", "WH/A1") == 8 and inv.on_hand("LOT", "WH/A1", lot="L1") == 3


def test_a_count_that_releases_nothing_lists_nothing(book: bc.Backoffice, feb: Feb) -> None:
    inv = book.inventory
    inv.receive("WID", 10, location="WH/A1", unit_cost="2.00", on=feb(1))
    kept = inv.reserve("WID", 4, location="WH/A1", on=feb(12))
    count = inv.start_count("WH", skus=["WID"], on=feb(10))
    inv.record_count(count.id, "WID", 4, location="WH/A1")  # 4 left: the 4 reserved stay
    assert inv.post_count(count.id).released == ()
    assert inv.move(kept.id).state.value == "reserved" and inv.available("WID", "WH/A1") == 0


def test_eoq_is_exact_and_rounded_up() -> None:
    assert eoq(1200, "50.00", "3.00") == 200                    # sqrt(40000)
    assert eoq(1000, "10.00", "0.60") == 183                    # sqrt(33333.3...) = 182.57
    assert eoq(1000, "10.00", "0.60", precision=2) == D("182.58")
    assert eoq(bc.Money("1000", "USD"), bc.Money("10", "USD"), bc.Money("0.6", "USD")) == 183
    assert eoq(0, 10, 1) == 0
    for args, field in (((1, 1, 0), "holding_cost"), ((-1, 1, 1), "annual_demand"),
                        ((1, -1, 1), "ordering_cost")):
        with pytest.raises(ValidationError) as info:
            eoq(*args)
        assert info.value.field == field
    with pytest.raises(bc.FloatNotAllowedError):
        eoq(100.0, 1, 1)


def test_reorder_point_from_demand_and_lead_time() -> None:
    assert reorder_point(D("2.5"), 3) == 8
    assert reorder_point(4, 7, safety_stock=10) == 38
    with pytest.raises(ValidationError):
        reorder_point(1, -1)


def test_rules_are_validated() -> None:
    assert ReorderRule("W", "WH", reorder_point=5, order_quantity=10).kind == "reorder_point"
    for kwargs, field in (({"max_quantity": 10, "order_quantity": 5}, "max_quantity"),
                          ({"max_quantity": 2}, "max_quantity"),
                          ({"order_quantity": 0}, "order_quantity"),
                          ({"order_quantity": 5, "multiple": 0}, "multiple"),
                          ({"order_quantity": 5, "lead_time_days": -1}, "lead_time_days"),
                          ({"order_quantity": 5, "reorder_point": -1}, "reorder_point")):
        args: dict[str, object] = {"reorder_point": 5}
        args.update(kwargs)
        with pytest.raises(ValidationError) as info:
            ReorderRule("W", "WH", **args)  # type: ignore[arg-type]
        assert info.value.field == field


def test_suggestions_follow_the_rule_kind() -> None:
    today = date(2026, 2, 1)
    zero = D(0)
    minmax = ReorderRule("W", "WH", reorder_point=10, max_quantity=50, lead_time_days=5)
    s = suggest(minmax, on_hand=D(12), reserved=D(4), incoming=zero, outgoing=zero,
                today=today)
    assert s is not None and (s.position, s.quantity, s.arrives) == (8, 42, date(2026, 2, 6))
    assert suggest(minmax, on_hand=D(11), reserved=zero, incoming=zero, outgoing=zero,
                   today=today) is None
    point = ReorderRule("W", "WH", reorder_point=10, order_quantity=25, multiple=12)
    s = suggest(point, on_hand=D(-20), reserved=zero, incoming=zero, outgoing=zero,
                today=today)
    # 30 below the point: twice the order quantity (50), then up to a multiple of 12
    assert s is not None and s.quantity == 60


def test_reorder_suggestions_see_the_stock_position(book: bc.Backoffice, feb: Feb) -> None:
    inv = book.inventory
    inv.receive("WID", 8, location="WH/A1", unit_cost=1, on=feb(1))
    inv.receive("WID", 100, location="W2", unit_cost=1, on=feb(1))  # another warehouse
    inv.set_reorder_rule("WID", "WH", reorder_point=10, max_quantity=40, lead_time_days=2)
    inv.set_reorder_rule("TEA", "WH", reorder_point="0.5", order_quantity="2.5")
    [wid, tea] = sorted(inv.reorder_suggestions(on=feb(3)), key=lambda s: s.sku, reverse=True)
    assert (wid.on_hand, wid.position, wid.quantity, wid.arrives) == (8, 8, 32, feb(5))
    assert tea.quantity == D("2.500")
    inv.plan("WID", 20, source="supplier", destination="WH/A1", unit_cost=1, on=feb(4))
    inv.reserve("WID", 3, location="WH/A1", on=feb(3))
    inv.plan("WID", 2, source="WH/A1", destination="customer", on=feb(5))
    [wid] = [s for s in inv.reorder_suggestions(on=feb(3)) if s.sku == "WID"] or [None]
    assert wid is None  # 8 - 3 - 2 + 20 = 23 is above the point
    rule = inv.set_reorder_rule("WID", "WH", reorder_point=30, max_quantity=60)
    assert rule.version == 1 and len(inv.reorder_rules()) == 2
    [wid] = [s for s in inv.reorder_suggestions(on=feb(3)) if s.sku == "WID"]
    assert (wid.reserved, wid.incoming, wid.outgoing, wid.quantity) == (3, 20, 2, 37)
    inv.delete_reorder_rule("WID", "WH")
    assert [r.sku for r in inv.reorder_rules()] == ["TEA"]
    with pytest.raises(NotFoundError) as missing:
        inv.delete_reorder_rule("WID", "WH")
    assert missing.value.field == "location"  # a known item and place without a rule
    for sku, where, field in (("NOPE", "WH", "sku"), ("WID", "NOWHERE", "location")):
        with pytest.raises(NotFoundError) as missing:  # the unknown one is named
            inv.delete_reorder_rule(sku, where)
        assert (missing.value.field, missing.value.value) == (field, sku if field == "sku"
                                                               else where)
    with pytest.raises(ValidationError) as info:
        inv.set_reorder_rule("WID", "WH", reorder_point="1.5", max_quantity=5)
    assert info.value.field == "reorder_point"
    with pytest.raises(ValidationError):
        inv.set_reorder_rule("WID", "customer", reorder_point=1, max_quantity=5)
