"""What every part of the ledger service shares: units of work, the one posting path.

:class:`LedgerBase` holds the injected unit-of-work factory, clock and id
generator, opens units of work (:meth:`~LedgerBase._work`, :meth:`~LedgerBase._read`)
and posts one entry (:meth:`~LedgerBase._post`); the service's parts
(:mod:`._holds_api`, :mod:`._periods_api`, :mod:`._fx_api` and
:class:`~backoffice_core.ledger.service.Ledger` itself) build on it.

Example:
    >>> import backoffice_core as bc
    >>> bo = bc.Backoffice.open("memory://")
    >>> bo.ledger.setup("X", currency="USD", chart="generic")
    >>> isinstance(bo.ledger, LedgerBase)
    True
"""

from __future__ import annotations

from collections.abc import Callable, Container, Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from decimal import Decimal, localcontext
from typing import Any

import attrs

from backoffice_core.errors import IdempotencyConflictError, NotFoundError, ValidationError
from backoffice_core.ledger.balances import Balance, BalanceKey
from backoffice_core.ledger.entries import (
    RESOLUTIONS,
    EntryKind,
    EntryStatus,
    JournalEntry,
    NewEntry,
    Posting,
    chain_hash,
)
from backoffice_core.ledger.fingerprints import entry_fingerprint, fingerprint
from backoffice_core.ledger.periods import FiscalYear, check_open
from backoffice_core.ledger.posting import (
    as_active,
    build_postings,
    check_limits,
    deltas_for,
    pending_deltas,
)
from backoffice_core.ledger.rates import rate_in_force
from backoffice_core.ledger.repository import BookSettings, LedgerRepository
from backoffice_core.money import EXACT, Money, currency_code
from backoffice_core.text import check_lookup

__all__ = ["LedgerBase", "PostResult"]

# bound once: an enum member read off its class costs ten times a global's read (every
# post() tests these)
_POSTED, _PENDING, _STANDARD = EntryStatus.POSTED, EntryStatus.PENDING, EntryKind.STANDARD

@attrs.frozen(slots=True)
class PostResult:
    """What :meth:`Ledger.post` returns.

    Attributes:
        entry: the stored entry.
        balances: the resulting account balances of every (account, currency) it touched.
        created: False when an idempotency key replayed an earlier post (nothing written).
    """

    entry: JournalEntry
    balances: tuple[Balance, ...]
    created: bool = True

    def balance(self, account: str, currency: str | None = None) -> Money:
        """The resulting balance of ``account`` (in ``currency`` if it holds several), as
        signed :class:`Money` (debit positive); an account the entry did not touch is a
        ``NotFoundError``.

        Example:
            >>> import backoffice_core as bc
            >>> from datetime import date
            >>> bo = bc.Backoffice.open("memory://")
            >>> bo.ledger.setup("X", currency="USD", chart="generic")
            >>> r = bo.ledger.post(bc.NewEntry(date(2026, 1, 5), "Sale",
            ...     [bc.debit("1110", "80.00"), bc.credit("4100", "80.00")]))
            >>> r.balance("1110"), r.balance("4100")
            (Money('80.00', 'USD'), Money('-80.00', 'USD'))
        """
        code = None if currency is None else currency_code(currency)
        for b in self.balances:
            if b.key.account == account and (code is None or b.key.currency == code):
                return b.money
        check_lookup("account", account)  # (a value that cannot be an account: ValidationError)
        raise NotFoundError("entry did not touch this account", field="account", value=account)


class _Parents:
    """Parent codes asked one by one through the repository's ``has_children`` (cached)."""

    __slots__ = ("_ask", "_known")

    def __init__(self, ask: Callable[[str], bool]) -> None:
        self._ask = ask
        self._known: dict[object, bool] = {}

    def __contains__(self, code: object) -> bool:
        found = self._known.get(code)
        if found is None:
            found = self._known[code] = isinstance(code, str) and self._ask(code)
        return found


class _Ctx:
    """Per-unit-of-work caches: settings, accounts and periods read once."""

    __slots__ = ("parents", "repo", "settings", "years")

    def __init__(self, repo: LedgerRepository, book: str | None = None) -> None:
        self.repo = repo
        settings = repo.get_settings()
        if settings is None:
            raise NotFoundError("the book has no ledger yet; call bo.ledger.setup() first",
                                field="book", value=book)
        self.settings: BookSettings = settings
        self.years: list[FiscalYear] | None = None
        self.parents: Container[str] | None = None

    def parent_codes(self) -> Container[str]:
        """What ``code in ...`` asks of: is this account a parent? One index lookup per
        code when the repository offers ``has_children``, else the chart read once."""
        if self.parents is None:
            has_children = getattr(self.repo, "has_children", None)
            if has_children is not None:
                self.parents = _Parents(has_children)
            else:
                self.parents = {a.parent for a in self.repo.list_accounts() if a.parent}
        return self.parents

    def check_open(self, day: date, field: str = "date", allow_closed: bool = False) -> None:
        if self.years is None:
            self.years = self.repo.list_fiscal_years()
        check_open(self.years, day, field=field, allow_closed=allow_closed)


def _not_before(day: date, start: date, field: str, what: str) -> None:
    """Refuse ``day`` before ``start``: an entry that reverses, corrects or posts another
    is not dated before it (``ValidationError`` naming ``field`` and ``day``)."""
    if day < start:
        raise ValidationError(f"must not come before {what}, dated {start}", field=field,
                              value=day)


def _check_entry(value: object, field: str = "entry") -> None:
    if not isinstance(value, NewEntry):
        raise ValidationError("expected a NewEntry", field=field, value=value)



class LedgerBase:
    """The ledger service's plumbing (see the module text)."""

    def __init__(self, uow: Callable[[], Any], clock: Any, ids: Any) -> None:
        self._uow = uow
        self._clock = clock
        self._ids = ids

    # ------------------------------------------------------------------ plumbing
    # Every operation runs in a unit of work opened here, in the library's exact decimal
    # context (money.EXACT): results never depend on the caller's context, which is its own
    # again when the call returns (decimal contexts are per thread).
    @contextmanager
    def _work(self) -> Iterator[_Ctx]:
        with localcontext(EXACT), self._uow() as uow:
            uow.ledger.last_entry()  # the book's write lock first: checks see a stable state
            ctx = _Ctx(uow.ledger, uow.book)
            yield ctx
            uow.commit()

    @contextmanager
    def _read(self) -> Iterator[_Ctx]:
        with localcontext(EXACT), self._uow() as uow:
            yield _Ctx(uow.ledger, uow.book)

    def _post(
        self,
        ctx: _Ctx,
        entry: NewEntry,
        status: EntryStatus,
        kind: EntryKind,
        related: str | None = None,
        expires_at: datetime | None = None,
        postings: Sequence[Posting] | None = None,
        timeout: timedelta | None = None,
        allow_closed: bool = False,
        date_field: str = "date",
    ) -> PostResult:
        """Post ``entry`` (or ``postings`` derived from stored entries) in ``ctx``.

        ``date_field`` names the caller's argument that dated the entry (``on`` for a
        reversal, ``reverse_on`` for a revaluation's reversal) in the error a closed or
        missing period raises.
        """
        repo = ctx.repo
        head = repo.last_entry()  # the book's write lock: taken before anything is read
        settings = ctx.settings
        functional = settings.functional_currency
        key = entry.idempotency_key
        earlier = repo.find_by_idempotency_key(key) if key is not None else None
        plain = status is _POSTED and kind is _STANDARD and not expires_at
        # a hold with a timeout is identified by the timeout, not by "now + timeout", so a
        # retry after the clock moved still replays
        deadline = f"+{timeout}" if timeout is not None else (expires_at or "")
        extra = "" if plain else f"{status.value}:{kind.value}:{related or ''}:{deadline}"
        fp = ""

        def rates(code: str, day: date) -> Decimal | None:
            return rate_in_force(repo, code, functional, day)

        if postings is not None:  # derived from stored entries (a mirror): hashed as they are
            if key is not None:
                fp = fingerprint(entry.date, entry.description, entry.reference, postings, extra)
        elif earlier is not None:
            # a retry is compared with what the caller sent first, not with what the rate
            # table makes of it today; other content is checked by the rules (which name
            # what is wrong with it) against the chart as the first post saw it (as_active)
            fp = entry_fingerprint(entry, functional, extra) or ""
            if earlier.fingerprint != fp:
                postings = build_postings(entry, functional, as_active(repo.get_account), rates,
                                          settings.roles.get("currency_trading"),
                                          ctx.parent_codes())
                # a fingerprint stored before it covered the lines as sent
                fp = fingerprint(entry.date, entry.description, entry.reference, postings,
                                 extra)
        else:
            postings = build_postings(entry, functional, repo.get_account, rates,
                                      settings.roles.get("currency_trading"), ctx.parent_codes())
            if key is not None:  # (None only for what the rules refuse: never here)
                fp = entry_fingerprint(entry, functional, extra, postings) or fingerprint(
                    entry.date, entry.description, entry.reference, postings, extra)
        if earlier is not None:
            if earlier.fingerprint != fp:
                raise IdempotencyConflictError(
                    "idempotency key reused with different content",
                    field="idempotency_key", value=key)
            return PostResult(earlier, self._touched(repo, earlier), created=False)
        assert postings is not None
        if postings:  # voids and expiries move no posted amount: a closed month can't trap them
            # after the replay check, so a late retry still gets its answer; closing entries
            # (and their reopening) may land in a closed, not a locked, period
            ctx.check_open(entry.date, date_field, allow_closed)
        if status is _PENDING:
            deltas = pending_deltas(postings, entry.date, 1)
        else:
            deltas = deltas_for(postings, entry.date)
        if related is not None and kind in RESOLUTIONS:
            held = repo.get_entry(related)
            assert held is not None
            deltas = pending_deltas(held.postings, held.date, -1) + deltas
        check_limits(deltas, repo.get_account, repo.get_balance)
        je = JournalEntry(
            self._ids.new_id(), (head.seq if head else 0) + 1, entry.date, entry.description,
            tuple(postings), entry.reference, entry.idempotency_key, status, kind, related,
            expires_at, self._clock.now(), fp, head.hash if head else "")
        je = je._replace(hash=chain_hash(je))
        repo.add_entries([je])
        repo.apply_deltas(deltas)
        return PostResult(je, self._touched(repo, je))

    @staticmethod
    def _touched(repo: LedgerRepository, entry: JournalEntry) -> tuple[Balance, ...]:
        keys = dict.fromkeys(BalanceKey(p.account, p.currency) for p in entry.postings)
        return tuple(repo.get_balance(k) for k in keys)
