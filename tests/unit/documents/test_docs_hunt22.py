"""Defects found by hunt 22 in the documents domain, each pinned by a test."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from backoffice_core.documents import Document, DocumentRounding, Party, Tax, compute_totals, line
from backoffice_core.documents.render.html import render_html, template_context
from backoffice_core.documents.totals import share_out
from backoffice_core.errors import ValidationError

DAY = date(2026, 1, 5)


def test_an_order_invoiced_through_its_delivery_note_is_not_billed_again(book: Any) -> None:
    docs = book.docs
    order = docs.issue(docs.create("sales_order", book.acme.id, DAY,
                                   [line("Chair", 10, "100.00", Tax.standard(20))]).id)
    note = docs.issue(docs.convert(order.id, "delivery_note", {"1": 6}).id)
    docs.issue(docs.convert(note.id, "sales_invoice").id)
    with pytest.raises(ValidationError, match="only 4 left"):
        docs.convert(order.id, "sales_invoice", {"1": 5})
    rest = docs.convert(order.id, "sales_invoice")  # the 6 delivered are billed already
    assert [ln.quantity for ln in rest.lines] == [Decimal(4)]
    docs.issue(rest.id)
    assert docs.get(order.id).state.value == "completed"


def test_an_order_completes_when_its_delivery_note_invoice_bills_the_rest(book: Any) -> None:
    docs = book.docs
    order = docs.issue(docs.create("sales_order", book.acme.id, DAY,
                                   [line("Desk", 10, "80.00", Tax.standard(20))]).id)
    docs.issue(docs.convert(order.id, "sales_invoice", {"1": 4}).id)
    note = docs.issue(docs.convert(order.id, "delivery_note", {"1": 6}).id)
    docs.issue(docs.convert(note.id, "sales_invoice").id)
    assert docs.get(order.id).state.value == "completed"


def _doc() -> Document:
    return Document("d", "sales_invoice", "c", "EUR", DAY,
                    [line("Item", 1, "10.00", Tax.standard(15))], number="I-1")


@pytest.mark.parametrize(("locale", "direction"), [
    ("ar_EG", "rtl"), ("he_IL", "rtl"), ("fa_IR", "rtl"), ("de_DE", "ltr"), ("ja_JP", "ltr")])
def test_a_right_to_left_locale_renders_right_to_left(locale: str, direction: str) -> None:
    html = render_html(_doc(), locale=locale, seller=Party("s", "S"), buyer=Party("c", "C"))
    assert f'dir="{direction}"' in html.split(">", 2)[1]  # on the <html> element
    ctx = template_context(_doc(), locale=locale, seller=Party("s", "S"),
                           buyer=Party("c", "C"))
    assert ctx["dir"] == direction


def test_a_delivery_note_invoices_no_more_than_its_order_has_left(book: Any) -> None:
    docs = book.docs
    order = docs.issue(docs.create("sales_order", book.acme.id, DAY,
                                   [line("Lamp", 10, "30.00", Tax.standard(20))]).id)
    docs.issue(docs.convert(order.id, "sales_invoice", {"1": 6}).id)  # billed up front
    note = docs.issue(docs.convert(order.id, "delivery_note").id)  # all ten delivered
    with pytest.raises(ValidationError, match="only 4 left"):
        docs.convert(note.id, "sales_invoice", {"1": 5})
    rest = docs.issue(docs.convert(note.id, "sales_invoice").id)
    assert [ln.quantity for ln in rest.lines] == [Decimal(4)]
    assert docs.get(order.id).state.value == "completed"
    assert docs.get(note.id).state.value == "completed"


@pytest.mark.parametrize("kind", ["quote", "sales_order", "purchase_order"])
def test_an_issued_quote_or_order_still_to_convert_is_not_archived(book: Any, unchanged: Any,
                                                                   kind: str) -> None:
    docs = book.docs
    party = book.paperco if kind == "purchase_order" else book.acme
    doc = docs.issue(docs.create(kind, party.id, DAY, [line("A", 2, "5.00", Tax.zero())]).id)
    info = unchanged(book.bo, ValidationError, docs.archive, doc.id)
    assert info.value.field == "state"
    assert docs.archive(docs.cancel(doc.id, reason="not wanted").id).archived


def test_a_completed_order_and_an_issued_delivery_note_are_archived(book: Any) -> None:
    docs = book.docs
    order = docs.issue(docs.create("sales_order", book.acme.id, DAY,
                                   [line("A", 2, "5.00", Tax.zero())]).id)
    note = docs.issue(docs.convert(order.id, "delivery_note").id)
    assert docs.archive(order.id).archived and docs.archive(note.id).archived


def test_a_zero_sum_tax_group_negates_exactly() -> None:
    """Gross prices whose rounded lines cancel out (2.01 and -2.01 at 20 %, rounding up):
    the returns document is the invoice negated, line by line (found by hypothesis in
    test_totals.py)."""
    def lines(sign: int) -> list[Any]:
        return [line("x", Decimal("0.090") * sign, "22.2223", Tax.standard(20),
                     price_includes_tax=True),
                line("x", Decimal("-0.119") * sign, "16.8068", Tax.standard(20),
                     price_includes_tax=True)]
    up = DocumentRounding(mode="up")
    plus, minus = (compute_totals(lines(s), "EUR", rounding=up) for s in (1, -1))
    assert minus == plus.negated()
    assert share_out([Decimal("1.675"), Decimal("-1.675")], Decimal(0), 2) == [
        -x for x in share_out([Decimal("-1.675"), Decimal("1.675")], Decimal(0), 2)]
