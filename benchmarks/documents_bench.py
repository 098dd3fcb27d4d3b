"""Documents benchmark: bulk issuing on SQLite, totals of a large invoice, the aging.

Targets (the documents issue, speed section; measured here, never asserted in tests):

A. 10,000 invoices of 10 lines each issued with posting on an SQLite file in under 10 s:
   ``bo.documents.issue_many`` in batches of ``--batch`` (numbers, frozen documents,
   ledger entries with the hash chain and running balances). The drafts are created
   first with ``bo.documents.create_many`` in batches of ``--batch`` (one unit of work
   per batch) and timed apart; a sample of ``--single`` more drafts is created one
   ``bo.documents.create_invoice`` call (one unit of work) each and issued one by one
   with ``bo.documents.issue``, which shows the difference both ways;
B. the totals of a 1,000-line invoice in under 5 ms (``document_totals``: mixed tax
   rates, gross and net prices, line discounts and charges, a document allowance and
   charge; median and p99 of ``--repeat`` calls);
C. the aging report over 100,000 open documents in under 1 s (``bo.documents.aging``):
   in memory, where a book of ``--aging`` documents is built through the service
   (invoices issued with ``issue_many``, 3% of them half credited by credit notes, 1%
   part paid, half of those payments after the report date: about 97% of the documents
   are open on the report date), and on an SQLite file holding a copy of the same
   documents, payments and allocations.

Data are seeded. Every run checks its results: A, that ``create_many`` returned drafts
of the given parties and dates in order, that the numbers run 1..N without
gaps in the order issued, that the receivables account equals the invoices' amounts
due and that the ledger verifies (hash chain and balances); C, that the aging total
equals the receivables balance as of the report date and that SQLite gives the same
report as memory. A failed check stops the run.

Run ``python benchmarks/documents_bench.py`` (the targets' sizes) or ``--quick``.
Results print as a table and go to ``benchmarks/out/documents_bench.json`` (git-ignored).
Timings are floats: they are durations, never money (float-ok throughout this file).
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from datetime import date, timedelta
from decimal import Decimal
from functools import partial
from pathlib import Path
from typing import Any

import attrs

import backoffice_core as bc
from backoffice_core.documents import (
    AllowanceCharge,
    Document,
    DocumentLine,
    DraftSpec,
    PaymentTerms,
    Tax,
    document_totals,
    line,
)

__all__ = ["bench_aging", "bench_issue", "bench_totals", "invoice_lines", "main"]

OUT_DIR = Path(__file__).resolve().parent / "out"
TAXES = (Tax.standard(20), Tax.standard(20), Tax.reduced(7), Tax.reduced(10), Tax.zero())
PRICES = [Decimal(c).scaleb(-2) for c in range(50, 50_000, 37)]
QUANTITIES = [Decimal(q) for q in range(1, 21)] + [Decimal("0.5"), Decimal("2.25")]


def _timed(fn: Callable[[], Any]) -> tuple[Any, float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    result = fn()
    return result, time.perf_counter() - wall, time.process_time() - cpu


def _batched(call: Callable[[Any], list[Any]], items: Sequence[Any],
             batch: int) -> tuple[list[Any], float, float]:
    """``call`` on ``items`` ``batch`` at a time; the results and the summed wall and CPU."""
    out: list[Any] = []
    wall = cpu = 0.0
    for i in range(0, len(items), batch):
        done, w, c = _timed(partial(call, items[i:i + batch]))
        out += done
        wall += w
        cpu += c
    return out, wall, cpu


def invoice_lines(rng: random.Random, count: int) -> list[DocumentLine]:
    """``count`` seeded lines: mixed rates, some gross prices, discounts and charges."""
    out = []
    for i in range(count):
        roll = rng.random()
        ln = line(f"Item {rng.randrange(10_000):04d}", rng.choice(QUANTITIES),
                  rng.choice(PRICES), rng.choice(TAXES), price_includes_tax=roll < 0.1,
                  discount=rng.choice((5, 10, "2.5")) if 0.7 < roll < 0.95 else None,
                  item_id=f"SKU-{i}" if roll > 0.5 else None)
        if roll >= 0.95:  # a fixed discount and a percentage surcharge on the line
            ln = attrs.evolve(ln, allowances_charges=(
                AllowanceCharge.allowance("0.10", reason="Rebate"),
                AllowanceCharge.charge(percent=2, reason="Small order")))
        out.append(ln)
    return out


def _book(url: str) -> bc.Backoffice:
    bo = bc.Backoffice.open(url, book="bench")
    bo.ledger.setup("Bench GmbH", currency="EUR", chart="generic")
    return bo


# ---------------------------------------------------------------------------- A
def bench_issue(path: Path, invoices: int, batch: int, single: int, seed: int) -> dict[str, Any]:
    """A: create ``invoices`` ten-line drafts on an SQLite file and issue them in bulk."""
    rng = random.Random(seed)
    bo = _book(f"sqlite:///{path}")
    customers = [bo.documents.create_party(f"Customer {i:03d}").id for i in range(200)]
    total = invoices + single
    specs = [(rng.choice(customers), date(2026, 1, 1) + timedelta(days=n * 365 // total),
              invoice_lines(rng, 10)) for n in range(total)]
    bulk = [DraftSpec("sales_invoice", c, d, ls) for c, d, ls in specs[:invoices]]
    created, create_wall, create_cpu = _batched(bo.documents.create_many, bulk, batch)
    drafts = [d.id for d in created]
    drafts_checked = [(d.state.value, d.party_id, d.date) for d in created] == [
        ("draft", c, d) for c, d, _ in specs[:invoices]] and len(set(drafts)) == invoices
    create = bo.documents.create_invoice
    issued, issue_wall, issue_cpu = _batched(bo.documents.issue_many, drafts, batch)
    sample, single_create_wall, single_create_cpu = _timed(
        lambda: [create(c, d, ls).id for c, d, ls in specs[invoices:]])
    singles, single_wall, single_cpu = _timed(lambda: [bo.documents.issue(d) for d in sample])
    numbers = [d.number for d in issued + singles]
    due = sum((d.totals.amount_due for d in issued + singles if d.totals is not None),
              bc.Money("0.00", "EUR"))
    verified, verify_wall, _ = _timed(lambda: bo.ledger.verify().ok)
    checked = (drafts_checked
               and numbers == [f"INV-2026-{n:05d}" for n in range(1, len(numbers) + 1)]
               and bo.ledger.balance("1140") == due and verified)
    if not checked:
        raise SystemExit(f"issuing check failed: drafts as given {drafts_checked}; "
                         f"receivables {bo.ledger.balance('1140')} vs due {due}; "
                         f"ledger verifies: {verified}")
    return {"invoices": invoices, "lines_per_invoice": 10, "batch": batch,
            "create_wall_s": create_wall, "create_cpu_s": create_cpu,
            "create_ms_per_invoice": create_wall / invoices * 1e3,
            "issue_many_wall_s": issue_wall, "issue_many_cpu_s": issue_cpu,
            "total_wall_s": create_wall + issue_wall, "total_cpu_s": create_cpu + issue_cpu,
            "issue_many_ms_per_invoice": issue_wall / invoices * 1e3,
            "single_sample": single, "single_wall_s": single_wall, "single_cpu_s": single_cpu,
            "single_create_wall_s": single_create_wall,
            "single_create_cpu_s": single_create_cpu,
            "single_create_ms_per_invoice": single_create_wall / max(single, 1) * 1e3,
            "single_ms_per_invoice": single_wall / max(single, 1) * 1e3,
            "entries": len(numbers), "verify_wall_s": verify_wall, "checked": checked}


# ---------------------------------------------------------------------------- B
def bench_totals(lines: int, repeat: int, seed: int) -> dict[str, Any]:
    """B: ``document_totals`` of one ``lines``-line invoice, ``repeat`` times."""
    rng = random.Random(seed + 1)
    acs = (AllowanceCharge.allowance(percent="1.5", reason="Loyalty", tax=Tax.standard(20)),
           AllowanceCharge.charge("25.00", reason="Freight", tax=Tax.standard(20)))
    body = invoice_lines(rng, lines)
    doc = Document("bench", "sales_invoice", "p", "EUR", date(2026, 3, 1), body,
                   allowances_charges=acs)
    times, cpus = [], []
    totals = None
    for _ in range(repeat):
        totals, wall, cpu = _timed(lambda: document_totals(doc))
        times.append(wall)
        cpus.append(cpu)
    assert totals is not None
    times.sort()
    return {"lines": lines, "repeat": repeat, "tax_groups": len(totals.breakdown),
            "median_ms": statistics.median(times) * 1e3,
            "p99_ms": times[max(int(len(times) * 0.99) - 1, 0)] * 1e3,
            "min_ms": times[0] * 1e3, "median_cpu_ms": statistics.median(cpus) * 1e3,
            "amount_due": str(totals.amount_due.amount)}


# ---------------------------------------------------------------------------- C
def _aging_book(items: int, parties: int, seed: int) -> tuple[bc.Backoffice, date]:
    """A memory book of ``items`` documents (about 97% open), built through the service."""
    rng = random.Random(seed + 2)
    bo = _book("memory://")
    docs = bo.documents
    ids = [docs.create_party(f"Party {i:04d}", payment_terms=PaymentTerms.net(
        rng.choice((14, 30, 60)))).id for i in range(parties)]
    as_of = date(2025, 12, 31)
    invoices = int(items * 0.97)
    made = [docs.create_invoice(rng.choice(ids), date(2025, 1, 1) + timedelta(
        days=rng.randrange(365)), [line("Service", 1, rng.choice(PRICES), rng.choice(TAXES))])
        for _ in range(invoices)]
    drafts = [d.id for d in sorted(made, key=lambda d: d.date)]  # numbers follow the dates
    del made
    issued: list[Document] = []
    for i in range(0, len(drafts), 5_000):
        issued += docs.issue_many(drafts[i:i + 5_000])
    credits = [docs.credit(inv.id, {"1": "0.5"}, date=inv.date).id  # half credited
               for inv in sorted(rng.sample(issued, k=items - invoices), key=lambda d: d.date)]
    docs.issue_many(credits)
    paid = rng.sample(issued, k=max(items // 100, 2))
    days = [max(as_of - timedelta(days=3) if n % 2 else as_of + timedelta(days=10), inv.date)
            for n, inv in enumerate(paid)]  # part paid before the report date, part after
    for n in sorted(range(len(paid)), key=days.__getitem__):  # payment numbers follow dates
        inv = paid[n]
        assert inv.totals is not None
        part = bc.Money.from_minor(inv.totals.amount_due.to_minor() * 2 // 5, "EUR")
        docs.record_payment(inv.party_id, part, days[n], allocate_to=[inv.id])
    return bo, as_of


def _copy_to_sqlite(bo: bc.Backoffice, path: Path) -> bc.Backoffice:
    """The documents, payments and allocations of ``bo`` written into an SQLite book."""
    sql = _book(f"sqlite:///{path}")
    with bo.unit_of_work() as source:
        allocations = getattr(source, "documents").find_allocations()  # noqa: B009
    with sql.unit_of_work() as uow:
        repo: Any = getattr(uow, "documents")  # noqa: B009 - not on the UnitOfWork protocol
        for p in bo.documents.parties(include_archived=True):
            repo.add_party(p)
        for d in bo.documents.find():
            repo.add_document(d)
        for pay in bo.documents.payments():
            repo.add_payment(pay)
        for a in allocations:
            repo.add_allocation(a)
        uow.commit()
    return sql


def _best(fn: Callable[[], Any], repeat: int) -> tuple[Any, float, float, float]:
    walls, cpus, result = [], [], None
    for _ in range(repeat):
        result, wall, cpu = _timed(fn)
        walls.append(wall)
        cpus.append(cpu)
    return result, min(walls), statistics.median(walls), min(cpus)


def bench_aging(items: int, sqlite_items: int, parties: int, repeat: int, seed: int,
                tmp: Path) -> dict[str, Any]:
    """C: ``bo.documents.aging`` over ``items`` open documents, in memory and on SQLite."""
    (bo, as_of), build_wall, _ = _timed(lambda: _aging_book(items, parties, seed))
    report, best, median, cpu = _best(lambda: bo.documents.aging(as_of), repeat)
    receivables = bo.ledger.balance("1140", as_of=as_of)
    reconciles = report.total("EUR") == receivables
    if not reconciles:
        raise SystemExit(f"aging {report.total('EUR')} != receivables {receivables}")
    out: dict[str, Any] = {
        "open_items": len(report.items), "parties": len(report.rows), "build_wall_s": build_wall,
        "memory_best_s": best, "memory_median_s": median, "memory_best_cpu_s": cpu,
        "reconciles_with_ledger": reconciles}
    if sqlite_items:
        small = bo if sqlite_items == items else _aging_book(sqlite_items, parties, seed)[0]
        want = small.documents.aging(as_of)
        sql, copy_wall, _ = _timed(lambda: _copy_to_sqlite(small, tmp / "aging.db"))
        got, best, median, cpu = _best(lambda: sql.documents.aging(as_of), repeat)
        same = got == want
        if not same:
            raise SystemExit("the SQLite aging differs from the memory aging")
        out.update({"sqlite_open_items": len(got.items), "sqlite_copy_wall_s": copy_wall,
                    "sqlite_best_s": best, "sqlite_median_s": median,
                    "sqlite_best_cpu_s": cpu, "sqlite_equals_memory": same})
    return out


# ---------------------------------------------------------------------------- main
def _machine() -> dict[str, Any]:
    root = Path(__file__).resolve().parent.parent
    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True,
                                text=True, check=False, cwd=root).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "src"], capture_output=True,
                               text=True, check=False, cwd=root).stdout.strip()
    except OSError:
        commit, dirty = "", ""
    loop = time.process_time()  # a fixed amount of pure-Python work: compare machines
    x = 0
    for i in range(5_000_000):
        x += i
    return {"cpu": platform.processor() or platform.machine(), "cpus": os.cpu_count(),
            "python": platform.python_version(), "commit": commit + ("+dirty" if dirty else ""),
            "load": os.getloadavg() if hasattr(os, "getloadavg") else None,
            "loop_5M_s": time.process_time() - loop}


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; see the module text."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--invoices", type=int, default=10_000)
    parser.add_argument("--batch", type=int, default=1_000, help="invoices per issue_many")
    parser.add_argument("--single", type=int, default=200, help="invoices issued one by one")
    parser.add_argument("--lines", type=int, default=1_000, help="lines of the totals invoice")
    parser.add_argument("--repeat", type=int, default=200, help="totals calls")
    parser.add_argument("--aging", type=int, default=100_000, help="open documents (memory)")
    parser.add_argument("--aging-sqlite", type=int, default=100_000,
                        help="open documents on SQLite (0: skip)")
    parser.add_argument("--parties", type=int, default=1_000)
    parser.add_argument("--aging-repeat", type=int, default=5)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--quick", action="store_true",
                        help="a smoke run: 300 invoices, 200 lines, 3,000 open documents")
    parser.add_argument("--json", default=str(OUT_DIR / "documents_bench.json"),
                        help="where to write the results ('-' to skip)")
    args = parser.parse_args(argv)
    if args.quick:
        args.invoices, args.batch, args.single, args.lines, args.repeat = 300, 150, 10, 200, 20
        args.aging, args.aging_sqlite, args.parties, args.aging_repeat = 3_000, 3_000, 50, 2
    machine = _machine()
    print(f"# {machine['cpu']} x{machine['cpus']}, Python {machine['python']}, commit "
          f"{machine['commit']}, load {machine['load']}, 5M-iteration loop "
          f"{machine['loop_5M_s']:.2f} s CPU")
    with tempfile.TemporaryDirectory(prefix="documents_bench") as tmp:
        a = bench_issue(Path(tmp) / "issue.db", args.invoices, args.batch, args.single,
                        args.seed)
        gc.collect()
        print(f"A  {a['invoices']:,} invoices x 10 lines on SQLite, batches of "
              f"{a['batch']:,}: drafts (create_many) {a['create_wall_s']:.2f} s wall / "
              f"{a['create_cpu_s']:.2f} s CPU ({a['create_ms_per_invoice']:.2f} ms/invoice); "
              f"issue_many {a['issue_many_wall_s']:.2f} s wall / "
              f"{a['issue_many_cpu_s']:.2f} s CPU ({a['issue_many_ms_per_invoice']:.2f} "
              f"ms/invoice); both {a['total_wall_s']:.2f} s wall / {a['total_cpu_s']:.2f} s CPU")
        print(f"A' one by one, {a['single_sample']} invoices: create "
              f"{a['single_create_ms_per_invoice']:.2f} ms/invoice wall "
              f"({a['single_create_cpu_s']:.2f} s CPU), issue "
              f"{a['single_ms_per_invoice']:.2f} ms/invoice wall "
              f"({a['single_ms_per_invoice'] * a['invoices'] / 1e3:.0f} s for "
              f"{a['invoices']:,}); numbers gapless, receivables = amounts due, ledger "
              f"verifies ({a['verify_wall_s']:.1f} s)")
        b = bench_totals(args.lines, args.repeat, args.seed)
        print(f"B  totals of a {b['lines']:,}-line invoice ({b['tax_groups']} VAT groups), "
              f"{b['repeat']} calls: median {b['median_ms']:.2f} ms, p99 {b['p99_ms']:.2f} ms, "
              f"min {b['min_ms']:.2f} ms")
        c = bench_aging(args.aging, args.aging_sqlite, args.parties, args.aging_repeat,
                        args.seed, Path(tmp))
        print(f"C  aging over {c['open_items']:,} open items ({c['parties']:,} parties), "
              f"memory: best {c['memory_best_s']:.3f} s, median {c['memory_median_s']:.3f} s "
              f"(CPU {c['memory_best_cpu_s']:.3f} s); reconciles with the ledger; book built "
              f"in {c['build_wall_s']:.1f} s")
        if "sqlite_best_s" in c:
            print(f"C' aging over {c['sqlite_open_items']:,} open items on SQLite: best "
                  f"{c['sqlite_best_s']:.3f} s, median {c['sqlite_median_s']:.3f} s (CPU "
                  f"{c['sqlite_best_cpu_s']:.3f} s); equals the memory report")
    if args.json != "-":
        path = Path(args.json)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps({"machine": machine, "issue": a, "totals": b, "aging": c},
                                   indent=2, default=str), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
