"""Ports: what the domain needs from the outside world, as protocols.

Each domain declares its own repository protocol in ``<domain>/repository.py``;
this module gathers them into the :class:`UnitOfWork` and declares the
:class:`Clock` and :class:`IdGenerator` that every service receives instead of
reading the wall clock or a global counter.

Example:
    >>> from datetime import datetime, timezone
    >>> from backoffice_core.ports import FixedClock
    >>> FixedClock(datetime(2026, 1, 31, tzinfo=timezone.utc)).today()
    datetime.date(2026, 1, 31)
"""

from __future__ import annotations

import functools
import itertools
import os
import threading
from datetime import date, datetime, timedelta
from itertools import repeat
from operator import add
from types import TracebackType
from typing import Protocol, runtime_checkable

from backoffice_core.errors import ValidationError
from backoffice_core.ledger.repository import LedgerRepository

__all__ = [
    "Clock",
    "FixedClock",
    "IdGenerator",
    "SequentialIds",
    "TimeOrderedIds",
    "UnitOfWork",
    "UnitOfWorkFactory",
]


@runtime_checkable
class Clock(Protocol):
    """Tells the time. Domain code never calls ``datetime.now()`` itself."""

    def now(self) -> datetime:
        """The current instant, timezone-aware."""
        ...

    def today(self) -> date:
        """The current calendar date of the book."""
        ...


class FixedClock:
    """A clock that stands still until told to move (tests, replays, batch jobs).

    Example:
        >>> from datetime import datetime, timedelta, timezone
        >>> c = FixedClock(datetime(2026, 1, 1, tzinfo=timezone.utc))
        >>> c.advance(timedelta(days=1)).isoformat()
        '2026-01-02T00:00:00+00:00'
    """

    def __init__(self, at: datetime) -> None:
        self._at = _aware(at, "at")

    def now(self) -> datetime:
        """The instant the clock stands at.

        Example:
            >>> from datetime import datetime, timezone
            >>> FixedClock(datetime(2026, 1, 31, 9, 30, tzinfo=timezone.utc)).now().isoformat()
            '2026-01-31T09:30:00+00:00'
        """
        return self._at

    def today(self) -> date:
        """The date of :meth:`now`, in the clock's own timezone.

        Example:
            >>> from datetime import datetime, timezone
            >>> FixedClock(datetime(2026, 1, 31, 23, 0, tzinfo=timezone.utc)).today()
            datetime.date(2026, 1, 31)
        """
        return self._at.date()

    def set(self, at: datetime) -> None:
        """Move the clock to ``at`` (timezone-aware, else a ``ValidationError`` naming ``at``).

        Example:
            >>> from datetime import datetime, timezone
            >>> c = FixedClock(datetime(2026, 1, 1, tzinfo=timezone.utc))
            >>> c.set(datetime(2026, 3, 1, tzinfo=timezone.utc))
            >>> c.today()
            datetime.date(2026, 3, 1)
            >>> c.set(datetime(2026, 3, 2))
            Traceback (most recent call last):
            ...
            backoffice_core.errors.ValidationError: at=datetime.datetime(2026, 3, 2, 0, 0): ...
        """
        self._at = _aware(at, "at")

    def advance(self, delta: timedelta) -> datetime:
        """Move the clock by ``delta`` (a ``timedelta``) and return the new instant.

        Example:
            >>> from datetime import datetime, timedelta, timezone
            >>> c = FixedClock(datetime(2026, 1, 31, tzinfo=timezone.utc))
            >>> c.advance(timedelta(hours=36))
            datetime.datetime(2026, 2, 1, 12, 0, tzinfo=datetime.timezone.utc)
        """
        if not isinstance(delta, timedelta):
            raise ValidationError("must be a timedelta", field="delta", value=delta)
        try:
            self._at = self._at + delta
        except OverflowError:
            raise ValidationError("moves the clock past the last representable date",
                                  field="delta", value=delta) from None
        return self._at


def _aware(at: object, field: str) -> datetime:
    """``at`` if it is a timezone-aware ``datetime``, else a ``ValidationError``."""
    if not isinstance(at, datetime) or at.tzinfo is None or at.utcoffset() is None:
        raise ValidationError("FixedClock needs a timezone-aware datetime", field=field,
                              value=at)
    return at


def _count(count: object) -> int:
    """``count`` if it is an ``int`` of at least 0, else a ``ValidationError``."""
    if type(count) is not int or count < 0:
        raise ValidationError("a count of ids is an int of at least 0", field="count",
                              value=count)
    return count


class IdGenerator(Protocol):
    """Hands out new, unique, time-ordered identifiers (as strings)."""

    def new_id(self) -> str:
        """A new identifier, greater than every earlier one from this generator."""
        ...

    def new_ids(self, count: int) -> list[str]:
        """``count`` new identifiers in increasing order (the bulk path)."""
        ...


#: the last two hex digits of an id's counter, formatted once
_HEX2 = tuple(f"{i:02x}" for i in range(256))


def _id_run(ms: int, counter: int, count: int, node: str) -> list[str]:
    """The ids of one millisecond ``ms`` for the counters ``counter`` .. ``counter+count-1``.

    An id is 12 hex digits of milliseconds, 7 of counter and the generator's 13-digit
    ``node``. A run is formatted per 256 counters (the first five counter digits once,
    the last two with the node from a table per node), so each id costs one string
    concatenation at C speed: the bulk path's share (a ``%`` format each costs several
    times as much).

    Example:
        >>> _id_run(1, 250, 20, "n" * 13)[5:7]  # counters 255 and 256
        ['00000000000100000ffnnnnnnnnnnnnn', '0000000000010000100nnnnnnnnnnnnn']
    """
    if count < 16:  # a few ids: one format each is cheaper than a run's set-up
        template = f"{ms:012x}%07x{node}"
        return list(map(template.__mod__, range(counter, counter + count)))
    out: list[str] = []
    tails = _tails(node)
    end = counter + count
    while counter < end:
        stop = min(end, (counter | 255) + 1)  # to the end of this block of 256 counters
        head = f"{ms:012x}{counter >> 8:05x}"
        out += map(add, repeat(head), tails[counter & 255:((stop - 1) & 255) + 1])
        counter = stop
    return out


@functools.lru_cache(maxsize=16)
def _tails(node: str) -> tuple[str, ...]:
    """The 256 last parts of an id of ``node``: two counter digits, then ``node``."""
    return tuple(low + node for low in _HEX2)


class TimeOrderedIds:
    """UUIDv7-like ids: 48 bits of milliseconds from the clock, then a counter and randomness.

    Ids sort by creation time, which keeps storage indexes append-friendly.

    Example:
        >>> from datetime import datetime, timezone
        >>> ids = TimeOrderedIds(FixedClock(datetime(2026, 1, 1, tzinfo=timezone.utc)))
        >>> a, b = ids.new_id(), ids.new_id()
        >>> len(a), a < b
        (32, True)
    """

    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._last_ms = -1
        self._counter = 0
        self._node = f"{int.from_bytes(os.urandom(7), 'big') & ((1 << 52) - 1):013x}"

    def new_id(self) -> str:
        """A new id, greater than every earlier one of this generator.

        Example:
            >>> from datetime import datetime, timezone
            >>> ids = TimeOrderedIds(FixedClock(datetime(2026, 1, 1, tzinfo=timezone.utc)))
            >>> int(ids.new_id()[:12], 16)  # the clock's milliseconds since 1970, in hex
            1767225600000
        """
        return self.new_ids(1)[0]

    def new_ids(self, count: int) -> list[str]:
        """``count`` new ids at once (one clock reading), increasing: the bulk path's
        generator. A ``count`` that is not an ``int`` of at least 0 is a ``ValidationError``.

        Example:
            >>> from datetime import datetime, timezone
            >>> ids = TimeOrderedIds(FixedClock(datetime(2026, 1, 1, tzinfo=timezone.utc)))
            >>> batch = ids.new_ids(3)
            >>> len(batch), batch == sorted(batch), batch[-1] < ids.new_id()
            (3, True, True)
        """
        count = _count(count)
        ms = int(self._clock.now().timestamp() * 1000)  # float-ok: epoch millis, not money
        out: list[str] = []
        node = self._node
        with self._lock:
            if ms <= self._last_ms:
                ms = self._last_ms
                counter = self._counter + 1
            else:
                counter = 0
            while count > 0:
                if counter >= 1 << 28:
                    ms += 1
                    counter = 0
                take = min(count, (1 << 28) - counter)
                out += _id_run(ms, counter, take, node)
                counter += take
                count -= take
            self._last_ms = ms
            self._counter = counter - 1
        return out


class SequentialIds:
    """Deterministic ids ``prefix-000001``, ``prefix-000002``... for tests and examples.

    Example:
        >>> ids = SequentialIds("e")
        >>> ids.new_id(), ids.new_id()
        ('e-000001', 'e-000002')
    """

    def __init__(self, prefix: str = "id") -> None:
        self._prefix = prefix
        self._counter = itertools.count(1)
        self._lock = threading.Lock()

    def new_id(self) -> str:
        """The next id: the prefix, a dash and a six-digit counter.

        Example:
            >>> ids = SequentialIds("inv")
            >>> ids.new_id(), ids.new_id()
            ('inv-000001', 'inv-000002')
        """
        with self._lock:
            return f"{self._prefix}-{next(self._counter):06d}"

    def new_ids(self, count: int) -> list[str]:
        """``count`` new ids in order (a ``ValidationError`` unless an ``int`` of at least 0).

        Example:
            >>> SequentialIds("e").new_ids(3)
            ['e-000001', 'e-000002', 'e-000003']
        """
        count = _count(count)
        with self._lock:
            return [f"{self._prefix}-{next(self._counter):06d}" for _ in range(count)]


class UnitOfWork(Protocol):
    """One atomic piece of work against one book.

    Used as a context manager: leaving the block without :meth:`commit` rolls
    everything back, so a failed operation changes nothing.
    """

    @property
    def book(self) -> str:
        """The book (tenant) id this unit of work is scoped to."""
        ...

    @property
    def ledger(self) -> LedgerRepository:
        """The ledger repository inside this unit of work."""
        ...

    def __enter__(self) -> UnitOfWork:
        """Begin: take what the unit needs (a connection, a transaction) and return it."""
        ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """End: discard every change not committed, release everything, and never
        swallow the exception the block raised (return ``None``)."""
        ...

    def commit(self) -> None:
        """Make every change of this unit of work durable, all at once.

        The unit goes on: writes after a commit are undone when it ends, unless
        committed again.
        """
        ...

    def rollback(self) -> None:
        """Discard every change of this unit of work since its last commit.

        The unit goes on: writes after a rollback are kept by a later commit.
        """
        ...


class UnitOfWorkFactory(Protocol):
    """Opens units of work on one store; what an adapter hands to the facade."""

    def __call__(self, book: str) -> UnitOfWork:
        """A new, not yet entered, unit of work for ``book``."""
        ...
