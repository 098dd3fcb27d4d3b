"""Errors in a document's references name the reference's place in the list.

A reference with a type that is no document type, or an issue date that is no date,
was taken as it was (and stored); an error in the third reference of a list now names
``references[2].type`` (as a line names ``lines[2].quantity``). A reference read from
UBL names its XML element.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from backoffice_core.documents import DocumentRef, DocumentType, Tax, line
from backoffice_core.documents.model import Document
from backoffice_core.errors import ValidationError

_SO = DocumentType.SALES_ORDER


def _doc(refs: list[Any]) -> Document:
    return Document("d", "sales_invoice", "p", "EUR", date(2026, 1, 5),
                    [line("A", 1, "1.00", Tax.zero())], references=refs)


@pytest.mark.parametrize(("bad", "field"), [
    (DocumentRef("x", "sales_ordr"), "references[2].type"),  # type: ignore[arg-type]
    (DocumentRef("x", _SO, issue_date="2026-01-01"),  # type: ignore[arg-type]
     "references[2].issue_date"),
    ("x", "references[2]"),
])
def test_a_bad_reference_is_named_by_its_place(bad: Any, field: str) -> None:
    with pytest.raises(ValidationError) as info:
        _doc([DocumentRef("a", _SO), DocumentRef("b", _SO), bad])
    assert info.value.field == field


def test_a_type_given_by_its_value_is_taken() -> None:
    doc = _doc([DocumentRef("a", "sales_order")])  # type: ignore[arg-type]
    assert doc.references[0].type is _SO


def test_the_service_refuses_it_and_stores_nothing(unchanged: Any, book: Any) -> None:
    refs = [DocumentRef("a", _SO), DocumentRef("b", _SO),
            DocumentRef("c", "order")]  # type: ignore[arg-type]
    info = unchanged(book.bo, ValidationError, book.docs.create_invoice, book.acme.id,
                     date(2026, 1, 5), [line("A", 1, "1.00", Tax.zero())], references=refs)
    assert (info.value.field, info.value.value) == ("references[2].type", "order")
