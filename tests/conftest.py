"""Shared fixtures for the ledger tests.

* ``bo``: a fresh :class:`~backoffice_core.Backoffice` on ``memory://``; its clock
  stands at 2026-01-31 00:00 UTC (``FixedClock``), its ids are ``e-000001``,
  ``e-000002``... (``SequentialIds``), and its ledger is set up with the generic
  chart in USD.
* ``clock``: that book's ``FixedClock``.
* ``new_book``: a factory for more such books (session-scoped, so hypothesis
  tests can build a fresh book per example).
* ``snapshot``: captures everything observable about a book.
* ``pg_store``: one SQL store on a fresh PostgreSQL schema for the whole session (the
  stateful machines open a new book on it per example); it skips without
  ``BACKOFFICE_TEST_POSTGRES_URL``, or fails when ``BACKOFFICE_REQUIRE_POSTGRES=1``. A
  stateful machine's test case that names its machine class as ``postgres_machine`` gets
  it as that class's ``pg`` (autouse ``_postgres_machine``).
* ``refuses``: runs an operation that must fail, checks the error type and that
  the book is exactly as before (snapshot and ``verify()``).
* ``archive_anyway``: ``archive_anyway(bo, code)`` archives an account even when a role
  names it, and ``archive_anyway(bo, code, parent=...)`` opens a child account under it,
  both past the checks of ``archive_account``/``open_account``: the state of a book
  changed before they refused that, which the checks where a role's account is used
  (posting, closing, revaluation) must still catch.

Test modules run under ``--import-mode=importlib`` and cannot import this file,
so every helper is handed out as a fixture.
"""

from __future__ import annotations

import contextlib
import os
import sys
import uuid
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from datetime import UTC, date, datetime
from typing import Any

import attrs
import pytest
from hypothesis import settings as _hypothesis_settings

import backoffice_core as bc
from backoffice_core.ports import FixedClock, SequentialIds

# CI runs are reproducible: a fixed derandomized search and no example database, so a
# run's outcome depends on the code alone. Locally the search stays random.
_hypothesis_settings.register_profile("ci", derandomize=True, database=None)
if os.environ.get("CI"):
    _hypothesis_settings.load_profile("ci")

CLOCK_START = datetime(2026, 1, 31, tzinfo=UTC)

NewBook = Callable[..., bc.Backoffice]
Snapshot = Callable[[bc.Backoffice], dict[str, Any]]
Refuses = Callable[..., pytest.ExceptionInfo[BaseException]]


def _make_book(
    *, currency: str = "USD", chart: str | None = "generic", book: str = "default",
    at: datetime = CLOCK_START,
) -> bc.Backoffice:
    bo = bc.Backoffice.open("memory://", book=book, clock=FixedClock(at),
                            ids=SequentialIds("e"))
    bo.ledger.setup("Test Co", currency=currency, chart=chart)
    return bo


def _snapshot(bo: bc.Backoffice) -> dict[str, Any]:
    led = bo.ledger
    dims = sorted({d for e in led.entries() for p in e.postings for d, _ in p.dimensions})
    days = sorted({e.date for e in led.entries()})
    return {
        "balances": sorted((b.key, b) for b in led.balances()),
        "dim_balances": {d: sorted((b.key, b) for b in led.balances(dimension=d))
                         for d in dims},
        "as_of": {d: sorted((b.key, b) for b in led.balances(as_of=d)) for d in days},
        "entries": led.entries(),
        "pending": led.pending(),
        "accounts": led.accounts(),
        "years": led.fiscal_years(),
        "settings": led.settings(),
    }


@pytest.fixture(scope="session")
def new_book() -> NewBook:
    """Factory: ``new_book(currency="USD", chart="generic", book="default", at=...)``."""
    return _make_book


@pytest.fixture(scope="session")
def snapshot() -> Snapshot:
    """Function returning everything observable about a book (balances, entries, ...)."""
    return _snapshot


@pytest.fixture
def bo() -> bc.Backoffice:
    """A generic-chart USD book, clock at 2026-01-31 UTC, ids ``e-000001``..."""
    return _make_book()


@pytest.fixture
def clock(bo: bc.Backoffice) -> FixedClock:
    """The fixed clock of ``bo`` (advance it to expire holds)."""
    assert isinstance(bo.clock, FixedClock)
    return bo.clock


@pytest.fixture(scope="session")
def refuses() -> Refuses:
    """``refuses(bo, ErrorType, fn, *args, **kwargs)``: fn must raise and change nothing.

    Returns the ``ExceptionInfo`` so a test can check the error's field and value.
    """

    def check(bo: bc.Backoffice, error: type[BaseException], fn: Callable[..., Any],
              *args: Any, **kwargs: Any) -> pytest.ExceptionInfo[BaseException]:
        before = _snapshot(bo)
        with pytest.raises(error) as info:
            fn(*args, **kwargs)
        after = _snapshot(bo)
        for part in before:
            assert after[part] == before[part], f"failed operation changed {part}"
        report = bo.ledger.verify()
        assert report.ok, report.problems
        return info

    return check


@pytest.fixture(scope="session")
def archive_anyway() -> Callable[..., None]:
    """``archive_anyway(bo, code)``: archive a role's account past ``archive_account``'s
    check; ``archive_anyway(bo, child, parent=code)`` opens ``child`` under it instead."""

    def archive(bo: bc.Backoffice, code: str, parent: str | None = None) -> None:
        with bo.ledger._work() as ctx:
            if parent is not None:
                under = ctx.repo.get_account(parent)
                assert under is not None
                ctx.repo.add_account(bc.Account(code, f"Child of {parent}", under.type,
                                                parent=parent))
                return
            old = ctx.repo.get_account(code)
            assert old is not None
            ctx.repo.update_account(attrs.evolve(old, active=False, version=old.version + 1),
                                    old.version)

    return archive


@pytest.fixture(scope="session")
def jan() -> Callable[..., bc.NewEntry]:
    """``jan(day, *lines, **kw)``: a NewEntry dated ``date(2026, 1, day)`` (or a date)."""

    def make(day: date | int, *lines: bc.Line, **kwargs: Any) -> bc.NewEntry:
        when = date(2026, 1, day) if isinstance(day, int) else day
        return bc.NewEntry(when, kwargs.pop("description", "test entry"), list(lines), **kwargs)

    return make


@pytest.fixture
def refused_alike() -> Callable[..., None]:
    """``refused_alike(state, operation, field, value)``: ``operation()`` raises a
    ``ValidationError`` naming ``field`` and ``value``, and ``state()`` reads the same
    before and after (the text-rule tests of every domain)."""

    def check(state: Callable[[], Any], operation: Callable[[], Any], field: str,
              value: Any) -> None:
        before = state()
        with pytest.raises(bc.ValidationError) as err:
            operation()
        assert (err.value.field, err.value.value) == (field, value), err.value
        assert state() == before

    return check


@pytest.fixture(scope="session")
def pg_store() -> Iterator[Any]:
    """An SQL store (a unit-of-work factory) on a PostgreSQL schema made for this session.

    Open books on it with ``bc.Backoffice(pg_store, book=..., clock=..., ids=...)``; the
    schema is dropped at the end of the session.
    """
    import sqlalchemy as sa
    from sqlalchemy.engine import make_url
    from sqlalchemy.pool import NullPool

    from backoffice_core.adapters.sql import open_store

    url = os.environ.get("BACKOFFICE_TEST_POSTGRES_URL")
    if not url:
        if os.environ.get("BACKOFFICE_REQUIRE_POSTGRES") == "1":
            pytest.fail("BACKOFFICE_REQUIRE_POSTGRES=1 but BACKOFFICE_TEST_POSTGRES_URL is unset")
        pytest.skip("PostgreSQL tests need BACKOFFICE_TEST_POSTGRES_URL")
    base = make_url(url).set(drivername="postgresql+psycopg")
    schema = f"bo_s_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(base, poolclass=NullPool)
    with admin.begin() as conn:
        conn.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    store = open_store(base.update_query_dict({"options": f"-csearch_path={schema}"})
                       .render_as_string(hide_password=False))
    yield store
    store.dispose()
    with admin.begin() as conn:
        conn.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
    admin.dispose()


@pytest.fixture(autouse=True)
def _postgres_machine(request: pytest.FixtureRequest) -> None:
    """A stateful machine's PostgreSQL variant gets the session's store before it runs.

    Its test case names the machine class: ``TestCase.postgres_machine = MyMachinePostgres``;
    the machine then opens a third book on ``self.pg`` (the test skips without a server).
    """
    machine = getattr(request.cls, "postgres_machine", None)
    if machine is not None:
        machine.pg = request.getfixturevalue("pg_store")


@contextlib.contextmanager
def _lines_run_in(suffix: str) -> Iterator[list[int]]:
    """Count the Python lines the interpreter runs, inside the ``with`` block, in the
    files whose name ends with ``suffix`` (``sys.settrace``): ``ran[0]`` after it."""
    ran = [0]

    def tracer(frame: Any, event: str, arg: Any) -> Any:
        if frame.f_code.co_filename.endswith(suffix):
            if event == "line":
                ran[0] += 1
            return tracer
        return None

    before = sys.gettrace()
    sys.settrace(tracer)
    try:
        yield ran
    finally:
        sys.settrace(before)


@pytest.fixture(scope="session")
def lines_run_in() -> Callable[[str], AbstractContextManager[list[int]]]:
    """A counter of the lines run in one source file, for tests that hold work to a count
    rather than a time: ``with lines_run_in("_work.py") as ran: ...``, then ``ran[0]``."""
    return _lines_run_in


@contextlib.contextmanager
def _vm_steps(connection: Any) -> Iterator[list[int]]:
    """Count, inside the ``with`` block, the SQLite VM steps (per 10) that ``connection``
    (an ``sqlite3`` connection) runs: ``steps[0]`` after it. Deterministic for one build
    of SQLite, so a test holds a query to a count, never to a time."""
    steps = [0]

    def count() -> int:
        steps[0] += 1
        return 0

    connection.set_progress_handler(count, 10)
    try:
        yield steps
    finally:
        connection.set_progress_handler(None, 10)


@pytest.fixture(scope="session")
def vm_steps() -> Callable[[Any], AbstractContextManager[list[int]]]:
    """A counter of SQLite VM steps: ``with vm_steps(conn) as steps: ...``, then
    ``steps[0]``."""
    return _vm_steps
