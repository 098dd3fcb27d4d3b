"""Atomicity: a unit of work keeps every write on commit, and none without it."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import nullcontext
from datetime import date
from decimal import Decimal

import attrs
import pytest

from backoffice_core.ledger.accounts import Account, AccountType
from backoffice_core.ledger.balances import BalanceDelta, BalanceKey
from backoffice_core.ledger.entries import JournalEntry
from backoffice_core.ledger.periods import FiscalYear, PeriodState
from backoffice_core.ledger.repository import LedgerRepository
from backoffice_core.ports import UnitOfWorkFactory
from backoffice_core.testing._contracts import _samples as s
from backoffice_core.testing._contracts._base import Contract

__all__ = ["WRITES", "UnitOfWorkContract"]

D = date
Write = Callable[[LedgerRepository, s.Sample], None]


def _settings_replace(repo: LedgerRepository, base: s.Sample) -> None:
    repo.save_settings(attrs.evolve(s.settings(), name="Renamed", roles={}, version=1), 0)


def _account_add(repo: LedgerRepository, base: s.Sample) -> None:
    repo.add_account(Account("4100", "Revenue", AccountType.INCOME))


def _account_update(repo: LedgerRepository, base: s.Sample) -> None:
    old = next(a for a in s.accounts() if a.code == "b-7")
    repo.update_account(attrs.evolve(old, name="Renamed", active=True,
                                     version=old.version + 1), old.version)


def _entries_add(repo: LedgerRepository, base: s.Sample) -> None:
    repo.add_entries(s.extra_entries(base.entries[-1]))


def _deltas_existing(repo: LedgerRepository, base: s.Sample) -> None:
    repo.apply_deltas([
        BalanceDelta(BalanceKey("1120", "USD"), D(2026, 1, 10), 100, 0, 0, 0, 100),
        BalanceDelta(BalanceKey("1120", "USD"), D(2026, 1, 1), 0, 30, 0, 0, -30),
        BalanceDelta(BalanceKey("1140", "USD", "project", "P2"), D(2026, 1, 13), 0, 0, 7, 9, 0),
    ])


def _deltas_new(repo: LedgerRepository, base: s.Sample) -> None:
    repo.apply_deltas([
        BalanceDelta(BalanceKey("4100", "USD"), D(2026, 1, 8), 0, 1234, 0, 0, -1234),
        BalanceDelta(BalanceKey("1140", "USD", "project", "P9"), D(2026, 1, 8), 1234, 0, 0, 0,
                     1234),
        BalanceDelta(BalanceKey("4100", "USD"), D(2026, 2, 1), 0, 0, 0, 50, 0),
    ])


def _year_create(repo: LedgerRepository, base: s.Sample) -> None:
    repo.save_fiscal_year(FiscalYear.monthly("FY2027", D(2027, 1, 1)), None)


def _year_replace(repo: LedgerRepository, base: s.Sample) -> None:
    fy = s.years()[0]
    repo.save_fiscal_year(fy.with_period_state("2026-12", PeriodState.CLOSED), fy.version)


def _rate_add(repo: LedgerRepository, base: s.Sample) -> None:
    repo.add_rate("GBP", "USD", D(2026, 1, 9), Decimal("1.27"))


def _rate_replace(repo: LedgerRepository, base: s.Sample) -> None:
    repo.add_rate("EUR", "USD", D(2026, 1, 10), Decimal("1.2"))


def _everything(repo: LedgerRepository, base: s.Sample) -> None:
    """What a posting does (entries with their deltas) plus every other kind of write."""
    known: dict[str, JournalEntry] = {e.id: e for e in base.entries}
    batch = s.extra_entries(base.entries[-1])
    repo.add_entries(batch)
    repo.apply_deltas(s.deltas_of(batch, known))
    for write in (_settings_replace, _account_add, _account_update, _year_create,
                  _year_replace, _rate_add, _rate_replace):
        write(repo, base)


def _settings_create(repo: LedgerRepository, base: s.Sample) -> None:
    repo.save_settings(s.settings(), None)


# name -> (book it writes to, the write); "kit" holds the samples, "kit-new" is empty.
WRITES: dict[str, tuple[str, Write]] = {
    "settings_create": ("kit-new", _settings_create),
    "settings_replace": ("kit", _settings_replace),
    "account_add": ("kit", _account_add),
    "account_update": ("kit", _account_update),
    "entries_add": ("kit", _entries_add),
    "deltas_existing_key": ("kit", _deltas_existing),
    "deltas_new_key": ("kit", _deltas_new),
    "fiscal_year_create": ("kit", _year_create),
    "fiscal_year_replace": ("kit", _year_replace),
    "rate_add": ("kit", _rate_add),
    "rate_replace": ("kit", _rate_replace),
    "everything": ("kit", _everything),
}
_EXITS = ("exception", "no_commit", "rollback")
_CASES = [(w, x) for w in WRITES for x in _EXITS]


class _Boom(Exception):
    """Raised inside a unit of work to leave it by exception."""


class UnitOfWorkContract(Contract):
    """A unit of work is all or nothing, and a committed one is visible to the next.

    For every kind of write (settings, accounts, entries, balance deltas on new
    and existing keys, fiscal years, rates, and all of them at once): leaving
    the ``with`` block by an exception, without ``commit``, or after
    ``rollback`` leaves the book exactly as before; ``commit`` makes the write
    visible to a new unit of work. Inside the unit, the write is already visible. A unit
    goes on after ``commit`` or ``rollback``: later writes are undone again unless
    committed again.

    Example:
        >>> class TestMyUnitOfWork(UnitOfWorkContract):
        ...     pass
        >>> "test_uow_rollback_leaves_nothing" in dir(TestMyUnitOfWork)
        True
    """

    def _base(self, uow_factory: UnitOfWorkFactory) -> s.Sample:
        with uow_factory("kit") as uow:
            sample = s.fill(uow.ledger)
            uow.commit()
        return sample

    @pytest.mark.parametrize(("write", "leave"), _CASES, ids=[f"{w}-{x}" for w, x in _CASES])
    def test_uow_rollback_leaves_nothing(self, uow_factory: UnitOfWorkFactory, write: str,
                                         leave: str) -> None:
        """Leaving without commit (exception, no commit, rollback) persists nothing."""
        base = self._base(uow_factory)
        book, fn = WRITES[write]
        with uow_factory(book) as uow:
            before = s.dump(uow.ledger)
        expect = pytest.raises(_Boom) if leave == "exception" else nullcontext()
        with expect, uow_factory(book) as uow:
            fn(uow.ledger, base)
            inside = s.dump(uow.ledger)
            assert inside != before, "the write is not visible inside its unit of work"
            if leave == "exception":
                raise _Boom()
            if leave == "rollback":
                uow.rollback()
        with uow_factory(book) as uow:
            after = s.dump(uow.ledger)
        assert after == before, f"{write} left changes in {s.diff(before, after)}"

    @pytest.mark.parametrize("write", list(WRITES))
    def test_uow_commit_makes_writes_visible(self, uow_factory: UnitOfWorkFactory,
                                             write: str) -> None:
        """After ``commit`` a new unit of work sees exactly what the committed one saw."""
        base = self._base(uow_factory)
        book, fn = WRITES[write]
        with uow_factory(book) as uow:
            before = s.dump(uow.ledger)
        with uow_factory(book) as uow:
            fn(uow.ledger, base)
            inside = s.dump(uow.ledger)
            uow.commit()
        assert inside != before
        with uow_factory(book) as uow:
            after = s.dump(uow.ledger)
        assert after == inside, f"{write} committed, but differs in {s.diff(inside, after)}"

    def test_uow_goes_on_after_commit_and_rollback(self, uow_factory: UnitOfWorkFactory
                                                   ) -> None:
        """``commit()`` and ``rollback()`` end the unit's transaction, not the unit: writes
        after a commit are visible in it, gone when it ends without a second commit and
        kept with one; writes after a rollback commit like any other."""
        base = self._base(uow_factory)
        gbp = ("GBP", "USD", D(2026, 1, 9))
        with uow_factory("kit") as uow:
            _rate_add(uow.ledger, base)
            uow.commit()
            _account_add(uow.ledger, base)
            assert uow.ledger.get_account("4100") is not None, (
                "a write after commit() is not visible in its unit of work")
        with uow_factory("kit") as uow:
            assert uow.ledger.get_rate(*gbp) == (D(2026, 1, 9), Decimal("1.27")), (
                "commit() did not keep the unit's writes")
            assert uow.ledger.get_account("4100") is None, (
                "a write made after commit() stayed although the unit of work ended without "
                "a second commit: after commit() keep undoing (or rolling back) later writes")
            _account_add(uow.ledger, base)
            uow.rollback()
            _year_create(uow.ledger, base)
            uow.commit()
            _rate_replace(uow.ledger, base)
            uow.commit()
        with uow_factory("kit") as uow:
            assert uow.ledger.get_account("4100") is None, "rollback() kept a write"
            assert "FY2027" in [y.name for y in uow.ledger.list_fiscal_years()], (
                "a write after rollback() was not kept by the commit that followed")
            assert uow.ledger.get_rate("EUR", "USD", D(2026, 1, 10)) == (
                D(2026, 1, 10), Decimal("1.2")), "a second commit() did not keep its writes"

    def test_uow_reads_its_own_writes(self, uow_factory: UnitOfWorkFactory) -> None:
        """Inside one unit of work, later reads see earlier writes (the service relies on it)."""
        base = self._base(uow_factory)
        with uow_factory("kit") as uow:
            repo = uow.ledger
            batch = s.extra_entries(base.entries[-1])
            repo.add_entries(batch[:1])
            assert repo.last_entry() == batch[0]
            assert repo.find_by_idempotency_key("kit-extra-1") == batch[0]
            repo.add_entries(batch[1:])
            assert repo.last_entry() == batch[-1]
            assert repo.find_resolution(batch[1].id) == batch[2]
            assert repo.find_reversal(batch[0].id) == batch[3]
            assert [e.id for e in repo.iter_entries(account="4100")] == [e.id for e in batch]
            repo.apply_deltas(s.deltas_of(batch, {}))
            assert repo.get_balance(BalanceKey("4100", "USD")).credits == 1234 + 50
            uow.commit()

    def test_uow_exception_propagates(self, uow_factory: UnitOfWorkFactory) -> None:
        """Leaving by an exception re-raises it: ``__exit__`` never swallows errors."""
        with pytest.raises(_Boom), uow_factory("kit") as uow:
            uow.ledger.add_rate("EUR", "USD", D(2026, 1, 1), Decimal("1.1"))
            raise _Boom()
        with uow_factory("kit") as uow:
            assert uow.ledger.get_rate("EUR", "USD", D(2026, 1, 1)) is None

    def test_uow_factory_gives_a_new_unit_per_call(self, uow_factory: UnitOfWorkFactory
                                                   ) -> None:
        """Each call is a new unit of work for that book; units run one after another."""
        first, second = uow_factory("kit"), uow_factory("kit")
        assert first is not second
        assert first.book == "kit" and uow_factory("other").book == "other"
        for n in range(3):
            with uow_factory("kit") as uow:
                uow.ledger.add_rate("EUR", "USD", D(2026, 1, 1 + n), Decimal(n + 1))
                uow.commit()
        with uow_factory("kit") as uow:
            assert uow.ledger.get_rate("EUR", "USD", D(2026, 2, 1)) == (D(2026, 1, 3),
                                                                        Decimal(3))

