"""Document searches and reports refuse a filter of the wrong kind alike on every store.

The filters of ``documents.find``, ``parties``, ``payments``, ``allocations``,
``handovers``, ``aging``, ``overdue`` and ``statement`` went to the store unchecked:
memory:// answered an empty list (or a report dated ``5``), SQLite raised a bare
``TypeError``, PostgreSQL a ``StorageError`` ("operator does not exist: character
varying = smallint"), and a text filter that was not text raised a bare
``AttributeError`` everywhere; ``find(limit=-1)`` gave all but the last document on
memory:// and none on SQL. Each now gets a ``ValidationError`` naming the filter and
the value, on memory://, SQLite and PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

import pytest

import backoffice_core as bc
from backoffice_core.documents import Tax, line
from backoffice_core.errors import NotFoundError, ValidationError

Call = Callable[[Any], object]

BAD: list[tuple[str, Call, str, object]] = [
    ("find party_id", lambda d: d.find(party_id=5), "party_id", 5),
    ("find source_id", lambda d: d.find(source_id=5), "source_id", 5),
    ("find text", lambda d: d.find(text=5), "text", 5),
    ("find start", lambda d: d.find(start="2026-01-06"), "start", "2026-01-06"),
    ("find end", lambda d: d.find(end=datetime(2026, 1, 6)), "end", datetime(2026, 1, 6)),
    ("find archived", lambda d: d.find(archived=1), "archived", 1),
    ("find open_only", lambda d: d.find(open_only="yes"), "open_only", "yes"),
    ("find negative limit", lambda d: d.find(limit=-1), "limit", -1),
    ("find text limit", lambda d: d.find(limit="2"), "limit", "2"),
    ("find bool limit", lambda d: d.find(limit=True), "limit", True),
    ("parties text", lambda d: d.parties(5), "text", 5),
    ("parties tax_id", lambda d: d.parties(tax_id=5), "tax_id", 5),
    ("parties tag", lambda d: d.parties(tag=("a",)), "tag", ("a",)),
    ("parties archived", lambda d: d.parties(include_archived=None), "include_archived", None),
    ("payments party_id", lambda d: d.payments(5), "party_id", 5),
    ("payments open_only", lambda d: d.payments(open_only=1), "open_only", 1),
    ("allocations", lambda d: d.allocations(5), "item_id", 5),
    ("handovers", lambda d: d.handovers(5), "document_id", 5),
    ("aging", lambda d: d.aging(5), "as_of", 5),
    ("aging text", lambda d: d.aging("2026-01-31"), "as_of", "2026-01-31"),
    ("overdue", lambda d: d.overdue(date(2026, 1, 31).isoformat()), "as_of", "2026-01-31"),
]


@pytest.fixture
def docs(acme: bc.Backoffice) -> Any:
    """A book with one party and three draft invoices, on memory:// or the SQL store."""
    party = acme.documents.create_party("Globex", code="C-1")
    for day, note in ((5, "first"), (6, "second"), (7, "third")):
        acme.documents.create_invoice(party.id, date(2026, 1, day),
                                      [line("A", 1, "1.00", Tax.zero())], note=note)
    return acme.documents


@pytest.mark.parametrize(("call", "field", "value"), [b[1:] for b in BAD],
                         ids=[b[0] for b in BAD])
def test_a_filter_of_the_wrong_kind_is_a_validation_error(docs: Any, call: Call, field: str,
                                                          value: object) -> None:
    with pytest.raises(ValidationError) as info:
        call(docs)
    assert (info.value.field, info.value.value) == (field, value)


def test_limits_and_good_filters_give_the_same_documents(docs: Any) -> None:
    notes = [d.note for d in docs.find(limit=2)]
    assert notes == ["first", "second"]
    assert docs.find(limit=0) == []
    assert [d.note for d in docs.find(text="THIRD", limit=5)] == ["third"]
    party = docs.party_by_code("C-1")
    assert len(docs.find(party_id=party.id, start=date(2026, 1, 6), archived=False)) == 2
    assert docs.payments(party.id) == []
    with pytest.raises(NotFoundError) as missing:  # an id the book does not have
        docs.allocations("nothing")
    assert (missing.value.field, missing.value.value) == ("item_id", "nothing")
    assert docs.statement(party.id, date(2026, 1, 1), date(2026, 1, 31)).lines == ()
    with pytest.raises(ValidationError) as info:
        docs.statement(party.id, "2026-01-01", date(2026, 1, 31))
    assert (info.value.field, info.value.value) == ("start", "2026-01-01")
