"""Sample aggregates that use every field, and a dump of everything a repository shows.

The samples are built to catch the usual adapter slips: datetimes off UTC with
microseconds, ``None`` versus ``""``, non-ASCII text, amounts near the 10**17
ceiling, zero amounts that carry a functional value, codes whose order differs
between code-point and locale collation, backdated entries, every entry kind.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import attrs

from backoffice_core.ledger.accounts import Account, AccountLimit, AccountType
from backoffice_core.ledger.balances import Balance, BalanceDelta, BalanceKey
from backoffice_core.ledger.entries import (
    RESOLUTIONS,
    EntryKind,
    EntryStatus,
    JournalEntry,
    Posting,
    chain_hash,
)
from backoffice_core.ledger.periods import FiscalYear, Period, PeriodState
from backoffice_core.ledger.repository import BookSettings, LedgerRepository
from backoffice_core.testing._contracts._base import KIT_CLOCK

__all__ = [
    "BIG",
    "RESOLUTIONS",
    "Sample",
    "accounts",
    "chain",
    "deltas_of",
    "diff",
    "dump",
    "entries",
    "expected_balances",
    "expected_as_of",
    "extra_entries",
    "fill",
    "rates",
    "settings",
    "years",
]

NEPAL = timezone(timedelta(hours=5, minutes=45))
EXPIRES = datetime(2026, 2, 7, 23, 59, 59, 999999, tzinfo=NEPAL)
BIG = 10**17 - 1
D = date


def settings() -> BookSettings:
    """Book settings with non-ASCII text and roles (one specific to a tax: ``revenue.S.5.5``)."""
    return BookSettings("ООО «Ромашка» & Co — €", "USD",
                        {"receivables": "1140", "retained_earnings": "3200",
                         "currency_trading": "3500", "revenue.S.5.5": "4100"}, "generic", 0)


def accounts() -> list[Account]:
    """Accounts using every field, added out of code order.

    Code-point order is ``1120 1130 1520 2150 90 90.01 A_1 B-2 a_1 b-7``; a
    locale collation (PostgreSQL's default) would interleave the cases.
    """
    return [
        Account("90.01", "Sales revenue", AccountType.INCOME, parent="90"),
        Account("a_1", "lower-case code", AccountType.EQUITY),
        Account("1130", "Bank EUR", AccountType.ASSET, currency="EUR",
                limit=AccountLimit.CREDITS_MUST_NOT_EXCEED_DEBITS),
        Account("B-2", "Upper-case code", AccountType.LIABILITY),
        Account("2150", "Customer wallets — клиенты", AccountType.LIABILITY,
                limit=AccountLimit.DEBITS_MUST_NOT_EXCEED_CREDITS),
        Account("1520", "Accumulated depreciation", AccountType.ASSET, contra=True),
        Account("b-7", "Archived", AccountType.EXPENSE, active=False, version=3),
        Account("90", "Sales", AccountType.INCOME),
        Account("A_1", "Upper", AccountType.EQUITY),
        Account("1120", "Bank", AccountType.ASSET),
    ]


def chain(specs: Iterable[dict[str, Any]], head: JournalEntry | None = None,
          prefix: str = "je") -> list[JournalEntry]:
    """Chain entry specs after ``head``: ids ``je-001``..., seq and hashes filled in."""
    out: list[JournalEntry] = []
    seq = head.seq if head else 0
    prev = head.hash if head else ""
    for spec in specs:
        seq += 1
        e = JournalEntry(id=spec.pop("id", f"{prefix}-{seq:03d}"), seq=seq, prev_hash=prev,
                         **spec)
        e = e._replace(hash=chain_hash(e))
        prev = e.hash
        out.append(e)
    return out


def _p(account: str, amount: int, currency: str = "USD", functional: int | None = None,
       dims: tuple[tuple[str, str], ...] = (), memo: str = "") -> Posting:
    return Posting(account, amount, currency, amount if functional is None else functional,
                   dims, memo)


def entries() -> list[JournalEntry]:
    """A chain of entries of every kind and status, some backdated."""
    dims = (("project", "P1"), ("region", "north"))
    return chain([
        dict(date=D(2026, 1, 10), description="Opening — капитал ✓",
             postings=(_p("1120", 500000, dims=dims, memo="memo ✓"), _p("A_1", -500000)),
             reference="SH-1", idempotency_key="kit-key-1", recorded_at=KIT_CLOCK,
             fingerprint="f" * 32),
        dict(date=D(2026, 1, 5), description="EUR receipt (backdated)",  # trading method
             postings=(_p("1130", 10000, "EUR", 11000), _p("90.01", -11000),
                       _p("3500", -10000, "EUR", -11000), _p("3500", 11000))),
        dict(date=D(2026, 1, 12), description="Card hold", status=EntryStatus.PENDING,
             postings=(_p("1140", 5000, dims=(("project", "P2"),)), _p("2150", -5000)),
             expires_at=EXPIRES, recorded_at=KIT_CLOCK, idempotency_key=""),
        dict(date=D(2026, 1, 13), description="Card capture", kind=EntryKind.PENDING_POST,
             related="je-003", postings=(_p("1140", 3000, dims=(("project", "P2"),)),
                                         _p("2150", -3000))),
        dict(date=D(2026, 1, 14), description="Second hold", status=EntryStatus.PENDING,
             postings=(_p("1120", 700), _p("2150", -700)), expires_at=EXPIRES),
        dict(date=D(2026, 1, 14), description="Void", kind=EntryKind.PENDING_VOID,
             related="je-005", postings=()),
        dict(date=D(2026, 1, 15), description="Wrong fee", reference="FEE-1",
             postings=(_p("6600", 2000, memo="fee"), _p("1120", -2000, memo="fee"))),
        dict(date=D(2026, 1, 16), description="Reversal of Wrong fee", reference="FEE-1",
             kind=EntryKind.REVERSAL, related="je-007",
             postings=(_p("6600", -2000, memo="fee"), _p("1120", 2000, memo="fee"))),
        dict(date=D(2026, 1, 31), description="FX revaluation", kind=EntryKind.REVALUATION,
             postings=(_p("1130", 0, "EUR", 500), _p("7300", -500),
                       _p("3500", 0, "EUR", -500), _p("3500", 500))),
        dict(date=D(2026, 1, 2), description="Huge, backdated",
             postings=(_p("1120", BIG), _p("90.01", -BIG))),
        dict(date=D(2026, 1, 20), description="Open hold", status=EntryStatus.PENDING,
             postings=(_p("1140", 900, dims=(("project", "P1"),)), _p("90.01", -900))),
        dict(date=D(2026, 1, 21), description="Hold to expire", status=EntryStatus.PENDING,
             postings=(_p("1140", 100), _p("90.01", -100)), expires_at=KIT_CLOCK),
        dict(date=D(2026, 1, 21), description="Expiry", kind=EntryKind.PENDING_EXPIRE,
             related="je-012", postings=()),
        dict(date=D(2025, 12, 31), description="Year-end closing FY2025",
             kind=EntryKind.CLOSING, reference="FY2025",
             postings=(_p("7300", 500), _p("3200", -500))),
    ])


def extra_entries(head: JournalEntry | None) -> list[JournalEntry]:
    """Four more entries after ``head`` (for write tests): a sale on new keys, a hold,
    its capture and the sale's reversal; ids ``jx-<seq>``."""
    s = head.seq if head else 0
    sale, hold = f"jx-{s + 1:03d}", f"jx-{s + 2:03d}"
    p9 = (("project", "P9"),)
    return chain([
        dict(date=D(2026, 1, 8), description="Extra sale", idempotency_key="kit-extra-1",
             postings=(_p("1140", 1234, dims=p9), _p("4100", -1234))),
        dict(date=D(2026, 2, 1), description="Extra hold", status=EntryStatus.PENDING,
             postings=(_p("1140", 50), _p("4100", -50)), expires_at=EXPIRES),
        dict(date=D(2026, 2, 2), description="Extra capture", kind=EntryKind.PENDING_POST,
             related=hold, postings=(_p("1140", 50), _p("4100", -50))),
        dict(date=D(2026, 2, 3), description="Extra reversal", kind=EntryKind.REVERSAL,
             related=sale, postings=(_p("1140", -1234, dims=p9), _p("4100", 1234))),
    ], head, prefix="jx")


def deltas_of(batch: Sequence[JournalEntry], known: dict[str, JournalEntry]
              ) -> list[BalanceDelta]:
    """The balance deltas the ledger service writes for ``batch`` (``known``: earlier entries)."""
    out: list[BalanceDelta] = []

    def add(postings: Sequence[Posting], day: date, pending: bool, sign: int) -> None:
        for p in postings:  # the side comes from the amount; ``sign`` -1 takes it back
            dr, cr = (p.amount * sign, 0) if p.amount > 0 else (0, -p.amount * sign)
            keys = [BalanceKey(p.account, p.currency)]
            keys.extend(BalanceKey(p.account, p.currency, d, v) for d, v in p.dimensions)
            for k in keys:
                if pending:
                    out.append(BalanceDelta(k, day, 0, 0, dr, cr, 0))
                else:
                    out.append(BalanceDelta(k, day, dr, cr, 0, 0, p.functional * sign))

    for e in batch:
        if e.kind in RESOLUTIONS and e.related is not None:
            held = known.get(e.related) or next(x for x in batch if x.id == e.related)
            add(held.postings, held.date, True, -1)
        add(e.postings, e.date, e.status is EntryStatus.PENDING, 1)
    return out


def expected_balances(deltas: Iterable[BalanceDelta]) -> dict[BalanceKey, Balance]:
    """Running totals the deltas add up to."""
    out: dict[BalanceKey, Balance] = {}
    for d in deltas:
        out[d.key] = out.get(d.key, Balance(d.key)).plus(d)
    return out


def expected_as_of(deltas: Iterable[BalanceDelta], day: date) -> dict[BalanceKey, Balance]:
    """Posted totals (no pending) of deltas dated on or before ``day``; zero rows dropped."""
    out: dict[BalanceKey, Balance] = {}
    for d in deltas:
        if d.day <= day and (d.debits or d.credits or d.functional):
            b = out.get(d.key, Balance(d.key))
            out[d.key] = Balance(d.key, b.debits + d.debits, b.credits + d.credits, 0, 0,
                                 b.functional + d.functional)
    return out


def years() -> list[FiscalYear]:
    """FY2026 (monthly, some periods closed or locked) and a closed FY2025 of quarters."""
    fy26 = FiscalYear.monthly("FY2026", D(2026, 1, 1))
    fy26 = fy26.with_period_state("2026-01", PeriodState.CLOSED)
    fy26 = fy26.with_period_state("2026-02", PeriodState.LOCKED)
    fy25 = FiscalYear("FY2025", (
        Period("Q1", D(2025, 1, 1), D(2025, 3, 31), PeriodState.LOCKED),
        Period("Q2", D(2025, 4, 1), D(2025, 6, 30), PeriodState.LOCKED),
        Period("Q3", D(2025, 7, 1), D(2025, 9, 30), PeriodState.CLOSED),
        Period("Q4 — final", D(2025, 10, 1), D(2025, 12, 31), PeriodState.CLOSED),
    ), closed=True, closing_entry="je-014", version=4, closed_by_closing=("Q4 — final",))
    return [fy26, fy25]


def rates() -> list[tuple[str, str, date, Decimal]]:
    """Exchange rates: several days per pair, both directions, many digits."""
    return [
        ("EUR", "USD", D(2026, 1, 10), Decimal("1.1")),
        ("EUR", "USD", D(2026, 1, 1), Decimal("1.0837512345")),
        ("EUR", "USD", D(2026, 1, 20), Decimal("1.12")),
        ("USD", "EUR", D(2026, 1, 5), Decimal("0.91")),
        ("JPY", "USD", D(2025, 12, 31), Decimal("0.0066934")),
        ("USD", "JPY", D(2026, 1, 1), Decimal("149.405")),
    ]


@attrs.frozen
class Sample:
    """What :func:`fill` wrote."""

    entries: list[JournalEntry]
    deltas: list[BalanceDelta]


def fill(repo: LedgerRepository) -> Sample:
    """Write every sample aggregate through ``repo`` (the caller commits)."""
    repo.save_settings(settings(), None)
    for acc in accounts():
        repo.add_account(acc)
    chained = entries()
    known: dict[str, JournalEntry] = {}
    deltas: list[BalanceDelta] = []
    for batch in (chained[:1], chained[1:6], chained[6:]):  # one, then several per call
        ds = deltas_of(batch, known)
        repo.add_entries(batch)
        repo.apply_deltas(ds)
        deltas.extend(ds)
        known.update((e.id, e) for e in batch)
    for fy in years():
        repo.save_fiscal_year(fy, None)
    for base, quote, day, rate in rates():
        repo.add_rate(base, quote, day, rate)
    return Sample(chained, deltas)


_PROBE_DAYS = (D(2025, 12, 30), D(2025, 12, 31), D(2026, 1, 1), D(2026, 1, 5), D(2026, 1, 9),
               D(2026, 1, 12), D(2026, 1, 14), D(2026, 1, 31), D(2026, 2, 5), D(2027, 1, 1))


def dump(repo: LedgerRepository) -> dict[str, Any]:
    """Everything observable through ``repo``, probing every sample id, key and code."""
    chained = list(repo.iter_chain())
    base = entries()
    samples = base + extra_entries(None) + extra_entries(base[-1])
    ids = sorted({e.id for e in chained} | {e.id for e in samples} | {"missing"})
    keys = sorted({e.idempotency_key for e in chained + samples
                   if e.idempotency_key is not None} | {"missing"})
    codes = sorted({a.code for a in accounts()} | {p.account for e in samples
                                                    for p in e.postings} | {"4100", "zz"})
    dims = sorted({"", "project", "region", "nothing"} | {
        d for e in chained + samples for p in e.postings for d, _ in p.dimensions})
    found = {b.key for d in dims for b in repo.list_balances(d)}
    pairs = sorted({(b, q) for b, q, _, _ in rates()} | {("EUR", "JPY"), ("GBP", "USD")})
    return {
        "settings": repo.get_settings(),
        "accounts": list(repo.list_accounts()),  # copies: a later write cannot alter them
        "account": {c: repo.get_account(c) for c in codes},
        "chain": chained,
        "entries": list(repo.iter_entries()),
        "last": repo.last_entry(),
        "entry": {i: repo.get_entry(i) for i in ids},
        "key": {k: repo.find_by_idempotency_key(k) for k in keys},
        "resolution": {i: repo.find_resolution(i) for i in ids},
        "reversal": {i: repo.find_reversal(i) for i in ids},
        "pending": sorted(repo.pending_entries(), key=lambda e: e.seq),
        "balances": {d: sorted(repo.list_balances(d), key=lambda b: b.key) for d in dims},
        "balance": {k: repo.get_balance(k) for k in sorted(found | {
            BalanceKey("4100", "USD"), BalanceKey("1140", "USD", "project", "P9")})},
        "as_of": {(day, d): sorted(repo.balances_as_of(day, d), key=lambda b: b.key)
                  for day in _PROBE_DAYS for d in dims},
        "years": list(repo.list_fiscal_years()),
        "rate": {(b, q, day): repo.get_rate(b, q, day) for b, q in pairs
                 for day in _PROBE_DAYS},
    }


def diff(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    """Names of the parts of two dumps that differ."""
    return [k for k in before if before[k] != after.get(k)]
