"""SQL adapter: an early-payment discount is stored and read back like any allocation.

The discount needs no storage change: the allocation (a write-off whose reason says
"cash discount"), the document's terms and trail, and the entry round-trip through the
SQL store, and the aging reconciles with the receivables account afterwards.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import attrs

import backoffice_core as bc
from backoffice_core.documents import (
    AllowanceCharge,
    DocumentState,
    EarlyPaymentDiscount,
    PaymentTerms,
    Tax,
    line,
)
from backoffice_core.money import Money

AT = datetime(2026, 1, 31, 12, 0, tzinfo=UTC)


def usd(v: str) -> Money:
    return Money(v, "USD")


def test_cash_discount_round_trips_and_aging_reconciles(url: str) -> None:
    bo = bc.Backoffice.open(url, book="acme", clock=bc.FixedClock(AT),
                            ids=bc.SequentialIds("e"))
    bo.ledger.setup("Acme GmbH", currency="USD", chart="generic")
    docs = bo.documents
    acme = docs.create_party("Acme Corp")
    terms = PaymentTerms.net(30, discount=EarlyPaymentDiscount(2, 10))
    inv = docs.issue(docs.create_invoice(acme.id, date(2026, 1, 10), [
        line("Goods", 1, "100.00", Tax.standard(19)),
        line("Books", 1, "50.00", Tax.standard(7))], payment_terms=terms).id)
    other = docs.issue(docs.create_invoice(acme.id, date(2026, 1, 10), [
        line("Goods", 1, "100.00", Tax.standard(19))], payment_terms=terms).id)
    docs.record_payment(acme.id, usd("169.05"), date(2026, 1, 20), allocate_to=[inv.id])
    docs.take_discount(other.id, on=date(2026, 1, 15))

    again = bc.Backoffice.open(url, book="acme", clock=bc.FixedClock(AT))
    d = again.documents.get(inv.id)
    assert (d.state, d.open_amount) == (DocumentState.PAID, usd("0.00"))
    assert d.payment_terms == terms and d.history[-1].action == "cash_discount"
    disc = [a for a in again.documents.allocations(inv.id) if a.is_cash_discount]
    assert [(a.amount, a.date) for a in disc] == [(usd("3.45"), date(2026, 1, 20))]
    assert again.documents.get(other.id).open_amount == usd("116.62")  # 119.00 - 2.38
    assert again.ledger.balance("4300") == usd("5.00")  # 3.00 + 2.00
    assert again.ledger.balance("2140") == usd("-40.67")  # 22.50 + 19.00 - 0.45 - 0.38
    for day in (date(2026, 1, 14), date(2026, 1, 15), date(2026, 1, 20), date(2026, 1, 31)):
        assert again.documents.aging(day).total("USD") == again.ledger.balance(
            "1140", "USD", as_of=day), day
    assert again.ledger.verify().ok


def test_discount_after_a_credit_note_is_on_what_is_left(url: str) -> None:
    bo = bc.Backoffice.open(url, book="acme", clock=bc.FixedClock(AT),
                            ids=bc.SequentialIds("e"))
    bo.ledger.setup("Acme GmbH", currency="USD", chart="generic")
    docs = bo.documents
    acme = docs.create_party("Acme Corp")
    terms = PaymentTerms.net(30, discount=EarlyPaymentDiscount(2, 10))
    inv = docs.issue(docs.create_invoice(acme.id, date(2026, 1, 10), [
        line("Goods", 2, "100.00", Tax.standard(19))], payment_terms=terms).id)
    docs.issue(docs.credit(inv.id, {inv.lines[0].id: 1}).id)  # 119.00 left
    docs.record_payment(acme.id, usd("116.62"), date(2026, 1, 20), allocate_to=[inv.id])

    again = bc.Backoffice.open(url, book="acme", clock=bc.FixedClock(AT))
    assert again.documents.get(inv.id).state is DocumentState.PAID
    assert [a.amount for a in again.documents.allocations(inv.id) if a.is_cash_discount] == [
        usd("2.38")]
    assert again.documents.aging(date(2026, 1, 31)).total("USD") == again.ledger.balance(
        "1140", "USD")
    assert again.ledger.verify().ok


def test_one_payment_for_a_list_takes_each_discount(url: str) -> None:
    bo = bc.Backoffice.open(url, book="acme", clock=bc.FixedClock(AT),
                            ids=bc.SequentialIds("e"))
    bo.ledger.setup("Acme GmbH", currency="USD", chart="generic")
    docs = bo.documents
    acme = docs.create_party("Acme Corp")
    terms = PaymentTerms.net(30, discount=EarlyPaymentDiscount(2, 10))
    a1, a2 = [docs.issue(docs.create_invoice(acme.id, date(2026, 1, 10), [ln],
                                             payment_terms=terms).id)
              for ln in (line("Goods", 1, "100.00", Tax.standard(19)),
                         line("Books", 1, "50.00", Tax.standard(7)))]
    docs.record_payment(acme.id, usd("169.05"), date(2026, 1, 20), allocate_to=[a1.id, a2.id])

    again = bc.Backoffice.open(url, book="acme", clock=bc.FixedClock(AT))
    assert [again.documents.get(d.id).state for d in (a1, a2)] == [DocumentState.PAID] * 2
    assert [a.amount for d in (a1, a2) for a in again.documents.allocations(d.id)
            if a.is_cash_discount] == [usd("2.38"), usd("1.07")]
    assert again.ledger.balance("1140") == usd("0.00")
    assert again.ledger.verify().ok


def test_credit_notes_after_the_discount_credit_what_was_paid(url: str) -> None:
    """The note's share of the discount (an allowance with its reason code and account)
    is stored and read back, and counts in what is left to credit on a reopened book:
    the last note credits exactly the rest, so the customer is owed what they paid."""
    bo = bc.Backoffice.open(url, book="acme", clock=bc.FixedClock(AT),
                            ids=bc.SequentialIds("e"))
    bo.ledger.setup("Acme GmbH", currency="USD", chart="generic")
    docs = bo.documents
    acme = docs.create_party("Acme Corp")
    terms = PaymentTerms.net(30, discount=EarlyPaymentDiscount(2, 10))
    inv = docs.issue(docs.create_invoice(acme.id, date(2026, 1, 10), [
        line("Goods", 1, "100.00", Tax.standard(19)),
        line("Books", 1, "50.00", Tax.standard(7))], payment_terms=terms).id)
    docs.record_payment(acme.id, usd("169.05"), date(2026, 1, 20), allocate_to=[inv.id])
    books = next(ln for ln in inv.lines if ln.description == "Books")
    first = docs.issue(docs.credit(inv.id, {books.id: 1}).id)

    again = bc.Backoffice.open(url, book="acme", clock=bc.FixedClock(AT),
                               ids=bc.SequentialIds("f"))
    note = again.documents.get(first.id)
    assert note.allowances_charges == first.allowances_charges
    assert [(ac.reason_code, ac.amount, ac.account) for ac in note.allowances_charges] == [
        ("95", first.allowances_charges[0].amount, "4300")]
    assert note.totals is not None and note.totals.to_settle == usd("52.43")
    rest = again.documents.issue(again.documents.credit(inv.id).id)
    assert rest.totals is not None and rest.totals.to_settle == usd("116.62")
    assert [again.ledger.balance(a) for a in ("4300", "2140", "1140")] == [
        usd("0.00"), usd("0.00"), usd("-169.05")]
    assert again.ledger.verify().ok


def test_cancel_after_the_discount_credits_what_was_paid(url: str) -> None:
    """Partly paid (100.00), the discount booked (3.45), then cancelled (dated ``on``):
    the note credits 169.05, closes the 69.05 open and leaves 100.00 due back; every
    account the invoice and the discount touched is back to zero but what was paid."""
    bo = bc.Backoffice.open(url, book="acme", clock=bc.FixedClock(AT),
                            ids=bc.SequentialIds("e"))
    bo.ledger.setup("Acme GmbH", currency="USD", chart="generic")
    docs = bo.documents
    acme = docs.create_party("Acme Corp")
    terms = PaymentTerms.net(30, discount=EarlyPaymentDiscount(2, 10))
    inv = docs.issue(docs.create_invoice(acme.id, date(2026, 1, 10), [
        line("Goods", 1, "100.00", Tax.standard(19)),
        line("Books", 1, "50.00", Tax.standard(7))], payment_terms=terms).id)
    docs.record_payment(acme.id, usd("100.00"), date(2026, 1, 12), allocate_to=[inv.id])
    docs.take_discount(inv.id, on=date(2026, 1, 12))
    docs.cancel(inv.id, on=date(2026, 1, 25))

    again = bc.Backoffice.open(url, book="acme", clock=bc.FixedClock(AT))
    d = again.documents.get(inv.id)
    assert (d.state, d.open_amount) == (DocumentState.CANCELLED, usd("0.00"))
    cn = again.documents.find(type="credit_note")[0]
    assert (cn.date, cn.totals.to_settle, cn.open_amount) == (
        date(2026, 1, 25), usd("169.05"), usd("100.00"))
    ledger = again.ledger
    assert [ledger.balance(a) for a in ("4300", "2140", "1140", "1120")] == [
        usd("0.00"), usd("0.00"), usd("-100.00"), usd("100.00")]
    assert ledger.balance("4100") + ledger.balance("4200") == usd("0.00")
    assert again.documents.aging(date(2026, 1, 31)).total("USD") == ledger.balance(
        "1140", "USD")
    assert ledger.verify().ok


def test_a_note_drafted_before_the_discount_gives_back_its_share(url: str) -> None:
    """A note drafted before the payment that booked the discount, issued on a reopened
    book: it reads the discount back and credits what was paid (116.62, not 119.00), as a
    note drafted after it would."""
    bo = bc.Backoffice.open(url, book="acme", clock=bc.FixedClock(AT),
                            ids=bc.SequentialIds("e"))
    bo.ledger.setup("Acme GmbH", currency="USD", chart="generic")
    docs = bo.documents
    acme = docs.create_party("Acme Corp")
    terms = PaymentTerms.net(30, discount=EarlyPaymentDiscount(2, 10))
    inv = docs.issue(docs.create_invoice(acme.id, date(2026, 1, 10), [
        line("Goods", 1, "100.00", Tax.standard(19)),
        line("Books", 1, "50.00", Tax.standard(7))], payment_terms=terms).id)
    draft = docs.credit(inv.id, {inv.lines[0].id: 1})
    docs.record_payment(acme.id, usd("169.05"), date(2026, 1, 20), allocate_to=[inv.id])

    again = bc.Backoffice.open(url, book="acme", clock=bc.FixedClock(AT),
                               ids=bc.SequentialIds("f"))
    note = again.documents.issue(draft.id)
    assert note.totals is not None and note.totals.to_settle == usd("116.62")
    assert [(ac.reason_code, ac.amount, ac.account) for ac in note.allowances_charges] == [
        ("95", Decimal("2.00"), "4300")]
    assert again.documents.get(note.id).allowances_charges == note.allowances_charges
    assert [again.ledger.balance(a) for a in ("1140", "4300", "2140")] == [
        usd("-116.62"), usd("1.00"), usd("-3.43")]
    assert again.ledger.verify().ok


def test_an_edited_note_gives_back_the_share_of_its_lines(url: str) -> None:
    """A note for two units drafted after the discount (4.00 back), edited to one unit,
    issued (in bulk) on a reopened book: it gives back 2.00 (116.62, not 114.24); the trail
    read back says so ("refresh", by the issuing user, before "issue")."""
    bo = bc.Backoffice.open(url, book="acme", clock=bc.FixedClock(AT),
                            ids=bc.SequentialIds("e"))
    bo.ledger.setup("Acme GmbH", currency="USD", chart="generic")
    docs = bo.documents
    acme = docs.create_party("Acme Corp")
    terms = PaymentTerms.net(30, discount=EarlyPaymentDiscount(2, 10))
    inv = docs.issue(docs.create_invoice(acme.id, date(2026, 1, 10), [
        line("Goods", 2, "100.00", Tax.standard(19))], payment_terms=terms).id)
    docs.record_payment(acme.id, usd("233.24"), date(2026, 1, 20), allocate_to=[inv.id])
    draft = docs.credit(inv.id, {inv.lines[0].id: 2})
    draft = docs.update(draft.id, version=draft.version,
                        lines=[attrs.evolve(draft.lines[0], quantity=1)])

    again = bc.Backoffice.open(url, book="acme", clock=bc.FixedClock(AT),
                               ids=bc.SequentialIds("f"))
    note = again.documents.issue_many([draft.id], user="sam")[0]
    assert note.totals is not None and note.totals.to_settle == usd("116.62")
    read = again.documents.get(note.id)
    assert [ac.amount for ac in read.allowances_charges] == [Decimal("2.00")]
    assert [(t.action, t.user, t.reason) for t in read.history[-2:]] == [
        ("refresh", "sam", f"cash discount of {inv.number} given back: S 19% 2.00"),
        ("issue", "sam", "")]
    assert [again.ledger.balance(a) for a in ("1140", "4300", "2140")] == [
        usd("-116.62"), usd("2.00"), usd("-18.62")]
    assert again.ledger.verify().ok


def test_an_edited_notes_copied_allowances_follow_its_lines(url: str) -> None:
    """An invoice of 2 x 100.00 at 19 % with a 20.00 rebate and 10.00 freight (fixed: on
    the note that credits the last of it). A note drafted for both units copies them;
    edited to one unit (with the user's own 5.00 goodwill) and issued on a reopened book,
    it holds the goodwill only: 113.05, not 101.15 (the copies read back as the
    invoice's own, so they are told apart after the round trip)."""
    s19 = Tax.standard(19)
    rebate = AllowanceCharge.allowance("20.00", reason="Rebate", tax=s19)
    freight = AllowanceCharge.charge("10.00", reason="Freight", tax=s19)
    goodwill = AllowanceCharge.allowance("5.00", reason="Goodwill", tax=s19)
    bo = bc.Backoffice.open(url, book="acme", clock=bc.FixedClock(AT),
                            ids=bc.SequentialIds("e"))
    bo.ledger.setup("Acme GmbH", currency="USD", chart="generic")
    docs = bo.documents
    acme = docs.create_party("Acme Corp")
    inv = docs.issue(docs.create_invoice(acme.id, date(2026, 1, 10), [
        line("Goods", 2, "100.00", s19)], allowances_charges=[rebate, freight]).id)
    draft = docs.credit(inv.id, {inv.lines[0].id: 2})
    draft = docs.update(draft.id, version=draft.version,
                        lines=[attrs.evolve(draft.lines[0], quantity=1)],
                        allowances_charges=[*draft.allowances_charges, goodwill])

    again = bc.Backoffice.open(url, book="acme", clock=bc.FixedClock(AT),
                               ids=bc.SequentialIds("f"))
    note = again.documents.issue(draft.id, user="sam")
    read = again.documents.get(note.id)
    assert read.allowances_charges == (goodwill,)
    assert read.totals is not None and read.totals.tax_inclusive == usd("113.05")
    assert [again.ledger.balance(a) for a in ("1140", "2140")] == [
        usd("113.05"), usd("-18.05")]  # 226.10 - 113.05; 36.10 - 18.05
    rest = again.documents.issue(again.documents.credit(inv.id, {inv.lines[0].id: 1}).id)
    assert again.documents.get(rest.id).allowances_charges == (rebate, freight)
    assert again.documents.get(inv.id).open_amount == usd("5.95")  # the goodwill, gross
    assert again.ledger.verify().ok
