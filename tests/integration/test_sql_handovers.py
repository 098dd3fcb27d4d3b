"""Documents hand stock over to inventory on the SQL adapter (SQLite, and PostgreSQL
when configured): the issue of a goods receipt or delivery note and its stock moves
and entries commit in one transaction, a refused issue leaves nothing behind (not
even a number), and purchase drafts are written in one transaction too.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest

import backoffice_core as bc
from backoffice_core.documents import Tax, line
from backoffice_core.errors import InsufficientStockError, ValidationError
from backoffice_core.money import Money
from backoffice_core.ports import FixedClock, SequentialIds

D = date(2026, 3, 2)


def _open(url: str) -> bc.Backoffice:
    return bc.Backoffice.open(url, clock=FixedClock(datetime(2026, 3, 31, 12, tzinfo=UTC)),
                              ids=SequentialIds("s"))


def _everything(bo: bc.Backoffice) -> dict[str, Any]:
    inv, docs = bo.inventory, bo.documents
    return {"moves": inv.moves(), "stock": inv.stock().rows, "valuation": inv.valuation(),
            "entries": bo.ledger.entries(), "balances": sorted(b.key for b in bo.ledger.balances()),
            "documents": docs.find(), "handovers": docs.handovers()}


def test_receipts_and_deliveries_move_stock_in_the_issuing_transaction(url: str) -> None:
    bo = _open(url)
    bo.ledger.setup("Shop", currency="USD", chart="generic")
    bo.ledger.set_rate("EUR", "USD", date(2026, 3, 1), "1.10")
    inv, docs = bo.inventory, bo.documents
    inv.create_location("WH", "Warehouse", kind="warehouse")
    inv.create_location("WH/A1", "Bin A1", parent="WH")
    inv.create_item("WID", "Widget")
    supplier = docs.create_party("Parts GmbH", is_customer=False, is_supplier=True,
                                 currency="EUR")
    customer = docs.create_party("Cafe Blue")
    po = docs.issue(docs.create("purchase_order", supplier.id, D, [
        line("Widget", 10, "2.00", Tax.standard(19), item_id="WID", location="WH/A1"),
        line("Freight", 1, "15.00", Tax.standard(19))]).id)
    gr = docs.issue(docs.convert(po.id, "goods_receipt", date=D).id)
    assert inv.on_hand("WID", "WH/A1") == 10 and inv.value("WID") == Money("22.00", "USD")
    assert bo.ledger.balance_detail("2120", "EUR").money == Money("-20.00", "EUR")
    # not enough stock: nothing is written, no number is used
    note = docs.create("delivery_note", customer.id, D, [
        line("Widget", 12, "5.00", Tax.zero(), item_id="WID")])
    before = _everything(bo)
    with pytest.raises(InsufficientStockError) as info:
        docs.issue(note.id)
    assert info.value.field == "lines[0].quantity"
    assert _everything(_open(url)) == before  # as stored, seen from a fresh store
    note = docs.update(note.id, version=note.version,
                       lines=[note.lines[0].with_quantity(7, "USD")])
    dn = docs.issue(note.id)
    assert dn.number == "DEL-2026-00001"
    again = _open(url)
    assert again.inventory.on_hand("WID") == 3
    assert [(m.source, m.destination, m.quantity, m.reference)
            for m in again.inventory.moves()] == [
        ("supplier", "WH/A1", Decimal(10), gr.number), ("WH/A1", "customer", Decimal(7),
                                                        dn.number)]
    assert again.ledger.balance("5100") == Money("15.40", "USD")  # 7 x 2.20
    assert again.inventory.reconcile().agrees and again.ledger.verify().ok


def test_purchase_drafts_are_written_in_one_transaction(url: str) -> None:
    bo = _open(url)
    bo.ledger.setup("Shop", currency="USD", chart="generic")
    inv, docs = bo.inventory, bo.documents
    inv.create_location("WH", "Warehouse", kind="warehouse")
    inv.create_item("WID", "Widget", valuation="standard", standard_cost="1.25")
    inv.create_item("TEA", "Tea", unit="kg")
    inv.set_reorder_rule("WID", "WH", reorder_point=5, max_quantity=20)
    inv.set_reorder_rule("TEA", "WH", reorder_point=1, order_quantity="2.5")
    a = docs.create_party("Widgets Ltd", is_customer=False, is_supplier=True)
    b = docs.create_party("Tea Co", is_customer=False, is_supplier=True)
    suggestions = inv.reorder_suggestions(on=D)
    with pytest.raises(ValidationError) as info:  # tea has no price: neither draft is kept
        inv.purchase_drafts(suggestions, supplier={"WID": a.id, "TEA": b.id},
                            tax=Tax.standard(20), on=D)
    assert info.value.field == "prices.TEA"
    assert _open(url).documents.find() == []
    drafts = inv.purchase_drafts(suggestions, supplier={"WID": a.id, "TEA": b.id},
                                 tax=Tax.standard(20), prices={"TEA": "9.00"}, on=D)
    again = _open(url)
    assert again.documents.find(type="purchase_order") == sorted(drafts, key=lambda d: d.id)
    assert again.inventory.reorder_suggestions(on=D) == []  # on order now
    po = again.documents.issue(drafts[1].id)
    gr = again.documents.issue(again.documents.convert(po.id, "goods_receipt", date=D).id)
    assert _open(url).inventory.on_hand("WID", "WH") == 20
    assert gr.lines[0].dimensions == (("location", "WH"),)
