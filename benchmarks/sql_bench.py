"""SQL adapter benchmark: SQLite (file) and PostgreSQL against their floor.

For each backend it builds a fresh book (generic chart, USD) and measures:

A. bulk posting: N two-line entries (seeded; 12 accounts, dates over one year)
   through ``bo.ledger.post_many`` in batches of B, running balances and the
   daily rollup included; then **the floor**: the standard library's ``sqlite3``
   inserting the very same rows (entries + postings, read back from the store)
   into an identical, freshly migrated schema with one ``executemany`` per table
   in one transaction, with the store's own pragmas (WAL, foreign keys, page cache).
   The ratio is ours / floor (target: within 3x). For
   PostgreSQL the same rows also go in through psycopg: ``executemany`` and binary
   ``COPY`` (the fastest way in, PostgreSQL's own floor);
B. single posts: ``bo.ledger.post`` one entry per unit of work (median latency);
C. a trial balance over the stored entries: ``bo.ledger.balances()`` (median; target
   < 100 ms at 1M);
D. a balance as of a date: ``bo.ledger.balance(code, as_of=day)`` (median and p99;
   target < 5 ms).

Run::

    python benchmarks/sql_bench.py                       # SQLite, 100k entries
    BACKOFFICE_TEST_POSTGRES_URL=postgresql+psycopg://u@host/db \\
        python benchmarks/sql_bench.py --backends sqlite postgresql --entries 100000
    python benchmarks/sql_bench.py --entries 1000000 --batch 5000   # the 1M run
    python benchmarks/sql_bench.py --entries 20000 --profile         # hot spots

Timings are floats: they are durations, never money (float-ok throughout this file).
"""

from __future__ import annotations

import argparse
import cProfile
import itertools
import os
import platform
import pstats
import random
import sqlite3
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import backoffice_core as bc
from backoffice_core.ports import FixedClock

__all__ = ["main", "make_entries", "run_backend"]

START = date(2026, 1, 1)
ACCOUNTS_DR = ("1110", "1120", "1140", "5100", "6100", "6600")
ACCOUNTS_CR = ("4100", "2110", "2140", "3100", "7100", "4200")


def make_entries(n: int, seed: int = 7) -> Iterator[bc.NewEntry]:
    """``n`` seeded two-line entries in USD over 2026 (generated lazily)."""
    rnd = random.Random(seed)
    for i in range(n):
        cents = rnd.randrange(1, 1_000_000)
        amount = Decimal(cents).scaleb(-2)
        day = START + timedelta(days=rnd.randrange(365))
        yield bc.NewEntry(day, f"bench {i}", [
            bc.debit(rnd.choice(ACCOUNTS_DR), amount),
            bc.credit(rnd.choice(ACCOUNTS_CR), amount)])


def _median_ms(fn: Callable[[], Any], runs: int) -> tuple[float, float]:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    return statistics.median(times), times[min(len(times) - 1, int(len(times) * 0.99))]


def _pg_schema_url(base: str) -> tuple[str, Callable[[], None]]:
    import sqlalchemy as sa
    from sqlalchemy.engine import make_url

    schema = f"bench_{uuid.uuid4().hex[:10]}"
    engine = sa.create_engine(make_url(base).set(drivername="postgresql+psycopg"))
    with engine.begin() as conn:
        conn.exec_driver_sql(f"CREATE SCHEMA {schema}")
    url = make_url(base).update_query_dict({"options": f"-csearch_path={schema}"})

    def drop() -> None:
        with engine.begin() as conn:
            conn.exec_driver_sql(f"DROP SCHEMA {schema} CASCADE")
        engine.dispose()

    return url.render_as_string(hide_password=False), drop


def _rows(bo: bc.Backoffice) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """The stored entry and posting rows (as the driver returns them)."""
    store = bo._uow_factory
    with store.engine.connect() as conn:  # type: ignore[attr-defined]
        e = [tuple(r) for r in conn.exec_driver_sql("SELECT * FROM ledger_entries ORDER BY seq")]
        p = [tuple(r) for r in conn.exec_driver_sql(
            "SELECT * FROM ledger_postings ORDER BY seq, line_no")]
    return e, p


def sqlite_floor(entries: list[tuple[Any, ...]], postings: list[tuple[Any, ...]],
                 workdir: Path) -> float:
    """Seconds for stdlib sqlite3 to insert the rows into a fresh, identical schema."""
    from backoffice_core.adapters.sql import upgrade
    from backoffice_core.adapters.sql.engine import CACHE_KIB

    path = workdir / f"floor-{uuid.uuid4().hex[:6]}.db"
    upgrade(f"sqlite:///{path}")
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")  # the store's own settings, for a fair floor
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
    entries = [tuple(v.isoformat() if isinstance(v, date) else v for v in r) for r in entries]
    e_marks = ", ".join("?" for _ in entries[0])
    p_marks = ", ".join("?" for _ in postings[0])
    t0 = time.perf_counter()
    conn.execute("BEGIN")
    conn.executemany(f"INSERT INTO ledger_entries VALUES ({e_marks})", entries)
    conn.executemany(f"INSERT INTO ledger_postings VALUES ({p_marks})", postings)
    conn.execute("COMMIT")
    elapsed = time.perf_counter() - t0
    conn.close()
    return elapsed


def psycopg_floor(base: str, entries: list[tuple[Any, ...]],
                  postings: list[tuple[Any, ...]], copy: bool) -> float:
    """Seconds for psycopg (executemany, or binary COPY) to insert the rows, fresh schema."""
    import psycopg

    from backoffice_core.adapters.sql import upgrade

    url, drop = _pg_schema_url(base)
    try:
        upgrade(url)
        dsn = url.replace("postgresql+psycopg://", "postgresql://")
        with psycopg.connect(dsn) as conn, conn.cursor() as cur:
            t0 = time.perf_counter()
            if copy:
                for table, rows in (("ledger_entries", entries), ("ledger_postings", postings)):
                    cur.execute(f"SELECT * FROM {table} LIMIT 0")
                    types = [c.type_code for c in cur.description or ()]
                    with cur.copy(f"COPY {table} FROM STDIN (FORMAT BINARY)") as cp:
                        cp.set_types(types)
                        for row in rows:
                            cp.write_row(row)
            else:
                e_marks = ", ".join("%s" for _ in entries[0])
                p_marks = ", ".join("%s" for _ in postings[0])
                cur.executemany(f"INSERT INTO ledger_entries VALUES ({e_marks})", entries)
                cur.executemany(f"INSERT INTO ledger_postings VALUES ({p_marks})", postings)
            conn.commit()
            return time.perf_counter() - t0
    finally:
        drop()


def run_backend(backend: str, n: int, batch: int, workdir: Path, pg_base: str | None,
                profile: bool, singles: int) -> dict[str, Any]:
    """Run A-D on one backend; returns the figures."""
    drop: Callable[[], None] | None = None
    if backend == "sqlite":
        url = f"sqlite:///{workdir / f'bench-{uuid.uuid4().hex[:6]}.db'}"
    else:
        assert pg_base, "set BACKOFFICE_TEST_POSTGRES_URL or --pg-url"
        url, drop = _pg_schema_url(pg_base)
    try:
        clock = FixedClock(bc.SystemClock().now())
        bo = bc.Backoffice.open(url, book="bench", clock=clock)
        bo.ledger.setup("Bench", currency="USD", chart="generic")
        source = make_entries(n)
        out: dict[str, Any] = {"backend": backend, "entries": n, "batch": batch}
        prof = cProfile.Profile() if profile else None
        elapsed = 0.0
        for _ in range(0, n, batch):
            chunk = list(itertools.islice(source, batch))  # built outside the timing
            t0 = time.perf_counter()
            if prof:
                prof.enable()
            bo.ledger.post_many(chunk)
            if prof:
                prof.disable()
            elapsed += time.perf_counter() - t0
        out["post_many_s"] = elapsed
        out["entries_per_s"] = n / out["post_many_s"]
        if prof:
            pstats.Stats(prof).sort_stats("cumulative").print_stats(30)
            pstats.Stats(prof).sort_stats("tottime").print_stats(25)
        rows_e, rows_p = _rows(bo)
        out["floor_sqlite3_s"] = sqlite_floor(rows_e, rows_p, workdir)
        out["ratio_vs_sqlite3_floor"] = out["post_many_s"] / out["floor_sqlite3_s"]
        if backend == "postgresql" and pg_base:
            out["floor_psycopg_executemany_s"] = psycopg_floor(pg_base, rows_e, rows_p, False)
            out["floor_psycopg_copy_s"] = psycopg_floor(pg_base, rows_e, rows_p, True)
            out["ratio_vs_psycopg_copy_floor"] = (out["post_many_s"]
                                                  / out["floor_psycopg_copy_s"])
        del rows_e, rows_p
        rnd = random.Random(11)
        one = list(make_entries(singles, seed=99))
        lat = []
        for e in one:
            t = time.perf_counter()
            bo.ledger.post(e)
            lat.append((time.perf_counter() - t) * 1000)
        out["post_ms_median"] = statistics.median(lat) if lat else None
        out["trial_balance_ms"], _ = _median_ms(bo.ledger.balances, 20)
        days = [START + timedelta(days=rnd.randrange(365)) for _ in range(200)]
        accts = [rnd.choice(ACCOUNTS_DR + ACCOUNTS_CR) for _ in range(200)]
        it = iter(zip(accts, days, strict=True))

        def as_of() -> None:
            code, day = next(it)
            bo.ledger.balance(code, as_of=day, rollup=False)

        out["balance_as_of_ms"], out["balance_as_of_p99_ms"] = _median_ms(as_of, 200)
        t0 = time.perf_counter()
        report = bo.ledger.verify()
        out["verify_s"] = time.perf_counter() - t0
        out["verify_ok"] = report.ok
        return out
    finally:
        if drop is not None:
            drop()


def _print(results: Sequence[dict[str, Any]]) -> None:
    print(f"\npython {platform.python_version()} sqlite {sqlite3.sqlite_version} "
          f"{platform.machine()} cpus={os.cpu_count()}")
    for r in results:
        print(f"\n[{r['backend']}] {r['entries']} entries, batches of {r['batch']}")
        for k, v in r.items():
            if k in ("backend", "entries", "batch"):
                continue
            print(f"  {k:26} {v:,.3f}" if isinstance(v, float) else f"  {k:26} {v}")


def main(argv: Sequence[str] | None = None) -> int:
    """Parse arguments, run, print."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--backends", nargs="+", default=["sqlite"],
                    choices=["sqlite", "postgresql"])
    ap.add_argument("--entries", type=int, default=100_000)
    ap.add_argument("--batch", type=int, default=2_000)
    ap.add_argument("--singles", type=int, default=300)
    ap.add_argument("--pg-url", default=os.environ.get("BACKOFFICE_TEST_POSTGRES_URL"))
    ap.add_argument("--profile", action="store_true")
    ap.add_argument("--workdir", default=None)
    args = ap.parse_args(argv)
    results = []
    with tempfile.TemporaryDirectory(dir=args.workdir) as tmp:
        for backend in args.backends:
            results.append(run_backend(backend, args.entries, args.batch, Path(tmp),
                                       args.pg_url, args.profile, args.singles))
    _print(results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
