"""Property tests: the ledger's invariants hold for any input hypothesis can think of.

Each property builds fresh books per example through the session-scoped
``new_book`` factory (function-scoped fixtures do not mix with ``@given``).
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import backoffice_core as bc
from backoffice_core.errors import BackofficeError, UnbalancedEntryError
from backoffice_core.ledger import Balance, BalanceKey, EntryStatus, Line
from backoffice_core.money import allocate, from_minor, minor_digits, to_minor

NewBook = Callable[..., bc.Backoffice]
attrs_evolve = attrs.evolve

FAST = settings(max_examples=40, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
# whole operation sequences over fresh books: fewer, bigger examples
SEQUENCES = settings(FAST, max_examples=25)

# postable leaf accounts of the generic chart without limits or fixed currency
ACCOUNTS = ["1110", "1120", "1130", "1140", "2110", "3100", "4100", "5100", "6200", "6300"]
RATES = {"EUR": Decimal("1.0837"), "JPY": Decimal("0.0067"), "KWD": Decimal("3.2571")}
START = date(2026, 1, 1)

amounts = st.one_of(st.integers(min_value=1, max_value=10**9),
                    st.integers(min_value=-10**9, max_value=-1))
days = st.integers(min_value=0, max_value=89).map(lambda n: START + timedelta(days=n))
dims = st.one_of(st.just({}), st.fixed_dictionaries({"project": st.sampled_from(["P1", "P2"])}))


@st.composite
def balanced_groups(draw: st.DrawFn) -> list[tuple[str, str, int, dict[str, str]]]:
    """(account, currency, minor amount, dimensions) lines balancing per currency."""
    currencies = draw(st.lists(st.sampled_from(["USD", "EUR", "JPY", "KWD"]), min_size=1,
                               max_size=3, unique=True))
    lines: list[tuple[str, str, int, dict[str, str]]] = []
    for code in currencies:
        values = draw(st.lists(amounts, min_size=1, max_size=4))
        rest = -sum(values)
        if rest:
            values.append(rest)
        for v in values:
            lines.append((draw(st.sampled_from(ACCOUNTS)), code, v, draw(dims)))
    return draw(st.permutations(lines))


def to_entry(day: date, lines: list[tuple[str, str, int, dict[str, str]]],
             description: str = "prop") -> bc.NewEntry:
    codes = {c for _, c, _, _ in lines if c != "USD"}
    return bc.NewEntry(day, description,
                       [Line(acc, from_minor(v, c), dimensions=d) for acc, c, v, d in lines],
                       rates={c: RATES[c] for c in codes})


entries = st.builds(to_entry, days, balanced_groups())


def net_by_key(balances: list[Balance]) -> dict[BalanceKey, tuple[int, int]]:
    """key -> (net, functional), leaving out keys that are zero on both."""
    return {b.key: (b.net, b.functional) for b in balances if b.net or b.functional}


def everything(bo: bc.Backoffice) -> dict[str, Any]:
    led = bo.ledger
    out: dict[str, Any] = {"": net_by_key(led.balances()),
                           "project": net_by_key(led.balances(dimension="project"))}
    for offset in (0, 15, 30, 59, 89):
        d = START + timedelta(days=offset)
        out[d.isoformat()] = net_by_key(led.balances(as_of=d))
    return out


def assert_trial_balance_is_zero(bo: bc.Backoffice) -> None:
    per_currency: dict[str, int] = {}
    functional = 0
    for b in bo.ledger.balances():
        per_currency[b.key.currency] = per_currency.get(b.key.currency, 0) + b.net
        functional += b.functional
    assert all(v == 0 for v in per_currency.values()), per_currency
    assert functional == 0


# ---------------------------------------------------------------- every accepted entry balances
@FAST
@given(lines=balanced_groups(), day=days)
def test_every_accepted_entry_balances_per_currency(new_book: NewBook, lines: Any,
                                                    day: date) -> None:
    bo = new_book()
    stored = bo.ledger.post(to_entry(day, lines)).entry
    sums: dict[str, int] = {}
    for p in stored.postings:
        assert p.amount or p.functional
        sums[p.currency] = sums.get(p.currency, 0) + p.amount
    assert set(sums.values()) == {0}
    assert sum(p.functional for p in stored.postings) == 0
    given_total: dict[tuple[str, str], int] = {}
    for acc, code, v, _ in lines:
        given_total[(acc, code)] = given_total.get((acc, code), 0) + v
    for (acc, code), v in given_total.items():
        if acc != "3500":
            assert bo.ledger.balance_detail(acc, code).net == v
    assert_trial_balance_is_zero(bo)
    assert bo.ledger.verify().ok


@FAST
@given(lines=balanced_groups(), day=days, nudge=amounts, data=st.data())
def test_unbalanced_entries_are_rejected_and_change_nothing(
        new_book: NewBook, snapshot: Callable[[bc.Backoffice], Any], lines: Any, day: date,
        nudge: int, data: st.DataObject) -> None:
    bo = new_book()
    bo.ledger.post(to_entry(START, [("1120", "USD", 100, {}), ("3100", "USD", -100, {})]))
    i = data.draw(st.integers(min_value=0, max_value=len(lines) - 1))
    acc, code, v, d = lines[i]
    assume(v + nudge != 0)
    broken = [*lines[:i], (acc, code, v + nudge, d), *lines[i + 1:]]
    before = snapshot(bo)
    with pytest.raises(UnbalancedEntryError):
        bo.ledger.post(to_entry(day, broken))
    with pytest.raises(UnbalancedEntryError):
        bo.ledger.post_many([to_entry(day, lines), to_entry(day, broken)])
    assert snapshot(bo) == before
    assert bo.ledger.verify().ok


CORRUPTIONS = ["unknown account", "parent account", "zero amount", "sub-minor amount",
               "single line", "missing rate", "archived account"]


@FAST
@given(lines=balanced_groups(), day=days, how=st.sampled_from(CORRUPTIONS), data=st.data())
def test_any_rejected_entry_changes_nothing(
        new_book: NewBook, snapshot: Callable[[bc.Backoffice], Any], lines: Any, day: date,
        how: str, data: st.DataObject) -> None:
    bo = new_book()
    bo.ledger.open_account("1199", "Old till", "asset", parent="1100")
    bo.ledger.archive_account("1199")
    bo.ledger.post(to_entry(START, [("1120", "USD", 100, {"project": "P1"}),
                                    ("3100", "USD", -100, {})]))
    i = data.draw(st.integers(min_value=0, max_value=len(lines) - 1))
    acc, code, v, d = lines[i]
    bad: list[Line] = [Line(a, from_minor(x, c), dimensions=dd) for a, c, x, dd in lines]
    rates = {c: RATES[c] for _, c, _, _ in lines if c != "USD"}
    money = from_minor(v, code)
    if how == "unknown account":
        bad[i] = Line("9999", money)
    elif how == "parent account":
        bad[i] = Line("1100", money)
    elif how == "archived account":
        bad[i] = Line("1199", money)
    elif how == "zero amount":
        bad.insert(i, Line(acc, bc.Money(0, code)))
    elif how == "sub-minor amount":
        bad.insert(i, Line(acc, bc.Money(Decimal(1).scaleb(-minor_digits(code) - 1), code)))
        bad.insert(i, Line(acc, bc.Money(Decimal(-1).scaleb(-minor_digits(code) - 1), code)))
    elif how == "single line":
        bad = bad[i:i + 1]
    else:
        assume(code != "USD")
        rates.pop(code)
    entry = bc.NewEntry(day, "bad", bad, rates=rates)
    before = snapshot(bo)
    with pytest.raises(BackofficeError):
        bo.ledger.post(entry)
    with pytest.raises(BackofficeError):
        bo.ledger.post_many([to_entry(day, lines), entry])
    with pytest.raises(BackofficeError):
        bo.ledger.hold(entry)
    assert snapshot(bo) == before
    assert bo.ledger.verify().ok


@FAST
@given(entry=entries, other=entries,
       # valid keys: no control character, U+FFFE/U+FFFF or unpaired surrogate (refused, as
       # tests/unit/test_text_rules.py shows)
       key=st.text(st.characters(exclude_categories=("Cc", "Cs"),
                                 exclude_characters="\ufffe\uffff"), min_size=1, max_size=20))
def test_a_replayed_key_writes_nothing(new_book: NewBook,
                                       snapshot: Callable[[bc.Backoffice], Any],
                                       entry: bc.NewEntry, key: str, other: bc.NewEntry) -> None:
    bo = new_book()
    keyed = attrs_evolve(entry, idempotency_key=key)
    first = bo.ledger.post(keyed)
    before = snapshot(bo)
    again = bo.ledger.post(keyed)
    assert (again.created, again.entry) == (False, first.entry)
    assert bo.ledger.post_many([keyed]) == [first.entry]
    assert snapshot(bo) == before
    clash = attrs_evolve(other, idempotency_key=key)
    if clash.lines != keyed.lines or clash.date != keyed.date:
        with pytest.raises(bc.IdempotencyConflictError):
            bo.ledger.post(clash)
        assert snapshot(bo) == before


# ---------------------------------------------------------------- trial balance
OPS = st.lists(st.tuples(st.sampled_from(["post", "post", "reverse", "hold", "post_pending",
                                          "partial", "void", "expire", "post_many"]),
                         entries, st.integers(min_value=0, max_value=10**6)),
               min_size=1, max_size=12)


def run_ops(bo: bc.Backoffice, ops: list[tuple[str, bc.NewEntry, int]]) -> None:
    led = bo.ledger
    posted: list[str] = []
    for op, new, pick in ops:
        pending = led.pending()
        if op == "post":
            posted.append(led.post(new).entry.id)
        elif op == "post_many":
            posted.extend(e.id for e in led.post_many([new, new]))
        elif op == "hold":
            led.hold(new, timeout=timedelta(days=1 + pick % 3))
        elif op == "reverse" and posted:
            target = posted.pop(pick % len(posted))
            on, original = new.date, led.entry(target).date
            if on < original:  # refused, naming the date: reversed on its own day instead
                with pytest.raises(bc.ValidationError) as err:
                    led.reverse(target, on=on)
                assert (err.value.field, err.value.value) == ("on", on)
                on = original
            posted.append(led.reverse(target, on=on).entry.id)
        elif op in ("post_pending", "partial", "void") and pending:
            held = pending[pick % len(pending)]
            try:
                if op == "void":
                    led.void_pending(held.id)
                elif op == "post_pending":
                    posted.append(led.post_pending(held.id).entry.id)
                elif len(held.postings) == 2:
                    a = held.postings[0]
                    part = from_minor(1 + pick % abs(a.amount), a.currency)
                    posted.append(led.post_pending(held.id, amount=part).entry.id)
            except bc.PendingEntryError:  # expired by an earlier clock advance
                assert held.expires_at is not None
                assert held.expires_at <= bo.clock.now()
        elif op == "expire":
            assert isinstance(bo.clock, bc.FixedClock)
            bo.clock.advance(timedelta(hours=1 + pick % 72))
            led.expire_pending()


@SEQUENCES
@given(ops=OPS)
def test_trial_balance_is_zero_after_any_sequence(new_book: NewBook, ops: Any) -> None:
    bo = new_book()
    run_ops(bo, ops)
    assert_trial_balance_is_zero(bo)
    for d in (START, START + timedelta(days=45), START + timedelta(days=89)):
        per_currency: dict[str, int] = {}
        for b in bo.ledger.balances(as_of=d):
            per_currency[b.key.currency] = per_currency.get(b.key.currency, 0) + b.net
        assert set(per_currency.values()) <= {0}
    pending_dr: dict[str, int] = {}
    for b in bo.ledger.balances():
        pending_dr[b.key.currency] = (pending_dr.get(b.key.currency, 0)
                                      + b.pending_debits - b.pending_credits)
    assert set(pending_dr.values()) <= {0}
    report = bo.ledger.verify()
    assert report.ok, report.problems


# ---------------------------------------------------------------- reversal
@SEQUENCES
@given(history=st.lists(entries, max_size=5), target=entries, on=days)
def test_reversal_restores_every_balance(new_book: NewBook, history: Any, target: Any,
                                         on: date) -> None:
    bo = new_book()
    for e in history:
        bo.ledger.post(e)
    before = net_by_key(bo.ledger.balances())
    before_dims = net_by_key(bo.ledger.balances(dimension="project"))
    posted = bo.ledger.post(target).entry
    if on < posted.date:  # never dated before what it reverses: refused, nothing written
        entries = bo.ledger.entries()
        with pytest.raises(bc.ValidationError) as err:
            bo.ledger.reverse(posted.id, on=on)
        assert (err.value.field, err.value.value) == ("on", on)
        assert bo.ledger.entries() == entries
        on = posted.date
    bo.ledger.reverse(posted.id, on=on)
    assert net_by_key(bo.ledger.balances()) == before
    assert net_by_key(bo.ledger.balances(dimension="project")) == before_dims
    late = START + timedelta(days=365)
    assert net_by_key(bo.ledger.balances(as_of=late)) == before
    assert bo.ledger.verify().ok


# ---------------------------------------------------------------- order independence
@SEQUENCES
@given(batch=st.lists(entries, min_size=1, max_size=8), seed=st.integers(0, 2**32 - 1),
       bulk=st.booleans())
def test_posting_order_does_not_change_final_balances(new_book: NewBook, batch: Any,
                                                      seed: int, bulk: bool) -> None:
    first = new_book()
    second = first.with_book("shuffled")
    second.ledger.setup("Shuffled", currency="USD", chart="generic")
    for e in batch:
        first.ledger.post(e)
    shuffled = list(batch)
    random.Random(seed).shuffle(shuffled)
    if bulk:
        second.ledger.post_many(shuffled)
    else:
        for e in shuffled:
            second.ledger.post(e)
    assert everything(first) == everything(second)
    assert second.ledger.verify().ok


# ---------------------------------------------------------------- allocation
ratio = st.one_of(st.integers(0, 1000), st.decimals(min_value=0, max_value=100, places=3,
                                                     allow_nan=False, allow_infinity=False))


@settings(max_examples=100, deadline=None)
@given(minor=st.integers(min_value=-10**15, max_value=10**15),
       code=st.sampled_from(["USD", "JPY", "KWD", "EUR", "HUF"]),
       parts=st.one_of(st.integers(1, 50), st.lists(ratio, min_size=1, max_size=20)))
def test_allocation_never_loses_or_invents_a_minor_unit(minor: int, code: str,
                                                        parts: Any) -> None:
    ratios = [Decimal(1)] * parts if isinstance(parts, int) else [Decimal(r) for r in parts]
    assume(sum(ratios) > 0)
    total = from_minor(minor, code)
    shares = allocate(total, parts)
    assert len(shares) == len(ratios)
    assert all(s.code == code for s in shares)
    assert sum(to_minor(s) for s in shares) == minor
    weight = sum(ratios)
    for s, r in zip(shares, ratios, strict=True):
        exact = Decimal(minor) * r / weight
        assert abs(Decimal(to_minor(s)) - exact) < 1  # within one minor unit of its share
        assert to_minor(s) * minor >= 0  # never the wrong sign
        if r == 0:
            assert to_minor(s) == 0
    assert minor_digits(code) >= 0


# ---------------------------------------------------------------- as-of balances
@SEQUENCES
@given(ops=OPS, probes=st.lists(days, min_size=1, max_size=4))
def test_balance_as_of_equals_the_sum_of_lines_up_to_that_date(new_book: NewBook, ops: Any,
                                                               probes: Any) -> None:
    bo = new_book()
    run_ops(bo, ops)
    journal = [e for e in bo.ledger.entries() if e.status is EntryStatus.POSTED]
    for probe in [*probes, START - timedelta(days=1)]:
        expected: dict[BalanceKey, list[int]] = {}
        for e in journal:
            if e.date > probe:
                continue
            for p in e.postings:
                row = expected.setdefault(BalanceKey(p.account, p.currency), [0, 0, 0])
                row[0] += p.amount if p.amount > 0 else 0
                row[1] += -p.amount if p.amount < 0 else 0
                row[2] += p.functional
        got = {b.key: [b.debits, b.credits, b.functional]
               for b in bo.ledger.balances(as_of=probe) if b.debits or b.credits or b.functional}
        assert got == {k: v for k, v in expected.items() if any(v)}
        for key, (dr, cr, _) in expected.items():
            assert bo.ledger.balance(key.account, key.currency, as_of=probe,
                                     rollup=False) == from_minor(dr - cr, key.currency)


def test_strategies_produce_what_they_promise() -> None:
    """Guard against a strategy that silently degenerates (every entry one currency...)."""
    seen: set[int] = set()

    @settings(max_examples=60, deadline=None, database=None)
    @given(balanced_groups())
    def probe(lines: Any) -> None:
        seen.add(len({c for _, c, _, _ in lines}))
        for code in {c for _, c, _, _ in lines}:
            assert sum(v for _, c, v, _ in lines if c == code) == 0
            assert sum(1 for _, c, _, _ in lines if c == code) >= 2

    probe()
    assert seen >= {1, 2}


def test_failed_posts_inside_the_sequence_never_escape(new_book: NewBook) -> None:
    """run_ops swallows only expired-hold errors; anything else is a failure of the property."""
    bo = new_book()
    with pytest.raises(BackofficeError):
        run_ops(bo, [("post", bc.NewEntry(START, "bad", [bc.debit("1110", "1")]), 0)])
