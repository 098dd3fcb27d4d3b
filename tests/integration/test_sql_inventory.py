"""SQL-specific checks of the inventory storage (SQLite always, PostgreSQL when configured).

The conformance kit (tests/contract) proves the port's behaviour; these tests check
what only the SQL adapter has: the bulk path sends one executemany per table,
quantities finer than storable are refused before anything is written, the rollup
tables give as-of answers equal to the reference over a random history with
backdated moves, the migration chain ends at the inventory tables, and the demo
runs the same on SQLite as in memory.
"""

from __future__ import annotations

import os
import random
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

import backoffice_core as bc
from backoffice_core.adapters.memory import MemoryStore
from backoffice_core.adapters.sql import SqlStore
from backoffice_core.adapters.sql import bulk as bulk_module
from backoffice_core.adapters.sql.schema import MIGRATIONS
from backoffice_core.errors import ValidationError
from backoffice_core.inventory import MoveSpec
from backoffice_core.inventory.moves import QuantityDelta
from backoffice_core.ports import FixedClock, SequentialIds

START = date(2026, 1, 1)
_CLOCK = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def _postgres_url() -> Iterator[str]:
    base_url = os.environ.get("BACKOFFICE_TEST_POSTGRES_URL")
    if not base_url:
        pytest.skip("needs BACKOFFICE_TEST_POSTGRES_URL")
    base = make_url(base_url).set(drivername="postgresql+psycopg")
    schema = f"bo_inv_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(base, poolclass=NullPool)
    with admin.begin() as conn:
        conn.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    yield base.update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(
        hide_password=False)
    with admin.begin() as conn:
        conn.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
    admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[SqlStore]:
    """A fresh SQL store on SQLite (a file) or PostgreSQL (a schema)."""
    if request.param == "sqlite":
        s = SqlStore(f"sqlite:///{tmp_path / 'inv.db'}")
        yield s
        s.dispose()
        return
    urls = _postgres_url()
    s = SqlStore(next(urls))
    yield s
    s.dispose()
    next(urls, None)


def _book(factory: Any) -> bc.Backoffice:
    bo = bc.Backoffice(factory, book="inv", clock=FixedClock(_CLOCK), ids=SequentialIds("i"))
    bo.ledger.setup("Inv Co", currency="USD", chart="generic")
    bo.inventory.create_location("WH", "Warehouse", kind="warehouse")
    bo.inventory.create_location("WH/A", "Bin A", parent="WH")
    for sku, method in (("A", "fifo"), ("B", "average"), ("C", "lifo")):
        bo.inventory.create_item(sku, sku, valuation=method)
    bo.inventory.create_item("K", "Kilos", unit="kg")
    return bo


def _specs(n: int, seed: int) -> list[MoveSpec]:
    """Receipts and deliveries that never go negative, in date order per item."""
    rng = random.Random(seed)
    held = {"A": 0, "B": 0, "C": 0}
    out = []
    for i in range(n):
        sku = rng.choice("ABC")
        day = START + timedelta(days=i * 40 // n)
        if held[sku] >= 3 and rng.random() < 0.45:
            q = rng.randint(1, held[sku])
            held[sku] -= q
            out.append(MoveSpec(sku, q, "WH", "customer", day))
        else:
            q = rng.randint(1, 9)
            held[sku] += q
            out.append(MoveSpec(sku, q, "supplier", "WH", day,
                                unit_cost=Decimal(rng.randint(100, 999)).scaleb(-2)))
    return out


def test_bulk_path_sends_one_executemany_per_table(store: SqlStore,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    bo = _book(store)
    sent: list[tuple[str, int]] = []
    real = bulk_module.BulkInsert.run

    def spy(self: Any, cursor: Any, rows: Any, postgresql: bool) -> None:
        sent.append((self.values.split()[2], len(rows)))
        real(self, cursor, rows, postgresql)

    monkeypatch.setattr(bulk_module.BulkInsert, "run", spy)
    specs = _specs(600, seed=1)
    bo.inventory.apply_moves(specs)
    by_table: dict[str, list[int]] = {}
    for table, rows in sent:
        by_table.setdefault(table, []).append(rows)
    assert by_table["inv_moves"] == [600], "moves must go in one executemany"
    assert len(by_table["inv_route_days"]) == 1, "quantities must go in one executemany"
    # the costing engine stores each item's records at once: one executemany per item
    assert len(by_table["inv_cost_records"]) == 3 and sum(by_table["inv_cost_records"]) == 600


def test_random_history_with_backdated_moves_matches_the_reference(store: SqlStore) -> None:
    got, want = _book(store), _book(MemoryStore())
    specs = _specs(300, seed=7)
    for bo in (got, want):
        bo.inventory.apply_moves(specs[:200])
        bo.inventory.apply_moves(specs[200:])
        # backdated receipts and a transfer re-value the later issues
        bo.inventory.receive("A", 5, location="WH", unit_cost="0.10", on=START + timedelta(3))
        bo.inventory.receive("B", 7, location="WH", unit_cost="12.34", on=START + timedelta(9))
        bo.inventory.transfer("C", 1, source="WH", destination="WH/A",
                              on=START + timedelta(30))
    days = [START + timedelta(d) for d in (0, 2, 5, 11, 20, 33, 45)] + [None]
    for sku in "ABC":
        for day in days:
            assert got.inventory.on_hand(sku, "WH", as_of=day) == want.inventory.on_hand(
                sku, "WH", as_of=day), (sku, day)
            assert got.inventory.value(sku, as_of=day) == want.inventory.value(sku, as_of=day)
        assert got.inventory.layers(sku) == want.inventory.layers(sku)
        assert got.inventory.history(sku) == want.inventory.history(sku)
    for day in days[:-1]:
        assert got.inventory.reconcile(as_of=day).agrees
        assert got.inventory.valuation(as_of=day).total == want.inventory.valuation(
            as_of=day).total
    assert got.inventory.stock(as_of=days[3]) == want.inventory.stock(as_of=days[3])
    assert [e.postings for e in got.ledger.entries()] == [
        e.postings for e in want.ledger.entries()]


def test_exact_quantities_and_refusal_of_finer_ones(store: SqlStore) -> None:
    bo = _book(store)
    bo.inventory.receive("K", "1.125", location="WH", unit_cost="2.00", on=START)
    bo.inventory.deliver("K", "0.005", location="WH", on=START)
    assert bo.inventory.on_hand("K", "WH") == Decimal("1.12")
    with store("inv") as uow:
        repo = uow.inventory
        before = repo.stock()
        with pytest.raises(ValidationError) as info:
            repo.apply_quantities([QuantityDelta("K", "WH", "customer", "", START,
                                                 Decimal("0.0000000001"))])
        assert info.value.field == "quantity"
        assert repo.stock() == before
        repo.apply_quantities([QuantityDelta("K", "supplier", "WH", "", START,
                                             Decimal("0.000000001"))])
        assert repo.quantity("K", "WH") == Decimal("1.120000001")


def test_rollup_sums_beyond_the_storable_range_are_refused_not_rounded(store: SqlStore) -> None:
    """Two receipts whose running total no longer fits the nano-unit rollups: the second is
    refused with a ValidationError and changes nothing (SQLite used to turn the overflowing
    sum into a float and commit it)."""
    bo = _book(store)
    big = 10**9 - 1  # one receipt stays below MAX_QUANTITY; nine stay below MAX_STOCK
    for _ in range(9):
        bo.inventory.receive("A", big, location="WH", unit_cost="0.01", on=START)
    with pytest.raises(ValidationError):
        bo.inventory.receive("A", big, location="WH", unit_cost="0.01", on=START)
    assert bo.inventory.on_hand("A", "WH") == 9 * big
    assert bo.inventory.reconcile().agrees
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT quantity FROM inv_quantities WHERE sku = 'A' "
                                    "AND location = 'WH'").scalar() == 9 * big * 10**9
        assert conn.exec_driver_sql("SELECT quantity FROM inv_route_days WHERE sku = 'A'"
                                    ).scalar() == 9 * big * 10**9
    with store("inv") as uow, pytest.raises(ValidationError):  # past the service's checks
        uow.inventory.apply_quantities([QuantityDelta("A", "supplier", "WH", "", START,
                                                      Decimal(5 * 10**9))])
    with store("inv") as uow:
        uow.inventory.apply_reservations([("A", "WH", Decimal(9 * 10**9))])
        with pytest.raises(ValidationError):
            uow.inventory.apply_reservations([("A", "WH", Decimal(9 * 10**9))])
    with store("inv") as uow:
        assert uow.inventory.quantity("A", "WH") == 9 * big
        assert uow.inventory.reserved("A", "WH") == 0


def test_the_migration_chain_ends_with_the_inventory_tables(tmp_path: Path) -> None:
    from alembic.script import ScriptDirectory

    script = ScriptDirectory(str(MIGRATIONS))
    rev = script.get_revision("0003_inventory")
    assert rev is not None and rev.down_revision == "0002_documents"
    store = SqlStore(f"sqlite:///{tmp_path / 'm.db'}")
    try:
        names = set(sa.inspect(store.engine).get_table_names())
        assert {"inv_moves", "inv_route_days", "inv_value_days", "inv_cost_records"} <= names
    finally:
        store.dispose()


def test_the_demo_runs_the_same_on_sqlite(tmp_path: Path) -> None:
    from backoffice_core.demo import run_demo

    memory = run_demo("en_US")
    sqlite = run_demo("en_US", f"sqlite:///{tmp_path / 'demo.db'}")
    assert sqlite.inventory is not None and sqlite.inventory.reconciliation.agrees
    assert memory.inventory is not None and sqlite.inventory.text == memory.inventory.text


def test_an_adapter_without_inventory_skips_the_contract_with_a_reason(tmp_path: Path
                                                                       ) -> None:
    import subprocess
    import sys

    (tmp_path / "conftest.py").write_text(
        "import pytest\n"
        "from backoffice_core.adapters.memory import MemoryStore\n"
        "from backoffice_core.testing import AdapterCapabilities\n\n"
        "@pytest.fixture\ndef uow_factory():\n    return MemoryStore()\n\n"
        "@pytest.fixture\ndef adapter_capabilities():\n"
        "    return AdapterCapabilities(inventory=False)\n")
    (tmp_path / "test_none.py").write_text(
        "from backoffice_core.testing.suite import TestInventoryRepository  # noqa: F401\n")
    (tmp_path / "pytest.ini").write_text("[pytest]\n")
    import os

    import backoffice_core

    # the child runs in tmp_path: the package under test goes first on its path, so a
    # relative PYTHONPATH (``src`` in a worktree) still finds this checkout's code
    here = str(Path(backoffice_core.__file__).resolve().parents[1])
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        [here, *filter(None, [os.environ.get("PYTHONPATH")])])}
    run = subprocess.run([sys.executable, "-m", "pytest", "-q", "-rs", "-p", "no:cacheprovider",
                          "-p", "no:hypothesispytest"], cwd=tmp_path, capture_output=True,
                         text=True, env=env)
    out = run.stdout
    assert run.returncode == 0, out + run.stderr
    # every contract test of the inventory skips, each naming the reason
    from backoffice_core.testing.suite import TestInventoryRepository

    contracts = len([n for n in dir(TestInventoryRepository) if n.startswith("test_")])
    assert contracts >= 9  # (nine when this was written)
    # -rs groups the skips per test function: "SKIPPED [k] <where>: <reason>", k the
    # function's parametrized cases; one line per function, all of them skipped
    import re

    skips = re.findall(r"^SKIPPED \[(\d+)\] (.*)$", out, flags=re.MULTILINE)
    assert len(skips) == contracts, out
    assert all(why.endswith("the adapter declares inventory=False") for _, why in skips), out
    assert f"{sum(int(k) for k, _ in skips)} skipped in" in out, out
    assert " passed" not in out and " failed" not in out, out


def test_sums_asked_for_a_text_with_nul_are_zero_as_on_every_store(store: SqlStore) -> None:
    """PostgreSQL holds no text with NUL, so a read naming one matches nothing: a sum of
    nothing is zero, as on SQLite and memory:// (the sums raised a bare IndexError or
    ValueError on PostgreSQL: the reads short-circuit to no rows, a SUM always has one)."""
    bo = _book(store)
    bo.inventory.receive("A", 3, location="WH", unit_cost="1.00", on=START)
    # a lot-tracked item: one not tracked by lot refuses any lot (it has none)
    bo.inventory.create_item("L", "Lotted", tracking="lot")
    bo.inventory.receive("L", 3, location="WH", unit_cost="1.00", on=START, lot="L1")
    odd = "A\x00"
    for as_of in (None, START):  # through the service, a lot holding NUL cannot be a lot:
        with pytest.raises(ValidationError) as info:  # refused as any such id or code is
            bo.inventory.on_hand("L", "WH", lot="L\x00", as_of=as_of)
        assert (info.value.field, info.value.value) == ("lot", "L\x00")
    for factory in (store, MemoryStore()):
        with factory("inv") as uow:
            repo = uow.inventory
            assert repo.quantity(odd, "WH") == 0
            assert repo.quantity("A", "WH\x00", "", START) == 0
            assert repo.value(odd) == (0, 0)
            assert repo.value(odd, START) == (0, 0)
            assert repo.reserved(odd, "WH") == 0
