"""A document's prepaid amount (BT-113) is taken as every amount is: a ``Money`` in the
document's currency, or a ``str``, ``int`` or ``Decimal``; a float, text that is no number
or another currency is refused with a typed error naming ``prepaid``, and nothing changes,
whether the amount reaches ``compute_totals``, ``create`` or ``update``."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

import backoffice_core as bc
from backoffice_core.documents import Tax, compute_totals, line
from backoffice_core.errors import CurrencyMismatchError, FloatNotAllowedError

from .conftest import Book

LINES = [line("Parts", 1, "100.00", Tax.standard(20))]

REFUSED: list[tuple[Any, type[Exception]]] = [
    (1.5, FloatNotAllowedError),
    ("abc", bc.ValidationError),
    (bc.Money("1.50", "EUR"), CurrencyMismatchError),
]


@pytest.mark.parametrize("given", ["20.00", 20, Decimal("20.00"), bc.Money("20.00", "USD")])
def test_compute_totals_takes_prepaid_as_any_exact_amount(given: Any) -> None:
    assert compute_totals(LINES, "USD", prepaid=given).amount_due == bc.Money("100.00", "USD")


@pytest.mark.parametrize(("given", "error"), REFUSED)
def test_compute_totals_refuses_a_bad_prepaid_naming_it(given: Any,
                                                        error: type[Exception]) -> None:
    with pytest.raises(error) as info:  # was AttributeError, or USD taken as EUR silently
        compute_totals(LINES, "USD", prepaid=given)
    assert info.value.field == "prepaid"  # type: ignore[attr-defined]


@pytest.mark.parametrize(("given", "error"), REFUSED)
def test_create_refuses_a_bad_prepaid_naming_it(
        book: Book, unchanged: Callable[..., pytest.ExceptionInfo[Any]], given: Any,
        error: type[Exception]) -> None:
    info = unchanged(book.bo, error, book.docs.create_invoice, book.acme.id,
                     date(2026, 1, 10), LINES, prepaid=given)
    assert (info.value.field, info.value.value) == (  # was ``amount``
        "prepaid", "EUR" if isinstance(given, bc.Money) else given)


@pytest.mark.parametrize(("given", "error"), REFUSED)
def test_update_refuses_a_bad_prepaid_naming_it(
        book: Book, unchanged: Callable[..., pytest.ExceptionInfo[Any]], given: Any,
        error: type[Exception]) -> None:
    draft = book.docs.create_invoice(book.acme.id, date(2026, 1, 10), LINES)
    info = unchanged(book.bo, error, book.docs.update, draft.id, version=draft.version,
                     prepaid=given)  # was AttributeError: 'float' object has no 'quantize'
    assert info.value.field == "prepaid"


def test_update_takes_prepaid_as_text_in_the_documents_currency(book: Book) -> None:
    draft = book.docs.create_invoice(book.acme.id, date(2026, 1, 10), LINES)
    edited = book.docs.update(draft.id, version=draft.version, prepaid="20.00")
    assert edited.prepaid == bc.Money("20.00", "USD")
    assert edited.totals.amount_due == bc.Money("100.00", "USD")
