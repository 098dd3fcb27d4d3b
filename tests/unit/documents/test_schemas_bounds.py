"""The boundary schemas' bounds: text lengths, percentages, quantities, due dates and the one
rule of decimal text; the schema and the domain refuse and accept the same values."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from pydantic import BaseModel, TypeAdapter

from backoffice_core.documents import DraftSpec, Tax, line
from backoffice_core.documents.lines import AllowanceCharge
from backoffice_core.documents.taxes import TaxCategory
from backoffice_core.errors import ValidationError
from backoffice_core.schemas import parse_document, parse_party
from backoffice_core.schemas._common import STRICT, DecimalStr, validate
from backoffice_core.schemas.ledger import _Amount, parse_entry

_TAX = {"category": "S", "rate": "20"}
_LINE = {"description": "Widget", "quantity": "2", "unit_price": "10.00", "tax": _TAX}


def _doc(line: dict[str, Any] | None = None, **over: Any) -> dict[str, Any]:
    return {"type": "sales_invoice", "party_id": "p-1", "date": "2026-01-05",
            "lines": [{**_LINE, **(line or {})}], **over}


def _party(**over: Any) -> dict[str, Any]:
    return {"legal_name": "Acme", **over}


def _at(path: str, text: str) -> dict[str, Any]:
    """A document or party whose field at ``path`` holds ``text``."""
    return _PLACES[path](text)


_PLACES: dict[str, Callable[[str], dict[str, Any]]] = {
    "note": lambda t: _doc(note=t),
    "party_id": lambda t: _doc(party_id=t),
    "external_number": lambda t: _doc(external_number=t),
    "buyer_reference": lambda t: _doc(buyer_reference=t),
    "dimensions.project": lambda t: _doc(dimensions={"project": t}),
    "lines[0].id": lambda t: _doc({"id": t}),
    "lines[0].description": lambda t: _doc({"description": t}),
    "lines[0].note": lambda t: _doc({"note": t}),
    "lines[0].item_id": lambda t: _doc({"item_id": t}),
    "lines[0].account": lambda t: _doc({"account": t}),
    "lines[0].dimensions.project": lambda t: _doc({"dimensions": {"project": t}}),
    "lines[0].tax.exemption_reason": lambda t: _doc(
        {"tax": {"category": "E", "exemption_reason": t}}),
    "lines[0].tax.exemption_code": lambda t: _doc(
        {"tax": {"category": "E", "exemption_code": t}}),
    "lines[0].allowances_charges[0].reason": lambda t: _doc(
        {"allowances_charges": [{"amount": "1", "reason": t}]}),
    "lines[0].allowances_charges[0].account": lambda t: _doc(
        {"allowances_charges": [{"amount": "1", "account": t}]}),
    "payment_terms.description": lambda t: _doc(
        payment_terms={"net_days": 30, "description": t}),
    "legal_name": lambda t: _party(legal_name=t),
    "code": lambda t: _party(code=t),
    "tags[0]": lambda t: _party(tags=[t]),
    "tax_ids[0].value": lambda t: _party(tax_ids=[{"scheme": "OTHER", "value": t}]),
    "addresses[0].lines[0]": lambda t: _party(addresses=[{"country": "FR", "lines": [t]}]),
    "addresses[0].city": lambda t: _party(addresses=[{"country": "FR", "city": t}]),
    "addresses[0].postal_code": lambda t: _party(
        addresses=[{"country": "FR", "postal_code": t}]),
    "addresses[0].region": lambda t: _party(addresses=[{"country": "FR", "region": t}]),
    "addresses[0].kind": lambda t: _party(addresses=[{"country": "FR", "kind": t}]),
    "contacts[0].name": lambda t: _party(contacts=[{"name": t}]),
    "contacts[0].role": lambda t: _party(contacts=[{"name": "Ann", "role": t}]),
    "contacts[0].phone": lambda t: _party(contacts=[{"name": "Ann", "phone": t}]),
    "contacts[0].email": lambda t: _party(contacts=[{"name": "Ann", "email": t}]),
}
#: every free-text field of the schemas with its longest text: the domain's limit where it
#: has one (lines, allowances, terms, parties), MAX_KEY_CHARS for indexed identifiers
LIMITS = {
    "note": 10_000, "party_id": 200, "external_number": 200, "buyer_reference": 200,
    "dimensions.project": 200, "lines[0].id": 64, "lines[0].description": 2000,
    "lines[0].note": 1000, "lines[0].item_id": 64, "lines[0].account": 64,
    "lines[0].dimensions.project": 200, "lines[0].tax.exemption_reason": 1000,
    "lines[0].tax.exemption_code": 64, "lines[0].allowances_charges[0].reason": 1000,
    "lines[0].allowances_charges[0].account": 64, "payment_terms.description": 500,
    "legal_name": 500, "code": 64, "tags[0]": 64, "tax_ids[0].value": 64,
    "addresses[0].lines[0]": 500, "addresses[0].city": 500, "addresses[0].postal_code": 20,
    "addresses[0].region": 500, "addresses[0].kind": 40, "contacts[0].name": 500,
    "contacts[0].role": 500, "contacts[0].phone": 40, "contacts[0].email": 254,
}


def _fill(path: str, n: int) -> str:
    """Valid text of ``n`` characters for the field at ``path``."""
    if path.endswith("phone"):
        return "+" + "1" * (n - 1)
    if path.endswith("email"):
        return "a" * (n - len("@example.org")) + "@example.org"
    return "x" * n


def _parse(data: dict[str, Any]) -> Any:
    return parse_document(data) if "lines" in data else parse_party(data)


@pytest.mark.parametrize("path", sorted(LIMITS))
def test_free_text_is_bounded_and_the_error_names_its_path(path: str) -> None:
    limit = LIMITS[path]
    _parse(_at(path, _fill(path, limit)))  # the longest text passes schema and domain
    with pytest.raises(ValidationError) as info:
        _parse(_at(path, _fill(path, limit + 1)))
    assert [p for p, _, _ in info.value.errors] == [path]
    assert info.value.field == path
    if path.startswith(("addresses", "contacts")):  # personal data: masked
        assert _fill(path, limit + 1)[:8] not in repr(info.value.errors)


def test_a_dimension_name_too_long_names_the_dimensions() -> None:
    name = "n" * 201
    for data, where in ((_doc(dimensions={name: "x"}), "dimensions"),
                        (_doc({"dimensions": {name: "x"}}), "lines[0].dimensions")):
        with pytest.raises(ValidationError) as info:
            parse_document(data)
        assert [(p, v) for p, v, _ in info.value.errors] == [(where, name)]


def test_a_document_at_every_bound_is_created(book: Any) -> None:
    # what the schema passes, the domain keeps: no field is refused later for its length
    data = _doc({"note": "n" * 1000, "description": "d" * 2000, "item_id": "i" * 64},
                party_id=book.acme.id, note="n" * 10_000, external_number="e" * 200,
                buyer_reference="b" * 200, dimensions={"d" * 200: "v" * 200})
    doc = book.docs.import_document(data)
    assert (len(doc.note), len(doc.lines[0].description)) == (10_000, 2000)


# ------------------------------------------------------------------ quantity zero
def test_a_zero_quantity_line_is_accepted_by_schema_and_domain(book: Any) -> None:
    # EN 16931 BR-22 asks that a line has its invoiced quantity (BT-129), not that it be
    # non-zero; Odoo and Peppol exports take 0 too (a line shown, not charged)
    spec = parse_document(_doc({"quantity": "0"}))
    assert spec["lines"][0].quantity == 0
    doc = book.docs.import_document(_doc({"quantity": "0"}, party_id=book.acme.id,
                                         lines=[{**_LINE, "quantity": "0"}, _LINE]))
    assert [ln.quantity for ln in doc.lines] == [0, 2]
    assert doc.totals.line_total.amount == Decimal("20.00")


# ------------------------------------------------------------------ percentages
@pytest.mark.parametrize("where", ["line", "document"])
def test_an_allowance_over_100_percent_is_refused_by_schema_and_domain(book: Any,
                                                                       where: str) -> None:
    def data(percent: str, charge: bool = False) -> dict[str, Any]:
        ac = {"percent": percent, "is_charge": charge}
        if where == "line":
            return _doc({"allowances_charges": [ac]}, party_id=book.acme.id)
        return _doc(party_id=book.acme.id, allowances_charges=[{**ac, "tax": _TAX}])

    path = ("lines[0]." if where == "line" else "") + "allowances_charges[0].percent"
    with pytest.raises(ValidationError) as info:
        parse_document(data("100.01"))
    assert [(p, v) for p, v, _ in info.value.errors] == [(path, "100.01")]
    assert book.docs.import_document(data("100")).totals is not None
    assert book.docs.import_document(data("150", charge=True)).totals is not None  # a charge
    # the domain, given the same allowance by the Python API, refuses it at the same path
    with pytest.raises(ValidationError) as info:
        if where == "line":
            book.docs.create("sales_invoice", book.acme.id, date(2026, 1, 5), [
                line("W", 2, "10.00", Tax.standard(20), discount="100.01")])
        else:
            book.docs.create("sales_invoice", book.acme.id, date(2026, 1, 5),
                             [line("W", 2, "10.00", Tax.standard(20))],
                             allowances_charges=[AllowanceCharge.allowance(
                                 percent=Decimal("100.01"), tax=Tax.standard(20))])
    assert (info.value.field, info.value.value) == (path, Decimal("100.01"))


@pytest.mark.parametrize(("rate", "ok"), [("100", True), ("999.99", True), ("1000", False),
                                          ("-1", False)])
def test_schema_and_domain_agree_on_the_tax_rate(rate: str, ok: bool) -> None:
    # a rate of 100 % or more is no nonsense the way a discount over 100 % is (EN 16931
    # sets no upper bound on BT-152): both take 0 up to 1000, as the UBL import does
    def domain() -> Any:
        return Tax.standard(Decimal(rate))

    if ok:
        assert parse_document(_doc({"tax": {"category": "S", "rate": rate}}))
        assert domain().rate == Decimal(rate)
        return
    with pytest.raises(ValidationError) as info:
        parse_document(_doc({"tax": {"category": "S", "rate": rate}}))
    assert info.value.field == "lines[0].tax.rate"
    with pytest.raises(ValidationError):
        domain()


@pytest.mark.parametrize("field", ["discount", "instalment"])
def test_a_payment_terms_percent_over_100_names_its_path(field: str) -> None:
    terms: dict[str, Any] = {"net_days": 30, "discount": {"percent": "100.5", "days": 10}}
    path = "payment_terms.discount.percent"
    if field == "instalment":
        terms = {"instalments": [{"percent": "100.5", "days": 0}]}
        path = "payment_terms.instalments[0].percent"  # was payment_terms.percent
    for parse, data in ((parse_party, _party(payment_terms=terms)),
                        (parse_document, _doc(payment_terms=terms))):
        with pytest.raises(ValidationError) as info:
            parse(data)
        assert [(p, str(v)) for p, v, _ in info.value.errors] == [(path, "100.5")]


# ------------------------------------------------------------------ due date
def test_a_due_date_before_the_document_date_is_refused_by_the_schema() -> None:
    assert parse_document(_doc(due_date="2026-01-05"))["due_date"] == date(2026, 1, 5)
    with pytest.raises(ValidationError) as info:
        parse_document(_doc(due_date="2026-01-04"))
    assert [(p, v) for p, v, _ in info.value.errors] == [("due_date", "2026-01-04")]
    assert "before the document date (2026-01-05)" in info.value.errors[0][2]


def test_a_due_date_before_the_document_date_is_refused_by_the_domain(book: Any) -> None:
    lines = [line("W", 1, "10.00", Tax.standard(20))]
    day, early = date(2026, 1, 5), date(2026, 1, 4)
    before = book.docs.find()
    with pytest.raises(ValidationError) as info:
        book.docs.create("sales_invoice", book.acme.id, day, lines, due_date=early)
    assert (info.value.field, info.value.value) == ("due_date", early)
    with pytest.raises(ValidationError) as info:
        book.docs.create_many([DraftSpec("sales_invoice", book.acme.id, day, lines,
                                         fields={"due_date": early})])
    assert info.value.field == "drafts[0].due_date"
    assert book.docs.find() == before
    doc = book.docs.create("sales_invoice", book.acme.id, day, lines, due_date=day)
    for changes in ({"due_date": early}, {"date": date(2026, 1, 6)}):
        with pytest.raises(ValidationError) as info:
            book.docs.update(doc.id, version=doc.version, **changes)
        assert info.value.field == "due_date"
    assert book.docs.get(doc.id) == doc
    moved = book.docs.update(doc.id, version=doc.version, date=date(2026, 1, 6),
                             due_date=date(2026, 2, 5))
    assert book.docs.update(moved.id, version=moved.version, note="ok").note == "ok"


# ------------------------------------------------------------------ decimal text
class _Probe(BaseModel):
    model_config = STRICT
    v: DecimalStr


_LEDGER_AMOUNT: TypeAdapter[Any] = TypeAdapter(_Amount)


def _schemas_accept(text: str) -> tuple[bool, bool]:
    """Whether the document/party rule and the ledger import's rule take ``text``."""
    try:
        validate(_Probe, {"v": text})
        documents = True
    except ValidationError:
        documents = False
    try:
        _LEDGER_AMOUNT.validate_python(text)
        ledger = True
    except ValueError:
        ledger = False
    return documents, ledger


@pytest.mark.parametrize(("text", "ok"), [
    ("1" * 40, True), ("-" + "1" * 40 + "." + "2" * 22, True), ("0." + "5" * 40, True),
    ("1" * 41, False), ("1." + "5" * 41, False), ("1" * 40 + "." + "2" * 24, False),
    ("1\n", False), ("1e3", False), ("\u0661", False), ("1.", False), ("", False)])
def test_documents_parties_and_the_ledger_import_share_one_decimal_rule(text: str,
                                                                        ok: bool) -> None:
    # the ledger import took 64 characters of any split, the documents 40 digits each side
    # (up to 83 characters): one rule now, the stricter of the two on each count
    assert _schemas_accept(text) == (ok, ok)


def test_the_ledger_import_refuses_41_digits_with_its_path() -> None:
    with pytest.raises(ValidationError) as info:
        parse_entry('{"date": "2026-01-05", "description": "x", "lines": ['
                    f'{{"account": "1110", "amount": "0.{"1" * 41}"}}]}}')
    assert info.value.field == "entry.lines[0].amount"
    assert "at most 40 digits each side" in info.value.errors[0][2]


# ------------------------------------------------------------------ tax texts
@pytest.mark.parametrize(("field", "text"), [("exemption_reason", "Exempt\x00"),
                                             ("exemption_code", "VATEX\nEU"),
                                             ("name", "re\tduced")])
def test_a_tax_text_follows_the_text_rule_in_schema_and_domain(field: str, text: str) -> None:
    # the exemption reason is free text (tab and line breaks pass), the code and the name
    # one line, as every other text of a document; they reached the store and the UBL
    if field != "name":
        with pytest.raises(ValidationError) as info:
            parse_document(_doc({"tax": {"category": "E", field: text}}))
        assert [(p, v) for p, v, _ in info.value.errors] == [(f"lines[0].tax.{field}", text)]
    with pytest.raises(ValidationError) as info:
        Tax(TaxCategory.EXEMPT, 0, **{field: text})
    assert (info.value.field, info.value.value) == (field, text)
    assert Tax(TaxCategory.EXEMPT, 0, exemption_reason="Art. 132\n(1)(b)\tVAT Directive")
