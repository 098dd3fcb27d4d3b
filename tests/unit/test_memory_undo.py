"""The in-memory adapter's indexes after a rollback: an account emptied by an undo works."""

from __future__ import annotations

from datetime import date

import backoffice_core as bc


def test_an_account_posted_to_in_a_rolled_back_unit_takes_postings_again(
        bo: bc.Backoffice) -> None:
    bo.ledger.open_account("1199", "Fresh", "asset")
    entry = bc.NewEntry(date(2026, 1, 4), "x", [bc.debit("1199", "1.00"),
                                                bc.credit("4100", "1.00")])
    with bo.unit_of_work() as uow:  # posted, then rolled back: no commit
        bo.ledger.post_within(uow, entry)
    assert bo.ledger.post(entry).balance("1199") == bc.Money("1.00", "USD")
    assert [e.description for e in bo.ledger.entries(account="1199")] == ["x"]
