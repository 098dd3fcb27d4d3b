"""A credit note drafted before the cash discount and issued after it: its share given back.

The note is issued as the same request drafted after the discount would be, so drafting
first leaves the books exactly where issuing a fresh note would. Reference: 100.00 at
19 % + 50.00 at 7 % = 172.50, paid 169.05 with the 2 % discount (3.45: 2.00 + 0.38 at
19 %, 1.00 + 0.07 at 7 %); one unit of the 19 % line credited after it is 119.00 less
its 2 % (2.00 net, 0.38 VAT) = 116.62.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import attrs
import pytest

from backoffice_core.documents import (
    AllowanceCharge,
    ApprovalRule,
    EarlyPaymentDiscount,
    PaymentTerms,
    Tax,
    _issuing,
    line,
)
from backoffice_core.errors import ValidationError
from backoffice_core.money import Money

TERMS = PaymentTerms.net(30, discount=EarlyPaymentDiscount(2, 10))
DAY, PAID = date(2026, 1, 10), date(2026, 1, 20)


def usd(v: str) -> Money:
    return Money(v, "USD")


def _invoice(book: Any, *, bill: bool = False, goods: int = 1) -> Any:
    lines = [line("Goods", goods, "100.00", Tax.standard(19)),
             line("Books", 1, "50.00", Tax.standard(7))]
    if bill:
        draft = book.docs.create("supplier_bill", book.paperco.id, DAY, lines,
                                 payment_terms=TERMS)
    else:
        draft = book.docs.create_invoice(book.acme.id, DAY, lines, payment_terms=TERMS)
    return book.docs.issue(draft.id)


def _pay(book: Any, inv: Any, *, bill: bool = False) -> None:
    """Pay the invoice (or bill) within the period, less its 2 %: the discount is booked."""
    party = book.paperco if bill else book.acme
    paid = (inv.totals.tax_inclusive.amount * Decimal("0.98")).quantize(Decimal("0.01"))
    book.docs.record_payment(party.id, usd(str(paid)), PAID, allocate_to=[inv.id])
    assert any(a.is_cash_discount for a in book.docs.allocations(inv.id))


_REQUESTS: dict[str, Callable[[Any], dict[str, Any]]] = {
    "one unit": lambda inv: {"quantities": {inv.lines[0].id: 1}},
    "everything": lambda inv: {},
    "a lower price": lambda inv: {"prices": {inv.lines[0].id: "90.00"}},
}


def _books(make_book: Any, name: str, *, drafted_first: bool, bill: bool = False
           ) -> tuple[Any, Any]:
    """The note issued after the discount, drafted before or after it, and the book's
    balances (every account, and by party)."""
    book = make_book()
    inv = _invoice(book, bill=bill)
    request = _REQUESTS[name](inv)
    if drafted_first:
        draft = book.docs.credit(inv.id, **request)
        assert draft.allowances_charges == ()  # no discount yet: nothing to give back
    _pay(book, inv, bill=bill)
    if not drafted_first:
        draft = book.docs.credit(inv.id, **request)
    note = book.docs.issue(draft.id)
    ledger = book.bo.ledger
    assert ledger.verify().ok
    return note, (sorted((b.key, b) for b in ledger.balances()),
                  sorted((b.key, b) for b in ledger.balances(dimension="party")),
                  book.docs.aging(date(2026, 1, 31)).total("USD"))


@pytest.mark.parametrize("bill", [False, True], ids=["credit note", "debit note"])
@pytest.mark.parametrize("name", list(_REQUESTS))
def test_a_note_drafted_before_the_discount_books_as_one_drafted_after(
        make_book: Any, name: str, bill: bool) -> None:
    drafted, books = _books(make_book, name, drafted_first=True, bill=bill)
    fresh, fresh_books = _books(make_book, name, drafted_first=False, bill=bill)
    assert [ac.reason_code for ac in fresh.allowances_charges] == ["95"] * len(
        fresh.allowances_charges) and fresh.allowances_charges
    assert drafted.allowances_charges == fresh.allowances_charges
    assert drafted.lines == fresh.lines
    assert drafted.totals == fresh.totals
    assert books == fresh_books


def test_one_unit_drafted_before_the_discount_credits_what_was_paid(book: Any) -> None:
    """The case by hand: 116.62, not 119.00; the receivables and the VAT end as after a
    note drafted after the discount (1140: -116.62; 2140: 22.05 - 0.45 - 18.62)."""
    docs, ledger = book.docs, book.bo.ledger
    inv = _invoice(book)
    draft = docs.credit(inv.id, {inv.lines[0].id: 1})
    assert draft.totals.to_settle == usd("119.00")
    _pay(book, inv)
    cn = docs.issue(draft.id)
    assert (cn.totals.tax_exclusive, cn.totals.tax_total, cn.totals.to_settle) == (
        usd("98.00"), usd("18.62"), usd("116.62"))
    assert [(ac.amount, ac.account, ac.reason) for ac in cn.allowances_charges] == [
        (Decimal("2.00"), "4300", f"Cash discount 2% of {inv.number}")]
    assert [ledger.balance(a) for a in ("1140", "4300", "2140")] == [
        usd("-116.62"), usd("1.00"), usd("-3.43")]
    rest = docs.issue(docs.credit(inv.id).id)
    assert rest.totals.to_settle == usd("52.43")
    assert [ledger.balance(a) for a in ("1140", "4300", "2140")] == [
        usd("-169.05"), usd("0.00"), usd("0.00")]


def test_the_rest_drafted_before_the_discount_after_an_earlier_note(book: Any) -> None:
    """2 x 100.00 at 19 % + 50.00 at 7 %: one unit credited before paying (119.00), the
    rest (172.50) drafted, then the discount on it (3.45), then the rest issued: it gives
    back the whole discount and every account but the customer's is back to zero."""
    docs, ledger = book.docs, book.bo.ledger
    inv = _invoice(book, goods=2)
    docs.issue(docs.credit(inv.id, {inv.lines[0].id: 1}).id)
    draft = docs.credit(inv.id)
    assert draft.totals.to_settle == usd("172.50")
    docs.record_payment(book.acme.id, usd("169.05"), PAID, allocate_to=[inv.id])
    assert [a.amount for a in docs.allocations(inv.id) if a.is_cash_discount] == [usd("3.45")]
    rest = docs.issue(draft.id)
    assert rest.totals.to_settle == usd("169.05")
    assert [ledger.balance(a) for a in ("1140", "4300", "2140")] == [
        usd("-169.05"), usd("0.00"), usd("0.00")]
    assert ledger.balance("4100") + ledger.balance("4200") == usd("0.00")


def test_a_draft_edited_before_the_discount_is_refreshed(book: Any) -> None:
    """Edited before the discount was booked, the draft still holds what its request made
    then: it gives back its share."""
    docs = book.docs
    inv = _invoice(book)
    draft = docs.credit(inv.id, {inv.lines[0].id: 1})
    draft = docs.update(draft.id, version=draft.version, note="returned damaged")
    book.clock.advance(timedelta(minutes=5))
    _pay(book, inv)
    cn = docs.issue(draft.id)
    assert (cn.totals.to_settle, cn.note) == (usd("116.62"), "returned damaged")


def test_a_draft_edited_after_the_discount_is_issued_as_edited(book: Any,
                                                               unchanged: Any) -> None:
    """Drafted before the discount, edited back to the full price of everything once it
    was booked: the user's note, refused at issue as more than was paid."""
    docs = book.docs
    inv = _invoice(book)
    draft = docs.credit(inv.id)
    _pay(book, inv)
    book.clock.advance(timedelta(minutes=5))
    draft = docs.update(draft.id, version=draft.version, allowances_charges=[])
    info = unchanged(book.bo, ValidationError, docs.issue, draft.id)
    assert info.value.field == "lines"


def test_a_note_issued_before_the_discount_lowers_it(book: Any) -> None:
    """The other order: the 7 % line credited (53.50) before the discount is taken on the
    119.00 left (2.38, all at 19 %); a draft of the rest made before the discount then
    credits what was paid for it (116.62)."""
    docs, ledger = book.docs, book.bo.ledger
    inv = _invoice(book)
    docs.issue(docs.credit(inv.id, {inv.lines[1].id: 1}).id)
    draft = docs.credit(inv.id)
    docs.record_payment(book.acme.id, usd("116.62"), PAID, allocate_to=[inv.id])
    assert [a.amount for a in docs.allocations(inv.id) if a.is_cash_discount] == [usd("2.38")]
    assert docs.issue(draft.id).totals.to_settle == usd("116.62")
    assert [ledger.balance(a) for a in ("1140", "4300", "2140")] == [
        usd("-116.62"), usd("0.00"), usd("0.00")]  # what was paid, owed back


def _edited_books(make_book: Any, drafted: int, issued: int, *, approval: bool = False
                  ) -> tuple[Any, Any]:
    """2 x 100.00 at 19 % + 50.00 at 7 %, paid less 2 %; a note for ``drafted`` units of
    the 19 % line drafted after the discount, edited to ``issued`` units (when they
    differ), issued: the note and the book's balances."""
    book = make_book()
    if approval:
        book.docs.configure(approval_rules=[ApprovalRule("credit_note", usd("50.00"))])
    inv = _invoice(book, goods=2)
    _pay(book, inv)
    draft = book.docs.credit(inv.id, {inv.lines[0].id: drafted})
    if issued != drafted:
        draft = book.docs.update(draft.id, version=draft.version,
                                 lines=[attrs.evolve(draft.lines[0], quantity=issued)])
    if approval:
        draft = book.docs.approve(draft.id, user="maria")
    note = book.docs.issue(draft.id, user="sam")
    ledger = book.bo.ledger
    assert ledger.verify().ok
    return note, (sorted((b.key, b) for b in ledger.balances()),
                  sorted((b.key, b) for b in ledger.balances(dimension="party")),
                  book.docs.aging(date(2026, 1, 31)).total("USD"))


@pytest.mark.parametrize(("drafted", "issued"), [(2, 1), (1, 2)],
                         ids=["fewer units", "more units"])
def test_an_edited_draft_gives_back_the_share_of_its_lines(make_book: Any, drafted: int,
                                                           issued: int) -> None:
    """Drafted after the discount (so with a share), edited to other units: issued as a
    fresh note for those units, not with the share of the units it was drafted for (2
    units give back 4.00, 1 unit 2.00: 116.62, not 114.24)."""
    note, books = _edited_books(make_book, drafted, issued)
    fresh, fresh_books = _edited_books(make_book, issued, issued)
    assert [ac.amount for ac in fresh.allowances_charges] == [Decimal(2 * issued)]
    assert note.allowances_charges == fresh.allowances_charges
    assert note.lines == fresh.lines
    assert note.totals == fresh.totals
    assert books == fresh_books
    assert note.totals.to_settle == usd("116.62" if issued == 1 else "233.24")
    refresh = [t for t in note.history if t.action == "refresh"]
    assert [(t.user, t.reason) for t in refresh] == [
        ("sam", f"cash discount of INV-2026-00001 given back: S 19% {issued * 2}.00")]
    assert note.history[-1].action == "issue" and note.history[-2] == refresh[0]


def test_a_lower_price_edited_gives_back_the_share_of_the_lower_price(book: Any) -> None:
    """A unit credited after the discount, its price edited to 50.00: it gives back 2 %
    of 50.00 (1.00), not of 100.00."""
    docs = book.docs
    inv = _invoice(book)
    _pay(book, inv)
    draft = docs.credit(inv.id, {inv.lines[0].id: 1})
    draft = docs.update(draft.id, version=draft.version,
                        lines=[attrs.evolve(draft.lines[0], unit_price=Decimal("50.00"))])
    cn = docs.issue(draft.id)
    assert [ac.amount for ac in cn.allowances_charges] == [Decimal("1.00")]
    assert cn.totals.to_settle == usd("58.31")  # 49.00 + 9.31 VAT


def test_an_edited_draft_keeps_the_users_own_allowance(book: Any) -> None:
    """A goodwill allowance the user added is kept; the share is recomputed beside it."""
    docs = book.docs
    inv = _invoice(book, goods=2)
    _pay(book, inv)
    draft = docs.credit(inv.id, {inv.lines[0].id: 2})
    goodwill = AllowanceCharge.allowance("10.00", reason="Goodwill", tax=Tax.standard(19))
    draft = docs.update(draft.id, version=draft.version,
                        lines=[attrs.evolve(draft.lines[0], quantity=1)],
                        allowances_charges=[goodwill, *draft.allowances_charges])
    cn = docs.issue(draft.id)
    assert [(ac.reason, ac.amount) for ac in cn.allowances_charges] == [
        ("Goodwill", Decimal("10.00")), (f"Cash discount 2% of {inv.number}", Decimal("1.80"))]


def test_a_note_issued_as_drafted_has_no_refresh_in_its_trail(book: Any) -> None:
    docs = book.docs
    inv = _invoice(book)
    _pay(book, inv)
    cn = docs.issue(docs.credit(inv.id, {inv.lines[0].id: 1}).id)
    assert [t.action for t in cn.history] == ["create", "issue"]


def test_a_note_approved_before_the_discount_is_issued_lower_without_new_approval(
        book: Any) -> None:
    """Approved at 119.00 before the discount, issued at 116.62 after it: a lower credit is
    less risk, so no new approval; the trail says why it differs from what was approved."""
    docs = book.docs
    docs.configure(approval_rules=[ApprovalRule("credit_note", usd("100.00"))])
    inv = _invoice(book)
    draft = docs.credit(inv.id, {inv.lines[0].id: 1}, user="sam")
    approved = docs.approve(draft.id, user="maria")
    assert approved.totals.to_settle == usd("119.00")
    _pay(book, inv)
    cn = docs.issue(approved.id, user="sam")
    assert cn.totals.to_settle == usd("116.62")
    assert [(t.action, t.user, t.reason) for t in cn.history[-2:]] == [
        ("refresh", "sam", f"cash discount of {inv.number} given back: S 19% 2.00"),
        ("issue", "sam", "")]


def test_an_edited_draft_is_approved_as_issuing_would_book_it(make_book: Any) -> None:
    """Edited to fewer units with the share of more, approved: the approver approves the
    share of its lines (in the trail as theirs), and it is issued as approved."""
    note, books = _edited_books(make_book, 2, 1, approval=True)
    fresh, fresh_books = _edited_books(make_book, 1, 1, approval=True)
    assert (note.totals, books) == (fresh.totals, fresh_books)
    assert [(t.action, t.user) for t in note.history] == [
        ("create", "system"), ("edit", "system"), ("refresh", "maria"),
        ("approve", "maria"), ("issue", "sam")]


def test_a_refresh_above_what_was_approved_needs_a_new_approval(
        book: Any, unchanged: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """Approved with a stale share (as approving did before it refreshed: 114.24 for one
    unit holding the 4.00 of two), issuing would credit 116.62, more than was approved:
    refused, nothing changes; reopened and approved again, it is issued."""
    docs = book.docs
    docs.configure(approval_rules=[ApprovalRule("credit_note", usd("100.00"))])
    inv = _invoice(book, goods=2)
    _pay(book, inv)
    draft = docs.credit(inv.id, {inv.lines[0].id: 2}, user="sam")
    draft = docs.update(draft.id, version=draft.version, user="sam",
                        lines=[attrs.evolve(draft.lines[0], quantity=1)])
    with monkeypatch.context() as m:
        m.setattr(_issuing, "refreshed", lambda w, doc: doc)
        stale = docs.approve(draft.id, user="maria")
    assert stale.totals.to_settle == usd("114.24")
    info = unchanged(book.bo, ValidationError, docs.issue, stale.id, user="sam")
    assert (info.value.field, info.value.value) == ("state", "approved")
    assert "above the 114.24 USD approved" in str(info.value)
    docs.reopen(stale.id, user="sam")
    approved = docs.approve(stale.id, user="maria")
    assert approved.totals.to_settle == usd("116.62")
    assert docs.issue(approved.id, user="sam").totals.to_settle == usd("116.62")
