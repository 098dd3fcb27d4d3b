"""The in-memory adapter's indexes after a rollback: an account emptied by an undo works."""

from __future__ import annotations

from datetime import date

import pytest

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


def _sale(day: int, text: str) -> bc.NewEntry:
    return bc.NewEntry(date(2026, 1, day), text, [bc.debit("1110", "2.00"),
                                                 bc.credit("4100", "2.00")])


def test_the_lazy_per_account_index_follows_posts_reads_and_rollbacks(
        bo: bc.Backoffice) -> None:
    """The index by account is caught up on read; an undo takes out what it indexed."""
    bo.ledger.post_many([_sale(2, "a"), _sale(3, "b")])
    with bo.unit_of_work() as uow:  # read inside the unit (index catches up), then roll back
        bo.ledger.post_many_within(uow, [_sale(4, "c")])
        inside = [e.description for e in uow.ledger.iter_entries(account="4100")]
    assert inside == ["a", "b", "c"]
    assert [e.description for e in bo.ledger.entries(account="4100")] == ["a", "b"]
    bo.ledger.post_many([_sale(5, "d")])  # posted after the index was read: caught up later
    assert [e.description for e in bo.ledger.entries(account="1110")] == ["a", "b", "d"]
    assert [e.description for e in bo.ledger.entries(account="4100")] == ["a", "b", "d"]
    assert bo.ledger.verify().ok


def test_ids_below_the_top_are_checked_against_the_lazy_index(bo: bc.Backoffice) -> None:
    """Rising ids skip the lookup; any other id is checked, so a taken one is refused."""
    first, second = bo.ledger.post_many([_sale(2, "a"), _sale(3, "b")])
    with bo.unit_of_work() as uow:
        with pytest.raises(bc.DuplicateError) as info:
            uow.ledger.add_entries([second._replace(id=first.id, seq=3)])
        assert info.value.field == "id"
        low = second._replace(id="0" + first.id[1:], seq=3)  # below the top, not taken
        uow.ledger.add_entries([low])
        assert uow.ledger.get_entry(low.id) == low
        with pytest.raises(bc.DuplicateError):  # the same id twice in one call
            uow.ledger.add_entries([low._replace(seq=4)])
    with bo.unit_of_work() as uow:  # rolled back: the low id is free again
        assert uow.ledger.get_entry(low.id) is None
        assert uow.ledger.get_entry(first.id) == first
