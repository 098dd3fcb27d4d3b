"""Durability: what was committed, and only that, is there after reopening the store."""

from __future__ import annotations

import pytest

from backoffice_core.app import Backoffice
from backoffice_core.ledger.entries import NewEntry, credit, debit
from backoffice_core.ports import FixedClock, SequentialIds, UnitOfWorkFactory
from backoffice_core.testing._contracts import _samples as s
from backoffice_core.testing._contracts._base import KIT_CLOCK, Contract, open_book
from backoffice_core.testing._contracts._scenario import run_scenario, snapshot
from backoffice_core.testing._contracts.repository import check_entry
from backoffice_core.testing._contracts.unit_of_work import WRITES

__all__ = ["DurabilityContract"]


class DurabilityContract(Contract):
    """A reopened store (``Backoffice.open(url)``) holds exactly what was committed.

    Skipped unless the adapter declares ``durable=True`` with the ``url`` of the
    store that ``uow_factory`` writes to.

    Example:
        >>> class TestMyDurability(DurabilityContract):
        ...     pass
        >>> "test_durability_reopen_reads_back_everything" in dir(TestMyDurability)
        True
    """

    def _reopen(self, book: str = "kit") -> Backoffice:
        self.require("durable")
        assert self.capabilities.url is not None
        return Backoffice.open(self.capabilities.url, book=book, clock=FixedClock(KIT_CLOCK),
                               ids=SequentialIds("r"))

    @pytest.mark.backoffice_slow
    def test_durability_reopen_reads_back_everything(self, uow_factory: UnitOfWorkFactory
                                                     ) -> None:
        """Every sample aggregate reads back from a reopened store, types and offsets kept."""
        self.require("durable")
        with uow_factory("kit") as uow:
            sample = s.fill(uow.ledger)
            uow.commit()
        with uow_factory("kit") as uow:
            want = s.dump(uow.ledger)
        with self._reopen().unit_of_work() as uow:
            got = s.dump(uow.ledger)
            for e in sample.entries:
                check_entry(uow.ledger.get_entry(e.id), e)
        assert got["chain"], (
            "the reopened store is empty: adapter_capabilities.url must name the store "
            "that uow_factory writes to")
        assert got == want, f"after reopening, {s.diff(want, got)} differ"

    @pytest.mark.backoffice_slow
    def test_durability_uncommitted_work_is_not_stored(self, uow_factory: UnitOfWorkFactory
                                                       ) -> None:
        """Writes left without commit (or by an exception) are not in the reopened store."""
        self.require("durable")
        with uow_factory("kit") as uow:
            base = s.fill(uow.ledger)
            uow.commit()
        with uow_factory("kit") as uow:
            want = s.dump(uow.ledger)
        with uow_factory("kit") as uow:
            WRITES["everything"][1](uow.ledger, base)
        with pytest.raises(ZeroDivisionError), uow_factory("kit") as uow:
            WRITES["everything"][1](uow.ledger, base)
            raise ZeroDivisionError
        with self._reopen().unit_of_work() as uow:
            got = s.dump(uow.ledger)
        assert got == want, f"uncommitted {s.diff(want, got)} reached storage"

    @pytest.mark.backoffice_slow
    def test_durability_book_survives_reopen(self, uow_factory: UnitOfWorkFactory) -> None:
        """A book kept through the service reads back whole and goes on posting."""
        self.require("durable")
        bo = open_book(uow_factory)
        run_scenario(bo)
        want = snapshot(bo)
        again = self._reopen()
        got = snapshot(again)
        assert got == want, [part for part in want if got[part] != want[part]]
        again.ledger.post(NewEntry(want["entries"][-1].date, "After reopening",
                                   [debit("1110", "1.00"), credit("4100", "1.00")]))
        report = again.ledger.verify()
        assert report.ok and report.entries_checked == len(want["entries"]) + 1, report
