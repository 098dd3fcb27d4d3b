"""The ``Backoffice`` facade: open a book on a storage URL, get the domain services.

Built-in URL schemes: ``memory://``, ``sqlite://`` (``sqlite:///books.db``, the
embedded default) and ``postgresql+psycopg://`` (``postgresql://`` means the
same); the SQL adapter and SQLAlchemy are imported only when such a URL is
opened. ``Backoffice.open(url, migrate=True)`` upgrades an older SQL schema
instead of refusing it. Third-party adapters register a scheme
through the ``backoffice_core.adapters`` entry-point group, or at run time with
:func:`register_adapter`.

Example:
    >>> import backoffice_core as bc
    >>> bo = bc.Backoffice.open("memory://", book="acme")
    >>> bo.ledger.setup("Acme", currency="EUR", chart="generic")
    >>> bo.ledger.settings().functional_currency
    'EUR'
"""

from __future__ import annotations

import inspect
import threading
from collections.abc import Callable
from datetime import UTC, date, datetime
from importlib.metadata import entry_points

from backoffice_core.documents.service import Documents
from backoffice_core.errors import NotFoundError, ValidationError
from backoffice_core.inventory.service import Inventory
from backoffice_core.ledger.service import Ledger
from backoffice_core.ports import Clock, IdGenerator, TimeOrderedIds, UnitOfWork, UnitOfWorkFactory
from backoffice_core.text import check_code

__all__ = ["Backoffice", "SystemClock", "register_adapter"]

AdapterFactory = Callable[..., UnitOfWorkFactory]
_registry: dict[str, AdapterFactory] = {}
_registry_lock = threading.Lock()


class SystemClock:
    """The real clock (UTC). Injected by the facade; domain code never reads time itself."""

    def now(self) -> datetime:
        """The current instant, in UTC.

        Example:
            >>> SystemClock().now().tzinfo
            datetime.timezone.utc
        """
        return datetime.now(UTC)

    def today(self) -> date:
        """Today's date in UTC (a ``date``, as :class:`~backoffice_core.ports.Clock` says).

        Example:
            >>> type(SystemClock().today()).__name__
            'date'
        """
        return self.now().date()


def _memory(url: str, *, migrate: bool = False) -> UnitOfWorkFactory:
    from backoffice_core.adapters.memory import MemoryStore

    return MemoryStore()


def _sql(url: str, *, migrate: bool = False) -> UnitOfWorkFactory:
    from backoffice_core.adapters.sql import open_store  # lazy: SQLAlchemy only when used

    return open_store(url, migrate=migrate)


_BUILTIN: dict[str, AdapterFactory] = {"memory": _memory, "sqlite": _sql, "postgresql": _sql}


def register_adapter(scheme: str, factory: AdapterFactory) -> None:
    """Register a storage adapter for a URL scheme at run time.

    ``factory(url)`` returns a unit-of-work factory (called with a book id). An
    adapter that manages a schema also accepts ``migrate=True`` as a keyword.

    Example:
        >>> from backoffice_core.adapters.memory import MemoryStore
        >>> register_adapter("mymem", lambda url: MemoryStore())
        >>> Backoffice.open("mymem://x").book
        'default'
    """
    with _registry_lock:
        _registry[scheme] = factory


def _find_adapter(scheme: str) -> AdapterFactory:
    base = scheme.split("+", 1)[0]
    if scheme in _BUILTIN:
        return _BUILTIN[scheme]
    if base in _BUILTIN:
        return _BUILTIN[base]
    with _registry_lock:
        if scheme in _registry:
            return _registry[scheme]
        for ep in entry_points(group="backoffice_core.adapters"):
            if ep.name in (scheme, base):
                factory = ep.load()  # an adapter that fails to import raises with its cause
                _registry[scheme] = factory
                return factory  # type: ignore[no-any-return]
        if base in _registry:
            return _registry[base]
    raise NotFoundError("no storage adapter for this URL scheme; install one or call "
                        "register_adapter()", field="url", value=scheme)


class Backoffice:
    """One book of a company, on one store: the entry point of the library.

    Attributes:
        book: the book (tenant) id; books in one store never see each other.
        ledger: the :class:`~backoffice_core.ledger.service.Ledger` service.
        inventory: the :class:`~backoffice_core.inventory.service.Inventory` service.
        documents: the :class:`~backoffice_core.documents.service.Documents` service.
    """

    def __init__(self, uow_factory: UnitOfWorkFactory, *, book: str = "default",
                 clock: Clock | None = None, ids: IdGenerator | None = None) -> None:
        check_code(book, field="book", what="book id")  # validated only: kept as given
        self.book = book
        self.clock: Clock = clock or SystemClock()
        self.ids: IdGenerator = ids or TimeOrderedIds(self.clock)
        self._uow_factory = uow_factory
        self.ledger = Ledger(self.unit_of_work, self.clock, self.ids)
        self.inventory = Inventory(self.unit_of_work, self.clock, self.ids, self.ledger)
        # issued goods receipts and delivery notes move stock in the issuing unit of work;
        # a line converted in another unit of its item counts in the item's unit
        self.documents = Documents(self.unit_of_work, self.ledger, self.clock, self.ids,
                                   on_handover=self.inventory.take_over,
                                   in_item_units=self.inventory.in_item_units)

    @classmethod
    def open(cls, url: str = "memory://", *, book: str = "default", clock: Clock | None = None,
             ids: IdGenerator | None = None, migrate: bool = False) -> Backoffice:
        """Open a book on the store at ``url``.

        ``migrate=True`` upgrades an older database schema (SQL stores) instead
        of raising ``SchemaOutdatedError``.

        Example:
            >>> Backoffice.open("memory://").book
            'default'
            >>> Backoffice.open("sqlite://", book="acme").book
            'acme'
        """
        if not isinstance(url, str) or "://" not in url:
            raise ValidationError("storage URL must look like scheme://...", field="url",
                                  value=url)
        scheme = url.split("://", 1)[0].lower()
        factory = _find_adapter(scheme)
        if not migrate:
            return cls(factory(url), book=book, clock=clock, ids=ids)
        try:
            inspect.signature(factory).bind(url, migrate=True)
        except (TypeError, ValueError):
            raise ValidationError("this storage adapter has no migrate option",
                                  field="migrate", value=migrate) from None
        return cls(factory(url, migrate=True), book=book, clock=clock, ids=ids)

    def unit_of_work(self) -> UnitOfWork:
        """A new unit of work on this book (use it as a context manager): what
        ``post_within`` and its kin take, to make several calls one atomic change.

        Example:
            >>> from datetime import date
            >>> import backoffice_core as bc
            >>> bo = bc.Backoffice.open("memory://")
            >>> bo.ledger.setup("X", currency="USD", chart="generic")
            >>> with bo.unit_of_work() as uow:
            ...     _ = bo.ledger.post_within(uow, bc.NewEntry(date(2026, 1, 5), "Sale",
            ...         [bc.debit("1110", "20.00"), bc.credit("4100", "20.00")]))
            ...     uow.commit()
            >>> bo.ledger.balance("1110")
            Money('20.00', 'USD')
        """
        return self._uow_factory(self.book)

    def with_book(self, book: str) -> Backoffice:
        """Another book on the same store, sharing clock and id generator; books never
        see each other. A ``ValidationError`` for a book id that is not a code.

        Example:
            >>> import backoffice_core as bc
            >>> acme = bc.Backoffice.open("memory://", book="acme")
            >>> acme.ledger.setup("Acme", currency="EUR")
            >>> beta = acme.with_book("beta")
            >>> beta.ledger.setup("Beta", currency="USD")
            >>> beta.book, beta.ledger.settings().functional_currency
            ('beta', 'USD')
            >>> acme.ledger.settings().functional_currency
            'EUR'
        """
        return Backoffice(self._uow_factory, book=book, clock=self.clock, ids=self.ids)
