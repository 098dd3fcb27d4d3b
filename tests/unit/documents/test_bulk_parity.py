"""The bulk paths against the single calls they stand for, on twin books.

Two books built alike (fixed clock, sequential ids) take the same drafts. One takes
them one call at a time (``create`` per draft, ``issue`` per id, stopping at the first
refusal), the other in one bulk call (``create_many``, ``issue_many``). Then:

* when every single call succeeds, the bulk call succeeds and both books are equal in
  everything observable (documents with their totals, numbers, states and audit
  trail; ledger entries, their hash chain and balances per account and party);
* when the single call for item ``i`` is refused, the bulk call is refused with the
  same error type, naming the same field under the item's position
  (``drafts[i].<field>``, ``document_ids[i].<field>``), and changes nothing.

A refusal of the list itself names the item's position alone: an id that names no
document (``document_ids[i]`` where ``issue`` names ``document_id``) and an id given
twice (``document_ids[j]`` where the second ``issue`` names ``state``).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backoffice_core.documents import (
    AllowanceCharge,
    ApprovalRule,
    DocumentRounding,
    DraftSpec,
    Tax,
    line,
)
from backoffice_core.errors import BackofficeError, ValidationError
from backoffice_core.ledger import FiscalYear
from backoffice_core.money import Money

PROPERTY = settings(max_examples=80, deadline=None)
BIG = "999999999999999.99"  # 10**17 - 1 cents: the largest amount a USD line holds


def _at(prefix: str, i: int, field: str | None) -> str:
    return f"{prefix}[{i}].{field}" if field else f"{prefix}[{i}]"


def _same_place(single: str, bulk: str | None, prefix: str, i: int) -> bool:
    """``bulk`` names what the single call for item ``i`` named (``single``); a refusal
    of the id itself (unknown, or given twice) names the position alone."""
    if bulk == single:
        return True
    return bulk == f"{prefix}[{i}]" and single in (f"{prefix}[{i}].document_id",
                                                   f"{prefix}[{i}].state")


def _parity(one: Any, many: Any, items: list[Any], observe: Any,
            single: Callable[[Any], Any], bulk: Callable[[Any, list[Any]], Any],
            prefix: str) -> None:
    """``single(item)`` per item on ``one`` against ``bulk`` of them all on ``many``:
    the same results and books, or the same error at the same item (``prefix[i]``),
    with ``many`` unchanged."""
    singly: list[Any] = []
    refused: tuple[int, BackofficeError] | None = None
    for i, item in enumerate(items):
        try:
            singly.append(single(item))
        except BackofficeError as err:
            refused = (i, err)
            break
    if refused is None:
        assert bulk(many, items) == singly
        assert observe(many.bo) == observe(one.bo)
        assert many.bo.ledger.verify().ok
        return
    i, err = refused
    before = observe(many.bo)
    with pytest.raises(BackofficeError) as info:
        bulk(many, items)
    assert type(info.value) is type(err), (info.value, err)
    assert _same_place(_at(prefix, i, err.field), info.value.field, prefix, i), (
        info.value, err)
    assert observe(many.bo) == before


def _issue_parity(one: Any, many: Any, ids: list[Any], observe: Any, **kw: Any) -> None:
    """``issue`` per id on ``one`` against ``issue_many`` on ``many``."""
    _parity(one, many, ids, observe, lambda doc_id: one.docs.issue(doc_id, **kw),
            lambda book, items: book.docs.issue_many(items, **kw), "document_ids")


def _create_parity(one: Any, many: Any, specs: list[DraftSpec], observe: Any,
                   **kw: Any) -> None:
    """``create`` per spec on ``one`` against ``create_many`` on ``many``."""
    _parity(one, many, specs, observe,
            lambda s: one.docs.create(s.type, s.party_id, s.date, s.lines,
                                      currency=s.currency, **kw, **s.fields),
            lambda book, items: book.docs.create_many(items, **kw), "drafts")


def _twins(make_book: Callable[..., Any], prepare: Callable[[Any], Any]) -> tuple[Any, Any, Any]:
    one, many = make_book(), make_book()
    made = prepare(one)
    assert prepare(many) == made
    return one, many, made


def _invoice(book: Any, day: date, price: str = "10.00", **kw: Any) -> str:
    return str(book.docs.create_invoice(book.acme.id, day, [line("A", 1, price, Tax.zero())],
                                        **kw).id)


def _close_january(book: Any) -> None:
    book.bo.ledger.add_fiscal_year(FiscalYear.monthly("FY2026", date(2026, 1, 1)))
    book.bo.ledger.close_period("FY2026", "2026-01")


def _drop_role(book: Any, name: str) -> None:
    """A book whose chart names no account for ``name`` (set up before the role existed)."""
    with book.bo.unit_of_work() as uow:
        s = uow.ledger.get_settings()
        roles = {k: v for k, v in s.roles.items() if k != name}
        uow.ledger.save_settings(attrs.evolve(s, roles=roles, version=s.version + 1), s.version)
        uow.commit()


# ---------------------------------------------------------------- issue_many, targeted
def test_bulk_issue_equals_single_at_the_bounds_and_in_other_currencies(
        make_book: Callable[..., Any], observe: Any) -> None:
    def prepare(book: Any) -> list[str]:
        docs = book.docs
        docs.configure(reverse_charge_rate="19")
        return [
            _invoice(book, date(2026, 1, 5), BIG),
            docs.create_invoice(book.acme.id, date(2026, 1, 6), [
                line("A", 1, BIG, Tax.zero()),
                line("Trade-in", -1, BIG, Tax.zero(), account="4110")]).id,
            docs.create_invoice(book.acme.id, date(2026, 1, 7), [
                line("A", 3, "0.333", Tax.standard(20)), line("B", 7, "0.0049", Tax.reduced(7)),
                line("C", "2.5", "19.99", Tax.standard(20), discount=5)],
                allowances_charges=[AllowanceCharge.charge("4.90", tax=Tax.standard(20))],
                rounding=DocumentRounding(cash_increment="0.05")).id,
            docs.create_invoice(book.acme.id, date(2026, 2, 3), [
                line("A", 1, "99.99", Tax.standard(19))], currency="EUR").id,
            docs.create_bill(book.paperco.id, date(2026, 1, 8), [
                line("Service", 1, "1000.00", Tax.reverse_charge())], currency="EUR").id,
            docs.create_invoice(book.acme.id, date(2026, 1, 9), [
                line("Free", 1, "10.00", Tax.zero(), discount=100)]).id,
            docs.create("quote", book.acme.id, date(2026, 1, 9), [
                line("A", 0, "10.00", Tax.zero())]).id,
            _invoice(book, date(2026, 1, 10), prepaid=Money("10.00", "USD")),
        ]

    one, many, ids = _twins(make_book, prepare)
    _issue_parity(one, many, ids, observe, user="ann", reason="run\nline two")


@pytest.mark.parametrize("case", ["no_rate", "beyond_bound_in_usd", "approval", "credit_limit",
                                  "archived", "bad_user", "bad_reason", "locked"])
def test_bulk_issue_refuses_what_single_refuses(case: str, make_book: Callable[..., Any],
                                                observe: Any) -> None:
    def prepare(book: Any) -> list[str]:
        docs = book.docs
        ids = [_invoice(book, date(2026, 1, 5))]
        if case == "no_rate":
            ids.append(_invoice(book, date(2025, 12, 31), currency="EUR"))
        elif case == "beyond_bound_in_usd":  # fits in EUR, not at 1.10 in USD
            ids.append(_invoice(book, date(2026, 1, 5), BIG, currency="EUR"))
        elif case == "approval":
            docs.configure(approval_rules=[ApprovalRule("sales_invoice",
                                                        Money("100.00", "USD"))])
            ids.append(_invoice(book, date(2026, 1, 6), "95.00", currency="EUR"))
        elif case == "credit_limit":
            docs.update_party(book.acme.id, version=0, credit_limit=Money("100.00", "EUR"))
            ids += [_invoice(book, date(2026, 1, 6), "60.00", currency="EUR"),
                    _invoice(book, date(2026, 1, 7), "40.01", currency="EUR")]
        elif case == "archived":
            gone = docs.create_party("Gone Ltd")
            ids.append(docs.create_invoice(gone.id, date(2026, 1, 6), [
                line("A", 1, "1.00", Tax.zero())]).id)
            docs.update_party(gone.id, version=0, archived=True)
        elif case == "locked":
            book.bo.ledger.add_fiscal_year(FiscalYear.monthly("FY2026", date(2026, 1, 1)))
            book.bo.ledger.lock_period("FY2026", "2026-02")
            ids.append(_invoice(book, date(2026, 2, 2)))
        return ids

    kw = {"bad_user": {"user": "a\x00b"}, "bad_reason": {"reason": "a\ud800b"}}.get(case, {})
    one, many, ids = _twins(make_book, prepare)
    _issue_parity(one, many, ids, observe, **kw)


def _refusal(book: Any, ids: list[Any]) -> BackofficeError:
    """What ``issue_many(ids)`` raises (it must raise)."""
    with pytest.raises(BackofficeError) as info:
        book.docs.issue_many(ids)
    return info.value


def test_an_earlier_documents_ledger_refusal_comes_before_a_later_documents(
        make_book: Callable[..., Any], observe: Any) -> None:
    """One by one, the invoice dated in a closed period is refused before the issued
    document after it is met; the bulk path used to check every document of a run
    before posting any, and named the later one (``document_ids[1].state``)."""
    def prepare(book: Any) -> list[str]:
        ids = [_invoice(book, date(2026, 1, 20)),
               book.docs.issue(_invoice(book, date(2026, 2, 20))).id]
        _close_january(book)
        return ids

    one, many, ids = _twins(make_book, prepare)
    assert _refusal(many, ids).field == "document_ids[0].date"
    _issue_parity(one, many, ids, observe)


@pytest.mark.parametrize("before", [False, True])
def test_an_entry_the_book_has_no_role_for_names_the_document(
        before: bool, make_book: Callable[..., Any], observe: Any) -> None:
    """A cash-rounded invoice in a book without a ``rounding`` role: ``issue`` names
    ``roles.rounding``; the bulk path raised it without the document's position, and
    before the refusal of a document earlier in the list."""
    def prepare(book: Any) -> list[str]:
        ids = [_invoice(book, date(2026, 1, 20 if before else 21)),
               _invoice(book, date(2026, 2, 3), "10.02",
                        rounding=DocumentRounding(cash_increment="0.05"))]
        if before:
            _close_january(book)
        _drop_role(book, "rounding")
        return ids

    one, many, ids = _twins(make_book, prepare)
    field = "document_ids[0].date" if before else "document_ids[1].roles.rounding"
    assert _refusal(many, ids).field == field
    _issue_parity(one, many, ids, observe)


@pytest.mark.parametrize("before", [False, True])
def test_a_number_the_pattern_cannot_print_names_the_document(
        before: bool, make_book: Callable[..., Any], observe: Any) -> None:
    """A fiscal year named with 150 characters printed twice by the pattern makes a
    number longer than a key: ``issue`` refuses it naming ``number`` once the document
    passed its checks; the bulk path formatted every number first, so it named no
    document and came before the refusal of an issued document earlier in the list."""
    def prepare(book: Any) -> list[str]:
        quote = book.docs.create("quote", book.acme.id, date(2026, 1, 4), [
            line("A", 1, "1.00", Tax.zero())]).id
        if before:
            quote = book.docs.issue(quote).id
        book.bo.ledger.add_fiscal_year(FiscalYear.monthly("F" * 150, date(2026, 1, 1)))
        book.docs.configure(patterns={"sales_invoice": "{fy}-{fy}-{seq}"})
        return [quote, _invoice(book, date(2026, 1, 5))]

    one, many, ids = _twins(make_book, prepare)
    field = "document_ids[0].state" if before else "document_ids[1].number"
    assert _refusal(many, ids).field == field
    _issue_parity(one, many, ids, observe)


@pytest.mark.parametrize("case", ["unknown", "twice", "not_a_string"])
def test_a_refused_id_comes_in_its_place_in_the_list(
        case: str, make_book: Callable[..., Any], observe: Any) -> None:
    """An id that names no document, or comes again, is refused where ``issue`` one by
    one would meet it: after the documents before it (the bulk path used to refuse it
    before reading any). An id that is not a string cannot be one: a ``ValidationError``
    naming it, as for ``issue`` (it was a ``NotFoundError`` for a while, as ``issue``
    answered then)."""
    def prepare(book: Any) -> list[Any]:
        issued = book.docs.issue(_invoice(book, date(2026, 1, 5))).id
        draft = _invoice(book, date(2026, 1, 6))
        return {"unknown": [issued, "nope"], "twice": [issued, issued],
                "not_a_string": [draft, 7]}[case]

    one, many, ids = _twins(make_book, prepare)
    err = _refusal(many, ids)
    if case == "not_a_string":
        assert (type(err), err.field) == (ValidationError, "document_ids[1]")
    else:
        assert (type(err), err.field) == (ValidationError, "document_ids[0].state")
    _issue_parity(one, many, ids, observe)


# ---------------------------------------------------------------- issue_many, property
# the common values repeated, so that most lists pass and the rare ones are met in them
_PRICES = ["10.00", "10.00", "0.333", "19.99", "0.005", BIG, "500000000000000.00"]
_QUANTITIES = [1, 1, 2, 3, 0, -1, "2.5", "0.001"]
_TAXES = [Tax.zero(), Tax.standard(20), Tax.standard(20), Tax.reduced(7), Tax.reverse_charge()]
_DAYS = [date(2026, 1, 5), date(2026, 2, 3), date(2026, 2, 3), date(2026, 3, 1),
         date(2025, 12, 31), date(2026, 12, 31), date(2027, 1, 2)]

_lines = st.lists(st.tuples(st.sampled_from(_QUANTITIES), st.sampled_from(_PRICES),
                            st.sampled_from(_TAXES),
                            st.sampled_from([None, None, None, 5, 100])),
                  min_size=1, max_size=3)
_rarely = st.sampled_from([False] * 7 + [True])
_draft = st.fixed_dictionaries({
    "kind": st.sampled_from(["sales_invoice", "sales_invoice", "supplier_bill", "quote",
                             "credit_note", "correction"]),
    "party": st.sampled_from(["acme"] * 6 + ["limited", "archived"]),
    "currency": st.sampled_from([None, None, None, "EUR", "EUR", "GBP"]),
    "day": st.sampled_from(_DAYS),
    "lines": _lines,
    "no_lines": _rarely,
    "cash": st.booleans(),
    "state": st.sampled_from(["draft"] * 6 + ["approved", "issued"]),
})
_book = st.fixed_dictionaries({
    "closed": _rarely, "approval": _rarely, "no_rounding_role": _rarely,
    "reverse_charge": st.booleans(), "pattern": st.sampled_from(["", "{fy}/{seq}"]),
})


def _realize(book: Any, setup: dict[str, Any], drafts: list[dict[str, Any]],
             again: int | None) -> list[str]:
    """Build the book and drafts that ``setup`` and ``drafts`` describe; the ids to issue."""
    docs = book.docs
    if setup["reverse_charge"]:
        docs.configure(reverse_charge_rate="19")
    if setup["pattern"]:
        docs.configure(patterns={"sales_invoice": setup["pattern"]})
    limited = docs.create_party("Limited Ltd", is_supplier=True,
                                credit_limit=Money("1000.00", "USD"))
    archived = docs.create_party("Gone Ltd", is_supplier=True)
    parties = {"acme": book.acme.id, "limited": limited.id, "archived": archived.id}
    earlier = docs.issue(docs.create_invoice(book.acme.id, date(2026, 1, 2), [
        line("Chair", 4, "50.00", Tax.standard(20))]).id)
    ids: list[str] = []
    for d in drafts:
        lines = [] if d["no_lines"] else [line(f"L{n}", q, p, t, discount=disc)
                                          for n, (q, p, t, disc) in enumerate(d["lines"])]
        party = parties[d["party"]] if d["kind"] != "supplier_bill" else (
            book.paperco.id if d["party"] == "acme" else parties[d["party"]])
        try:
            if d["kind"] == "correction":
                doc = docs.credit(earlier.id, {"1": 1}, date=d["day"])
            else:
                fields = {"rounding": DocumentRounding(cash_increment="0.05")} if d["cash"] \
                    else {}
                doc = docs.create(d["kind"], party, d["day"], lines, currency=d["currency"],
                                  **fields)
            if d["state"] == "approved":
                doc = docs.approve(doc.id, user="maria")
            elif d["state"] == "issued":
                doc = docs.issue(doc.id)
        except BackofficeError:
            continue  # refused before the batch, alike in both books
        ids.append(doc.id)
    docs.update_party(archived.id, version=0, archived=True)
    if setup["closed"]:
        _close_january(book)
    if setup["approval"]:
        docs.configure(approval_rules=[ApprovalRule("sales_invoice", Money("5000.00", "USD"))])
    if setup["no_rounding_role"]:
        _drop_role(book, "rounding")
    if again is not None and ids:  # an id given twice
        ids.insert(again % (len(ids) + 1), ids[again % len(ids)])
    return ids


@PROPERTY
@given(setup=_book, drafts=st.lists(_draft, min_size=1, max_size=6),
       again=st.sampled_from([None] * 5 + [0, 1, 2, 3, 4, 5]))
def test_issue_many_is_issue_one_by_one(setup: dict[str, Any], drafts: list[dict[str, Any]],
                                        again: int | None, make_book: Callable[..., Any],
                                        observe: Any) -> None:
    """Any list of drafts (some refused for their state, period, party, rate, approval,
    credit limit, size, a missing role; some ids twice): ``issue_many`` gives exactly
    what ``issue`` per id gives, or the same refusal of the same item."""
    one, many, ids = _twins(make_book, lambda b: _realize(b, setup, drafts, again))
    _issue_parity(one, many, ids, observe, user="ann")


# ---------------------------------------------------------------- create_many
_FIELDS: list[dict[str, Any]] = [
    {}, {}, {}, {"note": "Thanks,\n\tAnn"}, {"prepaid": "1.00"}, {"due_date": date(2026, 3, 1)},
    {"allowances_charges": [AllowanceCharge.allowance(percent=10, tax=Tax.standard(20))]},
    {"rounding": DocumentRounding(mode="down")}, {"buyer_reference": "PO-7"}]
#: one thing wrong with a draft (as ``create`` would be given it), or nothing
_FLAWS: list[tuple[str, Any] | None] = [None] * 14 + [
    ("party", "nobody"), ("party", 7), ("party", "archived"), ("party", "paperco"),
    ("type", "memo"), ("currency", "XX"), ("day", "2026-01-05"), ("lines", []),
    ("fields", {"note": "a\x07b"}), ("fields", {"note": "a\udc00"}),
    ("fields", {"prepaid": "0.001"}), ("fields", {"colour": "red"}),
    ("fields", {"allowances_charges": [AllowanceCharge.charge("5.001", tax=Tax.zero())]}),
    ("fields", {"prepaid": "1.00", "rounding": DocumentRounding(cash_increment="0.05")})]
_spec = st.fixed_dictionaries({
    "type": st.sampled_from(["sales_invoice"] * 3 + ["quote", "credit_note", "sales_order"]),
    "party": st.just("acme"),
    "currency": st.sampled_from([None] * 4 + ["EUR", "JPY", "eur"]),
    "day": st.sampled_from(_DAYS),
    "lines": _lines,
    "fields": st.sampled_from(_FIELDS),
    "flaw": st.sampled_from(_FLAWS),
})


@PROPERTY
@given(specs=st.lists(_spec, min_size=1, max_size=5),
       user=st.sampled_from(["shop"] * 9 + ["a\x00"]))
def test_create_many_is_create_one_by_one(specs: list[dict[str, Any]], user: str,
                                          make_book: Callable[..., Any], observe: Any) -> None:
    """Any list of drafts (unknown, archived or wrong-side parties, bad currencies, dates,
    text, prices finer than the currency, amounts beyond the bound, unknown fields):
    ``create_many`` gives exactly what ``create`` per draft gives, or the same refusal."""
    def prepare(book: Any) -> list[DraftSpec]:
        gone = book.docs.create_party("Gone Ltd")
        book.docs.update_party(gone.id, version=0, archived=True)
        parties = {"acme": book.acme.id, "paperco": book.paperco.id, "archived": gone.id}
        out = []
        for s in specs:
            s = {**s, "lines": [line(f"L{n}", q, p, t, discount=d)
                                for n, (q, p, t, d) in enumerate(s["lines"])]}
            if s["flaw"] is not None:
                s[s["flaw"][0]] = s["flaw"][1]
            out.append(DraftSpec(s["type"], parties.get(s["party"], s["party"]), s["day"],
                                 s["lines"], currency=s["currency"], fields=s["fields"]))
        return out

    one, many, made = _twins(make_book, prepare)
    _create_parity(one, many, made, observe, user=user)
