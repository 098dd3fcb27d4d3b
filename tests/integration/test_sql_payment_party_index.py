"""Migration 0014: a party's payments are found through an index, not by walking the book.

``find_payments(party_id=...)`` (a party's statement, its open payments, allocations to
its documents) went over every payment of the book: ``documents_payments`` had an index
by date only (SQLite VM steps 1K -> 5K for 250 -> 1,000 parties). Counted in VM steps
(``set_progress_handler``, deterministic for one build of SQLite), never timed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from backoffice_core.adapters.sql import open_store
from backoffice_core.testing._contracts import _documents_samples as s


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    path: Path = tmp_path_factory.mktemp("payments") / "docs.db"
    st = open_store(f"sqlite:///{path}", migrate=True)
    for book, others in (("small", 20), ("big", 2000)):
        with st(book) as uow:
            repo = uow.documents
            for i in range(others):  # other parties' payments, on every day
                repo.add_payment(s.payment(f"o-{i:05d}", f"p-{i % 500}",
                                           on=date(2026, 1, 1) + timedelta(days=i % 300)))
            for i in range(3):  # the party's own
                repo.add_payment(s.payment(f"t-{i}", "p-buyer", on=date(2026, 3, 1 + i)))
            uow.commit()
    yield st
    st.dispose()


Steps = Callable[..., tuple[list[str], int]]


@pytest.fixture(scope="module")
def steps(store: Any, vm_steps: Callable[[Any], AbstractContextManager[list[int]]]) -> Steps:
    """The ids of the payments of a search of ``book`` and the SQLite VM steps it took."""

    def search(book: str, **query: Any) -> tuple[list[str], int]:
        with store(book) as uow, vm_steps(uow.reading().connection) as ran:
            found = uow.documents.find_payments(**query)
        return [p.id for p in found], ran[0]

    return search


@pytest.mark.parametrize("query", [{"party_id": "p-buyer"},
                                   {"party_id": "p-buyer", "open_only": True}])
def test_a_partys_payments_do_not_walk_the_book(steps: Steps, query: dict[str, Any]) -> None:
    small, small_steps = steps("small", **query)
    big, big_steps = steps("big", **query)
    assert small == big == ["t-0", "t-1", "t-2"]  # in their order (date, id)
    assert big_steps <= 2 * small_steps + 50, (small_steps, big_steps)


def test_the_plan_uses_the_index(store: Any) -> None:
    with store("big") as uow:
        conn = uow.reading().connection
        plan = " ".join(str(r) for r in conn.execute(
            "EXPLAIN QUERY PLAN SELECT body FROM documents_payments WHERE book = ? AND "
            "party_id = ? ORDER BY pay_date, id", ("big", "p-buyer")))
    assert "ix_documents_payments_party" in plan, plan
