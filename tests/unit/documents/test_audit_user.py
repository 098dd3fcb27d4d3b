"""Who did it: the ``user`` of every audit record is a name of 1-200 characters, or the
operation changes nothing (creating a draft and recording a payment checked nothing before)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest

from backoffice_core.documents import Tax, line
from backoffice_core.errors import ValidationError
from backoffice_core.money import Money

Unchanged = Callable[..., pytest.ExceptionInfo[BaseException]]
ODD_USERS = [1.5, None, ["alice"], b"alice", "", "   ", "x" * 201]


def _draft(book: Any, user: Any = "alice") -> Any:
    return book.docs.create_invoice(book.acme.id, date(2026, 1, 10),
                                    [line("Work", 1, "100.00", Tax.standard(20))], user=user)


@pytest.mark.parametrize("user", ODD_USERS)
def test_a_document_is_not_created_by_a_user_that_is_not_text(book: Any, unchanged: Unchanged,
                                                              user: Any) -> None:
    info = unchanged(book.bo, ValidationError, _draft, book, user)
    assert info.value.field == "user" and info.value.value == user  # type: ignore[attr-defined]


@pytest.mark.parametrize("user", ODD_USERS)
def test_a_document_is_not_issued_by_a_user_that_is_not_text(book: Any, unchanged: Unchanged,
                                                             user: Any) -> None:
    draft = _draft(book)
    info = unchanged(book.bo, ValidationError, book.docs.issue, draft.id, user=user)
    assert info.value.field == "user"  # type: ignore[attr-defined]


@pytest.mark.parametrize("user", ODD_USERS)
def test_a_payment_is_not_recorded_by_a_user_that_is_not_text(book: Any, unchanged: Unchanged,
                                                              user: Any) -> None:
    invoice = book.docs.issue(_draft(book).id)
    info = unchanged(book.bo, ValidationError, book.docs.record_payment, book.acme.id,
                     Money("120.00", "USD"), date(2026, 1, 15), allocate_to=[invoice.id],
                     user=user)
    assert info.value.field == "user"  # type: ignore[attr-defined]


def test_user_names_are_kept_in_the_trail(book: Any) -> None:
    invoice = book.docs.issue(_draft(book, user="alice").id, user="bob")
    paid = book.docs.record_payment(book.acme.id, Money("120.00", "USD"), date(2026, 1, 15),
                                    allocate_to=[invoice.id], user="carol")
    assert [t.user for t in book.docs.get(invoice.id).history] == ["alice", "bob", "carol"]
    assert paid.user == "carol"
