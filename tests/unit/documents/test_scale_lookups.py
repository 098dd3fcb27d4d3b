"""Searches per call that must not grow with an order's invoices (counted, never timed).

What an order has left to invoice counts what its invoices' credit notes gave back, and
a payment of several invoices what their credit notes leave to discount. Both used to
search the notes of each invoice on its own: one ``find_documents`` per issued invoice
(an order invoiced 100 times: 110 SQL statements to convert it once more, 11 now;
docs/performance.md, "Work that grows with the data"). They now search the notes of all
of them at once (``DocumentQuery.source_ids``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

import backoffice_core as bc
from backoffice_core.adapters.memory_documents import MemoryDocumentsRepository
from backoffice_core.adapters.sql.documents import SqlDocumentsRepository
from backoffice_core.documents import Tax, line
from backoffice_core.documents.repository import DocumentQuery
from backoffice_core.errors import ValidationError

D0 = date(2026, 1, 5)
N = 12  # invoices of the order


@pytest.fixture(params=["memory", "sqlite"])
def shop(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[bc.Backoffice]:
    url = "memory://" if request.param == "memory" else f"sqlite:///{tmp_path / 'b.db'}"
    bo = bc.Backoffice.open(url, book="b")
    bo.ledger.setup("Shop", currency="EUR", chart="generic")
    yield bo


def _searches(monkeypatch: pytest.MonkeyPatch) -> list[DocumentQuery]:
    seen: list[DocumentQuery] = []
    for cls in (MemoryDocumentsRepository, SqlDocumentsRepository):
        original: Callable[..., Any] = cls.find_documents

        def counted(self: Any, query: DocumentQuery, _original: Any = original) -> Any:
            seen.append(query)
            return _original(self, query)

        monkeypatch.setattr(cls, "find_documents", counted)
    return seen


def _order_with_credited_invoices(bo: bc.Backoffice) -> tuple[str, str, list[str]]:
    d = bo.documents
    c = d.create_party("Acme")
    so = d.issue(d.create("sales_order", c.id, D0,
                          [line("A", 3 * N, "10.00", Tax.standard(20))]).id)
    invoices = []
    for _ in range(N):
        inv = d.issue(d.convert(so.id, "sales_invoice", {"1": 2}, date=D0).id)
        d.issue(d.credit(inv.id, {"1": 1}).id)  # gives one back to invoice again
        invoices.append(inv.id)
    return so.id, c.id, invoices


def test_converting_an_order_searches_its_invoices_notes_at_once(
        shop: bc.Backoffice, monkeypatch: pytest.MonkeyPatch) -> None:
    so, _, _ = _order_with_credited_invoices(shop)
    seen = _searches(monkeypatch)
    rest = shop.documents.convert(so, "sales_invoice", date=D0)
    assert [str(ln.quantity) for ln in rest.lines] == [str(3 * N - 2 * N + N)]
    assert len(seen) <= 3, seen  # the order's invoices, their notes: not one per invoice


def test_paying_invoices_searches_their_notes_at_once(
        shop: bc.Backoffice, monkeypatch: pytest.MonkeyPatch) -> None:
    _, party, invoices = _order_with_credited_invoices(shop)
    owed = sum((shop.documents.get(i).open_amount for i in invoices),
               bc.Money("0.00", "EUR"))
    seen = _searches(monkeypatch)
    paid = shop.documents.record_payment(party, owed, date(2026, 2, 1), allocate_to=invoices)
    assert paid.open_amount == bc.Money("0.00", "EUR")
    assert all(shop.documents.get(i).open_amount.amount == 0 for i in invoices)
    notes = [q for q in seen if getattr(q, "source_ids", None) or q.source_id]
    assert len(notes) <= 1, notes  # the invoices' credit notes: one search


def test_source_ids_is_a_list_of_ids() -> None:
    assert DocumentQuery(source_ids=["a", "b"]).source_ids == frozenset({"a", "b"})
    with pytest.raises(ValidationError) as err:
        DocumentQuery(source_ids="abc")  # type: ignore[arg-type]
    assert err.value.field == "source_ids"
    with pytest.raises(ValidationError):
        DocumentQuery(source_ids=["a", 5])  # type: ignore[list-item]


def test_converting_a_delivery_note_of_many_lines_finds_each_order_line_once(
        lines_run_in: Callable[[str], AbstractContextManager[list[int]]]) -> None:
    """What a delivery note's line has left to invoice is capped by its order line's: each
    order line was found by a search through the order's lines, per line (a 4,000-line
    delivery note: 373 ms to convert, 34 ms at 1,000). Counted as the lines of
    ``documents/_work.py`` the interpreter runs (``sys.settrace``): linear in the lines
    now (6,088 at 300 lines), quadratic before (51,527)."""

    bo = bc.Backoffice.open("memory://", book="b")
    bo.ledger.setup("Shop", currency="EUR", chart="generic")
    d = bo.documents
    c = d.create_party("Acme")
    n = 300
    so = d.issue(d.create("sales_order", c.id, D0, [
        line(f"A{i}", 2, "10.00", Tax.standard(20)) for i in range(n)]).id)
    dn = d.issue(d.convert(so.id, "delivery_note", {str(i + 1): 1 for i in range(n)},
                           date=D0).id)
    with lines_run_in("_work.py") as ran:
        invoice = d.convert(dn.id, "sales_invoice", date=D0)
    assert len(invoice.lines) == n and all(ln.quantity == 1 for ln in invoice.lines)
    assert ran[0] < 50 * n, ran[0]  # about 20 a line


def test_a_three_way_match_finds_each_repriced_line_once(
        lines_run_in: Callable[[str], AbstractContextManager[list[int]]]) -> None:
    """A price correction of a bill's lines: the match found each corrected bill line by
    a pass over the bill's lines, per line of the debit note. Counted as the lines of
    ``documents/conversions.py`` the interpreter runs (``sys.settrace``): linear in the
    lines now (17,240 at 200 lines), quadratic before (136,638)."""

    bo = bc.Backoffice.open("memory://", book="b")
    bo.ledger.setup("Shop", currency="EUR", chart="generic")
    d = bo.documents
    supplier = d.create_party("Paper Co", is_customer=False, is_supplier=True)
    n = 200
    po = d.issue(d.create("purchase_order", supplier.id, D0, [
        line(f"P{i}", 2, "4.00", Tax.standard(20)) for i in range(n)]).id)
    receipt = d.issue(d.convert(po.id, "goods_receipt", date=D0).id)
    bill = d.issue(d.convert(receipt.id, "supplier_bill", date=D0).id)
    d.issue(d.credit(bill.id, prices={str(i + 1): "3.50" for i in range(n)}).id)
    with lines_run_in("conversions.py") as ran:
        report = d.three_way_match(po.id)
    assert len(report.lines) == n
    assert all(m.billed_price == Decimal("3.50") for m in report.lines)
    assert ran[0] < 200 * n, ran[0]  # about 86 a line
