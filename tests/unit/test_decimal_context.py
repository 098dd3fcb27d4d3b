"""Results do not depend on the caller's decimal context.

A host application may run with ``decimal.getcontext().prec = 4``, another
rounding, or traps on ``Inexact``/``Rounded``/``FloatOperation``; the library
computes in its own exact context, so every observable result (entries,
balances, reports and their rows, valuation, documents, rendered text) is the
same as under the default context, no raw ``decimal`` exception escapes, and
the caller's context is as it was after every call.
"""

from __future__ import annotations

import decimal
import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from decimal import ROUND_DOWN, Decimal
from pathlib import Path
from typing import Any

import pytest

import backoffice_core as bc
from backoffice_core.demo import run_demo
from backoffice_core.documents import (
    AllowanceCharge,
    DocumentLine,
    DocumentType,
    EarlyPaymentDiscount,
    PaymentTerms,
    Tax,
    line,
)
from backoffice_core.formatting import format_decimal, format_money
from backoffice_core.inventory import MoveSpec
from backoffice_core.ledger.periods import FiscalYear
from backoffice_core.ledger.reports import (
    balance_sheet,
    general_ledger,
    income_statement,
    trial_balance,
)
from backoffice_core.money import Money, allocate, from_minor, to_minor

D = Decimal
JAN = date(2026, 1, 1)


def _hostile(*, traps: bool) -> decimal.Context:
    ctx = decimal.Context(prec=4, rounding=ROUND_DOWN)
    if traps:
        ctx.traps[decimal.Inexact] = True
        ctx.traps[decimal.Rounded] = True
        ctx.traps[decimal.FloatOperation] = True
    return ctx


CONTEXTS: dict[str, Callable[[], decimal.Context]] = {
    "prec4-down": lambda: _hostile(traps=False),
    "prec4-down-traps": lambda: _hostile(traps=True),
}


@contextmanager
def _in(ctx: decimal.Context | None) -> Iterator[None]:
    if ctx is None:
        yield
        return
    with decimal.localcontext(ctx):
        yield


def _open(url: str) -> bc.Backoffice:
    return bc.Backoffice.open(url, book="ctx", clock=bc.FixedClock(
        datetime(2026, 2, 27, 12, tzinfo=UTC)), ids=bc.SequentialIds("x"))


def _ledger(bo: bc.Backoffice, out: dict[str, Any]) -> None:
    led = bo.ledger
    led.setup("Ctx Inc", currency="USD", chart="generic")
    led.add_fiscal_year(FiscalYear.monthly("FY2026", JAN))
    led.set_rate("EUR", "USD", date(2026, 1, 2), "1.083719")
    led.set_rate("EUR", "USD", date(2026, 1, 31), "1.107733")
    out["post"] = led.post(bc.NewEntry(date(2026, 1, 2), "capital", [
        bc.debit("1120", "123456.78"), bc.credit("3100", "123456.78")]))
    out["fx"] = led.post(bc.NewEntry(date(2026, 1, 3), "euros in", [
        bc.debit("1130", Money("98765.43", "EUR")), bc.credit("3100", Money("98765.43", "EUR"))]))
    out["many"] = led.post_many([
        bc.NewEntry(date(2026, 1, 5 + i), f"sale {i}", [
            bc.debit("1140", f"{1234 + i}.{i:02d}"), bc.credit("4100", f"{1234 + i}.{i:02d}")])
        for i in range(5)])
    out["import"] = led.import_entries([json.dumps({
        "date": "2026-01-12", "description": "rent", "lines": [
            {"account": "6200", "amount": "7777.77"}, {"account": "1120", "amount": "-7777.77"}]})])
    held = led.hold(bc.NewEntry(date(2026, 1, 14), "held", [
        bc.debit("6600", "55555.55"), bc.credit("1120", "55555.55")])).entry
    out["partial"] = led.post_pending(held.id, amount="33333.33")
    out["revalue"] = led.revalue(date(2026, 1, 31))
    out["entries"] = led.entries()
    out["balances"] = led.balances()
    out["balance"] = led.balance("1130", "EUR"), led.balance("1120")
    tb = trial_balance(led, as_of=date(2026, 1, 31))
    ist = income_statement(led, JAN, date(2026, 1, 31), compare=[(JAN, date(2026, 1, 15))])
    bs = balance_sheet(led, date(2026, 1, 31), compare=[date(2026, 1, 15)])
    gl = general_ledger(led, "1130", JAN, date(2026, 1, 31), currency="EUR")
    for name, report in {"tb": tb, "is": ist, "bs": bs, "gl": gl}.items():
        out[name] = report, report.to_rows(), report.render("en_US")
    out["tb_rows"] = [(r.net, r.functional) for r in tb.rows]
    out["verify"] = led.verify()


def _inventory(bo: bc.Backoffice, out: dict[str, Any]) -> None:
    inv = bo.inventory
    inv.create_location("WH", "Warehouse", kind="warehouse")
    inv.create_item("FIFO", "Bolt", valuation="fifo")
    inv.create_item("AVG", "Nut", valuation="average")
    inv.create_item("STD", "Washer", valuation="standard", standard_cost="1.234567")
    feb = [date(2026, 2, d) for d in range(1, 29)]
    a = inv.receive("FIFO", 333, location="WH", unit_cost="3.3333", on=feb[0])
    b = inv.receive("AVG", 777, location="WH", unit_cost="12.345678", on=feb[0])
    inv.receive("AVG", 1111, location="WH", unit_cost="98.7654", on=feb[1])
    inv.receive("STD", 2222, location="WH", unit_cost="1.3", on=feb[1])
    out["apply"] = inv.apply_moves([
        MoveSpec("FIFO", 444, "supplier", "WH", feb[2], unit_cost="4.4444"),
        MoveSpec("AVG", 1234, "WH", "customer", feb[3]),
        MoveSpec("FIFO", 555, "WH", "customer", feb[3])])
    out["deliver"] = inv.deliver("STD", 1001, location="WH", on=feb[4])
    out["landed"] = inv.add_landed_cost("1234.57", receipts=[a.id, b.id], by="value", on=feb[5])
    count = inv.start_count("WH", skus=["AVG"], on=feb[6])
    inv.record_count(count.id, "AVG", 650, location="WH")
    out["count"] = inv.post_count(count.id)
    inv.set_reorder_rule("AVG", "WH", reorder_point=1000, max_quantity=3333)
    out["suggest"] = inv.reorder_suggestions(on=feb[7])
    out["stock"] = inv.stock(as_of=feb[8])
    for method in ("fifo", "average"):
        v = inv.valuation(as_of=feb[8], method=method) if method != "fifo" else inv.valuation(
            as_of=feb[8])
        out[f"val-{method}"] = (v, v.to_rows(), v.render("en_US"), v.total,
                                [r.unit_cost for r in v.rows])
    out["value"] = [inv.value(s, as_of=feb[8]) for s in ("FIFO", "AVG", "STD")]
    rec = inv.reconcile(as_of=feb[8])
    out["reconcile"] = rec, rec.difference, rec.agrees, rec.render("en_US")
    out["history"] = [inv.history(s) for s in ("FIFO", "AVG", "STD")]


def _documents(bo: bc.Backoffice, out: dict[str, Any]) -> None:
    docs = bo.with_book("ctx_docs").documents
    led = bo.with_book("ctx_docs").ledger
    led.setup("Docs", currency="USD", chart="generic")
    led.add_fiscal_year(FiscalYear.monthly("FY2026", JAN))
    led.set_rate("EUR", "USD", JAN, "1.083719")
    led.set_rate("EUR", "USD", date(2026, 1, 25), "1.107733")
    vat = Tax.standard(D("19"))
    cust = docs.create_party("Customer", code="C-1", payment_terms=PaymentTerms.net(14))
    abroad = docs.create_party("Abroad", code="C-2", currency="EUR",
                               payment_terms=PaymentTerms.net(30))
    inv1 = docs.issue(docs.create_invoice(cust.id, date(2026, 1, 8), [
        line("Chair", 17, "1234.5678", vat, discount=7),
        line("Desk", 3, "9876.54", vat, discount="12.5")]).id)
    inv2 = docs.issue(docs.create(DocumentType.SALES_INVOICE, abroad.id, date(2026, 1, 9), [
        line("Hours", 37, "123.45", vat)]).id)
    cn = docs.issue(docs.credit(inv1.id, {"1": 2}, reason="returned",
                                date=date(2026, 1, 10)).id)
    pay1 = docs.record_payment(cust.id, Money("12345.67", "USD"), date(2026, 1, 20),
                               allocate_to=[inv1.id])
    pay2 = docs.record_payment(abroad.id, docs.get(inv2.id).totals.amount_due,
                               date(2026, 1, 26), allocate_to=[inv2.id])
    out["docs"] = [docs.get(d.id) for d in (inv1, inv2, cn)]
    out["open"] = [docs.get(d.id).open_amount for d in (inv1, inv2)]
    out["pays"] = pay1, pay2, docs.payments()
    out["allocs"] = [docs.allocations(d.id) for d in (inv1, inv2)]
    aging = docs.aging(date(2026, 2, 27))
    out["aging"] = aging, aging.render("en_US"), docs.overdue(date(2026, 2, 27))
    out["docs_entries"] = led.entries()
    out["docs_tb"] = trial_balance(led).to_rows()


def _helpers(out: dict[str, Any]) -> None:
    out["allocate"] = allocate(Money("100000.00", "USD"), 3), allocate(
        Money("98765.43", "EUR"), [D("1.5"), D("2.25"), D("3.125")])
    out["minor"] = to_minor(Money("123456.78", "USD")), from_minor(12345678, "USD")
    out["money"] = Money("123456.78", "USD") + Money("0.01", "USD"), Money(
        "123456.78", "USD") * D("1.5")
    out["fmt"] = format_decimal(D("123456.789"), "de_DE"), format_money(
        Money("123456.78", "EUR"), "en_US")
    out["divide"] = Money("100000.00", "USD") / 3, Money("100000.00", "USD") / Money(
        "30000.00", "USD")
    terms = PaymentTerms.net(30, discount=EarlyPaymentDiscount(D("2.5"), 10))
    out["discount"] = terms.discount_amount(Money("123456.78", "USD"), JAN, date(2026, 1, 5))
    out["with_quantity"] = DocumentLine("1", "W", 7, "12345.67", Tax.zero(), allowances_charges=[
        AllowanceCharge.allowance("1234.56")]).with_quantity(3, "EUR")


def _scenario(url: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    bo = _open(url)
    _ledger(bo, out)
    _inventory(bo, out)
    _documents(bo, out)
    _helpers(out)
    return {k: repr(v) for k, v in out.items()}


def _url(kind: str, tmp_path: Path, name: str) -> str:
    return "memory://" if kind == "memory" else f"sqlite:///{tmp_path / name}.db"


def _diff(expected: dict[str, str], got: dict[str, str]) -> list[str]:
    return [k for k in expected if expected[k] != got.get(k)]


@pytest.mark.parametrize("store", ["memory", "sqlite"])
@pytest.mark.parametrize("hostile", sorted(CONTEXTS))
def test_results_do_not_depend_on_the_callers_decimal_context(
        store: str, hostile: str, tmp_path: Path) -> None:
    expected = _scenario(_url(store, tmp_path, "default"))
    ctx = CONTEXTS[hostile]()
    with decimal.localcontext(ctx):
        got = _scenario(_url(store, tmp_path, "hostile"))
        after = decimal.getcontext()
        # the caller's context is its own again after every call
        assert (after.prec, after.rounding) == (4, ROUND_DOWN)
        assert after.traps == ctx.traps
    assert _diff(expected, got) == []


@pytest.mark.parametrize("hostile", sorted(CONTEXTS))
@pytest.mark.parametrize("locale", ["en_US", "de_DE", "ru_RU"])
def test_the_demo_reports_the_same_under_a_hostile_context(locale: str, hostile: str) -> None:
    expected = run_demo(locale)
    with decimal.localcontext(CONTEXTS[hostile]()):
        got = run_demo(locale)
        pairs = [(expected.text, got.text), (expected.net_income, got.net_income),
                 (repr(expected.trial_balance.to_rows()), repr(got.trial_balance.to_rows())),
                 (repr(expected.balance_sheet.to_rows()), repr(got.balance_sheet.to_rows()))]
    assert all(a == b for a, b in pairs)


def test_the_callers_context_and_flags_are_left_as_they_were() -> None:
    bo = _open("memory://")
    ctx = _hostile(traps=False)
    with decimal.localcontext(ctx) as mine:
        _ledger(bo, {})
        _inventory(bo, {})
        here = decimal.getcontext()
        assert here is mine and (here.prec, here.rounding) == (4, ROUND_DOWN)
        # nothing the library computed rounded in, or flagged, the caller's context
        assert not here.flags[decimal.Inexact] and not here.flags[decimal.Rounded]
    assert decimal.getcontext().prec == 28


def test_each_thread_keeps_its_own_context() -> None:
    seen: dict[str, tuple[int, str, str]] = {}

    def run(name: str, prec: int) -> None:
        with decimal.localcontext(decimal.Context(prec=prec, rounding=ROUND_DOWN)):
            bo = _open("memory://")
            out: dict[str, Any] = {}
            _ledger(bo, out)
            c = decimal.getcontext()
            seen[name] = (c.prec, c.rounding, repr(out["tb_rows"]))

    threads = [threading.Thread(target=run, args=(f"t{p}", p)) for p in (3, 5, 40)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert {k: v[:2] for k, v in seen.items()} == {
        "t3": (3, ROUND_DOWN), "t5": (5, ROUND_DOWN), "t40": (40, ROUND_DOWN)}
    assert len({v[2] for v in seen.values()}) == 1
