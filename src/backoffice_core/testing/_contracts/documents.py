"""The documents port: round trips, keys, versions, numbering, search, and the service on top."""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

import attrs
import pytest

from backoffice_core.adapters.memory import MemoryStore
from backoffice_core.documents.lines import line
from backoffice_core.documents.model import Direction, DocumentState, DocumentType
from backoffice_core.documents.repository import (
    DocumentQuery,
    DocumentsRepository,
)
from backoffice_core.documents.taxes import Tax
from backoffice_core.documents.terms import PaymentTerms
from backoffice_core.errors import (
    BackofficeError,
    ConcurrencyError,
    DuplicateError,
    NotFoundError,
    ValidationError,
)
from backoffice_core.ledger.periods import FiscalYear
from backoffice_core.money import Money
from backoffice_core.ports import UnitOfWorkFactory
from backoffice_core.testing._contracts import _documents_samples as s
from backoffice_core.testing._contracts import _samples as ledger_samples
from backoffice_core.testing._contracts._base import (
    check_error,
    check_fresh_results,
    expect_error,
    open_book,
    run_threads,
)
from backoffice_core.testing._contracts.concurrency import retry
from backoffice_core.testing._contracts.documents_bulk import (
    INVOICE,
    ISSUED,
    DocumentsBulkContract,
    docs_of,
    dump_documents,
)
from backoffice_core.testing._contracts.documents_keys import DocumentsKeysContract
from backoffice_core.testing._contracts.documents_writes import DocumentsWritesContract

__all__ = ["DocumentsRepositoryContract", "docs_of", "dump_documents"]


def _fill(repo: DocumentsRepository) -> dict[str, Any]:
    repo.save_settings(s.settings(), None)
    repo.add_party(s.party("p-1"))
    repo.add_party(s.party("p-2", "acme ltd", archived=True))
    repo.add_document(s.document("d-1", "p-1"))
    repo.add_document(s.document("d-2", "p-1", number="INV-1", state=ISSUED))
    repo.add_payment(s.payment("pay-1", "p-1"))
    repo.add_allocation(s.allocation("al-1", "d-2", "pay-1"))
    repo.add_handovers([s.handover("h-1", "d-2"), s.handover("h-2", "d-2", "1")])
    repo.next_number("sales_invoice", "2026")
    return dump_documents(repo)


def _check_instants(got: Any, want: Any, what: str) -> None:
    """Datetimes come back with their offset and microseconds, not just the same instant."""
    g, w = getattr(got, "recorded_at", None), getattr(want, "recorded_at", None)
    assert (g and g.isoformat()) == (w and w.isoformat()), f"{what}.recorded_at: {g!r}"
    for a, b in zip(getattr(got, "history", ()), getattr(want, "history", ()), strict=True):
        assert a.at.isoformat() == b.at.isoformat(), f"{what} history time: {a.at!r}"


class DocumentsRepositoryContract(DocumentsBulkContract, DocumentsKeysContract,
                                  DocumentsWritesContract):
    """Parties, documents, payments, allocations, hand-overs and counters read back exactly.

    Covers every aggregate with every field, duplicate ids and numbers, stale
    versions, rollback (counters included), isolation between books, search
    and its order, gapless numbering under rollback and concurrent issues, the
    bulk methods (inherited from :class:`.documents_bulk.DocumentsBulkContract`),
    party codes unique per book through the service (ignoring case) and payment
    numbers unique per book (:class:`.documents_keys.DocumentsKeysContract`),
    each kind of write undone one by one
    (:class:`.documents_writes.DocumentsWritesContract`), and an end-to-end scenario
    through the service whose results must equal the reference (in-memory) adapter's.
    Skips when the adapter declares ``documents=False``.

    Example:
        >>> class TestMyDocuments(DocumentsRepositoryContract):
        ...     pass
        >>> "test_docs_round_trip_every_aggregate" in dir(TestMyDocuments)
        True
    """

    def test_docs_new_book_is_empty(self, uow_factory: UnitOfWorkFactory) -> None:
        """A new book has no settings, parties, documents, payments; counters start at 1."""
        with uow_factory("kit") as uow:
            repo = docs_of(uow)
            assert dump_documents(repo) == {"settings": None, "parties": [], "documents": [],
                                            "payments": [], "allocations": [], "handovers": []}
            assert repo.get_party("p-1") is None and repo.get_document("d-1") is None
            assert repo.get_payment("pay-1") is None and repo.get_by_number(INVOICE, "1") is None
            assert repo.find_allocations("d-1") == [] and repo.list_handovers("d-1") == []
            assert repo.next_number("sales_invoice", "2026") == 1

    def test_docs_round_trip_every_aggregate(self, uow_factory: UnitOfWorkFactory) -> None:
        """Everything written reads back equal, of the same types, in the same unit and after."""
        with uow_factory("kit") as uow:
            written = _fill(docs_of(uow))
            uow.commit()
        with uow_factory("kit") as uow:
            repo = docs_of(uow)
            got = dump_documents(repo)
            assert repo.get_party("p-1") == s.party("p-1")
            doc = repo.get_document("d-2")
            assert repo.get_by_number(INVOICE, "INV-1") == doc
            assert repo.get_by_number(DocumentType.CREDIT_NOTE, "INV-1") is None
            pay = repo.get_payment("pay-1")
            assert repo.find_allocations("pay-1") == [s.allocation("al-1", "d-2", "pay-1")]
            assert repo.next_number("sales_invoice", "2026") == 2
        assert got == written
        assert got["settings"] == s.settings() and got["handovers"] == [
            s.handover("h-1", "d-2"), s.handover("h-2", "d-2", "1")]
        want = s.document("d-2", "p-1", number="INV-1", state=ISSUED)
        assert doc == want and type(doc.lines) is tuple
        assert str(doc.lines[0].unit_price) == "149.9950" and doc.fx_rate is not None
        assert str(doc.fx_rate) == "1.000000", "decimals keep their exponent"
        assert doc.totals is not None and doc.totals == want.totals
        assert type(doc.totals.amount_due) is Money
        _check_instants(doc, want, "document")
        _check_instants(pay, s.payment("pay-1", "p-1"), "payment")
        assert got["handovers"][0].quantity.as_tuple() == Decimal("5.250").as_tuple()

    def test_docs_rollback_and_failed_writes_change_nothing(
            self, uow_factory: UnitOfWorkFactory) -> None:
        """Without commit nothing stays (counters included); a refused write is not applied."""
        with uow_factory("kit") as uow:
            _fill(docs_of(uow))
        with uow_factory("kit") as uow:
            repo = docs_of(uow)
            assert dump_documents(repo)["parties"] == []
            assert repo.next_number("sales_invoice", "2026") == 1
            repo.add_party(s.party("p-1"))
            with pytest.raises(DuplicateError) as info:
                repo.add_party(s.party("p-1", "Other name"))
            check_error(info, "id", "p-1")
            repo.add_party(s.party("p-3"))  # the unit of work goes on after a refused duplicate
            uow.commit()
        with uow_factory("kit") as uow:
            repo = docs_of(uow)
            assert [p.id for p in repo.find_parties()] == ["p-1", "p-3"]
            assert repo.get_party("p-1") == s.party("p-1")
            assert repo.next_number("sales_invoice", "2026") == 2

    def test_docs_reads_hand_out_fresh_containers(self, uow_factory: UnitOfWorkFactory
                                                  ) -> None:
        """Every list or dict a documents read returns is the caller's own: emptying it
        changes nothing stored (``Documents.parties()`` hands ``find_parties()`` out)."""
        with uow_factory("kit") as uow:
            _fill(docs_of(uow))
            uow.commit()
        with uow_factory("kit") as uow:
            repo = docs_of(uow)
            reads: dict[str, Callable[[], Any]] = {
                "find_parties(include_archived=True)": lambda: repo.find_parties(
                    include_archived=True),
                "find_documents(DocumentQuery())": lambda: repo.find_documents(DocumentQuery()),
                "get_documents(['d-1', 'd-2'])": lambda: repo.get_documents(["d-1", "d-2"]),
                "find_payments()": repo.find_payments, "find_allocations()": repo.find_allocations,
                "list_handovers()": repo.list_handovers,
                "list_handovers('d-2')": lambda: repo.list_handovers("d-2"),
            }
            for name, arg in (("get_documents_to_issue", ["d-1"]),
                              ("find_parties_by_code", "C-p-1")):
                ask = getattr(repo, name, None)
                if ask is not None:  # optional reads: checked when offered
                    reads[f"{name}({arg!r})"] = functools.partial(ask, arg)
            check_fresh_results(reads, lambda: dump_documents(repo))

    def test_docs_duplicates_and_stale_versions(self, uow_factory: UnitOfWorkFactory) -> None:
        """Taken ids and numbers raise DuplicateError, stale versions ConcurrencyError."""
        with uow_factory("kit") as uow:
            repo = docs_of(uow)
            _fill(repo)
            dupes: list[tuple[Callable[[], object], str, object]] = [
                    (lambda: repo.save_settings(s.settings(), None), "version", 1),
                    (lambda: repo.add_document(s.document("d-1", "p-9")), "id", "d-1"),
                    (lambda: repo.add_document(s.document("d-3", "p-1", number="INV-1",
                                                          state=ISSUED)), "number", "INV-1"),
                    (lambda: repo.add_payment(s.payment("pay-1", "p-2")), "id", "pay-1"),
                    (lambda: repo.add_allocation(s.allocation("al-1", "x", None)), "id",
                     "al-1"),
                    # a hand-over's id is its identity (its moves carry it): one batch's
                    # new hand-overs stay out with the taken one, and twice in a batch
                    (lambda: repo.add_handovers([s.handover("h-3", "d-1"),
                                                 s.handover("h-1", "d-1")]), "id", "h-1"),
                    (lambda: repo.add_handovers([s.handover("h-4", "d-1"),
                                                 s.handover("h-4", "d-1", "1")]), "id", "h-4")]
            for n, (call, field, value) in enumerate(dupes):
                expect_error(call, DuplicateError, field, value,
                             f"duplicate {n} ({field}={value!r})")
            assert [h.id for h in repo.list_handovers()] == ["h-1", "h-2"], (
                "a refused batch of hand-overs left some of them stored")
            # a number is one document's in its book, whatever the type
            with pytest.raises(DuplicateError) as info:
                repo.add_document(s.document("d-3", "p-1", type=DocumentType.CREDIT_NOTE,
                                             number="INV-1", state=ISSUED))
            check_error(info, "number", "INV-1")
            repo.add_document(s.document("d-3", "p-1", type=DocumentType.CREDIT_NOTE,
                                         number="CN-1", state=ISSUED))
            with pytest.raises(DuplicateError) as info:
                repo.update_document(s.document("d-3", "p-1", type=DocumentType.CREDIT_NOTE,
                                                number="INV-1", state=ISSUED, version=1),
                                     s.document("d-3", "p-1").version)
            check_error(info, "number", "INV-1")
            stale: list[tuple[Callable[[], object], str, object]] = [
                    (lambda: repo.save_settings(s.settings(3), 7), "version", 7),
                    (lambda: repo.update_party(s.party("p-1", version=2), 4), "version", 4),
                    (lambda: repo.update_document(s.document("d-1", "p-1", version=2), 5),
                     "version", 5),
                    (lambda: repo.update_payment(s.payment("pay-1", "p-1", version=2), 9),
                     "version", 9)]
            for n, (call, field, value) in enumerate(stale):
                expect_error(call, ConcurrencyError, field, value,
                             f"stale version {n} ({field}={value!r})")
            missing: list[tuple[Callable[[], object], str, object]] = [
                    (lambda: repo.update_party(s.party("p-9"), 0), "party_id", "p-9"),
                    (lambda: repo.update_document(s.document("d-9", "p-1"), 0), "document_id",
                     "d-9"),
                    (lambda: repo.update_payment(s.payment("pay-9", "p-1"), 0), "payment_id",
                     "pay-9")]
            for call, field, value in missing:
                with pytest.raises(NotFoundError) as missing_info:
                    call()
                check_error(missing_info, field, value)
            taken = s.document("d-1", "p-1", number="INV-1", state=ISSUED, version=2)
            with pytest.raises(DuplicateError) as info:
                repo.update_document(taken, 1)
            check_error(info, "number", "INV-1")
            before = dump_documents(repo)
            assert before["documents"][0] == s.document("d-1", "p-1"), "refused writes applied"
            new = s.document("d-1", "p-1", number="INV-2", state=ISSUED, version=2,
                             references=())
            repo.update_document(new, 1)
            repo.update_party(s.party("p-1", "Globex AG", version=2), 0)
            repo.update_payment(s.payment("pay-1", "p-1", version=2, open_amount=None), 1)
            repo.save_settings(s.settings(2), 1)
            uow.commit()
        with uow_factory("kit") as uow:
            repo = docs_of(uow)
            assert repo.get_document("d-1") == new and repo.get_by_number(INVOICE, "INV-2")
            assert repo.find_documents(DocumentQuery(source_id="so-1")) == [
                repo.get_document("d-2"), repo.get_document("d-3")]
            party = repo.get_party("p-1")
            assert party is not None and party.legal_name == "Globex AG"
            assert repo.find_payments(open_only=True) == []
            assert repo.get_settings() == s.settings(2)

    def test_docs_books_are_isolated(self, uow_factory: UnitOfWorkFactory) -> None:
        """The same ids, numbers and counters live in every book without colliding."""
        with uow_factory("kit") as uow:
            first = _fill(docs_of(uow))
            uow.commit()
        with uow_factory("KIT") as uow:
            assert dump_documents(docs_of(uow))["documents"] == []
            assert docs_of(uow).next_number("sales_invoice", "2026") == 1
            assert _fill(docs_of(uow)) == first
            uow.commit()
        with uow_factory("kit") as uow:
            assert dump_documents(docs_of(uow)) == first

    def test_docs_search_filters_and_order(self, uow_factory: UnitOfWorkFactory) -> None:
        """Every query returns what the reference semantics select, by date then id."""
        docs = [
            s.document("d-10", "p-1", on=date(2026, 1, 5)),
            s.document("d-9", "p-1", on=date(2026, 1, 5), number="INV-9", state=ISSUED),
            s.document("D-1", "p-2", on=date(2026, 1, 5), type=DocumentType.SUPPLIER_BILL,
                       number="B-1", state=ISSUED, note="Bolts and nuts"),
            s.document("d-2", "p-2", on=date(2026, 2, 1), type=DocumentType.QUOTE,
                       references=(), archived=True, buyer_reference="ZETA"),
            s.document("d-3", "p-1", on=date(2025, 12, 31), number="INV-3", state=ISSUED,
                       open_amount=Money("0.00", "EUR"), external_number="ext-42"),
            s.document("d-4", "p-3", on=date(2026, 3, 1), type=DocumentType.CREDIT_NOTE,
                       number="CN-1", state=DocumentState.CANCELLED),
        ]
        queries = [DocumentQuery(), DocumentQuery(types=(INVOICE,)),
                   DocumentQuery(types=(INVOICE, DocumentType.QUOTE), states=(ISSUED,)),
                   DocumentQuery(party_id="p-2"), DocumentQuery(text="BOLTS"),
                   DocumentQuery(text="inv-"), DocumentQuery(text="zeta", archived=True),
                   DocumentQuery(start=date(2026, 1, 5), end=date(2026, 2, 1)),
                   DocumentQuery(archived=False), DocumentQuery(open_only=True),
                   DocumentQuery(source_id="so-1", direction=Direction.SALES),
                   DocumentQuery(direction=Direction.PURCHASE), DocumentQuery(limit=2),
                   DocumentQuery(text="-", limit=1), DocumentQuery(party_id="nobody"),
                   DocumentQuery(source_ids=("q-1", "nobody")),
                   DocumentQuery(source_ids=["so-1", "q-1"], types=(INVOICE,), limit=2),
                   DocumentQuery(source_ids=("so-1",), source_id="q-1", states=(ISSUED,)),
                   DocumentQuery(source_ids=("nobody", "d-2"))]
        with uow_factory("kit") as uow:
            repo = docs_of(uow)
            for d in docs:
                repo.add_document(d)
            uow.commit()
        with uow_factory("kit") as uow:
            repo = docs_of(uow)
            for q in queries:
                want = sorted((d for d in docs if q.matches(d)), key=lambda d: (d.date, d.id))
                want = want if q.limit is None else want[:q.limit]
                got = repo.find_documents(q)
                assert [d.id for d in got] == [d.id for d in want], f"{q!r}"
                assert got == want

    def test_docs_parties_payments_allocations_search(
            self, uow_factory: UnitOfWorkFactory) -> None:
        """Parties by name then id; payments and allocations filtered, by date then id."""
        with uow_factory("kit") as uow:
            repo = docs_of(uow)
            for pid, name, extra in (("p-3", "beta", {}), ("p-1", "Alpha", {"tags": ("x",)}),
                                     ("p-2", "alpha", {"archived": True}),
                                     ("P-0", "Beta", {"tax_ids": ()})):
                repo.add_party(s.party(pid, name, **extra))
            repo.add_payment(s.payment("pay-2", "p-1", on=date(2026, 1, 3)))
            repo.add_payment(s.payment("pay-10", "p-1", on=date(2026, 1, 3),
                                       open_amount=Money("0", "USD")))
            repo.add_payment(s.payment("pay-1", "p-3", on=date(2026, 1, 4),
                                       direction="outgoing", side="purchase"))
            repo.add_allocation(s.allocation("al-2", "d-1", "pay-2", on=date(2026, 1, 5)))
            repo.add_allocation(s.allocation("al-1", "d-1", None, on=date(2026, 1, 9)))
            repo.add_allocation(s.allocation("al-3", "d-2", "pay-2", on=date(2026, 1, 2)))
            uow.commit()
        with uow_factory("kit") as uow:
            repo = docs_of(uow)
            assert [p.id for p in repo.find_parties()] == ["p-1", "P-0", "p-3"]
            assert [p.id for p in repo.find_parties(include_archived=True)] == [
                "p-1", "p-2", "P-0", "p-3"]
            assert [p.id for p in repo.find_parties("ALP", include_archived=True)] == [
                "p-1", "p-2"]
            assert [p.id for p in repo.find_parties(tax_id="de 123-456-789")] == ["p-1", "p-3"]
            assert [p.id for p in repo.find_parties(tag="X")] == ["p-1"]
            assert [p.id for p in repo.find_payments()] == ["pay-10", "pay-2", "pay-1"]
            assert [p.id for p in repo.find_payments("p-1", open_only=True)] == ["pay-2"]
            assert [p.id for p in repo.find_payments(side=Direction.PURCHASE)] == ["pay-1"]
            assert [a.id for a in repo.find_allocations()] == ["al-3", "al-2", "al-1"]
            assert [a.id for a in repo.find_allocations("d-1")] == ["al-2", "al-1"]
            assert [a.id for a in repo.find_allocations("pay-2", after=date(2026, 1, 2))] == [
                "al-2"]
            assert [a.id for a in repo.find_allocations(after=date(2026, 1, 5))] == ["al-1"]

    def test_docs_numbering_is_gapless_under_rollback(
            self, uow_factory: UnitOfWorkFactory) -> None:
        """A rolled-back reservation gives its number back; series and years count apart."""
        with uow_factory("kit") as uow:
            repo = docs_of(uow)
            assert [repo.next_number("sales_invoice", "2026") for _ in range(3)] == [1, 2, 3]
            assert repo.next_number("sales_invoice", "2027") == 1
            assert repo.next_number("credit_note", "2026") == 1
            uow.commit()
            assert repo.next_number("sales_invoice", "2026") == 4
            uow.rollback()
        with uow_factory("kit") as uow:
            assert docs_of(uow).next_number("sales_invoice", "2026") == 4

    @pytest.mark.backoffice_slow
    def test_docs_concurrent_reservations_never_share_a_number(
            self, uow_factory: UnitOfWorkFactory) -> None:
        """Threads reserving numbers, half rolling back: committed numbers are 1..n, once each."""
        self.require("concurrent_writers")

        def worker(keep: bool) -> Callable[[], int | None]:
            def attempt() -> int | None:
                with uow_factory("kit") as uow:
                    n = docs_of(uow).next_number("sales_invoice", "2026")
                    if keep:
                        uow.commit()
                        return n
                    return None

            return lambda: retry(attempt)

        got = run_threads([worker(i % 2 == 0) for i in range(12)])
        kept = sorted(n for n in got if n is not None)
        assert kept == list(range(1, 7)), f"gaps or duplicates: {kept}"
        with uow_factory("kit") as uow:
            assert docs_of(uow).next_number("sales_invoice", "2026") == 7

    @pytest.mark.backoffice_slow
    def test_docs_concurrent_issues_get_distinct_gapless_numbers(
            self, uow_factory: UnitOfWorkFactory) -> None:
        """Issuing drafts from several threads numbers them 1..n without gaps or repeats."""
        self.require("concurrent_writers")
        bo = _setup_book(open_book(uow_factory, "kit"))
        party = bo.documents.create_party("Globex GmbH", code="C-1")
        # one date: the threads may issue in any order (numbers follow the dates)
        drafts = [bo.documents.create_invoice(party.id, date(2026, 1, 10), [
            line("Chair", 1 + i, "10.00", Tax.standard(19))]).id for i in range(6)]
        issued = run_threads([lambda d=d: retry(lambda: bo.documents.issue(d))  # type: ignore[misc]
                              for d in drafts])
        numbers = sorted(doc.number for doc in issued)
        assert numbers == [f"INV-2026-{n:05}" for n in range(1, 7)], numbers

    @pytest.mark.backoffice_slow
    def test_docs_concurrent_bulk_issues_get_distinct_gapless_numbers(
            self, uow_factory: UnitOfWorkFactory) -> None:
        """Issuing batches of drafts from several threads numbers them 1..n, no gaps."""
        self.require("concurrent_writers")
        bo = _setup_book(open_book(uow_factory, "kit"))
        party = bo.documents.create_party("Globex GmbH", code="C-1")
        drafts = [bo.documents.create_invoice(party.id, date(2026, 1, 10), [
            line("Chair", 1 + i, "10.00", Tax.standard(19))]).id for i in range(8)]
        batches = [drafts[i:i + 2] for i in range(0, 8, 2)]
        issued = run_threads([lambda b=b: retry(lambda: bo.documents.issue_many(b))  # type: ignore[misc]
                              for b in batches])
        numbers = sorted(doc.number for batch in issued for doc in batch)
        assert numbers == [f"INV-2026-{n:05}" for n in range(1, 9)], numbers
        for batch in issued:  # each batch took consecutive numbers, in its order
            first, second = (int(d.number.rsplit("-", 1)[1]) for d in batch)
            assert second == first + 1

    @pytest.mark.backoffice_slow
    def test_docs_one_draft_issued_by_racing_threads_is_issued_once(
            self, uow_factory: UnitOfWorkFactory) -> None:
        """Threads issuing the same draft at once: one wins, the others get the error a
        second issue gets (the document is no longer a draft), never an idempotency
        conflict; the number of the losers goes back to the series."""
        self.require("concurrent_writers")
        bo = _setup_book(open_book(uow_factory, "kit"))
        party = bo.documents.create_party("Globex GmbH", code="C-1")
        for day in (10, 11):
            draft = bo.documents.create_invoice(party.id, date(2026, 1, day), [
                line("Chair", 1, "10.00", Tax.standard(19))]).id

            def attempt(d: str = draft) -> Any:
                try:
                    return retry(lambda: bo.documents.issue(d))
                except BackofficeError as exc:
                    return exc

            got = run_threads([attempt for _ in range(4)])
            won = [g for g in got if not isinstance(g, BackofficeError)]
            lost = [g for g in got if isinstance(g, BackofficeError)]
            assert len(won) == 1, got
            assert {(type(e), e.field) for e in lost} == {(ValidationError, "state")}, lost
            assert won[0].number == f"INV-2026-{day - 9:05}"
        assert bo.ledger.verify().ok

    def test_docs_party_codes_are_unique_in_a_book(
            self, uow_factory: UnitOfWorkFactory) -> None:
        """A party code another party has (archived too) is refused; no code is no key."""
        docs = _setup_book(open_book(uow_factory, "kit")).documents
        other_book = _setup_book(open_book(uow_factory, "kit-2")).documents
        first = docs.create_party("Globex GmbH", code="C-001")
        docs.update_party(docs.create_party("Old Co", code="C-OLD").id, version=0,
                          archived=True)
        second = docs.create_party("Initech Inc.", code="C-002")
        blank = [docs.create_party(f"Walk-in {i}").id for i in range(2)]  # many without
        assert other_book.create_party("Globex AG", code="C-001").code == "C-001"
        before = docs.parties(include_archived=True)
        refused: list[tuple[str, Callable[[], object], str]] = [
            ("create", lambda: docs.create_party("Copy", code="C-001"), "C-001"),
            ("create padded", lambda: docs.create_party("Copy", code=" C-002 "), "C-002"),
            ("create archived's", lambda: docs.create_party("Copy", code="C-OLD"), "C-OLD"),
            ("update", lambda: docs.update_party(second.id, version=0, code="C-001"),
             "C-001"),
            ("update blank", lambda: docs.update_party(blank[0], version=0, code="C-002"),
             "C-002")]
        for name, call, value in refused:
            with pytest.raises(DuplicateError) as info:
                call()
            assert (info.value.field, info.value.value) == ("code", value), name
            assert docs.parties(include_archived=True) == before, f"refused {name} saved"
        assert docs.party_by_code("C-001") == first
        renamed = docs.update_party(first.id, version=0, code="C-003", tags=["moved"])
        assert docs.create_party("Newcomer", code="C-001").code == "C-001"
        assert docs.update_party(renamed.id, version=1, legal_name="Globex SE").code == "C-003"
        assert docs.update_party(second.id, version=0, code="").code == ""
        assert docs.create_party("Again", code="C-002").code == "C-002"
        with pytest.raises(NotFoundError):
            docs.party_by_code("C-00")

    def test_docs_service_scenario_matches_the_reference(
            self, uow_factory: UnitOfWorkFactory) -> None:
        """Party, invoices, issue, payments, credit note, aging: equal to the memory adapter."""
        got = _scenario(open_book(uow_factory, "kit"), uow_factory)
        store = MemoryStore()
        want = _scenario(open_book(store, "kit"), store)
        for key in want:
            assert got[key] == want[key], f"{key} differs from the reference adapter"


def _setup_book(bo: Any) -> Any:
    bo.ledger.setup("Kit GmbH", currency="EUR", chart="generic")
    bo.ledger.add_fiscal_year(FiscalYear.monthly("FY2026", date(2026, 1, 1)))
    bo.ledger.set_rate("USD", "EUR", date(2026, 1, 1), Decimal("0.92"))
    bo.ledger.set_rate("USD", "EUR", date(2026, 1, 25), Decimal("0.95"))
    return bo


def _scenario(bo: Any, factory: UnitOfWorkFactory) -> dict[str, Any]:
    docs = _setup_book(bo).documents
    vat = Tax.standard(19)
    customer = docs.create_party("Globex GmbH", code="C-001",
                                 payment_terms=PaymentTerms.net(14))
    abroad = docs.create_party("Initech Inc.", code="C-002", currency="USD")
    first = docs.issue(docs.create_invoice(customer.id, date(2026, 1, 8), [
        line("Chair", 12, "149.90", vat, discount=5, item_id="CHAIR-1"),
        line("Assembly", 1, "200.00", vat)]).id, user="billing")
    export = docs.issue(docs.create_invoice(abroad.id, date(2026, 1, 10), [
        line("Hours", 10, "120.00", Tax.reverse_charge())]).id, user="billing")
    docs.issue_many([docs.create_invoice(customer.id, date(2026, 1, 12 + i), [
        line("Desk", 1 + i, "310.00", vat)]).id for i in range(3)] + [docs.create_invoice(
        abroad.id, date(2026, 1, 14), [line("Hours", 2, "120.00", Tax.reverse_charge())]).id],
        user="billing")
    docs.issue(docs.credit(first.id, {"1": 1}, reason="returned", date=date(2026, 1, 16)).id,
               user="billing")
    docs.record_payment(customer.id, Money("933.00", "EUR"), date(2026, 1, 20),
                        allocate_to=[first.id], user="treasury")
    docs.record_payment(abroad.id, export.totals.amount_due, date(2026, 1, 26),
                        allocate_to=[export.id], user="treasury")
    aging = docs.aging(date(2026, 1, 31))
    with factory("kit") as uow:
        stored = dump_documents(docs_of(uow))
        ledger = ledger_samples.dump(uow.ledger)
    return {"stored": stored, "aging": aging, "aging_text": aging.render("de_DE"),
            "overdue": list(docs.overdue(date(2026, 1, 31))),
            "statement": docs.statement(customer.id, date(2026, 1, 1), date(2026, 1, 31)),
            "balances": sorted(bo.ledger.balances(), key=lambda b: tuple(b.key)),
            "ledger": ledger,
            "first": attrs.asdict(docs.get(first.id), recurse=False)}
