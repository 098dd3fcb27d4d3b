"""Row mappers: plain functions between table rows and the attrs domain objects.

The domain classes know nothing of SQL; this module is the only place that
knows both shapes. Rows come in as sequences in the column order of the
``*_COLUMNS`` tuples below (what the adapter selects), and go out as tuples in
the same order (what the adapter inserts through ``executemany``).

Example:
    >>> from backoffice_core.ledger.accounts import Account
    >>> row = account_row("acme", Account("1110", "Cash", "asset"))
    >>> row_to_account(row[1:]) == Account("1110", "Cash", "asset")
    True
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from datetime import date, datetime
from functools import lru_cache
from typing import Any

from backoffice_core.ledger.accounts import Account, AccountLimit, AccountType
from backoffice_core.ledger.entries import EntryKind, EntryStatus, JournalEntry, Posting
from backoffice_core.ledger.periods import FiscalYear, Period, PeriodState
from backoffice_core.ledger.repository import BookSettings
from backoffice_core.text import kept_text

__all__ = [
    "ACCOUNT_COLUMNS",
    "ENTRY_COLUMNS",
    "POSTING_COLUMNS",
    "account_row",
    "batch_rows",
    "cached_account",
    "decode_dimensions",
    "encode_dimensions",
    "entry_row",
    "from_instant",
    "names_from_json",
    "names_to_json",
    "periods_from_json",
    "periods_to_json",
    "posting_rows",
    "row_to_account",
    "row_to_entry",
    "row_to_posting",
    "row_to_settings",
    "settings_row",
    "to_instant",
]

ACCOUNT_COLUMNS = ("code", "name", "type", "parent", "currency", "limit_rule", "contra",
                   "active", "version")
ENTRY_COLUMNS = ("id", "seq", "entry_date", "description", "reference", "idempotency_key",
                 "status", "kind", "related", "expires_at", "recorded_at", "fingerprint",
                 "prev_hash", "hash")
POSTING_COLUMNS = ("line_no", "account", "currency", "amount", "functional", "dimensions",
                   "memo")

_STATUS = {s.value: s for s in EntryStatus}
_KIND = {k.value: k for k in EntryKind}
_TYPE = {t.value: t for t in AccountType}
_LIMIT = {limit.value: limit for limit in AccountLimit}
_STATE = {s.value: s for s in PeriodState}


def to_instant(value: datetime | None) -> str | None:
    """An instant as ISO 8601 text, offset and microseconds kept exactly.

    Example:
        >>> from datetime import timezone, timedelta
        >>> to_instant(datetime(2026, 1, 2, 3, 4, 5, 6, tzinfo=timezone(timedelta(hours=3))))
        '2026-01-02T03:04:05.000006+03:00'
    """
    return None if value is None else value.isoformat()


def from_instant(value: str | None) -> datetime | None:
    """The inverse of :func:`to_instant`.

    Example:
        >>> from_instant("2026-01-02T03:04:05+03:00").utcoffset()
        datetime.timedelta(seconds=10800)
    """
    return None if value is None else datetime.fromisoformat(value)


def encode_dimensions(dimensions: tuple[tuple[str, str], ...]) -> str:
    """Dimension pairs as JSON text (``""`` for none, the common case).

    Example:
        >>> encode_dimensions((("project", "P1"),))
        '[["project","P1"]]'
    """
    if not dimensions:
        return ""
    return json.dumps(dimensions, ensure_ascii=False, separators=(",", ":"))


def decode_dimensions(text: str) -> tuple[tuple[str, str], ...]:
    """The inverse of :func:`encode_dimensions`.

    Example:
        >>> decode_dimensions('[["project","P1"]]')
        (('project', 'P1'),)
    """
    if not text:
        return ()
    return tuple((str(k), str(v)) for k, v in json.loads(text))


def settings_row(book: str, s: BookSettings) -> dict[str, Any]:
    """The ``ledger_books`` row of a book's settings.

    Example:
        >>> settings_row("b", BookSettings("Acme", "EUR"))["roles"]
        '{}'
    """
    return {"book": book, "name": s.name, "functional_currency": s.functional_currency,
            "roles": json.dumps(s.roles, ensure_ascii=False), "chart": s.chart,
            "version": s.version}


@kept_text
def row_to_settings(row: Sequence[Any]) -> BookSettings:
    """Settings from ``(name, functional_currency, roles, chart, version)``.

    Example:
        >>> row_to_settings(("Acme", "EUR", '{"cash": "1110"}', "", 0)).roles
        {'cash': '1110'}
    """
    name, currency, roles, chart, version = row
    return BookSettings(name, currency, json.loads(roles), chart, version)


def account_row(book: str, a: Account) -> tuple[Any, ...]:
    """The ``ledger_accounts`` row: ``book`` then :data:`ACCOUNT_COLUMNS`.

    Example:
        >>> account_row("b", Account("1110", "Cash", "asset"))[:4]
        ('b', '1110', 'Cash', 'asset')
    """
    return (book, a.code, a.name, a.type.value, a.parent, a.currency, a.limit.value,
            a.contra, a.active, a.version)


@kept_text
def row_to_account(row: Sequence[Any]) -> Account:
    """An account from a row in :data:`ACCOUNT_COLUMNS` order.

    Example:
        >>> row_to_account(("1110", "Cash", "asset", None, None, "none", 0, 1, 3)).version
        3
    """
    code, name, type_, parent, currency, limit, contra, active, version = row
    return Account(code=code, name=name, type=_TYPE[type_], parent=parent, currency=currency,
                   limit=_LIMIT[limit], contra=bool(contra), active=bool(active),
                   version=version)


@lru_cache(maxsize=8192)
def cached_account(row: tuple[Any, ...]) -> Account:
    """:func:`row_to_account`, remembered: an account is immutable, its row is its value.

    Every posting reads the accounts it touches (and the chart, for parent
    codes); building an ``Account`` runs its validators, so equal rows share one.

    Example:
        >>> row = ("1110", "Cash", "asset", None, None, "none", 0, 1, 3)
        >>> cached_account(row) is cached_account(tuple(row))
        True
    """
    return row_to_account(row)


def entry_row(book: str, e: JournalEntry, day: Callable[[date], Any]) -> tuple[Any, ...]:
    """The ``ledger_entries`` row: ``book`` then :data:`ENTRY_COLUMNS`.

    ``day`` converts the date for the driver (ISO text for SQLite's raw path).

    Example:
        >>> e = JournalEntry("e1", 1, date(2026, 1, 2), "Sale", ())
        >>> entry_row("b", e, date.isoformat)[:4]
        ('b', 'e1', 1, '2026-01-02')
    """
    return (book, e.id, e.seq, day(e.date), e.description, e.reference, e.idempotency_key,
            e.status.value, e.kind.value, e.related, to_instant(e.expires_at),
            to_instant(e.recorded_at), e.fingerprint, e.prev_hash, e.hash)


def batch_rows(
    book: str, entries: Sequence[JournalEntry], day: Callable[[date], Any]
) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """Entry rows and posting rows of a batch (the bulk path: one pass, cached conversions).

    Example:
        >>> e = JournalEntry("e1", 7, date(2026, 1, 2), "Sale",
        ...                  (Posting("1110", 500, "USD", 500), Posting("4100", -500, "USD", -500)))
        >>> rows, lines = batch_rows("b", [e], date.isoformat)
        >>> rows == [entry_row("b", e, date.isoformat)], lines == posting_rows("b", e)
        (True, True)
    """
    days: dict[date, Any] = {}
    instants: dict[datetime | None, str | None] = {None: None}
    rows: list[tuple[Any, ...]] = []
    lines: list[tuple[Any, ...]] = []
    add_row, add_line = rows.append, lines.append
    for e in entries:
        d = e.date
        converted = days.get(d)
        if converted is None:
            converted = days[d] = day(d)
        rec = e.recorded_at
        rec_text = instants.get(rec, False)
        if rec_text is False:
            rec_text = instants[rec] = to_instant(rec)
        seq = e.seq
        add_row((book, e.id, seq, converted, e.description, e.reference, e.idempotency_key,
                 e.status._value_, e.kind._value_, e.related, to_instant(e.expires_at),
                 rec_text, e.fingerprint, e.prev_hash, e.hash))
        for i, p in enumerate(e.postings):
            dims = p.dimensions
            add_line((book, seq, i, p.account, p.currency, p.amount, p.functional,
                      encode_dimensions(dims) if dims else "", p.memo))
    return rows, lines


def posting_rows(book: str, e: JournalEntry) -> list[tuple[Any, ...]]:
    """The ``ledger_postings`` rows of an entry: ``book, seq`` then :data:`POSTING_COLUMNS`.

    Example:
        >>> e = JournalEntry("e1", 7, date(2026, 1, 2), "Sale",
        ...                  (Posting("1110", 500, "USD", 500), Posting("4100", -500, "USD", -500)))
        >>> posting_rows("b", e)[1]
        ('b', 7, 1, '4100', 'USD', -500, -500, '', '')
    """
    seq = e.seq
    return [(book, seq, i, p.account, p.currency, p.amount, p.functional,
             encode_dimensions(p.dimensions) if p.dimensions else "", p.memo)
            for i, p in enumerate(e.postings)]


def row_to_posting(row: Sequence[Any]) -> Posting:
    """A posting from a row in :data:`POSTING_COLUMNS` order.

    Example:
        >>> row_to_posting((0, "1110", "USD", 500, 500, "", "")).amount
        500
    """
    _, account, currency, amount, functional, dims, memo = row
    return Posting(account, int(amount), currency, int(functional),
                   decode_dimensions(dims) if dims else (), memo)


def row_to_entry(row: Sequence[Any], postings: tuple[Posting, ...]) -> JournalEntry:
    """An entry from a row in :data:`ENTRY_COLUMNS` order and its postings.

    Example:
        >>> row = ("e1", 1, date(2026, 1, 2), "Sale", "", None, "posted", "standard",
        ...        None, None, None, "", "", "")
        >>> row_to_entry(row, ()).kind
        <EntryKind.STANDARD: 'standard'>
    """
    (id_, seq, day, description, reference, key, status, kind, related, expires_at,
     recorded_at, fp, prev_hash, hash_) = row
    if not isinstance(day, date):
        day = date.fromisoformat(day)
    return JournalEntry(id_, int(seq), day, description, postings, reference, key,
                        _STATUS[status], _KIND[kind], related, from_instant(expires_at),
                        from_instant(recorded_at), fp, prev_hash, hash_)


def periods_to_json(year: FiscalYear) -> str:
    """A fiscal year's periods as JSON text.

    Example:
        >>> periods_to_json(FiscalYear.monthly("FY", date(2026, 1, 1), 1))
        '[["2026-01","2026-01-01","2026-01-31","open"]]'
    """
    return json.dumps([[p.name, p.start.isoformat(), p.end.isoformat(), p.state.value]
                       for p in year.periods], ensure_ascii=False, separators=(",", ":"))


def periods_from_json(text: str) -> tuple[Period, ...]:
    """The inverse of :func:`periods_to_json`.

    Example:
        >>> periods_from_json('[["2026-01","2026-01-01","2026-01-31","closed"]]')[0].state
        <PeriodState.CLOSED: 'closed'>
    """
    return tuple(Period(name, date.fromisoformat(start), date.fromisoformat(end), _STATE[state])
                 for name, start, end, state in json.loads(text))


def names_to_json(names: tuple[str, ...] | None) -> str | None:
    """A tuple of names (a year's ``closed_by_closing``) as JSON text; ``None`` stays NULL.

    Example:
        >>> names_to_json(("2026-11", "2026-12")), names_to_json(()), names_to_json(None)
        ('["2026-11","2026-12"]', '[]', None)
    """
    if names is None:
        return None
    return json.dumps(list(names), ensure_ascii=False, separators=(",", ":"))


def names_from_json(text: str | None) -> tuple[str, ...] | None:
    """The inverse of :func:`names_to_json`.

    Example:
        >>> names_from_json('["2026-12"]'), names_from_json('[]'), names_from_json(None)
        (('2026-12',), (), None)
    """
    return None if text is None else tuple(json.loads(text))
