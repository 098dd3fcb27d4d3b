"""Migration 0008: payment numbers unique per book, party codes unique ignoring case, and
numbering counters kept under a fiscal year's name moved to the period their pattern
prints.

Runs on SQLite and, with ``BACKOFFICE_TEST_POSTGRES_URL``, on PostgreSQL.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

import backoffice_core as bc
from backoffice_core.adapters.sql import SchemaError, SqlStore
from backoffice_core.adapters.sql.schema import head_revision
from backoffice_core.documents import Tax, line
from backoffice_core.errors import DuplicateError
from backoffice_core.ledger.periods import FiscalYear

BEFORE = "0007_party_code_unique"


def _retag(db: Any, table: str, row_id: str, old: str, new: str) -> None:
    body = db.run(f"SELECT body FROM {table} WHERE id = :i", i=row_id)[0][0]
    assert isinstance(body, str) and old in body
    db.run(f"UPDATE {table} SET body = :b WHERE id = :i", b=body.replace(old, new), i=row_id)


def test_migrating_fills_the_new_key_columns(url: str, db: Any) -> None:
    bo = db.book()
    docs = bo.documents
    acme = docs.create_party("Acme", code="ACME")
    docs.create_party("No code")
    paid = docs.record_payment(acme.id, bc.Money("5.00", "EUR"), date(2026, 2, 1))
    db.downgrade(BEFORE)
    assert "code_key" not in db.columns("documents_parties")
    SqlStore(url, migrate=True).dispose()
    assert db.version() == head_revision()
    assert db.run("SELECT code, code_key FROM documents_parties ORDER BY code") in (
        [("ACME", "acme"), (None, None)], [(None, None), ("ACME", "acme")])
    assert db.run("SELECT id, number FROM documents_payments") == [(paid.id, paid.number)]
    docs = bc.Backoffice.open(url, book="acme").documents
    with pytest.raises(DuplicateError) as info:
        docs.create_party("Copy", code="acme")
    assert info.value.field == "code"
    assert docs.party_by_code("Acme").id == acme.id


@pytest.mark.parametrize(("table", "old", "new", "named"), [
    ("documents_payments", "PAY-2026-00002", "PAY-2026-00001", "'PAY-2026-00001'"),
    ("documents_parties", '"C-2"', '"c-1"', "'C-1'"),
])
def test_migrating_refuses_shared_keys_and_changes_nothing(url: str, db: Any, table: str,
                                                           old: str, new: str,
                                                           named: str) -> None:
    docs = db.book().documents
    first = docs.create_party("A", code="C-1")
    second = docs.create_party("B", code="C-2")
    ids = [docs.record_payment(first.id, bc.Money("5.00", "EUR"), date(2026, 2, 1)).id
           for _ in "ab"]
    db.downgrade(BEFORE)
    row = ids[1] if table == "documents_payments" else second.id
    _retag(db, table, row, old, new)
    with pytest.raises(SchemaError) as info:
        SqlStore(url, migrate=True)
    message = str(info.value)
    assert named in message or named.lower() in message, message
    assert db.version() == BEFORE
    assert "code_key" not in db.columns("documents_parties")
    assert "number" not in db.columns("documents_payments")


def test_migrating_moves_counters_kept_under_a_fiscal_years_name(url: str, db: Any) -> None:
    """Before counters were keyed by the period a pattern prints, they were kept under
    the fiscal year's name. A fiscal year named after its last calendar year ("2027",
    from July 2026) printed INV-2026-... under the key "2027", while the key "2026" held
    the year before's count: after the upgrade the next INV-2026 number repeated one
    (refused as a duplicate for ever) and the next payment number too."""
    bo = db.book()
    bo.ledger.add_fiscal_year(FiscalYear.monthly("2026", date(2025, 7, 1)))
    bo.ledger.add_fiscal_year(FiscalYear.monthly("2027", date(2026, 7, 1)))
    docs = bo.documents
    acme = docs.create_party("Acme")

    def invoice(day: date) -> str:
        draft = docs.create_invoice(acme.id, day, [line("A", 1, "10.00", Tax.zero())])
        number = docs.issue(draft.id).number
        assert number is not None
        return number

    def pay(day: date) -> str:
        return docs.record_payment(acme.id, bc.Money("1.00", "EUR"), day).number

    assert invoice(date(2025, 8, 1)) == "INV-2025-00001"
    assert [invoice(date(2026, 8, d)) for d in (1, 2, 3)] == [
        f"INV-2026-0000{n}" for n in (1, 2, 3)]
    assert pay(date(2025, 8, 2)) == "PAY-2025-00001"
    assert [pay(date(2026, 8, 4)) for _ in "ab"] == ["PAY-2026-00001", "PAY-2026-00002"]
    db.downgrade(BEFORE)
    # the counters as the code before kept them: under each fiscal year's name
    db.run("DELETE FROM documents_counters")
    for series, key, value in (("sales_invoice", "2026", 1), ("sales_invoice", "2027", 3),
                               ("payment_in", "2026", 1), ("payment_in", "2027", 2)):
        db.run("INSERT INTO documents_counters (book, series, fiscal_year, value) "
               "VALUES ('acme', :s, :k, :v)", s=series, k=key, v=value)
    SqlStore(url, migrate=True).dispose()
    bo = bc.Backoffice.open(url, book="acme")
    docs = bo.documents
    assert invoice(date(2026, 9, 1)) == "INV-2026-00004"
    assert pay(date(2026, 9, 2)) == "PAY-2026-00003"
    assert invoice(date(2025, 9, 1)) == "INV-2025-00002"
    assert pay(date(2025, 9, 2)) == "PAY-2025-00002"


@pytest.mark.parametrize(("sql", "field"), [
    ("INSERT INTO documents_payments (book, id, party_id, pay_date, side, is_open, version,"
     " body, number) SELECT book, 'x', party_id, pay_date, side, is_open, version, body,"
     " number FROM documents_payments", "number"),
    ("INSERT INTO documents_parties (book, id, legal_name, archived, version, body, code,"
     " code_key) VALUES ('acme', 'x', 'X', false, 0, '{}', 'acme', 'acme')", "code"),
])
def test_the_unique_indexes_themselves_raise_duplicate_error(db: Any, sql: str,
                                                             field: str) -> None:
    docs = db.book().documents
    acme = docs.create_party("Acme", code="ACME")
    docs.record_payment(acme.id, bc.Money("5.00", "EUR"), date(2026, 2, 1))
    mapped = db.refused(sql)
    assert isinstance(mapped, DuplicateError) and mapped.field == field
