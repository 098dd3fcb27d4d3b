"""Driver errors in, backoffice_core errors out.

Nothing from SQLAlchemy, sqlite3 or psycopg escapes the SQL adapter: every
repository method runs inside :func:`translated`, which maps

* unique and primary-key violations to :class:`~backoffice_core.errors.DuplicateError`
  (the repository names the offending value when it can; this module names the field);
* serialization failures (``40001``), deadlocks (``40P01``), lock timeouts (``55P03``)
  and SQLite's "database is locked" to :class:`~backoffice_core.errors.ConcurrencyError`
  (retry the operation); so is a PostgreSQL ``statement_timeout`` (``57014``) that
  struck while the statement waited for a row another transaction holds (the book was
  busy). Any other cancelled statement (a statement that ran past ``statement_timeout``,
  or a cancel request) is a :class:`~backoffice_core.errors.StorageError` that says so:
  retrying would most likely time out again;
* values the store cannot hold (out of range, NUL characters, index entries
  too large) to :class:`~backoffice_core.errors.ValidationError`;
* everything else to :class:`~backoffice_core.errors.StorageError`.

The original exception stays attached as ``__cause__`` for debugging.

Example:
    >>> import sqlite3
    >>> from sqlalchemy.exc import OperationalError
    >>> locked = sqlite3.OperationalError("database is locked")
    >>> err = translate(OperationalError("BEGIN", {}, locked))
    >>> type(err).__name__, err.field
    ('ConcurrencyError', 'book')
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import exc as sa_exc

from backoffice_core.errors import (
    BackofficeError,
    ConcurrencyError,
    DuplicateError,
    StorageError,
    ValidationError,
)

__all__ = ["constraint_of", "out_of_range", "translate", "translated"]

#: constraint or index name -> the field it guards
FIELDS = {
    "pk_ledger_books": "book",
    "pk_ledger_accounts": "code",
    "pk_ledger_entries": "id",
    "uq_ledger_entries_seq": "seq",
    "uq_ledger_entries_idempotency_key": "idempotency_key",
    "ux_ledger_entries_resolution": "related",
    "ux_ledger_entries_reversal": "related",
    "pk_ledger_postings": "postings",
    "ck_ledger_postings_range": "amount",
    "ck_ledger_balances_range": "balance",
    "ck_ledger_balance_days_range": "balance",
    "pk_ledger_fiscal_years": "name",
    "pk_ledger_rates": "rate",
    "pk_ledger_heads": "book",
    "ck_inv_route_days_range": "quantity",
    "ck_inv_quantities_range": "quantity",
    "ck_inv_reserved_range": "quantity",
    "ck_inv_value_days_range": "quantity",
    "ux_documents_parties_code": "code",
    "ux_documents_parties_code_key": "code",
    "ux_documents_payments_number": "number",
    "ux_documents_handovers_id": "id",
    "uq_documents_documents_number": "number",
    "ux_documents_documents_number": "number",
}
# SQLite names columns, not constraints: "UNIQUE constraint failed: t.a, t.b"
_SQLITE_COLUMNS = {
    "ledger_books.book": "pk_ledger_books",
    "ledger_accounts.book, ledger_accounts.code": "pk_ledger_accounts",
    "ledger_entries.book, ledger_entries.id": "pk_ledger_entries",
    "ledger_entries.book, ledger_entries.seq": "uq_ledger_entries_seq",
    "ledger_entries.book, ledger_entries.idempotency_key": "uq_ledger_entries_idempotency_key",
    "ledger_entries.book, ledger_entries.related": "ux_ledger_entries_related",
    "ledger_fiscal_years.book, ledger_fiscal_years.name": "pk_ledger_fiscal_years",
    "ledger_heads.book": "pk_ledger_heads",
    "documents_parties.book, documents_parties.code": "ux_documents_parties_code",
    "documents_parties.book, documents_parties.code_key": "ux_documents_parties_code_key",
    "documents_payments.book, documents_payments.number": "ux_documents_payments_number",
    "documents_handovers.book, documents_handovers.id": "ux_documents_handovers_id",
    "documents_documents.book, documents_documents.type, documents_documents.number":
        "uq_documents_documents_number",
    "documents_documents.book, documents_documents.number": "ux_documents_documents_number",
}
_SQLITE_FAILED = re.compile(r"(UNIQUE|CHECK|NOT NULL|FOREIGN KEY) constraint failed:?\s*(.*)$")
_CONCURRENCY_STATES = {"40001", "40P01", "55P03"}
_INT64_MIN, _INT64_MAX = -(2**63), 2**63 - 1
_INPUT_STATES = {"22001", "22003", "22021", "22P05", "54000", "22007", "22008", "42804"}
#: psycopg's "PostgreSQL text fields cannot contain NUL (0x00) bytes": the word NUL, not
#: NULL (``near "NULL": syntax error`` is no input the caller can fix)
_NUL = re.compile(r"\bNUL\b")


def _orig(exc: BaseException) -> BaseException:
    return exc.orig if isinstance(exc, sa_exc.DBAPIError) and exc.orig is not None else exc


def _sqlstate(orig: BaseException) -> str:
    return str(getattr(orig, "sqlstate", "") or "")


def constraint_of(exc: BaseException) -> str:
    """The name of the constraint a driver error reports, or ``""``.

    Example:
        >>> import sqlite3
        >>> from sqlalchemy.exc import IntegrityError
        >>> constraint_of(IntegrityError("INSERT", {}, sqlite3.IntegrityError(
        ...     "UNIQUE constraint failed: ledger_accounts.book, ledger_accounts.code")))
        'pk_ledger_accounts'
    """
    orig = _orig(exc)
    diag = getattr(orig, "diag", None)
    if diag is not None:
        return str(getattr(diag, "constraint_name", "") or "")
    m = _SQLITE_FAILED.search(str(orig))
    if not m:
        return ""
    detail = m.group(2).strip()
    if m.group(1) == "UNIQUE":
        return _SQLITE_COLUMNS.get(detail, detail)
    if m.group(1) == "FOREIGN KEY":
        return "fk_ledger_postings_entry"
    return detail


def _is_driver_error(exc: BaseException) -> bool:
    if isinstance(exc, sa_exc.SQLAlchemyError):
        return True
    module = type(exc).__module__
    return module.startswith(("sqlite3", "psycopg", "_sqlite3"))


def out_of_range(params: Any) -> list[int]:
    """The integers in ``params`` (a row, or rows for ``executemany``) that a 64-bit column
    cannot hold, in order.

    Example:
        >>> out_of_range([("acme", 5, 2**63), ("acme", -(2**64), 1)])
        [9223372036854775808, -18446744073709551616]
    """
    found: list[int] = []
    for p in params if isinstance(params, (list, tuple)) else ():
        if isinstance(p, (list, tuple)):
            found.extend(out_of_range(p))
        elif type(p) is int and not _INT64_MIN <= p <= _INT64_MAX:
            found.append(p)
    return found


def _waited_for_a_row(orig: BaseException) -> bool:
    """PostgreSQL says where a cancelled statement waited: "while locking tuple (0,1) in
    relation ..." (also updating, deleting, inserting index tuple, checking uniqueness)."""
    context = str(getattr(getattr(orig, "diag", None), "context", "") or "")
    return context.startswith("while ") and " tuple" in context.split(" in relation", 1)[0]


def _offending(params: Any) -> Any:
    bad = out_of_range(params)
    return bad[0] if len(bad) == 1 else tuple(bad) or None


def translate(exc: BaseException, action: str = "", *, field: str | None = None,
              params: Any = None) -> BackofficeError | None:
    """Our error for a driver or SQLAlchemy error, or ``None`` when ``exc`` is neither.

    ``field`` names what the statement stores and ``params`` are its parameters, when the
    caller knows them: an integer beyond 64 bits is then named in the error (the driver
    refuses to bind it without saying which).

    Example:
        >>> translate(KeyError("x")) is None
        True
        >>> err = translate(OverflowError("Python int too large to convert to SQLite "
        ...                               "INTEGER"), field="quantity", params=[("a", 2**64)])
        >>> err.field, err.value
        ('quantity', 18446744073709551616)
    """
    where = f" while {action}" if action else ""
    if isinstance(exc, OverflowError):
        return ValidationError(f"an integer beyond the store's 64-bit range{where}",
                               field=field, value=_offending(params))
    if not _is_driver_error(exc):
        return None
    orig = _orig(exc)
    kinds = {c.__name__ for c in type(orig).__mro__} | {c.__name__ for c in type(exc).__mro__}
    state = _sqlstate(orig)
    text = str(orig).strip().splitlines()[0] if str(orig).strip() else type(orig).__name__
    name = str(getattr(orig, "sqlite_errorname", "") or "")
    if state == "57014" and not _waited_for_a_row(orig):
        return StorageError(f"the server cancelled the statement ({text}: statement_timeout "
                            f"or a cancel request){where}")
    if (state in _CONCURRENCY_STATES or state == "57014"
            or name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED"))
            or "database is locked" in text or "database table is locked" in text):
        return ConcurrencyError(f"the book is busy or changed concurrently ({text}){where}; "
                                "retry the operation", field="book", value=None)
    if "IntegrityError" in kinds or state.startswith("23"):
        constraint = constraint_of(exc)
        field = FIELDS.get(constraint, "related" if constraint.endswith("_related")
                           else constraint or field)
        if state == "23514" or text.startswith("CHECK constraint failed"):
            return ValidationError(f"value out of the storable range{where}", field=field,
                                   value=None)
        if state == "23505" or text.startswith("UNIQUE constraint failed"):
            return DuplicateError(f"already exists{where}", field=field, value=None)
        if state == "23502" or text.startswith("NOT NULL constraint failed"):
            column = str(getattr(getattr(orig, "diag", None), "column_name", "") or
                         constraint.rsplit(".", 1)[-1])
            return ValidationError(f"a value is required{where}", field=column or None,
                                   value=None)
        return StorageError(f"integrity constraint failed ({text}){where}", field=field,
                            value=None)
    if (state in _INPUT_STATES or "DataError" in kinds
            or "Error binding parameter" in text or _NUL.search(text)):
        value = _offending(params) if state == "22003" else None
        return ValidationError(f"value cannot be stored ({text}){where}", field=field,
                               value=value)
    return StorageError(f"storage failed ({type(orig).__name__}: {text}){where}")


@contextmanager
def translated(action: str = "", *, field: str | None = None,
               params: Any = None) -> Iterator[None]:
    """Run a block, turning driver errors into backoffice_core errors.

    Example:
        >>> import sqlite3
        >>> from backoffice_core.errors import StorageError
        >>> try:
        ...     with translated("reading"):
        ...         raise sqlite3.OperationalError("disk I/O error")
        ... except StorageError as err:
        ...     print(err)
        storage failed (OperationalError: disk I/O error) while reading
    """
    try:
        yield
    except BackofficeError:
        raise
    except Exception as exc:
        mapped = translate(exc, action, field=field, params=params)
        if mapped is None:
            raise
        raise mapped from exc
