"""A stateful hunt: random sequences of ledger operations on two adapters and a model.

The same sequence runs against a ``memory://`` book and an in-memory SQLite book
(same clock, same id sequence), next to a small model: the posted lines and the open
holds, plus what the model knows of periods, rates, limits and idempotency keys.
Each rule predicts, where the rules are plain enough to say, whether the operation
is refused and with which error; both adapters must agree with each other, and
with the prediction. After every step: ``verify()`` is clean on both books, the
trial balance is zero per currency, and every balance (current, as of dates, by
dimension, pending) equals the model's and is the same on both adapters. A rule
that raised changed nothing on either book.
"""

from __future__ import annotations

import decimal
import itertools
import json
import os
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import attrs
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

import backoffice_core as bc
from backoffice_core.errors import (
    AccountInactiveError,
    BackofficeError,
    DuplicateError,
    IdempotencyConflictError,
    LimitExceededError,
    NotFoundError,
    PendingEntryError,
    PeriodClosedError,
    UnbalancedEntryError,
    ValidationError,
)
from backoffice_core.ledger import EntryKind, EntryStatus
from backoffice_core.ledger.posting import convert_minor
from backoffice_core.money import from_minor

START = date(2026, 1, 1)
USD_ACCOUNTS = ["1110", "1120", "1140", "3100", "4100", "6200", "1190", "2190"]
EUR_ACCOUNTS = ["1130", "2110", "4110"]
MONETARY = ["1130", "2110"]  # revalued (asset, liability)
LIMITS = {"1190": "credits_must_not_exceed_debits", "2190": "debits_must_not_exceed_credits"}
INCOME_EXPENSE = {"4100", "4110", "6200", "7200", "7300", "8200", "8300"}
RATES = [Decimal("1.0850"), Decimal("1.1"), Decimal("0.9731")]
INVERSE = decimal.Context(prec=28, rounding=decimal.ROUND_HALF_EVEN)  # as the ledger divides
FAULTS = [None, None, None, "unbalanced", "unknown", "parent", "late"]

days = st.integers(min_value=0, max_value=89).map(lambda n: START + timedelta(days=n))
minor = st.integers(min_value=1, max_value=50_000)
Key = tuple[str, str, str, str]  # account, currency, dimension, value
Outcome = tuple[str, Any]  # ("ok", result) or ("err", (type, field))
_BOOKS = itertools.count(1)  # a new PostgreSQL book per example


def _snap(bo: bc.Backoffice) -> Any:
    led = bo.ledger
    return (led.entries(), led.pending(), sorted((b.key, b) for b in led.balances()),
            sorted((b.key, b) for b in led.balances(dimension="project")),
            led.fiscal_years(), led.accounts())


def _json(entry: bc.NewEntry) -> str:
    """``entry`` as a line of an import file."""
    lines = []
    for ln in entry.lines:
        assert isinstance(ln.amount, bc.Money)
        line: dict[str, Any] = {"account": ln.account, "amount": str(ln.amount.amount)}
        if ln.amount.code != "USD":
            line["currency"] = ln.amount.code
        if ln.dimensions:
            line["dimensions"] = dict(ln.dimensions)
        lines.append(line)
    out: dict[str, Any] = {"date": entry.date.isoformat(), "description": entry.description,
                           "lines": lines}
    if entry.idempotency_key is not None:
        out["idempotency_key"] = entry.idempotency_key
    if entry.dimensions:
        out["dimensions"] = dict(entry.dimensions)
    if entry.rates:
        out["rates"] = {c: str(r) for c, r in entry.rates.items()}
    return json.dumps(out)


def _in_force(entry: bc.JournalEntry, reversal: bc.JournalEntry) -> bool:
    """Whether ``entry`` less its (partial) ``reversal`` still moves a balance."""
    net: dict[tuple[Any, ...], list[int]] = {}
    for e in (entry, reversal):
        for p in e.postings:
            row = net.setdefault((p.account, p.currency, p.dimensions), [0, 0])
            row[0] += p.amount
            row[1] += p.functional
    return any(a or f for a, f in net.values())


class LedgerMachine(RuleBasedStateMachine):
    pg: Any = None  # a PostgreSQL store: a third book on it (LedgerMachinePostgres)

    def __init__(self) -> None:
        super().__init__()
        self.clock = bc.FixedClock(datetime(2026, 1, 31, tzinfo=UTC))
        self.books = [bc.Backoffice.open(url, clock=self.clock, ids=bc.SequentialIds("e"))
                      for url in ("memory://", "sqlite://")]
        if self.pg is not None:
            self.books.append(bc.Backoffice(self.pg, book=f"m{next(_BOOKS)}",
                                            clock=self.clock, ids=bc.SequentialIds("e")))
        for bo in self.books:
            bo.ledger.setup("Machine Co", currency="USD", chart="generic")
            bo.ledger.open_account("1190", "Limited asset", "asset", parent="1100",
                                   limit=LIMITS["1190"])
            bo.ledger.open_account("2190", "Limited liability", "liability", parent="2100",
                                   limit=LIMITS["2190"])
        self.seq = 0
        self.lines: list[tuple[date, Key, int, int]] = []  # posted: day, key, amount, fn
        self.holds: dict[str, bc.JournalEntry] = {}
        self.resolved: set[str] = set()
        self.posted: list[bc.JournalEntry] = []  # reversible entries
        self.closings: set[str] = set()  # year-end closing entries
        self.reversed: set[str] = set()
        self.by_id: dict[str, bc.JournalEntry] = {}
        self.late: dict[str, bc.JournalEntry] = {}  # revaluation -> its reversal
        self.undone: set[str] = set()  # revaluations undone despite that reversal
        self.final: set[str] = set()  # the two entries of such an undo: never reversed
        self.keys: dict[str, tuple[str, Any]] = {}  # key -> (what, content)
        self.rates: dict[tuple[date, bool], Decimal] = {}  # (day, direct): EUR in USD
        self.year: dict[str, str] | None = None  # period name -> state, once FY2026 exists
        self.year_closed = False
        self.closed_by_closing: set[str] = set()  # periods the year-end close closed
        self.n_keys = 0
        self.archived: set[str] = set()
        self.key_ids: dict[str, str] = {}
        self.limits = dict(LIMITS)  # account -> its limit, when it has one

    # ------------------------------------------------------------------ plumbing
    def both(self, op: Callable[[bc.Backoffice], Any], expect: Any = "?") -> Outcome:
        """Run ``op`` on both books; same outcome on both; a refusal changes nothing.

        ``expect``: an error type the model predicts, None for success, "?" unknown.
        """
        outcomes: list[Outcome] = []
        for bo in self.books:
            before = _snap(bo)
            try:
                outcomes.append(("ok", op(bo)))
            except BackofficeError as err:
                outcomes.append(("err", (type(err), err.field)))
                assert _snap(bo) == before, f"a refused {err!r} changed the book"
        (k0, v0) = outcomes[0]
        for other in outcomes[1:]:  # memory against SQLite (and PostgreSQL)
            assert other[0] == k0, f"memory {outcomes[0]} vs {other}"
            if k0 == "err":
                assert other[1] == v0, f"memory {v0} vs {other[1]}"
        if k0 == "err":
            if expect != "?":
                assert expect is not None, f"model expected success, got {v0}"
                assert issubclass(v0[0], expect), f"expected {expect.__name__}, got {v0}"
        else:
            assert expect in ("?", None), f"expected {expect}, the book accepted it"
            self._absorb()
        return outcomes[0]

    def _absorb(self) -> None:
        """Take the entries just written into the model, after checking both books agree."""
        new = [[e for e in bo.ledger.entries() if e.seq > self.seq] for bo in self.books]
        mem, *sql = (sorted(entries, key=lambda e: e.seq) for entries in new)
        assert all(s == mem for s in sql)
        for e in mem:
            if e.status is EntryStatus.PENDING:
                self.holds[e.id] = e
                continue
            if e.kind in (EntryKind.PENDING_POST, EntryKind.PENDING_VOID,
                          EntryKind.PENDING_EXPIRE):
                assert e.related in self.holds and e.related not in self.resolved
                self.resolved.add(e.related)
            self.by_id[e.id] = e
            if e.kind is EntryKind.REVERSAL and e.related is not None:
                self.reversed.add(e.related)
                undone = self.by_id[e.related]
                if undone.kind is EntryKind.REVALUATION:
                    self.late[undone.id] = e
                elif undone.kind is EntryKind.REVERSAL and undone.related in self.undone:
                    self.final.add(e.id)  # the reversal of the undone one's reversal
            if e.kind is EntryKind.REVALUATION and e.related is not None:
                self.undone.add(e.related)  # the mirror that undoes it
                self.final.add(e.id)
            if e.kind is EntryKind.CLOSING:
                self.closings.add(e.id)
            # a closing and its reopening are undone by the year's close and reopen only
            elif e.postings and e.related not in self.closings:
                self.posted.append(e)
            for p in e.postings:
                for dim, val in (("", ""), *p.dimensions):
                    self.lines.append((e.date, (p.account, p.currency, dim, val), p.amount,
                                       p.functional))
        self.seq = max([self.seq, *(e.seq for e in mem)])

    def period_state(self, day: date) -> str:
        """'open', 'closed', 'locked' or 'none' (a date no fiscal year covers)."""
        if self.year is None:
            return "open"
        if not date(2026, 1, 1) <= day <= date(2026, 12, 31):
            return "none"
        return self.year[day.strftime("%Y-%m")]

    def rate_on(self, day: date) -> Decimal | None:
        """The EUR/USD rate recorded last on or before ``day``, either way round."""
        found = [k for k in self.rates if k[0] <= day]
        return self.rates[max(found)] if found else None

    def totals(self, upto: date | None = None) -> dict[Key, list[int]]:
        """key -> [debits, credits, functional] of the posted lines (up to a day)."""
        out: dict[Key, list[int]] = {}
        for day, key, amount, fn in self.lines:
            if upto is None or day <= upto:
                row = out.setdefault(key, [0, 0, 0])
                row[0 if amount > 0 else 1] += abs(amount)
                row[2] += fn
        return out

    def pending_totals(self) -> dict[Key, list[int]]:
        out: dict[Key, list[int]] = {}
        for hid, held in self.holds.items():
            if hid in self.resolved:
                continue
            for p in held.postings:
                for dim, val in (("", ""), *p.dimensions):
                    row = out.setdefault((p.account, p.currency, dim, val), [0, 0])
                    row[0 if p.amount > 0 else 1] += abs(p.amount)
        return out

    def breaks_limit(self, changes: list[tuple[str, int, int]]) -> bool:
        """Would (account, posted amount, pending amount) changes break a USD limit?"""
        touched = {a for a, _, _ in changes if a in self.limits}
        posted, pending = self.totals(), self.pending_totals()
        for acc in touched:
            dr, cr, _ = posted.get((acc, "USD", "", ""), [0, 0, 0])
            pdr, pcr = pending.get((acc, "USD", "", ""), [0, 0])
            for a, amount, held in changes:
                if a == acc:
                    dr, cr = dr + max(amount, 0), cr + max(-amount, 0)
                    pdr, pcr = pdr + max(held, 0), pcr + max(-held, 0)
            if self.limits[acc].startswith("debits") and dr + pdr > cr:
                return True
            if self.limits[acc].startswith("credits") and cr + pcr > dr:
                return True
        return False

    # ------------------------------------------------------------------ entry generation
    def draw_entry(self, data: st.DataObject, fault: str | None) -> tuple[bc.NewEntry, Any]:
        """A NewEntry and the model's prediction (error type, None, or '?')."""
        day = data.draw(days if fault != "late" else st.just(date(2027, 2, 1)))
        shape = data.draw(st.sampled_from(["usd", "usd", "eur", "cross"]))
        dims = data.draw(st.sampled_from([{}, {"project": "P1"}, {"project": "P2"}]))
        lines: list[bc.Line] = []
        changes: list[tuple[str, int, int]] = []
        rates: dict[str, Decimal] = {}
        if shape == "usd":
            amounts = data.draw(st.lists(minor, min_size=1, max_size=3))
            signs = data.draw(st.sampled_from([1, -1]))
            accs = data.draw(st.lists(st.sampled_from(USD_ACCOUNTS), min_size=len(amounts) + 1,
                                      max_size=len(amounts) + 1))
            values = [signs * a for a in amounts] + [-signs * sum(amounts)]
        else:
            a = data.draw(minor)
            rate = data.draw(st.sampled_from(RATES))
            if data.draw(st.booleans()) or self.rate_on(day) is None:
                rates = {"EUR": rate}
            eur_acc = data.draw(st.sampled_from(EUR_ACCOUNTS))
            if shape == "eur":
                b = data.draw(minor)
                accs = [eur_acc, data.draw(st.sampled_from(EUR_ACCOUNTS)), "1110", "4100"]
                values = [a, -a, b, -b]
            else:
                fn = convert_minor(a, "EUR", rates.get("EUR") or self.rate_on(day) or rate,
                                   "USD")
                accs, values = [eur_acc, data.draw(st.sampled_from(["4100", "1120"]))], [a, -fn]
        for i, (acc, v) in enumerate(zip(accs, values, strict=True)):
            code = "EUR" if acc in EUR_ACCOUNTS else "USD"
            lines.append(bc.Line(acc, from_minor(v, code), dimensions=dims if i % 2 else {}))
            changes.append((acc, v if code == "USD" else 0, 0))
        expect: Any = None
        if fault == "unbalanced":
            last = lines[-1]
            assert isinstance(last.amount, bc.Money)
            nudge = bc.Money("0.01" if last.amount.amount > 0 else "-0.01", last.amount.code)
            lines[-1] = bc.Line(last.account, last.amount + nudge, dimensions=last.dimensions)
            expect = UnbalancedEntryError
        elif fault in ("unknown", "parent"):
            i = data.draw(st.integers(0, len(lines) - 1))
            lines[i] = bc.Line("9999" if fault == "unknown" else "1100", lines[i].amount)
            expect = NotFoundError if fault == "unknown" else ValidationError
        on_entry = data.draw(st.sampled_from([{}, {}, {"project": "P3"}]))
        entry = bc.NewEntry(day, "machine", lines, rates=rates, dimensions=on_entry)
        if any(ln.account in self.archived for ln in lines):
            expect = "?" if expect else AccountInactiveError
        if expect is None and self.period_state(day) != "open":
            expect = PeriodClosedError
        return entry, (expect, changes)

    def with_limits(self, expect: Any, changes: list[tuple[str, int, int]]) -> Any:
        """The prediction once limits are checked (after every other rule)."""
        return LimitExceededError if expect is None and self.breaks_limit(changes) else expect

    def new_key(self) -> str:
        self.n_keys += 1
        return f"k{self.n_keys}"

    # ------------------------------------------------------------------ rules
    @rule(data=st.data(), fault=st.sampled_from(FAULTS),
          reuse=st.sampled_from(["none", "none", "new", "same", "other"]))
    def post(self, data: st.DataObject, fault: str | None, reuse: str) -> None:
        entry, (expect, changes) = self.draw_entry(data, fault)
        expect = self.with_limits(expect, changes)
        old = [k for k, (what, _) in self.keys.items() if what == "post"]
        if reuse == "same" and old:
            key = data.draw(st.sampled_from(old))
            first = self.keys[key][1]
            # a retry replays, whatever the rate table says of its day now
            _, got = self.both(lambda bo: bo.ledger.post(first), None)
            assert (got.entry.id, got.created) == (self.key_ids[key], False)
            return
        key = None if reuse == "none" else self.new_key()
        if reuse == "other" and self.keys:
            key = data.draw(st.sampled_from(sorted(self.keys)))
            expect = IdempotencyConflictError if expect in (
                None, PeriodClosedError, LimitExceededError, AccountInactiveError) else expect
            if self.keys[key] == ("post", attrs.evolve(entry, idempotency_key=key)):
                expect = None  # drawn twice alike: the same entry under its key replays
        entry = attrs.evolve(entry, idempotency_key=key)
        kind, got = self.both(lambda bo: bo.ledger.post(entry), expect)
        if kind == "ok" and key is not None:
            self.keys[key] = ("post", entry)
            self.key_ids[key] = got.entry.id
        if kind == "ok":
            ours = [p for p in got.entry.postings if p.account != "3500"]
            assert [(p.account, p.amount) for p in ours] == [
                (ln.account, ln.amount.to_minor() if isinstance(ln.amount, bc.Money) else None)
                for ln in entry.lines]

    @rule(data=st.data(), size=st.integers(1, 4), bad=st.sampled_from([None, None, 0, 1, 3]),
          via=st.sampled_from(["post_many", "import_entries"]), keyed=st.booleans(),
          replay=st.booleans())
    def post_many(self, data: st.DataObject, size: int, bad: int | None, via: str,
                  keyed: bool, replay: bool) -> None:
        batch: list[bc.NewEntry] = []
        expect: Any = None
        old = [k for k, (what, _) in self.keys.items() if what == "post"]
        replayed = data.draw(st.sampled_from(old)) if replay and old else None
        for n in range(size):
            fault = data.draw(st.sampled_from(FAULTS[3:])) if n == bad else None
            entry, (e_expect, e_changes) = self.draw_entry(data, fault)
            if keyed and data.draw(st.booleans()):
                entry = attrs.evolve(entry, idempotency_key=self.new_key())
            if replayed is not None and n == size - 1:  # a keyed entry sent again
                entry, e_expect, e_changes = self.keys[replayed][1], None, []
            batch.append(entry)
            if expect is None:  # an entry's limits are checked after its other rules
                touched = any(a in self.limits for a, _, _ in e_changes)
                expect = e_expect or ("?" if touched else None)
        if via == "post_many":
            kind, got = self.both(lambda bo: bo.ledger.post_many(batch), expect)
        else:
            texts = [_json(e) for e in batch]
            kind, got = self.both(lambda bo: bo.ledger.import_entries(texts, chunk=2), expect)
        if kind == "ok":
            assert len(got) == size
            for entry, stored in zip(batch, got, strict=True):
                assert stored.idempotency_key == entry.idempotency_key
                if entry.idempotency_key is not None:
                    self.keys.setdefault(entry.idempotency_key, ("post", entry))
            if replayed is not None:
                assert got[-1].id == self.key_ids[replayed]
            self.key_ids.update((e.idempotency_key, e.id) for e in got if e.idempotency_key)

    def reverses_a_revaluation(self, entry: bc.JournalEntry) -> bool:
        """Whether ``entry`` is a revaluation's reversal not reversed yet (by its undo):
        reversing it by hand is refused."""
        undone = self.by_id.get(entry.related) if entry.related else None
        return (entry.kind is EntryKind.REVERSAL and undone is not None
                and entry.id not in self.reversed
                and undone.kind is EntryKind.REVALUATION)

    @precondition(lambda self: self.posted)
    @rule(data=st.data(), keyed=st.booleans())
    def reverse(self, data: st.DataObject, keyed: bool) -> None:
        target = data.draw(st.sampled_from(self.posted))
        day = data.draw(days)
        key = self.new_key() if keyed else None
        expect: Any = None
        late = self.late.get(target.id)
        # a revaluation reversed after its date is still undone from an earlier day
        undo = late is not None and late.date > target.date
        if target.id in self.final or self.reverses_a_revaluation(target):
            expect = ValidationError  # an undo of a revaluation is final; so is its reversal
        elif target.id in self.reversed and not undo:
            expect = DuplicateError
        elif day < target.date:  # a reversal is not dated before what it reverses
            expect = ValidationError
        elif undo and late is not None and (late.id in self.reversed or (
                day >= late.date and not _in_force(target, late))):
            expect = DuplicateError  # undone already, or nothing of it is left on day
        elif self.period_state(day) != "open" or (
                undo and late is not None and self.period_state(max(day, late.date)) != "open"):
            expect = PeriodClosedError
        expect = self.with_limits(expect, [(p.account, -p.amount if p.currency == "USD" else 0,
                                            0) for p in target.postings])
        kind, got = self.both(lambda bo: bo.ledger.reverse(target.id, on=day,
                                                           idempotency_key=key), expect)
        if kind == "ok":
            assert sorted(p.amount for p in got.entry.postings) == sorted(
                -p.amount for p in target.postings)
            if key is not None:
                self.keys[key] = ("reverse", (target.id, day))
                # the same call again replays
                again = self.both(lambda bo: bo.ledger.reverse(target.id, on=day,
                                                               idempotency_key=key), None)
                assert again[1].entry.id == got.entry.id and not again[1].created

    @rule(data=st.data(), fault=st.sampled_from([None, None, "late", "unbalanced"]),
          timeout=st.sampled_from([None, 1, 5]), until=st.sampled_from([None, None, -1, 0, 30]))
    def hold(self, data: st.DataObject, fault: str | None, timeout: int | None,
             until: int | None) -> None:
        """``until``: an explicit expiry, in hours from now (not after now is refused)."""
        entry, (expect, changes) = self.draw_entry(data, fault)
        ttl = None if timeout is None else timedelta(days=timeout)
        at = None if until is None else self.clock.now() + timedelta(hours=until)
        if at is not None and ttl is not None:
            ttl = None  # one or the other
        if at is not None and at <= self.clock.now():
            expect = ValidationError  # checked before the entry
        expect = self.with_limits(expect, [(a, 0, v) for a, v, _ in changes])
        self.both(lambda bo: bo.ledger.hold(entry, timeout=ttl, expires_at=at), expect)

    @precondition(lambda self: self.holds)
    @rule(data=st.data(), how=st.sampled_from(["full", "part", "void", "too much", "lines"]),
          later=st.booleans())
    def resolve(self, data: st.DataObject, how: str, later: bool) -> None:
        hid = data.draw(st.sampled_from(sorted(self.holds)))
        held = self.holds[hid]
        first = held.postings[0]
        expired = held.expires_at is not None and self.clock.now() >= held.expires_at
        expect: Any = None
        if hid in self.resolved or (expired and how != "void"):
            expect = PendingEntryError
        on = data.draw(days) if later else None
        if expect is None and how != "void" and on is not None and on < held.date:
            expect = ValidationError  # a hold is not posted before its own date
        amount: Any = None
        posted = [p.amount if p.currency == "USD" else 0 for p in held.postings]
        if how in ("part", "too much"):
            whole = abs(first.amount)
            part = whole + 1 if how == "too much" else data.draw(st.integers(1, whole))
            amount = from_minor(part, first.currency)
            if len(held.postings) != 2:
                expect = expect or ValidationError
            elif how == "too much":
                expect = expect or PendingEntryError
            posted = [p * part // whole for p in posted]
        # the lines of the hold itself (the ledger adds the trading lines again)
        lines = None if how != "lines" else [
            bc.Line(p.account, from_minor(p.amount, p.currency), dimensions=p.dimensions)
            for p in held.postings if p.account != "3500"]
        if how == "lines" and (any(p.currency != "USD" for p in held.postings)
                               or any(p.account in self.archived for p in held.postings)):
            expect = expect or "?"  # converted at the rate table's rate; archived accounts
        if expect is None and how != "void" and self.period_state(on or held.date) != "open":
            expect = PeriodClosedError
        if how == "void":
            self.both(lambda bo: bo.ledger.void_pending(hid), expect)
            return
        if expect is None:
            expect = self.with_limits(None, [(p.account, v, -p.amount) for p, v
                                             in zip(held.postings, posted, strict=True)])
        kind, got = self.both(lambda bo: bo.ledger.post_pending(hid, amount=amount, on=on,
                                                                lines=lines), expect)
        if kind == "ok" and amount is not None:
            assert abs(got.entry.postings[0].amount) == amount.to_minor()
        if kind == "ok" and how in ("full", "lines"):
            assert sorted(p.amount for p in got.entry.postings) == sorted(
                p.amount for p in held.postings)

    @rule(hours=st.sampled_from([1, 24, 72, 24 * 6]))
    def advance_and_expire(self, hours: int) -> None:
        self.clock.advance(timedelta(hours=hours))
        now = self.clock.now()
        due = {h for h, e in self.holds.items()
               if h not in self.resolved and e.expires_at is not None and now >= e.expires_at}
        kind, got = self.both(lambda bo: bo.ledger.expire_pending(), None)
        assert {e.related for e in got} == due

    @precondition(lambda self: self.year is None)
    @rule()
    def add_fiscal_year(self) -> None:
        expect = None
        fy = bc.FiscalYear.monthly("FY2026", date(2026, 1, 1))
        self.both(lambda bo: bo.ledger.add_fiscal_year(fy), expect)
        self.year = {p.name: "open" for p in fy.periods}
        self.both(lambda bo: bo.ledger.add_fiscal_year(fy), ValidationError)  # overlaps

    @precondition(lambda self: self.year is not None)
    @rule(month=st.integers(1, 4), to=st.sampled_from(["open", "closed", "closed", "locked"]))
    def set_period(self, month: int, to: str) -> None:
        assert self.year is not None
        name = f"2026-{month:02d}"
        state = self.year[name]
        expect: Any = None
        if (state == "locked" and to != "locked") or (self.year_closed and to == "open"):
            expect = PeriodClosedError
        op = {"open": "reopen_period", "closed": "close_period", "locked": "lock_period"}[to]
        kind, _ = self.both(lambda bo: getattr(bo.ledger, op)("FY2026", name), expect)
        if kind == "ok":
            self.year[name] = to

    @precondition(lambda self: self.year is not None)
    @rule()
    def close_or_reopen_year(self) -> None:
        assert self.year is not None
        end = date(2026, 12, 31)
        if not self.year_closed:
            expect: Any = PeriodClosedError if self.year["2026-12"] == "locked" else "?"
            kind, _ = self.both(lambda bo: bo.ledger.close_year("FY2026"), expect)
            if kind == "ok":
                self.year_closed = True
                # the periods the closing closed: the only ones reopen_year reopens
                self.closed_by_closing = {n for n, s in self.year.items() if s == "open"}
                self.year = {n: ("closed" if s == "open" else s) for n, s in self.year.items()}
                for key, (dr, cr, fn) in self.totals(end).items():
                    if key[0] in INCOME_EXPENSE and not key[2]:
                        assert (dr - cr, fn) == (0, 0), key
        else:
            expect = PeriodClosedError if self.year["2026-12"] == "locked" else None
            kind, _ = self.both(lambda bo: bo.ledger.reopen_year("FY2026"), expect)
            if kind == "ok":
                self.year_closed = False
                self.year = {n: ("open" if s == "closed" and n in self.closed_by_closing else s)
                             for n, s in self.year.items()}  # months closed by hand stay

    @rule(code=st.sampled_from(["1140", "4110", "2190"]))
    def archive_or_restore(self, code: str) -> None:
        active = code in self.archived
        if code == "1140" and not active:  # the generic chart's receivables: a role's
            self.both(lambda bo: bo.ledger.update_account(code, active=False),
                      ValidationError)  # account is not archived
            return
        self.both(lambda bo: bo.ledger.update_account(code, active=active), None)
        (self.archived.discard if active else self.archived.add)(code)

    @rule(code=st.sampled_from(["1140", "1190"]),
          limit=st.sampled_from(["none", *sorted(set(LIMITS.values()))]))
    def set_limit(self, code: str, limit: str) -> None:
        """A limit the account already breaks (pending amounts count) is refused."""
        before = self.limits.pop(code, None)
        if limit != "none":
            self.limits[code] = limit
        expect = LimitExceededError if self.breaks_limit([(code, 0, 0)]) else None
        kind, _ = self.both(lambda bo: bo.ledger.update_account(code, limit=limit), expect)
        if kind != "ok":
            self.limits.pop(code, None)
            if before is not None:
                self.limits[code] = before

    @precondition(lambda self: self.posted)
    @rule(data=st.data(), keyed=st.booleans(), again=st.booleans())
    def correct(self, data: st.DataObject, keyed: bool, again: bool) -> None:
        target = data.draw(st.sampled_from(self.posted))
        replacement, (expect, changes) = self.draw_entry(data, None)
        key = self.new_key() if keyed else None
        replacement = attrs.evolve(replacement, idempotency_key=key)
        late = self.late.get(target.id)
        # a revaluation reversed after its date is undone, as reverse() undoes it
        undo = late is not None and late.date > target.date
        if target.id in self.final or self.reverses_a_revaluation(target):
            expect = ValidationError  # an undo of a revaluation is final; so is its reversal
        elif target.id in self.reversed and not undo:  # checked before the replacement
            expect = DuplicateError
        elif replacement.date < target.date:  # the reversal is dated on the replacement's
            expect = ValidationError
        elif undo and late is not None and (late.id in self.reversed or (
                replacement.date >= late.date and not _in_force(target, late))):
            expect = DuplicateError  # undone already, or nothing of it is left on that day
        expect = "?" if expect is None else expect  # limits: of the reversal, then the new
        kind, got = self.both(lambda bo: bo.ledger.correct(target.id, replacement), expect)
        if kind == "ok" and key is not None:
            self.keys[key] = ("correct", replacement)
            if again:  # the retry returns both entries and writes nothing
                kind, twice = self.both(lambda bo: bo.ledger.correct(target.id, replacement),
                                        None)
                assert [r.entry.id for r in twice] == [r.entry.id for r in got]
                assert not twice[1].created

    @rule(day=days, rate=st.sampled_from(RATES), direct=st.booleans())
    def set_rate(self, day: date, rate: Decimal, direct: bool) -> None:
        base, quote = ("EUR", "USD") if direct else ("USD", "EUR")
        self.both(lambda bo: bo.ledger.set_rate(base, quote, day, rate), None)
        self.rates[day, direct] = rate if direct else INVERSE.divide(Decimal(1), rate)
        for bo in self.books:
            assert bo.ledger.rate("EUR", "USD", day) == self.rate_on(day)

    @rule(on=days, back=st.booleans())
    def revalue(self, on: date, back: bool) -> None:
        reverse_on = on + timedelta(days=1) if back else None
        expect: Any = "?"
        rate = self.rate_on(on)
        assert all(bo.ledger.rate("EUR", "USD", on) == rate for bo in self.books if rate)
        kind, got = self.both(lambda bo: bo.ledger.revalue(on, reverse_on=reverse_on), expect)
        if kind == "ok" and rate is not None:
            totals = self.totals(on)
            for key, (dr, cr, fn) in totals.items():
                if key[0] in MONETARY and key[1] == "EUR" and not key[2]:
                    assert fn == convert_minor(dr - cr, "EUR", rate, "USD"), key
                    # by project too: each value, and what no project tags, at its own
                    # balance x rate within rounding (the account's shared out exactly)
                    parts = [(v[0] - v[1], v[2]) for k, v in totals.items()
                             if k[:3] == (key[0], "EUR", "project")]
                    parts.append((dr - cr - sum(n for n, _ in parts),
                                  fn - sum(f for _, f in parts)))
                    for net, f in parts:
                        assert abs(f - net * rate) < Decimal("1.5") if net else f == 0, key

    # ------------------------------------------------------------------ invariants
    @invariant()
    def books_verify(self) -> None:
        for bo in self.books:
            report = bo.ledger.verify()
            assert report.ok, report.problems

    @invariant()
    def balances_match_the_model(self) -> None:
        posted, pending = self.totals(), self.pending_totals()
        for dim in ("", "project"):
            want = {k: (v[0], v[1], *pending.get(k, [0, 0]), v[2])
                    for k, v in posted.items() if k[2] == dim}
            want.update({k: (0, 0, *v, 0) for k, v in pending.items()
                         if k[2] == dim and k not in want})
            want = {k: v for k, v in want.items() if any(v)}
            for bo in self.books:
                got = {tuple(b.key): (b.debits, b.credits, b.pending_debits,
                                      b.pending_credits, b.functional)
                       for b in bo.ledger.balances(dimension=dim)}
                assert {k: v for k, v in got.items() if any(v)} == want, bo.book
        per_currency: dict[str, int] = {"functional": 0}  # the trial balance
        for (_acc, code, dim, _), (dr, cr, fn) in posted.items():
            if not dim:
                per_currency[code] = per_currency.get(code, 0) + dr - cr
                per_currency["functional"] += fn
        assert set(per_currency.values()) == {0}

    @invariant()
    def balances_as_of_match_the_model(self) -> None:
        for day in (date(2026, 1, 1), date(2026, 2, 14), date(2026, 12, 31)):
            for dim in ("", "project"):
                want = {k: (v[0], v[1], v[2]) for k, v in self.totals(day).items()
                        if k[2] == dim and any(v)}
                for bo in self.books:
                    got = {tuple(b.key): (b.debits, b.credits, b.functional)
                           for b in bo.ledger.balances(as_of=day, dimension=dim)}
                    assert {k: v for k, v in got.items() if any(v)} == want, (bo.book, day)
            mem, *sql = (bo.ledger.balance_detail("1100", as_of=day) for bo in self.books)
            assert all(s == mem for s in sql)
            p1 = [bo.ledger.balance("4100", as_of=day, dimension=("project", "P1"))
                  for bo in self.books]
            assert all(p == p1[0] for p in p1)


# NOSHRINK=1 and MACHINE_EXAMPLES=500 make a longer hunt (shrinking a long failing run
# takes minutes: each step reads both books whole)
LedgerMachine.TestCase.settings = settings(
    max_examples=int(os.environ.get("MACHINE_EXAMPLES", "50")), stateful_step_count=30,
    phases=([Phase.explicit, Phase.reuse, Phase.generate] if os.environ.get("NOSHRINK")
            else list(Phase)),
    deadline=None, report_multiple_bugs=False,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much,
                           HealthCheck.data_too_large])
TestLedgerMachine = LedgerMachine.TestCase


class LedgerMachinePostgres(LedgerMachine):
    """The same hunt with a third book on PostgreSQL (a new book per example)."""


LedgerMachinePostgres.TestCase.settings = settings(
    LedgerMachine.TestCase.settings,
    max_examples=int(os.environ.get("MACHINE_PG_EXAMPLES", "10")))
TestLedgerMachinePostgres = LedgerMachinePostgres.TestCase
TestLedgerMachinePostgres.postgres_machine = LedgerMachinePostgres  # (tests/conftest.py)
