"""A note's copies of the invoice's document allowances and charges follow its lines.

Reference: 2 x 100.00 at 19 % with a 20.00 rebate and 10.00 freight (fixed amounts, so
an amount of the whole invoice: they go on the note that credits the last of it,
:func:`.conversions.derive_allowances`) = 190.00 + 36.10 = 226.10. A note drafted for
both units copies them; edited to one unit and issued, it is the fresh note for one
unit (119.00, no copies), and the note for the other unit takes them (107.10): the two
credit the invoice exactly (they credited 214.20 when the edited note kept its copies).
"""

from __future__ import annotations

from datetime import date
from typing import Any

import attrs

from backoffice_core.documents import AllowanceCharge, Tax, line
from backoffice_core.money import Money

from .conftest import Book

DAY = date(2026, 1, 10)
S19 = Tax.standard(19)
REBATE = AllowanceCharge.allowance("20.00", reason="Rebate", tax=S19)
FREIGHT = AllowanceCharge.charge("10.00", reason="Freight", tax=S19)
GOODWILL = AllowanceCharge.allowance("5.00", reason="Goodwill", tax=S19)


def usd(v: str) -> Money:
    return Money(v, "USD")


def _invoice(book: Book, *acs: AllowanceCharge) -> Any:
    return book.docs.issue(book.docs.create_invoice(book.acme.id, DAY, [
        line("Goods", 2, "100.00", S19)], allowances_charges=list(acs or (REBATE, FREIGHT))).id)


def _edited(book: Book, inv: Any, *own: AllowanceCharge) -> Any:
    """A note drafted for both units (copying the rebate and freight), edited to one."""
    draft = book.docs.credit(inv.id, {inv.lines[0].id: 2})
    assert draft.allowances_charges == inv.allowances_charges
    return book.docs.update(draft.id, version=draft.version,
                            lines=[attrs.evolve(draft.lines[0], quantity=1)],
                            allowances_charges=[*draft.allowances_charges, *own])


def _seen(doc: Any) -> Any:
    return ([attrs.evolve(ln, id="") for ln in doc.lines], doc.allowances_charges,
            doc.totals)


def test_an_edited_note_is_issued_as_a_fresh_note_for_its_lines() -> None:
    book, fresh = Book(), Book()
    note = book.docs.issue(_edited(book, _invoice(book)).id)
    inv = _invoice(fresh)
    other = fresh.docs.issue(fresh.docs.credit(inv.id, {inv.lines[0].id: 1}).id)
    assert note.totals is not None and note.totals.tax_inclusive == usd("119.00")
    assert note.allowances_charges == ()
    assert _seen(note) == _seen(other)
    assert sorted((b.key, b) for b in book.bo.ledger.balances()) == sorted(
        (b.key, b) for b in fresh.bo.ledger.balances())
    assert [t.reason for t in note.history if t.action == "refresh"] == [
        f"allowances and charges of {inv.number} for these lines: none"]


def test_the_note_for_the_rest_takes_the_copies_and_the_invoice_is_credited_exactly(
        ) -> None:
    book = Book()
    inv = _invoice(book)
    book.docs.issue(_edited(book, inv).id)
    rest = book.docs.issue(book.docs.credit(inv.id, {inv.lines[0].id: 1}).id)
    assert rest.allowances_charges == (REBATE, FREIGHT)
    assert rest.totals is not None and rest.totals.tax_inclusive == usd("107.10")
    assert book.docs.get(inv.id).open_amount == usd("0.00")


def test_the_users_own_allowance_is_kept() -> None:
    book = Book()
    note = book.docs.issue(_edited(book, _invoice(book), GOODWILL).id)
    assert note.allowances_charges == (GOODWILL,)
    assert note.totals is not None and note.totals.tax_inclusive == usd("113.05")  # 95.00


def test_a_copy_the_lines_still_take_stays() -> None:
    """A percentage rebate goes on every note: edited, the note keeps it (the freight
    goes), and the trail says what it holds now."""
    book = Book()
    ten = AllowanceCharge.allowance(percent=10, reason="Rebate", tax=S19)
    note = book.docs.issue(_edited(book, _invoice(book, ten, FREIGHT)).id)
    assert note.allowances_charges == (ten,)
    assert note.totals is not None and note.totals.tax_inclusive == usd("107.10")
    assert [t.reason for t in note.history if t.action == "refresh"] == [
        f"allowances and charges of {note.corrects.number} for these lines: "
        "allowance Rebate 10%"]


def test_a_price_correction_copies_nothing_so_an_equal_allowance_is_the_users() -> None:
    """Drafting a price correction copies none of the invoice's allowances: one the user
    puts on it, even equal to the invoice's rebate, is issued as given."""
    book = Book()
    inv = _invoice(book)
    draft = book.docs.credit(inv.id, prices={inv.lines[0].id: "90.00"})
    draft = book.docs.update(draft.id, version=draft.version, allowances_charges=[REBATE])
    note = book.docs.issue(draft.id)
    assert note.allowances_charges == (REBATE,)
    assert not [t for t in note.history if t.action == "refresh"]
