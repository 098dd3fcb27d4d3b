"""Ledger benchmark: the in-memory adapter against its targets, and against beancount 3.

Generates a synthetic ledger (seeded, so every run sees the same data): N
entries of 2 to 4 lines over 60 accounts and 3 years, amounts in cents. It
writes the ledger as JSON lines and as a beancount file, then measures:

A. posting throughput of two-line entries through the public API
   (``bo.ledger.post_many`` in batches, and ``bo.ledger.post`` one by one);
B. a trial balance over the N posted entries (``bo.ledger.balances()``, and the
   trial-balance report when the installed version has one);
C. a balance as of a random date for a random account (median and p99);
D. end to end, ours (``bo.ledger.import_entries`` on the JSON-lines file: read,
   validate and post; then every account balance; D' the same by building
   ``NewEntry`` values by hand and calling ``post_many``)
   against beancount (``loader.load_file`` + ``realization.realize``), and
   checks that both agree on every balance, and with the generator's own sums.

Run ``python benchmarks/ledger_bench.py --sizes 10000 100000 1000000`` (default
10k and 100k; ``--quick`` for a smoke run). Results print as a table and go to
``benchmarks/out/ledger_bench.json`` (git-ignored). Timings are floats: they are
durations, never money (float-ok throughout this file).
"""

from __future__ import annotations

import argparse
import gc
import hashlib
import json
import os
import platform
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Sequence
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any, NamedTuple

import backoffice_core as bc

__all__ = [
    "CHART",
    "ChartAccount",
    "RawEntry",
    "beancount_balances",
    "compare_balances",
    "expected_balances",
    "generate",
    "main",
    "new_book",
    "ours_end_to_end",
    "run_size",
    "write_beancount",
    "write_jsonl",
]

START = date(2023, 1, 1)
DAYS = 1096  # 2023-01-01 .. 2025-12-31
CURRENCY = "USD"
OUT_DIR = Path(__file__).resolve().parent / "out"


class ChartAccount(NamedTuple):
    """One account of the benchmark chart: our code, its beancount name, its type."""

    code: str
    bean: str
    type: str


def _chart() -> tuple[ChartAccount, ...]:
    groups = {
        "asset": ("1010 Assets:Bank:Checking", "1020 Assets:Bank:Savings",
                  "1030 Assets:Bank:Payroll", "1040 Assets:Cash:Petty",
                  "1050 Assets:Cash:Registers", "1100 Assets:Receivables:Trade",
                  "1110 Assets:Receivables:Employees", "1200 Assets:Inventory:Goods",
                  "1210 Assets:Inventory:Materials", "1300 Assets:Prepaid:Insurance",
                  "1400 Assets:Fixed:Equipment", "1410 Assets:Fixed:Vehicles"),
        "liability": ("2010 Liabilities:Payables:Trade", "2020 Liabilities:Payables:CreditCard",
                      "2100 Liabilities:Tax:Sales", "2110 Liabilities:Tax:Payroll",
                      "2120 Liabilities:Tax:Income", "2200 Liabilities:Payroll:NetPay",
                      "2300 Liabilities:Loans:Bank", "2400 Liabilities:Deferred:Revenue"),
        "equity": ("3100 Equity:Capital", "3200 Equity:Retained", "3300 Equity:Drawings"),
        "income": ("4010 Income:Sales:Products", "4020 Income:Sales:Services",
                   "4030 Income:Sales:Subscriptions", "4040 Income:Sales:Shipping",
                   "4100 Income:Other:Interest", "4110 Income:Other:Rental",
                   "4120 Income:Other:Royalties", "4200 Income:Discounts:Received",
                   "4300 Income:Grants", "4400 Income:FX:Gains"),
        "expense": ("5010 Expenses:Cost:Goods", "5020 Expenses:Cost:Freight",
                    "5030 Expenses:Cost:Packaging", "6010 Expenses:Payroll:Salaries",
                    "6020 Expenses:Payroll:Taxes", "6030 Expenses:Payroll:Benefits",
                    "6040 Expenses:Payroll:Training", "6100 Expenses:Office:Rent",
                    "6110 Expenses:Office:Utilities", "6120 Expenses:Office:Supplies",
                    "6130 Expenses:Office:Cleaning", "6140 Expenses:Office:Repairs",
                    "6200 Expenses:IT:Software", "6210 Expenses:IT:Hardware",
                    "6220 Expenses:IT:Hosting", "6230 Expenses:IT:Telecom",
                    "6300 Expenses:Marketing:Ads", "6310 Expenses:Marketing:Events",
                    "6320 Expenses:Marketing:Print", "6400 Expenses:Travel:Transport",
                    "6410 Expenses:Travel:Lodging", "6420 Expenses:Travel:Meals",
                    "6500 Expenses:Professional:Legal", "6510 Expenses:Professional:Accounting",
                    "6600 Expenses:Insurance", "6700 Expenses:Bank:Fees",
                    "6800 Expenses:Depreciation"),
    }
    out = []
    for kind, rows in groups.items():
        for row in rows:
            code, bean = row.split(" ")
            out.append(ChartAccount(code, bean, kind))
    return tuple(out)


CHART = _chart()


class RawEntry(NamedTuple):
    """A generated entry: date, description, and (account code, signed cents) lines."""

    day: date
    description: str
    lines: tuple[tuple[str, int], ...]


def generate(n: int, *, seed: int = 20260101, min_lines: int = 2,
             max_lines: int = 4) -> list[RawEntry]:
    """``n`` balanced entries in date order over :data:`CHART` and 3 years (deterministic)."""
    rng = random.Random(seed)
    days = [START + timedelta(days=i) for i in range(DAYS)]
    offsets = sorted(rng.randrange(DAYS) for _ in range(n))
    codes = [a.code for a in CHART]
    out: list[RawEntry] = []
    for i, off in enumerate(offsets):
        k = rng.randint(min_lines, max_lines)
        accounts = rng.sample(codes, k)
        n_debits = rng.randint(1, k - 1)
        debits = [rng.randint(100, 500_000) for _ in range(n_debits)]
        total = sum(debits)
        cuts = sorted(rng.sample(range(1, total), k - n_debits - 1))
        credits = [b - a for a, b in zip([0, *cuts], [*cuts, total], strict=True)]
        amounts = debits + [-c for c in credits]
        lines = tuple(zip(accounts, amounts, strict=True))
        out.append(RawEntry(days[off], f"Entry {i + 1:07d}", lines))
    return out


def expected_balances(entries: Iterable[RawEntry]) -> dict[str, int]:
    """The generator's own net balance per account, in cents (the third opinion)."""
    sums = {a.code: 0 for a in CHART}
    for e in entries:
        for code, cents in e.lines:
            sums[code] += cents
    return sums


def _decimal_text(cents: int) -> str:
    sign = "-" if cents < 0 else ""
    whole, frac = divmod(abs(cents), 100)
    return f"{sign}{whole}.{frac:02d}"


def write_jsonl(entries: Iterable[RawEntry], path: Path) -> None:
    """One JSON object per entry: date, description, lines of account and amount (text)."""
    with path.open("w", encoding="utf-8") as fh:
        for e in entries:
            fh.write(json.dumps({
                "date": e.day.isoformat(),
                "description": e.description,
                "lines": [{"account": c, "amount": _decimal_text(v)} for c, v in e.lines],
            }, separators=(",", ":")))
            fh.write("\n")


def write_beancount(entries: Iterable[RawEntry], path: Path) -> None:
    """The same ledger as a beancount file (opens on the first day, USD only)."""
    names = {a.code: a.bean for a in CHART}
    with path.open("w", encoding="utf-8") as fh:
        fh.write('option "title" "backoffice_core benchmark ledger"\n')
        fh.write(f'option "operating_currency" "{CURRENCY}"\n\n')
        for a in CHART:
            fh.write(f"{START.isoformat()} open {a.bean} {CURRENCY}\n")
        for e in entries:
            fh.write(f'\n{e.day.isoformat()} * "{e.description}"\n')
            for code, cents in e.lines:
                fh.write(f"  {names[code]}  {_decimal_text(cents)} {CURRENCY}\n")


def new_book() -> bc.Backoffice:
    """A fresh in-memory book with the 60 accounts of :data:`CHART` (public API only)."""
    bo = bc.Backoffice.open("memory://", book="bench")
    bo.ledger.setup("Benchmark Ltd", currency=CURRENCY)
    for a in CHART:
        bo.ledger.open_account(a.code, a.bean.split(":", 1)[1], a.type)
    return bo


def to_new_entries(entries: Iterable[RawEntry]) -> list[bc.NewEntry]:
    """Build the public-API entries from generated ones (lines via ``debit``/``credit``)."""
    out = []
    debit, credit, new_entry = bc.debit, bc.credit, bc.NewEntry
    for e in entries:
        lines = [debit(c, _decimal_text(v)) if v > 0 else credit(c, _decimal_text(-v))
                 for c, v in e.lines]
        out.append(new_entry(e.day, e.description, lines))
    return out


def read_jsonl(path: Path) -> list[bc.NewEntry]:
    """Parse the JSON-lines file into :class:`NewEntry` values (amounts stay text → Decimal)."""
    out = []
    new_entry, line, from_iso, loads = bc.NewEntry, bc.Line, date.fromisoformat, json.loads
    with path.open(encoding="utf-8") as fh:
        for text in fh:
            obj = loads(text)
            out.append(new_entry(from_iso(obj["date"]), obj["description"],
                                 [line(x["account"], x["amount"]) for x in obj["lines"]]))
    return out


def post_in_batches(bo: bc.Backoffice, entries: Sequence[bc.NewEntry], batch: int) -> None:
    """Post ``entries`` with ``bo.ledger.post_many``, ``batch`` entries per unit of work."""
    post_many = bo.ledger.post_many
    for i in range(0, len(entries), batch):
        post_many(entries[i:i + batch])


def ours_balances(bo: bc.Backoffice) -> dict[str, Decimal]:
    """Every account's net balance as a Decimal, from the running balances."""
    return {b.key.account: b.money.amount for b in bo.ledger.balances()
            if b.key.currency == CURRENCY}


def ours_end_to_end(path: Path, batch: int) -> tuple[dict[str, float], dict[str, Decimal],
                                                     bc.Backoffice]:
    """Ours, from the JSON-lines file to every balance; returns phase timings (s).

    ``bo.ledger.import_entries`` reads, validates (the pydantic boundary schema) and
    posts the file in one unit of work; ``*_cpu`` are the process's CPU seconds,
    which a busy machine disturbs less than the wall clock.
    """
    import backoffice_core.schemas.ledger  # noqa: F401  (imported before timing, like beancount)

    c0, t0 = time.process_time(), time.perf_counter()
    bo = new_book()
    with path.open("rb") as fh:
        bo.ledger.import_entries(fh, chunk=batch)
    c1, t1 = time.process_time(), time.perf_counter()
    balances = ours_balances(bo)
    c2, t2 = time.process_time(), time.perf_counter()
    phases = {"import": t1 - t0, "balances": t2 - t1, "total": t2 - t0,
              "import_cpu": c1 - c0, "total_cpu": c2 - c0}
    return phases, balances, bo


def ours_via_new_entries(path: Path, batch: int) -> dict[str, float]:
    """The other public way: parse each line into ``NewEntry`` by hand, then ``post_many``."""
    c0, t0 = time.process_time(), time.perf_counter()
    bo = new_book()
    entries = read_jsonl(path)
    t1 = time.perf_counter()
    post_in_batches(bo, entries, batch)
    ours_balances(bo)
    c2, t2 = time.process_time(), time.perf_counter()
    return {"read": t1 - t0, "post": t2 - t1, "total": t2 - t0, "total_cpu": c2 - c0}


def beancount_balances(path: Path) -> tuple[dict[str, float], dict[str, Decimal]]:
    """Beancount 3: ``load_file`` (no pickle cache) then ``realize``; balances by name."""
    from beancount import loader
    from beancount.core import realization

    loader.initialize(use_cache=False)
    c0, t0 = time.process_time(), time.perf_counter()
    entries, errors, _options = loader.load_file(str(path))
    t1 = time.perf_counter()
    root = realization.realize(entries)
    balances: dict[str, Decimal] = {}
    for a in CHART:
        real = realization.get(root, a.bean)
        units = real.balance.get_currency_units(CURRENCY) if real is not None else None
        balances[a.bean] = units.number if units is not None else Decimal(0)
    c2, t2 = time.process_time(), time.perf_counter()
    if errors:
        raise RuntimeError(f"beancount reported {len(errors)} errors, first: {errors[0]}")
    return {"load": t1 - t0, "balances": t2 - t1, "total": t2 - t0,
            "total_cpu": c2 - c0}, balances


def compare_balances(ours: dict[str, Decimal], beancount: dict[str, Decimal] | None,
                     expected: dict[str, int]) -> list[str]:
    """Every account where ours, beancount's (when given) and the generator's differ."""
    problems = []
    for a in CHART:
        mine = ours.get(a.code, Decimal(0))
        theirs = beancount.get(a.bean) if beancount is not None else mine
        truth = Decimal(expected[a.code]).scaleb(-2)
        if theirs is None or mine != theirs or mine != truth:
            problems.append(f"{a.code} {a.bean}: ours {mine}, beancount {theirs}, "
                            f"generator {truth}")
    return problems


def _trial_balance(bo: bc.Backoffice) -> tuple[Callable[..., Any] | None, str]:
    """The trial-balance report of ``bo`` (keyword ``as_of``), if this version has one."""
    reports = getattr(bo.ledger, "reports", None)
    if reports is not None and callable(getattr(reports, "trial_balance", None)):
        return reports.trial_balance, "bo.ledger.reports.trial_balance()"
    try:
        from backoffice_core.ledger.reports import trial_balance
    except ImportError:
        return None, "skipped: backoffice_core.ledger.reports.trial_balance does not exist"
    return (lambda **kw: trial_balance(bo.ledger, **kw)), "reports.trial_balance(bo.ledger)"


def _repeat(fn: Callable[[], Any], times: int) -> list[float]:
    out = []
    for _ in range(times):
        t = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t)
    return out


def _percentile(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


class Floor:
    """The least a pure-Python ledger must do to post two-line entries: a yardstick.

    Per entry: price the first line in minor units, build the two stored lines and the
    entry as tuples, write the lines' text and chain it with SHA-256 over the previous
    hash, and add both lines to per-(account, day) totals. No checks, no ids, no storage.
    :func:`share_of_floor` times it batch by batch, alternating with ``post_many`` on
    the same entries, so that both see the same moments of a shared machine: their ratio
    says how close the ledger comes to plain Python on this machine, a figure that moves
    far less with the machine's load than the raw rate does.
    """

    def __init__(self) -> None:
        self.prev, self.seq = "", 0
        self.kept: list[tuple[Any, ...]] = []
        self.totals: dict[tuple[str, date], list[int]] = {}

    def post(self, entries: Sequence[bc.NewEntry]) -> None:
        """Do the least work of posting ``entries`` (the cyclic collector paused, as
        ``post_many`` pauses it)."""
        paused = gc.isenabled()
        gc.disable()
        new, prev, seq, kept, totals = tuple.__new__, self.prev, self.seq, self.kept, self.totals
        for e in entries:
            first, second = e.lines
            amount = first.amount
            n, d = (amount.amount if isinstance(amount, bc.Money) else amount).as_integer_ratio()
            minor = n * (100 // d)
            m = str(minor)
            lines = (new(tuple, (first.account, minor, CURRENCY, minor, (), "")),
                     new(tuple, (second.account, -minor, CURRENCY, -minor, (), "")))
            text = (f"{first.account}:{m}:{CURRENCY}:{m}::\x1e"
                    f"{second.account}:-{m}:{CURRENCY}:-{m}::")
            seq += 1
            digest = hashlib.sha256(f"{prev}\x1d{seq}\x1f{e.date}\x1f{e.description}"
                                    f"\x1d{text}".encode()).hexdigest()
            kept.append(new(tuple, (seq, e.date, e.description, lines, prev, digest)))
            prev = digest
            for account, value in ((first.account, minor), (second.account, -minor)):
                row = totals.get((account, e.date))
                if row is None:
                    totals[(account, e.date)] = [value]
                else:
                    row[0] += value
        self.prev, self.seq = prev, seq
        if paused:
            gc.enable()


def share_of_floor(entries: Sequence[bc.NewEntry], batch: int) -> dict[str, float]:
    """``post_many`` and :class:`Floor` on the same ``entries``, batch by batch in turn:
    the CPU time of each, and the floor's time as a share of ``post_many``'s."""
    bo, floor = new_book(), Floor()
    gc.collect()
    post_many, ours, least = bo.ledger.post_many, 0.0, 0.0
    for i in range(0, len(entries), batch):
        part = entries[i:i + batch]
        c = time.process_time()
        post_many(part)
        c2 = time.process_time()
        floor.post(part)
        ours, least = ours + c2 - c, least + time.process_time() - c2
    return {"paired_post_many_cpu_s": ours, "paired_floor_cpu_s": least,
            "of_floor": least / ours}


def measure_posting(n: int, batch: int, single_cap: int, seed: int) -> dict[str, Any]:
    """A: two-line entries through ``post_many`` (batches) and ``post`` (one by one)."""
    raw = generate(n, seed=seed + 1, min_lines=2, max_lines=2)
    gc.collect()
    t = time.perf_counter()
    entries = to_new_entries(raw)
    build = time.perf_counter() - t
    del raw
    bo = new_book()
    gc.collect()
    c, t = time.process_time(), time.perf_counter()
    post_in_batches(bo, entries, batch)
    post_many = time.perf_counter() - t
    post_many_cpu = time.process_time() - c
    del bo
    paired = share_of_floor(entries, batch)
    single_n = min(n, single_cap)
    bo1 = new_book()
    gc.collect()
    post = bo1.ledger.post
    t = time.perf_counter()
    for e in entries[:single_n]:
        post(e)
    single = time.perf_counter() - t
    return {
        "entries": n, "batch": batch,
        "build_s": build, "post_many_s": post_many, "post_many_cpu_s": post_many_cpu,
        "post_many_per_s": n / post_many, "post_many_cpu_per_s": n / post_many_cpu,
        **paired, "floor_cpu_per_s": n / paired["paired_floor_cpu_s"],
        "post_many_with_build_per_s": n / (post_many + build),
        "post_single_entries": single_n, "post_single_s": single,
        "post_single_per_s": single_n / single,
    }


def measure_queries(bo: bc.Backoffice, queries: int, repeat: int, seed: int) -> dict[str, Any]:
    """B and C on a posted book: trial balance timings and balance-as-of latencies.

    The first balance as of a date is timed before any other read, and the first trial
    balance as of a date before its repeats: what a store defers to its first read after
    a bulk load shows there, and not in the medians.
    """
    rng = random.Random(seed + 2)
    day = START + timedelta(days=rng.randrange(DAYS))
    t = time.perf_counter()
    bo.ledger.balance(CHART[0].code, as_of=day)
    first_as_of = time.perf_counter() - t
    tb = _repeat(bo.ledger.balances, repeat)
    out: dict[str, Any] = {"balances_median_s": statistics.median(tb), "balances_min_s": min(tb),
                           "balances_rows": len(bo.ledger.balances())}
    report, how = _trial_balance(bo)
    out["trial_balance_call"] = how
    if report is not None:
        try:
            tb_report = report()
            times = _repeat(report, repeat)
            day = START + timedelta(days=rng.randrange(DAYS))
            t = time.perf_counter()
            report(as_of=day)
            out["trial_balance_as_of_first_s"] = time.perf_counter() - t
            as_of = _repeat(lambda: report(as_of=day), repeat)
        except TypeError as err:  # the report's signature changed: say so, do not guess
            out["trial_balance_call"] = f"skipped: {err}"
        else:
            out["trial_balance_rows"] = len(tb_report.rows)
            out["trial_balance_balanced"] = bool(tb_report.is_balanced)
            out["trial_balance_median_s"] = statistics.median(times)
            out["trial_balance_min_s"] = min(times)
            out["trial_balance_as_of_median_s"] = statistics.median(as_of)
    asks = [(rng.choice(CHART).code, START + timedelta(days=rng.randrange(-30, DAYS + 30)))
            for _ in range(queries)]
    balance = bo.ledger.balance
    lat = []
    for code, day in asks:
        t = time.perf_counter()
        balance(code, as_of=day)
        lat.append(time.perf_counter() - t)
    out.update({"as_of_queries": queries, "as_of_first_after_load_s": first_as_of,
                "as_of_first_s": lat[0],
                "as_of_median_s": statistics.median(lat), "as_of_p99_s": _percentile(lat, 0.99),
                "as_of_max_s": max(lat)})
    return out


def _best_posting(rounds: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Measure A over several rounds: the fastest time of each step, and its rates."""
    best = dict(rounds[0])
    for key in ("build_s", "post_many_s", "post_many_cpu_s", "post_single_s"):
        best[key] = min(r[key] for r in rounds)
    n, single_n = best["entries"], best["post_single_entries"]
    best["post_many_per_s"] = n / best["post_many_s"]
    best["post_many_cpu_per_s"] = n / best["post_many_cpu_s"]
    best["post_many_with_build_per_s"] = n / (best["post_many_s"] + best["build_s"])
    best["post_single_per_s"] = single_n / best["post_single_s"]
    best["rounds_post_many_per_s"] = [r["post_many_per_s"] for r in rounds]
    best["floor_cpu_per_s"] = n / min(r["paired_floor_cpu_s"] for r in rounds)
    best["rounds_of_floor"] = [r["of_floor"] for r in rounds]
    best["of_floor"] = statistics.median(best["rounds_of_floor"])
    return best


def _best_of(rounds: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """The smallest value of every timing over several rounds (the least disturbed)."""
    best = dict(rounds[0])
    for key, value in rounds[0].items():
        if isinstance(value, float):  # float-ok: durations
            best[key] = min(r[key] for r in rounds)
    return best


def run_size(n: int, *, data_dir: Path, batch: int = 1000, single_cap: int = 100_000,
             queries: int = 1000, repeat: int = 20, seed: int = 20260101, rounds: int = 1,
             with_beancount: bool = True, log: Callable[[str], None] = print) -> dict[str, Any]:
    """Every measure for one ledger size; raises if the balances disagree.

    With ``rounds`` > 1 every measure runs that many times, ours and beancount
    alternating, and each figure is the best round's: on a shared machine the
    least disturbed run is the closest to the code's own speed.
    """
    result: dict[str, Any] = {"n": n, "rounds": rounds}
    raw = generate(n, seed=seed)
    expected = expected_balances(raw)
    result["lines"] = sum(len(e.lines) for e in raw)
    jsonl, bean = data_dir / f"ledger_{n}.jsonl", data_dir / f"ledger_{n}.beancount"
    t = time.perf_counter()
    write_jsonl(raw, jsonl)
    write_beancount(raw, bean)
    result["write_files_s"] = time.perf_counter() - t
    result["jsonl_bytes"], result["beancount_bytes"] = jsonl.stat().st_size, bean.stat().st_size
    del raw
    posting, ours_runs, via_runs, query_runs, bean_runs = [], [], [], [], []
    problems: list[str] = []
    for r in range(1, rounds + 1):
        log(f"[{n}] round {r}/{rounds} A: posting two-line entries")
        posting.append(measure_posting(n, batch, single_cap, seed))
        log(f"[{n}] round {r}/{rounds} D: ours end to end")
        gc.collect()
        phases, ours, bo = ours_end_to_end(jsonl, batch)
        ours_runs.append(phases)
        log(f"[{n}] round {r}/{rounds} D': NewEntry by hand + post_many")
        via_runs.append(ours_via_new_entries(jsonl, batch))
        log(f"[{n}] round {r}/{rounds} B, C: trial balance and balance as of a date")
        query_runs.append(measure_queries(bo, queries, repeat, seed))
        del bo
        gc.collect()
        if with_beancount:
            log(f"[{n}] round {r}/{rounds} D: beancount load + realize")
            bean_phases, theirs = beancount_balances(bean)
            bean_runs.append(bean_phases)
            problems += compare_balances(ours, theirs, expected)
        else:
            problems += compare_balances(ours, None, expected)
        gc.collect()
    result["posting"] = _best_posting(posting)
    result["ours"] = _best_of(ours_runs)
    result["ours"]["rounds_total"] = [o["total"] for o in ours_runs]
    result["ours_via_new_entries"] = _best_of(via_runs)
    result["queries"] = _best_of(query_runs)
    if bean_runs:
        result["beancount"] = _best_of(bean_runs)
        result["beancount"]["rounds_total"] = [b["total"] for b in bean_runs]
        result["ratio"] = result["beancount"]["total"] / result["ours"]["total"]
        result["ratio_cpu"] = result["beancount"]["total_cpu"] / result["ours"]["total_cpu"]
    result["agree"] = not problems
    result["accounts_checked"] = len(CHART)
    if problems:
        raise AssertionError("balances disagree:\n" + "\n".join(problems))
    return result


def _commit() -> str:
    """The git commit of the code measured, with ``+dirty`` when src/ has local changes."""
    root = Path(__file__).resolve().parents[1]
    try:
        head = subprocess.run(["git", "-C", str(root), "rev-parse", "--short", "HEAD"],
                              capture_output=True, text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(root), "status", "--porcelain", "--", "src"],
                               capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return head + ("+dirty" if dirty else "")


def machine() -> dict[str, Any]:
    """What ran the benchmark."""
    cpu = platform.processor() or platform.machine()
    try:
        for row in Path("/proc/cpuinfo").read_text().splitlines():
            if row.startswith("model name"):
                cpu = row.split(":", 1)[1].strip()
                break
        mem_kb = next(int(r.split()[1]) for r in Path("/proc/meminfo").read_text().splitlines()
                      if r.startswith("MemTotal"))
    except (OSError, StopIteration):
        mem_kb = 0
    try:
        from beancount import __version__ as bean_version
    except ImportError:
        bean_version = "not installed"
    return {"cpu": cpu, "commit": _commit(), "cores": os.cpu_count(),
            "memory_gib": round(mem_kb / 2**20, 1), "platform": platform.platform(),
            "python": platform.python_version(), "interpreter": sys.executable,
            "load_avg": round(os.getloadavg()[0], 2),
            "backoffice_core": bc.__version__, "beancount": bean_version}


def _fmt_s(seconds: float) -> str:
    if seconds < 1e-3:
        return f"{seconds * 1e6:.1f} µs"
    if seconds < 1:
        return f"{seconds * 1e3:.2f} ms"
    return f"{seconds:.2f} s"


def table(results: Sequence[dict[str, Any]]) -> str:
    """The results as a plain-text table, one column per size."""
    rows: list[tuple[str, Callable[[dict[str, Any]], str]]] = [
        ("entries (lines)", lambda r: f"{r['n']:,} ({r['lines']:,})"),
        ("A post_many, 2-line entries/s", lambda r: f"{r['posting']['post_many_per_s']:,.0f}"),
        ("A  ... per CPU second",
         lambda r: f"{r['posting']['post_many_cpu_per_s']:,.0f}"),
        ("A  ... incl. building NewEntry",
         lambda r: f"{r['posting']['post_many_with_build_per_s']:,.0f}"),
        ("A floor: plain-Python minimum, /s CPU",
         lambda r: f"{r['posting']['floor_cpu_per_s']:,.0f}"),
        ("A post_many / floor, same round", lambda r: f"{r['posting']['of_floor']:.0%}"),
        ("A post one by one, entries/s", lambda r: f"{r['posting']['post_single_per_s']:,.0f}"),
        ("B balances() (all accounts)", lambda r: _fmt_s(r["queries"]["balances_median_s"])),
        ("B trial balance report", lambda r: _fmt_s(r["queries"]["trial_balance_median_s"])
         if "trial_balance_median_s" in r["queries"] else "n/a"),
        ("B trial balance report, as of", lambda r: _fmt_s(
            r["queries"]["trial_balance_as_of_median_s"])
         if "trial_balance_as_of_median_s" in r["queries"] else "n/a"),
        ("B  ... as of, first call", lambda r: _fmt_s(
            r["queries"]["trial_balance_as_of_first_s"])
         if "trial_balance_as_of_first_s" in r["queries"] else "n/a"),
        ("C balance as of, median", lambda r: _fmt_s(r["queries"]["as_of_median_s"])),

        ("C balance as of, p99", lambda r: _fmt_s(r["queries"]["as_of_p99_s"])),
        ("C  ... slowest of the queries", lambda r: _fmt_s(r["queries"]["as_of_max_s"])),
        ("C  ... first read after posting",
         lambda r: _fmt_s(r["queries"]["as_of_first_after_load_s"])),
        ("D ours: import_entries (read+post)", lambda r: _fmt_s(r["ours"]["import"])),
        ("D ours: every balance", lambda r: _fmt_s(r["ours"]["balances"])),
        ("D ours: total", lambda r: _fmt_s(r["ours"]["total"])),
        ("D ours: total, CPU", lambda r: _fmt_s(r["ours"]["total_cpu"])),
        ("D' NewEntry by hand + post_many",
         lambda r: _fmt_s(r["ours_via_new_entries"]["total"])),
        ("D beancount: load_file", lambda r: _fmt_s(r["beancount"]["load"])
         if "beancount" in r else "skipped"),
        ("D beancount: realize", lambda r: _fmt_s(r["beancount"]["balances"])
         if "beancount" in r else "skipped"),
        ("D beancount: total", lambda r: _fmt_s(r["beancount"]["total"])
         if "beancount" in r else "skipped"),
        ("D beancount: total, CPU", lambda r: _fmt_s(r["beancount"]["total_cpu"])
         if "beancount" in r else "skipped"),
        ("D ratio beancount / ours", lambda r: f"{r['ratio']:.2f}x" if "ratio" in r else "n/a"),
        ("D ratio, CPU time", lambda r: f"{r['ratio_cpu']:.2f}x" if "ratio" in r else "n/a"),
        ("balances agree", lambda r: f"yes ({r['accounts_checked']} accounts)"
         if r["agree"] else "NO"),
    ]
    width = max(len(label) for label, _ in rows)
    cols = [[fn(r) for r in results] for _, fn in rows]
    cw = max(len(c) for col in cols for c in col)
    return "\n".join(f"{label:<{width}}  " + "  ".join(f"{c:>{cw}}" for c in col)
                     for (label, _), col in zip(rows, cols, strict=True))


def main(argv: Sequence[str] | None = None) -> int:
    """Command line entry point; returns the exit status."""
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    p.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    p.add_argument("--quick", action="store_true", help="a small smoke run (2,000 entries)")
    p.add_argument("--batch", type=int, default=1000, help="entries per post_many call")
    p.add_argument("--single-cap", type=int, default=100_000,
                   help="post() one by one at most this many entries")
    p.add_argument("--queries", type=int, default=1000, help="balance-as-of queries")
    p.add_argument("--repeat", type=int, default=20, help="repeats of the trial balance")
    p.add_argument("--seed", type=int, default=20260101)
    p.add_argument("--rounds", type=int, default=1,
                   help="run every measure this many times and keep each figure's best round")
    p.add_argument("--beancount-max", type=int, default=1_000_000,
                   help="skip beancount above this many entries")
    p.add_argument("--gc", choices=("on", "off"), default="on",
                   help="'off' disables Python's cyclic garbage collector for the whole run "
                        "(both ours and beancount): shows what the collector costs")
    p.add_argument("--data-dir", type=Path, default=None,
                   help="keep the generated files here (default: a temporary directory)")
    p.add_argument("--json", type=Path, default=OUT_DIR / "ledger_bench.json",
                   help="where to write the results ('-' to skip)")
    args = p.parse_args(argv)
    if args.quick:
        args.sizes, args.single_cap, args.queries, args.repeat = [2000], 2000, 200, 5
    try:
        import beancount  # noqa: F401
        have_beancount = True
    except ImportError:
        have_beancount = False
        print("beancount is not installed (pip install -e '.[bench]'): comparison skipped")
    info = machine()
    info["gc"] = args.gc
    if args.gc == "off":
        gc.disable()
    print(f"machine: {info['cpu']}, {info['cores']} cores, {info['memory_gib']} GiB, "
          f"Python {info['python']} ({info['interpreter']}), beancount {info['beancount']}, "
          f"commit {info['commit']}, "
          f"load {info['load_avg']}, gc {args.gc}")
    results = []
    with tempfile.TemporaryDirectory(prefix="ledger_bench_") as tmp:
        data_dir = args.data_dir or Path(tmp)
        data_dir.mkdir(parents=True, exist_ok=True)
        for n in args.sizes:
            results.append(run_size(
                n, data_dir=data_dir, batch=args.batch, single_cap=args.single_cap,
                queries=args.queries, repeat=args.repeat, seed=args.seed, rounds=args.rounds,
                with_beancount=have_beancount and n <= args.beancount_max,
                log=lambda m: print(m, file=sys.stderr, flush=True)))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**10  # KiB -> MiB
    info["load_avg_end"] = round(os.getloadavg()[0], 2)
    print()
    print(table(results))
    print(f"peak RSS: {peak:,.0f} MiB; load average at the end: {info['load_avg_end']}")
    if str(args.json) != "-":
        args.json.parent.mkdir(parents=True, exist_ok=True)
        payload = {"command": " ".join([Path(sys.argv[0]).name, *(argv or sys.argv[1:])]),
                   "machine": info, "peak_rss_mib": peak, "results": results}
        args.json.write_text(json.dumps(payload, indent=2, default=str), encoding="utf-8")
        print(f"results: {args.json}")
    gc.enable()
    return 0


if __name__ == "__main__":
    sys.exit(main())
