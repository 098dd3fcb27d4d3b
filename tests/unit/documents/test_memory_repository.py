"""The memory documents repository keeps the port's contract; rollback undoes every write."""

from __future__ import annotations

from datetime import date
from typing import Any

import attrs
import pytest

from backoffice_core.adapters.memory import MemoryStore
from backoffice_core.documents import (
    Allocation,
    Document,
    DocumentQuery,
    DocumentSettings,
    Party,
    Payment,
    StockHandover,
    Tax,
    line,
)
from backoffice_core.errors import ConcurrencyError, DuplicateError, NotFoundError
from backoffice_core.money import Money


def _doc(doc_id: str = "d-1", number: str | None = None, **kw: Any) -> Document:
    return Document(doc_id, "sales_invoice", "p-1", "EUR", date(2026, 1, 5),
                    [line("A", 1, "1.00", Tax.zero())], number=number, **kw)


def _payment(pid: str = "pay-1") -> Payment:
    return Payment(pid, "PAY-1", "p-1", "incoming", "sales", date(2026, 1, 6),
                   Money("1.00", "EUR"), "1120")


def _fill(uow: Any) -> None:
    repo = uow.documents
    repo.save_settings(DocumentSettings(), None)
    repo.add_party(Party("p-1", "Acme"))
    repo.add_document(_doc(number="INV-1", open_amount=Money("1.00", "EUR")))
    repo.next_number("sales_invoice", "2026")
    repo.add_payment(_payment())
    repo.add_allocation(Allocation("a-1", date(2026, 1, 6), "d-1", "pay-1",
                                   Money("1.00", "EUR"), Money("0", "EUR")))
    repo.add_handovers([StockHandover("h-1", "d-1", "1", "I", 1, "C62", 1, date(2026, 1, 5),
                                      "GR-1")])


def _state(uow: Any) -> tuple[Any, ...]:
    r = uow.documents
    return (r.get_settings(), r.find_parties(include_archived=True),
            r.find_documents(DocumentQuery()), r.find_documents(DocumentQuery(open_only=True)),
            r.find_payments(), r.find_allocations(), r.list_handovers(),
            r.get_by_number(_doc().type, "INV-1"))


def test_rollback_undoes_every_write() -> None:
    store = MemoryStore()
    with store("b") as uow:
        empty = _state(uow)
        _fill(uow)
        assert _state(uow) != empty
    with store("b") as uow:
        assert _state(uow) == empty
        assert uow.documents.next_number("sales_invoice", "2026") == 1


def test_updates_are_optimistic_and_undone_too() -> None:
    store = MemoryStore()
    with store("b") as uow:
        _fill(uow)
        uow.commit()
    with store("b") as uow:
        before = _state(uow)
        repo = uow.documents
        doc = repo.get_document("d-1")
        assert doc is not None
        repo.update_document(attrs.evolve(doc, number="INV-2", open_amount=None, version=1), 0)
        repo.update_party(attrs.evolve(repo.get_party("p-1"), code="X", version=1), 0)
        repo.update_payment(attrs.evolve(repo.get_payment("pay-1"), version=1), 0)
        repo.save_settings(attrs.evolve(repo.get_settings(), version=1), 0)
        assert repo.get_by_number(doc.type, "INV-2") is not None
        assert repo.get_by_number(doc.type, "INV-1") is None
        with pytest.raises(ConcurrencyError):
            repo.update_document(doc, 0)
        with pytest.raises(ConcurrencyError):
            repo.update_party(Party("p-1", "Acme"), 0)
        with pytest.raises(ConcurrencyError):
            repo.save_settings(DocumentSettings(), 0)
    with store("b") as uow:
        assert _state(uow) == before


def test_duplicates_and_missing_rows() -> None:
    with MemoryStore()("b") as uow:
        _fill(uow)
        repo = uow.documents
        with pytest.raises(DuplicateError):
            repo.add_party(Party("p-1", "Other"))
        with pytest.raises(DuplicateError):
            repo.add_document(_doc("d-2", number="INV-1"))  # the number is taken
        with pytest.raises(DuplicateError):
            repo.add_payment(_payment())
        with pytest.raises(DuplicateError):
            repo.save_settings(DocumentSettings(), None)
        with pytest.raises(NotFoundError):
            repo.update_document(_doc("nope"), 0)
        note = Document("d-3", "credit_note", "p-1", "EUR", date(2026, 1, 5),
                        [line("A", 1, "1.00", Tax.zero())], number="INV-1")
        with pytest.raises(DuplicateError):  # a number is one document's, whatever the type
            repo.add_document(note)
        repo.add_document(attrs.evolve(note, number="CN-1"))
        assert [d.id for d in repo.find_documents(DocumentQuery(open_only=True))] == ["d-1"]
        assert [a.id for a in repo.find_allocations("pay-1")] == ["a-1"]
        assert repo.find_allocations(after=date(2026, 1, 6)) == []


def test_the_number_counter_is_per_series_and_year() -> None:
    with MemoryStore()("b") as uow:
        r = uow.documents
        assert [r.next_number("a", "2026"), r.next_number("a", "2026"),
                r.next_number("a", "2027"), r.next_number("b", "2026")] == [1, 2, 1, 1]
