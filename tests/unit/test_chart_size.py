"""Posting does not read the whole chart: its cost does not grow with the number of accounts.

The memory and SQL repositories offer the optional ``has_children(code)``, so a post
asks about the accounts it touches only. A repository without it still works: the
service then reads the chart once per unit of work (the example adapter's case).
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

import backoffice_core as bc
from backoffice_core.adapters.memory import MemoryLedgerRepository
from backoffice_core.errors import ValidationError


def _sale(day: int = 2) -> bc.NewEntry:
    return bc.NewEntry(date(2026, 1, day), "Sale", [bc.debit("1110", "5.00"),
                                                     bc.credit("4100", "5.00")])


def test_a_post_reads_no_chart(bo: bc.Backoffice, monkeypatch: pytest.MonkeyPatch) -> None:
    for i in range(300):
        bo.ledger.open_account(f"9{i:04d}", f"Expense {i}", "expense", parent="6000"
                               if i % 2 else None)
    calls: list[int] = []
    original = MemoryLedgerRepository.list_accounts

    def counted(self: Any) -> Any:
        calls.append(1)
        return original(self)

    monkeypatch.setattr(MemoryLedgerRepository, "list_accounts", counted)
    bo.ledger.post(_sale())
    assert calls == []
    with pytest.raises(ValidationError) as info:  # a parent still refuses postings
        bo.ledger.post(bc.NewEntry(date(2026, 1, 3), "x", [bc.debit("6000", "1.00"),
                                                            bc.credit("4100", "1.00")]))
    assert info.value.field == "lines[0].account"
    assert calls == []


def test_without_has_children_the_chart_is_read(bo: bc.Backoffice,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delattr(MemoryLedgerRepository, "has_children")
    with pytest.raises(ValidationError) as info:
        bo.ledger.post(bc.NewEntry(date(2026, 1, 3), "x", [bc.debit("1100", "1.00"),
                                                            bc.credit("4100", "1.00")]))
    assert info.value.field == "lines[0].account"
    assert bo.ledger.post(_sale()).balance("1110") == bc.Money("5.00", "USD")

