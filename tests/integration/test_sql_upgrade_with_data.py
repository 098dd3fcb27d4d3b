"""Upgrading a database FULL of books written by an older backoffice_core.

Each fixture in ``tests/fixtures/migrations`` (how they are made: its README) holds the
rows an old version wrote (the demo company and a busy book ``acme``: ledger, inventory,
documents) and what that version read back. The test loads the rows into a schema made
at the old revision, checks that the current code refuses it with its typed error,
upgrades it as a user does (``python -m backoffice_core.adapters.sql upgrade <url>``),
and reads everything back through the same calls (``make_fixture.snapshot``): it must
read the same, but for the differences listed in :data:`INTENDED` (each a change the
CHANGELOG documents). The hash chain still verifies, and the books take new work.

SQLite, and PostgreSQL when ``BACKOFFICE_TEST_POSTGRES_URL`` is set.
"""

from __future__ import annotations

import gzip
import importlib.util
import json
from datetime import date
from decimal import Decimal
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from sqlalchemy.pool import NullPool

import backoffice_core as bc
from backoffice_core.adapters.sql import SchemaOutdatedError
from backoffice_core.adapters.sql.__main__ import main as sql_command
from backoffice_core.adapters.sql.schema import MIGRATIONS, head_revision
from backoffice_core.documents import Tax, line

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "migrations"
_spec = importlib.util.spec_from_file_location("make_fixture", FIXTURES / "make_fixture.py")
assert _spec is not None and _spec.loader is not None
make_fixture = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(make_fixture)

#: What the current code reads differently from the old code, on purpose, each a change
#: the CHANGELOG documents: a path pattern (``*`` matches one step: a book, an index) ->
#: (the value read now, why). A field the old code did not have reads its documented value
#: for old rows; ``SIBLING`` names another field of the same object it must equal.
SIBLING = "sibling:"
#: ``BOOK`` names a field of the same book as the old code read it (its path in the book)
BOOK = "book:"
INTENDED: dict[str, tuple[Any, str]] = {
    "*/ledger/fiscal_years/*/closed_by_closing": (
        None, "FiscalYear.closed_by_closing: None for years closed before migration 0012"),
    "*/inventory/moves/*/handover": (
        None, "Move.handover (migration 0011): None for moves stored before it"),
    "*/inventory/counts/*/released": (
        [], "Count.released (migration 0011): no reservation was released by an old count"),
    "*/inventory/counts/*/lines/*/frozen": (
        SIBLING + "expected", "CountLine.frozen: stored counts without it read it as expected"),
    "*/documents/settings/numbers_in_date_order": (
        True, "DocumentSettings.numbers_in_date_order, default True: document numbers "
              "follow the document dates"),
    "acme/inventory/valuation 2026-02-28/0/method": (
        "fifo", "valuation(as_of=...) shows the valuation method in force on that day (BOLT "
                "went to average on 2026-04-13); 0005 showed the item's method of today"),
    "*/documents/settings/payment_numbers_in_date_order": (
        False, "DocumentSettings.payment_numbers_in_date_order, off by default"),
    "*/documents/aging */functional": (
        BOOK + "ledger/settings/functional_currency",
        "AgingReport.functional: the book's currency, which bo.documents.aging() now sets"),
}


def _fixtures() -> list[Path]:
    return sorted(FIXTURES.glob("books_*.json.gz"))


def _read(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(gzip.decompress(path.read_bytes()))
    return data


def _value(column: sa.Column[Any], raw: Any) -> Any:
    """A raw SQLite value of the fixture as the column of the target database takes it."""
    if raw is None:
        return None
    kind = column.type
    if isinstance(kind, sa.Boolean):
        return bool(raw)
    if isinstance(kind, sa.Date):
        return date.fromisoformat(raw)
    if isinstance(kind, sa.Numeric) and not isinstance(kind, (sa.Integer, sa.Float)):
        return Decimal(str(raw))
    return raw


def load(url: str, fixture: dict[str, Any]) -> None:
    """Make the schema at the fixture's revision on ``url`` and insert its rows."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    command.upgrade(cfg, fixture["revision"])
    engine = sa.create_engine(url, poolclass=NullPool)
    try:
        meta = sa.MetaData()
        meta.reflect(engine)
        with engine.begin() as conn:
            for table in meta.sorted_tables:
                data = fixture["tables"].get(table.name)
                if not data:
                    continue
                columns = [table.c[name] for name in data["columns"]]
                conn.execute(table.insert(), [
                    {c.name: _value(c, v) for c, v in zip(columns, row, strict=True)}
                    for row in data["rows"]])
    finally:
        engine.dispose()


def differences(old: Any, new: Any, path: str = "",
                parent: dict[str, Any] | None = None) -> list[tuple[str, Any, Any, Any]]:
    """Where ``new`` reads differently from ``old``: (path, old value, new value, the new
    object holding it); a field only ``new`` has is reported with the old value
    :data:`ABSENT`."""
    if isinstance(old, dict) and isinstance(new, dict):
        out = [(f"{path}/{k}", old[k], ABSENT, new) for k in old if k not in new]
        out += [(f"{path}/{k}", ABSENT, new[k], new) for k in new if k not in old]
        for key in old.keys() & new.keys():
            out += differences(old[key], new[key], f"{path}/{key}", new)
        return out
    if isinstance(old, list) and isinstance(new, list) and len(old) == len(new):
        return [d for i, (o, n) in enumerate(zip(old, new, strict=True))
                for d in differences(o, n, f"{path}/{i}", parent)]
    return [] if old == new else [(path, old, new, parent)]


ABSENT = "<absent>"


def _intended(diff: tuple[str, Any, Any, Any], books: dict[str, Any]) -> bool:
    """Whether ``diff`` is one of :data:`INTENDED` (a step of a pattern matches as a shell
    pattern: ``aging *`` is every aging); ``books`` is what the old code read."""
    path, _, new, holder = diff
    steps = path.split("/")[1:]
    for pattern, (value, _why) in INTENDED.items():
        wanted = pattern.split("/")
        if len(steps) == len(wanted) and all(fnmatchcase(s, w) for w, s in zip(wanted, steps,
                                                                               strict=True)):
            if isinstance(value, str) and value.startswith(SIBLING):
                return bool(new == holder[value.removeprefix(SIBLING)])
            if isinstance(value, str) and value.startswith(BOOK):
                found = books[steps[0]]
                for step in value.removeprefix(BOOK).split("/"):
                    found = found[step]
                return bool(new == found)
            return bool(new == value)
    return False


@pytest.fixture(params=_fixtures(), ids=lambda p: p.name.split(".")[0])
def old_books(request: pytest.FixtureRequest, url: str) -> dict[str, Any]:
    """The ``url`` database holding a fixture's books at its old revision."""
    fixture = _read(request.param)
    load(url, fixture)
    return fixture


def test_there_are_fixtures_of_several_old_revisions() -> None:
    revisions = {_read(p)["revision"] for p in _fixtures()}
    assert {"0005_reorder_rule_supplier", "0010_revaluation_index"} <= revisions


def test_old_books_upgrade_and_read_back_the_same(url: str, old_books: dict[str, Any],
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    revision = old_books["revision"]
    with pytest.raises(SchemaOutdatedError) as refused:
        bc.Backoffice.open(url, book="acme")
    assert (refused.value.field, refused.value.value) == ("schema", revision)
    assert sql_command(["upgrade", url]) == 0
    assert capsys.readouterr().out.strip() == head_revision()
    now = make_fixture.snapshot(url)
    found = differences(old_books["expected"], now)
    assert [d[:3] for d in found if not _intended(d, old_books["expected"])] == []
    for book in make_fixture.BOOKS:
        report = now[book]["ledger"]["verify"]
        assert report["ok"], (book, report["problems"])
        assert report["entries_checked"] == old_books["expected"][book]["ledger"]["verify"][
            "entries_checked"]


def _by(rows: list[dict[str, Any]], **match: Any) -> dict[str, Any]:
    return next(r for r in rows if all(r[k] == v for k, v in match.items()))


def test_upgraded_books_take_new_work(url: str, old_books: dict[str, Any]) -> None:
    assert sql_command(["upgrade", url]) == 0
    old = old_books["expected"]["acme"]
    bo = bc.Backoffice.open(url, book="acme", clock=make_fixture.FixedClock(make_fixture.CLOCK),
                            ids=make_fixture.SequentialIds("new"))
    led, inv, docs = bo.ledger, bo.inventory, bo.documents
    # the ledger: old idempotency keys replay (in a closed year, foreign, bulk) and write
    # nothing; a new entry, a reversal and a correction of old ones, the old hold
    count = len(led.entries())
    assert not led.post(bc.NewEntry(date(2025, 12, 1), "Share capital", [
        bc.debit("1120", "25000.00"), bc.credit("3100", "25000.00")],
        idempotency_key="cap")).created
    bulk = [bc.NewEntry(date(2026, 4, 10), f"Bulk {i}", [
        bc.debit("1135", f"{i}.00", "USD"), bc.credit("4110", f"{i}.00", "USD")],
        idempotency_key=f"bulk-{i}") for i in range(1, 4)]
    assert [e.id for e in led.post_many(bulk)] == [
        _by(old["ledger"]["entries"], idempotency_key=f"bulk-{i}")["id"] for i in range(1, 4)]
    assert not led.post(bulk[0]).created and len(led.entries()) == count
    posted = led.post(bc.NewEntry(date(2026, 4, 29), "After the upgrade", [
        bc.debit("6600", "12.00", project="P1"), bc.credit("1120", "12.00")])).entry
    assert posted.seq == max(e.seq for e in led.entries())
    march = _by(old["ledger"]["entries"], description="Sales 03")
    led.reverse(march["id"], on=date(2026, 4, 29))
    april = _by(old["ledger"]["entries"], description="Rent 04")
    led.correct(april["id"], bc.NewEntry(date(2026, 4, 8), "Rent 04, corrected", [
        bc.debit("6200", "410.00", department="HQ"), bc.credit("1120", "410.00")]))
    led.post_pending(old["ledger"]["pending"][0]["id"])
    assert led.pending() == []
    led.revalue(date(2026, 4, 30), reverse_on=date(2026, 5, 1))
    led.close_period("FY2026", "2026-03")
    # a year closed by the old code reopens every closed period, and closes again
    assert all(p.state.value == "open" for p in led.reopen_year("FY2025").periods)
    led.close_year("FY2025")
    # documents: the old draft issued, a new invoice numbered after the old ones
    globex = docs.parties("GLOBEX")[0]
    draft = _by(old["documents"]["documents"], state="draft")
    issued = [d["number"] for d in old["documents"]["documents"]
              if d["type"] == "sales_invoice" and d["number"]]
    assert docs.issue(draft["id"]).number == f"AC-2026-{len(issued) + 1:05}"
    invoice = docs.issue(docs.create_invoice(globex.id, date(2026, 4, 29), [
        line("Bolt M8", 10, "0.90", Tax.standard(Decimal(19)), item_id="BOLT")]).id)
    assert invoice.number == f"AC-2026-{len(issued) + 2:05}"  # the series goes on
    # old open items settled, an old invoice credited
    first = _by(old["documents"]["documents"], number="AC-2026-00001")
    rest = docs.get(first["id"]).open_amount
    assert rest is not None and str(rest) == first["open_amount"]
    paid = docs.record_payment(globex.id, rest, date(2026, 4, 29), allocate_to=[first["id"]])
    receipts = [p for p in old["documents"]["payments"] if p["number"].startswith("RCPT")]
    assert paid.number == f"RCPT2026/{len(receipts) + 1:04}"
    assert docs.get(first["id"]).state.value == "paid"
    second = _by(old["documents"]["documents"], number="AC-2026-00002")
    docs.issue(docs.credit(second["id"], {"1": 1}, reason="late", date=date(2026, 4, 29)).id)
    # inventory: receipts, a lot delivered, an old move returned, a count
    before = inv.on_hand("NUT")
    inv.receive("NUT", 40, location="WH/A", unit_cost="0.12", on=date(2026, 4, 29))
    assert inv.on_hand("NUT") == before + 40
    lot = inv.receive("MILK", 12, location="SHOP", unit_cost="0.95", lot="L-0429",
                      expiry=date(2026, 5, 12), on=date(2026, 4, 29))
    assert lot.lot == "L-0429"
    inv.deliver("MILK", 10, location="SHOP", lot="L-0408", on=date(2026, 4, 29))
    delivery = _by(old["inventory"]["moves"], kind="delivery", sku="NUT")
    inv.return_move(delivery["id"], 5, on=date(2026, 4, 29))
    # the count the old code left open finds less than is reserved: the reservation it no
    # longer covers goes back to draft (Count.released, migration 0011)
    left_open = _by(old["inventory"]["counts"], state="open")
    inv.record_count(left_open["id"], "NUT", 40, location="WH/B")
    assert inv.post_count(left_open["id"]).released
    assert inv.reserved("NUT", "WH/B") == 40
    bolts = inv.start_count("WH", skus=["BOLT"], on=date(2026, 4, 30))
    inv.record_count(bolts.id, "BOLT", 17, location="WH/A")
    inv.post_count(bolts.id)
    assert inv.on_hand("BOLT", "WH/A") == 17
    assert led.verify().ok
    rec = inv.reconcile(as_of=date(2026, 4, 30))  # the bill booked 300.00 straight to stock
    assert str(rec.difference) == old["inventory"]["reconcile 2026-04-30"]["difference"]


def test_numbering_goes_on_after_the_upgrade(url: str, old_books: dict[str, Any]) -> None:
    """Fiscal years from July: every series goes on from its old count, whether it counts
    per printed year, per fiscal year or for ever (migration 0008 moved no counter wrongly),
    and no number is given twice."""
    assert sql_command(["upgrade", url]) == 0
    docs = bc.Backoffice.open(url, book="fiscal").documents
    old = {d["number"] for d in old_books["expected"]["fiscal"]["documents"]["documents"]}
    who = docs.parties("C")[0]
    vat = Tax.standard(Decimal(19))
    sale = docs.issue(docs.create_invoice(who.id, date(2026, 4, 20), [
        line("Work", 1, "100.00", vat)]).id)
    note = docs.issue(docs.credit(sale.id, {"1": 1}, reason="void", date=date(2026, 4, 20)).id)
    quote = docs.issue(docs.create("quote", who.id, date(2026, 4, 20), [
        line("Work", 1, "100.00", vat)]).id)
    assert (sale.number, note.number, quote.number) == (
        "INV-2025-00005", "CNFY2026-005", "Q0005")
    assert not {sale.number, note.number, quote.number} & old


def test_old_text_is_corrected_as_the_ledger_wrote_it(url: str,
                                                     old_books: dict[str, Any]) -> None:
    """Entries an older version kept with U+FFFE or U+FFFF are reversed and corrected, and
    its holds posted and voided: the mirror's text is the stored entry's. A caller's own
    text with them is still refused."""
    assert sql_command(["upgrade", url]) == 0
    led = bc.Backoffice.open(url, book="oldtext",
                             clock=make_fixture.FixedClock(make_fixture.CLOCK)).ledger
    paid, = (e for e in led.entries() if e.description == "Paid\uffff")
    with pytest.raises(bc.ValidationError) as refused:
        led.reverse(paid.id, on=date(2026, 4, 29), description="Undone\uffff")
    assert refused.value.field == "description"
    mirror = led.reverse(paid.id, on=date(2026, 4, 29)).entry
    assert (mirror.description, mirror.reference) == ("Reversal of Paid\uffff", "R\ufffe")
    assert mirror.postings[0].dimensions == paid.postings[0].dimensions
    first, second = led.pending()
    posted = led.post_pending(first.id).entry
    assert posted.description == "Card hold\uffff"
    assert led.void_pending(second.id).entry.description == "Void of Card hold\uffff"
    led.correct(posted.id, bc.NewEntry(date(2026, 4, 29), "Card, corrected", [
        bc.debit("6600", "3.50"), bc.credit("1199", "3.50")]))
    assert led.verify().ok


def test_old_text_master_data_can_be_revised(url: str, old_books: dict[str, Any]) -> None:
    """An item or a party an older version kept with U+FFFE or U+FFFF is updated: the
    fields changed are checked as new input, the others kept as they were."""
    assert sql_command(["upgrade", url]) == 0
    bo = bc.Backoffice.open(url, book="oldtext")
    inv, docs = bo.inventory, bo.documents
    tea = inv.update_item("TEA", name="Tea")
    assert (tea.name, tea.category, tea.barcode) == ("Tea", "drinks\ufffe", "B\uffff")
    with pytest.raises(bc.ValidationError) as refused:
        inv.update_item("TEA", category="tea\uffff")
    assert refused.value.field == "category"
    who = docs.parties("B1")[0]
    with pytest.raises(bc.ValidationError) as refused:
        docs.update_party(who.id, version=who.version, legal_name="Buyer\ufffe")
    assert refused.value.field == "legal_name"
    new = docs.update_party(who.id, version=who.version, legal_name="Buyer")
    assert (new.legal_name, new.tags, new.addresses) == ("Buyer", who.tags, who.addresses)
    assert docs.party(who.id) == new


def test_old_text_documents_and_stock_take_new_work(url: str,
                                                     old_books: dict[str, Any]) -> None:
    """An invoice an older version kept with U+FFFE or U+FFFF in its lines is credited
    (the note copies them and posts), and stock of an item whose SKU holds one is received
    and booked; a reason of the caller's with one is still refused."""
    assert sql_command(["upgrade", url]) == 0
    bo = bc.Backoffice.open(url, book="oldtext",
                            clock=make_fixture.FixedClock(make_fixture.CLOCK))
    docs, inv = bo.documents, bo.inventory
    sale, = (d for d in docs.find(type="sales_invoice") if d.number and d.lines[0].note)
    with pytest.raises(bc.ValidationError) as refused:
        docs.credit(sale.id, reason="back\uffff", date=date(2026, 4, 29))
    assert refused.value.field == "note"
    note = docs.issue(docs.credit(sale.id, reason="returned", date=date(2026, 4, 29)).id)
    assert note.lines[0].description == sale.lines[0].description == "Tea\uffff"
    assert inv.receive("T\uffff", 2, location="WH", unit_cost="1.00",
                       on=date(2026, 4, 29)).quantity == 2
    assert inv.on_hand("T\uffff") == 2
    assert bo.ledger.verify().ok


def test_the_demo_runs_again_on_its_upgraded_book(url: str, old_books: dict[str, Any]) -> None:
    """The demo re-run on its persistent book posts nothing and reports the same."""
    from backoffice_core.demo import run_demo

    before = make_fixture.snapshot(url, migrate=True)
    result = run_demo("en_US", url)
    assert result.verification.ok and result.replay_created is False
    assert result.inventory is not None and result.inventory.verified
    after = make_fixture.snapshot(url)
    assert [d[:3] for d in differences(before, after)] == []
