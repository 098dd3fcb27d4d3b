"""Plumbing shared by every contract: capabilities per test, books, error checks."""

from __future__ import annotations

import copy
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest

from backoffice_core.app import Backoffice
from backoffice_core.errors import BackofficeError, ValidationError
from backoffice_core.ports import FixedClock, SequentialIds, UnitOfWorkFactory
from backoffice_core.testing.capabilities import AdapterCapabilities

__all__ = ["KIT_CLOCK", "Contract", "check_error", "check_fresh_results", "check_fresh_store",
           "check_write_undone",
           "expect_error", "open_book", "run_threads"]

# A clock off UTC, with microseconds: adapters must keep both (the hash chain covers them).
KIT_CLOCK = datetime(2026, 1, 31, 9, 30, 15, 123456, tzinfo=timezone(timedelta(hours=3)))


def open_book(uow_factory: UnitOfWorkFactory, book: str = "kit", *, prefix: str = "e",
              at: datetime = KIT_CLOCK) -> Backoffice:
    """A ``Backoffice`` on ``uow_factory`` with a fixed clock and sequential ids."""
    return Backoffice(uow_factory, book=book, clock=FixedClock(at), ids=SequentialIds(prefix))


def run_threads(work: Sequence[Callable[[], Any]],
                timeout: float = 120.0) -> list[Any]:  # float-ok: seconds
    """Run each callable in its own thread, started together; return results in order.

    An exception in a thread is re-raised here; a thread still running after
    ``timeout`` seconds fails the test (a deadlocked adapter).
    """
    results: list[Any] = [None] * len(work)
    errors: list[BaseException] = []
    start = threading.Barrier(len(work))

    def body(i: int) -> None:
        try:
            start.wait()
            results[i] = work[i]()
        except BaseException as exc:  # re-raised in the calling thread
            errors.append(exc)

    threads = [threading.Thread(target=body, args=(i,), daemon=True) for i in range(len(work))]
    for t in threads:
        t.start()
    deadline = time.monotonic() + timeout  # float-ok: a timeout, not money
    for t in threads:
        t.join(max(0.0, deadline - time.monotonic()))
    stuck = sum(t.is_alive() for t in threads)
    if stuck:
        pytest.fail(f"{stuck} thread(s) still running after {timeout} s: the adapter "
                    "deadlocks under concurrent writers")
    if errors:
        raise errors[0]
    return results


class Contract:
    """Base of every contract class: resolves ``adapter_capabilities`` for each test.

    Example:
        >>> Contract.pytestmark[0].name
        'backoffice_contract'
    """

    pytestmark = [pytest.mark.backoffice_contract]
    capabilities: AdapterCapabilities

    @pytest.fixture(autouse=True)
    def _backoffice_kit(self, request: pytest.FixtureRequest) -> None:
        try:
            caps = request.getfixturevalue("adapter_capabilities")
        except pytest.FixtureLookupError:  # the plugin is disabled and no fixture defined
            caps = AdapterCapabilities()
        if not isinstance(caps, AdapterCapabilities):
            raise ValidationError("the adapter_capabilities fixture must return an "
                                  "AdapterCapabilities", field="adapter_capabilities",
                                  value=caps)
        node = request.node
        reason = caps.expected_failure(node.name, getattr(node, "originalname", node.name))
        if reason is not None:
            request.applymarker(pytest.mark.xfail(strict=True, reason=reason))
        self.capabilities = caps
        if "uow_factory" in request.fixturenames:
            check_fresh_store(request.getfixturevalue("uow_factory"))

    def require(self, flag: str) -> None:
        """Skip the running test unless the adapter declares capability ``flag`` (a field
        of :class:`AdapterCapabilities`); call it first in a test that needs it.

        Example:
            >>> kit = Contract()
            >>> kit.capabilities = AdapterCapabilities(concurrent_writers=False)
            >>> kit.require("inventory")  # declared (the default): the test goes on
            >>> kit.require("concurrent_writers")
            Traceback (most recent call last):
            ...
            Skipped: the adapter declares concurrent_writers=False
        """
        if not getattr(self.capabilities, flag):
            pytest.skip(f"the adapter declares {flag}=False")

    def require_repository(self, flag: str, uow_factory: UnitOfWorkFactory) -> None:
        """Skip unless the adapter declares ``flag`` (``inventory``, ``documents``), then
        :meth:`check_repository`.

        Example:
            >>> from backoffice_core.adapters.memory import MemoryStore
            >>> kit = Contract()
            >>> kit.capabilities = AdapterCapabilities(documents=False)
            >>> kit.require_repository("inventory", MemoryStore())  # declared, and offered
            >>> kit.require_repository("documents", MemoryStore())
            Traceback (most recent call last):
            ...
            Skipped: the adapter declares documents=False
        """
        self.require(flag)
        self.check_repository(flag, uow_factory)

    def check_repository(self, flag: str, uow_factory: UnitOfWorkFactory) -> None:
        """When the adapter declares ``flag`` (``inventory``, ``documents``: the defaults
        are everything, so a ledger-only adapter must opt out), its unit of work offers
        ``uow.<flag>``; else fail at once, saying what to do.

        Example:
            >>> from backoffice_core.adapters.memory import MemoryStore
            >>> kit = Contract()
            >>> kit.capabilities = AdapterCapabilities()  # everything, by default
            >>> kit.check_repository("documents", MemoryStore())  # uow.documents is there
            >>> class LedgerOnly(MemoryStore):
            ...     def __call__(self, book):
            ...         uow = super().__call__(book)
            ...         uow.documents = None  # a store without the documents port
            ...         return uow
            >>> kit.check_repository("documents", LedgerOnly())
            Traceback (most recent call last):
            ...
            Failed: MemoryUnitOfWork has no documents repository (uow.documents): implement ...
        """
        if not getattr(self.capabilities, flag):
            return
        with uow_factory("kit") as uow:
            missing = getattr(uow, flag, None) is None
            name = type(uow).__name__
        if missing:
            pytest.fail(f"{name} has no {flag} repository (uow.{flag}): implement the {flag} "
                        f"port, or declare AdapterCapabilities({flag}=False) in your "
                        "adapter_capabilities fixture", pytrace=False)


def _held(uow: Any) -> list[str]:
    """What the book of ``uow`` holds, by kind (ledger, inventory, documents)."""
    ledger = uow.ledger
    held = {"settings": ledger.get_settings() is not None,
            "accounts": bool(ledger.list_accounts()),
            "entries": next(iter(ledger.iter_chain()), None) is not None,
            "fiscal years": bool(ledger.list_fiscal_years())}
    inventory = getattr(uow, "inventory", None)
    if inventory is not None:
        held["items"] = bool(inventory.list_items())
    documents = getattr(uow, "documents", None)
    if documents is not None:
        held["document settings"] = documents.get_settings() is not None
        held["parties"] = bool(documents.find_parties(include_archived=True))
    return [kind for kind, found in held.items() if found]


def check_fresh_store(uow_factory: UnitOfWorkFactory, book: str = "kit") -> None:
    """Before each contract test: the ``uow_factory`` fixture's store holds nothing in
    ``book``, else fail at once saying so (a store reused across tests, a module- or
    session-scoped fixture, fails most contracts in confusing ways). A store that cannot
    even be read is left to the test, which reports what is wrong with it.

    Example:
        >>> from backoffice_core.adapters.memory import MemoryStore
        >>> check_fresh_store(MemoryStore())  # a new store: nothing to say
    """
    try:
        with uow_factory(book) as uow:
            held = _held(uow)
    except Exception:  # noqa: BLE001 - the test itself names what the adapter got wrong
        return
    if held:
        pytest.fail(f"uow_factory must return a new, empty store for each test: the "
                    f"`uow_factory` fixture gave a store whose book {book!r} already holds "
                    f"{', '.join(held)} (written by an earlier test?). Make the fixture "
                    "function-scoped and return a new store (a new database) each time",
                    pytrace=False)


def check_error(info: pytest.ExceptionInfo[BaseException], field: str | None,
                value: Any) -> None:
    """The error is from backoffice_core's tree and names ``field`` and ``value``."""
    err = info.value
    assert isinstance(err, BackofficeError), (
        f"raw {type(err).__module__}.{type(err).__name__} escaped the adapter: translate "
        "driver errors into backoffice_core.errors")
    if field is not None:
        assert (err.field, err.value) == (field, value), (
            f"{type(err).__name__} should name field={field!r} value={value!r}, "
            f"got field={err.field!r} value={err.value!r}")


def check_fresh_results(reads: Mapping[str, Callable[[], Any]],
                        dump: Callable[[], dict[str, Any]]) -> None:
    """Emptying the list or dict each read returns leaves ``dump()`` as it was: reads hand
    out new containers, never the adapter's own (a cached list, an index), because the
    services give some results to the host as they are."""
    before = copy.deepcopy(dump())
    for name, read in reads.items():
        got = read()
        assert got, f"{name} should find something in the sample book"
        got.clear()
        after = dump()
        assert after == before, (
            f"emptying the result of {name} changed "
            f"{[k for k in before if before[k] != after.get(k)]}: return a new list (or "
            "dict) from every read, never the adapter's own")


def expect_error(action: Callable[[], Any],
                 error: type[BaseException] | tuple[type[BaseException], ...],
                 field: str | None, value: Any, what: str) -> None:
    """``action()`` raises ``error`` (a type, or one of a tuple), from backoffice_core's
    tree, naming ``field`` and ``value`` (any, when ``field`` is ``None``); a failure names
    the case (``what``) and says what to do, a raw driver exception included."""
    kinds = error if isinstance(error, tuple) else (error,)
    wanted = " or ".join(k.__name__ for k in kinds) + (
        "" if field is None else f" naming field={field!r} value={value!r}")
    try:
        action()
    except Exception as exc:  # checked below: the tree, the type, the field and value
        if not isinstance(exc, BackofficeError):
            pytest.fail(f"{what}: raw {type(exc).__module__}.{type(exc).__name__} ({exc}) "
                        f"escaped the adapter: translate it into {wanted} (keep it as "
                        "__cause__)", pytrace=False)
        assert isinstance(exc, kinds), f"{what}: raised {exc!r}, expected {wanted}"
        check_error(pytest.ExceptionInfo.from_exception(exc), field, value)
    else:
        pytest.fail(f"{what}: nothing raised; expected {wanted}", pytrace=False)


class _Boom(Exception):
    """Raised inside a unit of work to leave it by exception."""


def check_write_undone(uow_factory: UnitOfWorkFactory, write: str,
                       fn: Callable[[Any], Any], dump: Callable[[Any], dict[str, Any]],
                       book: str = "kit") -> None:
    """One kind of write (``fn(uow)``) shows inside its unit; leaving the unit by an
    exception, or ``rollback()`` then ``commit()``, leaves ``dump(uow)`` as it was. The
    failure names the write and the parts of ``dump`` it left changed.

    Example:
        >>> from backoffice_core.adapters.memory import MemoryStore
        >>> from backoffice_core.ledger import Account
        >>> check_write_undone(MemoryStore(), "account_add",
        ...     lambda uow: uow.ledger.add_account(Account("1000", "Cash", "asset")),
        ...     lambda uow: {"accounts": uow.ledger.list_accounts()})
    """
    with uow_factory(book) as uow:
        before = dump(uow)
    with pytest.raises(_Boom), uow_factory(book) as uow:
        fn(uow)
        inside = dump(uow)
        assert inside != before, f"{write} is not visible inside its unit of work"
        raise _Boom()
    with uow_factory(book) as uow:
        after = dump(uow)
    assert after == before, (
        f"{write}, left by an exception, stayed in "
        f"{[k for k in before if before[k] != after[k]]}: undo this kind of write too")
    with uow_factory(book) as uow:
        fn(uow)
        uow.rollback()
        uow.commit()
    with uow_factory(book) as uow:
        after = dump(uow)
    assert after == before, (
        f"{write}, rolled back, stayed in {[k for k in before if before[k] != after[k]]}"
        ": rollback() must undo this kind of write too")
