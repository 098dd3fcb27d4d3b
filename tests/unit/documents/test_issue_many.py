"""``issue_many``: the same book as ``issue`` one by one, all or none, errors naming the document.

Two books built alike (fixed clock, sequential ids) take the same drafts; one issues
them one by one, the other in one ``issue_many`` call. Everything observable must be
equal: documents (numbers, states, audit trail, versions), ledger entries (ids, hashes,
idempotency keys), balances per account and per party, allocations and hand-overs.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest

from backoffice_core.documents import AllowanceCharge, DocumentState, Tax, line
from backoffice_core.errors import (
    LimitExceededError,
    NotFoundError,
    PeriodClosedError,
    ValidationError,
)
from backoffice_core.ledger import FiscalYear
from backoffice_core.money import Money

S = DocumentState


def _drafts(book: Any) -> list[str]:
    """Drafts of every kind, some plain, some needing the one-at-a-time steps."""
    docs = book.docs
    limited = docs.create_party("Limited Ltd", credit_limit=Money("1000.00", "USD"))
    earlier = docs.issue(docs.create_invoice(book.acme.id, date(2026, 1, 3), [
        line("Chair", 4, "50.00", Tax.standard(20))]).id)
    order = docs.issue(docs.create("sales_order", book.acme.id, date(2026, 1, 4), [
        line("Desk", 2, "300.00", Tax.standard(20), item_id="DESK-1")]).id)
    po = docs.issue(docs.create("purchase_order", book.paperco.id, date(2026, 1, 4), [
        line("Paper", 10, "4.00", Tax.standard(20), item_id="PAPER")]).id)
    ids = [
        docs.create_invoice(book.acme.id, date(2026, 1, 5), [
            line("Widget", 3, "19.99", Tax.standard(20), discount=5),
            line("Any", 2, "12.50", Tax.reduced(7))],
            allowances_charges=[AllowanceCharge.charge("4.90", reason="Freight",
                                                       tax=Tax.standard(20))]).id,
        docs.create_invoice(book.acme.id, date(2026, 1, 9), [
            line("Consulting", 5, "120.00", Tax.standard(19))], currency="EUR").id,
        docs.credit(earlier.id, {"1": 1}, reason="one returned", date=date(2026, 1, 10)).id,
        docs.create_bill(book.paperco.id, date(2026, 1, 11), [
            line("Rent", 1, "800.00", Tax.zero(), account="6200")], external_number="R-1").id,
        docs.create("quote", book.acme.id, date(2026, 1, 12), [
            line("Design", 10, "80.00", Tax.standard(20))]).id,
        docs.convert(order.id, "delivery_note", date=date(2026, 1, 13)).id,
        docs.create_invoice(book.acme.id, date(2026, 1, 14), [
            line("Bike", 1, "100.00", Tax.zero()),
            line("Trade-in", -1, "40.00", Tax.zero(), account="4110")]).id,
        docs.create_invoice(limited.id, date(2026, 1, 15), [
            line("Parts", 1, "400.00", Tax.standard(20))]).id,
        docs.convert(order.id, "sales_invoice", date=date(2026, 1, 16)).id,
        docs.create_invoice(limited.id, date(2026, 1, 17), [
            line("Parts", 1, "300.00", Tax.standard(20))]).id,
        docs.convert(po.id, "goods_receipt", {"1": 10}, date=date(2026, 1, 18)).id,
        docs.create_invoice(book.acme.id, date(2026, 1, 19), [
            line("Gross", 2, "11.90", Tax.standard(19), price_includes_tax=True)]).id,
    ]
    return ids


@pytest.fixture
def pair(make_book: Callable[..., Any]) -> tuple[Any, Any, list[str]]:
    one, many = make_book(), make_book()
    ids = _drafts(one)
    assert _drafts(many) == ids
    return one, many, ids


def test_issue_many_equals_issue_one_by_one(pair: tuple[Any, Any, list[str]],
                                           observe: Any) -> None:
    one, many, ids = pair
    singly = [one.docs.issue(d, user="ann", reason="run") for d in ids]
    together = many.docs.issue_many(ids, user="ann", reason="run")
    assert together == singly
    assert observe(many.bo) == observe(one.bo)
    assert many.bo.ledger.verify().ok
    got = {d.id: d for d in together}
    assert [got[d].number for d in ids[:2]] == ["INV-2026-00002", "INV-2026-00003"]
    assert got[ids[2]].number == "CN-2026-00001" and got[ids[2]].state is S.PAID  # applied
    assert got[ids[8]].state is S.ISSUED and many.docs.handovers(ids[5])
    order = many.docs.find(type="sales_order")[0]
    assert order.state is S.COMPLETED  # delivered and invoiced in full within the batch
    keys = {e.idempotency_key for e in many.bo.ledger.entries()}
    assert {f"documents:issue:{d.id}" for d in together if d.type.is_financial} <= keys
    assert [t.action for t in got[ids[0]].history] == ["create", "issue"]


def test_a_refused_document_in_the_middle_changes_nothing(
        pair: tuple[Any, Any, list[str]], unchanged: Any) -> None:
    _, many, ids = pair
    issued = many.docs.issue(ids[4])  # the quote, listed again below
    batch = [*ids[:4], issued.id, *ids[5:]]
    info = unchanged(many.bo, ValidationError, many.docs.issue_many, batch)
    assert info.value.field == "document_ids[4].state" and info.value.value == "issued"
    with many.bo.unit_of_work() as uow:  # no gap: the reserved numbers went back
        counters = uow.documents  # type: ignore[attr-defined]
        assert [counters.next_number(series, "2026") for series in (
            "sales_invoice", "credit_note", "supplier_bill", "delivery_note")] == [2, 1, 1, 1]


def test_the_credit_limit_counts_the_documents_before_in_the_batch(
        book: Any, unchanged: Any) -> None:
    book.docs.update_party(book.acme.id, version=0, credit_limit=Money("1000.00", "USD"))
    book.docs.issue(book.docs.create_invoice(book.acme.id, date(2026, 1, 2), [
        line("A", 1, "250.00", Tax.zero())]).id)
    drafts = [book.docs.create_invoice(book.acme.id, date(2026, 1, 5 + i), [
        line("B", 1, "300.00", Tax.zero())]).id for i in range(3)]
    info = unchanged(book.bo, LimitExceededError, book.docs.issue_many, drafts)
    assert info.value.field == "document_ids[2].credit_limit"  # 250 + 300 + 300 + 300
    assert [d.number for d in book.docs.issue_many(drafts[:2])] == [
        "INV-2026-00002", "INV-2026-00003"]
    one_by_one = unchanged(book.bo, LimitExceededError, book.docs.issue, drafts[2])
    assert one_by_one.value.field == "credit_limit"


def test_a_ledger_refusal_names_the_document(book: Any, unchanged: Any) -> None:
    book.bo.ledger.add_fiscal_year(FiscalYear.monthly("FY2026", date(2026, 1, 1)))
    book.bo.ledger.close_period("FY2026", "2026-01")
    book.docs.configure(numbers_in_date_order=False)  # the ledger refuses, not the series
    drafts = [book.docs.create_invoice(book.acme.id, day, [line("A", 1, "10.00", Tax.zero())]).id
              for day in (date(2026, 2, 2), date(2026, 2, 3), date(2026, 1, 30))]
    info = unchanged(book.bo, PeriodClosedError, book.docs.issue_many, drafts)
    assert info.value.field is not None and info.value.field.startswith("document_ids[2].")
    assert [d.number for d in book.docs.issue_many(drafts[:2])] == [
        "INV-2026-00001", "INV-2026-00002"]


def test_bad_lists_are_refused_and_change_nothing(book: Any, unchanged: Any) -> None:
    d = book.docs.create_invoice(book.acme.id, date(2026, 1, 5), [line("A", 1, "1", Tax.zero())])
    for ids, error, field in (([d.id, d.id], ValidationError, "document_ids[1]"),
                              ([d.id, "nope"], NotFoundError, "document_ids[1]"),
                              ([d.id, 7], ValidationError, "document_ids[1]")):
        info = unchanged(book.bo, error, book.docs.issue_many, ids)
        assert info.value.field == field
    info = unchanged(book.bo, ValidationError, book.docs.issue_many, d.id)
    assert info.value.field == "document_ids"
    assert book.docs.issue_many([]) == []
    assert book.docs.issue_many((d.id,))[0].number == "INV-2026-00001"


def test_numbers_follow_the_list_order_per_series_and_year(book: Any) -> None:
    docs = book.docs
    docs.configure(numbers_in_date_order=False)  # the order of issue, whatever the dates
    specs = [("sales_invoice", date(2026, 12, 30)), ("quote", date(2026, 3, 1)),
             ("sales_invoice", date(2027, 1, 2)), ("sales_invoice", date(2026, 1, 2)),
             ("quote", date(2026, 2, 1))]
    ids = [docs.create(kind, book.acme.id, day, [line("A", 1, "1.00", Tax.zero())]).id
           for kind, day in specs]
    assert [d.number for d in docs.issue_many(ids)] == [
        "INV-2026-00001", "QUO-2026-00001", "INV-2027-00001", "INV-2026-00002",
        "QUO-2026-00002"]


def test_a_date_before_the_series_last_is_refused_in_its_place(book: Any,
                                                              unchanged: Any) -> None:
    """By default a series numbers its documents in date order, within the batch as
    against what is stored: the first document dated before the last numbered of its
    series and period is refused, named, and nothing is issued (no number used)."""
    docs = book.docs
    docs.issue(docs.create_invoice(book.acme.id, date(2026, 1, 10), [
        line("A", 1, "1.00", Tax.zero())]).id)
    specs = [("sales_invoice", date(2026, 1, 12)), ("quote", date(2026, 1, 2)),
             ("sales_invoice", date(2027, 1, 2)), ("sales_invoice", date(2026, 1, 11)),
             ("sales_invoice", date(2026, 1, 12)), ("sales_invoice", date(2026, 1, 9))]
    ids = [docs.create(kind, book.acme.id, day, [line("A", 1, "1.00", Tax.zero())]).id
           for kind, day in specs]
    info = unchanged(book.bo, ValidationError, docs.issue_many, ids)
    assert (info.value.field, info.value.value) == ("document_ids[3].date", date(2026, 1, 11))
    assert "INV-2026-00002" in str(info.value)  # the one dated 2026-01-12, given before
    done = docs.issue_many(ids[:3] + ids[4:5])
    assert [d.number for d in done] == [
        "INV-2026-00002", "QUO-2026-00001", "INV-2027-00001", "INV-2026-00003"]
    info = unchanged(book.bo, ValidationError, docs.issue_many, [ids[5]])
    assert (info.value.field, info.value.value) == ("document_ids[0].date", date(2026, 1, 9))


def test_a_correction_in_the_batch_frees_credit_for_the_documents_after_it(
        make_book: Callable[..., Any], observe: Any) -> None:
    def prepare(book: Any) -> list[str]:
        docs = book.docs
        docs.update_party(book.acme.id, version=0, credit_limit=Money("1000.00", "USD"))
        old = docs.issue(docs.create_invoice(book.acme.id, date(2026, 1, 2), [
            line("A", 2, "300.00", Tax.zero())]).id)  # owes 600
        return [docs.create_invoice(book.acme.id, date(2026, 1, 3), [
                    line("B", 1, "100.00", Tax.zero())]).id,  # 700
                docs.credit(old.id, {"1": 1}, date=date(2026, 1, 4)).id,  # 400
                docs.create_invoice(book.acme.id, date(2026, 1, 5), [
                    line("C", 1, "500.00", Tax.zero())]).id]  # 900: within the limit

    one, many = make_book(), make_book()
    ids = prepare(one)
    assert prepare(many) == ids
    singly = [one.docs.issue(d) for d in ids]
    assert many.docs.issue_many(ids) == singly
    assert observe(many.bo) == observe(one.bo)
