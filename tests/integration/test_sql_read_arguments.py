"""Reads refuse an id or code of the wrong kind alike on every store.

The reads of ``bo.inventory`` (items, locations, units, lots, moves, quantities, stock,
valuation figures, layers, history, counts) and the id-taking reads of
``bo.documents`` passed what they were given to the store: a number, a tuple, a list,
a dict, bytes, ``True`` or a string holding an unpaired surrogate where an id or a
code belongs. memory:// answered ``NotFoundError`` or ``0`` (``on_hand(lot=5)``) or a
bare ``TypeError`` (a list for ``count``), SQLite a ``ValidationError`` naming no field
("Error binding parameter") or a bare ``UnicodeEncodeError``, PostgreSQL a
``StorageError`` ("operator does not exist"); ``by_number(5, ...)`` raised a bare
``TypeError`` everywhere. Each now gets a ``ValidationError`` naming the argument and
the value, checked in the domain, on memory://, SQLite and PostgreSQL alike.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest

import backoffice_core as bc
from backoffice_core.documents import Tax, line
from backoffice_core.errors import ValidationError
from backoffice_core.ledger.reports.general_ledger import general_ledger

Call = Callable[[bc.Backoffice, Any], object]

#: text expected, something else given (the last: text no store can hold)
WRONG: list[object] = [5, 1.5, ("MUG",), ["MUG"], {"sku": "MUG"}, b"MUG", True, "M\ud800"]
JAN5, JAN31 = date(2026, 1, 5), date(2026, 1, 31)

CALLS: list[tuple[str, Call, str]] = [
    ("item", lambda bo, v: bo.inventory.item(v), "sku"),
    ("location", lambda bo, v: bo.inventory.location(v), "code"),
    ("unit", lambda bo, v: bo.inventory.unit(v), "code"),
    ("lots", lambda bo, v: bo.inventory.lots(v), "sku"),
    ("move", lambda bo, v: bo.inventory.move(v), "move_id"),
    ("moves", lambda bo, v: bo.inventory.moves(v), "sku"),
    ("on_hand sku", lambda bo, v: bo.inventory.on_hand(v), "sku"),
    ("on_hand location", lambda bo, v: bo.inventory.on_hand("MUG", v), "location"),
    ("on_hand lot", lambda bo, v: bo.inventory.on_hand("LOT", lot=v), "lot"),
    ("on_hand lot untracked", lambda bo, v: bo.inventory.on_hand("MUG", lot=v, as_of=JAN5),
     "lot"),
    ("reserved sku", lambda bo, v: bo.inventory.reserved(v, "WH"), "sku"),
    ("reserved location", lambda bo, v: bo.inventory.reserved("MUG", v), "location"),
    ("available sku", lambda bo, v: bo.inventory.available(v, "WH"), "sku"),
    ("available location", lambda bo, v: bo.inventory.available("MUG", v), "location"),
    ("fefo sku", lambda bo, v: bo.inventory.fefo(v, 1, location="WH"), "sku"),
    ("fefo location", lambda bo, v: bo.inventory.fefo("MUG", 1, location=v), "location"),
    ("fefo unit", lambda bo, v: bo.inventory.fefo("MUG", 1, location="WH", unit=v), "unit"),
    ("value", lambda bo, v: bo.inventory.value(v), "sku"),
    ("layers", lambda bo, v: bo.inventory.layers(v, as_of=JAN5), "sku"),
    ("history", lambda bo, v: bo.inventory.history(v), "sku"),
    ("stock location", lambda bo, v: bo.inventory.stock(location=v), "location"),
    ("stock sku", lambda bo, v: bo.inventory.stock(sku=v), "sku"),
    ("count", lambda bo, v: bo.inventory.count(v), "count_id"),
    ("delete_reorder_rule sku", lambda bo, v: bo.inventory.delete_reorder_rule(v, "WH"), "sku"),
    ("delete_reorder_rule location",
     lambda bo, v: bo.inventory.delete_reorder_rule("MUG", v), "location"),
    ("documents get", lambda bo, v: bo.documents.get(v), "document_id"),
    ("documents party", lambda bo, v: bo.documents.party(v), "party_id"),
    ("documents party_by_code", lambda bo, v: bo.documents.party_by_code(v), "code"),
    ("documents payment", lambda bo, v: bo.documents.payment(v), "payment_id"),
    ("documents by_number number",
     lambda bo, v: bo.documents.by_number("sales_invoice", v), "number"),
    ("documents by_number type", lambda bo, v: bo.documents.by_number(v, "INV-1"), "type"),
    ("documents three_way_match",
     lambda bo, v: bo.documents.three_way_match(v), "purchase_order_id"),
    ("documents find text", lambda bo, v: bo.documents.find(text=v), "text"),
    ("documents find party_id", lambda bo, v: bo.documents.find(party_id=v), "party_id"),
    ("documents allocations", lambda bo, v: bo.documents.allocations(v), "item_id"),
    ("documents statement",
     lambda bo, v: bo.documents.statement(v, date(2026, 1, 1), JAN31), "party_id"),
]


@pytest.fixture
def bo(acme: bc.Backoffice) -> bc.Backoffice:
    """A book with stock (an untracked and a lot-tracked item), a reorder rule, an open
    count, a party and a draft invoice, in fiscal year FY2026, on memory:// or the SQL store."""
    book = acme
    book.ledger.add_fiscal_year(bc.FiscalYear.monthly("FY2026", date(2026, 1, 1)))
    inv = book.inventory
    inv.create_location("WH", "Warehouse", kind="warehouse")
    inv.create_item("MUG", "Mug")
    inv.create_item("LOT", "Lotted", tracking="lot")
    inv.receive("MUG", 5, location="WH", unit_cost=1, on=JAN5)
    inv.receive("LOT", 5, location="WH", unit_cost=1, on=JAN5, lot="L1")
    inv.set_reorder_rule("MUG", "WH", reorder_point=2, max_quantity=10)
    inv.start_count("WH", full=True, on=date(2026, 1, 6))
    party = book.documents.create_party("Globex", code="C-1")
    book.documents.create_invoice(party.id, JAN5, [line("A", 1, "1.00", Tax.zero())])
    return book


def _outcome(call: Call, book: bc.Backoffice, value: object) -> tuple[str, object, object]:
    try:
        call(book, value)
    except Exception as err:  # noqa: BLE001 (what each store answered, whatever it was)
        return type(err).__name__, getattr(err, "field", None), getattr(err, "value", None)
    return "no error", None, None


def test_an_argument_of_the_wrong_kind_is_a_validation_error(bo: bc.Backoffice) -> None:
    """Every read of :data:`CALLS`, every value of :data:`WRONG` (one book per store,
    every mismatch listed at once)."""
    wrong = [(name, value, got) for name, call, field in CALLS for value in WRONG
             if (got := _outcome(call, bo, value)) != ("ValidationError", field, value)]
    assert wrong == []
    assert len(bo.inventory.reorder_rules()) == 1  # (a refused delete changed nothing)


def test_good_arguments_still_answer(bo: bc.Backoffice) -> None:
    inv = bo.inventory
    assert inv.on_hand("LOT", lot="L1") == 5
    with pytest.raises(bc.NotFoundError) as lot:  # a lot the item never had: a typo
        inv.on_hand("LOT", lot="L2")
    assert (lot.value.field, lot.value.value) == ("lot", "L2")
    assert inv.on_hand("MUG", "WH", as_of=JAN5) == 5
    assert [lot.code for lot in inv.lots("LOT")] == ["L1"]
    assert inv.count(inv.counts()[0].id).location == "WH"
    with pytest.raises(bc.NotFoundError) as info:
        inv.count("nope")
    assert (info.value.field, info.value.value) == ("count_id", "nope")
    with pytest.raises(bc.NotFoundError):
        bo.documents.get("nope")
    [invoice] = bo.documents.find()
    assert bo.documents.get(invoice.id) == invoice
    inv.delete_reorder_rule("MUG", "WH")
    assert inv.reorder_rules() == []


def test_a_lot_of_an_item_not_tracked_by_lot_is_refused(bo: bc.Backoffice) -> None:
    """Defect: ``on_hand("MUG", lot="L1")`` of an item not tracked by lot answered 0, as
    if the lot were empty; the item has no lots, so the lot is refused, naming it, as a
    move or a count line naming one is."""
    inv = bo.inventory
    for kwargs in ({}, {"location": "WH"}, {"as_of": JAN5}):
        with pytest.raises(ValidationError) as info:
            inv.on_hand("MUG", lot="L1", **kwargs)
        assert (info.value.field, info.value.value) == ("lot", "L1")
    assert inv.on_hand("MUG") == 5  # without a lot: as before
    assert inv.on_hand("LOT", lot="L1") == 5
    with pytest.raises(bc.NotFoundError):  # a lot the item never had (test_read_filters)
        inv.on_hand("LOT", lot="none yet")
    with pytest.raises(ValidationError) as move:
        inv.deliver("MUG", 1, location="WH", lot="L1", on=JAN5)
    assert move.value.field == "lot"


@pytest.mark.parametrize("value", [5, True, b"x", {"quote": 1}], ids=repr)
def test_a_document_type_filter_of_the_wrong_kind_names_the_filter(bo: bc.Backoffice,
                                                                   value: object) -> None:
    """``find(type=5)`` raised a bare ``TypeError`` (``tuple(5)``)."""
    for name in ("type", "state"):
        with pytest.raises(ValidationError) as info:
            bo.documents.find(**{name: value})
        assert (info.value.field, info.value.value) == (name, value)


SURROGATE = "M\ud800"
WRITES: list[tuple[str, Call, str]] = [
    ("receive sku", lambda bo, v: bo.inventory.receive(v, 1, location="WH", unit_cost=1,
                                                       on=JAN5), "sku"),
    ("receive location", lambda bo, v: bo.inventory.receive("MUG", 1, location=v,
                                                            unit_cost=1, on=JAN5), "location"),
    ("deliver sku", lambda bo, v: bo.inventory.deliver(v, 1, location="WH", on=JAN5), "sku"),
    # the caller's argument is named, not the move's source or destination
    ("deliver location", lambda bo, v: bo.inventory.deliver("MUG", 1, location=v, on=JAN5),
     "location"),
    ("scrap location", lambda bo, v: bo.inventory.scrap("MUG", 1, location=v, on=JAN5),
     "location"),
    ("adjust gain location", lambda bo, v: bo.inventory.adjust("MUG", 1, location=v,
                                                               unit_cost=1, on=JAN5),
     "location"),
    ("adjust loss location", lambda bo, v: bo.inventory.adjust("MUG", -1, location=v,
                                                               on=JAN5), "location"),
    ("adjust loss_location", lambda bo, v: bo.inventory.adjust("MUG", -1, location="WH",
                                                               loss_location=v, on=JAN5),
     "loss_location"),
    ("receive unit", lambda bo, v: bo.inventory.receive("MUG", 1, location="WH", unit=v,
                                                        unit_cost=1, on=JAN5), "unit"),
    ("documents issue", lambda bo, v: bo.documents.issue(v), "document_id"),
    ("documents create_invoice", lambda bo, v: bo.documents.create_invoice(
        v, JAN5, [line("A", 1, "1.00", Tax.zero())]), "party_id"),
]


@pytest.mark.parametrize(("name", "call", "field"), WRITES, ids=[w[0] for w in WRITES])
def test_a_write_naming_an_id_no_store_can_hold_is_refused(
        bo: bc.Backoffice, name: str, call: Call, field: str) -> None:
    """An id or code with an unpaired surrogate cannot be an id: a ``ValidationError``
    naming it on every store, as the reads answer (it was a ``NotFoundError``; before
    that SQLite and PostgreSQL raised a bare ``UnicodeEncodeError`` from the driver).
    The error names the caller's argument: ``receive(location=...)`` named
    ``destination``, ``deliver(location=...)`` ``source``. Every write, every value of
    the wrong kind: ``test_sql_write_arguments``."""
    before = (bo.inventory.on_hand("MUG", "WH"), bo.documents.find(), bo.ledger.entries())
    assert _outcome(call, bo, SURROGATE) == ("ValidationError", field, SURROGATE)
    assert (bo.inventory.on_hand("MUG", "WH"), bo.documents.find(),
            bo.ledger.entries()) == before


#: a string no id or code holds: NUL (which PostgreSQL cannot store), BEL, a tab
CONTROLS = ["\x00", "C-\x07", "d\t1"]
ID_CALLS: list[tuple[str, Call, str]] = [
    ("documents create", lambda bo, v: bo.documents.create(
        "sales_invoice", v, JAN5, [line("A", 1, "1.00", Tax.zero())]), "party_id"),
    ("documents create_invoice", lambda bo, v: bo.documents.create_invoice(
        v, JAN5, [line("A", 1, "1.00", Tax.zero())]), "party_id"),
    ("documents issue", lambda bo, v: bo.documents.issue(v), "document_id"),
    ("documents issue_many", lambda bo, v: bo.documents.issue_many([v]), "document_ids[0]"),
    ("documents get", lambda bo, v: bo.documents.get(v), "document_id"),
    ("documents party", lambda bo, v: bo.documents.party(v), "party_id"),
    ("documents payment", lambda bo, v: bo.documents.payment(v), "payment_id"),
    ("documents record_payment", lambda bo, v: bo.documents.record_payment(
        v, bc.Money("1.00", "EUR"), JAN5), "party_id"),
    ("documents record_payment allocate_to", lambda bo, v: bo.documents.record_payment(
        bo.documents.find()[0].party_id, bc.Money("1.00", "EUR"), JAN5, allocate_to=[v]),
     "allocate_to[0]"),
    # the lookups that refused a non-id beside the store and answered NotFoundError for one
    # holding a control character (text.check_lookup now refuses both)
    ("documents by_number", lambda bo, v: bo.documents.by_number("sales_invoice", v), "number"),
    ("documents party_by_code", lambda bo, v: bo.documents.party_by_code(v), "code"),
    ("documents statement",
     lambda bo, v: bo.documents.statement(v, date(2026, 1, 1), JAN31), "party_id"),
    ("ledger entry", lambda bo, v: bo.ledger.entry(v), "entry_id"),
    ("ledger reverse", lambda bo, v: bo.ledger.reverse(v, JAN5), "entry_id"),
    ("ledger correct", lambda bo, v: bo.ledger.correct(v, bc.NewEntry(
        JAN5, "Fix", [bc.debit("1110", "1.00"), bc.credit("4100", "1.00")])), "entry_id"),
    ("ledger post_pending", lambda bo, v: bo.ledger.post_pending(v), "pending_id"),
    ("ledger void_pending", lambda bo, v: bo.ledger.void_pending(v), "pending_id"),
    ("ledger account", lambda bo, v: bo.ledger.account(v), "code"),
    ("ledger update_account", lambda bo, v: bo.ledger.update_account(v, name="X"), "code"),
    ("ledger balance", lambda bo, v: bo.ledger.balance(v), "account"),
    ("ledger set_role", lambda bo, v: bo.ledger.set_role("bank", v), "roles.bank"),
    ("ledger role", lambda bo, v: bo.ledger.role(v), "role"),
    ("ledger open_account parent",
     lambda bo, v: bo.ledger.open_account("1199", "Sub", "asset", parent=v), "parent"),
    ("ledger close_period year", lambda bo, v: bo.ledger.close_period(v, "P01"), "year"),
    ("ledger close_period period",
     lambda bo, v: bo.ledger.close_period("FY2026", v), "period"),
    ("ledger close_year", lambda bo, v: bo.ledger.close_year(v), "year"),
    ("ledger revalue accounts", lambda bo, v: bo.ledger.revalue(JAN31, accounts=[v]),
     "accounts[0]"),
    ("ledger general_ledger", lambda bo, v: general_ledger(bo.ledger, v, JAN5, JAN31),
     "account"),
    ("inventory move", lambda bo, v: bo.inventory.move(v), "move_id"),
    ("inventory count", lambda bo, v: bo.inventory.count(v), "count_id"),
    ("inventory item", lambda bo, v: bo.inventory.item(v), "sku"),
    ("inventory location", lambda bo, v: bo.inventory.location(v), "code"),
    ("inventory deliver lot", lambda bo, v: bo.inventory.deliver(
        "LOT", 1, location="WH", lot=v, on=JAN5), "lot"),
    ("inventory delete_reorder_rule location",
     lambda bo, v: bo.inventory.delete_reorder_rule("MUG", v), "location"),
    ("inventory delete_reorder_rule sku",
     lambda bo, v: bo.inventory.delete_reorder_rule(v, "WH"), "sku"),
]


@pytest.mark.parametrize(("name", "call", "field"), ID_CALLS, ids=[c[0] for c in ID_CALLS])
def test_an_id_holding_a_control_character_is_a_validation_error(
        bo: bc.Backoffice, name: str, call: Call, field: str) -> None:
    """Defect: ``create(..., party_id="\\x00")`` (or ``"\\x07"``, a tab) answered
    ``NotFoundError``, as if such a party could exist; no id or code holds a control
    character (``text.check_id``), so it cannot be an id at all: a ``ValidationError``
    naming the argument (``text.not_found``), on every store, nothing changed."""
    before = _state(bo)
    got = [(value, _outcome(call, bo, value)) for value in CONTROLS]
    assert got == [(value, ("ValidationError", field, value)) for value in CONTROLS]
    assert _state(bo) == before
    assert _outcome(call, bo, "nope")[:2] == ("NotFoundError", field)  # an id of the right kind


def _state(bo: bc.Backoffice) -> tuple[object, ...]:
    """What a refused call must leave as it was: documents, payments, entries, accounts,
    roles, fiscal years, moves, counts and reorder rules."""
    return (bo.documents.find(), bo.documents.payments(), bo.ledger.entries(),
            bo.ledger.accounts(), bo.ledger.settings(), bo.ledger.fiscal_years(),
            bo.inventory.moves(), bo.inventory.counts(), bo.inventory.reorder_rules())


#: id and code filters: an unknown id of the right kind is not found, as a lookup's is
#: (it matched nothing, as if a typo were an empty history: test_read_filters), one
#: holding a control character cannot be an id (it matched nothing, as if it could)
ID_FILTERS: list[tuple[str, Call, str]] = [
    ("ledger entries account", lambda bo, v: bo.ledger.entries(account=v), "account"),
    ("inventory moves sku", lambda bo, v: bo.inventory.moves(v), "sku"),
    ("inventory on_hand lot", lambda bo, v: bo.inventory.on_hand("LOT", lot=v), "lot"),
    ("documents find party_id", lambda bo, v: bo.documents.find(party_id=v), "party_id"),
    ("documents find source_id", lambda bo, v: bo.documents.find(source_id=v), "source_id"),
    ("documents payments party_id", lambda bo, v: bo.documents.payments(v), "party_id"),
    ("documents allocations", lambda bo, v: bo.documents.allocations(v), "item_id"),
    ("documents handovers", lambda bo, v: bo.documents.handovers(v), "document_id"),
]


@pytest.mark.parametrize(("name", "call", "field"), ID_FILTERS, ids=[c[0] for c in ID_FILTERS])
def test_an_id_filter_holding_a_control_character_is_a_validation_error(
        bo: bc.Backoffice, name: str, call: Call, field: str) -> None:
    """Defect: ``moves("M\\x07")`` (or ``payments(party_id="\\x00")``) answered an empty
    list, as if such an item could exist, while a number was already refused: an id or
    code filter holding a control character is a ``ValidationError`` naming it too."""
    before = _state(bo)
    got = [(value, _outcome(call, bo, value)) for value in CONTROLS]
    assert got == [(value, ("ValidationError", field, value)) for value in CONTROLS]
    assert _state(bo) == before
    assert _outcome(call, bo, "nope") == ("NotFoundError", field, "nope")  # of the right kind


def test_a_text_search_may_hold_a_tab(bo: bc.Backoffice) -> None:
    """A search by text is not an id: it keeps :func:`~backoffice_core.text.check_filter`
    (text no store can hold is refused; a tab or a line break is searched for)."""
    assert bo.documents.find(text="a\tb") == []
    assert bo.documents.parties("Glo\nbex") == []
    assert [p.legal_name for p in bo.documents.parties("Globex")] == ["Globex"]
