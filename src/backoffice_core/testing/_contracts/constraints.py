"""Unique keys and versions: the adapter's concurrency mechanism, with typed errors."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

import attrs
import pytest

from backoffice_core.errors import ConcurrencyError, DuplicateError, NotFoundError
from backoffice_core.ledger.accounts import Account, AccountType
from backoffice_core.ledger.entries import EntryKind, JournalEntry, Posting
from backoffice_core.ledger.periods import FiscalYear
from backoffice_core.ledger.repository import LedgerRepository
from backoffice_core.ports import UnitOfWorkFactory
from backoffice_core.testing._contracts import _samples as s
from backoffice_core.testing._contracts._base import Contract, expect_error

__all__ = ["VIOLATIONS", "ConstraintContract"]

D = date
Violation = Callable[[LedgerRepository, s.Sample], None]


def _next(base: s.Sample, **spec: Any) -> list[JournalEntry]:
    spec.setdefault("date", D(2026, 1, 25))
    spec.setdefault("description", "duplicate probe")
    spec.setdefault("postings", (Posting("1120", 100, "USD", 100),
                                 Posting("A_1", -100, "USD", -100)))
    return s.chain([spec], base.entries[-1])


def _account(code: str, version: int = 0) -> Account:
    return Account(code, "Duplicate", AccountType.ASSET, version=version)


def _old(code: str) -> Account:
    return next(a for a in s.accounts() if a.code == code)


def _add_twice(repo: LedgerRepository, account: Account) -> None:
    repo.add_account(account)
    repo.add_account(account)


def _entries(make: Callable[[s.Sample], list[JournalEntry]]) -> Violation:
    return lambda repo, base: repo.add_entries(make(base))


def _in_batch(base: s.Sample) -> list[JournalEntry]:
    probe = dict(description="same key twice", idempotency_key="kit-dup",
                 postings=_next(base)[0].postings)
    return s.chain([dict(probe, date=D(2026, 1, 25)), dict(probe, date=D(2026, 1, 26))],
                   base.entries[-1])


def _resolved_twice_in_batch(base: s.Sample) -> list[JournalEntry]:
    held = next(e for e in base.entries if e.id == "je-011")
    return s.chain([dict(date=D(2026, 1, 25), description="post", related="je-011",
                         kind=EntryKind.PENDING_POST, postings=held.postings),
                    dict(date=D(2026, 1, 26), description="expire", related="je-011",
                         kind=EntryKind.PENDING_EXPIRE, postings=())], base.entries[-1])


def _id_twice_in_batch(base: s.Sample) -> list[JournalEntry]:
    probe = dict(description="same id twice", postings=_next(base)[0].postings)
    return s.chain([dict(probe, date=D(2026, 1, 25)),  # je-015, then je-015 again
                    dict(probe, date=D(2026, 1, 26), id=f"je-{len(base.entries) + 1:03d}")],
                   base.entries[-1])


def _reversed_twice_in_batch(base: s.Sample) -> list[JournalEntry]:
    undo = dict(kind=EntryKind.REVERSAL, related="je-001",
                postings=(Posting("1120", -500000, "USD", -500000),
                          Posting("A_1", 500000, "USD", 500000)))
    return s.chain([dict(undo, date=D(2026, 1, 25), description="reverse"),
                    dict(undo, date=D(2026, 1, 26), description="reverse again")],
                   base.entries[-1])


_ANY_STALE = (ConcurrencyError, NotFoundError)

# name -> (book, write, accepted error types, field and value it must name (None: any))
VIOLATIONS: dict[str, tuple[str, Violation, tuple[type[Exception], ...],
                            tuple[str, Any] | None]] = {
    "account_code_taken": (
        "kit", lambda r, b: r.add_account(_account("1120")), (DuplicateError,),
        ("code", "1120")),
    "account_code_taken_same_unit": (
        "kit", lambda r, b: _add_twice(r, _account("4100")), (DuplicateError,),
        ("code", "4100")),
    "account_stale_version": (
        "kit", lambda r, b: r.update_account(attrs.evolve(_old("b-7"), name="Stale",
                                                          version=3), 2),
        (ConcurrencyError,), ("version", 2)),
    "account_missing": (
        "kit", lambda r, b: r.update_account(_account("zz", 1), 0), _ANY_STALE, None),
    "settings_exist": (
        "kit", lambda r, b: r.save_settings(s.settings(), None), (DuplicateError,),
        ("book", "kit")),
    "settings_stale_version": (
        "kit", lambda r, b: r.save_settings(attrs.evolve(s.settings(), version=6), 5),
        (ConcurrencyError,), ("version", 5)),
    "settings_missing": (
        "kit-new", lambda r, b: r.save_settings(attrs.evolve(s.settings(), version=1), 0),
        _ANY_STALE, None),
    "fiscal_year_exists": (
        "kit", lambda r, b: r.save_fiscal_year(FiscalYear.monthly("FY2026", D(2026, 1, 1)),
                                               None),
        (DuplicateError,), ("name", "FY2026")),
    "fiscal_year_stale_version": (
        "kit", lambda r, b: r.save_fiscal_year(attrs.evolve(s.years()[1], version=4), 3),
        (ConcurrencyError,), ("version", 3)),
    "fiscal_year_missing": (
        "kit", lambda r, b: r.save_fiscal_year(
            attrs.evolve(FiscalYear.monthly("FY2030", D(2030, 1, 1)), version=1), 0),
        _ANY_STALE, None),
    "entry_id_taken": (
        "kit", _entries(lambda b: _next(b, id="je-001")), (DuplicateError,), ("id", "je-001")),
    "entry_id_twice_in_batch": (
        "kit", _entries(_id_twice_in_batch), (DuplicateError,), ("id", "je-015")),
    "idempotency_key_taken": (
        "kit", _entries(lambda b: _next(b, idempotency_key="kit-key-1")), (DuplicateError,),
        ("idempotency_key", "kit-key-1")),
    "empty_idempotency_key_taken": (
        "kit", _entries(lambda b: _next(b, idempotency_key="")), (DuplicateError,),
        ("idempotency_key", "")),
    "idempotency_key_twice_in_batch": (
        "kit", _entries(_in_batch), (DuplicateError,), ("idempotency_key", "kit-dup")),
    "second_resolution": (
        "kit", _entries(lambda b: _next(b, kind=EntryKind.PENDING_VOID, related="je-003",
                                        postings=())),
        (DuplicateError,), ("related", "je-003")),
    "second_resolution_in_batch": (
        "kit", _entries(_resolved_twice_in_batch), (DuplicateError,), ("related", "je-011")),
    "second_reversal": (
        "kit", _entries(lambda b: _next(b, kind=EntryKind.REVERSAL, related="je-007")),
        (DuplicateError,), ("related", "je-007")),
    "second_reversal_in_batch": (
        "kit", _entries(_reversed_twice_in_batch), (DuplicateError,), ("related", "je-001")),
}


class ConstraintContract(Contract):
    """Duplicates raise ``DuplicateError``, stale versions ``ConcurrencyError``; nothing sticks.

    Checked for a taken account code, idempotency key and entry id, a second
    resolution of a pending entry and a second reversal (the last four also twice
    in one batch), and a stale ``expected_version`` of an account, the settings
    or a fiscal year.
    Every error comes from the ``backoffice_core.errors`` tree (never a raw
    driver exception) and names the offending field and value; the unit of
    work that hit it persists nothing, even the writes that came before.

    Example:
        >>> class TestMyConstraints(ConstraintContract):
        ...     pass
        >>> "test_constraint_violation_raises_typed_error" in dir(TestMyConstraints)
        True
    """

    @pytest.mark.parametrize("violation", list(VIOLATIONS))
    def test_constraint_violation_raises_typed_error(self, uow_factory: UnitOfWorkFactory,
                                                     violation: str) -> None:
        """The violation raises the typed error (in the write or at commit); nothing persists."""
        book, write, accepted, named = VIOLATIONS[violation]
        with uow_factory("kit") as uow:
            base = s.fill(uow.ledger)
            uow.commit()
        with uow_factory(book) as uow:
            before = s.dump(uow.ledger)

        def attempt() -> None:
            with uow_factory(book) as uow:
                uow.ledger.add_rate("GBP", "USD", D(2026, 1, 2), Decimal("1.25"))
                write(uow.ledger, base)
                uow.commit()

        field, value = named if named is not None else (None, None)
        expect_error(attempt, accepted, field, value,
                     f"{violation} (in the write or at commit())")
        with uow_factory(book) as uow:
            after = s.dump(uow.ledger)
        assert after == before, f"{violation} left changes in {s.diff(before, after)}"

    def test_constraint_right_version_wins_once(self, uow_factory: UnitOfWorkFactory) -> None:
        """Two writers with the same ``expected_version``: the first wins, the second is stale."""
        with uow_factory("kit") as uow:
            s.fill(uow.ledger)
            uow.commit()
        old = _old("1120")
        for n, outcome in ((1, None), (2, ConcurrencyError)):
            with uow_factory("kit") as uow:
                new = attrs.evolve(old, name=f"Writer {n}", version=old.version + 1)
                if outcome is None:
                    uow.ledger.update_account(new, old.version)
                    uow.commit()
                else:
                    with pytest.raises(outcome):
                        uow.ledger.update_account(new, old.version)
        with uow_factory("kit") as uow:
            assert uow.ledger.get_account("1120") == attrs.evolve(old, name="Writer 1",
                                                                 version=1)
