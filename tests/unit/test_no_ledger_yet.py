"""A call on a book that has no ledger yet names the book it was made on.

The error read ``book=None: the book has no ledger yet``: with several books in one
store, the reader could not tell which one lacked its setup.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest

import backoffice_core as bc

CALLS: dict[str, Callable[[bc.Backoffice], object]] = {
    "ledger.balance": lambda bo: bo.ledger.balance("1110"),
    "ledger.post": lambda bo: bo.ledger.post(bc.NewEntry(
        date(2026, 1, 2), "x", [bc.debit("1110", "1.00"), bc.credit("4100", "1.00")])),
    "ledger.post_many": lambda bo: bo.ledger.post_many([]),
    "inventory.items": lambda bo: bo.inventory.items(),
    "documents.parties": lambda bo: bo.documents.parties(),
}


@pytest.mark.parametrize("url", ["memory://", "sqlite://"])
@pytest.mark.parametrize("call", sorted(CALLS))
def test_the_error_names_the_book(url: str, call: str) -> None:
    bo = bc.Backoffice.open(url, book="acme")
    with pytest.raises(bc.NotFoundError) as info:
        CALLS[call](bo)
    assert (info.value.field, info.value.value) == ("book", "acme")
    assert "bo.ledger.setup()" in str(info.value)
