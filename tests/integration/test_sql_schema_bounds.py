"""What the input schemas pass at their longest, every store keeps and reads back as it was
(memory://, SQLite, PostgreSQL): no text a validated command holds is too long for a column
or an index."""

from __future__ import annotations

from typing import Any


def test_a_party_and_a_document_at_every_text_bound_are_kept(acme: Any) -> None:
    docs = acme.documents
    party = docs.import_party({
        "legal_name": "L" * 500, "code": "C" * 64, "tags": ["t" * 64],
        "tax_ids": [{"scheme": "OTHER", "value": "T" * 64}],
        "addresses": [{"lines": ["a" * 500] * 5, "city": "c" * 500, "postal_code": "9" * 20,
                       "country": "FR", "region": "r" * 500, "kind": "k" * 40}],
        "contacts": [{"name": "n" * 500, "email": "e" * 242 + "@example.org",
                      "phone": "+" + "1" * 39, "role": "r" * 500}],
        "payment_terms": {"net_days": 30, "description": "d" * 500}})
    tax = {"category": "E", "exemption_reason": "x" * 1000, "exemption_code": "V" * 64}
    doc = docs.import_document({
        "type": "sales_invoice", "party_id": party.id, "date": "2026-01-05",
        "due_date": "2026-01-05", "note": "n" * 10_000, "external_number": "e" * 200,
        "buyer_reference": "b" * 200, "dimensions": {"d" * 200: "v" * 200},
        "payment_terms": {"net_days": 30, "description": "d" * 500},
        "lines": [{"id": "i" * 64, "description": "D" * 2000, "quantity": "1",
                   "unit_price": "10.00", "tax": tax, "note": "N" * 1000,
                   "account": "4" * 64, "dimensions": {"p" * 200: "q" * 200},
                   "allowances_charges": [{"amount": "1.00", "reason": "R" * 1000,
                                           "reason_code": "95"}]}]})
    assert docs.party(party.id) == party
    assert docs.get(doc.id) == doc
    assert docs.party_by_code("C" * 64) == party
    assert docs.parties(tax_id="T" * 64, tag="t" * 64) == [party]
