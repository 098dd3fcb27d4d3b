"""Command line: ``python -m backoffice_core demo [--locale en_US|ru_RU|de_DE] [--url URL]``,
and ``python -m backoffice_core schema upgrade|current URL`` (the SQL schema:
:mod:`backoffice_core.adapters.sql.__main__`).

Example:
    >>> main(["demo", "--locale", "de_DE", "--url", "memory://"])  # doctest: +ELLIPSIS
    Nordwind Handel GmbH (EUR, de_DE)
    <BLANKLINE>
    Kontenplan (bebuchte Konten)
    DATEV-Standardkontenrahmen (SKR) 03, Auswahl
    ...
    0
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from backoffice_core.demo import LOCALES, run_demo
from backoffice_core.errors import BackofficeError, SchemaError, StorageError

__all__ = ["DEFAULT_URL", "build_parser", "kept_in", "main"]

DEFAULT_FILE = "backoffice_demo.db"
DEFAULT_URL = f"sqlite:///{DEFAULT_FILE}"  # an SQLite file in the current directory


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``backoffice`` command.

    Example:
        >>> build_parser().parse_args(["demo"]).locale
        'en_US'
    """
    parser = argparse.ArgumentParser(
        prog="python -m backoffice_core",
        description="backoffice_core: an embeddable, exact back office.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="command")
    demo = commands.add_parser(
        "demo", help="build a demo company, post a month and print its reports",
        description="Build a demo company, post a month of transactions and print its "
                    "chart of accounts, trial balance, income statement, balance sheet, "
                    "foreign-currency account and verification, then its commercial "
                    "documents with the receivables aging, and a month of stock with its "
                    "valuation. The books are kept in the --url store; a re-run posts "
                    "nothing new.")
    demo.add_argument("--locale", choices=LOCALES, default="en_US",
                      help="formatting and company profile (default: en_US)")
    demo.add_argument("--url", default=DEFAULT_URL,
                      help=f"storage URL of the books (default: {DEFAULT_URL}, the embedded "
                           "default, upgraded if an older version wrote it; memory:// keeps "
                           "nothing)")
    from backoffice_core.adapters.sql.__main__ import add_commands

    schema = commands.add_parser(
        "schema", help="create or migrate a database's schema, or show its revision",
        description="The SQL adapter's schema: 'upgrade URL' creates or migrates it to this "
                    "version's head revision, 'current URL' prints its revision.")
    add_commands(schema.add_subparsers(dest="schema_command", required=True,
                                       metavar="command"))
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the process exit code (0 on success).

    Example:
        >>> main(["demo", "--locale", "xx"])
        Traceback (most recent call last):
        ...
        SystemExit: 2
        >>> main(["schema", "current", "sqlite://"])
        <BLANKLINE>
        0
    """
    args = build_parser().parse_args(argv)
    if args.command == "demo":
        try:
            # the demo's own file is upgraded; a store the user names is never migrated
            # unasked (SchemaOutdatedError says how)
            result = run_demo(args.locale, args.url, migrate=args.url == DEFAULT_URL)
        except BackofficeError as err:
            print(f"error: {err}", file=sys.stderr)
            if (args.url == DEFAULT_URL and isinstance(err, StorageError)
                    and not isinstance(err, SchemaError)):
                print(_cannot_store_hint(), file=sys.stderr)
            return 1
        try:
            _write(result.text)
            if args.url == DEFAULT_URL:  # a first run leaves a file behind: say where, why
                _write(f"\n{kept_in(args.locale)}\n")
        except BrokenPipeError:  # the reader stopped (| head, | less quit): no traceback
            _quiet_stdout()
        return 0 if result.verification.ok else 1
    if args.command == "schema":
        from backoffice_core.adapters.sql.__main__ import run

        return run(args.schema_command, args.url)
    return 2  # pragma: no cover - argparse refuses unknown commands


_KEPT = {
    "en": "The books are kept in {path}: running the demo again shows them and posts "
          "nothing new (--url memory:// keeps nothing).",
    "de": "Die Bücher liegen in {path}: ein erneuter Lauf zeigt sie und bucht nichts neu "
          "(--url memory:// speichert nichts).",
    "ru": "Книги хранятся в {path}: повторный запуск покажет их и ничего не проведёт "
          "повторно (--url memory:// ничего не сохраняет).",
}


def kept_in(locale: str) -> str:
    """The closing line of a demo run on its own file: where the books are kept.

    Example:
        >>> kept_in("en_US").startswith("The books are kept in ")
        True
    """
    where = Path.cwd() / DEFAULT_FILE
    return _KEPT.get(locale[:2], _KEPT["en"]).format(path=where)


def _cannot_store_hint() -> str:
    """What to do when the demo's own file cannot be opened or written (a read-only
    directory, a directory of that name, a full disk...)."""
    where = Path.cwd() / DEFAULT_FILE
    return (f"The demo keeps its books in {where}, which could not be opened or written. "
            f"Run it in a directory you can write to, or pass --url memory:// to keep "
            f"nothing.")


def _quiet_stdout() -> None:
    """Point standard output at the null device, so that Python's own flush at exit does
    not fail again on the closed pipe (as the ``signal`` module's documentation advises)."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):  # no real file behind sys.stdout
        pass


def _write(text: str) -> None:
    """Print ``text``; a console that cannot show a character gets a replacement, not a crash."""
    stream = sys.stdout
    encoding = getattr(stream, "encoding", None) or "utf-8"
    try:
        text.encode(encoding)
    except (UnicodeEncodeError, LookupError):
        text = text.encode(encoding, errors="replace").decode(encoding, errors="replace")
    stream.write(text)
    stream.flush()


if __name__ == "__main__":
    raise SystemExit(main())
