"""The alembic environment of backoffice_core's SQL schema.

Run by alembic, never imported by the library itself. The store hands alembic
its own connection (``config.attributes["connection"]``), already inside the
transaction that holds the schema lock; from the alembic command line, set
``sqlalchemy.url`` in the ``[alembic]`` section of your ini file (or use
``python -m backoffice_core schema upgrade <url>``, which needs no ini
file). The version table is ``backoffice_alembic_version``.

Example:
    >>> from backoffice_core.adapters.sql.schema import MIGRATIONS
    >>> (MIGRATIONS / "env.py").is_file()
    True
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from backoffice_core.adapters.sql.schema import full_metadata
from backoffice_core.adapters.sql.tables import VERSION_TABLE

__all__ = ["run"]


def _migrate(connection: Connection) -> None:
    context.configure(connection=connection, target_metadata=full_metadata(),
                      version_table=VERSION_TABLE, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


def run() -> None:
    """Run the migrations alembic asked for, online or offline (alembic calls it).

    Example:
        >>> callable(run)
        True
    """
    config = context.config
    connection = config.attributes.get("connection")
    if connection is not None:
        _migrate(connection)
        return
    url = config.get_main_option("sqlalchemy.url")
    if context.is_offline_mode():
        context.configure(url=url, target_metadata=full_metadata(), version_table=VERSION_TABLE,
                          literal_binds=True)
        with context.begin_transaction():
            context.run_migrations()
        return
    from backoffice_core.adapters.sql.engine import make_engine

    engine = make_engine(url or "")
    try:
        with engine.connect() as conn:
            _migrate(conn)
            conn.commit()
    finally:
        engine.dispose()


if getattr(context, "config", None) is not None:  # run by alembic (not merely imported)
    run()
