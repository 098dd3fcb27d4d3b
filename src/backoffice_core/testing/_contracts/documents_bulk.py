"""The documents port's bulk methods: many documents read, added and updated at once.

:class:`DocumentsBulkContract` is part of
:class:`~backoffice_core.testing._contracts.documents.DocumentsRepositoryContract`:
the bulk read and all-or-none bulk update of issuing in bulk, blocks of numbers, the
aging's compact read of open documents, and the optional ``add_documents`` of
creating drafts in bulk (skipped when the adapter does not offer it).
"""

from __future__ import annotations

from datetime import date
from typing import Any

import attrs
import pytest

from backoffice_core.documents.model import Direction, DocumentState, DocumentType
from backoffice_core.documents.repository import (
    DocumentQuery,
    DocumentsRepository,
    OpenDocument,
)
from backoffice_core.errors import (
    ConcurrencyError,
    DuplicateError,
    NotFoundError,
    ValidationError,
)
from backoffice_core.money import Money
from backoffice_core.ports import UnitOfWorkFactory
from backoffice_core.testing._contracts import _documents_samples as s
from backoffice_core.testing._contracts._base import Contract, check_error

__all__ = ["DocumentsBulkContract", "docs_of", "dump_documents"]

ISSUED = DocumentState.ISSUED
INVOICE = DocumentType.SALES_INVOICE


def docs_of(uow: Any) -> DocumentsRepository:
    """The documents repository of a unit of work (``uow.documents``)."""
    repo: DocumentsRepository | None = getattr(uow, "documents", None)
    if repo is None:
        pytest.fail(f"{type(uow).__name__} has no documents repository (uow.documents): "
                    "provide one, or declare AdapterCapabilities(documents=False)")
    return repo


def dump_documents(repo: DocumentsRepository) -> dict[str, Any]:
    """Everything the documents port shows without writing."""
    return {"settings": repo.get_settings(),
            "parties": repo.find_parties(include_archived=True),
            "documents": repo.find_documents(DocumentQuery()),
            "payments": repo.find_payments(), "allocations": repo.find_allocations(),
            "handovers": repo.list_handovers()}


class DocumentsBulkContract(Contract):
    """Bulk reads, all-or-none bulk writes, blocks of numbers and the compact aging read.

    Example:
        >>> class TestMyDocuments(DocumentsBulkContract):
        ...     pass
        >>> "test_docs_bulk_add_all_or_none" in dir(TestMyDocuments)
        True
    """

    @pytest.fixture(autouse=True)
    def _documents_capable(self, _backoffice_kit: None, uow_factory: UnitOfWorkFactory) -> None:
        self.require_repository("documents", uow_factory)

    def test_docs_bulk_read_and_all_or_none_update(self, uow_factory: UnitOfWorkFactory) -> None:
        """Many documents read in one call; a bulk update writes all of them or none."""
        with uow_factory("kit") as uow:
            repo = docs_of(uow)
            for d in (s.document("d-1", "p-1"), s.document("d-3", "p-1"),
                      s.document("d-2", "p-1", number="INV-1", state=ISSUED)):
                repo.add_document(d)
            uow.commit()
        issued = {i: s.document(i, "p-1", number=f"INV-{n}", state=ISSUED, version=2)
                  for i, n in (("d-1", 2), ("d-3", 3))}
        refused: list[tuple[list[Any], type[Exception], str, object]] = [
            ([(issued["d-3"], 7)], ConcurrencyError, "version", 7),
            ([(s.document("d-9", "p-1"), 0)], NotFoundError, "document_id", "d-9"),
            ([(attrs.evolve(issued["d-3"], number="INV-1"), 1)], DuplicateError, "number",
             "INV-1"),
            ([(attrs.evolve(issued["d-3"], number="INV-2"), 1)], DuplicateError, "number",
             "INV-2"),
            ([(attrs.evolve(issued["d-3"], type=DocumentType.CREDIT_NOTE, number="INV-1"), 1)],
             DuplicateError, "number", "INV-1"),  # a number is one document's, whatever type
            ([(issued["d-1"], 1)], ValidationError, "id", "d-1")]
        with uow_factory("kit") as uow:
            repo = docs_of(uow)
            before = dump_documents(repo)
            assert repo.get_documents([]) == {}
            got = repo.get_documents(["d-3", "nope", "d-1", "d-1"])
            assert got == {"d-3": repo.get_document("d-3"), "d-1": repo.get_document("d-1")}
            assert list(got) == ["d-3", "d-1"]
            to_issue = getattr(repo, "get_documents_to_issue", None)  # optional
            if to_issue is not None:  # the same documents; their totals as stored or None
                drafts = to_issue(["d-3", "nope", "d-1"])
                assert list(drafts) == ["d-3", "d-1"]
                assert all(attrs.evolve(d, totals=None) == attrs.evolve(got[i], totals=None)
                           and d.totals in (None, got[i].totals) for i, d in drafts.items())
            for tail, error, field, value in refused:
                with pytest.raises(error) as info:  # the first change is fine: not written
                    repo.update_documents([(issued["d-1"], 1), *tail])
                check_error(info, f"changes[1].{field}", value)
                assert dump_documents(repo) == before, f"a refused {field} wrote"
            # d-3 loses its references; d-2 keeps its own number
            d3 = attrs.evolve(issued["d-3"], references=())
            d2 = attrs.evolve(s.document("d-2", "p-1", number="INV-1", state=ISSUED),
                              note="kept", version=2)
            repo.update_documents([(issued["d-1"], 1), (d3, 1), (d2, 1)])
            uow.commit()
        with uow_factory("kit") as uow:
            repo = docs_of(uow)
            assert repo.get_documents(["d-1", "d-2", "d-3"]) == {
                "d-1": issued["d-1"], "d-2": d2, "d-3": d3}
            assert repo.get_by_number(INVOICE, "INV-3") == d3
            assert [d.id for d in repo.find_documents(DocumentQuery(source_id="so-1"))] == [
                "d-1", "d-2"]

    def test_docs_next_numbers_reserve_a_block(self, uow_factory: UnitOfWorkFactory) -> None:
        """``next_numbers`` takes ``count`` consecutive values at once; rollback returns them."""
        with uow_factory("kit") as uow:
            repo = docs_of(uow)
            for bad in (0, -1, True, "2"):
                with pytest.raises(ValidationError) as info:
                    repo.next_numbers("sales_invoice", "2026", bad)  # type: ignore[arg-type]
                check_error(info, "count", bad)
            assert repo.next_numbers("sales_invoice", "2026", 3) == 1
            assert repo.next_number("sales_invoice", "2026") == 4
            assert repo.next_numbers("sales_invoice", "2026", 2) == 5
            assert repo.next_numbers("credit_note", "2026", 1) == 1
        with uow_factory("kit") as uow:
            repo = docs_of(uow)
            assert repo.next_numbers("sales_invoice", "2026", 10) == 1
            uow.commit()
        with uow_factory("kit") as uow:
            assert docs_of(uow).next_numbers("sales_invoice", "2026", 1) == 11

    def test_docs_open_documents_compact_read(self, uow_factory: UnitOfWorkFactory) -> None:
        """``find_open_documents`` returns what the aging needs of exactly the open ones."""
        usd = Money("5.00", "USD")
        docs = [s.document("d-1", "p-1", number="INV-1", state=ISSUED),
                s.document("d-2", "p-2", number="INV-2", state=ISSUED, on=date(2026, 2, 3),
                           due_date=None, open_amount=usd, open_functional=None),
                s.document("d-3", "p-1", type=DocumentType.CREDIT_NOTE, number="CN-1",
                           state=ISSUED),
                s.document("d-4", "p-1", type=DocumentType.SUPPLIER_BILL, number="B-1",
                           state=ISSUED),
                s.document("d-5", "p-1", number="INV-5", state=DocumentState.PAID,
                           open_amount=Money("0.00", "EUR")),
                s.document("d-6", "p-1"), s.document("d-7", "p-1", type=DocumentType.QUOTE),
                # due on its terms' last instalment: read with its schedule of instalments
                s.document("d-8", "p-2", number="INV-8", state=ISSUED,
                           due_date=date(2026, 2, 7))]
        with uow_factory("kit") as uow:
            repo = docs_of(uow)
            for d in docs:
                repo.add_document(d)
            uow.commit()
        with uow_factory("kit") as uow:
            repo = docs_of(uow)
            for side, end, party in ((Direction.SALES, None, None),
                                     (Direction.SALES, date(2026, 1, 31), None),
                                     (Direction.SALES, None, "p-2"),
                                     (Direction.PURCHASE, date(2026, 1, 8), "p-1")):
                want = sorted((OpenDocument.of(d) for d in docs
                               if d.is_open and d.type.is_financial and d.direction is side
                               and (end is None or d.date <= end)
                               and (party is None or d.party_id == party)),
                              key=lambda r: r.id)
                got = sorted(repo.find_open_documents(side, end, party), key=lambda r: r.id)
                assert got == want, (side, end, party)
                assert all(type(r.open_amount) is Money for r in got)
                assert [r.id for r in got if r.instalments] == (
                    ["d-8"] if "d-8" in {r.id for r in got} else [])
            assert [r.id for r in repo.find_open_documents(Direction.SALES)] != []
            assert [len(r.instalments) for r in repo.find_open_documents(Direction.SALES)
                    if r.id == "d-8"] == [2]

    def test_docs_bulk_add_all_or_none(self, uow_factory: UnitOfWorkFactory) -> None:
        """``add_documents`` (optional) stores many new documents at once, or none."""
        with uow_factory("kit") as uow:
            if getattr(docs_of(uow), "add_documents", None) is None:
                pytest.skip("the adapter offers no add_documents (optional in the port)")
            docs_of(uow).add_document(s.document("d-1", "p-1", number="INV-1", state=ISSUED))
            uow.commit()
        new = [s.document("d-3", "p-1"),
               s.document("d-2", "p-2", number="INV-2", state=ISSUED),
               s.document("d-4", "p-1", type=DocumentType.CREDIT_NOTE, number="CN-1",
                          state=ISSUED),
               s.document("d-0", "p-1", type=DocumentType.QUOTE, references=())]
        refused: list[tuple[Any, str, object]] = [
            (s.document("d-1", "p-1"), "id", "d-1"),  # stored
            (s.document("d-3", "p-9"), "id", "d-3"),  # twice in the call
            (s.document("d-5", "p-1", number="INV-1", state=ISSUED), "number", "INV-1"),
            (s.document("d-5", "p-1", number="INV-2", state=ISSUED), "number", "INV-2"),
            # a number is one document's in its book, whatever the type
            (s.document("d-5", "p-1", type=DocumentType.CREDIT_NOTE, number="INV-1",
                        state=ISSUED), "number", "INV-1"),
            (s.document("d-5", "p-1", type=DocumentType.DEBIT_NOTE, number="CN-1",
                        state=ISSUED), "number", "CN-1")]
        with uow_factory("kit") as uow:
            repo: Any = docs_of(uow)
            before = dump_documents(repo)
            repo.add_documents([])
            for extra, field, value in refused:
                with pytest.raises(DuplicateError) as info:
                    repo.add_documents([*new, extra])
                check_error(info, f"documents[{len(new)}].{field}", value)
                assert dump_documents(repo) == before, f"a refused {field} wrote"
            repo.add_documents(new)
            assert repo.get_documents([d.id for d in new]) == {d.id: d for d in new}
        with uow_factory("kit") as uow:  # not committed: nothing stays
            assert dump_documents(docs_of(uow)) == before
            docs_of(uow).add_documents(new)  # type: ignore[attr-defined]
            uow.commit()
        with uow_factory("kit") as uow:
            repo = docs_of(uow)
            assert repo.get_documents([d.id for d in new]) == {d.id: d for d in new}
            assert repo.get_by_number(INVOICE, "INV-2") == new[1]
            assert repo.get_by_number(DocumentType.CREDIT_NOTE, "CN-1") == new[2]
            assert [d.id for d in repo.find_documents(DocumentQuery(source_id="so-1"))] == [
                "d-1", "d-2", "d-3", "d-4"]
            with pytest.raises(DuplicateError) as info:
                repo.add_document(s.document("d-9", "p-1", number="INV-2", state=ISSUED))
            check_error(info, "number", "INV-2")
