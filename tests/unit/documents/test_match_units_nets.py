"""The three-way match compares like with like: units and net prices.

Lines of one item in another unit than their order line (boxes ordered, pieces
received and billed) are compared in the item's unit: quantities converted, prices per
item unit. Prices are net unit prices on both sides: after the lines' allowances and
charges, before VAT. Memory and SQLite.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import attrs
import pytest

import backoffice_core as bc
from backoffice_core.documents import AllowanceCharge, DocumentLine, MatchTolerance, Tax, line
from backoffice_core.errors import ValidationError

D = date(2026, 3, 2)


@pytest.fixture
def bo(box_book: bc.Backoffice) -> bc.Backoffice:
    """The conftest's book with a 12-piece box (memory, then SQLite)."""
    return box_book


def _supplier(bo: bc.Backoffice) -> str:
    return bo.documents.create_party("Parts Co", is_customer=False, is_supplier=True).id


def _edit(bo: bc.Backoffice, draft_id: str, **changes: Any) -> str:
    """Issue the draft ``draft_id`` with its first line changed."""
    docs = bo.documents
    draft = docs.get(draft_id)
    first = attrs.evolve(draft.lines[0], **changes)
    return docs.issue(docs.update(draft.id, version=draft.version,
                                  lines=[first, *draft.lines[1:]]).id).id


def _boxes_received_as_pieces(bo: bc.Backoffice, pieces: int = 24) -> tuple[str, str]:
    """2 x box12 at 12.00 ordered; ``pieces`` pieces at 1.00 received: (order, receipt)."""
    docs = bo.documents
    po = docs.issue(docs.create("purchase_order", _supplier(bo), D, [
        line("Widget", 2, "12.00", Tax.standard(20), unit="box12", item_id="WID")],
        dimensions={"location": "WH"}).id)
    gr = _edit(bo, docs.convert(po.id, "goods_receipt", date=D).id,
               quantity=Decimal(pieces), unit="H87", unit_price="1.00")
    return po.id, gr


def test_boxes_ordered_pieces_received_and_billed(bo: bc.Backoffice) -> None:
    """The repro: the bill issues, and the match reads in pieces."""
    docs = bo.documents
    po, gr = _boxes_received_as_pieces(bo)
    bill = docs.issue(docs.convert(gr, "supplier_bill", date=D).id)
    assert bill.state.value == "issued"
    m = docs.three_way_match(po)
    assert m.ok, m.issues
    ln = m.lines[0]
    assert (ln.ordered, ln.received, ln.billed, ln.order_price, ln.billed_price) == (
        Decimal(24), Decimal(24), Decimal(24), Decimal(1), Decimal(1))


def test_pieces_still_beyond_the_order_are_refused(bo: bc.Backoffice) -> None:
    """30 pieces received of 2 boxes, and a price of 1.50 a piece (18.00 a box): both
    issues, in the item's unit."""
    docs = bo.documents
    po, gr = _boxes_received_as_pieces(bo, 30)
    draft = docs.convert(gr, "supplier_bill", date=D)
    with pytest.raises(ValidationError) as err:
        _edit(bo, draft.id, unit_price="1.50")
    assert err.value.field == "lines"
    assert "received 30 but ordered 24" in str(err.value)
    assert "billed price 1.5 differs from ordered 1" in str(err.value)
    assert docs.get(draft.id).state.value == "draft"


def test_a_bill_in_boxes_of_a_receipt_in_pieces(bo: bc.Backoffice) -> None:
    """Billed from the receipt, but in boxes again: 2 boxes at 12.00 are 24 pieces at 1."""
    docs = bo.documents
    po, gr = _boxes_received_as_pieces(bo)
    _edit(bo, docs.convert(gr, "supplier_bill", date=D).id,
          quantity=Decimal(2), unit="box12", unit_price="12.00")
    ln = docs.three_way_match(po).lines[0]
    assert (ln.billed, ln.billed_price, ln.issues) == (Decimal(24), Decimal(1), ())


def test_a_line_of_no_item_in_another_unit_reads_as_given(bo: bc.Backoffice) -> None:
    """Freight ordered as 1 unit and received as 2 (no item tells the units): as before."""
    docs = bo.documents
    po = docs.issue(docs.create("purchase_order", _supplier(bo), D, [
        line("Freight", 1, "5.00", Tax.standard(20))]).id)
    _edit(bo, docs.convert(po.id, "goods_receipt", date=D).id, quantity=Decimal(2),
          unit="H87")
    assert docs.three_way_match(po.id).issues == ("line 1: received 2 but ordered 1",)


def _order_less_10_percent(bo: bc.Backoffice) -> tuple[str, str]:
    """10 x 10.00 less 10 % ordered and received: (order, receipt)."""
    docs = bo.documents
    po = docs.issue(docs.create("purchase_order", _supplier(bo), D, [
        line("Paper", 10, "10.00", Tax.standard(20), discount=10)]).id)
    return po.id, docs.issue(docs.convert(po.id, "goods_receipt", date=D).id).id


def test_a_discounted_order_billed_at_the_net_price(bo: bc.Backoffice) -> None:
    """Ordered at 10.00 less 10 %, billed at 9.00 net: the same price."""
    docs = bo.documents
    po, gr = _order_less_10_percent(bo)
    bill = _edit(bo, docs.convert(gr, "supplier_bill", date=D).id, unit_price="9.00",
                 allowances_charges=())
    assert docs.get(bill).state.value == "issued"
    ln = docs.three_way_match(po).lines[0]
    assert (ln.order_price, ln.billed_price, ln.issues) == (Decimal(9), Decimal(9), ())


def test_a_discount_the_order_did_not_have(bo: bc.Backoffice) -> None:
    """Ordered at 9.00, billed at 10.00 less 10 %: the same price."""
    docs = bo.documents
    po = docs.issue(docs.create("purchase_order", _supplier(bo), D, [
        line("Paper", 10, "9.00", Tax.standard(20))]).id)
    gr = docs.issue(docs.convert(po.id, "goods_receipt", date=D).id)
    _edit(bo, docs.convert(gr.id, "supplier_bill", date=D).id, unit_price="10.00",
          allowances_charges=(AllowanceCharge.allowance(percent=10),))
    assert docs.three_way_match(po.id).ok


def test_a_discount_dropped_from_the_bill_is_a_price_difference(bo: bc.Backoffice) -> None:
    """Ordered at 10.00 less 10 %, billed at 10.00 without it: 10 against 9."""
    docs = bo.documents
    po, gr = _order_less_10_percent(bo)
    draft = docs.convert(gr, "supplier_bill", date=D)
    with pytest.raises(ValidationError, match="billed price 10 differs from ordered 9"):
        _edit(bo, draft.id, allowances_charges=())


def test_charges_fixed_allowances_and_gross_prices_count_net(bo: bc.Backoffice) -> None:
    """A fixed allowance, a charge and a price gross of VAT all read as a net unit
    price: 10 x (10.00 - 5.00 + 15.00 fixed) ordered is 11.00 net a unit; the bill's
    13.20 gross of 20 % VAT is 11.00 net."""
    docs = bo.documents
    po = docs.issue(docs.create("purchase_order", _supplier(bo), D, [
        DocumentLine("", "Paper", 10, "10.00", Tax.standard(20), allowances_charges=(
            AllowanceCharge.allowance("5.00"), AllowanceCharge.charge("15.00")))]).id)
    gr = docs.issue(docs.convert(po.id, "goods_receipt", date=D).id)
    _edit(bo, docs.convert(gr.id, "supplier_bill", date=D).id, unit_price="13.20",
          price_includes_tax=True, allowances_charges=())
    ln = docs.three_way_match(po.id).lines[0]
    assert (ln.order_price, ln.billed_price, ln.issues) == (Decimal(11), Decimal(11), ())


def test_a_debit_note_gives_back_at_the_net_price(bo: bc.Backoffice) -> None:
    """Ordered and billed at 10.00 less 10 %, 2 of 10 given back: 8 billed at 9."""
    docs = bo.documents
    po, gr = _order_less_10_percent(bo)
    bill = docs.issue(docs.convert(gr, "supplier_bill", date=D).id)
    docs.issue(docs.credit(bill.id, {"1": 2}).id)
    ln = docs.three_way_match(po).lines[0]
    assert (ln.billed, ln.billed_price, ln.issues) == (Decimal(8), Decimal(9), ())


def test_the_tolerance_reads_net_prices(bo: bc.Backoffice) -> None:
    """9.40 net billed for 9.00 net ordered is within a 5 % price tolerance (against
    the 10.00 before the discount it would be 6 % off)."""
    docs = bo.documents
    docs.configure(match_tolerance=MatchTolerance(price_percent=5))
    po, gr = _order_less_10_percent(bo)
    _edit(bo, docs.convert(gr, "supplier_bill", date=D).id, unit_price="9.40",
          allowances_charges=())
    ln = docs.three_way_match(po).lines[0]
    assert (ln.order_price, ln.billed_price, ln.issues) == (Decimal(9), Decimal("9.4"), ())


def test_units_the_inventory_cannot_tell_compare_as_given() -> None:
    """The pure match: with no converter, or one that cannot tell a line (``None``),
    the order line compares in its lines' own units, as before."""
    from backoffice_core.documents.conversions import derive_lines, three_way_match
    from backoffice_core.documents.model import Document

    po = Document("po", "purchase_order", "s", "EUR", D,
                  [line("W", 2, "12", Tax.zero(), unit="box12", item_id="W")])
    pcs = attrs.evolve(derive_lines(po, None, {"1": Decimal(2)})[0], unit="H87",
                       quantity=24, unit_price=1)
    gr = Document("gr", "goods_receipt", "s", "EUR", D, [pcs])
    issue = ("line 1: received 24 but ordered 2",)
    assert three_way_match(po, [gr], [], MatchTolerance()).issues == issue
    assert three_way_match(po, [gr], [], MatchTolerance(), (),
                           lambda lines: [None] * len(lines)).issues == issue
    told = three_way_match(po, [gr], [], MatchTolerance(), (),
                           lambda lines: [ln.quantity * (12 if ln.unit == "box12" else 1)
                                          for ln in lines])
    assert (told.ok, told.lines[0].ordered, told.lines[0].received) == (
        True, Decimal(24), Decimal(24))
