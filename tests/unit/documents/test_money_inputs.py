"""Where a call takes ``Money``, a float is refused as every amount is: with
``FloatNotAllowedError`` naming the field and the value (it was a plain
``ValidationError`` "must be Money"); other non-Money values keep their
``ValidationError``. Also: a cancelled document is refused for conversion as cancelled,
and ``purchase_drafts`` checks every price it is given, used or not."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest

import backoffice_core as bc
from backoffice_core.documents import Tax, line
from backoffice_core.errors import FloatNotAllowedError

from .conftest import Book


def _invoice(book: Book) -> Any:
    return book.docs.issue(book.docs.create_invoice(
        book.acme.id, date(2026, 1, 10), [line("Parts", 1, "100.00", Tax.zero())]).id)


@pytest.mark.parametrize(("given", "error"), [(99.5, FloatNotAllowedError),
                                              ("99.50", bc.ValidationError)])
def test_record_payment_refuses_a_non_money_amount(
        book: Book, unchanged: Callable[..., pytest.ExceptionInfo[Any]], given: Any,
        error: type[Exception]) -> None:
    _invoice(book)
    info = unchanged(book.bo, error, book.docs.record_payment, book.acme.id, given,
                     date(2026, 1, 20))
    assert (info.value.field, info.value.value) == ("amount", given)
    assert (type(info.value) is FloatNotAllowedError) == isinstance(given, float)


def test_write_off_refuses_a_float_limit(
        book: Book, unchanged: Callable[..., pytest.ExceptionInfo[Any]]) -> None:
    inv = _invoice(book)
    book.docs.record_payment(book.acme.id, bc.Money("99.98", "USD"), date(2026, 1, 20),
                             allocate_to=[inv.id])
    info = unchanged(book.bo, FloatNotAllowedError, book.docs.write_off, inv.id, limit=0.05)
    assert (info.value.field, info.value.value) == ("limit", 0.05)


def test_a_party_refuses_a_float_credit_limit(book: Book) -> None:
    with pytest.raises(FloatNotAllowedError) as info:
        book.docs.create_party("Float Ltd", credit_limit=1000.0)
    assert (info.value.field, info.value.value) == ("credit_limit", 1000.0)
    assert [p.legal_name for p in book.docs.parties()] == ["Acme GmbH", "Paper Co"]


def test_settings_refuse_a_float_write_off_limit(book: Book) -> None:
    before = book.docs.settings()
    with pytest.raises(FloatNotAllowedError) as info:
        book.docs.configure(write_off_limits=[0.05])
    assert info.value.field == "write_off_limits[0]"
    assert book.docs.settings() == before


def test_a_cancelled_document_is_refused_for_conversion_as_cancelled(book: Book) -> None:
    docs = book.docs
    order = docs.issue(docs.create("sales_order", book.acme.id, date(2026, 1, 5),
                                   [line("A", 5, "2.00", Tax.zero())]).id)
    docs.cancel(order.id)
    with pytest.raises(bc.ValidationError, match="cancelled sales order does not convert"):
        docs.convert(order.id, "sales_invoice")  # said: "issue the ... before converting"
    draft = docs.create("sales_order", book.acme.id, date(2026, 1, 5),
                        [line("A", 5, "2.00", Tax.zero())])
    with pytest.raises(bc.ValidationError, match="issue the sales order before"):
        docs.convert(draft.id, "sales_invoice")


def test_purchase_drafts_checks_every_price_given() -> None:
    bo = bc.Backoffice.open("memory://")
    bo.ledger.setup("Shop", currency="EUR", chart="generic")
    s = bo.documents.create_party("Tea Co", is_customer=False, is_supplier=True)
    for suggestions in ([], bo.inventory.reorder_suggestions(on=date(2026, 3, 2))):
        with pytest.raises(FloatNotAllowedError) as info:  # was accepted, unchecked
            bo.inventory.purchase_drafts(suggestions, supplier=s.id, tax=Tax.standard(7),
                                         prices={"TEA": 1.5})
        assert (info.value.field, info.value.value) == ("prices.TEA", 1.5)
    assert bo.documents.find() == []
