"""Smoke test of benchmarks/documents_bench.py with ``--quick``: it runs and checks itself.

No timing is asserted. The benchmark stops by itself when the issued numbers have a gap,
the receivables account differs from the amounts due, the ledger does not verify, the
aging does not reconcile with the ledger, or SQLite's aging differs from memory's.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType

import pytest

BENCH = Path(__file__).resolve().parents[2] / "benchmarks" / "documents_bench.py"


@pytest.fixture(scope="module")
def bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("documents_bench", BENCH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["documents_bench"] = module
    spec.loader.exec_module(module)
    return module


def test_the_quick_run_measures_everything_and_checks_itself(bench: ModuleType,
                                                             tmp_path: Path) -> None:
    out = tmp_path / "documents.json"
    assert bench.main(["--quick", "--json", str(out)]) == 0
    result = json.loads(out.read_text(encoding="utf-8"))
    issue, totals, aging = result["issue"], result["totals"], result["aging"]
    assert issue["checked"] is True and issue["invoices"] == 300
    assert issue["entries"] == issue["invoices"] + issue["single_sample"]
    assert {"create_cpu_s", "single_create_cpu_s", "issue_many_cpu_s"} <= set(issue)
    assert totals["lines"] == 200 and totals["tax_groups"] >= 3
    assert aging["reconciles_with_ledger"] is True and aging["sqlite_equals_memory"] is True
    assert aging["open_items"] == aging["sqlite_open_items"] > 2_000


def test_the_invoice_lines_are_seeded_and_mixed(bench: ModuleType) -> None:
    import random

    first = bench.invoice_lines(random.Random(5), 400)
    assert first == bench.invoice_lines(random.Random(5), 400)
    assert len({ln.tax.key for ln in first}) >= 4
    assert any(ln.price_includes_tax for ln in first)
    assert any(ac.percent is not None for ln in first for ac in ln.allowances_charges)
    assert any(ac.is_charge for ln in first for ac in ln.allowances_charges)
