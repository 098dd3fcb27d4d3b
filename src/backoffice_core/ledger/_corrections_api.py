"""Reversals and corrections: a posted entry is never edited, it is undone by its mirror.

Part of :class:`~backoffice_core.ledger.service.Ledger`; reach it as ``bo.ledger``.

Example:
    >>> from datetime import date
    >>> import backoffice_core as bc
    >>> bo = bc.Backoffice.open("memory://")
    >>> bo.ledger.setup("X", currency="USD", chart="generic")
    >>> e = bo.ledger.post(bc.NewEntry(date(2026, 1, 2), "Typo",
    ...     [bc.debit("1110", "10.00"), bc.credit("4100", "10.00")])).entry
    >>> bo.ledger.reverse(e.id, on=date(2026, 1, 2)).entry.kind.value
    'reversal'
"""

from __future__ import annotations

from datetime import date

from backoffice_core.dates import check_date
from backoffice_core.errors import (
    DuplicateError,
    IdempotencyConflictError,
    NotFoundError,
    PeriodClosedError,
    ValidationError,
)
from backoffice_core.ledger._service_base import LedgerBase, PostResult, _Ctx, _not_before
from backoffice_core.ledger.entries import (
    EntryKind,
    EntryStatus,
    JournalEntry,
    NewEntry,
    Posting,
    kept_entry,
)
from backoffice_core.ledger.posting import build_postings
from backoffice_core.ledger.rates import rate_in_force
from backoffice_core.ledger.repository import LedgerRepository, revaluations_of
from backoffice_core.text import check_lookup

__all__ = ["CorrectionsApi"]


def _mirror(original: JournalEntry) -> tuple[Posting, ...]:
    """The postings that undo ``original``'s: every amount negated, all else kept."""
    return tuple(Posting(p.account, -p.amount, p.currency, -p.functional, p.dimensions,
                         p.memo) for p in original.postings)


def _given(day: date, description: str | None, key: str | None) -> None:
    """Check what a caller gives a mirror entry (its description, its key) as new input:
    the rest of its text is the stored entry's (:func:`~backoffice_core.ledger.entries.
    kept_entry`)."""
    if description or key is not None:
        NewEntry(day, description or "-", (), idempotency_key=key)


def _in_force(entry: JournalEntry, reversal: JournalEntry) -> bool:
    """Whether ``entry`` less its ``reversal`` (a mirror of all or part of it) still moves
    a balance: the part a revaluation's automatic reversal leaves, its realized lines."""
    net: dict[tuple[str, str, tuple[tuple[str, str], ...]], list[int]] = {}
    for e in (entry, reversal):
        for p in e.postings:
            row = net.setdefault((p.account, p.currency, p.dimensions), [0, 0])
            row[0] += p.amount
            row[1] += p.functional
    return any(amount or fn for amount, fn in net.values())


def _undo_of(repo: LedgerRepository, revaluation: JournalEntry) -> JournalEntry | None:
    """The undo of ``revaluation`` (the mirror ``reverse()`` or ``correct()`` posted of
    it, kind ``REVALUATION`` with ``related`` naming it), if it was undone."""
    if revaluation.kind is not EntryKind.REVALUATION or not revaluation.postings:
        return None
    return next((e for e in revaluations_of(repo, revaluation.postings[0].account,
                                            revaluation.date, None)
                 if e.related == revaluation.id), None)


def _refuse_undone(repo: LedgerRepository, original: JournalEntry, late: JournalEntry,
                   day: date) -> None:
    """Refuse to undo revaluation ``original`` from ``day`` a second time (``late``, its
    later reversal, reversed already: by the first undo) or when nothing of it is left on
    ``day`` (``late`` took back all of it by then): ``DuplicateError`` naming
    ``entry_id``."""
    if repo.find_reversal(late.id) is not None:
        raise DuplicateError(f"entry already reversed, by {late.id} on {late.date}, "
                             "and undone since (that reversal is reversed)",
                             field="entry_id", value=original.id)
    if day >= late.date and not _in_force(original, late):
        raise DuplicateError(f"entry already reversed, in full, by {late.id} on {late.date}",
                             field="entry_id", value=original.id)


def _undoes_a_revaluation(repo: LedgerRepository, entry: JournalEntry) -> bool:
    """Whether ``entry`` is the second half of a revaluation's undo: the reversal of the
    revaluation's own (later) reversal, posted with the mirror that undoes it."""
    if entry.kind is not EntryKind.REVERSAL or entry.related is None:
        return False
    late = repo.get_entry(entry.related)
    if late is None or late.kind is not EntryKind.REVERSAL or late.related is None:
        return False
    revaluation = repo.get_entry(late.related)
    return revaluation is not None and _undo_of(repo, revaluation) is not None


def _refuse_closing(repo: LedgerRepository, original: JournalEntry, entry_id: str) -> None:
    """Refuse to undo a year-end closing, or its reopening, or a revaluation's undo (the
    mirror :meth:`CorrectionsApi._undo_revaluation` posts, or the reversal of the
    automatic reversal it posts with it), or a revaluation's reversal (the automatic one
    of ``reverse_on``, or one by ``reverse()``), by a reversal.

    A revaluation's reversal reversed by hand would put back what the revaluation's
    undo takes back from it: the revaluation could no longer be undone. Its undo, then
    revaluing the date again, is the way to keep or change a revaluation.

    A closing entry is undone by ``reopen_year`` and a reopening by ``close_year`` again:
    a reversal of either would move the year's result while the year's state (closed or
    open, and the closing entry the income statement adds back) said otherwise.
    ``ValidationError`` naming ``entry_id``.
    """
    if original.kind is EntryKind.REVALUATION and original.related is not None:
        raise ValidationError("the undo of a revaluation is final: revalue the date again "
                              "instead", field="entry_id", value=entry_id)
    if _undoes_a_revaluation(repo, original):
        raise ValidationError("the undo of a revaluation is final: this reverses its "
                              "automatic reversal; revalue the date again instead",
                              field="entry_id", value=entry_id)
    if original.kind is EntryKind.CLOSING:
        raise ValidationError("a closing entry is undone by reopening its year",
                              field="entry_id", value=entry_id)
    if original.kind is EntryKind.REVERSAL and original.related is not None:
        undone = repo.get_entry(original.related)
        if undone is not None and undone.kind is EntryKind.CLOSING:
            raise ValidationError("a year's reopening is undone by closing the year again",
                                  field="entry_id", value=entry_id)
        # (one its undo reversed already is a DuplicateError, as any reversed entry)
        if (undone is not None and undone.kind is EntryKind.REVALUATION
                and repo.find_reversal(original.id) is None):
            raise ValidationError(
                f"this is the reversal of revaluation {undone.id}, which its undo takes "
                f"back: undo the revaluation with reverse({undone.id!r}) and revalue the "
                "date again (without reverse_on, to keep it)", field="entry_id",
                value=entry_id)


class CorrectionsApi(LedgerBase):
    """Reversal and correction of posted entries (mixed into ``Ledger``)."""

    # ------------------------------------------------------------------ reversal
    def reverse(self, entry_id: str, on: date | None = None, description: str | None = None,
                idempotency_key: str | None = None) -> PostResult:
        """Post the mirror of a posted entry, dated ``on`` (default: today).

        The original stays untouched; an entry is reversed at most once, on or after
        its own date (an earlier ``on`` is a ``ValidationError`` naming ``on``). A
        year-end closing and its reopening are undone by ``reopen_year`` and
        ``close_year``, not here (``ValidationError`` naming ``entry_id``).

        A revaluation whose reversal comes after its date (the automatic one of
        ``revalue(reverse_on=...)``, which takes back only the unrealized part, or a
        ``reverse()`` dated later) is still undone from ``on``: this posts the mirror of
        the whole revaluation on ``on`` (kind ``REVALUATION``, ``related`` naming it: an
        undo) and the reversal of that later reversal on its own date (on ``on``, if
        later), and returns the mirror. Dated on the revaluation's own date, the undo
        makes it count on no day, so an earlier date can be revalued. Once only, and
        only while something of it is left on ``on`` (``DuplicateError`` naming
        ``entry_id``); the undo's two entries are not reversed (``ValidationError``
        naming ``entry_id``): revalue the date again instead. Nor is a revaluation's
        reversal reversed by hand (``ValidationError`` naming ``entry_id``): its undo
        would no longer find it to take back; undo the revaluation instead.

        Example:
            >>> import backoffice_core as bc
            >>> from datetime import date
            >>> bo = bc.Backoffice.open("memory://")
            >>> bo.ledger.setup("X", currency="USD", chart="generic")
            >>> e = bo.ledger.post(bc.NewEntry(date(2026, 1, 2), "Typo",
            ...     [bc.debit("1110", "10.00"), bc.credit("4100", "10.00")])).entry
            >>> r = bo.ledger.reverse(e.id, on=date(2026, 1, 3))
            >>> bo.ledger.balance("1110"), r.entry.related == e.id
            (Money('0.00', 'USD'), True)
        """
        check_lookup("entry_id", entry_id)
        with self._work() as ctx:
            original = ctx.repo.get_entry(entry_id)
            if original is None:
                raise NotFoundError("no such entry", field="entry_id", value=entry_id)
            if original.status is not EntryStatus.POSTED:
                raise ValidationError("only posted entries can be reversed; void a pending "
                                      "entry instead", field="entry_id", value=entry_id)
            _refuse_closing(ctx.repo, original, entry_id)
            if not original.postings:
                raise ValidationError("entry has no postings to reverse", field="entry_id",
                                      value=entry_id)
            earlier = (ctx.repo.find_by_idempotency_key(idempotency_key)
                       if idempotency_key is not None else None)
            replay = earlier is not None
            late = ctx.repo.find_reversal(entry_id)
            # a revaluation reversed after its date (reverse_on, or reverse() dated later) is
            # still undone from an earlier day: see _undo_revaluation; not when ``late`` is
            # the reversal this key posted (a retry of it replays it)
            undo = (late is not None and original.kind is EntryKind.REVALUATION
                    and late.date > original.date
                    and not (earlier is not None and earlier.id == late.id))
            if not replay and late is not None and not undo:
                raise DuplicateError("entry already reversed", field="entry_id", value=entry_id)
            day = self._clock.today() if on is None else check_date(on, "on")
            if not replay:  # a retry is judged by its key: what it first posted, or a conflict
                _not_before(day, original.date, "on", "the entry it reverses")
            if undo:
                assert late is not None
                return self._undo_revaluation(ctx, original, late, day, description,
                                              idempotency_key, replay)
            mirror = _mirror(original)
            _given(day, description, idempotency_key)
            new = kept_entry(day, description or f"Reversal of {original.description}",
                             reference=original.reference, idempotency_key=idempotency_key)
            return self._post(ctx, new, EntryStatus.POSTED, EntryKind.REVERSAL, entry_id,
                              postings=mirror, date_field="on")

    def _undo_revaluation(self, ctx: _Ctx, original: JournalEntry, late: JournalEntry,
                          day: date, description: str | None, key: str | None,
                          replay: bool) -> PostResult:
        """Undo revaluation ``original`` from ``day``, though ``late`` reversed it later.

        ``late`` (its automatic reversal on ``reverse_on``, or a later ``reverse()``) holds
        the entry's one reversal, so the undo is two entries: the mirror of the whole
        revaluation on ``day`` (kind ``REVALUATION``, ``related`` naming it: an undo, not a
        revaluation of its own), and the reversal of ``late`` on ``late``'s date (on
        ``day`` when that is later), so that ``late`` does not take back a second time
        what the mirror already took back. From ``day`` on the revaluation counts for
        nothing; dated on its own date, it counts on no day. Once only: the reversal of
        ``late`` is unique (``DuplicateError`` naming ``entry_id``), and so when nothing of
        the revaluation is left on ``day`` (``late`` took back all of it by then).
        """
        entry_id = original.id
        _given(day, description, key)
        new = kept_entry(day, description or f"Undo of {original.description}",
                         reference=original.reference, idempotency_key=key)
        if not replay:
            _refuse_undone(ctx.repo, original, late, day)
        result = self._post(ctx, new, EntryStatus.POSTED, EntryKind.REVALUATION, entry_id,
                            postings=_mirror(original), date_field="on")
        if not result.created:  # a retry: the undo was written in full the first time
            return result
        back = kept_entry(max(day, late.date), f"Reversal of {late.description}",
                          reference=late.reference)
        try:
            self._post(ctx, back, EntryStatus.POSTED, EntryKind.REVERSAL, late.id,
                       postings=_mirror(late), date_field="on")
        except PeriodClosedError as err:
            if back.date == day:
                raise
            raise PeriodClosedError(f"the reversal of {late.id} on {late.date} that the undo "
                                    f"posts: {err}", field="entry_id", value=entry_id) from err
        return result

    def correct(self, entry_id: str, replacement: NewEntry) -> tuple[PostResult, PostResult]:
        """Reverse an entry and post its replacement in one unit of work.

        The reversal is dated on the replacement's date, which therefore may not come
        before the entry's own date (``ValidationError`` naming ``date``). A replacement
        with an
        ``idempotency_key`` makes the correction safe to retry: when that key
        already posted the same replacement and the entry was reversed on its date,
        the call returns both earlier entries (``created`` False) and writes
        nothing; the key with other content raises ``IdempotencyConflictError``, and
        so does a key already used by an entry while ``entry_id`` is not reversed.
        Without a key, a second correction of the same entry raises
        ``DuplicateError``. A revaluation whose reversal comes after its date (the
        automatic one of ``reverse_on``) is undone as ``reverse()`` undoes it, on the
        replacement's date (the undo, kind ``REVALUATION``, is the first result); the
        same refusals apply.

        Example:
            >>> import backoffice_core as bc
            >>> from datetime import date
            >>> bo = bc.Backoffice.open("memory://")
            >>> bo.ledger.setup("X", currency="USD", chart="generic")
            >>> wrong = bo.ledger.post(bc.NewEntry(date(2026, 1, 5), "Sale",
            ...     [bc.debit("1110", "10.00"), bc.credit("4100", "10.00")])).entry
            >>> fixed = bc.NewEntry(date(2026, 1, 6), "Sale (corrected)",
            ...     [bc.debit("1110", "12.00"), bc.credit("4100", "12.00")],
            ...     idempotency_key="fix-sale-1")
            >>> rev, new = bo.ledger.correct(wrong.id, fixed)
            >>> again = bo.ledger.correct(wrong.id, fixed)  # a retry: nothing written
            >>> [r.entry.id for r in again] == [rev.entry.id, new.entry.id], again[1].created
            (True, False)
            >>> bo.ledger.balance("1110"), len(bo.ledger.entries())
            (Money('12.00', 'USD'), 3)
        """
        check_lookup("entry_id", entry_id)
        rev_and_new: list[PostResult] = []
        with self._work() as ctx:
            original = ctx.repo.get_entry(entry_id)
            if original is None:
                raise NotFoundError("no such entry", field="entry_id", value=entry_id)
            if original.status is not EntryStatus.POSTED or not original.postings:
                raise ValidationError("only posted entries with postings can be corrected",
                                      field="entry_id", value=entry_id)
            _refuse_closing(ctx.repo, original, entry_id)
            reversal = ctx.repo.find_reversal(entry_id)
            key = replacement.idempotency_key
            if key is not None and ctx.repo.find_by_idempotency_key(key) is not None:
                # a retry: the reversal (or a revaluation's undo) on the replacement's date
                done = next((e for e in (_undo_of(ctx.repo, original), reversal)
                             if e is not None and e.date == replacement.date), None)
                if done is None:
                    raise IdempotencyConflictError(
                        "idempotency key already used by another entry than this correction",
                        field="idempotency_key", value=key)
                # the replacement replays (or its changed content is a conflict)
                again = self._post(ctx, replacement, EntryStatus.POSTED, EntryKind.STANDARD)
                return (PostResult(done, self._touched(ctx.repo, done), created=False), again)
            # a revaluation reversed after its date is undone, as reverse() undoes it
            undo = (reversal is not None and original.kind is EntryKind.REVALUATION
                    and reversal.date > original.date)
            if reversal is not None and not undo:
                raise DuplicateError("entry already reversed", field="entry_id", value=entry_id)
            check_date(replacement.date, "date")
            # the reversal is dated on the replacement's date
            _not_before(replacement.date, original.date, "date", "the entry it corrects")
            if undo:
                assert reversal is not None
                _refuse_undone(ctx.repo, original, reversal, replacement.date)
            build_postings(replacement, ctx.settings.functional_currency, ctx.repo.get_account,
                           lambda c, d: rate_in_force(
                               ctx.repo, c, ctx.settings.functional_currency, d),
                           ctx.settings.roles.get("currency_trading"), ctx.parent_codes())
            if undo:
                assert reversal is not None
                rev_and_new.append(self._undo_revaluation(ctx, original, reversal,
                                                          replacement.date, None, None, False))
            else:
                rev = kept_entry(replacement.date, f"Reversal of {original.description}",
                                 reference=original.reference)
                rev_and_new.append(self._post(ctx, rev, EntryStatus.POSTED, EntryKind.REVERSAL,
                                              entry_id, postings=_mirror(original)))
            rev_and_new.append(self._post(ctx, replacement, EntryStatus.POSTED,
                                          EntryKind.STANDARD))
        return rev_and_new[0], rev_and_new[1]
