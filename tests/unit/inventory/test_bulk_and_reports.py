"""The bulk path books what single calls book; reports render, export and escape."""

from __future__ import annotations

import html
from collections.abc import Callable
from datetime import date
from decimal import Decimal

import backoffice_core as bc
from backoffice_core.inventory import MoveKind, MoveSpec

Feb = Callable[[int], date]
D = Decimal


def _specs(feb: Feb) -> list[MoveSpec]:
    return [
        MoveSpec("WID", 10, "supplier", "WH/A1", feb(1), unit_cost="2.00"),
        MoveSpec("WID", 10, "supplier", "WH/A1", feb(3), unit_cost="3.00"),
        MoveSpec("WID", 4, "WH/A1", "customer", feb(2)),
        MoveSpec("WID", 12, "WH/A1", "customer", feb(5)),
        MoveSpec("TEA", "1.5", "supplier", "WH/A1", feb(1), unit_cost="10.00"),
        MoveSpec("TEA", 250, "WH/A1", "W2", feb(2), unit="g"),
        MoveSpec("WID", 1, "WH/A1", "inventory_loss", feb(6), kind=MoveKind.SCRAP),
        MoveSpec("LOT", 3, "supplier", "WH/A1", feb(1), unit_cost=1, lot="L1",
                 expiry=date(2026, 5, 1)),
    ]


def test_apply_moves_books_what_single_calls_book(make_book: Callable[..., bc.Backoffice],
                                                  feb: Feb) -> None:
    bulk, single = make_book(), make_book()
    moves = bulk.inventory.apply_moves(_specs(feb))
    assert [m.seq for m in moves] == sorted(m.seq for m in moves)
    for spec in sorted(_specs(feb), key=lambda s: s.date):
        single.inventory.apply_moves([spec])
    for bo in (bulk, single):
        assert bo.inventory.on_hand("WID") == 3 and bo.inventory.on_hand("TEA", "W2") == D(
            "0.250")
    assert bulk.inventory.valuation() == single.inventory.valuation()
    for day in (feb(1), feb(2), feb(3), feb(5), feb(6)):
        assert bulk.inventory.valuation(as_of=day) == single.inventory.valuation(as_of=day)
        assert bulk.inventory.stock(as_of=day) == single.inventory.stock(as_of=day)
        assert bulk.ledger.balance("1210", as_of=day) == single.ledger.balance("1210",
                                                                              as_of=day)
        assert bulk.inventory.reconcile(as_of=day).agrees
    # one summary entry per day instead of one per move
    assert len(bulk.ledger.entries()) == 5 < len(single.ledger.entries())


def test_a_bulk_receipt_priced_per_other_unit_keeps_its_cost(
        make_book: Callable[..., bc.Backoffice], feb: Feb) -> None:
    """A receipt in boxes, priced per box, costs what ``receive`` books for it (it came in
    at zero: the batch lost the cost converted from the box's price)."""
    bulk, single = make_book(), make_book()
    for bo in (bulk, single):
        bo.inventory.create_unit("box6", "Box of 6", "count", 6)
    bulk.inventory.apply_moves([MoveSpec("WID", 6, "supplier", "WH/A1", feb(3),
                                         unit_cost="2.35", unit="box6")])
    single.inventory.receive("WID", 6, unit="box6", unit_cost="2.35", location="WH/A1",
                             on=feb(3))
    for bo in (bulk, single):
        assert bo.inventory.value("WID") == bc.Money("14.10", "USD")
        assert bo.ledger.balance("2120") == bc.Money("-14.10", "USD")
    assert bulk.inventory.valuation() == single.inventory.valuation()


def test_a_bulk_batch_is_checked_in_date_order(book: bc.Backoffice, feb: Feb) -> None:
    """A delivery listed before the receipt that covers it is fine when dated after it."""
    done = book.inventory.apply_moves([
        MoveSpec("WID", 5, "WH", "customer", feb(3)),
        MoveSpec("WID", 5, "supplier", "WH", feb(2), unit_cost=1)])
    assert [m.kind for m in done] == [MoveKind.DELIVERY, MoveKind.RECEIPT]
    assert book.inventory.on_hand("WID") == 0
    assert book.inventory.apply_moves([]) == []


def test_a_bulk_batch_respects_reservations_lots_and_the_stored_history(
        book: bc.Backoffice, feb: Feb) -> None:
    """Later batches check against the stored history (kg, lots, reservations) like single
    calls: what is reserved or already taken later is not available to a batch."""
    import pytest

    from backoffice_core.errors import InsufficientStockError
    inv = book.inventory
    inv.apply_moves([MoveSpec("TEA", "2.5", "supplier", "WH/A1", feb(1), unit_cost="8.00"),
                     MoveSpec("LOT", 4, "supplier", "WH/A1", feb(1), unit_cost=1, lot="A"),
                     MoveSpec("TEA", "1.2", "WH/A1", "customer", feb(10))])
    inv.reserve("TEA", "0.8", location="WH/A1", on=feb(12))
    with pytest.raises(InsufficientStockError) as info:  # 0.5 kg are free, not 0.6
        inv.apply_moves([MoveSpec("TEA", "0.3", "WH/A1", "customer", feb(11)),
                         MoveSpec("TEA", "300", "WH/A1", "customer", feb(11), unit="g")])
    assert info.value.field == "moves[1].quantity"
    assert info.value.available == D("0.200")  # type: ignore[attr-defined]
    with pytest.raises(InsufficientStockError) as info:  # the 10th took 1.2 kg: 1.3 left
        inv.apply_moves([MoveSpec("TEA", "1.4", "WH/A1", "W2", feb(5))])
    assert (info.value.wanted, info.value.available) == (  # type: ignore[attr-defined]
        D("1.400"), D("1.300"))
    with pytest.raises(InsufficientStockError):
        inv.apply_moves([MoveSpec("LOT", 5, "WH/A1", "customer", feb(2), lot="A")])
    done = inv.apply_moves([MoveSpec("TEA", "0.5", "WH/A1", "customer", feb(11)),
                            MoveSpec("LOT", 4, "WH/A1", "customer", feb(2), lot="A")])
    assert [m.quantity for m in done] == [D("0.500"), D(4)]
    assert inv.on_hand("TEA", "WH/A1") == D("0.800") and inv.on_hand("LOT") == 0
    assert inv.reconcile().agrees


def test_the_stock_report(book: bc.Backoffice, feb: Feb) -> None:
    inv = book.inventory
    inv.receive("WID", 10, location="WH/A1", unit_cost="2.00", on=feb(1))
    inv.receive("LOT", 4, location="WH/Z/B1", lot="L<1>", unit_cost=1, on=feb(2))
    inv.receive("WID", 1, location="W2", unit_cost="2.00", on=feb(2))
    report = inv.stock(location="WH")
    assert [(r.sku, r.location, r.lot, r.quantity) for r in report.rows] == [
        ("LOT", "WH/Z/B1", "L<1>", 4), ("WID", "WH/A1", "", 10)]
    assert report.total("WID") == 10 and inv.stock().total("WID") == 11
    assert inv.stock(as_of=feb(1)).rows[0].quantity == 10
    assert inv.stock(sku="LOT").to_rows() == [
        {"sku": "LOT", "name": "Yoghurt", "location": "WH/Z/B1", "lot": "L<1>",
         "quantity": D(4), "unit": "pc"}]
    text = report.render("de_DE")
    assert text.splitlines()[0] == "Lagerbestand, Stock Co, aktuell"
    assert "L<1>" in text
    page = report._repr_html_()
    assert html.escape("L<1>") in page and "L<1>" not in page
    frame = report.to_pandas()
    assert list(frame.columns) == ["sku", "name", "location", "lot", "quantity", "unit"]
    assert frame["quantity"][0] == D(4) and str(frame["quantity"].dtype) == "object"


def test_the_valuation_report_and_reconciliation(book: bc.Backoffice, feb: Feb) -> None:
    inv = book.inventory
    inv.receive("WID", 3, location="WH", value="10.00", on=feb(1))
    inv.receive("TEA", "1.250", location="WH", unit_cost="8.00", on=feb(2))
    report = inv.valuation()
    assert report.total == D("20.00") and report.method is None
    wid = report.row("WID")
    assert (wid.quantity, wid.value, wid.method) == (3, D("10.00"), "fifo")
    assert wid.unit_cost == D("10.00") / 3
    assert report.row("TEA").quantity == D("1.250")
    text = report.render("en_US")
    assert "3.3333" in text and "20.00" in text
    assert report.render("ru_RU").splitlines()[0].startswith("Оценка запасов, Stock Co")
    assert "Total" in report._repr_html_()
    assert [r["value"] for r in report.to_rows()] == [D("10.00"), D("10.00")]
    assert list(report.to_pandas()["value"]) == [D("10.00"), D("10.00")]
    assert inv.valuation(method="average").render("en_US").splitlines()[0].endswith(
        "as if valued by moving average")
    # methods are printed in the report's language; rows keep the method's value
    assert "FIFO" in text and " fifo " not in text
    de = inv.valuation(method="periodic_average").render("de_DE")
    assert de.splitlines()[0].endswith("angenommenes Verfahren: Periodischer Durchschnitt")
    ru = inv.valuation(method="average").render("ru_RU").splitlines()[0]
    assert ru.endswith("условный метод оценки: скользящая средняя")
    assert "Periodischer Durchschnitt" in de.splitlines()[3]
    assert inv.valuation(method="periodic_average").to_rows()[0]["method"] == "periodic_average"
    rec = inv.reconcile(as_of=feb(1))
    assert (rec.valuation, rec.ledger, rec.difference, rec.account) == (
        D("10.00"), D("10.00"), D("0.00"), "1210")
    assert "agrees" in rec.render("en_US") and "1210" in rec._repr_html_()
    # a posting to the inventory account from outside the stock ledger shows as a difference
    book.ledger.post(bc.NewEntry(feb(3), "Manual", [bc.debit("1210", "1.00"),
                                                    bc.credit("2120", "1.00")]))
    off = inv.reconcile()
    assert off.difference == D("-1.00") and not off.agrees
    assert "DOES NOT AGREE" in off.render("en_US")


def test_a_round_unit_cost_is_written_plainly_not_in_exponent_notation(
        book: bc.Backoffice, feb: Feb) -> None:
    """An average unit cost of 1,000.00 came out as ``Decimal('1E+3')``: the notebook
    table (``_repr_html_``), ``to_rows()``/``to_pandas()`` and the cost layers showed
    "1E+3" (normalize() without a guard against a positive exponent)."""
    inv = book.inventory
    inv.receive("WID", 1, location="WH", unit_cost="1000.00", on=feb(1))
    inv.receive("TEA", "2", location="WH", value="200.00", on=feb(1))
    report = inv.valuation()
    costs = {r["sku"]: r["unit_cost"] for r in report.to_rows()}
    assert [str(costs["WID"]), str(costs["TEA"])] == ["1000", "100"]
    assert [str(v) for v in report.to_pandas()["unit_cost"]] == ["100", "1000"]
    page = report._repr_html_()
    assert ">1000<" in page and ">100<" in page and "E+" not in page
    assert [str(layer.unit_cost) for layer in inv.layers("WID")] == ["1000"]


def test_the_total_of_a_valuation_without_rows_has_the_currency_places() -> None:
    """Defect: the total of a valuation without rows was ``Decimal('0')``, shown as
    ``0`` in its notebook table (and in to_rows-style use), where every other total of a
    USD report is ``0.00`` (a KWD one ``0.000``)."""
    from backoffice_core.inventory.reports import ValuationReport

    empty = ValuationReport("Acme", "USD", None, None, ())
    assert str(empty.total) == "0.00" and ">0.00</td></tr></tbody>" in empty._repr_html_()
    assert str(ValuationReport("Acme", "KWD", None, None, ()).total) == "0.000"
