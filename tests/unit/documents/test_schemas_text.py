"""The boundary schemas and the domain agree on text: surrounding spaces (stripped by the
party domain before it measures), control characters in a document's own text, and the
dates of a quote."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from backoffice_core.documents import Party
from backoffice_core.errors import ValidationError
from backoffice_core.schemas import parse_party

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
