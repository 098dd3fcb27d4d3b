"""Read filters alike in every domain, on memory:// and SQLite.

A read filter that names an account, item, lot, party or document the book does not
have raises ``NotFoundError`` naming the filter's field and value (as the lookups do:
``balance_detail``, ``stock(sku=)``, ``statement``), instead of answering ``[]`` as if
nothing had happened; an archived one is found. A date range that ends before it starts
is refused with a ``ValidationError`` naming ``end`` (as the ledger's reports refuse it),
instead of reading as an empty range.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

import backoffice_core as bc
from backoffice_core.documents import DocumentQuery, Tax, line
from backoffice_core.errors import NotFoundError, ValidationError
from backoffice_core.ports import FixedClock, SequentialIds

JAN9, JAN1 = date(2026, 1, 9), date(2026, 1, 1)


@pytest.fixture(params=["memory", "sqlite"])
def book(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[bc.Backoffice]:
    """A EUR book with a posted entry, a lot-tracked item, a party and an issued invoice
    with a payment against it, on both adapters."""
    url = "memory://" if request.param == "memory" else f"sqlite:///{tmp_path / 'rf.db'}"
    bo = bc.Backoffice.open(url, clock=FixedClock(datetime(2026, 1, 31, tzinfo=UTC)),
                            ids=SequentialIds("rf"))
    bo.ledger.setup("RF", currency="EUR", chart="generic")
    bo.ledger.post(bc.NewEntry(date(2026, 1, 5), "Sale",
                               [bc.debit("1110", "10.00"), bc.credit("4100", "10.00")]))
    inv = bo.inventory
    inv.create_location("WH", "Warehouse", kind="warehouse")
    inv.create_item("MILK", "Milk", tracking="lot")
    inv.receive("MILK", 5, location="WH", unit_cost=1, lot="L1", on=date(2026, 1, 5))
    docs = bo.documents
    party = docs.create_party("Acme")
    invoice = docs.issue(docs.create_invoice(party.id, date(2026, 1, 5),
                                             [line("A", 1, "10.00", Tax.zero())]).id)
    docs.record_payment(party.id, bc.Money("4.00", "EUR"), date(2026, 1, 6),
                        allocate_to=[invoice.id])
    yield bo
    close = getattr(bo, "close", None)
    if close is not None:
        close()


def _missing(call: Callable[[], Any], field: str, value: str) -> None:
    with pytest.raises(NotFoundError) as info:
        call()
    assert (info.value.field, info.value.value) == (field, value)


def _empty_range(call: Callable[[date, date], Any]) -> None:
    with pytest.raises(ValidationError) as info:
        call(JAN9, JAN1)
    assert (info.value.field, info.value.value) == ("end", JAN1)


# ---------------------------------------------------------------------------- ledger
def test_ledger_entries_of_an_unknown_account_is_not_found(book: bc.Backoffice) -> None:
    _missing(lambda: book.ledger.entries(account="9999"), "account", "9999")
    assert [e.description for e in book.ledger.entries(account="1110")] == ["Sale"]


def test_ledger_entries_of_an_archived_account_are_its_history(book: bc.Backoffice) -> None:
    book.ledger.post(bc.NewEntry(date(2026, 1, 7), "Fee",
                                 [bc.debit("1120", "3.00"), bc.credit("4110", "3.00")]))
    book.ledger.archive_account("4110")
    assert [e.description for e in book.ledger.entries(account="4110")] == ["Fee"]


def test_ledger_entries_refuse_an_empty_date_range(book: bc.Backoffice) -> None:
    _empty_range(lambda s, e: book.ledger.entries(s, e))
    _empty_range(lambda s, e: book.ledger.reports.general_ledger("1110", s, e))
    assert len(book.ledger.entries(JAN1, JAN1)) == 0  # one day is a range


# ---------------------------------------------------------------------------- inventory
def test_inventory_moves_of_an_unknown_item_is_not_found(book: bc.Backoffice) -> None:
    _missing(lambda: book.inventory.moves("NOPE"), "sku", "NOPE")
    assert [m.quantity for m in book.inventory.moves(" MILK")] == [5]  # (kept stripped)


def test_inventory_moves_refuse_an_empty_date_range(book: bc.Backoffice) -> None:
    _empty_range(lambda s, e: book.inventory.moves(start=s, end=e))
    _empty_range(lambda s, e: book.inventory.moves("MILK", start=s, end=e))


def test_inventory_on_hand_of_an_unknown_lot_is_not_found(book: bc.Backoffice) -> None:
    _missing(lambda: book.inventory.on_hand("MILK", lot="L9"), "lot", "L9")
    assert book.inventory.on_hand("MILK", lot=" L1") == 5


# ---------------------------------------------------------------------------- documents
def test_documents_find_by_an_unknown_party_or_source_is_not_found(
        book: bc.Backoffice) -> None:
    docs = book.documents
    _missing(lambda: docs.find(party_id="NOPE"), "party_id", "NOPE")
    _missing(lambda: docs.find(source_id="NOPE"), "source_id", "NOPE")
    party = docs.parties()[0]
    assert len(docs.find(party_id=party.id)) == 1
    assert docs.find(source_id=docs.find()[0].id) == []  # known, referenced by none


def test_documents_of_an_archived_party_are_found(book: bc.Backoffice) -> None:
    docs = book.documents
    party = docs.parties()[0]
    docs.update_party(party.id, version=party.version, archived=True)
    assert len(docs.find(party_id=party.id)) == 1
    assert len(docs.payments(party.id)) == 1


def test_documents_find_refuses_an_empty_date_range(book: bc.Backoffice) -> None:
    _empty_range(lambda s, e: book.documents.find(start=s, end=e))
    _empty_range(lambda s, e: DocumentQuery(start=s, end=e))
    party = book.documents.parties()[0]
    _empty_range(lambda s, e: book.documents.statement(party.id, s, e))


def test_documents_payments_allocations_and_handovers_of_unknown_ids_are_not_found(
        book: bc.Backoffice) -> None:
    docs = book.documents
    _missing(lambda: docs.payments("NOPE"), "party_id", "NOPE")
    _missing(lambda: docs.allocations("NOPE"), "item_id", "NOPE")
    _missing(lambda: docs.handovers("NOPE"), "document_id", "NOPE")
    invoice, payment = docs.find()[0], docs.payments()[0]
    assert len(docs.allocations(invoice.id)) == len(docs.allocations(payment.id)) == 1
    assert docs.handovers(invoice.id) == []


def test_three_way_match_of_an_unknown_order_names_its_argument(book: bc.Backoffice) -> None:
    """It named ``document_id``, which the call has no argument of."""
    _missing(lambda: book.documents.three_way_match("NOPE"), "purchase_order_id", "NOPE")
