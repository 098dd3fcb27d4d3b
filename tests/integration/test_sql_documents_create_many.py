"""SQL adapter, drafts in bulk: ``create_many`` through ``add_documents``.

* ``create_many`` on SQLite and PostgreSQL stores what ``create`` one by one stores in
  the reference (memory) book, and issuing the drafts then gives the same book;
* a refused draft (by the rules, or by the store: an id already taken) saves nothing,
  and the unit of work's store stays usable;
* a batch larger than a chunk of ids is checked and written whole.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest

import backoffice_core as bc
from backoffice_core.documents import AllowanceCharge, DraftSpec, Tax, line
from backoffice_core.errors import DuplicateError, NotFoundError

AT = datetime(2026, 1, 31, 12, 0, tzinfo=UTC)


def _book(url: str) -> bc.Backoffice:
    bo = bc.Backoffice.open(url, book="acme", clock=bc.FixedClock(AT),
                            ids=bc.SequentialIds("e"))
    bo.ledger.setup("Acme GmbH", currency="USD", chart="generic")
    bo.ledger.set_rate("EUR", "USD", date(2026, 1, 1), "1.10")
    bo.documents.create_party("Acme Corp")
    bo.documents.create_party("Paper Co", is_customer=False, is_supplier=True)
    return bo


def _specs(bo: bc.Backoffice, n: int = 9) -> list[DraftSpec]:
    acme, paper = (p.id for p in bo.documents.parties())
    specs = [DraftSpec("sales_invoice", acme, date(2026, 1, 5 + i % 20), [
        line("Widget", 1 + i % 4, "19.99", Tax.standard(20), discount=5 if i % 3 else None),
        line("Book", 2, "12.50", Tax.reduced(7))],
        fields={"allowances_charges": [AllowanceCharge.charge(
            "4.90", reason="Freight", tax=Tax.standard(20))]}) for i in range(n)]
    specs.insert(2, DraftSpec("sales_invoice", acme, date(2026, 1, 6), [  # in date order
        line("Consulting", 5, "120.00", Tax.standard(19))], currency="EUR"))
    specs.append(DraftSpec("supplier_bill", paper, date(2026, 1, 11), [
        line("Rent", 1, "800.00", Tax.zero(), account="6200")],
        fields={"external_number": "R-1"}))
    specs.append(DraftSpec("quote", acme, date(2026, 1, 12), [
        line("Design", 10, "80.00", Tax.standard(20))]))
    return specs


def _state(bo: bc.Backoffice) -> dict[str, Any]:
    return {"documents": bo.documents.find(), "entries": bo.ledger.entries(),
            "balances": sorted((b.key, b) for b in bo.ledger.balances())}


@pytest.fixture
def book(url: str) -> bc.Backoffice:
    return _book(url)


def test_create_many_on_sql_equals_create_one_by_one_in_memory(book: bc.Backoffice) -> None:
    reference = _book("memory://")
    singly = [reference.documents.create(s.type, s.party_id, s.date, s.lines,
                                         currency=s.currency, user="shop", **s.fields)
              for s in _specs(reference)]
    bulk = book.documents.create_many(_specs(book), user="shop")
    assert bulk == singly
    assert _state(book) == _state(reference)
    ids = [d.id for d in bulk]
    assert book.documents.issue_many(ids) == reference.documents.issue_many(ids)
    assert _state(book) == _state(reference)
    assert book.ledger.verify().ok


def test_a_refused_draft_saves_nothing_on_sql(book: bc.Backoffice,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    first = book.documents.create_many(_specs(book)[:1])[0]
    before = _state(book)
    specs = _specs(book)
    specs[3] = DraftSpec("quote", "nobody", date(2026, 1, 5), [])
    with pytest.raises(NotFoundError) as info:
        book.documents.create_many(specs)
    assert info.value.field == "drafts[3].party_id"
    assert _state(book) == before
    ids = iter(["x-1", "x-2", first.id, "x-4"])  # the store refuses the third draft's id
    monkeypatch.setattr(book.documents._ids, "new_id", lambda: next(ids))
    with pytest.raises(DuplicateError) as dup:
        book.documents.create_many(_specs(book)[:4])
    assert (dup.value.field, dup.value.value) == ("drafts[2].id", first.id)
    assert _state(book) == before
    monkeypatch.undo()
    assert len(book.documents.create_many(_specs(book)[:2])) == 2  # the book goes on
    assert len(book.documents.find()) == 3


def test_a_batch_larger_than_a_chunk_is_written_whole(book: bc.Backoffice) -> None:
    specs = _specs(book, 1000)
    done = book.documents.create_many(specs)
    assert len(done) == len(specs) == 1003
    assert len(book.documents.find()) == 1003
    assert book.documents.get(done[-1].id) == done[-1]
