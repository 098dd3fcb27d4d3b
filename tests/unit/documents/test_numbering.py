"""Gapless numbering per series and fiscal year, assigned inside the issuing unit of work."""

from __future__ import annotations

import threading
from datetime import date
from typing import Any

import pytest

from backoffice_core.documents import Tax, line
from backoffice_core.documents.numbering import (
    FiscalYearKey,
    check_pattern,
    format_number,
    series_key,
)
from backoffice_core.errors import PeriodClosedError, ValidationError
from backoffice_core.ledger import FiscalYear
from backoffice_core.money import Money


def _draft(book: Any, day: date) -> Any:
    return book.docs.create_invoice(book.acme.id, day, [line("A", 1, "10.00", Tax.zero())])


def test_patterns() -> None:
    fy = FiscalYearKey("FY2026", 2026)
    assert format_number("INV-{year}-{seq:05}", 7, fy) == "INV-2026-00007"
    assert format_number("{fy}/{seq}", 7, fy) == "FY2026/7"
    for bad in ("INV-{year}", "{nope}-{seq}", "{seq", ""):
        with pytest.raises(ValidationError):
            check_pattern(bad)


def test_a_rolled_back_issue_leaves_no_gap(book: Any, unchanged: Any) -> None:
    book.bo.ledger.add_fiscal_year(FiscalYear.monthly("FY2026", date(2026, 1, 1)))
    book.bo.ledger.close_period("FY2026", "2026-01")
    january = _draft(book, date(2026, 1, 10))
    # the number is reserved, then posting into the closed month fails: all rolled back
    unchanged(book.bo, PeriodClosedError, book.docs.issue, january.id)
    february = book.docs.issue(_draft(book, date(2026, 2, 2)).id)
    assert february.number == "INV-2026-00001"
    assert book.docs.get(january.id).number is None


def test_series_restart_every_fiscal_year_and_follow_the_settings(book: Any) -> None:
    book.docs.configure(patterns={"sales_invoice": "F{year}/{seq:03}"})
    a = book.docs.issue(_draft(book, date(2026, 12, 30)).id)
    b = book.docs.issue(_draft(book, date(2027, 1, 2)).id)
    c = book.docs.issue(_draft(book, date(2026, 12, 31)).id)
    assert [a.number, b.number, c.number] == ["F2026/001", "F2027/001", "F2026/002"]
    quote = book.docs.issue(book.docs.create("quote", book.acme.id, date(2026, 5, 1),
                                             [line("Q", 1, "1", Tax.zero())]).id)
    assert quote.number == "QUO-2026-00001"  # each type has its own series


def test_fiscal_years_of_the_ledger_name_the_counter(book: Any) -> None:
    book.bo.ledger.add_fiscal_year(FiscalYear.monthly("FY2026/27", date(2026, 4, 1)))
    book.docs.configure(patterns={"sales_invoice": "{fy}-{seq}"})
    assert book.docs.issue(_draft(book, date(2027, 3, 31)).id).number == "FY2026/27-1"


@pytest.mark.parametrize("many", [False, True])
def test_a_fiscal_year_added_over_numbered_dates_goes_on_after_their_numbers(
        book: Any, many: bool) -> None:
    """Invoices numbered by calendar year (no fiscal year yet: the counter "2026"), then the
    fiscal year "FY2026" is added, as a book does before its first year-end closing: its
    counter starts anew, but ``INV-{year}-...`` prints the numbers already taken, so
    issuing goes on after them instead of failing on a duplicate number."""
    first = [book.docs.issue(_draft(book, date(2026, 2, d)).id).number for d in (2, 3)]
    assert first == ["INV-2026-00001", "INV-2026-00002"]
    book.bo.ledger.add_fiscal_year(FiscalYear.monthly("FY2026", date(2026, 1, 1)))
    drafts = [_draft(book, date(2026, 3, d)).id for d in (2, 3)]
    issued = (book.docs.issue_many(drafts) if many
              else [book.docs.issue(d) for d in drafts])
    assert [d.number for d in issued] == ["INV-2026-00003", "INV-2026-00004"]
    # a pattern that prints the fiscal year's name starts that name's series at 1
    book.docs.configure(patterns={"credit_note": "{fy}-CN-{seq}"})
    note = book.docs.issue(book.docs.create("credit_note", book.acme.id, date(2026, 3, 4),
                                            [line("A", 1, "1.00", Tax.zero())]).id)
    assert note.number == "FY2026-CN-1"


def test_payments_numbered_before_a_fiscal_year_was_added_keep_their_numbers(
        book: Any) -> None:
    """The same for payments, whose numbers were printed a second time before: the new
    counter "FY2026" gave ``PAY-2026-00001`` again, with no error."""
    pay = book.docs.record_payment
    first = [pay(book.acme.id, Money("5.00", "USD"), date(2026, 2, 3)).number for _ in "ab"]
    book.bo.ledger.add_fiscal_year(FiscalYear.monthly("FY2026", date(2026, 1, 1)))
    later = [pay(book.acme.id, Money("5.00", "USD"), date(2026, 2, 4)).number for _ in "ab"]
    assert first + later == [f"PAY-2026-0000{n}" for n in (1, 2, 3, 4)]


def test_concurrent_issues_never_share_a_number(book: Any) -> None:
    book.bo.ledger.add_fiscal_year(FiscalYear.monthly("FY2026", date(2026, 1, 1)))
    book.bo.ledger.close_period("FY2026", "2026-01")
    book.docs.configure(numbers_in_date_order=False)  # in the order the threads get there
    good = [_draft(book, date(2026, 2, 1 + i % 27)) for i in range(24)]
    bad = [_draft(book, date(2026, 1, 15)) for _ in range(8)]  # will fail: closed period
    numbers: list[str] = []
    errors: list[BaseException] = []
    lock = threading.Lock()
    barrier = threading.Barrier(len(good) + len(bad))

    def run(doc_id: str) -> None:
        barrier.wait()
        try:
            n = book.docs.issue(doc_id).number
            with lock:
                numbers.append(n)
        except PeriodClosedError as err:
            with lock:
                errors.append(err)

    threads = [threading.Thread(target=run, args=(d.id,)) for d in good + bad]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(errors) == len(bad)
    assert sorted(numbers) == [f"INV-2026-{i:05}" for i in range(1, len(good) + 1)]


@pytest.mark.parametrize("many", [False, True])
def test_switching_a_pattern_to_another_period_starts_that_series(book: Any,
                                                                   many: bool) -> None:
    """The counter key is the period the pattern prints (``series_key``): switching
    ``INV-{year}-...`` to ``{fy}-...`` mid-year starts the fiscal year's series at 1
    (it went on with the year's counter: ``FY2026-3``); switching back goes on with the
    year's numbers, gapless and unique as printed."""
    book.bo.ledger.add_fiscal_year(FiscalYear.monthly("FY2026", date(2026, 1, 1)))
    issue = (lambda ids: book.docs.issue_many(ids)) if many else \
        (lambda ids: [book.docs.issue(d) for d in ids])
    first = issue([_draft(book, date(2026, 2, d)).id for d in (2, 3)])
    assert [d.number for d in first] == ["INV-2026-00001", "INV-2026-00002"]
    book.docs.configure(patterns={"sales_invoice": "{fy}-{seq}"})
    fy = issue([_draft(book, date(2026, 3, d)).id for d in (2, 3)])
    assert [d.number for d in fy] == ["FY2026-1", "FY2026-2"]
    book.docs.configure(patterns={"sales_invoice": "INV-{year}-{seq:05}"})
    assert [d.number for d in issue([_draft(book, date(2026, 3, 4)).id])] == \
        ["INV-2026-00003"]


def test_series_keys() -> None:
    fy = FiscalYearKey("FY2026", 2026)
    assert series_key("INV-{year}-{seq:05}", fy) == "2026"
    assert series_key("{fy}/{seq}", fy) == "FY2026"
    assert series_key("{series}-{seq}", fy) == "*"  # no period: one series for ever
    assert series_key("{fy}/{seq}", FiscalYearKey("2026", 2026)) == "2026"


def test_a_pattern_without_a_period_never_restarts(book: Any) -> None:
    book.docs.configure(patterns={"sales_invoice": "N{seq}"})
    days = (date(2026, 12, 30), date(2027, 1, 2))
    assert [book.docs.issue(_draft(book, d).id).number for d in days] == ["N1", "N2"]


def test_numbers_follow_the_dates_of_a_series_and_period(book: Any, unchanged: Any) -> None:
    """The default: a document dated before the one that took the number before its own
    in the series and period is refused (``date`` named), no number used; other series
    and periods are apart."""
    a = book.docs.issue(_draft(book, date(2026, 3, 10)).id)
    late = _draft(book, date(2026, 3, 9))
    info = unchanged(book.bo, ValidationError, book.docs.issue, late.id)
    assert (info.value.field, info.value.value) == ("date", date(2026, 3, 9))
    assert a.number in str(info.value) and "2026-03-10" in str(info.value)
    same_day = book.docs.issue(_draft(book, date(2026, 3, 10)).id)
    assert same_day.number == "INV-2026-00002"  # the refusal used no number
    quote = book.docs.issue(book.docs.create("quote", book.acme.id, date(2026, 1, 5),
                                             [line("Q", 1, "1", Tax.zero())]).id)
    assert quote.number == "QUO-2026-00001"  # another series
    # another period: December's invoice after January's, in the 2025 series
    assert book.docs.issue(_draft(book, date(2025, 12, 31)).id).number == "INV-2025-00001"
    book.docs.configure(numbers_in_date_order=False)  # the explicit opt-out
    assert book.docs.issue(late.id).number == "INV-2026-00003"
    book.docs.configure(numbers_in_date_order=True)  # from the number before: 9 March
    info = unchanged(book.bo, ValidationError, book.docs.issue,
                     _draft(book, date(2026, 3, 8)).id)
    assert info.value.field == "date" and "INV-2026-00003" in str(info.value)
    info = unchanged(book.bo, ValidationError, book.docs.configure, numbers_in_date_order=1)
    assert (info.value.field, info.value.value) == ("numbers_in_date_order", 1)
    info = unchanged(book.bo, ValidationError, book.docs.configure,
                     payment_numbers_in_date_order="yes")
    assert (info.value.field, info.value.value) == ("payment_numbers_in_date_order", "yes")


def test_date_order_of_a_pattern_without_a_period_and_of_fiscal_years(book: Any) -> None:
    """``N{seq}`` never restarts, so its dates are ordered across years; ``{fy}`` orders
    within each fiscal year (FY2026/27 runs from April to March)."""
    book.docs.configure(patterns={"sales_invoice": "N{seq}"})
    book.docs.issue(_draft(book, date(2027, 1, 2)).id)
    with pytest.raises(ValidationError) as info:
        book.docs.issue(_draft(book, date(2026, 12, 30)).id)
    assert info.value.field == "date"
    book.bo.ledger.add_fiscal_year(FiscalYear.monthly("FY2026/27", date(2026, 4, 1)))
    book.bo.ledger.add_fiscal_year(FiscalYear.monthly("FY2025/26", date(2025, 4, 1)))
    book.docs.configure(patterns={"credit_note": "{fy}-CN-{seq}"})
    note = book.docs.create  # credit notes of no invoice, numbered by fiscal year

    def issue(day: date) -> str:
        return str(book.docs.issue(note("credit_note", book.acme.id, day, [
            line("A", 1, "1.00", Tax.zero())]).id).number)

    assert issue(date(2026, 5, 1)) == "FY2026/27-CN-1"
    assert issue(date(2026, 3, 31)) == "FY2025/26-CN-1"  # the year before: its own series
    with pytest.raises(ValidationError):
        issue(date(2026, 4, 30))


def test_concurrent_issues_keep_the_date_order(book: Any) -> None:
    """Threads issuing documents of many dates at once: whatever gets refused, the numbers
    given are gapless and their dates never go down."""
    drafts = [_draft(book, date(2026, 2, 1 + (i * 7) % 27)) for i in range(24)]
    issued: list[Any] = []
    lock = threading.Lock()
    barrier = threading.Barrier(len(drafts))

    def run(doc_id: str) -> None:
        barrier.wait()
        try:
            doc = book.docs.issue(doc_id)
        except ValidationError as err:
            assert err.field == "date"
            return
        with lock:
            issued.append(doc)

    threads = [threading.Thread(target=run, args=(d.id,)) for d in drafts]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    issued.sort(key=lambda d: d.number)
    assert [d.number for d in issued] == [f"INV-2026-{i:05}" for i in range(1, len(issued) + 1)]
    assert [d.date for d in issued] == sorted(d.date for d in issued)
