"""Fixtures for the documents tests.

* ``book``: a generic-chart USD book (clock fixed at 2026-01-31 UTC, sequential
  ids) with a customer ``acme`` and a
  supplier ``paperco``; exchange rates EUR/USD 1.10 from 2026-01-01 and 1.20 from
  2026-02-01.
* ``docs_state``: everything observable about a book's documents and ledger.
* ``unchanged``: runs an operation that must fail and checks that nothing changed.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

import backoffice_core as bc
from backoffice_core.documents import Party
from backoffice_core.ports import FixedClock, SequentialIds

START = datetime(2026, 1, 31, tzinfo=UTC)


class Book:
    """A book with a customer and a supplier, for the documents tests."""

    def __init__(self, currency: str = "USD", chart: str = "generic") -> None:
        self.clock = FixedClock(START)
        self.bo = bc.Backoffice.open("memory://", clock=self.clock, ids=SequentialIds("e"))
        self.bo.ledger.setup("Test Co", currency=currency, chart=chart)
        self.bo.ledger.set_rate("EUR", currency, date(2026, 1, 1), "1.10")
        self.bo.ledger.set_rate("EUR", currency, date(2026, 2, 1), "1.20")
        self.docs = self.bo.documents
        self.acme: Party = self.docs.create_party("Acme GmbH", tags=["de", "key"])
        self.paperco: Party = self.docs.create_party("Paper Co", is_customer=False,
                                                     is_supplier=True)


def state_of(bo: bc.Backoffice) -> dict[str, Any]:
    """Everything observable about a book's documents and ledger."""
    docs = bo.documents
    all_docs = docs.find()
    return {
        "documents": all_docs,
        "parties": docs.parties(include_archived=True),
        "payments": docs.payments(),
        "allocations": {d.id: docs.allocations(d.id) for d in all_docs},
        "handovers": docs.handovers(),
        "settings": docs.settings(),
        "entries": bo.ledger.entries(),
        "balances": sorted((b.key, b) for b in bo.ledger.balances()),
        "party_balances": sorted((b.key, b) for b in bo.ledger.balances(dimension="party")),
    }


@pytest.fixture
def book() -> Book:
    """A fresh USD book with ``acme`` (customer) and ``paperco`` (supplier)."""
    return Book()


@pytest.fixture(params=["memory", "sqlite"])
def box_book(request: pytest.FixtureRequest, tmp_path: Path) -> bc.Backoffice:
    """A book (memory, then SQLite) with a 12-piece box, an item WID kept in pieces, and a
    warehouse: for lines of one item in two units."""
    url = "memory://" if request.param == "memory" else f"sqlite:///{tmp_path / 'd.db'}"
    bo = bc.Backoffice.open(url, migrate=True)
    bo.ledger.setup("Test Co", currency="EUR", chart="generic")
    bo.inventory.create_unit("box12", "Box of 12", "count", 12)
    bo.inventory.create_location("WH", "Warehouse", kind="warehouse")
    bo.inventory.create_item("WID", "Widget")
    return bo


@pytest.fixture(scope="session")
def make_book() -> Callable[..., Book]:
    """Factory for more books: ``make_book(currency="EUR", chart="generic")``."""
    return Book


@pytest.fixture(scope="session")
def unchanged() -> Callable[..., pytest.ExceptionInfo[BaseException]]:
    """``unchanged(bo, ErrorType, fn, *args, **kw)``: fn raises and the book is as before."""

    def check(bo: bc.Backoffice, error: type[BaseException], fn: Callable[..., Any],
              *args: Any, **kwargs: Any) -> pytest.ExceptionInfo[BaseException]:
        before = state_of(bo)
        with pytest.raises(error) as info:
            fn(*args, **kwargs)
        after = state_of(bo)
        for key in before:
            assert after[key] == before[key], f"a failed operation changed {key}"
        assert bo.ledger.verify().ok
        return info

    return check


@pytest.fixture(scope="session")
def observe() -> Callable[[bc.Backoffice], dict[str, Any]]:
    """``observe(bo)``: everything observable about a book's documents and ledger."""
    return state_of
