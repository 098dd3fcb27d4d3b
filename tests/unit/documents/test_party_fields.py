"""A keyword that is no field of a party is a ValidationError naming it, and changes nothing.

``create_party`` and ``update_party`` take the :class:`Party` fields as keywords; a
misspelt one (``curency=``) used to escape as attrs' bare ``TypeError``.
"""

from __future__ import annotations

from typing import Any

import pytest

from backoffice_core.errors import ValidationError


@pytest.mark.parametrize(("fields", "field"), [
    ({"curency": "EUR"}, "curency"),
    ({"currency": "EUR", "vat_number": "DE123456789"}, "vat_number"),
])
def test_create_party_refuses_what_is_no_party_field(book: Any, unchanged: Any,
                                                       fields: dict[str, Any],
                                                       field: str) -> None:
    info = unchanged(book.bo, ValidationError, book.docs.create_party, "Acme", **fields)
    assert (info.value.field, info.value.value) == (field, fields[field])


def test_update_party_refuses_what_is_no_party_field(book: Any, unchanged: Any) -> None:
    info = unchanged(book.bo, ValidationError, book.docs.update_party, book.acme.id,
                     version=0, tgas=["x"])
    assert (info.value.field, info.value.value) == ("tgas", ["x"])
    assert book.docs.update_party(book.acme.id, version=0, tags=["x"]).tags == ("x",)
