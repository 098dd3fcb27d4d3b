"""Fixtures for the inventory tests.

* ``book``: a generic-chart USD book with fiscal year 2026 (monthly periods), the
  clock at 2026-03-31, a warehouse ``WH`` with zone ``WH/Z`` and bins ``WH/A1`` and
  ``WH/Z/B1``, a second warehouse ``W2``, and items ``WID`` (FIFO, pieces),
  ``TEA`` (moving average, kg), ``LOT`` (FIFO, lot-tracked), ``SER`` (serials),
  ``CON`` (consumable) and ``SVC`` (service).
* ``make_book``: a factory for such books (session-scoped, for hypothesis).
* ``each_store``: the ``book``, once in memory and once on SQLite (a file).
* ``inv_snapshot``: everything observable about a book's inventory and ledger.
* ``refuses``: ``refuses(bo, Error, fn, *args, **kw)`` runs an operation that must fail
  with ``Error``, and checks that stock, valuation and ledger are exactly as before.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

import backoffice_core as bc

CLOCK = datetime(2026, 3, 31, 12, tzinfo=UTC)
Snapshot = Callable[[bc.Backoffice], dict[str, Any]]


def _make_book(*, currency: str = "USD", fiscal: bool = True, items: bool = True,
               chart: str = "generic", url: str = "memory://") -> bc.Backoffice:
    bo = bc.Backoffice.open(url, clock=bc.FixedClock(CLOCK),
                            ids=bc.SequentialIds("x"))
    bo.ledger.setup("Stock Co", currency=currency, chart=chart)
    if fiscal:
        bo.ledger.add_fiscal_year(bc.FiscalYear.monthly("FY2026", date(2026, 1, 1)))
    inv = bo.inventory
    inv.create_location("WH", "Main warehouse", kind="warehouse")
    inv.create_location("WH/Z", "Zone Z", kind="zone", parent="WH")
    inv.create_location("WH/A1", "Bin A1", parent="WH")
    inv.create_location("WH/Z/B1", "Bin B1", parent="WH/Z")
    inv.create_location("W2", "Second warehouse", kind="warehouse")
    if items:
        inv.create_item("WID", "Widget")
        inv.create_item("TEA", "Green tea", unit="kg", valuation="average")
        inv.create_item("LOT", "Yoghurt", tracking="lot")
        inv.create_item("SER", "Laptop", tracking="serial")
        inv.create_item("CON", "Gloves", kind="consumable")
        inv.create_item("SVC", "Installation", kind="service", unit="h")
    return bo


def _snapshot(bo: bc.Backoffice) -> dict[str, Any]:
    inv, led = bo.inventory, bo.ledger
    skus = [i.sku for i in inv.items()]
    moves = inv.moves()
    days = sorted({m.date for m in moves} | {e.date for e in led.entries()})
    return {
        "items": inv.items(),
        "locations": inv.locations(),
        "lots": {s: inv.lots(s) for s in skus},
        "moves": moves,
        "stock": inv.stock().rows,
        "stock_as_of": {d: inv.stock(as_of=d).rows for d in days},
        "reserved": {(s, loc.code): inv.reserved(s, loc.code) for s in skus
                     for loc in inv.locations() if loc.valued},
        "valuation": inv.valuation(),
        "valuation_as_of": {d: inv.valuation(as_of=d) for d in days},
        "layers": {s: inv.layers(s) for s in skus},
        "history": {s: inv.history(s) for s in skus},
        "counts": inv.counts(),
        "rules": inv.reorder_rules(),
        "entries": led.entries(),
        "balances": sorted((b.key, b) for b in led.balances()),
        "balances_as_of": {d: sorted((b.key, b) for b in led.balances(as_of=d)) for d in days},
        "settings": led.settings(),
    }


@pytest.fixture
def book() -> bc.Backoffice:
    """A book with locations and items (see the module text)."""
    return _make_book()


@pytest.fixture(params=["memory", "sqlite"])
def each_store(request: pytest.FixtureRequest, tmp_path: Path) -> bc.Backoffice:
    """The ``book`` on each store: in memory, and on SQLite (a file)."""
    if request.param == "memory":
        return _make_book()
    return _make_book(url=f"sqlite:///{tmp_path / 'inv.db'}")


@pytest.fixture(scope="session")
def make_book() -> Callable[..., bc.Backoffice]:
    """Factory: ``make_book(currency="USD", fiscal=True, items=True, chart="generic")``."""
    return _make_book


@pytest.fixture(scope="session")
def inv_snapshot() -> Snapshot:
    """Function returning everything observable about a book's stock and ledger."""
    return _snapshot


@pytest.fixture(scope="session")
def refuses() -> Callable[..., pytest.ExceptionInfo[BaseException]]:
    """``refuses(bo, Error, fn, *args, **kwargs)``: fn raises Error and changes nothing."""

    def check(bo: bc.Backoffice, error: type[BaseException], fn: Callable[..., Any],
              *args: Any, **kwargs: Any) -> pytest.ExceptionInfo[BaseException]:
        before = _snapshot(bo)
        with pytest.raises(error) as info:
            fn(*args, **kwargs)
        after = _snapshot(bo)
        for part in before:
            assert after[part] == before[part], f"the failed operation changed {part}"
        assert bo.ledger.verify().ok
        return info

    return check


@pytest.fixture(scope="session")
def feb() -> Callable[[int], date]:
    """``feb(n)``: the n-th of February 2026."""
    return lambda n: date(2026, 2, 1) + timedelta(days=n - 1)
