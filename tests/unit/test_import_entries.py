"""``Ledger.import_entries`` (JSON lines through the boundary schema) and the bulk shortcut.

The import must post exactly what ``post_many`` posts for the same entries, refuse
every malformed entry with a typed error naming ``entries[n]`` and the field, and
change nothing when it refuses. The plain-line shortcut of the bulk path must
agree with the general posting rules on every entry.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import backoffice_core as bc
from backoffice_core.errors import (
    NotFoundError,
    PeriodClosedError,
    UnbalancedEntryError,
    ValidationError,
)
from backoffice_core.ledger.accounts import Account
from backoffice_core.ledger.entries import postings_text
from backoffice_core.ledger.posting import build_postings
from backoffice_core.ledger.shortcuts import plain_postings, text_postings

START = date(2026, 1, 1)


def _json(day: date, lines: list[tuple[str, str]], **extra: Any) -> str:
    return json.dumps({"date": day.isoformat(), "description": f"E {day}",
                       "lines": [{"account": a, "amount": v} for a, v in lines], **extra})


def _jsonl(n: int) -> list[str]:
    out = []
    for i in range(n):
        cents = 100 + i * 7
        amount = f"{cents // 100}.{cents % 100:02d}"
        out.append(_json(START + timedelta(days=i % 28),
                         [("1110", amount), ("4100", f"-{amount}")]))
    return out


def test_import_posts_what_post_many_posts(new_book: Any) -> None:
    texts = _jsonl(250)
    imported, posted = new_book(), new_book()
    got = imported.ledger.import_entries(texts, chunk=100)
    posted.ledger.post_many(
        bc.NewEntry(date.fromisoformat(o["date"]), o["description"],
                    [bc.Line(x["account"], x["amount"]) for x in o["lines"]])
        for o in map(json.loads, texts))
    assert [e.seq for e in got] == list(range(1, 251))
    assert imported.ledger.balances() == posted.ledger.balances()
    assert imported.ledger.entries() == posted.ledger.entries()  # same ids, clock, hashes
    assert imported.ledger.verify().ok


def test_import_takes_bytes_ints_memos_and_skips_blank_lines(bo: bc.Backoffice) -> None:
    texts = [_json(START, [("1110", 12), ("4100", -12)]).encode(), b"\n", "   ",
             json.dumps({"date": "2026-01-02", "description": "m", "reference": "R-1",
                         "idempotency_key": "k1",
                         "lines": [{"account": "1110", "amount": "1.50", "memo": "a"},
                                   {"account": "4100", "amount": "-1.50"}]})]
    got = bo.ledger.import_entries(texts)
    assert len(got) == 2
    assert bo.ledger.balance("1110") == bc.Money("13.50", "USD")
    assert got[1].postings[0].memo == "a" and got[1].reference == "R-1"
    # the idempotency key replays: a second import of the same line writes nothing
    again = bo.ledger.import_entries(texts[3:])
    assert again == [got[1]] and len(bo.ledger.entries()) == 2


def test_import_with_dimensions_rates_and_currencies(bo: bc.Backoffice) -> None:
    text = json.dumps({
        "date": "2026-01-03", "description": "fx", "dimensions": {"project": "P1"},
        "rates": {"EUR": "1.10"},
        "lines": [{"account": "1130", "amount": "10.00", "currency": "EUR",
                   "dimensions": {"department": "D2"}},
                  {"account": "4100", "amount": "-11.00"}]})
    (entry,) = bo.ledger.import_entries([text])
    assert (entry.postings[0].currency, entry.postings[0].functional) == ("EUR", 1100)
    assert dict(entry.postings[0].dimensions) == {"department": "D2", "project": "P1"}
    assert bo.ledger.balance("4100", dimension=("project", "P1")) == bc.Money("-11.00", "USD")
    assert bo.ledger.balance("1130", "EUR") == bc.Money("10.00", "EUR")
    assert bo.ledger.verify().ok


@pytest.mark.parametrize(("line", "field"), [
    ('{"date": "2026-01-05", "description": "x", "lines": [{"account": "1110", '
     '"amount": 1.5}, {"account": "4100", "amount": "-1.5"}]}', "entries[1].lines[0].amount"),
    ('{"date": "2026-01-05", "description": "x", "lines": [{"account": "1110", '
     '"amount": "1e3"}, {"account": "4100", "amount": "-1000"}]}', "entries[1].lines[0].amount"),
    ('{"date": "2026-01-05", "description": "x", "lines": [{"account": "1110", '
     '"amount": "NaN"}, {"account": "4100", "amount": "-1"}]}', "entries[1].lines[0].amount"),
    ('{"date": "2026-01-05T10:00", "description": "x", "lines": []}', "entries[1].date"),
    ('{"date": "2026-01-05", "description": "x", "colour": "red", "lines": []}',
     "entries[1].colour"),
    ('{"date": "2026-01-05", "description": 5, "lines": []}', "entries[1].description"),
    ('{"date": "2026-01-05", "description": "x", "lines": [{"account": "1110"}]}',
     "entries[1].lines[0].amount"),
    ('{"date": "2026-01-05", "description": "x", "idempotency_key": "", "lines": []}',
     "entries[1].idempotency_key"),
    ('not json', "entries[1]"),
])
def test_malformed_lines_are_refused_with_their_path_and_change_nothing(
        bo: bc.Backoffice, snapshot: Any, line: str, field: str) -> None:
    before = snapshot(bo)
    with pytest.raises(ValidationError) as info:
        bo.ledger.import_entries([_jsonl(1)[0], line, _jsonl(2)[1]])
    assert info.value.field == field
    assert snapshot(bo) == before


@pytest.mark.parametrize(("lines", "error", "field"), [
    ([("1110", "5.00"), ("4100", "-4.00")], UnbalancedEntryError, "entries[1001].totals.USD"),
    ([("1110", "5.001"), ("4100", "-5.001")], ValidationError, "entries[1001].lines[0].amount"),
    ([("9999", "5.00"), ("4100", "-5.00")], NotFoundError, "entries[1001].lines[0].account"),
    ([("1100", "5.00"), ("4100", "-5.00")], ValidationError, "entries[1001].lines[0].account"),
    ([("1110", "0"), ("4100", "0")], ValidationError, "entries[1001].lines[0].amount"),
])
def test_a_bad_entry_in_a_later_chunk_undoes_the_whole_import(
        bo: bc.Backoffice, snapshot: Any, lines: list[tuple[str, str]], error: type,
        field: str) -> None:
    before = snapshot(bo)
    texts = _jsonl(1001) + [_json(START, lines)] + _jsonl(3)
    with pytest.raises(error) as info:
        bo.ledger.import_entries(texts, chunk=500)
    assert info.value.field == field
    assert snapshot(bo) == before


def test_import_respects_closed_periods(bo: bc.Backoffice, snapshot: Any) -> None:
    bo.ledger.add_fiscal_year(bc.FiscalYear.monthly("FY2026", date(2026, 1, 1)))
    bo.ledger.close_period("FY2026", "2026-01")
    before = snapshot(bo)
    with pytest.raises(PeriodClosedError) as info:
        bo.ledger.import_entries([_json(date(2026, 2, 1), [("1110", "1"), ("4100", "-1")]),
                                  _json(date(2026, 1, 9), [("1110", "1"), ("4100", "-1")])])
    assert info.value.field == "entries[1].date"
    assert snapshot(bo) == before


def test_chunk_must_be_positive(bo: bc.Backoffice) -> None:
    with pytest.raises(ValidationError) as info:
        bo.ledger.import_entries([], chunk=0)
    assert info.value.field == "chunk"


# --------------------------------------------------------------- the plain shortcut
ACCOUNTS = {c: Account(c, c, t) for c, t in
            (("1110", "asset"), ("1120", "asset"), ("4100", "income"), ("5100", "expense"))}
PLAIN = set(ACCOUNTS)

line_values = st.one_of(
    st.decimals(min_value=Decimal("-1e6"), max_value=Decimal("1e6"), places=3,
                allow_nan=False, allow_infinity=False),
    st.decimals(min_value=Decimal("-1e4"), max_value=Decimal("1e4"), places=0,
                allow_nan=False, allow_infinity=False),
    st.integers(min_value=-10**6, max_value=10**6).map(lambda n: Decimal(n).scaleb(-5)),
    st.sampled_from([Decimal("1.500"), Decimal("-0.10"), Decimal("0.00"), Decimal("2.5000")]))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.sampled_from([*ACCOUNTS, "9999"]), line_values,
                          st.sampled_from(["", "memo", "a:b,c=d\\e"])), min_size=0, max_size=5),
       st.booleans(), st.sampled_from(["", "USD", "EUR"]))
def test_the_plain_shortcut_agrees_with_the_posting_rules(
        raw: list[tuple[str, Decimal, str]], balance_it: bool, money_in: str) -> None:
    """``money_in``: the lines' amounts as ``Money`` of that currency (the functional
    currency's is plain too; another one never is)."""
    if balance_it and raw:
        rest = -sum(v for _, v, _ in raw[:-1])
        raw[-1] = (raw[-1][0], rest, raw[-1][2])
    entry = bc.NewEntry(START, "x", [
        bc.Line(a, bc.Money(v, money_in) if money_in else v, memo=m,
                dimensions={"p": m} if m else None) for a, v, m in raw])
    fast = plain_postings(entry.lines, 2, "USD", PLAIN)
    try:
        full = build_postings(entry, "USD", ACCOUNTS.get, lambda c, d: None, None, set())
    except bc.BackofficeError:
        assert fast is None  # every refusal is left to the full rules, which raise
        return
    if fast is not None:
        assert list(fast[0]) == full
        assert fast[1] == postings_text(full)  # the chain hashes the same text


two_line_values = st.one_of(
    line_values,
    st.integers(min_value=-10**17, max_value=10**17).map(lambda n: Decimal(n).scaleb(-2)),
    st.tuples(st.integers(min_value=10**10, max_value=10**17 + 10), st.sampled_from([1, -1]))
    .map(lambda t: Decimal(t[0] * t[1]).scaleb(-2)),
    st.sampled_from([Decimal("1E+2"), Decimal("-5E-3"), Decimal("10.000"),
                     Decimal("1000000000000000.01"), Decimal("-0")]))


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.tuples(st.sampled_from([*ACCOUNTS, *ACCOUNTS, "9999"]), two_line_values,
                 st.sampled_from(["", "memo", "a:b,c=d\\e"]), st.sampled_from(["", "", "EUR"])),
       st.tuples(st.sampled_from([*ACCOUNTS, *ACCOUNTS, "9999"]), two_line_values,
                 st.sampled_from(["", "n"]), st.sampled_from(["", "USD", "EUR"])),
       st.sampled_from(["balanced", "negated", "free"]), st.sampled_from([False, False, True]))
def test_the_two_line_shortcut_agrees_with_the_posting_rules(
        first: tuple[str, Decimal, str, str], second: tuple[str, Decimal, str, str],
        how: str, rate: bool) -> None:
    """Two-line entries take an unrolled path (the second line priced as the first's
    negation): it gives what the rules give, and it prices every plain valid entry."""
    a, v, m, cur = first
    b, w, m2, cur2 = second
    if how == "balanced":
        w = -v
    elif how == "negated":  # equal value, another exponent
        w = (-v).quantize(Decimal("0.0001")) if abs(v) < 10**9 else -v
    lines = [bc.Line(a, bc.Money(v, cur) if cur else v, memo=m,
                     dimensions={"p": m} if m else None),
             bc.Line(b, bc.Money(w, cur2) if cur2 else w, memo=m2,
                     rate=Decimal("1.1") if rate else None)]
    entry = bc.NewEntry(START, "x", lines)
    fast = plain_postings(entry.lines, 2, "USD", PLAIN)
    try:
        full = build_postings(entry, "USD", ACCOUNTS.get, lambda c, d: None, None, set())
    except bc.BackofficeError:
        assert fast is None
        return
    plain_lines = (not rate and cur in ("", "USD") and cur2 in ("", "USD")
                   and a in PLAIN and b in PLAIN)
    if plain_lines:  # every plain valid entry takes the shortcut
        assert fast is not None
    if fast is not None:
        assert list(fast[0]) == full
        assert fast[1] == postings_text(full)


amount_texts = st.one_of(
    st.tuples(st.sampled_from(["", "-", "+"]), st.from_regex(r"[0-9]{1,8}", fullmatch=True),
              st.one_of(st.just(""), st.from_regex(r"\.[0-9]{1,6}", fullmatch=True)))
    .map("".join),
    st.integers(min_value=-10**6, max_value=10**6),
    st.sampled_from(["0", "-0.00", "1.10", "0.001", "5.000", "99999999999999999999",
                     "-1000000000000000.00", 10**16]))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.sampled_from(sorted(ACCOUNTS)), amount_texts,
                          st.sampled_from([None, "", "net", "a:b", "tab\there", "x\x1fy"])),
                min_size=0, max_size=5),
       st.booleans(), st.sampled_from([("USD", 2), ("JPY", 0), ("KWD", 3)]))
def test_the_import_shortcut_agrees_with_the_posting_rules(
        raw: list[tuple[str, str | int, str | None]], balance_it: bool,
        currency: tuple[str, int]) -> None:
    """What ``text_postings`` prices straight from the schema's text is what the rules
    make of the same entry as a ``NewEntry``; where the rules refuse, it leaves the entry
    to them (``None``). Nothing plain is left out: a valid entry is always priced."""
    code, digits = currency
    if balance_it and raw:
        rest = -sum(Decimal(v) for _, v, _ in raw[:-1])
        raw[-1] = (raw[-1][0], format(rest, "f"), raw[-1][2])
    lines = [{"account": a, "amount": v} | ({} if m is None else {"memo": m})
             for a, v, m in raw]
    fast = text_postings(lines, digits, code)
    try:
        entry = bc.NewEntry(START, "x", [bc.Line(a, Decimal(v), memo=m or "")
                                         for a, v, m in raw])
        full = build_postings(entry, code, ACCOUNTS.get, lambda c, d: None, None, set())
    except bc.BackofficeError:
        assert fast is None  # every refusal is left to the full rules, which raise
        return
    if any(m is not None and not m.isprintable() for _, _, m in raw):
        assert fast is None  # a tab passes the rules; the shortcut leaves it to them
        return
    assert fast is not None
    assert list(fast[0]) == full
    assert fast[1] == postings_text(full)  # the chain hashes the same text


def test_a_record_from_elsewhere_goes_through_the_full_rules(new_book: Any) -> None:
    """Only the import's own records are taken as priced: a record built by hand, with a
    text that does not match its postings or a currency the book cannot take as is, is
    posted (or refused) by the rules, never trusted."""
    from backoffice_core.ledger.entries import EntryRecord, Posting

    bo = new_book()
    odd = EntryRecord(START, "by hand", (Posting("1110", 500, "USD", 500),
                                         Posting("4100", -500, "USD", -500)), "not the text")
    (entry,) = bo.ledger.post_many([odd])  # type: ignore[list-item]
    assert [(p.account, p.amount) for p in entry.postings] == [("1110", 500), ("4100", -500)]
    assert bo.ledger.verify().ok  # hashed from the postings, not from the record's text
    foreign = EntryRecord(START, "by hand", (Posting("1110", 500, "EUR", 500),
                                             Posting("4100", -500, "EUR", -500)), "")
    with pytest.raises(ValidationError) as info:  # a EUR line needs a rate: the rules say so
        bo.ledger.post_many([foreign])  # type: ignore[list-item]
    assert info.value.field is not None and info.value.field.startswith("entries[0].")
    assert len(bo.ledger.entries()) == 1


def test_errors_list_names_the_entry_like_field() -> None:
    # a rule checked after the schema (the minor unit, a line's memo, the balance) once
    # left ``errors`` without ``entries[n]`` while ``field`` had it
    bo = bc.Backoffice.open("memory://")
    bo.ledger.setup("X", currency="USD", chart="generic")
    good = _json(START, [("1110", "1.00"), ("4100", "-1.00")])
    cases = [
        (_json(START, [("1110", "1.001"), ("4100", "-1.001")]), "entries[1].lines[0].amount"),
        (json.dumps({"date": "2026-01-02", "description": "x", "lines": [
            {"account": "1110", "amount": "1"},
            {"account": "4100", "amount": "-1", "memo": "a\x07"}]}), "entries[1].lines[1].memo"),
        (json.dumps({"date": "2026-01-02", "description": "x", "lines": [
            {"account": "1110", "amount": "1", "dimensions": {"p": "\x00"}},
            {"account": "4100", "amount": "-1"}]}), "entries[1].lines[0].dimensions.p"),
        (_json(START, [("1110", "1.00"), ("4100", "-2.00")]), "entries[1].totals.USD"),
    ]
    for text, path in cases:
        with pytest.raises(ValidationError) as info:
            bo.ledger.import_entries([good, text])
        assert info.value.field == path
        assert [p for p, _, _ in info.value.errors] == [path]
    assert bo.ledger.entries() == []
