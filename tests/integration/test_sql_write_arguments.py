"""One contract for ids on every public service method, writes as reads, on every store.

A value that cannot be an id or a code at all (a number, ``None`` where one is
required, a list, a dict, text holding an unpaired surrogate, which no store can hold)
is a ``ValidationError`` naming the argument and the value, and changes nothing; an id
of the right type that names nothing is a ``NotFoundError``. The reads of inventory and
documents already answered so (``test_sql_read_arguments``); the writes of the ledger,
inventory and documents, and the ledger's reads, raised ``NotFoundError`` for a value of
the wrong kind (``issue(5)``, ``reverse(None)``, ``receive(..., location=5)``), a bare
``TypeError`` for a list (``reverse(["x"])``, ``revalue(accounts=[["x"]])``), and SQLite a
bare ``UnicodeEncodeError`` for a journal line's account with an unpaired surrogate.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest

import backoffice_core as bc
from backoffice_core.documents import DraftSpec, Tax, line
from backoffice_core.inventory import MoveSpec

Call = Callable[[bc.Backoffice, Any], object]
JAN5, JAN6 = date(2026, 1, 5), date(2026, 1, 6)
#: values that cannot be an id: the last is text no store can hold
WRONG: list[object] = [5, None, ["x"], {"x": 1}, "M\ud800"]
#: ... where ``None`` means "not given" (an optional id or code)
WRONG_OPTIONAL: list[object] = [5, ["x"], {"x": 1}, "M\ud800"]


def _ids(bo: bc.Backoffice) -> dict[str, str]:
    """The ids of the :func:`bo` fixture's book that the calls name."""
    docs = bo.documents.find()
    return {"count": bo.inventory.counts()[0].id, "receipt": bo.inventory.moves("MUG")[0].id,
            "party": bo.documents.parties()[0].id, "payment": bo.documents.payments()[0].id,
            "issued": next(d.id for d in docs if d.number),
            "draft": next(d.id for d in docs if not d.number)}


def _entry(account: Any) -> bc.NewEntry:
    return bc.NewEntry(JAN6, "entry", [bc.debit(account, "1.00"), bc.credit("4100", "1.00")])


def _eur(amount: str) -> bc.Money:
    return bc.Money(amount, "EUR")


#: (name, call, field named, whether None is also refused)
CALLS: list[tuple[str, Call, str, bool]] = [
    # ledger: entries, holds, accounts, roles, periods
    ("ledger entry", lambda bo, v: bo.ledger.entry(v), "entry_id", True),
    ("ledger reverse", lambda bo, v: bo.ledger.reverse(v, on=JAN6), "entry_id", True),
    ("ledger correct", lambda bo, v: bo.ledger.correct(v, bc.NewEntry(
        JAN6, "fixed", [bc.debit("1110", "1.00"), bc.credit("4100", "1.00")])),
     "entry_id", True),
    ("ledger post_pending", lambda bo, v: bo.ledger.post_pending(v), "pending_id", True),
    ("ledger void_pending", lambda bo, v: bo.ledger.void_pending(v), "pending_id", True),
    ("ledger account", lambda bo, v: bo.ledger.account(v), "code", True),
    ("ledger update_account", lambda bo, v: bo.ledger.update_account(v, name="X"), "code",
     True),
    ("ledger archive_account", lambda bo, v: bo.ledger.archive_account(v), "code", True),
    ("ledger balance", lambda bo, v: bo.ledger.balance(v), "account", True),
    ("ledger balance_detail", lambda bo, v: bo.ledger.balance_detail(v), "account", True),
    ("ledger set_role account", lambda bo, v: bo.ledger.set_role("revenue", v), "roles.revenue",
     True),
    ("ledger open_account parent", lambda bo, v: bo.ledger.open_account(
        "1199", "Sub", "asset", parent=v), "parent", False),
    ("ledger close_period year", lambda bo, v: bo.ledger.close_period(v, "2026-01"), "year",
     True),
    ("ledger close_period period", lambda bo, v: bo.ledger.close_period("FY2026", v),
     "period", True),
    ("ledger lock_period year", lambda bo, v: bo.ledger.lock_period(v, "2026-01"), "year",
     True),
    ("ledger reopen_period period", lambda bo, v: bo.ledger.reopen_period("FY2026", v),
     "period", True),
    ("ledger close_year", lambda bo, v: bo.ledger.close_year(v), "year", True),
    ("ledger close_year retained_earnings", lambda bo, v: bo.ledger.close_year(
        "FY2026", retained_earnings=v), "retained_earnings", False),
    ("ledger reopen_year", lambda bo, v: bo.ledger.reopen_year(v), "year", True),
    # inventory: moves and their lookups
    ("receive sku", lambda bo, v: bo.inventory.receive(v, 1, location="WH", unit_cost=1,
                                                       on=JAN5), "sku", True),
    ("receive location", lambda bo, v: bo.inventory.receive("MUG", 1, location=v,
                                                            unit_cost=1, on=JAN5),
     "location", True),
    ("receive source", lambda bo, v: bo.inventory.receive("MUG", 1, location="WH", source=v,
                                                          unit_cost=1, on=JAN5),
     "source", True),
    ("receive unit", lambda bo, v: bo.inventory.receive("MUG", 1, location="WH", unit=v,
                                                        unit_cost=1, on=JAN5), "unit", False),
    ("receive lot", lambda bo, v: bo.inventory.receive("LOT", 1, location="WH", lot=v,
                                                       unit_cost=1, on=JAN5), "lot", True),
    ("deliver sku", lambda bo, v: bo.inventory.deliver(v, 1, location="WH", on=JAN5), "sku",
     True),
    ("deliver location", lambda bo, v: bo.inventory.deliver("MUG", 1, location=v, on=JAN5),
     "location", True),
    ("deliver destination", lambda bo, v: bo.inventory.deliver(
        "MUG", 1, location="WH", destination=v, on=JAN5), "destination", True),
    ("deliver lot", lambda bo, v: bo.inventory.deliver("LOT", 1, location="WH", lot=v,
                                                       on=JAN5), "lot", True),
    ("transfer source", lambda bo, v: bo.inventory.transfer(
        "MUG", 1, source=v, destination="WH2", on=JAN5), "source", True),
    ("transfer destination", lambda bo, v: bo.inventory.transfer(
        "MUG", 1, source="WH", destination=v, on=JAN5), "destination", True),
    ("scrap location", lambda bo, v: bo.inventory.scrap("MUG", 1, location=v, on=JAN5),
     "location", True),
    ("adjust location", lambda bo, v: bo.inventory.adjust("MUG", -1, location=v, on=JAN5),
     "location", True),
    ("reserve sku", lambda bo, v: bo.inventory.reserve(v, 1, location="WH", on=JAN5), "sku",
     True),
    ("plan sku", lambda bo, v: bo.inventory.plan(v, 1, source="WH", destination="customer",
                                                 on=JAN5), "sku", True),
    ("confirm", lambda bo, v: bo.inventory.confirm(v), "move_id", True),
    ("validate", lambda bo, v: bo.inventory.validate(v), "move_id", True),
    ("cancel move", lambda bo, v: bo.inventory.cancel(v), "move_id", True),
    ("return_move", lambda bo, v: bo.inventory.return_move(v), "move_id", True),
    ("update_item", lambda bo, v: bo.inventory.update_item(v, name="X"), "sku", True),
    ("change_valuation_method", lambda bo, v: bo.inventory.change_valuation_method(
        v, "average", on=JAN6), "sku", True),
    ("create_location parent", lambda bo, v: bo.inventory.create_location(
        "WH/B", "B", parent=v), "parent", False),
    ("set_reorder_rule sku", lambda bo, v: bo.inventory.set_reorder_rule(
        v, "WH", reorder_point=1), "sku", True),
    ("set_reorder_rule location", lambda bo, v: bo.inventory.set_reorder_rule(
        "MUG", v, reorder_point=1), "location", True),
    ("start_count", lambda bo, v: bo.inventory.start_count(v, on=JAN6), "location", True),
    ("record_count count_id", lambda bo, v: bo.inventory.record_count(v, "MUG", 1),
     "count_id", True),
    ("record_count sku", lambda bo, v: bo.inventory.record_count(
        _ids(bo)["count"], v, 1), "sku", True),
    ("post_count", lambda bo, v: bo.inventory.post_count(v), "count_id", True),
    ("cancel_count", lambda bo, v: bo.inventory.cancel_count(v), "count_id", True),
    # documents: lifecycle, conversions, credits, settlement
    ("documents issue", lambda bo, v: bo.documents.issue(v), "document_id", True),
    ("documents approve", lambda bo, v: bo.documents.approve(v, user="boss"), "document_id",
     True),
    ("documents cancel", lambda bo, v: bo.documents.cancel(v), "document_id", True),
    ("documents reopen", lambda bo, v: bo.documents.reopen(v, user="boss"), "document_id",
     True),
    ("documents archive", lambda bo, v: bo.documents.archive(v), "document_id", True),
    ("documents update", lambda bo, v: bo.documents.update(v, version=1, notes="x"),
     "document_id", True),
    ("documents convert", lambda bo, v: bo.documents.convert(v, "sales_invoice"),
     "document_id", True),
    ("documents credit", lambda bo, v: bo.documents.credit(v), "document_id", True),
    ("documents take_discount", lambda bo, v: bo.documents.take_discount(v), "document_id",
     True),
    ("documents write_off", lambda bo, v: bo.documents.write_off(v), "item_id", True),
    ("documents allocate source", lambda bo, v: bo.documents.allocate(
        v, _ids(bo)["issued"]), "source_id", True),
    ("documents allocate target", lambda bo, v: bo.documents.allocate(
        _ids(bo)["payment"], v), "target_id", True),
    ("documents create_invoice", lambda bo, v: bo.documents.create_invoice(
        v, JAN5, [line("A", 1, "1.00", Tax.zero())]), "party_id", True),
    ("documents create_bill", lambda bo, v: bo.documents.create_bill(
        v, JAN5, [line("A", 1, "1.00", Tax.zero())]), "party_id", True),
    ("documents update_party", lambda bo, v: bo.documents.update_party(v, version=1,
                                                                       legal_name="X"),
     "party_id", True),
    ("documents record_payment", lambda bo, v: bo.documents.record_payment(
        v, _eur("1.00"), JAN6), "party_id", True),
    ("documents refund", lambda bo, v: bo.documents.refund(
        v, _eur("1.00"), JAN6, against=[_ids(bo)["payment"]]), "party_id", True),
    ("documents handovers", lambda bo, v: bo.documents.handovers(v), "document_id", False),
    # ids in a list, and the bulk paths: named by their place
    ("ledger entries account", lambda bo, v: bo.ledger.entries(account=v), "account", False),
    ("ledger role", lambda bo, v: bo.ledger.role(v), "role", True),
    ("ledger post line account", lambda bo, v: bo.ledger.post(_entry(v)), "lines[0].account",
     True),
    ("ledger post_many line account", lambda bo, v: bo.ledger.post_many([_entry(v)]),
     "entries[0].lines[0].account", True),
    ("ledger hold line account", lambda bo, v: bo.ledger.hold(_entry(v)), "lines[0].account",
     True),
    ("ledger revalue accounts", lambda bo, v: bo.ledger.revalue(JAN6, accounts=["1110", v]),
     "accounts[1]", True),
    ("ledger general_ledger", lambda bo, v: bo.ledger.reports.general_ledger(v, JAN5, JAN6),
     "account", True),
    ("add_landed_cost", lambda bo, v: bo.inventory.add_landed_cost(
        1, receipts=[_ids(bo)["receipt"], v], on=JAN6), "receipts[1]", True),
    ("apply_moves", lambda bo, v: bo.inventory.apply_moves(
        [MoveSpec(v, 1, "supplier", "WH", JAN5, unit_cost=1)]), "moves[0].sku", True),
    ("documents issue_many", lambda bo, v: bo.documents.issue_many(
        [_ids(bo)["draft"], v]), "document_ids[1]", True),
    ("documents create", lambda bo, v: bo.documents.create(
        "sales_invoice", v, JAN5, [line("A", 1, "1.00", Tax.zero())]), "party_id", True),
    ("documents create_many", lambda bo, v: bo.documents.create_many(
        [DraftSpec("sales_invoice", v, JAN5, [line("A", 1, "1.00", Tax.zero())])]),
     "drafts[0].party_id", True),
    ("documents record_payment allocate_to", lambda bo, v: bo.documents.record_payment(
        _ids(bo)["party"], _eur("1.00"), JAN6, allocate_to=[v]), "allocate_to[0]", True),
    ("documents refund against", lambda bo, v: bo.documents.refund(
        _ids(bo)["party"], _eur("1.00"), JAN6, against=[v]), "against[0]", True),
]


@pytest.fixture
def bo(acme: bc.Backoffice) -> bc.Backoffice:
    """A book with a posted entry, a pending hold, a fiscal year, stock, a planned move,
    an open count, a customer, a draft and an issued invoice and a payment."""
    book = acme
    led, inv, docs = book.ledger, book.inventory, book.documents
    led.add_fiscal_year(bc.FiscalYear.monthly("FY2026", date(2026, 1, 1)))
    led.post(bc.NewEntry(JAN5, "Sale", [bc.debit("1110", "10.00"), bc.credit("4100", "10.00")]))
    led.hold(bc.NewEntry(JAN5, "Hold", [bc.debit("1110", "5.00"), bc.credit("4100", "5.00")]))
    inv.create_location("WH", "Warehouse", kind="warehouse")
    inv.create_location("WH2", "Second", kind="warehouse")
    inv.create_item("MUG", "Mug")
    inv.create_item("LOT", "Lotted", tracking="lot")
    inv.receive("MUG", 5, location="WH", unit_cost=1, on=JAN5)
    inv.receive("LOT", 5, location="WH", unit_cost=1, on=JAN5, lot="L1")
    inv.plan("MUG", 1, source="WH", destination="customer", on=JAN6)
    inv.start_count("WH2", full=True, on=JAN6)
    party = docs.create_party("Globex", code="C-1")
    docs.create_invoice(party.id, JAN5, [line("A", 1, "1.00", Tax.zero())])
    docs.issue(docs.create_invoice(party.id, JAN5, [line("A", 1, "1.00", Tax.zero())]).id)
    docs.record_payment(party.id, _eur("5.00"), JAN6)
    return book


def _state(bo: bc.Backoffice) -> tuple[object, ...]:
    return (bo.ledger.entries(), bo.ledger.pending(), bo.ledger.accounts(),
            bo.ledger.fiscal_years(), bo.ledger.settings(), bo.inventory.moves(),
            bo.inventory.items(), bo.inventory.locations(), bo.inventory.counts(),
            bo.inventory.reorder_rules(), bo.documents.find(archived=None),
            bo.documents.parties(include_archived=True), bo.documents.payments())


def _outcome(call: Call, book: bc.Backoffice, value: object) -> tuple[str, object, object]:
    try:
        call(book, value)
    except Exception as err:  # noqa: BLE001 (what each store answered, whatever it was)
        return type(err).__name__, getattr(err, "field", None), getattr(err, "value", None)
    return "no error", None, None


@pytest.mark.parametrize(("name", "call", "field", "none_too"), CALLS,
                         ids=[c[0] for c in CALLS])
def test_a_value_that_cannot_be_an_id_is_a_validation_error(
        bo: bc.Backoffice, name: str, call: Call, field: str, none_too: bool) -> None:
    """Every method of :data:`CALLS`, every value of :data:`WRONG` (every mismatch listed
    at once); nothing changes."""
    before = _state(bo)
    values = WRONG if none_too else WRONG_OPTIONAL
    wrong = [(value, got) for value in values
             if (got := _outcome(call, bo, value)) != ("ValidationError", field, value)]
    assert wrong == [], wrong
    assert _state(bo) == before


#: a receipt makes the lot it names; entries(account) and handovers(document_id) filter
NOT_LOOKED_UP = {"receive lot", "documents handovers", "ledger entries account"}
LOOKUPS = [c for c in CALLS if c[0] not in NOT_LOOKED_UP]


@pytest.mark.parametrize(("name", "call", "field", "none_too"), LOOKUPS,
                         ids=[c[0] for c in LOOKUPS])
def test_an_id_of_the_right_kind_that_names_nothing_is_not_found(
        bo: bc.Backoffice, name: str, call: Call, field: str, none_too: bool) -> None:
    before = _state(bo)
    got = _outcome(call, bo, "nope")
    assert got == ("NotFoundError", field, "nope"), got
    assert _state(bo) == before
