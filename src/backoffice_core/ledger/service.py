"""The ledger service: every ledger operation, each in one unit of work.

Reach it as ``bo.ledger`` from a :class:`~backoffice_core.Backoffice`. Every
method opens a unit of work, applies the pure rules of
:mod:`~backoffice_core.ledger.posting`, and commits; when anything fails the
unit of work rolls back and the book is exactly as before.

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

import decimal
from collections.abc import Callable, Container, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from decimal import Decimal
from itertools import islice
from typing import TYPE_CHECKING, Any

import attrs

from backoffice_core._collector import collector_paused
from backoffice_core.errors import (
    BackofficeError,
    DuplicateError,
    IdempotencyConflictError,
    NotFoundError,
    PendingEntryError,
    PeriodClosedError,
    ValidationError,
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
    Line,
    NewEntry,
    Posting,
    chain_hash,
    fingerprint,
)
from backoffice_core.ledger.periods import FiscalYear, PeriodState, check_open
from backoffice_core.ledger.posting import (
    build_postings,
    check_limits,
    convert_minor,
    deltas_for,
    pending_deltas,
    role_account,
)
from backoffice_core.ledger.repository import BookSettings, LedgerRepository
from backoffice_core.ledger.verify import VerificationReport, verify_ledger
from backoffice_core.money import Money, currency_code, from_minor, to_decimal, to_minor

if TYPE_CHECKING:
    from backoffice_core.ledger.reports import LedgerReports

__all__ = ["Ledger", "PostResult"]

# an inverse rate has 28 significant digits, rounded half-even, whatever context the caller set
_INVERSE = decimal.Context(prec=28, rounding=decimal.ROUND_HALF_EVEN)


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
        """The resulting balance of ``account`` (in ``currency`` if it holds several)."""
        code = None if currency is None else currency_code(currency)
        for b in self.balances:
            if b.key.account == account and (code is None or b.key.currency == code):
                return b.money
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

    def __init__(self, repo: LedgerRepository) -> None:
        self.repo = repo
        settings = repo.get_settings()
        if settings is None:
            raise NotFoundError("the book has no ledger yet; call ledger.setup() first",
                                field="book", value=None)
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


def _check_day(value: object, field: str) -> None:
    if type(value) is not date:
        raise ValidationError("must be a date (not a datetime or a string)", field=field,
                              value=value)


def _check_entry(value: object, field: str = "entry") -> None:
    if not isinstance(value, NewEntry):
        raise ValidationError("expected a NewEntry", field=field, value=value)


def _with_trading(postings: list[Posting], trading: str) -> list[Posting]:
    """``postings`` plus the currency-trading lines that balance each currency."""
    sums: dict[str, list[int]] = {}
    for p in postings:
        row = sums.setdefault(p.currency, [0, 0])
        row[0] += p.amount
        row[1] += p.functional
    extra = [Posting(trading, -amount, code, -fn)
             for code, (amount, fn) in sorted(sums.items()) if amount or fn]
    return postings + extra


class Ledger:
    """Double-entry bookkeeping for one book.

    Built by :class:`~backoffice_core.Backoffice`; the unit-of-work factory,
    clock and id generator are injected, so the service holds no global state.
    """

    def __init__(self, uow: Callable[[], Any], clock: Any, ids: Any) -> None:
        self._uow = uow
        self._clock = clock
        self._ids = ids

    # ------------------------------------------------------------------ plumbing
    @contextmanager
    def _work(self) -> Iterator[_Ctx]:
        with self._uow() as uow:
            uow.ledger.last_entry()  # the book's write lock first: checks see a stable state
            ctx = _Ctx(uow.ledger)
            yield ctx
            uow.commit()

    @contextmanager
    def _read(self) -> Iterator[_Ctx]:
        with self._uow() as uow:
            yield _Ctx(uow.ledger)

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
        if roles is not None and not isinstance(roles, Mapping):
            raise ValidationError("roles map role names to account codes", field="roles",
                                  value=roles)
        for role, code in (roles or {}).items():
            if type(role) is not str or not role or type(code) is not str:
                raise ValidationError("roles map role names to account codes (text)",
                                      field=f"roles.{role}", value=code)
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

    # ------------------------------------------------------------------ rates
    def set_rate(self, base: str, quote: str, day: date, rate: Any) -> None:
        """Record an exchange rate: 1 ``base`` = ``rate`` ``quote`` from ``day`` on.

        Example:
            >>> import backoffice_core as bc
            >>> from datetime import date
            >>> bo = bc.Backoffice.open("memory://")
            >>> bo.ledger.setup("X", currency="USD")
            >>> bo.ledger.set_rate("EUR", "USD", date(2026, 1, 1), "1.10")
            >>> bo.ledger.rate("EUR", "USD", date(2026, 3, 1))
            Decimal('1.10')
        """
        _check_day(day, "day")
        value = to_decimal(rate, field="rate")
        if value <= 0:
            raise ValidationError("rate must be positive", field="rate", value=rate)
        base_code, quote_code = currency_code(base, "base"), currency_code(quote, "quote")
        if base_code == quote_code:
            raise ValidationError("a rate converts between two different currencies",
                                  field="quote", value=quote)
        with self._work() as ctx:
            ctx.repo.add_rate(base_code, quote_code, day, value)

    def rate(self, base: str, quote: str, day: date) -> Decimal:
        """The rate in force on ``day`` (the latest on or before it)."""
        _check_day(day, "day")
        base_code, quote_code = currency_code(base, "base"), currency_code(quote, "quote")
        with self._read() as ctx:
            found = self._lookup_rate(ctx, base_code, quote_code, day)
        if found is None:
            raise NotFoundError(f"no {base}/{quote} rate on or before {day}", field="rate",
                                value=f"{base}/{quote}")
        return found

    @staticmethod
    def _lookup_rate(ctx: _Ctx, base: str, quote: str, day: date) -> Decimal | None:
        base, quote = base.upper(), quote.upper()
        got = ctx.repo.get_rate(base, quote, day)
        if got is not None:
            return got[1]
        inverse = ctx.repo.get_rate(quote, base, day)
        if inverse is not None:
            return _INVERSE.divide(Decimal(1), inverse[1])  # not the caller's decimal context
        return None

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
        from backoffice_core.schemas.ledger import iter_entries  # pydantic: the boundary

        if type(chunk) is not int or chunk < 1:
            raise ValidationError("chunk must be a positive integer", field="chunk", value=chunk)
        if isinstance(source, str | bytes) or not hasattr(source, "__iter__"):
            # a text would be read one character per entry
            raise ValidationError("pass an iterable of JSON texts (a list, or an open file)",
                                  field="source", value=source)
        out: list[JournalEntry] = []
        with collector_paused(), self._work() as ctx:
            records = iter_entries(source, functional=ctx.settings.functional_currency)
            while batch := list(islice(records, chunk)):
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
            return self._lookup_rate(ctx, code, functional, day)

        return post_batch(ctx.repo, batch, functional=functional,
                          trading=settings.roles.get("currency_trading"),
                          parents=ctx.parent_codes(), ids=self._ids.new_ids(len(batch)),
                          now=self._clock.now(), rates=rates, check_open=ctx.check_open,
                          offset=offset, priced=priced)

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
    ) -> PostResult:
        repo = ctx.repo
        head = repo.last_entry()  # the book's write lock: taken before anything is read
        settings = ctx.settings
        functional = settings.functional_currency
        if postings is None:
            postings = build_postings(
                entry, functional, repo.get_account,
                lambda c, d: self._lookup_rate(ctx, c, functional, d),
                settings.roles.get("currency_trading"), ctx.parent_codes())
        plain = status is EntryStatus.POSTED and kind is EntryKind.STANDARD and not expires_at
        # a hold with a timeout is identified by the timeout, not by "now + timeout", so a
        # retry after the clock moved still replays
        deadline = f"+{timeout}" if timeout is not None else (expires_at or "")
        extra = "" if plain else f"{status.value}:{kind.value}:{related or ''}:{deadline}"
        fp = fingerprint(entry.date, entry.description, entry.reference, postings, extra) \
            if entry.idempotency_key is not None else ""
        if entry.idempotency_key is not None:
            earlier = repo.find_by_idempotency_key(entry.idempotency_key)
            if earlier is not None:
                if earlier.fingerprint != fp:
                    raise IdempotencyConflictError(
                        "idempotency key reused with different content",
                        field="idempotency_key", value=entry.idempotency_key)
                return PostResult(earlier, self._touched(repo, earlier), created=False)
        if postings:  # voids and expiries move no posted amount: a closed month can't trap them
            # after the replay check, so a late retry still gets its answer; closing entries
            # (and their reopening) may land in a closed, not a locked, period
            ctx.check_open(entry.date, allow_closed=allow_closed)
        if status is EntryStatus.PENDING:
            deltas = pending_deltas(postings, entry.date, 1)
        else:
            deltas = deltas_for(postings, entry.date)
        if related is not None and kind in (EntryKind.PENDING_POST, EntryKind.PENDING_VOID,
                                            EntryKind.PENDING_EXPIRE):
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

    # ------------------------------------------------------------------ reversal
    def reverse(self, entry_id: str, on: date | None = None, description: str | None = None,
                idempotency_key: str | None = None) -> PostResult:
        """Post the mirror of a posted entry, dated ``on`` (default: today).

        The original stays untouched; an entry is reversed at most once.

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
            mirror = tuple(Posting(p.account, -p.amount, p.currency, -p.functional,
                                   p.dimensions, p.memo) for p in original.postings)
            new = NewEntry(day, description or f"Reversal of {original.description}", (),
                           reference=original.reference, idempotency_key=idempotency_key)
            return self._post(ctx, new, EntryStatus.POSTED, EntryKind.REVERSAL, entry_id,
                              postings=mirror)

    def correct(self, entry_id: str, replacement: NewEntry) -> tuple[PostResult, PostResult]:
        """Reverse an entry and post its replacement in one unit of work.

        The reversal is dated on the replacement's date.
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
            if ctx.repo.find_reversal(entry_id) is not None:
                raise DuplicateError("entry already reversed", field="entry_id", value=entry_id)
            _check_day(replacement.date, "date")
            build_postings(replacement, ctx.settings.functional_currency, ctx.repo.get_account,
                           lambda c, d: self._lookup_rate(
                               ctx, c, ctx.settings.functional_currency, d),
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

    # ------------------------------------------------------------------ two-phase
    def hold(self, entry: NewEntry, *, timeout: timedelta | None = None,
             expires_at: datetime | None = None) -> PostResult:
        """Post a pending (two-phase) entry: it reserves amounts but moves no balance.

        Pending amounts count against account limits. Resolve it with
        :meth:`post_pending`, :meth:`void_pending`, or let it expire.

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
            return self._post(ctx, entry, EntryStatus.PENDING, EntryKind.STANDARD,
                              expires_at=expires_at, timeout=timeout)

    def _pending(self, ctx: _Ctx, pending_id: str) -> JournalEntry:
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
        expired hold cannot be posted.
        """
        with self._work() as ctx:
            held = self._pending(ctx, pending_id)
            if held.expires_at is not None and self._clock.now() >= held.expires_at:
                raise PendingEntryError("pending entry has expired", field="pending_id",
                                        value=pending_id)
            day = on or held.date
            _check_day(day, "on")
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
                probe = NewEntry(day, held.description, lines)
                postings = build_postings(
                    probe, ctx.settings.functional_currency, ctx.repo.get_account,
                    lambda c, d: self._lookup_rate(ctx, c, ctx.settings.functional_currency, d),
                    ctx.settings.roles.get("currency_trading"), ctx.parent_codes())
                self._within_hold(held, postings)
            new = NewEntry(day, held.description, (), reference=held.reference)
            return self._post(ctx, new, EntryStatus.POSTED, EntryKind.PENDING_POST, pending_id,
                              postings=tuple(postings))

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
        """Void a pending entry: release everything it reserved."""
        with self._work() as ctx:
            held = self._pending(ctx, pending_id)
            new = NewEntry(held.date, f"Void of {held.description}", ())
            return self._post(ctx, new, EntryStatus.POSTED, EntryKind.PENDING_VOID, pending_id,
                              postings=())

    def expire_pending(self) -> list[JournalEntry]:
        """Expire every pending entry whose timeout has passed; returns the expirations."""
        out: list[JournalEntry] = []
        with self._work() as ctx:
            now = self._clock.now()
            for held in ctx.repo.pending_entries():
                if held.expires_at is not None and now >= held.expires_at:
                    new = NewEntry(held.date, f"Expiry of {held.description}", ())
                    out.append(self._post(ctx, new, EntryStatus.POSTED,
                                          EntryKind.PENDING_EXPIRE, held.id, postings=()).entry)
        return out

    def pending(self) -> list[JournalEntry]:
        """Pending entries not yet resolved."""
        with self._read() as ctx:
            return ctx.repo.pending_entries()

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

    # ------------------------------------------------------------------ periods & closing
    def add_fiscal_year(self, year: FiscalYear) -> FiscalYear:
        """Add a fiscal year; it must not overlap another.

        Example:
            >>> import backoffice_core as bc
            >>> from datetime import date
            >>> bo = bc.Backoffice.open("memory://")
            >>> bo.ledger.setup("X", currency="USD", chart="generic")
            >>> fy = bo.ledger.add_fiscal_year(bc.FiscalYear.monthly("FY2026", date(2026, 1, 1)))
            >>> bo.ledger.close_period("FY2026", "2026-01").periods[0].state.value
            'closed'
        """
        if not isinstance(year, FiscalYear):
            raise ValidationError("expected a FiscalYear", field="year", value=year)
        with self._work() as ctx:
            for other in ctx.repo.list_fiscal_years():
                if other.start <= year.end and year.start <= other.end:
                    raise ValidationError("fiscal years overlap", field="name",
                                          value=(year.name, other.name))
            ctx.repo.save_fiscal_year(year, None)
        return year

    def fiscal_years(self) -> list[FiscalYear]:
        """Every fiscal year, oldest first."""
        with self._read() as ctx:
            return ctx.repo.list_fiscal_years()

    def _set_period(self, year: str, period: str, state: PeriodState) -> FiscalYear:
        with self._work() as ctx:
            fy = self._year(ctx, year)
            current = next((p for p in fy.periods if p.name == period), None)
            if current is None:
                raise NotFoundError("no such period", field="period", value=period)
            if current.state is PeriodState.LOCKED and state is not PeriodState.LOCKED:
                raise PeriodClosedError("a locked period never reopens", field="period",
                                        value=period)
            if fy.closed and state is PeriodState.OPEN:
                raise PeriodClosedError("the year is closed; reopen the year first",
                                        field="year", value=year)
            new = fy.with_period_state(period, state)
            ctx.repo.save_fiscal_year(new, fy.version)
            return new

    @staticmethod
    def _year(ctx: _Ctx, name: str) -> FiscalYear:
        for fy in ctx.repo.list_fiscal_years():
            if fy.name == name:
                return fy
        raise NotFoundError("no such fiscal year", field="year", value=name)

    def close_period(self, year: str, period: str) -> FiscalYear:
        """Close a period: postings dated in it are refused until it reopens."""
        return self._set_period(year, period, PeriodState.CLOSED)

    def reopen_period(self, year: str, period: str) -> FiscalYear:
        """Reopen a closed (not locked) period."""
        return self._set_period(year, period, PeriodState.OPEN)

    def lock_period(self, year: str, period: str) -> FiscalYear:
        """Lock a period for good."""
        return self._set_period(year, period, PeriodState.LOCKED)

    def close_year(self, year: str, *, retained_earnings: str | None = None) -> JournalEntry:
        """Year-end closing: move every income and expense balance to retained earnings.

        Posts one generated ``CLOSING`` entry dated on the last day of the year,
        then closes every period of the year.

        Example:
            >>> import backoffice_core as bc
            >>> from datetime import date
            >>> bo = bc.Backoffice.open("memory://")
            >>> bo.ledger.setup("X", currency="USD", chart="generic")
            >>> _ = bo.ledger.add_fiscal_year(bc.FiscalYear.monthly("FY2026", date(2026, 1, 1)))
            >>> _ = bo.ledger.post(bc.NewEntry(date(2026, 3, 1), "Sale",
            ...     [bc.debit("1110", "100.00"), bc.credit("4100", "100.00")]))
            >>> _ = bo.ledger.close_year("FY2026")
            >>> bo.ledger.balance("4100"), bo.ledger.balance("3200")
            (Money('0.00', 'USD'), Money('-100.00', 'USD'))
        """
        with self._work() as ctx:
            fy = self._year(ctx, year)
            if fy.closed:
                raise PeriodClosedError("year already closed", field="year", value=year)
            target = retained_earnings or ctx.settings.roles.get("retained_earnings")
            if target is None or ctx.repo.get_account(target) is None:
                raise NotFoundError("no retained earnings account; set the role "
                                    "'retained_earnings'", field="retained_earnings",
                                    value=target)
            try:
                role_account(target, "retained_earnings", ctx.repo.get_account,
                             ctx.parent_codes())
            except BackofficeError as err:  # name the argument when the caller gave it
                if retained_earnings is not None:
                    err.field = "retained_earnings"
                raise
            types = {a.code: a.type for a in ctx.repo.list_accounts()}
            postings: list[Posting] = []
            to_equity: dict[str, list[int]] = {}
            for b in sorted(ctx.repo.balances_as_of(fy.end), key=lambda b: b.key):
                if types.get(b.key.account) not in (AccountType.INCOME, AccountType.EXPENSE):
                    continue
                if b.net == 0 and b.functional == 0:
                    continue
                postings.append(Posting(b.key.account, -b.net, b.key.currency, -b.functional))
                row = to_equity.setdefault(b.key.currency, [0, 0])
                row[0] += b.net
                row[1] += b.functional
            for code, (net, fn) in sorted(to_equity.items()):
                if net or fn:
                    postings.append(Posting(target, net, code, fn))
            new = NewEntry(fy.end, f"Year-end closing {fy.name}", (), reference=fy.name)
            entry_id = None
            if postings:
                result = self._post(ctx, new, EntryStatus.POSTED, EntryKind.CLOSING, None,
                                    postings=postings, allow_closed=True)
                entry_id = result.entry.id
            closed = attrs.evolve(
                fy, periods=tuple(attrs.evolve(p, state=PeriodState.CLOSED)
                                  if p.state is PeriodState.OPEN else p for p in fy.periods),
                closed=True, closing_entry=entry_id, version=fy.version + 1)
            ctx.repo.save_fiscal_year(closed, fy.version)
            if entry_id is None:
                return JournalEntry("", 0, fy.end, new.description, ())
            return result.entry

    def reopen_year(self, year: str) -> FiscalYear:
        """Reopen a closed year: reverse its closing entry and reopen unlocked periods."""
        with self._work() as ctx:
            fy = self._year(ctx, year)
            if not fy.closed:
                raise ValidationError("year is not closed", field="year", value=year)
            if any(p.state is PeriodState.LOCKED for p in fy.periods[-1:]):
                raise PeriodClosedError("the year's last period is locked", field="year",
                                        value=year)
            opened = attrs.evolve(
                fy, periods=tuple(attrs.evolve(p, state=PeriodState.OPEN)
                                  if p.state is PeriodState.CLOSED else p for p in fy.periods),
                closed=False, closing_entry=None, version=fy.version + 1)
            ctx.repo.save_fiscal_year(opened, fy.version)
            ctx.years = None
            if fy.closing_entry:
                closing = ctx.repo.get_entry(fy.closing_entry)
                assert closing is not None
                mirror = tuple(Posting(p.account, -p.amount, p.currency, -p.functional)
                               for p in closing.postings)
                self._post(ctx, NewEntry(fy.end, f"Reopening {fy.name}", (), reference=fy.name),
                           EntryStatus.POSTED, EntryKind.REVERSAL, closing.id, postings=mirror,
                           allow_closed=True)
            return opened

    # ------------------------------------------------------------------ FX revaluation
    def revalue(self, on: date, *, accounts: Sequence[str] | None = None,
                reverse_on: date | None = None) -> PostResult | None:
        """Revalue foreign-currency balances of monetary accounts at the rate of ``on``.

        For each asset or liability account holding a foreign currency (or only
        ``accounts``), the carried functional value is brought to balance x rate.
        A balance that is zero in its currency but not in functional terms is a
        *realized* difference (roles ``fx_gain``/``fx_loss``); otherwise it is
        *unrealized* (``unrealized_fx_gain``/``unrealized_fx_loss``) and, with
        ``reverse_on``, only the unrealized part is reversed on that date (usually
        the next period's first day). Returns ``None`` when nothing needs revaluing.

        Example:
            >>> import backoffice_core as bc
            >>> from datetime import date
            >>> bo = bc.Backoffice.open("memory://")
            >>> bo.ledger.setup("X", currency="USD", chart="generic")
            >>> bo.ledger.set_rate("EUR", "USD", date(2026, 1, 1), "1.10")
            >>> _ = bo.ledger.post(bc.NewEntry(date(2026, 1, 2), "EUR sale",
            ...     [bc.debit("1130", bc.Money("100.00", "EUR")), bc.credit("4100", "110.00")]))
            >>> bo.ledger.set_rate("EUR", "USD", date(2026, 1, 31), "1.15")
            >>> r = bo.ledger.revalue(date(2026, 1, 31))
            >>> bo.ledger.balance_detail("1130", "EUR").functional
            11500
        """
        _check_day(on, "on")
        if reverse_on is not None:
            _check_day(reverse_on, "reverse_on")
        if accounts is not None and (isinstance(accounts, str | bytes)
                                     or not isinstance(accounts, Sequence | set | frozenset)):
            raise ValidationError("accounts is a list of account codes", field="accounts",
                                  value=accounts)
        with self._work() as ctx:
            functional = ctx.settings.functional_currency
            roles = ctx.settings.roles
            accs = {a.code: a for a in ctx.repo.list_accounts()}
            wanted = set(accounts) if accounts is not None else None
            for i, code in enumerate(accounts or ()):
                if code not in accs:
                    raise NotFoundError("no such account", field=f"accounts[{i}]", value=code)
            realized: list[Posting] = []
            unrealized: list[Posting] = []
            for b in sorted(ctx.repo.balances_as_of(on), key=lambda b: b.key):
                acc = accs.get(b.key.account)
                if acc is None or b.key.currency == functional:
                    continue
                if wanted is not None and acc.code not in wanted:
                    continue
                if wanted is None and acc.type not in (AccountType.ASSET, AccountType.LIABILITY):
                    continue
                if roles.get("currency_trading") == acc.code:
                    continue
                if b.net == 0:
                    diff = -b.functional
                    roles_pair, target_list = ("fx_gain", "fx_loss"), realized
                else:
                    rate = self._lookup_rate(ctx, b.key.currency, functional, on)
                    if rate is None:
                        raise NotFoundError(
                            f"no {b.key.currency}/{functional} rate on or before {on}",
                            field="rate", value=b.key.currency)
                    diff = convert_minor(b.net, b.key.currency, rate, functional) - b.functional
                    roles_pair, target_list = ("unrealized_fx_gain", "unrealized_fx_loss"), \
                        unrealized
                if diff == 0:
                    continue
                role = roles_pair[0] if diff > 0 else roles_pair[1]
                target = roles.get(role)
                if target is None:
                    raise NotFoundError(f"role {role} not set", field=f"roles.{role}", value=None)
                role_account(target, role, ctx.repo.get_account, ctx.parent_codes())
                memo = f"revaluation {b.key.currency}"
                target_list.append(Posting(acc.code, 0, b.key.currency, diff, (), memo))
                target_list.append(Posting(target, -diff, functional, -diff, (), memo))
            if not realized and not unrealized:
                return None
            trading = roles.get("currency_trading")
            if trading is None:
                raise NotFoundError("role currency_trading not set",
                                    field="roles.currency_trading", value=None)
            role_account(trading, "currency_trading", ctx.repo.get_account, ctx.parent_codes())
            postings = _with_trading(realized, trading) + _with_trading(unrealized, trading)
            result = self._post(ctx, NewEntry(on, f"FX revaluation {on}", ()),
                                EntryStatus.POSTED, EntryKind.REVALUATION, postings=postings)
            if reverse_on is not None and unrealized:
                mirror = tuple(Posting(p.account, -p.amount, p.currency, -p.functional,
                                       p.dimensions, p.memo)
                               for p in _with_trading(unrealized, trading))
                self._post(ctx, NewEntry(reverse_on, f"Reversal of FX revaluation {on}", ()),
                           EntryStatus.POSTED, EntryKind.REVERSAL, result.entry.id,
                           postings=mirror)
            return result

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
