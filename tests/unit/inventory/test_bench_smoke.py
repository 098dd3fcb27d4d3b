"""Smoke test of benchmarks/inventory_bench.py at a tiny size: it runs and its books agree.

No timing is asserted; the benchmark itself stops when the valuation, the inventory
account and its independent FIFO model disagree.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType

import pytest

BENCH = Path(__file__).resolve().parents[3] / "benchmarks" / "inventory_bench.py"


@pytest.fixture(scope="module")
def bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("inventory_bench", BENCH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["inventory_bench"] = module
    spec.loader.exec_module(module)
    return module


def test_the_benchmark_runs_and_checks_itself(bench: ModuleType, tmp_path: Path) -> None:
    out = tmp_path / "bench.json"
    assert bench.main(["--moves", "3000", "--items", "30", "--batch", "1000", "--history",
                       "1500", "--queries", "20", "--json", str(out)]) == 0
    result = json.loads(out.read_text(encoding="utf-8"))
    assert result["bulk"]["checked"] is True and result["bulk"]["moves"] == 3000
    assert result["bulk"]["peak_rss_growth_bytes_per_move"] >= 0
    assert all(row["reconciles"] for row in result["backdated"])


def test_the_generator_and_the_model_agree_with_the_books(bench: ModuleType) -> None:
    specs = bench.generate(500, 7, seed=3)
    bo = bench.new_book(7)
    bo.inventory.apply_moves(specs)
    value, sold = bench.fifo_model(specs)
    assert bo.inventory.valuation().total.scaleb(2) == value
    assert bo.ledger.balance("5100").to_minor() == sold
    # the same moves one call each give the same books
    single = bench.new_book(7)
    for spec in specs[:60]:
        single.inventory.apply_moves([spec])
    partial = bench.new_book(7)
    partial.inventory.apply_moves(specs[:60])
    assert single.inventory.valuation() == partial.inventory.valuation()
