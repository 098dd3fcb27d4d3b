"""The plumbing shared by the parts of the documents service (internal).

Each call opens one unit of work on the book and wraps it in a
:class:`~backoffice_core.documents._work.Work`; writes commit at the end of
the block, reads never do.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from decimal import localcontext
from typing import Any

from backoffice_core.choices import choice
from backoffice_core.documents._work import HandoverHandler, UnitsHandler, Work
from backoffice_core.documents.model import Direction
from backoffice_core.errors import ValidationError
from backoffice_core.money import EXACT

__all__ = ["ServiceBase", "direction_of", "many_of"]


def direction_of(value: Direction | str) -> Direction:
    """``Direction`` from itself or its value; a typed error naming ``side`` otherwise."""
    if isinstance(value, Direction):
        return value
    try:
        return Direction(value)
    except ValueError:
        raise ValidationError("side is 'sales' (receivables) or 'purchase' (payables)",
                              field="side", value=value) from None


def many_of(value: Any, kind: type, field: str) -> tuple[Any, ...]:
    """One or several enum members (or their values) as a tuple; ``None`` is empty.

    Anything but a collection (a number, bytes, a mapping) is taken as one value, so that
    :func:`~backoffice_core.choices.choice` refuses it naming ``field`` and the value as
    given (``tuple(5)`` raised a bare ``TypeError``).

    Example:
        >>> from backoffice_core.documents.model import DocumentType
        >>> many_of("quote", DocumentType, "type")
        (<DocumentType.QUOTE: 'quote'>,)
        >>> many_of(5, DocumentType, "type")
        Traceback (most recent call last):
        ...
        backoffice_core.errors.ValidationError: type=5: choose one of ...
    """
    if value is None:
        return ()
    single = isinstance(value, str | bytes | kind | Mapping) or not isinstance(value, Iterable)
    items = (value,) if single else tuple(value)
    return tuple(choice(kind, v, field) for v in items)


class ServiceBase:
    """Holds the book's unit-of-work factory, ledger service, clock and id generator."""

    def __init__(self, uow: Callable[[], Any], ledger: Any, clock: Any, ids: Any,
                 on_handover: HandoverHandler | None = None,
                 in_item_units: UnitsHandler | None = None) -> None:
        self._uow = uow
        self._ledger = ledger
        self._clock = clock
        self._ids = ids
        self._on_handover = on_handover
        self._in_item_units = in_item_units

    @contextmanager
    def _work(self) -> Iterator[Work]:
        # in the library's exact decimal context, not the caller's (restored on return)
        with localcontext(EXACT), self._uow() as uow:
            # the book's write lock first, as the ledger service does: what the work reads
            # (the document it issues, the open amount it allocates) cannot change under it
            uow.ledger.last_entry()
            yield Work(uow, self._ledger, self._clock, self._ids, self._on_handover,
                       self._in_item_units)
            uow.commit()

    @contextmanager
    def _read(self) -> Iterator[Work]:
        with localcontext(EXACT), self._uow() as uow:
            yield Work(uow, self._ledger, self._clock, self._ids, self._on_handover,
                       self._in_item_units)
