"""SQL adapter: several processes and threads posting to the same accounts.

Worker processes are started with the ``spawn`` context; each opens the store
with ``Backoffice.open(url)`` and posts to the same accounts of two books, one
entry at a time and in ``post_many`` batches, with idempotency keys that overlap
other workers' on purpose (the same key always carries the same content). A
worker retries on ``ConcurrencyError``. Afterwards every book verifies (chain
unbroken, every running balance equal to the sum of its lines), no idempotency
key was posted twice, and the balances equal what the distinct keys add up to.
"""

from __future__ import annotations

import json
import multiprocessing
import runpy
import threading
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

import backoffice_core as bc
from backoffice_core.adapters.sql import SqlStore

BOOKS = ("north", "south")
WORKERS = 4
KEYS_PER_WORKER = 40
OVERLAP = 20  # worker w posts keys w*20 .. w*20+39: each key is shared by two workers


def _entry(key: int) -> bc.NewEntry:
    """The one entry behind idempotency key ``key`` (same key, same content)."""
    cents = 100 + key
    amount = f"{cents // 100}.{cents % 100:02d}"
    return bc.NewEntry(date(2026, 1, 1) + timedelta(days=key % 28), f"sale {key}",
                       [bc.debit("1110", amount), bc.credit("4100", amount)],
                       idempotency_key=f"k{key}")


def _retrying(fn: Any, *args: Any) -> tuple[Any, int]:
    retries = 0
    while True:
        try:
            return fn(*args), retries
        except bc.ConcurrencyError:
            retries += 1
            time.sleep(0.001 * min(retries, 50))


def _worker(url: str, index: int, out: str) -> None:
    books = {b: bc.Backoffice.open(url, book=b) for b in BOOKS}
    keys = list(range(index * OVERLAP, index * OVERLAP + KEYS_PER_WORKER))
    created = {b: 0 for b in BOOKS}
    retries = 0
    i = 0
    while i < len(keys):
        book = BOOKS[i % 2]
        ledger = books[book].ledger
        if i % 3 == 0:  # a small batch through the bulk path
            batch = [_entry(k) for k in keys[i:i + 3]]
            _, r = _retrying(ledger.post_many, batch)
            i += len(batch)
        else:
            result, r = _retrying(ledger.post, _entry(keys[i]))
            created[book] += result.created
            i += 1
        retries += r
    Path(out).write_text(json.dumps({"created": created, "retries": retries, "done": i}),
                         encoding="utf-8")


if __name__ == "__sql_worker__":  # run in a spawned child through runpy (see below)
    _worker(**WORKER)  # type: ignore[name-defined] # noqa: F821


def _check_books(url: str) -> None:
    for book in BOOKS:
        bo = bc.Backoffice.open(url, book=book)
        report = bo.ledger.verify()
        assert report.ok, report.problems
        entries = bo.ledger.entries()
        keys = [e.idempotency_key for e in entries]
        assert len(keys) == len(set(keys)), "an idempotency key was posted twice"
        wanted = {f"k{k}" for k in range(0, (WORKERS - 1) * OVERLAP + KEYS_PER_WORKER)}
        book_keys = set(keys)
        assert book_keys <= wanted
        expected = sum(100 + int(k[1:]) for k in book_keys)
        assert bo.ledger.balance_detail("1110").debits == expected
        assert bo.ledger.balance_detail("4100").credits == expected
        seqs = [e.seq for e in bo.ledger.entries()]
        assert sorted(seqs) == list(range(1, len(seqs) + 1))  # one chain, no fork, no gap


@pytest.mark.slow
def test_processes_posting_to_the_same_accounts_lose_nothing(url: str, tmp_path: Path) -> None:
    for book in BOOKS:
        bc.Backoffice.open(url, book=book).ledger.setup(book, currency="USD", chart="generic")
    ctx = multiprocessing.get_context("spawn")
    outs = [tmp_path / f"worker{i}.json" for i in range(WORKERS)]
    procs = [ctx.Process(target=runpy.run_path, args=(__file__,), kwargs={
        "init_globals": {"WORKER": {"url": url, "index": i, "out": str(out)}},
        "run_name": "__sql_worker__"}) for i, out in enumerate(outs)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(300)
    assert [p.exitcode for p in procs] == [0] * WORKERS
    results = [json.loads(o.read_text(encoding="utf-8")) for o in outs]
    assert all(r["done"] == KEYS_PER_WORKER for r in results)
    _check_books(url)
    # the book's write lock (taken by last_entry) serializes the writers: with it, no
    # writer ever meets a stale chain head or a stale idempotency check, so none retries
    assert [r["retries"] for r in results] == [0] * WORKERS


def test_threads_sharing_one_backoffice_lose_nothing(url: str) -> None:
    store = SqlStore(url)
    try:
        for book in BOOKS:
            bc.Backoffice(store, book=book).ledger.setup(book, currency="USD", chart="generic")
        errors: list[BaseException] = []
        retried: list[int] = []

        def run(index: int) -> None:
            try:
                books = {b: bc.Backoffice(store, book=b) for b in BOOKS}
                keys = range(index * OVERLAP, index * OVERLAP + KEYS_PER_WORKER)
                for n, key in enumerate(keys):
                    retried.append(_retrying(books[BOOKS[n % 2]].ledger.post, _entry(key))[1])
            except BaseException as exc:  # noqa: BLE001 - reported by the test
                errors.append(exc)

        threads = [threading.Thread(target=run, args=(i,)) for i in range(WORKERS)]
        retried.clear()
        for t in threads:
            t.start()
        for t in threads:
            t.join(300)
        assert errors == []
        _check_books(url)
        assert sum(retried) == 0  # writers of a book wait for its lock instead of failing
    finally:
        store.dispose()
