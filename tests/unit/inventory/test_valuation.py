"""Valuation: every method, the rounding point, negative stock, landed costs, returns,
changes of method, backdated re-valuation, and the ledger postings of each.

Expected figures are worked out by hand in the comments.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal

import pytest

import backoffice_core as bc
from backoffice_core.inventory import CostKind, Inventory

Feb = Callable[[int], date]
D = Decimal
INVENTORY, GRNI, COGS, LOSS, PPV = "1210", "2120", "5100", "5300", "5200"


def money(amount: str) -> bc.Money:
    return bc.Money(amount, "USD")


def balance(bo: bc.Backoffice, account: str, as_of: date | None = None) -> Decimal:
    return Decimal(bo.ledger.balance(account, as_of=as_of).amount)


def assert_reconciled(bo: bc.Backoffice) -> None:
    days = sorted({m.date for m in bo.inventory.moves()} | {e.date for e in bo.ledger.entries()})
    for day in [None, *days]:
        r = bo.inventory.reconcile(as_of=day)
        assert r.agrees, (day, r.valuation, r.ledger)


def two_receipts_and_a_delivery(bo: bc.Backoffice, sku: str, feb: Feb) -> None:
    inv = bo.inventory
    inv.receive(sku, 10, location="WH", unit_cost="2.00", on=feb(2))
    inv.receive(sku, 10, location="WH", unit_cost="3.00", on=feb(3))
    inv.deliver(sku, 15, location="WH", on=feb(4))


@pytest.mark.parametrize(("method", "cogs", "left"), [
    ("fifo", "35.00", "15.00"),     # 10 x 2 + 5 x 3; 5 x 3 left
    ("lifo", "40.00", "10.00"),     # 10 x 3 + 5 x 2; 5 x 2 left
    ("average", "37.50", "12.50"),  # 15 x 2.50
    ("periodic_average", "37.50", "12.50"),  # February's average is 2.50 too
])
def test_each_method_on_the_same_moves(book: bc.Backoffice, feb: Feb, method: str, cogs: str,
                                       left: str) -> None:
    book.inventory.create_item("M", "Item", valuation=method)
    two_receipts_and_a_delivery(book, "M", feb)
    assert book.inventory.value("M") == money(left)
    assert balance(book, COGS) == D(cogs) and balance(book, INVENTORY) == D(left)
    assert balance(book, GRNI) == D("-50.00")
    assert_reconciled(book)


def test_fifo_layers_and_history_can_be_inspected(book: bc.Backoffice, feb: Feb) -> None:
    two_receipts_and_a_delivery(book, "WID", feb)
    inv = book.inventory
    layers = inv.layers("WID")
    second = inv.moves("WID")[1]
    assert [(x.origin, x.quantity_in, x.value_in, x.quantity, x.value, x.unit_cost)
            for x in layers] == [(second.id, 10, D("30.00"), 5, D("15.00"), 3)]
    assert [(x.quantity, x.value) for x in inv.layers("WID", as_of=feb(3))] == [
        (10, D("20.00")), (10, D("30.00"))]
    history = inv.history("WID")
    assert [(h.kind, h.quantity, h.value) for h in history] == [
        (CostKind.IN, 10, D("20.00")), (CostKind.IN, 10, D("30.00")),
        (CostKind.OUT, -15, D("-35.00"))]
    assert history[2].counterpart == (("cogs", D("35.00")),)


def test_lifo_takes_the_newest_layer_as_of_the_issue(book: bc.Backoffice, feb: Feb) -> None:
    inv = book.inventory
    inv.create_item("L", "Lifo", valuation="lifo")
    inv.receive("L", 10, location="WH", unit_cost=1, on=feb(1))
    inv.deliver("L", 4, location="WH", on=feb(2))     # from the 1.00 layer: 4.00
    inv.receive("L", 10, location="WH", unit_cost=2, on=feb(3))
    inv.deliver("L", 12, location="WH", on=feb(4))    # 10 x 2 + 2 x 1 = 22.00
    assert balance(book, COGS) == D("26.00") and inv.value("L") == money("4.00")


def test_moving_average_re_averages_at_each_receipt(book: bc.Backoffice, feb: Feb) -> None:
    inv = book.inventory
    inv.receive("TEA", "2", location="WH", unit_cost="10.00", on=feb(1))
    inv.deliver("TEA", "0.5", location="WH", on=feb(2))     # 5.00, 1.5 kg / 15.00 left
    inv.receive("TEA", "1.5", location="WH", unit_cost="12.00", on=feb(3))  # 3 kg / 33.00
    inv.deliver("TEA", "3", location="WH", on=feb(4))       # everything: 33.00
    assert balance(book, COGS) == D("38.00") and inv.value("TEA") == money("0.00")
    assert inv.layers("TEA") == []


def test_the_rounding_point_keeps_residues_in_the_layer(book: bc.Backoffice, feb: Feb) -> None:
    inv = book.inventory
    inv.receive("WID", 3, location="WH", value="10.00", on=feb(1))
    for _ in range(3):
        inv.deliver("WID", 1, location="WH", on=feb(2))
    taken = [-h.value for h in inv.history("WID")[1:]]
    assert taken == [D("3.33"), D("3.34"), D("3.33")]  # 333, then 667/2 -> 334, then 333
    assert sum(taken) == D("10.00") and inv.value("WID") == money("0.00")


def test_the_rounding_policy_is_named(book: bc.Backoffice, feb: Feb) -> None:
    even = Inventory(book.unit_of_work, book.clock, book.ids, book.ledger,
                     rounding=bc.RoundingPolicy.HALF_EVEN)
    even.receive("WID", 2, location="WH", value="0.05", on=feb(1))
    even.deliver("WID", 1, location="WH", on=feb(2))  # 2.5 cents: half-even 2, half-up 3
    assert even.value("WID") == money("0.03")
    book.inventory.receive("TEA", 2, location="WH", value="0.05", on=feb(1))
    book.inventory.deliver("TEA", 1, location="WH", on=feb(2))
    assert book.inventory.value("TEA") == money("0.02")


def test_periodic_average_values_a_month_at_its_average(book: bc.Backoffice, feb: Feb) -> None:
    inv = book.inventory
    inv.create_item("P", "Periodic", valuation="periodic_average")
    inv.receive("P", 10, location="WH", unit_cost="2.00", on=feb(2))
    inv.deliver("P", 6, location="WH", on=feb(3))  # provisional: 12.00
    assert balance(book, COGS) == D("12.00")
    inv.receive("P", 10, location="WH", unit_cost="3.00", on=feb(20))
    # February's average is 50.00 / 20 = 2.50: the issue of the 3rd costs 15.00, and the
    # difference is booked on the 3rd
    assert balance(book, COGS) == D("15.00")
    assert balance(book, COGS, as_of=feb(3)) == D("15.00")
    reval = [e for e in book.ledger.entries() if e.description == "Inventory revaluation"]
    assert [(e.date, sorted((p.account, p.amount) for p in e.postings)) for e in reval] == [
        (feb(3), [(INVENTORY, -300), (COGS, 300)])]
    inv.deliver("P", 4, location="WH", on=date(2026, 3, 5))  # March opens at 2.50: 10.00
    assert balance(book, COGS) == D("25.00") and inv.value("P") == money("25.00")
    assert_reconciled(book)


def test_standard_cost_posts_the_purchase_price_variance(book: bc.Backoffice,
                                                         feb: Feb) -> None:
    inv = book.inventory
    inv.create_item("S", "Standard", valuation="standard", standard_cost="2.50")
    inv.receive("S", 10, location="WH", unit_cost="2.00", on=feb(1))   # variance -5.00
    inv.receive("S", 10, location="WH", unit_cost="2.80", on=feb(2))   # variance +3.00
    inv.receive("S", 2, location="WH", on=feb(2))                      # at standard: 0
    inv.deliver("S", 12, location="WH", on=feb(3))                     # 30.00
    assert balance(book, INVENTORY) == D("25.00") and balance(book, COGS) == D("30.00")
    assert balance(book, GRNI) == D("-53.00") and balance(book, PPV) == D("-2.00")
    # a new standard from the 10th re-values the 10 units on hand against the variance
    inv.change_valuation_method("S", "standard", standard_cost="3.00", on=feb(10))
    assert inv.value("S") == money("30.00") and balance(book, PPV) == D("-7.00")
    assert inv.item("S").standard_cost == D("3.00")
    assert_reconciled(book)


def test_negative_stock_is_costed_at_the_last_cost_and_corrected_later(
        book: bc.Backoffice, feb: Feb) -> None:
    inv = book.inventory
    inv.update_item("WID", allow_negative=True)
    inv.receive("WID", 5, location="WH", unit_cost="2.00", on=feb(1))
    inv.deliver("WID", 8, location="WH", on=feb(2))  # 5 x 2 + 3 owed at the last cost 2.00
    assert balance(book, COGS) == D("16.00") and inv.value("WID") == money("-6.00")
    inv.receive("WID", 10, location="WH", unit_cost="3.00", on=feb(5))
    # the 3 owed units really cost 3.00: 3.00 more cost of sales, booked on the 5th
    assert balance(book, COGS) == D("19.00") and balance(book, COGS, as_of=feb(4)) == D("16.00")
    assert inv.value("WID") == money("21.00") and inv.on_hand("WID") == 7
    assert_reconciled(book)


def test_negative_stock_before_any_cost_uses_the_standard_cost_or_zero(
        book: bc.Backoffice, feb: Feb) -> None:
    inv = book.inventory
    inv.create_item("N1", "No cost yet", allow_negative=True, standard_cost="4.00")
    inv.create_item("N2", "No cost at all", allow_negative=True)
    inv.deliver("N1", 2, location="WH", on=feb(1))
    inv.deliver("N2", 2, location="WH", on=feb(1))
    assert inv.value("N1") == money("-8.00") and inv.value("N2") == money("0.00")
    inv.receive("N2", 2, location="WH", unit_cost="1.50", on=feb(2))
    assert inv.value("N2") == money("0.00") and balance(book, COGS) == D("11.00")
    assert_reconciled(book)


def test_gains_come_in_at_the_last_known_cost(book: bc.Backoffice, feb: Feb) -> None:
    inv = book.inventory
    inv.receive("WID", 4, location="WH", unit_cost="2.50", on=feb(1))
    inv.adjust("WID", 2, location="WH", on=feb(2))
    inv.adjust("WID", 1, location="WH", unit_cost="9.00", on=feb(3))
    assert inv.value("WID") == money("24.00") and balance(book, LOSS) == D("-14.00")


def test_landed_costs_by_quantity_value_and_weight(book: bc.Backoffice, feb: Feb) -> None:
    inv = book.inventory
    inv.create_item("HEAVY", "Anvil", weight="50")
    inv.create_item("LIGHT", "Feather", weight="0.01")
    a = inv.receive("HEAVY", 1, location="WH", unit_cost="100.00", on=feb(1))
    b = inv.receive("LIGHT", 100, location="WH", unit_cost="1.00", on=feb(1))
    by_qty = inv.add_landed_cost("10.10", receipts=[a.id, b.id], on=feb(2))
    assert [m.amount for _, m in by_qty.allocations] == [D("0.10"), D("10.00")]
    by_value = inv.add_landed_cost("20.00", receipts=[a.id, b.id], by="value", on=feb(2))
    assert [m.amount for _, m in by_value.allocations] == [D("10.00"), D("10.00")]
    by_weight = inv.add_landed_cost("51.00", receipts=[a.id, b.id], by="weight", on=feb(2))
    assert [m.amount for _, m in by_weight.allocations] == [D("50.00"), D("1.00")]
    assert inv.value("HEAVY") == money("160.10") and inv.value("LIGHT") == money("121.00")
    assert balance(book, GRNI) == D("-281.10")
    landed = [e for e in book.ledger.entries() if e.description.startswith("Landed cost")]
    assert len(landed) == 3  # one entry per landed cost, whatever the number of receipts
    assert_reconciled(book)


def test_landed_cost_on_goods_already_sold_goes_to_cost_of_sales(book: bc.Backoffice,
                                                                 feb: Feb) -> None:
    inv = book.inventory
    r = inv.receive("WID", 10, location="WH", unit_cost="1.00", on=feb(1))
    inv.deliver("WID", 4, location="WH", on=feb(2))
    inv.add_landed_cost("5.00", receipts=[r.id], on=feb(3))  # 6/10 on hand: 3.00 kept
    assert inv.value("WID") == money("9.00") and balance(book, COGS) == D("6.00")
    inv.receive("TEA", 10, location="WH", unit_cost="1.00", on=feb(1))   # average method
    t = inv.moves("TEA")[0]
    inv.deliver("TEA", 8, location="WH", on=feb(2))
    inv.add_landed_cost("5.00", receipts=[t.id], on=feb(3))  # 2 of 10 in the pool: 1.00
    assert inv.value("TEA") == money("3.00")
    assert_reconciled(book)


def test_landed_cost_on_stock_merged_by_a_method_change_stays_in_stock(
        book: bc.Backoffice, feb: Feb) -> None:
    """Defect: after FIFO -> average -> FIFO the receipt's stock sits in the layer the
    change made; a landed cost on it went wholly to cost of goods sold with the ten units
    still on hand (the receipt has no layer of its own any more)."""
    inv = book.inventory
    r = inv.receive("WID", 10, location="WH", unit_cost="1.00", on=feb(1))
    inv.change_valuation_method("WID", "average", on=feb(2))
    inv.change_valuation_method("WID", "fifo", on=feb(3))
    inv.deliver("WID", 4, location="WH", on=feb(4))
    inv.add_landed_cost("5.00", receipts=[r.id], on=feb(5))  # 6/10 on hand: 3.00 kept
    assert inv.value("WID") == money("9.00") and balance(book, COGS) == D("6.00")
    assert [(x.quantity, x.value) for x in inv.layers("WID")] == [(D("6"), D("9.00"))]
    assert_reconciled(book)


def test_a_landed_cost_may_not_precede_its_receipt(book: bc.Backoffice, feb: Feb) -> None:
    r = book.inventory.receive("WID", 1, location="WH", unit_cost=1, on=feb(5))
    with pytest.raises(bc.ValidationError) as info:
        book.inventory.add_landed_cost("1.00", receipts=[r.id], on=feb(4))
    assert info.value.field == "on"


def test_returns_come_back_at_the_value_they_left_with(book: bc.Backoffice, feb: Feb) -> None:
    inv = book.inventory
    inv.receive("WID", 10, location="WH", unit_cost="1.00", on=feb(1))
    inv.receive("WID", 10, location="WH", unit_cost="2.00", on=feb(2))
    d = inv.deliver("WID", 15, location="WH", on=feb(3))     # 10 + 10 = 20.00
    inv.return_move(d.id, 5, on=feb(4))                      # 20 x 5/15 = 6.67
    inv.return_move(d.id, 5, on=feb(5))                      # 13.33 - 6.67 = 6.66
    inv.return_move(d.id, 5, on=feb(6))                      # 20.00 - 13.33 = 6.67
    back = [h.value for h in inv.history("WID") if h.kind is CostKind.RETURN_IN]
    assert back == [D("6.67"), D("6.66"), D("6.67")] and sum(back) == D("20.00")
    assert balance(book, COGS) == D("0.00") and inv.value("WID") == money("30.00")
    assert_reconciled(book)


def test_returns_to_the_supplier_reverse_the_receipt_cost(book: bc.Backoffice,
                                                          feb: Feb) -> None:
    inv = book.inventory
    inv.receive("WID", 10, location="WH", unit_cost="1.00", on=feb(1))
    r2 = inv.receive("WID", 10, location="WH", unit_cost="2.00", on=feb(2))
    inv.return_move(r2.id, 3, on=feb(3))  # FIFO takes the receipt's own layer: 6.00
    assert inv.value("WID") == money("24.00") and balance(book, GRNI) == D("-24.00")
    assert balance(book, PPV) == D("0.00")
    inv.receive("TEA", 10, location="WH", unit_cost="1.00", on=feb(1))
    t2 = inv.receive("TEA", 10, location="WH", unit_cost="2.00", on=feb(2))
    inv.return_move(t2.id, 2, on=feb(3))  # average 1.50 leaves: 3.00; supplier owes 4.00
    assert inv.value("TEA") == money("27.00") and balance(book, PPV) == D("-1.00")
    assert_reconciled(book)


def test_scrap_and_losses_post_to_inventory_loss(book: bc.Backoffice, feb: Feb) -> None:
    inv = book.inventory
    inv.receive("WID", 10, location="WH", unit_cost="2.00", on=feb(1))
    inv.scrap("WID", 1, location="WH", on=feb(2), reason="broken")
    inv.adjust("WID", -2, location="WH", on=feb(3))
    assert balance(book, LOSS) == D("6.00") and inv.value("WID") == money("14.00")


def test_a_backdated_receipt_re_values_exactly_the_later_issues(book: bc.Backoffice,
                                                                feb: Feb) -> None:
    inv = book.inventory
    inv.receive("WID", 10, location="WH", unit_cost="2.00", on=feb(5))
    inv.deliver("WID", 5, location="WH", on=feb(10))     # 10.00
    inv.deliver("WID", 3, location="WH", on=feb(12))     # 6.00
    before = {e.id for e in book.ledger.entries()}
    back = inv.receive("WID", 4, location="WH", unit_cost="1.00", on=feb(1))
    # FIFO: the delivery of the 10th now takes 4 x 1 + 1 x 2 = 6.00 (4.00 less), the one
    # of the 12th 3 x 2 = 6.00 (unchanged); 6 units at 2.00 are left
    assert balance(book, COGS) == D("12.00") and inv.value("WID") == money("12.00")
    new = [e for e in book.ledger.entries() if e.id not in before]
    assert [(e.date, e.description, e.reference) for e in new] == [
        (feb(1), "Stock receipt WID 4 pc", back.id),
        (feb(10), "Inventory revaluation", back.id)]
    assert sorted((p.account, p.amount) for p in new[1].postings) == [
        (INVENTORY, 400), (COGS, -400)]
    assert_reconciled(book)


def test_a_backdated_free_receipt_is_recorded_and_re_values_the_later_issues(
        book: bc.Backoffice, feb: Feb) -> None:
    """A receipt at zero cost into a history: its own record (which values nothing) is
    kept, and a later issue that now takes it is re-valued."""
    inv = book.inventory
    inv.receive("WID", 1, location="WH", unit_cost="3.00", on=feb(1))
    inv.receive("WID", 10, location="WH", unit_cost="2.00", on=feb(5))
    inv.deliver("WID", 7, location="WH", on=feb(10))     # 3.00 + 12.00
    free = inv.receive("WID", 2, location="WH", unit_cost="0.00", on=feb(3))
    assert [(h.event, h.quantity, h.value) for h in inv.history("WID")][1] == (
        free.id, Decimal(2), Decimal("0.00"))
    assert balance(book, COGS) == D("11.00") and inv.value("WID") == money("12.00")
    assert [(x.quantity, x.value) for x in inv.layers("WID")] == [(Decimal(6), D("12.00"))]
    assert_reconciled(book)


def test_changing_the_method_keeps_the_value_and_applies_from_the_date(
        book: bc.Backoffice, feb: Feb) -> None:
    inv = book.inventory
    inv.receive("WID", 10, location="WH", unit_cost="1.00", on=feb(1))
    inv.receive("WID", 10, location="WH", unit_cost="2.00", on=feb(2))
    item = inv.change_valuation_method("WID", "average", on=feb(3))
    assert item.valuation.value == "average" and inv.value("WID") == money("30.00")
    assert [(x.quantity, x.value) for x in inv.layers("WID")] == [(20, D("30.00"))]
    inv.deliver("WID", 10, location="WH", on=feb(4))          # at 1.50: 15.00
    assert balance(book, COGS) == D("15.00")
    # backdated before the change, so FIFO: 2 x 1.00. The pool of the 3rd is then 18 units
    # worth 28.00, and the issue of the 4th is re-valued to 28.00 x 10/18 = 15.56
    inv.deliver("WID", 2, location="WH", on=feb(2))
    assert balance(book, COGS) == D("17.56") and inv.value("WID") == money("12.44")
    inv.change_valuation_method("WID", "fifo", on=feb(6))     # one layer of the pool
    assert [(x.quantity, x.value) for x in inv.layers("WID")] == [(8, D("12.44"))]
    assert_reconciled(book)


def test_a_backdated_move_re_values_a_later_change_to_standard(book: bc.Backoffice,
                                                               feb: Feb) -> None:
    inv = book.inventory
    inv.receive("WID", 10, location="WH", unit_cost="1.00", on=feb(1))
    inv.change_valuation_method("WID", "standard", standard_cost="2.00", on=feb(10))
    assert balance(book, PPV) == D("-10.00")   # 10 units re-valued from 1.00 to 2.00
    inv.deliver("WID", 4, location="WH", on=feb(5))
    assert balance(book, PPV) == D("-6.00")    # only 6 were on hand on the 10th
    assert inv.value("WID") == money("12.00")
    assert_reconciled(book)


def test_what_if_valuation_replays_the_history_under_another_method(book: bc.Backoffice,
                                                                    feb: Feb) -> None:
    inv = book.inventory
    two_receipts_and_a_delivery(book, "WID", feb)
    assert inv.valuation().total == D("15.00")
    assert inv.valuation(method="average").total == D("12.50")
    assert inv.valuation(method="lifo").total == D("10.00")
    assert inv.valuation(method="fifo", as_of=feb(3)).total == D("50.00")
    with pytest.raises(bc.ValidationError):
        inv.valuation(method="standard")  # WID has no standard cost
    assert inv.valuation().total == D("15.00")  # nothing was written


def test_the_valuation_as_of_any_date_matches_the_ledger(book: bc.Backoffice,
                                                         feb: Feb) -> None:
    inv = book.inventory
    two_receipts_and_a_delivery(book, "WID", feb)
    inv.receive("TEA", "1.5", location="WH", unit_cost="8.00", on=feb(1))
    assert inv.valuation(as_of=feb(2)).total == D("32.00")
    assert inv.valuation(as_of=date(2026, 1, 31)).rows == ()
    assert inv.value("WID", as_of=feb(3)) == money("50.00")
    assert_reconciled(book)


def test_the_valuation_as_of_a_day_shows_the_method_in_force_that_day(
        each_store: bc.Backoffice, feb: Feb) -> None:
    inv = each_store.inventory
    inv.receive("WID", 10, location="WH", unit_cost="1.00", on=feb(1))
    inv.receive("TEA", 1, location="WH", unit_cost="8.00", on=feb(1))   # never changed
    for day in range(2, 9):  # enough events for more than one checkpoint (64 apart)
        for _ in range(10):
            inv.receive("WID", 1, location="WH", unit_cost="1.00", on=feb(day))
    inv.change_valuation_method("WID", "average", on=feb(10))

    def shown(as_of: date | None) -> dict[str, str]:
        return {r.sku: r.method for r in inv.valuation(as_of=as_of).rows}

    assert shown(feb(5)) == {"WID": "fifo", "TEA": "average"}
    assert shown(feb(9)) == {"WID": "fifo", "TEA": "average"}
    assert shown(feb(10)) == shown(feb(15)) == shown(None) == {"WID": "average",
                                                                "TEA": "average"}
    inv.change_valuation_method("WID", "lifo", on=feb(20))
    assert [shown(feb(d))["WID"] for d in (5, 15, 20)] == ["fifo", "average", "lifo"]
    assert inv.valuation(as_of=feb(5), method="lifo").rows[1].method == "lifo"  # what-if
