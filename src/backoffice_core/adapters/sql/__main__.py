"""Command line: ``python -m backoffice_core.adapters.sql upgrade|current <url>``.

``upgrade`` creates or migrates the schema to the head revision; ``current``
prints the database's revision (empty when it has none).

Example:
    >>> main(["upgrade", "sqlite://"])  # doctest: +ELLIPSIS
    0...
    0
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from backoffice_core.errors import BackofficeError

__all__ = ["main"]


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command; returns the exit status.

    Example:
        >>> main(["current", "sqlite://"])
        <BLANKLINE>
        0
    """
    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) != 2 or args[0] not in ("upgrade", "current"):
        print("usage: python -m backoffice_core.adapters.sql upgrade|current <url>",
              file=sys.stderr)
        return 2
    command, url = args
    try:
        if command == "upgrade":
            from backoffice_core.adapters.sql.schema import upgrade

            print(upgrade(url))
        else:
            from backoffice_core.adapters.sql.engine import make_engine
            from backoffice_core.adapters.sql.schema import current_revision

            engine = make_engine(url)
            try:
                with engine.connect() as conn:
                    print(current_revision(conn) or "")
            finally:
                engine.dispose()
    except BackofficeError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
