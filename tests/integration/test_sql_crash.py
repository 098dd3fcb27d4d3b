"""SQL adapter: a writer killed with SIGKILL in the middle of a bulk posting.

A child process (``spawn``) posts batches of BATCH entries with ``post_many``,
one unit of work per batch, and is killed: once at a known point, halfway
through a batch (it holds the book's write lock and has read half of the
batch), and several times at random moments. Afterwards the book verifies, holds
a whole number of batches, every stored batch is complete, the store still
takes new postings, and (SQLite) the file passes ``PRAGMA integrity_check``.
"""

from __future__ import annotations

import multiprocessing
import os
import random
import runpy
import signal
import time
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.pool import NullPool

import backoffice_core as bc

BATCH = 250
BOOK = "crash"


def _amount(batch: int, i: int) -> int:
    return 100 + (batch * 7 + i) % 900


def _batch(n: int, marker: str | None = None) -> Iterator[bc.NewEntry]:
    """Batch ``n``; with ``marker``, pause halfway (inside the unit of work) to be killed."""
    for i in range(BATCH):
        if marker is not None and i == BATCH // 2:
            Path(marker).write_text(str(n), encoding="utf-8")
            time.sleep(600)
        cents = _amount(n, i)
        amount = f"{cents // 100}.{cents % 100:02d}"
        yield bc.NewEntry(date(2026, 1, 1) + timedelta(days=(n + i) % 90), f"batch {n} line {i}",
                          [bc.debit("1110", amount), bc.credit("4100", amount)],
                          idempotency_key=f"b{n}-{i}")


def _writer(url: str, first: int, pause_at: int, marker: str) -> None:
    bo = bc.Backoffice.open(url, book=BOOK)
    n = first
    while True:
        bo.ledger.post_many(_batch(n, marker if n == pause_at else None))
        n += 1


if __name__ == "__sql_worker__":  # run in a spawned child through runpy (see below)
    _writer(**WORKER)  # type: ignore[name-defined] # noqa: F821


def _count(engine: sa.Engine) -> int:
    with engine.connect() as conn:
        return int(conn.exec_driver_sql(
            "SELECT COUNT(*) FROM ledger_entries WHERE book = 'crash'").scalar() or 0)


def _start(url: str, first: int, pause_at: int, marker: Path) -> multiprocessing.Process:
    ctx = multiprocessing.get_context("spawn")
    proc = ctx.Process(target=runpy.run_path, args=(__file__,), kwargs={
        "init_globals": {"WORKER": {"url": url, "first": first, "pause_at": pause_at,
                                    "marker": str(marker)}},
        "run_name": "__sql_worker__"})
    proc.start()
    return proc


def _kill(proc: multiprocessing.Process) -> None:
    assert proc.pid is not None and proc.is_alive(), "the writer died before it was killed"
    os.kill(proc.pid, signal.SIGKILL)
    proc.join(60)
    assert proc.exitcode == -signal.SIGKILL


def _check(url: str, engine: sa.Engine) -> int:
    bo = bc.Backoffice.open(url, book=BOOK)
    report = bo.ledger.verify()
    assert report.ok, report.problems
    entries = bo.ledger.entries()
    assert len(entries) % BATCH == 0, f"{len(entries)} entries: a batch was cut in two"
    batches: dict[int, set[int]] = {}
    for e in entries:
        n, i = e.idempotency_key[1:].split("-")  # type: ignore[index]
        batches.setdefault(int(n), set()).add(int(i))
    assert all(lines == set(range(BATCH)) for lines in batches.values())
    debits = sum(_amount(n, i) for n, lines in batches.items() for i in lines)
    assert bo.ledger.balance_detail("1110").debits == debits
    if engine.dialect.name == "sqlite":
        with engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
    assert len(batches) == _count(engine) // BATCH
    return max(batches, default=-1) + 1


def _wait_for(predicate: object, timeout: float = 180.0) -> None:  # float-ok: seconds
    deadline = time.monotonic() + timeout
    while not predicate():  # type: ignore[operator]
        assert time.monotonic() < deadline, "the writer made no progress"
        time.sleep(0.05)


@pytest.mark.slow
def test_a_writer_killed_mid_batch_leaves_whole_units_of_work(url: str, tmp_path: Path) -> None:
    bc.Backoffice.open(url, book=BOOK).ledger.setup("Crash", currency="USD", chart="generic")
    engine = sa.create_engine(url, poolclass=NullPool)
    try:
        # 1. killed at a known point: halfway through batch 2, holding the book's write lock
        marker = tmp_path / "marker"
        proc = _start(url, 0, 2, marker)
        _wait_for(marker.exists)
        _kill(proc)
        assert _check(url, engine) == 2  # batches 0 and 1 committed, batch 2 left no trace
        # 2. killed at random moments, while it writes, commits or reads
        rnd = random.Random(20260131)
        for _ in range(3):
            first = _check(url, engine)
            before = _count(engine)
            proc = _start(url, first, -1, marker)
            _wait_for(lambda before=before: _count(engine) >= before + BATCH)
            time.sleep(rnd.uniform(0.0, 0.4))  # float-ok: seconds
            _kill(proc)
            _check(url, engine)
        # 3. the store takes new work after the crashes
        bo = bc.Backoffice.open(url, book=BOOK)
        n = _check(url, engine)
        bo.ledger.post_many(_batch(n))
        assert _check(url, engine) == n + 1
    finally:
        engine.dispose()
