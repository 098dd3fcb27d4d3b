"""The boundary schemas and the domain agree on text: surrounding spaces (stripped by the
party domain before it measures), control characters in a document's own text, and the
dates of a quote."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest

from backoffice_core.documents import DraftSpec, Party, Tax, line
from backoffice_core.errors import BackofficeError, ValidationError
from backoffice_core.schemas import parse_document, parse_party

#: path -> (the domain's limit, a party whose field at path holds the text)
_TRIMMED: dict[str, tuple[int, Callable[[str], dict[str, Any]]]] = {
    "legal_name": (500, lambda t: {"legal_name": t}),
    "code": (64, lambda t: {"legal_name": "A", "code": t}),
    "tax_ids[0].value": (64, lambda t: {"legal_name": "A", "tax_ids": [
        {"scheme": "OTHER", "value": t}]}),
    "addresses[0].lines[0]": (500, lambda t: {"legal_name": "A", "addresses": [
        {"country": "FR", "lines": [t]}]}),
    "addresses[0].city": (500, lambda t: {"legal_name": "A", "addresses": [
        {"country": "FR", "city": t}]}),
    "addresses[0].postal_code": (20, lambda t: {"legal_name": "A", "addresses": [
        {"country": "FR", "postal_code": t}]}),
    "addresses[0].region": (500, lambda t: {"legal_name": "A", "addresses": [
        {"country": "FR", "region": t}]}),
    "addresses[0].kind": (40, lambda t: {"legal_name": "A", "addresses": [
        {"country": "FR", "kind": t}]}),
    "contacts[0].name": (500, lambda t: {"legal_name": "A", "contacts": [{"name": t}]}),
    "contacts[0].role": (500, lambda t: {"legal_name": "A", "contacts": [
        {"name": "Ann", "role": t}]}),
    "payment_terms.description": (500, lambda t: {"legal_name": "A", "payment_terms": {
        "net_days": 30, "description": t}}),
    "tags[0]": (64, lambda t: {"legal_name": "A", "tags": [t]}),
}


def _text(limit: int) -> str:
    return "7" * limit  # digits: a valid code, tax id, postal code and name alike


@pytest.mark.parametrize("path", sorted(_TRIMMED))
def test_surrounding_spaces_do_not_make_text_too_long(path: str) -> None:
    """The party domain strips text before it measures it; the schema does the same."""
    limit, make = _TRIMMED[path]
    fields = parse_party(make(f"  {_text(limit)} \n"))
    party = Party("p-1", **fields)  # the domain takes what the schema passed
    assert party == Party("p-1", **parse_party(make(_text(limit))))
    with pytest.raises(ValidationError) as info:
        parse_party(make(f" {_text(limit + 1)} "))
    assert info.value.field == path


@pytest.mark.parametrize(("email", "phone"), [(" ann@example.com ", " +33 1 23 45 ")])
def test_contact_email_and_phone_are_stripped_as_the_domain_strips_them(email: str,
                                                                        phone: str) -> None:
    contact = parse_party({"legal_name": "A", "contacts": [
        {"name": "Ann", "email": email, "phone": phone}]})["contacts"][0]
    assert (contact.email, contact.phone) == (email.strip(), phone.strip())
    long_email = " " + "a" * 242 + "@example.com "  # 254 characters, 256 with the spaces
    assert parse_party({"legal_name": "A", "contacts": [
        {"name": "Ann", "email": long_email}]})["contacts"][0].email == long_email.strip()


@pytest.mark.parametrize("path", ["legal_name", "contacts[0].name"])
def test_a_blank_name_is_refused_by_the_schema(path: str) -> None:
    with pytest.raises(ValidationError) as info:
        parse_party(_TRIMMED[path][1]("   "))
    assert info.value.field == path


def test_a_tag_is_measured_as_kept_by_schema_and_domain() -> None:
    """A tag is kept stripped (and lower-cased): both measure it stripped, so spaces around
    it never make it too long, and a blank tag is refused by the schema as by the domain."""
    padded = f"  {'T' * 64}\t"
    assert Party("p-1", "A", tags=[padded]).tags == ("t" * 64,)
    assert parse_party({"legal_name": "A", "tags": [padded]})["tags"] == ("T" * 64,)
    for tag in (f" {'t' * 65} ", "   "):
        with pytest.raises(ValidationError) as info:
            Party("p-1", "A", tags=["ok", tag])
        assert (info.value.field, info.value.value) == ("tags[1]", tag)
        with pytest.raises(ValidationError) as info:
            parse_party({"legal_name": "A", "tags": ["ok", tag]})
        assert info.value.field == "tags[1]"


# ------------------------------------------------------------------ a document's own text
_LINE = {"description": "Widget", "quantity": "2", "unit_price": "10.00",
         "tax": {"category": "S", "rate": "20"}}


def _doc(**over: Any) -> dict[str, Any]:
    return {"type": "quote", "party_id": "p-1", "date": "2026-01-05", "lines": [_LINE],
            **over}


@pytest.mark.parametrize(("over", "path", "value"), [
    ({"note": "Thanks\x00"}, "note", "Thanks\x00"),
    ({"note": "Bad\x1b[31m"}, "note", "Bad\x1b[31m"),
    ({"external_number": "PO-1\n2"}, "external_number", "PO-1\n2"),
    ({"buyer_reference": "BR\t6"}, "buyer_reference", "BR\t6"),
    ({"party_id": "p-1\r"}, "party_id", "p-1\r"),
    ({"dimensions": {"project": "P\x01"}}, "dimensions.project", "P\x01"),
    ({"dimensions": {"pro\x7fject": "P"}}, "dimensions", "pro\x7fject"),
])
def test_control_characters_in_a_documents_own_text_are_refused_by_the_schema(
        book: Any, over: dict[str, Any], path: str, value: str) -> None:
    """parse_document alone refuses what create refuses, naming the path (as on a line)."""
    with pytest.raises(ValidationError) as info:
        parse_document(_doc(**over))
    assert (info.value.field, info.value.value) == (path, value)
    fields = {k: v for k, v in over.items() if k != "party_id"}
    with pytest.raises(BackofficeError) as info:  # the domain's: the same field (a party
        book.docs.create("quote", over.get("party_id", book.acme.id), date(2026, 1, 5),
                         [line("W", 1, "10.00", Tax.standard(20))], **fields)
    assert info.value.field == path  # id is looked up first: no such party)


def test_multi_line_text_passes_where_the_domain_takes_it() -> None:
    spec = parse_document(_doc(note="Line 1\n\tLine 2", dimensions={"team": "A B"}))
    assert spec["note"] == "Line 1\n\tLine 2"


def test_the_same_rule_as_on_a_line() -> None:
    with pytest.raises(ValidationError) as on_line:
        parse_document(_doc(lines=[{**_LINE, "dimensions": {"project": "P\x01"}}]))
    with pytest.raises(ValidationError) as on_doc:
        parse_document(_doc(dimensions={"project": "P\x01"}))
    assert on_line.value.field == "lines[0]." + on_doc.value.field
    assert on_line.value.message == on_doc.value.message


# ------------------------------------------------------------------ a quote's valid_until
def test_valid_until_before_the_document_date_is_refused_by_the_schema() -> None:
    assert parse_document(_doc(valid_until="2026-01-05"))["valid_until"] == date(2026, 1, 5)
    with pytest.raises(ValidationError) as info:
        parse_document(_doc(valid_until="2026-01-04"))
    assert (info.value.field, info.value.value) == ("valid_until", "2026-01-04")
    assert "before the document date (2026-01-05)" in info.value.message


def test_valid_until_before_the_document_date_is_refused_by_the_domain(book: Any) -> None:
    lines = [line("W", 1, "10.00", Tax.standard(20))]
    day, early = date(2026, 1, 5), date(2026, 1, 4)
    before = book.docs.find()
    with pytest.raises(ValidationError) as info:
        book.docs.create("quote", book.acme.id, day, lines, valid_until=early)
    assert (info.value.field, info.value.value) == ("valid_until", early)
    with pytest.raises(ValidationError) as info:
        book.docs.create_many([DraftSpec("quote", book.acme.id, day, lines,
                                         fields={"valid_until": early})])
    assert info.value.field == "drafts[0].valid_until"
    assert book.docs.find() == before
    doc = book.docs.create("quote", book.acme.id, day, lines, valid_until=day)
    for changes in ({"valid_until": early}, {"date": date(2026, 1, 6)}):
        with pytest.raises(ValidationError) as info:
            book.docs.update(doc.id, version=doc.version, **changes)
        assert info.value.field == "valid_until"
    assert book.docs.get(doc.id) == doc
    moved = book.docs.update(doc.id, version=doc.version, date=date(2026, 1, 6),
                             valid_until=date(2026, 2, 5))
    assert book.docs.update(moved.id, version=moved.version, note="ok").note == "ok"
