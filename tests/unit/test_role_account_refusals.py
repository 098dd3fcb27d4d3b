"""A domain that posts through the book's roles names a refused account as the caller
knows it: by its role (``roles.cogs``) or by the document field that named it
(``lines[0].account``), never by the position of a line in the entry the domain built,
which the caller never saw (``deliver`` has no lines; a one-line invoice has no
``lines[2]``). Nothing changes."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

import pytest

import backoffice_core as bc
from backoffice_core.documents import Tax, line
from backoffice_core.errors import AccountInactiveError, NotFoundError

from .documents.conftest import state_of


def _book() -> bc.Backoffice:
    bo = bc.Backoffice.open("memory://", clock=bc.FixedClock(datetime(2026, 3, 31, tzinfo=UTC)),
                            ids=bc.SequentialIds("r"))
    bo.ledger.setup("Co", currency="USD", chart="generic")
    bo.inventory.create_location("WH", "Main", kind="warehouse")
    bo.inventory.create_item("CUP", "Cup")
    bo.inventory.receive("CUP", 10, location="WH", unit_cost="1.00", on=date(2026, 3, 1))
    bo.documents.create_party("Cust")
    return bo


def _state(bo: bc.Backoffice) -> dict[str, Any]:
    return {**state_of(bo), "moves": bo.inventory.moves(), "stock": bo.inventory.on_hand("CUP")}


def _refused(archive: Callable[..., None], bo: bc.Backoffice, archived: str,
             act: Callable[[], Any],
             error: type[bc.BackofficeError] = AccountInactiveError) -> str | None:
    archive(bo, archived)  # archived before archive_account refused a role's account
    before = _state(bo)
    with pytest.raises(error) as info:
        act()
    assert _state(bo) == before
    return info.value.field


def _cust(bo: bc.Backoffice) -> str:
    return bo.documents.parties()[0].id


def test_a_delivery_names_the_role_of_its_archived_account(archive_anyway: Any) -> None:
    bo = _book()
    assert _refused(archive_anyway, bo, "5100", lambda: bo.inventory.deliver(
        "CUP", 1, location="WH", on=date(2026, 3, 2))) == "roles.cogs"  # was lines[1]
    assert _refused(archive_anyway, bo, "1210", lambda: bo.inventory.adjust(
        "CUP", -1, location="WH", on=date(2026, 3, 2))) == "roles.inventory"


def test_a_delivery_note_names_the_role_not_the_entry_line(archive_anyway: Any) -> None:
    bo = _book()
    note = bo.documents.create("delivery_note", _cust(bo), date(2026, 3, 9), [
        line("Cup", 1, "2.00", Tax.standard(20), item_id="CUP")])
    assert _refused(archive_anyway, bo, "5100", lambda: bo.documents.issue(note.id)) == "roles.cogs"


def test_an_invoice_names_the_role_or_its_own_line(archive_anyway: Any) -> None:
    bo = _book()
    docs, cust = bo.documents, _cust(bo)
    one = docs.create_invoice(cust, date(2026, 3, 9), [line("A", 1, "1.00", Tax.standard(20))])
    assert _refused(archive_anyway, bo, "2140",
                    lambda: docs.issue(one.id)) == "roles.vat_output"  # lines[2]
    bo.ledger.update_account("2140", active=True)
    own = docs.create_invoice(cust, date(2026, 3, 9), [
        line("A", 1, "1.00", Tax.standard(20)),
        line("B", 1, "1.00", Tax.standard(20), account="4110")])
    assert _refused(archive_anyway, bo, "4110",
                    lambda: docs.issue(own.id)) == "lines[1].account"  # was [2]
    bad = docs.create_invoice(cust, date(2026, 3, 9), [
        line("A", 1, "1.00", Tax.standard(20), account="9999")])
    before = _state(bo)
    with pytest.raises(NotFoundError) as info:
        docs.issue(bad.id)
    assert (info.value.field, info.value.value) == ("lines[0].account", "9999")  # was [1]
    with pytest.raises(NotFoundError) as info:  # the bulk path names it the same way
        docs.issue_many([one.id, bad.id])
    assert info.value.field == "document_ids[1].lines[0].account"
    assert _state(bo) == before


def test_a_payment_names_the_role_of_the_bank(archive_anyway: Any) -> None:
    bo = _book()
    assert _refused(archive_anyway, bo, "1120", lambda: bo.documents.record_payment(
        _cust(bo), bc.Money("5.00", "USD"), date(2026, 3, 9))) == "roles.bank"  # lines[0]


def test_a_delivery_names_the_role_it_posted_through_among_those_of_the_account(
        archive_anyway: Any) -> None:
    bo = _book()
    bo.ledger.set_role("price_variance", "5100")
    with pytest.raises(AccountInactiveError) as info:
        archive_anyway(bo, "5100")
        bo.inventory.deliver("CUP", 1, location="WH", on=date(2026, 3, 2))
    assert info.value.field == "roles.cogs"  # the role this delivery posted through
