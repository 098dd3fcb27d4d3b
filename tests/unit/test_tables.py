"""The shared table mechanism every report renders through (text, HTML, DataFrame)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

import backoffice_core as bc
from backoffice_core.inventory.reports import ValuationLine, ValuationReport
from backoffice_core.tables import html_table, text_table


@pytest.mark.parametrize(("value", "shown"), [
    (Decimal("1E-8"), "0.00000001"), (Decimal("0.0000001"), "0.0000001"),
    (Decimal("1E+3"), "1000"), (Decimal("1.00E+3"), "1000"), (Decimal("-0.00"), "0.00"),
    (Decimal("-0"), "0"), (Decimal("-12.50"), "-12.50"), (7, "7"), (None, ""),
])
def test_html_cells_show_decimals_in_plain_digits_never_an_exponent(value: object,
                                                                    shown: str) -> None:
    """Defect: an HTML cell was ``str(value)``, so a small exact amount showed as
    ``1E-8`` (a stock valuation's unit cost of a cent over a million pieces) and a
    negative zero as ``-0.00``; a notebook table shows every digit, never an exponent."""
    page = html_table("t", ["x"], [[value]], numeric=[0])
    assert f'<td style="text-align:right">{shown}</td>' in page


def test_a_valuation_report_in_a_notebook_shows_a_tiny_unit_cost_in_digits() -> None:
    report = ValuationReport("Acme", "USD", date(2026, 2, 28), None, (
        ValuationLine("W", "Washer", "fifo", Decimal(1000000), "pc", Decimal("0.01")),))
    assert report.rows[0].unit_cost == Decimal("1E-8")
    page = report._repr_html_()
    assert "E-" not in page and ">0.00000001<" in page


@pytest.mark.parametrize("breaker", ["\n", "\r\n", "\r", "\t", "\u2028", "\x0b"])
def test_text_cells_with_line_breaks_or_tabs_stay_on_their_row(breaker: str) -> None:
    """Defect: free text (an account name, a description, a party) may hold line breaks
    and tabs; a text table printed them as they were, so the row broke in two, the
    columns after it slid out of place, and a carriage return overwrote the start of
    the line in a terminal. A cell is one line: its breaks and tabs show as a space."""
    table = text_table(["Name", "Amount"], [[f"Line one{breaker}two", "5.00"],
                                           ["Cash", "10.00"]], "lr")
    assert table.splitlines() == ["Name          Amount",
                                  "------------  ------",
                                  "Line one two    5.00",
                                  "Cash           10.00"]


def test_a_report_of_an_account_named_on_two_lines_keeps_its_columns() -> None:
    bo = bc.Backoffice.open("memory://")
    bo.ledger.setup("X", currency="USD", chart="generic")
    bo.ledger.update_account("1110", name="Cash\non hand")
    _ = bo.ledger.post(bc.NewEntry(date(2026, 1, 5), "Sale\r\nto Bob",
                                   [bc.debit("1110", "5.00"), bc.credit("4100", "5.00")],
                                   reference="R\t1"))
    reports = bo.ledger.reports
    tb = reports.trial_balance().render("en_US")
    gl = reports.general_ledger("1110", date(2026, 1, 1), date(2026, 1, 31)).render("en_US")
    assert "\r" not in tb + gl and "\t" not in tb + gl
    assert tb.splitlines()[1:] == ["Code  Account        Debit  Credit",
                                   "----  -------------  -----  ------",
                                   "1110  Cash on hand    5.00",
                                   "4100  Sales revenue           5.00",
                                   "      Total           5.00    5.00"]
    assert "1/5/26  1      Sale to Bob      R 1         5.00             5.00" in gl
