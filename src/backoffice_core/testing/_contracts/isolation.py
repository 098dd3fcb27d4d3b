"""Isolation: books on one store never see, block or collide with each other's data."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import attrs

from backoffice_core.ledger.entries import NewEntry, credit, debit
from backoffice_core.ledger.verify import verify_ledger
from backoffice_core.ports import UnitOfWorkFactory
from backoffice_core.testing._contracts import _samples as s
from backoffice_core.testing._contracts._base import Contract, open_book

__all__ = ["BOOKS", "IsolationContract"]

# Book ids are opaque, case-sensitive strings of 1-64 characters.
BOOKS = ("kit", "KIT", "kit 2/ä·x", "k" * 64)


class IsolationContract(Contract):
    """Two book ids on one factory never see each other's data.

    The same account codes, entry ids, idempotency keys, fiscal-year names and
    rate days may exist in every book (unique keys are per book, like every
    primary key that starts with the book id); a change in one book leaves the
    others as they were. Book ids differ by case, hold spaces, slashes and
    non-ASCII letters, and may be 64 characters long.

    Example:
        >>> class TestMyIsolation(IsolationContract):
        ...     pass
        >>> "test_isolation_same_keys_in_every_book" in dir(TestMyIsolation)
        True
    """

    def test_isolation_other_books_see_nothing(self, uow_factory: UnitOfWorkFactory) -> None:
        """Filling one book shows nothing in the others, whatever is probed."""
        empty = {}
        for book in BOOKS[1:]:
            with uow_factory(book) as uow:
                empty[book] = s.dump(uow.ledger)
                assert empty[book]["settings"] is None and empty[book]["chain"] == []
        with uow_factory(BOOKS[0]) as uow:
            s.fill(uow.ledger)
            uow.commit()
        for book in BOOKS[1:]:
            with uow_factory(book) as uow:
                got = s.dump(uow.ledger)
            assert got == empty[book], f"book {book!r} sees {s.diff(empty[book], got)}"

    def test_isolation_same_keys_in_every_book(self, uow_factory: UnitOfWorkFactory) -> None:
        """The same keys live in every book; changing one book leaves the others intact."""
        for book in BOOKS:
            with uow_factory(book) as uow:
                sample = s.fill(uow.ledger)
                uow.commit()
        with uow_factory(BOOKS[0]) as uow:
            filled = s.dump(uow.ledger)
        changed = BOOKS[1]
        with uow_factory(changed) as uow:
            repo = uow.ledger
            old = next(a for a in s.accounts() if a.code == "b-7")
            repo.update_account(attrs.evolve(old, name="Changed", version=4), 3)
            fy = s.years()[0]
            repo.save_fiscal_year(attrs.evolve(fy, version=fy.version + 1), fy.version)
            repo.save_settings(attrs.evolve(s.settings(), name="Changed", version=1), 0)
            repo.add_rate("EUR", "USD", date(2026, 1, 10), Decimal("2"))
            batch = s.extra_entries(sample.entries[-1])
            repo.add_entries(batch)
            repo.apply_deltas(s.deltas_of(batch, {e.id: e for e in sample.entries}))
            uow.commit()
        for book in BOOKS:
            with uow_factory(book) as uow:
                got = s.dump(uow.ledger)
                report = verify_ledger(uow.ledger)
            assert report.ok, (book, report.problems)
            if book == changed:
                assert got != filled and len(got["chain"]) == len(sample.entries) + 4
                assert got["account"]["b-7"].version == 4
            else:
                assert got == filled, f"book {book!r} changed in {s.diff(filled, got)}"

    def test_isolation_services_on_one_factory(self, uow_factory: UnitOfWorkFactory) -> None:
        """Two ledgers on one factory: own settings, own chain from seq 1, own balances."""
        usd = open_book(uow_factory, BOOKS[0])
        eur = open_book(uow_factory, BOOKS[1])  # same ids e-000001... in both books
        usd.ledger.setup("Dollar Co", currency="USD", chart="generic")
        eur.ledger.setup("Euro GmbH", currency="EUR", chart="generic")
        day = date(2026, 1, 5)
        for bo, amount, key in ((usd, "100.00", "k1"), (eur, "250.00", "k1"),
                                (usd, "1.00", "k2")):
            result = bo.ledger.post(NewEntry(day, "Sale", [debit("1110", amount),
                                                           credit("4100", amount)],
                                             idempotency_key=key))
            assert result.created, f"key {key} of another book replayed in {bo.book!r}"
        assert usd.ledger.balance("1110") == usd.ledger.money("101.00")
        assert eur.ledger.balance("1110") == eur.ledger.money("250.00")
        assert [e.seq for e in usd.ledger.entries()] == [1, 2]
        assert [e.seq for e in eur.ledger.entries()] == [1]
        assert eur.ledger.entries()[0].id == usd.ledger.entries()[0].id == "e-000001"
        assert usd.ledger.settings().functional_currency == "USD"
        assert eur.ledger.settings().functional_currency == "EUR"
        assert usd.ledger.verify().ok and eur.ledger.verify().ok
