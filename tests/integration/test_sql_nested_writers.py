"""SQL adapter: a writer never waits for a writer of its own thread; lock waits are bounded.

Defect: a unit of work that wrote, opened while the same thread held a writing unit of
work of the same store, waited for its own thread: for ever on PostgreSQL (the book's row
lock is held by a session idle in Python, so the server sees no deadlock), 30 s on an
SQLite file before "database is locked". It is now refused at once with
``StorageError(field="book")``, before anything is sent, when the lock it needs is
held in its thread (the same book on PostgreSQL, any book on SQLite); readers and writers
of other threads are not refused. PostgreSQL lock waits now end after 30 s by default,
like SQLite's busy timeout, unless the URL sets ``lock_timeout``.

Every URL here bounds lock waits to a few seconds, so that a regression fails instead of
hanging; the refusals are told apart from a timeout by their message.
"""

from __future__ import annotations

import gc
import threading
import uuid
from collections.abc import Iterator
from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

import backoffice_core as bc
from backoffice_core.adapters.sql import SqlStore
from backoffice_core.errors import ConcurrencyError, StorageError

DAY = date(2026, 1, 1)
REFUSED = "already open in this thread"


def _bounded(url: str, wait: str = "5s") -> str:
    """``url`` with lock waits bounded to ``wait`` (``5s``, or ``200ms`` and such)."""
    u = make_url(url)
    if u.get_backend_name() == "sqlite":
        seconds = float(wait[:-2]) / 1000 if wait.endswith("ms") else float(wait[:-1])
        return u.update_query_dict({"timeout": str(seconds)}).render_as_string(
            hide_password=False)
    options = f"{u.query.get('options', '')} -c lock_timeout={wait}".strip()
    return u.update_query_dict({"options": options}).render_as_string(hide_password=False)


@pytest.fixture
def store(url: str) -> Iterator[SqlStore]:
    s = SqlStore(_bounded(url))
    yield s
    s.dispose()


def _rate(uow: object, day: int, rate: str = "1.10") -> None:
    uow.ledger.add_rate("EUR", "USD", date(2026, 1, day), Decimal(rate))  # type: ignore[attr-defined]


def _rates(store: SqlStore, book: str) -> list[int]:
    """The days of January that hold a EUR rate in ``book``."""
    with store(book) as uow:
        found = {uow.ledger.get_rate("EUR", "USD", date(2026, 1, d)) for d in range(1, 32)}
    return sorted(r[0].day for r in found if r is not None)


def _refused(err: StorageError, book: str, held: str) -> None:
    assert (err.field, err.value) == ("book", book)
    assert REFUSED in str(err) and f"book {held!r}" in str(err), str(err)
    assert err.__cause__ is None  # refused by the adapter: nothing reached the database


# --------------------------------------------------------------------------- same thread
def test_a_nested_writer_of_the_same_book_is_refused_at_once(store: SqlStore) -> None:
    with store("b") as outer:
        _rate(outer, 1)
        with store("b") as inner:
            assert inner.ledger.get_rate("EUR", "USD", DAY) is None  # readers are not refused
            with pytest.raises(StorageError) as info:
                _rate(inner, 2)
            _refused(info.value, "b", "b")
            with pytest.raises(StorageError):
                inner.ledger.last_entry()  # refused again, as long as the outer one holds it
            assert inner.ledger.get_rate("EUR", "USD", DAY) is None  # still usable for reading
        _rate(outer, 3)  # the outer unit of work goes on and commits
        outer.commit()
    assert _rates(store, "b") == [1, 3]  # nothing of the inner one


def test_a_nested_writer_of_another_book(store: SqlStore) -> None:
    """PostgreSQL locks a book: another book's writer goes ahead. SQLite's write lock is
    the database's: it is refused, naming the book whose writer holds it."""
    with store("a") as outer:
        _rate(outer, 1)
        with store("b") as inner:
            if store.dialect == "postgresql":
                _rate(inner, 2)
                inner.commit()
            else:
                with pytest.raises(StorageError) as info:
                    _rate(inner, 2)
                _refused(info.value, "b", "a")
                assert "whole database" in str(info.value)
        outer.commit()
    assert _rates(store, "a") == [1]
    assert _rates(store, "b") == ([2] if store.dialect == "postgresql" else [])


def test_a_writer_nested_in_a_reader_or_under_a_committed_writer_goes_ahead(
        store: SqlStore) -> None:
    with store("b") as outer:
        assert outer.ledger.get_rate("EUR", "USD", DAY) is None  # a read snapshot holds no lock
        with store("b") as inner:
            _rate(inner, 1)
            inner.commit()
        _rate(outer, 2)
        outer.commit()  # it holds the lock no more
        with store("b") as inner:
            _rate(inner, 3)
            inner.commit()
        _rate(outer, 4)  # and it may write again
        outer.commit()
    assert _rates(store, "b") == [1, 2, 3, 4]


def test_a_writer_goes_ahead_once_the_outer_one_rolled_back_or_raised(
        store: SqlStore) -> None:
    with store("b") as outer:
        _rate(outer, 1)
        outer.rollback()
        with store("b") as inner:
            _rate(inner, 2)
            inner.commit()
        _rate(outer, 3)
        with store("b") as inner, pytest.raises(StorageError):
            _rate(inner, 4)
        outer.commit()
    with pytest.raises(RuntimeError), store("b") as outer:
        _rate(outer, 5)
        raise RuntimeError("the host's own error")
    with store("b") as uow:  # a later unit of work in the same thread
        _rate(uow, 6)
        uow.commit()
    assert _rates(store, "b") == [2, 3, 6]


def test_a_writer_goes_ahead_after_a_storage_error_ended_the_outer_one(
        store: SqlStore) -> None:
    """An aborted transaction holds its lock until rolled back (commit() refuses to end
    it); then the lock is free, and so it is when the block is left on the error."""
    with store("b") as outer:
        _rate(outer, 1)
        with pytest.raises(StorageError), outer.guard("reading"):
            outer.writing().execute("SELECT * FROM no_such_table")
        with pytest.raises(StorageError):
            outer.commit()
        with store("b") as inner, pytest.raises(StorageError):
            _rate(inner, 2)
        outer.rollback()
        with store("b") as inner:
            _rate(inner, 3)
            inner.commit()
    with pytest.raises(StorageError), store("b") as outer:
        _rate(outer, 4)
        with outer.guard("reading"):
            outer.writing().execute("SELECT * FROM no_such_table")
    with store("b") as uow:
        _rate(uow, 5)
        uow.commit()
    assert _rates(store, "b") == [3, 5]


def test_a_unit_of_work_dropped_unclosed_holds_nothing_once_collected(
        store: SqlStore) -> None:
    """The pool takes its connection back (rolling it back) when it is collected; the
    thread's registration goes with it instead of refusing its writers for ever."""
    dropped = store("b").__enter__()
    _rate(dropped, 1)
    del dropped
    gc.collect()
    with store("b") as uow:
        _rate(uow, 2)
        uow.commit()
    assert _rates(store, "b") == [2]


def test_a_writer_goes_ahead_after_the_outer_commit_failed(url: str, pg_base: str) -> None:
    """PostgreSQL: the outer session is killed, so its commit fails (and its lock is gone)."""
    if make_url(url).get_backend_name() != "postgresql":
        pytest.skip("a commit that fails for real: a server session to terminate")
    store = SqlStore(_bounded(url))
    admin = sa.create_engine(make_url(pg_base), poolclass=NullPool)
    try:
        with store("b") as outer:
            _rate(outer, 1)
            pid = outer.writing().connection.info.backend_pid
            with admin.begin() as conn:
                conn.exec_driver_sql(f"SELECT pg_terminate_backend({pid})")
            with pytest.raises(StorageError):
                outer.commit()
            with store("b") as inner:
                _rate(inner, 2)
                inner.commit()
        assert _rates(store, "b") == [2]
    finally:
        admin.dispose()
        store.dispose()


# --------------------------------------------------------------------------- other threads
def test_a_writer_of_another_thread_waits_and_then_goes_ahead(store: SqlStore) -> None:
    started, done = threading.Event(), threading.Event()
    errors: list[BaseException] = []

    def write() -> None:
        try:
            with store("b") as uow:
                started.set()
                _rate(uow, 2)  # waits for the outer writer's lock
                uow.commit()
            done.set()
        except BaseException as exc:  # noqa: BLE001 - reported by the test
            errors.append(exc)

    with store("b") as outer:
        _rate(outer, 1)
        thread = threading.Thread(target=write)
        thread.start()
        assert started.wait(10)
        assert not done.wait(0.3), "the other thread's writer did not wait"
        outer.commit()
    thread.join(10)
    assert errors == [] and done.is_set()
    assert _rates(store, "b") == [1, 2]


# --------------------------------------------------------------------------- the facade
def test_a_service_call_inside_a_writing_unit_of_work_is_refused_at_once(url: str) -> None:
    """The host writes in its own unit of work, then calls a service that opens another:
    refused at once; ``post_within`` does the same work inside the host's unit of work."""
    bo = bc.Backoffice.open(_bounded(url), book="acme")
    bo.ledger.setup("Acme", currency="USD", chart="generic")
    line = [bc.debit("1110", "1.00"), bc.credit("4100", "1.00")]
    with bo.unit_of_work() as uow:
        uow.ledger.last_entry()  # type: ignore[attr-defined] # the host took the book
        with pytest.raises(StorageError) as info:
            bo.ledger.post(bc.NewEntry(date(2026, 1, 5), "inner", line))
        _refused(info.value, "acme", "acme")
        bo.ledger.post_within(uow, bc.NewEntry(date(2026, 1, 5), "within", line))
        uow.commit()
    bo.ledger.post(bc.NewEntry(date(2026, 1, 6), "after", line))
    assert [e.description for e in bo.ledger.entries()] == ["within", "after"]
    assert bo.ledger.verify().ok
    bo._uow_factory.dispose()  # type: ignore[attr-defined]


def test_memory_adapter_still_allows_nested_writers() -> None:
    """``memory://`` takes a re-entrant lock: the nested service call goes ahead."""
    bo = bc.Backoffice.open("memory://", book="acme")
    bo.ledger.setup("Acme", currency="USD", chart="generic")
    line = [bc.debit("1110", "1.00"), bc.credit("4100", "1.00")]
    with bo.unit_of_work() as uow:
        uow.ledger.last_entry()  # type: ignore[attr-defined]
        bo.ledger.post(bc.NewEntry(date(2026, 1, 5), "inner", line))
    assert [e.description for e in bo.ledger.entries()] == ["inner"]


# --------------------------------------------------------------------------- lock_timeout
@pytest.fixture
def pg_schema(pg_base: str) -> Iterator[sa.engine.URL]:
    """A fresh PostgreSQL schema, as a URL without options of ours; dropped afterwards."""
    base = make_url(pg_base)
    schema = f"bo_t_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(base, poolclass=NullPool)
    with admin.begin() as conn:
        conn.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    yield base.update_query_dict({"options": f"-csearch_path={schema}"})
    with admin.begin() as conn:
        conn.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
    admin.dispose()


def _lock_timeout(store: SqlStore) -> str:
    with store.engine.connect() as conn:
        return str(conn.exec_driver_sql("SHOW lock_timeout").scalar())


def test_postgresql_lock_waits_are_bounded_by_default_and_the_url_wins(
        pg_schema: sa.engine.URL) -> None:
    plain = SqlStore(pg_schema.render_as_string(hide_password=False))
    options = f"{pg_schema.query['options']} -c lock_timeout=150"
    theirs = SqlStore(pg_schema.update_query_dict({"options": options}).render_as_string(
        hide_password=False))
    zero = SqlStore(pg_schema.update_query_dict({"options": f"{options} -c lock_timeout=0"})
                    .render_as_string(hide_password=False))
    try:
        assert _lock_timeout(plain) == "30s"  # BUSY_TIMEOUT_SECONDS, as on SQLite
        assert _lock_timeout(theirs) == "150ms"
        assert _lock_timeout(zero) == "0"  # no limit, if the user says so
        with plain.engine.connect() as conn:  # a rollback does not undo it
            conn.exec_driver_sql("SELECT 1")
            conn.rollback()
            assert conn.exec_driver_sql("SHOW lock_timeout").scalar() == "30s"
    finally:
        for s in (plain, theirs, zero):
            s.dispose()


def test_postgresql_a_lock_timeout_from_pgoptions_is_kept(pg_base: str,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """libpq reads ``PGOPTIONS`` when the URL has no ``options``; so does the role's or the
    database's setting reach the session: neither is overridden."""
    from backoffice_core.adapters.sql.engine import make_engine

    monkeypatch.setenv("PGOPTIONS", "-c lock_timeout=7s")
    engine = make_engine(pg_base)
    try:
        with engine.connect() as conn:
            assert conn.exec_driver_sql("SHOW lock_timeout").scalar() == "7s"
    finally:
        engine.dispose()


def test_postgresql_a_writer_that_waits_past_lock_timeout_gets_concurrency_error(
        pg_schema: sa.engine.URL) -> None:
    """A second store in the same thread is not told apart (only its own store's writers
    are): it waits, as a writer of another process would, until ``lock_timeout``."""
    holder = SqlStore(pg_schema.render_as_string(hide_password=False))
    options = f"{pg_schema.query['options']} -c lock_timeout=200"
    waiter = SqlStore(pg_schema.update_query_dict({"options": options}).render_as_string(
        hide_password=False))
    try:
        with holder("b") as outer:
            _rate(outer, 1)
            with waiter("b") as inner:
                with pytest.raises(ConcurrencyError) as info:
                    _rate(inner, 2)
                assert (info.value.field, info.value.value) == ("book", "b")
                assert REFUSED not in str(info.value) and "lock timeout" in str(info.value)
            outer.commit()
        assert _rates(holder, "b") == [1]  # nothing of the writer that timed out
    finally:
        holder.dispose()
        waiter.dispose()
