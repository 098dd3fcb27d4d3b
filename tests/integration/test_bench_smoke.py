"""Smoke test of benchmarks/ledger_bench.py at a tiny size: it runs, and the balances agree.

No timing is asserted here; timings live in the benchmark's own output.
beancount is a benchmark-only dependency (the ``bench`` extra): the tests that
need it skip when it is not installed.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from decimal import Decimal
from itertools import pairwise
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

BENCH = Path(__file__).resolve().parents[2] / "benchmarks" / "ledger_bench.py"
N = 200


def _has_beancount() -> bool:
    return importlib.util.find_spec("beancount") is not None


needs_beancount = pytest.mark.skipif(
    not _has_beancount(),
    reason="beancount is a benchmark-only dependency: pip install -e '.[bench]'")


@pytest.fixture(scope="module")
def lb() -> ModuleType:
    spec = importlib.util.spec_from_file_location("ledger_bench", BENCH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def raw(lb: ModuleType) -> list[Any]:
    return lb.generate(N, seed=7)


def test_chart_has_60_distinct_accounts(lb: ModuleType) -> None:
    assert len(lb.CHART) == 60
    assert len({a.code for a in lb.CHART}) == 60
    assert len({a.bean for a in lb.CHART}) == 60
    roots = {"asset": "Assets", "liability": "Liabilities", "equity": "Equity",
             "income": "Income", "expense": "Expenses"}
    assert all(a.bean.split(":")[0] == roots[a.type] for a in lb.CHART)


def test_generator_is_deterministic_and_balanced(lb: ModuleType, raw: list[Any]) -> None:
    assert raw == lb.generate(N, seed=7)
    assert raw != lb.generate(N, seed=8)
    assert len(raw) == N
    days = [e.day for e in raw]
    assert days == sorted(days)
    assert days[0] >= lb.START and days[-1] < lb.START.replace(year=lb.START.year + 3)
    for e in raw:
        assert 2 <= len(e.lines) <= 4
        assert sum(cents for _, cents in e.lines) == 0
        assert all(cents != 0 for _, cents in e.lines)
        assert len({code for code, _ in e.lines}) == len(e.lines)
    assert {len(e.lines) for e in raw} == {2, 3, 4}
    two = lb.generate(N, seed=7, min_lines=2, max_lines=2)
    assert {len(e.lines) for e in two} == {2}


def test_ours_from_jsonl_matches_the_generator(lb: ModuleType, raw: list[Any],
                                               tmp_path: Path) -> None:
    path = tmp_path / "ledger.jsonl"
    lb.write_jsonl(raw, path)
    assert len(path.read_text(encoding="utf-8").splitlines()) == N
    phases, ours, bo = lb.ours_end_to_end(path, batch=64)
    assert set(phases) == {"import", "balances", "total", "import_cpu", "total_cpu"}
    expected = lb.expected_balances(raw)
    assert any(v != 0 for v in expected.values())
    assert lb.compare_balances(ours, None, expected) == []
    assert sum(ours.values()) == 0
    assert len(bo.ledger.entries()) == N
    assert bo.ledger.verify().ok


def test_compare_reports_a_wrong_balance(lb: ModuleType, raw: list[Any]) -> None:
    expected = lb.expected_balances(raw)
    ours = {code: Decimal(cents).scaleb(-2) for code, cents in expected.items()}
    theirs = {a.bean: ours[a.code] for a in lb.CHART}
    assert lb.compare_balances(ours, theirs, expected) == []
    first = lb.CHART[0]
    theirs[first.bean] += Decimal("0.01")
    problems = lb.compare_balances(ours, theirs, expected)
    assert len(problems) == 1 and problems[0].startswith(first.code)


@needs_beancount
def test_beancount_agrees_with_ours(lb: ModuleType, raw: list[Any],
                                    tmp_path: Path) -> None:
    jsonl, bean = tmp_path / "ledger.jsonl", tmp_path / "ledger.beancount"
    lb.write_jsonl(raw, jsonl)
    lb.write_beancount(raw, bean)
    _, ours, _ = lb.ours_end_to_end(jsonl, batch=1000)
    phases, theirs = lb.beancount_balances(bean)
    assert set(phases) == {"load", "balances", "total", "total_cpu"}
    assert set(theirs) == {a.bean for a in lb.CHART}
    assert lb.compare_balances(ours, theirs, lb.expected_balances(raw)) == []


@needs_beancount
def test_a_tampered_beancount_file_is_caught(lb: ModuleType, raw: list[Any],
                                             tmp_path: Path) -> None:
    bean = tmp_path / "ledger.beancount"
    lb.write_beancount(raw, bean)
    code, cents = raw[0].lines[0]
    name = next(a.bean for a in lb.CHART if a.code == code)
    other = next(a for a in lb.CHART if a.code not in {c for c, _ in raw[0].lines})
    text = bean.read_text(encoding="utf-8")
    posting = f"  {name}  "
    assert posting in text
    bean.write_text(text.replace(posting, f"  {other.bean}  ", 1), encoding="utf-8")
    _, theirs = lb.beancount_balances(bean)
    expected = lb.expected_balances(raw)
    ours = {c: Decimal(v).scaleb(-2) for c, v in expected.items()}
    problems = lb.compare_balances(ours, theirs, expected)
    assert sorted(p.split()[0] for p in problems) == sorted([code, other.code])


def test_main_runs_every_measure_at_a_tiny_size(lb: ModuleType, tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "results.json"
    status = lb.main(["--sizes", str(N), "--single-cap", "50", "--queries", "20",
                      "--repeat", "2", "--batch", "64", "--rounds", "2",
                      "--data-dir", str(tmp_path / "data"),
                      "--json", str(out)])
    assert status == 0
    printed = capsys.readouterr().out
    assert "balances agree" in printed and "NO" not in printed.split("balances agree")[1]
    result = json.loads(out.read_text(encoding="utf-8"))["results"][0]
    assert result["n"] == N and result["agree"] is True
    assert result["posting"]["post_single_entries"] == 50
    assert len(result["posting"]["rounds_post_many_per_s"]) == 2
    assert len(result["ours"]["rounds_total"]) == 2
    assert result["ours"]["total"] == min(result["ours"]["rounds_total"])
    assert result["ours_via_new_entries"]["total"] > 0
    assert result["queries"]["as_of_queries"] == 20
    assert result["queries"]["balances_rows"] == 60
    assert ("beancount" in result) == _has_beancount()
    assert (tmp_path / "data" / f"ledger_{N}.jsonl").exists()


def test_the_floor_does_the_work_it_stands_for(lb: ModuleType) -> None:
    """The yardstick of measure A really prices, chains and totals every entry: its totals
    are the ledger's balances, and its chain has one digest per entry, each over the one
    before (so no step of it can be left out unnoticed)."""
    entries = lb.to_new_entries(lb.generate(N, seed=9, min_lines=2, max_lines=2))
    floor = lb.Floor()
    floor.post(entries[:50])
    floor.post(entries[50:])
    bo = lb.new_book()
    bo.ledger.post_many(entries)
    per_account: dict[str, int] = {}
    for (account, _day), (value,) in floor.totals.items():
        per_account[account] = per_account.get(account, 0) + value
    assert per_account == {a: bo.ledger.balance(a).to_minor() for a in per_account}
    assert [k[0] for k in floor.kept] == list(range(1, N + 1))
    assert all(k[4] == before[5] for before, k in pairwise(floor.kept))
    assert len({k[5] for k in floor.kept}) == N
    shares = lb.share_of_floor(entries, 64)
    assert shares["of_floor"] == shares["paired_floor_cpu_s"] / shares["paired_post_many_cpu_s"]
