"""The documents' natural keys: party codes ignoring case, document and payment numbers.

:class:`DocumentsKeysContract` is part of
:class:`~backoffice_core.testing._contracts.documents.DocumentsRepositoryContract`. A
party code identifies a party of the book whatever its case (``"ACME"`` and ``"acme"``
are one code), a document number a document of the book (whatever its type), and a
payment number a payment of the book (incoming and outgoing alike): when two patterns
print the same number, the second document or payment to take it is refused,
nothing changed. The optional port methods ``find_parties_by_code`` and
``get_payment_by_number`` (an adapter without them is served by the general reads)
are checked when the adapter offers them.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import partial
from typing import Any

import pytest

from backoffice_core.documents.lines import line
from backoffice_core.documents.taxes import Tax
from backoffice_core.errors import BackofficeError, DuplicateError, NotFoundError, ValidationError
from backoffice_core.money import Money
from backoffice_core.ports import UnitOfWorkFactory
from backoffice_core.testing._contracts import _documents_samples as s
from backoffice_core.testing._contracts._base import Contract, open_book, run_threads
from backoffice_core.testing._contracts.concurrency import retry
from backoffice_core.testing._contracts.documents_bulk import docs_of, dump_documents

__all__ = ["DocumentsKeysContract"]


def _book(uow_factory: UnitOfWorkFactory, name: str = "kit") -> Any:
    bo = open_book(uow_factory, name)
    bo.ledger.setup("Kit GmbH", currency="EUR", chart="generic")
    return bo


class DocumentsKeysContract(Contract):
    """Party codes unique ignoring case; payment numbers unique in a book; document numbers
    in date order within a series and period (a refused issue uses no number).

    Example:
        >>> class TestMyDocuments(DocumentsKeysContract):
        ...     pass
        >>> "test_docs_party_codes_are_unique_ignoring_case" in dir(TestMyDocuments)
        True
    """

    @pytest.fixture(autouse=True)
    def _documents_capable(self, _backoffice_kit: None, uow_factory: UnitOfWorkFactory) -> None:
        self.require_repository("documents", uow_factory)

    def test_docs_party_codes_are_unique_ignoring_case(
            self, uow_factory: UnitOfWorkFactory) -> None:
        """"acme" is the code "ACME" another party has: refused, nothing saved; a party
        may change the case of its own code; ``party_by_code`` ignores case."""
        docs = _book(uow_factory).documents
        acme = docs.create_party("Acme", code="ACME")
        other = docs.create_party("Other", code="O-1")
        docs.update_party(docs.create_party("Old", code="Straße").id, version=0,
                          archived=True)
        before = docs.parties(include_archived=True)
        refused: list[tuple[str, Callable[[], object], str]] = [
            ("create", lambda: docs.create_party("Copy", code="acme"), "acme"),
            ("create padded", lambda: docs.create_party("Copy", code=" AcMe "), "AcMe"),
            ("create archived's", lambda: docs.create_party("Copy", code="STRASSE"),
             "STRASSE"),
            ("update", lambda: docs.update_party(other.id, version=0, code="Acme"), "Acme")]
        for name, call, value in refused:
            with pytest.raises(DuplicateError) as info:
                call()
            assert (info.value.field, info.value.value) == ("code", value), name
            assert docs.parties(include_archived=True) == before, f"refused {name} saved"
        assert docs.party_by_code("acme") == acme
        assert docs.party_by_code("ACME") == acme
        recased = docs.update_party(acme.id, version=0, code="Acme")
        assert recased.code == "Acme" and docs.party_by_code("ACME") == recased
        with pytest.raises(NotFoundError):
            docs.party_by_code("acm")

    def test_docs_repository_finds_parties_by_code(
            self, uow_factory: UnitOfWorkFactory) -> None:
        """``find_parties_by_code`` (optional): the parties whose code equals the one given
        ignoring case, archived ones too, and no other."""
        with uow_factory("kit") as uow:
            repo = docs_of(uow)
            find = getattr(repo, "find_parties_by_code", None)
            if find is None:
                pytest.skip("the adapter has no find_parties_by_code (optional)")
            repo.add_party(s.party("p-1", code="Cust-1"))
            repo.add_party(s.party("p-2", code="cust-10", archived=True))
            repo.add_party(s.party("p-3", code=""))
            uow.commit()
        with uow_factory("kit") as uow:
            find = docs_of(uow).find_parties_by_code  # type: ignore[attr-defined]
            assert [p.id for p in find("CUST-1")] == ["p-1"]
            assert [p.id for p in find("Cust-10")] == ["p-2"]
            assert find("cust") == [] and find("") == []
        with uow_factory("kit-2") as uow:
            assert docs_of(uow).find_parties_by_code("cust-1") == []  # type: ignore[attr-defined]

    def test_docs_payment_numbers_are_unique_in_a_book(
            self, uow_factory: UnitOfWorkFactory) -> None:
        """The repository refuses a payment number another payment of the book has."""
        with uow_factory("kit") as uow:
            repo = docs_of(uow)
            repo.add_payment(s.payment("pay-1", "p-1"))
            before = dump_documents(repo)
            with pytest.raises(DuplicateError) as info:
                repo.add_payment(s.payment("pay-2", "p-1", number="PAY-pay-1"))
            assert (info.value.field, info.value.value) == ("number", "PAY-pay-1")
            assert dump_documents(repo) == before
            uow.commit()
        with uow_factory("kit-2") as uow:  # another book may have it
            docs_of(uow).add_payment(s.payment("pay-2", "p-1", number="PAY-pay-1"))
            uow.commit()
        with uow_factory("kit") as uow:
            read = getattr(docs_of(uow), "get_payment_by_number", None)
            if read is not None:
                assert read("PAY-pay-1") == s.payment("pay-1", "p-1")
                assert read("PAY-pay-2") is None

    def test_docs_payments_of_both_directions_never_share_a_number(
            self, uow_factory: UnitOfWorkFactory) -> None:
        """Patterns of payment_in and payment_out that print the same numbers: the payment
        that would repeat one is refused (DuplicateError naming the number), nothing
        changed, counter included."""
        bo = _book(uow_factory)
        docs = bo.documents
        docs.configure(patterns={"payment_in": "P{seq}", "payment_out": "P{seq}"})
        acme = docs.create_party("Acme", is_supplier=True)
        day = date(2026, 2, 1)
        assert docs.record_payment(acme.id, Money("5.00", "EUR"), day, direction="incoming",
                                   side="purchase").number == "P1"
        entries = len(bo.ledger.entries())
        before = (docs.payments(), docs.settings())
        with pytest.raises(DuplicateError) as info:
            docs.record_payment(acme.id, Money("3.00", "EUR"), day, direction="outgoing",
                               side="purchase")
        assert (info.value.field, info.value.value) == ("number", "P1")
        assert (docs.payments(), docs.settings()) == before
        assert len(bo.ledger.entries()) == entries
        docs.configure(patterns={"payment_out": "Q{seq}"})
        assert docs.record_payment(acme.id, Money("3.00", "EUR"), day, direction="outgoing",
                               side="purchase").number == "Q1"

    @pytest.mark.parametrize("many", [False, True])
    def test_docs_a_document_number_identifies_a_document(
            self, uow_factory: UnitOfWorkFactory, many: bool) -> None:
        """Patterns of two document types that print the same numbers (``{seq}`` for
        invoices and credit notes): the document that would repeat a number another
        type has is refused (DuplicateError naming the number, as ``document_ids[i].number``
        in a bulk issue), nothing changed; other prefixes go on."""
        bo = _book(uow_factory)
        docs = bo.documents
        docs.configure(patterns={"sales_invoice": "{seq}", "credit_note": "{seq}",
                                 "quote": "Q{seq}"})
        acme = docs.create_party("Acme")
        day = date(2026, 2, 1)
        rows = [line("A", 1, "10.00", Tax.zero())]
        invoice = docs.issue(docs.create_invoice(acme.id, day, rows).id)
        assert invoice.number == "1"
        note = docs.create("credit_note", acme.id, day, rows)
        quote = docs.create("quote", acme.id, day, rows)
        before = (docs.find(), len(bo.ledger.entries()))
        with pytest.raises(DuplicateError) as info:
            if many:
                docs.issue_many([quote.id, note.id])
            else:
                docs.issue(note.id)
        field = "document_ids[1].number" if many else "number"
        assert (info.value.field, info.value.value) == (field, "1")
        assert (docs.find(), len(bo.ledger.entries())) == before
        assert docs.issue(quote.id).number == "Q1"
        docs.configure(patterns={"sales_invoice": "{seq}", "credit_note": "C{seq}"})
        assert docs.issue(note.id).number == "C1"
        # in one bulk issue too: an invoice and a note would both take "2"
        docs.configure(patterns={"sales_invoice": "{seq}", "credit_note": "{seq}"})
        pair = [docs.create_invoice(acme.id, day, rows).id,
                docs.create("credit_note", acme.id, day, rows).id]
        with pytest.raises(DuplicateError) as bulk:
            docs.issue_many(pair)
        assert (bulk.value.field, bulk.value.value) == ("document_ids[1].number", "2")

    def test_docs_numbers_follow_the_dates_of_a_series(
            self, uow_factory: UnitOfWorkFactory) -> None:
        """A document dated before the last its series numbered in the period is refused
        (``date`` named), alone or in a batch, and uses no number; the opt-out numbers it."""
        bo = _book(uow_factory)
        docs = bo.documents
        party = docs.create_party("Globex GmbH")

        def draft(day: date) -> str:
            return str(docs.create_invoice(party.id, day, [
                line("Chair", 1, "10.00", Tax.standard(19))]).id)

        assert docs.issue(draft(date(2026, 3, 10))).number == "INV-2026-00001"
        late = draft(date(2026, 3, 9))
        with pytest.raises(ValidationError) as info:
            docs.issue(late)
        assert (info.value.field, info.value.value) == ("date", date(2026, 3, 9))
        with pytest.raises(ValidationError) as info:
            docs.issue_many([draft(date(2026, 3, 11)), late])
        assert (info.value.field, info.value.value) == ("document_ids[1].date",
                                                        date(2026, 3, 9))
        assert docs.get(late).number is None
        assert docs.issue(draft(date(2026, 3, 10))).number == "INV-2026-00002"  # no gap
        docs.configure(numbers_in_date_order=False)
        assert docs.issue(late).number == "INV-2026-00003"

    def test_docs_numbers_follow_the_dates_after_a_pattern_change(
            self, uow_factory: UnitOfWorkFactory) -> None:
        """A new pattern of the same period goes on with the series' counter: the
        document before it (printed by the earlier pattern) still holds the date order,
        alone or in a batch; the opt-out numbers the document."""
        bo = _book(uow_factory)
        docs = bo.documents
        party = docs.create_party("Globex GmbH")

        def draft(day: date) -> str:
            return str(docs.create_invoice(party.id, day, [
                line("Chair", 1, "10.00", Tax.standard(19))]).id)

        assert docs.issue(draft(date(2026, 3, 10))).number == "INV-2026-00001"
        docs.configure(patterns={"sales_invoice": "FA-{year}-{seq:04}"})
        late = draft(date(2026, 3, 9))
        for many in (False, True):
            with pytest.raises(ValidationError) as info:
                docs.issue_many([late]) if many else docs.issue(late)
            assert (info.value.field, info.value.value) == (
                "document_ids[0].date" if many else "date", date(2026, 3, 9))
        assert docs.get(late).number is None
        assert docs.issue(draft(date(2026, 3, 10))).number == "FA-2026-0002"  # no gap
        docs.configure(numbers_in_date_order=False)
        assert docs.issue(late).number == "FA-2026-0003"

    def test_docs_payment_numbers_follow_the_dates(
            self, uow_factory: UnitOfWorkFactory) -> None:
        """By default payments are numbered as recorded (a payment takes the bank's date,
        often keyed late). With ``payment_numbers_in_date_order`` a payment (or refund)
        dated before the one holding the number before its own is refused (``date``
        named), nothing booked and no number used, after a pattern change too; the other
        direction's series is its own; turning it off again numbers it."""
        bo = _book(uow_factory)
        docs = bo.documents
        party = docs.create_party("Globex GmbH")

        def pay(day: date, amount: str = "10.00") -> Any:
            return docs.record_payment(party.id, Money(amount, "EUR"), day)

        assert pay(date(2026, 3, 10), "50.00").number == "PAY-2026-00001"
        assert pay(date(2026, 3, 5)).number == "PAY-2026-00002"  # keyed late: the default
        docs.configure(payment_numbers_in_date_order=True)
        assert pay(date(2026, 3, 10), "50.00").number == "PAY-2026-00003"
        before = (docs.payments(), len(bo.ledger.entries()))
        with pytest.raises(ValidationError) as info:
            pay(date(2026, 3, 9))
        assert (info.value.field, info.value.value) == ("date", date(2026, 3, 9))
        assert "payment_numbers_in_date_order=False" in str(info.value)
        assert (docs.payments(), len(bo.ledger.entries())) == before
        first = docs.payments()[0]
        refund = docs.refund(party.id, Money("5.00", "EUR"), date(2026, 3, 9),
                             against=[first.id])  # payment_out: a series of its own
        assert refund.number == "PAYOUT-2026-00001"
        with pytest.raises(ValidationError) as info:
            docs.refund(party.id, Money("5.00", "EUR"), date(2026, 3, 8), against=[first.id])
        assert (info.value.field, info.value.value) == ("date", date(2026, 3, 8))
        docs.configure(patterns={"payment_in": "R-{year}-{seq}"})
        with pytest.raises(ValidationError) as info:  # PAY-2026-00003 is the one before
            pay(date(2026, 3, 9))
        assert (info.value.field, info.value.value) == ("date", date(2026, 3, 9))
        assert pay(date(2026, 3, 10)).number == "R-2026-4"  # no gap
        docs.configure(numbers_in_date_order=False)  # documents' setting: payments' stays
        with pytest.raises(ValidationError):
            pay(date(2026, 3, 9))
        docs.configure(payment_numbers_in_date_order=False)
        assert pay(date(2026, 3, 9)).number == "R-2026-5"
        assert bo.ledger.verify().ok

    @pytest.mark.backoffice_slow
    def test_docs_concurrent_issues_keep_the_date_order(
            self, uow_factory: UnitOfWorkFactory) -> None:
        """Threads issuing drafts of several dates at once: those refused name ``date``;
        the numbers given are gapless and their dates never go down."""
        self.require("concurrent_writers")
        bo = _book(uow_factory)
        party = bo.documents.create_party("Globex GmbH")
        drafts = [bo.documents.create_invoice(party.id, date(2026, 1, 10 + (i * 5) % 7), [
            line("Chair", 1, "10.00", Tax.standard(19))]).id for i in range(7)]

        def attempt(d: str) -> Any:
            try:
                return retry(lambda: bo.documents.issue(d))
            except BackofficeError as exc:
                return exc

        got = run_threads([partial(attempt, d) for d in drafts])
        refused = [g for g in got if isinstance(g, BackofficeError)]
        assert {(type(e), e.field) for e in refused} <= {(ValidationError, "date")}, refused
        issued = sorted((g for g in got if not isinstance(g, BackofficeError)),
                        key=lambda d: d.number)
        assert [d.number for d in issued] == [
            f"INV-2026-{n:05}" for n in range(1, len(issued) + 1)]
        assert [d.date for d in issued] == sorted(d.date for d in issued)
        assert bo.ledger.verify().ok
