"""from_ubl matches an incoming party to the book's by its code (BT-29 / BT-46).

A UBL party carries our code for it in ``cac:PartyIdentification/cbc:ID`` (the seller or
buyer identifier, as to_ubl writes ``Party.code``). from_ubl returned a new party every
time, with an id made from its endpoint, so an imported bill was not the supplier's
bill in the book. Given the book's parties (``parties=bo.documents``), it now returns the
party of the book with that code (ignoring case, as codes are compared) and puts its id
on the document; a party without a code, or with a code the book does not know, comes
back as read.
"""

from __future__ import annotations

import attrs
import pytest

import backoffice_core as bc
from backoffice_core.documents import Document, Party
from backoffice_core.documents.ubl import from_ubl, to_ubl
from backoffice_core.errors import ValidationError


def _bo() -> bc.Backoffice:
    bo = bc.Backoffice.open("memory://")
    bo.ledger.setup("Polder", currency="EUR", chart="generic")
    return bo


def test_a_bill_is_put_on_the_supplier_with_its_code(samples: dict[str, Document],
                                                    seller: Party, buyer: Party) -> None:
    bo = _bo()
    known = bo.documents.create_party("Nordlicht", code="sup-7", is_customer=False,
                                      is_supplier=True)
    xml = to_ubl(samples["multiple_rates"], seller=seller, buyer=buyer)  # seller code SUP-7
    bill, supplier, us = from_ubl(xml, direction="purchase", parties=bo.documents)
    assert bill.party_id == known.id and supplier == known
    assert us.id == "9944:NL123456789B01"  # no party of the book has C-42: as read
    draft = bo.documents.create("supplier_bill", bill.party_id, bill.date, bill.lines,
                                external_number=bill.external_number)
    assert draft.party_id == known.id


def test_a_sale_is_put_on_the_customer_with_its_code(samples: dict[str, Document],
                                                     seller: Party, buyer: Party) -> None:
    bo = _bo()
    customer = bo.documents.create_party("Polder", code="C-42")
    xml = to_ubl(samples["multiple_rates"], seller=seller, buyer=buyer)
    invoice, _, got = from_ubl(xml, parties=bo.documents)
    assert invoice.party_id == customer.id and got == customer


def test_without_a_code_or_the_book_the_parties_come_back_as_read(
        samples: dict[str, Document], seller: Party, buyer: Party) -> None:
    bo = _bo()
    bo.documents.create_party("Polder", code="C-42")
    xml = to_ubl(samples["multiple_rates"], seller=seller,
                 buyer=attrs.evolve(buyer, code=""))
    invoice, _, got = from_ubl(xml, parties=bo.documents)
    assert got.id == invoice.party_id == "9944:NL123456789B01"
    assert from_ubl(xml)[0] == invoice


def test_parties_must_offer_party_by_code(samples: dict[str, Document], seller: Party,
                                          buyer: Party) -> None:
    xml = to_ubl(samples["multiple_rates"], seller=seller, buyer=buyer)
    with pytest.raises(ValidationError) as info:
        from_ubl(xml, parties=object())  # type: ignore[arg-type]
    assert info.value.field == "parties"
