"""The aging and a party's statement in a notebook: exact rows, DataFrames and HTML, as
every other report (``to_rows()``, ``to_pandas()``, ``_repr_html_``)."""

from __future__ import annotations

import sys
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest

from backoffice_core.documents import Direction, Statement, StatementLine, Tax, line
from backoffice_core.documents.aging import AgingReport, AgingRow
from backoffice_core.money import Money

AGING_COLUMNS = ["party_id", "party_name", "currency", "current", "1-30", "31-60", "61-90",
                 "90+", "total"]
STATEMENT_COLUMNS = ["date", "kind", "number", "debit", "credit", "balance"]


def usd(v: str) -> Money:
    return Money(v, "USD")


def _invoice(book: Any, day: date, net: str) -> Any:
    return book.docs.issue(book.docs.create_invoice(
        book.acme.id, day, [line("Work", 1, net, Tax.zero())]).id)


def _statement(book: Any) -> Statement:
    a = _invoice(book, date(2026, 1, 10), "100.00")
    book.docs.record_payment(book.acme.id, usd("30.00"), date(2026, 1, 20), allocate_to=[a.id])
    _invoice(book, date(2026, 2, 5), "50.00")
    book.docs.record_payment(book.acme.id, usd("80.00"), date(2026, 2, 20))
    st: Statement = book.docs.statement(book.acme.id, date(2026, 2, 1), date(2026, 2, 28))
    return st


def test_aging_rows_are_exact_decimals_keyed_as_every_report(book: Any) -> None:
    """Defect: the aging had no ``to_rows()``/``to_pandas()``, only ``to_records()``
    with ``Money`` values and a ``party`` key, unlike every other report's rows of exact
    ``Decimal`` amounts keyed by the row's attribute names (with a ``currency`` column
    where a report holds several currencies)."""
    as_of = date(2026, 6, 30)
    _invoice(book, as_of - timedelta(days=80), "1000.00")
    _invoice(book, as_of, "0.10")
    report = book.docs.aging(as_of)
    rows = report.to_rows()
    assert rows == [{"party_id": book.acme.id, "party_name": "Acme GmbH", "currency": "USD",
                     "current": Decimal("0.10"), "1-30": Decimal("0.00"),
                     "31-60": Decimal("1000.00"), "61-90": Decimal("0.00"),
                     "90+": Decimal("0.00"), "total": Decimal("1000.10")}]
    assert all(type(v) is Decimal for v in list(rows[0].values())[3:])
    # to_records() stays as it was, for its users
    assert report.to_records()[0]["party"] == "Acme GmbH"
    assert report.to_records()[0]["total"] == usd("1000.10")


def test_aging_rows_keep_each_currency_apart() -> None:
    def eur(v: str) -> Money:
        return Money(v, "EUR")

    def jpy(v: str) -> Money:
        return Money(v, "JPY")

    report = AgingReport(date(2026, 1, 31), Direction.PURCHASE, (
        AgingRow("p-1", "Acme", "EUR", (eur("0.00"),) * 4 + (eur("-2.50"),), eur("-2.50")),
        AgingRow("p-1", "Acme", "JPY", (jpy("700"),) + (jpy("0"),) * 4, jpy("700"))), ())
    assert [(r["currency"], r["current"], r["90+"], r["total"]) for r in report.to_rows()] == [
        ("EUR", Decimal("0.00"), Decimal("-2.50"), Decimal("-2.50")),
        ("JPY", Decimal("700"), Decimal("0"), Decimal("700"))]


def test_aging_and_statement_frames_are_exact(book: Any) -> None:
    pytest.importorskip("pandas")
    _invoice(book, date(2026, 1, 10), "0.10")
    aging = book.docs.aging(date(2026, 3, 31))
    df = aging.to_pandas()
    assert list(df.columns) == AGING_COLUMNS
    assert all(df[c].dtype == object for c in AGING_COLUMNS[3:])
    assert df["31-60"][0] == Decimal("0.10") and type(df["total"][0]) is Decimal
    assert list(book.docs.aging(date(2026, 1, 1)).to_pandas().columns) == AGING_COLUMNS
    st = book.docs.statement(book.acme.id, date(2026, 1, 1), date(2026, 1, 31))
    sdf = st.to_pandas()
    assert list(sdf.columns) == STATEMENT_COLUMNS and sdf["debit"].dtype == object
    assert list(sdf["debit"]) == [Decimal("0.10")]
    empty = book.docs.statement(book.acme.id, date(2025, 1, 1), date(2025, 1, 31))
    assert list(empty.to_pandas().columns) == STATEMENT_COLUMNS and empty.to_rows() == []


def test_aging_and_statement_without_pandas_name_the_extra(
        book: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "pandas", None)
    for report in (book.docs.aging(date(2026, 1, 31)),
                   book.docs.statement(book.acme.id, date(2026, 1, 1), date(2026, 1, 31))):
        with pytest.raises(ImportError, match=r"pip install backoffice-core\[pandas\]"):
            report.to_pandas()


def test_statement_rows(book: Any) -> None:
    """Defect: a party's statement had no ``to_rows()``: its movements only as
    ``StatementLine`` values of ``Money``."""
    st = _statement(book)
    assert st.to_rows() == [
        {"date": date(2026, 2, 5), "kind": "sales_invoice", "number": "INV-2026-00002",
         "debit": Decimal("50.00"), "credit": Decimal("0.00"), "balance": Decimal("120.00")},
        {"date": date(2026, 2, 20), "kind": "payment_in", "number": "PAY-2026-00002",
         "debit": Decimal("0.00"), "credit": Decimal("80.00"), "balance": Decimal("40.00")}]


def test_statement_in_a_notebook_is_a_table(book: Any) -> None:
    """Defect: a party's statement had no ``_repr_html_``, so a notebook showed its
    ``repr``; it shows as a table of right-aligned exact amounts, from the opening to the
    closing balance, with the closing balance by age, the party's name escaped."""
    book.docs.update_party(book.acme.id, version=book.docs.party(book.acme.id).version,
                           legal_name="Acme <b>&</b> Co")
    page = _statement(book)._repr_html_()
    right = '<td style="text-align:right">'
    assert page.startswith("<table><caption>Statement Acme &lt;b&gt;&amp;&lt;/b&gt; Co USD "
                           "2026-02-01..2026-02-28</caption>")
    assert "<b>" not in page
    assert ("<thead><tr><th>date</th><th>document</th><th>debit</th><th>credit</th>"
            "<th>balance</th></tr></thead>") in page
    blank = f"{right}</td>" * 2
    assert f"<td></td><td>Opening balance</td>{blank}{right}70.00</td>" in page
    assert (f"<td>2026-02-05</td><td>INV-2026-00002</td>{right}50.00</td>{right}0.00</td>"
            f"{right}120.00</td>") in page
    assert f"<td></td><td>Closing balance</td>{blank}{right}40.00</td>" in page
    assert "<caption>Closing balance by age</caption>" in page
    assert page.count("<table>") == 2 and page.endswith("</table>")


def test_statement_html_shows_tiny_and_round_amounts_in_digits() -> None:
    def kwd(v: str) -> Money:
        return Money(v, "KWD")

    st = Statement("p", "P", "KWD", date(2026, 1, 1), date(2026, 1, 31), kwd("0.000"),
                   (StatementLine(date(2026, 1, 2), "sales_invoice", "I-1", kwd("1000.000"),
                                  kwd("0.000"), kwd("1000.000")),),
                   kwd("1000.000"), (kwd("1000.000"),) + (kwd("0.000"),) * 4)
    page = st._repr_html_()
    assert ">1000.000<" in page and "E+" not in page
    assert st.to_rows()[0]["debit"] == Decimal("1000.000")
