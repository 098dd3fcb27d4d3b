"""Command line: ``python -m backoffice_core.adapters.sql upgrade|current <url>``.

``upgrade`` creates or migrates the schema to the head revision and prints it;
``current`` prints the database's revision (an empty line when it has none, and a
note saying so on standard error) and never creates anything: a missing SQLite file
stays missing. Errors (a URL that is not one, a server that does not answer, a file
that cannot be opened) print one line ``error: ...`` on standard error and exit 1;
a wrong command line exits 2. ``python -m backoffice_core schema ...`` runs the same.

Example:
    >>> main(["upgrade", "sqlite://"])  # doctest: +ELLIPSIS
    0...
    0
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from backoffice_core.errors import BackofficeError

__all__ = ["add_commands", "main", "revision_at"]


def revision_at(url: str) -> str | None:
    """The schema revision of the database at ``url``, ``None`` when it has none (a
    missing SQLite file included, which is not created). Driver errors are typed
    (``StorageError``), a bad URL a ``ValidationError`` naming ``url``.

    Example:
        >>> revision_at("sqlite:////nowhere/books.db") is None
        True
        >>> revision_at("bogus://x")
        Traceback (most recent call last):
        ...
        backoffice_core.errors.ValidationError: url='bogus': the SQL adapter supports ...
    """
    from backoffice_core.adapters.sql.engine import is_memory_sqlite, make_engine, parse_url
    from backoffice_core.adapters.sql.schema import current_revision
    from backoffice_core.adapters.sql.translate import translated

    u = parse_url(url)
    if u.get_backend_name() == "sqlite" and not is_memory_sqlite(u) and u.database and \
            not u.database.startswith("file:") and not Path(u.database).exists():
        return None
    engine = make_engine(u)
    try:
        with translated("reading the database schema"), engine.connect() as conn:
            return current_revision(conn)
    finally:
        engine.dispose()


def add_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``upgrade`` and ``current`` to ``commands`` (the subcommands of a parser).

    Example:
        >>> parser = argparse.ArgumentParser()
        >>> add_commands(parser.add_subparsers(dest="command", required=True))
        >>> parser.parse_args(["current", "sqlite:///books.db"]).url
        'sqlite:///books.db'
    """
    url_help = "the database URL: sqlite:///path/books.db or postgresql://user@host/db"
    upgrade = commands.add_parser(
        "upgrade", help="create or migrate the schema to the head revision",
        description="Create the schema in an empty database, or migrate an older one to "
                    "this version's head revision; prints the revision.")
    upgrade.add_argument("url", help=url_help)
    current = commands.add_parser(
        "current", help="print the database's schema revision",
        description="Print the schema revision stamped in the database (an empty line "
                    "when it has none); creates nothing.")
    current.add_argument("url", help=url_help)


def main(argv: Sequence[str] | None = None, prog: str | None = None) -> int:
    """Run the command; returns the exit status.

    Example:
        >>> main(["current", "sqlite://"])
        <BLANKLINE>
        0
        >>> main(["current", "bogus://x"])
        1
    """
    parser = argparse.ArgumentParser(
        prog=prog or "python -m backoffice_core.adapters.sql",
        description="The SQL adapter's schema: create, migrate, or show its revision.")
    add_commands(parser.add_subparsers(dest="command", required=True, metavar="command"))
    args = parser.parse_args(argv)
    return run(args.command, args.url)


def run(command: str, url: str) -> int:
    """Run ``upgrade`` or ``current`` on ``url``: print the revision, or one ``error:``
    line on standard error; returns the exit status (0, or 1 on an error)."""
    try:
        if command == "upgrade":
            from backoffice_core.adapters.sql.schema import upgrade

            print(upgrade(url))
        else:
            found = revision_at(url)
            if found is None:
                print("no backoffice_core schema in this database", file=sys.stderr)
            print(found or "")
    except BackofficeError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
