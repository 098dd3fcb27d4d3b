"""The ledger service: every ledger operation, each in one unit of work.

Reach it as ``bo.ledger`` from a :class:`~backoffice_core.Backoffice`. Every
method opens a unit of work, applies the pure rules of
:mod:`~backoffice_core.ledger.posting`, and commits; when anything fails the
unit of work rolls back and the book is exactly as before.

:class:`Ledger` holds posting and the reads; its other parts are mixed in from
modules named for what they hold: the book and its chart (:mod:`._chart_api`),
reversals and corrections (:mod:`._corrections_api`), two-phase entries
(:mod:`._holds_api`), periods and closing (:mod:`._periods_api`), rates and
revaluation (:mod:`._fx_api`), all on the shared plumbing of
:mod:`._service_base`.

Example:
    >>> from datetime import date
    >>> import backoffice_core as bc
    >>> bo = bc.Backoffice.open("memory://")
    >>> bo.ledger.setup("Demo Ltd", currency="USD", chart="generic")
    >>> r = bo.ledger.post(bc.NewEntry(date(2026, 1, 5), "Owner invests",
    ...     [bc.debit("1120", "5000.00"), bc.credit("3100", "5000.00")]))
    >>> bo.ledger.balance("1120")
    Money('5000.00', 'USD')
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from operator import attrgetter
from typing import TYPE_CHECKING, Any

from backoffice_core._collector import collector_paused
from backoffice_core.dates import check_date, check_range
from backoffice_core.errors import (
    NotFoundError,
    ValidationError,
)
from backoffice_core.ledger._chart_api import ChartApi
from backoffice_core.ledger._corrections_api import CorrectionsApi
from backoffice_core.ledger._fx_api import FxApi
from backoffice_core.ledger._holds_api import HoldsApi
from backoffice_core.ledger._periods_api import PeriodsApi
from backoffice_core.ledger._service_base import (
    _POSTED,
    _STANDARD,
    PostResult,
    _check_entry,
    _Ctx,
)
from backoffice_core.ledger.balances import Balance, BalanceKey
from backoffice_core.ledger.batch import post_batch
from backoffice_core.ledger.entries import EntryRecord, JournalEntry, NewEntry
from backoffice_core.ledger.rates import rate_in_force
from backoffice_core.ledger.repository import LedgerRepository
from backoffice_core.ledger.verify import VerificationReport, verify_ledger
from backoffice_core.money import Money, currency_code, exactly, from_minor
from backoffice_core.text import check_lookup, not_found

if TYPE_CHECKING:
    from backoffice_core.ledger.reports import LedgerReports


__all__ = ["Ledger", "PostResult"]

_by_key = attrgetter("key")


class Ledger(ChartApi, CorrectionsApi, HoldsApi, PeriodsApi, FxApi):
    """Double-entry bookkeeping for one book.

    Built by :class:`~backoffice_core.Backoffice`; the unit-of-work factory,
    clock and id generator are injected, so the service holds no global state.
    """

    # ------------------------------------------------------------------ posting
    def post(self, entry: NewEntry) -> PostResult:
        """Post a balanced entry; returns it with the resulting balances.

        Reposting the same ``idempotency_key`` with the same content returns the
        first entry (``created=False``) and writes nothing; with different
        content it raises :class:`IdempotencyConflictError`.

        Example:
            >>> import backoffice_core as bc
            >>> from datetime import date
            >>> bo = bc.Backoffice.open("memory://")
            >>> bo.ledger.setup("X", currency="USD", chart="generic")
            >>> r = bo.ledger.post(bc.NewEntry(date(2026, 1, 2), "Sale",
            ...     [bc.debit("1110", "99.90"), bc.credit("4100", "99.90")],
            ...     idempotency_key="sale-1"))
            >>> r.balance("1110"), r.created
            (Money('99.90', 'USD'), True)
        """
        _check_entry(entry)
        with self._work() as ctx:
            return self._post(ctx, entry, _POSTED, _STANDARD)

    @exactly  # the caller's unit of work, the library's decimal context
    def post_within(self, uow: Any, entry: NewEntry) -> PostResult:
        """Post ``entry`` inside a unit of work the caller already holds (not committed here).

        This is how the other domains (inventory, documents, payroll) post to the
        ledger atomically with their own writes: they open one unit of work,
        write their aggregates, call ``post_within`` and commit once. If anything
        fails before that commit, the entry is rolled back with the rest.

        Example:
            >>> import backoffice_core as bc
            >>> from datetime import date
            >>> bo = bc.Backoffice.open("memory://")
            >>> bo.ledger.setup("X", currency="USD", chart="generic")
            >>> with bo.unit_of_work() as uow:
            ...     r = bo.ledger.post_within(uow, bc.NewEntry(date(2026, 1, 2), "Sale",
            ...         [bc.debit("1110", "5.00"), bc.credit("4100", "5.00")]))
            ...     uow.commit()
            >>> bo.ledger.balance("1110")
            Money('5.00', 'USD')
        """
        _check_entry(entry)
        return self._post(_Ctx(uow.ledger, uow.book), entry, _POSTED, _STANDARD)

    def post_many(self, entries: Iterable[NewEntry]) -> list[JournalEntry]:
        """Post many entries in one unit of work: all of them, or none.

        The bulk path: balance deltas are merged and written once.

        Example:
            >>> import backoffice_core as bc
            >>> from datetime import date
            >>> bo = bc.Backoffice.open("memory://")
            >>> bo.ledger.setup("X", currency="USD", chart="generic")
            >>> n = bo.ledger.post_many(bc.NewEntry(date(2026, 1, d), "Sale",
            ...     [bc.debit("1110", "1.00"), bc.credit("4100", "1.00")]) for d in (1, 2, 3))
            >>> len(n), bo.ledger.balance("1110")
            (3, Money('3.00', 'USD'))
        """
        with collector_paused(), self._work() as ctx:
            return self._post_batch(ctx, entries)

    def import_entries(self, source: Iterable[str | bytes], *,
                       chunk: int = 1000) -> list[JournalEntry]:
        """Post entries from JSON texts, one entry per item (a JSON-lines file): all or none.

        The bulk import: each text is validated by the boundary schema
        (:mod:`backoffice_core.schemas.ledger`: signed decimal-string amounts,
        unknown fields refused), then posted as by :meth:`post_many`, ``chunk``
        entries at a time, all in one unit of work. Any bad entry raises a typed
        error naming ``entries[n]`` and the field, and nothing is posted. Blank
        lines are skipped.

        Example:
            >>> import backoffice_core as bc
            >>> bo = bc.Backoffice.open("memory://")
            >>> bo.ledger.setup("X", currency="USD", chart="generic")
            >>> jsonl = ['{"date": "2026-01-02", "description": "Sale", "lines": ['
            ...          '{"account": "1110", "amount": "9.99"},'
            ...          ' {"account": "4100", "amount": "-9.99"}]}']
            >>> [e.seq for e in bo.ledger.import_entries(jsonl)], bo.ledger.balance("4100")
            ([1], Money('-9.99', 'USD'))
        """
        from backoffice_core.schemas.ledger import chunks, iter_entries  # pydantic: the boundary

        if type(chunk) is not int or chunk < 1:
            raise ValidationError("chunk must be a positive integer", field="chunk", value=chunk)
        if isinstance(source, str | bytes) or not hasattr(source, "__iter__"):
            # a text would be read one character per entry
            raise ValidationError("pass an iterable of JSON texts (a list, or an open file)",
                                  field="source", value=source)
        out: list[JournalEntry] = []
        with collector_paused(), self._work() as ctx:
            records = iter_entries(source, functional=ctx.settings.functional_currency)
            for batch in chunks(records, chunk):  # an entry's error after those before it
                out += self._post_batch(ctx, batch, len(out), priced=True)
        return out

    @exactly
    def post_many_within(self, uow: Any, entries: Iterable[NewEntry]) -> list[JournalEntry]:
        """Post many entries inside a unit of work the caller holds (not committed here).

        The bulk counterpart of :meth:`post_within`, for domains that issue many
        documents at once: the entries are checked and chained as in
        :meth:`post_many`, and they commit or roll back with the caller's writes.

        Example:
            >>> import backoffice_core as bc
            >>> from datetime import date
            >>> bo = bc.Backoffice.open("memory://")
            >>> bo.ledger.setup("X", currency="USD", chart="generic")
            >>> with bo.unit_of_work() as uow:
            ...     done = bo.ledger.post_many_within(uow, [bc.NewEntry(date(2026, 1, d),
            ...         "Sale", [bc.debit("1110", "2.00"), bc.credit("4100", "2.00")])
            ...         for d in (1, 2)])
            ...     uow.commit()
            >>> len(done), bo.ledger.balance("1110")
            (2, Money('4.00', 'USD'))
        """
        return self._post_batch(_Ctx(uow.ledger, uow.book), entries)

    def _post_batch(self, ctx: _Ctx, entries: Iterable[NewEntry | EntryRecord],
                    offset: int = 0, priced: bool = False) -> list[JournalEntry]:
        ctx.repo.last_entry()  # the book's write lock: taken before anything is read
        if isinstance(entries, list | tuple):
            batch = entries
        else:
            try:
                batch = list(entries)
            except TypeError:
                raise ValidationError("entries must be an iterable of NewEntry",
                                      field="entries", value=entries) from None
        settings = ctx.settings
        functional = settings.functional_currency

        def rates(code: str, day: date) -> Decimal | None:
            return rate_in_force(ctx.repo, code, functional, day)

        return post_batch(ctx.repo, batch, functional=functional,
                          trading=settings.roles.get("currency_trading"),
                          parents=ctx.parent_codes(), ids=self._ids.new_ids(len(batch)),
                          now=self._clock.now(), rates=rates, check_open=ctx.check_open,
                          offset=offset, priced=priced)

    # ------------------------------------------------------------------ reading entries
    def entry(self, entry_id: str) -> JournalEntry:
        """The stored entry ``entry_id``; ``NotFoundError`` if none.

        Example:
            >>> import backoffice_core as bc
            >>> from datetime import date
            >>> bo = bc.Backoffice.open("memory://")
            >>> bo.ledger.setup("X", currency="USD", chart="generic")
            >>> posted = bo.ledger.post(bc.NewEntry(date(2026, 1, 5), "Sale",
            ...     [bc.debit("1110", "80.00"), bc.credit("4100", "80.00")])).entry
            >>> e = bo.ledger.entry(posted.id)
            >>> e.description, e.status, [(p.account, p.amount) for p in e.postings]
            ('Sale', <EntryStatus.POSTED: 'posted'>, [('1110', 8000), ('4100', -8000)])
        """
        check_lookup("entry_id", entry_id)
        with self._read() as ctx:
            e = ctx.repo.get_entry(entry_id)
        if e is None:
            raise NotFoundError("no such entry", field="entry_id", value=entry_id)
        return e

    def entries(self, start: date | None = None, end: date | None = None,
                account: str | None = None) -> list[JournalEntry]:
        """Entries ordered by date, optionally from ``start`` to ``end`` (both included)
        and touching ``account`` (an archived one too). An account the book does not have
        is a ``NotFoundError`` naming ``account``, a range ending before it starts a
        ``ValidationError`` naming ``end`` (:func:`~backoffice_core.dates.check_range`).

        Example:
            >>> import backoffice_core as bc
            >>> from datetime import date
            >>> bo = bc.Backoffice.open("memory://")
            >>> bo.ledger.setup("X", currency="USD", chart="generic")
            >>> for day, text in ((9, "Rent"), (5, "Sale")):
            ...     _ = bo.ledger.post(bc.NewEntry(date(2026, 1, day), text,
            ...         [bc.debit("1110", "10.00"), bc.credit("4100", "10.00")]))
            >>> [e.description for e in bo.ledger.entries()]
            ['Sale', 'Rent']
            >>> [e.description for e in bo.ledger.entries(start=date(2026, 1, 6))]
            ['Rent']
        """
        check_range(start, end, optional=True)
        check_lookup("account", account, optional=True)
        with self._read() as ctx:
            if account is not None and ctx.repo.get_account(account) is None:
                raise not_found("account", "account", account)
            return list(ctx.repo.iter_entries(start, end, account))

    # ------------------------------------------------------------------ balances
    def balance_detail(self, account: str, currency: str | None = None, *,
                       as_of: date | None = None, dimension: tuple[str, str] | None = None,
                       rollup: bool = True) -> Balance:
        """The running total of an account in one currency (minor units, pending included).

        ``rollup`` adds the account's descendants; ``dimension`` is a
        ``(name, value)`` filter such as ``("project", "P1")``. A total ``as_of`` a day
        holds posted amounts only (pending ones are reserved now, not on a day).

        Example:
            >>> import backoffice_core as bc
            >>> from datetime import date
            >>> bo = bc.Backoffice.open("memory://")
            >>> bo.ledger.setup("X", currency="USD", chart="generic")
            >>> _ = bo.ledger.post(bc.NewEntry(date(2026, 1, 5), "Sale",
            ...     [bc.debit("1140", "80.00"), bc.credit("4100", "80.00")]))
            >>> _ = bo.ledger.hold(bc.NewEntry(date(2026, 1, 6), "Card auth",
            ...     [bc.debit("1140", "25.00"), bc.credit("4100", "25.00")]))
            >>> b = bo.ledger.balance_detail("1140")
            >>> b.debits, b.pending_debits, b.money
            (8000, 2500, Money('80.00', 'USD'))
        """
        if as_of is not None:
            check_date(as_of, "as_of")
        if dimension is not None:
            if not (isinstance(dimension, tuple | list) and len(dimension) == 2
                    and type(dimension[0]) is str and dimension[1] is not None):
                raise ValidationError("a dimension filter is a (name, value) pair",
                                      field="dimension", value=dimension)
            dimension = (dimension[0], str(dimension[1]))  # tagged values are stored as text
        wanted = None if currency is None else currency_code(currency)
        check_lookup("account", account)
        with self._read() as ctx:
            acc = ctx.repo.get_account(account)
            if acc is None:
                raise NotFoundError("no such account", field="account", value=account)
            code = wanted or acc.currency or ctx.settings.functional_currency
            codes = self._subtree(ctx.repo, account) if rollup else [account]
            dim, val = dimension if dimension else ("", "")
            total = Balance(BalanceKey(account, code, dim, val))
            for c in codes:
                key = BalanceKey(c, code, dim, val)
                b = ctx.repo.balance_as_of(key, as_of) if as_of else ctx.repo.get_balance(key)
                total = Balance(total.key, total.debits + b.debits, total.credits + b.credits,
                                total.pending_debits + b.pending_debits,
                                total.pending_credits + b.pending_credits,
                                total.functional + b.functional)
            return total

    def balance(self, account: str, currency: str | None = None, *, as_of: date | None = None,
                dimension: tuple[str, str] | None = None, rollup: bool = True) -> Money:
        """The net balance (debit positive) as :class:`Money`, rolled up through children.

        Example:
            >>> import backoffice_core as bc
            >>> from datetime import date
            >>> bo = bc.Backoffice.open("memory://")
            >>> bo.ledger.setup("X", currency="USD", chart="generic")
            >>> _ = bo.ledger.post(bc.NewEntry(date(2026, 1, 2), "Sale",
            ...     [bc.debit("1110", "7.00", project="P1"), bc.credit("4100", "7.00")]))
            >>> bo.ledger.balance("1000"), bo.ledger.balance("1110", dimension=("project", "P1"))
            (Money('7.00', 'USD'), Money('7.00', 'USD'))
            >>> bo.ledger.balance("1110", as_of=date(2026, 1, 1))
            Money('0.00', 'USD')
        """
        return self.balance_detail(account, currency, as_of=as_of, dimension=dimension,
                                   rollup=rollup).money

    def balances(self, *, as_of: date | None = None, dimension: str = "") -> list[Balance]:
        """Every account's running totals (leaf accounts; no roll-up), O(accounts), in
        key order (account, currency, dimension value) on every adapter.

        Example:
            >>> import backoffice_core as bc
            >>> from datetime import date
            >>> bo = bc.Backoffice.open("memory://")
            >>> bo.ledger.setup("X", currency="USD", chart="generic")
            >>> _ = bo.ledger.post(bc.NewEntry(date(2026, 1, 2), "Sale",
            ...     [bc.debit("1110", "10.00"), bc.credit("4100", "10.00")]))
            >>> [(b.key.account, b.net) for b in bo.ledger.balances()]
            [('1110', 1000), ('4100', -1000)]
        """
        if as_of is not None:
            check_date(as_of, "as_of")
        if type(dimension) is not str:
            raise ValidationError("a dimension name is text", field="dimension", value=dimension)
        with self._read() as ctx:
            found = (ctx.repo.list_balances(dimension) if as_of is None
                     else ctx.repo.balances_as_of(as_of, dimension))
        return sorted(found, key=_by_key)  # (adapters return them in an order of their own)

    @staticmethod
    def _subtree(repo: LedgerRepository, code: str) -> list[str]:
        children: dict[str, list[str]] = {}
        for a in repo.list_accounts():
            if a.parent:
                children.setdefault(a.parent, []).append(a.code)
        out = [code]
        i = 0
        while i < len(out):
            out.extend(children.get(out[i], ()))
            i += 1
        return out

    # ------------------------------------------------------------------ integrity
    def verify(self) -> VerificationReport:
        """Check the books: totals per currency, running balances, and the hash chain.

        Returns a :class:`VerificationReport`; ``report.ok`` is False and
        ``report.problems`` names each entry or balance that fails.

        Example:
            >>> import backoffice_core as bc
            >>> bo = bc.Backoffice.open("memory://")
            >>> bo.ledger.setup("X", currency="USD", chart="generic")
            >>> bo.ledger.verify().ok
            True
        """
        with self._read() as ctx:
            return verify_ledger(ctx.repo)

    # ------------------------------------------------------------------ reports
    @property
    def reports(self) -> LedgerReports:
        """This ledger's reports: trial balance, general ledger, statements.

        Example:
            >>> import backoffice_core as bc
            >>> bo = bc.Backoffice.open("memory://")
            >>> bo.ledger.setup("X", currency="USD", chart="generic")
            >>> bo.ledger.reports.trial_balance().is_balanced
            True
        """
        from backoffice_core.ledger.reports import LedgerReports

        return LedgerReports(self)

    # ------------------------------------------------------------------ helpers
    def money(self, amount: Any, currency: str | None = None) -> Money:
        """Money in ``currency`` or, when it is ``None``, the book's functional currency.

        Example:
            >>> import backoffice_core as bc
            >>> bo = bc.Backoffice.open("memory://")
            >>> bo.ledger.setup("X", currency="EUR")
            >>> bo.ledger.money("12.50"), bo.ledger.money(3, "usd")
            (Money('12.50', 'EUR'), Money('3', 'USD'))
        """
        return Money(amount, self.settings().functional_currency if currency is None
                     else currency)  # "" is no currency: refused, not the functional one

    def from_minor(self, minor: int, currency: str | None = None) -> Money:
        """Money from integer minor units in ``currency`` or, when it is ``None``, the
        functional currency (as balances and postings hold amounts).

        Example:
            >>> import backoffice_core as bc
            >>> bo = bc.Backoffice.open("memory://")
            >>> bo.ledger.setup("X", currency="EUR")
            >>> bo.ledger.from_minor(1250), bo.ledger.from_minor(1250, "JPY")
            (Money('12.50', 'EUR'), Money('1250', 'JPY'))
        """
        return from_minor(minor, self.settings().functional_currency if currency is None
                          else currency)
