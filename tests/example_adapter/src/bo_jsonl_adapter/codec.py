"""Row mappers: every value a repository write receives, to JSON and back, exactly.

Integers stay integers (JSON has no size limit), rates travel as decimal
strings, dates and datetimes as ISO 8601 (which keeps the UTC offset and the
microseconds the hash chain covers).

Example:
    >>> from datetime import date
    >>> from decimal import Decimal
    >>> op = encode("add_rate", "EUR", "USD", date(2026, 1, 1), Decimal("1.0837"))
    >>> op
    ['add_rate', 'EUR', 'USD', '2026-01-01', '1.0837']
    >>> decode(op)
    ('add_rate', ('EUR', 'USD', datetime.date(2026, 1, 1), Decimal('1.0837')))
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from backoffice_core.ledger import (
    Account,
    AccountLimit,
    AccountType,
    BookSettings,
    EntryKind,
    EntryStatus,
    FiscalYear,
    JournalEntry,
    Period,
    PeriodState,
    Posting,
)
from backoffice_core.ledger.balances import BalanceDelta, BalanceKey

__all__ = ["decode", "encode"]


def _when(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _parse_when(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value is not None else None


def _settings(s: BookSettings) -> dict[str, Any]:
    return {"name": s.name, "currency": s.functional_currency, "roles": s.roles,
            "chart": s.chart, "version": s.version}


def _parse_settings(d: dict[str, Any]) -> BookSettings:
    return BookSettings(d["name"], d["currency"], dict(d["roles"]), d["chart"], d["version"])


def _account(a: Account) -> dict[str, Any]:
    return {"code": a.code, "name": a.name, "type": a.type.value, "parent": a.parent,
            "currency": a.currency, "limit": a.limit.value, "contra": a.contra,
            "active": a.active, "version": a.version}


def _parse_account(d: dict[str, Any]) -> Account:
    return Account(code=d["code"], name=d["name"], type=AccountType(d["type"]),
                   parent=d["parent"], currency=d["currency"], limit=AccountLimit(d["limit"]),
                   contra=d["contra"], active=d["active"], version=d["version"])


def _entry(e: JournalEntry) -> dict[str, Any]:
    return {
        "id": e.id, "seq": e.seq, "date": e.date.isoformat(), "description": e.description,
        "postings": [[p.account, p.amount, p.currency, p.functional,
                      [list(d) for d in p.dimensions], p.memo] for p in e.postings],
        "reference": e.reference, "idempotency_key": e.idempotency_key,
        "status": e.status.value, "kind": e.kind.value, "related": e.related,
        "expires_at": _when(e.expires_at), "recorded_at": _when(e.recorded_at),
        "fingerprint": e.fingerprint, "prev_hash": e.prev_hash, "hash": e.hash,
    }


def _parse_entry(d: dict[str, Any]) -> JournalEntry:
    postings = tuple(Posting(a, amount, c, fn, tuple((k, v) for k, v in dims), memo)
                     for a, amount, c, fn, dims, memo in d["postings"])
    return JournalEntry(
        d["id"], d["seq"], date.fromisoformat(d["date"]), d["description"], postings,
        d["reference"], d["idempotency_key"], EntryStatus(d["status"]), EntryKind(d["kind"]),
        d["related"], _parse_when(d["expires_at"]), _parse_when(d["recorded_at"]),
        d["fingerprint"], d["prev_hash"], d["hash"])


def _delta(x: BalanceDelta) -> list[Any]:
    k = x.key
    return [k.account, k.currency, k.dimension, k.value, x.day.isoformat(), x.debits,
            x.credits, x.pending_debits, x.pending_credits, x.functional]


def _parse_delta(r: list[Any]) -> BalanceDelta:
    return BalanceDelta(BalanceKey(r[0], r[1], r[2], r[3]), date.fromisoformat(r[4]),
                        r[5], r[6], r[7], r[8], r[9])


def _year(y: FiscalYear) -> dict[str, Any]:
    return {"name": y.name, "closed": y.closed, "closing_entry": y.closing_entry,
            "version": y.version,
            "periods": [[p.name, p.start.isoformat(), p.end.isoformat(), p.state.value]
                        for p in y.periods],
            "closed_by_closing": (None if y.closed_by_closing is None
                                  else list(y.closed_by_closing))}


def _parse_year(d: dict[str, Any]) -> FiscalYear:
    periods = tuple(Period(n, date.fromisoformat(a), date.fromisoformat(b), PeriodState(s))
                    for n, a, b, s in d["periods"])
    # a file written before the field existed has no key: None, as the year was kept then
    return FiscalYear(d["name"], periods, d["closed"], d["closing_entry"], d["version"],
                      d.get("closed_by_closing"))


# write method -> (encode its arguments, decode them)
_CODECS: dict[str, tuple[Callable[..., list[Any]], Callable[..., tuple[Any, ...]]]] = {
    "save_settings": (lambda s, v: [_settings(s), v],
                      lambda s, v: (_parse_settings(s), v)),
    "add_account": (lambda a: [_account(a)], lambda a: (_parse_account(a),)),
    "update_account": (lambda a, v: [_account(a), v], lambda a, v: (_parse_account(a), v)),
    "add_entries": (lambda es: [[_entry(e) for e in es]],
                    lambda es: ([_parse_entry(e) for e in es],)),
    "apply_deltas": (lambda ds: [[_delta(d) for d in ds]],
                     lambda ds: ([_parse_delta(d) for d in ds],)),
    "save_fiscal_year": (lambda y, v: [_year(y), v], lambda y, v: (_parse_year(y), v)),
    "add_rate": (lambda b, q, d, r: [b, q, d.isoformat(), str(r)],
                 lambda b, q, d, r: (b, q, date.fromisoformat(d), Decimal(r))),
}


def encode(method: str, *args: Any) -> list[Any]:
    """One repository write as a JSON-ready list: ``[method, *encoded arguments]``."""
    return [method, *_CODECS[method][0](*args)]


def decode(op: list[Any]) -> tuple[str, tuple[Any, ...]]:
    """The method name and the decoded arguments of an encoded write."""
    method, *args = op
    return method, _CODECS[method][1](*args)
