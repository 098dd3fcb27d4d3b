"""correct() of a revaluation, and the reversal of a revaluation's reversal by hand.

A revaluation made with ``reverse_on`` holds its one reversal (the automatic one), and
``reverse()`` undoes it anyway (docs/ledger.md, "Exchange rates and revaluation").
``correct()`` reverses like ``reverse()`` and so undoes it the same way; reversing the
automatic reversal by hand would leave the revaluation beyond its undo, so it is refused.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

import backoffice_core as bc
from backoffice_core.errors import DuplicateError, ValidationError
from backoffice_core.ledger import EntryKind

D = date
_URLS = ["memory://", "sqlite://"]


def _book(url: str) -> bc.Backoffice:
    """1130 holds EUR 100.00 and 1140 EUR 50.00 bought at 1.10; 1140 is spent in full at
    1.20 on Jan 10 (its USD -5.00 is realized by the next revaluation); 1.30 from Jan 31."""
    bo = bc.Backoffice.open(url, clock=bc.FixedClock(datetime(2026, 3, 1, tzinfo=UTC)),
                            ids=bc.SequentialIds("e"))
    bo.ledger.setup("Fx Co", currency="USD", chart="generic")
    bo.ledger.set_rate("EUR", "USD", D(2026, 1, 1), "1.10")
    bo.ledger.post(bc.NewEntry(D(2026, 1, 2), "Buy EUR", [
        bc.debit("1130", bc.Money("100.00", "EUR")), bc.debit("1140", bc.Money("50.00", "EUR")),
        bc.credit("1120", "165.00")]))
    bo.ledger.set_rate("EUR", "USD", D(2026, 1, 10), "1.20")
    bo.ledger.post(bc.NewEntry(D(2026, 1, 10), "Spend the EUR on 1140", [
        bc.debit("6200", "60.00"), bc.credit("1140", bc.Money("50.00", "EUR"))]))
    bo.ledger.set_rate("EUR", "USD", D(2026, 1, 31), "1.30")
    return bo


def _fee(day: date, key: str | None = None) -> bc.NewEntry:
    return bc.NewEntry(day, "Bank fee", [bc.debit("6600", "2.00"), bc.credit("1120", "2.00")],
                       idempotency_key=key)


@pytest.mark.parametrize("url", _URLS)
def test_correct_undoes_a_revaluation_with_an_automatic_reversal(url: str, refuses) -> None:
    """correct() of a revaluation made with ``reverse_on`` raised ``DuplicateError``
    ("entry already reversed": its automatic reversal). It now undoes it as reverse()
    does, on the replacement's date, and posts the replacement; a keyed retry replays
    both, and a second correction is the ``DuplicateError`` of a second undo."""
    bo = _book(url)
    r = bo.ledger.revalue(D(2026, 1, 31), reverse_on=D(2026, 2, 1))
    assert r is not None
    undo, new = bo.ledger.correct(r.entry.id, _fee(D(2026, 1, 31), "fix-reval"))
    assert (undo.entry.kind, undo.entry.related, undo.entry.date) == (
        EntryKind.REVALUATION, r.entry.id, D(2026, 1, 31))
    assert new.entry.kind is EntryKind.STANDARD and new.created
    for day in (D(2026, 1, 31), D(2026, 2, 1), D(2026, 3, 1)):  # counts on no day
        assert bo.ledger.balance("7200", as_of=day) == bc.Money("0.00", "USD")
        assert bo.ledger.balance("7300", as_of=day) == bc.Money("0.00", "USD")
        assert bo.ledger.balance_detail("1130", "EUR", as_of=day).functional == 11000
    assert bo.ledger.balance("6600") == bc.Money("2.00", "USD")
    assert bo.ledger.verify().ok
    count = len(bo.ledger.entries())
    again = bo.ledger.correct(r.entry.id, _fee(D(2026, 1, 31), "fix-reval"))
    assert [x.entry.id for x in again] == [undo.entry.id, new.entry.id]
    assert not again[0].created and not again[1].created
    assert len(bo.ledger.entries()) == count
    info = refuses(bo, DuplicateError, bo.ledger.correct, r.entry.id, _fee(D(2026, 2, 2)))
    assert (info.value.field, info.value.value) == ("entry_id", r.entry.id)
    assert bo.ledger.revalue(D(2026, 1, 15)) is not None  # the earlier date is free again


def test_correct_of_a_revaluation_taken_back_in_full_is_refused(refuses) -> None:
    """Nothing realized and the replacement dated on or after ``reverse_on``: the
    automatic reversal took all of it back, as reverse() says (``DuplicateError``)."""
    bo = _book("memory://")
    r = bo.ledger.revalue(D(2026, 1, 31), accounts=["1130"], reverse_on=D(2026, 2, 1))
    assert r is not None
    info = refuses(bo, DuplicateError, bo.ledger.correct, r.entry.id, _fee(D(2026, 2, 1)))
    assert (info.value.field, info.value.value) == ("entry_id", r.entry.id)
    bo.ledger.correct(r.entry.id, _fee(D(2026, 1, 31)))  # before it: undone, then the fee
    assert bo.ledger.balance("7300", as_of=D(2026, 1, 31)) == bc.Money("0.00", "USD")
    assert bo.ledger.verify().ok


@pytest.mark.parametrize("url", _URLS)
@pytest.mark.parametrize("reverse_on", [True, False])
def test_a_revaluations_reversal_is_not_reversed_by_hand(url: str, reverse_on: bool,
                                                         refuses) -> None:
    """Reversing the automatic reversal (or a later reverse()) by hand was accepted, and
    the revaluation could no longer be undone (``DuplicateError``: "that reversal too").
    It is refused (``ValidationError`` naming ``entry_id``), by reverse() and correct()
    alike; the revaluation's undo stays the way, and still works."""
    bo = _book(url)
    r = bo.ledger.revalue(D(2026, 1, 31), reverse_on=D(2026, 2, 1) if reverse_on else None)
    assert r is not None
    late = (bo.ledger.entries()[-1] if reverse_on
            else bo.ledger.reverse(r.entry.id, on=D(2026, 2, 1)).entry)
    assert (late.kind, late.related) == (EntryKind.REVERSAL, r.entry.id)
    info = refuses(bo, ValidationError, bo.ledger.reverse, late.id, on=D(2026, 2, 5))
    assert (info.value.field, info.value.value) == ("entry_id", late.id)
    assert r.entry.id in str(info.value)  # names the revaluation to undo instead
    info = refuses(bo, ValidationError, bo.ledger.correct, late.id, _fee(D(2026, 2, 5)))
    assert (info.value.field, info.value.value) == ("entry_id", late.id)
    undo = bo.ledger.reverse(r.entry.id, on=D(2026, 1, 31))
    assert (undo.entry.kind, undo.entry.related) == (EntryKind.REVALUATION, r.entry.id)
    assert bo.ledger.balance("7200") == bc.Money("0.00", "USD")
    assert bo.ledger.verify().ok
