"""What a SQL store cannot hold, refused before anything is written: a second line of defence.

The domain refuses these values first, when they are made, with the same typed
error on every adapter (:mod:`backoffice_core.text`: no control characters, NUL
included, and identifiers stored in an index of at most :data:`MAX_KEY_CHARS`
characters). These guards keep a value that bypassed the domain (a repository
called directly, an adapter-level bulk path) from reaching the driver. Rather
than let the driver fail halfway through a batch (and name nothing), the adapter
checks values first and raises :class:`~backoffice_core.errors.ValidationError`
naming the field and value:

* everywhere: strings are ``str`` and amounts ``int`` within the storable range
  (``BIGINT``, bounded at 10**18 minor units), so nothing is silently coerced;
* PostgreSQL only (``strict``): text cannot contain NUL characters, and an
  identifier stored in an index (book, codes, ids, idempotency keys, dimension
  names and values) is at most :data:`MAX_KEY_CHARS` characters, well under the
  B-tree entry limit. SQLite stores both verbatim, like the reference adapter
  (for values the domain lets through, which is none of these).

Example:
    >>> check_text("idempotency_key", "k" * 201, key=True, strict=True)
    Traceback (most recent call last):
    ...
    backoffice_core.errors.ValidationError: idempotency_key='kkk...k' (201 chars): identifiers ...
    >>> check_text("idempotency_key", "k" * 201, key=True, strict=False)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

from backoffice_core.adapters.sql.tables import MAX_STORED
from backoffice_core.errors import ValidationError
from backoffice_core.ledger.balances import BalanceKey
from backoffice_core.ledger.entries import JournalEntry
from backoffice_core.text import MAX_KEY_CHARS

__all__ = ["MAX_KEY_CHARS", "check_deltas", "check_entries", "check_text"]

_NUL = "\x00"


class _Long(str):
    """A long string shown shortened in error messages (it is still the full value)."""

    __slots__ = ()

    def __repr__(self) -> str:
        return f"'{self[:3]}...{self[-1:]}' ({len(self)} chars)"


def check_text(field: str, value: object, *, key: bool = False, required: bool = False,
               strict: bool = True) -> None:
    """Refuse a value that is not a string, or (``strict``) one PostgreSQL cannot keep.

    Example:
        >>> check_text("description", "'); DROP TABLE ledger_entries; --")
        >>> check_text("memo", "a\\x00b")
        Traceback (most recent call last):
        ...
        backoffice_core.errors.ValidationError: memo='a\\x00b': text must not contain NUL characters
    """
    if type(value) is not str:
        if value is None and not required:
            return
        if not isinstance(value, str):
            raise ValidationError("must be a string", field=field, value=value)
        value = str(value)
    if not strict:
        return
    if key and len(value) > MAX_KEY_CHARS:
        raise ValidationError(f"identifiers stored in an index are at most {MAX_KEY_CHARS} "
                              "characters", field=field, value=_Long(value))
    if _NUL in value:
        raise ValidationError("text must not contain NUL characters", field=field,
                              value=_Long(value) if len(value) > 80 else value)


def _amount(field: str, value: object) -> None:
    if type(value) is not int:
        raise ValidationError("amounts are integers in minor units", field=field, value=value)
    if not -MAX_STORED <= value <= MAX_STORED:
        raise ValidationError("amount beyond the storable range (+-10**18 minor units)",
                              field=field, value=value)


def _entry_suspect(e: JournalEntry, strict: bool) -> bool:
    """A cheap test that lets nearly every entry through; suspects get the slow, exact check."""
    ident, key, related, desc, ref = e.id, e.idempotency_key, e.related, e.description, e.reference
    if (type(ident) is not str or type(desc) is not str or type(ref) is not str
            or (key is not None and type(key) is not str)
            or (related is not None and type(related) is not str)
            or type(e.seq) is not int or type(e.date) is not date):
        return True
    if not strict:
        return False
    return (len(ident) > MAX_KEY_CHARS or _NUL in ident or _NUL in desc or _NUL in ref
            or (key is not None and (len(key) > MAX_KEY_CHARS or _NUL in key))
            or (related is not None and (len(related) > MAX_KEY_CHARS or _NUL in related)))


def check_entries(entries: Sequence[JournalEntry], *, strict: bool = True) -> None:
    """Check every stored string and amount of ``entries`` (the bulk path: one pass).

    Example:
        >>> from backoffice_core.ledger.entries import Posting
        >>> e = JournalEntry("e1", 1, date(2026, 1, 1), "ok",
        ...                  (Posting("1110", 10**19, "USD", 10**19),))
        >>> check_entries([e])
        Traceback (most recent call last):
        ...
        backoffice_core.errors.ValidationError: entries[0].postings[0].amount=100...0: amount ...
    """
    lo, hi, limit = -MAX_STORED, MAX_STORED, MAX_KEY_CHARS
    for i, e in enumerate(entries):
        if _entry_suspect(e, strict):
            check_text(f"entries[{i}].id", e.id, key=True, required=True, strict=strict)
            check_text(f"entries[{i}].description", e.description, required=True,
                       strict=strict)
            check_text(f"entries[{i}].reference", e.reference, required=True, strict=strict)
            check_text(f"entries[{i}].idempotency_key", e.idempotency_key, key=True,
                       strict=strict)
            check_text(f"entries[{i}].related", e.related, key=True, strict=strict)
            if type(e.seq) is not int:
                raise ValidationError("seq must be an integer", field=f"entries[{i}].seq",
                                      value=e.seq)
            if type(e.date) is not date:
                raise ValidationError("entry date must be a date", field=f"entries[{i}].date",
                                      value=e.date)
        for j, p in enumerate(e.postings):
            account, currency, memo, dims = p.account, p.currency, p.memo, p.dimensions
            amount, functional = p.amount, p.functional
            if (type(amount) is int and type(functional) is int and lo <= amount <= hi
                    and lo <= functional <= hi and type(account) is str
                    and type(currency) is str and type(memo) is str and not dims
                    and (not strict or (len(account) <= limit and len(currency) <= limit
                                        and _NUL not in account and _NUL not in memo
                                        and _NUL not in currency))):
                continue
            where = f"entries[{i}].postings[{j}]"
            _amount(f"{where}.amount", amount)
            _amount(f"{where}.functional", functional)
            check_text(f"{where}.account", account, key=True, required=True, strict=strict)
            check_text(f"{where}.currency", currency, key=True, required=True, strict=strict)
            check_text(f"{where}.memo", memo, required=True, strict=strict)
            for name, value in dims:
                check_text(f"{where}.dimensions", name, key=True, required=True, strict=strict)
                check_text(f"{where}.dimensions.{name}", value, key=True, required=True,
                           strict=strict)


def check_deltas(
    totals: Mapping[BalanceKey, Sequence[int]],
    days: Mapping[tuple[BalanceKey, date], Sequence[int]],
    *,
    strict: bool = True,
) -> None:
    """Check merged balance deltas: storable keys and amounts.

    Example:
        >>> check_deltas({BalanceKey("1110", "USD"): [1, 0, 0, 0, 1]}, {})
    """
    lo, hi = -MAX_STORED, MAX_STORED
    for key, values in totals.items():
        for field, text in zip(("account", "currency", "dimension", "value"), key, strict=True):
            if type(text) is not str or (strict and (len(text) > MAX_KEY_CHARS or _NUL in text)):
                check_text(f"balance.{field}", text, key=True, required=True, strict=strict)
        for v in values:
            if type(v) is not int or not lo <= v <= hi:
                _amount(f"balance[{key.account}/{key.currency}]", v)
    for (key, day), values in days.items():
        if type(day) is not date:
            raise ValidationError("delta day must be a date", field="day", value=day)
        for v in values:
            if type(v) is not int or not lo <= v <= hi:
                _amount(f"balance[{key.account}/{key.currency}]", v)
