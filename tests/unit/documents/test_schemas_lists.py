"""The boundary schemas bound every list and mapping, naming its path and the number of
items given (never the items: contacts and addresses are personal data)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from backoffice_core.errors import ValidationError
from backoffice_core.schemas import parse_document, parse_party
from backoffice_core.schemas._common import FEW_ITEMS, MAX_ITEMS, MAX_LINES
from backoffice_core.schemas.ledger import parse_entry

_TAX = {"category": "S", "rate": "20"}
_LINE = {"description": "Widget", "quantity": "2", "unit_price": "10.00", "tax": _TAX}
_AC = {"amount": "1", "tax": _TAX}


def _doc(line: dict[str, Any] | None = None, **over: Any) -> dict[str, Any]:
    return {"type": "sales_invoice", "party_id": "p-1", "date": "2026-01-05",
            "lines": [{**_LINE, **(line or {})}], **over}


def _dims(n: int) -> dict[str, str]:
    return {f"d{i}": "x" for i in range(n)}


_ENTRY_LINES = [{"account": "1000", "amount": "1"}, {"account": "4000", "amount": "-1"}]
#: path -> (limit, data with n items there)
_LISTS: dict[str, tuple[int, Callable[[int], dict[str, Any]], Callable[[Any], Any]]] = {
    "lines": (MAX_LINES, lambda n: {**_doc(), "lines": [_LINE] * n}, parse_document),
    "allowances_charges": (MAX_ITEMS, lambda n: _doc(allowances_charges=[_AC] * n),
                           parse_document),
    "lines[0].allowances_charges": (MAX_ITEMS, lambda n: _doc(
        {"allowances_charges": [{"amount": "0.01"}] * n}), parse_document),
    "dimensions": (MAX_ITEMS, lambda n: _doc(dimensions=_dims(n)), parse_document),
    "lines[0].dimensions": (MAX_ITEMS, lambda n: _doc({"dimensions": _dims(n)}),
                            parse_document),
    "payment_terms.instalments": (MAX_ITEMS, lambda n: _doc(payment_terms={"instalments": [
        {"percent": "1", "days": 0}] * (n - 1) + [{"percent": str(101 - n), "days": 1}]}),
        parse_document),
    "tax_ids": (FEW_ITEMS, lambda n: {"legal_name": "A", "tax_ids": [
        {"scheme": "OTHER", "value": f"T{i}"} for i in range(n)]}, parse_party),
    "addresses": (FEW_ITEMS, lambda n: {"legal_name": "A", "addresses": [
        {"country": "FR", "city": "Lyon"}] * n}, parse_party),
    "contacts": (FEW_ITEMS, lambda n: {"legal_name": "A", "contacts": [
        {"name": "Ann Example"}] * n}, parse_party),
    "tags": (MAX_ITEMS, lambda n: {"legal_name": "A", "tags": [f"t{i}" for i in range(n)]},
             parse_party),
    "entries[0].dimensions": (MAX_ITEMS, lambda n: {
        "date": "2026-01-05", "description": "x", "lines": _ENTRY_LINES,
        "dimensions": _dims(n)}, lambda d: parse_entry(json.dumps(d), "entries[0]")),
    "entries[0].lines[0].dimensions": (MAX_ITEMS, lambda n: {
        "date": "2026-01-05", "description": "x",
        "lines": [{**_ENTRY_LINES[0], "dimensions": _dims(n)}, _ENTRY_LINES[1]]},
        lambda d: parse_entry(json.dumps(d), "entries[0]")),
}


@pytest.mark.parametrize("path", sorted(_LISTS))
def test_a_list_is_bounded_and_the_error_names_its_path_and_size(path: str) -> None:
    limit, make, parse = _LISTS[path]
    parse(make(limit))  # at the bound: accepted
    with pytest.raises(ValidationError) as info:
        parse(make(limit + 1))
    err = info.value
    assert (err.field, err.value) == (path, limit + 1)
    assert str(limit) in err.message
    assert len(str(err)) < 300  # the items are not in the message


def test_too_many_contacts_do_not_show_personal_data() -> None:
    data = {"legal_name": "A", "contacts": [
        {"name": "Ann Example", "email": "ann@example.com"}] * (FEW_ITEMS + 1)}
    with pytest.raises(ValidationError) as info:
        parse_party(data)
    assert "ann" not in str(info.value).lower()
    assert "ann" not in repr(info.value.errors).lower()
