"""Every enum taken from user input names the field and the value and lists the choices
(``backoffice_core.choices.choice``, shared by the ledger, the inventory and documents)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

import backoffice_core as bc
from backoffice_core.errors import ValidationError


@pytest.fixture
def bo() -> bc.Backoffice:
    book = bc.Backoffice.open("memory://")
    book.ledger.setup("X", currency="USD", chart="generic")
    return book


CASES: list[tuple[str, Any, str, Any, str]] = [
    ("document type", lambda bo: bo.documents.create(
        "invoice", bo.documents.create_party("Acme").id, date(2026, 1, 5), []),
     "type", "invoice", "sales_invoice"),
    ("document types in a search", lambda bo: bo.documents.find(type=["sales_invoice", "bill"]),
     "type", "bill", "supplier_bill"),
    ("account type", lambda bo: bo.ledger.open_account("1999", "Petty cash", "assets"),
     "type", "assets", "asset, liability, equity, income, expense"),
    ("account limit", lambda bo: bo.ledger.open_account("1998", "Till", "asset",
                                                       limit="no_overdraft"),
     "limit", "no_overdraft", "debits_must_not_exceed_credits"),
    ("item valuation", lambda bo: bo.inventory.create_item("W", "Widget", valuation="fifo2"),
     "valuation", "fifo2", "fifo, lifo, average, periodic_average, standard"),
    ("location kind", lambda bo: bo.inventory.create_location("X", "X", kind="shelf"),
     "kind", "shelf", "warehouse"),
]


@pytest.mark.parametrize(("case", "call", "field", "value", "listed"), CASES,
                         ids=[c[0] for c in CASES])
def test_an_unknown_choice_lists_the_accepted_values(bo: bc.Backoffice, case: str, call: Any,
                                                     field: str, value: Any,
                                                     listed: str) -> None:
    with pytest.raises(ValidationError) as info:
        call(bo)
    assert (info.value.field, info.value.value) == (field, value)
    assert info.value.message.startswith("choose one of ") and listed in info.value.message


def test_an_unhashable_choice_is_a_typed_error(bo: bc.Backoffice) -> None:
    with pytest.raises(ValidationError) as info:
        bo.inventory.create_item("W", "Widget", valuation=["fifo"])
    assert info.value.field == "valuation"
