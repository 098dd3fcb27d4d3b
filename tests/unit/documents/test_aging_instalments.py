"""Aging by instalment: a document payable in instalments is aged per instalment, each on
its own due date; what was settled is taken from the earliest instalments first."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

import backoffice_core as bc
from backoffice_core.documents import PaymentTerms, Tax, line
from backoffice_core.money import Money

JAN5 = date(2026, 1, 5)
HALVES = PaymentTerms.split((50, 30), (50, 60))  # due 2026-02-04 and 2026-03-06


def usd(v: str) -> Money:
    return Money(v, "USD")


def _invoice(docs: Any, party_id: str, net: str = "100.00", terms: PaymentTerms = HALVES,
             **kw: Any) -> Any:
    return docs.issue(docs.create_invoice(party_id, JAN5, [line("Work", 1, net, Tax.zero())],
                                          payment_terms=terms, **kw).id)


def test_each_instalment_is_aged_on_its_own_due_date(book: Any) -> None:
    inv = _invoice(book.docs, book.acme.id)
    assert inv.due_date == date(2026, 3, 6)  # BT-9: the last instalment's
    report = book.docs.aging(date(2026, 2, 19))  # the first half is 15 days overdue
    row = report.rows[0]
    assert row.buckets == (usd("50.00"), usd("50.00"), usd("0.00"), usd("0.00"),
                           usd("0.00"))
    assert row.total == usd("100.00")
    assert [(i.due_date, i.amount, i.days_overdue) for i in report.items] == [
        (date(2026, 2, 4), usd("50.00"), 15), (date(2026, 3, 6), usd("50.00"), -15)]
    overdue = book.docs.overdue(date(2026, 2, 19))
    assert [(o.document_id, o.due_date, o.open_amount) for o in overdue] == [
        (inv.id, date(2026, 2, 4), usd("50.00"))]


def test_a_part_payment_settles_the_earliest_instalment_first(book: Any) -> None:
    inv = _invoice(book.docs, book.acme.id)
    book.docs.record_payment(book.acme.id, usd("70.00"), date(2026, 2, 10),
                             allocate_to=[inv.id])
    later = book.docs.aging(date(2026, 3, 20))
    assert [(i.due_date, i.amount) for i in later.items] == [(date(2026, 3, 6), usd("30.00"))]
    assert later.rows[0].buckets[1] == usd("30.00")
    # before the payment, the whole schedule is open again
    before = book.docs.aging(date(2026, 2, 9))
    assert [(i.due_date, i.amount) for i in before.items] == [
        (date(2026, 2, 4), usd("50.00")), (date(2026, 3, 6), usd("50.00"))]
    # a payment short of the first instalment leaves part of it open
    inv2 = _invoice(book.docs, book.acme.id, net="10.00")
    book.docs.record_payment(book.acme.id, usd("2.00"), date(2026, 2, 10),
                             allocate_to=[inv2.id])
    items = [i for i in book.docs.aging(date(2026, 2, 10)).items if i.item_id == inv2.id]
    assert [(i.due_date, i.amount) for i in items] == [
        (date(2026, 2, 4), usd("3.00")), (date(2026, 3, 6), usd("5.00"))]


def test_a_foreign_currency_document_splits_its_functional_amount_exactly(book: Any) -> None:
    book.bo.ledger.set_rate("EUR", "USD", JAN5, "1.0853")
    inv = _invoice(book.docs, book.acme.id, net="100.01", currency="EUR",
                   terms=PaymentTerms.split((30, 14), (30, 30), (40, 60)))
    items = book.docs.aging(date(2026, 3, 31)).items
    # the schedule splits exactly (the remainder goes to the largest share)
    assert [str(i.amount.amount) for i in items] == ["30.00", "30.00", "40.01"]
    assert sum((i.functional for i in items), usd("0")) == inv.open_functional
    assert book.docs.aging(date(2026, 3, 31)).total("EUR") == Money("100.01", "EUR")


def test_an_explicit_due_date_ages_the_document_as_one_item(book: Any) -> None:
    """The document's own due date (BT-9) differs from its terms': it wins, as printed."""
    inv = _invoice(book.docs, book.acme.id, due_date=date(2026, 1, 20))
    items = book.docs.aging(date(2026, 2, 19)).items
    assert [(i.item_id, i.due_date, i.amount) for i in items] == [
        (inv.id, date(2026, 1, 20), usd("100.00"))]


def test_every_store_ages_instalments_alike(book: Any, tmp_path: Path) -> None:
    sql = bc.Backoffice.open(f"sqlite:///{tmp_path / 'aging.db'}",
                             clock=bc.FixedClock(book.bo.clock.now()),
                             ids=bc.SequentialIds("s"))
    sql.ledger.setup("Acme Books", currency="USD", chart="generic")
    results = []
    for bo in (book.bo, sql):
        docs = bo.documents
        party = book.acme if bo is book.bo else docs.create_party("Acme GmbH")
        inv = _invoice(docs, party.id)
        docs.record_payment(party.id, usd("20.00"), date(2026, 2, 1), allocate_to=[inv.id])
        results.append([(i.due_date, i.amount, i.functional, i.days_overdue)
                        for i in docs.aging(date(2026, 2, 19)).items])
    assert results[0] == results[1] == [
        (date(2026, 2, 4), usd("30.00"), usd("30.00"), 15),
        (date(2026, 3, 6), usd("50.00"), usd("50.00"), -15)]


@pytest.mark.parametrize(("open_", "expected"), [
    ("100.00", ["50.00", "50.00"]), ("50.00", ["50.00"]), ("0.01", ["0.01"]),
    ("99.99", ["49.99", "50.00"])])
def test_open_instalments_takes_settled_amounts_from_the_earliest(
        open_: str, expected: list[str]) -> None:
    from backoffice_core.documents.aging import open_instalments
    plan = [(date(2026, 2, 4), usd("50.00")), (date(2026, 3, 6), usd("50.00"))]
    parts = open_instalments(plan, usd(open_))
    assert parts is not None and [str(m.amount) for _, m in parts] == expected
    assert sum((m for _, m in parts), usd("0")) == usd(open_)


@pytest.mark.parametrize("open_", [usd("100.01"), usd("-5.00"), Money("10.00", "EUR")])
def test_open_instalments_gives_none_when_the_amount_does_not_fit(open_: Money) -> None:
    from backoffice_core.documents.aging import open_instalments
    plan = [(date(2026, 2, 4), usd("50.00")), (date(2026, 3, 6), usd("50.00"))]
    assert open_instalments(plan, open_) is None
