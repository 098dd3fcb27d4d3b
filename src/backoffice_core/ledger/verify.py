"""Integrity checks: the proof that the books are what the entries say.

:func:`verify_ledger` walks every stored entry once (O(entries)) and checks:

1. the hash chain: ``seq`` runs 1, 2, 3... without gaps, each ``prev_hash`` is
   the previous entry's ``hash``, and each ``hash`` matches the entry's content,
   so an edit made directly in storage is found and named;
2. every posted entry balances per currency and in the functional currency, so
   total debits equal total credits per currency;
3. every running balance (account totals, dimension totals, pending amounts)
   equals the sum of its lines, and the per-day rollup agrees with it.

Example:
    >>> from backoffice_core.adapters.memory import MemoryStore
    >>> with MemoryStore()("b") as uow:
    ...     verify_ledger(uow.ledger).ok
    True
"""

from __future__ import annotations

from datetime import date

import attrs

from backoffice_core.ledger.balances import BalanceKey
from backoffice_core.ledger.entries import (
    RESOLUTIONS,
    EntryStatus,
    Posting,
    chain_hash,
)
from backoffice_core.ledger.repository import LedgerRepository

__all__ = ["VerificationReport", "verify_ledger"]


@attrs.frozen(slots=True)
class VerificationReport:
    """The outcome of :func:`verify_ledger`.

    Attributes:
        ok: True when nothing failed.
        entries_checked: how many entries the chain walk read.
        totals: per currency, (total debits, total credits) in minor units.
        problems: one line per failure, naming the entry (id and seq) or balance.
    """

    ok: bool
    entries_checked: int
    totals: dict[str, tuple[int, int]]
    problems: tuple[str, ...]

    def __bool__(self) -> bool:
        return self.ok


def verify_ledger(repo: LedgerRepository, max_problems: int = 100) -> VerificationReport:
    """Verify one book's ledger (see the module docstring)."""
    problems: list[str] = []
    prev_hash = ""
    expected_seq = 1
    totals: dict[str, list[int]] = {}
    posted: dict[BalanceKey, list[int]] = {}
    pending: dict[BalanceKey, list[int]] = {}
    held: dict[str, tuple[Posting, ...]] = {}
    last_day = date.min
    count = 0
    for e in repo.iter_chain():
        count += 1
        if e.seq != expected_seq:
            problems.append(f"entry {e.id} has seq {e.seq}, expected {expected_seq} "
                            "(an entry is missing or was inserted)")
        if e.prev_hash != prev_hash:
            problems.append(f"entry {e.id} (seq {e.seq}) does not chain to the entry before it")
        digest = chain_hash(e)
        if not digest or digest != e.hash:  # "": text the ledger refuses (chain_hash)
            problems.append(f"entry {e.id} (seq {e.seq}) was altered: its content no longer "
                            "matches its hash")
        prev_hash = e.hash
        expected_seq = e.seq + 1
        if e.date > last_day:
            last_day = e.date
        by_currency: dict[str, int] = {}
        fn_total = 0
        for p in e.postings:
            by_currency[p.currency] = by_currency.get(p.currency, 0) + p.amount
            fn_total += p.functional
        unbalanced = {c: v for c, v in by_currency.items() if v}
        if unbalanced or fn_total:
            problems.append(f"entry {e.id} (seq {e.seq}) does not balance: {unbalanced or ''}"
                            f"{' functional ' + str(fn_total) if fn_total else ''}")
        if e.status is EntryStatus.PENDING:
            held[e.id] = e.postings
            target = pending
        else:
            target = posted
            if (e.kind in RESOLUTIONS and e.related is not None
                    and held.pop(e.related, None) is None):
                problems.append(f"entry {e.id} (seq {e.seq}) resolves {e.related}, "
                                "which is not an open pending entry")
        for p in e.postings:
            if e.status is EntryStatus.POSTED:
                t = totals.setdefault(p.currency, [0, 0])
                if p.amount > 0:
                    t[0] += p.amount
                else:
                    t[1] -= p.amount
            keys = [BalanceKey(p.account, p.currency)]
            keys.extend(BalanceKey(p.account, p.currency, d, v) for d, v in p.dimensions)
            for k in keys:
                row = target.setdefault(k, [0, 0, 0])
                if p.amount > 0:
                    row[0] += p.amount
                else:
                    row[1] -= p.amount
                row[2] += p.functional
        if len(problems) >= max_problems:
            break
    # pending entries resolved or not: only the open ones still reserve
    open_pending: dict[BalanceKey, list[int]] = {}
    for postings in held.values():
        for p in postings:
            keys = [BalanceKey(p.account, p.currency)]
            keys.extend(BalanceKey(p.account, p.currency, d, v) for d, v in p.dimensions)
            for k in keys:
                row = open_pending.setdefault(k, [0, 0])
                if p.amount > 0:
                    row[0] += p.amount
                else:
                    row[1] -= p.amount
    for c, (dr, cr) in totals.items():
        if dr != cr:
            problems.append(f"total debits {dr} differ from total credits {cr} in {c}")
    stored = {b.key: b for b in repo.list_balances()}
    dims = {k.dimension for k in posted if k.dimension} | {
        k.dimension for k in open_pending if k.dimension}
    for d in sorted(dims):
        stored.update({b.key: b for b in repo.list_balances(d)})
    for key in sorted(set(stored) | set(posted) | set(open_pending)):
        b = stored.get(key)
        dr, cr, fn = posted.get(key, [0, 0, 0])
        pdr, pcr = open_pending.get(key, [0, 0])
        got = (b.debits, b.credits, b.functional, b.pending_debits, b.pending_credits) \
            if b else (0, 0, 0, 0, 0)
        if got != (dr, cr, fn, pdr, pcr):
            problems.append(f"running balance {key.account}/{key.currency}"
                            f"{'/' + key.dimension + '=' + key.value if key.dimension else ''} "
                            f"is {got}, lines sum to {(dr, cr, fn, pdr, pcr)}")
        elif b is not None and not key.dimension and count:
            rolled = repo.balance_as_of(key, last_day)
            if (rolled.debits, rolled.credits, rolled.functional) != (dr, cr, fn):
                problems.append(f"daily rollup of {key.account}/{key.currency} disagrees with "
                                "its running balance")
    return VerificationReport(not problems, count, {c: (t[0], t[1]) for c, t in totals.items()},
                              tuple(problems[:max_problems]))
