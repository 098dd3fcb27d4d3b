"""A typed host application, written as README.md and docs/*.md show the public API.

``test_host_app.py`` runs ``mypy --strict`` on this file (so an ``Any`` that leaks out of
a common call, or a documented name missing from the namespace the docs import it from,
fails the suite) and then runs it on ``memory://`` and SQLite (so it stays true code).
Every ``assert_type`` pins what a typed application gets back; mypy reports ``Any`` where
a type is pinned. Import only what the guides import.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, assert_type

import backoffice_core as bc
from backoffice_core.documents import Document, Party, Payment, PaymentTerms, Tax, TaxId, line
from backoffice_core.errors import InsufficientStockError, NotFoundError, ValidationError
from backoffice_core.inventory import Item, Move
from backoffice_core.ledger import Account


def open_books(url: str) -> bc.Backoffice:
    """A book with a fixed clock and ids, set up with the generic chart in USD."""
    clock = bc.FixedClock(datetime(2026, 3, 31, 9, 0, tzinfo=UTC))
    bo = bc.Backoffice.open(url, book="shop", clock=clock, ids=bc.SequentialIds("id"))
    bo.ledger.setup("Corner Shop Ltd", currency="USD", chart="generic")
    fy = bo.ledger.add_fiscal_year(bc.FiscalYear.monthly("FY2026", date(2026, 1, 1)))
    assert_type(fy, bc.FiscalYear)
    return bo


def ledger_part(bo: bc.Backoffice) -> Decimal:
    """Post with an idempotency key, read balances and reports, reverse."""
    entry = bc.NewEntry(date(2026, 1, 5), "Owner invests",
                        [bc.debit("1120", "5000.00"), bc.credit("3100", "5000.00")],
                        idempotency_key="capital-1")
    first = bo.ledger.post(entry)
    assert_type(first, bc.PostResult)
    assert_type(first.entry, bc.JournalEntry)
    again = bo.ledger.post(entry)
    assert first.created and not again.created and again.entry.id == first.entry.id
    balance = assert_type(bo.ledger.balance("1120"), bc.Money)
    assert_type(bo.ledger.balance("1120", as_of=date(2026, 1, 4)), bc.Money)
    assert_type(bo.ledger.account("1120"), Account)
    assert_type(bo.ledger.role("inventory"), str)
    assert_type(bo.ledger.entries(), list[bc.JournalEntry])
    trial = bo.ledger.reports.trial_balance()
    assert_type(trial.is_balanced, bool)
    assert_type(trial.render("en_US"), str)
    undo = bo.ledger.reverse(first.entry.id, on=date(2026, 1, 8))
    assert_type(undo, bc.PostResult)
    assert bo.ledger.verify().ok
    return balance.amount


def inventory_part(bo: bc.Backoffice) -> None:
    """Items, moves, on hand, valuation; a typed error caught."""
    inv = bo.inventory
    inv.create_location("WH", "Main warehouse", kind="warehouse")
    assert_type(inv.create_item("MUG", "Coffee mug", category="Kitchen"), Item)
    received = inv.receive("MUG", 10, location="WH", unit_cost="2.00", on=date(2026, 2, 2))
    assert_type(received, Move)
    inv.deliver("MUG", 3, location="WH", on=date(2026, 2, 10), reference="SO-1")
    assert_type(inv.on_hand("MUG"), Decimal)
    assert_type(inv.on_hand("MUG", "WH", as_of=date(2026, 2, 4)), Decimal)
    assert_type(inv.value("MUG"), bc.Money)
    assert_type(inv.valuation().row("MUG").value, Decimal)
    assert_type(inv.reconcile().agrees, bool)
    assert_type(inv.items(), list[Item])
    try:
        inv.deliver("MUG", 100, location="WH", on=date(2026, 2, 11))
    except InsufficientStockError as e:
        assert_type(e.field, str | None)
        assert_type(e.value, object)
        assert_type(e.wanted, Decimal | None)
        assert_type(e.available, Decimal | None)
        assert e.wanted == 100 and e.available == 7
    else:
        raise AssertionError("delivered more than on hand")
    try:
        inv.item("NOPE")
    except NotFoundError as e:
        assert e.value == "NOPE"


def documents_part(bo: bc.Backoffice) -> None:
    """A party, an invoice issued and paid in part, a credit note, aging."""
    docs = bo.documents
    bo.ledger.set_rate("EUR", "USD", date(2026, 1, 1), "1.0850")
    acme = docs.create_party("Acme GmbH", code="C-001", currency="EUR",
                             tax_ids=[TaxId("VAT", "DE 123 456 789")],
                             payment_terms=PaymentTerms.net(30))
    assert_type(acme, Party)
    assert_type(docs.parties(), list[Party])
    draft = docs.create_invoice(acme.id, date(2026, 1, 10),
                                [line("Chair", 2, "150.00", Tax.standard(19))])
    invoice = assert_type(docs.issue(draft.id, user="sam"), Document)
    assert invoice.totals is not None
    assert_type(invoice.totals.amount_due, bc.Money)
    assert_type(invoice.number, str | None)
    paid = docs.record_payment(acme.id, bc.Money("100.00", "EUR"), date(2026, 1, 20),
                               allocate_to=[invoice.id])
    assert_type(paid, Payment)
    note = docs.issue(docs.credit(invoice.id, {invoice.lines[0].id: 1}).id)
    assert note.number is not None
    assert_type(docs.by_number("credit_note", note.number), Document)
    assert_type(docs.aging(date(2026, 3, 1)).total("EUR"), bc.Money)
    try:
        docs.create_party("Acme\x00GmbH")
    except ValidationError as e:
        assert_type(e.errors, list[tuple[str, object, str]])
        assert e.field == "legal_name"


def namespace() -> None:
    """The subpackages are typed without importing them; a misspelt name is an error."""
    assert_type(bc.inventory.Item, type[Item])
    assert_type(bc.documents.Document, type[Document])
    assert_type(bc.allocate(bc.Money("1.00", "USD"), 3), list[bc.Money])
    price = bc.Money("10.00", "USD")
    assert_type(price / 4, bc.Money)
    assert_type(price / bc.Money("2.50", "USD"), Decimal)
    assert price / 4 == bc.Money("2.50", "USD") and price / bc.Money("2.50", "USD") == 4
    assert_type(bc.SystemClock().today(), date)
    assert not hasattr(bc, "Mony")
    if TYPE_CHECKING:  # checked, never run: the ignore is needed (an unused one fails)
        bc.Mony  # type: ignore[attr-defined]  # noqa: B018


def run(url: str) -> None:
    """The whole app on one store."""
    bo = open_books(url)
    assert ledger_part(bo) == Decimal("5000.00")
    inventory_part(bo)
    documents_part(bo)
