"""Bulk posting: many entries checked, chained and merged into balance deltas in one pass.

The engine behind :meth:`Ledger.post_many <backoffice_core.ledger.service.Ledger.post_many>`,
``post_many_within`` and ``import_entries``. Every entry goes through the same rules as a
single :meth:`~backoffice_core.ledger.service.Ledger.post`; what differs is the
bookkeeping around them:

* an entry made only of plain lines (a functional-currency ``Decimal`` on an account
  already checked in this batch, no rate) takes :func:`~.shortcuts.plain_postings`; an
  import's :class:`~.entries.EntryRecord` comes priced already, and only its accounts
  are checked; anything else, and every entry that fails, goes through
  :func:`~.posting.build_postings`, which raises the typed error;
* the hash chain is computed with the header fields that do not change in a batch
  (status, kind, the time of recording) formatted once;
* balance deltas are merged per (account, currency, dimension, day) and written once,
  with the entries, at the end: a failure half-way writes nothing.

Example:
    >>> import backoffice_core as bc
    >>> from datetime import date
    >>> bo = bc.Backoffice.open("memory://")
    >>> bo.ledger.setup("X", currency="USD", chart="generic")
    >>> done = bo.ledger.post_many([bc.NewEntry(date(2026, 1, 2), "Sale",
    ...     [bc.debit("1110", "3.00"), bc.credit("4100", "3.00")])])
    >>> done[0].postings[0].amount, bo.ledger.verify().ok
    (300, True)
"""

from __future__ import annotations

from collections.abc import Callable, Container, Sequence
from datetime import date, datetime
from decimal import Decimal
from itertools import islice
from typing import Any

from backoffice_core.errors import BackofficeError, IdempotencyConflictError, ValidationError
from backoffice_core.ledger.accounts import Account, AccountLimit
from backoffice_core.ledger.balances import Balance, BalanceDelta, BalanceKey
from backoffice_core.ledger.entries import (
    EntryKind,
    EntryRecord,
    EntryStatus,
    JournalEntry,
    NewEntry,
    chain_digest,
    header_tail,
    postings_text,
)
from backoffice_core.ledger.fingerprints import entry_fingerprint, fingerprint
from backoffice_core.ledger.posting import (
    as_active,
    build_postings,
    check_limits,
    checked_account,
    deltas_for,
)
from backoffice_core.ledger.repository import LedgerRepository
from backoffice_core.ledger.shortcuts import plain_postings, two_plain
from backoffice_core.money import minor_digits

__all__ = ["post_batch"]

RateLookup = Callable[[str, date], Decimal | None]
# builds the named tuple without its Python-level ``__new__`` (every field is given)
_new_entry: Callable[[type[JournalEntry], tuple[Any, ...]], JournalEntry] = tuple.__new__
_new_key: Callable[[type[BalanceKey], tuple[Any, ...]], BalanceKey] = tuple.__new__
_new_delta: Callable[[type[BalanceDelta], tuple[Any, ...]], BalanceDelta] = tuple.__new__


def post_batch(
    repo: LedgerRepository,
    entries: Sequence[NewEntry | EntryRecord],
    *,
    functional: str,
    trading: str | None,
    parents: Container[str],
    ids: Sequence[str],
    now: datetime,
    rates: RateLookup,
    check_open: Callable[[date], None],
    offset: int = 0,
    priced: bool = False,
) -> list[JournalEntry]:
    """Check, chain and write ``entries``; returns one stored entry per entry, in order.

    A replayed idempotency key yields the earlier entry in its place. ``ids`` holds one
    fresh id per entry. Raises the first entry's typed error with its field prefixed
    ``entries[n].`` (``n`` counted from ``offset``); nothing is written then. The caller
    holds the book's write lock (``repo.last_entry()`` read first) and commits.
    ``priced``: the :class:`~.entries.EntryRecord` values among ``entries`` were built by
    the import's schema for this book's functional currency, so their postings and text
    are taken as they are (other callers' records go through the full rules).

    Example:
        >>> import backoffice_core as bc
        >>> from datetime import date
        >>> bo = bc.Backoffice.open("memory://")
        >>> bo.ledger.setup("X", currency="USD", chart="generic")
        >>> bo.ledger.post_many([bc.NewEntry(date(2026, 1, 2), "Bad",
        ...     [bc.debit("1110", "3.00"), bc.credit("4100", "2.00")])])
        Traceback (most recent call last):
        ...
        backoffice_core.errors.UnbalancedEntryError: entries[0].totals.USD=...: debits and...
    """
    head = repo.last_entry()
    seq = head_seq = head.seq if head else 0
    prev = head.hash if head else ""
    accounts: dict[str, Account | None] = {}

    def get_account(code: str) -> Account | None:
        if code not in accounts:
            accounts[code] = repo.get_account(code)
        return accounts[code]

    digits = minor_digits(functional)
    valid: dict[str, Account] = {}
    plain: set[str] = set()  # checked accounts a functional-currency line may post to as is
    tail = header_tail(EntryStatus.POSTED, EntryKind.STANDARD, None, None, now.isoformat())
    new: list[JournalEntry] = []
    stored: list[JournalEntry] | None = None  # ``new`` with the replays, once there is one
    merged: dict[tuple[str, str, date], list[int]] = {}  # (account, currency, day)
    by_dim: dict[tuple[str, str, str, str, date], list[int]] = {}  # ... dimension, value
    keys_seen: dict[str, JournalEntry] = {}
    # the optional bulk lookup: one read for every key of the batch instead of one each
    lookup_many = getattr(repo, "find_by_idempotency_keys", None)
    known: dict[str, JournalEntry] | None = None
    if lookup_many is not None:
        try:
            wanted = [e.idempotency_key for e in entries if e.idempotency_key is not None]
        except AttributeError:  # not all entries: the loop refuses the first that is not;
            pass  # the keys before it are looked up one by one, so a conflict is named first
        else:
            known = lookup_many(wanted) if wanted else {}
    running: dict[BalanceKey, Balance] = {}  # limited accounts, entry by entry
    # accounts with a limit among those this batch posts to: every posting's account is
    # checked into ``valid`` first, or is the currency-trading account (looked up here), so
    # the chart is never read whole
    limited: set[str] = set()
    if trading is not None:
        held = get_account(trading)
        if held is not None and held.limit is not AccountLimit.NONE:
            limited.add(trading)
    days: dict[date, str] = {}  # open days checked, with their ISO text

    def note(acc: Account) -> bool:
        """Record an account checked as build_postings checks it; True when plain."""
        valid[acc.code] = acc
        if acc.limit is not AccountLimit.NONE:
            limited.add(acc.code)
        if acc.currency is None or acc.currency == functional:
            plain.add(acc.code)
            return True
        return False

    def admit(lines: Sequence[Any]) -> bool:
        """Check the lines' accounts not met yet in this batch; True when one was added and
        all are plain, else False: build_postings then decides, and names any error."""
        added = False
        for ln in lines:
            code = ln.account
            if code in plain:
                continue
            if code in valid:  # checked already, and not plain
                return False
            try:
                acc = checked_account(code, 0, get_account, parents)
            except BackofficeError:
                return False
            if not note(acc):
                return False
            added = True
        return added

    posted, standard = EntryStatus.POSTED, EntryKind.STANDARD
    for n, e in enumerate(entries):
        try:
            fast = None
            if type(e) is EntryRecord:
                record: EntryRecord = e  # narrowed by the type test (no cast() per entry)
                if priced:  # priced by the import's schema: only the accounts are checked
                    for p in record.postings:
                        if p[0] not in plain:
                            if admit(record.postings):  # accounts first seen, all plain
                                fast = record.postings, record.text
                            break
                    else:
                        fast = record.postings, record.text
                if fast is None:  # the rules decide, and name any error
                    e = record.to_entry()
            else:
                entry: NewEntry = e  # type: ignore[assignment]
                if not entry.rates and not entry.dimensions and type(e.date) is date:
                    lines = entry.lines
                    # the two-line entry straight to its unrolled path (plain_postings would
                    # dispatch it there too, one call later: this is the bulk path's common case)
                    fast = (two_plain(lines[0], lines[1], digits, functional, plain)
                            if len(lines) == 2 else
                            plain_postings(lines, digits, functional, plain))
                    if fast is None and admit(lines):  # an account first seen here
                        fast = plain_postings(lines, digits, functional, plain)
            key = e.idempotency_key
            earlier = None if key is None else keys_seen.get(key) or (
                known.get(key) if known is not None else repo.find_by_idempotency_key(key))
            fp = ""
            if fast is None and earlier is not None:
                # a retry is compared with what the caller sent first (not with what the rate
                # table makes of it today); other content goes through the rules, which name
                # what is wrong with it, on the chart as the first post saw it (as_active)
                fp = entry_fingerprint(e, functional) or ""  # type: ignore[arg-type]
                if fp != earlier.fingerprint:
                    postings = tuple(build_postings(e, functional,  # type: ignore[arg-type]
                                                    as_active(get_account), rates, trading,
                                                    parents))
                    # a fingerprint stored before it covered the lines as sent
                    fp = fingerprint(e.date, e.description, e.reference, postings)
            elif fast is None:
                checked = len(valid)
                postings = tuple(build_postings(e, functional, get_account,  # type: ignore[arg-type]
                                                rates, trading, parents, valid))
                for acc in islice(valid.values(), checked, None):  # checked just now
                    note(acc)
                ptext = postings_text(postings)
                if key is not None:  # (None only for what the rules refuse: never here)
                    fp = (entry_fingerprint(e, functional, "", postings)  # type: ignore[arg-type]
                          or fingerprint(e.date, e.description, e.reference, ptext))
            else:  # plain lines: their text is the text of the lines as sent
                postings, ptext = fast
                if key is not None:
                    fp = fingerprint(e.date, e.description, e.reference, ptext)
            if earlier is not None:
                if earlier.fingerprint != fp:
                    raise IdempotencyConflictError(
                        "idempotency key reused with different content",
                        field="idempotency_key", value=key)
                if stored is None:
                    stored = new.copy()
                stored.append(earlier)
                continue
            day = e.date
            iso = days.get(day)
            if iso is None:
                check_open(day)
                iso = days[day] = day.isoformat()
        except BackofficeError as err:
            at = f"entries[{n + offset}]"
            err.field = f"{at}.{err.field}" if err.field else at
            raise
        except (AttributeError, TypeError):  # not an entry at all (a dict, None, a str...)
            at = f"entries[{n + offset}]"
            if not isinstance(e, NewEntry | EntryRecord):
                raise ValidationError("expected a NewEntry", field=at, value=e) from None
            try:  # an account code the batch's caches cannot hold (a list...): the rules
                build_postings(e if isinstance(e, NewEntry) else e.to_entry(),
                               functional, get_account, rates, trading, parents)
            except BackofficeError as err:  # without the caches name it, as one post does
                err.field = f"{at}.{err.field}" if err.field else at
                raise err from None
            raise
        seq += 1
        entry_id = ids[n]
        digest = chain_digest(prev, entry_id, seq, iso, e.description, e.reference, key, tail,
                              ptext)
        je = _new_entry(JournalEntry, (entry_id, seq, day, e.description, postings,
                                       e.reference, key, posted, standard, None, None, now, fp,
                                       prev, digest))
        prev = digest
        new.append(je)
        if stored is not None:
            stored.append(je)
        if key is not None:
            keys_seen[key] = je
        if limited and any(p.account in limited for p in postings):
            entry_deltas = deltas_for(postings, day)
            try:
                check_limits(entry_deltas, get_account, lambda k: running.get(k) or
                             running.setdefault(k, repo.get_balance(k)))
            except BackofficeError as err:  # named like every other error of the batch
                err.field = f"entries[{n + offset}].{err.field}"
                raise
            for d in entry_deltas:
                if not d.key.dimension:
                    running[d.key] = (running.get(d.key) or repo.get_balance(d.key)).plus(d)
        for account, amount, currency, fn, dims, _memo in postings:
            k = (account, currency, day)
            row = merged.get(k)
            if row is None:
                merged[k] = [amount, 0, fn] if amount > 0 else [0, -amount, fn]
            elif amount > 0:
                row[0] += amount
                row[2] += fn
            else:
                row[1] -= amount
                row[2] += fn
            if not dims:
                continue
            for dim, val in dims:
                kd = (account, currency, dim, val, day)
                row = by_dim.get(kd)
                if row is None:
                    row = by_dim[kd] = [0, 0, 0]
                if amount > 0:
                    row[0] += amount
                else:
                    row[1] -= amount
                row[2] += fn
    if seq != head_seq:
        repo.add_entries(new)
        key_new, delta_new = _new_key, _new_delta
        deltas = [delta_new(BalanceDelta, (key_new(BalanceKey, (a, c, "", "")), day, r[0], r[1],
                                           0, 0, r[2]))
                  for (a, c, day), r in merged.items()]
        if by_dim:
            deltas += [delta_new(BalanceDelta, (key_new(BalanceKey, (a, c, dim, val)), day, r[0],
                                                r[1], 0, 0, r[2]))
                       for (a, c, dim, val, day), r in by_dim.items()]
        repo.apply_deltas(deltas)
    return new.copy() if stored is None else stored  # not the list the store was given
