"""Documents follow the one text rule (backoffice_core.text): parties, terms, lines, the
document's own text, numbering patterns, audit users and ids refuse control characters
(codes and users also tab and line breaks), ids used as keys are at most MAX_KEY_CHARS;
the same ValidationError on every adapter, and nothing is written."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest

import backoffice_core as bc
from backoffice_core.documents import (
    Address,
    Contact,
    DocumentRef,
    DocumentType,
    PaymentTerms,
    Tax,
    TaxId,
    line,
)
from backoffice_core.documents.lines import AllowanceCharge, LineRef
from backoffice_core.documents.model import check_user
from backoffice_core.documents.numbering import FiscalYearKey, check_pattern, format_number
from backoffice_core.documents.settings import ApprovalRule
from backoffice_core.errors import ValidationError
from backoffice_core.text import MAX_KEY_CHARS

URLS = ["memory://", "sqlite://"]
LONG = "d" * (MAX_KEY_CHARS + 1)


@pytest.fixture(params=URLS)
def bo(request: pytest.FixtureRequest) -> bc.Backoffice:
    book = bc.Backoffice.open(request.param)
    book.ledger.setup("Docs Co", currency="EUR", chart="generic")
    book.documents.create_party("Acme")
    return book


def _state(bo: bc.Backoffice) -> Any:
    docs = bo.documents
    return (docs.find(), docs.parties(include_archived=True), docs.payments(),
            docs.settings(), bo.ledger.entries())


@pytest.fixture
def refused(refused_alike: Callable[..., None]) -> Callable[..., None]:
    """``refused(bo, operation, field, value)``: refused alike, and nothing of ``bo``
    changed (``_state``)."""
    return lambda bo, *args: refused_alike(lambda: _state(bo), *args)


def _raises(make: Any, field: str, value: Any) -> None:
    with pytest.raises(ValidationError) as err:
        make()
    assert (err.value.field, err.value.value) == (field, value), err.value


def _acme(bo: bc.Backoffice) -> str:
    return bo.documents.parties()[0].id


def test_parties(bo: bc.Backoffice,
        refused: Callable[..., None]) -> None:
    docs = bo.documents
    refused(bo, lambda: docs.create_party("Ac\x00me"), "legal_name", "Ac\x00me")
    refused(bo, lambda: docs.create_party("Acme", code="C\t1"), "code", "C\t1")
    refused(bo, lambda: docs.create_party("Acme", tags=["v\x00ip"]), "tags[0]", "v\x00ip")
    party = _acme(bo)
    refused(bo, lambda: docs.update_party(party, version=0, legal_name="Acme\x1b"),
             "legal_name", "Acme\x1b")
    _raises(lambda: Address(["Main\x00St 1"], "Berlin", "10115", "DE"), "lines[0]",
            "Main\x00St 1")
    _raises(lambda: Address(["Main St 1"], "Berlin", "101\n15", "DE"), "postal_code",
            "101\n15")
    _raises(lambda: Contact("Jane\x07Doe"), "name", "Jane\x07Doe")
    _raises(lambda: TaxId("OTHER", "12\x0034"), "value", "12\x0034")
    # addresses keep their line breaks: free text
    assert Address(["c/o Jane\nMain St 1"], "Berlin", "10115", "DE").lines[0].count("\n") == 1


def test_terms_and_settings(bo: bc.Backoffice,
        refused: Callable[..., None]) -> None:
    _raises(lambda: PaymentTerms(description="Net\x0030"), "description", "Net\x0030")
    refused(bo, lambda: bo.documents.configure(patterns={"sales_invoice": "INV\n{seq}"}),
             "pattern", "INV\n{seq}")
    _raises(lambda: check_pattern("INV-\x00{seq}"), "pattern", "INV-\x00{seq}")
    _raises(lambda: ApprovalRule("purchase_order", bc.Money("1.00", "EUR"), ("c\nfo",)),
            "approvers[0]", "c\nfo")
    long_fy = FiscalYearKey("F" * MAX_KEY_CHARS, 2026)
    with pytest.raises(ValidationError) as err:
        format_number("{fy}-{seq}", 1, long_fy)
    assert err.value.field == "number"


def test_lines() -> None:
    tax = Tax.standard(20)
    _raises(lambda: line("Wid\x00get", 1, "1.00", tax), "description", "Wid\x00get")
    _raises(lambda: line("Widget", 1, "1.00", tax, note="n\x1bote"), "note", "n\x1bote")
    _raises(lambda: line("Widget", 1, "1.00", tax, unit="C6\x002"), "unit", "C6\x002")
    _raises(lambda: line("Widget", 1, "1.00", tax, id="1\n"), "id", "1\n")
    _raises(lambda: line("Widget", 1, "1.00", tax, item_id="W\x00"), "item_id", "W\x00")
    _raises(lambda: line("Widget", 1, "1.00", tax, account="4\x00100"), "account", "4\x00100")
    _raises(lambda: line("Widget", 1, "1.00", tax, project=LONG), "dimensions.project", LONG)
    _raises(lambda: AllowanceCharge.allowance(percent=5, reason="Loy\x00alty"), "reason",
            "Loy\x00alty")
    _raises(lambda: AllowanceCharge.allowance(percent=5, reason_code="9\t5"), "reason_code",
            "9\t5")
    _raises(lambda: LineRef("d\x00", "1"), "source.document_id", "d\x00")
    ok = line("Widget\n(blue)", 1, "1.00", tax, note="two\r\nlines\tand a tab")
    assert ok.description == "Widget\n(blue)"


def test_document_text_fields(bo: bc.Backoffice,
        refused: Callable[..., None]) -> None:
    docs, party = bo.documents, _acme(bo)
    rows = [line("Widget", 1, "10.00", Tax.standard(20))]
    day = date(2026, 1, 5)
    refused(bo, lambda: docs.create_invoice(party, day, rows, note="Th\x00anks"), "note",
             "Th\x00anks")
    refused(bo, lambda: docs.create_invoice(party, day, rows, buyer_reference="PO\n1"),
             "buyer_reference", "PO\n1")
    refused(bo, lambda: docs.create_invoice(party, day, rows, external_number="F\x00-1"),
             "external_number", "F\x00-1")
    refused(bo, lambda: docs.create_invoice(party, day, rows, user="ali\nce"), "user",
             "ali\nce")
    _raises(lambda: DocumentRef(LONG, DocumentType.SALES_ORDER), "references.document_id",
            LONG)
    _raises(lambda: DocumentRef("d\x00", DocumentType.SALES_ORDER), "references.document_id",
            "d\x00")
    _raises(lambda: check_user("bob\x00"), "user", "bob\x00")
    draft = docs.create_invoice(party, day, rows, note="Line 1\nLine 2")
    refused(bo, lambda: docs.update(draft.id, version=draft.version, note="\x00"), "note",
             "\x00")
    refused(bo, lambda: docs.approve(draft.id, user="\x1b[2Jroot"), "user", "\x1b[2Jroot")


def test_payments(bo: bc.Backoffice,
        refused: Callable[..., None]) -> None:
    docs, party = bo.documents, _acme(bo)
    amount = bc.Money("5.00", "EUR")
    refused(bo, lambda: docs.record_payment(party, amount, date(2026, 1, 5),
                                             reference="TX\x001"), "reference", "TX\x001")
    refused(bo, lambda: docs.record_payment(party, amount, date(2026, 1, 5),
                                             method="ca\nsh"), "method", "ca\nsh")


class _LongIds:
    """Ids of the longest length the rule allows (200 characters), in increasing order."""

    def __init__(self) -> None:
        self.n = 0

    def new_id(self) -> str:
        return self.new_ids(1)[0]

    def new_ids(self, count: int) -> list[str]:
        out = [f"{self.n + i:0200d}" for i in range(1, count + 1)]
        self.n += count
        return out


def test_ids_of_the_longest_length_still_post() -> None:
    """The ledger keys the documents derive from ids ("documents:issue:" + id) would pass
    200 characters: they fall back to the id's digest, so issuing and paying still work,
    and a retry still replays."""
    bo = bc.Backoffice.open("memory://", ids=_LongIds())
    bo.ledger.setup("X", currency="USD", chart="generic")
    docs = bo.documents
    party = docs.create_party("Acme")
    inv = docs.issue(docs.create_invoice(party.id, date(2026, 1, 5),
                                         [line("Work", 1, "10.00", Tax.zero())]).id)
    pay = docs.record_payment(party.id, bc.Money("10.00", "USD"), date(2026, 1, 9),
                              allocate_to=[inv.id])
    keys = [e.idempotency_key for e in bo.ledger.entries()]
    assert all(k is not None and len(k) <= 200 for k in keys)
    assert keys[0].startswith("documents:issue:sha256:")
    assert docs.get(inv.id).state.value == "paid" and pay.open_amount.amount == 0
    assert bo.ledger.verify().ok
