"""``Ledger.import_entries`` on the SQL stores: the same books as in memory, all or none."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import pytest

import backoffice_core as bc
from backoffice_core.errors import NotFoundError, UnbalancedEntryError
from backoffice_core.ports import FixedClock, SequentialIds

START = date(2026, 1, 1)
CLOCK = FixedClock(datetime(2026, 2, 1, tzinfo=UTC))


def _texts(n: int) -> list[str]:
    out = []
    for i in range(n):
        cents = 100 + 13 * i
        amount = f"{cents // 100}.{cents % 100:02d}"
        lines = [{"account": "1110", "amount": amount},
                 {"account": "4100", "amount": f"-{amount}", "memo": f"m{i % 3}"}]
        extra = {"dimensions": {"project": f"P{i % 2}"}} if i % 5 == 0 else {}
        out.append(json.dumps({"date": (START + timedelta(days=i % 31)).isoformat(),
                               "description": f"Sale {i}", "lines": lines, **extra}))
    return out


def _key(b: bc.Balance) -> bc.BalanceKey:
    return b.key


def _book(url: str) -> bc.Backoffice:
    bo = bc.Backoffice.open(url, clock=CLOCK, ids=SequentialIds("e"))
    try:
        bo.ledger.settings()
    except NotFoundError:
        bo.ledger.setup("Import Co", currency="USD", chart="generic")
    return bo


def test_import_on_sql_equals_memory(url: str) -> None:
    texts = _texts(1200)
    sql, mem = _book(url), _book("memory://")
    assert len(sql.ledger.import_entries(texts, chunk=500)) == 1200
    mem.ledger.import_entries(texts, chunk=500)
    again = _book(url)  # a new store on the same database: what was committed
    assert sorted(again.ledger.balances(), key=_key) == sorted(mem.ledger.balances(), key=_key)
    assert sorted(again.ledger.balances(dimension="project"), key=_key) == \
        sorted(mem.ledger.balances(dimension="project"), key=_key)
    assert again.ledger.entries() == mem.ledger.entries()
    assert again.ledger.verify().ok


def test_a_bad_last_entry_leaves_the_database_as_it_was(url: str) -> None:
    bo = _book(url)
    bo.ledger.import_entries(_texts(3))
    bad = json.dumps({"date": "2026-01-05", "description": "bad", "lines": [
        {"account": "1110", "amount": "1.00"}, {"account": "4100", "amount": "-0.99"}]})
    with pytest.raises(UnbalancedEntryError) as info:
        bo.ledger.import_entries([*_texts(1500), bad], chunk=400)
    assert info.value.field == "entries[1500].totals.USD"
    again = _book(url)
    assert len(again.ledger.entries()) == 3
    assert again.ledger.verify().ok
