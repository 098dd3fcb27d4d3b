"""Two-phase entries (holds): hold, post in full or in part, void, expire.

Part of :class:`~backoffice_core.ledger.service.Ledger`; reach it as ``bo.ledger``.

Example:
    >>> from datetime import date
    >>> import backoffice_core as bc
    >>> bo = bc.Backoffice.open("memory://")
    >>> bo.ledger.setup("X", currency="USD", chart="generic")
    >>> held = bo.ledger.hold(bc.NewEntry(date(2026, 1, 2), "Card authorisation",
    ...     [bc.debit("1140", "30.00"), bc.credit("4100", "30.00")])).entry
    >>> [e.id for e in bo.ledger.pending()] == [held.id]
    True
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Any

from backoffice_core.dates import check_date
from backoffice_core.errors import NotFoundError, PendingEntryError, ValidationError
from backoffice_core.ledger._service_base import (
    LedgerBase,
    PostResult,
    _check_entry,
    _Ctx,
    _not_before,
)
from backoffice_core.ledger.entries import (
    EntryKind,
    EntryStatus,
    JournalEntry,
    Line,
    NewEntry,
    Posting,
    kept_entry,
)
from backoffice_core.ledger.posting import build_postings
from backoffice_core.ledger.rates import rate_in_force
from backoffice_core.money import Money, to_minor
from backoffice_core.text import check_lookup

__all__ = ["HoldsApi"]


class HoldsApi(LedgerBase):
    """Two-phase entries (holds): hold, post in full or in part, void, expire."""

    # ------------------------------------------------------------------ two-phase
    def hold(self, entry: NewEntry, *, timeout: timedelta | None = None,
             expires_at: datetime | None = None) -> PostResult:
        """Post a pending (two-phase) entry: it reserves amounts but moves no balance.

        Pending amounts count against account limits. Resolve it with
        :meth:`post_pending`, :meth:`void_pending`, or let it expire. ``timeout`` is
        positive and ``expires_at`` (timezone-aware) after the clock's now: a hold is
        never expired when taken.

        Example:
            >>> import backoffice_core as bc
            >>> from datetime import date, timedelta
            >>> bo = bc.Backoffice.open("memory://")
            >>> bo.ledger.setup("X", currency="USD", chart="generic")
            >>> h = bo.ledger.hold(bc.NewEntry(date(2026, 1, 2), "Card auth",
            ...     [bc.debit("1140", "50.00"), bc.credit("4100", "50.00")]),
            ...     timeout=timedelta(days=7))
            >>> bo.ledger.balance_detail("1140").pending_debits
            5000
        """
        if expires_at is not None and (not isinstance(expires_at, datetime)
                                       or expires_at.tzinfo is None):
            raise ValidationError("expires_at must be a timezone-aware datetime",
                                  field="expires_at", value=expires_at)
        if timeout is not None and expires_at is not None:
            raise ValidationError("give timeout or expires_at, not both", field="timeout",
                                  value=timeout)
        _check_entry(entry)
        if timeout is not None:
            if not isinstance(timeout, timedelta):
                raise ValidationError("timeout must be a timedelta", field="timeout",
                                      value=timeout)
            if timeout <= timedelta(0):
                raise ValidationError("timeout must be positive", field="timeout",
                                      value=timeout)
            try:
                expires_at = self._clock.now() + timeout
            except OverflowError:
                raise ValidationError("timeout runs past the last representable date",
                                      field="timeout", value=timeout) from None
        with self._work() as ctx:
            key = entry.idempotency_key
            # a fresh hold only: a retry is answered with the first hold, even once the
            # expiry it asked for has passed
            if (timeout is None and expires_at is not None and expires_at <= self._clock.now()
                    and (key is None or ctx.repo.find_by_idempotency_key(key) is None)):
                raise ValidationError("expires_at must come after now; the hold would be "
                                      "expired when taken", field="expires_at",
                                      value=expires_at)
            return self._post(ctx, entry, EntryStatus.PENDING, EntryKind.STANDARD,
                              expires_at=expires_at, timeout=timeout)

    def _pending(self, ctx: _Ctx, pending_id: str) -> JournalEntry:
        check_lookup("pending_id", pending_id)
        held = ctx.repo.get_entry(pending_id)
        if held is None:
            raise NotFoundError("no such entry", field="pending_id", value=pending_id)
        if held.status is not EntryStatus.PENDING:
            raise PendingEntryError("entry is not pending", field="pending_id",
                                    value=pending_id)
        done = ctx.repo.find_resolution(pending_id)
        if done is not None:
            raise PendingEntryError(f"pending entry already resolved ({done.kind.value})",
                                    field="pending_id", value=pending_id)
        return held

    def post_pending(self, pending_id: str, *, lines: Sequence[Line] | None = None,
                     amount: Any = None, on: date | None = None) -> PostResult:
        """Post a pending entry in full, or in part.

        Partial: ``amount`` scales a two-line hold down to that amount, or
        ``lines`` gives a balanced set no larger than the hold, line by line.
        The rest of the hold is released. A hold resolves at most once; an
        expired hold cannot be posted. ``on`` (default: the hold's date) may not come
        before the hold's date.

        Example:
            >>> import backoffice_core as bc
            >>> from datetime import date
            >>> bo = bc.Backoffice.open("memory://")
            >>> bo.ledger.setup("X", currency="USD", chart="generic")
            >>> held = bo.ledger.hold(bc.NewEntry(date(2026, 1, 2), "Card auth",
            ...     [bc.debit("1140", "50.00"), bc.credit("4100", "50.00")])).entry
            >>> bo.ledger.post_pending(held.id, amount="30.00").balance("1140")
            Money('30.00', 'USD')
            >>> bo.ledger.balance_detail("1140").pending_debits  # the rest is released
            0
        """
        with self._work() as ctx:
            held = self._pending(ctx, pending_id)
            if held.expires_at is not None and self._clock.now() >= held.expires_at:
                raise PendingEntryError("pending entry has expired", field="pending_id",
                                        value=pending_id)
            day = on or held.date
            check_date(day, "on")
            _not_before(day, held.date, "on", "the hold it posts")
            if lines is None and amount is None:
                postings: Sequence[Posting] = held.postings
            elif amount is not None:
                if lines is not None:
                    raise ValidationError("give lines or amount, not both", field="amount",
                                          value=amount)
                if len(held.postings) != 2:
                    raise ValidationError("amount= works on two-line holds; pass lines=",
                                          field="amount", value=amount)
                a, b = held.postings
                money = amount if isinstance(amount, Money) else Money(amount, a.currency)
                minor = to_minor(money)
                if money.code != a.currency or not 0 < minor <= abs(a.amount):
                    raise PendingEntryError("amount must be positive and within the hold",
                                            field="amount", value=amount)
                sign = 1 if a.amount > 0 else -1
                # the hold's own rate, half-up like every conversion, whichever line is first
                whole = abs(a.amount)
                part_fn = (2 * abs(a.functional) * minor + whole) // (2 * whole)
                postings = [
                    Posting(a.account, sign * minor, a.currency, sign * part_fn,
                            a.dimensions, a.memo),
                    Posting(b.account, -sign * minor, b.currency, -sign * part_fn,
                            b.dimensions, b.memo),
                ]
            else:
                assert lines is not None
                probe = kept_entry(day, held.description, lines)
                postings = build_postings(
                    probe, ctx.settings.functional_currency, ctx.repo.get_account,
                    lambda c, d: rate_in_force(ctx.repo, c, ctx.settings.functional_currency, d),
                    ctx.settings.roles.get("currency_trading"), ctx.parent_codes())
                self._within_hold(held, postings)
            new = kept_entry(day, held.description, reference=held.reference)
            return self._post(ctx, new, EntryStatus.POSTED, EntryKind.PENDING_POST, pending_id,
                              postings=tuple(postings), date_field="on")

    @staticmethod
    def _within_hold(held: JournalEntry, postings: Sequence[Posting]) -> None:
        room: dict[tuple[str, str, int], int] = {}
        for p in held.postings:
            k = (p.account, p.currency, 1 if p.amount > 0 else -1)
            room[k] = room.get(k, 0) + abs(p.amount)
        for i, p in enumerate(postings):
            k = (p.account, p.currency, 1 if p.amount > 0 else -1)
            left = room.get(k, 0) - abs(p.amount)
            if left < 0:
                raise PendingEntryError("line exceeds what the hold reserved on this account",
                                        field=f"lines[{i}]", value=p.account)
            room[k] = left

    def void_pending(self, pending_id: str) -> PostResult:
        """Void a pending entry: release everything it reserved. A hold resolves once:
        voiding a resolved one is a ``PendingEntryError``.

        Example:
            >>> import backoffice_core as bc
            >>> from datetime import date
            >>> bo = bc.Backoffice.open("memory://")
            >>> bo.ledger.setup("X", currency="USD", chart="generic")
            >>> held = bo.ledger.hold(bc.NewEntry(date(2026, 1, 2), "Card auth",
            ...     [bc.debit("1140", "50.00"), bc.credit("4100", "50.00")])).entry
            >>> bo.ledger.void_pending(held.id).entry.kind
            <EntryKind.PENDING_VOID: 'pending_void'>
            >>> bo.ledger.balance_detail("1140").pending_debits, bo.ledger.pending()
            (0, [])
        """
        with self._work() as ctx:
            held = self._pending(ctx, pending_id)
            new = kept_entry(held.date, f"Void of {held.description}")
            return self._post(ctx, new, EntryStatus.POSTED, EntryKind.PENDING_VOID, pending_id,
                              postings=())

    def expire_pending(self) -> list[JournalEntry]:
        """Expire every pending entry whose timeout has passed (by the book's clock),
        releasing what it reserved; returns the expirations, ``[]`` when none is due.

        Example:
            >>> import backoffice_core as bc
            >>> from datetime import date, datetime, timedelta, timezone
            >>> clock = bc.FixedClock(datetime(2026, 1, 2, 9, 0, tzinfo=timezone.utc))
            >>> bo = bc.Backoffice.open("memory://", clock=clock)
            >>> bo.ledger.setup("X", currency="USD", chart="generic")
            >>> _ = bo.ledger.hold(bc.NewEntry(date(2026, 1, 2), "Card auth",
            ...     [bc.debit("1140", "50.00"), bc.credit("4100", "50.00")]),
            ...     timeout=timedelta(days=7))
            >>> bo.ledger.expire_pending()
            []
            >>> _ = clock.advance(timedelta(days=7))
            >>> [e.description for e in bo.ledger.expire_pending()]
            ['Expiry of Card auth']
        """
        out: list[JournalEntry] = []
        with self._work() as ctx:
            now = self._clock.now()
            for held in ctx.repo.pending_entries():
                if held.expires_at is not None and now >= held.expires_at:
                    new = kept_entry(held.date, f"Expiry of {held.description}")
                    out.append(self._post(ctx, new, EntryStatus.POSTED,
                                          EntryKind.PENDING_EXPIRE, held.id, postings=()).entry)
        return out

    def pending(self) -> list[JournalEntry]:
        """Pending entries not yet resolved (posted, voided or expired), in the order taken.

        Example:
            >>> import backoffice_core as bc
            >>> from datetime import date
            >>> bo = bc.Backoffice.open("memory://")
            >>> bo.ledger.setup("X", currency="USD", chart="generic")
            >>> _ = bo.ledger.hold(bc.NewEntry(date(2026, 1, 2), "Card auth",
            ...     [bc.debit("1140", "50.00"), bc.credit("4100", "50.00")]))
            >>> [(e.description, e.status) for e in bo.ledger.pending()]
            [('Card auth', <EntryStatus.PENDING: 'pending'>)]
        """
        with self._read() as ctx:
            return ctx.repo.pending_entries()
