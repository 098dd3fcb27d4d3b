"""``create_many``: the same drafts as ``create`` one by one, all or none, errors naming the draft.

Two books built alike (fixed clock, sequential ids) take the same drafts; one creates
them one by one with ``create``, the other in one ``create_many`` call. Everything
observable must be equal: the documents (ids in order, totals, audit trail), and the
book after issuing them. A refused draft leaves the book as it was.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest

from backoffice_core.adapters.memory_documents import MemoryDocumentsRepository
from backoffice_core.documents import AllowanceCharge, DraftSpec, PaymentTerms, Tax, line
from backoffice_core.errors import DuplicateError, NotFoundError, ValidationError
from backoffice_core.money import Money


def _specs(book: Any) -> list[DraftSpec]:
    """Drafts of several types, parties, currencies and optional fields."""
    acme, paper = book.acme.id, book.paperco.id
    return [
        DraftSpec("sales_invoice", acme, date(2026, 1, 5), [
            line("Widget", 3, "19.99", Tax.standard(20), discount=5),
            line("Any", 2, "12.50", Tax.reduced(7))],
            fields={"allowances_charges": [AllowanceCharge.charge(
                "4.90", reason="Freight", tax=Tax.standard(20))], "note": "first"}),
        DraftSpec("sales_invoice", acme, date(2026, 1, 9), [
            line("Consulting", 5, "120.00", Tax.standard(19))], currency="EUR",
            fields={"prepaid": "10.00", "due_date": date(2026, 2, 9)}),
        DraftSpec("supplier_bill", paper, date(2026, 1, 11), [
            line("Rent", 1, "800.00", Tax.zero(), account="6200")],
            fields={"external_number": "R-1"}),
        DraftSpec("quote", acme, date(2026, 1, 12), [
            line("Design", 10, "80.00", Tax.standard(20))],
            fields={"valid_until": date(2026, 2, 12), "payment_terms": PaymentTerms.net(7)}),
        DraftSpec("sales_invoice", acme, date(2026, 1, 14), [
            line("Gross", 2, "11.90", Tax.standard(19), price_includes_tax=True)],
            fields={"buyer_reference": "PO-77"}),
    ]


def _create_one_by_one(book: Any, specs: list[DraftSpec], user: str) -> list[Any]:
    return [book.docs.create(s.type, s.party_id, s.date, s.lines, currency=s.currency,
                             user=user, **s.fields) for s in specs]


@pytest.fixture
def pair(make_book: Callable[..., Any]) -> tuple[Any, Any]:
    return make_book(), make_book()


def test_create_many_equals_create_one_by_one(pair: tuple[Any, Any], observe: Any) -> None:
    one, many = pair
    singly = _create_one_by_one(one, _specs(one), "shop")
    bulk = many.docs.create_many(_specs(many), user="shop")
    assert bulk == singly
    assert [d.id for d in bulk] == [d.id for d in singly]
    assert len({d.id for d in bulk}) == len(bulk)
    assert [d.history for d in bulk] == [d.history for d in singly]
    assert all(d.history[0].user == "shop" and d.history[0].action == "create" for d in bulk)
    assert observe(many.bo) == observe(one.bo)
    # what follows sees the same drafts: issuing them gives the same book
    one.docs.issue_many([d.id for d in singly], user="ann")
    many.docs.issue_many([d.id for d in bulk], user="ann")
    assert observe(many.bo) == observe(one.bo)


def test_create_many_takes_any_iterable_and_returns_the_drafts_in_order(
        book: Any) -> None:
    specs = _specs(book)
    got = book.docs.create_many(s for s in reversed(specs))
    assert [d.date for d in got] == [s.date for s in reversed(specs)]
    assert [book.docs.get(d.id) for d in got] == got


@pytest.mark.parametrize(("bad", "error", "field"), [
    ({"party_id": "nobody"}, NotFoundError, "drafts[2].party_id"),
    ({"type": "invoice-ish"}, ValidationError, "drafts[2].type"),
    ({"fields": {"colour": "red"}}, ValidationError, "drafts[2].colour"),
    ({"fields": {"user": "eve"}}, ValidationError, "drafts[2].user"),
    ({"type": "sales_invoice"}, ValidationError, "drafts[2].party_id"),  # a supplier
    ({"currency": "XXQ"}, NotFoundError, "drafts[2].currency"),
    ({"fields": {"prepaid": "abc"}}, ValidationError, "drafts[2].prepaid"),
    ({"lines": ["not a line"]}, ValidationError, "drafts[2].lines[0]"),
    ({"lines": None}, ValidationError, "drafts[2].lines"),  # (a bare TypeError before)
    ({"lines": 5}, ValidationError, "drafts[2].lines"),
    ({"lines": "not a list"}, ValidationError, "drafts[2].lines"),
])
def test_a_refused_draft_names_its_index_and_saves_nothing(
        book: Any, unchanged: Any, bad: dict[str, Any], error: type[Exception],
        field: str) -> None:
    specs = _specs(book)
    specs[2] = DraftSpec(**{**_as_dict(specs[2]), **bad})
    info = unchanged(book.bo, error, book.docs.create_many, specs)
    got = info.value.field  # type: ignore[attr-defined]
    assert got == field
    if "user" in specs[2].fields:
        return  # create() cannot even be called so: user is its own keyword
    # the very error create() gives, only named after the draft
    with pytest.raises(error) as single:
        _create_one_by_one(book, [specs[2]], "system")
    assert got == "drafts[2]" + (f".{single.value.field}"  # type: ignore[attr-defined]
                                 if single.value.field else "")  # type: ignore[attr-defined]


def _as_dict(spec: DraftSpec) -> dict[str, Any]:
    return {"type": spec.type, "party_id": spec.party_id, "date": spec.date,
            "lines": spec.lines, "currency": spec.currency, "fields": dict(spec.fields)}


def test_an_archived_party_is_refused_like_create_does(book: Any, unchanged: Any) -> None:
    gone = book.docs.create_party("Gone Ltd")
    book.docs.update_party(gone.id, version=gone.version, archived=True)
    specs = [*_specs(book)[:1], DraftSpec("quote", gone.id, date(2026, 1, 5), [
        line("A", 1, "1.00", Tax.zero())])]
    info = unchanged(book.bo, ValidationError, book.docs.create_many, specs)
    assert info.value.field == "drafts[1].party_id"


def test_an_empty_list_creates_nothing(book: Any, observe: Any) -> None:
    before = observe(book.bo)
    assert book.docs.create_many([]) == []
    assert book.docs.create_many(iter(())) == []
    assert observe(book.bo) == before


@pytest.mark.parametrize(("drafts", "field"), [
    ("sales_invoice", "drafts"),
    (None, "drafts"),
    (42, "drafts"),
    ({"type": "quote"}, "drafts"),
    ("one spec", "drafts"),
    ([None], "drafts[0]"),
    (["x", "y"], "drafts[0]"),
])
def test_bad_element_types_are_refused(book: Any, unchanged: Any, drafts: Any,
                                       field: str) -> None:
    info = unchanged(book.bo, ValidationError, book.docs.create_many, drafts)
    assert info.value.field == field


def test_fields_that_are_not_a_mapping_are_refused(book: Any, unchanged: Any) -> None:
    specs = _specs(book)
    specs[1] = DraftSpec(**{**_as_dict(specs[1]), "fields": [("note", "x")]})
    info = unchanged(book.bo, ValidationError, book.docs.create_many, specs)
    assert info.value.field == "drafts[1].fields"


def test_a_mapping_or_a_lone_spec_is_not_a_list_of_drafts(book: Any, unchanged: Any) -> None:
    spec = _specs(book)[0]
    info = unchanged(book.bo, ValidationError, book.docs.create_many, spec)
    assert info.value.field == "drafts"
    info = unchanged(book.bo, ValidationError, book.docs.create_many,
                     [spec, _as_dict(spec)])
    assert info.value.field == "drafts[1]"
    got = book.docs.create_many([DraftSpec(**_as_dict(spec))])[0]
    assert [ln.description for ln in got.lines] == [ln.description for ln in spec.lines]


def test_without_add_documents_it_adds_one_by_one_with_the_same_result(
        pair: tuple[Any, Any], observe: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    one, many = pair
    bulk = one.docs.create_many(_specs(one), user="shop")
    monkeypatch.delattr(MemoryDocumentsRepository, "add_documents")
    fallback = many.docs.create_many(_specs(many), user="shop")
    assert fallback == bulk
    assert observe(many.bo) == observe(one.bo)


def test_storage_refusals_name_the_draft_and_save_nothing(
        book: Any, unchanged: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    taken = book.docs.create_many(_specs(book)[:1])[0]
    ids = iter(["e-x1", taken.id, "e-x3"])  # the second draft gets an id already stored
    monkeypatch.setattr(book.bo.documents._ids, "new_id", lambda: next(ids))
    info = unchanged(book.bo, DuplicateError, book.docs.create_many, _specs(book)[:3])
    assert (info.value.field, info.value.value) == ("drafts[1].id", taken.id)
    ids = iter(["e-y1", taken.id])
    monkeypatch.delattr(MemoryDocumentsRepository, "add_documents")  # the fallback path
    info = unchanged(book.bo, DuplicateError, book.docs.create_many, _specs(book)[:2])
    assert (info.value.field, info.value.value) == ("drafts[1].id", taken.id)


def test_each_party_is_read_once_per_call(book: Any,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    reads: list[str] = []
    real = MemoryDocumentsRepository.get_party

    def counting(self: MemoryDocumentsRepository, party_id: str) -> Any:
        reads.append(party_id)
        return real(self, party_id)

    monkeypatch.setattr(MemoryDocumentsRepository, "get_party", counting)
    specs = _specs(book) * 4
    assert len(book.docs.create_many(specs)) == 20
    assert sorted(reads) == sorted({book.acme.id, book.paperco.id})


def test_prepaid_is_money_in_the_drafts_currency(book: Any) -> None:
    doc = book.docs.create_many(_specs(book))[1]
    assert doc.prepaid == Money("10.00", "EUR") and doc.currency == "EUR"
