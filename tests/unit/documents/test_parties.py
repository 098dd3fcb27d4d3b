"""Parties: tax ids (INN check digits), terms, search, masking of personal data."""

from __future__ import annotations

import logging
from datetime import date
from typing import Any

import pytest

from backoffice_core.documents import (
    Address,
    Contact,
    EarlyPaymentDiscount,
    Party,
    PaymentTerms,
    TaxId,
    TaxScheme,
)
from backoffice_core.errors import ConcurrencyError, NotFoundError, ValidationError
from backoffice_core.money import Money


@pytest.mark.parametrize("inn", ["7707083893", "500100732259", "7830002293"])
def test_valid_inns(inn: str) -> None:
    assert TaxId("INN", inn).value == inn


@pytest.mark.parametrize("inn", ["7707083890", "500100732250", "500100732209", "12345",
                                 "77070838931", "770708389a"])
def test_invalid_inns_are_refused_naming_the_value(inn: str) -> None:
    with pytest.raises(ValidationError) as info:
        TaxId(TaxScheme.INN, inn)
    assert info.value.field == "value" and info.value.value == inn


def test_inn_check_digits_by_hand() -> None:
    # 7707083893: weights 2,4,10,3,5,9,4,6,8 -> 14+28+0+21+0+72+12+48+72 = 267;
    # 267 mod 11 = 3 -> check digit 3
    assert TaxId("INN", "7707083893").value[-1] == "3"
    with pytest.raises(ValidationError):
        TaxId("INN", "7707083892")


def test_other_schemes_normalize_and_validate() -> None:
    assert TaxId("ein", "12-3456789").value == "123456789"
    assert TaxId("VAT", "de 123 456 789").value == "DE123456789"
    assert TaxId("VAT", "DE123456789").country == "DE"
    assert TaxId("KPP", "773601001").country == "RU"
    for scheme, bad in [("VAT", "123456"), ("KPP", "77360100"), ("EIN", "00-1234567"),
                        ("XYZ", "1")]:
        with pytest.raises(ValidationError):
            TaxId(scheme, bad)


def test_personal_data_is_masked_in_reprs_and_logs(caplog: pytest.LogCaptureFixture) -> None:
    contact = Contact("Johanna Schmidt", email="johanna.schmidt@example.org",
                      phone="+49 30 12345678", role="AP clerk")
    address = Address(["Unter den Linden 77"], "Berlin", "10117", "DE")
    person = Party("p-1", "Maria Gonzalez", kind="person", contacts=[contact],
                   addresses=[address])
    company = Party("p-2", "Acme GmbH", contacts=[contact], addresses=[address])
    secrets = ["Johanna", "Schmidt", "johanna.schmidt", "example.org", "12345678",
               "Unter den Linden", "10117", "Berlin", "Maria", "Gonzalez"]
    with caplog.at_level(logging.INFO):
        logging.getLogger("test").info("parties: %r %r %r %r", person, company, contact,
                                       address)
    text = caplog.text + repr([person, company, contact, address]) + str(person)
    for secret in secrets:
        assert secret not in text, secret
    assert "Acme GmbH" in text  # a company name is not personal data
    assert contact.email == "johanna.schmidt@example.org"  # the data itself is kept


def test_a_bad_email_error_does_not_echo_the_address() -> None:
    with pytest.raises(ValidationError) as info:
        Contact("Jane", email="jane.doe@nowhere")
    assert "jane.doe" not in str(info.value)


def test_payment_terms() -> None:
    issued = date(2026, 1, 15)
    assert PaymentTerms.net(30).due_date(issued) == date(2026, 2, 14)
    # end of month + 10: 2026-01-31 + 10 days
    assert PaymentTerms.end_of_month(10).due_date(issued) == date(2026, 2, 10)
    split = PaymentTerms.split((30, 0), (70, 30))
    # 100.01 split 30/70: 30.003 -> 30.00 and 70.007 -> 70.01 (largest remainder)
    assert split.schedule(issued, Money("100.01", "EUR")) == (
        (date(2026, 1, 15), Money("30.00", "EUR")), (date(2026, 2, 14), Money("70.01", "EUR")))
    terms = PaymentTerms.net(30, discount=EarlyPaymentDiscount(2, 10))
    # 2 % of 1190.00 = 23.80 within 10 days; nothing after
    assert terms.discount_amount(Money("1190.00", "EUR"), issued, date(2026, 1, 25)) == \
        Money("23.80", "EUR")
    assert terms.discount_amount(Money("1190.00", "EUR"), issued, date(2026, 1, 26)) == \
        Money("0.00", "EUR")
    with pytest.raises(ValidationError):
        PaymentTerms.split((50, 0), (40, 30))


def test_search_by_name_tax_id_and_tag(book: Any) -> None:
    docs = book.docs
    vostok = docs.create_party("Vostok LLC", is_supplier=True, code="S-17",
                               tax_ids=[TaxId("INN", "7707083893"), TaxId("KPP", "773601001")],
                               tags=["RU"])
    assert [p.id for p in docs.parties("vostok")] == [vostok.id]
    assert [p.id for p in docs.parties("s-17")] == [vostok.id]
    assert [p.id for p in docs.parties(tax_id="7707083893")] == [vostok.id]
    assert [p.id for p in docs.parties(tag="ru")] == [vostok.id]
    assert [p.legal_name for p in docs.parties(tag="de")] == ["Acme GmbH"]
    assert docs.parties("nobody") == []
    assert docs.party(vostok.id).tax_id("KPP") == "773601001"


def test_one_party_can_be_customer_and_supplier(book: Any) -> None:
    both = book.docs.create_party("Partner AG", is_supplier=True)
    assert both.is_customer and both.is_supplier
    with pytest.raises(ValidationError):
        book.docs.create_party("Nobody", is_customer=False)


def test_update_is_optimistic_and_archiving_hides_from_search(book: Any,
                                                              unchanged: Any) -> None:
    docs = book.docs
    p = docs.update_party(book.acme.id, version=0, credit_limit=Money("5000.00", "USD"))
    assert p.version == 1 and p.credit_limit == Money("5000.00", "USD")
    unchanged(book.bo, ConcurrencyError, docs.update_party, book.acme.id, version=0,
              tags=["stale"])
    docs.update_party(book.acme.id, version=1, archived=True)
    assert "Acme GmbH" not in [x.legal_name for x in docs.parties()]
    assert "Acme GmbH" in [x.legal_name for x in docs.parties(include_archived=True)]
    unchanged(book.bo, NotFoundError, docs.party, "nope")
    info = unchanged(book.bo, NotFoundError, docs.create_party, "X", currency="XXX1")
    assert info.value.field == "currency"
