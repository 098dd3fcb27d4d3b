"""The shared lifecycle: drafts, versions, approval, issue, cancellation, archive, audit."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from backoffice_core.documents import (
    AllowanceCharge,
    ApprovalRule,
    DocumentState,
    DocumentType,
    Tax,
    line,
)
from backoffice_core.documents.lifecycle import TRANSITIONS, rules_for, transition
from backoffice_core.errors import ConcurrencyError, LimitExceededError, ValidationError
from backoffice_core.money import Money

S = DocumentState


def _invoice(book: Any, amount: str = "100.00", **kw: Any) -> Any:
    return book.docs.create_invoice(book.acme.id, date(2026, 1, 10),
                                    [line("Service", 1, amount, Tax.standard(20))], **kw)


def test_every_transition_is_recorded_with_who_when_and_why(book: Any) -> None:
    d = _invoice(book, user="carol")
    book.clock.advance(timedelta(hours=1))
    d = book.docs.update(d.id, version=d.version, user="carol", reason="typo", note="Thanks")
    book.clock.advance(timedelta(hours=1))
    d = book.docs.approve(d.id, user="dave", reason="checked")
    book.clock.advance(timedelta(hours=1))
    d = book.docs.issue(d.id, user="erin", reason="send")
    start = datetime(2026, 1, 31, tzinfo=UTC)
    assert [(t.action, t.user, t.at - start, t.from_state, t.to_state, t.reason)
            for t in d.history] == [
        ("create", "carol", timedelta(0), S.DRAFT, S.DRAFT, ""),
        ("edit", "carol", timedelta(hours=1), S.DRAFT, S.DRAFT, "typo"),
        ("approve", "dave", timedelta(hours=2), S.DRAFT, S.APPROVED, "checked"),
        ("issue", "erin", timedelta(hours=3), S.APPROVED, S.ISSUED, "send"),
    ]
    assert d.version == 3


def test_drafts_are_versioned_and_stale_writes_are_refused(book: Any, unchanged: Any) -> None:
    d = _invoice(book)
    d1 = book.docs.update(d.id, version=0, lines=[line("B", 2, "5.00", Tax.standard(20))])
    assert d1.version == 1 and d1.totals.tax_inclusive == Money("12.00", "USD")
    unchanged(book.bo, ConcurrencyError, book.docs.update, d.id, version=0, note="stale")


def test_issued_documents_are_immutable(book: Any, unchanged: Any) -> None:
    d = book.docs.issue(_invoice(book).id)
    info = unchanged(book.bo, ValidationError, book.docs.update, d.id, version=d.version,
                     note="changed")
    assert info.value.field == "state"
    unchanged(book.bo, ValidationError, book.docs.issue, d.id)
    unchanged(book.bo, ValidationError, book.docs.approve, d.id, user="x")


def test_approval_rule_by_amount_and_four_eyes(book: Any, unchanged: Any) -> None:
    book.docs.configure(approval_rules=[ApprovalRule("sales_invoice", Money("1000.00", "USD"),
                                                     ("boss", "cfo"))])
    small = book.docs.issue(_invoice(book, "100.00").id)  # 120.00 < 1000.00
    assert small.state is S.ISSUED
    big = _invoice(book, "900.00", user="clerk")  # 1080.00 >= 1000.00
    info = unchanged(book.bo, ValidationError, book.docs.issue, big.id)
    assert "approval" in info.value.message
    unchanged(book.bo, ValidationError, book.docs.approve, big.id, user="intern")
    boss_draft = _invoice(book, "900.00", user="boss")
    unchanged(book.bo, ValidationError, book.docs.approve, boss_draft.id, user="boss")
    book.docs.approve(big.id, user="cfo")
    assert book.docs.issue(big.id, user="clerk").state is S.ISSUED
    # approved documents go back to draft to change
    again = book.docs.approve(_invoice(book, "900.00").id, user="boss")
    back = book.docs.reopen(again.id, user="boss", reason="price changes")
    assert back.state is S.DRAFT


def test_the_threshold_in_another_currency_uses_the_ledger_rate(book: Any) -> None:
    book.docs.configure(approval_rules=[ApprovalRule("sales_invoice",
                                                     Money("1000.00", "USD"))])
    # 800.00 EUR + 20 % = 960.00 EUR x 1.10 = 1056.00 USD >= 1000.00 USD
    d = book.docs.create_invoice(book.acme.id, date(2026, 1, 10),
                                 [line("A", 1, "800.00", Tax.standard(20))], currency="EUR")
    with pytest.raises(ValidationError):
        book.docs.issue(d.id)


def test_cancelling_an_issued_invoice_goes_through_a_credit_note(book: Any) -> None:
    d = book.docs.issue(_invoice(book).id)
    with pytest.raises(ValidationError):  # the machine refuses a direct cancellation
        transition(d, S.CANCELLED, user="x", at=book.clock.now(), action="cancel")
    cancelled = book.docs.cancel(d.id, user="frank", reason="duplicate")
    assert cancelled.state is S.CANCELLED and cancelled.history[-1].user == "frank"
    notes = book.docs.find(type="credit_note", source_id=d.id)
    assert len(notes) == 1 and notes[0].state is S.PAID  # fully applied to the invoice
    assert notes[0].totals == d.totals  # the same figures, with the sign of a credit
    assert book.bo.ledger.balance("1140") == Money("0.00", "USD")
    assert book.bo.ledger.balance("4100") + book.bo.ledger.balance("4200") == \
        Money("0.00", "USD")


def test_drafts_and_non_financial_documents_cancel_directly(book: Any) -> None:
    draft = _invoice(book)
    assert book.docs.cancel(draft.id).state is S.CANCELLED
    quote = book.docs.issue(book.docs.create("quote", book.acme.id, date(2026, 1, 3),
                                             [line("A", 1, "1.00", Tax.zero())]).id)
    assert book.docs.cancel(quote.id).state is S.CANCELLED
    assert book.bo.ledger.entries() == []


def test_archived_documents_stay_readable_and_searchable(book: Any) -> None:
    d = book.docs.issue(_invoice(book, note="march retainer").id)
    with pytest.raises(ValidationError):  # still open: not archived
        book.docs.archive(d.id)
    book.docs.record_payment(book.acme.id, Money("120.00", "USD"), date(2026, 1, 20),
                             allocate_to=[d.id])
    archived = book.docs.archive(d.id, user="gina", reason="year end")
    assert archived.archived and archived.history[-1].action == "archive"
    assert book.docs.get(d.id).archived
    assert [x.id for x in book.docs.find(text="retainer")] == [d.id]
    assert book.docs.find(text="retainer", archived=False) == []
    assert book.docs.by_number("sales_invoice", d.number).id == d.id
    assert not book.docs.archive(d.id, archived=False).archived


def test_type_rules_narrow_the_shared_machine() -> None:
    assert S.PAID not in rules_for(DocumentType.QUOTE).states
    assert S.COMPLETED not in rules_for(DocumentType.SALES_INVOICE).states
    assert rules_for(DocumentType.SUPPLIER_BILL).correction is DocumentType.DEBIT_NOTE
    assert TRANSITIONS[S.CANCELLED] == frozenset()


def test_credit_limit(book: Any, unchanged: Any) -> None:
    book.docs.update_party(book.acme.id, version=0, credit_limit=Money("200.00", "USD"))
    book.docs.issue(_invoice(book, "100.00").id)  # owes 120.00
    second = _invoice(book, "100.00")  # would owe 240.00
    info = unchanged(book.bo, LimitExceededError, book.docs.issue, second.id)
    assert info.value.field == "credit_limit"
    book.docs.record_payment(book.acme.id, Money("120.00", "USD"), date(2026, 1, 20))
    assert book.docs.issue(second.id).state is S.ISSUED  # the payment freed the limit


def test_wrong_party_roles_are_refused(book: Any, unchanged: Any) -> None:
    unchanged(book.bo, ValidationError, book.docs.create_invoice, book.paperco.id,
              date(2026, 1, 1), [line("A", 1, "1", Tax.zero())])
    unchanged(book.bo, ValidationError, book.docs.create_bill, book.acme.id,
              date(2026, 1, 1), [line("A", 1, "1", Tax.zero())])


def _evolved(make: Any) -> Any:
    try:
        return make()
    except Exception as err:  # noqa: BLE001 - the outcome compared is the error itself
        return type(err), getattr(err, "field", None)


def test_evolve_checks_what_attrs_evolve_checks() -> None:
    """``lifecycle.evolve`` re-checks only the fields it changes (the whole constructor
    when a cross-checked one changes): field by field, valid and invalid values give what
    ``attrs.evolve`` gives, the value or the same typed error on the same field."""
    import attrs

    from backoffice_core.documents import AllowanceCharge, Document, PaymentTerms
    from backoffice_core.documents.lifecycle import evolve
    from backoffice_core.documents.model import DocumentRef, Transition

    doc = Document("d-1", "sales_invoice", "p-1", "EUR", date(2026, 1, 5),
                   [line("A", 2, "5.00", Tax.standard(20)),
                    line("B", 1, Money("1.00", "EUR"), Tax.zero())])
    at = datetime(2026, 1, 5, tzinfo=UTC)
    candidates: list[Any] = [
        None, "", "x", 0, 1, -1, 1.5, True, (), [], {}, "2026-01-05", date(2026, 2, 1),
        Money("1.00", "EUR"), Money("1.00", "USD"), "usd", "NOPE", "quote", "issued",
        S.ISSUED, DocumentType.QUOTE, PaymentTerms.net(30), {"project": "P"},
        [line("C", 1, "1", Tax.zero())], [line("C", 1, Money("1", "USD"), Tax.zero())],
        [line("C", 1, "1", Tax.zero(), id="1"), line("D", 1, "1", Tax.zero(), id="1")],
        [AllowanceCharge.charge("1.00", tax=Tax.zero())], [AllowanceCharge.allowance("1")],
        [DocumentRef("d-0", DocumentType.QUOTE)], ["not a ref"],
        (Transition(at, "ann", "issue", S.DRAFT, S.ISSUED),)]
    compared = 0
    for field in attrs.fields(Document):
        for value in candidates:
            want = _evolved(lambda f=field.name, v=value: attrs.evolve(doc, **{f: v}))
            got = _evolved(lambda f=field.name, v=value: evolve(doc, **{f: v}))
            assert got == want, (field.name, value, got, want)
            if isinstance(want, Document):
                assert [getattr(got, f.name) for f in attrs.fields(Document)] == \
                    [getattr(want, f.name) for f in attrs.fields(Document)]
            compared += 1
    both = _evolved(lambda: evolve(doc, state="issued", number="N-1", note=3))
    assert both == _evolved(lambda: attrs.evolve(doc, state="issued", number="N-1", note=3))
    assert compared == len(attrs.fields(Document)) * len(candidates)


def test_a_draft_credit_note_does_not_stop_cancel_from_crediting(book: Any) -> None:
    d = book.docs.issue(_invoice(book).id)
    draft = book.docs.credit(d.id, reason="left as a draft")
    cancelled = book.docs.cancel(d.id, reason="duplicate")
    notes = [n for n in book.docs.find(type="credit_note", source_id=d.id) if n.number]
    assert cancelled.state is S.CANCELLED and cancelled.open_amount == Money("0.00", "USD")
    assert [n.totals for n in notes] == [d.totals]  # credited in full, by a credit note
    assert book.bo.ledger.balance("1140") == Money("0.00", "USD")
    with pytest.raises(ValidationError):  # the draft cannot credit it a second time
        book.docs.issue(draft.id)


def test_odd_arguments_are_refused_by_name(book: Any, unchanged: Any) -> None:
    draft = _invoice(book)
    issued = book.docs.issue(_invoice(book).id)
    for call, field, value in [
        (lambda: book.docs.update(draft.id, version=0, lines=5), "lines", 5),
        (lambda: book.docs.credit(issued.id, [1]), "quantities", [1]),
        (lambda: book.docs.credit(issued.id, date="2026-03-01"), "date", "2026-03-01"),
        (lambda: book.docs.convert(issued.id, "credit_note", date="2026-03-01"), "date",
         "2026-03-01"),
        (lambda: book.docs.issue_many(5), "document_ids", 5),
    ]:
        info = unchanged(book.bo, ValidationError, call)
        assert (info.value.field, info.value.value) == (field, value)


def _edited_note(book: Any, d: Any, lines: Any) -> Any:
    cn = book.docs.credit(d.id, {"1": 1})
    return book.docs.issue(book.docs.update(cn.id, version=cn.version, lines=lines).id)


@pytest.mark.parametrize("edit", ["free line", "higher price", "more at a lower price",
                                  "by quantity, invoice with a fixed allowance",
                                  "by quantity, rounding"])
def test_an_invoice_is_cancelled_in_full_whatever_its_credit_notes_hold(
        book: Any, edit: str) -> None:
    """Cancel credited the quantities left while the over-credit rule counted amounts:
    a credit note edited to a free line or another price (or a fixed allowance, or the
    rounding of partial notes) refused the cancel for good, or left the cancelled invoice
    owing. Both now read one amount left to credit, balanced per VAT group."""
    s20 = Tax.standard(20)
    acs = [AllowanceCharge.allowance("10.00", tax=s20)] if "allowance" in edit else []
    lines = [line("Service", 3, "33.333", Tax.standard(7)), line("Fee", 1, "0.05",
             Tax.standard(7))] if "rounding" in edit else [line("Service", 2, "100.00", s20)]
    d = book.docs.issue(book.docs.create_invoice(book.acme.id, date(2026, 1, 10), lines,
                                                 allowances_charges=acs).id)
    if edit == "free line":
        _edited_note(book, d, [line("Goodwill", 1, "150.00", Tax.zero())])
    elif edit == "higher price":
        _edited_note(book, d, [line("Service", 1, "180.00", s20)])
    elif edit == "more at a lower price":
        _edited_note(book, d, [line("Service", 3, "50.00", s20)])
    else:
        for _ in range(2 if "rounding" in edit else 1):
            book.docs.issue(book.docs.credit(d.id, {"1": 1}).id)
    book.docs.credit(d.id, {"1": 1} if edit == "higher price" else None)  # a draft
    cancelled = book.docs.cancel(d.id, reason="duplicate")
    assert cancelled.state is S.CANCELLED and cancelled.open_amount == Money("0.00", "USD")
    notes = [n for n in book.docs.find(type="credit_note", source_id=d.id) if n.number]
    assert sum(n.totals.to_settle.amount for n in notes) == d.totals.to_settle.amount
    for account in ("1140", "2140"):  # the party's account and the VAT are reversed
        assert book.bo.ledger.balance(account) == Money("0.00", "USD")
    assert book.bo.ledger.balance("4100") + book.bo.ledger.balance("4200") == \
        Money("0.00", "USD")


def test_credit_the_rest_is_what_cancel_would_credit(book: Any, unchanged: Any) -> None:
    d = book.docs.issue(_invoice(book, "100.00").id)
    _edited_note(book, d, [line("Goodwill", 1, "30.00", Tax.standard(20))])
    rest = book.docs.credit(d.id)  # 120.00 - 36.00, and never the whole quantity again
    assert rest.totals.to_settle == Money("84.00", "USD")
    book.docs.issue(rest.id)
    info = unchanged(book.bo, ValidationError, book.docs.credit, d.id)
    assert info.value.field == "quantities"
    extra = book.docs.create("credit_note", book.acme.id, date(2026, 1, 12),
                             [line("More goodwill", 1, "1.00", Tax.standard(20))],
                             references=[rest.references[0]])
    unchanged(book.bo, ValidationError, book.docs.issue, extra.id)  # never over-credited
    cancelled = book.docs.cancel(d.id)  # all credited: nothing more to issue
    assert cancelled.state is S.CANCELLED and cancelled.open_amount == Money("0.00", "USD")
    assert len([n for n in book.docs.find(type="credit_note") if n.number]) == 2


def test_credit_notes_by_quantity_share_the_document_allowances(book: Any) -> None:
    """A note for some quantities took a percentage of an explicit base whole (crediting
    one chair of three less the whole discount) and dropped fixed amounts even when it
    took every quantity (so crediting them all was refused as over-crediting). A fixed
    amount, or a percentage of an explicit base, now goes on the note that takes the rest,
    as in conversions; a percentage of the group's nets on every note."""
    s20 = Tax.standard(20)
    d = book.docs.issue(book.docs.create_invoice(book.acme.id, date(2026, 1, 10), [
        line("Chair", 3, "100.00", s20)], allowances_charges=[
        AllowanceCharge.allowance(percent=10, base="300.00", reason="Bulk", tax=s20),
        AllowanceCharge.allowance("6.00", reason="Voucher", tax=s20)]).id)
    assert d.totals.to_settle == Money("316.80", "USD")  # 300 - 30 - 6 = 264, + 20 %
    one = book.docs.issue(book.docs.credit(d.id, {"1": 1}).id)
    assert one.allowances_charges == ()
    assert one.totals.to_settle == Money("120.00", "USD")
    rest = book.docs.issue(book.docs.credit(d.id, {"1": 2}).id)  # every quantity left
    assert [ac.reason for ac in rest.allowances_charges] == ["Bulk", "Voucher"]
    assert one.totals.to_settle + rest.totals.to_settle == d.totals.to_settle
    assert book.docs.get(d.id).open_amount == Money("0.00", "USD")
    whole = book.docs.issue(book.docs.create_invoice(book.acme.id, date(2026, 1, 10), [
        line("Chair", 3, "100.00", s20)], allowances_charges=[
        AllowanceCharge.allowance("6.00", reason="Voucher", tax=s20)]).id)
    note = book.docs.issue(book.docs.credit(whole.id, {"1": 3}).id)
    assert note.totals == whole.totals
