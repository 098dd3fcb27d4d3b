"""The ledger's repository port: what any storage must do for the ledger.

Small and storage-neutral on purpose. An adapter stores accounts, entries,
running balances (with a per-day rollup), fiscal years, exchange rates and the
book's settings, all scoped to the unit of work's book. Every method runs
inside the caller's unit of work; nothing is durable before ``commit``.

Contract highlights (the conformance kit in ``backoffice_core.testing`` checks them):

* ``add_account`` raises ``DuplicateError`` for a taken code; ``update_account``
  raises ``ConcurrencyError`` unless the stored version equals ``expected_version``.
* ``add_entries`` raises ``DuplicateError`` for a taken idempotency key and for a
  second resolution of the same pending entry.
* ``apply_deltas`` adds each delta to its running total (``x = x + delta``, creating
  it at zero), and to the per-day rollup when the delta moves posted amounts.
* ``balance_as_of`` sums the rollup up to and including a day without scanning entries.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import Protocol

import attrs

from backoffice_core.frozen import FrozenDict
from backoffice_core.ledger.accounts import Account
from backoffice_core.ledger.balances import Balance, BalanceDelta, BalanceKey
from backoffice_core.ledger.entries import EntryKind, JournalEntry
from backoffice_core.ledger.periods import FiscalYear

__all__ = ["BookSettings", "LedgerRepository", "revaluations_of"]


def _read_only(roles: Mapping[str, str]) -> dict[str, str]:
    return FrozenDict(roles)


@attrs.frozen(slots=True)
class BookSettings:
    """Per-book settings.

    Attributes:
        name: display name of the company or book.
        functional_currency: the currency the books are kept in.
        roles: role name -> account code, the posting mapping's vocabulary
            (``"receivables"``, ``"retained_earnings"``, ``"currency_trading"``...),
            read-only (:class:`~backoffice_core.frozen.FrozenDict`): change a role with
            ``Ledger.set_role``.
        chart: id of the chart template loaded, if any.
        version: optimistic-concurrency counter.
    """

    name: str
    functional_currency: str
    roles: dict[str, str] = attrs.field(factory=FrozenDict, converter=_read_only)
    chart: str = ""
    version: int = 0


class LedgerRepository(Protocol):
    """Storage of one book's ledger, used inside a unit of work.

    Every list (or dict) a read returns is a new one the caller may change: the
    services hand some straight to the host (``Ledger.accounts()`` is
    ``list_accounts()``), so a result that aliases the adapter's own state would let a
    host edit the book by editing a result.

    Optional: a repository may also offer ``has_children(code) -> bool`` (does any
    account name ``code`` as its parent?), so posting checks "leaf account" with one
    lookup per account instead of reading the whole chart, and ``has_postings(code) ->
    bool`` (does an entry of any status post to ``code``? ``iter_entries(account=code)``
    not empty), so opening a child account or changing an account's currency asks one
    lookup instead of reading entries, and
    ``find_by_idempotency_keys(keys) -> dict[str, JournalEntry]`` (the taken keys among
    ``keys``), so bulk posting looks up a batch's keys in one read, and
    ``dimension_names(account) -> list[str]`` (the dimensions, sorted, that ``account``
    has running totals in), so a revaluation finds them without reading the account's
    entries, and ``revaluations(account, start=None, end=None, currency=None) ->
    list[JournalEntry]`` (the entries of kind ``REVALUATION`` with a posting on
    ``account``, in ``currency`` when given, dated within ``start``..``end``, ordered by
    (date, seq): ``iter_entries(start, end, account)`` filtered), so settling a
    foreign-currency item or revaluing an account reads the few revaluations, not every
    entry of a busy account. The conformance kit checks each method when it is there.
    """

    # settings
    def get_settings(self) -> BookSettings | None:
        """The book's settings, or ``None`` for a book not yet created."""
        ...

    def save_settings(self, settings: BookSettings, expected_version: int | None) -> None:
        """Create (``expected_version=None``) or replace settings (stale: ConcurrencyError).

        Creating the settings of a book that has them raises
        ``DuplicateError(field="book", value=<the unit of work's book id>)``.
        """
        ...

    # accounts
    def get_account(self, code: str) -> Account | None:
        """The account with ``code``, or ``None``."""
        ...

    def list_accounts(self) -> list[Account]:
        """Every account, ordered by code."""
        ...

    def add_account(self, account: Account) -> None:
        """Store a new account; a taken code raises ``DuplicateError``."""
        ...

    def update_account(self, account: Account, expected_version: int) -> None:
        """Replace an account whose stored version is ``expected_version``."""
        ...

    # entries
    def add_entries(self, entries: Sequence[JournalEntry]) -> None:
        """Append entries (already chained, in ``seq`` order)."""
        ...

    def get_entry(self, entry_id: str) -> JournalEntry | None:
        """The entry with ``entry_id``, or ``None``."""
        ...

    def find_by_idempotency_key(self, key: str) -> JournalEntry | None:
        """The entry posted with ``key``, or ``None``."""
        ...

    def find_resolution(self, pending_id: str) -> JournalEntry | None:
        """The entry that resolved (posted, voided, expired) pending entry ``pending_id``."""
        ...

    def find_reversal(self, entry_id: str) -> JournalEntry | None:
        """The reversal of ``entry_id``, if it was reversed."""
        ...

    def last_entry(self) -> JournalEntry | None:
        """The entry with the highest ``seq`` (the head of the hash chain).

        This is also the book's write lock: every posting path calls it first,
        and an adapter serializes the writers of one book from this call until
        commit or rollback (PostgreSQL: ``SELECT ... FOR UPDATE`` on the book's
        head row; SQLite: an immediate write transaction), so limits and the
        chain are checked against a stable state.
        """
        ...

    def iter_entries(
        self,
        start: date | None = None,
        end: date | None = None,
        account: str | None = None,
    ) -> Iterator[JournalEntry]:
        """Entries ordered by (date, seq), optionally within dates and touching ``account``."""
        ...

    def iter_chain(self) -> Iterator[JournalEntry]:
        """Every entry in ``seq`` order (for verification)."""
        ...

    def pending_entries(self) -> list[JournalEntry]:
        """Pending entries not yet resolved, ordered by ``seq`` (``expire_pending`` posts
        their expirations in this order), each call a new list."""
        ...

    # balances
    def apply_deltas(self, deltas: Iterable[BalanceDelta]) -> None:
        """Add deltas to running totals and the per-day rollup, atomically with the entry."""
        ...

    def get_balance(self, key: BalanceKey) -> Balance:
        """The running total for ``key`` (zero when never posted)."""
        ...

    def list_balances(self, dimension: str = "") -> list[Balance]:
        """Every running total of ``dimension`` (``""``: the account totals), any order."""
        ...

    def balance_as_of(self, key: BalanceKey, day: date) -> Balance:
        """The posted total of ``key`` over entries dated on or before ``day``."""
        ...

    def balances_as_of(self, day: date, dimension: str = "") -> list[Balance]:
        """Every posted total of ``dimension`` as of ``day``."""
        ...

    # periods
    def list_fiscal_years(self) -> list[FiscalYear]:
        """Every fiscal year, ordered by start date."""
        ...

    def save_fiscal_year(self, year: FiscalYear, expected_version: int | None) -> None:
        """Create (``expected_version=None``) or replace a fiscal year."""
        ...

    # exchange rates
    def add_rate(self, base: str, quote: str, day: date, rate: Decimal) -> None:
        """Record a rate (replacing one of the same day)."""
        ...

    def get_rate(self, base: str, quote: str, day: date) -> tuple[date, Decimal] | None:
        """The latest rate on or before ``day``, with its date, or ``None``."""
        ...


def revaluations_of(repo: LedgerRepository, account: str, start: date | None = None,
                    end: date | None = None, currency: str | None = None) -> list[JournalEntry]:
    """The revaluation entries touching ``account`` (in ``currency``, if given) dated within
    ``start``..``end``, ordered by (date, seq), whatever their status. One with a
    ``related`` is no revaluation of its own but the undo ``reverse()`` posts of the
    revaluation it names, when that revaluation's automatic reversal (``reverse_on``)
    or a later ``reverse()`` already holds its reversal.

    The repository's optional ``revaluations`` when it offers it (an index of the few
    revaluations), else ``iter_entries(start, end, account)`` filtered: the same list.

    Example:
        >>> from datetime import date
        >>> from backoffice_core.adapters.memory import MemoryStore
        >>> with MemoryStore()("acme") as uow:
        ...     revaluations_of(uow.ledger, "1200", date(2026, 1, 1), None, "EUR")
        []
    """
    ask = getattr(repo, "revaluations", None)
    if ask is not None:
        return list(ask(account, start, end, currency))
    return [e for e in repo.iter_entries(start, end, account)
            if e.kind is EntryKind.REVALUATION and (currency is None or any(
                p.account == account and p.currency == currency for p in e.postings))]
