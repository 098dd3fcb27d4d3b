"""SQL adapter, documents in bulk: ``issue_many``, the fast row mappers, the aging's read.

* ``issue_many`` on SQLite and PostgreSQL leaves the book exactly as ``issue`` one by one
  leaves the reference (memory) book: documents, entries and their hash chain, balances,
  allocations, hand-overs; a refused batch changes nothing and a retry numbers without gap;
* the fast encoder writes the very text of the checking encoder, and the decoder reads
  back what a plain recursive reading gives, for every aggregate and awkward strings;
* the aging on SQL (its compact read of open documents) equals the memory aging.
"""

from __future__ import annotations

import enum
import json
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import attrs
import pytest
import sqlalchemy as sa
from sqlalchemy.pool import NullPool

import backoffice_core as bc
from backoffice_core.adapters.sql import SqlStore
from backoffice_core.adapters.sql import documents_mappers as mappers
from backoffice_core.adapters.sql.documents_layout import KINDS
from backoffice_core.documents import AllowanceCharge, PaymentTerms, Tax, document_totals, line
from backoffice_core.documents.model import DocumentRef, DocumentType, Transition
from backoffice_core.errors import BackofficeError, ValidationError
from backoffice_core.money import Money
from backoffice_core.testing._contracts import _documents_samples as s
from backoffice_core.text import has_controls, kept_text

AT = datetime(2026, 1, 31, 12, 0, tzinfo=UTC)


def _book(url: str) -> bc.Backoffice:
    bo = bc.Backoffice.open(url, book="acme", clock=bc.FixedClock(AT),
                            ids=bc.SequentialIds("e"))
    bo.ledger.setup("Acme GmbH", currency="USD", chart="generic")
    bo.ledger.set_rate("EUR", "USD", date(2026, 1, 1), "1.10")
    return bo


def _drafts(bo: bc.Backoffice) -> list[str]:
    docs = bo.documents
    acme = docs.create_party("Acme Corp", credit_limit=Money("5000.00", "USD"))
    paper = docs.create_party("Paper Co", is_customer=False, is_supplier=True)
    earlier = docs.issue(docs.create_invoice(acme.id, date(2026, 1, 3), [
        line("Chair", 4, "50.00", Tax.standard(20))]).id)
    order = docs.issue(docs.create("sales_order", acme.id, date(2026, 1, 4), [
        line("Desk", 2, "300.00", Tax.standard(20), item_id="DESK-1")]).id)
    ids = [docs.create_invoice(acme.id, date(2026, 1, 5 + i % 20), [
        line("Widget", 1 + i % 4, "19.99", Tax.standard(20), discount=5 if i % 3 else None),
        line("Book", 2, "12.50", Tax.reduced(7))],
        allowances_charges=[AllowanceCharge.charge("4.90", reason="Freight",
                                                   tax=Tax.standard(20))]).id
        for i in range(6)]
    ids.insert(2, docs.create_invoice(acme.id, date(2026, 1, 6), [  # in date order
        line("Consulting", 5, "120.00", Tax.standard(19))], currency="EUR").id)
    ids.insert(4, docs.credit(earlier.id, {"1": 1}, reason="returned",
                              date=date(2026, 1, 10)).id)
    ids.insert(5, docs.convert(order.id, "delivery_note", date=date(2026, 1, 13)).id)
    ids.append(docs.create_bill(paper.id, date(2026, 1, 11), [
        line("Rent", 1, "800.00", Tax.zero(), account="6200")]).id)
    ids.append(docs.create("quote", acme.id, date(2026, 1, 12), [
        line("Design", 10, "80.00", Tax.standard(20))]).id)
    return ids


def _state(bo: bc.Backoffice) -> dict[str, Any]:
    docs = bo.documents.find()
    return {"documents": docs, "entries": bo.ledger.entries(),
            "balances": sorted((b.key, b) for b in bo.ledger.balances()),
            "parties": sorted((b.key, b) for b in bo.ledger.balances(dimension="party")),
            "allocations": {d.id: bo.documents.allocations(d.id) for d in docs},
            "handovers": bo.documents.handovers()}


@pytest.fixture
def book(url: str) -> bc.Backoffice:
    return _book(url)


def test_issue_many_on_sql_equals_issue_one_by_one_in_memory(book: bc.Backoffice) -> None:
    reference = _book("memory://")
    ids = _drafts(reference)
    assert _drafts(book) == ids
    singly = [reference.documents.issue(d, user="ann") for d in ids]
    assert book.documents.issue_many(ids, user="ann") == singly
    assert _state(book) == _state(reference)
    assert book.ledger.verify().ok


def test_a_refused_batch_changes_nothing_and_the_retry_has_no_gap(
        book: bc.Backoffice) -> None:
    ids = _drafts(book)
    quote = book.documents.issue(ids[-1])
    before = _state(book)
    with pytest.raises(ValidationError) as info:
        book.documents.issue_many([*ids[:-1], quote.id])
    assert info.value.field == f"document_ids[{len(ids) - 1}].state"
    assert _state(book) == before
    done = book.documents.issue_many(ids[:-1])
    assert [d.number for d in done if d.type.value == "sales_invoice"] == [
        f"INV-2026-{n:05}" for n in range(2, 9)]
    assert book.ledger.verify().ok


def test_the_aging_on_sql_equals_the_aging_in_memory(book: bc.Backoffice) -> None:
    reference = _book("memory://")
    ids = _drafts(reference)
    _drafts(book)
    for bo in (reference, book):
        bo.documents.issue_many(ids)
        party = bo.documents.find(type="sales_invoice")[0].party_id
        bo.documents.record_payment(party, Money("100.00", "USD"), date(2026, 2, 10),
                                    allocate_to=ids[:1])
    for day in (date(2026, 1, 31), date(2026, 3, 31)):
        for side in ("sales", "purchase"):
            assert book.documents.aging(day, side=side) == \
                reference.documents.aging(day, side=side)
        assert book.documents.overdue(day) == reference.documents.overdue(day)


def test_rows_written_with_every_leaf_tagged_age_and_read_the_same(
        book: bc.Backoffice, url: str) -> None:
    """A store whose document rows were written before the compact fields: the aging's
    compact read (json paths into both layouts) and every read give what they gave."""
    ids = _drafts(book)
    book.documents.issue_many(ids)
    party = book.documents.find(type="sales_invoice")[0].party_id
    book.documents.record_payment(party, Money("100.00", "USD"), date(2026, 2, 10),
                                  allocate_to=ids[:1])
    days = (date(2026, 1, 31), date(2026, 3, 31))
    want = ([book.documents.aging(d, side=side) for d in days for side in ("sales", "purchase")],
            [book.documents.overdue(d) for d in days], book.documents.find())
    engine = sa.create_engine(url, poolclass=NullPool)
    try:
        with engine.begin() as conn:
            rows = conn.execute(sa.text("SELECT book, id, body FROM documents_documents")).all()
            assert rows and all('"@":"D"' not in body for _, _, body in rows)
            for b, i, body in rows:
                old = json.dumps(_tagged(mappers.decode(body)), separators=(",", ":"),
                                 ensure_ascii=False)
                conn.execute(sa.text("UPDATE documents_documents SET body = :body "
                                     "WHERE book = :b AND id = :i"), {"body": old, "b": b, "i": i})
    finally:
        engine.dispose()
    assert ([book.documents.aging(d, side=side) for d in days for side in ("sales", "purchase")],
            [book.documents.overdue(d) for d in days], book.documents.find()) == want
    assert any(it.amount for it in want[0][0].items)


# ----------------------------------------------------------------------------- mappers
def _reference_decode(value: Any) -> Any:
    """A plain recursive reading of the stored tree (what the decoder did before hooks)."""
    if type(value) is list:
        return tuple(_reference_decode(v) for v in value)
    if type(value) is not dict:
        return value
    tag = value["@"]
    if tag == "$":
        return Money(Decimal(value["a"]), value["c"])
    if tag == "D":
        return Decimal(value["v"])
    if tag == "T":
        return datetime.fromisoformat(value["v"])
    if tag == "d":
        return date.fromisoformat(value["v"])
    if tag == "E":
        return mappers.ENUMS[value["t"]][value["n"]]
    if tag == "L":
        return [_reference_decode(v) for v in value["v"]]
    if tag == "M":
        return {_reference_decode(k): _reference_decode(v) for k, v in value["v"]}
    cls = mappers.CLASSES[tag]
    fields = mappers._FIELDS[cls]
    kinds = KINDS.get(cls, {})
    return cls(**{alias: _reference_leaf(value[name], kinds[name]) if name in kinds
                  else _reference_decode(value[name]) for name, alias in fields if name in value})


def _reference_leaf(value: Any, kind: Any) -> Any:
    """A compact field read plainly: a string or an array by its kind, anything else as
    everywhere else."""
    if type(value) is str:
        if isinstance(kind, type):
            return kind[value]
        if "D" in kind:
            return Decimal(value)
        if kind in ("d", "T"):
            return (date if kind == "d" else datetime).fromisoformat(value)
        raise TypeError("not a text field")
    if type(value) is list:
        if kind == "$*":
            return tuple(_reference_money(v) for v in value)
        if isinstance(kind, type) or "$" not in kind:
            raise TypeError("not an array field")
        amount, code = value
        return Money(Decimal(amount), code)
    return _reference_decode(value)


def _reference_money(value: Any) -> Money:
    if type(value) is list:
        amount, code = value
        return Money(Decimal(amount), code)
    found = _reference_decode(value)
    if not isinstance(found, Money):
        raise TypeError("a tuple of money holds only money")
    return found


def _tagged(value: Any) -> Any:
    """The tree of a value with every leaf tagged: how rows were written before the
    compact fields (documents_layout.KINDS) existed."""
    if type(value) is tuple:
        return [_tagged(v) for v in value]
    if isinstance(value, Money):
        return {"@": "$", "a": str(value.amount), "c": value.code}
    if type(value) is Decimal:
        return {"@": "D", "v": str(value)}
    if type(value) in (date, datetime):
        return {"@": "d" if type(value) is date else "T", "v": value.isoformat()}
    if isinstance(value, enum.Enum):
        return {"@": "E", "t": type(value).__name__, "n": value.name}
    if type(value) is list:
        return {"@": "L", "v": [_tagged(v) for v in value]}
    if type(value) is dict:
        return {"@": "M", "v": [[_tagged(k), _tagged(v)] for k, v in value.items()]}
    if type(value).__name__ in mappers.CLASSES:
        return {"@": type(value).__name__, **{name: _tagged(getattr(value, name))
                                              for name, _ in mappers._FIELDS[type(value)]}}
    return value


AWKWARD = ['quote " and \\ back', "tab\tnew\nline", "NUL\x00", "é ü ß 中文 🧾", "\u2028",
           "", " ", "<b>&amp;</b>"]


def _values() -> list[Any]:
    doc = s.document("d-1", "p-1", number="INV-1", state=s.DocumentState.ISSUED)
    out: list[Any] = [doc, s.document("d-2", "p-1"), s.party(), s.payment("pay-1", "p-1"),
                      s.allocation("a-1", "d-1", "pay-1"), s.allocation("a-2", "d-1", None),
                      s.handover("h-1", "d-1"), s.settings()]
    for text in AWKWARD:
        out.append((text, (text,), {text: text}))  # every awkward text, as the mappers see it
        if not has_controls(text):  # what the domain lets into a name and a note
            out.append(s.party("p-9", f"Acme {text}"))
            out.append(s.document("d-9", "p-9", note=text,
                                  external_number=text if text.isprintable() else "x"))
    out += [(1, -0, 2**70, True, False, None, "x"), (Decimal("-0.00"), Decimal("1E+3")),
            ((), ((),)), Money("-0.001", "KWD"), date(1, 1, 1),
            datetime(2026, 1, 1, tzinfo=UTC)]
    return out


@pytest.mark.parametrize("value", _values(), ids=lambda v: type(v).__name__)
def test_the_fast_mappers_agree_with_the_checking_ones(value: Any) -> None:
    text = mappers.encode(value)
    assert text == json.dumps(mappers._enc(value, "x"), separators=(",", ":"),
                              ensure_ascii=False)
    back = mappers.decode(text)
    assert back == value == _reference_decode(json.loads(text))
    assert mappers.encode(back) == text  # exponents and offsets survive the round trip


@pytest.mark.parametrize("value", _values(), ids=lambda v: type(v).__name__)
def test_rows_written_with_every_leaf_tagged_read_the_same(value: Any) -> None:
    old = json.dumps(_tagged(value), separators=(",", ":"), ensure_ascii=False)
    assert mappers.decode(old) == value
    if isinstance(value, s.Document):
        assert mappers.decode_without_totals(old) == attrs.evolve(value, totals=None)
        assert mappers.decode_without_totals(mappers.encode(value)) == attrs.evolve(
            value, totals=None)


# A document row as the encoder wrote it before the compact fields (every leaf tagged),
# kept verbatim: what stores written by earlier versions hold.
OLD_ROW = (
    '{"@":"Document","id":"d-old","type":{"@":"E","t":"DocumentType","n":"SALES_INVOICE"},"pa'
    'rty_id":"p-1","currency":"EUR","date":{"@":"d","v":"2026-01-05"},"lines":[{"@":"Document'
    'Line","id":"1","description":"Chair","quantity":{"@":"D","v":"2.50"},"unit_price":{"@":"'
    'D","v":"19.990"},"tax":{"@":"Tax","category":{"@":"E","t":"TaxCategory","n":"STANDARD"},'
    '"rate":{"@":"D","v":"20"},"exemption_reason":"","exemption_code":"","name":""},"unit":"C'
    '62","price_includes_tax":false,"price_base_quantity":{"@":"D","v":"1"},"item_id":"CH-1",'
    '"allowances_charges":[{"@":"AllowanceCharge","is_charge":false,"amount":null,"percent":{'
    '"@":"D","v":"2.50"},"base":null,"reason":"Discount","reason_code":"","tax":null,"account'
    '":null}],"dimensions":[],"account":null,"source":null,"note":""},{"@":"DocumentLine","id'
    '":"2","description":"Fee","quantity":{"@":"D","v":"1"},"unit_price":{"@":"$","a":"5.00",'
    '"c":"EUR"},"tax":{"@":"Tax","category":{"@":"E","t":"TaxCategory","n":"EXEMPT"},"rate":{'
    '"@":"D","v":"0"},"exemption_reason":"Medical","exemption_code":"VATEX-EU-132","name":""}'
    ',"unit":"C62","price_includes_tax":false,"price_base_quantity":{"@":"D","v":"1"},"item_i'
    'd":null,"allowances_charges":[{"@":"AllowanceCharge","is_charge":false,"amount":{"@":"D"'
    ',"v":"0.10"},"percent":null,"base":null,"reason":"Rebate","reason_code":"","tax":null,"a'
    'ccount":null}],"dimensions":[],"account":null,"source":null,"note":""}],"allowances_char'
    'ges":[{"@":"AllowanceCharge","is_charge":true,"amount":{"@":"D","v":"4.90"},"percent":nu'
    'll,"base":null,"reason":"Freight","reason_code":"","tax":{"@":"Tax","category":{"@":"E",'
    '"t":"TaxCategory","n":"STANDARD"},"rate":{"@":"D","v":"20"},"exemption_reason":"","exemp'
    'tion_code":"","name":""},"account":null}],"state":{"@":"E","t":"DocumentState","n":"ISSU'
    'ED"},"number":"INV-2026-00001","due_date":{"@":"d","v":"2026-02-04"},"payment_terms":{"@'
    '":"PaymentTerms","instalments":[{"@":"Instalment","percent":{"@":"D","v":"100"},"days":3'
    '0,"end_of_month":false}],"discount":null,"description":"Net 30 days"},"rounding":{"@":"D'
    'ocumentRounding","scope":{"@":"E","t":"RoundingScope","n":"TAX_GROUP"},"mode":{"@":"E","'
    't":"RoundingPolicy","n":"HALF_UP"},"cash_increment":null},"prepaid":{"@":"$","a":"1.00",'
    '"c":"EUR"},"references":[{"@":"DocumentRef","document_id":"q-1","type":{"@":"E","t":"Doc'
    'umentType","n":"QUOTE"},"number":"QUO-1","issue_date":{"@":"d","v":"2026-01-02"}}],"exte'
    'rnal_number":"","buyer_reference":"","note":"","delivery_date":null,"valid_until":null,"'
    'dimensions":[],"totals":{"@":"Totals","currency":"EUR","line_nets":[{"@":"$","a":"48.73"'
    ',"c":"EUR"},{"@":"$","a":"4.90","c":"EUR"}],"allowance_charge_amounts":[{"@":"$","a":"4.'
    '90","c":"EUR"}],"line_total":{"@":"$","a":"53.63","c":"EUR"},"allowance_total":{"@":"$",'
    '"a":"0.00","c":"EUR"},"charge_total":{"@":"$","a":"4.90","c":"EUR"},"tax_exclusive":{"@"'
    ':"$","a":"58.53","c":"EUR"},"tax_total":{"@":"$","a":"10.73","c":"EUR"},"tax_inclusive":'
    '{"@":"$","a":"69.26","c":"EUR"},"prepaid":{"@":"$","a":"1.00","c":"EUR"},"rounding":{"@"'
    ':"$","a":"0.00","c":"EUR"},"amount_due":{"@":"$","a":"68.26","c":"EUR"},"breakdown":[{"@'
    '":"VatBreakdown","category":{"@":"E","t":"TaxCategory","n":"EXEMPT"},"rate":{"@":"D","v"'
    ':"0"},"taxable":{"@":"$","a":"4.90","c":"EUR"},"tax":{"@":"$","a":"0.00","c":"EUR"},"exe'
    'mption_reason":"Medical","exemption_code":"VATEX-EU-132"},{"@":"VatBreakdown","category"'
    ':{"@":"E","t":"TaxCategory","n":"STANDARD"},"rate":{"@":"D","v":"20"},"taxable":{"@":"$"'
    ',"a":"53.63","c":"EUR"},"tax":{"@":"$","a":"10.73","c":"EUR"},"exemption_reason":"","exe'
    'mption_code":""}],"tax_total_accounting":{"@":"$","a":"11.64","c":"USD"}},"fx_rate":{"@"'
    ':"D","v":"1.0850"},"functional_currency":"USD","open_amount":{"@":"$","a":"60.04","c":"E'
    'UR"},"open_functional":{"@":"$","a":"65.14","c":"USD"},"entry_id":null,"history":[{"@":"'
    'Transition","at":{"@":"T","v":"2026-01-05T09:30:00+00:00"},"user":"ann","action":"issue"'
    ',"from_state":{"@":"E","t":"DocumentState","n":"DRAFT"},"to_state":{"@":"E","t":"Documen'
    'tState","n":"ISSUED"},"reason":""}],"archived":false,"version":0}'
)


def _old_row_document() -> Any:
    ln1 = line("Chair", "2.50", "19.990", Tax.standard(20), discount="2.50", item_id="CH-1")
    ln2 = attrs.evolve(line("Fee", 1, Money("5.00", "EUR"), Tax.exempt("Medical", "VATEX-EU-132")),
                       allowances_charges=(AllowanceCharge.allowance("0.10", reason="Rebate"),))
    doc = s.Document(
        "d-old", "sales_invoice", "p-1", "EUR", date(2026, 1, 5), [ln1, ln2],
        allowances_charges=[AllowanceCharge.charge("4.90", reason="Freight",
                                                   tax=Tax.standard(20))],
        state=s.DocumentState.ISSUED, number="INV-2026-00001", due_date=date(2026, 2, 4),
        payment_terms=PaymentTerms.net(30), prepaid=Money("1.00", "EUR"),
        references=[DocumentRef("q-1", DocumentType.QUOTE, "QUO-1", date(2026, 1, 2))],
        fx_rate=Decimal("1.0850"), functional_currency="USD",
        history=[Transition(datetime(2026, 1, 5, 9, 30, tzinfo=UTC), "ann", "issue",
                            s.DocumentState.DRAFT, s.DocumentState.ISSUED, "")])
    totals = document_totals(doc).with_accounting(Decimal("1.0850"), "USD")
    return attrs.evolve(doc, totals=totals, open_amount=Money("60.04", "EUR"),
                        open_functional=Money("65.14", "USD"))


def test_a_row_written_before_the_compact_fields_reads_as_it_did() -> None:
    doc = _old_row_document()
    assert mappers.decode(OLD_ROW) == doc == _reference_decode(json.loads(OLD_ROW))
    assert mappers.decode_without_totals(OLD_ROW) == attrs.evolve(doc, totals=None)
    assert mappers.decode(mappers.encode(doc)) == doc
    assert len(mappers.encode(doc)) < len(OLD_ROW)


_SPOILT = ("x", "NaN", "-Infinity", "1e999999999", "", "2026-13-01", 1.5, 7, True, [], ["1"],
           ["1", "EUR", "x"], ["1", "XXX"], [1, "EUR"], ["sNaN", "EUR"], [["1", "EUR"], "2"],
           {"@": "D", "v": "2"}, {"@": "E", "t": "TaxCategory", "n": "ZERO"})
# and for every field of a line (the decoder checks the common shape of a line itself)
_LINE_SPOILT = (None, " ", "C62 ", "TOOLONGUNIT", "x" * 65, "x" * 1001, "x" * 2001, "-1",
                "-0", "0", "1E+15", "999999999999999", "-999999999999999", "0.0001", False,
                [{"@": "AllowanceCharge", "is_charge": True, "amount": "1.00", "percent": None,
                  "base": None, "reason": "", "reason_code": "", "tax": None,
                  "account": None}], [["project", "P"]], {"@": "LineRef", "document_id": "d",
                                                          "line_id": "1"})


def _mutations(tree: Any, path: tuple[Any, ...] = ()) -> Any:
    """Leaves of a stored tree (every compact one, every field of a line), with wrong
    values to put there."""
    if type(tree) is list:
        for i, v in enumerate(tree):
            yield from _mutations(v, (*path, i))
    elif type(tree) is dict:
        kinds = KINDS.get(mappers.CLASSES.get(tree.get("@", "")), {})
        for key, v in tree.items():
            if key in kinds:
                for bad in _SPOILT:
                    yield (*path, key), bad
            if tree.get("@") == "DocumentLine" and key != "@":
                for bad in _LINE_SPOILT + (() if key in kinds else _SPOILT):
                    yield (*path, key), bad
            yield from _mutations(v, (*path, key))


def _at(tree: Any, path: tuple[Any, ...]) -> Any:
    for step in path:
        tree = tree[step]
    return tree


def _put(tree: Any, path: tuple[Any, ...], value: Any) -> Any:
    out = json.loads(json.dumps(tree))
    node = out
    for step in path[:-1]:
        node = node[step]
    node[path[-1]] = value
    return out


def _outcome(read: Any, text: str, raw: tuple[type[Exception], ...] = ()) -> Any:
    """The value read, or ``"refused"``: a typed error (a raw one only where ``raw``)."""
    try:
        return read(text)
    except (BackofficeError, *raw):
        return "refused"


def test_the_decoder_refuses_what_the_constructors_refuse() -> None:
    """Every compact leaf of a stored document, spoilt: the decoder returns exactly what a
    plain reading through the constructors gives, or refuses with a typed error when that
    reading fails; a JSON number or a decimal that is not finite, never written in those
    fields, is refused even where a constructor has no check of its own (totals). Both read
    a row as a store does (``kept_text``: a value an older version kept past a later rule
    reads back)."""
    tree = json.loads(mappers.encode(_old_row_document()))
    checked = refused = 0
    for path, bad in _mutations(tree):
        text = json.dumps(_put(tree, path, bad))
        got = _outcome(mappers.decode, text)
        want = _outcome(kept_text(lambda t: _reference_decode(json.loads(t))), text,
                        (KeyError, TypeError, ValueError, ArithmeticError))
        compact = path[-1] in KINDS.get(mappers.CLASSES[_at(tree, path[:-1])["@"]], {})
        if compact and any(type(v) in (int, float, bool) or v in ("NaN", "-Infinity", "sNaN")
                           for v in (bad if type(bad) is list else [bad])):
            assert got == "refused", (path, bad)  # never written: stricter than constructors
        else:
            assert got == want, (path, bad, got, want)
        checked += 1
        refused += got == "refused"
    assert checked > 1000 and refused > checked // 3
    assert mappers._DECODERS["DocumentLine"].__name__ == "decode_line"  # the one-pass check


def test_unstorable_values_are_still_named() -> None:
    for bad, field in (((1.5,), "tuple[0]"), ((s.party(), object()), "tuple[1]")):
        with pytest.raises(ValidationError) as info:
            mappers.encode(bad)
        assert info.value.field == field


def test_a_store_reads_many_documents_in_chunks(url: str) -> None:
    store = SqlStore(url)
    try:
        with store("acme") as uow:
            for i in range(2_000):
                uow.documents.add_document(s.document(f"d-{i:04}", "p-1"))
            uow.commit()
        with store("acme") as uow:
            wanted = [f"d-{i:04}" for i in range(1_999, -1, -3)] + ["nope"]
            got = uow.documents.get_documents(wanted)
            assert list(got) == wanted[:-1] and got["d-0004"] == s.document("d-0004", "p-1")
    finally:
        store.dispose()
