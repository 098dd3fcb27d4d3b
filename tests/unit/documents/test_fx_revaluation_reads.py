"""Settling a foreign-currency item and revaluing read revaluations only.

``_carrying_rate`` (payments, write-offs, cash discounts) and ``revalue``'s check for
later revaluations used to read every entry touching the control account since the
item's date (or the revaluation's). They now ask the repository's optional
``revaluations(account, start, end, currency)``, and fall back to that scan for an
adapter without it. A spying repository proves which path runs; the same story on the
memory adapter (with the read, and without it), and on SQLite, ends in the same book.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

import pytest

import backoffice_core as bc
from backoffice_core.adapters.memory import MemoryStore
from backoffice_core.adapters.sql import SqlStore
from backoffice_core.documents import Tax, line
from backoffice_core.ledger.entries import EntryKind, JournalEntry
from backoffice_core.money import Money

D = date


class SpyLedger:
    """A ledger repository that records account scans and ``revaluations`` reads.

    ``offer=False`` hides the optional ``revaluations`` (the fallback path); with
    ``offer=True`` an entry scan by account fails the test.
    """

    def __init__(self, ledger: Any, offer: bool) -> None:
        self._ledger = ledger
        self.offer = offer
        self.scans: list[str] = []
        self.asked: list[tuple[Any, ...]] = []

    def __getattr__(self, name: str) -> Any:
        if name == "revaluations":
            if not self.offer:
                raise AttributeError(name)
            return self._revaluations
        return getattr(self._ledger, name)

    def _revaluations(self, *args: Any) -> list[JournalEntry]:
        self.asked.append(args)
        return self._ledger.revaluations(*args)  # type: ignore[no-any-return]

    def iter_entries(self, start: date | None = None, end: date | None = None,
                     account: str | None = None) -> Any:
        if account is not None:
            self.scans.append(account)
            if self.offer:
                raise AssertionError(f"read every entry of {account} for revaluations")
        return self._ledger.iter_entries(start, end, account)


class SpyFactory:
    """Units of work of ``store`` whose ledger is one shared :class:`SpyLedger` log."""

    def __init__(self, store: Callable[[str], Any], offer: bool) -> None:
        self._store = store
        self.offer = offer
        self.scans: list[str] = []
        self.asked: list[tuple[Any, ...]] = []

    def __call__(self, book: str) -> Any:
        return _SpyUow(self._store(book), self)


class _SpyUow:
    def __init__(self, uow: Any, factory: SpyFactory) -> None:
        self._uow = uow
        self.ledger = SpyLedger(uow.ledger, factory.offer)
        self.ledger.scans, self.ledger.asked = factory.scans, factory.asked

    def __getattr__(self, name: str) -> Any:
        return getattr(self._uow, name)

    def __enter__(self) -> _SpyUow:
        self._uow.__enter__()
        return self

    def __exit__(self, *exc: Any) -> None:
        self._uow.__exit__(*exc)


def eur(v: str) -> Money:
    return Money(v, "EUR")


def story(factory: SpyFactory) -> dict[str, Any]:
    """Invoices and a bill in EUR, revaluations kept and reversed, a refused back-dated
    one, partial and full payments, a write-off: everything the book ends with."""
    bo = bc.Backoffice(factory, clock=bc.FixedClock(datetime(2026, 1, 31, tzinfo=UTC)),
                       ids=bc.SequentialIds("e"))
    bo.ledger.setup("Test Co", currency="USD", chart="generic")
    for day, rate in ((D(2026, 1, 1), "1.10"), (D(2026, 1, 31), "1.15"),
                      (D(2026, 2, 1), "1.20"), (D(2026, 2, 28), "1.30")):
        bo.ledger.set_rate("EUR", "USD", day, rate)
    docs = bo.documents
    acme = docs.create_party("Acme GmbH")
    paper = docs.create_party("Paper Co", is_customer=False, is_supplier=True)
    work = [line("Work", 1, "1000.00", Tax.zero())]
    old = docs.issue(docs.create_invoice(acme.id, D(2026, 1, 5), work, currency="EUR").id)
    inv = docs.issue(docs.create_invoice(acme.id, D(2026, 1, 10), work, currency="EUR").id)
    bill = docs.issue(docs.create_bill(paper.id, D(2026, 1, 10), work, currency="EUR").id)
    bo.ledger.revalue(D(2026, 1, 31))  # kept
    docs.record_payment(acme.id, eur("400.00"), D(2026, 2, 3), allocate_to=[inv.id])
    bo.ledger.revalue(D(2026, 2, 28), accounts=["1140"], reverse_on=D(2026, 3, 1))
    with pytest.raises(bc.ValidationError) as info:  # would leave February's stale
        bo.ledger.revalue(D(2026, 2, 15), accounts=["1140"])
    assert info.value.field == "on"
    docs.record_payment(acme.id, eur("600.00"), D(2026, 3, 5), allocate_to=[inv.id],
                        rate="1.25")
    docs.record_payment(acme.id, eur("999.98"), D(2026, 3, 5), allocate_to=[old.id])
    docs.write_off(old.id, limit=eur("0.05"), date=D(2026, 3, 5))
    docs.record_payment(paper.id, eur("1000.00"), D(2026, 3, 6), allocate_to=[bill.id])
    assert bo.ledger.verify().ok
    return {
        "entries": bo.ledger.entries(),
        "balances": sorted((b.key, b) for b in bo.ledger.balances()),
        "by_party": sorted((b.key, b) for b in bo.ledger.balances(dimension="party")),
        "open": [(d.id, d.open_amount) for d in docs.find()],
    }


def test_settling_and_revaluing_read_only_revaluations_with_the_same_results() -> None:
    fast = SpyFactory(MemoryStore(), offer=True)
    scan = SpyFactory(MemoryStore(), offer=False)
    sql = SpyFactory(SqlStore("sqlite://"), offer=True)
    want = story(scan)
    assert {"1140", "2110"} <= set(scan.scans) and scan.asked == []  # the fallback ran
    assert story(fast) == want
    assert story(sql) == want
    for spy in (fast, sql):
        assert spy.scans == []  # no entry scan by account
        accounts = {args[0] for args in spy.asked}
        assert {"1140", "2110"} <= accounts  # payments and the revaluations asked
        # every payment of a foreign-currency item asked for the control account's
        # revaluations in its currency, from the item's date to the payment's
        assert ("1140", D(2026, 1, 5), D(2026, 3, 5), "EUR") in spy.asked
        assert ("2110", D(2026, 1, 10), D(2026, 3, 6), "EUR") in spy.asked
    kinds = [e.kind for e in want["entries"]]
    assert kinds.count(EntryKind.REVALUATION) == 2 and EntryKind.REVERSAL in kinds


def test_a_book_in_its_functional_currency_asks_nothing() -> None:
    spy = SpyFactory(MemoryStore(), offer=True)
    bo = bc.Backoffice(spy, clock=bc.FixedClock(datetime(2026, 1, 31, tzinfo=UTC)),
                       ids=bc.SequentialIds("e"))
    bo.ledger.setup("Test Co", currency="USD", chart="generic")
    acme = bo.documents.create_party("Acme")
    inv = bo.documents.issue(bo.documents.create_invoice(
        acme.id, D(2026, 1, 10), [line("Work", 1, "100.00", Tax.zero())]).id)
    bo.documents.record_payment(acme.id, Money("100.00", "USD"), D(2026, 2, 3),
                                allocate_to=[inv.id])
    assert spy.asked == [] and spy.scans == []
