"""SQL adapter: driver errors become our errors; units of work, keys, versions and exactness.

* the translation table, with the drivers' own exception classes;
* real failures: SQLite "database is locked", a PostgreSQL lock timeout, a file
  that is not a database, an unreachable server, a table dropped underneath;
  none lets a SQLAlchemy, sqlite3 or psycopg exception out;
* unique keys name the field and value, and the unit of work stays usable;
  stale versions raise ConcurrencyError; books never see each other;
* rates, instants and amounts come back exactly as they went in.
"""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

import psycopg
import pytest
import sqlalchemy as sa
from psycopg import errors as pg_errors
from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

import backoffice_core as bc
from backoffice_core.adapters.memory import MemoryStore
from backoffice_core.adapters.sql import SqlStore
from backoffice_core.adapters.sql.translate import translate
from backoffice_core.errors import ConcurrencyError, DuplicateError, StorageError, ValidationError
from backoffice_core.ledger.accounts import Account
from backoffice_core.ledger.balances import BalanceDelta, BalanceKey
from backoffice_core.ledger.entries import EntryKind, EntryStatus, JournalEntry, Posting
from backoffice_core.ledger.periods import FiscalYear
from backoffice_core.ledger.repository import BookSettings
from backoffice_core.ports import FixedClock


@pytest.fixture
def store(url: str) -> Iterator[SqlStore]:
    """A fresh store on the test database."""
    s = SqlStore(url)
    yield s
    s.dispose()


def _entry(id_: str, seq: int, **kw: object) -> JournalEntry:
    postings = (Posting("1110", 500, "USD", 500), Posting("4100", -500, "USD", -500))
    return JournalEntry(id_, seq, date(2026, 1, 2), f"entry {id_}", postings,  # type: ignore[arg-type]
                        **kw)


def _driver_free(err: BaseException) -> None:
    """Neither the error nor anything it chains to outside our tree is raised to the caller."""
    assert isinstance(err, bc.BackofficeError), type(err)
    assert not isinstance(err, sa_exc.SQLAlchemyError | sqlite3.Error | psycopg.Error)


# --------------------------------------------------------------------------- the table
TABLE = [
    (sqlite3.OperationalError("database is locked"), ConcurrencyError),
    (sqlite3.OperationalError("database table is locked"), ConcurrencyError),
    (sqlite3.IntegrityError("UNIQUE constraint failed: ledger_accounts.book, "
                            "ledger_accounts.code"), DuplicateError),
    (sqlite3.IntegrityError("CHECK constraint failed: ck_ledger_balances_range"),
     ValidationError),
    (sqlite3.IntegrityError("NOT NULL constraint failed: ledger_entries.description"),
     ValidationError),
    (sqlite3.IntegrityError("FOREIGN KEY constraint failed"), StorageError),
    (sqlite3.DatabaseError("file is not a database"), StorageError),
    (sqlite3.OperationalError("disk I/O error"), StorageError),
    (OverflowError("Python int too large to convert to SQLite INTEGER"), ValidationError),
    (pg_errors.SerializationFailure("could not serialize access"), ConcurrencyError),
    (pg_errors.DeadlockDetected("deadlock detected"), ConcurrencyError),
    (pg_errors.LockNotAvailable("canceling statement due to lock timeout"), ConcurrencyError),
    (pg_errors.UniqueViolation("duplicate key value"), DuplicateError),
    (pg_errors.CheckViolation("violates check constraint"), ValidationError),
    (pg_errors.NumericValueOutOfRange("bigint out of range"), ValidationError),
    (pg_errors.StringDataRightTruncation("value too long"), ValidationError),
    (pg_errors.ProgramLimitExceeded("index row size exceeds maximum"), ValidationError),
    (pg_errors.UndefinedTable('relation "ledger_entries" does not exist'), StorageError),
    (psycopg.OperationalError("connection failed"), StorageError),
    (psycopg.DataError("PostgreSQL text fields cannot contain NUL (0x00) bytes"),
     ValidationError),
    # "NULL" holds "NUL": a statement the driver cannot run is no value the caller can fix
    (sqlite3.OperationalError('near "NULL": syntax error'), StorageError),
    (pg_errors.SyntaxError('syntax error at or near "NULL"'), StorageError),
    (pg_errors.UndefinedFunction("operator does not exist: text = NULL"), StorageError),
]


@pytest.mark.parametrize(("raw", "ours"), TABLE, ids=[type(r).__name__ + ":" + str(r)[:24]
                                                       for r, _ in TABLE])
@pytest.mark.parametrize("wrapped", [False, True], ids=["raw", "sqlalchemy"])
def test_driver_errors_map_onto_our_tree(raw: BaseException, ours: type[BaseException],
                                         wrapped: bool) -> None:
    exc: BaseException = raw
    if wrapped and not isinstance(raw, OverflowError):
        kind = {"IntegrityError": sa_exc.IntegrityError, "DataError": sa_exc.DataError}.get(
            next((c.__name__ for c in type(raw).__mro__
                  if c.__name__ in ("IntegrityError", "DataError")), ""),
            sa_exc.OperationalError)
        exc = kind("SELECT 1", {}, raw)  # type: ignore[arg-type]
    mapped = translate(exc, "testing")
    assert type(mapped) is ours
    assert mapped is not None and "while testing" in str(mapped)


def test_unique_violations_name_the_field_they_guard() -> None:
    cases = {
        "ledger_entries.book, ledger_entries.idempotency_key": "idempotency_key",
        "ledger_entries.book, ledger_entries.id": "id",
        "ledger_entries.book, ledger_entries.related": "related",
        "ledger_books.book": "book",
    }
    for columns, field in cases.items():
        raw = sqlite3.IntegrityError(f"UNIQUE constraint failed: {columns}")
        mapped = translate(sa_exc.IntegrityError("INSERT", {}, raw))
        assert isinstance(mapped, DuplicateError) and mapped.field == field


# --------------------------------------------------------------------------- real failures
def test_sqlite_database_is_locked_becomes_concurrency_error(tmp_path: Path) -> None:
    path = tmp_path / "locked.db"
    bo = bc.Backoffice.open(f"sqlite:///{path}?timeout=0.2", book="acme")
    bo.ledger.setup("Acme", currency="USD", chart="generic")
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another process holds the write lock
    try:
        with pytest.raises(ConcurrencyError) as info:
            bo.ledger.post(bc.NewEntry(date(2026, 1, 5), "x", [bc.debit("1110", "1.00"),
                                                               bc.credit("4100", "1.00")]))
        _driver_free(info.value)
        assert bo.ledger.balance("1110") == bc.Money("0.00", "USD")  # readers are not blocked
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    bo.ledger.post(bc.NewEntry(date(2026, 1, 5), "x", [bc.debit("1110", "1.00"),
                                                       bc.credit("4100", "1.00")]))
    assert bo.ledger.verify().ok


def test_postgresql_lock_timeout_becomes_concurrency_error(tmp_path: Path,
                                                          pg_base: str) -> None:
    base = make_url(pg_base)
    schema = f"bo_t_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(base, poolclass=NullPool)
    with admin.begin() as conn:
        conn.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    url = base.update_query_dict({"options": f"-csearch_path={schema} -c lock_timeout=200"})
    try:
        bo = bc.Backoffice.open(url.render_as_string(hide_password=False), book="acme")
        bo.ledger.setup("Acme", currency="USD", chart="generic")
        with admin.connect() as holder:
            holder.exec_driver_sql(f'SELECT * FROM "{schema}".ledger_heads WHERE book = '
                                   "'acme' FOR UPDATE")  # another writer holds the book
            with pytest.raises(ConcurrencyError) as info:
                bo.ledger.post(bc.NewEntry(date(2026, 1, 5), "x", [
                    bc.debit("1110", "1.00"), bc.credit("4100", "1.00")]))
            _driver_free(info.value)
            holder.rollback()
        bo.ledger.post(bc.NewEntry(date(2026, 1, 5), "x", [bc.debit("1110", "1.00"),
                                                           bc.credit("4100", "1.00")]))
        assert bo.ledger.balance("1110") == bc.Money("1.00", "USD")
        bo._uow_factory.dispose()  # type: ignore[attr-defined]
    finally:
        with admin.begin() as conn:
            conn.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
        admin.dispose()


@pytest.mark.parametrize("setting", ["lock_timeout", "statement_timeout"])
def test_postgresql_timeouts_waiting_for_a_busy_book_are_concurrency_errors(
        pg_base: str, setting: str) -> None:
    """Defect: a statement_timeout while waiting for the book's lock (or a balance row)
    surfaced as a generic StorageError; it is a retryable ConcurrencyError, as a lock
    timeout is, and both name the busy book (``book=None`` before)."""
    base = make_url(pg_base)
    schema = f"bo_t_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(base, poolclass=NullPool)
    with admin.begin() as conn:
        conn.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    url = base.update_query_dict({"options": f"-csearch_path={schema} -c {setting}=200"})
    line = [bc.debit("1110", "1.00"), bc.credit("4100", "1.00")]
    try:
        bo = bc.Backoffice.open(url.render_as_string(hide_password=False), book="acme")
        bo.ledger.setup("Acme", currency="USD", chart="generic")
        bo.ledger.post(bc.NewEntry(date(2026, 1, 5), "x", line))
        for table in ("ledger_heads", "ledger_balances"):
            with admin.connect() as holder:  # another writer holds the book, or a balance
                holder.exec_driver_sql(f'SELECT * FROM "{schema}".{table} FOR UPDATE')
                with pytest.raises(ConcurrencyError) as info:
                    bo.ledger.post(bc.NewEntry(date(2026, 1, 5), "x", line))
                _driver_free(info.value)
                assert (info.value.field, info.value.value) == ("book", "acme")
                holder.rollback()
        with admin.connect() as conn:  # a statement that is merely slow is no retry
            conn.exec_driver_sql("SET statement_timeout = 50")
            with pytest.raises(sa_exc.DBAPIError) as raw:
                conn.exec_driver_sql("SELECT pg_sleep(1)")
        slow = translate(raw.value, "reading")
        assert type(slow) is StorageError and "statement_timeout" in str(slow)
        bo.ledger.post(bc.NewEntry(date(2026, 1, 5), "x", line))
        assert bo.ledger.balance("1110") == bc.Money("2.00", "USD")
        bo._uow_factory.dispose()  # type: ignore[attr-defined]
    finally:
        with admin.begin() as conn:
            conn.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
        admin.dispose()


def test_an_integer_beyond_64_bits_is_named_with_its_field() -> None:
    """Defect: an OverflowError while binding became ``amount=None`` whatever overflowed."""
    raw = OverflowError("Python int too large to convert to SQLite INTEGER")
    err = translate(raw, "storing", field="quantity", params=[("acme", 3, 2**64)])
    assert isinstance(err, ValidationError)
    assert (err.field, err.value) == ("quantity", 2**64)
    err = translate(raw, "storing", params=[("a", -(2**63) - 1), ("b", 2**63)])
    assert isinstance(err, ValidationError)
    assert (err.field, err.value) == (None, (-(2**63) - 1, 2**63))  # no guess at "amount"


def test_a_stored_quantity_past_64_bits_names_the_quantity(store: SqlStore) -> None:
    """Defect: the SQL inventory refused a too large quantity as ``amount=None``."""
    from backoffice_core.inventory.moves import QuantityDelta
    day = date(2026, 2, 2)
    with store("inv") as uow, pytest.raises(ValidationError) as info:
        uow.inventory.apply_quantities([QuantityDelta("A", "supplier", "WH", "", day,
                                                      Decimal(10**10))])
    assert (info.value.field, info.value.value) == ("quantity", Decimal(10**10))
    half = Decimal("5E+9")
    with store("inv") as uow, pytest.raises(ValidationError) as info:  # the sum is too large
        uow.inventory.apply_quantities([QuantityDelta("A", "supplier", "WH", "", day, half),
                                        QuantityDelta("A", "supplier", "WH", "", day, half)])
    assert (info.value.field, info.value.value) == ("quantity", Decimal(10**10))
    with store("inv") as uow, pytest.raises(ValidationError) as info:
        uow.inventory.apply_reservations([("A", "WH", Decimal(10**10))])
    assert (info.value.field, info.value.value) == ("quantity", Decimal(10**10))
    with store("inv") as uow:
        assert uow.inventory.stock() == [] and uow.inventory.reserved("A", "WH") == 0


def test_in_memory_sqlite_takes_units_of_work_in_turn_and_refuses_a_nested_one() -> None:
    """Defect: on ``sqlite://`` (one connection, one database) a unit of work opened inside
    another in the same thread shared its transaction: it failed with "cannot start a
    transaction within a transaction", rolled the outer one back underneath it, and the
    outer's later writes went on in autocommit. It is now refused before it touches the
    connection, naming the book, and the outer unit of work keeps every write."""
    bo = bc.Backoffice.open("sqlite://", book="acme")
    bo.ledger.setup("Acme", currency="USD", chart="generic")
    line = [bc.debit("1110", "1.00"), bc.credit("4100", "1.00")]
    bo.ledger.post(bc.NewEntry(date(2026, 1, 5), "one", line))
    bo.ledger.post(bc.NewEntry(date(2026, 1, 6), "two", line))  # one after the other: fine
    with bo.unit_of_work() as uow:
        assert uow.ledger.get_settings().name == "Acme"  # type: ignore[attr-defined]
    store = SqlStore("sqlite://")
    with store("acme") as outer:
        outer.ledger.add_rate("EUR", "USD", date(2026, 1, 1), Decimal("1.10"))
        with pytest.raises(StorageError) as info, store("acme") as inner:
            inner.ledger.get_rate("EUR", "USD", date(2026, 1, 1))
        assert (info.value.field, info.value.value) == ("book", "acme")
        assert "sqlite://" in str(info.value)
        with pytest.raises(StorageError):
            store.books()
        outer.ledger.add_rate("EUR", "USD", date(2026, 1, 2), Decimal("1.20"))
        outer.commit()
    with store("acme") as uow:
        assert uow.ledger.get_rate("EUR", "USD", date(2026, 1, 1)) == (date(2026, 1, 1),
                                                                      Decimal("1.10"))
        assert uow.ledger.get_rate("EUR", "USD", date(2026, 1, 2))[1] == Decimal("1.20")
    with store("acme") as outer:
        outer.ledger.add_rate("EUR", "USD", date(2026, 1, 3), Decimal("9.99"))
        with pytest.raises(StorageError), store("acme"):
            pass
        outer.rollback()  # the outer unit's writes are still its own to roll back
    with store("acme") as uow:
        assert uow.ledger.get_rate("EUR", "USD", date(2026, 1, 31))[1] == Decimal("1.20")
    assert store.books() == []  # usable again (rates alone make no ledger)
    store.dispose()


def test_a_file_that_is_not_a_database_is_a_storage_error(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    path.write_bytes(b"these are my notes, not a database" * 100)
    with pytest.raises(StorageError) as info:
        bc.Backoffice.open(f"sqlite:///{path}")
    _driver_free(info.value)


def test_a_missing_directory_or_server_is_a_storage_error(tmp_path: Path) -> None:
    with pytest.raises(StorageError) as info:
        bc.Backoffice.open(f"sqlite:///{tmp_path / 'no' / 'such' / 'dir.db'}")
    _driver_free(info.value)
    with pytest.raises(StorageError) as info:
        bc.Backoffice.open("postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=2")
    _driver_free(info.value)


def test_unsupported_urls_are_validation_errors() -> None:
    for url in ("mysql://u@h/db", "sqlite+aiosqlite:///x.db", "postgresql+asyncpg://h/db"):
        with pytest.raises(bc.BackofficeError) as info:
            bc.Backoffice.open(url)
        assert isinstance(info.value, bc.ValidationError | bc.NotFoundError)
    bc.register_adapter("nomigrate", lambda url: MemoryStore())
    assert bc.Backoffice.open("memory://", migrate=True).book == "default"
    with pytest.raises(bc.ValidationError) as err:
        bc.Backoffice.open("nomigrate://", migrate=True)
    assert (err.value.field, err.value.value) == ("migrate", True)


def test_a_table_dropped_underneath_is_a_storage_error_and_the_work_cannot_commit(
    store: SqlStore
) -> None:
    bo = bc.Backoffice(store, book="acme")
    bo.ledger.setup("Acme", currency="USD", chart="generic")
    with store.engine.begin() as conn:
        conn.exec_driver_sql("DROP TABLE ledger_rates")
    with store("acme") as uow:
        uow.ledger.add_account(Account("9001", "Extra", "asset"))
        with pytest.raises(StorageError) as info:
            uow.ledger.add_rate("EUR", "USD", date(2026, 1, 1), Decimal("1.1"))
        _driver_free(info.value)
        with pytest.raises(StorageError):
            uow.ledger.get_account("9001")  # the transaction can only roll back now
        with pytest.raises(StorageError):
            uow.commit()
    with store("acme") as uow:
        assert uow.ledger.get_account("9001") is None  # nothing was committed


# --------------------------------------------------------------------------- keys and versions
def test_duplicates_name_field_and_value_and_the_work_goes_on(store: SqlStore) -> None:
    with store("b") as uow:
        repo = uow.ledger
        repo.add_entries([_entry("e1", 1, idempotency_key="k1"),
                          _entry("p1", 2, status=EntryStatus.PENDING)])
        repo.add_entries([_entry("r1", 3, kind=EntryKind.REVERSAL, related="e1"),
                          _entry("v1", 4, kind=EntryKind.PENDING_VOID, related="p1")])
        cases = [
            ([_entry("e1", 5)], DuplicateError, "id", "e1"),
            ([_entry("e5", 5, idempotency_key="k1")], DuplicateError, "idempotency_key", "k1"),
            ([_entry("e5", 5, kind=EntryKind.REVERSAL, related="e1")], DuplicateError,
             "related", "e1"),
            ([_entry("e5", 5, kind=EntryKind.PENDING_POST, related="p1")], DuplicateError,
             "related", "p1"),
            ([_entry("e5", 5), _entry("e5", 6)], DuplicateError, "id", "e5"),
            ([_entry("e5", 5, idempotency_key="k9"), _entry("e6", 6, idempotency_key="k9")],
             DuplicateError, "idempotency_key", "k9"),
            ([_entry("e5", 4)], ConcurrencyError, "seq", 4),
        ]
        for batch, error, field, value in cases:
            with pytest.raises(error) as info:
                repo.add_entries(batch)
            assert (info.value.field, info.value.value) == (field, value), batch
        repo.add_entries([_entry("e5", 5)])  # the unit of work is still good
        repo.add_account(Account("1110", "Cash", "asset"))
        with pytest.raises(DuplicateError) as dup:
            repo.add_account(Account("1110", "Till", "asset"))
        assert (dup.value.field, dup.value.value) == ("code", "1110")
        uow.commit()
    with store("b") as uow:
        assert [e.id for e in uow.ledger.iter_chain()] == ["e1", "p1", "r1", "v1", "e5"]
        assert uow.ledger.get_account("1110") is not None


def test_stale_versions_raise_concurrency_error(store: SqlStore) -> None:
    with store("b") as uow:
        repo = uow.ledger
        repo.save_settings(BookSettings("B", "USD"), None)
        repo.add_account(Account("1110", "Cash", "asset"))
        repo.save_fiscal_year(FiscalYear.monthly("FY", date(2026, 1, 1)), None)
        uow.commit()
    with store("b") as uow:
        repo = uow.ledger
        with pytest.raises(ConcurrencyError):
            repo.save_settings(BookSettings("B2", "USD", version=2), 1)
        with pytest.raises(ConcurrencyError):
            repo.update_account(Account("1110", "Till", "asset", version=2), 1)
        with pytest.raises(bc.NotFoundError):
            repo.update_account(Account("1999", "Nope", "asset", version=1), 0)
        fy = repo.list_fiscal_years()[0]
        with pytest.raises(ConcurrencyError):
            repo.save_fiscal_year(fy.with_period_state("2026-01", bc.PeriodState.CLOSED), 7)
        with pytest.raises(DuplicateError):
            repo.save_settings(BookSettings("B", "USD"), None)
        repo.update_account(Account("1110", "Till", "asset", version=1), 0)
        uow.commit()
    with store("b") as uow:
        assert uow.ledger.get_account("1110") == Account("1110", "Till", "asset", version=1)
        assert uow.ledger.get_settings() == BookSettings("B", "USD")


def test_a_unit_of_work_rolls_back_unless_committed_and_may_go_on(store: SqlStore) -> None:
    uow = store("b")
    with pytest.raises(StorageError):
        uow.ledger.get_settings()  # outside its with block
    with uow:
        uow.ledger.add_account(Account("1110", "Cash", "asset"))
    with uow:  # entered again: the first block's work was rolled back
        assert uow.ledger.get_account("1110") is None
        uow.ledger.add_account(Account("1110", "Cash", "asset"))
        uow.commit()
        uow.ledger.add_account(Account("1120", "Bank", "asset"))  # after a commit, goes on
    with store("b") as other:
        assert [a.code for a in other.ledger.list_accounts()] == ["1110"]


def test_two_books_in_one_database_never_see_each_other(store: SqlStore) -> None:
    a, b = bc.Backoffice(store, book="a"), bc.Backoffice(store, book="b")
    a.ledger.setup("A", currency="USD", chart="generic")
    b.ledger.setup("B", currency="EUR")
    b.ledger.open_account("1110", "Kasse", "asset")
    b.ledger.open_account("4100", "Erlöse", "income")
    e = bc.NewEntry(date(2026, 1, 5), "x", [bc.debit("1110", "3.00"), bc.credit("4100", "3.00")],
                    idempotency_key="same")
    a.ledger.post(e)
    assert b.ledger.post(e).created is True  # the same key is free in the other book
    a.ledger.set_rate("EUR", "USD", date(2026, 1, 1), "1.1")
    a.ledger.add_fiscal_year(bc.FiscalYear.monthly("FY2026", date(2026, 1, 1)))
    assert b.ledger.fiscal_years() == []
    with store("b") as uow:
        assert uow.ledger.get_rate("EUR", "USD", date(2026, 2, 1)) is None
    assert len(b.ledger.accounts()) == 2 and len(a.ledger.accounts()) > 2
    assert [x.key.currency for x in b.ledger.balances()] == ["EUR", "EUR"]
    assert a.ledger.balance("1110") == bc.Money("3.00", "USD")
    assert len(a.ledger.entries()) == len(b.ledger.entries()) == 1
    assert a.ledger.verify().ok and b.ledger.verify().ok
    assert store.books() == ["a", "b"]


# --------------------------------------------------------------------------- exactness
def test_rates_instants_and_amounts_come_back_exactly(store: SqlStore) -> None:
    rate = Decimal("1.123456789012345678901234567890")
    kolkata = timezone(timedelta(hours=5, minutes=30))
    at = datetime(2026, 1, 31, 23, 59, 58, 123456, tzinfo=kolkata)
    bo = bc.Backoffice(store, book="x", clock=FixedClock(at))
    bo.ledger.setup("X", currency="USD", chart="generic")
    bo.ledger.set_rate("EUR", "USD", date(2026, 1, 1), rate)
    assert bo.ledger.rate("EUR", "USD", date(2026, 6, 1)) == rate
    assert str(bo.ledger.rate("EUR", "USD", date(2026, 6, 1))) == str(rate)
    held = bo.ledger.hold(bc.NewEntry(date(2026, 1, 5), "auth", [
        bc.debit("1110", "999999999999999.99"), bc.credit("4100", "999999999999999.99")]),
        expires_at=datetime(2026, 2, 1, 0, 0, tzinfo=UTC))
    again = bo.ledger.entry(held.entry.id)
    assert again == held.entry
    assert again.recorded_at is not None and again.recorded_at.isoformat() == at.isoformat()
    assert again.expires_at is not None and again.expires_at.isoformat() == \
        "2026-02-01T00:00:00+00:00"
    assert again.postings[0].amount == 99999999999999999
    assert bo.ledger.verify().ok  # the chain hash covers the instants' text


def test_the_repository_applies_deltas_as_additions(store: SqlStore) -> None:
    key = BalanceKey("1110", "USD")
    with store("b") as uow:
        uow.ledger.apply_deltas([BalanceDelta(key, date(2026, 1, 1), 5, 0, 0, 0, 5)] * 3)
        uow.ledger.apply_deltas([BalanceDelta(key, date(2026, 1, 3), 0, 2, 7, 0, -2)])
        uow.commit()
    with store("b") as uow:
        got = uow.ledger.get_balance(key)
        assert (got.debits, got.credits, got.pending_debits, got.functional) == (15, 2, 7, 13)
        assert uow.ledger.balance_as_of(key, date(2026, 1, 2)).debits == 15
        assert uow.ledger.balance_as_of(key, date(2026, 1, 2)).credits == 0
        assert uow.ledger.balance_as_of(key, date(2025, 12, 31)).debits == 0
        assert [b.key for b in uow.ledger.balances_as_of(date(2026, 1, 1))] == [key]
