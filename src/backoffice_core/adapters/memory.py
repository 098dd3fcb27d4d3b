"""The in-memory adapter: the reference implementation of every repository port.

Data lives in plain dicts and lists per book. A unit of work takes the store's
lock (one writer at a time, so every unit of work is serializable), writes in
place and keeps an undo log; rollback replays the log backwards, so an
operation that fails leaves the store exactly as it was. Commit just drops the
log. Nothing is copied on begin, so a unit of work costs O(changes).

Example:
    >>> store = MemoryStore()
    >>> with store("acme") as uow:
    ...     uow.ledger.get_account("1110") is None
    True
"""

from __future__ import annotations

import bisect
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import date
from decimal import Decimal
from types import TracebackType

from backoffice_core.adapters.memory_documents import DocumentsData, MemoryDocumentsRepository
from backoffice_core.adapters.memory_inventory import InventoryData, MemoryInventoryRepository
from backoffice_core.errors import (
    ConcurrencyError,
    DuplicateError,
    NotFoundError,
    StorageError,
    ValidationError,
)
from backoffice_core.ledger.accounts import Account
from backoffice_core.ledger.balances import MAX_BALANCE, Balance, BalanceDelta, BalanceKey
from backoffice_core.ledger.entries import RESOLUTIONS, EntryKind, EntryStatus, JournalEntry
from backoffice_core.ledger.periods import FiscalYear
from backoffice_core.ledger.repository import BookSettings

__all__ = ["MemoryLedgerRepository", "MemoryStore", "MemoryUnitOfWork"]

Undo = Callable[[], None]
_MAX = MAX_BALANCE
# bound once: reading an enum member off its class costs about ten times a global's read,
# and add_entries tests every entry
_REVALUATION, _PENDING = EntryKind.REVALUATION, EntryStatus.PENDING


class _Daily:
    """Per-day posted totals of one balance key, with lazily rebuilt prefix sums."""

    __slots__ = ("cum", "days", "dirty", "per_day")

    def __init__(self) -> None:
        self.per_day: dict[date, list[int]] = {}
        self.days: list[date] = []
        self.cum: list[tuple[int, int, int]] = []
        self.dirty = False

    def add(self, day: date, dr: int, cr: int, fn: int) -> bool:
        """Add a day's movement; True when the day had no row before."""
        row = self.per_day.get(day)
        if row is None:
            self.per_day[day] = [dr, cr, fn]
            if not self.dirty and (not self.days or day > self.days[-1]):
                last = self.cum[-1] if self.cum else (0, 0, 0)
                self.days.append(day)
                self.cum.append((last[0] + dr, last[1] + cr, last[2] + fn))
            else:
                self.dirty = True
            return True
        row[0] += dr
        row[1] += cr
        row[2] += fn
        if not self.dirty and self.days and day == self.days[-1]:
            a, b, c = self.cum[-1]
            self.cum[-1] = (a + dr, b + cr, c + fn)
        else:
            self.dirty = True
        return False

    def remove(self, day: date) -> None:
        """Forget a day's row (undo of the unit of work that created it)."""
        del self.per_day[day]
        self.dirty = True

    def upto(self, day: date) -> tuple[int, int, int]:
        if self.dirty:
            self.days = sorted(self.per_day)
            cum = []
            a = b = c = 0
            for d in self.days:
                row = self.per_day[d]
                a += row[0]
                b += row[1]
                c += row[2]
                cum.append((a, b, c))
            self.cum = cum
            self.dirty = False
        i = bisect.bisect_right(self.days, day)
        return self.cum[i - 1] if i else (0, 0, 0)


class _Book:
    """Everything one book holds."""

    def __init__(self, book_id: str) -> None:
        self.book_id = book_id
        self.settings: BookSettings | None = None
        self.accounts: dict[str, Account] = {}
        self.children: dict[str, int] = {}  # parent code -> how many accounts name it
        self.entries: list[JournalEntry] = []
        self.by_id: dict[str, JournalEntry] = {}
        self.by_key: dict[str, JournalEntry] = {}
        self.resolutions: dict[str, JournalEntry] = {}
        self.reversals: dict[str, JournalEntry] = {}
        # the indexes by id and by account are built lazily: ``entries[:indexed]`` are in
        # them (posting appends to ``entries``; the first read by id or account catches up)
        self.by_account: dict[str, list[JournalEntry]] = {}
        self.indexed = 0
        self.revaluations: dict[str, list[JournalEntry]] = {}  # by account, kept eagerly
        self.top_id = ""  # no stored id is greater (an upper bound: an undo leaves it)
        self.pending: dict[str, JournalEntry] = {}
        self.balances: dict[BalanceKey, list[int]] = {}
        self.dims: dict[str, dict[str, int]] = {}  # account -> dimension -> its balance keys
        self.daily: dict[BalanceKey, _Daily] = {}
        self.years: dict[str, FiscalYear] = {}
        self.rates: dict[tuple[str, str], dict[date, Decimal]] = {}
        self.inventory = InventoryData()
        self.documents = DocumentsData()


class MemoryLedgerRepository:
    """The ledger port over a :class:`_Book`, recording undo steps in its unit of work."""

    def __init__(self, book: _Book, undo: list[Undo]) -> None:
        self._b = book
        self._undo = undo

    # settings
    def get_settings(self) -> BookSettings | None:
        return self._b.settings

    def save_settings(self, settings: BookSettings, expected_version: int | None) -> None:
        old = self._b.settings
        if expected_version is None:
            if old is not None:
                raise DuplicateError("book already exists", field="book", value=self._b.book_id)
        elif old is None or old.version != expected_version:
            raise ConcurrencyError("book settings changed since read", field="version",
                                   value=expected_version)
        self._b.settings = settings

        def undo() -> None:
            self._b.settings = old

        self._undo.append(undo)

    # accounts
    def get_account(self, code: str) -> Account | None:
        return self._b.accounts.get(code)

    def list_accounts(self) -> list[Account]:
        return [self._b.accounts[c] for c in sorted(self._b.accounts)]

    def add_account(self, account: Account) -> None:
        accounts = self._b.accounts
        if account.code in accounts:
            raise DuplicateError("account code already exists", field="code", value=account.code)
        accounts[account.code] = account
        self._count_child(account.parent, 1)

        def undo() -> None:
            accounts.pop(account.code, None)
            self._count_child(account.parent, -1)

        self._undo.append(undo)

    def _count_child(self, parent: str | None, step: int) -> None:
        if parent is not None:
            children = self._b.children
            children[parent] = children.get(parent, 0) + step
            if not children[parent]:
                del children[parent]

    def has_children(self, code: str) -> bool:
        """Whether any account names ``code`` as its parent (the optional port method)."""
        return code in self._b.children

    def has_postings(self, code: str) -> bool:  # (the optional port method)
        return bool(self._indexed().by_account.get(code))

    def update_account(self, account: Account, expected_version: int) -> None:
        accounts = self._b.accounts
        old = accounts.get(account.code)
        if old is None:
            raise NotFoundError("no such account", field="code", value=account.code)
        if old.version != expected_version:
            raise ConcurrencyError("account changed since it was read", field="version",
                                   value=expected_version)
        accounts[account.code] = account
        if old.parent != account.parent:
            self._count_child(old.parent, -1)
            self._count_child(account.parent, 1)

        def undo() -> None:
            accounts[account.code] = old
            if old.parent != account.parent:
                self._count_child(account.parent, -1)
                self._count_child(old.parent, 1)

        self._undo.append(undo)

    # entries
    def add_entries(self, entries: Sequence[JournalEntry]) -> None:
        b = self._b
        by_key = b.by_key
        added: list[JournalEntry] = []
        top = b.top_id
        try:
            for e in entries:
                if e.id > top:  # time-ordered ids: above every stored id, so not taken
                    top = e.id
                elif e.id in self._indexed().by_id:
                    raise DuplicateError("entry id already exists", field="id", value=e.id)
                key = e.idempotency_key
                if key is not None and key in by_key:
                    raise DuplicateError("idempotency key already used",
                                         field="idempotency_key", value=key)
                if e.related is not None:
                    if e.kind in RESOLUTIONS and e.related in b.resolutions:
                        raise DuplicateError("pending entry already resolved", field="related",
                                             value=e.related)
                    if e.kind is EntryKind.REVERSAL and e.related in b.reversals:
                        raise DuplicateError("entry already reversed", field="related",
                                             value=e.related)
                    if e.kind in RESOLUTIONS:
                        b.resolutions[e.related] = e
                        b.pending.pop(e.related, None)
                    elif e.kind is EntryKind.REVERSAL:
                        b.reversals[e.related] = e
                b.entries.append(e)
                added.append(e)
                if e.kind is _REVALUATION:  # rare: the one check per entry
                    for acc in dict.fromkeys(p.account for p in e.postings):
                        b.revaluations.setdefault(acc, []).append(e)
                if key is not None:
                    by_key[key] = e
                if e.status is _PENDING:
                    b.pending[e.id] = e
        finally:
            b.top_id = top
            if added:
                self._undo.append(lambda: self._remove_all(added))

    def _remove_all(self, added: list[JournalEntry]) -> None:
        for e in reversed(added):
            self._remove(e)

    def _remove(self, e: JournalEntry) -> None:
        b = self._b
        popped = b.entries.pop()
        if popped is not e:  # pragma: no cover - undo runs strictly backwards
            raise StorageError("undo log out of order", field="entry", value=e.id)
        if len(b.entries) < b.indexed:  # it was in the lazy indexes: take it out
            b.indexed -= 1
            del b.by_id[e.id]
            for acc in dict.fromkeys(p.account for p in e.postings):
                b.by_account[acc].pop()
        if e.kind is _REVALUATION:
            for acc in dict.fromkeys(p.account for p in e.postings):
                b.revaluations[acc].pop()
                if not b.revaluations[acc]:
                    del b.revaluations[acc]
        if e.idempotency_key is not None:
            b.by_key.pop(e.idempotency_key, None)
        b.pending.pop(e.id, None)
        if e.related is not None:
            if e.kind in RESOLUTIONS:
                b.resolutions.pop(e.related, None)
                pending = self._indexed().by_id.get(e.related)
                if pending is not None:
                    b.pending[pending.id] = pending
            elif e.kind is EntryKind.REVERSAL:
                b.reversals.pop(e.related, None)

    def _indexed(self) -> _Book:
        """The book, its lazy indexes (by id, by account) caught up with its entries."""
        b = self._b
        if b.indexed < len(b.entries):
            by_id, by_account = b.by_id, b.by_account
            for e in b.entries[b.indexed:]:
                by_id[e.id] = e
                for p in e.postings:  # each entry once per account it touches
                    lst = by_account.get(p[0])
                    if lst is None:
                        by_account[p[0]] = [e]
                    elif not lst or lst[-1] is not e:
                        lst.append(e)
            b.indexed = len(b.entries)
        return b

    def get_entry(self, entry_id: str) -> JournalEntry | None:
        return self._indexed().by_id.get(entry_id)

    def find_by_idempotency_key(self, key: str) -> JournalEntry | None:
        return self._b.by_key.get(key)

    def find_by_idempotency_keys(self, keys: Sequence[str]) -> dict[str, JournalEntry]:
        """The stored entries of those ``keys`` that are taken (the optional bulk lookup)."""
        by_key = self._b.by_key
        return {k: by_key[k] for k in keys if type(k) is str and k in by_key}

    def find_resolution(self, pending_id: str) -> JournalEntry | None:
        return self._b.resolutions.get(pending_id)

    def find_reversal(self, entry_id: str) -> JournalEntry | None:
        return self._b.reversals.get(entry_id)

    def last_entry(self) -> JournalEntry | None:
        return self._b.entries[-1] if self._b.entries else None

    def iter_entries(
        self, start: date | None = None, end: date | None = None, account: str | None = None
    ) -> Iterator[JournalEntry]:
        source = (self._b.entries if account is None
                  else self._indexed().by_account.get(account, []))
        chosen = [
            e for e in source
            if (start is None or e.date >= start) and (end is None or e.date <= end)
        ]
        chosen.sort(key=lambda e: (e.date, e.seq))
        return iter(chosen)

    def revaluations(self, account: str, start: date | None = None, end: date | None = None,
                     currency: str | None = None) -> list[JournalEntry]:
        """The revaluation entries touching ``account`` (in ``currency``, if given) dated
        within ``start``..``end``, by (date, seq) (the optional port method): from an index
        of revaluations by account, not the account's entries."""
        return sorted((e for e in self._b.revaluations.get(account, ())
                       if (start is None or e.date >= start) and (end is None or e.date <= end)
                       and (currency is None or any(p.account == account and p.currency
                                                    == currency for p in e.postings))),
                      key=lambda e: (e.date, e.seq))

    def iter_chain(self) -> Iterator[JournalEntry]:
        return iter(list(self._b.entries))

    def pending_entries(self) -> list[JournalEntry]:
        return sorted(self._b.pending.values(), key=lambda e: e.seq)

    # balances
    def apply_deltas(self, deltas: Iterable[BalanceDelta]) -> None:
        balances, daily, dims = self._b.balances, self._b.daily, self._b.dims
        todo = deltas if isinstance(deltas, list) else list(deltas)
        done = 0  # deltas applied so far: the undo takes back exactly those
        new_rows: list[BalanceKey] = []
        new_days: list[tuple[BalanceKey, date]] = []

        def undo() -> None:
            for key, day, dr, cr, pdr, pcr, fn in reversed(todo[:done]):
                row = balances[key]
                row[0] -= dr
                row[1] -= cr
                row[2] -= pdr
                row[3] -= pcr
                row[4] -= fn
                if dr or cr or fn:
                    daily[key].add(day, -dr, -cr, -fn)
            for key, day in new_days:  # rows this unit of work created go away again
                roll = daily[key]
                roll.remove(day)
                if not roll.per_day:
                    del daily[key]
            for key in new_rows:
                del balances[key]
                if key[2]:
                    held = dims[key[0]]
                    held[key[2]] -= 1
                    if not held[key[2]]:
                        del held[key[2]]

        self._undo.append(undo)  # registered first: a failure half-way is undone too
        for key, day, dr, cr, pdr, pcr, fn in todo:
            row = balances.get(key)
            if row is None:
                balances[key] = row = [dr, cr, pdr, pcr, fn]
                new_rows.append(key)
                if key[2]:  # a dimension's total: dimension_names finds it by account
                    held = dims.setdefault(key[0], {})
                    held[key[2]] = held.get(key[2], 0) + 1
            else:
                row[0] += dr
                row[1] += cr
                if pdr or pcr:
                    row[2] += pdr
                    row[3] += pcr
                row[4] += fn
            if (row[0] > _MAX or row[1] > _MAX or row[2] > _MAX or row[3] > _MAX
                    or not -_MAX <= row[4] <= _MAX):  # what every store holds (SQL: BIGINT)
                bad = next(v for v in row if not -_MAX <= v <= _MAX)
                row[0] -= dr  # this delta is not counted in ``done``: taken back here
                row[1] -= cr
                row[2] -= pdr
                row[3] -= pcr
                row[4] -= fn
                raise ValidationError("value out of the storable range while updating "
                                      "balances", field=f"balance[{key[0]}/{key[1]}]",
                                      value=bad)
            if dr or cr or fn:
                roll = daily.get(key)
                if roll is None:
                    roll = daily[key] = _Daily()
                if roll.add(day, dr, cr, fn):
                    new_days.append((key, day))
            done += 1

    def get_balance(self, key: BalanceKey) -> Balance:
        row = self._b.balances.get(key)
        if row is None:
            return Balance(key)
        return Balance(key, row[0], row[1], row[2], row[3], row[4])

    def list_balances(self, dimension: str = "") -> list[Balance]:
        return [
            Balance(k, r[0], r[1], r[2], r[3], r[4])
            for k, r in self._b.balances.items()
            if k.dimension == dimension
        ]

    def dimension_names(self, account: str) -> list[str]:
        """``account``'s dimensions, sorted (the optional port method): from an index."""
        return sorted(self._b.dims.get(account, ()))

    def balance_as_of(self, key: BalanceKey, day: date) -> Balance:
        roll = self._b.daily.get(key)
        if roll is None:
            return Balance(key)
        dr, cr, fn = roll.upto(day)
        return Balance(key, dr, cr, 0, 0, fn)

    def balances_as_of(self, day: date, dimension: str = "") -> list[Balance]:
        out = []
        for key, roll in self._b.daily.items():
            if key.dimension == dimension:
                dr, cr, fn = roll.upto(day)
                out.append(Balance(key, dr, cr, 0, 0, fn))
        return out

    # periods
    def list_fiscal_years(self) -> list[FiscalYear]:
        return sorted(self._b.years.values(), key=lambda y: y.start)

    def save_fiscal_year(self, year: FiscalYear, expected_version: int | None) -> None:
        years = self._b.years
        old = years.get(year.name)
        if expected_version is None:
            if old is not None:
                raise DuplicateError("fiscal year already exists", field="name", value=year.name)
        elif old is None or old.version != expected_version:
            raise ConcurrencyError("fiscal year changed since it was read", field="version",
                                   value=expected_version)
        years[year.name] = year

        def undo() -> None:
            if old is None:
                years.pop(year.name, None)
            else:
                years[year.name] = old

        self._undo.append(undo)

    # rates
    def add_rate(self, base: str, quote: str, day: date, rate: Decimal) -> None:
        table = self._b.rates.setdefault((base, quote), {})
        old = table.get(day)
        table[day] = rate

        def undo() -> None:
            if old is None:
                table.pop(day, None)
            else:
                table[day] = old

        self._undo.append(undo)

    def get_rate(self, base: str, quote: str, day: date) -> tuple[date, Decimal] | None:
        table = self._b.rates.get((base, quote))
        if not table:
            return None
        days = sorted(table)
        i = bisect.bisect_right(days, day)
        if i == 0:
            return None
        return days[i - 1], table[days[i - 1]]


class MemoryUnitOfWork:
    """A unit of work over a :class:`MemoryStore` book: lock, undo log, commit."""

    def __init__(self, store: MemoryStore, book: str) -> None:
        self.book = book
        self._store = store
        self._undo: list[Undo] = []
        self._active = False
        self.ledger = MemoryLedgerRepository(store._book(book), self._undo)
        self.inventory = MemoryInventoryRepository(store._book(book).inventory, self._undo)
        self.documents = MemoryDocumentsRepository(store._book(book).documents, self._undo)

    def __enter__(self) -> MemoryUnitOfWork:
        self._store._lock.acquire()
        self._active = True
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            self.rollback()
        finally:
            self._active = False
            self._store._lock.release()

    def commit(self) -> None:
        """Keep every change (drop the undo log)."""
        self._undo.clear()

    def rollback(self) -> None:
        """Undo every change made since the last commit, newest first."""
        while self._undo:
            self._undo.pop()()


class MemoryStore:
    """A process-local store of books; call it with a book id for a unit of work.

    One lock serializes units of work across every book of the store, which
    keeps the reference adapter simple and every unit of work serializable.
    """

    def __init__(self) -> None:
        self._books: dict[str, _Book] = {}
        self._lock = threading.RLock()

    def _book(self, book: str) -> _Book:
        with self._lock:
            b = self._books.get(book)
            if b is None:
                b = self._books[book] = _Book(book)
            return b

    def __call__(self, book: str) -> MemoryUnitOfWork:
        return MemoryUnitOfWork(self, book)

    def books(self) -> list[str]:
        """Ids of the books that hold a ledger."""
        return sorted(k for k, v in self._books.items() if v.settings is not None)
