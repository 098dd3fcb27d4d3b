"""The SQLAlchemy storage adapter: SQLite (embedded default) and PostgreSQL (psycopg 3).

Open it through the facade (``Backoffice.open("sqlite:///books.db")`` or
``Backoffice.open("postgresql+psycopg://user@host/db")``), or directly as a
unit-of-work factory::

    store = SqlStore("sqlite:///books.db")
    with store("acme") as uow:
        ...

Importing :mod:`backoffice_core` does not import this package (nor SQLAlchemy);
the facade imports it when a SQL URL is opened. Requires the ``sql`` extra
(``postgres`` for PostgreSQL).

Example:
    >>> import backoffice_core as bc
    >>> bo = bc.Backoffice.open("sqlite://", book="acme")
    >>> bo.ledger.setup("Acme", currency="EUR", chart="generic")
    >>> bo.ledger.settings().functional_currency
    'EUR'
"""

from backoffice_core.adapters.sql.ledger import SqlLedgerRepository
from backoffice_core.adapters.sql.schema import (
    SchemaError,
    SchemaOutdatedError,
    head_revision,
    upgrade,
)
from backoffice_core.adapters.sql.store import SqlStore, SqlUnitOfWork

__all__ = [
    "SchemaError",
    "SchemaOutdatedError",
    "SqlLedgerRepository",
    "SqlStore",
    "SqlUnitOfWork",
    "head_revision",
    "open_store",
    "upgrade",
]


def open_store(url: str, *, migrate: bool = False) -> SqlStore:
    """The adapter factory the facade calls for ``sqlite://`` and ``postgresql://`` URLs.

    Example:
        >>> open_store("sqlite://").dialect
        'sqlite'
    """
    return SqlStore(url, migrate=migrate)
