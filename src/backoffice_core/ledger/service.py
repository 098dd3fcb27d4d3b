"""The ledger service: every ledger operation, each in one unit of work.

Reach it as ``bo.ledger`` from a :class:`~backoffice_core.Backoffice`. Every
method opens a unit of work, applies the pure rules of
:mod:`~backoffice_core.ledger.posting`, and commits; when anything fails the
unit of work rolls back and the book is exactly as before.

:class:`Ledger` holds the book, the chart, posting, reversal and the reads; its
other parts are mixed in from modules named for what they hold: two-phase
entries (:mod:`._holds_api`), periods and closing (:mod:`._periods_api`), rates
and revaluation (:mod:`._fx_api`), all on the shared plumbing of
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

from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import attrs

from backoffice_core._collector import collector_paused
from backoffice_core.errors import (
    DuplicateError,
    IdempotencyConflictError,
    NotFoundError,
    ValidationError,
)
from backoffice_core.ledger._fx_api import FxApi
from backoffice_core.ledger._holds_api import HoldsApi
from backoffice_core.ledger._periods_api import PeriodsApi
from backoffice_core.ledger._service_base import (
    PostResult,
    _check_day,
    _check_entry,
    _Ctx,
    _not_before,
)
from backoffice_core.ledger.accounts import Account, AccountLimit, AccountType
from backoffice_core.ledger.balances import Balance, BalanceKey
from backoffice_core.ledger.batch import post_batch
from backoffice_core.ledger.charts import load_chart
from backoffice_core.ledger.entries import (
    EntryKind,
    EntryRecord,
    EntryStatus,
    JournalEntry,
    NewEntry,
    Posting,
)
from backoffice_core.ledger.posting import build_postings
from backoffice_core.ledger.rates import rate_in_force
from backoffice_core.ledger.repository import BookSettings, LedgerRepository
from backoffice_core.ledger.verify import VerificationReport, verify_ledger
from backoffice_core.money import Money, currency_code, from_minor
from backoffice_core.text import check_line, check_text

if TYPE_CHECKING:
    from backoffice_core.ledger.reports import LedgerReports


__all__ = ["Ledger", "PostResult"]


class Ledger(HoldsApi, PeriodsApi, FxApi):
    """Double-entry bookkeeping for one book.

    Built by :class:`~backoffice_core.Backoffice`; the unit-of-work factory,
    clock and id generator are injected, so the service holds no global state.
    """

    # ------------------------------------------------------------------ book & chart
    def setup(
        self,
        name: str,
        *,
        currency: str,
        chart: str | None = None,
        roles: dict[str, str] | None = None,
    ) -> None:
        """Create the book's ledger: its name, functional currency and (optionally) a chart.

        ``chart`` is a shipped template id (``"generic"``, ``"ru_94n"``); its roles
        are merged with ``roles``.

        Example:
            >>> import backoffice_core as bc
            >>> bo = bc.Backoffice.open("memory://")
            >>> bo.ledger.setup("ООО Ромашка", currency="RUB", chart="ru_94n")
            >>> bo.ledger.account("51").name
            'Расчетные счета'
        """
        Money(0, currency)  # validates the code
        if type(name) is not str or not name.strip():
            raise ValidationError("the book's name is non-empty text", field="name", value=name)
        check_text("name", name)
        if roles is not None and not isinstance(roles, Mapping):
            raise ValidationError("roles map role names to account codes", field="roles",
                                  value=roles)
        for role, code in (roles or {}).items():
            if type(role) is not str or not role or type(code) is not str:
                raise ValidationError("roles map role names to account codes (text)",
                                      field=f"roles.{role}", value=code)
            check_line("roles", role)
            check_line(f"roles.{role}", code)
        all_roles: dict[str, str] = {}
        template = load_chart(chart) if chart else None
        if template:
            all_roles.update(template.roles)
        all_roles.update(roles or {})
        with self._uow() as uow:
            repo: LedgerRepository = uow.ledger
            repo.save_settings(BookSettings(name, currency.upper(), all_roles,
                                            template.id if template else ""), None)
            if template:
                for acc in template.accounts:
                    repo.add_account(acc)
            codes = {a.code for a in repo.list_accounts()}
            for role, code in all_roles.items():
                if template and code not in codes:
                    raise NotFoundError(f"role {role} names an unknown account",
                                        field=f"roles.{role}", value=code)
            uow.commit()

    def settings(self) -> BookSettings:
        """The book's settings (name, functional currency, roles)."""
        with self._read() as ctx:
            return ctx.settings

    def set_role(self, role: str, account: str) -> None:
        """Point a posting-mapping role (``"receivables"``...) at an account."""
        if type(role) is not str or not role:
            raise ValidationError("a role name is non-empty text", field="role", value=role)
        if type(account) is not str:
            raise ValidationError("an account code is text", field=f"roles.{role}",
                                  value=account)
        with self._work() as ctx:
            if ctx.repo.get_account(account) is None:
                raise NotFoundError("no such account", field=f"roles.{role}", value=account)
            s = ctx.settings
            ctx.repo.save_settings(
                attrs.evolve(s, roles={**s.roles, role: account}, version=s.version + 1),
                s.version)

    def role(self, role: str) -> str:
        """The account code behind a role; ``NotFoundError`` if unset."""
        code = self.settings().roles.get(role)
        if code is None:
            raise NotFoundError("role not set for this book", field="role", value=role)
        return code

    # ------------------------------------------------------------------ accounts
    def open_account(
        self,
        code: str,
        name: str,
        type: AccountType | str,
        *,
        parent: str | None = None,
        currency: str | None = None,
        limit: AccountLimit | str = AccountLimit.NONE,
        contra: bool = False,
    ) -> Account:
        """Add an account to the chart.

        Example:
            >>> import backoffice_core as bc
            >>> bo = bc.Backoffice.open("memory://")
            >>> bo.ledger.setup("X", currency="EUR")
            >>> bo.ledger.open_account("1000", "Bank", "asset",
            ...     limit="credits_must_not_exceed_debits").limit.value
            'credits_must_not_exceed_debits'
        """
        acc = Account(code=code, name=name, type=type, parent=parent, currency=currency,
                      limit=limit, contra=contra)
        with self._work() as ctx:
            if parent is not None:
                par = ctx.repo.get_account(parent)
                if par is None:
                    raise NotFoundError("no such parent account", field="parent", value=parent)
                if self._has_postings(ctx.repo, parent):
                    raise ValidationError("parent account already has postings; "
                                          "a parent only rolls up its children",
                                          field="parent", value=parent)
            ctx.repo.add_account(acc)
        return acc

    @staticmethod
    def _has_postings(repo: LedgerRepository, code: str) -> bool:
        return next(iter(repo.iter_entries(account=code)), None) is not None

    def account(self, code: str) -> Account:
        """The account with ``code``; ``NotFoundError`` if none."""
        with self._read() as ctx:
            acc = ctx.repo.get_account(code)
        if acc is None:
            raise NotFoundError("no such account", field="code", value=code)
        return acc

    def accounts(self) -> list[Account]:
        """Every account, ordered by code."""
        with self._read() as ctx:
            return ctx.repo.list_accounts()

    def update_account(self, code: str, **changes: Any) -> Account:
        """Change an account's name, limit, active flag or currency (optimistic, versioned).

        Limits are checked against the current balance: a limit the account
        already breaks is refused.

        Example:
            >>> import backoffice_core as bc
            >>> bo = bc.Backoffice.open("memory://")
            >>> bo.ledger.setup("X", currency="EUR", chart="generic")
            >>> bo.ledger.update_account("1110", name="Petty cash").name
            'Petty cash'
        """
        allowed = {"name", "limit", "active", "currency"}
        bad = set(changes) - allowed
        if bad:
            raise ValidationError("only name, limit, active and currency can change",
                                  field=sorted(bad)[0], value=changes[sorted(bad)[0]])
        with self._work() as ctx:
            old = ctx.repo.get_account(code)
            if old is None:
                raise NotFoundError("no such account", field="code", value=code)
            new = attrs.evolve(old, **changes, version=old.version + 1)
            if ("currency" in changes and changes["currency"] != old.currency
                    and self._has_postings(ctx.repo, code)):
                raise ValidationError("currency cannot change after postings",
                                      field="currency", value=changes["currency"])
            if new.limit is not AccountLimit.NONE:
                for b in ctx.repo.list_balances():
                    if b.key.account == code:
                        self._check_existing_limit(new, b)
            ctx.repo.update_account(new, old.version)
        return new

    @staticmethod
    def _check_existing_limit(acc: Account, b: Balance) -> None:
        from backoffice_core.errors import LimitExceededError

        if (acc.limit is AccountLimit.DEBITS_MUST_NOT_EXCEED_CREDITS
                and b.debits + b.pending_debits > b.credits):
            raise LimitExceededError("the account already has more debits than credits",
                                     field="limit", value=acc.limit.value)
        if (acc.limit is AccountLimit.CREDITS_MUST_NOT_EXCEED_DEBITS
                and b.credits + b.pending_credits > b.debits):
            raise LimitExceededError("the account already has more credits than debits",
                                     field="limit", value=acc.limit.value)

    def archive_account(self, code: str) -> Account:
        """Mark an account inactive: it stays in reports but refuses new postings."""
        return self.update_account(code, active=False)

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
            return self._post(ctx, entry, EntryStatus.POSTED, EntryKind.STANDARD)

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
        return self._post(_Ctx(uow.ledger), entry, EntryStatus.POSTED, EntryKind.STANDARD)

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
        return self._post_batch(_Ctx(uow.ledger), entries)

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

    # ------------------------------------------------------------------ reversal
    def reverse(self, entry_id: str, on: date | None = None, description: str | None = None,
                idempotency_key: str | None = None) -> PostResult:
        """Post the mirror of a posted entry, dated ``on`` (default: today).

        The original stays untouched; an entry is reversed at most once, on or after
        its own date (an earlier ``on`` is a ``ValidationError`` naming ``on``).

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
        with self._work() as ctx:
            original = ctx.repo.get_entry(entry_id)
            if original is None:
                raise NotFoundError("no such entry", field="entry_id", value=entry_id)
            if original.status is not EntryStatus.POSTED:
                raise ValidationError("only posted entries can be reversed; void a pending "
                                      "entry instead", field="entry_id", value=entry_id)
            if original.kind is EntryKind.CLOSING:
                raise ValidationError("a closing entry is undone by reopening its year",
                                      field="entry_id", value=entry_id)
            if not original.postings:
                raise ValidationError("entry has no postings to reverse", field="entry_id",
                                      value=entry_id)
            replay = idempotency_key is not None and ctx.repo.find_by_idempotency_key(
                idempotency_key) is not None
            if not replay and ctx.repo.find_reversal(entry_id) is not None:
                raise DuplicateError("entry already reversed", field="entry_id", value=entry_id)
            day = on or self._clock.today()
            if type(day) is not date:
                raise ValidationError("reversal date must be a date", field="on", value=on)
            if not replay:  # a retry is judged by its key: what it first posted, or a conflict
                _not_before(day, original.date, "on", "the entry it reverses")
            mirror = tuple(Posting(p.account, -p.amount, p.currency, -p.functional,
                                   p.dimensions, p.memo) for p in original.postings)
            new = NewEntry(day, description or f"Reversal of {original.description}", (),
                           reference=original.reference, idempotency_key=idempotency_key)
            return self._post(ctx, new, EntryStatus.POSTED, EntryKind.REVERSAL, entry_id,
                              postings=mirror)

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
        ``DuplicateError``.

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
        rev_and_new: list[PostResult] = []
        with self._work() as ctx:
            original = ctx.repo.get_entry(entry_id)
            if original is None:
                raise NotFoundError("no such entry", field="entry_id", value=entry_id)
            if original.status is not EntryStatus.POSTED or not original.postings:
                raise ValidationError("only posted entries with postings can be corrected",
                                      field="entry_id", value=entry_id)
            if original.kind is EntryKind.CLOSING:
                raise ValidationError("a closing entry is undone by reopening its year",
                                      field="entry_id", value=entry_id)
            reversal = ctx.repo.find_reversal(entry_id)
            key = replacement.idempotency_key
            if key is not None and ctx.repo.find_by_idempotency_key(key) is not None:
                if reversal is None or reversal.date != replacement.date:
                    raise IdempotencyConflictError(
                        "idempotency key already used by another entry than this correction",
                        field="idempotency_key", value=key)
                # a retry: the replacement replays (or its changed content is a conflict)
                again = self._post(ctx, replacement, EntryStatus.POSTED, EntryKind.STANDARD)
                return (PostResult(reversal, self._touched(ctx.repo, reversal), created=False),
                        again)
            if reversal is not None:
                raise DuplicateError("entry already reversed", field="entry_id", value=entry_id)
            _check_day(replacement.date, "date")
            # the reversal is dated on the replacement's date
            _not_before(replacement.date, original.date, "date", "the entry it corrects")
            build_postings(replacement, ctx.settings.functional_currency, ctx.repo.get_account,
                           lambda c, d: rate_in_force(
                               ctx.repo, c, ctx.settings.functional_currency, d),
                           ctx.settings.roles.get("currency_trading"), ctx.parent_codes())
            mirror = tuple(Posting(p.account, -p.amount, p.currency, -p.functional,
                                   p.dimensions, p.memo) for p in original.postings)
            rev = NewEntry(replacement.date, f"Reversal of {original.description}", (),
                           reference=original.reference)
            rev_and_new.append(self._post(ctx, rev, EntryStatus.POSTED, EntryKind.REVERSAL,
                                          entry_id, postings=mirror))
            rev_and_new.append(self._post(ctx, replacement, EntryStatus.POSTED,
                                          EntryKind.STANDARD))
        return rev_and_new[0], rev_and_new[1]

    # ------------------------------------------------------------------ reading entries
    def entry(self, entry_id: str) -> JournalEntry:
        """The stored entry ``entry_id``."""
        with self._read() as ctx:
            e = ctx.repo.get_entry(entry_id)
        if e is None:
            raise NotFoundError("no such entry", field="entry_id", value=entry_id)
        return e

    def entries(self, start: date | None = None, end: date | None = None,
                account: str | None = None) -> list[JournalEntry]:
        """Entries ordered by date, optionally within dates and touching ``account``."""
        for name, day in (("start", start), ("end", end)):
            if day is not None:
                _check_day(day, name)
        if account is not None and type(account) is not str:
            raise ValidationError("an account code is text", field="account", value=account)
        with self._read() as ctx:
            return list(ctx.repo.iter_entries(start, end, account))

    # ------------------------------------------------------------------ balances
    def balance_detail(self, account: str, currency: str | None = None, *,
                       as_of: date | None = None, dimension: tuple[str, str] | None = None,
                       rollup: bool = True) -> Balance:
        """The running total of an account in one currency (minor units, pending included).

        ``rollup`` adds the account's descendants; ``dimension`` is a
        ``(name, value)`` filter such as ``("project", "P1")``.
        """
        if as_of is not None:
            _check_day(as_of, "as_of")
        if dimension is not None:
            if not (isinstance(dimension, tuple | list) and len(dimension) == 2
                    and type(dimension[0]) is str and dimension[1] is not None):
                raise ValidationError("a dimension filter is a (name, value) pair",
                                      field="dimension", value=dimension)
            dimension = (dimension[0], str(dimension[1]))  # tagged values are stored as text
        wanted = None if currency is None else currency_code(currency)
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
        """Every account's running totals (leaf accounts; no roll-up), O(accounts)."""
        if as_of is not None:
            _check_day(as_of, "as_of")
        if type(dimension) is not str:
            raise ValidationError("a dimension name is text", field="dimension", value=dimension)
        with self._read() as ctx:
            if as_of is None:
                return ctx.repo.list_balances(dimension)
            return ctx.repo.balances_as_of(as_of, dimension)

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
        """Money in ``currency`` or the book's functional currency."""
        return Money(amount, currency or self.settings().functional_currency)

    def from_minor(self, minor: int, currency: str | None = None) -> Money:
        """Money from minor units in ``currency`` or the functional currency."""
        return from_minor(minor, currency or self.settings().functional_currency)
