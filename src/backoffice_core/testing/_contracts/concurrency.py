"""Concurrency: writers in threads and processes keep the books exact."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from datetime import date
from typing import Any, TypeVar

import attrs
import pytest

from backoffice_core.errors import (
    ConcurrencyError,
    DuplicateError,
    IdempotencyConflictError,
    LimitExceededError,
)
from backoffice_core.ledger.accounts import Account, AccountType
from backoffice_core.ledger.entries import NewEntry, credit, debit
from backoffice_core.ports import UnitOfWorkFactory
from backoffice_core.testing._contracts import _samples as s
from backoffice_core.testing._contracts._base import Contract, open_book, run_threads
from backoffice_core.testing._contracts.unit_of_work import WRITES

__all__ = ["ConcurrencyContract"]

T = TypeVar("T")
THREADS = 8
POSTS = 25
slow = pytest.mark.backoffice_slow


def retry(fn: Callable[[], T], *errors: type[Exception]) -> T:
    """Call ``fn`` until it does not raise ``ConcurrencyError`` (or ``errors``): 200 tries."""
    kinds: tuple[type[Exception], ...] = (ConcurrencyError, *errors)
    for _ in range(199):
        try:
            return fn()
        except IdempotencyConflictError:
            raise
        except kinds:
            time.sleep(0.001)
    return fn()


def _cents(minor: int) -> str:
    return f"{minor // 100}.{minor % 100:02d}"


_CHILD = """
import sys
from datetime import date, datetime, timezone
import backoffice_core as bc
from backoffice_core.errors import ConcurrencyError
n, url, book, posts = int(sys.argv[1]), sys.argv[2], sys.argv[3], int(sys.argv[4])
bo = bc.Backoffice.open(url, book=book, ids=bc.SequentialIds(f"p{n}"),
                        clock=bc.FixedClock(datetime(2026, 2, 1, tzinfo=timezone.utc)))
for i in range(posts):
    entry = bc.NewEntry(date(2026, 1, 1 + i % 28), f"process {n} entry {i}",
                        [bc.debit("1110", f"{n + 1}.{i:02d}", process=str(n)),
                         bc.credit("4100", f"{n + 1}.{i:02d}")])
    for attempt in range(200):
        try:
            bo.ledger.post(entry)
            break
        except ConcurrencyError:
            if attempt == 199:
                raise
"""


class ConcurrencyContract(Contract):
    """Concurrent writers (threads, and processes when declared) never corrupt a book.

    Threads post through one shared ``Backoffice`` to the same accounts: every
    balance then equals the sum of its lines, the chain has no gaps and
    ``verify()`` is ok. A balance limit holds under contention, a contended
    ``expected_version`` loses no update, one idempotency key posts once, and a
    reader never sees another unit's uncommitted writes. An adapter may answer
    contention with ``ConcurrencyError`` (callers retry), never with corruption.
    Skipped unless ``concurrent_writers`` (threads) or ``multi_process``.

    Example:
        >>> class TestMyConcurrency(ConcurrencyContract):
        ...     pass
        >>> "test_concurrency_threads_keep_balances_exact" in dir(TestMyConcurrency)
        True
    """

    @slow
    def test_concurrency_threads_keep_balances_exact(self, uow_factory: UnitOfWorkFactory
                                                     ) -> None:
        """Threads posting to the same accounts: balances are the sums, the chain is whole."""
        self.require("concurrent_writers")
        bo = open_book(uow_factory)
        bo.ledger.setup("Threads", currency="USD", chart="generic")
        amounts = {(n, i): (n + 1) * 100 + i for n in range(THREADS) for i in range(POSTS)}

        def worker(n: int) -> Callable[[], None]:
            def run() -> None:
                for i in range(POSTS):
                    amount = _cents(amounts[n, i])
                    entry = NewEntry(date(2026, 1, 1 + i % 28), f"thread {n} entry {i}",
                                     [debit("1110", amount, thread=str(n)),
                                      credit("4100", amount)])
                    retry(lambda e=entry: bo.ledger.post(e))  # type: ignore[misc]
            return run

        run_threads([worker(n) for n in range(THREADS)])
        total = sum(amounts.values())
        assert bo.ledger.balance_detail("1110").net == total
        assert bo.ledger.balance_detail("4100").net == -total
        for n in range(THREADS):
            mine = sum(v for (m, _), v in amounts.items() if m == n)
            assert bo.ledger.balance_detail("1110", dimension=("thread", str(n))).net == mine
        seqs = sorted(e.seq for e in bo.ledger.entries())
        assert seqs == list(range(1, THREADS * POSTS + 1)), "the chain has gaps or repeats"
        report = bo.ledger.verify()
        assert report.ok, report.problems

    @slow
    def test_concurrency_limit_holds_under_contention(self, uow_factory: UnitOfWorkFactory
                                                      ) -> None:
        """Threads spending one limited balance: exactly what it holds is spent, no more."""
        self.require("concurrent_writers")
        bo = open_book(uow_factory)
        led = bo.ledger
        led.setup("Limits", currency="USD", chart="generic")
        led.open_account("1125", "No overdraft", "asset", parent="1100",
                         limit="credits_must_not_exceed_debits")
        led.post(NewEntry(date(2026, 1, 1), "Fund", [debit("1125", "100.00"),
                                                     credit("3100", "100.00")]))

        def spend() -> int:
            done = 0
            for _ in range(5):
                try:
                    retry(lambda: led.post(NewEntry(date(2026, 1, 2), "Spend", [
                        debit("6600", "10.00"), credit("1125", "10.00")])))
                    done += 1
                except LimitExceededError:
                    pass
            return done

        assert sum(run_threads([spend] * THREADS)) == 10
        assert led.balance_detail("1125").net == 0
        assert led.verify().ok

    @slow
    def test_concurrency_versions_lose_no_update(self, uow_factory: UnitOfWorkFactory) -> None:
        """Read in one unit, write in another: a contended version check loses no update."""
        self.require("concurrent_writers")
        with uow_factory("kit") as uow:
            uow.ledger.add_account(Account("1120", "Bank", AccountType.ASSET))
            uow.commit()
        rounds = 10

        def update() -> None:
            with uow_factory("kit") as uow:
                acc = uow.ledger.get_account("1120")
            assert acc is not None
            with uow_factory("kit") as uow:
                uow.ledger.update_account(attrs.evolve(acc, version=acc.version + 1),
                                          acc.version)
                uow.commit()

        def writer() -> None:
            for _ in range(rounds):
                retry(update)

        run_threads([writer] * 4)
        with uow_factory("kit") as uow:
            acc = uow.ledger.get_account("1120")
        assert acc is not None and acc.version == 4 * rounds, (
            "two writers succeeded with the same expected_version")

    @slow
    def test_concurrency_one_idempotency_key_posts_once(self, uow_factory: UnitOfWorkFactory
                                                        ) -> None:
        """Threads posting one idempotency key at once: one entry, one created result."""
        self.require("concurrent_writers")
        bo = open_book(uow_factory)
        bo.ledger.setup("Keys", currency="USD", chart="generic")
        entry = NewEntry(date(2026, 1, 5), "Once", [debit("1110", "7.00"),
                                                    credit("4100", "7.00")],
                         idempotency_key="once")
        results = run_threads([lambda: retry(lambda: bo.ledger.post(entry), DuplicateError)]
                              * THREADS)
        assert sum(r.created for r in results) == 1
        assert len({r.entry.id for r in results}) == 1
        assert len(bo.ledger.entries()) == 1
        assert bo.ledger.balance_detail("1110").net == 700

    @slow
    def test_concurrency_no_dirty_reads(self, uow_factory: UnitOfWorkFactory) -> None:
        """A unit of work never sees another's uncommitted writes, nor their rollback's traces."""
        self.require("concurrent_writers")
        with uow_factory("kit") as uow:
            base = s.fill(uow.ledger)
            uow.commit()
        with uow_factory("kit") as uow:
            before = s.dump(uow.ledger)
        written = threading.Event()

        def writer() -> None:
            with uow_factory("kit") as uow:
                WRITES["everything"][1](uow.ledger, base)
                written.set()
                time.sleep(0.3)  # let the reader try while this unit is open
                uow.rollback()

        def reader() -> dict[str, Any]:
            assert written.wait(60)
            with uow_factory("kit") as uow:
                return s.dump(uow.ledger)

        _, seen = run_threads([writer, reader])
        assert seen == before, f"a reader saw uncommitted {s.diff(before, seen)}"

    @slow
    def test_concurrency_processes_share_one_book(self, uow_factory: UnitOfWorkFactory
                                                  ) -> None:
        """Processes posting to one book through ``Backoffice.open(url)`` keep it exact."""
        self.require("multi_process")
        url = self.capabilities.url
        assert url is not None
        bo = open_book(uow_factory)
        bo.ledger.setup("Processes", currency="USD", chart="generic")
        procs, posts = 3, 20
        env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in sys.path if p))
        children = [subprocess.Popen([sys.executable, "-c", _CHILD, str(n), url, "kit",
                                      str(posts)], env=env, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True) for n in range(procs)]
        for child in children:
            _, err = child.communicate(timeout=300)
            assert child.returncode == 0, f"a writer process failed:\n{err}"
        total = sum((n + 1) * 100 + i for n in range(procs) for i in range(posts))
        assert bo.ledger.balance_detail("1110").net == total
        seqs = sorted(e.seq for e in bo.ledger.entries())
        assert seqs == list(range(1, procs * posts + 1)), "the chain has gaps or repeats"
        assert bo.ledger.verify().ok
