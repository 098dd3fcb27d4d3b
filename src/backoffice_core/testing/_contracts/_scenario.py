"""An end-to-end bookkeeping scenario through the public service, and its snapshot."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from backoffice_core.app import Backoffice
from backoffice_core.errors import (
    AccountInactiveError,
    BackofficeError,
    DuplicateError,
    IdempotencyConflictError,
    LimitExceededError,
    NotFoundError,
    PendingEntryError,
    PeriodClosedError,
    UnbalancedEntryError,
)
from backoffice_core.ledger.entries import Line, NewEntry, credit, debit
from backoffice_core.ledger.periods import FiscalYear
from backoffice_core.money import Money
from backoffice_core.ports import FixedClock

__all__ = ["REFUSALS", "Scenario", "run_scenario", "snapshot"]

D = date


class Scenario:
    """Ids of what :func:`run_scenario` posted, for checks and refusals."""

    def __init__(self) -> None:
        self.ids: dict[str, str] = {}
        self.replay_created: bool | None = None
        self.reopened: list[FiscalYear] = []  # the years as stored after reopen_year


def run_scenario(bo: Backoffice) -> Scenario:
    """Setup, posts (FX, dimensions, backdated, bulk), reversal, correction, holds, closing."""
    out = Scenario()
    led = bo.ledger
    clock = bo.clock
    assert isinstance(clock, FixedClock)
    led.setup("Kit Co — Ромашка", currency="USD", chart="generic")
    led.add_fiscal_year(FiscalYear.monthly("FY2026", D(2026, 1, 1)))
    led.open_account("1125", "Bank - no overdraft", "asset", parent="1100",
                     limit="credits_must_not_exceed_debits")
    led.set_rate("EUR", "USD", D(2026, 1, 1), "1.10")
    invest = NewEntry(D(2026, 1, 5), "Owner invests", [debit("1120", "5000.00"),
                      credit("3100", "5000.00")], reference="SH-1", idempotency_key="invest-1")
    out.ids["invest"] = led.post(invest).entry.id
    led.post(NewEntry(D(2026, 1, 6), "Fund the no-overdraft bank",
                      [debit("1125", "300.00"), credit("1120", "300.00")]))
    led.post(NewEntry(D(2026, 1, 10), "Sale", [
        debit("1140", "1200.00", project="P1"), credit("4100", "1000.00", project="P1"),
        credit("2140", "200.00")], dimensions={"region": "north"}))
    out.replay_created = led.post(invest).created
    led.post(NewEntry(D(2026, 1, 12), "EUR receipt",
                      [Line("1130", Money("100.00", "EUR")), credit("4100", "110.00")]))
    led.post(NewEntry(D(2026, 1, 13), "EUR consulting", [  # closes at its USD value
        Line("1130", Money("40.00", "EUR")), Line("4110", Money("-40.00", "EUR"))]))
    led.post(NewEntry(D(2026, 1, 3), "Backdated fee",
                      [debit("6600", "15.00"), credit("1120", "15.00")]))
    fee = led.post(NewEntry(D(2026, 1, 15), "Wrong fee",
                            [debit("6600", "20.00"), credit("1120", "20.00")]))
    out.ids["fee"] = fee.entry.id
    led.reverse(fee.entry.id, on=D(2026, 1, 16))
    typo = led.post(NewEntry(D(2026, 1, 17), "Typo",
                             [debit("1110", "9.00"), credit("4100", "9.00")]))
    led.correct(typo.entry.id, NewEntry(D(2026, 1, 18), "Fixed",
                                        [debit("1110", "90.00"), credit("4100", "90.00")]))
    h1 = led.hold(NewEntry(D(2026, 1, 19), "Card auth",
                           [debit("1140", "50.00"), credit("1125", "50.00")]),
                  timeout=timedelta(days=7))
    out.ids["h1"] = h1.entry.id
    led.post_pending(h1.entry.id, amount="30.00")
    h2 = led.hold(NewEntry(D(2026, 1, 20), "Reservation",
                           [debit("1140", "40.00"), credit("1125", "40.00")]))
    led.void_pending(h2.entry.id)
    led.hold(NewEntry(D(2026, 1, 21), "Short hold",
                      [debit("1140", "25.00"), credit("1125", "25.00")]),
             timeout=timedelta(hours=1))
    out.ids["open_hold"] = led.hold(NewEntry(D(2026, 1, 22), "Open hold", [
        debit("1140", "60.00", project="P2"), credit("1125", "60.00")])).entry.id
    clock.advance(timedelta(hours=2))
    led.expire_pending()
    led.post_many(NewEntry(D(2026, 2, 1 + i), f"Daily sale {i}", [
        debit("1110", f"{i + 1}.00", project="P1" if i % 2 else None),
        credit("4100", f"{i + 1}.00")]) for i in range(10))
    led.set_rate("EUR", "USD", D(2026, 1, 31), "1.15")
    led.revalue(D(2026, 1, 31), reverse_on=D(2026, 2, 1))
    led.close_period("FY2026", "2026-01")
    led.reopen_period("FY2026", "2026-01")
    led.lock_period("FY2026", "2026-01")
    led.update_account("1110", name="Petty cash")
    led.archive_account("8900")  # no role names it: a role's account is not archived
    led.set_role("bank_fees", "6600")
    led.close_period("FY2026", "2026-02")  # closed by hand: reopen_year leaves it closed
    led.close_year("FY2026")
    led.reopen_year("FY2026")
    out.reopened = led.fiscal_years()
    led.post(NewEntry(D(2026, 12, 30), "Late sale",
                      [debit("1140", "70.00"), credit("4100", "70.00")]))
    led.close_year("FY2026")
    led.add_fiscal_year(FiscalYear.monthly("FY2027", D(2027, 1, 1)))
    out.ids["new_year"] = led.post(NewEntry(D(2027, 1, 2), "New year sale", [
        debit("1110", "5.00"), credit("4100", "5.00")])).entry.id
    return out


def snapshot(bo: Backoffice) -> dict[str, Any]:
    """Everything observable about a book through the service (as-of zero rows dropped)."""
    led = bo.ledger
    entries = led.entries()
    dims = sorted({d for e in entries for p in e.postings for d, _ in p.dimensions})
    days = sorted({e.date for e in entries})
    report = led.verify()

    def nonzero(rows: list[Any]) -> list[Any]:
        return sorted((b for b in rows if b.debits or b.credits or b.functional),
                      key=lambda b: b.key)

    return {
        "settings": led.settings(),
        "accounts": led.accounts(),
        "years": led.fiscal_years(),
        "entries": entries,
        "pending": sorted(led.pending(), key=lambda e: e.seq),
        "balances": sorted(led.balances(), key=lambda b: b.key),
        "dimension_balances": {d: sorted(led.balances(dimension=d), key=lambda b: b.key)
                               for d in dims},
        "as_of": {d: nonzero(led.balances(as_of=d)) for d in days},
        "as_of_dimension": {(d, dim): nonzero(led.balances(as_of=d, dimension=dim))
                            for d in days for dim in dims},
        "verify": (report.ok, report.entries_checked, report.totals, report.problems),
    }


def _post(day: D, *lines: Line, key: str | None = None) -> Callable[[Backoffice, Scenario],
                                                                       Any]:
    return lambda bo, sc: bo.ledger.post(NewEntry(day, "Refused", list(lines),
                                                  idempotency_key=key))


def _correct_unbalanced(bo: Backoffice, sc: Scenario) -> Any:
    # the reversal is written first, then the replacement fails: both must go
    return bo.ledger.correct(sc.ids["new_year"], NewEntry(D(2027, 1, 3), "Unbalanced", [
        debit("1110", "5.00"), credit("4100", "4.00")]))


def _bulk_with_a_bad_entry(bo: Backoffice, sc: Scenario) -> Any:
    return bo.ledger.post_many(NewEntry(D(2027, 1, 5 + i), "Bulk", [
        debit("1110" if i != 3 else "9999", "1.00"), credit("4100", "1.00")])
        for i in range(6))


# name -> (refused operation, the error it raises)
REFUSALS: dict[str, tuple[Callable[[Backoffice, Scenario], Any], type[BackofficeError]]] = {
    "post_into_locked_period": (
        _post(D(2026, 1, 20), debit("1110", "1.00"), credit("4100", "1.00")),
        PeriodClosedError),
    "post_into_closed_year": (
        _post(D(2026, 6, 1), debit("1110", "1.00"), credit("4100", "1.00")), PeriodClosedError),
    "overdraw_limited_account": (
        _post(D(2027, 1, 4), debit("1110", "500.00"), credit("1125", "500.00")),
        LimitExceededError),
    "hold_beyond_limit": (
        lambda bo, sc: bo.ledger.hold(NewEntry(D(2027, 1, 4), "Too big", [
            debit("1140", "250.00"), credit("1125", "250.00")])), LimitExceededError),
    "post_to_archived_account": (
        _post(D(2027, 1, 4), debit("8900", "1.00"), credit("1110", "1.00")),
        AccountInactiveError),
    "reverse_twice": (lambda bo, sc: bo.ledger.reverse(sc.ids["fee"], on=D(2027, 1, 4)),
                      DuplicateError),
    "idempotency_key_reused": (
        _post(D(2027, 1, 4), debit("1110", "1.00"), credit("4100", "1.00"), key="invest-1"),
        IdempotencyConflictError),
    "post_resolved_hold": (lambda bo, sc: bo.ledger.post_pending(sc.ids["h1"]),
                           PendingEntryError),
    "close_closed_year": (lambda bo, sc: bo.ledger.close_year("FY2026"), PeriodClosedError),
    "limit_already_broken": (
        lambda bo, sc: bo.ledger.update_account("1125", limit="debits_must_not_exceed_credits"),
        LimitExceededError),
    "correct_with_unbalanced_replacement": (_correct_unbalanced, UnbalancedEntryError),
    "bulk_with_a_bad_entry": (_bulk_with_a_bad_entry, NotFoundError),
}
