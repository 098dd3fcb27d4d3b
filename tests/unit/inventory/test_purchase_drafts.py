"""Reorder suggestions become draft purchase orders (one per supplier), and open
purchase orders count as incoming stock for the reorder rules.

The ``book`` fixture (tests/unit/inventory/conftest.py): a USD book with warehouses
``WH`` (bins ``WH/A1``, ``WH/Z/B1``) and ``W2``, items ``WID`` (FIFO, pc), ``TEA``
(average, kg) and others; the clock at 2026-03-31.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

import backoffice_core as bc
from backoffice_core.documents import Party, Tax
from backoffice_core.errors import NotFoundError, ValidationError
from backoffice_core.money import Money

D = date(2026, 3, 2)
VAT = Tax.standard(20)


def _supplier(bo: bc.Backoffice, name: str, currency: str | None = None) -> Party:
    return bo.documents.create_party(name, is_customer=False, is_supplier=True,
                                     currency=currency)


def _rules(bo: bc.Backoffice) -> None:
    inv = bo.inventory
    inv.create_item("STD", "Bolt", valuation="standard", standard_cost="0.50")
    inv.receive("WID", 3, location="WH/A1", unit_cost="2.00", on=date(2026, 3, 1))
    inv.receive("WID", 1, location="WH/A1", unit_cost="2.60", on=date(2026, 3, 1))
    inv.set_reorder_rule("WID", "WH", reorder_point=5, max_quantity=20)  # orders 16
    inv.set_reorder_rule("WID", "W2", reorder_point=2, order_quantity=10)  # orders 10
    inv.set_reorder_rule("TEA", "WH", reorder_point=1, order_quantity="2.5")  # orders 2.5
    inv.set_reorder_rule("STD", "W2", reorder_point=0, order_quantity=100)  # orders 100


def _docs_state(bo: bc.Backoffice) -> Any:
    return bo.documents.find(), bo.ledger.entries(), bo.inventory.moves()


def test_one_draft_per_supplier_and_one_line_per_suggestion(book: bc.Backoffice) -> None:
    _rules(book)
    a, b = _supplier(book, "Widgets Ltd"), _supplier(book, "Tea & Bolts")
    suggestions = book.inventory.reorder_suggestions(on=D)
    assert [(s.sku, s.location, s.quantity) for s in suggestions] == [
        ("STD", "W2", 100), ("TEA", "WH", Decimal("2.500")), ("WID", "W2", 10),
        ("WID", "WH", 16)]
    drafts = book.inventory.purchase_drafts(
        suggestions, supplier={"WID": a.id, "TEA": b.id, "STD": b.id},
        tax={"WID": VAT, "STD": VAT, "TEA": Tax.standard(7)}, prices={"TEA": "14.00"}, on=D)
    assert [(d.party_id, d.type.value, d.state.value, d.date) for d in drafts] == [
        (b.id, "purchase_order", "draft", D), (a.id, "purchase_order", "draft", D)]
    bolts_tea, widgets = drafts
    assert [(ln.item_id, ln.description, ln.quantity, ln.unit, ln.unit_price, ln.tax,
             ln.dimensions) for ln in bolts_tea.lines] == [
        ("STD", "Bolt", 100, "H87", Decimal("0.50"), VAT, (("location", "W2"),)),
        ("TEA", "Green tea", Decimal("2.5"), "KGM", Decimal("14.00"), Tax.standard(7),
         (("location", "WH"),))]
    # widgets are priced at their last known unit cost (2.60), in the book's currency
    assert [(ln.quantity, ln.unit_price, ln.dimensions) for ln in widgets.lines] == [
        (10, Decimal("2.60"), (("location", "W2"),)),
        (16, Decimal("2.60"), (("location", "WH"),))]
    assert widgets.totals.tax_inclusive == Money("81.12", "USD")  # 26 x 2.60 x 1.2
    assert book.documents.find(type="purchase_order") == drafts


def test_the_drafts_are_ordinary_documents_and_flow_into_stock(book: bc.Backoffice) -> None:
    _rules(book)
    a = _supplier(book, "All Parts")
    drafts = book.inventory.purchase_drafts(book.inventory.reorder_suggestions(on=D),
                                            supplier=a.id, tax=VAT, prices={"TEA": "14.00"},
                                            on=D)
    [po] = drafts
    docs = book.documents
    po = docs.issue(po.id)
    assert po.number == "PO-2026-00001"
    gr = docs.issue(docs.convert(po.id, "goods_receipt", date=date(2026, 3, 5)).id)
    inv = book.inventory
    assert inv.on_hand("WID", "WH") == 20 and inv.on_hand("WID", "W2") == 10
    assert inv.on_hand("TEA", "WH") == Decimal("2.5") and inv.on_hand("STD", "W2") == 100
    received = [m for m in inv.moves() if m.date == date(2026, 3, 5)]
    assert [(m.sku, m.destination, m.reference) for m in received] == [
        ("STD", "W2", gr.number), ("TEA", "WH", gr.number), ("WID", "W2", gr.number),
        ("WID", "WH", gr.number)]
    assert inv.reconcile().agrees
    bill = docs.issue(docs.convert(gr.id, "supplier_bill", date=date(2026, 3, 6)).id)
    # what is left in grni are the two receipts booked directly, before any document
    assert book.ledger.balance("2120") == Money("-8.60", "USD")
    assert docs.three_way_match(po.id).ok and bill.state.value == "issued"
    assert inv.reorder_suggestions(on=date(2026, 3, 6)) == []


def test_open_orders_count_as_incoming_until_received(book: bc.Backoffice) -> None:
    inv, docs = book.inventory, book.documents
    inv.receive("WID", 2, location="WH/A1", unit_cost="2.00", on=date(2026, 3, 1))
    inv.set_reorder_rule("WID", "WH", reorder_point=12, max_quantity=20)
    s = _supplier(book, "Widgets Ltd")
    [first] = inv.reorder_suggestions(on=D)
    assert (first.incoming, first.quantity) == (0, 18)
    [po] = inv.purchase_drafts([first], supplier=s.id, tax=VAT, on=D)
    assert inv.reorder_suggestions(on=D) == []  # a draft order counts
    po = docs.issue(po.id)
    assert inv.reorder_suggestions(on=D) == []  # so does an issued one
    # 8 of 18 arrive: on hand rises by what the incoming quantity loses
    docs.issue(docs.convert(po.id, "goods_receipt", {"1": 8}, date=D).id)
    assert inv.on_hand("WID", "WH/A1") == 2 and inv.on_hand("WID", "WH") == 10  # into WH
    inv.deliver("WID", 8, location="WH", on=D)
    inv.deliver("WID", 1, location="WH/A1", on=D)
    [again] = inv.reorder_suggestions(on=D)
    assert (again.on_hand, again.incoming, again.position, again.quantity) == (1, 10, 11, 9)
    # a cancelled order no longer counts
    docs.cancel(po.id)
    [after] = inv.reorder_suggestions(on=D)
    assert (after.incoming, after.quantity) == (0, 19)


def test_an_order_line_counts_where_its_location_is(book: bc.Backoffice) -> None:
    inv = book.inventory
    inv.set_reorder_rule("WID", "WH/A1", reorder_point=1, max_quantity=4)
    inv.set_reorder_rule("WID", "W2", reorder_point=1, max_quantity=6)
    s = _supplier(book, "Widgets Ltd")
    wh = [x for x in inv.reorder_suggestions(on=D) if x.location == "WH/A1"]
    inv.purchase_drafts(wh, supplier=s.id, tax=VAT, prices={"WID": 1}, on=D)
    assert [(x.location, x.incoming) for x in inv.reorder_suggestions(on=D)] == [("W2", 0)]


def test_every_line_price_is_a_decimal_whatever_priced_it(book: bc.Backoffice) -> None:
    """Regression: lines priced from the item's cost carried Money, from ``prices`` Decimal."""
    _rules(book)
    a = _supplier(book, "Everything Ltd")
    wanted = book.inventory.reorder_suggestions(on=D)
    [po] = book.inventory.purchase_drafts(
        wanted, supplier=a.id, tax=VAT,
        prices={"TEA": "14.00", "STD": Money("0.55", "USD")}, on=D)
    assert [(ln.item_id, ln.unit_price) for ln in po.lines] == [
        ("STD", Decimal("0.55")), ("TEA", Decimal("14.00")), ("WID", Decimal("2.60")),
        ("WID", Decimal("2.60"))]
    assert [type(ln.unit_price) for ln in po.lines] == [Decimal] * 4
    assert [ln.price for ln in po.lines] == [ln.unit_price for ln in po.lines]
    assert book.documents.get(po.id) == po
    before = _docs_state(book)
    with pytest.raises(ValidationError) as info:
        book.inventory.purchase_drafts(wanted[:1], supplier=a.id, tax=VAT,
                                       prices={"STD": Money("0.55", "EUR")}, on=D)
    assert info.value.field == "prices.STD" and "in EUR, the order in USD" in info.value.message
    assert _docs_state(book) == before


def test_orders_in_another_currency_need_prices(book: bc.Backoffice) -> None:
    _rules(book)
    eu = _supplier(book, "Euro Widgets", currency="EUR")
    wid = [s for s in book.inventory.reorder_suggestions(on=D) if s.sku == "WID"]
    before = _docs_state(book)
    with pytest.raises(ValidationError) as info:
        book.inventory.purchase_drafts(wid, supplier=eu.id, tax=VAT, on=D)
    assert info.value.field == "prices.WID" and "in USD, the order in EUR" in info.value.message
    assert _docs_state(book) == before
    [po] = book.inventory.purchase_drafts(wid, supplier=eu.id, tax=VAT,
                                          prices={"WID": Money("2.40", "EUR")}, on=D)
    assert po.currency == "EUR" and po.totals.tax_exclusive == Money("62.40", "EUR")
    assert po.lines[0].unit_price == Decimal("2.40")


def test_refusals_create_no_draft_at_all(book: bc.Backoffice) -> None:
    _rules(book)
    book.inventory.create_item("NEW", "Never bought")
    book.inventory.set_reorder_rule("NEW", "WH", reorder_point=0, order_quantity=1)
    a = _supplier(book, "Widgets Ltd")
    customer = book.documents.create_party("Only a customer")
    suggestions = book.inventory.reorder_suggestions(on=D)
    assert suggestions[0].sku == "NEW"
    prices = {"NEW": "1.00", "TEA": "14.00"}
    cases: list[tuple[dict[str, Any], type[Exception], str]] = [
        ({"supplier": a.id, "tax": VAT, "prices": {"TEA": "1"}}, ValidationError, "prices.NEW"),
        ({"supplier": {"WID": a.id}, "tax": VAT, "prices": prices}, ValidationError,
         "supplier.NEW"),
        # the supplier named as the caller named it (was the documents' "party_id")
        ({"supplier": "nobody", "tax": VAT, "prices": prices}, NotFoundError, "supplier"),
        ({"supplier": customer.id, "tax": VAT, "prices": prices}, ValidationError, "supplier"),
        ({"supplier": {"NEW": "nobody", "STD": a.id, "TEA": a.id, "WID": a.id}, "tax": VAT,
          "prices": prices}, NotFoundError, "supplier.NEW"),
        ({"supplier": a.id, "tax": {"WID": VAT}, "prices": prices}, ValidationError, "tax.NEW"),
        ({"supplier": 7, "tax": VAT, "prices": prices}, ValidationError, "supplier"),
    ]
    before = _docs_state(book)
    for kwargs, error, field in cases:
        with pytest.raises(error) as info:
            book.inventory.purchase_drafts(suggestions, on=D, **kwargs)
        assert info.value.field == field  # type: ignore[attr-defined]
        assert _docs_state(book) == before
    # the last supplier's order fails after the first was written: still nothing
    b = _supplier(book, "Second")
    with pytest.raises(ValidationError):
        book.inventory.purchase_drafts(
            suggestions, supplier={"NEW": a.id, "STD": a.id, "TEA": a.id, "WID": b.id},
            tax=VAT, prices={"NEW": "1.00", "TEA": "14.00", "WID": "-1"}, on=D)
    assert book.documents.find() == []
    with pytest.raises(ValidationError) as bad:
        book.inventory.purchase_drafts([object()], supplier=a.id, tax=VAT)  # type: ignore[list-item]
    assert bad.value.field == "suggestions[0]"


def test_nothing_to_order_makes_no_draft(book: bc.Backoffice) -> None:
    assert book.inventory.purchase_drafts([], supplier="anyone", tax=VAT) == []
    assert book.documents.find() == []


def test_reorder_rules_name_their_suppliers(book: bc.Backoffice) -> None:
    """A rule's supplier is the default; the caller's mapping overrides it per sku."""
    a, b, c = (_supplier(book, n) for n in ("Widgets Ltd", "Tea & Co", "Other Widgets"))
    inv = book.inventory
    inv.set_reorder_rule("WID", "WH", reorder_point=5, max_quantity=20, supplier=a.id)
    rule = inv.set_reorder_rule("TEA", "WH", reorder_point=1, order_quantity="2.5",
                                supplier=b.id)
    assert rule.supplier == b.id and [r.supplier for r in inv.reorder_rules()] == [b.id, a.id]
    suggestions = inv.reorder_suggestions(on=D)
    assert [(s.sku, s.supplier) for s in suggestions] == [("TEA", b.id), ("WID", a.id)]
    drafts = inv.purchase_drafts(suggestions, tax=VAT, prices={"TEA": "14.00", "WID": "2.00"},
                                 on=D)
    assert [(d.party_id, [ln.item_id for ln in d.lines]) for d in drafts] == [
        (b.id, ["TEA"]), (a.id, ["WID"])]
    override = inv.purchase_drafts(suggestions, supplier={"WID": c.id}, tax=VAT,
                                   prices={"TEA": "14.00", "WID": "2.00"}, on=D)
    assert [d.party_id for d in override] == [b.id, c.id]


def test_a_suggestion_without_any_supplier_is_refused(book: bc.Backoffice) -> None:
    inv = book.inventory
    inv.set_reorder_rule("WID", "WH", reorder_point=5, max_quantity=20)
    before = _docs_state(book)
    with pytest.raises(ValidationError) as info:
        inv.purchase_drafts(inv.reorder_suggestions(on=D), tax=VAT, prices={"WID": "2.00"},
                            on=D)
    assert info.value.field == "supplier.WID"
    assert _docs_state(book) == before
    with pytest.raises(ValidationError) as bad:
        inv.set_reorder_rule("WID", "WH", reorder_point=5, max_quantity=20, supplier="  ")
    assert bad.value.field == "supplier"


def test_mapping_keys_name_items_as_every_call_does(book: bc.Backoffice) -> None:
    """Before, ``prices={" TEA": ...}`` (or ``"TEA\\n"``, a key read from a file line) was
    matched exactly: the key named no item, so TEA was priced at its cost or refused."""
    _rules(book)
    a, b = _supplier(book, "Widgets Ltd"), _supplier(book, "Tea & Bolts")
    drafts = book.inventory.purchase_drafts(
        book.inventory.reorder_suggestions(on=D),
        supplier={" WID": a.id, "TEA\n": b.id, "STD ": b.id},
        tax={"\tWID": VAT, "STD\r\n": VAT, " TEA ": Tax.standard(7)},
        prices={" TEA": "14.00", "WID\n": "3.00"}, on=D)
    assert [d.party_id for d in drafts] == [b.id, a.id]
    assert [(ln.item_id, ln.unit_price, ln.tax) for d in drafts for ln in d.lines] == [
        ("STD", Decimal("0.50"), VAT), ("TEA", Decimal("14.00"), Tax.standard(7)),
        ("WID", Decimal("3.00"), VAT), ("WID", Decimal("3.00"), VAT)]


@pytest.mark.parametrize("field", ["supplier", "tax", "prices"])
def test_two_keys_naming_one_item_are_refused(book: bc.Backoffice, field: str) -> None:
    _rules(book)
    a = _supplier(book, "Widgets Ltd")
    given: dict[str, Any] = {"supplier": {"WID": a.id, "TEA": a.id, "STD": a.id},
                             "tax": VAT, "prices": {"TEA": "14.00"}}
    twice = {"supplier": a.id, "tax": VAT, "prices": "1.00"}[field]
    mapping = {k: twice for k in ("WID", "TEA", "STD")} if field != "prices" else {}
    given[field] = {**mapping, "TEA": twice, " TEA\n": twice}
    before = _docs_state(book)
    with pytest.raises(ValidationError) as info:
        book.inventory.purchase_drafts(book.inventory.reorder_suggestions(on=D), on=D,
                                       **given)
    assert (info.value.field, info.value.value) == (field, " TEA\n")
    assert _docs_state(book) == before
