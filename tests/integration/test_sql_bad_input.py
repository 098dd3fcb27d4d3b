"""SQL adapter: bad input gets a typed error or is stored verbatim, and a refusal changes nothing.

Every refusal goes through the ``refuses`` fixture (tests/conftest.py): the
operation must raise the given error and leave the book exactly as before
(snapshot of balances, entries, accounts, years, settings; and ``verify()``).
Runs on SQLite (a file) and PostgreSQL (a fresh schema).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from typing import Any

import pytest
import sqlalchemy as sa

import backoffice_core as bc
from backoffice_core.adapters.sql import SqlStore
from backoffice_core.adapters.sql.tables import metadata
from backoffice_core.ports import FixedClock, SequentialIds

NASTY = [
    "x'); DROP TABLE ledger_entries; --",
    "'; DELETE FROM ledger_balances WHERE '1'='1",
    "Robert\"); UPDATE ledger_accounts SET active = 0; --",
    "%s %(name)s ? :name $1 \\ \\' '' \" ` ; -- /* */",
    "Ромашка 🌼 עברית e\u0301 \u202e reversed",
]


@pytest.fixture
def book(url: str) -> Iterator[bc.Backoffice]:
    """A generic-chart USD book on the SQL store, with one entry posted."""
    store = SqlStore(url)
    bo = bc.Backoffice(store, book="acme", clock=FixedClock(datetime(2026, 1, 31, tzinfo=UTC)),
                       ids=SequentialIds("e"))
    bo.ledger.setup("Acme", currency="USD", chart="generic")
    bo.ledger.post(_entry("seed"))
    yield bo
    store.dispose()


def _entry(description: str = "Sale", *, amount: str = "10.00", debit: str = "1110",
           credit: str = "4100", **kwargs: Any) -> bc.NewEntry:
    return bc.NewEntry(date(2026, 1, 5), description,
                       [bc.debit(debit, amount), bc.credit(credit, amount)], **kwargs)


def _is_pg(bo: bc.Backoffice) -> bool:
    return bool(bo._uow_factory.dialect == "postgresql")  # type: ignore[attr-defined]


def _tables_intact(bo: bc.Backoffice) -> None:
    engine = bo._uow_factory.engine  # type: ignore[attr-defined]
    with engine.connect() as conn:
        names = set(sa.inspect(conn).get_table_names())
    assert {t for t in metadata.tables if t.startswith("ledger_")} <= names


# --------------------------------------------------------------------------- typed refusals
BAD: list[tuple[str, type[BaseException], Callable[[bc.Backoffice], Any]]] = [
    ("date given as text", bc.ValidationError,
     lambda bo: bo.ledger.post(bc.NewEntry("2026-01-05", "x",  # type: ignore[arg-type]
                                           [bc.debit("1110", "1"), bc.credit("4100", "1")]))),
    ("float amount", bc.FloatNotAllowedError,
     lambda bo: bo.ledger.post(_entry(amount=10.5))),  # type: ignore[arg-type]
    ("account code given as a number", bc.ValidationError,  # not a code (was NotFound)
     lambda bo: bo.ledger.post(bc.NewEntry(date(2026, 1, 5), "x", [
         bc.Line(1110, "1.00"), bc.credit("4100", "1.00")]))),  # type: ignore[arg-type]
    ("unknown account", bc.NotFoundError, lambda bo: bo.ledger.post(_entry(debit="9999"))),
    ("account named with SQL", bc.NotFoundError,
     lambda bo: bo.ledger.post(_entry(debit="1110' OR '1'='1"))),
    ("unbalanced entry", bc.UnbalancedEntryError,
     lambda bo: bo.ledger.post(bc.NewEntry(date(2026, 1, 5), "x", [
         bc.debit("1110", "10.00"), bc.credit("4100", "9.99")]))),
    ("amount over 10**17 minor units", bc.ValidationError,
     lambda bo: bo.ledger.post(_entry(amount="1000000000000000.01"))),
    ("amount finer than a cent", bc.ValidationError,
     lambda bo: bo.ledger.post(_entry(amount="0.001"))),
    ("account name of 10,000 characters", bc.ValidationError,
     lambda bo: bo.ledger.open_account("1199", "n" * 10_000, "asset")),
    ("account code with SQL in it", bc.ValidationError,
     lambda bo: bo.ledger.open_account("1'); DROP TABLE x; --", "Bad", "asset")),
    ("duplicate account code", bc.DuplicateError,
     lambda bo: bo.ledger.open_account("1110", "Cash again", "asset")),
    ("float exchange rate", bc.FloatNotAllowedError,
     lambda bo: bo.ledger.set_rate("EUR", "USD", date(2026, 1, 1), 1.1)),
    ("a second setup of the book", bc.DuplicateError,
     lambda bo: bo.ledger.setup("Again", currency="USD")),
    ("idempotency key reused with other content", bc.IdempotencyConflictError,
     lambda bo: (bo.ledger.post(_entry(idempotency_key="k1")),
                 bo.ledger.post(_entry(amount="11.00", idempotency_key="k1")))),
]


@pytest.mark.parametrize(("case", "error", "action"), BAD, ids=[c[0] for c in BAD])
def test_bad_input_is_refused_with_a_typed_error_and_changes_nothing(
    book: bc.Backoffice, refuses: Any, case: str, error: type[BaseException],
    action: Callable[[bc.Backoffice], Any],
) -> None:
    if case.startswith("idempotency"):
        book.ledger.post(_entry(idempotency_key="k1"))
    info = refuses(book, error, action, book)
    if isinstance(info.value, bc.BackofficeError):
        assert info.value.field, f"{case}: the error names no field"
    _tables_intact(book)


NON_TEXT = [("description", {"description": None}), ("reference", {"reference": 5}),
            ("idempotency_key", {"idempotency_key": 5})]


@pytest.mark.parametrize(("field", "change"), NON_TEXT, ids=[c[0] for c in NON_TEXT])
def test_non_text_entry_fields_get_a_validation_error(book: bc.Backoffice, refuses: Any,
                                                     field: str, change: dict[str, Any]) -> None:
    values = {"description": "x", **change}
    description = values.pop("description")
    # NewEntry refuses the value as it is built, before anything reaches the store
    info = refuses(book, bc.ValidationError,
                   lambda: book.ledger.post(_entry(description, **values)))
    assert field in (info.value.field or "")


def test_a_running_total_beyond_the_storable_range_is_refused(book: bc.Backoffice,
                                                              refuses: Any) -> None:
    big = "1000000000000000.00"  # 10**17 minor units: the largest line the domain takes
    book.ledger.post_many([_entry(amount=big, debit="1120", credit="3100")
                           for _ in range(10)])  # 10**18 minor units: the storable maximum
    assert book.ledger.balance_detail("1120").debits == 10**18
    info = refuses(book, bc.ValidationError, book.ledger.post,
                   _entry(amount="0.01", debit="1120", credit="3100"))
    assert info.value.field == "balance"


# --------------------------------------------------------------------------- stored verbatim
@pytest.mark.parametrize("text", NASTY)
def test_sql_metacharacters_and_odd_unicode_are_stored_verbatim(book: bc.Backoffice,
                                                               text: str) -> None:
    acc = book.ledger.open_account("1199", text[:200].strip() or "x", "asset")
    entry = bc.NewEntry(date(2026, 1, 6), text, [
        bc.Line("1199", "5.00", memo=text, dimensions={text[:40]: text[:200]}),
        bc.credit("4100", "5.00")], reference=text, idempotency_key=text[:200])
    posted = book.ledger.post(entry).entry
    again = book.ledger.entry(posted.id)
    assert again == posted
    assert (again.description, again.reference, again.idempotency_key) == (
        text, text, text[:200])
    assert again.postings[0].memo == text
    assert again.postings[0].dimensions == ((text[:40], text[:200]),)
    assert book.ledger.account("1199").name == acc.name
    assert book.ledger.balance("1199", dimension=(text[:40], text[:200])) == \
        bc.Money("5.00", "USD")
    assert book.ledger.post(entry).created is False  # the key finds the entry again
    settings = book.ledger.settings()
    with pytest.raises(bc.ValidationError) as info:  # a role name follows the code rule
        book.ledger.set_role(text[:50], "1199")
    assert (info.value.field, info.value.value) == ("role", text[:50])
    assert book.ledger.settings() == settings
    _tables_intact(book)
    assert book.ledger.verify().ok


def test_very_long_text_is_stored_verbatim(book: bc.Backoffice) -> None:
    long = "Lorem ipsum, dolor; sit 'amet' " * 10_000  # about 300,000 characters
    posted = book.ledger.post(bc.NewEntry(date(2026, 1, 6), long, [
        bc.Line("1110", "1.00", memo=long), bc.credit("4100", "1.00")], reference=long)).entry
    again = book.ledger.entry(posted.id)
    assert again.description == long and again.reference == long
    assert again.postings[0].memo == long
    assert book.ledger.verify().ok


def test_an_entry_with_thousands_of_lines_is_stored_whole(book: bc.Backoffice) -> None:
    lines = [bc.debit("1110", "0.01") for _ in range(3000)] + [bc.credit("4100", "30.00")]
    posted = book.ledger.post(bc.NewEntry(date(2026, 1, 7), "many", lines)).entry
    assert len(book.ledger.entry(posted.id).postings) == 3001
    assert book.ledger.verify().ok


# --------------------------------------------------------------------------- beyond PostgreSQL
def test_nul_characters_in_entries_are_refused_by_every_adapter(book: bc.Backoffice,
                                                                refuses: Any) -> None:
    """The ledger refuses control characters in an entry's text itself (they would blur
    its hashed text), so SQLite and PostgreSQL agree; other tables keep PostgreSQL's own
    NUL check (adapters/sql/guards.py)."""
    info = refuses(book, bc.ValidationError,
                   lambda: book.ledger.post(_entry("before\x00after")))
    assert info.value.field == "description"
    assert info.value.value == "before\x00after"


def test_over_long_identifiers_are_refused_by_every_adapter(
    book: bc.Backoffice, refuses: Any
) -> None:
    """The domain refuses an identifier kept in an index beyond MAX_KEY_CHARS, so every
    adapter agrees (SQLite used to keep it while PostgreSQL refused it); an entry of 200
    characters is kept, and replays, on every adapter."""
    key = "k" * 5000
    info = refuses(book, bc.ValidationError,
                   lambda: book.ledger.post(_entry(idempotency_key=key)))
    assert info.value.field == "idempotency_key"
    assert info.value.value == key
    fits = _entry(idempotency_key="k" * 200)
    assert book.ledger.post(fits).entry.idempotency_key == "k" * 200
    assert book.ledger.post(fits).created is False
