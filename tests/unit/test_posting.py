"""Posting: entries of 2..n lines, balance per currency, line validation, atomic batches."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest

import backoffice_core as bc
from backoffice_core.errors import (
    BackofficeError,
    CurrencyMismatchError,
    FloatNotAllowedError,
    LimitExceededError,
    NotFoundError,
    PeriodClosedError,
    UnbalancedEntryError,
    ValidationError,
)
from backoffice_core.ledger import EntryKind, EntryStatus, Line, Posting

Jan = Callable[..., bc.NewEntry]
USD = "USD"


def usd(amount: str) -> bc.Money:
    return bc.Money(amount, USD)


def test_a_two_line_entry_posts_and_moves_balances(bo: bc.Backoffice, jan: Jan) -> None:
    r = bo.ledger.post(jan(5, bc.debit("1120", "5000.00"), bc.credit("3100", "5000.00"),
                           description="Owner invests", reference="DEP-1"))
    assert r.created
    e = r.entry
    assert e.id == "e-000001"
    assert e.seq == 1
    assert e.date == date(2026, 1, 5)
    assert e.description == "Owner invests"
    assert e.reference == "DEP-1"
    assert e.status is EntryStatus.POSTED
    assert e.kind is EntryKind.STANDARD
    assert e.recorded_at == bo.clock.now()
    assert e.postings == (Posting("1120", 500000, USD, 500000),
                          Posting("3100", -500000, USD, -500000))
    assert e.totals() == {USD: (500000, 500000)}
    assert bo.ledger.balance("1120") == usd("5000.00")
    assert bo.ledger.balance("3100") == usd("-5000.00")
    assert bo.ledger.entry(e.id) == e
    assert bo.ledger.entries() == [e]


def test_post_returns_the_resulting_balances_of_touched_accounts(
        bo: bc.Backoffice, jan: Jan) -> None:
    bo.ledger.post(jan(2, bc.debit("1110", "10.00"), bc.credit("4100", "10.00")))
    r = bo.ledger.post(jan(3, bc.debit("1110", "2.50"), bc.credit("4100", "2.00"),
                           bc.credit("2140", "0.50")))
    assert r.balance("1110") == usd("12.50")
    assert r.balance("4100") == usd("-12.00")
    assert r.balance("2140") == usd("-0.50")
    assert {b.key.account for b in r.balances} == {"1110", "4100", "2140"}
    assert next(b for b in r.balances if b.key.account == "1110").debits == 1250
    with pytest.raises(NotFoundError):
        r.balance("1120")


@pytest.mark.parametrize("n", [2, 3, 5, 12])
def test_any_number_of_lines(bo: bc.Backoffice, jan: Jan, n: int) -> None:
    lines = [bc.debit("6200", "1.00") for _ in range(n - 1)]
    lines.append(bc.credit("1120", f"{n - 1}.00"))
    r = bo.ledger.post(jan(4, *lines))
    assert len(r.entry.postings) == n
    assert bo.ledger.balance("6200") == usd(f"{n - 1}.00")
    assert bo.ledger.verify().ok


def test_signed_lines_and_helpers_are_equivalent(bo: bc.Backoffice, jan: Jan) -> None:
    a = bo.ledger.post(jan(4, Line("1110", Decimal("3.00")), Line("4100", "-3.00"))).entry
    b = bo.ledger.post(jan(4, bc.debit("1110", "3.00"), bc.credit("4100", "3.00"))).entry
    assert a.postings == b.postings


def test_debit_and_credit_helpers_refuse_negative_amounts() -> None:
    with pytest.raises(ValidationError):
        bc.debit("1110", "-1.00")
    with pytest.raises(ValidationError):
        bc.credit("1110", "-1.00")
    with pytest.raises(FloatNotAllowedError):
        bc.debit("1110", 1.0)


def test_single_line_entry_is_refused(bo: bc.Backoffice, jan: Jan, refuses) -> None:
    info = refuses(bo, UnbalancedEntryError, bo.ledger.post, jan(4, bc.debit("1110", "1.00")))
    assert info.value.field == "lines"
    refuses(bo, UnbalancedEntryError, bo.ledger.post, jan(4))


def test_unbalanced_entry_names_the_currency_total(bo: bc.Backoffice, jan: Jan,
                                                   refuses) -> None:
    info = refuses(bo, UnbalancedEntryError, bo.ledger.post,
                   jan(4, bc.debit("1110", "10.00"), bc.credit("4100", "9.99")))
    assert info.value.field == "totals.USD"
    assert "0.01" in str(info.value.value)
    assert isinstance(info.value, ValidationError)
    info = refuses(bo, UnbalancedEntryError, bo.ledger.post,
                   jan(4, bc.debit("1110", "10.00"), bc.credit("4100", "5.00"),
                       bc.credit("2140", "4.00")))
    assert info.value.field == "totals.USD"
    assert "1.00" in str(info.value)


def test_unbalanced_foreign_entry_names_its_currency(bo: bc.Backoffice, jan: Jan,
                                                    refuses) -> None:
    info = refuses(bo, UnbalancedEntryError, bo.ledger.post,
                   jan(4, bc.debit("1130", bc.Money("10.00", "EUR")),
                       bc.credit("3100", bc.Money("9.00", "EUR")), rates={"EUR": "1.1"}))
    assert info.value.field == "totals.EUR"


def test_balanced_per_currency_means_per_currency(bo: bc.Backoffice, jan: Jan,
                                                  refuses) -> None:
    """USD debits balanced by EUR credits at a wrong rate are refused, never silently mixed."""
    refuses(bo, UnbalancedEntryError, bo.ledger.post,
            jan(4, bc.debit("1120", "10.00"), bc.credit("1130", bc.Money("10.00", "EUR")),
                rates={"EUR": "1.10"}))


@pytest.mark.parametrize("amount", ["0", "0.00", 0, Decimal("0.000")])
def test_zero_amounts_are_refused(bo: bc.Backoffice, jan: Jan, refuses, amount: object) -> None:
    info = refuses(bo, ValidationError, bo.ledger.post,
                   jan(4, bc.debit("1110", "1.00"), bc.credit("4100", "1.00"),
                       bc.debit("6200", amount)))
    assert info.value.field == "lines[2].amount"


@pytest.mark.parametrize(("amount", "code"), [("1.005", "USD"), ("0.001", "USD"),
                                              ("1.5", "JPY"), ("0.0001", "KWD")])
def test_sub_minor_amounts_are_refused_naming_the_line(
        bo: bc.Backoffice, jan: Jan, refuses, amount: str, code: str) -> None:
    info = refuses(bo, ValidationError, bo.ledger.post,
                   jan(4, bc.debit("6200", "1.00"),
                       bc.debit("1130", bc.Money(amount, code)),
                       bc.credit("1120", "1.00"), bc.credit("1130", bc.Money(amount, code)),
                       rates={code: "1"}))
    assert info.value.field == "lines[1].amount"


def test_a_tiny_amount_is_refused_as_finer_than_the_minor_unit(bo: bc.Backoffice, jan: Jan,
                                                                refuses) -> None:
    """``1E-999999999`` scales to exactly zero minor units: it is too fine, not zero."""
    tiny = Decimal("1E-999999999")
    info = refuses(bo, ValidationError, bo.ledger.post,
                   jan(4, bc.debit("6200", tiny), bc.credit("1120", tiny)))
    assert info.value.field == "lines[0].amount" and "finer than" in str(info.value)


def test_unknown_account_names_the_line(bo: bc.Backoffice, jan: Jan, refuses) -> None:
    info = refuses(bo, NotFoundError, bo.ledger.post,
                   jan(4, bc.debit("1110", "1.00"), bc.credit("9999", "1.00")))
    assert info.value.field == "lines[1].account"
    assert info.value.value == "9999"


def test_line_currency_must_agree_with_its_money(bo: bc.Backoffice, jan: Jan, refuses) -> None:
    info = refuses(bo, CurrencyMismatchError, bo.ledger.post,
                   jan(4, Line("1110", bc.Money("1.00", "EUR"), currency="USD"),
                       bc.credit("4100", "1.00")))
    assert info.value.field == "lines[0].currency"


def test_plain_amount_with_currency(bo: bc.Backoffice, jan: Jan) -> None:
    r = bo.ledger.post(jan(4, bc.debit("1130", "100", "JPY"), bc.credit("3100", "100", "JPY"),
                           rates={"JPY": "0.0067"}))
    assert [p.amount for p in r.entry.postings] == [100, -100]
    assert bo.ledger.balance("1130", "JPY") == bc.Money("100", "JPY")


def test_too_large_amounts_are_refused(bo: bc.Backoffice, jan: Jan, refuses) -> None:
    huge = str(10**16)
    info = refuses(bo, ValidationError, bo.ledger.post,
                   jan(4, bc.debit("1110", huge), bc.credit("4100", huge)))
    assert info.value.field == "lines[0].amount"


def test_entry_dimensions_apply_to_every_line_and_line_tags_win(
        bo: bc.Backoffice, jan: Jan) -> None:
    r = bo.ledger.post(jan(4, bc.debit("1110", "2.00", project="P2"),
                           bc.credit("4100", "2.00"), dimensions={"project": "P1", "dept": "D"}))
    assert r.entry.postings[0].dimensions == (("dept", "D"), ("project", "P2"))
    assert r.entry.postings[1].dimensions == (("dept", "D"), ("project", "P1"))


def test_posting_setup_errors(new_book) -> None:
    bo = bc.Backoffice.open("memory://")
    with pytest.raises(NotFoundError) as info:
        bo.ledger.post(bc.NewEntry(date(2026, 1, 1), "x",
                                   [bc.debit("1", "1"), bc.credit("2", "1")]))
    assert info.value.field == "book"
    bo2 = new_book()
    from backoffice_core.errors import DuplicateError
    with pytest.raises(DuplicateError):
        bo2.ledger.setup("Again", currency="USD")
    with pytest.raises(NotFoundError):
        bc.Backoffice.open("memory://").ledger.setup("X", currency="ZZZ")


def test_hash_chain_links_entries(bo: bc.Backoffice, jan: Jan) -> None:
    a = bo.ledger.post(jan(4, bc.debit("1110", "1.00"), bc.credit("4100", "1.00"))).entry
    b = bo.ledger.post(jan(2, bc.debit("1110", "1.00"), bc.credit("4100", "1.00"))).entry
    assert a.prev_hash == ""
    assert b.prev_hash == a.hash
    assert a.hash == a.content_hash()
    assert (a.seq, b.seq) == (1, 2)
    assert [e.id for e in bo.ledger.entries()] == [b.id, a.id]  # ordered by date


def test_entries_filter_by_dates_and_account(bo: bc.Backoffice, jan: Jan) -> None:
    a = bo.ledger.post(jan(4, bc.debit("1110", "1.00"), bc.credit("4100", "1.00"))).entry
    b = bo.ledger.post(jan(9, bc.debit("1120", "1.00"), bc.credit("4100", "1.00"))).entry
    assert bo.ledger.entries(start=date(2026, 1, 5)) == [b]
    assert bo.ledger.entries(end=date(2026, 1, 5)) == [a]
    assert bo.ledger.entries(account="1120") == [b]
    assert bo.ledger.entries(account="4100") == [a, b]


# ---------------------------------------------------------------- post_many
def test_post_many_posts_every_entry(bo: bc.Backoffice, jan: Jan) -> None:
    stored = bo.ledger.post_many([
        jan(1, bc.debit("1120", "100.00"), bc.credit("3100", "100.00")),
        jan(2, bc.debit("6200", "30.00", project="P"), bc.credit("1120", "30.00")),
        jan(2, bc.debit("1110", "1.00"), bc.credit("4100", "1.00")),
    ])
    assert [e.seq for e in stored] == [1, 2, 3]
    assert stored[1].prev_hash == stored[0].hash
    assert bo.ledger.balance("1120") == usd("70.00")
    assert bo.ledger.balance("1120", as_of=date(2026, 1, 1)) == usd("100.00")
    assert bo.ledger.verify().ok


def _bad_batches(jan: Jan) -> list[tuple[str, type[BaseException], list[bc.NewEntry]]]:
    good = jan(3, bc.debit("1120", "10.00"), bc.credit("3100", "10.00"))
    return [
        ("unbalanced", UnbalancedEntryError,
         [good, jan(4, bc.debit("1110", "1.00"), bc.credit("4100", "2.00"))]),
        ("unknown account", NotFoundError,
         [good, jan(4, bc.debit("1110", "1.00"), bc.credit("0000", "1.00"))]),
        ("parent", ValidationError,
         [good, jan(4, bc.debit("1100", "1.00"), bc.credit("4100", "1.00"))]),
        ("sub-minor", ValidationError,
         [good, jan(4, bc.debit("1110", "1.001"), bc.credit("4100", "1.001"))]),
        ("no rate", ValidationError,
         [good, jan(4, bc.debit("1130", bc.Money("1", "EUR")), bc.credit("1120", "1.10"))]),
        ("single line", UnbalancedEntryError, [good, jan(4, bc.debit("1110", "1.00"))]),
        ("last of many", UnbalancedEntryError,
         [good] * 0 + [jan(d, bc.debit("1110", "1.00"), bc.credit("4100", "1.00"))
                       for d in range(1, 20)]
         + [jan(20, bc.debit("1110", "1.00"), bc.credit("4100", "1.01"))]),
    ]


@pytest.mark.parametrize("case", range(7))
def test_post_many_is_atomic(bo: bc.Backoffice, jan: Jan, refuses, case: int) -> None:
    bo.ledger.post(jan(2, bc.debit("1110", "1.00"), bc.credit("4100", "1.00")))
    name, error, batch = _bad_batches(jan)[case]
    refuses(bo, error, bo.ledger.post_many, batch)
    assert len(bo.ledger.entries()) == 1, name
    assert bo.ledger.balance("1120") == usd("0.00")
    # the book still works afterwards
    bo.ledger.post_many(batch[:1])
    assert bo.ledger.verify().ok


def test_post_many_names_the_failing_entry(bo: bc.Backoffice, jan: Jan) -> None:
    with pytest.raises(UnbalancedEntryError) as info:
        bo.ledger.post_many([jan(3, bc.debit("1120", "10.00"), bc.credit("3100", "10.00")),
                             jan(4, bc.debit("1110", "1.00"), bc.credit("4100", "2.00"))])
    assert info.value.field == "entries[1].totals.USD"


def test_post_many_names_the_failing_entry_for_every_error(bo: bc.Backoffice, jan: Jan) -> None:
    with pytest.raises(NotFoundError) as info:
        bo.ledger.post_many([jan(3, bc.debit("1120", "10.00"), bc.credit("3100", "10.00")),
                             jan(4, bc.debit("1110", "1.00"), bc.credit("0000", "1.00"))])
    assert info.value.field == "entries[1].lines[1].account"
    with pytest.raises(PeriodClosedError) as closed:
        bo.ledger.add_fiscal_year(bc.FiscalYear.monthly("FY2026", date(2026, 1, 1)))
        bo.ledger.post_many([jan(3, bc.debit("1120", "10.00"), bc.credit("3100", "10.00")),
                             jan(date(2025, 12, 31), bc.debit("1110", "1.00"),
                                 bc.credit("4100", "1.00"))])
    assert closed.value.field == "entries[1].date"


def test_post_many_of_nothing_writes_nothing(bo: bc.Backoffice) -> None:
    assert bo.ledger.post_many([]) == []
    assert bo.ledger.entries() == []


# ---------------------------------------------------------------- failures change nothing
Failing = list[tuple[type[BaseException], Callable[[], object]]]


def _failing_operations(bo: bc.Backoffice, jan: Jan) -> Failing:
    led = bo.ledger
    ok = [bc.debit("1110", "1.00"), bc.credit("4100", "1.00")]
    return [
        (UnbalancedEntryError, lambda: led.post(jan(6, bc.debit("1110", "1"),
                                                    bc.credit("4100", "2")))),
        (NotFoundError, lambda: led.post(jan(6, bc.debit("nope", "1"), bc.credit("4100", "1")))),
        (ValidationError, lambda: led.post(jan(6, bc.debit("1000", "1"), bc.credit("4100", "1")))),
        (ValidationError, lambda: led.post(jan(6, bc.debit("1110", "0"), bc.credit("4100", "0")))),
        (ValidationError, lambda: led.post(jan(6, bc.debit("1110", "0.001"),
                                               bc.credit("4100", "0.001")))),
        (ValidationError, lambda: led.post(jan(6, bc.debit("1130", bc.Money("1", "GBP")),
                                               bc.credit("4100", "1.30")))),
        (LimitExceededError, lambda: led.post(jan(6, bc.debit("6200", "100.00"),
                                                  bc.credit("1120", "100.00")))),
        (PeriodClosedError, lambda: led.post(jan(date(2027, 6, 1), *ok))),
        (BackofficeError, lambda: led.post_many([jan(6, *ok), jan(7, bc.debit("1110", "1"))])),
        (BackofficeError, lambda: led.hold(jan(6, bc.debit("1110", "1"),
                                               bc.credit("4100", "2")))),
        (BackofficeError, lambda: led.reverse("e-999999")),
        (BackofficeError, lambda: led.reverse("e-000001", on=date(2027, 6, 1))),
        (BackofficeError, lambda: led.correct("e-000001", jan(8, bc.debit("1110", "1"),
                                                             bc.credit("4100", "3")))),
        (BackofficeError, lambda: led.post_pending("e-000003", amount="999.00")),
        (BackofficeError, lambda: led.post_pending("e-000003", lines=[
            bc.debit("1140", "60.00"), bc.credit("4100", "60.00")])),
        (BackofficeError, lambda: led.post_pending("e-000001")),
        (BackofficeError, lambda: led.void_pending("e-000001")),
        (BackofficeError, lambda: led.open_account("1110", "dup", "asset")),
        (BackofficeError, lambda: led.update_account("1120",
                                                     limit="debits_must_not_exceed_credits")),
        (BackofficeError, lambda: led.close_period("FY2026", "2026-13")),
        (BackofficeError, lambda: led.add_fiscal_year(
            bc.FiscalYear.monthly("FY2026b", date(2026, 6, 1)))),
        (BackofficeError, lambda: led.set_role("cash", "0000")),
        (BackofficeError, lambda: led.set_rate("EUR", "USD", date(2026, 1, 1), "-1")),
        (TypeError, lambda: led.post(jan(6, bc.debit("1110", 1.5), bc.credit("4100", "1.5")))),
        (BackofficeError, lambda: led.revalue(date(2026, 1, 31))),
    ]


@pytest.mark.parametrize("case", range(25))
def test_every_failed_operation_leaves_everything_unchanged(
        bo: bc.Backoffice, jan: Jan, refuses, case: int) -> None:
    led = bo.ledger
    led.add_fiscal_year(bc.FiscalYear.monthly("FY2026", date(2026, 1, 1)))
    led.update_account("1120", limit="credits_must_not_exceed_debits")
    led.post(jan(2, bc.debit("1110", "50.00", project="P"), bc.credit("4100", "50.00")))  # e1
    led.post(jan(3, bc.debit("1120", "20.00"), bc.credit("1110", "20.00")))  # e2 (to 1120 dr)
    led.hold(jan(4, bc.debit("1140", "50.00"), bc.credit("4100", "50.00")),
             timeout=timedelta(days=3))  # e3
    led.post(jan(5, bc.debit("1130", bc.Money("10.00", "EUR")), bc.credit("1110", "11.00"),
                 rates={"EUR": "1.10"}))  # e4
    ops = _failing_operations(bo, jan)
    assert len(ops) == 25
    error, op = ops[case]
    refuses(bo, error, op)


@pytest.mark.parametrize("day", [datetime(2026, 1, 5, 13), "2026-01-05", None, 20260105])
@pytest.mark.parametrize("with_years", [False, True])
def test_entry_date_must_be_a_date(bo: bc.Backoffice, refuses, day: object,
                                   with_years: bool) -> None:
    if with_years:
        bo.ledger.add_fiscal_year(bc.FiscalYear.monthly("FY2026", date(2026, 1, 1)))
    entry = bc.NewEntry(day, "x", [bc.debit("1110", "1"), bc.credit("4100", "1")])  # type: ignore[arg-type]
    info = refuses(bo, ValidationError, bo.ledger.post, entry)
    assert info.value.field == "date"
    refuses(bo, ValidationError, bo.ledger.hold, entry)
    refuses(bo, ValidationError, bo.ledger.post_many, [entry])
