"""SQL adapter, documents in bulk: ``issue_many``, the fast row mappers, the aging's read.

* ``issue_many`` on SQLite and PostgreSQL leaves the book exactly as ``issue`` one by one
  leaves the reference (memory) book: documents, entries and their hash chain, balances,
  allocations, hand-overs; a refused batch changes nothing and a retry numbers without gap;
* the fast encoder writes the very text of the checking encoder, and the decoder reads
  back what a plain recursive reading gives, for every aggregate and awkward strings;
* the aging on SQL (its compact read of open documents) equals the memory aging.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest

import backoffice_core as bc
from backoffice_core.adapters.sql import SqlStore
from backoffice_core.adapters.sql import documents_mappers as mappers
from backoffice_core.documents import AllowanceCharge, Tax, line
from backoffice_core.errors import ValidationError
from backoffice_core.money import Money
from backoffice_core.testing._contracts import _documents_samples as s

AT = datetime(2026, 1, 31, 12, 0, tzinfo=UTC)


def _book(url: str) -> bc.Backoffice:
    bo = bc.Backoffice.open(url, book="acme", clock=bc.FixedClock(AT),
                            ids=bc.SequentialIds("e"))
    bo.ledger.setup("Acme GmbH", currency="USD", chart="generic")
    bo.ledger.set_rate("EUR", "USD", date(2026, 1, 1), "1.10")
    return bo


def _drafts(bo: bc.Backoffice) -> list[str]:
    docs = bo.documents
    acme = docs.create_party("Acme Corp", credit_limit=Money("5000.00", "USD"))
    paper = docs.create_party("Paper Co", is_customer=False, is_supplier=True)
    earlier = docs.issue(docs.create_invoice(acme.id, date(2026, 1, 3), [
        line("Chair", 4, "50.00", Tax.standard(20))]).id)
    order = docs.issue(docs.create("sales_order", acme.id, date(2026, 1, 4), [
        line("Desk", 2, "300.00", Tax.standard(20), item_id="DESK-1")]).id)
    ids = [docs.create_invoice(acme.id, date(2026, 1, 5 + i % 20), [
        line("Widget", 1 + i % 4, "19.99", Tax.standard(20), discount=5 if i % 3 else None),
        line("Book", 2, "12.50", Tax.reduced(7))],
        allowances_charges=[AllowanceCharge.charge("4.90", reason="Freight",
                                                   tax=Tax.standard(20))]).id
        for i in range(6)]
    ids.insert(2, docs.create_invoice(acme.id, date(2026, 1, 9), [
        line("Consulting", 5, "120.00", Tax.standard(19))], currency="EUR").id)
    ids.insert(4, docs.credit(earlier.id, {"1": 1}, reason="returned",
                              date=date(2026, 1, 10)).id)
    ids.insert(5, docs.convert(order.id, "delivery_note", date=date(2026, 1, 13)).id)
    ids.append(docs.create_bill(paper.id, date(2026, 1, 11), [
        line("Rent", 1, "800.00", Tax.zero(), account="6200")]).id)
    ids.append(docs.create("quote", acme.id, date(2026, 1, 12), [
        line("Design", 10, "80.00", Tax.standard(20))]).id)
    return ids


def _state(bo: bc.Backoffice) -> dict[str, Any]:
    docs = bo.documents.find()
    return {"documents": docs, "entries": bo.ledger.entries(),
            "balances": sorted((b.key, b) for b in bo.ledger.balances()),
            "parties": sorted((b.key, b) for b in bo.ledger.balances(dimension="party")),
            "allocations": {d.id: bo.documents.allocations(d.id) for d in docs},
            "handovers": bo.documents.handovers()}


@pytest.fixture
def book(url: str) -> bc.Backoffice:
    return _book(url)


def test_issue_many_on_sql_equals_issue_one_by_one_in_memory(book: bc.Backoffice) -> None:
    reference = _book("memory://")
    ids = _drafts(reference)
    assert _drafts(book) == ids
    singly = [reference.documents.issue(d, user="ann") for d in ids]
    assert book.documents.issue_many(ids, user="ann") == singly
    assert _state(book) == _state(reference)
    assert book.ledger.verify().ok


def test_a_refused_batch_changes_nothing_and_the_retry_has_no_gap(
        book: bc.Backoffice) -> None:
    ids = _drafts(book)
    quote = book.documents.issue(ids[-1])
    before = _state(book)
    with pytest.raises(ValidationError) as info:
        book.documents.issue_many([*ids[:-1], quote.id])
    assert info.value.field == f"document_ids[{len(ids) - 1}].state"
    assert _state(book) == before
    done = book.documents.issue_many(ids[:-1])
    assert [d.number for d in done if d.type.value == "sales_invoice"] == [
        f"INV-2026-{n:05}" for n in range(2, 9)]
    assert book.ledger.verify().ok


def test_the_aging_on_sql_equals_the_aging_in_memory(book: bc.Backoffice) -> None:
    reference = _book("memory://")
    ids = _drafts(reference)
    _drafts(book)
    for bo in (reference, book):
        bo.documents.issue_many(ids)
        party = bo.documents.find(type="sales_invoice")[0].party_id
        bo.documents.record_payment(party, Money("100.00", "USD"), date(2026, 2, 10),
                                    allocate_to=ids[:1])
    for day in (date(2026, 1, 31), date(2026, 3, 31)):
        for side in ("sales", "purchase"):
            assert book.documents.aging(day, side=side) == \
                reference.documents.aging(day, side=side)
        assert book.documents.overdue(day) == reference.documents.overdue(day)


# ----------------------------------------------------------------------------- mappers
def _reference_decode(value: Any) -> Any:
    """A plain recursive reading of the stored tree (what the decoder did before hooks)."""
    if type(value) is list:
        return tuple(_reference_decode(v) for v in value)
    if type(value) is not dict:
        return value
    tag = value["@"]
    if tag == "$":
        return Money(Decimal(value["a"]), value["c"])
    if tag == "D":
        return Decimal(value["v"])
    if tag == "T":
        return datetime.fromisoformat(value["v"])
    if tag == "d":
        return date.fromisoformat(value["v"])
    if tag == "E":
        return mappers.ENUMS[value["t"]][value["n"]]
    if tag == "L":
        return [_reference_decode(v) for v in value["v"]]
    if tag == "M":
        return {_reference_decode(k): _reference_decode(v) for k, v in value["v"]}
    cls = mappers.CLASSES[tag]
    fields = mappers._FIELDS[cls]
    return cls(**{alias: _reference_decode(value[name]) for name, alias in fields
                  if name in value})


AWKWARD = ['quote " and \\ back', "tab\tnew\nline", "NUL\x00", "é ü ß 中文 🧾", "\u2028",
           "", " ", "<b>&amp;</b>"]


def _values() -> list[Any]:
    doc = s.document("d-1", "p-1", number="INV-1", state=s.DocumentState.ISSUED)
    out: list[Any] = [doc, s.document("d-2", "p-1"), s.party(), s.payment("pay-1", "p-1"),
                      s.allocation("a-1", "d-1", "pay-1"), s.allocation("a-2", "d-1", None),
                      s.handover("h-1", "d-1"), s.settings()]
    for text in AWKWARD:
        out.append(s.party("p-9", f"Acme {text}"))
        out.append(s.document("d-9", "p-9", note=text, external_number=text))
    out += [(1, -0, 2**70, True, False, None, "x"), (Decimal("-0.00"), Decimal("1E+3")),
            ((), ((),)), Money("-0.001", "KWD"), date(1, 1, 1),
            datetime(2026, 1, 1, tzinfo=UTC)]
    return out


@pytest.mark.parametrize("value", _values(), ids=lambda v: type(v).__name__)
def test_the_fast_mappers_agree_with_the_checking_ones(value: Any) -> None:
    text = mappers.encode(value)
    assert text == json.dumps(mappers._enc(value, "x"), separators=(",", ":"),
                              ensure_ascii=False)
    back = mappers.decode(text)
    assert back == value == _reference_decode(json.loads(text))
    assert mappers.encode(back) == text  # exponents and offsets survive the round trip


def test_unstorable_values_are_still_named() -> None:
    for bad, field in (((1.5,), "tuple[0]"), ((s.party(), object()), "tuple[1]")):
        with pytest.raises(ValidationError) as info:
            mappers.encode(bad)
        assert info.value.field == field


def test_a_store_reads_many_documents_in_chunks(url: str) -> None:
    store = SqlStore(url)
    try:
        with store("acme") as uow:
            for i in range(2_000):
                uow.documents.add_document(s.document(f"d-{i:04}", "p-1"))
            uow.commit()
        with store("acme") as uow:
            wanted = [f"d-{i:04}" for i in range(1_999, -1, -3)] + ["nope"]
            got = uow.documents.get_documents(wanted)
            assert list(got) == wanted[:-1] and got["d-0004"] == s.document("d-0004", "p-1")
    finally:
        store.dispose()
