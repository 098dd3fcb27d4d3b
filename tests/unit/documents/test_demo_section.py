"""The demo company's documents: the chain, the payments, the aging; a re-run posts nothing."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

import backoffice_core as bc
from backoffice_core.demo import LOCALES, PROFILES, run_demo
from backoffice_core.money import RoundingPolicy, minor_digits


@pytest.mark.parametrize("locale", LOCALES)
def test_the_demo_documents_reconcile_and_show_in_the_text(locale: str) -> None:
    result = run_demo(locale)
    docs = result.documents
    assert docs is not None
    assert docs.numbers["quotes"] == ("QUO-2026-00001",)
    assert docs.numbers["credit_notes"] == ("CN-2026-00001",)
    assert len(docs.numbers["invoices"]) == 4 and len(docs.numbers["payments"]) == 3
    # the early payer (2% within 10 days) is settled in full, the discount booked
    assert sum("INV-2026-00004" in ln for ln in docs.text.splitlines()) == 1
    p = PROFILES[locale]
    # the export invoice: 10 hours at 120.00 in the foreign currency, booked at the booking
    # rate and paid at the closing rate
    digits = minor_digits(p.currency)
    booked = RoundingPolicy.HALF_UP.quantize(Decimal("1200.00") * p.booking_rate, digits)
    paid = RoundingPolicy.HALF_UP.quantize(Decimal("1200.00") * p.closing_rate, digits)
    assert docs.fx_difference == paid - booked
    assert docs.text in result.text
    # what is still open: the first invoice less the returned chair and the partial
    # payment, and the whole second invoice (the export invoice is paid)
    open_docs = [(o.number, o.open_amount) for o in docs.overdue]
    assert [n for n, _ in open_docs] == ["INV-2026-00001", "INV-2026-00003"]
    assert docs.aging.total(p.currency) == sum((m for _, m in open_docs),
                                               docs.aging.total(p.currency) * 0)


def test_a_second_run_on_the_same_store_posts_no_documents() -> None:
    bo = bc.Backoffice.open("memory://", book="demo",
                            clock=bc.FixedClock(datetime(2026, 1, 31, tzinfo=UTC)),
                            ids=bc.SequentialIds("je"))
    first = run_demo("en_US", backoffice=bo)
    book = bo.with_book("demo_docs")
    size = len(book.ledger.entries())
    second = run_demo("en_US", backoffice=bo)
    assert len(book.ledger.entries()) == size
    assert first.documents is not None and second.documents is not None
    assert second.documents.text == first.documents.text
    aging = second.documents.aging
    assert aging.total("USD") == book.ledger.balance("1140", "USD", as_of=date(2026, 1, 31))
    assert book.ledger.verify().ok
    # the cash discount: 2% of 960.00 = 19.20, of which 16.00 net to sales discounts and
    # 3.20 back off output VAT (20%)
    cash = book.documents.by_number("sales_invoice", "INV-2026-00004")
    assert cash.state.value == "paid"
    assert book.ledger.balance(book.ledger.settings().roles["sales_discounts"]) == \
        bc.Money("16.00", "USD")
