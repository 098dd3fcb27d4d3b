"""Volume: tens of thousands of entries post in bulk and still verify to the cent."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from backoffice_core.ledger.entries import NewEntry, credit, debit
from backoffice_core.ledger.periods import FiscalYear
from backoffice_core.ports import UnitOfWorkFactory
from backoffice_core.testing._contracts._base import Contract, open_book

__all__ = ["VolumeContract"]

BATCH = 2_000
PAIRS = (("1110", "4100"), ("1120", "4100"), ("6600", "1120"), ("1140", "4100"),
         ("5100", "1210"))


class VolumeContract(Contract):
    """``large_volume`` entries (20 000 by default) posted with ``post_many``.

    Afterwards ``verify()`` is ok over every entry, the trial balance sums to
    zero, every balance and every balance as of a day equals the sum of its
    lines, and the account filter finds every entry. ``large_volume=0`` skips it.

    Example:
        >>> class TestMyVolume(VolumeContract):
        ...     pass
        >>> "test_volume_bulk_posting_stays_exact" in dir(TestMyVolume)
        True
    """

    @pytest.mark.backoffice_slow
    def test_volume_bulk_posting_stays_exact(self, uow_factory: UnitOfWorkFactory) -> None:
        """Bulk-post ``large_volume`` entries; verify, trial balance, balances, rollups."""
        n = self.capabilities.large_volume
        if not n:
            pytest.skip("the adapter declares large_volume=0")
        bo = open_book(uow_factory)
        led = bo.ledger
        led.setup("Volume", currency="USD", chart="generic")
        led.add_fiscal_year(FiscalYear.monthly("FY2026", date(2026, 1, 1)))
        start = date(2026, 1, 1)
        rows = [(start + timedelta(days=i * 365 // n), PAIRS[i % len(PAIRS)],
                 100 + (i * 7919) % 100_000, f"P{i % 7}" if i % 3 == 0 else None)
                for i in range(n)]
        for first in range(0, n, BATCH):
            led.post_many(
                NewEntry(day, f"Bulk entry {first + k}", [
                    debit(dr, f"{amount // 100}.{amount % 100:02d}", project=project),
                    credit(cr, f"{amount // 100}.{amount % 100:02d}")],
                    reference=f"B-{first + k}")
                for k, (day, (dr, cr), amount, project) in enumerate(rows[first:first + BATCH]))
        report = led.verify()
        assert report.ok, report.problems[:5]
        assert report.entries_checked == n
        assert all(d == c for d, c in report.totals.values()), report.totals
        assert sum(b.net for b in led.balances()) == 0, "the trial balance does not sum to zero"
        mid = start + timedelta(days=182)
        for code in {c for pair in PAIRS for c in pair}:
            net = sum(a if dr == code else -a for _, (dr, cr), a, _ in rows if code in (dr, cr))
            assert led.balance_detail(code).net == net, code
            early = sum(a if dr == code else -a for day, (dr, cr), a, _ in rows
                        if code in (dr, cr) and day <= mid)
            assert led.balance_detail(code, as_of=mid).net == early, (code, mid)
        p3 = sum(a for _, _, a, project in rows if project == "P3")
        assert led.balance_detail("1110", dimension=("project", "P3")).net + \
            led.balance_detail("1120", dimension=("project", "P3")).net + \
            led.balance_detail("6600", dimension=("project", "P3")).net + \
            led.balance_detail("1140", dimension=("project", "P3")).net + \
            led.balance_detail("5100", dimension=("project", "P3")).net == p3
        assert len(led.entries(account="6600")) == sum(1 for r in rows if r[1][0] == "6600")
