"""SQLite searches of a few documents that must not walk the whole book.

Without statistics SQLite ordered ``find_documents`` by the documents' date index, so a
search by source (what every conversion, credit note and payment asks: the documents
made from an order, an invoice's credit notes) or by party walked every document of the
book and probed each. Counted in SQLite VM steps (``set_progress_handler``, deterministic
for one build of SQLite), never timed: a search of the same few documents costs about the
same in a book of 20 other documents and in one of 2,000 (it cost 60-70x more).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

import pytest

from backoffice_core.adapters.sql import open_store
from backoffice_core.documents import DocumentRef, DocumentType
from backoffice_core.documents.repository import DocumentQuery
from backoffice_core.testing._contracts import _documents_samples as s


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    path: Path = tmp_path_factory.mktemp("scale") / "docs.db"
    st = open_store(f"sqlite:///{path}", migrate=True)
    for book, others in (("small", 20), ("big", 2000)):
        with st(book) as uow:
            repo = uow.documents
            for i in range(others):  # other orders' invoices, of other parties
                repo.add_document(s.document(
                    f"n-{i:05d}", f"p-{i % 50}", references=(
                        DocumentRef(f"so-{i:05d}", DocumentType.SALES_ORDER),)))
            for i in range(3):  # the ones searched for
                repo.add_document(s.document(
                    f"t-{i}", "p-buyer", references=(
                        DocumentRef("so-target", DocumentType.SALES_ORDER),
                        DocumentRef("q-target", DocumentType.QUOTE))))
            uow.commit()
    yield st
    st.dispose()


Steps = Callable[[str, DocumentQuery], tuple[list[str], int]]


@pytest.fixture(scope="module")
def steps(store: Any, vm_steps: Callable[[Any], AbstractContextManager[list[int]]]) -> Steps:
    """The ids a search of ``book`` found and the SQLite VM steps (per 10) it took."""

    def search(book: str, query: DocumentQuery) -> tuple[list[str], int]:
        with store(book) as uow, vm_steps(uow.reading().connection) as ran:
            found = uow.documents.find_documents(query)
        return [d.id for d in found], ran[0]

    return search


@pytest.mark.parametrize("query", [
    DocumentQuery(source_id="so-target"),
    DocumentQuery(types=(DocumentType.SALES_INVOICE,), source_id="so-target"),
    DocumentQuery(source_ids=("so-target", "q-target", "so-00007")),
    DocumentQuery(party_id="p-buyer"),
    DocumentQuery(party_id="p-buyer", types=(DocumentType.SALES_INVOICE,), limit=2),
], ids=["source", "source and type", "sources", "party", "party, type, limit"])
def test_a_search_of_a_few_documents_does_not_walk_the_book(steps: Steps,
                                                            query: DocumentQuery) -> None:
    small, small_steps = steps("small", query)
    big, big_steps = steps("big", query)
    assert small == big and set(big) <= {"t-0", "t-1", "t-2", "n-00007"} and big
    assert big_steps <= 2 * small_steps + 50, (small_steps, big_steps)


def test_a_document_of_two_sources_comes_once(steps: Steps) -> None:
    found, _ = steps("big", DocumentQuery(source_ids=("so-target", "q-target")))
    assert found == ["t-0", "t-1", "t-2"]
    found, _ = steps("big", DocumentQuery(source_ids=("so-target", "q-target"),
                                                  limit=2))
    assert found == ["t-0", "t-1"]
