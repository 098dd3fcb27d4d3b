"""Every kind of documents write rolls back, one by one (a part of
:class:`~backoffice_core.testing.DocumentsRepositoryContract`, which runs it).

The ledger's :class:`~backoffice_core.testing.UnitOfWorkContract` checks each ledger
write the same way; an adapter that forgets to undo one kind of write (a payment
changed, an allocation or a hand-over added) keeps it after a rollback, and only a check
per kind of write finds that.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import attrs
import pytest

from backoffice_core.documents.repository import DocumentsRepository
from backoffice_core.ports import UnitOfWorkFactory
from backoffice_core.testing._contracts import _documents_samples as s
from backoffice_core.testing._contracts._base import Contract, check_write_undone
from backoffice_core.testing._contracts.documents_bulk import ISSUED, docs_of, dump_documents

__all__ = ["DOCUMENTS_WRITES", "DocumentsWritesContract"]

Write = Callable[[DocumentsRepository], Any]


def _fill(repo: DocumentsRepository) -> None:
    repo.save_settings(s.settings(), None)
    repo.add_party(s.party("p-1"))
    repo.add_document(s.document("d-1", "p-1"))
    repo.add_document(s.document("d-2", "p-1", number="INV-1", state=ISSUED))
    repo.add_payment(s.payment("pay-1", "p-1"))
    repo.add_allocation(s.allocation("al-1", "d-2", "pay-1"))
    repo.add_handovers([s.handover("h-1", "d-2")])
    repo.next_number("sales_invoice", "2026")


def _changed(old: Any, **changes: Any) -> tuple[Any, int]:
    return attrs.evolve(old, **changes, version=old.version + 1), old.version


#: name -> a write on the sample book.
DOCUMENTS_WRITES: dict[str, Write] = {
    "settings_replace": lambda r: r.save_settings(s.settings(version=2), 1),
    "party_add": lambda r: r.add_party(s.party("p-3", "Initech")),
    "party_update": lambda r: r.update_party(*_changed(s.party("p-1"), legal_name="Renamed")),
    "document_add": lambda r: r.add_document(s.document("d-3", "p-1")),
    "document_update": lambda r: r.update_document(
        *_changed(s.document("d-1", "p-1"), note="Changed")),
    "documents_update": lambda r: r.update_documents(
        [_changed(s.document("d-1", "p-1"), note="Changed in bulk")]),
    "number_next": lambda r: r.next_number("sales_invoice", "2026"),
    "numbers_next": lambda r: r.next_numbers("sales_invoice", "2026", 5),
    "payment_add": lambda r: r.add_payment(s.payment("pay-2", "p-1")),
    "payment_update": lambda r: r.update_payment(
        *_changed(s.payment("pay-1", "p-1"), reference="changed")),
    "allocation_add": lambda r: r.add_allocation(s.allocation("al-2", "d-2", "pay-1")),
    "handovers_add": lambda r: r.add_handovers([s.handover("h-3", "d-2")]),
}


def _dump(repo: DocumentsRepository) -> dict[str, Any]:
    """What the port shows, with the next invoice number (a unit that reads it is undone)."""
    return {**dump_documents(repo), "next": repo.next_number("sales_invoice", "2026")}


class DocumentsWritesContract(Contract):
    """Each kind of documents write is undone by leaving without commit and by ``rollback()``.

    Example:
        >>> class TestMyDocumentsWrites(DocumentsWritesContract):
        ...     pass
        >>> "test_docs_each_write_rolls_back" in dir(TestMyDocumentsWrites)
        True
    """

    @pytest.fixture(autouse=True)
    def _documents_capable(self, _backoffice_kit: None, uow_factory: UnitOfWorkFactory) -> None:
        self.require_repository("documents", uow_factory)

    @pytest.mark.parametrize("write", list(DOCUMENTS_WRITES))
    def test_docs_each_write_rolls_back(self, uow_factory: UnitOfWorkFactory,
                                        write: str) -> None:
        """The write shows inside its unit; leaving by an exception, or ``rollback()`` then
        ``commit()``, leaves the book as it was."""
        with uow_factory("kit") as uow:
            _fill(docs_of(uow))
            uow.commit()
        fn = DOCUMENTS_WRITES[write]
        check_write_undone(uow_factory, write, lambda uow: fn(docs_of(uow)),
                           lambda uow: _dump(docs_of(uow)))
